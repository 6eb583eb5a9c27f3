#!/usr/bin/python3
"""netfold-cli simplify vs ONNX Runtime's basic optimizer on the benchmark models.

    /usr/bin/python3 bench/bench_simplify.py [--out FILE] [--runs N] [--repeat N] [NAME ...]

For each model in bench/models/ (see export_models.py), in one run:
  * `netfold-cli simplify IN results/NAME.netfold.onnx --json` under /usr/bin/time -v:
    wall time, peak RSS;
  * `node tests/ort/optimize.js IN results/NAME.ort.onnx` (basic level) under /usr/bin/time -v:
    wall time, peak RSS; also `node bench/ort_session_only.js` (the same ORT session without
    optimize.js's JS summaries) for ORT's own time;
  * node count, helper-op counts (Shape Gather Slice Concat Unsqueeze Squeeze Constant
    ConstantOfShape Cast Identity) and file size of IN, netfold's output and ORT's output,
    counted with the onnx package;
  * `node tests/ort/compare.js IN results/NAME.netfold.onnx --runs N` (default 2): the simplified
    model computes the same outputs (symbolic dims are 2), and for models with symbolic dims once
    more with distinct sizes per symbolic dim (3, 5, ...: batch 3, seq 5), --runs 1.
--repeat N (default 1) runs each timed command N times and keeps the best wall time (the largest
peak RSS), which damps noise from other jobs on the machine.
Criteria, pass/fail per model:
  C1 netfold never has more nodes, nor more of any helper op, than ORT basic
  C2 strictly fewer nodes than ORT basic on the dynamic-shape exports (names ending in _dyn)
  C3 netfold's file grows <= 10% over IN
  C4 compare.js ok
  C5 netfold faster than ORT (optimize.js wall time; the session-only time is shown too)
  C6 netfold peak RSS < 2 x IN's file size
Prints Markdown tables and writes them to bench/results.md (or --out). Exit 1 if any criterion
fails, 2 on an error.
"""
import datetime
import os
import platform
import subprocess
import sys

import onnx

from common import (HELPER_OPS, HERE, ORT_DIR, find_cli, last_json, mb, md_table, model_paths,
                    op_counts_onnx, timed)

RESULTS = os.path.join(HERE, "results")


def counts(path):
    m = onnx.load(path, load_external_data=False)
    oc = op_counts_onnx(m.graph)
    return len(m.graph.node), oc


def best_of(cmd, repeat):
    """timed() repeat times: the best wall time, the largest peak RSS, the last outputs."""
    best = None
    for _ in range(repeat):
        rc, out, err, wall, rss = timed(cmd)
        if best is None:
            best = [rc, out, err, wall, rss]
        else:
            best = [rc, out, err, min(best[3], wall), max(best[4] or 0, rss or 0)]
        if rc != 0:
            break
    return best


