"""Automatic differentiation: the graph, the backward engine and grad-mode switches."""

from __future__ import annotations

import importlib

from . import grad_mode
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)


def backward(
    tensors,
    grad_tensors=None,
    retain_graph=None,
    create_graph=False,
    grad_variables=None,
    inputs=None,
):
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad``."""
    from .engine import backward as run

    run(
        tensors,
        grad_tensors if grad_tensors is not None else grad_variables,
        retain_graph,
        create_graph,
        inputs=inputs,
    )


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """The gradients of ``outputs`` with respect to ``inputs``, as a tuple."""
    from .engine import grad as run

    return run(
        outputs,
        inputs,
        grad_outputs,
        retain_graph,
        create_graph,
        allow_unused,
        is_grads_batched,
        materialize_grads,
    )


__all__ = [
    "backward",
    "grad",
    "grad_mode",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
]


_LAZY = {"Function", "FunctionCtx", "InplaceFunction", "once_differentiable", "function"}
_CHECKS = {"gradcheck", "gradgradcheck", "GradcheckError"}
_SUBMODULES = {"forward_ad", "functional", "graph", "anomaly_mode"}
# name -> the submodule that defines it (loaded on first use, like the ones above)
_FROM_MODULE = {
    "detect_anomaly": "anomaly_mode",
    "set_detect_anomaly": "anomaly_mode",
    "is_anomaly_enabled": "anomaly_mode",
    "is_anomaly_check_nan_enabled": "anomaly_mode",
    "explain": "explain",
    "Variable": "variable",
    "ExplainLog": "explain",
}


def __getattr__(name):
    # function.py needs the Tensor class, which itself imports this package: load late
    if name in _FROM_MODULE:
        return getattr(importlib.import_module("." + _FROM_MODULE[name], __name__), name)
    if name in _CHECKS:
        return getattr(importlib.import_module("._gradcheck", __name__), name)
    if name in _SUBMODULES:
        return importlib.import_module("." + name, __name__)
    if name in _LAZY:
        function = importlib.import_module(".function", __name__)
        return function if name == "function" else getattr(function, name)
    raise AttributeError(f"module 'tracegrad.autograd' has no attribute '{name}'")
