#!/usr/bin/env python3
"""Spatter Studio job: train the exported configuration with PyTorch, on one process or many (DDP).

  python3 train.py                                   # one process
  torchrun --nproc_per_node 4 train.py               # DistributedDataParallel: gloo on CPU, nccl on GPU
  torchrun --nproc_per_node 2 train.py training.epochs=2 studio.output_dir=/tmp/out   # Hydra-style overrides

The configuration is the research's Hydra layout (config/config.yaml with the model/training/data groups),
composed here with PyYAML so Hydra need not be installed; the composed config is written to <output>/.hydra/ as
Hydra does. The data is checked against data/manifest.json (SHA-256 of every file, the index and the split)
before training: results always name the exact data they came from. HDF5 files are read lazily, one crop at a
time, as the research's Dataset did (each process opens each file once, on first use).

Writes to studio.output_dir (default outputs/): metrics.jsonl (one line per epoch), model.onnx (logits of
N x C x S x S inputs in [0, 1]), result.json (test accuracy, processes, digests), manifest.json and .hydra/.
Prints `test_accuracy=<value>` at the end. Needs torch, torchvision, h5py, opencv (cv2), numpy, pyyaml.
"""
import copy
import hashlib
import json
import math
import os
import random
import sys
import time

import cv2
import h5py
import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torchvision.transforms.functional as TF
import yaml
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset
from torch.utils.data.distributed import DistributedSampler

HERE = os.path.dirname(os.path.abspath(__file__))


class JobError(Exception):
    """A problem with the job's files or configuration, said in one sentence."""


# ---- configuration (Hydra layout, composed with PyYAML) --------------------------------------------------

def load_yaml(path):
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f) or {}


def merge(base, over):
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def compose(overrides):
    root = load_yaml(os.path.join(HERE, 'config', 'config.yaml'))
    defaults = root.pop('defaults', [])
    groups = {list(e)[0] for e in defaults if isinstance(e, dict)}
    # Group overrides (`model=lenet5-classic`) choose another file of that group, as in Hydra.
    chosen = {}
    for o in overrides:
        key, _, raw = o.partition('=')
        if key in groups:
            chosen[key] = raw
    cfg = {}
    for entry in defaults:
        if entry == '_self_':
            cfg = merge(cfg, root)
            continue
        (group, name), = entry.items()
        name = chosen.get(group, name)
        path = os.path.join(HERE, 'config', group, f'{name}.yaml')
        if not os.path.exists(path) and group == 'model':
            # The job ships the studio's model file; another LeNet variant keeps its architecture keys.
            base = load_yaml(os.path.join(HERE, 'config', group, f'{entry[group]}.yaml'))
            cfg[group] = merge(cfg.get(group, {}), {**base, 'name': name})
            continue
        if not os.path.exists(path):
            raise JobError(f'No config file {path} for {group}={name}')
        cfg[group] = merge(cfg.get(group, {}), load_yaml(path))
    for o in overrides:
        if o.partition('=')[0] in groups:
            continue
        if '=' not in o:
            raise JobError(f'"{o}" is not an override: write it as key=value (e.g. training.epochs=5)')
        key, raw = o.split('=', 1)
        add = key.startswith('+')
        parts = key.lstrip('+').split('.')
        node = cfg
        for p in parts[:-1]:
            if not isinstance(node.get(p), dict):
                raise JobError(f'Unknown key "{key}": {p} is not a config group')
            node = node[p]
        if parts[-1] not in node and not add:
            raise JobError(f'Unknown key "{key}": add it with +{key}=... if it is new')
        node[parts[-1]] = yaml.safe_load(raw)
    return cfg


# ---- data: manifest check, frozen split, lazy HDF5 reads --------------------------------------------------

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(',', ':'), ensure_ascii=False)


def job_path(p):
    return p if os.path.isabs(p) else os.path.join(HERE, p)


