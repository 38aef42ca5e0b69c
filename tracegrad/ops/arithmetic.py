"""Arithmetic with broadcasting: add, sub, mul, div, pow, remainder, neg, abs, ...

Every binary rule undoes broadcasting with ``m.sum_to(grad, input.shape)``: if ``a`` of
shape (3, 1) was stretched to (3, 4), each of its elements was used 4 times, so its
gradient is the sum of the 4 gradients it fed.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype as dtypes
from .._tensor import Tensor
from ._dispatch import binary, common_dtype, constant_array, to_array, unary
from ._registry import Arg, Op, Sample, apply, apply_one
from .._quiet import silent
from ._special import fma


X = Arg((3, 4))
POSITIVE = Arg((3, 4), low=0.5, high=2.0)
BROADCAST_SAMPLES = [
    Sample((Arg((3, 4)), Arg((3, 4)))),
    Sample((Arg((3, 1)), Arg((4,))), note="broadcast both ways"),
    Sample((Arg(()), Arg((2, 3))), note="0-d with a matrix"),
    Sample((Arg((2, 3)), 1.5), note="python scalar"),
]


def _positive_broadcast_samples():
    return [
        Sample((Arg((3, 4)), Arg((3, 4), low=0.5, high=2.0))),
        Sample((Arg((3, 1)), Arg((4,), low=0.5, high=2.0)), note="broadcast"),
        Sample((Arg((2, 3)), 1.5), note="python scalar"),
        Sample((Arg(()), Arg((2, 3), low=-2.0, high=-0.5)), note="0-d, negative divisor"),
    ]


def _scaled_sum(a, alpha, b):
    """``a + alpha * b`` for add/sub with ``alpha``: torch fuses it into one rounding (FMA)
    for floating types, so do we; integers compute it plainly."""
    dtype = np.result_type(a, b)
    if dtype.kind != "f":
        return a + alpha * b
    return fma(b, np.asarray(alpha, dtype=dtype), a)


# d(a + αb) = da + α db
ADD = Op(
    "add",
    "AddBackward0",
    forward=lambda xp, a, b, alpha: a + b if alpha == 1 else _scaled_sum(a, alpha, b),
    vjp=(
        lambda m, g, a, b, out, alpha: m.sum_to(g, a.shape),
        lambda m, g, a, b, out, alpha: m.sum_to(g * alpha if alpha != 1 else g, b.shape),
    ),
    jvp="linear",
    samples=BROADCAST_SAMPLES
    + [
        Sample((Arg((2, 3)), Arg((2, 3))), {"alpha": 2.5}, note="alpha"),
    ],
)

# d(a − αb) = da − α db
SUB = Op(
    "sub",
    "SubBackward0",
    forward=lambda xp, a, b, alpha: a - b if alpha == 1 else _scaled_sum(a, -alpha, b),
    vjp=(
        lambda m, g, a, b, out, alpha: m.sum_to(g, a.shape),
        lambda m, g, a, b, out, alpha: m.sum_to(-g * alpha if alpha != 1 else -g, b.shape),
    ),
    jvp="linear",
    samples=BROADCAST_SAMPLES
    + [
        Sample((Arg((2, 3)), Arg((2, 3))), {"alpha": 2.5}, note="alpha"),
    ],
)

# number − α·tensor: d = −α da
RSUB = Op(
    "rsub",
    "RsubBackward1",
    forward=lambda xp, a, b, alpha: b - a if alpha == 1 else b - alpha * a,
    vjp=(lambda m, g, a, b, out, alpha: -g * alpha if alpha != 1 else -g, None),
    jvp="linear",
    samples=[Sample((Arg((2, 3)), 1.5), call=lambda torch, x, s: s - x)],
)

# d(a ⊙ b) = da ⊙ b + a ⊙ db
MUL = Op(
    "mul",
    "MulBackward0",
    forward=lambda xp, a, b: a * b,
    vjp=(
        lambda m, g, a, b, out: m.sum_to(g * b, a.shape),
        lambda m, g, a, b, out: m.sum_to(g * a, b.shape),
    ),
    jvp="elementwise",
    samples=BROADCAST_SAMPLES + [Sample((X,), call=lambda torch, x: x * x, note="x*x")],
)

# d(a / b) = da / b − a db / b²
DIV = Op(
    "div",
    "DivBackward0",
    forward=silent(lambda xp, a, b: a / b),
    vjp=(
        lambda m, g, a, b, out: m.sum_to(g / b, a.shape),
        lambda m, g, a, b, out: m.sum_to(-g * a / (b * b), b.shape),
    ),
    jvp="elementwise",
    samples=_positive_broadcast_samples(),
)


ADD.scalar_as_array = SUB.scalar_as_array = RSUB.scalar_as_array = True
MUL.scalar_as_array = DIV.scalar_as_array = True


def _rounded_division(xp, a, b, rounding_mode):
    if a.dtype.kind in "iub" if isinstance(a, np.ndarray) else False:
        return _integer_division(a, b, rounding_mode)
    with np.errstate(divide="ignore", invalid="ignore"):
        if rounding_mode == "trunc":
            return np.trunc(a / b)
        return _floor_divide_float(a, b)


def _floor_divide_float(a, b):
    # PyTorch's floor division (c10::div_floor_floating): floor((a - fmod(a, b)) / b),
    # corrected by one when the remainder's sign differs from the divisor's (the result is
    # then exact, like Python); a zero divisor gives IEEE's a / b (inf, -inf or nan)
    mod = np.fmod(a, b)
    div = (a - mod) / b
    adjust = (mod != 0) & ((b < 0) != (mod < 0))
    div = np.where(adjust, div - 1, div)
    floor_div = np.floor(div)
    floor_div = np.where(div - floor_div > 0.5, floor_div + 1, floor_div)
    result = np.where(div == 0, np.copysign(np.zeros_like(div), a / b), floor_div)
    return np.where(b == 0, a / b, result)


def _integer_division(a, b, rounding_mode):
    if np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")
    if rounding_mode == "floor":
        return np.floor_divide(a, b)
    # C's truncating division; the quotient of the magnitudes is computed in the dtype, so
    # that the most negative value divided by -1 wraps around as it does in torch
    with np.errstate(over="ignore"):
        quotient = np.floor_divide(a, b)
    inexact = (quotient * b != a) & ((np.asarray(a) < 0) != (np.asarray(b) < 0))
    return np.where(inexact, quotient + 1, quotient).astype(quotient.dtype)


def _not_for_bool(kernel, a, b):
    """Raise torch's NotImplementedError for kernels that have no bool version."""
    if common_dtype(a, b) is dtypes.bool:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


