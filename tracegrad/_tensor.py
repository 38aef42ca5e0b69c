"""The Tensor: a NumPy array plus the bookkeeping autograd needs.

A tensor holds

* ``_data``: its values, always a NumPy ``ndarray`` (views share memory like torch's);
* ``dtype``: the tracegrad dtype (one-to-one with ``_data.dtype``);
* ``grad_fn``: the graph node that produced it (``None`` for leaves), ``_output_nr``
  says which output of that node it is;
* ``_requires_grad``, ``_grad``: the flag and the accumulated gradient of a leaf;
* ``_version``: a one-element list shared by a tensor and all its views, bumped by every
  in-place write, so that backward can tell when a saved value was overwritten.

Operations are not defined here: each lives once in ``tracegrad/ops`` and is attached to
the class as a method by the ops package. This file keeps attributes and conversions.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Sequence

import numpy as np

from . import _dtype as dtypes
from ._device import CPU, check_device
from .autograd import grad_mode

# torch's warning when the .grad of a non-leaf tensor is read (backward leaves it empty)
_NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information."
)


class Size(tuple):
    """``torch.Size``: a tuple of ints that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        result = []
        for position, n in enumerate(sizes):
            if isinstance(n, Tensor) and n._data.ndim == 0 and not n.dtype.is_floating_point:
                n = n.item()
            if not isinstance(n, int | np.integer):
                raise TypeError(
                    f"torch.Size() takes an iterable of 'int' (item {position} is "
                    f"'{type(n).__name__}')"
                )
            result.append(int(n))
        return tuple.__new__(cls, result)

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self) -> int:
        """The number of elements of a tensor of this size."""
        result = 1
        for n in self:
            result *= n
        return result

    def __getitem__(self, index):
        result = tuple.__getitem__(self, index)
        return Size(result) if isinstance(index, slice) else result

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(other, self))

    def __mul__(self, count):
        result = tuple.__mul__(self, count)
        return result if result is NotImplemented else Size(result)

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))


