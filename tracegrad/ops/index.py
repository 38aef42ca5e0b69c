"""Indexing: ``x[key]`` and ``x[key] = value``, with NumPy's (and PyTorch's) rules, and
the indexing functions: gather/scatter, index_select/index_add, take, masks (masked_fill,
masked_select, masked_scatter, nonzero), sort/topk and one_hot.

Basic keys (ints, slices, ``None``, ``...``) give views that share memory with ``x``;
advanced keys (integer or bool tensors, lists) give copies. Either way the gradient of
``x[key]`` is a zero tensor of ``x``'s shape with the incoming gradient *added* at
``key`` (added, because an advanced key may pick the same element twice). The same idea
runs through the functions: reading at an index (gather, index_select, take, sort) has
as gradient a scatter-add of ``g`` back to where the values came from, and writing
(scatter, index_add, masked_fill) reads ``g`` back at the written positions.
"""

from __future__ import annotations

import re
import sys
import warnings

import numpy as np

from .. import _dtype as dtypes
from .._tensor import _wrap_dim, Tensor, type_name
from ..autograd import grad_mode
from .._dtype import TYPE_WORDS as _TYPE_WORDS
from ._registry import Arg, ArrayMath, Op, Sample, apply
from .reduction import _return_type, return_types
from .shape import as_view
from .._dtype import C_TYPE_NAMES as _C_TYPE_NAMES

X = Arg((3, 4))


def scatter_into(m, g, shape, key):
    """A zero array of ``shape`` with ``g`` added at ``key`` (the VJP of indexing)."""
    return m.index_accumulate(g, tuple(shape), key)


def _select_forward(xp, a, dim, index):
    # the trailing ``...`` keeps a 0-d result a view (a bare int would copy out a scalar)
    return a[(slice(None),) * dim + (index, Ellipsis)]


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
        Sample((X,), call=lambda torch, x: torch.narrow(x, 1, 1, 2)),
        Sample((X,), call=lambda torch, x: x.narrow(0, -2, 2), note="narrow negative start"),
        Sample((X,), call=lambda torch, x: x.narrow(-1, 4, 0), note="narrow empty"),
        Sample((X,), call=lambda torch, x: x.narrow(0, 0, 3), note="narrow everything"),
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
        elif isinstance(item, list | range | np.ndarray):
            # a range is read as the list of its integers (d2l: ``y_hat[range(n), y]``)
            array = np.asarray(item) if not isinstance(item, range) else np.array(item, np.int64)
            if array.dtype.kind == "f":
                # torch turns an index list (or array) of numbers into int64, truncating
                # floats (x[[1.0, 2.7]] is x[[1, 2]]); an empty list is no indices
                array = array.astype(np.int64)
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
        if any(_is_int(k) for k in numpy_key):
            # torch applies integer items as selects before the advanced indices (NumPy
            # would treat them as advanced indices too and move the dimensions)
            first = tuple(
                k if _is_int(k) or k is Ellipsis else slice(None)
                for k in numpy_key
                if k is not None
            )
            rest = tuple(k for k in numpy_key if not _is_int(k))
            return apply(INDEX, (_basic_index(input, first),), (rest,))
        return apply(INDEX, (input,), (numpy_key,))
    except IndexError as error:
        raise IndexError(_index_message(error, input, numpy_key)) from None


def _is_int(item) -> bool:
    return isinstance(item, int | np.integer) and not isinstance(item, bool)


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
        match = re.match(r"index (-?\d+) is out of bounds for axis \d+ with size (\d+)", text)
        if match:
            # NumPy names the array's axis; torch counts the position among the index
            # tensors (x[:, t] with t out of range is "dimension 0")
            value, size = int(match[1]), int(match[2])
            arrays = [k for k in key if isinstance(k, np.ndarray) and k.dtype.kind in "iu"]
            for position, array in enumerate(arrays):
                if (value >= size or value < -size) and np.any(array == value):
                    return (
                        f"index {value} is out of bounds for dimension {position} with size {size}"
                    )
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


def _is_view_key(numpy_key, shape: tuple) -> bool:
    """Whether ``x[key] = v`` writes through a view of ``x`` in torch (a basic key that
    narrows something): such writes name their node ``CopySlices`` and, on a leaf that
    requires grad, are refused as writes into "a view of a leaf Variable". A key of ``...``
    and full slices (``x[:]``, ``x[0:n]``) writes into ``x`` itself."""
    specified = sum(1 for k in numpy_key if k is not None and k is not Ellipsis)
    dim = 0
    for item in numpy_key:
        if item is Ellipsis:
            dim += len(shape) - specified
            continue
        if not isinstance(item, slice) or dim >= len(shape):
            return True  # an int or None (too many indices are reported later)
        size = shape[dim]
        whole = (
            item.start in (None, 0)
            and item.step in (None, 1)
            and (item.stop is None or item.stop >= size)
        )
        if not whole:
            return True
        dim += 1
    return False


# torch's node names for ``x[key] = v`` (the rules are index_put's): a copy into a slice
# of x, a copy of a tensor into all of x, a fill of all of x with a number
_COPY_SLICES = type(
    "CopySlices",
    (INDEX_PUT.node_class,),
    # torch's Node.name() gives this one its C++ name
    {"__slots__": (), "name": lambda self: "torch::autograd::CopySlices"},
)
_COPY_ALL = type("CopyBackwards", (INDEX_PUT.node_class,), {"__slots__": ()})
_FILL_ALL = type("FillBackward3", (INDEX_PUT.node_class,), {"__slots__": ()})


def _expand_message(value: Tensor, value_dtype, target_shape: tuple) -> str:
    """torch's message when a value cannot be expanded to the slice it is written into."""
    shape = value._data.shape
    if len(shape) > len(target_shape):
        legacy = Tensor._make(np.empty(0, dtype=value_dtype.np)).type()
        return (
            f"expand({legacy}{{{list(shape)}}}, size={list(target_shape)}): the number of "
            f"sizes provided ({len(target_shape)}) must be greater or equal to the number of "
            f"dimensions in the tensor ({len(shape)})"
        )
    offset = len(target_shape) - len(shape)
    for dim in reversed(range(len(shape))):  # torch checks from the last dimension
        if shape[dim] != 1 and shape[dim] != target_shape[offset + dim]:
            return (
                f"The expanded size of the tensor ({target_shape[offset + dim]}) must match "
                f"the existing size ({shape[dim]}) at non-singleton dimension {offset + dim}.  "
                f"Target sizes: {list(target_shape)}.  Tensor sizes: {list(shape)}"
            )
    return f"cannot write a value of shape {list(shape)} into {list(target_shape)}"


def setitem(input: Tensor, key, value) -> None:
    """``input[key] = value``: an in-place ``index_put`` that keeps autograd correct."""
    from ._inplace import inplace

    numpy_key, basic = _convert_key(key)
    if not basic and any(_is_int(k) for k in numpy_key):
        # torch applies the integers first (a view), then the advanced indices: do the same
        first = tuple(
            k if _is_int(k) or k is Ellipsis else slice(None) for k in numpy_key if k is not None
        )
        rest = tuple(k for k in numpy_key if not _is_int(k))
        setitem(_basic_index(input, first), rest, value)
        return
    view_key = basic and _is_view_key(numpy_key, input._data.shape)
    if view_key and input._requires_grad and input.grad_fn is None and grad_mode._state[0]:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )
    is_number = not isinstance(value, Tensor) or value._data.ndim == 0
    value_dtype = value.dtype if isinstance(value, Tensor) else input.dtype
    value = _value_tensor(value, input)
    try:
        target_shape = np.empty(input._data.shape, dtype=bool)[numpy_key].shape
    except IndexError as error:
        raise IndexError(_index_message(error, input, numpy_key)) from None
    # like torch, leading size-1 dimensions of the value are dropped (t[1] = tensor([7.]))
    while value._data.ndim > len(target_shape) and value._data.shape[0] == 1:
        value = value.reshape(value._data.shape[1:])
    try:
        if np.broadcast_shapes(value._data.shape, target_shape) != target_shape:
            raise ValueError
    except ValueError:
        if basic:
            raise RuntimeError(_expand_message(value, value_dtype, target_shape)) from None
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast "
            f"to indexing result of shape {list(target_shape)}"
        ) from None
    inplace(lambda source, v: apply(INDEX_PUT, (source, v), (numpy_key, False)), input, value)
    node = input.grad_fn
    if basic and type(node) is INDEX_PUT.node_class:
        node.__class__ = _COPY_SLICES if view_key else _FILL_ALL if is_number else _COPY_ALL


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


# ---------------------------------------------------------------------------- errors


def _check_index_dtype(index, message: str, allow_int32: bool = True) -> None:
    allowed = (dtypes.int64, dtypes.int32) if allow_int32 else (dtypes.int64,)
    if not isinstance(index, Tensor):
        raise TypeError(f"index must be a Tensor, not {type_name(index)}")
    if index.dtype not in allowed:
        raise RuntimeError(message.format(type=_TYPE_WORDS[index.dtype.name]))


_UNSIGNED = {8: np.uint64, 4: np.uint32, 2: np.uint16, 1: np.uint8}


def any_outside(index: np.ndarray, size: int) -> bool:
    """Whether an entry of the integer array ``index`` lies outside ``[0, size)``: one
    reduction instead of min and max (read as unsigned, a negative index is huge)."""
    return bool(index.size) and index.view(_UNSIGNED[index.dtype.itemsize]).max() >= size


def _check_bounds(index: np.ndarray, size: int, dim: int) -> None:
    """Raise torch's error for the first entry of ``index`` outside ``[0, size)``."""
    if any_outside(index, size):
        bad = index[(index < 0) | (index >= size)].flat[0]
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")


