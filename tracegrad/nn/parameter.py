"""``nn.Parameter``: a tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

from .._creation import empty
from .._tensor import Tensor


class Parameter(Tensor):
    r"""A kind of Tensor that is to be considered a module parameter.

    Parameters are :class:`~torch.Tensor` subclasses that have a very special property
    when used with :class:`Module` s: when they're assigned as Module attributes they are
    automatically added to the list of its parameters, and will appear e.g. in
    :meth:`~Module.parameters` iterator. Assigning a Tensor doesn't have such effect.

    The parameter shares its values (and version counter) with ``data``; it is a leaf
    of the graph even when ``data`` is not.

    Args:
        data (Tensor): parameter tensor. Default: an empty tensor.
        requires_grad (bool, optional): if the parameter requires gradient.
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
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(
                f"_make_subclass(): argument 'data' (position 2) must be Tensor, not "
                f"{type(data).__name__}"
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
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(Tensor._make(self._data.copy()), self._requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (type(self), self._data.copy(), self._requires_grad))


def _rebuild_parameter(cls, array, requires_grad):
    return cls(Tensor._make(array), requires_grad)


__all__ = ["Parameter"]
