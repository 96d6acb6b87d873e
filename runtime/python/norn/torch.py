"""Norn populations as PyTorch layers.

    import torch, norn.torch
    lif = norn.torch.Population("lif", 200, train=["tau_mem_inv"])
    z, state = lif(x)                  # x: [T, B, 200]; state: {"v": [B, 200], "i": [B, 200]}
    z, state = lif(x2, state)          # continue from the final state (truncated BPTT)

A layer's forward over a whole sequence is one call of the generated forward kernel, and its
backward one call of the generated adjoint (one torch.autograd.Function, no loop over steps in
Python). It runs on the CPU, in float32, or in float64 for float64 inputs.
"""

import numpy as _np
import torch as _torch

from . import _norn
from . import model as _model


class _Sequence(_torch.autograd.Function):
    """Inputs: the layer's setup, x [T, B, N], the trainable parameters, then the initial
    states (None for a state's initial value). Outputs: the output sequence, then the final
    states."""

    @staticmethod
    def forward(ctx, setup, x, *tensors):
        if x.device.type != "cpu":
            raise ValueError("norn: norn.torch runs on the CPU; the input is on {}".format(x.device))
        if x.dtype not in (_torch.float32, _torch.float64):
            raise TypeError("norn: norn.torch takes float32 or float64 inputs, got {}".format(x.dtype))
        if x.dim() != 3 or x.shape[2] != setup.neurons:
            raise ValueError("norn: the input has shape {}; a population of {} neurons takes [steps, batch, {}]"
                             .format(list(x.shape), setup.neurons, setup.neurons))
        trained = tensors[:len(setup.trained)]
        initial = tensors[len(setup.trained):]
        double = x.dtype == _torch.float64
        pop = setup.take(x.shape[1], double)
        for name, p in zip(setup.trained, trained):
            pop.set_parameter(name, p.detach().to("cpu", _torch.float64).numpy())
        for name, s in zip(setup.states, initial):
            if s is not None:
                pop.set_state(name, s.detach().to("cpu", _torch.float64).numpy())
        xs = x.detach().contiguous().numpy()
        if any(ctx.needs_input_grad):
            out = pop.forward(xs, checkpoint=setup.checkpoint, check=False)
        else:  # nothing to differentiate: no tape
            out = pop.run(xs, check=False)["output"]
        finals = pop.states
        ctx.lease = _Lease(setup, pop)  # back to the layer when the graph lets go of it
        ctx.parameter_shapes = [(p.shape, p.dtype) for p in trained]
        ctx.state_dtypes = [None if s is None else s.dtype for s in initial]
        ctx.setup = setup
        return (_torch.from_numpy(out),) + tuple(_torch.from_numpy(finals[name]) for name in setup.states)

    @staticmethod
    def backward(ctx, grad_output, *grad_finals):
        setup = ctx.setup
        final_lambda = {name: g.contiguous().numpy() for name, g in zip(setup.states, grad_finals)
                        if g is not None and bool(g.any())}
        r = ctx.lease.pop.backward(grad_output=grad_output.contiguous().numpy(), final_lambda=final_lambda or None,
                                   traces=False, check=False)
        grad_x = _torch.from_numpy(r["input"]) if ctx.needs_input_grad[1] else None
        grads = []
        for name, (shape, dtype) in zip(setup.trained, ctx.parameter_shapes):
            g = _torch.from_numpy(r["parameters"][name])
            grads.append((g.sum() if len(shape) == 0 else g).to(dtype).reshape(shape))
        for name, dtype in zip(setup.states, ctx.state_dtypes):
            grads.append(None if dtype is None else _torch.from_numpy(r["initial"][name]).to(dtype))
        return (None, grad_x) + tuple(grads)


class _Lease:
    """A population lent to one forward: given back to its layer when the autograd graph
    that holds it is freed (after its backward, or unused)."""
    __slots__ = ("setup", "pop")

    def __init__(self, setup, pop):
        self.setup, self.pop = setup, pop

    def __del__(self):
        self.setup.give(self.pop)


