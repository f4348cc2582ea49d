// Label readers for image sets: one sub-folder per class (torchvision's ImageFolder), a CSV `image,label`
// (multi-class) and the steel-defect layout `ImageId,ClassId[,EncodedPixels]` (multi-label: several rows per
// image, an image with no row has no class). Errors name the file and the line.
import { singleLabelTask, type ImageLabels, type LabelledImage } from './task';

export class LabelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelError';
  }
}

const IMAGE_EXT = /\.(png|jpe?g|bmp|webp|gif)$/i;

export function isImagePath(path: string): boolean {
  return IMAGE_EXT.test(path);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Sort class names numerically when every one is a number, else alphabetically (ImageFolder's order). */
function sortClassNames(names: Iterable<string>): string[] {
  const list = [...new Set(names)];
  const numeric = list.every((s) => /^-?\d+(\.\d+)?$/.test(s));
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort();
}

/**
 * ImageFolder: the class of an image is the name of the folder it sits in (`cats/001.png` -> "cats"). Files
 * that are not images are ignored; an image with no folder above it is an error.
 */
export function imageFolderLabels(paths: readonly string[]): ImageLabels {
  const images = paths.filter(isImagePath);
  if (images.length === 0) {
    throw new LabelError('No images found (PNG, JPEG, BMP, WebP or GIF files in one sub-folder per class)');
  }
  const classOf = images.map((p) => {
    const parts = p.split('/').filter(Boolean);
    if (parts.length < 2) {
      throw new LabelError(
        `Image "${p}" is not inside a class folder: put each class's images in a sub-folder named after the class, or open a labels CSV`,
      );
    }
    return parts[parts.length - 2]!;
  });
  const classNames = sortClassNames(classOf);
  if (classNames.length < 2) {
    throw new LabelError(
      `Only one class folder ("${classNames[0]}") was found: a classifier needs at least two classes`,
    );
  }
  const items = images.map((path, i) => ({ path, labels: [classNames.indexOf(classOf[i]!)] }));
  return { task: singleLabelTask(classNames.length), classNames, items, source: 'sub-folders' };
}

/** Parse CSV text into rows of fields (RFC 4180 quotes; CRLF or LF; blank lines skipped). */
export function parseCsvRows(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let line = 1;
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let rowLine = 1;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0]!.trim() === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += ch;
  }
  if (field !== '' || fields.length > 0) endRow();
  return rows.map((r) => ({ line: r.line, fields: r.fields.map((f) => f.trim()) }));
}

/** Find each CSV image name among the opened paths: the exact path, or a unique file name. */
function resolver(fileName: string, paths: readonly string[]) {
  const exact = new Set(paths);
  const byBase = new Map<string, string[]>();
  for (const p of paths) {
    const b = baseName(p);
    byBase.set(b, [...(byBase.get(b) ?? []), p]);
  }
  return (name: string, line: number): string => {
    if (exact.has(name)) return name;
    const hits = byBase.get(baseName(name)) ?? [];
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) {
      throw new LabelError(
        `${fileName} line ${line}: image "${name}" matches ${hits.length} opened files (${hits.slice(0, 3).join(', ')}); use its path`,
      );
    }
    throw new LabelError(`${fileName} line ${line}: image "${name}" is not among the opened images`);
  };
}

function headerIndex(fileName: string, header: string[], names: string[], what: string): number {
  const lower = header.map((h) => h.toLowerCase());
  const i = lower.findIndex((h) => names.includes(h));
  if (i < 0) {
    throw new LabelError(
      `${fileName} line 1: no ${what} column (expected one of ${names.join(', ')}; found ${header.join(', ')})`,
    );
  }
  return i;
}

/** True when the CSV's header is the steel-defect layout (ImageId, ClassId). */
export function isSteelLayout(text: string): boolean {
  const first = parseCsvRows(text.slice(0, 1000))[0]?.fields.map((f) => f.toLowerCase()) ?? [];
  return first.includes('imageid') && first.includes('classid');
}

