#!/usr/bin/python3
"""Export the SEED.md tutorial model to resources/models/sample-reshape.onnx.

Run with Debian's interpreter (it has torch 1.13 + onnx 1.12):
    /usr/bin/python3 resources/models/make_sample.py [OUT.onnx]
Deterministic: torch.manual_seed(0), eval mode, static input 1x3x64x64, opset 15.
"""
import collections
import os
import sys

import onnx
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.act1 = nn.ReLU()
        self.conv2 = nn.Conv2d(16, 64, kernel_size=5, padding=2)
        self.bn2 = nn.BatchNorm2d(64)
        self.act2 = nn.ReLU()
        self.avgpool = nn.AdaptiveAvgPool1d(1)
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        x = self.act1(self.bn1(self.conv1(x)))
        x = self.act2(self.bn2(self.conv2(x)))
        x = torch.flatten(x, 2, 3)   # B,C,H,W -> B,C,H*W
        x = self.avgpool(x)          # B,C,L -> B,C,1
        x = torch.flatten(x, 1)      # B,C,1 -> B,C
        return self.head(x)          # B,C -> B,10


def make_model():
    torch.manual_seed(0)
    m = Model()
    m.eval()
    return m


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "sample-reshape.onnx")
    torch.manual_seed(0)
    model = make_model()
    x = torch.rand(1, 3, 64, 64)
    torch.onnx.export(model, (x,), out, input_names=["input0"], output_names=["output0"],
                      opset_version=15)
    m = onnx.load(out)
    onnx.checker.check_model(m)
    ops = [n.op_type for n in m.graph.node]
    print("wrote", out, os.path.getsize(out), "bytes")
    print("nodes:", len(ops))
    print("ops:", " ".join(ops))
    print("op counts:", dict(collections.Counter(ops)))
    if len(ops) != 15:
        print("WARNING: expected 15 nodes (SEED.md), got", len(ops), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
