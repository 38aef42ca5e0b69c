"""``torch.testing.assert_close``: are two results equal up to the float tolerance of
their dtype? Tensors, NumPy arrays, Python numbers and (nested) sequences and mappings of
them are compared, with PyTorch's default tolerances and PyTorch's messages."""

from __future__ import annotations

import collections.abc
import math

import numpy as np

from . import _dtype as dtypes
from ._tensor import Tensor

__all__ = ["assert_close"]

# (rtol, atol) when none are given: about 2^-(mantissa bits) relative, as torch chooses
_DEFAULT_TOLERANCES = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
}


def assert_close(
    actual,
    expected,
    *,
    allow_subclasses=True,
    rtol=None,
    atol=None,
    equal_nan=False,
    check_device=True,
    check_dtype=True,
    check_layout=True,
    check_stride=False,
    msg=None,
):
    """Raise ``AssertionError`` unless ``actual`` and ``expected`` are close.

    Elements are close when ``|actual - expected| <= atol + rtol * |expected|`` (and, with
    ``equal_nan``, when both are NaN). Without ``rtol`` and ``atol`` the tolerances of the
    dtype are used (float32: ``rtol=1.3e-6, atol=1e-5``; float64: ``1e-7, 1e-7``; integers
    and booleans must be equal). Shapes and, unless ``check_dtype=False``, dtypes must
    match. ``msg`` replaces the message (a string) or edits it (a callable).
    """
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(
            f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}."
        )
    options = (rtol, atol, equal_nan, check_dtype, check_stride)
    problem = _compare(actual, expected, options, [])
    if problem is None:
        return
    text, where = problem
    if where:
        text += "\n\nThe failure occurred for item " + "".join(f"[{key!r}]" for key in where)
    if msg is not None:
        text = msg if isinstance(msg, str) else msg(text)
    raise AssertionError(text)


def _compare(actual, expected, options, where):
    """``None`` if the pair is close, else (message, path of keys to the failing item)."""
    if _is_tensor_like(actual) and _is_tensor_like(expected):
        text = _compare_tensors(_as_tensor(actual), _as_tensor(expected), options)
        return None if text is None else (text, where)
    if isinstance(actual, bool | np.bool_) and isinstance(expected, bool | np.bool_):
        if bool(actual) != bool(expected):
            return f"Booleans mismatch: {actual} is not {expected}", where
        return None
    if _is_number(actual) and _is_number(expected):
        if options[3] and type(actual) is not type(expected):
            return f"The (d)types do not match: {type(actual)} != {type(expected)}.", where
        dtype = "float64" if isinstance(actual, float) or isinstance(expected, float) else None
        text = _compare_scalars(actual, expected, dtype, options)
        return None if text is None else (text, where)
    if actual is None and expected is None:
        return None
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            return f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", where
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            problem = _compare(a, e, options, [*where, index])
            if problem is not None:
                return problem
        return None
    if isinstance(actual, collections.abc.Mapping) and isinstance(
        expected, collections.abc.Mapping
    ):
        missing = sorted(set(expected) - set(actual), key=repr)
        extra = sorted(set(actual) - set(expected), key=repr)
        if missing or extra:
            return (
                "The keys of the mappings do not match:\n"
                f"Missing keys in the actual mapping: {missing}\n"
                f"Additional keys in the actual mapping: {extra}",
                where,
            )
        for key in actual:
            problem = _compare(actual[key], expected[key], options, [*where, key])
            if problem is not None:
                return problem
        return None
    raise TypeError(
        "No comparison pair was able to handle inputs of type "
        f"{_type_text(actual)} and {_type_text(expected)}."
    )


