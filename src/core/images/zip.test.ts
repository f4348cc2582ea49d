// ZIP image sets: which entries count (images and CSVs, folders kept, __MACOSX/ and dot-files out), and the
// refusals (not a ZIP, damaged, encrypted, too big, no images) on archives built here with fflate.
import { strToU8, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { imageFolderLabels } from './labels';
import { crc32, isWantedEntry, listZipEntries, readImageZip, ZipError } from './zip';

const png = (seed: number) => Uint8Array.from({ length: 64 + seed }, (_, i) => (i * 31 + seed) & 255);

/** A folder-per-class set wrapped in one top folder, as zip tools make it, with macOS and dot-file litter. */
function classZip(level: 0 | 6 = 6): Uint8Array {
  const tree: Zippable = {
    'defects/': {},
    'defects/pits/': {},
    'defects/pits/01.png': png(1),
    'defects/pits/02.PNG': png(2),
    'defects/scratches/a.jpg': png(3),
    'defects/scratches/.hidden.png': png(4),
    'defects/.DS_Store': strToU8('junk'),
    'defects/notes.txt': strToU8('not an image'),
    '__MACOSX/defects/pits/._01.png': png(5),
  };
  return zipSync(tree, { level });
}

describe('ZIP image sets', () => {
  it('keeps images and CSVs with their folders and leaves out folders, __MACOSX/, dot-files and other files', () => {
    expect(isWantedEntry('set/cats/1.png')).toBe(true);
    expect(isWantedEntry('labels.csv')).toBe(true);
    expect(isWantedEntry('set/cats/')).toBe(false);
    expect(isWantedEntry('__MACOSX/set/cats/._1.png')).toBe(false);
    expect(isWantedEntry('set/.thumbs/1.png')).toBe(false);
    expect(isWantedEntry('set/cats/readme.md')).toBe(false);

    const files = readImageZip('defects.zip', classZip());
    expect(files.map((f) => f.path).sort()).toEqual([
      'defects/pits/01.png',
      'defects/pits/02.PNG',
      'defects/scratches/a.jpg',
    ]);
    expect(files.find((f) => f.path === 'defects/pits/02.PNG')!.bytes).toEqual(png(2));
    // the wrapping top folder does not become a class
    const labels = imageFolderLabels(files.map((f) => f.path));
    expect(labels.classNames).toEqual(['pits', 'scratches']);
    expect(labels.items.map((i) => i.labels[0])).toEqual([0, 0, 1]);
  });

  it('reads stored (uncompressed) archives and lists sizes from the central directory', () => {
    const data = classZip(0);
    const entries = listZipEntries('stored.zip', data);
    expect(entries).toHaveLength(9);
    const e = entries.find((x) => x.name === 'defects/pits/01.png')!;
    expect(e).toMatchObject({ compression: 0, encrypted: false, size: 65, originalSize: 65 });
    expect(readImageZip('stored.zip', data)).toHaveLength(3);
  });

  it('reads backslash paths (old Windows zip tools) as folders', () => {
    const data = zipSync({ 'set\\a\\1.png': png(1), 'set\\b\\2.png': png(2) });
    const files = readImageZip('win.zip', data);
    expect(files.map((f) => f.path)).toEqual(['set/a/1.png', 'set/b/2.png']);
    expect(imageFolderLabels(files.map((f) => f.path)).classNames).toEqual(['a', 'b']);
  });

  it('keeps a labels CSV next to the images', () => {
    const data = zipSync({ 'set/labels.csv': strToU8('image,label\n1.png,a\n'), 'set/1.png': png(1) });
    expect(readImageZip('set.zip', data).map((f) => f.path)).toEqual(['set/labels.csv', 'set/1.png']);
  });

  it('refuses a file that is not a ZIP, or one cut short, naming it', () => {
    expect(() => readImageZip('photos.zip', strToU8('hello, not a zip at all'))).toThrow(
      /^photos\.zip is not a readable ZIP \(no end-of-archive record/,
    );
    const data = classZip();
    expect(() => readImageZip('cut.zip', data.subarray(0, data.length - 30))).toThrow(ZipError);
  });

  it('refuses damaged compressed data, naming the ZIP', () => {
    const data = zipSync({ 'set/a/1.png': new Uint8Array(5000).fill(7), 'set/b/2.png': png(2) }).slice();
    const first = listZipEntries('x.zip', data)[0]!;
    expect(first.compression).toBe(8);
    // the first entry's deflate stream follows its local header (30 bytes, the name, the extra field)
    const start = 30 + (data[26]! | (data[27]! << 8)) + (data[28]! | (data[29]! << 8));
    // 0xff: a final block of the reserved type 3, which no inflater accepts
    data.fill(0xff, start, start + first.size);
    expect(() => readImageZip('broken.zip', data)).toThrow(
      /^broken\.zip is damaged \(.+\): zip the folder again/,
    );
  });

  it('catches a damaged stored entry by its CRC-32', () => {
    expect(crc32(strToU8('123456789'))).toBe(0xcbf43926);
    const data = zipSync({ 'set/a/1.png': png(1), 'set/b/2.png': png(2) }, { level: 0 }).slice();
    const first = listZipEntries('x.zip', data)[0]!;
    expect(first.compression).toBe(0);
    const start = 30 + (data[26]! | (data[27]! << 8)) + (data[28]! | (data[29]! << 8));
    data[start + 10]! ^= 0x40;
    expect(() => readImageZip('flipped.zip', data)).toThrow(
      'flipped.zip is damaged ("set/a/1.png" fails its CRC check): zip the folder again and open the new file',
    );
  });

  it('refuses an encrypted ZIP, naming the ZIP and the entry', () => {
    const data = classZip().slice();
    // set general-purpose bit 0 on every central-directory record (signature PK\x01\x02)
    for (let i = 0; i + 4 < data.length; i++) {
      if (data[i] === 0x50 && data[i + 1] === 0x4b && data[i + 2] === 1 && data[i + 3] === 2)
        data[i + 8]! |= 1;
    }
    expect(() => readImageZip('secret.zip', data)).toThrow(
      /^secret\.zip is encrypted \("defects\/pits\/01\.png" needs a password\)/,
    );
  });

  it('refuses a ZIP with no images, and one that would unpack past the limit', () => {
    const text = zipSync({ 'a/readme.txt': strToU8('hi'), '__MACOSX/a/._x.png': png(1) });
    expect(() => readImageZip('docs.zip', text)).toThrow(/^docs\.zip holds no images .* among its 2 entries/);
    expect(() => readImageZip('big.zip', classZip(), { maxBytes: 100, maxEntries: 10 })).toThrow(
      /^big\.zip would unpack to .* MB, more than the .* MB the studio holds in memory/,
    );
    expect(() => readImageZip('many.zip', classZip(), { maxBytes: 1e9, maxEntries: 2 })).toThrow(
      /^many\.zip holds 3 images and CSVs, more than the 2/,
    );
  });
});