def run_model(name, path, cli, runs, repeat):
    r = {"name": name, "size_in": os.path.getsize(path), "fail": []}
    nf_out = os.path.join(RESULTS, name + ".netfold.onnx")
    ort_out = os.path.join(RESULTS, name + ".ort.onnx")
    ort_lean_out = os.path.join(RESULTS, name + ".ort_lean.onnx")
    for p in (nf_out, ort_out, ort_lean_out):
        if os.path.exists(p):
            os.remove(p)
    r["nodes_in"], r["ops_in"] = counts(path)

    rc, out, err, wall, rss = best_of([cli, "simplify", path, nf_out, "--json"], repeat)
    r.update(nf_rc=rc, nf_time=wall, nf_rss=rss, nf_err=err.strip())
    r["nf_report"] = last_json(out)
    if rc == 0 and os.path.exists(nf_out):
        r["size_nf"] = os.path.getsize(nf_out)
        r["nodes_nf"], r["ops_nf"] = counts(nf_out)

    rc, out, err, wall, rss = best_of(["node", os.path.join(ORT_DIR, "optimize.js"), path, ort_out], repeat)
    r.update(ort_rc=rc, ort_time=wall, ort_rss=rss, ort_err=(err.strip() or out.strip())[:500])
    if rc == 0 and os.path.exists(ort_out):
        r["size_ort"] = os.path.getsize(ort_out)
        r["nodes_ort"], r["ops_ort"] = counts(ort_out)
    rc, out, err, wall, rss = best_of(["node", os.path.join(HERE, "ort_session_only.js"), path, ort_lean_out], repeat)
    r.update(ortl_rc=rc, ortl_time=wall, ortl_rss=rss)
    if os.path.exists(ort_lean_out):
        os.remove(ort_lean_out)

    if "nodes_nf" in r:
        p = subprocess.run(["node", os.path.join(ORT_DIR, "compare.js"), path, nf_out, "--runs", str(runs)],
                           capture_output=True, text=True)
        cmp = last_json(p.stdout) or {}
        r["cmp_rc"], r["cmp"] = p.returncode, cmp
        # Symbolic dims all become 2 above, which could hide a batch/seq mix-up: run again with
        # distinct sizes (3, 5, 7, ...) per distinct symbolic dim.
        shapes = distinct_shapes(path)
        if shapes and r["cmp_rc"] == 0:
            args = []
            for s in shapes:
                args += ["--shape", s]
            p = subprocess.run(["node", os.path.join(ORT_DIR, "compare.js"), path, nf_out, "--runs", "1"] + args,
                               capture_output=True, text=True)
            cmp = last_json(p.stdout) or {}
            cmp["shapes"] = shapes
            r["cmp_rc"], r["cmp"] = p.returncode, cmp
            r["cmp_shapes"] = shapes
    return r


def distinct_shapes(path):
    """--shape arguments giving each distinct symbolic dim its own size, or [] if all static."""
    m = onnx.load(path, load_external_data=False)
    inits = {i.name for i in m.graph.initializer}
    sizes, out, dynamic = {}, [], False
    for v in m.graph.input:
        if v.name in inits:
            continue
        dims = []
        for d in v.type.tensor_type.shape.dim:
            if d.HasField("dim_value"):
                dims.append(d.dim_value)
            else:
                dynamic = True
                key = d.dim_param or f"?{v.name}{len(dims)}"
                sizes.setdefault(key, 3 + 2 * len(sizes))
                dims.append(sizes[key])
        out.append(f"{v.name}:{','.join(map(str, dims))}")
    return out if dynamic else []


