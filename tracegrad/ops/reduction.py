"""Reductions and scans: sum, mean, prod, max/min, var/std, logsumexp, norm, cumsum ...

A reduction y = R(x) over ``dims`` maps each group of reduced elements to one value. Its
VJP spreads the gradient back over the group: ``g`` gets the reduced dims back (size 1)
and broadcasts against the input, times the local derivative ∂y/∂xᵢ of the group's value:
1 for a sum, 1/n for a mean, ∏_{j≠i} xⱼ for a product, the one-hot of the chosen element
for a max ... Its JVP sums ∂y/∂xᵢ · tᵢ over the group. ``dim`` arrives at the ops
normalised to a sorted tuple of non-negative ints (empty for a 0-d tensor).
"""

from __future__ import annotations

import builtins
import math
import operator
import types
import warnings

import numpy as np

from .. import _dtype as dtypes
from .._tensor import _wrap_dim, Tensor, type_name
from ._dispatch import _in_float32
from ._registry import Arg, ArrayMath, Op, Sample, apply
from .._quiet import quiet_off, quiet_on
from .arithmetic import silent
from .._dtype import TYPE_WORDS

X = Arg((3, 4))
X3 = Arg((2, 3, 4))
SCALAR = Arg(())
INF = math.inf


class _NoDim:
    """Default of ``dim`` in ``sum``/``mean``: prints as ``None``.

    PyTorch records ``x.sum()`` as SumBackward0 but ``x.sum(None)`` (an explicit dim
    list, even empty) as SumBackward1; this default tells the two calls apart.
    """

    def __repr__(self) -> str:
        return "None"


_NO_DIM = _NoDim()


def normalize_dims(dim, ndim) -> tuple:
    """``dim`` (None, int, or sequence) as a sorted tuple of non-negative dims.

    ``None`` and an empty sequence mean every dim. A 0-d tensor accepts dim 0 and -1 and
    has no dim to reduce: the result is ``()``.
    """
    if dim is None or isinstance(dim, _NoDim):
        return tuple(range(ndim))
    if isinstance(dim, int | np.integer):
        dim = (dim,)
    if not isinstance(dim, tuple | list):
        raise TypeError(f"dim must be an int, a tuple of ints or None, got {type(dim).__name__}")
    dims = tuple(_wrap_dim(d, ndim) for d in dim)
    if len(set(dims)) != len(dims):
        repeated = next(d for d in dims if dims.count(d) > 1)
        raise RuntimeError(f"dim {repeated} appears multiple times in the list of dims")
    if ndim == 0:
        return ()
    return tuple(sorted(dims)) if dims else tuple(range(ndim))


def _int_dim(name, dim, ndim) -> int:
    """A single ``dim`` (int) as a non-negative index; torch's TypeError for a tuple."""
    if isinstance(dim, bool) or not isinstance(dim, int | np.integer):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type_name(dim)}")
    return _wrap_dim(int(dim), ndim)


_MISSING = _NoDim()  # a required ``dim`` that may also come as ``axis=``


def _numpy_names(name, dim, keepdim, names, dim_default=None):
    """PyTorch also takes NumPy's spelling: ``axis=`` for ``dim=``, ``keepdims=`` for
    ``keepdim=``. Returns (dim, keepdim)."""
    for key in names:
        if key not in ("axis", "keepdims"):
            raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
    if "axis" in names:
        if dim is not dim_default:
            raise TypeError(f"{name}() got multiple values for argument 'dim'")
        dim = names["axis"]
    if "keepdims" in names:
        keepdim = names["keepdims"]
    if dim is _MISSING:
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    return dim, keepdim


def _check_tensor(name, input) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type_name(input)}"
        )


def _keep(m, x, dims, keepdim):
    """``x`` with the reduced ``dims`` put back as size 1 (broadcasts against the input)."""
    if keepdim or not dims:
        return x
    return m.unsqueeze_dims(x, dims)


def _spread(m, g, shape, dims, keepdim):
    """Undo a reduction's shape: put back the reduced dims (size 1), then expand."""
    return m.expand(_keep(m, g, dims, keepdim), shape)


def _count(shape, dims) -> int:
    count = 1
    for i, n in enumerate(shape):
        if dims is None or i in dims:
            count *= n
    return count


def _squeeze(array, dims, keepdim):
    return array if keepdim or not dims else np.squeeze(array, axis=dims)


def _reduction_jvp(vjp):
    """The JVP of a reduction from its VJP: dy = Σ_group (∂y/∂xᵢ) tᵢ, ∂y/∂x = vjp(g = 1).

    For ops whose params start with ``(dims, keepdim)``.
    """

    def jvp(m, tangents, a, out, dims, keepdim, *rest):
        derivative = vjp(m, m.ones_like(out), a, out, dims, keepdim, *rest)
        return m.sum(derivative * tangents[0], dims, keepdim)

    return jvp


def _type_word(d) -> str:
    """PyTorch's scalar-type name used in error messages (``Long``, ``Double`` ...)."""
    return TYPE_WORDS.get(d.name, d.name)


# ---------------------------------------------------------------------------- sum, mean

# np.sum and np.mean without their Python wrappers (about 1-2 µs per call on small arrays)
_add_reduce = np.add.reduce


def _reduce(op, input, params=()):
    """``apply`` for a reduction; a float16 input is accumulated in float32 and the result
    rounded once, as torch's CPU reductions do (so a sum whose partial sums pass 65504, or
    the squares of std, do not overflow on the way): the dispatch's ``_in_float32``."""
    if input.dtype is dtypes.float16:
        return _in_float32(op, (input,), params, (input._data,))
    return apply(op, (input,), params)


# d Σx = Σ dx: every element gets the gradient of the sum
SUM = Op(
    "sum",
    "SumBackward0",
    forward=lambda xp, a, dtype: _add_reduce(a, None, dtype),
    vjp=(lambda m, g, a, out, dtype: m.expand(g, a.shape),),
    jvp="linear",
    samples=[Sample((X,)), Sample((SCALAR,))],
)

SUM_DIM = Op(
    "sum_dim",
    "SumBackward1",
    forward=lambda xp, a, dims, keepdim, dtype: _add_reduce(a, dims, dtype, keepdims=keepdim),
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
        Sample((X,), {"dim": None, "keepdim": True}, note="None keepdim"),
        Sample((X,), {"dim": ()}, note="empty dims"),
        Sample((SCALAR,), {"dim": 0}, note="0-d"),
        Sample(
            (Arg((3, 4), dtype="float32"),),
            call=lambda torch, x: x.sum(1, dtype=torch.float64),
            note="dtype",
        ),
    ],
    public="sum",
)


def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtypes.to_dtype(dtype).np
    if input.dtype._category != dtypes.FLOAT:
        return np.int64  # torch sums bool and integer tensors as int64
    return None


def sum(input, dim=_NO_DIM, keepdim=False, *, dtype=None, **numpy_names):  # noqa: A001
    """Sum of all elements, or along ``dim`` (int or tuple of ints; ``None`` or ``()``: all).

    Σᵢ xᵢ; every element receives the gradient of the sum. Integer and bool tensors are
    summed as int64 unless ``dtype`` says otherwise.
    """
    if numpy_names:
        dim, keepdim = _numpy_names("sum", dim, keepdim, numpy_names, _NO_DIM)
    _check_tensor("sum", input)
    target = _sum_dtype(input, dtype)
    if target == np.float16 and input.dtype is dtypes.float16:
        target = None  # half precision is summed in float32 and rounded once (_reduce)
    if isinstance(dim, _NoDim):
        op, params = SUM, (target,)
    else:
        op, params = SUM_DIM, (normalize_dims(dim, input._data.ndim), keepdim, target)
    # (a result asked for in another dtype is computed in that dtype, as is)
    return _reduce(op, input, params) if target is None else apply(op, (input,), params)


# d mean(x) = Σ dx / n  (the sum, then one division by n in the dtype: np.mean's roundings)
MEAN = Op(
    "mean",
    "MeanBackward0",
    forward=lambda xp, a: (
        _add_reduce(a, None, a.dtype) / a.dtype.type(a.size)
        if a.size
        else np.asarray(np.nan, a.dtype)
    ),
    vjp=(lambda m, g, a, out: m.expand(g / _count(a.shape, None), a.shape),),
    jvp="linear",
    samples=[Sample((X,)), Sample((SCALAR,))],
)


def _mean(a, dims, keepdim):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.mean(a, axis=dims, keepdims=keepdim, dtype=a.dtype)


MEAN_DIM = Op(
    "mean_dim",
    "MeanBackward1",
    forward=lambda xp, a, dims, keepdim: _mean(a, dims, keepdim),
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
        Sample((X,), {"dim": None, "keepdim": True}, note="None keepdim"),
        Sample((SCALAR,), {"dim": -1}, note="0-d"),
    ],
    public="mean",
)


def mean(input, dim=_NO_DIM, keepdim=False, *, dtype=None, **numpy_names):
    """Mean of all elements, or along ``dim``: (1/n) Σᵢ xᵢ; each element gets g/n.

    Needs a floating dtype (or ``dtype=``), as in PyTorch. The mean of nothing is NaN.
    """
    if numpy_names:
        dim, keepdim = _numpy_names("mean", dim, keepdim, numpy_names, _NO_DIM)
    _check_tensor("mean", input)
    if dtype is not None:
        input = input.to(dtypes.to_dtype(dtype))
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {_type_word(input.dtype)}"
        )
    if isinstance(dim, _NoDim):
        return _reduce(MEAN, input)
    return _reduce(MEAN_DIM, input, (normalize_dims(dim, input._data.ndim), keepdim))


# ---------------------------------------------------------------------------- prod


def _others_product(m, a, dim):
    """∏_{j≠i} xⱼ along ``dim`` for every i, without division: the product of the elements
    before i (an exclusive cumprod) times the product of those after i (the same, flipped).
    """
    n = a.shape[dim]
    if n <= 1:
        return m.ones_like(a)
    lead = (slice(None),) * dim
    ones = m.ones_like(a[lead + (slice(0, 1),)])
    before = m.cumprod(m.cat([ones, a[lead + (slice(0, n - 1),)]], dim), dim)
    flipped = m.flip(a, (dim,))
    after = m.cumprod(m.cat([ones, flipped[lead + (slice(0, n - 1),)]], dim), dim)
    return before * m.flip(after, (dim,))


