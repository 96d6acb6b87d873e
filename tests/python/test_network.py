"""norn.Network: a configured network trained, evaluated and saved from Python by the same
trainer as `norn train`."""

import json
import os
import signal
import subprocess
import threading

import numpy as np
import pytest

import norn


def odd_firing(samples=20, steps=32, features=100):
    x = np.ones((samples, steps, features), np.float32)
    y = np.zeros((samples, steps, features), np.float32)
    y[:, :, 4::5] = 1.0
    return x, y


def odd_firing_config(source_dir, **changes):
    config = json.loads((source_dir / "examples" / "odd_firing" / "li_readout.json").read_text())
    config.update(changes)
    return config


def blobs(samples, seed):
    """Three classes of points in the unit square, as static samples [S, 4] and labels [S]."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, samples)
    centres = np.array([[0.2, 0.2], [0.8, 0.3], [0.5, 0.8]])
    xy = np.clip(centres[labels] + rng.normal(scale=0.08, size=(samples, 2)), 0, 1)
    return np.concatenate([xy, 1 - xy], axis=1).astype(np.float32), labels.astype(np.int64)


CLASSIFIER = {
    "seed": 1, "epochs": 4, "batch_size": 16, "steps": 20, "dt": 0.001,
    "layers": [{"type": "linear", "in": 4, "out": 40}, {"type": "leaky", "params": {"beta": 0.9}},
               {"type": "linear", "out": 3}, {"type": "li"}],
    "loss": {"type": "cross_entropy", "reduction": "max"},
    "optimizer": {"type": "adam", "lr": 0.01},
}


def test_fit_is_norn_train(source_dir, norn_binary, tmp_path):
    """The same epoch losses and final parameters as `norn train` on the same files."""
    config = odd_firing_config(source_dir, epochs=2, batch_size=4, shuffle=True)
    (tmp_path / "c.json").write_text(json.dumps(config))
    x, y = odd_firing()
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y)
    # on as many threads as this process (sums split across threads round differently)
    subprocess.run([str(norn_binary), "train", str(tmp_path / "c.json"), "--data", str(tmp_path / "x.npy"), "--targets",
                    str(tmp_path / "y.npy"), "--out", str(tmp_path / "out"), "--quiet"], check=True,
                   env=dict(os.environ, OMP_NUM_THREADS=str(norn.threads())))
    metrics = np.genfromtxt(tmp_path / "out" / "metrics.csv", delimiter=",", names=True)
    net = norn.Network(tmp_path / "c.json")  # a path works as well as a dict
    history = net.fit(x, y)
    assert [h["epoch"] for h in history] == [0, 1] and net.epochs_done == 2
    assert all(len(h["batch_losses"]) == 5 for h in history)
    np.testing.assert_allclose([h["loss"] for h in history], metrics["loss"], rtol=1e-6)
    for name, value in net.parameters().items():
        np.testing.assert_array_equal(value, np.load(tmp_path / "out" / (name + ".npy")))


def test_threads_can_be_set():
    before = norn.threads()
    norn.set_threads(1)
    assert norn.threads() == 1
    norn.set_threads(before)
    with pytest.raises(ValueError, match="at least 1"):
        norn.set_threads(0)


def test_fit_continues_where_the_last_call_ended(source_dir):
    x, y = odd_firing()
    config = odd_firing_config(source_dir, epochs=3, batch_size=5, shuffle=True)
    whole = norn.Network(config)
    all_at_once = whole.fit(x, y)
    parts = norn.Network(config)
    in_parts = parts.fit(x, y, epochs=2) + parts.fit(x, y, epochs=1)
    assert [h["epoch"] for h in in_parts] == [0, 1, 2]
    assert [h["batch_losses"] for h in in_parts] == [h["batch_losses"] for h in all_at_once]
    for name, value in whole.parameters().items():
        np.testing.assert_array_equal(value, parts.parameters()[name])


def test_a_classifier_learns_and_evaluates():
    x, labels = blobs(600, 0)
    xt, lt = blobs(200, 1)
    net = norn.Network(CLASSIFIER)
    before = net.evaluate(xt, lt)
    history = net.fit(x, labels, test=(xt, lt))
    assert len(history) == 4 and all("test_accuracy" in h and "accuracy" in h for h in history)
    after = net.evaluate(xt, lt)
    assert after["accuracy"] > 0.9 > before["accuracy"]
    assert after["accuracy"] == pytest.approx(history[-1]["test_accuracy"])
    assert after["predictions"].shape == (200,) and after["confusion"].shape == (3, 3)
    assert after["confusion"].sum() == 200 and np.trace(after["confusion"]) == round(after["accuracy"] * 200)
    out = net.predict(xt)
    assert out.shape == (200, 20, 3)
    np.testing.assert_array_equal(out.max(axis=1).argmax(axis=1), after["predictions"])
    # any real dtype, any layout: float64, and a Fortran-ordered copy
    np.testing.assert_array_equal(net.predict(np.asfortranarray(xt.astype(np.float64))), out)


def test_parameters_are_writable_views_and_save_load_round_trips(tmp_path):
    x, labels = blobs(100, 2)
    net = norn.Network(CLASSIFIER)
    params = net.parameters()
    assert params["0.weight"].shape == (40, 4) and params["2.weight"].shape == (3, 40)
    out = net.predict(x)
    params["2.weight"][:] = 0
    params["2.bias"][:] = 0
    assert np.all(net.predict(x) == 0)  # the views are the network's own storage
    del net  # the views keep it alive
    assert np.all(params["2.weight"] == 0)

    trained = norn.Network(CLASSIFIER)
    trained.fit(x, labels, epochs=1)
    trained.save(tmp_path / "params")
    assert sorted(os.listdir(tmp_path / "params")) == ["0.bias.npy", "0.weight.npy", "2.bias.npy", "2.weight.npy"]
    fresh = norn.Network(CLASSIFIER)
    assert not np.array_equal(fresh.predict(x), trained.predict(x))
    fresh.load(tmp_path / "params")
    np.testing.assert_array_equal(fresh.predict(x), trained.predict(x))
    assert not np.array_equal(out, trained.predict(x))
    os.remove(tmp_path / "params" / "2.bias.npy")
    with pytest.raises(ValueError, match="lacks 2.bias.npy"):
        fresh.load(tmp_path / "params")


@pytest.mark.parametrize("make, error, message", [
    (lambda: norn.Network({"layers": []}), ValueError, ""),
    (lambda: norn.Network(dict(CLASSIFIER, layers=[{"type": "nope"}])), ValueError, "nope"),
    (lambda: norn.Network(dict(CLASSIFIER, optimizer={"type": "adam", "lr": -1})), ValueError, "lr"),
    (lambda: norn.Network({"layers": object()}), TypeError, "not JSON"),
    (lambda: norn.Network(42), TypeError, "a dict, or the path"),
    (lambda: norn.Network("/nonexistent/config.json"), ValueError, "config.json"),
])
def test_bad_configurations_raise(make, error, message):
    with pytest.raises(error, match=message) as e:
        make()
    assert "\n" not in str(e.value)


def test_bad_data_raise_and_change_nothing():
    x, labels = blobs(64, 3)
    net = norn.Network(CLASSIFIER)
    before = {k: v.copy() for k, v in net.parameters().items()}
    bad_x = x.copy()
    bad_x[5, 1] = np.nan
    cases = [
        ((x[:, :3], labels), ValueError, "first layer takes 4 features"),
        ((bad_x, labels), ValueError, "not a finite float"),
        ((x, labels[:10]), ValueError, "64"),
        ((x, labels + 3), ValueError, "label"),
        ((x, None), ValueError, "needs y"),
        ((x.astype(np.complex64), labels), TypeError, "real numbers"),
        (("x", labels), TypeError, "real numbers"),
        ((None, labels), TypeError, "None"),
    ]
    for (xs, ys), error, message in cases:
        with pytest.raises(error, match=message):
            net.fit(xs, ys)
    with pytest.raises(TypeError, match="tuple"):
        net.fit(x, labels, test=x)
    for name, value in net.parameters().items():
        np.testing.assert_array_equal(value, before[name])
    assert net.epochs_done == 0


def test_ctrl_c_stops_fit_after_a_batch_with_keyboard_interrupt(source_dir):
    x, y = odd_firing(samples=400)
    net = norn.Network(odd_firing_config(source_dir, epochs=50))
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt, match="interrupted after"):
        net.fit(x, y)
    timer.join()
    assert net.epochs_done < 50
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Python's handler is back
    assert all(np.all(np.isfinite(v)) for v in net.parameters().values())
