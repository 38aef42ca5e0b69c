r"""Adadelta: steps whose units come from running averages of squared steps."""

from __future__ import annotations

from .. import _creation
from .optimizer import Optimizer, _check_lr, _evaluate, _step_counter, _to_scalar, _use_grad

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Implements the Adadelta algorithm.

    .. math::
       \begin{aligned}
            &\textbf{input}: \eta \text{ (lr)}, \: \mathbf{x}_0 \text{ (params)}, \: f
                \text{ (objective)}, \: \rho \text{ (decay)}, \: \lambda
                \text{ (weight decay)}, \: \epsilon, \: \textit{maximize}              \\
            &\textbf{initialize}: v_0 \leftarrow 0 \text{ (square avg)}, \:
                u_0 \leftarrow 0 \text{ (accumulate variables)}                        \\
            &\textbf{for} \: t = 1, 2, \ldots \: \textbf{do}                          \\
            &\quad g_t \leftarrow \nabla f(\mathbf{x}_{t-1})
                \quad (-\nabla f(\mathbf{x}_{t-1}) \text{ if maximize})                \\
            &\quad \textbf{if} \: \lambda \neq 0: \:
                g_t \leftarrow g_t + \lambda \mathbf{x}_{t-1}                          \\
            &\quad v_t \leftarrow \rho v_{t-1} + (1 - \rho) g_t^2                     \\
            &\quad \Delta \mathbf{x}_t \leftarrow \frac{\sqrt{u_{t-1} + \epsilon}}
                {\sqrt{v_t + \epsilon}} \, g_t                                         \\
            &\quad u_t \leftarrow \rho u_{t-1} + (1 - \rho) \Delta \mathbf{x}_t^2     \\
            &\quad \mathbf{x}_t \leftarrow \mathbf{x}_{t-1} - \eta \Delta \mathbf{x}_t
       \end{aligned}

    Args:
        params (iterable): iterable of parameters (or ``(name, tensor)`` pairs) to
            optimize, or iterable of dicts defining parameter groups
        lr (float, Tensor, optional): coefficient :math:`\eta` that scales delta before
            it is applied to the parameters (default: 1.0)
        rho (float, optional): coefficient :math:`\rho` used for computing a running
            average of squared gradients (default: 0.9)
        eps (float, optional): term added to the denominator to improve numerical
            stability (default: 1e-6)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        foreach (bool, optional): accepted for compatibility (default: None)
        capturable (bool, optional): accepted for compatibility (default: False)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        differentiable (bool, optional): record the step in the autograd graph instead
            of running it under ``no_grad`` (default: False)
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
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
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
            rho, eps, weight_decay = group["rho"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _step_counter()
                    state["square_avg"] = _creation.zeros_like(p)
                    state["acc_delta"] = _creation.zeros_like(p)
                v, u = state["square_avg"], state["acc_delta"]
                state["step"] += 1
                g = p.grad if not group["maximize"] else -p.grad
                if weight_decay != 0:
                    g = g.add(p, alpha=weight_decay)  # g ← g + λx
                v.mul_(rho).add_((1 - rho) * g * g)  # v ← ρv + (1 − ρ)g²
                std = v.add(eps).sqrt_()
                delta = u.add(eps).sqrt_().div_(std).mul_(g)  # Δx = √(u + ε)/√(v + ε) · g
                u.mul_(rho).add_((1 - rho) * delta * delta)  # u ← ρu + (1 − ρ)Δx²
                p.add_(delta, alpha=-lr)  # x ← x − ηΔx
        return loss
