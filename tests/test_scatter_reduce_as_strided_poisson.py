"""scatter_reduce / index_reduce, as_strided and poisson against PyTorch.

The registry samples (tracegrad/ops/index.py, shape.py, _random.py) already check values,
grad_fn names, first and second derivatives and forward mode on smooth inputs. Here: ties,
zeros, NaN, every dtype, include_self, views sharing memory, and torch's errors; poisson's
draws bit for bit, with the generator left where torch leaves it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for parity tests")

REDUCTIONS = ["sum", "prod", "mean", "amax", "amin"]


def _error(function):
    """The exception ``function()`` raises (``None`` if it raises none)."""
    try:
        function()
    except Exception as error:  # noqa: BLE001 - any type: it is compared with torch's
        return error
    return None


def _same_error(call):
    """``call(module)`` fails the same way in tracegrad and torch."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = _error(lambda: call(tracegrad))
        theirs = _error(lambda: call(torch))
    assert theirs is not None, "torch accepted the call"
    assert type(ours) is type(theirs), (ours, theirs)
    assert str(ours) == str(theirs)


# ---------------------------------------------------------------------------- scatter_reduce


def _reduce_both(values, index, source, dim, reduce, include_self, dtype="float64", op=None):
    """Forward and backward in both frameworks (a fixed cotangent), as NumPy arrays."""
    if dtype == "float16":
        # torch rounds float64 to float16 through float32, tracegrad directly: start from
        # values both read exactly
        values = np.asarray(values).astype(np.float16).astype(np.float64).tolist()
        source = np.asarray(source).astype(np.float16).astype(np.float64).tolist()
    results = []
    for module in (tracegrad, torch):
        floating = dtype.startswith("float")
        x = module.tensor(values, dtype=getattr(module, dtype), requires_grad=floating)
        s = module.tensor(source, dtype=getattr(module, dtype), requires_grad=floating)
        i = module.tensor(index)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            function = getattr(module, op or "scatter_reduce")
            out = function(x, dim, i, s, reduce, include_self=include_self)
        entry = [out.detach().numpy().copy(), str(out.dtype)]
        if floating:
            g = np.linspace(-1.0, 2.0, out.numel()).reshape(tuple(out.shape))
            with np.errstate(all="ignore"):
                out.backward(module.tensor(g, dtype=getattr(module, dtype)))
            name = type(out.grad_fn).__name__ if module is tracegrad else out.grad_fn.name()
            entry += [name, x.grad.numpy().copy(), s.grad.numpy().copy()]
        results.append(entry)
    return results


def _assert_same(ours, theirs):
    for mine, reference in zip(ours, theirs, strict=True):
        if isinstance(reference, np.ndarray):
            assert mine.dtype == reference.dtype
            np.testing.assert_array_equal(mine, reference)
        else:
            assert mine == reference


TIES_AND_ZEROS = [
    # ties with the input's own value, a zero in the input, two zeros scattered together
    (
        [[1.0, 2.0, 3.0, 3.0], [0.0, 5.0, 5.0, 1.0]],
        [[0, 3, 3], [1, 1, 2]],
        [[3.0, 3.0, 0.5], [5.0, 0.0, 0.0]],
        1,
    ),
    (
        [[1.0, 0.0, 3.0, 3.0], [0.0, 5.0, 5.0, 1.0]],
        [[0, 1, 1, 3], [1, 0, 0, 3]],
        [[3.0, 0.0, 0.0, 3.0], [5.0, 0.0, 0.0, 3.0]],
        1,
    ),
    # NaN in the input and in src
    ([float("nan"), 1.0, 2.0], [0, 1, 2], [float("nan"), 3.0, 2.0], 0),
    # src with three equal maxima at one position
    ([0.0, 7.0], [1, 1, 1, 0], [7.0, 7.0, 2.0, -1.0], 0),
]


@pytest.mark.parametrize("reduce", REDUCTIONS)
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("case", range(len(TIES_AND_ZEROS)))
def test_scatter_reduce_ties_zeros_nan(reduce, include_self, case):
    """Values and gradients as torch's: the gradient of amax/amin is shared evenly among
    the tied values (the input's own value counted even with include_self=False, as
    torch counts it); a product's gradient is the product of the others, zeros
    included."""
    values, index, source, dim = TIES_AND_ZEROS[case]
    ours, theirs = _reduce_both(values, index, source, dim, reduce, include_self)
    _assert_same(ours, theirs)


