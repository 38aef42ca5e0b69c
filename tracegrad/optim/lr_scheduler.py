"""Learning-rate schedulers, with the behaviour of ``torch.optim.lr_scheduler``.

A scheduler owns an optimizer and rewrites ``group["lr"]`` of each of its parameter
groups every time :meth:`LRScheduler.step` is called. Most schedulers are *chainable*:
their rule turns the current ``group["lr"]`` into the next one, so several of them may
drive one optimizer at once; each also states its closed form in its docstring.

    >>> import tracegrad as torch
    >>> w = torch.zeros(2, requires_grad=True)
    >>> optimizer = torch.optim.SGD([w], lr=1.0)
    >>> scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    >>> for epoch in range(5):
    ...     optimizer.step()
    ...     scheduler.step()
    >>> scheduler.get_last_lr()
    [0.25]
"""

from __future__ import annotations

import bisect
import collections
import math
import types
import warnings
from typing import Any

from .._tensor import Tensor
from .optimizer import Optimizer, _to_scalar

__all__ = [
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "SequentialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "ChainedScheduler",
    "ReduceLROnPlateau",
    "OneCycleLR",
    "CyclicLR",
    "PolynomialLR",
    "LRScheduler",
]

# The texts of torch's warnings, word for word, so that users see the same messages.
_EPOCH_ARGUMENT_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated "
    "where possible. Please use `scheduler.step()` to step the scheduler. During the "
    "deprecation, if epoch is different from None, the closed form is used instead of the "
    "new chainable form, where available. Please open an issue if you are unable to "
    "replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose."
)
_STEP_ORDER_WARNING = (
    "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and "
    "later, you should call them in the opposite order: `optimizer.step()` before "
    "`lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first "
    "value of the learning rate schedule. See more details at "
    "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate"
)
_GET_LR_WARNING = (
    "To get the last learning rate computed by the scheduler, please use `get_last_lr()`."
)
_MISSING_INITIAL_LR = (
    "param 'initial_lr' is not specified in param_groups[{index}] when resuming scheduler "
    "with last_epoch >= 0.\nThis typically happens when:\n1. You're trying to resume "
    "training from a checkpoint but haven't properly loaded the optimizer state\n2. "
    "You're using last_epoch >= 0 for a fresh training run (not recommended)"
)


# ----------------------------------------------------------------------------- helpers


def _snapshot(value):
    """A value read from a param group that no later update can alter (tensors are cloned)."""
    return value.clone() if isinstance(value, Tensor) else value


def _assign(group: dict[str, Any], key: str, value) -> None:
    """Store ``value`` under ``group[key]``; a tensor hyper-parameter is updated in place."""
    current = group.get(key)
    if isinstance(current, Tensor):
        current.fill_(_to_scalar(value))
    else:
        group[key] = value


def _per_group(name: str, optimizer: Optimizer, value) -> list[Any]:
    """``value`` repeated for every param group, or checked to have one entry per group."""
    count = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(
                f"{name} must have the same length as optimizer.param_groups. {name} has "
                f"{len(value)} values, param_groups has {count}."
            )
        return [_snapshot(v) for v in value]
    return [_snapshot(value) for _ in range(count)]


def _uses_beta1(optimizer) -> bool:
    """For a scheduler that cycles the momentum: whether it is Adam's β₁ (else SGD's
    momentum); torch's error for an optimizer with neither."""
    defaults = optimizer.defaults
    if "momentum" not in defaults and "betas" not in defaults:
        raise ValueError(
            "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"
        )
    return "betas" in defaults


def _set_momentum(group: dict[str, Any], momentum, use_beta1: bool) -> None:
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


def _require_optimizer(candidate) -> None:
    """Schedulers drive an :class:`Optimizer`; anything else is a TypeError."""
    if isinstance(candidate, Optimizer):
        return
    raise TypeError(f"{type(candidate).__name__} is not an Optimizer")


def _unknown(what: str, value: str) -> ValueError:
    """The error for an unknown mode name (a non-string name fails as in PyTorch)."""
    return ValueError(what + " " + value + " is unknown!")


def _watch_optimizer(optimizer: Optimizer) -> None:
    """Record on ``optimizer`` whether its ``step`` ran since the latest scheduler was made."""
    if not getattr(optimizer, "_lr_scheduler_hooked", False):

        def mark_called(opt, args, kwargs) -> None:
            opt._opt_called = True

        optimizer.register_step_post_hook(mark_called)
        optimizer._lr_scheduler_hooked = True
    optimizer._opt_called = False


# ----------------------------------------------------------------------------- base class


