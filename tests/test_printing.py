"""``tracegrad._printing`` must print tensors byte for byte like torch does.

A corpus of shapes x dtypes x value ranges x print options x autograd flags is
generated; for each case the same values are printed by torch (the oracle) and
by ``format_tensor`` and the two strings must be identical.  Mismatches of one
test are collected and reported together so a failure shows several examples.
"""

from __future__ import annotations

import contextlib
import math
import zlib
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from tracegrad._printing import (
    PRINT_OPTIONS,
    PrintOptions,
    format_size,
    format_tensor,
    get_printoptions,
    printoptions,
    set_printoptions,
)

torch = pytest.importorskip("torch", reason="torch is the oracle for printing")

SHAPES = [
    (),
    (0,),
    (0, 3),
    (3, 0, 2),
    (1,),
    (5,),
    (13,),
    (1, 1),
    (4, 1),
    (3, 4),
    (2, 3, 4),
    (2, 1, 3, 1, 2),
    (2, 2, 1, 2, 1, 2),
    (1001,),
    (40, 40),
    (3, 500),
    (11, 2, 50),
]
SMALL_SHAPES = [s for s in SHAPES if math.prod(s) <= 64]
FLOAT_DTYPES = ["float32", "float64", "float16"]
INT_DTYPES = ["int64", "int32", "int16", "int8", "uint8"]

OPTION_SETS = {
    "default": {},
    "precision2": {"precision": 2},
    "precision8": {"precision": 8},
    "threshold5": {"threshold": 5},
    "edgeitems1": {"edgeitems": 1},
    "edgeitems0": {"edgeitems": 0},
    "linewidth40": {"linewidth": 40},
    "linewidth200": {"linewidth": 200},
    "sci_true": {"sci_mode": True},
    "sci_false": {"sci_mode": False},
    "profile_short": {"profile": "short"},
    "profile_full": {"profile": "full"},
    "precision0": {"precision": 0},
    "linewidth5": {"linewidth": 5},
    "threshold0": {"threshold": 0},
    "edgeitems10": {"edgeitems": 10, "threshold": 20},
    "mixed": {"threshold": 7, "edgeitems": 2, "linewidth": 30, "precision": 3},
}