def _broadcast_shape(a_shape, b_shape) -> tuple:
    """The broadcast shape of two shapes, with torch's error when they do not match."""
    try:
        return tuple(np.broadcast_shapes(tuple(a_shape), tuple(b_shape)))
    except ValueError:
        ndim = max(len(a_shape), len(b_shape))
        a = (1,) * (ndim - len(a_shape)) + tuple(a_shape)
        b = (1,) * (ndim - len(b_shape)) + tuple(b_shape)
        for d in range(ndim - 1, -1, -1):
            if a[d] != b[d] and a[d] != 1 and b[d] != 1:
                raise RuntimeError(
                    f"The size of tensor a ({a[d]}) must match the size of tensor b ({b[d]}) at "
                    f"non-singleton dimension {d}"
                ) from None
        raise


def _numel(shape) -> int:
    result = 1
    for n in shape:
        result *= n
    return result


def _at_least_1d(shape) -> tuple:
    return tuple(shape) if len(shape) else (1,)


# ---------------------------------------------------------------------------- gather, scatter


def _zeros_or(m, tangent, like, shape):
    return tangent if tangent is not None else m.zeros(shape, like)


# out[i][j] = a[i][index[i][j]] (dim 1): the gradient is g added back at those positions
GATHER = Op(
    "gather",
    "GatherBackward0",
    forward=lambda xp, a, index, dim: ArrayMath.gather(a, dim, index),
    vjp=(
        lambda m, g, a, index, out, dim: m.scatter_add(m.zeros(a.shape, g), dim, index, g),
        None,
    ),
    jvp=lambda m, t, a, index, out, dim: m.gather(t[0], dim, index),
    samples=[
        Sample((X, Arg((3, 2), 0, 4, "int64")), call=lambda torch, x, i: torch.gather(x, 1, i)),
        Sample(
            (X, Arg((5, 4), 0, 3, "int64")),
            call=lambda torch, x, i: x.gather(0, i),
            note="repeated indices",
        ),
        Sample(
            (Arg((2, 3, 4)), Arg((2, 2, 3), 0, 3, "int64")),
            call=lambda torch, x, i: torch.gather(x, -2, i),
            note="smaller index",
        ),
        Sample(
            (Arg((4,)), Arg((), values=2, dtype="int64")),
            call=lambda torch, x, i: torch.gather(x, 0, i),
            note="0-d index",
        ),
        Sample(
            (X, Arg((3, 0), 0, 4, "int64")),
            call=lambda torch, x, i: torch.gather(x, 1, i),
            note="empty index",
        ),
    ],
)


def _check_gather_shapes(input, index, dim, name, src=None):
    """torch's checks of gather/scatter arguments: equal ndim, ``index`` no larger than
    ``input`` (except along ``dim``) and than ``src``, indices in range."""
    ndim = max(input._data.ndim, 1)
    if max(index._data.ndim, 1) != ndim:
        raise RuntimeError(
            "Index tensor must have the same number of dimensions as "
            f"{'input' if name == 'gather' else 'self'} tensor"
        )
    if src is not None and max(src._data.ndim, 1) != ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    shape = _at_least_1d(input._data.shape)
    index_shape = _at_least_1d(index._data.shape)
    src_shape = _at_least_1d(src._data.shape) if src is not None else None
    for d in range(ndim):
        too_big = d != dim and index_shape[d] > shape[d]
        if src_shape is not None and index_shape[d] > src_shape[d]:
            too_big = True
        if too_big:
            if name != "gather" and src is None:
                raise RuntimeError(
                    f"Expected index {list(index.shape)} to be no larger than self "
                    f"{list(input.shape)} apart from dimension {dim}"
                )
            if src is None:
                raise RuntimeError(
                    f"Size does not match at dimension {d} expected index "
                    f"{list(index.shape)} to be no larger than self {list(input.shape)} apart "
                    f"from dimension {dim}"
                )
            raise RuntimeError(
                f"Expected index {list(index.shape)} to be no larger than self "
                f"{list(input.shape)} apart from dimension {dim} and to be no larger size than "
                f"src {list(src.shape)}"
            )
    _check_bounds(index._data, shape[dim], dim)


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """Pick values along ``dim`` at the positions in ``index``: for a 2-d input and
    ``dim=1``, ``out[i][j] = input[i][index[i][j]]``. The result has ``index``'s shape.

    ``index`` (int64 or int32) has as many dimensions as ``input`` and is no larger than it
    along the other dimensions. A typical use: the score of each row's target class,
    ``scores.gather(1, target.unsqueeze(1))``.
    """
    dim = _wrap_dim(dim, input._data.ndim)
    _check_index_dtype(index, "gather(): Expected dtype int32/int64 for index")
    _check_gather_shapes(input, index, dim, "gather")
    return _with_out(apply(GATHER, (input, index), (dim,)), out)


def _with_out(result, out):
    if out is None:
        return result
    from .arithmetic import _finish

    return _finish(result, out)


def _scatter_src_grad(m, g, dim, index, src_shape):
    """The gradient of scatter's ``src``: g read back at ``index`` (zeros for the elements
    of ``src`` outside ``index``'s shape, which scatter does not use)."""
    return _padded_to(m, m.gather(g, dim, index), index, src_shape)


def _scatter_jvp(m, t, a, index, src, out, dim):
    ta = _zeros_or(m, t[0], out, a.shape)
    ts = _zeros_or(m, t[2], out, src.shape)
    return m.scatter(ta, dim, index, ts)


# out = a with src written at index: a's gradient is g with zeros there, src's is g[index]
SCATTER = Op(
    "scatter",
    "ScatterBackward0",
    forward=lambda xp, a, index, src, dim: ArrayMath.scatter(a, dim, index, src),
    vjp=(
        lambda m, g, a, index, src, out, dim: m.scatter(g, dim, index, 0),
        None,
        lambda m, g, a, index, src, out, dim: _scatter_src_grad(m, g, dim, index, src.shape),
    ),
    jvp=_scatter_jvp,
    samples=[
        Sample(
            (X, Arg((2, 4))),
            call=lambda torch, x, s: torch.scatter(
                x, 0, torch.tensor([[0, 1, 2, 0], [1, 2, 0, 2]]), s
            ),
        ),
        Sample(
            (X, Arg((3, 2))),
            call=lambda torch, x, s: x.scatter(1, torch.tensor([[3, 0], [1, 2], [0, 3]]), s),
        ),
        Sample(
            (Arg((2, 3, 4)), Arg((2, 1, 4))),
            call=lambda torch, x, s: torch.scatter(x, -2, torch.tensor([[[2, 0, 1, 1]]] * 2), s),
            note="negative dim",
        ),
    ],
)

SCATTER_VALUE = Op(
    "scatter_value",
    "ScatterBackward1",
    forward=lambda xp, a, index, dim, value: ArrayMath.scatter(a, dim, index, value),
    vjp=(lambda m, g, a, index, out, dim, value: m.scatter(g, dim, index, 0), None),
    jvp=lambda m, t, a, index, out, dim, value: m.scatter(t[0], dim, index, 0),
    samples=[
        Sample(
            (X, Arg((2, 3), 0, 4, "int64")),
            call=lambda torch, x, i: torch.scatter(x, 1, i, 2.5),
        ),
        Sample(
            (Arg((2, 3, 4)),),
            call=lambda torch, x: x.scatter(0, torch.zeros(1, 3, 4, dtype=torch.int64), value=-1),
        ),
    ],
    public="scatter",
)


def _scatter_reduce_forward(xp, a, index, src, dim, reduce):
    result = np.array(a, copy=True)
    target = result.reshape(1) if result.ndim == 0 else result
    index = index.reshape(1) if index.ndim == 0 else index
    if isinstance(src, np.ndarray):
        src = src.reshape(1) if src.ndim == 0 else src
        src = src[tuple(slice(0, n) for n in index.shape)]
    ufunc = np.add if reduce == "add" else np.multiply
    ufunc.at(target, ArrayMath.along_key(index, dim), src)
    return result


# the deprecated reduce= of scatter: torch has no derivative for it either
SCATTER_REDUCE = Op(
    "scatter_reduce_legacy",
    "ScatterBackward0",
    forward=_scatter_reduce_forward,
    differentiable=False,
    # (with a tensor src torch warns: that case is in tests/test_shape_index.py)
    samples=[
        Sample(
            (Arg((3, 4), grad=False),),
            call=lambda torch, x: torch.scatter(
                x, 1, torch.tensor([[0, 0], [3, 0]]), 2.0, reduce="add"
            ),
        ),
        Sample(
            (Arg((3, 4), grad=False),),
            call=lambda torch, x: x.scatter(
                0, torch.tensor([[0, 0], [0, 2]]), 3.0, reduce="multiply"
            ),
        ),
    ],
    public="scatter",
)


def _check_scatter(name, input, dim, index, src):
    _check_index_dtype(index, f"{name}(): Expected dtype int32/int64 for index")
    if isinstance(src, Tensor) and src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_gather_shapes(input, index, dim, name, src if isinstance(src, Tensor) else None)


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """A copy of ``input`` with values written at the positions in ``index`` along
    ``dim``: for a 2-d input and ``dim=1``, ``out[i][index[i][j]] = src[i][j]``.

    ``src`` is a tensor (of ``input``'s dtype; only its leading block of ``index``'s shape
    is used) or a number (also accepted as ``value=``). When ``index`` repeats a position,
    which write wins is unspecified. ``reduce='add'`` or ``'multiply'`` combines instead
    of overwriting (deprecated in torch, and not differentiable).
    """
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing 1 required argument: 'src' or 'value'")
    dim = _wrap_dim(dim, input._data.ndim)
    _check_scatter("scatter", input, dim, index, src)
    if reduce is not None:
        return _scatter_reduced(input, dim, index, src, reduce)
    if isinstance(src, Tensor):
        return apply(SCATTER, (input, index, src), (dim,))
    if not isinstance(src, int | float | bool | np.number):
        raise TypeError(f"scatter(): argument 'value' must be Number, not {type_name(src)}")
    return apply(SCATTER_VALUE, (input, index), (dim, src))


