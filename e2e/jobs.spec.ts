// Scale out end to end: export a job from the fixtures' data in Runs → Scale out, unzip it, run the generated
// train.py under `torchrun --nproc_per_node 2` on this machine's CPU (DDP with gloo), import the output folder
// in the studio, and the imported model's test accuracy (onnxruntime-web on the frozen test split) equals the
// one train.py printed. Results for other data, a corrupt ONNX and missing metrics are refused with a message.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import { pythonHas, PYTHON } from './python';
import { expect, test } from './studio';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fx = (name: string) => join(fixtures, name);

/** Unzip a job zip into `dir`; returns the job's folder. */
function unzipJob(zipPath: string, dir: string): string {
  const files = unzipSync(readFileSync(zipPath));
  for (const [p, bytes] of Object.entries(files)) {
    const out = join(dir, p);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, bytes);
  }
  return join(dir, Object.keys(files)[0]!.split('/')[0]!);
}

/** torchrun from Debian's python3-torch, or the module form where the script is not on the PATH. */
function torchrunCommand(): string[] {
  for (const p of ['/usr/bin/torchrun', '/usr/local/bin/torchrun']) if (existsSync(p)) return [p];
  return [PYTHON, '-m', 'torch.distributed.run'];
}

test('scale out: export a job, run it with torchrun on 2 CPU processes, import its results', async ({
  studio,
  page,
}) => {
  test.setTimeout(600_000);
  test.skip(
    !pythonHas('torch, torchvision, h5py, cv2, yaml'),
    'python3-torch / torchvision / h5py / opencv / yaml are not installed (.ci/run installs them)',
  );
  await studio.open('Data');
  await page.getByLabel('Open HDF5 files').setInputFiles([fx('left_low_0.h5'), fx('left_high_2.h5')]);
  await expect(
    page.getByRole('article', { name: 'Source left_high_2.h5' }).getByTestId('source-count'),
  ).toHaveText('237');

  const work = mkdtempSync(join(tmpdir(), 'spatter-job-'));
  let jobDir = '';
  await test.step('export the job as a zip and unzip it', async () => {
    await studio.goTo('Runs');
    const panel = page.getByRole('region', { name: 'Scale out' });
    await panel.getByLabel('Processes per node').fill('2');
    const download = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Export job (zip)' }).click();
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/^spatter-job-.*\.zip$/);
    const zipPath = join(work, d.suggestedFilename());
    await d.saveAs(zipPath);
    jobDir = unzipJob(zipPath, work);
    const root = jobDir.split('/').at(-1)!;
    for (const f of [
      'train.py',
      'config/config.yaml',
      'data/manifest.json',
      'data/images.csv',
      'data/split.csv',
    ])
      expect(existsSync(join(jobDir, f)), f).toBe(true);
    expect(existsSync(join(jobDir, 'data/left_low_0.h5'))).toBe(true);
    expect(readFileSync(join(jobDir, 'data/images.csv'), 'utf8').split('\n')[0]).toBe(
      'file,dataset,ds_idx,label',
    );
    await expect(panel.getByTestId('jobs-last-export')).toContainText(root);
  });

  let printed = { correct: -1, count: -1, accuracy: -1 };
  await test.step('torchrun --nproc_per_node 2 train.py on CPU (gloo)', async () => {
    const cmd = torchrunCommand();
    const out = execFileSync(
      cmd[0]!,
      [
        ...cmd.slice(1),
        '--standalone',
        '--nnodes',
        '1',
        '--nproc_per_node',
        '2',
        // Debian 12's torch 1.13 under Python 3.11 cannot parse the default --redirects/--tee "0" (see launch/torchrun.sh).
        '--redirects',
        '2',
        '--tee',
        '2',
        'train.py',
        // Tiny but not trivial: 4 short epochs at batch 16 give a model that is not constant on the test split.
        'training.epochs=4',
        'training.batch_size=16',
        'training.early_stopping.enabled=false',
        'training.optimizer.lr=0.003',
      ],
      { cwd: jobDir, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' }, timeout: 300_000 },
    );
    const m = /test_accuracy=([0-9.]+) \((\d+)\/(\d+) test crops, 2 processes\)/.exec(out);
    expect(m, out).not.toBeNull();
    printed = { accuracy: Number(m![1]), correct: Number(m![2]), count: Number(m![3]) };
    const outputs = join(jobDir, 'outputs');
    for (const f of ['metrics.jsonl', 'model.onnx', 'result.json', 'manifest.json', '.hydra/config.yaml'])
      expect(existsSync(join(outputs, f)), f).toBe(true);
    const result = JSON.parse(readFileSync(join(outputs, 'result.json'), 'utf8')) as {
      processes: number;
      dist_backend: string;
    };
    expect(result.processes).toBe(2);
    expect(result.dist_backend).toBe('gloo');
    expect(readFileSync(join(outputs, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  const panel = page.getByRole('region', { name: 'Scale out' });
  await test.step('bad results are refused with a message', async () => {
    const noMetrics = join(work, 'no-metrics', 'outputs');
    cpSync(join(jobDir, 'outputs'), noMetrics, { recursive: true });
    rmSync(join(noMetrics, 'metrics.jsonl'));
    await panel.getByLabel('Import job results folder').setInputFiles(noMetrics);
    await expect(panel.getByTestId('jobs-error')).toContainText('Missing metrics');

    const corrupt = join(work, 'corrupt', 'outputs');
    cpSync(join(jobDir, 'outputs'), corrupt, { recursive: true });
    const onnx = readFileSync(join(corrupt, 'model.onnx'));
    writeFileSync(join(corrupt, 'model.onnx'), onnx.subarray(0, Math.floor(onnx.length / 2)));
    await panel.getByLabel('Import job results folder').setInputFiles(corrupt);
    await expect(panel.getByTestId('jobs-error')).toContainText('model.onnx could not be loaded');
    await expect(panel.getByRole('article')).toHaveCount(0);
  });

  await test.step('import the output folder: same test accuracy as train.py printed', async () => {
    await panel.getByLabel('Import job results folder').setInputFiles(join(jobDir, 'outputs'));
    const card = panel.getByRole('article', { name: /Imported model spatter-job-/ });
    await expect(card).toBeVisible({ timeout: 120_000 });
    await expect(panel.getByTestId('jobs-error')).toHaveCount(0);
    const acc = card.getByTestId('imported-test-accuracy');
    await expect(acc).toHaveAttribute('data-count', String(printed.count));
    await expect(acc).toHaveAttribute('data-correct', String(printed.correct));
    await expect(acc).toContainText(`${(100 * printed.accuracy).toFixed(2)}%`);
    await expect(card.getByTestId('imported-lineage')).toContainText('trained by torchrun on 2 processes');
    await expect(card.locator('.recharts-line')).toHaveCount(3);
    // registered in the model registry as a candidate version, its lineage saying how it was trained
    await expect(card).toContainText(/registered as mv-\S+ \(candidate\)/);
  });

  await test.step('a job with a search: cluster workers run an Optuna study in a shared journal', async () => {
    test.skip(!pythonHas('optuna'), 'python3-optuna is not installed');
    await panel
      .getByLabel('Search space')
      .fill('training.lr=log(0.001,0.01) model.name=choice(lenet5,lenet5-classic)');
    await panel.getByLabel('Trials per worker').fill('2');
    const download = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Export job (zip)' }).click();
    const d = await download;
    const dir = join(work, 'study');
    const zipPath = join(dir, d.suggestedFilename());
    await d.saveAs(zipPath);
    const studyJob = unzipJob(zipPath, dir);
    const run = (args: string[]) =>
      execFileSync(PYTHON, ['study/study.py', ...args], {
        cwd: studyJob,
        encoding: 'utf8',
        env: { ...process.env, OMP_NUM_THREADS: '1' },
        timeout: 300_000,
      });
    // two workers one after the other: the second continues the first's study from the journal
    run(['training.epochs=1', 'training.batch_size=32']);
    run(['--trials', '1', 'training.epochs=1', 'training.batch_size=32']);
    const shown = JSON.parse(run(['--show']).trim().split('\n').at(-1)!) as {
      trials: number;
      best_params: Record<string, unknown>;
    };
    expect(shown.trials).toBe(3);
    expect(Object.keys(shown.best_params).sort()).toEqual(['model.name', 'training.lr']);
    await panel.getByLabel('Search space').fill('');
  });

  await test.step('a job that references its HDF5 files: train.py asks for them, then runs; its results import', async () => {
    await panel.getByLabel('Include the HDF5 files in the zip').uncheck();
    const download = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Export job (zip)' }).click();
    const d = await download;
    const dir = join(work, 'reference');
    const zipPath = join(dir, d.suggestedFilename());
    await d.saveAs(zipPath);
    const refJob = unzipJob(zipPath, dir);
    expect(existsSync(join(refJob, 'data/left_low_0.h5'))).toBe(false);
    expect(readFileSync(join(refJob, 'README.md'), 'utf8')).toContain(
      'copy left_low_0.h5, left_high_2.h5 here',
    );
    let stderr = '';
    try {
      execFileSync(PYTHON, ['train.py'], { cwd: refJob, stdio: 'pipe' });
    } catch (e) {
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain('is missing: copy left_low_0.h5 into');
    for (const f of ['left_low_0.h5', 'left_high_2.h5']) cpSync(fx(f), join(refJob, 'data', f));
    const out = execFileSync(PYTHON, ['train.py', 'training.epochs=1', 'training.batch_size=32'], {
      cwd: refJob,
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    expect(out).toMatch(/test_accuracy=[0-9.]+ \(\d+\/\d+ test crops, 1 process\)/);
    await panel.getByLabel('Import job results folder').setInputFiles(join(refJob, 'outputs'));
    await expect(panel.getByRole('article')).toHaveCount(2);
    await expect(panel.getByTestId('imported-lineage').first()).toContainText(
      'trained by python3 on 1 process',
    );
    await panel.getByLabel('Include the HDF5 files in the zip').check();
  });

  await test.step('the imported model is kept across a reload', async () => {
    await page.reload();
    await expect(page.getByRole('heading', { level: 2, name: 'Runs', exact: true })).toBeVisible();
    await expect(panel.getByRole('article')).toHaveCount(2);
    // newest first: the torchrun job's card is the second
    const card = panel.getByRole('article', { name: /Imported model spatter-job-/ }).nth(1);
    await expect(card.getByTestId('imported-test-accuracy')).toHaveAttribute(
      'data-correct',
      String(printed.correct),
    );
  });

  await test.step('results (as a zip) for another dataset version are refused', async () => {
    await studio.goTo('Data');
    await page.getByLabel('Open HDF5 files').setInputFiles([fx('left_high_2.h5')]);
    await expect(
      page.getByRole('article', { name: 'Source left_high_2.h5' }).getByTestId('source-count'),
    ).toHaveText('237');
    await studio.goTo('Runs');
    const outputs = join(jobDir, 'outputs');
    const entries: Record<string, Uint8Array> = {};
    for (const f of ['result.json', 'metrics.jsonl', 'model.onnx', 'manifest.json', '.hydra/config.yaml'])
      entries[`outputs/${f}`] = readFileSync(join(outputs, f));
    const zipPath = join(work, 'results.zip');
    writeFileSync(zipPath, zipSync(entries));
    await panel.getByLabel('Import job results zip').setInputFiles(zipPath);
    await expect(panel.getByTestId('jobs-error')).toContainText(
      'These results are for another dataset version',
    );
    await expect(panel.getByRole('article')).toHaveCount(2);
  });
});
