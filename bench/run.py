"""Benchmarks: the same torch-API workload on tracegrad, PyTorch and hand-written NumPy.

Usage::

    python bench/run.py            # all workloads
    python bench/run.py W1 W4      # some of them
    python bench/run.py --repeats 7

Each workload is timed ``--repeats`` times per framework, alternating frameworks so that
machine noise hits all of them alike; the table gives medians and ratios. Everything runs
on one thread (BLAS and PyTorch), as the figures in ``bench/README.md`` do, and the clock
is the process's CPU time unless ``--clock wall`` is given (on a machine shared with other
jobs, elapsed time mostly measures how long the process waited for a core). Workloads
marked for it (W5) also get their peak memory measured, in a fresh subprocess per
framework (see ``peak_memory_child``).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tracegrad  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # the table then shows tracegrad and NumPy only
    torch = None

FRAMEWORKS = {"tracegrad": tracegrad, "torch": torch}


# ----------------------------------------------------------------------------- W1


def w1_framework(lib, iterations=500):
    """The course's two-layer net with tensors + autograd (slides, scheme 3), float32."""
    lib.manual_seed(0)
    n, d_in, hidden, d_out = 64, 1000, 100, 10
    x = lib.randn(n, d_in)
    y = lib.randn(n, d_out)
    w1 = lib.randn(d_in, hidden, requires_grad=True)
    w2 = lib.randn(hidden, d_out, requires_grad=True)
    learning_rate = 1e-6
    for _ in range(iterations):
        y_pred = x.mm(w1).clamp(min=0).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with lib.no_grad():
            w1 -= learning_rate * w1.grad
            w2 -= learning_rate * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    return loss.item()


def w1_numpy(iterations=500):
    """The same network with hand-written gradients (slides, scheme 1), float32."""
    rng = np.random.default_rng(0)
    n, d_in, hidden, d_out = 64, 1000, 100, 10
    x = rng.standard_normal((n, d_in), dtype=np.float32)
    y = rng.standard_normal((n, d_out), dtype=np.float32)
    w1 = rng.standard_normal((d_in, hidden), dtype=np.float32)
    w2 = rng.standard_normal((hidden, d_out), dtype=np.float32)
    learning_rate = 1e-6
    for _ in range(iterations):
        h = x.dot(w1)
        h_relu = np.maximum(h, 0)
        y_pred = h_relu.dot(w2)
        loss = np.square(y_pred - y).sum()
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.T.dot(grad_y_pred)
        grad_h_relu = grad_y_pred.dot(w2.T)
        grad_h = grad_h_relu.copy()
        grad_h[h < 0] = 0
        grad_w1 = x.T.dot(grad_h)
        w1 -= learning_rate * grad_w1
        w2 -= learning_rate * grad_w2
    return float(loss)


# ----------------------------------------------------------------------------- W2

W2_STEPS, W2_BATCH, W2_SAMPLES = 3000, 8, 2400


def _w2_data():
    """Random data of the character classifier's shape: 32x32 images, 26 classes."""
    rng = np.random.default_rng(2)
    x = rng.random((W2_SAMPLES, 1024), dtype=np.float32)
    y = rng.integers(0, 26, W2_SAMPLES)
    return x, y


def _batches(lib, x, y, batch):
    """The data cut into batches of tensors, as a DataLoader without shuffling yields them."""
    return [
        (lib.from_numpy(x[i : i + batch]), lib.from_numpy(y[i : i + batch]))
        for i in range(0, len(x), batch)
    ]


def w2_framework(lib, steps=W2_STEPS):
    """The character MLP (1024 -> 32 ReLU -> 26) with ``nn`` + ``optim``, SGD + momentum."""
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(1024, 32), lib.nn.ReLU(), lib.nn.Linear(32, 26))
    loss_fn = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=5e-4, momentum=0.9)
    batches = _batches(lib, *_w2_data(), W2_BATCH)
    for step in range(steps):
        x, y = batches[step % len(batches)]
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def _init_linear(rng, fan_in, fan_out):
    """A weight (stored as fan_in x fan_out, so that the forward is ``x @ w``) and a bias,
    uniform in +-1/sqrt(fan_in) like ``nn.Linear``."""
    bound = 1 / np.sqrt(fan_in)
    w = rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32)
    b = rng.uniform(-bound, bound, fan_out).astype(np.float32)
    return w, b


