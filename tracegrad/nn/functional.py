r"""``torch.nn.functional``: layers, activations and losses as functions.

``import tracegrad.nn.functional as F``. Every derivative comes from the op registry:
functions are either compositions of ops (``linear`` is ``addmm``, ``l1_loss`` is
``abs`` and ``mean``) or one op of ``tracegrad/ops/nn.py`` when PyTorch names the node
(``MseLossBackward0``) or when a composition would lose accuracy (``log_softmax``). The
compositions follow PyTorch's, so ``grad_fn`` is the same node as in torch.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _dtype as dtypes
from .. import _creation, ops
from .._tensor import Size, Tensor, type_name
from ..ops import nn as nn_ops
from ..ops._dispatch import common_dtype, unary
from ..ops._inplace import inplace as _inplace
from ..autograd import grad_mode
from ..ops._registry import apply
from ..ops.index import any_outside, one_hot
from .._dtype import TYPE_WORDS
from ..ops.conv import (  # convolution and pooling: defined with their ops
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    dropout2d,
    fold,
    max_pool1d,
    max_pool2d,
    unfold,
)

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "dropout2d",
    "fold",
    "max_pool1d",
    "max_pool2d",
    "unfold",
    "celu",
    "celu_",
    "cosine_embedding_loss",
    "cosine_similarity",
    "elu_",
    "gaussian_nll_loss",
    "glu",
    "group_norm",
    "gumbel_softmax",
    "scaled_dot_product_attention",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh_",
    "hinge_embedding_loss",
    "leaky_relu_",
    "logsigmoid",
    "margin_ranking_loss",
    "mish",
    "multilabel_soft_margin_loss",
    "pairwise_distance",
    "poisson_nll_loss",
    "relu_",
    "rms_norm",
    "selu",
    "selu_",
    "soft_margin_loss",
    "softmin",
    "softshrink",
    "softsign",
    "tanhshrink",
    "threshold_",
    "triplet_margin_loss",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "bilinear",
    "cross_entropy",
    "dropout",
    "elu",
    "embedding",
    "gelu",
    "hardtanh",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "prelu",
    "relu",
    "relu6",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softplus",
    "tanh",
    "threshold",
]


def _check_tensor(name, value, argument="input", position=1) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{name}(): argument '{argument}' (position {position}) must be Tensor, not "
            f"{type_name(value)}"
        )


# ---------------------------------------------------------------------------- linear


def linear(input, weight, bias=None):
    r"""Applies a linear transformation to the incoming data: :math:`y = xA^T + b`.

    As PyTorch computes it: ``addmm(bias, x, A.t())`` for a 2-d input with a bias
    (``grad_fn=<AddmmBackward0>``), the same on the input flattened to 2-d for other
    contiguous inputs with a bias, and ``matmul(x, A.t())`` (plus ``b``) otherwise.

    Args:
        input (Tensor): :math:`(*, in\_features)`, :math:`*` any number of dims.
        weight (Tensor): :math:`(out\_features, in\_features)` or :math:`(in\_features)`.
        bias (Tensor, optional): :math:`(out\_features)` or :math:`()`.

    Shape:
        - Output: :math:`(*, out\_features)` or :math:`(*)`, based on the weight's shape.

    Example::

        >>> import tracegrad as torch
        >>> import tracegrad.nn.functional as F
        >>> F.linear(torch.ones(2, 3), torch.ones(4, 3), torch.zeros(4))
        tensor([[3., 3., 3., 3.],
                [3., 3., 3., 3.]])
    """
    if bias is not None and isinstance(input, Tensor) and input._data.ndim == 2:
        if isinstance(weight, Tensor) and weight._data.ndim == 2:  # a layer's batch
            return ops.addmm(bias, input, weight.t())
    _check_tensor("linear", input)
    _check_tensor("linear", weight, "weight", 2)
    if input.dim() == 0 or weight.dim() == 0:
        raise RuntimeError(
            f"both arguments to linear need to be at least 1D, but they are {input.dim()}D "
            f"and {weight.dim()}D"
        )
    if bias is not None and input.dim() == 2:
        return ops.addmm(bias, input, weight.t())
    if bias is not None and input.is_contiguous() and bias.dim() == 1:
        flat = ops.addmm(bias, input.view(-1, input.shape[-1]), weight.t())
        return flat.view(*input.shape[:-1], flat.shape[1])
    output = ops.matmul(input, weight.t())
    if bias is not None:
        output = output + bias
    return output


def bilinear(input1, input2, weight, bias=None):
    r"""Applies a bilinear transformation: :math:`y = x_1^T A x_2 + b`.

    :math:`y_{\dots o} = \sum_{ij} x_{1,\dots i} A_{oij} x_{2,\dots j} + b_o`.

    Shape:
        - input1: :math:`(*, in1\_features)`, input2: :math:`(*, in2\_features)`
        - weight: :math:`(out\_features, in1\_features, in2\_features)`
        - bias: :math:`(out\_features)`; output: :math:`(*, out\_features)`
    """
    if input1.dim() != input2.dim():
        raise RuntimeError(
            f"bilinear(): input dimensions do not match: got {input1.dim()} and {input2.dim()}"
        )
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(
            f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
            f"expected {weight.shape[1]}"
        )
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(
            f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
            f"expected {weight.shape[2]}"
        )
    output = ops.einsum("...i,oij,...j->...o", input1, weight, input2)
    if bias is not None:
        output = output + bias
    return output


# ---------------------------------------------------------------------------- activations


def _activation(op, input, params=(), inplace=False, inplace_op=None):
    """``op`` applied to ``input``; with ``inplace`` the result is written into it."""
    if not inplace:
        return unary(op, input, params)
    return _inplace(lambda source: unary(inplace_op or op, source, params), input)


def relu(input, inplace=False):
    r"""Applies the rectified linear unit function element-wise: :math:`\max(0, x)`.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.functional.relu(torch.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return input.relu_() if inplace else ops.relu(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    r""":math:`\text{LeakyReLU}(x) = \max(0, x) + \text{negative\_slope} * \min(0, x)`,
    element-wise."""
    return _activation(nn_ops.LEAKY_RELU, input, (negative_slope,), inplace, nn_ops.LEAKY_RELU_)


def elu(input, alpha=1.0, inplace=False):
    r""":math:`\text{ELU}(x) = x` for :math:`x > 0`, :math:`\alpha (\exp(x) - 1)` otherwise,
    element-wise."""
    return _activation(nn_ops.ELU, input, (alpha,), inplace, nn_ops.ELU_)


def gelu(input, approximate="none"):
    r""":math:`\text{GELU}(x) = x \Phi(x)`, :math:`\Phi` the standard normal CDF.

    With ``approximate='tanh'``:
    :math:`0.5 x (1 + \tanh(\sqrt{2/\pi} (x + 0.044715 x^3)))`.
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return unary(nn_ops.GELU, input, (approximate,))


def silu(input, inplace=False):
    r""":math:`\text{silu}(x) = x \sigma(x)`, :math:`\sigma` the logistic sigmoid."""
    return _activation(nn_ops.SILU, input, (), inplace)


def sigmoid(input):
    r""":math:`\sigma(x) = 1 / (1 + \exp(-x))`, element-wise."""
    return ops.sigmoid(input)


def tanh(input):
    r""":math:`\tanh(x) = (\exp(x) - \exp(-x)) / (\exp(x) + \exp(-x))`, element-wise."""
    return ops.tanh(input)


def softplus(input, beta=1.0, threshold=20.0):
    r""":math:`\text{Softplus}(x) = \frac{1}{\beta} \log(1 + \exp(\beta x))`, and :math:`x`
    itself where :math:`\beta x > \text{threshold}` (for numerical stability)."""
    return unary(nn_ops.SOFTPLUS, input, (beta, threshold))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    r"""Clamp to ``[min_val, max_val]`` element-wise; the gradient is 0 outside the open
    interval (``HardtanhBackward0``)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _activation(nn_ops.HARDTANH, input, (min_val, max_val), inplace)


def relu6(input, inplace=False):
    r""":math:`\text{ReLU6}(x) = \min(\max(0, x), 6)`: ``hardtanh(input, 0, 6)``."""
    return hardtanh(input, 0.0, 6.0, inplace)


def threshold(input, threshold, value, inplace=False):
    r""":math:`y = x` if :math:`x > \text{threshold}`, else ``value``, element-wise."""
    return _activation(nn_ops.THRESHOLD, input, (threshold, value), inplace, nn_ops.THRESHOLD_)


def prelu(input, weight):
    r""":math:`\text{PReLU}(x) = \max(0, x) + a \min(0, x)`, with ``weight`` :math:`a` a
    single value or one value per channel (dim 1 of the input)."""
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {_type_word(input.dtype)} and "
            f"{_type_word(weight.dtype)}"
        )
    if weight.numel() != 1:
        if input.dim() == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.dim() > 1 else 1
        if channels != weight.numel():
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. Found parameter "
                f"numbers = {weight.numel()} and channel size = {channels}."
            )
    if weight.dim() > 1:
        raise RuntimeError(
            f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}"
        )
    if input.dim() != weight.dim():
        shape = [1] * input.dim()
        if input.dim() > 1:
            shape[1] = weight.numel()
        weight = weight.reshape(*shape)
    return apply(nn_ops.PRELU, (input, weight))


