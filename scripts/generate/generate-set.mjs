// Writes a synthetic spatter data set in the research layout: HDF5 files `<position>_<flow>_<label>.h5`
// (fixed-length byte strings, gzip, at most 10,000 crops per dataset named `<position>_<flow>_<n>`) and the
// CSV index (`unshuffled_images.csv`, shuffled `images.csv`).
//   npm run generate:full                         598,933 crops, left|mid|right x low|high, into bench/.data/full
//   npm run generate:full -- --resume            keeps the files a stopped run finished
//   npm run generate:set -- --crops 6000 [--out DIR] [--seed N] [--positions left] [--workers 2] [--mixed-views]
// Each file's crops are seen from its camera position (left/mid/right); --mixed-views draws the view of each
// crop at random instead (the demo's two files hold all three views). Classes keep the research's balance
// (51.25% low flow).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { closeCore, loadCore, repoRoot } from './load-core.mjs';

export const RESEARCH_TOTAL = 598_933;
/** Class balance of the research's crops (RESEARCH_CROP_STATS.classBalance in src/core/synth/research-stats.ts). */
const LOW_FLOW_SHARE = 0.5125;
const FLOWS = [
  { flow: 'low', label: 0 },
  { flow: 'high', label: 1 },
];

function parseArgs(argv) {
  const a = {
    crops: 6000,
    out: null,
    seed: 1234,
    positions: 'left,mid,right',
    workers: 0,
    quality: 95,
    full: false,
    resume: false,
    'mixed-views': false,
  };
  const valued = {
    '--crops': 'crops',
    '--out': 'out',
    '--seed': 'seed',
    '--positions': 'positions',
    '--workers': 'workers',
    '--quality': 'quality',
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--full' || k === '--resume' || k === '--mixed-views') {
      a[k.slice(2)] = true;
      continue;
    }
    const field = valued[k];
    if (!field || argv[i + 1] === undefined)
      throw new Error(
        `Unknown option or missing value: ${k}. Options: --full --resume --mixed-views --crops N --out DIR --seed N --positions a,b --workers N --quality Q`,
      );
    const v = argv[++i];
    a[field] = typeof a[field] === 'number' || field === 'workers' ? Number(v) : v;
  }
  if (a.full) a.crops = RESEARCH_TOTAL;
  if (!Number.isInteger(a.crops) || a.crops < 2)
    throw new Error(`--crops must be an integer >= 2 (got ${a.crops})`);
  a.out = path.resolve(a.out ?? path.join(repoRoot, 'bench/.data', a.full ? 'full' : `set-${a.crops}`));
  a.workers ||= Math.max(1, Math.min(2, os.availableParallelism()));
  return a;
}

