// Label refinement on the demo: labels the test flips come first in confident learning's issue list, a box
// selection on the map relabels crops and the saved dataset version records the change with its provenance,
// pseudo-labels label an unlabelled source's crops, and a retrained run evaluated on the unchanged test split lands.
import { readFileSync } from 'node:fs';
import { expect, test } from './studio';

// 100 of the 2,000 demo labels (5%) flipped, among crops whose class is clear (the demo LeNet5 gives their own
// class at least 0.98: 618 of 1,025 low, 855 of 975 high), spread evenly over each file. The demo's classes overlap by nature (its LeNet5 tests at 95.8%):
// the crops that look like the other class are label issues too, and compete with the flipped ones at the top of
// the list, so precision at K is checked against 0.6 here (a random ranking gives 0.05); the bench measures it on
// a generated set.
const FLIPPED_LOW = [
  0, 20, 40, 62, 89, 111, 128, 147, 174, 197, 216, 238, 256, 282, 300, 323, 344, 367, 386, 404, 421, 446, 466,
  485, 505, 531, 550, 568, 583, 605, 620, 640, 656, 682, 710, 735, 753, 770, 791, 817, 840, 858, 878, 900,
  913, 931, 951, 966, 988, 1007,
];
const FLIPPED_HIGH = [
  0, 18, 35, 53, 74, 93, 111, 132, 151, 173, 194, 218, 237, 257, 277, 297, 315, 333, 355, 372, 392, 412, 433,
  452, 469, 488, 508, 528, 549, 567, 588, 609, 628, 648, 665, 685, 703, 722, 740, 761, 781, 799, 816, 837,
  854, 873, 892, 913, 933, 954,
];

function flipCsv(): string {
  const rows = ['file,dataset,ds_idx,label'];
  for (const i of FLIPPED_LOW) rows.push(`left_low_0.h5,left_low_0,${i},1`);
  for (const i of FLIPPED_HIGH) rows.push(`left_high_2.h5,left_high_0,${i},0`);
  return rows.join('\n') + '\n';
}

const flippedWhere = new Set([
  ...FLIPPED_LOW.map((i) => `left_low_0.h5 left_low_0 #${i}`),
  ...FLIPPED_HIGH.map((i) => `left_high_2.h5 left_high_0 #${i}`),
]);

