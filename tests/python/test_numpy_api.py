"""norn's NumPy API: models(), simulate(), Population (run, forward, backward), emit(), and the
errors a caller's mistakes raise."""

import numpy as np
import pytest

import norn


def lif_reference(x, dt=0.001, tau_syn_inv=200.0, tau_mem_inv=100.0, v_leak=0.0, v_th=1.0, v_reset=0.0):
    """Norse's lif_feed_forward_step, as MODELS.md states it, in float64 NumPy."""
    v = np.zeros(x.shape[1:])
    i = np.zeros(x.shape[1:])
    zs, vs = [], []
    for xt in x:
        i_j = i + xt
        v_new = v + dt * tau_mem_inv * ((v_leak - v) + i_j)
        i = i_j - dt * tau_syn_inv * i_j
        z = (v_new - v_th > 0).astype(float)
        v = (1 - z) * v_new + z * v_reset
        zs.append(z)
        vs.append(v)
    return np.array(zs), np.array(vs), i


def test_models_describe_every_builtin_model():
    ms = {m["name"]: m for m in norn.models()}
    assert {"lif", "li", "lif_refrac", "lif_adex", "izhikevich", "lsnn", "leaky", "synaptic", "alpha",
            "lapicque"} <= set(ms)
    lif = ms["lif"]
    defaults = {p["name"]: p["default"] for p in lif["parameters"]}
    assert defaults == {"tau_syn_inv": 200.0, "tau_mem_inv": 100.0, "v_leak": 0.0, "v_th": 1.0, "v_reset": 0.0}
    assert [s["name"] for s in lif["states"]] == ["v", "i"]
    assert lif["spiking"] and lif["output"] == "z" and lif["membrane"] == "v" and lif["threshold"] == "v_th"
    assert lif["default_surrogate"] == "superspike"
    assert all(p["unit"] is not None and isinstance(p["doc"], str) for p in lif["parameters"])
    assert not ms["li"]["spiking"] and ms["li"]["output"] == "v"
    assert norn.model("leaky")["name"] == "leaky"
    with pytest.raises(ValueError, match="unknown model 'nope'"):
        norn.model("nope")


def test_simulate_matches_the_reference_equations():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 3, size=(300, 2, 5))
    z, v, i = lif_reference(x)
    r = norn.simulate("lif", x, record=["v", "i"], double=True)
    assert set(r) == {"output", "v", "i"}
    assert r["output"].dtype == np.float64 and r["output"].shape == x.shape
    assert z.sum() > 10  # the run has spikes
    np.testing.assert_array_equal(r["output"], z)
    np.testing.assert_allclose(r["v"], v, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(r["i"][-1], i, rtol=1e-12, atol=1e-12)
    r32 = norn.simulate("lif", x.astype(np.float32), record="v")
    assert r32["output"].dtype == np.float32 and set(r32) == {"output", "v"}
    np.testing.assert_allclose(r32["v"], v, atol=1e-4)


def test_simulate_takes_parameters_initial_states_and_two_dimensional_input():
    x = np.full((50, 3), 0.5)
    per_neuron = np.array([50.0, 100.0, 200.0])
    r = norn.simulate("lif", x, params={"tau_mem_inv": per_neuron, "v_th": 10.0}, record=True, double=True,
                      initial={"v": [0.1, 0.2, 0.3]})
    assert r["v"].shape == (50, 3) and r["output"].sum() == 0
    for n, v0 in enumerate([0.1, 0.2, 0.3]):
        v, i, want = v0, 0.0, []  # lif below threshold, from the initial state
        for xt in x[:, n]:
            i_j = i + xt
            v = v + 0.001 * per_neuron[n] * (-v + i_j)
            i = i_j - 0.001 * 200 * i_j
            want.append(v)
        np.testing.assert_allclose(r["v"][:, n], want, rtol=1e-12)
    from_rest = norn.simulate("lif", x, params={"tau_mem_inv": per_neuron, "v_th": 10.0}, record="v", double=True)
    assert not np.allclose(from_rest["v"], r["v"])  # the initial state mattered


def test_inputs_of_other_layouts_and_dtypes_give_the_same_result():
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 3, size=(100, 4, 6)).astype(np.float32)
    want = norn.simulate("lif", x)["output"]
    wide = np.zeros((100, 4, 12), np.float32)
    wide[:, :, ::2] = x
    strided = wide[:, :, ::2]  # not contiguous: read through a copy
    assert not strided.flags.c_contiguous
    np.testing.assert_array_equal(norn.simulate("lif", strided)["output"], want)
    np.testing.assert_array_equal(norn.simulate("lif", x.astype(np.float64))["output"], want)
    np.testing.assert_array_equal(norn.simulate("lif", x.tolist())["output"], want)
    ints = np.full((10, 2), 2, np.int64)
    assert norn.simulate("lif", ints)["output"].dtype == np.float32