def judge(r):
    name, dyn = r["name"], r["name"].endswith("_dyn")
    crit = {}
    if r["nf_rc"] != 0 or "nodes_nf" not in r:
        r["fail"].append(f"netfold-cli simplify failed (exit {r['nf_rc']}): {r['nf_err'][:500]}")
        return {c: False for c in ("C1", "C2", "C3", "C4", "C5", "C6")}
    have_ort = "nodes_ort" in r
    if not have_ort:
        r["fail"].append(f"ORT optimize.js failed (exit {r['ort_rc']}): {r['ort_err']}")
    # C1
    if have_ort:
        worse = []
        if r["nodes_nf"] > r["nodes_ort"]:
            worse.append(f"nodes {r['nodes_nf']} > ORT {r['nodes_ort']}")
        for op in HELPER_OPS:
            a, b = r["ops_nf"].get(op, 0), r["ops_ort"].get(op, 0)
            if a > b:
                worse.append(f"{op} {a} > ORT {b}")
        crit["C1"] = not worse
        if worse:
            r["fail"].append("C1 more than ORT basic: " + ", ".join(worse))
        # Also list every op type netfold has more of (not only helpers), for the engine team.
        extra = [f"{op} {r['ops_nf'].get(op, 0)} vs {r['ops_ort'].get(op, 0)}"
                 for op in sorted(set(r["ops_nf"]) | set(r["ops_ort"]))
                 if r["ops_nf"].get(op, 0) != r["ops_ort"].get(op, 0)]
        if extra:
            r["op_diff"] = "op counts netfold vs ORT: " + ", ".join(extra)
    else:
        crit["C1"] = False
    # C2
    if dyn:
        crit["C2"] = have_ort and r["nodes_nf"] < r["nodes_ort"]
        if have_ort and not crit["C2"]:
            r["fail"].append(f"C2 dynamic export: netfold {r['nodes_nf']} nodes, not fewer than ORT {r['nodes_ort']}")
    else:
        crit["C2"] = None
    # C3
    growth = r["size_nf"] / r["size_in"] - 1
    crit["C3"] = growth <= 0.10
    if not crit["C3"]:
        r["fail"].append(f"C3 file grows {growth * 100:.1f}% ({mb(r['size_in'])} -> {mb(r['size_nf'])} MB)")
    # C4
    cmp = r.get("cmp", {})
    crit["C4"] = r.get("cmp_rc") == 0 and cmp.get("ok") is True
    if not crit["C4"]:
        detail = cmp.get("reason") or cmp.get("error") or str(cmp)[:300]
        outs = ", ".join(f"{o['name']} max_abs {o.get('max_abs')} max_rel {o.get('max_rel')}"
                         for o in cmp.get("outputs", []) if not o.get("ok"))
        r["fail"].append(f"C4 compare.js exit {r.get('cmp_rc')}: {detail} {outs}")
    if r.get("cmp_shapes") and crit["C4"]:
        r.setdefault("notes", []).append("compare.js also ok with " + " ".join(r["cmp_shapes"]))
    # C5
    crit["C5"] = have_ort and r["nf_time"] < r["ort_time"]
    if have_ort and not crit["C5"]:
        r["fail"].append(f"C5 netfold {r['nf_time']:.2f} s not faster than ORT optimize.js {r['ort_time']:.2f} s")
    if r["ortl_rc"] == 0 and r["nf_time"] >= r["ortl_time"]:
        r.setdefault("notes", []).append(
            f"netfold {r['nf_time']:.2f} s is slower than ORT's session alone ({r['ortl_time']:.2f} s, "
            f"without optimize.js's JS summaries)")
    rep = r.get("nf_report") or {}
    if not crit["C5"] and rep.get("steps"):
        tot, cnt = {}, {}
        for st in rep["steps"]:
            tot[st["pass"]] = tot.get(st["pass"], 0) + st.get("ms", 0)
            cnt[st["pass"]] = cnt.get(st["pass"], 0) + 1
        top = sorted(tot.items(), key=lambda kv: -kv[1])[:6]
        r.setdefault("notes", []).append(
            f"netfold's own pass timings (last run): {sum(tot.values()) / 1000:.2f} s in {len(rep['steps'])} steps; "
            "slowest: " + ", ".join(f"{k} {v:.0f} ms x{cnt[k]}" for k, v in top))
    # C6
    crit["C6"] = r["nf_rss"] is not None and r["nf_rss"] < 2 * r["size_in"]
    if not crit["C6"]:
        r["fail"].append(f"C6 netfold peak RSS {mb(r['nf_rss'])} MB = {r['nf_rss'] / r['size_in']:.2f} x file size")
    return crit


def pf(v):
    return "n/a" if v is None else ("pass" if v else "**FAIL**")


