r"""AdamW: Adam with weight decay decoupled from the gradient."""

from __future__ import annotations

from .adam import Adam

__all__ = ["AdamW"]

_DECOUPLED = "decoupled_weight_decay"


class AdamW(Adam):
    r"""AdamW: Adam whose weight decay shrinks the weights instead of entering the gradient.

    Before the Adam step, each weight is pulled towards 0 by itself,

    .. math::
        \theta_{t-1} \leftarrow (1 - \eta\lambda)\, \theta_{t-1},

    so the decay does not pass through the averages :math:`m` and :math:`v` (with plain
    Adam's L2 penalty, weights with large gradients would barely be decayed). Then, as
    in :class:`Adam`, with :math:`g_t` the gradient (negated when ``maximize=True``),

    .. math::
        m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2,

    are kept (both start at 0), their bias towards 0 is corrected, and each weight moves by

    .. math::
        \theta_t = \theta_{t-1} - \frac{\eta}{1 - \beta_1^t} \cdot
            \frac{m_t}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}.

    So every weight gets its own step size: large where gradients have been small and
    steady, small where they have been large or noisy. :math:`m_t` and :math:`v_t` are
    kept in ``state[p]["exp_avg"]`` and ``state[p]["exp_avg_sq"]``, :math:`t` in
    ``state[p]["step"]``. With ``amsgrad=True`` the denominator uses the largest
    :math:`v` seen so far (``state[p]["max_exp_avg_sq"]``) instead of :math:`v_t`.

    This is :class:`Adam` with ``decoupled_weight_decay=True``, as in PyTorch.

    Args:
        params (iterable): the tensors to train (``model.parameters()``), ``(name,
            tensor)`` pairs, or dicts that each hold ``"params"`` plus options of their
            own (parameter groups).
        lr (float, Tensor, optional): :math:`\eta` (default: 1e-3)
        betas (tuple[float, float], optional): :math:`(\beta_1, \beta_2)`, the decay rates
            of the two averages (default: (0.9, 0.999))
        eps (float, optional): :math:`\epsilon`, keeps the division finite when
            :math:`v_t` is tiny (default: 1e-8)
        weight_decay (float, optional): :math:`\lambda`, how fast the weights shrink
            (default: 1e-2)
        amsgrad (bool, optional): use the running maximum of :math:`v` (the AMSGrad
            variant) (default: False)
        maximize (bool, optional): climb the objective instead of descending it
            (default: False)
        foreach (bool, optional): accepted so PyTorch code runs (default: None)
        capturable (bool, optional): accepted so PyTorch code runs (default: False)
        differentiable (bool, optional): record the update in the autograd graph instead
            of running it under ``no_grad`` (default: False)
        fused (bool, optional): accepted so PyTorch code runs (default: None)
    """

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
        *,
        maximize=False,
        foreach=None,
        capturable=False,
        differentiable=False,
        fused=None,
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
        Adam.__setstate__(self, state)
        # Whatever the pickled groups say, AdamW always shrinks x directly.
        for g in self.param_groups:
            g[_DECOUPLED] = True
