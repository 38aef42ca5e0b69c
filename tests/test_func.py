"""tracegrad.func (grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, vmap) against
torch.func, in float64 at 1e-10."""

from __future__ import annotations

import numpy as np
import pytest

import tracegrad
import tracegrad.func as gfunc

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for torch.func")
import torch.func as tfunc  # noqa: E402

RNG = np.random.default_rng(0)
XA = RNG.standard_normal(4)
YA = RNG.standard_normal(4)
MA = RNG.standard_normal((3, 4))


def _leaves(value):
    if isinstance(value, tuple | list):
        return [leaf for v in value for leaf in _leaves(v)]
    if isinstance(value, dict):
        return [leaf for k in sorted(value) for leaf in _leaves(value[k])]
    return [value]


def _structure(value):
    if isinstance(value, tuple | list):
        return (type(value).__name__, [_structure(v) for v in value])
    if isinstance(value, dict):
        return ("dict", {k: _structure(v) for k, v in value.items()})
    return "tensor" if hasattr(value, "shape") else type(value).__name__


def _assert_same(ours, theirs, atol=1e-10):
    assert _structure(ours) == _structure(theirs)
    for a, b in zip(_leaves(ours), _leaves(theirs), strict=True):
        if not hasattr(b, "shape"):
            assert a == b
            continue
        assert tuple(a.shape) == tuple(b.shape)
        assert str(a.dtype) == str(b.dtype)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=atol, rtol=atol)


def _both(case):
    """Run ``case(lib, func, x, y, m)`` on tracegrad and torch with the same float64 data."""
    ours = case(tracegrad, gfunc, *(tracegrad.tensor(a) for a in (XA, YA, MA)))
    theirs = case(torch, tfunc, *(torch.tensor(a) for a in (XA, YA, MA)))
    _assert_same(ours, theirs)
    return ours


