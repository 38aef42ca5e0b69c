"""Functions of a square matrix: inverse, determinant, log-determinant, linear solve.

Their derivatives are the course's differential identities (Matrix Cookbook, §2.2):

    d(A⁻¹)   = −A⁻¹ (dA) A⁻¹          ⇒  ∂f/∂A = −A⁻ᵀ G A⁻ᵀ
    d det A  = det A · tr(A⁻¹ dA)     ⇒  ∂f/∂A = g · det A · A⁻ᵀ
    d log|det A| = tr(A⁻¹ dA)         ⇒  ∂f/∂A = g · A⁻ᵀ
    X = A⁻¹B: dX = A⁻¹(dB − dA X)     ⇒  ∂f/∂B = A⁻ᵀ G,  ∂f/∂A = −(A⁻ᵀ G) Xᵀ

The decompositions (Cholesky, QR, symmetric eigendecomposition, SVD, pseudo-inverse,
least squares) are below, each with its derivation next to its op. Notation: Ḡ is the
gradient reaching an output, ⟨X, Y⟩ = tr(XᵀY), sym(X) = (X + Xᵀ)/2, I the identity.

    A = L Lᵀ:        dL = L Φ(L⁻¹ dA L⁻ᵀ),  Φ = lower triangle with the diagonal halved
                      ⇒ ∂f/∂A = sym(L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹)
    A = V diag(w) Vᵀ: dw = diag(Vᵀ dA V),  dV = V (F ∘ Vᵀ dA V),  F_ij = 1/(w_j − w_i)
                      ⇒ ∂f/∂A = sym(V (diag(w̄) + F ∘ Vᵀ V̄) Vᵀ)
    A = QR, A = U S Vᵀ, A⁺: see QR, SVD and PINV below.

All of them work on batches of matrices (the last two dims). The rules use the
vocabulary's ``inv`` and ``solve`` so that they also run on Tensors (create_graph) and on
symbols (tracegrad.matcalc). ``torch.linalg`` (tracegrad/linalg.py) exposes these under
PyTorch's ``linalg`` names.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._tensor import Tensor, type_name
from ._registry import Arg, Op, Sample, apply
from .reduction import _return_type, return_types

# results as torch.return_types: tuples with named fields, printed as torch prints them
SlogdetResult = return_types.linalg_slogdet = _return_type("linalg_slogdet", ("sign", "logabsdet"))
return_types.slogdet = _return_type("slogdet", ("sign", "logabsdet"))
EighResult = return_types.linalg_eigh = _return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
SVDResult = return_types.linalg_svd = _return_type("linalg_svd", ("U", "S", "Vh"))
SVDLegacyResult = return_types.svd = _return_type("svd", ("U", "S", "V"))
QRResult = return_types.linalg_qr = _return_type("linalg_qr", ("Q", "R"))
return_types.qr = _return_type("qr", ("Q", "R"))
LstsqResult = return_types.linalg_lstsq = _return_type(
    "linalg_lstsq", ("solution", "residuals", "rank", "singular_values")
)


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
        raise TypeError(f"{name}(): argument 'A' must be Tensor, not {type_name(A)}")
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


def linalg_slogdet(A, *, out=None):
    """The sign and the log of the absolute value of det A (stable for huge or tiny
    determinants). Only ``logabsdet`` has a gradient: g · A⁻ᵀ."""
    _check_square("linalg.slogdet", A)
    from .._creation import tensor

    sign = tensor(np.sign(np.linalg.det(A._data)), dtype=A.dtype)
    return SlogdetResult((sign, apply(LOGABSDET, (A,))))


def slogdet(input):
    """``torch.slogdet`` / ``Tensor.slogdet``: ``linalg.slogdet`` as the named tuple
    ``torch.return_types.slogdet``."""
    return return_types.slogdet(linalg_slogdet(input))


def solve(A, B, *, left=True):
    """The solution X of A X = B (``left=False``: of X A = B), without forming A⁻¹.

    B may be a vector (one right-hand side) or a matrix / batch of matrices. Gradients:
    ∂f/∂B = A⁻ᵀ G and ∂f/∂A = −(A⁻ᵀ G) Xᵀ.
    """
    _check_square("linalg.solve", A)
    if not isinstance(B, Tensor):
        raise TypeError(f"linalg.solve(): argument 'B' must be Tensor, not {type_name(B)}")
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


# ---------------------------------------------------------------------------- decompositions
#
# Helpers in the rule vocabulary (arrays, Tensors): an identity, a diagonal matrix from a
# vector, the symmetric part, and Φ (the lower triangle with its diagonal halved).


def _eye(m, n, like):
    return m.constant(np.eye(n), like)


def _diag_embed(m, v):
    """(..., k) → (..., k, k) with ``v`` on the diagonal."""
    return m.unsqueeze_dims(v, (v.ndim - 1,)) * _eye(m, v.shape[-1], v)


def _diagonal(x):
    return x.diagonal(0, -2, -1)


def _sym(x):
    return 0.5 * (x + x.mT)


def _phi(m, x):
    """Lower triangle of ``x`` with the diagonal halved (self-adjoint: ⟨Φ(X), Y⟩ = ⟨X, Φ(Y)⟩)."""
    return 0.5 * (m.tril(x) + m.tril(x, -1))


def _is_zero(g):
    """True when no gradient reached this output (the engine passes zeros): its term is
    skipped, so that eigvalsh/svdvals stay finite for repeated or zero values, whose
    vector terms would divide by zero."""
    data = g._data if isinstance(g, Tensor) else g
    return not np.any(data)


def _gap_inverse(m, w):
    """F_ij = 1/(w_j − w_i) off the diagonal, 0 on it (w: (..., k))."""
    eye = _eye(m, w.shape[-1], w)
    gaps = m.unsqueeze_dims(w, (w.ndim - 1,)) - m.unsqueeze_dims(w, (w.ndim,))
    return (1 - eye) / (gaps + eye)


def _spd(shape):
    """A symmetric positive definite sample: B Bᵀ + n I (well conditioned)."""
    rng = np.random.default_rng(sum(shape) + 11)
    b = rng.uniform(-1, 1, shape)
    return b @ np.swapaxes(b, -1, -2) + shape[-1] * np.eye(shape[-1])


def _symmetric_distinct(shape):
    """A symmetric sample whose eigenvalues are well separated (1, 2.5, 4, ... apart)."""
    rng = np.random.default_rng(sum(shape) + 13)
    q, _ = np.linalg.qr(rng.standard_normal(shape))
    w = 1.5 * np.arange(shape[-1]) - 2.0
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)


def _distinct_singular(shape):
    """A matrix whose singular values are well separated (3, 2.2, 1.4, ...)."""
    rng = np.random.default_rng(sum(shape) + 17)
    m, n = shape[-2:]
    k = min(m, n)
    u, _ = np.linalg.qr(rng.standard_normal(shape[:-2] + (m, k)))
    v, _ = np.linalg.qr(rng.standard_normal(shape[:-2] + (n, k)))
    s = 3.0 - 0.8 * np.arange(k)
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


# Cholesky, A = L Lᵀ (A symmetric positive definite; the op reads sym(A), so that its
# derivative along any direction dA is the one along sym(dA), as PyTorch's symmetric
# gradient assumes). Differentiating: dA = dL Lᵀ + L dLᵀ, so
#     L⁻¹ dA L⁻ᵀ = L⁻¹ dL + (L⁻¹ dL)ᵀ,
# and L⁻¹ dL is lower triangular: it is the lower triangle of the left side with the
# diagonal halved, L⁻¹ dL = Φ(L⁻¹ dA L⁻ᵀ)  ⇒  dL = L Φ(L⁻¹ dA L⁻ᵀ)   (the JVP).
# Reverse: ⟨Ḡ, dL⟩ = ⟨Lᵀ Ḡ, Φ(X)⟩ = ⟨Φ(Lᵀ Ḡ), L⁻¹ dA L⁻ᵀ⟩ = ⟨L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹, dA⟩,
# symmetrised because only sym(A) is read.
def _cholesky_vjp(m, g, a, out, upper):
    if upper:  # U = Lᵀ: the gradient reaching L is Ḡᵀ
        g, out = g.mT, out.mT
    inverse = m.inv(out)
    return _sym(inverse.mT @ _phi(m, out.mT @ g) @ inverse)


def _cholesky_jvp(m, tangents, a, out, upper):
    low = out.mT if upper else out
    inverse = m.inv(low)
    dl = low @ _phi(m, inverse @ _sym(tangents[0]) @ inverse.mT)
    return dl.mT if upper else dl


def _cholesky_forward(xp, a, upper):
    low = np.linalg.cholesky(0.5 * (a + np.swapaxes(a, -1, -2)))
    return np.ascontiguousarray(np.swapaxes(low, -1, -2)) if upper else low


def _cholesky_samples(call):
    return [
        Sample((Arg((3, 3), values=_spd((3, 3))),), call=call),
        Sample((Arg((2, 4, 4), values=_spd((2, 4, 4))),), call=call, note="batch"),
        Sample(
            (Arg((3, 3), values=_spd((3, 3))),),
            call=lambda torch, x: _upper_call(call, torch, x),
            note="upper",
        ),
    ]


def _upper_call(call, torch, x):
    return call(torch, x, upper=True)


CHOLESKY = Op(
    "linalg_cholesky",
    "LinalgCholeskyExBackward0",
    forward=_cholesky_forward,
    vjp=(_cholesky_vjp,),
    jvp=_cholesky_jvp,
    samples=_cholesky_samples(lambda torch, x, **k: torch.linalg.cholesky(x, **k)),
)

# the deprecated torch.cholesky: the same factorisation, its own node name
CHOLESKY_LEGACY = Op(
    "cholesky",
    "CholeskyBackward0",
    forward=_cholesky_forward,
    vjp=(_cholesky_vjp,),
    jvp=_cholesky_jvp,
    samples=_cholesky_samples(lambda torch, x, **k: torch.cholesky(x, **k)),
)


# Symmetric eigendecomposition A = V diag(w) Vᵀ, eigenvalues ascending (the op reads
# sym(A), as Cholesky). From dA = dV W Vᵀ + V dW Vᵀ + V W dVᵀ and C = Vᵀ dV (skew, as
# VᵀV = I): Vᵀ dA V = C W − W C + dW. Its diagonal is dW (C has a zero diagonal) and its
# (i, j) entry off the diagonal is C_ij (w_j − w_i), so C = F ∘ (Vᵀ dA V):
#     dw = diag(Vᵀ dA V),   dV = V (F ∘ Vᵀ dA V),   F_ij = 1/(w_j − w_i), F_ii = 0.
# Reverse: ⟨w̄, dw⟩ + ⟨V̄, dV⟩ = ⟨diag(w̄) + F ∘ (Vᵀ V̄), Vᵀ dA V⟩ (F∘ is self-adjoint), so
#     ∂f/∂A = sym(V (diag(w̄) + F ∘ Vᵀ V̄) Vᵀ)   (eigenvalues must be distinct for V̄ ≠ 0).
def _eigh_forward(xp, a):
    w, v = np.linalg.eigh(0.5 * (a + np.swapaxes(a, -1, -2)))
    return w, v


def _eigh_vjp(m, g, a, out):
    gw, gv = g
    w, v = out
    inner = _diag_embed(m, gw)
    if not _is_zero(gv):
        inner = inner + _gap_inverse(m, w) * (v.mT @ gv)
    return _sym(v @ inner @ v.mT)


def _eigh_jvp(m, tangents, a, out):
    w, v = out
    projected = v.mT @ _sym(tangents[0]) @ v
    return _diagonal(projected), v @ (_gap_inverse(m, w) * projected)


EIGH = Op(
    "linalg_eigh",
    "LinalgEighBackward0",
    forward=_eigh_forward,
    vjp=(_eigh_vjp,),
    jvp=_eigh_jvp,
    n_outputs=2,
    samples=[
        Sample(
            (Arg((4, 4), values=_symmetric_distinct((4, 4))),),
            call=lambda torch, x: torch.linalg.eigvalsh(x),
            note="eigenvalues",
        ),
        Sample(
            (Arg((2, 3, 3), values=_symmetric_distinct((2, 3, 3))),),
            call=lambda torch, x: torch.linalg.eigvalsh(x),
            note="batch eigenvalues",
        ),
        # the eigenvectors' signs come from LAPACK: this sample's agree with PyTorch's
        Sample(
            (Arg((3, 3), values=_symmetric_distinct((3, 3))),),
            call=lambda torch, x: torch.linalg.eigh(x).eigenvectors,
            note="eigenvectors",
        ),
    ],
)


# Reduced SVD A = U S Vᵀ (A: m×n, k = min(m, n), singular values distinct and nonzero).
# With dP = Uᵀ dA V: from dA = dU S Vᵀ + U dS Vᵀ + U S dVᵀ and the skew C = Uᵀ dU,
# D = Vᵀ dV:  dP = C S + dS − S D.  Its diagonal is dS; off the diagonal, dP and dPᵀ give
#     C = F ∘ (dP S + S dPᵀ),  D = F ∘ (S dP + dPᵀ S),  F_ij = 1/(s_j² − s_i²), F_ii = 0,
# and the parts of dU, dV outside span(U), span(V):
#     dU = U C + (I − UUᵀ) dA V S⁻¹,   dV = V D + (I − VVᵀ) dAᵀ U S⁻¹.
# Reverse (pairing each term with Ū, S̄, V̄ and moving everything onto dA):
#     ∂f/∂A = U [diag(S̄) + (F ∘ (UᵀŪ − ŪᵀU)) S + S (F ∘ (VᵀV̄ − V̄ᵀV))] Vᵀ
#             + (I − UUᵀ) Ū S⁻¹ Vᵀ + U S⁻¹ V̄ᵀ (I − VVᵀ).
def _svd_forward(xp, a, full_matrices):
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return u, s, vh


def _svd_check(a, full_matrices):
    if full_matrices and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            "linalg.svd: the gradient of full_matrices=True is not defined for a non-square "
            "matrix (the extra singular vectors are arbitrary); use full_matrices=False"
        )


def _svd_vjp(m, g, a, out, full_matrices):
    _svd_check(a, full_matrices)
    gu, gs, gvh = g
    u, s, vh = out
    core = _diag_embed(m, gs)
    if _is_zero(gu) and _is_zero(gvh):  # svdvals: U diag(S̄) Vᵀ only
        return u @ core @ vh
    v, gv = vh.mT, gvh.mT
    f = _gap_inverse(m, s * s)
    s_row = m.unsqueeze_dims(s, (s.ndim - 1,))  # (..., 1, k): scales columns
    s_col = m.unsqueeze_dims(s, (s.ndim,))  # (..., k, 1): scales rows
    ut_gu = u.mT @ gu
    vt_gv = v.mT @ gv
    core = core + (f * (ut_gu - ut_gu.mT)) * s_row + s_col * (f * (vt_gv - vt_gv.mT))
    result = u @ core @ vh
    m_rows, n_cols = a.shape[-2], a.shape[-1]
    if m_rows > s.shape[-1]:  # U does not span all of R^m
        result = result + (gu - u @ ut_gu) / s_row @ vh
    if n_cols > s.shape[-1]:  # V does not span all of R^n
        result = result + u @ ((gv - v @ vt_gv) / s_row).mT
    return result


def _svd_jvp(m, tangents, a, out, full_matrices):
    _svd_check(a, full_matrices)
    da = tangents[0]
    u, s, vh = out
    v = vh.mT
    f = _gap_inverse(m, s * s)
    s_row = m.unsqueeze_dims(s, (s.ndim - 1,))
    s_col = m.unsqueeze_dims(s, (s.ndim,))
    dp = u.mT @ da @ v
    ds = _diagonal(dp)
    du = u @ (f * (dp * s_row + s_col * dp.mT))
    dv = v @ (f * (s_col * dp + dp.mT * s_row))
    if a.shape[-2] > s.shape[-1]:
        av = da @ v
        du = du + (av - u @ (u.mT @ av)) / s_row
    if a.shape[-1] > s.shape[-1]:
        atu = da.mT @ u
        dv = dv + (atu - v @ (v.mT @ atu)) / s_row
    return du, ds, dv.mT


SVD = Op(
    "linalg_svd",
    "LinalgSvdBackward0",
    forward=_svd_forward,
    vjp=(_svd_vjp,),
    jvp=_svd_jvp,
    n_outputs=3,
    samples=[
        Sample(
            (Arg((4, 3), values=_distinct_singular((4, 3))),),
            call=lambda torch, x: torch.linalg.svdvals(x),
            note="tall svdvals",
        ),
        Sample(
            (Arg((2, 3, 5), values=_distinct_singular((2, 3, 5))),),
            call=lambda torch, x: torch.linalg.svdvals(x),
            note="wide batch svdvals",
        ),
        # LAPACK's signs of the singular vectors: these samples' agree with PyTorch's
        Sample(
            (Arg((3, 3), values=_distinct_singular((3, 3))),),
            call=lambda torch, x: torch.linalg.svd(x, full_matrices=False).U,
            note="U",
        ),
        Sample(
            (Arg((3, 3), values=_distinct_singular((3, 3))),),
            call=lambda torch, x: torch.linalg.svd(x).Vh,
            note="Vh",
        ),
    ],
)


# Reduced QR A = QR (A: m×n with m ≥ n, full column rank; Q: m×n, QᵀQ = I, R: n×n upper
# triangular). dA = dQ R + Q dR; with X = Qᵀ dA R⁻¹ and the skew C = Qᵀ dQ:
#     X = C + dR R⁻¹,   dR R⁻¹ upper triangular  ⇒  C = tril(X, −1) − tril(X, −1)ᵀ,
#     dR = (X − C) R,   dQ = (I − QQᵀ) dA R⁻¹ + Q C.
# Reverse: with M = R R̄ᵀ − Q̄ᵀ Q and copyltu(M) = tril(M) + tril(M, −1)ᵀ,
#     ∂f/∂A = (Q̄ + Q copyltu(M)) R⁻ᵀ.
def _qr_forward(xp, a, mode):
    q, r = np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
    if mode == "r":
        q = np.zeros((0,), dtype=a.dtype)
    return q, r


def _qr_check(a, mode):
    if a.shape[-2] < a.shape[-1] or mode != "reduced" and a.shape[-2] != a.shape[-1]:
        raise RuntimeError(
            "linalg.qr: the gradient is defined here for mode='reduced' with at least as "
            f"many rows as columns; got a {a.shape[-2]}×{a.shape[-1]} matrix, mode={mode!r}"
        )


def _qr_vjp(m, g, a, out, mode):
    _qr_check(a, mode)
    gq, gr = g
    q, r = out
    if mode == "r":
        raise RuntimeError(
            "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
            "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
            "through linalg.qr."
        )
    mm = r @ gr.mT - gq.mT @ q
    copied = m.tril(mm) + m.tril(mm, -1).mT
    return m.solve(r, (gq + q @ copied).mT).mT


def _qr_jvp(m, tangents, a, out, mode):
    _qr_check(a, mode)
    q, r = out
    da = tangents[0]
    da_rinv = m.solve(r.mT, da.mT).mT  # dA R⁻¹
    x = q.mT @ da_rinv
    lower = m.tril(x, -1)
    c = lower - lower.mT
    dr = (x - c) @ r
    dq = da_rinv - q @ (q.mT @ da_rinv) + q @ c
    return dq, dr


QR = Op(
    "linalg_qr",
    "LinalgQrBackward0",
    forward=_qr_forward,
    vjp=(_qr_vjp,),
    jvp=_qr_jvp,
    n_outputs=2,
    samples=[
        Sample((_square((3, 3)),), call=lambda torch, x: torch.linalg.qr(x)),
        Sample((Arg((5, 3)),), call=lambda torch, x: torch.linalg.qr(x), note="tall"),
        Sample((Arg((2, 4, 3)),), call=lambda torch, x: torch.linalg.qr(x).R, note="batch R"),
    ],
)


# Moore–Penrose pseudo-inverse P = A⁺ (constant rank near A). Golub & Pereyra:
#     dP = −P dA P + P Pᵀ dAᵀ (I − A P) + (I − P A) dAᵀ Pᵀ P.
# Reverse, each term moved onto dA with ⟨G, X dA Y⟩ = ⟨Xᵀ G Yᵀ, dA⟩ and
# ⟨G, X dAᵀ Y⟩ = ⟨Y Gᵀ X, dA⟩:
#     ∂f/∂A = −Pᵀ Ḡ Pᵀ + (I − A P) Ḡᵀ P Pᵀ + Pᵀ P Ḡᵀ (I − P A).
def _pinv_cutoff(s, atol, rtol, shape):
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else np.finfo(s.dtype).eps * max(shape[-2:])
    atol = 0.0 if atol is None else atol
    largest = s[..., :1] if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), s.dtype)
    return np.maximum(atol, rtol * largest)


def _pinv_array(a, atol, rtol):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    keep = s > _pinv_cutoff(s, atol, rtol, a.shape)
    inverse = np.where(keep, 1 / np.where(keep, s, 1), 0)
    return np.swapaxes(vh, -1, -2) @ (inverse[..., :, None] * np.swapaxes(u, -1, -2))


def _pinv_adjoint(m, g, a, p):
    """∂f/∂A from the gradient ``g`` reaching P = A⁺ (see PINV)."""
    left = g.mT @ p @ p.mT
    right = p.mT @ p @ g.mT
    return -(p.mT @ g @ p.mT) + (left - a @ (p @ left)) + (right - (right @ p) @ a)


def _pinv_tangent(m, da, a, p):
    rows = da.mT - da.mT @ (a @ p)
    cols = da.mT - (p @ a) @ da.mT
    return -(p @ da @ p) + p @ p.mT @ rows + cols @ p.mT @ p


PINV = Op(
    "linalg_pinv",
    "LinalgPinvBackward0",
    forward=lambda xp, a, atol, rtol: _pinv_array(a, atol, rtol),
    vjp=(lambda m, g, a, out, atol, rtol: _pinv_adjoint(m, g, a, out),),
    jvp=lambda m, tangents, a, out, atol, rtol: _pinv_tangent(m, tangents[0], a, out),
    samples=[
        Sample((Arg((4, 3)),), call=lambda torch, x: torch.linalg.pinv(x), note="tall"),
        Sample((Arg((2, 2, 3)),), call=lambda torch, x: torch.linalg.pinv(x), note="wide"),
        Sample((_square((3, 3)),), call=lambda torch, x: torch.linalg.pinv(x)),
    ],
)


# Least squares X = A⁺ B (full rank A): with P = A⁺, dX = dP B + P dB, so
#     ∂f/∂B = Pᵀ Ḡ,   ∂f/∂A = the pseudo-inverse's rule with Ḡ Bᵀ reaching P.
def _lstsq_forward(xp, a, b):
    return _pinv_array(a, None, None) @ b


def _lstsq_vjp_a(m, g, a, b, out):
    return _pinv_adjoint(m, g @ b.mT, a, _pinv_of(m, a))


def _lstsq_vjp_b(m, g, a, b, out):
    return _pinv_of(m, a).mT @ g


def _lstsq_jvp(m, tangents, a, b, out):
    da, db = tangents
    p = _pinv_of(m, a)
    result = None
    if da is not None:
        result = _pinv_tangent(m, da, a, p) @ b
    if db is not None:
        term = p @ db
        result = term if result is None else result + term
    return result


def _pinv_of(m, a):
    """A⁺ in ``m``'s representation (recorded, when rules run on Tensors)."""
    if m.records_graph():
        return apply(PINV, (a,), (None, None))
    return _pinv_array(a, None, None)


