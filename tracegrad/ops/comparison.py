"""Comparisons, logical and bitwise operations, and NaN/Inf tests: bool results, no gradient.

They are still registry entries (``differentiable=False``), so their samples are checked
against PyTorch like every other op.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as dtypes
from .._tensor import Tensor, type_name
from ._dispatch import _NUMBER_TYPES, binary, common_dtype, to_array
from ._registry import Arg, Op, Sample, apply
from .arithmetic import _as_tensor, _finish

INTS = Arg((3, 4), low=-3, high=3, dtype="int64", grad=False)
FLOATS = Arg((3, 4), low=-1, high=1, grad=False)
BOOLS = Arg((3, 4), dtype="bool", grad=False)


def _comparison(name, forward):
    return Op(
        name,
        "NotDifferentiable",
        forward=forward,
        differentiable=False,
        samples=[
            Sample((INTS, Arg((3, 4), low=-3, high=3, dtype="int64", grad=False))),
            Sample((FLOATS, Arg((4,), low=-1, high=1, grad=False))),
            Sample((INTS, 1)),
            Sample((FLOATS, 0.25)),
        ],
    )


EQ = _comparison("eq", lambda xp, a, b: np.equal(a, b))
NE = _comparison("ne", lambda xp, a, b: np.not_equal(a, b))
LT = _comparison("lt", lambda xp, a, b: np.less(a, b))
LE = _comparison("le", lambda xp, a, b: np.less_equal(a, b))
GT = _comparison("gt", lambda xp, a, b: np.greater(a, b))
GE = _comparison("ge", lambda xp, a, b: np.greater_equal(a, b))


def _logical(name, forward):
    return Op(
        name,
        "NotDifferentiable",
        forward=forward,
        differentiable=False,
        samples=[
            Sample((BOOLS, BOOLS)),
            Sample((INTS, FLOATS)),
        ],
    )


LOGICAL_AND = _logical("logical_and", lambda xp, a, b: np.logical_and(a, b))
LOGICAL_OR = _logical("logical_or", lambda xp, a, b: np.logical_or(a, b))
LOGICAL_XOR = _logical("logical_xor", lambda xp, a, b: np.logical_xor(a, b))
LOGICAL_NOT = Op(
    "logical_not",
    "NotDifferentiable",
    forward=lambda xp, a: np.logical_not(a),
    differentiable=False,
    samples=[Sample((BOOLS,)), Sample((INTS,))],
)


def _bitwise(name, forward):
    return Op(
        name,
        "NotDifferentiable",
        forward=forward,
        differentiable=False,
        samples=[
            Sample((BOOLS, BOOLS)),
            Sample((INTS, Arg((3, 4), low=-3, high=3, dtype="int64", grad=False))),
        ],
    )


BITWISE_AND = _bitwise("bitwise_and", lambda xp, a, b: np.bitwise_and(a, b))
BITWISE_OR = _bitwise("bitwise_or", lambda xp, a, b: np.bitwise_or(a, b))
BITWISE_XOR = _bitwise("bitwise_xor", lambda xp, a, b: np.bitwise_xor(a, b))
BITWISE_NOT = Op(
    "bitwise_not",
    "NotDifferentiable",
    forward=lambda xp, a: np.invert(a),
    differentiable=False,
    samples=[Sample((BOOLS,)), Sample((INTS,))],
)


def _shift_forward(left):
    """Shift the bits of integers: a shift by a negative amount or by the width of the
    type or more gives 0 to the left, and 0 or -1 (the sign filled in) to the right, as
    torch does (C leaves those undefined)."""

    def forward(xp, a, b):
        a, b = np.asarray(a), np.asarray(b)
        outside = (b < 0) | (b >= a.dtype.itemsize * 8)
        amount = np.where(outside, 0, b).astype(a.dtype)
        if left:
            return np.where(outside, 0, np.left_shift(a, amount)).astype(a.dtype)
        filled = np.where(a < 0, -1, 0) if a.dtype.kind == "i" else 0
        return np.where(outside, filled, np.right_shift(a, amount)).astype(a.dtype)

    return forward


def _shift(name, left):
    return Op(
        name,
        "NotDifferentiable",
        forward=_shift_forward(left),
        differentiable=False,
        samples=[
            Sample((INTS, Arg((3, 4), low=0, high=5, dtype="int64", grad=False))),
            Sample((Arg((3, 4), low=-100, high=100, dtype="int32", grad=False), 3)),
        ],
    )


BITWISE_LEFT_SHIFT = _shift("bitwise_left_shift", True)
BITWISE_RIGHT_SHIFT = _shift("bitwise_right_shift", False)

SPECIALS = Arg(
    (2, 3), values=[[0.0, float("nan"), float("inf")], [-float("inf"), 1.0, -2.0]], grad=False
)
ISNAN = Op(
    "isnan",
    "NotDifferentiable",
    forward=lambda xp, a: np.isnan(a),
    differentiable=False,
    samples=[Sample((SPECIALS,)), Sample((INTS,))],
)
ISINF = Op(
    "isinf",
    "NotDifferentiable",
    forward=lambda xp, a: np.isinf(a),
    differentiable=False,
    samples=[Sample((SPECIALS,))],
)
ISFINITE = Op(
    "isfinite",
    "NotDifferentiable",
    forward=lambda xp, a: np.isfinite(a),
    differentiable=False,
    samples=[Sample((SPECIALS,))],
)
ISPOSINF = Op(
    "isposinf",
    "NotDifferentiable",
    forward=lambda xp, a: np.isposinf(a),
    differentiable=False,
    samples=[Sample((SPECIALS,))],
)
ISNEGINF = Op(
    "isneginf",
    "NotDifferentiable",
    forward=lambda xp, a: np.isneginf(a),
    differentiable=False,
    samples=[Sample((SPECIALS,))],
)


def _binary_function(op, doc, bool_only=False):
    def function(input, other, *, out=None):
        if not bool_only and not (
            isinstance(input, Tensor) and isinstance(other, (Tensor, *_NUMBER_TYPES))
        ):
            raise _invalid_arguments(op.name, input, other)
        if not isinstance(input, Tensor):
            input = _as_tensor(input, other)
        if bool_only and (
            input.dtype.is_floating_point
            or getattr(other, "dtype", dtypes.int64).is_floating_point
            or isinstance(other, float)
        ):
            raise RuntimeError(f"\"{op.name}_cpu\" not implemented for 'Float'")
        return _finish(binary(op, input, other), out)

    function.__name__ = op.name
    function.__doc__ = doc
    return function


_KERNEL_WORDS = {"float16": "Half", "float32": "Float", "float64": "Double", "bool": "Bool"}


def _shift_function(op, kernel, doc):
    def function(input, other, *, out=None):
        if not isinstance(input, Tensor):
            input = _as_tensor(input, other)
        common = common_dtype(input, other)
        if common.is_floating_point or common is dtypes.bool:
            raise NotImplementedError(
                f"\"{kernel}_cpu\" not implemented for '{_KERNEL_WORDS[common.name]}'"
            )
        return _finish(binary(op, input, other), out)

    function.__name__ = op.name
    function.__doc__ = doc
    return function


def _invalid_arguments(name, input, other) -> TypeError:
    """torch's argument-parser error for a comparison called with non-tensor arguments."""
    got = ", ".join("Tensor" if isinstance(x, Tensor) else type(x).__name__ for x in (input, other))
    return TypeError(
        f"{name}() received an invalid combination of arguments - got ({got}), but expected "
        "one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n"
        " * (Tensor input, Number other, *, Tensor out = None)\n"
    )


