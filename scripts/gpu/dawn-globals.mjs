// Installs Dawn's WebGPU (the `webgpu` npm package) as the page globals tfjs expects (navigator.gpu, GPUBufferUsage,
// ...). Imported before tfjs: its webgpu backend registers itself only if navigator.gpu exists when it loads.
// Dawn options come from `--dawn a=b,c=d` on the command line (e.g. backend=vulkan, adapter=NAME).
import { create, globals } from 'webgpu';

const i = process.argv.indexOf('--dawn');
const options = i > 0 ? process.argv[i + 1].split(',').filter(Boolean) : [];
Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', {
  value: { gpu: create(options) },
  configurable: true,
  writable: true,
});
