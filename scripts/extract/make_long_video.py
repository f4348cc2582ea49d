#!/usr/bin/python3
"""Make the long video of the extract-long bench (run with Debian's /usr/bin/python3: python3-opencv, whose
FFmpeg encodes fourcc 'avc1' with libx264). Writes bench/.data/long/spatter_long_30k.mp4: 640x360 H.264 at
25 fps, the frames of e2e/fixtures/spatter_high_flow.mp4 and spatter_low_flow.mp4 (440 each) one after the
other, 35 times each (70 clips, 30,800 frames), so spatters keep coming for the whole video. The frame count is
checked by decoding the result with OpenCV.

The video is written under a temporary name and renamed when complete, so a bench never picks up half a file.
usage: /usr/bin/python3 scripts/extract/make_long_video.py [--force]
"""
import os
import sys

import cv2

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.normpath(os.path.join(here, '..', '..'))
fixtures = os.path.join(root, 'e2e', 'fixtures')
out_dir = os.path.join(root, 'bench', '.data', 'long')
out = os.path.join(out_dir, 'spatter_long_30k.mp4')
CLIPS = ['spatter_high_flow.mp4', 'spatter_low_flow.mp4']
REPEATS = 35
W, H, FPS = 640, 360, 25.0


def read_frames(name):
    cap = cv2.VideoCapture(os.path.join(fixtures, name))
    frames = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        if f.shape[:2] != (H, W):
            sys.exit(f'{name}: frames are {f.shape[1]}x{f.shape[0]}, expected {W}x{H}')
        frames.append(f)
    cap.release()
    return frames


def count_frames(path):
    cap = cv2.VideoCapture(path)
    n = 0
    while cap.grab():
        n += 1
    cap.release()
    return n


def main():
    if os.path.exists(out) and '--force' not in sys.argv:
        print(f'{os.path.relpath(out, root)} exists (--force to remake it)')
    else:
        clips = [read_frames(c) for c in CLIPS]
        expected = REPEATS * sum(len(c) for c in clips)
        os.makedirs(out_dir, exist_ok=True)
        # OpenCV picks the container from the extension, so the temporary file keeps .mp4 in a hidden name.
        tmp = os.path.join(out_dir, '.writing.mp4')
        writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*'avc1'), FPS, (W, H))
        if not writer.isOpened():
            sys.exit('cv2.VideoWriter could not open an H.264 (avc1) encoder: is FFmpeg built with libx264?')
        for r in range(REPEATS):
            for c in clips:
                for f in c:
                    writer.write(f)
            print(f'\r{(r + 1) * sum(len(c) for c in clips)}/{expected} frames', end='', file=sys.stderr)
        writer.release()
        print(file=sys.stderr)
        fourcc = int(cv2.VideoCapture(tmp).get(cv2.CAP_PROP_FOURCC)).to_bytes(4, 'little').decode('ascii', 'replace')
        n = count_frames(tmp)
        if n != expected or fourcc.lower() not in ('avc1', 'h264'):
            os.remove(tmp)
            sys.exit(f'the encoded video has {n} frames with fourcc {fourcc!r}; expected {expected} H.264 frames')
        os.replace(tmp, out)
        print(f'{os.path.relpath(out, root)}: {n} frames {W}x{H} H.264 ({fourcc}), {os.path.getsize(out) / 2**20:.1f} MB')


if __name__ == '__main__':
    main()
