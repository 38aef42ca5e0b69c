"""Benchmarks: the same torch-API workload on tracegrad, PyTorch and hand-written NumPy.

Usage::

    python bench/run.py            # all workloads
    python bench/run.py W1 W4      # some of them
    python bench/run.py --repeats 7

Each workload is timed ``--repeats`` times per framework, alternating frameworks so that
machine noise hits all of them alike; the table gives medians and ratios. Everything runs
on one thread (BLAS and PyTorch), as the figures in ``bench/README.md`` do.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
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


WORKLOADS = {
    "W1": {
        "title": "two-layer net, 500 iterations (N=64, 1000-100-10, float32)",
        "tracegrad": lambda: w1_framework(tracegrad),
        "torch": lambda: w1_framework(torch),
        "numpy": w1_numpy,
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
    "W6": {
        "title": f"Function.apply overhead: {W4_OPS} custom Functions (y = 2x) on (8, 8) + "
        "backward, x200; 'numpy' here is tracegrad's built-in op (y = x * 2)",
        "tracegrad": lambda: w6_function(tracegrad),
        "torch": lambda: w6_function(torch),
        "numpy": lambda: w6_builtin(tracegrad),
        "unit": ("us/op", 1e6 / (W4_OPS * 200)),
    },
}


def measure(workload, repeats):
    names = ["tracegrad", "numpy"] + (["torch"] if torch is not None else [])
    times = {name: [] for name in names}
    for name in names:  # warm-up
        workload[name]()
    for _ in range(repeats):
        for name in names:
            start = time.perf_counter()
            workload[name]()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", default=sorted(WORKLOADS))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print(
        f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}, "
        f"one thread, median of {args.repeats}"
    )
    for key in args.workloads:
        workload = WORKLOADS[key]
        medians = measure(workload, args.repeats)
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


if __name__ == "__main__":
    main()
