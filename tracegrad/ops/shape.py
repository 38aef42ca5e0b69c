"""Shape operations: view, reshape, permute, transpose, squeeze, unsqueeze, expand, and
joining, splitting and reordering: cat, stack, split, chunk, unbind, flip, roll, repeat ...

These ops move no arithmetic, so each VJP just moves the gradient back: the gradient of a
reshape is reshaped back, of a permutation permuted back, of an expand summed over the
stretched dimensions, of a cat sliced into the inputs' parts, of a split concatenated.
They are linear, so each JVP is the op applied to the tangent.

Results that PyTorch returns as views (``view``, ``transpose``, ``permute``, ``squeeze``,
``unsqueeze``, ``expand``, ...) share memory *and the version counter* with their base, so
an in-place write through a view is seen by the base and by autograd's checks.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _dtype as dtypes
from .._tensor import _wrap_dim, Size, Tensor, type_name
from ._registry import Arg, EachInput, Op, Sample, apply
from .arithmetic import silent

X = Arg((3, 4))


def as_view(result: Tensor, base: Tensor) -> Tensor:
    """Mark ``result`` as a view of ``base``: shared memory, shared version counter."""
    result._version = base._version
    result._base = base if base._base is None else base._base
    return result


def _infer_size(shape, numel):
    """Resolve one ``-1`` in ``shape`` and check the element count, with torch's errors."""
    shape = tuple(shape)
    unknown = shape.count(-1)
    if unknown > 1:
        raise RuntimeError("only one dimension can be inferred")
    known_sizes = [n for n in shape if n != -1] if unknown else shape
    for n in known_sizes:
        if n < 0:
            raise RuntimeError(f"invalid shape dimension {n}")
    known = math.prod(known_sizes)
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        i = shape.index(-1)
        return shape[:i] + (numel // known,) + shape[i + 1 :]
    if known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _shape_args(shape, function, argument="size"):
    """Sizes given as ``f(2, 3)`` or ``f((2, 3))`` as a tuple of ints; a float among them
    is torch's TypeError (``int()`` would silently truncate it)."""
    packed = len(shape) == 1 and isinstance(shape[0], tuple | list | Size)
    if packed:
        shape = shape[0]
    for position, n in enumerate(shape):
        if isinstance(n, float | np.floating):
            if position == 0:  # torch tells an int list by its first element
                found = "but found element of type float at pos 0" if packed else "not float"
                raise TypeError(
                    f"{function}(): argument '{argument}' (position 1) must be tuple of ints, "
                    + found
                )
            raise TypeError(
                f"{function}(): argument '{argument}' failed to unpack the object at pos "
                f'{position + 1} with error "type must be tuple of ints,but got float"'
            )
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
    shape = _infer_size(_shape_args(shape, "view"), input._data.size)
    if not _viewable(input._data, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return as_view(apply(VIEW, (input,), (shape,)), input)


def _view_dtype(input, dtype):
    from .. import _dtype

    target = _dtype.to_dtype(dtype)
    old_size, new_size = input._data.itemsize, np.dtype(target.np).itemsize
    if old_size != new_size:  # torch's checks, in its order (sizes in elements)
        words = _dtype.TYPE_WORDS
        what = f"to view {words[input.dtype.name]} as {words[target.name]}"
        what += " (different element sizes)"
        ratio = new_size // old_size
        if input._data.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 {what}")
        if ratio > 1 and input.shape[-1] % ratio:
            raise RuntimeError(
                f"self.size(-1) must be divisible by {ratio} {what}, but got {input.shape[-1]}"
            )
        if input.stride(-1) != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {input.stride(-1)}")
        if ratio > 1:
            checks = [("storage_offset()", input.storage_offset())]
            checks += [(f"stride({d})", st) for d, st in enumerate(input.stride()[:-1])]
            for name, value in checks:
                if value % ratio:
                    raise RuntimeError(
                        f"self.{name} must be divisible by {ratio} {what}, but got {value}"
                    )
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
    shape = _infer_size(_shape_args(shape, "reshape", "shape"), input._data.size)
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
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: torch.movedim(x, 0, -1)),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x.moveaxis((0, 1), (2, 0))),
    ],
)


def permute(input, *dims):
    """Reorder the dimensions: ``x.permute(2, 0, 1)``."""
    ndim = input._data.ndim
    dims = _shape_args(dims, "permute", "dims")
    # the count is checked before each dim's range, as torch does (RuntimeError, not IndexError)
    if len(dims) != ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match "
            f"the length of the desired ordering of dimensions i.e. input.dim() = {ndim} is "
            f"not equal to len(dims) = {len(dims)}"
        )
    dims = tuple(_wrap_dim(d, ndim) for d in dims)
    if len(set(dims)) != ndim:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return as_view(apply(PERMUTE, (input,), (dims,)), input)


TRANSPOSE = Op(
    "transpose",
    "TransposeBackward0",
    forward=lambda xp, a, dim0, dim1: a.swapaxes(dim0, dim1),
    vjp=(lambda m, g, a, out, dim0, dim1: m.swapaxes(g, dim0, dim1),),
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
        Sample(
            (Arg((3,)), Arg((4,))),
            call=lambda torch, x, y: torch.meshgrid(x, y, indexing="ij"),
            note="meshgrid ij",
        ),
        Sample(
            (Arg((3,)), Arg((4,)), Arg((2,))),
            call=lambda torch, x, y, z: torch.meshgrid([y, x, z], indexing="xy"),
            note="meshgrid xy",
        ),
        Sample(
            (Arg(()), Arg((2,))),
            call=lambda torch, x, y: torch.meshgrid(x, y, indexing="ij"),
            note="meshgrid 0-d",
        ),
    ],
)


def expand(input, *sizes):
    """A view with size-1 dimensions stretched (``-1`` keeps a size); no copy."""
    sizes = _shape_args(sizes, "expand")
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
    forward=lambda xp, a, target: _cast(a, target),
    vjp=(lambda m, g, a, out, target: m.cast(g, a),),
    jvp=lambda m, tangents, a, out, target: m.cast(tangents[0], out),
    samples=[Sample((X,), call=lambda torch, x: x.to(torch.float32).double())],
    public="to",
)


