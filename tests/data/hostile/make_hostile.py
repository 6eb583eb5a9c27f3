#!/usr/bin/python3
"""Writes the hostile-input reproducers of issue #11 into this folder.

Run with Debian's /usr/bin/python3 (onnx 1.12):  /usr/bin/python3 tests/data/hostile/make_hostile.py
Every file is small and deterministic; tests/tst_hostile.cpp runs each through netfold-cli and
the library and expects a one-line error (exit 2) or a correct result. `hostile.json` lists
them with the command and what is expected (`error` substring, `ok`, or `note:TEXT`: `info`
exits 0 and notes the node as not handed to ONNX inference, saying TEXT).
"""
import json
import os
import struct

import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 13)]
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
manifest = []


def raw_tensor(name, dtype, dims, raw):
    t = TensorProto()
    t.name = name
    t.data_type = dtype
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def i64(name, values, dims=None):
    return raw_tensor(name, TensorProto.INT64, [len(values)] if dims is None else dims,
                      struct.pack("<%dq" % len(values), *values))


def f32(name, values, dims):
    return raw_tensor(name, TensorProto.FLOAT, dims, struct.pack("<%df" % len(values), *values))


def save(name, graph, command, expect, opsets=None, note="", functions=None, check=True, ir=8):
    model = helper.make_model(graph, opset_imports=opsets or OPSET, producer_name="make_hostile")
    model.ir_version = ir
    if functions:
        model.functions.extend(functions)
    if check:
        onnx.checker.check_model(model)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(model.SerializeToString())
    manifest.append({"file": name, "command": command, "expect": expect, "note": note})


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


# 1. If whose branch uses a custom-domain op: ONNX's subgraph inference reads the
#    GraphInferenceContext's model_local_functions (it dangled).
then_g = helper.make_graph([helper.make_node("MyOp", ["x"], ["t"], domain="custom.domain")], "then",
                           [], [vi("t", TensorProto.FLOAT, [2])])
else_g = helper.make_graph([helper.make_node("Identity", ["x"], ["e"])], "else", [], [vi("e", TensorProto.FLOAT, [2])])
g = helper.make_graph([helper.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)], "if_custom",
                      [vi("c", TensorProto.BOOL, []), vi("x", TensorProto.FLOAT, [2])], [vi("y", TensorProto.FLOAT, [2])])
save("if_custom_branch.onnx", g, "info", "ok", opsets=OPSET + [helper.make_opsetid("custom.domain", 1)],
     note="checker-valid; If branch with a custom-domain op")

# 2-3. Reshape whose int64[3] shape initializer has 5 / 9 raw bytes.
for n in (5, 9):
    g = helper.make_graph([helper.make_node("Reshape", ["x", "shape"], ["y"])], "reshape_raw",
                          [vi("x", TensorProto.FLOAT, [2, 3])], [vi("y", TensorProto.FLOAT, None)],
                          [raw_tensor("shape", TensorProto.INT64, [3], b"\x01" * n)])
    save("reshape_raw%d.onnx" % n, g, "info", "raw_data", check=False, note="int64[3] with %d raw bytes" % n)

# 4. Data propagation (Shape -> Add) over an initializer with empty / 25-byte raw_data.
for n in (0, 25):
    g = helper.make_graph([helper.make_node("Shape", ["x"], ["s"]), helper.make_node("Add", ["s", "k"], ["s2"]),
                           helper.make_node("Reshape", ["x", "s2"], ["y"])], "propagate",
                          [vi("x", TensorProto.FLOAT, [2, 3, 4])], [vi("y", TensorProto.FLOAT, None)],
                          [raw_tensor("k", TensorProto.INT64, [3], b"\x00" * n)])
    save("propagate_raw%d.onnx" % n, g, "info", "raw_data", check=False, note="Shape->Add data propagation, %d raw bytes" % n)

# 5. DepthToSpace blocksize 2^32 (ONNX 1.12 divides by its int truncation).
g = helper.make_graph([helper.make_node("DepthToSpace", ["x"], ["y"], blocksize=2**32)], "d2s",
                      [vi("x", TensorProto.FLOAT, [1, 4, 2, 2])], [vi("y", TensorProto.FLOAT, None)])
save("depth_to_space_2p32.onnx", g, "info", "ok", check=False, note="blocksize 2^32")
g = helper.make_graph([helper.make_node("DepthToSpace", ["x"], ["y"], blocksize=2**32)], "d2s",
                      [], [vi("y", TensorProto.FLOAT, None)], [f32("x", [0.0] * 16, [1, 4, 2, 2])])
