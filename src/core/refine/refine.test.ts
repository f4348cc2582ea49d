import { describe, expect, it } from 'vitest';
import { LABEL_SOURCES, SPLIT_NAMES, emptyItems, makeDatasetVersion } from '../dataset/version';
import { describeCluster, kMeans } from './clusters';
import {
  binaryProbs,
  calibrateJoint,
  confidentJoint,
  findLabelIssues,
  perClassThresholds,
  precisionRecallAtK,
  rankByLabelQuality,
} from './confident-learning';
import { refineCsv } from './csv';
import { DESCRIPTOR_COUNT, DESCRIPTOR_NAMES, describeCrop } from './descriptors';
import { EditLog, describeEdit, trainingRows } from './edits';
import { kFoldPlan, trainItems } from './folds';
import { knnPropagate } from './knn';
import { pca } from './pca';
import { admittedCurve, pseudoLabels } from './pseudo-labels';

// Six crops, two classes, worked by hand:
// p1 = .1 .2 .9 | .8 .7 .3, labels 0 0 0 | 1 1 1
// t0 = (.9 + .8 + .1) / 3 = .6, t1 = (.8 + .7 + .3) / 3 = .6
// confident class: 0 0 1 | 1 1 0  ->  joint [[2, 1], [1, 2]]
const labels6 = [0, 0, 0, 1, 1, 1];
const probs6 = binaryProbs([0.1, 0.2, 0.9, 0.8, 0.7, 0.3]);

describe('confident learning', () => {
  it('per-class thresholds are the mean self-confidence of each given label', () => {
    const t = perClassThresholds(probs6, labels6);
    expect(t[0]).toBeCloseTo(0.6, 6);
    expect(t[1]).toBeCloseTo(0.6, 6);
  });

  it('counts the confident joint by hand', () => {
    const j = confidentJoint(probs6, labels6);
    expect(j.counts).toEqual([
      [2, 1],
      [1, 2],
    ]);
    expect(Array.from(j.confident)).toEqual([0, 0, 1, 1, 1, 0]);
  });

  it('leaves out crops that reach no threshold, and unlabelled crops (3 classes)', () => {
    const m = {
      p: Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.2, 0.2, 0.6, 0.1, 0.5, 0.4, 0.1, 0.1, 0.8]),
      k: 3,
    };
    const labels = [0, 1, 2, 0, -1];
    const t = perClassThresholds(m, labels);
    // t0 = (.7 + .1) / 2, t1 = .6, t2 = .6
    expect(t[0]).toBeCloseTo(0.4, 6);
    expect(t[1]).toBeCloseTo(0.6, 6);
    expect(t[2]).toBeCloseTo(0.6, 6);
    const j = confidentJoint(m, labels);
    expect(j.counts).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(j.confident[3]).toBe(-1);
    expect(j.confident[4]).toBe(-1);
  });

  it('calibrates rows to the given label counts', () => {
    expect(
      calibrateJoint(
        [
          [1, 1],
          [0, 2],
        ],
        [4, 3],
      ),
    ).toEqual([
      [2, 2],
      [0, 3],
    ]);
  });

  it('ranks the off-diagonal crops as label issues with their evidence', () => {
    const { issues } = findLabelIssues(probs6, labels6);
    expect(issues.map((i) => i.item)).toEqual([2, 5]);
    expect(issues[0]).toMatchObject({ item: 2, given: 0, predicted: 1 });
    expect(issues[0]!.selfConfidence).toBeCloseTo(0.1, 6);
    expect(issues[1]!.selfConfidence).toBeCloseTo(0.3, 6);
    const byMargin = findLabelIssues(probs6, labels6, {
      ranking: 'normalized-margin',
      filter: 'confident-joint',
    });
    expect(byMargin.issues.map((i) => i.item)).toEqual([2, 5]);
    expect(byMargin.issues[0]!.margin).toBeCloseTo(-0.8, 6);
  });

  it('ranks every labelled crop by label quality', () => {
    const r = rankByLabelQuality(probs6, [...labels6.slice(0, 5), -1]);
    expect(r.map((x) => x.item)).toEqual([2, 4, 1, 3, 0]);
  });

  it('measures precision at K and recall', () => {
    expect(precisionRecallAtK([3, 1, 7, 2], new Set([3, 2]))).toEqual({ precision: 0.5, recall: 1, k: 2 });
  });
});

describe('K-fold plan', () => {
  it('holds out every labelled crop exactly once, stratified and seeded', () => {
    const labels = [0, 0, 0, 0, 1, 1, 1, 1, -1, 0];
    const a = kFoldPlan(labels, 2, 7);
    expect(a.fold[8]).toBe(-1);
    const all = [...a.heldOut[0]!, ...a.heldOut[1]!].sort((x, y) => x - y);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 9]);
    for (const h of a.heldOut) {
      const ones = [...h].filter((i) => labels[i] === 1).length;
      expect(ones).toBe(2);
    }
    expect(Array.from(kFoldPlan(labels, 2, 7).fold)).toEqual(Array.from(a.fold));
    expect([...trainItems(a, 0)].every((i) => a.fold[i] === 1)).toBe(true);
    expect(() => kFoldPlan(labels, 1, 7)).toThrow(/at least 2/);
  });
});

