"""Shared helpers for the bench/ scripts (Debian's /usr/bin/python3; onnx 1.12)."""
import json
import os
import re
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MODELS_DIR = os.path.join(HERE, "models")
ORT_DIR = os.path.join(REPO, "tests", "ort")

# The models export_models.py writes, in table order.
MODEL_NAMES = ["resnet18", "shufflenet_dyn", "mobilenet_v3_dyn", "vit_b_16", "vit_b_16_dyn",
               "transformer_dyn"]

HELPER_OPS = ["Shape", "Gather", "Slice", "Concat", "Unsqueeze", "Squeeze", "Constant",
              "ConstantOfShape", "Cast", "Identity"]


def find_cli():
    """netfold-cli: $NETFOLD_CLI, else build-bench/app/netfold-cli, else build/app/netfold-cli."""
    env = os.environ.get("NETFOLD_CLI")
    if env:
        return env
    for d in ("build-bench", "build"):
        p = os.path.join(REPO, d, "app", "netfold-cli")
        if os.path.exists(p):
            return p
    raise SystemExit("netfold-cli not found; build it (see bench/README.md) or set NETFOLD_CLI")


def model_paths(names=None, models_dir=MODELS_DIR):
    out = []
    for n in names or MODEL_NAMES:
        p = os.path.join(models_dir, n + ".onnx")
        if os.path.exists(p):
            out.append((n, p))
        else:
            print(f"warning: {p} missing; run bench/export_models.py", flush=True)
    return out


def timed(cmd, cwd=None):
    """Run cmd under /usr/bin/time -v. Returns (returncode, stdout, stderr, wall_s, peak_rss_bytes)."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, cwd=cwd)
    wall = time.perf_counter() - t
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    rss = int(m.group(1)) * 1024 if m else None
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", p.stderr)
    if m:  # prefer time's own measurement (excludes python's fork overhead)
        parts = [float(x) for x in m.group(1).split(":")]
        w = 0.0
        for x in parts:
            w = w * 60 + x
        wall = w if w > 0 else wall
    stderr = p.stderr
    cut = stderr.find("\tCommand being timed:")
    if cut >= 0:
        stderr = stderr[:cut]
    return p.returncode, p.stdout, stderr, wall, rss


def last_json(text):
    """The JSON object printed on stdout (one object, possibly multi-line)."""
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        for line in reversed(text.splitlines()):
            line = line.strip()
            if line.startswith("{"):
                try:
                    return json.loads(line)
                except ValueError:
                    pass
    return None


def op_counts_onnx(graph):
    counts = {}
    for n in graph.node:
        key = n.op_type if n.domain in ("", "ai.onnx") else n.domain + ":" + n.op_type
        counts[key] = counts.get(key, 0) + 1
    return counts


def mb(n):
    return "?" if n is None else f"{n / 1e6:.1f}"


def md_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(lines)
