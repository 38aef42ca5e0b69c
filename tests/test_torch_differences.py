"""Differences from PyTorch found by the QA sweep of teaching code, each pinned by a test.

Every test runs the same code on tracegrad and on PyTorch and compares values, node names,
error types and messages: ``range`` as an index, silent NumPy floating-point warnings,
``diagonal`` as a view, torch's error messages, and the ``CopySlices`` node of ``x[i] = v``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the behavioural oracle")


def _both(code):
    """Run ``code(module)`` on tracegrad and on torch; return both results."""
    return code(tracegrad), code(torch)


def _error(code, module):
    """(type name, first message line) of the error ``code(module)`` raises."""
    with pytest.raises(Exception) as info:
        code(module)
    return type(info.value).__name__, str(info.value).splitlines()[0]


def _assert_same_error(code):
    ours, theirs = _error(code, tracegrad), _error(code, torch)
    assert ours[0] == theirs[0], (ours, theirs)
    assert theirs[1] in ours[1], (ours, theirs)


def _assert_same_values(ours, theirs):
    assert list(ours.shape) == list(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype)
    # 1 ulp of float32 apart at most (NumPy's and torch's exp may round differently);
    # inf and nan must sit at the same places
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=2e-7)


# ---------------------------------------------------------------- 1. range as an index


RANGE_KEYS = {
    "range rows": lambda x: x[range(2)],
    "range and list": lambda x: x[range(3), [0, 1, 2]],
    "list(range) and int": lambda x: x[list(range(2)), 1],
    "two ranges": lambda x: x[range(0, 3, 2), range(2)],
    "negative range": lambda x: x[range(-1, 1)],
    "empty range": lambda x: x[range(0)],
    "range in a tuple": lambda x: x[(range(2),)],
}


@pytest.mark.parametrize("name", list(RANGE_KEYS))
def test_range_indexes_like_the_list_of_its_values(name):
    ours, theirs = _both(lambda m: RANGE_KEYS[name](m.arange(12.0).reshape(3, 4)))
    _assert_same_values(ours, theirs)


def test_assignment_through_a_range():
    def code(m):
        x = m.arange(12.0).reshape(3, 4)
        x[range(2)] = 0
        x[range(1, 3), 3] = -1
        return x

    _assert_same_values(*_both(code))


def test_range_index_out_of_bounds_is_torchs_index_error():
    _assert_same_error(lambda m: m.ones(3, 4)[range(5)])


def test_d2l_cross_entropy_gradient_through_a_range_index():
    """-log(y_hat[range(n), y]).sum(): the gradient is -1/p at the picked entries."""
    probabilities = [[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]

    def code(m):
        y_hat = m.tensor(probabilities, dtype=m.float64, requires_grad=True)
        loss = -m.log(y_hat[range(len(y_hat)), m.tensor([0, 2])]).sum()
        loss.backward()
        return y_hat.grad

    ours, theirs = _both(code)
    expected = np.zeros((2, 3))
    expected[0, 0], expected[1, 2] = -1 / 0.1, -1 / 0.5  # d(-log p)/dp = -1/p
    np.testing.assert_allclose(ours.numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


# ------------------------------------------------------- 2. no NumPy warnings on stderr

INF, NAN = float("inf"), float("nan")

SILENT_FORWARD = {
    "log(0)": lambda m: m.log(m.tensor([0.0, -1.0, 1.0])),
    "log2, log10, log1p": lambda m: m.stack(
        [m.log2(m.tensor([0.0])), m.log10(m.tensor([-1.0])), m.log1p(m.tensor([-1.0]))]
    ),
    "sqrt(-1)": lambda m: m.sqrt(m.tensor([-1.0, 4.0])),
    "rsqrt(0)": lambda m: m.rsqrt(m.tensor([0.0, -1.0])),
    "exp overflow": lambda m: m.exp(m.tensor([1000.0, 1.0])),
    "exp2, expm1 overflow": lambda m: m.stack(
        [m.exp2(m.tensor([1000.0])), m.expm1(m.tensor([1000.0]))]
    ),
    "cosh, sinh overflow": lambda m: m.stack(
        [m.cosh(m.tensor([1000.0])), m.sinh(m.tensor([-1000.0]))]
    ),
    "asin, acos outside [-1, 1]": lambda m: m.stack(
        [m.asin(m.tensor([2.0])), m.acos(m.tensor([-2.0]))]
    ),
    "x / 0": lambda m: m.tensor([1.0, 0.0, -1.0]) / 0,
    "x / zeros": lambda m: m.tensor([1.0, 0.0]) / m.tensor([0.0, 0.0]),
    "1 / x": lambda m: 1 / m.tensor([0.0, 2.0]),
    "reciprocal": lambda m: m.tensor([0.0, -0.0]).reciprocal(),
    "int / 0": lambda m: m.tensor([1, 0, -2]) / 0,
    "int / int zeros": lambda m: m.tensor([1, 0]) / m.tensor([0, 0]),
    "sigmoid(-1000)": lambda m: m.sigmoid(m.tensor([-1000.0, 1000.0])),
    "inf * 0": lambda m: m.tensor([INF, 1.0]) * 0,
    "0 * inf": lambda m: 0 * m.tensor([INF, 1.0]),
    "zeros * inf": lambda m: m.tensor([0.0, 1.0]) * INF,
    "pow overflow": lambda m: m.tensor([10.0, 2.0]) ** 1000,
    "pow of 0 to -1": lambda m: m.pow(m.tensor([0.0]), -1),
    "pow of -1 to 0.5": lambda m: m.pow(m.tensor([-1.0]), 0.5),
    "number ** tensor overflow": lambda m: 10 ** m.tensor([1000.0]),
    "tensor ** tensor": lambda m: m.tensor([0.0, -1.0]) ** m.tensor([-1.0, 0.5]),
    "cumsum overflow": lambda m: m.tensor([3e38, 3e38]).cumsum(0),
    "cumprod overflow": lambda m: m.tensor([1e30, 1e30]).cumprod(0),
    "float to half overflow": lambda m: m.tensor([1e6, 1.0]).half(),
    "double to float overflow": lambda m: m.tensor([1e300, -1e300], dtype=m.float64).float(),
}


@pytest.mark.parametrize("name", list(SILENT_FORWARD))
def test_special_values_come_without_warnings(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        ours = SILENT_FORWARD[name](tracegrad)
    theirs = SILENT_FORWARD[name](torch)
    _assert_same_values(ours, theirs)


def test_common_ops_still_warn_nowhere_and_numpy_itself_still_warns():
    """The silencing is local to tracegrad's ops: NumPy code of the user still warns."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tracegrad.log(tracegrad.tensor([0.0]))
        with pytest.raises(RuntimeWarning):
            np.log(np.zeros(1))