def _prod_derivative(m, a, out, dims, keepdim):
    """∂(∏ x)/∂xᵢ = ∏_{j≠i} xⱼ over each reduced group, as PyTorch computes it.

    A group without zeros: (∏ x)/xᵢ. A group with zeros: the division-free product of
    the others (exact, and so is its own derivative, which create_graph needs).
    """
    if not dims:  # a 0-d input: d x = dx
        return m.ones_like(a)
    zero = a == 0
    safe = m.where(zero, m.ones_like(a), a)
    has_zero = m.sum(m.cast(zero, a), dims, True) > 0
    if len(dims) == 1:
        others = _others_product(m, a, dims[0])
    else:  # the group spans several dims (all of them): work on the flattened tensor
        others = m.reshape(_others_product(m, m.reshape(a, (-1,)), 0), a.shape)
    return m.where(has_zero, others, _keep(m, out, dims, keepdim) / safe)


def _prod_forward(a, dims, keepdim, dtype):
    return np.prod(a, axis=dims, keepdims=keepdim, dtype=dtype)


def _prod_vjp(m, g, a, out, dims, keepdim, dtype):
    a = m.cast(a, out)  # with dtype=, PyTorch differentiates the converted input
    return _keep(m, g, dims, keepdim) * _prod_derivative(m, a, out, dims, keepdim)


def _prod_all_vjp(m, g, a, out, dtype):
    return _prod_vjp(m, g, a, out, tuple(range(a.ndim)), False, dtype)


def _prod_all_jvp(m, tangents, a, out, dtype):
    dims = tuple(range(a.ndim))
    derivative = _prod_derivative(m, m.cast(a, out), out, dims, False)
    return m.sum(derivative * tangents[0], dims)


PROD_ZEROS = Arg((2, 3), values=[[1.5, 0.0, -0.7], [0.8, -1.2, 1.1]])
PROD_TWO_ZEROS = Arg((2, 3), values=[[1.5, 0.0, 0.0], [0.0, -1.2, 1.1]])

# d ∏x = Σᵢ (∏_{j≠i} xⱼ) dxᵢ
PROD = Op(
    "prod",
    "ProdBackward0",
    forward=lambda xp, a, dtype: np.prod(a, dtype=dtype),
    vjp=(_prod_all_vjp,),
    jvp=_prod_all_jvp,
    samples=[
        Sample((X,)),
        Sample((SCALAR,), note="0-d"),
        Sample((PROD_ZEROS,), note="one zero"),
        Sample((PROD_TWO_ZEROS,), note="two zeros"),
        Sample(
            (Arg((2, 3), dtype="float32"),),
            call=lambda torch, x: x.prod(dtype=torch.float64),
            note="dtype",
        ),
    ],
)

PROD_DIM = Op(
    "prod_dim",
    "ProdBackward1",
    forward=lambda xp, a, dims, keepdim, dtype: _prod_forward(a, dims, keepdim, dtype),
    vjp=(_prod_vjp,),
    jvp=_reduction_jvp(_prod_vjp),
    samples=[
        Sample((X,), {"dim": 1}),
        Sample((X3,), {"dim": -1, "keepdim": True}, call=lambda torch, x, **k: x.prod(**k)),
        Sample((SCALAR,), {"dim": 0}, note="0-d"),
        Sample((PROD_TWO_ZEROS,), {"dim": 1}, note="zeros"),
        Sample((PROD_TWO_ZEROS,), {"dim": 0}, note="zeros dim 0"),
    ],
    public="prod",
)


def prod(input, dim=None, keepdim=False, *, dtype=None, **numpy_names):
    """Product of all elements, or along one ``dim``: ∏ᵢ xᵢ.

    The gradient of element i is ∏_{j≠i} xⱼ (computed without dividing by zero, so it is
    right when the input has zeros). Integer and bool tensors multiply as int64.
    """
    if numpy_names:
        dim, keepdim = _numpy_names("prod", dim, keepdim, numpy_names)
    _check_tensor("prod", input)
    target = _sum_dtype(input, dtype)
    if dim is None:
        return apply(PROD, (input,), (target,))
    ndim = input._data.ndim
    dim = _int_dim("prod", dim, ndim)
    return apply(PROD_DIM, (input,), (() if ndim == 0 else (dim,), keepdim, target))


# ---------------------------------------------------------------------------- max, min


class _ReturnType(tuple):
    """A tuple with named fields, printed like torch's ``torch.return_types.<name>(...)``
    (``(values, indices)`` for max/min/sort ...; each type names its own fields)."""

    __slots__ = ()
    _field_names = ("values", "indices")

    def __new__(cls, sequence):
        items = tuple(sequence)
        if len(items) != len(cls._field_names):
            raise TypeError(
                f"torch.return_types.{cls.__name__}() takes a {len(cls._field_names)}-sequence "
                f"({len(items)}-sequence given)"
            )
        return super().__new__(cls, items)

    def __repr__(self) -> str:
        fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._field_names, self))
        return f"torch.return_types.{type(self).__name__}(\n{fields})"

    def __reduce__(self):
        return (type(self), (tuple(self),))


def _return_type(name, fields=("values", "indices")):
    """A ``_ReturnType`` subclass ``name`` whose items are also read as ``fields``."""
    namespace = {
        "__slots__": (),
        "__qualname__": name,
        "__module__": "tracegrad.return_types",
        "_field_names": tuple(fields),
        "n_fields": len(fields),
        "n_sequence_fields": len(fields),
        "n_unnamed_fields": 0,
    }
    for i, field in enumerate(fields):
        namespace[field] = property(operator.itemgetter(i), doc=f"Item {i}: {field}.")
    return type(name, (_ReturnType,), namespace)


return_types = types.ModuleType(
    "tracegrad.return_types", "Named tuple results of ops (``torch.return_types``)."
)
return_types.max = _return_type("max")
return_types.min = _return_type("min")


def _ties(m, a, out):
    """Where ``a`` equals the selected value ``out`` (NaN counts as equal to NaN)."""
    return (a == out) | ((a != a) & (out != out))


def _evenly_vjp(m, g, a, out):
    """max()/min() of the whole tensor: the gradient is shared evenly between the ties."""
    selected = _ties(m, a, out)
    count = m.sum(m.cast(selected, a), tuple(range(a.ndim)))
    return m.where(selected, m.expand(g / count, a.shape), m.zeros_like(a))


def _evenly_jvp(m, tangents, a, out):
    return m.sum(_evenly_vjp(m, m.ones_like(out), a, out) * tangents[0], tuple(range(a.ndim)))


def _whole(name, grad_fn, pick):
    return Op(
        name,
        grad_fn,
        forward=lambda xp, a: pick(a),
        vjp=(_evenly_vjp,),
        jvp=_evenly_jvp,
        samples=[
            Sample((X,)),
            Sample((SCALAR,), note="0-d"),
            Sample((X3,), call=lambda torch, x: getattr(x, name)()),
        ],
    )


# max/min of everything: d max = dx at the largest element (split evenly between ties)
MAX = _whole("max", "MaxBackward1", np.max)
MIN = _whole("min", "MinBackward1", np.min)


def _amax_vjp(m, g, a, out, dims, keepdim):
    """amax/amin: like PyTorch, g/count at each of the ``count`` tied extremes."""
    selected = m.cast(a == _keep(m, out, dims, keepdim), a)
    count = m.sum(selected, dims, True)
    return _keep(m, g, dims, keepdim) / count * selected


def _amax(name, grad_fn, pick):
    return Op(
        name,
        grad_fn,
        forward=lambda xp, a, dims, keepdim: pick(a, axis=dims, keepdims=keepdim),
        vjp=(_amax_vjp,),
        jvp=_reduction_jvp(_amax_vjp),
        samples=[
            Sample((X,), {"dim": 1}),
            Sample((X3,), {"dim": (0, -1), "keepdim": True}),
            Sample((X,), call=lambda torch, x: getattr(x, name)()),
            Sample((X3,), {"dim": ()}, note="empty dims"),
            Sample((SCALAR,), {"dim": 0}, note="0-d"),
        ],
    )


AMAX = _amax("amax", "AmaxBackward0", np.max)
AMIN = _amax("amin", "AminBackward0", np.min)


def _select_forward(a, dim, keepdim, pick):
    """(values, indices) of the first extreme along ``dim`` (NaN wins, as in PyTorch)."""
    if a.ndim == 0:
        return a.copy(), np.zeros((), np.int64)
    index = pick(a, axis=dim, keepdims=True)
    values = np.take_along_axis(a, index, axis=dim)
    if not keepdim:
        values, index = np.squeeze(values, dim), np.squeeze(index, dim)
    return values, index.astype(np.int64)


def _select_mask(m, a, out, dim, keepdim):
    """One-hot along ``dim`` of the element each (values, indices) result picked."""
    return m.one_hot(_keep(m, out[1], (dim,), keepdim), a.shape, dim)


def _select_vjp(m, g, a, out, dim, keepdim):
    """max/min along a dim: the gradient goes to the one element that was picked."""
    if a.ndim == 0:
        return g[0]
    picked = _select_mask(m, a, out, dim, keepdim)
    return m.where(picked, m.expand(_keep(m, g[0], (dim,), keepdim), a.shape), m.zeros_like(a))


def _select_jvp(m, tangents, a, out, dim, keepdim):
    if a.ndim == 0:
        return tangents[0], None
    picked = _select_mask(m, a, out, dim, keepdim)
    t = tangents[0]
    return m.sum(m.where(picked, t, m.zeros_like(t)), (dim,), keepdim), None


def _select(name, grad_fn, pick, public):
    return Op(
        name,
        grad_fn,
        forward=lambda xp, a, dim, keepdim: _select_forward(a, dim, keepdim, pick),
        vjp=(_select_vjp,),
        jvp=_select_jvp,
        n_outputs=2,
        samples=[
            Sample((X,), {"dim": 1}),
            Sample(
                (X3,),
                {"dim": -2, "keepdim": True},
                call=lambda torch, x, **k: getattr(x, public)(**k),
            ),
            Sample((X3,), call=lambda torch, x: getattr(torch, public)(x, 0, True)),
            Sample((SCALAR,), {"dim": 0}, note="0-d"),
        ],
        public=public,
    )


# max/min along one dim: (values, indices); d = dx at the picked index
MAX_DIM = _select("max_dim", "MaxBackward0", np.argmax, "max")
MIN_DIM = _select("min_dim", "MinBackward0", np.argmin, "min")


