"""Symbolic matrix calculus from the op registry's own VJP rules.

    from tracegrad import matcalc
    X, W, Y = matcalc.symbols("X W Y", shapes={"X": ("n", "d"), "W": ("d", "k"), "Y": ("n", "k")})
    f = ((X @ W).clamp(min=0) - Y).pow(2).sum()
    g = matcalc.grad(f, W)
    print(g)            # 2 Xᵀ((max(XW, 0) − Y) ⊙ 1[XW ≥ 0])
    print(g.steps())    # the differential derivation, rule by rule
    g.check()           # random inputs at several sizes against autograd

Symbols are matrices, vectors and scalars with symbolic or concrete dims; expressions
are built with the tensor API (``@``, ``.T``, ``.sum()``, ``torch.relu`` via
``matcalc.torch``). The derivative rules are the registry's VJP rules run over symbols
(grad.py); simplify.py turns their output into the textbook form. See docs/matcalc.md.
"""

from __future__ import annotations

from .check import CheckResult
from .derivative import Derivative, derive, grad, hessian, hvp
from .expr import PROPERTIES, Dim, Expr, ShapeError, symbol, symbols
from .namespace import functional, install_torch_spellings, torch
from .simplify import simplify

# ``tracegrad.sigmoid(symbol)`` and the like build expressions from now on
install_torch_spellings()

__all__ = [
    "PROPERTIES",
    "CheckResult",
    "Derivative",
    "Dim",
    "Expr",
    "ShapeError",
    "derive",
    "functional",
    "grad",
    "hessian",
    "hvp",
    "simplify",
    "symbol",
    "symbols",
    "torch",
]
