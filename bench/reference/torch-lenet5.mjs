// Reference yardstick for training: PyTorch running the research LeNet5 recipe (scripts/train/torch_lenet5.py,
// a copy of the shared reference) on the e2e HDF5 fixtures, 20 epochs, batch 256 (the studio's bench batch).
// Prints test accuracy and training img/s. The figures to set beside train.lenet5.<backend>.b256 and the
// studio's own accuracy on the same files. Needs Debian's /usr/bin/python3 with python3-torch,
// python3-torchvision, python3-h5py and python3-opencv.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/train/torch_lenet5.py', import.meta.url));
const fx = (n) => fileURLToPath(new URL(`../../e2e/fixtures/${n}`, import.meta.url));

export async function run() {
  let out;
  try {
    out = execFileSync(
      '/usr/bin/python3',
      [
        script,
        '--files',
        `${fx('left_low_0.h5')}:0`,
        `${fx('left_high_2.h5')}:1`,
        '--batch-size',
        '256',
        '--epochs',
        '20',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (e) {
    return [
      {
        name: 'torch.lenet5.cpu.b256',
        value: 0,
        unit: 'error',
        note: `python3-torch (or h5py/opencv) missing or failed: ${String(e).split('\n')[0]}`,
      },
    ];
  }
  const r = JSON.parse(out.trim().split('\n').at(-1));
  const note = `PyTorch ${r.torch}, ${r.images} fixture crops (left_low_0 + left_high_2), 60/20/20 split, 20 epochs`;
  return [
    {
      name: 'torch.lenet5.cpu.b256',
      value: r.train_img_per_s,
      unit: 'img/s',
      note: `${note}; tiny set, so per-epoch overheads weigh in`,
    },
    { name: 'torch.lenet5.fixtures.test_acc', value: r.test_acc, unit: 'fraction', note },
  ];
}