@pytest.mark.parametrize("dtype", ["float32", "float16", "int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("reduce", REDUCTIONS)
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_dtypes(dtype, reduce, include_self):
    """Every dtype: sums and products round as torch's, integer means round down."""
    rng = np.random.default_rng(len(dtype) + 7 * REDUCTIONS.index(reduce))
    low, high = (0, 4) if dtype in ("uint8", "bool") else (-5, 6)
    values = rng.integers(low, high, (4, 5))
    source = rng.integers(low, high, (6, 5))
    if dtype.startswith("float"):
        values = values + rng.uniform(-1, 1, (4, 5))
        source = source + rng.uniform(-1, 1, (6, 5))
    if dtype == "bool":
        values, source = values > 1, source > 1
    index = rng.integers(0, 4, (6, 5))
    if dtype == "bool" and reduce == "mean":
        _same_error(
            lambda m: m.tensor(values.tolist()).scatter_reduce(
                0, m.tensor(index.tolist()), m.tensor(source.tolist()), "mean"
            )
        )
        return
    ours, theirs = _reduce_both(
        values.tolist(), index.tolist(), source.tolist(), 0, reduce, include_self, dtype
    )
    _assert_same(ours, theirs)


def test_scatter_reduce_random_float64_matches_torch_bitwise():
    rng = np.random.default_rng(0)
    for reduce in REDUCTIONS:
        for include_self in (True, False):
            values = rng.standard_normal((3, 6))
            index = rng.integers(0, 6, (3, 9))
            source = rng.standard_normal((3, 9))
            ours, theirs = _reduce_both(
                values.tolist(), index.tolist(), source.tolist(), 1, reduce, include_self
            )
            for mine, reference in zip(ours, theirs, strict=True):
                if isinstance(reference, np.ndarray):
                    np.testing.assert_allclose(mine, reference, rtol=1e-14, atol=0)


def test_scatter_reduce_method_inplace_and_aliases():
    for module in (tracegrad, torch):
        x = module.zeros(4)
        result = x.scatter_reduce_(
            0, module.tensor([0, 0, 3]), module.tensor([1.0, 2.0, 5.0]), "sum"
        )
        assert result is x
        assert x.tolist() == [3.0, 0.0, 0.0, 5.0]
    # torch takes "max" and "min" for "amax" and "amin"
    for reduce in ("max", "min"):
        results = [
            m.tensor([1.0, 5.0]).scatter_reduce(0, m.tensor([0, 1]), m.tensor([3.0, 3.0]), reduce)
            for m in (tracegrad, torch)
        ]
        assert results[0].tolist() == results[1].tolist()
    # the in-place form records the same node
    for module in (tracegrad, torch):
        s = module.tensor([2.0, 3.0], requires_grad=True)
        y = module.ones(3) * 1
        y.scatter_reduce_(0, module.tensor([1, 1]), s, "prod", include_self=False)
        assert _node_name(y) == "ScatterReduceBackward0"


def _node_name(result) -> str:
    node = result.grad_fn
    return type(node).__name__ if isinstance(result, tracegrad.Tensor) else node.name()


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.zeros(4).scatter_reduce(0, m.tensor([0]), m.ones(1), "add"),
        lambda m: m.zeros(4).scatter_reduce(0, m.tensor([0]), m.ones(1), "Sum"),
        lambda m: m.zeros(4).scatter_reduce(0, m.tensor([0]), m.ones(1, dtype=m.int64), "sum"),
        lambda m: m.zeros(4).scatter_reduce(0, m.tensor([0.0]), m.ones(1), "sum"),
        lambda m: m.zeros(4).scatter_reduce(0, m.tensor([4]), m.ones(1), "sum"),
        lambda m: m.zeros(4).scatter_reduce(0, m.tensor([-1]), m.ones(1), "sum"),
        lambda m: m.zeros(4).scatter_reduce(1, m.tensor([0]), m.ones(1), "sum"),
        lambda m: m.zeros(4).scatter_reduce(0, m.tensor([[0]]), m.ones(1), "sum"),
        lambda m: m.zeros(4).scatter_reduce(0, m.tensor([0, 1, 1, 1]), m.ones(3), "sum"),
        lambda m: m.zeros(3, 4).scatter_reduce(0, m.tensor([[0, 0]]), m.ones(2), "sum"),
        lambda m: m.zeros(3, 4).scatter_reduce(0, m.tensor([[0, 0]]), m.ones(1, 1), "sum"),
        # (the function's argument positions: torch counts from 1 after self for the method)
        lambda m: m.scatter_reduce(m.zeros(4), 0, m.tensor([0]), 2.0, "sum"),
        lambda m: m.scatter_reduce(m.zeros(4), 0, m.tensor([0]), m.ones(1), 3),
        lambda m: m.zeros(4).scatter_reduce(0, m.tensor([0]), m.ones(1), "sum", include_self=1),
        lambda m: m.zeros(4, requires_grad=True).scatter_reduce_(
            0, m.tensor([0]), m.ones(1), "sum"
        ),
    ],
)
def test_scatter_reduce_errors(call):
    _same_error(call)


