"""Plain-PyTorch references of Norn's ten built-in models, written from their equations
(models/<name>.hpp and MODELS.md) and differentiated by autograd alone: nothing here calls
Norn. The tests compare norn.torch against them, forward and backward.

One step follows the model's phases in order, each reading the values the phase before
left (Norse: the input as a current jump first, forward Euler, spike, reset; snnTorch: the
reset signal from the previous membrane, then the map, then the spike):

  - H(u) = 1 if u > 0 else 0 (H(0) = 0). A spike is H(u) forward and the surrogate's
    derivative g(u; alpha) backward, u the spike condition unscaled (v - v_th, v - b,
    mem - threshold; rho for lif_refrac's refractory mask).
  - A reset `s = e` is s <- (1 - g) * s + g * e with g = z (the gradient passes through
    the spike, Norse) or g = z.detach() (detach_reset=True, snnTorch's choice).
  - snnTorch's reset signal r = H(mem - threshold) is a plain comparison: no gradient,
    whatever detach_reset says.
  - clamp(p, 0, 1) = min(max(p, 0), 1) with ties keeping the left operand, as Norn
    evaluates and differentiates min and max; relu'(0) = 0.

run(name, x, params, state0, dt) takes x [T, B, N], params {name: [N]} and the initial
states {name: [B, N]} and returns (output [T, B, N], final states {name: [B, N]}); the
output is the spike z for spiking models and v for li.
"""

import math

import torch

# ---- surrogate derivatives g(u; alpha), as dsl/surrogates/*.hpp declare them ---------------


def _superspike(u, alpha):  # 1 / (alpha |u| + 1)^2
    return 1.0 / (alpha * u.abs() + 1.0) ** 2


def _arctan(u, alpha):  # snnTorch's atan: (alpha / 2) / (1 + (pi / 2 * alpha * u)^2)
    return (alpha / 2.0) / (1.0 + (math.pi / 2.0 * alpha * u) ** 2)


def _sigmoid(u, alpha):  # alpha * s * (1 - s), s = sigmoid(alpha u)
    s = torch.sigmoid(alpha * u)
    return alpha * s * (1.0 - s)


def _triangle(u, alpha):  # alpha * max(0, 1 - |u|)
    return alpha * torch.clamp(1.0 - u.abs(), min=0.0)


SURROGATES = {
    "superspike": (_superspike, 100.0),
    "fast_sigmoid": (_superspike, 25.0),  # the same g as SuperSpike, another default width
    "arctan": (_arctan, 2.0),
    "sigmoid": (_sigmoid, 25.0),
    "triangle": (_triangle, 0.3),
    "straight_through": (lambda u, alpha: torch.ones_like(u), 1.0),
    "heaviside": (lambda u, alpha: torch.zeros_like(u), 1.0),
}

DEFAULT_SURROGATE = {
    "lif": "superspike", "li": "superspike", "lif_refrac": "superspike", "lif_adex": "superspike",
    "izhikevich": "superspike", "lsnn": "superspike",
    "leaky": "arctan", "synaptic": "arctan", "alpha": "arctan", "lapicque": "arctan",
    "nir_lif": "superspike", "nir_cubalif": "superspike", "nir_li": "superspike", "nir_cubali": "superspike",
    "nir_if": "superspike", "nir_i": "superspike",
}


class Spike(torch.autograd.Function):
    """H(u) forward (H(0) = 0); g(u; alpha) times the incoming gradient backward."""

    @staticmethod
    def forward(ctx, u, g, alpha):
        ctx.save_for_backward(u)
        ctx.g, ctx.alpha = g, alpha
        return (u > 0).to(u.dtype)

    @staticmethod
    def backward(ctx, grad):
        (u,) = ctx.saved_tensors
        return grad * ctx.g(u, ctx.alpha), None, None


def heaviside(u):
    """H(u) with no gradient (a comparison)."""
    return (u > 0).to(u.dtype)


def _max_left(l, r):  # max keeping l on ties; d = [l >= r] dl + [l < r] dr
    return torch.where(l < r, r, l)


def _min_left(l, r):  # min keeping l on ties; d = [r >= l] dl + [r < l] dr
    return torch.where(r < l, r, l)


def clamp01(p):
    return _min_left(_max_left(p, torch.zeros_like(p)), torch.ones_like(p))


def relu(a):  # relu'(a) = H(a), 0 at 0
    return torch.where(a > 0, a, torch.zeros_like(a))


# ---- the models: one step each --------------------------------------------------------------
# step(x, p, s, dt, spike, gate) -> (output, new state); p and s dicts of tensors broadcasting
# to [B, N]; spike(u) the population's spike function, gate(z) the spike as the reset sees it.


