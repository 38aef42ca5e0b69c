"""Convolution layers: ``Conv1d``, ``Conv2d``, ``Conv3d`` and the transposed ones,
``ConvTranspose1d``, ``ConvTranspose2d``, ``ConvTranspose3d``.
"""

from __future__ import annotations

import math

from ... import _creation
from .. import functional as F  # noqa: N812 - torch's spelling
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = [
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
]

_PADDING_MODES = ("replicate", "reflect", "circular", "zeros")  # as torch's message lists them


def _ntuple(value, n) -> tuple:
    """``3`` -> ``(3, 3)`` for n = 2; a sequence becomes a tuple as it is."""
    if isinstance(value, int):
        return (value,) * n
    return tuple(value)


class _ConvNd(Module):
    """What Conv1d/2d/3d share: argument checks, parameters, initialisation, repr."""

    _dims = 0  # spatial dims, set by each subclass
    _transposed = False  # True for ConvTranspose*: weight (C_in, C_out/groups, *kernel)

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        padding_mode="zeros",
        device=None,
        dtype=None,
        output_padding=0,
    ) -> None:
        super().__init__()
        n = self._dims
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        stride = _ntuple(stride, n)
        dilation = _ntuple(dilation, n)
        if isinstance(padding, str) and not self._transposed:
            if padding not in ("valid", "same"):
                raise ValueError(
                    f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}"
                )
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = _ntuple(padding, n)
        if padding_mode not in _PADDING_MODES:
            listed = ", ".join(repr(mode) for mode in _PADDING_MODES)
            raise ValueError(
                f"padding_mode must be one of {{{listed}}}, but got padding_mode={padding_mode!r}"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ntuple(kernel_size, n)
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = self._transposed
        self.output_padding = _ntuple(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        if self._transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(_creation.empty(shape, device=device, dtype=dtype))
        bias_value = Parameter(_creation.empty(out_channels, device=device, dtype=dtype))
        self.register_parameter("bias", bias_value if bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's initial draw, weight first then bias: W ~ U(±1/√fan_in) through
        kaiming_uniform_ with a = √5 (the same bits as torch), b ~ U(±1/√fan_in), where
        fan_in = weight.shape[1] · prod(kernel_size) (in_channels/groups for a convolution,
        out_channels/groups for a transposed one)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        n = self._dims
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * n:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text

    def _conv_forward(self, input, weight, bias):
        if self.padding_mode != "zeros":
            # F.pad implements only constant padding so far
            raise NotImplementedError(
                f"tracegrad implements only padding_mode='zeros' of {type(self).__name__}, "
                f"not {self.padding_mode!r}"
            )
        conv = (F.conv1d, F.conv2d, F.conv3d)[self._dims - 1]
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        """Convolve ``input`` with ``weight`` and add ``bias``."""
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_ConvNd):
    r"""1-d convolution over a batch of sequences (N, C_in, L) -> (N, C_out, L_out).

    ``out[n, o] = bias[o] + Σ_c weight[o, c] ⋆ input[n, c]`` (⋆: cross-correlation), with
    ``L_out = floor((L + 2·padding − dilation·(kernel_size − 1) − 1)/stride) + 1``.
    ``weight`` has shape (C_out, C_in/groups, kernel_size). The arguments are those of
    ``Conv2d`` with one value per argument.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.Conv1d(16, 33, 3, stride=2)
        Conv1d(16, 33, kernel_size=(3,), stride=(2,))
    """

    _dims = 1


class Conv2d(_ConvNd):
    r"""2-d convolution over a batch of images (N, C_in, H, W) -> (N, C_out, H_out, W_out).

    Each output channel ``o`` slides its own filter, ``weight[o]`` of shape
    (C_in/groups, kH, kW), over the input and adds ``bias[o]``:
    ``H_out = floor((H + 2·padding − dilation·(kH − 1) − 1)/stride) + 1`` (W alike).

    Args:
        in_channels, out_channels: C_in and C_out.
        kernel_size: kH×kW, an int for a square.
        stride: step between windows. Default 1.
        padding: zeros added on each side, an int, a pair, ``'valid'`` (0) or ``'same'``
            (the output keeps the input's size; stride 1 only). Default 0.
        dilation: spacing between the kernel's taps. Default 1.
        groups: channel blocks convolved independently. Default 1.
        bias: learn ``bias``. Default ``True``.
        padding_mode: only ``'zeros'`` runs here (others are accepted and shown).

    Weight and bias start from U(−1/√fan_in, 1/√fan_in), fan_in = C_in/groups·kH·kW,
    drawn as torch draws them: after the same ``manual_seed`` they are bit-identical.

    Examples::

        >>> import tracegrad as torch
        >>> conv = torch.nn.Conv2d(1, 6, kernel_size=5, padding=2)
        >>> conv
        Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
        >>> conv(torch.zeros(8, 1, 28, 28)).shape
        torch.Size([8, 6, 28, 28])
    """

    _dims = 2


class Conv3d(_ConvNd):
    r"""3-d convolution over a batch of volumes (N, C_in, D, H, W); the arguments as for
    ``Conv2d`` with triples.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.Conv3d(2, 4, 3)
        Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))
    """

    _dims = 3


class _ConvTransposeNd(_ConvNd):
    """What ConvTranspose1d/2d/3d share; ``forward`` may ask for an ``output_size``."""

    _transposed = True

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups=1,
        bias=True,
        dilation=1,
        padding_mode="zeros",
        device=None,
        dtype=None,
    ) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            bias,
            padding_mode,
            device,
            dtype,
            output_padding,
        )

    def _output_padding(self, input, output_size):
        """The output_padding that gives ``output_size`` (given as the spatial sizes, or
        with the batch and channel dims), checked against the sizes that can be had."""
        if output_size is None:
            return self.output_padding
        n = self._dims
        output_size = [int(v) for v in output_size]
        if len(output_size) == input.dim():  # with the batch and channel dims
            output_size = output_size[-n:]
        if len(output_size) != n:
            raise ValueError(
                f"ConvTranspose{n}D: for {input.dim()}D input, output_size must have {n} or "
                f"{input.dim()} elements (got {len(output_size)})"
            )
        spatial = tuple(input.shape[-n:])
        smallest = [
            (size - 1) * s - 2 * p + d * (k - 1) + 1
            for size, s, p, d, k in zip(
                spatial, self.stride, self.padding, self.dilation, self.kernel_size, strict=True
            )
        ]
        largest = [low + s - 1 for low, s in zip(smallest, self.stride, strict=True)]
        for want, low, high in zip(output_size, smallest, largest, strict=True):
            if not low <= want <= high:
                raise ValueError(
                    f"requested an output size of {output_size}, but valid sizes range from "
                    f"{smallest} to {largest} (for an input of {input.shape[-n:]})"
                )
        return tuple(want - low for want, low in zip(output_size, smallest, strict=True))

    def forward(self, input, output_size=None):
        """Spread every input value over a window of the output (see conv_transpose2d)."""
        output_padding = self._output_padding(input, output_size)
        conv = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[self._dims - 1]
        return conv(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            output_padding,
            self.groups,
            self.dilation,
        )