def _check_reducible(name, input, dims, whole_error=RuntimeError, hint=True) -> None:
    """PyTorch's errors for max/amax/argmax... over no element (they have no identity)."""
    shape = input._data.shape
    if dims is None:
        if input._data.size == 0:
            message = f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            if hint:
                message += " Specify the reduction dim with the 'dim' argument."
            raise whole_error(message)
        return
    for d in dims:
        if shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _extreme(name, input, dim, keepdim, other, out):
    from .elementwise import maximum, minimum

    binary = maximum if name == "max" else minimum
    if isinstance(dim, Tensor):
        if keepdim is not False:
            raise TypeError(
                f"{name}() received an invalid combination of arguments: with a tensor as "
                f"second argument it is {name}(input, other), which takes no third argument"
            )
        return binary(input, dim, out=out)
    if other is not None:
        return binary(input, other, out=out)
    _check_tensor(name, input)
    whole, select = (MAX, MAX_DIM) if name == "max" else (MIN, MIN_DIM)
    if dim is None:
        _check_reducible(name, input, None)
        return apply(whole, (input,))
    ndim = input._data.ndim
    dim = _int_dim(name, dim, ndim)
    if ndim:
        _check_reducible(name, input, (dim,))
    values, indices = apply(select, (input,), (dim, keepdim))
    return getattr(return_types, name)((values, indices))


def max(input, dim=None, keepdim=False, *, other=None, out=None, **numpy_names):  # noqa: A001
    """The largest element; along ``dim``, a named tuple ``(values, indices)``.

    ``max(a, b)`` (a tensor second argument) is the elementwise ``maximum``. The whole-
    tensor max shares the gradient evenly between tied maxima (MaxBackward1); along a
    dim the gradient goes to the element at ``indices`` (the first maximum).
    """
    if numpy_names:
        dim, keepdim = _numpy_names("max", dim, keepdim, numpy_names)
    return _extreme("max", input, dim, keepdim, other, out)


def min(input, dim=None, keepdim=False, *, other=None, out=None, **numpy_names):  # noqa: A001
    """The smallest element; along ``dim``, a named tuple ``(values, indices)``.

    ``min(a, b)`` is the elementwise ``minimum``. Gradients as for :func:`max`.
    """
    if numpy_names:
        dim, keepdim = _numpy_names("min", dim, keepdim, numpy_names)
    return _extreme("min", input, dim, keepdim, other, out)


def _amax_function(name, op):
    def function(input, dim=(), keepdim=False, *, out=None, **numpy_names):
        if numpy_names:
            dim, keepdim = _numpy_names(name, dim, keepdim, numpy_names, ())
        _check_tensor(name, input)
        dims = normalize_dims(dim, input._data.ndim)
        everything = dim is None or not (isinstance(dim, int) or len(dim))
        _check_reducible(name, input, None if everything else dims)
        return apply(op, (input,), (dims, keepdim))

    function.__name__ = function.__qualname__ = name
    word = "largest" if name == "amax" else "smallest"
    function.__doc__ = (
        f"The {word} value over ``dim`` (int or tuple; ``()``: every dim), no indices.\n\n"
        "Tied extremes share the gradient evenly, as in PyTorch."
    )
    return function


amax = _amax_function("amax", AMAX)
amin = _amax_function("amin", AMIN)


def _arg_forward(a, dim, keepdim, pick):
    if dim is None:
        index = np.asarray(pick(a) if a.size else 0, dtype=np.int64)
        return index.reshape((1,) * a.ndim) if keepdim else index
    if a.ndim == 0:
        return np.zeros((), np.int64)
    return pick(a, axis=dim, keepdims=keepdim).astype(np.int64)


INDEX_INPUT = Arg((3, 4), grad=False)


def _arg_op(name, pick):
    return Op(
        name,
        "NotDifferentiable",
        forward=lambda xp, a, dim, keepdim: _arg_forward(a, dim, keepdim, pick),
        differentiable=False,
        samples=[
            Sample((INDEX_INPUT,)),
            Sample((INDEX_INPUT,), {"dim": 1}),
            Sample((Arg((2, 3, 4), grad=False),), {"dim": -1, "keepdim": True}),
            Sample((INDEX_INPUT,), {"dim": None, "keepdim": True}),
            Sample((Arg((3, 4), low=-5, high=5, dtype="int64", grad=False),), {"dim": 0}),
            Sample((Arg((), grad=False),), {"dim": 0}),
        ],
    )


ARGMAX = _arg_op("argmax", np.argmax)
ARGMIN = _arg_op("argmin", np.argmin)


def _arg_function(name, op):
    def function(input, dim=None, keepdim=False, **numpy_names):
        if numpy_names:
            dim, keepdim = _numpy_names(name, dim, keepdim, numpy_names)
        _check_tensor(name, input)
        if input.dtype is dtypes.bool:
            raise RuntimeError(f"{name}(): does not support bool input")
        if dim is not None:
            dim = _int_dim(name, dim, input._data.ndim)
            if input._data.ndim:
                _check_reducible(name, input, (dim,))
        else:
            _check_reducible(name, input, None, IndexError, hint=False)
        return apply(op, (input,), (dim, keepdim))

    function.__name__ = function.__qualname__ = name
    word = "largest" if name == "argmax" else "smallest"
    function.__doc__ = (
        f"The index (int64) of the first {word} element: in the flattened tensor when\n"
        "``dim`` is None, else along ``dim``. Not differentiable."
    )
    return function


argmax = _arg_function("argmax", ARGMAX)
argmin = _arg_function("argmin", ARGMIN)


# ---------------------------------------------------------------------------- var, std


def _dof(shape, dims, correction):
    """The divisor of var: n − correction, never below 0 (0 gives inf or NaN)."""
    return builtins.max(0, _count(shape, dims) - correction)


def _var_forward(a, dims, keepdim, correction):
    with np.errstate(invalid="ignore", divide="ignore"):
        center = np.sum(a, axis=dims, keepdims=True) / a.dtype.type(_count(a.shape, dims))
        deviation = a - center
        squares = np.sum(deviation * deviation, axis=dims, keepdims=keepdim)
        return squares / a.dtype.type(_dof(a.shape, dims, correction))


def _deviation(m, a, dims):
    return a - m.sum(a, dims, True) / _count(a.shape, dims)


def _scale(dof, numerator):
    return numerator / dof if dof else math.inf


def _var_vjp(m, g, a, out, dims, keepdim, correction):
    """∂var/∂xᵢ = 2 (xᵢ − mean) / (n − correction)."""
    factor = _scale(_dof(a.shape, dims, correction), 2.0)
    return _keep(m, g, dims, keepdim) * factor * _deviation(m, a, dims)


def _std_vjp(m, g, a, out, dims, keepdim, correction):
    """∂std/∂xᵢ = (xᵢ − mean) / ((n − correction) std); 0 where std = 0, as in PyTorch."""
    factor = _scale(_dof(a.shape, dims, correction), 1.0)
    std = _keep(m, out, dims, keepdim)
    safe = m.where(std == 0, m.ones_like(std), std)
    grad = _keep(m, g, dims, keepdim) * factor * _deviation(m, a, dims) / safe
    return m.where(std == 0, m.zeros_like(a), grad)


def _std_forward(a, dims, keepdim, correction):
    return np.sqrt(_var_forward(a, dims, keepdim, correction))


def _var_samples(name):
    def method(torch, x, *args, **k):
        return getattr(x, name)(*args, **k)

    return [
        Sample((X,)),
        Sample((X,), {"dim": 1}),
        Sample((X3,), {"dim": (0, 2), "keepdim": True}),
        Sample((X,), {"dim": 0, "unbiased": False}, call=method),
        Sample((X,), {"dim": -1, "correction": 2}),
        Sample((X,), call=lambda torch, x: getattr(x, name)(0, False), note="positional"),
        Sample((X,), call=lambda torch, x: getattr(torch, name)(x, False), note="unbiased"),
        Sample((X3,), {"dim": None, "keepdim": True, "correction": 0.5}, call=method),
        Sample((SCALAR,), {"correction": 0}, note="0-d"),
    ]


# var = Σ (xᵢ − mean)² / (n − correction)
VAR = Op(
    "var",
    "VarBackward0",
    forward=lambda xp, a, dims, keepdim, correction: _var_forward(a, dims, keepdim, correction),
    vjp=(_var_vjp,),
    jvp=_reduction_jvp(_var_vjp),
    samples=_var_samples("var"),
)

# std = √var
STD = Op(
    "std",
    "StdBackward0",
    forward=lambda xp, a, dims, keepdim, correction: _std_forward(a, dims, keepdim, correction),
    vjp=(_std_vjp,),
    jvp=_reduction_jvp(_std_vjp),
    samples=_var_samples("std"),
)


def _with_mean(first_forward, first_vjp):
    def forward(xp, a, dims, keepdim, correction):
        return first_forward(a, dims, keepdim, correction), _mean(a, dims, keepdim)

    def vjp(m, g, a, out, dims, keepdim, correction):
        first = first_vjp(m, g[0], a, out[0], dims, keepdim, correction)
        return first + _spread(m, g[1] / _count(a.shape, dims), a.shape, dims, keepdim)

    def jvp(m, tangents, a, out, dims, keepdim, correction):
        t = tangents[0]
        derivative = first_vjp(m, m.ones_like(out[0]), a, out[0], dims, keepdim, correction)
        first = m.sum(derivative * t, dims, keepdim)
        return first, m.sum(t, dims, keepdim) / _count(a.shape, dims)

    return forward, vjp, jvp


_VAR_MEAN = _with_mean(_var_forward, _var_vjp)
_STD_MEAN = _with_mean(_std_forward, _std_vjp)

# (var, mean) and (std, mean) in one node: the two gradients add up
VAR_MEAN = Op(
    "var_mean",
    "VarMeanBackward0",
    forward=_VAR_MEAN[0],
    vjp=(_VAR_MEAN[1],),
    jvp=_VAR_MEAN[2],
    n_outputs=2,
    samples=[
        Sample((X,)),
        Sample((X,), {"dim": 1, "correction": 0}),
        Sample((X3,), {"dim": (0, -1), "keepdim": True}),
    ],
)
STD_MEAN = Op(
    "std_mean",
    "StdMeanBackward0",
    forward=_STD_MEAN[0],
    vjp=(_STD_MEAN[1],),
    jvp=_STD_MEAN[2],
    n_outputs=2,
    samples=[
        Sample((X,)),
        Sample((X,), {"dim": 1, "unbiased": False}),
        Sample((X3,), call=lambda torch, x: torch.std_mean(x, 0, True, True), note="positional"),
    ],
)


