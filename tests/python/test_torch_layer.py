"""norn.torch.Population as a layer: state in and out, several graphs alive at once,
retain_graph, no_grad, and the mistakes it refuses."""

import pytest

torch = pytest.importorskip("torch")
import norn  # noqa: E402
import norn.torch  # noqa: E402


def test_two_chunks_with_the_state_passed_on_equal_one_sequence():
    torch.manual_seed(0)
    x = torch.rand(60, 3, 5, dtype=torch.float64) * 3
    layer = norn.torch.Population("lif", 5)
    whole, final = layer(x)
    first, state = layer(x[:25])
    second, state = layer(x[25:], state)
    assert whole.sum() > 0
    torch.testing.assert_close(torch.cat([first, second]), whole, rtol=0, atol=0)
    for name in final:
        torch.testing.assert_close(state[name], final[name], rtol=0, atol=0)


def test_gradients_flow_through_the_state_between_chunks():
    torch.manual_seed(1)
    x = (torch.rand(40, 2, 4, dtype=torch.float64) * 3).requires_grad_()
    w = torch.randn(40, 2, 4, dtype=torch.float64)
    layer = norn.torch.Population("lif", 4, train=["tau_mem_inv"]).double()
    out, _ = layer(x)
    (out * w).sum().backward()
    whole_x, whole_tau = x.grad.clone(), layer.tau_mem_inv.grad.clone()
    x.grad = None
    layer.tau_mem_inv.grad = None
    a, state = layer(x[:15])
    b, _ = layer(x[15:], state)  # two graphs alive, the second hanging off the first's state
    (torch.cat([a, b]) * w).sum().backward()
    torch.testing.assert_close(x.grad, whole_x, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(layer.tau_mem_inv.grad, whole_tau, rtol=1e-12, atol=1e-14)


def test_retain_graph_backs_through_the_same_tape_twice():
    x = (torch.rand(30, 2, 3) * 3).requires_grad_()
    layer = norn.torch.Population("lif", 3)
    out, _ = layer(x)
    loss = (out * torch.arange(3.0)).sum()
    loss.backward(retain_graph=True)
    once = x.grad.clone()
    loss.backward()
    torch.testing.assert_close(x.grad, 2 * once)


def test_no_grad_runs_without_a_tape_and_gives_the_same_output():
    x = torch.rand(30, 2, 3) * 3
    layer = norn.torch.Population("lif", 3)
    with torch.no_grad():
        plain, _ = layer(x)
    taped, _ = layer(x.clone().requires_grad_())
    assert plain.grad_fn is None and taped.grad_fn is not None
    torch.testing.assert_close(plain, taped.detach(), rtol=0, atol=0)


def test_float32_and_float64_agree():
    x = torch.rand(50, 2, 6, dtype=torch.float64) * 3
    out64, _ = norn.torch.Population("lif", 6)(x)
    out32, _ = norn.torch.Population("lif", 6)(x.float())
    assert out32.dtype == torch.float32 and out64.dtype == torch.float64
    assert (out32.double() != out64).float().mean() < 0.01


def test_shared_parameters_and_fixed_per_neuron_values():
    layer = norn.torch.Population("lif", 4, params={"v_th": [0.5, 1.0, 1.5, 2.0], "tau_mem_inv": 80.0},
                                  train=["tau_mem_inv"], shared=True)
    assert layer.tau_mem_inv.shape == () and float(layer.tau_mem_inv) == 80.0
    x = (torch.ones(100, 1, 4) * 1.2).requires_grad_()
    out, _ = layer(x)
    counts = out.sum(dim=(0, 1))
    assert counts[0] > counts[1] > counts[2] >= counts[3]  # higher thresholds, fewer spikes
    out.sum().backward()
    assert layer.tau_mem_inv.grad.shape == ()


@pytest.mark.parametrize("make, call, error, message", [
    (lambda: norn.torch.Population("nope", 3), None, ValueError, "unknown model 'nope'"),
    (lambda: norn.torch.Population("lif", 3, train=["tau"]), None, ValueError, "has no parameter 'tau'"),
    (lambda: norn.torch.Population("lif", 3, params={"v_th": [1, 2]}), None, ValueError, "needs 3 values"),
    (lambda: norn.torch.Population("lif", 0), None, ValueError, "neurons"),
    (lambda: norn.torch.Population("lif", 3, surrogate="nope"), None, ValueError, "unknown surrogate"),
    (lambda: norn.torch.Population("lif", 3), lambda l: l(torch.ones(5, 2, 4)), ValueError, r"takes \[steps, batch, 3\]"),
    (lambda: norn.torch.Population("lif", 3), lambda l: l(torch.ones(5, 3)), ValueError, "takes"),
    (lambda: norn.torch.Population("lif", 3), lambda l: l(torch.ones(5, 2, 3, dtype=torch.int32)), TypeError, "float32"),
    (lambda: norn.torch.Population("lif", 3), lambda l: l(torch.ones(5, 2, 3), {"w": torch.zeros(2, 3)}), ValueError,
     "has no state 'w'"),
    (lambda: norn.torch.Population("lif", 3), lambda l: l(torch.ones(5, 2, 3), {"v": torch.zeros(4, 3)}), ValueError,
     "state 'v' takes"),
])
def test_mistakes_raise(make, call, error, message):
    with pytest.raises(error, match=message):
        layer = make()
        call(layer)


def test_a_population_per_model_runs_in_a_loop():
    for m in norn.models():
        layer = norn.torch.Population(m["name"], 4)
        x = (torch.rand(20, 2, 4) * 2).requires_grad_()
        out, state = layer(x)
        out.sum().backward()
        assert out.shape == (20, 2, 4) and set(state) == {s["name"] for s in m["states"]}
        assert torch.isfinite(x.grad).all()
