r"""``torch.nn.init``: fill tensors with initial values, in place and without recording.

Every random initializer draws exactly what PyTorch draws (the same generator calls in
the same order, with the same bounds computed the same way in double precision), so after
``torch.manual_seed(s)`` the initialized weights are bit-identical to torch's.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._tensor import Tensor
from ..autograd import grad_mode

__all__ = [
    "calculate_gain",
    "uniform_",
    "normal_",
    "trunc_normal_",
    "constant_",
    "ones_",
    "zeros_",
    "eye_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "orthogonal_",
    "sparse_",
    "dirac_",
]

# layers with no activation of their own: their gain is 1
_LINEAR_FUNCTIONS = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)
_FIXED_GAINS = {"tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 3.0 / 4}


def calculate_gain(nonlinearity, param=None):
    r"""The factor by which to scale a layer's initial weights, given the activation that
    follows the layer.

    A nonlinearity changes the variance of the signal passing through it (ReLU zeroes
    half of it, for instance). Multiplying the weight scale by the gain compensates, so
    that activations keep roughly the same size from layer to layer:

    * ``"linear"``, ``"conv1d"`` ... ``"conv_transpose3d"``, ``"sigmoid"``: :math:`1`
    * ``"tanh"``: :math:`5/3`
    * ``"relu"``: :math:`\sqrt{2}`
    * ``"leaky_relu"``: :math:`\sqrt{2 / (1 + s^2)}` with :math:`s` the negative slope
    * ``"selu"``: :math:`3/4`

    Args:
        nonlinearity (str): the activation, by its ``nn.functional`` name.
        param (float, optional): the negative slope for ``"leaky_relu"``
            (default ``0.01``).

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.init.calculate_gain("leaky_relu", 0.2)
        1.3867504905630728
    """
    if nonlinearity == "sigmoid" or nonlinearity in _LINEAR_FUNCTIONS:
        return 1
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, float) or (isinstance(param, int) and not isinstance(param, bool)):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        shrink = 1 + slope**2
        return math.sqrt(2.0 / shrink)
    if isinstance(nonlinearity, str) and nonlinearity in _FIXED_GAINS:
        return _FIXED_GAINS[nonlinearity]
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    r"""Overwrite ``tensor`` with independent draws from the uniform distribution on
    :math:`[a, b)`.

    Args:
        tensor (Tensor): the tensor to fill (any shape).
        a (float): smallest possible value. Default: ``0.0``
        b (float): the values stay below this. Default: ``1.0``
        generator (Generator, optional): where the random numbers come from; the global
            generator when ``None``.

    Returns:
        ``tensor`` itself. No gradient is recorded.

    Example::

        >>> import tracegrad as torch
        >>> weight = torch.nn.init.uniform_(torch.empty(3, 5), -0.1, 0.1)
        >>> bool(weight.abs().max() <= 0.1)
        True
    """
    with grad_mode.no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    r"""Overwrite ``tensor`` with independent draws from the Gaussian
    :math:`\mathcal{N}(\mu, \sigma^2)` with :math:`\mu` = ``mean``, :math:`\sigma` = ``std``.

    Args:
        tensor (Tensor): the tensor to fill (any shape).
        mean (float): centre of the distribution. Default: ``0.0``
        std (float): its standard deviation. Default: ``1.0``
        generator (Generator, optional): where the random numbers come from.

    Returns:
        ``tensor`` itself. No gradient is recorded.
    """
    with grad_mode.no_grad():
        return tensor.normal_(mean, std, generator=generator)


def _standard_normal_cdf(x: float) -> float:
    r""":math:`P(Z \le x)` for a standard normal :math:`Z`."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    r"""Overwrite ``tensor`` with Gaussian draws that are restricted to :math:`[a, b]`.

    The distribution is :math:`\mathcal{N}(\text{mean}, \text{std}^2)` conditioned on
    landing inside the interval, so no weight starts out extremely large. Note that ``a``
    and ``b`` are absolute bounds, not multiples of ``std``.

    Two sampling strategies are used, chosen as PyTorch chooses them so that the draws
    are the same: if the interval holds more than 30 % of the probability, values outside
    it are redrawn until none is left; otherwise uniform candidates in :math:`[a, b]` are
    kept with probability proportional to the Gaussian density (rejection sampling).

    Args:
        tensor (Tensor): the tensor to fill.
        mean (float): centre of the Gaussian. Default: ``0.0``
        std (float): its standard deviation. Default: ``1.0``
        a (float): lower bound. Default: ``-2.0``
        b (float): upper bound. Default: ``2.0``
        generator (Generator, optional): where the random numbers come from.

    Returns:
        ``tensor`` itself.
    """
    if not (a - 2 * std <= mean <= b + 2 * std):
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution "
            "of values may be incorrect.",
            stacklevel=2,
        )
    with grad_mode.no_grad():
        inside = _standard_normal_cdf((b - mean) / std) - _standard_normal_cdf((a - mean) / std)
        if inside > 0.3:
            _trunc_normal_by_redrawing(tensor, mean, std, a, b, generator)
        else:
            _trunc_normal_by_rejection(tensor, mean, std, a, b, generator)
    return tensor


def _trunc_normal_by_redrawing(tensor, mean, std, a, b, generator):
    # the bounds in the tensor's dtype, so the test agrees with the stored values
    low = np.asarray(a, dtype=tensor._data.dtype).item()
    high = np.asarray(b, dtype=tensor._data.dtype).item()
    tensor.normal_(mean, std, generator=generator)
    values = tensor._data.copy()
    while True:
        outside = (values < low) | (values > high)
        if not outside.any():
            break
        fresh = Tensor._make(np.empty_like(values)).normal_(mean, std, generator=generator)
        values = np.where(outside, fresh._data, values)
    np.copyto(tensor._data, values)


def _log_density(candidates, mean, std, log_peak):
    """``-0.5 ((x - mean)/std)² - log_peak``, one float operation at a time as torch."""
    dtype = candidates.dtype.type
    result = (candidates - dtype(mean)) / dtype(std)
    return (result * result) * dtype(-0.5) - dtype(log_peak)


def _trunc_normal_by_rejection(tensor, mean, std, a, b, generator):
    """Uniform candidates in [a, b], each kept when log(u) <= its log density ratio."""
    # the density is highest at the point of [a, b] nearest to the mean
    peak = min(max(mean, a), b)
    peak_z = (peak - mean) / std
    log_peak = -0.5 * peak_z**2
    accept = Tensor._make(np.empty_like(tensor._data))
    tensor.uniform_(a, b, generator=generator)
    candidates = Tensor._make(tensor._data.copy())
    log_density = _log_density(candidates._data, mean, std, log_peak)
    pending = np.log(accept.uniform_(generator=generator)._data) > log_density
    result = tensor._data.copy()
    while pending.any():
        candidates.uniform_(a, b, generator=generator)
        result = np.where(pending, candidates._data, result)
        log_density = _log_density(candidates._data, mean, std, log_peak)
        redraw = np.log(accept.uniform_(generator=generator)._data) > log_density
        pending = np.where(pending, redraw, pending)
    np.copyto(tensor._data, result)


def constant_(tensor, val):
    r"""Overwrite every element of ``tensor`` with ``val``; returns ``tensor``.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.init.constant_(torch.empty(2), 0.3)
        tensor([0.3000, 0.3000])
    """
    with grad_mode.no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    r"""Overwrite every element of ``tensor`` with 1; returns ``tensor``."""
    with grad_mode.no_grad():
        return tensor.fill_(1.0)


def zeros_(tensor):
    r"""Overwrite every element of ``tensor`` with 0 (the usual start for biases)."""
    with grad_mode.no_grad():
        return tensor.zero_()


def eye_(tensor):
    r"""Overwrite a matrix with the identity: ones on the main diagonal, zeros elsewhere.

    A layer initialised this way starts as the identity map (for a square weight), which
    keeps deep linear stacks well behaved. Only 2-D tensors are accepted; a rectangular
    one gets ones on its leading diagonal.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.init.eye_(torch.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with grad_mode.no_grad():
        tensor._data[...] = np.eye(*tensor.shape, dtype=tensor._data.dtype)
        tensor._version[0] += 1  # an in-place write, visible to autograd's checks
    return tensor


def _calculate_fan_in_and_fan_out(tensor):
    """``(fan_in, fan_out)`` of a weight: how many inputs feed one output unit, and how
    many outputs one input unit feeds.

    A Linear weight has shape ``(out_features, in_features)``, so fan_in is dimension 1
    and fan_out dimension 0. A convolution weight ``(out, in, k1, k2, ...)`` multiplies
    both by the kernel size ``k1 * k2 * ...``.
    """
    if tensor.dim() < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    kernel_size = math.prod(tensor.shape[2:])
    return tensor.shape[1] * kernel_size, tensor.shape[0] * kernel_size


def _glorot_std(tensor, gain):
    """The standard deviation Glorot's rule gives: gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    r"""Glorot (Xavier) initialisation with a uniform distribution.

    Draws from :math:`\mathcal{U}(-a, a)` with

    .. math:: a = \text{gain} \cdot \sqrt{\frac{6}{\text{fan\_in} + \text{fan\_out}}},

    which gives the weights the variance :math:`2 \cdot \text{gain}^2 /
    (\text{fan\_in} + \text{fan\_out})`. That choice keeps the size of activations in
    the forward pass and of gradients in the backward pass about constant across layers
    (Glorot & Bengio, 2010); it suits tanh and sigmoid networks.

    Args:
        tensor (Tensor): a weight with at least 2 dimensions.
        gain (float): extra scale, usually :func:`calculate_gain` of the activation.
            Default: ``1.0``
        generator (Generator, optional): where the random numbers come from.

    Returns:
        ``tensor`` itself.
    """
    # sqrt(3) * std: a uniform on (-a, a) has standard deviation a / sqrt(3)
    bound = math.sqrt(3.0) * _glorot_std(tensor, gain)
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    r"""Glorot (Xavier) initialisation with a Gaussian distribution.

    Draws from :math:`\mathcal{N}(0, \sigma^2)` with
    :math:`\sigma = \text{gain} \cdot \sqrt{2 / (\text{fan\_in} + \text{fan\_out})}`, the
    same variance as :func:`xavier_uniform_`.

    Args:
        tensor (Tensor): a weight with at least 2 dimensions.
        gain (float): extra scale. Default: ``1.0``
        generator (Generator, optional): where the random numbers come from.

    Example::

        >>> import tracegrad as torch
        >>> w = torch.nn.init.xavier_normal_(torch.Tensor(1000, 100))
        >>> round(w.std().item(), 2)    # sqrt(2 / 1100)
        0.04
    """
    return normal_(tensor, 0.0, _glorot_std(tensor, gain), generator)


def _fan_for_mode(tensor, mode):
    """fan_in or fan_out of ``tensor``, as ``mode`` asks."""
    mode = mode.lower()
    choices = ["fan_in", "fan_out"]
    if mode not in choices:
        raise ValueError(f"Mode {mode} not supported, please use one of {choices}")
    fans = dict(zip(choices, _calculate_fan_in_and_fan_out(tensor)))
    return fans[mode]


def _he_std(tensor, a, mode, nonlinearity):
    """gain / sqrt(fan): the standard deviation of He initialisation."""
    fan = _fan_for_mode(tensor, mode)  # checked before the nonlinearity, as in PyTorch
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def _has_no_elements(tensor) -> bool:
    """True (after a warning) for a tensor with a zero-size dimension: nothing to fill."""
    if 0 not in tensor.shape:
        return False
    warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
    return True


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    r"""He (Kaiming) initialisation with a uniform distribution.

    Draws from :math:`\mathcal{U}(-b, b)` with

    .. math:: b = \text{gain} \cdot \sqrt{\frac{3}{\text{fan}}},

    i.e. the variance :math:`\text{gain}^2 / \text{fan}`. He et al. (2015) derived it for
    ReLU networks: with gain :math:`\sqrt{2}` it makes up for the half of the signal a
    ReLU removes. ``nn.Linear`` calls it with ``a=math.sqrt(5)``, which makes the bound
    :math:`1/\sqrt{\text{fan\_in}}`.

    Args:
        tensor (Tensor): a weight with at least 2 dimensions.
        a (float): negative slope of the leaky ReLU that follows (for the gain).
            Default: ``0``
        mode (str): ``"fan_in"`` keeps the forward activations' size steady,
            ``"fan_out"`` the backward gradients'. Default: ``"fan_in"``
        nonlinearity (str): the activation after this layer, for the gain.
            Default: ``"leaky_relu"``
        generator (Generator, optional): where the random numbers come from.

    Returns:
        ``tensor`` itself; a tensor with no elements is returned unchanged, with a warning.
    """
    if _has_no_elements(tensor):
        return tensor
    bound = math.sqrt(3.0) * _he_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    r"""He (Kaiming) initialisation with a Gaussian distribution.

    Draws from :math:`\mathcal{N}(0, \sigma^2)` with
    :math:`\sigma = \text{gain} / \sqrt{\text{fan}}`, the variance of
    :func:`kaiming_uniform_`. The arguments are those of :func:`kaiming_uniform_`.

    Returns:
        ``tensor`` itself; a tensor with no elements is returned unchanged, with a warning.
    """
    if _has_no_elements(tensor):
        return tensor
    return normal_(tensor, 0, _he_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor, gain=1, generator=None):
    r"""Overwrite ``tensor`` with a random (semi-)orthogonal matrix times ``gain``.

    The rows (or the columns, whichever are fewer) come out orthonormal, so the layer
    preserves the length of vectors: useful for deep and recurrent networks (Saxe et al.,
    2013). Dimensions after the first are flattened into columns.

    The matrix is a Gaussian one (drawn as PyTorch draws it) put through a QR
    decomposition, with signs chosen so that R has a positive diagonal. NumPy performs
    the QR step, so the values match PyTorch's up to rounding, not bit for bit.

    Args:
        tensor (Tensor): a tensor with at least 2 dimensions.
        gain (float): scale of the result. Default: ``1``
        generator (Generator, optional): where the random numbers come from.
    """
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    width = tensor.numel() // rows
    gaussian = Tensor._make(np.empty((rows, width), dtype=tensor._data.dtype))
    gaussian.normal_(0, 1, generator=generator)
    wide = rows < width
    # QR orthonormalises columns: work on the transpose of a wide matrix
    q, r = np.linalg.qr(gaussian._data.T if wide else gaussian._data)
    q = q * np.sign(np.diag(r))
    if wide:
        q = q.T
    with grad_mode.no_grad():
        scale = np.asarray(gain, dtype=tensor._data.dtype)
        np.copyto(tensor._data, q.reshape(tensor.shape).astype(tensor._data.dtype) * scale)
        tensor._version[0] += 1
    return tensor


def sparse_(tensor, sparsity, std=0.01, generator=None):
    r"""Overwrite the 2-D ``tensor`` with a sparse Gaussian matrix (Martens, 2010): values
    from N(0, ``std``²), then in every column a random ``ceil(sparsity · rows)`` of the
    entries set to zero. The draws are PyTorch's: the whole matrix first, then one
    ``randperm`` of the rows per column.

    Args:
        tensor (Tensor): a 2-dimensional tensor.
        sparsity (float): the fraction of each column to zero.
        std (float): standard deviation of the non-zero values. Default: ``0.01``
        generator (Generator, optional): where the random numbers come from.
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    from .. import randperm

    rows, cols = tensor.shape
    zeros_per_column = int(math.ceil(sparsity * rows))
    with grad_mode.no_grad():
        tensor.normal_(0, std, generator=generator)
        for column in range(cols):
            zeroed = randperm(rows, generator=generator)[:zeros_per_column]
            tensor[zeroed, column] = 0
    return tensor


def dirac_(tensor, groups=1):
    r"""Overwrite the 3-, 4- or 5-D convolution weight ``tensor`` with the Dirac delta: the
    convolution then passes its input through unchanged (as many channels as both sides
    have, per group). Each filter ``(out, in)`` with ``out`` = ``in`` within a group is 1
    at its spatial centre (index ``size // 2`` in each spatial dim), everything else 0.

    Args:
        tensor (Tensor): a {3, 4, 5}-dimensional tensor.
        groups (int): number of groups in the convolution. Default: ``1``
    """
    if tensor.dim() not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    out_channels = tensor.shape[0]
    if out_channels % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = out_channels // groups
    centre = tuple(size // 2 for size in tensor.shape[2:])
    with grad_mode.no_grad():
        tensor._data[...] = 0
        for group in range(groups):
            for channel in range(min(per_group, tensor.shape[1])):
                tensor._data[(group * per_group + channel, channel) + centre] = 1
        tensor._version[0] += 1
    return tensor


def _deprecated_alias(function):
    """The old name without the trailing underscore: warns, then calls ``function``."""
    current = function.__name__
    old = current.rstrip("_")

    def alias(*args, **kwargs):
        warnings.warn(
            f"`nn.init.{old}` is now deprecated in favor of `nn.init.{current}`.",
            FutureWarning,
            stacklevel=2,
        )
        return function(*args, **kwargs)

    alias.__name__ = old
    alias.__doc__ = f"Deprecated spelling of :func:`{current}`; use that instead."
    return alias


# PyTorch still accepts the names from before the in-place "_" convention
uniform, normal, constant, eye = map(_deprecated_alias, (uniform_, normal_, constant_, eye_))
xavier_uniform, xavier_normal = map(_deprecated_alias, (xavier_uniform_, xavier_normal_))
kaiming_uniform, kaiming_normal = map(_deprecated_alias, (kaiming_uniform_, kaiming_normal_))
orthogonal, sparse, dirac = map(_deprecated_alias, (orthogonal_, sparse_, dirac_))
