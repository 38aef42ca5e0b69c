"""Layer normalization: ``LayerNorm``.

Where batch norm takes statistics of each feature across the batch, layer norm takes them
across the features of each sample, so it behaves the same in training and eval mode and
keeps no running buffers.
"""

from __future__ import annotations

import numbers

from ... import _creation
from .. import functional as F  # noqa: N812 - torch's spelling
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    r"""Normalize each sample over its trailing dims ``normalized_shape``.

    With :math:`\mu` and :math:`\sigma^2` the mean and the biased variance of the
    :math:`D = \prod` ``normalized_shape`` values of one sample,

    .. math::
        y = \frac{x - \mu}{\sqrt{\sigma^2 + \varepsilon}} \odot \gamma + \beta ,

    where :math:`\gamma` (starts at ones) and :math:`\beta` (starts at zeros) are learned
    tensors of shape ``normalized_shape``: one scale and one shift per element, not per
    channel as in batch norm.

    Args:
        normalized_shape (int or list): the shape of the trailing dims normalized over;
            an int ``d`` means ``(d,)``.
        eps: :math:`\varepsilon`, keeps the square root away from zero. Default: 1e-5
        elementwise_affine: learn :math:`\gamma` and :math:`\beta`. Default: ``True``
        bias: learn :math:`\beta` too (used only with ``elementwise_affine``).
            Default: ``True``

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.LayerNorm(4)
        LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
        >>> torch.nn.LayerNorm(2)(torch.tensor([[1.0, 3.0]]))
        tensor([[-1.0000,  1.0000]], grad_fn=<NativeLayerNormBackward0>)
    """

    def __init__(
        self,
        normalized_shape,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        one_dim = isinstance(normalized_shape, numbers.Integral)
        self.normalized_shape = (normalized_shape,) if one_dim else tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine

        def learned():
            return Parameter(_creation.empty(self.normalized_shape, device=device, dtype=dtype))

        self.register_parameter("weight", learned() if elementwise_affine else None)
        self.register_parameter("bias", learned() if elementwise_affine and bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Start as the plain normalization: gamma all ones, beta all zeros."""
        if not self.elementwise_affine:
            return
        init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input):
        gamma, beta = self.weight, self.bias
        return F.layer_norm(input, self.normalized_shape, gamma, beta, eps=self.eps)

    def extra_repr(self) -> str:
        has_bias = self.bias is not None
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={has_bias}"
        )
