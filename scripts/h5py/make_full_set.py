#!/usr/bin/python3
"""Write a full-scale research-layout set fast (h5py + OpenCV, run with Debian's /usr/bin/python3), for the
data library's full-scale bench when `npm run generate:full` (the synthetic engine, ~30 ms a crop in JS) would
take hours on a shared 2-core machine.

Every crop is a unique variation of one of the 338 crops of the h5py fixtures (random rescale, flip, gain and
sensor noise, JPEG q95), so crop sizes and JPEG sizes follow the real extraction; about 1.5% are all black as
in the research set. Layout exactly as the research code writes it: files `<position>_<flow>_<0|2>.h5`,
datasets `<position>_<flow>_<n>` of at most 10,000 crops, `np.array(list_of_jpeg_bytes)` (|S<max>, NUL-padded)
with gzip, plus `unshuffled_images.csv`.

  /usr/bin/python3 scripts/h5py/make_full_set.py [OUT_DIR] [TOTAL] [ONLY]
      defaults: bench/.data/full-h5py 598933; ONLY = comma-separated file names to (re)write, the others are
      left as they are (a file's crops then depend on which files were made before it in the same call)
"""
import os
import sys
import time

import cv2
import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, '..', '..'))
out = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(root, 'bench', '.data', 'full-h5py')
total = int(sys.argv[2]) if len(sys.argv) > 2 else 598933
only = set(sys.argv[3].split(',')) if len(sys.argv) > 3 else None
os.makedirs(out, exist_ok=True)
marker = os.path.join(out, 'unshuffled_images.csv')
if os.path.exists(marker):
    os.remove(marker)  # the set is incomplete until it is written again, last


def fixture_crops(name):
    with h5py.File(os.path.join(root, 'e2e', 'fixtures', name), 'r') as f:
        return [cv2.imdecode(np.frombuffer(f[k][i], np.uint8), -1) for k in f for i in range(len(f[k]))]


base = {'low': fixture_crops('left_low_0.h5'), 'high': fixture_crops('left_high_2.h5')}
files = [(pos, flow) for pos in ('left', 'mid', 'right') for flow in ('low', 'high')]
per = [total // len(files) + (1 if i < total % len(files) else 0) for i in range(len(files))]
rng = np.random.default_rng(1234)
rows = []
t0 = time.time()
done = 0
for (pos, flow), count in zip(files, per):
    name = f'{pos}_{flow}_{0 if flow == "low" else 2}.h5'
    if only is not None and name not in only:
        rows += [f'{name},{pos}_{flow}_{i // 10000},{i % 10000},{0 if flow == "low" else 1}' for i in range(count)]
        done += count
        continue
    with h5py.File(os.path.join(out, name), 'w') as f:
        for n, start in enumerate(range(0, count, 10000)):
            crops = []
            for i in range(start, min(count, start + 10000)):
                if rng.random() < 0.015:
                    h, w = int(rng.integers(20, 60)), int(rng.integers(20, 60))
                    img = np.zeros((h, w, 3), np.uint8)
                else:
                    src = base[flow][int(rng.integers(len(base[flow])))]
                    s = float(rng.uniform(0.7, 1.3))
                    img = cv2.resize(src, (max(8, int(src.shape[1] * s)), max(8, int(src.shape[0] * s))))
                    if rng.random() < 0.5:
                        img = img[:, ::-1]
                    noise = rng.normal(0, 3, img.shape)
                    img = np.clip(img * float(rng.uniform(0.8, 1.2)) + noise, 0, 255).astype(np.uint8)
                ok, enc = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, 95])
                crops.append(enc.tobytes())
            ds = f'{pos}_{flow}_{n}'
            f.create_dataset(ds, data=np.array(crops), compression='gzip')
            rows += [f'{name},{ds},{i},{0 if flow == "low" else 1}' for i in range(len(crops))]
            done += len(crops)
            print(f'{name} {ds}: {done:,} / {total:,} crops, {done / (time.time() - t0):.0f} crops/s', flush=True)
# Written last: the bench takes a folder holding it as a complete set.
with open(marker, 'w') as f:
    f.write('file,dataset,ds_idx,label\n' + '\n'.join(rows) + '\n')
print(f'{out}: {done} crops in {time.time() - t0:.0f} s')
