"""``nn.Parameter``: a tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

import numpy as np

from .._creation import empty
from .._tensor import Tensor


class Parameter(Tensor):
    r"""A tensor that marks itself as a learnable weight of a model.

    Assigning a ``Parameter`` to an attribute of a :class:`Module` registers it: it then
    shows up in ``module.parameters()`` (what you hand to an optimizer), in
    ``named_parameters()`` and in ``state_dict()``. Assigning a plain tensor stores it
    as an ordinary attribute and registers nothing; use ``register_buffer`` for state
    that should be saved but not trained.

    A parameter is always a leaf of the autograd graph, even when built from a tensor
    that has a history, and it shares its storage (and version counter) with ``data``:
    no copy is made.

    Args:
        data (Tensor): the initial values. Default: an empty tensor.
        requires_grad (bool, optional): whether ``backward()`` fills ``.grad``.
            Default: ``True``

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.Parameter(torch.ones(2))
        Parameter containing:
        tensor([1., 1.], requires_grad=True)
    """

    # Tensor.__repr__ prints "Parameter containing:" for tensors with this flag
    _is_param = True

    def __init__(self, data=None, requires_grad=True):
        data = empty(0) if data is None else data
        if not isinstance(data, Tensor):
            # torch fails this way when it detaches the data; the second line says why
            kind = type(data)
            name = kind.__qualname__
            if kind.__module__ != "builtins":
                name = f"{kind.__module__}.{name}"
            raise AttributeError(
                f"'{name}' object has no attribute 'detach'\n"
                "nn.Parameter takes a Tensor: wrap the values in torch.tensor(...) first"
            )
        if requires_grad and not data.dtype.is_floating_point:
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        self._data = data._data
        self.dtype = data.dtype
        self._version = data._version
        self.grad_fn = None
        self._output_nr = 0
        self._requires_grad = bool(requires_grad)
        self._grad = None

    def __deepcopy__(self, memo):
        # as torch: a parameter with copied values and the same flag, without its grad
        key = id(self)
        if key in memo:
            return memo[key]
        result = type(self)(Tensor._make(self._data.copy()), self._requires_grad)
        memo[key] = result
        return result

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (type(self), self._data.copy(), self._requires_grad))


def _rebuild_parameter(cls, array, requires_grad):
    return cls(Tensor._make(array), requires_grad)


_UNINITIALIZED_SHAPE = (
    "Can't access the shape of an uninitialized parameter or buffer. This error usually "
    "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
    "initialized one. Call `forward` to initialize the parameters before accessing their "
    "attributes."
)


class _Uninitialized:
    """A placeholder without a shape yet (a lazy layer's weight before its first call);
    ``materialize(shape)`` gives it storage and turns it into ``cls_to_become``."""

    cls_to_become = Tensor

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Allocate ``shape`` (uninitialized values, as ``torch.empty``) and become an
        ordinary ``cls_to_become`` (the same object: optimizers holding it see the change)."""
        if dtype is not None:
            self.dtype = dtype
        self._data = np.empty(tuple(shape), dtype=self.dtype.np)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(_UNINITIALIZED_SHAPE)

    def size(self, dim=None):
        raise RuntimeError(_UNINITIALIZED_SHAPE)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    __str__ = __repr__


class UninitializedParameter(_Uninitialized, Parameter):
    """The weight of a lazy layer before its first call (prints ``<UninitializedParameter>``)."""

    cls_to_become = Parameter

    def __init__(self, requires_grad=True, device=None, dtype=None) -> None:
        Parameter.__init__(self, empty(0, device=device, dtype=dtype), requires_grad)


class UninitializedBuffer(_Uninitialized, Tensor):
    """A lazy layer's buffer (batch norm's running statistics) before its first call."""

    cls_to_become = Tensor

    def __init__(self, requires_grad=False, device=None, dtype=None) -> None:
        data = empty(0, device=device, dtype=dtype)
        self._data, self.dtype, self._version = data._data, data.dtype, data._version
        self.grad_fn, self._output_nr, self._requires_grad, self._grad = None, 0, False, None


__all__ = ["Parameter", "UninitializedBuffer", "UninitializedParameter"]
