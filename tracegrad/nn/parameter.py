"""``nn.Parameter``: a tensor that a Module registers as one of its learnable weights."""

from __future__ import annotations

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


__all__ = ["Parameter"]
