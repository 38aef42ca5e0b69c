"""torch.linalg decompositions against PyTorch, NumPy and finite differences (float64).

QR and Cholesky are unique (LAPACK's QR signs are the same in NumPy's OpenBLAS and in
PyTorch's MKL here): compared directly. The signs of eigenvectors and singular vectors
are LAPACK's choice and differ between the two libraries for some matrices, so those are
compared through sign-free quantities: |V|, projectors v vᵀ, rank-one terms u vᵀ and
reconstructions U S Vᵀ; their gradients through losses built only from such quantities.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for parity tests")

# torch.qr / torch.cholesky are deprecated (both libraries warn): checked once below
pytestmark = pytest.mark.filterwarnings("ignore:torch.*is deprecated:UserWarning")

RNG = np.random.default_rng(5)


def spd(n, batch=()):
    b = RNG.standard_normal(batch + (n, n))
    return b @ np.swapaxes(b, -1, -2) + n * np.eye(n)


def distinct(shape):
    """A matrix with well-separated singular values (3, 2.2, 1.4, ...)."""
    m, n = shape
    k = min(m, n)
    u, _ = np.linalg.qr(RNG.standard_normal((m, k)))
    v, _ = np.linalg.qr(RNG.standard_normal((n, k)))
    return (u * (3.0 - 0.8 * np.arange(k))) @ v.T


def both(fn, a, *more):
    """``fn(module, *tensors)`` on tracegrad and on torch: (ours, theirs, our grads, theirs)."""
    results = []
    for module in (tracegrad, torch):
        inputs = [module.tensor(x, requires_grad=True) for x in (a, *more)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(module, *inputs)
        cot = module.tensor(np.random.default_rng(2).standard_normal(tuple(out.shape)))
        grads = module.autograd.grad(out, inputs, cot)
        results.append((out.detach().numpy(), [g.numpy() for g in grads]))
    (ours, our_grads), (theirs, their_grads) = results
    np.testing.assert_allclose(ours, theirs, atol=1e-10)
    for mine, reference in zip(our_grads, their_grads, strict=True):
        np.testing.assert_allclose(mine, reference, atol=1e-9)


def finite_difference_check(fn, a, symmetric=False):
    """<grad f(A), D> = (f(A + εD) − f(A − εD)) / 2ε for a random direction D."""
    x = tracegrad.tensor(a, requires_grad=True)
    (grad,) = tracegrad.autograd.grad(fn(tracegrad, x), [x])
    direction = RNG.standard_normal(a.shape)
    if symmetric:
        direction = direction + np.swapaxes(direction, -1, -2)
    eps = 1e-6

    def value(v):
        return float(fn(tracegrad, tracegrad.tensor(v)))

    numeric = (value(a + eps * direction) - value(a - eps * direction)) / (2 * eps)
    assert float((grad.numpy() * direction).sum()) == pytest.approx(numeric, rel=1e-6, abs=1e-7)


WEIGHTS = RNG.standard_normal((6, 6))


def weighted(x):
    """Σ W ∘ x, W a fixed random matrix (a generic linear functional)."""
    rows, cols = x.shape[-2:]
    w = WEIGHTS[:rows, :cols]
    return (x * (tracegrad.tensor(w) if isinstance(x, tracegrad.Tensor) else torch.tensor(w))).sum()


# ---------------------------------------------------------------------------- cholesky


def test_cholesky_values_gradient_and_upper():
    a = spd(4)
    both(lambda m, x: m.linalg.cholesky(x), a)
    both(lambda m, x: m.linalg.cholesky(x, upper=True), a)
    both(lambda m, x: m.cholesky(x), spd(3, (2,)))
    low = tracegrad.linalg.cholesky(tracegrad.tensor(a)).numpy()
    np.testing.assert_allclose(low, np.linalg.cholesky(a), atol=1e-12)
    assert tracegrad.linalg.cholesky(tracegrad.tensor(a, requires_grad=True)).grad_fn.name() == (
        "LinalgCholeskyExBackward0"
    )
    finite_difference_check(lambda m, x: weighted(m.linalg.cholesky(x)), a, symmetric=True)


def test_cholesky_of_indefinite_matrix_raises_linalg_error():
    bad = tracegrad.tensor([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(tracegrad.linalg.LinAlgError, match="leading minor of order 2"):
        tracegrad.linalg.cholesky(bad)
    with pytest.raises(RuntimeError, match="square"):
        tracegrad.linalg.cholesky(tracegrad.ones(2, 3))


# ---------------------------------------------------------------------------- qr


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (2, 4, 3)])
def test_qr_matches_torch(shape):
    a = RNG.standard_normal(shape)
    both(lambda m, x: m.linalg.qr(x).Q, a)
    both(lambda m, x: m.linalg.qr(x).R, a)
    q, r = tracegrad.linalg.qr(tracegrad.tensor(a))
    np.testing.assert_allclose((q @ r).numpy(), a, atol=1e-12)
    finite_difference_check(lambda m, x: weighted(m.linalg.qr(x).Q) + weighted(m.linalg.qr(x).R), a)


@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_qr_modes_and_legacy(mode, shape):
    a = RNG.standard_normal(shape)
    ours = tracegrad.linalg.qr(tracegrad.tensor(a), mode=mode)
    theirs = torch.linalg.qr(torch.tensor(a), mode=mode)
    for mine, reference in zip(ours, theirs, strict=True):
        assert tuple(mine.shape) == tuple(reference.shape)
        np.testing.assert_allclose(mine.numpy(), reference.numpy(), atol=1e-12)
    q, r = tracegrad.qr(tracegrad.tensor(a), some=False)
    np.testing.assert_allclose(q.numpy(), torch.qr(torch.tensor(a), some=False)[0].numpy())


# ---------------------------------------------------------------------------- eigh


def test_eigh_values_ascending_and_vectors_up_to_sign():
    a = spd(5, (2,))
    w, v = tracegrad.linalg.eigh(tracegrad.tensor(a))
    tw, tv = torch.linalg.eigh(torch.tensor(a))
    np.testing.assert_allclose(w.numpy(), tw.numpy(), atol=1e-12)
    assert np.all(np.diff(w.numpy(), axis=-1) > 0)
    np.testing.assert_allclose(np.abs(v.numpy()), np.abs(tv.numpy()), atol=1e-10)
    rebuilt = (v * w.unsqueeze(-2)) @ v.mT
    np.testing.assert_allclose(rebuilt.numpy(), a, atol=1e-10)
    both(lambda m, x: m.linalg.eigvalsh(x), a)


def _projector_loss(m, x, which=0):
    v = m.linalg.eigh(x).eigenvectors[..., which : which + 1]
    return weighted(v @ v.mT)


@pytest.mark.parametrize("which", [0, 2])
def test_eigh_eigenvector_gradient(which):
    a = spd(4)
    both(lambda m, x: _projector_loss(m, x, which), a)
    finite_difference_check(lambda m, x: _projector_loss(m, x, which), a, symmetric=True)
    finite_difference_check(lambda m, x: (m.linalg.eigvalsh(x) ** 2).sum(), a, symmetric=True)


# ---------------------------------------------------------------------------- svd


def _svd_loss(m, x):
    """Sign-free: the singular values and the rank-one terms u_i v_iᵀ, u_i u_iᵀ."""
    u, s, vh = m.linalg.svd(x, full_matrices=False)
    first = u[:, :1] @ vh[:1, :]
    second = u[:, 1:2] @ u[:, 1:2].mT
    return weighted(first) + weighted(second) + (s * s.flip(0)).sum()


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
def test_svd_matches_torch_up_to_signs(shape):
    a = distinct(shape)
    u, s, vh = tracegrad.linalg.svd(tracegrad.tensor(a), full_matrices=False)
    tu, ts, tvh = torch.linalg.svd(torch.tensor(a), full_matrices=False)
    np.testing.assert_allclose(s.numpy(), ts.numpy(), atol=1e-12)
    np.testing.assert_allclose(np.abs(u.numpy()), np.abs(tu.numpy()), atol=1e-10)
    np.testing.assert_allclose(np.abs(vh.numpy()), np.abs(tvh.numpy()), atol=1e-10)
    np.testing.assert_allclose(((u * s) @ vh).numpy(), a, atol=1e-12)
    both(_svd_loss, a)
    both(lambda m, x: m.linalg.svdvals(x), a)
    finite_difference_check(_svd_loss, a)


def test_svd_full_matrices_and_legacy_api():
    a = distinct((5, 3))
    u, s, vh = tracegrad.linalg.svd(tracegrad.tensor(a))
    assert tuple(u.shape) == (5, 5) and tuple(vh.shape) == (3, 3)
    np.testing.assert_allclose((u.mT @ u).numpy(), np.eye(5), atol=1e-12)
    # torch.svd: V (not Vᵀ), reduced by default (some=True)
    u, s, v = tracegrad.svd(tracegrad.tensor(a))
    tu, ts, tv = torch.svd(torch.tensor(a))
    assert tuple(v.shape) == tuple(tv.shape) == (3, 3)
    np.testing.assert_allclose(((u * s) @ v.mT).numpy(), a, atol=1e-12)
    np.testing.assert_allclose(np.abs(v.numpy()), np.abs(tv.numpy()), atol=1e-10)
    x = tracegrad.tensor(a, requires_grad=True)
    assert (
        tracegrad.svd(x).V.grad_fn.name()
        == torch.svd(torch.tensor(a, requires_grad=True))[2].grad_fn.name()
    )


# ---------------------------------------------------------------------------- pinv, lstsq, rank


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)])
def test_pinv_matches_torch(shape):
    a = RNG.standard_normal(shape)
    both(lambda m, x: m.linalg.pinv(x), a)
    np.testing.assert_allclose(
        tracegrad.linalg.pinv(tracegrad.tensor(a)).numpy(), np.linalg.pinv(a), atol=1e-12
    )


def test_pinv_tolerances_and_matrix_rank():
    z = np.diag([3.0, 1e-3, 1e-17])
    for kwargs in ({}, {"atol": 0.01}, {"rtol": 0.01}):
        ours = tracegrad.linalg.pinv(tracegrad.tensor(z), **kwargs)
        theirs = torch.linalg.pinv(torch.tensor(z), **kwargs)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
        rank = tracegrad.linalg.matrix_rank(tracegrad.tensor(z), **kwargs)
        assert rank.dtype is tracegrad.int64
        assert int(rank) == int(torch.linalg.matrix_rank(torch.tensor(z), **kwargs))
    batch = RNG.standard_normal((3, 4, 2)) @ RNG.standard_normal((3, 2, 5))
    np.testing.assert_array_equal(
        tracegrad.linalg.matrix_rank(tracegrad.tensor(batch)).numpy(), [2, 2, 2]
    )


def test_lstsq_solution_and_fields():
    a, b = RNG.standard_normal((6, 3)), RNG.standard_normal((6, 2))
    both(lambda m, x, y: m.linalg.lstsq(x, y).solution, a, b)
    ours = tracegrad.linalg.lstsq(tracegrad.tensor(a), tracegrad.tensor(b))
    theirs = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b))
    for mine, reference in zip(ours, theirs, strict=True):
        assert str(mine.dtype) == str(reference.dtype)
        np.testing.assert_allclose(mine.numpy(), reference.numpy(), atol=1e-12)
    expected = np.linalg.lstsq(a, b[:, 0], rcond=None)[0]
    vector = tracegrad.linalg.lstsq(tracegrad.tensor(a), tracegrad.tensor(b[:, 0])).solution
    np.testing.assert_allclose(vector.numpy(), expected, atol=1e-12)


def test_multi_dot_and_matrix_power():
    a, b, c = RNG.standard_normal((4, 3)), RNG.standard_normal((3, 5)), RNG.standard_normal(5)
    both(lambda m, x, y, z: m.linalg.multi_dot([x, y, z]), a, b, c)
    both(lambda m, x: m.linalg.matrix_power(x, 3), spd(3))
    both(lambda m, x: m.linalg.matrix_power(x, -2), spd(3))


def test_values_only_gradients_stay_finite_for_repeated_values():
    """eigvalsh/svdvals need no eigenvector term: repeated (or zero) values are fine."""
    for fn, a in (
        (lambda m, x: (m.linalg.eigvalsh(x) * m.tensor([1.0, 2.0, 3.0])).sum(), np.eye(3) * 2),
        (lambda m, x: m.linalg.svdvals(x).sum(), np.diag([2.0, 2.0, 0.0])),
    ):
        grads = []
        for module in (tracegrad, torch):
            x = module.tensor(a, requires_grad=True)
            fn(module, x).backward()
            grads.append(x.grad.numpy())
        assert np.isfinite(grads[0]).all()
        np.testing.assert_allclose(grads[0], grads[1], atol=1e-12)


def test_deprecated_functions_warn():
    with pytest.warns(UserWarning, match="torch.linalg.cholesky"):
        tracegrad.cholesky(tracegrad.eye(2))
    with pytest.warns(UserWarning, match="torch.linalg.qr"):
        tracegrad.qr(tracegrad.eye(2))