def _lif(x, p, s, dt, spike, gate):
    i = s["i"] + x  # current jump first
    v = s["v"] + dt * (p["tau_mem_inv"] * ((p["v_leak"] - s["v"]) + i))
    i_next = i + dt * (-p["tau_syn_inv"] * i)
    z = spike(v - p["v_th"])
    g = gate(z)
    v = (1.0 - g) * v + g * p["v_reset"]
    return z, {"v": v, "i": i_next}


def _li(x, p, s, dt, spike, gate):
    i = s["i"] + x
    v = s["v"] + dt * (p["tau_mem_inv"] * ((p["v_leak"] - s["v"]) + i))
    i_next = i + dt * (-p["tau_syn_inv"] * i)
    return v, {"v": v, "i": i_next}


def _lif_refrac(x, p, s, dt, spike, gate):
    v_before, rho = s["v"], s["rho"]
    r = spike(rho)  # the refractory mask goes through the spike function: it has a surrogate
    i = s["i"] + x
    v = s["v"] + dt * (p["tau_mem_inv"] * ((p["v_leak"] - s["v"]) + i))
    i_next = i + dt * (-p["tau_syn_inv"] * i)
    z = spike(v - p["v_th"])
    g = gate(z)
    v = (1.0 - g) * v + g * p["v_reset"]
    v = (1.0 - r) * v + r * v_before  # held while refractory
    z = (1.0 - r) * z  # no spike while refractory (the ungated z: not affected by detach_reset)
    rho = (1.0 - z) * relu(rho - r) + z * p["rho_reset"]
    return z, {"v": v, "i": i_next, "rho": rho}


def _lif_adex(x, p, s, dt, spike, gate):
    v0, a0 = s["v"], s["a"]
    i = s["i"] + x
    exp_term = p["delta_T"] * torch.exp((v0 - p["v_th"]) / p["delta_T"])  # on the old v
    v = v0 + dt * (p["tau_mem_inv"] * ((p["v_leak"] - v0) + exp_term + i - a0))
    i_next = i + dt * (-p["tau_syn_inv"] * i)
    a = a0 + dt * (p["tau_ada_inv"] * (p["adaptation_current"] * (v0 - p["v_leak"]) - a0))
    z = spike(v - p["v_th"])
    g = gate(z)
    v = (1.0 - g) * v + g * p["v_reset"]
    a = a + z * p["adaptation_spike"]  # an update, not a reset: z itself, never detached
    return z, {"v": v, "i": i_next, "a": a}


def _izhikevich(x, p, s, dt, spike, gate):
    v0, u0 = s["v"], s["u"]
    v = v0 + dt * (p["tau_inv"] * (p["sq"] * v0 * v0 + p["mn"] * v0 + p["bias"] - u0 + x))
    u = u0 + dt * (p["tau_inv"] * p["a"] * (p["b"] * v0 - u0))  # the old v
    z = spike(v - p["v_th"])
    g = gate(z)
    v, u = (1.0 - g) * v + g * p["c"], (1.0 - g) * u + g * (u + p["d"])
    return z, {"v": v, "u": u}


def _lsnn(x, p, s, dt, spike, gate):
    v0, i0, b0 = s["v"], s["i"], s["b"]
    v = v0 + dt * (p["tau_mem_inv"] * ((p["v_leak"] - v0) + i0))
    i = i0 + dt * (-p["tau_syn_inv"] * i0)
    b = b0 + dt * (p["tau_adapt_inv"] * (p["v_th"] - b0))
    z = spike(v - b)  # against the adapted threshold
    g = gate(z)
    v = (1.0 - g) * v + g * p["v_reset"]
    b = b + z * p["beta"]  # an update: z itself
    i = i + x  # the input jumps after the spike
    return z, {"v": v, "i": i, "b": b}


def _leaky(x, p, s, dt, spike, gate):
    mem0 = s["mem"]
    r = heaviside(mem0 - p["threshold"])  # previous membrane, no gradient
    mem = clamp01(p["beta"]) * mem0 + x - r * p["threshold"]
    return spike(mem - p["threshold"]), {"mem": mem}


def _synaptic(x, p, s, dt, spike, gate):
    mem0 = s["mem"]
    r = heaviside(mem0 - p["threshold"])
    syn = clamp01(p["alpha"]) * s["syn"] + x
    mem = clamp01(p["beta"]) * mem0 + syn - r * p["threshold"]
    return spike(mem - p["threshold"]), {"syn": syn, "mem": mem}


