// Image decoding in a worker (createImageBitmap + OffscreenCanvas): each file becomes H x W x C uint8 pixels at
// the run's input size (drawn as is at full resolution, scaled otherwise); grey sets stay one channel.

export interface ImageFile {
  path: string;
  blob: Blob;
}

export interface DecodedSet {
  pixels: Uint8Array[];
  height: number;
  width: number;
  channels: number;
  /** Each file's own size [height, width]. */
  originalSizes: [number, number][];
}

async function rgba(
  file: ImageFile,
  height: number,
  width: number,
): Promise<{ data: Uint8ClampedArray; size: [number, number] }> {
  let bmp: ImageBitmap;
  try {
    bmp = await createImageBitmap(file.blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`${file.path} could not be decoded as an image (is it a PNG, JPEG, BMP, WebP or GIF?)`);
  }
  const size: [number, number] = [bmp.height, bmp.width];
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('This browser gives workers no 2D canvas to decode images with');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bmp, 0, 0, width, height);
  bmp.close();
  return { data: ctx.getImageData(0, 0, width, height).data, size };
}

/**
 * Decode `files` at height x width; channels 'auto' keeps 1 when every image is grey (R = G = B). Files in
 * `leaveOut` (found unreadable by the quality findings; the split holds none of them) are not decoded: their
 * pixels are zeros, size 0 x 0, so the indices still match the set's.
 */
export async function decodeImages(
  files: readonly ImageFile[],
  height: number,
  width: number,
  channels: 1 | 3 | 'auto',
  onEach?: (done: number) => Promise<void>,
  leaveOut: readonly number[] = [],
): Promise<DecodedSet> {
  const raw: Uint8ClampedArray[] = [];
  const originalSizes: [number, number][] = [];
  const skip = new Set(leaveOut);
  let grey = true;
  for (let i = 0; i < files.length; i++) {
    if (skip.has(i)) {
      raw.push(new Uint8ClampedArray(height * width * 4));
      originalSizes.push([0, 0]);
      await onEach?.(i + 1);
      continue;
    }
    const { data, size } = await rgba(files[i]!, height, width);
    originalSizes.push(size);
    if (grey && channels === 'auto') {
      for (let p = 0; p < data.length; p += 4) {
        if (data[p] !== data[p + 1] || data[p] !== data[p + 2]) {
          grey = false;
          break;
        }
      }
    }
    raw.push(data);
    await onEach?.(i + 1);
  }
  const c = channels === 'auto' ? (grey ? 1 : 3) : channels;
  const pixels = raw.map((data) => {
    const out = new Uint8Array(height * width * c);
    for (let p = 0, q = 0; p < data.length; p += 4) for (let k = 0; k < c; k++) out[q++] = data[p + k]!;
    return out;
  });
  return { pixels, height, width, channels: c, originalSizes };
}
