#!/usr/bin/env python3
"""Checks a generated set with h5py + OpenCV, as the research loader would read it: every file in the research
layout (1-D |S datasets, gzip, <= 10,000 per dataset named <source>_<n>), crops decoding as JPEG (all of them,
or a sample with --sample N), and the CSV index matching the files. Prints one JSON line; exit 1 on a problem.
usage: /usr/bin/python3 scripts/generate/verify_set.py DIR [--sample N]"""
import csv, glob, json, os, re, sys
import cv2, h5py, numpy as np

def main(folder, sample):
    problems, counts, decoded = [], {}, 0
    for path in sorted(glob.glob(os.path.join(folder, '*.h5'))):
        name = os.path.basename(path)
        with h5py.File(path, 'r') as f:
            for ds in f.keys():
                d = f[ds]
                if d.dtype.kind != 'S' or d.ndim != 1: problems.append(f'{name}/{ds}: dtype {d.dtype}, ndim {d.ndim}')
                if d.compression != 'gzip': problems.append(f'{name}/{ds}: compression {d.compression}')
                if d.shape[0] > 10000: problems.append(f'{name}/{ds}: {d.shape[0]} crops > 10,000')
                if not re.fullmatch(r'.+_\d+', ds): problems.append(f'{name}/{ds}: name is not <source>_<n>')
                counts[(name, ds)] = d.shape[0]
                idx = range(d.shape[0]) if sample <= 0 else np.linspace(0, d.shape[0] - 1, min(sample, d.shape[0])).astype(int)
                for i in idx:
                    img = cv2.imdecode(np.frombuffer(d[i], np.uint8), -1)
                    if img is None or img.ndim != 3: problems.append(f'{name}/{ds}[{i}] does not decode'); continue
                    decoded += 1
    for csv_name in ('unshuffled_images.csv', 'images.csv'):
        p = os.path.join(folder, csv_name)
        if not os.path.exists(p): problems.append(f'{csv_name} missing'); continue
        seen = {}
        with open(p) as fh:
            for row in csv.DictReader(fh):
                seen[(row['file'], row['dataset'])] = seen.get((row['file'], row['dataset']), 0) + 1
        if seen != counts: problems.append(f'{csv_name} does not list exactly the crops in the files')
    print(json.dumps({'files': len({k[0] for k in counts}), 'datasets': len(counts), 'crops': sum(counts.values()),
                      'decoded': decoded, 'problems': problems[:20]}))
    return 1 if problems else 0

if __name__ == '__main__':
    args = sys.argv[1:]
    n = int(args[args.index('--sample') + 1]) if '--sample' in args else 0
    sys.exit(main(args[0], n))