@pytest.mark.parametrize("reduce", REDUCTIONS)
def test_scatter_reduce_src_larger_than_index(reduce):
    """Only src's leading block of index's shape is used. Its gradient is zero outside
    that block. torch's backward raises a shape error there (its rule returns the
    block's shape); tracegrad gives the gradient, checked by finite differences."""
    rng = np.random.default_rng(3)
    values = rng.uniform(0.5, 2.0, (3, 4))
    source = rng.uniform(0.5, 2.0, (3, 5))
    index = [[0, 1], [2, 2], [3, 0]]
    outputs = []
    for module in (tracegrad, torch):
        x = module.tensor(values, requires_grad=True)
        s = module.tensor(source, requires_grad=True)
        outputs.append((module.scatter_reduce(x, 1, module.tensor(index), s, reduce), x, s))
    (ours, x, s), (theirs, _, torch_s) = outputs
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-15)
    assert _error(lambda: theirs.sum().backward()) is not None
    assert tracegrad.autograd.gradcheck(
        lambda a, b: tracegrad.scatter_reduce(a, 1, tracegrad.tensor(index), b, reduce),
        (x, s),
    )
    ours.sum().backward()
    assert not s.grad.numpy()[:, 2:].any()


def test_scatter_reduce_double_backward_refused_with_two_zeros():
    """Two zeros scattered to one position: the product's first derivative is right, its
    derivative is not, so differentiating it again raises (as torch does; its node is
    named ``Error``)."""
    for module in (tracegrad, torch):
        s = module.tensor([0.0, 0.0, 2.0], requires_grad=True)
        out = module.scatter_reduce(module.ones(2), 0, module.tensor([1, 1, 0]), s, "prod")
        (grad,) = module.autograd.grad(out.sum(), s, create_graph=True)
        assert grad.tolist() == [0.0, 0.0, 1.0]
        assert grad.grad_fn.name() == "torch::autograd::Error"
        with pytest.raises(RuntimeError, match="Double backward is unsupported"):
            grad.sum().backward()


@pytest.mark.parametrize("reduce", REDUCTIONS)
def test_scatter_reduce_gradcheck_float64(reduce):
    rng = np.random.default_rng(11)
    x = tracegrad.tensor(rng.uniform(0.5, 2.0, (2, 3, 4)), requires_grad=True)
    s = tracegrad.tensor(rng.uniform(0.5, 2.0, (2, 3, 4)), requires_grad=True)
    index = tracegrad.tensor(rng.integers(0, 3, (2, 3, 4)))
    for include_self in (True, False):
        assert tracegrad.autograd.gradcheck(
            lambda a, b, inc=include_self: a.scatter_reduce(1, index, b, reduce, include_self=inc),
            (x, s),
        )
        assert tracegrad.autograd.gradgradcheck(
            lambda a, b, inc=include_self: a.scatter_reduce(1, index, b, reduce, include_self=inc),
            (x, s),
        )