def _scatter_reduced(input, dim, index, src, reduce):
    if reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if isinstance(src, Tensor):
        warnings.warn(
            "The reduce argument of torch.scatter with Tensor src is deprecated and will be "
            "removed in a future PyTorch release. Use torch.scatter_reduce instead for more "
            "reduction options.",
            UserWarning,
            stacklevel=3,
        )
    inputs = (input, index, src) if isinstance(src, Tensor) else (input, index)
    if grad_mode.is_grad_enabled() and any(
        isinstance(x, Tensor) and x.requires_grad for x in inputs
    ):
        raise RuntimeError(
            "derivative for aten::scatter is not implemented (scatter with reduce= has no "
            "gradient); use scatter_add, or compute under torch.no_grad()"
        )
    arrays = (input._data, index._data, src._data if isinstance(src, Tensor) else src)
    return apply(SCATTER_REDUCE, (input, index, src), (dim, reduce), arrays)


def _scatter_add_jvp(m, t, a, index, src, out, dim):
    ta = _zeros_or(m, t[0], out, a.shape)
    ts = _zeros_or(m, t[2], out, src.shape)
    return m.scatter_add(ta, dim, index, ts)


# out = a + src added at index: a's gradient is g, src's is g read back at index
SCATTER_ADD = Op(
    "scatter_add",
    "ScatterAddBackward0",
    forward=lambda xp, a, index, src, dim: ArrayMath.scatter_add(a, dim, index, src),
    vjp=(
        lambda m, g, a, index, src, out, dim: g,
        None,
        lambda m, g, a, index, src, out, dim: _scatter_src_grad(m, g, dim, index, src.shape),
    ),
    jvp=_scatter_add_jvp,
    samples=[
        Sample(
            (X, Arg((5, 4), 0, 3, "int64"), Arg((5, 4))),
            call=lambda torch, x, i, s: torch.scatter_add(x, 0, i, s),
            note="repeated indices",
        ),
        Sample(
            (Arg((2, 3, 4)), Arg((2, 3, 2), 0, 4, "int64"), Arg((2, 3, 2))),
            call=lambda torch, x, i, s: x.scatter_add(-1, i, s),
            note="smaller index",
        ),
        Sample(
            (Arg((5,)), Arg((), values=3, dtype="int64"), Arg(())),
            call=lambda torch, x, i, s: torch.scatter_add(x, 0, i, s),
            note="0-d",
        ),
    ],
)


def scatter_add(input, dim, index, src):
    """A copy of ``input`` with ``src`` *added* at the positions in ``index`` along ``dim``
    (``out[i][index[i][j]] += src[i][j]`` for ``dim=1``); repeated positions add up, so
    this is how to sum values into bins."""
    if not isinstance(src, Tensor):
        raise TypeError(
            f"scatter_add(): argument 'src' (position 4) must be Tensor, not {type_name(src)}"
        )
    dim = _wrap_dim(dim, input._data.ndim)
    _check_scatter("scatter_add", input, dim, index, src)
    return apply(SCATTER_ADD, (input, index, src), (dim,))


# ---------------------------------------------------------------------------- scatter_reduce

# the NumPy ufunc that combines a position's values, per reduction ("mean" adds, then divides)
_REDUCE_UFUNCS = {
    "sum": np.add,
    "prod": np.multiply,
    "mean": np.add,
    "amax": np.maximum,
    "amin": np.minimum,
}
# torch also takes "max" and "min" for "amax" and "amin" (not in its documentation)
_REDUCE_ALIASES = {"max": "amax", "min": "amin"}


def _reduce_identity(reduce: str, dtype: np.dtype):
    """The value a position starts from when ``include_self=False``: the identity of the
    reduction (0 for a sum, 1 for a product, the lowest value for a maximum ...)."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "b":
        return reduce == "amin"
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _as_1d_array(x: np.ndarray) -> np.ndarray:
    return x.reshape(1) if x.ndim == 0 else x


def _scatter_counts(index: np.ndarray, shape: tuple, dim: int, include_self: bool) -> np.ndarray:
    """For ``mean``: how many values each position of the result averages, those scattered
    there plus, with ``include_self``, its own. At least 1: an untouched position keeps its
    value (divided by one)."""
    counts = np.full(_at_least_1d(shape), int(include_self), dtype=np.int64)
    np.add.at(counts, ArrayMath.along_key(_as_1d_array(index), dim), 1)
    return np.maximum(counts, 1).reshape(shape)


def _reduce_scattered(xp, a, index, src, dim, reduce, include_self):
    """``a`` with the values of ``src`` reduced into the positions ``index`` along ``dim``:
    ``out[i][index[i][j]] = reduce(a[i][index[i][j]] (if include_self), src[i][j], ...)``
    for ``dim=1``. The ufunc's ``at`` visits the values in row-major order, as torch's loop
    does, so sums and products round as torch's do."""
    result = np.array(a, copy=True)
    target = _as_1d_array(result)
    index = _as_1d_array(index)
    src = _as_1d_array(src)
    if src.shape != index.shape:
        src = src[tuple(slice(0, n) for n in index.shape)]
    key = ArrayMath.along_key(index, dim)
    if not include_self:
        target[key] = _reduce_identity(reduce, target.dtype)
    # float16 values are combined in float32 and rounded once at the end, as torch does
    combined = target.astype(np.float32) if target.dtype == np.float16 else target
    _REDUCE_UFUNCS[reduce].at(combined, key, src)
    if combined is not target:
        target[...] = combined
    if reduce == "mean":
        counts = _scatter_counts(index, target.shape, dim, include_self).astype(target.dtype)
        if target.dtype.kind == "f":
            target /= counts
        else:
            target //= counts  # integer means round down, as in torch
    return result


def _data(x):
    return x._data if isinstance(x, Tensor) else x


def _constant(m, array, like):
    """A constant array (no gradient flows through it) with ``like``'s dtype, in ``m``'s
    representation."""
    array = array.astype(_data(like).dtype)
    return Tensor._make(array) if m.records_graph() else array


def _scatter_reduce_m(m, a, index, src, dim, reduce, include_self):
    """``scatter_reduce`` inside a rule: recorded on Tensors, on arrays otherwise."""
    if m.records_graph():
        return scatter_reduce(a, dim, index, src, reduce, include_self=include_self)
    return _reduce_scattered(np, a, index, src, dim, reduce, include_self)


def _as_1d(m, x):
    """A 0-d value as a 1-element vector (scatter_reduce reads a 0-d tensor that way)."""
    return m.reshape(x, (1,)) if x.ndim == 0 else x


def _src_block(m, src, index):
    """The part of ``src`` that is scattered: its leading block of ``index``'s shape."""
    if tuple(src.shape) == tuple(index.shape):
        return src
    return src[tuple(slice(0, n) for n in index.shape)]


def _winners(m, a, index, src, out, dim):
    """For amax/amin: how many values equal the result at each position, the input's own
    value counted even with ``include_self=False`` (as torch counts it): the gradient is
    shared evenly among them."""
    self_wins = m.cast(a == out, a)
    src_wins = m.cast(src == m.gather(out, dim, index), a)
    return m.scatter_add(self_wins, dim, index, src_wins)


def _scatter_reduce_self_vjp(m, g, a, index, src, out, dim, reduce, include_self):
    """d out / d a: 1 (sum), 1/count (mean), the product of the other values (prod), or a
    share of 1 where ``a`` is the extremum (amax/amin); zero at the scattered positions
    when ``a`` does not take part (``include_self=False``)."""
    shape = a.shape
    g, a, index, out = _as_1d(m, g), _as_1d(m, a), _as_1d(m, index), _as_1d(m, out)
    src = _src_block(m, _as_1d(m, src), index)
    with np.errstate(divide="ignore", invalid="ignore"):
        if reduce == "sum":
            grad = g
        elif reduce == "mean":
            counts = _scatter_counts(_data(index), tuple(a.shape), dim, include_self)
            grad = g / _constant(m, counts, g)
        elif reduce == "prod":
            # the product of the others, out / a, computed without dividing by a zero
            safe = m.where(a == 0, 1, a)
            grad = g * _scatter_reduce_m(m, safe, index, src, dim, "prod", include_self) / safe
        else:
            grad = m.cast(a == out, g) * (g / _winners(m, a, index, src, out, dim))
    if not include_self:
        grad = m.scatter(grad, dim, index, 0)
    return m.reshape(grad, shape) if len(shape) == 0 else grad


def _scatter_reduce_src_vjp(m, g, a, index, src, out, dim, reduce, include_self):
    """d out / d src, read back at the position each value went to (zeros for the part
    of ``src`` outside ``index``'s shape, which is not used)."""
    src_shape = src.shape
    g, a, index, out = _as_1d(m, g), _as_1d(m, a), _as_1d(m, index), _as_1d(m, out)
    src = _src_block(m, _as_1d(m, src), index)
    with np.errstate(divide="ignore", invalid="ignore"):
        if reduce == "sum":
            part = m.gather(g, dim, index)
        elif reduce == "mean":
            counts = _scatter_counts(_data(index), tuple(a.shape), dim, include_self)
            part = m.gather(g / _constant(m, counts, g), dim, index)
        elif reduce == "prod":
            zero = src == 0
            zeros_there = m.scatter_add(m.zeros(a.shape, g), dim, index, m.cast(zero, g))
            # a zero alone at its position: the product of the others is not out / 0, so
            # it is recomputed with that zero replaced by one
            alone = zero & (m.gather(zeros_there, dim, index) == 1)
            without = _scatter_reduce_m(
                m, a, index, m.where(alone, 1, src), dim, "prod", include_self
            )
            part = m.where(
                alone,
                m.gather(g * without, dim, index),
                m.gather(g * out, dim, index) / m.where(zero, 1, src),
            )
        else:
            share = m.gather(g / _winners(m, a, index, src, out, dim), dim, index)
            part = m.cast(src == m.gather(out, dim, index), g) * share
    if reduce == "prod" and m.records_graph() and bool((_data(zeros_there) > 1).any()):
        # two zeros at one position: this gradient is right but its own derivative is
        # not; as in torch, differentiating it again raises
        part = _refused_double_backward().apply(part)
    return _padded_to(m, part, index, src_shape)