def _alpha(x, p, s, dt, spike, gate):
    r = heaviside(s["mem"] - p["threshold"])  # from the previous membrane, no gradient
    a, b = clamp01(p["alpha"]), clamp01(p["beta"])
    exc = a * s["syn_exc"] + x
    inh = b * s["syn_inh"] - x
    tau_alpha = torch.log(a) / (torch.log(b) - torch.log(a)) + 1.0
    mem = tau_alpha * (exc + inh)
    exc, inh, mem = (1.0 - r) * exc, (1.0 - r) * inh, (1.0 - r) * mem  # reset to zero
    return spike(mem - p["threshold"]), {"syn_exc": exc, "syn_inh": inh, "mem": mem}


def _lapicque(x, p, s, dt, spike, gate):
    mem0 = s["mem"]
    r = heaviside(mem0 - p["threshold"])
    R, C = p["R"], p["C"]
    mem = x * R * (1.0 / (R * C)) * dt + (1.0 - dt / (R * C)) * mem0 - r * p["threshold"]
    return spike(mem - p["threshold"]), {"mem": mem}


# NIR's neurons (nir/ir/neuron.py): one forward-Euler step of the ODEs, every derivative at
# the state before the step; reset to v_reset when v > v_threshold.


def _nir_lif(x, p, s, dt, spike, gate):
    v = s["v"] + dt * (((p["v_leak"] - s["v"]) + p["r"] * x) / p["tau"])
    z = spike(v - p["v_threshold"])
    g = gate(z)
    return z, {"v": (1.0 - g) * v + g * p["v_reset"]}


def _nir_li(x, p, s, dt, spike, gate):
    v = s["v"] + dt * (((p["v_leak"] - s["v"]) + p["r"] * x) / p["tau"])
    return v, {"v": v}


def _cuba(x, p, s, dt):
    i = s["i"] + dt * ((p["w_in"] * x - s["i"]) / p["tau_syn"])
    v = s["v"] + dt * (((p["v_leak"] - s["v"]) + p["r"] * s["i"]) / p["tau_mem"])
    return v, i


def _nir_cubalif(x, p, s, dt, spike, gate):
    v, i = _cuba(x, p, s, dt)
    z = spike(v - p["v_threshold"])
    g = gate(z)
    return z, {"v": (1.0 - g) * v + g * p["v_reset"], "i": i}


def _nir_cubali(x, p, s, dt, spike, gate):
    v, i = _cuba(x, p, s, dt)
    return v, {"v": v, "i": i}


def _nir_if(x, p, s, dt, spike, gate):
    v = s["v"] + dt * (p["r"] * x)
    z = spike(v - p["v_threshold"])
    g = gate(z)
    return z, {"v": (1.0 - g) * v + g * p["v_reset"]}


def _nir_i(x, p, s, dt, spike, gate):
    v = s["v"] + dt * (p["r"] * x)
    return v, {"v": v}


STEPS = {
    "lif": _lif, "li": _li, "lif_refrac": _lif_refrac, "lif_adex": _lif_adex, "izhikevich": _izhikevich,
    "lsnn": _lsnn, "leaky": _leaky, "synaptic": _synaptic, "alpha": _alpha, "lapicque": _lapicque,
    "nir_lif": _nir_lif, "nir_cubalif": _nir_cubalif, "nir_li": _nir_li, "nir_cubali": _nir_cubali, "nir_if": _nir_if,
    "nir_i": _nir_i,
}

STATES = {
    "lif": ("v", "i"), "li": ("v", "i"), "lif_refrac": ("v", "i", "rho"), "lif_adex": ("v", "i", "a"),
    "izhikevich": ("v", "u"), "lsnn": ("v", "i", "b"), "leaky": ("mem",), "synaptic": ("syn", "mem"),
    "alpha": ("syn_exc", "syn_inh", "mem"), "lapicque": ("mem",),
    "nir_lif": ("v",), "nir_cubalif": ("v", "i"), "nir_li": ("v",), "nir_cubali": ("v", "i"), "nir_if": ("v",),
    "nir_i": ("v",),
}

