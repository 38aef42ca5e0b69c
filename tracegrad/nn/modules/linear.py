"""Affine layers: ``Identity``, ``Linear`` (y = x Wᵀ + b) and ``Bilinear``."""

from __future__ import annotations

import math

from ... import _creation
from ..._tensor import Tensor
from .. import functional as F  # noqa: N812 - torch's spelling
from .. import init
from ..parameter import Parameter
from .module import Module as _Module

__all__ = ["Bilinear", "Identity", "Linear"]

# kaiming_uniform_ with negative slope √5 gives the half-width 1/√fan_in for the weight;
# calling it (rather than computing the width ourselves) keeps the last bit identical.
_WEIGHT_SLOPE = math.sqrt(5)


def _fresh_parameter(shape, device, dtype) -> Parameter:
    """An uninitialised learnable tensor; reset_parameters() fills it afterwards."""
    return Parameter(_creation.empty(shape, device=device, dtype=dtype))


def _uniform_around_zero(tensor, half_width) -> None:
    """Fill ``tensor`` in place from U(-half_width, half_width)."""
    init.uniform_(tensor, -half_width, half_width)


class Identity(_Module):
    r"""Pass-through layer: ``Identity()(x)`` is ``x`` itself, whatever ``x`` is.

    Handy as a stand-in, e.g. to switch off one stage of a model without rewriting the
    model: ``model.head = nn.Identity()``. Every constructor argument is accepted and
    ignored, so it can replace any layer by name.

    Shape:
        Whatever goes in comes out: same object, same shape.

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


class Linear(_Module):
    r"""Fully connected layer: every output is a weighted sum of the inputs plus a bias.

    For an input row :math:`x` of length ``in_features`` it computes
    :math:`y = x W^\top + b`, where :math:`W` has shape ``(out_features, in_features)``
    and :math:`b` has length ``out_features``. Leading dimensions are batch dimensions:
    an input of shape ``(N, ..., in_features)`` gives ``(N, ..., out_features)``.

    Args:
        in_features: length of the last axis of the input.
        out_features: length of the last axis of the output.
        bias: ``False`` builds the layer without :math:`b` (``self.bias`` is then
            ``None``). Default ``True``.
        device, dtype: where and in which precision the parameters are created.

    Attributes:
        weight: learnable matrix :math:`W`, shape ``(out_features, in_features)``.
        bias: learnable vector :math:`b`, shape ``(out_features,)``, or ``None``.

    Both start from the uniform distribution on :math:`[-1/\sqrt{n}, 1/\sqrt{n}]` with
    :math:`n` = ``in_features``, drawn weight first and bias second as PyTorch draws
    them, so after the same ``manual_seed`` the values are bit-identical.

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
        self.weight = _fresh_parameter((out_features, in_features), device, dtype)
        # register_parameter(None) keeps "bias" a known (empty) slot, as print() shows.
        self.register_parameter(
            "bias", _fresh_parameter(out_features, device, dtype) if bias else None
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw the initial weight and bias (in this order) as ``nn.Linear`` does."""
        init.kaiming_uniform_(self.weight, a=_WEIGHT_SLOPE)
        if self.bias is None:
            return
        n_in = self.weight.shape[1]
        _uniform_around_zero(self.bias, 1 / math.sqrt(n_in) if n_in > 0 else 0)

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


class Bilinear(_Module):
    r"""Bilinear layer: each output mixes every pair (one feature of ``x1``, one of ``x2``).

    Output number :math:`k` is :math:`y_k = x_1^\top A_k\, x_2 + b_k`, with one matrix
    :math:`A_k` of shape ``(in1_features, in2_features)`` per output.

    Args:
        in1_features: length of the last axis of the first input (must be positive).
        in2_features: length of the last axis of the second input.
        out_features: length of the last axis of the output.
        bias: ``False`` drops :math:`b` (``self.bias`` is then ``None``). Default ``True``.
        device, dtype: where and in which precision the parameters are created.

    Shape:
        ``x1`` is ``(*, in1_features)`` and ``x2`` is ``(*, in2_features)`` with the same
        leading dimensions ``*``; the result is ``(*, out_features)``.

    Attributes:
        weight: learnable tensor of shape ``(out_features, in1_features, in2_features)``.
        bias: learnable vector of shape ``(out_features,)``, or ``None``.

    Both start from the uniform distribution on :math:`[-1/\sqrt{n}, 1/\sqrt{n}]` with
    :math:`n` = ``in1_features``.

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
        shape = (out_features, in1_features, in2_features)
        self.weight = _fresh_parameter(shape, device, dtype)
        self.register_parameter(
            "bias", _fresh_parameter(out_features, device, dtype) if bias else None
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw weight then bias from U(-1/√in1_features, 1/√in1_features)."""
        n_in = self.in1_features
        if n_in <= 0:
            raise ValueError(f"in1_features must be > 0, but got (in1_features={n_in})")
        half_width = 1 / math.sqrt(self.weight.shape[1])
        for tensor in (self.weight, self.bias):
            if tensor is not None:
                _uniform_around_zero(tensor, half_width)

    def forward(self, input1, input2):
        """Return ``x1ᵀ A x2 + b`` for every pair of rows."""
        weight, bias = self.weight, self.bias
        return F.bilinear(input1, input2, weight, bias)

    def extra_repr(self) -> str:
        has_bias = self.bias is not None
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={has_bias}"
        )
