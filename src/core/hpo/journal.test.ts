// Optuna JournalStorage interchange: the studio's export replays in Debian's python3-optuna (same best value and
// parameters, same states), Python's own journals import here, and an export imports back to the same trials.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportJournal, importJournal, JournalError, STUDIO_ATTR } from './journal';
import { narrowSpace, parseSpace, type Params } from './space';
import { Study, type Trial } from './study';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./__fixtures__/optuna_journal.py', import.meta.url));
const hasOptuna = (() => {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import optuna'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

/** A 14-trial TPE study with the median pruner, narrowed half-way (a categorical loses a choice). */
function makeStudy(): Study {
  const { space } = parseSpace(
    'training.lr=tag(log,interval(1e-4,1e-2)) training.batch_size=choice(64,128,256) training.rotation=int(interval(0,30)) training.loss=choice(bce,focal)',
  );
  const study = new Study({
    direction: 'maximize',
    space,
    sampler: { kind: 'tpe', seed: 11, constantLiar: true, nStartupTrials: 5 },
    pruner: { kind: 'median', nStartupTrials: 3 },
  });
  const acc = (p: Params, epoch: number) =>
    0.9 -
    0.05 * Math.abs(Math.log10(p['training.lr'] as number) + 3) -
    0.001 * (p['training.rotation'] as number) +
    0.01 * epoch;
  for (let i = 0; i < 14; i++) {
    if (i === 8) {
      study.options.space = narrowSpace(study.options.space, {
        'training.batch_size': { choices: [128, 256] },
        'training.lr': { low: 3e-4, high: 3e-3 },
      });
    }
    const t = study.ask(1_700_000_000_000 + i * 1000)!;
    t.runId = `run-${i}`;
    let pruned = false;
    for (let e = 1; e <= 4 && !pruned; e++)
      pruned = study.report(t.number, e, acc(t.params, e), 1_700_000_000_000 + i * 1000 + e).prune;
    if (i === 6) study.tell(t.number, 'failed', null, 'Training failed: out of memory');
    else if (!pruned)
      study.tell(t.number, 'complete', acc(t.params, 4), '', 1_700_000_000_000 + i * 1000 + 5);
  }
  return study;
}

describe('Optuna journal interchange', () => {
  it('export → import gives back the same trials', () => {
    const study = makeStudy();
    const text = exportJournal({
      name: 'lenet5-search',
      direction: 'maximize',
      trials: study.trials,
      userAttrs: { [STUDIO_ATTR]: { space: 'x' } },
    });
    const back = importJournal(text);
    expect(back.name).toBe('lenet5-search');
    expect(back.direction).toBe('maximize');
    expect(back.userAttrs[STUDIO_ATTR]).toEqual({ space: 'x' });
    expect(
      back.trials.map((t) => [t.number, t.state, t.value, t.params, t.intermediate, t.runId, t.note]),
    ).toEqual(
      study.trials.map((t) => [t.number, t.state, t.value, t.params, t.intermediate, t.runId, t.note]),
    );
    expect(study.trials.some((t) => t.state === 'pruned')).toBe(true);
    expect(study.trials.some((t) => t.state === 'failed')).toBe(true);
  });

  it('refuses what is not an Optuna journal, naming the line', () => {
    expect(() =>
      importJournal('{"op_code": 0, "worker_id": "w", "study_name": "s", "directions": [2]}\nnot json\n'),
    ).toThrow(/Line 2 of the journal is not JSON/);
    expect(() => importJournal('{"op_code": 42}\n')).toThrow(JournalError);
    expect(() =>
      importJournal('{"op_code": 0, "worker_id": "w", "study_name": "s", "directions": [1, 2]}\n'),
    ).toThrow(/2 objectives/);
  });

  it.skipIf(!hasOptuna)(
    'Python Optuna opens an exported study: same best value, parameters and states',
    () => {
      const study = makeStudy();
      const dir = mkdtempSync(join(tmpdir(), 'hpo-journal-'));
      const path = join(dir, 'study.log');
      writeFileSync(
        path,
        exportJournal({
          name: 'lenet5-search',
          direction: 'maximize',
          trials: study.trials,
          userAttrs: { [STUDIO_ATTR]: { sampler: 'tpe' } },
        }),
      );
      const py = JSON.parse(
        execFileSync(PYTHON, [SCRIPT, 'read', path, 'lenet5-search'], { encoding: 'utf8' }),
      ) as {
        direction: string;
        best_value: number;
        best_params: Params;
        best_number: number;
        user_attrs: Record<string, unknown>;
        trials: {
          number: number;
          state: string;
          value: number | null;
          params: Params;
          intermediate: Record<string, number>;
        }[];
        next_params: Params;
      };
      const best = study.best()!;
      expect(py.direction).toBe('maximize');
      expect(py.best_value).toBe(best.value);
      expect(py.best_params).toEqual(best.params);
      expect(py.best_number).toBe(best.number);
      expect(py.user_attrs).toEqual({ [STUDIO_ATTR]: { sampler: 'tpe' } });
      const states: Record<Trial['state'], string> = {
        complete: 'COMPLETE',
        pruned: 'PRUNED',
        failed: 'FAIL',
        running: 'RUNNING',
        waiting: 'WAITING',
      };
      expect(py.trials.map((t) => [t.number, t.state, t.params])).toEqual(
        study.trials.map((t) => [t.number, states[t.state], t.params]),
      );
      for (const [i, t] of py.trials.entries()) {
        expect(Object.keys(t.intermediate).length).toBe(study.trials[i]!.intermediate.length);
      }
      // and it can go on there: Optuna's TPE draws a next trial over the exported distributions
      expect(Object.keys(py.next_params).sort()).toEqual(Object.keys(best.params).sort());
    },
  );

  it.skipIf(!hasOptuna)('imports a journal that Python Optuna wrote, to continue it here', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpo-journal-'));
    const path = join(dir, 'python.log');
    const py = JSON.parse(
      execFileSync(PYTHON, [SCRIPT, 'write', path, 'from-python'], { encoding: 'utf8' }),
    ) as {
      best_value: number;
      best_params: Params;
      n: number;
      pruned: number;
    };
    const s = importJournal(readFileSync(path, 'utf8'), 'from-python');
    expect(s.trials).toHaveLength(py.n);
    expect(s.trials.filter((t) => t.state === 'pruned')).toHaveLength(py.pruned);
    const study = new Study(
      {
        direction: s.direction,
        space: s.trials[0]!.distributions,
        sampler: { kind: 'tpe', seed: 1 },
        pruner: { kind: 'none' },
      },
      s.trials,
    );
    expect(study.best()!.value).toBe(py.best_value);
    expect(study.best()!.params).toEqual(py.best_params);
    const next = study.ask()!;
    expect(next.number).toBe(py.n);
    expect(Object.keys(next.params).sort()).toEqual(Object.keys(py.best_params).sort());
  });
});
