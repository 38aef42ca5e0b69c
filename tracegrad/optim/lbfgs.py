r"""L-BFGS: a quasi-Newton method that rebuilds an inverse-Hessian estimate from the last
few steps, optionally with a strong-Wolfe line search."""

from __future__ import annotations

from functools import partial

from ..ops.shape import cat
from .._tensor import Tensor
from ..autograd import grad_mode
from .optimizer import Optimizer, _check_lr

__all__ = ["LBFGS"]

# Curvature pairs with yᵀs at or below this are skipped: they would make H indefinite.
_MIN_CURVATURE = 1e-10


class LBFGS(Optimizer):
    r"""Implements the L-BFGS algorithm (Nocedal & Wright, *Numerical Optimization*,
    Algorithms 7.4 and 7.5), with all parameters seen as one flat vector :math:`x`.

    One call of :meth:`step` runs up to ``max_iter`` iterations of

    .. math::
       \begin{aligned}
            &g_k = \nabla f(x_k), \qquad
                d_k = -H_k g_k \quad (d_0 = -g_0)                                      \\
            &x_{k+1} = x_k + t_k d_k, \qquad
                t_0 = \eta \min(1, 1/\lVert g_0\rVert_1), \quad t_k = \eta \text{ after}  \\
            &s_k = t_k d_k, \quad y_k = g_{k+1} - g_k, \quad \rho_k = 1/(y_k^\top s_k)
                \quad \text{(kept when } y_k^\top s_k > 10^{-10}\text{)}
       \end{aligned}

    where :math:`H_k g` is never formed as a matrix: the *two-loop recursion* applies the
    last ``history_size`` pairs :math:`(s_i, y_i)` to :math:`q = g`,

    .. math::
       \begin{aligned}
            &\textbf{for } i = k-1, \ldots, k-m: \quad
                \alpha_i = \rho_i s_i^\top q, \quad q \leftarrow q - \alpha_i y_i        \\
            &r \leftarrow \gamma_k q, \qquad
                \gamma_k = \frac{s_{k-1}^\top y_{k-1}}{y_{k-1}^\top y_{k-1}}            \\
            &\textbf{for } i = k-m, \ldots, k-1: \quad
                \beta_i = \rho_i y_i^\top r, \quad r \leftarrow r + (\alpha_i - \beta_i) s_i
       \end{aligned}

    and gives :math:`r = H_k g`. With ``line_search_fn="strong_wolfe"`` the step
    :math:`t_k` (starting from the value above) is chosen so that

    .. math::
       f(x_k + t d_k) \le f(x_k) + c_1 t\, g_k^\top d_k, \qquad
       |\nabla f(x_k + t d_k)^\top d_k| \le c_2 |g_k^\top d_k|
       \qquad (c_1 = 10^{-4},\ c_2 = 0.9),

    by bracketing and then zooming with cubic interpolation (Algorithms 3.5 and 3.6).
    The iterations stop early when the largest gradient entry is at most
    ``tolerance_grad``, when the step or the change of the loss falls below
    ``tolerance_change``, or after ``max_eval`` evaluations of the closure.

    Evaluations are counted as in PyTorch: one at the start of :meth:`step`; without a
    line search one per iteration except the last (whose loss the next step computes);
    with one, each trial step, the search being allowed what is left of ``max_eval``.

    The whole history lives in ``state`` (under the first parameter), so a further
    :meth:`step` carries on where the last one stopped. Every parameter must be in one
    group; there are no per-group options.

    Args:
        params (iterable): the tensors to optimize (a single group)
        lr (float, optional): learning rate :math:`\eta` (default: 1)
        max_iter (int, optional): iterations per :meth:`step` (default: 20)
        max_eval (int, optional): closure evaluations per :meth:`step`
            (default: ``max_iter * 5 // 4``)
        tolerance_grad (float, optional): stop when :math:`\max|g| \le` this (default: 1e-7)
        tolerance_change (float, optional): stop when the step or the change of the loss
            is below this (default: 1e-9)
        history_size (int, optional): how many pairs :math:`(s_i, y_i)` to keep (default: 100)
        line_search_fn (str, optional): ``None`` (fixed step) or ``"strong_wolfe"``

    Example::

        >>> import tracegrad as torch
        >>> x = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
        >>> optimizer = torch.optim.LBFGS([x], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     optimizer.zero_grad()
        ...     loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        ...     loss.backward()
        ...     return loss
        >>> for _ in range(5):
        ...     loss = optimizer.step(closure)
        >>> x
        tensor([1.0000, 1.0000], dtype=torch.float64, requires_grad=True)
    """

    def __init__(
        self,
        params,
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        _check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")

    # ------------------------------------------------------------------ the flat vector

    @property
    def _params(self) -> list[Tensor]:
        return self.param_groups[0]["params"]

    def _flat_grad(self) -> Tensor:
        """All gradients as one vector (zeros for a parameter without ``.grad``)."""
        pieces = []
        for param in self._params:
            if param.grad is None:
                pieces.append(param.new_zeros(param.numel()))
            else:
                pieces.append(param.grad.reshape(-1))
        return cat(pieces, 0)

    def _move(self, step_size, direction: Tensor) -> None:
        """x ← x + t·d, with ``direction`` cut back into the parameters' shapes."""
        offset = 0
        for param in self._params:
            numel = param.numel()
            piece = direction[offset : offset + numel].view(param.shape)
            param.add_(piece, alpha=step_size)
            offset += numel

    def _loss_and_grad(self, closure) -> tuple[float, Tensor]:
        with grad_mode.enable_grad():
            loss = float(closure())
        return loss, self._flat_grad()

    def _probe(self, closure, direction: Tensor, step_size) -> tuple[float, Tensor]:
        """f and ∇f at x + t·d, leaving the parameters at x afterwards."""
        saved = [param.clone() for param in self._params]
        self._move(step_size, direction)
        loss, flat_grad = self._loss_and_grad(closure)
        for param, value in zip(self._params, saved):
            param.copy_(value)
        return loss, flat_grad

    # ------------------------------------------------------------------ the step

    def step(self, closure):
        """Run up to ``max_iter`` L-BFGS iterations.

        Args:
            closure (Callable): zeroes the gradients, recomputes the loss, calls
                ``backward()`` and returns the loss. It is called several times per step.

        Returns:
            The loss the closure returned at the parameters as they were on entry.
        """
        with grad_mode.no_grad():
            return self._run(closure)

    def _run(self, closure):
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad = group["tolerance_grad"]
        tolerance_change = group["tolerance_change"]
        history_size = group["history_size"]
        line_search_fn = group["line_search_fn"]

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with grad_mode.enable_grad():
            first_loss = closure()
        loss = float(first_loss)
        evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if flat_grad.abs().max() <= tolerance_grad:
            return first_loss  # already at a stationary point

        d = state.get("d")
        t = state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        h_diag = state.get("H_diag")  # γ, the scale of the initial inverse Hessian
        prev_flat_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")

        iteration = 0
        while iteration < max_iter:
            iteration += 1
            state["n_iter"] += 1

            # the search direction d = -H g
            if state["n_iter"] == 1:
                d = flat_grad.neg()
                old_dirs, old_stps, ro = [], [], []
                h_diag = 1
            else:
                # the newest pair: y = g_{k+1} - g_k (kept in old_dirs), s = t·d (old_stps)
                y = flat_grad.sub(prev_flat_grad)
                s = d.mul(t)
                ys = y.dot(s)
                if ys > _MIN_CURVATURE:
                    _remember(old_dirs, old_stps, ro, y, s, 1.0 / ys, history_size)
                    h_diag = ys / y.dot(y)  # γ = sᵀy / yᵀy
                if "al" not in state:
                    state["al"] = [None] * history_size
                d = _two_loop(flat_grad, old_dirs, old_stps, ro, h_diag, state["al"])

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.clone()
            else:
                prev_flat_grad.copy_(flat_grad)
            prev_loss = loss

            # the step length: a cautious first step, then the learning rate
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / flat_grad.abs().sum()) * lr
            else:
                t = lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:
                break  # d is not a descent direction (to working precision)

            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                loss, flat_grad, t, line_evals = _strong_wolfe(
                    partial(self._probe, closure, d),
                    t,
                    d,
                    loss,
                    flat_grad,
                    gtd,
                    max_ls=max_eval - evals,  # what is left of this step's budget
                )
                self._move(t, d)
                converged = flat_grad.abs().max() <= tolerance_grad
            else:
                self._move(t, d)
                line_evals = 0
                converged = False
                if iteration != max_iter:
                    # the last iteration's loss is left for the next step to compute
                    loss, flat_grad = self._loss_and_grad(closure)
                    converged = flat_grad.abs().max() <= tolerance_grad
                    line_evals = 1
            evals += line_evals
            state["func_evals"] += line_evals

            if iteration == max_iter or evals >= max_eval or converged:
                break
            if d.mul(t).abs().max() <= tolerance_change:
                break  # the step no longer moves the parameters
            if abs(loss - prev_loss) < tolerance_change:
                break  # the loss no longer changes

        state["d"] = d
        state["t"] = t
        state["old_dirs"] = old_dirs
        state["old_stps"] = old_stps
        state["ro"] = ro
        state["H_diag"] = h_diag
        state["prev_flat_grad"] = prev_flat_grad
        state["prev_loss"] = prev_loss
        return first_loss


