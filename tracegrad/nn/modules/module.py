"""``nn.Module``: the base class of every layer and model.

A module keeps three ordered registries, filled by plain attribute assignment:

* ``_parameters``: the :class:`Parameter` s assigned to it (``self.weight = Parameter(...)``);
* ``_buffers``: tensors that are state but not learned (``register_buffer``);
* ``_modules``: its child modules (``self.fc = nn.Linear(...)``).

Everything else (``parameters()``, ``state_dict()``, ``train()``, ``to()``, the printed
form) walks these registries recursively, children in the order they were assigned.
"""

from __future__ import annotations

import itertools
import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

from ... import _device
from ... import _dtype as dtypes
from ..._tensor import Tensor
from ...autograd import grad_mode
from ..parameter import Parameter

__all__ = ["Module", "RemovableHandle"]


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it missed and the ones it did not use."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class RemovableHandle:
    """A handle returned by the ``register_*_hook`` methods: ``handle.remove()`` removes
    the hook (also usable as a context manager)."""

    _next_id = itertools.count()

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict = hooks_dict
        self.id = next(RemovableHandle._next_id)
        if extra_dict is None:
            extra_dict = []
        elif isinstance(extra_dict, dict):
            extra_dict = [extra_dict]
        self.extra_dicts = list(extra_dict)

    def remove(self) -> None:
        for hooks in [self.hooks_dict, *self.extra_dicts]:
            hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *args) -> None:
        self.remove()