describe('pseudo-labels', () => {
  it('admits crops per class threshold and previews the counts', () => {
    const m = binaryProbs([0.05, 0.4, 0.6, 0.97, 0.99]);
    const r = pseudoLabels(m, [0, 1, 2, 3, 4], [0.9, 0.95]);
    expect(r.admitted).toEqual([1, 2]);
    expect(r.rejected).toBe(2);
    expect(r.labels.map((l) => [l.item, l.label])).toEqual([
      [0, 0],
      [3, 1],
      [4, 1],
    ]);
    expect(admittedCurve(m, [0, 1, 2, 3, 4], 1, [0.5, 0.98])).toEqual([3, 1]);
  });
});

describe('kNN label propagation', () => {
  it('votes with the nearest labelled neighbours', () => {
    const x = Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9, 0.95, 0.05]);
    const p = knnPropagate({ x, dim: 2 }, [0, 0, 1, 1, -1], 2, 2);
    expect(p.p[4 * 2]).toBeCloseTo(1, 6);
    expect(p.p[2 * 2 + 1]).toBeGreaterThan(0.6);
  });
});

describe('PCA', () => {
  it('finds the direction of largest variance first', () => {
    const pts: number[] = [];
    for (let i = 0; i < 20; i++) pts.push(i, 2 * i + (i % 2 ? 0.1 : -0.1));
    const r = pca(Float32Array.from(pts), 2, 2);
    expect(r.variance[0]!).toBeGreaterThan(100 * r.variance[1]!);
    const first = Array.from({ length: 20 }, (_, i) => r.projected[i * 2]!);
    const increasing = first.every((v, i) => i === 0 || v > first[i - 1]!);
    const decreasing = first.every((v, i) => i === 0 || v < first[i - 1]!);
    expect(increasing || decreasing).toBe(true);
  });
});

function crop(side: number, pixels: [number, number, number][]): Uint8Array {
  const a = new Uint8Array(side * side);
  for (const [x, y, v] of pixels) a[y * side + x] = v;
  return a;
}

describe('spatter descriptors', () => {
  const d = (px: Uint8Array) => {
    const out = describeCrop(px, 20, 20);
    return Object.fromEntries(DESCRIPTOR_NAMES.map((n, j) => [n, out[j]!]));
  };

  it('a blank crop has no bright region', () => {
    const r = d(new Uint8Array(400));
    expect(r.area).toBe(0);
    expect(r.streaks).toBe(0);
  });

  it('a horizontal streak: one streak at 0°, its length, elongated; bright head on the left sweeps right', () => {
    const px: [number, number, number][] = [];
    for (let x = 2; x < 16; x++) px.push([x, 10, x < 5 ? 250 : 120]);
    const r = d(crop(20, px));
    expect(r.area).toBe(14);
    expect(r.peak_intensity).toBeCloseTo(250 / 255, 6);
    expect(r.streaks).toBe(1);
    expect(Math.min(r.streak_angle_deg!, 180 - r.streak_angle_deg!)).toBeLessThan(4);
    expect(r.streak_length).toBe(14);
    expect(r.elongation).toBeGreaterThan(10);
    expect(Math.min(r.orientation_deg!, 180 - r.orientation_deg!)).toBeLessThan(1);
    expect(r.sweep).toBeGreaterThan(0);
    const mirrored: [number, number, number][] = px.map(([x, y, v]) => [19 - x, y, v]);
    expect(d(crop(20, mirrored)).sweep).toBeLessThan(0);
  });

  it('a rising diagonal is at 45° (y up) and two separate lines are two streaks', () => {
    const diag: [number, number, number][] = [];
    for (let t = 2; t < 14; t++) diag.push([t, 19 - t, 200]);
    const r = d(crop(20, diag));
    expect(r.streaks).toBe(1);
    expect(Math.abs(r.streak_angle_deg! - 45)).toBeLessThan(4);
    expect(Math.abs(r.orientation_deg! - 45)).toBeLessThan(1);
    const two: [number, number, number][] = [];
    for (let x = 1; x < 12; x++) two.push([x, 3, 200]);
    for (let y = 6; y < 18; y++) two.push([15, y, 200]);
    expect(d(crop(20, two)).streaks).toBe(2);
  });

  it('describes a cluster against all crops', () => {
    const n = 10;
    const desc = new Float32Array(n * DESCRIPTOR_COUNT);
    const set = (i: number, name: (typeof DESCRIPTOR_NAMES)[number], v: number) =>
      (desc[i * DESCRIPTOR_COUNT + DESCRIPTOR_NAMES.indexOf(name)] = v);
    for (let i = 0; i < n; i++) {
      const member = i < 3;
      set(i, 'area', 20);
      set(i, 'mean_intensity', member ? 0.2 : 0.6 + i / 100);
      set(i, 'streaks', 1);
      set(i, 'streak_length', member ? 30 : 5 + i);
      set(i, 'streak_angle_deg', member ? 2 : 90);
      set(i, 'sweep', member ? 0.8 : -0.5);
      set(i, 'elongation', 5);
    }
    expect(describeCluster(desc, [0, 1, 2]).text).toBe('long streaks swept right, dim');
    expect(describeCluster(desc, [5, 6, 7, 8, 9]).text).toBe('streaks vertical, bright');
  });

  it('k-means separates two blobs', () => {
    const pts = Float32Array.from([0, 0, 0.1, 0, 0, 0.1, 10, 10, 10.1, 10, 10, 10.1]);
    const { cluster } = kMeans(pts, 2, 2, 3);
    expect(cluster[0]).toBe(cluster[1]);
    expect(cluster[0]).toBe(cluster[2]);
    expect(cluster[3]).toBe(cluster[5]);
    expect(cluster[0]).not.toBe(cluster[3]);
  });
});

