"""The ``Optimizer`` base class that every optimizer in ``tracegrad.optim`` builds on,
and the small helpers those optimizers share.

An optimizer holds its parameters in *param groups*: dicts with a ``"params"`` list and
the options (``lr``, ``momentum`` ...) that apply to those parameters. Options a group
leaves out come from ``defaults``. Per-parameter buffers live in ``state``, a
``defaultdict(dict)`` keyed by the parameter tensor itself.

``state_dict()`` replaces every parameter by a position number (counted through all the
groups in order), so a checkpoint can be loaded into a fresh optimizer built over new
parameter objects in the same layout::

    >>> import tracegrad as torch
    >>> w = torch.zeros(2, requires_grad=True)
    >>> optimizer = torch.optim.SGD([w], lr=0.5, momentum=0.9)
    >>> optimizer.state_dict()["param_groups"][0]["params"]
    [0]
"""

from __future__ import annotations

import itertools
import warnings
from collections import OrderedDict, defaultdict
from copy import deepcopy
from functools import wraps
from typing import Any

import numpy as np

from .. import _creation
from .. import _dtype as dtypes
from .._tensor import Tensor
from ..autograd import grad_mode
from ..ops._special import fma

__all__ = [
    "Optimizer",
    "register_optimizer_step_post_hook",
    "register_optimizer_step_pre_hook",
]

_DUPLICATE_PARAMS_WARNING = (
    "optimizer contains a parameter group with duplicate parameters; in future, this will "
    "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information"
)
_MIXED_NAMES_MESSAGE = (
    "all optimizer params should be with/without names. Some param names are missing"
)
_GROUP_NAMES_MESSAGE = (
    "all optimizer param groups should be with/without names. "
    "cannot add param group {} names to the optimizer"
)


class _RequiredParameter:
    """Type of :data:`required`, the default of an option every group must set itself."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


# ----------------------------------------------------------------------------- hooks


class RemovableHandle:
    """What the ``register_*_hook`` functions give back: ``remove()`` unregisters the hook,
    and so does leaving a ``with`` block over the handle."""

    _ids = itertools.count()

    def __init__(self, hooks: OrderedDict) -> None:
        self.hooks = hooks
        self.id = next(RemovableHandle._ids)

    def remove(self) -> None:
        self.hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info) -> None:
        self.remove()


def _add_hook(hooks: OrderedDict, hook, prepend: bool = False) -> RemovableHandle:
    """Store ``hook`` in ``hooks`` (first when ``prepend``) under a fresh handle."""
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


# hooks that run around the step of every optimizer
_all_optimizers_pre_hooks: OrderedDict = OrderedDict()
_all_optimizers_post_hooks: OrderedDict = OrderedDict()


def register_optimizer_step_pre_hook(hook) -> RemovableHandle:
    """Run ``hook(optimizer, args, kwargs)`` before the ``step`` of any optimizer."""
    return _add_hook(_all_optimizers_pre_hooks, hook)


def register_optimizer_step_post_hook(hook) -> RemovableHandle:
    """Run ``hook(optimizer, args, kwargs)`` after the ``step`` of any optimizer."""
    return _add_hook(_all_optimizers_post_hooks, hook)


def _run_step_pre_hooks(optimizer: Optimizer, step, args: tuple, kwargs: dict):
    """Call the pre-step hooks; one may return ``(args, kwargs)`` to replace the call's."""
    hooks = [*_all_optimizers_pre_hooks.values(), *optimizer._step_pre_hooks.values()]
    for hook in hooks:
        result = hook(optimizer, args, kwargs)
        if result is None:
            continue
        if not (isinstance(result, tuple) and len(result) == 2):
            raise RuntimeError(
                f"{step} must return None or a tuple of (new_args, new_kwargs), but got {result}."
            )
        args, kwargs = result
    return args, kwargs


def _run_step_post_hooks(optimizer: Optimizer, args: tuple, kwargs: dict) -> None:
    hooks = [*optimizer._step_post_hooks.values(), *_all_optimizers_post_hooks.values()]
    for hook in hooks:
        hook(optimizer, args, kwargs)


