// `npm run bench`: drives the built studio headless in Chromium through window.__studioBench, runs the Node-side
// reference yardsticks (PyTorch, h5py, native OpenCV) in bench/reference/, writes bench/results.json and prints
// a table. Usage: node bench/run.mjs [--only name[,name]] [--skip-reference]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import os from 'node:os';
import { chromium } from '@playwright/test';
import { launchOptions } from '../scripts/lib/chromium.mjs';
import { servePreview } from '../scripts/lib/serve.mjs';
import { runJobZip } from '../scripts/jobs/run-job.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : null;
const skipReference = argv.includes('--skip-reference');
const wanted = (name) => !only || only.includes(name);

const results = [];
const add = (scenario, records) => {
  for (const r of records) results.push({ scenario, ...r });
};

// Services a page scenario can ask of the Node side through window.__benchHost(op, ...args):
//   'files', selector, [dirs], marker, ext = '.h5'
//                              put the *.h5 files of the first bench/.data/<dir> holding `marker` (a file a
//                              generator writes last, so a set still being written is passed over) into the
//                              page's <input type=file> (disk-backed Files, as a user's pick); returns their names
//   'memory-start'             collect the page's garbage, reset the peak RSS of Chromium's renderer processes
//                              (the tab and its workers)
//   'memory-peak'              { peakBytes, pid, all } since 'memory-start' (VmHWM; sampled VmRSS as fallback)
//   'run-job', zipBase64, overrides
//                              unzip an exported job and run its train.py on 1 process with Debian's PyTorch
//                              (scripts/jobs/run-job.mjs); returns its test figures
function benchHost(page, browser) {
  const dataDir = path.join(here, '.data');
  let sampler = null;
  let sampled = new Map();
  const renderers = async () => {
    const cdp = await browser.newBrowserCDPSession();
    try {
      const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
      return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
    } finally {
      await cdp.detach();
    }
  };
  const status = async (pid, field) => {
    const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const m = text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) * 1024 : 0;
  };
  return async (op, ...args) => {
    if (op === 'files') {
      const [selector, dirs, marker, ext = '.h5'] = args;
      for (const d of dirs) {
        const dir = path.join(dataDir, d);
        const all = await readdir(dir).catch(() => []);
        const names = all.filter((f) => f.endsWith(ext) && !f.startsWith('.')).sort();
        if (names.length === 0 || (marker && !all.includes(marker))) continue;
        await page.setInputFiles(
          selector,
          names.map((n) => path.join(dir, n)),
        );
        return { dir: path.relative(path.dirname(here), dir), names };
      }
      return { dir: null, names: [] };
    }
    if (op === 'memory-start') {
      // Garbage from the phase before (e.g. arrays the page let go) is collected first, so it is not counted.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
      await cdp.detach().catch(() => {});
      const pids = await renderers();
      sampled = new Map(pids.map((p) => [p, 0]));
      // Writing 5 to clear_refs resets VmHWM (the kernel's peak RSS); sampling covers kernels that refuse it.
      await Promise.all(pids.map((p) => writeFile(`/proc/${p}/clear_refs`, '5').catch(() => {})));
      clearInterval(sampler);
      sampler = setInterval(async () => {
        for (const p of sampled.keys()) sampled.set(p, Math.max(sampled.get(p), await status(p, 'VmRSS')));
      }, 200);
      return pids;
    }
    if (op === 'memory-peak') {
      clearInterval(sampler);
      const all = [];
      for (const [pid, rss] of sampled)
        all.push({ pid, peakBytes: Math.max(rss, await status(pid, 'VmHWM')) });
      all.sort((a, b) => b.peakBytes - a.peakBytes);
      return { peakBytes: all[0]?.peakBytes ?? 0, pid: all[0]?.pid ?? null, all };
    }
    if (op === 'run-job') {
      const [zipBase64, overrides] = args;
      return runJobZip(Buffer.from(zipBase64, 'base64'), overrides, 1);
    }
    throw new Error(`__benchHost: unknown op ${op}`);
  };
}