describe('edits and the refined version', () => {
  const train = SPLIT_NAMES.indexOf('train');
  const test = SPLIT_NAMES.indexOf('test');
  const excluded = SPLIT_NAMES.indexOf('excluded');
  const fileName = LABEL_SOURCES.indexOf('file-name');
  const base = () => {
    const items = emptyItems(4);
    items.label.set([0, 1, -1, 0]);
    items.labelSource.set([fileName, fileName, 0, fileName]);
    items.split.set([train, test, excluded, train]);
    items.index.set([0, 1, 2, 3]);
    return items;
  };

  it('relabels, excludes and accepts pseudo-labels, undoably; new labels join training, test crops stay', () => {
    const items = base();
    const log = new EditLog(items, 2);
    log.apply({ kind: 'relabel', items: [0, 1], labels: [1], provenance: { by: 'user' }, at: 1 });
    log.apply({
      kind: 'pseudo-label',
      items: [2],
      labels: [1],
      provenance: { by: 'mv-1', confidence: [0.97] },
      at: 2,
    });
    log.apply({ kind: 'exclude', items: [3], provenance: { by: 'user' }, at: 3 });
    expect(Array.from(log.label)).toEqual([1, 1, 1, 0]);
    expect(Array.from(log.split)).toEqual([train, test, train, excluded]);
    expect(LABEL_SOURCES[log.labelSource[2]!]).toBe('pseudo-label');
    expect(LABEL_SOURCES[log.labelSource[0]!]).toBe('user');
    expect(log.changed()).toEqual([0, 1, 2, 3]);
    log.undo();
    expect(log.split[3]).toBe(train);
    log.undo();
    expect(log.label[2]).toBe(-1);
    expect(log.split[2]).toBe(excluded);
    log.redo();
    expect(log.label[2]).toBe(1);
    expect(log.edits.map((e) => describeEdit(e, ['low', 'high']))).toEqual([
      'Relabelled 2 crops as high (by user)',
      'Accepted pseudo-labels for 1 crop from mv-1',
    ]);
    const refined = log.items(items);
    expect(trainingRows(refined, 'train')).toEqual([0, 2, 3]);
    expect(trainingRows(refined, 'train', ['user', 'file-name'])).toEqual([0, 3]);
    // The refined items make a valid version, and it differs from the base's.
    const header = {
      classNames: ['low', 'high'],
      sources: [
        {
          id: 's',
          name: 'a.h5',
          kind: 'file' as const,
          contentDigest: 'x',
          digestMethod: 't',
          sizeBytes: 1,
          datasets: ['d'],
          crops: 4,
        },
      ],
      splitRecipe: 'r',
      parent: null,
    };
    const v0 = makeDatasetVersion(header, items, 'v0', 0).version;
    const v1 = makeDatasetVersion({ ...header, parent: v0.id }, refined, 'v1', 1).version;
    expect(v1.id).not.toBe(v0.id);
  });

  it('refuses an edit without a class', () => {
    const log = new EditLog(base(), 2);
    expect(() =>
      log.apply({ kind: 'relabel', items: [0], labels: [5], provenance: { by: 'user' }, at: 0 }),
    ).toThrow(/class in 0..1/);
  });
});

describe('CSV', () => {
  it('has a row per crop with its index and descriptors', () => {
    const desc = new Float32Array(DESCRIPTOR_COUNT).fill(0.5);
    const csv = refineCsv(
      [
        {
          ordinal: 7,
          file: 'a,b.h5',
          dataset: 'd0',
          index: 3,
          label: 'low',
          labelSource: 'user',
          split: 'train',
        },
      ],
      { map: Float32Array.from([1.5, 2]), cluster: [4], descriptors: desc },
    );
    const [head, row] = csv.trim().split('\n');
    expect(
      head!.startsWith('ordinal,file,dataset,ds_idx,label,label_source,split,map_x,map_y,cluster,area'),
    ).toBe(true);
    expect(row!.startsWith('7,"a,b.h5",d0,3,low,user,train,1.5000,2,4,0.5000')).toBe(true);
  });
});