def _var_arguments(name, input, dim, unbiased, keepdim, correction):
    """Sort out torch's overloads: ``var(x, dim, unbiased, keepdim)``, ``var(x, unbiased)``
    and ``var(x, dim, *, correction, keepdim)``. Returns (dims, keepdim, correction)."""
    _check_tensor(name, input)
    if isinstance(dim, bool):  # var(x, False): the bool is ``unbiased``
        if unbiased is not None:
            raise TypeError(
                f"{name}(): got a bool for 'dim' and a value for 'unbiased'; expected "
                f"{name}(input, unbiased) or {name}(input, dim, unbiased, keepdim)"
            )
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(
            f"{name}(): 'unbiased' and 'correction' cannot both be given; "
            "unbiased=False is correction=0, unbiased=True is correction=1"
        )
    if unbiased is not None and not isinstance(unbiased, bool):
        raise TypeError(f"{name}(): argument 'unbiased' must be bool, not {type_name(unbiased)}")
    if correction is None:
        correction = 0 if unbiased is False else 1
    if not input.dtype.is_floating_point:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dims = normalize_dims(dim, input._data.ndim)
    if _count(input.shape, dims) - correction <= 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than "
            "the reduction factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=3,
        )
    return dims, keepdim, correction


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, **numpy_names):
    """Variance Σ (xᵢ − mean)² / (n − correction) over ``dim`` (default: every element).

    ``correction=1`` (default, ``unbiased=True``) is Bessel's correction; 0 gives the
    population variance. The gradient is 2 (xᵢ − mean) / (n − correction).
    """
    if numpy_names:
        dim, keepdim = _numpy_names("var", dim, keepdim, numpy_names)
    params = _var_arguments("var", input, dim, unbiased, keepdim, correction)
    return _reduce(VAR, input, params)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, **numpy_names):
    """Standard deviation √var (arguments as :func:`var`).

    The gradient is (xᵢ − mean) / ((n − correction) · std), 0 where std is 0.
    """
    if numpy_names:
        dim, keepdim = _numpy_names("std", dim, keepdim, numpy_names)
    params = _var_arguments("std", input, dim, unbiased, keepdim, correction)
    return _reduce(STD, input, params)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, **numpy_names):
    """``(var(input, ...), mean(input, ...))`` in one pass (arguments as :func:`var`)."""
    if numpy_names:
        dim, keepdim = _numpy_names("var_mean", dim, keepdim, numpy_names)
    params = _var_arguments("var_mean", input, dim, unbiased, keepdim, correction)
    return _reduce(VAR_MEAN, input, params)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, **numpy_names):
    """``(std(input, ...), mean(input, ...))`` in one pass (arguments as :func:`var`)."""
    if numpy_names:
        dim, keepdim = _numpy_names("std_mean", dim, keepdim, numpy_names)
    params = _var_arguments("std_mean", input, dim, unbiased, keepdim, correction)
    return _reduce(STD_MEAN, input, params)


# ---------------------------------------------------------------------------- logsumexp


def _logsumexp_forward(a, dims, keepdim):
    # Numerically stable: log Σ eˣ = M + log Σ e^(x − M) with M the max of the group, so
    # the largest exponent is e⁰ = 1 and nothing overflows (large x) or underflows to
    # log 0 (very negative x). An infinite M is replaced by 0 (as PyTorch does) so that
    # x − M stays defined: all −inf gives −inf, a +inf gives +inf.
    top = a.max(axis=dims, keepdims=True, initial=-np.inf)
    if np.isinf(top).any():
        top = np.where(np.isinf(top), 0, top).astype(a.dtype)
    token = quiet_on()
    try:
        if a.ndim == 0:
            return _squeeze(np.log(np.exp(a - top)) + top, dims, keepdim)
        # in place on one temporary: this runs in every step of a hand-written cross-entropy
        shifted = a - top
        np.exp(shifted, out=shifted)
        total = shifted.sum(axis=dims, keepdims=True)
        np.log(total, out=total)
    finally:
        quiet_off(token)
    total += top
    return _squeeze(total, dims, keepdim)


def _logsumexp_vjp(m, g, a, out, dims, keepdim):
    """∂/∂xᵢ log Σ eˣ = e^(xᵢ − lse) (the softmax of the group)."""
    return _keep(m, g, dims, keepdim) * m.exp(a - _keep(m, out, dims, keepdim))


LOGSUMEXP = Op(
    "logsumexp",
    "LogsumexpBackward0",
    forward=lambda xp, a, dims, keepdim: _logsumexp_forward(a, dims, keepdim),
    vjp=(_logsumexp_vjp,),
    jvp=_reduction_jvp(_logsumexp_vjp),
    samples=[
        Sample((X,), {"dim": 1}),
        Sample((X3,), {"dim": (0, 2), "keepdim": True}),
        Sample((X,), {"dim": -1}, call=lambda torch, x, **k: x.logsumexp(**k)),
        Sample((Arg((3, 4), low=700, high=800),), {"dim": 1}, note="large"),
        Sample((Arg((3, 4), low=-800, high=-700),), {"dim": 0}, note="very negative"),
        Sample((SCALAR,), {"dim": 0}, note="0-d"),
    ],
)


def logsumexp(input, dim=_MISSING, keepdim=False, **numpy_names):
    """log Σ exp(x) over ``dim`` (int or tuple), computed without overflow.

    The gradient is the softmax of the group, exp(xᵢ − logsumexp). Integer inputs give
    the default float dtype.
    """
    if numpy_names or dim is _MISSING:
        dim, keepdim = _numpy_names("logsumexp", dim, keepdim, numpy_names, _MISSING)
    _check_tensor("logsumexp", input)
    if dim is None:
        raise TypeError("logsumexp(): argument 'dim' must be int or tuple of ints, not NoneType")
    dims = normalize_dims(dim, input._data.ndim)
    data = input._data
    if not input.dtype.is_floating_point:
        data = data.astype(dtypes.get_default_dtype().np)
    return apply(LOGSUMEXP, (input,), (dims, keepdim), (data,))


# ---------------------------------------------------------------------------- norm


def _norm_forward(a, dims, keepdim, p, dtype):
    if dtype is not None:
        a = a.astype(dtype)
    x = np.abs(a)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if p == INF:
            result = np.max(x, axis=dims, keepdims=keepdim)
        elif p == -INF:
            result = np.min(x, axis=dims, keepdims=keepdim)
        elif p == 0:
            result = np.sum(x != 0, axis=dims, keepdims=keepdim).astype(a.dtype)
        elif p == 1:
            result = np.sum(x, axis=dims, keepdims=keepdim)
        elif p == 2:
            result = np.sqrt(np.sum(x * x, axis=dims, keepdims=keepdim))
        else:
            result = np.sum(x**p, axis=dims, keepdims=keepdim) ** (1 / p)
    return np.asarray(result, dtype=a.dtype)


def _norm_vjp(m, g, a, out, dims, keepdim, p, dtype):
    """∂‖x‖ₚ/∂xᵢ = sign(xᵢ) |xᵢ|^(p−1) / ‖x‖ₚ^(p−1), with PyTorch's values at the kinks.

    p = 1: sign(x). p = 2: x/‖x‖. p = ±inf: sign(x) at the extremes, shared between
    ties. p = 0: 0. The gradient is 0 where ‖x‖ = 0 (and, for p ≠ 1, where xᵢ = 0).
    """
    # as PyTorch, the derivative is computed in the input's dtype (norm(x, dtype=...))
    g = m.cast(_keep(m, g, dims, keepdim), a)
    norm = m.cast(_keep(m, out, dims, keepdim), a)
    if p == 0:
        return m.zeros_like(a)
    if p == 1:
        return m.sign(a) * g
    x = m.abs(a)
    if p == INF or p == -INF:
        selected = (x == norm) | (x != x)
        count = m.sum(m.cast(selected, a), dims, True)
        return m.sign(a) * m.where(selected, m.expand(g / count, a.shape), m.zeros_like(a))
    safe_norm = m.where(norm == 0, m.ones_like(norm), norm)
    if p == 2:
        return m.where(norm == 0, m.zeros_like(a), a / safe_norm * g)
    safe_x = m.where(x == 0, m.ones_like(x), x)
    grad = m.sign(a) * safe_x ** (p - 1) * g / safe_norm ** (p - 1)
    return m.where((norm == 0) | (x == 0), m.zeros_like(a), grad)


NORM = Op(
    "norm",
    "LinalgVectorNormBackward0",
    forward=lambda xp, a, dims, keepdim, p, dtype: _norm_forward(a, dims, keepdim, p, dtype),
    vjp=(_norm_vjp,),
    jvp=_reduction_jvp(_norm_vjp),
    samples=[
        Sample((X,)),
        Sample((X,), {"p": 1}),
        Sample((X,), {"p": INF}),
        Sample((X,), {"p": -INF}),
        Sample((X,), {"p": 3, "dim": 1}),
        Sample((Arg((2, 3, 4), low=0.2, high=2),), {"p": 0.5, "dim": (0, 2), "keepdim": True}),
        Sample((Arg((3, 4), low=0.2, high=2),), {"p": -1.5, "dim": -1}),
        Sample((X,), call=lambda torch, x: x.norm("fro"), note="fro"),
        Sample((X3,), call=lambda torch, x: torch.norm(x, "fro", (0, 1)), note="fro dims"),
        Sample((X,), call=lambda torch, x: x.norm(dim=1, keepdim=True), note="method"),
        Sample((X,), call=lambda torch, x: x.norm(p=None), note="p None"),
        Sample((X,), {"p": 1.5, "dim": 0}),
        Sample((SCALAR,), note="0-d"),
        # the 0-norm counts nonzeros: its gradient is 0
        Sample((X,), {"p": 0}),
        # (float32 → float64 is checked in test_reductions_linalg.py: its second derivative
        # in float32 differs from torch's by rounding)
        Sample((X,), call=lambda torch, x: torch.norm(x, dtype=torch.float64), note="dtype"),
    ],
)


def _p_word(p) -> str:
    if math.isinf(p):
        return "inf" if p > 0 else "-inf"
    return str(int(p)) if float(p).is_integer() else str(p)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """The p-norm (Σ |xᵢ|ᵖ)^(1/p) of all elements, or over ``dim`` (int or tuple).

    ``p`` may be any number, ``inf`` (max |xᵢ|), ``-inf`` (min |xᵢ|), 0 (the count of
    nonzeros), ``'fro'`` or None (p = 2). The gradient is sign(xᵢ)|xᵢ|^(p−1)/‖x‖^(p−1)
    (x/‖x‖ for p = 2), 0 where the norm is 0. ``'nuc'`` is the nuclear norm (the sum of
    the singular values) of the matrices over two dims, as ``linalg.matrix_norm``.
    """
    _check_tensor("norm", input)
    if isinstance(p, str):
        many = dim is not None and not isinstance(dim, int) and len(dim) > 2
        if p == "fro" and not many:
            p = 2.0
        elif p in ("fro", "nuc"):
            dims = tuple(range(input._data.ndim)) if dim is None else dim
            if isinstance(dims, int) or len(dims) != 2:
                got = dims if isinstance(dims, int) else " ".join(str(d) for d in dims)
                raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {got}")
            from ..linalg import matrix_norm

            result = matrix_norm(input, p, dims, keepdim, dtype=dtype)
            return result if out is None else _finish_out(result, out)
        else:
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    p = 2.0 if p is None else float(p)
    result = _vector_norm(input, p, dim, keepdim, dtype)
    return result if out is None else _finish_out(result, out)


