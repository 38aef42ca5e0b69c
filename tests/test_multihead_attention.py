"""``nn.MultiheadAttention`` against PyTorch: parameters and their seeded initial values,
outputs and attention weights (averaged or per head), masks (boolean and float attention
masks, key padding), separate key/value sizes, batch-first and unbatched inputs, dropout
on the weights, and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the behavioural oracle")


def _values(t):
    return None if t is None else t.detach().numpy().astype(np.float64)


def _scenario(lib):
    nn = lib.nn
    described, arrays = [], []
    lib.manual_seed(0)
    m = nn.MultiheadAttention(8, 2)
    described += [repr(m), [(n, tuple(p.shape)) for n, p in m.named_parameters()]]
    initial = [_values(p) for p in m.parameters()]
    x = lib.randn(3, 2, 8, dtype=lib.float64, requires_grad=True)
    m = m.double()
    o, w = m(x, x, x)
    arrays += [_values(o), _values(w)]
    (o.sum() + w.sum()).backward()
    arrays += [_values(x.grad), _values(m.in_proj_weight.grad), _values(m.out_proj.weight.grad)]
    o, w = m(x, x, x, average_attn_weights=False)
    described.append(tuple(w.shape))
    arrays.append(_values(w))
    mask = lib.tensor([[False, True, False], [False, False, True], [False, False, False]])
    padding = lib.tensor([[False, False, True], [False, False, False]])
    arrays += [_values(t) for t in m(x, x, x, attn_mask=mask, key_padding_mask=padding)]
    lib.manual_seed(5)
    arrays.append(_values(m(x, x, x, attn_mask=lib.randn(3, 3, dtype=lib.float64))[0]))
    o, w = m(x[:, 0], x[:, 0], x[:, 0])  # unbatched
    described += [tuple(o.shape), tuple(w.shape)]
    lib.manual_seed(1)
    mb = nn.MultiheadAttention(8, 4, batch_first=True, kdim=5, vdim=6, bias=False)
    described += [repr(mb), [(n, tuple(p.shape)) for n, p in mb.named_parameters()]]
    initial += [_values(p) for p in mb.parameters()]
    mb = mb.double()
    q, k, v = (lib.randn(2, n, d, dtype=lib.float64) for n, d in ((3, 8), (4, 5), (4, 6)))
    arrays += [_values(t) for t in mb(q, k, v)]
    output, weights = mb(q, k, v, need_weights=False)
    described.append(weights)
    arrays.append(_values(output))
    lib.manual_seed(3)
    md = nn.MultiheadAttention(8, 2, dropout=0.5).double()
    arrays += [_values(t) for t in md(x, x, x)]  # dropout draws as torch's
    return described, initial, arrays


def test_multihead_attention_matches_torch():
    ours, theirs = _scenario(tracegrad), _scenario(torch)
    assert ours[0] == theirs[0]
    for a, b in zip(ours[1], theirs[1], strict=True):
        np.testing.assert_array_equal(a, b)  # the initial draws, bit for bit
    for a, b in zip(ours[2], theirs[2], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_embed_dim_not_divisible_is_torchs_error():
    for lib in (tracegrad, torch):
        with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
            lib.nn.MultiheadAttention(8, 3)