class _Setup:
    """What a layer's every call shares, and its populations not in use: a forward takes one
    (its tape lives until the backward), the backward gives it back, so that a training loop
    reuses the same memory every step."""
    __slots__ = ("model", "neurons", "dt", "fixed", "trained", "states", "surrogate", "alpha", "detach_reset",
                 "checkpoint", "idle")

    def take(self, batch, double):
        for k, pop in enumerate(self.idle):
            if pop.batch == batch and (pop.dtype == _np.float64) == double:
                del self.idle[k]
                pop.reset()
                return pop
        return _norn.Population(self.model, self.neurons, batch=batch, dt=self.dt, params=self.fixed, double=double,
                                surrogate=self.surrogate, alpha=self.alpha, detach_reset=self.detach_reset)

    def give(self, pop):
        self.idle = [pop] + self.idle[:3]


class Population(_torch.nn.Module):
    """`neurons` neurons of a Norn model (built-in, or compiled with norn.compile) as a layer.

    params: name -> a number or [N] values (the model's defaults otherwise); train: the names
    of parameters to train, each an nn.Parameter of [N] values (one per neuron; with
    shared=True, one value for all); surrogate, alpha: the spike's surrogate gradient (the
    model's default otherwise); detach_reset: no gradient through the reset (snnTorch's
    choice); checkpoint: keep every k-th state for the backward and recompute the rest.
    forward(x, state=None) takes x [T, B, N] and an optional initial state {name: [B, N]} and
    returns (output [T, B, N], final state {name: [B, N]}), or the output alone with
    return_state=False.
    """

    def __init__(self, model, neurons, params=None, train=(), surrogate=None, alpha=None, detach_reset=False,
                 dt=0.001, shared=False, return_state=True, checkpoint=1):
        super().__init__()
        info = _model(model)
        names = [p["name"] for p in info["parameters"]]
        params = dict(params or {})
        for name in list(params) + list(train):
            if name not in names:
                raise ValueError("norn: model '{}' has no parameter '{}' (parameters: {})"
                                 .format(model, name, ", ".join(names)))
        if int(neurons) != neurons or neurons < 1:
            raise ValueError("norn: a population needs a whole number of neurons >= 1, got {}".format(neurons))
        setup = _Setup()
        setup.model, setup.neurons, setup.dt = info["name"], int(neurons), float(dt)
        setup.fixed = {k: v for k, v in params.items() if k not in train}
        setup.trained = list(dict.fromkeys(train))
        setup.states = [s["name"] for s in info["states"]]
        setup.surrogate, setup.alpha, setup.detach_reset = surrogate, alpha, bool(detach_reset)
        setup.checkpoint = int(checkpoint)
        setup.idle = []
        self._setup = setup
        self.return_state = return_state
        defaults = {p["name"]: p["default"] for p in info["parameters"]}
        for name in setup.trained:
            value = params.get(name, defaults[name])
            t = _torch.as_tensor(_np.asarray(value, dtype=_np.float64), dtype=_torch.get_default_dtype())
            if t.dim() == 0 and not shared:
                t = t.expand(setup.neurons).clone()
            if t.shape not in ((), (setup.neurons,)):
                raise ValueError("norn: parameter '{}' takes a number or {} values, got shape {}"
                                 .format(name, setup.neurons, list(t.shape)))
            self.register_parameter(name, _torch.nn.Parameter(t))
        # a check of the fixed parameters and the surrogate now, not at the first forward
        _norn.Population(setup.model, setup.neurons, params=setup.fixed, surrogate=surrogate, alpha=alpha)

    @property
    def model(self):
        return self._setup.model

    @property
    def neurons(self):
        return self._setup.neurons

    def extra_repr(self):
        s = self._setup
        return "'{}', {}, train={}".format(s.model, s.neurons, s.trained)

    def forward(self, x, state=None):
        s = self._setup
        if state is not None:
            unknown = set(state) - set(s.states)
            if unknown:
                raise ValueError("norn: model '{}' has no state '{}' (states: {})"
                                 .format(s.model, sorted(unknown)[0], ", ".join(s.states)))
        initial = [None if state is None else state.get(name) for name in s.states]
        trained = [getattr(self, name) for name in s.trained]
        outputs = _Sequence.apply(s, x, *trained, *initial)
        if not self.return_state:
            return outputs[0]
        return outputs[0], dict(zip(s.states, outputs[1:]))
