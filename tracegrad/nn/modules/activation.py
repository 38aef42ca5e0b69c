"""Activation modules: each applies the ``nn.functional`` function of the same name."""

from __future__ import annotations

import warnings

from ... import _creation, ops
from .. import functional as F  # noqa: N812 - torch's spelling
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = [
    "ELU",
    "GELU",
    "Hardtanh",
    "LeakyReLU",
    "LogSoftmax",
    "PReLU",
    "ReLU",
    "ReLU6",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Tanh",
    "Threshold",
]


def _inplace_text(inplace, separator=", ") -> str:
    return f"{separator}inplace=True" if inplace else ""


class Threshold(Module):
    r"""Thresholds each element of the input Tensor.

    .. math::
        y = \begin{cases} x, &\text{ if } x > \text{threshold} \\
        \text{value}, &\text{ otherwise } \end{cases}

    Args:
        threshold: The value to threshold at
        value: The value to replace with
        inplace: can optionally do the operation in-place. Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.Threshold(0.1, 20)(torch.tensor([0.0, 0.5]))
        tensor([20.0000,  0.5000])
    """

    __constants__ = ["threshold", "value", "inplace"]

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_inplace_text(self.inplace)}"


class ReLU(Module):
    r"""Applies the rectified linear unit function element-wise:
    :math:`\text{ReLU}(x) = (x)^+ = \max(0, x)`.

    Args:
        inplace: can optionally do the operation in-place. Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> import tracegrad as torch
        >>> m = torch.nn.ReLU()
        >>> m(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

    __constants__ = ["inplace"]

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace_text(self.inplace, "")


class Hardtanh(Module):
    r"""Applies the HardTanh function element-wise:
    :math:`\max(\text{min\_val}, \min(x, \text{max\_val}))`.

    Args:
        min_val: minimum value of the linear region range. Default: -1
        max_val: maximum value of the linear region range. Default: 1
        inplace: can optionally do the operation in-place. Default: ``False``

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.Hardtanh(-2, 2)(torch.tensor([-3.0, 1.0, 3.0]))
        tensor([-2.,  1.,  2.])
    """

    __constants__ = ["min_val", "max_val", "inplace"]

    def __init__(
        self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None
    ) -> None:
        super().__init__()
        if min_value is not None:
            warnings.warn(
                "keyword argument `min_value` is deprecated and renamed to `min_val`",
                FutureWarning,
                stacklevel=2,
            )
            min_val = min_value
        if max_value is not None:
            warnings.warn(
                "keyword argument `max_value` is deprecated and renamed to `max_val`",
                FutureWarning,
                stacklevel=2,
            )
            max_val = max_value
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise AssertionError(
                f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})"
            )

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_text(self.inplace)}"


class ReLU6(Hardtanh):
    r"""Applies the ReLU6 function element-wise: :math:`\min(\max(0,x), 6)`.

    Args:
        inplace: can optionally do the operation in-place. Default: ``False``

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.ReLU6()(torch.tensor([-1.0, 3.0, 9.0]))
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace_text(self.inplace, "")


class Sigmoid(Module):
    r"""Applies the Sigmoid function element-wise:
    :math:`\text{Sigmoid}(x) = \sigma(x) = \frac{1}{1 + \exp(-x)}`.

    Shape:
        - Input: :math:`(*)`, where :math:`*` means any number of dimensions.
        - Output: :math:`(*)`, same shape as the input.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.Sigmoid()(torch.tensor([0.0]))
        tensor([0.5000])
    """

    def forward(self, input):
        return ops.sigmoid(input)


class Tanh(Module):
    r"""Applies the Hyperbolic Tangent (Tanh) function element-wise:
    :math:`\text{Tanh}(x) = \frac{\exp(x) - \exp(-x)} {\exp(x) + \exp(-x)}`.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.Tanh()(torch.tensor([0.0]))
        tensor([0.])
    """

    def forward(self, input):
        return ops.tanh(input)


class SiLU(Module):
    r"""Applies the Sigmoid Linear Unit (SiLU) function, element-wise:
    :math:`\text{silu}(x) = x * \sigma(x)`.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.SiLU()(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7311])
    """

    __constants__ = ["inplace"]

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace_text(self.inplace, "")