LSTSQ = Op(
    "linalg_lstsq",
    "LinalgLstsqBackward0",
    forward=_lstsq_forward,
    vjp=(_lstsq_vjp_a, _lstsq_vjp_b),
    jvp=_lstsq_jvp,
    samples=[
        Sample(
            (Arg((5, 3)), Arg((5, 2))),
            call=lambda torch, a, b: torch.linalg.lstsq(a, b).solution,
            note="tall",
        ),
        Sample(
            (_square((3, 3)), Arg((3, 2))),
            call=lambda torch, a, b: torch.linalg.lstsq(a, b).solution,
        ),
    ],
)


# ---------------------------------------------------------------------------- public API


def _check_matrix(name, A):
    if not isinstance(A, Tensor):
        raise TypeError(f"{name}(): argument 'A' must be Tensor, not {type_name(A)}")
    if A._data.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.dtype.name not in ("float32", "float64"):
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got {_dtype_name(A)}"
        )


def _not_positive_definite(name, a):
    """torch's error: which matrix of a batch failed, and the order of its first leading
    minor that is not positive-definite."""
    from ..linalg import LinAlgError

    matrices = a.reshape((-1,) + a.shape[-2:])
    for index, one in enumerate(matrices):
        sym = 0.5 * (one + one.T)
        for k in range(1, one.shape[-1] + 1):
            try:
                np.linalg.cholesky(sym[:k, :k])
            except np.linalg.LinAlgError:
                where = f"(Batch element {index}): " if a.ndim > 2 else ""
                return LinAlgError(
                    f"{name}: {where}The factorization could not be completed because the "
                    f"input is not positive-definite (the leading minor of order {k} is not "
                    "positive-definite)."
                )
    return LinAlgError(f"{name}: the input is not positive-definite")


