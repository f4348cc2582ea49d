import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENE, GAS_FLOW, checkSceneParams, sceneFrameCount, type SceneParams } from './params';
import { ejectParticle, positionAt } from './physics';
import { SeededRandom } from './prng';
import { SpatterScene } from './scene';

const small: SceneParams = { ...DEFAULT_SCENE, width: 160, height: 90, layers: 1, layerSeconds: 2 };

function digest(px: Uint8ClampedArray): number {
  let h = 2166136261;
  for (let i = 0; i < px.length; i++) h = Math.imul(h ^ px[i]!, 16777619);
  return h >>> 0;
}

describe('SpatterScene determinism', () => {
  it('gives the same bytes for the same seed, different bytes for another seed', () => {
    const a = new SpatterScene(small);
    const b = new SpatterScene(small);
    const c = new SpatterScene({ ...small, seed: 2 });
    for (const f of [0, 13, 30, 49]) {
      const pa = a.renderFrame(f);
      expect(digest(b.renderFrame(f))).toBe(digest(pa));
    }
    expect(digest(c.renderFrame(30))).not.toBe(digest(a.renderFrame(30)));
  });

  it('renders frames in any order with the same result (random access)', () => {
    const s = new SpatterScene(small);
    const forward = [10, 11, 12].map((f) => digest(s.renderFrame(f)));
    const t = new SpatterScene(small);
    t.renderFrame(40);
    const backward = [12, 11, 10].map((f) => digest(t.renderFrame(f))).reverse();
    expect(backward).toEqual(forward);
  });
});

describe('spatter physics', () => {
  const ctx = { x: 300, y: 295, downstream: 1, L: 90, tiltDeg: 0, squeeze: 1, bedY: 301, timeUnit: 1 };
  const sample = (gasFlow: number, n = 4000) => {
    const rng = new SeededRandom(7);
    return Array.from({ length: n }, () => ejectParticle(rng, 0, { ...ctx, gasFlow }));
  };

  it('ejects mostly upward, within 30° of vertical', () => {
    const ps = sample(GAS_FLOW.low);
    const inRange = ps.filter((p) => Math.abs(p.angleDeg) <= 45).length / ps.length;
    expect(inRange).toBeGreaterThan(0.85);
    expect(ps.every((p) => p.vy0 < 0)).toBe(true);
  });

  it('makes big particles slower (size and speed anti-correlated)', () => {
    const ps = sample(GAS_FLOW.high);
    const r = ps.map((p) => p.size);
    const v = ps.map((p) => Math.hypot(p.vx0, p.vy0));
    expect(pearson(r, v)).toBeLessThan(-0.4);
  });

  it('sweeps spatter downstream more under high flow, and cools it sooner', () => {
    const pos = { x: 0, y: 0 };
    const drift = (ps: ReturnType<typeof sample>) =>
      mean(
        ps.map((p) => {
          positionAt(p, Math.min(0.5, p.life), pos);
          return pos.x - p.x0;
        }),
      );
    const low = sample(GAS_FLOW.low);
    const high = sample(GAS_FLOW.high);
    expect(drift(high)).toBeGreaterThan(drift(low) + 20);
    expect(mean(high.map((p) => p.tau))).toBeLessThan(mean(low.map((p) => p.tau)) * 0.7);
    expect(mean(high.map((p) => p.life))).toBeLessThan(mean(low.map((p) => p.life)));
    // Low flow: a taller fountain (higher apex), and more particles come back down near the melt pool.
    const apex = (ps: ReturnType<typeof sample>) =>
      mean(
        ps.map((p) => {
          let top = p.y0;
          for (let t = 0; t < p.life; t += 0.02) {
            positionAt(p, t, pos);
            top = Math.min(top, pos.y);
          }
          return p.y0 - top;
        }),
      );
    expect(apex(low)).toBeGreaterThan(apex(high) * 1.3);
    const fallBack = (ps: ReturnType<typeof sample>) =>
      ps.filter((p) => {
        positionAt(p, p.life, pos);
        return pos.y >= ctx.bedY - 2 && Math.abs(pos.x - p.x0) < 60;
      }).length;
    expect(fallBack(low)).toBeGreaterThan(fallBack(high));
  });
});

describe('layers and the recoater', () => {
  const two: SceneParams = { ...small, layers: 2, layerSeconds: 2 };
  const scene = new SpatterScene(two);

  it('has more than 700 frames without spatter between layers', () => {
    expect(scene.frameCount).toBe(sceneFrameCount(two));
    const busy: number[] = [];
    for (let f = 0; f < scene.frameCount; f++) if (scene.particlesAt(f).length > 0) busy.push(f);
    const gaps = busy.slice(1).map((f, i) => f - busy[i]!);
    expect(Math.max(...gaps)).toBeGreaterThan(700);
    expect(gaps.filter((g) => g > 700)).toHaveLength(1);
  });

  it('shows the blue light between layers only', () => {
    const blueFrames: number[] = [];
    for (let f = 0; f < scene.frameCount; f += 5) {
      const px = scene.renderFrame(f);
      let blue = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 2]! > px[i]! + px[i + 1]! + 40) blue++;
      if (blue > 100) blueFrames.push(f);
    }
    expect(blueFrames.length).toBeGreaterThan(50);
    for (const f of blueFrames) expect(scene.phaseAt(f).kind).toBe('gap');
  });
});

describe('checkSceneParams', () => {
  it('names the bad field', () => {
    expect(checkSceneParams({ ...DEFAULT_SCENE, layers: 0 })[0]).toMatch(/layers/);
    expect(checkSceneParams({ ...DEFAULT_SCENE, width: 641 }).join()).toMatch(/even/);
    expect(checkSceneParams(DEFAULT_SCENE)).toEqual([]);
    expect(() => new SpatterScene({ ...DEFAULT_SCENE, gasFlow: -1 })).toThrow(/gasFlow/);
  });
});

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
function pearson(a: number[], b: number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}