# rounding makes the result piecewise constant: the gradient is zero almost everywhere
DIV_ROUNDED = Op(
    "div_rounded",
    "DivBackward2",
    forward=_rounded_division,
    vjp=(
        lambda m, g, a, b, out, mode: m.sum_to(g * 0, a.shape),
        lambda m, g, a, b, out, mode: m.sum_to(g * 0, b.shape),
    ),
    jvp="elementwise",
    samples=[
        Sample(
            (Arg((3, 4), low=-5, high=5), Arg((3, 4), low=0.5, high=2.0)),
            {"rounding_mode": "floor"},
            call=lambda torch, a, b, **k: torch.div(a, b, **k),
        ),
        Sample(
            (Arg((3, 4), low=-5, high=5), Arg((4,), low=-2.0, high=-0.5)),
            {"rounding_mode": "trunc"},
            call=lambda torch, a, b, **k: torch.div(a, b, **k),
        ),
    ],
    public="div",
)


def _remainder(xp, a, b):
    if isinstance(a, np.ndarray) and a.dtype.kind in "iub":
        if np.any(np.asarray(b) == 0):
            raise RuntimeError("ZeroDivisionError")
        return np.remainder(a, b)
    # torch: r = fmod(a, b), moved into the divisor's sign; an exact zero keeps a's sign
    with np.errstate(invalid="ignore"):
        mod = np.fmod(a, b)
    return np.where((mod != 0) & ((np.asarray(b) < 0) != (mod < 0)), mod + b, mod)


