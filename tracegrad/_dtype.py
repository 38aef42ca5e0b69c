"""Data types and PyTorch's type-promotion rules.

A tracegrad ``dtype`` names a NumPy dtype the way PyTorch does (``torch.float32`` ...).
Promotion follows PyTorch, which differs from NumPy in two ways a student meets early:

* an integer tensor combined with a float gives the *default* float dtype
  (``int64_tensor * 2.5`` is float32, NumPy would say float64), and
* Python scalars and 0-d tensors do not upcast tensors with dimensions unless they are
  of a higher category (bool < integer < floating): ``float16_tensor + 1.5`` stays float16.
"""

from __future__ import annotations

import builtins

import numpy as np


class dtype:  # noqa: N801 - the public name is torch's
    """A tensor element type, printed as ``torch.float32`` etc."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_category")

    def __init__(self, name: str, np_dtype, category: int):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = category == FLOAT
        self.is_signed = name not in ("uint8", "bool")
        self.itemsize = self.np.itemsize
        self._category = category

    @property
    def is_complex(self) -> bool:
        return False

    def to_real(self) -> dtype:
        return self

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


BOOL, INT, FLOAT = 0, 1, 2

float32 = dtype("float32", np.float32, FLOAT)
float64 = dtype("float64", np.float64, FLOAT)
float16 = dtype("float16", np.float16, FLOAT)
int64 = dtype("int64", np.int64, INT)
int32 = dtype("int32", np.int32, INT)
int16 = dtype("int16", np.int16, INT)
int8 = dtype("int8", np.int8, INT)
uint8 = dtype("uint8", np.uint8, INT)
bool = dtype("bool", np.bool_, BOOL)  # noqa: A001 - torch.bool

float = float32  # noqa: A001 - torch.float
double = float64
half = float16
long = int64
int = int32  # noqa: A001 - torch.int
short = int16

ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool)
_FROM_NUMPY = {d.np: d for d in ALL}
_NAMES = {d.name: d for d in ALL}

# the C++ scalar-type names PyTorch's error messages use ("expected Float but found Long")
TYPE_WORDS = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}

# the C++ type names torch's matrix-product kernels print ("float != double")
C_TYPE_NAMES = {
    "float64": "double",
    "float32": "float",
    "float16": "c10::Half",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}


def _by_name(name: str) -> dtype:
    return _NAMES[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The tracegrad dtype of a NumPy dtype; TypeError for types torch has no tensor for."""
    try:
        return _FROM_NUMPY[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        kind = np.dtype(np_dtype)
        if kind.kind in "uc":  # torch has these (uint16/32/64, complex); tracegrad does not
            raise TypeError(
                f"can't convert np.ndarray of type numpy.{kind.type.__name__}: tracegrad has no "
                f"{kind.name} dtype. The supported types are: float64, float32, float16, int64, "
                "int32, int16, int8, uint8, and bool."
            ) from None
        raise TypeError(  # torch's message, which lists torch's types
            f"can't convert np.ndarray of type numpy.{kind.type.__name__}. The only supported "
            "types are: float64, float32, float16, complex64, complex128, int64, int32, int16, "
            "int8, uint64, uint32, uint16, uint8, and bool."
        ) from None


_default = [float32]


def get_default_dtype() -> dtype:
    """The dtype of float tensors created without ``dtype=`` (float32 unless changed)."""
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype; only float32 and float64 (and float16) are allowed."""
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def to_dtype(d) -> dtype:
    """Accept a tracegrad dtype, a Python type (float, int, bool) or a NumPy dtype.

    As in torch, the Python type ``float`` means float64 whatever the default dtype is.
    """
    if isinstance(d, dtype):
        return d
    if d is builtins.float:
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool
    try:
        return from_numpy_dtype(d)
    except TypeError:
        raise TypeError(f"expected a torch.dtype, but got {d!r}") from None


def promote_types(a: dtype, b: dtype) -> dtype:
    """``torch.promote_types``: the smallest dtype both ``a`` and ``b`` convert to safely."""
    if a is b:
        return a
    key = (a, b)
    result = _PROMOTE_CACHE.get(key)
    if result is None:
        if a._category != b._category:
            # bool < integer < float: the higher category wins, whatever its size
            # (int64 with float16 is float16, unlike NumPy's float64)
            result = a if a._category > b._category else b
        else:
            result = _FROM_NUMPY[np.promote_types(a.np, b.np)]
        _PROMOTE_CACHE[key] = result
    return result


_PROMOTE_CACHE: dict = {}


def scalar_dtype(value) -> dtype:
    """The dtype a Python scalar would have as a tensor (bool, int64, or the default float)."""
    if isinstance(value, builtins.bool | np.bool_):
        return bool
    if isinstance(value, builtins.int | np.integer):
        return int64
    if isinstance(value, builtins.float | np.floating):
        return get_default_dtype()
    if isinstance(value, complex):
        raise TypeError("complex numbers are not supported by tracegrad")
    raise TypeError(f"unsupported scalar type {type(value).__name__}")


def result_type(dim_dtypes, zero_dim_dtypes, scalar_dtypes) -> dtype:
    """PyTorch's ``result_type`` over three kinds of operands.

    Each list is promoted on its own; a lower-priority kind (0-d tensors, then Python
    scalars) only matters when it is of a higher category than the kinds before it.
    """
    dim = _promote_all(dim_dtypes)
    zero = _promote_all(zero_dim_dtypes)
    scalar = _promote_all(scalar_dtypes)
    return _combine(dim, _combine(zero, scalar))


def _promote_all(dtypes):
    result = None
    for d in dtypes:
        result = d if result is None else promote_types(result, d)
    return result


def _combine(higher, lower):
    if higher is None:
        return lower
    if lower is None or higher._category >= lower._category:
        return higher
    if lower._category == FLOAT or higher is bool:
        return promote_types(higher, lower)
    return higher
