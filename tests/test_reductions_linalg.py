"""Reductions and linear algebra: what the registry samples cannot see.

Named-tuple results and their printing, error types and messages, int/bool result dtypes,
ties and zeros in gradients, empty tensors, ``dtype=`` conversions, the composed ``outer``
and einsum's many forms, each compared with PyTorch.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

import tracegrad


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="PyTorch is the oracle")


def _env(module):
    """The same inputs for both modules."""
    rng = np.random.default_rng(0)
    return {
        "torch": module,
        "x": module.tensor(rng.uniform(-2, 2, (3, 4)).tolist(), dtype=module.float64),
        "i": module.tensor([[1, 2], [3, 0]]),
        "b": module.tensor([True, False]),
        "u": module.tensor([1, 2, 0], dtype=module.uint8),
        "e": module.zeros(0, 3),
        "s": module.tensor(3.0),
        "v": module.tensor([1.0, 2.0, 3.0]),
    }


def _evaluate(module, expression):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return eval(expression, _env(module))  # noqa: S307 - test expressions only


def _error(module, expression):
    try:
        _evaluate(module, expression)
    except Exception as error:  # noqa: BLE001 - the error is what is compared
        return error
    raise AssertionError(f"{module.__name__}: {expression} did not raise")


def _same_tensor(mine, reference):
    assert str(mine.dtype) == str(reference.dtype)
    assert tuple(mine.shape) == tuple(reference.shape)
    np.testing.assert_allclose(
        mine.detach().numpy().astype(np.float64),
        reference.detach().numpy().astype(np.float64),
        rtol=1e-6,
        atol=1e-7,
        equal_nan=True,
    )


def _same_result(mine, reference):
    if isinstance(reference, tuple):
        assert type(mine).__name__ == type(reference).__name__
        assert len(mine) == len(reference)
        for a, b in zip(mine, reference, strict=True):
            _same_tensor(a, b)
    else:
        _same_tensor(mine, reference)


# ------------------------------------------------------------------ named tuples


@pytest.mark.parametrize(
    "expression",
    [
        "torch.tensor([[1., 5.], [3., 4.]], requires_grad=True).max(0)",
        "torch.tensor([[1., 5.], [3., 4.]]).min(1, keepdim=True)",
        "torch.tensor([[1, 2], [3, 4]]).max(dim=-1)",
        "torch.max(torch.tensor(3), 0)",
        "torch.min(torch.tensor([[1., 2.]], dtype=torch.float64), 1, True)",
        "torch.ones(0, 2).max(1)",
    ],
)
def test_named_tuple_repr_matches_torch(torch, expression):
    assert repr(_evaluate(tracegrad, expression)) == repr(_evaluate(torch, expression))
    assert str(_evaluate(tracegrad, expression)) == str(_evaluate(torch, expression))


def test_named_tuple_fields():
    x = tracegrad.tensor([[1.0, 5.0], [3.0, 4.0]])
    result = x.max(0)
    values, indices = result
    assert isinstance(result, tuple)
    assert type(result).__name__ == "max"
    assert result.values is values and result[0] is values
    assert result.indices is indices and result[1] is indices
    assert values.tolist() == [3.0, 5.0] and indices.tolist() == [1, 0]
    assert isinstance(x.min(1), tracegrad.return_types.min)
    rebuilt = tracegrad.return_types.max((values, indices))
    assert rebuilt == result or rebuilt.values is values
    copied = pickle.loads(pickle.dumps(result))
    assert type(copied) is type(result) and copied.indices.tolist() == [1, 0]
    with pytest.raises(TypeError, match="2-sequence"):
        tracegrad.return_types.max((values,))


# ------------------------------------------------------------------ errors

# (expression, the message must equal torch's) for calls that must fail
ERRORS = [
    ("x.sum(2)", True),
    ("x.sum((0, 0))", True),
    ("s.sum((0, 0))", True),
    ("x.mean(-3)", True),
    ("i.mean()", True),
    ("x.prod(2)", True),
    ("x.prod((0, 1))", False),
    ("x.max(2)", True),
    ("x.max(1.5)", False),
    ("s.max(1)", True),
    ("torch.max(x, x, x)", False),
    ("x.amax((0, 0))", True),
    ("x.amin(-3)", True),
    ("x.argmax(2)", True),
    ("x.argmax((0, 1))", False),
    ("b.argmax()", True),
    ("b.argmin(0)", True),
    ("e.max()", True),
    ("e.min()", True),
    ("e.max(0)", True),
    ("e.amax()", True),
    ("e.amin(0)", True),
    ("e.argmax()", True),
    ("e.argmin(0)", True),
    ("i.var()", True),
    ("b.std()", True),
    ("x.var(0, 1)", False),
    ("x.std(0, unbiased=False, correction=0)", False),
    ("x.var(3)", True),
    ("x.logsumexp(2)", True),
    ("x.logsumexp()", False),
    ("x.logsumexp(dim=None)", False),
    ("i.norm()", True),
    ("x.norm(p='abc')", True),
    ("x.norm(p='fro', dim=(0, 1, 1))", True),
    ("torch.ones(2, 3, 4).norm('fro', (0, 1, 2))", True),
    ("x.norm(dtype=torch.float32)", True),
    ("torch.ones(3).norm(dtype=torch.int64)", True),
    ("x.norm(2, (0, 0))", True),
    ("x.norm(2, 5)", True),
    ("e.norm(float('inf'))", True),
    ("e.norm(-1)", True),
    ("x.cumsum(2)", True),
    ("x.cumsum()", False),
    ("x.cumsum(dim=(0,))", False),
    ("x.sum(0, axis=1)", False),
    ("x.sum(foo=1)", False),
    ("x.cumprod(-3)", True),
    ("x.all(2)", True),
    ("x.any((0, 0))", True),
    ("x.count_nonzero(2)", True),
    ("x.count_nonzero((0, 0))", True),
    ("torch.outer(torch.ones(2, 2), torch.ones(2))", True),
    ("torch.outer(torch.ones(2), torch.ones(2, 2))", True),
    ("torch.addmm(torch.ones(3), torch.ones(2, 4), torch.ones(3, 3))", True),
    ("torch.addmm(torch.ones(2), torch.ones(2, 4), torch.ones(4, 3))", True),
    ("torch.addmm(torch.ones(2, 2, 3), torch.ones(2, 4), torch.ones(4, 3))", True),
    ("torch.addmm(torch.ones(3), torch.ones(4), torch.ones(4, 3))", True),
    ("torch.addmm(torch.ones(3), torch.ones(2, 4), torch.ones(4))", True),
    ("torch.addmm(torch.ones(3), torch.ones(2, 4), torch.ones(4, 3, dtype=torch.float64))", True),
    ("torch.addmm(torch.ones(3), torch.ones(2, 4, dtype=torch.float64), torch.ones(4, 3))", True),
    ("torch.einsum('ij,jk->ik', torch.ones(2, 3), torch.ones(4, 5))", True),
    ("torch.einsum('ij,jk->ik', torch.ones(2, 3))", True),
    ("torch.einsum('ij', torch.ones(2, 2), torch.ones(2, 2))", True),
    ("torch.einsum('ij,jk->ik', torch.ones(2, 3), torch.ones(3, 5, dtype=torch.float64))", True),
    ("torch.einsum('ii', torch.ones(2, 3))", True),
    ("torch.einsum('ijk->i', torch.ones(2, 3))", True),
    ("torch.einsum('ijk...->i', torch.ones(2, 3))", True),
    ("torch.einsum('ij->jj', torch.ones(2, 2))", True),
    ("torch.einsum('ij->k', torch.ones(2, 2))", True),
    ("torch.einsum('ij,jk->i1', torch.ones(2, 2), torch.ones(2, 2))", True),
    ("torch.einsum('ij')", True),
    # torch's message lacks a space ("operand 1has"): ours has it
    ("torch.einsum('...ij,...jk', torch.ones(5, 2, 3), torch.ones(2, 3, 4))", False),
    ("torch.trace(torch.zeros(2, 2, 2))", True),
    ("torch.trace(torch.zeros(2))", True),
    ("torch.trace(torch.ones(2, 3, dtype=torch.bool))", True),
    ("torch.diag(torch.zeros(2, 2, 2))", True),
    ("torch.diag(torch.tensor(1.))", True),
    ("torch.diagonal(torch.ones(2, 3, 4), 1, 0, 0)", True),
    ("torch.diagonal(torch.ones(2, 3, 4), 1, 0, 5)", True),
    ("torch.diagonal(torch.ones(2))", True),
    ("torch.tril(torch.ones(2))", True),
    ("torch.triu(torch.tensor(1.))", True),
]


@pytest.mark.parametrize(("expression", "exact"), ERRORS, ids=[e for e, _ in ERRORS])
def test_errors_match_torch(torch, expression, exact):
    theirs = _error(torch, expression)
    ours = _error(tracegrad, expression)
    assert type(ours) is type(theirs), (ours, theirs)
    if exact:
        assert str(ours) == str(theirs)
    else:
        assert str(ours), "the message must say what was wrong"


def test_nuclear_norm_is_the_sum_of_singular_values():
    a = tracegrad.tensor([[4.0, 1.0, 0.0], [2.0, 3.0, 1.0]], dtype=tracegrad.float64)
    singular_values = np.linalg.svd(a.numpy(), compute_uv=False)
    assert np.isclose(a.norm("nuc").item(), singular_values.sum())
    assert np.isclose(tracegrad.linalg.norm(a, "nuc").item(), singular_values.sum())


def test_torch_message_with_missing_space_is_fixed(torch):
    expression = "e.norm(float('inf'), 0)"
    theirs = _error(torch, expression)
    ours = _error(tracegrad, expression)
    assert type(ours) is type(theirs)
    assert str(ours) == str(theirs).replace("0because", "0 because")


# ------------------------------------------------------------------ values and dtypes

RESULTS = [
    # int and bool inputs: torch's result dtypes
    "i.sum()",
    "b.sum()",
    "i.sum(0)",
    "i.sum(dtype=torch.float32)",
    "i.prod()",
    "b.prod()",
    "i.prod(1, keepdim=True)",
    "i.prod(dtype=torch.float32)",
    "torch.tensor([1, 2], dtype=torch.int8).prod()",
    "u.prod()",
    "x.prod(0, dtype=torch.int64)",
    "i.max()",
    "b.max()",
    "b.min()",
    "u.max()",
    "i.max(0)",
    "i.min(dim=1, keepdim=True)",
    "i.amax(0)",
    "b.amax()",
    "i.argmax()",
    "i.argmin(0)",
    "i.logsumexp(0)",
    "b.logsumexp(0)",
    "i.cumsum(0)",
    "b.cumsum(0)",
    "i.cumprod(1)",
    "b.cumprod(0)",
    "i.cumsum(0, dtype=torch.float32)",
    "x.cumsum(0, dtype=torch.int64)",
    "torch.tensor([1, 2, 3], dtype=torch.int32).cumsum(0)",
    "x.all()",
    "i.all()",
    "i.any(1)",
    "u.all()",
    "u.any(0)",
    "x.any((0, 1))",
    "torch.tensor([0.5, -0.5]).all()",
    "x.count_nonzero()",
    "b.count_nonzero()",
    "i.count_nonzero(0)",
    "i.mean(dtype=torch.float64)",
    "torch.trace(torch.ones(2, 3, dtype=torch.int32))",
    "torch.diag(torch.tensor([1, 2]))",
    "torch.diag(torch.tensor([[1, 2], [3, 4]]), 1)",
    "torch.arange(12).reshape(3, 4).tril(1)",
    "torch.tensor([[True, True], [True, True]]).triu()",
    "torch.outer(torch.ones(2, dtype=torch.int64), torch.ones(3))",
    "torch.outer(torch.arange(3), torch.arange(2))",
    "torch.addmm(torch.ones(3, dtype=torch.int64), torch.ones(2, 4, dtype=torch.int64), "
    "torch.ones(4, 3, dtype=torch.int64), alpha=2.5)",
    "torch.einsum('ij,jk->ik', torch.arange(6).reshape(2, 3), torch.arange(15).reshape(3, 5))",
    # dims: None, (), keepdim with None, 0-d tensors, lists
    "x.sum(None, True)",
    "x.sum([])",
    "x.mean(None, True)",
    "x.amax(())",
    "x.amax(None, True)",
    "x.all(None, True)",
    "x.var([0, 1])",
    "x.var(None, keepdim=True)",
    "x.norm(dim=None, keepdim=True)",
    "x.norm(p=3, dim=())",
    "x.argmax(dim=None, keepdim=True)",
    "s.sum(0, True)",
    "s.mean(-1)",
    "s.prod(0)",
    "s.max(0)",
    "s.max(-1)",
    "s.amax(0)",
    "s.argmax(0)",
    "s.argmin(None, True)",
    "s.norm(2, 0)",
    "s.logsumexp((0,))",
    "s.count_nonzero(0)",
    "s.all(0)",
    "s.cumsum(0)",
    "s.cumprod(-1)",
    # NumPy's spelling, accepted by PyTorch
    "x.sum(axis=0)",
    "torch.sum(x, axis=1, keepdims=True)",
    "x.mean(axis=(0, 1), keepdims=True)",
    "x.prod(axis=1)",
    "x.max(axis=0)",
    "x.min(axis=1, keepdims=True)",
    "x.amax(axis=0)",
    "x.argmin(axis=1, keepdims=True)",
    "x.std(axis=0, keepdims=True)",
    "torch.var_mean(x, axis=1)",
    "x.logsumexp(axis=0)",
    "x.cumsum(axis=1)",
    "x.all(axis=0)",
    "x.count_nonzero(axis=1)",
    # var/std forms
    "x.var(0, False)",
    "torch.var(x, False)",
    "x.var(0, True, True)",
    "x.var(dim=0, unbiased=False, keepdim=True)",
    "x.var(0, correction=2)",
    "x.var(correction=1.5)",
    "x.var(0, correction=5)",
    "torch.std(x, (0, 1), True, True)",
    "torch.var_mean(x, 0, correction=0)",
    "torch.std_mean(x, unbiased=False)",
    # norms
    "x.norm()",
    "torch.norm(x, p=None)",
    "torch.norm(x, 'fro', 0)",
    "x.norm(float('inf'))",
    "x.norm(-float('inf'), 1)",
    "x.norm(0)",
    "x.norm(0.5, 1)",
    "torch.tensor([[1., 0.], [0., 0.]]).norm(-1)",
    "torch.norm(torch.ones(3), dtype=torch.float64)",
    # NaN and ties pick the first index, NaN wins
    "torch.tensor([1., float('nan'), 2.]).max(0)",
    "torch.tensor([1., float('nan'), 2.]).min(0)",
    "torch.tensor([1., float('nan'), 2.]).argmax()",
    "torch.tensor([1., float('nan'), 2.]).amin()",
    "torch.tensor([3., 1., 3.]).max(0)",
    "torch.tensor([[3., 1., 3.], [0., 0., -1.]]).argmax(1)",
    "torch.tensor([[3., 1., 3.], [0., 0., -1.]]).argmin()",
    # binary max/min
    "torch.max(x, other=x * 0)",
    "x.min(x.flip(0))",
    # logsumexp at the extremes
    "torch.tensor([[float('inf'), 1, 2], [-float('inf')] * 3]).logsumexp(1)",
    "torch.tensor([[1e30, 1e30]]).logsumexp(1)",
    "torch.tensor([[-1000., -1000.]], dtype=torch.float64).logsumexp(1)",
    # empty tensors where torch defines a result
    "e.sum()",
    "e.prod()",
    "e.prod(0)",
    "e.mean(0)",
    "e.max(1)",
    "e.amax(1)",
    "e.argmax(1)",
    "e.var(0)",
    "e.logsumexp(0)",
    "e.norm()",
    "e.norm(float('inf'), 1)",
    "e.cumsum(0)",
    "e.all()",
    "e.any()",
    "e.all(1)",
    "e.count_nonzero(0)",
    "torch.ones(2, 0).std(1)",
    "torch.ones(2, 0).norm(dim=1)",
    "torch.trace(torch.ones(0, 3))",
    "torch.diag(torch.ones(2, 3), 5)",
    # matrix parts and einsum forms
    "torch.arange(24.).reshape(2, 3, 4).diagonal(1, 0, 2)",
    "torch.arange(24.).reshape(2, 3, 4).diagonal(-1, 2, 0)",
    "torch.triu(torch.arange(24.).reshape(2, 3, 4), -1)",
    "torch.ger(torch.ones(2), torch.arange(3.))",
    "torch.addmm(torch.full((3,), float('nan')), torch.ones(2, 4), torch.ones(4, 3), beta=0)",
    "torch.ones(2, 3).addmm(torch.ones(2, 4), torch.ones(4, 3), beta=2, alpha=0.5)",
    "torch.einsum('ij->', [torch.arange(6.).reshape(2, 3)])",
    "torch.einsum(torch.ones(2, 3), [0, 1], torch.arange(12.).reshape(3, 4), [1, 2], [0, 2])",
    "torch.einsum(torch.arange(6.).reshape(2, 3), [0, 1])",
    "torch.einsum('...ij,...jk->...ik', torch.arange(30.).reshape(5, 2, 3), torch.ones(1, 3, 4))",
    "torch.einsum('...ij->ij', torch.arange(12.).reshape(2, 2, 3))",
    "torch.einsum('i j , j k -> i k', torch.ones(2, 3), torch.arange(12.).reshape(3, 4))",
    "torch.einsum('Ba,ab', torch.arange(4.).reshape(2, 2), torch.ones(2, 2))",
    "torch.einsum('...->', torch.ones(2, 2))",
    "torch.einsum('iij->ji', torch.arange(12.).reshape(2, 2, 3))",
    "torch.einsum('i,i,i->', torch.arange(3.), torch.arange(3.), torch.arange(3.))",
    "torch.einsum('', torch.tensor(3.))",
    "torch.einsum('i,->i', torch.arange(3.), torch.tensor(2.))",
]


@pytest.mark.parametrize("expression", RESULTS)
def test_results_match_torch(torch, expression):
    _same_result(_evaluate(tracegrad, expression), _evaluate(torch, expression))


def test_var_warns_when_degrees_of_freedom_run_out(torch):
    for module in (tracegrad, torch):
        with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
            result = module.tensor([1.0]).var()
        assert np.isnan(result.item())


@pytest.mark.parametrize(
    ("expression", "name"),
    [
        ("x.sum()", "SumBackward0"),
        ("x.sum(None)", "SumBackward1"),
        ("x.sum(())", "SumBackward1"),
        ("torch.sum(x, dim=None, keepdim=True)", "SumBackward1"),
        ("x.mean()", "MeanBackward0"),
        ("x.mean(None)", "MeanBackward1"),
        ("x.prod()", "ProdBackward0"),
        ("x.prod(1)", "ProdBackward1"),
        ("x.max()", "MaxBackward1"),
        ("x.max(1)[0]", "MaxBackward0"),
        ("x.max(x)", "MaximumBackward0"),
        ("x.min(dim=0).values", "MinBackward0"),
        ("x.amin()", "AminBackward0"),
        ("x.norm(1)", "LinalgVectorNormBackward0"),
        ("torch.var_mean(x)[1]", "VarMeanBackward0"),
        ("torch.outer(x[0], x[1])", "MulBackward0"),
        ("torch.diag(x)", "DiagonalBackward0_copy"),
        ("torch.diag(x[0])", "DiagEmbedBackward0"),
    ],
)
def test_grad_fn_names_match_torch(torch, expression, name):
    for module in (tracegrad, torch):
        env = _env(module)
        env["x"].requires_grad_(True)
        result = eval(expression, env)  # noqa: S307
        assert result.grad_fn.name() == name, module.__name__


# ------------------------------------------------------------------ gradients


def _grads(module, expression, values, dtype="float64", cotangent_seed=1, create_graph=False):
    """The gradient of ``expression`` for a random cotangent, or (``create_graph``) the
    gradient of <gradient, w> for a random w: a Hessian-vector product."""
    x = module.tensor(values, dtype=getattr(module, dtype), requires_grad=True)
    y = eval(expression, {"torch": module, "x": x})  # noqa: S307
    if isinstance(y, tuple):
        y = y[0]
    cotangent = np.random.default_rng(cotangent_seed).standard_normal(tuple(y.shape))
    (g,) = module.autograd.grad(
        y, x, module.tensor(cotangent, dtype=y.dtype), create_graph=True, allow_unused=True
    )
    if not create_graph:
        return np.zeros(x.shape) if g is None else g.detach().numpy()
    if g is None or not g.requires_grad:
        return np.zeros(x.shape)
    weight = np.random.default_rng(cotangent_seed + 1).standard_normal(tuple(g.shape))
    (h,) = module.autograd.grad(
        (g * module.tensor(weight, dtype=g.dtype)).sum(), x, allow_unused=True
    )
    # torch returns ZeroTensors for some second derivatives; numpy(force=True) reads them
    return np.zeros(x.shape) if h is None else h.detach().numpy(force=True)


TIES = [[3.0, 1.0, 3.0, -2.0], [2.0, 2.0, 0.5, 2.0], [-1.0, -1.0, -1.0, -1.0]]
ZEROS = [[1.5, 0.0, -0.7, 1.2], [0.0, -1.2, 0.0, 0.9], [0.8, 0.0, 0.0, 0.0]]
NANS = [[1.0, float("nan"), float("nan"), 0.5], [2.0, 1.0, 2.0, 0.0]]

GRADIENTS = [
    # ties: whole-tensor max/min and amax/amin split evenly, max(dim) picks one index
    ("x.max()", TIES),
    ("x.min()", TIES),
    ("x.amax()", TIES),
    ("x.amax(1)", TIES),
    ("x.amin((0, 1), keepdim=True)", TIES),
    ("x.max(1)", TIES),
    ("x.min(0, keepdim=True)", TIES),
    ("x.norm(float('inf'))", TIES),
    ("x.norm(float('inf'), 1)", TIES),
    ("x.norm(-float('inf'), 0)", TIES),
    ("x.max()", NANS),
    ("x.amax(1)", NANS),
    # zeros: products, kinks of norms, std of constants
    ("x.prod()", ZEROS),
    ("x.prod(1)", ZEROS),
    ("x.prod(0, keepdim=True)", ZEROS),
    ("x.cumprod(1)", ZEROS),
    ("x.cumprod(0)", ZEROS),
    ("x.norm()", [[0.0, 0.0], [0.0, 0.0]]),
    ("x.norm(dim=1)", [[0.0, 0.0], [3.0, -4.0]]),
    ("x.norm(1)", ZEROS),
    ("x.norm(3, 1)", ZEROS),
    ("x.norm(1.5, 1)", ZEROS),
    ("x.norm(0.5, 1)", ZEROS),
    ("x.norm(-1, 1)", ZEROS),
    ("x.norm(0)", ZEROS),
    ("x.std(1)", [[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]]),
    ("torch.std_mean(x, 1)", [[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]]),
    ("x.logsumexp(1)", [[-float("inf")] * 3, [1.0, 2.0, 3.0]]),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NaN and -inf inputs, as in torch
@pytest.mark.parametrize(("expression", "values"), GRADIENTS)
def test_gradients_match_torch(torch, expression, values):
    ours = _grads(tracegrad, expression, values)
    theirs = _grads(torch, expression, values)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize(
    "expression",
    ["x.prod()", "x.prod(1)", "x.cumprod(1)", "x.cumprod(0)", "x.norm(3, 1)"],
)
def test_second_derivatives_with_zeros_match_torch(torch, expression):
    ours = _grads(tracegrad, expression, ZEROS, create_graph=True)
    theirs = _grads(torch, expression, ZEROS, create_graph=True)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "expression",
    [
        "x.norm(dtype=torch.float64)",
        "x.norm(1, 1, dtype=torch.float64)",
        "x.cumprod(1, dtype=torch.float64)",
        "x.cumsum(0, dtype=torch.float64)",
        "x.prod(1, dtype=torch.float64)",
        "x.sum(1, dtype=torch.float64)",
    ],
)
def test_dtype_argument_converts_and_gradient_comes_back(torch, expression):
    values = np.random.default_rng(5).uniform(0.5, 2, (3, 4)).tolist()
    ours = _grads(tracegrad, expression, values, dtype="float32")
    theirs = _grads(torch, expression, values, dtype="float32")
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    second_ours = _grads(tracegrad, expression, values, dtype="float32", create_graph=True)
    second_theirs = _grads(torch, expression, values, dtype="float32", create_graph=True)
    np.testing.assert_allclose(second_ours, second_theirs, rtol=1e-4, atol=1e-5)


def test_logsumexp_is_stable():
    x = tracegrad.tensor([[1000.0, 1000.0], [-1000.0, -1000.0]], dtype=tracegrad.float64)
    result = x.logsumexp(1)
    np.testing.assert_allclose(result.numpy(), [1000 + np.log(2), -1000 + np.log(2)])


def test_max_with_dim_gives_indices_without_gradient():
    x = tracegrad.tensor([[1.0, 5.0], [3.0, 4.0]], requires_grad=True)
    values, indices = x.max(1)
    assert values.requires_grad and not indices.requires_grad
    assert indices.grad_fn is None
    values.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0], [0.0, 1.0]]


# ------------------------------------------------------------------ linalg


def test_outer_is_a_product_node(torch):
    for module in (tracegrad, torch):
        a = module.tensor([1.0, 2.0], requires_grad=True)
        b = module.tensor([3.0, 4.0, 5.0], requires_grad=True)
        y = module.outer(a, b)
        assert y.grad_fn.name() == "MulBackward0"
        assert y.tolist() == [[3.0, 4.0, 5.0], [6.0, 8.0, 10.0]]
        y.sum().backward()
        assert a.grad.tolist() == [12.0, 12.0]
        assert b.grad.tolist() == [3.0, 3.0, 3.0]
    assert tracegrad.Tensor.ger is tracegrad.Tensor.outer


def test_addmm_with_beta_zero_ignores_input(torch):
    for module in (tracegrad, torch):
        bias = module.full((3,), float("nan"), requires_grad=True)
        a = module.ones(2, 4, requires_grad=True)
        y = module.addmm(bias, a, module.ones(4, 3), beta=0, alpha=2)
        assert y.grad_fn.name() == "AddmmBackward0"
        assert y.tolist() == [[8.0] * 3] * 2
        y.sum().backward()
        assert bias.grad.tolist() == [0.0, 0.0, 0.0]
        assert a.grad.tolist() == [[6.0] * 4] * 2


@pytest.mark.parametrize(
    ("equation", "shapes"),
    [
        ("ij,jk->ik", [(3, 4), (4, 2)]),
        ("ii->i", [(3, 3)]),
        ("ii", [(3, 3)]),
        ("iij->ji", [(2, 2, 3)]),
        ("ij,ij->ij", [(1, 3), (2, 3)]),
        ("...ij,...jk->...ik", [(5, 2, 3), (1, 3, 4)]),
        ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
        ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
        ("i,->i", [(3,), ()]),
        ("ij,k->", [(2, 3), (4,)]),
    ],
)
def test_einsum_gradients_match_torch(torch, equation, shapes):
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(shape) for shape in shapes]
    results = []
    for module in (tracegrad, torch):
        operands = [module.tensor(a, requires_grad=True) for a in arrays]
        y = module.einsum(equation, *operands)
        cotangent = module.tensor(np.random.default_rng(3).standard_normal(tuple(y.shape)))
        grads = module.autograd.grad(y, operands, cotangent, create_graph=True)
        weights = [module.tensor(np.ones(tuple(g.shape))) for g in grads]
        total = sum(((g * w).sum() for g, w in zip(grads, weights, strict=True)), 0 * y.sum())
        second = module.autograd.grad(total, operands, allow_unused=True)
        results.append(
            (
                y.detach().numpy(),
                [g.detach().numpy() for g in grads],
                [None if s is None else s.numpy() for s in second],
            )
        )
    (y1, g1, h1), (y2, g2, h2) = results
    np.testing.assert_allclose(y1, y2, rtol=1e-12, atol=1e-12)
    for a, b in zip(g1, g2, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    for a, b in zip(h1, h2, strict=True):
        if a is None or b is None:
            assert (a is None or not a.any()) and (b is None or not b.any())
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_diagonal_is_a_view_as_in_torch():
    x = tracegrad.zeros(3, 3)
    d = x.diagonal()
    d += 1
    assert x.sum().item() == 3.0
    assert x[1, 1].item() == 1.0 and x[0, 1].item() == 0.0


@pytest.mark.parametrize(
    "expression",
    [
        "x.cumsum_(1)",
        "x.cumprod_(0)",
        "x.tril_(-1)",
        "x.triu_(1)",
        "x.addmm_(torch.ones(3, 2, dtype=torch.float64), torch.ones(2, 4, dtype=torch.float64))",
    ],
)
def test_inplace_variants_match_torch(torch, expression):
    results = []
    for module in (tracegrad, torch):
        env = _env(module)
        out = eval(expression, env)  # noqa: S307
        assert out is env["x"]
        results.append(env["x"])
    _same_tensor(*results)