eq = _binary_function(EQ, "Elementwise ``input == other`` (bool result).")
ne = _binary_function(NE, "Elementwise ``input != other``.")
lt = _binary_function(LT, "Elementwise ``input < other``.")
le = _binary_function(LE, "Elementwise ``input <= other``.")
gt = _binary_function(GT, "Elementwise ``input > other``.")
ge = _binary_function(GE, "Elementwise ``input >= other``.")
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


def _logical_function(op, doc):
    def function(input, other, *, out=None):
        return _finish(apply(op, (input, other)), out)

    function.__name__ = op.name
    function.__doc__ = doc
    return function


logical_and = _logical_function(LOGICAL_AND, "Elementwise logical AND (nonzero is True).")
logical_or = _logical_function(LOGICAL_OR, "Elementwise logical OR.")
logical_xor = _logical_function(LOGICAL_XOR, "Elementwise logical XOR.")
bitwise_left_shift = _shift_function(
    BITWISE_LEFT_SHIFT, "lshift", "Elementwise ``input << other``: the integer bits moved left."
)
bitwise_right_shift = _shift_function(
    BITWISE_RIGHT_SHIFT, "rshift", "Elementwise ``input >> other``: the bits moved right."
)
bitwise_and = _binary_function(BITWISE_AND, "Elementwise AND of bools or integer bits.", True)
bitwise_or = _binary_function(BITWISE_OR, "Elementwise OR of bools or integer bits.", True)
bitwise_xor = _binary_function(BITWISE_XOR, "Elementwise XOR of bools or integer bits.", True)


