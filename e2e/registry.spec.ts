// Model registry and incremental learning, as a user runs them: a 5-chunk pipeline on the demo data (reloaded in
// the middle, continued from the last finished chunk), every gate verdict checked against the rule recomputed
// from the stored evaluations, the production alias moved exactly on passing chunks, the CSV report; then
// "production at time T", one-click rollback, and the lineage JSON exported and imported in a fresh browser.
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, test } from './studio';

interface StoredRow {
  chunk: number;
  status: 'promoted' | 'local' | 'failed';
  versionId: string | null;
  candidateEvaluationId: string | null;
  productionEvaluationId: string | null;
}
interface StoredEval {
  id: string;
  modelVersionId: string;
  datasetVersionId: string;
  metrics: { accuracy: number; count: number };
}
interface StoredEvent {
  alias: string;
  versionId: string | null;
  at: number;
  seq: number;
}

/** Read the studio database's tables as the page stored them. */
async function readDb(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('spatter-studio');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const all = (name: string) =>
      new Promise<unknown[]>((resolve, reject) => {
        const req = db.transaction(name, 'readonly').objectStore(name).getAll();
        req.onsuccess = () => resolve(req.result as unknown[]);
        req.onerror = () => reject(req.error);
      });
    const out = {
      pipelines: await all('pipelines'),
      evaluations: await all('evaluations'),
      aliasEvents: await all('aliasEvents'),
      modelVersions: await all('modelVersions'),
    };
    db.close();
    return out;
  });
}

async function fill(page: Page, label: string, value: string) {
  await page.getByLabel(label, { exact: true }).fill(value);
}

async function openDemo(page: Page) {
  const panel = page.getByRole('region', { name: 'Incremental learning' });
  await panel.getByRole('button', { name: 'Load demo data' }).click();
  await expect(page.getByTestId('pipeline-crops')).toHaveAttribute('data-crops', '2000', { timeout: 60_000 });
}

