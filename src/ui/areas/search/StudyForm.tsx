// The form of a new study: the search space (sweep syntax, prefilled from the URL's sweep tokens, keys added from
// the configuration), the objective, sampler, pruner, trial budget, parallel trials and fixed overrides.
import { useState } from 'react';
import { BACKENDS, type BackendChoice } from '../../../core/backends/backends';
import { configSchema } from '../../../core/config/config';
import type { FieldSpec } from '../../../core/config/spec';
import type { PrunerSpec } from '../../../core/hpo/pruners';
import type { SamplerKind } from '../../../core/hpo/samplers';
import type { StudyMetric } from '../../../core/hpo/record';
import { useHpo } from '../../../state/hpo-store';
import { useRoute } from '../../../state/route-store';
import { useSettings } from '../../../state/settings-store';

export const DEFAULT_SPACE = [
  'training.lr=tag(log,interval(1e-4,1e-2))',
  'training.batch_size=choice(64,128,256)',
  'training.weight_decay=tag(log,interval(1e-6,1e-3))',
  'training.rotation=int(interval(0,30))',
].join('\n');

/** A starting sweep for a config key, from its type and default. */
function defaultSweep(key: string, f: FieldSpec): string {
  switch (f.kind) {
    case 'bool':
      return `${key}=choice(false,true)`;
    case 'enum':
      return `${key}=choice(${f.options.join(',')})`;
    case 'int': {
      const lo = Math.max(f.min ?? 0, Math.floor(f.default / 2));
      return `${key}=int(interval(${lo},${Math.min(f.max ?? Infinity, Math.max(lo + 1, f.default * 2))}))`;
    }
    case 'float':
      return f.default > 0
        ? `${key}=tag(log,interval(${f.default / 10},${Math.min(f.max ?? Infinity, f.default * 10)}))`
        : `${key}=interval(0,${f.max ?? 1})`;
    default:
      return `${key}=${String(f.default)}`;
  }
}

const CANDIDATES: [string, FieldSpec][] = (['training', 'model'] as const).flatMap((section) =>
  Object.entries(configSchema[section] as Record<string, FieldSpec>)
    .filter(([k, f]) => f.kind !== 'string' && f.kind !== 'floats' && k !== 'backend' && k !== 'seed')
    .map(([k, f]) => [`${section}.${k}`, f] as [string, FieldSpec]),
);

