// Reference yardstick for data.decode.crops_per_s: h5py + OpenCV reading left_high_2.h5 (237 research-layout
// crops) 20 times over, decoding each JPEG, grey + resize to 40x40 (the research cache transform). Needs
// Debian's /usr/bin/python3 with python3-h5py and python3-opencv.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('../../e2e/fixtures/left_high_2.h5', import.meta.url));

const PY = `
import sys, time, h5py, numpy as np, cv2
path, copies = sys.argv[1], int(sys.argv[2])
t0 = time.time(); n = 0
for _ in range(copies):
    with h5py.File(path, 'r') as f:
        for name in f.keys():
            ds = f[name]
            for i in range(ds.shape[0]):
                img = cv2.imdecode(np.frombuffer(ds[i], np.uint8), cv2.IMREAD_COLOR)
                g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
                cv2.resize(g, (40, 40), interpolation=cv2.INTER_LINEAR)
                n += 1
dt = time.time() - t0
print(n, dt)
`;

export async function run() {
  let out;
  try {
    out = execFileSync('/usr/bin/python3', ['-c', PY, fixture, '20'], { encoding: 'utf8' });
  } catch (e) {
    return [
      {
        name: 'data.decode.h5py_opencv.crops_per_s',
        value: 0,
        unit: 'error',
        note: `python3-h5py/python3-opencv missing or failed: ${String(e).split('\n')[0]}`,
      },
    ];
  }
  const [n, dt] = out.trim().split(/\s+/).map(Number);
  return [
    {
      name: 'data.decode.h5py_opencv.crops_per_s',
      value: Math.round(n / dt),
      unit: 'crops/s',
      note: `h5py element reads + cv2.imdecode + grey + resize 40x40, ${n} crops (left_high_2.h5 x20), 1 process`,
    },
  ];
}
