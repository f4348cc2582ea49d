#!/usr/bin/python3
"""Make the HEVC (H.265) fixture of the Extract area's unsupported-codec test (run with Debian's /usr/bin/python3:
python3-opencv, whose FFmpeg encodes fourcc 'hvc1' with libx265). Writes e2e/fixtures/spatter_hevc_high_flow.mp4:
the first 20 frames of spatter_high_flow.mp4 scaled to 160x90, a few KB. Chromium's WebCodecs cannot decode
HEVC, so the studio must refuse it with a message that names the file, HEVC and how to re-encode.
"""
import os
import sys

import cv2

here = os.path.dirname(os.path.abspath(__file__))
fx = os.path.normpath(os.path.join(here, '..', '..', 'e2e', 'fixtures'))
src = os.path.join(fx, 'spatter_high_flow.mp4')
out = os.path.join(fx, 'spatter_hevc_high_flow.mp4')
W, H, FRAMES = 160, 90, 20

cap = cv2.VideoCapture(src)
writer = cv2.VideoWriter(out, cv2.VideoWriter_fourcc(*'hvc1'), 25.0, (W, H))
if not writer.isOpened():
    sys.exit('cv2.VideoWriter could not open an HEVC (hvc1) encoder: is FFmpeg built with libx265?')
for _ in range(FRAMES):
    ok, frame = cap.read()
    if not ok:
        sys.exit(f'{src} has fewer than {FRAMES} frames')
    writer.write(cv2.resize(frame, (W, H), interpolation=cv2.INTER_AREA))
writer.release()
cap.release()

check = cv2.VideoCapture(out)
fourcc = int(check.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, 'little').decode('ascii', 'replace')
n = int(check.get(cv2.CAP_PROP_FRAME_COUNT))
if fourcc.lower() not in ('hvc1', 'hev1') or n != FRAMES:
    sys.exit(f'{out}: expected {FRAMES} HEVC frames, got {n} frames with fourcc {fourcc!r}')
print(f'{out}: {n} frames {W}x{H}, fourcc {fourcc}, {os.path.getsize(out)} bytes')
