"""Property tests of the Tensor basics against PyTorch: broadcasting, type promotion and
indexing.

Each case runs on tracegrad and on torch and must give the same dtype, shape and values
(bit for bit), or raise the same exception type. Hypothesis draws the shapes, values and
index keys; the type-promotion grid is enumerated in full.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tracegrad

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for the property tests")

LIBRARIES = (tracegrad, torch)
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DTYPES = ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")


def outcome(lib, scenario):
    """``scenario(lib)`` summarised for comparison: ("ok", dtype, shape, bytes) for a
    tensor, ("ok", value) for anything else, ("error", exception type) for a failure."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = scenario(lib)
    except Exception as error:  # noqa: BLE001 - the exception type is compared
        return ("error", type(error).__name__)
    return summary(result)


def summary(result):
    if isinstance(result, tracegrad.Tensor | torch.Tensor):
        array = np.ascontiguousarray(result.detach().numpy())
        if array.dtype.kind == "f":
            # every NaN is the same NaN (payloads and signs are not part of torch's contract)
            array = np.where(np.isnan(array), np.nan, array).astype(array.dtype)
        return ("ok", str(result.dtype), tuple(result.shape), array.tobytes())
    return ("ok", result)


def assert_same(scenario):
    ours, theirs = (outcome(lib, scenario) for lib in LIBRARIES)
    assert ours == theirs


def values_of(lib, array: np.ndarray, dtype: str):
    return lib.tensor(np.asarray(array), dtype=getattr(lib, dtype))


# ============================================================================ broadcasting

BROADCAST_OPS = {
    "add": lambda m, a, b: m.add(a, b),
    "mul": lambda m, a, b: a * b,
    "sub": lambda m, a, b: m.sub(a, b),
    "div": lambda m, a, b: a / b,
    "maximum": lambda m, a, b: m.maximum(a, b),
    "where": lambda m, a, b: m.where(a > 0, a, b),
}


def _operands(shapes, seed):
    rng = np.random.default_rng(seed)
    return [rng.integers(-4, 5, size=shape).astype(np.float32) for shape in shapes]


@SETTINGS
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4),
    op=st.sampled_from(sorted(BROADCAST_OPS)),
    seed=st.integers(0, 2**16),
)
def test_broadcast_compatible_shapes(shapes, op, seed):
    a, b = _operands(shapes.input_shapes, seed)

    def scenario(m):
        return BROADCAST_OPS[op](m, values_of(m, a, "float32"), values_of(m, b, "float32"))

    ours, theirs = (outcome(lib, scenario) for lib in LIBRARIES)
    assert ours == theirs
    assert ours[2] == shapes.result_shape


def _broadcastable(a, b) -> bool:
    return all(x == y or 1 in (x, y) for x, y in zip(reversed(a), reversed(b)))


SHAPES = st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple)


@SETTINGS
@given(
    a=SHAPES,
    b=SHAPES,
    op=st.sampled_from(sorted(set(BROADCAST_OPS) - {"where"})),
)
def test_broadcast_incompatible_shapes_raise_torchs_error(a, b, op):
    if _broadcastable(a, b):
        return
    x, y = _operands((a, b), 0)
    errors = []
    for m in LIBRARIES:
        with pytest.raises(RuntimeError) as info:
            BROADCAST_OPS[op](m, values_of(m, x, "float32"), values_of(m, y, "float32"))
        errors.append(str(info.value))
    assert errors[0] == errors[1]
    assert errors[0].startswith("The size of tensor a (")


def test_broadcast_error_names_the_sizes():
    with pytest.raises(
        RuntimeError,
        match=r"^The size of tensor a \(3\) must match the size "
        r"of tensor b \(4\) at non-singleton dimension 1$",
    ):
        tracegrad.ones(2, 3) + tracegrad.ones(2, 4)


def test_where_incompatible_shapes_raise_runtime_error():
    with pytest.raises(
        RuntimeError,
        match=r"The size of tensor a \(3\) must match the size "
        r"of tensor b \(4\) at non-singleton dimension 1",
    ):
        tracegrad.where(tracegrad.ones(2, 3) > 0, tracegrad.ones(3), tracegrad.ones(4))


# ============================================================================ type promotion

# four values per kind of dtype, chosen to reach zero divisors, negatives and overflow
_VALUES = {
    "f": [1.5, -2.0, 0.0, 3.25],
    "i": [3, -2, 0, 7],
    "u": [3, 2, 0, 250],
    "b": [True, False, True, True],
}
_SCALARS = {"int": 2, "negative int": -2, "zero": 0, "float": 2.5, "bool": True}


