// Makes the self-contained GPU bench folder (default bench/.data/gpu-bench): the training step bench bundled with
// tfjs and the studio's trainer (one .mjs), Dawn's Node binding for linux-x64 (from the `webgpu` npm package,
// fetched with `npm pack` unless --webgpu DIR names an unpacked copy), PyTorch's step bench, and run.sh. Copy the
// folder (under 64 MiB) to a headless Linux GPU machine with Node >= 20 and a Vulkan driver and run ./run.sh: it
// prints the WebGPU figure and, where python3 has torch with CUDA, PyTorch's on the same GPU.
//   node scripts/gpu/make-gpu-bench.mjs [--out DIR] [--webgpu DIR]
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../../', import.meta.url));
const WEBGPU_VERSION = '0.6.2';
const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const out = path.resolve(arg('out') ?? path.join(root, 'bench/.data/gpu-bench'));
const LIMIT = 64 * 2 ** 20;

function webgpuPackage() {
  const given = arg('webgpu');
  if (given) return path.resolve(given);
  const dir = mkdtempSync(path.join(tmpdir(), 'webgpu-'));
  execFileSync('npm', ['pack', `webgpu@${WEBGPU_VERSION}`, '--silent'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  execFileSync('tar', ['xzf', `webgpu-${WEBGPU_VERSION}.tgz`], { cwd: dir });
  return path.join(dir, 'package');
}

function sizeOf(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? sizeOf(p) : statSync(p).size;
  }
  return n;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  root,
  configFile: false,
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: path.join(root, 'scripts/gpu/gpu-step-bench.mjs'),
    outDir: out,
    emptyOutDir: false,
    minify: false,
    target: 'node20',
    rollupOptions: { external: ['webgpu'], output: { entryFileNames: 'gpu-step-bench.mjs', format: 'es' } },
  },
  ssr: { noExternal: true, external: ['webgpu'] },
});
// The binding as a local package the bundle's `import 'webgpu'` resolves to (node_modules/webgpu).
const pkg = webgpuPackage();
const dest = path.join(out, 'node_modules/webgpu');
mkdirSync(path.join(dest, 'dist/linux-x64'), { recursive: true });
for (const f of ['index.js', 'package.json', 'LICENSE.md'])
  copyFileSync(path.join(pkg, f), path.join(dest, f));
cpSync(path.join(pkg, 'dist/linux-x64'), path.join(dest, 'dist/linux-x64'), { recursive: true });
copyFileSync(path.join(root, 'scripts/train/torch_step_bench.py'), path.join(out, 'torch_step_bench.py'));
writeFileSync(
  path.join(out, 'run.sh'),
  `#!/bin/sh
# Spatter Studio GPU bench: the LeNet5 training step (batch 256) on tfjs WebGPU through Dawn, then PyTorch on CUDA
# where python3 has torch with a GPU. Each prints one JSON line. Needs Node >= 20 and a Vulkan driver.
cd "$(dirname "$0")"
node gpu-step-bench.mjs "$@"
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  python3 torch_step_bench.py --device cuda
else
  echo '{"torch": "not run: python3 with CUDA torch not found"}'
fi
`,
);
chmodSync(path.join(out, 'run.sh'), 0o755);
const size = sizeOf(out);
console.log(`${out}: ${(size / 2 ** 20).toFixed(1)} MiB${size > LIMIT ? ' — over the 64 MiB limit' : ''}`);
if (size > LIMIT) process.exitCode = 1;
