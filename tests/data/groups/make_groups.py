#!/usr/bin/python3
"""Fixtures for grouping by name scope (tests/tst_groups.cpp, tests/tst_ui_groups.cpp).

    /usr/bin/python3 tests/data/groups/make_groups.py

transformer6_dyn.onnx: a 6-layer nn.TransformerEncoder (d_model 32, 4 heads, ff 64,
batch_first) between two Linear layers, exported by torch.onnx (opset 15, dynamic batch and
seq, do_constant_folding=False): node names carry the module path
(/enc/layers.3/self_attn/MatMul), and every layer brings its Shape/Gather/Unsqueeze/Concat
helpers, so it is big enough to open with its layers collapsed.

vit_tiny.onnx: torchvision's VisionTransformer with vit_b_16's structure (12 encoder layers,
patch 16, class token, the same module names: /encoder/layers/encoder_layer_3/self_attention/...)
but tiny widths (hidden 16, 2 heads, MLP 32) and 32x32 images, exported by torch.onnx (opset 15,
dynamic batch): the graph of vit_b_16 (1,692 nodes) in 0.5 MB instead of 346.
"""
import os

import torch
import torchvision
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

    torch.manual_seed(0)
    vit = torchvision.models.VisionTransformer(image_size=32, patch_size=16, num_layers=12, num_heads=2,
                                               hidden_dim=16, mlp_dim=32, num_classes=10).eval()
    # Grad mode on here too (no fused attention fast path).
    torch.onnx.export(vit, (torch.rand(1, 3, 32, 32),), os.path.join(HERE, "vit_tiny.onnx"), opset_version=15,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})


if __name__ == "__main__":
    main()