def _get_softmax_dim(name, ndim, stacklevel) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to "
        "include dim=X as an argument.",
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    r""":math:`\text{Softmax}(x_i) = \frac{\exp(x_i)}{\sum_j \exp(x_j)}` along ``dim``.

    Every slice along ``dim`` is rescaled to lie in [0, 1] and sum to 1. Computed after
    subtracting the maximum, so it cannot overflow.

    Args:
        input (Tensor): input
        dim (int): the dimension along which softmax is computed.
        dtype (:class:`torch.dtype`, optional): convert the input to ``dtype`` first.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.functional.softmax(torch.tensor([0.0, 0.0, 1e4]), dim=0)
        tensor([0., 0., 1.])
    """
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return nn_ops.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    r""":math:`\log(\text{Softmax}(x))` along ``dim``, computed as
    :math:`x - \max x - \log \sum \exp(x - \max x)` (stable for any logits)."""
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return nn_ops.log_softmax(input, dim, dtype=dtype)


def scaled_dot_product_attention(
    query,
    key,
    value,
    attn_mask=None,
    dropout_p=0.0,
    is_causal=False,
    scale=None,
    enable_gqa=False,
):
    r"""Attention: :math:`\mathrm{softmax}(Q K^\top s + M)\, V` over the last two dims,
    with :math:`s = 1/\sqrt{E}` (E: the query's last size) unless ``scale`` is given.

    ``attn_mask``: a boolean mask (True: may attend) or a float mask added to the scores,
    broadcast to (..., L, S); ``is_causal``: each query attends only to keys at or before
    its position. A query that may attend to nothing gets zeros (as torch's safe softmax).
    ``dropout_p`` drops attention weights (always, as the function is called: pass 0 in
    evaluation). ``enable_gqa``: fewer key/value heads than query heads, each shared by a
    group of query heads.
    """
    if attn_mask is not None and is_causal:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
            "is_causal=True"
        )
    if enable_gqa and key.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        repeats = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(repeats, dim=-3)
        value = value.repeat_interleave(repeats, dim=-3)
    factor = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = ops.matmul(query, key.transpose(-2, -1)) * factor
    length, source = query.shape[-2], key.shape[-2]
    if is_causal:
        attn_mask = _creation.ones(length, source, dtype=dtypes.bool).tril()
    if attn_mask is not None:
        if attn_mask.dtype is dtypes.bool:
            scores = scores.masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            scores = scores + attn_mask
    weights = softmax(scores, dim=-1)
    if attn_mask is not None:
        # rows with every score at -inf: zeros, not NaN
        weights = ops.where(ops.isnan(weights), ops.zeros_like(weights), weights)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return ops.matmul(weights, value)


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    r"""A differentiable sample of a categorical distribution: softmax((logits + G) / τ)
    along ``dim``, with G Gumbel noise (−log of an exponential draw, as torch draws it).
    ``hard=True`` returns the one-hot of the largest entry, with the soft sample's
    gradient (the straight-through estimator). ``eps`` is unused (as in torch)."""
    gumbels = -_creation.empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = _creation.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def dropout(input, p=0.5, training=True, inplace=False):
    r"""During training, zero each element with probability ``p`` and scale the others by
    :math:`1/(1-p)`; the identity otherwise.

    The mask is drawn as PyTorch draws it on the CPU: ``bernoulli_(1 - p)`` on a tensor of
    the input's shape, divided by ``1 - p``, then multiplied with the input
    (``grad_fn=<MulBackward0>``): after the same ``manual_seed`` the same elements are
    zeroed.

    Args:
        p (float): probability of an element to be zeroed. Default: 0.5
        training (bool): apply dropout if ``True``. Default: ``True``
        inplace (bool): do the operation in place. Default: ``False``
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        noise = Tensor._make(np.zeros((), dtype=input._data.dtype))
    else:
        noise = Tensor._make(np.empty(input._data.shape, dtype=input._data.dtype))
        noise.bernoulli_(1 - p)
        noise.div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


# ---------------------------------------------------------------------------- losses


_REDUCTIONS = ("none", "mean", "sum")


def _reduction(reduction, size_average=None, reduce=None) -> str:
    """The reduction string, from ``reduction`` or the legacy ``size_average``/``reduce``."""
    if size_average is None and reduce is None and reduction in _REDUCTIONS:
        return reduction  # the common case, first
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
        warnings.warn(
            "size_average and reduce args will be deprecated, please use "
            f"reduction='{reduction}' instead.",
            stacklevel=3,
        )
        return reduction
    if reduction == "elementwise_mean":
        warnings.warn(
            "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
            stacklevel=3,
        )
        return "mean"
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _warn_size(input, target) -> None:
    if target.size() != input.size():
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            stacklevel=3,
        )


def _broadcast_pair(a, b):
    """``torch.broadcast_tensors(a, b)``: both expanded to their common shape."""
    if a.shape == b.shape:
        return a, b
    shape = _broadcast_shape(a.shape, b.shape)
    return (a if a.shape == shape else a.expand(*shape)), (
        b if b.shape == shape else b.expand(*shape)
    )


def _broadcast_shape(a, b) -> Size:
    for i in range(1, min(len(a), len(b)) + 1):
        if a[-i] != b[-i] and a[-i] != 1 and b[-i] != 1:
            raise RuntimeError(
                f"The size of tensor a ({a[-i]}) must match the size of tensor b ({b[-i]}) "
                f"at non-singleton dimension {max(len(a), len(b)) - i}"
            )
    return Size(np.broadcast_shapes(tuple(a), tuple(b)))


def _promote_pair(a, b):
    """Both tensors in their common (floating) dtype, as torch's loss kernels compute."""
    target = common_dtype(a, b)
    if not target.is_floating_point:
        target = dtypes.get_default_dtype()
    return (a if a.dtype is target else a.to(target)), (b if b.dtype is target else b.to(target))


