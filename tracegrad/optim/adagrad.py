r"""Adagrad: per-coordinate steps divided by the root of the summed squared gradients."""

from __future__ import annotations

from .. import _creation
from .optimizer import Optimizer, _check_fused, _check_lr, _evaluate, _get_value, _use_grad
from .optimizer import _step_counter, _to_scalar

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Implements the Adagrad algorithm.

    .. math::
       \begin{aligned}
            &\textbf{input}: \eta \text{ (lr)}, \: \mathbf{x}_0 \text{ (params)}, \: f
                \text{ (objective)}, \: \lambda \text{ (weight decay)}, \: \tau
                \text{ (initial accumulator value)}, \: \kappa \text{ (lr decay)}, \:
                \epsilon, \: \textit{maximize}                                         \\
            &\textbf{initialize}: s_0 \leftarrow \tau                                 \\
            &\textbf{for} \: t = 1, 2, \ldots \: \textbf{do}                          \\
            &\quad g_t \leftarrow \nabla f(\mathbf{x}_{t-1})
                \quad (-\nabla f(\mathbf{x}_{t-1}) \text{ if maximize})                \\
            &\quad \tilde{\eta} \leftarrow \eta / (1 + (t - 1) \kappa)                \\
            &\quad \textbf{if} \: \lambda \neq 0: \:
                g_t \leftarrow g_t + \lambda \mathbf{x}_{t-1}                          \\
            &\quad s_t \leftarrow s_{t-1} + g_t^2                                     \\
            &\quad \mathbf{x}_t \leftarrow \mathbf{x}_{t-1} - \tilde{\eta}
                \, g_t / (\sqrt{s_t} + \epsilon)
       \end{aligned}

    Like PyTorch, the state (``step`` and ``sum``) of every parameter is created by the
    constructor, so ``state_dict()`` holds it before the first step.

    Args:
        params (iterable): iterable of parameters (or ``(name, tensor)`` pairs) to
            optimize, or iterable of dicts defining parameter groups
        lr (float, Tensor, optional): learning rate :math:`\eta` (default: 1e-2)
        lr_decay (float, optional): learning rate decay :math:`\kappa` (default: 0)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        initial_accumulator_value (float, optional): initial value :math:`\tau` of the
            sum of squares of gradients (default: 0)
        eps (float, optional): term added to the denominator to improve numerical
            stability (default: 1e-10)
        foreach (bool, optional): accepted for compatibility (default: None)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        differentiable (bool, optional): record the step in the autograd graph instead
            of running it under ``no_grad`` (default: False)
        fused (bool, optional): accepted for compatibility (default: None)
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
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}"
            )
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, p) -> None:
        state = self.state[p]
        state["step"] = _step_counter()
        state["sum"] = _creation.full_like(p, self.defaults["initial_accumulator_value"])

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
            weight_decay, lr_decay, eps = group["weight_decay"], group["lr_decay"], group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    self._init_state(p)
                state["step"] += 1
                t = _get_value(state["step"])
                g = p.grad if not group["maximize"] else -p.grad
                if weight_decay != 0:
                    g = g.add(p, alpha=weight_decay)  # g ← g + λx
                clr = lr / (1 + (t - 1) * lr_decay)  # η̃ = η / (1 + (t−1)κ)
                s = state["sum"]
                s.add_(g * g)  # s ← s + g²
                std = s.sqrt().add_(eps)
                p.add_(-clr * g / std)  # x ← x − η̃ g / (√s + ε)
        return loss