CASES = {
    "grad": lambda lib, fn, x, y, m: fn.grad(lambda x: (x.sin() * x.tanh()).sum())(x),
    "grad argnums tuple": lambda lib, fn, x, y, m: fn.grad(
        lambda x, y: (x * y.exp()).sum(), argnums=(0, 1)
    )(x, y),
    "grad argnums negative": lambda lib, fn, x, y, m: fn.grad(
        lambda x, y: (x * y.exp()).sum(), argnums=-1
    )(x, y),
    "grad unused input": lambda lib, fn, x, y, m: fn.grad(lambda x, y: x.sum(), argnums=(0, 1))(
        x, y
    ),
    "grad has_aux": lambda lib, fn, x, y, m: fn.grad(
        lambda x: ((x**2).sum(), {"double": x * 2}), has_aux=True
    )(x),
    "grad of grad": lambda lib, fn, x, y, m: fn.grad(
        lambda x: fn.grad(lambda z: (z**3 * z.sin()).sum())(x).sum()
    )(x),
    "grad dict argument": lambda lib, fn, x, y, m: fn.grad(lambda p: (p["a"] * p["b"].cos()).sum())(
        {"a": x, "b": y}
    ),
    "grad_and_value": lambda lib, fn, x, y, m: fn.grad_and_value(lambda x: (x.exp() * x).sum())(x),
    "grad_and_value has_aux": lambda lib, fn, x, y, m: fn.grad_and_value(
        lambda x: ((x**2).sum(), x * 2), has_aux=True
    )(x),
    "vjp": lambda lib, fn, x, y, m: fn.vjp(lambda x: x.sigmoid() * x, x)[1](y),
    "vjp two primals": lambda lib, fn, x, y, m: fn.vjp(lambda a, b: m @ (a * b), x, y)[1](
        lib.ones(3, dtype=lib.float64)
    ),
    "vjp tuple output": lambda lib, fn, x, y, m: fn.vjp(lambda a: (a.sin(), a.exp().sum()), x)[1](
        (y, lib.tensor(2.0, dtype=lib.float64))
    ),
    "vjp output": lambda lib, fn, x, y, m: fn.vjp(lambda a: a.tanh(), x)[0],
    "vjp has_aux": lambda lib, fn, x, y, m: (lambda result: (result[0], result[1](y), result[2]))(
        fn.vjp(lambda a: (a.tanh(), a * 3), x, has_aux=True)
    ),
    "jvp": lambda lib, fn, x, y, m: fn.jvp(lambda x: x.sigmoid() * x, (x,), (y,)),
    "jvp two primals": lambda lib, fn, x, y, m: fn.jvp(
        lambda a, b: m @ (a * b.sin()), (x, y), (y, x)
    ),
    "jvp has_aux": lambda lib, fn, x, y, m: fn.jvp(
        lambda a: (a.sin(), a * 2), (x,), (y,), has_aux=True
    ),
    "jacrev": lambda lib, fn, x, y, m: fn.jacrev(lambda x: x.sigmoid() * x)(x),
    "jacfwd": lambda lib, fn, x, y, m: fn.jacfwd(lambda x: x.sigmoid() * x)(x),
    "jacrev matrix": lambda lib, fn, x, y, m: fn.jacrev(lambda w: (w @ x).tanh())(m),
    "jacfwd matrix": lambda lib, fn, x, y, m: fn.jacfwd(lambda w: (w @ x).tanh())(m),
    "jacrev argnums tuple outputs": lambda lib, fn, x, y, m: fn.jacrev(
        lambda a, b: (a * b, a.exp()), argnums=(0, 1)
    )(x, y),
    "jacfwd argnums tuple outputs": lambda lib, fn, x, y, m: fn.jacfwd(
        lambda a, b: (a * b, a.exp()), argnums=(0, 1)
    )(x, y),
    "jacrev has_aux": lambda lib, fn, x, y, m: fn.jacrev(lambda a: (a.sin(), a), has_aux=True)(x),
    "jacfwd has_aux": lambda lib, fn, x, y, m: fn.jacfwd(lambda a: (a.sin(), a), has_aux=True)(x),
    "jacrev dict": lambda lib, fn, x, y, m: fn.jacrev(lambda d: d["a"].sin() * d["b"])(
        {"a": x, "b": y}
    ),
    "hessian": lambda lib, fn, x, y, m: fn.hessian(lambda x: (x.tanh() * x.sin()).sum())(x),
    "hessian with out-reading rules": lambda lib, fn, x, y, m: fn.hessian(
        lambda x: (x.exp() * x.sigmoid()).sum()
    )(x),
    "hessian argnums": lambda lib, fn, x, y, m: fn.hessian(
        lambda a, b: (a * a * b).sum(), argnums=1
    )(x, y),
    "jacrev of jacrev": lambda lib, fn, x, y, m: fn.jacrev(
        fn.jacrev(lambda x: (x.tanh() * x.sin()).sum())
    )(x),
    "jacfwd of jacfwd": lambda lib, fn, x, y, m: fn.jacfwd(
        fn.jacfwd(lambda x: (x.tanh() * x.sin()).sum())
    )(x),
    "jacrev of jacfwd": lambda lib, fn, x, y, m: fn.jacrev(
        fn.jacfwd(lambda x: (x.tanh() * x.sin()).sum())
    )(x),
    "grad of jvp": lambda lib, fn, x, y, m: fn.grad(
        lambda a: fn.jvp(lambda z: (z.sin() * z).sum(), (a,), (y,))[1]
    )(x),
    "vmap": lambda lib, fn, x, y, m: fn.vmap(lambda r: r.sum() * r)(m),
    "vmap in_dims": lambda lib, fn, x, y, m: fn.vmap(lambda r, s: r * s, in_dims=(1, None))(
        m, x[:3]
    ),
    "vmap out_dims": lambda lib, fn, x, y, m: fn.vmap(lambda r: (r * 2, r.sum()), out_dims=(1, 0))(
        m
    ),
    "vmap python scalar argument": lambda lib, fn, x, y, m: fn.vmap(
        lambda r, s: r * s, in_dims=(0, None)
    )(m, 2.5),
    "vmap out_dims None": lambda lib, fn, x, y, m: fn.vmap(
        lambda r: (r * 2, m), out_dims=(0, None)
    )(m),
    "vmap nested in_dims": lambda lib, fn, x, y, m: fn.vmap(
        lambda d: d["a"] * 2, in_dims=({"a": 1},)
    )({"a": m}),
    "vmap of grad": lambda lib, fn, x, y, m: fn.vmap(fn.grad(lambda r: (r.sin() * r).sum()))(m),
    "vmap of vjp (batched vector-Jacobian products)": lambda lib, fn, x, y, m: fn.vmap(
        fn.vjp(lambda a: a.sin() * a, x)[1]
    )(lib.eye(4, dtype=lib.float64)),
    "vmap of vmap": lambda lib, fn, x, y, m: fn.vmap(fn.vmap(lambda v: v * v.sum()))(
        m.reshape(3, 2, 2)
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch_func(name):
    _both(CASES[name])


def test_results_are_detached_at_top_level():
    x = tracegrad.tensor(XA)
    g = gfunc.grad(lambda x: (x**3).sum())(x)
    assert not g.requires_grad and g.grad_fn is None


def test_inputs_that_require_grad_give_differentiable_results():
    # as in torch: the transform's result is part of the caller's graph
    ours_x = tracegrad.tensor(XA, requires_grad=True)
    theirs_x = torch.tensor(XA, requires_grad=True)
    ours = gfunc.grad(lambda x: (x**3).sum())(ours_x)
    theirs = tfunc.grad(lambda x: (x**3).sum())(theirs_x)
    assert ours.requires_grad and theirs.requires_grad
    ours.sum().backward()
    theirs.sum().backward()
    _assert_same(ours_x.grad, theirs_x.grad)


def test_vjp_fn_can_be_called_twice():
    for fn, lib in ((gfunc, tracegrad), (tfunc, torch)):
        _, vjp_fn = fn.vjp(lambda a: a.sin(), lib.tensor(XA))
        first = vjp_fn(lib.tensor(YA))
        second = vjp_fn(lib.tensor(YA))
        np.testing.assert_allclose(first[0].numpy(), second[0].numpy())


def test_hessian_of_two_layer_net_loss_matches_torch():
    """The issue's measure: the Hessian of the two-layer net's loss with respect to a
    (100 x 10) weight, in float64, matches torch to 1e-10."""

    def run(lib, fn):
        lib.manual_seed(0)
        x = lib.randn(8, 20, dtype=lib.float64)
        y = lib.randn(8, 10, dtype=lib.float64)
        w1 = lib.randn(20, 100, dtype=lib.float64)
        w2 = lib.randn(100, 10, dtype=lib.float64)

        def loss(w2):
            return ((x.mm(w1).clamp(min=0).mm(w2) - y) ** 2).sum()

        return fn.hessian(loss)(w2)

    ours, theirs = run(tracegrad, gfunc), run(torch, tfunc)
    assert tuple(ours.shape) == (100, 10, 100, 10)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-10, rtol=0)


# ---------------------------------------------------------------------------- errors


def _error(call):
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the type is what we compare
        return type(error), str(error)
    return None


ERRORS = {
    "grad of a non-scalar": lambda lib, fn: fn.grad(lambda x: x * 2)(lib.ones(3)),
    "grad of a tuple": lambda lib, fn: fn.grad(lambda x: (x, x))(lib.ones(3)),
    "grad has_aux without a pair": lambda lib, fn: fn.grad(lambda x: x.sum(), has_aux=True)(
        lib.ones(3)
    ),
    "argnum out of range": lambda lib, fn: fn.grad(lambda x: x.sum(), argnums=1)(lib.ones(3)),
    "argnums repeated": lambda lib, fn: fn.grad(lambda x: x.sum(), argnums=(0, 0))(lib.ones(3)),
    "argnums of a wrong type": lambda lib, fn: fn.jacrev(lambda x: x, argnums=1.0)(lib.ones(3)),
    "grad of a Python number": lambda lib, fn: fn.grad(lambda x: x * 2)(3.0),
    "grad of an integer tensor": lambda lib, fn: fn.grad(lambda x: x.sum())(lib.arange(3)),
    "vjp of a non-tensor output": lambda lib, fn: fn.vjp(lambda x: 3, lib.ones(3)),
    "vjp cotangent structure": lambda lib, fn: fn.vjp(lambda x: (x, x * 2), lib.ones(3))[1](
        lib.ones(3)
    ),
    "vjp cotangent shape": lambda lib, fn: fn.vjp(lambda x: x * 2, lib.ones(3))[1](lib.ones(2)),
    "jvp primals not a tuple": lambda lib, fn: fn.jvp(lambda x: x, lib.ones(3), lib.ones(3)),
    "jvp tangent shape": lambda lib, fn: fn.jvp(lambda x: x, (lib.ones(3),), (lib.ones(2),)),
    "jvp of a non-tensor output": lambda lib, fn: fn.jvp(
        lambda x: 3, (lib.ones(3),), (lib.ones(3),)
    ),
    "vmap without a mapped tensor": lambda lib, fn: fn.vmap(
        lambda a, b: a * b, in_dims=(None, None)
    )(lib.ones(2, 3), lib.ones(3)),
    "vmap sizes differ": lambda lib, fn: fn.vmap(lambda a, b: a * b)(
        lib.ones(2, 3), lib.ones(3, 3)
    ),
    "vmap in_dim out of range": lambda lib, fn: fn.vmap(lambda a: a, in_dims=2)(lib.ones(2, 3)),
    "vmap returns a number": lambda lib, fn: fn.vmap(lambda a: (a, 2))(lib.ones(2, 3)),
    "vmap over a number": lambda lib, fn: fn.vmap(lambda a: a)(1.0),
    "vmap in_dims of a wrong type": lambda lib, fn: fn.vmap(lambda a: a, in_dims="a")(lib.ones(2)),
    "vmap out_dims of a wrong type": lambda lib, fn: fn.vmap(lambda a: a, out_dims="a")(
        lib.ones(2)
    ),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    ours = _error(lambda: ERRORS[name](tracegrad, gfunc))
    theirs = _error(lambda: ERRORS[name](torch, tfunc))
    assert ours is not None
    assert ours == theirs  # the exception type and the whole message


def test_error_messages_exact():
    ours = _error(lambda: gfunc.grad(lambda x: x * 2)(tracegrad.ones(3)))
    assert ours == (
        RuntimeError,
        "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with "
        "1 dims. Maybe you wanted to use the vjp or jacrev APIs instead?",
    )
    assert _error(lambda: gfunc.grad(lambda x: x.sum(), argnums=1)(tracegrad.ones(3))) == (
        RuntimeError,
        "Got argnum=1, but only 1 positional inputs",
    )
    assert _error(lambda: gfunc.vmap(lambda a, b: a * b)(tracegrad.ones(2), tracegrad.ones(3))) == (
        ValueError,
        "vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
        "[2, 3] for the mapped dimension",
    )


def test_vmap_size_zero_is_refused_clearly():
    with pytest.raises(ValueError, match="size 0"):
        gfunc.vmap(lambda a: a)(tracegrad.ones(0, 3))


def test_func_is_a_submodule_of_the_package():
    assert tracegrad.func is gfunc
    assert set(gfunc.__all__) == {
        "grad",
        "grad_and_value",
        "vjp",
        "jvp",
        "jacrev",
        "jacfwd",
        "hessian",
        "vmap",
    }