def _check_floating(kernel: str, input, target) -> None:
    """The pointwise losses have floating kernels only (torch's message names them): two
    integer or bool tensors are refused rather than promoted."""
    dtype = common_dtype(input, target)
    if not dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for '{_type_word(dtype)}'")


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _weighted_reduce(loss, weight, reduction):
    if weight.size() != loss.size():
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return ops.sum(loss)
    return ops.sum(loss) / ops.sum(weight)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    r"""Mean squared error: :math:`\ell_n = (x_n - y_n)^2`, then averaged (``'mean'``),
    summed (``'sum'``) or returned per element (``'none'``).

    Args:
        input (Tensor): predictions :math:`x`, any shape.
        target (Tensor): targets :math:`y`, broadcastable to the input (a warning is
            given when the shapes differ).
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``
        weight (Tensor, optional): per-element weights of the input's shape.

    Example::

        >>> import tracegrad as torch
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> torch.nn.functional.mse_loss(x, torch.tensor([0.0, 0.0]))
        tensor(2.5000, grad_fn=<MseLossBackward0>)
    """
    _warn_size(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    _check_floating("mse", input, target)
    input, target = _broadcast_pair(*_promote_pair(input, target))
    if weight is not None:
        return _weighted_reduce(ops.pow(input - target, 2), weight, reduction)
    return apply(nn_ops.MSE_LOSS, (input, target), (reduction,))


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    r"""Mean absolute error: :math:`\ell_n = |x_n - y_n|`, then reduced as
    ``reduction`` says (``'mean'`` by default). Composed as ``(input - target).abs()``
    followed by ``mean``/``sum``, as PyTorch does."""
    _warn_size(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    input, target = _broadcast_pair(input, target)
    if weight is not None:
        return _weighted_reduce(ops.abs(input - target), weight, reduction)
    return _reduce(ops.abs(input - target), reduction)


def _type_word(d) -> str:
    return TYPE_WORDS.get(d.name, d.name)


def _check_nll_arguments(input, target, weight, ignore_index) -> None:
    if target.dtype not in (dtypes.int64, dtypes.uint8):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {_type_word(target.dtype)}"
        )
    shape = input._data.shape
    classes = shape[0 if len(shape) == 1 else 1]
    if weight is not None:
        if weight.dim() != 1 or weight.numel() != classes:
            raise RuntimeError(
                f"weight tensor should be defined either for all {classes} classes or no "
                f"classes but got weight tensor of shape: {list(weight.shape)}"
            )
        if weight.dtype is not input.dtype:
            raise RuntimeError(
                f"expected scalar type {_type_word(input.dtype)} but found "
                f"{_type_word(weight.dtype)}"
            )
    labels = target._data
    if any_outside(labels, classes):
        labels = labels[labels != ignore_index]  # ignored targets may be out of range
        bad = labels[(labels < 0) | (labels >= classes)]
        if bad.size:
            raise IndexError(f"Target {int(bad[0])} is out of bounds.")


def _nll_loss_nd(input, target, weight, reduction, ignore_index):
    """``nll_loss`` on inputs of any rank, as PyTorch dispatches it: (C) and (N, C) use
    the 1-d kernel; (N, C, H, W) the 2-d one; other ranks are viewed as (N, C, 1, -1)."""
    # ranks and shapes read from the arrays once: this runs every training step
    in_ndim, t_ndim = input._data.ndim, target._data.ndim
    in_shape, t_shape = input._data.shape, target._data.shape
    if in_ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {in_ndim})")
    if in_ndim != 1:
        # a 0-d target counts as a batch of size 0 (torch's wording)
        target_batch = t_shape[0] if t_ndim > 0 else 0
        if in_shape[0] != target_batch:
            raise ValueError(
                f"Expected input batch_size ({in_shape[0]}) to match target batch_size "
                f"({target_batch})."
            )
        if t_ndim == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if in_ndim <= 2 and t_ndim > 1:
        # checked before the dtype, as torch does: a (N, C) float target of the wrong
        # shape reads as "multi-target", not as a dtype error
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    _check_nll_arguments(input, target, weight, ignore_index)
    params = (reduction, ignore_index)
    if in_ndim <= 2:
        if not (in_ndim == 1 and t_ndim == 0) and in_shape[0] != t_shape[0]:
            raise RuntimeError(
                f"size mismatch (got input: {list(in_shape)}, target: {list(t_shape)})"
            )
        return apply(nn_ops.NLL_LOSS, (input, target, weight), params)
    if input.dim() == 4:
        _check_nd_target(input, target)
        return apply(nn_ops.NLL_LOSS2D, (input, target, weight), params)
    _check_nd_target(input, target)
    n, c = input.shape[0], input.shape[1]
    out_size = [n] + list(input.shape[2:])
    flat_input = input.contiguous()
    flat_target = target.contiguous()
    if input.numel() > 0:
        flat_input = flat_input.view(n, c, 1, -1)
        flat_target = flat_target.view(n, 1, -1)
    else:
        flat_input = flat_input.view(n, c, 0, 0)
        flat_target = flat_target.view(n, 0, 0)
    out = apply(nn_ops.NLL_LOSS2D, (flat_input, flat_target, weight), params)
    return out.view(*out_size) if reduction == "none" else out


