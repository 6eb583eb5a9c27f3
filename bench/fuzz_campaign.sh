#!/bin/sh
# A long fuzz campaign: tests/fuzz/run_fuzz.sh (the same target, sanitizers, dictionary, limits
# and mutator as the CI share) in libFuzzer's fork mode, going on past finds so that one
# campaign collects them all. Prints the executions, the time they took and every find.
#
#   sh bench/fuzz_campaign.sh [RUNS] [WORKERS]      (default 1000000 executions, 2 workers)
#   SEED=N          the first seed (default 1; each worker job derives its own from it)
#   CAMPAIGN=DIR    the campaign folder (default build-fuzz/campaign): its corpus/ is kept and
#                   grows between campaigns (seeded from tests/data), finds go to finds/
#
# Finds are crash-* (one allocation over 1 GB among them), timeout-* (over 10 s), oom-* (over 4 GB
# resident) and slow-unit-*;
# replay one with `build-fuzz/tests/fuzz/fuzz_model FILE`, fix it, and keep it in
# tests/data/fuzz (the fuzz_replay test replays that folder in every ctest run).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=${1:-1000000}
workers=${2:-2}
dir=${CAMPAIGN:-$root/build-fuzz/campaign}
mkdir -p "$dir/finds" "$dir/corpus"
dir=$(cd "$dir" && pwd)
log="$dir/campaign-$(date -u +%Y%m%dT%H%M%S).log"
stamp="$log.start"
touch "$stamp"
start=$(date +%s)
echo "fuzz campaign: $runs executions, $workers workers, seed ${SEED:-1}, at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'); log $log"
set +e
NETFOLD_FUZZ_CORPUS="$dir/corpus" sh "$root/tests/fuzz/run_fuzz.sh" "$runs" -seed="${SEED:-1}" -fork="$workers" \
    -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -artifact_prefix="$dir/finds/" >"$log" 2>&1
rc=$?
set -e
last=$(grep -E '^#[0-9]+' "$log" | tail -1)
execs=$(echo "$last" | sed -nE 's/^#([0-9]+).*/\1/p')
# The fuzzing time libFuzzer reports (the build before it not counted), else the wall clock.
secs=$(echo "$last" | sed -nE 's/.* time: ([0-9]+)s.*/\1/p')
[ -n "$secs" ] || secs=$(($(date +%s) - start))
echo "exit $rc; ${execs:-0} executions in ${secs} s of fuzzing ($((secs / 60)) min), $(( ${execs:-0} / (secs > 0 ? secs : 1) )) a second"
grep -E '^#[0-9]+' "$log" | tail -1
finds=$(find "$dir/finds" -type f -newer "$stamp" 2>/dev/null | wc -l)
crashes=$(grep -cE 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error|raw exception' "$log" || true)
echo "finds written: $finds; sanitizer/libFuzzer reports in the log: $crashes"
find "$dir/finds" -type f -newer "$stamp" 2>/dev/null | sed 's/^/  /'
rm -f "$stamp"
[ "$finds" -eq 0 ] && [ "$crashes" -eq 0 ] && [ "$rc" -eq 0 ]
