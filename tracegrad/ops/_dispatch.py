"""Argument handling shared by the op families: type promotion and scalar wrapping.

``binary`` turns ``(tensor or number, tensor or number)`` into NumPy arrays of PyTorch's
result dtype and calls the op; ``unary`` does the same for one input. float16 is computed
in float32 and rounded back, as PyTorch's CPU kernels do.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as dtypes
from .._tensor import Tensor, type_name
from ._registry import apply, apply_one

_FLOAT32 = np.dtype(np.float32)
_FLOAT16 = np.dtype(np.float16)
_NUMBER_TYPES = (int, float, bool, np.number, np.bool_)
_PLAIN = (dtypes.float32, dtypes.float64)


def common_dtype(a, b) -> dtypes.dtype:
    """PyTorch's result dtype for an operation on ``a`` and ``b`` (tensors or numbers)."""
    a_is_tensor = isinstance(a, Tensor)
    b_is_tensor = isinstance(b, Tensor)
    if a_is_tensor and b_is_tensor:
        if a.dtype is b.dtype:
            return a.dtype
        dims, zeros = [], []
        for t in (a, b):
            (dims if t._data.ndim else zeros).append(t.dtype)
        return dtypes.result_type(dims, zeros, [])
    if a_is_tensor:
        return _with_scalar(a, b)
    if b_is_tensor:
        return _with_scalar(b, a)
    return dtypes.result_type([], [], [dtypes.scalar_dtype(a), dtypes.scalar_dtype(b)])


def _with_scalar(t: Tensor, value) -> dtypes.dtype:
    if not isinstance(value, _NUMBER_TYPES):
        raise TypeError(
            f"unsupported operand type: expected a Tensor or a number, got {type(value).__name__}"
        )
    d = t.dtype
    category = d._category
    if isinstance(value, bool | np.bool_):
        return d
    if isinstance(value, int | np.integer):
        return d if category >= dtypes.INT else dtypes.int64
    return d if category == dtypes.FLOAT else dtypes.get_default_dtype()


_NUMPY_OPERANDS = (np.generic, np.ndarray)


def _from_numpy(x):
    """A NumPy operand as torch sees it: a NumPy scalar is a Python number (so
    ``float32 tensor / np.sqrt(d)`` stays float32), an array is a tensor."""
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        from .._creation import tensor

        return tensor(x)
    return x


_CONSTANTS: dict = {}


def constant_array(value, dtype):
    """``value`` (a Python number) as a read-only 0-d array of NumPy ``dtype``, cached.

    Why: NumPy 2 takes about 0.5 µs longer for ``array * 1.01`` than for ``array * c`` with
    ``c`` a 0-d array of the array's dtype (resolving a Python scalar's weak type), and the
    backward rule pays it again. Both round the number to ``dtype`` first (NEP 50), so
    the results are the same bits. Float zeros (±0 compare equal) and NaN are not cached.
    """
    key = (value, dtype)
    array = _CONSTANTS.get(key)
    if array is not None and (value or type(value) is int):
        return array  # (a float ±0.0 equals the int 0's key: it is made afresh below)
    try:
        with np.errstate(over="ignore"):  # 1e300 in float32 is inf, silently as in torch
            array = np.array(value, dtype=dtype)
    except OverflowError:  # an int beyond the dtype: leave it to the op's own path
        return value
    array.flags.writeable = False
    if isinstance(value, float) and (value == 0 or value != value):
        return array  # 0.0 and -0.0 are equal keys; NaN is never found again
    if len(_CONSTANTS) >= 4096:
        _CONSTANTS.clear()
    _CONSTANTS[key] = array
    return array


def _numpy_operands(a, b):
    """Both operands as tracegrad values when one is a NumPy scalar or array.

    torch takes a NumPy scalar as a Python number, but hands ``tensor + ndarray`` to NumPy
    (the array's ``__radd__``), so the result has NumPy's dtype for the two arrays (a
    float32 tensor plus a 0-d float64 array is float64): the tensor is cast to it first.
    """
    has_array = isinstance(a, np.ndarray) or isinstance(b, np.ndarray)
    a, b = _from_numpy(a), _from_numpy(b)
    if has_array and isinstance(a, Tensor) and isinstance(b, Tensor):
        target = dtypes.from_numpy_dtype(np.result_type(a._data.dtype, b._data.dtype))
        a, b = (x if x.dtype is target else x.to(target) for x in (a, b))
    return a, b


def to_array(x, target: dtypes.dtype):
    """The values of ``x`` (tensor or number) as an array/number of dtype ``target``."""
    if isinstance(x, Tensor):
        data = x._data
        return (
            data if data.dtype is target.np or data.dtype == target.np else data.astype(target.np)
        )
    if target._category == dtypes.FLOAT or isinstance(x, bool):
        return x
    return np.array(x).astype(target.np)


