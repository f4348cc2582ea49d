// Bench: the data library at full scale — a 598,933-crop research-layout set (six files, bench/.data/full
// from `npm run generate:full`, or bench/.data/full-h5py from scripts/h5py/make_full_set.py) opened as a user
// does (disk-backed Files from the file input, the Data area on screen): time to index + overview, a gallery
// jump to the last crop, then the decode cache for training; and the tab's peak memory (renderer process,
// which hosts the page and its workers) for each phase, sampled on the Node side by bench/run.mjs.
import type { TrainingArrays } from '../../core/data/training-arrays';
import { useDataStore } from '../../state/data-store';
import { dataWorker } from '../../workers/data/client';
import { pickHostFiles } from '../host-files';
import type { BenchRecord, BenchScenario } from '../types';

type HostFiles = { dir: string | null; names: string[] };
type HostPeak = { peakBytes: number; pid: number | null; all: { pid: number; peakBytes: number }[] };

declare global {
  interface Window {
    /** Node-side services of bench/run.mjs (absent when the page is opened by hand). */
    __benchHost?: ((op: 'files', selector: string, dirs: string[], marker?: string) => Promise<HostFiles>) &
      ((op: 'memory-start') => Promise<number[]>) &
      ((op: 'memory-peak') => Promise<HostPeak>);
  }
}

const DIRS = ['full', 'full-h5py'];
const MB = 2 ** 20;

function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) resolve();
      else if (performance.now() - t0 > timeoutMs) reject(new Error('timed out waiting for the page'));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

