"""Attach the operations to ``Tensor``: methods, operators and in-place variants.

Each family module lists its ``METHODS`` and ``INPLACE_METHODS``; this file binds them.

Nothing is defined twice: ``Tensor.exp`` *is* ``tracegrad.exp``, ``x + y`` calls
``tracegrad.add``, and ``x.exp_()`` is ``inplace(tracegrad.exp, x)``.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import _dtype as dtypes
from .._tensor import Tensor, type_name
from ..autograd import forward_ad, grad_mode
from . import arithmetic, comparison, elementwise, index, linalg, nn, reduction, shape
from . import matrix_functions
from ._inplace import inplace

FAMILIES = (
    arithmetic,
    comparison,
    elementwise,
    index,
    linalg,
    matrix_functions,
    nn,
    reduction,
    shape,
)


# in-place arithmetic that needs no graph runs as one NumPy ufunc writing into the tensor
# (``w -= lr * w.grad`` under no_grad is on every training step)
_UFUNCS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide}


def _make_inplace(name, fn):
    ufunc = _UFUNCS.get(name)

    @functools.wraps(fn)
    def method(self, *args, **kwargs):
        if ufunc is not None and not kwargs and len(args) == 1:
            if _try_ufunc_inplace(ufunc, self, args[0]):
                return self
        return inplace(fn, self, *args, **kwargs)

    method.__name__ = name + "_"
    method.__doc__ = f"In-place version of :meth:`{name}`."
    return method


def _try_ufunc_inplace(ufunc, target, other) -> bool:
    """Apply ``ufunc(target, other)`` into ``target`` when no graph and no check needs the
    general path; return False to fall back to it."""
    if not target.dtype.is_floating_point or target.dtype is dtypes.float16:
        return False
    if forward_ad._state[0] >= 0:
        return False  # dual tensors need the general path to carry their tangents
    if isinstance(other, Tensor):
        if other._requires_grad and grad_mode._state[0]:
            return False
        other_data = other._data
        if not other.dtype.is_floating_point or (
            other_data.shape != target._data.shape and other_data.ndim != 0
        ):
            return False
    elif type(other) is float or type(other) is int:
        other_data = other
    else:
        return False
    if target._requires_grad and grad_mode._state[0]:
        return False
    if not target._data.flags.writeable:
        return False
    ufunc(target._data, other_data, out=target._data, casting="same_kind")
    target._version[0] += 1
    return True


def _reflected(fn):
    def method(self, other):
        return fn(other, self)

    return method


def _fill(source, value):
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(
                "fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value._data.ndim} dimensions."
            )
        return shape.expand(value.to(source.dtype), *source.shape).clone()
    return Tensor._make(np.full(source._data.shape, value, dtype=source._data.dtype))


def _comparison_operator(fn):
    def operator(self, other):
        if other is not None and not isinstance(
            other, Tensor | int | float | bool | complex | np.number | np.bool_
        ):
            return NotImplemented
        if other is None:
            return NotImplemented
        return fn(self, other)

    operator.__name__ = fn.__name__
    return operator


def fill_(self, value):
    """Fill with ``value`` in place."""
    if not isinstance(value, Tensor) and not (self._requires_grad and grad_mode._state[0]):
        self._data.fill(value)
        self._version[0] += 1
        return self
    return inplace(_fill, self, value)


def zero_(self):
    """Fill with zeros in place."""
    return fill_(self, 0)


def _copy(source, other):
    if not isinstance(other, Tensor):
        other = Tensor._make(np.asarray(other))
    other = other.to(source.dtype) if other.dtype is not source.dtype else other
    if other.shape != source.shape:
        other = shape.expand(other, *source.shape)
    return other.clone() if other._requires_grad else Tensor._make(other._data.copy())


def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast to this shape, converted to this dtype) into this tensor."""
    try:
        np.broadcast_shapes(src.shape, self.shape)
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({self.shape[-1] if self.ndim else 1}) must match the size "
            f"of tensor b ({src.shape[-1] if src.ndim else 1}) at non-singleton dimension "
            f"{max(self.ndim - 1, 0)}"
        ) from None
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' must be Tensor, not {type_name(src)}")
    converted = _copy_result(self, src)
    return inplace(lambda source, value: converted(source, value), self, src)


def _copy_result(self, src):
    def run(source, value):
        result = _copy(source, value)
        if result.dtype is not source.dtype:
            result = result.to(source.dtype)
        return result

    return run


def _setitem(self, key, value):
    index.setitem(self, key, value)


def _to_dtype(self, target):
    return shape.to_dtype(self, target)


def _broadcast_to_method(self, *size):
    """``Tensor.broadcast_to``: like ``expand``, the sizes may also be separate arguments
    (``x.broadcast_to(2, 2)``), which the function ``torch.broadcast_to`` refuses."""
    return shape.broadcast_to(self, size[0] if len(size) == 1 else size)


def _where_method(self, condition, y):
    """``x.where(condition, y)``: ``torch.where(condition, x, y)``."""
    return elementwise.where(condition, self, y)


def _make_view_inplace(name):
    """``x.squeeze_()`` and the like: ``x`` itself takes the view's shape (and, when a graph
    is recorded, the view's history), as PyTorch's in-place view ops do."""
    out_of_place = getattr(Tensor, name)

    def method(self, *args, **kwargs):
        recording = grad_mode._state[0] and self._requires_grad
        if recording and self.grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
        source = self
        if recording:  # the node must keep seeing the old shape: give it an alias of self
            source = Tensor._make(self._data, True, self.grad_fn, self._output_nr)
            source._version = self._version
        result = out_of_place(source, *args, **kwargs)
        self._data = result._data
        self._version[0] += 1
        if recording:
            node = result.grad_fn
            if node is not None:
                node.__class__ = _in_place_node_class(type(node))
            self.grad_fn = node
            self._output_nr = result._output_nr
        return self

    method.__name__ = name + "_"
    return method


