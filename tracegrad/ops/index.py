"""Indexing: ``x[key]`` and ``x[key] = value``, with NumPy's (and PyTorch's) rules.

Basic keys (ints, slices, ``None``, ``...``) give views that share memory with ``x``;
advanced keys (integer or bool tensors, lists) give copies. Either way the gradient of
``x[key]`` is a zero tensor of ``x``'s shape with the incoming gradient *added* at
``key`` (added, because an advanced key may pick the same element twice).
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as dtypes
from .._tensor import Tensor
from ._registry import Arg, Op, Sample, apply
from .shape import as_view

X = Arg((3, 4))


def scatter_into(m, g, shape, key):
    """A zero array of ``shape`` with ``g`` added at ``key`` (the VJP of indexing)."""
    return m.index_accumulate(g, tuple(shape), key)


def _select_forward(xp, a, dim, index):
    return a[(slice(None),) * dim + (index,)]


def _slice_forward(xp, a, dim, start, stop, step):
    return a[(slice(None),) * dim + (slice(start, stop, step),)]


# x[i] along dim: the gradient is zero except at the selected slice
SELECT = Op(
    "select",
    "SelectBackward0",
    forward=_select_forward,
    vjp=(
        lambda m, g, a, out, dim, index: scatter_into(
            m, g, a.shape, (slice(None),) * dim + (index,)
        ),
    ),
    jvp="linear",
    samples=[
        Sample((X,), call=lambda torch, x: x[1]),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x[None, ..., -1]),
        Sample((X,), call=lambda torch, x: torch.select(x, 1, 2)),
    ],
)

SLICE = Op(
    "slice",
    "SliceBackward0",
    forward=_slice_forward,
    vjp=(
        lambda m, g, a, out, dim, start, stop, step: scatter_into(
            m, g, a.shape, (slice(None),) * dim + (slice(start, stop, step),)
        ),
    ),
    jvp="linear",
    samples=[
        Sample((X,), call=lambda torch, x: x[:, 1:3]),
        Sample((X,), call=lambda torch, x: x[::2]),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x[..., 1:]),
    ],
)

# advanced indexing (integer or bool tensors): a copy; repeated indices add up in backward
INDEX = Op(
    "index",
    "IndexBackward0",
    forward=lambda xp, a, key: a[key],
    vjp=(lambda m, g, a, out, key: scatter_into(m, g, a.shape, key),),
    jvp="linear",
    samples=[
        Sample((X,), call=lambda torch, x: x[[0, 2, 0]], note="repeated rows"),
        Sample((X,), call=lambda torch, x: x[x > 0.5], note="bool mask"),
        Sample((X,), call=lambda torch, x: x[torch.tensor([[0, 1], [2, 2]]), 1:]),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x[:, [0, 2], [1, 3]]),
    ],
)


def _convert_key(key):
    """Turn a torch-style key into a NumPy key; report whether it is basic indexing."""
    if not isinstance(key, tuple):
        key = (key,)
    converted = []
    basic = True
    for item in key:
        if isinstance(item, Tensor):
            if item.dtype.is_floating_point:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if item._data.ndim == 0 and item.dtype is not dtypes.bool:
                converted.append(int(item._data))
                continue
            converted.append(item._data)
            basic = False
        elif isinstance(item, list | np.ndarray):
            array = np.asarray(item)
            if array.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            converted.append(array)
            basic = False
        elif isinstance(item, bool):
            converted.append(item)
            basic = False
        elif item is None or item is Ellipsis or isinstance(item, slice | int | np.integer):
            if isinstance(item, slice) and item.step is not None and item.step <= 0:
                raise ValueError("step must be greater than zero")
            converted.append(item)
        else:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                "Variables are valid indices (got " + type(item).__name__ + ")"
            )
    return tuple(converted), basic


def getitem(input: Tensor, key):
    """``input[key]``: a view for basic keys, a copy for advanced ones.

    Basic keys are applied one item at a time, as PyTorch does (``x[::2, None]`` is a
    slice then an unsqueeze), so the recorded graph has torch's nodes.
    """
    numpy_key, basic = _convert_key(key)
    try:
        if basic:
            return _basic_index(input, numpy_key)
        return apply(INDEX, (input,), (numpy_key,))
    except IndexError as error:
        raise IndexError(_index_message(error, input, numpy_key)) from None


def _basic_index(input, key):
    from .shape import unsqueeze

    specified = sum(1 for k in key if k is not None and k is not Ellipsis)
    if specified > input._data.ndim:
        raise IndexError(f"too many indices for tensor of dimension {input._data.ndim}")
    result = input
    dim = 0
    for item in key:
        if item is Ellipsis:
            dim += input._data.ndim - specified
        elif item is None:
            result = unsqueeze(result, dim)
            dim += 1
        elif isinstance(item, slice):
            size = result._data.shape[dim]
            start, stop, step = item.indices(size)
            if (start, stop, step) != (0, size, 1):
                result = as_view(apply(SLICE, (result,), (dim, start, stop, step)), result)
            dim += 1
        else:
            size = result._data.shape[dim]
            if not -size <= item < size:
                raise IndexError(
                    f"index {item} is out of bounds for dimension {dim} with size {size}"
                )
            result = as_view(apply(SELECT, (result,), (dim, int(item))), result)
    if result is input:
        from .shape import VIEW

        result = as_view(apply(VIEW, (input,), (input._data.shape,)), input)
    return result


def _index_message(error, input, key) -> str:
    text = str(error)
    if "out of bounds" in text:
        for dim, item in enumerate(k for k in key if k is not None and k is not Ellipsis):
            if isinstance(item, int | np.integer) and dim < input.ndim:
                size = input.shape[dim]
                if not -size <= item < size:
                    return f"index {item} is out of bounds for dimension {dim} with size {size}"
        return text
    if "too many indices" in text:
        return f"too many indices for tensor of dimension {input.ndim}"
    return text


def _index_put_forward(xp, a, value, key, accumulate):
    result = a.copy()
    if accumulate:
        np.add.at(result, key, value)
    else:
        result[key] = value
    return result


# out = a with out[key] = v: the gradient of a is g with zeros at key, that of v is g[key]
INDEX_PUT = Op(
    "index_put",
    "IndexPutBackward0",
    forward=_index_put_forward,
    vjp=(
        lambda m, g, a, value, out, key, accumulate: g if accumulate else m.index_zero(g, key),
        lambda m, g, a, value, out, key, accumulate: m.sum_to(g[key], value.shape),
    ),
    jvp="linear",
    samples=[
        Sample((X, Arg((4,))), call=lambda torch, x, v: x.index_put((torch.tensor([1]),), v)),
        Sample((X, Arg((2, 4))), call=lambda torch, x, v: x.index_put((torch.tensor([0, 2]),), v)),
        Sample(
            (X, Arg((3,))),
            call=lambda torch, x, v: x.index_put(
                (torch.tensor([0, 0, 1]), torch.tensor([1, 1, 3])), v, accumulate=True
            ),
        ),
    ],
)


def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``values`` written (or added) at ``indices``."""
    numpy_key, _ = _convert_key(tuple(indices))
    values = _value_tensor(values, input)
    return apply(INDEX_PUT, (input, values), (numpy_key, accumulate))


