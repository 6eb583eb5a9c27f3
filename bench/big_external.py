#!/usr/bin/python3
"""A model with gigabytes of external data, and what simplifying it costs.

    /usr/bin/python3 bench/big_external.py generate DIR [--dim D] [--layers L]
    /usr/bin/python3 bench/big_external.py measure DIR [--repeat N] [--verify] [--out FILE]

generate writes DIR/big.onnx and DIR/big.onnx.data: L blocks (default 5) of
    h = MatMul(x, W_i)            W_i: float32 [D, D] in the data file (D = 12288: 604 MB each)
    x = Reshape(h, Concat(Unsqueeze(Gather(Shape(h), 0)), Unsqueeze(Gather(Shape(h), 1))))
    x = Add(x, Add(b_i, z_i))     b_i, z_i: float32 [D] in the data file; Add(b_i, z_i) folds
                                  into a new tensor (written from memory)
with input x: float32 [batch, D] (dynamic batch), opset 15. The defaults give ~3.0 GB of weights.
The weights are random (seeded), so no two are equal and duplicate elimination must compare them.

measure runs, each under /usr/bin/time -v while sampling /proc/PID/status every 10 ms:
  * `cp big.onnx.data copy.data` (the reference: the same bytes through the page cache);
  * `netfold-cli info big.onnx` (load only);
  * `netfold-cli simplify big.onnx out.onnx` (load, all passes, transactional save with fsync);
  * the app beside netfold-cli, if built: `netfold --simplify --screenshot` offscreen (load,
    Run to end, both sides laid out and painted; no save);
and prints wall time, peak RSS (time -v), peak anonymous memory (RssAnon) and peak file-backed
resident memory (RssFile: mapped file pages) per command, and simplify / cp. --repeat N keeps the
best wall time (largest memory). --verify then checks that every tensor of out.onnx has the same
bytes as the one of big.onnx with the same name (folded tensors aside). The page cache is not
dropped between runs (that needs root); every command reads warm data, cp included.
netfold-cli is $NETFOLD_CLI, else build-bench/app/netfold-cli, else build/app/netfold-cli.
"""
import argparse
import hashlib
import os
import re
import subprocess
import sys
import threading
import time

import numpy as np
import onnx
import onnx.numpy_helper
from onnx import TensorProto, helper

from common import find_cli


def external_tensor(name, dims, location, offset, length):
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", str(offset)), ("length", str(length))):
        e = t.external_data.add()
        e.key = k
        e.value = v
    return t


