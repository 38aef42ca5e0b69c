r"""AdamW: Adam with weight decay decoupled from the gradient."""

from __future__ import annotations

from .adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    r"""Implements the AdamW algorithm, where weight decay does not accumulate in the
    momentum nor variance.

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
            &\quad \mathbf{x}_{t-1} \leftarrow \mathbf{x}_{t-1} - \eta \lambda
                \mathbf{x}_{t-1}                                                       \\
            &\quad m_t \leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g_t                 \\
            &\quad v_t \leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g_t^2               \\
            &\quad \textbf{if} \: \textit{amsgrad}: \:
                v_t^{max} \leftarrow \max(v_{t-1}^{max}, v_t), \: v_t \leftarrow v_t^{max} \\
            &\quad \mathbf{x}_t \leftarrow \mathbf{x}_{t-1} - \frac{\eta}{1 - \beta_1^t}
                \, m_t \Big/ \Big(\sqrt{v_t / (1 - \beta_2^t)} + \epsilon\Big)
       \end{aligned}

    This is :class:`Adam` with ``decoupled_weight_decay=True``, as in PyTorch.

    Args:
        params (iterable): iterable of parameters (or ``(name, tensor)`` pairs) to
            optimize, or iterable of dicts defining parameter groups
        lr (float, Tensor, optional): learning rate :math:`\eta` (default: 1e-3)
        betas (tuple[float, float], optional): coefficients used for computing running
            averages of gradient and its square (default: (0.9, 0.999))
        eps (float, optional): term added to the denominator to improve numerical
            stability (default: 1e-8)
        weight_decay (float, optional): weight decay coefficient :math:`\lambda`
            (default: 1e-2)
        amsgrad (bool, optional): whether to use the AMSGrad variant (default: False)
        maximize (bool, optional): maximize the objective with respect to the params,
            instead of minimizing (default: False)
        foreach (bool, optional): accepted for compatibility (default: None)
        capturable (bool, optional): accepted for compatibility (default: False)
        differentiable (bool, optional): record the step in the autograd graph instead
            of running it under ``no_grad`` (default: False)
        fused (bool, optional): accepted for compatibility (default: None)
    """

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
