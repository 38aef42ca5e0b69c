"""``Unfold`` and ``Fold``: an image's sliding windows as columns (im2col) and back."""

from __future__ import annotations

from .. import functional as F  # noqa: N812 - torch's spelling
from .module import Module

__all__ = ["Fold", "Unfold"]


class Unfold(Module):
    r"""Extract sliding local blocks (im2col): (N, C, H, W) -> (N, C·kH·kW, L), one column
    per window. See ``tracegrad.nn.functional.unfold``.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.Unfold(kernel_size=(2, 3))(torch.zeros(2, 5, 3, 4)).shape
        torch.Size([2, 30, 4])
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        """The columns of ``input``'s windows."""
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
            f"padding={self.padding}, stride={self.stride}"
        )


class Fold(Module):
    r"""Combine sliding local blocks into a tensor (col2im, the adjoint of ``Unfold``):
    (N, C·kH·kW, L) -> (N, C, H, W) with ``output_size`` = (H, W); overlapping values add.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.Fold(output_size=(4, 5), kernel_size=(2, 2))(torch.zeros(1, 12, 12)).shape
        torch.Size([1, 3, 4, 5])
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        """The image whose windows are ``input``'s columns, overlaps added."""
        return F.fold(
            input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride
        )

    def extra_repr(self) -> str:
        return (
            f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
            f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
        )
