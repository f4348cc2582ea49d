import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer, pickBestBackend, resolveBackend, type Capabilities } from './backends';

const base: Capabilities = {
  webgpu: { available: false },
  webgl2: { available: false },
  wasm: { available: true, simd: true, threads: false },
  crossOriginIsolated: false,
  hardwareConcurrency: 2,
  webcodecs: true,
  userAgent: 'test',
};
const adapter = (software: boolean) => ({
  vendor: 'v',
  architecture: 'a',
  device: 'd',
  description: 'x',
  software,
});

describe('backend choice', () => {
  it('prefers a hardware WebGPU adapter, then hardware WebGL', () => {
    expect(pickBestBackend({ ...base, webgpu: { available: true, adapter: adapter(false) } })).toBe('webgpu');
    expect(
      pickBestBackend({
        ...base,
        webgpu: { available: true, adapter: adapter(true) },
        webgl2: { available: true, renderer: 'ANGLE (NVIDIA)', software: false },
      }),
    ).toBe('webgl');
  });

  it('prefers WASM over software GPUs, and CPU when nothing else is there', () => {
    expect(
      pickBestBackend({
        ...base,
        webgpu: { available: true, adapter: adapter(true) },
        webgl2: { available: true, software: true },
      }),
    ).toBe('wasm');
    expect(pickBestBackend({ ...base, wasm: { available: false, simd: false, threads: false } })).toBe('cpu');
  });

  it('honours an available choice and falls back from a missing one', () => {
    expect(resolveBackend(base, 'cpu')).toEqual({ backend: 'cpu', fellBack: false });
    expect(resolveBackend(base, 'webgpu')).toEqual({ backend: 'wasm', fellBack: true });
    expect(resolveBackend(base, 'auto')).toEqual({ backend: 'wasm', fellBack: false });
  });

  it('recognises software renderers', () => {
    expect(
      isSoftwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)'),
    ).toBe(true);
    expect(isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060)')).toBe(false);
  });
});
