"""Turn registry samples into concrete inputs for tracegrad and for PyTorch."""

from __future__ import annotations

import numpy as np

import tracegrad
from tracegrad.ops import REGISTRY, Arg


def sample_cases():
    """(op, sample index, sample) for every sample of every registry op."""
    for name in sorted(REGISTRY):
        op = REGISTRY[name]
        for i, sample in enumerate(op.samples):
            yield op, i, sample


def case_id(case) -> str:
    op, i, sample = case
    return f"{op.name}-{i}" + (f"-{sample.note.replace(' ', '_')}" if sample.note else "")


def make_arrays(sample, seed: int):
    """NumPy values for the sample's ``Arg``s (other arguments pass through)."""
    rng = np.random.default_rng(seed)
    values = []
    for arg in sample.args:
        if not isinstance(arg, Arg):
            values.append(arg)
            continue
        if arg.values is not None:
            array = np.array(arg.values, dtype=arg.dtype)
        elif arg.dtype == "bool":
            array = rng.random(arg.shape) > 0.5
        elif arg.dtype.startswith("int") or arg.dtype.startswith("uint"):
            array = rng.integers(int(arg.low), int(arg.high), arg.shape).astype(arg.dtype)
        else:
            array = rng.uniform(arg.low, arg.high, arg.shape).astype(arg.dtype)
        values.append(np.asarray(array))
    return values


def needs_grad(arg) -> bool:
    return isinstance(arg, Arg) and arg.grad and arg.dtype.startswith("float")


def build(module, sample, arrays, requires_grad=True):
    """The sample's arguments as tensors of ``module`` (tracegrad or torch)."""
    args = []
    for arg, value in zip(sample.args, arrays, strict=True):
        if isinstance(arg, Arg):
            tensor = module.tensor(
                value.tolist() if value.ndim else value.item(), dtype=getattr(module, arg.dtype)
            )
            if requires_grad and needs_grad(arg):
                tensor.requires_grad_(True)
            args.append(tensor)
        else:
            args.append(value)
    return args


def call(module, op, sample, args):
    if sample.call is not None:
        return sample.call(module, *args, **sample.kwargs)
    return getattr(module, op.public)(*args, **sample.kwargs)


def first_float_output(result):
    """The output whose gradient the tests take (the first floating one)."""
    if isinstance(result, tuple | list):
        for item in result:
            if item.dtype.is_floating_point:
                return item
        return result[0]
    return result


__all__ = [
    "sample_cases",
    "case_id",
    "make_arrays",
    "build",
    "call",
    "first_float_output",
    "needs_grad",
    "tracegrad",
]
