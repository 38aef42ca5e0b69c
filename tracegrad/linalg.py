"""``torch.linalg``: the linear-algebra functions under PyTorch's ``linalg`` names.

Each is the registry op of ``tracegrad/ops`` (its derivative is defined there, once):
``inv``, ``det``, ``slogdet``, ``solve`` and the decompositions (``cholesky``, ``qr``,
``eigh``, ``eigvalsh``, ``svd``, ``svdvals``, ``pinv``, ``lstsq``, ``matrix_rank``,
``multi_dot``) come from ``ops/matrix_functions.py``, the norms
from ``ops/reduction.py`` and the products from ``ops/linalg.py``.
"""

from __future__ import annotations

import math

from ._creation import eye as _eye
from ._dtype import int32
from .ops import cross as _cross
from .ops import diagonal as _diagonal
from .ops import matmul, matrix_power, outer
from .ops import norm as _norm
from .ops import vander as _vander
from .ops.reduction import _return_type
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


class _LinAlgError(RuntimeError):
    """A linear-algebra routine failed (e.g. the inverse of a singular matrix).

    Named ``_LinAlgError`` as PyTorch's class is, so that a printed exception type reads
    the same; ``torch.linalg.LinAlgError`` is the public name."""


LinAlgError = _LinAlgError

