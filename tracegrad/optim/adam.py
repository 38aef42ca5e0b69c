r"""Adam: steps scaled by running averages of the gradient and of its square."""

from __future__ import annotations

import numpy as np

from .. import _creation
from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _add_scaled_,
    _array_step_params,
    _blockwise,
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
    r"""Adam: gradient descent with a per-weight step size from running gradient statistics.

    With :math:`g_t` the gradient at step :math:`t` (negated when ``maximize=True``),
    Adam keeps two running averages per parameter, both starting at 0:

    .. math::
        m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2,

    corrects their bias towards 0 in the first steps, and moves each weight by

    .. math::
        \theta_t = \theta_{t-1} - \frac{\eta}{1 - \beta_1^t} \cdot
            \frac{m_t}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}.

    So every weight gets its own step size: large where gradients have been small and
    steady, small where they have been large or noisy. :math:`m_t` and :math:`v_t` are
    kept in ``state[p]["exp_avg"]`` and ``state[p]["exp_avg_sq"]``, :math:`t` in
    ``state[p]["step"]``. With ``amsgrad=True`` the denominator uses the largest
    :math:`v` seen so far (``state[p]["max_exp_avg_sq"]``) instead of :math:`v_t`.

    Weight decay :math:`\lambda` is added to the gradient, :math:`g_t \leftarrow g_t +
    \lambda\theta_{t-1}` (an L2 penalty), or, with ``decoupled_weight_decay=True``,
    applied to the weights directly as in :class:`AdamW`: :math:`\theta_{t-1} \leftarrow
    (1 - \eta\lambda)\,\theta_{t-1}`. As in PyTorch, :math:`\epsilon` is added after the
    square root of the corrected :math:`v_t`.

    Args:
        params (iterable): the tensors to train (``model.parameters()``), ``(name,
            tensor)`` pairs, or dicts that each hold ``"params"`` plus options of their
            own (parameter groups).
        lr (float, Tensor, optional): :math:`\eta` (default: 1e-3)
        betas (tuple[float, float], optional): :math:`(\beta_1, \beta_2)`, the decay rates
            of the two averages (default: (0.9, 0.999))
        eps (float, optional): :math:`\epsilon`, keeps the division finite when
            :math:`v_t` is tiny (default: 1e-8)
        weight_decay (float, optional): :math:`\lambda`, strength of the L2 penalty
            added to the gradient, or of the shrinking of x if decoupled (default: 0)
        amsgrad (bool, optional): use the running maximum of :math:`v` (the AMSGrad
            variant) (default: False)
        foreach (bool, optional): accepted so PyTorch code runs (default: None)
        maximize (bool, optional): climb the objective instead of descending it
            (default: False)
        capturable (bool, optional): accepted so PyTorch code runs (default: False)
        differentiable (bool, optional): record the update in the autograd graph instead
            of running it under ``no_grad`` (default: False)
        fused (bool, optional): accepted so PyTorch code runs (default: None)
        decoupled_weight_decay (bool, optional): shrink the weights directly instead of
            adding :math:`\lambda\theta` to the gradient; ``True`` makes this AdamW
            (default: False)

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
        eps=1e-8,
        weight_decay=0,
        amsgrad=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
        fused=None,
        decoupled_weight_decay=False,
    ) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError(
                "lr as a Tensor is not supported for capturable=False and foreach=True"
            )
        _check_adam_options(lr, eps, betas, weight_decay)
        beta1, beta2 = betas[0], betas[1]
        if not any(isinstance(beta1, kind) and isinstance(beta2, kind) for kind in (float, Tensor)):
            raise ValueError("betas must be either both floats or both Tensors")
        # The key order below is the order state_dict()["param_groups"] lists them in.
        options = {
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
        super().__init__(params, options)
        _check_fused(fused, foreach, differentiable)

    @_use_grad
    def step(self, closure=None):
        """Update every parameter that has a ``.grad`` once, by the rule above.

        Args:
            closure (Callable, optional): a function that clears the gradients, recomputes
                the loss, calls ``backward()`` and returns the loss; it is called first and
                its loss is returned. Plain training loops leave it out.
        """
        loss = _evaluate(closure)
        for param_group in self.param_groups:
            # Plain-array fast path when nothing needs recording; Tensor ops otherwise.
            pairs = _array_step_params(param_group)
            if pairs is None:
                self._step_tensors(param_group)
            else:
                self._step_arrays(param_group, pairs)
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
        params = group["params"]
        for p in params:
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
            v.mul_(beta2).addcmul_(g, g, value=1 - beta2)  # v ← β₂v + (1 − β₂)g²

            t = _get_value(state["step"])
            lr_t = lr / (1 - beta1**t)  # η/(1 − β₁ᵗ): m's bias correction folded in
            root_c2 = (1 - beta2**t) ** 0.5
            if amsgrad:
                v_max = state["max_exp_avg_sq"]
                v_max.copy_(v_max.maximum(v))  # v_max ← max(v_max, v)
                v = v_max
            denom = (v.sqrt() / root_c2).add_(eps)  # √(v/(1−β₂ᵗ)) + ε
            p.add_(-lr_t * m / denom)  # x ← x − η/(1−β₁ᵗ) · m/denom

    def _step_arrays(self, group, pairs):
        """The same update on the NumPy arrays, in place (fast path: nothing is recorded),
        with the roundings of the Tensor ops above. Each array changed in place has its
        version bumped as the Tensor ops would. Large parameters are updated a block at a
        time (``_blockwise``): every temporary is then cache-sized."""
        lr = _to_scalar(group["lr"])
        beta1, beta2 = (_to_scalar(b) for b in group["betas"])
        eps, weight_decay, amsgrad = group["eps"], group["weight_decay"], group["amsgrad"]
        decay = 0 if weight_decay == 0 or group["decoupled_weight_decay"] else weight_decay
        for p, g in pairs:
            state = self._init_state(p, amsgrad)
            x = p._data
            if group["maximize"]:
                g = -g
            state["step"] += 1
            if weight_decay != 0 and group["decoupled_weight_decay"]:
                x *= 1 - lr * weight_decay  # x ← (1 − ηλ) x
                p._version[0] += 1
            t = _get_value(state["step"])
            lr_t = lr / (1 - beta1**t)  # η/(1 − β₁ᵗ): m's bias correction folded in
            root_c2 = (1 - beta2**t) ** 0.5
            m, v = state["exp_avg"], state["exp_avg_sq"]
            v_max = state["max_exp_avg_sq"]._data if amsgrad else None
            for blocks in _blockwise(x, g, m._data, v._data, v_max):
                _adam_update(*blocks, beta1, beta2, eps, decay, lr_t, root_c2)
            m._version[0] += 1
            v._version[0] += 2
            if amsgrad:
                state["max_exp_avg_sq"]._version[0] += 1
            p._version[0] += 1


def _adam_update(x, g, m, v, v_max, beta1, beta2, eps, decay, lr_t, root_c2):
    """One Adam step on arrays (or on matching blocks of them), in place."""
    if decay != 0:
        g = g.copy()
        _add_scaled_(g, decay, x)  # g ← g + λx
    scratch = g - m  # m ← β₁m + (1 − β₁)g, as lerp: m + w(g − m) for w < 0.5
    weight = np.float32(1 - beta1) if m.dtype == np.float32 else 1 - beta1
    if weight < 0.5:
        _add_scaled_(m, weight, scratch)
    else:  # ... else g − (g − m)(1 − w)
        m[...] = g
        _add_scaled_(m, -(1 - weight), scratch)
    v *= beta2  # v ← β₂v + (1 − β₂)g², with addcmul's fused multiply-add
    np.multiply(g, 1 - beta2, out=scratch)
    _add_scaled_(v, scratch, g)
    if v_max is not None:
        np.maximum(v_max, v, out=v_max)  # v_max ← max(v_max, v)
        v = v_max
    denom = np.sqrt(v)  # √(v/(1−β₂ᵗ)) + ε
    denom /= root_c2
    denom += eps
    np.multiply(m, -lr_t, out=scratch)  # x ← x − η/(1−β₁ᵗ) · m/denom
    scratch /= denom
    x += scratch
