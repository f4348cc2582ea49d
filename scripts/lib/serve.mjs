// Serve a built studio folder with `vite preview` on a port, and wait until it answers. Vite runs as a direct
// child in its own process group, so close() stops it (killing an `npx` wrapper would leave it orphaned).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');

export async function servePreview({ outDir = 'dist', port = 4180 } = {}) {
  const url = `http://localhost:${port}/`;
  try {
    await fetch(url);
    throw new Error(
      `port ${port} is already in use: stop the server there (e.g. an old vite preview) and retry`,
    );
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('port ')) throw e;
  }
  const child = spawn(
    process.execPath,
    [viteBin, 'preview', '--outDir', outDir, '--port', String(port), '--strictPort'],
    {
      stdio: 'ignore',
      detached: true,
    },
  );
  const close = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', close);
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(url)).ok) return { url, close };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  close();
  throw new Error(`vite preview of ${outDir} did not answer on ${url}`);
}
