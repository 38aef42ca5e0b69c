"""Neural-network operations that need a derivative of their own.

Most of ``torch.nn.functional`` is composed from other ops (``linear`` is ``addmm``,
``l1_loss`` is ``abs`` and ``mean``). The operations here are single ops because PyTorch
names their nodes (``grad_fn=<MseLossBackward0>`` is what ``print(loss)`` shows) or
because a composition would lose accuracy:

* activations with a kink or a saturation: leaky_relu, elu, selu, celu, gelu, silu, mish,
  softplus, hardtanh, hardsigmoid, hardswish, softshrink, hardshrink, logsigmoid,
  threshold, prelu. Each is y = σ(x) elementwise, so dy = σ'(x) ⊙ dx; glu gates one half
  of its input with the sigmoid of the other;
* softmax and log_softmax along one dim, computed after subtracting the maximum (exp of
  a large logit would overflow). For s = softmax(x): ds = s ⊙ (dx − Σ s ⊙ dx), and for
  l = log_softmax(x): dl = dx − Σ softmax(x) ⊙ dx (sums along the dim);
* the losses mse, nll (negative log-likelihood of class indices), binary cross-entropy
  (on probabilities and on logits), soft margin, smooth L1 and Huber, each with
  ``reduction`` 'none', 'sum' or 'mean';
* group normalisation (statistics per sample and group of channels);
* embedding (a row lookup whose gradient scatters back into the rows it read);
* constant padding.

The public ``torch.nn.functional`` API (argument checks, torch's messages) lives in
``tracegrad/nn/functional.py``; ``softmax``/``log_softmax`` are also ``torch.*``
functions and Tensor methods, defined here.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype as dtypes
from .._quiet import quiet_off, quiet_on
from .._tensor import _wrap_dim, type_name
from ._dispatch import unary
from ._registry import Arg, ArrayMath, Op, Sample, apply

X = Arg((3, 4))
KINKS = Arg((3, 4), values=[[-1.5, -0.5, 0.5, 1.5], [-1.2, -0.2, 0.2, 1.2], [-2.0, -0.7, 0.7, 2.0]])
PROBABILITIES = Arg((3, 4), low=0.05, high=0.95)
TARGETS = Arg((3, 4), low=0.0, high=1.0, grad=False)
CLASS_WEIGHTS = Arg((4,), low=0.2, high=2.0, grad=False)

_SQRT1_2 = math.sqrt(0.5)  # 1/√2
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)  # the standard normal density at 0
_TANH_BETA = math.sqrt(2) * (2 / math.sqrt(math.pi)) * 0.5  # √(2/π)
_TANH_KAPPA = 0.044715


def _functional(module):
    """``torch.nn.functional`` of the module a sample runs on (tracegrad or torch)."""
    return module.nn.functional


def _samples(call, *kwargs_list, arg=X):
    """A 2-d and a 0-d sample of an activation, for each set of keyword arguments."""
    samples = []
    for kwargs in kwargs_list or ({},):
        samples.append(Sample((arg,), dict(kwargs), call=call))
    samples.append(
        Sample((Arg(()),), dict(kwargs_list[0]) if kwargs_list else {}, call=call, note="0-d")
    )
    return samples


# ---------------------------------------------------------------------------- activations

# leaky_relu(x) = x for x > 0, slope·x otherwise: d = 1 or slope
LEAKY_RELU = Op(
    "leaky_relu",
    "LeakyReluBackward0",
    forward=lambda xp, a, slope: np.where(a > 0, a, a * slope),
    vjp=(lambda m, g, a, out, slope: m.where(a > 0, g, g * slope),),
    jvp="elementwise",
    samples=_samples(
        lambda torch, x, **k: _functional(torch).leaky_relu(x, **k),
        {},
        {"negative_slope": 0.2},
        arg=KINKS,
    ),
)

# the in-place form records its own node name (the formula is the same)
LEAKY_RELU_ = Op(
    "leaky_relu_",
    "LeakyReluBackward1",
    forward=LEAKY_RELU.forward,
    vjp=LEAKY_RELU.vjp,
    jvp="elementwise",
    samples=[
        Sample(
            (KINKS,),
            call=lambda torch, x: _functional(torch).leaky_relu(x * 1, 0.1, inplace=True),
        )
    ],
)


def _elu_forward(xp, a, alpha):
    with np.errstate(over="ignore"):
        return np.where(a > 0, a, alpha * np.expm1(np.minimum(0, a)))  # (input 2nd: -0.)


# elu(x) = x for x > 0, α(eˣ − 1) otherwise: d = 1 or α eˣ
ELU = Op(
    "elu",
    "EluBackward0",
    forward=_elu_forward,
    vjp=(
        lambda m, g, a, out, alpha: m.where(a > 0, g, g * alpha * m.exp(m.where(a > 0, 0 * a, a))),
    ),
    jvp="elementwise",
    samples=_samples(
        lambda torch, x, **k: _functional(torch).elu(x, **k), {}, {"alpha": 0.5}, arg=KINKS
    ),
)

ELU_ = Op(
    "elu_",
    "EluBackward1",
    forward=_elu_forward,
    vjp=ELU.vjp,
    jvp="elementwise",
    samples=[
        Sample((KINKS,), call=lambda torch, x: _functional(torch).elu(x * 1, 2.0, inplace=True))
    ],
)


def _sigmoid(m, a):
    """σ(x) without overflow (m.sigmoid's e^(−x) overflows for x ≪ 0): 1/(1 + e^(−x)) for
    x ≥ 0 and eˣ/(1 + eˣ) below, each exponent clamped so that it is never positive."""
    above = m.exp(-m.where(a >= 0, a, 0 * a))
    below = m.exp(m.where(a < 0, a, 0 * a))
    return m.where(a >= 0, 1 / (1 + above), below / (1 + below))


def _m_log_sigmoid(m, a):
    """log σ(x) without overflow: −log(1 + e^(−x)) for x ≥ 0, x − log(1 + eˣ) below."""
    above = m.where(a >= 0, a, 0 * a)
    below = m.where(a < 0, a, 0 * a)
    return m.where(a >= 0, -m.log(1 + m.exp(-above)), below - m.log(1 + m.exp(below)))


def _erf(m, x):
    """erf(x) in ``m``'s representation (the rule vocabulary has no erf of its own)."""
    from . import _special, elementwise

    return elementwise.erf(x) if m.records_graph() else _special.erf(x)


def _gelu_forward(xp, a, approximate):
    if approximate == "tanh":
        inner = _TANH_BETA * (a + _TANH_KAPPA * a * a * a)
        return 0.5 * a * (1 + np.tanh(inner))
    from ._special import erf

    return a * 0.5 * (1 + erf(a * _SQRT1_2))


def _gelu_derivative(m, a, approximate):
    if approximate == "tanh":
        # y = ½x(1 + tanh u), u = β(x + κx³): y' = ½(1 + tanh u) + ½x(1 − tanh²u)·β(1 + 3κx²)
        tanh_inner = m.tanh(_TANH_BETA * (a + _TANH_KAPPA * a * a * a))
        left_derivative = 0.5 * (1 + tanh_inner)
        right_derivative = (
            0.5 * a * (1 - tanh_inner * tanh_inner) * _TANH_BETA * (1 + 3 * _TANH_KAPPA * a * a)
        )
        return left_derivative + right_derivative
    # y = x Φ(x): y' = Φ(x) + x φ(x), Φ the normal CDF and φ its density
    cdf = 0.5 * (1 + _erf(m, a * _SQRT1_2))
    pdf = m.exp(-0.5 * a * a) * _INV_SQRT_2PI
    return cdf + a * pdf


GELU = Op(
    "gelu",
    "GeluBackward0",
    forward=_gelu_forward,
    vjp=(lambda m, g, a, out, approximate: g * _gelu_derivative(m, a, approximate),),
    jvp="elementwise",
    samples=_samples(
        lambda torch, x, **k: _functional(torch).gelu(x, **k), {}, {"approximate": "tanh"}
    ),
)


def _silu_forward(a):
    with np.errstate(over="ignore"):
        return a / (1 + np.exp(-a))


# silu(x) = x σ(x): d = σ(x)(1 + x(1 − σ(x)))
SILU = Op(
    "silu",
    "SiluBackward0",
    forward=lambda xp, a: _silu_forward(a),
    vjp=(lambda m, g, a, out: g * _sigmoid(m, a) * (1 + a * (1 - _sigmoid(m, a))),),
    jvp="elementwise",
    samples=_samples(lambda torch, x: _functional(torch).silu(x)),
)


def _softplus_forward(xp, a, beta, threshold):
    scaled = a * beta
    with np.errstate(over="ignore"):
        return np.where(scaled > threshold, a, np.log1p(np.exp(scaled)) / beta)


# softplus(x) = log(1 + e^(βx))/β (x itself where βx > threshold): d = σ(βx) or 1
SOFTPLUS = Op(
    "softplus",
    "SoftplusBackward0",
    forward=_softplus_forward,
    vjp=(
        lambda m, g, a, out, beta, threshold: m.where(
            a * beta > threshold, g, g * _sigmoid(m, a * beta)
        ),
    ),
    jvp="elementwise",
    samples=_samples(
        lambda torch, x, **k: _functional(torch).softplus(x, **k),
        {},
        {"beta": 2.0, "threshold": 1.0},
    ),
)

# hardtanh(x) = clamp(x, min, max); unlike clamp the derivative is 0 at the bounds too
HARDTANH = Op(
    "hardtanh",
    "HardtanhBackward0",
    forward=lambda xp, a, low, high: np.minimum(high, np.maximum(low, a)),  # input 2nd: -0.
    vjp=(lambda m, g, a, out, low, high: m.where((a > low) & (a < high), g, 0 * g),),
    jvp="elementwise",
    samples=_samples(
        lambda torch, x, **k: _functional(torch).hardtanh(x, **k),
        {},
        {"min_val": -0.6, "max_val": 0.9},
        arg=KINKS,
    )
    + [Sample((Arg((3, 4), low=-1, high=7),), call=lambda torch, x: _functional(torch).relu6(x))],
)

# threshold(x) = x where x > threshold, value elsewhere: d = 1 or 0
THRESHOLD = Op(
    "threshold",
    "ThresholdBackward0",
    forward=lambda xp, a, threshold, value: np.where(a > threshold, a, value).astype(a.dtype),
    vjp=(lambda m, g, a, out, threshold, value: m.where(a > threshold, g, 0 * g),),
    jvp="elementwise",
    samples=_samples(
        lambda torch, x, **k: _functional(torch).threshold(x, **k),
        {"threshold": 0.1, "value": 20.0},
        arg=KINKS,
    ),
)

THRESHOLD_ = Op(
    "threshold_",
    "ThresholdBackward1",
    forward=THRESHOLD.forward,
    vjp=THRESHOLD.vjp,
    jvp="elementwise",
    samples=[
        Sample(
            (KINKS,),
            call=lambda torch, x: _functional(torch).threshold(x * 1, 0.1, -3.0, inplace=True),
        )
    ],
)

# prelu(x, w) = x for x > 0, w·x otherwise (w per channel, broadcast):
# ∂/∂x = 1 or w, ∂/∂w = x where x ≤ 0 (summed over the positions w was broadcast to)
PRELU = Op(
    "prelu",
    "PreluKernelBackward0",
    forward=lambda xp, a, w: np.where(a > 0, a, w * a),
    vjp=(
        lambda m, g, a, w, out: m.where(a > 0, g, g * w),
        lambda m, g, a, w, out: m.sum_to(m.where(a > 0, 0 * g, g * a), w.shape),
    ),
    jvp="elementwise",
    samples=[
        Sample(
            (KINKS, Arg((1,), low=0.1, high=0.5)), call=lambda t, x, w: _functional(t).prelu(x, w)
        ),
        Sample(
            (Arg((2, 3, 4)), Arg((3,), low=0.1, high=0.5)),
            call=lambda torch, x, w: _functional(torch).prelu(x, w),
            note="per channel",
        ),
    ],
)


# ---------------------------------------------------------------------------- softmax


def _c_order(a):
    """``a`` laid out in C order (itself when it already is; 0-d stays 0-d): torch's
    softmax and normalisation kernels write contiguous results whatever the input layout."""
    return a if a.flags.c_contiguous else a.copy(order="C")


def _shifted(a, dim):
    """``a`` minus its maximum along ``dim`` (``dim=None``: a 0-d tensor)."""
    with np.errstate(invalid="ignore"):
        return a - np.max(a, axis=dim, keepdims=True)


def _softmax_forward(xp, a, dim):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(_shifted(a, dim))
        # torch's softmax kernels write a contiguous result whatever the input's layout
        return _c_order(e / np.sum(e, axis=dim, keepdims=True))


# ndarray.max / .sum without their Python wrappers (this runs every training step)
_max_reduce, _add_reduce = np.maximum.reduce, np.add.reduce


def _log_softmax_forward(xp, a, dim):
    # x − max − log Σ exp(x − max), with ndarray methods and in-place ufuncs: this runs
    # once per training step, so its NumPy call overhead counts
    token = quiet_on()
    try:
        shifted = a - _max_reduce(a, axis=dim, keepdims=True)
        total = _add_reduce(np.exp(shifted), axis=dim, keepdims=True)
        shifted -= np.log(total)
        return _c_order(shifted)  # contiguous, as torch's kernel writes it
    finally:
        quiet_off(token)


def _softmax_samples(name):
    return [
        Sample((X,), {"dim": 1}),
        Sample((Arg((2, 3, 4)),), {"dim": 0}, call=lambda torch, x, **k: getattr(x, name)(**k)),
        Sample((Arg((2, 3, 4)),), {"dim": -1}),
        Sample((Arg(()),), {"dim": 0}, note="0-d"),
        Sample(
            (Arg((3, 4), dtype="float32"),),
            {"dim": 0},
            call=lambda torch, x, **k: getattr(_functional(torch), name)(
                x, dtype=torch.float64, **k
            ),
            note="dtype",
        ),
    ]


# s = softmax(x): ds = s ⊙ (dx − Σ s ⊙ dx), so ∂f/∂x = s ⊙ (g − Σ g ⊙ s)
SOFTMAX = Op(
    "softmax",
    "SoftmaxBackward0",
    forward=_softmax_forward,
    vjp=(lambda m, g, a, out, dim: out * (g - m.sum(g * out, dim, True)),),
    jvp=lambda m, tangents, a, out, dim: out * (tangents[0] - m.sum(tangents[0] * out, dim, True)),
    samples=_softmax_samples("softmax"),
)

# l = log_softmax(x) = x − log Σ eˣ: dl = dx − Σ softmax(x) ⊙ dx, so ∂f/∂x = g − eˡ Σ g
LOG_SOFTMAX = Op(
    "log_softmax",
    "LogSoftmaxBackward0",
    forward=_log_softmax_forward,
    vjp=(lambda m, g, a, out, dim: g - m.exp(out) * m.sum(g, dim, True),),
    jvp=lambda m, tangents, a, out, dim: tangents[0] - m.sum(m.exp(out) * tangents[0], dim, True),
    samples=_softmax_samples("log_softmax"),
)


def _softmax_dim(input, dim):
    """``dim`` as the NumPy axis of the op (``None`` for a 0-d tensor)."""
    if isinstance(dim, bool) or not isinstance(dim, int | np.integer):
        raise TypeError(f"softmax(): argument 'dim' must be int, not {type_name(dim)}")
    wrapped = _wrap_dim(int(dim), input._data.ndim)
    return None if input._data.ndim == 0 else wrapped


def _with_dtype(input, dtype):
    if dtype is None:
        return input
    return input.to(dtypes.to_dtype(dtype))


def softmax(input, dim, dtype=None):
    """Softmax along ``dim``: ``exp(x) / exp(x).sum(dim)``, each slice sums to 1.

    Computed as ``exp(x - max) / sum(exp(x - max))``, which cannot overflow. ``dtype``
    converts the input first.
    """
    input = _with_dtype(input, dtype)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"softmax_lastdim_kernel_impl\" not implemented for '{_type_word(input.dtype)}'"
        )
    return unary(SOFTMAX, input, (_softmax_dim(input, dim),))