async function runPageScenarios() {
  const server = await servePreview({
    outDir: process.env.STUDIO_OUT_DIR ?? 'dist',
    port: Number(process.env.STUDIO_BENCH_PORT ?? 4180),
  });
  const browser = await chromium.launch(launchOptions());
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(0);
    await page.exposeFunction('__benchHost', benchHost(page, browser));
    await page.goto(server.url);
    await page.waitForFunction(() => window.__studioBench !== undefined);
    // TRAIN_FULL_EPOCHS=20: train-full-scale runs (and measures) the 20 epochs instead of extrapolating one
    // SYNTH_FULL_CROPS=598933: synth-full-scale generates a research-scale set (opt-in, long)
    await page.evaluate(
      (g) => {
        for (const [k, v] of Object.entries(g)) if (v > 0) globalThis[k] = v;
      },
      {
        __trainFullEpochs: Number(process.env.TRAIN_FULL_EPOCHS ?? 0),
        __synthFullCrops: Number(process.env.SYNTH_FULL_CROPS ?? 0),
      },
    );
    const names = await page.evaluate(() => window.__studioBench.list());
    for (const name of names.filter(wanted)) {
      console.error(`▶ ${name} (in the page)`);
      const t0 = Date.now();
      const timer = setInterval(async () => {
        const lines = await page.evaluate(() => window.__studioBench.log.splice(0)).catch(() => []);
        for (const l of lines) console.error(`  ${l}`);
      }, 1000);
      try {
        add(name, await page.evaluate((n) => window.__studioBench.run(n), name));
      } catch (e) {
        console.error(`  ✗ ${name} failed: ${e.message.split('\n')[0]}`);
        results.push({
          scenario: name,
          name: `${name}.error`,
          value: 0,
          unit: 'error',
          note: e.message.split('\n')[0],
        });
      } finally {
        clearInterval(timer);
        for (const l of await page.evaluate(() => window.__studioBench.log.splice(0)).catch(() => [])) {
          console.error(`  ${l}`);
        }
      }
      console.error(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    const ua = await page.evaluate(() => navigator.userAgent);
    return ua;
  } finally {
    await browser.close();
    server.close();
  }
}

async function runReferences() {
  const dir = path.join(here, 'reference');
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.mjs')).sort();
  for (const f of files) {
    const name = f.replace(/\.mjs$/, '');
    if (!wanted(name)) continue;
    console.error(`▶ ${name} (reference, Node)`);
    try {
      const mod = await import(pathToFileURL(path.join(dir, f)).href);
      add(name, await mod.run());
    } catch (e) {
      console.error(`  ✗ ${name}: ${e.message.split('\n')[0]}`);
      results.push({
        scenario: name,
        name: `${name}.error`,
        value: 0,
        unit: 'error',
        note: e.message.split('\n')[0],
      });
    }
  }
}

// The extract-long scenario's 30,800-frame video is made here when missing (about a minute with Debian's
// python3-opencv; the scenario says what to run where that is not installed).
if (wanted('extract-long') && !existsSync(path.join(here, '.data/long/spatter_long_30k.mp4'))) {
  console.error('▶ making bench/.data/long/spatter_long_30k.mp4 for extract-long');
  const r = spawnSync('/usr/bin/python3', [path.join(here, '../scripts/extract/make_long_video.py')], {
    stdio: 'inherit',
  });
  if (r.status !== 0) console.error('  ✗ could not make the long video; extract-long will say what to do');
}

const userAgent = await runPageScenarios();
if (!skipReference) await runReferences();

// Ratios to the yardsticks, where both figures were measured in this run.
const byName = new Map(results.map((r) => [r.name, r]));
for (const r of [...results]) {
  const m = r.name.match(/^extract\.fps\.([a-z0-9]+\.[a-z]+)(\.[a-z0-9-]+)?$/);
  const native = m && byName.get(`extract.native.fps.${m[1]}`);
  if (native && native.value > 0) {
    results.push({
      scenario: 'ratios',
      name: `extract.ratio_to_native.${m[1]}${m[2] ?? ''}`,
      value: Math.round((100 * r.value) / native.value) / 100,
      unit: 'x',
      note: `${r.name} ${r.value} / ${native.name} ${native.value} frames/s; target >= 0.5`,
    });
  }
}

// The data-parallel training step against the better of PyTorch on one thread and on every core.
for (const r of [...results]) {
  const m = r.name.match(/^train\.lenet5\.wasm\.workers(\d+)\.b256$/);
  if (!m) continue;
  const torch = ['torch.lenet5.step.b256', `torch.lenet5.step.b256.threads${m[1]}`]
    .map((n) => byName.get(n))
    .filter((t) => t && t.value > 0)
    .sort((a, b) => b.value - a.value)[0];
  if (torch) {
    results.push({
      scenario: 'ratios',
      name: `train.lenet5.ratio_to_torch.workers${m[1]}`,
      value: Math.round((100 * r.value) / torch.value) / 100,
      unit: 'x',
      note: `${r.name} ${r.value} / ${torch.name} ${torch.value} img/s (the better PyTorch); target >= 1.0`,
    });
  }
}

// Research scale: the full-set decode against h5py + OpenCV, the 20-epoch run against the research's 99 min and
// the 30 min target, and the tab's peaks against their limits.
const ratio = (name, value, note) =>
  results.push({ scenario: 'ratios', name, value: Math.round(100 * value) / 100, unit: 'x', note });
const decodeFull = byName.get('data.fullscale.decode_crops_per_s');
const decodeRef = byName.get('data.decode.h5py_opencv.crops_per_s');
if (decodeFull && decodeRef?.value > 0) {
  ratio(
    'data.fullscale.decode_ratio_to_h5py',
    decodeFull.value / decodeRef.value,
    `${decodeFull.name} ${decodeFull.value} / ${decodeRef.name} ${decodeRef.value} crops/s; target >= 1.0`,
  );
}
const twenty = byName.get('train.fullscale.20_epochs_min');
if (twenty?.value > 0) {
  ratio(
    'train.fullscale.ratio_to_30_min',
    twenty.value / 30,
    `${twenty.name} ${twenty.value} min / the 30 min target (the research: 99 min); target <= 1.0`,
  );
}
for (const [name, limit] of [
  ['data.fullscale.decode_peak_mb', 1536],
  ['data.fullscale.export_peak_mb', 2048],
  ['synth.fullscale.generate_peak_mb', 2048],
]) {
  const r = byName.get(name);
  if (r?.value > 0)
    ratio(
      `${name.replace(/_mb$/, '')}_ratio_to_limit`,
      r.value / limit,
      `${name} ${Math.round(r.value)} / ${limit} MB; target <= 1.0`,
    );
}

const out = {
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
  },
  browser: userAgent,
  results,
};
await writeFile(path.join(here, 'results.json'), JSON.stringify(out, null, 2) + '\n');

const rows = results.map((r) => [r.name, fmt(r.value), r.unit, r.note ?? '']);
const widths = [0, 1, 2].map((i) =>
  Math.max(...rows.map((r) => r[i].length), ['figure', 'value', 'unit'][i].length),
);
const line = (r) =>
  `${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`;
console.log(line(['figure', 'value', 'unit', 'note']));
console.log('-'.repeat(widths[0] + widths[1] + widths[2] + 10));
for (const r of rows) console.log(line(r));
console.log(`\nwritten: bench/results.json (${results.length} figures)`);

function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 100) / 100);
}
