"""Switches that decide whether operations record the computation graph.

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode`` work as context
managers and as decorators, as in PyTorch. The state is one module-level flag that the
op dispatcher reads on every call, so checking it costs a list lookup.
"""

from __future__ import annotations

import functools
import inspect

# _state[0] is True while operations record the graph.
_state = [True]


def is_grad_enabled() -> bool:
    """True when operations on tensors that require grad record the graph."""
    return _state[0]


class _GradModeContext:
    """Base of the grad-mode switches: a context manager that is also a decorator."""

    _enabled = True

    def __enter__(self):
        self._prev = _state[0]
        _state[0] = self._enabled
        return self

    def __exit__(self, *exc_info):
        _state[0] = self._prev
        return False

    def __call__(self, fn):
        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def generator_wrapper(*args, **kwargs):
                with self.clone():
                    yield from fn(*args, **kwargs)

            return generator_wrapper

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_GradModeContext):  # noqa: N801 - torch's name
    """Disable graph recording: results of operations have ``requires_grad=False``.

    Example::

        >>> import tracegrad as torch
        >>> x = torch.ones(2, requires_grad=True)
        >>> with torch.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    _enabled = False

    def __init__(self, orig_func=None):
        # torch allows the bare decorator form ``@no_grad`` only through ``no_grad()``;
        # the argument keeps ``no_grad(fn)`` working too.
        self._func = orig_func

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        if orig_func is not None and callable(orig_func):
            self.__init__()
            return self(orig_func)
        return self


class enable_grad(_GradModeContext):  # noqa: N801
    """Enable graph recording inside a ``no_grad`` block."""

    _enabled = True


class set_grad_enabled(_GradModeContext):  # noqa: N801
    """Set graph recording on or off; takes effect at once, like torch, and also as a context."""

    def __init__(self, mode: bool):
        self._prev = _state[0]
        self._enabled = bool(mode)
        _state[0] = self._enabled

    def __enter__(self):
        return self

    def clone(self):
        return type(self)(self._enabled)


class inference_mode(_GradModeContext):  # noqa: N801
    """Like ``no_grad``; tracegrad has no separate inference tensors (``mode=False`` records)."""

    def __init__(self, mode: bool = True):
        self._mode = bool(mode)
        self._enabled = not self._mode

    def clone(self):
        return type(self)(self._mode)


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()``; tracegrad treats it as ``no_grad``."""
    return not _state[0]
