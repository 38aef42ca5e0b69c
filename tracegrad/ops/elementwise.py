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
from .._tensor import Tensor
from ._dispatch import binary, unary
from ._registry import Arg, Op, Sample, apply
from .arithmetic import _finish

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


# d eˣ = eˣ dx
EXP = _unary_op("exp", "ExpBackward0", lambda xp, a: np.exp(a), lambda m, g, a, out: g * out)
# d log x = dx / x
LOG = _unary_op(
    "log", "LogBackward0", lambda xp, a: np.log(a), lambda m, g, a, out: g / a, POSITIVE
)
LOG2 = _unary_op(
    "log2",
    "Log2Backward0",
    lambda xp, a: np.log2(a),
    lambda m, g, a, out: g / (a * math.log(2.0)),
    POSITIVE,
)
LOG10 = _unary_op(
    "log10",
    "Log10Backward0",
    lambda xp, a: np.log10(a),
    lambda m, g, a, out: g / (a * math.log(10.0)),
    POSITIVE,
)
LOG1P = _unary_op(
    "log1p", "Log1PBackward0", lambda xp, a: np.log1p(a), lambda m, g, a, out: g / (a + 1), POSITIVE
)
EXPM1 = _unary_op(
    "expm1", "Expm1Backward0", lambda xp, a: np.expm1(a), lambda m, g, a, out: g * (out + 1)
)
# d √x = dx / (2√x)
SQRT = _unary_op(
    "sqrt", "SqrtBackward0", lambda xp, a: np.sqrt(a), lambda m, g, a, out: g / (2 * out), POSITIVE
)
# d x^(-1/2) = -½ x^(-3/2) dx
RSQRT = _unary_op(
    "rsqrt",
    "RsqrtBackward0",
    lambda xp, a: 1 / np.sqrt(a),
    lambda m, g, a, out: -0.5 * g * out * out * out,
    POSITIVE,
)
SIN = _unary_op("sin", "SinBackward0", lambda xp, a: np.sin(a), lambda m, g, a, out: g * m.cos(a))
COS = _unary_op("cos", "CosBackward0", lambda xp, a: np.cos(a), lambda m, g, a, out: -g * m.sin(a))
# d tan x = (1 + tan²x) dx
TAN = _unary_op(
    "tan", "TanBackward0", lambda xp, a: np.tan(a), lambda m, g, a, out: g * (1 + out * out), UNIT
)
ASIN = _unary_op(
    "asin",
    "AsinBackward0",
    lambda xp, a: np.arcsin(a),
    lambda m, g, a, out: g / m.sqrt(1 - a * a),
    UNIT,
)
ACOS = _unary_op(
    "acos",
    "AcosBackward0",
    lambda xp, a: np.arccos(a),
    lambda m, g, a, out: -g / m.sqrt(1 - a * a),
    UNIT,
)
ATAN = _unary_op(
    "atan", "AtanBackward0", lambda xp, a: np.arctan(a), lambda m, g, a, out: g / (1 + a * a)
)
SINH = _unary_op(
    "sinh", "SinhBackward0", lambda xp, a: np.sinh(a), lambda m, g, a, out: g * m.cosh(a)
)
COSH = _unary_op(
    "cosh", "CoshBackward0", lambda xp, a: np.cosh(a), lambda m, g, a, out: g * m.sinh(a)
)
# d tanh x = (1 − tanh²x) dx
TANH = _unary_op(
    "tanh", "TanhBackward0", lambda xp, a: np.tanh(a), lambda m, g, a, out: g * (1 - out * out)
)


def _sigmoid(xp, a):
    return 1 / (1 + np.exp(-a))


# d σ(x) = σ(x)(1 − σ(x)) dx
SIGMOID = _unary_op(
    "sigmoid", "SigmoidBackward0", _sigmoid, lambda m, g, a, out: g * (1 - out) * out
)

# d relu(x) = 1[x > 0] dx  (0 at the kink, as PyTorch)
RELU = _unary_op(
    "relu",
    "ReluBackward0",
    lambda xp, a: np.maximum(a, 0),
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
        a = np.maximum(a, np.asarray(low, dtype=a.dtype))
    if high is not None:
        a = np.minimum(a, np.asarray(high, dtype=a.dtype))
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
        a = np.maximum(a, low)
    if high is not None:
        a = np.minimum(a, high)
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
    forward=lambda xp, a, b: np.maximum(a, b),
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
    forward=lambda xp, a, b: np.minimum(a, b),
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
            return apply(op, (input,), (), (input._data,))  # nothing to convert: the hot path
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
    return _finish(apply(CLAMP, (input,), (min, max)), out)


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
            f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
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
                f"dtype {getattr(condition, 'dtype', type(condition).__name__)}"
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