_REFUSED = []


def _refused_double_backward():
    """An autograd Function that passes a tensor through and raises torch's error when
    the result is differentiated (its node is named ``Error``, as torch's)."""
    if not _REFUSED:
        from ..autograd.function import Function

        class Refused(Function):
            @staticmethod
            def forward(ctx, x):
                return x.clone()

            @staticmethod
            def backward(ctx, g):
                raise RuntimeError(
                    "scatter_reduce(): Double backward is unsupported for src when >1 zeros "
                    "in src are scattered to the same position in self"
                )

        Refused._backward_cls.__name__ = "Error"
        # torch's node is a C++ class: name() gives it with its namespace
        Refused._backward_cls.name = lambda self: "torch::autograd::Error"
        _REFUSED.append(Refused)
    return _REFUSED[0]


def _padded_to(m, part, index, src_shape):
    """``part`` (of ``index``'s shape) placed at the start of zeros of ``src_shape``."""
    if tuple(part.shape) == tuple(src_shape):
        return part
    index_shape = _at_least_1d(index.shape)
    if tuple(part.shape) != index_shape:
        part = m.reshape(part, index_shape)
    key = tuple(slice(0, n) for n in index_shape)
    result = m.index_accumulate(part, _at_least_1d(src_shape), key)
    return result if len(src_shape) else m.reshape(result, tuple(src_shape))


def _scatter_reduce_jvp(m, t, a, index, src, out, dim, reduce, include_self):
    """Each output element depends on its own input element and on the values scattered
    to it, so the VJP rules with ``g = 1`` give the partial derivatives, and the tangent is
    their sum weighted by the inputs' tangents."""
    ones = m.ones_like(out)
    params = (dim, reduce, include_self)
    result = None
    if t[0] is not None:
        result = t[0] * _scatter_reduce_self_vjp(m, ones, a, index, src, out, *params)
    if t[2] is not None:
        weighted = t[2] * _scatter_reduce_src_vjp(m, ones, a, index, src, out, *params)
        index1 = _as_1d(m, index)
        block = _src_block(m, _as_1d(m, weighted), index1)
        added = m.scatter_add(m.zeros(_at_least_1d(a.shape), out), dim, index1, block)
        added = m.reshape(added, a.shape) if len(a.shape) == 0 else added
        result = added if result is None else result + added
    return result


def _reduce_sample(reduce, include_self=True, dim=0):
    return lambda torch, x, i, s: torch.scatter_reduce(
        x, dim, i, s, reduce, include_self=include_self
    )


# out = a with src's values reduced into it at index (the name ``SCATTER_REDUCE`` is the
# deprecated ``scatter(..., reduce=)`` above)
SCATTER_REDUCE_OP = Op(
    "scatter_reduce",
    "ScatterReduceBackward0",
    forward=_reduce_scattered,
    vjp=(_scatter_reduce_self_vjp, None, _scatter_reduce_src_vjp),
    jvp=_scatter_reduce_jvp,
    samples=[
        Sample(
            (X, Arg((5, 4), 0, 3, "int64"), Arg((5, 4))),
            call=_reduce_sample("sum"),
            note="sum repeated indices",
        ),
        Sample(
            (X, Arg((5, 4), 0, 3, "int64"), Arg((5, 4))),
            call=_reduce_sample("sum", include_self=False),
            note="sum without self",
        ),
        Sample(
            (Arg((2, 3, 4)), Arg((2, 3, 3), 0, 4, "int64"), Arg((2, 3, 3))),
            call=_reduce_sample("prod", dim=-1),
            note="prod",
        ),
        Sample(
            (Arg((2, 3, 4)), Arg((2, 3, 3), 0, 4, "int64"), Arg((2, 3, 3))),
            call=lambda torch, x, i, s: x.scatter_reduce(2, i, s, "prod", include_self=False),
            note="prod without self",
        ),
        Sample(
            (
                Arg((2, 3), values=[[0.0, 1.5, -2.0], [0.5, 0.0, 3.0]]),
                Arg((2, 3), values=[[0, 0, 2], [1, 1, 1]], dtype="int64"),
                Arg((2, 3), values=[[2.0, -1.0, 0.0], [0.0, 4.0, 1.5]]),
            ),
            call=_reduce_sample("prod", dim=1),
            note="prod with zeros",
        ),
        Sample(
            (X, Arg((3, 2), 0, 4, "int64"), Arg((3, 2))),
            call=_reduce_sample("mean", dim=1),
            note="mean smaller index",
        ),
        Sample(
            (X, Arg((4, 4), 0, 3, "int64"), Arg((4, 4))),
            call=_reduce_sample("mean", include_self=False),
            note="mean without self",
        ),
        Sample(
            (X, Arg((5, 4), 0, 3, "int64"), Arg((5, 4))),
            call=_reduce_sample("amax"),
            note="amax",
        ),
        Sample(
            (X, Arg((3, 3), 0, 4, "int64"), Arg((3, 3))),
            call=lambda torch, x, i, s: torch.scatter_reduce(
                x, -1, i, s, reduce="amin", include_self=False
            ),
            note="amin without self",
        ),
        Sample(
            (Arg((5,)), Arg((), values=3, dtype="int64"), Arg(())),
            call=_reduce_sample("prod"),
            note="0-d index and src",
        ),
        Sample(
            (Arg(()), Arg((1,), values=[0], dtype="int64"), Arg((1,))),
            call=_reduce_sample("mean"),
            note="0-d input",
        ),
    ],
)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """A copy of ``input`` with the values of ``src`` *reduced* into the positions in
    ``index`` along ``dim``: for a 2-d input and ``dim=1``, ``src[i][j]`` goes into
    ``out[i][index[i][j]]``, and all the values that meet at one position are combined by
    ``reduce``: ``"sum"``, ``"prod"``, ``"mean"``, ``"amax"`` or ``"amin"``.

    With ``include_self=True`` (the default) the input's own value at a position takes
    part; with ``False`` only the scattered values do (positions nothing is scattered to
    keep their value either way). Integer means round down. A typical use: the largest
    score per group, ``torch.full((n,), -inf).scatter_reduce(0, group, score, "amax")``.

    Gradients: the mean's is shared by the values averaged; the product's is the product
    of the other values (zeros included); the maximum's (minimum's) is shared evenly
    among the values equal to the result.
    """
    if not isinstance(src, Tensor):
        raise TypeError(
            f"scatter_reduce(): argument 'src' (position 4) must be Tensor, not {type_name(src)}"
        )
    if not isinstance(reduce, str):
        raise TypeError(
            f"scatter_reduce(): argument 'reduce' (position 5) must be str, not {type_name(reduce)}"
        )
    if not isinstance(include_self, bool):
        raise TypeError(
            f"scatter_reduce(): argument 'include_self' must be bool, not {type_name(include_self)}"
        )
    dim = _wrap_dim(dim, input._data.ndim)
    reduce = _REDUCE_ALIASES.get(reduce, reduce)
    if reduce not in _REDUCE_UFUNCS:
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    ndim = max(input._data.ndim, 1)
    if max(index._data.ndim, 1) == ndim and 0 < src._data.ndim < ndim:
        # torch reads src's size along every dimension of index first
        low, high = -src._data.ndim, src._data.ndim - 1
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{low}, {high}], but got "
            f"{src._data.ndim})"
        )
    _check_scatter("scatter", input, dim, index, src)
    if reduce == "mean" and input.dtype is dtypes.bool:
        raise NotImplementedError(
            "\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'"
        )
    return apply(SCATTER_REDUCE_OP, (input, index, src), (dim, reduce, include_self))


# ---------------------------------------------------------------------------- index_reduce


def _spread_index(m, index, source_shape, dim):
    """index_reduce's 1-d ``index`` as scatter_reduce's: of ``source``'s shape, holding
    ``index[j]`` at every position j along ``dim``."""
    shape = _at_least_1d(source_shape)
    data = _data(index).reshape((-1,) + (1,) * (len(shape) - dim - 1))
    spread = np.ascontiguousarray(np.broadcast_to(data, shape))
    return Tensor._make(spread) if m.records_graph() else spread


def _index_reduce_forward(xp, a, index, source, dim, reduce, include_self):
    spread = _spread_index(ArrayMath, index, source.shape, dim)
    return _reduce_scattered(xp, a, spread, source, dim, reduce, include_self)


def _index_reduce_self_vjp(m, g, a, index, source, out, dim, reduce, include_self):
    spread = _spread_index(m, index, source.shape, dim)
    return _scatter_reduce_self_vjp(m, g, a, spread, source, out, dim, reduce, include_self)


def _index_reduce_source_vjp(m, g, a, index, source, out, dim, reduce, include_self):
    spread = _spread_index(m, index, source.shape, dim)
    return _scatter_reduce_src_vjp(m, g, a, spread, source, out, dim, reduce, include_self)


def _index_reduce_jvp(m, t, a, index, source, out, dim, reduce, include_self):
    spread = _spread_index(m, index, source.shape, dim)
    return _scatter_reduce_jvp(m, t, a, spread, source, out, dim, reduce, include_self)


def _index_reduce_sample(reduce, include_self=True, dim=0):
    return lambda torch, x, i, s: _quiet_beta(
        torch.index_reduce, x, dim, i, s, reduce, include_self=include_self
    )


