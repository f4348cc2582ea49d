// Dataset versions from the data library (Node, real h5wasm + jpeg-js): a version's arrays come back the same
// whatever the library's order or labels are later; a missing source is named; sources are matched by content.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeItems, makeDatasetVersion, SPLIT_NAMES, UNLABELLED } from '../../core/dataset/version';
import { DataLibrary, type LibraryEnv } from './data-library';
import { fixturesDir, nodeLibraryEnv } from './testing/node-env';

const fixtures = fixturesDir;
let dir: string;
let env: LibraryEnv;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spatter-dv-'));
  env = await nodeLibraryEnv(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const split = { kind: 'random' as const, seed: 1234, ratios: [0.6, 0.2, 0.2] as [number, number, number] };

describe('dataset versions of the data library', () => {
  it('freezes crops, labels, label sources and the split; rebuilds the same arrays after the library changes', async () => {
    const lib = new DataLibrary(env);
    lib.openPath(join(fixtures, 'left_low_0.h5'), 'left_low_0.h5');
    lib.openPath(join(fixtures, 'left_high_2.h5'), 'left_high_2.h5');
    const snap = await lib.versionSnapshot({ side: 40, split });
    const items = decodeItems(snap.itemBytes);
    expect(items.index.length).toBe(338);
    expect(snap.header.sources.map((s) => s.name)).toEqual(['left_low_0.h5', 'left_high_2.h5']);
    expect(snap.header.sources.every((s) => /^[0-9a-f]{16}$/.test(s.contentDigest))).toBe(true);
    expect(new Set(items.labelSource)).toEqual(new Set([1])); // every label from the file name
    const { version } = makeDatasetVersion(snap.header, items, 'v1', 1);
    expect(version.counts.total).toBe(338);
    const before = await lib.arraysForVersion(snap.header, snap.itemBytes, { side: 40 });
    expect(before.test.y.length).toBe(version.counts.perSplit.test.reduce((a, b) => a + b, 0));

    // Another library: the files opened in the other order, one under another name, labels changed.
    const copy = join(dir, 'build_42.h5');
    copyFileSync(join(fixtures, 'left_low_0.h5'), copy);
    const lib2 = new DataLibrary(env);
    lib2.openPath(join(fixtures, 'left_high_2.h5'), 'left_high_2.h5');
    lib2.openPath(copy, 'build_42.h5');
    const summaries = await lib2.index();
    expect(summaries[1]!.label).toBeNull(); // nothing in the name: unlabelled, not guessed
    lib2.setLabel(summaries[0]!.id, 0);
    const after = await lib2.arraysForVersion(snap.header, snap.itemBytes, { side: 40 });
    for (const k of ['train', 'val', 'test'] as const) {
      expect(after[k].ids.length).toBe(before[k].ids.length);
      expect(Array.from(after[k].y)).toEqual(Array.from(before[k].y));
      expect(after[k].x).toEqual(before[k].x);
    }
    const check = await lib2.checkVersion(snap.header, snap.itemBytes);
    expect(check.missingSources).toEqual([]);
    expect(check.changedLabels).toBe(101 + 237); // low crops unlabelled now, high relabelled 0

    // A library without the high-flow file: the version cannot be rebuilt, and the message names it.
    const lib3 = new DataLibrary(env);
    lib3.openPath(join(fixtures, 'left_low_0.h5'), 'left_low_0.h5');
    await expect(lib3.arraysForVersion(snap.header, snap.itemBytes, { side: 40 })).rejects.toThrow(
      /needs left_high_2\.h5, which is not open/,
    );
    expect((await lib3.checkVersion(snap.header, snap.itemBytes)).missingSources).toEqual(['left_high_2.h5']);
  });

  it('keeps unlabelled crops out of every split and records per-crop labels with their source', async () => {
    const copy = join(dir, 'build_7.h5');
    copyFileSync(join(fixtures, 'left_high_2.h5'), copy);
    const lib = new DataLibrary(env);
    lib.openPath(join(fixtures, 'left_low_0.h5'), 'left_low_0.h5');
    const s = lib.openPath(copy, 'build_7.h5');
    await lib.index();
    const ds = lib.summaries()[1]!.datasets[0]!.name;
    lib.setCropLabels(
      [
        { sourceId: s.id, dataset: ds, index: 0 },
        { sourceId: s.id, dataset: ds, index: 1 },
      ],
      1,
    );
    const snap = await lib.versionSnapshot({ side: 40, split });
    const items = decodeItems(snap.itemBytes);
    const excluded = SPLIT_NAMES.indexOf('excluded');
    let unlabelled = 0;
    for (let k = 0; k < items.index.length; k++) {
      if (items.label[k] === UNLABELLED) {
        unlabelled++;
        expect(items.split[k]).toBe(excluded);
      }
    }
    expect(unlabelled).toBe(235);
    const user = items.labelSource.filter((c) => c === 2).length;
    expect(user).toBe(2);
  });
});