def check_manifest(cfg):
    path = job_path(cfg['studio']['manifest'])
    if not os.path.exists(path):
        raise JobError(f'The data manifest {path} is missing: unzip the whole job')
    with open(path, encoding='utf-8') as f:
        manifest = json.load(f)
    body = {k: v for k, v in manifest.items() if k != 'digest'}
    digest = hashlib.sha256(canonical(body).encode('utf-8')).hexdigest()
    if digest != manifest.get('digest') or digest != cfg['studio']['manifest_digest']:
        raise JobError('data/manifest.json does not match its digest or studio.manifest_digest: '
                       'the manifest was edited; export the job again from the studio')
    data_root = job_path(cfg['paths']['data_root'])
    for f in manifest['files']:
        p = os.path.join(data_root, os.path.basename(f['path']))
        if not os.path.exists(p):
            raise JobError(f'Data file {p} is missing: copy {os.path.basename(f["path"])} into {data_root}')
        if f.get('sha256') is None:
            # A referenced file (not in the job's zip): no digest to check yet; the index is checked per crop below.
            print(f'note: {p} is referenced by name; its content is not verified by a digest', flush=True)
            continue
        got = sha256_file(p)
        if got != f['sha256']:
            raise JobError(f'Data file {p} has SHA-256 {got[:12]}…, the manifest expects {f["sha256"][:12]}…: '
                           'it is not the file the job was exported with')
    split_path = job_path(manifest['split']['path'])
    if sha256_file(split_path) != manifest['split']['sha256']:
        raise JobError(f'{split_path} does not match the manifest: the frozen split was changed')
    return manifest, data_root, split_path


def check_referenced(manifest, data_root, rows):
    """Every crop of a referenced file must exist in it (dataset present, index in range)."""
    referenced = {os.path.basename(f['path']) for f in manifest['files'] if f.get('sha256') is None}
    if not referenced:
        return
    need = {}
    for split in rows.values():
        for file, ds, k, _ in split:
            if file in referenced:
                need[(file, ds)] = max(need.get((file, ds), -1), k)
    for (file, ds), k in need.items():
        with h5py.File(os.path.join(data_root, file), 'r') as f:
            if ds not in f:
                raise JobError(f'{file} has no dataset {ds}: it is not the file the job was exported from')
            if f[ds].shape[0] <= k:
                raise JobError(f'{file}/{ds} has {f[ds].shape[0]} crops, the index needs {k + 1}: another file?')


def read_split(path):
    rows = {'train': [], 'val': [], 'test': []}
    with open(path, encoding='utf-8') as f:
        header = f.readline().strip()
        if header != 'file,dataset,ds_idx,label,split':
            raise JobError(f'{path}: unexpected header "{header}"')
        for line in f:
            if not line.strip():
                continue
            file, ds, idx, label, split = line.rstrip('\n').rsplit(',', 4)
            rows[split].append((file, ds, int(idx), int(label)))
    return rows


def resize_bilinear(src, out_w, out_h):
    """The studio's cache resize (cv2.INTER_LINEAR geometry, float weights, rounded half up), bit for bit."""
    h, w = src.shape

    def axis(n_out, n_in):
        f = (np.arange(n_out, dtype=np.float64) + 0.5) * (n_in / n_out) - 0.5
        i0 = np.floor(f).astype(np.int64)
        fr = f - i0
        low = i0 < 0
        i0[low], fr[low] = 0, 0.0
        high = i0 >= n_in - 1
        i0[high], fr[high] = n_in - 1, 0.0
        return i0, np.minimum(i0 + 1, n_in - 1), fr

    x0, x1, fx = axis(out_w, w)
    fx = fx.astype(np.float32).astype(np.float64)
    y0, y1, fy = axis(out_h, h)
    s = src.astype(np.float64)
    top = s[y0][:, x0] + (s[y0][:, x1] - s[y0][:, x0]) * fx
    bot = s[y1][:, x0] + (s[y1][:, x1] - s[y1][:, x0]) * fx
    return np.floor(top + (bot - top) * fy[:, None] + 0.5).astype(np.uint8)


def grey_crop(element, side):
    """One stored crop (JPEG bytes, or a pixel array) as the studio's side x side grey cache entry."""
    if isinstance(element, (bytes, np.bytes_)) or (isinstance(element, np.ndarray) and element.ndim == 1):
        buf = np.frombuffer(bytes(element), np.uint8) if isinstance(element, (bytes, np.bytes_)) else element
        img = cv2.imdecode(np.asarray(buf, np.uint8), cv2.IMREAD_COLOR)
        if img is None:
            raise JobError('a crop could not be decoded as an image')
        grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    else:
        img = np.asarray(element, np.uint8)
        grey = img if img.ndim == 2 else cv2.cvtColor(img[..., :3], cv2.COLOR_RGB2GRAY)
    return resize_bilinear(grey, side, side)