def _finish_out(result, out):
    from .arithmetic import _finish

    return _finish(result, out)


def _vector_norm(input, p, dim, keepdim, dtype):
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. "
            f"Got {_type_word(input.dtype)}"
        )
    target = None
    if dtype is not None:
        target = dtypes.to_dtype(dtype)
        if not target.is_floating_point:
            raise RuntimeError(
                "linalg.vector_norm: dtype should be floating point or complex, but got "
                f"{_type_word(target)}"
            )
        if target.itemsize < input.dtype.itemsize:
            raise RuntimeError(
                f"linalg.vector_norm: the dtype of the input ({_type_word(input.dtype)}) "
                "should be convertible without narrowing to the specified dtype "
                f"({_type_word(target)})"
            )
        target = target.np
    dims = normalize_dims(dim, input._data.ndim)
    if p < 0 or p == INF:
        if dim is None and input._data.size == 0:
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {_p_word(p)} norm on an empty tensor "
                "because the operation does not have an identity"
            )
        for d in dims:
            if input._data.shape[d] == 0:
                raise RuntimeError(
                    f"linalg.vector_norm cannot compute the {_p_word(p)} norm on the dimension "
                    f"{d} because this dimension is empty and the operation does not have an "
                    "identity"
                )
    return apply(NORM, (input,), (dims, keepdim, p, target))


# ---------------------------------------------------------------------------- scans


@silent  # float32 sums past 3.4e38 become inf, as in torch, without NumPy's cast warning
def _scan_forward(scan, a, dim, dtype):
    if dtype is not None:
        a = a.astype(dtype)
    return scan(a, dim)  # ArrayMath.cumsum / cumprod: float32 accumulates in float64


def _reverse_cumsum(m, x, dim):
    """yᵢ = Σ_{k≥i} xₖ along ``dim`` (a cumsum of the flipped tensor, flipped back)."""
    return m.flip(m.cumsum(m.flip(x, (dim,)), dim), (dim,))


def _cumsum_vjp(m, g, a, out, dim, dtype):
    if a.ndim == 0:
        return g
    return _reverse_cumsum(m, m.cast(g, a), dim)  # in the input's dtype, as PyTorch


# d cumsum(x)ₖ = Σ_{i≤k} dxᵢ: the gradient of xᵢ is Σ_{k≥i} gₖ (a reversed cumsum)
CUMSUM = Op(
    "cumsum",
    "CumsumBackward0",
    forward=lambda xp, a, dim, dtype: _scan_forward(ArrayMath.cumsum, a, dim, dtype),
    vjp=(_cumsum_vjp,),
    jvp="linear",
    samples=[
        Sample((X,), {"dim": 1}),
        Sample((X3,), {"dim": -1}, call=lambda torch, x, **k: x.cumsum(**k)),
        Sample((X3,), {"dim": 0}),
        Sample((SCALAR,), {"dim": 0}, note="0-d"),
        Sample(
            (Arg((3, 4), dtype="float32"),),
            call=lambda torch, x: x.cumsum(0, dtype=torch.float64),
            note="dtype",
        ),
    ],
)


def _cumprod_parts(m, a, dim):
    """Masks locating the first zero of each slice along ``dim``."""
    zero = m.cast(a == 0, a)
    seen = m.cumsum(zero, dim)  # how many zeros at or before each position
    before = seen == 0  # strictly before the first zero
    first = (seen == 1) & (zero == 1)  # the first zero itself
    up_to_first = (seen - zero) == 0  # at or before the first zero
    safe = m.where(before, a, m.ones_like(a))
    # ∏_{j<z} xⱼ (the product before the first zero z) and ∏_{z<j≤k} xⱼ for k ≥ z
    head = m.prod(safe, dim, True)
    tail = m.cumprod(m.where(up_to_first, m.ones_like(a), a), dim)
    return before, first, safe, head, tail


def _cumprod_vjp(m, g, a, out, dim, dtype):
    """∂L/∂xᵢ = Σ_{k≥i} gₖ ∏_{j≤k, j≠i} xⱼ, exact when x has zeros (PyTorch's method).

    Before the first zero z: Σ_{k≥i} gₖ yₖ / xᵢ (the terms from z on are 0). At z:
    (∏_{j<z} xⱼ) Σ_{k≥z} gₖ ∏_{z<j≤k} xⱼ. After z every term holds x_z = 0. That rule
    is right but its own derivative is not (it is constant after z): under create_graph
    slices with a zero use the quadratic formula instead, as PyTorch does in grad mode.
    """
    if a.ndim == 0:
        return g
    g = m.cast(g, a)  # as PyTorch: the gradient in the input's dtype, times out
    before, first, safe, head, tail = _cumprod_parts(m, a, dim)
    grad_before = _reverse_cumsum(m, g * out, dim) / safe
    if m.records_graph():
        no_zero = m.sum(m.cast(a == 0, a), dim, True) == 0
        return m.where(no_zero, grad_before, _cumprod_vjp_quadratic(m, g, a, dim))
    at_first = head * m.sum(m.where(before, m.zeros_like(a), g * tail), dim, True)
    at_first = m.expand(at_first, a.shape)
    return m.where(before, grad_before, m.where(first, at_first, m.zeros_like(a)))


def _cumprod_vjp_quadratic(m, g, a, dim):
    """Σ_{k≥i} gₖ ∏_{j≤k, j≠i} xⱼ from an n×n table per slice: row i is x with xᵢ set
    to 1, its cumprod along the row gives ∏_{j≤k, j≠i} xⱼ, kept for k ≥ i (triu)."""
    x = m.swapaxes(a, dim, -1)
    n = x.shape[-1]
    rows = m.expand(m.unsqueeze_dims(x, (x.ndim - 1,)), tuple(x.shape) + (n,))
    identity = m.tril(m.triu(m.ones_like(rows)))
    others = rows - m.tril(m.triu(rows)) + identity
    products = m.cumprod(others, -1)
    weights = m.unsqueeze_dims(m.swapaxes(g, dim, -1), (x.ndim - 1,))
    grad = m.sum(m.triu(products * weights), x.ndim)
    return m.swapaxes(grad, dim, -1)


def _cumprod_jvp(m, tangents, a, out, dim, dtype):
    """dyₖ = Σ_{i≤k} tᵢ ∏_{j≤k, j≠i} xⱼ: yₖ Σ_{i≤k} tᵢ/xᵢ before the first zero z, then
    t_z (∏_{j<z} xⱼ) ∏_{z<j≤k} xⱼ."""
    t = tangents[0]
    if a.ndim == 0:
        return t
    before, first, safe, head, tail = _cumprod_parts(m, a, dim)
    t_first = m.sum(m.where(first, t, m.zeros_like(t)), dim, True)
    return m.where(before, out * m.cumsum(t / safe, dim), head * tail * t_first)


CUMPROD_ZEROS = Arg(
    (3, 4), values=[[1.5, 0.0, -0.7, 1.2], [0.0, -1.2, 1.1, 0.9], [0.8, 0.0, 0.0, 1.3]]
)

# cumprod(x)ₖ = ∏_{i≤k} xᵢ
CUMPROD = Op(
    "cumprod",
    "CumprodBackward0",
    forward=lambda xp, a, dim, dtype: _scan_forward(ArrayMath.cumprod, a, dim, dtype),
    vjp=(_cumprod_vjp,),
    jvp=_cumprod_jvp,
    samples=[
        Sample((X,), {"dim": 1}),
        Sample((X3,), {"dim": -2}, call=lambda torch, x, **k: x.cumprod(**k)),
        Sample((CUMPROD_ZEROS,), {"dim": 1}, note="zeros"),
        Sample((CUMPROD_ZEROS,), {"dim": 0}, note="zeros dim 0"),
        Sample((SCALAR,), {"dim": 0}, note="0-d"),
        # (float32 → float64 is checked in test_reductions_linalg.py, as for norm)
        Sample((X,), call=lambda torch, x: x.cumprod(1, dtype=torch.float64), note="dtype"),
    ],
)


def _scan_function(name, op):
    def function(input, dim=_MISSING, *, dtype=None, out=None, **numpy_names):
        if numpy_names or dim is _MISSING:
            dim, _ = _numpy_names(name, dim, False, numpy_names, _MISSING)
        _check_tensor(name, input)
        dim = _int_dim(name, dim, input._data.ndim)
        result = apply(op, (input,), (dim, _sum_dtype(input, dtype)))
        if out is not None:
            from .arithmetic import _finish

            return _finish(result, out)
        return result

    function.__name__ = function.__qualname__ = name
    return function


cumsum = _scan_function("cumsum", CUMSUM)
cumsum.__doc__ = """Running sums along ``dim``: yₖ = Σ_{i≤k} xᵢ.

The gradient of xᵢ is Σ_{k≥i} gₖ. Integer and bool tensors are summed as int64."""
cumprod = _scan_function("cumprod", CUMPROD)
cumprod.__doc__ = """Running products along ``dim``: yₖ = ∏_{i≤k} xᵢ.

The gradient Σ_{k≥i} gₖ ∏_{j≤k, j≠i} xⱼ is computed exactly when x has zeros."""


# ---------------------------------------------------------------------------- all, any

BOOL_INPUT = Arg((3, 4), dtype="bool", grad=False)
INT_INPUT = Arg((3, 4), low=-1, high=2, dtype="int64", grad=False)


def _truth(reduce):
    def forward(xp, a, dims, keepdim):
        result = reduce(a, axis=dims, keepdims=keepdim)
        return result.astype(np.uint8) if a.dtype == np.uint8 else result

    return forward