def _check_nd_target(input, target) -> None:
    if tuple(target.shape[1:]) != tuple(input.shape[2:]):
        expected = [input.shape[0]] + list(input.shape[2:])
        raise RuntimeError(f"Expected target size {expected}, got {list(target.shape)}")


def nll_loss(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index=-100,
    reduce=None,
    reduction="mean",
):
    r"""The negative log likelihood loss of class indices:
    :math:`\ell_n = -w_{y_n} x_{n, y_n}`, 0 for targets equal to ``ignore_index``.

    ``'mean'`` divides the sum by :math:`\sum_n w_{y_n}` over the samples that are not
    ignored.

    Args:
        input (Tensor): log-probabilities, :math:`(N, C)`, :math:`(C)` or
            :math:`(N, C, d_1, d_2, ..., d_K)`.
        target (Tensor): class indices (int64) in :math:`[0, C)`, :math:`(N)`, :math:`()`
            or :math:`(N, d_1, ..., d_K)`.
        weight (Tensor, optional): a weight per class, of size :math:`C`.
        ignore_index (int): a target value that does not contribute. Default: -100
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``
    """
    _check_tensor("nll_loss_nd", target, "target", 2)
    reduction = _reduction(reduction, size_average, reduce)
    return _nll_loss_nd(input, target, weight, reduction, ignore_index)


def cross_entropy(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index=-100,
    reduce=None,
    reduction="mean",
    label_smoothing=0.0,
):
    r"""The cross entropy between logits and targets: ``nll_loss(log_softmax(input, 1),
    target)`` for class indices, :math:`\ell_n = -\sum_c w_c y_{n,c} \log
    \text{softmax}(x_n)_c` for class probabilities (a target of the input's shape).

    Args:
        input (Tensor): unnormalized logits, :math:`(N, C)`, :math:`(C)` or
            :math:`(N, C, d_1, ..., d_K)`.
        target (Tensor): class indices (int64, :math:`(N)`, :math:`()` or
            :math:`(N, d_1, ..., d_K)`) or class probabilities (the input's shape).
        weight (Tensor, optional): a weight per class, of size :math:`C`.
        ignore_index (int): a class index that does not contribute (indices only).
            Default: -100
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``
        label_smoothing (float): in [0, 1]; the target becomes a mixture of itself
            (weight :math:`1 - \epsilon`) and the uniform distribution. Default: 0.0

    Example::

        >>> import tracegrad as torch
        >>> logits = torch.tensor([[2.0, 0.0, 0.0]], requires_grad=True)
        >>> torch.nn.functional.cross_entropy(logits, torch.tensor([0]))
        tensor(0.2395, grad_fn=<NllLossBackward0>)
    """
    _check_tensor("cross_entropy_loss", input)
    _check_tensor("cross_entropy_loss", target, "target", 2)
    reduction = _reduction(reduction, size_average, reduce)
    class_dim = 0 if input._data.ndim == 1 else 1
    if input._data.shape == target._data.shape:
        if not target.dtype.is_floating_point:
            raise RuntimeError(
                "Expected floating point type for target with class probabilities, got "
                f"{_type_word(target.dtype)}"
            )
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _cross_entropy_probabilities(
            input, target, weight, reduction, label_smoothing, class_dim
        )
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(
                f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}"
            )
        return _cross_entropy_smoothed(
            input, target, weight, reduction, ignore_index, label_smoothing, class_dim
        )
    return _nll_loss_nd(
        nn_ops.log_softmax(input, class_dim), target, weight, reduction, ignore_index
    )


def _class_weight_view(weight, ndim, class_dim):
    """The per-class weights shaped to broadcast along the class dim."""
    if ndim <= 1:
        return weight
    shape = [1] * ndim
    shape[class_dim] = weight.shape[0]
    return weight.view(*shape)


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing, class_dim):
    classes = input.shape[class_dim]
    if weight is not None and (weight.dim() != 1 or weight.numel() != classes):
        raise RuntimeError(
            f"cross_entropy: weight tensor should be defined either for all {classes} "
            f"classes or no classes but got weight tensor of shape: {list(weight.shape)}"
        )
    log_probabilities = nn_ops.log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(
                f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}"
            )
        target = target * (1 - label_smoothing) + (label_smoothing / classes)
    terms = log_probabilities * target
    if weight is not None:
        terms = terms * _class_weight_view(weight, input.dim(), class_dim)
    if reduction == "none":
        return -terms.sum(class_dim)
    if reduction == "sum":
        return -terms.sum()
    if input.numel() == 0:
        return (-terms.sum()).fill_(math.nan)
    # torch divides by the sample count as a C++ scalar: its node is DivBackward1
    return apply(nn_ops.DIV_SCALAR, (-terms.sum(),), (input.numel() // classes,))


def _cross_entropy_smoothed(
    input, target, weight, reduction, ignore_index, label_smoothing, class_dim
):
    log_probabilities = nn_ops.log_softmax(input, class_dim)
    nll = _nll_loss_nd(log_probabilities, target, weight, reduction, ignore_index)
    classes = log_probabilities.shape[class_dim]
    ignore_mask = target == ignore_index
    if weight is not None:
        weighted = log_probabilities * _class_weight_view(weight, input.dim(), class_dim)
        smooth_loss = -weighted.sum(class_dim)
    else:
        smooth_loss = -log_probabilities.sum(class_dim)
    smooth_loss = smooth_loss.masked_fill(ignore_mask, 0.0)
    if reduction == "mean":
        if weight is not None:
            kept = ops.masked_select(target, ~ignore_mask).flatten()
            smooth = smooth_loss.sum() / weight.gather(0, kept).sum()
        else:
            smooth = smooth_loss.sum() / (~ignore_mask).sum()
    elif reduction == "sum":
        smooth = smooth_loss.sum()
    else:
        smooth = smooth_loss
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / classes)


def binary_cross_entropy(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean"
):
    r"""Binary cross entropy between probabilities and targets:
    :math:`\ell_n = -w_n [y_n \log x_n + (1 - y_n) \log(1 - x_n)]`, each log clamped to
    :math:`\ge -100` (so :math:`x_n = 0` or 1 gives a finite loss).

    Args:
        input (Tensor): probabilities in [0, 1], any shape.
        target (Tensor): targets in [0, 1], the input's shape and dtype.
        weight (Tensor, optional): weights broadcastable to the target.
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``
    """
    reduction = _reduction(reduction, size_average, reduce)
    if target.size() != input.size():
        raise ValueError(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}) is deprecated. Please ensure they have the same size."
        )
    if weight is not None:
        weight = weight.expand(*_broadcast_shape(target.shape, weight.shape))
    for other in (target, weight):
        if other is not None and other.dtype is not input.dtype:
            raise RuntimeError(
                f"Found dtype {_type_word(other.dtype)} but expected {_type_word(input.dtype)}"
            )
    data = input._data
    if data.size and not bool(np.all((data >= 0) & (data <= 1))):
        raise RuntimeError("all elements of input should be between 0 and 1")
    data = target._data
    if data.size and not bool(np.all((data >= 0) & (data <= 1))):
        raise RuntimeError("all elements of target should be between 0 and 1")
    return apply(nn_ops.BINARY_CROSS_ENTROPY, (input, target, weight), (reduction,))


