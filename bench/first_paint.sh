#!/bin/sh
# Open-to-first-paint of the graph view: runs `netfold MODEL --screenshot` RUNS times per model
# and prints the median of the "first paint: N ms" lines (process start to the first complete
# paint of the laid-out graph), the median peak RSS (/usr/bin/time) and, from NETFOLD_TIMING=1,
# the median load (read + shape inference) and layout times (drawable graph + measuring + the
# layout engine, the GUI thread's item creation included) with the layout's microseconds per
# drawn node. Synthetic models are generated into bench/models/ when missing; the raw vit_b_16
# export is included when bench/export_models.py has made it.
#
#   sh bench/first_paint.sh [BUILD_DIR] [RUNS]        (default build-ui, 5 runs)
#   SIZES="20000 50000 100000 200000" sh bench/first_paint.sh    the synthetic sizes (this is the default)
#   SCALE_ONLY=1 sh bench/first_paint.sh               only the synthetic models
#   NETFOLD_FLAGS=--no-layout-cache sh bench/first_paint.sh     cold layouts (no chunk reuse)
#   XVFB=1 sh bench/first_paint.sh                     under Xvfb instead of QT_QPA_PLATFORM=offscreen
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build-ui}
runs=${2:-5}
sizes=${SIZES:-5000 20000 50000 100000 200000}
app=$build/app/netfold
[ -x "$app" ] || { echo "first_paint.sh: build the app first: make -C $build netfold" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "first_paint.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
mkdir -p "$here/models"
for n in $sizes; do
    [ -f "$here/models/synthetic_$n.onnx" ] || /usr/bin/python3 "$here/make_synthetic.py" $n "$here/models/synthetic_$n.onnx" >/dev/null
done
shot=$(mktemp --suffix=.png)
log=$(mktemp)
trap 'rm -f "$shot" "$log"' EXIT
run() {
    if [ -n "$XVFB" ]; then
        NETFOLD_TIMING=1 /usr/bin/time -f 'peak rss: %M kB' -o "$log.rss" xvfb-run -a -s "-screen 0 1600x1000x24" "$app" "$@" >"$log" 2>&1
    else
        NETFOLD_TIMING=1 QT_QPA_PLATFORM=offscreen /usr/bin/time -f 'peak rss: %M kB' -o "$log.rss" "$app" "$@" >"$log" 2>&1
    fi
    cat "$log.rss" >>"$log"
    rm -f "$log.rss"
}
median() { echo "$@" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
models=""
if [ -z "$SCALE_ONLY" ]; then
    models="$root/resources/models/sample-reshape.onnx $root/tests/data/transformer_dyn.onnx"
fi
for n in $sizes; do models="$models $here/models/synthetic_$n.onnx"; done
[ -z "$SCALE_ONLY" ] && [ -f "$here/models/vit_b_16.onnx" ] && models="$models $here/models/vit_b_16.onnx"
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $runs runs per model, $(date -u '+%Y-%m-%d %H:%M UTC')"
printf '%-26s %8s %11s %9s %9s %10s %10s   %s\n' model "drawn" "first paint" "peak RSS" load layout "layout/node" "first paint runs (ms)"
for model in $models; do
    times="" rss="" loads="" layouts="" nodes=""
    i=0
    while [ $i -lt "$runs" ]; do
        run "$model" $NETFOLD_FLAGS --screenshot "$shot" || { echo "first_paint.sh: netfold failed on $model:" >&2; cat "$log" >&2; exit 1; }
        times="$times $(sed -n 's/^first paint: \([0-9]*\) ms$/\1/p' "$log")"
        rss="$rss $(sed -n 's/^peak rss: \([0-9]*\) kB$/\1/p' "$log")"
        loads="$loads $(sed -n 's/^netfold: load \([0-9.]*\) ms$/\1/p' "$log")"
        # "layout done at T ms" counts from the start of the drawable graph to the last chunk's items.
        layouts="$layouts $(sed -n 's/^netfold: layout done at \([0-9.]*\) ms.*/\1/p' "$log")"
        nodes=$(sed -n 's/^netfold: drawable graph.*(\([0-9]*\) nodes.*/\1/p' "$log")
        i=$((i + 1))
    done
    t=$(median $times)
    r=$(median $rss)
    l=$(median $loads)
    y=$(median $layouts)
    perNode=$(awk -v y="$y" -v n="$nodes" 'BEGIN { if (n > 0) printf "%.1f us", 1000 * y / n; else print "-" }')
    printf '%-26s %8s %8s ms %6s MB %6.0f ms %7.0f ms %10s  %s\n' "$(basename "$model")" "$nodes" "$t" \
        "$((r / 1024))" "$l" "$y" "$perNode" "$times"
done
