// The search space of a hyper-parameter study: one distribution per config key (float, log-float, int,
// categorical), written in a Hydra-style sweep syntax so a space can live in a text field or a URL:
//
//   training.lr=tag(log,interval(1e-4,1e-2))     log-uniform float in [1e-4, 1e-2]
//   training.weight_decay=interval(0,1e-3)       uniform float
//   training.rotation=int(interval(0,30))        uniform integer in [0, 30] (both ends included)
//   training.batch_size=choice(64,128,256)       categorical (so is the bare list 64,128,256)
//   training.patience=range(1,6)                 integers 1..5 (Python/Hydra range: stop excluded; step optional)
//   training.loss=choice(bce,focal)              categorical over an enum key
//
// Every value is checked against the configuration schema, so a bad key or value is refused with a message
// naming the key and what it accepts.
import { configSchema } from '../config/config';
import { describeType, parseValue, type FieldSpec, type SectionSpec } from '../config/spec';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export type Distribution =
  | { type: 'float'; low: number; high: number; log: boolean; step: number | null }
  | { type: 'int'; low: number; high: number; log: boolean; step: number }
  | { type: 'categorical'; choices: ParamValue[] };

/** Parameters by config key (`training.lr`), in the order they were written. */
export type SearchSpace = Record<string, Distribution>;

export class SweepError extends Error {
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
    this.name = 'SweepError';
  }
}

/** The schema field of a dotted key, or a SweepError naming the key. */
export function fieldOf(key: string): FieldSpec {
  const [section, field, ...rest] = key.split('.');
  const spec = section ? (configSchema as Record<string, SectionSpec>)[section] : undefined;
  const f = spec && field && rest.length === 0 ? spec[field] : undefined;
  if (!f) {
    throw new SweepError(
      `Unknown key "${key}" in the search space: use a configuration key such as training.lr (System → Configuration lists them)`,
      key,
    );
  }
  return f;
}

const SWEEP_HEAD = /^(tag|interval|int|choice|range)\s*\(/;

/** True when an override token is a sweep (`key=choice(…)`, `key=tag(log,…)`, `key=a,b` on a scalar key). */
export function isSweepToken(token: string): boolean {
  const eq = token.indexOf('=');
  if (eq <= 0) return false;
  const value = token.slice(eq + 1).trim();
  if (SWEEP_HEAD.test(value)) return true;
  if (!value.includes(',')) return false;
  try {
    return fieldOf(token.slice(0, eq).trim()).kind !== 'floats';
  } catch {
    return false;
  }
}

/** Split `a,b(c,d),e` at the top-level commas. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur.trim());
  return out;
}

/** `name(args)` → [name, args]; null when the text is not a call. */
function call(text: string): [string, string[]] | null {
  const m = /^([a-z]+)\s*\(([\s\S]*)\)$/.exec(text.trim());
  return m ? [m[1]!, splitArgs(m[2]!)] : null;
}

function num(key: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n))
    throw new SweepError(`"${key}": "${raw}" is not a number`, key);
  return n;
}

function numericField(key: string, f: FieldSpec): asserts f is Extract<FieldSpec, { kind: 'int' | 'float' }> {
  if (f.kind !== 'int' && f.kind !== 'float') {
    throw new SweepError(
      `"${key}" is ${describeType(f)}: give it choice(…) of its values, not an interval or a range`,
      key,
    );
  }
}

function checkBounds(key: string, f: FieldSpec, low: number, high: number): void {
  if (!(low <= high))
    throw new SweepError(`"${key}": the low end ${low} must not exceed the high end ${high}`, key);
  if (f.kind !== 'int' && f.kind !== 'float') return;
  if ((f.min !== undefined && low < f.min) || (f.max !== undefined && high > f.max)) {
    throw new SweepError(`"${key}": [${low}, ${high}] leaves ${describeType(f)}`, key);
  }
}

