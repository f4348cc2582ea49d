// Search area end to end: a 12-trial TPE study with median pruning on the demo data, two trials at a time on
// wasm, interrupted by a reload half-way and continued; the parallel coordinates are brushed and the space
// narrowed to the brushed region; importance is drawn; the best trial goes to the registry hook; the study is
// exported as an Optuna journal that Python Optuna opens with the same best trial, and imported back.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON, pythonHas } from './python';
import { expect, test } from './studio';

const SPACE = [
  'training.lr=tag(log,interval(1e-5,3e-2))',
  'training.batch_size=choice(64,128)',
  'training.rotation=int(interval(0,30))',
].join('\n');
const JOURNAL_SCRIPT = fileURLToPath(
  new URL('../src/core/hpo/__fixtures__/optuna_journal.py', import.meta.url),
);

test('a 12-trial study with pruning survives a reload, is brushed, narrowed, exported to Optuna and imported back', async ({
  studio,
  page,
}) => {
  test.setTimeout(900_000);
  await test.step('load the demo data', async () => {
    // a small train/validation split keeps each trial short; the test split is never used by a search
    await studio.open('Train', ['data.ratios=0.3,0.2,0.5']);
    await page
      .getByRole('region', { name: 'New here? Try the demo' })
      .getByRole('button', { name: 'Load demo data' })
      .click();
    await expect(page.getByTestId('gallery-count')).toHaveText('2,000 crops shown');
  });

  const progress = page.getByTestId('study-progress');
  await test.step('start a 12-trial TPE study with the median pruner, two trials at a time on wasm', async () => {
    await studio.goTo('Search');
    const form = page.getByRole('form', { name: 'New study' });
    await form.getByLabel('Study name').fill('demo-search');
    await form.getByLabel('Search space').fill(SPACE);
    await form.getByLabel('Number of trials').fill('12');
    await form.getByLabel('Trials at a time').fill('2');
    await form.getByLabel('Median start-up trials').fill('3');
    await form.getByLabel('Search backend').selectOption('wasm');
    await form.getByLabel('Fixed overrides').fill('training.epochs=2 training.early_stopping=false');
    await form.getByRole('button', { name: 'Start study' }).click();
    await expect(page.getByTestId('study-status')).toHaveText('running');
    await expect(page.getByTestId('study-data')).toContainText('left_low_0.h5');
  });

  await test.step('reload half-way: the study continues where it stopped', async () => {
    await expect(progress).toHaveText(/^([4-9]|10) \/ 12 trials$/, { timeout: 300_000 });
    const before = Number((await progress.textContent())!.split(' ')[0]);
    expect(before).toBeLessThan(12);
    await page.reload();
    await expect(page.getByRole('heading', { level: 2, name: 'Search', exact: true })).toBeVisible();
    await expect(page.getByTestId('study-status')).toHaveText('running');
    // what had finished before the reload is still there
    const after = Number((await progress.textContent())!.split(' ')[0]);
    expect(after).toBeGreaterThanOrEqual(before);
    await expect(page.getByTestId('study-status')).toHaveText('done', { timeout: 400_000 });
    await expect(progress).toHaveText('12 / 12 trials');
    await expect(page.locator('[data-testid^="trial-row-"]')).toHaveCount(12);
    await expect(page.locator('[data-testid^="trial-row-"][data-state="running"]')).toHaveCount(0);
    await expect(page.locator('[data-testid^="trial-row-"][data-state="waiting"]')).toHaveCount(0);
    // the median pruner stopped some trials, and said why
    const pruned = page.locator('[data-testid^="trial-row-"][data-state="pruned"]');
    expect(await pruned.count()).toBeGreaterThan(0);
    await expect(pruned.first()).toContainText('below the median');
  });

  await test.step('the views: history, importance with spread, parallel coordinates with brushing', async () => {
    await expect(page.getByTestId('chart-history')).toHaveAttribute('data-points', '12');
    await expect(page.getByTestId('importance')).toHaveAttribute('data-params', '3');
    await expect(page.getByTestId('importance').locator('text').filter({ hasText: '±' })).toHaveCount(3);
    const pc = page.getByTestId('parallel-coordinates');
    const lines = Number(await pc.getAttribute('data-lines'));
    expect(lines).toBeGreaterThanOrEqual(11);
    // brush the top half of the objective axis: the better trials
    const axis = page.getByTestId('pc-axis-value');
    await axis.scrollIntoViewIfNeeded();
    const box = (await axis.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.3, { steps: 4 });
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.5, { steps: 4 });
    await page.mouse.up();
    const selected = Number(await pc.getAttribute('data-selected'));
    expect(selected).toBeGreaterThan(0);
    expect(selected).toBeLessThan(lines);
    await expect(page.locator('[data-testid^="trial-row-"].brushed')).toHaveCount(selected);
    await expect(page.getByTestId('chart-trial-curves')).toHaveAttribute('data-lines', String(selected));
  });

  let bestNumber = -1;
  let bestValue = '';
  await test.step('the best trial becomes a registry candidate with its run and checkpoint', async () => {
    const best = (await page.getByTestId('best-trial').textContent())!;
    const m = /Best: trial (\d+), validation accuracy (\d\.\d{4})/.exec(best);
    expect(m).not.toBeNull();
    bestNumber = Number(m![1]);
    bestValue = m![2]!;
    await page.getByRole('button', { name: 'Send best trial to the registry' }).click();
    await expect(page.getByTestId('registry-message')).toContainText(
      new RegExp(
        `trial ${bestNumber} \\(run study-[a-z0-9]+-t${bestNumber}-[a-z0-9]+, checkpoint epoch-\\d{3}_loss-`,
      ),
    );
    // the registry made it a version with the candidate alias
    await expect(page.getByTestId('registry-message')).toContainText(
      /to the registry: model v\d+ \(candidate\)/,
    );
    await studio.goTo('Models');
    await expect(page.getByText(/best trial \d+ of study/).first()).toBeVisible();
    await studio.goTo('Search');
  });

  await test.step('Python Optuna opens the exported journal with the same best trial', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export Optuna journal' }).click();
    const file = join(mkdtempSync(join(tmpdir(), 'search-e2e-')), 'demo-search.log');
    await (await download).saveAs(file);
    if (pythonHas('optuna')) {
      const py = JSON.parse(
        execFileSync(PYTHON, [JOURNAL_SCRIPT, 'read', file, 'demo-search'], { encoding: 'utf8' }),
      ) as {
        best_value: number;
        best_number: number;
        trials: { state: string }[];
        best_params: Record<string, number>;
      };
      expect(py.best_number).toBe(bestNumber);
      expect(py.best_value.toFixed(4)).toBe(bestValue);
      expect(py.trials).toHaveLength(12);
      expect(Object.keys(py.best_params).sort()).toEqual([
        'training.batch_size',
        'training.lr',
        'training.rotation',
      ]);
      const row = page.getByTestId(`trial-row-${bestNumber}`);
      await expect(row).toContainText(String(py.best_params['training.batch_size']));
      await expect(row).toContainText(String(py.best_params['training.rotation']));
    } else {
      test.info().annotations.push({
        type: 'skip',
        description: 'python3-optuna missing: journal not checked by Optuna',
      });
    }
    await page.getByLabel('Import an Optuna journal').setInputFiles(file);
    await expect(page.getByLabel('Study', { exact: true })).toContainText('demo-search (2) (paused)');
    if (pythonHas('optuna')) {
      // Python's check asked one more trial (Optuna's TPE) into the file: it waits here, to run with its parameters
      await expect(progress).toHaveText('12 / 13 trials');
      await expect(page.locator('[data-testid^="trial-row-"][data-state="waiting"]')).toHaveCount(1);
    } else {
      await expect(progress).toHaveText('12 / 12 trials');
    }
  });

  await test.step('narrow the space to the brushed region and continue with 2 more trials', async () => {
    await page.getByLabel('Study', { exact: true }).selectOption({ label: 'demo-search (done)' });
    await expect(progress).toHaveText('12 / 12 trials');
    const axis = page.getByTestId('pc-axis-value');
    await axis.scrollIntoViewIfNeeded();
    const box = (await axis.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.5, { steps: 6 });
    await page.mouse.up();
    const spaceBefore = await page.getByTestId('study-space').textContent();
    await page.getByLabel('More trials').fill('2');
    await page.getByRole('button', { name: 'Narrow the space to the brushed region and continue' }).click();
    await expect(progress).toHaveText(/\/ 14 trials$/);
    await expect(page.getByTestId('study-space')).not.toHaveText(spaceBefore!);
    await expect(page.getByTestId('study-status')).toHaveText('done', { timeout: 200_000 });
    await expect(progress).toHaveText('14 / 14 trials');
  });
});

test('a search space in the URL fills the new-study form', async ({ studio, page }) => {
  await studio.page.goto(
    './#/search?training.lr=tag(log,interval(1e-4,1e-2))&training.batch_size=choice(64,128)&training.epochs=2',
  );
  await expect(page.getByRole('heading', { level: 2, name: 'Search', exact: true })).toBeVisible();
  await expect(page.getByLabel('Search space')).toHaveValue(
    'training.lr=tag(log,interval(1e-4,1e-2))\ntraining.batch_size=choice(64,128)',
  );
  // the plain override still reaches the configuration, and the sweep stays in the link
  await expect(page).toHaveURL(/training\.epochs=2/);
  await expect(page).toHaveURL(/training\.lr=tag\(log,interval\(1e-4,1e-2\)\)/);
});
