"""``nn.Module``: the base class of every layer and every model.

A module is a tree. Each node keeps three ordered registries that plain attribute
assignment fills in (``Module.__setattr__`` decides where a value goes):

* ``_parameters``: the :class:`Parameter` s it owns (``self.weight = Parameter(...)``);
* ``_buffers``: tensors that are state but are not trained (``register_buffer``), such as
  BatchNorm's running mean;
* ``_modules``: its child modules (``self.fc = nn.Linear(...)``).

Everything else walks that tree: ``parameters()`` for the optimizer, ``state_dict()`` to
save it (keys are dotted paths such as ``"0.weight"``), ``train()``/``eval()``, ``to()``
and the printed form. The registry names and the state-dict layout are PyTorch's, so
checkpoints and code written for PyTorch keep working.
"""

from __future__ import annotations

import itertools
import warnings
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from ... import _device
from ... import _dtype as dtypes
from ..._tensor import Tensor
from ...autograd import grad_mode
from ..parameter import Parameter

__all__ = ["Module", "RemovableHandle"]

# every kind of hook a module can hold; each kind is one ordered table {handle id: _Hook}
_HOOK_KINDS = (
    "forward_pre",
    "forward",
    "backward_pre",
    "backward",
    "state_dict_pre",
    "state_dict_post",
    "load_pre",
    "load_post",
)


class _Hook(NamedTuple):
    fn: object
    with_kwargs: bool = False
    always_call: bool = False


class RemovableHandle:
    """What the ``register_*_hook`` methods return: ``handle.remove()`` unregisters the
    hook. It is also a context manager that removes the hook on exit."""

    _ids = itertools.count()

    def __init__(self, table: dict) -> None:
        self.id = next(RemovableHandle._ids)
        self._table = table

    def remove(self) -> None:
        self._table.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info) -> None:
        self.remove()


def _add_hook(table: dict, hook: _Hook, prepend: bool = False) -> RemovableHandle:
    """Put ``hook`` at the end (or the front) of ``table``; the table is edited in place
    because handles keep a reference to it."""
    handle = RemovableHandle(table)
    if prepend:
        rest = list(table.items())
        table.clear()
        table[handle.id] = hook
        table.update(rest)
    else:
        table[handle.id] = hook
    return handle


def _type_name(value) -> str:
    """How PyTorch names a value's type in messages (``torch.typename``):
    ``torch.FloatTensor`` for a tensor, ``int`` for a builtin, ``package.module.Class``
    otherwise (a function is named by itself: ``__main__.<lambda>``)."""
    from ..._creation import typename

    return typename(value)


def _indent_tail(text: str, width: int) -> str:
    """Indent every line of ``text`` but the first by ``width`` spaces (used to nest the
    printed form of a child inside its parent's)."""
    head, *tail = text.split("\n")
    pad = " " * width
    return "\n".join([head] + [pad + line if line.strip() else "" for line in tail])


class _IncompatibleKeys(NamedTuple):
    """What :meth:`Module.load_state_dict` returns: the keys of the model that the state
    dict lacked, and the keys of the state dict that the model has no place for."""

    missing_keys: list
    unexpected_keys: list

    def __repr__(self) -> str:
        if self.missing_keys or self.unexpected_keys:
            return (
                f"_IncompatibleKeys(missing_keys={self.missing_keys!r}, "
                f"unexpected_keys={self.unexpected_keys!r})"
            )
        return "<All keys matched successfully>"

    __str__ = __repr__


class _LoadReport:
    """The problems ``load_state_dict`` collects while it walks the module tree."""

    def __init__(self) -> None:
        self.missing: list[str] = []
        self.unexpected: list[str] = []
        self.errors: list[str] = []

    def message(self, model_name: str, strict: bool) -> str | None:
        """PyTorch's error text for these problems, or None when loading succeeded."""
        lines = []
        if strict:
            for title, keys in (("Missing", self.missing), ("Unexpected", self.unexpected)):
                if keys:
                    quoted = ", ".join(f'"{key}"' for key in keys)
                    lines.append(f"{title} key(s) in state_dict: {quoted}. ")
        lines += self.errors
        if not lines:
            return None
        return f"Error(s) in loading state_dict for {model_name}:\n\t" + "\n\t".join(lines)