def _remember(ys: list, ss: list, rhos: list, y, s, rho, history_size: int) -> None:
    """Append a curvature pair (y, s, ρ), first forgetting the oldest when the history
    holds ``history_size`` pairs already."""
    if len(ys) == history_size:
        ys.pop(0)
        ss.pop(0)
        rhos.pop(0)
    ys.append(y)
    ss.append(s)
    rhos.append(rho)


def _two_loop(grad: Tensor, ys: list, ss: list, rhos: list, gamma, alphas: list) -> Tensor:
    """The L-BFGS direction -H·g by the two-loop recursion (Algorithm 7.4); the αᵢ are
    written into ``alphas``, which the optimizer keeps in its state."""
    q = grad.neg()
    for i in range(len(ys) - 1, -1, -1):
        alphas[i] = ss[i].dot(q) * rhos[i]
        q.add_(ys[i], alpha=-alphas[i])
    r = q.mul(gamma)
    for i in range(len(ys)):
        beta = ys[i].dot(r) * rhos[i]
        r.add_(ss[i], alpha=alphas[i] - beta)
    return r


# ---------------------------------------------------------------------- line search


def _cubic_minimizer(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, clipped to
    ``bounds`` (default: between x1 and x2); the middle of the bounds when the cubic has no
    minimum. Nocedal & Wright eq. (3.59)."""
    low, high = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    radicand = d1 * d1 - g1 * g2
    if radicand < 0:
        return (low + high) / 2.0
    d2 = radicand**0.5
    if x1 > x2:
        d2 = -d2
    minimizer = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    return min(max(minimizer, low), high)


class _Point:
    """One trial step of the line search: t, f(x + t·d), ∇f there and the slope ∇fᵀd."""

    __slots__ = ("t", "loss", "grad", "slope")

    def __init__(self, t, loss, grad, slope) -> None:
        self.t, self.loss, self.grad, self.slope = t, loss, grad, slope


def _strong_wolfe(
    evaluate,
    t,
    d: Tensor,
    loss: float,
    grad: Tensor,
    gtd,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
):
    """Find t satisfying the strong Wolfe conditions along d (Algorithms 3.5 and 3.6).

    ``evaluate(t)`` returns (f, ∇f) at x + t·d. Returns the accepted (f, ∇f, t) and the
    number of evaluations made.
    """
    d_norm = d.abs().max()
    start = _Point(0, loss, grad.clone(), gtd)

    def sufficient_decrease(point: _Point) -> bool:
        return point.loss <= loss + c1 * point.t * gtd

    def curvature(point: _Point) -> bool:
        return abs(point.slope) <= -c2 * gtd

    def trial(step_size) -> _Point:
        new_loss, new_grad = evaluate(step_size)
        return _Point(step_size, new_loss, new_grad, new_grad.dot(d))

    # Phase 1 (Algorithm 3.5): grow t until [previous, current] brackets a good step.
    current = trial(t)
    evals, ls_iter = 1, 0
    previous = start
    bracket = None
    while ls_iter < max_ls:
        if not sufficient_decrease(current) or (ls_iter > 1 and current.loss >= previous.loss):
            bracket = [previous, current]
            break
        if curvature(current):
            return current.loss, current.grad, current.t, evals
        if current.slope >= 0:
            bracket = [previous, current]
            break
        # extrapolate, at least a little beyond and at most 10 times the current step
        next_t = _cubic_minimizer(
            previous.t,
            previous.loss,
            previous.slope,
            current.t,
            current.loss,
            current.slope,
            bounds=(current.t + 0.01 * (current.t - previous.t), current.t * 10),
        )
        previous = current
        current = trial(next_t)
        evals += 1
        ls_iter += 1
    if bracket is None:  # out of trials: keep the better of the start and the last trial
        bracket = [_Point(0, loss, grad, None), current]

    # Phase 2 (Algorithm 3.6): shrink the bracket; `low` always has the lower loss.
    def order():
        return (0, 1) if bracket[0].loss <= bracket[1].loss else (1, 0)

    low, high = order()
    stuck = False  # the last trial was too close to an end of the bracket
    while ls_iter < max_ls:
        lo_t, hi_t = min(bracket[0].t, bracket[1].t), max(bracket[0].t, bracket[1].t)
        if abs(bracket[1].t - bracket[0].t) * d_norm < tolerance_change:
            break
        t = _cubic_minimizer(
            bracket[0].t,
            bracket[0].loss,
            bracket[0].slope,
            bracket[1].t,
            bracket[1].loss,
            bracket[1].slope,
        )
        # Keep the trial at least 10% of the bracket away from its ends: the first time it
        # comes closer it is allowed (progress may still be made), the second time, or when
        # it falls on or beyond an end, it is pushed back inside.
        margin = 0.1 * (hi_t - lo_t)
        if min(hi_t - t, t - lo_t) < margin:
            if stuck or t >= hi_t or t <= lo_t:
                t = hi_t - margin if abs(t - hi_t) < abs(t - lo_t) else lo_t + margin
                stuck = False
            else:
                stuck = True
        else:
            stuck = False
        point = trial(t)
        evals += 1
        ls_iter += 1
        if not sufficient_decrease(point) or point.loss >= bracket[low].loss:
            bracket[high] = point
            low, high = order()
            continue
        if curvature(point):
            bracket[low] = point
            break
        if point.slope * (bracket[high].t - bracket[low].t) >= 0:
            bracket[high] = bracket[low]
        bracket[low] = point
    best = bracket[low]
    return best.loss, best.grad, best.t, evals
