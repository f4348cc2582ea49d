// Optuna JournalStorage interchange: a study as the JSON-lines operation log that Python Optuna replays
// (`optuna.load_study(study_name=…, storage=JournalStorage(JournalFileStorage(path)))`), and such a log read back
// into trials to continue the study here. Op codes and record fields follow optuna/storages/_journal/storage.py
// (Optuna 3.1, Debian's python3-optuna): the log of one study written the way Optuna's own optimize() writes it —
// CREATE_TRIAL, SET_TRIAL_PARAM per parameter, SET_TRIAL_INTERMEDIATE_VALUE per epoch, SET_TRIAL_STATE_VALUES.
import type { Distribution, ParamValue, Params, SearchSpace } from './space';
import type { Direction, IntermediateValue, Trial, TrialState } from './study';

export const OP = {
  CREATE_STUDY: 0,
  DELETE_STUDY: 1,
  SET_STUDY_USER_ATTR: 2,
  SET_STUDY_SYSTEM_ATTR: 3,
  CREATE_TRIAL: 4,
  SET_TRIAL_PARAM: 5,
  SET_TRIAL_STATE_VALUES: 6,
  SET_TRIAL_INTERMEDIATE_VALUE: 7,
  SET_TRIAL_USER_ATTR: 8,
  SET_TRIAL_SYSTEM_ATTR: 9,
} as const;

/** optuna.trial.TrialState values. */
const STATE_CODE: Record<TrialState, number> = { running: 0, complete: 1, pruned: 2, failed: 3, waiting: 4 };
const CODE_STATE: TrialState[] = ['running', 'complete', 'pruned', 'failed', 'waiting'];
/** optuna.study.StudyDirection values. */
const DIRECTION_CODE: Record<Direction, number> = { minimize: 1, maximize: 2 };

/** The study attribute that carries the studio's own settings (space text, sampler, pruner…). */
export const STUDIO_ATTR = 'spatter_studio';

export interface JournalStudy {
  name: string;
  direction: Direction;
  trials: Trial[];
  userAttrs: Record<string, unknown>;
}

export class JournalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalError';
  }
}

