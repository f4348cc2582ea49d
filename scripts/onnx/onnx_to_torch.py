#!/usr/bin/env python3
"""Load a Spatter Studio ONNX export (LeNet5 family, NCHW) into the research's PyTorch LeNet5 and run it.

Needs only torch and numpy (no onnx package): the initializers are read from the ONNX protobuf directly.
Usage: onnx_to_torch.py MODEL.onnx [INPUT.json]
  INPUT.json: {"shape": [N, C, H, W], "data": [...]} float32 values in [0, 1], NCHW.
  Without it, a seeded random batch of 4 is used. Prints {"logits": [...], "initializers": {...}} as JSON.
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn as nn


def varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def fields(buf):
    """Yield (field number, wire type, value) of one protobuf message."""
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            n, pos = varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield field, wire, value


def packed_ints(buf):
    out, pos = [], 0
    while pos < len(buf):
        v, pos = varint(buf, pos)
        out.append(v)
    return out


def read_initializers(path):
    data = open(path, "rb").read()
    graph = next(v for f, w, v in fields(data) if f == 7)  # ModelProto.graph
    tensors, ops = {}, []
    for f, w, v in fields(graph):
        if f == 5:  # GraphProto.initializer (TensorProto)
            dims, name, raw = [], None, None
            for tf_, tw, tv in fields(v):
                if tf_ == 1:
                    dims += packed_ints(tv) if tw == 2 else [tv]
                elif tf_ == 8:
                    name = tv.decode()
                elif tf_ == 9:
                    raw = tv
            tensors[name] = np.frombuffer(raw, dtype="<f4").reshape(dims).copy()
        elif f == 1:  # GraphProto.node
            for nf, nw, nv in fields(v):
                if nf == 4:
                    ops.append(nv.decode())
    return tensors, ops


class LeNet5(nn.Module):
    """The research LeNet5: conv 6@5x5, pool, conv 16@5x5, pool, dense 120-84-1.

    classic: tanh after each convolution, average pooling followed by a sigmoid."""

    def __init__(self, channels, classic):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 1)
        self.classic = classic

    def forward(self, x):
        if self.classic:
            x = torch.sigmoid(nn.functional.avg_pool2d(torch.tanh(self.conv1(x)), 2))
            x = torch.sigmoid(nn.functional.avg_pool2d(torch.tanh(self.conv2(x)), 2))
        else:
            x = nn.functional.max_pool2d(self.conv1(x), 2)
            x = nn.functional.max_pool2d(self.conv2(x), 2)
        x = torch.flatten(x, 1)
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


def main():
    tensors, ops = read_initializers(sys.argv[1])
    if ops and ops[0] == "Transpose":
        sys.exit("This export takes NHWC input; export with the NCHW layout for PyTorch.")
    channels = tensors["conv1.w"].shape[1]
    model = LeNet5(channels, classic="Tanh" in ops)
    with torch.no_grad():
        for layer in ("conv1", "conv2"):
            getattr(model, layer).weight.copy_(torch.from_numpy(tensors[f"{layer}.w"]))
            getattr(model, layer).bias.copy_(torch.from_numpy(tensors[f"{layer}.b"]))
        for layer in ("fc1", "fc2", "fc3"):
            # ONNX Gemm B is [in, out]; torch.nn.Linear stores [out, in].
            getattr(model, layer).weight.copy_(torch.from_numpy(tensors[f"{layer}.w"].T.copy()))
            getattr(model, layer).bias.copy_(torch.from_numpy(tensors[f"{layer}.b"]))
    if len(sys.argv) > 2:
        spec = json.load(open(sys.argv[2]))
        x = torch.tensor(spec["data"], dtype=torch.float32).reshape(spec["shape"])
    else:
        x = torch.from_numpy(np.random.default_rng(1234).random((4, channels, 32, 32), dtype=np.float32))
    model.eval()
    with torch.no_grad():
        logits = model(x).reshape(-1).tolist()
    print(json.dumps({"logits": logits, "ops": ops,
                      "initializers": {k: list(v.shape) for k, v in tensors.items()}}))


if __name__ == "__main__":
    main()