export function StudyForm({ onDone }: { onDone(): void }) {
  const createStudy = useHpo((s) => s.createStudy);
  const sweep = useRoute((s) => s.sweep);
  const backendChoice = useSettings((s) => s.backendChoice);
  const setBackendChoice = useSettings((s) => s.setBackendChoice);
  const [name, setName] = useState(`lenet5-search-${new Date().toISOString().slice(0, 10)}`);
  const [spaceText, setSpaceText] = useState(sweep.length ? sweep.join('\n') : DEFAULT_SPACE);
  const [metric, setMetric] = useState<StudyMetric>('valAcc');
  const [sampler, setSampler] = useState<SamplerKind>('tpe');
  const [multivariate, setMultivariate] = useState(false);
  const [seed, setSeed] = useState(1);
  const [pruner, setPruner] = useState<PrunerSpec['kind']>('median');
  const [eta, setEta] = useState(2);
  const [startup, setStartup] = useState(5);
  const [nTrials, setNTrials] = useState(20);
  const [parallel, setParallel] = useState(Math.min(2, navigator.hardwareConcurrency || 1));
  const [fixed, setFixed] = useState('training.epochs=4 training.early_stopping=false');
  const [errors, setErrors] = useState<string[]>([]);
  const [addKey, setAddKey] = useState('');

  const submit = async () => {
    const prunerSpec: PrunerSpec =
      pruner === 'none'
        ? { kind: 'none' }
        : pruner === 'median'
          ? { kind: 'median', nStartupTrials: startup }
          : { kind: 'asha', minResource: 1, reductionFactor: eta };
    const errs = await createStudy({
      name,
      spaceText,
      metric,
      sampler: { kind: sampler, seed, multivariate, constantLiar: parallel > 1 },
      pruner: prunerSpec,
      nTrials,
      parallel,
      fixedOverrides: fixed,
    });
    setErrors(errs);
    if (errs.length === 0) onDone();
  };

  return (
    <form
      className="card search-form"
      aria-label="New study"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>New study</h3>
      <div className="row">
        <label className="grow">
          Study name
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
      </div>
      <label>
        Search space (one sweep per line: <code>key=tag(log,interval(a,b))</code>,{' '}
        <code>int(interval(a,b))</code>, <code>choice(a,b,…)</code>, <code>range(start,stop[,step])</code>;
        also from the URL)
        <textarea
          aria-label="Search space"
          value={spaceText}
          onChange={(e) => setSpaceText(e.target.value)}
          spellCheck={false}
        />
      </label>
      <div className="row">
        <label>
          Add a key
          <select
            aria-label="Add a key to the space"
            value={addKey}
            onChange={(e) => setAddKey(e.target.value)}
          >
            <option value="">—</option>
            {CANDIDATES.map(([k]) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={!addKey}
          onClick={() => {
            const f = CANDIDATES.find(([k]) => k === addKey)?.[1];
            if (f) setSpaceText((t) => `${t.trim()}\n${defaultSweep(addKey, f)}`);
            setAddKey('');
          }}
        >
          Add
        </button>
      </div>
      <div className="row">
        <label>
          Objective
          <select value={metric} onChange={(e) => setMetric(e.target.value as StudyMetric)}>
            <option value="valAcc">validation accuracy (maximise)</option>
            <option value="valLoss">validation loss (minimise)</option>
          </select>
        </label>
        <label>
          Sampler
          <select
            aria-label="Sampler"
            value={sampler}
            onChange={(e) => setSampler(e.target.value as SamplerKind)}
          >
            <option value="tpe">TPE (10 random start-up trials)</option>
            <option value="random">random</option>
            <option value="grid">grid</option>
          </select>
        </label>
        <label className="radio">
          <input type="checkbox" checked={multivariate} onChange={(e) => setMultivariate(e.target.checked)} />{' '}
          multivariate TPE
        </label>
        <label>
          Seed
          <input type="number" min={0} value={seed} onChange={(e) => setSeed(Number(e.target.value))} />
        </label>
      </div>
      <div className="row">
        <label>
          Pruner
          <select
            aria-label="Pruner"
            value={pruner}
            onChange={(e) => setPruner(e.target.value as PrunerSpec['kind'])}
          >
            <option value="median">median (after N completed trials)</option>
            <option value="asha">successive halving (ASHA)</option>
            <option value="none">none</option>
          </select>
        </label>
        {pruner === 'median' && (
          <label>
            Start-up trials
            <input
              aria-label="Median start-up trials"
              type="number"
              min={0}
              value={startup}
              onChange={(e) => setStartup(Number(e.target.value))}
            />
          </label>
        )}
        {pruner === 'asha' && (
          <label>
            Reduction factor η
            <input type="number" min={2} value={eta} onChange={(e) => setEta(Number(e.target.value))} />
          </label>
        )}
      </div>
      <div className="row">
        <label>
          Trials
          <input
            aria-label="Number of trials"
            type="number"
            min={1}
            value={nTrials}
            onChange={(e) => setNTrials(Number(e.target.value))}
          />
        </label>
        <label>
          At a time
          <input
            aria-label="Trials at a time"
            type="number"
            min={1}
            max={4}
            value={parallel}
            onChange={(e) => setParallel(Number(e.target.value))}
          />
        </label>
        <label>
          Backend
          <select
            aria-label="Search backend"
            value={backendChoice}
            onChange={(e) => setBackendChoice(e.target.value as BackendChoice)}
          >
            <option value="auto">auto (best available)</option>
            {BACKENDS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          Every trial also gets
          <input aria-label="Fixed overrides" value={fixed} onChange={(e) => setFixed(e.target.value)} />
        </label>
      </div>
      {errors.length > 0 && (
        <ul className="warn" role="alert" aria-label="Study errors">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      <p className="muted">
        Trials train on the train split and are judged on the validation split; the test split is never used
        during a search.
      </p>
      <button type="submit">Start study</button>
    </form>
  );
}