def _gradient(m, fn, values):
    x = m.tensor(values, dtype=m.float64, requires_grad=True)
    fn(x).sum().backward()
    return x.grad


SILENT_BACKWARD = {
    "1 / x at 0": lambda x: 1 / x,
    "reciprocal at 0": lambda x: x.reciprocal(),
    "exp overflow": lambda x: x.exp(),
    "sigmoid at -1000": lambda x: x.sigmoid(),
}


@pytest.mark.parametrize("name", list(SILENT_BACKWARD))
def test_gradients_at_special_values_without_warnings(name):
    values = [0.0, 1000.0, -1000.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = _gradient(tracegrad, SILENT_BACKWARD[name], values)
    theirs = _gradient(torch, SILENT_BACKWARD[name], values)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_sqrt_gradient_at_zero_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = _gradient(tracegrad, lambda x: x.sqrt(), [0.0, 4.0])
    np.testing.assert_array_equal(ours.numpy(), [INF, 0.25])


# ------------------------------------------------------------ 3. diagonal is a view


def test_diagonal_writes_go_through_to_the_tensor():
    def code(m):
        x = m.zeros(3, 3)
        d = x.diagonal()
        d += 1
        x.diagonal(1).fill_(5)
        x.diagonal(-2)[0] = 7
        return x

    _assert_same_values(*_both(code))


@pytest.mark.parametrize(
    "shape, offset, dim1, dim2",
    [((3, 4), 0, 0, 1), ((3, 4), 2, 0, 1), ((4, 3), -1, 0, 1), ((2, 3, 4), 1, 2, 0)]
    + [((2, 3, 4), -1, -2, -1), ((3, 3), 5, 0, 1)],
)
def test_diagonal_view_of_any_dims_and_offset(shape, offset, dim1, dim2):
    def code(m):
        x = m.arange(float(np.prod(shape))).reshape(shape)
        d = x.diagonal(offset, dim1, dim2)
        read = d.clone()
        d.mul_(-1)
        return m.cat([read.flatten(), x.flatten()])

    _assert_same_values(*_both(code))


def test_diagonal_of_a_transposed_tensor_and_the_shared_version_counter():
    x = tracegrad.arange(16.0).reshape(4, 4).t()
    d = x.diagonal(1)
    d.add_(100)
    expected = np.arange(16.0).reshape(4, 4).T.copy()
    expected[[0, 1, 2], [1, 2, 3]] += 100
    np.testing.assert_array_equal(x.numpy(), expected)
    assert d._version is x._version  # a write through either one bumps both
    assert d._base is x._base


def test_diag_of_a_matrix_stays_a_copy():
    for m in (tracegrad, torch):
        x = m.zeros(3, 3)
        m.diag(x).fill_(1)
        assert x.sum().item() == 0


def test_diagonal_gradient_by_finite_differences():
    """The view keeps the gradient rule: g placed on the diagonal, zeros elsewhere."""
    rng = np.random.default_rng(0)
    base = rng.standard_normal((2, 3, 4))
    weights = rng.standard_normal(3)

    def f(values):
        x = tracegrad.tensor(values, requires_grad=True)
        return x, (x.diagonal(1, 2, 1) ** 2 * tracegrad.tensor(weights[:2])).sum()

    x, y = f(base)
    y.backward()
    numeric = np.zeros_like(base)
    eps = 1e-6
    for index in np.ndindex(base.shape):
        up, down = base.copy(), base.copy()
        up[index] += eps
        down[index] -= eps
        numeric[index] = (f(up)[1].item() - f(down)[1].item()) / (2 * eps)
    np.testing.assert_allclose(x.grad.numpy(), numeric, atol=1e-7)
    assert type(x.diagonal().grad_fn).__name__ == "DiagonalBackward0"


# ------------------------------------------------------------- 4. torch's error messages

ERRORS = {
    "permute with too many dims": lambda m: m.ones(2, 3).permute(1, 0, 2),
    "permute with too few dims": lambda m: m.ones(2, 3).permute(1),
    "permute out of range": lambda m: m.ones(2, 3).permute(1, 2),
    "permute duplicate": lambda m: m.ones(2, 3).permute(1, 1),
    "mm float and double": lambda m: m.mm(m.ones(2, 2), m.ones(2, 2, dtype=m.float64)),
    "@ long and float": lambda m: m.arange(4).reshape(2, 2) @ m.ones(2, 2),
    "@ int and half": lambda m: m.ones(2, 2, dtype=m.int32) @ m.ones(2, 2, dtype=m.float16),
    "@ byte and float": lambda m: m.ones(2, 2, dtype=m.uint8) @ m.ones(2, 2),
    "@ vector and vector": lambda m: m.ones(3) @ m.arange(3),
    "@ matrix and vector": lambda m: m.ones(2, 3) @ m.ones(3, dtype=m.float64),
    "@ vector and matrix": lambda m: m.ones(2) @ m.ones(2, 3, dtype=m.float64),
    "@ batched": lambda m: m.ones(2, 2, 3) @ m.ones(3, 2, dtype=m.float64),
    "mv": lambda m: m.mv(m.arange(6).reshape(2, 3), m.ones(3)),
    "dot": lambda m: m.dot(m.ones(3), m.arange(3)),
    "vdot": lambda m: m.vdot(m.ones(3, dtype=m.float64), m.ones(3)),
    "bmm": lambda m: m.bmm(m.ones(1, 2, 2), m.ones(1, 2, 2, dtype=m.float64)),
    "inner": lambda m: m.inner(m.ones(2, 2), m.ones(2, 2, dtype=m.float64)),
    "index tensor out of range": lambda m: m.ones(3)[m.tensor([0, 5])],
    "index list out of range": lambda m: m.ones(3)[[5]],
    "second index tensor out of range": lambda m: m.ones(3, 4)[[0, 1], [0, 7]],
    "index tensor after a slice": lambda m: m.ones(3, 4)[:, m.tensor([0, 5])],
    "index after an int": lambda m: m.ones(2, 3, 4)[1, [0, 4]],
    "negative index out of range": lambda m: m.ones(3, 4)[[0, -7], [0, 1]],
    "tensor of vectors": lambda m: m.tensor([m.ones(2), m.zeros(2)]),
    "tensor of nested vectors": lambda m: m.tensor([[m.ones(2)], [m.zeros(2)]]),
    "tensor of a number and a vector": lambda m: m.tensor([1.0, m.ones(2)]),
    "tensor of an empty tensor": lambda m: m.tensor([m.ones(0)]),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    _assert_same_error(ERRORS[name])


def _assign(key, value, shape=(3, 4), requires_grad=False):
    """``x[key] = value`` on zeros of ``shape``; ``key`` and ``value`` may be functions of
    the module (to build a tensor of either library)."""

    def code(m):
        x = m.zeros(shape, requires_grad=requires_grad)
        x[key(m) if callable(key) else key] = value(m) if callable(value) else value

    return code


SETITEM_ERRORS = {
    "leaf, int": _assign(0, 5.0, requires_grad=True),
    "leaf, slice": _assign(slice(0, 2), 5.0, requires_grad=True),
    "leaf, int pair": _assign((0, 1), 5.0, requires_grad=True),
    "leaf, None": _assign(None, 5.0, requires_grad=True),
    "leaf, 0-d tensor": _assign(lambda m: m.tensor(1), 5.0, requires_grad=True),
    "leaf, full slice": _assign(slice(None), 5.0, requires_grad=True),
    "leaf, ellipsis": _assign(Ellipsis, 5.0, requires_grad=True),
    "leaf, mask": _assign(lambda m: m.tensor([True, False, True]), 5.0, requires_grad=True),
    "leaf, list": _assign([0, 1], 5.0, requires_grad=True),
    "slice, longer value": _assign(slice(None, 2), lambda m: m.ones(3), shape=(3,)),
    "rows, wrong row length": _assign(slice(None, 2), lambda m: m.ones(5)),
    "int, wrong length": _assign(0, lambda m: m.ones(5)),
    "int, too many dims": _assign(0, lambda m: m.ones(2, 4)),
    "int, too many dims, double": _assign(0, lambda m: m.ones(2, 4, dtype=m.float64)),
    "ellipsis": _assign(Ellipsis, lambda m: m.ones(3)),
    "None": _assign(None, lambda m: m.ones(3)),
    "both dims wrong": _assign(slice(None, 2), lambda m: m.ones(3, 5)),
    "list, wrong shape": _assign([0, 1], lambda m: m.ones(3)),
    "index out of range": _assign([0, 5], 1.0),
}


@pytest.mark.parametrize("name", list(SETITEM_ERRORS))
def test_setitem_errors_match_torch(name):
    _assert_same_error(SETITEM_ERRORS[name])


def test_no_grad_assignment_into_a_leaf_is_allowed():
    for m in (tracegrad, torch):
        w = m.ones(3, requires_grad=True)
        with m.no_grad():
            w[0] = 5
        assert w.tolist() == [5.0, 1.0, 1.0]


def test_one_element_tensors_in_a_list_are_numbers():
    ours, theirs = _both(lambda m: m.tensor([m.ones(1, 1), m.tensor(2.0), 3]))
    _assert_same_values(ours, theirs)


# ------------------------------------------------------- 5. the node of x[key] = value

SETITEM_KEYS = {
    "int": (0, 0.0),
    "slice": (slice(0, 2), 0.0),
    "negative start slice": (slice(-3, None), 1.0),
    "int pair": ((0, 1), 0.0),
    "slice and int": ((slice(None), 0), 2.0),
    "None": (None, 0.0),
    "mask": ([True, False, True], 0.0),
    "list": ([0, 2], 3.0),
    "full slice, number": (slice(None), 1.0),
    "full slice 0:n, tensor": (slice(0, 3), "tensor"),
    "ellipsis, number": (Ellipsis, 1.0),
    "ellipsis, tensor": (Ellipsis, "tensor"),
    "ellipsis, 0-d tensor": (Ellipsis, "scalar"),
}


@pytest.mark.parametrize("name", list(SETITEM_KEYS))
def test_setitem_node_name_and_gradient_match_torch(name):
    key, value = SETITEM_KEYS[name]

    def code(m):
        x = m.arange(1.0, 13.0, dtype=m.float64).reshape(3, 4).requires_grad_()
        y = x * 2
        mask_or_key = m.tensor(key) if isinstance(key, list) and isinstance(key[0], bool) else key
        if value == "tensor":
            v = m.full((4,), -1.0, dtype=m.float64, requires_grad=True)
        elif value == "scalar":
            v = m.tensor(-1.0, dtype=m.float64)
        else:
            v = value
        y[mask_or_key] = v
        (y * y).sum().backward()
        return type(y.grad_fn).__name__, y, x.grad

    (our_name, our_y, our_grad), (their_name, their_y, their_grad) = _both(code)
    assert our_name == their_name
    _assert_same_values(our_y, their_y)
    _assert_same_values(our_grad, their_grad)


# torch's max/min/clamp family returns the input on a tie, NumPy's np.maximum/np.minimum the
# second operand: the same numbers, but relu(-0.) printed "0." instead of torch's "-0.".
SIGNED_ZERO_CASES = {
    "relu": lambda m, t: m.relu(t),
    "clamp min 0": lambda m, t: m.clamp(t, min=0),
    "clamp min -0.": lambda m, t: m.clamp(t, min=-0.0),
    "clamp max 0": lambda m, t: m.clamp(t, max=0),
    "clamp both": lambda m, t: m.clamp(t, -0.0, 0.0),
    "clamp_min": lambda m, t: m.clamp_min(t, 0),
    "clamp_max": lambda m, t: m.clamp_max(t, 0.0),
    "clamp tensor bounds": lambda m, t: m.clamp(t, m.zeros(6), m.ones(6)),
    "clamp_min tensor": lambda m, t: m.clamp_min(t, m.zeros(6)),
    "hardtanh": lambda m, t: m.nn.functional.hardtanh(t, 0.0, 1.0),
    "relu6": lambda m, t: m.nn.functional.relu6(t),
    "elu": lambda m, t: m.nn.functional.elu(t),
    "celu": lambda m, t: m.nn.functional.celu(t),
    "maximum": lambda m, t: m.maximum(t, m.zeros(6)),
    "maximum reflected": lambda m, t: m.maximum(m.zeros(6), t),
    "minimum": lambda m, t: m.minimum(t, m.zeros(6)),
    "fmax": lambda m, t: m.fmax(t, m.zeros(6)),
    "fmin": lambda m, t: m.fmin(t, m.zeros(6)),
    "add -0.": lambda m, t: t + (-0.0),
    "mul 0.": lambda m, t: t * 0.0,
}


@pytest.mark.parametrize("name", sorted(SIGNED_ZERO_CASES))
def test_signed_zeros_and_nan_like_torch(name):
    values = np.array([-1.0, -0.0, 0.0, 0.5, 7.0, np.nan], dtype=np.float32)
    ours, theirs = _both(lambda m: SIGNED_ZERO_CASES[name](m, m.from_numpy(values.copy())))
    assert ours.numpy().tobytes() == theirs.numpy().tobytes(), (ours, theirs)
    assert repr(ours) == repr(theirs)


# torch's next_functions lists the inputs that can have a gradient: no entry for an index,
# a mask, a condition or a class-index target (tracegrad's nodes keep one edge per input
# internally, ``node.edges``, and show torch's list).
NEXT_FUNCTIONS_CASES = {
    "gather": lambda m, x: x.gather(1, m.tensor([[0], [1], [2]])),
    "index_select": lambda m, x: x.index_select(0, m.tensor([0, 1])),
    "indexing": lambda m, x: x[m.tensor([0])],
    "masked_fill": lambda m, x: x.masked_fill(x > 0, 0.0),
    "masked_fill tensor value": lambda m, x: x.masked_fill(x > 0, m.tensor(1.0)),
    "where": lambda m, x: m.where(x > 0, x, 0.0),
    "nll_loss": lambda m, x: m.nn.functional.nll_loss(x, m.tensor([0, 1, 2])),
    "cross_entropy": lambda m, x: m.nn.functional.cross_entropy(x, m.tensor([0, 1, 2])),
    "mse_loss": lambda m, x: m.nn.functional.mse_loss(x, m.zeros(3, 4)),
    "embedding": lambda m, x: m.nn.functional.embedding(m.tensor([0, 1]), x),
    "binary_cross_entropy weight": lambda m, x: m.nn.functional.binary_cross_entropy(
        x.sigmoid(), m.ones(3, 4), weight=m.ones(3, 4)
    ),
    "mul number": lambda m, x: x * 2,
    "clamp": lambda m, x: m.clamp(x, min=0),
    "cat": lambda m, x: m.cat([x, m.ones(1, 4)]),
    "lerp": lambda m, x: m.lerp(x, m.ones(3, 4), 0.5),
    "vector @ matrix": lambda m, x: x[0] @ m.ones(4, 2),
}


@pytest.mark.parametrize("name", sorted(NEXT_FUNCTIONS_CASES))
def test_next_functions_like_torch(name):
    def names(m):
        x = m.linspace(-1, 1, 12).reshape(3, 4).requires_grad_()
        node = NEXT_FUNCTIONS_CASES[name](m, x).grad_fn
        listed = [type(f).__name__ if f is not None else None for f, _ in node.next_functions]
        return type(node).__name__, listed

    ours, theirs = _both(names)
    assert ours == theirs


def test_custom_function_lists_its_tensor_arguments():
    def names(m):
        class Scale(m.autograd.Function):
            @staticmethod
            def forward(ctx, x, k, y):
                return x * k + y

            @staticmethod
            def backward(ctx, g):
                return g, None, g

        x = m.ones(2, requires_grad=True)
        return [
            type(f).__name__ if f else None
            for f, _ in Scale.apply(x, 2, m.ones(2)).grad_fn.next_functions
        ]

    ours, theirs = _both(names)
    assert ours == theirs


@pytest.mark.parametrize("name", ["tanh", "exp", "sqrt", "sin", "relu"])
def test_float16_gradients_from_the_rounded_output(name):
    """A float16 op is computed in float32 and rounded; its backward reads the rounded
    output (the one torch saves) and rounds once, as torch's half kernels do. (sigmoid
    is the exception left: torch computes its half backward in half precision.)"""
    values = np.random.default_rng(0).standard_normal(2000).astype(np.float16)
    if name == "sqrt":
        values = np.abs(values) + np.float16(0.1)

    def gradient(m):
        x = m.tensor(values, requires_grad=True)
        getattr(x, name)().backward(m.full((2000,), 0.7, dtype=m.float16))
        return x.grad.numpy()

    ours, theirs = _both(gradient)
    assert ours.dtype == theirs.dtype == np.float16
    np.testing.assert_array_equal(ours, theirs)
