// What the quality findings need of each image file, measured in the images worker: the digest of its bytes,
// its natural size, grey or colour, and its darkest / brightest / mean value. Files are read a batch at a time
// so only a batch's bytes and pixels are held at once.
import { rgbaStats, type ImageInspection } from '../../core/images/findings';
import { imageDigest } from '../../core/images/version';
import type { ImageFile } from './decode';

/** Files read and decoded together. */
export const INSPECT_BATCH = 8;
/** Larger images are measured on a scaled-down copy (a flat image stays flat; min / max may narrow slightly). */
const MAX_MEASURED_PIXELS = 4_000_000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function inspectFile(file: ImageFile): Promise<ImageInspection> {
  const bytes = new Uint8Array(await file.blob.arrayBuffer());
  const contentDigest = imageDigest(bytes);
  let bmp: ImageBitmap;
  try {
    bmp = await createImageBitmap(new Blob([bytes]), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch (e) {
    return {
      path: file.path,
      contentDigest,
      height: 0,
      width: 0,
      channels: 0,
      min: 0,
      max: 0,
      mean: 0,
      decodeError: bytes.length === 0 ? 'the file is empty' : `not a decodable image (${message(e)})`,
    };
  }
  const { height, width } = bmp;
  const scale = Math.min(1, Math.sqrt(MAX_MEASURED_PIXELS / Math.max(1, height * width)));
  const h = Math.max(1, Math.round(height * scale));
  const w = Math.max(1, Math.round(width * scale));
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) {
    bmp.close();
    throw new Error('This browser gives workers no 2D canvas to measure images with');
  }
  ctx.drawImage(bmp, 0, 0, w, h);
  bmp.close();
  const stats = rgbaStats(ctx.getImageData(0, 0, w, h).data);
  return { path: file.path, contentDigest, height, width, ...stats };
}

/** Inspect `files` in order, a batch at a time; `onBatch(done)` after each batch (progress, cancellation). */
export async function inspectImages(
  files: readonly ImageFile[],
  onBatch?: (done: number) => Promise<void>,
): Promise<ImageInspection[]> {
  const out: ImageInspection[] = [];
  for (let s = 0; s < files.length; s += INSPECT_BATCH) {
    out.push(...(await Promise.all(files.slice(s, s + INSPECT_BATCH).map(inspectFile))));
    await onBatch?.(out.length);
  }
  return out;
}
