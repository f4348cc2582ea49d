#!/usr/bin/env python3
"""Cuts the six real research crops out of the research's figure (research_crops_figure.png: one crop per camera
position and gas flow, each drawn at some scale under a title giving its shape (h, w, 3) and mean grey) and
writes them at their printed shape as PNGs named <position>_<flow>.png, for the demo model's test.
usage: /usr/bin/python3 scripts/generate/cut_real_crops.py FIGURE.png OUT_DIR"""
import json, os, sys
import cv2, numpy as np

# From the figure's titles: (position, flow) -> (height, width, printed mean grey).
CROPS = {
    ('left', 'low'): (145, 85, 48.2), ('mid', 'low'): (106, 136, 46.0), ('right', 'low'): (125, 130, 29.7),
    ('left', 'high'): (92, 165, 11.7), ('mid', 'high'): (66, 137, 9.0), ('right', 'high'): (101, 117, 8.2),
}

def main(figure, out):
    img = cv2.imread(figure, cv2.IMREAD_COLOR)
    if img is None:
        raise SystemExit(f'{figure}: not an image OpenCV can read')
    # The crops are the large non-white rectangles: everything not white-ish, connected, at least 100 px a side
    # (the titles are thin text, apart from the crops).
    mask = (img.max(axis=2) < 235).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    boxes = [tuple(int(v) for v in stats[i][:4]) for i in range(1, n) if stats[i][2] > 100 and stats[i][3] > 100]
    if len(boxes) != 6:
        raise SystemExit(f'expected 6 crops in the figure, found {len(boxes)}: {boxes}')
    # Match each box to the title with the nearest aspect ratio (all six differ).
    left = dict(CROPS)
    report = []
    os.makedirs(out, exist_ok=True)
    for x, y, w, h in sorted(boxes, key=lambda b: (b[1] // 200, b[0])):
        key = min(left, key=lambda k: abs(np.log((w / h) / (left[k][1] / left[k][0]))))
        ch, cw, grey = left.pop(key)
        crop = cv2.resize(img[y:y + h, x:x + w], (cw, ch), interpolation=cv2.INTER_AREA)
        name = f'{key[0]}_{key[1]}.png'
        cv2.imwrite(os.path.join(out, name), crop)
        if abs(crop.mean() - grey) > 1:
            raise SystemExit(f'{name}: mean grey {crop.mean():.1f}, the figure says {grey}: the cut is wrong')
        report.append({'file': name, 'box': [x, y, w, h], 'shape': [ch, cw], 'mean': round(float(crop.mean()), 1),
                       'printed_mean': grey})
    print(json.dumps(report, indent=1))

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