def binary_cross_entropy_with_logits(
    input,
    target,
    weight=None,
    size_average=None,
    reduce=None,
    reduction="mean",
    pos_weight=None,
):
    r"""Binary cross entropy of logits (sigmoid and BCE in one stable op):
    :math:`\ell_n = -w_n [p\, y_n \log \sigma(x_n) + (1 - y_n) \log(1 - \sigma(x_n))]`,
    :math:`p` the ``pos_weight`` of the positive class.

    Computed with :math:`\log \sigma(x) = \min(x, 0) - \log(1 + e^{-|x|})`, finite for
    any logit.

    Args:
        input (Tensor): logits, any shape.
        target (Tensor): targets in [0, 1], the input's shape.
        weight (Tensor, optional): weights broadcastable to the input.
        pos_weight (Tensor, optional): a weight of positive examples, broadcastable to
            the input (one per class along the last dim).
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``. Default: ``'mean'``

    Example::

        >>> import tracegrad as torch
        >>> F = torch.nn.functional
        >>> F.binary_cross_entropy_with_logits(torch.tensor([1e4, -1e4]), torch.tensor([0.0, 1.0]))
        tensor(10000.)
    """
    reduction = _reduction(reduction, size_average, reduce)
    if target.size() != input.size():
        raise ValueError(
            f"Target size ({target.size()}) must be the same as input size ({input.size()})"
        )
    if not target.dtype.is_floating_point:
        raise RuntimeError(
            f"result type {_type_word(common_dtype(input, 1.0))} can't be cast to the desired "
            f"output type {_type_word(target.dtype)}"
        )
    input, target = _promote_pair(input, target)
    # torch's messages name the operands as its kernel meets them: (pos_weight - 1) * target,
    # then loss * weight
    if pos_weight is not None:
        _broadcast_shape(pos_weight.shape, target.shape)
    if weight is not None:
        _broadcast_shape(input.shape, weight.shape)
    arrays = tuple(
        None if t is None else t._data.astype(input._data.dtype, copy=False)
        for t in (input, target, weight, pos_weight)
    )
    return apply(
        nn_ops.BINARY_CROSS_ENTROPY_WITH_LOGITS,
        (input, target, weight, pos_weight),
        (reduction,),
        arrays,
    )


# ---------------------------------------------------------------------------- utilities


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    r""":math:`v / \max(\lVert v \rVert_p, \epsilon)` for every vector :math:`v` along
    ``dim``.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.functional.normalize(torch.tensor([[3.0, 4.0]]))
        tensor([[0.6000, 0.8000]])
    """
    denominator = input.norm(p, dim, keepdim=True).clamp(min=eps).expand_as(input)
    if out is None:
        return input / denominator
    return ops.div(input, denominator, out=out)


