r"""Adagrad: per-coordinate steps divided by the root of the summed squared gradients."""

from __future__ import annotations

from .. import _creation
from .optimizer import (
    GroupwiseOptimizer,
    _check_fused,
    _check_lr,
    _get_value,
    _require,
)
from .optimizer import _step_counter, _to_scalar

__all__ = ["Adagrad"]


class Adagrad(GroupwiseOptimizer):
    r"""Adagrad (Duchi et al., 2011): every coordinate gets its own step size, which
    shrinks as the squared gradients seen on that coordinate add up. Rarely-updated
    coordinates (features that seldom appear) keep large steps; busy ones slow down.

    For each parameter :math:`x` with gradient :math:`g_t` at step :math:`t = 1, 2,
    \dots` and :math:`s_0 = \tau` (every entry):

    .. math::
        g_t &\leftarrow g_t + \lambda x_{t-1}
            \quad\text{(only with weight decay } \lambda \ne 0\text{)} \\
        \eta_t &= \frac{\eta}{1 + (t - 1)\,\kappa} \\
        s_t &= s_{t-1} + g_t^2 \\
        x_t &= x_{t-1} - \eta_t\, \frac{g_t}{\sqrt{s_t} + \epsilon}

    With ``maximize=True`` the step climbs: :math:`-g_t` replaces :math:`g_t`. Since
    :math:`s_t` only grows, the effective step size only decreases.

    The constructor already creates each parameter's state (``step`` at 0 and ``sum``
    filled with :math:`\tau`), so ``state_dict()`` shows it before any step; a parameter
    added later gets it at its first step, also from the constructor's :math:`\tau`.

    Args:
        params (iterable): the tensors to train (or ``(name, tensor)`` pairs), or dicts
            each describing a parameter group with its own options.
        lr (float, Tensor, optional): :math:`\eta` (default: 1e-2)
        lr_decay (float, optional): :math:`\kappa`, how fast :math:`\eta_t` decays with
            the step count (default: 0)
        weight_decay (float, optional): :math:`\lambda`, an L2 penalty added to the
            gradient (default: 0)
        initial_accumulator_value (float, optional): :math:`\tau`, the starting value
            of the sum :math:`s` (default: 0)
        eps (float, optional): :math:`\epsilon`, keeps the division finite
            (default: 1e-10)
        foreach (bool, optional): accepted for compatibility, no effect (default: None)
        maximize (bool, optional): ascend the objective instead (default: False)
        differentiable (bool, optional): record the update in the autograd graph rather
            than running it under ``no_grad`` (default: False)
        fused (bool, optional): accepted for compatibility, no effect (default: None)
    """

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_lr(lr)
        _require(0.0 <= lr_decay, "lr_decay", lr_decay)
        _require(0.0 <= weight_decay, "weight_decay", weight_decay)
        _require(
            0.0 <= initial_accumulator_value,
            "initial_accumulator_value",
            initial_accumulator_value,
        )
        _require(0.0 <= eps, "epsilon", eps)
        # the key order is the order state_dict() lists a group's options in
        settings = dict(
            lr=lr,
            lr_decay=lr_decay,
            eps=eps,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            fused=fused,
        )
        super().__init__(params, settings)
        _check_fused(fused, foreach, differentiable)
        for options in self.param_groups:
            for param in options["params"]:
                self._start_state(param)

    def _start_state(self, param) -> None:
        slot = self.state[param]
        slot["step"] = _step_counter()
        slot["sum"] = _creation.full_like(param, self.defaults["initial_accumulator_value"])

    def _update_group(self, options: dict) -> None:
        lr = _to_scalar(options["lr"])
        decay, kappa, eps = options["weight_decay"], options["lr_decay"], options["eps"]
        for param in options["params"]:
            if param.grad is None:
                continue
            slot = self.state[param]
            if not slot:
                self._start_state(param)
            slot["step"] += 1
            t = _get_value(slot["step"])
            grad = -param.grad if options["maximize"] else param.grad
            if decay != 0:
                grad = grad.add(param, alpha=decay)
            lr_t = lr / (1 + (t - 1) * kappa)
            total = slot["sum"]
            total.addcmul_(grad, grad, value=1)
            scale = total.sqrt().add_(eps)
            param.add_(-lr_t * grad / scale)
