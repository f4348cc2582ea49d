// Feature detection of the compute this worker can use: WebGPU adapter, WebGL2 renderer (OffscreenCanvas),
// WASM SIMD/threads, cross-origin isolation. Runs where training runs, so it reports what training will get.
import { isSoftwareRenderer, type Capabilities, type GpuAdapterInfo } from '../../core/backends/backends';

// The smallest module using a v128 instruction: validates only where WASM SIMD is supported.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

async function detectWebGpu(): Promise<Capabilities['webgpu']> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { available: false, reason: 'navigator.gpu is missing (WebGPU disabled or unsupported)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { available: false, reason: 'no WebGPU adapter was offered' };
    const info = adapter.info;
    const text = [info.vendor, info.architecture, info.device, info.description].join(' ');
    const adapterInfo: GpuAdapterInfo = {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
      software:
        isSoftwareRenderer(text) ||
        (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
    };
    return { available: true, adapter: adapterInfo };
  } catch (e) {
    return { available: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

function detectWebGl2(): Capabilities['webgl2'] {
  if (typeof OffscreenCanvas === 'undefined')
    return { available: false, reason: 'no OffscreenCanvas in workers' };
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return { available: false, reason: 'WebGL2 context could not be created' };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    const vendor = String(gl.getParameter(ext ? ext.UNMASKED_VENDOR_WEBGL : gl.VENDOR));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { available: true, renderer, vendor, software: isSoftwareRenderer(renderer) };
  } catch (e) {
    return { available: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

function detectWasm(): Capabilities['wasm'] {
  if (typeof WebAssembly !== 'object') return { available: false, simd: false, threads: false };
  const simd = WebAssembly.validate(SIMD_PROBE);
  const threads = typeof SharedArrayBuffer !== 'undefined' && self.crossOriginIsolated === true;
  return { available: true, simd, threads };
}

export async function detectCapabilities(): Promise<Capabilities> {
  return {
    webgpu: await detectWebGpu(),
    webgl2: detectWebGl2(),
    wasm: detectWasm(),
    crossOriginIsolated: self.crossOriginIsolated === true,
    hardwareConcurrency: self.navigator.hardwareConcurrency || 1,
    webcodecs: typeof VideoDecoder !== 'undefined',
    userAgent: self.navigator.userAgent,
  };
}