def _truth_op(name, reduce):
    return Op(
        name,
        "NotDifferentiable",
        forward=_truth(reduce),
        differentiable=False,
        samples=[
            Sample((BOOL_INPUT,)),
            Sample((BOOL_INPUT,), {"dim": 1}),
            Sample((INT_INPUT,), {"dim": (0, -1), "keepdim": True}),
            Sample((Arg((3, 4), low=0, high=2, dtype="uint8", grad=False),), {"dim": 0}),
            Sample((Arg((2, 3), values=[[0.0, 1.5, -2.0], [0.0, 0.0, 0.0]], grad=False),)),
            Sample((Arg((), dtype="bool", grad=False),), {"dim": 0}),
        ],
    )


ALL = _truth_op("all", np.all)
ANY = _truth_op("any", np.any)


def _truth_function(name, op):
    def function(input, dim=None, keepdim=False, *, out=None, **numpy_names):
        if numpy_names:
            dim, keepdim = _numpy_names(name, dim, keepdim, numpy_names)
        _check_tensor(name, input)
        result = apply(op, (input,), (normalize_dims(dim, input._data.ndim), keepdim))
        if out is not None:
            from .arithmetic import _finish

            return _finish(result, out)
        return result

    function.__name__ = function.__qualname__ = name
    return function


all = _truth_function("all", ALL)  # noqa: A001 - torch.all
all.__doc__ = """True when every element (or every element along ``dim``) is nonzero.

The result is bool (uint8 for a uint8 input), with no gradient."""
any = _truth_function("any", ANY)  # noqa: A001 - torch.any
any.__doc__ = """True when some element (or some element along ``dim``) is nonzero.

The result is bool (uint8 for a uint8 input), with no gradient."""

COUNT_NONZERO = Op(
    "count_nonzero",
    "NotDifferentiable",
    forward=lambda xp, a, dims: np.asarray(np.count_nonzero(a, axis=dims), dtype=np.int64),
    differentiable=False,
    samples=[
        Sample((INT_INPUT,)),
        Sample((INT_INPUT,), {"dim": 1}),
        Sample((Arg((2, 3, 4), low=-1, high=2, dtype="int64", grad=False),), {"dim": (0, -1)}),
        Sample((BOOL_INPUT,), {"dim": 0}),
        Sample((Arg((2, 3), values=[[0.0, 1.5, -2.0], [0.0, 0.0, 0.0]], grad=False),)),
    ],
)


def count_nonzero(input, dim=None, **numpy_names):
    """The number (int64) of nonzero elements, in total or along ``dim`` (int or tuple)."""
    if numpy_names:
        if "keepdims" in numpy_names:
            raise TypeError("count_nonzero() got an unexpected keyword argument 'keepdims'")
        dim, _ = _numpy_names("count_nonzero", dim, False, numpy_names)
    _check_tensor("count_nonzero", input)
    dims = normalize_dims(dim, input._data.ndim)
    return apply(COUNT_NONZERO, (input,), (dims,))


# the torch namespace functions of this family, and those that are also Tensor methods
__all__ = [
    "all",
    "amax",
    "amin",
    "any",
    "argmax",
    "argmin",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "logsumexp",
    "max",
    "mean",
    "min",
    "norm",
    "prod",
    "return_types",
    "std",
    "std_mean",
    "sum",
    "var",
    "var_mean",
]
METHODS = [
    "sum",
    "mean",
    "prod",
    "max",
    "min",
    "amax",
    "amin",
    "argmax",
    "argmin",
    "var",
    "std",
    "logsumexp",
    "norm",
    "cumsum",
    "cumprod",
    "all",
    "any",
    "count_nonzero",
]
INPLACE_METHODS = ["cumsum", "cumprod"]


# ------------------------------------------------------------------ order statistics
#
# median, nanmedian, kthvalue and mode pick one element per group: along a dim they return
# ``(values, indices)`` and the gradient goes to the picked element (as for max along a
# dim); the whole-tensor median shares it evenly between the elements equal to the result
# (as max() does). Among tied elements the index torch reports depends on its selection
# algorithm; here it is the last of the tied elements in sorted order.

for _name in ("median", "nanmedian", "kthvalue", "mode", "cummax", "cummin"):
    setattr(return_types, _name, _return_type(_name))
return_types.aminmax = _return_type("aminmax", ("min", "max"))


def _pick_forward(a, dim, keepdim, position):
    """(values, indices) of the element at ``position(sorted, dim)`` of each group."""
    if a.ndim == 0:
        return a.copy(), np.zeros((), np.int64)
    order = np.argsort(a, axis=dim, kind="stable")  # NaN sorts last
    ordered = np.take_along_axis(a, order, axis=dim)
    where = position(ordered, dim)
    index = np.take_along_axis(order, where, axis=dim)
    values = np.take_along_axis(ordered, where, axis=dim)
    if not keepdim:
        values, index = np.squeeze(values, dim), np.squeeze(index, dim)
    return values, index.astype(np.int64)


