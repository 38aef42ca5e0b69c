"""The extra activations, losses, distance and normalisation layers against PyTorch.

Values, dtypes, shapes, gradients (the registry ops' rules are also checked by finite
differences in tests/test_registry.py) and the printed form of the modules.
"""

from __future__ import annotations

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for parity tests")

RNG = np.random.default_rng(0)
X = RNG.uniform(-4, 4, (3, 4))
Y = RNG.uniform(-2, 2, (3, 4))
SIGNS = np.sign(RNG.standard_normal((3, 4)))
THIRD = RNG.standard_normal((3, 4))


def _run(module, fn, arrays, grads):
    inputs = []
    for value, grad in zip(arrays, grads, strict=True):
        t = module.tensor(value)
        if grad:
            t.requires_grad_(True)
        inputs.append(t)
    functional = module.nn.functional
    out = fn(module, functional, *inputs)
    grads_out = None
    if out.requires_grad:
        cotangent = module.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)))
        out.backward(cotangent)
        grads_out = [t.grad for t, g in zip(inputs, grads, strict=True) if g]
    return out, grads_out


def _compare(fn, arrays, grads=None):
    grads = grads or [True] * len(arrays)
    ours, our_grads = _run(tracegrad, fn, arrays, grads)
    theirs, their_grads = _run(torch, fn, arrays, grads)
    assert str(ours.dtype) == str(theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=1e-10)
    assert type(ours.grad_fn).__name__ == theirs.grad_fn.name()
    for mine, reference in zip(our_grads, their_grads, strict=True):
        np.testing.assert_allclose(mine.numpy(), reference.numpy(), atol=1e-9)


ACTIVATIONS = [
    "selu",
    "celu",
    "mish",
    "softsign",
    "softshrink",
    "hardshrink",
    "tanhshrink",
    "hardsigmoid",
    "hardswish",
    "logsigmoid",
]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_matches_torch(name):
    _compare(lambda m, F, x: getattr(F, name)(x), [X])


@pytest.mark.parametrize(
    "call",
    [
        lambda m, F, x: F.celu(x, 0.3),
        lambda m, F, x: F.softshrink(x, 1.5),
        lambda m, F, x: F.hardshrink(x, 1.5),
        lambda m, F, x: F.softmin(x, 1),
        lambda m, F, x: F.softmin(x, dim=0),
        lambda m, F, x: F.glu(x),
        lambda m, F, x: F.glu(x.reshape(2, 6), 0),
    ],
    ids=["celu-alpha", "softshrink", "hardshrink", "softmin1", "softmin0", "glu", "glu0"],
)
def test_activation_arguments(call):
    _compare(call, [X])


@pytest.mark.parametrize(
    "name", ["relu_", "elu_", "selu_", "celu_", "leaky_relu_", "hardtanh_", "threshold_"]
)
def test_inplace_variants(name):
    def call(m, F, x):
        y = x * 1
        args = (0.1, 2.0) if name == "threshold_" else ()
        result = getattr(F, name)(y, *args)
        assert result is y
        return result

    _compare(call, [X])


def test_float32_activations_keep_dtype():
    x32 = X.astype(np.float32)
    for name in ACTIVATIONS:
        ours = getattr(tracegrad.nn.functional, name)(tracegrad.tensor(x32))
        theirs = getattr(torch.nn.functional, name)(torch.tensor(x32))
        assert ours.dtype is tracegrad.float32
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