def _addindent(text: str, spaces: int) -> str:
    """Indent every line but the first by ``spaces`` (blank lines stay empty)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    first = lines.pop(0)
    rest = [(" " * spaces) + line if line.strip() else "" for line in lines]
    return first + "\n" + "\n".join(rest)


def _typename(value) -> str:
    """``torch.typename``: ``torch.FloatTensor`` for tensors, the qualified class name else."""
    if isinstance(value, Tensor):
        return value.type()
    cls = type(value)
    module = cls.__module__
    if module in ("builtins", "__builtin__", None):
        return cls.__qualname__
    return f"{module}.{cls.__qualname__}"


def _forward_unimplemented(self, *input):
    raise NotImplementedError(
        f'Module [{type(self).__name__}] is missing the required "forward" function'
    )


class Module:
    r"""Base class for all neural network modules.

    Your models should also subclass this class. Modules can also contain other Modules,
    allowing them to be nested in a tree structure. You can assign the submodules as
    regular attributes::

        import tracegrad.nn as nn
        import tracegrad.nn.functional as F

        class Model(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.fc1 = nn.Linear(20, 20)
                self.fc2 = nn.Linear(20, 10)

            def forward(self, x):
                x = F.relu(self.fc1(x))
                return F.relu(self.fc2(x))

    Submodules assigned in this way will be registered, and their parameters appear in
    :meth:`parameters` and :meth:`state_dict`. Calling the module (``model(x)``) runs the
    forward pre-hooks, :meth:`forward` and the forward hooks.

    .. note::
        ``super().__init__()`` must be called before assigning to the child: without it
        the registries do not exist yet.

    Attributes:
        training (bool): whether this module is in training or evaluation mode.
    """

    # torch's version of the module's state_dict layout (kept in state_dict metadata)
    _version: int = 1
    training: bool
    call_super_init: bool = False
    dump_patches: bool = False

    forward = _forward_unimplemented

    def __init__(self, *args, **kwargs) -> None:
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                f"'{next(iter(kwargs))}'"
            )
        if args:
            raise TypeError(
                f"{type(self).__name__}.__init__() takes 1 positional argument but "
                f"{len(args) + 1} were given"
            )
        # object.__setattr__: these are plain attributes, not registrations
        set_plain = super().__setattr__
        set_plain("training", True)
        set_plain("_parameters", {})
        set_plain("_buffers", {})
        set_plain("_non_persistent_buffers_set", set())
        set_plain("_forward_hooks", OrderedDict())
        set_plain("_forward_hooks_with_kwargs", OrderedDict())
        set_plain("_forward_hooks_always_called", OrderedDict())
        set_plain("_forward_pre_hooks", OrderedDict())
        set_plain("_forward_pre_hooks_with_kwargs", OrderedDict())
        set_plain("_state_dict_hooks", OrderedDict())
        set_plain("_state_dict_pre_hooks", OrderedDict())
        set_plain("_load_state_dict_pre_hooks", OrderedDict())
        set_plain("_load_state_dict_post_hooks", OrderedDict())
        set_plain("_modules", {})

    # ------------------------------------------------------------------ registration

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        r"""Add a buffer to the module: state that is not a parameter (a running mean).

        Buffers are returned by :meth:`buffers`, converted by :meth:`to`, and saved in
        the :meth:`state_dict` unless ``persistent=False``.

        Args:
            name (str): name of the buffer; the buffer is the attribute of this name.
            tensor (Tensor or None): buffer to be registered. ``None`` is kept as a
                placeholder that is skipped by :meth:`to` and :meth:`state_dict`.
            persistent (bool): whether the buffer is part of this module's
                :attr:`state_dict`.

        Example::

            >>> import tracegrad as torch
            >>> m = torch.nn.Module()
            >>> m.register_buffer("running_mean", torch.zeros(2))
            >>> m.state_dict()
            OrderedDict([('running_mean', tensor([0., 0.]))])
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                "(torch Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name: str, param) -> None:
        r"""Add a parameter to the module, as the attribute ``name``.

        Args:
            name (str): name of the parameter.
            param (Parameter or None): parameter to be added to the module. ``None`` is
                kept as a placeholder (``Linear(bias=False)`` registers ``bias = None``).
        """
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
        elif not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        elif param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model "
                f"parameters must be created explicitly. To express '{name}' "
                "as a function of another Tensor, compute the value in "
                "the forward() method."
            )
        else:
            self._parameters[name] = param

    def add_module(self, name: str, module) -> None:
        r"""Add a child module, accessible as the attribute ``name``.

        Args:
            name (str): name of the child module.
            module (Module): child module to be added to the module.
        """
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    def register_module(self, name: str, module) -> None:
        r"""Alias for :func:`add_module`."""
        self.add_module(name, module)

    def get_submodule(self, target: str) -> Module:
        """The submodule at the dotted path ``target`` (``"net_b.linear"``); ``""`` is self.

        Raises:
            AttributeError: if a name on the path does not exist or is not a Module.
        """
        if target == "":
            return self
        module = self
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(module._get_name() + " has no attribute `" + item + "`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at the dotted path ``target`` (``"net_b.linear.weight"``)."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(module._get_name() + " has no attribute `" + name + "`")
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at the dotted path ``target``."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(module._get_name() + " has no attribute `" + name + "`")
        if name not in module._buffers:
            raise AttributeError("`" + name + "` is not a buffer")
        return getattr(module, name)

    # ------------------------------------------------------------------ attributes

    def __getattr__(self, name: str):
        # only called when normal lookup fails: look in the registries
        registries = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry in registries and name in registries[registry]:
                return registries[registry][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name: str, value) -> None:
        def remove_from(*registries):
            for registry in registries:
                if name in registry:
                    if isinstance(registry, dict):
                        del registry[name]
                    else:
                        registry.discard(name)

        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            remove_from(
                self.__dict__, self._buffers, self._modules, self._non_persistent_buffers_set
            )
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            self.register_parameter(name, value)
            return
        modules = self.__dict__.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            remove_from(
                self.__dict__, self._parameters, self._buffers, self._non_persistent_buffers_set
            )
            modules[name] = value
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as child module '{name}' "
                    "(torch.nn.Module or None expected)"
                )
            modules[name] = value
            return
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as buffer '{name}' "
                    "(torch.nn.Buffer, torch.Tensor or None expected)"
                )
            self.register_buffer(name, value, name not in self._non_persistent_buffers_set)
            return
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            super().__delattr__(name)

    def __dir__(self):
        keys = (
            dir(self.__class__)
            + list(self.__dict__)
            + list(self._parameters)
            + list(self._modules)
            + list(self._buffers)
        )
        # names such as Sequential's "0" are not valid attributes
        return sorted(key for key in keys if not key[0].isdigit())

    def __getstate__(self):
        return self.__dict__.copy()

    def __setstate__(self, state) -> None:
        self.__dict__.update(state)

    # ------------------------------------------------------------------ calling

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        r"""Register ``hook(module, args)`` to run before every :meth:`forward`.

        The hook may return a modified input (a tuple, or a single value that is
        wrapped into one). With ``with_kwargs=True`` it is called as
        ``hook(module, args, kwargs)`` and may return ``(args, kwargs)``.

        Returns:
            RemovableHandle: ``handle.remove()`` removes the hook.
        """
        handle = RemovableHandle(
            self._forward_pre_hooks, extra_dict=self._forward_pre_hooks_with_kwargs
        )
        self._forward_pre_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        if prepend:
            self._forward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        r"""Register ``hook(module, args, output)`` to run after every :meth:`forward`.

        A returned value replaces the output. With ``with_kwargs=True`` it is called as
        ``hook(module, args, kwargs, output)``; ``always_call=True`` runs it even when
        forward raises.

        Returns:
            RemovableHandle: ``handle.remove()`` removes the hook.
        """
        handle = RemovableHandle(
            self._forward_hooks,
            extra_dict=[self._forward_hooks_with_kwargs, self._forward_hooks_always_called],
        )
        self._forward_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle

    def __call__(self, *args, **kwargs):
        if not (self._forward_hooks or self._forward_pre_hooks):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args, kwargs):
        called = set()
        result = None
        try:
            for hook_id, hook in list(self._forward_pre_hooks.items()):
                if hook_id in self._forward_pre_hooks_with_kwargs:
                    returned = hook(self, args, kwargs)
                    if returned is not None:
                        if isinstance(returned, tuple) and len(returned) == 2:
                            args, kwargs = returned
                        else:
                            raise RuntimeError(
                                "forward pre-hook must return None or a tuple of (new_args, "
                                f"new_kwargs), but got {returned}."
                            )
                else:
                    returned = hook(self, args)
                    if returned is not None:
                        args = returned if isinstance(returned, tuple) else (returned,)
            result = self.forward(*args, **kwargs)
            for hook_id, hook in list(self._forward_hooks.items()):
                if hook_id in self._forward_hooks_always_called:
                    called.add(hook_id)
                if hook_id in self._forward_hooks_with_kwargs:
                    returned = hook(self, args, kwargs, result)
                else:
                    returned = hook(self, args, result)
                if returned is not None:
                    result = returned
            return result
        except Exception:
            for hook_id, hook in list(self._forward_hooks.items()):
                if hook_id in self._forward_hooks_always_called and hook_id not in called:
                    try:
                        if hook_id in self._forward_hooks_with_kwargs:
                            returned = hook(self, args, kwargs, result)
                        else:
                            returned = hook(self, args, result)
                        if returned is not None:
                            result = returned
                    except Exception as error:
                        warnings.warn(
                            "module forward hook with ``always_call=True`` raised an "
                            f"exception that was silenced as another error was raised in "
                            f"forward: {error}",
                            stacklevel=2,
                        )
            raise

    # ------------------------------------------------------------------ iteration

    def _named_members(self, get_members, prefix="", recurse=True, remove_duplicate=True):
        seen = set()
        modules = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        for module_prefix, module in modules:
            for name, value in get_members(module):
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def parameters(self, recurse: bool = True):
        r"""An iterator over the module's parameters (those of all submodules too when
        ``recurse``), typically passed to an optimizer. A parameter shared by several
        submodules is yielded once.

        Example::

            >>> import tracegrad as torch
            >>> net = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())
            >>> [tuple(p.shape) for p in net.parameters()]
            [(2, 3), (2,)]
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate=True):
        r"""An iterator over ``(name, parameter)``, names dotted by submodule
        (``"0.weight"``).

        Args:
            prefix (str): prefix to prepend to all parameter names.
            recurse (bool): include the parameters of all submodules.
            remove_duplicate (bool): yield a shared parameter only once.
        """
        yield from self._named_members(
            lambda module: module._parameters.items(), prefix, recurse, remove_duplicate
        )

    def buffers(self, recurse: bool = True):
        r"""An iterator over the module's buffers (those of all submodules when ``recurse``)."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate=True):
        r"""An iterator over ``(name, buffer)``, names dotted by submodule."""
        yield from self._named_members(
            lambda module: module._buffers.items(), prefix, recurse, remove_duplicate
        )

    def children(self):
        r"""An iterator over the immediate child modules."""
        for _, module in self.named_children():
            yield module

    def named_children(self):
        r"""An iterator over ``(name, module)`` of the immediate children."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def modules(self, remove_duplicate: bool = True):
        r"""An iterator over all modules of the network: this one, then its submodules,
        depth first. A module that appears twice is yielded once."""
        for _, module in self.named_modules(remove_duplicate=remove_duplicate):
            yield module

    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        r"""An iterator over ``(name, module)`` for all modules: ``("", self)`` first, then
        the submodules with dotted names (``"0"``, ``"block.fc"``)."""
        if memo is None:
            memo = set()
        if id(self) in memo:
            return
        if remove_duplicate:
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            yield from module.named_modules(
                memo, prefix + ("." if prefix else "") + name, remove_duplicate
            )

    def apply(self, fn):
        r"""Apply ``fn`` to every submodule (children first, depth first) and then to
        self; typically used to initialise the parameters of a model. Returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ modes and grads

    def train(self, mode: bool = True):
        r"""Set the module and its submodules in training mode (``mode=True``) or
        evaluation mode; it changes what :class:`Dropout` does. Returns self."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        r"""Set the module in evaluation mode: ``self.train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True):
        r"""Set ``requires_grad`` of all parameters in place (``False`` freezes them)."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        r"""Reset the gradients of all parameters: to ``None`` (default) or to zeros."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                if param.grad.grad_fn is not None:
                    param.grad.detach_()
                else:
                    param.grad.requires_grad_(False)
                param.grad.zero_()

    # ------------------------------------------------------------------ conversions

    def _apply(self, fn, recurse=True):
        """Convert every parameter, gradient and buffer with ``fn``, in place: a
        parameter keeps its identity (an optimizer holding it still sees it)."""
        if recurse:
            for module in self.children():
                module._apply(fn)
        for param in self._parameters.values():
            if param is None:
                continue
            with grad_mode.no_grad():
                converted = fn(param)
            param.data = converted
            if param.grad is not None:
                with grad_mode.no_grad():
                    param.grad.data = fn(param.grad)
        for key, buffer in self._buffers.items():
            if buffer is not None:
                self._buffers[key] = fn(buffer)
        return self

    def to(self, *args, **kwargs):
        r"""Convert the floating point parameters and buffers to a dtype, and/or check the
        device: ``to(torch.float64)``, ``to("cpu")``, ``to(tensor)``, ``to(device, dtype)``.
        Integral parameters and buffers keep their dtype. Modifies the module in place and
        returns it.
        """
        target = device = None
        for arg in list(args) + [kwargs.pop("device", None), kwargs.pop("dtype", None)]:
            if arg is None or isinstance(arg, bool):  # a bool is ``non_blocking``
                continue
            if isinstance(arg, Tensor):
                target = arg.dtype
            elif isinstance(arg, dtypes.dtype):
                target = arg
            elif isinstance(arg, str | _device.device):
                device = arg
            else:
                target = dtypes.to_dtype(arg)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
        if target is not None and not target.is_floating_point:
            raise TypeError(
                "nn.Module.to only accepts floating point or complex dtypes, but got desired "
                f"dtype={target}"
            )

        def convert(t):
            dtype = target if target is not None and t.is_floating_point() else None
            # Tensor.to checks the device (torch's error for "cuda" on this CPU build)
            return t.to(device, dtype)

        return self._apply(convert)

    def cuda(self, device=None):
        r"""Move all parameters and buffers to the GPU: raises torch's CPU-build error."""
        return self._apply(lambda t: t.cuda(device))

    def cpu(self):
        r"""Move all parameters and buffers to the CPU (they already are). Returns self."""
        return self._apply(lambda t: t.cpu())

    def type(self, dst_type):
        r"""Cast all parameters and buffers to ``dst_type``."""
        return self._apply(lambda t: t.type(dst_type))

    def float(self):
        r"""Cast all floating point parameters and buffers to ``float32``."""
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self):
        r"""Cast all floating point parameters and buffers to ``float64``."""
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self):
        r"""Cast all floating point parameters and buffers to ``float16``."""
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    # ------------------------------------------------------------------ state dict

    def _save_to_state_dict(self, destination, prefix, keep_vars) -> None:
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buffer if keep_vars else buffer.detach()

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        r"""A dictionary with the whole state of the module: parameters and persistent
        buffers, keyed by their dotted names (``"0.weight"``).

        The tensors share memory with the module's (they are detached unless
        ``keep_vars=True``). Parameters and buffers set to ``None`` are left out.

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
            if destination is None:
                destination = args[0]
            if len(args) > 1 and prefix == "":
                prefix = args[1]
            if len(args) > 2 and keep_vars is False:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        local_metadata = {"version": self._version}
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        for hook in self._state_dict_pre_hooks.values():
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(
                    destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars
                )
        for hook in self._state_dict_hooks.values():
            returned = hook(self, destination, prefix, local_metadata)
            if returned is not None:
                destination = returned
        return destination

    def _load_from_state_dict(
        self,
        state_dict,
        prefix,
        local_metadata,
        strict,
        missing_keys,
        unexpected_keys,
        error_msgs,
    ) -> None:
        """Copy this module's own parameters and buffers (not its children's) from
        ``state_dict``, recording missing and unexpected keys and size mismatches."""
        for hook in self._load_state_dict_pre_hooks.values():
            hook(
                state_dict,
                prefix,
                local_metadata,
                strict,
                missing_keys,
                unexpected_keys,
                error_msgs,
            )
        persistent_buffers = {
            k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set
        }
        local_state = {
            k: v
            for k, v in itertools.chain(self._parameters.items(), persistent_buffers.items())
            if v is not None
        }
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            input_param = state_dict[key]
            if not isinstance(input_param, Tensor):
                error_msgs.append(
                    f'While copying the parameter named "{key}", expected torch.Tensor or '
                    f"Tensor-like object from checkpoint but received {type(input_param)}"
                )
                continue
            if param.dim() == 0 and input_param.dim() == 1 and input_param.shape[0] == 1:
                input_param = input_param[0]
            if input_param.shape != param.shape:
                error_msgs.append(
                    f"size mismatch for {key}: copying a param with shape {input_param.shape} "
                    f"from checkpoint, the shape in current model is {param.shape}."
                )
                continue
            try:
                with grad_mode.no_grad():
                    if local_metadata.get("assign_to_params_buffers", False):
                        if isinstance(param, Parameter):
                            if not isinstance(input_param, Parameter):
                                input_param = Parameter(input_param, param.requires_grad)
                            else:
                                input_param.requires_grad_(param.requires_grad)
                        setattr(self, name, input_param)
                    else:
                        param.copy_(input_param)
            except Exception as error:
                error_msgs.append(
                    f'While copying the parameter named "{key}", whose dimensions in the '
                    f"model are {param.size()} and whose dimensions in the checkpoint are "
                    f"{input_param.size()}, an exception occurred : {error.args}."
                )
        if strict:
            for key in state_dict:
                if not key.startswith(prefix):
                    continue
                input_name = key[len(prefix) :].split(".", 1)
                if len(input_name) > 1:
                    if input_name[0] not in self._modules:
                        unexpected_keys.append(key)
                elif input_name[0] not in local_state:
                    unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        r"""Copy parameters and buffers from ``state_dict`` into this module and its
        descendants (in place, under ``no_grad``).

        Args:
            state_dict (dict): a dict containing parameters and persistent buffers.
            strict (bool, optional): whether the keys of ``state_dict`` must match the keys
                of this module's :meth:`state_dict` exactly. Default: ``True``
            assign (bool, optional): put the state dict's tensors in the module instead of
                copying their values. Default: ``False``

        Returns:
            ``NamedTuple`` with ``missing_keys`` and ``unexpected_keys`` fields.

        Raises:
            RuntimeError: with all missing/unexpected keys (when ``strict``) and size
                mismatches, in torch's wording.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing_keys, unexpected_keys, error_msgs = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)
        if metadata is not None:
            state_dict._metadata = metadata

        def load(module, local_state_dict, prefix=""):
            local_metadata = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
            if assign:
                local_metadata["assign_to_params_buffers"] = assign
            module._load_from_state_dict(
                local_state_dict,
                prefix,
                local_metadata,
                True,
                missing_keys,
                unexpected_keys,
                error_msgs,
            )
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_state_dict = {
                        k: v for k, v in local_state_dict.items() if k.startswith(child_prefix)
                    }
                    load(child, child_state_dict, child_prefix)
            incompatible_keys = _IncompatibleKeys(missing_keys, unexpected_keys)
            for hook in module._load_state_dict_post_hooks.values():
                hook(module, incompatible_keys)

        load(self, state_dict)
        if strict:
            if unexpected_keys:
                error_msgs.insert(
                    0,
                    "Unexpected key(s) in state_dict: {}. ".format(
                        ", ".join(f'"{k}"' for k in unexpected_keys)
                    ),
                )
            if missing_keys:
                error_msgs.insert(
                    0,
                    "Missing key(s) in state_dict: {}. ".format(
                        ", ".join(f'"{k}"' for k in missing_keys)
                    ),
                )
        if error_msgs:
            raise RuntimeError(
                "Error(s) in loading state_dict for {}:\n\t{}".format(
                    self.__class__.__name__, "\n\t".join(error_msgs)
                )
            )
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    def register_load_state_dict_post_hook(self, hook):
        r"""Register ``hook(module, incompatible_keys)`` to run after :meth:`load_state_dict`."""
        handle = RemovableHandle(self._load_state_dict_post_hooks)
        self._load_state_dict_post_hooks[handle.id] = hook
        return handle

    # ------------------------------------------------------------------ printing

    def _get_name(self) -> str:
        return self.__class__.__name__

    def extra_repr(self) -> str:
        r"""The module's own settings in its printed form (``in_features=3, ...``);
        override it in your modules. Single-line and multi-line strings are accepted."""
        return ""

    def __repr__(self) -> str:
        extra_lines = []
        extra_repr = self.extra_repr()
        if extra_repr:
            extra_lines = extra_repr.split("\n")
        child_lines = []
        for key, module in self._modules.items():
            child_lines.append("(" + key + "): " + _addindent(repr(module), 2))
        lines = extra_lines + child_lines
        main_str = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main_str += extra_lines[0]
            else:
                main_str += "\n  " + "\n  ".join(lines) + "\n"
        return main_str + ")"
