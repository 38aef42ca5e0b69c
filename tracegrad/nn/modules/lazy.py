"""Lazy layers: ``LazyLinear``, ``LazyConv1d``, ``LazyConv2d``, ``LazyBatchNorm1d``,
``LazyBatchNorm2d``.

A lazy layer is built without its input size (d2l.ai writes its models this way:
``nn.LazyLinear(10)``). Its weights start as ``UninitializedParameter``s; the first call
reads the input's size, allocates and initialises the weights exactly as the ordinary layer
would (the same draws from the random generator, so the same values after
``manual_seed``), and the module then *becomes* that ordinary layer: its class changes to
``Linear``, ``Conv2d`` ... and it prints as one.
"""

from __future__ import annotations

from ..parameter import UninitializedBuffer, UninitializedParameter
from .batchnorm import BatchNorm1d, BatchNorm2d
from .conv import Conv1d, Conv2d
from .linear import Linear
from .module import Module

__all__ = ["LazyBatchNorm1d", "LazyBatchNorm2d", "LazyConv1d", "LazyConv2d", "LazyLinear"]


class _LazyMixin:
    """First call: ``initialize_parameters(input)``, then become ``cls_to_become``."""

    cls_to_become = None

    def has_uninitialized_params(self) -> bool:
        """True until the first call has given the weights their shapes."""
        return any(
            isinstance(value, UninitializedParameter | UninitializedBuffer)
            for value in [*self._parameters.values(), *self._buffers.values()]
        )

    def forward(self, *args, **kwargs):
        target = type(self).cls_to_become
        if self.has_uninitialized_params():
            self.initialize_parameters(*args, **kwargs)
            self.__class__ = target
        return target.forward(self, *args, **kwargs)

    def reset_parameters(self) -> None:
        """The ordinary layer's initial draws, once the weights have their shapes."""
        if not self.has_uninitialized_params():
            type(self).cls_to_become.reset_parameters(self)


class LazyLinear(_LazyMixin, Linear):
    r"""``Linear`` whose ``in_features`` is read from the first input's last dimension.

    Example::

        >>> import tracegrad as torch
        >>> layer = torch.nn.LazyLinear(3)
        >>> layer
        LazyLinear(in_features=0, out_features=3, bias=True)
        >>> layer(torch.ones(2, 5)).shape
        torch.Size([2, 3])
        >>> layer
        Linear(in_features=5, out_features=3, bias=True)
    """

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None) -> None:
        Module.__init__(self)
        self.in_features = 0
        self.out_features = out_features
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.register_parameter(
            "bias", UninitializedParameter(device=device, dtype=dtype) if bias else None
        )

    def initialize_parameters(self, input) -> None:
        self.in_features = input.shape[-1]
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self.reset_parameters()


class _LazyConvMixin(_LazyMixin):
    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None) -> None:  # fmt: skip
        Module.__init__(self)
        # the ordinary layer with no input channels yet: its checks and attributes, no draws
        self.cls_to_become.__init__(
            self, 0, out_channels, kernel_size, stride=stride, padding=padding,
            dilation=dilation, groups=groups, bias=bias, padding_mode=padding_mode,
            device=device, dtype=dtype,
        )  # fmt: skip
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.register_parameter(
            "bias", UninitializedParameter(device=device, dtype=dtype) if bias else None
        )

    def reset_parameters(self) -> None:
        # (also called by the ordinary layer's __init__ while there are no channels yet)
        if self.in_channels != 0 and not self.has_uninitialized_params():
            type(self).cls_to_become.reset_parameters(self)

    def initialize_parameters(self, input, *args) -> None:
        batched = input.dim() == self._dims + 2
        self.in_channels = input.shape[1 if batched else 0]
        if self.in_channels % self.groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        self.weight.materialize(shape)
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.reset_parameters()


class LazyConv1d(_LazyConvMixin, Conv1d):
    """``Conv1d`` whose ``in_channels`` is read from the first input."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConvMixin, Conv2d):
    """``Conv2d`` whose ``in_channels`` is read from the first input (d2l's LeNet, AlexNet,
    VGG ... are written with it)."""

    cls_to_become = Conv2d


class _LazyNormMixin(_LazyMixin):
    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None) -> None:  # fmt: skip
        Module.__init__(self)
        self.cls_to_become.__init__(self, 0, eps, momentum, affine, track_running_stats,
                                    device, dtype)  # fmt: skip
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)

    def initialize_parameters(self, input) -> None:
        self.num_features = input.shape[1] if input.dim() > 1 else input.shape[0]
        if self.affine:
            self.weight.materialize((self.num_features,))
            self.bias.materialize((self.num_features,))
        if self.track_running_stats:
            self.running_mean.materialize((self.num_features,))
            self.running_var.materialize((self.num_features,))
        self.reset_parameters()


class LazyBatchNorm1d(_LazyNormMixin, BatchNorm1d):
    """``BatchNorm1d`` whose ``num_features`` is read from the first input."""

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormMixin, BatchNorm2d):
    """``BatchNorm2d`` whose ``num_features`` is read from the first input."""

    cls_to_become = BatchNorm2d
