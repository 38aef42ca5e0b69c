"""``TransformerEncoderLayer`` / ``TransformerEncoder`` against PyTorch: submodules,
parameter order and seeded initial values, the nested-tensor warning, outputs (post- and
pre-norm, relu and gelu, padding masks, causal) and gradients."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the behavioural oracle")


def _values(t):
    return t.detach().numpy().astype(np.float64)


def _scenario(lib):
    nn = lib.nn
    described, initial, arrays = [], [], []
    lib.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
    described += [repr(layer), [n for n, _ in layer.named_parameters()]]
    initial += [_values(p) for p in layer.parameters()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encoder = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8))
        nn.TransformerEncoder(
            nn.TransformerEncoderLayer(8, 1, dim_feedforward=16, batch_first=True), 1
        )
        nn.TransformerEncoder(
            nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, norm_first=True), 1
        )
    described.append([str(w.message) for w in caught])
    encoder = encoder.double()
    x = lib.randn(5, 3, 8, dtype=lib.float64, requires_grad=True)
    y = encoder(x)
    (y * y).sum().backward()
    arrays += [_values(y), _values(x.grad)]
    padding = lib.tensor([[False, False, False, True, True]] * 3)
    arrays.append(_values(encoder(x, src_key_padding_mask=padding)))
    causal = lib.ones(5, 5, dtype=lib.bool).triu(1)
    arrays.append(_values(encoder(x, mask=causal)))
    lib.manual_seed(1)
    pre = nn.TransformerEncoderLayer(
        8, 4, dim_feedforward=12, norm_first=True, batch_first=True, activation="gelu"
    )
    initial += [_values(p) for p in pre.parameters()]
    pre = pre.double().eval()
    arrays.append(_values(pre(lib.randn(2, 5, 8, dtype=lib.float64))))
    return described, initial, arrays


def test_transformer_encoder_matches_torch():
    ours, theirs = _scenario(tracegrad), _scenario(torch)
    assert ours[0] == theirs[0]
    for a, b in zip(ours[1], theirs[1], strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(ours[2], theirs[2], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)