class ELU(Module):
    r"""Applies the Exponential Linear Unit (ELU) function, element-wise:
    :math:`x` if :math:`x > 0`, :math:`\alpha (\exp(x) - 1)` otherwise.

    Args:
        alpha: the :math:`\alpha` value for the ELU formulation. Default: 1.0
        inplace: can optionally do the operation in-place. Default: ``False``

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.ELU()
        ELU(alpha=1.0)
    """

    __constants__ = ["alpha", "inplace"]

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace_text(self.inplace)}"


class GELU(Module):
    r"""Applies the Gaussian Error Linear Units function: :math:`\text{GELU}(x) = x \Phi(x)`,
    :math:`\Phi` the cumulative distribution function of the standard normal.

    When ``approximate='tanh'``: :math:`0.5 x (1 + \tanh(\sqrt{2/\pi} (x + 0.044715 x^3)))`.

    Args:
        approximate (str, optional): the gelu approximation algorithm to use:
            ``'none'`` | ``'tanh'``. Default: ``'none'``

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.GELU(approximate="tanh")
        GELU(approximate='tanh')
    """

    __constants__ = ["approximate"]

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={repr(self.approximate)}"


class LeakyReLU(Module):
    r"""Applies the LeakyReLU function element-wise:
    :math:`\max(0, x) + \text{negative\_slope} * \min(0, x)`.

    Args:
        negative_slope: Controls the angle of the negative slope (which is used for
          negative input values). Default: 1e-2
        inplace: can optionally do the operation in-place. Default: ``False``

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.LeakyReLU(0.1)(torch.tensor([-2.0, 3.0]))
        tensor([-0.2000,  3.0000])
    """

    __constants__ = ["inplace", "negative_slope"]

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}{_inplace_text(self.inplace)}"


class Softplus(Module):
    r"""Applies the Softplus function element-wise:
    :math:`\frac{1}{\beta} \log(1 + \exp(\beta x))`, reverting to the linear function
    when :math:`\beta x > \text{threshold}`.

    Args:
        beta: the :math:`\beta` value for the Softplus formulation. Default: 1
        threshold: values above this revert to a linear function. Default: 20

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.Softplus()
        Softplus(beta=1.0, threshold=20.0)
    """

    __constants__ = ["beta", "threshold"]

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class PReLU(Module):
    r"""Applies the element-wise PReLU function: :math:`\max(0,x) + a * \min(0,x)`, with a
    learnable :math:`a`: one value, or one per channel (dim 1 of the input).

    Args:
        num_parameters (int): number of :math:`a` to learn: 1, or the number of
            channels of the input. Default: 1
        init (float): the initial value of :math:`a`. Default: 0.25

    Attributes:
        weight (Tensor): the learnable weights of shape (:attr:`num_parameters`).

    Examples::

        >>> import tracegrad as torch
        >>> m = torch.nn.PReLU()
        >>> m(torch.tensor([-2.0, 2.0]))
        tensor([-0.5000,  2.0000], grad_fn=<PreluKernelBackward0>)
    """

    __constants__ = ["num_parameters"]

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(_creation.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Fill the weight with ``init``."""
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Softmax(Module):
    r"""Applies the Softmax function to an n-dimensional input Tensor, rescaling the
    slices along ``dim`` to lie in [0, 1] and sum to 1:
    :math:`\text{Softmax}(x_{i}) = \frac{\exp(x_i)}{\sum_j \exp(x_j)}`.

    Args:
        dim (int): A dimension along which Softmax will be computed (so every slice
            along dim will sum to 1).

    Examples::

        >>> import tracegrad as torch
        >>> m = torch.nn.Softmax(dim=1)
        >>> m(torch.zeros(2, 4))
        tensor([[0.2500, 0.2500, 0.2500, 0.2500],
                [0.2500, 0.2500, 0.2500, 0.2500]])
    """

    __constants__ = ["dim"]

    def __init__(self, dim=None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    r"""Applies the :math:`\log(\text{Softmax}(x))` function to an n-dimensional input
    Tensor: :math:`\log\left(\frac{\exp(x_i) }{ \sum_j \exp(x_j)} \right)`.

    Args:
        dim (int): A dimension along which LogSoftmax will be computed.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.LogSoftmax(dim=1)
        LogSoftmax(dim=1)
    """

    __constants__ = ["dim"]

    def __init__(self, dim=None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
