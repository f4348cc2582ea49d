#!/usr/bin/env python3
"""Draws docs/synthetic-vs-real.png: the six real research crops (cut from the research's figure, see
scripts/generate/cut_real_crops.py) in the top row, and below each a few synthetic crops of the same camera
position and gas flow from a generated set (`npm run generate:set -- --crops 600 --out DIR`, whose files
<position>_<flow>_<label>.h5 hold crops of that view), at the same scale, with shape and mean grey under each.
usage: /usr/bin/python3 scripts/docs/montage.py SET_DIR [OUT.png] [--rows 3]"""
import os, sys
import cv2, h5py, numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REAL = os.path.join(ROOT, 'src/workers/eval/fixtures/real-crops')
COLS = [('left', 'low'), ('mid', 'low'), ('right', 'low'), ('left', 'high'), ('mid', 'high'), ('right', 'high')]
CELL_W, CELL_H, SCALE, PAD, HEAD, CAP = 330, 330, 1.6, 16, 64, 26
FONT = cv2.FONT_HERSHEY_SIMPLEX


def synthetic(folder, pos, flow, n):
    label = 0 if flow == 'low' else 2
    with h5py.File(os.path.join(folder, f'{pos}_{flow}_{label}.h5'), 'r') as f:
        ds = f[sorted(f.keys())[0]]
        out = []
        for b in ds[:]:
            img = cv2.imdecode(np.frombuffer(b, np.uint8), cv2.IMREAD_COLOR)
            if img is not None and img.mean() >= 5:  # all-black crops exist (1.5%) but tell nothing here
                out.append(img)
            if len(out) == n:
                return out
    return out


def put(canvas, img, x, y):
    s = min(SCALE, (CELL_W - 8) / img.shape[1], (CELL_H - CAP - 8) / img.shape[0])
    big = cv2.resize(img, (round(img.shape[1] * s), round(img.shape[0] * s)), interpolation=cv2.INTER_AREA)
    ox = x + (CELL_W - big.shape[1]) // 2
    canvas[y:y + big.shape[0], ox:ox + big.shape[1]] = big
    text = f'{img.shape[0]}x{img.shape[1]}, mean {img.mean():.1f}'
    cv2.putText(canvas, text, (x + 10, y + big.shape[0] + 20), FONT, 0.55, (60, 60, 60), 1, cv2.LINE_AA)


def main(folder, out, rows):
    W = PAD + len(COLS) * (CELL_W + PAD) + 120
    H = HEAD + (rows + 1) * (CELL_H + PAD) + 40
    canvas = np.full((H, W, 3), 255, np.uint8)
    cv2.putText(canvas, 'Real research crops (top row) and synthetic crops of the same view and gas flow (below)',
                (PAD, 30), FONT, 0.8, (0, 0, 0), 2, cv2.LINE_AA)
    for c, (pos, flow) in enumerate(COLS):
        x = 120 + PAD + c * (CELL_W + PAD)
        cv2.putText(canvas, f'{pos.capitalize()} - {flow.capitalize()} Flow', (x + 10, HEAD - 8), FONT, 0.65,
                    (0, 0, 0), 2, cv2.LINE_AA)
        put(canvas, cv2.imread(os.path.join(REAL, f'{pos}_{flow}.png')), x, HEAD)
        for r, img in enumerate(synthetic(folder, pos, flow, rows)):
            put(canvas, img, x, HEAD + (r + 1) * (CELL_H + PAD))
    cv2.putText(canvas, 'real', (PAD, HEAD + 40), FONT, 0.8, (0, 0, 0), 2, cv2.LINE_AA)
    for r in range(rows):
        cv2.putText(canvas, 'synthetic', (PAD, HEAD + (r + 1) * (CELL_H + PAD) + 40), FONT, 0.7, (0, 0, 0), 2,
                    cv2.LINE_AA)
    cv2.line(canvas, (PAD, HEAD + CELL_H + PAD // 2), (W - PAD, HEAD + CELL_H + PAD // 2), (160, 160, 160), 2)
    cv2.imwrite(out, canvas, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print(f'{out}: {W}x{H}, {os.path.getsize(out)} bytes')


if __name__ == '__main__':
    args = [a for a in sys.argv[1:]]
    rows = int(args[args.index('--rows') + 1]) if '--rows' in args else 3
    pos = [a for i, a in enumerate(args) if not a.startswith('--') and (i == 0 or args[i - 1] != '--rows')]
    main(pos[0], pos[1] if len(pos) > 1 else os.path.join(ROOT, 'docs/synthetic-vs-real.png'), rows)