_silent_astype = silent(lambda array, np_dtype: array.astype(np_dtype))


def _cast(array, np_dtype):
    """``array`` as ``np_dtype``. The casts that can overflow (1e6 to float16 is inf, nan
    to int64 is some integer) run without NumPy's "overflow encountered in cast" warning,
    as torch converts silently; the common ones (bool or int to float, float32 to
    float64) skip that small cost."""
    source = array.dtype
    narrowing = source.kind == "f" and (np_dtype.kind != "f" or np_dtype.itemsize < source.itemsize)
    if narrowing or np_dtype == np.float16:
        return _silent_astype(array, np_dtype)
    return array.astype(np_dtype)


def to_dtype(input, target) -> Tensor:
    """Convert to another dtype (a copy); differentiable between float dtypes."""
    differentiable = target.is_floating_point and input.dtype.is_floating_point
    if differentiable and (input._requires_grad or "_fw_tangent" in input.__dict__):
        return apply(TO_COPY, (input,), (target.np,))
    return Tensor._make(_cast(input._data, target.np))


# ---------------------------------------------------------------------------- joining


def _tensor_sequence(tensors, name: str) -> tuple:
    """The tensors of a ``cat``/``stack`` list argument, with torch's type errors."""
    if not isinstance(tensors, list | tuple):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
            )
    return tuple(tensors)


def _common_dtype(tensors):
    """The dtype all of ``tensors`` are promoted to (``cat([float, long])`` is float)."""
    result = tensors[0].dtype
    for t in tensors[1:]:
        result = dtypes.promote_types(result, t.dtype)
    return result


def _is_legacy_empty(shape) -> bool:
    # torch still accepts 1-d empty tensors in cat whatever the others' shapes; it skips them
    return tuple(shape) == (0,)


def _cat_forward(xp, *args):
    *arrays, dim, bounds, dtype = args
    kept = [a for a in arrays if not _is_legacy_empty(a.shape)] or arrays
    return np.concatenate(kept, axis=dim, dtype=dtype, casting="unsafe")


def _cat_rule(i):
    """The VJP of ``cat`` for input ``i``: the gradient's slice that ``i`` became."""

    def rule(m, g, *args):
        dim, bounds = args[-3], args[-2]
        start, stop = bounds[i]
        part = g[(slice(None),) * dim + (slice(start, stop),)]
        shape = args[i].shape
        return part if tuple(part.shape) == tuple(shape) else m.reshape(part, shape)

    return rule


# cat puts inputs side by side along dim: each input's gradient is its slice of g
CAT = Op(
    "cat",
    "CatBackward0",
    forward=_cat_forward,
    vjp=EachInput(_cat_rule),
    jvp="linear",
    samples=[
        Sample((X, Arg((2, 4))), call=lambda torch, x, y: torch.cat([x, y])),
        Sample(
            (X, Arg((3, 2)), Arg((3, 1))),
            call=lambda torch, x, y, z: torch.cat((x, y, z), dim=1),
        ),
        Sample(
            (Arg((2, 3, 4)), Arg((2, 3, 1))),
            call=lambda torch, x, y: torch.concat([x, y], -1),
            note="negative dim",
        ),
        Sample(
            (Arg((2, 3)), Arg((2, 3))),
            call=lambda torch, x, y: torch.concatenate([x, y], axis=0),
        ),
        Sample((X,), call=lambda torch, x: torch.cat([x])),
        Sample((X, Arg((0, 4))), call=lambda torch, x, y: torch.cat([x, y]), note="empty part"),
        Sample(
            (X, Arg((0,))),
            call=lambda torch, x, y: torch.cat([y, x, y]),
            note="legacy 1-d empty",
        ),
        Sample(
            (X, Arg((1, 4), 0, 5, "int64")),
            call=lambda torch, x, i: torch.cat([i, x]),
            note="promotes int",
        ),
    ],
)


def cat(tensors, dim=0, *, axis=None, out=None):
    """Join ``tensors`` along the existing dimension ``dim``; all other sizes must match.

    ``torch.cat([a, b])`` of shapes (2, 3) and (4, 3) has shape (6, 3). Mixed dtypes
    promote (float with long gives float). A 1-d empty tensor is skipped, as in torch.
    """
    if axis is not None:
        dim = axis
    tensors = _tensor_sequence(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    shaped = [(i, t) for i, t in enumerate(tensors) if not _is_legacy_empty(t.shape)]
    reference = (shaped or [(0, tensors[0])])[0][1]
    ndim = reference._data.ndim
    dim = _wrap_dim(dim, ndim)
    for i, t in shaped:
        shape = t._data.shape
        if len(shape) != ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ndim} and {len(shape)}"
            )
        for d in range(ndim):
            if d != dim and shape[d] != reference._data.shape[d]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size "
                    f"{reference._data.shape[d]} but got size {shape[d]} for tensor number "
                    f"{i} in the list."
                )
    bounds = []
    start = 0
    for t in tensors:
        stop = start + (0 if _is_legacy_empty(t.shape) and shaped else t._data.shape[dim])
        bounds.append((start, stop))
        start = stop
    dtype = _common_dtype(tensors)
    result = apply(CAT, tensors, (dim, tuple(bounds), dtype.np))
    return _with_out(result, out)


concat = concatenate = cat


def _with_out(result, out):
    if out is None:
        return result
    from .arithmetic import _finish

    return _finish(result, out)


def _stack_forward(xp, *args):
    *arrays, dim, dtype = args
    return np.stack(arrays, axis=dim, dtype=dtype, casting="unsafe")


def _stack_rule(i):
    """The VJP of ``stack`` for input ``i``: the gradient's slice ``i`` along ``dim``."""

    def rule(m, g, *args):
        return g[(slice(None),) * args[-2] + (i,)]

    return rule


