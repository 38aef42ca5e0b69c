r"""NAdam: Adam with Nesterov momentum and a momentum decay schedule."""

from __future__ import annotations

from .. import _creation
from .optimizer import (
    GroupwiseOptimizer,
    _require,
    _check_adam_options,
    _get_value,
    _step_counter,
    _to_scalar,
)

__all__ = ["NAdam"]


def _momentum_at(beta1: float, t: int | float, psi: float) -> float:
    """The scheduled momentum coefficient :math:`\\mu_t = \\beta_1 (1 - 0.96^{t\\psi}/2)`:
    it starts near :math:`\\beta_1 / 2` and rises toward :math:`\\beta_1`."""
    return beta1 * (1.0 - 0.5 * (0.96 ** (t * psi)))


class NAdam(GroupwiseOptimizer):
    r"""NAdam (Dozat, 2016): Adam with Nesterov's look-ahead. Instead of stepping along
    the current average :math:`m_t`, it steps along a mix of the fresh gradient and the
    average it will become one step later. The momentum coefficient follows a warm-up
    schedule :math:`\mu_t`.

    For each parameter :math:`x` with gradient :math:`g_t` at step :math:`t`
    (:math:`m_0 = v_0 = 0`, :math:`P_0 = 1`):

    .. math::
        g_t &\leftarrow g_t + \lambda x_{t-1}
            \quad\text{(weight decay } \lambda \ne 0\text{; with decoupled weight decay,}
            \; x_{t-1} \leftarrow (1 - \eta\lambda)\, x_{t-1} \text{ instead)} \\
        \mu_t &= \beta_1 \left(1 - \tfrac12\, 0.96^{\,t\psi}\right), \qquad
            P_t = P_{t-1}\, \mu_t \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2 \\
        d_t &= \sqrt{\frac{v_t}{1 - \beta_2^t}} + \epsilon \\
        x_t &= x_{t-1} - \eta\, \frac{1 - \mu_t}{1 - P_t}\, \frac{g_t}{d_t}
                       - \eta\, \frac{\mu_{t+1}}{1 - P_t\, \mu_{t+1}}\, \frac{m_t}{d_t}

    With ``maximize=True`` the step climbs: :math:`-g_t` replaces :math:`g_t`. The state
    of a parameter holds ``step``, ``mu_product`` (:math:`P_t`, a 0-d tensor with the
    dtype of ``step``: float32 unless the default dtype is float64), ``exp_avg``
    (:math:`m`) and ``exp_avg_sq`` (:math:`v`).

    Args:
        params (iterable): the tensors to train (or ``(name, tensor)`` pairs), or dicts
            each describing a parameter group with its own options.
        lr (float, Tensor, optional): :math:`\eta` (default: 2e-3)
        betas (tuple[float, float], optional): :math:`(\beta_1, \beta_2)`, the decay of
            :math:`m` and of :math:`v`, each in [0, 1) (default: (0.9, 0.999))
        eps (float, optional): :math:`\epsilon`, keeps :math:`d_t` away from zero
            (default: 1e-8)
        weight_decay (float, optional): :math:`\lambda` (default: 0)
        momentum_decay (float, optional): :math:`\psi`, the speed of the momentum
            warm-up (default: 4e-3)
        decoupled_weight_decay (bool, optional): shrink the weights directly, as AdamW
            does, instead of adding :math:`\lambda x` to the gradient (default: False)
        foreach (bool, optional): accepted for compatibility, no effect (default: None)
        maximize (bool, optional): ascend the objective instead (default: False)
        capturable (bool, optional): accepted for compatibility, no effect
            (default: False)
        differentiable (bool, optional): record the update in the autograd graph rather
            than running it under ``no_grad`` (default: False)
    """

    def __init__(
        self,
        params,
        lr=2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_adam_options(lr, eps, betas, weight_decay)
        _require(0.0 <= momentum_decay, "momentum_decay", momentum_decay)
        # the key order is the order state_dict() lists a group's options in
        settings = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
        )
        super().__init__(params, settings)

    def _update_group(self, options: dict) -> None:
        lr = _to_scalar(options["lr"])
        b1, b2 = options["betas"]
        eps, decay, psi = options["eps"], options["weight_decay"], options["momentum_decay"]
        for param in options["params"]:
            if param.grad is None:
                continue
            slot = self.state[param]
            if not slot:
                slot["step"] = _step_counter()
                slot["mu_product"] = _step_counter(1.0)
                slot["exp_avg"] = _creation.zeros_like(param)
                slot["exp_avg_sq"] = _creation.zeros_like(param)
            grad = -param.grad if options["maximize"] else param.grad
            mean, sq_mean, product = slot["exp_avg"], slot["exp_avg_sq"], slot["mu_product"]

            slot["step"] += 1
            t = _get_value(slot["step"])
            correction2 = 1 - b2**t
            if decay != 0:
                if options["decoupled_weight_decay"]:
                    param.mul_(1 - lr * decay)
                else:
                    grad = grad.add(param, alpha=decay)
            mu_now = _momentum_at(b1, t, psi)
            mu_after = _momentum_at(b1, t + 1, psi)
            product *= mu_now  # P_t, kept in the state tensor
            mean.lerp_(grad, 1 - b1)
            sq_mean.mul_(b2).addcmul_(grad, grad, value=1 - b2)
            scale = sq_mean.div(correction2).sqrt().add_(eps)

            p_now = _get_value(product)
            p_after = p_now * mu_after
            grad_coef = -lr * (1.0 - mu_now) / (1.0 - p_now)
            param.add_(grad_coef * grad / scale)
            mean_coef = (-lr * mu_after) / (1.0 - p_after)
            param.add_(mean_coef * mean / scale)