class LRScheduler:
    """Base class of the learning-rate schedulers.

    A subclass states its rule in :meth:`get_lr`: the learning rate of each param group
    at epoch ``last_epoch``, usually derived from the group's current ``lr``. A subclass
    may also give ``_get_closed_form_lr``, the value at ``last_epoch`` computed from
    ``base_lrs`` alone; it is used when ``step`` is given an explicit epoch.

    Args:
        optimizer (Optimizer): the optimizer whose learning rates are scheduled.
        last_epoch (int): the epoch the schedule resumes after. ``-1`` (default) starts a new
            schedule and records every group's ``lr`` as its ``initial_lr``; any other
            value resumes one and needs ``initial_lr`` to be present in every group.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        _require_optimizer(optimizer)
        self.optimizer = optimizer
        self.base_lrs = self._find_base_lrs(last_epoch)
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = False
        self._get_lr_called_within_step = False
        _watch_optimizer(optimizer)
        self._take_first_step()

    def _find_base_lrs(self, last_epoch: int) -> list[Any]:
        groups = self.optimizer.param_groups
        if last_epoch == -1:
            # a fresh schedule: the current rates become the initial ones
            for group in groups:
                group.setdefault("initial_lr", _snapshot(group["lr"]))
        else:
            # a resumed schedule: the initial rates must have been saved with the groups
            lacking = [index for index, group in enumerate(groups) if "initial_lr" not in group]
            if lacking:
                raise KeyError(_MISSING_INITIAL_LR.format(index=lacking[0]))
        return [_snapshot(group["initial_lr"]) for group in groups]

    def _take_first_step(self) -> None:
        """Take the first step, which sets the learning rates of epoch ``last_epoch + 1``."""
        self._step_count = 0
        self._is_initial = True
        try:
            self._advance()
        finally:
            self._is_initial = False

    # ------------------------------------------------------------------ stepping

    def get_lr(self) -> list[Any]:
        """The learning rate of every param group at epoch ``last_epoch``."""
        raise NotImplementedError  # bare, as in PyTorch

    def _current_lrs(self) -> list[Any]:
        """The ``lr`` of every param group as it is now (the start of a chainable rule)."""
        return [options["lr"] for options in self.optimizer.param_groups]

    def _check_get_lr_context(self) -> None:
        """Warn when ``get_lr`` is called by the user rather than by ``step``."""
        if not self._get_lr_called_within_step:
            warnings.warn(_GET_LR_WARNING, UserWarning, stacklevel=3)

    def step(self, epoch: int | None = None) -> None:
        """Move on to the next epoch (or, deprecated, to ``epoch``) and set the new lrs.

        Call it after ``optimizer.step()``.
        """
        if self._step_count == 1 and not getattr(self.optimizer, "_opt_called", True):
            warnings.warn(_STEP_ORDER_WARNING, UserWarning, stacklevel=2)
        if epoch is not None:
            warnings.warn(_EPOCH_ARGUMENT_WARNING, UserWarning, stacklevel=2)
        self._advance(epoch)

    def _advance(self, epoch: int | None = None) -> None:
        """The work of :meth:`step`, without its warnings."""
        self._step_count += 1
        self._get_lr_called_within_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                lrs = self.get_lr()
            else:
                self.last_epoch = epoch
                closed_form = getattr(self, "_get_closed_form_lr", None)
                lrs = closed_form() if closed_form is not None else self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        self._set_lrs(lrs)

    def _set_lrs(self, lrs) -> None:
        """Write ``lrs`` into the param groups and remember them as the last ones."""
        for group, lr in zip(self.optimizer.param_groups, lrs):
            _assign(group, "lr", lr)
        self._last_lr = [_snapshot(group["lr"]) for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[Any]:
        """The learning rates set by the latest step."""
        return self._last_lr

    # ------------------------------------------------------------------ state

    def state_dict(self) -> dict[str, Any]:
        """Every attribute of the scheduler except its optimizer."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the attributes saved by :meth:`state_dict`."""
        vars(self).update(state_dict)


class _LRScheduler(LRScheduler):
    """The former name of :class:`LRScheduler`."""


# ----------------------------------------------------------------------------- lambdas


class _LambdaState(LRScheduler):
    """Shared state handling of the schedulers driven by user functions ``lr_lambdas``.

    Plain functions and lambdas cannot be saved; callable objects are saved as their
    ``__dict__``.
    """

    def __init__(self, optimizer: Optimizer, lr_lambda, last_epoch: int = -1) -> None:
        self.optimizer = optimizer
        self._set_lambdas(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch=last_epoch)

    def _set_lambdas(self, optimizer: Optimizer, lr_lambda) -> None:
        count = len(optimizer.param_groups)
        one_per_group = isinstance(lr_lambda, (list, tuple))
        if one_per_group and len(lr_lambda) != count:
            raise ValueError(f"Expected {count} lr_lambdas, but got {len(lr_lambda)}")
        self.lr_lambdas = list(lr_lambda) if one_per_group else [lr_lambda] * count

    def state_dict(self) -> dict[str, Any]:
        saved = super().state_dict()
        # moved to the end, where PyTorch lists it
        del saved["lr_lambdas"]
        saved["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else dict(fn.__dict__)
            for fn in self.lr_lambdas
        ]
        return saved

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("lr_lambdas")
        super().load_state_dict(state)
        for fn, fn_state in zip(self.lr_lambdas, saved):
            if fn_state is not None:
                fn.__dict__.update(fn_state)


class LambdaLR(_LambdaState):
    """The initial learning rate times a user function of the epoch.

    .. math:: \\eta_t = \\eta_0 \\cdot \\lambda(t)

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        lr_lambda (callable or list): ``epoch -> factor``, or one such function per group.
        last_epoch (int): the epoch to resume after; -1 (default) starts afresh.
    """

    def get_lr(self) -> list[Any]:
        self._check_get_lr_context()
        return [
            base_lr * fn(self.last_epoch) for base_lr, fn in zip(self.base_lrs, self.lr_lambdas)
        ]