# a mod b = a − b·⌊a/b⌋: d = da − ⌊a/b⌋ db
REMAINDER = Op(
    "remainder",
    "RemainderBackward1",
    forward=_remainder,
    vjp=(
        lambda m, g, a, b, out: m.sum_to(g, a.shape),
        lambda m, g, a, b, out: m.sum_to(-g * m.floor((a - out) / b), b.shape),
    ),
    jvp="elementwise",
    samples=[Sample((Arg((3, 4), low=-5, high=5), Arg((3, 4), low=0.7, high=2.0)))],
)

REMAINDER_SCALAR = Op(
    "remainder_scalar",
    "RemainderBackward0",
    forward=_remainder,
    vjp=(lambda m, g, a, b, out: g, None),
    jvp="elementwise",
    samples=[Sample((Arg((3, 4), low=-5, high=5), 1.5), call=lambda torch, a, s: a % s)],
    public="remainder",
)


def _fmod(xp, a, b):
    if isinstance(a, np.ndarray) and a.dtype.kind in "iub" and np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")
    with np.errstate(invalid="ignore"):
        return np.fmod(a, b)


FMOD = Op(
    "fmod",
    "FmodBackward1",
    forward=_fmod,
    vjp=(
        lambda m, g, a, b, out: m.sum_to(g, a.shape),
        lambda m, g, a, b, out: m.sum_to(-g * m.trunc((a - out) / b), b.shape),
    ),
    jvp="elementwise",
    samples=[Sample((Arg((3, 4), low=-5, high=5), Arg((3, 4), low=0.7, high=2.0)))],
)

# fmod by a number: only the dividend has a gradient, g
FMOD_SCALAR = Op(
    "fmod_scalar",
    "FmodBackward0",
    forward=_fmod,
    vjp=(lambda m, g, a, b, out: g, None),
    jvp="elementwise",
    samples=[Sample((Arg((3, 4), low=-5, high=5), 1.5), call=lambda torch, a, s: a.fmod(s))],
    public="fmod",
)


@silent
def _pow_forward(xp, a, exponent):
    # PyTorch evaluates these exponents with cheaper exact formulas; so do we, so that
    # the results agree bit for bit
    if isinstance(a, np.ndarray) and a.dtype.kind in "iu" and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if exponent == 2:
        return a * a
    if exponent == 3:
        return a * a * a
    if exponent == 0.5:
        return np.sqrt(a)
    if exponent == -0.5:
        return 1 / np.sqrt(a)
    if exponent == -1:
        return 1 / a
    if exponent == -2:
        return 1 / (a * a)
    return np.power(a, exponent)


@silent
def _power(a, b):
    """``a ** b`` elementwise, as torch computes it for two tensors.

    Integer powers with a negative exponent are not an error here (only a negative *number*
    exponent is): like torch's ``powi`` they give 1 for a base of 1, ±1 for -1, else 0.
    """
    if np.result_type(a, b).kind not in "iu":
        return np.power(a, b)
    a, b = np.asarray(a), np.asarray(b)
    negative = b < 0
    result = np.power(a, np.where(negative, 0, b).astype(b.dtype))
    if not negative.any():
        return result
    odd = (b % 2) != 0
    inverse = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0))
    return np.where(negative, inverse, result).astype(result.dtype)


# d(aᵖ) = p·aᵖ⁻¹ da
POW = Op(
    "pow",
    "PowBackward0",
    forward=_pow_forward,
    vjp=(lambda m, g, a, out, p: g * (p * a ** (p - 1)) if p != 0 else g * 0,),
    jvp="elementwise",
    samples=[
        Sample((Arg((3, 4)), 2)),
        Sample((Arg((3, 4)), 3)),
        Sample((Arg((3, 4), low=0.5, high=2.0), 0.5)),
        Sample((Arg((3, 4), low=0.5, high=2.0), -1.5)),
        Sample((Arg((3, 4)), 0)),
        Sample((Arg((3, 4)),), call=lambda torch, x: x.square(), note="square"),
    ],
)