def _deprecated(old, new):
    warnings.warn(
        f"{old} is deprecated in favor of {new} and will be removed in a future PyTorch release.",
        UserWarning,
        stacklevel=3,
    )


def linalg_cholesky(A, *, upper=False, out=None):
    """The Cholesky factor L (lower triangular, positive diagonal) with A = L Lᵀ.

    A must be symmetric positive definite (it is read as (A + Aᵀ)/2); ``upper=True``
    returns U = Lᵀ (A = Uᵀ U). Raises ``torch.linalg.LinAlgError`` otherwise. The gradient
    is sym(L⁻ᵀ Φ(Lᵀ Ḡ) L⁻¹), Φ the lower triangle with a halved diagonal.
    """
    _check_square("linalg.cholesky", A)
    try:
        return apply(CHOLESKY, (A,), (bool(upper),))
    except np.linalg.LinAlgError:
        raise _not_positive_definite("linalg.cholesky", A._data) from None


def cholesky(input, upper=False, *, out=None):
    """Deprecated ``torch.cholesky``: the same as ``torch.linalg.cholesky`` (node
    ``CholeskyBackward0``)."""
    _deprecated("torch.cholesky", "torch.linalg.cholesky")
    _check_square("cholesky", input)
    try:
        return apply(CHOLESKY_LEGACY, (input,), (bool(upper),))
    except np.linalg.LinAlgError:
        raise _not_positive_definite("cholesky", input._data) from None


