r"""Adamax: Adam with the infinity norm of past gradients in place of the second moment."""

from __future__ import annotations

from .. import _creation
from .optimizer import (
    GroupwiseOptimizer,
    _check_adam_options,
    _get_value,
    _step_counter,
    _to_scalar,
)

__all__ = ["Adamax"]


class Adamax(GroupwiseOptimizer):
    r"""Adamax (Kingma & Ba, 2015, section 7): Adam's second moment, an average of
    :math:`g^2`, generalised to an :math:`L^p` average and taken to the limit
    :math:`p \to \infty`. The limit is a running *maximum* of :math:`|g|` that decays by
    :math:`\beta_2` per step, which needs no bias correction.

    For each parameter :math:`x` with gradient :math:`g_t` at step :math:`t`
    (:math:`m_0 = u_0 = 0`):

    .. math::
        g_t &\leftarrow g_t + \lambda x_{t-1}
            \quad\text{(only with weight decay } \lambda \ne 0\text{)} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t \\
        u_t &= \max\big(\beta_2 u_{t-1},\; |g_t| + \epsilon\big) \\
        x_t &= x_{t-1} - \frac{\eta}{1 - \beta_1^t}\, \frac{m_t}{u_t}

    With ``maximize=True`` the step climbs: :math:`-g_t` replaces :math:`g_t`. The state
    of a parameter holds ``step``, ``exp_avg`` (:math:`m`) and ``exp_inf``
    (:math:`u`).

    Args:
        params (iterable): the tensors to train (or ``(name, tensor)`` pairs), or dicts
            each describing a parameter group with its own options.
        lr (float, Tensor, optional): :math:`\eta` (default: 2e-3)
        betas (tuple[float, float], optional): :math:`(\beta_1, \beta_2)`, the decay of
            :math:`m` and of :math:`u`, each in [0, 1) (default: (0.9, 0.999))
        eps (float, optional): :math:`\epsilon`, keeps :math:`u` away from zero
            (default: 1e-8)
        weight_decay (float, optional): :math:`\lambda`, an L2 penalty added to the
            gradient (default: 0)
        foreach (bool, optional): accepted for compatibility, no effect (default: None)
        maximize (bool, optional): ascend the objective instead (default: False)
        differentiable (bool, optional): record the update in the autograd graph rather
            than running it under ``no_grad`` (default: False)
        capturable (bool, optional): accepted for compatibility, no effect
            (default: False)
    """

    def __init__(
        self,
        params,
        lr=2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_adam_options(lr, eps, betas, weight_decay)
        # the key order is the order state_dict() lists a group's options in
        settings = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )
        super().__init__(params, settings)

    def _update_group(self, options: dict) -> None:
        lr = _to_scalar(options["lr"])
        b1, b2 = options["betas"]
        eps, decay = options["eps"], options["weight_decay"]
        for param in options["params"]:
            if param.grad is None:
                continue
            slot = self.state[param]
            if not slot:
                slot["step"] = _step_counter()
                slot["exp_avg"] = _creation.zeros_like(param)
                slot["exp_inf"] = _creation.zeros_like(param)
            mean, peak = slot["exp_avg"], slot["exp_inf"]
            slot["step"] += 1
            grad = -param.grad if options["maximize"] else param.grad
            if decay != 0:
                grad = grad.add(param, alpha=decay)
            mean.lerp_(grad, 1 - b1)
            floor = grad.abs().add_(eps)
            peak.copy_(peak.mul_(b2).maximum(floor))
            step_size = lr / (1 - b1 ** _get_value(slot["step"]))
            param.add_(-step_size * mean / peak)
