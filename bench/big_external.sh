#!/bin/sh
# Simplify a model with ~3 GB of external data and compare with a plain cp of its data file.
#   sh bench/big_external.sh [WORKDIR] [--repeat N]
# WORKDIR (default bench/models/big_external) gets big.onnx + big.onnx.data (generated once,
# ~3.0 GB; delete it to regenerate) and the scratch outputs; it needs ~9 GB free.
# The table goes to stdout and bench/results/big_external.md. Exit 1 when simplify's peak
# anonymous memory is 500 MB or more, or a copied weight differs from the input's.
set -e
here=$(cd "$(dirname "$0")" && pwd)
work=$here/models/big_external
case "${1:-}" in
    -*|"") ;; # no WORKDIR: the options go to the measurement
    *) work=$1; shift ;;
esac
[ -f "$work/big.onnx" ] || /usr/bin/python3 "$here/big_external.py" generate "$work"
mkdir -p "$here/results"
exec /usr/bin/python3 "$here/big_external.py" measure "$work" --verify --out "$here/results/big_external.md" "$@"