class Tensor:
    """A multi-dimensional array that can record the operations applied to it.

    Create tensors with ``tracegrad.tensor``, ``zeros``, ``randn`` ...; the constructor
    ``Tensor(2, 3)`` (uninitialised float tensor of that size) and ``Tensor(data)`` follow
    torch's legacy constructor.
    """

    __slots__ = (
        "_data",
        "dtype",
        "grad_fn",
        "_requires_grad",
        "_version",
        "__weakref__",
        "__dict__",
    )

    # rarely set attributes: class-level defaults, stored in the instance __dict__ only
    # when set, so that creating a tensor (on every op's path) assigns only the slots
    _hooks = None
    _retains_grad = False
    _grad = None  # set on leaves that received a gradient
    _output_nr = 0  # which output of its grad_fn (set for the outputs after the first)
    _accumulator = None
    _post_accumulate_hooks = None

    # numpy must defer to Tensor's reflected operators (ndarray * Tensor -> Tensor.__rmul__)
    __array_ufunc__ = None

    def __init__(self, *args, dtype=None, device=None):
        check_device(device)
        target = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
        if len(args) == 1 and not isinstance(args[0], int | Size):
            data = args[0]
            if isinstance(data, Tensor):
                data = data._data
            elif not isinstance(data, Sequence | np.ndarray) or isinstance(data, str):
                raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
            from ._creation import _array_from_data, _infer_dtype

            array = _array_from_data(data, target, _infer_dtype(data))
        else:
            # Tensor(2, 3), Tensor(torch.Size([2, 3])): that size, zero-filled (torch leaves
            # it uninitialised); Tensor() is empty
            from ._creation import _size

            array = np.zeros(_size(args, "new") if args else (0,), dtype=target.np)
        _init(self, array, False)

    @staticmethod
    def _make(array: np.ndarray, requires_grad: bool = False, grad_fn=None, output_nr=0):
        """Wrap an ndarray without copying (internal fast constructor)."""
        tensor = _new_object(Tensor)  # _init's body, written out: this runs for most tensors
        tensor._data = array
        tensor.dtype = dtypes._FROM_NUMPY[array.dtype]
        tensor._requires_grad = requires_grad
        tensor.grad_fn = grad_fn
        if output_nr:
            tensor._output_nr = output_nr
        tensor._version = [0]
        return tensor

    # ----------------------------------------------------------------- views

    @property
    def _base(self):
        """The tensor whose memory this view shares (``None`` when it is no view)."""
        return self.__dict__.get("_view_of")

    @_base.setter
    def _base(self, base) -> None:
        self.__dict__["_view_of"] = base
        # Views that carry a gradient history of a non-leaf base are remembered (weakly) by
        # the base: an in-place write through one of them, or into the base, changes what
        # the others hold, and their history must then be re-derived from the new base.
        # (a plain dict of weak references: cheaper to fill than a WeakValueDictionary)
        if base is not None and self._requires_grad and base.grad_fn is not None:
            views = base.__dict__.get("_views")
            if views is None:
                views = base.__dict__["_views"] = {}
            views[id(self)] = weakref.ref(self)
            if len(views) % 256 == 0:  # many views of one base: forget the dead ones
                for key in [key for key, ref in views.items() if ref() is None]:
                    del views[key]

    def _storage_owner(self) -> Tensor:
        """The tensor that owns the memory this one uses (itself when it owns it)."""
        owner = self._base if self._base is not None else self
        return owner.__dict__.get("_storage_of", owner)

    def _live_views(self) -> list:
        """The views remembered by this base that still exist."""
        views = self.__dict__.get("_views")
        if not views:
            return []
        return [view for view in (ref() for ref in list(views.values())) if view is not None]

    # ----------------------------------------------------------------- attributes

    @property
    def data(self) -> Tensor:
        """The same values as a tensor that does not require grad (shares memory).

        Unlike ``detach()`` it has a version counter of its own, as in torch: in-place
        changes through ``.data`` are hidden from autograd (a later ``backward`` uses the
        changed values without the "modified by an inplace operation" check)."""
        out = Tensor._make(self._data)
        out.__dict__["_storage_of"] = self._storage_owner()
        return out

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data
        self.dtype = value.dtype

    @property
    def shape(self) -> Size:
        """The size of each dimension, as a ``torch.Size``."""
        # an array's shape is already a tuple of ints: skip Size's checks (a hot path)
        return tuple.__new__(Size, self._data.shape)

    def size(self, dim: int | None = None):
        """The shape as a ``torch.Size``, or the length of dimension ``dim``."""
        if dim is None:
            return tuple.__new__(Size, self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, scalar_ok=False)]

    def dim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self._data.ndim

    def numel(self) -> int:
        """The number of elements."""
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        """Bytes per element."""
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    @property
    def device(self):
        """Always the CPU device."""
        return CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def get_device(self) -> int:
        return -1

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded operation."""
        return self.grad_fn is None

    @property
    def requires_grad(self) -> bool:
        """Whether gradients flow to (or through) this tensor."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if not isinstance(flag, bool):
            raise RuntimeError("requires_grad must be a bool")
        if self.grad_fn is not None:
            raise RuntimeError(_leaf_only_message(flag))
        if flag and not self.dtype.is_floating_point:
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients"
            )
        self._requires_grad = flag

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return the tensor.

        Unlike assigning ``requires_grad``, this accepts ``True`` on a tensor computed from
        ones that require grad (it already does), as torch does.
        """
        requires_grad = bool(requires_grad)
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(_leaf_only_message(False))
            return self
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = requires_grad
        return self

    @property
    def grad(self):
        """The gradient accumulated by ``backward()`` (``None`` until then).

        Reading it on a non-leaf tensor that does not retain its gradient warns, as in
        torch: backward never fills it (``retain_grad()`` asks it to)."""
        if self._grad is None and self.grad_fn is not None and not self._retains_grad:
            warnings.warn(_NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor "
                    f"of size '{list(self.shape)}'. Please ensure that the gradient and the "
                    "tensor are the same size"
                )
        self._grad = value

    @property
    def T(self) -> Tensor:  # noqa: N802 - torch's name
        """All dimensions reversed (``permute(n-1, ..., 0)``); the transpose of a matrix."""
        return self.permute(*range(self._data.ndim - 1, -1, -1))

    @property
    def mT(self) -> Tensor:  # noqa: N802
        """The last two dimensions swapped (a batch of transposed matrices)."""
        if self._data.ndim < 2:
            raise RuntimeError(
                f"tensor.mT is only supported on matrices or batches of matrices. Got "
                f"{self._data.ndim}-D tensor."
            )
        return self.transpose(-2, -1)

    @property
    def H(self) -> Tensor:  # noqa: N802
        return self.T

    @property
    def mH(self) -> Tensor:  # noqa: N802
        return self.mT

    @property
    def is_sparse(self) -> bool:
        return False

    @property
    def layout(self):
        return "torch.strided"

    def is_floating_point(self) -> bool:
        """True for float16/32/64 tensors."""
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return False

    def is_contiguous(self, memory_format=None) -> bool:
        """True when the elements are laid out in row-major order without gaps."""
        return self._data.flags.c_contiguous

    def stride(self, dim: int | None = None):
        """Steps in elements between neighbours along each dimension."""
        if self._data.size == 0:
            # NumPy gives empty arrays zero strides; torch keeps row-major ones
            steps, step = [], 1
            for n in reversed(self._data.shape):
                steps.insert(0, step)
                step *= max(n, 1)
            steps = tuple(steps)
        else:
            steps = tuple(s // self._data.itemsize for s in self._data.strides)
        if dim is None:
            return steps
        return steps[_wrap_dim(dim, self._data.ndim, scalar_ok=False)]

    def storage_offset(self) -> int:
        base = self._storage_owner()._data
        start = self._data.__array_interface__["data"][0]
        return (start - base.__array_interface__["data"][0]) // self._data.itemsize

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def untyped_storage(self) -> UntypedStorage:
        """The bytes this tensor's memory lives in (shared by all its views)."""
        data = self._storage_owner()._data
        while isinstance(data.base, np.ndarray):  # the array that owns the memory
            data = data.base
        return UntypedStorage(data)

    # ----------------------------------------------------------------- conversions

    def item(self):
        """The single value of a one-element tensor, as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self):
        """The values as (nested) Python lists."""
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The values as a NumPy array sharing memory with the tensor."""
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self._requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data if dtype is None else self._data.astype(dtype)

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def _scalar(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                "Boolean value of Tensor with more than one value is ambiguous"
                if self._data.size > 1
                else "Boolean value of Tensor with no values is ambiguous"
            )
        return bool(self._data.reshape(()).item())

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        from ._printing import format_tensor

        grad_fn = type(self.grad_fn).__name__ if self.grad_fn is not None else None
        return format_tensor(
            self._data,
            self.dtype.name,
            default_dtype=dtypes.get_default_dtype().name,
            requires_grad=self._requires_grad and grad_fn is None,
            grad_fn=grad_fn,
            is_parameter=getattr(self, "_is_param", False),
        )

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        # plain pickling of a tensor keeps values and dtype (used by copy/deepcopy and
        # multiprocessing); files use tracegrad.save, which never runs pickle.
        return (_rebuild, (self._data.copy(), self._requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment.  If you were attempting to deepcopy a "
                "module, this may be because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        result = type(self).__new__(type(self))
        _init(result, self._data.copy(), self._requires_grad)
        if self._grad is not None:
            result._grad = self._grad.__deepcopy__(memo)
        for key, value in getattr(self, "__dict__", {}).items():
            if key not in _MEMORY_LINKS:  # the copy has memory of its own
                result.__dict__[key] = value
        memo[id(self)] = result
        return result

    def type(self, dtype=None, non_blocking: bool = False):
        """With no argument the legacy type name (``torch.FloatTensor``), else ``to(dtype)``."""
        if dtype is None:
            return "torch." + _LEGACY_NAMES[self.dtype.name]
        dtype = getattr(dtype, "_legacy_dtype", dtype)  # torch.FloatTensor and the like
        if isinstance(dtype, str):
            names = {"torch." + v: k for k, v in _LEGACY_NAMES.items()}
            if dtype not in names:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = getattr(dtypes, names[dtype])
        return self.to(dtype)

    def cpu(self, memory_format=None) -> Tensor:
        """The tensor itself (it is already on the CPU)."""
        return self

    def cuda(self, device=None, non_blocking: bool = False, memory_format=None) -> Tensor:
        """Raise torch's CPU-build error: tracegrad has no CUDA backend."""
        check_device("cuda")
        return self

    def to(self, *args, **kwargs) -> Tensor:
        """Convert dtype (and check the device): ``to(torch.float64)``, ``to('cpu')``,
        ``to(other)``, ``to(device, dtype)``; returns ``self`` when nothing changes."""
        target = None
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        for arg in list(args) + [kwargs.pop("device", None), kwargs.pop("dtype", None)]:
            if arg is None:
                continue
            if isinstance(arg, Tensor):
                target = arg.dtype
            elif isinstance(arg, dtypes.dtype):
                target = arg
            elif isinstance(arg, str) or hasattr(arg, "type"):
                check_device(arg)
            else:
                target = dtypes.to_dtype(arg)
        if kwargs:
            raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
        if target is None or target is self.dtype:
            return self.clone() if copy else self
        return self._to_dtype(target)

    def float(self, memory_format=None) -> Tensor:
        """Convert to float32."""
        return self.to(dtypes.float32)

    def double(self, memory_format=None) -> Tensor:
        """Convert to float64."""
        return self.to(dtypes.float64)

    def half(self, memory_format=None) -> Tensor:
        """Convert to float16."""
        return self.to(dtypes.float16)

    def long(self, memory_format=None) -> Tensor:
        """Convert to int64."""
        return self.to(dtypes.int64)

    def int(self, memory_format=None) -> Tensor:
        """Convert to int32."""
        return self.to(dtypes.int32)

    def short(self, memory_format=None) -> Tensor:
        return self.to(dtypes.int16)

    def char(self, memory_format=None) -> Tensor:
        return self.to(dtypes.int8)

    def byte(self, memory_format=None) -> Tensor:
        return self.to(dtypes.uint8)

    def bool(self, memory_format=None) -> Tensor:
        """Convert to bool (nonzero is True)."""
        return self.to(dtypes.bool)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False) -> Tensor:
        from ._creation import tensor

        return tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
        from ._creation import zeros

        return zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
        from ._creation import ones

        return ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from ._creation import full

        return full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
        from ._creation import empty

        return empty(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    # ----------------------------------------------------------------- autograd

    def detach(self) -> Tensor:
        """A new tensor sharing the values, cut from the graph (``requires_grad=False``)."""
        out = Tensor._make(self._data)
        out._version = self._version
        # as in torch, the result shares the storage but is no view for autograd (its
        # ``_base`` is None): an in-place op through a view of it changes its own history
        out.__dict__["_storage_of"] = self._storage_owner()
        return out

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place, making it a leaf."""
        self.grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after ``backward()``."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        reference = weakref.ref(self)

        def keep(grad):
            tensor = reference()
            if tensor is not None:
                # like torch: the first gradient is copied, later ones are added
                tensor._grad = (
                    grad.detach().clone()
                    if tensor._grad is None
                    else (tensor._grad + grad.detach())
                )

        if self._hooks is None:
            self._hooks = []
        self._hooks.append(keep)
        self.grad_fn._register_tensor_hook(self._output_nr, self)

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook):
        """Call ``hook(grad)`` when the gradient of this tensor is computed; a returned
        tensor replaces the gradient. Returns a handle with ``remove()``."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        if self.grad_fn is not None:
            self.grad_fn._register_tensor_hook(self._output_nr, self)
        return _RemovableHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` after the gradient of this leaf has been accumulated."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = []
        self._post_accumulate_hooks.append(hook)
        return _RemovableHandle(self._post_accumulate_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor with respect to the graph leaves.

        The gradients are added into each leaf's ``.grad``. ``gradient`` is the vector in
        the vector-Jacobian product; it may be omitted only for a one-element tensor.
        """
        global _engine_backward
        if _engine_backward is None:  # imported once, on first use (the engine imports us)
            from .autograd.engine import backward as _engine_backward

        _engine_backward(
            (self,),
            None if gradient is None else (gradient,),
            retain_graph,
            create_graph,
            inputs=inputs,
        )

    def _bump_version(self) -> None:
        self._version[0] += 1

    @property
    def _version_value(self) -> int:
        return self._version[0]


def _leaf_only_message(flag: bool) -> str:
    if flag:
        return "you can only change requires_grad flags of leaf variables."
    return (
        "you can only change requires_grad flags of leaf variables. If you want to use a "
        "computed variable in a subgraph that doesn't require differentiation use "
        "var_no_grad = var.detach()."
    )


# the attributes that tie a tensor to others sharing its memory (see ``Tensor._base``)
_MEMORY_LINKS = frozenset({"_view_of", "_storage_of", "_views"})


class UntypedStorage:
    """The memory under a tensor and its views, as ``torch.UntypedStorage``: a byte count
    and an address (``data_ptr``) shared by every view of the same memory."""

    device = "cpu"

    def __init__(self, array: np.ndarray):
        self._array = array

    def data_ptr(self) -> int:
        return self._array.__array_interface__["data"][0]

    def nbytes(self) -> int:
        return self._array.nbytes

    def size(self) -> int:
        return self._array.nbytes

    __len__ = size

    def element_size(self) -> int:
        return 1

    def tolist(self) -> list:
        return list(np.frombuffer(self._array.tobytes(), dtype=np.uint8))

    def __repr__(self) -> str:
        body = "".join(f" {int(b)}\n" for b in self.tolist())
        return f"{body}[torch.storage.UntypedStorage(device=cpu) of size {self.nbytes()}]"


def type_name(value) -> str:
    """The type of ``value`` as torch's argument errors name it: NumPy's types with their
    module (``numpy.ndarray``, ``numpy.float64``), others by their bare name (``list``)."""
    kind = type(value)
    return f"numpy.{kind.__name__}" if kind.__module__ == "numpy" else kind.__name__


_engine_backward = None
_new_object = object.__new__


def _init(tensor, array, requires_grad, grad_fn=None, output_nr=0):
    tensor._data = array
    tensor.dtype = dtypes._FROM_NUMPY[array.dtype]
    tensor._requires_grad = requires_grad
    tensor.grad_fn = grad_fn
    tensor._output_nr = output_nr
    tensor._grad = None
    tensor._version = [0]


def _rebuild(array, requires_grad):
    return Tensor._make(array, requires_grad)


class _RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` unregisters the hook."""

    def __init__(self, hooks: list, hook):
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


_LEGACY_NAMES = {
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "float16": "HalfTensor",
    "int64": "LongTensor",
    "int32": "IntTensor",
    "int16": "ShortTensor",
    "int8": "CharTensor",
    "uint8": "ByteTensor",
    "bool": "BoolTensor",
}


def _wrap_dim(dim: int, ndim: int, scalar_ok: bool = True) -> int:
    """Turn a possibly negative ``dim`` into an index, with torch's IndexError.

    A 0-d tensor accepts dims 0 and -1 unless ``scalar_ok`` is false (``size(dim)``,
    ``stride(dim)``), where torch reports that it has no dimensions.
    """
    low, high = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if not isinstance(dim, int | np.integer) or isinstance(dim, bool):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if ndim == 0 and not scalar_ok:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if dim < low or dim > high:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})"
        )
    return dim + ndim if dim < 0 else (0 if ndim == 0 else dim)


def is_grad_recording(*tensors) -> bool:
    """True when an operation on ``tensors`` must record a graph node."""
    if not grad_mode._state[0]:
        return False
    for t in tensors:
        if t._requires_grad:
            return True
    return False
