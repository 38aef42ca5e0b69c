"""``torch.compile`` and the float32 matmul precision switch, for code written for PyTorch 2.

tracegrad runs every op eagerly with NumPy, so there is nothing to compile:
``torch.compile(model)`` returns ``model`` itself and ``@torch.compile`` leaves the function
as it is. The computed values are those of the uncompiled code (PyTorch's compiled kernels
may round differently in the last bits).
"""

from __future__ import annotations

import warnings

_MODES = (None, "default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def compile(
    model=None,
    *,
    fullgraph=False,
    dynamic=None,
    backend=None,
    mode=None,
    options=None,
    name=None,
    disable=False,
    **kwargs,
):
    """Return ``model`` (a Module or a function) unchanged; used as ``@compile(...)``
    with options only, return the decorator that does so."""
    if mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: " + ", ".join(_MODES[1:]))
    if mode is not None and options is not None:
        raise RuntimeError(
            "Either mode or options can be specified, but both can't be specified at the same time."
        )
    if model is None:
        return lambda function: function
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    return model


_PRECISIONS = ("highest", "high", "medium")
_matmul_precision = ["highest"]


def set_float32_matmul_precision(precision: str) -> None:
    """Record the requested float32 matmul precision. NumPy's float32 products are
    always computed in full float32 ("highest"); the setting is kept for
    ``get_float32_matmul_precision`` only."""
    if precision not in _PRECISIONS:
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
            "setFloat32MatmulPrecision call has no effect.",
            UserWarning,
            stacklevel=2,
        )
        return
    _matmul_precision[0] = precision


def get_float32_matmul_precision() -> str:
    """The precision last set by ``set_float32_matmul_precision`` ("highest" at first)."""
    return _matmul_precision[0]