def log_softmax(input, dim, dtype=None):
    """``log(softmax(x))`` along ``dim``, computed as ``x - max - log(sum(exp(x - max)))``
    (stable for any logits). ``dtype`` converts the input first."""
    input = _with_dtype(input, dtype)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"log_softmax_lastdim_kernel_impl\" not implemented for '{_type_word(input.dtype)}'"
        )
    return unary(LOG_SOFTMAX, input, (_softmax_dim(input, dim),))


_TYPE_WORDS = {
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}


def _type_word(d) -> str:
    return _TYPE_WORDS.get(d.name, d.name)


# ---------------------------------------------------------------------------- losses
#
# Every loss has a per-element (or per-sample) value ℓᵢ and a ``reduction``: 'none'
# returns ℓ, 'sum' returns Σℓᵢ and 'mean' Σℓᵢ/n. Backward spreads the gradient g of the
# reduced value back over the elements (g/n each for the mean); forward mode reduces the
# elementwise derivative times the tangent the same way.


def _all_dims(shape) -> tuple:
    return tuple(range(len(shape)))


def _count(shape) -> int:
    return math.prod(shape)


def _spread(m, g, shape, reduction):
    """The gradient of every element from the gradient ``g`` of the reduced loss."""
    if reduction == "none":
        return g
    if reduction == "mean":
        g = g / _count(shape)
    return m.expand(g, tuple(shape))