def _value_tensor(value, like: Tensor) -> Tensor:
    if isinstance(value, Tensor):
        return value if value.dtype is like.dtype else value.to(like.dtype)
    return Tensor._make(np.asarray(value, dtype=like._data.dtype))


def setitem(input: Tensor, key, value) -> None:
    """``input[key] = value``: an in-place ``index_put`` that keeps autograd correct."""
    from ._inplace import inplace

    numpy_key, _ = _convert_key(key)
    value = _value_tensor(value, input)
    target_shape = np.empty(input._data.shape, dtype=bool)[numpy_key].shape
    try:
        np.broadcast_shapes(value._data.shape, target_shape)
    except ValueError:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast "
            f"to indexing result of shape {list(target_shape)}"
        ) from None
    inplace(lambda source, v: apply(INDEX_PUT, (source, v), (numpy_key, False)), input, value)


def select(input, dim, index):
    """The slice at ``index`` along ``dim`` (that dimension removed)."""
    from .._tensor import _wrap_dim

    dim = _wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
            f"dimension {dim}"
        )
    return as_view(apply(SELECT, (input,), (dim, int(index))), input)


# the torch namespace functions of this family, and those that are also Tensor methods
__all__ = ["index_put", "select"]
METHODS = ["select", "index_put"]
INPLACE_METHODS = ["index_put"]
