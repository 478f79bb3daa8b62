// Unit and component tests (jsdom). Also loaded as the "web" project of the root vitest run, whose working
// directory is the repo root: hence absolute paths, and the plain Svelte plugin instead of sveltekit()
// (which reads its config from process.cwd()). Tested modules use only $lib, aliased here.
import { fileURLToPath } from 'node:url';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
	root: here('.'),
	plugins: [
		svelte({ configFile: here('./svelte.config.js') }),
		paraglideVitePlugin({
			project: here('./project.inlang'),
			outdir: here('./src/lib/paraglide'),
			strategy: ['cookie', 'preferredLanguage', 'baseLocale']
		}),
		svelteTesting()
	],
	resolve: { alias: { $lib: here('./src/lib') } },
	test: { name: 'web', environment: 'jsdom', include: ['test/**/*.test.ts'], testTimeout: 30_000 }
});