# d(aᵇ) = b·aᵇ⁻¹ da + aᵇ·log(a) db
POW_TENSOR = Op(
    "pow_tensor",
    "PowBackward1",
    forward=lambda xp, a, b: _power(a, b),
    vjp=(
        lambda m, g, a, b, out: m.sum_to(g * (b * a ** (b - 1)), a.shape),
        lambda m, g, a, b, out: m.sum_to(g * m.where(a == 0, 0 * out, out * m.log(a)), b.shape),
    ),
    jvp="elementwise",
    samples=[
        Sample((Arg((3, 4), low=0.5, high=2.0), Arg((3, 4)))),
        Sample((Arg((3, 1), low=0.5, high=2.0), Arg((4,)))),
    ],
    public="pow",
)

# d(sᵇ) = sᵇ·log(s) db for a number s
RPOW = Op(
    "rpow",
    "PowBackward2",
    forward=lambda xp, b, base: _power(base, b),
    vjp=(lambda m, g, b, base, out: g * out * math.log(base) if base > 0 else g * 0, None),
    jvp="elementwise",
    samples=[Sample((Arg((3, 4)), 2.5), call=lambda torch, x, s: s**x)],
    public="pow",
)

NEG = Op(
    "neg",
    "NegBackward0",
    forward=lambda xp, a: -a,
    vjp=(lambda m, g, a, out: -g,),
    jvp="linear",
    samples=[Sample((X,)), Sample((Arg(()),))],
)

# d|a| = sign(a) da  (PyTorch uses 0 at a = 0)
ABS = Op(
    "abs",
    "AbsBackward0",
    forward=lambda xp, a: np.abs(a),
    vjp=(lambda m, g, a, out: g * m.sign(a),),
    jvp="elementwise",
    samples=[Sample((Arg((3, 4), values=[[-2.0, -1.0, 0.5, 1.0]] * 3),)), Sample((X,))],
)

SIGN = Op(
    "sign",
    "SignBackward0",
    forward=lambda xp, a: np.sign(a),
    vjp=(lambda m, g, a, out: g * 0,),
    jvp="elementwise",
    samples=[Sample((X,))],
)

# d(1/a) = −da / a²
RECIPROCAL = Op(
    "reciprocal",
    "ReciprocalBackward0",
    forward=silent(lambda xp, a: 1 / a),
    vjp=(lambda m, g, a, out: -g * (out * out),),
    jvp="elementwise",
    samples=[Sample((POSITIVE,)), Sample((Arg((3,), low=-2.0, high=-0.5),))],
)

FLOOR_DIVIDE = Op(
    "floor_divide",
    "FloorDivideBackward0",
    forward=lambda xp, a, b: _rounded_division(xp, a, b, "floor"),
    differentiable=False,
    samples=[
        Sample(
            (Arg((3, 4), low=-5, high=5, grad=False), Arg((3, 4), low=0.5, high=2.0, grad=False))
        )
    ],
)


# ------------------------------------------------------------------ public functions


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other``, broadcasting; ``out = a + αb``."""
    if not isinstance(input, Tensor):
        return _finish(
            binary(ADD, other, input, (alpha,))
            if alpha == 1
            else binary(ADD, _as_tensor(input, other), other, (alpha,)),
            out,
        )
    result = binary(ADD, input, other, (alpha,))
    return result if out is None else _finish(result, out)


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``, broadcasting."""
    if not isinstance(input, Tensor):
        return _finish(rsub(other, input, alpha=alpha), out)
    _check_not_bool_sub(input, other)
    return _finish(binary(SUB, input, other, (alpha,)), out)


subtract = sub


def rsub(input, other, *, alpha=1):
    """``other - alpha * input`` (reflected subtraction)."""
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    _check_not_bool_sub(input, other)
    return binary(RSUB, input, other, (alpha,))