def _reduce(m, values, reduction):
    """The reduction of elementwise values (used by the forward-mode rules)."""
    if reduction == "none":
        return values
    total = m.sum(values, _all_dims(values.shape))
    return total / _count(values.shape) if reduction == "mean" else total


def _reduce_array(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return np.sum(loss)
    with np.errstate(invalid="ignore"):
        return np.mean(loss, dtype=loss.dtype) if loss.size else np.asarray(np.nan, loss.dtype)


def _pointwise_jvp(derivatives):
    """Forward mode of a pointwise loss: reduce Σᵢ (∂ℓ/∂inputᵢ) ⊙ tangentᵢ."""

    def jvp(m, tangents, *args):
        *inputs, out, reduction = args
        total = None
        for rule, tangent in zip(derivatives, tangents, strict=False):
            if tangent is None or rule is None:
                continue
            term = rule(m, tangent, *inputs)
            total = term if total is None else total + term
        return _reduce(m, total, reduction)

    return jvp


def _loss_samples(call, *args, reductions=("mean", "sum", "none"), **extra):
    return [Sample(tuple(args), {"reduction": r, **extra}, call=call, note=r) for r in reductions]


# mse: ℓ = (x − y)², ∂ℓ/∂x = 2(x − y) = −∂ℓ/∂y
def _mse_local(m, t, a, b):
    return 2 * (a - b) * t


MSE_LOSS = Op(
    "mse_loss",
    "MseLossBackward0",
    forward=lambda xp, a, b, reduction: _reduce_array((a - b) * (a - b), reduction),
    vjp=(
        lambda m, g, a, b, out, reduction: _spread(m, g, a.shape, reduction) * (2 * (a - b)),
        lambda m, g, a, b, out, reduction: _spread(m, g, b.shape, reduction) * (2 * (b - a)),
    ),
    jvp=_pointwise_jvp((_mse_local, lambda m, t, a, b: 2 * (b - a) * t)),
    samples=_loss_samples(lambda torch, a, b, **k: _functional(torch).mse_loss(a, b, **k), X, X),
)


# binary cross-entropy on probabilities x: ℓ = −w(y log x + (1 − y) log(1 − x)), each log
# clamped at −100 (as torch); ∂ℓ/∂x = w(x − y)/max(x(1 − x), 1e-12), ∂ℓ/∂y = w log((1−x)/x)
_BCE_EPSILON = 1e-12


def _bce_forward(xp, a, target, weight, reduction):
    with np.errstate(divide="ignore"):
        log_a = np.maximum(np.log(a), -100)
        log_1ma = np.maximum(np.log1p(-a), -100)
    loss = (target - 1) * log_1ma - target * log_a
    if weight is not None:
        loss = loss * weight
    return _reduce_array(loss, reduction)


def _weighted(value, weight):
    return value if weight is None else value * weight


def _bce_input_local(m, t, a, target, weight):
    return _weighted(t * (a - target) / m.maximum((1 - a) * a, 0 * a + _BCE_EPSILON), weight)


def _bce_target_local(m, t, a, target, weight):
    return _weighted(t * (m.log(1 - a) - m.log(a)), weight)


BINARY_CROSS_ENTROPY = Op(
    "binary_cross_entropy",
    "BinaryCrossEntropyBackward0",
    forward=_bce_forward,
    vjp=(
        lambda m, g, a, target, weight, out, reduction: _bce_input_local(
            m, _spread(m, g, a.shape, reduction), a, target, weight
        ),
        lambda m, g, a, target, weight, out, reduction: _bce_target_local(
            m, _spread(m, g, a.shape, reduction), a, target, weight
        ),
        None,
    ),
    jvp=_pointwise_jvp((_bce_input_local, _bce_target_local)),
    samples=_loss_samples(
        lambda torch, a, b, **k: _functional(torch).binary_cross_entropy(a, b, **k),
        PROBABILITIES,
        TARGETS,
    )
    + [
        Sample(
            (PROBABILITIES, Arg((3, 4), low=0.0, high=1.0), Arg((4,), 0.5, 2.0, grad=False)),
            call=lambda torch, a, b, w: _functional(torch).binary_cross_entropy(a, b, w),
            note="weight, target grad",
        )
    ],
)


# binary cross-entropy on logits x (pos_weight p, class weight w):
# ℓ = w((1 − y)x − (1 + (p − 1)y) log σ(x)), log σ(x) = min(x, 0) − log(1 + e^(−|x|));
# ∂ℓ/∂x = w((py + 1 − y)σ(x) − py), ∂ℓ/∂y = w(log σ(−x) − p log σ(x))


def _log_sigmoid(a):
    return np.minimum(a, 0) - np.log1p(np.exp(-np.abs(a)))


def _bce_logits_forward(xp, a, target, weight, pos_weight, reduction):
    log_sigmoid = _log_sigmoid(a)
    if pos_weight is not None:
        log_sigmoid = log_sigmoid * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * a - log_sigmoid
    return _reduce_array(_weighted(loss, weight), reduction)


def _bce_logits_input_local(m, t, a, target, weight, pos_weight):
    if pos_weight is None:
        local = _sigmoid(m, a) - target
    else:
        weighted_target = pos_weight * target
        local = (weighted_target + 1 - target) * _sigmoid(m, a) - weighted_target
    return _weighted(t * local, weight)


def _bce_logits_target_local(m, t, a, target, weight, pos_weight):
    if pos_weight is None:
        local = -a
    else:
        local = _m_log_sigmoid(m, -a) - _m_log_sigmoid(m, a) * pos_weight
    return _weighted(t * local, weight)


def _bce_logits_vjp(local):
    def rule(m, g, a, target, weight, pos_weight, out, reduction):
        return local(m, _spread(m, g, a.shape, reduction), a, target, weight, pos_weight)

    return rule


LOGITS = Arg((3, 4), low=-3.0, high=3.0)

BINARY_CROSS_ENTROPY_WITH_LOGITS = Op(
    "binary_cross_entropy_with_logits",
    "BinaryCrossEntropyWithLogitsBackward0",
    forward=_bce_logits_forward,
    vjp=(
        _bce_logits_vjp(_bce_logits_input_local),
        _bce_logits_vjp(_bce_logits_target_local),
        None,
        None,
    ),
    jvp=_pointwise_jvp((_bce_logits_input_local, _bce_logits_target_local)),
    samples=_loss_samples(
        lambda torch, a, b, **k: _functional(torch).binary_cross_entropy_with_logits(a, b, **k),
        LOGITS,
        TARGETS,
    )
    + [
        Sample(
            (LOGITS, Arg((3, 4), low=0, high=1), CLASS_WEIGHTS, Arg((4,), 0.5, 3.0, grad=False)),
            call=lambda torch, a, b, w, p: _functional(torch).binary_cross_entropy_with_logits(
                a, b, w, pos_weight=p
            ),
            note="weight, pos_weight, target grad",
        ),
        Sample(
            (
                Arg((2, 3), values=[[1e4, -1e4, 0.0], [-1e4, 1e4, 30.0]]),
                Arg((2, 3), values=[[1.0, 0.0, 0.5], [1.0, 0.0, 1.0]], grad=False),
            ),
            call=lambda torch, a, b: _functional(torch).binary_cross_entropy_with_logits(a, b),
            note="extreme logits",
        ),
    ],
)


# negative log-likelihood of class indices: ℓᵢ = −w[tᵢ] xᵢ,ₜᵢ (0 where tᵢ = ignore_index);
# 'mean' divides by Σ w[tᵢ] over the samples that are not ignored. ℓ is linear in x: the
# gradient is −w[tᵢ] g at the target class of each sample and 0 elsewhere.


def _nll_class_dim(ndim) -> int:
    return 0 if ndim == 1 else 1


def _common_nll_case(a, target, weight, reduction, ignore_index) -> bool:
    """The training-loop case: a batch of rows, no class weights, the mean, no sample
    ignored. Fast paths below index the target classes directly; their results are the
    general path's, bit for bit (the weights there are all 1)."""
    return (
        weight is None
        and reduction == "mean"
        and a.ndim == 2
        and type(target) is np.ndarray
        and not np.count_nonzero(target == ignore_index)  # (cheaper than .any() here)
    )


def _nll_forward(xp, a, target, weight, reduction, ignore_index):
    if _common_nll_case(a, target, weight, reduction, ignore_index):
        losses = -a[np.arange(len(target)), target]
        return np.asarray(_add_reduce(losses, None) / a.dtype.type(len(target)), dtype=a.dtype)
    class_dim = _nll_class_dim(a.ndim)
    index = np.expand_dims(target, class_dim)
    valid = index != ignore_index
    safe = np.where(valid, index, 0)
    picked = np.take_along_axis(a, safe, axis=class_dim)
    if weight is None:
        w = np.where(valid, 1, 0).astype(a.dtype)
    else:
        w = np.where(valid, weight[safe], 0).astype(a.dtype)
    losses = np.squeeze(np.where(valid, -(picked * w), 0).astype(a.dtype), axis=class_dim)
    if reduction == "none":
        return losses
    total = np.sum(losses)
    if reduction == "sum":
        return total
    with np.errstate(invalid="ignore", divide="ignore"):
        return (total / np.sum(w)).astype(a.dtype)


def _nll_hits(m, shape, target, weight, ignore_index):
    """Where each sample's target class is (bool, the input's shape, ignored samples all
    false), and the class weights broadcast along the class dim (1 without weights)."""
    class_dim = _nll_class_dim(len(shape))
    index = m.unsqueeze_dims(target, (class_dim,))
    hits = m.one_hot(index, tuple(shape), class_dim) & (index != ignore_index)
    if weight is None:
        return hits, 1.0
    weight_shape = [1] * len(shape)
    weight_shape[class_dim] = shape[class_dim]
    return hits, m.reshape(weight, tuple(weight_shape))


def _nll_total_weight(m, hits, weights, like):
    zero = m.zeros(tuple(like.shape), like)
    return m.sum(m.where(hits, weights + zero, zero), _all_dims(like.shape))


def _nll_vjp(m, g, a, target, weight, out, reduction, ignore_index):
    if not m.records_graph() and _common_nll_case(a, target, weight, reduction, ignore_index):
        grad = np.zeros(a.shape, dtype=np.result_type(a.dtype, g.dtype))
        grad[np.arange(len(target)), target] = -(g / len(target))
        return grad
    hits, weights = _nll_hits(m, a.shape, target, weight, ignore_index)
    zero = m.zeros(tuple(a.shape), g)
    if reduction == "none":
        g = m.unsqueeze_dims(g, (_nll_class_dim(len(a.shape)),))
    elif reduction == "mean":
        g = g / _nll_total_weight(m, hits, weights, zero)
    return m.where(hits, weights * -g, zero)


def _nll_jvp(m, tangents, a, target, weight, out, reduction, ignore_index):
    tangent = tangents[0]
    hits, weights = _nll_hits(m, a.shape, target, weight, ignore_index)
    zero = m.zeros(tuple(a.shape), tangent)
    picked = m.sum(m.where(hits, -(tangent * weights), zero), (_nll_class_dim(len(a.shape)),))
    if reduction == "none":
        return picked
    total = m.sum(picked, _all_dims(picked.shape))
    if reduction == "sum":
        return total
    return total / _nll_total_weight(m, hits, weights, zero)


def _nll_sample(
    shape, target_shape, classes, note, reduction="mean", weight=False, ignore_index=-100
):
    args = (Arg(shape, low=-3.0, high=-0.1), Arg(target_shape, 0, classes, "int64"))
    if weight:
        args += (Arg((classes,), 0.2, 2.0, grad=False),)

    def call(torch, x, t, w=None):
        return _functional(torch).nll_loss(x, t, w, ignore_index=ignore_index, reduction=reduction)

    return Sample(args, call=call, note=note)


NLL_LOSS = Op(
    "nll_loss",
    "NllLossBackward0",
    forward=_nll_forward,
    vjp=(_nll_vjp, None, None),
    jvp=_nll_jvp,
    samples=[
        _nll_sample((5, 4), (5,), 4, "mean"),
        _nll_sample((5, 4), (5,), 4, "sum", reduction="sum"),
        _nll_sample((5, 4), (5,), 4, "none", reduction="none"),
        _nll_sample((5, 4), (5,), 4, "weight", weight=True),
        _nll_sample((5, 4), (5,), 4, "weight none", reduction="none", weight=True),
        _nll_sample((6, 3), (6,), 3, "ignore_index", weight=True, ignore_index=1),
        _nll_sample((4,), (), 4, "no batch"),
    ],
)

# the same loss on (N, C, d1, d2, ...) inputs: PyTorch names it after its 2-d kernel
NLL_LOSS2D = Op(
    "nll_loss2d",
    "NllLoss2DBackward0",
    forward=_nll_forward,
    vjp=(_nll_vjp, None, None),
    jvp=_nll_jvp,
    samples=[
        _nll_sample((2, 3, 2, 2), (2, 2, 2), 3, "4-d"),
        _nll_sample((2, 3, 2, 2), (2, 2, 2), 3, "4-d weight sum", reduction="sum", weight=True),
        _nll_sample((2, 3, 4), (2, 4), 3, "3-d ignore", ignore_index=0),
    ],
)


# PyTorch's composite losses divide by a count with the C++ ``div(Tensor, Scalar)``, whose
# node has its own name (a Python ``t / n`` records DivBackward0): d(a/n) = da/n
DIV_SCALAR = Op(
    "div_scalar",
    "DivBackward1",
    forward=lambda xp, a, n: a / np.asarray(n, dtype=a.dtype),
    vjp=(lambda m, g, a, out, n: g / n,),
    jvp="linear",
    samples=[
        Sample(
            (X, Arg((3, 4), low=0.1, high=1.0, grad=False)),
            call=lambda torch, x, t: _functional(torch).cross_entropy(x, t),
            note="cross_entropy with probabilities",
        )
    ],
)


# ---------------------------------------------------------------------------- robust losses
#
# Registry ops of their own: PyTorch names their nodes (SmoothL1LossBackward0,
# HuberLossBackward0). With d = x − y:
#   smooth_l1: ℓ = d²/(2β) for |d| < β, |d| − β/2 otherwise; ∂ℓ/∂x = d/β or sign(d)
#   huber:     ℓ = d²/2 for |d| < δ, δ(|d| − δ/2) otherwise; ∂ℓ/∂x = d or δ sign(d)


def _smooth_l1_forward(xp, a, b, reduction, beta):
    d = np.abs(a - b)
    return _reduce_array(np.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), reduction)


