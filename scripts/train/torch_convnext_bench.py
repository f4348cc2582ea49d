#!/usr/bin/python3
"""PyTorch's ConvNeXt training step (forward, backward, Adam, BCE with logits over 4 outputs) on a fixed random
grey batch at full resolution, the yardstick for train.convnext_atto.<backend>.b8.256x1600 and
train.convnext_tiny.<backend>.b4.256x1600. torchvision has convnext_tiny but no atto: atto is built here from
torchvision's own ConvNeXt class with the published depths/widths ([2, 2, 6, 2], [40, 80, 160, 320]).

  /usr/bin/python3 scripts/train/torch_convnext_bench.py --model atto --batch 8 [--height 256 --width 1600] [--device cuda]
Prints one JSON line: img/s wall-clock and per CPU-second, parameters.
"""
import argparse, json, time

import torch
import torch.nn as nn
import torchvision
from torchvision.models.convnext import CNBlockConfig, ConvNeXt

ARCH = {
    'atto': ([2, 2, 6, 2], [40, 80, 160, 320]),
    'femto': ([2, 2, 6, 2], [48, 96, 192, 384]),
    'pico': ([2, 2, 6, 2], [64, 128, 256, 512]),
    'nano': ([2, 2, 8, 2], [80, 160, 320, 640]),
    'tiny': ([3, 3, 9, 3], [96, 192, 384, 768]),
}


def convnext(size, classes):
    depths, dims = ARCH[size]
    setting = [CNBlockConfig(dims[i], dims[i + 1] if i < 3 else None, depths[i]) for i in range(4)]
    return ConvNeXt(setting, stochastic_depth_prob=0.0, num_classes=classes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default='atto', choices=sorted(ARCH))
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--height', type=int, default=256)
    ap.add_argument('--width', type=int, default=1600)
    ap.add_argument('--steps', type=int, default=3)
    ap.add_argument('--warmup', type=int, default=1)
    ap.add_argument('--device', default='cpu', help='cpu, or cuda (the GPU bench folder of scripts/gpu)')
    a = ap.parse_args()
    torch.manual_seed(1)
    model = convnext(a.model, 4).to(a.device)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    # grey replicated to the 3 channels torchvision's stem takes
    x = torch.rand(a.batch, 1, a.height, a.width).expand(-1, 3, -1, -1).contiguous().to(a.device)
    y = (torch.arange(a.batch * 4).reshape(a.batch, 4) % 3 == 0).float().to(a.device)
    sync = torch.cuda.synchronize if a.device.startswith('cuda') else (lambda: None)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return float(loss)

    for _ in range(a.warmup):
        step()
    sync()
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(a.steps):
        step()
    sync()
    wall = (time.perf_counter() - w0) / a.steps
    cpu = (time.process_time() - c0) / a.steps
    print(json.dumps({
        'model': a.model, 'device': a.device, 'batch': a.batch, 'height': a.height, 'width': a.width, 'parameters': params,
        'torch': torch.__version__, 'torchvision': torchvision.__version__, 'threads': torch.get_num_threads(),
        's_per_step': round(wall, 3), 'cpu_s_per_step': round(cpu, 3),
        'img_per_s': round(a.batch / wall, 4), 'img_per_cpu_s': round(a.batch / cpu, 4),
    }))


if __name__ == '__main__':
    main()
