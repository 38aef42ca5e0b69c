"""Elementwise functions of one tensor: exp, log, trigonometry, sigmoid, relu, rounding.

For y = σ(x) applied to every element, the differential is dy = σ'(x) ⊙ dx, so every rule
here is ``g * σ'(x)`` (written with the output ``out`` where that is cheaper, as for
exp, tanh and sigmoid), and every JVP is the same formula with the tangent in place of
``g`` (``jvp="elementwise"``).
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype as dtypes
from .._tensor import Tensor, type_name
from ._dispatch import binary, constant_array, unary
from ._registry import Arg, Op, Sample, apply, apply_one
from ._special import fma

from .arithmetic import _finish, silent

# The number 1 in the rules of tanh and sigmoid (the commonest activations), as a 0-d array:
# NumPy computes ``ONE - out`` in half the time of ``1 - out`` (no weak-scalar type
# resolution; W4 4.5% faster), with the same bits. Tensors and symbols read it as 1.
ONE = constant_array(1, np.float32)

X = Arg((3, 4))
POSITIVE = Arg((3, 4), low=0.5, high=2.0)
UNIT = Arg((3, 4), low=-0.9, high=0.9)


def _unary_op(name, grad_fn, forward, rule, sample=X, extra_samples=()):
    return Op(
        name,
        grad_fn,
        forward=forward,
        vjp=(rule,),
        jvp="elementwise",
        samples=[
            Sample((sample,)),
            Sample((Arg((), low=sample.low, high=sample.high),), note="0-d"),
        ]
        + list(extra_samples),
    )


# _TIES: torch's maximum/minimum/clamp/relu return their *first* operand (the input) when
# the two compare equal, NumPy's np.maximum/np.minimum the *second*; the two differ only on
# signed zeros (relu(-0.) is -0. in torch). So the input goes second in every np.maximum /
# np.minimum below: same values, same signs of zero as torch.

# d eˣ = eˣ dx
EXP = _unary_op(
    "exp", "ExpBackward0", silent(lambda xp, a: np.exp(a)), lambda m, g, a, out: g * out
)
# d log x = dx / x
LOG = _unary_op(
    "log", "LogBackward0", silent(lambda xp, a: np.log(a)), lambda m, g, a, out: g / a, POSITIVE
)
LOG2 = _unary_op(
    "log2",
    "Log2Backward0",
    silent(lambda xp, a: np.log2(a)),
    lambda m, g, a, out: g / (a * math.log(2.0)),
    POSITIVE,
)
LOG10 = _unary_op(
    "log10",
    "Log10Backward0",
    silent(lambda xp, a: np.log10(a)),
    lambda m, g, a, out: g / (a * math.log(10.0)),
    POSITIVE,
)
LOG1P = _unary_op(
    "log1p",
    "Log1PBackward0",
    silent(lambda xp, a: np.log1p(a)),
    lambda m, g, a, out: g / (a + 1),
    POSITIVE,
)
EXPM1 = _unary_op(
    "expm1", "Expm1Backward0", silent(lambda xp, a: np.expm1(a)), lambda m, g, a, out: g * (out + 1)
)
# d √x = dx / (2√x)
SQRT = _unary_op(
    "sqrt",
    "SqrtBackward0",
    silent(lambda xp, a: np.sqrt(a)),
    lambda m, g, a, out: g / (2 * out),
    POSITIVE,
)
# d x^(-1/2) = -½ x^(-3/2) dx
RSQRT = _unary_op(
    "rsqrt",
    "RsqrtBackward0",
    silent(lambda xp, a: 1 / np.sqrt(a)),
    lambda m, g, a, out: -0.5 * g * out * out * out,
    POSITIVE,
)
SIN = _unary_op("sin", "SinBackward0", lambda xp, a: np.sin(a), lambda m, g, a, out: g * m.cos(a))
COS = _unary_op("cos", "CosBackward0", lambda xp, a: np.cos(a), lambda m, g, a, out: -g * m.sin(a))
# d tan x = (1 + tan²x) dx
TAN = _unary_op(
    "tan",
    "TanBackward0",
    silent(lambda xp, a: np.tan(a)),
    lambda m, g, a, out: g * (1 + out * out),
    UNIT,
)
ASIN = _unary_op(
    "asin",
    "AsinBackward0",
    silent(lambda xp, a: np.arcsin(a)),
    lambda m, g, a, out: g / m.sqrt(1 - a * a),
    UNIT,
)
ACOS = _unary_op(
    "acos",
    "AcosBackward0",
    silent(lambda xp, a: np.arccos(a)),
    lambda m, g, a, out: -g / m.sqrt(1 - a * a),
    UNIT,
)
ATAN = _unary_op(
    "atan", "AtanBackward0", lambda xp, a: np.arctan(a), lambda m, g, a, out: g / (1 + a * a)
)
SINH = _unary_op(
    "sinh", "SinhBackward0", silent(lambda xp, a: np.sinh(a)), lambda m, g, a, out: g * m.cosh(a)
)
COSH = _unary_op(
    "cosh", "CoshBackward0", silent(lambda xp, a: np.cosh(a)), lambda m, g, a, out: g * m.sinh(a)
)
# d tanh x = (1 − tanh²x) dx
TANH = _unary_op(
    "tanh", "TanhBackward0", lambda xp, a: np.tanh(a), lambda m, g, a, out: g * (ONE - out * out)
)


@silent
def _sigmoid(xp, a):
    """1 / (1 + e⁻ᵃ), computed in one buffer (the same roundings, fewer temporaries)."""
    if a.ndim == 0:
        return 1 / (1 + np.exp(-a))
    one = constant_array(1, a.dtype)
    t = np.negative(a)
    np.exp(t, out=t)
    np.add(t, one, out=t)
    return np.divide(one, t, out=t)


# d σ(x) = σ(x)(1 − σ(x)) dx
SIGMOID = _unary_op(
    "sigmoid", "SigmoidBackward0", _sigmoid, lambda m, g, a, out: g * (ONE - out) * out
)

# d relu(x) = 1[x > 0] dx  (0 at the kink, as PyTorch)
RELU = _unary_op(
    "relu",
    "ReluBackward0",
    # (0 first: on a tie NumPy returns the second operand, torch the input: relu(-0.) = -0.)
    lambda xp, a: np.maximum(constant_array(0, a.dtype), a),
    lambda m, g, a, out: m.where(out > 0, g, 0 * g),
    Arg((3, 4), values=[[-1.5, -0.5, 0.5, 1.5]] * 3),
)


def _erf(xp, a):
    from ._special import erf

    return erf(a)


# d erf(x) = 2/√π · e^(−x²) dx
ERF = _unary_op("erf", "ErfBackward0", _erf, lambda m, g, a, out: g * m.erf_derivative(a))

# rounding functions are piecewise constant: zero gradient
FLOOR = _unary_op("floor", "FloorBackward0", lambda xp, a: np.floor(a), lambda m, g, a, out: g * 0)
CEIL = _unary_op("ceil", "CeilBackward0", lambda xp, a: np.ceil(a), lambda m, g, a, out: g * 0)
TRUNC = _unary_op("trunc", "TruncBackward0", lambda xp, a: np.trunc(a), lambda m, g, a, out: g * 0)
ROUND = _unary_op("round", "RoundBackward0", lambda xp, a: np.round(a), lambda m, g, a, out: g * 0)
ROUND_DECIMALS = Op(
    "round_decimals",
    "RoundBackward1",
    forward=lambda xp, a, decimals: _round_decimals(a, decimals),
    vjp=(lambda m, g, a, out, decimals: g * 0,),
    jvp="elementwise",
    samples=[Sample((X,), {"decimals": 2}, call=lambda torch, x, **k: torch.round(x, **k))],
    public="round",
)
# frac(x) = x − trunc(x): d = dx
FRAC = _unary_op("frac", "FracBackward0", lambda xp, a: a - np.trunc(a), lambda m, g, a, out: g)


def _round_decimals(a, decimals):
    # torch: round(x * 10^d) / 10^d, with the scale computed in the tensor's dtype
    scale = np.asarray(10.0**decimals, dtype=a.dtype)
    if decimals >= 0:
        return np.round(a * scale) / scale
    scale = np.asarray(10.0 ** (-decimals), dtype=a.dtype)
    return np.round(a / scale) * scale


# clamp with number bounds: d = 1[min ≤ x ≤ max] dx
CLAMP = Op(
    "clamp",
    "ClampBackward1",
    forward=lambda xp, a, low, high: _clamp_numbers(a, low, high),
    vjp=(lambda m, g, a, out, low, high: m.where(_inside(a, low, high), g, 0 * g),),
    jvp="elementwise",
    samples=[
        Sample((X,), {"min": -0.5}, call=lambda torch, x, **k: torch.clamp(x, **k)),
        Sample((X,), {"min": -0.5, "max": 0.7}, call=lambda torch, x, **k: x.clamp(**k)),
        Sample((X,), {"max": 0.3}, call=lambda torch, x, **k: torch.clip(x, **k)),
    ],
)


def _clamp_numbers(a, low, high):
    if low is not None:
        a = np.maximum(constant_array(low, a.dtype), a)  # bound first: see _TIES
    if high is not None:
        a = np.minimum(constant_array(high, a.dtype), a)
    return a


def _inside(a, low, high):
    if low is None:
        return a <= high
    if high is None:
        return a >= low
    return (a >= low) & (a <= high)


# clamp with tensor bounds: the gradient goes to whichever of x, min, max was chosen
CLAMP_TENSOR = Op(
    "clamp_tensor",
    "ClampBackward0",
    forward=lambda xp, a, low, high: _clamp_arrays(a, low, high),
    vjp=(
        lambda m, g, a, low, high, out: m.sum_to(
            m.where(_inside_arrays(a, low, high), g, 0 * g), a.shape
        ),
        lambda m, g, a, low, high, out: m.sum_to(m.where(a < low, g, 0 * g), low.shape),
        lambda m, g, a, low, high, out: m.sum_to(m.where(a > high, g, 0 * g), high.shape),
    ),
    jvp=lambda m, tangents, a, low, high, out: _clamp_tensor_jvp(m, tangents, a, low, high),
    samples=[
        Sample(
            (X, Arg((3, 4), low=-1, high=0), Arg((4,), low=0.1, high=1)),
            call=lambda torch, x, lo, hi: torch.clamp(x, lo, hi),
        ),
        Sample((X, Arg((3, 1), low=-1, high=0)), call=lambda torch, x, lo: x.clamp(min=lo)),
    ],
    public="clamp",
)


def _clamp_arrays(a, low, high):
    if low is not None:
        a = np.maximum(low, a)  # bound first: see _TIES
    if high is not None:
        a = np.minimum(high, a)
    return a


def _inside_arrays(a, low, high):
    inside = True
    if low is not None:
        inside = a >= low
    if high is not None:
        inside = inside & (a <= high)
    return inside


def _clamp_tensor_jvp(m, tangents, a, low, high):
    da, dlow, dhigh = tangents
    shape = np.broadcast_shapes(*(np.shape(v) for v in (a, low, high) if v is not None))
    result = 0.0
    if da is not None:
        result = m.where(_inside_arrays(a, low, high), da, 0 * da) + result
    if dlow is not None:
        result = m.where(a < low, dlow, 0 * dlow) + result
    if dhigh is not None:
        result = m.where(a > high, dhigh, 0 * dhigh) + result
    return m.broadcast_to(result, shape)


# max(a, b): the gradient goes to the larger input, split evenly on ties
MAXIMUM = Op(
    "maximum",
    "MaximumBackward0",
    forward=lambda xp, a, b: np.maximum(b, a),  # b first: see _TIES
    vjp=(
        lambda m, g, a, b, out: m.sum_to(m.where(a > b, g, m.where(a == b, g / 2, 0 * g)), a.shape),
        lambda m, g, a, b, out: m.sum_to(m.where(b > a, g, m.where(a == b, g / 2, 0 * g)), b.shape),
    ),
    jvp="elementwise",
    samples=[Sample((X, X)), Sample((Arg((3, 1)), Arg((4,))))],
)

MINIMUM = Op(
    "minimum",
    "MinimumBackward0",
    forward=lambda xp, a, b: np.minimum(b, a),
    vjp=(
        lambda m, g, a, b, out: m.sum_to(m.where(a < b, g, m.where(a == b, g / 2, 0 * g)), a.shape),
        lambda m, g, a, b, out: m.sum_to(m.where(b < a, g, m.where(a == b, g / 2, 0 * g)), b.shape),
    ),
    jvp="elementwise",
    samples=[Sample((X, X)), Sample((Arg((3, 1)), Arg((4,))))],
)

# d atan2(a, b) = (b da − a db) / (a² + b²)
ATAN2 = Op(
    "atan2",
    "Atan2Backward0",
    forward=lambda xp, a, b: np.arctan2(a, b),
    vjp=(
        lambda m, g, a, b, out: m.sum_to(g * b / (a * a + b * b), a.shape),
        lambda m, g, a, b, out: m.sum_to(-g * a / (a * a + b * b), b.shape),
    ),
    jvp="elementwise",
    samples=[Sample((X, POSITIVE)), Sample((Arg((3, 1)), Arg((4,), low=0.5, high=2)))],
)

# where(c, a, b): the gradient goes to a where c holds, to b elsewhere
WHERE = Op(
    "where",
    "WhereBackward0",
    forward=lambda xp, cond, a, b: np.where(cond, a, b),
    vjp=(
        None,
        lambda m, g, cond, a, b, out: m.sum_to(m.where(cond, g, 0 * g), a.shape),
        lambda m, g, cond, a, b, out: m.sum_to(m.where(cond, 0 * g, g), b.shape),
    ),
    jvp=lambda m, tangents, cond, a, b, out: _where_jvp(m, tangents, cond, a, b, out),
    samples=[
        Sample((Arg((3, 4), dtype="bool"), X, X)),
        Sample((Arg((3, 1), dtype="bool"), Arg((4,)), Arg((3, 4)))),
        Sample((Arg((3, 4), dtype="bool"), X, 0.0), note="scalar other"),
    ],
)


def _where_jvp(m, tangents, cond, a, b, out):
    _, da, db = tangents
    da = 0 * out if da is None else m.broadcast_to(da, out.shape)
    db = 0 * out if db is None else m.broadcast_to(db, out.shape)
    return m.where(cond, da, db)


def _lerp(xp, start, end, weight):
    # PyTorch's formula, exact at both ends and monotone, with its fused multiply-adds:
    # start + w (end - start) for |w| < 0.5, else end - (end - start)(1 - w)
    from ._special import fma

    weight = np.asarray(weight, dtype=np.result_type(start, end))
    difference = end - start
    return np.where(
        np.abs(weight) < 0.5, fma(weight, difference, start), fma(-difference, 1 - weight, end)
    )


# lerp(s, e, w) = s + w(e − s): d = (1 − w) ds + w de (+ (e − s) dw)
LERP = Op(
    "lerp",
    "LerpBackward0",
    forward=_lerp,
    vjp=(
        lambda m, g, start, end, out, weight: m.sum_to(g * (1 - weight), start.shape),
        lambda m, g, start, end, out, weight: m.sum_to(g * weight, end.shape),
    ),
    jvp="elementwise",
    samples=[
        Sample((X, X), {"weight": 0.3}, call=lambda torch, s, e, **k: torch.lerp(s, e, **k)),
        Sample((X, X), {"weight": 0.8}, call=lambda torch, s, e, **k: s.lerp(e, **k)),
    ],
)

LERP_TENSOR = Op(
    "lerp_tensor",
    "LerpBackward1",
    forward=_lerp,
    vjp=(
        lambda m, g, start, end, weight, out: m.sum_to(g * (1 - weight), start.shape),
        lambda m, g, start, end, weight, out: m.sum_to(g * weight, end.shape),
        lambda m, g, start, end, weight, out: m.sum_to(g * (end - start), weight.shape),
    ),
    jvp="elementwise",
    samples=[Sample((X, X, Arg((3, 4), low=0, high=1)))],
    public="lerp",
)


# ------------------------------------------------------------------ public functions


_PLAIN_FLOATS = (dtypes.float32, dtypes.float64)


def _unary_function(op, to_float=True, doc=""):
    def function(input, *, out=None):
        if out is None and type(input) is Tensor and input.dtype in _PLAIN_FLOATS:
            return apply_one(op, input)  # nothing to convert: the hot path
        return _finish(unary(op, input, to_float=to_float), out)

    function.__name__ = op.name
    function.__qualname__ = op.name
    function.__doc__ = doc
    return function


exp = _unary_function(EXP, doc="Elementwise eˣ.")
log = _unary_function(LOG, doc="Elementwise natural logarithm.")
log2 = _unary_function(LOG2, doc="Elementwise base-2 logarithm.")
log10 = _unary_function(LOG10, doc="Elementwise base-10 logarithm.")
log1p = _unary_function(LOG1P, doc="Elementwise log(1 + x), accurate for small x.")
expm1 = _unary_function(EXPM1, doc="Elementwise eˣ − 1, accurate for small x.")
sqrt = _unary_function(SQRT, doc="Elementwise square root.")
rsqrt = _unary_function(RSQRT, doc="Elementwise 1/√x.")
sin = _unary_function(SIN, doc="Elementwise sine.")
cos = _unary_function(COS, doc="Elementwise cosine.")
tan = _unary_function(TAN, doc="Elementwise tangent.")
asin = _unary_function(ASIN, doc="Elementwise arcsine.")
acos = _unary_function(ACOS, doc="Elementwise arccosine.")
atan = _unary_function(ATAN, doc="Elementwise arctangent.")
sinh = _unary_function(SINH, doc="Elementwise hyperbolic sine.")
cosh = _unary_function(COSH, doc="Elementwise hyperbolic cosine.")
tanh = _unary_function(TANH, doc="Elementwise hyperbolic tangent (1 − e⁻²ˣ)/(1 + e⁻²ˣ).")
sigmoid = _unary_function(SIGMOID, doc="Elementwise logistic sigmoid 1/(1 + e⁻ˣ).")
erf = _unary_function(ERF, doc="Elementwise Gauss error function.")
frac = _unary_function(FRAC, to_float=False, doc="Elementwise fractional part x − trunc(x).")
arcsin, arccos, arctan = asin, acos, atan


def relu(input, *, out=None):
    """Elementwise max(x, 0)."""
    return _finish(unary(RELU, input), out)


def _rounding(op, doc):
    def function(input, *, out=None):
        if not input.dtype.is_floating_point:
            return input.clone() if out is None else _finish(input.clone(), out)
        return _finish(unary(op, input), out)

    function.__name__ = op.name
    function.__doc__ = doc
    return function


floor = _rounding(FLOOR, "Elementwise largest integer ≤ x.")
ceil = _rounding(CEIL, "Elementwise smallest integer ≥ x.")
trunc = _rounding(TRUNC, "Elementwise x rounded toward zero.")
fix = trunc


def round(input, *, decimals=0, out=None):  # noqa: A001 - torch.round
    """Elementwise rounding to nearest, ties to even; ``decimals`` digits after the point."""
    if not input.dtype.is_floating_point:
        return input.clone()
    if decimals == 0:
        return _finish(unary(ROUND, input), out)
    return _finish(unary(ROUND_DECIMALS, input, (decimals,)), out)


def clamp(input, min=None, max=None, *, out=None):  # noqa: A002 - torch's names
    """Clamp every element into ``[min, max]``; bounds may be numbers or tensors."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _finish(_clamp_with_tensors(input, min, max), out)
    data = input._data
    if not input.dtype.is_floating_point and (isinstance(min, float) or isinstance(max, float)):
        input = input.to(dtypes.get_default_dtype())
    if data.dtype == np.float16:
        return _finish(unary(CLAMP, input, (min, max)), out)
    return _finish(apply_one(CLAMP, input, None, (min, max)), out)


