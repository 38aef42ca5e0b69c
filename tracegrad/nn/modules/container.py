"""Modules that hold other modules or parameters.

``Sequential`` chains its children in a forward pass; ``ModuleList`` and ``ModuleDict``
register children kept in a list or a dict; ``ParameterList`` and ``ParameterDict`` do
the same for parameters. All children are registered on the container, so they show up
in ``parameters()``, ``state_dict()`` and the printed form.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from ..._tensor import Tensor
from ..parameter import Parameter
from .module import Module, _indent_tail, _type_name

__all__ = ["ModuleDict", "ModuleList", "ParameterDict", "ParameterList", "Sequential"]


# ---------------------------------------------------------------------------- helpers


def _checked_position(index, size: int) -> int:
    """``index`` as a position in ``range(size)``; negative values count from the end.

    Raises TypeError for non-integers and IndexError outside ``[-size, size)``.
    """
    position = operator.index(index)
    if position < -size or position >= size:
        raise IndexError(f"index {position} is out of range")
    return position + size if position < 0 else position


def _renumber(modules: dict, children) -> None:
    """Refill the registry ``modules`` with ``children`` under the keys "0", "1", ..."""
    children = list(children)
    modules.clear()
    for number, child in enumerate(children):
        modules[str(number)] = child


def _count_children(container) -> int:
    """``len()`` of a module container: how many children it has registered."""
    return len(container._modules)


def _iterate_children(container):
    """Iterating a numbered module container yields its children in order."""
    return iter(container._modules.values())


def _append_child(container, module) -> None:
    """Register ``module`` under the next free number ("0", "1", ...)."""
    container.add_module(str(len(container)), module)


def _pair_sequence(owner: str, pairs):
    """Yield ``(key, value)`` from an iterable of 2-item entries, checking each entry.

    ``owner`` names the container in the error messages.
    """
    for number, entry in enumerate(pairs):
        if not isinstance(entry, Iterable):
            raise TypeError(
                f"{owner} update sequence element #{number} should be Iterable; "
                f"is{type(entry).__name__}"
            )
        if len(entry) != 2:
            raise ValueError(
                f"{owner} update sequence element #{number} has length {len(entry)}; 2 is required"
            )
        yield entry[0], entry[1]


def _describe_entry(label: str, value, dtype_text) -> str:
    """One line of a parameter container's printed form."""
    if not isinstance(value, Tensor):
        return f"  ({label}): Object of type: {type(value).__name__}"
    kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
    shape = "x".join(str(dim) for dim in value.size())
    device = value.device
    where = "" if device.type == "cpu" else f" ({device})"
    return f"  ({label}): {kind} containing: [{dtype_text(value)} of size {shape}{where}]"


def _as_parameter(value):
    """Plain tensors become parameters; parameters and other objects are kept as given."""
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


# ---------------------------------------------------------------------------- Sequential


