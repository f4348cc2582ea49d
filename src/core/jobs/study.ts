// A search (HPO study) exported with a job: the search space over studio config keys, mapped onto the job's Hydra
// overrides, an Optuna JournalStorage file that cluster workers share and continue (the studio's own study journal
// when there is one), and study/study.py, the worker each machine runs.
import studyPy from './job-template/study.py?raw';

export { studyPy };

export type SpaceParam =
  | { name: string; type: 'float'; low: number; high: number; log: boolean }
  | { name: string; type: 'int'; low: number; high: number }
  | { name: string; type: 'categorical'; choices: (string | number | boolean)[] };

export interface StudySpec {
  name: string;
  direction: 'maximize';
  /** What each trial returns: the best validation accuracy (the test split is never looked at in a search). */
  metric: 'best_val_acc';
  space: SpaceParam[];
  /** Trials each worker runs by default (`python3 study/study.py --trials N`). */
  trialsPerWorker: number;
  /** An Optuna JournalStorage file (JSON lines) to continue, e.g. the studio's own study; null starts a new one. */
  journal: string | null;
}

export class SearchSpaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchSpaceError';
  }
}

/** Studio config key → the research Hydra key (`=model` is the model config group). */
export const HYDRA_KEYS: Record<string, string> = {
  'training.lr': 'training.optimizer.lr',
  'training.weight_decay': 'training.optimizer.weight_decay',
  'training.batch_size': 'training.batch_size',
  'training.epochs': 'training.epochs',
  'training.loss': 'training.loss',
  'training.rotation': 'data.transforms.rotation_degrees',
  'training.flips': 'training.augment.flips',
  'training.brightness': 'training.augment.brightness',
  'training.contrast': 'training.augment.contrast',
  'training.early_stopping': 'training.early_stopping.enabled',
  'training.patience': 'training.early_stopping.patience',
  'training.min_delta': 'training.early_stopping.min_delta',
  'training.seed': 'seed',
  'model.name': 'model',
};

/** Studio values that the research schema spells differently. */
export const HYDRA_VALUES: Record<string, Record<string, string>> = {
  'training.loss': { bce: 'bce_with_logits', focal: 'focal' },
};

const NUM = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;

/**
 * Parse a search space, one `key=spec` per token: `training.lr=log(1e-4,1e-2)`, `training.weight_decay=float(0,1e-3)`,
 * `training.epochs=int(2,8)`, `training.batch_size=choice(32,64,128)`, `model.name=choice(lenet5,lenet5-classic)`.
 */
export function parseSearchSpace(text: string): SpaceParam[] {
  const out: SpaceParam[] = [];
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const m = /^([a-z_]+\.[a-z_]+)=(log|float|int|choice)\((.*)\)$/.exec(token);
    if (!m) {
      throw new SearchSpaceError(
        `"${token}" is not a search dimension: write key=log(a,b), float(a,b), int(a,b) or choice(x,y,…)`,
      );
    }
    const [, name, kind, args] = m as unknown as [string, string, string, string];
    if (!(name in HYDRA_KEYS)) {
      throw new SearchSpaceError(
        `"${name}" cannot be searched in a job; searchable keys: ${Object.keys(HYDRA_KEYS).join(', ')}`,
      );
    }
    if (out.some((p) => p.name === name))
      throw new SearchSpaceError(`"${name}" appears twice in the search space`);
    const parts = args.split(',').map((s) => s.trim());
    if (kind === 'choice') {
      if (parts.length < 2 || parts.some((p) => !p))
        throw new SearchSpaceError(`${name}: choice needs two or more values`);
      const choices = parts.map((p) =>
        new RegExp(`^${NUM}$`).test(p) ? Number(p) : p === 'true' ? true : p === 'false' ? false : p,
      );
      out.push({ name, type: 'categorical', choices });
      continue;
    }
    if (parts.length !== 2 || parts.some((p) => !new RegExp(`^${NUM}$`).test(p))) {
      throw new SearchSpaceError(`${name}: ${kind}(low,high) needs two numbers, got (${args})`);
    }
    const [low, high] = parts.map(Number) as [number, number];
    if (!(low < high)) throw new SearchSpaceError(`${name}: low (${low}) must be below high (${high})`);
    if (kind === 'log' && low <= 0) throw new SearchSpaceError(`${name}: log(low,high) needs low > 0`);
    if (kind === 'int') {
      if (!Number.isInteger(low) || !Number.isInteger(high))
        throw new SearchSpaceError(`${name}: int(low,high) needs integers`);
      out.push({ name, type: 'int', low, high });
    } else out.push({ name, type: 'float', low, high, log: kind === 'log' });
  }
  if (out.length === 0) throw new SearchSpaceError('The search space is empty');
  return out;
}

/** The study's files inside the job (path → text). */
export function studyFiles(spec: StudySpec): Record<string, string> {
  const space = {
    name: spec.name,
    direction: spec.direction,
    metric: spec.metric,
    trials_per_worker: spec.trialsPerWorker,
    space: spec.space.map((p) => ({
      ...p,
      hydra: HYDRA_KEYS[p.name],
      ...(HYDRA_VALUES[p.name] ? { hydra_values: HYDRA_VALUES[p.name] } : {}),
    })),
  };
  const files: Record<string, string> = {
    'study/space.json': JSON.stringify(space, null, 2) + '\n',
    'study/study.py': studyPy,
  };
  if (spec.journal)
    files['study/journal.log'] = spec.journal.endsWith('\n') ? spec.journal : spec.journal + '\n';
  return files;
}

export function studyReadme(spec: StudySpec): string {
  return `## Search (Optuna study \`${spec.name}\`)

\`study/space.json\` is the search space (${spec.space.map((p) => p.name).join(', ')}); every worker runs
\`python3 study/study.py --trials ${spec.trialsPerWorker}\` (add Hydra overrides after the options, and
\`--nproc N\` to train each trial under torchrun). The workers share \`study/journal.log\`, an Optuna
JournalStorage file${spec.journal ? ' that already holds the studio’s trials: they continue that study' : ''}: put the job on shared
storage and start as many workers as you like. Each trial trains with train.py into \`outputs/study/trial-<n>/\`
and returns its best validation accuracy (the test split is never used to choose). At the end:
\`python3 study/study.py --show\` prints the best trial; train it again with its overrides to import it.
`;
}