clip = clamp


def _clamp_with_tensors(input, low, high):
    from ._dispatch import common_dtype, to_array

    common = input.dtype
    for bound in (low, high):
        if bound is not None:
            common = (
                common_dtype(Tensor._make(np.zeros((1,), common.np)), bound)
                if not isinstance(bound, Tensor)
                else common_dtype(input, bound)
            )
    arrays = tuple(None if v is None else to_array(v, common) for v in (input, low, high))
    return apply(CLAMP_TENSOR, (input, low, high), (), arrays)


def _check_tensor_other(name, other):
    if not isinstance(other, Tensor):
        raise TypeError(
            f"{name}(): argument 'other' (position 2) must be Tensor, not {type_name(other)}"
        )


def maximum(input, other, *, out=None):
    """Elementwise maximum of two tensors (NaN propagates)."""
    _check_tensor_other("maximum", other)
    return _finish(binary(MAXIMUM, input, other), out)


def minimum(input, other, *, out=None):
    """Elementwise minimum of two tensors (NaN propagates)."""
    _check_tensor_other("minimum", other)
    return _finish(binary(MINIMUM, input, other), out)


def atan2(input, other, *, out=None):
    """Elementwise angle of the point (other, input): arctan(input / other) by quadrant."""
    return _finish(binary(ATAN2, input, other, to_float=True), out)


