#!/usr/bin/python3
"""Writes tensor_stats.json: numpy's statistics of the fixtures' constant tensors.

Run with Debian's python3 (numpy 1.24, onnx 1.12) from anywhere:

    /usr/bin/python3 tests/data/make_tensor_stats.py

For every initializer and every Constant node's `value` of the listed models it records what
netfold's TensorStats must reproduce: element count, NaN / +Inf / -Inf / zero counts, and over the
finite values (as float64) min, max, mean, std (ddof=0) and numpy.histogram with BINS bins over
[min, max]. NaN results (no finite value) are written as null. Output is deterministic.
"""
import json
import os

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
BINS = 64
MODELS = ["seed_static.onnx", "fp16_bf16.onnx", "external_data.onnx", "tiny_resnet.onnx"]


def number(x):
    x = float(x)
    return None if np.isnan(x) else x


def stats(a, data_type):
    entry = {
        "dtype": onnx.TensorProto.DataType.Name(data_type).lower(),
        "shape": [int(d) for d in a.shape],
        "count": int(a.size),
    }
    if a.dtype.kind in "OUS":
        entry["numeric"] = False
        return entry
    f = a.astype(np.float64).ravel()
    finite = f[np.isfinite(f)]
    entry.update({
        "numeric": True,
        "finite": int(finite.size),
        "zeros": int(np.count_nonzero(finite == 0)),
        "nans": int(np.count_nonzero(np.isnan(f))),
        "posinf": int(np.count_nonzero(f == np.inf)),
        "neginf": int(np.count_nonzero(f == -np.inf)),
    })
    if finite.size:
        lo, hi = finite.min(), finite.max()
        hist, edges = np.histogram(finite, bins=BINS, range=(lo, hi))
        entry.update({
            "min": number(lo), "max": number(hi),
            "mean": number(finite.mean()), "std": number(finite.std()),
            "hist_lo": number(edges[0]), "hist_hi": number(edges[-1]),
            "histogram": [int(c) for c in hist],
        })
    else:
        entry.update({"min": None, "max": None, "mean": None, "std": None, "histogram": []})
    return entry


def to_array(tensor, base_dir):
    if tensor.data_type == onnx.TensorProto.STRING:
        return np.array([s.decode("utf-8") for s in tensor.string_data], dtype=object).reshape(tuple(tensor.dims))
    return numpy_helper.to_array(tensor, base_dir)


def main():
    out = {"generator": "make_tensor_stats.py", "numpy": np.__version__, "onnx": onnx.__version__,
           "bins": BINS, "tensors": []}
    for name in MODELS:
        path = os.path.join(HERE, name)
        model = onnx.load(path, load_external_data=False)
        for init in model.graph.initializer:
            entry = {"file": name, "source": "initializer", "name": init.name}
            entry.update(stats(to_array(init, HERE), init.data_type))
            out["tensors"].append(entry)
        for node in model.graph.node:
            if node.op_type != "Constant":
                continue
            for attr in node.attribute:
                if attr.name == "value":
                    entry = {"file": name, "source": "constant", "name": node.output[0]}
                    entry.update(stats(to_array(attr.t, HERE), attr.t.data_type))
                    out["tensors"].append(entry)
    with open(os.path.join(HERE, "tensor_stats.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main()