/** A CSV `image,label`: one row per image, one class per image (multi-class, or binary with two classes). */
export function csvLabels(text: string, fileName: string, paths: readonly string[]): ImageLabels {
  const rows = parseCsvRows(text);
  if (rows.length < 2) throw new LabelError(`${fileName}: needs a header line and at least one row`);
  const header = rows[0]!.fields;
  const ic = headerIndex(
    fileName,
    header,
    ['image', 'filename', 'file', 'path', 'image_id', 'imageid'],
    'image',
  );
  const lc = headerIndex(fileName, header, ['label', 'class', 'category', 'target'], 'label');
  const resolve = resolver(fileName, paths);
  const seen = new Map<string, number>();
  const raw: { path: string; label: string }[] = [];
  for (const { line, fields } of rows.slice(1)) {
    const name = fields[ic] ?? '';
    const label = fields[lc] ?? '';
    if (!name) throw new LabelError(`${fileName} line ${line}: the image name is empty`);
    if (!label) throw new LabelError(`${fileName} line ${line}: image "${name}" has no label`);
    const path = resolve(name, line);
    const prev = seen.get(path);
    if (prev !== undefined) {
      throw new LabelError(
        `${fileName} line ${line}: image "${name}" is already labelled on line ${prev} (one label per image in this layout; use the ImageId,ClassId layout for several)`,
      );
    }
    seen.set(path, line);
    raw.push({ path, label });
  }
  const classNames = sortClassNames(raw.map((r) => r.label));
  if (classNames.length < 2) {
    throw new LabelError(
      `${fileName}: every image has the label "${classNames[0]}"; a classifier needs two classes`,
    );
  }
  const items: LabelledImage[] = raw.map((r) => ({ path: r.path, labels: [classNames.indexOf(r.label)] }));
  return { task: singleLabelTask(classNames.length), classNames, items, source: fileName };
}

/**
 * The steel-defect layout: `ImageId,ClassId[,EncodedPixels]`, one row per (image, defect class), classes
 * numbered 1..K. Every opened image is part of the set; an image without a row has no defect. Encoded pixels
 * (run-length pairs) are checked for shape but not used for classification.
 */
export function steelLabels(
  text: string,
  fileName: string,
  paths: readonly string[],
  classCount?: number,
): ImageLabels {
  const rows = parseCsvRows(text);
  if (rows.length < 1) throw new LabelError(`${fileName}: the file is empty`);
  const header = rows[0]!.fields;
  const ic = headerIndex(fileName, header, ['imageid'], 'ImageId');
  const cc = headerIndex(fileName, header, ['classid'], 'ClassId');
  const ec = header.findIndex((h) => h.toLowerCase() === 'encodedpixels');
  const resolve = resolver(fileName, paths);
  const images = paths.filter(isImagePath);
  const labels = new Map<string, Set<number>>(images.map((p) => [p, new Set<number>()]));
  let maxClass = 0;
  for (const { line, fields } of rows.slice(1)) {
    const name = fields[ic] ?? '';
    const cls = fields[cc] ?? '';
    if (!name) throw new LabelError(`${fileName} line ${line}: ImageId is empty`);
    if (!/^\d+$/.test(cls) || Number(cls) < 1) {
      throw new LabelError(`${fileName} line ${line}: ClassId "${cls}" is not a class number (1, 2, 3, ...)`);
    }
    if (ec >= 0 && fields[ec]) {
      const nums = fields[ec]!.split(/\s+/).filter(Boolean);
      if (nums.length % 2 !== 0 || nums.some((v) => !/^\d+$/.test(v))) {
        throw new LabelError(
          `${fileName} line ${line}: EncodedPixels must be pairs of whole numbers (start length ...), got "${fields[ec]!.slice(0, 40)}"`,
        );
      }
    }
    const path = resolve(name, line);
    const c = Number(cls);
    maxClass = Math.max(maxClass, c);
    labels.get(path)?.add(c - 1);
  }
  const k = Math.max(classCount ?? 0, maxClass);
  if (k < 1) throw new LabelError(`${fileName}: no rows, so no defect classes`);
  const classNames = Array.from({ length: k }, (_, i) => String(i + 1));
  const items = images.map((path) => ({ path, labels: [...labels.get(path)!].sort((a, b) => a - b) }));
  return { task: 'multi-label', classNames, items, source: `${fileName} (steel layout)` };
}
