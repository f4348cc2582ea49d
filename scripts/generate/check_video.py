#!/usr/bin/env python3
"""Runs the research extraction (frame differencing, threshold 20, 3 dilations, contour area 2000-15000 px²,
blue crops rejected, a new layer after > 700 frames without spatter) on a video with native OpenCV and prints
{"frames", "crops", "layers", "frames_with_crops"} as JSON: the yardstick for generated videos.
usage: /usr/bin/python3 scripts/generate/check_video.py VIDEO"""
import json, sys
import cv2

def main(video):
    cap = cv2.VideoCapture(video)
    ok1, f1 = cap.read()
    ok2, f2 = cap.read()
    if not (ok1 and ok2):
        print(json.dumps({'error': f'{video}: fewer than 2 frames could be decoded'}))
        return 1
    n, crops, busy, layer, pre = 0, 0, 0, 0, 0
    while True:
        gray = cv2.cvtColor(cv2.absdiff(f1, f2), cv2.COLOR_BGR2GRAY)
        _, th = cv2.threshold(cv2.GaussianBlur(gray, (5, 5), 0), 20, 255, cv2.THRESH_BINARY)
        contours, _ = cv2.findContours(cv2.dilate(th, None, iterations=3), cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
        count = 0
        for c in contours:
            x, y, w, h = cv2.boundingRect(c)
            crop = f1[y + 2:y + h - 1, x + 2:x + w - 1]
            blue = crop[:, :, 0].sum() > crop[:, :, 1].sum() + crop[:, :, 2].sum()
            a = cv2.contourArea(c)
            if 2000 <= a <= 15000 and not blue:
                count += 1
        crops += count
        if count:
            busy += 1
            if n - pre > 700:
                layer += 1
            pre = n
        f1 = f2
        ok, f2 = cap.read()
        if not ok:
            break
        n += 1
    print(json.dumps({'frames': n + 2, 'crops': crops, 'layers': layer, 'frames_with_crops': busy}))
    return 0

if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