class Sequential(Module):
    r"""Run child modules one after the other, feeding each one's output to the next.

    Children are given either as positional arguments (named ``"0"``, ``"1"``, ...) or
    as a single ``OrderedDict`` mapping names to modules. Calling the container passes
    its input through every child in order; an empty ``Sequential`` returns the input.

    Indexing with an integer gives a child, with a slice a new ``Sequential`` sharing
    the same children. ``+`` joins two ``Sequential``\ s and ``*`` repeats one (both
    reuse the child objects, they are not copied).

    Example::

        >>> import tracegrad as torch
        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
        >>> net
        Sequential(
          (0): Linear(in_features=2, out_features=3, bias=True)
          (1): ReLU()
        )
        >>> net[-1]
        ReLU()
        >>> net(torch.zeros(4, 2)).shape
        torch.Size([4, 3])
    """

    def __init__(self, *args):
        super().__init__()
        # One OrderedDict names the children; otherwise they are numbered from "0".
        from_dict = len(args) == 1 and isinstance(args[0], OrderedDict)
        named = args[0].items() if from_dict else ((str(i), child) for i, child in enumerate(args))
        for name, child in named:
            self.add_module(name, child)

    def _key_at(self, index) -> str:
        return list(self._modules)[_checked_position(index, len(self._modules))]

    __len__ = _count_children
    __iter__ = _iterate_children

    def __getitem__(self, index):
        if isinstance(index, slice):
            chosen = list(self._modules.items())[index]
            return self.__class__(OrderedDict(chosen))
        return self._modules[self._key_at(index)]

    def __setitem__(self, index, module) -> None:
        setattr(self, self._key_at(index), module)

    def __delitem__(self, index) -> None:
        if isinstance(index, slice):
            doomed = set(list(self._modules)[index])
        else:
            doomed = {self._key_at(index)}
        kept = [child for key, child in self._modules.items() if key not in doomed]
        _renumber(self._modules, kept)

    def _require_sequential(self, other) -> None:
        if not isinstance(other, Sequential):
            raise ValueError(
                "add operator supports only objects of Sequential class, "
                f"but {type(other)} is given."
            )

    def _check_factor(self, factor) -> None:
        if not isinstance(factor, int):
            raise TypeError(f"unsupported operand type(s) for *: {type(self)} and {type(factor)}")
        if factor <= 0:
            raise ValueError(f"Non-positive multiplication factor {factor} for {type(self)}")

    def __add__(self, other) -> Sequential:
        self._require_sequential(other)
        return Sequential(*self, *other)

    def __iadd__(self, other):
        self._require_sequential(other)
        for child in list(other):
            _append_child(self, child)
        return self

    def __mul__(self, factor: int) -> Sequential:
        self._check_factor(factor)
        return Sequential(*(list(self) * factor))

    __rmul__ = __mul__

    def __imul__(self, factor: int):
        self._check_factor(factor)
        original = list(self)
        for _ in range(factor - 1):
            for child in original:
                _append_child(self, child)
        return self

    def pop(self, index):
        """Remove the child at ``index`` (or the slice) and return it."""
        removed = self[index]
        del self[index]
        return removed

    def append(self, module) -> Sequential:
        """Add ``module`` at the end; returns the container."""
        _append_child(self, module)
        return self

    def insert(self, index: int, module) -> Sequential:
        """Put ``module`` before position ``index`` (``len(self)`` appends)."""
        if not isinstance(module, Module):
            raise AssertionError(f"module should be of type: {Module}")
        size = len(self)
        if not -size <= index <= size:
            raise IndexError(f"Index out of range: {index}")
        children = list(self)
        children.insert(index + size if index < 0 else index, module)
        _renumber(self._modules, children)
        return self

    def extend(self, modules) -> Sequential:
        """Append every module of the iterable ``modules``; returns the container."""
        for child in modules:
            self.append(child)
        return self

    def forward(self, input):
        for child in self:
            input = child(input)
        return input


# ---------------------------------------------------------------------------- ModuleList


