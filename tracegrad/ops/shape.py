"""Shape operations: view, reshape, permute, transpose, squeeze, unsqueeze, expand ...

These ops move no arithmetic, so each VJP just moves the gradient back: the gradient of a
reshape is reshaped back, of a permutation permuted back, of an expand summed over the
stretched dimensions. They are linear, so each JVP is the op applied to the tangent.

Results that PyTorch returns as views (``view``, ``transpose``, ``permute``, ``squeeze``,
``unsqueeze``, ``expand``, ...) share memory *and the version counter* with their base, so
an in-place write through a view is seen by the base and by autograd's checks.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Size, Tensor, _wrap_dim
from ._registry import Arg, Op, Sample, apply

X = Arg((3, 4))


def as_view(result: Tensor, base: Tensor) -> Tensor:
    """Mark ``result`` as a view of ``base``: shared memory, shared version counter."""
    result._version = base._version
    result._base = base if base._base is None else base._base
    return result


def _infer_size(shape, numel):
    """Resolve one ``-1`` in ``shape`` and check the element count, with torch's errors."""
    shape = list(shape)
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for n in shape:
        if n != -1:
            if n < 0:
                raise RuntimeError(f"invalid shape dimension {n}")
            known *= n
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[unknown[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def _shape_args(shape):
    if len(shape) == 1 and isinstance(shape[0], tuple | list | Size):
        shape = shape[0]
    return tuple(int(n) for n in shape)


# d view(x) = view(dx): the gradient is reshaped back to the input's shape
VIEW = Op(
    "view",
    "ViewBackward0",
    forward=lambda xp, a, shape: a.reshape(shape),
    vjp=(lambda m, g, a, out, shape: m.reshape(g, a.shape),),
    jvp="linear",
    samples=[
        Sample((X,), call=lambda torch, x: x.view(2, 6)),
        Sample((X,), call=lambda torch, x: x.reshape(-1)),
        Sample((X,), call=lambda torch, x: x.flatten()),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x.flatten(1)),
        Sample((X,), call=lambda torch, x: x.unflatten(1, (2, 2))),
    ],
    public="reshape",
)


def view(input, *shape):
    """The same data with a new shape (no copy); ``-1`` infers one dimension.

    Raises when the memory layout does not allow a view (use ``reshape`` then).
    """
    if len(shape) == 1 and not isinstance(shape[0], int | tuple | list | Size):
        return _view_dtype(input, shape[0])
    shape = _infer_size(_shape_args(shape), input._data.size)
    if not _viewable(input._data, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return as_view(apply(VIEW, (input,), (shape,)), input)


def _view_dtype(input, dtype):
    from .. import _dtype

    target = _dtype.to_dtype(dtype)
    return as_view(Tensor._make(input._data.view(target.np)), input)


def _viewable(array, shape) -> bool:
    if array.flags.c_contiguous or array.size <= 1:
        return True
    try:
        result = array.view()
        result.shape = shape
        return True
    except AttributeError:
        return False


def reshape(input, *shape):
    """The same data with a new shape; a view when possible, else a copy."""
    shape = _infer_size(_shape_args(shape), input._data.size)
    result = apply(VIEW, (input,), (shape,))
    if np.shares_memory(result._data, input._data) if result._data.size else True:
        as_view(result, input)
    return result


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dimensions ``start_dim`` .. ``end_dim`` into one."""
    ndim = input._data.ndim
    if ndim == 0:
        return reshape(input, 1)
    start, end = _wrap_dim(start_dim, ndim), _wrap_dim(end_dim, ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = input._data.shape
    merged = 1
    for n in shape[start : end + 1]:
        merged *= n
    return reshape(input, shape[:start] + (merged,) + shape[end + 1 :])


def unflatten(input, dim, sizes):
    """Split dimension ``dim`` into ``sizes``."""
    shape = input._data.shape
    dim = _wrap_dim(dim, len(shape))
    sizes = list(sizes)
    if -1 in sizes:
        known = 1
        for n in sizes:
            if n != -1:
                known *= n
        sizes[sizes.index(-1)] = shape[dim] // known
    product = 1
    for n in sizes:
        product *= n
    if product != shape[dim]:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
            f"{dim} ({shape[dim]}) in the input tensor"
        )
    return view(input, shape[:dim] + tuple(sizes) + shape[dim + 1 :])


def _inverse_permutation(dims):
    inverse = [0] * len(dims)
    for i, d in enumerate(dims):
        inverse[d] = i
    return tuple(inverse)


# the gradient of a permutation is the inverse permutation of the gradient
PERMUTE = Op(
    "permute",
    "PermuteBackward0",
    forward=lambda xp, a, dims: a.transpose(dims),
    vjp=(lambda m, g, a, out, dims: m.permute(g, _inverse_permutation(dims)),),
    jvp="linear",
    samples=[
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x.permute(2, 0, 1)),
        Sample((X,), call=lambda torch, x: x.T),
    ],
)


def permute(input, *dims):
    """Reorder the dimensions: ``x.permute(2, 0, 1)``."""
    ndim = input._data.ndim
    dims = tuple(_wrap_dim(d, ndim) for d in _shape_args(dims))
    if len(dims) != ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match "
            f"the length of the desired ordering of dimensions i.e. input.dim() = {ndim} is "
            f"not equal to len(dims) = {len(dims)}"
        )
    if len(set(dims)) != ndim:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return as_view(apply(PERMUTE, (input,), (dims,)), input)


TRANSPOSE = Op(
    "transpose",
    "TransposeBackward0",
    forward=lambda xp, a, dim0, dim1: a.swapaxes(dim0, dim1),
    vjp=(
        lambda m, g, a, out, dim0, dim1: (
            g.swapaxes(dim0, dim1) if isinstance(g, np.ndarray) else g.transpose(dim0, dim1)
        ),
    ),
    jvp="linear",
    samples=[
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x.transpose(0, 2)),
        Sample((X,), call=lambda torch, x: x.mT),
        Sample((X,), call=lambda torch, x: torch.swapaxes(x, 0, 1)),
    ],
)


def transpose(input, dim0, dim1):
    """Swap two dimensions."""
    ndim = input._data.ndim
    dim0, dim1 = _wrap_dim(dim0, ndim), _wrap_dim(dim1, ndim)
    if ndim == 0:
        return (
            as_view(Tensor._make(input._data), input)
            if not input._requires_grad
            else apply(VIEW, (input,), ((),))
        )
    return as_view(apply(TRANSPOSE, (input,), (dim0, dim1)), input)


swapaxes = swapdims = transpose

T_OP = Op(
    "t",
    "TBackward0",
    forward=lambda xp, a: a.T,
    vjp=(lambda m, g, a, out: g.T,),
    jvp="linear",
    samples=[Sample((X,)), Sample((Arg((4,)),))],
)


def t(input):
    """Transpose a matrix (0-d and 1-d tensors are returned as they are)."""
    if input._data.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D"
        )
    return as_view(apply(T_OP, (input,)), input)


UNSQUEEZE = Op(
    "unsqueeze",
    "UnsqueezeBackward0",
    forward=lambda xp, a, dim: np.expand_dims(a, dim),
    vjp=(lambda m, g, a, out, dim: m.reshape(g, a.shape),),
    jvp="linear",
    samples=[Sample((X,), {"dim": 1}), Sample((X,), {"dim": -1}), Sample((Arg(()),), {"dim": 0})],
)


def unsqueeze(input, dim):
    """Insert a dimension of size 1 at ``dim``."""
    dim = _wrap_dim(dim, input._data.ndim + 1)
    return as_view(apply(UNSQUEEZE, (input,), (dim,)), input)


SQUEEZE = Op(
    "squeeze",
    "SqueezeBackward0",
    forward=lambda xp, a: np.squeeze(a),
    vjp=(lambda m, g, a, out: m.reshape(g, a.shape),),
    jvp="linear",
    samples=[Sample((Arg((3, 1, 4, 1)),))],
)


def _squeeze_dims(xp, a, dims):
    return np.squeeze(a, dims) if dims else a.view()


# squeeze(x, dim) and squeeze(x, (dims...)) are two overloads with two node names in torch
SQUEEZE_DIM = Op(
    "squeeze_dim",
    "SqueezeBackward1",
    forward=_squeeze_dims,
    vjp=(lambda m, g, a, out, dims: m.reshape(g, a.shape),),
    jvp="linear",
    samples=[
        Sample((Arg((3, 1, 4)),), {"dim": 1}, call=lambda torch, x, dim: x.squeeze(dim)),
        Sample((Arg((3, 4)),), {"dim": 0}, call=lambda torch, x, dim: x.squeeze(dim)),
    ],
    public="squeeze",
)

SQUEEZE_DIMS = Op(
    "squeeze_dims",
    "SqueezeBackward2",
    forward=_squeeze_dims,
    vjp=(lambda m, g, a, out, dims: m.reshape(g, a.shape),),
    jvp="linear",
    samples=[
        Sample((Arg((3, 1, 4, 1)),), {"dim": (1, 3)}, call=lambda torch, x, dim: x.squeeze(dim))
    ],
    public="squeeze",
)


def squeeze(input, dim=None):
    """Remove dimensions of size 1 (all of them, or those in ``dim``)."""
    if dim is None:
        return as_view(apply(SQUEEZE, (input,)), input)
    ndim = input._data.ndim
    op = SQUEEZE_DIM if isinstance(dim, int) else SQUEEZE_DIMS
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    dims = tuple(_wrap_dim(d, ndim) for d in dims)
    dims = tuple(d for d in dims if ndim and input._data.shape[d] == 1)
    return as_view(apply(op, (input,), (dims,)), input)


# expand repeats elements without copying: its gradient sums the repeats
EXPAND = Op(
    "expand",
    "ExpandBackward0",
    forward=lambda xp, a, shape: np.broadcast_to(a, shape),
    vjp=(lambda m, g, a, out, shape: m.sum_to(g, a.shape),),
    jvp="linear",
    samples=[
        Sample((Arg((3, 1)),), call=lambda torch, x: x.expand(3, 4)),
        Sample((Arg((4,)),), call=lambda torch, x: x.expand(2, 3, -1)),
        Sample((Arg((3, 1)), Arg((3, 4))), call=lambda torch, x, y: x.expand_as(y)),
    ],
)


def expand(input, *sizes):
    """A view with size-1 dimensions stretched (``-1`` keeps a size); no copy."""
    sizes = _shape_args(sizes)
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand({input.type()}{{{list(shape)}}}, size={list(sizes)}): the number of sizes "
            f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
            f"the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    target = []
    for i, n in enumerate(sizes):
        if i < lead:
            if n == -1:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                    f"non-existing dimension {i}"
                )
            target.append(n)
            continue
        current = shape[i - lead]
        if n == -1:
            n = current
        elif current != 1 and current != n:
            raise RuntimeError(
                f"The expanded size of the tensor ({n}) must match the existing size "
                f"({current}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  "
                f"Tensor sizes: {list(shape)}"
            )
        target.append(n)
    return as_view(apply(EXPAND, (input,), (tuple(target),)), input)


def expand_as(input, other):
    """``expand`` to ``other``'s shape."""
    return expand(input, *other.shape)


def broadcast_to(input, size):
    """``expand`` to ``size``."""
    return expand(input, *size)


# clone copies: the gradient passes through unchanged
CLONE = Op(
    "clone",
    "CloneBackward0",
    forward=lambda xp, a: a.copy(),
    vjp=(lambda m, g, a, out: g,),
    jvp="linear",
    samples=[Sample((X,))],
)


def clone(input, *, memory_format=None):
    """A copy with its own memory; gradients flow back to ``input``."""
    return apply(CLONE, (input,))


def contiguous(input, memory_format=None):
    """The tensor itself if its elements are in row-major order, else a copy."""
    if input._data.flags.c_contiguous:
        return input
    return clone(input)


# dtype conversion: the gradient is converted back to the input's dtype by the engine
TO_COPY = Op(
    "to_copy",
    "ToCopyBackward0",
    forward=lambda xp, a, target: a.astype(target),
    vjp=(lambda m, g, a, out, target: m.cast(g, a),),
    jvp=lambda m, tangents, a, out, target: m.cast(tangents[0], out),
    samples=[Sample((X,), call=lambda torch, x: x.to(torch.float32).double())],
    public="to",
)


def to_dtype(input, target) -> Tensor:
    """Convert to another dtype (a copy); differentiable between float dtypes."""
    data = input._data
    if target.is_floating_point or not input._requires_grad:
        array = data.astype(target.np)
        if input._requires_grad and target.is_floating_point and input.dtype.is_floating_point:
            return apply(TO_COPY, (input,), (target.np,))
        return Tensor._make(array)
    return Tensor._make(data.astype(target.np))


# the torch namespace functions of this family, and those that are also Tensor methods
__all__ = [
    "broadcast_to",
    "clone",
    "contiguous",
    "expand",
    "expand_as",
    "flatten",
    "permute",
    "reshape",
    "squeeze",
    "swapaxes",
    "swapdims",
    "t",
    "transpose",
    "unflatten",
    "unsqueeze",
    "view",
]
METHODS = [
    "view",
    "reshape",
    "flatten",
    "unflatten",
    "permute",
    "transpose",
    "swapaxes",
    "swapdims",
    "t",
    "unsqueeze",
    "squeeze",
    "expand",
    "expand_as",
    "broadcast_to",
    "clone",
    "contiguous",
]
INPLACE_METHODS = []
