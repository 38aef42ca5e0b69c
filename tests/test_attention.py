"""``F.scaled_dot_product_attention`` against PyTorch: plain, scaled, causal, boolean and
float masks (a fully masked query gives zeros), grouped-query heads, gradients, errors."""

from __future__ import annotations

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the behavioural oracle")

CASES = {
    "plain": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), {}),
    "scale": ((2, 4, 8), (2, 5, 8), (2, 5, 3), {"scale": 0.3}),
    "causal": ((2, 3, 5, 8), (2, 3, 5, 8), (2, 3, 5, 8), {"is_causal": True}),
    "bool mask": ((2, 4, 8), (2, 5, 8), (2, 5, 6), {"attn_mask": "bool"}),
    "float mask": ((2, 4, 8), (2, 5, 8), (2, 5, 6), {"attn_mask": "float"}),
    "gqa": ((1, 4, 3, 8), (1, 2, 5, 8), (1, 2, 5, 8), {"enable_gqa": True}),
}


def _run(lib, shapes, options):
    rng = np.random.default_rng(0)
    q, k, v = (lib.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes)
    options = dict(options)
    if options.get("attn_mask") == "bool":
        mask = rng.random((4, 5)) > 0.4
        mask[1] = False  # a query that may attend to nothing
        options["attn_mask"] = lib.tensor(mask)
    elif options.get("attn_mask") == "float":
        options["attn_mask"] = lib.tensor(rng.standard_normal((4, 5)))
    out = lib.nn.functional.scaled_dot_product_attention(q, k, v, **options)
    (out * out).sum().backward()
    return [t.detach().numpy() for t in (out, q.grad, k.grad, v.grad)]


@pytest.mark.parametrize("name", list(CASES))
def test_attention_matches_torch(name):
    *shapes, options = CASES[name]
    for a, b in zip(_run(tracegrad, shapes, options), _run(torch, shapes, options), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_mask_and_causal_together_is_torchs_error():
    def error(lib):
        x = lib.ones(2, 3, 4)
        try:
            lib.nn.functional.scaled_dot_product_attention(
                x, x, x, attn_mask=lib.ones(3, 3, dtype=lib.bool), is_causal=True
            )
        except RuntimeError as exc:
            return str(exc)
        return None

    assert error(tracegrad) is not None and error(tracegrad) == error(torch)
