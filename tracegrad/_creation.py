"""Tensor creation: ``tensor``, ``zeros``, ``ones``, ``full``, ``arange``, ``linspace`` ...

Sizes can be given as separate ints or one sequence (``zeros(2, 3)`` or ``zeros((2, 3))``),
and every function takes ``dtype=``, ``device=`` and ``requires_grad=`` like PyTorch.
"""

from __future__ import annotations

import builtins
import math
import os
import warnings
from collections.abc import Sequence

import numpy as np

from . import _dtype as dtypes
from ._device import check_device
from ._generator import _fma32, _fma64
from ._tensor import _LEGACY_NAMES, Tensor, type_name


def _finish(array: np.ndarray, requires_grad: bool, out=None, name: str = "") -> Tensor:
    """The new tensor of a factory function; with ``out=``, the values are written into
    ``out`` (resized to their shape) and ``out`` is returned, as in torch."""
    if out is not None:
        return _write_out(array, out, name)
    result = Tensor._make(array)
    if requires_grad:
        if not result.dtype.is_floating_point:
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        result._requires_grad = True
    return result


def _write_out(array: np.ndarray, out, name: str) -> Tensor:
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type_name(out)}")
    if out._requires_grad:
        raise RuntimeError(
            f"aten::{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    if out._data.shape != array.shape:
        out._data = np.empty(array.shape, dtype=out._data.dtype)
    np.copyto(out._data, array, casting="unsafe")
    out._version[0] += 1
    return out


def _dtype_or_out(dtype, out):
    """The dtype a factory function computes in: ``dtype``, else that of ``out``."""
    if out is not None and dtype is not None and isinstance(out, Tensor):
        target = dtypes.to_dtype(dtype)
        if target is not out.dtype:
            names = dtypes.TYPE_WORDS
            raise RuntimeError(
                f"dtype {names[target.name]} does not match dtype of out parameter "
                f"({names[out.dtype.name]})"
            )
    return out.dtype if dtype is None and isinstance(out, Tensor) else dtype


def _size(size, name: str = "zeros") -> tuple:
    """Accept ``(2, 3)``, ``2, 3`` or a ``torch.Size``; check that sizes are ints >= 0.

    ``name`` is the calling function, for torch's error messages.
    """
    whole = len(size) == 1
    if whole and isinstance(size[0], Sequence | np.ndarray):
        size = size[0]
    elif whole and isinstance(size[0], Tensor) and size[0]._data.ndim:
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not Tensor")
    result = []
    for position, n in enumerate(size, 1):
        if isinstance(n, Tensor) and n._data.ndim == 0 and not n.dtype.is_floating_point:
            n = n.item()
        if isinstance(n, builtins.bool) or not isinstance(n, int | np.integer):
            kind = "Tensor" if isinstance(n, Tensor) else type(n).__name__
            if whole:
                raise TypeError(
                    f"{name}(): argument 'size' (position 1) must be tuple of ints, not {kind}"
                )
            raise TypeError(
                f"{name}(): argument 'size' failed to unpack the object at pos {position} "
                f'with error "type must be tuple of ints,but got {kind}"'
            )
        result.append(int(n))
    for n in result:
        if n < 0:
            if name == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {result}")
    return tuple(result)


def _size_argument(args, size, name: str) -> tuple:
    """The size given positionally (``zeros(2, 3)``) or as ``size=`` (``zeros(size=(2, 3))``)."""
    if size is not None:
        if args:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        args = (size,)
    elif not args:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    return _size(args, name)


def _is_sequence(data) -> bool:
    return isinstance(data, Sequence) and not isinstance(data, str | bytes)


def _check_numpy_strides(array: np.ndarray) -> None:
    """torch refuses NumPy arrays with a negative stride (``a[::-1]``), even to copy them."""
    if any(stride < 0 for stride in array.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with "
            "negative strides are not currently supported. (You can probably work around this "
            "by making a copy of your array  with array.copy().) "
        )


def _infer_dtype(data) -> dtypes.dtype:
    """The dtype ``torch.tensor(data)`` gives: bool < int64 < default float, by content."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, np.ndarray):
        _check_numpy_strides(data)
    if isinstance(data, np.ndarray | np.generic):
        return dtypes.from_numpy_dtype(data.dtype)
    if isinstance(data, builtins.bool):
        return dtypes.bool
    if isinstance(data, int):
        return dtypes.int64
    if isinstance(data, float):
        return dtypes.get_default_dtype()
    if isinstance(data, str | bytes):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if _is_sequence(data):
        result = None
        for item in data:
            item_dtype = _infer_dtype(item)
            result = item_dtype if result is None else dtypes.promote_types(result, item_dtype)
        return result if result is not None else dtypes.get_default_dtype()
    if isinstance(data, complex):
        raise TypeError("tracegrad has no complex dtypes: complex numbers are not supported")
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def _to_nested(data, inside: bool = False):
    """``data`` with tensors replaced by arrays; a tensor *inside* a sequence stands for
    one number, as in torch (``tensor([t1, t2])`` needs one-element ``t1`` and ``t2``)."""
    if isinstance(data, Tensor):
        if not inside:
            return data._data
        if data._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return data._data.reshape(())
    if isinstance(data, list | tuple):
        return [_to_nested(item, True) for item in data]
    return data


def _raise_ragged(data, target: dtypes.dtype) -> None:
    """Raise torch's error for nested sequences that do not form a rectangular array.

    torch takes the sizes from the first element at each depth, then fills the tensor
    depth first and reports the first sequence whose length differs.
    """
    sizes = []
    item = data
    while _is_sequence(item):
        sizes.append(len(item))
        if not item:
            break
        item = item[0]

    def fill(item, dim):
        if dim == len(sizes):
            if _is_sequence(item):
                if target.is_floating_point:
                    raise TypeError(f"must be real number, not {type_name(item)}")
                raise TypeError(
                    f"'{type(item).__name__}' object cannot be interpreted as an integer"
                )
            return
        if not _is_sequence(item):
            raise TypeError("not a sequence")
        if len(item) != sizes[dim]:
            raise ValueError(
                f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(item)})"
            )
        for element in item:
            fill(element, dim + 1)

    fill(data, 0)


def _check_range(array: np.ndarray, target: dtypes.dtype, cpp_name: bool = False) -> None:
    """torch's overflow check when Python numbers are stored in an integer dtype.

    Negative integers are accepted for unsigned dtypes down to minus the maximum (they
    wrap: -5 as uint8 is 251); floats must lie in the dtype's range (NaN never does).
    ``cpp_name``: name the type as C++ does (``uint8_t``), as torch's ``Scalar`` does.
    """
    if not array.size:
        return
    info = np.iinfo(target.np)
    low, high = array.min(), array.max()
    if array.dtype.kind == "f":
        bad = not (info.min <= low and high <= info.max)
    elif info.min == 0:
        bad = high > info.max or low < -info.max
    else:
        bad = low < info.min or high > info.max
    if bad:
        name = _CPP_NAMES[target.name] if cpp_name else target.name
        raise RuntimeError(f"value cannot be converted to type {name} without overflow")


_CPP_NAMES = {
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
    "int64": "int64_t",
    "int32": "int",
    "int16": "int16_t",
    "int8": "int8_t",
    "uint8": "uint8_t",
    "bool": "bool",
}


def _scalar_to(value, target: dtypes.dtype):
    """A Python number converted to ``target`` as torch's ``Scalar::to<T>()`` does: an
    overflow is a RuntimeError, negative integers wrap for uint8, floats truncate."""
    overflow = RuntimeError(
        f"value cannot be converted to type {_CPP_NAMES[target.name]} without overflow"
    )
    if target is dtypes.bool:
        return np.bool_(value)
    if target.is_floating_point:
        if math.isfinite(value) and builtins.abs(value) > np.finfo(target.np).max:
            raise overflow
        return target.np.type(value)
    info = np.iinfo(target.np)
    if isinstance(value, float):
        if not info.min <= value <= info.max:  # NaN too
            raise overflow
        value = int(value)
    elif value > info.max or value < (-info.max if info.min == 0 else info.min):
        raise overflow
    return np.array(value).astype(target.np)[()]


def _c_pow(x: float, y: float) -> float:
    """C's ``pow``: NaN for a negative base to a fractional power, infinities on overflow."""
    try:
        return math.pow(x, y)
    except ValueError:
        return -math.nan  # glibc's NaN for a negative base has its sign bit set
    except OverflowError:
        odd = y == int(y) and int(y) % 2 == 1
        return -math.inf if x < 0 and odd else math.inf


def _cast_doubles(values: np.ndarray, target: dtypes.dtype) -> np.ndarray:
    """``static_cast<T>(double)`` as x86 compiles it: float16 rounds through float32, and
    out-of-range values become the most negative int64 (int64) or int32 (smaller types,
    which are converted through int32 and then keep their low bits)."""
    if target.is_floating_point:
        return (values.astype(np.float32) if target is dtypes.float16 else values).astype(target.np)
    if target is dtypes.bool:
        return values != 0
    wide = np.int64 if target is dtypes.int64 else np.int32
    info = np.iinfo(wide)
    valid = (values >= info.min) & (values < -float(info.min))  # NaN is not valid
    safe = np.where(valid, values, 0).astype(wide)
    return np.where(valid, safe, wide(info.min)).astype(target.np)


def _array_from_data(data, target: dtypes.dtype, source: dtypes.dtype) -> np.ndarray:
    """A new array of dtype ``target`` holding ``data`` (inferred dtype ``source``)."""
    work = target
    python_numbers = not isinstance(data, np.ndarray | np.generic | Tensor)
    if python_numbers and target._category == dtypes.INT and source is not dtypes.bool:
        # build exactly (int64 or float64) first, then check the range as torch does
        work = dtypes.float64 if source.is_floating_point else dtypes.int64
    nested = _to_nested(data)
    try:
        array = np.array(nested, dtype=work.np)
    except OverflowError:
        raise ValueError("Overflow when unpacking long long") from None
    except ValueError:
        _raise_ragged(data, target)
        raise
    except TypeError:
        _raise_ragged(data, target)
        raise
    if work is not target:
        _check_range(array, target)
        array = array.astype(target.np)
    return array


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
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone()"
            ".requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    source = _infer_dtype(data)
    target = dtypes.to_dtype(dtype) if dtype is not None else source
    return _finish(_array_from_data(data, target, source), requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array or tensor when it can."""
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtypes.to_dtype(dtype).np == data.dtype):
        dtypes.from_numpy_dtype(data.dtype)
        _check_numpy_strides(data)
        return Tensor._make(data)
    return tensor(data, dtype=dtype)


asarray = as_tensor


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray``: writes to either are seen by both."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)
    _check_numpy_strides(ndarray)
    return Tensor._make(ndarray)


def _float_or(dtype, default=None):
    if dtype is None:
        return default if default is not None else dtypes.get_default_dtype()
    return dtypes.to_dtype(dtype)


def zeros(*args, size=None, out=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of zeros of the given size."""
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    shape = _size_argument(args, size, "zeros")
    return _finish(np.zeros(shape, dtype=_float_or(dtype).np), requires_grad, out, "zeros")


def ones(*args, size=None, out=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of ones of the given size."""
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    shape = _size_argument(args, size, "ones")
    return _finish(np.ones(shape, dtype=_float_or(dtype).np), requires_grad, out, "ones")


def empty(
    *args, size=None, out=None, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """An uninitialised tensor (tracegrad fills it with zeros, so results are repeatable)."""
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    shape = _size_argument(args, size, "empty")
    return _finish(np.zeros(shape, dtype=_float_or(dtype).np), requires_grad, out, "empty")


def _fill_array(shape, fill_value, target: dtypes.dtype, name: str) -> np.ndarray:
    """``np.full`` with torch's checks: a number (or one-element tensor) that fits the dtype."""
    if isinstance(fill_value, Tensor):
        if fill_value._data.ndim:
            raise RuntimeError(
                f"{name} only supports 0-dimension value tensor but got tensor with "
                f"{fill_value._data.ndim} dimensions."
            )
        fill_value = fill_value.item()
    if not isinstance(fill_value, int | float | np.number | np.bool_):
        raise TypeError(
            f"{name}(): argument 'fill_value' (position 2) must be Number, "
            f"not {type_name(fill_value)}"
        )
    if target._category == dtypes.INT and not isinstance(fill_value, builtins.bool | np.bool_):
        _check_range(np.array([fill_value]), target, cpp_name=True)
        return np.full(shape, np.array(fill_value).astype(target.np), dtype=target.np)
    return np.full(shape, fill_value, dtype=target.np)


def full(size, fill_value, *, out=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of the given size filled with ``fill_value``; its dtype follows the value."""
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    if not isinstance(size, Sequence | np.ndarray):
        raise TypeError(
            f"full(): argument 'size' (position 1) must be tuple of ints, not {type_name(size)}"
        )
    if isinstance(fill_value, Tensor):
        target = fill_value.dtype
    else:
        target = dtypes.scalar_dtype(fill_value) if isinstance(fill_value, _NUMBERS) else None
    target = dtypes.to_dtype(dtype) if dtype is not None else target
    shape = _size((size,), "full")
    return _finish(
        _fill_array(shape, fill_value, target or dtypes.float32, "full"), requires_grad, out, "full"
    )


_NUMBERS = (int, float, np.number, np.bool_)


def _like(input, dtype, name):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type_name(input)}"
        )
    return input.dtype if dtype is None else dtypes.to_dtype(dtype)


def zeros_like(
    input, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """Zeros with the shape (and dtype) of ``input``."""
    check_device(device)
    target = _like(input, dtype, "zeros_like")
    return _finish(np.zeros(input._data.shape, target.np), requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, memory_format=None) -> Tensor:
    """Ones with the shape (and dtype) of ``input``."""
    check_device(device)
    target = _like(input, dtype, "ones_like")
    return _finish(np.ones(input._data.shape, target.np), requires_grad)


def empty_like(
    input, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """An uninitialised (zero-filled) tensor shaped like ``input``."""
    check_device(device)
    target = _like(input, dtype, "empty_like")
    return _finish(np.zeros(input._data.shape, target.np), requires_grad)


def full_like(
    input, fill_value, *, dtype=None, device=None, requires_grad=False, memory_format=None
) -> Tensor:
    """``fill_value`` everywhere, shaped like ``input`` (a float value is truncated for an
    integer ``input``, as in torch)."""
    check_device(device)
    target = _like(input, dtype, "full_like")
    if target._category == dtypes.INT and isinstance(fill_value, float):
        fill_value = math.trunc(fill_value)
    return _finish(_fill_array(input._data.shape, fill_value, target, "full_like"), requires_grad)


def eye(n, m=None, *, out=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """The identity matrix (ones on the diagonal), ``n`` rows and ``m`` (= n) columns."""
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    for name, value, position in (("n", n, 1), ("m", m, 2)):
        if value is not None and (
            isinstance(value, builtins.bool) or not isinstance(value, int | np.integer)
        ):
            raise TypeError(
                f"eye(): argument '{name}' (position {position}) must be int, "
                f"not {type_name(value)}"
            )
        if value is not None and value < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {value}")
    return _finish(
        np.eye(n, n if m is None else m, dtype=_float_or(dtype).np), requires_grad, out, "eye"
    )


def _number(value):
    """A Python number from a number or a one-element tensor (for range arguments)."""
    return value.item() if isinstance(value, Tensor) else value


def _cpp_double(value: float) -> str:
    """A double as C++'s ``operator<<`` prints it (torch's error messages)."""
    return f"{value:g}"


def _arange_count(start, end, step, target: dtypes.dtype) -> int:
    """The number of values, with torch's checks (``compute_arange_size``)."""
    dstart, dend, dstep = float(start), float(end), float(step)
    if not (dstep > 0 or dstep < 0):
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(dstart) and math.isfinite(dend)):
        raise RuntimeError(f"unsupported range: {_cpp_double(dstart)} -> {_cpp_double(dend)}")
    if not ((dstep > 0 and dend >= dstart) or (dstep < 0 and dend <= dstart)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if target is dtypes.int64:
        # exact integer arithmetic on the truncated bounds (C division truncates)
        istart, iend, istep = int(start), int(end), int(step)
        if istep == 0:
            raise ValueError("step must be nonzero")
        numerator = iend - istart + istep - (1 if istep > 0 else -1)
        size = builtins.abs(numerator) // builtins.abs(istep)
        size = size if (numerator >= 0) == (istep > 0) else -size
    else:
        size = math.ceil((dend - dstart) / dstep)
    if not 0 <= size <= np.iinfo(np.int64).max:
        raise RuntimeError("invalid size, possible overflow?")
    return size


def _parallel_chunks(count: int):
    """The ranges ``at::parallel_for`` hands to its threads (grain size 32768)."""
    grain = 32768
    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    threads = threads or os.cpu_count() or 1
    if count < grain or threads == 1:
        return [(0, count)]
    tasks = builtins.min(threads, -(-count // grain))
    size = -(-count // tasks)
    return [(b, builtins.min(count, b + size)) for b in builtins.range(0, count, size)]


def _arange_float(start, step, count: int, target: dtypes.dtype) -> np.ndarray:
    """torch's CPU arange kernel for floating dtypes, bit for bit.

    Values are ``start + step * i`` computed in the accumulate type (double; float for
    float16) with one fused multiply-add. The AVX2 kernel fills two vectors of 32 bytes at
    a time: each vector gets ``base = start + step * i0`` rounded to the output dtype, and
    its k-th lane ``base + k * step``; the last elements of each thread's range that do not
    fill two vectors take the scalar formula.
    """
    half = target is dtypes.float16
    acc = np.float32 if half else np.float64
    fma = _fma32 if half else _fma64
    first, stride = acc(start), acc(step)
    lanes = 32 // target.itemsize
    out = np.empty(count, target.np)
    for begin, end in _parallel_chunks(count):
        n_vector = (end - begin) // (2 * lanes) * 2 * lanes
        if n_vector:
            blocks = np.arange(begin, begin + n_vector, lanes).astype(acc)
            bases = np.asarray(
                fma(np.full_like(blocks, stride), blocks, np.full_like(blocks, first))
            )
            bases = bases.astype(target.np).astype(acc)
            lane = np.tile(np.arange(lanes, dtype=acc), len(blocks))
            repeated = np.repeat(bases, lanes)
            values = np.asarray(fma(lane, np.full_like(lane, stride), repeated))
            values = np.where(lane == 0, repeated, values)
            out[begin : begin + n_vector] = values.astype(target.np)
        rest = np.arange(begin + n_vector, end).astype(acc)
        if len(rest):
            values = fma(np.full_like(rest, stride), rest, np.full_like(rest, first))
            out[begin + n_vector : end] = np.asarray(values).astype(target.np)
    return out


def arange(
    start, end=None, step=1, *, out=None, dtype=None, device=None, requires_grad=False
) -> Tensor:
    """Values from ``start`` (0 if omitted) up to but excluding ``end``, every ``step``.

    Integer arguments give int64, any float argument gives the default float dtype. The
    values are torch's to the last bit (see ``_arange_float``); an integer dtype truncates
    the bounds and the step first (``arange(0, 5, 1.5, dtype=torch.int64)`` steps by 1).
    """
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        target = dtypes.get_default_dtype() if is_float else dtypes.int64
    else:
        target = dtypes.to_dtype(dtype)
    if target is dtypes.bool:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    count = _arange_count(start, end, step, target)
    if target.is_floating_point:
        return _finish(_arange_float(start, step, count, target), requires_grad, out, "arange")
    # integer dtypes accumulate in int64 from the truncated start and step
    values = np.arange(count, dtype=np.int64) * np.int64(int(step)) + np.int64(int(start))
    return _finish(values.astype(target.np), requires_grad, out, "arange")


def range(
    start=0,
    end=None,
    step=1,
    *,
    out=None,
    dtype=None,
    device=None,  # noqa: A001 - torch.range
    requires_grad=False,
) -> Tensor:
    """Deprecated in torch: values from ``start`` to ``end`` *inclusive* (default float)."""
    warnings.warn(
        "torch.range is deprecated and will be removed in a future release because its "
        "behavior is inconsistent with Python's range builtin. Instead, use torch.arange, "
        "which produces values in [start, end).",
        UserWarning,
        stacklevel=2,
    )
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    target = _float_or(dtype)
    _arange_count(start, end, step, dtypes.float64)  # the same checks as arange
    if target.is_floating_point:
        acc = np.float32 if target is dtypes.float16 else np.float64
        first, stride = acc(start), acc(step)
        count = int((acc(end) - first) / stride + 1)
        values = first + np.arange(count, dtype=acc) * stride
    else:
        first, stride = int(start), int(step)
        count = int((int(end) - first) / stride + 1)
        values = first + np.arange(count, dtype=np.int64) * stride
    return _finish(values.astype(target.np), requires_grad, out, "range")


def _check_steps(steps) -> int:
    if isinstance(steps, builtins.bool) or not isinstance(steps, int | np.integer):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type_name(steps)}")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return int(steps)


def linspace(
    start, end, steps, *, out=None, dtype=None, device=None, requires_grad=False
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    As in torch, the first half counts up from ``start`` and the second half down from
    ``end`` (both ends are exact), with the step and a fused multiply-add in the output's
    float type (double for integer dtypes, whose values are then truncated).
    """
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    steps = _check_steps(steps)
    target = _float_or(dtype)
    if target is dtypes.bool:
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    start, end = _number(start), _number(end)
    if steps <= 1:
        first = _scalar_to(start, target) if steps else start
        return _finish(np.full(steps, first).astype(target.np), requires_grad, out, "linspace")
    first, last = _scalar_to(start, target), _scalar_to(end, target)
    halfway = steps // 2
    if target is dtypes.float16:
        index = np.arange(steps)
        # c10::Half arithmetic: every operation rounds to half
        step = np.float16(np.float16(last - first) / np.float16(steps - 1))
        low = first + (step * index[:halfway].astype(np.float16))
        high = last - (step * (steps - 1 - index[halfway:]).astype(np.float16))
        return _finish(
            np.concatenate([low, high]).astype(np.float16), requires_grad, out, "linspace"
        )
    # float32 steps in float; float64 and the integer dtypes (from their converted
    # bounds) in double
    work, fma = (np.float32, _fma32) if target is dtypes.float32 else (np.float64, _fma64)
    first, last = work(first), work(last)
    step = work((last - first) / work(steps - 1))
    values = np.empty(steps, dtype=target.np)
    # in blocks, so that the exact-fma temporaries stay small next to the result
    for begin in builtins.range(0, steps, _LINSPACE_BLOCK):
        index = np.arange(begin, min(steps, begin + _LINSPACE_BLOCK))
        up = index[index < halfway].astype(work)
        down = (steps - 1 - index[index >= halfway]).astype(work)
        low = np.asarray(fma(np.full_like(up, step), up, np.full_like(up, first)))
        high = np.asarray(fma(np.full_like(down, -step), down, np.full_like(down, last)))
        block = np.concatenate([low, high]).astype(np.float64)
        values[begin : begin + index.size] = _cast_doubles(block, target)
    return _finish(values, requires_grad, out, "linspace")


_LINSPACE_BLOCK = 1 << 16


def logspace(
    start, end, steps, base=10.0, *, out=None, dtype=None, device=None, requires_grad=False
) -> Tensor:
    """``steps`` values from ``base**start`` to ``base**end``, evenly spaced in exponent.

    torch converts the bounds to the output dtype, takes the step in double and calls the
    C library's ``pow`` for each value (rounded to float16 through float32, like c10).
    """
    check_device(device)
    dtype = _dtype_or_out(dtype, out)
    steps = _check_steps(steps)
    target = _float_or(dtype)
    if target is dtypes.bool and steps > 1:
        raise NotImplementedError("\"logspace_cpu\" not implemented for 'Bool'")
    start, end = _number(start), _number(end)
    base = float(base)
    if steps <= 1:
        values = [_c_pow(base, float(start))] * steps
    else:
        # the bounds in the output dtype; their difference in C++'s arithmetic (int or
        # the float type), then the step and the exponents in double
        first, last = _scalar_to(start, target), _scalar_to(end, target)
        if target._category == dtypes.INT:
            span = float(int(last) - int(first))
        else:
            span = float(target.np.type(last - first))
        step = span / (steps - 1)
        first, last = float(first), float(last)
        halfway = steps // 2
        values = [
            _c_pow(base, first + step * i if i < halfway else last - step * (steps - i - 1))
            for i in builtins.range(steps)
        ]
    return _finish(
        _cast_doubles(np.array(values, np.float64), target), requires_grad, out, "logspace"
    )


def scalar_tensor(value, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A 0-d tensor holding ``value`` (default float dtype)."""
    return _finish(np.array(value, dtype=_float_or(dtype).np), requires_grad)


def scalar_tensor_like(value, like=None) -> Tensor:
    """A 0-d tensor of ``value`` with the dtype ``value`` would promote to next to ``like``.

    This is torch's "wrapped number": in ``2 // int32_tensor`` the 2 is an int32 tensor, not
    an int64 one, because a Python number never raises a tensor's dtype within its category.
    Values out of the dtype's range wrap around as they do in torch (-2 as uint8 is 254).
    """
    from .ops._dispatch import common_dtype

    target = dtypes.scalar_dtype(value) if like is None else common_dtype(like, value)
    return Tensor._make(np.asarray(value).astype(target.np))


# ---------------------------------------------------------------------------- namespace utilities
#
# Small parts of the torch namespace that course code touches: machine limits of a dtype,
# math constants, thread settings (NumPy's threads are not ours to set: these only
# remember the value), and index arithmetic.

pi = math.pi
e = math.e
inf = math.inf
nan = math.nan
newaxis = None


class finfo:  # noqa: N801 - torch's name
    """Machine limits of a floating dtype (default: the default dtype): ``bits``, ``eps``,
    ``max``, ``min``, ``tiny`` (= ``smallest_normal``), ``resolution``, ``dtype``."""

    def __init__(self, type=None):  # noqa: A002 - torch's argument name
        target = dtypes.get_default_dtype() if type is None else dtypes.to_dtype(type)
        if not target.is_floating_point:
            raise TypeError(f"torch.finfo() requires a floating point input type. Use "
                            f"torch.iinfo to handle '{target.name}'")  # fmt: skip
        info = np.finfo(target.np)
        self.bits = info.bits
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0**-info.precision
        self.dtype = target.name

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class iinfo:  # noqa: N801 - torch's name
    """Machine limits of an integer dtype: ``bits``, ``min``, ``max``, ``dtype``."""

    def __init__(self, type):  # noqa: A002 - torch's argument name
        target = dtypes.to_dtype(type)
        if target.is_floating_point:
            raise TypeError(f"torch.iinfo() requires an integer input type. Use torch.finfo "
                            f"to handle '{target.name}'")  # fmt: skip
        info = np.iinfo(np.uint8 if target is dtypes.bool else target.np)
        self.bits = info.bits
        self.min = int(info.min)
        self.max = int(info.max)
        self.dtype = target.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


_SETTINGS = {"threads": os.cpu_count() or 1, "deterministic": False}


def get_num_threads() -> int:
    """The number of threads set for intra-op parallelism (see ``set_num_threads``)."""
    return _SETTINGS["threads"]


def set_num_threads(n: int) -> None:
    """Remember ``n`` as the thread count (NumPy's BLAS threads are set by environment
    variables before import, so tracegrad only records it)."""
    if not isinstance(n, int) or n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _SETTINGS["threads"] = n


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Record the setting; tracegrad's CPU algorithms are deterministic anyway."""
    _SETTINGS["deterministic"] = bool(mode)


def are_deterministic_algorithms_enabled() -> bool:
    """The value last given to ``use_deterministic_algorithms``."""
    return _SETTINGS["deterministic"]


def typename(obj) -> str:
    """``'torch.FloatTensor'`` and the like for a tensor; for a class or a function its own
    dotted name (``'__main__.<lambda>'``), else the dotted name of the object's type.
    Builtins go without the ``builtins.`` prefix (``'int'``, ``'len'``)."""
    if isinstance(obj, Tensor):
        return f"torch.{_LEGACY_NAMES[obj.dtype.name]}"
    named = obj if isinstance(getattr(obj, "__qualname__", None), str) else type(obj)
    module = getattr(named, "__module__", None)
    if module is None or module == "builtins":
        return named.__qualname__
    return f"{module}.{named.__qualname__}"


def is_complex(input) -> bool:
    """False: tracegrad has no complex dtypes."""
    return False


def unravel_index(indices, shape):
    """The coordinates (a tuple of int64 tensors) of flat ``indices`` in an array of
    ``shape``, as ``numpy.unravel_index``."""
    if not isinstance(indices, Tensor):
        indices = tensor(indices)
    if indices.dtype.is_floating_point or indices.dtype is dtypes.bool:
        raise TypeError("expected 'indices' to be integer dtype, but got " + str(indices.dtype))
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    total = math.prod(shape)
    data = indices._data
    if data.size and (data.min() < -total or data.max() >= total):
        raise ValueError("'indices' must be in range [-prod(shape), prod(shape) - 1]")
    coordinates = np.unravel_index(np.where(data < 0, data + total, data), shape)
    return tuple(Tensor._make(np.asarray(c, dtype=np.int64)) for c in coordinates)