def pad(input, pad, mode="constant", value=None):
    r"""Pad the last dims of ``input``: ``pad = (left, right)`` pads the last dim,
    ``(left, right, top, bottom)`` the last two, and so on. Negative amounts crop.

    Only ``mode='constant'`` (filled with ``value``, default 0) is implemented.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.functional.pad(torch.ones(1, 2), (1, 2))
        tensor([[0., 1., 1., 0., 0.]])
    """
    if mode != "constant":
        raise NotImplementedError(f"tracegrad implements only mode='constant' of pad, not {mode!r}")
    pad = [int(n) for n in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.dim():
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input dimension "
            f"but got padding length {len(pad)} and input of dimension {input.dim()}"
        )
    pairs = [(0, 0)] * input.dim()
    for i in range(len(pad) // 2):
        pairs[input.dim() - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    for d, (n, (before, after)) in enumerate(zip(input.shape, pairs, strict=True)):
        if n + min(before, 0) + min(after, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        if n + before + after < 0:
            raise RuntimeError(
                f"The input size {n}, plus negative padding {before} and {after} resulted in "
                f"a negative output size, which is invalid. Check dimension {d} of your input."
            )
    fill = 0.0 if value is None else value
    return apply(nn_ops.CONSTANT_PAD, (input,), (tuple(pairs), fill))


# ---------------------------------------------------------------------------- robust losses


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    r"""Smooth L1 loss: :math:`\ell_n = 0.5 d_n^2 / \beta` if :math:`|d_n| < \beta`,
    :math:`|d_n| - 0.5 \beta` otherwise (:math:`d = x - y`); ``beta=0`` is ``l1_loss``.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.functional.smooth_l1_loss(torch.tensor([0.5, 3.0]), torch.zeros(2))
        tensor(1.3125)
    """
    _warn_size(input, target)
    reduction = _reduction(reduction, size_average, reduce)
    input, target = _broadcast_pair(input, target)
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _check_floating("smooth_l1", input, target)
    input, target = _promote_pair(input, target)
    return apply(nn_ops.SMOOTH_L1_LOSS, (input, target), (reduction, float(beta)))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    r"""Huber loss: :math:`\ell_n = 0.5 d_n^2` if :math:`|d_n| < \delta`,
    :math:`\delta (|d_n| - 0.5 \delta)` otherwise (:math:`d = x - y`).

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.functional.huber_loss(torch.tensor([0.5, 3.0]), torch.zeros(2))
        tensor(1.3125)
    """
    _warn_size(input, target)
    reduction = _reduction(reduction)
    input, target = _broadcast_pair(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _check_floating("huber", input, target)
    if not input.dtype.is_floating_point:
        # the result is written in the input's dtype, which cannot hold the loss
        raise RuntimeError(
            f"result type {_type_word(common_dtype(input, target))} can't be cast to the "
            f"desired output type {_type_word(input.dtype)}"
        )
    input, target = _promote_pair(input, target)
    if weight is not None:
        losses = apply(nn_ops.HUBER_LOSS, (input, target), ("none", float(delta)))
        return _weighted_reduce(losses, weight, reduction)
    return apply(nn_ops.HUBER_LOSS, (input, target), (reduction, float(delta)))


_KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release."
)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    r"""The Kullback-Leibler divergence of ``target`` from ``input`` (log-probabilities):
    :math:`\ell = y (\log y - x)`, or :math:`e^{y} (y - x)` with ``log_target``.

    Composed as PyTorch composes it (``xlogy(y, y) - y * x``), so the nodes are torch's.
    ``reduction='batchmean'`` divides the sum by the batch size; ``'mean'`` (the default)
    divides by the element count and warns.

    Example::

        >>> import tracegrad as torch
        >>> p = torch.tensor([[0.5, 0.5]])
        >>> torch.nn.functional.kl_div(p.log(), p, reduction="batchmean")
        tensor(0.)
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction(None, size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn(_KL_MEAN_WARNING, stacklevel=2)
        if reduction not in ("batchmean", "none", "mean", "sum"):
            raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = ops.exp(target) * (target - input)
    else:
        zero = ops.zeros_like(target)
        safe = ops.where(target == 0, ops.ones_like(target), target)
        loss = ops.where(target == 0, zero, target * ops.log(safe)) - target * input
    if reduction == "batchmean":
        reduced = loss.sum()
        return reduced / input.size()[0] if input.dim() != 0 else reduced
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------- embedding


def embedding(
    input,
    weight,
    padding_idx=None,
    max_norm=None,
    norm_type=2.0,
    scale_grad_by_freq=False,
    sparse=False,
):
    r"""Rows of ``weight`` picked by the indices ``input``: the output has shape
    ``input.shape + (embedding_dim,)``. The row ``padding_idx`` gets no gradient.

    ``max_norm``, ``scale_grad_by_freq`` and ``sparse`` are not implemented.

    Example::

        >>> import tracegrad as torch
        >>> w = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
        >>> torch.nn.functional.embedding(torch.tensor([1, 0, 1]), w)
        tensor([[2., 3.],
                [0., 1.],
                [2., 3.]])
    """
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "tracegrad's embedding implements neither max_norm, scale_grad_by_freq nor sparse"
        )
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.size(0) + padding_idx
    if input.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got torch.{_type_word(input.dtype)}Tensor instead (while "
            "checking arguments for embedding)"
        )
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    data = input._data
    if data.size and (data.min() < 0 or data.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    return apply(nn_ops.EMBEDDING, (weight, input), (padding_idx,))


# ---------------------------------------------------------------------------- normalization


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    r"""Normalize over the last ``len(normalized_shape)`` dims:
    :math:`y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} \gamma + \beta`
    (biased variance); one node, ``NativeLayerNormBackward0``, as in torch.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.functional.layer_norm(torch.tensor([[1.0, 3.0]]), (2,))
        tensor([[-1.0000,  1.0000]])
    """
    if not isinstance(normalized_shape, list | tuple | Size):
        raise TypeError(
            "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not "
            f"{type(normalized_shape).__name__}"
        )
    shape = tuple(normalized_shape)
    k = len(shape)
    if k == 0:
        raise RuntimeError(
            "Expected normalized_shape to be at least 1-dimensional, i.e., containing at "
            "least one element, but got normalized_shape = []"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {list(t.shape)} and normalized_shape = {list(shape)}"
            )
    if input.dim() < k or tuple(input.shape[input.dim() - k :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(n) for n in shape)}], but got input of size"
            f"{list(input.shape)}"
        )
    return apply(nn_ops.LAYER_NORM, (input, weight, bias), (k, eps))


def batch_norm(
    input,
    running_mean,
    running_var,
    weight=None,
    bias=None,
    training=False,
    momentum=0.1,
    eps=1e-5,
):
    r"""Normalize every channel (dim 1) with the batch statistics (``training``) or the
    running ones: :math:`y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}}
    \gamma + \beta`. In training the running estimates, when given, are updated in
    place: :math:`r \leftarrow (1 - m) r + m s`, with the unbiased batch variance.

    Example::

        >>> import tracegrad as torch
        >>> x = torch.tensor([[1.0], [3.0]])
        >>> torch.nn.functional.batch_norm(x, None, None, training=True)
        tensor([[-1.0000],
                [ 1.0000]])
    """
    if input.dim() < 2:
        # torch reads the channel count as input.size(1)
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    channels = input.shape[1]
    if training:
        size = list(input.shape)
        count = size[0] * math.prod(size[2:])
        if count == 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size "
                f"{input.size()}"
            )
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    view = [1] * input.dim()
    view[1] = channels
    if training or running_mean is None or running_var is None:
        output = apply(nn_ops.BATCH_NORM, (input, weight, bias), (None, None, eps))
        if training and running_mean is not None and running_var is not None:
            # the running estimates take the batch's mean and unbiased variance
            dims = (0, *range(2, input.dim()))
            n = input.numel() // channels
            with grad_mode.no_grad():
                data = input.detach()
                mean = data.mean(dims, keepdim=True)
                centered = data - mean
                var = (centered * centered).mean(dims, keepdim=True)
                batch_mean = mean.reshape(channels)
                unbiased = var.reshape(channels) * (n / (n - 1))
                running_mean.copy_(momentum * batch_mean + (1 - momentum) * running_mean)
                running_var.copy_(momentum * unbiased + (1 - momentum) * running_var)
        return output
    dtype = input._data.dtype
    statistics = (
        running_mean._data.reshape(view).astype(dtype, copy=False),
        running_var._data.reshape(view).astype(dtype, copy=False),
    )
    return apply(nn_ops.BATCH_NORM, (input, weight, bias), (*statistics, eps))


# ---------------------------------------------------------------------------- more activations


def _inplace_variant(function):
    """``name_(input, ...)``: ``name(input, ..., inplace=True)``, as torch's ``F.relu_``."""

    def variant(input, *args, **kwargs):
        return function(input, *args, inplace=True, **kwargs)

    variant.__name__ = function.__name__ + "_"
    variant.__qualname__ = variant.__name__
    variant.__doc__ = f"In-place version of :func:`{function.__name__}`."
    return variant


def selu(input, inplace=False):
    r""":math:`\text{SELU}(x) = \lambda x` for :math:`x > 0`, :math:`\lambda\alpha(e^x - 1)`
    otherwise, with :math:`\alpha \approx 1.6733`, :math:`\lambda \approx 1.0507` (chosen so
    that activations keep zero mean and unit variance through deep networks)."""
    return _activation(nn_ops.SELU, input, (), inplace, nn_ops.SELU_)


def celu(input, alpha=1.0, inplace=False):
    r""":math:`\text{CELU}(x) = \max(0, x) + \min(0, \alpha(e^{x/\alpha} - 1))`, element-wise
    (ELU made continuously differentiable at 0 for any :math:`\alpha`)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _activation(nn_ops.CELU, input, (alpha,), inplace, nn_ops.CELU_)


def mish(input, inplace=False):
    r""":math:`\text{Mish}(x) = x \tanh(\text{softplus}(x))`, element-wise."""
    return _activation(nn_ops.MISH, input, (), inplace)


def softsign(input):
    r""":math:`\text{SoftSign}(x) = \frac{x}{1 + |x|}`, composed from abs and div."""
    return input / (input.abs() + 1)


def softshrink(input, lambd=0.5):
    r"""Shrink towards 0 by ``lambd``: :math:`x - \lambda` above :math:`\lambda`,
    :math:`x + \lambda` below :math:`-\lambda`, 0 between."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {float(lambd)}.")
    return unary(nn_ops.SOFTSHRINK, input, (lambd,))


def hardshrink(input, lambd=0.5):
    r""":math:`x` where :math:`|x| > \lambda`, 0 elsewhere."""
    return unary(nn_ops.HARDSHRINK, input, (lambd,))


def tanhshrink(input):
    r""":math:`\text{Tanhshrink}(x) = x - \tanh(x)`, composed from tanh and sub."""
    return input - ops.tanh(input)


def hardsigmoid(input, inplace=False):
    r"""A piecewise-linear sigmoid: 0 for :math:`x \le -3`, 1 for :math:`x \ge 3`,
    :math:`x/6 + 1/2` between."""
    return _activation(nn_ops.HARDSIGMOID, input, (), inplace)


def hardswish(input, inplace=False):
    r""":math:`x \cdot \text{hardsigmoid}(x)`: 0 below -3, :math:`x` above 3,
    :math:`x(x + 3)/6` between (MobileNetV3's cheap swish)."""
    return _activation(nn_ops.HARDSWISH, input, (), inplace)


def logsigmoid(input):
    r""":math:`\log \sigma(x) = -\text{softplus}(-x)`, computed without overflow."""
    return unary(nn_ops.LOGSIGMOID, input)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    r"""``softmax(-input, dim)``: the smallest entries get the largest weights."""
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    if dtype is not None:
        input = input.to(dtypes.to_dtype(dtype))
    return nn_ops.softmax(-input, dim)


def glu(input, dim=-1):
    r"""Gated linear unit: split ``input`` in halves :math:`a, b` along ``dim`` and return
    :math:`a \otimes \sigma(b)` (half the size along ``dim``)."""
    _check_tensor("glu", input)
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _wrap(dim, input.dim())
    if input.shape[d] % 2:
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}"
        )
    return unary(nn_ops.GLU, input, (d,))


