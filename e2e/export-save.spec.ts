// HDF5 export saved where the user picks (File System Access): the worker writes the file to OPFS in bounded
// memory and the page streams it into the picked file. Playwright cannot answer the browser's native save
// dialog, so showSaveFilePicker is replaced by one that "picks" a file in OPFS (a real FileSystemFileHandle, the
// same kind the dialog returns); everything after the pick is the studio's own code. h5py reads the result.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm/node';
import { H5FileReader } from '../src/workers/data/h5-reader';
import { pythonHas, verifyResearchH5 } from './python';
import { expect, test } from './studio';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fx = (name: string) => join(fixtures, name);

test('saves the research-layout HDF5 into the picked file, which h5py reads', async ({ studio, page }) => {
  await page.addInitScript(() => {
    (window as unknown as { showSaveFilePicker: unknown }).showSaveFilePicker = async (o: {
      suggestedName: string;
    }) => {
      const root = await navigator.storage.getDirectory();
      return root.getFileHandle(`picked-${o.suggestedName}`, { create: true });
    };
  });
  await studio.open('Data');
  await page.getByLabel('Open HDF5 files').setInputFiles([fx('left_low_0.h5'), fx('left_high_2.h5')]);
  await expect(page.getByTestId('gallery-count')).toHaveText('338 crops shown');
  await page.getByRole('button', { name: 'Save HDF5 to…' }).click();
  await expect(studio.messages.getByText(/picked-spatter_export\.h5 saved \([\d,]+ bytes\)/)).toBeVisible();
  const bytes = await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const file = await (await root.getFileHandle('picked-spatter_export.h5')).getFile();
    return Array.from(new Uint8Array(await file.arrayBuffer()));
  });
  // The HDF5 superblock signature, then the datasets as h5py sees them.
  expect(bytes.slice(0, 8)).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out = join(mkdtempSync(join(tmpdir(), 'spatter-e2e-')), 'picked.h5');
  writeFileSync(out, Uint8Array.from(bytes));
  // Read back with h5wasm (Node): the datasets, and the crops byte for byte against the fixtures'.
  const module = await h5wasm.ready;
  const back = H5FileReader.open(h5wasm, module, out, 'picked.h5');
  const low = H5FileReader.open(h5wasm, module, fx('left_low_0.h5'), 'left_low_0.h5');
  try {
    expect(back.datasets.map((d) => [d.name, d.count])).toEqual([
      ['spatter_high_flow_0', 237],
      ['spatter_low_flow_0', 101],
    ]);
    const ds = back.dataset('spatter_low_flow_0');
    for (const i of [0, 50, 100]) expect(back.readBytes(ds, i)).toEqual(low.readBytes(low.datasets[0]!, i));
  } finally {
    back.close();
    low.close();
  }
  test.skip(!pythonHas('h5py, cv2'), 'python3-h5py / python3-opencv are not installed');
  const report = verifyResearchH5(out);
  expect(
    Object.fromEntries(Object.entries(report).map(([k, v]) => [k, [v.count, v.decoded, v.strpad]])),
  ).toEqual({
    spatter_low_flow_0: [101, 101, 'nullpad'],
    spatter_high_flow_0: [237, 237, 'nullpad'],
  });
});