save("depth_to_space_fold.onnx", g, "simplify", "ok", check=False, note="constant DepthToSpace, blocksize 2^32")

# 6-7. Gather on an int64 initializer whose byte size wraps 2^64, with 0 raw bytes.
for name, dims in (("gather_2p41x2p20.onnx", [2**41, 2**20]), ("gather_2p61.onnx", [2**61])):
    g = helper.make_graph([helper.make_node("Gather", ["data", "idx"], ["y"])], "gather",
                          [], [vi("y", TensorProto.INT64, None)],
                          [raw_tensor("data", TensorProto.INT64, dims, b""), i64("idx", [64])])
    save(name, g, "simplify", "more bytes than fit", check=False, note="dims %s, 0 raw bytes" % dims)

# 8. BatchNormalization after a Conv whose bias is short / empty, or whose weights have zero size.
def conv_bn(name, w_dims, b_dims, note):
    w_n = 1
    for d in w_dims:
        w_n *= d
    b_n = 1
    for d in b_dims:
        b_n *= d
    inits = [f32("w", [0.5] * w_n, w_dims), f32("b", [0.25] * b_n, b_dims)]
    for p, v in (("scale", 2.0), ("bias", 0.5), ("mean", 0.1), ("var", 4.0)):
        inits.append(f32(p, [v, v], [2]))
    g = helper.make_graph([helper.make_node("Conv", ["x", "w", "b"], ["c"]),
                           helper.make_node("BatchNormalization", ["c", "scale", "bias", "mean", "var"], ["y"])],
                          "conv_bn", [vi("x", TensorProto.FLOAT, [1, 1, 3, 3])], [vi("y", TensorProto.FLOAT, None)], inits)
    save(name, g, "simplify", "ok", check=False, note=note)


conv_bn("bn_short_bias.onnx", [2, 1, 1, 1], [1], "Conv bias has 1 value for 2 output channels")
conv_bn("bn_empty_bias.onnx", [2, 1, 1, 1], [0], "Conv bias is empty")
conv_bn("bn_zero_weight.onnx", [2, 0, 1, 1], [2], "Conv weights have zero size")

# 9. A shape chain dividing INT64_MIN by -1.
g = helper.make_graph([helper.make_node("Shape", ["x"], ["s"]),
                       helper.make_node("Mul", ["s", "big"], ["m"]),
                       helper.make_node("Div", ["m", "neg"], ["d"]),
                       helper.make_node("Reshape", ["x", "d"], ["y"])], "int64min",
                      [vi("x", TensorProto.FLOAT, [1, "n"])], [vi("y", TensorProto.FLOAT, None)],
                      [i64("big", [INT64_MIN, 1]), i64("neg", [-1, 1])])
save("int64min_div.onnx", g, "simplify", "ok", check=False, note="Shape*INT64_MIN / -1 in a shape chain")
g = helper.make_graph([helper.make_node("Div", ["a", "neg"], ["y"])], "int64min_const",
                      [], [vi("y", TensorProto.INT64, None)], [i64("a", [INT64_MIN]), i64("neg", [-1])])
save("int64min_div_const.onnx", g, "simplify", "ok", check=False, note="constant INT64_MIN / -1")

# 10. External data offset INT64_MAX; Slice step INT64_MIN; overflowing element counts.
with open(os.path.join(HERE, "weights.bin"), "wb") as f:
    f.write(struct.pack("<4f", 1, 2, 3, 4))


def ext_tensor(name, dims, location, offset=None, length=None):
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", offset), ("length", length)):
        if v is not None:
            e = t.external_data.add()
            e.key = k
            e.value = str(v)
    return t


def ext_model(name, location, offset=None, length=None, expect="ok", note=""):
    g = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "ext",
                          [vi("x", TensorProto.FLOAT, [4])], [vi("y", TensorProto.FLOAT, [4])],
                          [ext_tensor("w", [4], location, offset, length)])
    save(name, g, "simplify", expect, check=False, note=note)