def _compare_tensors(actual: Tensor, expected: Tensor, options):
    rtol, atol, equal_nan, check_dtype, check_stride = options
    if actual.shape != expected.shape:
        return (
            f"The values for attribute 'shape' do not match: {actual.shape!r} != "
            f"{expected.shape!r}."
        )
    if check_dtype and actual.dtype is not expected.dtype:
        return f"The values for attribute 'dtype' do not match: {actual.dtype} != {expected.dtype}."
    if check_stride and actual.stride() != expected.stride():
        return (
            f"The values for attribute 'stride()' do not match: {actual.stride()} != "
            f"{expected.stride()}."
        )
    if rtol is None:
        rtol, atol = _tolerances(actual.dtype, expected.dtype)
    a, e = actual._data, expected._data
    if a.ndim == 0:  # a 0-d tensor is reported as the scalar it holds
        kind = "float64" if a.dtype.kind == "f" or e.dtype.kind == "f" else None
        return _compare_scalars(a.item(), e.item(), kind, (rtol, atol, equal_nan), True)
    exact = a.dtype.kind not in "fc" and e.dtype.kind not in "fc"
    if exact:  # integers and booleans: differences as int64, ratios in the default float
        a, e = a.astype(np.int64), e.astype(np.int64)
    else:
        common = np.result_type(a, e)
        a, e = a.astype(common, copy=False), e.astype(common, copy=False)
    with np.errstate(all="ignore"):
        matches = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
        if not exact:
            matches |= a == e  # equal infinities
        if matches.all():
            return None
        diff = np.abs(a - e)
        diff[matches] = 0
        ratio_type = dtypes.get_default_dtype().np if exact else diff.dtype
        ratio = (diff / np.abs(e)).astype(ratio_type)
        ratio[matches] = 0
    mismatched = int(matches.size - np.count_nonzero(matches))
    worst, worst_ratio = _nan_first_argmax(diff), _nan_first_argmax(ratio)
    lines = [
        f"Tensor-likes are not {'equal' if exact else 'close'}!",
        "",
        f"Mismatched elements: {mismatched} / {matches.size} ({mismatched / matches.size:.1%})",
        f"Greatest absolute difference: {diff.flat[worst].item()} at index "
        f"{_index(worst, diff.shape)}" + ("" if exact else f" (up to {atol} allowed)"),
        f"Greatest relative difference: {ratio.flat[worst_ratio].item()} at index "
        f"{_index(worst_ratio, ratio.shape)}" + ("" if exact else f" (up to {rtol} allowed)"),
    ]
    return "\n".join(lines)


def _compare_scalars(actual, expected, float_kind, options, from_tensor=False):
    rtol, atol, equal_nan = options[0], options[1], options[2]
    exact = float_kind is None
    if rtol is None:
        rtol, atol = (0.0, 0.0) if exact else _DEFAULT_TOLERANCES[float_kind]
    if exact:
        close = actual == expected
    elif math.isnan(actual) or math.isnan(expected):
        close = equal_nan and math.isnan(actual) and math.isnan(expected)
    else:
        close = actual == expected or abs(actual - expected) <= atol + rtol * abs(expected)
    if close:
        return None
    difference = abs(actual - expected)
    with np.errstate(all="ignore"):
        relative = float(np.float64(difference) / np.float64(abs(expected)))
    if exact:
        return (
            f"Scalars are not equal!\n\nExpected {expected} but got {actual}.\n"
            f"Absolute difference: {difference}\nRelative difference: {relative}"
        )
    return (
        f"Scalars are not close!\n\nExpected {expected} but got {actual}.\n"
        f"Absolute difference: {difference} (up to {atol} allowed)\n"
        f"Relative difference: {relative} (up to {rtol} allowed)"
    )


def _tolerances(*dtypes_):
    pairs = [_DEFAULT_TOLERANCES.get(d.name, (0.0, 0.0)) for d in dtypes_]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _nan_first_argmax(values: np.ndarray) -> int:
    """The flat index of the largest value, NaN counting as the largest (as torch.max)."""
    flat = values.reshape(-1)
    if flat.dtype.kind == "f":
        nans = np.flatnonzero(np.isnan(flat))
        if nans.size:
            return int(nans[0])
    return int(np.argmax(flat))


def _index(flat: int, shape) -> str:
    return str(tuple(int(i) for i in np.unravel_index(flat, shape)))


def _is_tensor_like(x) -> bool:
    return isinstance(x, Tensor | np.ndarray)


def _as_tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x))


def _is_number(x) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)


def _is_sequence(x) -> bool:
    return isinstance(x, collections.abc.Sequence) and not isinstance(x, str | bytes)


def _type_text(x) -> str:
    return "<class 'torch.Tensor'>" if isinstance(x, Tensor) else str(type(x))