def _softmax_cross_entropy(logits, y):
    """Mean cross-entropy of integer labels ``y`` and its gradient wrt the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    rows = np.arange(len(y))
    loss = np.log(total[:, 0]).mean() - shifted[rows, y].mean()
    grad = exp / total
    grad[rows, y] -= 1
    grad /= len(y)
    return loss, grad


def w2_numpy(steps=W2_STEPS):
    """The same MLP with hand-written gradients and SGD with momentum, updated in place."""
    rng = np.random.default_rng(0)
    params = [*_init_linear(rng, 1024, 32), *_init_linear(rng, 32, 26)]
    velocity = [np.zeros_like(p) for p in params]
    lr, momentum = 5e-4, 0.9
    x_all, y_all = _w2_data()
    batches = [
        (x_all[i : i + W2_BATCH], y_all[i : i + W2_BATCH]) for i in range(0, W2_SAMPLES, W2_BATCH)
    ]
    for step in range(steps):
        x, y = batches[step % len(batches)]
        loss, _ = _mlp_sgd_step(params, velocity, step == 0, x, y, lr, momentum)
    return float(loss)


def _mlp_sgd_step(params, velocity, first, x, y, lr, momentum):
    """One step of the character MLP (1024 -> hidden ReLU -> classes) by hand: forward,
    softmax cross-entropy, gradients, SGD with momentum in place (``first``: the buffer
    starts as the gradient, as torch.optim.SGD). Returns (loss, logits)."""
    w1, b1, w2, b2 = params
    h = x @ w1 + b1
    h_relu = np.maximum(h, 0)
    logits = h_relu @ w2 + b2
    loss, grad_logits = _softmax_cross_entropy(logits, y)
    grad_h = grad_logits @ w2.T
    grad_h[h <= 0] = 0
    grads = (x.T @ grad_h, grad_h.sum(axis=0), h_relu.T @ grad_logits, grad_logits.sum(axis=0))
    for p, v, g in zip(params, velocity, grads, strict=True):
        if first:
            v[...] = g
        else:
            v *= momentum
            v += g
        p -= lr * v
    return loss, logits


# ----------------------------------------------------------------------------- W3

W3_STEPS, W3_BATCH, W3_SAMPLES = 300, 128, 3840


def _w3_data():
    rng = np.random.default_rng(3)
    x = rng.random((W3_SAMPLES, 784), dtype=np.float32)
    y = rng.integers(0, 10, W3_SAMPLES)
    return x, y


def w3_framework(lib, steps=W3_STEPS):
    """784 -> 256 -> 256 -> 10 (ReLU), cross-entropy, Adam, batch 128."""
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
    )
    loss_fn = nn.CrossEntropyLoss()
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
    batches = _batches(lib, *_w3_data(), W3_BATCH)
    for step in range(steps):
        x, y = batches[step % len(batches)]
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def w3_numpy(steps=W3_STEPS):
    """The same net with hand-written gradients and Adam, moments updated in place."""
    rng = np.random.default_rng(0)
    sizes = [784, 256, 256, 10]
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:], strict=False):
        params += _init_linear(rng, fan_in, fan_out)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    scratch = [np.empty_like(p) for p in params]
    lr, beta1, beta2, eps = 1e-3, 0.9, 0.999, 1e-8
    x_all, y_all = _w3_data()
    batches = [
        (x_all[i : i + W3_BATCH], y_all[i : i + W3_BATCH]) for i in range(0, W3_SAMPLES, W3_BATCH)
    ]
    for step in range(steps):
        x, y = batches[step % len(batches)]
        w1, b1, w2, b2, w3, b3 = params
        h1 = np.maximum(x @ w1 + b1, 0)
        h2 = np.maximum(h1 @ w2 + b2, 0)
        loss, g3 = _softmax_cross_entropy(h2 @ w3 + b3, y)
        g2 = g3 @ w3.T
        g2[h2 <= 0] = 0
        g1 = g2 @ w2.T
        g1[h1 <= 0] = 0
        grads = (x.T @ g1, g1.sum(0), h1.T @ g2, g2.sum(0), h2.T @ g3, g3.sum(0))
        t = step + 1
        step_size = lr / (1 - beta1**t)
        correction2_sqrt = np.sqrt(1 - beta2**t)
        for p, mi, vi, g, tmp in zip(params, m, v, grads, scratch, strict=True):
            mi *= beta1  # m <- b1 m + (1 - b1) g
            mi += (1 - beta1) * g
            vi *= beta2  # v <- b2 v + (1 - b2) g^2
            np.multiply(g, g, out=tmp)
            tmp *= 1 - beta2
            vi += tmp
            np.sqrt(vi, out=tmp)  # denominator: sqrt(v / (1 - b2^t)) + eps
            tmp /= correction2_sqrt
            tmp += eps
            np.divide(mi, tmp, out=tmp)
            tmp *= step_size
            p -= tmp
    return float(loss)


# ----------------------------------------------------------------------------- W5

W5_POINTS, W5_BATCH = 10_000_000, 10_000


def w5_data(lib):
    """The slide's data: 10^7 points x in [-1, 1], y = x^2 + 0.2 U(0, 1), and the random
    order of one epoch."""
    lib.manual_seed(1)
    x = lib.unsqueeze(lib.linspace(-1, 1, W5_POINTS), dim=1)
    y = x.pow(2) + 0.2 * lib.rand(x.size())
    return x, y, lib.randperm(W5_POINTS)


def w5_train(lib, x, y, order):
    """One epoch of the 1 -> 10 sigmoid -> 1 net, MSE loss, SGD (lr 0.2, momentum 0.9), in
    minibatches of 10,000 gathered along ``order``."""
    net = lib.nn.Sequential(lib.nn.Linear(1, 10), lib.nn.Sigmoid(), lib.nn.Linear(10, 1))
    optimizer = lib.optim.SGD(net.parameters(), lr=0.2, momentum=0.9)
    loss_func = lib.nn.MSELoss()
    for start in range(0, W5_POINTS, W5_BATCH):
        index = order[start : start + W5_BATCH]
        loss = loss_func(net(x[index]), y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def w5_framework(lib):
    """The course's batch regression (examples/batch_regression), data and training."""
    return w5_train(lib, *w5_data(lib))


