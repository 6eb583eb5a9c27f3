#!/usr/bin/python3
"""Fixtures for grouping by name scope (tests/tst_groups.cpp, tests/tst_ui_groups.cpp).

    /usr/bin/python3 tests/data/groups/make_groups.py

transformer6_dyn.onnx: a 6-layer nn.TransformerEncoder (d_model 32, 4 heads, ff 64,
batch_first) between two Linear layers, exported by torch.onnx (opset 15, dynamic batch and
seq, do_constant_folding=False): node names carry the module path
(/enc/layers.3/self_attn/MatMul), and every layer brings its Shape/Gather/Unsqueeze/Concat
helpers, so it is big enough to open with its layers collapsed.
"""
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class Transformer(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.inp = nn.Linear(32, 32)
        layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=layers, enable_nested_tensor=False)
        self.out = nn.Linear(32, 32)

    def forward(self, tokens):
        return self.out(self.enc(self.inp(tokens)))


def main():
    torch.manual_seed(0)
    model = Transformer(6).eval()
    torch.manual_seed(1)
    tokens = torch.rand(2, 5, 32)
    # Grad mode stays on: under torch.no_grad() torch takes the fused fast path, which has no
    # ONNX symbolic.
    assert torch.is_grad_enabled()
    torch.onnx.export(model, (tokens,), os.path.join(HERE, "transformer6_dyn.onnx"), opset_version=15,
                      input_names=["tokens"], output_names=["hidden"],
                      dynamic_axes={"tokens": {0: "batch", 1: "seq"}, "hidden": {0: "batch", 1: "seq"}},
                      do_constant_folding=False)


if __name__ == "__main__":
    main()
