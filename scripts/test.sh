#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite.
# Usage: scripts/test.sh              Release build in build/
#        scripts/test.sh --sanitize   the same suite built with AddressSanitizer (leaks
#                                     included) and UndefinedBehaviorSanitizer, in build-sanitize/
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
if [[ "${1:-}" == --sanitize ]]; then
  export NORN_BUILD_DIR="$root/build-sanitize"
  export NORN_CMAKE_ARGS="${NORN_CMAKE_ARGS:-} -DNORN_SANITIZE=ON"
  export NORN_SANITIZE_RUN=1
  # every report fails its test; third-party leaks (fontconfig, pango, cairo under PLplot)
  # are suppressed by name in scripts/sanitize/lsan.supp, leak checking stays on
  export ASAN_OPTIONS="abort_on_error=0:detect_leaks=1:halt_on_error=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  export LSAN_OPTIONS="suppressions=$root/scripts/sanitize/lsan.supp:print_suppressions=0"
elif [[ -n "${1:-}" ]]; then
  echo "usage: scripts/test.sh [--sanitize]" >&2
  exit 2
fi
build="${NORN_BUILD_DIR:-$root/build}"
"$root/scripts/build.sh"
cd "$build"
exclude=()
# under the sanitizers, the tests that only run the compiler (must-not-compile cases, the
# vectorization report, an out-of-tree model build) check nothing the sanitizers see
if [[ -n "${NORN_SANITIZE_RUN:-}" ]]; then exclude=(-E '^(compile_fail|vectorization|custom_model):'); fi
ctest --output-on-failure -j "$(nproc)" "${exclude[@]}"
