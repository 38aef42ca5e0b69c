"""Activation layers: the nonlinearities placed between linear layers.

Without a nonlinearity, a stack of linear layers collapses into a single linear map, so
it can only fit linear functions. Each layer here applies one fixed function to every
element of its input (Softmax and LogSoftmax work along one dimension), so the output
has the shape of the input. The computation itself lives in ``nn.functional``; a layer
only stores its settings, which is what lets it sit inside ``nn.Sequential``.
"""

from __future__ import annotations

import warnings

from ... import _creation, ops
from .. import functional as F  # noqa: N812 - torch's spelling
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = [
    "CELU",
    "GLU",
    "Hardshrink",
    "Hardsigmoid",
    "Hardswish",
    "LogSigmoid",
    "Mish",
    "SELU",
    "Softmin",
    "Softshrink",
    "Softsign",
    "Tanhshrink",
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
    """The ``inplace=True`` part of a printed layer; nothing when it is off."""
    return f"{separator}inplace=True" if inplace else ""


class _InplaceActivation(Module):
    """An activation whose one option is ``inplace``: ``forward`` is ``_function(input,
    inplace)`` (``_function``: the ``nn.functional`` counterpart, set by each subclass)."""

    _function = None

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return self._function(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace_text(self.inplace, "")


class _AlphaActivation(Module):
    """An activation with a scale ``alpha`` and ``inplace`` (ELU, CELU): ``forward`` is
    ``_function(input, alpha, inplace)``."""

    _function = None

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return self._function(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace_text(self.inplace)}"


class _SoftmaxFamily(Module):
    """Softmax, LogSoftmax and Softmin: a normalisation along ``dim``; ``forward`` is
    ``_function(input, dim)``."""

    _function = None

    def __init__(self, dim=None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input):
        # _stacklevel points the "implicit dim" warning at the caller's line
        return self._function(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Threshold(Module):
    r"""Keep the elements above a threshold, replace the others by a fixed value.

    .. math::
        y = \begin{cases} x & \text{if } x > \text{threshold} \\
                          \text{value} & \text{otherwise} \end{cases}

    ReLU is the special case ``Threshold(0, 0)``.

    Args:
        threshold (float): elements must be strictly greater than this to be kept.
        value (float): what the other elements become.
        inplace (bool): overwrite the input instead of allocating the output.
            Default: ``False``

    Shape:
        - Input: any shape.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.Threshold(0.1, 20)(torch.tensor([0.0, 0.5]))
        tensor([20.0000,  0.5000])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        return F.threshold(input, threshold=self.threshold, value=self.value, inplace=self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_inplace_text(self.inplace)}"


class ReLU(_InplaceActivation):
    r"""Rectified linear unit: negative elements become zero, the others pass unchanged.

    .. math:: \mathrm{ReLU}(x) = \max(0, x)

    The default hidden-layer activation: cheap, and its gradient is exactly 1 for every
    positive input, so it does not shrink gradients the way sigmoid does. Its derivative
    is 0 for :math:`x < 0` (the value used at :math:`x = 0` is also 0).

    Args:
        inplace (bool): overwrite the input instead of allocating the output.
            Default: ``False``

    Shape:
        - Input: any shape.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> relu = torch.nn.ReLU()
        >>> relu(torch.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

    _function = staticmethod(F.relu)


class Hardtanh(Module):
    r"""Clip every element to the interval ``[min_val, max_val]``.

    .. math:: y = \min(\max(x, \text{min\_val}), \text{max\_val})

    A piecewise linear stand-in for tanh: identity in the middle, flat outside.

    Args:
        min_val (float): lower end of the interval. Default: ``-1.0``
        max_val (float): upper end; must be greater than ``min_val``. Default: ``1.0``
        inplace (bool): overwrite the input instead of allocating the output.
            Default: ``False``
        min_value, max_value: old names of ``min_val`` and ``max_val`` (deprecated).

    Shape:
        - Input: any shape.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.Hardtanh(-2, 2)(torch.tensor([-3.0, 1.0, 3.0]))
        tensor([-2.,  1.,  2.])
    """

    def __init__(
        self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None
    ) -> None:
        super().__init__()
        renamed = (("min_value", "min_val", min_value), ("max_value", "max_val", max_value))
        for old, new, given in renamed:
            if given is not None:
                warnings.warn(
                    f"keyword argument `{old}` is deprecated and renamed to `{new}`",
                    FutureWarning,
                    stacklevel=2,
                )
        min_val = min_val if min_value is None else min_value
        max_val = max_val if max_value is None else max_value
        if max_val <= min_val:
            # PyTorch reports an empty interval with AssertionError; so do we
            raise AssertionError(f"max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input):
        return F.hardtanh(input, min_val=self.min_val, max_val=self.max_val, inplace=self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_text(self.inplace)}"


class ReLU6(Hardtanh):
    r"""ReLU capped at 6: :math:`y = \min(\max(0, x), 6)`, i.e. ``Hardtanh(0, 6)``.

    The cap keeps activations in a small range, which suits low-precision arithmetic.

    Args:
        inplace (bool): overwrite the input instead of allocating the output.
            Default: ``False``

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.ReLU6()(torch.tensor([-1.0, 3.0, 9.0]))
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(min_val=0.0, max_val=6.0, inplace=inplace)

    def extra_repr(self) -> str:
        return _inplace_text(self.inplace, "")


class Sigmoid(Module):
    r"""The logistic function: squashes every element into :math:`(0, 1)`.

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \sigma'(x) = \sigma(x)(1 - \sigma(x))

    Used to turn a score into a probability (binary classification, gates). As a hidden
    activation it learns slowly: its derivative is at most 1/4 and vanishes for large
    :math:`|x|`.

    Shape:
        - Input: any shape.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.Sigmoid()(torch.tensor([0.0]))
        tensor([0.5000])
    """

    def forward(self, input):
        return ops.sigmoid(input)


class Tanh(Module):
    r"""Hyperbolic tangent: squashes every element into :math:`(-1, 1)`.

    .. math:: \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}, \qquad
              \tanh'(x) = 1 - \tanh^2(x)

    A zero-centred relative of the sigmoid (:math:`\tanh(x) = 2\sigma(2x) - 1`).

    Shape:
        - Input: any shape.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.Tanh()(torch.tensor([0.0]))
        tensor([0.])
    """

    def forward(self, input):
        return ops.tanh(input)


class SiLU(_InplaceActivation):
    r"""Sigmoid-weighted linear unit (also called swish): :math:`y = x \, \sigma(x)`.

    A smooth ReLU-like curve that dips slightly below zero for negative inputs.

    Args:
        inplace (bool): overwrite the input instead of allocating the output.
            Default: ``False``

    Shape:
        - Input: any shape.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.SiLU()(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7311])
    """

    _function = staticmethod(F.silu)


class ELU(_AlphaActivation):
    r"""Exponential linear unit: identity for positive inputs, a saturating exponential
    for negative ones.

    .. math::
        y = \begin{cases} x & \text{if } x > 0 \\
                          \alpha (e^{x} - 1) & \text{otherwise} \end{cases}

    Negative outputs (down to :math:`-\alpha`) keep the mean activation closer to zero
    than ReLU does.

    Args:
        alpha (float): the level the negative side approaches. Default: ``1.0``
        inplace (bool): overwrite the input instead of allocating the output.
            Default: ``False``

    Shape:
        - Input: any shape.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.ELU()
        ELU(alpha=1.0)
    """

    _function = staticmethod(F.elu)


class GELU(Module):
    r"""Gaussian error linear unit: :math:`y = x \, \Phi(x)`, where :math:`\Phi` is the
    standard normal cumulative distribution function.

    Each input is weighted by the probability that a standard normal variable lies below
    it; the activation of Transformer models. ``approximate='tanh'`` uses the cheaper
    :math:`0.5\,x\,(1 + \tanh(\sqrt{2/\pi}\,(x + 0.044715\,x^3)))`.

    Args:
        approximate (str): ``'none'`` for the exact formula or ``'tanh'``.
            Default: ``'none'``

    Shape:
        - Input: any shape.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.GELU(approximate="tanh")
        GELU(approximate='tanh')
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class LeakyReLU(Module):
    r"""ReLU with a small slope for negative inputs instead of a flat zero.

    .. math:: y = \max(0, x) + \text{negative\_slope} \cdot \min(0, x)

    The slope keeps a gradient flowing for negative inputs, so a unit cannot get stuck
    at zero output for good ("dying ReLU").

    Args:
        negative_slope (float): slope of the line for :math:`x < 0`. Default: ``0.01``
        inplace (bool): overwrite the input instead of allocating the output.
            Default: ``False``

    Shape:
        - Input: any shape.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.LeakyReLU(0.1)(torch.tensor([-2.0, 3.0]))
        tensor([-0.2000,  3.0000])
    """

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, negative_slope=self.negative_slope, inplace=self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}{_inplace_text(self.inplace)}"


class Softplus(Module):
    r"""A smooth, always positive version of ReLU.

    .. math:: y = \frac{1}{\beta} \log\left(1 + e^{\beta x}\right)

    Larger :math:`\beta` makes the bend sharper. Where :math:`\beta x` exceeds
    ``threshold`` the result is simply :math:`x` (the two agree there to float precision,
    and :math:`e^{\beta x}` would overflow). Handy when an output must be positive, such
    as a standard deviation.

    Args:
        beta (float): the sharpness :math:`\beta`. Default: ``1.0``
        threshold (float): above this value of :math:`\beta x` the layer returns
            :math:`x`. Default: ``20.0``

    Shape:
        - Input: any shape.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.Softplus()
        Softplus(beta=1.0, threshold=20.0)
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, beta=self.beta, threshold=self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class PReLU(Module):
    r"""Leaky ReLU whose negative slope :math:`a` is learned.

    .. math:: y = \max(0, x) + a \cdot \min(0, x)

    With ``num_parameters=1`` one slope is shared by all elements; with
    ``num_parameters=C`` each channel (dimension 1 of the input) learns its own.

    Args:
        num_parameters (int): how many slopes to learn: 1 or the number of channels.
            Default: ``1``
        init (float): the starting value of every slope. Default: ``0.25``

    Attributes:
        weight (Parameter): the slopes, shape ``(num_parameters,)``.

    Shape:
        - Input: any shape; with several slopes, dimension 1 must have
          ``num_parameters`` entries.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> prelu = torch.nn.PReLU()
        >>> prelu(torch.tensor([-2.0, 2.0]))
        tensor([-0.5000,  2.0000], grad_fn=<PreluKernelBackward0>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None):
        self.num_parameters = num_parameters  # a plain attribute: fine before __init__
        super().__init__()
        self.init = init
        self.weight = Parameter(_creation.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set every slope back to ``init``."""
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Softmax(_SoftmaxFamily):
    r"""Turn scores into probabilities along dimension ``dim``.

    .. math:: y_i = \frac{e^{x_i}}{\sum_j e^{x_j}}

    Along ``dim`` every output lies in :math:`[0, 1]` and the outputs sum to 1; the
    largest score gets the largest probability. For training a classifier, give the raw
    scores to ``CrossEntropyLoss`` instead: it applies log-softmax itself, more stably.

    Args:
        dim (int): the dimension that is normalised (usually the class dimension, 1 for
            an ``(N, C)`` batch).

    Shape:
        - Input: any shape.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> softmax = torch.nn.Softmax(dim=1)
        >>> softmax(torch.zeros(2, 4))
        tensor([[0.2500, 0.2500, 0.2500, 0.2500],
                [0.2500, 0.2500, 0.2500, 0.2500]])
    """

    _function = staticmethod(F.softmax)


class LogSoftmax(_SoftmaxFamily):
    r"""The logarithm of softmax along ``dim``, computed without forming the softmax.

    .. math:: y_i = x_i - \log \sum_j e^{x_j}

    The outputs are log-probabilities (all :math:`\le 0`). Followed by ``NLLLoss`` this
    is the cross-entropy loss; computing it in one step avoids ``log(0)`` when a
    probability underflows.

    Args:
        dim (int): the dimension that is normalised.

    Shape:
        - Input: any shape.
        - Output: the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.LogSoftmax(dim=1)
        LogSoftmax(dim=1)
    """

    _function = staticmethod(F.log_softmax)


class SELU(_InplaceActivation):
    r"""Scaled ELU: :math:`\lambda x` for :math:`x > 0`, :math:`\lambda\alpha(e^x - 1)`
    otherwise, with :math:`\alpha \approx 1.6733` and :math:`\lambda \approx 1.0507`.

    These constants make a layer keep zero mean and unit variance of its activations
    (self-normalizing networks, used with ``init.kaiming_normal_(..., 'linear')``).

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.SELU()
        SELU()
    """

    _function = staticmethod(F.selu)


class CELU(_AlphaActivation):
    r"""Continuously differentiable ELU:
    :math:`\max(0, x) + \min(0, \alpha(e^{x/\alpha} - 1))`.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.CELU()
        CELU(alpha=1.0)
    """

    _function = staticmethod(F.celu)


class Mish(_InplaceActivation):
    r""":math:`\text{Mish}(x) = x \tanh(\text{softplus}(x))`: a smooth, non-monotonic
    ReLU-like function.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.Mish()
        Mish()
    """

    _function = staticmethod(F.mish)


class Softsign(Module):
    r""":math:`x / (1 + |x|)`: like tanh, between -1 and 1, but approached polynomially."""

    def forward(self, input):
        return F.softsign(input)


class Tanhshrink(Module):
    r""":math:`x - \tanh(x)`: near 0 for small inputs, about :math:`x \mp 1` for large."""

    def forward(self, input):
        return F.tanhshrink(input)


class _Shrink(Module):
    """A shrinkage layer with threshold ``lambd``; ``_shrink`` is its functional form."""

    _shrink = None

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return type(self)._shrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Softshrink(_Shrink):
    r"""Shrink every element towards 0 by ``lambd`` (0 inside :math:`[-\lambda, \lambda]`):
    the proximal step of an L1 penalty.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.Softshrink()
        Softshrink(0.5)
    """

    _shrink = staticmethod(F.softshrink)


class Hardshrink(_Shrink):
    r"""Zero the elements with :math:`|x| \le \lambda`, keep the others unchanged.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.Hardshrink(0.3)
        Hardshrink(0.3)
    """

    _shrink = staticmethod(F.hardshrink)


class Hardsigmoid(Module):
    r"""Piecewise-linear sigmoid: :math:`\text{clamp}(x/6 + 1/2, 0, 1)`.

    (PyTorch prints this layer without its ``inplace`` flag; so does this one.)
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.hardsigmoid(input, self.inplace)


class Hardswish(Module):
    r""":math:`x \cdot \text{clamp}(x/6 + 1/2, 0, 1)`: a cheap swish (MobileNetV3)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.hardswish(input, self.inplace)


class LogSigmoid(Module):
    r""":math:`\log \sigma(x) = -\log(1 + e^{-x})`, computed without overflow."""

    def forward(self, input):
        return F.logsigmoid(input)


class Softmin(_SoftmaxFamily):
    r"""Softmax of the negated input along ``dim``: the smallest entries get the largest
    probabilities.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.Softmin(dim=1)
        Softmin(dim=1)
    """

    _function = staticmethod(F.softmin)


class GLU(Module):
    r"""Gated linear unit: the input's halves :math:`a, b` along ``dim`` give
    :math:`a \otimes \sigma(b)`; the output is half as long along ``dim``.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.GLU()(torch.tensor([[1.0, 2.0, 0.0, 0.0]]))
        tensor([[0.5000, 1.0000]])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
