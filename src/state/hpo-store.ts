// Hyper-parameter studies in the page: create a study, run its trials in training workers (one worker per
// parallel slot, each trial a run bound to the study's train/val data — the test split is never sent), hand
// each epoch's validation value to the pruner, persist the study and every trial (Dexie) so a reload
// continues it, narrow the space and continue, and move studies in and out as Optuna journal files.
import * as Comlink from 'comlink';
import { create } from 'zustand';
import { applyOverrides, defaultConfig } from '../core/config/config';
import type { TrainingArrays } from '../core/data/training-arrays';
import {
  exportJournal as writeJournal,
  importJournal as readJournal,
  STUDIO_ATTR,
} from '../core/hpo/journal';
import {
  directionOf,
  epochValue,
  objectiveOf,
  splitDigest,
  trialKey,
  type StudyData,
  type StudyMetric,
  type StudyRecord,
  type TrialRecord,
} from '../core/hpo/record';
import type { PrunerSpec } from '../core/hpo/pruners';
import type { SamplerSpec } from '../core/hpo/samplers';
import {
  fieldOf,
  formatSpace,
  narrowSpace,
  paramsToOverrides,
  parseSpace,
  type ParamValue,
  type Params,
  type SearchSpace,
} from '../core/hpo/space';
import { bestTrial, Study, type Trial } from '../core/hpo/study';
import { demoUrls } from '../core/synth/demo-manifest';
import type { CheckpointMeta } from '../core/train/checkpoints';
import { emptyHistory } from '../core/train/history';
import type { WorkerBridge } from '../workers/bridge';
import type { TrainApi } from '../workers/train/api';
import { createTrainWorker } from '../workers/train/client';
import type { RunResult, TrainEvents } from '../workers/train/loop';
import { useDataStore } from './data-store';
import { useDatasets } from './dataset-store';
import { notifyError, useNotices } from './notices-store';
import { endedRun, useRuns, type RunRecord } from './runs-store';
import { useSettings } from './settings-store';
import { studioDb } from './storage/db';
import { settingsFromConfig, transferArrays } from './train-store';

export interface NewStudy {
  name: string;
  spaceText: string;
  metric: StudyMetric;
  sampler: SamplerSpec;
  pruner: PrunerSpec;
  nTrials: number;
  parallel: number;
  fixedOverrides: string;
}

/** What the model registry needs to make a `candidate` version of a study's best trial. */
export interface RegistryCandidate {
  studyId: string;
  studyName: string;
  trialNumber: number;
  runId: string;
  /** The run's best checkpoint (highest validation accuracy), whose weights become the model version. */
  checkpoint: CheckpointMeta;
  metrics: { value: number; valAcc: number; valLoss: number; epoch: number };
  params: Params;
  datasetDigest: string | null;
  datasetVersionId: string | null;
}

/** Receives the best trial; answers with what it made (e.g. "model v3 (candidate)"). Set by the registry. */
export type RegistryHook = (c: RegistryCandidate) => Promise<string>;
let registryHook: RegistryHook | null = null;
export function setRegistryHook(hook: RegistryHook | null): void {
  registryHook = hook;
}

export interface HpoState {
  loaded: boolean;
  studies: StudyRecord[];
  activeId: string | null;
  /** Trials of the active study, by number. */
  trials: Trial[];
  /** Trial numbers training now in this page. */
  inFlight: number[];
  busy: string | null;
  registryMessage: string | null;
  load(): Promise<void>;
  select(id: string): Promise<void>;
  /** Create and start a study; returns the errors of the form (empty when it started). */
  createStudy(input: NewStudy): Promise<string[]>;
  continueStudy(): Promise<void>;
  pause(): void;
  /** Narrow the active study's space to a region and run `moreTrials` more trials. */
  narrowAndContinue(
    region: Record<string, { low: number; high: number } | { choices: ParamValue[] }>,
    moreTrials: number,
  ): Promise<void>;
  exportJournal(): string | null;
  importJournal(text: string, fileName: string): Promise<void>;
  deleteStudy(id: string): Promise<void>;
  bestCandidate(): Promise<RegistryCandidate | null>;
  sendBestToRegistry(): Promise<void>;
}

