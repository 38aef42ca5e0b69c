"""Gradient clipping: rescale (``clip_grad_norm_``) or clamp (``clip_grad_value_``) the
gradients of parameters in place, between ``backward()`` and ``optimizer.step()``.

Clipping guards against exploding gradients (long recurrences, a bad batch): one huge
step can throw the weights far from where training was going. Rescaling by the norm keeps
the gradient's direction and only shortens it; clamping by value bounds every component
separately and may change the direction.
"""

from __future__ import annotations

import types
import warnings

from ... import ops
from ..._creation import tensor as _tensor
from ..._tensor import Tensor
from ...autograd import grad_mode

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]

# added to the norm before dividing, so that an all-zero gradient divides safely
_NORM_EPS = 1e-6

_NONFINITE_MESSAGE = (
    "The total norm of order {order} for gradients from `parameters` is non-finite, "
    "so it cannot be clipped. To disable this error and scale the gradients by the "
    "non-finite norm anyway, set `error_if_nonfinite=False`"
)


def _as_list(tensors) -> list:
    """One tensor becomes a one-element list; any iterable becomes a list."""
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _existing_grads(params) -> list:
    return [param.grad for param in params if param.grad is not None]


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    r"""The :math:`p`-norm of all ``tensors`` taken together, as if they were flattened
    and concatenated into one long vector:

    .. math::
        \|(g_1, \dots, g_k)\|_p = \big\| (\|g_1\|_p, \dots, \|g_k\|_p) \big\|_p ,

    (for :math:`p = \infty`, the largest absolute entry). No tensors give 0.

    Args:
        tensors (Iterable[Tensor] or Tensor): usually the gradients.
        norm_type (float): :math:`p`; ``float('inf')`` or ``'inf'`` for the max norm.
        error_if_nonfinite (bool): raise ``RuntimeError`` when the result is ``nan``
            or infinite.
        foreach: accepted for compatibility, ignored.

    Returns:
        The norm, a 0-d tensor.
    """
    pieces = _as_list(tensors)
    order = float(norm_type)
    with grad_mode.no_grad():
        if not pieces:
            return _tensor(0.0)
        each = ops.stack([ops.norm(piece, order) for piece in pieces])
        overall = ops.norm(each, order)
    if error_if_nonfinite and bool(overall.isnan() | overall.isinf()):
        raise RuntimeError(_NONFINITE_MESSAGE.format(order=order))
    return overall


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None) -> None:
    r"""Multiply every gradient of ``parameters`` by
    :math:`c = \min\!\big(1, \frac{\text{max\_norm}}{\text{total\_norm} + 10^{-6}}\big)`,
    where ``total_norm`` was computed beforehand (see :func:`get_total_norm`).

    Args:
        parameters (Iterable[Tensor] or Tensor): the tensors whose ``.grad`` is scaled.
        max_norm (float): the largest norm allowed.
        total_norm (Tensor): the current norm of all the gradients.
        foreach: accepted for compatibility, ignored.
    """
    grads = _existing_grads(_as_list(parameters))
    limit = float(max_norm)
    if not grads:
        return
    with grad_mode.no_grad():
        ratio = limit / (total_norm + _NORM_EPS)
        factor = ops.clamp(ratio, max=1.0)  # never scale up
        for grad in grads:
            grad.mul_(factor.to(grad.dtype))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    r"""Shrink the gradients of ``parameters``, in place, so that their total norm is at
    most ``max_norm``; gradients already short enough are left (almost) unchanged.

    With :math:`N` the ``norm_type``-norm of all gradients seen as one vector (see
    :func:`get_total_norm`), each gradient is multiplied by
    :math:`\min(1, \text{max\_norm} / (N + 10^{-6}))`. Call it after ``backward()`` and
    before ``optimizer.step()``.

    Args:
        parameters (Iterable[Tensor] or Tensor): the tensors whose ``.grad`` is clipped,
            usually ``model.parameters()``; those without a gradient are skipped.
        max_norm (float): the largest total norm allowed.
        norm_type (float): the :math:`p` of the norm; ``'inf'`` for the max norm.
            Default: 2
        error_if_nonfinite (bool): raise ``RuntimeError`` instead of clipping when
            :math:`N` is ``nan`` or infinite. Default: False
        foreach: accepted for compatibility, ignored.

    Returns:
        :math:`N`, the total norm *before* clipping (handy to log).

    Example::

        >>> import tracegrad as torch
        >>> w = torch.tensor([3.0, 4.0], requires_grad=True)
        >>> (w * w).sum().backward()
        >>> torch.nn.utils.clip_grad_norm_([w], max_norm=1.0)
        tensor(10.)
    """
    from_generator = isinstance(parameters, types.GeneratorType)
    params = _as_list(parameters)
    if from_generator and not params:
        # usually a generator such as model.parameters() consumed by an earlier call
        warnings.warn(
            "`parameters` is an empty generator, no gradient clipping will occur.",
            stacklevel=2,
        )
    norm = get_total_norm(_existing_grads(params), norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(params, max_norm, norm, foreach)
    return norm


def clip_grad_value_(parameters, clip_value, foreach=None) -> None:
    r"""Clamp every entry of every gradient of ``parameters`` into
    :math:`[-\text{clip\_value}, \text{clip\_value}]`, in place.

    Args:
        parameters (Iterable[Tensor] or Tensor): the tensors whose ``.grad`` is clamped;
            those without a gradient are skipped.
        clip_value (float): the largest absolute value a gradient entry may keep.
        foreach: accepted for compatibility, ignored.
    """
    params = [parameters] if isinstance(parameters, Tensor) else parameters
    bound = float(clip_value)
    with grad_mode.no_grad():
        for grad in _existing_grads(params):
            grad.clamp_(min=-bound, max=bound)
