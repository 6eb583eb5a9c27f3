#!/usr/bin/python3
"""Check `netfold-cli info --json` against the onnx Python package on the benchmark models.

    /usr/bin/python3 bench/check_info.py [NAME ...]

For each model in bench/models/ compares: top-level node count, op counts (domain:op for
non-default domains, as netfold), graph inputs (initializers excluded) and outputs: names,
dtypes and shapes, symbolic dims by name and unknown dims as null. The reference is what the
file declares (graph.input / graph.output). netfold's info prefers its own inferred type for an
output when it has one, so a disagreement there may be an inference difference; the detail
column shows both. Prints a table; exits 1 on any disagreement, 2 on an error.
"""
import subprocess
import sys

import onnx
from onnx import TensorProto

from common import find_cli, last_json, md_table, model_paths, op_counts_onnx

DTYPES = {v: k.lower() for k, v in TensorProto.DataType.items()}
DTYPES[TensorProto.UNDEFINED] = "undefined"


def value_json(vi):
    t = vi.type
    if not t.HasField("tensor_type"):
        return {"name": vi.name, "dtype": "?", "shape": None}
    tt = t.tensor_type
    shape = None
    if tt.HasField("shape"):
        shape = []
        for d in tt.shape.dim:
            if d.HasField("dim_value"):
                shape.append(d.dim_value)
            elif d.HasField("dim_param") and d.dim_param:
                shape.append(d.dim_param)
            else:
                shape.append(None)
    return {"name": vi.name, "dtype": DTYPES.get(tt.elem_type, str(tt.elem_type)), "shape": shape}


def strip(v):
    return {"name": v.get("name"), "dtype": v.get("dtype"), "shape": v.get("shape")}


def compare(name, path, cli):
    m = onnx.load(path, load_external_data=False)
    g = m.graph
    inits = {i.name for i in g.initializer}
    ref = {
        "nodes": len(g.node),
        "op_counts": op_counts_onnx(g),
        "inputs": [value_json(v) for v in g.input if v.name not in inits],
        "outputs": [value_json(v) for v in g.output],
    }
    p = subprocess.run([cli, "info", path, "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        return ref, None, [f"netfold-cli info failed (exit {p.returncode}): {p.stderr.strip()}"]
    nf = last_json(p.stdout)
    problems = []
    if nf.get("nodes") != ref["nodes"]:
        problems.append(f"nodes: netfold {nf.get('nodes')} vs onnx {ref['nodes']}")
    nops = nf.get("op_counts", {})
    for op in sorted(set(nops) | set(ref["op_counts"])):
        if nops.get(op, 0) != ref["op_counts"].get(op, 0):
            problems.append(f"op {op}: netfold {nops.get(op, 0)} vs onnx {ref['op_counts'].get(op, 0)}")
    for kind in ("inputs", "outputs"):
        a = [strip(v) for v in nf.get(kind, [])]
        b = ref[kind]
        if len(a) != len(b):
            problems.append(f"{kind}: netfold {len(a)} vs onnx {len(b)}")
        for x, y in zip(a, b):
            if x != y:
                problems.append(f"{kind[:-1]} {y['name']}: netfold {x} vs onnx {y}")
    return ref, nf, problems


def fmt_vals(vals):
    return "; ".join(f"{v['name']} {v['dtype']}{v['shape']}" for v in vals)


def main():
    names = [a for a in sys.argv[1:] if not a.startswith("-")]
    if "-h" in sys.argv or "--help" in sys.argv:
        print(__doc__)
        return 0
    cli = find_cli()
    rows, failed, details = [], False, []
    models = model_paths(names or None)
    if not models:
        print("no models; run bench/export_models.py", file=sys.stderr)
        return 2
    for name, path in models:
        ref, nf, problems = compare(name, path, cli)
        ok = not problems
        failed |= not ok
        rows.append([name, ref["nodes"], nf.get("nodes") if nf else "-", len(ref["op_counts"]),
                     fmt_vals(ref["inputs"]), fmt_vals(ref["outputs"]), "ok" if ok else "**FAIL**"])
        for pr in problems:
            details.append(f"- {name}: {pr}")
    print(md_table(["model", "nodes (onnx)", "nodes (netfold)", "op types", "inputs (onnx)",
                    "outputs (onnx)", "agree"], rows))
    if details:
        print("\nDisagreements:")
        print("\n".join(details))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
