"""Tensor creation: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``linspace`` ...

Sizes can be given as separate ints or one sequence (``zeros(2, 3)`` or ``zeros((2, 3))``),
and every function takes ``dtype=``, ``device=`` and ``requires_grad=`` like PyTorch.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence

import numpy as np

from . import _dtype as dtypes
from ._device import check_device
from ._tensor import Tensor


def _finish(array: np.ndarray, requires_grad: bool) -> Tensor:
    result = Tensor._make(array)
    if requires_grad:
        result.requires_grad_(True)
    return result


def _size(size) -> tuple:
    """Accept ``(2, 3)``, ``2, 3`` or a ``torch.Size``; check that sizes are ints >= 0."""
    if len(size) == 1 and isinstance(size[0], Sequence | np.ndarray | Tensor):
        size = size[0]
    result = []
    for n in size:
        if isinstance(n, Tensor):
            n = n.item()
        if isinstance(n, builtins.bool) or not isinstance(n, int | np.integer):
            raise TypeError(
                f"size must be a tuple of ints, but got an element of type {type(n).__name__}"
            )
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(size)}")
        result.append(int(n))
    return tuple(result)


def _infer_dtype(data) -> dtypes.dtype:
    """The dtype ``torch.tensor(data)`` gives: bool < int64 < default float, by content."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, np.ndarray):
        return dtypes.from_numpy_dtype(data.dtype)
    if isinstance(data, np.generic):
        return dtypes.from_numpy_dtype(data.dtype)
    if isinstance(data, builtins.bool):
        return dtypes.bool
    if isinstance(data, int):
        return dtypes.int64
    if isinstance(data, float):
        return dtypes.get_default_dtype()
    if isinstance(data, Sequence) and not isinstance(data, str):
        result = None
        for item in data:
            item_dtype = _infer_dtype(item)
            result = item_dtype if result is None else dtypes.promote_types(result, item_dtype)
        return result if result is not None else dtypes.get_default_dtype()
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _to_nested(data):
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, list | tuple):
        return [_to_nested(item) for item in data]
    return data


def tensor(
    data, *, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False
) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, arrays, tensors).

    The dtype is inferred as PyTorch does: all bools give bool, ints give int64, any float
    gives the default float dtype (float32).

    Example::

        >>> import tracegrad as torch
        >>> torch.tensor([[1, 2], [3, 4.5]])
        tensor([[1.0000, 2.0000],
                [3.0000, 4.5000]])
    """
    check_device(device)
    target = dtypes.to_dtype(dtype) if dtype is not None else _infer_dtype(data)
    try:
        array = np.array(_to_nested(data), dtype=target.np)
    except ValueError as error:
        raise ValueError(f"could not build a tensor from the given data: {error}") from None
    if array.dtype == object:
        raise TypeError("tensor(): data must be numbers or nested sequences of numbers")
    return _finish(array, requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array or tensor when it can."""
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtypes.to_dtype(dtype).np == data.dtype):
        dtypes.from_numpy_dtype(data.dtype)
        return Tensor._make(data)
    return tensor(data, dtype=dtype)


asarray = as_tensor


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray``: writes to either are seen by both."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


def _float_or(dtype, default=None):
    if dtype is None:
        return default if default is not None else dtypes.get_default_dtype()
    return dtypes.to_dtype(dtype)


