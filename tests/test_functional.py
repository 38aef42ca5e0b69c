"""torch.autograd.functional against PyTorch, in float64."""

from __future__ import annotations

import numpy as np
import pytest

import tracegrad


def _torch():
    return pytest.importorskip("torch", reason="PyTorch is the oracle")


def f_vector(x, w):
    return (x @ w).tanh() * x.sum()


def f_scalar(x, w):
    return ((x @ w).sigmoid() ** 2).sum() + (x * x).sum()


def _inputs(module):
    rng = np.random.default_rng(0)
    x = module.tensor(rng.standard_normal((2, 3)))
    w = module.tensor(rng.standard_normal((3, 2)))
    return x, w


def _numpy(value):
    if isinstance(value, tuple):
        return [_numpy(v) for v in value]
    return value.detach().numpy()


def _compare(ours, theirs):
    if isinstance(theirs, list):
        theirs = tuple(theirs)  # torch's forward-mode jacobian returns a list; docs say tuple
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            _compare(a, b)
        return
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(
        ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12
    )


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_jacobian(strategy):
    torch = _torch()
    ours = tracegrad.autograd.functional.jacobian(f_vector, _inputs(tracegrad), strategy=strategy)
    theirs = torch.autograd.functional.jacobian(
        f_vector, _inputs(torch), strategy=strategy, vectorize=strategy == "forward-mode"
    )
    _compare(ours, theirs)


def test_jacobian_single_input():
    torch = _torch()
    ours = tracegrad.autograd.functional.jacobian(lambda x: x.exp() * 2, _inputs(tracegrad)[0])
    theirs = torch.autograd.functional.jacobian(lambda x: x.exp() * 2, _inputs(torch)[0])
    _compare(ours, theirs)


def test_hessian():
    torch = _torch()
    ours = tracegrad.autograd.functional.hessian(f_scalar, _inputs(tracegrad))
    theirs = torch.autograd.functional.hessian(f_scalar, _inputs(torch))
    _compare(ours, theirs)


@pytest.mark.parametrize("name", ["vjp", "jvp", "hvp", "vhp"])
def test_products(name):
    torch = _torch()
    results = []
    for module in (tracegrad, torch):
        x, w = _inputs(module)
        rng = np.random.default_rng(1)
        if name == "vjp":
            v = module.tensor(rng.standard_normal((2, 2)))
            results.append(getattr(module.autograd.functional, name)(f_vector, (x, w), v))
        elif name == "jvp":
            v = (
                module.tensor(rng.standard_normal((2, 3))),
                module.tensor(rng.standard_normal((3, 2))),
            )
            results.append(module.autograd.functional.jvp(f_vector, (x, w), v))
        else:
            v = (
                module.tensor(rng.standard_normal((2, 3))),
                module.tensor(rng.standard_normal((3, 2))),
            )
            results.append(getattr(module.autograd.functional, name)(f_scalar, (x, w), v))
    _compare(*results)


def test_hessian_of_two_layer_loss_matches_torch():
    """The issue's measure: the Hessian of the two-layer net's loss w.r.t. a (100x10)
    weight, in float64, matches torch to 1e-10."""
    torch = _torch()
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((64, 1000)), rng.standard_normal((64, 10))
    w1 = rng.standard_normal((1000, 100)) * 0.01

    def make(module):
        xt, yt, w1t = module.tensor(x), module.tensor(y), module.tensor(w1)
        return lambda w2: (xt.mm(w1t).clamp(min=0).mm(w2) - yt).pow(2).sum()

    w2 = rng.standard_normal((100, 10))
    ours = tracegrad.autograd.functional.hessian(make(tracegrad), tracegrad.tensor(w2))
    theirs = torch.autograd.functional.hessian(make(torch), torch.tensor(w2))
    assert tuple(ours.shape) == (100, 10, 100, 10)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-10)


def test_gradcheck_passes_and_fails():
    x = tracegrad.tensor(np.random.default_rng(0).standard_normal((3, 2)), requires_grad=True)
    assert tracegrad.autograd.gradcheck(lambda a: (a.sin() * a).sum(1), (x,))
    assert tracegrad.autograd.gradgradcheck(lambda a: (a.sin() * a).sum(1), (x,))

    class WrongSin(tracegrad.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a.sin()

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * a.sin()  # wrong: should be cos

    assert not tracegrad.autograd.gradcheck(WrongSin.apply, (x,), raise_exception=False)
    with pytest.raises(
        RuntimeError, match="Jacobian mismatch for output 0 with respect to input 0"
    ):
        tracegrad.autograd.gradcheck(WrongSin.apply, (x,))