ext_model("ext_ok.onnx", "weights.bin", note="control: valid external data beside the model")
ext_model("ext_offset_max.onnx", "weights.bin", offset=INT64_MAX, expect="too short", note="offset INT64_MAX")
ext_model("ext_offset_neg.onnx", "weights.bin", offset=-16, expect="bad external_data offset", note="negative offset")
ext_model("ext_length_short.onnx", "weights.bin", length=8, expect="declares 8 bytes", note="length disagrees with dtype x shape")
ext_model("ext_truncated.onnx", "weights.bin", offset=8, expect="too short", note="file too short for the tensor")
ext_model("ext_missing.onnx", "no_such_weights.bin", expect="no_such_weights.bin", note="missing external file")
ext_model("ext_passwd.onnx", "../../../../../../../../etc/passwd", expect="outside the model's folder", note="path escapes the model's folder")
ext_model("ext_absolute.onnx", "/etc/passwd", expect="outside the model's folder", note="absolute location")
ext_model("ext_dir.onnx", ".", expect="not a regular file", note="location is a directory")

g = helper.make_graph([helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])], "slice",
                      [], [vi("y", TensorProto.FLOAT, None)],
                      [f32("x", [1, 2, 3, 4], [4]), i64("st", [-1]), i64("en", [INT64_MIN]), i64("ax", [0]),
                       i64("sp", [INT64_MIN])])
save("slice_step_min.onnx", g, "simplify", "ok", check=False, note="Slice step INT64_MIN")

g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "numel",
                      [], [vi("y", TensorProto.FLOAT, None)], [raw_tensor("x", TensorProto.FLOAT, [2**32, 2**32, 2], b"")])
save("numel_overflow.onnx", g, "simplify", "elements", check=False, note="element count over 2^64")
g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "empty",
                      [], [vi("y", TensorProto.FLOAT, None)], [raw_tensor("x", TensorProto.FLOAT, [0, 3], b"")])
save("empty_tensor.onnx", g, "simplify", "ok", check=False, note="an empty tensor (null data pointers)")
typed_empty = TensorProto()
typed_empty.name = "x"
typed_empty.data_type = TensorProto.INT64
typed_empty.dims.append(1)
g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "typed",
                      [], [vi("y", TensorProto.INT64, None)], [typed_empty])
save("typed_short.onnx", g, "info", "int64_data", check=False, note="int64[1] with no int64_data")

# Attributes out of range in netfold's own kernels (constant inputs, so folding runs them).
for name, node in (("transpose_perm.onnx", helper.make_node("Transpose", ["x"], ["y"], perm=[0, 7])),
                   ("concat_axis.onnx", helper.make_node("Concat", ["x", "x"], ["y"], axis=INT64_MIN)),
                   ("softmax_axis.onnx", helper.make_node("Softmax", ["x"], ["y"], axis=2**40)),
                   ("space_to_depth.onnx", helper.make_node("SpaceToDepth", ["x"], ["y"], blocksize=0)),
                   ("flatten_axis.onnx", helper.make_node("Flatten", ["x"], ["y"], axis=INT64_MAX))):
    g = helper.make_graph([node], name[:-5], [], [vi("y", TensorProto.FLOAT, None)], [f32("x", [1.0] * 16, [1, 4, 2, 2])])
    save(name, g, "simplify", "ok_or_error", check=False, note="attribute out of range")

# 13-15. Bounded work: big Expand under --check, many big broadcasts.
g = helper.make_graph([helper.make_node("Expand", ["x", "shape"], ["y"])], "expand_2g",
                      [vi("x", TensorProto.FLOAT, [1])], [vi("y", TensorProto.FLOAT, None)], [i64("shape", [2**29])])
save("expand_2g.onnx", g, "simplify --check 1", "unchecked: memory budget", check=False, note="Expand to 2 GiB under --check")

side = 2**14  # [side,1] + [1,side] floats: 64 KB each, 1 GiB broadcast result
a = f32("a", [1.0] * side, [side, 1])
b = f32("b", [2.0] * side, [1, side])
nodes = [helper.make_node("Add", ["a", "b"], ["s%d" % i]) for i in range(1)]
g = helper.make_graph([helper.make_node("Add", ["a", "b"], ["s"]), helper.make_node("ReduceSum", ["s"], ["y"], keepdims=0)],
                      "broadcast_1g", [], [vi("y", TensorProto.FLOAT, None)], [a, b])
save("broadcast_1g.onnx", g, "simplify", "ok", check=False, note="131 KB of weights broadcasting to 1 GiB")
nodes = []
outs = []
for i in range(8):
    nodes.append(helper.make_node("Add", ["a", "b"], ["s%d" % i]))
    nodes.append(helper.make_node("Mul", ["s%d" % i, "x"], ["y%d" % i]))
    outs.append(vi("y%d" % i, TensorProto.FLOAT, None))
