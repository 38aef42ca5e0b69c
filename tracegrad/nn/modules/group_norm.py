"""Per-sample normalisation layers: ``GroupNorm`` and ``RMSNorm``.

Neither depends on the other samples of the batch (unlike batch norm), so both behave
the same in training and in eval mode, for any batch size, and keep no running buffers.
"""

from __future__ import annotations

import numbers

from ... import _creation
from .. import functional as F  # noqa: N812 - torch's spelling
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["GroupNorm", "RMSNorm"]


class GroupNorm(Module):
    r"""Normalise each sample over groups of channels, then scale and shift per channel.

    The ``num_channels`` channels (dim 1) are split into ``num_groups`` consecutive
    groups; each group of each sample (its channels and all positions) is brought to
    zero mean and unit biased variance:

    .. math:: y = \frac{x - \mu_g}{\sqrt{\sigma_g^2 + \varepsilon}} \gamma_c + \beta_c

    ``num_groups = 1`` normalises over all channels (like LayerNorm over (C, *)),
    ``num_groups = num_channels`` each channel alone (instance norm).

    Args:
        num_groups (int): groups to split the channels into; must divide ``num_channels``.
        num_channels (int): C, the size of dim 1 of the input.
        eps (float): added to the variance. Default: 1e-5
        affine (bool): learn :math:`\gamma` (starts at ones) and :math:`\beta` (zeros), one
            per channel. Default: ``True``
        bias (bool): learn :math:`\beta` too (with ``affine``). Default: ``True``

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.GroupNorm(2, 4)
        GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)
    """

    __constants__ = ["num_groups", "num_channels", "eps", "affine"]

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        bias: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(
                f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"
            )
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine

        def learned():
            return Parameter(_creation.empty(num_channels, device=device, dtype=dtype))

        self.register_parameter("weight", learned() if affine else None)
        self.register_parameter("bias", learned() if affine and bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Start as the plain normalisation: gamma all ones, beta all zeros."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    r"""Root-mean-square normalisation over the trailing dims ``normalized_shape``:

    .. math:: y = \frac{x}{\sqrt{\mathrm{mean}(x^2) + \varepsilon}} \odot \gamma

    LayerNorm without the centring and the shift (cheaper; used in recent transformers).

    Args:
        normalized_shape (int or list): the trailing dims normalised over.
        eps (float, optional): added to the mean square; ``None`` uses the machine epsilon
            of the input's dtype. Default: ``None``
        elementwise_affine (bool): learn :math:`\gamma` (starts at ones). Default: ``True``

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.RMSNorm(4)
        RMSNorm((4,), eps=None, elementwise_affine=True)
    """

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(
        self, normalized_shape, eps=None, elementwise_affine: bool = True, device=None, dtype=None
    ) -> None:
        super().__init__()
        one_dim = isinstance(normalized_shape, numbers.Integral)
        self.normalized_shape = (normalized_shape,) if one_dim else tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        weight = None
        if elementwise_affine:
            weight = Parameter(_creation.empty(self.normalized_shape, device=device, dtype=dtype))
        self.register_parameter("weight", weight)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Start as the plain normalisation: gamma all ones."""
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, input):
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )
