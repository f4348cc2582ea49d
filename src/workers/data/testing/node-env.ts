// The data library's environment in Node tests: real h5wasm (node build, real paths) and a pure-JS JPEG codec
// (jpeg-js) standing where the worker uses the browser's decoder and encoder. (No node: imports: this folder is
// type-checked with the worker code.)
import h5wasm from 'h5wasm/node';
import * as jpeg from 'jpeg-js';
import type { LibraryEnv } from '../data-library';

/** The e2e fixtures folder (h5py-written research files), shared by the Node tests. */
export const fixturesDir = decodeURIComponent(new URL('../../../../e2e/fixtures/', import.meta.url).pathname);

/** A library environment that writes its scratch files (exports) into `scratchDir`. */
export async function nodeLibraryEnv(scratchDir: string): Promise<LibraryEnv> {
  const module = await h5wasm.ready;
  return {
    lib: h5wasm,
    module,
    mount: () => {
      throw new Error('Node tests open real paths');
    },
    decode: async (bytes) => {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      return { width: img.width, height: img.height, channels: 4, data: img.data };
    },
    encodeJpeg: async (img) => {
      const rgba = new Uint8Array(img.width * img.height * 4);
      for (let p = 0; p < img.width * img.height; p++) {
        for (let c = 0; c < 3; c++)
          rgba[p * 4 + c] = img.data[p * img.channels + (img.channels === 1 ? 0 : c)]!;
        rgba[p * 4 + 3] = 255;
      }
      return new Uint8Array(jpeg.encode({ width: img.width, height: img.height, data: rgba }, 95).data);
    },
    scratchPath: (name) => `${scratchDir.replace(/\/$/, '')}/${name}`,
  };
}
