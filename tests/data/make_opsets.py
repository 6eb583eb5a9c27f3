#!/usr/bin/python3
"""Fixtures of opsets 18-23 (run with Debian's /usr/bin/python3: onnx 1.12, numpy).

    /usr/bin/python3 tests/data/make_opsets.py

1. Re-types the opset-15 test exports (seed_*, transformer_dyn, tiny_resnet, shuffle_dyn,
   if/loop/nested) to opsets 18, 21 and 23 the way exporters write those opsets: Reduce* (but
   ReduceSum, an input since 13) get their `axes` attribute as a Constant input; Split without
   a `split` input gets `num_outputs`; Squeeze/Unsqueeze/Pad/Resize/Slice already take inputs
   at opset 15; bodies of If/Loop are re-typed too; opset_import and ir_version are bumped
   (18: IR 8, 21: IR 10, 23: IR 11). Written to opsets/NAME_oNN.onnx.
2. Hand-builds one small model per ai.onnx operator version of opsets 18-23 (opsets/ops/*.onnx),
   with static inputs; graph outputs declare only their element type, so their shapes must be
   inferred. Also STFT-17, whose ONNX 1.12 inference netfold replaces (it reads onesided's
   default as 0). opsets/ops.json lists every case with its inputs (deterministic values, eval.js's
   JSON tensor form) and whether ONNX Runtime 1.30 runs it.

Existing fixtures are read, never rewritten. Output is deterministic.
"""
import copy
import json
import os

import numpy as np
import onnx
import onnx.helper as oh
import onnx.numpy_helper as onh
from onnx import TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "opsets")
OPS = os.path.join(OUT, "ops")

IR_FOR_OPSET = {17: 8, 18: 8, 19: 9, 20: 9, 21: 10, 22: 10, 23: 11}
REDUCE_AXES_TO_INPUT = {"ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean",
                        "ReduceMin", "ReduceProd", "ReduceSumSquare"}
BASES = ["seed_static", "seed_dynamic", "seed_view", "seed_bn", "seed_bn_stats", "transformer_dyn", "tiny_resnet",
         "shuffle_dyn", "if_model", "loop_model", "nested_model"]
TARGETS = [18, 21, 23]

# float8/int4 element types (IR 9/10), unknown to onnx 1.12's python enums.
FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, UINT4, INT4, FLOAT4E2M1 = 17, 18, 19, 20, 21, 22, 23


def retype_graph(graph, opset, counter):
    nodes = []
    for node in graph.node:
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                retype_graph(a.g, opset, counter)
            elif a.type == onnx.AttributeProto.GRAPHS:
                for g in a.graphs:
                    retype_graph(g, opset, counter)
        if node.domain in ("", "ai.onnx") and node.op_type in REDUCE_AXES_TO_INPUT:
            axes = [a for a in node.attribute if a.name == "axes"]
            if axes:
                values = list(axes[0].ints)
                node.attribute.remove(axes[0])
                counter[0] += 1
                name = "%s_axes_%d" % (node.name or node.op_type, counter[0])
                nodes.append(oh.make_node("Constant", [], [name], name=name,
                                          value=oh.make_tensor(name + "_v", TensorProto.INT64, [len(values)], values)))
                while len(node.input) < 1:
                    node.input.append("")
                node.input.append(name)
        if node.domain in ("", "ai.onnx") and node.op_type == "Split":
            has_split = len(node.input) > 1 and node.input[1] != ""
            if not has_split and not any(a.name == "num_outputs" for a in node.attribute):
                node.attribute.append(oh.make_attribute("num_outputs", len(node.output)))
        nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)


def retype(model, opset):
    m = copy.deepcopy(model)
    for imp in m.opset_import:
        if imp.domain in ("", "ai.onnx"):
            imp.version = opset
    m.ir_version = IR_FOR_OPSET[opset]
    retype_graph(m.graph, opset, [0])
    return m


