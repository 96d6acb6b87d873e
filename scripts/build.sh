#!/usr/bin/env bash
# Configures and builds Norn (Release) into build/: everything, or only the targets named.
# Usage: scripts/build.sh [target ...]   (extra configure options in NORN_CMAKE_ARGS, another
#                                         build directory in NORN_BUILD_DIR)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${NORN_BUILD_DIR:-$root/build}"
generator=()
if [[ ! -f "$build/CMakeCache.txt" ]] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
# shellcheck disable=SC2086
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release ${NORN_CMAKE_ARGS:-} >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build" -j "$(nproc)" "${targets[@]}"