def _with_step_hooks(step):
    """Wrap a subclass's ``step`` so that the step hooks run around it.

    The hooks see the call's arguments with the optimizer first, as torch passes them.
    A ``step`` reached through ``super().step()`` from another hooked step runs bare.
    """

    @wraps(step)
    def hooked_step(self, *args, **kwargs):
        if self.__dict__.get("_stepping", False):
            return step(self, *args, **kwargs)
        self._stepping = True
        try:
            args, kwargs = _run_step_pre_hooks(self, step, (self, *args), kwargs)
            result = step(*args, **kwargs)
            _run_step_post_hooks(self, args, kwargs)
            return result
        finally:
            self._stepping = False

    hooked_step._runs_step_hooks = True
    return hooked_step


# ----------------------------------------------------------------------------- helpers


def _use_grad(step):
    """Decorate ``step`` to run without graph recording, unless the optimizer was built
    with ``differentiable=True``; the caller's grad mode comes back afterwards."""

    @wraps(step)
    def step_in_grad_mode(self, *args, **kwargs):
        previous = grad_mode.is_grad_enabled()
        grad_mode.set_grad_enabled(bool(self.defaults.get("differentiable", False)))
        try:
            return step(self, *args, **kwargs)
        finally:
            grad_mode.set_grad_enabled(previous)

    return step_in_grad_mode


def _evaluate(closure):
    """The loss from ``closure()`` (run with graph recording on), or None without one."""
    if closure is None:
        return None
    with grad_mode.enable_grad():
        return closure()


def _get_value(x):
    """A step counter (or any one-element tensor) as a Python number."""
    return x.item() if isinstance(x, Tensor) else x


def _to_scalar(x):
    """An option that may be given as a tensor (``lr``, ``betas``) as a Python number."""
    return x.item() if isinstance(x, Tensor) else x


def _get_scalar_dtype(is_fused=None):
    """The dtype of step counters: float64 when that is the default dtype, else float32."""
    del is_fused  # one kind of step in tracegrad
    if dtypes.get_default_dtype() is dtypes.float64:
        return dtypes.float64
    return dtypes.float32


def _step_counter(value: float = 0.0) -> Tensor:
    """A zero-dimensional tensor counting the steps taken, as torch keeps in ``state``."""
    return _creation.tensor(value, dtype=_get_scalar_dtype())


# ----------------------------------------------------------------------------- array steps
#
# Outside ``differentiable=True`` a step records nothing, so the optimizers run their
# update directly on the parameters' NumPy arrays with in-place ufuncs: the same formulas
# as on Tensors, without building a Tensor per intermediate value (on small models the
# step would otherwise cost more than the forward and backward passes).

_ARRAY_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _array_step_params(group: dict[str, Any]):
    """The ``(param, grad array)`` pairs of a group whose step can run on arrays, or None
    when the group needs the Tensor path (``differentiable``, float16, mixed dtypes,
    read-only parameters)."""
    if group["differentiable"]:
        return None
    pairs = []
    for p in group["params"]:
        grad = p._grad
        if grad is None:
            continue
        data = p._data
        if (
            data.dtype not in _ARRAY_DTYPES
            or grad._data.dtype != data.dtype
            or not data.flags.writeable
        ):
            return None
        pairs.append((p, grad._data))
    return pairs


# Elements per block when an optimizer updates a large parameter a block at a time. Why
# blocks: every temporary of an update (a float64 copy for a fused multiply-add, Adam's
# g − m and denominator ...) would otherwise be as large as the weight and freshly
# allocated on every step, which the C library returns to the system and page-faults in
# again (W3: 1.6 MB and ~400 page faults per Adam step for one 784 × 256 weight).
_BLOCK = 1 << 15  # 128 KiB of float32, 256 KiB of float64 (a block's arrays fit in L2)


def _blockwise(*arrays):
    """The arrays (equal shapes; ``None`` entries pass through), as one tuple of the
    whole arrays, or, when they are large and C-contiguous, as tuples of matching flat
    blocks of ``_BLOCK`` elements. Writing into a block writes into the array."""
    first = arrays[0]
    n = first.size
    if n <= _BLOCK or not all(
        a.flags.c_contiguous and a.shape == first.shape for a in arrays if a is not None
    ):
        yield arrays
        return
    flat = [a.reshape(-1) if a is not None else None for a in arrays]
    for start in range(0, n, _BLOCK):
        stop = start + _BLOCK
        yield tuple(a[start:stop] if a is not None else None for a in flat)


