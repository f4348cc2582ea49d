// Serve a built studio folder with `vite preview` on a port, and wait until it answers.
import { spawn } from 'node:child_process';

export async function servePreview({ outDir = 'dist', port = 4180 } = {}) {
  const child = spawn(
    'npx',
    ['vite', 'preview', '--outDir', outDir, '--port', String(port), '--strictPort'],
    {
      stdio: 'ignore',
      detached: false,
    },
  );
  const url = `http://localhost:${port}/`;
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(url)).ok) return { url, close: () => child.kill() };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`vite preview of ${outDir} did not answer on ${url}`);
}
