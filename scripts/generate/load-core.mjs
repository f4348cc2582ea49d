// Loads the studio's TypeScript core modules from Node scripts through Vite's SSR loader (no build step,
// no extra TypeScript runner): `const synth = await loadCore('src/core/synth/index.ts')`.
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let server = null;

export async function loadCore(relPath) {
  server ??= await createServer({
    root: repoRoot,
    configFile: false,
    logLevel: 'error',
    server: { middlewareMode: true, hmr: false, ws: false, watch: null },
    appType: 'custom',
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  return server.ssrLoadModule('/' + relPath.replace(/^\//, ''));
}

export async function closeCore() {
  await server?.close();
  server = null;
}
