#!/usr/bin/env bash
# Norn's main job on its built-in default: installs what is missing, builds, then simulates
# 1,000 lif neurons for 1,000 steps on Bernoulli(0.01) input with v_th = 0.3 (Norse's
# "simulating and plotting" tutorial) and draws the traces, the raster and the histograms;
# then a short training run: the odd-firing network of Norse's parameter-learning workshop,
# with and without trained membrane time constants.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" norn_cli norn-odd-firing  # only what this script runs
out="$root/results/simulate"
"$root/build/norn" simulate --model lif --neurons 1000 --steps 1000 --input-bernoulli 0.01 --seed 0 \
  --set v_th=0.3 --record v,i --plot --out "$out"
echo "simulation: $out/{v,i,spikes}.npy and pictures $out/{traces,raster,spike_counts,input_counts}.png"
"$root/build/examples/norn-odd-firing" --out "$root/results/odd_firing"
