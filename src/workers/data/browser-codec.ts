// Image decoding and encoding inside the data worker with the browser's own codecs: createImageBitmap
// (hardware-independent, off the main thread) read back through a reused OffscreenCanvas, and JPEG
// encoding via OffscreenCanvas.convertToBlob. A pure-JS decoder (jpeg-js) is kept for comparison in the
// bench: on small crops the per-call overhead decides, not the pixel work.
import * as jpeg from 'jpeg-js';
import type { DecodedImage } from './data-library';

let canvas: OffscreenCanvas | null = null;
let ctx2d: OffscreenCanvasRenderingContext2D | null = null;

function context(width: number, height: number): OffscreenCanvasRenderingContext2D {
  if (!canvas || canvas.width < width || canvas.height < height) {
    canvas = new OffscreenCanvas(Math.max(width, canvas?.width ?? 0), Math.max(height, canvas?.height ?? 0));
    ctx2d = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (!ctx2d) throw new Error('This browser cannot read pixels in a worker (no OffscreenCanvas 2D)');
  return ctx2d;
}

export async function decodeWithImageBitmap(bytes: Uint8Array): Promise<DecodedImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as BlobPart]), { colorSpaceConversion: 'none' });
  } catch {
    throw new Error(`the ${bytes.length} bytes are not an image the browser can decode`);
  }
  const { width, height } = bitmap;
  const c = context(width, height);
  c.clearRect(0, 0, width, height);
  c.drawImage(bitmap, 0, 0);
  bitmap.close();
  const data = c.getImageData(0, 0, width, height).data;
  return { width, height, channels: 4, data };
}

/**
 * WebCodecs ImageDecoder: no Blob round trip through the browser process, and a JPEG decodes to YUV whose
 * Y plane is already the BT.601 luma OpenCV's grey conversion computes, so only that plane is copied.
 */
export async function decodeWithImageDecoder(bytes: Uint8Array): Promise<DecodedImage> {
  let decoder: ImageDecoder | null = null;
  let frame: VideoFrame | null = null;
  try {
    decoder = new ImageDecoder({ data: bytes, type: sniffType(bytes) });
    frame = (await decoder.decode()).image;
  } catch {
    decoder?.close();
    throw new Error(`the ${bytes.length} bytes are not an image the browser can decode`);
  }
  try {
    const width = frame.visibleRect?.width ?? frame.codedWidth;
    const height = frame.visibleRect?.height ?? frame.codedHeight;
    const fmt = frame.format ?? '';
    if (fmt.startsWith('I4') || fmt.startsWith('NV12')) {
      const buf = new Uint8Array(frame.allocationSize());
      const layout = await frame.copyTo(buf);
      const { offset, stride } = layout[0]!;
      const grey = new Uint8Array(width * height);
      for (let y = 0; y < height; y++)
        grey.set(buf.subarray(offset + y * stride, offset + y * stride + width), y * width);
      return { width, height, channels: 1, data: grey };
    }
    const rgba = new Uint8Array(width * height * 4);
    await frame.copyTo(rgba, { format: 'RGBA' } as VideoFrameCopyToOptions);
    return { width, height, channels: 4, data: rgba };
  } finally {
    frame.close();
    decoder.close();
  }
}

function sniffType(b: Uint8Array): string {
  if (b[0] === 0x89 && b[1] === 0x50) return 'image/png';
  if (b[0] === 0x42 && b[1] === 0x4d) return 'image/bmp';
  if (b[0] === 0x52 && b[1] === 0x49) return 'image/webp';
  return 'image/jpeg';
}

export function decodeWithJpegJs(bytes: Uint8Array): DecodedImage {
  try {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 64 });
    return { width: img.width, height: img.height, channels: 4, data: img.data };
  } catch (e) {
    throw new Error(
      `the ${bytes.length} bytes are not a decodable JPEG (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}

export async function encodeJpegInWorker(img: DecodedImage): Promise<Uint8Array> {
  const rgba = new Uint8ClampedArray(img.width * img.height * 4);
  for (let p = 0; p < img.width * img.height; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = img.data[p * img.channels + (img.channels === 1 ? 0 : c)]!;
    rgba[p * 4 + 3] = 255;
  }
  const cv = new OffscreenCanvas(img.width, img.height);
  const c = cv.getContext('2d');
  if (!c) throw new Error('This browser cannot encode JPEG in a worker (no OffscreenCanvas 2D)');
  c.putImageData(new ImageData(rgba, img.width, img.height), 0, 0);
  const blob = await cv.convertToBlob({ type: 'image/jpeg', quality: 0.95 });
  return new Uint8Array(await blob.arrayBuffer());
}