def w5_numpy_data():
    rng = np.random.default_rng(1)
    x = np.linspace(-1, 1, W5_POINTS, dtype=np.float32)[:, None]
    y = x**2 + 0.2 * rng.random(x.shape, dtype=np.float32)
    return x, y, rng.permutation(W5_POINTS)


def w5_numpy_train(x, y, order):
    """The same epoch with hand-written gradients, updated in place."""
    rng = np.random.default_rng(1)
    w1, b1 = _init_linear(rng, 1, 10)
    w2, b2 = _init_linear(rng, 10, 1)
    params = (w1, b1, w2, b2)
    velocity = [np.zeros_like(p) for p in params]
    lr, momentum = 0.2, 0.9
    for step, start in enumerate(range(0, W5_POINTS, W5_BATCH)):
        index = order[start : start + W5_BATCH]
        xb, yb = x[index], y[index]
        s = xb @ w1
        s += b1
        np.negative(s, out=s)  # s <- sigmoid(x w1 + b1), in place
        np.exp(s, out=s)
        s += 1
        np.reciprocal(s, out=s)
        diff = s @ w2
        diff += b2
        diff -= yb
        loss = np.mean(diff * diff)
        grad_pred = diff * (2 / len(xb))
        grad_s = grad_pred @ w2.T
        grad_s *= s  # sigmoid' = s (1 - s)
        grad_s *= 1 - s
        grads = (xb.T @ grad_s, grad_s.sum(0), s.T @ grad_pred, grad_pred.sum(0))
        for p, v, g in zip(params, velocity, grads, strict=True):
            if step == 0:
                v[...] = g  # b1 = g1, as torch.optim.SGD
            else:
                v *= momentum
                v += g
            p -= lr * v
    return float(loss)