def zeros(*size, out=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of zeros of the given size."""
    check_device(device)
    return _finish(np.zeros(_size(size), dtype=_float_or(dtype).np), requires_grad)


def ones(*size, out=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of ones of the given size."""
    check_device(device)
    return _finish(np.ones(_size(size), dtype=_float_or(dtype).np), requires_grad)


def empty(
    *size, out=None, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """An uninitialised tensor (tracegrad fills it with zeros, so results are repeatable)."""
    check_device(device)
    return _finish(np.zeros(_size(size), dtype=_float_or(dtype).np), requires_grad)


def full(size, fill_value, *, out=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of the given size filled with ``fill_value``; its dtype follows the value."""
    check_device(device)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    target = dtypes.to_dtype(dtype) if dtype is not None else dtypes.scalar_dtype(fill_value)
    size = _size((size,) if isinstance(size, int) else (size,))
    return _finish(np.full(size, fill_value, dtype=target.np), requires_grad)


def _like(input, dtype):
    return input.dtype if dtype is None else dtypes.to_dtype(dtype)


def zeros_like(
    input, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """Zeros with the shape (and dtype) of ``input``."""
    check_device(device)
    return _finish(np.zeros(input._data.shape, _like(input, dtype).np), requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    """Ones with the shape (and dtype) of ``input``."""
    check_device(device)
    return _finish(np.ones(input._data.shape, _like(input, dtype).np), requires_grad)


def empty_like(
    input, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """An uninitialised (zero-filled) tensor shaped like ``input``."""
    return zeros_like(input, dtype=dtype, requires_grad=requires_grad)


def full_like(
    input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """``fill_value`` everywhere, shaped like ``input``."""
    check_device(device)
    return _finish(np.full(input._data.shape, fill_value, _like(input, dtype).np), requires_grad)


def eye(n, m=None, *, out=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """The identity matrix (ones on the diagonal), ``n`` rows and ``m`` (= n) columns."""
    check_device(device)
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n if n < 0 else m}")
    return _finish(np.eye(n, n if m is None else m, dtype=_float_or(dtype).np), requires_grad)


def arange(
    start, end=None, step=1, *, out=None, dtype=None, device=None, requires_grad=False
) -> Tensor:
    """Values from ``start`` (0 if omitted) up to but excluding ``end``, every ``step``.

    Integer arguments give int64, any float argument gives the default float dtype.
    """
    check_device(device)
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = values
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in values)
        target = dtypes.get_default_dtype() if is_float else dtypes.int64
    else:
        target = dtypes.to_dtype(dtype)
    count = math.ceil((end - start) / step)
    # torch computes start + i * step in double and then converts
    values = np.arange(count, dtype=np.float64) * step + start
    if target.is_floating_point:
        return _finish(values.astype(target.np), requires_grad)
    if all(isinstance(v, int) for v in (start, step)):
        return _finish(
            np.arange(count, dtype=np.int64).astype(target.np) * step + start
            if count
            else np.zeros(0, target.np),
            requires_grad,
        )
    return _finish(values.astype(target.np), requires_grad)


def range(
    start=0,
    end=None,
    step=1,
    *,
    dtype=None,
    device=None,  # noqa: A001 - torch.range
    requires_grad=False,
) -> Tensor:
    """Deprecated in torch: values from ``start`` to ``end`` *inclusive*."""
    if end is None:
        start, end = 0, start
    count = int(math.floor((end - start) / step)) + 1
    values = np.arange(count, dtype=np.float64) * step + start
    return _finish(values.astype(_float_or(dtype).np), requires_grad)


def linspace(
    start, end, steps, *, out=None, dtype=None, device=None, requires_grad=False
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    check_device(device)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    target = _float_or(dtype)
    return _finish(_linspace(start, end, steps, target), requires_grad)


def _linspace(start, end, steps, target):
    if steps == 0:
        return np.zeros(0, target.np)
    if steps == 1:
        return np.full(1, start, target.np)
    # torch fills the first half from start and the second half from end, so that both
    # ends are exact; the step is computed in the output's float type
    work = target.np if target.is_floating_point else np.dtype(np.float64)
    step = (np.asarray(end, work) - np.asarray(start, work)) / np.asarray(steps - 1, work)
    index = np.arange(steps)
    halfway = steps // 2
    low = np.asarray(start, work) + step * index[:halfway].astype(work)
    high = np.asarray(end, work) - step * (steps - index[halfway:] - 1).astype(work)
    return np.concatenate([low, high]).astype(target.np)


def logspace(
    start, end, steps, base=10.0, *, out=None, dtype=None, device=None, requires_grad=False
) -> Tensor:
    """``steps`` values from ``base**start`` to ``base**end``, evenly spaced in exponent."""
    check_device(device)
    target = _float_or(dtype)
    exponents = _linspace(start, end, steps, dtypes.float64)
    return _finish(np.power(float(base), exponents).astype(target.np), requires_grad)


def scalar_tensor(value, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A 0-d tensor holding ``value`` (default float dtype)."""
    return _finish(np.array(value, dtype=_float_or(dtype).np), requires_grad)


def scalar_tensor_like(value, like) -> Tensor:
    """A 0-d tensor of ``value`` with the dtype ``value`` would promote to next to ``like``."""
    return Tensor._make(np.array(value, dtype=dtypes.scalar_dtype(value).np))