class ModuleList(Module):
    r"""A list of registered child modules.

    It behaves like a Python list (indexing, slicing, ``len``, ``append``, ``insert``,
    ``extend``, ``pop``, ``del``, ``+``, ``+=``), but every module it holds is a child
    of the container, so its parameters belong to the enclosing model. It has no
    ``forward``: loop over it yourself.

    Example::

        >>> import tracegrad as torch
        >>> blocks = torch.nn.ModuleList([torch.nn.ReLU() for _ in range(3)])
        >>> blocks.append(torch.nn.Tanh())
        ModuleList(
          (0-2): 3 x ReLU()
          (3): Tanh()
        )
        >>> len(blocks)
        4
    """

    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    __len__ = _count_children
    __iter__ = _iterate_children

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.__class__(list(self)[index])
        return self._modules[str(_checked_position(index, len(self)))]

    def __setitem__(self, index, module) -> None:
        setattr(self, str(_checked_position(index, len(self))), module)

    def __delitem__(self, index) -> None:
        children = list(self)
        if isinstance(index, slice):
            del children[index]
        else:
            del children[_checked_position(index, len(children))]
        _renumber(self._modules, children)

    def __iadd__(self, modules):
        self.extend(modules)
        return self

    def __add__(self, other) -> ModuleList:
        joined = ModuleList()
        for child in list(self) + list(other):
            joined.append(child)
        return joined

    def __repr__(self) -> str:
        # runs of identical children print once, as "(first-last): count x child"
        runs = []
        for number, child in enumerate(self):
            text = repr(child)
            if runs and runs[-1][2] == text:
                runs[-1][1] = number
            else:
                runs.append([number, number, text])
        name = self._get_name()
        if not runs:
            return f"{name}()"
        lines = []
        for first, last, text in runs:
            body = _indent_tail(text, 2)
            if first == last:
                lines.append(f"({first}): {body}")
            else:
                lines.append(f"({first}-{last}): {last - first + 1} x {body}")
        return name + "(\n  " + "\n  ".join(lines) + "\n)"

    def insert(self, index: int, module) -> None:
        """Put ``module`` before position ``index``, as ``list.insert`` does."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_type_name(module)} is not a Module subclass")
        children = list(self)
        children.insert(index, module)
        _renumber(self._modules, children)

    def append(self, module) -> ModuleList:
        """Add ``module`` at the end; returns the list."""
        _append_child(self, module)
        return self

    def pop(self, index):
        """Remove the child at ``index`` (or the slice) and return it."""
        removed = self[index]
        del self[index]
        return removed

    def extend(self, modules) -> ModuleList:
        """Append every module of the iterable ``modules``; returns the list."""
        if not isinstance(modules, Iterable):
            raise TypeError(
                "ModuleList.extend should be called with an iterable, "
                f"but got {type(modules).__name__}"
            )
        for child in list(modules):
            self.append(child)
        return self


# ---------------------------------------------------------------------------- ModuleDict


class ModuleDict(Module):
    r"""A dict of registered child modules, kept in insertion order.

    Keys must be valid module names (strings without dots). It supports the dict
    operations ``[]``, ``in``, ``len``, iteration over keys, ``keys``, ``values``,
    ``items``, ``update``, ``pop`` and ``clear``. Like :class:`ModuleList` it has no
    ``forward``.

    Example::

        >>> import tracegrad as torch
        >>> heads = torch.nn.ModuleDict({"act": torch.nn.ReLU()})
        >>> heads["out"] = torch.nn.Linear(2, 1)
        >>> list(heads)
        ['act', 'out']
    """

    def __init__(self, modules=None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str):
        return self._modules[key]

    def __setitem__(self, key: str, module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    __len__ = _count_children

    def __iter__(self):
        return iter(self._modules.keys())

    def __contains__(self, key) -> bool:
        return key in self._modules

    def clear(self) -> None:
        """Remove every child."""
        self._modules.clear()

    def pop(self, key: str):
        """Remove the child called ``key`` and return it."""
        removed = self[key]
        del self[key]
        return removed

    def keys(self):
        """The names of the children."""
        return self._modules.keys()

    def items(self):
        """``(name, module)`` pairs."""
        return self._modules.items()

    def values(self):
        """The child modules."""
        return self._modules.values()

    def update(self, modules) -> None:
        """Add or replace children from a mapping or an iterable of ``(name, module)``."""
        if not isinstance(modules, Iterable):
            raise TypeError(
                "ModuleDict.update should be called with an iterable of key/value pairs, "
                f"but got {type(modules).__name__}"
            )
        if isinstance(modules, (Mapping, ModuleDict)):
            entries = list(modules.items())
        else:
            entries = list(_pair_sequence("ModuleDict", modules))
        for key, child in entries:
            self[key] = child


# ---------------------------------------------------------------------------- ParameterList


class ParameterList(Module):
    r"""A list of registered parameters.

    Tensors put into it are wrapped as :class:`~tracegrad.nn.Parameter` (so they take
    part in ``parameters()`` and the optimizer); other objects are stored as they are.
    It supports indexing, slicing, ``len``, iteration, ``append``, ``extend`` and ``+=``.

    Example::

        >>> import tracegrad as torch
        >>> weights = torch.nn.ParameterList([torch.zeros(2), torch.ones(3, 1)])
        >>> weights
        ParameterList(
            (0): Parameter containing: [torch.float32 of size 2]
            (1): Parameter containing: [torch.float32 of size 3x1]
        )
        >>> type(weights[0]).__name__
        'Parameter'
    """

    def __init__(self, values=None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return self._size

    def __iter__(self):
        return (getattr(self, str(number)) for number in range(self._size))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.__class__(list(self)[index])
        return getattr(self, str(_checked_position(index, self._size)))

    def __setitem__(self, index, value) -> None:
        position = _checked_position(index, self._size)
        setattr(self, str(position), _as_parameter(value))

    def __iadd__(self, values):
        return self.extend(values)

    def append(self, value) -> ParameterList:
        """Add ``value`` at the end; returns the list."""
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values) -> ParameterList:
        """Append every item of the iterable ``values``; returns the list."""
        if not isinstance(values, Iterable) or isinstance(values, Tensor):
            raise TypeError(
                "ParameterList.extend should be called with an iterable, "
                f"but got {type(values).__name__}"
            )
        for value in list(values):
            self.append(value)
        return self

    def extra_repr(self) -> str:
        lines = [
            _describe_entry(str(number), value, lambda t: t.dtype)
            for number, value in enumerate(self)
        ]
        return "\n".join(lines)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterList should not be called.")


# ---------------------------------------------------------------------------- ParameterDict


class ParameterDict(Module):
    r"""A dict of registered parameters, keyed by strings.

    Tensors stored in it are wrapped as :class:`~tracegrad.nn.Parameter`; other values
    are kept as they are. Built from (or updated with) a plain mapping, its keys are
    taken in sorted order; an ``OrderedDict``, another ``ParameterDict`` or a sequence
    of pairs keeps its own order. Besides the usual dict methods it supports ``|`` and
    ``|=``.

    Example::

        >>> import tracegrad as torch
        >>> table = torch.nn.ParameterDict({"scale": torch.ones(3), "bias": torch.zeros(3)})
        >>> list(table)
        ['bias', 'scale']
        >>> table.get("missing", 0)
        0
    """

    def __init__(self, parameters=None) -> None:
        super().__init__()
        self._keys = {}
        self.update({} if parameters is None else parameters)

    @staticmethod
    def _check_key(key) -> None:
        if not isinstance(key, str):
            raise TypeError(
                "Index given to ParameterDict cannot be used as a key as it is not a string "
                f"(type is '{type(key).__name__}'). Open an issue on github if you need "
                "non-string keys."
            )

    def __getitem__(self, key: str):
        self._check_key(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value) -> None:
        self._check_key(key)
        setattr(self, key, _as_parameter(value))
        self._keys[key] = None

    def __delitem__(self, key: str) -> None:
        self._check_key(key)
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __reversed__(self):
        return reversed(list(self._keys))

    def __contains__(self, key) -> bool:
        return key in self._keys

    def copy(self) -> ParameterDict:
        """A new ``ParameterDict`` holding the same parameter objects."""
        return ParameterDict(OrderedDict(self.items()))

    def setdefault(self, key: str, default=None):
        """``self[key]``, first storing ``default`` there if ``key`` is missing."""
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self) -> None:
        """Remove every entry."""
        for key in list(self._keys):
            del self[key]

    def pop(self, key: str):
        """Remove the entry ``key`` and return its value."""
        removed = self[key]
        del self[key]
        return removed

    def popitem(self):
        """Remove the most recently added entry and return it as ``(key, value)``."""
        if not self._keys:
            raise KeyError("popitem(): dictionary is empty")
        key = list(self._keys)[-1]
        return key, self.pop(key)

    def get(self, key: str, default=None):
        """``self[key]`` when present, else ``default``."""
        return self[key] if key in self else default

    def fromkeys(self, keys, default=None) -> ParameterDict:
        """A new ``ParameterDict`` with every key of ``keys`` set to ``default``."""
        return ParameterDict([(key, default) for key in keys])

    def keys(self):
        """The keys, in order."""
        return self._keys.keys()

    def items(self):
        """``(key, value)`` pairs, in order."""
        return ((key, self[key]) for key in self._keys)

    def values(self):
        """The stored values, in order."""
        return (self[key] for key in self._keys)

    def update(self, parameters) -> None:
        """Add or replace entries from a mapping or an iterable of ``(key, value)``."""
        if not isinstance(parameters, Iterable):
            raise TypeError(
                "ParametersDict.update should be called with an iterable of key/value "
                f"pairs, but got {type(parameters).__name__}"
            )
        if isinstance(parameters, (ParameterDict, OrderedDict)):  # already ordered
            entries = list(parameters.items())
        elif isinstance(parameters, Mapping):
            entries = sorted(parameters.items(), key=lambda entry: entry[0])
        else:
            entries = list(_pair_sequence("ParameterDict", parameters))
        for key, value in entries:
            self[key] = value

    def extra_repr(self) -> str:
        lines = [_describe_entry(key, value, _type_name) for key, value in self.items()]
        return "\n".join(lines)

    def __call__(self, input):
        raise RuntimeError("ParameterDict should not be called.")

    def __or__(self, other) -> ParameterDict:
        merged = self.copy()
        merged.update(other)
        return merged

    def __ror__(self, other):
        merged = other.copy()
        merged.update(self)
        return merged

    def __ior__(self, other):
        self.update(other)
        return self