# stack = unsqueeze every input at dim, then cat: input i gets g's slice i
STACK = Op(
    "stack",
    "StackBackward0",
    forward=_stack_forward,
    vjp=EachInput(_stack_rule),
    jvp="linear",
    samples=[
        Sample((X, X), call=lambda torch, x, y: torch.stack([x, y])),
        Sample((X, X, X), call=lambda torch, x, y, z: torch.stack((x, y, z), dim=-1)),
        Sample((Arg((2, 3)), Arg((2, 3))), call=lambda torch, x, y: torch.stack([x, y], 1)),
        Sample((Arg(()), Arg(())), call=lambda torch, x, y: torch.stack([x, y])),
        Sample(
            (Arg((2,)), Arg((2,), 0, 4, "int64")),
            call=lambda torch, x, i: torch.stack([x, i]),
            note="promotes int",
        ),
    ],
)


def stack(tensors, dim=0, *, out=None):
    """Join equally shaped ``tensors`` along a *new* dimension ``dim``.

    ``torch.stack([a, b])`` of two (2, 3) tensors has shape (2, 2, 3).
    """
    tensors = _tensor_sequence(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    dim = _wrap_dim(dim, len(shape) + 1)
    for i, t in enumerate(tensors):
        if t._data.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry "
                f"0 and {list(t._data.shape)} at entry {i}"
            )
    result = apply(STACK, tensors, (dim, _common_dtype(tensors).np))
    return _with_out(result, out)


# ---------------------------------------------------------------------------- splitting


def _split_forward(xp, a, dim, sizes):
    return tuple(np.split(a, np.cumsum(sizes[:-1]), axis=dim))


# the outputs are consecutive slices of the input: their gradients are concatenated back
SPLIT = Op(
    "split",
    "SplitBackward0",
    forward=_split_forward,
    vjp=(lambda m, g, a, out, dim, sizes: m.cat(g, dim),),
    jvp="linear",
    n_outputs=None,
    samples=[
        Sample((X,), call=lambda torch, x: torch.split(x, 2)),
        Sample((X,), call=lambda torch, x: x.split(3, dim=1)),
        Sample((X,), call=lambda torch, x: torch.split(x, 5), note="one piece"),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x.split(1, -1)),
        Sample((X,), call=lambda torch, x: torch.chunk(x, 2)),
        Sample((X,), call=lambda torch, x: x.chunk(3, dim=-1), note="fewer chunks"),
    ],
)

SPLIT_WITH_SIZES = Op(
    "split_with_sizes",
    "SplitWithSizesBackward0",
    forward=_split_forward,
    vjp=(lambda m, g, a, out, dim, sizes: m.cat(g, dim),),
    jvp="linear",
    n_outputs=None,
    samples=[
        Sample((X,), call=lambda torch, x: torch.split(x, [1, 2])),
        Sample((X,), call=lambda torch, x: x.split([2, 0, 2], dim=-1), note="empty piece"),
        Sample((Arg((0, 2)),), call=lambda torch, x: torch.chunk(x, 3), note="empty chunks"),
    ],
    public="split",
)


def _views(results, base):
    return tuple(as_view(r, base) for r in results)