def _smooth_l1_local(m, t, a, b, beta):
    d = a - b
    return m.where(m.abs(d) < beta, d / beta, m.sign(d)) * t


def _huber_forward(xp, a, b, reduction, delta):
    d = np.abs(a - b)
    return _reduce_array(np.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta)), reduction)


def _huber_local(m, t, a, b, delta):
    d = a - b
    return m.where(m.abs(d) < delta, d, delta * m.sign(d)) * t


def _robust_jvp(local):
    def jvp(m, tangents, a, b, out, reduction, parameter):
        total = None
        for tangent, sign in zip(tangents, (1, -1), strict=False):
            if tangent is None:
                continue
            term = local(m, tangent, a, b, parameter) * sign
            total = term if total is None else total + term
        return _reduce(m, total, reduction)

    return jvp


def _robust_samples(name, parameter, values):
    def call(torch, a, b, **kwargs):
        return getattr(_functional(torch), name)(a, b, **kwargs)

    return [
        Sample(
            (X, X),
            {"reduction": reduction, parameter: value},
            call=call,
            note=f"{reduction} {parameter}={value}",
        )
        for reduction, value in zip(("mean", "sum", "none"), values, strict=True)
    ]


SMOOTH_L1_LOSS = Op(
    "smooth_l1_loss",
    "SmoothL1LossBackward0",
    forward=_smooth_l1_forward,
    vjp=(
        lambda m, g, a, b, out, reduction, beta: _smooth_l1_local(
            m, _spread(m, g, a.shape, reduction), a, b, beta
        ),
        lambda m, g, a, b, out, reduction, beta: (
            -_smooth_l1_local(m, _spread(m, g, b.shape, reduction), a, b, beta)
        ),
    ),
    jvp=_robust_jvp(_smooth_l1_local),
    samples=_robust_samples("smooth_l1_loss", "beta", (1.0, 0.5, 2.0)),
)