# ---------------------------------------------------------------------------- index_reduce


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce_matches_torch(reduce, include_self):
    values = [[1.0, 2.0, 3.0], [0.0, 5.0, 5.0], [2.0, 2.0, 2.0]]
    source = [[3.0, 3.0, 0.5], [5.0, 0.0, 5.0], [1.0, 2.0, 2.0]]
    for index, dim in (([0, 0, 2], 0), ([2, 2, 0], 1)):
        ours, theirs = _reduce_both(
            values, index, source, dim, reduce, include_self, op="index_reduce"
        )
        assert ours[2] == "IndexReduceBackward0"
        _assert_same(ours, theirs)


def test_index_reduce_integer_mean_and_warning():
    with pytest.warns(UserWarning, match="index_reduce\\(\\) is in beta"):
        tracegrad.zeros(2).index_reduce(0, tracegrad.tensor([0]), tracegrad.ones(1), "prod")
    results = []
    for module in (tracegrad, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns once per process
            out = module.tensor([1, 5, 7]).index_reduce(
                0, module.tensor([0, 0, 2]), module.tensor([-2, 3, 2]), "mean", include_self=False
            )
        results.append(out.tolist())
    assert results[0] == results[1] == [0, 5, 2]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.zeros(3, 3).index_reduce(0, m.tensor([0]), m.ones(1, 3), "sum"),
        lambda m: m.zeros(3, 3).index_reduce(0, m.tensor([0.0]), m.ones(1, 3), "prod"),
        lambda m: m.zeros(3, 3).index_reduce(0, m.tensor([0, 3]), m.ones(2, 3), "prod"),
        lambda m: m.zeros(3, 3).index_reduce(0, m.tensor([0, -1]), m.ones(2, 3), "prod"),
        lambda m: m.zeros(3, 3).index_reduce(0, m.tensor([0]), m.ones(2, 3), "prod"),
        lambda m: m.zeros(3, 3).index_reduce(0, m.tensor([[0, 1]]), m.ones(2, 3), "prod"),
        lambda m: m.zeros(3, 3).index_reduce(
            0, m.tensor([0]), m.ones(1, 3, dtype=m.float64), "prod"
        ),
        lambda m: m.zeros(3, 3).index_reduce(1, m.tensor([0, 0]), m.ones(3, 3), "prod"),
        lambda m: m.zeros(3, 3).index_reduce(0, m.tensor([0]), m.ones(1, 2), "prod"),
        lambda m: m.zeros(2, 3).index_reduce(-1, m.tensor([0]), m.zeros(2), "amin"),
        lambda m: m.zeros(2, 3).index_reduce(-1, m.tensor([0]), 1.0, "amin"),
        lambda m: m.zeros(2).bool().index_reduce(0, m.tensor([0]), m.ones(1).bool(), "amax"),
    ],
)
def test_index_reduce_errors(call):
    _same_error(call)


# ---------------------------------------------------------------------------- as_strided


def _strided_both(make):
    """``make(module, x)`` on x = 1..12 (float64, requires grad) in both frameworks: the
    result's values, geometry, grad_fn and x's gradient for a fixed cotangent."""
    results = []
    for module in (tracegrad, torch):
        x = module.tensor(np.arange(1.0, 13.0), requires_grad=True)
        out = make(module, x)
        g = np.linspace(-1.0, 2.0, out.numel()).reshape(tuple(out.shape))
        out.backward(module.tensor(g))
        results.append(
            (
                out.detach().numpy().copy(),
                tuple(out.shape),
                tuple(out.stride()),
                out.storage_offset(),
                out.is_contiguous(),
                _node_name(out),
                x.grad.numpy().copy(),
            )
        )
    return results


