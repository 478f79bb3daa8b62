// Unit and component tests (jsdom). svelteTesting() (in vite.config.ts) adds the browser condition and cleanup.
import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config';

export default mergeConfig(
	viteConfig,
	defineConfig({
		test: { name: 'web', environment: 'jsdom', include: ['test/**/*.test.ts'], testTimeout: 30_000 }
	})
);
