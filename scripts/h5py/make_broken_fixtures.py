#!/usr/bin/python3
"""Make the broken-input fixtures of the data library's tests from the h5py fixtures (run with Debian's
/usr/bin/python3: python3-h5py). Writes into e2e/fixtures/:

  not_hdf5_low_0.h5      a text file with an .h5 name
  truncated_low_0.h5     the first 60% of left_low_0.h5 (a download cut short)
  corrupt_low_0.h5       research layout; element 3 of dataset spatter_low_flow_0 is not a JPEG
  mixed_types_low_0.h5   one float32 dataset (unsupported) beside a good research dataset of 5 crops
  stack_high_0.h5        a plain uint8 image stack N x H x W x 3 (8 crops decoded from left_high_2.h5)
"""
import os
import sys

import cv2
import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
fx = os.path.join(here, '..', '..', 'e2e', 'fixtures')
src = os.path.join(fx, 'left_low_0.h5')

with open(os.path.join(fx, 'not_hdf5_low_0.h5'), 'w') as f:
    f.write('file,dataset,ds_idx,label\nthis is not an HDF5 file\n')

data = open(src, 'rb').read()
with open(os.path.join(fx, 'truncated_low_0.h5'), 'wb') as f:
    f.write(data[: int(len(data) * 0.6)])

with h5py.File(src, 'r') as f:
    crops = [bytes(f['spatter_low_flow_0'][i]) for i in range(20)]
bad = list(crops)
bad[3] = b'this is not a JPEG, just text bytes'
with h5py.File(os.path.join(fx, 'corrupt_low_0.h5'), 'w') as f:
    f.create_dataset('spatter_low_flow_0', data=np.array(bad), compression='gzip', chunks=True)

with h5py.File(os.path.join(fx, 'mixed_types_low_0.h5'), 'w') as f:
    f.create_dataset('temperatures', data=np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4))
    f.create_dataset('spatter_low_flow_0', data=np.array(crops[:5]), compression='gzip', chunks=True)

with h5py.File(os.path.join(fx, 'left_high_2.h5'), 'r') as f:
    ims = [cv2.imdecode(np.frombuffer(f['spatter_high_flow_0'][i], np.uint8), -1) for i in range(8)]
stack = np.stack([cv2.resize(im, (24, 20), interpolation=cv2.INTER_AREA) for im in ims]).astype(np.uint8)
with h5py.File(os.path.join(fx, 'stack_high_0.h5'), 'w') as f:
    f.create_dataset('crops', data=stack[..., ::-1].copy())  # RGB order
print('wrote broken fixtures to', os.path.normpath(fx), file=sys.stderr)