// ---- persistence ----

async function saveStudy(s: StudyRecord): Promise<void> {
  await studioDb().studies.put(s as unknown as { id: string });
}

async function saveTrial(studyId: string, t: Trial): Promise<void> {
  const rec: TrialRecord = { ...structuredClone(t), id: trialKey(studyId, t.number), studyId };
  await studioDb().trials.put(rec as unknown as { id: string });
}

async function loadTrials(studyId: string): Promise<Trial[]> {
  const recs = (await studioDb()
    .trials.where('studyId')
    .equals(studyId)
    .toArray()) as unknown as TrialRecord[];
  return recs.map(({ id: _id, studyId: _s, ...t }) => t as Trial).sort((a, b) => a.number - b.number);
}

// ---- the driver (one study at a time per page) ----

interface Driver {
  studyId: string;
  engine: Study;
  pausing: boolean;
  aborts: Map<number, AbortController>;
  arrays: TrainingArrays;
  backend: 'webgpu' | 'webgl' | 'wasm' | 'cpu';
}
let driver: Driver | null = null;
/** The study being driven (set before its data is ready, so a second start cannot slip in meanwhile). */
let drivingId: string | null = null;
let loading: Promise<void> | null = null;
const workers: WorkerBridge<TrainApi>[] = [];
function workerFor(slot: number): WorkerBridge<TrainApi> {
  while (workers.length <= slot) workers.push(createTrainWorker(`hpo-${workers.length + 1}`));
  return workers[slot]!;
}