arctan2 = atan2


def _condition_type(condition) -> str:
    """How torch's ``where`` error names the condition's type: its scalar type ('Long')."""
    if isinstance(condition, Tensor):
        return dtypes.TYPE_WORDS.get(condition.dtype.name, condition.dtype.name)
    return type(condition).__name__


def where(condition, input=None, other=None):
    """Choose ``input`` where ``condition`` holds, else ``other``; with only a condition,
    the indices of its nonzero elements (``nonzero(as_tuple=True)``)."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    from ._dispatch import common_dtype, to_array

    if not isinstance(condition, Tensor) or condition.dtype is not dtypes.bool:
        if isinstance(condition, Tensor) and condition.dtype is dtypes.uint8:
            condition = condition.to(dtypes.bool)
        else:
            raise RuntimeError(
                "where expected condition to be a boolean tensor, but got a tensor with "
                f"dtype {_condition_type(condition)}"
            )
    from ._dispatch import check_broadcast

    check_broadcast(condition, input, other)
    common = common_dtype(input, other)
    arrays = (condition._data, to_array(input, common), to_array(other, common))
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        arrays = (arrays[0], np.asarray(arrays[1], common.np), np.asarray(arrays[2], common.np))
    return apply(WHERE, (condition, input, other), (), arrays)


def lerp(input, end, weight):
    """Linear interpolation ``input + weight * (end - input)``."""
    if isinstance(weight, Tensor):
        return apply(LERP_TENSOR, (input, end, weight))
    return apply(LERP, (input, end), (weight,))


# the torch namespace functions of this family, and those that are also Tensor methods
__all__ = [
    "acos",
    "arccos",
    "arcsin",
    "arctan",
    "arctan2",
    "asin",
    "atan",
    "atan2",
    "ceil",
    "clamp",
    "clip",
    "cos",
    "cosh",
    "erf",
    "exp",
    "expm1",
    "fix",
    "floor",
    "frac",
    "lerp",
    "log",
    "log1p",
    "log2",
    "log10",
    "maximum",
    "minimum",
    "relu",
    "round",
    "rsqrt",
    "sigmoid",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "trunc",
    "where",
]
METHODS = [
    "exp",
    "log",
    "log2",
    "log10",
    "log1p",
    "expm1",
    "sqrt",
    "rsqrt",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "arcsin",
    "arccos",
    "arctan",
    "atan2",
    "arctan2",
    "sinh",
    "cosh",
    "tanh",
    "sigmoid",
    "relu",
    "erf",
    "floor",
    "ceil",
    "round",
    "trunc",
    "fix",
    "frac",
    "clamp",
    "clip",
    "maximum",
    "minimum",
    "lerp",
]
# every method has an in-place form except the NumPy-style aliases and the binary max/min
INPLACE_METHODS = [
    name
    for name in METHODS
    if name not in ("arcsin", "arccos", "arctan", "arctan2", "maximum", "minimum")
]


# ------------------------------------------------------------------ more elementwise functions
#
# The less common functions of introductory code (exp2, logit, erfc, the inverse hyperbolic
# functions, hypot, logaddexp, xlogy ...). Each differential is written above its entry.


@silent
def _quietly(function, *arrays):
    """``function(*arrays)`` without NumPy's warnings: NaN and ±inf results are the answer
    (torch does not warn either)."""
    return function(*arrays)


UNIT_OPEN = Arg((3, 4), low=0.05, high=0.95)
ABOVE_ONE = Arg((3, 4), low=1.2, high=3.0)
AWAY_FROM_ZERO = Arg((3, 4), values=[[-1.5, -0.7, 0.6, 1.3], [0.3, -0.4, 1.8, -1.1]] + [[0.9] * 4])

# d 2ˣ = 2ˣ ln 2 dx
EXP2 = _unary_op(
    "exp2",
    "Exp2Backward0",
    silent(lambda xp, a: np.exp2(a)),
    lambda m, g, a, out: g * out * math.log(2.0),
)


def _erfc(xp, a):
    values = np.frompyfunc(math.erfc, 1, 1)(a.astype(np.float64))
    return np.asarray(values, dtype=np.float64).astype(a.dtype)


# d erfc(x) = −2/√π · e^(−x²) dx
ERFC = _unary_op("erfc", "ErfcBackward0", _erfc, lambda m, g, a, out: -g * m.erf_derivative(a))


def _erfinv(xp, a):
    """The inverse error function: Giles' single-precision approximation, then two Newton
    steps on erf(y) = x, which bring it to double precision; ±1 give ±inf."""
    x = a.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -np.log((1.0 - x) * (1.0 + x))
        central = w - 2.5
        p = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                  -0.00417768164, 0.246640727, 1.50140941):  # fmt: skip
            p = c + p * central
        tail = np.sqrt(w) - 3.0
        q = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                  0.00943887047, 1.00167406, 2.83297682):  # fmt: skip
            q = c + q * tail
        y = np.where(w < 5.0, p, q) * x
        for _ in range(2):
            from ._special import erf

            y = y - (erf(y) - x) / ((2 / math.sqrt(math.pi)) * np.exp(-y * y))
        y = np.where(np.abs(x) == 1, np.copysign(np.inf, x), y)
        y = np.where(np.abs(x) > 1, np.nan, y)
    return y.astype(a.dtype)


# x = erf(y) ⇒ dx = 2/√π e^(−y²) dy ⇒ dy = √π/2 · e^(y²) dx
ERFINV = _unary_op(
    "erfinv",
    "ErfinvBackward0",
    _erfinv,
    lambda m, g, a, out: g * (math.sqrt(math.pi) / 2) * m.exp(out * out),
    UNIT,
)
# d asinh x = dx / √(x² + 1)
ASINH = _unary_op(
    "asinh",
    "AsinhBackward0",
    lambda xp, a: np.arcsinh(a),
    lambda m, g, a, out: g / m.sqrt(a * a + 1),
)
# d acosh x = dx / √(x² − 1)   (x > 1)
ACOSH = _unary_op(
    "acosh",
    "AcoshBackward0",
    lambda xp, a: _quietly(np.arccosh, a),
    lambda m, g, a, out: g / m.sqrt(a * a - 1),
    ABOVE_ONE,
)
# d atanh x = dx / (1 − x²)   (|x| < 1)
ATANH = _unary_op(
    "atanh",
    "AtanhBackward0",
    lambda xp, a: _quietly(np.arctanh, a),
    lambda m, g, a, out: g / (1 - a * a),
    UNIT,
)


def _sinc(xp, a):
    # sin(πx)/(πx) with the limit 1 at 0 (np.sinc is the same normalised function)
    return _quietly(np.sinc, a)


def _sinc_vjp(m, g, a, out):
    """d sinc(x) = (cos(πx) − sinc(x)) / x · dx, and 0 at x = 0 (the limit)."""
    at_zero = a == 0
    safe = m.where(at_zero, 1 + 0 * a, a)
    return m.where(at_zero, 0 * g, g * (m.cos(math.pi * a) - out) / safe)


SINC = _unary_op(
    "sinc",
    "SincBackward0",
    _sinc,
    _sinc_vjp,
    extra_samples=[
        # (x = 0, where torch's second derivative is NaN, is checked in test_api_coverage)
        Sample((Arg((4,), values=[2.0, 0.5, -1.0, 1.5]),), note="integers and halves"),
    ],
)
# degrees and radians: multiplications by a constant
DEG2RAD = _unary_op(
    "deg2rad",
    "Deg2RadBackward0",
    lambda xp, a: a * np.asarray(math.pi / 180, dtype=a.dtype),
    lambda m, g, a, out: g * (math.pi / 180),
)
RAD2DEG = _unary_op(
    "rad2deg",
    "Rad2DegBackward0",
    lambda xp, a: a * np.asarray(180 / math.pi, dtype=a.dtype),
    lambda m, g, a, out: g * (180 / math.pi),
)


def _logit_forward(xp, a, eps):
    if eps is not None:
        a = np.clip(a, np.asarray(eps, a.dtype), np.asarray(1 - eps, a.dtype))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(a / (1 - a))


def _logit_vjp(m, g, a, out, eps):
    """d logit(x) = dx / (x(1 − x)); with ``eps``, 0 where x was clamped (outside
    [eps, 1 − eps])."""
    slope = g / (a * (1 - a))
    if eps is None:
        return slope
    return m.where((a < eps) | (a > 1 - eps), 0 * g, slope)


LOGIT = Op(
    "logit",
    "LogitBackward0",
    forward=_logit_forward,
    vjp=(_logit_vjp,),
    jvp="elementwise",
    samples=[
        Sample((UNIT_OPEN,), call=lambda torch, x: torch.logit(x)),
        Sample((UNIT_OPEN,), call=lambda torch, x: x.logit(eps=0.2), note="eps clamps"),
        Sample((Arg((), low=0.2, high=0.8),), call=lambda torch, x: torch.logit(x, 1e-6)),
    ],
)


def _nan_to_num_forward(xp, a, nan, posinf, neginf):
    if a.dtype.kind != "f":
        return a.copy()
    info = np.finfo(a.dtype)
    return np.nan_to_num(
        a,
        nan=nan,
        posinf=info.max if posinf is None else posinf,
        neginf=info.min if neginf is None else neginf,
    )


# finite values pass through (d = dx); replaced values are constants (d = 0)
NAN_TO_NUM = Op(
    "nan_to_num",
    "NanToNumBackward0",
    forward=_nan_to_num_forward,
    vjp=(lambda m, g, a, out, nan, posinf, neginf: m.where(a == out, g, 0 * g),),
    jvp="elementwise",
    samples=[
        Sample((X,), call=lambda torch, x: torch.nan_to_num(x, nan=1.5)),
        Sample(
            (Arg((5,), values=[1.0, float("nan"), float("inf"), -float("inf"), -0.5]),),
            call=lambda torch, x: x.nan_to_num(nan=0.0, posinf=9.0),
        ),
    ],
)

# clamp_min(x, c) = max(x, c): d = 1[x ≥ c] dx  (the bound is a number)
CLAMP_MIN = Op(
    "clamp_min",
    "ClampMinBackward0",
    forward=lambda xp, a, low: np.maximum(constant_array(low, a.dtype), a),  # see _TIES
    vjp=(lambda m, g, a, out, low: m.where(a >= low, g, 0 * g),),
    jvp="elementwise",
    samples=[
        Sample((X,), call=lambda torch, x: torch.clamp_min(x, 0.25)),
        Sample((X,), call=lambda torch, x: x.clamp_min(-1)),
    ],
)
CLAMP_MAX = Op(
    "clamp_max",
    "ClampMaxBackward0",
    forward=lambda xp, a, high: np.minimum(constant_array(high, a.dtype), a),
    vjp=(lambda m, g, a, out, high: m.where(a <= high, g, 0 * g),),
    jvp="elementwise",
    samples=[
        Sample((X,), call=lambda torch, x: torch.clamp_max(x, 0.25)),
        Sample((X,), call=lambda torch, x: x.clamp_max(1)),
    ],
)
# with a tensor bound, the gradient goes to whichever of x and the bound was chosen
CLAMP_MIN_TENSOR = Op(
    "clamp_min_tensor",
    "ClampMinBackward1",
    forward=lambda xp, a, low: np.maximum(low, a),  # see _TIES
    vjp=(
        lambda m, g, a, low, out: m.sum_to(m.where(a >= low, g, 0 * g), a.shape),
        lambda m, g, a, low, out: m.sum_to(m.where(a < low, g, 0 * g), low.shape),
    ),
    jvp="elementwise",
    samples=[Sample((X, Arg((4,))), call=lambda torch, x, low: torch.clamp_min(x, low))],
    public="clamp_min",
)
CLAMP_MAX_TENSOR = Op(
    "clamp_max_tensor",
    "ClampMaxBackward1",
    forward=lambda xp, a, high: np.minimum(high, a),
    vjp=(
        lambda m, g, a, high, out: m.sum_to(m.where(a <= high, g, 0 * g), a.shape),
        lambda m, g, a, high, out: m.sum_to(m.where(a > high, g, 0 * g), high.shape),
    ),
    jvp="elementwise",
    samples=[Sample((X, Arg((3, 1))), call=lambda torch, x, high: x.clamp_max(high))],
    public="clamp_max",
)

# h = √(a² + b²): dh = (a da + b db) / h
HYPOT = Op(
    "hypot",
    "HypotBackward0",
    forward=lambda xp, a, b: np.hypot(a, b),
    vjp=(
        lambda m, g, a, b, out: m.sum_to(g * a / out, a.shape),
        lambda m, g, a, b, out: m.sum_to(g * b / out, b.shape),
    ),
    jvp="elementwise",
    samples=[Sample((X, X)), Sample((Arg((3, 1)), Arg((4,))))],
)
# log(eᵃ + eᵇ): da · eᵃ/(eᵃ + eᵇ) + db · eᵇ/(eᵃ + eᵇ) = σ(a − b) da + σ(b − a) db
LOGADDEXP = Op(
    "logaddexp",
    "LogaddexpBackward0",
    forward=lambda xp, a, b: _quietly(np.logaddexp, a, b),
    vjp=(
        lambda m, g, a, b, out: m.sum_to(g * m.sigmoid(a - b), a.shape),
        lambda m, g, a, b, out: m.sum_to(g * m.sigmoid(b - a), b.shape),
    ),
    jvp="elementwise",
    samples=[Sample((X, X)), Sample((Arg((3, 1)), Arg((4,))))],
)
# log₂(2ᵃ + 2ᵇ): the same weights, 2ᵃ/(2ᵃ + 2ᵇ) = σ((a − b) ln 2)
LOGADDEXP2 = Op(
    "logaddexp2",
    "Logaddexp2Backward0",
    forward=lambda xp, a, b: _quietly(np.logaddexp2, a, b),
    vjp=(
        lambda m, g, a, b, out: m.sum_to(g * m.sigmoid((a - b) * math.log(2.0)), a.shape),
        lambda m, g, a, b, out: m.sum_to(g * m.sigmoid((b - a) * math.log(2.0)), b.shape),
    ),
    jvp="elementwise",
    samples=[Sample((X, X)), Sample((Arg((3, 1)), Arg((4,))))],
)


def _xlogy_forward(xp, a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        product = a * np.log(b)
    # 0 · log y is 0, even for y = 0 (but NaN stays NaN)
    return np.where((a == 0) & ~np.isnan(b), np.zeros_like(product), product)


# x log y: d = log y dx (0 where x = 0 and y ≤ 0, as torch) + x/y dy
XLOGY = Op(
    "xlogy",
    "XlogyBackward0",
    forward=_xlogy_forward,
    vjp=(
        lambda m, g, a, b, out: m.sum_to(
            m.where((a == 0) & (b <= 0), 0 * g, g * m.log(b)), a.shape
        ),
        lambda m, g, a, b, out: m.sum_to(g * a / b, b.shape),
    ),
    jvp="elementwise",
    samples=[
        Sample((X, POSITIVE)),
        Sample((Arg((4,), values=[0.0, 1.5, -0.5, 0.0]), Arg((3, 1), low=0.5, high=2))),
    ],
)

# fmax/fmin: like maximum/minimum, but a NaN loses to a number; ties go to the first input
FMAX = Op(
    "fmax",
    "FmaxBackward0",
    forward=lambda xp, a, b: np.fmax(b, a),  # b first: see _TIES
    vjp=(
        lambda m, g, a, b, out: m.sum_to(m.where((a >= b) | (b != b), g, 0 * g), a.shape),
        lambda m, g, a, b, out: m.sum_to(m.where((a >= b) | (b != b), 0 * g, g), b.shape),
    ),
    jvp="elementwise",
    samples=[Sample((X, X)), Sample((Arg((3, 1)), Arg((4,))))],
)
FMIN = Op(
    "fmin",
    "FminBackward0",
    forward=lambda xp, a, b: np.fmin(b, a),
    vjp=(
        lambda m, g, a, b, out: m.sum_to(m.where((a <= b) | (b != b), g, 0 * g), a.shape),
        lambda m, g, a, b, out: m.sum_to(m.where((a <= b) | (b != b), 0 * g, g), b.shape),
    ),
    jvp="elementwise",
    samples=[Sample((X, X)), Sample((Arg((3, 1)), Arg((4,))))],
)


def _copysign_vjp(m, g, a, b, out):
    """|a| with the sign of b: d = (out / a) da, 0 where a = 0; no gradient for b."""
    at_zero = a == 0
    safe = m.where(at_zero, 1 + 0 * a, a)
    return m.sum_to(m.where(at_zero, 0 * g, g * out / safe), a.shape)


COPYSIGN = Op(
    "copysign",
    "CopysignBackward0",
    forward=lambda xp, a, b: np.copysign(a, b),
    vjp=(_copysign_vjp, lambda m, g, a, b, out: m.sum_to(0 * g, b.shape)),
    jvp="elementwise",
    samples=[Sample((AWAY_FROM_ZERO, X)), Sample((Arg((3, 1)), Arg((4,))))],
)


# out = input + value · t₁ t₂: d = d input + value (t₂ dt₁ + t₁ dt₂)
# (PyTorch's kernel rounds value · t₁, then adds its product with t₂ in a fused
# multiply-add: one rounding fewer than a + value·t₁·t₂, and the bits torch gives)
ADDCMUL = Op(
    "addcmul",
    "AddcmulBackward0",
    forward=lambda xp, a, t1, t2, value: fma(np.asarray(value, a.dtype) * t1, t2, a),
    vjp=(
        lambda m, g, a, t1, t2, out, value: m.sum_to(g, a.shape),
        lambda m, g, a, t1, t2, out, value: m.sum_to(g * value * t2, t1.shape),
        lambda m, g, a, t1, t2, out, value: m.sum_to(g * value * t1, t2.shape),
    ),
    jvp="elementwise",
    samples=[
        Sample(
            (X, X, X), {"value": 0.5}, call=lambda torch, a, b, c, **k: torch.addcmul(a, b, c, **k)
        ),
        Sample((X, Arg((3, 1)), Arg((4,))), call=lambda torch, a, b, c: a.addcmul(b, c)),
    ],
)
# out = input + value · t₁ / t₂: d = d input + value (dt₁ / t₂ − t₁ dt₂ / t₂²)
ADDCDIV = Op(
    "addcdiv",
    "AddcdivBackward0",
    forward=lambda xp, a, t1, t2, value: a + np.asarray(value, a.dtype) * t1 / t2,  # torch's order
    vjp=(
        lambda m, g, a, t1, t2, out, value: m.sum_to(g, a.shape),
        lambda m, g, a, t1, t2, out, value: m.sum_to(g * value / t2, t1.shape),
        lambda m, g, a, t1, t2, out, value: m.sum_to(-g * value * t1 / (t2 * t2), t2.shape),
    ),
    jvp="elementwise",
    samples=[
        Sample(
            (X, X, POSITIVE),
            {"value": -2.0},
            call=lambda torch, a, b, c, **k: torch.addcdiv(a, b, c, **k),
        ),
        Sample(
            (X, Arg((3, 1)), Arg((4,), low=0.5, high=2)),
            call=lambda torch, a, b, c: a.addcdiv(b, c),
        ),
    ],
)


exp2 = _unary_function(EXP2, doc="Elementwise 2ˣ.")
erfc = _unary_function(ERFC, doc="Elementwise complementary error function 1 − erf(x).")
erfinv = _unary_function(ERFINV, doc="Elementwise inverse error function: erf(erfinv(x)) = x.")
asinh = _unary_function(ASINH, doc="Elementwise inverse hyperbolic sine.")
acosh = _unary_function(ACOSH, doc="Elementwise inverse hyperbolic cosine (x ≥ 1).")
atanh = _unary_function(ATANH, doc="Elementwise inverse hyperbolic tangent (|x| < 1).")
arcsinh, arccosh, arctanh = asinh, acosh, atanh
sinc = _unary_function(SINC, doc="Elementwise normalised sinc: sin(πx)/(πx), and 1 at 0.")
deg2rad = _unary_function(DEG2RAD, doc="Elementwise degrees to radians: x · π/180.")
rad2deg = _unary_function(RAD2DEG, doc="Elementwise radians to degrees: x · 180/π.")


def sgn(input, *, out=None):
    """The sign of each element (-1, 0 or 1); for real tensors this is ``sign``.

    (The node is ``SignBackward0`` where torch prints ``SgnBackward0``: the same zero
    gradient, which torch returns as a special "zero tensor" that has no values.)
    """
    from .arithmetic import sign

    if input.dtype is dtypes.bool:
        return _finish(input.clone(), out)
    return sign(input, out=out)


def signbit(input, *, out=None):
    """True where the sign bit is set (negative numbers, and -0.0)."""
    return _finish(Tensor._make(np.signbit(input._data)), out)


def logit(input, eps=None, *, out=None):
    """Elementwise log(p / (1 − p)), the inverse of ``sigmoid``; with ``eps``, ``p`` is
    first clamped to [eps, 1 − eps] (keeps the result finite at 0 and 1)."""
    return _finish(unary(LOGIT, input, (None if eps is None else float(eps),), to_float=True), out)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Replace NaN by ``nan`` and ±inf by ``posinf``/``neginf`` (by default the largest and
    smallest finite values of the dtype)."""
    return _finish(unary(NAN_TO_NUM, input, (nan, posinf, neginf)), out)


