// Bench: research scale. The full 598,933-crop synthetic set (bench/.data/full from `npm run generate:full`,
// or bench/.data/full-h5py from scripts/h5py/make_full_set.py) opened as a user does, decoded once into the
// training arrays, then LeNet5 trained with the research recipe (batch 1024, Adam, BCE, rotation) on wasm in a
// train worker for one epoch over a measured fraction of the train and validation splits (the whole epoch when
// the fraction is 1). The epoch time is scaled up by the fraction and multiplied by 20 epochs, plus the one-off
// decode, and set against the research's 20 epochs in 99 minutes (PyTorch on CPU).
// window.__trainFullFraction (0 < f <= 1, default 0.1) sets the fraction. window.__trainFullEpochs = N (> 1)
// instead trains N whole epochs over the whole train and validation splits and evaluates the test split: with
// N = 20 `train.fullscale.20_epochs_min` is measured, not extrapolated (about half an hour to an hour on two
// cores; TRAIN_FULL_EPOCHS=20 with scripts/train/run-bench-page.mjs or bench/run.mjs). bench/.data/full-train
// is make_full_set.py's output under a name no other tool writes to.
import type { SplitArrays, TrainingArrays } from '../../core/data/training-arrays';
import { useDataStore } from '../../state/data-store';
import { useSettings } from '../../state/settings-store';
import { settingsFromConfig } from '../../state/train-store';
import type { BenchRecord, BenchScenario } from '../types';
import { closeBenchSet, openBenchSet, trainInWorker } from './train-accuracy';

/** Set folders tried in order; window.__trainFullDirs replaces the list (scripts/train/run-bench-page.mjs). */
const DIRS = ['full', 'full-h5py', 'full-train'];
const RESEARCH_MINUTES = 99;
const EPOCHS = 20;

/** The first `f` of a split, copied into fresh buffers (the split is already in a seeded random order). */
function head(s: SplitArrays, f: number, px: number): SplitArrays {
  const n = Math.max(1, Math.round(s.y.length * f));
  return { x: s.x.slice(0, n * px), y: s.y.slice(0, n), ids: s.ids.slice(0, n) };
}