test('a 5-chunk pipeline on the demo data: gate, aliases, report, reload and continue, rollback, lineage', async ({
  studio,
  page,
  browser,
}) => {
  test.setTimeout(900_000);
  await studio.open('Models');
  await openDemo(page);

  await test.step('start a 5-chunk pipeline with tiny chunks and reload after the second chunk', async () => {
    await fill(page, 'Pipeline name', 'e2e');
    await fill(page, 'Chunk size (crops)', '120');
    await fill(page, 'Held-out crops', '300');
    await fill(page, 'Max chunks (0 = all)', '5');
    await fill(page, 'Epochs per chunk', '2');
    await fill(page, 'Batch size', '16');
    await fill(page, 'Learning rate', '0.003');
    await page.getByRole('button', { name: 'Start pipeline' }).click();
    await expect(page.getByLabel('Overall progress')).toBeVisible();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(page.getByTestId('pipeline-progress')).toContainText('Paused.');
    await expect(page.getByTestId('pipeline-status')).toHaveAttribute('data-status', 'paused');
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect(page.getByTestId('pipeline-status')).toHaveAttribute('data-status', 'running');
    const status = page.getByTestId('pipeline-status');
    await expect(status).toHaveAttribute('data-rows', '2', { timeout: 300_000 });
    await page.reload();
    await expect(page.getByRole('heading', { level: 2, name: 'Models', exact: true })).toBeVisible();
    await expect(page.getByTestId('pipeline-status')).toHaveAttribute('data-status', 'interrupted');
  });

  let finishedBefore = 0;
  await test.step('continue from the last finished chunk after re-opening the data', async () => {
    finishedBefore = Number(await page.getByTestId('pipeline-status').getAttribute('data-rows'));
    expect(finishedBefore).toBeGreaterThanOrEqual(2);
    expect(finishedBefore).toBeLessThan(5);
    await openDemo(page);
    await page.getByRole('button', { name: `Continue e2e from chunk ${finishedBefore + 1}` }).click();
    await expect(page.getByTestId('pipeline-status')).toHaveAttribute('data-status', 'done', {
      timeout: 600_000,
    });
    await expect(page.getByTestId('chunk-row')).toHaveCount(5);
  });

  await test.step('each verdict is the gate rule recomputed from the stored evaluations', async () => {
    const db = await readDb(page);
    expect(db.pipelines).toHaveLength(1);
    const pipe = db.pipelines[0] as {
      rows: StoredRow[];
      heldOutVersionId: string;
      plan: { heldOut: string[] };
    };
    expect(pipe.rows.map((r) => r.chunk)).toEqual([1, 2, 3, 4, 5]);
    const evals = new Map((db.evaluations as StoredEval[]).map((e) => [e.id, e]));
    const events = (db.aliasEvents as StoredEvent[]).sort((a, b) => a.at - b.at || a.seq - b.seq);
    let production: string | null = null;
    const promotedVersions: string[] = [];
    for (const row of pipe.rows) {
      expect(row.status, `chunk ${row.chunk} trained`).not.toBe('failed');
      const cand = evals.get(row.candidateEvaluationId!)!;
      expect(cand.modelVersionId).toBe(row.versionId);
      expect(cand.datasetVersionId).toBe(pipe.heldOutVersionId);
      expect(cand.metrics.count).toBe(pipe.plan.heldOut.length);
      const prod = row.productionEvaluationId ? evals.get(row.productionEvaluationId)! : null;
      // the production compared is the one production was when the chunk was judged
      expect(prod?.modelVersionId ?? null).toBe(production);
      if (prod) expect(prod.datasetVersionId).toBe(pipe.heldOutVersionId);
      const pass =
        cand.metrics.accuracy >= 0.7 && (prod === null || cand.metrics.accuracy >= prod.metrics.accuracy);
      expect(
        row.status,
        `chunk ${row.chunk}: candidate ${cand.metrics.accuracy}, production ${prod?.metrics.accuracy}`,
      ).toBe(pass ? 'promoted' : 'local');
      if (pass) {
        production = row.versionId;
        promotedVersions.push(row.versionId!);
      }
    }
    console.log(
      `verdicts: ${pipe.rows.map((r) => `${r.chunk} ${r.status} ${evals.get(r.candidateEvaluationId!)!.metrics.accuracy.toFixed(3)}`).join('; ')}`,
    );
    // production moved exactly on the passing chunks, in order
    expect(events.filter((e) => e.alias === 'production').map((e) => e.versionId)).toEqual(promotedVersions);
    const badge = page.getByTestId('version-aliases').filter({ hasText: 'production' });
    await expect(badge).toHaveCount(promotedVersions.length ? 1 : 0);
  });

  await test.step('the CSV report has a row per chunk', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const csv = await readFile(await (await download).path(), 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toMatch(/^chunk,chunk_crops,samples_so_far,trained_on,status,accuracy/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '2', '3', '4', '5']);
    expect(lines[5]!.split(',')[2]).toBe('600');
    await expect(page.getByTestId('learning-curve')).toHaveAttribute('data-points', '5');
  });

  await test.step('production at time T, and one-click rollback', async () => {
    // Make two versions production by hand so the history has a known shape, whatever the gate decided.
    for (const n of [1, 2]) {
      const row = page.getByTestId(`version-row-${n}`);
      const button = row.getByRole('button', { name: 'Make production' });
      if (await button.isEnabled()) await button.click();
      await expect(row.getByTestId('version-aliases')).toContainText('production');
      await page.waitForTimeout(20); // two moves a few ms apart (no assertion depends on time)
    }
    const db = await readDb(page);
    const versions = db.modelVersions as { id: string; n: number }[];
    const nOf = (id: string | null) => versions.find((v) => v.id === id)?.n;
    const prodEvents = (db.aliasEvents as StoredEvent[])
      .filter((e) => e.alias === 'production')
      .sort((a, b) => a.at - b.at || a.seq - b.seq);
    const last = prodEvents.at(-1)!;
    const before = prodEvents.at(-2)!;
    expect(nOf(last.versionId)).toBe(2);
    const t = new Date(Math.floor((before.at + last.at) / 2)).toISOString();
    await page.getByLabel('Production at time').fill(t);
    if (before.at < last.at)
      await expect(page.getByTestId('production-at-result')).toContainText(
        `production was version ${nOf(before.versionId)}`,
      );
    await page.getByLabel('Production at time').fill(new Date(last.at + 1).toISOString());
    await expect(page.getByTestId('production-at-result')).toContainText('production was version 2');
    await page.getByLabel('Production at time').fill(new Date(prodEvents[0]!.at - 1000).toISOString());
    await expect(page.getByTestId('production-at-result')).toContainText('no version was in production');

    await page.getByRole('button', { name: /^Roll back to version 1$/ }).click();
    await expect(page.getByTestId('version-row-1').getByTestId('version-aliases')).toContainText(
      'production',
    );
    await expect(page.getByTestId('version-row-2').getByTestId('version-aliases')).toContainText('previous');
    await expect(page.getByRole('table', { name: 'Alias moves' }).getByRole('row').nth(1)).toContainText(
      'Rollback by the user to version 1',
    );
  });

  await test.step('Evaluate uses the production version by default', async () => {
    await studio.goTo('Evaluate');
    await expect(page.getByLabel('Model to evaluate')).toHaveValue(/run-/);
    await expect(page.getByLabel('Model to evaluate').locator('option:checked')).toHaveText(
      /production · version 1/,
    );
    await studio.goTo('Models');
  });

  await test.step('the lineage exports as JSON and imports in another browser', async () => {
    await page.getByTestId('version-row-1').getByRole('button', { name: 'v1' }).click();
    const view = page.getByTestId('lineage-view');
    await expect(view).toContainText('Run');
    await expect(view).toContainText('chunk 1');
    await expect(view).toContainText('dv-');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export lineage JSON' }).click();
    const path = await (await download).path();
    const file = JSON.parse(await readFile(path, 'utf8')) as {
      format: string;
      versions: unknown[];
      aliasEvents: unknown[];
      evaluations: unknown[];
    };
    expect(file.format).toBe('spatter-studio-lineage');
    expect(file.versions).toHaveLength(5);
    expect(file.evaluations.length).toBeGreaterThanOrEqual(5);

    const other = await browser.newContext();
    const page2 = await other.newPage();
    await page2.goto('./#/models');
    await expect(page2.getByRole('heading', { level: 2, name: 'Models', exact: true })).toBeVisible();
    await page2.getByLabel('Import lineage JSON').setInputFiles(path);
    await expect(page2.getByRole('table', { name: 'Model versions' }).getByRole('row')).toHaveCount(6);
    await expect(page2.getByTestId('version-row-1').getByTestId('version-aliases')).toContainText(
      'production',
    );
    await expect(page2.getByTestId('version-row-1').getByTestId('version-aliases')).toContainText('imported');
    await expect(page2.getByRole('table', { name: 'Alias moves' }).getByRole('row')).toHaveCount(
      file.aliasEvents.length + 1,
    );
    // importing the same file again adds nothing
    await page2.getByLabel('Import lineage JSON').setInputFiles(path);
    await expect(page2.getByRole('region', { name: 'Messages' })).toContainText(
      '0 versions and 0 alias moves imported',
    );
    // a file that is not a lineage is refused with the reason
    await page2.getByLabel('Import lineage JSON').setInputFiles({
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format":"mlflow"}'),
    });
    await expect(page2.getByRole('region', { name: 'Messages' })).toContainText(
      'not a Spatter Studio lineage',
    );
    await other.close();
  });
});

