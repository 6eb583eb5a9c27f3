#!/usr/bin/python3
"""Export the benchmark models (raw PyTorch ONNX, no constant folding) into bench/models/.

    /usr/bin/python3 bench/export_models.py [--force] [--out DIR] [NAME ...]

Models (torchvision, weights=None i.e. random init, torch.manual_seed(0), eval mode, opset 15,
do_constant_folding=False):

    resnet18            static 1x3x224x224
    shufflenet_dyn      shufflenet_v2_x0_5, dynamic batch
    mobilenet_v3_dyn    mobilenet_v3_small, dynamic batch
    vit_b_16            static 1x3x224x224 (~330 MB)
    vit_b_16_dyn        dynamic batch
    transformer_dyn     torch.nn.TransformerEncoder(d_model=256, nhead=4, 4 layers,
                        batch_first), dynamic batch and seq

Idempotent: a file that already exists is skipped unless --force. Names limit the export to
those models. Needs Debian's python3 (torch 1.13, torchvision, onnx).
"""
import os
import sys
import time

import torch
import torchvision

OPSET = 15
HERE = os.path.dirname(os.path.abspath(__file__))


def tv(name):
    def make():
        return getattr(torchvision.models, name)(weights=None)
    return make


def transformer():
    layer = torch.nn.TransformerEncoderLayer(d_model=256, nhead=4, dim_feedforward=1024,
                                             dropout=0.1, batch_first=True)
    return torch.nn.TransformerEncoder(layer, num_layers=4)


IMG = (1, 3, 224, 224)
IMG_DYN = {"input": {0: "batch"}, "output": {0: "batch"}}

# name -> (factory, example input shape, dynamic_axes or None)
MODELS = {
    "resnet18": (tv("resnet18"), IMG, None),
    "shufflenet_dyn": (tv("shufflenet_v2_x0_5"), IMG, IMG_DYN),
    "mobilenet_v3_dyn": (tv("mobilenet_v3_small"), IMG, IMG_DYN),
    "vit_b_16": (tv("vit_b_16"), IMG, None),
    "vit_b_16_dyn": (tv("vit_b_16"), IMG, IMG_DYN),
    "transformer_dyn": (transformer, (2, 16, 256),
                        {"input": {0: "batch", 1: "seq"}, "output": {0: "batch", 1: "seq"}}),
}


def export(name, path):
    factory, shape, dyn = MODELS[name]
    torch.manual_seed(0)
    model = factory().eval()
    torch.manual_seed(0)
    x = torch.rand(*shape)
    tmp = path + ".tmp"
    # No torch.no_grad(): torch 1.13 takes the TransformerEncoder fast path (a fused
    # _transformer_encoder_layer_fwd op the exporter cannot handle) when grad is disabled.
    torch.onnx.export(model, (x,), tmp, input_names=["input"], output_names=["output"],
                      opset_version=OPSET, do_constant_folding=False,
                      dynamic_axes=dyn)
    os.replace(tmp, path)


def main():
    args = sys.argv[1:]
    if "-h" in args or "--help" in args:
        print(__doc__)
        return 0
    force = "--force" in args
    out = os.path.join(HERE, "models")
    if "--out" in args:
        out = args[args.index("--out") + 1]
    names = [a for a in args if not a.startswith("--") and a != out]
    for n in names:
        if n not in MODELS:
            sys.exit(f"unknown model {n!r}; known: {', '.join(MODELS)}")
    os.makedirs(out, exist_ok=True)
    for name in names or MODELS:
        path = os.path.join(out, name + ".onnx")
        if os.path.exists(path) and not force:
            print(f"skip   {name:18s} {path} exists")
            continue
        t = time.time()
        export(name, path)
        print(f"export {name:18s} {os.path.getsize(path) / 1e6:8.1f} MB  {time.time() - t:6.1f} s  {path}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