g = helper.make_graph(nodes, "many_1g", [vi("x", TensorProto.FLOAT, [1])], outs, [a, b])
save("many_1g.onnx", g, "simplify --check 1 --check-memory 600MB", "unchecked: memory budget", check=False, note="many 1 GiB foldable outputs under --check")

# 16. Loop with trip count 2^63-1 and a true condition.
body = helper.make_graph([helper.make_node("Identity", ["cond_in"], ["cond_out"]),
                          helper.make_node("Add", ["v_in", "one"], ["v_out"])], "body",
                         [vi("i", TensorProto.INT64, []), vi("cond_in", TensorProto.BOOL, []), vi("v_in", TensorProto.FLOAT, [1])],
                         [vi("cond_out", TensorProto.BOOL, []), vi("v_out", TensorProto.FLOAT, [1])],
                         [f32("one", [1.0], [1])])
g = helper.make_graph([helper.make_node("Loop", ["trip", "cond", "x"], ["y"], body=body)], "loop_forever",
                      [vi("x", TensorProto.FLOAT, [1])], [vi("y", TensorProto.FLOAT, [1])],
                      [i64("trip", [INT64_MAX], []), raw_tensor("cond", TensorProto.BOOL, [], b"\x01")])
save("loop_forever.onnx", g, "simplify --check 1 --check-iterations 20000", "unchecked: iteration cap", check=False, note="Loop trip count 2^63-1, true condition")

# Control characters in names reach messages escaped, on one line.
g = helper.make_graph([helper.make_node("Relu", ["bad\nname\x1b[31m"], ["y"])], "ctl",
                      [vi("x", TensorProto.FLOAT, [1])], [vi("y", TensorProto.FLOAT, [1])])
save("control_chars.onnx", g, "info", "\\n", check=False, note="a value name with a newline and an escape sequence")

# A shape input declared [2^40] and unread: ONNX's inference makes one output dim per value
# (getShapeInput), 2^40 of them. Fuzz find: Expand in an If branch took 22 GB before it was killed;
# ONNX 1.12 reads only the values of Reshape's shape and Resize's sizes, kept here as the same guard covers them.
for name, op, inputs in (("expand_shape_2_40.onnx", "Expand", ["x", "shape"]),
                         ("reshape_shape_2_40.onnx", "Reshape", ["x", "shape"]),
                         ("resize_sizes_2_40.onnx", "Resize", ["x", "", "", "shape"])):
    g = helper.make_graph([helper.make_node(op, inputs, ["y"])], name[:-5],
                          [vi("x", TensorProto.FLOAT, [1]), vi("shape", TensorProto.INT64, [2**40])],
                          [vi("y", TensorProto.FLOAT, None)])
    save(name, g, "info", "ok", check=False, note="shape input declared with 2^40 values")

# ONNX 1.12's own inference functions index dims, divide and loop on attribute and input values
# they never check (found reading its source; each crashed, hung or overflowed netfold's `info`
# before). netfold keeps such nodes from them with a note saying why ("note:" = info exits 0 and
# prints that), or skips the data propagation that would misbehave.
def op_model(name, nodes, inputs, outputs, opset, expect, note, inits=()):
    g = helper.make_graph(nodes, name[:-5], inputs, outputs, list(inits))
    save(name, g, "info", expect, opsets=[helper.make_opsetid("", opset)], check=False, note=note)


F = TensorProto.FLOAT
op_model("onnx_gathernd_negative_batch_dims.onnx",
         [helper.make_node("GatherND", ["x", "i"], ["y"], batch_dims=-3)],
         [vi("x", F, [5]), vi("i", TensorProto.INT64, [1])], [vi("y", F, None)], 13,
         "note:Attribute 'batch_dims' -3", "GatherND-13 read dim(-2) of its data")
op_model("onnx_layernorm_axis_out_of_range.onnx",
         [helper.make_node("LayerNormalization", ["x", "s"], ["y", "mean"], axis=-5)],
         [vi("x", F, [2, 3]), vi("s", F, [3])], [vi("y", F, None), vi("mean", F, None)], 17,
         "note:Attribute 'axis' -5", "LayerNormalization-17 wrote Mean's dim -5")
op_model("onnx_layernorm_scalar.onnx",
         [helper.make_node("LayerNormalization", ["x", "s"], ["y", "mean"])],
         [vi("x", F, []), vi("s", F, [])], [vi("y", F, None), vi("mean", F, None)], 17,
         "note:Attribute 'axis' -1", "LayerNormalization-17 of a scalar wrote Mean's dim -1")
