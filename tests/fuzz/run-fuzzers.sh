#!/usr/bin/env bash
# Builds the libFuzzer targets in a separate clang build directory and runs
# each for N seconds (default 60), two at a time, from the seed corpus in
# tests/fuzz/corpus/<target>.  Fails on any crash, leak, sanitizer report,
# 5xx or write outside a secretary's scope (the harness aborts on those).
# Prints the executions per target.
#   tests/fuzz/run-fuzzers.sh [SECONDS] [TARGET...]
# Env: LJ_FUZZ_BUILD_DIR (default build-fuzz), LJ_FUZZ_JOBS (default 2).
set -uo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
secs=${1:-60}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(body query login transitions)
bdir=${LJ_FUZZ_BUILD_DIR:-build-fuzz}
jobs=${LJ_FUZZ_JOBS:-2}

if [ ! -f "$bdir/build.ninja" ]; then
  CC=clang meson setup "$bdir" -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debugoptimized -Dwerror=true -Dfirst_party_plugins=false \
    -Dc_args=-fsanitize=fuzzer-no-link >/dev/null || exit 1
fi
ninja -C "$bdir" -j2 $(printf 'tests/fuzz/fuzz-%s ' "${targets[@]}") >/dev/null || { echo "fuzz build failed"; exit 1; }

out=$(mktemp -d /tmp/lianjian-fuzz-run-XXXXXX)
export G_SLICE=always-malloc
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export LSAN_OPTIONS=suppressions=$src/tests/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

run_one () {
  local t=$1
  mkdir -p "$out/$t/corpus" "$out/$t/artifacts"
  # The working corpus is a scratch copy: new inputs are not written back
  # into the repository (merge them by hand with -merge=1 when wanted).
  "$src/$bdir/tests/fuzz/fuzz-$t" -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/$t/artifacts/" \
    "$out/$t/corpus" "$src/tests/fuzz/corpus/$t" >"$out/$t.log" 2>&1
  echo $? >"$out/$t.rc"
}

running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ $running -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

fail=0
total=0
for t in "${targets[@]}"; do
  rc=$(cat "$out/$t.rc")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
  total=$((total + ${execs:-0}))
  if [ "$rc" != 0 ]; then
    fail=1
    echo "fuzz-$t: FAILED (exit $rc) after ${execs:-?} executions; log $out/$t.log"
    grep -E "lj-fuzz:|ERROR:|SUMMARY:" "$out/$t.log" | head -20
    ls "$out/$t/artifacts/"
  else
    echo "fuzz-$t: ok, ${execs:-0} executions in ${secs} s"
  fi
done
echo "fuzz: $total executions in total"
[ $fail = 0 ] && rm -rf "$out"
exit $fail