_MATRIX_ORDERS = ("fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """‖x‖_ord over ``dim`` (all elements by default), the matrix seen as a flat vector."""
    return _norm(x, p=ord, dim=dim, keepdim=keepdim, dtype=dtype)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """The matrix norm of each matrix over the two dims ``dim``.

    ``ord``: 'fro' (sqrt(Σ Aᵢⱼ²)), 'nuc' (sum of the singular values), 2 / -2 (largest /
    smallest singular value), 1 / -1 (largest / smallest column sum of |Aᵢⱼ|), inf / -inf
    (largest / smallest row sum of |Aᵢⱼ|). Each is built from differentiable ops (the
    singular values, ``abs``, ``sum``, ``amax``), so gradients follow from theirs.
    """
    from .ops.matrix_functions import _check_matrix

    _check_matrix("linalg.matrix_norm", A)
    if isinstance(dim, int) or len(dim) != 2:
        got = dim if isinstance(dim, int) else list(dim)
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {_dims_text(got)}")
    ndim = A.ndim
    rows, cols = (d + ndim if d < 0 else d for d in dim)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord not in _MATRIX_ORDERS:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    matrix = A if dtype is None else A.to(dtype)
    if ord == "fro":
        return _norm(matrix, p=2, dim=(rows, cols), keepdim=keepdim)
    if ord in ("nuc", 2, -2):
        singular = svdvals(matrix.movedim((rows, cols), (-2, -1)))
        if ord == "nuc":
            result = singular.sum(-1)
        else:
            result = singular.amax(-1) if ord == 2 else singular.amin(-1)
    else:
        # 1-norms sum each column (over the rows), inf-norms each row (over the columns)
        summed, kept = (rows, cols) if abs(ord) == 1 else (cols, rows)
        sums = matrix.abs().sum(summed, keepdim=keepdim)
        if not keepdim and kept > summed:
            kept -= 1
        return sums.amax(kept, keepdim) if ord > 0 else sums.amin(kept, keepdim)
    if keepdim:
        for d in sorted((rows, cols)):
            result = result.unsqueeze(d)
    return result


def _dims_text(dim) -> str:
    return str(dim) if isinstance(dim, int) else "[" + ", ".join(str(d) for d in dim) + "]"


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """A vector norm or a matrix norm, chosen as PyTorch chooses.

    ``dim`` an int (or a 1-tuple): the vector norm along it; a 2-tuple: the matrix norm over
    those dims. Without ``dim``: with ``ord`` None, the 2-norm of all elements (the
    Frobenius norm of a matrix); with ``ord`` given, the vector norm of a 1-D input or the
    matrix norm of a 2-D input (so ``norm(A, 2)`` is A's largest singular value).
    """
    if dim is not None and not isinstance(dim, int):
        dim = tuple(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(
                f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got "
                f"{_dims_text(dim)}"
            )
    if dim is None and ord is not None:
        if A.ndim not in (1, 2):
            raise RuntimeError(
                "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                f"Got {A.ndim}D."
            )
        if A.ndim == 2:
            dim = (0, 1)
    if isinstance(ord, str) or (isinstance(dim, tuple) and len(dim) == 2 and ord is not None):
        return matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """The solution X of A X = B (``left=False``: X A = B) for a triangular A: only its
    upper (``upper=True``) or lower triangle is read, and with ``unitriangular`` its
    diagonal is taken as ones. Gradients are those of ``solve`` on that triangle."""
    from .ops.matrix_functions import _check_matrix

    _check_matrix("linalg.solve_triangular", A)
    if B.ndim < 2:
        raise RuntimeError(
            "linalg.solve_triangular: The input tensor B must have at least 2 dimensions."
        )
    triangle = A.triu() if upper else A.tril()
    if unitriangular:
        triangle = triangle.triu(1) if upper else triangle.tril(-1)
        triangle = triangle + _eye(A.shape[-1], dtype=A.dtype)
    result = solve(triangle, B, left=left)
    return result if out is None else out.copy_(result)


def cond(A, p=None):
    """The condition number of A in the matrix norm ``p``: ‖A‖ ‖A⁻¹‖; for p None, 2 or
    -2 the ratio of the largest and smallest singular values (σ₁/σₙ, or σₙ/σ₁ for -2)."""
    if p is None or p in (2, -2):
        singular = svdvals(A)
        largest, smallest = singular.amax(-1), singular.amin(-1)
        return smallest / largest if p == -2 else largest / smallest
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def cross(input, other, *, dim=-1, out=None):
    """The cross product of 3-vectors along ``dim`` (the last dim by default); the two
    inputs must have the same number of dims and broadcast."""
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[dim]} "
            f"and {other.shape[dim]}"
        )
    return _cross(input, other, dim, out=out)


def vecdot(x, y, *, dim=-1, out=None):
    """The dot product of the vectors along ``dim`` (the inputs broadcast): Σ xᵢ yᵢ."""
    result = (x * y).sum(dim)
    if out is None:
        return result
    return out.copy_(result)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonal of each matrix over the last two dims (``torch.diagonal`` with matrix
    defaults)."""
    return _diagonal(A, offset, dim1, dim2)


def vander(x, *, N=None):  # noqa: N803 - torch's argument name
    """The Vandermonde matrix with increasing powers: column j is ``x ** j``."""
    return _vander(x, N, increasing=True)


InvExResult = _return_type("linalg_inv_ex", ("inverse", "info"))
CholeskyExResult = _return_type("linalg_cholesky_ex", ("L", "info"))


def inv_ex(A, *, check_errors=False):
    """``inv`` that reports failure in ``info`` (per matrix: 0 on success, k > 0 when the
    k-th pivot of the LU factorisation is zero) instead of raising, unless
    ``check_errors``. A batch with a singular matrix gives NaN inverses."""
    try:
        inverse = inv(A)
    except _LinAlgError as error:
        if check_errors:
            raise _renamed(error, "linalg.inv", "linalg.inv_ex") from None
        return InvExResult((_full_like(A, math.nan), _info(A, _zero_pivot)))
    return InvExResult((inverse, _info(A, lambda matrix: 0)))


def cholesky_ex(A, *, upper=False, check_errors=False):
    """``cholesky`` that reports failure in ``info`` (per matrix: the order of the first
    leading minor that is not positive definite, 0 on success) instead of raising. A batch
    with such a matrix gives NaN factors."""
    try:
        factor = cholesky(A, upper=upper)
    except _LinAlgError as error:
        if check_errors:
            raise _renamed(error, "linalg.cholesky", "linalg.cholesky_ex") from None
        return CholeskyExResult((_full_like(A, math.nan), _info(A, _non_positive_minor)))
    return CholeskyExResult((factor, _info(A, lambda matrix: 0)))


def _renamed(error, name, new_name):
    """The same error, its message naming the function the user called."""
    message = str(error)
    if message.startswith(name + ":"):
        message = new_name + message[len(name) :]
    return _LinAlgError(message)


def _full_like(A, value):
    from ._creation import full_like

    return full_like(A.detach(), value)


def _info(A, check):
    """``check`` of each matrix of A, as an int32 tensor of A's batch shape."""
    from ._creation import tensor

    n = A.shape[-1]
    matrices = A.detach().numpy().astype("float64").reshape(-1, n, n)
    return tensor([check(matrix) for matrix in matrices], dtype=int32).reshape(A.shape[:-2])


def _zero_pivot(matrix) -> int:
    """The 1-based index of the first zero pivot of the matrix's LU factorisation with
    partial pivoting (0 if none)."""
    a = matrix.copy()
    for k in range(a.shape[0]):
        pivot = k + int(abs(a[k:, k]).argmax())
        if a[pivot, k] == 0:
            return k + 1
        a[[k, pivot]] = a[[pivot, k]]
        a[k + 1 :, k:] -= a[k + 1 :, k : k + 1] / a[k, k] * a[k, k:]
    return 0


def _non_positive_minor(matrix) -> int:
    """The order of the first leading minor that is not positive definite (0 if none)."""
    import numpy as np

    for k in range(1, matrix.shape[0] + 1):
        try:
            np.linalg.cholesky(matrix[:k, :k])
        except np.linalg.LinAlgError:
            return k
    return 0


__all__ = [
    "CholeskyExResult",
    "EighResult",
    "InvExResult",
    "LinAlgError",
    "LstsqResult",
    "QRResult",
    "SVDResult",
    "cholesky",
    "cholesky_ex",
    "cond",
    "cross",
    "diagonal",
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
    "inv_ex",
    "matmul",
    "matrix_norm",
    "norm",
    "outer",
    "slogdet",
    "solve",
    "solve_triangular",
    "vander",
    "vecdot",
    "vector_norm",
]