HUBER_LOSS = Op(
    "huber_loss",
    "HuberLossBackward0",
    forward=_huber_forward,
    vjp=(
        lambda m, g, a, b, out, reduction, delta: _huber_local(
            m, _spread(m, g, a.shape, reduction), a, b, delta
        ),
        lambda m, g, a, b, out, reduction, delta: (
            -_huber_local(m, _spread(m, g, b.shape, reduction), a, b, delta)
        ),
    ),
    jvp=_robust_jvp(_huber_local),
    samples=_robust_samples("huber_loss", "delta", (1.0, 0.5, 2.0)),
)


# ---------------------------------------------------------------------------- embedding


def _embedding_vjp(m, g, weight, indices, out, padding_idx):
    flat_indices = m.reshape(indices, (-1,))
    flat_g = m.reshape(g, (-1, weight.shape[-1]))
    if padding_idx is not None:
        keep = m.unsqueeze_dims(flat_indices != padding_idx, (1,))
        flat_g = m.where(keep, flat_g, 0 * flat_g)
    return m.index_add(m.zeros(tuple(weight.shape), g), 0, flat_indices, flat_g)


def _embedding_jvp(m, tangents, weight, indices, out, padding_idx):
    flat_indices = m.reshape(indices, (-1,))
    rows = m.index_select(tangents[0], 0, flat_indices)
    if padding_idx is not None:
        keep = m.unsqueeze_dims(flat_indices != padding_idx, (1,))
        rows = m.where(keep, rows, 0 * rows)
    return m.reshape(rows, tuple(out.shape))


EMBEDDING = Op(
    "embedding",
    "EmbeddingBackward0",
    forward=lambda xp, weight, indices, padding_idx: weight[indices],
    vjp=(_embedding_vjp, None),
    jvp=_embedding_jvp,
    # padding_idx is left out: its row's zero gradient is a convention, not the derivative
    # (tests/test_nn_layers.py checks it against torch)
    samples=[
        Sample(
            (Arg((5, 3)), Arg((2, 4), 0, 5, "int64")),
            call=lambda torch, w, i: _functional(torch).embedding(i, w),
            note="2-d indices",
        ),
    ],
)


# ---------------------------------------------------------------------------- padding


def _pad_keys(shape, pads):
    """The part of the input that survives the padding, and where it lands in the output.

    ``pads`` has one ``(before, after)`` pair per dim; negative amounts crop.
    """
    source, destination = [], []
    for n, (before, after) in zip(shape, pads, strict=True):
        start = max(-before, 0)
        stop = n - max(-after, 0)
        length = max(stop - start, 0)
        source.append(slice(start, start + length))
        destination.append(slice(max(before, 0), max(before, 0) + length))
    return tuple(source), tuple(destination)


def _pad_forward(xp, a, pads, value):
    shape = tuple(n + before + after for n, (before, after) in zip(a.shape, pads, strict=True))
    out = np.full(shape, value, dtype=a.dtype)
    source, destination = _pad_keys(a.shape, pads)
    out[destination] = a[source]
    return out


def _pad_vjp(m, g, a, out, pads, value):
    source, destination = _pad_keys(a.shape, pads)
    inner = g[destination]
    if all(before >= 0 and after >= 0 for before, after in pads):
        return inner
    return m.index_accumulate(inner, tuple(a.shape), source)


def _pad_jvp(m, tangents, a, out, pads, value):
    # padding is affine in the input: the tangent is padded with zeros
    if m.records_graph():
        return apply(CONSTANT_PAD, (tangents[0],), (pads, 0.0))
    return _pad_forward(np, tangents[0], pads, 0.0)


CONSTANT_PAD = Op(
    "constant_pad_nd",
    "ConstantPadNdBackward0",
    forward=_pad_forward,
    vjp=(_pad_vjp,),
    jvp=_pad_jvp,
    samples=[
        Sample((X,), call=lambda torch, x: _functional(torch).pad(x, (1, 2))),
        Sample((X,), call=lambda torch, x: _functional(torch).pad(x, (1, 0, 2, 1), value=0.5)),
        Sample(
            (Arg((2, 3, 4)),),
            call=lambda torch, x: _functional(torch).pad(x, (-1, 2, 0, -2)),
            note="crop",
        ),
    ],
)


# ---------------------------------------------------------------------------- more activations
#
# Each is y = σ(x) elementwise, so the VJP is g ⊙ σ'(x) and the JVP the same with the
# tangent in place of g ("elementwise"). Samples keep away from the kinks (KINKS).

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _negative_part(m, a):
    """min(x, 0), written so that exp of it never overflows (the positive side is 0)."""
    return m.where(a > 0, 0 * a, a)


