#!/usr/bin/python3
"""PyTorch's LeNet5 training step (forward, backward, Adam with weight decay, BCE with logits) on a fixed
random batch: wall-clock and process CPU time per step, the yardstick for train.lenet5.wasm.b256.

CPU time (all of PyTorch's threads together) does not grow when other programs share the cores, so
images per CPU-second compare implementations fairly on a loaded machine; wall-clock img/s is what a user sees.

  /usr/bin/python3 scripts/train/torch_step_bench.py [--batch 256] [--steps 40] [--threads N] [--device cuda]
Prints one JSON line.
"""
import argparse, json, time

import torch
import torch.nn as nn


def lenet5():
    return nn.Sequential(
        nn.Conv2d(3, 6, 5), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--steps', type=int, default=40)
    ap.add_argument('--warmup', type=int, default=5)
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--device', default='cpu', help='cpu, or cuda (the GPU bench folder of scripts/gpu)')
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(1234)
    model = lenet5().to(a.device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    # grey replicated to 3 channels, as the research feeds it
    x = torch.rand(a.batch, 1, 32, 32).expand(-1, 3, -1, -1).contiguous().to(a.device)
    y = (torch.arange(a.batch) % 2).float().unsqueeze(1).to(a.device)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(a.steps):
        step()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    n = a.batch * a.steps
    print(json.dumps({'torch': torch.__version__, 'device': a.device, 'threads': torch.get_num_threads(), 'batch': a.batch,
                      'steps': a.steps, 'img_per_s': round(n / wall, 1), 'img_per_cpu_s': round(n / cpu, 1),
                      'ms_per_step': round(1000 * wall / a.steps, 2), 'cpu_ms_per_step': round(1000 * cpu / a.steps, 2)}))


if __name__ == '__main__':
    main()