def _kind(dtype: str) -> str:
    return {"bool": "b", "uint8": "u"}.get(dtype, "f" if dtype.startswith("float") else "i")


def operand(lib, spec):
    """A tensor with dimensions ("dim", dtype), a 0-d tensor ("0-d", dtype) or a Python
    number ("scalar", name)."""
    kind, name = spec
    if kind == "scalar":
        return _SCALARS[name]
    values = _VALUES[_kind(name)]
    return lib.tensor(values if kind == "dim" else values[-1], dtype=getattr(lib, name))


OPERANDS = (
    [("dim", d) for d in DTYPES] + [("0-d", d) for d in DTYPES] + [("scalar", s) for s in _SCALARS]
)
PAIRS = [
    (a, b) for a, b in itertools.product(OPERANDS, repeat=2) if "scalar" != a[0] or b[0] != a[0]
]

PROMOTION_OPS = {
    "add": lambda m, a, b: m.add(a, b) if isinstance(a, m.Tensor) else a + b,
    "sub": lambda m, a, b: a - b,
    "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / b,
    "floor_divide": lambda m, a, b: a // b,
    "remainder": lambda m, a, b: a % b,
    "pow": lambda m, a, b: a**b,
    "torch.pow": lambda m, a, b: m.pow(a, b),
    "eq": lambda m, a, b: a == b,
    "lt": lambda m, a, b: a < b,
    "ge": lambda m, a, b: m.ge(a, b),
    "maximum": lambda m, a, b: m.maximum(a, b),
    "where": lambda m, a, b: m.where(m.tensor([True, False, True, False]), a, b),
}

# torch.maximum refuses Python numbers (TypeError); tracegrad's maximum (ops/elementwise.py)
# accepts them: left out of the grid, see test_maximum_refuses_numbers
_SKIPPED = {("maximum", "scalar")}


@pytest.mark.parametrize("op", sorted(PROMOTION_OPS))
def test_type_promotion_grid(op):
    """Every pair of dtypes and operand kinds: the same result dtype, values and errors."""
    mismatches = []
    for a, b in PAIRS:
        if (op, a[0]) in _SKIPPED or (op, b[0]) in _SKIPPED:
            continue

        def scenario(m, a=a, b=b):
            return PROMOTION_OPS[op](m, operand(m, a), operand(m, b))

        ours, theirs = (outcome(lib, scenario) for lib in LIBRARIES)
        if ours != theirs and not (op in _APPROXIMATE and _close(ours, theirs)):
            mismatches.append((a, b, ours[:3], theirs[:3]))
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:5]}"


# torch's float pow is SLEEF's vectorised pow (1 ulp), not the correctly rounded one
_APPROXIMATE = {"pow", "torch.pow"}


def _close(ours, theirs) -> bool:
    """Same dtype and shape, float values within a few ulps."""
    if ours[:3] != theirs[:3] or ours[0] != "ok" or not ours[1].startswith("torch.float"):
        return False
    dtype = np.dtype(ours[1].removeprefix("torch."))
    a, b = np.frombuffer(ours[3], dtype), np.frombuffer(theirs[3], dtype)
    return bool(np.allclose(a, b, rtol=4 * np.finfo(dtype).eps, atol=0, equal_nan=True))


def test_maximum_refuses_numbers():
    with pytest.raises(TypeError):
        tracegrad.maximum(tracegrad.ones(2), 2)


@SETTINGS
@given(
    a_dtype=st.sampled_from(DTYPES),
    b_dtype=st.sampled_from(DTYPES),
    op=st.sampled_from(["add", "sub", "mul", "div", "floor_divide", "remainder", "eq", "lt"]),
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
    seed=st.integers(0, 2**16),
)
def test_promotion_with_random_values(a_dtype, b_dtype, op, shapes, seed):
    rng = np.random.default_rng(seed)
    arrays = []
    for dtype, shape in zip((a_dtype, b_dtype), shapes.input_shapes):
        kind = _kind(dtype)
        if kind == "f":
            arrays.append(np.round(rng.uniform(-8, 8, shape), 1))
        elif kind == "b":
            arrays.append(rng.integers(0, 2, shape).astype(bool))
        else:
            arrays.append(rng.integers(0 if kind == "u" else -20, 20, shape))

    def scenario(m):
        a, b = (values_of(m, x, d) for x, d in zip(arrays, (a_dtype, b_dtype)))
        return PROMOTION_OPS.get(op, lambda m, a, b: getattr(m, op)(a, b))(m, a, b)

    assert_same(scenario)


