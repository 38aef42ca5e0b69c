r"""RMSprop: steps divided by the root of a running average of squared gradients."""

from __future__ import annotations

from .. import _creation
from .optimizer import Optimizer, _check_lr, _evaluate, _step_counter, _to_scalar, _use_grad

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""Implements the RMSprop algorithm.

    .. math::
       \begin{aligned}
            &\textbf{input}: \eta \text{ (lr)}, \: \alpha \text{ (alpha)}, \:
                \mathbf{x}_0 \text{ (params)}, \: f \text{ (objective)}, \: \lambda
                \text{ (weight decay)}, \: \mu \text{ (momentum)}, \: \textit{centered},
                \: \epsilon, \: \textit{maximize}                                      \\
            &\textbf{initialize}: v_0 \leftarrow 0, \: b_0 \leftarrow 0, \:
                g^{ave}_0 \leftarrow 0                                                 \\
            &\textbf{for} \: t = 1, 2, \ldots \: \textbf{do}                          \\
            &\quad g_t \leftarrow \nabla f(\mathbf{x}_{t-1})
                \quad (-\nabla f(\mathbf{x}_{t-1}) \text{ if maximize})                \\
            &\quad \textbf{if} \: \lambda \neq 0: \:
                g_t \leftarrow g_t + \lambda \mathbf{x}_{t-1}                          \\
            &\quad v_t \leftarrow \alpha v_{t-1} + (1 - \alpha) g_t^2                 \\
            &\quad \tilde{v}_t \leftarrow v_t                                         \\
            &\quad \textbf{if} \: \textit{centered}: \:
                g^{ave}_t \leftarrow \alpha g^{ave}_{t-1} + (1 - \alpha) g_t, \:
                \tilde{v}_t \leftarrow v_t - (g^{ave}_t)^2                             \\
            &\quad \textbf{if} \: \mu > 0: \:
                b_t \leftarrow \mu b_{t-1} + g_t / (\sqrt{\tilde{v}_t} + \epsilon), \:
                \mathbf{x}_t \leftarrow \mathbf{x}_{t-1} - \eta b_t                    \\
            &\quad \textbf{else}: \: \mathbf{x}_t \leftarrow \mathbf{x}_{t-1} - \eta
                \, g_t / (\sqrt{\tilde{v}_t} + \epsilon)
       \end{aligned}

    Args:
        params (iterable): iterable of parameters (or ``(name, tensor)`` pairs) to
            optimize, or iterable of dicts defining parameter groups
        lr (float, Tensor, optional): learning rate :math:`\eta` (default: 1e-2)
        alpha (float, optional): smoothing constant :math:`\alpha` (default: 0.99)
        eps (float, optional): term added to the denominator to improve numerical
            stability (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        momentum (float, optional): momentum factor :math:`\mu` (default: 0)
        centered (bool, optional): if ``True``, compute the centered RMSProp, the
            gradient is normalized by an estimation of its variance (default: False)
        capturable (bool, optional): accepted for compatibility (default: False)
        foreach (bool, optional): accepted for compatibility (default: None)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        differentiable (bool, optional): record the step in the autograd graph instead
            of running it under ``no_grad`` (default: False)
    """

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
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
            alpha, eps, momentum = group["alpha"], group["eps"], group["momentum"]
            weight_decay, centered = group["weight_decay"], group["centered"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _step_counter()
                    state["square_avg"] = _creation.zeros_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = _creation.zeros_like(p)
                    if centered:
                        state["grad_avg"] = _creation.zeros_like(p)
                g = p.grad if not group["maximize"] else -p.grad
                v = state["square_avg"]
                state["step"] += 1
                if weight_decay != 0:
                    g = g.add(p, alpha=weight_decay)  # g ← g + λx
                v.mul_(alpha).add_((1 - alpha) * g * g)  # v ← αv + (1 − α)g²
                if centered:
                    g_ave = state["grad_avg"]
                    g_ave.lerp_(g, 1 - alpha)  # ḡ ← αḡ + (1 − α)g
                    avg = (v - g_ave * g_ave).sqrt_()  # √(v − ḡ²)
                else:
                    avg = v.sqrt()
                avg = avg.add_(eps)
                if momentum > 0:
                    buf = state["momentum_buffer"]
                    buf.mul_(momentum).add_(g / avg)  # b ← μb + g/(√ṽ + ε)
                    p.add_(buf, alpha=-lr)  # x ← x − ηb
                else:
                    p.add_(-lr * g / avg)  # x ← x − η g/(√ṽ + ε)
        return loss