export const scenario: BenchScenario = {
  name: 'data-full-scale',
  description:
    'Index + overview, gallery and decode cache of a full-scale (598,933-crop) set, with peak tab memory',
  async run(log) {
    const host = window.__benchHost;
    if (!host) throw new Error('data-full-scale needs the Node side of bench/run.mjs (window.__benchHost)');
    // Both generators write the CSV index last: a set still being written is passed over.
    const picked = await pickHostFiles(DIRS, 'unshuffled_images.csv');
    if (picked.files.length === 0) {
      log('no set in bench/.data/full (npm run generate:full) or bench/.data/full-h5py: skipped');
      return [];
    }
    const files = picked.files;
    const sizeGB = files.reduce((a, f) => a + f.size, 0) / 2 ** 30;
    const set = `${picked.dir}: ${files.length} files, ${sizeGB.toFixed(2)} GB`;
    log(`opening ${set}`);
    location.hash = '#/data';
    const records: BenchRecord[] = [];

    await host('memory-start');
    const t0 = performance.now();
    await useDataStore.getState().openFiles(files);
    const indexS = (performance.now() - t0) / 1000;
    const crops = useDataStore.getState().sources.reduce((a, s) => a + s.count, 0);
    log(`${crops.toLocaleString('en')} crops indexed with overview and split in ${indexS.toFixed(1)} s`);
    // The overview on screen (per-file cards) and the gallery count show the whole set.
    await until(
      () =>
        document
          .querySelector('[data-testid="gallery-count"]')
          ?.textContent?.startsWith(crops.toLocaleString('en')) ?? false,
      60_000,
    );
    const t1 = performance.now();
    const viewport = document.querySelector<HTMLElement>('[aria-label="Crop thumbnails"]');
    if (viewport) {
      viewport.scrollTop = viewport.scrollHeight;
      viewport.dispatchEvent(new Event('scroll'));
      const last = files[files.length - 1]!.name;
      await until(
        () => [...viewport.querySelectorAll('img')].some((img) => img.alt.startsWith(last) && img.complete),
        60_000,
      );
    }
    const jumpMs = performance.now() - t1;
    const indexMem = await host('memory-peak');
    log(
      `gallery jump to the last crop: ${jumpMs.toFixed(0)} ms; tab peak ${(indexMem.peakBytes / MB).toFixed(0)} MB`,
    );
    records.push(
      { name: 'data.fullscale.crops', value: crops, unit: 'crops', note: set },
      {
        name: 'data.fullscale.index_overview_s',
        value: indexS,
        unit: 's',
        note: 'open + index (bytes, JPEG headers, duplicate hashes) + per-file/dataset overview + research split, Data area on screen',
      },
      { name: 'data.fullscale.index_crops_per_s', value: Math.round(crops / indexS), unit: 'crops/s' },
      {
        name: 'data.fullscale.gallery_jump_ms',
        value: jumpMs,
        unit: 'ms',
        note: 'scroll to the end, last thumbnails shown',
      },
      {
        name: 'data.fullscale.index_peak_mb',
        value: indexMem.peakBytes / MB,
        unit: 'MB',
        note: `peak RSS of the tab's renderer process (page + data worker), limit 2,048 MB; renderers: ${indexMem.all.map((p) => `${p.pid}=${(p.peakBytes / MB).toFixed(0)}`).join(', ')}`,
      },
    );

    // Training's path: every crop decoded once into the grey 40x40 cache, then the split's arrays handed over.
    await host('memory-start');
    const t2 = performance.now();
    await useDataStore.getState().scan();
    const decodeS = (performance.now() - t2) / 1000;
    const decoded = useDataStore.getState().lastDecode;
    log(`decode cache: ${decoded?.decoded.toLocaleString('en')} crops in ${decodeS.toFixed(1)} s`);
    const t3 = performance.now();
    let arrays: TrainingArrays | null = await useDataStore.getState().buildTrainingArrays();
    const buildS = (performance.now() - t3) / 1000;
    const n = arrays.train.y.length + arrays.val.y.length + arrays.test.y.length;
    arrays = null; // not held through the export below
    const decodeMem = await host('memory-peak');
    log(
      `training arrays (${n.toLocaleString('en')} crops) in ${buildS.toFixed(1)} s; tab peak ${(decodeMem.peakBytes / MB).toFixed(0)} MB`,
    );
    records.push(
      {
        name: 'data.fullscale.decode_crops_per_s',
        value: Math.round((decoded?.decoded ?? 0) / decodeS),
        unit: 'crops/s',
        note: `read + decode + grey + 40x40 of ${decoded?.decoded} crops, ${decoded?.failed} failed`,
      },
      {
        name: 'data.fullscale.training_arrays_s',
        value: buildS,
        unit: 's',
        note: `${n} crops in train/val/test`,
      },
      {
        name: 'data.fullscale.decode_peak_mb',
        value: decodeMem.peakBytes / MB,
        unit: 'MB',
        note: 'peak RSS of the tab while decoding the cache and handing over the training arrays',
      },
    );
    // The whole set exported as one research-layout HDF5, as the Data area's export does (streamed to OPFS).
    await host('memory-start');
    const t4 = performance.now();
    const exported = await useDataStore.getState().exportH5(
      useDataStore.getState().sources.map((s) => s.id),
      'fullscale-export.h5',
    );
    const exportS = (performance.now() - t4) / 1000;
    const exportMem = await host('memory-peak');
    const where = exported.file ? 'streamed to an OPFS file' : 'built in memory (no OPFS)';
    log(
      `HDF5 export: ${(exported.size / 2 ** 30).toFixed(2)} GB in ${exportS.toFixed(1)} s, ${where}; tab peak ${(exportMem.peakBytes / MB).toFixed(0)} MB`,
    );
    records.push(
      {
        name: 'data.fullscale.export_s',
        value: exportS,
        unit: 's',
        note: `${crops} crops into one research-layout HDF5 of ${(exported.size / 2 ** 30).toFixed(2)} GB, ${where}`,
      },
      {
        name: 'data.fullscale.export_peak_mb',
        value: exportMem.peakBytes / MB,
        unit: 'MB',
        note: `peak RSS of the tab while exporting the whole set; target <= 2,048 MB; renderers: ${exportMem.all.map((p) => `${p.pid}=${(p.peakBytes / MB).toFixed(0)}`).join(', ')}`,
      },
    );
    for (const s of useDataStore.getState().sources) await useDataStore.getState().closeSource(s.id);
    await dataWorker.api.summaries();
    return records;
  },
};