def test_promote_types_table():
    for a, b in itertools.product(DTYPES, repeat=2):
        ours = tracegrad.promote_types(getattr(tracegrad, a), getattr(tracegrad, b))
        assert str(ours) == str(torch.promote_types(getattr(torch, a), getattr(torch, b)))


def test_result_type_table():
    for a, b in PAIRS:
        results = []
        for m in LIBRARIES:
            try:
                results.append(str(m.result_type(operand(m, a), operand(m, b))))
            except Exception as error:  # noqa: BLE001 - the exception type is compared
                results.append(type(error).__name__)
        assert results[0] == results[1], (a, b)


@pytest.fixture
def float64_default():
    """Make float64 the default dtype on both libraries for one test."""
    for m in LIBRARIES:
        m.set_default_dtype(m.float64)
    yield
    for m in LIBRARIES:
        m.set_default_dtype(m.float32)


DEFAULT_DTYPE_CASES = {
    "tensor": lambda m: m.tensor([1.5, 2]),
    "ones": lambda m: m.ones(2),
    "arange": lambda m: m.arange(0.0, 1.0, 0.25),
    "linspace": lambda m: m.linspace(0, 1, 5),
    "int times float": lambda m: m.tensor([1, 2]) * 1.5,
    "int true division": lambda m: m.tensor([1, 2]) / 3,
    "float32 keeps its dtype": lambda m: m.tensor([1.0], dtype=m.float32) + 1.5,
    "int with float32 0-d": lambda m: m.tensor([1, 2]) + m.tensor(1.5, dtype=m.float32),
    "full": lambda m: m.full((2,), 1.5),
    "randn": lambda m: m.manual_seed(0) and m.randn(3),
    "result_type": lambda m: str(m.result_type(m.tensor([1]), 1.0)),
    "get_default_dtype": lambda m: str(m.get_default_dtype()),
    "repr": lambda m: repr(m.tensor([1.5], dtype=m.float32)),
}


@pytest.mark.parametrize("case", sorted(DEFAULT_DTYPE_CASES))
def test_set_default_dtype_float64(float64_default, case):
    assert_same(DEFAULT_DTYPE_CASES[case])


def test_set_default_dtype_refuses_integers():
    for m in LIBRARIES:
        with pytest.raises(TypeError):
            m.set_default_dtype(m.int64)
    assert tracegrad.get_default_dtype() is tracegrad.float32


# ============================================================================ indexing


@st.composite
def index_keys(draw, shape):
    """A key for a tensor of ``shape``: ints (negative too, sometimes out of range),
    slices with steps, None, Ellipsis, integer lists and tensors, bool masks."""
    items = []
    dim = 0
    ellipsis = False
    for _ in range(draw(st.integers(1, len(shape) + 1))):
        kinds = ["int", "slice", "none", "list", "tensor", "mask"]
        if not ellipsis:
            kinds.append("ellipsis")
        kind = draw(st.sampled_from(kinds))
        if kind == "none":
            items.append(("none",))
            continue
        if kind == "ellipsis":
            ellipsis = True
            items.append(("ellipsis",))
            continue
        if dim >= len(shape):
            break
        size = shape[dim]
        dim += 1
        if kind == "int" and size:
            items.append(("int", draw(st.integers(-size - 1, size))))
        elif kind in ("list", "tensor") and size:
            picks = draw(st.lists(st.integers(-size, size - 1), min_size=1, max_size=3))
            items.append((kind, picks))
        elif kind == "mask":
            items.append(("mask", draw(st.lists(st.booleans(), min_size=size, max_size=size))))
        else:
            bound = st.one_of(st.none(), st.integers(-size - 2, size + 2))
            step = draw(st.one_of(st.none(), st.integers(1, 3)))
            items.append(("slice", draw(bound), draw(bound), step))
    return items


def build_key(m, items):
    parts = []
    for item in items:
        kind = item[0]
        if kind == "int":
            parts.append(item[1])
        elif kind == "slice":
            parts.append(slice(*item[1:]))
        elif kind == "none":
            parts.append(None)
        elif kind == "ellipsis":
            parts.append(Ellipsis)
        elif kind == "list":
            parts.append(list(item[1]))
        elif kind == "tensor":
            parts.append(m.tensor(item[1]))
        else:
            parts.append(m.tensor(item[1], dtype=m.bool))
    return parts[0] if len(parts) == 1 else tuple(parts)