@pytest.mark.parametrize("call, error, message", [
    (lambda: norn.simulate("nope", np.zeros((3, 2))), ValueError, "unknown model 'nope'"),
    (lambda: norn.simulate("lif", np.zeros((3, 2)), params={"tau": 1}), ValueError, "has no parameter 'tau'"),
    (lambda: norn.simulate("lif", np.zeros((3, 2)), params={"v_th": np.nan}), ValueError, "must be finite"),
    (lambda: norn.simulate("lif", np.zeros((3, 2)), params={"v_th": np.ones(3)}), ValueError, "needs 2 values"),
    (lambda: norn.simulate("lif", np.zeros(3)), ValueError, "simulate takes"),
    (lambda: norn.simulate("lif", np.full((3, 2), np.nan)), ValueError, "not a finite number"),
    (lambda: norn.simulate("lif", np.array([["a", "b"]])), TypeError, "real numbers"),
    (lambda: norn.simulate("lif", np.zeros((3, 2), complex)), TypeError, "real numbers"),
    (lambda: norn.simulate("lif", np.zeros((3, 2)), record=["w"]), ValueError, "has no state 'w'"),
    (lambda: norn.simulate("lif", np.zeros((3, 2)), record=[1]), TypeError, "by name"),
    (lambda: norn.simulate("lif", np.zeros((3, 2)), initial={"v": np.ones(5)}), ValueError, "state 'v' takes"),
    (lambda: norn.simulate("lif", np.zeros((3, 2)), dt=-1), ValueError, "dt must be"),
    (lambda: norn.simulate("lif", np.zeros((3, 2)), params=[1, 2]), TypeError, "dict"),
    (lambda: norn.Population("lif", 0), ValueError, "at least 1 neuron"),
    (lambda: norn.Population("lif", 2, surrogate="nope"), ValueError, "unknown surrogate 'nope'"),
    (lambda: norn.Population("lif", 2, alpha=-1.0), ValueError, "alpha"),
    (lambda: norn.Population("lif", 2).backward(), ValueError, "needs a forward"),
    (lambda: norn.Population("lif", 2, batch=3).forward(np.zeros((4, 2, 2))), ValueError, r"takes \[steps, 3, 2\]"),
    (lambda: norn.Population("lif", 2).forward(None), TypeError, "None"),
    (lambda: norn.Population("lif", 2).forward(np.zeros((3, 2)), checkpoint=0), ValueError, "checkpoint"),
    (lambda: norn.emit("nope"), ValueError, "unknown model"),
])
def test_mistakes_raise_one_line_errors(call, error, message):
    with pytest.raises(error, match=message) as e:
        call()
    assert "\n" not in str(e.value) and str(e.value).startswith("norn: ")


def population_loss(model, x, params, initial, weights, dt=0.001):
    p = norn.Population(model, x.shape[2], batch=x.shape[1], dt=dt, params=params, double=True)
    for k, v in initial.items():
        p.set_state(k, v)
    out = p.run(x)["output"]
    return float((out * weights).sum())


def test_backward_equals_central_differences_on_a_smooth_model():
    rng = np.random.default_rng(3)
    T, B, N = 40, 2, 3
    x = rng.normal(size=(T, B, N))
    w = rng.normal(size=(T, B, N))
    params = {"tau_mem_inv": rng.uniform(50, 150, N), "tau_syn_inv": rng.uniform(100, 300, N)}
    initial = {"v": rng.normal(size=(B, N)), "i": rng.normal(size=(B, N))}
    p = norn.Population("li", N, batch=B, params=params, double=True)
    for k, v in initial.items():
        p.set_state(k, v)
    out = p.forward(x)
    g = p.backward(grad_output=w)
    assert set(g) == {"input", "parameters", "initial", "lambda"}
    assert g["lambda"]["v"].shape == (T, B, N) and g["initial"]["v"].shape == (B, N)
    h = 1e-6
    for t, b, n in [(0, 0, 0), (17, 1, 2), (T - 1, 0, 1)]:
        xp, xm = x.copy(), x.copy()
        xp[t, b, n] += h
        xm[t, b, n] -= h
        fd = (population_loss("li", xp, params, initial, w) - population_loss("li", xm, params, initial, w)) / (2 * h)
        assert g["input"][t, b, n] == pytest.approx(fd, rel=1e-6, abs=1e-9)
    for name in params:
        for n in range(N):
            pp = {k: v.copy() for k, v in params.items()}
            pm = {k: v.copy() for k, v in params.items()}
            step = h * params[name][n]
            pp[name][n] += step
            pm[name][n] -= step
            fd = (population_loss("li", x, pp, initial, w) - population_loss("li", x, pm, initial, w)) / (2 * step)
            assert g["parameters"][name][n] == pytest.approx(fd, rel=1e-5, abs=1e-9)
    for name in initial:
        ip = {k: v.copy() for k, v in initial.items()}
        im = {k: v.copy() for k, v in initial.items()}
        ip[name][1, 2] += h
        im[name][1, 2] -= h
        fd = (population_loss("li", x, params, ip, w) - population_loss("li", x, params, im, w)) / (2 * h)
        assert g["initial"][name][1, 2] == pytest.approx(fd, rel=1e-6, abs=1e-9)
    # λ traces: the adjoint of v before step 0 is the initial-state gradient, one step on
    assert np.all(np.isfinite(g["lambda"]["v"])) and np.abs(g["lambda"]["v"]).sum() > 0
    assert out.shape == x.shape


