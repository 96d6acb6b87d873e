"""norn.torch against plain-PyTorch references of every built-in model (reference_models.py,
written from the models' equations and differentiated by autograd): the forward (outputs
and final states), the gradients through spiking runs (w.r.t. the input, every parameter
per neuron and the initial state, with each model's default surrogate, with detached
resets, and with every surrogate for lif, lif_refrac and leaky), and torch.autograd.gradcheck
against finite differences on spike-free runs. Everything in float64."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import norn  # noqa: E402
import norn.torch  # noqa: E402
from torch.nn.utils import stateless  # noqa: E402

import reference_models as ref  # noqa: E402

DT = 0.001
B, N = 3, 4
# the models known when this file is collected, before any test has compiled one: the built-in ones
KNOWN = [m["name"] for m in norn.models()]
MODELS = [name for name in KNOWN if name in ref.STEPS]
INFO = {m["name"]: m for m in norn.models()}


def test_every_built_in_model_has_a_reference():
    assert KNOWN == list(ref.STEPS)
    assert KNOWN == ["lif", "li", "lif_refrac", "lif_adex", "izhikevich", "lsnn", "leaky", "synaptic", "alpha",
                     "lapicque", "nir_lif", "nir_cubalif", "nir_li", "nir_cubali", "nir_if", "nir_i"]  # models/all.hpp


@pytest.mark.parametrize("model", MODELS)
def test_the_reference_declares_what_norn_declares(model):
    info = INFO[model]
    assert [p["name"] for p in info["parameters"]] == list(ref.PARAMETER_DEFAULTS[model])
    assert {p["name"]: p["default"] for p in info["parameters"]} == pytest.approx(ref.PARAMETER_DEFAULTS[model],
                                                                                  rel=1e-15)
    assert [s["name"] for s in info["states"]] == list(ref.STATES[model])
    assert {s["name"]: s["initial"] for s in info["states"]} == ref.STATE_INITIAL[model]
    assert info["spiking"] == ref.SPIKING[model]
    assert info["output"] == ("z" if ref.SPIKING[model] else "v")
    assert info["default_surrogate"] == ref.DEFAULT_SURROGATE[model]
    assert {s["name"]: s["alpha"] for s in info["surrogates"]} == {k: a for k, (_, a) in ref.SURROGATES.items()}


# ---- drives: per-neuron parameters, initial states and inputs -------------------------------
# "spiking": a run with some spikes (not all); "quiet": a run no neuron fires in, even with
# its inputs nudged by gradcheck's finite differences. Parameters are spread around the
# defaults so that every neuron differs; a few fall outside clamp ranges on purpose.

def _spread(rng, default, rel=0.15, shift=0.05):
    """N values around `default`: relative spread, or a small shift around 0."""
    if default == 0.0:
        return rng.uniform(-shift, shift, N)
    return default * (1.0 + rng.uniform(-rel, rel, N))


def _parameters(model, rng):
    rel = 0.03 if model == "izhikevich" else 0.15  # wider, and its resting state may vanish (bias, sq, mn)
    p = {name: _spread(rng, d, rel) for name, d in ref.PARAMETER_DEFAULTS[model].items()}
    if model == "lif_refrac":
        p["rho_reset"] = np.array([2.4, 3.3, 4.6, 5.7])  # not whole steps: rho - r never lands on relu's kink
    if model == "leaky":
        p["beta"] = np.array([0.85, 0.9, 0.95, 1.05])  # the last one is clamped to 1 (no gradient)
    if model == "synaptic":
        p["alpha"] = np.array([0.7, 0.8, 1.1, 0.6])  # the third is clamped to 1
    if model == "alpha":
        p["alpha"] = np.array([0.9, 0.85, 0.92, 0.88])  # alpha > beta, both in (0, 1)
        p["beta"] = np.array([0.8, 0.7, 0.75, 0.6])
    return p


def _initial(model, rng, quiet):
    """Initial states [B, N], away from the initial values so that their gradients matter."""
    u = lambda lo, hi: rng.uniform(lo, hi, (B, N))  # noqa: E731
    if model in ("lif", "li", "lif_adex", "lif_refrac"):
        s = {"v": u(0.0, 0.4), "i": u(0.0, 0.5)}
        if model == "lif_adex":
            s["a"] = u(0.0, 0.1)
        if model == "lif_refrac":
            # refractory for a few steps, never at a whole number (relu's kink, H's jump); the
            # spiking run also starts some neurons at rho = 0, where the surrogate of H(rho) is largest
            s["rho"] = u(0.2, 0.8) + rng.integers(0, 3, (B, N))
            if not quiet:
                s["rho"][:, :2] = 0.0
        return s
    if model == "izhikevich":
        return {"v": -70.0 + u(-4.0, 4.0), "u": -14.0 + u(-1.0, 1.0)}
    if model == "lsnn":
        return {"v": u(0.0, 0.4), "i": u(0.0, 0.5), "b": 1.0 + u(0.0, 0.3)}
    if model == "leaky":
        return {"mem": u(0.0, 0.5)}
    if model == "synaptic":
        return {"syn": u(0.0, 0.2), "mem": u(0.0, 0.5)}
    if model == "alpha":
        return {"syn_exc": u(0.0, 0.3), "syn_inh": u(-0.3, 0.0), "mem": u(0.0, 0.5)}
    if model == "lapicque":
        return {"mem": u(0.0, 0.5)}
    if model in ("nir_lif", "nir_li", "nir_if", "nir_i"):
        return {"v": u(0.0, 0.4)}
    if model in ("nir_cubalif", "nir_cubali"):
        return {"v": u(0.0, 0.4), "i": u(0.0, 0.5)}
    raise KeyError(model)


# input ranges [lo, hi) per step: (spiking, quiet)
INPUTS = {
    "lif": ((0.0, 1.2), (-0.02, 0.02)),
    "li": ((-1.0, 1.0), (-1.0, 1.0)),
    "lif_refrac": ((0.0, 1.2), (-0.02, 0.02)),
    "lif_adex": ((0.0, 1.2), (-0.02, 0.02)),
    "izhikevich": ((0.0, 15.0), (-2.0, 2.0)),
    "lsnn": ((0.0, 1.5), (-0.02, 0.02)),
    "leaky": ((0.0, 0.5), (-0.05, 0.05)),
    "synaptic": ((0.0, 0.15), (-0.02, 0.02)),
    "alpha": ((0.0, 1.5), (-0.05, 0.05)),
    "lapicque": ((0.0, 1.5), (-0.05, 0.05)),
    # NIR's neurons: dt / tau = 0.1 (0.2 for the synapse); IF and I integrate r x dt, r = 1
    "nir_lif": ((0.0, 3.0), (-0.05, 0.05)),
    "nir_cubalif": ((0.0, 3.0), (-0.05, 0.05)),
    "nir_li": ((0.0, 3.0), (-0.05, 0.05)),
    "nir_cubali": ((0.0, 3.0), (-0.05, 0.05)),
    "nir_if": ((0.0, 60.0), (-1.0, 1.0)),
    "nir_i": ((0.0, 60.0), (-1.0, 1.0)),
}
STEPS = {"izhikevich": 200}  # others: 100


def drive(model, quiet=False, seed=0, steps=None):
    """(x [T, B, N], parameters {name: [N]}, initial states {name: [B, N]}) as float64 arrays."""
    rng = np.random.default_rng(seed + 1000 * MODELS.index(model))
    T = steps or STEPS.get(model, 100)
    lo, hi = INPUTS[model][1 if quiet else 0]
    x = rng.uniform(lo, hi, (T, B, N))
    return x, _parameters(model, rng), _initial(model, rng, quiet)


def population(model, params, **kw):
    """A norn.torch population in float64 training every parameter, at exactly `params` (the
    constructor makes float32 nn.Parameters; .double() alone would keep their rounding)."""
    pop = norn.torch.Population(model, N, params=params, train=list(params), dt=DT, **kw).double()
    with torch.no_grad():
        for name, value in params.items():
            getattr(pop, name).copy_(torch.from_numpy(value))
    return pop


def leaves(arrays):
    return {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in arrays.items()}


def assert_close(actual, expected, what, rtol=1e-5, atol=1e-8):
    """Equal to rtol, with an absolute slack of atol times the largest |expected|."""
    scale = expected.abs().max().item() if expected.numel() else 0.0
    torch.testing.assert_close(actual, expected, rtol=rtol, atol=atol * scale + 1e-12,
                               msg=lambda m: "{}: {}".format(what, m))


def check_spiking(model, out):
    if ref.SPIKING[model]:
        rate = out.mean().item()
        assert set(out.unique().tolist()) <= {0.0, 1.0}
        assert 0.005 < rate < 0.6, "{}: spike rate {} (the drive should give some spikes, not all)".format(model, rate)


# ---- a. forward ------------------------------------------------------------------------------

@pytest.mark.parametrize("model", MODELS)
def test_forward_matches_the_reference(model):
    x, params, initial = drive(model)
    x = torch.from_numpy(x)
    state = {k: torch.from_numpy(v) for k, v in initial.items()}
    out, final = population(model, params)(x, state)
    expected, expected_final = ref.run(model, x, {k: torch.from_numpy(v) for k, v in params.items()}, state, DT)
    check_spiking(model, expected)
    assert out.dtype == torch.float64 and out.shape == x.shape
    torch.testing.assert_close(out, expected, rtol=1e-9, atol=1e-9)
    assert set(final) == set(ref.STATES[model])
    for name in ref.STATES[model]:
        assert final[name].shape == (B, N)
        assert_close(final[name], expected_final[name], "final " + name, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("model", MODELS)
def test_forward_from_the_initial_state_and_default_parameters(model):
    """No state given: every state starts at its declared initial value; no parameter given:
    the declared defaults."""
    x, _, _ = drive(model)
    x = torch.from_numpy(x)
    out, final = norn.torch.Population(model, N, dt=DT)(x)
    expected, expected_final = ref.run(model, x, {}, None, DT)
    torch.testing.assert_close(out, expected, rtol=1e-9, atol=1e-9)
    for name in ref.STATES[model]:
        assert_close(final[name], expected_final[name], "final " + name, rtol=1e-9, atol=1e-9)


# ---- b. gradients through spiking runs --------------------------------------------------------

def gradients(model, x, params, initial, out_weight, state_weights, pop=None, **kw):
    """Gradients of sum(out * w) + sum_s sum(final_s * w_s) w.r.t. x, every parameter and every
    initial state: from norn.torch (pop given) or from the reference. Returns (out, {what: grad})."""
    xs = torch.tensor(x, requires_grad=True)
    s0 = leaves(initial)
    if pop is not None:
        out, final = pop(xs, s0)
        p = {name: getattr(pop, name) for name in params}
    else:
        p = leaves(params)
        out, final = ref.run(model, xs, p, s0, DT, **kw)
    loss = (out * out_weight).sum() + sum((final[k] * w).sum() for k, w in state_weights.items())
    wrt = [xs] + list(p.values()) + list(s0.values())
    names = ["x"] + ["parameter " + k for k in p] + ["initial " + k for k in s0]
    grads = torch.autograd.grad(loss, wrt, allow_unused=True)
    return out.detach(), {k: torch.zeros_like(w) if g is None else g for k, w, g in zip(names, wrt, grads)}


# alpha's new membrane is computed from the traces alone: the old one only sets the (detached)
# reset signal
STRUCTURAL_ZEROS = {("alpha", "initial mem")}


def compare_gradients(model, seed=0, surrogate=None, alpha=None, detach_reset=False, nonzero=True):
    x, params, initial = drive(model, seed=seed)
    rng = np.random.default_rng(seed + 7)
    out_weight = torch.from_numpy(rng.normal(size=x.shape))
    state_weights = {k: torch.from_numpy(rng.normal(size=(B, N))) for k in ref.STATES[model]}
    pop = population(model, params, surrogate=surrogate, alpha=alpha, detach_reset=detach_reset)
    out, got = gradients(model, x, params, initial, out_weight, state_weights, pop=pop)
    expected_out, expected = gradients(model, x, params, initial, out_weight, state_weights, surrogate=surrogate,
                                       alpha=alpha, detach_reset=detach_reset)
    check_spiking(model, expected_out)
    torch.testing.assert_close(out, expected_out, rtol=1e-9, atol=1e-9)
    assert list(got) == list(expected)
    for what in expected:
        assert got[what].shape == expected[what].shape, what
        if (model, what) in STRUCTURAL_ZEROS:
            assert got[what].abs().max() == 0, "{}: d loss / d {} should be zero".format(model, what)
        elif nonzero:
            assert expected[what].abs().max() > 0, "{}: the reference's gradient w.r.t. {} is zero".format(model, what)
        assert_close(got[what], expected[what], "{} d loss / d {}".format(model, what))
    return expected


@pytest.mark.parametrize("model", MODELS)
def test_gradients_match_the_reference(model):
    compare_gradients(model)


@pytest.mark.parametrize("model", MODELS)
def test_gradients_with_detached_reset_match_the_reference(model):
    compare_gradients(model, seed=1, detach_reset=True)


def test_detaching_the_reset_changes_the_gradient_only_where_a_reset_is_differentiated():
    # Norse models reset through z: detaching changes their gradients; snnTorch models compute
    # their reset signal with a plain comparison, which never passes gradient
    for model in ("lif", "izhikevich"):
        a, b = compare_gradients(model, seed=2), compare_gradients(model, seed=2, detach_reset=True)
        assert not torch.allclose(a["x"], b["x"], rtol=1e-3, atol=0), model
    for model in ("leaky", "synaptic"):
        a, b = compare_gradients(model, seed=2), compare_gradients(model, seed=2, detach_reset=True)
        for what in a:
            torch.testing.assert_close(a[what], b[what], rtol=0, atol=0)


@pytest.mark.parametrize("surrogate", list(ref.SURROGATES))
@pytest.mark.parametrize("model", ["lif", "lif_refrac", "leaky"])
def test_gradients_with_every_surrogate_match_the_reference(model, surrogate):
    if surrogate == "heaviside":
        # the true derivative of H: spikes pass no gradient; the paths around them remain
        expected = compare_gradients(model, seed=3, surrogate=surrogate, nonzero=False)
        assert expected["x"].abs().max() > 0
        x, params, initial = drive(model, seed=3)
        w = torch.from_numpy(np.random.default_rng(3).normal(size=x.shape))
        _, got = gradients(model, x, params, initial, w, {}, pop=population(model, params, surrogate=surrogate))
        assert got["x"].abs().max() == 0  # the output depends on x through spikes alone
        return
    compare_gradients(model, seed=3, surrogate=surrogate)


def test_an_explicit_surrogate_width_is_used():
    a = compare_gradients("lif", seed=4)
    b = compare_gradients("lif", seed=4, alpha=20.0)
    assert not torch.allclose(a["x"], b["x"], rtol=1e-3, atol=0)


# ---- c. gradcheck on spike-free runs -------------------------------------------------------------

@pytest.mark.parametrize("model", MODELS)
def test_gradcheck_on_a_spike_free_run(model):
    """Finite differences see no spike, so the spikes' gradient must be H's own (zero): the
    population uses the "heaviside" surrogate; every other path is smooth."""
    x, params, initial = drive(model, quiet=True, steps=12)
    pop = population(model, params, surrogate="heaviside")
    names, states = list(params), list(initial)
    xs = torch.tensor(x, requires_grad=True)
    ps = [torch.tensor(params[k], requires_grad=True) for k in names]
    ss = [torch.tensor(initial[k], requires_grad=True) for k in states]

    def f(x, *tensors):
        out, final = stateless.functional_call(pop, dict(zip(names, tensors[:len(names)])),
                                               (x, dict(zip(states, tensors[len(names):]))))
        return (out,) + tuple(final[k] for k in states)

    outputs = f(xs, *ps, *ss)
    if ref.SPIKING[model]:
        assert outputs[0].abs().max() == 0, "{}: the spike-free run has spikes".format(model)
        # and no spike condition comes within gradcheck's reach of H's jump (lif_refrac's rho
        # sits at 0 exactly once its refractory period is over, where no nudge moves it)
        conditions = []
        ref.run(model, xs.detach(), {k: torch.from_numpy(v) for k, v in params.items()},
                {k: torch.from_numpy(v) for k, v in initial.items()}, DT, conditions=conditions)
        u = torch.stack(conditions)
        assert ((u == 0) | (u.abs() > 1e-4)).all(), "{}: a spike condition at {}".format(model, u.abs().min())
    # the functional call computes what the module computes
    out, final = pop(xs.detach(), {k: torch.from_numpy(v) for k, v in initial.items()})
    torch.testing.assert_close(outputs[0].detach(), out, rtol=0, atol=0)
    assert torch.autograd.gradcheck(f, (xs, *ps, *ss), eps=1e-6, atol=1e-7, rtol=1e-5)
