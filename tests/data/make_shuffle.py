"""Writes shuffle_dyn.onnx: two ShuffleNet channel shuffles (torch's view/transpose/view) with a
dynamic batch, exported raw (opset 15). Each shuffle's shape chain reads dims that are known
only after the previous Reshape's output shape is inferred, which is what makes simplifiers
iterate. Run with Debian's /usr/bin/python3 (torch 1.13)."""
import os

import torch


class Shuffle(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(8, 8, 1)

    @staticmethod
    def shuffle(x, groups):
        b, c, h, w = x.size()
        x = x.view(b, groups, c // groups, h, w)
        x = torch.transpose(x, 1, 2).contiguous()
        return x.view(b, -1, h, w)

    def forward(self, x):
        x = self.shuffle(x, 2)
        x = torch.relu(self.conv(x))
        return self.shuffle(x, 4)


torch.manual_seed(0)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shuffle_dyn.onnx")
torch.onnx.export(Shuffle().eval(), (torch.rand(1, 8, 4, 4),), out, input_names=["x"], output_names=["y"],
                  opset_version=15, do_constant_folding=False, dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
print(out)
