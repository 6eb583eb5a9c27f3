#!/bin/sh
# Builds the libFuzzer target (clang-14, ASan+UBSan) in build-fuzz and runs it for a fixed
# number of executions, seeded from tests/data. Crashes, sanitizer reports, raw exceptions,
# inputs over 10 s, one allocation over 1 GB and 4 GB resident stop it with a non-zero exit; the
# input is written as build-fuzz/crash-* (an allocation over 1 GB is a crash-* with ASan's
# "allocation-size-too-big"), timeout-*, oom-* (resident) or slow-unit-*. Once fixed, copy it to
# tests/data/fuzz: fuzz_replay replays that folder in every ctest run.
#   tests/fuzz/run_fuzz.sh [RUNS] [extra libFuzzer flags, e.g. -seed=1 -fork=2]
# RUNS defaults to 20000.
#   NETFOLD_FUZZ_CORPUS=DIR  corpus folder; default build-fuzz/corpus, kept between runs (it
#                            grows with what the fuzzer finds new)
#   NETFOLD_FUZZ_FRESH=1     start the corpus again from tests/data alone (./test does, so that
#                            its share is the same on every run)
# Needs: apt-get install clang-14 libfuzzer-14-dev libclang-rt-14-dev
#
# Seeds are the tests/data models up to the 256 KB -max_len; a larger one would be cut to
# 256 KB and no longer parse (a wasted seed). -entropic=0 and ASan's malloc_context_size=3 are
# for speed: libFuzzer's entropic scheduler took ~40% of the time here with the mutator's many
# features, and ASan's allocation stack traces ~20% (measured: 44 -> 86 executions a second with
# both; the transformer seed alone runs 1.6x faster with short stacks). Neither changes what is
# checked; replay a find with plain ASAN_OPTIONS (fuzz_model FILE) for full allocation stacks.
# -detect_leaks=0 matches ASan's detect_leaks=0: with it on, libFuzzer ran every input that left
# more allocations than frees (the warm caches of inference and schemas, not leaks: LSan reports
# none on the corpus) a second time to look for a leak it could not report, which was half the
# time of a run over the corpus (measured: 150 corpus inputs, 11.3 -> 6.2 s of CPU).
# libFuzzer installs its malloc hooks only when it looks for leaks, so with -detect_leaks=0 its
# -malloc_limit_mb does nothing (a 2 GB malloc passes); the one-allocation limit is ASan's
# max_allocation_size_mb instead, set by the target itself (__asan_default_options in
# fuzz_model.cpp), which with allocator_may_return_null=0 reports and stops.
set -eu
cd "$(dirname "$0")/../.."
RUNS=${1:-20000}
[ $# -gt 0 ] && shift
export CC=clang-14 CXX=clang++-14
if [ ! -f build-fuzz/CMakeCache.txt ]; then
    cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNETFOLD_FUZZ=ON >/dev/null
fi
cmake --build build-fuzz -j"${JOBS:-$(nproc)}" --target fuzz_model
CORPUS=${NETFOLD_FUZZ_CORPUS:-build-fuzz/corpus}
[ "${NETFOLD_FUZZ_FRESH:-0}" = 1 ] && rm -rf "$CORPUS"
mkdir -p "$CORPUS"
find tests/data -name '*.onnx' -size -257k -exec cp -n {} "$CORPUS"/ \;
CORPUS=$(cd "$CORPUS" && pwd)
cd build-fuzz
if NETFOLD_FUZZ_ALLOCATION_PROBE=1 ./tests/fuzz/fuzz_model -runs=0 >allocation-probe.log 2>&1 ||
    ! grep -q allocation-size-too-big allocation-probe.log; then
    cat allocation-probe.log >&2
    echo "run_fuzz.sh: the fuzz target's 1 GB allocation limit did not stop a 2 GB allocation" >&2
    exit 1
fi
ASAN_OPTIONS=detect_leaks=0:malloc_context_size=3 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
./tests/fuzz/fuzz_model -runs="$RUNS" -entropic=0 -detect_leaks=0 -dict=../tests/fuzz/netfold.dict -max_len=262144 -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1 "$@" "$CORPUS"
