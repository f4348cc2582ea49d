// What a dataset version records of each image file, read in the worker: the digest of its bytes and its size
// from the PNG / JPEG header (other formats: the decoded bitmap's size, channels unknown).
import { describeImageBytes, type ImageFileFacts } from '../../core/images/version';
import type { ImageFile } from './decode';

export async function describeFile(file: ImageFile): Promise<ImageFileFacts> {
  const facts = describeImageBytes(new Uint8Array(await file.blob.arrayBuffer()));
  if (facts.height > 0) return facts;
  try {
    const bmp = await createImageBitmap(file.blob);
    const out = { ...facts, height: bmp.height, width: bmp.width };
    bmp.close();
    return out;
  } catch {
    throw new Error(`${file.path} could not be read as an image (is it a PNG, JPEG, BMP, WebP or GIF?)`);
  }
}