LOSSES = {
    "margin_ranking": (
        lambda m, F, a, b, t, r: F.margin_ranking_loss(a, b, t, 0.3, reduction=r),
        [X, Y, SIGNS],
        [1, 1, 0],
    ),
    "hinge_embedding": (
        lambda m, F, a, t, r: F.hinge_embedding_loss(a, t, 1.5, reduction=r),
        [X, SIGNS],
        [1, 0],
    ),
    "soft_margin": (
        lambda m, F, a, t, r: F.soft_margin_loss(a, t, reduction=r),
        [X, SIGNS],
        [1, 0],
    ),
    "multilabel_soft_margin": (
        lambda m, F, a, t, r: F.multilabel_soft_margin_loss(a, t, reduction=r),
        [X, (SIGNS > 0) * 1.0],
        [1, 0],
    ),
    "multilabel_soft_margin_weight": (
        lambda m, F, a, t, w, r: F.multilabel_soft_margin_loss(a, t, w, reduction=r),
        [X, (SIGNS > 0) * 1.0, np.array([0.5, 1.0, 2.0, 0.2])],
        [1, 0, 0],
    ),
    "cosine_embedding": (
        lambda m, F, a, b, t, r: F.cosine_embedding_loss(a, b, t, 0.2, reduction=r),
        [X, Y, SIGNS[:, 0]],
        [1, 1, 0],
    ),
    "triplet": (
        lambda m, F, a, p, n, r: F.triplet_margin_loss(a, p, n, reduction=r),
        [X, Y, THIRD],
        [1, 1, 1],
    ),
    "triplet_swap_p1": (
        lambda m, F, a, p, n, r: F.triplet_margin_loss(a, p, n, 2.0, 1, swap=True, reduction=r),
        [X, Y, THIRD],
        [1, 1, 1],
    ),
    "poisson": (lambda m, F, a, t, r: F.poisson_nll_loss(a, t, reduction=r), [Y, abs(X)], [1, 0]),
    "poisson_full_rates": (
        lambda m, F, a, t, r: F.poisson_nll_loss(a, t, log_input=False, full=True, reduction=r),
        [abs(Y), abs(X)],
        [1, 0],
    ),
    "gaussian": (
        lambda m, F, a, t, v, r: F.gaussian_nll_loss(a, t, v, reduction=r),
        [X, Y, abs(Y)],
        [1, 0, 1],
    ),
    "gaussian_full_row_var": (
        lambda m, F, a, t, v, r: F.gaussian_nll_loss(a, t, v, full=True, reduction=r),
        [X, Y, abs(Y[:, 0])],
        [1, 1, 1],
    ),
    "gaussian_clamped": (
        lambda m, F, a, t, v, r: F.gaussian_nll_loss(a, t, v, eps=0.5, reduction=r),
        [X, Y, abs(Y)],
        [1, 0, 1],
    ),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_matches_torch(name, reduction):
    fn, arrays, grads = LOSSES[name]
    _compare(lambda m, F, *a: fn(m, F, *a, reduction), arrays, grads)


def test_distances_and_norms():
    w, b = RNG.uniform(0.5, 1.5, 4), RNG.standard_normal(4)
    _compare(lambda m, F, a, b: F.cosine_similarity(a, b), [X, Y])
    _compare(lambda m, F, x, w, b: F.group_norm(x.reshape(3, 4, 1), 2, w, b), [X, w, b])
    _compare(lambda m, F, x: F.group_norm(x.reshape(2, 6), 3, eps=1e-3), [X])
    _compare(lambda m, F, x, w: F.rms_norm(x, (4,), w), [X, w])
    _compare(lambda m, F, x: F.rms_norm(x, [3, 4], eps=1e-3), [X])
    ours = tracegrad.nn.functional.pairwise_distance(tracegrad.tensor(X), tracegrad.tensor(Y))
    theirs = torch.nn.functional.pairwise_distance(torch.tensor(X), torch.tensor(Y))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-12)


def test_group_norm_gradient_by_finite_differences():
    x = RNG.standard_normal((2, 4, 3))
    w, b = RNG.uniform(0.5, 1.5, 4), RNG.standard_normal(4)
    cot = RNG.standard_normal((2, 4, 3))

    def f(xv):
        out = tracegrad.nn.functional.group_norm(
            tracegrad.tensor(xv), 2, tracegrad.tensor(w), tracegrad.tensor(b)
        )
        return float((out.numpy() * cot).sum())

    xt = tracegrad.tensor(x, requires_grad=True)
    out = tracegrad.nn.functional.group_norm(xt, 2, tracegrad.tensor(w), tracegrad.tensor(b))
    out.backward(tracegrad.tensor(cot))
    direction = RNG.standard_normal(x.shape)
    eps = 1e-6
    numeric = (f(x + eps * direction) - f(x - eps * direction)) / (2 * eps)
    assert abs(float((xt.grad.numpy() * direction).sum()) - numeric) < 1e-7


