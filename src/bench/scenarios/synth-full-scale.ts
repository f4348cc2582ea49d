// Bench: the tab's peak memory while Generate makes a research-scale crop set (598,933 crops by default, the
// research's count) as the Generate area does it: crops spooled into Blob chunks and each class's research HDF5
// written to OPFS as the crops come. Opt-in (it runs for a long time on two cores): SYNTH_FULL_CROPS=598933 for
// bench/run.mjs sets window.__synthFullCrops; without it the scenario says so and skips.
import { useGenerateStore } from '../../state/generate-store';
import type { BenchRecord, BenchScenario } from '../types';

const MB = 2 ** 20;
/** The research set's share of high-flow crops is about half; the split only sets the two files' sizes. */
const HIGH_SHARE = 0.5;

export const scenario: BenchScenario = {
  name: 'synth-full-scale',
  description: "Generate a research-scale crop set (HDF5 to OPFS) with the tab's peak memory",
  async run(log) {
    const host = window.__benchHost;
    const total = (globalThis as { __synthFullCrops?: number }).__synthFullCrops ?? 0;
    if (!host || !(total > 0)) {
      log('set SYNTH_FULL_CROPS=598933 (bench/run.mjs) to generate a research-scale set: skipped');
      return [];
    }
    const high = Math.round(total * HIGH_SHARE);
    const store = useGenerateStore.getState();
    store.setCrops({ seed: 7, low: total - high, high, stem: 'fullscale', addToLibrary: false });
    let lastLog = 0;
    const unsubscribe = useGenerateStore.subscribe((s) => {
      const p = s.job?.progress;
      if (p && performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        log(p.message ?? `${p.done} / ${p.total}`);
      }
    });
    await host('memory-start');
    const t0 = performance.now();
    let files;
    try {
      files = await useGenerateStore.getState().generateCrops();
    } finally {
      unsubscribe();
    }
    const seconds = (performance.now() - t0) / 1000;
    const mem = await host('memory-peak');
    const h5 = files.filter((f) => f.fileName.endsWith('.h5'));
    if (h5.length === 0) throw new Error('Generate made no HDF5 file (see the notices)');
    const bytes = h5.reduce((a, f) => a + f.bytes, 0);
    log(
      `${total.toLocaleString('en')} crops, ${h5.length} HDF5 files of ${(bytes / 2 ** 30).toFixed(2)} GB in ${(seconds / 60).toFixed(1)} min; tab peak ${(mem.peakBytes / MB).toFixed(0)} MB`,
    );
    useGenerateStore.getState().clearResults();
    const records: BenchRecord[] = [
      {
        name: 'synth.fullscale.generate_s',
        value: seconds,
        unit: 's',
        note: `${total} crops (${total - high} low + ${high} high flow) simulated, JPEG-encoded and written as research HDF5 (${(bytes / 2 ** 30).toFixed(2)} GB)`,
      },
      {
        name: 'synth.fullscale.crops_per_s',
        value: Math.round(total / seconds),
        unit: 'crops/s',
      },
      {
        name: 'synth.fullscale.generate_peak_mb',
        value: mem.peakBytes / MB,
        unit: 'MB',
        note: `peak RSS of the tab while generating; target <= 2,048 MB; renderers: ${mem.all.map((p) => `${p.pid}=${(p.peakBytes / MB).toFixed(0)}`).join(', ')}`,
      },
    ];
    return records;
  },
};