def w5_numpy():
    return w5_numpy_train(*w5_numpy_data())


_W5_DATA = {}


def w5_train_only(name):
    """W5's training epoch alone, on data made once (outside the timing)."""
    if name not in _W5_DATA:
        _W5_DATA[name] = w5_numpy_data() if name == "numpy" else w5_data(FRAMEWORKS[name])
    if name == "numpy":
        return w5_numpy_train(*_W5_DATA[name])
    return w5_train(FRAMEWORKS[name], *_W5_DATA[name])


# ----------------------------------------------------------------------------- W4

W4_OPS = 50


def w4_framework(lib, repeats=200):
    """50 elementwise ops (×1.01, +0.1, tanh, sigmoid, ...) on (8, 8), sum, backward."""
    x = lib.ones(8, 8, requires_grad=True)
    for _ in range(repeats):
        y = x
        for i in range(W4_OPS):
            step = i % 4
            if step == 0:
                y = y * 1.01
            elif step == 1:
                y = y + 0.1
            elif step == 2:
                y = y.tanh()
            else:
                y = y.sigmoid()
        y.sum().backward()
    return x.grad


def w4_numpy(repeats=200):
    """The same 50 ops, forward only, on NumPy arrays (the floor for one op)."""
    x = np.ones((8, 8), dtype=np.float32)
    for _ in range(repeats):
        y = x
        for i in range(W4_OPS):
            step = i % 4
            if step == 0:
                y = y * 1.01
            elif step == 1:
                y = y + 0.1
            elif step == 2:
                y = np.tanh(y)
            else:
                y = 1 / (1 + np.exp(-y))
        y.sum()
    return y


# ----------------------------------------------------------------------------- W6


def _double_function(lib):
    class Double(lib.autograd.Function):
        """y = 2x written as a custom Function (forward and backward by hand)."""

        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2

    return Double


def w6_function(lib, repeats=200):
    """50 custom ``Function.apply`` calls (y = 2x) on (8, 8), sum, backward."""
    double = _double_function(lib)
    x = lib.ones(8, 8, requires_grad=True)
    for _ in range(repeats):
        y = x
        for _ in range(W4_OPS):
            y = double.apply(y)
        y.sum().backward()
    return x.grad


def w6_builtin(lib, repeats=200):
    """The same chain with the built-in op (y = x * 2)."""
    x = lib.ones(8, 8, requires_grad=True)
    for _ in range(repeats):
        y = x
        for _ in range(W4_OPS):
            y = y * 2
        y.sum().backward()
    return x.grad


# ----------------------------------------------------------------------------- driver


# ----------------------------------------------------------------------------- W7

_W7_CACHE: dict = {}


def _w7_setup(name):
    """The character classifier of ``tracegrad charclf`` with the homework's defaults, on
    the shipped letters (decoded once): its own network, loss, DataLoader and optimizer,
    built by the app's code for framework ``name``."""
    if name not in _W7_CACHE:
        from tracegrad.apps.charclf import _framework, modelfile, options, train
        from tracegrad.apps.charclf import images as imaging

        root = Path(__file__).resolve().parent.parent
        data = root / "data" / "character_classification"
        opt = options.parse(
            [
                "--framework",
                name,
                "--im_dir",
                str(data / "images"),
                "--train_file_path",
                str(data / "train.json"),
                "--val_file_path",
                str(data / "validation.json"),
                "--test_file_path",
                "",
            ]
        )
        if "data" not in _W7_CACHE:
            _W7_CACHE["data"] = train.load_data(opt)["train"]
        images, labels = _W7_CACHE["data"]
        framework = _framework.load(name)
        library = framework.torch
        library.manual_seed(0)
        model = modelfile.build_model(framework, modelfile.model_config(opt))
        optimizer = train.make_optimizer(library, opt, model.parameters())
        normaliser = imaging.Normaliser.fit(images)
        dataset = framework.CharacterDataset(normaliser(images), labels)
        generator = library.Generator()
        generator.manual_seed(0)
        loader = framework.make_loader(dataset, opt.batchsize, shuffle=True, generator=generator)
        _W7_CACHE[name] = (train, model, loader, framework.CrossEntropyLoss(), optimizer)
        _W7_CACHE["numpy_data"] = (normaliser(images).astype(np.float32), np.asarray(labels))
    return _W7_CACHE[name]


