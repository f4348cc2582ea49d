// Width and height of a JPEG from its frame header (SOFn marker), without decoding: the overview of a
// 600k-crop set needs crop sizes long before every crop is decoded.

export interface JpegSize {
  width: number;
  height: number;
  channels: number;
}

/** Size from the first SOF marker, or null when the bytes are not a well-formed JPEG header. */
export function jpegSize(b: Uint8Array): JpegSize | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    let marker = b[i + 1]!;
    while (marker === 0xff && i + 2 < b.length) {
      i++;
      marker = b[i + 1]!;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null;
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    if (len < 2) return null;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 9 >= b.length) return null;
      const height = (b[i + 5]! << 8) | b[i + 6]!;
      const width = (b[i + 7]! << 8) | b[i + 8]!;
      return { width, height, channels: b[i + 9]! };
    }
    i += 2 + len;
  }
  return null;
}