def _empty_state_dict() -> OrderedDict:
    """A state dict to fill: an OrderedDict whose ``_metadata`` attribute will hold the
    layout version of every module, keyed by its prefix (as PyTorch's state dicts do)."""
    state = OrderedDict()
    state._metadata = OrderedDict()
    return state


def _check_name(kind: str, name, owner: Module, registry: dict) -> None:
    """The checks ``register_buffer``/``register_parameter`` apply to a new name."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {_type_name(name)}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain "."')
    if not name:
        raise KeyError(f'{kind} name can\'t be empty string ""')
    if name not in registry and hasattr(owner, name):
        raise KeyError(f"attribute '{name}' already exists")


class Module:
    """The base class of layers and models: subclass it and write ``forward``.

    A model is a Module whose attributes are other Modules (its layers) and
    :class:`Parameter` s (its weights). Assigning them in ``__init__`` is enough to
    register them: the parameters of the whole tree then come out of
    :meth:`parameters` (for the optimizer) and :meth:`state_dict` (for saving), and
    ``print(model)`` shows the tree. Calling the model, ``model(x)``, runs
    :meth:`forward` (with any hooks around it).

    Example::

        import tracegrad.nn as nn
        import tracegrad.nn.functional as F

        class TwoLayerNet(nn.Module):
            def __init__(self, d_in, hidden, d_out):
                super().__init__()          # creates the registries: call it first
                self.fc1 = nn.Linear(d_in, hidden)
                self.fc2 = nn.Linear(hidden, d_out)

            def forward(self, x):
                return self.fc2(F.relu(self.fc1(x)))

    Attributes:
        training (bool): ``True`` in training mode, ``False`` after :meth:`eval`; layers
            such as Dropout and BatchNorm behave differently in the two modes.
    """

    # the layout version written into state_dict metadata ("version" of every prefix)
    _state_dict_version: int = 1
    training: bool

    def __init__(self, *args, **kwargs) -> None:
        cls_name = type(self).__name__
        if kwargs:
            unknown = next(iter(kwargs))
            raise TypeError(f"{cls_name}.__init__() got an unexpected keyword argument '{unknown}'")
        if args:
            raise TypeError(
                f"{cls_name}.__init__() takes 1 positional argument but {len(args) + 1} were given"
            )
        # written through object.__setattr__: our own __setattr__ needs them to exist
        plain_set = object.__setattr__
        plain_set(self, "training", True)
        plain_set(self, "_parameters", {})
        plain_set(self, "_buffers", {})
        plain_set(self, "_transient_buffers", set())  # buffers left out of state_dict
        plain_set(self, "_modules", {})
        plain_set(self, "_hooks", {kind: {} for kind in _HOOK_KINDS})

    def forward(self, *input):
        """The computation of the module; every subclass must define it."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    # -------------------------------------------------------------------- registering

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        """Register ``tensor`` as a buffer: state that is saved and moved with the module
        but not trained (a running mean, a fixed mask).

        Args:
            name (str): the attribute name the buffer is reachable under.
            tensor (Tensor or None): the buffer; ``None`` reserves the name without a value
                (skipped by :meth:`state_dict` and :meth:`to`).
            persistent (bool): whether :meth:`state_dict` includes it. Default: ``True``

        Example::

            >>> import tracegrad as torch
            >>> m = torch.nn.Module()
            >>> m.register_buffer("running_mean", torch.zeros(2))
            >>> m.state_dict()
            OrderedDict([('running_mean', tensor([0., 0.]))])
        """
        if self.__dict__.get("_buffers") is None:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name("buffer", name, self, self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_type_name(tensor)}' object to buffer '{name}' "
                "(torch Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._transient_buffers.discard(name)
        else:
            self._transient_buffers.add(name)

    def register_parameter(self, name: str, param) -> None:
        """Register ``param`` as a learnable weight under the attribute ``name``.

        ``self.name = Parameter(...)`` does the same; this form is handy when the name is
        computed. ``None`` reserves the name (``Linear(..., bias=False)`` has ``bias=None``).
        """
        if self.__dict__.get("_parameters") is None:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name("parameter", name, self, self._parameters)
        if param is not None:
            if not isinstance(param, Parameter):
                raise TypeError(
                    f"cannot assign '{_type_name(param)}' object to parameter '{name}' "
                    "(torch.nn.Parameter or None required)"
                )
            if param.grad_fn is not None:
                # a computed tensor would tie the weight to one forward pass's graph
                raise ValueError(
                    f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters "
                    f"must be created explicitly. To express '{name}' as a function of "
                    "another Tensor, compute the value in the forward() method."
                )
        self._parameters[name] = param

    def add_module(self, name: str, module) -> None:
        """Register ``module`` as a child under the attribute ``name`` (``None`` reserves
        the name)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_type_name(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_type_name(name)}")
        if name not in self._modules and hasattr(self, name):
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if not name:
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    def register_module(self, name: str, module) -> None:
        """Another name for :meth:`add_module`."""
        self.add_module(name, module)

    def get_submodule(self, target: str) -> Module:
        """The module at the dotted path ``target`` (``"encoder.0"``); ``""`` is this one.

        Raises:
            AttributeError: when a step of the path is missing or is not a Module.
        """
        node = self
        for step in target.split(".") if target else []:
            if not hasattr(node, step):
                raise AttributeError(f"{node._get_name()} has no attribute `{step}`")
            node = getattr(node, step)
            if not isinstance(node, Module):
                raise AttributeError(f"`{step}` is not an nn.Module")
        return node

    def _resolve(self, target: str):
        """``(owning module, last name)`` of a dotted path, checking the name exists."""
        path, _, name = target.rpartition(".")
        owner = self.get_submodule(path)
        if not hasattr(owner, name):
            raise AttributeError(f"{owner._get_name()} has no attribute `{name}`")
        return owner, name

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at the dotted path ``target`` (``"encoder.0.weight"``)."""
        owner, name = self._resolve(target)
        found = getattr(owner, name)
        if not isinstance(found, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return found

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at the dotted path ``target`` (``"bn.running_mean"``)."""
        owner, name = self._resolve(target)
        if name not in owner._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return getattr(owner, name)

    # -------------------------------------------------------------------- attributes

    def __getattr__(self, name: str):
        # Python calls this only when ordinary lookup failed: try the registries
        state = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            entries = state.get(registry)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def _forget(self, name: str, *registries) -> None:
        """Remove ``name`` from the given registries (a name lives in one place only)."""
        for registry in registries:
            if isinstance(registry, set):
                registry.discard(name)
            else:
                registry.pop(name, None)

    def __setattr__(self, name: str, value) -> None:
        state = self.__dict__
        params = state.get("_parameters")
        buffers = state.get("_buffers")
        children = state.get("_modules")

        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, state, buffers, children, self._transient_buffers)
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            if children is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, state, params, buffers, self._transient_buffers)
            children[name] = value
        elif params and name in params:
            # a registered parameter can only be replaced by a Parameter or cleared
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            params[name] = None
        elif children and name in children:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as child module '{name}' "
                    "(torch.nn.Module or None expected)"
                )
            children[name] = None
        elif buffers and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as buffer '{name}' "
                    "(torch.nn.Buffer, torch.Tensor or None expected)"
                )
            buffers[name] = value  # keeps its persistent / non-persistent status
        else:
            object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._transient_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        names = set(dir(type(self))) | set(self.__dict__)
        names |= set(self._parameters) | set(self._buffers) | set(self._modules)
        # Sequential's children are called "0", "1", ...: not usable as attributes
        return sorted(name for name in names if not name[:1].isdigit())

    # -------------------------------------------------------------------- calling

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """Run ``hook(module, args)`` before every call of :meth:`forward`.

        A hook that returns something replaces the positional arguments (a single value is
        wrapped into a 1-tuple). With ``with_kwargs=True`` it is called as
        ``hook(module, args, kwargs)`` and may return a new ``(args, kwargs)`` pair.
        ``prepend=True`` runs it before the hooks already registered.

        Returns:
            RemovableHandle: ``handle.remove()`` unregisters the hook.
        """
        entry = _Hook(hook, with_kwargs=with_kwargs)
        return _add_hook(self._hooks["forward_pre"], entry, prepend)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """Run ``hook(module, args, output)`` after every call of :meth:`forward`.

        A hook that returns something replaces the output. With ``with_kwargs=True`` it is
        called as ``hook(module, args, kwargs, output)``. ``always_call=True`` runs it even
        when ``forward`` (or an earlier hook) raised.

        Returns:
            RemovableHandle: ``handle.remove()`` unregisters the hook.

        Example::

            >>> import tracegrad as torch
            >>> layer = torch.nn.Linear(2, 3)
            >>> shapes = []
            >>> handle = layer.register_forward_hook(
            ...     lambda module, args, out: shapes.append(tuple(out.shape)))
            >>> _ = layer(torch.ones(4, 2))
            >>> shapes
            [(4, 3)]
            >>> handle.remove()
        """
        entry = _Hook(hook, with_kwargs=with_kwargs, always_call=always_call)
        return _add_hook(self._hooks["forward"], entry, prepend)

    def register_full_backward_hook(self, hook, prepend=False):
        """Run ``hook(module, grad_input, grad_output)`` in the backward pass, once the
        gradients with respect to the module's tensor inputs are known.

        ``grad_input`` and ``grad_output`` are tuples (``None`` for an input that needs no
        gradient). A hook that returns a tuple replaces ``grad_input`` for the rest of the
        backward pass. Returns a handle whose ``remove()`` unregisters the hook.
        """
        return _add_hook(self._hooks["backward"], _Hook(hook), prepend)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """Run ``hook(module, grad_output)`` in the backward pass when the gradients with
        respect to the module's outputs arrive; returning a tuple replaces them."""
        return _add_hook(self._hooks["backward_pre"], _Hook(hook), prepend)

    def __call__(self, *args, **kwargs):
        hooks = self._hooks
        if hooks["backward"] or hooks["backward_pre"]:
            from ._backward_hooks import call_with_backward_hooks

            return call_with_backward_hooks(
                self, lambda *a: self._forward_with_hooks(a, kwargs), args
            )
        if hooks["forward_pre"] or hooks["forward"]:
            return self._forward_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)  # the common case: no hooks, no overhead

    def _run_pre_hooks(self, args, kwargs):
        for entry in list(self._hooks["forward_pre"].values()):
            if not entry.with_kwargs:
                new_args = entry.fn(self, args)
                if new_args is not None:
                    args = new_args if isinstance(new_args, tuple) else (new_args,)
                continue
            replaced = entry.fn(self, args, kwargs)
            if replaced is None:
                continue
            if not (isinstance(replaced, tuple) and len(replaced) == 2):
                raise RuntimeError(
                    "forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                    f"but got {replaced}."
                )
            args, kwargs = replaced
        return args, kwargs

    def _run_post_hook(self, entry: _Hook, args, kwargs, output):
        if entry.with_kwargs:
            replaced = entry.fn(self, args, kwargs, output)
        else:
            replaced = entry.fn(self, args, output)
        return output if replaced is None else replaced

    def _forward_with_hooks(self, args, kwargs):
        started = set()  # post hooks already begun, so a failure does not run them twice
        output = None
        try:
            args, kwargs = self._run_pre_hooks(args, kwargs)
            output = self.forward(*args, **kwargs)
            for key, entry in list(self._hooks["forward"].items()):
                started.add(key)
                output = self._run_post_hook(entry, args, kwargs, output)
            return output
        except Exception:
            for key, entry in list(self._hooks["forward"].items()):
                if not entry.always_call or key in started:
                    continue
                try:
                    output = self._run_post_hook(entry, args, kwargs, output)
                except Exception as hook_error:
                    # the original error is the one worth raising; this one is reported
                    warnings.warn(
                        "module forward hook with ``always_call=True`` raised an exception "
                        "that was silenced as another error was raised in forward: "
                        f"{hook_error}",
                        stacklevel=2,
                    )
            raise

    # -------------------------------------------------------------------- walking the tree

    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        """Yield ``(path, module)`` for this module and every module below it, depth first:
        ``("", self)``, then children as ``"0"``, ``"block.fc"``, ...

        With ``remove_duplicate`` a module reachable by two paths is yielded once.
        """
        visited = set() if memo is None else memo
        pending = [(prefix, self)]
        while pending:
            path, module = pending.pop()
            if remove_duplicate:
                if module in visited:
                    continue
                visited.add(module)
            yield path, module
            below = [
                (f"{path}.{name}" if path else name, child)
                for name, child in module._modules.items()
                if child is not None
            ]
            pending.extend(reversed(below))  # the stack pops them in assignment order

    def modules(self, remove_duplicate: bool = True) -> Iterator[Module]:
        """Every module of the tree, this one first (see :meth:`named_modules`)."""
        for _, node in self.named_modules(remove_duplicate=remove_duplicate):
            yield node

    def named_children(self):
        """Yield ``(name, module)`` for the direct children, each module once."""
        seen = set()
        for name, child in self._modules.items():
            if child is None or id(child) in seen:
                continue
            seen.add(id(child))
            yield name, child

    def children(self) -> Iterator[Module]:
        """The direct children, each once."""
        for _, child in self.named_children():
            yield child

    def _registry_items(self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool):
        """``(dotted name, tensor)`` for one registry of this module (and the ones below
        when ``recurse``), skipping ``None`` entries and, if asked, repeated tensors."""
        owners = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        if not recurse:
            owners = [(prefix, self)]
        seen = set()
        for path, owner in owners:
            for name, value in getattr(owner, registry).items():
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield (f"{path}.{name}" if path else name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate=True):
        """Yield ``(name, parameter)`` with dotted names (``"0.weight"``).

        Args:
            prefix (str): put in front of every name.
            recurse (bool): include the parameters of all submodules. Default: ``True``
            remove_duplicate (bool): yield a parameter shared by two layers once.
        """
        yield from self._registry_items("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every learnable parameter of the model, each once: what an optimizer needs.

        Example::

            >>> import tracegrad as torch
            >>> net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())
            >>> [tuple(p.shape) for p in net.parameters()]
            [(2, 3), (2,)]
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate=True):
        """Yield ``(name, buffer)`` with dotted names (``"bn.running_mean"``)."""
        yield from self._registry_items("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer of the model, each once."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn):
        """Call ``fn(module)`` on every submodule, children before parents, and last on
        this module; the usual way to run a custom initialisation. Returns ``self``."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # -------------------------------------------------------------------- modes and gradients

    def train(self, mode: bool = True):
        """Switch this module and all below it to training mode (``mode=False``: evaluation
        mode). Dropout and BatchNorm read the flag. Returns ``self``."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for child in self.children():
            child.train(mode)  # through the method, so a layer may override train()
        return self

    def eval(self):
        """Switch to evaluation mode; the same as ``train(False)``. Returns ``self``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True):
        """Set ``requires_grad`` on every parameter (``False`` freezes the model)."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradient of every parameter: set it to ``None`` (the default, which
        frees its memory) or fill it with zeros."""
        for param in self.parameters():
            grad = param.grad
            if grad is None:
                continue
            if set_to_none:
                param.grad = None
                continue
            # the zeroed gradient must not stay attached to a graph
            if grad.grad_fn is None:
                grad.requires_grad_(False)
            else:
                grad.detach_()
            grad.zero_()

    # -------------------------------------------------------------------- conversions

    def _convert_tensors(self, fn):
        """Replace every parameter's values, gradient and buffer of the tree by ``fn`` of it.

        Parameters are changed in place (``param.data = ...``) so that an optimizer built
        before the conversion still holds the model's parameters.
        """
        for module in self.modules():
            for param in module._parameters.values():
                if param is None:
                    continue
                with grad_mode.no_grad():
                    param.data = fn(param)
                    if param.grad is not None:
                        param.grad.data = fn(param.grad)
            for name, buffer in module._buffers.items():
                if buffer is not None:
                    module._buffers[name] = fn(buffer)
        return self

    def to(self, *args, **kwargs):
        """Convert the floating point parameters and buffers to a dtype and/or check the
        device, in place: ``to(torch.float64)``, ``to("cpu")``, ``to(device, dtype)``,
        ``to(tensor)`` (its dtype). Integer buffers keep their dtype. Returns ``self``.
        """
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        device = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        if kwargs:
            raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
        for arg in args:
            if arg is None or isinstance(arg, bool):  # a positional bool is non_blocking
                continue
            if isinstance(arg, str | _device.device):
                device = arg
            elif isinstance(arg, Tensor):
                dtype = arg.dtype
            else:
                dtype = arg
        if dtype is not None and not isinstance(dtype, dtypes.dtype):
            dtype = dtypes.to_dtype(dtype)
        if dtype is not None and not dtype.is_floating_point:
            raise TypeError(
                "nn.Module.to only accepts floating point or complex dtypes, but got desired "
                f"dtype={dtype}"
            )

        def convert(t):
            # Tensor.to also checks the device (and raises for "cuda" without a GPU)
            return t.to(device, dtype if t.is_floating_point() else None)

        return self._convert_tensors(convert)

    def cuda(self, device=None):
        """Move everything to the GPU; on this CPU-only build it raises PyTorch's error."""
        return self._convert_tensors(lambda t: t.cuda(device))

    def cpu(self):
        """Move everything to the CPU, where tracegrad tensors already live. Returns ``self``."""
        return self._convert_tensors(lambda t: t.cpu())

    def type(self, dst_type):
        """Cast every parameter and buffer to ``dst_type``."""
        return self._convert_tensors(lambda t: t.type(dst_type))

    def _cast_floating(self, method: str):
        return self._convert_tensors(lambda t: getattr(t, method)() if t.is_floating_point() else t)

    def float(self):
        """Cast floating point parameters and buffers to ``float32``."""
        return self._cast_floating("float")

    def double(self):
        """Cast floating point parameters and buffers to ``float64``."""
        return self._cast_floating("double")

    def half(self):
        """Cast floating point parameters and buffers to ``float16``."""
        return self._cast_floating("half")

    # -------------------------------------------------------------------- state dict

    def _own_state(self):
        """``(name, tensor)`` of this module's own saved state: its parameters, then its
        persistent buffers, leaving out ``None`` entries."""
        for name, value in self._parameters.items():
            if value is not None:
                yield name, value
        for name, value in self._buffers.items():
            if value is not None and name not in self._transient_buffers:
                yield name, value

    def register_state_dict_pre_hook(self, hook):
        """Run ``hook(module, prefix, keep_vars)`` before this module writes its entries."""
        return _add_hook(self._hooks["state_dict_pre"], _Hook(hook))

    def register_state_dict_post_hook(self, hook):
        """Run ``hook(module, state_dict, prefix, local_metadata)`` once this module and its
        children have written their entries (the hook may edit ``state_dict`` in place)."""
        return _add_hook(self._hooks["state_dict_post"], _Hook(hook))

    def _write_state(self, out, prefix: str, keep_vars: bool) -> None:
        for entry in self._hooks["state_dict_pre"].values():
            entry.fn(self, prefix, keep_vars)
        layout = {"version": self._state_dict_version}
        if hasattr(out, "_metadata"):
            out._metadata[prefix[:-1]] = layout
        for name, value in self._own_state():
            out[prefix + name] = value if keep_vars else value.detach()
        for name, child in self._modules.items():
            if child is not None:
                child._write_state(out, f"{prefix}{name}.", keep_vars)
        for entry in self._hooks["state_dict_post"].values():
            entry.fn(self, out, prefix, layout)

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """Everything needed to restore the model: parameters and persistent buffers, in an
        ``OrderedDict`` keyed by dotted path (``"0.weight"``, ``"bn.running_mean"``).

        The tensors share memory with the model but are detached from autograd (pass
        ``keep_vars=True`` to get the parameters themselves). Save it with
        ``torch.save(model.state_dict(), path)``; restore with :meth:`load_state_dict`.

        Example::

            >>> import tracegrad as torch
            >>> list(torch.nn.Linear(3, 2).state_dict().keys())
            ['weight', 'bias']
        """
        if args:
            warnings.warn(
                "Positional args are being deprecated, use kwargs instead. Refer to "
                "https://pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module"
                ".state_dict for details.",
                FutureWarning,
                stacklevel=2,
            )
            # the old positional order was (destination, prefix, keep_vars)
            given = dict(zip(("destination", "prefix", "keep_vars"), args))
            destination = destination if destination is not None else given.get("destination")
            prefix = prefix or given.get("prefix", "")
            keep_vars = keep_vars or given.get("keep_vars", False)
        if destination is None:
            destination = _empty_state_dict()
        self._write_state(destination, prefix, keep_vars)
        return destination

    def register_load_state_dict_pre_hook(self, hook):
        """Run ``hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` before this module reads its entries."""
        return _add_hook(self._hooks["load_pre"], _Hook(hook))

    def register_load_state_dict_post_hook(self, hook):
        """Run ``hook(module, incompatible_keys)`` after this module and its children were
        loaded; clearing the key lists in place makes a strict load accept them."""
        return _add_hook(self._hooks["load_post"], _Hook(hook))

    def _upgrade_old_state(self, entries: dict, prefix: str, saved_version) -> None:
        """Adapt ``entries`` written by an older layout (``saved_version`` below
        ``_state_dict_version``, or ``None`` without metadata) before they are read.
        Nothing to do for a plain module; layers whose state changed override it."""

    def _load_tensor(self, name, key, current, incoming, assign, report: _LoadReport):
        """Copy (or with ``assign``, put) ``incoming`` into the state entry ``name``."""
        if not isinstance(incoming, Tensor):
            report.errors.append(
                f'While copying the parameter named "{key}", expected torch.Tensor or '
                f"Tensor-like object from checkpoint but received {type(incoming)}"
            )
            return
        if current.dim() == 0 and incoming.dim() == 1 and incoming.shape[0] == 1:
            incoming = incoming[0]  # scalars were once saved with shape (1,)
        if incoming.shape != current.shape:
            report.errors.append(
                f"size mismatch for {key}: copying a param with shape {incoming.shape} from "
                f"checkpoint, the shape in current model is {current.shape}."
            )
            return
        try:
            with grad_mode.no_grad():
                if not assign:
                    current.copy_(incoming)
                elif isinstance(current, Parameter):
                    if isinstance(incoming, Parameter):
                        incoming.requires_grad_(current.requires_grad)
                    else:
                        incoming = Parameter(incoming, current.requires_grad)
                    setattr(self, name, incoming)
                else:
                    setattr(self, name, incoming)
        except Exception as error:
            report.errors.append(
                f'While copying the parameter named "{key}", whose dimensions in the model '
                f"are {current.size()} and whose dimensions in the checkpoint are "
                f"{incoming.size()}, an exception occurred : {error.args}."
            )

    def _read_state(self, entries: dict, prefix: str, metadata, assign, report: _LoadReport):
        """Load this module's entries from ``entries`` (the keys under ``prefix``), then
        its children's; note missing and unexpected keys in ``report``."""
        layout = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
        for entry in self._hooks["load_pre"].values():
            entry.fn(
                self,
                entries,
                prefix,
                layout,
                True,
                report.missing,
                report.unexpected,
                report.errors,
            )
        self._upgrade_old_state(entries, prefix, layout.get("version"))
        own = dict(self._own_state())
        for name, current in own.items():
            key = prefix + name
            if key in entries:
                self._load_tensor(name, key, current, entries[key], assign, report)
            else:
                report.missing.append(key)
        for key in entries:
            if not key.startswith(prefix):
                continue
            first, dot, _ = key[len(prefix) :].partition(".")
            # "fc.weight" belongs to the child "fc"; "weight" must be one of our own
            belongs = first in self._modules if dot else first in own
            if not belongs:
                report.unexpected.append(key)
        for name, child in self._modules.items():
            if child is None:
                continue
            child_prefix = f"{prefix}{name}."
            below = {k: v for k, v in entries.items() if k.startswith(child_prefix)}
            child._read_state(below, child_prefix, metadata, assign, report)
        outcome = _IncompatibleKeys(report.missing, report.unexpected)
        for entry in self._hooks["load_post"].values():
            entry.fn(self, outcome)

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy the tensors of ``state_dict`` into this model's parameters and buffers.

        Args:
            state_dict (dict): what :meth:`state_dict` produced (possibly loaded from disk).
            strict (bool, optional): fail unless the keys match this model's exactly.
                Default: ``True``
            assign (bool, optional): make the state dict's tensors the model's (no copy).
                Default: ``False``

        Returns:
            ``NamedTuple`` with ``missing_keys`` and ``unexpected_keys``.

        Raises:
            RuntimeError: listing every missing and unexpected key (when ``strict``) and
                every shape mismatch, worded as PyTorch words it.

        Example::

            >>> import tracegrad as torch
            >>> source, target = torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
            >>> target.load_state_dict(source.state_dict())
            <All keys matched successfully>
            >>> torch.equal(source.weight, target.weight)
            True
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        layouts = getattr(state_dict, "_metadata", None)
        entries = OrderedDict(state_dict)  # a copy: upgrades must not edit the caller's
        if layouts is not None:
            entries._metadata = layouts
        report = _LoadReport()
        self._read_state(entries, "", layouts, assign, report)
        message = report.message(type(self).__name__, strict)
        if message is not None:
            raise RuntimeError(message)
        return _IncompatibleKeys(report.missing, report.unexpected)

    # -------------------------------------------------------------------- printing

    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        """The module's own settings for its printed form (``in_features=3, ...``).

        Override it in your modules; it may span several lines.
        """
        return ""

    def __repr__(self) -> str:
        settings = self.extra_repr()
        setting_lines = settings.split("\n") if settings else []
        child_lines = [
            f"({name}): {_indent_tail(repr(child), 2)}" for name, child in self._modules.items()
        ]
        if not child_lines and len(setting_lines) <= 1:
            # a leaf prints on one line: Linear(in_features=3, out_features=2, bias=True)
            return f"{self._get_name()}({settings})"
        body = "\n  ".join(setting_lines + child_lines)
        return f"{self._get_name()}(\n  {body}\n)"
