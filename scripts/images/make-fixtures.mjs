// Writes the small image-set fixtures of e2e/images.spec.ts (32x160 grey PNGs, from the steel-like generator):
//   e2e/fixtures/images/folder/<class>/NN.png  — one sub-folder per class, single-label (3 classes)
//   e2e/fixtures/images/steel/*.png + train.csv — the steel layout ImageId,ClassId (multi-label, some with none)
// Run: node scripts/images/make-fixtures.mjs
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { closeCore, loadCore, repoRoot } from '../generate/load-core.mjs';
import { encodeGreyPng } from './grey-png.mjs';

const H = 32;
const W = 160;
const { generateSteelSet, steelCsv, STEEL_CLASSES } = await loadCore('src/core/images/steel-demo.ts');
const root = path.join(repoRoot, 'e2e/fixtures/images');
rmSync(root, { recursive: true, force: true });

// folder per class: images with exactly one of the first three kinds, 8 of each
const pool = generateSteelSet(400, 11, H, W);
const perClass = [0, 1, 2].map((c) =>
  pool.filter((im) => im.labels.length === 1 && im.labels[0] === c).slice(0, 8),
);
perClass.forEach((list, c) => {
  const dir = path.join(root, 'folder', STEEL_CLASSES[c]);
  mkdirSync(dir, { recursive: true });
  list.forEach((im, i) =>
    writeFileSync(path.join(dir, `${String(i).padStart(2, '0')}.png`), encodeGreyPng(im.pixels, W, H)),
  );
});

// steel layout: 28 images, multi-label
const steel = generateSteelSet(28, 5, H, W);
mkdirSync(path.join(root, 'steel'), { recursive: true });
for (const im of steel) writeFileSync(path.join(root, 'steel', im.name), encodeGreyPng(im.pixels, W, H));
writeFileSync(path.join(root, 'steel', 'train.csv'), steelCsv(steel));
console.log(
  `folder: ${perClass.map((l) => l.length).join('/')} images; steel: ${steel.length} images, ${steelCsv(steel).trim().split('\n').length - 1} label rows`,
);
await closeCore();