test('a diverging chunk fails with the reason, the pipeline goes on, and no version is promoted', async ({
  studio,
  page,
}) => {
  test.setTimeout(300_000);
  await studio.open('Models');
  await openDemo(page);
  await fill(page, 'Pipeline name', 'bad');
  await fill(page, 'Chunk size (crops)', '100');
  await fill(page, 'Held-out crops', '100');
  await fill(page, 'Max chunks (0 = all)', '2');
  await fill(page, 'Epochs per chunk', '1');
  await fill(page, 'Batch size', '16');
  await fill(page, 'Learning rate', '1000');
  await page.getByRole('button', { name: 'Start pipeline' }).click();
  await expect(page.getByTestId('pipeline-status')).toHaveAttribute('data-status', 'done', {
    timeout: 240_000,
  });
  const rows = page.getByTestId('chunk-row');
  await expect(rows).toHaveCount(2);
  for (const r of await rows.all()) {
    await expect(r).toHaveAttribute('data-status', 'failed');
    await expect(r).toContainText(/loss (diverged|became).*Lower the learning rate/);
  }
  await expect(studio.messages).toContainText('Chunk 1 of bad failed');
  await expect(page.getByTestId('pipeline-summary')).toContainText('0 promoted, 0 stayed local, 2 failed');
  await expect(page.getByRole('table', { name: 'Model versions' })).toBeHidden();

  await test.step('a held-out set larger than the data is refused before anything runs', async () => {
    await fill(page, 'Held-out crops', '5000');
    await expect(page.getByRole('button', { name: 'Start pipeline' })).toBeDisabled();
    await expect(page.getByRole('region', { name: 'Incremental learning' })).toContainText(
      '2000 crops are open: not enough for a held-out set of 5000',
    );
  });
});

