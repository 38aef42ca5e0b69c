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
    r"""Stochastic gradient descent: step against the gradient of the current mini-batch.

    Plain SGD (the default) is the rule from the course,

    .. math::
        \theta \leftarrow \theta - \eta \, \nabla_\theta L(\theta),

    with :math:`\eta` the learning rate ``lr``. Each option changes one part of it; with
    :math:`g = \nabla_\theta L` (or :math:`-\nabla_\theta L` when ``maximize=True``):

    * ``weight_decay`` :math:`\lambda` adds the gradient of :math:`\tfrac{\lambda}{2}
      \lVert\theta\rVert^2`: :math:`g \leftarrow g + \lambda\theta`.
    * ``momentum`` :math:`\mu` keeps a velocity :math:`v` (``state[p]["momentum_buffer"]``):
      :math:`v \leftarrow g` on the first step, then :math:`v \leftarrow \mu v + (1 - \tau) g`
      with ``dampening`` :math:`\tau`, and the step uses :math:`g \leftarrow v`.
    * ``nesterov=True`` looks ahead instead: :math:`g \leftarrow g + \mu v`.

    Finally :math:`\theta \leftarrow \theta - \eta g`.

    Args:
        params (iterable): the tensors to train (``model.parameters()``), ``(name,
            tensor)`` pairs, or dicts that each hold ``"params"`` plus options of their
            own (parameter groups).
        lr (float, Tensor, optional): :math:`\eta` (default: 1e-3)
        momentum (float, optional): :math:`\mu`, 0 for plain SGD (default: 0)
        dampening (float, optional): :math:`\tau`, damps the new gradient's share in the
            velocity (default: 0)
        weight_decay (float, optional): :math:`\lambda`, L2 penalty strength (default: 0)
        nesterov (bool, optional): use Nesterov's look-ahead; needs ``momentum > 0`` and
            ``dampening == 0`` (default: False)
        maximize (bool, optional): climb the objective instead of descending it
            (default: False)
        foreach (bool, optional): accepted so PyTorch code runs; tracegrad has a single
            implementation (default: None)
        differentiable (bool, optional): record the update in the autograd graph instead
            of running it under ``no_grad`` (default: False)
        fused (bool, optional): accepted so PyTorch code runs (default: None)

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
        momentum=0,
        dampening=0,
        weight_decay=0,
        nesterov=False,
        *,
        maximize=False,
        foreach=None,
        differentiable=False,
        fused=None,
    ) -> None:
        _check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        # The key order below is the order state_dict()["param_groups"] lists them in.
        options = {
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
        if nesterov and (dampening != 0 or momentum <= 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
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

    def _step_tensors(self, group):
        """The algorithm above on Tensors (recorded in the graph if ``differentiable``)."""
        lr = _to_scalar(group["lr"])
        weight_decay, momentum = group["weight_decay"], group["momentum"]
        dampening, nesterov = group["dampening"], group["nesterov"]
        params = group["params"]
        for p in params:
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