def _add_scaled_(target: np.ndarray, alpha, x: np.ndarray) -> None:
    """``target += alpha * x`` in place, rounded once as ``Tensor.add_(x, alpha=alpha)``
    and ``Tensor.addcmul_`` compute it (a fused multiply-add, like PyTorch's kernels).
    ``alpha``: a number, or an array of ``target``'s shape."""
    if target.dtype != np.float32:
        target[...] = fma(x, np.asarray(alpha, dtype=target.dtype), target)
        return
    # a float32 product is exact in float64, so the float64 sum rounded to float32 is the
    # fused result (as ``ops._special.fma``; these steps are its fastest order)
    if not isinstance(alpha, np.ndarray):
        alpha = np.float32(alpha)
    if target.size <= _BLOCK:  # (most parameters: no blocks)
        _add_scaled_float32(target, alpha, x)
    elif alpha.ndim:
        for block, alpha_block, x_block in _blockwise(target, alpha, x):
            _add_scaled_float32(block, alpha_block, x_block)
    else:
        for block, x_block in _blockwise(target, x):
            _add_scaled_float32(block, alpha, x_block)


def _add_scaled_float32(target, alpha, x):
    wide = np.multiply(x, alpha, dtype=np.float64)
    wide += target
    np.copyto(target, wide, casting="unsafe")


def _check_adam_options(lr, eps, betas, weight_decay) -> None:
    """The checks the Adam family shares (torch's messages)."""
    _check_lr(lr)
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


def _require(ok: bool, option: str, value) -> None:
    """Raise the ValueError PyTorch raises for an option out of its range."""
    if not ok:
        raise ValueError(f"Invalid {option} value: {value}")