def _quiet_beta(function, *args, **kwargs):
    """Call ``function`` without torch's "index_reduce() is in beta" warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return function(*args, **kwargs)


# scatter_reduce with whole slices: source's slice j is reduced into the input's slice
# index[j] along dim; the same rules, with the index spread over source's shape
INDEX_REDUCE = Op(
    "index_reduce",
    "IndexReduceBackward0",
    forward=_index_reduce_forward,
    vjp=(_index_reduce_self_vjp, None, _index_reduce_source_vjp),
    jvp=_index_reduce_jvp,
    samples=[
        Sample(
            (X, Arg((4,), 0, 3, "int64"), Arg((4, 4))),
            call=_index_reduce_sample("prod"),
            note="prod repeated indices",
        ),
        Sample(
            (Arg((2, 3, 4)), Arg((3,), 0, 4, "int64"), Arg((2, 3, 3))),
            call=_index_reduce_sample("mean", include_self=False, dim=-1),
            note="mean without self",
        ),
        Sample(
            (X, Arg((5,), 0, 4, "int64"), Arg((3, 5))),
            call=_index_reduce_sample("amax", dim=1),
            note="amax",
        ),
        Sample(
            (X, Arg((2,), 0, 3, "int64"), Arg((2, 4))),
            call=_index_reduce_sample("amin", include_self=False),
            note="amin without self",
        ),
    ],
)

_INDEX_REDUCTIONS = ("prod", "mean", "amax", "amin")


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """A copy of ``input`` with the slices of ``source`` along ``dim`` *reduced* into the
    slices ``index`` (1-d): for ``dim=0``, row ``j`` of ``source`` is combined into row
    ``index[j]`` of the result by ``reduce``: ``"prod"``, ``"mean"``, ``"amax"`` or
    ``"amin"``. ``include_self`` and the gradients are as in :func:`scatter_reduce`.
    (Beta in torch, which warns so once.)"""
    if not isinstance(index, Tensor):
        raise TypeError(
            f"index_reduce(): argument 'index' (position 2) must be Tensor, not {type_name(index)}"
        )
    if not isinstance(source, Tensor):
        raise TypeError(
            "index_reduce(): argument 'source' (position 3) must be Tensor, not "
            f"{type_name(source)}"
        )
    if not isinstance(include_self, bool):
        raise TypeError(
            f"index_reduce(): argument 'include_self' must be bool, not {type_name(include_self)}"
        )
    warnings.warn(
        "index_reduce() is in beta and the API may change at any time.", UserWarning, stacklevel=2
    )
    if reduce not in _INDEX_REDUCTIONS:
        raise RuntimeError(
            "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
            f"{reduce}."
        )
    dim = _wrap_dim(dim, input._data.ndim)
    _check_index_dtype(
        index, "index_reduce_(): Expected dtype int32/int64 for index but got: {type}"
    )
    if index._data.ndim > 1:
        raise IndexError(
            f"index_reduce_(): Index is supposed to be a vector, but got dim: "
            f"{index._data.ndim} with type: {_TYPE_WORDS[index.dtype.name]} and size: "
            f"{list(index.shape)}"
        )
    if source.dtype is not input.dtype:
        raise RuntimeError(
            f"index_reduce_(): self ({_TYPE_WORDS[input.dtype.name]}) and source "
            f"({_TYPE_WORDS[source.dtype.name]}) must have the same scalar type"
        )
    shape = _at_least_1d(input._data.shape)
    source_shape = _at_least_1d(source._data.shape)
    if len(source_shape) < len(shape):
        raise RuntimeError(
            f"index_reduce_(): Indexing dim {dim} is out of bounds of the source tensor with "
            f"dim {source._data.ndim}"
        )
    if index._data.size != source_shape[dim]:
        raise RuntimeError(
            f"index_reduce_(): Number of indices ({index._data.size}) should be equal to "
            f"source.size(dim): ({source_shape[dim]}), for dim: {dim}"
        )
    if (
        len(source_shape) != len(shape)
        or input._data.ndim != source._data.ndim
        or any(source_shape[d] != shape[d] for d in range(len(shape)) if d != dim)
    ):
        raise RuntimeError(
            "source tensor shape must match self tensor shape, excluding the specified "
            f"dimension. Got self.shape = {list(input.shape)} source.shape = "
            f"{list(source.shape)}"
        )
    if any_outside(index._data, shape[dim]):
        raise IndexError("index out of range in self")
    if input.dtype is dtypes.bool:
        raise NotImplementedError("\"index_func_\" not implemented for 'Bool'")
    return apply(INDEX_REDUCE, (input, index, source), (dim, reduce, include_self))


# ---------------------------------------------------------------------------- index_select


# the slices at index along dim: the gradient adds g's slices back at index
INDEX_SELECT = Op(
    "index_select",
    "IndexSelectBackward0",
    forward=lambda xp, a, index, dim: ArrayMath.index_select(a, dim, index),
    vjp=(
        lambda m, g, a, index, out, dim: m.index_add(m.zeros(a.shape, g), dim, index, g),
        None,
    ),
    jvp=lambda m, t, a, index, out, dim: m.index_select(t[0], dim, index),
    samples=[
        Sample((X, Arg((3,), 0, 4, "int64")), call=lambda torch, x, i: x.index_select(1, i)),
        Sample(
            (X, Arg((5,), 0, 3, "int64")),
            call=lambda torch, x, i: torch.index_select(x, 0, i),
            note="repeated indices",
        ),
        Sample(
            (Arg((2, 3, 4)), Arg((), values=1, dtype="int64")),
            call=lambda torch, x, i: torch.index_select(x, -2, i),
            note="0-d index",
        ),
        Sample(
            (Arg(()), Arg((1,), 0, 1, "int64")),
            call=lambda torch, x, i: torch.index_select(x, 0, i),
            note="0-d input",
        ),
    ],
)


def _vector_index(index, name):
    if index._data.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    if index._data.ndim == 0:
        return Tensor._make(index._data.reshape(1))
    return index


def index_select(input, dim, index, *, out=None):
    """The slices of ``input`` at the positions ``index`` (a 1-d int64/int32 tensor) along
    ``dim``, in that order: ``x.index_select(0, torch.tensor([2, 0]))`` is rows 2 and 0."""
    dim = _wrap_dim(dim, input._data.ndim)
    _check_index_dtype(index, "index_select(): Expected dtype int32 or int64 for index")
    index = _vector_index(index, "index_select")
    size = _at_least_1d(input._data.shape)[dim]
    data = index._data
    if input._data.ndim == 0 and data.size != 1:
        raise RuntimeError(
            f"index_select(): Index to scalar can have only 1 value, got {data.size} value(s)"
        )
    if data.size and size == 0:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    if data.size and (data.min() < 0 or data.max() >= size):
        bad = data[(data < 0) | (data >= size)][0]
        if input._data.ndim == 0:
            raise IndexError("index out of range in self")
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
    return _with_out(apply(INDEX_SELECT, (input, index), (dim,)), out)


def _index_add_source_grad(m, g, dim, index, alpha, source_shape):
    part = m.index_select(g, dim, index)
    if alpha != 1:
        part = part * alpha
    if tuple(part.shape) != tuple(source_shape):
        part = m.reshape(part, source_shape)
    return part


def _index_add_jvp(m, t, a, index, source, out, dim, alpha):
    ta = _zeros_or(m, t[0], out, a.shape)
    ts = _zeros_or(m, t[2], out, source.shape)
    return m.index_add(ta, dim, index, ts, alpha=alpha)


# out = a + alpha * source added at the slices index: a's gradient is g, source's g[index]
INDEX_ADD = Op(
    "index_add",
    "IndexAddBackward0",
    forward=lambda xp, a, index, source, dim, alpha: ArrayMath.index_add(
        a, dim, index, source, alpha
    ),
    vjp=(
        lambda m, g, a, index, source, out, dim, alpha: g,
        None,
        lambda m, g, a, index, source, out, dim, alpha: _index_add_source_grad(
            m, g, dim, index, alpha, source.shape
        ),
    ),
    jvp=_index_add_jvp,
    samples=[
        Sample(
            (X, Arg((5,), 0, 3, "int64"), Arg((5, 4))),
            call=lambda torch, x, i, s: torch.index_add(x, 0, i, s),
            note="repeated indices",
        ),
        Sample(
            (X, Arg((2,), 0, 4, "int64"), Arg((3, 2))),
            call=lambda torch, x, i, s: x.index_add(-1, i, s, alpha=-2.0),
        ),
    ],
)


def index_add(input, dim, index, source, *, alpha=1):
    """A copy of ``input`` with ``alpha * source`` added at the slices ``index`` along
    ``dim``: ``out[index[j]] += alpha * source[j]`` for ``dim=0`` (repeats add up)."""
    dim = _wrap_dim(dim, input._data.ndim)
    _check_index_dtype(index, "index_add_(): Expected dtype int32/int64 for index but got: {type}")
    if index._data.ndim > 1:
        raise IndexError(
            f"index_add_(): Index is supposed to be a vector, but got dim: {index._data.ndim} "
            f"with type: {_TYPE_WORDS[index.dtype.name]} and size: {list(index.shape)}"
        )
    index = _vector_index(index, "index_add_")
    if source.dtype is not input.dtype:
        raise RuntimeError(
            f"index_add_(): self ({_TYPE_WORDS[input.dtype.name]}) and source "
            f"({_TYPE_WORDS[source.dtype.name]}) must have the same scalar type"
        )
    shape = _at_least_1d(input._data.shape)
    source_shape = _at_least_1d(source._data.shape)
    if len(source_shape) != len(shape):
        raise RuntimeError(
            f"index_add_(): Indexing dim {dim} is out of bounds of the source tensor with dim "
            f"{source._data.ndim}"
        )
    if index._data.size != source_shape[dim]:
        raise RuntimeError(
            f"index_add_(): Number of indices ({index._data.size}) should be equal to "
            f"source.size(dim): ({source_shape[dim]}), for dim: {dim}"
        )
    if any(source_shape[d] != shape[d] for d in range(len(shape)) if d != dim):
        raise RuntimeError(
            "source tensor shape must match self tensor shape, excluding the specified "
            f"dimension. Got self.shape = {list(input.shape)} source.shape = "
            f"{list(source.shape)}"
        )
    _check_bounds(index._data, shape[dim], dim)
    return apply(INDEX_ADD, (input, index, source), (dim, alpha))


# ---------------------------------------------------------------------------- take


# take reads the flattened input: the gradient adds g back at the flat positions
TAKE = Op(
    "take",
    "TakeBackward0",
    forward=lambda xp, a, index: a.reshape(-1)[index],
    vjp=(
        lambda m, g, a, index, out: m.reshape(
            m.scatter_add(
                m.zeros((_numel(a.shape),), g), 0, m.reshape(index, (-1,)), m.reshape(g, (-1,))
            ),
            a.shape,
        ),
        None,
    ),
    jvp=lambda m, t, a, index, out: m.reshape(t[0], (-1,))[index],
    samples=[
        Sample((X, Arg((2, 3), 0, 12, "int64")), call=lambda torch, x, i: torch.take(x, i)),
        Sample(
            (Arg((2, 3)), Arg((4,), -6, 6, "int64")),
            call=lambda torch, x, i: x.take(i),
            note="negative indices",
        ),
    ],
)


def take(input, index):
    """The elements of ``input``, read as if flattened, at the positions ``index`` (an int64
    tensor, negative positions count from the end); the result has ``index``'s shape."""
    _check_index_dtype(
        index, "take(): Expected a long tensor for index, but got {type}", allow_int32=False
    )
    numel = input._data.size
    data = index._data
    if data.size and (data.min() < -numel or data.max() >= numel):
        bad = data[(data < -numel) | (data >= numel)].flat[0]
        raise IndexError(
            f"out of range: tried to access index {bad} on a tensor of {numel} elements."
        )
    if data.size and data.min() < 0:
        index = Tensor._make(np.where(data < 0, data + numel, data))
    return apply(TAKE, (input, index))