class ConvTranspose1d(_ConvTransposeNd):
    r"""1-d transposed convolution (N, C_in, L) -> (N, C_out, L_out), the adjoint of
    ``Conv1d``: ``L_out = (L − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1``.
    ``weight`` has shape (C_in, C_out/groups, k).

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.ConvTranspose1d(2, 3, 4)
        ConvTranspose1d(2, 3, kernel_size=(4,), stride=(1,))
    """

    _dims = 1


class ConvTranspose2d(_ConvTransposeNd):
    r"""2-d transposed convolution ("deconvolution") (N, C_in, H, W) -> (N, C_out, H_out,
    W_out): each input pixel paints its value times the kernel onto a window of the output,
    windows ``stride`` apart, so ``ConvTranspose2d(c, c, 4, stride=2, padding=1)`` doubles
    the height and width (the upsampling of fully convolutional networks).

    ``H_out = (H − 1)·stride − 2·padding + dilation·(kH − 1) + output_padding + 1``.
    ``weight`` has shape (C_in, C_out/groups, kH, kW) and starts, like the bias, from
    torch's draws. ``forward(input, output_size)`` picks ``output_padding`` to reach the
    requested size.

    Examples::

        >>> import tracegrad as torch
        >>> up = torch.nn.ConvTranspose2d(3, 3, kernel_size=4, stride=2, padding=1)
        >>> up
        ConvTranspose2d(3, 3, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))
        >>> up(torch.zeros(1, 3, 8, 8)).shape
        torch.Size([1, 3, 16, 16])
    """

    _dims = 2


class ConvTranspose3d(_ConvTransposeNd):
    """3-d transposed convolution; the arguments as for ``ConvTranspose2d`` with triples.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.ConvTranspose3d(2, 4, 3)
        ConvTranspose3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))
    """

    _dims = 3