test('one chunk per source: a one-class first build is refused with the reason, a new build becomes the next chunk', async ({
  studio,
  page,
}) => {
  test.setTimeout(400_000);
  await studio.open('Models');
  await openDemo(page);
  await page.getByLabel('Chunks', { exact: true }).selectOption('per-source');
  await expect(page.getByLabel('Chunk size (crops)', { exact: true })).toBeHidden();
  await fill(page, 'Pipeline name', 'builds');
  await fill(page, 'Held-out crops', '200');
  await fill(page, 'Epochs per chunk', '1');
  await fill(page, 'Batch size', '32');
  await fill(page, 'Learning rate', '0.003');
  await page.getByRole('button', { name: 'Start pipeline' }).click();
  const status = page.getByTestId('pipeline-status');
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
  await expect(status).toHaveAttribute('data-chunks', '2');
  const rows = page.getByTestId('chunk-row');
  // the first build holds one gas flow only: nothing to learn from yet, said so; the second brings the other
  await expect(rows.nth(0)).toHaveAttribute('data-status', 'failed');
  await expect(rows.nth(0)).toContainText(
    /Chunk 1: the training data holds only "(low|high) gas flow" crops/,
  );
  await expect(rows.nth(1)).not.toHaveAttribute('data-status', 'failed');
  const before = ((await readDb(page)).pipelines[0] as { plan: { heldOut: string[] } }).plan.heldOut;

  await test.step('a new build opened later is taken in as chunk 3, the held-out set unchanged', async () => {
    await studio.goTo('Data');
    await page.getByLabel('Open HDF5 files').setInputFiles(['e2e/fixtures/vlen_low_0.h5']);
    await expect(page.getByRole('article', { name: 'Source vlen_low_0.h5' })).toBeVisible();
    await studio.goTo('Models');
    await page.getByRole('button', { name: 'Continue builds from chunk 3' }).click();
    await expect(status).toHaveAttribute('data-rows', '3', { timeout: 300_000 });
    await expect(status).toHaveAttribute('data-status', 'done');
    await expect(rows.nth(2)).not.toHaveAttribute('data-status', 'failed');
    const after = (await readDb(page)).pipelines[0] as { plan: { heldOut: string[]; chunks: string[][] } };
    expect(after.plan.heldOut).toEqual(before);
    expect(after.plan.chunks[2]!.every((id) => id.startsWith('vlen_low_0.h5/'))).toBe(true);
    // nothing new: Continue says what to do
    await page.getByRole('button', { name: 'Continue builds from chunk 4' }).click();
    await expect(studio.messages).toContainText('no new build since chunk 3');
  });
});
