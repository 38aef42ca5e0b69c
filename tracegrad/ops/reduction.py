"""Reductions: sum, mean, ... over all elements or along ``dim`` (int or tuple).

A reduction's VJP spreads the gradient back over the reduced elements: for a sum each
element receives the gradient unchanged (expand), for a mean divided by the count.
``dim`` arrives here normalised to a tuple of non-negative ints.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as dtypes
from .._tensor import _wrap_dim
from ._registry import Arg, Op, Sample, apply

X = Arg((3, 4))


def normalize_dims(dim, ndim) -> tuple:
    """``dim`` (None, int, or sequence) as a sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, int | np.integer):
        dim = (dim,)
    dims = tuple(_wrap_dim(int(d), ndim) for d in dim)
    if len(set(dims)) != len(dims):
        repeated = next(d for d in dims if dims.count(d) > 1)
        raise RuntimeError(f"dim {repeated} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if dims else tuple(range(ndim))


def _spread(m, g, shape, dims, keepdim):
    """Undo a reduction's shape: put back the reduced dims (size 1), then expand."""
    if not keepdim and dims:
        g = m.unsqueeze_dims(g, dims)
    return m.expand(g, shape)


# d Σx = Σ dx: every element gets the gradient of the sum
SUM = Op(
    "sum",
    "SumBackward0",
    forward=lambda xp, a, dtype: np.sum(a, dtype=dtype),
    vjp=(lambda m, g, a, out, dtype: m.expand(g, a.shape),),
    jvp="linear",
    samples=[Sample((X,)), Sample((Arg(()),))],
)

SUM_DIM = Op(
    "sum_dim",
    "SumBackward1",
    forward=lambda xp, a, dims, keepdim, dtype: np.sum(a, axis=dims, keepdims=keepdim, dtype=dtype),
    vjp=(lambda m, g, a, out, dims, keepdim, dtype: _spread(m, g, a.shape, dims, keepdim),),
    jvp="linear",
    samples=[
        Sample((X,), {"dim": 0}, call=lambda torch, x, **k: x.sum(**k)),
        Sample(
            (Arg((2, 3, 4)),),
            {"dim": (0, 2), "keepdim": True},
            call=lambda torch, x, **k: torch.sum(x, **k),
        ),
        Sample((X,), {"dim": -1}, call=lambda torch, x, **k: x.sum(**k)),
    ],
    public="sum",
)


def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtypes.to_dtype(dtype).np
    if input.dtype._category != dtypes.FLOAT:
        return np.int64  # torch sums bool and integer tensors as int64
    return None


def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001 - torch.sum
    """Sum of all elements, or along ``dim`` (int or tuple of ints).

    Integer and bool tensors are summed as int64.
    """
    if isinstance(dim, list | tuple) and len(dim) == 0:
        dim = None
    target = _sum_dtype(input, dtype)
    if dim is None:
        return apply(SUM, (input,), (target,))
    dims = normalize_dims(dim, input._data.ndim)
    return apply(SUM_DIM, (input,), (dims, keepdim, target))


# d mean(x) = Σ dx / n
MEAN = Op(
    "mean",
    "MeanBackward0",
    forward=lambda xp, a: np.mean(a, dtype=a.dtype) if a.size else np.asarray(np.nan, a.dtype),
    vjp=(lambda m, g, a, out: m.expand(g / _count(a.shape, None), a.shape),),
    jvp="linear",
    samples=[Sample((X,)), Sample((Arg(()),))],
)

MEAN_DIM = Op(
    "mean_dim",
    "MeanBackward1",
    forward=lambda xp, a, dims, keepdim: np.mean(a, axis=dims, keepdims=keepdim, dtype=a.dtype),
    vjp=(
        lambda m, g, a, out, dims, keepdim: _spread(
            m, g / _count(a.shape, dims), a.shape, dims, keepdim
        ),
    ),
    jvp="linear",
    samples=[
        Sample((X,), {"dim": 1}, call=lambda torch, x, **k: x.mean(**k)),
        Sample(
            (Arg((2, 3, 4)),),
            {"dim": (0, 1), "keepdim": True},
            call=lambda torch, x, **k: torch.mean(x, **k),
        ),
    ],
    public="mean",
)


def _count(shape, dims) -> int:
    count = 1
    for i, n in enumerate(shape):
        if dims is None or i in dims:
            count *= n
    return count


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean of all elements, or along ``dim``; needs a floating dtype, as in PyTorch."""
    if dtype is not None:
        input = input.to(dtypes.to_dtype(dtype))
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {_type_word(input.dtype)}"
        )
    if isinstance(dim, list | tuple) and len(dim) == 0:
        dim = None
    if dim is None:
        return apply(MEAN, (input,))
    return apply(MEAN_DIM, (input,), (normalize_dims(dim, input._data.ndim), keepdim))


def _type_word(d) -> str:
    return {
        "int64": "Long",
        "int32": "Int",
        "int16": "Short",
        "int8": "Char",
        "uint8": "Byte",
        "bool": "Bool",
    }.get(d.name, d.name)


# the torch namespace functions of this family, and those that are also Tensor methods
__all__ = ["mean", "sum"]
METHODS = ["sum", "mean"]
INPLACE_METHODS = []
