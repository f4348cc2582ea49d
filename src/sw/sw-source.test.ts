import { describe, expect, it } from 'vitest';
import { buildVersion, serviceWorkerSource } from './sw-source';

describe('serviceWorkerSource', () => {
  it('bakes the precache list and a build-specific cache name into valid JavaScript', () => {
    const files = ['./', 'assets/index-abc.js', 'index.html'];
    const src = serviceWorkerSource({ version: buildVersion(files), precache: files });
    expect(src).toContain(`spatter-studio-${buildVersion(files)}`);
    expect(src).toContain('"assets/index-abc.js"');
    expect(() => new Function(src)).not.toThrow();
  });

  it('changes the version when the build changes, not when the order does', () => {
    expect(buildVersion(['a.js', 'b.js'])).toBe(buildVersion(['b.js', 'a.js']));
    expect(buildVersion(['a.js', 'b.js'])).not.toBe(buildVersion(['a.js', 'c.js']));
  });
});