def _check_uplo(name, UPLO):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of a symmetric A:
    A = V diag(w) Vᵀ.

    A is read as (A + Aᵀ)/2 (pass a symmetric matrix; ``UPLO`` is accepted for
    compatibility). Each eigenvector's sign is LAPACK's choice. The eigenvector gradient
    divides by eigenvalue gaps: it is only defined for distinct eigenvalues.
    """
    _check_square("linalg.eigh", A)
    _check_uplo("linalg.eigh", UPLO)
    return EighResult(apply(EIGH, (A,)))


def eigvalsh(A, UPLO="L", *, out=None):
    """The eigenvalues (ascending) of a symmetric A; gradient V diag(w̄) Vᵀ."""
    _check_square("linalg.eigvalsh", A)
    _check_uplo("linalg.eigvalsh", UPLO)
    return apply(EIGH, (A,))[0]


def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    """The singular value decomposition A = U diag(S) Vh (S descending, ≥ 0).

    ``full_matrices=False`` gives the reduced form (U: m×k, Vh: k×n, k = min(m, n)); the
    default full form completes U and Vh to square orthogonal matrices (its gradient is
    only defined for square A). Vector signs are LAPACK's; the gradient of U and Vh
    needs distinct singular values, that of S does not.
    """
    _check_matrix("linalg.svd", A)
    return SVDResult(apply(SVD, (A,), (bool(full_matrices),)))


def svdvals(A, *, driver=None, out=None):
    """The singular values of A, descending; their gradient is U diag(S̄) Vᵀ."""
    _check_matrix("linalg.svdvals", A)
    return apply(SVD, (A,), (False,))[1]


def svd(input, some=True, compute_uv=True, *, out=None):
    """Deprecated ``torch.svd``: returns (U, S, V) with A = U diag(S) Vᵀ; ``some=True``
    is the reduced form. With ``compute_uv=False``, U and V are zero matrices."""
    _check_matrix("svd", input)
    u, s, vh = apply(SVD, (input,), (not some,))
    if not compute_uv:
        from .._creation import zeros

        m, n = input._data.shape[-2:]
        batch = input._data.shape[:-2]
        return SVDLegacyResult(
            (
                zeros(batch + (m, m), dtype=input.dtype),
                s.detach(),
                zeros(batch + (n, n), dtype=input.dtype),
            )
        )
    return SVDLegacyResult((u, s, vh.mT))


def linalg_qr(A, mode="reduced", *, out=None):
    """The QR decomposition A = QR. ``mode``: 'reduced' (Q: m×k, R: k×n, k = min(m, n)),
    'complete' (Q: m×m, R: m×n) or 'r' (R only, Q empty). Signs are LAPACK's (R's diagonal
    may be negative), as in PyTorch."""
    _check_matrix("linalg.qr", A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' "
            "(default), 'r', or 'complete'"
        )
    return QRResult(apply(QR, (A,), (mode,)))


def qr(input, some=True, *, out=None):
    """Deprecated ``torch.qr``: ``some=True`` is ``linalg.qr(mode='reduced')``, ``False``
    is 'complete'."""
    _deprecated("torch.qr", "torch.linalg.qr")
    return return_types.qr(linalg_qr(input, "reduced" if some else "complete"))


def _check_tolerances(atol, rtol, rcond):
    if rcond is not None:
        if atol is not None or rtol is not None:
            raise RuntimeError("pinv: rcond cannot be used together with atol or rtol")
        return None, rcond
    return atol, rtol


def pinv(A, *, atol=None, rtol=None, hermitian=False, rcond=None, out=None):
    """The Moore–Penrose pseudo-inverse A⁺ (n×m for an m×n A), from the SVD: singular
    values at most max(atol, rtol · σ_max) are treated as zero (default rtol:
    max(m, n) · machine epsilon). Gradient: the Golub–Pereyra formula (constant rank)."""
    _check_matrix("linalg.pinv", A)
    atol, rtol = _check_tolerances(atol, rtol, rcond)
    return apply(PINV, (A,), (atol, rtol))


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution X minimising ‖A X − B‖ (the minimum-norm one when A is
    rank deficient): X = A⁺ B. ``B`` may be a vector. Only ``solution`` has a gradient."""
    _check_matrix("linalg.lstsq", A)
    if not isinstance(B, Tensor):
        raise TypeError(f"linalg.lstsq(): argument 'B' must be Tensor, not {type_name(B)}")
    vector = B._data.ndim == A._data.ndim - 1
    b = B.unsqueeze(-1) if vector else B
    if b._data.shape[-2] != A._data.shape[-2]:
        raise RuntimeError(
            "torch.linalg.lstsq: input.size(-2) should match other.size(-2), but got "
            f"{A._data.shape[-2]} and {b._data.shape[-2]}"
        )
    solution = apply(LSTSQ, (A, b))
    if vector:
        solution = solution.squeeze(-1)
    from .._creation import tensor

    rank = np.linalg.matrix_rank(A._data)
    empty = tensor([], dtype=A.dtype)
    return LstsqResult((solution, empty, tensor(rank, dtype=tensor(0).dtype), empty))


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None):
    """The number of singular values above max(atol, rtol · σ_max) (default rtol:
    max(m, n) · machine epsilon), an int64 tensor (one per matrix of a batch)."""
    _check_matrix("linalg.matrix_rank", A)
    atol, rtol = _check_tolerances(atol if tol is None else tol, rtol, None)
    s = np.linalg.svd(A._data, compute_uv=False)
    cutoff = _pinv_cutoff(s, atol, rtol, A._data.shape)
    from .._creation import tensor

    return tensor(np.sum(s > cutoff, axis=-1).astype(np.int64))


def multi_dot(tensors, *, out=None):
    """The product of a list of matrices, left to right; the first may be a 1-d row
    vector and the last a 1-d column vector (the result then loses those dims)."""
    from .linalg import matmul

    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    result = tensors[0]
    for t in tensors[1:]:
        result = matmul(result, t)
    return result


__all__ = ["inverse", "det", "logdet", "slogdet", "cholesky", "qr", "svd"]
METHODS = ["inverse", "det", "logdet", "slogdet", "cholesky", "qr", "svd"]
INPLACE_METHODS = []
