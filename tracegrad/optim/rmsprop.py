r"""RMSprop: steps divided by the root of a running average of squared gradients."""

from __future__ import annotations

from .. import _creation
from .optimizer import (
    GroupwiseOptimizer,
    _check_lr,
    _require,
    _step_counter,
    _to_scalar,
)

__all__ = ["RMSprop"]


class RMSprop(GroupwiseOptimizer):
    r"""RMSprop (Hinton's lecture notes, 2012): divide each coordinate of the gradient
    by the root of a running average of its squares. Unlike Adagrad's growing sum, the
    average forgets old gradients, so the step size does not decay to zero.

    For each parameter :math:`x` with gradient :math:`g_t` at step :math:`t`
    (:math:`v_0 = \bar g_0 = b_0 = 0`):

    .. math::
        g_t &\leftarrow g_t + \lambda x_{t-1}
            \quad\text{(only with weight decay } \lambda \ne 0\text{)} \\
        v_t &= \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2 \\
        s_t &= \sqrt{v_t} + \epsilon
            \quad\text{or, centered:}\quad
            \bar g_t = \alpha\, \bar g_{t-1} + (1 - \alpha)\, g_t, \;\;
            s_t = \sqrt{v_t - \bar g_t^2} + \epsilon \\
        x_t &= x_{t-1} - \eta\, \frac{g_t}{s_t}
            \quad\text{or, with momentum } \mu > 0:\quad
            b_t = \mu\, b_{t-1} + \frac{g_t}{s_t}, \;\; x_t = x_{t-1} - \eta\, b_t

    The centered variant divides by an estimate of the gradient's variance rather than
    of its raw second moment. With ``maximize=True`` the step climbs: :math:`-g_t`
    replaces :math:`g_t`. The state of a parameter holds ``step``, ``square_avg``
    (:math:`v`), plus ``momentum_buffer`` (:math:`b`) when :math:`\mu > 0` and
    ``grad_avg`` (:math:`\bar g`) when centered.

    Args:
        params (iterable): the tensors to train (or ``(name, tensor)`` pairs), or dicts
            each describing a parameter group with its own options.
        lr (float, Tensor, optional): :math:`\eta` (default: 1e-2)
        alpha (float, optional): :math:`\alpha`, the decay of the running averages
            (default: 0.99)
        eps (float, optional): :math:`\epsilon`, keeps the division finite
            (default: 1e-8)
        weight_decay (float, optional): :math:`\lambda`, an L2 penalty added to the
            gradient (default: 0)
        momentum (float, optional): :math:`\mu` (default: 0)
        centered (bool, optional): normalize by the estimated variance (default: False)
        capturable (bool, optional): accepted for compatibility, no effect
            (default: False)
        foreach (bool, optional): accepted for compatibility, no effect (default: None)
        maximize (bool, optional): ascend the objective instead (default: False)
        differentiable (bool, optional): record the update in the autograd graph rather
            than running it under ``no_grad`` (default: False)
    """

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _require(0.0 <= eps, "epsilon", eps)
        _require(0.0 <= momentum, "momentum", momentum)
        _require(0.0 <= weight_decay, "weight_decay", weight_decay)
        _require(0.0 <= alpha, "alpha", alpha)
        # the key order is the order state_dict() lists a group's options in
        settings = dict(
            lr=lr,
            momentum=momentum,
            alpha=alpha,
            eps=eps,
            centered=centered,
            weight_decay=weight_decay,
            capturable=capturable,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
        )
        super().__init__(params, settings)

    def _update_group(self, options: dict) -> None:
        lr = _to_scalar(options["lr"])
        alpha, eps, mu = options["alpha"], options["eps"], options["momentum"]
        decay, centered = options["weight_decay"], options["centered"]
        for param in options["params"]:
            if param.grad is None:
                continue
            slot = self.state[param]
            if not slot:
                slot["step"] = _step_counter()
                slot["square_avg"] = _creation.zeros_like(param)
                if mu > 0:
                    slot["momentum_buffer"] = _creation.zeros_like(param)
                if centered:
                    slot["grad_avg"] = _creation.zeros_like(param)
            grad = -param.grad if options["maximize"] else param.grad
            sq_mean = slot["square_avg"]
            slot["step"] += 1
            if decay != 0:
                grad = grad.add(param, alpha=decay)
            sq_mean.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
            if centered:
                mean = slot["grad_avg"]
                mean.lerp_(grad, 1 - alpha)
                spread = sq_mean.addcmul(mean, mean, value=-1).sqrt_()
            else:
                spread = sq_mean.sqrt()
            scale = spread.add_(eps)
            if mu > 0:
                velocity = slot["momentum_buffer"]
                velocity.mul_(mu).add_(grad / scale)
                param.add_(velocity, alpha=-lr)
            else:
                param.add_(-lr * grad / scale)