# selu(x) = λx for x > 0, λα(eˣ − 1) otherwise: d = λ or λα eˣ. PyTorch runs it through
# its ELU kernel (with a scale), hence the node name.
SELU = Op(
    "selu",
    "EluBackward0",
    forward=lambda xp, a: _SELU_SCALE * _elu_forward(xp, a, _SELU_ALPHA),
    vjp=(
        lambda m, g, a, out: m.where(
            a > 0, g * _SELU_SCALE, g * (_SELU_SCALE * _SELU_ALPHA) * m.exp(_negative_part(m, a))
        ),
    ),
    jvp="elementwise",
    samples=_samples(lambda torch, x: _functional(torch).selu(x), arg=KINKS),
)

SELU_ = Op(
    "selu_",
    "EluBackward1",
    forward=SELU.forward,
    vjp=SELU.vjp,
    jvp="elementwise",
    samples=[Sample((KINKS,), call=lambda torch, x: _functional(torch).selu(x * 1, inplace=True))],
)


def _celu_forward(xp, a, alpha):
    with np.errstate(over="ignore"):
        return np.where(a > 0, a, alpha * np.expm1(np.minimum(0, a) / alpha))


# celu(x) = x for x > 0, α(e^(x/α) − 1) otherwise: d = 1 or e^(x/α)
CELU = Op(
    "celu",
    "CeluBackward0",
    forward=_celu_forward,
    vjp=(lambda m, g, a, out, alpha: m.where(a > 0, g, g * m.exp(_negative_part(m, a) / alpha)),),
    jvp="elementwise",
    samples=_samples(
        lambda torch, x, **k: _functional(torch).celu(x, **k), {}, {"alpha": 0.5}, arg=KINKS
    ),
)

CELU_ = Op(
    "celu_",
    "CeluBackward1",
    forward=_celu_forward,
    vjp=CELU.vjp,
    jvp="elementwise",
    samples=[
        Sample((KINKS,), call=lambda torch, x: _functional(torch).celu(x * 1, 2.0, inplace=True))
    ],
)


def _softplus_array(a):
    """log(1 + eˣ) without overflow: max(x, 0) + log1p(e^(−|x|))."""
    return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))


def _m_softplus(m, a):
    return -_m_log_sigmoid(m, -a)


# mish(x) = x tanh(sp(x)), sp = softplus: d = tanh(sp) + x σ(x)(1 − tanh²(sp))
def _mish_derivative(m, a):
    t = m.tanh(_m_softplus(m, a))
    return t + a * _sigmoid(m, a) * (1 - t * t)


MISH = Op(
    "mish",
    "MishBackward0",
    forward=lambda xp, a: a * np.tanh(_softplus_array(a)),
    vjp=(lambda m, g, a, out: g * _mish_derivative(m, a),),
    jvp="elementwise",
    samples=_samples(lambda torch, x: _functional(torch).mish(x)),
)

# away from the default and the sample thresholds (0.5, 1.0), where the shrinks jump/kink
SHRINK = Arg(
    (3, 4), values=[[-1.5, -0.7, 0.3, 1.2], [-1.2, -0.2, 0.7, 1.4], [-2.0, -0.8, 0.9, 2.0]]
)

# softshrink(x) = x − λ for x > λ, x + λ for x < −λ, 0 between: d = 1 outside [−λ, λ]
SOFTSHRINK = Op(
    "softshrink",
    "SoftshrinkBackward0",
    forward=lambda xp, a, lambd: np.where(
        a > lambd, a - lambd, np.where(a < -lambd, a + lambd, 0 * a)
    ).astype(a.dtype),
    vjp=(lambda m, g, a, out, lambd: m.where((a > lambd) | (a < -lambd), g, 0 * g),),
    jvp="elementwise",
    samples=_samples(
        lambda torch, x, **k: _functional(torch).softshrink(x, **k), {}, {"lambd": 1.0}, arg=SHRINK
    ),
)

# hardshrink(x) = x for |x| > λ, 0 otherwise: d = 1 or 0
HARDSHRINK = Op(
    "hardshrink",
    "HardshrinkBackward0",
    forward=lambda xp, a, lambd: np.where((a > lambd) | (a < -lambd), a, 0 * a),
    vjp=(lambda m, g, a, out, lambd: m.where((a > lambd) | (a < -lambd), g, 0 * g),),
    jvp="elementwise",
    samples=_samples(
        lambda torch, x, **k: _functional(torch).hardshrink(x, **k), {}, {"lambd": 1.0}, arg=SHRINK
    ),
)

WIDE = Arg((3, 4), values=[[-4.0, -2.5, -0.5, 0.5], [1.5, 2.5, 4.0, -1.0], [-3.5, 3.5, 0.2, -0.2]])

# hardsigmoid(x) = clamp(x/6 + 1/2, 0, 1): d = 1/6 on (−3, 3), 0 outside.
# (PyTorch's kernel multiplies by 1/6 rounded to float32 even in float64, a 3e-8 relative
# difference; we keep the exact 1/6. PyTorch has no double backward for it, so the
# samples' oracle is the same function composed: relu6(x + 3)/6.)


def _hardsigmoid_oracle(torch, x):
    if torch.__name__ == "torch":
        return _functional(torch).relu6(x + 3) / 6
    return _functional(torch).hardsigmoid(x)


HARDSIGMOID = Op(
    "hardsigmoid",
    "HardsigmoidBackward0",
    forward=lambda xp, a: np.minimum(np.maximum(a / 6 + 0.5, 0), 1).astype(a.dtype),
    vjp=(lambda m, g, a, out: m.where((a > -3) & (a < 3), g / 6, 0 * g),),
    jvp="elementwise",
    samples=[
        Sample((WIDE,), call=_hardsigmoid_oracle, torch_grad_fn="DivBackward0"),
        Sample((Arg(()),), call=_hardsigmoid_oracle, torch_grad_fn="DivBackward0", note="0-d"),
    ],
)

# hardswish(x) = x · hardsigmoid(x): 0 below −3, x above 3, x(x + 3)/6 between,
# d = 0, 1 or (2x + 3)/6
HARDSWISH = Op(
    "hardswish",
    "HardswishBackward0",
    forward=lambda xp, a: (a * np.minimum(np.maximum(a + 3, 0), 6) / 6).astype(a.dtype),
    vjp=(lambda m, g, a, out: m.where(a < -3, 0 * g, m.where(a > 3, g, g * (2 * a + 3) / 6)),),
    jvp="elementwise",
    samples=_samples(lambda torch, x: _functional(torch).hardswish(x), arg=WIDE),
)

# logsigmoid(x) = log σ(x) = −softplus(−x): d = σ(−x) = 1 − σ(x)
LOGSIGMOID = Op(
    "logsigmoid",
    "LogSigmoidBackward0",
    # contiguous, as torch's kernel writes it
    forward=lambda xp, a: _c_order(_log_sigmoid(a)),
    vjp=(lambda m, g, a, out: g * _sigmoid(m, -a),),
    jvp="elementwise",
    samples=_samples(lambda torch, x: _functional(torch).logsigmoid(x), arg=LOGITS),
)


# glu(x, dim) = a ⊙ σ(b), (a, b) the two halves of x along dim:
# ∂/∂a = g σ(b), ∂/∂b = g a σ(b)(1 − σ(b)); the input gradient is the two stacked back
def _glu_halves(x, dim):
    n = x.shape[dim] // 2
    index = [slice(None)] * x.ndim
    first, second = list(index), list(index)
    first[dim] = slice(0, n)
    second[dim] = slice(n, 2 * n)
    return x[tuple(first)], x[tuple(second)]


def _glu_forward(xp, x, dim):
    a, b = _glu_halves(x, dim)
    with np.errstate(over="ignore"):
        return a * _sigmoid(ArrayMath, b)


def _glu_vjp(m, g, x, out, dim):
    a, b = _glu_halves(x, dim)
    s = _sigmoid(m, b)
    return m.cat([g * s, g * a * s * (1 - s)], dim)


