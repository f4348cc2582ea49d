// What a dataset version records of each image file, read in the worker: the digest of its bytes and its size
// from the PNG / JPEG header (other formats: the decoded bitmap's size, channels unknown). A file that cannot be
// read as an image is recorded with size 0 x 0 (the findings name it; the split leaves it out, so the version
// has it as excluded) rather than failing the whole version.
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
    return { ...facts, height: 0, width: 0, channels: 0 };
  }
}
