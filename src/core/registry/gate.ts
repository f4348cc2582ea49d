// The acceptance gate: may a candidate replace production? The research's rule (minimum accuracy 0.70, no worse
// than production), an optional minimum improvement, a paired test on the same held-out crops so a "better"
// candidate that is within noise is called so, and optional per-source slices that must not regress.
import { bootstrapAccuracyDiff, mcnemarExact, pairedCounts } from '../stats/paired';

export type PairedTest = 'mcnemar' | 'bootstrap' | 'none';

export interface GateConfig {
  /** Minimum held-out accuracy (the research: 0.70). */
  minAccuracy: number;
  /** The research's rule: the candidate's accuracy must be at least production's. */
  noWorseThanProduction: boolean;
  /** Required gain over production (accuracy, e.g. 0.01 = one point); 0 = none. */
  minImprovement: number;
  pairedTest: PairedTest;
  /** Significance level of the paired test. */
  alpha: number;
  /** Promote only when the paired test says the candidate is better (not merely within noise). */
  requireSignificant: boolean;
  /** Per-source slices may lose at most this much accuracy against production; null = not checked. */
  sliceTolerance: number | null;
  /** Seed of the bootstrap. */
  seed: number;
}

export const DEFAULT_GATE: GateConfig = {
  minAccuracy: 0.7,
  noWorseThanProduction: true,
  minImprovement: 0,
  pairedTest: 'mcnemar',
  alpha: 0.05,
  requireSignificant: false,
  sliceTolerance: null,
  seed: 1234,
};

export interface GateInput {
  candidate: { accuracy: number; correct: ArrayLike<boolean> };
  /** Null when nothing is in production yet (the first model). */
  production: { accuracy: number; correct: ArrayLike<boolean> } | null;
  /** Slice (e.g. source or camera position) of each held-out crop, parallel to `correct`. */
  slices?: ArrayLike<string>;
}

export type Significance = 'better' | 'worse' | 'within-noise' | 'no-production';

export interface SliceResult {
  name: string;
  count: number;
  candidate: number;
  production: number;
}

export interface GateVerdict {
  pass: boolean;
  /** One sentence: why it passed or failed, with the numbers. */
  reason: string;
  significance: Significance;
  /** Accuracy difference candidate - production (null without production). */
  diff: number | null;
  pValue: number | null;
  interval: { lo: number; hi: number } | null;
  slices: SliceResult[];
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const pp = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pp`;

export function validateGate(c: GateConfig): string | null {
  if (!(c.minAccuracy >= 0 && c.minAccuracy <= 1)) return 'The minimum accuracy must be between 0 and 1';
  if (!(c.minImprovement >= 0 && c.minImprovement < 1)) return 'The minimum improvement must be in [0, 1)';
  if (!(c.alpha > 0 && c.alpha < 1)) return 'The significance level must be between 0 and 1 (e.g. 0.05)';
  if (c.sliceTolerance !== null && !(c.sliceTolerance >= 0 && c.sliceTolerance <= 1))
    return 'The slice tolerance must be between 0 and 1';
  return null;
}

function sliceResults(input: GateInput): SliceResult[] {
  const { slices, production, candidate } = input;
  if (!slices || !production) return [];
  const acc = new Map<string, { n: number; c: number; p: number }>();
  for (let i = 0; i < slices.length; i++) {
    const k = slices[i]!;
    const a = acc.get(k) ?? { n: 0, c: 0, p: 0 };
    a.n++;
    if (candidate.correct[i]) a.c++;
    if (production.correct[i]) a.p++;
    acc.set(k, a);
  }
  return [...acc.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, a]) => ({ name, count: a.n, candidate: a.c / a.n, production: a.p / a.n }));
}

/** The gate's verdict on a candidate, with the reason in words. */
export function applyGate(config: GateConfig, input: GateInput): GateVerdict {
  const bad = validateGate(config);
  if (bad) throw new Error(bad);
  const cand = input.candidate.accuracy;
  const prod = input.production;
  let significance: Significance = 'no-production';
  let pValue: number | null = null;
  let interval: { lo: number; hi: number } | null = null;
  let diff: number | null = null;
  let noise = '';
  if (prod) {
    diff = cand - prod.accuracy;
    if (config.pairedTest === 'mcnemar') {
      const t = pairedCounts(input.candidate.correct, prod.correct);
      pValue = mcnemarExact(t.candidateOnly, t.productionOnly).pValue;
      significance =
        pValue < config.alpha ? (diff > 0 ? 'better' : diff < 0 ? 'worse' : 'within-noise') : 'within-noise';
      noise = `McNemar p = ${pValue.toPrecision(3)}`;
    } else if (config.pairedTest === 'bootstrap') {
      const b = bootstrapAccuracyDiff(input.candidate.correct, prod.correct, {
        level: 1 - config.alpha,
        seed: config.seed,
      });
      interval = { lo: b.lo, hi: b.hi };
      significance = b.lo > 0 ? 'better' : b.hi < 0 ? 'worse' : 'within-noise';
      noise = `${Math.round((1 - config.alpha) * 100)}% interval ${pp(b.lo)} to ${pp(b.hi)}`;
    } else {
      significance = diff > 0 ? 'better' : diff < 0 ? 'worse' : 'within-noise';
    }
  }
  const slices = sliceResults(input);
  const verdict = (pass: boolean, reason: string): GateVerdict => ({
    pass,
    reason,
    significance,
    diff,
    pValue,
    interval,
    slices,
  });
  const noiseNote =
    prod && config.pairedTest !== 'none'
      ? ` (${significance === 'within-noise' ? 'within noise' : `significantly ${significance}`}, ${noise})`
      : '';

  if (!(Number.isFinite(cand) && cand >= config.minAccuracy)) {
    return verdict(false, `Accuracy ${pct(cand)} is below the minimum ${pct(config.minAccuracy)}`);
  }
  if (prod && diff !== null) {
    if (config.noWorseThanProduction && diff < 0) {
      return verdict(
        false,
        `Worse than production: ${pct(cand)} vs ${pct(prod.accuracy)} (${pp(diff)})${noiseNote}`,
      );
    }
    if (config.minImprovement > 0 && diff < config.minImprovement) {
      return verdict(
        false,
        `Gain ${pp(diff)} over production is less than the required ${pp(config.minImprovement)}${noiseNote}`,
      );
    }
    if (config.requireSignificant && config.pairedTest !== 'none' && significance !== 'better') {
      return verdict(false, `Not significantly better than production: ${pp(diff)}${noiseNote}`);
    }
    if (config.sliceTolerance !== null) {
      const worst = slices
        .map((s) => ({ ...s, drop: s.production - s.candidate }))
        .filter((s) => s.drop > config.sliceTolerance! + 1e-12)
        .sort((a, b) => b.drop - a.drop)[0];
      if (worst) {
        return verdict(
          false,
          `Slice "${worst.name}" regressed by ${pp(-worst.drop)} (${pct(worst.candidate)} vs ${pct(worst.production)} on ${worst.count} crops), more than the tolerance ${pp(config.sliceTolerance)}`,
        );
      }
    }
    return verdict(
      true,
      `Accuracy ${pct(cand)} ≥ ${pct(config.minAccuracy)} and ${pp(diff)} vs production ${pct(prod.accuracy)}${noiseNote}`,
    );
  }
  return verdict(true, `Accuracy ${pct(cand)} ≥ ${pct(config.minAccuracy)}; no model in production yet`);
}