def _clamp_one_side(op, tensor_op, name):
    def function(input, other, *, out=None):
        if isinstance(other, Tensor):
            return _finish(binary(tensor_op, input, other), out)
        if other is None:
            raise TypeError(f"{name}(): argument 'min' must be Number or Tensor, not NoneType")
        if not input.dtype.is_floating_point and isinstance(other, float):
            input = input.to(dtypes.get_default_dtype())
        return _finish(unary(op, input, (other,)), out)

    function.__name__ = name
    return function


clamp_min = _clamp_one_side(CLAMP_MIN, CLAMP_MIN_TENSOR, "clamp_min")
clamp_min.__doc__ = "Elementwise max(x, min): ``clamp(input, min=min)``."
clamp_max = _clamp_one_side(CLAMP_MAX, CLAMP_MAX_TENSOR, "clamp_max")
clamp_max.__doc__ = "Elementwise min(x, max): ``clamp(input, max=max)``."


def _binary_function(op, doc, to_float=True, floats_only=False, tensor_other=False):
    def function(input, other, *, out=None):
        for position, (argument, value) in enumerate((("input", input), ("other", other))):
            if (position == 0 or tensor_other) and not isinstance(value, Tensor):
                raise TypeError(
                    f"{op.name}(): argument '{argument}' (position {position + 1}) must be "
                    f"Tensor, not {type_name(value)}"
                )
        if floats_only:
            _check_some_float(op.name, input, other)
        return _finish(binary(op, input, other, to_float=to_float), out)

    function.__name__ = op.name
    function.__qualname__ = op.name
    function.__doc__ = doc
    return function


