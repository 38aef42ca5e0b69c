r"""RAdam: Adam whose adaptive step is switched on once its variance is tractable."""

from __future__ import annotations

from .. import _creation
from .optimizer import (
    _check_adam_options,
    Optimizer,
    _evaluate,
    _get_value,
    _step_counter,
    _to_scalar,
)
from .optimizer import _use_grad

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""Implements the RAdam algorithm.

    .. math::
       \begin{aligned}
            &\textbf{input}: \eta \text{ (lr)}, \: \beta_1, \beta_2 \text{ (betas)}, \:
                \mathbf{x}_0 \text{ (params)}, \: f \text{ (objective)}, \: \lambda
                \text{ (weight decay)}, \: \epsilon, \: \textit{maximize}              \\
            &\textbf{initialize}: m_0 \leftarrow 0, \: v_0 \leftarrow 0, \:
                \rho_{\infty} \leftarrow 2 / (1 - \beta_2) - 1                         \\
            &\textbf{for} \: t = 1, 2, \ldots \: \textbf{do}                          \\
            &\quad g_t \leftarrow \nabla f(\mathbf{x}_{t-1})
                \quad (-\nabla f(\mathbf{x}_{t-1}) \text{ if maximize})                \\
            &\quad \textbf{if} \: \lambda \neq 0: \:
                g_t \leftarrow g_t + \lambda \mathbf{x}_{t-1}
                \quad (\mathbf{x}_{t-1} \leftarrow (1 - \eta\lambda) \mathbf{x}_{t-1}
                \text{ if decoupled})                                                  \\
            &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t                 \\
            &\quad v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2               \\
            &\quad \widehat{m_t} \leftarrow m_t / (1 - \beta_1^t), \:
                \rho_t \leftarrow \rho_{\infty} - 2 t \beta_2^t / (1 - \beta_2^t)     \\
            &\quad \textbf{if} \: \rho_t > 5:                                         \\
            &\qquad l_t \leftarrow \sqrt{1 - \beta_2^t} / (\sqrt{v_t} + \epsilon), \:
                r_t \leftarrow \sqrt{\frac{(\rho_t - 4)(\rho_t - 2)\rho_{\infty}}
                {(\rho_{\infty} - 4)(\rho_{\infty} - 2) \rho_t}}                       \\
            &\qquad \mathbf{x}_t \leftarrow \mathbf{x}_{t-1} - \eta \widehat{m_t} l_t r_t \\
            &\quad \textbf{else}: \: \mathbf{x}_t \leftarrow \mathbf{x}_{t-1}
                - \eta \widehat{m_t}
       \end{aligned}

    Args:
        params (iterable): iterable of parameters (or ``(name, tensor)`` pairs) to
            optimize, or iterable of dicts defining parameter groups
        lr (float, Tensor, optional): learning rate :math:`\eta` (default: 1e-3)
        betas (tuple[float, float], optional): coefficients used for computing running
            averages of gradient and its square (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator to improve numerical
            stability (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        decoupled_weight_decay (bool, optional): whether to decouple the weight decay as
            in AdamW to obtain RAdamW (default: False)
        foreach (bool, optional): accepted for compatibility (default: None)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        capturable (bool, optional): accepted for compatibility (default: False)
        differentiable (bool, optional): record the step in the autograd graph instead
            of running it under ``no_grad`` (default: False)
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
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    @_use_grad
    def step(self, closure=None):
        """Perform a single optimization step.

        Args:
            closure (Callable, optional): A closure that reevaluates the model and returns
                the loss.
        """
        loss = _evaluate(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = group["betas"]
            eps, weight_decay = group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _step_counter()
                    state["exp_avg"] = _creation.zeros_like(p)
                    state["exp_avg_sq"] = _creation.zeros_like(p)
                g = p.grad if not group["maximize"] else -p.grad
                m, v = state["exp_avg"], state["exp_avg_sq"]

                state["step"] += 1
                t = _get_value(state["step"])
                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        p.mul_(1 - lr * weight_decay)  # x ← (1 − ηλ) x
                    else:
                        g = g.add(p, alpha=weight_decay)  # g ← g + λx
                m.lerp_(g, 1 - beta1)  # m ← β₁m + (1 − β₁)g
                v.mul_(beta2).add_((1 - beta2) * g * g)  # v ← β₂v + (1 − β₂)g²

                bias_correction1 = 1 - beta1**t
                bias_correction2 = 1 - beta2**t
                m_hat = m / bias_correction1  # m̂ = m / (1 − β₁ᵗ)
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * t * (beta2**t) / bias_correction2
                if rho_t > 5.0:
                    # l = √(1 − β₂ᵗ) / (√v + ε), written as torch evaluates a scalar / tensor
                    adaptive_lr = v.sqrt().add_(eps).reciprocal() * bias_correction2**0.5
                    rect = (
                        (rho_t - 4)
                        * (rho_t - 2)
                        * rho_inf
                        / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
                    ) ** 0.5
                    p.sub_(m_hat * lr * adaptive_lr * rect)  # x ← x − η m̂ l r
                else:
                    p.sub_(m_hat * lr)  # x ← x − η m̂
        return loss