test('refine: label issues, map selection, pseudo-labels, refined version and retrain', async ({
  studio,
  page,
}) => {
  test.setTimeout(400_000);
  await studio.open('Train', ['training.batch_size=64', 'training.epochs=2', 'training.lr=0.003']);

  await test.step('the demo with 100 labels flipped by a CSV index, and a source with no label', async () => {
    await page
      .getByRole('region', { name: 'New here? Try the demo' })
      .getByRole('button', { name: 'Load demo data' })
      .click();
    await expect(page.getByTestId('gallery-count')).toHaveText('2,000 crops shown', { timeout: 60_000 });
    await page.getByLabel('Import CSV index (labels)').setInputFiles({
      name: 'flipped.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(flipCsv()),
    });
    await expect(studio.messages).toContainText('flipped.csv: 100 of 100 rows applied');
    // A build whose name says nothing about the gas flow: its crops have no label.
    await page.getByLabel('Open HDF5 files').setInputFiles({
      name: 'build_42.h5',
      mimeType: 'application/x-hdf5',
      buffer: readFileSync('e2e/fixtures/left_low_0.h5'),
    });
    await expect(
      page.getByRole('article', { name: 'Source build_42.h5' }).getByTestId('source-count'),
    ).toHaveText('101');
  });

  await studio.goTo('Refine');
  await test.step('prepare every crop: 2,101 crops on the raw-pixel map', async () => {
    await page.getByRole('button', { name: 'Prepare crops' }).click();
    await expect(page.getByTestId('refine-crops')).toHaveText('2,101 crops from 3 sources', {
      timeout: 60_000,
    });
    await expect(page.getByTestId('map-info')).toContainText('2,101 crops · PCA of raw pixels', {
      timeout: 60_000,
    });
  });

  await test.step('K-fold confident learning ranks the flipped crops first', async () => {
    await page.getByLabel('Folds (K)').fill('2');
    await page.getByLabel('Epochs per fold').fill('10');
    await page.getByRole('button', { name: 'Find label issues (K-fold)' }).click();
    await expect(page.getByTestId('issues-summary')).toContainText(
      'likely label issues among 2,000 labelled crops',
      {
        timeout: 240_000,
      },
    );
    // The list shows 50 rows at a time.
    const more = page.getByRole('button', { name: 'Show more' });
    await more.click();
    await expect(page.getByTestId('issue-where')).toHaveCount(100);
    const where = await page.getByTestId('issue-where').allTextContents();
    const top = where.slice(0, flippedWhere.size);
    const hits = top.filter((w) => flippedWhere.has(w)).length;
    expect(hits / flippedWhere.size, `top ${flippedWhere.size}: ${top.join('; ')}`).toBeGreaterThanOrEqual(
      0.6,
    );
  });

  await test.step('embeddings, the UMAP map and its clusters', async () => {
    await page.getByRole('button', { name: 'Compute embeddings' }).click();
    await expect(page.getByTestId('embedding-info')).toContainText('84-d embeddings', { timeout: 60_000 });
    await page.getByRole('button', { name: 'UMAP map' }).click();
    await expect(page.getByTestId('map-info')).toContainText('UMAP of embeddings', { timeout: 120_000 });
    await expect(page.getByRole('list', { name: 'Clusters' }).getByRole('listitem')).toHaveCount(6);
  });

  await test.step('a box selection on the map relabels crops, undoably', async () => {
    const box = (await page.getByLabel('Crop map').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.05, box.y + box.height * 0.05);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 5 });
    await page.mouse.up();
    const count = page.getByTestId('selection-count');
    await expect(count).not.toHaveText('0 crops selected');
    await page.getByRole('button', { name: 'Relabel as high gas flow' }).click();
    await expect(page.getByTestId('changes-summary')).not.toHaveText('0 crops changed (0 labels)');
    const after = await page.getByTestId('changes-summary').textContent();
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(page.getByTestId('changes-summary')).toHaveText('0 crops changed (0 labels)');
    await page.getByRole('button', { name: 'Redo' }).click();
    await expect(page.getByTestId('changes-summary')).toHaveText(after!);
  });

  await test.step('a lasso selection excludes crops, and undo brings them back', async () => {
    const before = await page.getByTestId('changes-summary').textContent();
    await page.getByRole('radio', { name: 'Lasso select' }).check();
    const box = (await page.getByLabel('Crop map').boundingBox())!;
    const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
    await page.mouse.move(...at(0.5, 0.1));
    await page.mouse.down();
    for (const [fx, fy] of [
      [0.9, 0.5],
      [0.5, 0.9],
      [0.1, 0.5],
      [0.5, 0.12],
    ] as const)
      await page.mouse.move(...at(fx, fy), { steps: 4 });
    await page.mouse.up();
    await expect(page.getByTestId('selection-count')).not.toHaveText('0 crops selected');
    await page.getByRole('button', { name: 'Exclude', exact: true }).click();
    await expect(page.getByTestId('changes-summary')).not.toHaveText(before!);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(page.getByTestId('changes-summary')).toHaveText(before!);
  });

  await test.step("pseudo-labels for the unlabelled build's crops", async () => {
    // The build's 101 crops, less any the box selection above relabelled.
    await expect(page.getByTestId('pseudo-summary')).toContainText(/^\d+ unlabelled crops: \d+ admitted/);
    await page.getByLabel('Pseudo-label threshold for low gas flow').fill('0.6');
    await page.getByLabel('Pseudo-label threshold for high gas flow').fill('0.6');
    const accept = page.getByRole('button', { name: /^Accept \d+ pseudo-labels$/ });
    await expect(accept).toBeEnabled();
    await accept.click();
    await expect(page.getByRole('list', { name: 'Changes' })).toContainText('Accepted pseudo-labels for');
  });

  let versionId = '';
  let parentId = '';
  await test.step('the refined dataset version records every change with its provenance', async () => {
    await page.getByRole('button', { name: 'Save dataset version' }).click();
    const saved = page.getByTestId('saved-version');
    await expect(saved).toContainText(/Saved dv-[0-9a-f]+: parent dv-/);
    versionId = /Saved (dv-[0-9a-f]+)/.exec((await saved.textContent())!)![1]!;
    const provenance = await page.evaluate(async (id) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('spatter-studio');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const get = <T>(store: string, key: string) =>
        new Promise<T>((resolve, reject) => {
          const r = db.transaction(store).objectStore(store).get(key);
          r.onsuccess = () => resolve(r.result as T);
          r.onerror = () => reject(r.error);
        });
      const version = await get<{ parent: string; counts: { unlabelled: number } }>('datasetVersions', id);
      const blob = await get<{ bytes: Blob }>('blobs', `dataset-provenance:${id}`);
      const p = JSON.parse(await blob.bytes.text()) as {
        edits: { kind: string; crops: { source: string }[]; provenance: { by: string } }[];
      };
      return {
        parent: version.parent,
        unlabelled: version.counts.unlabelled,
        edits: p.edits.map((e) => [e.kind, e.provenance.by, e.crops[0]?.source]),
      };
    }, versionId);
    expect(provenance.parent).toMatch(/^dv-/);
    parentId = provenance.parent;
    expect(provenance.edits[0]).toEqual(['relabel', 'user', expect.any(String)]);
    expect(provenance.edits[1]).toEqual([
      'pseudo-label',
      expect.stringContaining('K-fold lenet5'),
      'build_42.h5',
    ]);
    expect(provenance.unlabelled).toBeLessThan(101);
  });

  await test.step('retrain on the refined version: a run tested on the unchanged test split', async () => {
    await page.getByRole('button', { name: 'Retrain on the refined version' }).click();
    await expect(page.getByTestId('retrain-result')).toContainText('on the unchanged test split', {
      timeout: 240_000,
    });
    await expect(page.getByTestId('retrain-result')).toContainText(/Run run-.*: completed/);
    await expect(page.getByTestId('retrain-result')).toContainText('; evaluation eval-run-');
    const evaluation = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('spatter-studio');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      return new Promise<{ datasetVersionId: string; split: string; metrics: { count: number } }[]>(
        (resolve, reject) => {
          const r = db.transaction('evaluations').objectStore('evaluations').getAll();
          r.onsuccess = () => resolve(r.result as never);
          r.onerror = () => reject(r.error);
        },
      );
    });
    expect(evaluation).toHaveLength(1);
    expect(evaluation[0]!.split).toBe('test');
    expect(evaluation[0]!.datasetVersionId).toBe(parentId);
    expect(evaluation[0]!.metrics.count).toBeGreaterThan(300);
    await studio.goTo('Runs');
    await expect(page.getByRole('table', { name: 'Runs' })).toContainText(`Retrain on ${versionId}`);
  });
});