def w7_framework(name):
    """One training epoch of the character classifier (``train_one_epoch`` of the app)."""
    train, model, loader, criterion, optimizer = _w7_setup(name)
    return train.train_one_epoch(model, loader, criterion, optimizer, "cpu", None)


def w7_numpy():
    """The same epoch with hand-written gradients: 1024 -> 32 ReLU -> 26, softmax
    cross-entropy, SGD (lr 5e-4, momentum 0.9), shuffled batches of 8, accuracy counted."""
    _w7_setup("tracegrad")
    x_all, y_all = _W7_CACHE["numpy_data"]
    rng = np.random.default_rng(0)
    params = [*_init_linear(rng, 1024, 32), *_init_linear(rng, 32, 26)]
    velocity = [np.zeros_like(p) for p in params]
    order = rng.permutation(len(y_all))
    correct = 0
    for start in range(0, len(order), 8):
        rows = order[start : start + 8]
        x, y = x_all[rows], y_all[rows]
        loss, logits = _mlp_sgd_step(params, velocity, start == 0, x, y, 5e-4, 0.9)
        correct += int((logits.argmax(axis=1) == y).sum())
    return float(loss), correct / len(y_all)


WORKLOADS = {
    "W1": {
        "title": "two-layer net, 500 iterations (N=64, 1000-100-10, float32)",
        "tracegrad": lambda: w1_framework(tracegrad),
        "torch": lambda: w1_framework(torch),
        "numpy": w1_numpy,
        "unit": ("s", 1.0),
    },
    "W2": {
        "title": f"character MLP 1024-32-26, cross-entropy, SGD momentum, batch {W2_BATCH}, "
        f"{W2_STEPS} steps",
        "tracegrad": lambda: w2_framework(tracegrad),
        "torch": lambda: w2_framework(torch),
        "numpy": w2_numpy,
        "unit": ("s", 1.0),
    },
    "W3": {
        "title": f"MLP 784-256-256-10, cross-entropy, Adam, batch {W3_BATCH}, {W3_STEPS} steps",
        "tracegrad": lambda: w3_framework(tracegrad),
        "torch": lambda: w3_framework(torch),
        "numpy": w3_numpy,
        "unit": ("s", 1.0),
    },
    "W4": {
        "title": f"per-op overhead: {W4_OPS} elementwise ops on (8, 8) + backward, x200",
        "tracegrad": lambda: w4_framework(tracegrad),
        "torch": lambda: w4_framework(torch),
        "numpy": w4_numpy,
        # report microseconds per op (forward + backward for the frameworks)
        "unit": ("us/op", 1e6 / (W4_OPS * 200)),
    },
    "W5": {
        "title": f"batch regression, 1 -> 10 sigmoid -> 1, {W5_POINTS:,} points, shuffled "
        f"minibatches of {W5_BATCH:,}, SGD momentum, one epoch",
        "tracegrad": lambda: w5_framework(tracegrad),
        "torch": lambda: w5_framework(torch),
        "numpy": w5_numpy,
        "unit": ("s", 1.0),
        "memory": True,
    },
    "W5t": {
        "title": "W5's training epoch alone (the data made once, outside the timing)",
        "tracegrad": lambda: w5_train_only("tracegrad"),
        "torch": lambda: w5_train_only("torch"),
        "numpy": lambda: w5_train_only("numpy"),
        "unit": ("s", 1.0),
    },
    "W6": {
        "title": f"Function.apply overhead: {W4_OPS} custom Functions (y = 2x) on (8, 8) + "
        "backward, x200; 'numpy' here is tracegrad's built-in op (y = x * 2)",
        "tracegrad": lambda: w6_function(tracegrad),
        "torch": lambda: w6_function(torch),
        "numpy": lambda: w6_builtin(tracegrad),
        "unit": ("us/op", 1e6 / (W4_OPS * 200)),
    },
    "W7": {
        "title": "the character classifier's training epoch (tracegrad charclf, homework "
        "defaults, shipped letters: 9,360 images, batch 8, 1,170 steps)",
        "tracegrad": lambda: w7_framework("tracegrad"),
        "torch": lambda: w7_framework("torch"),
        "numpy": w7_numpy,
        "unit": ("s", 1.0),
    },
}


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def measure(workload, repeats, clock=time.process_time):
    names = ["tracegrad", "numpy"] + (["torch"] if torch is not None else [])
    times = {name: [] for name in names}
    for name in names:  # warm-up
        workload[name]()
    for _ in range(repeats):
        for name in names:
            start = clock()
            workload[name]()
            times[name].append(clock() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def _memory_status(field: str) -> int:
    """A memory figure of this process from /proc/self/status (Linux), in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def peak_memory_child(key: str, name: str) -> None:
    """Run one workload once in this (fresh) process and print its peak memory in bytes.

    The process has already imported NumPy, tracegrad and PyTorch. Its peak resident set
    (``VmHWM``) is reset to the current one (writing 5 to /proc/self/clear_refs), the
    workload runs, and the figure is the new peak minus the resident set just before: the
    memory the workload itself added at its highest. Resident memory is used rather than
    tracemalloc because it sees every allocator alike (tracemalloc sees NumPy's buffers,
    not PyTorch's); ``ru_maxrss`` is not used because a child process inherits its
    parent's.
    """
    gc.collect()
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    before = _memory_status("VmRSS")
    WORKLOADS[key][name]()
    print(_memory_status("VmHWM") - before)


def peak_memory(key: str, name: str) -> int:
    """The peak memory of one workload on one framework, measured in a fresh subprocess."""
    command = [sys.executable, __file__, "--peak-memory-of", key, name]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return int(output.split()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", default=sorted(WORKLOADS))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="cpu: the process's CPU time (default; on a shared machine it leaves out the "
        "time spent waiting for other processes); wall: elapsed time",
    )
    parser.add_argument("--peak-memory-of", nargs=2, metavar=("WORKLOAD", "FRAMEWORK"))
    args = parser.parse_args(argv)
    if args.peak_memory_of:
        peak_memory_child(*args.peak_memory_of)
        return
    print(
        f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}, "
        f"one thread, {args.clock} time, median of {args.repeats}"
    )
    for key in args.workloads:
        workload = WORKLOADS[key]
        medians = measure(workload, args.repeats, CLOCKS[args.clock])
        unit, scale = workload["unit"]
        print(f"\n{key}: {workload['title']}")
        for name, seconds in medians.items():
            print(f"  {name:10s} {seconds * scale:10.3f} {unit}")
        ours = medians["tracegrad"]
        print(f"  tracegrad / numpy = {ours / medians['numpy']:.2f}")
        if "torch" in medians:
            print(
                f"  tracegrad / torch = {ours / medians['torch']:.2f}   "
                f"torch / numpy = {medians['torch'] / medians['numpy']:.2f}"
            )
        if workload.get("memory"):
            peaks = {name: peak_memory(key, name) for name in medians}
            print("  peak memory (resident, over the imports; one fresh process each):")
            for name, peak in peaks.items():
                print(f"  {name:10s} {peak / 2**20:10.1f} MiB")
            print(f"  tracegrad / numpy = {peaks['tracegrad'] / peaks['numpy']:.2f}")


if __name__ == "__main__":
    main()