function parseDistribution(
  key: string,
  f: FieldSpec,
  text: string,
  log = false,
  asInt = false,
): Distribution {
  const c = call(text);
  if (c && c[0] === 'tag') {
    const [tag, inner] = c[1];
    if (c[1].length !== 2 || tag !== 'log' || inner === undefined) {
      throw new SweepError(`"${key}": write tag(log, interval(low, high)) — "log" is the only tag`, key);
    }
    return parseDistribution(key, f, inner, true, asInt);
  }
  if (c && c[0] === 'int') {
    if (c[1].length !== 1) throw new SweepError(`"${key}": write int(interval(low, high))`, key);
    return parseDistribution(key, f, c[1][0]!, log, true);
  }
  if (c && c[0] === 'interval') {
    numericField(key, f);
    if (c[1].length !== 2) throw new SweepError(`"${key}": write interval(low, high)`, key);
    const low = num(key, c[1][0]!);
    const high = num(key, c[1][1]!);
    checkBounds(key, f, low, high);
    if (log && low <= 0)
      throw new SweepError(`"${key}": a log scale needs a low end above 0 (got ${low})`, key);
    if (asInt || f.kind === 'int') {
      if (!Number.isInteger(low) || !Number.isInteger(high)) {
        throw new SweepError(`"${key}" takes integers: interval(${low}, ${high}) has a fraction`, key);
      }
      return { type: 'int', low, high, log, step: 1 };
    }
    return { type: 'float', low, high, log, step: null };
  }
  if (c && c[0] === 'range') {
    numericField(key, f);
    if (c[1].length < 2 || c[1].length > 3)
      throw new SweepError(`"${key}": write range(start, stop[, step])`, key);
    const start = num(key, c[1][0]!);
    const stop = num(key, c[1][1]!);
    const step = c[1][2] !== undefined ? num(key, c[1][2]) : 1;
    if (!(step > 0)) throw new SweepError(`"${key}": the step of range() must be above 0`, key);
    const count = Math.ceil((stop - start) / step - 1e-9);
    const high = start + (count - 1) * step;
    checkBounds(key, f, start, high);
    if (log) throw new SweepError(`"${key}": a range() has a step, so it cannot be on a log scale`, key);
    if (f.kind === 'int' || (Number.isInteger(start) && Number.isInteger(step))) {
      if (f.kind === 'int' && (!Number.isInteger(start) || !Number.isInteger(step))) {
        throw new SweepError(`"${key}" takes integers: range(${c[1].join(', ')}) has a fraction`, key);
      }
      return { type: 'int', low: start, high, log: false, step };
    }
    return { type: 'float', low: start, high, log: false, step };
  }
  const items = c && c[0] === 'choice' ? c[1] : c ? null : splitArgs(text);
  if (!items) {
    throw new SweepError(
      `"${key}": unknown sweep "${text}": use choice(…), interval(…), int(interval(…)), range(…) or tag(log, interval(…))`,
      key,
    );
  }
  if (items.length < 1) throw new SweepError(`"${key}": choice() needs at least one value`, key);
  const choices = items.map((raw) => {
    const p = parseValue(f, raw);
    if (!p.ok) throw new SweepError(`Bad value for "${key}": got "${raw}", expected ${describeType(f)}`, key);
    return p.value as ParamValue;
  });
  return { type: 'categorical', choices };
}

/** Parse one `key=sweep` token. */
export function parseSweepToken(token: string): [string, Distribution] {
  const eq = token.indexOf('=');
  if (eq <= 0)
    throw new SweepError(`"${token}" is not a sweep: write key=choice(…) or key=interval(…)`, token);
  const key = token.slice(0, eq).trim();
  const f = fieldOf(key);
  return [key, parseDistribution(key, f, token.slice(eq + 1).trim())];
}

/** Sweep tokens are separated by whitespace, newlines or `&`; commas belong to the values. */
export function tokenizeSweeps(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/[\n&]+/)) {
    // spaces inside parentheses (e.g. "choice(1, 2)") do not split
    let depth = 0;
    let cur = '';
    for (const ch of line) {
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (/\s/.test(ch) && depth === 0) {
        if (cur) out.push(cur);
        cur = '';
      } else cur += ch;
    }
    if (cur) out.push(cur);
  }
  return out.filter((t) => !t.startsWith('#'));
}

