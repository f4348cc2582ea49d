// Vite config: relative base so the static build works from any sub-path of any host.
// STUDIO_OUT_DIR lets parallel builds (tests, bench) write to separate folders.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  base: './',
  plugins: [
    react(),
    // Offline after the first visit: a Workbox service worker (src/sw/sw.ts) precaching every file of the build,
    // demo data, wasm and workers included. Registered by src/sw/register.ts, which asks before updating.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      manifest: false,
      injectManifest: {
        globPatterns: ['**/*'],
        globIgnores: ['**/*.map'],
        // opencv.js and the tfjs wasm builds are several MB each; the largest file is ~11 MB.
        maximumFileSizeToCacheInBytes: 48 * 1024 * 1024,
        // Hashed build assets need no revision of their own.
        dontCacheBustURLsMatching: /^assets\//,
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: process.env.STUDIO_OUT_DIR ?? 'dist',
    chunkSizeWarningLimit: 12000,
  },
  optimizeDeps: { exclude: ['h5wasm', '@techstark/opencv-js'] },
});
