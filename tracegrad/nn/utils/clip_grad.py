"""Gradient clipping: rescale (``clip_grad_norm_``) or clamp (``clip_grad_value_``) the
gradients of parameters in place, between ``backward()`` and ``optimizer.step()``."""

from __future__ import annotations

import types
import warnings

from ... import ops
from ..._creation import tensor as _tensor
from ..._tensor import Tensor
from ...autograd import grad_mode

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    r"""The ``norm_type``-norm of all ``tensors`` together, as if they were concatenated
    into one vector: the norm of the vector of their norms.

    Args:
        tensors (Iterable[Tensor] or Tensor): the tensors (usually gradients).
        norm_type (float): type of the used p-norm; ``inf`` for the infinity norm.
        error_if_nonfinite (bool): raise if the total norm is ``nan`` or ``inf``.

    Returns:
        Total norm of the tensors (viewed as a single vector).
    """
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    with grad_mode.no_grad():
        if not tensors:
            return _tensor(0.0)
        norms = [ops.norm(t, norm_type) for t in tensors]
        total_norm = ops.norm(ops.stack(norms), norm_type)
    if error_if_nonfinite and bool(total_norm.isnan() | total_norm.isinf()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from "
            "`parameters` is non-finite, so it cannot be clipped. To disable "
            "this error and scale the gradients by the non-finite norm anyway, "
            "set `error_if_nonfinite=False`"
        )
    return total_norm


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None) -> None:
    r"""Scale the gradients of ``parameters`` by ``min(1, max_norm / (total_norm + 1e-6))``.

    Args:
        parameters (Iterable[Tensor] or Tensor): tensors whose gradients are scaled.
        max_norm (float): max norm of the gradients.
        total_norm (Tensor): total norm of the gradients to use for clipping.
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if not grads:
        return
    with grad_mode.no_grad():
        clip_coef = max_norm / (total_norm + 1e-6)
        clip_coef_clamped = ops.clamp(clip_coef, max=1.0)
        for grad in grads:
            grad.mul_(clip_coef_clamped.to(grad.dtype))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    r"""Clip the gradient norm of an iterable of parameters.

    The norm is computed over the norms of the individual gradients of all parameters,
    as if the norms of the individual gradients were concatenated into a single vector.
    Gradients are modified in-place: multiplied by
    :math:`\min(1, \text{max\_norm} / (\text{total\_norm} + 10^{-6}))`.

    Args:
        parameters (Iterable[Tensor] or Tensor): an iterable of Tensors or a single
            Tensor that will have gradients normalized
        max_norm (float): max norm of the gradients
        norm_type (float): type of the used p-norm. Can be ``'inf'`` for infinity norm.
        error_if_nonfinite (bool): if True, an error is thrown if the total norm of the
            gradients from :attr:`parameters` is ``nan``, ``inf``, or ``-inf``.
            Default: False

    Returns:
        Total norm of the parameter gradients (viewed as a single vector).

    Example::

        >>> import tracegrad as torch
        >>> w = torch.tensor([3.0, 4.0], requires_grad=True)
        >>> (w * w).sum().backward()
        >>> torch.nn.utils.clip_grad_norm_([w], max_norm=1.0)
        tensor(10.)
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and not parameters:
            warnings.warn(
                "`parameters` is an empty generator, no gradient clipping will occur.",
                stacklevel=2,
            )
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_value_(parameters, clip_value, foreach=None) -> None:
    r"""Clamp the gradients of an iterable of parameters to
    :math:`[-\text{clip\_value}, \text{clip\_value}]`, in place.

    Args:
        parameters (Iterable[Tensor] or Tensor): an iterable of Tensors or a single
            Tensor that will have gradients clamped
        clip_value (float): maximum allowed value of the gradients.
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    clip_value = float(clip_value)
    with grad_mode.no_grad():
        for p in parameters:
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
