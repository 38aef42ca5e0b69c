"""``torch.autograd.Variable``: the wrapper of early PyTorch, kept for old course code.

Since PyTorch 0.4 every tensor records gradients itself, so ``Variable(t)`` only returns
a tensor that shares ``t``'s data, detached from its graph, with ``requires_grad`` set as
asked; and every tensor counts as a Variable for ``isinstance``.
"""

from __future__ import annotations

import warnings


class _VariableMeta(type):
    def __instancecheck__(cls, instance):
        from .._tensor import Tensor

        return isinstance(instance, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(data, requires_grad=False)``: ``data`` detached, as a new leaf tensor."""

    def __new__(cls, data, requires_grad=False, volatile=False):
        from .._tensor import Tensor

        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if volatile:
            warnings.warn(
                "volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                UserWarning,
                stacklevel=2,
            )
        return data.detach().requires_grad_(requires_grad)
