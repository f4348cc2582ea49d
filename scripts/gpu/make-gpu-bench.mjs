// Makes the self-contained GPU bench folder (default bench/.data/gpu-bench): the training step bench bundled with
// tfjs and the studio's trainer and image models (one .mjs), Dawn's Node binding for linux-x64 (from the `webgpu`
// npm package, fetched with `npm pack` unless --webgpu DIR names an unpacked copy), Node itself (xz, unless
// --no-node), PyTorch's step benches, and run.sh. Copy the folder (about 33 MiB, under the 64 MiB limit) to a
// headless Linux GPU machine with a Vulkan driver and run ./run.sh: it prints the WebGPU figures and, where python3
// has torch with CUDA, PyTorch's on the same GPU.
//   node scripts/gpu/make-gpu-bench.mjs [--out DIR] [--webgpu DIR] [--no-node]
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
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

function xz(from, to) {
  writeFileSync(to, execFileSync('xz', ['-6', '-T0', '-c', from], { maxBuffer: 2 ** 30 }));
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
// The binding as a local package the bundle's `import 'webgpu'` resolves to (node_modules/webgpu); the 21 MiB
// binary travels xz-compressed and run.sh unpacks it on the first run.
const pkg = webgpuPackage();
const dest = path.join(out, 'node_modules/webgpu');
mkdirSync(path.join(dest, 'dist/linux-x64'), { recursive: true });
for (const f of ['index.js', 'package.json', 'LICENSE.md'])
  copyFileSync(path.join(pkg, f), path.join(dest, f));
xz(path.join(pkg, 'dist/linux-x64/dawn.node'), path.join(out, 'dawn.node.xz'));
// Node itself (the one running this script, linux-x64), for a GPU machine without Node >= 20.
if (process.platform === 'linux' && process.arch === 'x64' && !process.argv.includes('--no-node'))
  xz(process.execPath, path.join(out, 'node.xz'));
for (const f of ['torch_step_bench.py', 'torch_convnext_bench.py'])
  copyFileSync(path.join(root, 'scripts/train', f), path.join(out, f));
writeFileSync(
  path.join(out, 'run.sh'),
  `#!/bin/sh
# Spatter Studio GPU bench: the LeNet5 training step (batch 256) and ConvNeXt-atto b8 / ConvNeXt-Tiny b4 at
# 256x1600 on tfjs WebGPU through Dawn, then the same on PyTorch CUDA where python3 has torch with a GPU. Each
# prints one JSON line. Needs a Vulkan driver (and its loader, libvulkan.so.1); uses Node >= 20 from PATH, else
# the Node that travels in node.xz. Arguments go to gpu-step-bench.mjs (e.g. --convnext none, --dawn backend=vulkan).
cd "$(dirname "$0")"
unxz() {
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  fi
}
dawn=node_modules/webgpu/dist/linux-x64/dawn.node
[ -s "$dawn" ] || unxz dawn.node.xz "$dawn" || exit 1
NODE=node
if [ "$(node -p 'Number(process.versions.node.split(".")[0]) >= 20' 2>/dev/null)" != true ]; then
  if [ ! -f node.xz ]; then echo 'run.sh: needs Node >= 20 (none on PATH and no node.xz here)' >&2; exit 1; fi
  [ -x bin/node ] || { mkdir -p bin && unxz node.xz bin/node && chmod +x bin/node; } || exit 1
  NODE=./bin/node
fi
"$NODE" gpu-step-bench.mjs "$@"
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  python3 torch_step_bench.py --device cuda
  python3 torch_convnext_bench.py --device cuda --model atto --batch 8 --steps 10 --warmup 2
  python3 torch_convnext_bench.py --device cuda --model tiny --batch 4 --steps 10 --warmup 2
else
  echo '{"torch": "not run: python3 with CUDA torch not found"}'
fi
`,
);
chmodSync(path.join(out, 'run.sh'), 0o755);
const size = sizeOf(out);
console.log(`${out}: ${(size / 2 ** 20).toFixed(1)} MiB${size > LIMIT ? ' — over the 64 MiB limit' : ''}`);
if (size > LIMIT) process.exitCode = 1;