def split(tensor, split_size_or_sections=None, dim=0, *, split_size=None):
    """Cut ``tensor`` along ``dim`` into pieces: of ``split_size`` each (the last may be
    smaller), or of the sizes in a list. The pieces are views of ``tensor``.

    ``torch.split(x, 2)`` of a length-5 dim gives sizes 2, 2, 1; ``torch.split(x, [1, 4])``
    gives 1, 4 (the sizes must add up to the dimension's length).
    """
    sections = split_size_or_sections if split_size is None else split_size
    if sections is None:
        raise TypeError("split() missing 1 required positional argument: 'split_size'")
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    dim = _wrap_dim(dim, tensor._data.ndim)
    length = tensor._data.shape[dim]
    if isinstance(sections, Tensor):
        sections = sections.tolist()
    if isinstance(sections, list | tuple):
        sizes = tuple(int(n) for n in sections)
        if any(n < 0 for n in sizes):
            raise RuntimeError(
                "split_with_sizes expects split_sizes have only non-negative entries, but got "
                f"split_sizes={list(sizes)}"
            )
        if sum(sizes) != length:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {length} (input "
                f"tensor's size at dimension {dim}), but got split_sizes={list(sizes)}"
            )
        op = SPLIT_WITH_SIZES
    else:
        size = int(sections)
        if size < 0:
            raise RuntimeError(
                f"split expects split_size be non-negative, but got split_size={size}"
            )
        if size == 0 and length != 0:
            raise RuntimeError(
                "split_size can only be 0 if dimension size is 0, but got dimension size of "
                f"{length}"
            )
        pieces = max(-(-length // size), 1) if size else 1
        sizes = (size,) * (pieces - 1) + (length - size * (pieces - 1),)
        op = SPLIT
    return _views(apply(op, (tensor,), (dim, sizes)), tensor)


def chunk(input, chunks, dim=0):
    """Cut ``input`` into ``chunks`` pieces of equal size along ``dim`` (the last may be
    smaller, and there may be fewer pieces when the size does not divide). Views."""
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    dim = _wrap_dim(dim, input._data.ndim)
    length = input._data.shape[dim]
    size = -(-length // chunks)
    if size == 0 and length == 0:
        return split(input, [0] * chunks, dim)
    return split(input, size, dim)


def _unbind_forward(xp, a, dim):
    return tuple(a[(slice(None),) * dim + (i,)] for i in range(a.shape[dim]))


# every slice along dim becomes an output: their gradients are stacked back
UNBIND = Op(
    "unbind",
    "UnbindBackward0",
    forward=_unbind_forward,
    vjp=(lambda m, g, a, out, dim: m.stack(g, dim),),
    jvp="linear",
    n_outputs=None,
    samples=[
        Sample((X,), call=lambda torch, x: torch.unbind(x)),
        Sample((X,), call=lambda torch, x: x.unbind(-1)),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x.unbind(dim=1)),
        Sample((Arg((2, 3)),), call=lambda torch, x: tuple(x), note="iteration"),
    ],
)


def unbind(input, dim=0):
    """The slices of ``input`` along ``dim``, as a tuple of views with ``dim`` removed
    (iterating over a tensor does ``unbind(0)``)."""
    if input._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    dim = _wrap_dim(dim, input._data.ndim)
    return _views(apply(UNBIND, (input,), (dim,)), input)


# ---------------------------------------------------------------------------- reordering


def _dims_arg(args, dims, name):
    if dims is None:
        if len(args) == 1 and isinstance(args[0], list | tuple | Size):
            dims = args[0]
        elif all(isinstance(d, int | np.integer) for d in args):
            dims = args
        else:
            raise TypeError(
                f"{name}(): argument 'dims' must be tuple of ints, not {type_name(args[0])}"
            )
    return tuple(int(d) for d in dims)


def _unique_dims(dims, ndim) -> tuple:
    wrapped = tuple(_wrap_dim(d, ndim) for d in dims)
    for d in wrapped:
        if wrapped.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return wrapped


# flip reverses the order along dims: so does its gradient
FLIP = Op(
    "flip",
    "FlipBackward0",
    forward=lambda xp, a, dims: np.flip(a, dims).copy(),
    vjp=(lambda m, g, a, out, dims: m.flip(g, dims),),
    jvp="linear",
    samples=[
        Sample((X,), call=lambda torch, x: torch.flip(x, (0,))),
        Sample((X,), call=lambda torch, x: x.flip(0, 1)),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: torch.flip(x, [-1, 0])),
        Sample((X,), call=lambda torch, x: torch.flip(x, ()), note="no dims"),
        Sample((X,), call=lambda torch, x: torch.fliplr(x)),
        Sample((Arg((3,)),), call=lambda torch, x: torch.flipud(x)),
    ],
)


def flip(input, *args, dims=None):
    """A copy with the order of the elements reversed along each of ``dims``.

    ``torch.flip(x, (0,))`` reverses the rows; ``x.flip(0, 1)`` both axes.
    """
    dims = _unique_dims(_dims_arg(args, dims, "flip"), input._data.ndim)
    return apply(FLIP, (input,), (dims,))


def fliplr(input):
    """Reverse the columns (``flip(input, (1,))``); needs at least 2 dimensions."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return apply(FLIP, (input,), ((1,),))


def flipud(input):
    """Reverse the rows (``flip(input, (0,))``); needs at least 1 dimension."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return apply(FLIP, (input,), ((0,),))


def _roll_forward(xp, a, shifts, dims):
    return np.roll(a, shifts[0] if dims is None else shifts, dims)


def _negated(shifts):
    return tuple(-s for s in shifts)


# a roll moves every element by `shifts` (wrapping around): the gradient rolls back
ROLL = Op(
    "roll",
    "RollBackward0",
    forward=_roll_forward,
    vjp=(
        lambda m, g, a, out, shifts, dims: m.roll(
            g, -shifts[0] if dims is None else _negated(shifts), dims
        ),
    ),
    jvp="linear",
    samples=[
        Sample((X,), call=lambda torch, x: torch.roll(x, 1), note="flattened"),
        Sample((X,), call=lambda torch, x: torch.roll(x, -1, 0)),
        Sample((X,), call=lambda torch, x: torch.roll(x, (1, 5), (0, -1))),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x.roll(shifts=2, dims=1)),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x.roll([1, -2], [2, 0])),
    ],
)


def roll(input, shifts, dims=None):
    """Shift the elements by ``shifts`` along ``dims``, wrapping around the end.

    Without ``dims`` the tensor is rolled as if flattened, then given its shape back.
    ``shifts`` and ``dims`` may be ints or equally long tuples.
    """
    shifts = (shifts,) if isinstance(shifts, int | np.integer) else tuple(shifts)
    if dims is not None:
        dims = (dims,) if isinstance(dims, int | np.integer) else tuple(dims)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if (dims is None and len(shifts) != 1) or (dims is not None and len(dims) != len(shifts)):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:"
            f"{0 if dims is None else len(dims)}"
        )
    shifts = tuple(int(s) for s in shifts)
    if dims is not None:
        dims = tuple(_wrap_dim(d, input._data.ndim) for d in dims)
    return apply(ROLL, (input,), (shifts, dims))


def _repeat_vjp(m, g, shape, repeats):
    """Sum the copies: view g as (r0, n0, r1, n1, ...) and sum over the r axes."""
    padded = (1,) * (len(repeats) - len(shape)) + tuple(shape)
    interleaved = []
    for r, n in zip(repeats, padded, strict=True):
        interleaved += [r, n]
    summed = m.sum(m.reshape(g, tuple(interleaved)), tuple(range(0, 2 * len(repeats), 2)))
    return m.reshape(summed, shape)


# repeat tiles copies of the input: each input element gets the sum of its copies' grads
REPEAT = Op(
    "repeat",
    "RepeatBackward0",
    forward=lambda xp, a, repeats: np.tile(a, repeats),
    vjp=(lambda m, g, a, out, repeats: _repeat_vjp(m, g, a.shape, repeats),),
    jvp="linear",
    samples=[
        Sample((X,), call=lambda torch, x: x.repeat(2, 1)),
        Sample((X,), call=lambda torch, x: x.repeat(2, 1, 3), note="new dim"),
        Sample((X,), call=lambda torch, x: x.repeat([1, 0]), note="zero copies"),
        Sample((Arg((3,)),), call=lambda torch, x: x.repeat(3)),
        Sample((Arg(()),), call=lambda torch, x: x.repeat(2, 2)),
        Sample((X,), call=lambda torch, x: torch.tile(x, (2,))),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x.tile(2, 1)),
    ],
)