# ---------------------------------------------------------------------------- masks


def _check_mask(mask, name, type_names=_C_TYPE_NAMES):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{name}(): argument 'mask' must be Tensor, not {type_name(mask)}")
    if mask.dtype is not dtypes.bool:
        raise RuntimeError(
            f"{name} only supports boolean masks, but got mask with dtype "
            f"{type_names[mask.dtype.name]}"
        )


def _masked_fill_forward(xp, a, mask, value):
    return np.where(mask, np.asarray(value).astype(a.dtype), a)


# out = value where mask, else a: a's gradient is g outside the mask
MASKED_FILL = Op(
    "masked_fill",
    "MaskedFillBackward0",
    forward=_masked_fill_forward,
    vjp=(lambda m, g, a, mask, out, value: m.sum_to(m.where(mask, 0, g), a.shape), None),
    jvp="elementwise",
    samples=[
        Sample((X, Arg((3, 4), dtype="bool")), call=lambda torch, x, k: x.masked_fill(k, -1.5)),
        Sample(
            (X, Arg((4,), dtype="bool")),
            call=lambda torch, x, k: torch.masked_fill(x, k, 0),
            note="broadcast mask",
        ),
        Sample(
            (Arg((3,)), Arg((2, 3), dtype="bool")),
            call=lambda torch, x, k: torch.masked_fill(x, k, 1.0),
            note="mask broadcasts input",
        ),
    ],
)

# with a 0-d tensor value, the value is differentiable too: it gets the sum of g on the mask
MASKED_FILL_TENSOR = Op(
    "masked_fill_tensor",
    "MaskedFillBackward1",
    forward=_masked_fill_forward,
    vjp=(
        lambda m, g, a, mask, value, out: m.sum_to(m.where(mask, 0, g), a.shape),
        None,
        lambda m, g, a, mask, value, out: m.sum_to(m.where(mask, g, 0), value.shape),
    ),
    jvp="elementwise",
    samples=[
        Sample(
            (X, Arg((3, 4), dtype="bool"), Arg(())),
            call=lambda torch, x, k, v: torch.masked_fill(x, k, v),
        ),
        Sample(
            (Arg((2, 3, 4)), Arg((3, 1), dtype="bool"), Arg(())),
            call=lambda torch, x, k, v: x.masked_fill(k, v),
        ),
    ],
    public="masked_fill",
)


def masked_fill(input, mask, value):
    """A copy of ``input`` with ``value`` (a number or a 0-d tensor) where the bool
    ``mask`` (broadcast with ``input``) is true: ``scores.masked_fill(~allowed, -inf)``."""
    _check_mask(mask, "masked_fill_")
    _broadcast_shape(mask._data.shape, input._data.shape)
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        return apply(MASKED_FILL_TENSOR, (input, mask, value))
    if not isinstance(value, int | float | bool | np.number):
        raise TypeError(
            f"masked_fill(): argument 'value' must be Number or Tensor, not {type_name(value)}"
        )
    return apply(MASKED_FILL, (input, mask), (value,))


def _masked_select_forward(xp, a, mask):
    a, mask = np.broadcast_arrays(a, mask)
    return a[mask]


def _masked_select_jvp(m, t, a, mask, out):
    shape = _broadcast_shape(a.shape, mask.shape)
    return m.broadcast_to(t[0], shape)[m.broadcast_to(mask, shape)]


# the elements where mask is true, as a 1-d tensor: the gradient puts g back there
MASKED_SELECT = Op(
    "masked_select",
    "MaskedSelectBackward0",
    forward=_masked_select_forward,
    vjp=(
        lambda m, g, a, mask, out: m.sum_to(
            m.masked_scatter(m.zeros(a.shape, g), mask, g), a.shape
        ),
        None,
    ),
    jvp=_masked_select_jvp,
    samples=[
        Sample((X, Arg((3, 4), dtype="bool")), call=lambda torch, x, k: x.masked_select(k)),
        Sample(
            (X, Arg((2, 1, 4), dtype="bool")),
            call=lambda torch, x, k: torch.masked_select(x, k),
            note="broadcast",
        ),
    ],
)


def masked_select(input, mask):
    """The elements of ``input`` where the bool ``mask`` (broadcast with it) is true, in
    row-major order, as a new 1-d tensor (like ``input[mask]``)."""
    if not isinstance(mask, Tensor) or mask.dtype is not dtypes.bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    _broadcast_shape(mask._data.shape, input._data.shape)
    return apply(MASKED_SELECT, (input, mask))


def _masked_scatter_source_grad(m, g, mask, source_shape):
    picked = g[m.broadcast_to(mask, g.shape)]
    missing = _numel(source_shape) - picked.shape[0]
    if missing:
        picked = m.cat((picked, m.zeros((missing,), g)), 0)
    return m.reshape(picked, source_shape)


def _masked_scatter_jvp(m, t, a, mask, source, out):
    ta = _zeros_or(m, t[0], out, a.shape)
    ts = _zeros_or(m, t[2], out, source.shape)
    return m.masked_scatter(ta, mask, ts)


# out = a with source's first elements written, in order, where mask is true
MASKED_SCATTER = Op(
    "masked_scatter",
    "MaskedScatterBackward0",
    forward=lambda xp, a, mask, source: ArrayMath.masked_scatter(a, mask, source),
    vjp=(
        lambda m, g, a, mask, source, out: m.sum_to(m.where(mask, 0, g), a.shape),
        None,
        lambda m, g, a, mask, source, out: _masked_scatter_source_grad(m, g, mask, source.shape),
    ),
    jvp=_masked_scatter_jvp,
    samples=[
        Sample(
            (X, Arg((3, 4), dtype="bool"), Arg((3, 5))),
            call=lambda torch, x, k, s: x.masked_scatter(k, s),
        ),
        Sample(
            (Arg((3,)), Arg((2, 3), dtype="bool"), Arg((6,))),
            call=lambda torch, x, k, s: torch.masked_scatter(x, k, s),
            note="mask broadcasts input",
        ),
    ],
)


def masked_scatter(input, mask, source):
    """A copy of ``input`` (broadcast with ``mask``) where the positions at which ``mask``
    is true receive ``source``'s elements in order (``source`` needs at least as many
    elements as ``mask`` has true values)."""
    _check_mask(mask, "masked_scatter_", _TYPE_WORDS)
    if source.dtype is not input.dtype:
        raise RuntimeError(
            "masked_scatter: expected self and source to have same dtypes but got "
            f"{_TYPE_WORDS[input.dtype.name]} and {_TYPE_WORDS[source.dtype.name]}"
        )
    shape = _broadcast_shape(input._data.shape, mask._data.shape)
    if int(np.count_nonzero(np.broadcast_to(mask._data, shape))) > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return apply(MASKED_SCATTER, (input, mask, source))


NONZERO = Op(
    "nonzero",
    "NonzeroBackward0",
    forward=lambda xp, a: np.argwhere(a).astype(np.int64, copy=False),
    differentiable=False,
    samples=[
        Sample((Arg((3, 4), -1, 2, "int64"),)),
        Sample((Arg((2, 3, 2), dtype="bool"),), call=lambda torch, x: x.nonzero()),
        Sample((Arg((3, 4), -1, 2, "int64"),), call=lambda torch, x: torch.argwhere(x)),
        Sample(
            (Arg((3, 4), -1, 2, "int64"),),
            call=lambda torch, x: torch.nonzero(x, as_tuple=True),
        ),
        Sample((Arg((), values=2.0, grad=False),), call=lambda torch, x: torch.nonzero(x)),
        Sample(
            (Arg((), values=0.0, grad=False),),
            call=lambda torch, x: torch.nonzero(x, as_tuple=True),
        ),
    ],
)


def nonzero(input, *, out=None, as_tuple=False):
    """The indices of the nonzero (true) elements of ``input``, in row-major order: an
    int64 tensor of shape (count, ndim), or with ``as_tuple=True`` one 1-d tensor of
    indices per dimension (usable as ``input[indices]``)."""
    if as_tuple:
        data = input._data if input._data.ndim else input._data.reshape(1)
        return tuple(Tensor._make(i.astype(np.int64, copy=False)) for i in np.nonzero(data))
    return _with_out(apply(NONZERO, (input,)), out)


def argwhere(input):
    """``nonzero(input)``: the indices of the nonzero elements, one row per element."""
    return apply(NONZERO, (input,))