# Defaults and initial values as the model headers declare them (the tests check these
# against norn.models()).
PARAMETER_DEFAULTS = {
    "lif": {"tau_syn_inv": 200.0, "tau_mem_inv": 100.0, "v_leak": 0.0, "v_th": 1.0, "v_reset": 0.0},
    "li": {"tau_syn_inv": 200.0, "tau_mem_inv": 100.0, "v_leak": 0.0},
    "lif_refrac": {"tau_syn_inv": 200.0, "tau_mem_inv": 100.0, "v_leak": 0.0, "v_th": 1.0, "v_reset": 0.0,
                   "rho_reset": 5.0},
    "lif_adex": {"adaptation_current": 4.0, "adaptation_spike": 0.02, "delta_T": 0.5, "tau_ada_inv": 2.0,
                 "tau_syn_inv": 200.0, "tau_mem_inv": 100.0, "v_leak": 0.0, "v_th": 1.0, "v_reset": 0.0},
    "izhikevich": {"a": 0.02, "b": 0.2, "c": -65.0, "d": 6.0, "sq": 0.04, "mn": 5.0, "bias": 140.0, "v_th": 30.0,
                   "tau_inv": 250.0},
    "lsnn": {"tau_syn_inv": 200.0, "tau_mem_inv": 100.0, "tau_adapt_inv": 1.0 / 800.0, "v_leak": 0.0, "v_th": 1.0,
             "v_reset": 0.0, "beta": 1.8},
    "leaky": {"beta": 0.9, "threshold": 1.0},
    "synaptic": {"alpha": 0.9, "beta": 0.8, "threshold": 1.0},
    "alpha": {"alpha": 0.9, "beta": 0.8, "threshold": 1.0},
    "lapicque": {"R": 5.1, "C": 5e-3, "threshold": 1.0},
    "nir_lif": {"tau": 0.01, "r": 1.0, "v_leak": 0.0, "v_threshold": 1.0, "v_reset": 0.0},
    "nir_cubalif": {"tau_syn": 0.005, "tau_mem": 0.01, "r": 1.0, "v_leak": 0.0, "v_threshold": 1.0, "v_reset": 0.0,
                    "w_in": 1.0},
    "nir_li": {"tau": 0.01, "r": 1.0, "v_leak": 0.0},
    "nir_cubali": {"tau_syn": 0.005, "tau_mem": 0.01, "r": 1.0, "v_leak": 0.0, "w_in": 1.0},
    "nir_if": {"r": 1.0, "v_threshold": 1.0, "v_reset": 0.0},
    "nir_i": {"r": 1.0},
}

STATE_INITIAL = {
    "lif": {"v": 0.0, "i": 0.0}, "li": {"v": 0.0, "i": 0.0}, "lif_refrac": {"v": 0.0, "i": 0.0, "rho": 0.0},
    "lif_adex": {"v": 0.0, "i": 0.0, "a": 0.0}, "izhikevich": {"v": -70.0, "u": -14.0},
    "lsnn": {"v": 0.0, "i": 0.0, "b": 1.0}, "leaky": {"mem": 0.0}, "synaptic": {"syn": 0.0, "mem": 0.0},
    "alpha": {"syn_exc": 0.0, "syn_inh": 0.0, "mem": 0.0}, "lapicque": {"mem": 0.0},
    "nir_lif": {"v": 0.0}, "nir_cubalif": {"v": 0.0, "i": 0.0}, "nir_li": {"v": 0.0}, "nir_cubali": {"v": 0.0, "i": 0.0},
    "nir_if": {"v": 0.0}, "nir_i": {"v": 0.0},
}

SPIKING = {name: name not in ("li", "nir_li", "nir_cubali", "nir_i") for name in STEPS}


def parameter_defaults(name):
    return dict(PARAMETER_DEFAULTS[name])


def state_initial(name):
    return dict(STATE_INITIAL[name])


def run(name, x, params, state0=None, dt=0.001, surrogate=None, alpha=None, detach_reset=False,
        conditions=None):
    """Runs model `name` over x [T, B, N] from state0 ({name: [B, N]}, missing states at their
    initial values) with params ({name: [N]}, missing ones at their defaults); returns
    (output [T, B, N], final states {name: [B, N]}). With a list `conditions`, the argument
    of every spike function evaluated is appended to it (detached)."""
    step = STEPS[name]
    surrogate = surrogate or DEFAULT_SURROGATE[name]
    g, default_alpha = SURROGATES[surrogate]
    width = default_alpha if alpha is None else float(alpha)
    T, B, N = x.shape
    p = {k: torch.as_tensor(v, dtype=x.dtype) for k, v in PARAMETER_DEFAULTS[name].items()}
    p.update(params or {})
    s = {}
    for k in STATES[name]:
        if state0 is not None and state0.get(k) is not None:
            s[k] = state0[k]
        else:
            s[k] = torch.full((B, N), STATE_INITIAL[name][k], dtype=x.dtype)

    def spike(u):
        if conditions is not None:
            conditions.append(u.detach())
        return Spike.apply(u, g, width)

    def gate(z):
        return z.detach() if detach_reset else z

    outputs = []
    for t in range(T):
        out, s = step(x[t], p, s, dt, spike, gate)
        outputs.append(out)
    return torch.stack(outputs), s