def main():
    args = sys.argv[1:]
    if "-h" in args or "--help" in args:
        print(__doc__)
        return 0
    out_md = os.path.join(HERE, "results.md")
    runs, repeat = 2, 1
    if "--repeat" in args:
        repeat = int(args[args.index("--repeat") + 1])
    if "--out" in args:
        out_md = args[args.index("--out") + 1]
    if "--runs" in args:
        runs = int(args[args.index("--runs") + 1])
    skip = {out_md, str(runs), str(repeat)}
    names = [a for a in args if not a.startswith("--") and a not in skip]
    cli = find_cli()
    os.makedirs(RESULTS, exist_ok=True)
    results = []
    for name, path in model_paths(names or None):
        print(f"... {name}", file=sys.stderr, flush=True)
        r = run_model(name, path, cli, runs, repeat)
        r["crit"] = judge(r)
        results.append(r)
    if not results:
        print("no models; run bench/export_models.py", file=sys.stderr)
        return 2

    main_rows, helper_rows, crit_rows = [], [], []
    for r in results:
        g = r.get
        main_rows.append([
            r["name"], mb(r["size_in"]), r["nodes_in"], g("nodes_nf", "-"), g("nodes_ort", "-"),
            f"{r['nf_time']:.2f}", f"{r['ort_time']:.2f}", f"{r['ortl_time']:.2f}",
            mb(r["nf_rss"]), mb(r["ort_rss"]),
            f"{r['nf_rss'] / r['size_in']:.2f}" if r["nf_rss"] else "?",
            mb(g("size_nf")), f"{(g('size_nf', 0) / r['size_in'] - 1) * 100:+.1f}%" if g("size_nf") else "-",
            mb(g("size_ort")),
            ("ok" if r["crit"]["C4"] else "**FAIL**"),
        ])
        for label, key in (("raw", "ops_in"), ("netfold", "ops_nf"), ("ORT basic", "ops_ort")):
            ops = g(key) or {}
            helper_rows.append([r["name"] if label == "raw" else "", label]
                               + [ops.get(op, 0) for op in HELPER_OPS] + [sum(ops.get(op, 0) for op in HELPER_OPS)])
        c = r["crit"]
        crit_rows.append([r["name"]] + [pf(c[k]) for k in ("C1", "C2", "C3", "C4", "C5", "C6")]
                         + ["pass" if all(v is not False for v in c.values()) else "**FAIL**"])

    t1 = md_table(["model", "MB in", "nodes in", "nodes netfold", "nodes ORT", "netfold s", "ORT s (optimize.js)",
                   "ORT s (session only)", "netfold RSS MB", "ORT RSS MB", "netfold RSS / file",
                   "MB netfold", "size change", "MB ORT", "compare.js"], main_rows)
    t2 = md_table(["model", "graph"] + HELPER_OPS + ["helpers total"], helper_rows)
    t3 = md_table(["model", "C1 <= ORT nodes & helpers", "C2 < ORT nodes (dyn)", "C3 size <= +10%",
                   "C4 compare.js", "C5 faster than ORT", "C6 RSS < 2x file", "all"], crit_rows)
    details = []
    for r in results:
        for f in r["fail"]:
            details.append(f"- **{r['name']}**: {f}")
        for n in r.get("notes", []):
            details.append(f"- {r['name']} (note): {n}")
        if r.get("op_diff"):
            details.append(f"- {r['name']} (info): {r['op_diff']}")

    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    try:
        head = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
        # Tracked files changed since HEAD, this report itself aside.
        changed = [line[3:] for line in subprocess.run(
            ["git", "-C", HERE, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
            text=True).stdout.splitlines() if line[3:] != "bench/results.md"]
    except OSError:
        head, changed = "?", []
    tree = f" (plus changes to {', '.join(changed)})" if changed else ""
    text = "\n".join([
        "# netfold simplify vs ONNX Runtime basic",
        "",
        f"Generated by `bench/bench_simplify.py` on {stamp}, git {head}{tree}, "
        f"{platform.machine()} {os.cpu_count()} cores; netfold-cli `{os.path.relpath(cli, os.path.dirname(HERE))}`; "
        f"compare.js --runs {runs}. Times are wall clock of the whole process (load, optimize, save), "
        "RSS is peak resident set (/usr/bin/time -v); "
        f"best time of {repeat} run(s) per tool and model, largest RSS.",
        "",
        "## Results",
        "",
        t1,
        "",
        "## Helper ops (top-level graph)",
        "",
        t2,
        "",
        "## Criteria",
        "",
        "C1 netfold never more nodes nor more of any helper op than ORT basic; C2 strictly fewer nodes than ORT "
        "on dynamic-shape exports; C3 output file grows <= 10%; C4 compare.js ok; C5 netfold faster than ORT "
        "(optimize.js); C6 netfold peak RSS < 2x file size.",
        "",
        t3,
        "",
        "## Failures and notes",
        "",
        "\n".join(details) if details else "None.",
        "",
    ])
    with open(out_md, "w") as f:
        f.write(text)
    print(text)
    return 1 if any(r["fail"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
