import { resolveObjectURL } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { UrlWindow } from './url-window';

const file = (s: string) => ({ blob: new Blob([s]) });
const live = (u: string) => resolveObjectURL(u) !== undefined;

describe('object URL window', () => {
  it('holds URLs only for the files in view, one per file however often it is shown', async () => {
    const files = Array.from({ length: 100 }, (_, i) => file(`image ${i}`));
    const w = new UrlWindow<{ blob: Blob }>();
    const first = files.slice(0, 10).map((f) => w.urlOf(f));
    expect(files.slice(0, 10).map((f) => w.urlOf(f))).toEqual(first);
    expect(await resolveObjectURL(first[3]!)!.text()).toBe('image 3');
    w.keepOnly(new Set(files.slice(0, 10)));
    expect(w.held).toBe(10);
    // scroll: 5..14 in view
    const next = files.slice(5, 15);
    next.forEach((f) => w.urlOf(f));
    w.keepOnly(new Set(next));
    expect(w.held).toBe(10);
    expect(first.slice(0, 5).some(live)).toBe(false);
    expect(first.slice(5).every(live)).toBe(true);
    expect(w.urlOf(files[5]!)).toBe(first[5]);
  });

  it('revokes everything after unmount, but not when mounted again at once', async () => {
    const f = file('x');
    const w = new UrlWindow<{ blob: Blob }>();
    w.mount();
    const u = w.urlOf(f);
    w.unmount();
    w.mount();
    await new Promise((r) => setTimeout(r, 5));
    expect(live(u)).toBe(true);
    w.unmount();
    await new Promise((r) => setTimeout(r, 5));
    expect(live(u)).toBe(false);
    expect(w.held).toBe(0);
  });
});
