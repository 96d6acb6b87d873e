"""`norn nir import|export`, `norn simulate --nir` and `norn train --nir` against NIR files
written here with h5py in the layout of NIR's serializer, and against a forward-Euler
integration of NIR's equations in NumPy (nir_files.py): every node type, per-neuron and
scalar parameters, recurrent subgraphs, round trips, and malformed files."""

import json
import os
import pathlib
import subprocess

import numpy as np
import pytest

import nir_files as nf

NORN = pathlib.Path(os.environ.get("NORN_BINARY", pathlib.Path(__file__).resolve().parents[2] / "build" / "norn"))
RNG = np.random.default_rng(7)


def norn(*args, ok=True):
    r = subprocess.run([str(NORN), *map(str, args)], capture_output=True, text=True)
    if ok:
        assert r.returncode == 0, r.stderr
    return r


def f32(*shape, lo=-1.0, hi=1.0):
    return RNG.uniform(lo, hi, shape).astype(np.float32)


def run_graph(tmp, g, x, dt, record=True):
    path = tmp / "g.nir"
    nf.write(path, g)
    out = tmp / "out"
    norn("simulate", "--nir", path, "--dt", dt, "--input", save(tmp / "x.npy", x), "--out", out,
         *(["--record", "all"] if record else []))
    return out


def save(path, a):
    np.save(path, a)
    return path


def check_states(out, ref, records):
    for name, states in records.items():
        for s, want in states.items():
            got = np.load(out / f"{name}.{s}.npy")
            assert got.shape == want.shape, (name, s)
            np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5, err_msg=f"{name}.{s}")


def test_every_neuron_and_linear_node_against_euler(tmp_path):
    """Input → Affine → LIF → Linear → CubaLIF → Scale → Affine → IF → Linear → CubaLI, and
    Input → Affine → I: spikes equal spike for spike, states to float32 rounding."""
    F, H = 6, 8
    nodes = {
        "input": nf.node("Input", shape=np.array([F])),
        "fc1": nf.node("Affine", weight=f32(H, F, lo=0.0, hi=1.2), bias=f32(H, lo=0, hi=0.5)),
        "lif": nf.node("LIF", tau=RNG.uniform(0.005, 0.02, H), r=RNG.uniform(1, 3, H), v_leak=f32(H, lo=-0.1, hi=0.1),
                       v_threshold=RNG.uniform(0.6, 1.0, H), v_reset=f32(H, lo=-0.2, hi=0.0)),
        "fc2": nf.node("Linear", weight=f32(H, H, lo=-0.5, hi=1.5)),
        "cuba": nf.node("CubaLIF", tau_syn=np.full(H, 0.005), tau_mem=np.full(H, 0.01), r=np.full(H, 2.0),
                        v_leak=np.zeros(H), v_threshold=np.full(H, 0.5), v_reset=np.zeros(H), w_in=np.full(H, 4.0)),
        "scale": nf.node("Scale", scale=f32(H, lo=0.5, hi=2.0)),
        "fc3": nf.node("Affine", weight=f32(H, H, lo=0, hi=1), bias=np.zeros(H, np.float32)),
        "if": nf.node("IF", r=np.full(H, 300.0), v_threshold=np.full(H, 0.8), v_reset=np.full(H, 0.1)),
        "fc4": nf.node("Linear", weight=f32(3, H)),
        "li": nf.node("CubaLI", tau_syn=np.full(3, 0.004), tau_mem=np.full(3, 0.02), r=np.full(3, 1.5),
                      v_leak=np.full(3, 0.1), w_in=np.full(3, 2.0)),
        "output": nf.node("Output", shape=np.array([3])),
    }
    order = ["input", "fc1", "lif", "fc2", "cuba", "scale", "fc3", "if", "fc4", "li", "output"]
    g = nf.graph(nodes, list(zip(order, order[1:])))
    x = (RNG.uniform(0, 1, (40, 3, F)) < 0.4).astype(np.float32)
    out = run_graph(tmp_path, g, x, 0.001)
    chain = [(n, nodes[n]) for n in order[1:-1]]
    want, records = nf.simulate_chain(chain, x, 0.001)
    got = np.load(out / "output.npy")
    assert got.shape == (40, 3, 3) and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)
    for name in ("lif", "cuba", "if"):  # spikes: the states after reset hold them exactly
        spikes = np.load(out / f"{name}.v.npy")
        assert spikes.shape == (40, 3, H)
    check_states(out, want, records)
    # the neurons fired, and not all the time
    z = nf.simulate_chain(chain[:2], x, 0.001)[0]
    assert 0.05 < z.mean() < 0.9
    # and an integrator alone, unbatched input
    nodes2 = {"input": nf.node("Input", shape=np.array([F])), "w": nodes["fc1"],
              "i": nf.node("I", r=np.full(H, 50.0)), "output": nf.node("Output", shape=np.array([H]))}
    g2 = nf.graph(nodes2, [("input", "w"), ("w", "i"), ("i", "output")])
    out2 = run_graph(tmp_path / "i", g2, x[:, 0], 0.002) if (tmp_path / "i").mkdir() is None else None
    want2, _ = nf.simulate_chain([("w", nodes2["w"]), ("i", nodes2["i"])], x[:, :1], 0.002)
    got2 = np.load(out2 / "output.npy")
    assert got2.shape == (40, H)
    np.testing.assert_allclose(got2, want2[:, 0], rtol=2e-5, atol=2e-5)