/** A copy of the train/val arrays for one trial (the test split stays out of a search). */
function trialArrays(a: TrainingArrays): TrainingArrays {
  const copy = (s: TrainingArrays['train']) => ({ x: s.x.slice(), y: s.y.slice(), ids: [...s.ids] });
  return {
    ...a,
    train: copy(a.train),
    val: copy(a.val),
    test: { x: new Uint8Array(0), y: new Uint8Array(0), ids: [] },
  };
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
const DEMO_NAMES = demoUrls('h5').map((p) => p.split('/').pop()!);

/** The train/val data of a study; reopens the demo after a reload when the study was made on it. */
async function prepareData(study: StudyRecord): Promise<{ arrays: TrainingArrays; data: StudyData }> {
  const ds = useDataStore.getState();
  const versions = useDatasets.getState();
  // A study continues on its own frozen dataset version (its crops, labels and split), whatever is open now.
  const frozen = study.data?.datasetVersionId;
  if (frozen && study.data) {
    await ds.restore();
    if (useDataStore.getState().sources.length === 0 && sameSet(study.data.sources, DEMO_NAMES)) {
      await ds.openUrls(demoUrls('h5'));
    }
    return { arrays: await versions.arraysFor(frozen), data: study.data };
  }
  let arrays: TrainingArrays;
  let versionId: string;
  const freeze = async () => {
    const v = await versions.freezeCurrent();
    versionId = v.id;
    return versions.arraysFor(v.id);
  };
  try {
    arrays = await freeze();
  } catch (e) {
    const noData = /No crops are open/.test(e instanceof Error ? e.message : '');
    if (!noData || !study.data) throw e;
    if (!sameSet(study.data.sources, DEMO_NAMES)) {
      throw new Error(
        `No crops are open: open ${study.data.sources.join(', ')} (the data study "${study.name}" trains on) in the Data area, then continue the study`,
      );
    }
    await ds.openUrls(demoUrls('h5'));
    arrays = await freeze();
  }
  const data: StudyData = {
    digest: splitDigest(arrays.train, arrays.val),
    description: arrays.splitDescription,
    sources: useDataStore.getState().sources.map((s) => s.name),
    train: arrays.train.y.length,
    val: arrays.val.y.length,
    datasetVersionId: versionId!,
  };
  if (study.data && study.data.digest !== data.digest) {
    throw new Error(
      `The open data differ from the data study "${study.name}" was started on (${study.data.sources.join(', ')}; ${study.data.description}; ${study.data.train} train / ${study.data.val} validation crops). Open the same files with the same split settings (data.*), or start a new study.`,
    );
  }
  return { arrays, data };
}

export const useHpo = create<HpoState>((set, get) => {
  const active = () => get().studies.find((s) => s.id === get().activeId) ?? null;

  const updateStudy = async (s: StudyRecord) => {
    set((st) => ({ studies: st.studies.map((x) => (x.id === s.id ? s : x)) }));
    await saveStudy(s);
  };

  const publishTrials = () => {
    if (driver && driver.studyId === get().activeId)
      set({ trials: driver.engine.trials.map((t) => ({ ...t })) });
  };

  const persistTrial = async (studyId: string, t: Trial) => {
    publishTrials();
    try {
      await saveTrial(studyId, t);
    } catch (e) {
      notifyError(`Trial ${t.number} was not saved`, e instanceof Error ? e.message : String(e));
    }
  };

  const runTrial = async (slot: number, study: StudyRecord, t: Trial): Promise<void> => {
    const d = driver!;
    const { config, errors } = applyOverrides(
      defaultConfig(),
      `${study.fixedOverrides} ${paramsToOverrides(t.params)}`,
    );
    if (errors.length > 0) {
      d.engine.tell(
        t.number,
        'failed',
        null,
        `Bad configuration: ${errors.map((e) => e.message).join('; ')}`,
      );
      await persistTrial(study.id, t);
      return;
    }
    const runId = `${study.id}-t${t.number}-${Date.now().toString(36)}`;
    t.runId = runId;
    await persistTrial(study.id, t);
    const run: RunRecord = {
      id: runId,
      name: `${study.name} · trial ${t.number}`,
      createdAt: Date.now(),
      model: config.model.name,
      backend: d.backend,
      config,
      splitDescription: d.arrays.splitDescription,
      ...(study.data?.datasetVersionId ? { datasetVersionId: study.data.datasetVersionId } : {}),
      status: 'running',
      message: `Trial ${t.number} of study ${study.name}: ${paramsToOverrides(t.params)}`,
      history: emptyHistory(),
      bestValAcc: null,
      test: null,
      checkpoints: [],
    };
    await useRuns
      .getState()
      .saveRun(run)
      .catch(() => undefined);
    const abort = new AbortController();
    d.aborts.set(t.number, abort);
    const keep = config.training.keep_checkpoints;
    const events: TrainEvents = {
      batches: () => undefined,
      // an interrupted trial runs again from its start with the same parameters: no resume point to keep
      epochEnd: () => undefined,
      epoch: (p) => {
        if (t.state !== 'running') return;
        const decision = d.engine.report(t.number, p.epoch, epochValue(p, study.metric));
        void persistTrial(study.id, t);
        if (decision.prune) abort.abort();
      },
      checkpoint: async (c) => {
        try {
          const cur = useRuns.getState().runs.find((r) => r.id === runId) ?? run;
          await useRuns.getState().saveRun({ ...cur, history: c.state.history });
          await useRuns.getState().addCheckpoint(runId, c.meta, c.state, keep);
        } catch (e) {
          notifyError(
            `Checkpoint of trial ${t.number} was not saved`,
            e instanceof Error ? e.message : String(e),
          );
        }
      },
    };
    let result: RunResult;
    try {
      result = await workerFor(slot).run(
        'train',
        [
          runId,
          d.backend,
          transferArrays(trialArrays(d.arrays)),
          {
            model: config.model.name,
            input: { size: config.model.input_size, channels: config.model.channels },
            settings: settingsFromConfig(config),
          },
          Comlink.proxy(events),
        ],
        { signal: abort.signal },
      );
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      result = {
        status: 'failed',
        message: `Training failed: ${msg}`,
        epochsDone: 0,
        history: emptyHistory(),
        bestValAcc: null,
        test: null,
        final: null,
      };
    }
    d.aborts.delete(t.number);
    if (t.state === 'running') {
      if (d.pausing && result.status === 'stopped') {
        Object.assign(t, {
          state: 'waiting',
          intermediate: [],
          note: 'paused, run again with the same parameters',
        });
      } else if (result.status === 'completed' || result.status === 'early-stopped') {
        const note = t.note ? `${t.note}; ${result.message}` : result.message;
        d.engine.tell(t.number, 'complete', objectiveOf(result.history.epochs, study.metric), note);
      } else {
        d.engine.tell(t.number, 'failed', null, result.message);
      }
    }
    await persistTrial(study.id, t);
    // A trial never sees the test split: no test metrics.
    const message = t.state === 'pruned' ? `Pruned: ${t.note}` : result.message;
    await useRuns
      .getState()
      .saveRun(endedRun(run, { ...result, message, test: null }))
      .catch(() => undefined);
  };

  const drive = async (studyId: string): Promise<void> => {
    if (drivingId) return;
    drivingId = studyId;
    try {
      await driveStudy(studyId);
    } finally {
      drivingId = null;
    }
  };

  const driveStudy = async (studyId: string): Promise<void> => {
    let study = get().studies.find((s) => s.id === studyId);
    if (!study) return;
    set({ busy: 'Preparing the training data…' });
    let prepared: Awaited<ReturnType<typeof prepareData>>;
    let backend: Driver['backend'];
    try {
      const settings = useSettings.getState();
      if (!settings.capabilities) await settings.detect();
      backend = useSettings.getState().activeBackend()?.backend ?? 'wasm';
      if (!useRuns.getState().loaded)
        await useRuns
          .getState()
          .load()
          .catch(() => undefined);
      prepared = await prepareData(study);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      set({ busy: null });
      await updateStudy({ ...study, status: 'paused', message: msg });
      notifyError(`Study ${study.name} could not continue`, msg);
      return;
    }
    study = {
      ...study,
      data: study.data ?? prepared.data,
      status: 'running',
      message: `Training on ${backend}`,
    };
    await updateStudy(study);
    const trials =
      studyId === get().activeId ? get().trials.map((t) => ({ ...t })) : await loadTrials(studyId);
    for (const t of trials) {
      if (t.state === 'running') {
        Object.assign(t, {
          state: 'waiting',
          note: 'interrupted by a page reload, run again with the same parameters',
        });
      }
    }
    const engine = new Study(
      { direction: study.direction, space: study.space, sampler: study.sampler, pruner: study.pruner },
      trials,
    );
    const d: Driver = {
      studyId,
      engine,
      pausing: false,
      aborts: new Map(),
      arrays: prepared.arrays,
      backend,
    };
    driver = d;
    set({ busy: null });
    publishTrials();
    const inFlight = new Set<number>();
    const s = study;
    const slotLoop = async (slot: number) => {
      while (!d.pausing) {
        const hasWaiting = engine.trials.some((t) => t.state === 'waiting');
        if (!hasWaiting && engine.trials.length >= s.nTrials) return;
        const t = engine.ask();
        if (!t) return;
        inFlight.add(t.number);
        set({ inFlight: [...inFlight] });
        await runTrial(slot, s, t);
        inFlight.delete(t.number);
        set({ inFlight: [...inFlight] });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, s.parallel) }, (_, i) => slotLoop(i)));
    driver = null;
    const latest = get().studies.find((x) => x.id === studyId) ?? s;
    const finished = !d.pausing;
    const best = bestTrial(engine.trials, s.direction);
    await updateStudy({
      ...latest,
      status: finished ? 'done' : 'paused',
      message: finished
        ? `Done: ${engine.trials.length} trials${best ? `, best ${best.value?.toFixed(4)} (trial ${best.number})` : ''}`
        : 'Paused: continue when you like',
    });
    if (get().activeId === studyId) set({ trials: engine.trials.map((t) => ({ ...t })), inFlight: [] });
  };

  const studySettingsAttr = (s: StudyRecord) => ({
    metric: s.metric,
    spaceText: s.spaceText,
    sampler: s.sampler,
    pruner: s.pruner,
    nTrials: s.nTrials,
    parallel: s.parallel,
    fixedOverrides: s.fixedOverrides,
    data: s.data,
  });

  const loadStudies = async (): Promise<void> => {
    const studies =
      ((await studioDb().studies.orderBy('createdAt').reverse().toArray()) as unknown as StudyRecord[]) ?? [];
    set({ studies, loaded: true });
    const first = studies[0];
    if (first) await get().select(first.id);
    // a study that was running when the page closed continues
    const running = studies.find((s) => s.status === 'running');
    if (running && !drivingId) {
      if (running.id !== get().activeId) await get().select(running.id);
      void drive(running.id);
    }
  };

  return {
    loaded: false,
    studies: [],
    activeId: null,
    trials: [],
    inFlight: [],
    busy: null,
    registryMessage: null,

    load: () => {
      if (get().loaded) return Promise.resolve();
      return (loading ??= loadStudies().finally(() => {
        loading = null;
      }));
    },

    select: async (id) => {
      set({ activeId: id, registryMessage: null });
      if (driver?.studyId === id) {
        publishTrials();
        return;
      }
      set({ trials: await loadTrials(id) });
    },

    createStudy: async (input) => {
      const { space, errors } = parseSpace(input.spaceText);
      const problems = errors.map((e) => e.message);
      const fixed = applyOverrides(defaultConfig(), input.fixedOverrides);
      problems.push(...fixed.errors.map((e) => `Fixed overrides: ${e.message}`));
      if (!(input.nTrials >= 1)) problems.push('The number of trials must be at least 1');
      if (!input.name.trim()) problems.push('Give the study a name');
      if (problems.length > 0) return problems;
      if (drivingId) return ['Another study is running: pause it first'];
      const now = Date.now();
      const study: StudyRecord = {
        id: `study-${now.toString(36)}`,
        name: input.name.trim(),
        createdAt: now,
        metric: input.metric,
        direction: directionOf(input.metric),
        spaceText: formatSpace(space),
        space,
        sampler: input.sampler,
        pruner: input.pruner,
        nTrials: Math.floor(input.nTrials),
        parallel: Math.max(1, Math.min(4, Math.floor(input.parallel))),
        fixedOverrides: input.fixedOverrides.trim(),
        data: null,
        status: 'running',
        message: 'Starting',
      };
      await saveStudy(study);
      set((s) => ({ studies: [study, ...s.studies], activeId: study.id, trials: [] }));
      void drive(study.id);
      return [];
    },

    continueStudy: async () => {
      const s = active();
      if (!s || drivingId) return;
      void drive(s.id);
    },

    pause: () => {
      if (!driver) return;
      driver.pausing = true;
      for (const a of driver.aborts.values()) a.abort();
    },

    narrowAndContinue: async (region, moreTrials) => {
      const s = active();
      if (!s || drivingId) return;
      const space = narrowSpace(s.space, region);
      const used = get().trials.filter((t) => t.state !== 'waiting').length;
      const next: StudyRecord = {
        ...s,
        space,
        spaceText: formatSpace(space),
        nTrials: Math.max(s.nTrials, used) + Math.max(1, Math.floor(moreTrials)),
        status: 'running',
        message: 'Narrowed to the brushed region',
      };
      await updateStudy(next);
      void drive(next.id);
    },

    exportJournal: () => {
      const s = active();
      if (!s) return null;
      return writeJournal({
        name: s.name,
        direction: s.direction,
        trials: get().trials,
        userAttrs: { [STUDIO_ATTR]: studySettingsAttr(s) },
      });
    },

    importJournal: async (text, fileName) => {
      try {
        const j = readJournal(text);
        const attrs = (j.userAttrs[STUDIO_ATTR] ?? {}) as Partial<ReturnType<typeof studySettingsAttr>>;
        const lastSpace: SearchSpace = {};
        for (const t of j.trials) Object.assign(lastSpace, t.distributions);
        const parsed = attrs.spaceText ? parseSpace(attrs.spaceText) : null;
        const space = parsed && parsed.errors.length === 0 ? parsed.space : lastSpace;
        const bad = Object.keys(space).filter((k) => {
          try {
            fieldOf(k);
            return false;
          } catch {
            return true;
          }
        });
        if (bad.length > 0) {
          throw new Error(
            `its parameters ${bad.join(', ')} are not configuration keys: name them as config keys (e.g. training.lr) to train them here`,
          );
        }
        if (Object.keys(space).length === 0) throw new Error('it has no parameters to continue from');
        const now = Date.now();
        const taken = new Set(get().studies.map((s) => s.name));
        let name = j.name;
        for (let i = 2; taken.has(name); i++) name = `${j.name} (${i})`;
        const metric: StudyMetric = attrs.metric ?? (j.direction === 'maximize' ? 'valAcc' : 'valLoss');
        const study: StudyRecord = {
          id: `study-${now.toString(36)}`,
          name,
          createdAt: now,
          metric,
          direction: j.direction,
          spaceText: formatSpace(space),
          space,
          sampler: attrs.sampler ?? { kind: 'tpe', seed: 1, constantLiar: true },
          pruner: attrs.pruner ?? { kind: 'median' },
          nTrials: Math.max(attrs.nTrials ?? 0, j.trials.length),
          parallel: attrs.parallel ?? 1,
          fixedOverrides: attrs.fixedOverrides ?? '',
          data: attrs.data ?? null,
          status: 'paused',
          message: `Imported from ${fileName}: ${j.trials.length} trials. Add trials and continue.`,
        };
        const trials = j.trials.map((t) =>
          t.state === 'running' ? { ...t, state: 'waiting' as const, note: 'was running when exported' } : t,
        );
        await saveStudy(study);
        for (const t of trials) await saveTrial(study.id, t);
        set((s) => ({ studies: [study, ...s.studies], activeId: study.id, trials }));
        useNotices
          .getState()
          .notify({ kind: 'info', title: `Study ${name} imported`, detail: study.message });
      } catch (e) {
        notifyError(
          `${fileName} could not be imported`,
          `${e instanceof Error ? e.message : String(e)}. The file should be an Optuna JournalStorage log (JournalFileStorage).`,
        );
      }
    },

    deleteStudy: async (id) => {
      if (drivingId === id) return;
      await studioDb().trials.where('studyId').equals(id).delete();
      await studioDb().studies.delete(id);
      set((s) => ({
        studies: s.studies.filter((x) => x.id !== id),
        ...(s.activeId === id ? { activeId: null, trials: [] } : {}),
      }));
    },

    bestCandidate: async () => {
      const s = active();
      if (!s) return null;
      const best = bestTrial(get().trials, s.direction);
      if (!best?.runId || best.value === null) return null;
      if (!useRuns.getState().loaded) await useRuns.getState().load();
      const run = useRuns.getState().runs.find((r) => r.id === best.runId);
      const ck = run
        ? [...run.checkpoints].sort((a, b) => b.valAcc - a.valAcc || a.valLoss - b.valLoss)[0]
        : undefined;
      if (!ck) return null;
      return {
        studyId: s.id,
        studyName: s.name,
        trialNumber: best.number,
        runId: best.runId,
        checkpoint: ck,
        metrics: { value: best.value, valAcc: ck.valAcc, valLoss: ck.valLoss, epoch: ck.epoch },
        params: best.params,
        datasetDigest: s.data?.digest ?? null,
        datasetVersionId: s.data?.datasetVersionId ?? null,
      };
    },

    sendBestToRegistry: async () => {
      const c = await get().bestCandidate();
      if (!c) {
        set({ registryMessage: 'No completed trial with a saved checkpoint yet.' });
        return;
      }
      const what = `trial ${c.trialNumber} (run ${c.runId}, checkpoint ${c.checkpoint.name})`;
      if (!registryHook) {
        set({
          registryMessage: `Best: ${what}. No model registry is connected in this build, so nothing was registered.`,
        });
        return;
      }
      try {
        const made = await registryHook(c);
        set({ registryMessage: `Sent ${what} to the registry: ${made}` });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        set({ registryMessage: `The registry refused ${what}: ${msg}` });
        notifyError('The best trial was not registered', msg);
      }
    },
  };
});