op_model("onnx_maxunpool_indices_unshaped.onnx",
         [helper.make_node("MaxUnpool", ["x", "i"], ["y"], kernel_shape=[2, 2])],
         [vi("x", F, [1, 1, 2, 2]), helper.make_tensor_value_info("i", TensorProto.INT64, None)],
         [vi("y", F, None)], 11, "note:indices", "MaxUnpool-11 read dim 1 of indices it had no shape for")
for op, extra in (("MaxPool", {}), ("AveragePool", {}), ("LpPool", {}), ("Conv", None)):
    ins = ["x", "w"] if extra is None else ["x"]
    vis = [vi("x", F, [1, 1, 4, 4])] + ([vi("w", F, [1, 1, 2, 2])] if extra is None else [])
    op_model("onnx_%s_stride_0.onnx" % op.lower(),
             [helper.make_node(op, ins, ["y"], kernel_shape=[2, 2], strides=[0, 0])], vis, [vi("y", F, None)], 12,
             "note:Attribute 'strides'", "%s-12 divided by a stride of 0 (SIGFPE)" % op)
op_model("onnx_avgpool_same_huge_dim.onnx",
         [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[1, 1], strides=[2, 1], auto_pad="SAME_UPPER")],
         [vi("x", F, [1, 1, 2**62, 1])], [vi("y", F, None)], 11,
         "note:auto_pad", "AveragePool-11's SAME padding loop subtracted the stride 2^61 times (a hang)")
op_model("onnx_splittosequence_split_0.onnx",
         [helper.make_node("SplitToSequence", ["x", "split"], ["y"])],
         [vi("x", F, [4])], [helper.make_tensor_sequence_value_info("y", F, None)], 11,
         "note:split", "SplitToSequence-11 took the remainder of a division by a split of 0 (SIGFPE)",
         inits=[i64("split", [0], [])])
op_model("onnx_gemm6_scalar.onnx",
         [helper.make_node("Gemm", ["a", "b", "c"], ["y"])],
         [vi("a", TensorProto.DOUBLE, []), vi("b", TensorProto.DOUBLE, [2]), vi("c", TensorProto.DOUBLE, [1])],
         [vi("y", TensorProto.DOUBLE, None)], 6, "note:rank", "Gemm-6 read dim 0/1 of a scalar")
op_model("onnx_lstm1_rank_1.onnx",
         [helper.make_node("LSTM", ["x", "w", "r"], ["y"], hidden_size=2)],
         [vi("x", F, [5]), vi("w", F, [1, 8, 1]), vi("r", F, [1, 8, 2])], [vi("y", F, None)], 6,
         "note:rank", "LSTM-1 read dims 0 and 1 of a rank-1 X")
op_model("onnx_einsum_symbol.onnx",
         [helper.make_node("Einsum", ["x"], ["y"], equation="{")],
         [vi("x", F, [3])], [vi("y", F, None)], 12,
         "note:equation", "Einsum-12 counted '{' 26 slots past its letter table (stack overflow)")
op_model("onnx_einsum_uppercase.onnx",
         [helper.make_node("Einsum", ["x"], ["y"], equation="AB")],
         [vi("x", F, [2, 3])], [vi("y", F, None)], 12,
         "note:equation", "Einsum-12 counted 'A' below its letter table (an implicit-output equation)")
body = helper.make_graph([helper.make_node("Identity", ["s_in"], ["s_out"]),
                          helper.make_node("Identity", ["x_in"], ["x_out"])], "body",
                         [vi("s_in", F, [2]), vi("x_in", F, [2])], [vi("s_out", F, [2]), vi("x_out", F, [2])])
op_model("onnx_scan_num_scan_inputs_huge.onnx",
         [helper.make_node("Scan", ["s", "x"], ["s_final", "ys"], body=body, num_scan_inputs=300000000)],
         [vi("s", F, [2]), vi("x", F, [3, 2])], [vi("s_final", F, None), vi("ys", F, None)], 16,
         "note:num_scan_inputs", "Scan-16 sized its axes by num_scan_inputs (2.4 GB)")
op_model("onnx_reshape_product_overflow.onnx",
         [helper.make_node("Reshape", ["x", "shape"], ["y"])],
         [vi("x", F, [2**62, 2])], [vi("y", F, None)], 14,
         "note:multiply past int64", "Reshape-14: the dims' products wrapped to INT64_MIN % -1 (SIGFPE)",
         inits=[i64("shape", [3, 5, 17, 257, 641, 65537, 6700417, -1])])
