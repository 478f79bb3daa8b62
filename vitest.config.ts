// The whole suite, one invocation: each package's own tests plus the cross-app suites in tests/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		projects: [
			'packages/*/vitest.config.ts',
			'apps/*/vitest.config.ts',
			'bench/vitest.config.ts',
			{ test: { name: 'integration', root: 'tests', include: ['integration/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
			{ test: { name: 'e2e', root: 'tests', include: ['e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000, fileParallelism: false } }
		]
	}
});
