#!/usr/bin/python3
"""Print, as JSON, the sha256 of every element of the HDF5 crop fixtures exactly as h5py returns it
(bytes of a fixed-length |S element with the NUL padding stripped by numpy, or a vlen uint8 array's bytes).
The data library's tests compare h5wasm reads against this. Run with Debian's /usr/bin/python3:

  /usr/bin/python3 scripts/h5py/digests.py e2e/fixtures/left_low_0.h5 ... > e2e/fixtures/h5py-digests.json
"""
import hashlib
import json
import os
import sys

import h5py
import numpy as np


def element_bytes(x):
    if isinstance(x, (bytes, np.bytes_)):
        return bytes(x)
    return np.asarray(x, dtype=np.uint8).tobytes()


out = {}
for path in sys.argv[1:]:
    with h5py.File(path, 'r') as f:
        per_file = {}
        for name in f.keys():
            ds = f[name]
            per_file[name] = [hashlib.sha256(element_bytes(ds[i])).hexdigest() for i in range(ds.shape[0])]
        out[os.path.basename(path)] = per_file
print(json.dumps(out, indent=1, sort_keys=True))