op_model("onnx_maxroipool_rank_3.onnx",
         [helper.make_node("MaxRoiPool", ["x", "rois"], ["y"], pooled_shape=[2])],
         [vi("x", F, [1, 2, 4]), vi("rois", F, [1, 5])], [vi("y", F, None)], 13,
         "note:Attribute 'pooled_shape' needs 2 values", "MaxRoiPool-1 read pooled_shape[1] of a 1-long attribute")
# Slice's data propagation (shape values through Shape -> Slice): an empty shape with a negative
# step read element 0 of nothing; a step of 2^32 truncated to int 0 and looped, appending dims.
sh = helper.make_node("Shape", ["x"], ["s"])
op_model("onnx_slice_propagation_empty_negative_step.onnx",
         [sh, helper.make_node("Slice", ["s", "b", "e", "a", "st"], ["y"])],
         [vi("x", F, [])], [vi("y", TensorProto.INT64, None)], 13, "ok", "Slice-13 propagation read dim 0 of []",
         inits=[i64("b", [-1]), i64("e", [-1]), i64("a", [0]), i64("st", [-1])])
op_model("onnx_slice_propagation_step_2_32.onnx",
         [sh, helper.make_node("Slice", ["s", "b", "e", "a", "st"], ["y"])],
         [vi("x", F, [1, 2, 3])], [vi("y", TensorProto.INT64, None)], 13, "ok",
         "Slice-13 propagation: step 2^32 truncated to 0, an endless loop adding dims",
         inits=[i64("b", [0]), i64("e", [1]), i64("a", [0]), i64("st", [2**32])])

op_model("onnx_conv_notset_huge_dim.onnx",
         [helper.make_node("Conv", ["x", "w"], ["y"], auto_pad="NOTSET", strides=[2])],
         [vi("x", F, [1, 1, 2**62]), vi("w", F, [1, 1, 1])], [vi("y", F, None)], 13,
         "note:auto_pad NOTSET", "Conv-11 without pads runs the SAME padding loop for any auto_pad but VALID")


def save_ir(name, nodes, inputs, outputs, opset, ir, expect, note, inits=()):
    g = helper.make_graph(nodes, name[:-5], inputs, outputs, list(inits))
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_hostile")
    model.ir_version = ir
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(model.SerializeToString())
    manifest.append({"file": name, "command": "info", "expect": expect, "note": note})


# Two attributes of one name: ONNX's inference reads the last, netfold's checks read the first
# (ops inferred by netfold's opset rules are not run through ONNX's Verify, which refuses it).
dup = helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], strides=[1, 1])
dup.attribute.extend([helper.make_attribute("strides", [0, 0])])
save_ir("dup_attribute_strides_o22.onnx", [dup], [vi("x", F, [1, 1, 5, 5])], [vi("y", F, None)], 22, 10,
        "two attributes named 'strides'", "MaxPool-22 (ONNX's MaxPool-12 inference) divided by the second strides")
# netfold's own rules for opsets 18+ (core/shape/OpsetRules.cpp), read for the same faults.
save_ir("rules_window_overflow_o19.onnx",
        [helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[2**40], dilations=[2**40])],
        [vi("x", F, [1, 1, 8])], [vi("y", F, None)], 19, 9, "ok",
        "AveragePool-19: (kernel - 1) * dilation overflowed int64 (UBSan)")
for name, length in (("rules_col2im_image_shape_2_40_o18.onnx", 2**40),
                     ("rules_col2im_image_shape_int64_max_o18.onnx", INT64_MAX)):
    save_ir(name, [helper.make_node("Col2Im", ["x", "image", "block"], ["y"])],
            [vi("x", F, [1, 4, 9]), vi("image", TensorProto.INT64, [length])], [vi("y", F, None)], 18, 8, "ok",
            "Col2Im-18 built one output dim per declared image_shape value (2^40: a hang; 2^63-1: overflow, SEGV)",
            inits=[i64("block", [2, 2])])
save_ir("rules_split_dim_int64_max_o18.onnx",
        [helper.make_node("Split", ["x"], ["a", "b"], axis=0, num_outputs=2)],
        [vi("x", F, [INT64_MAX])], [vi("a", F, None), vi("b", F, None)], 18, 8, "ok",
        "Split-18: rounding 2^63-1 up to a multiple of 2 overflowed (UBSan)")