def _check_lr(lr) -> None:
    """Reject a negative learning rate, or a tensor one with more than one element."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if lr < 0.0:
        raise ValueError(f"Invalid learning rate: {_to_scalar(lr)}")


def _check_fused(fused, foreach, differentiable) -> None:
    """``fused`` is accepted for compatibility, but not with the options torch forbids."""
    if not fused:
        return
    if differentiable:
        raise RuntimeError("`fused` does not support `differentiable`")
    if foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def _typename(obj) -> str:
    """How torch names a value's type in messages: ``torch.FloatTensor``, ``float``."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = type(obj)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def _cast_to_param(param: Tensor, value, key=None):
    """A loaded state value made to fit ``param``: its tensors, at any depth of dicts,
    lists and tuples, take the dtype of a floating ``param``; ``step`` counters keep
    theirs."""
    if isinstance(value, Tensor):
        if key == "step" or not param.is_floating_point():
            return value
        return value.to(dtype=param.dtype)
    if isinstance(value, dict):
        return {k: _cast_to_param(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_to_param(param, v, key) for v in value)
    return value


# ----------------------------------------------------------------------------- Optimizer


class Optimizer:
    r"""Base class for all optimizers.

    Args:
        params (iterable): the tensors to optimize, ``(name, tensor)`` pairs, or dicts
            that each define a param group (a ``"params"`` entry and its own options).
        defaults (dict): the value of each option for groups that do not set it;
            :data:`required` marks an option without a default.

    A subclass implements :meth:`step`; the step hooks run around it by themselves.
    """

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._init_hooks()
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors "
                f"or dicts, but got {_typename(params)}"
            )
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if callable(step) and not getattr(step, "_runs_step_hooks", False):
            cls.step = _with_step_hooks(step)

    def _init_hooks(self) -> None:
        self._step_pre_hooks: OrderedDict = OrderedDict()
        self._step_post_hooks: OrderedDict = OrderedDict()
        self._state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._state_dict_post_hooks: OrderedDict = OrderedDict()
        self._load_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._load_state_dict_post_hooks: OrderedDict = OrderedDict()

    # pickling and copying keep the options and the state, not the hooks

    def __getstate__(self) -> dict[str, Any]:
        return {
            "defaults": self.defaults,
            "state": self.state,
            "param_groups": self.param_groups,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if "_step_pre_hooks" not in self.__dict__:
            self._init_hooks()

    def __repr__(self) -> str:
        blocks = [_describe_group(index, group) for index, group in enumerate(self.param_groups)]
        if not blocks:
            return f"{type(self).__name__} (\n)"
        return f"{type(self).__name__} (\n" + "\n\n".join(blocks) + "\n)"

    # ------------------------------------------------------------------------- hooks

    def register_step_pre_hook(self, hook) -> RemovableHandle:
        """Run ``hook(optimizer, args, kwargs)`` before each :meth:`step`; returning
        ``(new_args, new_kwargs)`` changes what the step is called with."""
        return _add_hook(self._step_pre_hooks, hook)

    def register_step_post_hook(self, hook) -> RemovableHandle:
        """Run ``hook(optimizer, args, kwargs)`` after each :meth:`step`."""
        return _add_hook(self._step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Run ``hook(optimizer)`` before :meth:`state_dict` builds its result."""
        return _add_hook(self._state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Run ``hook(optimizer, state_dict)`` on the result of :meth:`state_dict`; a
        returned dict replaces it."""
        return _add_hook(self._state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Run ``hook(optimizer, state_dict)`` before :meth:`load_state_dict` reads the
        dict; a returned dict is loaded instead."""
        return _add_hook(self._load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        """Run ``hook(optimizer)`` once :meth:`load_state_dict` has loaded."""
        return _add_hook(self._load_state_dict_post_hooks, hook, prepend)

    # ------------------------------------------------------------------------- state_dict

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as a dict with two entries.

        * ``"state"``: the per-parameter state, keyed by each parameter's position,
          counted through all the groups in order;
        * ``"param_groups"``: the groups' options, with ``"params"`` holding positions.

        The state's buffers are the optimizer's own tensors, not copies.
        """
        for hook in self._state_dict_pre_hooks.values():
            hook(self)
        position: dict[int, int] = {}
        groups, first = [], 0
        for group in self.param_groups:
            groups.append(_pack_group(group, position, first))
            first += len(group["params"])
        state = {
            position[id(key)] if isinstance(key, Tensor) else key: value
            for key, value in self.state.items()
        }
        result = {"state": state, "param_groups": groups}
        for hook in self._state_dict_post_hooks.values():
            returned = hook(self, result)
            if returned is not None:
                result = returned
        return result

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take over the state and the group options of ``state_dict``, as made by
        :meth:`state_dict`, keeping this optimizer's parameter objects.

        The groups must match this optimizer's in number and size. Loaded tensors take
        the dtype of a floating-point parameter, except the ``step`` counters.
        """
        state_dict = dict(state_dict)
        for hook in self._load_state_dict_pre_hooks.values():
            returned = hook(self, state_dict)
            if returned is not None:
                state_dict = returned
        saved_groups = deepcopy(state_dict["param_groups"])
        self._check_layout(saved_groups)
        param_at = {
            index: param
            for saved, group in zip(saved_groups, self.param_groups)
            for index, param in zip(saved["params"], group["params"])
        }
        state: defaultdict = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in param_at:
                state[param_at[key]] = _cast_to_param(param_at[key], value)
            else:
                state[key] = value
        groups = [
            _restore_group(saved, group) for saved, group in zip(saved_groups, self.param_groups)
        ]
        self.__setstate__({"state": state, "param_groups": groups})
        for hook in self._load_state_dict_post_hooks.values():
            hook(self)

    def _check_layout(self, saved_groups: list[dict[str, Any]]) -> None:
        """Raise unless the saved groups have as many parameters as ours, group by group."""
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for saved, group in zip(saved_groups, self.param_groups):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the "
                    "size of optimizer's group"
                )

    # ------------------------------------------------------------------------- stepping

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of all optimized parameters.

        Args:
            set_to_none (bool): drop the ``.grad`` tensors (the default) instead of
                filling them with zeros in place.
        """
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                if set_to_none:
                    param.grad = None
                else:
                    _zero_in_place(param.grad)

    def step(self, closure=None):
        """Update the parameters once; each optimizer implements it.

        Args:
            closure (Callable, optional): recomputes the loss and its gradients, and
                returns the loss.
        """
        raise NotImplementedError

    # ------------------------------------------------------------------------- groups

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options; options it does not set are
        taken from ``defaults``. Useful to start training frozen layers part-way.

        Args:
            param_group (dict): the parameters under ``"params"``, and any options.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        _set_params_and_names(param_group)
        self._check_params(param_group["params"])
        self._fill_defaults(param_group)
        params = param_group["params"]
        if len({id(param) for param in params}) != len(params):
            warnings.warn(_DUPLICATE_PARAMS_WARNING, stacklevel=3)
        self._check_names_match(param_group)
        self._check_disjoint(params)
        self.param_groups.append(param_group)

    def _check_params(self, params: list) -> None:
        """Only tensors, and only leaves unless the optimizer is differentiable."""
        differentiable = self.defaults.get("differentiable", False)
        for param in params:
            if not isinstance(param, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + _typename(param)
                )
            if not differentiable and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

    def _fill_defaults(self, param_group: dict[str, Any]) -> None:
        for name, default in self.defaults.items():
            if name in param_group:
                continue
            if default is required:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            param_group[name] = default

    def _check_names_match(self, param_group: dict[str, Any]) -> None:
        """All groups name their parameters, or none does."""
        named = "param_names" in param_group
        for group in self.param_groups:
            if ("param_names" in group) != named:
                raise ValueError(_GROUP_NAMES_MESSAGE.format("with" if named else "without"))

    def _check_disjoint(self, params: list) -> None:
        taken = {id(param) for group in self.param_groups for param in group["params"]}
        if any(id(param) in taken for param in params):
            raise ValueError("some parameters appear in more than one parameter group")


def _describe_group(index: int, group: dict[str, Any]) -> str:
    """One group's block in the optimizer's repr: its options, sorted by name."""
    lines = [f"Parameter Group {index}"]
    lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
    return "\n".join(lines)


def _pack_group(group: dict[str, Any], position: dict[int, int], first: int) -> dict[str, Any]:
    """``group`` with its parameters replaced by positions, numbered from ``first``;
    ``position`` (parameter id to position) learns this group's parameters."""
    for offset, param in enumerate(group["params"]):
        position[id(param)] = first + offset
    packed = {key: value for key, value in group.items() if key != "params"}
    packed["params"] = [position[id(param)] for param in group["params"]]
    return packed


def _restore_group(saved: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """A loaded group: the saved options over the current group's parameters (and the
    current names, when the saved group has none)."""
    restored = dict(saved)
    restored["params"] = current["params"]
    if "param_names" in current and "param_names" not in saved:
        restored["param_names"] = current["param_names"]
    return restored


def _set_params_and_names(param_group: dict[str, Any]) -> None:
    """Turn the group's ``"params"`` into a list of tensors; ``(name, tensor)`` pairs
    leave their names under ``"param_names"``."""
    params = param_group["params"]
    if isinstance(params, Tensor):
        params = [params]
    elif isinstance(params, set):
        raise TypeError(
            "optimizer parameters need to be organized in ordered collections, but the "
            "ordering of tensors in sets will change between runs. Please use a list instead."
        )
    else:
        params = list(params)
    is_named = [isinstance(param, tuple) for param in params]
    if any(is_named):
        if not all(is_named):
            raise ValueError(_MIXED_NAMES_MESSAGE)
        param_group["params"] = [param for _, param, *_ in params]
        param_group["param_names"] = [name for name, *_ in params]
    else:
        param_group["params"] = params


def _zero_in_place(grad: Tensor) -> None:
    """Zero a gradient tensor in place, cut loose from any graph first."""
    if grad.grad_fn is not None:
        grad.detach_()
    else:
        grad.requires_grad_(False)
    grad.zero_()


class GroupwiseOptimizer(Optimizer):
    """An optimizer whose step updates each parameter group on its own: subclasses write
    ``_update_group(options)``, the update of one group's parameters with its options."""

    @_use_grad
    def step(self, closure=None):
        """Update every parameter that has a gradient, once.

        Args:
            closure (Callable, optional): recomputes the loss (with ``backward()``) and
                returns it; its value is returned.
        """
        loss = _evaluate(closure)
        for options in self.param_groups:
            self._update_group(options)
        return loss

    def _update_group(self, options: dict) -> None:
        raise NotImplementedError