def _check_some_float(name, input, other):
    """torch has no integer kernel for these: two integer (or bool) inputs are an error."""
    from ._dispatch import common_dtype

    common = common_dtype(input, other)
    if not common.is_floating_point:
        word = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char"}
        raise NotImplementedError(
            f"\"{name}_cpu\" not implemented for '{word.get(common.name, 'Long')}'"
        )


hypot = _binary_function(
    HYPOT, "Elementwise √(input² + other²), without overflow.", True, True, True
)
logaddexp = _binary_function(
    LOGADDEXP, "Elementwise log(eᵃ + eᵇ), computed stably.", True, True, True
)
logaddexp2 = _binary_function(
    LOGADDEXP2, "Elementwise log₂(2ᵃ + 2ᵇ), computed stably.", True, True, True
)
xlogy = _binary_function(XLOGY, "Elementwise input · log(other), and 0 where input is 0.")
copysign = _binary_function(COPYSIGN, "Elementwise |input| with the sign of ``other``.")
fmax = _binary_function(
    FMAX, "Elementwise maximum that ignores NaN (NaN only if both are).", False, False, True
)
fmin = _binary_function(
    FMIN, "Elementwise minimum that ignores NaN (NaN only if both are).", False, False, True
)


def _three_inputs(name, op):
    def function(input, tensor1, tensor2, *, value=1, out=None):
        for position, x in ((1, input), (2, tensor1), (3, tensor2)):
            if not isinstance(x, Tensor):
                argument = ("input", "tensor1", "tensor2")[position - 1]
                raise TypeError(
                    f"{name}(): argument '{argument}' (position {position}) must be Tensor, "
                    f"not {type_name(x)}"
                )
        target = dtypes.promote_types(
            dtypes.promote_types(input.dtype, tensor1.dtype), tensor2.dtype
        )
        if name == "addcdiv" and not target.is_floating_point:
            raise RuntimeError(
                "Integer division with addcdiv is no longer supported, and in a future "
                "release addcdiv will perform a true division of tensor1 and tensor2. "
                "The historic addcdiv behavior can be implemented as (input + value * "
                "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
                "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv "
                "behavior is just the latter implementation: (input + value * tensor1 / "
                "tensor2), for all dtypes."
            )
        arrays = tuple(x._data.astype(target.np, copy=False) for x in (input, tensor1, tensor2))
        return _finish(apply(op, (input, tensor1, tensor2), (value,), arrays), out)

    function.__name__ = name
    return function


