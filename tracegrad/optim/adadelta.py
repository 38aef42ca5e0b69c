r"""Adadelta: steps whose units come from running averages of squared steps."""

from __future__ import annotations

from .. import _creation
from .optimizer import (
    GroupwiseOptimizer,
    _check_lr,
    _require,
    _step_counter,
    _to_scalar,
)

__all__ = ["Adadelta"]


class Adadelta(GroupwiseOptimizer):
    r"""Adadelta (Zeiler, 2012): like RMSprop it divides the gradient by a running RMS
    of past gradients, and it multiplies by a running RMS of past *updates*, so that the
    step has the units of the parameter and the learning rate can stay at 1.

    For each parameter :math:`x` with gradient :math:`g_t` at step :math:`t`
    (:math:`v_0 = u_0 = 0`):

    .. math::
        g_t &\leftarrow g_t + \lambda x_{t-1}
            \quad\text{(only with weight decay } \lambda \ne 0\text{)} \\
        v_t &= \rho\, v_{t-1} + (1 - \rho)\, g_t^2 \\
        \Delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\; g_t \\
        u_t &= \rho\, u_{t-1} + (1 - \rho)\, \Delta_t^2 \\
        x_t &= x_{t-1} - \eta\, \Delta_t

    With ``maximize=True`` the step climbs: :math:`-g_t` replaces :math:`g_t`. The state
    of a parameter holds ``step``, ``square_avg`` (:math:`v`) and ``acc_delta``
    (:math:`u`).

    Args:
        params (iterable): the tensors to train (or ``(name, tensor)`` pairs), or dicts
            each describing a parameter group with its own options.
        lr (float, Tensor, optional): :math:`\eta`, a final scale on the step
            (default: 1.0)
        rho (float, optional): :math:`\rho`, the decay of both running averages, in
            [0, 1] (default: 0.9)
        eps (float, optional): :math:`\epsilon`, inside both square roots; it also sets
            the size of the very first steps (default: 1e-6)
        weight_decay (float, optional): :math:`\lambda`, an L2 penalty added to the
            gradient (default: 0)
        foreach (bool, optional): accepted for compatibility, no effect (default: None)
        capturable (bool, optional): accepted for compatibility, no effect
            (default: False)
        maximize (bool, optional): ascend the objective instead (default: False)
        differentiable (bool, optional): record the update in the autograd graph rather
            than running it under ``no_grad`` (default: False)
    """

    def __init__(
        self,
        params,
        lr=1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _require(0.0 <= rho <= 1.0, "rho", rho)
        _require(0.0 <= eps, "epsilon", eps)
        _require(0.0 <= weight_decay, "weight_decay", weight_decay)
        # the key order is the order state_dict() lists a group's options in
        settings = dict(
            lr=lr,
            rho=rho,
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            capturable=capturable,
            foreach=foreach,
            differentiable=differentiable,
        )
        super().__init__(params, settings)

    def _update_group(self, options: dict) -> None:
        lr = _to_scalar(options["lr"])
        rho, eps, decay = options["rho"], options["eps"], options["weight_decay"]
        keep = 1 - rho  # weight of the newest value in both averages
        for param in options["params"]:
            if param.grad is None:
                continue
            slot = self.state[param]
            if not slot:
                slot["step"] = _step_counter()
                slot["square_avg"] = _creation.zeros_like(param)
                slot["acc_delta"] = _creation.zeros_like(param)
            sq_grads, sq_steps = slot["square_avg"], slot["acc_delta"]
            slot["step"] += 1
            grad = -param.grad if options["maximize"] else param.grad
            if decay != 0:
                grad = grad.add(param, alpha=decay)
            sq_grads.mul_(rho).addcmul_(grad, grad, value=keep)
            grad_rms = sq_grads.add(eps).sqrt_()
            update = sq_steps.add(eps).sqrt_().div_(grad_rms).mul_(grad)
            sq_steps.mul_(rho).addcmul_(update, update, value=keep)
            param.add_(update, alpha=-lr)
