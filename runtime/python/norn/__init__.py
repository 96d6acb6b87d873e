"""Norn from Python: spiking neuron models declared as ODEs, run by their generated forward
and exact adjoint kernels.

    import norn
    norn.models()                                   # what each model declares
    out = norn.simulate("lif", x)                   # x: [T, N] or [T, B, N] input currents
    pop = norn.Population("lif", 100, batch=8)      # forward(x) / backward(grad_output=...)
    net = norn.Network("examples/yinyang/config.json"); net.fit(x, y, epochs=10)
    name = norn.compile("qif.hpp")                  # a model of your own, by name from then on

PyTorch layers are in norn.torch (imported on first use). Mistakes in what is passed raise
ValueError (bad values, shapes, names) or TypeError (a value of the wrong kind), with the
command line's one-line messages.
"""

import numpy as _np

from ._norn import Network, Population, emit, models, set_threads, threads  # noqa: F401
from ._compile import CompileError, compile  # noqa: F401

__all__ = ["models", "simulate", "Population", "Network", "emit", "compile", "CompileError", "model", "threads",
           "set_threads"]


def model(name):
    """The description of one model (as in models()); ValueError naming the known ones."""
    for m in models():
        if m["name"] == name:
            return m
    raise ValueError("norn: unknown model '{}' (models: {})".format(name, ", ".join(m["name"] for m in models())))


def simulate(model, input, params=None, dt=0.001, record=None, double=False, initial=None):
    """Runs `model` on input currents [T, N] (one population) or [T, B, N] (B of them).

    params: name -> a number or [N] values; record: a state's name, a list of names, or True
    for every state; initial: state name -> a number, [N] or [B, N] values. Returns a dict:
    "output" (the model's output: spikes for spiking models) and each recorded state, shaped
    as the input, float32 (float64 with double=True).
    """
    x = input if isinstance(input, _np.ndarray) else _np.asarray(input)
    if x.ndim not in (2, 3):
        raise ValueError("norn: the input has shape {}; simulate takes [steps, neurons] or [steps, batch, neurons]"
                         .format(list(x.shape)))
    batch, neurons = (1, x.shape[1]) if x.ndim == 2 else (x.shape[1], x.shape[2])
    pop = Population(model, neurons, batch=batch, dt=dt, params=params, double=double)
    for name, value in (initial or {}).items():
        pop.set_state(name, value)
    return pop.run(x, record=record)


def __getattr__(name):
    # norn.torch on first use, so that `import norn` needs no PyTorch
    if name == "torch":
        import importlib
        return importlib.import_module(".torch", __name__)
    raise AttributeError("module 'norn' has no attribute '{}'".format(name))
