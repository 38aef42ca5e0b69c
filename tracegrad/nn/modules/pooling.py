"""Pooling layers: max and average pooling over windows, and adaptive pooling to a fixed
output size. Each is a thin module around its ``tracegrad.nn.functional`` form."""

from __future__ import annotations

from .. import functional as F  # noqa: N812 - torch's spelling
from .module import Module

__all__ = [
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "MaxPool1d",
    "MaxPool2d",
]


class _MaxPoolNd(Module):
    def __init__(
        self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        # no stride means windows side by side
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPoolNd):
    r"""1-d max pooling over (N, C, L) or (C, L): each output is the largest value of its
    window of ``kernel_size`` positions. See ``MaxPool2d`` for the arguments.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.MaxPool1d(2)(torch.tensor([[1.0, 3.0, 2.0, 0.0]]))
        tensor([[3., 2.]])
    """

    def forward(self, input):
        """The maxima (and, with ``return_indices``, their positions)."""
        return F.max_pool1d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            ceil_mode=self.ceil_mode,
            return_indices=self.return_indices,
        )


class MaxPool2d(_MaxPoolNd):
    r"""2-d max pooling over (N, C, H, W) or (C, H, W): each output is the largest value
    of its kH×kW window, so a feature survives if it is found anywhere in the window.

    Args:
        kernel_size: the window, an int or (kH, kW).
        stride: the step between windows. Default: ``kernel_size`` (no overlap).
        padding: −∞ added on each side, at most half the window. Default 0.
        dilation: spacing between the window's taps. Default 1.
        return_indices: also return each maximum's position in its flattened H·W plane.
        ceil_mode: keep a last, partial window (round the output size up).

    The gradient flows to the maximum of each window only.

    Examples::

        >>> import tracegrad as torch
        >>> pool = torch.nn.MaxPool2d(2)
        >>> pool
        MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
        >>> pool(torch.arange(16.0).reshape(1, 1, 4, 4))
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """

    def forward(self, input):
        """The maxima (and, with ``return_indices``, their positions)."""
        return F.max_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            ceil_mode=self.ceil_mode,
            return_indices=self.return_indices,
        )


def _single(value) -> tuple:
    return (value,) if isinstance(value, int) else tuple(value)


class AvgPool1d(Module):
    r"""1-d average pooling over (N, C, L) or (C, L): each output is the mean of its
    window. See ``AvgPool2d`` for the arguments (no ``divisor_override`` here).

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.AvgPool1d(2)
        AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))
    """

    def __init__(
        self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True
    ) -> None:
        super().__init__()
        # torch keeps the 1-d sizes as 1-tuples (its repr shows them so)
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        """The windows' means."""
        return F.avg_pool1d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    r"""2-d average pooling over (N, C, H, W) or (C, H, W): each output is the mean of its
    kH×kW window (LeNet's subsampling layer).

    Args:
        kernel_size: the window, an int or (kH, kW).
        stride: the step between windows. Default: ``kernel_size``.
        padding: zeros added on each side, at most half the window. Default 0.
        ceil_mode: keep a last, partial window. Default ``False``.
        count_include_pad: count the padding zeros in the divisor. Default ``True``.
        divisor_override: divide every window's sum by this number instead.

    Examples::

        >>> import tracegrad as torch
        >>> pool = torch.nn.AvgPool2d(2)
        >>> pool
        AvgPool2d(kernel_size=2, stride=2, padding=0)
        >>> pool(torch.arange(16.0).reshape(1, 4, 4))
        tensor([[[ 2.5000,  4.5000],
                 [10.5000, 12.5000]]])
    """

    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        ceil_mode=False,
        count_include_pad=True,
        divisor_override=None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        """The windows' means."""
        return F.avg_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AdaptivePoolNd(Module):
    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    r"""Average pooling of (N, C, L) or (C, L) to length ``output_size``, whatever L is.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.AdaptiveAvgPool1d(2)(torch.tensor([[1.0, 2.0, 3.0]]))
        tensor([[1.5000, 2.5000]])
    """

    def forward(self, input):
        """The adaptive windows' means."""
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    r"""Average pooling of (N, C, H, W) or (C, H, W) to a fixed (oH, oW), whatever the
    input's size: output row i averages input rows floor(i·H/oH) to ceil((i+1)·H/oH) − 1
    (columns alike). ``AdaptiveAvgPool2d((1, 1))`` is global average pooling, the head
    of many CNNs (NiN, GoogLeNet, ResNet). ``None`` keeps that dim's input size.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.AdaptiveAvgPool2d((1, 1))(torch.ones(2, 3, 5, 7)).shape
        torch.Size([2, 3, 1, 1])
    """

    def forward(self, input):
        """The adaptive windows' means."""
        return F.adaptive_avg_pool2d(input, self.output_size)


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    def __init__(self, output_size, return_indices=False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    r"""Max pooling of (N, C, L) or (C, L) to length ``output_size``.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.AdaptiveMaxPool1d(2)(torch.tensor([[1.0, 5.0, 3.0]]))
        tensor([[5., 5.]])
    """

    def forward(self, input):
        """The adaptive windows' maxima (and their positions with ``return_indices``)."""
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    r"""Max pooling of (N, C, H, W) or (C, H, W) to a fixed (oH, oW), with the windows of
    ``AdaptiveAvgPool2d``.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.AdaptiveMaxPool2d(3)
        AdaptiveMaxPool2d(output_size=3)
    """

    def forward(self, input):
        """The adaptive windows' maxima (and their positions with ``return_indices``)."""
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)
