#!/usr/bin/env python3
"""Trains the demo's LeNet5 on the demo crops with the research recipe (grey, resize 40, random rotation
+-15 deg, centre crop 32, grey x3 channels, BCE-with-logits, Adam lr 1e-3 wd 1e-4, seeded 60/20/20 split)
and writes its weights in the studio's training layout (conv HWIO, dense [in, out], flatten in HWC order) as
JSON, for build-demo.mjs to turn into a TF.js layers model with the studio's own exporter.
usage: /usr/bin/python3 scripts/generate/train_demo_model.py OUT.json A.h5:0 B.h5:1 [--epochs 30]"""
import json, random, sys
import cv2, h5py, numpy as np, torch, torch.nn as nn
import torchvision.transforms.functional as TF

def load(files):
    xs, ys = [], []
    for path, label in files:
        with h5py.File(path, 'r') as f:
            for ds in f.keys():
                for b in f[ds][:]:
                    g = cv2.cvtColor(cv2.imdecode(np.frombuffer(b, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2GRAY)
                    xs.append(cv2.resize(g, (40, 40), interpolation=cv2.INTER_LINEAR) / 255.0)
                    ys.append(label)
    return torch.tensor(np.array(xs), dtype=torch.float32)[:, None], torch.tensor(ys, dtype=torch.float32)[:, None]

def main(out, specs, epochs):
    torch.manual_seed(1234)
    x, y = load([(s.rsplit(':', 1)[0], int(s.rsplit(':', 1)[1])) for s in specs])
    order = list(range(len(x)))
    random.Random(1234).shuffle(order)
    n = len(order)
    tr, va, te = order[:int(.6 * n)], order[int(.6 * n):int(.8 * n)], order[int(.8 * n):]
    model = nn.Sequential(nn.Conv2d(3, 6, 5), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    gen = torch.Generator().manual_seed(1234)

    def acc(idx):
        model.eval()
        with torch.no_grad():
            p = model(TF.center_crop(x[idx], [32, 32]).expand(-1, 3, -1, -1)) > 0
        model.train()
        return float((p.float() == y[idx]).float().mean())

    history = []
    for epoch in range(epochs):
        perm = torch.tensor(tr)[torch.randperm(len(tr), generator=gen)]
        for s in range(0, len(perm), 64):
            idx = perm[s:s + 64]
            xb = TF.rotate(x[idx], float(torch.empty(1).uniform_(-15, 15, generator=gen)))
            opt.zero_grad()
            loss = loss_fn(model(TF.center_crop(xb, [32, 32]).expand(-1, 3, -1, -1)), y[idx])
            loss.backward()
            opt.step()
        history.append(round(acc(va), 4))
    sd = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    fc1 = sd['5.weight']  # [120, 400], input index c*25 + h*5 + w (CHW flatten)
    fc1_hwc = fc1.reshape(120, 16, 5, 5).transpose(2, 3, 1, 0).reshape(400, 120)  # rows h*80 + w*16 + c
    weights = {
        'conv1.w': sd['0.weight'].transpose(2, 3, 1, 0), 'conv1.b': sd['0.bias'],
        'conv2.w': sd['2.weight'].transpose(2, 3, 1, 0), 'conv2.b': sd['2.bias'],
        'fc1.w': fc1_hwc, 'fc1.b': sd['5.bias'],
        'fc2.w': sd['7.weight'].T, 'fc2.b': sd['7.bias'],
        'fc3.w': sd['9.weight'].T, 'fc3.b': sd['9.bias'],
    }
    # A few test crops with the PyTorch logits, so the export can be checked to give the same numbers.
    probe_idx = te[:8]
    with torch.no_grad():
        probe_logits = model(TF.center_crop(x[probe_idx], [32, 32]).expand(-1, 3, -1, -1))[:, 0].tolist()
    probe = TF.center_crop(x[probe_idx], [32, 32])[:, 0].numpy()  # grey [n, 32, 32]
    result = {
        'model': 'lenet5', 'input': {'size': 32, 'channels': 3},
        'weights': {k: {'shape': list(v.shape), 'data': np.ascontiguousarray(v, np.float32).ravel().tolist()} for k, v in weights.items()},
        'training': {'recipe': 'research LeNet5 (PyTorch), batch 64, Adam 1e-3, wd 1e-4, rotation +-15, seed 1234',
                     'epochs': epochs, 'crops': n, 'val_acc_history': history,
                     'test_acc': round(acc(te), 4), 'torch': torch.__version__},
        'probe': {'grey32': probe.ravel().tolist(), 'logits': probe_logits},
    }
    with open(out, 'w') as fh:
        json.dump(result, fh)
    print(json.dumps({'test_acc': result['training']['test_acc'], 'val': history[-3:], 'crops': n}))

if __name__ == '__main__':
    args = sys.argv[1:]
    epochs = int(args[args.index('--epochs') + 1]) if '--epochs' in args else 30
    files = [a for a in args[1:] if ':' in a]
    main(args[0], files, epochs)
