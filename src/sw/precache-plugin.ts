// Vite build plugin: emits sw.js (see sw-source.ts) listing every file of the bundle plus the page itself,
// so the static build works offline after the first visit without any server configuration.
import type { Plugin } from 'vite';
import { buildVersion, serviceWorkerSource } from './sw-source';

export function precachePlugin(): Plugin {
  return {
    name: 'spatter-studio:precache-sw',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => !f.endsWith('.map') && f !== 'sw.js');
      const precache = ['./', ...files.filter((f) => f !== 'index.html'), 'index.html'];
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: serviceWorkerSource({ version: buildVersion(files), precache }),
      });
    },
  };
}