def _lower_middle(ordered, dim):
    """The lower median's position; NaN (sorted last) wins when there is one."""
    n = ordered.shape[dim]
    where = np.full_like(np.take(ordered, [0], axis=dim), (n - 1) // 2, dtype=np.int64)
    has_nan = np.isnan(np.take(ordered, [n - 1], axis=dim))
    return np.where(has_nan, n - 1, where)


def _lower_middle_of_numbers(ordered, dim):
    """The lower median's position among the non-NaN values (all NaN: a NaN)."""
    count = np.sum(~np.isnan(ordered), axis=dim, keepdims=True)
    return np.where(count > 0, (count - 1) // 2, 0).astype(np.int64)


def _kth(k):
    def position(ordered, dim):
        return np.full_like(np.take(ordered, [0], axis=dim), k - 1, dtype=np.int64)

    return position


def _pick_op(name, grad_fn, position, public, samples):
    return Op(
        name,
        grad_fn,
        forward=lambda xp, a, dim, keepdim, *extra: _pick_forward(
            a, dim, keepdim, position(*extra) if extra else position
        ),
        vjp=(lambda m, g, a, out, dim, keepdim, *extra: _select_vjp(m, g, a, out, dim, keepdim),),
        jvp=lambda m, t, a, out, dim, keepdim, *extra: _select_jvp(m, t, a, out, dim, keepdim),
        n_outputs=2,
        samples=samples,
        public=public,
    )


MEDIAN_DIM = _pick_op(
    "median_dim",
    "MedianBackward1",
    _lower_middle,
    "median",
    [
        Sample((X,), call=lambda torch, x: torch.median(x, 1)),
        Sample((X3,), call=lambda torch, x: x.median(dim=0, keepdim=True)),
        Sample((SCALAR,), call=lambda torch, x: torch.median(x, 0), note="0-d"),
    ],
)
NANMEDIAN_DIM = _pick_op(
    "nanmedian_dim",
    "NanmedianBackward1",
    _lower_middle_of_numbers,
    "nanmedian",
    [
        Sample((X,), call=lambda torch, x: torch.nanmedian(x, 1)),
        Sample(
            (Arg((2, 3), values=[[1.5, float("nan"), -0.5], [0.2, 0.7, -1.1]]),),
            call=lambda torch, x: x.nanmedian(1, keepdim=True),
            note="nan",
        ),
    ],
)
KTHVALUE = _pick_op(
    "kthvalue",
    "KthvalueBackward0",
    _kth,
    "kthvalue",
    [
        Sample((X,), call=lambda torch, x: torch.kthvalue(x, 2)),
        Sample((X3,), call=lambda torch, x: x.kthvalue(1, dim=0, keepdim=True)),
        Sample((X,), call=lambda torch, x: torch.kthvalue(x, 3, 0), note="k = size"),
    ],
)


def _whole_median(a, position):
    flat = np.sort(a.reshape(-1))
    if flat.size == 0:
        return np.asarray(np.nan, dtype=a.dtype)
    return flat[position(flat.reshape(-1), 0)[0]].astype(a.dtype)


MEDIAN = Op(
    "median",
    "MedianBackward0",
    forward=lambda xp, a: _whole_median(a, _lower_middle),
    vjp=(_evenly_vjp,),
    jvp=_evenly_jvp,
    samples=[Sample((X,)), Sample((Arg((5,)),)), Sample((SCALAR,), note="0-d")],
)
NANMEDIAN = Op(
    "nanmedian",
    "NanmedianBackward0",
    forward=lambda xp, a: _whole_median(a, _lower_middle_of_numbers),
    vjp=(_evenly_vjp,),
    jvp=_evenly_jvp,
    samples=[
        Sample((X,)),
        Sample((Arg((5,), values=[0.5, float("nan"), -1.5, 2.0, 0.1]),), note="nan"),
    ],
)


def _mode_forward(xp, a, dim, keepdim):
    """The most frequent value along ``dim`` (the smallest among equally frequent ones)
    and the index of its last occurrence, as torch reports it."""
    if a.ndim == 0:
        return a.copy(), np.zeros((), np.int64)
    moved = np.moveaxis(a, dim, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    values = np.empty(rows.shape[0], dtype=a.dtype)
    indices = np.empty(rows.shape[0], dtype=np.int64)
    for r, row in enumerate(rows):
        distinct, counts = np.unique(row, return_counts=True)
        best = distinct[np.argmax(counts)]  # np.unique sorts: the first is the smallest
        values[r] = best
        indices[r] = np.flatnonzero(row == best)[-1] if best == best else np.argmax(row != row)
    values = values.reshape(moved.shape[:-1])
    indices = indices.reshape(moved.shape[:-1])
    if keepdim:
        values, indices = np.expand_dims(values, dim), np.expand_dims(indices, dim)
    return values, indices


MODE = Op(
    "mode",
    "ModeBackward0",
    forward=_mode_forward,
    vjp=(_select_vjp,),
    jvp=_select_jvp,
    n_outputs=2,
    # repeated values (what mode is about) are not smooth: they are checked against torch
    # in tests/test_api_coverage.py; with distinct values the mode is the smallest
    samples=[
        Sample((X,), call=lambda torch, x: torch.mode(x)),
        Sample((X,), call=lambda torch, x: x.mode(0, keepdim=True), note="all distinct"),
    ],
)


def _check_not_bool(kernel, input):
    if input.dtype is dtypes.bool:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _order_statistic(name, op, input, dim, keepdim, params=()):
    _check_tensor(name, input)
    kernels = {"median": "median_out", "nanmedian": "median_out", "kthvalue": "kthvalue_cpu"}
    if name in kernels:
        _check_not_bool(kernels[name], input)
    ndim = input._data.ndim
    dim = _int_dim(name, dim, ndim)
    if ndim and input._data.shape[dim] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")
    values, indices = apply(op, (input,), (dim, bool(keepdim)) + params)
    return getattr(return_types, name)((values, indices))


def median(input, dim=None, keepdim=False, *, out=None):
    """The median; for an even count, the lower of the two middle values (as torch).

    Without ``dim``: one value (NaN if any element is NaN), whose gradient is shared evenly
    between the elements equal to it. Along ``dim``: the named tuple ``(values, indices)``.
    """
    if dim is None:
        _check_tensor("median", input)
        _check_not_bool("median_cpu", input)
        return apply(MEDIAN, (input,))
    return _order_statistic("median", MEDIAN_DIM, input, dim, keepdim)


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """The median of the non-NaN values (``median`` that ignores NaN)."""
    if dim is None:
        _check_tensor("nanmedian", input)
        _check_not_bool("median_cpu", input)
        return apply(NANMEDIAN, (input,))
    return _order_statistic("nanmedian", NANMEDIAN_DIM, input, dim, keepdim)


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The ``k``-th smallest element (k = 1 is the smallest) along ``dim``, as the named
    tuple ``(values, indices)``."""
    _check_tensor("kthvalue", input)
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise TypeError(f"kthvalue(): argument 'k' (position 2) must be int, not {type_name(k)}")
    ndim = input._data.ndim
    size = input._data.shape[_wrap_dim(dim, ndim)] if ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    return _order_statistic("kthvalue", KTHVALUE, input, dim, keepdim, (int(k),))


def mode(input, dim=-1, keepdim=False, *, out=None):
    """The most frequent value along ``dim`` and the index of its last occurrence, as the
    named tuple ``(values, indices)``; among equally frequent values, the smallest."""
    return _order_statistic("mode", MODE, input, dim, keepdim)


# ------------------------------------------------------------------ running max/min, logcumsumexp


def _running_forward(xp, a, dim, better):
    """(values, indices) of the running maximum (``better = np.greater_equal``) or
    minimum along ``dim``; a tie moves the index to the later element, as torch."""
    if a.ndim == 0:
        return a.copy(), np.zeros((), np.int64)
    moved = np.moveaxis(a, dim, 0)
    values = np.empty_like(moved)
    indices = np.empty(moved.shape, dtype=np.int64)
    values[0], indices[0] = moved[0], 0
    for i in builtins.range(1, moved.shape[0]):
        take = better(moved[i], values[i - 1]) | np.isnan(moved[i])
        take &= ~np.isnan(values[i - 1])  # a NaN, once met, stays
        values[i] = np.where(take, moved[i], values[i - 1])
        indices[i] = np.where(take, i, indices[i - 1])
    return np.moveaxis(values, 0, dim), np.moveaxis(indices, 0, dim)


def _running_vjp(m, g, a, out, dim, better):
    """Each running value came from the element at its index: add g there."""
    if a.ndim == 0:
        return g[0]
    return m.scatter_add(m.zeros(a.shape, g[0]), dim, out[1], g[0])


def _running_op(name, grad_fn, better):
    return Op(
        name,
        grad_fn,
        forward=lambda xp, a, dim, better_name: _running_forward(xp, a, dim, better),
        vjp=(lambda m, g, a, out, dim, better_name: _running_vjp(m, g, a, out, dim, better),),
        jvp=lambda m, t, a, out, dim, better_name: (
            t[0] if a.ndim == 0 else m.gather(t[0], dim, out[1]),
            None,
        ),
        n_outputs=2,
        samples=[
            Sample((X,), call=lambda torch, x: getattr(torch, name)(x, 1)),
            Sample((X3,), call=lambda torch, x: getattr(x, name)(dim=0)),
            Sample((SCALAR,), call=lambda torch, x: getattr(torch, name)(x, 0), note="0-d"),
        ],
    )


CUMMAX = _running_op("cummax", "CummaxBackward0", np.greater_equal)
CUMMIN = _running_op("cummin", "CumminBackward0", np.less_equal)


def _running_function(name, op):
    def function(input, dim, *, out=None):
        _check_tensor(name, input)
        dim = _int_dim(name, dim, input._data.ndim)
        values, indices = apply(op, (input,), (dim, name))
        return getattr(return_types, name)((values, indices))

    function.__name__ = function.__qualname__ = name
    return function


cummax = _running_function("cummax", CUMMAX)
cummax.__doc__ = """Running maximum along ``dim`` and the index where it was reached, as the
named tuple ``(values, indices)``. The gradient goes to the element at each index."""
cummin = _running_function("cummin", CUMMIN)
cummin.__doc__ = """Running minimum along ``dim`` and the index where it was reached, as the
named tuple ``(values, indices)``. The gradient goes to the element at each index."""


def _reverse_cumsum(m, x, dim):
    return m.flip(m.cumsum(m.flip(x, (dim,)), dim), (dim,))


def _logcumsumexp_forward(xp, a, dim):
    if a.ndim == 0:
        return a.copy()
    return np.logaddexp.accumulate(a, axis=dim)


def _logcumsumexp_vjp(m, g, a, out, dim):
    """yₖ = log Σ_{i≤k} e^{xᵢ}: ∂yₖ/∂xᵢ = e^{xᵢ − yₖ} (i ≤ k), so the gradient of xᵢ is
    e^{xᵢ} Σ_{k≥i} gₖ e^{−yₖ}."""
    if a.ndim == 0:
        return g
    return m.exp(a) * _reverse_cumsum(m, g * m.exp(-out), dim)


def _logcumsumexp_jvp(m, tangents, a, out, dim):
    """dyₖ = Σ_{i≤k} e^{xᵢ − yₖ} tᵢ."""
    if a.ndim == 0:
        return tangents[0]
    return m.cumsum(m.exp(a) * tangents[0], dim) * m.exp(-out)


LOGCUMSUMEXP = Op(
    "logcumsumexp",
    "LogcumsumexpBackward0",
    forward=_logcumsumexp_forward,
    vjp=(_logcumsumexp_vjp,),
    jvp=_logcumsumexp_jvp,
    samples=[
        Sample((X,), call=lambda torch, x: torch.logcumsumexp(x, 1)),
        Sample((X3,), call=lambda torch, x: x.logcumsumexp(dim=0)),
        Sample((SCALAR,), call=lambda torch, x: torch.logcumsumexp(x, 0), note="0-d"),
    ],
)  # fmt: skip


def logcumsumexp(input, dim, *, out=None):
    """Running log-sum-exp along ``dim``: yₖ = log Σ_{i≤k} e^{xᵢ}, computed stably."""
    _check_tensor("logcumsumexp", input)
    dim = _int_dim("logcumsumexp", dim, input._data.ndim)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"logcumsumexp_out_cpu\" not implemented for '{_type_word(input.dtype)}'"
        )
    result = apply(LOGCUMSUMEXP, (input,), (dim,))
    if out is not None:
        from .arithmetic import _finish

        return _finish(result, out)
    return result


# ------------------------------------------------------------------ NaN-ignoring sums


def _nansum_forward(xp, a, dims, keepdim):
    return np.asarray(np.nansum(a, axis=dims, keepdims=keepdim), dtype=a.dtype)


def _nansum_vjp(m, g, a, out, dims, keepdim):
    """d Σ_{xᵢ not NaN} xᵢ: 1 for the numbers, 0 for the NaNs (a product, as torch: an
    infinite ``g`` then gives NaN at the NaNs)."""
    spread = _spread(m, g, a.shape, dims, keepdim)
    with np.errstate(invalid="ignore"):
        return spread * m.cast(a == a, spread)


NANSUM = Op(
    "nansum",
    "NansumBackward0",
    forward=_nansum_forward,
    vjp=(_nansum_vjp,),
    jvp=_reduction_jvp(_nansum_vjp),
    samples=[
        Sample((X,), call=lambda torch, x: torch.nansum(x)),
        Sample(
            (Arg((2, 3), values=[[1.5, float("nan"), -0.5], [0.2, 0.7, -1.1]]),),
            call=lambda torch, x: x.nansum(1),
            note="nan",
        ),
        Sample((X3,), call=lambda torch, x: torch.nansum(x, (0, 2), keepdim=True)),
    ],
)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum of the elements that are not NaN (NaN counts as zero)."""
    _check_tensor("nansum", input)
    if dtype is not None:
        input = input.to(dtype)
    elif not input.dtype.is_floating_point:
        return sum(input, dim if dim is not None else _NO_DIM, keepdim)
    return apply(NANSUM, (input,), (normalize_dims(dim, input._data.ndim), bool(keepdim)))


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean of the elements that are not NaN: ``nansum / (number of non-NaN)``."""
    _check_tensor("nanmean", input)
    if not (input.dtype.is_floating_point or dtype is not None):
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{_type_word(input.dtype)}"
        )
    if dtype is not None:
        input = input.to(dtype)
    count = (input == input).sum(dim if dim is not None else _NO_DIM, keepdim)
    return nansum(input, dim, keepdim) / count


# torch functions that are also Tensor methods
_SELECTIONS = ["cummax", "cummin", "kthvalue", "logcumsumexp", "median", "mode"]
_SELECTIONS += ["nanmean", "nanmedian", "nansum"]
__all__ += _SELECTIONS
METHODS += _SELECTIONS


# ------------------------------------------------------------------ statistics by composition
#
# Written with the ops above (sort, gather, sum, mean ...): their gradients follow.


def dist(input, other, p=2):
    """The p-norm of ``input - other`` (broadcast): ``norm(input - other, p)``."""
    return norm(input - other, p)


def aminmax(input, *, dim=None, keepdim=False):
    """The named tuple ``(min, max)``: ``amin`` and ``amax`` in one call."""
    dims = () if dim is None else dim
    if dim is None and input._data.size == 0:
        raise RuntimeError(
            "aminmax(): cannot compute aminmax over an empty dimension as the operation has "
            "no identity."
        )
    low = amin(input, dims, keepdim)
    high = amax(input, dims, keepdim)
    if dim is None and keepdim:
        low, high = low.reshape((1,) * input._data.ndim), high.reshape((1,) * input._data.ndim)
    return return_types.aminmax((low, high))


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    """Sort, then interpolate between the two order statistics around q·(n − 1)."""
    from .._creation import tensor as make_tensor
    from .elementwise import lerp
    from .index import gather, sort

    _check_tensor(name, input)
    if input.dtype not in (dtypes.float32, dtypes.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or "
            f"nearest. Got {interpolation}"
        )
    scalar_q = not isinstance(q, Tensor)
    if not scalar_q and q.dtype is not input.dtype:
        raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
    probabilities = np.atleast_1d(np.asarray(q._data if not scalar_q else q, dtype=np.float64))
    if not scalar_q and q._data.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if ((probabilities < 0) | (probabilities > 1)).any():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if input._data.size == 0:
        raise IndexError(f"{name}() input tensor must be non-empty")
    if dim is None:
        values, dim_used = input.reshape(-1), 0
    else:
        dim_used = _wrap_dim(dim, input._data.ndim) if input._data.ndim else 0
        values = input if input._data.ndim else input.reshape(1)
    ordered = sort(values, dim_used).values  # NaN sorts last
    size = ordered._data.shape[dim_used]
    if ignore_nan:
        count = np.sum(~np.isnan(ordered._data), axis=dim_used, keepdims=True)
    else:
        has_nan = np.isnan(ordered._data).any(axis=dim_used, keepdims=True)
        count = np.full(has_nan.shape, size)
    results = []
    for probability in probabilities:
        rank = probability * (np.maximum(count, 1) - 1).astype(np.float64)
        if interpolation == "lower":
            rank = np.floor(rank)
        elif interpolation == "higher":
            rank = np.ceil(rank)
        elif interpolation == "nearest":
            rank = np.round(rank)  # halves to even, as torch
        below = np.floor(rank).astype(np.int64)
        above = np.minimum(below + 1, size - 1)
        weight = rank - below
        if interpolation == "midpoint":
            weight = np.where(weight > 0, 0.5, 0.0)
        shape = list(ordered.shape)
        shape[dim_used] = 1
        low = gather(ordered, dim_used, Tensor._make(np.broadcast_to(below, shape).copy()))
        high = gather(ordered, dim_used, Tensor._make(np.broadcast_to(above, shape).copy()))
        weights = make_tensor(np.broadcast_to(weight, shape).copy(), dtype=input.dtype)
        value = lerp(low, high, weights)
        if not ignore_nan:
            nan_rows = Tensor._make(np.broadcast_to(has_nan, shape).copy())
            value = value.masked_fill(nan_rows, float("nan"))
        if dim is None:
            value = value.reshape((1,) * input._data.ndim) if keepdim else value.reshape(())
        elif not keepdim:
            value = value.squeeze(dim_used) if input._data.ndim else value.reshape(())
        results.append(value)
    if scalar_q:
        return results[0]
    from .shape import stack

    return stack(results, 0)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The ``q``-quantiles (q in [0, 1], a number or a 1-d tensor) of all elements, or
    along ``dim``: interpolate between the sorted values at positions q·(n − 1).

    ``interpolation``: 'linear' (default), 'lower', 'higher', 'midpoint' or 'nearest'.
    A tensor ``q`` adds a first dim, one entry per quantile. NaN in a group gives NaN.
    """
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """``quantile`` of the non-NaN values (a group of only NaN gives NaN)."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim``: ``out[i] = x[i + 1] - x[i]``, after
    joining ``prepend`` and ``append`` on either side. Bool tensors give ``x[i+1] ^ x[i]``."""
    from .shape import cat

    _check_tensor("diff", input)
    if input._data.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    dim = _wrap_dim(dim, input._data.ndim)
    pieces = [t for t in (prepend, input, append) if t is not None]
    if len(pieces) > 1:
        pieces = [
            t if isinstance(t, Tensor) else Tensor._make(np.asarray(t, input._data.dtype))
            for t in pieces
        ]
        input = cat(pieces, dim)
    for _ in range(n):
        length = input._data.shape[dim]
        if length == 0:
            break
        later = input.narrow(dim, 1, length - 1)
        earlier = input.narrow(dim, 0, length - 1)
        input = later ^ earlier if input.dtype is dtypes.bool else later - earlier
    return input


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoid rule along ``dim``: Σ (yᵢ + yᵢ₊₁)/2 · Δxᵢ, with spacing ``dx``
    (default 1) or sample points ``x``."""
    _check_tensor("trapezoid", y)
    dim = _wrap_dim(dim, y._data.ndim)
    length = y._data.shape[dim]
    if length == 0:
        return y.sum(dim) * 0
    pairs = y.narrow(dim, 1, length - 1) + y.narrow(dim, 0, length - 1)
    if x is None or not isinstance(x, Tensor):
        step = 1 if dx is None and x is None else (dx if dx is not None else x)
        return pairs.sum(dim) * (step / 2)
    spacing = diff(x, dim=-1 if x._data.ndim == 1 else dim)
    if x._data.ndim == 1:
        shape = [1] * y._data.ndim
        shape[dim] = length - 1
        spacing = spacing.reshape(*shape)
    return (pairs * spacing).sum(dim) / 2


trapz = trapezoid


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of ``input`` (observations in
    the columns), with ``correction`` (1: divide by N − 1). Weights are not supported."""
    _check_tensor("cov", input)
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov(): fweights and aweights are not supported")
    if input._data.ndim > 2:
        raise ValueError(f"cov(): expected input to have two or fewer dimensions but got an "
                         f"input with {input._data.ndim} dimensions")  # fmt: skip
    data = input if input._data.ndim == 2 else input.reshape(1, -1)
    if not data.dtype.is_floating_point:
        data = data.to(dtypes.get_default_dtype())
    observations = data._data.shape[1]
    centered = data - data.mean(1, keepdim=True)
    result = centered.mm(centered.t()) / builtins.max(observations - correction, 0)
    return result.reshape(()) if input._data.ndim < 2 else result


def corrcoef(input):
    """Pearson correlation coefficients between the rows of ``input`` (values clipped to
    [-1, 1])."""
    from .elementwise import clamp

    covariance = cov(input)
    if covariance._data.ndim == 0:
        return covariance / covariance
    spread = covariance.diagonal().sqrt()
    result = covariance / spread.unsqueeze(1) / spread.unsqueeze(0)
    return clamp(result, -1, 1)


# ------------------------------------------------------------------ counting (no gradient)


def bincount(input, weights=None, minlength=0):
    """How often each value 0, 1, ... occurs in a 1-d non-negative integer tensor (with
    ``weights``, the sum of the weights of each value); at least ``minlength`` bins."""
    _check_tensor("bincount", input)
    data = input._data
    if data.ndim != 1 or data.dtype.kind not in "iub":
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if data.size and data.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return Tensor._make(np.bincount(data, minlength=minlength).astype(np.int64))
    if tuple(weights.shape) != tuple(input.shape):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    kind = weights._data.dtype
    target = kind if kind in (np.float32, np.float64) else np.float64
    counts = np.bincount(data, weights=weights._data.astype(np.float64), minlength=minlength)
    return Tensor._make(counts.astype(target))


def histc(input, bins=100, min=0, max=0, *, out=None):  # noqa: A002 - torch's names
    """A histogram of ``bins`` equal-width bins between ``min`` and ``max`` (both 0: the
    data's own range); values outside are ignored, ``max`` falls in the last bin."""
    _check_tensor("histc", input)
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"\"histogram_cpu\" not implemented for '{_type_word(input.dtype)}'")
    if bins <= 0:
        raise RuntimeError("torch.histc: bins must be > 0")
    data = input._data.reshape(-1)
    low, high = float(min), float(max)
    if low == high and data.size:
        low, high = float(data.min()), float(data.max())
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise RuntimeError("torch.histc: max must be larger than min")
    inside = data[(data >= low) & (data <= high)].astype(np.float64)
    position = ((inside - low) * bins / (high - low)).astype(np.int64)
    position = np.minimum(position, bins - 1)
    counts = np.bincount(position, minlength=bins).astype(input._data.dtype)
    result = Tensor._make(counts)
    if out is not None:
        from .arithmetic import _finish

        return _finish(result, out)
    return result


return_types.histogram = _Histogram = _return_type("histogram", ("hist", "bin_edges"))


def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):  # noqa: A002
    """A histogram of the elements of a float tensor, with its bin edges.

    ``bins``: a number of equal-width bins between ``range = (min, max)`` (by default the
    data's own range, widened by 0.5 on each side when it is a single value), or a 1-d
    tensor of increasing edges. Bins are half-open ``[e_i, e_i+1)`` but the last one also
    holds its right edge; values outside are ignored. ``weight`` adds each element's weight
    instead of 1; ``density`` divides by the total and the bin widths. Returns the named
    tuple ``(hist, bin_edges)``.
    """
    _check_tensor("histogram", input)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"histogramdd\" not implemented for '{_type_word(input.dtype)}'"
        )
    data = input._data.reshape(-1)
    if isinstance(bins, Tensor):
        edges = bins._data.astype(input._data.dtype)
    else:
        if bins <= 0:
            raise RuntimeError(
                f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0"
            )
        edges = _histogram_edges(data, bins, range, input.dtype)
    position = np.searchsorted(edges, data, side="right") - 1
    # the last bin is closed: its right edge counts in it
    position[data == edges[-1]] = edges.size - 2
    inside = (data >= edges[0]) & (data <= edges[-1]) & (position >= 0)
    values = None if weight is None else weight._data.reshape(-1)[inside].astype(np.float64)
    counts = np.bincount(
        position[inside], weights=values, minlength=builtins.max(edges.size - 1, 0)
    )
    if density:
        total = counts.sum()
        counts = counts / (total * np.diff(edges.astype(np.float64)))
    hist = Tensor._make(counts.astype(input._data.dtype))
    result = _Histogram((hist, Tensor._make(edges.copy())))
    if out is not None:
        from .arithmetic import _finish

        return _Histogram((_finish(result[0], out[0]), _finish(result[1], out[1])))
    return result


def _histogram_edges(data, bins, limits, dtype):
    """The ``bins + 1`` equal-width edges over ``limits`` or the data's own range."""
    from .._creation import linspace

    if limits is None:
        low, high = (float(data.min()), float(data.max())) if data.size else (0.0, 1.0)
        if not (math.isfinite(low) and math.isfinite(high)):
            raise RuntimeError(
                f"torch.histogramdd: dimension 0's range [{low:g}, {high:g}] is not finite"
            )
    else:
        low, high = float(limits[0]), float(limits[1])
        if low > high:
            raise RuntimeError(
                f"torch.histogramdd: min should not exceed max, but got min {low:g} max "
                f"{high:g} for dimension 0"
            )
    if low == high:
        low, high = low - 0.5, high + 0.5
    return linspace(low, high, bins + 1, dtype=dtype)._data


# statistics that are also Tensor methods, and the trapezoid rule (a function only)
_STATISTICS = ["aminmax", "bincount", "corrcoef", "cov", "diff", "dist", "histc"]
_STATISTICS += ["histogram", "nanquantile", "quantile"]
__all__ += _STATISTICS + ["trapezoid", "trapz"]
METHODS += _STATISTICS