def _wrap(dim, ndim):
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-max(ndim, 1)}, "
            f"{max(ndim, 1) - 1}], but got {dim})"
        )
    return dim % max(ndim, 1)


relu_ = _inplace_variant(relu)
elu_ = _inplace_variant(elu)
selu_ = _inplace_variant(selu)
celu_ = _inplace_variant(celu)
leaky_relu_ = _inplace_variant(leaky_relu)
hardtanh_ = _inplace_variant(hardtanh)
threshold_ = _inplace_variant(threshold)

cosine_similarity = ops.cosine_similarity
pairwise_distance = ops.pairwise_distance


# ---------------------------------------------------------------------------- margin losses


def _check_same_dim(name, *tensors):
    dims = [t.dim() for t in tensors]
    if len(set(dims)) != 1:
        shapes = ", ".join(str(list(t.shape)) for t in tensors)
        raise RuntimeError(
            f"{name}: All input tensors should have same dimension but got sizes: {shapes}"
        )


def margin_ranking_loss(
    input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"
):
    r""":math:`\ell = \max(0, -y (x_1 - x_2) + \text{margin})`: ``x1`` should rank higher
    than ``x2`` where :math:`y = 1`, lower where :math:`y = -1`."""
    reduction = _reduction(reduction, size_average, reduce)
    if not (input1.dim() == input2.dim() == target.dim()):
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} "
        )
    return _reduce(ops.clamp_min(-target * (input1 - input2) + margin, 0), reduction)


