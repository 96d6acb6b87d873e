"""Forward + backward of one lif layer inside a PyTorch loop: norn.torch.Population against
Norse's LIF module on the same tensors, in the same process, at the same thread count.

    PYTHONPATH=build/python:<norse checkout> /usr/bin/python3 bench/python/torch_lif.py [--threads 1 2]

Norse (norse/norse at tag v1.0.0, which runs on Debian's python3-torch) is found on
PYTHONPATH; without it only Norn is timed. Each configuration prints the median time of a
loop step (zero_grad, forward over the whole sequence, a loss, backward) and the ratio.

Norse v1.0.0's LIF module adds a step's input after its Euler step (current Norse, and
Norn's lif, add it before), so it spikes one step later: the check compares it with Norn on
the input delayed by one step.
"""

import argparse
import statistics
import time

import torch

import norn
import norn.torch


def step_time(layer, x, w, repeat):
    """Median seconds of a training-loop step through `layer`."""
    times = []
    for k in range(repeat + 2):
        if x.grad is not None:
            x.grad = None
        began = time.perf_counter()
        out = layer(x)
        z = out[0] if isinstance(out, tuple) else out
        loss = (z * w).sum()
        loss.backward()
        if k >= 2:  # the first two warm up allocators and caches
            times.append(time.perf_counter() - began)
    return statistics.median(times), z.detach(), x.grad.detach().clone()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--neurons", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.0, help="inputs are uniform in [0, scale): 17 %% of steps spike at 1.0")
    parser.add_argument("--threads", type=int, nargs="+", default=[torch.get_num_threads()])
    args = parser.parse_args()
    try:
        import norse.torch as norse_torch
    except ImportError:
        norse_torch = None

    g = torch.Generator().manual_seed(0)
    x = (torch.rand(args.steps, args.batch, args.neurons, generator=g) * args.scale).requires_grad_()
    w = torch.randn(args.steps, args.batch, args.neurons, generator=g)
    print("lif layer: {} neurons, {} steps, batch {}; forward + backward per loop step (median of {})".format(
        args.neurons, args.steps, args.batch, args.repeat))
    for threads in args.threads:
        torch.set_num_threads(threads)  # torch's and Norn's kernels share OpenMP's thread count
        norn_s, _, _ = step_time(norn.torch.Population("lif", args.neurons), x, w, args.repeat)
        line = "  {} thread{}: norn.torch {:8.1f} ms".format(threads, "s" if threads > 1 else " ", 1e3 * norn_s)
        if norse_torch is not None:
            norse_s, norse_z, norse_dx = step_time(norse_torch.LIF(), x, w, args.repeat)
            # the same computation: Norn on the input one step later, and w one step earlier
            delayed = torch.cat([torch.zeros_like(x[:1]), x[:-1]]).detach().requires_grad_()
            z = norn.torch.Population("lif", args.neurons, return_state=False)(delayed)
            (z * w).sum().backward()
            flips = (z != norse_z).sum().item()
            dx = ((delayed.grad[1:] - norse_dx[:-1]).abs().max() / norse_dx.abs().max()).item()
            line += " | Norse LIF {:8.1f} ms | {:5.1f}x faster | {} of {} spikes differ ({:.1%} spike), max |dx - dx_Norse| / max |dx_Norse| {:.1e}".format(
                1e3 * norse_s, norse_s / norn_s, flips, norse_z.numel(), norse_z.mean().item(), dx)
        else:
            line += " (Norse not on PYTHONPATH: no baseline)"
        print(line, flush=True)


if __name__ == "__main__":
    main()
