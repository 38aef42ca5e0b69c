r"""Adamax: Adam with the infinity norm of past gradients in place of the second moment."""

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

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Implements the Adamax algorithm (a variant of Adam based on infinity norm).

    .. math::
       \begin{aligned}
            &\textbf{input}: \eta \text{ (lr)}, \: \beta_1, \beta_2 \text{ (betas)}, \:
                \mathbf{x}_0 \text{ (params)}, \: f \text{ (objective)}, \: \lambda
                \text{ (weight decay)}, \: \epsilon, \: \textit{maximize}              \\
            &\textbf{initialize}: m_0 \leftarrow 0 \text{ (first moment)}, \:
                u_0 \leftarrow 0 \text{ (infinity norm)}                               \\
            &\textbf{for} \: t = 1, 2, \ldots \: \textbf{do}                          \\
            &\quad g_t \leftarrow \nabla f(\mathbf{x}_{t-1})
                \quad (-\nabla f(\mathbf{x}_{t-1}) \text{ if maximize})                \\
            &\quad \textbf{if} \: \lambda \neq 0: \:
                g_t \leftarrow g_t + \lambda \mathbf{x}_{t-1}                          \\
            &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t                 \\
            &\quad u_t \leftarrow \max(\beta_2 u_{t-1}, |g_t| + \epsilon)             \\
            &\quad \mathbf{x}_t \leftarrow \mathbf{x}_{t-1} - \frac{\eta}{1 - \beta_1^t}
                \, m_t / u_t
       \end{aligned}

    Args:
        params (iterable): iterable of parameters (or ``(name, tensor)`` pairs) to
            optimize, or iterable of dicts defining parameter groups
        lr (float, Tensor, optional): learning rate :math:`\eta` (default: 2e-3)
        betas (tuple[float, float], optional): coefficients used for computing running
            averages of gradient and its square (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator to improve numerical
            stability (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        foreach (bool, optional): accepted for compatibility (default: None)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        differentiable (bool, optional): record the step in the autograd graph instead
            of running it under ``no_grad`` (default: False)
        capturable (bool, optional): accepted for compatibility (default: False)
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
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
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
                    state["exp_inf"] = _creation.zeros_like(p)
                m, u = state["exp_avg"], state["exp_inf"]
                g = p.grad if not group["maximize"] else -p.grad
                state["step"] += 1
                if weight_decay != 0:
                    g = g.add(p, alpha=weight_decay)  # g ← g + λx
                m.lerp_(g, 1 - beta1)  # m ← β₁m + (1 − β₁)g
                u.copy_(u.mul_(beta2).maximum(g.abs().add_(eps)))  # u ← max(β₂u, |g| + ε)
                clr = lr / (1 - beta1 ** _get_value(state["step"]))
                p.add_(-clr * m / u)  # x ← x − η/(1 − β₁ᵗ) · m/u
        return loss
