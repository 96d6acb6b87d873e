"""NIR files written the way NIR's own serializer (nir/serialization.py) writes them, with
Debian's h5py, and a direct forward-Euler integration of NIR's equations in NumPy (float64)
to check Norn against. Written here from NIR's documented layout and equations."""

import h5py
import numpy as np


def node(type_, **arrays):
    """A node: its type and its datasets (NumPy arrays, numbers or strings)."""
    return {"type": type_, **arrays}


def graph(nodes, edges, metadata=None):
    g = {"type": "NIRGraph", "nodes": nodes, "edges": edges}
    if metadata:
        g["metadata"] = metadata
    return g


def _write(group, d):
    for key, value in d.items():
        if isinstance(value, dict):
            _write(group.create_group(key), value)
        elif isinstance(value, str):
            group.create_dataset(key, data=value, dtype=h5py.string_dtype())
        elif key == "edges":
            group.create_dataset(key, data=[(a, b) for a, b in value] if value else np.zeros((0,)))
        elif isinstance(value, np.ndarray):
            # gzip as NIR's writer uses by default; h5py refuses filters on 0-d arrays
            group.create_dataset(key, data=value, dtype=value.dtype, compression="gzip" if value.ndim else None)
        else:
            group.create_dataset(key, data=value)


def write(path, g, version="1.0.7"):
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data=version, dtype=h5py.string_dtype())
        _write(f.create_group("node"), g)


def read(path):
    """The file as nested dicts (datasets as NumPy values, strings decoded)."""
    def walk(group):
        out = {}
        for key, item in group.items():
            if isinstance(item, h5py.Group):
                out[key] = walk(item)
            else:
                v = item[()]
                out[key] = v.decode() if isinstance(v, bytes) else v
        return out
    with h5py.File(path, "r") as f:
        return walk(f)


# ---- NIR's equations, one forward-Euler step each (every derivative at the old state) ------

def _get(p, key, default=None):
    return np.asarray(p[key] if key in p else default, dtype=np.float64)


def neuron_step(type_, p, s, x, dt):
    """(output, new state) of one step; s a dict of arrays."""
    if type_ in ("LIF", "LI"):
        v = s["v"] + dt * ((_get(p, "v_leak") - s["v"]) + _get(p, "r") * x) / _get(p, "tau")
        if type_ == "LI":
            return v, {"v": v}
        z = (v > _get(p, "v_threshold")).astype(np.float64)
        return z, {"v": np.where(z > 0, _get(p, "v_reset", 0.0), v)}
    if type_ in ("CubaLIF", "CubaLI"):
        i = s["i"] + dt * (_get(p, "w_in", 1.0) * x - s["i"]) / _get(p, "tau_syn")
        v = s["v"] + dt * ((_get(p, "v_leak") - s["v"]) + _get(p, "r") * s["i"]) / _get(p, "tau_mem")
        if type_ == "CubaLI":
            return v, {"v": v, "i": i}
        z = (v > _get(p, "v_threshold")).astype(np.float64)
        return z, {"v": np.where(z > 0, _get(p, "v_reset", 0.0), v), "i": i}
    if type_ in ("IF", "I"):
        v = s["v"] + dt * _get(p, "r") * x
        if type_ == "I":
            return v, {"v": v}
        z = (v > _get(p, "v_threshold")).astype(np.float64)
        return z, {"v": np.where(z > 0, _get(p, "v_reset", 0.0), v)}
    raise KeyError(type_)


STATES = {"LIF": ("v",), "LI": ("v",), "IF": ("v",), "I": ("v",), "CubaLIF": ("v", "i"), "CubaLI": ("v", "i")}


def conv2d(x, w, b, stride, padding):
    """x [B, C, H, W], w [O, C, kh, kw]: PyTorch's Conv2d (cross-correlation)."""
    B, C, H, W = x.shape
    O, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    Ho = (H + 2 * padding[0] - kh) // stride[0] + 1
    Wo = (W + 2 * padding[1] - kw) // stride[1] + 1
    y = np.zeros((B, O, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            patch = xp[:, :, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw]
            y[:, :, i, j] = np.einsum("bchw,ochw->bo", patch, w) + b
    return y


def pool2d(x, k, stride, average):
    B, C, H, W = x.shape
    Ho, Wo = (H - k[0]) // stride[0] + 1, (W - k[1]) // stride[1] + 1
    y = np.zeros((B, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            y[:, :, i, j] = x[:, :, i * stride[0]:i * stride[0] + k[0], j * stride[1]:j * stride[1] + k[1]].sum(axis=(2, 3))
    return y / (k[0] * k[1]) if average else y


def simulate_chain(chain, x, dt, recurrent=None):
    """Runs a chain of (name, node dict) over x [T, B, F...]; `recurrent` maps a neuron's name
    to its recurrent (weight, bias) (input of step t gains W z_{t-1} + b). Returns (output [T, B, ...],
    {name: {state: [T, B, ...]}})."""
    recurrent = recurrent or {}
    T, B = x.shape[:2]
    states, last = {}, {}
    outputs = []
    records = {name: {s: [] for s in STATES.get(n["type"], ())} for name, n in chain}
    for t in range(T):
        h = x[t].astype(np.float64)
        for name, n in chain:
            ty = n["type"]
            if ty in ("Affine", "Linear"):
                h = h.reshape(B, -1) @ np.asarray(n["weight"], np.float64).T
                if ty == "Affine":
                    h = h + n["bias"]
            elif ty == "Scale":
                h = h * n["scale"]
            elif ty == "Flatten":
                h = h.reshape(B, -1)
            elif ty == "Conv2d":
                h = conv2d(h, n["weight"], n["bias"], n["stride"], n["padding"])
            elif ty in ("SumPool2d", "AvgPool2d"):
                h = pool2d(h, n["kernel_size"], n["stride"], ty == "AvgPool2d")
            elif ty in STATES:
                shape = h.shape
                flat = h.reshape(B, -1)
                if name in recurrent:
                    w, b = recurrent[name]
                    flat = flat + last.get(name, np.zeros_like(flat)) @ np.asarray(w, np.float64).T + b
                s = states.get(name) or {k: np.zeros_like(flat) for k in STATES[ty]}
                params = {k: np.asarray(v, np.float64).reshape(-1) if np.ndim(v) else v for k, v in n.items() if k != "type"}
                out, states[name] = neuron_step(ty, params, s, flat, dt)
                last[name] = out
                for k in STATES[ty]:
                    records[name][k].append(states[name][k].reshape(shape))
                h = out.reshape(shape)
            else:
                raise KeyError(ty)
        outputs.append(h)
    return np.stack(outputs), {n: {k: np.stack(v) for k, v in r.items()} for n, r in records.items() if r}
