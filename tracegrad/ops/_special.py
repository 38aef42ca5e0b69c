"""Special functions NumPy lacks (the core depends on NumPy only)."""

from __future__ import annotations

import math

import numpy as np

_erf = np.frompyfunc(math.erf, 1, 1)


def erf(x: np.ndarray) -> np.ndarray:
    """The Gauss error function, elementwise, evaluated in double precision."""
    x = np.asarray(x)
    return np.asarray(_erf(x.astype(np.float64)), dtype=np.float64).astype(x.dtype)


def fma(a, b, c):
    """``a * b + c`` rounded once, like the fused multiply-add PyTorch's CPU kernels use
    (``add(alpha=)``, ``lerp``), so that results agree with torch bit for bit.

    float32: the product of two float32 numbers is exact in float64, so computing in
    float64 and rounding once to float32 gives the fused result (barring a double-rounding
    tie, about one case in 2**29). float64: Dekker's error-free product and Knuth's
    two-sum recover the rounding errors of ``a * b`` and of the sum, which are added back
    before the last rounding.
    """
    a, b, c = np.asarray(a), np.asarray(b), np.asarray(c)
    dtype = np.result_type(a, b, c)
    if dtype == np.float32 or dtype == np.float16:
        wide = a.astype(np.float64) * b.astype(np.float64) + c.astype(np.float64)
        return wide.astype(dtype)
    if dtype != np.float64:
        return a * b + c
    product = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    product_error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + (
        a_low * b_low
    )
    total = product + c
    virtual = total - product
    sum_error = (product - (total - virtual)) + (c - virtual)
    result = total + (sum_error + product_error)
    # infinities and NaNs: the plain formula has the right special value
    return np.where(np.isfinite(result), result, product + c)


def _split(x):
    """Veltkamp's split of a float64 into two halves of 26 significant bits each."""
    scaled = 134217729.0 * x  # 2**27 + 1
    high = scaled - (scaled - x)
    return high, x - high
