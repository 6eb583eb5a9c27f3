#!/usr/bin/python3
"""Write a synthetic net-shaped ONNX model for the layout and first-paint benchmarks.

    /usr/bin/python3 bench/make_synthetic.py NODES OUT.onnx [--constants]

The model is a residual conv net: a stem, then blocks of Conv -> Relu -> Conv -> Add(skip) ->
Relu followed by a PyTorch-style side chain Shape -> Gather -> Unsqueeze -> Concat -> Reshape
(a dynamic-batch view), split into four stages whose first block downsamples (stride 2 and a 1x1
projection on the skip path), then GlobalAveragePool -> Flatten -> Gemm. Blocks are added until
the graph has at least NODES nodes. Small constants are initializers by default; --constants
emits them as Constant nodes (as torch.onnx does), which netfold draws inside their consumers
and which then count as nodes too. Deterministic (numpy seed 0); opset 13; dynamic batch.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    constants = "--constants" in sys.argv
    if len(args) != 2:
        sys.exit(__doc__)
    target = int(args[0])
    out = args[1]
    rng = np.random.default_rng(0)
    nodes, inits = [], []
    counter = [0]

    def name(prefix):
        counter[0] += 1
        return f"{prefix}_{counter[0]}"

    def init(prefix, array):
        n = name(prefix)
        inits.append(numpy_helper.from_array(array, n))
        return n

    shared = {}

    def const(key, array):
        """A small int64 constant: one shared initializer, or a Constant node per use."""
        if constants:
            n = name("const")
            nodes.append(helper.make_node("Constant", [], [n], name=f"/{key}/Constant_{counter[0]}",
                                          value=numpy_helper.from_array(array)))
            return n
        if key not in shared:
            shared[key] = init(key, array)
        return shared[key]

    def node(op, inputs, scope, **attrs):
        out_name = name(op.lower())
        nodes.append(helper.make_node(op, inputs, [out_name], name=f"{scope}/{op}_{counter[0]}", **attrs))
        return out_name

    def conv(x, cin, cout, k, stride, scope):
        w = init(f"{scope}.weight", (rng.standard_normal((cout, cin, k, k)) * 0.1).astype(np.float32))
        b = init(f"{scope}.bias", np.zeros(cout, np.float32))
        return node("Conv", [x, w, b], scope, kernel_shape=[k, k], pads=[k // 2] * 4, strides=[stride, stride])

    channels = [4, 8, 12, 16]
    spatial = [32, 16, 8, 4]
    x = "input"
    x = conv(x, 3, channels[0], 3, 1, "/stem/conv")
    x = node("Relu", [x], "/stem/relu")
    fixed = 3  # pool, flatten, gemm
    per_block = 10
    blocks = max(4, -(-(target - len(nodes) - fixed) // per_block))
    per_stage = -(-blocks // 4)
    cin = channels[0]
    b = 0
    for stage in range(4):
        for i in range(per_stage):
            if b >= blocks:
                break
            scope = f"/layer{stage + 1}.{i}"
            cout = channels[stage]
            down = i == 0 and stage > 0
            stride = 2 if down else 1
            y = conv(x, cin, cout, 3, stride, f"{scope}/conv1")
            y = node("Relu", [y], f"{scope}/relu1")
            y = conv(y, cout, cout, 3, 1, f"{scope}/conv2")
            skip = conv(x, cin, cout, 1, 2, f"{scope}/downsample") if down else x
            y = node("Add", [y, skip], scope)
            y = node("Relu", [y], f"{scope}/relu2")
            s = node("Shape", [y], f"{scope}/view")
            g = node("Gather", [s, const("index0", np.array(0, np.int64))], f"{scope}/view", axis=0)
            u = node("Unsqueeze", [g, const("axes0", np.array([0], np.int64))], f"{scope}/view")
            hw = spatial[stage]
            c = node("Concat", [u, const(f"chw{stage}", np.array([cout, hw, hw], np.int64))], f"{scope}/view", axis=0)
            x = node("Reshape", [y, c], f"{scope}/view")
            cin = cout
            b += 1
    x = node("GlobalAveragePool", [x], "/avgpool")
    x = node("Flatten", [x], "/flatten", axis=1)
    w = init("fc.weight", (rng.standard_normal((10, cin)) * 0.1).astype(np.float32))
    bias = init("fc.bias", np.zeros(10, np.float32))
    nodes.append(helper.make_node("Gemm", [x, w, bias], ["logits"], name="/fc/Gemm", transB=1))

    graph = helper.make_graph(
        nodes, f"synthetic_{target}",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 32, 32])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="netfold-bench")
    model.ir_version = 7
    onnx.save(model, out)
    print(f"{out}: {len(nodes)} nodes, {len(inits)} initializers, {blocks} blocks")


if __name__ == "__main__":
    main()
