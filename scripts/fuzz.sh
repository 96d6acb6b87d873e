#!/usr/bin/env bash
# Builds the libFuzzer harnesses of fuzz/ with clang (in build-fuzz/) and runs each for a
# while from its seed corpus (fuzz/corpus/<name>/), new inputs going to a scratch copy.
# Usage: scripts/fuzz.sh [SECONDS_PER_HARNESS]   (default 60; the README's long run: 1800)
# A crash stops with the harness's report and the input that caused it (crash-*), exit 1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
"$root/scripts/install-deps.sh" --fuzz
build="$root/build-fuzz"
generator=()
if [[ ! -f "$build/CMakeCache.txt" ]] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
cmake -S "$root/fuzz" -B "$build" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build" -j "$(nproc)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS="detect_leaks=0"  # a harness runs millions of inputs in one process; leaks are the test suite's
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for name in npy config cli dataset checkpoint nir; do
  mkdir -p "$work/$name"
  cp -r "$root/fuzz/corpus/$name/." "$work/$name/"
  echo "fuzz_$name: ${seconds} s"
  status=0
  (cd "$work" && "$build/fuzz_$name" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
       -print_final_stats=1 "$work/$name" >"$work/$name.log" 2>&1) || status=$?
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)" "$work/$name.log" || true
  if ((status != 0)); then
    mkdir -p "$root/fuzz/findings"
    cp "$work/$name.log" "$work"/crash-* "$work"/timeout-* "$work"/oom-* "$root/fuzz/findings/" 2>/dev/null || true
    tail -40 "$work/$name.log" >&2
    echo "fuzz_$name failed (exit $status): its log and input are in fuzz/findings/" >&2
    exit 1
  fi
done