# torch names the in-place view ops' nodes apart: squeeze_() is SqueezeBackward3 where
# squeeze() is SqueezeBackward0 (the same derivative). The node made by the out-of-place
# op takes a subclass of its class carrying torch's in-place name.
_IN_PLACE_NAMES = {
    "SqueezeBackward0": "SqueezeBackward3",
    "SqueezeBackward1": "SqueezeBackward4",
    "SqueezeBackward2": "SqueezeBackward5",
    "UnsqueezeBackward0": "UnsqueezeBackward1",
    "TBackward0": "TBackward1",
    "TransposeBackward0": "TransposeBackward1",
}
_IN_PLACE_CLASSES: dict = {}


def _in_place_node_class(node_class):
    in_place = _IN_PLACE_CLASSES.get(node_class)
    if in_place is None:
        name = _IN_PLACE_NAMES.get(node_class.__name__)
        if name is None:
            return node_class
        in_place = _IN_PLACE_CLASSES[node_class] = type(name, (node_class,), {"__slots__": ()})
    return in_place


number_operator = arithmetic.number_operator


def install() -> None:
    """Attach all methods and operators to ``Tensor`` (called once on import)."""
    for module in FAMILIES:
        for name in module.METHODS:
            setattr(Tensor, name, getattr(module, name))
        for name in module.INPLACE_METHODS:
            setattr(Tensor, name + "_", _make_inplace(name, getattr(Tensor, name)))
    Tensor.fill_ = fill_
    Tensor.where = _where_method
    for name in ("squeeze", "unsqueeze", "t", "transpose", "swapaxes", "swapdims"):
        if hasattr(Tensor, name):
            setattr(Tensor, name + "_", _make_view_inplace(name))
    Tensor.zero_ = zero_
    Tensor.copy_ = copy_
    Tensor._to_dtype = _to_dtype
    Tensor.__getitem__ = index.getitem
    Tensor.broadcast_to = _broadcast_to_method
    Tensor.__setitem__ = _setitem
    operators = {
        "__add__": number_operator(arithmetic.ADD, arithmetic.add, (1,)),
        "__radd__": number_operator(arithmetic.ADD, arithmetic.add, (1,), reflected=True),
        "__sub__": number_operator(arithmetic.SUB, arithmetic.sub, (1,)),
        "__rsub__": number_operator(arithmetic.RSUB, arithmetic.rsub, (1,)),
        "__mul__": number_operator(arithmetic.MUL, arithmetic.mul),
        "__rmul__": number_operator(arithmetic.MUL, arithmetic.mul, reflected=True),
        "__truediv__": number_operator(arithmetic.DIV, arithmetic.div),
        "__rtruediv__": _reflected(arithmetic.div),
        "__floordiv__": arithmetic.floor_divide,
        "__rfloordiv__": _reflected(arithmetic.floor_divide),
        "__mod__": arithmetic.remainder,
        "__rmod__": _reflected(arithmetic.remainder),
        "__pow__": arithmetic.pow,
        "__rpow__": _reflected(arithmetic.pow),
        "__matmul__": linalg.matmul,
        "__rmatmul__": _reflected(linalg.matmul),
        "__and__": comparison.bitwise_and,
        "__rand__": _reflected(comparison.bitwise_and),
        "__or__": comparison.bitwise_or,
        "__ror__": _reflected(comparison.bitwise_or),
        "__xor__": comparison.bitwise_xor,
        "__rxor__": _reflected(comparison.bitwise_xor),
        "__lshift__": comparison.bitwise_left_shift,
        "__rlshift__": _reflected(comparison.bitwise_left_shift),
        "__rshift__": comparison.bitwise_right_shift,
        "__rrshift__": _reflected(comparison.bitwise_right_shift),
        "__eq__": comparison.eq,
        "__ne__": comparison.ne,
        "__lt__": comparison.lt,
        "__le__": comparison.le,
        "__gt__": comparison.gt,
        "__ge__": comparison.ge,
        "__neg__": arithmetic.neg,
        "__abs__": arithmetic.abs,
        "__pos__": elementwise.positive,
        "__invert__": comparison.bitwise_not,
    }
    for name, fn in operators.items():
        setattr(Tensor, name, fn)
    # like torch, ``tensor == None`` (or any non-number) is False, not an error: Python
    # falls back to identity when both sides answer NotImplemented
    Tensor.__eq__ = _comparison_operator(comparison.eq)
    Tensor.__ne__ = _comparison_operator(comparison.ne)
    augmented = {
        "__iadd__": "add_",
        "__isub__": "sub_",
        "__imul__": "mul_",
        "__itruediv__": "div_",
        "__ifloordiv__": "floor_divide_",
        "__imod__": "remainder_",
        "__ipow__": "pow_",
        "__iand__": "bitwise_and_",
        "__ior__": "bitwise_or_",
        "__ixor__": "bitwise_xor_",
        "__ilshift__": "bitwise_left_shift_",
        "__irshift__": "bitwise_right_shift_",
    }
    for name, method in augmented.items():
        setattr(Tensor, name, getattr(Tensor, method))
