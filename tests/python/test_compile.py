"""norn.compile(): a model header built into a model module with Norn's CMake package, cached
by content, usable by name everywhere; its compile-time checks surface as CompileError."""

import numpy as np
import pytest

import norn
import norn._compile


@pytest.fixture(scope="module")
def qif(request):
    from conftest import SOURCE
    return norn.compile(SOURCE / "examples" / "custom_model" / "qif.hpp")


def qif_reference(x, dt=0.001, tau_mem_inv=100.0, tau_syn_inv=200.0, v_rest=0.0, v_crit=1.0, v_peak=10.0, v_reset=0.0):
    """examples/custom_model/qif.hpp's step in float64 NumPy: current jump, Euler, spike, reset."""
    v = np.zeros(x.shape[1:])
    i = np.zeros(x.shape[1:])
    zs, vs = [], []
    for xt in x:
        i = i + xt
        v, i = v + dt * tau_mem_inv * ((v - v_rest) * (v - v_crit) + i), i + dt * (-tau_syn_inv * i)
        z = (v - v_peak > 0).astype(float)
        v = np.where(z > 0, v_reset, v)
        zs.append(z)
        vs.append(v)
    return np.array(zs), np.array(vs)


def test_a_compiled_model_is_known_by_name(qif):
    assert qif == "qif"
    m = norn.model("qif")
    assert [p["name"] for p in m["parameters"]] == ["tau_mem_inv", "tau_syn_inv", "v_rest", "v_crit", "v_peak", "v_reset"]
    assert m["default_surrogate"] == "heavy_tail"
    assert "qif" in norn.emit("qif", backward=True)


def test_a_compiled_model_simulates_as_its_equations_say(qif):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 40, size=(200, 2, 3))
    z, v = qif_reference(x)
    r = norn.simulate("qif", x, record="v", double=True)
    assert z.sum() > 5
    np.testing.assert_array_equal(r["output"], z)
    np.testing.assert_allclose(r["v"], v, rtol=1e-10, atol=1e-10)


def test_a_compiled_model_trains_in_pytorch_and_in_a_network(qif):
    torch = pytest.importorskip("torch")
    import norn.torch

    # the reset detached: with no spike, the surrogate then adds nothing, and the gradient is
    # the derivative of the smooth map that gradcheck's differences see
    layer = norn.torch.Population("qif", 3, train=["tau_mem_inv"], detach_reset=True).double()
    x = torch.full((50, 2, 3), 0.02, dtype=torch.float64, requires_grad=True)  # i settles at 0.08: v stays below 1

    def f(x, tau):
        out, state = torch.nn.utils.stateless.functional_call(layer, {"tau_mem_inv": tau}, (x,))
        return out, state["v"], state["i"]

    tau = torch.full((3,), 100.0, dtype=torch.float64, requires_grad=True)
    out, v, _ = f(x, tau)
    assert out.sum() == 0  # below the peak: smooth
    assert torch.autograd.gradcheck(lambda x, tau: f(x, tau)[1:], (x, tau), eps=1e-6, atol=1e-7)

    config = {"seed": 0, "epochs": 1, "batch_size": 4, "dt": 0.001,
              "layers": [{"type": "linear", "in": 2, "out": 6}, {"type": "qif", "params": {"v_peak": 2.0}},
                         {"type": "linear", "out": 2}, {"type": "li"}],
              "loss": {"type": "mse"}, "optimizer": {"type": "adam", "lr": 0.01}}
    net = norn.Network(config)
    xs = np.random.default_rng(1).uniform(0, 30, size=(8, 20, 2)).astype(np.float32)
    history = net.fit(xs, np.zeros((8, 20, 2), np.float32))
    assert len(history) == 1 and np.isfinite(history[0]["loss"])


def test_a_second_compile_uses_the_cache(qif, monkeypatch):
    from conftest import SOURCE

    def no_build(*args):
        raise AssertionError("compiled again")

    monkeypatch.setattr(norn._compile, "_build", no_build)
    assert norn.compile(SOURCE / "examples" / "custom_model" / "qif.hpp") == "qif"


def test_a_model_that_breaks_a_rule_raises_compile_error_with_norns_message(tmp_path, monkeypatch):
    monkeypatch.setenv("NORN_CACHE_DIR", str(tmp_path / "cache"))
    header = tmp_path / "drift.hpp"
    header.write_text("""#pragma once
#include <dsl/dsl.hpp>
namespace lab {
struct drift : norn::dsl::neuron_model {
  static constexpr norn::dsl::fixed_string name = "drift";
  static constexpr state<"v"> v{};
  static constexpr parameter<"tau"> tau{1.0};
  static constexpr auto step = phases(euler(ddt(tau) = -v));
};
}  // namespace lab
""")
    with pytest.raises(norn.CompileError, match=r"ddt\(\.\.\.\) takes a state declared as state<\"name\">") as e:
        norn.compile(header)
    assert isinstance(e.value, ValueError) and "\n" not in str(e.value)
    assert (tmp_path / "cache" / "last-failure.log").exists()
    assert not any(p.name.startswith(".build-") for p in (tmp_path / "cache").iterdir())  # no half-built leftovers
    with pytest.raises(ValueError, match="unknown model 'drift'"):
        norn.model("drift")


def test_a_missing_header_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model header"):
        norn.compile(tmp_path / "absent.hpp")
