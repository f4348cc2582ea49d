import { describe, expect, it } from 'vitest';
import { resolveUserUrl } from './user-url';

const page = 'http://localhost:4173/some/sub/index.html#/data';

describe('resolveUserUrl', () => {
  it('resolves a path relative to the page (the demo placeholder)', () => {
    expect(resolveUserUrl('demo/left_low_0.h5', page)).toEqual({
      ok: true,
      url: 'http://localhost:4173/some/sub/demo/left_low_0.h5',
    });
    expect(resolveUserUrl(' /x/model.json ', page)).toEqual({
      ok: true,
      url: 'http://localhost:4173/x/model.json',
    });
  });

  it('keeps absolute http(s) addresses', () => {
    expect(resolveUserUrl('https://example.org/a.h5?x=1', page)).toEqual({
      ok: true,
      url: 'https://example.org/a.h5?x=1',
    });
  });

  it('refuses other schemes and empty input, saying what is accepted', () => {
    const r = resolveUserUrl('file:///home/me/a.h5', page);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/uses file: give an http\(s\) address .* relative to this page/);
    expect(resolveUserUrl('  ', page).ok).toBe(false);
  });
});