class SpatterCrops(Dataset):
    """Crops read lazily from the job's HDF5 files (file, dataset, ds_idx, label), like the research's Dataset."""

    def __init__(self, rows, data_root, side, size, train, cfg):
        self.rows, self.data_root, self.side, self.size, self.train = rows, data_root, side, size, train
        aug = cfg['training'].get('augment', {})
        self.rotation = float(cfg['data']['transforms'].get('rotation_degrees', 0)) if train else 0.0
        self.flips = bool(aug.get('flips', False)) and train
        self.brightness = float(aug.get('brightness', 0)) if train else 0.0
        self.contrast = float(aug.get('contrast', 0)) if train else 0.0
        self.files = {}
        self.cache = {} if cfg['studio'].get('cache_decoded', True) else None

    def __len__(self):
        return len(self.rows)

    def grey(self, i):
        if self.cache is not None and i in self.cache:
            return self.cache[i]
        file, ds, k, _ = self.rows[i]
        f = self.files.get(file)
        if f is None:
            f = self.files[file] = h5py.File(os.path.join(self.data_root, file), 'r')
        g = grey_crop(f[ds][k], self.side)
        if self.cache is not None:
            self.cache[i] = g
        return g

    def __getitem__(self, i):
        x = torch.from_numpy(self.grey(i)).float().div_(255.0).unsqueeze(0)
        if self.rotation > 0:
            x = TF.rotate(x, random.uniform(-self.rotation, self.rotation))
        if self.flips:
            if random.random() < 0.5:
                x = x.flip(-1)
            if random.random() < 0.5:
                x = x.flip(-2)
        if self.brightness > 0:
            x = x + random.uniform(-self.brightness, self.brightness)
        if self.contrast > 0:
            x = (x - x.mean()) * random.uniform(1 - self.contrast, 1 + self.contrast) + x.mean()
        off = int((self.side - self.size) / 2 + 0.5)
        x = x[:, off:off + self.size, off:off + self.size].clamp(0, 1)
        return x, torch.tensor([float(self.rows[i][3])])


# ---- model ------------------------------------------------------------------------------------------------

class Replicate(nn.Module):
    """Grey [B, 1, S, S] -> [B, C, S, S] (the research replicated grey to 3 channels)."""

    def __init__(self, channels):
        super().__init__()
        self.channels = channels

    def forward(self, x):
        return x.expand(-1, self.channels, -1, -1) if x.shape[1] == 1 and self.channels > 1 else x


def build_model(cfg):
    name = cfg['model']['name']
    c = int(cfg['model']['architecture']['in_channels'])
    size = int(cfg['data']['resize'])
    side = ((size - 4) // 2 - 4) // 2
    head = [nn.Flatten(), nn.Linear(16 * side * side, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 1)]
    if name == 'lenet5':
        body = [nn.Conv2d(c, 6, 5), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.MaxPool2d(2)]
    elif name == 'lenet5-classic':
        body = [nn.Conv2d(c, 6, 5), nn.Tanh(), nn.AvgPool2d(2), nn.Sigmoid(),
                nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2), nn.Sigmoid()]
    else:
        raise JobError(f'model.name={name}: this train.py builds lenet5 and lenet5-classic')
    return nn.Sequential(*body, *head)


def focal_loss(z, y, alpha, gamma=2.0):
    bce = nn.functional.binary_cross_entropy_with_logits(z, y, reduction='none')
    p = torch.sigmoid(z)
    pt = y * p + (1 - y) * (1 - p)
    at = y * alpha + (1 - y) * (1 - alpha)
    return (at * (1 - pt).pow(gamma) * bce).mean()


# ---- training ---------------------------------------------------------------------------------------------

def evaluate(model, ds, batch, device, channels):
    model.eval()
    loss_sum = hit = n = 0
    with torch.no_grad():
        for xb, yb in DataLoader(ds, batch_size=batch, shuffle=False):
            xb, yb = xb.to(device), yb.to(device)
            z = model(xb.expand(-1, channels, -1, -1))
            loss_sum += nn.functional.binary_cross_entropy_with_logits(z, yb, reduction='sum').item()
            hit += ((z > 0).float() == yb).sum().item()
            n += len(yb)
    model.train()
    return loss_sum / max(n, 1), hit / max(n, 1), int(hit), n


