"""Affine layers: ``Identity``, ``Linear`` (y = x Wᵀ + b) and ``Bilinear``."""

from __future__ import annotations

import math

from ... import _creation
from ..._tensor import Tensor
from .. import functional as F  # noqa: N812 - torch's spelling
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Bilinear", "Identity", "Linear"]


class Identity(Module):
    r"""A placeholder identity operator that is argument-insensitive.

    Args:
        args: any argument (unused)
        kwargs: any keyword argument (unused)

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> import tracegrad as torch
        >>> m = torch.nn.Identity(54, unused_argument1=0.1, unused_argument2=False)
        >>> m(torch.randn(128, 20)).size()
        torch.Size([128, 20])
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input):
        """Return the input itself."""
        return input


class Linear(Module):
    r"""Applies an affine linear transformation to the incoming data: :math:`y = xA^T + b`.

    Args:
        in_features: size of each input sample
        out_features: size of each output sample
        bias: If set to ``False``, the layer will not learn an additive bias.
            Default: ``True``

    Shape:
        - Input: :math:`(*, H_\text{in})` where :math:`*` means any number of
          dimensions including none and :math:`H_\text{in} = \text{in\_features}`.
        - Output: :math:`(*, H_\text{out})` where all but the last dimension
          are the same shape as the input and :math:`H_\text{out} = \text{out\_features}`.

    Attributes:
        weight: the learnable weights of the module of shape
            :math:`(\text{out\_features}, \text{in\_features})`. The values are
            initialized from :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})`, where
            :math:`k = \frac{1}{\text{in\_features}}`
        bias:   the learnable bias of the module of shape :math:`(\text{out\_features})`.
                If :attr:`bias` is ``True``, the values are initialized from
                :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})` where
                :math:`k = \frac{1}{\text{in\_features}}`

    The initial values are drawn exactly as PyTorch draws them (weight first, then bias),
    so after the same ``manual_seed`` they are bit-identical.

    Examples::

        >>> import tracegrad as torch
        >>> m = torch.nn.Linear(20, 30)
        >>> output = m(torch.randn(128, 20))
        >>> print(output.size())
        torch.Size([128, 30])
        >>> _ = torch.manual_seed(0)
        >>> torch.nn.Linear(3, 2).weight
        Parameter containing:
        tensor([[-0.0043,  0.3097, -0.4752],
                [-0.4249, -0.2224,  0.1548]], requires_grad=True)
    """

    __constants__ = ["in_features", "out_features"]

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(
            _creation.empty((out_features, in_features), device=device, dtype=dtype)
        )
        if bias:
            self.bias = Parameter(_creation.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw the initial weight and bias (in this order) as ``nn.Linear`` does."""
        # kaiming_uniform_ with a=√5 is the same as uniform(-1/√in_features, 1/√in_features)
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        """Return ``input @ weight.T + bias``."""
        # Errors are explained after they happen, so a correct call pays no extra check.
        try:
            return F.linear(input, self.weight, self.bias)
        except (RuntimeError, TypeError) as error:
            raise type(error)(self._explain(input, error)) from None

    def _explain(self, input, error: Exception) -> str:
        """The error message of a failed call, naming this layer and what it expected."""
        layer = f"{self._get_name()}({self.extra_repr()})"
        if not isinstance(input, Tensor):
            return f"{layer}: {error}"
        if input.dim() >= 1 and input.shape[-1] != self.in_features:
            return (
                f"{layer} expects an input of shape [*, {self.in_features}] "
                f"(in_features={self.in_features}), but got one of shape "
                f"{list(input.shape)}: {error}"
            )
        if input.dtype != self.weight.dtype:
            return (
                f"{layer} has {self.weight.dtype} parameters, but got a {input.dtype} input "
                f"(convert one of them with .to()): {error}"
            )
        return f"{layer}: {error}"

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Bilinear(Module):
    r"""Applies a bilinear transformation to the incoming data: :math:`y = x_1^T A x_2 + b`.

    Args:
        in1_features: size of each first input sample, must be > 0
        in2_features: size of each second input sample
        out_features: size of each output sample
        bias: If set to ``False``, the layer will not learn an additive bias.
            Default: ``True``

    Shape:
        - Input1: :math:`(*, H_\text{in1})` where :math:`H_\text{in1}=\text{in1\_features}`
          and :math:`*` means any number of additional dimensions including none. All but
          the last dimension of the inputs should be the same.
        - Input2: :math:`(*, H_\text{in2})` where :math:`H_\text{in2}=\text{in2\_features}`.
        - Output: :math:`(*, H_\text{out})` where :math:`H_\text{out}=\text{out\_features}`
          and all but the last dimension are the same shape as the input.

    Attributes:
        weight: the learnable weights of the module of shape
            :math:`(\text{out\_features}, \text{in1\_features}, \text{in2\_features})`.
            The values are initialized from :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})`, where
            :math:`k = \frac{1}{\text{in1\_features}}`
        bias: the learnable bias of the module of shape :math:`(\text{out\_features})`,
            initialized from :math:`\mathcal{U}(-\sqrt{k}, \sqrt{k})`.

    Examples::

        >>> import tracegrad as torch
        >>> m = torch.nn.Bilinear(20, 30, 40)
        >>> m(torch.randn(128, 20), torch.randn(128, 30)).size()
        torch.Size([128, 40])
    """

    __constants__ = ["in1_features", "in2_features", "out_features"]

    def __init__(
        self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None
    ) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(
            _creation.empty((out_features, in1_features, in2_features), device=device, dtype=dtype)
        )
        if bias:
            self.bias = Parameter(_creation.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw weight then bias from U(-1/√in1_features, 1/√in1_features)."""
        if self.in1_features <= 0:
            raise ValueError(
                f"in1_features must be > 0, but got (in1_features={self.in1_features})"
            )
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        """Return ``x1ᵀ A x2 + b`` for every pair of rows."""
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )
