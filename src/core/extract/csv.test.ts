import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boxesCsv, CsvFormatError, parseBoxesCsv, parseSpatterAtFrameCsv, spatterAtFrameCsv } from './csv';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../e2e/fixtures/${name}`, import.meta.url), 'utf8');

describe('research CSV layouts', () => {
  it('round-trips the reference per-frame CSV byte for byte', () => {
    const text = fixture('ref_high_mp4_spatter_at_frame.csv');
    const counts = parseSpatterAtFrameCsv(text);
    expect(counts.length).toBe(439); // 440 frames, one row per consecutive pair
    expect(spatterAtFrameCsv(counts)).toBe(text);
  });
  it('round-trips the reference boxes CSV byte for byte', () => {
    const text = fixture('ref_low_webm_boxes.csv');
    const boxes = parseBoxesCsv(text);
    expect(boxes[0]).toMatchObject({ frame: expect.any(Number), w: expect.any(Number) });
    expect(boxesCsv(boxes)).toBe(text);
  });
  it('writes frame numbers from the first processed frame', () => {
    expect(spatterAtFrameCsv([0, 2], 10)).toBe('0,1\n10,0\n11,2\n');
  });
  it('names the file and line of a bad row', () => {
    expect(() => parseBoxesCsv('frame,x,y,w,h\n1,2,3\n', 'x.csv')).toThrow(/x.csv: line 2/);
    expect(() => parseSpatterAtFrameCsv('a,b\n', 'y.csv')).toThrow(CsvFormatError);
  });
});
