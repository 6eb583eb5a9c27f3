#!/bin/sh
# Open-to-first-paint of the graph view: runs `netfold MODEL --screenshot` RUNS times per model
# and prints the median of the "first paint: N ms" lines (process start to the first complete
# paint of the laid-out graph). Synthetic models are generated into bench/models/ when missing;
# the raw vit_b_16 export is included when bench/export_models.py has made it.
#
#   sh bench/first_paint.sh [BUILD_DIR] [RUNS]        (default build-ui, 5 runs)
#   NETFOLD_FLAGS=--no-layout-cache sh bench/first_paint.sh     cold layouts (no chunk reuse)
#   XVFB=1 sh bench/first_paint.sh                     under Xvfb instead of QT_QPA_PLATFORM=offscreen
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build-ui}
runs=${2:-5}
app=$build/app/netfold
[ -x "$app" ] || { echo "first_paint.sh: build the app first: make -C $build netfold" >&2; exit 1; }
mkdir -p "$here/models"
for n in 5000 20000; do
    [ -f "$here/models/synthetic_$n.onnx" ] || /usr/bin/python3 "$here/make_synthetic.py" $n "$here/models/synthetic_$n.onnx" >/dev/null
done
shot=$(mktemp --suffix=.png)
trap 'rm -f "$shot"' EXIT
run() {
    if [ -n "$XVFB" ]; then
        xvfb-run -a -s "-screen 0 1600x1000x24" "$app" "$@" 2>/dev/null
    else
        QT_QPA_PLATFORM=offscreen "$app" "$@" 2>/dev/null
    fi
}
models="$root/resources/models/sample-reshape.onnx $root/tests/data/transformer_dyn.onnx"
models="$models $here/models/synthetic_5000.onnx $here/models/synthetic_20000.onnx"
[ -f "$here/models/vit_b_16.onnx" ] && models="$models $here/models/vit_b_16.onnx"
for model in $models; do
    times=""
    i=0
    while [ $i -lt "$runs" ]; do
        t=$(run "$model" $NETFOLD_FLAGS --screenshot "$shot" | sed -n 's/^first paint: \([0-9]*\) ms$/\1/p')
        times="$times $t"
        i=$((i + 1))
    done
    median=$(echo $times | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%-28s median %5s ms   (runs:%s)\n' "$(basename "$model")" "$median" "$times"
done