def logical_not(input, *, out=None):
    """Elementwise logical NOT."""
    return apply(LOGICAL_NOT, (input,))


def bitwise_not(input, *, out=None):
    """Elementwise NOT of bools or integer bits (``~``)."""
    if input.dtype.is_floating_point:
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
        )
    return apply(BITWISE_NOT, (input,))


def isnan(input):
    """True where the element is NaN."""
    return apply(ISNAN, (input,))


def isinf(input):
    """True where the element is +inf or -inf."""
    return apply(ISINF, (input,))


def isfinite(input):
    """True where the element is neither NaN nor infinite."""
    return apply(ISFINITE, (input,))


def isposinf(input):
    """True where the element is +inf."""
    return apply(ISPOSINF, (input,))


def isneginf(input):
    """True where the element is -inf."""
    return apply(ISNEGINF, (input,))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|input - other| <= atol + rtol * |other|``."""
    common = common_dtype(input, other)
    a, b = to_array(input, common), to_array(other, common)
    return Tensor._make(np.asarray(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """True when every element is ``isclose``."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other) -> bool:
    """True when both tensors have the same shape and elements."""
    return input.shape == other.shape and bool((input._data == other._data).all())


# the torch namespace functions of this family, and those that are also Tensor methods

# the unit step: 0 for x < 0, 1 for x > 0, ``values`` where x == 0 (the course's ε(x))
HEAVISIDE = Op(
    "heaviside",
    "NotDifferentiable",
    forward=lambda xp, a, values: np.heaviside(a, values).astype(a.dtype, copy=False),
    differentiable=False,
    samples=[
        Sample(
            (
                Arg((3, 4), grad=False, values=np.array([[-1.0, 0.0, 2.0, 0.0]] * 3)),
                Arg((), values=np.array(0.5), grad=False),
            )
        ),
        Sample((INTS, Arg((4,), low=-3, high=3, dtype="int64", grad=False))),
    ],
)


def heaviside(input, values, *, out=None):
    """The Heaviside step of ``input``: 0 where input < 0, 1 where input > 0 and
    ``values`` (broadcast) where input == 0. Both must be tensors of the same dtype."""
    for name, x in (("input", input), ("values", values)):
        if not isinstance(x, Tensor):
            raise TypeError(
                f"heaviside(): argument '{name}' (position {1 + (name == 'values')}) must be "
                f"Tensor, not {type_name(x)}"
            )
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _finish(apply(HEAVISIDE, (input, values)), out)


__all__ = [
    "allclose",
    "heaviside",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "bitwise_and",
    "bitwise_not",
    "bitwise_or",
    "bitwise_xor",
    "eq",
    "equal",
    "ge",
    "greater",
    "greater_equal",
    "gt",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "le",
    "less",
    "less_equal",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "lt",
    "ne",
    "not_equal",
]
METHODS = [
    "bitwise_left_shift",
    "bitwise_right_shift",
    "heaviside",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
    "isnan",
    "isinf",
    "isfinite",
    "isposinf",
    "isneginf",
    "isclose",
    "allclose",
    "equal",
]
INPLACE_METHODS = [
    "bitwise_left_shift",
    "bitwise_right_shift",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
]


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """True where an element of ``elements`` occurs in ``test_elements`` (either may be a
    number); ``invert=True`` gives the opposite."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() expects at least one Tensor argument")
    values = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    tests = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    found = np.isin(values, tests, assume_unique=assume_unique, invert=invert)
    return Tensor._make(np.asarray(found, dtype=bool))


def is_nonzero(input) -> bool:
    """The truth of a one-element tensor (an error for any other size)."""
    if input._data.size == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if input._data.size > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input._data.reshape(-1)[0])


def is_same_size(input, other) -> bool:
    """True when the two tensors have the same shape."""
    return tuple(input.shape) == tuple(other.shape)


__all__ += ["is_nonzero", "is_same_size", "isin"]
METHODS += ["is_nonzero", "is_same_size"]


def is_signed(input) -> bool:
    """True for dtypes that hold negative numbers (all but bool and uint8)."""
    return input.dtype.name not in ("bool", "uint8")


METHODS += ["is_signed"]
