// Bench: the studio's test accuracy on a generated research-layout set (bench/.data/set-12000 from
// `npm run generate:set -- --crops 12000 --positions left`), trained in a train worker on wasm with the
// research recipe (LeNet5, Adam 1e-3, weight decay 1e-4, BCE with logits, rotation +-15, 20 epochs, 60/20/20
// random split with seed 1234), batch 256 as in bench/reference/torch-lenet5.mjs, which runs PyTorch's
// reference (scripts/train/torch_lenet5.py) on the same files. scripts/train/compare-torch.mjs prints both.
import * as Comlink from 'comlink';
import type { TrainingArrays } from '../../core/data/training-arrays';
import { useDataStore } from '../../state/data-store';
import { useSettings } from '../../state/settings-store';
import { settingsFromConfig, transferArrays } from '../../state/train-store';
import { createTrainWorker } from '../../workers/train/client';
import type { RunResult, RunSpec } from '../../workers/train/loop';
import { pickHostFiles } from '../host-files';
import type { BenchRecord, BenchScenario } from '../types';

/** Set folders under bench/.data tried in order (the first with .h5 files is used). */
export const ACCURACY_SET_DIRS = ['set-12000', 'set-6000'];
export const ACCURACY_BATCH = 256;
export const ACCURACY_EPOCHS = 20;

/**
 * Open the .h5 files of the first bench/.data/<dir> holding at least `minFiles` of them as a user does
 * (disk-backed Files from a file input, through the data store), after closing whatever was open. Null when no
 * such set is there (a set still being written holds fewer files).
 */
export async function openBenchSet(
  dirs: string[],
  minFiles = 2,
): Promise<{ dir: string; files: File[]; openS: number } | null> {
  for (const d of dirs) {
    const picked = await pickHostFiles([d]);
    if (picked.files.length < minFiles || !picked.dir) continue;
    const data = useDataStore.getState();
    for (const s of data.sources) await data.closeSource(s.id);
    const t0 = performance.now();
    await useDataStore.getState().openFiles(picked.files);
    return { dir: picked.dir, files: picked.files, openS: (performance.now() - t0) / 1000 };
  }
  return null;
}

export async function closeBenchSet(): Promise<void> {
  const data = useDataStore.getState();
  for (const s of data.sources) await data.closeSource(s.id);
}

/** Train one run in a fresh train worker (terminated afterwards), logging each epoch. */
export async function trainInWorker(
  name: string,
  backend: 'wasm' | 'webgl' | 'webgpu' | 'cpu',
  arrays: TrainingArrays,
  spec: RunSpec,
  log: (line: string) => void,
  onBatches?: (imgs: number) => void,
): Promise<RunResult> {
  const worker = createTrainWorker(name);
  try {
    return await worker.run('train', [
      name,
      backend,
      transferArrays(arrays),
      spec,
      Comlink.proxy({
        batches: (points: { step: number }[]) => onBatches?.(points.length),
        epoch: (p: { epoch: number; trainLoss: number; trainAcc: number; valAcc: number; seconds: number }) =>
          log(
            `epoch ${p.epoch}: train loss ${p.trainLoss.toFixed(4)} acc ${p.trainAcc.toFixed(4)}, val acc ${p.valAcc.toFixed(4)} (${p.seconds.toFixed(1)} s)`,
          ),
        checkpoint: () => {},
        epochEnd: () => {},
      }),
    ]);
  } finally {
    worker.terminate();
  }
}

export const scenario: BenchScenario = {
  name: 'train-accuracy',
  description: `LeNet5 test accuracy on a generated set (${ACCURACY_SET_DIRS.join(' or ')}), research recipe, wasm`,
  async run(log) {
    const set = await openBenchSet(ACCURACY_SET_DIRS);
    if (!set) {
      log(
        `no set in bench/.data/${ACCURACY_SET_DIRS[0]}: run npm run generate:set -- --crops 12000 --positions left; skipped`,
      );
      return [];
    }
    try {
      const t0 = performance.now();
      const arrays = await useDataStore.getState().buildTrainingArrays();
      const prepS = (performance.now() - t0) / 1000;
      const counts = [arrays.train, arrays.val, arrays.test].map((s) => s.y.length);
      log(`${set.dir}: ${counts.join(' / ')} crops (train/val/test) decoded in ${prepS.toFixed(1)} s`);
      const config = useSettings.getState().config;
      const settings = {
        ...settingsFromConfig(config),
        batchSize: ACCURACY_BATCH,
        epochs: ACCURACY_EPOCHS,
        // PyTorch's reference trains all 20 epochs and tests the last weights: so does this run.
        earlyStopping: false,
        checkpointEvery: 1000,
      };
      const t1 = performance.now();
      const r = await trainInWorker(
        'train-accuracy',
        'wasm',
        arrays,
        { model: 'lenet5', input: { size: 32, channels: 3 }, settings },
        log,
      );
      const trainS = (performance.now() - t1) / 1000;
      if (!r.test) throw new Error(`the run ended without a test figure: ${r.status}: ${r.message}`);
      log(`${r.message} (${trainS.toFixed(0)} s)`);
      const note = `${set.dir} (${set.files.map((f) => f.name).join(', ')}), ${arrays.splitDescription}: ${counts.join('/')} crops; LeNet5 on wasm, Adam lr ${settings.lr}, wd ${settings.weightDecay}, BCE, rotation +-${settings.augment.rotation}, batch ${ACCURACY_BATCH}, ${ACCURACY_EPOCHS} epochs, last weights; compare torch.lenet5.set.test_acc`;
      const records: BenchRecord[] = [
        { name: 'train.lenet5.wasm.set.test_acc', value: r.test.acc, unit: 'fraction', note },
        {
          name: 'train.lenet5.wasm.set.final_val_acc',
          value: r.history.epochs.at(-1)?.valAcc ?? NaN,
          unit: 'fraction',
        },
        {
          name: 'train.lenet5.wasm.set.train_s',
          value: Math.round(trainS * 10) / 10,
          unit: 's',
          note: `${ACCURACY_EPOCHS} epochs incl. validation each epoch and the test pass`,
        },
      ];
      return records;
    } finally {
      await closeBenchSet();
    }
  },
};