# Found by the fuzz campaign at 0a510b2 (a ConvInteger in a nested If branch): the rank check
# in front of Conv's inference did not cover ConvInteger and QLinearConv, which share it.
U8 = TensorProto.UINT8
op_model("onnx_convinteger_rank_mismatch.onnx", [helper.make_node("ConvInteger", ["x", "w"], ["y"])],
         [vi("x", U8, [1, 1, 4]), vi("w", U8, [1, 1, 2, 2, 2, 2, 2, 2])], [vi("y", TensorProto.INT32, None)], 10,
         "note:ranks 3 and 8", "ConvInteger-10 read dims of the weights by the input's rank (SEGV)")
# Negative dims computed by ONNX's own inference (Pad with negative pads) reached the next node's
# function as indices: Reshape's INT64_MIN % -1, GatherND's dims below 0.
op_model("onnx_pad_negative_dims_reshape.onnx",
         [helper.make_node("Pad", ["x", "pads"], ["p"]), helper.make_node("Reshape", ["p", "shape"], ["y"])],
         [vi("x", F, [1, 1, 0])], [vi("y", F, None)], 13, "ok", "Pad-13 inferred [-1,-1,INT64_MIN]; Reshape trapped",
         inits=[i64("pads", [-2, -2, INT64_MIN, 0, 0, 0]), i64("shape", [0, -1])])
op_model("onnx_pad_negative_dims_gathernd.onnx",
         [helper.make_node("Pad", ["i", "pads"], ["p"]), helper.make_node("GatherND", ["d", "p"], ["y"])],
         [vi("i", TensorProto.INT64, [1, 1]), vi("d", F, [2, 2])], [vi("y", F, None)], 13, "ok",
         "Pad-13 inferred indices [1,-2147483648]; GatherND read the data's dims below 0",
         inits=[i64("pads", [0, 0, 0, -2147483649])])
# An initializer named "": every absent optional input ("") would read it (Slice's steps here: 2^32).
g = helper.make_graph([helper.make_node("Shape", ["x"], ["s"]),
                       helper.make_node("Slice", ["s", "b", "e", "a", ""], ["y"])], "empty_name",
                      [vi("x", F, [1, 2, 3])], [vi("y", TensorProto.INT64, None)],
                      [i64("b", [0]), i64("e", [1]), i64("a", [0]), i64("", [2**32])])
save("empty_initializer_name.onnx", g, "info", "an initializer with an empty name", check=False,
     note="an initializer named '' stood in for Slice's absent steps")
# Split-18 without outputs in an If branch: ONNX infers the branch with Split-13's function,
# which takes the axis's length modulo the output count.
then_g = helper.make_graph([helper.make_node("Split", ["x"], [], axis=0), helper.make_node("Identity", ["x"], ["t"])],
                           "then", [], [vi("t", F, [4])])
