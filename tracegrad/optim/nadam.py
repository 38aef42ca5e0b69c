r"""NAdam: Adam with Nesterov momentum and a momentum decay schedule."""

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

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""Implements the NAdam algorithm.

    .. math::
       \begin{aligned}
            &\textbf{input}: \eta \text{ (lr)}, \: \beta_1, \beta_2 \text{ (betas)}, \:
                \mathbf{x}_0 \text{ (params)}, \: f \text{ (objective)}, \: \lambda
                \text{ (weight decay)}, \: \psi \text{ (momentum decay)}, \: \epsilon  \\
            &\textbf{initialize}: m_0 \leftarrow 0, \: v_0 \leftarrow 0, \:
                \textstyle\prod_0 \leftarrow 1                                         \\
            &\textbf{for} \: t = 1, 2, \ldots \: \textbf{do}                          \\
            &\quad g_t \leftarrow \nabla f(\mathbf{x}_{t-1})
                \quad (-\nabla f(\mathbf{x}_{t-1}) \text{ if maximize})                \\
            &\quad \textbf{if} \: \lambda \neq 0: \:
                g_t \leftarrow g_t + \lambda \mathbf{x}_{t-1}
                \quad (\mathbf{x}_{t-1} \leftarrow (1 - \eta\lambda) \mathbf{x}_{t-1}
                \text{ if decoupled})                                                  \\
            &\quad \mu_t \leftarrow \beta_1 \big(1 - \tfrac{1}{2} \, 0.96^{t \psi}\big),
                \: \mu_{t+1} \leftarrow \beta_1 \big(1 - \tfrac{1}{2} \,
                0.96^{(t+1) \psi}\big), \: \textstyle\prod_t \leftarrow
                \textstyle\prod_{t-1} \mu_t                                            \\
            &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t                 \\
            &\quad v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2               \\
            &\quad d_t \leftarrow \sqrt{v_t / (1 - \beta_2^t)} + \epsilon             \\
            &\quad \mathbf{x}_t \leftarrow \mathbf{x}_{t-1}
                - \eta \frac{1 - \mu_t}{1 - \prod_t} \, g_t / d_t
                - \eta \frac{\mu_{t+1}}{1 - \prod_t \mu_{t+1}} \, m_t / d_t
       \end{aligned}

    As in PyTorch, the running product :math:`\prod_t` is kept as a 0-d tensor of the
    step counters' dtype (float32 unless the default dtype is float64), in
    ``state[p]["mu_product"]``.

    Args:
        params (iterable): iterable of parameters (or ``(name, tensor)`` pairs) to
            optimize, or iterable of dicts defining parameter groups
        lr (float, Tensor, optional): learning rate :math:`\eta` (default: 2e-3)
        betas (tuple[float, float], optional): coefficients used for computing running
            averages of gradient and its square (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator to improve numerical
            stability (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        momentum_decay (float, optional): momentum decay :math:`\psi` (default: 4e-3)
        decoupled_weight_decay (bool, optional): whether to decouple the weight decay as
            in AdamW to obtain NAdamW (default: False)
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
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
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
            eps, weight_decay, psi = group["eps"], group["weight_decay"], group["momentum_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _step_counter()
                    state["mu_product"] = _step_counter(1.0)
                    state["exp_avg"] = _creation.zeros_like(p)
                    state["exp_avg_sq"] = _creation.zeros_like(p)
                g = p.grad if not group["maximize"] else -p.grad
                m, v, mu_product = state["exp_avg"], state["exp_avg_sq"], state["mu_product"]

                state["step"] += 1
                t = _get_value(state["step"])
                bias_correction2 = 1 - beta2**t
                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        p.mul_(1 - lr * weight_decay)  # x ← (1 − ηλ) x
                    else:
                        g = g.add(p, alpha=weight_decay)  # g ← g + λx
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
                mu_product *= mu  # ∏ₜ = ∏ₜ₋₁ μₜ
                m.lerp_(g, 1 - beta1)  # m ← β₁m + (1 − β₁)g
                v.mul_(beta2).add_((1 - beta2) * g * g)  # v ← β₂v + (1 − β₂)g²
                denom = v.div(bias_correction2).sqrt().add_(eps)  # d = √(v/(1−β₂ᵗ)) + ε

                mu_product_next = _get_value(mu_product) * mu_next
                p.add_(-lr * (1.0 - mu) / (1.0 - _get_value(mu_product)) * g / denom)
                p.add_((-lr * mu_next) / (1.0 - mu_product_next) * m / denom)
        return loss