def test_convolution_and_pooling_nodes_against_euler(tmp_path):
    nodes = {
        "input": nf.node("Input", shape=np.array([2, 8, 8])),
        "conv": nf.node("Conv2d", weight=f32(3, 2, 3, 3, lo=-0.2, hi=0.6), bias=f32(3, lo=0, hi=0.2), stride=np.array([1, 1]),
                        padding=np.array([1, 1]), dilation=np.array([1, 1]), groups=1, input_shape=np.array([8, 8])),
        "lif": nf.node("LIF", tau=np.array(0.01), r=np.array(5.0), v_leak=np.array(0.0), v_threshold=np.array(1.0)),
        "sum": nf.node("SumPool2d", kernel_size=np.array([2, 2]), stride=np.array([2, 2]), padding=np.array([0, 0])),
        "avg": nf.node("AvgPool2d", kernel_size=np.array([2, 2]), stride=np.array([2, 2]), padding=np.array([0, 0])),
        "flat": nf.node("Flatten", start_dim=0, end_dim=-1, input_type=np.array([3, 2, 2])),
        "fc": nf.node("Affine", weight=f32(4, 12), bias=f32(4)),
        "li": nf.node("LI", tau=np.full(4, 0.02), r=np.full(4, 2.0), v_leak=np.zeros(4)),
        "output": nf.node("Output", shape=np.array([4])),
    }
    order = ["input", "conv", "lif", "sum", "avg", "flat", "fc", "li", "output"]
    g = nf.graph(nodes, list(zip(order, order[1:])))
    x = (RNG.uniform(0, 1, (25, 2, 2, 8, 8)) < 0.3).astype(np.float32)
    out = run_graph(tmp_path, g, x, 0.001)
    chain = [(n, nodes[n]) for n in order[1:-1]]
    want, records = nf.simulate_chain(chain, x, 0.001)
    np.testing.assert_allclose(np.load(out / "output.npy"), want, rtol=2e-5, atol=2e-5)
    assert np.load(out / "lif.v.npy").shape == (25, 2, 3, 8, 8)  # a neuron over a map keeps its shape
    check_states(out, want, records)
    assert 0.01 < nf.simulate_chain(chain[:2], x, 0.001)[0].mean() < 0.9