export const scenario: BenchScenario = {
  name: 'train-full-scale',
  description:
    'LeNet5 on wasm over the 598,933-crop set: one epoch (or a measured fraction) extrapolated to 20 epochs vs the research 99 min',
  async run(log) {
    const g = globalThis as { __trainFullFraction?: number; __trainFullEpochs?: number };
    const runEpochs = Math.max(1, Math.round(g.__trainFullEpochs ?? 1));
    const f = runEpochs > 1 ? 1 : Math.min(1, Math.max(1e-3, g.__trainFullFraction ?? 0.1));
    // six files (left/mid/right x low/high): a folder still being written is passed over
    const dirs = (globalThis as { __trainFullDirs?: string[] }).__trainFullDirs ?? DIRS;
    const set = await openBenchSet(dirs, 6);
    if (!set) {
      log('no set in bench/.data/full (npm run generate:full) or bench/.data/full-h5py: skipped');
      return [];
    }
    try {
      const t0 = performance.now();
      let arrays: TrainingArrays | null = await useDataStore.getState().buildTrainingArrays();
      // open + index (in openBenchSet) and the decode into training arrays: what a run waits for once
      const decodeS = set.openS + (performance.now() - t0) / 1000;
      const full = [arrays.train, arrays.val, arrays.test].map((s) => s.y.length);
      const crops = full.reduce((a, b) => a + b, 0);
      log(
        `${set.dir}: ${crops.toLocaleString('en')} crops opened and indexed in ${set.openS.toFixed(1)} s, decoded into training arrays by ${decodeS.toFixed(1)} s`,
      );
      const px = arrays.side * arrays.side;
      const part: TrainingArrays = {
        ...arrays,
        train: head(arrays.train, f, px),
        val: head(arrays.val, f, px),
        test: runEpochs > 1 ? arrays.test : { x: new Uint8Array(0), y: new Uint8Array(0), ids: [] },
      };
      arrays = null; // let the full arrays go before training
      // counted now: the split buffers are transferred to the train worker (and emptied here)
      const used = [part.train.y.length, part.val.y.length];
      const settings = {
        ...settingsFromConfig(useSettings.getState().config),
        batchSize: 1024,
        epochs: runEpochs,
        earlyStopping: false,
        checkpointEvery: 1000,
      };
      log(
        `training ${runEpochs} epoch(s) on ${used[0]!.toLocaleString('en')} train + ${used[1]!.toLocaleString('en')} val crops (fraction ${f})`,
      );
      const tTrain = performance.now();
      const r = await trainInWorker(
        'train-full-scale',
        'wasm',
        part,
        { model: 'lenet5', input: { size: 32, channels: 3 }, settings },
        log,
      );
      const trainS = (performance.now() - tTrain) / 1000;
      const epoch = r.history.epochs[0];
      if (!epoch) throw new Error(`the epoch did not finish: ${r.status}: ${r.message}`);
      if (runEpochs > 1 && r.history.epochs.length < runEpochs) {
        throw new Error(
          `${r.history.epochs.length} of ${runEpochs} epochs finished: ${r.status}: ${r.message}`,
        );
      }
      // Steady-state speed of the training steps (the first batches warm the wasm kernels up).
      const steady = r.history.batches.slice(Math.min(3, r.history.batches.length - 1));
      const imgPerS = steady.reduce((a, b) => a + b.imgPerSec, 0) / Math.max(1, steady.length);
      const measured = runEpochs >= EPOCHS;
      const epochS =
        runEpochs > 1
          ? r.history.epochs.reduce((a, e) => a + e.seconds, 0) / r.history.epochs.length
          : epoch.seconds / f;
      // measured: open + decode and the run as the train worker took it (start-up, epochs, test pass)
      const totalMin = measured ? (decodeS + trainS) / 60 : (decodeS + EPOCHS * epochS) / 60;
      const how =
        runEpochs > 1
          ? `${r.history.epochs.length} full epochs run (${full[0]} train + ${full[1]} val crops), mean epoch`
          : f >= 1
            ? `one full epoch measured (${full[0]} train + ${full[1]} val crops)`
            : `one epoch over ${(f * 100).toFixed(0)}% of the train (${used[0]}) and val (${used[1]}) splits measured (${epoch.seconds.toFixed(1)} s) and scaled by 1/${f}`;
      log(
        `epoch ${epochS.toFixed(0)} s (${how}); 20 epochs + decode = ${totalMin.toFixed(1)} min (${measured ? 'measured' : 'extrapolated'}) vs research ${RESEARCH_MINUTES} min`,
      );
      const records: BenchRecord[] = [
        {
          name: 'train.fullscale.lenet5.wasm.epoch_s',
          value: Math.round(epochS * 10) / 10,
          unit: 's',
          note: `${set.dir}, ${crops} crops (${full.join('/')} train/val/test), batch 1024, research recipe; ${how}; training steps + validation pass`,
        },
        {
          name: 'train.fullscale.lenet5.wasm.b1024',
          value: Math.round(imgPerS),
          unit: 'img/s',
          note: 'mean per-batch training speed in that epoch after 3 warm-up batches (host augmentation included)',
        },
        {
          name: 'train.fullscale.decode_s',
          value: Math.round(decodeS * 10) / 10,
          unit: 's',
          note: 'open + index + decode every crop once to grey 40x40 + split arrays (done once per run)',
        },
        {
          name: 'train.fullscale.20_epochs_min',
          value: Math.round(totalMin * 10) / 10,
          unit: 'min',
          note: measured
            ? `measured: open + decode ${decodeS.toFixed(0)} s and ${r.history.epochs.length} epochs run in ${(trainS / 60).toFixed(1)} min (train worker start-up, every epoch's training and validation pass, the test pass); research: ${EPOCHS} epochs in ${RESEARCH_MINUTES} min (PyTorch CPU); target <= 30 min`
            : `extrapolated: decode + ${EPOCHS} x epoch (no early stop); research: ${EPOCHS} epochs in ${RESEARCH_MINUTES} min (PyTorch CPU); TRAIN_FULL_EPOCHS=20 measures it`,
        },
      ];
      if (r.test) {
        const last = r.history.epochs[r.history.epochs.length - 1]!;
        records.push({
          name: 'train.fullscale.test_acc',
          value: Math.round(r.test.acc * 1e5) / 1e5,
          unit: 'fraction',
          note: `${r.test.count} test crops after ${r.history.epochs.length} epochs (last weights); final val acc ${last.valAcc.toFixed(4)}`,
        });
      }
      return records;
    } finally {
      await closeBenchSet();
    }
  },
};