def test_backward_takes_state_gradients_and_final_adjoints():
    rng = np.random.default_rng(4)
    T, B, N = 30, 2, 3
    x = rng.uniform(0, 2, size=(T, B, N))
    p = norn.Population("li", N, batch=B, double=True)
    p.forward(x)
    # dL/d(final v) = 1 given as the final λ equals dL/d(v after the last step) given as a state gradient
    gv = np.zeros((T, B, N))
    gv[-1] = 1.0
    a = p.backward(grad_states={"v": gv})
    b = p.backward(final_lambda={"v": np.ones((B, N))})
    np.testing.assert_allclose(a["input"], b["input"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a["parameters"]["tau_mem_inv"], b["parameters"]["tau_mem_inv"], rtol=1e-12)
    with pytest.raises(ValueError, match="grad_output has shape"):
        p.backward(grad_output=np.zeros((T, B, N + 1)))
    with pytest.raises(ValueError, match="final_lambda"):
        p.backward(final_lambda={"v": np.zeros((B, N + 1))})
    with pytest.raises(ValueError, match="has no state"):
        p.backward(grad_states={"w": gv})


def test_checkpointed_forward_gives_the_same_gradients():
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 4, size=(64, 3, 8)).astype(np.float32)
    w = rng.normal(size=x.shape).astype(np.float32)
    grads = []
    for k in (1, 7):
        p = norn.Population("lif", 8, batch=3)
        out = p.forward(x, checkpoint=k)
        assert out.sum() > 0
        grads.append(p.backward(grad_output=w, traces=False))
    assert "lambda" not in grads[0]
    np.testing.assert_array_equal(grads[0]["input"], grads[1]["input"])
    for name in grads[0]["parameters"]:
        np.testing.assert_array_equal(grads[0]["parameters"][name], grads[1]["parameters"][name])


def test_population_state_and_parameters_round_trip():
    p = norn.Population("lif", 4, batch=2, params={"v_th": [1, 2, 3, 4]})
    assert p.model == "lif" and p.neurons == 4 and p.batch == 2 and p.dtype == np.float32
    np.testing.assert_array_equal(p.parameters["v_th"], [1, 2, 3, 4])
    p.set_parameter("tau_mem_inv", 50)
    assert np.all(p.parameters["tau_mem_inv"] == 50)
    s = np.arange(8, dtype=np.float64).reshape(2, 4)
    p.set_state("v", s)
    np.testing.assert_array_equal(p.state("v"), s)
    out, rec = p.forward(np.zeros((1, 2, 4), np.float32), record=["v"])
    assert rec["v"].shape == (1, 2, 4) and out.shape == (1, 2, 4)
    p.reset()
    assert np.all(p.states["v"] == 0)
    x = np.ones((5, 2, 4), np.float32)
    before = x.copy()
    p.forward(x)
    np.testing.assert_array_equal(x, before)  # the input is read, never written


def test_emit_returns_the_generated_source():
    forward = norn.emit("lif")
    backward = norn.emit("lif", backward=True)
    assert "namespace norn_emitted" in forward and "tau_mem_inv" in forward
    assert backward != forward and "bar_" in backward
    assert norn.emit("leaky", backward=True, surrogate="arctan") != norn.emit("leaky", backward=True, surrogate="fast_sigmoid")


def test_arrays_of_the_populations_dtype_are_not_copied():
    import sys
    x = np.ones((10, 2, 3), np.float32)
    p = norn.Population("lif", 3, batch=2)
    before = sys.getrefcount(x)
    p.forward(x)
    assert sys.getrefcount(x) == before + 1  # the population keeps the caller's array itself for backward
    y = np.ones((10, 2, 3), np.float64)  # another dtype: a converted copy is kept instead
    before = sys.getrefcount(y)
    p.forward(y)
    assert sys.getrefcount(y) == before