class MultiplicativeLR(_LambdaState):
    """The learning rate is multiplied, at every step, by a user function of the epoch.

    .. math:: \\eta_t = \\eta_{t-1} \\cdot \\lambda(t)

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        lr_lambda (callable or list): ``epoch -> factor``, or one such function per group.
        last_epoch (int): the epoch to resume after; -1 (default) starts afresh.
    """

    def get_lr(self) -> list[Any]:
        self._check_get_lr_context()
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [group["lr"] for group in groups]
        return [group["lr"] * fn(self.last_epoch) for group, fn in zip(groups, self.lr_lambdas)]


# ----------------------------------------------------------------------------- decays


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` once every ``step_size`` epochs.

    .. math:: \\eta_t = \\eta_0 \\cdot \\gamma^{\\lfloor t / \\text{step\\_size} \\rfloor}

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        step_size (int): number of epochs between two decays.
        gamma (float): decay factor. Default: 0.1.
        last_epoch (int): the epoch to resume after; -1 (default) starts afresh.
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch=last_epoch)

    def get_lr(self) -> list[Any]:
        self._check_get_lr_context()
        decays = self.last_epoch != 0 and self.last_epoch % self.step_size == 0
        return [lr * self.gamma if decays else lr for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[Any]:
        power = self.last_epoch // self.step_size
        return [base_lr * self.gamma**power for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` at every milestone epoch.

    .. math:: \\eta_t = \\eta_0 \\cdot \\gamma^{\\#\\{m \\in \\text{milestones} : m \\le t\\}}

    A milestone listed ``n`` times multiplies by ``gamma ** n``.

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        milestones (list): epochs at which the rate decays.
        gamma (float): decay factor. Default: 0.1.
        last_epoch (int): the epoch to resume after; -1 (default) starts afresh.
    """

    def __init__(
        self, optimizer: Optimizer, milestones, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.milestones = collections.Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch=last_epoch)

    def get_lr(self) -> list[Any]:
        self._check_get_lr_context()
        hits = self.milestones.get(self.last_epoch, 0)
        return [lr * self.gamma**hits if hits else lr for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[Any]:
        passed = bisect.bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base_lr * self.gamma**passed for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    """Scale the learning rate by ``factor`` until epoch ``total_iters``, then restore it.

    .. math::
        \\eta_t = \\eta_0 \\cdot \\text{factor} \\text{ if } t < \\text{total\\_iters}
        \\text{ else } \\eta_0

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        factor (float): the scale, in [0, 1]. Default: 1/3.
        total_iters (int): number of epochs the scale lasts. Default: 5.
        last_epoch (int): the epoch to resume after; -1 (default) starts afresh.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not 0 <= factor <= 1.0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch=last_epoch)

    def get_lr(self) -> list[Any]:
        self._check_get_lr_context()
        if self.last_epoch == 0:
            scale = self.factor
        elif self.last_epoch == self.total_iters:
            scale = 1.0 / self.factor
        else:
            return [group["lr"] for group in self.optimizer.param_groups]
        return [group["lr"] * scale for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[Any]:
        ended = self.last_epoch >= self.total_iters
        scale = self.factor + ended * (1 - self.factor)
        return [base_lr * scale for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the learning rate by a factor moving linearly from ``start_factor`` to
    ``end_factor`` over ``total_iters`` epochs.

    .. math::
        \\eta_t = \\eta_0 \\left(s + (e - s) \\frac{\\min(t, T)}{T}\\right)

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        start_factor (float): factor at epoch 0, in (0, 1]. Default: 1/3.
        end_factor (float): factor from epoch ``total_iters`` on, in [0, 1]. Default: 1.
        total_iters (int): length of the ramp. Default: 5.
        last_epoch (int): the epoch to resume after; -1 (default) starts afresh.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not 0 < start_factor <= 1:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or "
                "equal to 1."
            )
        if not 0 <= end_factor <= 1:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch=last_epoch)

    def get_lr(self) -> list[Any]:
        self._check_get_lr_context()
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in groups]
        ramp_over = self.last_epoch > self.total_iters
        if ramp_over or self._is_initial:
            return [group["lr"] for group in groups]
        # ratio of the factor at this epoch to the factor at the previous one
        span = self.end_factor - self.start_factor
        previous = self.total_iters * self.start_factor + (self.last_epoch - 1) * span
        return [group["lr"] * (1.0 + span / previous) for group in groups]

    def _get_closed_form_lr(self) -> list[Any]:
        progress = min(self.total_iters, self.last_epoch) / self.total_iters
        factor = self.start_factor + (self.end_factor - self.start_factor) * progress
        return [base_lr * factor for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch.

    .. math:: \\eta_t = \\eta_0 \\cdot \\gamma^t

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        gamma (float): decay factor.
        last_epoch (int): the epoch to resume after; -1 (default) starts afresh.
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch=last_epoch)

    def get_lr(self) -> list[Any]:
        self._check_get_lr_context()
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [group["lr"] for group in groups]
        return [group["lr"] * self.gamma for group in groups]

    def _get_closed_form_lr(self) -> list[Any]:
        decay = self.gamma**self.last_epoch
        return [base_lr * decay for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the learning rate polynomially to zero over ``total_iters`` epochs.

    .. math:: \\eta_t = \\eta_0 \\left(1 - \\frac{\\min(t, T)}{T}\\right)^{p}

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        total_iters (int): epochs until the rate reaches zero. Default: 5.
        power (float): the exponent ``p``. Default: 1.
        last_epoch (int): the epoch to resume after; -1 (default) starts afresh.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        total_iters: int = 5,
        power: float = 1.0,
        last_epoch: int = -1,
    ) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch=last_epoch)

    def get_lr(self) -> list[Any]:
        self._check_get_lr_context()
        groups = self.optimizer.param_groups
        reached_zero = self.last_epoch > self.total_iters
        if reached_zero or self._is_initial:
            return [group["lr"] for group in groups]
        now = 1.0 - self.last_epoch / self.total_iters
        before = 1.0 - (self.last_epoch - 1) / self.total_iters
        ratio = (now / before) ** self.power
        return [group["lr"] * ratio for group in groups]

    def _get_closed_form_lr(self) -> list[Any]:
        remaining = 1.0 - min(self.total_iters, self.last_epoch) / self.total_iters
        return [base_lr * remaining**self.power for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Anneal the learning rate along a cosine from its initial value to ``eta_min``.

    The closed form (without restarts, so past ``T_max`` the cosine rises again) is

    .. math::
        \\eta_t = \\eta_{min} + \\tfrac12 (\\eta_0 - \\eta_{min})
        \\left(1 + \\cos\\frac{t \\pi}{T_{max}}\\right),

    and each step applies it recursively to the current rate:

    .. math::
        \\eta_{t} = \\eta_{min} + (\\eta_{t-1} - \\eta_{min})
        \\frac{1 + \\cos(t \\pi / T_{max})}{1 + \\cos((t - 1) \\pi / T_{max})}.

    Where the denominator vanishes (the rate sits at ``eta_min``) the step adds
    :math:`(\\eta_0 - \\eta_{min})(1 - \\cos(\\pi / T_{max})) / 2` instead.

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        T_max (int): half period of the cosine, in epochs.
        eta_min (float): the lowest rate, reached at epoch ``T_max``. Default: 0.
        last_epoch (int): the epoch to resume after; -1 (default) starts afresh.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_max: int,  # noqa: N803 - torch's name
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch=last_epoch)

    def get_lr(self) -> list[Any]:
        self._check_get_lr_context()
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [group["lr"] for group in groups]
        epoch, period, low = self.last_epoch, self.T_max, self.eta_min
        if (epoch - 1 - period) % (2 * period) == 0:
            rise = (1 - math.cos(math.pi / period)) / 2
            return [
                group["lr"] + (base_lr - low) * rise
                for group, base_lr in zip(groups, self.base_lrs)
            ]
        ratio = (1 + math.cos(math.pi * epoch / period)) / (
            1 + math.cos(math.pi * (epoch - 1) / period)
        )
        return [ratio * (group["lr"] - low) + low for group in groups]

    def _get_closed_form_lr(self) -> list[Any]:
        wave = 1 + math.cos(math.pi * self.last_epoch / self.T_max)
        return [self.eta_min + (base_lr - self.eta_min) * wave / 2 for base_lr in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    r"""Cosine annealing that restarts (SGDR, Loshchilov & Hutter 2017): within a cycle of
    :math:`T_i` epochs the rate falls along a half cosine from the initial rate to
    ``eta_min``, then jumps back up; each cycle is ``T_mult`` times longer than the last.

    .. math::
        \eta_t = \eta_{min} + \tfrac12 (\eta_0 - \eta_{min})
        \left(1 + \cos\frac{T_{cur} \pi}{T_i}\right),

    with :math:`T_{cur}` the epochs since the last restart. ``step(epoch)`` may be given a
    fractional epoch (``scheduler.step(epoch + i / iters)`` inside an epoch), without the
    deprecation warning other schedulers give for an explicit epoch.

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        T_0 (int): the length of the first cycle, in epochs.
        T_mult (int): how much longer each cycle is than the one before. Default: 1
        eta_min (float): the lowest rate. Default: 0.
        last_epoch (int): the epoch to resume after; -1 (default) starts afresh.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_0: int,  # noqa: N803 - torch's names
        T_mult: int = 1,  # noqa: N803
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        if T_0 <= 0 or not isinstance(T_0, int):
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if T_mult < 1 or not isinstance(T_mult, int):
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, float | int):
            raise ValueError(
                f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}"
            )
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch=last_epoch)

    def get_lr(self) -> list[Any]:
        self._check_get_lr_context()
        wave = 1 + math.cos(math.pi * self.T_cur / self.T_i)
        return [self.eta_min + (base_lr - self.eta_min) * wave / 2 for base_lr in self.base_lrs]

    def step(self, epoch=None) -> None:
        """Go to the next epoch, or to ``epoch`` (which may be fractional)."""
        self._advance(epoch)

    def _advance(self, epoch=None) -> None:
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:  # a restart: the next cycle is T_mult times longer
                self.T_cur -= self.T_i
                self.T_i *= self.T_mult
        elif epoch < 0:
            raise ValueError(f"Expected non-negative epoch, but got {epoch}")
        elif epoch < self.T_0:
            self.T_i, self.T_cur = self.T_0, epoch
        elif self.T_mult == 1:
            self.T_cur = epoch % self.T_0
        else:
            # cycles 0 .. n-1 last T_0 (T_mult^n - 1) / (T_mult - 1) epochs in all
            n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
            self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
            self.T_i = self.T_0 * self.T_mult**n
        self.last_epoch = math.floor(epoch)
        self._step_count += 1
        self._get_lr_called_within_step = True
        try:
            lrs = self.get_lr()
        finally:
            self._get_lr_called_within_step = False
        self._set_lrs(lrs)


# ----------------------------------------------------------------------------- combinations

_ABSENT = object()  # marks a missing attribute


def _check_shared_optimizer(owner: str, optimizer: Optimizer, schedulers) -> None:
    """Every inner scheduler must be a stepwise one driving ``optimizer`` itself."""
    for index, scheduler in enumerate(schedulers):
        owned = getattr(scheduler, "optimizer", _ABSENT)
        if owned is _ABSENT:
            raise TypeError(f"{owner} at index {index} should have `optimizer` as its attribute.")
        needs_metric = isinstance(scheduler, ReduceLROnPlateau)
        if needs_metric:
            raise ValueError(
                f"{owner} does not support `ReduceLROnPlateau` scheduler as it requires "
                f"additional kwargs to be specified when calling `step`, but got one at "
                f"index {index} in the given schedulers sequence."
            )
        if owned is not optimizer:
            raise ValueError(
                f"{owner} expects all schedulers to belong to the same optimizer, but got "
                f"scheduler {type(scheduler).__name__} at index {index} has "
                f"{scheduler.optimizer}, which is different from {optimizer}."
            )


class _SchedulerList(LRScheduler):
    """State handling of the schedulers made of other schedulers (``_schedulers``)."""

    # not saved as attributes: the optimizer is the caller's, the inner schedulers are
    # saved through their own state_dict (appended under "_schedulers")
    _UNSAVED = ("optimizer", "_schedulers")

    def state_dict(self) -> dict[str, Any]:
        saved = {name: value for name, value in vars(self).items() if name not in self._UNSAVED}
        saved["_schedulers"] = [inner.state_dict() for inner in self._schedulers]
        return saved

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        own = dict(state_dict)
        inner_states = own.pop("_schedulers")
        vars(self).update(own)
        for inner, inner_state in zip(self._schedulers, inner_states):
            inner.load_state_dict(inner_state)


class SequentialLR(_SchedulerList):
    """Run several schedulers one after the other, switching at the ``milestones``.

    At a milestone the next scheduler starts afresh from its epoch 0 (its closed form,
    where it has one); before the first milestone the first scheduler runs.

    Args:
        optimizer (Optimizer): the optimizer all the schedulers drive.
        schedulers (list): the schedulers, in order of use.
        milestones (list): the epochs at which to switch; one fewer than the schedulers.
        last_epoch (int): the epoch to resume after; -1 (default) starts afresh.
    """

    def __init__(
        self, optimizer: Optimizer, schedulers, milestones: list[int], last_epoch: int = -1
    ) -> None:
        if len(schedulers) < 1:
            raise ValueError(
                f"{type(self).__name__} expects at least one scheduler, but got no scheduler."
            )
        _check_shared_optimizer(type(self).__name__, optimizer, schedulers)
        switches = len(schedulers) - 1
        if len(milestones) != switches:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided to be one more than "
                "the number of milestone points, but got number of schedulers "
                f"{len(schedulers)} and the number of milestones to be equal to {len(milestones)}"
            )
        self._schedulers = list(schedulers)
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer

        # Creating the schedulers stepped each of them once; start over from the initial
        # rates, and let only the first scheduler take its first step.
        for entry in optimizer.param_groups:
            _assign(entry, "lr", entry["initial_lr"])
        for inner in self._schedulers:
            inner.last_epoch -= 1
        self._schedulers[0]._take_first_step()
        self._last_lr = self._schedulers[0].get_last_lr()

    def step(self) -> None:
        """Advance the scheduler in charge, starting the next one at a milestone."""
        self.last_epoch += 1
        index = bisect.bisect_right(self._milestones, self.last_epoch)
        active = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            active._advance(0)  # just switched: the new scheduler starts at its epoch 0
        else:
            active.step()
        self._last_lr = active.get_last_lr()

    def recursive_undo(self, sched=None) -> None:
        """Take back the initial step of ``sched`` (or of every inner scheduler)."""
        schedulers = self._schedulers if sched is None else [sched]
        for scheduler in schedulers:
            if isinstance(scheduler, SequentialLR):
                scheduler.recursive_undo()
            elif hasattr(scheduler, "last_epoch"):
                scheduler.last_epoch -= 1


class ChainedScheduler(_SchedulerList):
    """Step several chainable schedulers together, so that their rules compose.

    Args:
        schedulers (list): the schedulers, stepped in this order.
        optimizer (Optimizer, optional): their optimizer; by default the first one's.
    """

    def __init__(self, schedulers, optimizer: Optimizer | None = None) -> None:
        if len(schedulers) < 1:
            raise ValueError(
                f"{type(self).__name__} expects at least one scheduler to be chained, "
                "but got no scheduler."
            )
        driven = optimizer or schedulers[0].optimizer
        _check_shared_optimizer(type(self).__name__, driven, schedulers)
        self._schedulers = list(schedulers)
        self.optimizer = driven
        self._last_lr = [_snapshot(group["lr"]) for group in driven.param_groups]

    def step(self) -> None:
        """Step every scheduler of the chain."""
        for inner in self._schedulers:
            inner.step()
        self._last_lr = [_snapshot(group["lr"]) for group in self.optimizer.param_groups]


# ----------------------------------------------------------------------------- plateau


class ReduceLROnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` when a metric stops improving.

    ``step(metric)`` counts the epochs without improvement on the best value seen; once
    more than ``patience`` of them have passed, every rate becomes
    :math:`\\max(\\eta \\cdot \\text{factor}, \\text{min\\_lr})` (unless it would change by
    less than ``eps``), and ``cooldown`` epochs follow in which nothing is counted.

    An improvement means, for ``mode="min"``: ``metric < best * (1 - threshold)`` with
    ``threshold_mode="rel"`` or ``metric < best - threshold`` with ``"abs"``; for
    ``mode="max"``: ``metric > best * (1 + threshold)`` or ``metric > best + threshold``.

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        mode (str): ``"min"`` or ``"max"``. Default: ``"min"``.
        factor (float): decay factor, below 1. Default: 0.1.
        patience (int): epochs without improvement that are tolerated. Default: 10.
        threshold (float): the least change that counts as improvement. Default: 1e-4.
        threshold_mode (str): ``"rel"`` or ``"abs"``. Default: ``"rel"``.
        cooldown (int): epochs to wait after a decay. Default: 0.
        min_lr (float or list): lower bound of the rates, per group. Default: 0.
        eps (float): smallest change of rate worth applying. Default: 1e-8.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr=0,
        eps: float = 1e-8,
    ) -> None:
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        self.factor = factor
        _require_optimizer(optimizer)
        self.optimizer = optimizer
        count = len(optimizer.param_groups)
        one_per_group = isinstance(min_lr, (list, tuple))
        if one_per_group and len(min_lr) != count:
            raise ValueError(f"expected {count} min_lrs, got {len(min_lr)}")
        # default_min_lr stays None when a list was given (the attribute order is saved)
        self.default_min_lr = None if one_per_group else min_lr
        self.min_lrs = list(min_lr) if one_per_group else [min_lr] * count
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = [_snapshot(group["lr"]) for group in optimizer.param_groups]
        self._set_comparison(mode, threshold, threshold_mode)
        self._forget_history()

    def _set_comparison(self, mode: str, threshold: float, threshold_mode: str) -> None:
        if mode not in ("min", "max"):
            raise _unknown("mode", mode)
        if threshold_mode not in ("rel", "abs"):
            raise _unknown("threshold mode", threshold_mode)
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode

    def _forget_history(self) -> None:
        """No best value yet (the worst possible one), no cooldown, no bad epoch."""
        self.best, self.cooldown_counter, self.num_bad_epochs = self.mode_worse, 0, 0

    @property
    def in_cooldown(self) -> bool:
        """Whether the epochs of rest after a decay are still running."""
        return 0 < self.cooldown_counter

    def _improves_on(self, current: float, best: float) -> bool:
        relative = self.threshold_mode == "rel"
        if self.mode == "min":
            bound = best * (1.0 - self.threshold) if relative else best - self.threshold
            return current < bound
        bound = best * (self.threshold + 1.0) if relative else best + self.threshold
        return current > bound

    def step(self, metrics, epoch=None) -> None:
        """Record this epoch's ``metrics`` and decay the rates if the plateau is too long."""
        current = float(metrics)
        if epoch is not None:
            warnings.warn(_EPOCH_ARGUMENT_WARNING, UserWarning, stacklevel=2)
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch

        improved = self._improves_on(current, self.best)
        if improved:
            self.best = current
        self.num_bad_epochs = 0 if improved else self.num_bad_epochs + 1
        if self.in_cooldown:
            # bad epochs are not counted while resting after a decay
            self.cooldown_counter = self.cooldown_counter - 1
            self.num_bad_epochs = 0
        plateau_too_long = self.num_bad_epochs > self.patience
        if plateau_too_long:
            self._reduce_lr()
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [_snapshot(group["lr"]) for group in self.optimizer.param_groups]

    def _reduce_lr(self) -> None:
        for group, floor in zip(self.optimizer.param_groups, self.min_lrs):
            before = float(group["lr"])
            after = max(before * self.factor, floor)
            if before - after > self.eps:  # skip changes too small to matter
                _assign(group, "lr", after)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        vars(self).update(state_dict)
        self._set_comparison(self.mode, self.threshold, self.threshold_mode)


# ----------------------------------------------------------------------------- one cycle


class CyclicLR(LRScheduler):
    r"""The cyclical learning rate policy (Smith, 2017): the rate goes back and forth
    between ``base_lr`` and ``max_lr``, rising for ``step_size_up`` steps and falling for
    ``step_size_down``; it is meant to be stepped every batch. With ``cycle_momentum``
    the momentum (or Adam's β₁) moves the other way, between ``max_momentum`` and
    ``base_momentum``.

    At step :math:`t`, with cycle length :math:`T` = up + down and
    :math:`c = \lfloor 1 + t / T \rfloor` the cycle number, the position in the cycle is
    :math:`x = 1 + t/T - c`, the height :math:`h = x / r` while rising
    (:math:`x \le r`, :math:`r` = up / T) and :math:`(x - 1)/(r - 1)` while falling, and

    .. math::
        \eta_t = \eta_{base} + (\eta_{max} - \eta_{base})\, h \cdot s,

    where the scale :math:`s` is 1 (``mode='triangular'``), :math:`2^{1-c}`
    (``'triangular2'``: each cycle half as tall) or :math:`\gamma^t` (``'exp_range'``);
    ``scale_fn`` replaces it, applied to :math:`c` or to :math:`t` (``scale_mode``).

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        base_lr, max_lr (float or list): the bounds, per group (the rate starts at base_lr).
        step_size_up (int): steps of the rising half. Default: 2000.
        step_size_down (int): steps of the falling half. Default: ``step_size_up``.
        mode (str): 'triangular', 'triangular2' or 'exp_range'. Default: 'triangular'.
        gamma (float): the base of 'exp_range'. Default: 1.0.
        scale_fn (callable): a scale of your own instead of ``mode``'s. Default: None.
        scale_mode (str): 'cycle' or 'iterations', what ``scale_fn`` is given.
        cycle_momentum (bool): move the momentum too. Default: True.
        base_momentum, max_momentum (float or list): the momentum's bounds. Defaults 0.8, 0.9.
        last_epoch (int): the step to resume after; -1 (default) starts afresh.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr,
        max_lr,
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn=None,
        scale_mode: str = "cycle",
        cycle_momentum: bool = True,
        base_momentum=0.8,
        max_momentum=0.9,
        last_epoch: int = -1,
    ) -> None:
        _require_optimizer(optimizer)
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs):
                _assign(group, "lr", lr)
        self.max_lrs = _per_group("max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _uses_beta1(optimizer)
            self.base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            self.max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                for group, momentum in zip(optimizer.param_groups, self.max_momentums):
                    self._set_momentum(group, momentum)
        super().__init__(optimizer, last_epoch=last_epoch)
        self.base_lrs = base_lrs

    def _set_momentum(self, group: dict[str, Any], momentum) -> None:
        _set_momentum(group, momentum, self.use_beta1)

    def state_dict(self) -> dict[str, Any]:
        """As the other schedulers', but a custom ``scale_fn`` is kept only as the state
        of a callable object (its ``__dict__``; a plain function is not saved: None)."""
        state = super().state_dict()
        function = state.pop("_scale_fn_custom")
        keep = function is not None and not isinstance(function, types.FunctionType)
        state["_scale_fn_custom"] = function.__dict__.copy() if keep else None
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state_dict = dict(state_dict)
        function_state = state_dict.pop("_scale_fn_custom", None)
        super().load_state_dict(state_dict)
        if function_state is not None and self._scale_fn_custom is not None:
            self._scale_fn_custom.__dict__.update(function_state)

    def scale_fn(self, x) -> float:
        """The scale of the cycle's height: ``scale_fn`` if given, else ``mode``'s."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma**x

    def _scale_argument(self, cycle, step):
        uses_cycle = self._scale_fn_custom is None and self.mode != "exp_range"
        if self._scale_fn_custom is not None:
            uses_cycle = self.scale_mode == "cycle"
        return cycle if uses_cycle else step

    def get_lr(self) -> list[Any]:
        self._check_get_lr_context()
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            height = x / self.step_ratio
        else:
            height = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(self._scale_argument(cycle, self.last_epoch))
        lrs = [
            base + (peak - base) * height * scale for base, peak in zip(self.base_lrs, self.max_lrs)
        ]
        if self.cycle_momentum:
            momenta = [
                high - (high - low) * height * scale
                for low, high in zip(self.base_momentums, self.max_momentums)
            ]
            for group, momentum in zip(self.optimizer.param_groups, momenta):
                self._set_momentum(group, momentum)
        return lrs


def _anneal_cos(start, end, fraction):
    """From ``start`` (fraction 0) to ``end`` (fraction 1) along half a cosine."""
    return end + (start - end) / 2.0 * (math.cos(math.pi * fraction) + 1)


def _anneal_linear(start, end, fraction):
    """From ``start`` (fraction 0) to ``end`` (fraction 1) along a straight line."""
    return (end - start) * fraction + start


def _cycle_length(total_steps, epochs, steps_per_epoch) -> int:
    """The number of steps of the cycle, given directly or as epochs times their length."""
    if total_steps is None:
        if epochs is None or steps_per_epoch is None:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        _positive_int("epochs", epochs)
        _positive_int("steps_per_epoch", steps_per_epoch)
        return epochs * steps_per_epoch
    _positive_int("total_steps", total_steps)
    return total_steps


def _positive_int(name: str, value) -> None:
    if value <= 0 or not isinstance(value, int):
        raise ValueError(f"Expected positive integer {name}, but got {value}")


class OneCycleLR(LRScheduler):
    """The 1cycle policy: the rate rises from ``max_lr / div_factor`` to ``max_lr`` during
    the first ``pct_start`` of the steps, then falls to
    ``max_lr / (div_factor * final_div_factor)``; it is meant to be stepped every batch.

    Within a phase from :math:`a` to :math:`b`, at fraction :math:`p` of it, the value is
    :math:`b + (a - b)(1 + \\cos \\pi p) / 2` (``anneal_strategy="cos"``) or
    :math:`a + (b - a) p` (``"linear"``). With ``three_phase=True`` the rate comes back
    down to the initial rate symmetrically before a last phase to the minimum. With
    ``cycle_momentum`` the momentum (or Adam's beta1) moves the opposite way, between
    ``max_momentum`` and ``base_momentum``.

    Args:
        optimizer (Optimizer): the scheduled optimizer.
        max_lr (float or list): peak learning rate, per group.
        total_steps (int): length of the cycle; otherwise ``epochs * steps_per_epoch``.
        epochs (int): number of epochs, with ``steps_per_epoch``.
        steps_per_epoch (int): number of steps in an epoch, with ``epochs``.
        pct_start (float): fraction of the cycle spent raising the rate. Default: 0.3.
        anneal_strategy (str): ``"cos"`` or ``"linear"``. Default: ``"cos"``.
        cycle_momentum (bool): whether to cycle the momentum too. Default: True.
        base_momentum (float or list): momentum at the peak rate. Default: 0.85.
        max_momentum (float or list): momentum at the ends. Default: 0.95.
        div_factor (float): ``max_lr / initial_lr``. Default: 25.
        final_div_factor (float): ``initial_lr / min_lr``. Default: 1e4.
        three_phase (bool): use the three-phase schedule. Default: False.
        last_epoch (int): index of the last *batch*. Default: -1.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr,
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum=0.85,
        max_momentum=0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        _require_optimizer(optimizer)
        self.optimizer = optimizer
        self.total_steps = _cycle_length(total_steps, epochs, steps_per_epoch)

        # compared first, so that a non-number fails as in PyTorch
        outside = pct_start < 0 or pct_start > 1
        if outside or not isinstance(pct_start, float):
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        self._schedule_phases = self._phases(pct_start, three_phase)

        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        self._anneal_func_type = anneal_strategy

        if last_epoch == -1:
            for group, peak in zip(optimizer.param_groups, _per_group("max_lr", optimizer, max_lr)):
                start = peak / div_factor
                group["initial_lr"] = start
                group["max_lr"] = peak
                group["min_lr"] = start / final_div_factor

        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = _uses_beta1(optimizer)
            if last_epoch == -1:
                lows = _per_group("base_momentum", optimizer, base_momentum)
                highs = _per_group("max_momentum", optimizer, max_momentum)
                for group, low, high in zip(optimizer.param_groups, lows, highs):
                    self._set_momentum(group, high)
                    group["max_momentum"] = high
                    group["base_momentum"] = low

        super().__init__(optimizer, last_epoch=last_epoch)

    def _phases(self, pct_start: float, three_phase: bool) -> list[dict[str, Any]]:
        """The phases of the cycle: where each ends and the group keys it moves between."""

        def phase(end_step, start_lr, end_lr, start_momentum, end_momentum):
            return {
                "end_step": end_step,
                "start_lr": start_lr,
                "end_lr": end_lr,
                "start_momentum": start_momentum,
                "end_momentum": end_momentum,
            }

        rise_end = float(pct_start * self.total_steps) - 1
        last = self.total_steps - 1
        if three_phase:
            fall_end = float(2 * pct_start * self.total_steps) - 2
            return [
                phase(rise_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                phase(fall_end, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                phase(last, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        return [
            phase(rise_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
            phase(last, "max_lr", "min_lr", "base_momentum", "max_momentum"),
        ]

    def _set_momentum(self, group: dict[str, Any], momentum) -> None:
        _set_momentum(group, momentum, self.use_beta1)

    def _anneal_func(self, start, end, fraction):
        anneal = _anneal_cos if self._anneal_func_type == "cos" else _anneal_linear
        return anneal(start, end, fraction)

    def get_lr(self) -> list[Any]:
        self._check_get_lr_context()
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"Tried to step {step} times. The specified number of total steps is "
                f"{self.total_steps}"
            )
        # the phase containing this step, and where that phase starts
        phase_start = 0.0
        for index, phase in enumerate(self._schedule_phases):
            if step <= phase["end_step"] or index == len(self._schedule_phases) - 1:
                break
            phase_start = phase["end_step"]
        fraction = (step - phase_start) / (phase["end_step"] - phase_start)

        lrs = []
        for entry in self.optimizer.param_groups:
            lrs.append(
                self._anneal_func(entry[phase["start_lr"]], entry[phase["end_lr"]], fraction)
            )
            if self.cycle_momentum:
                momentum = self._anneal_func(
                    entry[phase["start_momentum"]], entry[phase["end_momentum"]], fraction
                )
                self._set_momentum(entry, momentum)
        return lrs