@pytest.mark.parametrize("style", ["subgraph", "flat"])
def test_recurrent_neurons(tmp_path, style):
    """snnTorch's RSynaptic as it exports it (a subgraph input → lif ⇄ w_rec → output), and the
    same recurrence written flat through an Affine with a bias (as Norse's braille example,
    NIR 0.2.0, holds it): the neurons become one recurrent population."""
    F, N = 5, 7
    w_rec = f32(N, N, lo=-0.6, hi=0.6)
    np.fill_diagonal(w_rec, 0)
    lif = nf.node("CubaLIF", tau_syn=np.full(N, 0.005), tau_mem=np.full(N, 0.01), r=np.full(N, 3.0), v_leak=np.zeros(N),
                  v_threshold=np.full(N, 1.0), v_reset=np.zeros(N), w_in=np.full(N, 2.0))
    fc = nf.node("Linear", weight=f32(N, F, lo=0, hi=1.5))
    if style == "subgraph":
        rsyn = nf.graph({"input": nf.node("Input", shape=np.array([N])), "lif": lif, "w_rec": nf.node("Linear", weight=w_rec),
                         "output": nf.node("Output", shape=np.array([N]))},
                        [("input", "lif"), ("lif", "w_rec"), ("w_rec", "lif"), ("lif", "output")])
        nodes = {"input": nf.node("Input", shape=np.array([F])), "fc": fc, "rsyn": rsyn,
                 "output": nf.node("Output", shape=np.array([N]))}
        edges = [("input", "fc"), ("fc", "rsyn"), ("rsyn", "output")]
        name = "rsyn.lif"
    else:
        bias = f32(N, lo=-0.5, hi=0.5)
        nodes = {"input": nf.node("Input", shape=np.array([F])), "fc": fc, "lif": lif,
                 "w_rec": nf.node("Affine", weight=w_rec, bias=bias),
                 "output": nf.node("Output", shape=np.array([N]))}
        edges = [("input", "fc"), ("fc", "lif"), ("lif", "w_rec"), ("w_rec", "lif"), ("lif", "output")]
        name = "lif"
    x = (RNG.uniform(0, 1, (50, 2, F)) < 0.3).astype(np.float32)
    out = run_graph(tmp_path, nf.graph(nodes, edges), x, 0.001)
    rec = (w_rec, bias if style == "flat" else 0.0)
    want, records = nf.simulate_chain([("fc", fc), (name, lif)], x, 0.001, recurrent={name: rec})
    plain, _ = nf.simulate_chain([("fc", fc), (name, lif)], x, 0.001)
    assert not np.array_equal(want, plain)  # the recurrence changes the spikes
    np.testing.assert_array_equal(np.load(out / "output.npy"), want)
    check_states(out, want, records)
    # the imported configuration says so
    d = tmp_path / "imported"
    norn("nir", "import", tmp_path / "g.nir", "--dt", "0.001", "--out", d)
    layer = json.loads((d / "config.json").read_text())["layers"][1]
    assert layer["type"] == "nir_cubalif" and layer["recurrent"] is True and layer["autapses"] is False
    np.testing.assert_array_equal(np.load(d / "1.recurrent_weight.npy"), w_rec)
    if style == "flat":
        assert layer["recurrent_bias"] is True
        np.testing.assert_array_equal(np.load(d / "1.recurrent_bias.npy"), bias)


