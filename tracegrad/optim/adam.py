r"""Adam: steps scaled by running averages of the gradient and of its square."""

from __future__ import annotations

import numpy as np

from .. import _creation
from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _add_scaled_,
    _array_step_params,
    _check_adam_options,
    _check_fused,
    _evaluate,
    _get_value,
    _step_counter,
    _to_scalar,
    _use_grad,
)

__all__ = ["Adam"]


class Adam(Optimizer):
    r"""Implements the Adam algorithm.

    .. math::
       \begin{aligned}
            &\textbf{input}: \eta \text{ (lr)}, \: \beta_1, \beta_2 \text{ (betas)}, \:
                \mathbf{x}_0 \text{ (params)}, \: f \text{ (objective)}, \: \lambda
                \text{ (weight decay)}, \: \epsilon, \: \textit{amsgrad}, \:
                \textit{maximize}                                                      \\
            &\textbf{initialize}: m_0 \leftarrow 0, \: v_0 \leftarrow 0, \:
                v_0^{max} \leftarrow 0                                                 \\
            &\textbf{for} \: t = 1, 2, \ldots \: \textbf{do}                          \\
            &\quad g_t \leftarrow \nabla f(\mathbf{x}_{t-1})
                \quad (-\nabla f(\mathbf{x}_{t-1}) \text{ if maximize})                \\
            &\quad \textbf{if} \: \lambda \neq 0: \:
                g_t \leftarrow g_t + \lambda \mathbf{x}_{t-1}
                \quad (\mathbf{x}_{t-1} \leftarrow (1 - \eta\lambda) \mathbf{x}_{t-1}
                \text{ if decoupled})                                                  \\
            &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t                 \\
            &\quad v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2               \\
            &\quad \textbf{if} \: \textit{amsgrad}: \:
                v_t^{max} \leftarrow \max(v_{t-1}^{max}, v_t), \: v_t \leftarrow v_t^{max} \\
            &\quad \mathbf{x}_t \leftarrow \mathbf{x}_{t-1} - \frac{\eta}{1 - \beta_1^t}
                \, m_t \Big/ \Big(\sqrt{v_t / (1 - \beta_2^t)} + \epsilon\Big)
       \end{aligned}

    As in PyTorch, :math:`\epsilon` is added after the square root of the bias-corrected
    second moment, and the bias correction of :math:`m_t` is folded into the step size.

    Args:
        params (iterable): iterable of parameters (or ``(name, tensor)`` pairs) to
            optimize, or iterable of dicts defining parameter groups
        lr (float, Tensor, optional): learning rate :math:`\eta` (default: 1e-3)
        betas (tuple[float, float], optional): coefficients used for computing running
            averages of gradient and its square (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator to improve numerical
            stability (default: 1e-8)
        weight_decay (float, optional): weight decay (L2 penalty) (default: 0)
        amsgrad (bool, optional): whether to use the AMSGrad variant of this algorithm
            from the paper `On the Convergence of Adam and Beyond` (default: False)
        foreach (bool, optional): accepted for compatibility (default: None)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        capturable (bool, optional): accepted for compatibility (default: False)
        differentiable (bool, optional): record the step in the autograd graph instead
            of running it under ``no_grad`` (default: False)
        fused (bool, optional): accepted for compatibility (default: None)
        decoupled_weight_decay (bool, optional): if True, this optimizer is equivalent
            to AdamW (default: False)

    Example::

        >>> import tracegrad as torch
        >>> w = torch.tensor([1.0, -2.0], requires_grad=True)
        >>> optimizer = torch.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> optimizer.step()
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError(
                "lr as a Tensor is not supported for capturable=False and foreach=True"
            )
        _check_adam_options(lr, eps, betas, weight_decay)
        if not (
            (isinstance(betas[0], float) and isinstance(betas[1], float))
            or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))
        ):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
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

    def _init_state(self, p, amsgrad):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _step_counter()
            state["exp_avg"] = _creation.zeros_like(p)
            state["exp_avg_sq"] = _creation.zeros_like(p)
            if amsgrad:
                state["max_exp_avg_sq"] = _creation.zeros_like(p)
        return state

    def _step_tensors(self, group):
        """The algorithm above on Tensors (recorded in the graph if ``differentiable``)."""
        lr = _to_scalar(group["lr"])
        beta1, beta2 = (_to_scalar(b) for b in group["betas"])
        eps, weight_decay, amsgrad = group["eps"], group["weight_decay"], group["amsgrad"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self._init_state(p, amsgrad)
            g = p.grad if not group["maximize"] else -p.grad
            m, v = state["exp_avg"], state["exp_avg_sq"]

            state["step"] += 1
            if weight_decay != 0:
                if group["decoupled_weight_decay"]:
                    p.mul_(1 - lr * weight_decay)  # x ← (1 − ηλ) x
                else:
                    g = g.add(p, alpha=weight_decay)  # g ← g + λx
            m.lerp_(g, 1 - beta1)  # m ← β₁m + (1 − β₁)g
            v.mul_(beta2).add_((1 - beta2) * g * g)  # v ← β₂v + (1 − β₂)g²

            t = _get_value(state["step"])
            bias_correction1 = 1 - beta1**t
            bias_correction2 = 1 - beta2**t
            step_size = lr / bias_correction1
            bias_correction2_sqrt = bias_correction2**0.5
            if amsgrad:
                v_max = state["max_exp_avg_sq"]
                v_max.copy_(v_max.maximum(v))  # v_max ← max(v_max, v)
                v = v_max
            denom = (v.sqrt() / bias_correction2_sqrt).add_(eps)  # √(v/(1−β₂ᵗ)) + ε
            p.add_(-step_size * m / denom)  # x ← x − η/(1−β₁ᵗ) · m/denom

    def _step_arrays(self, group, pairs):
        """The same update on the NumPy arrays, in place (fast path: nothing is recorded),
        with the roundings of the Tensor ops above. Each array changed in place has its
        version bumped as the Tensor ops would."""
        lr = _to_scalar(group["lr"])
        beta1, beta2 = (_to_scalar(b) for b in group["betas"])
        eps, weight_decay, amsgrad = group["eps"], group["weight_decay"], group["amsgrad"]
        for p, g in pairs:
            state = self._init_state(p, amsgrad)
            x = p._data
            if group["maximize"]:
                g = -g
            state["step"] += 1
            if weight_decay != 0:
                if group["decoupled_weight_decay"]:
                    x *= 1 - lr * weight_decay  # x ← (1 − ηλ) x
                    p._version[0] += 1
                else:
                    g = g.copy()
                    _add_scaled_(g, weight_decay, x)  # g ← g + λx
            m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
            scratch = g - m  # m ← β₁m + (1 − β₁)g, as lerp: m + w(g − m) for w < 0.5
            weight = np.float32(1 - beta1) if m.dtype == np.float32 else 1 - beta1
            if weight < 0.5:
                _add_scaled_(m, weight, scratch)
            else:  # ... else g − (g − m)(1 − w)
                m[...] = g
                _add_scaled_(m, -(1 - weight), scratch)
            v *= beta2  # v ← β₂v + (1 − β₂)g²
            np.multiply(g, 1 - beta2, out=scratch)
            scratch *= g
            v += scratch
            state["exp_avg"]._version[0] += 1
            state["exp_avg_sq"]._version[0] += 2

            t = _get_value(state["step"])
            step_size = lr / (1 - beta1**t)
            bias_correction2_sqrt = (1 - beta2**t) ** 0.5
            if amsgrad:
                v_max = state["max_exp_avg_sq"]
                np.maximum(v_max._data, v, out=v_max._data)  # v_max ← max(v_max, v)
                v_max._version[0] += 1
                v = v_max._data
            denom = np.sqrt(v)  # √(v/(1−β₂ᵗ)) + ε
            denom /= bias_correction2_sqrt
            denom += eps
            np.multiply(m, -step_size, out=scratch)  # x ← x − η/(1−β₁ᵗ) · m/denom
            scratch /= denom
            x += scratch
            p._version[0] += 1
