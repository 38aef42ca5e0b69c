"""``torch.special``: the special functions under their SciPy-style names.

Most are the torch-namespace operations under another name (``expit`` is ``sigmoid``,
``gammaln`` is ``lgamma``, ``psi`` is ``digamma`` ...); the others are written here with
those operations, so that their gradients follow from the ops' own rules:

- ``entr(x)`` = −x log x (0 at 0, −inf for x < 0)
- ``xlog1py(x, y)`` = x log(1 + y) (0 where x = 0, unless y is NaN)
- ``ndtr(x)`` = Φ(x) = erfc(−x/√2)/2, the standard normal CDF; ``ndtri`` its inverse
  √2 erfinv(2p − 1); ``log_ndtr(x)`` = log Φ(x)
- ``multigammaln(a, p)`` = p(p − 1)/4 log π + Σᵢ₌₀ᵖ⁻¹ lgamma(a − i/2)
"""

from __future__ import annotations

import math

from .ops import (
    digamma,
    erf,
    erfc,
    erfinv,
    exp2,
    expm1,
    lgamma,
    log1p,
    logit,
    logsumexp,
    polygamma,
    round,
    sigmoid,
    sinc,
    where,
    xlogy,
)
from .ops import log_softmax as _log_softmax
from .ops import softmax as _softmax

expit = sigmoid
gammaln = lgamma
psi = digamma


def softmax(input, dim, *, dtype=None):
    """exp(xᵢ) / Σⱼ exp(xⱼ) along ``dim`` (``torch.softmax``)."""
    return _softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """xᵢ − log Σⱼ exp(xⱼ) along ``dim`` (``torch.log_softmax``)."""
    return _log_softmax(input, dim, dtype=dtype)


def entr(input):
    """The elementwise entropy term −x log x: 0 at x = 0 and −inf for x < 0."""
    positive = input > 0
    safe = where(positive, input, 1.0)
    value = where(positive, -input * safe.log(), input * 0)
    return where(input < 0, -math.inf, value)


def xlog1py(input, other):
    """x log(1 + y), taken as 0 where x = 0 (unless y is NaN), like ``xlogy``."""
    value = input * log1p(other)
    return where((input == 0) & ~other.isnan(), value * 0, value)


def ndtr(input):
    """Φ(x), the standard normal distribution function: erfc(−x/√2) / 2."""
    return erfc(-input * math.sqrt(0.5)) * 0.5


def ndtri(input):
    """Φ⁻¹(p), the inverse of ``ndtr``: √2 erfinv(2p − 1)."""
    return erfinv(input * 2 - 1) * math.sqrt(2.0)


def log_ndtr(input):
    """log Φ(x)."""
    return ndtr(input).log()


def multigammaln(input, p):
    """The multivariate log-gamma function of dimension ``p``:
    p(p − 1)/4 · log π + Σᵢ₌₀ᵖ⁻¹ lgamma(a − i/2) (defined for a > (p − 1)/2; as in
    torch, other values are not checked)."""
    total = lgamma(input)
    for i in range(1, p):
        total = total + lgamma(input - i / 2)
    return total + p * (p - 1) / 4 * math.log(math.pi)


__all__ = [
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammaln",
    "log1p",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "round",
    "sinc",
    "softmax",
    "xlog1py",
    "xlogy",
]