def test_snntorch_leaky_export_runs_as_beta_v_plus_x(tmp_path):
    """snnTorch writes Leaky's beta as tau = dt / (1 − beta), r = tau / dt with dt = 1e-4 and 0-d
    arrays: at dt = 1e-4 the membrane follows v' = beta v + x (then NIR's reset to v_reset = 0)."""
    beta, dt, N = 0.9, 1e-4, 4
    tau = dt / (1 - beta)
    nodes = {"input": nf.node("Input", shape=np.array([N])), "w": nf.node("Linear", weight=np.eye(N, dtype=np.float32)),
             "lif": nf.node("LIF", tau=np.array(tau), r=np.array(tau / dt), v_leak=np.array(0.0), v_threshold=np.array(1.0)),
             "output": nf.node("Output", shape=np.array([N]))}
    g = nf.graph(nodes, [("input", "w"), ("w", "lif"), ("lif", "output")])
    x = RNG.uniform(0, 0.5, (30, N)).astype(np.float32)
    out = run_graph(tmp_path, g, x, dt)
    v = np.zeros(N)
    for t in range(30):
        v = beta * v + x[t]
        z = v > 1.0
        v = np.where(z, 0.0, v)
        np.testing.assert_allclose(np.load(out / "lif.v.npy")[t], v, rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(np.load(out / "output.npy")[t], z.astype(np.float32))


def test_per_neuron_and_shared_parameters_in_the_imported_configuration(tmp_path):
    N = 5
    tau = np.array([0.01, 0.02, 0.01, 0.015, 0.03])
    nodes = {"input": nf.node("Input", shape=np.array([3])), "fc": nf.node("Linear", weight=f32(N, 3)),
             "lif": nf.node("LIF", tau=tau, r=np.ones(N), v_leak=np.zeros(N), v_threshold=np.full(N, 0.7)),
             "output": nf.node("Output", shape=np.array([N]))}
    nf.write(tmp_path / "g.nir", nf.graph(nodes, [("input", "fc"), ("fc", "lif"), ("lif", "output")], {"dt": 0.0005}),
             version="0.2.0")
    d = tmp_path / "imported"
    r = norn("nir", "import", tmp_path / "g.nir", "--out", d)  # dt from the metadata
    config = json.loads((d / "config.json").read_text())
    assert config["dt"] == 0.0005
    assert config["layers"][1] == {"type": "nir_lif", "params": {"r": 1.0, "v_leak": 0.0, "v_threshold": 0.699999988079071
                                                                  if False else 0.7, "v_reset": 0.0},
                                   "per_neuron": ["tau"]}
    np.testing.assert_array_equal(np.load(d / "1.tau.npy"), tau.astype(np.float32))
    assert sorted(p.name for p in d.glob("*.npy")) == ["0.weight.npy", "1.tau.npy"]
    assert "fc" in r.stdout and "lif" in r.stdout


def test_round_trip_norn_nir_norn(tmp_path):
    """A network trained by Norn → NIR → Norn: the same parameters bit for bit, the same
    outputs; and the file reads back in NIR's layout."""
    config = {"dt": 0.001, "seed": 3, "epochs": 2, "batch_size": 8,
              "layers": [{"type": "linear", "in": 6, "out": 10},
                         {"type": "nir_lif", "params": {"r": 4.0}, "train": ["r", "v_threshold"]},
                         {"type": "linear", "out": 6, "bias": False},
                         {"type": "nir_cubalif", "params": {"r": 3.0}, "recurrent": True, "recurrent_bias": True,
                          "train": ["w_in", "v_threshold"]},
                         {"type": "scale", "value": 0.5},
                         {"type": "linear", "out": 3},
                         {"type": "nir_li", "params": {"r": 5.0}}],
              "loss": {"type": "cross_entropy", "reduction": "max"}, "optimizer": {"type": "adam", "lr": 0.01}}
    (tmp_path / "net.json").write_text(json.dumps(config))
    x = (RNG.uniform(0, 1, (32, 20, 6)) < 0.3).astype(np.float32)
    y = RNG.integers(0, 3, 32).astype(np.int64)
    norn("train", tmp_path / "net.json", "--data", save(tmp_path / "x.npy", x), "--targets", save(tmp_path / "y.npy", y),
         "--quiet", "--out", tmp_path / "trained")
    trained = tmp_path / "trained"
    threshold = np.load(trained / "1.v_threshold.npy")
    assert len(np.unique(threshold)) > 1  # trained per neuron: they differ
    norn("nir", "export", tmp_path / "net.json", "--init", trained, "--out", tmp_path / "a.nir")
    f = nf.read(tmp_path / "a.nir")
    assert f["version"] == "1.0.7" and f["node"]["type"] == "NIRGraph"
    nodes = f["node"]["nodes"]
    assert nodes["0"]["type"] == "Affine" and nodes["1"]["type"] == "LIF" and nodes["2"]["type"] == "Linear"
    assert nodes["3"]["type"] == "NIRGraph" and nodes["3"]["nodes"]["neurons"]["type"] == "CubaLIF"
    np.testing.assert_array_equal(nodes["0"]["weight"], np.load(trained / "0.weight.npy"))
    np.testing.assert_array_equal(nodes["1"]["v_threshold"], threshold)
    np.testing.assert_array_equal(nodes["1"]["r"], np.load(trained / "1.r.npy"))
    np.testing.assert_array_equal(nodes["3"]["nodes"]["w_rec"]["weight"], np.load(trained / "3.recurrent_weight.npy"))
    assert f["node"]["metadata"]["dt"] == 0.001
    # back into Norn, and out again: the same file content
    d = tmp_path / "imported"
    norn("nir", "import", tmp_path / "a.nir", "--out", d)
    for name in ("0.weight", "0.bias", "2.weight", "3.recurrent_weight", "3.recurrent_bias", "5.weight", "5.bias", "4.scale"):
        np.testing.assert_array_equal(np.load(d / f"{name}.npy"), np.load(trained / f"{name}.npy"), err_msg=name)
    np.testing.assert_array_equal(np.load(d / "1.v_threshold.npy"), threshold)
    norn("nir", "export", d / "config.json", "--init", d, "--out", tmp_path / "b.nir")
    g = nf.read(tmp_path / "b.nir")

    def same(a, b, path=""):
        assert a.keys() == b.keys(), path
        for k in a:
            if isinstance(a[k], dict):
                same(a[k], b[k], path + "/" + k)
            else:
                np.testing.assert_array_equal(a[k], b[k], err_msg=path + "/" + k)
    same(f, g)
    # the same outputs: the original network (norn eval's predictions come from the same
    # forward) and both files simulate alike
    xs = x[:4].transpose(1, 0, 2)
    runs = []
    for name in ("a.nir", "b.nir"):
        out = tmp_path / f"sim_{name}"
        norn("simulate", "--nir", tmp_path / name, "--input", save(tmp_path / "xs.npy", xs), "--out", out)
        runs.append(np.load(out / "output.npy"))
    np.testing.assert_array_equal(runs[0], runs[1])
    ev = tmp_path / "eval"
    norn("eval", tmp_path / "net.json", "--init", trained, "--data", tmp_path / "x.npy", "--targets", tmp_path / "y.npy",
         "--out", ev)
    predicted = np.load(ev / "predictions.npy")[:4]
    np.testing.assert_array_equal(runs[0].max(axis=0).argmax(axis=1), predicted)


def test_train_directly_from_a_nir_file(tmp_path):
    N = 8
    nodes = {"input": nf.node("Input", shape=np.array([4])), "fc": nf.node("Affine", weight=f32(N, 4, lo=0, hi=1), bias=f32(N)),
             "lif": nf.node("LIF", tau=np.full(N, 0.01), r=np.full(N, 4.0), v_leak=np.zeros(N), v_threshold=np.ones(N)),
             "out": nf.node("Linear", weight=f32(2, N)),
             "li": nf.node("LI", tau=np.full(2, 0.01), r=np.full(2, 5.0), v_leak=np.zeros(2)),
             "output": nf.node("Output", shape=np.array([2]))}
    order = ["input", "fc", "lif", "out", "li", "output"]
    nf.write(tmp_path / "g.nir", nf.graph(nodes, list(zip(order, order[1:]))))
    (tmp_path / "rest.json").write_text(json.dumps({"epochs": 3, "batch_size": 8, "loss": {"type": "cross_entropy",
                                                    "reduction": "max"}, "optimizer": {"type": "adam", "lr": 0.02}}))
    x = (RNG.uniform(0, 1, (32, 15, 4)) < 0.3).astype(np.float32)
    y = (x[:, :, :2].sum(axis=(1, 2)) > x[:, :, 2:].sum(axis=(1, 2))).astype(np.int64)
    out = tmp_path / "trained"
    norn("train", tmp_path / "rest.json", "--nir", tmp_path / "g.nir", "--dt", "0.001", "--data", save(tmp_path / "x.npy", x),
         "--targets", save(tmp_path / "y.npy", y), "--quiet", "--out", out)
    assert not np.array_equal(np.load(out / "0.weight.npy"), nodes["fc"]["weight"])  # trained from the file's weights
    # the first epoch started from the file's weights: the same loss as a zero-epoch evaluation
    d = tmp_path / "imported"
    norn("nir", "import", tmp_path / "g.nir", "--dt", "0.001", "--out", d)
    assert sorted(p.name for p in out.glob("*.npy")) == ["0.bias.npy", "0.weight.npy", "2.weight.npy"]
    r = norn("train", "--nir", tmp_path / "g.nir", "--data", tmp_path / "x.npy", ok=False)
    assert r.returncode == 2 and "--dt" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    (tmp_path / "bad.json").write_text(json.dumps({"layers": [{"type": "linear", "in": 2, "out": 2}]}))
    r = norn("train", tmp_path / "bad.json", "--nir", tmp_path / "g.nir", "--dt", "0.001", "--data", tmp_path / "x.npy", ok=False)
    assert r.returncode == 2 and "\"layers\"" in r.stderr


# ---- malformed files: exit 2, one line, naming the node ------------------------------------

def _simple(**changes):
    nodes = {"input": nf.node("Input", shape=np.array([3])), "fc": nf.node("Linear", weight=f32(4, 3)),
             "lif": nf.node("LIF", tau=np.full(4, 0.01), r=np.ones(4), v_leak=np.zeros(4), v_threshold=np.ones(4)),
             "output": nf.node("Output", shape=np.array([4]))}
    edges = [("input", "fc"), ("fc", "lif"), ("lif", "output")]
    for k, v in changes.items():
        if k == "edges":
            edges = v
        elif v is None:
            del nodes[k]
        else:
            nodes[k] = v
    return nf.graph(nodes, edges)


MALFORMED = {
    "missing weight": (_simple(fc=nf.node("Linear")), "'fc'", "lacks its 'weight'"),
    "missing tau": (_simple(lif=nf.node("LIF", r=np.ones(4), v_leak=np.zeros(4), v_threshold=np.ones(4))), "'lif'", "'tau'"),
    "weight shape": (_simple(fc=nf.node("Linear", weight=f32(4, 5))), "'fc'", "takes 5 inputs"),
    "parameter count": (_simple(lif=nf.node("LIF", tau=np.full(3, 0.01), r=np.ones(4), v_leak=np.zeros(4),
                                            v_threshold=np.ones(4))), "'lif'", "'tau' holds 3 values"),
    "unknown type": (_simple(fc=nf.node("Gizmo", weight=f32(4, 3))), "'fc'", "unknown node type 'Gizmo'"),
    "delay": (_simple(fc=nf.node("Delay", delay=np.ones(3))), "'fc'", "Delay"),
    "string weight": (_simple(fc=nf.node("Linear", weight="heavy")), "'fc'", "must hold numbers"),
    "non-finite": (_simple(fc=nf.node("Linear", weight=np.full((4, 3), np.nan, np.float32))), "'fc'", "nan"),
    "cycle": (_simple(edges=[("input", "fc"), ("fc", "lif"), ("lif", "fc"), ("lif", "output")]), "'fc'", "input from 2 nodes"),
    "branch": (_simple(extra=nf.node("Linear", weight=f32(4, 4)),
                       edges=[("input", "fc"), ("fc", "lif"), ("lif", "output"), ("fc", "extra")]), "'fc'", "feeds 2 nodes"),
    "skip": (_simple(edges=[("input", "fc"), ("fc", "lif"), ("lif", "output"), ("input", "lif")]), "'input'", "feeds 2 nodes"),
    "edge to nowhere": (_simple(edges=[("input", "fc"), ("fc", "lif"), ("lif", "outputs")]), "", "'outputs', which is not a node"),
    "unconnected": (_simple(extra=nf.node("Linear", weight=f32(4, 4))), "'extra'", "not on the chain"),
    "output shape": (_simple(output=nf.node("Output", shape=np.array([5]))), "'output'", "shape holds 5 values"),
    "conv dilation": (nf.graph({"input": nf.node("Input", shape=np.array([1, 5, 5])),
                                "c": nf.node("Conv2d", weight=f32(2, 1, 3, 3), bias=f32(2), stride=1, padding=1,
                                             dilation=np.array([2, 2]), groups=1),
                                "output": nf.node("Output", shape=np.array([2, 5, 5]))},
                               [("input", "c"), ("c", "output")]), "'c'", "dilation"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_graphs_are_refused_naming_the_node(tmp_path, case):
    g, where, message = MALFORMED[case]
    nf.write(tmp_path / "g.nir", g)
    for args in (["nir", "import", tmp_path / "g.nir", "--dt", "0.001", "--out", tmp_path / "d"],
                 ["simulate", "--nir", tmp_path / "g.nir", "--dt", "0.001", "--input", save(tmp_path / "x.npy", f32(5, 3)),
                  "--out", tmp_path / "s"]):
        r = norn(*args, ok=False)
        assert r.returncode == 2, r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1, r.stderr
        assert message in lines[0] and where in lines[0], lines[0]
    assert not (tmp_path / "d").exists() and not (tmp_path / "s").exists()


def test_broken_files_are_refused(tmp_path):
    good = tmp_path / "good.nir"
    nf.write(good, _simple())
    data = good.read_bytes()
    cases = {
        "truncated.nir": (data[: len(data) // 2], "cannot open the file"),
        "empty.nir": (b"", "not an HDF5 file"),
        "text.nir": (b"{\"layers\": []}\n", "not an HDF5 file"),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_bytes(content)
    import h5py
    with h5py.File(tmp_path / "noversion.nir", "w") as f:
        f.create_group("node")
    cases["noversion.nir"] = (None, "lacks the 'version' dataset")
    with h5py.File(tmp_path / "nonode.nir", "w") as f:
        f.create_dataset("version", data="1.0.7", dtype=h5py.string_dtype())
    cases["nonode.nir"] = (None, "lacks the 'node' group")
    cases["missing.nir"] = (None, "no such file")
    for name, (_, message) in cases.items():
        r = norn("nir", "import", tmp_path / name, "--dt", "0.001", "--out", tmp_path / "d", ok=False)
        assert r.returncode == 2, (name, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and message in r.stderr and name in r.stderr, (name, r.stderr)
    r = norn("nir", "import", good, "--out", tmp_path / "d", ok=False)
    assert r.returncode == 2 and "give --dt" in r.stderr
    r = norn("simulate", "--nir", good, "--dt", "0.001", "--input", save(tmp_path / "x.npy", f32(5, 4)), "--out", tmp_path / "s",
             ok=False)
    assert r.returncode == 2 and "the graph takes [T, 3] or [T, B, 3]" in r.stderr


def test_exporting_what_nir_cannot_hold_is_refused(tmp_path):
    config = {"layers": [{"type": "linear", "in": 3, "out": 4}, {"type": "lif"}]}
    (tmp_path / "net.json").write_text(json.dumps(config))
    params = tmp_path / "p"
    params.mkdir()
    np.save(params / "0.weight.npy", f32(4, 3))
    np.save(params / "0.bias.npy", f32(4))
    r = norn("nir", "export", tmp_path / "net.json", "--init", params, "--out", tmp_path / "x.nir", ok=False)
    assert r.returncode == 2 and "layers[1]" in r.stderr and "not one of NIR's neurons" in r.stderr
    assert not (tmp_path / "x.nir").exists()
    config["layers"][1] = {"type": "nir_lif", "initial": {"v": 0.5}}
    (tmp_path / "net.json").write_text(json.dumps(config))
    r = norn("nir", "export", tmp_path / "net.json", "--init", params, "--out", tmp_path / "x.nir", ok=False)
    assert r.returncode == 2 and "layers[1]" in r.stderr and "initial states" in r.stderr
    assert not (tmp_path / "x.nir").exists()