addcmul = _three_inputs("addcmul", ADDCMUL)
addcmul.__doc__ = "``input + value * tensor1 * tensor2``, elementwise (with broadcasting)."
addcdiv = _three_inputs("addcdiv", ADDCDIV)
addcdiv.__doc__ = "``input + value * tensor1 / tensor2``, elementwise (with broadcasting)."


def float_power(input, exponent, *, out=None):
    """``input ** exponent`` computed in double precision (the result is float64)."""
    if isinstance(input, Tensor):
        input = input.to(dtypes.float64)
    if isinstance(exponent, Tensor):
        exponent = exponent.to(dtypes.float64)
    elif not isinstance(input, Tensor):
        raise TypeError("float_power(): expected at least one Tensor argument")
    elif isinstance(exponent, int):
        exponent = float(exponent)
    return _finish(input**exponent, out)


def positive(input):
    """``input`` itself (the unary plus of a tensor)."""
    if input.dtype is dtypes.bool:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


# the functions above: methods with an in-place form, and methods without one
_MORE_INPLACE = [
    "acosh",
    "addcdiv",
    "addcmul",
    "arccosh",
    "arcsinh",
    "arctanh",
    "asinh",
    "atanh",
    "clamp_max",
    "clamp_min",
    "copysign",
    "deg2rad",
    "erfc",
    "erfinv",
    "exp2",
    "hypot",
    "logit",
    "nan_to_num",
    "rad2deg",
    "sgn",
    "sinc",
    "xlogy",
]
_MORE_METHODS = [
    "float_power",
    "fmax",
    "fmin",
    "logaddexp",
    "logaddexp2",
    "positive",
    "signbit",
]
__all__ += sorted(_MORE_INPLACE + _MORE_METHODS)
METHODS += _MORE_INPLACE + _MORE_METHODS
INPLACE_METHODS += _MORE_INPLACE


