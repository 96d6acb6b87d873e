"""Reference tutorial 001's odd-firing task as a plain PyTorch loop over norn.torch layers
(Linear → lif → Linear → li, Adam, mse) follows the loss curve of `norn train` on the same
configuration (examples/odd_firing/li_readout.json) from the same initial weights: in float64
over the whole curve; in float32 until rounding flips a spike."""

import json
import subprocess

import numpy as np
import pytest

import norn

torch = pytest.importorskip("torch")
import norn.torch  # noqa: E402


def odd_firing_data(samples=20, steps=32, features=100):
    x = np.ones((samples, steps, features), np.float32)
    y = np.zeros((samples, steps, features), np.float32)
    y[:, :, 4::5] = 1.0  # every fifth output neuron
    return x, y


def pytorch_loop(initial, x, y, order=None, dtype=None):
    """The network as PyTorch modules from the given weights, trained sample by sample; `order`
    permutes the input features (the same network, another float32 summation order); `dtype`
    torch.float64 for a float64 loop."""
    order = np.arange(x.shape[2]) if order is None else order
    dtype = dtype or torch.float32
    first, second = torch.nn.Linear(100, 200).to(dtype), torch.nn.Linear(200, 100).to(dtype)
    with torch.no_grad():
        first.weight.copy_(torch.from_numpy(initial["0.weight"][:, order]))
        first.bias.copy_(torch.from_numpy(initial["0.bias"]))
        second.weight.copy_(torch.from_numpy(initial["2.weight"]))
        second.bias.copy_(torch.from_numpy(initial["2.bias"]))
    lif = norn.torch.Population("lif", 200, return_state=False)
    li = norn.torch.Population("li", 100, return_state=False)
    model = torch.nn.Sequential(first, lif, second, li)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for s in range(x.shape[0]):
        xs = torch.from_numpy(x[s:s + 1][:, :, order]).to(dtype).transpose(0, 1)  # [T, B = 1, F]
        ys = torch.from_numpy(y[s:s + 1]).to(dtype).transpose(0, 1)
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(xs), ys)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return np.array(losses)


def test_a_pytorch_loop_over_norn_layers_follows_norn_train(source_dir, norn_binary, tmp_path):
    config = source_dir / "examples" / "odd_firing" / "li_readout.json"
    x, y = odd_firing_data()
    net = norn.Network(config)
    initial = {k: v.copy() for k, v in net.parameters().items()}
    norn_losses = np.array(net.fit(x, y)[0]["batch_losses"])
    torch_losses = pytorch_loop(initial, x, y)
    assert len(norn_losses) == len(torch_losses) == 20
    assert torch_losses[-1] < 0.5 * torch_losses[0] and norn_losses[-1] < 0.5 * norn_losses[0]  # both learn

    # Until float32 rounding flips a spike, the curves are the same to 1e-4 (measured: to the
    # printed 1e-6 over the first 7 steps); after, they differ no more than PyTorch's curve
    # differs from itself when only the order of the first layer's sums changes.
    np.testing.assert_allclose(torch_losses[:7], norn_losses[:7], rtol=0, atol=1e-4)
    rng = np.random.default_rng(0)
    noise = max(np.abs(pytorch_loop(initial, x, y, rng.permutation(100)) - torch_losses).max() for _ in range(3))
    assert noise > 0
    difference = np.abs(torch_losses - norn_losses).max()
    assert difference <= max(3 * noise, 1e-4), (difference, noise)


def test_in_float64_the_pytorch_loop_follows_norn_train_over_the_whole_curve(source_dir, norn_binary, tmp_path):
    config = json.loads((source_dir / "examples" / "odd_firing" / "li_readout.json").read_text())
    config["precision"] = "float64"
    config_file = tmp_path / "li_readout_float64.json"
    config_file.write_text(json.dumps(config))
    x, y = odd_firing_data()
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y)

    # norn train itself, and the Python module's Network on the same configuration
    subprocess.run([str(norn_binary), "train", str(config_file), "--data", str(tmp_path / "x.npy"), "--targets",
                    str(tmp_path / "y.npy"), "--out", str(tmp_path / "out"), "--quiet"], check=True)
    cli_losses = np.loadtxt(tmp_path / "out" / "batches.csv", delimiter=",", skiprows=1)[:, 2]
    net = norn.Network(config)
    assert net.dtype == np.float64
    initial = {k: v.copy() for k, v in net.parameters().items()}
    assert all(v.dtype == np.float64 for v in initial.values())
    # a float64 network starts from the float32 network's values
    float32_initial = norn.Network({**config, "precision": "float32"}).parameters()
    for name, value in float32_initial.items():
        np.testing.assert_array_equal(initial[name], value.astype(np.float64))
    norn_losses = np.array(net.fit(x, y)[0]["batch_losses"])
    np.testing.assert_allclose(cli_losses, norn_losses, rtol=1e-8, atol=0)  # batches.csv prints 9 digits

    torch_losses = pytorch_loop(initial, x, y, dtype=torch.float64)
    assert len(torch_losses) == 20 and torch_losses[-1] < 0.5 * torch_losses[0]
    difference = np.abs(torch_losses - norn_losses).max()
    assert difference <= 1e-4, difference
    # measured here: over the 20 steps the curves differ by at most 4.2e-17 (4.2e-16 relative)
    assert difference <= 1e-9, difference