# ---------------------------------------------------------------------------- sorting


def _sort_forward(xp, a, dim, descending):
    """Stable sort along ``dim``; NaN counts as the largest value (as in torch)."""
    if a.ndim == 0:
        return a.copy(), np.zeros((), dtype=np.int64)
    if descending:
        # reverse a stable ascending sort of the reversed input: equal elements keep their
        # order and NaN comes first
        order = np.argsort(np.flip(a, dim), axis=dim, kind="stable")
        indices = (a.shape[dim] - 1) - np.flip(order, dim)
    else:
        indices = np.argsort(a, axis=dim, kind="stable")
    indices = indices.astype(np.int64, copy=False)
    return np.take_along_axis(a, indices, dim), indices


def _sort_vjp(m, g, a, out, dim, descending):
    """Each value's gradient goes back to the position it came from (``out[1]``)."""
    return m.scatter(m.zeros(a.shape, g[0]), dim, out[1], g[0])


def _sort_jvp(m, t, a, out, dim, descending):
    return (m.gather(t[0], dim, out[1]), None)


SORT = Op(
    "sort",
    "SortBackward0",
    forward=_sort_forward,
    vjp=(_sort_vjp,),
    jvp=_sort_jvp,
    n_outputs=2,
    samples=[
        Sample((X,), call=lambda torch, x: torch.sort(x)),
        Sample((X,), call=lambda torch, x: x.sort(0, descending=True)),
        Sample((Arg(()),), call=lambda torch, x: torch.sort(x)),
        Sample((Arg((5,)),), call=lambda torch, x: torch.sort(x, 0, True)),
    ],
)

# sort(..., stable=...) is another overload in torch, with its own node name
SORT_STABLE = Op(
    "sort_stable",
    "SortBackward1",
    forward=_sort_forward,
    vjp=(_sort_vjp,),
    jvp=_sort_jvp,
    n_outputs=2,
    samples=[
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: torch.sort(x, dim=-2, stable=True)),
        Sample((X,), call=lambda torch, x: x.sort(stable=False, descending=True)),
    ],
    public="sort",
)


# ``torch.return_types`` (made in reduction.py, for max/min): sort's and topk's named tuples
return_types.sort = _Sort = _return_type("sort")
return_types.topk = _Topk = _return_type("topk")
sys.modules.setdefault(return_types.__name__, return_types)  # import tracegrad.return_types


def _rule_reads_only(values, indices):
    """The VJP reads the indices output, not the values: watch the indices' version, so
    that an in-place change of the values does not fail backward (as in torch)."""
    if values.grad_fn is not None and values.grad_fn.out_version is not None:
        values.grad_fn.out_version = (indices._version, 0)
    return indices


_NOT_GIVEN = object()  # ties in sort are checked in tests/test_shape_index.py (not smooth)


def sort(input, dim=-1, descending=False, *, stable=_NOT_GIVEN, out=None):
    """Sort along ``dim`` (ascending unless ``descending``); returns the named tuple
    ``(values, indices)`` with ``values == input.gather(dim, indices)``.

    The sort is always stable: equal elements keep their order, which is what
    ``stable=True`` asks for (without it torch does not promise an order among ties).
    NaN sorts as the largest value.
    """
    dim = _wrap_dim(dim, input._data.ndim)
    if not isinstance(descending, bool | np.bool_):
        raise TypeError(f"sort(): argument 'descending' must be bool, not {type_name(descending)}")
    op = SORT if stable is _NOT_GIVEN else SORT_STABLE
    values, indices = apply(op, (input,), (dim, bool(descending)))
    return _with_out_pair(_Sort((values, _rule_reads_only(values, indices))), out)


def _with_out_pair(result, out):
    if out is None:
        return result
    return type(result)(_with_out(r, o) for r, o in zip(result, out, strict=True))


def argsort(input, dim=-1, descending=False, *, stable=False):
    """The indices that sort ``input`` along ``dim`` (``sort(...).indices``)."""
    return sort(input, dim, descending, stable=stable).indices


def _topk_forward(xp, a, k, dim, largest):
    values, indices = _sort_forward(xp, a, dim, largest)
    if a.ndim == 0:
        return values, indices
    key = (slice(None),) * dim + (slice(0, k),)
    return values[key].copy(), indices[key].copy()


TOPK = Op(
    "topk",
    "TopkBackward0",
    forward=_topk_forward,
    vjp=(
        lambda m, g, a, out, k, dim, largest: m.scatter(m.zeros(a.shape, g[0]), dim, out[1], g[0]),
    ),
    jvp=lambda m, t, a, out, k, dim, largest: (m.gather(t[0], dim, out[1]), None),
    n_outputs=2,
    samples=[
        Sample((X,), call=lambda torch, x: torch.topk(x, 2)),
        Sample((X,), call=lambda torch, x: x.topk(1, dim=0, largest=False)),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: torch.topk(x, 3, -1, sorted=True)),
        Sample((X,), call=lambda torch, x: torch.topk(x, 0), note="k=0"),
        Sample((Arg((5,)),), call=lambda torch, x: torch.topk(x, 5, largest=False)),
    ],
)


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):  # noqa: A002 - torch's name
    """The ``k`` largest (or, with ``largest=False``, smallest) elements along ``dim`` and
    their indices, as the named tuple ``(values, indices)``, best first.

    ``sorted=False`` is accepted; the result is sorted anyway (torch leaves the order
    unspecified then). Among equal values the one with the lower index comes first
    (torch's choice among ties is unspecified). NaN counts as the largest value.
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise TypeError(f"topk(): argument 'k' (position 2) must be int, not {type_name(k)}")
    dim = _wrap_dim(dim, input._data.ndim)
    size = _at_least_1d(input._data.shape)[dim]
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    values, indices = apply(TOPK, (input,), (int(k), dim, bool(largest)))
    return _with_out_pair(_Topk((values, _rule_reads_only(values, indices))), out)


# ---------------------------------------------------------------------------- one_hot


ONE_HOT = Op(
    "one_hot",
    "OneHotBackward0",
    forward=lambda xp, a, n: (a[..., None] == np.arange(n)).astype(np.int64),
    differentiable=False,
    samples=[
        Sample((Arg((4,), 0, 5, "int64"),), call=lambda torch, x: _functional(torch).one_hot(x)),
        Sample(
            (Arg((2, 3), 0, 3, "int64"),),
            call=lambda torch, x: _functional(torch).one_hot(x, num_classes=5),
        ),
        Sample(
            (Arg((), values=1, dtype="int64"),),
            call=lambda torch, x: _functional(torch).one_hot(x, 3),
        ),
        Sample(
            (Arg((0,), 0, 1, "int64"),),
            call=lambda torch, x: _functional(torch).one_hot(x, 4),
            note="empty",
        ),
    ],
)


def _functional(module):
    """``torch.nn.functional`` for torch; for tracegrad, its own once it has one."""
    functional = getattr(getattr(module, "nn", None), "functional", None)
    return functional if hasattr(functional, "one_hot") else sys.modules[__name__]


def one_hot(tensor, num_classes=-1):
    """``torch.nn.functional.one_hot``: int64 class indices to rows of zeros with a one at
    the class: the result has shape ``tensor.shape + (num_classes,)``; ``num_classes=-1``
    uses ``tensor.max() + 1``."""
    if tensor.dtype is not dtypes.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    data = tensor._data
    if num_classes == -1:
        if data.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(data.max()) + 1
    if data.size:
        if data.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if data.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    elif num_classes < 0:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return apply(ONE_HOT, (tensor,), (int(num_classes),))


# the torch namespace functions of this family, and those that are also Tensor methods
__all__ = [
    "argsort",
    "argwhere",
    "gather",
    "index_add",
    "index_put",
    "index_select",
    "masked_fill",
    "masked_scatter",
    "masked_select",
    "nonzero",
    "scatter",
    "scatter_add",
    "select",
    "sort",
    "take",
    "topk",
]
METHODS = [
    "select",
    "index_put",
    "gather",
    "scatter",
    "scatter_add",
    "index_select",
    "index_add",
    "take",
    "masked_fill",
    "masked_select",
    "masked_scatter",
    "nonzero",
    "argwhere",
    "sort",
    "argsort",
    "topk",
]
INPLACE_METHODS = [
    "index_put",
    "scatter",
    "scatter_add",
    "index_add",
    "masked_fill",
    "masked_scatter",
]


# ------------------------------------------------------------------ index_fill, index_copy


def _slices_mask(m, index, shape, dim):
    """Bool mask of ``shape``: true on the slices ``index`` along ``dim`` (a constant of
    the index, not of any value: no gradient flows through it)."""
    data = index._data if isinstance(index, Tensor) else np.asarray(index)
    mask = np.zeros(shape, dtype=bool)
    if len(shape):
        mask[(slice(None),) * dim + (data.reshape(-1),)] = True
    else:
        mask[()] = data.size > 0
    return Tensor._make(mask) if m.records_graph() else mask


def _written_at_slices(a, index, dim, value):
    """A copy of ``a`` with ``value`` (a number or an array) written at the slices
    ``index`` along ``dim`` (a 0-d ``a`` or ``value`` read as one element)."""
    result = np.array(a, copy=True)
    target = result.reshape(1) if result.ndim == 0 else result
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.reshape(1)
    target[(slice(None),) * dim + (index.reshape(-1),)] = value
    return result


def _index_fill_forward(xp, a, index, dim, value):
    return _written_at_slices(a, index, dim, value)


# the filled slices are constants: the gradient is g with zeros there
INDEX_FILL = Op(
    "index_fill",
    "IndexFillBackward0",
    forward=_index_fill_forward,
    vjp=(
        lambda m, g, a, index, out, dim, value: m.where(
            _slices_mask(m, index, a.shape, dim), 0 * g, g
        ),
        None,
    ),
    jvp="elementwise",
    samples=[
        Sample(
            (X, Arg((2,), values=[0, 2], dtype="int64")),
            call=lambda torch, x, i: x.index_fill(1, i, -1.5),
        ),
        Sample(
            (Arg((2, 3, 4)), Arg((1,), values=[1], dtype="int64")),
            call=lambda torch, x, i: torch.index_fill(x, -2, i, 0.0),
        ),
    ],
)


def _index_copy_forward(xp, a, index, source, dim):
    return _written_at_slices(a, index, dim, source)


# out = a with the slices index replaced by source: a's gradient is g outside them,
# source's gradient is g read at them
INDEX_COPY = Op(
    "index_copy",
    "IndexCopyBackward0",
    forward=_index_copy_forward,
    vjp=(
        lambda m, g, a, index, source, out, dim: m.where(
            _slices_mask(m, index, a.shape, dim), 0 * g, g
        ),
        None,
        lambda m, g, a, index, source, out, dim: m.reshape(
            m.index_select(g, dim, index), source.shape
        ),
    ),
    jvp=lambda m, t, a, index, source, out, dim: m.where(
        _slices_mask(m, index, a.shape, dim),
        m.index_add(m.zeros(a.shape, out), dim, index, _zeros_or(m, t[2], out, source.shape)),
        _zeros_or(m, t[0], out, a.shape),
    ),
    samples=[
        Sample(
            (X, Arg((2,), values=[3, 1], dtype="int64"), Arg((3, 2))),
            call=lambda torch, x, i, s: x.index_copy(1, i, s),
        ),
        Sample(
            (X, Arg((1,), values=[2], dtype="int64"), Arg((1, 4))),
            call=lambda torch, x, i, s: torch.index_copy(x, 0, i, s),
        ),
    ],
)


def _check_slices_index(name, input, dim, index):
    """The 1-d int64 index of ``index_fill``/``index_copy``, negatives wrapped; torch's
    errors for a wrong dtype, shape or an index out of range."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type_name(index)}")
    if index.dtype is not dtypes.int64:
        if name == "index_fill":
            raise IndexError("index_fill_(): Expected dtype int64 for index.")
        raise RuntimeError(
            f"{name}_(): Expected a long tensor for index, but got {_TYPE_WORDS[index.dtype.name]}"
        )
    if index._data.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    size = _at_least_1d(input._data.shape)[dim]
    data = index._data.reshape(-1)
    if data.size and (data.min() < -size or data.max() >= size):
        bad = data[(data < -size) | (data >= size)][0]
        prefix = "" if name == "index_fill" else f"{name}_(): "
        raise IndexError(
            f"{prefix}index {bad} is out of bounds for dimension {dim} with size {size}"
        )
    return Tensor._make(np.where(data < 0, data + size, data).astype(np.int64))