else_g = helper.make_graph([helper.make_node("Identity", ["x"], ["e"])], "else", [], [vi("e", F, [4])])
op_model("onnx_split_no_outputs_in_body_o18.onnx",
         [helper.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
         [vi("c", TensorProto.BOOL, []), vi("x", F, [4])], [vi("y", F, None)], 18, "note:a node of its body",
         "Split-18 with no outputs in a branch: SIGFPE in Split-13's inference")
# Local functions: ONNX infers their nodes itself, unchecked, and follows calls without a limit.
rec = helper.make_function("d", "F", ["a"], ["b"], [helper.make_node("F", ["a"], ["b"], domain="d")],
                           [helper.make_opsetid("", 13), helper.make_opsetid("d", 1)])
g = helper.make_graph([helper.make_node("F", ["x"], ["y"], domain="d")], "recursive_function",
                      [vi("x", F, [2])], [vi("y", F, None)])
save("function_calls_itself.onnx", g, "info", "note:calls itself", opsets=[helper.make_opsetid("", 13),
     helper.make_opsetid("d", 1)], functions=[rec], check=False, note="a local function calling itself: stack overflow")
d2s = helper.make_function("d", "G", ["a"], ["b"], [helper.make_node("DepthToSpace", ["a"], ["b"], blocksize=2**32)],
                           [helper.make_opsetid("", 13)])
g = helper.make_graph([helper.make_node("G", ["x"], ["y"], domain="d")], "function_hazard",
                      [vi("x", F, [1, 1, 1, 1])], [vi("y", F, None)])
save("function_body_hazard.onnx", g, "info", "note:function 'd.G'", opsets=[helper.make_opsetid("", 13),
     helper.make_opsetid("d", 1)], functions=[d2s], check=False,
     note="DepthToSpace blocksize 2^32 inside a local function: SIGFPE")
ok_f = helper.make_function("d", "H", ["a"], ["b"], [helper.make_node("Relu", ["a"], ["b"])], [helper.make_opsetid("", 13)])
g = helper.make_graph([helper.make_node("H", ["x"], ["y"], domain="d")], "function_ok",
                      [vi("x", F, [2, 3])], [vi("y", F, None)])
save("function_relu_inferred.onnx", g, "info", "ok", opsets=[helper.make_opsetid("", 13), helper.make_opsetid("d", 1)],
     functions=[ok_f], check=False, note="a local function of plain ops is still inferred by ONNX")

# Body inputs declared without a shape: ONNX infers Scan's body with the outer state's shape and
# Loop's with the outer condition's type, so the checks must see those types too.
def untyped(name):
    v = onnx.ValueInfoProto()
    v.name = name
    return v


body = helper.make_graph([helper.make_node("Conv", ["s", "w"], ["c"]),
                          helper.make_node("Identity", ["s"], ["s_out"]), helper.make_node("Identity", ["x"], ["x_out"])],
                         "body", [untyped("s"), untyped("x")], [untyped("s_out"), untyped("x_out")],
                         [f32("w", [1.0], [1, 1, 1, 1, 1, 1])])
op_model("onnx_scan_body_conv_state_rank.onnx",
         [helper.make_node("Scan", ["S", "X"], ["S_final", "Ys"], body=body, num_scan_inputs=1)],
         [vi("S", F, [1, 1, 4]), vi("X", F, [2, 3])], [vi("S_final", F, None), vi("Ys", F, None)], 11,
         "note:a node of its body", "Scan-11: Conv in the body on the state ONNX passes as [1,1,4], weights of rank 6")
body = helper.make_graph([helper.make_node("ConstantOfShape", ["cin"], ["big"]),
                          helper.make_node("Identity", ["cin"], ["cout"]), helper.make_node("Identity", ["v"], ["vout"])],
                         "body", [vi("i", TensorProto.INT64, []), untyped("cin"), untyped("v")],
                         [untyped("cout"), untyped("vout")])
op_model("onnx_loop_body_cond_2_40.onnx",
         [helper.make_node("Loop", ["", "c", "v0"], ["v_final"], body=body)],
         [vi("c", TensorProto.INT64, [2**40]), vi("v0", F, [2])], [vi("v_final", F, None)], 13,
         "note:a node of its body", "Loop-13: ONNX passes the condition declared [2^40] to the body; ConstantOfShape of it")

# The CI fuzz share at 7c19e59 stopped on 16 GiB of double scratch behind an empty tensor. Here:
# DFT of an empty signal with dft_length 2^30 under --check made an empty output, then a
# 2^31-double signal row (the check's per-output limit was 2 GiB whatever --check-memory said).
g = helper.make_graph([helper.make_node("DFT", ["x", "n"], ["y"], onesided=0)], "dft_empty",
                      [vi("x", F, [0, 4, 1])], [vi("y", F, None)], [i64("n", [2**30], [])])
save("dft_empty_signal_2_30.onnx", g, "simplify --check 1 --check-memory 64MB", "unchecked: memory budget",
     opsets=[helper.make_opsetid("", 17)], check=False, note="DFT of an empty signal to dft_length 2^30 under --check")

# Found reading the kernels: a count attribute dividing a dim of 0 divides it whatever its value.
# Attention-23 with 2^62+1 query heads of size 0 wrapped its output shape (q_num_heads x head size)
# and wrote past it while folding: a SEGV in simplify.
g = helper.make_graph([helper.make_node("Attention", ["q", "k", "v"], ["y"], q_num_heads=2**62 + 1, kv_num_heads=1)],
                      "attention_heads", [], [vi("y", F, None)],
                      [f32("q", [], [1, 1, 0]), f32("k", [], [1, 1, 0]), f32("v", [1.0, 2.0, 3.0, 4.0], [1, 1, 4])])
save("attention_heads_2_62.onnx", g, "simplify", "ok", opsets=[helper.make_opsetid("", 23)], check=False, ir=10,
     note="Attention-23 folding 2^62+1 heads of size 0 (a heap overflow)")

with open(os.path.join(HERE, "hostile.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")
print("wrote %d models" % len(manifest))