def _glu_jvp(m, tangents, x, out, dim):
    a, b = _glu_halves(x, dim)
    da, db = _glu_halves(tangents[0], dim)
    s = _sigmoid(m, b)
    return da * s + a * s * (1 - s) * db


GLU = Op(
    "glu",
    "GluBackward0",
    forward=_glu_forward,
    vjp=(_glu_vjp,),
    jvp=_glu_jvp,
    samples=[
        Sample((X,), call=lambda torch, x: _functional(torch).glu(x)),
        Sample(
            (Arg((4, 3, 2)),), {"dim": 0}, call=lambda torch, x, **k: _functional(torch).glu(x, **k)
        ),
    ],
)


# ---------------------------------------------------------------------------- soft margin
#
# soft_margin_loss: ℓ = log(1 + e^(−yx)) = −log σ(yx), y = ±1 (any real target works):
# ∂ℓ/∂x = −y σ(−yx)


def _soft_margin_local_x(m, t, a, target):
    return -target * _sigmoid(m, -(target * a)) * t


SOFT_MARGIN_LOSS = Op(
    "soft_margin_loss",
    "SoftMarginLossBackward0",
    forward=lambda xp, a, target, reduction: _reduce_array(-_log_sigmoid(target * a), reduction),
    # the target is not differentiated (PyTorch refuses a target that requires grad)
    vjp=(
        lambda m, g, a, target, out, reduction: _soft_margin_local_x(
            m, _spread(m, g, a.shape, reduction), a, target
        ),
        None,
    ),
    jvp=_pointwise_jvp((_soft_margin_local_x, None)),
    samples=_loss_samples(
        lambda torch, a, b, **k: _functional(torch).soft_margin_loss(a, b, **k),
        X,
        Arg((3, 4), values=[[1.0, -1, 1, 1], [-1, -1, 1, -1], [1, 1, -1, 1]], grad=False),
    ),
)


# ---------------------------------------------------------------------------- group norm
#
# group_norm: the C channels (dim 1) are split into G groups; each sample's group is
# normalised over its channels and positions: x̂ = (x − μ)/s, s = √(σ² + ε) (biased σ²),
# then y = w_c x̂ + b_c per channel. With n values per group and u = g ⊙ w (the gradient
# reaching x̂), the usual normalisation derivative, per group:
#     ∂f/∂x = (u − mean(u) − x̂ ⊙ mean(u ⊙ x̂)) / s
#     ∂f/∂w_c = Σ g ⊙ x̂ over all but the channel dim,   ∂f/∂b_c = Σ g likewise
# and for the JVP  dx̂ = (dx − mean(dx) − x̂ ⊙ mean(x̂ ⊙ dx)) / s,  dy = w dx̂ + dw x̂ + db.


def _grouped(m, x, groups):
    """``x`` (N, C, *) as (N, G, C/G · prod(*)): one row per sample and group."""
    return m.reshape(x, (x.shape[0], groups, -1))


def _group_stats(m, x, groups, eps):
    """x̂ (grouped shape) and 1/s (N, G, 1) of each group."""
    rows = _grouped(m, x, groups)
    n = rows.shape[-1]
    mean = m.sum(rows, -1, True) / n
    centred = rows - mean
    inv_std = 1 / m.sqrt(m.sum(centred * centred, -1, True) / n + eps)
    return centred * inv_std, inv_std


def _channel_view(m, w, ndim):
    """A per-channel vector as (C, 1, ..., 1), to broadcast against (N, C, *)."""
    return m.reshape(w, (w.shape[0],) + (1,) * (ndim - 2))


def _group_norm_forward(xp, x, weight, bias, groups, eps):
    xhat, _ = _group_stats(ArrayMath, x, groups, eps)
    out = xhat.reshape(x.shape)
    if weight is not None:
        out = out * _channel_view(ArrayMath, weight, x.ndim)
    if bias is not None:
        out = out + _channel_view(ArrayMath, bias, x.ndim)
    return out.astype(x.dtype, copy=False)


def _group_norm_vjp_x(m, g, x, weight, bias, out, groups, eps):
    xhat, inv_std = _group_stats(m, x, groups, eps)
    u = g if weight is None else g * _channel_view(m, weight, x.ndim)
    u = _grouped(m, u, groups)
    n = u.shape[-1]
    mean_u = m.sum(u, -1, True) / n
    mean_ux = m.sum(u * xhat, -1, True) / n
    return m.reshape((u - mean_u - xhat * mean_ux) * inv_std, tuple(x.shape))


def _sum_but_channels(m, value, ndim):
    return m.sum(value, (0,) + tuple(range(2, ndim)))


def _group_norm_vjp_w(m, g, x, weight, bias, out, groups, eps):
    xhat, _ = _group_stats(m, x, groups, eps)
    return _sum_but_channels(m, g * m.reshape(xhat, tuple(x.shape)), x.ndim)


def _group_norm_vjp_b(m, g, x, weight, bias, out, groups, eps):
    return _sum_but_channels(m, g, x.ndim)


def _group_norm_jvp(m, tangents, x, weight, bias, out, groups, eps):
    dx, dw, db = tangents
    xhat, inv_std = _group_stats(m, x, groups, eps)
    dxhat = None
    if dx is not None:
        rows = _grouped(m, dx, groups)
        n = rows.shape[-1]
        dxhat = (rows - m.sum(rows, -1, True) / n - xhat * (m.sum(xhat * rows, -1, True) / n)) * (
            inv_std
        )
        dxhat = m.reshape(dxhat, tuple(x.shape))
    xhat = m.reshape(xhat, tuple(x.shape)) if dw is not None else xhat
    return _affine_tangent(m, dxhat, xhat, weight, dw, db, _per_channel(m, x.ndim), out)


def _per_channel(m, ndim):
    """Shapes a per-channel vector to broadcast against an (N, C, *) tensor."""
    return lambda w: _channel_view(m, w, ndim)


def _affine_tangent(m, dxhat, xhat, weight, dw, db, view, out):
    """The tangent of y = w ⊙ x̂ + b: w ⊙ dx̂ + dw ⊙ x̂ + db (absent terms left out);
    ``view`` shapes w, dw and db to broadcast against x̂."""
    result = None
    if dxhat is not None:
        result = dxhat if weight is None else dxhat * view(weight)
    if dw is not None:
        term = xhat * view(dw)
        result = term if result is None else result + term
    if db is not None:
        term = m.expand(view(db), tuple(out.shape))
        result = term if result is None else result + term
    return result if result is not None else m.zeros_like(out)


GROUP_NORM = Op(
    "group_norm",
    "NativeGroupNormBackward0",
    forward=_group_norm_forward,
    vjp=(_group_norm_vjp_x, _group_norm_vjp_w, _group_norm_vjp_b),
    jvp=_group_norm_jvp,
    samples=[
        Sample(
            (Arg((2, 4, 3)), Arg((4,), 0.5, 1.5), Arg((4,))),
            call=lambda torch, x, w, b: _functional(torch).group_norm(x, 2, w, b),
            note="affine",
        ),
        Sample(
            (Arg((3, 6, 2, 2)),),
            call=lambda torch, x: _functional(torch).group_norm(x, 3, eps=1e-3),
            note="no affine 4-d",
        ),
        Sample(
            (Arg((2, 4)), Arg((4,), 0.5, 1.5), Arg((4,))),
            call=lambda torch, x, w, b: _functional(torch).group_norm(x, 4, w, b),
            note="2-d one channel per group",
        ),
    ],
)