def binary(op, a, b, params=(), to_float=False, scalar_in_opmath=False):
    """Apply a two-input op with PyTorch's promotion.

    ``to_float``: integer inputs are computed in the default float dtype (true division,
    ``atan2``...). ``scalar_in_opmath``: a float16 result with a 0-d tensor as the second
    operand reads that operand's own value in float32 instead of rounding it to float16
    first, as torch's ``mul`` and ``div`` kernels do.
    """
    if (
        (type(b) is float or type(b) is int)
        and type(a) is Tensor
        and a.dtype._category == dtypes.FLOAT
    ):
        # the common case (float tensor op Python number): the result has the tensor's dtype
        if a.dtype is not dtypes.float16:
            if op.scalar_as_array and (not params or params[0] == 1):
                b = constant_array(b, a._data.dtype)
            return apply_one(op, a, b, params)
    if type(b) is Tensor and type(a) is Tensor and a.dtype is b.dtype and a.dtype in _PLAIN:
        # two tensors of one float dtype (y_pred - y): nothing to promote or convert
        try:
            return apply(op, (a, b), params, (a._data, b._data))
        except ValueError:
            check_broadcast(a, b)
            raise
    if isinstance(a, _NUMPY_OPERANDS) or isinstance(b, _NUMPY_OPERANDS):
        a, b = _numpy_operands(a, b)
    try:
        common = common_dtype(a, b)
    except TypeError:
        raise _argument_error(op, a, b) from None
    if to_float and common._category != dtypes.FLOAT:
        common = dtypes.get_default_dtype()
    array_a = to_array(a, common)
    if scalar_in_opmath and common is dtypes.float16 and type(b) is Tensor and not b._data.ndim:
        array_b = b._data.astype(np.float32)
    else:
        array_b = to_array(b, common)
    try:
        if common is dtypes.float16:
            return _in_float32(op, (a, b), params, (array_a, array_b))
        return apply(op, (a, b), params, (array_a, array_b))
    except ValueError:
        check_broadcast(a, b)
        raise


def check_broadcast(*operands) -> tuple:
    """The shape the operands (tensors or numbers) broadcast to, or torch's RuntimeError
    naming the first sizes that do not match, as torch's ``infer_size`` does: operands are
    combined left to right and dimensions compared from the last one.
    """
    shape = ()
    for x in operands:
        other = x._data.shape if isinstance(x, Tensor) else np.shape(x)
        ndim = max(len(shape), len(other))
        combined = []
        for i in range(ndim - 1, -1, -1):
            offset = ndim - 1 - i
            size_a = shape[len(shape) - 1 - offset] if offset < len(shape) else 1
            size_b = other[len(other) - 1 - offset] if offset < len(other) else 1
            if size_a != size_b and size_a != 1 and size_b != 1:
                raise RuntimeError(
                    f"The size of tensor a ({size_a}) must match the size of tensor b "
                    f"({size_b}) at non-singleton dimension {i}"
                )
            combined.append(size_b if size_a == 1 else size_a)
        shape = tuple(reversed(combined))
    return shape


def _argument_error(op, a, b) -> TypeError:
    """torch's argument-parser error for an operand that is neither a tensor nor a number."""
    valid = (Tensor, *_NUMBER_TYPES)
    position, name, x = (2, "other", b) if isinstance(a, valid) else (1, "input", a)
    return TypeError(
        f"{op.public}(): argument '{name}' (position {position}) must be Tensor, not {type_name(x)}"
    )


def unary(op, x, params=(), to_float=False):
    """Apply a one-input op; ``to_float`` computes integer inputs in the default float."""
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{op.name}(): argument 'input' (position 1) must be Tensor, not {type_name(x)}"
        )
    data = x._data
    if x.dtype._category == dtypes.FLOAT and x.dtype is not dtypes.float16:
        if op.n_outputs == 1:
            return apply_one(op, x, None, params)
        return apply(op, (x,), params, (data,))
    if to_float and x.dtype._category != dtypes.FLOAT:
        data = data.astype(dtypes.get_default_dtype().np)
    if data.dtype is _FLOAT16 or data.dtype == _FLOAT16:
        return _in_float32(op, (x,), params, (data,))
    return apply(op, (x,), params, (data,))


def _in_float32(op, inputs, params, arrays):
    """Compute a float16 op in float32 and round the result(s) back once (PyTorch's
    opmath; its CPU reductions also accumulate half precision in float32)."""
    arrays = tuple(
        a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype == _FLOAT16 else a
        for a in arrays
    )
    result = apply(op, inputs, params, arrays)
    results = result if isinstance(result, tuple) else (result,)
    for r in results:
        if r._data.dtype == _FLOAT32:
            with np.errstate(over="ignore"):  # beyond 65504: inf, silently as in torch
                r._data = r._data.astype(np.float16)
            r.dtype = dtypes.float16
    node = results[0].grad_fn
    if node is not None and node.out is not None:
        # the rules read the output torch saves, the rounded one (in float32: torch's half
        # backward kernels also compute in float and round once)
        rounded = tuple(r._data.astype(np.float32) for r in results)
        node.out = rounded if isinstance(result, tuple) else rounded[0]
    return result