def repeat(input, *sizes):
    """Tile ``input`` ``sizes[d]`` times along each dimension (a copy).

    ``x.repeat(2, 3)`` of a (2, 2) tensor has shape (4, 6); extra leading sizes add
    dimensions: ``x.repeat(5, 1, 1)`` has shape (5, 2, 2).
    """
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    repeats = _shape_args(sizes, "repeat", "repeats")
    shape = input._data.shape
    if len(repeats) < len(shape):
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor"
        )
    padded = (1,) * (len(repeats) - len(shape)) + shape
    target = [r * n for r, n in zip(repeats, padded, strict=True)]
    for n in target:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {target}")
    return apply(REPEAT, (input,), (repeats,))


def tile(input, *dims):
    """``repeat`` that also accepts fewer sizes than dimensions (ones are prepended):
    ``torch.tile(x, (2,))`` repeats the last dimension twice."""
    repeats = _shape_args(dims, "tile", "dims")
    repeats = (1,) * (input._data.ndim - len(repeats)) + repeats
    return repeat(input, *repeats)


def movedim(input, source, destination):
    """Move dimension(s) ``source`` to position(s) ``destination``, keeping the order of
    the others: ``movedim(x, 0, -1)`` of a (2, 3, 4) tensor has shape (3, 4, 2). A view."""
    ndim = input._data.ndim
    src = (source,) if isinstance(source, int | np.integer) else tuple(source)
    dst = (destination,) if isinstance(destination, int | np.integer) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)"
        )
    src = tuple(_wrap_dim(d, ndim) for d in src)
    dst = tuple(_wrap_dim(d, ndim) for d in dst)
    for name, dims in (("source", src), ("destination", dst)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(dims)})")
    order = [None] * ndim
    for s, d in zip(src, dst, strict=True):
        order[d] = s
    rest = iter(d for d in range(ndim) if d not in src)
    order = [next(rest) if d is None else d for d in order]
    return permute(input, *order)


moveaxis = movedim


