"""torch.linalg and the matrix functions: values, errors and the namespace against PyTorch
(the derivatives are checked with every registry op in test_registry.py)."""

from __future__ import annotations

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for torch.linalg")

RNG = np.random.default_rng(3)
A = RNG.uniform(-1, 1, (4, 4)) + 3 * np.eye(4)
B = RNG.uniform(-1, 1, (4, 2))
V = RNG.uniform(-1, 1, 4)


def _both(fn):
    ours = fn(tracegrad, tracegrad.tensor(A), tracegrad.tensor(B), tracegrad.tensor(V))
    theirs = fn(torch, torch.tensor(A), torch.tensor(B), torch.tensor(V))
    return ours, theirs


@pytest.mark.parametrize(
    "fn",
    [
        lambda t, a, b, v: t.linalg.inv(a),
        lambda t, a, b, v: t.inverse(a),
        lambda t, a, b, v: a.inverse(),
        lambda t, a, b, v: t.linalg.det(a),
        lambda t, a, b, v: a.det(),
        lambda t, a, b, v: t.logdet(a),
        lambda t, a, b, v: t.logdet(-a),
        lambda t, a, b, v: t.linalg.slogdet(-a).sign,
        lambda t, a, b, v: t.linalg.slogdet(a).logabsdet,
        lambda t, a, b, v: t.linalg.solve(a, b),
        lambda t, a, b, v: t.linalg.solve(a, v),
        lambda t, a, b, v: t.linalg.solve(a, b.T, left=False),
        lambda t, a, b, v: t.linalg.norm(a),
        lambda t, a, b, v: t.linalg.norm(a, "fro"),
        lambda t, a, b, v: t.linalg.vector_norm(a, 1, dim=0),
        lambda t, a, b, v: t.linalg.matrix_norm(a),
        lambda t, a, b, v: t.heaviside(a - 3, t.tensor(0.5, dtype=a.dtype)),
    ],
)
def test_values_match_torch(fn):
    ours, theirs = _both(fn)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)
    assert str(ours.dtype) == str(theirs.dtype)


def test_solve_gradients_match_torch():
    grads = []
    for t in (tracegrad, torch):
        a = t.tensor(A, requires_grad=True)
        v = t.tensor(V, requires_grad=True)
        (t.linalg.solve(a, v) ** 2).sum().backward()
        grads.append((a.grad.numpy(), v.grad.numpy()))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: t.linalg.inv(t.zeros(2, 3)),
        lambda t: t.linalg.det(t.zeros(2, 3)),
        lambda t: t.linalg.inv(t.zeros(3)),
        lambda t: t.linalg.solve(t.eye(3), t.ones(2)),
        lambda t: t.heaviside(t.zeros(2), t.tensor(1, dtype=t.int64)),
    ],
)
def test_errors_match_torch(fn):
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(type(theirs.value)) as ours:
        fn(tracegrad)
    assert str(ours.value).split(":")[0] == str(theirs.value).split(":")[0]


def test_singular_inverse_raises_linalg_error():
    with pytest.raises(tracegrad.linalg.LinAlgError, match="singular"):
        tracegrad.linalg.inv(tracegrad.zeros(2, 2))
    assert issubclass(tracegrad.linalg.LinAlgError, RuntimeError)
