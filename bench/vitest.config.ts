import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { name: 'bench', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 30_000 } });