def narrow(input, dim, start, length):
    """The view ``input[..., start:start + length, ...]`` along ``dim`` (negative ``start``
    counts from the end)."""
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    dim = _wrap_dim(dim, input._data.ndim)
    if isinstance(start, Tensor):
        start = start.item()
    size = input._data.shape[dim]
    if not -size <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
        )
    start = start + size if start < 0 else start
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    from .index import SLICE

    return as_view(apply(SLICE, (input,), (dim, start, start + length, 1)), input)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-d tensors: with ``indexing='ij'`` output ``i`` varies along
    dimension ``i``; ``'xy'`` (NumPy's default) swaps the first two dimensions. The outputs
    are expanded views (no copy)."""
    if len(tensors) == 1 and isinstance(tensors[0], list | tuple):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the "
            "indexing argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(
                "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a tensor "
                f"of shape {list(t.shape)}"
            )
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    positions = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        positions[0], positions[1] = 1, 0
    grid = [0] * len(tensors)
    for t, p in zip(tensors, positions, strict=True):
        grid[p] = t._data.size
    outputs = []
    for t, p in zip(tensors, positions, strict=True):
        shape = [1] * len(tensors)
        shape[p] = -1
        outputs.append(expand(view(t, shape), *grid))
    return tuple(outputs)


# the torch namespace functions of this family, and those that are also Tensor methods
__all__ = [
    "broadcast_to",
    "cat",
    "chunk",
    "clone",
    "concat",
    "concatenate",
    "contiguous",
    "expand",
    "expand_as",
    "flatten",
    "flip",
    "fliplr",
    "flipud",
    "meshgrid",
    "moveaxis",
    "movedim",
    "narrow",
    "permute",
    "reshape",
    "roll",
    "split",
    "squeeze",
    "stack",
    "swapaxes",
    "swapdims",
    "t",
    "tile",
    "transpose",
    "unbind",
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
    "split",
    "chunk",
    "unbind",
    "flip",
    "fliplr",
    "flipud",
    "roll",
    "repeat",
    "tile",
    "movedim",
    "moveaxis",
    "narrow",
]
INPLACE_METHODS = []


# ------------------------------------------------------------------ compositions
#
# NumPy-style stacking and splitting, and the shape helpers of the Tensor API. All are
# compositions of the ops above (cat, narrow, view, expand ...): their gradients come from
# those ops' rules.


def view_as(input, other):
    """``input.view(other.size())``: the same data seen with ``other``'s shape."""
    return view(input, *other.shape)


def reshape_as(input, other):
    """``input.reshape(other.size())``."""
    return reshape(input, *other.shape)


def ravel(input):
    """The elements as a 1-d tensor (a view when possible): ``reshape(-1)``."""
    return reshape(input, -1)


def _atleast(input, ndim):
    """``input`` with size-1 dims added (as NumPy's ``atleast_Nd``) up to ``ndim`` dims."""
    shape = input._data.shape
    if len(shape) >= ndim:
        return input
    if ndim == 3 and len(shape) == 2:
        return unsqueeze(input, 2)  # (a, b) -> (a, b, 1)
    if ndim == 3 and len(shape) == 1:
        return unsqueeze(unsqueeze(input, 0), 2)  # (n,) -> (1, n, 1)
    while input._data.ndim < ndim:
        input = unsqueeze(input, 0)
    return input


def _atleast_function(ndim):
    def function(*tensors):
        if len(tensors) == 1 and isinstance(tensors[0], list | tuple):
            return tuple(_atleast(t, ndim) for t in tensors[0])
        if len(tensors) == 1:
            return _atleast(tensors[0], ndim)
        return tuple(_atleast(t, ndim) for t in tensors)

    function.__name__ = function.__qualname__ = f"atleast_{ndim}d"
    function.__doc__ = (
        f"Each tensor with at least {ndim} dimension(s) (size-1 dims added); one tensor in, "
        "one out, several in, a tuple out."
    )
    return function


atleast_1d = _atleast_function(1)
atleast_2d = _atleast_function(2)
atleast_3d = _atleast_function(3)


def hstack(tensors, *, out=None):
    """Concatenate horizontally: along dim 1, or dim 0 when the tensors are 1-d."""
    tensors = atleast_1d(_tensor_sequence(tensors, "hstack"))
    dim = 0 if tensors[0]._data.ndim == 1 else 1
    return cat(tensors, dim, out=out)


def vstack(tensors, *, out=None):
    """Concatenate vertically (along dim 0), 1-d tensors as rows."""
    return cat(atleast_2d(_tensor_sequence(tensors, "vstack")), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Concatenate in depth (along dim 2), after making each tensor at least 3-d."""
    return cat(atleast_3d(_tensor_sequence(tensors, "dstack")), 2, out=out)


def column_stack(tensors, *, out=None):
    """Stack as columns: 0-d and 1-d tensors become columns, then concatenate along dim 1."""
    tensors = _tensor_sequence(tensors, "column_stack")
    columns = [reshape(t, t._data.size, 1) if t._data.ndim <= 1 else t for t in tensors]
    return cat(columns, 1, out=out)


def tensor_split(input, indices_or_sections, dim=0):
    """Split into pieces along ``dim``: ``n`` pieces of sizes as equal as possible (the
    first ``size % n`` one larger), or at the given indices (``[1, 4]`` gives
    ``x[:1], x[1:4], x[4:]``). The pieces are views."""
    if input._data.ndim == 0:
        raise RuntimeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"
        )
    dim = _wrap_dim(dim, input._data.ndim)
    size = input._data.shape[dim]
    split = indices_or_sections
    if isinstance(split, Tensor):
        if split.dtype is not dtypes.int64:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to have dtype of long, "
                f"but got {split.dtype}"
            )
        if split._data.ndim > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional "
                f"or one-dimensional tensor, but got a tensor with {split._data.ndim} dims"
            )
        split = split.item() if split._data.ndim == 0 else split.tolist()
    if isinstance(split, int | np.integer) and not isinstance(split, bool):
        if split <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {split}")
        small, extra = divmod(size, int(split))
        bounds = [0]
        for k in range(int(split)):
            bounds.append(bounds[-1] + small + (1 if k < extra else 0))
    elif isinstance(split, list | tuple):
        bounds = [0] + [max(0, min(int(i) + size if i < 0 else int(i), size)) for i in split]
        bounds.append(size)
    else:
        raise TypeError(
            "tensor_split(): argument 'indices_or_sections' must be int, tuple of ints or "
            f"Tensor, not {type_name(split)}"
        )
    return tuple(
        narrow(input, dim, start, max(0, stop - start))
        for start, stop in zip(bounds[:-1], bounds[1:], strict=True)
    )


def _directional_split(name, dim_of):
    def function(input, indices_or_sections):
        ndim = input._data.ndim
        dim, needed = dim_of(ndim)
        if ndim < needed:
            raise RuntimeError(
                f"torch.{name} requires a tensor with at least {needed} dimension, but got a "
                f"tensor with {ndim} dimensions!"
            )
        sections = indices_or_sections
        if isinstance(sections, int) and input._data.shape[dim] % max(sections, 1):
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                f"dimension {input._data.shape[dim]} is not divisible by the split_size "
                f"{sections}!"
            )
        return tensor_split(input, sections, dim)

    function.__name__ = function.__qualname__ = name
    return function


hsplit = _directional_split("hsplit", lambda ndim: (0 if ndim == 1 else 1, 1))
hsplit.__doc__ = "Split along dim 1 (dim 0 for a 1-d tensor); see ``tensor_split``."
vsplit = _directional_split("vsplit", lambda ndim: (0, 2))
vsplit.__doc__ = "Split along dim 0 (the tensor must be at least 2-d); see ``tensor_split``."
dsplit = _directional_split("dsplit", lambda ndim: (2, 3))
dsplit.__doc__ = "Split along dim 2 (the tensor must be at least 3-d); see ``tensor_split``."


def broadcast_shapes(*shapes):
    """The shape that tensors of the given shapes broadcast to (a ``torch.Size``)."""
    from .._tensor import Size

    normalized = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    try:
        return Size(np.broadcast_shapes(*normalized))
    except ValueError:
        raise RuntimeError(
            f"Shape mismatch: objects cannot be broadcast to a single shape: "
            f"{', '.join(str(list(s)) for s in normalized)}"
        ) from None


def broadcast_tensors(*tensors):
    """The tensors expanded (as views) to their common broadcast shape."""
    if len(tensors) == 1 and isinstance(tensors[0], list | tuple):
        tensors = tuple(tensors[0])
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t if tuple(t.shape) == tuple(shape) else expand(t, *shape) for t in tensors)


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90° ``k`` times in the plane of ``dims``, from the first towards the
    second dim (a flip and a transpose)."""
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    ndim = input._data.ndim
    if ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {ndim}")
    first, second = (_wrap_dim(d, ndim) for d in dims)
    if first == second:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {first} and dim1 = {second}"
        )
    k = k % 4
    if k == 1:
        return transpose(flip(input, (second,)), first, second)
    if k == 2:
        return flip(input, (first, second))
    if k == 3:
        return flip(transpose(input, first, second), (second,))
    return clone(input)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element ``repeats`` times (a number, or one count per element) along
    ``dim`` (the flattened tensor when ``dim`` is None): ``[1, 2] -> [1, 1, 2, 2]``.

    ``repeat_interleave(counts)`` alone gives ``0`` counts[0] times, ``1`` counts[1] times...
    """
    from .index import index_select

    if repeats is None:
        counts = input._data
        if counts.ndim != 1 or counts.dtype.kind not in "iu":
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        return Tensor._make(np.repeat(np.arange(counts.size), counts))
    if dim is None:
        input = reshape(input, -1)
        dim = 0
    dim = _wrap_dim(dim, input._data.ndim)
    size = input._data.shape[dim] if input._data.ndim else 1
    counts = repeats._data if isinstance(repeats, Tensor) else np.asarray(repeats)
    if counts.ndim > 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if counts.size not in (1, size):
        raise RuntimeError(
            f"repeats must have the same size as input along dim, but got repeats.size(0) = "
            f"{counts.size} and input.size({dim}) = {size}"
        )
    if (counts < 0).any():
        raise RuntimeError("repeats can not be negative")
    positions = np.repeat(np.arange(size), np.broadcast_to(counts.reshape(-1), (size,)))
    if input._data.ndim == 0:
        input = reshape(input, 1)
    return index_select(input, dim, Tensor._make(positions.astype(np.int64)))


def sum_to_size(input, *size):
    """Sum ``input`` down to ``size`` (which it must broadcast to), as the gradient of a
    broadcast operation is: over the leading dims and where ``size`` has a 1."""
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], list | tuple) else size
    shape = tuple(int(n) for n in shape)
    current = tuple(input.shape)
    lead = len(current) - len(shape)
    if lead < 0 or any(n not in (1, current[lead + i]) for i, n in enumerate(shape)):
        raise RuntimeError(f"size {list(shape)} is not expandable to size {list(current)}.")
    dims = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and current[lead + i] != 1
    )
    if not dims:
        return input
    return reshape(input.sum(dim=dims, keepdim=True), *shape)


def unfold(input, dimension, size, step):
    """Every window of ``size`` elements along ``dimension``, ``step`` apart: that dim
    becomes the number of windows, and a last dim of length ``size`` is added."""
    from .index import index_select

    ndim = input._data.ndim
    dim = _wrap_dim(dimension, ndim) if ndim else 0
    length = input._data.shape[dim] if ndim else 1
    if size > length:
        raise RuntimeError(
            f"maximum size for tensor at dimension {dim} is {length} but size is {size}"
        )
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    count = (length - size) // step + 1
    positions = (np.arange(count)[:, None] * step + np.arange(size)).reshape(-1)
    if ndim == 0:
        return reshape(input, size)
    picked = index_select(input, dim, Tensor._make(positions.astype(np.int64)))
    shape = list(input.shape)
    shape[dim : dim + 1] = [count, size]
    return movedim(reshape(picked, *shape), dim + 1, -1)


__all__ += [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_shapes",
    "broadcast_tensors",
    "column_stack",
    "dsplit",
    "dstack",
    "hsplit",
    "hstack",
    "ravel",
    "repeat_interleave",
    "rot90",
    "row_stack",
    "tensor_split",
    "vsplit",
    "vstack",
]
METHODS += [
    "dsplit",
    "hsplit",
    "ravel",
    "repeat_interleave",
    "reshape_as",
    "rot90",
    "sum_to_size",
    "tensor_split",
    "unfold",
    "view_as",
    "vsplit",
]


def detach(input):
    """``input.detach()``: the same values, cut from the graph."""
    return input.detach()


__all__ += ["detach"]


# ---------------------------------------------------------------------------- as_strided
#
# A tensor's elements live in a storage, a flat run of memory shared by all its views; the
# tensor reads element (i, j) at ``storage[offset + i * stride[0] + j * stride[1]]``.
# ``as_strided`` makes a view with any size, stride and offset on that storage: windows
# that overlap (``stride < size``), repeated rows (stride 0), diagonals (stride n + 1).


def _strided_positions(size, stride, offset) -> np.ndarray:
    """For each element of a view (``size``, ``stride``, ``offset``), its position in the
    storage: an int64 array shaped ``size``."""
    positions = np.full(tuple(size), offset, dtype=np.int64)
    for dim, (n, step) in enumerate(zip(size, stride, strict=True)):
        steps = np.arange(n, dtype=np.int64) * step
        positions = positions + steps.reshape((n,) + (1,) * (len(size) - dim - 1))
    return positions


def _storage_needed(size, stride, offset) -> int:
    """How many storage elements a view reads up to: 0 when it has no element."""
    if any(n == 0 for n in size):
        return 0
    return offset + 1 + sum((n - 1) * step for n, step in zip(size, stride, strict=True))


def _as_strided_forward(xp, storage, size, stride, offset, geometry):
    """The view of ``storage`` (a 1-d array: element 0 is at storage offset 0) with the
    given size, stride and offset, sharing its memory. The registry's tests call it with
    a fresh contiguous tensor, which is its own storage."""
    flat = storage.reshape(-1)
    if _storage_needed(size, stride, offset) > flat.size:
        raise RuntimeError("as_strided: the view reads beyond the end of its storage")
    itemsize = flat.itemsize
    # several elements at one address (a stride of 0): in-place writes are refused, as
    # torch refuses them ("more than one element ... refers to a single memory location")
    repeats = any(step == 0 and n > 1 for n, step in zip(size, stride, strict=True))
    return np.lib.stride_tricks.as_strided(
        flat[min(offset, flat.size) :],
        shape=tuple(size),
        strides=tuple(step * itemsize for step in stride),
        writeable=not repeats,
    )


def _storage_buffer(size, stride, offset, geometry):
    """The positions the view reads and the input holds, the length of storage they span,
    and how many times the input holds each storage element (more than once when the
    input itself is expanded)."""
    out_positions = _strided_positions(size, stride, offset).reshape(-1)
    in_positions = _strided_positions(*geometry).reshape(-1)
    length = 1 + max(out_positions.max(initial=-1), in_positions.max(initial=-1))
    counts = np.bincount(in_positions, minlength=length)
    return out_positions, in_positions, int(length), counts


def _shared_out(m, storage, counts, like):
    """``storage`` divided by ``counts`` where the input holds an element several times."""
    if counts.max(initial=0) <= 1:
        return storage
    divisor = np.maximum(counts, 1).astype(like.dtype)
    return storage / (Tensor._make(divisor) if m.records_graph() else divisor)


def _as_strided_vjp(m, g, a, out, size, stride, offset, geometry):
    """``g`` added into zeros shaped like the storage at the positions the view reads
    (overlapping windows add up there), then read back at the input's own positions.
    Storage the input does not hold gets no gradient; an element the input holds several
    times (an expanded input) shares its gradient among its copies."""
    out_positions, in_positions, length, counts = _storage_buffer(size, stride, offset, geometry)
    storage = m.index_accumulate(m.reshape(g, (-1,)), (length,), (out_positions,))
    storage = _shared_out(m, storage, counts, g)
    return m.reshape(storage[in_positions], a.shape)


def _as_strided_jvp(m, t, a, out, size, stride, offset, geometry):
    """The input's tangent placed at its storage positions, read at the view's."""
    out_positions, in_positions, length, counts = _storage_buffer(size, stride, offset, geometry)
    storage = m.index_accumulate(m.reshape(t[0], (-1,)), (length,), (in_positions,))
    storage = _shared_out(m, storage, counts, t[0])
    return m.reshape(storage[out_positions], tuple(size))


AS_STRIDED = Op(
    "as_strided",
    "AsStridedBackward0",
    forward=_as_strided_forward,
    vjp=(_as_strided_vjp,),
    jvp=_as_strided_jvp,
    samples=[
        Sample((Arg((3, 4)),), call=lambda torch, x: x.as_strided((2, 2), (4, 1), 1)),
        Sample(
            (Arg((6,)),),
            call=lambda torch, x: torch.as_strided(x, (4, 3), (1, 1)),
            note="overlapping windows",
        ),
        Sample((Arg((3, 3)),), call=lambda torch, x: x.as_strided((3,), (4,)), note="diagonal"),
        Sample(
            (Arg((2, 3)),),
            call=lambda torch, x: x.as_strided((2, 3, 2), (0, 1, 3)),
            note="zero stride",
        ),
        Sample((Arg((4,)),), call=lambda torch, x: x.as_strided((), (), 3), note="0-d"),
        Sample((Arg((4,)),), call=lambda torch, x: x.as_strided((2, 0), (1, 1)), note="empty"),
    ],
)


def _int_tuple(value, name: str, position: int) -> tuple:
    """``size`` or ``stride`` as a tuple of ints, with torch's TypeErrors."""
    if isinstance(value, Tensor) or not isinstance(value, tuple | list | Size):
        raise TypeError(
            f"as_strided(): argument '{name}' (position {position}) must be tuple of ints, "
            f"not {type_name(value)}"
        )
    for pos, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, int | np.integer):
            raise TypeError(
                f"as_strided(): argument '{name}' (position {position}) must be tuple of ints, "
                f"but found element of type {type_name(item)} at pos {pos}"
            )
    return tuple(int(item) for item in value)


