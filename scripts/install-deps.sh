#!/usr/bin/env bash
# Installs what Norn needs to build, test and plot on Debian 12, with the Python module (for
# Debian's /usr/bin/python3) and its tests (run as root; a no-op when all is there).
# Usage: scripts/install-deps.sh [--fuzz]   (--fuzz: also clang and its libFuzzer runtime)
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache
  libboost-dev libfmt-dev libeigen3-dev
  catch2 libcli11-dev nlohmann-json3-dev
  libplplot-dev plplot-driver-cairo
  pybind11-dev python3-dev python3-numpy python3-torch python3-pytest
  libhdf5-dev python3-h5py
)
if [[ "${1:-}" == --fuzz ]]; then packages+=(clang libclang-rt-14-dev); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
