"""Functions of a square matrix: inverse, determinant, log-determinant, linear solve.

Their derivatives are the course's differential identities (Matrix Cookbook, §2.2):

    d(A⁻¹)   = −A⁻¹ (dA) A⁻¹          ⇒  ∂f/∂A = −A⁻ᵀ G A⁻ᵀ
    d det A  = det A · tr(A⁻¹ dA)     ⇒  ∂f/∂A = g · det A · A⁻ᵀ
    d log|det A| = tr(A⁻¹ dA)         ⇒  ∂f/∂A = g · A⁻ᵀ
    X = A⁻¹B: dX = A⁻¹(dB − dA X)     ⇒  ∂f/∂B = A⁻ᵀ G,  ∂f/∂A = −(A⁻ᵀ G) Xᵀ

All of them work on batches of matrices (the last two dims). The rules use the
vocabulary's ``inv`` and ``solve`` so that they also run on Tensors (create_graph) and on
symbols (tracegrad.matcalc). ``torch.linalg`` (tracegrad/linalg.py) exposes these under
PyTorch's ``linalg`` names.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._tensor import Tensor
from ._registry import Arg, Op, Sample, apply


def _well_conditioned(shape, batch=()):
    """Sample values for an invertible matrix: the identity times 3 plus noise in [-1, 1]."""
    n = shape[-1]
    rng = np.random.default_rng(sum(shape) + 7)
    return rng.uniform(-1, 1, shape) + 3 * np.eye(n)


def _square(x):
    return Arg(x, values=_well_conditioned(x))


def _batched_scalar(m, s, ndim):
    """A batch of scalars (shape (...)) as (..., 1, 1), to scale a batch of matrices."""
    return m.unsqueeze_dims(s, (ndim - 2, ndim - 1))


# Y = A⁻¹: dY = −Y dA Y  ⇒  ∂f/∂A = −Yᵀ G Yᵀ
INVERSE = Op(
    "inverse",
    "LinalgInvExBackward0",
    forward=lambda xp, a: np.linalg.inv(a),
    vjp=(lambda m, g, a, out: -(out.mT @ g @ out.mT),),
    jvp=lambda m, tangents, a, out: -(out @ tangents[0] @ out),
    samples=[
        Sample((_square((3, 3)),)),
        Sample((_square((2, 4, 4)),), call=lambda torch, x: torch.linalg.inv(x)),
    ],
)

# d det A = det A · tr(A⁻¹ dA)  ⇒  ∂f/∂A = g det(A) A⁻ᵀ
DET = Op(
    "det",
    "LinalgDetBackward0",
    forward=lambda xp, a: np.asarray(np.linalg.det(a)),
    vjp=(lambda m, g, a, out: _batched_scalar(m, g * out, a.ndim) * m.inv(a).mT,),
    jvp=lambda m, tangents, a, out: out * m.solve(a, tangents[0]).diagonal(0, -2, -1).sum(-1),
    samples=[
        Sample((_square((3, 3)),)),
        Sample((_square((2, 3, 3)),), call=lambda torch, x: torch.linalg.det(x)),
    ],
)


def _logdet_forward(a):
    sign, logabs = np.linalg.slogdet(a)
    # a negative determinant has no real logarithm (nan); a zero one gives -inf
    return np.asarray(np.where(sign < 0, np.nan, logabs))


# d log det A = tr(A⁻¹ dA)  ⇒  ∂f/∂A = g A⁻ᵀ
LOGDET = Op(
    "logdet",
    "LogdetBackward0",
    forward=lambda xp, a: _logdet_forward(a),
    vjp=(lambda m, g, a, out: _batched_scalar(m, g, a.ndim) * m.inv(a).mT,),
    jvp=lambda m, tangents, a, out: m.solve(a, tangents[0]).diagonal(0, -2, -1).sum(-1),
    samples=[
        # torch computes logdet as where(sign < 0, nan, logabsdet): its last node is the where
        Sample((_square((3, 3)),), torch_grad_fn="WhereBackward0"),
    ],
)

# log |det A|, the differentiable half of slogdet: the same rule as logdet
LOGABSDET = Op(
    "logabsdet",
    "LinalgSlogdetBackward0",
    forward=lambda xp, a: np.asarray(np.linalg.slogdet(a)[1]),
    vjp=(lambda m, g, a, out: _batched_scalar(m, g, a.ndim) * m.inv(a).mT,),
    jvp=lambda m, tangents, a, out: m.solve(a, tangents[0]).diagonal(0, -2, -1).sum(-1),
    samples=[Sample((_square((3, 3)),), call=lambda torch, x: torch.linalg.slogdet(x)[1])],
    public="slogdet",
)


# X = A⁻¹ B: ∂f/∂B = A⁻ᵀ G, ∂f/∂A = −(A⁻ᵀ G) Xᵀ (B a matrix here; vectors are made columns)
SOLVE = Op(
    "solve",
    "LinalgSolveExBackward0",
    forward=lambda xp, a, b: np.linalg.solve(a, b),
    vjp=(
        lambda m, g, a, b, out: -(m.solve(a.mT, g) @ out.mT),
        lambda m, g, a, b, out: m.solve(a.mT, g),
    ),
    jvp=lambda m, tangents, a, b, out: _solve_jvp(m, tangents, a, out),
    samples=[
        Sample((_square((3, 3)), Arg((3, 2))), call=lambda torch, a, b: torch.linalg.solve(a, b)),
        Sample(
            (_square((2, 3, 3)), Arg((2, 3, 4))), call=lambda torch, a, b: torch.linalg.solve(a, b)
        ),
    ],
)


def _solve_jvp(m, tangents, a, out):
    da, db = tangents
    rhs = db if da is None else (-(da @ out) if db is None else db - da @ out)
    return m.solve(a, rhs)


def _check_square(name, A):
    if not isinstance(A, Tensor):
        raise TypeError(f"{name}(): argument 'A' must be Tensor, not {type(A).__name__}")
    shape = A._data.shape
    if A._data.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if shape[-1] != shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are "
            f"{shape[-2]} by {shape[-1]} matrices"
        )
    if A.dtype.name not in ("float32", "float64"):
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got {_dtype_name(A)}"
        )


def _dtype_name(t):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char"}.get(
        t.dtype.name, t.dtype.name.capitalize()
    )


def inverse(input):
    """The inverse A⁻¹ of a square matrix (or of each matrix in a batch).

    Its gradient is −A⁻ᵀ G A⁻ᵀ, from d(A⁻¹) = −A⁻¹ dA A⁻¹. A singular matrix raises
    ``torch.linalg.LinAlgError``, as in PyTorch.
    """
    _check_square("linalg.inv", input)
    try:
        return apply(INVERSE, (input,))
    except np.linalg.LinAlgError:
        from ..linalg import LinAlgError

        raise LinAlgError(
            "linalg.inv: The diagonal element 1 is zero, the inversion could not be completed "
            "because the input matrix is singular."
        ) from None


def det(input):
    """The determinant det A; its gradient is g · det(A) · A⁻ᵀ (Jacobi's formula).

    (The gradient needs A⁻¹, so it is not defined for a singular A here.)
    """
    _check_square("linalg.det", input)
    return apply(DET, (input,))


def logdet(input):
    """log det A: nan where det A < 0, −inf where det A = 0. Its gradient is g · A⁻ᵀ."""
    _check_square("logdet", input)
    return apply(LOGDET, (input,))


class SlogdetResult(NamedTuple):
    """``(sign, logabsdet)`` with det A = sign · exp(logabsdet)."""

    sign: Tensor
    logabsdet: Tensor


def slogdet(input):
    """The sign and the log of the absolute value of det A (stable for huge or tiny
    determinants). Only ``logabsdet`` has a gradient: g · A⁻ᵀ."""
    _check_square("linalg.slogdet", input)
    from .._creation import tensor

    sign = tensor(np.sign(np.linalg.det(input._data)), dtype=input.dtype)
    return SlogdetResult(sign, apply(LOGABSDET, (input,)))


def solve(A, B, *, left=True):
    """The solution X of A X = B (``left=False``: of X A = B), without forming A⁻¹.

    B may be a vector (one right-hand side) or a matrix / batch of matrices. Gradients:
    ∂f/∂B = A⁻ᵀ G and ∂f/∂A = −(A⁻ᵀ G) Xᵀ.
    """
    _check_square("linalg.solve", A)
    if not isinstance(B, Tensor):
        raise TypeError(f"linalg.solve(): argument 'B' must be Tensor, not {type(B).__name__}")
    if not left:
        return solve(A.mT, B.mT).mT
    vector = B._data.ndim == 1 or (
        B._data.ndim == A._data.ndim - 1 and B._data.shape == A._data.shape[:-1]
    )
    b = B.unsqueeze(-1) if vector else B
    if b._data.shape[-2] != A._data.shape[-1]:
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
            f"({A._data.shape[-2]}x{A._data.shape[-1]} and "
            f"{b._data.shape[-2]}x{b._data.shape[-1]})"
        )
    out = apply(SOLVE, (A, b))
    return out.squeeze(-1) if vector else out


__all__ = ["inverse", "det", "logdet", "slogdet"]
METHODS = ["inverse", "det", "logdet", "slogdet"]
INPLACE_METHODS = []