def _storage_of(input: Tensor) -> np.ndarray:
    """``input``'s whole storage as a 1-d array of its dtype sharing the memory: from
    storage offset 0 (where ``storage_offset()`` counts from) to the end of the memory
    block that holds it. The block's extent is read from the array that owns the memory,
    so no view made from the result can reach outside it."""
    data = input._data
    itemsize = data.itemsize
    start = data.__array_interface__["data"][0] - input.storage_offset() * itemsize
    owner = input._storage_owner()._data
    while isinstance(owner.base, np.ndarray):
        owner = owner.base
    low = high = owner.__array_interface__["data"][0]
    if owner.size:
        high += owner.itemsize
        for n, step in zip(owner.shape, owner.strides, strict=True):
            low += min(0, (n - 1) * step)
            high += max(0, (n - 1) * step)
    if not low <= start <= high:
        raise RuntimeError("as_strided: cannot locate this tensor's storage")
    interface = {
        "data": (start, not owner.flags.writeable),
        "shape": ((high - start) // itemsize,),
        "strides": (itemsize,),
        "typestr": data.dtype.str,
        "version": 3,
    }
    # an object exposing that memory to NumPy; as the new array's base it keeps ``data``
    # (and so the memory) alive
    memory = type("StorageMemory", (), {"__array_interface__": interface, "tensor_data": data})
    return np.asarray(memory())


def as_strided(input, size, stride, storage_offset=None):
    """A view of ``input``'s storage with the given ``size`` and ``stride`` (in elements),
    starting ``storage_offset`` elements into the storage (default: where ``input``
    starts). Element (i, j) is ``storage[storage_offset + i * stride[0] + j * stride[1]]``.

    ``x.as_strided((n - k + 1, k), (1, 1))`` gives the sliding windows of length ``k`` of a
    1-d ``x``, sharing its memory: writes through the view change ``x``. Backward adds the
    gradient of every window into the storage position it read, so overlapping windows
    sum up.
    """
    size = _int_tuple(size, "size", 1)
    stride = _int_tuple(stride, "stride", 2)
    if storage_offset is None:
        offset = input.storage_offset()
    elif isinstance(storage_offset, bool) or not isinstance(storage_offset, int | np.integer):
        raise TypeError(
            "as_strided(): argument 'storage_offset' (position 3) must be int, not "
            f"{type_name(storage_offset)}"
        )
    else:
        offset = int(storage_offset)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(step < 0 for step in stride):
        raise RuntimeError(
            f"as_strided: Negative strides are not supported at the moment, got strides: "
            f"{list(stride)}"
        )
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    if any(n < 0 for n in size):
        raise RuntimeError(
            f"Storage size calculation overflowed with sizes={list(size)} and "
            f"strides={list(stride)}"
        )
    storage = _storage_of(input)
    itemsize = storage.itemsize
    needed = _storage_needed(size, stride, offset)
    if needed > storage.size:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
            f"{offset}, and itemsize {itemsize} requiring a storage size of "
            f"{needed * itemsize} are out of bounds for storage of size "
            f"{storage.size * itemsize}"
        )
    geometry = (tuple(input.shape), tuple(input.stride()), input.storage_offset())
    result = apply(AS_STRIDED, (input,), (size, stride, offset, geometry), (storage,))
    return as_view(result, input)


__all__ += ["as_strided"]
METHODS += ["as_strided"]
