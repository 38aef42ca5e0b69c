"""``Dropout`` and ``Dropout2d``: randomly zero elements, or whole channels, during
training (identity in eval mode)."""

from __future__ import annotations

from .. import functional as F  # noqa: N812 - torch's spelling
from .module import Module

__all__ = ["Dropout", "Dropout2d"]


class Dropout(Module):
    r"""Dropout regularization: while training, each element of the input is dropped
    (set to 0) with probability ``p`` and every kept element is multiplied by
    :math:`1/(1-p)`,

    .. math::
        y_i = \frac{m_i\, x_i}{1 - p}, \qquad m_i \sim \mathrm{Bernoulli}(1 - p),

    so that :math:`\mathbb{E}[y_i] = x_i`: the layer needs no rescaling at test time.
    A fresh mask is drawn on every call (for the same seed, the mask PyTorch draws on
    the CPU). After ``model.eval()`` the layer passes its input through unchanged.

    Args:
        p: the drop probability, between 0 and 1. Default: 0.5
        inplace: overwrite the input tensor instead of allocating the output.
            Default: ``False``

    The output has the shape of the input, whatever that shape is.

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

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        # written so that NaN passes, as in PyTorch
        if p > 1 or p < 0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        """Drop and rescale in training mode; return ``input`` as is in eval mode."""
        return F.dropout(input, p=self.p, training=self.training, inplace=self.inplace)

    def extra_repr(self) -> str:
        shown = {"p": self.p, "inplace": self.inplace}
        return ", ".join(f"{key}={value}" for key, value in shown.items())


class Dropout2d(Dropout):
    r"""Channel dropout: while training, each channel of each sample (a whole H×W plane)
    is zeroed with probability ``p`` and the kept ones scaled by 1/(1−p). Neighbouring
    pixels are strongly correlated, so dropping single pixels hardly regularizes a
    convolutional network; dropping channels does. Identity in eval mode.

    The mask is drawn as torch draws it (one Bernoulli per sample and channel), so after
    the same ``manual_seed`` the same channels are dropped.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.Dropout2d(p=0.2)
        Dropout2d(p=0.2, inplace=False)
    """

    def forward(self, input):
        """Drop whole channels in training mode; return ``input`` as is in eval mode."""
        return F.dropout2d(input, self.p, self.training, self.inplace)