class Pool {
  constructor(n) {
    this.idle = [];
    this.waiting = [];
    this.calls = new Map();
    this.seq = 0;
    this.workers = [];
    this.ready = Promise.all(
      Array.from({ length: n }, () => {
        const w = new Worker(new URL('./crop-worker.mjs', import.meta.url));
        this.workers.push(w);
        return new Promise((resolve, reject) => {
          w.on('error', reject);
          w.on('message', (m) => {
            if (m.ready) {
              this.release(w);
              resolve();
            } else {
              this.calls.get(m.id)(m.crops);
              this.calls.delete(m.id);
              this.release(w);
            }
          });
        });
      }),
    );
  }
  release(w) {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }
  async run(job) {
    const w = this.idle.pop() ?? (await new Promise((r) => this.waiting.push(r)));
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.calls.set(id, resolve);
      w.postMessage({ ...job, id });
    });
  }
  close() {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Crops per file: the research's class balance (51.25% low flow), each class spread as evenly as possible
 *  over the positions, earlier files taking the remainder. */
export function plan(total, positions) {
  const low = Math.round(total * LOW_FLOW_SHARE);
  const perClass = { low, high: total - low };
  return positions.flatMap((pos, pi) =>
    FLOWS.map((f) => {
      const n = perClass[f.flow];
      const base = Math.floor(n / positions.length);
      return {
        pos,
        ...f,
        name: `${pos}_${f.flow}_${f.label === 0 ? 0 : 2}`,
        source: `${pos}_${f.flow}`,
        count: base + (pi < n % positions.length ? 1 : 0),
      };
    }),
  );
}

/** Whether `file` holds the planned datasets with the planned counts (a finished earlier run). */
function isComplete(h5wasm, file, f, max) {
  if (!fs.existsSync(file)) return false;
  let h;
  try {
    h = new h5wasm.File(file, 'r');
    const want = Math.ceil(f.count / max);
    const keys = h.keys();
    if (keys.length !== want) return false;
    for (let n = 0; n < want; n++) {
      const ds = h.get(`${f.source}_${n}`);
      const count = Math.min(max, f.count - n * max);
      if (!ds || ds.shape?.[0] !== count) return false;
    }
    return true;
  } catch {
    return false;
  } finally {
    h?.close();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const positions = args.positions.split(',').filter(Boolean);
  fs.mkdirSync(args.out, { recursive: true });
  const { default: h5wasm } = await import('h5wasm/node');
  await h5wasm.ready;
  const writer = await loadCore('src/workers/data/h5-writer.ts');
  const csv = await loadCore('src/core/data/csv-index.ts');
  const { hashSeed } = await loadCore('src/core/synth/prng.ts');
  const pool = new Pool(args.workers);
  await pool.ready;
  const rows = [];
  const t0 = performance.now();
  let done = 0;
  let kept = 0;
  let bytes = 0;
  for (const [fi, f] of plan(args.crops, positions).entries()) {
    const file = path.join(args.out, `${f.name}.h5`);
    if (args.resume && isComplete(h5wasm, file, f, writer.RESEARCH_DATASET_MAX)) {
      // Same seed, same plan: the file already holds exactly these crops (generation is deterministic).
      for (let i = 0; i < f.count; i++) {
        const n = Math.floor(i / writer.RESEARCH_DATASET_MAX);
        rows.push({
          file: `${f.name}.h5`,
          dataset: `${f.source}_${n}`,
          dsIdx: i % writer.RESEARCH_DATASET_MAX,
          label: f.label,
        });
      }
      done += f.count;
      kept += f.count;
      console.log(`${f.name}.h5: complete, kept (--resume)`);
      continue;
    }
    const w = await writer.ResearchH5Writer.create(h5wasm, file);
    const seed = hashSeed(args.seed, fi);
    for (let start = 0, n = 0; start < f.count; start += writer.RESEARCH_DATASET_MAX, n++) {
      const end = Math.min(f.count, start + writer.RESEARCH_DATASET_MAX);
      const step = 500;
      const jobs = [];
      for (let s = start; s < end; s += step)
        jobs.push(
          pool.run({
            seed,
            flow: f.flow,
            view: args['mixed-views'] ? null : f.pos,
            from: s,
            to: Math.min(end, s + step),
            quality: args.quality,
          }),
        );
      const crops = (await Promise.all(jobs)).flat();
      const name = `${f.source}_${n}`;
      w.addDataset({ name, crops });
      for (let i = 0; i < crops.length; i++)
        rows.push({ file: `${f.name}.h5`, dataset: name, dsIdx: i, label: f.label });
      done += crops.length;
      bytes += crops.reduce((s, c) => s + c.length, 0);
      const s = (performance.now() - t0) / 1000;
      process.stdout.write(
        `${f.name}.h5 ${name}: ${done.toLocaleString()} / ${args.crops.toLocaleString()} crops, ${Math.round((done - kept) / s)} crops/s\n`,
      );
    }
    w.close();
  }
  await pool.close();
  fs.writeFileSync(path.join(args.out, 'unshuffled_images.csv'), csv.formatIndexCsv(rows));
  fs.writeFileSync(path.join(args.out, 'images.csv'), csv.formatIndexCsv(csv.shuffledRows(rows, args.seed)));
  const secs = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      out: args.out,
      crops: done,
      kept,
      seconds: Math.round(secs * 10) / 10,
      crops_per_s: Math.round((done - kept) / secs),
      mean_jpeg_bytes: Math.round(bytes / Math.max(1, done - kept)),
      workers: args.workers,
    }),
  );
  await closeCore();
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