MODULES = [
    "SELU()",
    "SELU(True)",
    "CELU()",
    "CELU(2.0, True)",
    "Mish()",
    "Mish(True)",
    "Softsign()",
    "Softshrink()",
    "Softshrink(0.3)",
    "Hardshrink()",
    "Tanhshrink()",
    "Hardsigmoid(True)",
    "Hardswish()",
    "LogSigmoid()",
    "Softmin()",
    "Softmin(1)",
    "GLU()",
    "GLU(0)",
    "CosineSimilarity()",
    "CosineSimilarity(0, 1e-6)",
    "PairwiseDistance()",
    "PairwiseDistance(1.0, 1e-5, True)",
    "GroupNorm(2, 4)",
    "GroupNorm(2, 4, affine=False, eps=1e-3)",
    "GroupNorm(2, 4, bias=False)",
    "RMSNorm(4)",
    "RMSNorm([3, 4], eps=1e-5, elementwise_affine=False)",
    "MarginRankingLoss()",
    "MarginRankingLoss(0.5)",
    "HingeEmbeddingLoss(2.0)",
    "SoftMarginLoss()",
    "MultiLabelSoftMarginLoss()",
    "CosineEmbeddingLoss()",
    "TripletMarginLoss()",
    "TripletMarginLoss(2.0, 3.0, swap=True)",
    "PoissonNLLLoss()",
    "GaussianNLLLoss()",
]


@pytest.mark.parametrize("spec", MODULES)
def test_module_repr_and_parameters(spec):
    ours = eval("tracegrad.nn." + spec)
    theirs = eval("torch.nn." + spec)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=name)


def test_modules_compute_like_functional():
    x = RNG.standard_normal((2, 4, 3)).astype(np.float32)
    for spec in ("GroupNorm(2, 4)", "RMSNorm(3)", "Mish()", "GLU(1)", "Softmin(dim=2)"):
        ours = eval("tracegrad.nn." + spec)(tracegrad.tensor(x))
        theirs = eval("torch.nn." + spec)(torch.tensor(x))
        assert ours.dtype is tracegrad.float32
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=1e-6)
    a, b = tracegrad.tensor(X), tracegrad.tensor(Y)
    loss = tracegrad.nn.TripletMarginLoss()(a, b, tracegrad.tensor(THIRD))
    expected = torch.nn.TripletMarginLoss()(torch.tensor(X), torch.tensor(Y), torch.tensor(THIRD))
    assert float(loss) == pytest.approx(float(expected), abs=1e-12)


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda F, x: F.glu(x[:, :3]), RuntimeError),
        (lambda F, x: F.group_norm(x.reshape(3, 4, 1), 3), RuntimeError),
        (lambda F, x: F.softshrink(x, -1.0), RuntimeError),
        (lambda F, x: F.gaussian_nll_loss(x, x, -x.abs()), ValueError),
        (lambda F, x: F.gaussian_nll_loss(x, x, x.abs()[:2]), ValueError),
        (lambda F, x: F.triplet_margin_loss(x, x, x, margin=0.0), ValueError),
        (lambda F, x: F.margin_ranking_loss(x, x[0], x), RuntimeError),
    ],
)
def test_bad_input_raises_like_torch(call, error):
    for module in (torch, tracegrad):
        with pytest.raises(error):
            call(module.nn.functional, module.tensor(X))
    with pytest.raises(ValueError):
        tracegrad.nn.GroupNorm(3, 4)