VIEWS = [
    lambda m, x: x.as_strided((3, 3), (1, 1)),  # overlapping windows
    lambda m, x: x[2:].as_strided((3, 3), (1, 1)),  # from a view: offset kept
    lambda m, x: x[2:].as_strided((3, 3), (1, 1), 0),  # reading before the view
    lambda m, x: x.view(3, 4).t().as_strided((2, 2), (3, 1), 1),
    lambda m, x: x.view(3, 4)[:, 1:].as_strided((2, 2), (4, 1)),
    lambda m, x: x[:3].expand(2, 3).as_strided((2, 2), (1, 1)),  # an expanded input
    lambda m, x: x[:3].expand(2, 3).as_strided((4,), (1,)),
    lambda m, x: (x * 2).as_strided((4, 2), (2, 1)),
    lambda m, x: x.as_strided((2, 3), (2, 1)).as_strided((2, 2), (1, 3), 2),
    lambda m, x: x.view(2, 6)[1].as_strided((3, 2), (2, 1)),
    lambda m, x: x.as_strided((2, 2), (0, 1), 5) * 3,
    lambda m, x: m.as_strided(x.view(3, 4), (2,), (5,), storage_offset=2),
    lambda m, x: x.as_strided((), (), 11),
    lambda m, x: x.as_strided((2, 0), (1, 1), 3),
]


@pytest.mark.parametrize("make", VIEWS)
def test_as_strided_matches_torch(make):
    ours, theirs = _strided_both(make)
    for mine, reference in zip(ours, theirs, strict=True):
        if isinstance(reference, np.ndarray):
            np.testing.assert_array_equal(mine, reference)
        else:
            assert mine == reference


def test_as_strided_shares_memory_both_ways():
    for module in (tracegrad, torch):
        x = module.arange(12.0)
        window = x.as_strided((3, 4), (4, 1))
        window[1, 2] = -1.0  # through the view into x
        assert x[6].item() == -1.0
        x[0] = 100.0  # into x, seen by an overlapping view
        overlapping = x.as_strided((3, 3), (1, 1))
        assert overlapping[0, 0].item() == 100.0
        assert overlapping.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
        assert overlapping._base is x


def test_as_strided_inplace_through_view_records_copy_slices():
    results = []
    for module in (tracegrad, torch):
        x = module.tensor(np.arange(1.0, 13.0), requires_grad=True)
        y = x * 1
        view = y.as_strided((2, 3), (6, 2), 1)
        view.mul_(module.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=module.float64))
        (y * module.arange(12.0, dtype=module.float64)).sum().backward()
        name = y.grad_fn.name()
        results.append((y.detach().numpy().copy(), x.grad.numpy().copy(), name))
    (y_ours, grad_ours, name_ours), (y_theirs, grad_theirs, name_theirs) = results
    np.testing.assert_array_equal(y_ours, y_theirs)
    np.testing.assert_array_equal(grad_ours, grad_theirs)
    assert name_ours == name_theirs


def test_as_strided_gradcheck_overlapping():
    x = tracegrad.tensor(np.linspace(-1, 1, 9), requires_grad=True)
    for size, stride, offset in (((4, 3), (1, 1), 0), ((3, 2), (2, 3), 0), ((2, 2), (0, 2), 1)):
        assert tracegrad.autograd.gradcheck(
            lambda a, s=size, t=stride, o=offset: a.as_strided(s, t, o), (x,)
        )
        assert tracegrad.autograd.gradgradcheck(
            lambda a, s=size, t=stride, o=offset: a.as_strided(s, t, o), (x,)
        )


def test_as_strided_repeated_element_refuses_inplace():
    def call(m):
        view = m.arange(5.0).as_strided((3, 3), (0, 1))
        view.add_(1)

    _same_error(call)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.arange(12.0).as_strided((3, 5), (4, 1), 1),
        lambda m: m.arange(12.0).as_strided((3, 3), (4, 1), 20),
        lambda m: m.arange(12.0).as_strided((3, 3), (0, 0), 12),
        lambda m: m.arange(12.0, dtype=m.float64)[4:].as_strided((3, 3), (4, 1)),
        lambda m: m.arange(12.0).as_strided((3, 3), (4, -1)),
        lambda m: m.arange(12.0).as_strided((3, -3), (4, 1)),
        lambda m: m.arange(12.0).as_strided((3, -3), (4, 1), -2),
        lambda m: m.arange(12.0).as_strided((3, 3), (4,)),
        lambda m: m.arange(12.0).as_strided((3, 3), (4, 1), -1),
        lambda m: m.arange(12.0).as_strided((3, 3), (4, 1), 2.0),
        lambda m: m.arange(12.0).as_strided(2, 1),
        lambda m: m.arange(12.0).as_strided((2.0,), (1,)),
    ],
)
def test_as_strided_errors(call):
    _same_error(call)


