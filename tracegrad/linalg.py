"""``torch.linalg``: the linear-algebra functions under PyTorch's ``linalg`` names.

Each is the registry op of ``tracegrad/ops`` (its derivative is defined there, once):
``inv``, ``det``, ``slogdet``, ``solve`` and the decompositions (``cholesky``, ``qr``,
``eigh``, ``eigvalsh``, ``svd``, ``svdvals``, ``pinv``, ``lstsq``, ``matrix_rank``,
``multi_dot``) come from ``ops/matrix_functions.py``, the norms
from ``ops/reduction.py`` and the products from ``ops/linalg.py``.
"""

from __future__ import annotations

from .ops import matmul, matrix_power, norm as _norm, outer
from .ops.matrix_functions import (
    EighResult,
    LstsqResult,
    QRResult,
    SVDResult,
    det,
    eigh,
    eigvalsh,
    inverse as inv,
    linalg_cholesky as cholesky,
    linalg_qr as qr,
    linalg_svd as svd,
    lstsq,
    matrix_rank,
    multi_dot,
    pinv,
    linalg_slogdet as slogdet,
    solve,
    svdvals,
)


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed (e.g. the inverse of a singular matrix)."""


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """‖x‖_ord over ``dim`` (all elements by default), the matrix seen as a flat vector."""
    return _norm(x, p=ord, dim=dim, keepdim=keepdim, dtype=dtype)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """The Frobenius norm ‖A‖_F = sqrt(Σ Aᵢⱼ²) of each matrix (``ord='fro'`` only)."""
    if ord != "fro":
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} is not supported (only 'fro')")
    return _norm(A, p=2, dim=dim, keepdim=keepdim, dtype=dtype)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """``vector_norm`` for ``ord`` a number or None (2-norm of all elements, which is the
    Frobenius norm of a matrix); ``'fro'`` for matrices."""
    if ord == "fro":
        return matrix_norm(A, dim=(-2, -1) if dim is None else dim, keepdim=keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise NotImplementedError(f"linalg.norm: ord={ord!r} is not supported")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


__all__ = [
    "EighResult",
    "LinAlgError",
    "LstsqResult",
    "QRResult",
    "SVDResult",
    "cholesky",
    "eigh",
    "eigvalsh",
    "lstsq",
    "matrix_power",
    "matrix_rank",
    "multi_dot",
    "pinv",
    "qr",
    "svd",
    "svdvals",
    "det",
    "inv",
    "matmul",
    "matrix_norm",
    "norm",
    "outer",
    "slogdet",
    "solve",
    "vector_norm",
]
