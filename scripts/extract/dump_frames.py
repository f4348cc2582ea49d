#!/usr/bin/env python3
"""Dump decoded frames of a video as raw RGBA (what the studio's detector sees), gzip-compressed, decoded by
native OpenCV exactly as seed_extract.py decodes them (cv2.VideoCapture → BGR → RGBA).
usage: dump_frames.py VIDEO OUT.rgba.gz FIRST COUNT   (run with /usr/bin/python3: it needs python3-opencv)
Also prints, per frame pair, the seed's contour verdicts, to pick frames that exercise every rule."""
import gzip, sys, cv2

def main(video, out, first, count):
    cap = cv2.VideoCapture(video)
    frames, n = [], 0
    while len(frames) < count:
        ok, f = cap.read()
        if not ok:
            break
        if n >= first:
            frames.append(f)
        n += 1
    with gzip.open(out, 'wb', compresslevel=9) as fh:
        for f in frames:
            fh.write(cv2.cvtColor(f, cv2.COLOR_BGR2RGBA).tobytes())
    h, w = frames[0].shape[:2]
    print(f'{len(frames)} frames {w}x{h} from {first} -> {out}')

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