def known_index_bug(shape, items) -> bool:
    """Keys where tracegrad's indexing still differs from torch's (an empty mask against a
    size-1 dimension; several advanced indices)."""
    kinds = [item[0] for item in items]
    if any(item[0] == "mask" and not item[1] for item in items):
        return True  # NumPy lets an empty mask through against a dimension of size 1
    advanced = [i for i, kind in enumerate(kinds) if kind in ("list", "tensor", "mask")]
    ints = [i for i, kind in enumerate(kinds) if kind == "int"]
    if not advanced:
        return False
    del ints  # integers with advanced indices are applied first, as torch does
    return len(advanced) > 1


def _root(array: np.ndarray) -> np.ndarray:
    while array.base is not None and isinstance(array.base, np.ndarray):
        array = array.base
    return array


def shares_memory(result, base) -> bool:
    if isinstance(base, torch.Tensor):
        return result.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
    return _root(result._data) is _root(base._data)


def _base(m, shape):
    return m.arange(int(np.prod(shape)), dtype=m.float32).reshape(shape)


SHAPE_AND_KEY = (
    st.lists(st.integers(0, 4), min_size=1, max_size=3)
    .map(tuple)
    .flatmap(lambda shape: st.tuples(st.just(shape), index_keys(shape)))
)


@SETTINGS
@given(case=SHAPE_AND_KEY)
def test_getitem_matches_torch(case):
    shape, items = case
    if known_index_bug(shape, items):
        return

    def scenario(m):
        base = _base(m, shape)
        result = base[build_key(m, items)]
        # ints that select every dimension make a 0-d copy (test_int_index_result_is_a_view),
        # and empty tensors have no memory to share
        every_dim_by_int = sum(item[0] == "int" for item in items) == len(shape)
        shared = None if every_dim_by_int or not result.numel() else shares_memory(result, base)
        return summary(result) + (shared,)

    ours, theirs = (outcome(lib, scenario) for lib in LIBRARIES)
    if ours == ("error", "IndexError") and theirs[0] == "ok" and not theirs[1][3]:
        return  # torch checks the bounds of an index only against the elements it reads
    assert ours == theirs


@SETTINGS
@given(case=SHAPE_AND_KEY, scalar=st.booleans(), seed=st.integers(0, 2**16))
def test_setitem_matches_torch(case, scalar, seed):
    shape, items = case
    if known_index_bug(shape, items):
        return
    try:
        target_shape = tuple(_base(torch, shape)[build_key(torch, items)].shape)
    except IndexError:
        target_shape = ()
    if 0 in target_shape and any(item[0] in ("list", "tensor") for item in items):
        return  # torch checks the bounds of an index only against the elements it writes
    rng = np.random.default_rng(seed)
    # a value that broadcasts to the indexed part: trailing dims, some of them 1
    value_shape = tuple(n if rng.random() < 0.7 else 1 for n in target_shape)
    value_shape = value_shape[rng.integers(0, len(value_shape) + 1) :]
    value = rng.integers(-9, 0, value_shape).astype(np.float32)
    if len(target_shape) == 0 and not scalar:
        return  # a (1,)-shaped value into one element: see test_setitem_one_element_value

    def scenario(m):
        base = _base(m, shape)
        base[build_key(m, items)] = -1.5 if scalar else values_of(m, value, "float32")
        return base

    assert_same(scenario)


@SETTINGS
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), data=st.data())
def test_out_of_range_int_raises_index_error(shape, data):
    dim = data.draw(st.integers(0, len(shape) - 1))
    size = shape[dim]
    index = data.draw(st.one_of(st.integers(size, size + 3), st.integers(-size - 3, -size - 1)))
    key = (slice(None),) * dim + (index,)
    messages = []
    for m in LIBRARIES:
        with pytest.raises(IndexError) as info:
            _base(m, shape)[key]
        messages.append(str(info.value))
        with pytest.raises(IndexError):
            _base(m, shape)[key] = 0.0
    assert messages[0] == messages[1]


# ------------------------------------------------------- known index.py bugs (reported)


def test_int_index_result_is_a_view():
    t = tracegrad.arange(4.0)
    t[1].add_(10)
    assert t.tolist() == [0.0, 11.0, 2.0, 3.0]


def test_int_and_list_separated_by_a_slice():
    key = (0, slice(None), [0, 1])
    ours = _base(tracegrad, (2, 3, 4))[key]
    theirs = _base(torch, (2, 3, 4))[key]
    assert tuple(ours.shape) == tuple(theirs.shape) == (3, 2)


def test_empty_list_index():
    assert tuple(_base(tracegrad, (4, 2))[[]].shape) == (0, 2)


def test_setitem_one_element_value():
    t = tracegrad.arange(3.0)
    t[1] = tracegrad.tensor([7.0])
    assert t.tolist() == [0.0, 7.0, 2.0]
