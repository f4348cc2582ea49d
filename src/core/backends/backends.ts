// What compute the browser offers, and which backend to use: the detection results are plain data so the
// ranking rule can be unit-tested in Node.

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type BackendChoice = BackendName | 'auto';

export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** SwiftShader, llvmpipe and friends: a GPU API in software. */
  software: boolean;
}

export interface Capabilities {
  webgpu: { available: boolean; adapter?: GpuAdapterInfo; reason?: string };
  webgl2: { available: boolean; renderer?: string; vendor?: string; software?: boolean; reason?: string };
  wasm: { available: boolean; simd: boolean; threads: boolean; reason?: string };
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  webcodecs: boolean;
  userAgent: string;
}

const SOFTWARE_GPU = /swiftshader|llvmpipe|softpipe|software|basic render/i;

export function isSoftwareRenderer(text: string | undefined): boolean {
  return text !== undefined && SOFTWARE_GPU.test(text);
}

/**
 * The best backend for training on this browser. A real GPU wins (WebGPU, then WebGL); with only a software
 * GPU, WASM is far faster (SwiftShader trains LeNet5 at ~6-48 img/s vs thousands on WASM), then CPU.
 */
export function pickBestBackend(c: Capabilities): BackendName {
  if (c.webgpu.available && c.webgpu.adapter && !c.webgpu.adapter.software) return 'webgpu';
  if (c.webgl2.available && !c.webgl2.software) return 'webgl';
  if (c.wasm.available) return 'wasm';
  return 'cpu';
}

export function isBackendAvailable(c: Capabilities, b: BackendName): boolean {
  switch (b) {
    case 'webgpu':
      return c.webgpu.available;
    case 'webgl':
      return c.webgl2.available;
    case 'wasm':
      return c.wasm.available;
    case 'cpu':
      return true;
  }
}

/** Resolve the user's choice: 'auto', or a backend that turned out to be missing, falls back to the best one. */
export function resolveBackend(
  c: Capabilities,
  choice: BackendChoice,
): { backend: BackendName; fellBack: boolean } {
  if (choice !== 'auto' && isBackendAvailable(c, choice)) return { backend: choice, fellBack: false };
  return { backend: pickBestBackend(c), fellBack: choice !== 'auto' };
}

export function describeBackend(c: Capabilities, b: BackendName): string {
  switch (b) {
    case 'webgpu':
      return c.webgpu.adapter
        ? `WebGPU on ${c.webgpu.adapter.description || c.webgpu.adapter.device || c.webgpu.adapter.vendor || 'an adapter'}${c.webgpu.adapter.software ? ' (software)' : ''}`
        : `WebGPU unavailable${c.webgpu.reason ? `: ${c.webgpu.reason}` : ''}`;
    case 'webgl':
      return c.webgl2.available
        ? `WebGL2 on ${c.webgl2.renderer ?? 'unknown renderer'}${c.webgl2.software ? ' (software)' : ''}`
        : `WebGL2 unavailable${c.webgl2.reason ? `: ${c.webgl2.reason}` : ''}`;
    case 'wasm':
      return c.wasm.available
        ? `WebAssembly${c.wasm.simd ? ' + SIMD' : ''}${c.wasm.threads ? ' + threads' : ' (no threads: page not cross-origin isolated)'}`
        : 'WebAssembly unavailable';
    case 'cpu':
      return 'Plain JavaScript (slowest, always there)';
  }
}