def main(argv):
    cfg = compose(argv)
    world = int(os.environ.get('WORLD_SIZE', '1'))
    rank = int(os.environ.get('RANK', '0'))
    local_rank = int(os.environ.get('LOCAL_RANK', '0'))
    # Under torchrun (or a Kubeflow/Ray launcher that sets the same variables) always use DDP, even on one process.
    distributed = 'WORLD_SIZE' in os.environ and 'MASTER_ADDR' in os.environ
    cuda = torch.cuda.is_available() and cfg.get('device', 'auto') in ('auto', 'cuda')
    backend = cfg['studio'].get('dist_backend', 'auto')
    if backend == 'auto':
        backend = 'nccl' if cuda else 'gloo'
    if distributed:
        dist.init_process_group(backend=backend)
    device = torch.device(f'cuda:{local_rank}' if cuda else 'cpu')
    if cuda:
        torch.cuda.set_device(device)

    manifest, data_root, split_path = check_manifest(cfg)
    rows = read_split(split_path)
    check_referenced(manifest, data_root, rows)
    seed = int(cfg['seed'])
    random.seed(seed + rank)
    np.random.seed(seed + rank)
    torch.manual_seed(seed)

    t = cfg['training']
    size = int(cfg['data']['resize'])
    side = int(cfg['data'].get('cache_size', round(size * float(cfg['data']['transforms']['resize_factor']))))
    channels = int(cfg['model']['architecture']['in_channels'])
    batch = max(1, int(t['batch_size']) // world)
    train_ds = SpatterCrops(rows['train'], data_root, side, size, True, cfg)
    val_ds = SpatterCrops(rows['val'], data_root, side, size, False, cfg)
    test_ds = SpatterCrops(rows['test'], data_root, side, size, False, cfg)
    sampler = DistributedSampler(train_ds, num_replicas=world, rank=rank, shuffle=True, seed=seed) if distributed else None
    gen = torch.Generator().manual_seed(seed)
    loader = DataLoader(train_ds, batch_size=batch, shuffle=sampler is None, sampler=sampler, generator=gen,
                        num_workers=int(t.get('num_workers', 0)))

    net = build_model(cfg).to(device)
    model = DistributedDataParallel(net, device_ids=[local_rank] if cuda else None) if distributed else net
    opt = torch.optim.Adam(model.parameters(), lr=float(t['optimizer']['lr']),
                           weight_decay=float(t['optimizer']['weight_decay']))
    ones = sum(r[3] for r in rows['train'])
    alpha = 1 - ones / max(len(rows['train']), 1)
    loss_fn = (lambda z, y: focal_loss(z, y, alpha)) if t['loss'] == 'focal' else nn.BCEWithLogitsLoss()
    sched = None
    if t['scheduler']['enabled'] and t['scheduler']['name'] == 'reduce_on_plateau':
        sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode='max', patience=int(t['scheduler']['patience']),
                                                           factor=float(t['scheduler']['factor']),
                                                           min_lr=float(t['scheduler']['min_lr']))

    out_dir = job_path(cfg['studio']['output_dir'])
    if rank == 0:
        os.makedirs(os.path.join(out_dir, '.hydra'), exist_ok=True)
        with open(os.path.join(out_dir, '.hydra', 'config.yaml'), 'w', encoding='utf-8') as f:
            yaml.safe_dump(cfg, f, sort_keys=False)
        with open(os.path.join(out_dir, '.hydra', 'overrides.yaml'), 'w', encoding='utf-8') as f:
            yaml.safe_dump(list(argv), f)
        with open(os.path.join(out_dir, '.hydra', 'hydra.yaml'), 'w', encoding='utf-8') as f:
            yaml.safe_dump({'hydra': {'run': {'dir': out_dir}, 'job': {'name': 'train', 'override_dirname': ','.join(argv)},
                                      'runtime': {'cwd': os.getcwd(), 'config_sources': [os.path.join(HERE, 'config')]},
                                      'launcher': {'torchrun': {'world_size': world, 'backend': backend}}}}, f,
                           sort_keys=False)
        metrics = open(os.path.join(out_dir, 'metrics.jsonl'), 'w', encoding='utf-8')

    es = t['early_stopping']
    best, best_epoch, wait, best_state = -math.inf, 0, 0, None
    started = time.time()
    epochs_run = 0
    for epoch in range(1, int(t['epochs']) + 1):
        t0 = time.time()
        if sampler is not None:
            sampler.set_epoch(epoch)
        sums = torch.zeros(3, dtype=torch.float64, device=device)
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            opt.zero_grad()
            z = model(xb.expand(-1, channels, -1, -1))
            loss = loss_fn(z, yb)
            loss.backward()
            opt.step()
            sums += torch.tensor([loss.item() * len(yb), ((z > 0).float() == yb).sum().item(), len(yb)],
                                 dtype=torch.float64, device=device)
        if distributed:
            dist.all_reduce(sums)
        epochs_run = epoch
        stop = torch.zeros(1, device=device)
        if rank == 0:
            val_loss, val_acc, _, _ = evaluate(net, val_ds, 1024, device, channels)
            if sched is not None:
                sched.step(val_acc)
            record = {'epoch': epoch, 'train_loss': sums[0].item() / max(sums[2].item(), 1),
                      'train_acc': sums[1].item() / max(sums[2].item(), 1), 'val_loss': val_loss, 'val_acc': val_acc,
                      'lr': opt.param_groups[0]['lr'], 'seconds': round(time.time() - t0, 3), 'processes': world}
            metrics.write(json.dumps(record) + '\n')
            metrics.flush()
            print(f'epoch {epoch}: loss {record["train_loss"]:.4f} val_acc {val_acc:.4f}', flush=True)
            if val_acc > best + float(es['min_delta']) or best_state is None:
                best, best_epoch, wait = val_acc, epoch, 0
                best_state = copy.deepcopy(net.state_dict())
            else:
                wait += 1
                if es['enabled'] and wait >= int(es['patience']):
                    stop[0] = 1
        if distributed:
            dist.broadcast(stop, 0)
        if stop.item() > 0:
            break

    if rank == 0:
        metrics.close()
        if t['checkpoint'].get('save_best', True) and best_state is not None:
            net.load_state_dict(best_state)
        test_loss, test_acc, hit, n = evaluate(net, test_ds, 1024, device, channels)
        cpu = net.to('cpu').eval()
        torch.onnx.export(cpu, torch.zeros(1, channels, size, size), os.path.join(out_dir, 'model.onnx'),
                          input_names=['input'], output_names=['logits'],
                          dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, opset_version=13)
        with open(os.path.join(out_dir, 'manifest.json'), 'w', encoding='utf-8') as f:
            json.dump(manifest, f, indent=2)
        result = {
            'format': 'spatter-studio/job-result@1',
            'job_id': cfg['studio']['job_id'],
            'manifest_digest': manifest['digest'],
            'dataset_version': manifest['datasetVersion']['id'],
            'launcher': 'torchrun' if distributed else 'python',
            'processes': world,
            'nodes': int(os.environ.get('GROUP_WORLD_SIZE', os.environ.get('NNODES', '1'))),
            'dist_backend': backend if distributed else None,
            'device': device.type,
            'torch': torch.__version__,
            'model': {'name': cfg['model']['name'], 'file': 'model.onnx', 'input': 'input', 'output': 'logits',
                      'layout': 'NCHW', 'size': size, 'channels': channels, 'cache_side': side},
            'epochs_run': epochs_run,
            'best_epoch': best_epoch,
            'best_val_acc': best,
            'test': {'accuracy': test_acc, 'loss': test_loss, 'correct': hit, 'count': n},
            'seconds': round(time.time() - started, 3),
            'overrides': list(argv),
        }
        with open(os.path.join(out_dir, 'result.json'), 'w', encoding='utf-8') as f:
            json.dump(result, f, indent=2)
        print(f'test_accuracy={test_acc:.6f} ({hit}/{n} test crops, {world} process{"es" if world > 1 else ""})',
              flush=True)
        print(f'results in {out_dir}', flush=True)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == '__main__':
    try:
        main(sys.argv[1:])
    except JobError as e:
        print(f'error: {e}', file=sys.stderr)
        sys.exit(2)
