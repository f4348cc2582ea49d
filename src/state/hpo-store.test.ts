// The search store's persistence in Node (fake-indexeddb): an imported Optuna journal becomes a stored study
// whose trials survive a reload of the store, exports back to the same journal trials, and refuses parameters
// that are not configuration keys; the best trial's registry candidate names its run and best checkpoint.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../core/config/config';
import { exportJournal, importJournal } from '../core/hpo/journal';
import { parseSpace } from '../core/hpo/space';
import { Study } from '../core/hpo/study';
import { emptyHistory } from '../core/train/history';
import { useHpo } from './hpo-store';
import { useNotices } from './notices-store';
import { useRuns } from './runs-store';
import { resetStudioDbForTests } from './storage/db';

function journal(name = 'from-elsewhere', key = 'training.lr'): string {
  const { space } = parseSpace('training.lr=tag(log,interval(1e-4,1e-2)) training.batch_size=choice(64,128)');
  const s = new Study({
    direction: 'maximize',
    space,
    sampler: { kind: 'random', seed: 4 },
    pruner: { kind: 'none' },
  });
  for (let i = 0; i < 5; i++) {
    const t = s.ask(1000 + i)!;
    t.runId = `run-${i}`;
    s.report(t.number, 1, 0.5 + i / 20, 1000 + i);
    s.tell(t.number, 'complete', 0.5 + i / 20, '', 1001 + i);
  }
  const text = exportJournal({ name, direction: 'maximize', trials: s.trials, userAttrs: {} });
  return key === 'training.lr' ? text : text.replaceAll('training.lr', key);
}

const reset = () =>
  useHpo.setState({ loaded: false, studies: [], activeId: null, trials: [], registryMessage: null });

describe('hpo store', () => {
  beforeEach(() => {
    resetStudioDbForTests();
    reset();
    useNotices.setState({ notices: [] } as never);
  });

  it('imports a journal as a paused study that survives a reload and exports the same trials', async () => {
    await useHpo.getState().importJournal(journal(), 'study.log');
    const s = useHpo.getState().studies[0]!;
    expect(s).toMatchObject({
      name: 'from-elsewhere',
      status: 'paused',
      direction: 'maximize',
      metric: 'valAcc',
      nTrials: 5,
    });
    expect(Object.keys(s.space)).toEqual(['training.lr', 'training.batch_size']);
    reset();
    await useHpo.getState().load();
    expect(useHpo.getState().activeId).toBe(s.id);
    expect(useHpo.getState().trials).toHaveLength(5);
    const back = importJournal(useHpo.getState().exportJournal()!);
    expect(back.trials.map((t) => [t.params, t.value, t.runId])).toEqual(
      importJournal(journal()).trials.map((t) => [t.params, t.value, t.runId]),
    );
    // the same name again gets a suffix
    await useHpo.getState().importJournal(journal(), 'again.log');
    expect(
      useHpo
        .getState()
        .studies.map((x) => x.name)
        .sort(),
    ).toEqual(['from-elsewhere', 'from-elsewhere (2)']);
  });

  it('refuses a journal whose parameters are not configuration keys, saying what to do', async () => {
    await useHpo.getState().importJournal(journal('python', 'lr'), 'python.log');
    expect(useHpo.getState().studies).toHaveLength(0);
    const n = useNotices.getState().notices.at(-1)!;
    expect(n.title).toBe('python.log could not be imported');
    expect(n.detail).toMatch(
      /parameters lr are not configuration keys: name them as config keys \(e\.g\. training\.lr\)/,
    );
  });

  it('the best trial becomes a registry candidate with its run and best checkpoint', async () => {
    await useHpo.getState().importJournal(journal(), 'study.log');
    await useRuns.getState().load();
    await useRuns.getState().saveRun({
      id: 'run-4',
      name: 'trial 4',
      createdAt: 1,
      model: 'lenet5',
      backend: 'wasm',
      config: defaultConfig(),
      splitDescription: '',
      status: 'completed',
      message: '',
      history: emptyHistory(),
      bestValAcc: 0.7,
      test: null,
      checkpoints: [
        { name: 'epoch-001', epoch: 1, valLoss: 0.6, valAcc: 0.65, best: true, createdAt: 1 },
        { name: 'epoch-002', epoch: 2, valLoss: 0.5, valAcc: 0.7, best: true, createdAt: 2 },
      ],
    });
    const c = (await useHpo.getState().bestCandidate())!;
    expect(c).toMatchObject({
      trialNumber: 4,
      runId: 'run-4',
      metrics: { value: 0.7, valAcc: 0.7, epoch: 2 },
    });
    expect(c.checkpoint.name).toBe('epoch-002');
    await useHpo.getState().sendBestToRegistry();
    expect(useHpo.getState().registryMessage).toMatch(/No model registry is connected/);
  });
});
