"""``Dropout``: randomly zero elements during training (identity in eval mode)."""

from __future__ import annotations

from .. import functional as F  # noqa: N812 - torch's spelling
from .module import Module

__all__ = ["Dropout"]


class _DropoutNd(Module):
    __constants__ = ["p", "inplace"]

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    r"""During training, randomly zeroes some of the elements of the input tensor with
    probability :attr:`p`, and scales the outputs by a factor of :math:`\frac{1}{1-p}`.

    Each element is zeroed independently on every call, with the mask PyTorch draws on
    the CPU for the same seed. In evaluation mode (``model.eval()``) the module computes
    the identity function.

    Args:
        p: probability of an element to be zeroed. Default: 0.5
        inplace: If set to ``True``, will do this operation in-place. Default: ``False``

    Shape:
        - Input: :math:`(*)`. Input can be of any shape
        - Output: :math:`(*)`. Output is of the same shape as input

    Examples::

        >>> import tracegrad as torch
        >>> m = torch.nn.Dropout(p=0.2)
        >>> m
        Dropout(p=0.2, inplace=False)
        >>> m(torch.randn(20, 16)).size()
        torch.Size([20, 16])
        >>> m.eval()(torch.ones(3))
        tensor([1., 1., 1.])
    """

    def forward(self, input):
        """Apply ``F.dropout(input, p, training, inplace)``."""
        return F.dropout(input, self.p, self.training, self.inplace)
