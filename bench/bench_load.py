#!/usr/bin/python3
"""Time and peak RSS of `netfold-cli info MODEL` (load + shape inference + summary).

    /usr/bin/python3 bench/bench_load.py [--repeat N] [--json] [NAME ...]

Runs `netfold-cli info MODEL` (text) N times (default 3) per model under /usr/bin/time -v and
reports the file size, the median and best wall time, the largest peak RSS, RSS / file size and
(RSS - baseline) / file size, the baseline being the peak RSS of a netfold-cli run that loads no
model (~7 MB).
Targets (checked for every model, the one that matters being vit_b_16 at ~330 MB):
wall time < 1 s, peak RSS < 1.5 x file size. `--json` also times `info --json`.
Exits 1 if a target is missed.
"""
import os
import statistics
import sys

from common import find_cli, md_table, mb, model_paths, timed

TIME_LIMIT = 1.0
RSS_RATIO = 1.5


def main():
    args = sys.argv[1:]
    if "-h" in args or "--help" in args:
        print(__doc__)
        return 0
    repeat = 3
    if "--repeat" in args:
        repeat = int(args[args.index("--repeat") + 1])
    names = [a for a in args if not a.startswith("--") and not a.isdigit()]
    modes = [["info"]] + ([["info", "--json"]] if "--json" in args else [])
    cli = find_cli()
    # Process baseline: peak RSS of netfold-cli that loads no model.
    base = timed([cli, "info", "/nonexistent.onnx"])[4] or 0
    rows, misses = [], []
    for name, path in model_paths(names or None):
        size = os.path.getsize(path)
        for mode in modes:
            walls, rsss = [], []
            for _ in range(repeat):
                rc, out, err, wall, rss = timed([cli, mode[0], path] + mode[1:])
                if rc != 0:
                    misses.append(f"{name}: netfold-cli {' '.join(mode)} failed (exit {rc}): {err.strip()[:300]}")
                    break
                walls.append(wall)
                rsss.append(rss)
            if not walls:
                rows.append([name, " ".join(mode), mb(size), "-", "-", "-", "-", "-", "**FAIL**"])
                continue
            med, best, peak = statistics.median(walls), min(walls), max(rsss)
            ratio = peak / size
            ok_t, ok_m = med < TIME_LIMIT, ratio < RSS_RATIO
            if not ok_t:
                misses.append(f"{name}: {' '.join(mode)} median {med:.3f} s >= {TIME_LIMIT} s")
            if not ok_m:
                misses.append(f"{name}: {' '.join(mode)} peak RSS {mb(peak)} MB = {ratio:.2f} x file >= {RSS_RATIO} x "
                              f"({(peak - base) / size:.2f} x without the {mb(base)} MB process baseline)")
            rows.append([name, " ".join(mode), mb(size), f"{med:.3f}", f"{best:.3f}", mb(peak), f"{ratio:.2f}",
                         f"{(peak - base) / size:.2f}",
                         "ok" if ok_t and ok_m else "**FAIL**"])
    print(f"netfold-cli: {cli}; {repeat} run(s) each; targets: < {TIME_LIMIT} s, peak RSS < {RSS_RATIO} x file; "
          f"process baseline (no model loaded) {mb(base)} MB\n")
    print(md_table(["model", "command", "file MB", "median s", "best s", "peak RSS MB", "RSS / file",
                    "(RSS - baseline) / file", "target"],
                   rows))
    if misses:
        print("\nMissed targets:")
        print("\n".join("- " + m for m in misses))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
