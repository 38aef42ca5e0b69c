r"""Stochastic gradient descent, optionally with momentum: ``x ← x − η g``."""

from __future__ import annotations

from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _add_scaled_,
    _array_step_params,
    _check_fused,
    _check_lr,
    _evaluate,
    _to_scalar,
    _use_grad,
)

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Implements stochastic gradient descent (optionally with momentum).

    .. math::
       \begin{aligned}
            &\textbf{input}: \eta \text{ (lr)}, \: \mathbf{x}_0 \text{ (params)}, \: f
                \text{ (objective)}, \: \lambda \text{ (weight decay)}, \: \mu
                \text{ (momentum)}, \: \tau \text{ (dampening)}, \: \textit{nesterov},
                \: \textit{maximize}                                                   \\
            &\textbf{for} \: t = 1, 2, \ldots \: \textbf{do}                          \\
            &\quad g_t \leftarrow \nabla f(\mathbf{x}_{t-1})
                \quad (-\nabla f(\mathbf{x}_{t-1}) \text{ if maximize})                \\
            &\quad \textbf{if} \: \lambda \neq 0: \:
                g_t \leftarrow g_t + \lambda \mathbf{x}_{t-1}                          \\
            &\quad \textbf{if} \: \mu \neq 0:                                          \\
            &\qquad b_t \leftarrow g_t \text{ if } t = 1 \text{ else }
                \mu b_{t-1} + (1 - \tau) g_t                                           \\
            &\qquad g_t \leftarrow g_t + \mu b_t \text{ if nesterov else } b_t        \\
            &\quad \mathbf{x}_t \leftarrow \mathbf{x}_{t-1} - \eta g_t
       \end{aligned}

    With ``momentum=0`` this is the course's :math:`\mathbf{x} \leftarrow \mathbf{x} -
    \eta \nabla f(\mathbf{x})`; the velocity :math:`b_t` is kept in
    ``state[p]["momentum_buffer"]``.

    Args:
        params (iterable): iterable of parameters (or ``(name, tensor)`` pairs) to
            optimize, or iterable of dicts defining parameter groups
        lr (float, Tensor, optional): learning rate :math:`\eta` (default: 1e-3)
        momentum (float, optional): momentum factor :math:`\mu` (default: 0)
        dampening (float, optional): dampening for momentum :math:`\tau` (default: 0)
        weight_decay (float, optional): weight decay (L2 penalty) :math:`\lambda`
            (default: 0)
        nesterov (bool, optional): enables Nesterov momentum (default: False)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        foreach (bool, optional): accepted for compatibility; tracegrad has one
            implementation (default: None)
        differentiable (bool, optional): record the step in the autograd graph instead
            of running it under ``no_grad`` (default: False)
        fused (bool, optional): accepted for compatibility (default: None)

    Example::

        >>> import tracegrad as torch
        >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> optimizer = torch.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w * w).sum().backward()
        >>> optimizer.step()
        >>> w
        tensor([0.8000, 1.6000], requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay=0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        _check_fused(fused, foreach, differentiable)

    @_use_grad
    def step(self, closure=None):
        """Perform a single optimization step.

        Args:
            closure (Callable, optional): A closure that reevaluates the model and returns
                the loss.
        """
        loss = _evaluate(closure)
        for group in self.param_groups:
            pairs = _array_step_params(group)
            if pairs is None:
                self._step_tensors(group)
            else:
                self._step_arrays(group, pairs)
        return loss

    def _step_tensors(self, group):
        """The algorithm above on Tensors (recorded in the graph if ``differentiable``)."""
        lr = _to_scalar(group["lr"])
        weight_decay, momentum = group["weight_decay"], group["momentum"]
        dampening, nesterov = group["dampening"], group["nesterov"]
        for p in group["params"]:
            if p.grad is None:
                continue
            g = p.grad if not group["maximize"] else -p.grad
            if weight_decay != 0:
                g = g.add(p, alpha=weight_decay)  # g ← g + λx
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = g.detach().clone()  # b₁ = g₁
                else:
                    buf.mul_(momentum).add_(g, alpha=1 - dampening)  # b ← μb + (1−τ)g
                g = g.add(buf, alpha=momentum) if nesterov else buf
            p.add_(g, alpha=-lr)  # x ← x − ηg

    def _step_arrays(self, group, pairs):
        """The same update on the NumPy arrays, in place (fast path: nothing is recorded).
        Each array changed in place has its version bumped as the Tensor ops would."""
        lr = _to_scalar(group["lr"])
        weight_decay, momentum = group["weight_decay"], group["momentum"]
        dampening, nesterov = group["dampening"], group["nesterov"]
        for p, g in pairs:
            if group["maximize"]:
                g = -g
            if weight_decay != 0:
                g = g.copy()
                _add_scaled_(g, weight_decay, p._data)  # g ← g + λx
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = Tensor._make(g.copy())  # b₁ = g₁
                else:
                    b = buf._data
                    b *= momentum  # b ← μb + (1−τ)g
                    if dampening == 0:
                        b += g
                    else:
                        _add_scaled_(b, 1 - dampening, g)
                    buf._version[0] += 2
                if nesterov:
                    g = g.copy()
                    _add_scaled_(g, momentum, buf._data)
                else:
                    g = buf._data
            _add_scaled_(p._data, -lr, g)  # x ← x − ηg
            p._version[0] += 1