def _check_not_bool_sub(a, b):
    """torch refuses subtraction when either operand is bool (a Python bool included)."""
    a_bool = getattr(a, "dtype", None) is dtypes.bool or isinstance(a, bool)
    b_bool = getattr(b, "dtype", None) is dtypes.bool or isinstance(b, bool)
    if a_bool and b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
            "`^` or `logical_xor()` operator instead."
        )
    if a_bool or b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


_silent_binary = silent(binary)
_ZERO_OR_INF = frozenset((0, math.inf, -math.inf))


def mul(input, other, *, out=None):
    """Elementwise product ``input * other``, broadcasting."""
    if not isinstance(input, Tensor):
        input, other = other, input
    if other.__class__ is not Tensor:
        try:
            special = other in _ZERO_OR_INF
        except TypeError:  # an unhashable operand (a NumPy array)
            special = False
        if special:
            # x * 0 with inf in x, or x * inf with 0 in x: nan, silently (as in torch);
            # mul's own forward is not wrapped, it is too common to pay for it every call
            return _finish(_silent_binary(MUL, input, other, (), False, True), out)
    result = binary(MUL, input, other, scalar_in_opmath=True)
    return result if out is None else _finish(result, out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    """Elementwise ``input / other``; integers divide to the default float dtype.

    ``rounding_mode``: ``None`` (true division), ``"trunc"`` or ``"floor"``.
    """
    if rounding_mode is not None:
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError(
                "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                f"'{rounding_mode}'"
            )
        _not_for_bool(f"div_{rounding_mode}_cpu", input, other)
        input = _as_tensor(input, other)
        return _finish(binary(DIV_ROUNDED, input, other, (rounding_mode,)), out)
    if not isinstance(input, Tensor):
        return _finish(reciprocal(_float(other)) * input, out)
    return _finish(binary(DIV, input, other, to_float=True, scalar_in_opmath=True), out)


divide = div
true_divide = div


def floor_divide(input, other, *, out=None):
    """Elementwise ``floor(input / other)`` (Python's ``//``)."""
    _not_for_bool("div_floor_cpu", input, other)
    return _finish(binary(FLOOR_DIVIDE, _as_tensor(input, other), other), out)


def remainder(input, other, *, out=None):
    """Elementwise remainder with the sign of the divisor (Python's ``%``)."""
    _not_for_bool("remainder_cpu", input, other)
    input = _as_tensor(input, other)
    if isinstance(other, Tensor):
        return _finish(binary(REMAINDER, input, other), out)
    return _finish(binary(REMAINDER_SCALAR, input, other), out)


def fmod(input, other, *, out=None):
    """Elementwise remainder with the sign of the dividend (C's ``fmod``)."""
    _not_for_bool("fmod_cpu", input, other)
    if isinstance(other, Tensor):
        return _finish(binary(FMOD, input, other), out)
    return _finish(binary(FMOD_SCALAR, input, other), out)


def pow(input, exponent, *, out=None):  # noqa: A001 - torch.pow
    """Elementwise power ``input ** exponent``; either may be a number.

    As in torch, an integer tensor to a negative *number* power is an error, while
    integer tensor exponents follow C's integer power (``2 ** tensor(-1)`` is 0).
    """
    if not isinstance(input, Tensor):
        # number ** tensor: the number is a tensor of the common dtype
        common = common_dtype(input, exponent)
        _not_for_bool("pow", input, exponent)
        base = input if common._category == dtypes.FLOAT else np.asarray(input).astype(common.np)
        return _finish(apply(RPOW, (exponent, input), (), (to_array(exponent, common), base)), out)
    if isinstance(exponent, Tensor):
        _not_for_bool("pow", input, exponent)
        return _finish(binary(POW_TENSOR, input, exponent), out)
    common = common_dtype(input, exponent)
    if common is dtypes.bool:
        # a bool tensor to a bool power: torch fills with True for False and copies for True
        from .._creation import ones_like

        return _finish(input.clone() if exponent else ones_like(input), out)
    if common._category != dtypes.FLOAT and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if common is not input.dtype:
        return _finish(binary(POW_TENSOR, input.to(common), exponent), out)
    return _finish(unary(POW, input, (exponent,)), out)


def square(input, *, out=None):
    """Elementwise ``input ** 2``."""
    if input.dtype is dtypes.bool:
        input = input.to(dtypes.int64)
    return pow(input, 2, out=out)


def neg(input, *, out=None):
    """Elementwise ``-input``."""
    if input.dtype is dtypes.bool:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return _finish(unary(NEG, input), out)


negative = neg


def abs(input, *, out=None):  # noqa: A001 - torch.abs
    """Elementwise absolute value."""
    return _finish(unary(ABS, input), out)


absolute = abs


def sign(input, *, out=None):
    """Elementwise sign: -1, 0 or 1."""
    return _finish(unary(SIGN, input), out)


def reciprocal(input, *, out=None):
    """Elementwise ``1 / input`` (integers give the default float dtype)."""
    return _finish(unary(RECIPROCAL, input, to_float=True), out)


def _float(x):
    if isinstance(x, Tensor) and not x.dtype.is_floating_point:
        return x.to(dtypes.get_default_dtype())
    return x


def _as_tensor(x, like):
    if isinstance(x, Tensor):
        return x
    from .._creation import scalar_tensor_like

    return scalar_tensor_like(x, like if isinstance(like, Tensor) else None)


def _finish(result, out):
    """Support ``out=``: copy the result into ``out`` (resized like torch)."""
    if out is None:
        return result
    if out._requires_grad and result._requires_grad:
        raise RuntimeError(
            "add(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    if out._data.shape != result._data.shape:
        out._data = np.empty(result._data.shape, dtype=out._data.dtype)
    np.copyto(out._data, result._data, casting="unsafe")
    out._version[0] += 1
    return out


# the torch namespace functions of this family, and those that are also Tensor methods
__all__ = [
    "abs",
    "absolute",
    "add",
    "div",
    "divide",
    "floor_divide",
    "fmod",
    "mul",
    "multiply",
    "neg",
    "negative",
    "pow",
    "reciprocal",
    "remainder",
    "rsub",
    "sign",
    "square",
    "sub",
    "subtract",
    "true_divide",
]
METHODS = [
    "add",
    "sub",
    "subtract",
    "mul",
    "multiply",
    "div",
    "divide",
    "true_divide",
    "floor_divide",
    "remainder",
    "fmod",
    "pow",
    "neg",
    "negative",
    "abs",
    "absolute",
    "sign",
    "reciprocal",
    "square",
    "rsub",
]
INPLACE_METHODS = [
    "add",
    "sub",
    "subtract",
    "mul",
    "multiply",
    "div",
    "divide",
    "true_divide",
    "floor_divide",
    "remainder",
    "fmod",
    "pow",
    "neg",
    "negative",
    "abs",
    "absolute",
    "sign",
    "reciprocal",
    "square",
]


# ------------------------------------------------------------ operators with a number

_PLAIN_FLOATS = (dtypes.float32, dtypes.float64)


def number_operator(op, general, params=(), reflected=False):
    """``Tensor.__op__`` for its commonest call, a float32/float64 tensor with a Python
    number (``y * 1.01``, ``0.5 + y``): straight to ``apply``, the number as a cached 0-d
    array of the tensor's dtype, as ``binary`` would give it. Anything else (tensors,
    other dtypes, the 0 and ±inf that ``mul`` treats apart) goes to ``general``.
    ``reflected``: the operator is ``__rop__`` of a commutative op (add, mul).
    """
    special = _ZERO_OR_INF if op is MUL else ()

    def operator(self, other):
        kind = type(other)
        if (kind is float or kind is int) and self.dtype in _PLAIN_FLOATS and other not in special:
            return apply_one(op, self, constant_array(other, self._data.dtype), params)
        return general(other, self) if reflected else general(self, other)

    operator.__name__ = general.__name__
    operator.__doc__ = general.__doc__
    return operator