/** Parse a whole space (every error at once, so the user sees all the bad keys). */
export function parseSpace(text: string): { space: SearchSpace; errors: SweepError[] } {
  const space: SearchSpace = {};
  const errors: SweepError[] = [];
  for (const token of tokenizeSweeps(text)) {
    try {
      const [key, d] = parseSweepToken(token);
      if (key in space) throw new SweepError(`"${key}" appears twice in the search space`, key);
      space[key] = d;
    } catch (e) {
      if (e instanceof SweepError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length === 0 && Object.keys(space).length === 0) {
    errors.push(
      new SweepError(
        'The search space is empty: add a line such as training.lr=tag(log,interval(1e-4,1e-2))',
        '',
      ),
    );
  }
  return { space, errors };
}

function fmt(n: number): string {
  if (n === 0) return '0';
  const a = Math.abs(n);
  return a < 1e-3 || a >= 1e6
    ? n
        .toExponential()
        .replace(/\.?0+e/, 'e')
        .replace('e+', 'e')
    : String(Number(n.toPrecision(6)));
}

/** The sweep text of one distribution (parses back to the same distribution). */
export function formatDistribution(d: Distribution): string {
  switch (d.type) {
    case 'categorical':
      return `choice(${d.choices.map(String).join(',')})`;
    case 'int':
      if (d.step !== 1) return `range(${d.low},${d.high + d.step},${d.step})`;
      return d.log ? `tag(log,int(interval(${d.low},${d.high})))` : `int(interval(${d.low},${d.high}))`;
    case 'float':
      if (d.step !== null) return `range(${fmt(d.low)},${fmt(d.high + d.step / 2)},${fmt(d.step)})`;
      return d.log
        ? `tag(log,interval(${fmt(d.low)},${fmt(d.high)}))`
        : `interval(${fmt(d.low)},${fmt(d.high)})`;
  }
}

export function formatSpace(space: SearchSpace): string {
  return Object.entries(space)
    .map(([k, d]) => `${k}=${formatDistribution(d)}`)
    .join('\n');
}

/** Overrides (`key=value`) that set a trial's parameters in the configuration. */
export function paramsToOverrides(params: Params): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

// ---- the numeric view of a distribution that samplers work in ----

/** Bounds in the sampler's working space: log for log scales, widened by half a step for discrete values. */
export function workingBounds(d: Exclude<Distribution, { type: 'categorical' }>): [number, number] {
  if (d.log) {
    const half = d.type === 'int' ? 0.5 : 0;
    return [Math.log(d.low - half), Math.log(d.high + half)];
  }
  const half = d.step !== null ? d.step / 2 : 0;
  return [d.low - half, d.high + half];
}

/** A working-space number back to a valid parameter value (rounded onto the step, clipped to the bounds). */
export function fromWorking(d: Exclude<Distribution, { type: 'categorical' }>, w: number): number {
  let v = d.log ? Math.exp(w) : w;
  if (d.step !== null) v = d.low + Math.round((v - d.low) / d.step) * d.step;
  v = Math.min(d.high, Math.max(d.low, v));
  if (d.type === 'int') v = Math.round(v);
  else if (d.step !== null) v = Number(v.toPrecision(12));
  return v;
}

export function toWorking(d: Exclude<Distribution, { type: 'categorical' }>, v: number): number {
  return d.log ? Math.log(v) : v;
}

/** Index of a categorical value (numbers and strings compared by value). */
export function choiceIndex(d: Extract<Distribution, { type: 'categorical' }>, v: ParamValue): number {
  return d.choices.findIndex((c) => c === v || String(c) === String(v));
}

export function contains(d: Distribution, v: ParamValue): boolean {
  if (d.type === 'categorical') return choiceIndex(d, v) >= 0;
  return typeof v === 'number' && v >= d.low - 1e-12 && v <= d.high + 1e-12;
}

/**
 * Narrow a space to a region (from brushing): numeric parameters take the given [low, high] (kept inside their
 * old bounds, an int keeps whole numbers), categorical ones keep the listed choices.
 */
export function narrowSpace(
  space: SearchSpace,
  region: Record<string, { low: number; high: number } | { choices: ParamValue[] }>,
): SearchSpace {
  const out: SearchSpace = {};
  for (const [k, d] of Object.entries(space)) {
    const r = region[k];
    if (!r) {
      out[k] = d;
      continue;
    }
    if (d.type === 'categorical') {
      const keep =
        'choices' in r ? d.choices.filter((c) => r.choices.some((x) => String(x) === String(c))) : d.choices;
      out[k] = { type: 'categorical', choices: keep.length > 0 ? keep : d.choices };
      continue;
    }
    if (!('low' in r)) {
      out[k] = d;
      continue;
    }
    let low = Math.max(d.low, r.low);
    let high = Math.min(d.high, r.high);
    if (d.type === 'int') {
      low = Math.ceil(low - 1e-9);
      high = Math.floor(high + 1e-9);
      if (d.step !== 1) {
        low = d.low + Math.ceil((low - d.low) / d.step - 1e-9) * d.step;
        high = d.low + Math.floor((high - d.low) / d.step + 1e-9) * d.step;
      }
    }
    // An empty region keeps the point nearest to it (a numeric stays numeric: Optuna refuses a kind change).
    if (!(low <= high)) low = high = fromWorking(d, toWorking(d, Math.min(d.high, Math.max(d.low, r.low))));
    out[k] = { ...d, low, high };
  }
  return out;
}