def index_fill(input, dim, index, value):
    """A copy of ``input`` with the slices ``index`` (1-d int64) along ``dim`` set to
    ``value`` (a number or a 0-d tensor)."""
    dim = _wrap_dim(dim, input._data.ndim)
    index = _check_slices_index("index_fill", input, dim, index)
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(
                "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        value = value.item()
    return apply(INDEX_FILL, (input, index), (dim, value))


def index_copy(input, dim, index, source):
    """A copy of ``input`` with the slices ``index`` along ``dim`` replaced by those of
    ``source``: ``out[index[j]] = source[j]`` for ``dim=0``."""
    dim = _wrap_dim(dim, input._data.ndim)
    index = _check_slices_index("index_copy", input, dim, index)
    if source.dtype is not input.dtype:
        raise RuntimeError(
            f"index_copy_(): self and source expected to have the same dtype, but got (self) "
            f"{_TYPE_WORDS[input.dtype.name]} and (source) {_TYPE_WORDS[source.dtype.name]}"
        )
    expected = list(_at_least_1d(input._data.shape))
    expected[dim] = index._data.size
    source_shape = list(_at_least_1d(source._data.shape))
    if len(source_shape) == len(expected) and source_shape[dim] != index._data.size:
        raise IndexError(
            f"index_copy_(): Number of indices ({index._data.size}) should be equal to "
            f"source.size(dim) ({source_shape[dim]})"
        )
    if source_shape != expected:
        raise RuntimeError(
            f"index_copy_(): Source/destination tensor must have same slice shapes. "
            f"Destination slice shape: {list(input.shape)} at dimension {dim} and source "
            f"slice shape: {list(source.shape)} at dimension {dim}."
        )
    return apply(INDEX_COPY, (input, index, source), (dim,))


def take_along_dim(input, indices, dim=None, *, out=None):
    """The elements of ``input`` at ``indices`` along ``dim`` (``gather`` after broadcasting
    the other dims), e.g. ``x.take_along_dim(x.argsort(1), 1)`` sorts each row. Without
    ``dim``, both are flattened."""
    if dim is None:
        return _with_out(gather(input.reshape(-1), 0, indices.reshape(-1)), out)
    ndim = input._data.ndim
    dim = _wrap_dim(dim, ndim)
    if indices._data.ndim != ndim:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {ndim} dimensions for input, and {indices._data.ndim} "
            "dimensions for indices"
        )
    shape_in = list(input.shape)
    shape_index = list(indices.shape)
    shape_in[dim] = shape_index[dim] = 1
    common = list(np.broadcast_shapes(tuple(shape_in), tuple(shape_index)))
    input_shape, index_shape = list(common), list(common)
    input_shape[dim] = input._data.shape[dim]
    index_shape[dim] = indices._data.shape[dim]
    if tuple(input_shape) != tuple(input.shape):
        input = input.expand(*input_shape)
    if tuple(index_shape) != tuple(indices.shape):
        indices = indices.expand(*index_shape)
    return _with_out(gather(input, dim, indices), out)


__all__ += ["index_copy", "index_fill", "index_reduce", "scatter_reduce", "take_along_dim"]
METHODS += ["index_copy", "index_fill", "index_reduce", "scatter_reduce", "take_along_dim"]
INPLACE_METHODS += ["index_copy", "index_fill", "index_reduce", "scatter_reduce"]


# ------------------------------------------------------------------ sorted search, unique


def msort(input, *, out=None):
    """Sort along the first dim: ``sort(input, 0).values``."""
    return _with_out(sort(input, 0).values, out)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """For each value of ``input``, the index where it would be inserted into
    ``sorted_sequence`` (along its last dim) to keep it sorted: the first such place, or
    the last one with ``right=True`` (``side='right'``)."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(
                f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}"
            )
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got side of "
                "left while right was True"
            )
        right = side == "right"
    boundaries = sorted_sequence._data
    if sorter is not None:
        boundaries = np.take_along_axis(boundaries, sorter._data, axis=-1)
    scalar = not isinstance(input, Tensor)
    values = np.asarray(input) if scalar else input._data
    mode = "right" if right else "left"
    if boundaries.ndim <= 1:
        result = np.searchsorted(boundaries.reshape(-1), values, side=mode)
    else:
        if values.shape[:-1] != boundaries.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                "dimensions of boundaries tensor and input value tensor must match, but we got "
                f"boundaries tensor {list(boundaries.shape)} and input value tensor "
                f"{list(values.shape)}"
            )
        rows_b = boundaries.reshape(-1, boundaries.shape[-1])
        rows_v = values.reshape(-1, values.shape[-1])
        result = np.stack(
            [np.searchsorted(b, v, side=mode) for b, v in zip(rows_b, rows_v, strict=True)]
        ).reshape(values.shape)
    return Tensor._make(np.asarray(result, dtype=np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value given sorted 1-d ``boundaries``: i such that
    ``boundaries[i-1] < x <= boundaries[i]`` (``<= x <`` with ``right=True``)."""
    if boundaries._data.ndim != 1:
        raise RuntimeError(
            f"boundaries tensor must be 1 dimension, but got dim({boundaries._data.ndim})"
        )
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct values, sorted; optionally the index of each input element's value
    among them (``return_inverse``) and how often each occurs (``return_counts``). With
    ``dim``, the distinct slices along ``dim``."""
    data = input._data
    if dim is None:
        values, inverse, counts = np.unique(
            data.reshape(-1), return_inverse=True, return_counts=True
        )
        inverse = inverse.reshape(data.shape)
    else:
        dim = _wrap_dim(dim, data.ndim)
        values, inverse, counts = np.unique(data, return_inverse=True, return_counts=True, axis=dim)
        inverse = inverse.reshape(-1)
    result = [Tensor._make(values)]
    if return_inverse:
        result.append(Tensor._make(inverse.astype(np.int64)))
    if return_counts:
        result.append(Tensor._make(counts.astype(np.int64)))
    return result[0] if len(result) == 1 else tuple(result)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal consecutive values (or slices along ``dim``) to one;
    optionally the run number of each element and the length of each run."""
    data = input._data
    if dim is None:
        flat = data.reshape(-1)
        starts = np.ones(flat.shape[0], dtype=bool)
        starts[1:] = flat[1:] != flat[:-1]
        values = flat[starts]
        run = np.cumsum(starts) - 1
        inverse = run.reshape(data.shape)
    else:
        dim = _wrap_dim(dim, data.ndim)
        moved = np.moveaxis(data, dim, 0)
        starts = np.ones(moved.shape[0], dtype=bool)
        if moved.shape[0] > 1:
            same = (moved[1:] == moved[:-1]).reshape(moved.shape[0] - 1, -1).all(axis=1)
            starts[1:] = ~same
        values = np.moveaxis(moved[starts], 0, dim)
        inverse = np.cumsum(starts) - 1
    counts = np.diff(np.append(np.flatnonzero(starts), starts.size))
    result = [Tensor._make(np.ascontiguousarray(values))]
    if return_inverse:
        result.append(Tensor._make(inverse.astype(np.int64)))
    if return_counts:
        result.append(Tensor._make(counts.astype(np.int64)))
    return result[0] if len(result) == 1 else tuple(result)


__all__ += ["bucketize", "msort", "searchsorted", "unique", "unique_consecutive"]
METHODS += ["msort", "unique", "unique_consecutive"]