# ------------------------------------------------------------------ Python functions


def _check_no_grad(name, input):
    if input._requires_grad and _grad_enabled():
        raise RuntimeError(
            f"Can't call {name}() on Variable that requires grad. Use "
            f"var.detach().{name}() instead."
        )


def _grad_enabled() -> bool:
    from ..autograd import grad_mode

    return bool(grad_mode._state[0])


def apply_(input, callable):  # noqa: A002 - torch's argument name
    """Replace every element ``x`` by ``callable(x)`` (a Python function of one number),
    in place. Slow (one Python call per element) and without gradient, as in torch."""
    _check_no_grad("apply_", input)
    flat = input._data.reshape(-1)
    values = [callable(v) for v in flat.tolist()]
    input._data[...] = np.asarray(values).reshape(input._data.shape).astype(input._data.dtype)
    input._version[0] += 1
    return input


def map_(input, tensor, callable):  # noqa: A002 - torch's argument name
    """Replace every element ``x`` by ``callable(x, y)`` with ``y`` the matching element of
    ``tensor`` (broadcast to this shape), in place, without gradient."""
    _check_no_grad("map_", input)
    other = np.broadcast_to(tensor._data, input._data.shape).reshape(-1)
    pairs = zip(input._data.reshape(-1).tolist(), other.tolist(), strict=True)
    values = [callable(a, b) for a, b in pairs]
    input._data[...] = np.asarray(values).reshape(input._data.shape).astype(input._data.dtype)
    input._version[0] += 1
    return input