def _with_specials(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Overwrite some entries with nan, +-inf, 0.0 and -0.0."""
    flat = values.reshape(-1).copy()
    specials = [np.nan, np.inf, -np.inf, 0.0, -0.0]
    for position in rng.choice(flat.size, size=min(flat.size, 5), replace=False):
        flat[position] = specials[rng.integers(len(specials))]
    return flat.reshape(values.shape)


def _log_uniform(rng: np.random.Generator, shape: tuple, low: float, high: float):
    """Random signs times magnitudes spread evenly over decades [low, high]."""
    signs = rng.choice([-1.0, 1.0], size=shape)
    return signs * 10.0 ** rng.uniform(np.log10(low), np.log10(high), size=shape)


# Value generators for floating dtypes: (rng, shape) -> float64 array.
FLOAT_KINDS: dict[str, Callable[[np.random.Generator, tuple], np.ndarray]] = {
    "small_int": lambda rng, shape: rng.integers(-10, 11, size=shape).astype(float),
    "int_valued": lambda rng, shape: np.round(_log_uniform(rng, shape, 1, 1e6)),
    "unit": lambda rng, shape: rng.uniform(-1, 1, size=shape),
    "normal": lambda rng, shape: rng.standard_normal(shape) * 3,
    "huge": lambda rng, shape: rng.standard_normal(shape) * 1e10,
    "tiny": lambda rng, shape: rng.standard_normal(shape) * 1e-10,
    "mixed": lambda rng, shape: _log_uniform(rng, shape, 1e-5, 1e5),
    "specials": lambda rng, shape: _with_specials(rng.standard_normal(shape), rng),
    "int_specials": lambda rng, shape: _with_specials(
        rng.integers(-99, 100, size=shape).astype(float), rng
    ),
    "zeros": lambda rng, shape: _with_specials(np.zeros(shape), rng) * 0,
    "narrow_range": lambda rng, shape: rng.uniform(999.5, 1000.5, size=shape),
}


def _integer_values(dtype: str, kind: str, rng: np.random.Generator, shape: tuple):
    """Small integers or integers spanning the whole range of ``dtype``."""
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    info = np.iinfo(dtype)
    if kind == "small_int":
        low, high = max(info.min, -12), min(info.max, 12)
    else:
        low, high = info.min, info.max
    return rng.integers(low, high, size=shape, dtype=dtype, endpoint=True)


def make_array(kind: str, shape: tuple, dtype: str, tag: str = "") -> np.ndarray:
    """Deterministic pseudo-random values of ``kind`` as a NumPy array of ``dtype``."""
    rng = np.random.default_rng(zlib.crc32(f"{kind}|{shape}|{dtype}|{tag}".encode()))
    if dtype not in FLOAT_DTYPES:
        return np.asarray(_integer_values(dtype, kind, rng, shape))
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(FLOAT_KINDS[kind](rng, shape)).astype(dtype)


@contextlib.contextmanager
def both_printoptions(**kwargs) -> Iterator[None]:
    """Apply the same print options to torch and to tracegrad, restoring both."""
    saved_torch = torch._tensor_str.get_printoptions()
    saved_ours = get_printoptions()
    try:
        torch.set_printoptions(**kwargs)
        set_printoptions(**kwargs)
        yield
    finally:
        torch.set_printoptions(**saved_torch)
        set_printoptions(**saved_ours)


@contextlib.contextmanager
def torch_default_dtype(dtype: torch.dtype) -> Iterator[None]:
    """Temporarily change torch's default floating dtype."""
    saved = torch.get_default_dtype()
    try:
        torch.set_default_dtype(dtype)
        yield
    finally:
        torch.set_default_dtype(saved)


def compare(array: np.ndarray, dtype: str, flag: str = "plain") -> str | None:
    """Print one case with both libraries; return a description if they differ.

    ``flag`` selects the autograd/Parameter variant of the torch tensor:
    "plain", "requires_grad", "grad_mul", "grad_clone", "parameter" or
    "default_float64" (torch's default dtype set to float64).
    """
    tensor = torch.from_numpy(array.copy())
    kwargs: dict = {}
    if flag == "requires_grad":
        tensor.requires_grad_()
        kwargs["requires_grad"] = True
    elif flag in ("grad_mul", "grad_clone"):
        leaf = tensor.requires_grad_()
        tensor = leaf * 1 if flag == "grad_mul" else leaf.clone()
        kwargs["grad_fn"] = type(tensor.grad_fn).__name__
    elif flag == "parameter":
        is_float = tensor.dtype.is_floating_point
        tensor = torch.nn.Parameter(tensor, requires_grad=is_float)
        kwargs.update(is_parameter=True, requires_grad=is_float)
    if flag == "default_float64":
        with torch_default_dtype(torch.float64):
            expected = repr(tensor)
        kwargs["default_dtype"] = "float64"
    else:
        expected = repr(tensor)
    actual = format_tensor(array, dtype, **kwargs)
    if actual == expected:
        return None
    return f"{dtype} {array.shape} {flag}:\n--- torch\n{expected}\n--- ours\n{actual}"


def assert_no_mismatch(mismatches: list[str], total: int) -> None:
    """Fail with the first few mismatches, if any."""
    assert total > 0
    shown = "\n\n".join(mismatches[:5])
    assert not mismatches, f"{len(mismatches)} of {total} cases differ:\n{shown}"


@pytest.mark.parametrize("kind", sorted(FLOAT_KINDS))
@pytest.mark.parametrize("options", sorted(OPTION_SETS))
def test_float_values_match_torch(options: str, kind: str) -> None:
    """Every shape and floating dtype, for one value range and option set."""
    mismatches, total = [], 0
    with both_printoptions(**OPTION_SETS[options]):
        for shape in SHAPES:
            for dtype in FLOAT_DTYPES:
                total += 1
                problem = compare(make_array(kind, shape, dtype), dtype)
                if problem:
                    mismatches.append(problem)
    assert_no_mismatch(mismatches, total)


@pytest.mark.parametrize("kind", ["small_int", "full_range"])
@pytest.mark.parametrize("options", sorted(OPTION_SETS))
def test_integer_values_match_torch(options: str, kind: str) -> None:
    """Every shape for the integer dtypes and bool."""
    mismatches, total = [], 0
    with both_printoptions(**OPTION_SETS[options]):
        for shape in SHAPES:
            for dtype in INT_DTYPES + ["bool"]:
                total += 1
                problem = compare(make_array(kind, shape, dtype), dtype)
                if problem:
                    mismatches.append(problem)
    assert_no_mismatch(mismatches, total)


@pytest.mark.parametrize(
    "flag", ["requires_grad", "grad_mul", "grad_clone", "parameter", "default_float64"]
)
@pytest.mark.parametrize("options", sorted(OPTION_SETS))
def test_suffixes_match_torch(options: str, flag: str) -> None:
    """requires_grad, grad_fn, Parameter and default-dtype suffixes, wrapped."""
    dtypes = list(FLOAT_DTYPES)
    if flag in ("parameter", "default_float64"):
        dtypes += ["int64", "int16", "bool"]
    mismatches, total = [], 0
    with both_printoptions(**OPTION_SETS[options]):
        for shape in SMALL_SHAPES + [(1001,), (3, 500)]:
            for dtype in dtypes:
                for kind in ("small_int", "normal", "huge"):
                    total += 1
                    array = make_array(kind, shape, dtype, tag=flag)
                    problem = compare(array, dtype, flag)
                    if problem:
                        mismatches.append(problem)
    assert_no_mismatch(mismatches, total)


# Hand-picked values around the rules' boundaries (ratio 1000, 1e8, 1e-4,
# rounding to the precision, widths that differ only through the sign).
BOUNDARY_VALUES = [
    [1.0, 1000.0],
    [1.0, 1000.5],
    [1.0, 1001.0],
    [0.5, 500.0],
    [0.5, 500.25],
    [1e8],
    [1e8 + 2],
    [99999999.0, 1.5],
    [1e-4],
    [9.999e-5],
    [1e-4, 0.05],
    [0.99995, -0.99995],
    [123456.789],
    [-0.0],
    [-0.0, 1.0],
    [-0.0, 0.5],
    [np.nan],
    [np.inf, -np.inf, np.nan],
    [np.nan, 2.0],
    [65504.0, -65504.0],
    [6e-8, 1.0],
    [1e300, 1e-300],
    [5e-324, 1.0],
    [0.1, 0.2, 0.3],
    [2.5, 3.5, -2.5],
]


@pytest.mark.parametrize("options", sorted(OPTION_SETS))
def test_boundary_values_match_torch(options: str) -> None:
    """Values on the edges of the mode rules, as 0-d, 1-d and 2-d tensors."""
    mismatches, total = [], 0
    with both_printoptions(**OPTION_SETS[options]):
        for values in BOUNDARY_VALUES:
            for dtype in FLOAT_DTYPES:
                with np.errstate(over="ignore", under="ignore"):
                    array = np.array(values).astype(dtype)
                for case in (array, array[0], array.reshape(1, -1)):
                    total += 1
                    problem = compare(np.array(case), dtype)
                    if problem:
                        mismatches.append(problem)
    assert_no_mismatch(mismatches, total)


def test_long_suffixes_wrap_like_torch() -> None:
    """Suffixes that do not fit the line width go on lines of their own."""
    array = np.arange(30, dtype=np.float16).reshape(3, 10) / 7
    for linewidth in (10, 20, 45, 60, 70, 80, 100):
        with both_printoptions(linewidth=linewidth):
            assert compare(array, "float16", "grad_mul") is None
            assert compare(array[0, :4].copy(), "float16", "grad_clone") is None
            assert compare(np.zeros((0, 4), np.int8), "int8") is None


def test_printoptions_api_matches_torch() -> None:
    """set_printoptions leaves the same option dict as torch after each call."""
    calls = [
        {"profile": "short"},
        {"profile": "full", "precision": 6},
        {"profile": "default"},
        {"precision": 3, "sci_mode": True},
        {"linewidth": 50},  # resets sci_mode to None, as in torch
        {"threshold": 10, "edgeitems": 1, "sci_mode": False},
        {"profile": "unknown"},
    ]
    with both_printoptions():
        for kwargs in calls:
            torch.set_printoptions(**kwargs)
            set_printoptions(**kwargs)
            assert get_printoptions() == torch._tensor_str.get_printoptions()


def test_printoptions_context_manager_restores() -> None:
    """printoptions() applies options inside the block and restores them after."""
    before = get_printoptions()
    with printoptions(precision=1, sci_mode=True):
        assert PRINT_OPTIONS.precision == 1
        assert PRINT_OPTIONS.sci_mode is True
        assert format_tensor(np.array([1.25], np.float32), "float32") == "tensor([1.2e+00])"
    assert get_printoptions() == before == vars(PrintOptions())


def test_format_size_matches_torch() -> None:
    """format_size prints like str(torch.Size(...))."""
    for shape in [(), (0,), (3,), (2, 3), (1, 0, 4, 5)]:
        assert format_size(shape) == str(torch.Size(shape))