def generate(out_dir, dim, layers, seed=0):
    os.makedirs(out_dir, exist_ok=True)
    model_path = os.path.join(out_dir, "big.onnx")
    data_name = "big.onnx.data"
    rng = np.random.default_rng(seed)
    inits, nodes = [], []
    offset = 0
    t0 = time.perf_counter()
    with open(os.path.join(out_dir, data_name), "wb") as data:

        def put(name, dims, write):
            nonlocal offset
            length = int(np.prod(dims)) * 4
            start = offset
            write(data)
            offset += length
            pad = (-offset) % 4096
            if pad:
                data.write(b"\0" * pad)
                offset += pad
            inits.append(external_tensor(name, dims, data_name, start, length))

        def weight(f):
            rows = 1024
            for r in range(0, dim, rows):
                n = min(rows, dim - r)
                f.write((rng.standard_normal((n, dim), dtype=np.float32) * (1.0 / np.sqrt(dim))).tobytes())

        cur = "x"
        for i in range(layers):
            put(f"W{i}", [dim, dim], weight)
            put(f"b{i}", [dim], lambda f: f.write((rng.standard_normal(dim, dtype=np.float32) * 0.01).tobytes()))
            put(f"z{i}", [dim], lambda f: f.write(np.full(dim, 0.5, dtype=np.float32).tobytes()))
            h = f"h{i}"
            nodes.append(helper.make_node("MatMul", [cur, f"W{i}"], [h], name=f"/block{i}/MatMul"))
            nodes.append(helper.make_node("Shape", [h], [f"s{i}"], name=f"/block{i}/Shape"))
            for k in (0, 1):
                nodes.append(helper.make_node("Constant", [], [f"i{i}_{k}"], name=f"/block{i}/Constant_{k}",
                                              value=helper.make_tensor("v", TensorProto.INT64, [], [k])))
                nodes.append(helper.make_node("Gather", [f"s{i}", f"i{i}_{k}"], [f"g{i}_{k}"], axis=0,
                                              name=f"/block{i}/Gather_{k}"))
                nodes.append(helper.make_node("Constant", [], [f"a{i}_{k}"], name=f"/block{i}/Constant_axes_{k}",
                                              value=helper.make_tensor("v", TensorProto.INT64, [1], [0])))
                nodes.append(helper.make_node("Unsqueeze", [f"g{i}_{k}", f"a{i}_{k}"], [f"u{i}_{k}"],
                                              name=f"/block{i}/Unsqueeze_{k}"))
            nodes.append(helper.make_node("Concat", [f"u{i}_0", f"u{i}_1"], [f"c{i}"], axis=0,
                                          name=f"/block{i}/Concat"))
            nodes.append(helper.make_node("Reshape", [h, f"c{i}"], [f"r{i}"], name=f"/block{i}/Reshape"))
            nodes.append(helper.make_node("Add", [f"b{i}", f"z{i}"], [f"bias{i}"], name=f"/block{i}/Add_bias"))
            out = "y" if i == layers - 1 else f"x{i + 1}"
            nodes.append(helper.make_node("Add", [f"r{i}", f"bias{i}"], [out], name=f"/block{i}/Add"))
            cur = out
    graph = helper.make_graph(
        nodes, "big_external",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", dim])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", dim])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)], producer_name="big_external.py")
    model.ir_version = 8
    with open(model_path, "wb") as f:
        f.write(model.SerializeToString())
    print(f"wrote {model_path}: {layers} x MatMul [{dim}, {dim}], {offset / 1e9:.2f} GB of external data "
          f"in {time.perf_counter() - t0:.1f} s")
    return model_path


def status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return None


def run_sampled(cmd):
    """cmd under /usr/bin/time -v; samples the child's RssAnon/RssFile. Returns a dict."""
    p = subprocess.Popen(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"RssAnon": 0, "RssFile": 0}
    stop = threading.Event()

    def sample():
        child = None
        while not stop.is_set():
            if child is None:  # time forks the command: its only child
                try:
                    with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
                        pids = f.read().split()
                    child = int(pids[0]) if pids else None
                except (FileNotFoundError, ProcessLookupError):
                    pass
            if child is not None:
                for k in peak:
                    v = status_kb(child, k)
                    if v is not None:
                        peak[k] = max(peak[k], v)
            time.sleep(0.01)

    th = threading.Thread(target=sample)
    t0 = time.perf_counter()
    th.start()
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    th.join()
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    rss = int(m.group(1)) * 1024 if m else None
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err)
    if m:
        w = 0.0
        for x in m.group(1).split(":"):
            w = w * 60 + float(x)
        wall = w if w > 0 else wall
    if p.returncode != 0:
        sys.stderr.write(err)
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode})")
    return {"wall": wall, "rss": rss, "anon": peak["RssAnon"] * 1024, "file": peak["RssFile"] * 1024}


def tensor_digests(model_path):
    """name -> sha256 of the element bytes (external data read in 64 MB pieces; raw_data inline)."""
    m = onnx.load(model_path, load_external_data=False)
    base = os.path.dirname(model_path)
    out = {}
    for t in m.graph.initializer:
        h = hashlib.sha256()
        if t.data_location == TensorProto.EXTERNAL:
            kv = {e.key: e.value for e in t.external_data}
            offset, length = int(kv.get("offset", 0)), int(kv["length"])
            with open(os.path.join(base, kv["location"]), "rb") as f:
                f.seek(offset)
                left = length
                while left:
                    b = f.read(min(left, 64 << 20))
                    if not b:
                        raise SystemExit(f"{t.name}: data file too short")
                    h.update(b)
                    left -= len(b)
        else:
            h.update(onnx.numpy_helper.to_array(t).tobytes())
        out[t.name] = h.hexdigest()
    return out


