#!/usr/bin/env python3
"""Write the JPEGs that libjpeg (cv2.imencode, as the research saves its crops) makes of regions of a fixture frame:
the reference jpeg-encoder.test.ts holds the studio's crop encoder to, byte for byte.
usage: make_jpeg_fixtures.py   (run with /usr/bin/python3: it needs python3-opencv)
Writes src/workers/extract/__fixtures__/jpeg/<x>_<y>_<w>x<h>_q<quality>.jpg for the regions below."""
import gzip, os, cv2, numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '../../src/workers/extract/__fixtures__')
# (x, y, w, h, quality): the research's crop of the spatter at frame 123 (box 537,222,96,39), the whole frame,
# and sizes that leave partial MCUs and dummy blocks, at the default quality and others.
REGIONS = [
    (539, 224, 93, 36, 95),
    (0, 0, 640, 360, 95),
    (500, 180, 140, 120, 50),
    (600, 350, 1, 1, 95),
    (601, 301, 7, 3, 95),
    (100, 50, 17, 33, 10),
    (530, 200, 41, 18, 100),
]

def main():
    with gzip.open(os.path.join(FIXTURES, 'high_mp4_123.rgba.gz'), 'rb') as fh:
        frame = np.frombuffer(fh.read(640 * 360 * 4), np.uint8).reshape(360, 640, 4)
    bgr = cv2.cvtColor(frame, cv2.COLOR_RGBA2BGR)
    out = os.path.join(FIXTURES, 'jpeg')
    os.makedirs(out, exist_ok=True)
    for x, y, w, h, q in REGIONS:
        ok, buf = cv2.imencode('.jpg', np.ascontiguousarray(bgr[y:y + h, x:x + w]), [cv2.IMWRITE_JPEG_QUALITY, q])
        assert ok
        with open(os.path.join(out, f'{x}_{y}_{w}x{h}_q{q}.jpg'), 'wb') as fh:
            fh.write(buf.tobytes())
    print(f'wrote {len(REGIONS)} files to {os.path.relpath(out)} (OpenCV {cv2.__version__})')

if __name__ == '__main__':
    main()
