"""Matrix products: mm, mv, dot, bmm and matmul in all its rank cases.

The course's rule: for Y = A B, dY = dA·B + A·dB, so from df = tr(Gᵀ dY) one reads off
∂f/∂A = G Bᵀ and ∂f/∂B = Aᵀ G. Every product here is that rule with the right shapes.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._registry import Arg, Op, Sample, apply

# dY = dA·B + A·dB  ⇒  ∂f/∂A = G Bᵀ,  ∂f/∂B = Aᵀ G
MM = Op(
    "mm",
    "MmBackward0",
    forward=lambda xp, a, b: a @ b,
    vjp=(lambda m, g, a, b, out: g @ b.mT, lambda m, g, a, b, out: a.mT @ g),
    jvp=lambda m, tangents, a, b, out: _bilinear_jvp(tangents, a, b),
    samples=[Sample((Arg((3, 4)), Arg((4, 5)))), Sample((Arg((1, 4)), Arg((4, 1))))],
)


def _bilinear_jvp(tangents, a, b):
    da, db = tangents
    if da is None:
        return a @ db
    if db is None:
        return da @ b
    return da @ b + a @ db


# y = A x: ∂f/∂A = g xᵀ, ∂f/∂x = Aᵀ g
MV = Op(
    "mv",
    "MvBackward0",
    forward=lambda xp, a, x: a @ x,
    vjp=(lambda m, g, a, x, out: g[:, None] * x[None, :], lambda m, g, a, x, out: a.mT @ g),
    jvp=lambda m, tangents, a, x, out: _bilinear_jvp(tangents, a, x),
    samples=[Sample((Arg((3, 4)), Arg((4,))))],
)

# s = a·b: ∂f/∂a = g b, ∂f/∂b = g a
DOT = Op(
    "dot",
    "DotBackward0",
    forward=lambda xp, a, b: np.dot(a, b),
    vjp=(lambda m, g, a, b, out: g * b, lambda m, g, a, b, out: g * a),
    jvp=lambda m, tangents, a, b, out: _bilinear_jvp(tangents, a, b),
    samples=[Sample((Arg((4,)), Arg((4,))))],
)

# a batch of matrix products: the mm rule per batch element
BMM = Op(
    "bmm",
    "BmmBackward0",
    forward=lambda xp, a, b: a @ b,
    vjp=(lambda m, g, a, b, out: g @ b.mT, lambda m, g, a, b, out: a.mT @ g),
    jvp=lambda m, tangents, a, b, out: _bilinear_jvp(tangents, a, b),
    samples=[Sample((Arg((2, 3, 4)), Arg((2, 4, 5))))],
)


def _matmul_vjp_a(m, g, a, b, out):
    if a.ndim == 1:
        a2 = m.reshape(a, (1,) + tuple(a.shape))
        g = m.unsqueeze_dims(g, (g.ndim - 1,))
    else:
        a2 = a
    if b.ndim == 1:
        g = m.unsqueeze_dims(g, (g.ndim,))
        b = m.reshape(b, tuple(b.shape) + (1,))
    return (
        m.sum_to(g @ b.mT, a2.shape)
        if a.ndim > 1
        else m.reshape(m.sum_to(g @ b.mT, a2.shape), a.shape)
    )


def _matmul_vjp_b(m, g, a, b, out):
    if a.ndim == 1:
        a = m.reshape(a, (1,) + tuple(a.shape))
        g = m.unsqueeze_dims(g, (g.ndim - 1,))
    if b.ndim == 1:
        g = m.unsqueeze_dims(g, (g.ndim,))
        return m.reshape(m.sum_to(a.mT @ g, tuple(b.shape) + (1,)), b.shape)
    return m.sum_to(a.mT @ g, b.shape)


# broadcast batched product (at least one operand has more than 2 dims): the mm rule with
# 1-d operands treated as a row (left) or column (right), and batch broadcasting undone
MATMUL = Op(
    "matmul",
    "UnsafeViewBackward0",
    forward=lambda xp, a, b: np.matmul(a, b),
    vjp=(_matmul_vjp_a, _matmul_vjp_b),
    jvp=lambda m, tangents, a, b, out: _bilinear_jvp(tangents, a, b),
    samples=[
        Sample((Arg((2, 3, 4)), Arg((4, 5)))),
        Sample((Arg((2, 1, 3, 4)), Arg((5, 4, 2)))),
        Sample((Arg((4,)), Arg((2, 4, 3)))),
        Sample((Arg((2, 3, 4)), Arg((4,)))),
        # torch computes vector @ matrix as mm(v.unsqueeze(0), M).squeeze_(0), so its last
        # node is the in-place squeeze's; ours is the one batched-product node
        Sample((Arg((4,)), Arg((4, 3))), note="vector-matrix", torch_grad_fn="SqueezeBackward4"),
    ],
)


def _check_float_pair(name, a, b):
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError(
            f"{name}(): argument must be Tensor, not "
            f"{type(b if isinstance(a, Tensor) else a).__name__}"
        )
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype} != {b.dtype}"
        )


def _dims(t) -> str:
    return "x".join(str(n) for n in t.shape)


def mm(input, mat2, *, out=None):
    """Matrix product of an (n×m) and an (m×p) matrix."""
    _check_float_pair("mm", input, mat2)
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_dims(input)} and {_dims(mat2)})"
        )
    return apply(MM, (input, mat2))


def mv(input, vec, *, out=None):
    """Matrix-vector product of an (n×m) matrix and an m-vector."""
    _check_float_pair("mv", input, vec)
    if input._data.ndim != 2 or vec._data.ndim != 1 or input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0] if input.ndim else 0}), mat "
            f"({_dims(input)}), vec ({vec.shape[0] if vec.ndim else 0})"
        )
    return apply(MV, (input, vec))


def dot(input, tensor, *, out=None):
    """Inner product of two 1-D tensors of the same length."""
    _check_float_pair("dot", input, tensor)
    if input._data.ndim != 1 or tensor._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors")
    if input.shape[0] != tensor.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
            f"[{tensor.shape[0]}] to have the same number of elements, but got "
            f"{input.shape[0]} and {tensor.shape[0]} elements respectively"
        )
    return apply(DOT, (input, tensor))


inner_product = dot


def bmm(input, mat2, *, out=None):
    """Batched matrix product of (b×n×m) and (b×m×p) tensors."""
    _check_float_pair("bmm", input, mat2)
    if input._data.ndim != 3 or mat2._data.ndim != 3:
        raise RuntimeError(
            "batch1 must be a 3D tensor" if input.ndim != 3 else "batch2 must be a 3D tensor"
        )
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, "
            f"{mat2.shape[1]}]."
        )
    return apply(BMM, (input, mat2))


def matmul(input, other, *, out=None):
    """Matrix product with PyTorch's rank rules.

    1-D·1-D is a dot product, 2-D·2-D ``mm``, 2-D·1-D ``mv``; a 1-D left operand is a
    row vector and a 1-D right operand a column vector (the added dimension is removed
    afterwards); with more dimensions the leading (batch) dimensions broadcast.
    """
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise TypeError("matmul(): argument 'other' (position 2) must be Tensor")
    a_dim, b_dim = input._data.ndim, other._data.ndim
    if a_dim == 0 or b_dim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a_dim}D and {b_dim}D"
        )
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {input.dtype} != {other.dtype}"
        )
    inner_a = input._data.shape[-1]
    inner_b = other._data.shape[-2] if b_dim > 1 else other._data.shape[0]
    if inner_a != inner_b:
        if a_dim == 1 and b_dim == 1:
            return dot(input, other)
        if b_dim == 1:
            raise RuntimeError(
                f"size mismatch, got input ({input.shape[0]}), mat ({_dims(input)}), vec "
                f"({other.shape[0]})"
                if a_dim == 2
                else f"mat1 and mat2 shapes cannot be multiplied ({_dims(input)} and "
                f"{_dims(other)})"
            )
        rows = input.shape[-2] if a_dim > 1 else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied "
            f"({rows if a_dim < 3 else _batched_rows(input)}x{inner_a} and "
            f"{inner_b}x{other.shape[-1]})"
        )
    if a_dim == 1 and b_dim == 1:
        return apply(DOT, (input, other))
    if a_dim == 2 and b_dim == 2:
        return apply(MM, (input, other))
    if a_dim == 2 and b_dim == 1:
        return apply(MV, (input, other))
    try:
        return apply(MATMUL, (input, other))
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({input.shape[0]}) must match the size of tensor b "
            f"({other.shape[0]}) at non-singleton dimension 0"
        ) from None


def _batched_rows(t) -> int:
    rows = 1
    for n in t.shape[:-1]:
        rows *= n
    return rows


# the torch namespace functions of this family, and those that are also Tensor methods
__all__ = ["bmm", "dot", "matmul", "mm", "mv"]
METHODS = ["mm", "mv", "dot", "bmm", "matmul"]
INPLACE_METHODS = []