# ------------------------------------------------------------------- layer norm, batch norm
#
# The group-norm derivative above, over other dims. layer_norm normalises each sample over
# its last k dims (weight and bias have those dims' shape); batch_norm each channel (dim 1)
# over the batch and the positions (weight and bias per channel), with the batch's
# statistics in training and, in evaluation, the running ones: constants, so there
#     ∂f/∂x = u / s   (u = g ⊙ w, s = √(running_var + ε)).
# Both compute x̂ with the roundings of mean, subtract, var, rsqrt in that order (what the
# composed forward did), and their nodes are torch's NativeLayerNorm/NativeBatchNorm ones.


def _norm_stats(m, x, dims, eps):
    """x̂ = (x − mean)/s and 1/s over ``dims`` (kept, to broadcast against x)."""
    n = _count_over(x.shape, dims)
    mean = m.sum(x, dims, True) / n
    centred = x - mean
    inv_std = 1 / m.sqrt(m.sum(centred * centred, dims, True) / n + eps)
    return centred * inv_std, inv_std


def _count_over(shape, dims) -> int:
    return math.prod(shape[d] for d in dims)


def _normalised_grad(m, u, xhat, inv_std, dims):
    """(u − mean(u) − x̂ ⊙ mean(u ⊙ x̂)) / s over ``dims``: the gradient through x̂."""
    n = _count_over(u.shape, dims)
    return (u - m.sum(u, dims, True) / n - xhat * (m.sum(u * xhat, dims, True) / n)) * inv_std


def _last_dims(ndim, k):
    return tuple(range(ndim - k, ndim))


def _layer_norm_forward(xp, x, weight, bias, k, eps):
    out, _ = _norm_stats(ArrayMath, x, _last_dims(x.ndim, k), eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return _c_order(out)  # contiguous, as torch's kernel writes it


def _layer_norm_vjp_x(m, g, x, weight, bias, out, k, eps):
    dims = _last_dims(x.ndim, k)
    xhat, inv_std = _norm_stats(m, x, dims, eps)
    return _normalised_grad(m, g if weight is None else g * weight, xhat, inv_std, dims)


def _sum_leading(m, value, count):
    """``value`` summed over its first ``count`` dims (none: itself; an empty dim tuple
    would mean all dims to a Tensor's sum)."""
    return m.sum(value, tuple(range(count))) if count else value


def _layer_norm_vjp_w(m, g, x, weight, bias, out, k, eps):
    xhat, _ = _norm_stats(m, x, _last_dims(x.ndim, k), eps)
    return _sum_leading(m, g * xhat, x.ndim - k)


def _layer_norm_vjp_b(m, g, x, weight, bias, out, k, eps):
    return _sum_leading(m, g, x.ndim - k)


def _layer_norm_jvp(m, tangents, x, weight, bias, out, k, eps):
    dx, dw, db = tangents
    dims = _last_dims(x.ndim, k)
    xhat, inv_std = _norm_stats(m, x, dims, eps)
    dxhat = None if dx is None else _normalised_grad(m, dx, xhat, inv_std, dims)
    return _affine_tangent(m, dxhat, xhat, weight, dw, db, lambda w: w, out)


LAYER_NORM = Op(
    "layer_norm",
    "NativeLayerNormBackward0",
    forward=_layer_norm_forward,
    vjp=(_layer_norm_vjp_x, _layer_norm_vjp_w, _layer_norm_vjp_b),
    jvp=_layer_norm_jvp,
    samples=[
        Sample(
            (Arg((2, 3, 4)), Arg((4,), 0.5, 1.5), Arg((4,))),
            call=lambda torch, x, w, b: _functional(torch).layer_norm(x, (4,), w, b),
            note="affine",
        ),
        Sample(
            (Arg((3, 2, 5)),),
            call=lambda torch, x: _functional(torch).layer_norm(x, (2, 5), eps=1e-3),
            note="two dims, no affine",
        ),
        Sample(
            (Arg((6,)), Arg((6,), 0.5, 1.5)),
            call=lambda torch, x, w: _functional(torch).layer_norm(x, (6,), w),
            note="1-d, weight only",
        ),
    ],
)


def _batch_dims(ndim):
    return (0,) + tuple(range(2, ndim))


def _batch_norm_stats(m, x, running_mean, running_var, eps):
    """x̂ and 1/s: from the batch when ``running_mean`` is None, else from the running
    statistics (per channel, as (C, 1, ..., 1) arrays)."""
    if running_mean is None:
        return _norm_stats(m, x, _batch_dims(x.ndim), eps)
    inv_std = 1 / np.sqrt(running_var + eps)  # constants: no gradient flows into them
    return (x - running_mean) * inv_std, inv_std


def _batch_norm_forward(xp, x, weight, bias, running_mean, running_var, eps):
    out, _ = _batch_norm_stats(ArrayMath, x, running_mean, running_var, eps)
    if weight is not None:
        out = out * _channel_view(ArrayMath, weight, x.ndim)
    if bias is not None:
        out = out + _channel_view(ArrayMath, bias, x.ndim)
    return _c_order(out)  # contiguous, as torch's kernel writes it


def _batch_norm_vjp_x(m, g, x, weight, bias, out, running_mean, running_var, eps):
    xhat, inv_std = _batch_norm_stats(m, x, running_mean, running_var, eps)
    u = g if weight is None else g * _channel_view(m, weight, x.ndim)
    if running_mean is not None:
        return u * inv_std
    return _normalised_grad(m, u, xhat, inv_std, _batch_dims(x.ndim))


def _batch_norm_vjp_w(m, g, x, weight, bias, out, running_mean, running_var, eps):
    xhat, _ = _batch_norm_stats(m, x, running_mean, running_var, eps)
    return _sum_but_channels(m, g * xhat, x.ndim)


def _batch_norm_vjp_b(m, g, x, weight, bias, out, running_mean, running_var, eps):
    return _sum_but_channels(m, g, x.ndim)


def _batch_norm_jvp(m, tangents, x, weight, bias, out, running_mean, running_var, eps):
    dx, dw, db = tangents
    xhat, inv_std = _batch_norm_stats(m, x, running_mean, running_var, eps)
    dxhat = None
    if dx is not None:
        if running_mean is not None:
            dxhat = dx * inv_std
        else:
            dxhat = _normalised_grad(m, dx, xhat, inv_std, _batch_dims(x.ndim))
    return _affine_tangent(m, dxhat, xhat, weight, dw, db, _per_channel(m, x.ndim), out)


def _running_stats(torch, x):
    """Running mean and variance for a sample: fixed values of ``x``'s channels and dtype."""
    channels = x.shape[1]
    return (
        torch.linspace(-0.5, 0.5, channels, dtype=x.dtype),
        torch.linspace(0.5, 1.5, channels, dtype=x.dtype),
    )


BATCH_NORM = Op(
    "batch_norm",
    "NativeBatchNormBackward0",
    forward=_batch_norm_forward,
    vjp=(_batch_norm_vjp_x, _batch_norm_vjp_w, _batch_norm_vjp_b),
    jvp=_batch_norm_jvp,
    samples=[
        Sample(
            (Arg((4, 3)), Arg((3,), 0.5, 1.5), Arg((3,))),
            call=lambda torch, x, w, b: _functional(torch).batch_norm(
                x, None, None, w, b, training=True
            ),
            note="training, affine",
        ),
        Sample(
            (Arg((2, 3, 4)),),
            call=lambda torch, x: _functional(torch).batch_norm(
                x, None, None, training=True, eps=1e-3
            ),
            note="training, 3-d, no affine",
        ),
        Sample(
            (Arg((4, 3)), Arg((3,), 0.5, 1.5), Arg((3,))),
            call=lambda torch, x, w, b: _functional(torch).batch_norm(
                x, *_running_stats(torch, x), w, b, training=False
            ),
            note="evaluation: running statistics",
        ),
    ],
)


# the torch namespace functions of this family, and those that are also Tensor methods
__all__ = ["log_softmax", "softmax"]
METHODS = ["log_softmax", "softmax"]
INPLACE_METHODS = []
