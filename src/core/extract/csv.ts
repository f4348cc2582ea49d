// The research CSV layouts: `<video>_spatter_at_frame.csv` (header `0,1`, then frame,count) and the boxes CSV
// (`frame,x,y,w,h`), written exactly as seed_extract.py writes them, and read back for fidelity checks.
import type { Box } from './rules';

export interface FrameBox extends Box {
  frame: number;
}

/** Per-frame spatter counts; `counts[i]` belongs to frame `firstFrame + i`. */
export function spatterAtFrameCsv(counts: ArrayLike<number>, firstFrame = 0): string {
  const lines = ['0,1'];
  for (let i = 0; i < counts.length; i++) lines.push(`${firstFrame + i},${counts[i]}`);
  return lines.join('\n') + '\n';
}

export function boxesCsv(boxes: Iterable<FrameBox>): string {
  const lines = ['frame,x,y,w,h'];
  for (const b of boxes) lines.push(`${b.frame},${b.x},${b.y},${b.w},${b.h}`);
  return lines.join('\n') + '\n';
}

export class CsvFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

function rows(text: string, name: string, header: string, columns: number): number[][] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== header) {
    throw new CsvFormatError(`${name}: expected the header "${header}", found "${lines[0] ?? ''}"`);
  }
  return lines.slice(1).map((l, i) => {
    const v = l.split(',').map(Number);
    if (v.length !== columns || v.some((n) => !Number.isInteger(n))) {
      throw new CsvFormatError(`${name}: line ${i + 2} is not ${columns} integers: "${l}"`);
    }
    return v;
  });
}

/** Read a `_spatter_at_frame.csv`: returns counts indexed by row (frame numbers are checked to be consecutive). */
export function parseSpatterAtFrameCsv(text: string, name = 'spatter_at_frame.csv'): number[] {
  const r = rows(text, name, '0,1', 2);
  r.forEach(([f], i) => {
    if (f !== r[0]![0]! + i) throw new CsvFormatError(`${name}: frame ${f} at row ${i + 2} is out of order`);
  });
  return r.map((v) => v[1]!);
}

export function parseBoxesCsv(text: string, name = 'boxes.csv'): FrameBox[] {
  return rows(text, name, 'frame,x,y,w,h', 5).map(([frame, x, y, w, h]) => ({
    frame: frame!,
    x: x!,
    y: y!,
    w: w!,
    h: h!,
  }));
}
