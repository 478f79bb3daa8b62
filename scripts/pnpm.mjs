#!/usr/bin/env node
// Runs the pinned pnpm with the given arguments, so root scripts work where only npm is installed.
import { pnpm } from './lib.mjs';

await pnpm(process.argv.slice(2), { stdio: 'inherit' });
