#!/bin/sh
# Builds the libFuzzer target (clang-14, ASan+UBSan) in build-fuzz and runs it for a fixed
# number of executions, seeded from tests/data. Crashes, sanitizer reports, inputs over 10 s
# and allocations over 1 GB stop it; the input is written as build-fuzz/crash-* (copy it to
# tests/data/fuzz once fixed: fuzz_replay replays that folder in every ctest run).
#   tests/fuzz/run_fuzz.sh [RUNS] [extra libFuzzer flags]     (RUNS defaults to 20000)
# Needs: apt-get install clang-14 libfuzzer-14-dev
set -eu
cd "$(dirname "$0")/../.."
RUNS=${1:-20000}
[ $# -gt 0 ] && shift
export CC=clang-14 CXX=clang++-14
if [ ! -f build-fuzz/CMakeCache.txt ]; then
    cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNETFOLD_FUZZ=ON >/dev/null
fi
cmake --build build-fuzz -j"${JOBS:-2}" --target fuzz_model
mkdir -p build-fuzz/corpus
find tests/data -name '*.onnx' -size -1000k -exec cp -n {} build-fuzz/corpus/ \;
cd build-fuzz
ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
./tests/fuzz/fuzz_model -runs="$RUNS" -dict=../tests/fuzz/netfold.dict -max_len=262144 -timeout=10 \
    -rss_limit_mb=4096 -malloc_limit_mb=1024 -print_final_stats=1 "$@" corpus