/** Python's datetime.isoformat(timespec="microseconds") of a time (UTC, without a zone, as Optuna writes it). */
export function isoMicros(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000`;
}

function parseIso(s: unknown): number | null {
  if (typeof s !== 'string') return null;
  const t = Date.parse(/Z|[+-]\d\d:\d\d$/.test(s) ? s : `${s.slice(0, 23)}Z`);
  return Number.isFinite(t) ? t : null;
}

/** Optuna's distribution_to_json. */
export function distributionToJson(d: Distribution): string {
  switch (d.type) {
    case 'float':
      return JSON.stringify({
        name: 'FloatDistribution',
        attributes: { step: d.step, low: d.low, high: d.high, log: d.log },
      });
    case 'int':
      return JSON.stringify({
        name: 'IntDistribution',
        attributes: { log: d.log, step: d.step, low: d.low, high: d.high },
      });
    case 'categorical':
      return JSON.stringify({ name: 'CategoricalDistribution', attributes: { choices: d.choices } });
  }
}

/** Optuna's json_to_distribution (current and deprecated class names). */
export function jsonToDistribution(text: string): Distribution {
  let j: { name?: string; attributes?: Record<string, unknown> };
  try {
    j = JSON.parse(text) as typeof j;
  } catch {
    throw new JournalError(`A distribution in the journal is not JSON: ${text.slice(0, 80)}`);
  }
  const a = j.attributes ?? {};
  const n = (k: string) => {
    const v = a[k];
    if (typeof v !== 'number') throw new JournalError(`Distribution ${j.name}: "${k}" is not a number`);
    return v;
  };
  switch (j.name) {
    case 'FloatDistribution':
      return {
        type: 'float',
        low: n('low'),
        high: n('high'),
        log: a.log === true,
        step: typeof a.step === 'number' ? a.step : null,
      };
    case 'UniformDistribution':
      return { type: 'float', low: n('low'), high: n('high'), log: false, step: null };
    case 'LogUniformDistribution':
      return { type: 'float', low: n('low'), high: n('high'), log: true, step: null };
    case 'DiscreteUniformDistribution':
      return { type: 'float', low: n('low'), high: n('high'), log: false, step: n('q') };
    case 'IntDistribution':
      return {
        type: 'int',
        low: n('low'),
        high: n('high'),
        log: a.log === true,
        step: typeof a.step === 'number' ? a.step : 1,
      };
    case 'IntUniformDistribution':
      return {
        type: 'int',
        low: n('low'),
        high: n('high'),
        log: false,
        step: typeof a.step === 'number' ? a.step : 1,
      };
    case 'IntLogUniformDistribution':
      return { type: 'int', low: n('low'), high: n('high'), log: true, step: 1 };
    case 'CategoricalDistribution': {
      const choices = a.choices;
      if (
        !Array.isArray(choices) ||
        choices.some((c) => !['number', 'string', 'boolean'].includes(typeof c))
      ) {
        throw new JournalError(
          'A categorical distribution in the journal has choices other than numbers, strings or booleans',
        );
      }
      return { type: 'categorical', choices: choices as ParamValue[] };
    }
    default:
      throw new JournalError(`Unknown distribution "${j.name ?? text.slice(0, 40)}" in the journal`);
  }
}

/**
 * The distribution each parameter is written with: Optuna refuses a parameter whose categorical choices change
 * within a study, so a narrowed categorical is written with the union of the choices its trials used.
 */
function exportedDistributions(trials: readonly Trial[]): SearchSpace {
  const out: SearchSpace = {};
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    for (const [k, d] of Object.entries(t.distributions)) {
      const prev = out[k];
      if (d.type === 'categorical' && prev?.type === 'categorical') {
        const more = d.choices.filter((c) => !prev.choices.some((p) => String(p) === String(c)));
        if (more.length) out[k] = { type: 'categorical', choices: [...prev.choices, ...more] };
      } else if (!prev) out[k] = d;
    }
  }
  return out;
}

function internal(d: Distribution, v: ParamValue): number {
  if (d.type !== 'categorical') return v as number;
  const i = d.choices.findIndex((c) => String(c) === String(v));
  if (i < 0) throw new JournalError(`Value ${String(v)} is not among the choices ${d.choices.join(', ')}`);
  return i;
}

/** The journal of one study as text (one JSON object per line, newline-terminated). */
export function exportJournal(study: JournalStudy, workerId = 'spatter-studio-0'): string {
  const lines: unknown[] = [];
  const log = (op: number, fields: Record<string, unknown>) =>
    lines.push({ op_code: op, worker_id: workerId, ...fields });
  log(OP.CREATE_STUDY, { study_name: study.name, directions: [DIRECTION_CODE[study.direction]] });
  for (const [key, value] of Object.entries(study.userAttrs)) {
    log(OP.SET_STUDY_USER_ATTR, { study_id: 0, user_attr: { [key]: value } });
  }
  const dists = exportedDistributions(study.trials);
  const trials = [...study.trials].sort((a, b) => a.number - b.number);
  trials.forEach((t, trialId) => {
    const start = t.startedAt ?? t.completedAt ?? Date.now();
    log(OP.CREATE_TRIAL, { study_id: 0, datetime_start: isoMicros(start) });
    for (const [k, v] of Object.entries(t.params)) {
      const d = t.distributions[k]?.type === 'categorical' ? dists[k]! : (t.distributions[k] ?? dists[k]);
      if (!d) throw new JournalError(`Trial ${t.number}: parameter ${k} has no distribution`);
      log(OP.SET_TRIAL_PARAM, {
        trial_id: trialId,
        param_name: k,
        param_value_internal: internal(d, v),
        distribution: distributionToJson(d),
      });
    }
    for (const iv of t.intermediate) {
      if (Number.isFinite(iv.value)) {
        log(OP.SET_TRIAL_INTERMEDIATE_VALUE, {
          trial_id: trialId,
          step: iv.step,
          intermediate_value: iv.value,
        });
      }
    }
    if (t.runId) log(OP.SET_TRIAL_USER_ATTR, { trial_id: trialId, user_attr: { run_id: t.runId } });
    if (t.note) log(OP.SET_TRIAL_USER_ATTR, { trial_id: trialId, user_attr: { note: t.note } });
    if (t.state === 'complete' || t.state === 'pruned' || t.state === 'failed') {
      const last = t.intermediate[t.intermediate.length - 1]?.value;
      const v = t.state === 'complete' ? t.value : t.state === 'pruned' ? (t.value ?? last ?? null) : null;
      log(OP.SET_TRIAL_STATE_VALUES, {
        trial_id: trialId,
        state: STATE_CODE[t.state],
        values: v !== null && Number.isFinite(v) ? [v] : null,
        datetime_complete: isoMicros(t.completedAt ?? start),
      });
    } else if (t.state === 'waiting') {
      log(OP.SET_TRIAL_STATE_VALUES, { trial_id: trialId, state: STATE_CODE.waiting, values: null });
    }
  });
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

interface Replayed {
  name: string;
  directions: number[];
  deleted: boolean;
  userAttrs: Record<string, unknown>;
  trials: Trial[];
}

/**
 * Replay a journal into its studies; returns the named study (or the only / first live one). Bad lines are
 * refused with their line number; multi-objective studies are refused (the studio optimises one value).
 */
export function importJournal(text: string, studyName?: string): JournalStudy {
  const studies: Replayed[] = [];
  const trialById: { study: Replayed; trial: Trial }[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new JournalError(
        `Line ${i + 1} of the journal is not JSON: is this an Optuna JournalStorage file?`,
      );
    }
    const op = rec.op_code;
    const trialOf = () => {
      const t = trialById[rec.trial_id as number];
      if (!t) throw new JournalError(`Line ${i + 1}: trial ${String(rec.trial_id)} was never created`);
      return t;
    };
    const updatable = (t: Trial) => t.state === 'running' || t.state === 'waiting';
    switch (op) {
      case OP.CREATE_STUDY: {
        if (studies.some((s) => s.name === rec.study_name)) return;
        studies.push({
          name: String(rec.study_name),
          directions: (rec.directions as number[]) ?? [],
          deleted: false,
          userAttrs: {},
          trials: [],
        });
        return;
      }
      case OP.DELETE_STUDY: {
        const s = studies[rec.study_id as number];
        if (s) s.deleted = true;
        return;
      }
      case OP.SET_STUDY_USER_ATTR: {
        const s = studies[rec.study_id as number];
        if (s) Object.assign(s.userAttrs, rec.user_attr as object);
        return;
      }
      case OP.SET_STUDY_SYSTEM_ATTR:
        return;
      case OP.CREATE_TRIAL: {
        const s = studies[rec.study_id as number];
        if (!s)
          throw new JournalError(
            `Line ${i + 1}: a trial of study ${String(rec.study_id)}, which does not exist`,
          );
        const dists: SearchSpace = {};
        for (const [k, v] of Object.entries((rec.distributions as Record<string, string>) ?? {}))
          dists[k] = jsonToDistribution(v);
        const params: Params = {};
        for (const [k, v] of Object.entries((rec.params as Record<string, number>) ?? {})) {
          const d = dists[k]!;
          params[k] = d.type === 'categorical' ? d.choices[v]! : v;
        }
        const values = rec.values as number[] | null | undefined;
        const value = typeof rec.value === 'number' ? rec.value : (values?.[0] ?? null);
        const iv = Object.entries((rec.intermediate_values as Record<string, number>) ?? {}).map(
          ([step, v]) => ({ step: Number(step), value: v }),
        );
        const userAttrs = (rec.user_attrs as Record<string, unknown>) ?? {};
        const trial: Trial = {
          number: s.trials.length,
          state: CODE_STATE[(rec.state as number) ?? 0] ?? 'running',
          params,
          distributions: dists,
          value,
          intermediate: iv.sort((a, b) => a.step - b.step),
          startedAt: parseIso(rec.datetime_start),
          completedAt: parseIso(rec.datetime_complete),
          note: typeof userAttrs.note === 'string' ? userAttrs.note : '',
          runId: typeof userAttrs.run_id === 'string' ? userAttrs.run_id : null,
        };
        s.trials.push(trial);
        trialById.push({ study: s, trial });
        return;
      }
      case OP.SET_TRIAL_PARAM: {
        const { trial } = trialOf();
        if (!updatable(trial)) return;
        const d = jsonToDistribution(rec.distribution as string);
        const k = String(rec.param_name);
        const v = rec.param_value_internal as number;
        trial.distributions = { ...trial.distributions, [k]: d };
        trial.params = { ...trial.params, [k]: d.type === 'categorical' ? d.choices[v]! : v };
        return;
      }
      case OP.SET_TRIAL_STATE_VALUES: {
        const { trial } = trialOf();
        if (!updatable(trial)) return;
        const values = rec.values as number[] | null;
        if (values && values.length > 1) {
          throw new JournalError(
            `Line ${i + 1}: a trial with ${values.length} objective values: the studio optimises one value`,
          );
        }
        trial.state = CODE_STATE[rec.state as number] ?? trial.state;
        if (values) trial.value = values[0] ?? null;
        const done = parseIso(rec.datetime_complete);
        if (done !== null) trial.completedAt = done;
        const started = parseIso(rec.datetime_start);
        if (started !== null) trial.startedAt = started;
        return;
      }
      case OP.SET_TRIAL_INTERMEDIATE_VALUE: {
        const { trial } = trialOf();
        if (!updatable(trial)) return;
        const step = rec.step as number;
        const iv: IntermediateValue = { step, value: rec.intermediate_value as number };
        trial.intermediate = [...trial.intermediate.filter((x) => x.step !== step), iv].sort(
          (a, b) => a.step - b.step,
        );
        return;
      }
      case OP.SET_TRIAL_USER_ATTR: {
        const { trial } = trialOf();
        if (!updatable(trial)) return;
        const a = rec.user_attr as Record<string, unknown>;
        if (typeof a.run_id === 'string') trial.runId = a.run_id;
        if (typeof a.note === 'string') trial.note = a.note;
        return;
      }
      case OP.SET_TRIAL_SYSTEM_ATTR:
        return;
      default:
        throw new JournalError(`Line ${i + 1}: unknown operation ${String(op)} (not an Optuna 3.x journal?)`);
    }
  });
  const live = studies.filter((s) => !s.deleted);
  const s = studyName !== undefined ? live.find((x) => x.name === studyName) : live[0];
  if (!s) {
    throw new JournalError(
      studyName !== undefined
        ? `The journal has no study named "${studyName}" (it has ${live.map((x) => x.name).join(', ') || 'none'})`
        : 'The journal holds no study',
    );
  }
  if (s.directions.length !== 1) {
    throw new JournalError(
      `Study "${s.name}" has ${s.directions.length} objectives: the studio optimises one value`,
    );
  }
  return {
    name: s.name,
    direction: s.directions[0] === DIRECTION_CODE.maximize ? 'maximize' : 'minimize',
    trials: s.trials,
    userAttrs: s.userAttrs,
  };
}
