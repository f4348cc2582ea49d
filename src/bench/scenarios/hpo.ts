// Bench: hyper-parameter search. TPE against random on a seeded synthetic objective (20 seeds, 40 trials each:
// on how many seeds TPE's best beats random's), then real studies on the demo crops with LeNet5 on wasm, as the
// Search area runs them (median pruner, 3 epochs a trial), two trials at a time and one at a time: trials per
// hour and the share of trials pruned.
import { BRANIN, HPO_LIKE, ROSENBROCK, SPHERE, tpeVsRandom } from '../../core/hpo/benchmarks';
import { demoUrls } from '../../core/synth/demo-manifest';
import { useDataStore } from '../../state/data-store';
import { useHpo } from '../../state/hpo-store';
import { useSettings } from '../../state/settings-store';
import type { BenchRecord, BenchScenario } from '../types';

const SEEDS = 20;
const TRIALS = 40;
const STUDY_TRIALS = 10;
const SPACE = [
  'training.lr=tag(log,interval(1e-5,3e-2))',
  'training.batch_size=choice(64,128,256)',
  'training.rotation=int(interval(0,30))',
].join('\n');

/** Run one study to its end; seconds taken and its trials. */
async function study(parallel: number, log: (l: string) => void) {
  const t0 = performance.now();
  const errors = await useHpo.getState().createStudy({
    name: `bench-${parallel}x-${Date.now().toString(36)}`,
    spaceText: SPACE,
    metric: 'valAcc',
    sampler: { kind: 'tpe', seed: 7, constantLiar: parallel > 1 },
    pruner: { kind: 'median', nStartupTrials: 3 },
    nTrials: STUDY_TRIALS,
    parallel,
    fixedOverrides: 'training.epochs=3 training.early_stopping=false',
  });
  if (errors.length) throw new Error(errors.join('; '));
  await new Promise<void>((resolve) => {
    const check = () => {
      const s = useHpo.getState();
      const cur = s.studies.find((x) => x.id === s.activeId);
      if (cur?.status === 'done' || cur?.status === 'paused') {
        unsub();
        resolve();
      }
    };
    const unsub = useHpo.subscribe(check);
    check();
  });
  const seconds = (performance.now() - t0) / 1000;
  const s = useHpo.getState();
  const rec = s.studies.find((x) => x.id === s.activeId);
  if (rec?.status !== 'done') throw new Error(`The study stopped: ${rec?.message ?? 'unknown'}`);
  const trials = useHpo.getState().trials;
  const pruned = trials.filter((t) => t.state === 'pruned').length;
  const failed = trials.filter((t) => t.state === 'failed').length;
  log(
    `${parallel} at a time: ${trials.length} trials in ${seconds.toFixed(1)} s, ${pruned} pruned, ${failed} failed`,
  );
  if (failed > 0)
    throw new Error(`${failed} trials failed: ${trials.find((t) => t.state === 'failed')?.note}`);
  return { seconds, trials: trials.length, pruned };
}

export const scenario: BenchScenario = {
  name: 'hpo',
  description: `TPE vs random (${SEEDS} seeds, ${TRIALS} trials); ${STUDY_TRIALS}-trial LeNet5 studies on the demo set (wasm)`,
  async run(log) {
    const out: BenchRecord[] = [];
    const main = tpeVsRandom(HPO_LIKE, SEEDS, TRIALS);
    const others = [SPHERE, BRANIN, ROSENBROCK].map((f) => tpeVsRandom(f, SEEDS, TRIALS));
    log(`tpe vs random: ${[main, ...others].map((r) => `${r.fn} ${r.wins}/${r.seeds}`).join(', ')}`);
    out.push({
      name: 'hpo.tpe_vs_random.wins',
      value: main.wins,
      unit: `of ${SEEDS} seeds`,
      note: `best after ${TRIALS} trials, TPE (Optuna defaults, univariate) strictly better than random on the ${main.fn} objective (log-lr bowl + batch size + an idle toggle); also ${others.map((r) => `${r.fn} ${r.wins}/${r.seeds}`).join(', ')}`,
    });

    const previous = useSettings.getState().backendChoice;
    useSettings.getState().setBackendChoice('wasm');
    try {
      await useHpo.getState().load();
      await useDataStore.getState().openUrls(demoUrls('h5'));
      const two = await study(2, log);
      const one = await study(1, log);
      const perHour = (r: { seconds: number; trials: number }) => Math.round((3600 * r.trials) / r.seconds);
      out.push({
        name: 'hpo.study.trials_per_hour',
        value: perHour(two),
        unit: 'trials/h',
        note: `LeNet5 on the demo set (${STUDY_TRIALS} trials of 3 epochs, TPE + median pruning, wasm), two trials at a time in two train workers on ${navigator.hardwareConcurrency} cores; one at a time: ${perHour(one)} trials/h`,
      });
      out.push({
        name: 'hpo.pruned_share',
        value: Math.round((1000 * (two.pruned + one.pruned)) / (two.trials + one.trials)) / 10,
        unit: '%',
        note: `trials stopped early by the median pruner (3 start-up trials) over both studies`,
      });
    } finally {
      useSettings.getState().setBackendChoice(previous);
    }
    return out;
  },
};
