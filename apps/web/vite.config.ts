import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig, type Plugin } from 'vite';

/** Workspace packages that the SSR build must import at runtime instead of bundling. */
const SERVER_EXTERNAL = ['@teixit/core', '@teixit/db'];

/**
 * `ssr.external` alone is not enough with Vite 8: its resolver refuses to externalize a package whose entry
 * is a `.ts` file. Marking these ids external before resolution keeps one module instance (and one runtime
 * handle) shared with apps/server, which runs under tsx and can load them.
 */
function externalWorkspacePackages(ids: string[]): Plugin {
	return {
		name: 'teixit:external-workspace-packages',
		apply: 'build',
		enforce: 'pre',
		resolveId(id) {
			if (this.environment.config.consumer === 'server' && ids.includes(id)) return { id, external: true };
			return null;
		}
	};
}

export default defineConfig({
	plugins: [
		externalWorkspacePackages(SERVER_EXTERNAL),
		sveltekit(),
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['cookie', 'preferredLanguage', 'baseLocale']
		}),
		svelteTesting()
	],
	ssr: { external: SERVER_EXTERNAL }
});