def save(model, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


# ---- hand-built per-op models ---------------------------------------------------------------

CASES = []
RNG = np.random.RandomState(1812)

NP_DTYPE = {TensorProto.FLOAT: np.float32, TensorProto.INT64: np.int64, TensorProto.INT32: np.int32,
            TensorProto.INT8: np.int8, TensorProto.UINT8: np.uint8, TensorProto.BOOL: np.bool_}
JSON_DTYPE = {TensorProto.FLOAT: "float", TensorProto.INT64: "int64", TensorProto.INT32: "int32",
              TensorProto.INT8: "int8", TensorProto.UINT8: "uint8", TensorProto.BOOL: "bool",
              TensorProto.STRING: "string"}


def value(elem, dims, kind="normal"):
    n = int(np.prod(dims)) if dims else 1
    if elem == TensorProto.FLOAT:
        v = RNG.uniform(-2, 2, n).astype(np.float32)
        if kind == "special":
            v[0], v[1 % n], v[2 % n] = np.inf, -np.inf, np.nan
        return [float(x) if np.isfinite(x) else ("NaN" if np.isnan(x) else ("Infinity" if x > 0 else "-Infinity"))
                for x in v]
    if elem == TensorProto.STRING:
        return ["a,b", "cc", "d,e,f", "g"][:n] + ["h"] * max(0, n - 4)
    if elem == TensorProto.BOOL:
        return [bool(x) for x in RNG.randint(0, 2, n)]
    if elem == TensorProto.UINT8:
        return [int(x) for x in RNG.randint(0, 255, n)]
    if elem == TensorProto.INT8:
        return [int(x) for x in RNG.randint(-100, 100, n)]
    return [int(x) for x in RNG.randint(0, 7, n)]


def case(name, opset, nodes, inputs, outputs, inits=(), ort=True, why="", special=False, data_dims=None):
    """inputs: [(name, elem, dims)], outputs: [(name, elem)] (shape left to inference);
    data_dims: {output: [dim index]} for dims that depend on input values (not inferable)."""
    graph = oh.make_graph(nodes, name, [oh.make_tensor_value_info(n, e, d) for n, e, d in inputs],
                          [oh.make_tensor_value_info(n, e, None) for n, e in outputs], list(inits))
    m = oh.make_model(graph, producer_name="netfold-make_opsets",
                      opset_imports=[oh.make_operatorsetid("", opset)])
    m.ir_version = IR_FOR_OPSET[opset]
    path = os.path.join(OPS, name + ".onnx")
    save(m, path)
    CASES.append({"name": name, "model": os.path.relpath(path, HERE), "opset": opset,
                  "op": nodes[-1].op_type if not nodes[-1].op_type.startswith("Cast") else nodes[-1].op_type,
                  "ort": ort, "why": why,
                  "inputs": {n: {"dtype": JSON_DTYPE[e], "dims": list(d), "data": value(e, d, "special" if special else "normal")}
                             for n, e, d in inputs},
                  "outputs": [n for n, _ in outputs], "data_dims": data_dims or {}})


def i64(name, vals, dims=None):
    return onh.from_array(np.array(vals, dtype=np.int64).reshape(dims if dims is not None else [len(vals)]), name)


def f32(name, vals, dims=None):
    return onh.from_array(np.array(vals, dtype=np.float32).reshape(dims if dims is not None else [len(vals)]), name)


def tensor(name, elem, dims, raw):
    t = TensorProto()
    t.name = name
    t.data_type = elem
    t.dims.extend(dims)
    t.raw_data = bytes(raw)
    return t


F, I64 = TensorProto.FLOAT, TensorProto.INT64


def per_op_cases():
    X234 = [("X", F, [2, 3, 4])]
    # Reduce*: axes as an input (18), bool for ReduceMax/Min (20).
    for i, op in enumerate(["ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean",
                            "ReduceMin", "ReduceProd", "ReduceSumSquare"]):
        axes, keep = [[1], [-1], [0, 2], [2]][i % 4], i % 2
        case("%s18_axes" % op, 18, [oh.make_node("Abs", ["X"], ["A"]), oh.make_node(op, ["A", "axes"], ["Y"], keepdims=keep)],
             X234, [("Y", F)], [i64("axes", axes)])
    case("ReduceMean18_noaxes", 18, [oh.make_node("ReduceMean", ["X"], ["Y"])], X234, [("Y", F)])
    case("ReduceMax18_noop", 18, [oh.make_node("ReduceMax", ["X"], ["Y"], noop_with_empty_axes=1, keepdims=0)],
         X234, [("Y", F)])
    case("ReduceMin20_axes", 20, [oh.make_node("ReduceMin", ["X", "axes"], ["Y"], keepdims=0)], X234, [("Y", F)],
         [i64("axes", [0])])
    case("ReduceMax20_bool", 20, [oh.make_node("ReduceMax", ["X", "axes"], ["Y"], keepdims=1)],
         [("X", TensorProto.BOOL, [2, 3, 4])], [("Y", TensorProto.BOOL)], [i64("axes", [1])])
    # Split-18.
    case("Split18_num_outputs", 18, [oh.make_node("Split", ["X"], ["Y0", "Y1", "Y2"], axis=1, num_outputs=3)],
         [("X", F, [2, 7])], [("Y0", F), ("Y1", F), ("Y2", F)])
    case("Split18_split", 18, [oh.make_node("Split", ["X", "split"], ["Y0", "Y1"], axis=-1)],
         [("X", F, [2, 7])], [("Y0", F), ("Y1", F)], [i64("split", [2, 5])])
    # Pad-18/19/21/23.
    case("Pad18_axes", 18, [oh.make_node("Pad", ["X", "pads", "", "axes"], ["Y"])], X234, [("Y", F)],
         [i64("pads", [1, 2, 0, 3]), i64("axes", [2, 0])])
    case("Pad19_wrap", 19, [oh.make_node("Pad", ["X", "pads"], ["Y"], mode="wrap")], X234, [("Y", F)],
         [i64("pads", [0, 1, 2, 0, 1, 1])])
    case("Pad21_constant", 21, [oh.make_node("Pad", ["X", "pads", "cv"], ["Y"])], X234, [("Y", F)],
         [i64("pads", [1, 0, 0, 0, 0, -1]), f32("cv", [0.5], [])])
    case("Pad23_reflect", 23, [oh.make_node("Pad", ["X", "pads", "", "axes"], ["Y"], mode="reflect")], X234, [("Y", F)],
         [i64("pads", [2, 1]), i64("axes", [-1])])
    # Resize-18/19.
    X4 = [("X", F, [1, 2, 4, 6])]
    case("Resize18_sizes_not_larger", 18,
         [oh.make_node("Resize", ["X", "", "", "sizes"], ["Y"], axes=[2, 3], keep_aspect_ratio_policy="not_larger")],
         X4, [("Y", F)], [i64("sizes", [7, 7])])
    case("Resize18_sizes_not_smaller", 18,
         [oh.make_node("Resize", ["X", "", "", "sizes"], ["Y"], axes=[2, 3], keep_aspect_ratio_policy="not_smaller",
                       mode="linear")],
         X4, [("Y", F)], [i64("sizes", [5, 5])])
    case("Resize18_scales", 18, [oh.make_node("Resize", ["X", "", "scales"], ["Y"], mode="linear", antialias=1)],
         X4, [("Y", F)], [f32("scales", [1, 1, 0.5, 1.5])])
    case("Resize19_symmetric", 19,
         [oh.make_node("Resize", ["X", "", "", "sizes"], ["Y"], mode="linear",
                       coordinate_transformation_mode="half_pixel_symmetric")],
         X4, [("Y", F)], [i64("sizes", [1, 2, 3, 9])])
    # Scatter with max/min reductions (18).
    case("ScatterElements18_max", 18,
         [oh.make_node("ScatterElements", ["X", "idx", "upd"], ["Y"], axis=1, reduction="max")],
         [("X", F, [3, 4]), ("upd", F, [3, 2])], [("Y", F)], [i64("idx", [0, 1, 3, 3, 2, 0], [3, 2])])
    case("ScatterND18_min", 18, [oh.make_node("ScatterND", ["X", "idx", "upd"], ["Y"], reduction="min")],
         [("X", F, [4, 3]), ("upd", F, [2, 3])], [("Y", F)], [i64("idx", [1, 3], [2, 1])])
    # New ops of 18.
    case("Col2Im18", 18, [oh.make_node("Col2Im", ["X", "image", "block"], ["Y"])], [("X", F, [1, 8, 9])], [("Y", F)],
         [i64("image", [4, 4]), i64("block", [2, 2])])
    case("CenterCropPad18", 18, [oh.make_node("CenterCropPad", ["X", "shape"], ["Y"], axes=[0, 1])],
         [("X", F, [4, 5, 3])], [("Y", F)], [i64("shape", [6, 3])])
    case("GroupNormalization18", 18,
         [oh.make_node("GroupNormalization", ["X", "s", "b"], ["Y"], num_groups=2, epsilon=1e-5)],
         [("X", F, [2, 4, 3])], [("Y", F)], [f32("s", [1, 2]), f32("b", [0, 1])],
         why="deprecated in opset 21 (scale and bias were per group)")
    case("GroupNormalization21", 21,
         [oh.make_node("GroupNormalization", ["X", "s", "b"], ["Y"], num_groups=2, epsilon=1e-5)],
         [("X", F, [2, 4, 3])], [("Y", F)], [f32("s", [1, 2, 3, 4]), f32("b", [0, 1, 0, 1])])
    case("LpPool18_ceil", 18,
         [oh.make_node("LpPool", ["X"], ["Y"], kernel_shape=[3, 2], strides=[2, 2], ceil_mode=1, p=2)],
         [("X", F, [1, 2, 6, 5])], [("Y", F)])
    case("LpPool22_dilations", 22,
         [oh.make_node("LpPool", ["X"], ["Y"], kernel_shape=[2, 2], dilations=[2, 1], pads=[1, 0, 1, 1])],
         [("X", F, [1, 2, 6, 5])], [("Y", F)])
    I32 = TensorProto.INT32
    for op in ["BitwiseAnd", "BitwiseOr", "BitwiseXor"]:
        case(op + "18", 18, [oh.make_node(op, ["A", "B"], ["Y"])], [("A", I32, [2, 3]), ("B", I32, [3])], [("Y", I32)])
    case("BitwiseNot18", 18, [oh.make_node("BitwiseNot", ["A"], ["Y"])], [("A", I32, [2, 3])], [("Y", I32)])
    case("Mish18", 18, [oh.make_node("Mish", ["X"], ["Y"])], X234, [("Y", F)])
    case("OptionalGetElement18", 18, [oh.make_node("Optional", ["X"], ["O"]),
                                     oh.make_node("OptionalGetElement", ["O"], ["Y"])], X234, [("Y", F)])
    case("OptionalHasElement18", 18, [oh.make_node("OptionalHasElement", ["X"], ["Y"])], X234,
         [("Y", TensorProto.BOOL)])
    # Opset 19.
    case("AveragePool19_dilations", 19,
         [oh.make_node("AveragePool", ["X"], ["Y"], kernel_shape=[2, 3], dilations=[2, 1], strides=[1, 2], ceil_mode=1)],
         [("X", F, [1, 2, 7, 8])], [("Y", F)])
    case("AveragePool22_same", 22,
         [oh.make_node("AveragePool", ["X"], ["Y"], kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")],
         [("X", F, [1, 2, 7, 8])], [("Y", F)])
    case("Cast19_float8", 19, [oh.make_node("Cast", ["X"], ["C"], to=FLOAT8E4M3FN, saturate=1),
                               oh.make_node("Cast", ["C"], ["Y"], to=F)], X234, [("Y", F)])
    case("Cast21_int4", 21, [oh.make_node("Cast", ["X"], ["C"], to=INT4),
                             oh.make_node("Cast", ["C"], ["Y"], to=TensorProto.INT32)],
         [("X", TensorProto.INT32, [2, 3, 4])], [("Y", TensorProto.INT32)])
    case("Cast23_e5m2", 23, [oh.make_node("Cast", ["X"], ["C"], to=FLOAT8E5M2),
                             oh.make_node("Cast", ["C"], ["Y"], to=F)], X234, [("Y", F)])
    case("CastLike19", 19, [oh.make_node("CastLike", ["X", "like"], ["Y"])], X234, [("Y", I64)],
         [i64("like", [0], [])])
    case("CastLike21", 21, [oh.make_node("CastLike", ["X", "like"], ["Y"])], [("X", I64, [3, 2])], [("Y", F)],
         [f32("like", [0], [])])
    for v in (19, 21, 23):
        case("Constant%d" % v, v, [oh.make_node("Constant", [], ["K"], value_ints=[1, 2, 3]),
                                   oh.make_node("Add", ["X", "K"], ["Y"])], [("X", I64, [2, 3])], [("Y", I64)])
    case("Constant21_tensor", 21, [oh.make_node("Constant", [], ["K"], value=onh.from_array(
        np.ones((2, 1, 4), np.float32), "kv")), oh.make_node("Mul", ["X", "K"], ["Y"])], X234, [("Y", F)])
    case("DeformConv19", 19, [oh.make_node("DeformConv", ["X", "W", "off"], ["Y"], strides=[1, 1], pads=[0, 0, 0, 0])],
         [("X", F, [1, 2, 5, 5]), ("off", F, [1, 18, 3, 3])], [("Y", F)],
         [f32("W", RNG.uniform(-1, 1, 54).tolist(), [3, 2, 3, 3])])
    case("DeformConv22_pads", 22,
         [oh.make_node("DeformConv", ["X", "W", "off"], ["Y"], strides=[2, 2], pads=[1, 1, 1, 1], dilations=[1, 1])],
         [("X", F, [1, 2, 5, 5]), ("off", F, [1, 18, 3, 3])], [("Y", F)],
         [f32("W", RNG.uniform(-1, 1, 54).tolist(), [3, 2, 3, 3])])
    case("Equal19", 19, [oh.make_node("Equal", ["A", "B"], ["Y"])], [("A", I64, [2, 3]), ("B", I64, [2, 1])],
         [("Y", TensorProto.BOOL)])
    case("Equal19_string", 19, [oh.make_node("Equal", ["A", "B"], ["Y"])],
         [("A", TensorProto.STRING, [2, 2]), ("B", TensorProto.STRING, [2])], [("Y", TensorProto.BOOL)])
    for v in (19, 21, 23):
        case("Identity%d" % v, v, [oh.make_node("Identity", ["X"], ["Y"])], X234, [("Y", F)])
    case("DequantizeLinear19", 19, [oh.make_node("DequantizeLinear", ["X", "s", "z"], ["Y"], axis=1)],
         [("X", TensorProto.INT8, [2, 3])], [("Y", F)],
         [f32("s", [0.5, 0.25, 2]), onh.from_array(np.array([1, -2, 0], np.int8), "z")])
    case("DequantizeLinear21_blocked", 21, [oh.make_node("DequantizeLinear", ["X", "s"], ["Y"], axis=1, block_size=2)],
         [("X", TensorProto.UINT8, [2, 4])], [("Y", F)], [f32("s", [0.5, 1, 2, 4], [2, 2])])
    case("DequantizeLinear23", 23, [oh.make_node("DequantizeLinear", ["X", "s"], ["Y"])],
         [("X", TensorProto.UINT8, [2, 4])], [("Y", F)], [f32("s", [0.5], [])])
    case("QuantizeLinear19", 19, [oh.make_node("QuantizeLinear", ["X", "s"], ["Y"])], X234, [("Y", TensorProto.UINT8)],
         [f32("s", [0.1], [])])
    case("QuantizeLinear21_int4", 21, [oh.make_node("QuantizeLinear", ["X", "s"], ["Q"], output_dtype=INT4),
                                       oh.make_node("DequantizeLinear", ["Q", "s"], ["Y"])], X234, [("Y", F)],
         [f32("s", [0.5], [])])
    case("QuantizeLinear23_zp", 23, [oh.make_node("QuantizeLinear", ["X", "s", "z"], ["Y"], axis=0)], X234,
         [("Y", TensorProto.INT8)], [f32("s", [0.1, 0.2]), onh.from_array(np.array([0, 3], np.int8), "z")])
    for v in (19, 21, 23):
        case("Reshape%d" % v, v, [oh.make_node("Reshape", ["X", "shape"], ["Y"])], X234, [("Y", F)],
             [i64("shape", [0, -1])])
        case("Shape%d" % v, v, [oh.make_node("Shape", ["X"], ["Y"], start=1)], X234, [("Y", I64)])
        case("Size%d" % v, v, [oh.make_node("Size", ["X"], ["Y"])], X234, [("Y", I64)])
    # Opset 20.
    case("AffineGrid20", 20, [oh.make_node("AffineGrid", ["theta", "size"], ["Y"], align_corners=0)],
         [("theta", F, [2, 2, 3])], [("Y", F)], [i64("size", [2, 3, 4, 5])])
    for v in (20, 21, 23):
        case("ConstantOfShape%d" % v, v, [oh.make_node("Shape", ["X"], ["S"]),
                                          oh.make_node("ConstantOfShape", ["S"], ["Y"],
                                                       value=onh.from_array(np.array([7], np.int64), "cv"))],
             X234, [("Y", I64)])
    case("DFT20_onesided", 20, [oh.make_node("DFT", ["X", "", "axis"], ["Y"], onesided=1)], [("X", F, [2, 8, 1])],
         [("Y", F)], [i64("axis", [1], [])])
    case("DFT20_length", 20, [oh.make_node("DFT", ["X", "n"], ["Y"])], [("X", F, [3, 5, 2])], [("Y", F)],
         [i64("n", [8], [])])
    case("Gelu20", 20, [oh.make_node("Gelu", ["X"], ["Y"], approximate="tanh")], X234, [("Y", F)])
    case("GridSample20", 20, [oh.make_node("GridSample", ["X", "grid"], ["Y"], mode="linear")],
         [("X", F, [1, 2, 4, 4]), ("grid", F, [1, 3, 5, 2])], [("Y", F)])
    case("GridSample22", 22, [oh.make_node("GridSample", ["X", "grid"], ["Y"], mode="nearest")],
         [("X", F, [2, 2, 4, 4]), ("grid", F, [2, 6, 1, 2])], [("Y", F)])
    case("IsInf20", 20, [oh.make_node("IsInf", ["X"], ["Y"])], X234, [("Y", TensorProto.BOOL)], special=True)
    case("IsNaN20", 20, [oh.make_node("IsNaN", ["X"], ["Y"])], X234, [("Y", TensorProto.BOOL)], special=True)
    S = TensorProto.STRING
    case("RegexFullMatch20", 20, [oh.make_node("RegexFullMatch", ["X"], ["Y"], pattern="[a-z],.*")],
         [("X", S, [2, 2])], [("Y", TensorProto.BOOL)])
    case("StringConcat20", 20, [oh.make_node("StringConcat", ["A", "B"], ["Y"])], [("A", S, [2, 2]), ("B", S, [2])],
         [("Y", S)])
    case("StringSplit20", 20, [oh.make_node("StringSplit", ["X"], ["Y", "Z"], delimiter=",")], [("X", S, [4])],
         [("Y", S), ("Z", I64)], data_dims={"Y": [1]})
    # Opset 21.
    for v in (21, 23):
        case("Flatten%d" % v, v, [oh.make_node("Flatten", ["X"], ["Y"], axis=2)], X234, [("Y", F)])
        case("Squeeze%d" % v, v, [oh.make_node("Squeeze", ["X", "axes"], ["Y"])], [("X", F, [2, 1, 4, 1])], [("Y", F)],
             [i64("axes", [1, -1])])
        case("Unsqueeze%d" % v, v, [oh.make_node("Unsqueeze", ["X", "axes"], ["Y"])], X234, [("Y", F)],
             [i64("axes", [0, 4])])
        case("Transpose%d" % v, v, [oh.make_node("Transpose", ["X"], ["Y"], perm=[2, 0, 1])], X234, [("Y", F)])
    u8 = lambda n, v: onh.from_array(np.array(v, np.uint8), n)  # noqa: E731
    case("QLinearMatMul21", 21, [oh.make_node("QLinearMatMul", ["A", "as", "az", "B", "bs", "bz", "ys", "yz"], ["Y"])],
         [("A", TensorProto.UINT8, [2, 3]), ("B", TensorProto.UINT8, [3, 4])], [("Y", TensorProto.UINT8)],
         [f32("as", [0.1], []), u8("az", 3), f32("bs", [0.2], []), u8("bz", 1), f32("ys", [0.5], []), u8("yz", 2)])
    # Opset 22 (bfloat16 added; signatures unchanged).
    case("Conv22", 22, [oh.make_node("Conv", ["X", "W"], ["Y"], strides=[2, 1], pads=[1, 1, 1, 1])],
         [("X", F, [1, 2, 5, 5])], [("Y", F)], [f32("W", RNG.uniform(-1, 1, 36).tolist(), [2, 2, 3, 3])])
    case("MaxPool22", 22, [oh.make_node("MaxPool", ["X"], ["Y"], kernel_shape=[2, 2], ceil_mode=1, strides=[2, 2])],
         [("X", F, [1, 2, 5, 5])], [("Y", F)])
    case("GlobalAveragePool22", 22, [oh.make_node("GlobalAveragePool", ["X"], ["Y"])], [("X", F, [1, 2, 5, 5])], [("Y", F)])
    case("InstanceNormalization22", 22, [oh.make_node("InstanceNormalization", ["X", "s", "b"], ["Y"])],
         [("X", F, [2, 3, 4])], [("Y", F)], [f32("s", [1, 2, 3]), f32("b", [0, 0, 1])])
    for op in ["Elu", "Round", "Softplus", "Sin", "HardSwish"]:
        case(op + "22", 22, [oh.make_node(op, ["X"], ["Y"])], X234, [("Y", F)])
    # Opset 23.
    case("Attention23_4d_past", 23,
         [oh.make_node("Attention", ["Q", "K", "V", "", "pk", "pv"], ["Y", "PK", "PV"])],
         [("Q", F, [2, 4, 3, 8]), ("K", F, [2, 2, 5, 8]), ("V", F, [2, 2, 5, 6]), ("pk", F, [2, 2, 4, 8]),
          ("pv", F, [2, 2, 4, 6])], [("Y", F), ("PK", F), ("PV", F)])
    case("Attention23_3d", 23, [oh.make_node("Attention", ["Q", "K", "V"], ["Y"], q_num_heads=4, kv_num_heads=2)],
         [("Q", F, [2, 3, 32]), ("K", F, [2, 5, 16]), ("V", F, [2, 5, 12])], [("Y", F)])
    case("Attention23_qk", 23, [oh.make_node("Attention", ["Q", "K", "V"], ["Y", "", "", "QK"], is_causal=1)],
         [("Q", F, [1, 2, 3, 4]), ("K", F, [1, 2, 3, 4]), ("V", F, [1, 2, 3, 4])], [("Y", F), ("QK", F)])
    case("RMSNormalization23", 23, [oh.make_node("RMSNormalization", ["X", "s"], ["Y"], axis=-1)], X234, [("Y", F)],
         [f32("s", [1, 2, 3, 4])])
    case("RotaryEmbedding23", 23, [oh.make_node("RotaryEmbedding", ["X", "cos", "sin", "pos"], ["Y"])],
         [("X", F, [1, 2, 3, 8])], [("Y", F)],
         [f32("cos", np.cos(np.arange(16)).tolist(), [4, 4]), f32("sin", np.sin(np.arange(16)).tolist(), [4, 4]),
          i64("pos", [0, 1, 2], [1, 3])])
    # STFT-17: ONNX 1.12's inference gives frame_length bins for the default onesided=1. Last, so
    # the cases before keep their random values.
    case("STFT17_default", 17, [oh.make_node("STFT", ["X", "step", "w"], ["Y"])], [("X", F, [2, 16, 1])], [("Y", F)],
         [i64("step", [4], []), f32("w", [1.0] * 8)])
    case("STFT17_twosided", 17, [oh.make_node("STFT", ["X", "step", "w"], ["Y"], onesided=0)], [("X", F, [1, 16, 2])],
         [("Y", F)], [i64("step", [3], []), f32("w", [0.5] * 6)])
    case("STFT17_length", 17, [oh.make_node("STFT", ["X", "step", "", "n"], ["Y"])], [("X", F, [1, 20, 1])], [("Y", F)],
         [i64("step", [5], []), i64("n", [7], [])])


def field_bytes(number, payload):
    """One length-delimited protobuf field (wire type 2)."""
    def varint(v):
        out = b""
        while True:
            byte = v & 0x7f
            v >>= 7
            out += bytes([byte | (0x80 if v else 0)])
            if not v:
                return out
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def entry(key, value):
    """A StringStringEntryProto {key, value}."""
    return field_bytes(1, key.encode()) + field_bytes(2, value.encode())


def with_unknown(message, number, payload):
    """message plus a field onnx 1.12's schema does not have (kept as an unknown field)."""
    cls = type(message)
    out = cls()
    out.ParseFromString(message.SerializeToString() + field_bytes(number, payload))
    return out


def types_model():
    """Initializers of every IR 9-11 low-precision type, raw and typed, each cast to float or
    int32 (ONNX Runtime computes the reference values), plus fields onnx 1.12 does not know:
    metadata_props on a node (9), the graph (16), an initializer (16) and an output (4)."""
    inits, nodes, outputs = [], [], []

    def add(name, elem, dims, raw=None, int32_data=None, to=F):
        t = TensorProto()
        t.name = name
        t.data_type = elem
        t.dims.extend(dims)
        if raw is not None:
            t.raw_data = bytes(raw)
        else:
            t.int32_data.extend(int32_data)
        inits.append(t)
        nodes.append(oh.make_node("Cast", [name], [name + "_out"], name="cast_" + name, to=to))
        outputs.append(oh.make_tensor_value_info(name + "_out", to, dims))

    def pack(values):
        values = list(values) + ([0] if len(values) % 2 else [])
        return [(values[i] & 0xf) | ((values[i + 1] & 0xf) << 4) for i in range(0, len(values), 2)]

    for elem, tag in ((FLOAT8E4M3FN, "e4m3fn"), (FLOAT8E4M3FNUZ, "e4m3fnuz"), (FLOAT8E5M2, "e5m2"),
                      (FLOAT8E5M2FNUZ, "e5m2fnuz")):
        add("f8%s_raw" % tag, elem, [16, 16], raw=range(256))
        add("f8%s_typed" % tag, elem, [6], int32_data=[0, 1, 0x38, 0x7b, 0x80, 0xc4])
    nibbles = [7, 8, 15, 0, 1, 9, 3, 12, 5, 14, 2, 11, 6, 10, 4, 13, 8]
    add("u4_raw", UINT4, [17], raw=pack(nibbles), to=TensorProto.INT32)
    add("u4_typed", UINT4, [5], int32_data=pack(nibbles[:5]), to=TensorProto.INT32)
    add("i4_raw", INT4, [17], raw=pack(nibbles), to=TensorProto.INT32)
    add("i4_typed", INT4, [3], int32_data=pack(nibbles[5:8]), to=TensorProto.INT32)
    nodes[0] = with_unknown(nodes[0], 9, entry("origin", "make_opsets.py"))
    inits[0] = with_unknown(inits[0], 16, entry("quant", "per-tensor"))
    outputs[0] = with_unknown(outputs[0], 4, entry("unit", "none"))
    graph = oh.make_graph(nodes, "low_precision", [], outputs, inits)
    graph = with_unknown(graph, 16, entry("graph_note", "kept"))
    m = oh.make_model(graph, producer_name="netfold-make_opsets", opset_imports=[oh.make_operatorsetid("", 23)])
    m.ir_version = IR_FOR_OPSET[23]
    save(m, os.path.join(OUT, "types_ir10.onnx"))
    # float4e2m1: ONNX Runtime 1.30 has no CPU kernel that reads it, so these are graph outputs
    # as they are (values checked against the format's table in tst_opset).
    f4 = []
    for name, dims, raw, typed in (("f4_raw", [2, 8], pack(range(16)), None), ("f4_typed", [3], None, pack([1, 7, 12]))):
        t = TensorProto()
        t.name, t.data_type = name, FLOAT4E2M1
        t.dims.extend(dims)
        if raw is not None:
            t.raw_data = bytes(raw)
        else:
            t.int32_data.extend(typed)
        f4.append(t)
    graph = oh.make_graph([], "float4", [], [oh.make_tensor_value_info(t.name, FLOAT4E2M1, list(t.dims)) for t in f4], f4)
    m = oh.make_model(graph, producer_name="netfold-make_opsets", opset_imports=[oh.make_operatorsetid("", 23)])
    m.ir_version = IR_FOR_OPSET[23]
    save(m, os.path.join(OUT, "types_f4.onnx"))


def bad_cases():
    """Inconsistent or hostile op versions of opsets 18-23: inference must refuse them with a
    note naming the problem, never crash or overflow."""
    bad = []

    def one(name, opset, node, inputs, inits=(), expect=""):
        graph = oh.make_graph([node], name, [oh.make_tensor_value_info(n, e, d) for n, e, d in inputs],
                              [oh.make_tensor_value_info(o, F, None) for o in node.output], list(inits))
        m = oh.make_model(graph, producer_name="netfold-make_opsets", opset_imports=[oh.make_operatorsetid("", opset)])
        m.ir_version = IR_FOR_OPSET[opset]
        path = os.path.join(OUT, "bad", name + ".onnx")
        save(m, path)
        bad.append({"model": os.path.relpath(path, HERE), "expect": expect})

    X = [("X", F, [2, 3, 4])]
    one("pad_huge", 18, oh.make_node("Pad", ["X", "pads"], ["Y"]), X, [i64("pads", [2 ** 62, 0, 0, 2 ** 62, 0, 0])],
        "out of range")
    one("pad_axes_mismatch", 18, oh.make_node("Pad", ["X", "pads", "", "axes"], ["Y"]), X,
        [i64("pads", [1, 1, 1]), i64("axes", [0])], "pads has 3 values")
    one("split_num_outputs", 18, oh.make_node("Split", ["X"], ["Y0", "Y1"], axis=1, num_outputs=3), X, [],
        "num_outputs")
    one("reduce_axis", 18, oh.make_node("ReduceMean", ["X", "axes"], ["Y"]), X, [i64("axes", [5])], "out of range")
    one("pool_kernel", 19, oh.make_node("AveragePool", ["X"], ["Y"], kernel_shape=[2 ** 62]), X, [], "out of range")
    one("gridsample_rank", 20, oh.make_node("GridSample", ["X", "G"], ["Y"]), [("X", F, [4]), ("G", F, [4])], [],
        "at least 3 dims")
    one("resize_empty_dim", 18, oh.make_node("Resize", ["X", "", "", "sizes"], ["Y"], axes=[0],
                                             keep_aspect_ratio_policy="not_larger"),
        [("X", F, [0, 3])], [i64("sizes", [4])], "empty dim")
    one("col2im_block", 18, oh.make_node("Col2Im", ["X", "image", "block"], ["Y"]), [("X", F, [1, 8, 9])],
        [i64("image", [4, 4]), i64("block", [2 ** 40, 2 ** 40])], "out of range")
    one("attention_rank", 23, oh.make_node("Attention", ["Q", "K", "V"], ["Y"]),
        [("Q", F, [2, 3]), ("K", F, [2, 3]), ("V", F, [2, 3])], [], "3-D or 4-D")
    return bad


def main():
    os.makedirs(OPS, exist_ok=True)
    retyped = []
    for base in BASES:
        model = onnx.load(os.path.join(HERE, base + ".onnx"))
        for opset in TARGETS:
            m = retype(model, opset)
            name = "%s_o%d.onnx" % (base, opset)
            save(m, os.path.join(OUT, name))
            retyped.append({"file": "opsets/" + name, "original": base + ".onnx", "opset": opset})
    per_op_cases()
    bad = bad_cases()
    types_model()
    # An op nobody defines, at opset 23: netfold must still name it as not inferred.
    g = oh.make_graph([oh.make_node("Relu", ["X"], ["r"], name="relu0"),
                       oh.make_node("Frobnicate", ["r"], ["f"], name="frob0"),
                       oh.make_node("Relu", ["f"], ["Y"], name="relu1")], "unknown_op",
                      [oh.make_tensor_value_info("X", F, [2, 3])], [oh.make_tensor_value_info("Y", F, None)])
    m = oh.make_model(g, producer_name="netfold-make_opsets", opset_imports=[oh.make_operatorsetid("", 23)])
    m.ir_version = IR_FOR_OPSET[23]
    save(m, os.path.join(OUT, "unknown_op23.onnx"))
    with open(os.path.join(OUT, "opsets.json"), "w") as f:
        json.dump({"retyped": retyped, "ops": CASES, "bad": bad}, f, indent=1, sort_keys=True)
        f.write("\n")
    print("%d re-typed models, %d per-op models" % (len(retyped), len(CASES)))


if __name__ == "__main__":
    main()
