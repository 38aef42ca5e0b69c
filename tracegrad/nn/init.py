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
]

_LINEAR_FUNCTIONS = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)


def calculate_gain(nonlinearity, param=None):
    r"""The recommended gain value for the given nonlinearity function.

    ================= ====================================================
    nonlinearity      gain
    ================= ====================================================
    Linear / Identity :math:`1`
    Conv{1,2,3}D      :math:`1`
    Sigmoid           :math:`1`
    Tanh              :math:`\frac{5}{3}`
    ReLU              :math:`\sqrt{2}`
    Leaky Relu        :math:`\sqrt{\frac{2}{1 + \text{negative\_slope}^2}}`
    SELU              :math:`\frac{3}{4}`
    ================= ====================================================

    Args:
        nonlinearity: the non-linear function (`nn.functional` name)
        param: optional parameter for the non-linear function (the negative slope of
            ``leaky_relu``, 0.01 by default)

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.init.calculate_gain("leaky_relu", 0.2)
        1.3867504905630728
    """
    if nonlinearity in _LINEAR_FUNCTIONS or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, int) or isinstance(param, float):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    r"""Fill ``tensor`` with values drawn from the uniform distribution
    :math:`\mathcal{U}(a, b)`.

    Args:
        tensor: an n-dimensional `torch.Tensor`
        a: the lower bound of the uniform distribution
        b: the upper bound of the uniform distribution
        generator: the torch Generator to sample from (default: None)

    Example::

        >>> import tracegrad as torch
        >>> w = torch.empty(3, 5)
        >>> torch.nn.init.uniform_(w).shape
        torch.Size([3, 5])
    """
    with grad_mode.no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    r"""Fill ``tensor`` with values drawn from the normal distribution
    :math:`\mathcal{N}(\text{mean}, \text{std}^2)`.

    Args:
        tensor: an n-dimensional `torch.Tensor`
        mean: the mean of the normal distribution
        std: the standard deviation of the normal distribution
        generator: the torch Generator to sample from (default: None)
    """
    with grad_mode.no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    r"""Fill ``tensor`` with values drawn from a truncated normal distribution: the values
    of :math:`\mathcal{N}(\text{mean}, \text{std}^2)` that lie in :math:`[a, b]`.

    As PyTorch does: when most of the mass is inside the bounds (more than 0.3), draw
    normal values and redraw the whole tensor's worth for the elements outside them;
    otherwise draw uniform candidates in :math:`[a, b]` and accept them with the ratio of
    the density to its peak (rejection sampling).

    Args:
        tensor: an n-dimensional `torch.Tensor`
        mean: the mean of the normal distribution
        std: the standard deviation of the normal distribution
        a: the minimum cutoff value
        b: the maximum cutoff value
        generator: the torch Generator to sample from (default: None)
    """

    def norm_cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
            "The distribution of values may be incorrect.",
            stacklevel=2,
        )
    with grad_mode.no_grad():
        mass = norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std)
        if mass > 0.3:
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
    mode = max(a, min(mean, b))
    log_peak = -0.5 * ((mode - mean) / std) ** 2
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
    r"""Fill ``tensor`` with the value ``val``.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.init.constant_(torch.empty(2), 0.3)
        tensor([0.3000, 0.3000])
    """
    with grad_mode.no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    r"""Fill ``tensor`` with the scalar value 1."""
    with grad_mode.no_grad():
        return tensor.fill_(1.0)


def zeros_(tensor):
    r"""Fill ``tensor`` with the scalar value 0."""
    with grad_mode.no_grad():
        return tensor.zero_()


def eye_(tensor):
    r"""Fill the 2-dimensional ``tensor`` with the identity matrix (ones on the diagonal).

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.init.eye_(torch.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.ndimension() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with grad_mode.no_grad():
        tensor._data[...] = np.eye(*tensor.shape, dtype=tensor._data.dtype)
        tensor._version[0] += 1
    return tensor


def _calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight: dims 1 and 0, times the receptive field (the
    product of the remaining dims) for convolution weights."""
    dimensions = tensor.dim()
    if dimensions < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    receptive_field_size = 1
    for s in tensor.shape[2:]:
        receptive_field_size *= s
    fan_in = tensor.size(1) * receptive_field_size
    fan_out = tensor.size(0) * receptive_field_size
    return fan_in, fan_out


