r"""RAdam: Adam whose adaptive step is switched on once its variance is tractable."""

from __future__ import annotations

from .. import _creation
from .optimizer import (
    GroupwiseOptimizer,
    _check_adam_options,
    _get_value,
    _step_counter,
    _to_scalar,
)

__all__ = ["RAdam"]

# Below this length of the approximated simple moving average the variance of the
# adaptive learning rate is considered intractable and a plain momentum step is taken.
_SMA_THRESHOLD = 5.0


def _rectifier(sma: float, sma_max: float) -> float:
    """The variance rectification term :math:`r_t` (see the class docstring)."""
    numerator = (sma - 4) * (sma - 2) * sma_max
    denominator = (sma_max - 4) * (sma_max - 2) * sma
    return (numerator / denominator) ** 0.5


class RAdam(GroupwiseOptimizer):
    r"""RAdam, "rectified Adam" (Liu et al., 2020). In its first steps Adam divides by a
    second moment estimated from very few gradients, so its adaptive step size has a
    huge variance; that is why Adam often needs a learning-rate warm-up. RAdam measures
    how many gradients the estimate effectively rests on (:math:`\rho_t`); while it is
    too few it takes plain momentum steps, afterwards Adam steps multiplied by a factor
    :math:`r_t < 1` that corrects for the variance.

    For each parameter :math:`x` with gradient :math:`g_t` at step :math:`t`
    (:math:`m_0 = v_0 = 0`, :math:`\rho_\infty = \frac{2}{1 - \beta_2} - 1`):

    .. math::
        g_t &\leftarrow g_t + \lambda x_{t-1}
            \quad\text{(weight decay } \lambda \ne 0\text{; with decoupled weight decay,}
            \; x_{t-1} \leftarrow (1 - \eta\lambda)\, x_{t-1} \text{ instead)} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad
            \hat m_t = \frac{m_t}{1 - \beta_1^t} \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2 \\
        \rho_t &= \rho_\infty - \frac{2 t \beta_2^t}{1 - \beta_2^t} \\
        x_t &= \begin{cases}
            x_{t-1} - \eta\, \hat m_t\, r_t\, \dfrac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon}
                & \text{if } \rho_t > 5, \text{ with }
                r_t = \sqrt{\dfrac{(\rho_t - 4)(\rho_t - 2)\,\rho_\infty}
                                  {(\rho_\infty - 4)(\rho_\infty - 2)\,\rho_t}} \\
            x_{t-1} - \eta\, \hat m_t & \text{otherwise.}
        \end{cases}

    With ``maximize=True`` the step climbs: :math:`-g_t` replaces :math:`g_t`. The state
    of a parameter holds ``step``, ``exp_avg`` (:math:`m`) and ``exp_avg_sq``
    (:math:`v`).

    Args:
        params (iterable): the tensors to train (or ``(name, tensor)`` pairs), or dicts
            each describing a parameter group with its own options.
        lr (float, Tensor, optional): :math:`\eta` (default: 1e-3)
        betas (tuple[float, float], optional): :math:`(\beta_1, \beta_2)`, the decay of
            :math:`m` and of :math:`v`, each in [0, 1) (default: (0.9, 0.999))
        eps (float, optional): :math:`\epsilon`, keeps the division finite
            (default: 1e-8)
        weight_decay (float, optional): :math:`\lambda` (default: 0)
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
        lr=1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_adam_options(lr, eps, betas, weight_decay)
        # the key order is the order state_dict() lists a group's options in
        settings = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            decoupled_weight_decay=decoupled_weight_decay,
            differentiable=differentiable,
        )
        super().__init__(params, settings)

    def _update_group(self, options: dict) -> None:
        lr = _to_scalar(options["lr"])
        b1, b2 = options["betas"]
        eps, decay = options["eps"], options["weight_decay"]
        sma_max = 2 / (1 - b2) - 1
        for param in options["params"]:
            if param.grad is None:
                continue
            slot = self.state[param]
            if not slot:
                slot["step"] = _step_counter()
                slot["exp_avg"] = _creation.zeros_like(param)
                slot["exp_avg_sq"] = _creation.zeros_like(param)
            grad = -param.grad if options["maximize"] else param.grad
            mean, sq_mean = slot["exp_avg"], slot["exp_avg_sq"]

            slot["step"] += 1
            t = _get_value(slot["step"])
            if decay != 0:
                if options["decoupled_weight_decay"]:
                    param.mul_(1 - lr * decay)
                else:
                    grad = grad.add(param, alpha=decay)
            mean.lerp_(grad, 1 - b1)
            sq_mean.mul_(b2).addcmul_(grad, grad, value=1 - b2)

            correction1 = 1 - b1**t
            correction2 = 1 - b2**t
            mean_hat = mean / correction1
            sma = sma_max - 2 * t * (b2**t) / correction2
            if sma > _SMA_THRESHOLD:
                # sqrt(1 - b2^t) / (sqrt(v) + eps), in the order torch rounds it
                adaptive = sq_mean.sqrt().add_(eps).reciprocal() * correction2**0.5
                param.sub_(mean_hat * lr * adaptive * _rectifier(sma, sma_max))
            else:
                param.sub_(mean_hat * lr)
