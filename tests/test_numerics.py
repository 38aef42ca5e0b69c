"""Elementwise results that PyTorch computes with fused multiply-adds agree bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import tracegrad


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "expression",
    [
        "t.add(a, b, alpha=-0.3)",
        "t.sub(a, b, alpha=0.7)",
        "a.clone().add_(b, alpha=-1e-3)",
        "t.lerp(a, b, w)",
        "t.lerp(a, b, 0.3)",
        "t.lerp(a, b, 0.8)",
        "t.addcmul(a, b, w)",
        "t.addcmul(a, b, w, value=-0.3)",
        "a.clone().addcmul_(b, b, value=1e-3)",
        "t.addcdiv(a, b, w + 0.5, value=-0.7)",
    ],
)
def test_fused_results_are_bit_identical(dtype, expression):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle")
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(5000).astype(dtype) for _ in range(2)]
    arrays.append(rng.random(5000).astype(dtype))
    results = []
    for module in (tracegrad, torch):
        a, b, w = (module.from_numpy(x.copy()) for x in arrays)
        results.append(eval(expression, {"t": module, "a": a, "b": b, "w": w}).numpy())  # noqa: S307
    assert np.array_equal(results[0].view(np.uint8), results[1].view(np.uint8))