def xavier_uniform_(tensor, gain=1.0, generator=None):
    r"""Fill ``tensor`` from :math:`\mathcal{U}(-a, a)` with
    :math:`a = \text{gain} \times \sqrt{\frac{6}{\text{fan\_in} + \text{fan\_out}}}`
    (Glorot initialization).

    Args:
        tensor: an n-dimensional `torch.Tensor`
        gain: an optional scaling factor
        generator: the torch Generator to sample from (default: None)
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    r"""Fill ``tensor`` from :math:`\mathcal{N}(0, \text{std}^2)` with
    :math:`\text{std} = \text{gain} \times \sqrt{\frac{2}{\text{fan\_in} + \text{fan\_out}}}`
    (Glorot initialization).

    Example::

        >>> import tracegrad as torch
        >>> w = torch.nn.init.xavier_normal_(torch.Tensor(1000, 100))
        >>> round(w.std().item(), 2)
        0.04
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    r"""Fill ``tensor`` from :math:`\mathcal{U}(-\text{bound}, \text{bound})` with
    :math:`\text{bound} = \text{gain} \times \sqrt{\frac{3}{\text{fan\_mode}}}`
    (He initialization). ``nn.Linear`` uses ``a=math.sqrt(5)``, which gives the bound
    :math:`1/\sqrt{\text{fan\_in}}`.

    Args:
        tensor: an n-dimensional `torch.Tensor`
        a: the negative slope of the rectifier used after this layer (only used with
            ``'leaky_relu'``)
        mode: either ``'fan_in'`` (default) or ``'fan_out'``.
        nonlinearity: the non-linear function (`nn.functional` name), recommended to
            use only with ``'relu'`` or ``'leaky_relu'`` (default).
        generator: the torch Generator to sample from (default: None)
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    r"""Fill ``tensor`` from :math:`\mathcal{N}(0, \text{std}^2)` with
    :math:`\text{std} = \frac{\text{gain}}{\sqrt{\text{fan\_mode}}}` (He initialization).

    Args:
        tensor: an n-dimensional `torch.Tensor`
        a: the negative slope of the rectifier used after this layer
        mode: either ``'fan_in'`` (default) or ``'fan_out'``.
        nonlinearity: the non-linear function (`nn.functional` name)
        generator: the torch Generator to sample from (default: None)
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    return normal_(tensor, 0, std, generator)


def orthogonal_(tensor, gain=1, generator=None):
    r"""Fill ``tensor`` with a (semi) orthogonal matrix, as in "Exact solutions to the
    nonlinear dynamics of learning in deep linear neural networks" (Saxe et al., 2013).

    A normal matrix is drawn (as torch draws it) and orthonormalized by a QR
    decomposition, the signs fixed so that R has a positive diagonal. Dimensions beyond
    the first are flattened. The QR step is NumPy's LAPACK, not torch's, so the values
    agree with torch's to rounding, not bit for bit.

    Args:
        tensor: an n-dimensional `torch.Tensor`, where :math:`n \geq 2`
        gain: optional scaling factor
        generator: the torch Generator to sample from (default: None)
    """
    if tensor.ndimension() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    flattened = Tensor._make(np.empty((rows, cols), dtype=tensor._data.dtype))
    flattened.normal_(0, 1, generator=generator)
    matrix = flattened._data.T if rows < cols else flattened._data
    q, r = np.linalg.qr(matrix)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    with grad_mode.no_grad():
        values = q.reshape(tensor.shape).astype(tensor._data.dtype) * np.asarray(
            gain, dtype=tensor._data.dtype
        )
        np.copyto(tensor._data, values)
        tensor._version[0] += 1
    return tensor


def _make_deprecate(method):
    new_name = method.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(
            f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.",
            FutureWarning,
            stacklevel=2,
        )
        return method(*args, **kwargs)

    deprecated_init.__doc__ = f"{old_name}(...)\n\n.. warning::\n    Deprecated: use {new_name}."
    deprecated_init.__name__ = old_name
    return deprecated_init


uniform = _make_deprecate(uniform_)
normal = _make_deprecate(normal_)
constant = _make_deprecate(constant_)
eye = _make_deprecate(eye_)
xavier_uniform = _make_deprecate(xavier_uniform_)
xavier_normal = _make_deprecate(xavier_normal_)
kaiming_uniform = _make_deprecate(kaiming_uniform_)
kaiming_normal = _make_deprecate(kaiming_normal_)
orthogonal = _make_deprecate(orthogonal_)
