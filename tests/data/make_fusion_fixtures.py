#!/usr/bin/python3
"""Writes tests/data/fusion/: real torch exports of the blocks whose decomposed form newer opsets
have one op for, at opset 15 and re-typed to newer opsets as exporters write them.

Run with Debian's interpreter (torch 1.13, onnx 1.12):
    /usr/bin/python3 tests/data/make_fusion_fixtures.py

torch 1.13 exports at opset 15 (at 17 it would write LayerNormalization itself):
  norm_block   x[batch,4,16] -> LayerNorm(16) -> Linear -> GELU (Erf) -> Linear -> +x -> LayerNorm
               -> GELU (tanh approximation): two decomposed LayerNorms, one Erf GELU, one tanh GELU.
  group_norm   x[2,8,5,5] -> GroupNorm(4, 8) -> Conv 1x1: Reshape, InstanceNormalization, Reshape,
               Mul, Add.
  rms_norm     x[2,3,16] -> LLaMA-style RMSNorm (x * rsqrt(mean(x^2) + eps) * w) -> Linear.

Each is re-typed (the graph unchanged but for what the newer opset moves) to the opsets in
OPSETS: from 18 on, the axes of every Reduce* move from the attribute to a constant int64 input.
The ir_version follows the opset (8 up to 18, 9 at 19-20, 10 at 21-22, 11 at 23).
Output is deterministic (torch.manual_seed(0)).
"""
import os
import warnings

import onnx
import onnx.helper as oh
import onnx.numpy_helper as onh
import numpy as np
import torch
import torch.nn as nn

warnings.filterwarnings("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fusion")
OPSETS = (16, 17, 18, 20, 21, 23)
REDUCE_OPS = {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
              "ReduceLogSumExp", "ReduceSumSquare"}


class NormBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(16)
        self.fc1 = nn.Linear(16, 32)
        self.act1 = nn.GELU()
        self.fc2 = nn.Linear(32, 16)
        self.ln2 = nn.LayerNorm(16, eps=1e-6)
        self.act2 = nn.GELU(approximate="tanh")

    def forward(self, x):
        h = self.fc2(self.act1(self.fc1(self.ln1(x))))
        return self.act2(self.ln2(h + x))


class GroupNormBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.gn = nn.GroupNorm(4, 8)
        self.conv = nn.Conv2d(8, 8, 1)

    def forward(self, x):
        return self.conv(self.gn(x))


class RMSNormBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(16) + 0.5)
        self.fc = nn.Linear(16, 8)

    def forward(self, x):
        v = x.pow(2).mean(-1, keepdim=True)
        return self.fc(x * torch.rsqrt(v + 1e-6) * self.weight)


def ir_for(opset):
    return 8 if opset <= 18 else 9 if opset <= 20 else 10 if opset <= 22 else 11


def retype(model, opset):
    """A copy of model (opset 15) declared at `opset`, with Reduce* axes moved to an input from 18."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    m.ir_version = ir_for(opset)
    for imp in m.opset_import:
        if imp.domain in ("", "ai.onnx"):
            imp.version = opset
    if opset >= 18:
        for node in m.graph.node:
            if node.op_type not in REDUCE_OPS:
                continue
            axes = [a for a in node.attribute if a.name == "axes"]
            if not axes:
                continue
            name = node.name.replace("/", "_").strip("_") + "_axes"
            m.graph.initializer.append(onh.from_array(np.array(list(axes[0].ints), dtype=np.int64), name))
            node.attribute.remove(axes[0])
            node.input.append(name)
    return m


def export(module, args, name, dynamic_axes=None):
    path = os.path.join(OUT, name + "_opset15.onnx")
    torch.onnx.export(module.eval(), args, path, opset_version=15, input_names=["x"], output_names=["y"],
                      dynamic_axes=dynamic_axes)
    base = onnx.load(path)
    for opset in OPSETS:
        onnx.save(retype(base, opset), os.path.join(OUT, "%s_opset%d.onnx" % (name, opset)))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    export(NormBlock(), (torch.rand(2, 4, 16),), "norm_block", {"x": {0: "batch"}, "y": {0: "batch"}})
    torch.manual_seed(0)
    gn = GroupNormBlock()
    with torch.no_grad():  # non-trivial affine parameters
        gn.gn.weight.copy_(torch.rand(8) + 0.5)
        gn.gn.bias.copy_(torch.rand(8) - 0.5)
    export(gn, (torch.rand(2, 8, 5, 5),), "group_norm")
    torch.manual_seed(0)
    export(RMSNormBlock(), (torch.rand(2, 3, 16),), "rms_norm")


if __name__ == "__main__":
    main()