def test_as_strided_empty_may_start_past_the_end():
    for module in (tracegrad, torch):
        assert tuple(module.arange(12.0).as_strided((0, 3), (4, 1), 13).shape) == (0, 3)


# ---------------------------------------------------------------------------- poisson


def _poisson_both(rates: np.ndarray, seed: int, generator: bool = False):
    """Draws of both frameworks after the same seed, and a following rand, as arrays."""
    results = []
    for module in (tracegrad, torch):
        tensor = module.from_numpy(rates.copy())
        if generator:
            gen = module.Generator().manual_seed(seed)
            draws = module.poisson(tensor, gen)
            after = module.rand(4, dtype=module.float64, generator=gen)
        else:
            module.manual_seed(seed)
            draws = module.poisson(tensor)
            after = module.rand(4, dtype=module.float64)
        results.append((draws.numpy().copy(), after.numpy().copy(), str(draws.dtype)))
    return results


RATE_KINDS = {
    "below 10": lambda rng, n: rng.uniform(0, 10, n),
    "from 10": lambda rng, n: rng.uniform(10, 300, n),
    "both": lambda rng, n: rng.uniform(0, 40, n),
    "wide": lambda rng, n: np.exp(rng.uniform(-30, 30, n)),
    "edges": lambda rng, n: rng.choice(
        [0.0, 5e-324, 1e-300, 9.999999, 10.0, 10.000001, 0.5, 3e4, 1e18, 1e300, np.inf], n
    ),
}


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
@pytest.mark.parametrize("kind", list(RATE_KINDS))
def test_poisson_bit_identical(dtype, kind):
    for seed in range(4):
        rng = np.random.default_rng(seed)
        rates = RATE_KINDS[kind](rng, 300)
        if dtype == "float16":
            rates = np.minimum(rates, 6e4)
        with np.errstate(over="ignore"):
            rates = rates.astype(dtype)
        (ours, after_ours, dtype_ours), (theirs, after_theirs, dtype_theirs) = _poisson_both(
            rates, seed, generator=seed % 2 == 1
        )
        assert dtype_ours == dtype_theirs
        np.testing.assert_array_equal(ours, theirs)
        np.testing.assert_array_equal(after_ours, after_theirs)  # the stream is in step


def test_poisson_layout_shapes_and_grad():
    rates = np.random.default_rng(5).uniform(0, 25, (4, 5))
    for seed in (0, 1):
        ours = theirs = None
        for module in (tracegrad, torch):
            module.manual_seed(seed)
            transposed = module.poisson(module.tensor(rates).t())
            scalar = module.poisson(module.tensor(7.5))
            empty = module.poisson(module.zeros(0, 2))
            values = (transposed.numpy(), scalar.item(), tuple(empty.shape))
            ours, theirs = (values, theirs) if module is tracegrad else (ours, values)
        np.testing.assert_array_equal(ours[0], theirs[0])
        assert ours[1:] == theirs[1:]
    for module in (tracegrad, torch):
        rates = module.tensor([1.0, 20.0], requires_grad=True)
        draws = module.poisson(rates)
        assert _node_name(draws) == "PoissonBackward0"
        draws.sum().backward()
        assert rates.grad.tolist() == [0.0, 0.0]


def test_poisson_error_after_the_draws_before_it():
    """A negative rate fails when it is reached: the draws for the elements before it
    are used up, as in torch."""
    afters = []
    for module in (tracegrad, torch):
        module.manual_seed(3)
        with pytest.raises(RuntimeError, match="expected rate to be non-negative"):
            module.poisson(module.tensor([5.0, 30.0, -1.0, 2.0]))
        afters.append(module.rand(3).numpy())
    np.testing.assert_array_equal(*afters)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.poisson(m.tensor([-1.0])),
        lambda m: m.poisson(m.tensor([float("nan")])),
        lambda m: m.poisson(m.tensor([1, 2])),
        lambda m: m.poisson(m.tensor([True])),
        lambda m: m.poisson([1.0]),
    ],
)
def test_poisson_errors(call):
    _same_error(call)