def hinge_embedding_loss(
    input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"
):
    r""":math:`\ell = x` where :math:`y = 1` and :math:`\max(0, \text{margin} - x)` where
    :math:`y = -1` (``x`` is typically a distance between two embeddings)."""
    reduction = _reduction(reduction, size_average, reduce)
    zero = ops.zeros_like(input)
    beyond_margin = ops.where(target != 1, ops.clamp_min(margin - input, 0), zero)
    itself = ops.where(target != -1, input, zero)
    return _reduce(beyond_margin + itself, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    r"""Two-class logistic loss :math:`\ell = \log(1 + e^{-y x})` for targets
    :math:`y = \pm 1` (``SoftMarginLossBackward0``)."""
    reduction = _reduction(reduction, size_average, reduce)
    _check_floating("soft_margin_loss", input, target)
    if isinstance(target, Tensor) and target.requires_grad:
        raise RuntimeError(
            "The function 'soft_margin_loss' is not differentiable with respect to argument "
            "'target'. This input cannot have requires_grad True."
        )
    input, target = _broadcast_pair(*_promote_pair(input, target))
    return apply(nn_ops.SOFT_MARGIN_LOSS, (input, target), (reduction,))


def multilabel_soft_margin_loss(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean"
):
    r"""Multi-label one-versus-all logistic loss on (N, C) logits and 0/1 targets:
    :math:`\ell_n = -\frac{1}{C}\sum_c w_c [y_c \log\sigma(x_c) + (1 - y_c)\log\sigma(-x_c)]`."""
    reduction = _reduction(reduction, size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(dim=class_dim) / input.size(class_dim)
    return _reduce(loss, reduction)


def cosine_embedding_loss(
    input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"
):
    r""":math:`\ell = 1 - \cos(x_1, x_2)` where :math:`y = 1` and
    :math:`\max(0, \cos(x_1, x_2) - \text{margin})` where :math:`y = -1`; the cosine is
    taken along the last dim (a tiny 1e-12 keeps zero vectors finite)."""
    reduction = _reduction(reduction, size_average, reduce)
    if input1.dim() != input2.dim() or input1.dim() not in (1, 2):
        raise RuntimeError(
            f"cosine_embedding_loss: expected 1-D or 2-D inputs of the same dimension, got "
            f"{list(input1.shape)} and {list(input2.shape)}"
        )
    if target.dim() != input1.dim() - 1:
        raise RuntimeError(
            f"{input1.dim()}D target tensor expected, {target.dim()}D target tensor given"
            if input1.dim() == 2
            else f"0D target tensor expected, {target.dim()}D target tensor given"
        )
    dim = input1.dim() - 1
    dot = (input1 * input2).sum(dim)
    square1 = (input1 * input1).sum(dim) + 1e-12
    square2 = (input2 * input2).sum(dim) + 1e-12
    cos = dot / ops.sqrt(square1 * square2)
    zero = ops.zeros_like(cos)
    similar = ops.where(target == 1, 1 - cos, zero)
    dissimilar = ops.where(target == -1, ops.clamp_min(cos - margin, 0), zero)
    return _reduce(similar + dissimilar, reduction)


def triplet_margin_loss(
    anchor,
    positive,
    negative,
    margin=1.0,
    p=2,
    eps=1e-6,
    swap=False,
    size_average=None,
    reduce=None,
    reduction="mean",
):
    r""":math:`\ell = \max(0, d(a, p) - d(a, n) + \text{margin})` with
    :math:`d` the ``pairwise_distance`` (p-norm); ``swap=True`` uses the smaller of
    :math:`d(a, n)` and :math:`d(p, n)` as the negative distance."""
    reduction = _reduction(reduction, size_average, reduce)
    if not (anchor.dim() == positive.dim() == negative.dim()):
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {anchor.dim()}D, positive {positive.dim()}D, "
            f"and negative {negative.dim()}D inputs"
        )
    if margin <= 0:
        raise ValueError(
            f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead"
        )
    positive_distance = pairwise_distance(anchor, positive, p, eps)
    negative_distance = pairwise_distance(anchor, negative, p, eps)
    if swap:
        negative_distance = ops.minimum(
            negative_distance, pairwise_distance(positive, negative, p, eps)
        )
    return _reduce(ops.clamp_min(margin + positive_distance - negative_distance, 0), reduction)


# ---------------------------------------------------------------------------- likelihood losses


def poisson_nll_loss(
    input,
    target,
    log_input=True,
    full=False,
    size_average=None,
    eps=1e-8,
    reduce=None,
    reduction="mean",
):
    r"""Negative log-likelihood of a Poisson target: :math:`e^x - y x` for log-rates
    (``log_input=True``), :math:`x - y \log(x + \text{eps})` for rates. ``full`` adds
    Stirling's approximation of :math:`\log y!` where :math:`y > 1`."""
    reduction = _reduction(reduction, size_average, reduce)
    if log_input:
        loss = ops.exp(input) - target * input
    else:
        loss = input - target * ops.log(input + eps)
    if full:
        stirling = target * ops.log(target) - target + 0.5 * ops.log(2 * math.pi * target)
        loss = loss + ops.where(target > 1, stirling, ops.zeros_like(stirling))
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    r"""Negative log-likelihood of a Gaussian target with predicted mean ``input`` and
    variance ``var``: :math:`\frac12(\log \max(\text{var}, \text{eps}) +
    (x - y)^2 / \max(\text{var}, \text{eps}))` (+ :math:`\frac12\log 2\pi` with ``full``).

    ``var`` may have the input's shape, lack its last dim, have 1 there, or be a number.
    The clamp at ``eps`` is not differentiated (the gradient passes as if unclamped).
    """
    if not isinstance(var, Tensor):
        from .._creation import full_like

        var = full_like(input, float(var))
    if var.size() != input.size():
        if input.size()[:-1] == var.size():
            var = var.unsqueeze(-1)
        elif not (input.size()[:-1] == var.size()[:-1] and var.size(-1) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + " is not valid")
    if bool((var._data < 0).any()):
        raise ValueError("var has negative entry/entries")
    clamped = ops.clamp_min(var.detach(), eps)
    var = var + (clamped - var.detach())
    loss = 0.5 * (ops.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------- group / rms norm


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    r"""Normalise each sample over groups of channels: the C channels (dim 1) are split
    into ``num_groups`` groups, each group (its channels and positions) gets zero mean and
    unit (biased) variance, then ``weight``/``bias`` scale and shift each channel.

    Unlike batch norm it does not depend on the batch, so it works for batch size 1.
    """
    _check_tensor("group_norm", input)
    if input.dim() < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {input.dim()}"
        )
    channels = input.shape[1]
    if num_groups <= 0 or channels % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got "
            f"input of shape {list(input.shape)} and num_groups={num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != channels):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {list(t.shape)} and input of shape "
                f"{list(input.shape)}"
            )
    return apply(nn_ops.GROUP_NORM, (input, weight, bias), (num_groups, eps))


def rms_norm(input, normalized_shape, weight=None, eps=None):
    r""":math:`y = \frac{x}{\sqrt{\mathrm{mean}(x^2) + \epsilon}} \gamma` over the last
    ``len(normalized_shape)`` dims (no centring, no bias). ``eps=None`` uses the machine
    epsilon of the input's dtype."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    shape = tuple(normalized_shape)
    k = len(shape)
    if input.dim() < k or tuple(input.shape[input.dim() - k :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(n) for n in shape)}], but got input of size"
            f"{list(input.shape)}"
        )
    if eps is None:
        eps = float(np.finfo(input.dtype.np).eps)
    dims = tuple(range(input.dim() - k, input.dim()))
    output = input * ops.rsqrt((input * input).mean(dims, keepdim=True) + eps)
    if weight is not None:
        output = output * weight
    return output