def mb(v):
    return f"{v / 2**20:.0f} MB" if v is not None else "-"


def measure(work, repeat, verify, out_file):
    cli = find_cli()
    model = os.path.join(work, "big.onnx")
    data = model + ".data"
    if not os.path.exists(model):
        raise SystemExit(f"{model} missing: run 'big_external.py generate {work}' first")
    size = os.path.getsize(data)
    out = os.path.join(work, "out.onnx")
    copy = os.path.join(work, "copy.data")
    runs = {
        "cp data file": ["cp", data, copy],
        "cp + sync": ["sh", "-c", f"cp '{data}' '{copy}' && sync '{copy}'"],
        "netfold-cli info": [cli, "info", model],
        "netfold-cli simplify": [cli, "simplify", model, out],
    }
    gui = os.path.join(os.path.dirname(os.path.abspath(cli)), "netfold")
    if os.path.exists(gui):  # the app next to netfold-cli: Run to end + side by side, offscreen
        runs["netfold --simplify (GUI, no save)"] = [
            "env", "QT_QPA_PLATFORM=offscreen", gui, "--simplify", "--screenshot", os.path.join(work, "gui.png"), model]
    # Warm the page cache once so every command reads the same warm data.
    subprocess.run(["cat", data], stdout=subprocess.DEVNULL, check=True)
    results = {}
    for name, cmd in runs.items():
        best = None
        for _ in range(repeat):
            for f in (copy, out, out + ".data") if "simplify" in cmd and cli in cmd else (copy,):
                if os.path.exists(f):
                    os.unlink(f)
            r = run_sampled(cmd)
            if best is None:
                best = r
            else:
                best = {"wall": min(best["wall"], r["wall"]), "rss": max(best["rss"], r["rss"]),
                        "anon": max(best["anon"], r["anon"]), "file": max(best["file"], r["file"])}
        results[name] = best
    if os.path.exists(copy):
        os.unlink(copy)
    lines = [f"external data: {size / 1e9:.2f} GB ({size} bytes), {os.cpu_count()} cores", "",
             "| command | wall | peak RSS (time -v) | peak RssAnon | peak RssFile |",
             "| --- | --- | --- | --- | --- |"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['wall']:.2f} s | {mb(r['rss'])} | {mb(r['anon'])} | {mb(r['file'])} |")
    s, c, cs = results["netfold-cli simplify"], results["cp data file"], results["cp + sync"]
    lines += ["", f"simplify / cp: {s['wall'] / c['wall']:.2f}x; simplify / (cp + sync): {s['wall'] / cs['wall']:.2f}x"]
    ok = s["anon"] < 500 * 2**20
    lines.append(f"simplify peak anonymous memory {mb(s['anon'])}: {'under' if ok else 'OVER'} 500 MB")
    if verify:
        a, b = tensor_digests(model), tensor_digests(out)
        same = [n for n in b if n in a and a[n] == b[n]]
        differ = [n for n in b if n in a and a[n] != b[n]]
        lines.append(f"verify: {len(same)} tensors byte-identical to the input's, {len(differ)} differ"
                     f"{' (' + ', '.join(differ) + ')' if differ else ''}, {len(b) - len(same) - len(differ)} new")
        ok = ok and not differ
    text = "\n".join(lines)
    print(text)
    if out_file:
        with open(out_file, "w") as f:
            f.write(text + "\n")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("dir")
    g.add_argument("--dim", type=int, default=12288)
    g.add_argument("--layers", type=int, default=5)
    m = sub.add_parser("measure")
    m.add_argument("dir")
    m.add_argument("--repeat", type=int, default=1)
    m.add_argument("--verify", action="store_true")
    m.add_argument("--out")
    a = ap.parse_args()
    if a.cmd == "generate":
        generate(a.dir, a.dim, a.layers)
        return 0
    return measure(a.dir, a.repeat, a.verify, a.out)


if __name__ == "__main__":
    sys.exit(main())
