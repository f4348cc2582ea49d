// Vite config: relative base so the static build works from any sub-path of any host.
// STUDIO_OUT_DIR lets parallel builds (tests, bench) write to separate folders.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precachePlugin } from './src/sw/precache-plugin';

export default defineConfig({
  base: './',
  // precachePlugin: emits sw.js so the static build works offline after the first visit.
  plugins: [react(), precachePlugin()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: process.env.STUDIO_OUT_DIR ?? 'dist',
    chunkSizeWarningLimit: 12000,
  },
  optimizeDeps: { exclude: ['h5wasm', '@techstark/opencv-js'] },
});
