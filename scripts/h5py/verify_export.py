#!/usr/bin/python3
"""Read an exported research-layout HDF5 file the way the research code does and report, as JSON, per
dataset: dtype, string padding, compression, element count, sha256 of every element (as h5py returns it)
and how many decode with cv2.imdecode(np.frombuffer(f[ds][i], np.uint8), -1).
Run with Debian's /usr/bin/python3 (python3-h5py, python3-opencv):

  /usr/bin/python3 scripts/h5py/verify_export.py exported.h5
"""
import hashlib
import json
import sys

import cv2
import h5py
import numpy as np

out = {}
with h5py.File(sys.argv[1], 'r') as f:
    for name in f.keys():
        ds = f[name]
        tid = ds.id.get_type()
        digests, decoded = [], 0
        for i in range(ds.shape[0]):
            b = ds[i]
            digests.append(hashlib.sha256(bytes(b)).hexdigest())
            im = cv2.imdecode(np.frombuffer(b, np.uint8), -1)
            decoded += im is not None
        out[name] = {
            'dtype': ds.dtype.str,
            'strpad': 'nullpad' if tid.get_strpad() == h5py.h5t.STR_NULLPAD else str(tid.get_strpad()),
            'compression': ds.compression,
            'count': ds.shape[0],
            'decoded': int(decoded),
            'digests': digests,
        }
print(json.dumps(out))