METHODS += ["apply_", "map_"]


# ------------------------------------------------------------------ log-gamma and polygamma
#
# lgamma' = digamma = ψ, ψ' = ψ⁽¹⁾ (trigamma), ψ⁽ⁿ⁾' = ψ⁽ⁿ⁺¹⁾: one family of functions,
# each the derivative of the one before, so every rule below calls the next one (through
# ``_polygamma``, which records its node when the rule's own derivative is needed).

# B₂ₖ / (2k)! for k = 1..9: the coefficients of the asymptotic (Euler-Maclaurin) series
_BERNOULLI_OVER_FACTORIAL = (
    1 / 12,
    -1 / 720,
    1 / 30240,
    -1 / 1209600,
    1 / 47900160,
    -691 / 1307674368000,
    1 / 74724249600,
    -3617 / 10670622842880000,
    43867 / 5109094217170944000,
)
_SHIFT_TO = 20.0  # recurrences move x up to here, where the asymptotic series is exact


def _digamma_values(x):
    """ψ(x) in double precision: reflection ψ(x) = ψ(1 − x) − π/tan(πx) below 1/2,
    ψ(x) = ψ(x + 1) − 1/x up to x ≥ 20, then ln x − 1/(2x) − Σ B₂ₖ/(2k x²ᵏ)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        reflect = x < 0.5
        y = np.where(reflect, 1 - x, x)
        total = np.zeros_like(y)
        while True:
            small = y < _SHIFT_TO
            if not small.any():
                break
            total = total - np.where(small, 1 / y, 0)
            y = np.where(small, y + 1, y)
        inverse_square = 1 / (y * y)
        series = np.zeros_like(y)
        for k, coefficient in reversed(list(enumerate(_BERNOULLI_OVER_FACTORIAL, 1))):
            # B₂ₖ/(2k) x^(−2k) = (2k − 1)! · B₂ₖ/(2k)! x^(−2k)
            series = (series + coefficient * math.factorial(2 * k - 1)) * inverse_square
        result = total + np.log(y) - 0.5 / y - series
        result = np.where(reflect, result - math.pi / np.tan(math.pi * x), result)
        poles = (x <= 0) & (x == np.floor(x))
        result = np.where(poles, np.where(x == 0, -np.inf, np.nan), result)
    return result


def _polygamma_values(n, x):
    """ψ⁽ⁿ⁾(x) = (−1)ⁿ⁺¹ n! Σₖ 1/(x + k)ⁿ⁺¹ (n ≥ 1): the first terms summed up to
    x + k ≥ 20, the tail by its asymptotic series."""
    if n == 0:
        return _digamma_values(x)
    x = np.asarray(x, dtype=np.float64)
    s = n + 1
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        y = x.copy()
        total = np.zeros_like(y)
        while True:
            small = y < _SHIFT_TO
            if not small.any():
                break
            total = total + np.where(small, y ** (-s), 0)
            y = np.where(small, y + 1, y)
        # Σ_{k≥0} (y + k)^(−s) ≈ y^(1−s)/(s − 1) + y^(−s)/2
        #                        + Σ_j B₂ⱼ/(2j)! · s(s+1)…(s+2j−2) · y^(−s−2j+1)
        tail = y ** (1 - s) / (s - 1) + 0.5 * y ** (-s)
        rising = 1.0
        for j, coefficient in enumerate(_BERNOULLI_OVER_FACTORIAL, 1):
            rising = s if j == 1 else rising * (s + 2 * j - 3) * (s + 2 * j - 2)
            tail = tail + coefficient * rising * y ** (-s - 2 * j + 1)
        result = (-1) ** (n + 1) * math.factorial(n) * (total + tail)
        poles = (x <= 0) & (x == np.floor(x))
        result = np.where(poles, np.inf if n % 2 else np.nan, result)
    return result


def _lgamma_forward(xp, a):
    values = a.astype(np.float64)
    poles = (values <= 0) & (values == np.floor(values))
    safe = np.where(poles | ~np.isfinite(values), 1.0, values)
    result = np.asarray(np.frompyfunc(math.lgamma, 1, 1)(safe), dtype=np.float64)
    result = np.where(poles | np.isinf(values), np.inf, result)
    result = np.where(np.isnan(values), np.nan, result)
    return result.astype(a.dtype)


def _polygamma(m, n, a):
    """ψ⁽ⁿ⁾(a) in the rule's representation: a recorded node when the rule's own derivative
    will be taken, else plain values."""
    if m.records_graph():
        return apply(DIGAMMA, (a,)) if n == 0 else apply(POLYGAMMA, (a,), (n,))
    return _polygamma_values(n, a).astype(a.dtype)


# d ln Γ(x) = ψ(x) dx
LGAMMA = _unary_op(
    "lgamma", "LgammaBackward0", _lgamma_forward, lambda m, g, a, out: g * _polygamma(m, 0, a)
)
# torch's trigamma ψ⁽¹⁾ is accurate to about 5e-10 (relative) for x of order 1, ours to a
# few ulps (checked against mpmath in tests/test_api_coverage.py): the samples whose values
# or gradients involve ψ⁽¹⁾ use x ≥ 20, where both agree to 1e-13
LARGE = Arg((3, 4), low=20.0, high=40.0)

# d ψ(x) = ψ⁽¹⁾(x) dx
DIGAMMA = _unary_op(
    "digamma",
    "DigammaBackward0",
    lambda xp, a: _digamma_values(a).astype(a.dtype),
    lambda m, g, a, out: g * _polygamma(m, 1, a),
    LARGE,
)
# d ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁺¹⁾(x) dx
POLYGAMMA = Op(
    "polygamma",
    "PolygammaBackward0",
    forward=lambda xp, a, n: _polygamma_values(n, a).astype(a.dtype),
    vjp=(lambda m, g, a, out, n: g * _polygamma(m, n + 1, a),),
    jvp="elementwise",
    samples=[
        Sample((LARGE,), call=lambda torch, x: torch.polygamma(1, x)),
        Sample((POSITIVE,), call=lambda torch, x: x.polygamma(2)),
        Sample((Arg((), low=0.5, high=3.0),), call=lambda torch, x: torch.polygamma(3, x)),
    ],
)

lgamma = _unary_function(LGAMMA, doc="Elementwise ln |Γ(x)|, the log of the gamma function.")
digamma = _unary_function(DIGAMMA, doc="Elementwise ψ(x) = d/dx ln Γ(x), the digamma function.")


def polygamma(n, input, *, out=None):
    """Elementwise ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function (n ≥ 0).

    Also the method ``x.polygamma(n)``, whose tensor comes first.
    """
    if isinstance(n, Tensor) and not isinstance(input, Tensor):
        n, input = input, n  # called as the method x.polygamma(n)
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not {type_name(n)}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n == 0:
        return digamma(input, out=out)
    return _finish(unary(POLYGAMMA, input, (n,), to_float=True), out)


__all__ += ["digamma", "lgamma", "polygamma"]
METHODS += ["digamma", "lgamma", "polygamma"]
INPLACE_METHODS += ["digamma", "lgamma"]
