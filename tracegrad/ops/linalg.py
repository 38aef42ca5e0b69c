"""Matrix products (mm, mv, dot, bmm, matmul, addmm, outer, einsum) and matrix parts
(trace, diag, diagonal, tril, triu).

The course's rule: for Y = A B, dY = dA·B + A·dB, so from df = tr(Gᵀ dY) one reads off
∂f/∂A = G Bᵀ and ∂f/∂B = Aᵀ G. Every product here is that rule with the right shapes;
einsum is the same rule written once for any contraction. The matrix parts only move
elements, so their gradients move ``g`` back to where the elements came from.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np

from .. import _dtype as dtypes
from .._tensor import _wrap_dim, Tensor, type_name
from ._registry import Arg, Op, Sample, apply
from .arithmetic import _finish, mul
from .shape import as_view, expand, reshape, unsqueeze
from .._dtype import TYPE_WORDS
from .._dtype import C_TYPE_NAMES as _C_TYPE_NAMES

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
    ],
)


def _dtype_mismatch(name, a, b) -> str:
    """torch's message for a product of two tensors of different dtypes (each kernel has
    its own wording, and users search for it)."""
    if name == "dot":
        return (
            f"dot : expected both vectors to have same dtype, but found {_word(a)} and {_word(b)}"
        )
    if name == "mv":
        return (
            f"addmv input tensors must have the same dtype, but got {_word(b)}, {_word(a)}, "
            f"and {_word(b)}"
        )
    if name == "bmm":
        return f"expected scalar type {_word(a)} but found {_word(b)}"
    return (
        "expected m1 and m2 to have the same dtype, but got: "
        f"{_C_TYPE_NAMES[a.dtype.name]} != {_C_TYPE_NAMES[b.dtype.name]}"
    )


def _check_float_pair(name, a, b):
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError(
            f"{name}(): argument must be Tensor, not "
            f"{type(b if isinstance(a, Tensor) else a).__name__}"
        )
    if a.dtype is not b.dtype:
        raise RuntimeError(_dtype_mismatch(name, a, b))


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
    return _out(apply(MM, (input, mat2)), out)


def mv(input, vec, *, out=None):
    """Matrix-vector product of an (n×m) matrix and an m-vector."""
    _check_float_pair("mv", input, vec)
    if input._data.ndim != 2 or vec._data.ndim != 1 or input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0] if input.ndim else 0}), mat "
            f"({_dims(input)}), vec ({vec.shape[0] if vec.ndim else 0})"
        )
    return _out(apply(MV, (input, vec)), out)


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
    return _out(apply(DOT, (input, tensor)), out)


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
    return _out(apply(BMM, (input, mat2)), out)


def matmul(input, other, *, out=None):
    """Matrix product with PyTorch's rank rules.

    1-D·1-D is a dot product, 2-D·2-D ``mm``, 2-D·1-D ``mv``; a 1-D left operand is a
    row vector and a 1-D right operand a column vector (the added dimension is removed
    afterwards); with more dimensions the leading (batch) dimensions broadcast. ``out=``
    receives a copy of the product.
    """
    return _out(_matmul(input, other), out)


def _matmul(input, other):
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise TypeError("matmul(): argument 'other' (position 2) must be Tensor")
    a_dim, b_dim = input._data.ndim, other._data.ndim
    if a_dim == 0 or b_dim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a_dim}D and {b_dim}D"
        )
    if input.dtype is not other.dtype:
        # matmul dispatches on the ranks, and each kernel words the error its own way
        kernel = {(1, 1): "dot", (2, 1): "mv"}.get((a_dim, b_dim), "mm")
        raise RuntimeError(_dtype_mismatch(kernel, input, other))
    inner_a = input._data.shape[-1]
    inner_b = other._data.shape[-2] if b_dim > 1 else other._data.shape[0]
    if b_dim >= 3:
        # torch broadcasts the batch dims, then runs bmm on the flattened batch
        _check_batched_matmul(input, other, inner_a, inner_b)
    elif inner_a != inner_b:
        if a_dim == 1 and b_dim == 1:
            return dot(input, other)
        # a 3-D or higher ``input`` is folded into one matrix for mm / mv
        rows = 1 if a_dim == 1 else input.shape[0] if a_dim == 2 else _batched_rows(input)
        if b_dim == 1:
            raise RuntimeError(
                f"size mismatch, got input ({rows}), mat ({rows}x{inner_a}), vec ({inner_b})"
            )
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{inner_a} and "
            f"{inner_b}x{other.shape[-1]})"
        )
    if a_dim == 1 and b_dim == 1:
        return apply(DOT, (input, other))
    if a_dim == 2 and b_dim == 2:
        return apply(MM, (input, other))
    if a_dim == 2 and b_dim == 1:
        return apply(MV, (input, other))
    if a_dim == 1 and b_dim == 2:
        # as torch: mm(v.unsqueeze(0), M).squeeze_(0) (its nodes, and gemm's roundings)
        return apply(MM, (unsqueeze(input, 0), other)).squeeze_(0)
    return apply(MATMUL, (input, other))


def _check_batched_matmul(input, other, inner_a, inner_b) -> None:
    """torch's errors for a batched product: batch dims that do not broadcast, then the
    inner sizes, reported by bmm over the flattened batch."""
    batch_a, batch_b = tuple(input.shape[:-2]), tuple(other.shape[:-2])
    length = max(len(batch_a), len(batch_b))
    batch_a = (1,) * (length - len(batch_a)) + batch_a
    batch_b = (1,) * (length - len(batch_b)) + batch_b
    batch = 1
    for i, (a, b) in enumerate(zip(batch_a, batch_b, strict=True)):
        if a != b and a != 1 and b != 1:
            raise RuntimeError(
                f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                f"non-singleton dimension {i}"
            )
        batch *= b if a == 1 else a
    if inner_a != inner_b:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{batch}, {inner_a}] but got: [{batch}, {inner_b}]."
        )


def _batched_rows(t) -> int:
    rows = 1
    for n in t.shape[:-1]:
        rows *= n
    return rows


# ---------------------------------------------------------------------------- outer


def outer(input, vec2, *, out=None):
    """The outer product of two vectors: ``out[i, j] = input[i] * vec2[j]``.

    Computed as the broadcast product ``input.reshape(-1, 1) * vec2`` (as PyTorch does),
    so its node is mul's and so is its gradient: ∂/∂input = g vec2, ∂/∂vec2 = gᵀ input.
    """

    for name, t in (("self", input), ("vec2", vec2)):
        if not isinstance(t, Tensor):
            raise TypeError(f"outer(): argument '{name}' must be Tensor, not {type_name(t)}")
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return _finish(mul(reshape(input, -1, 1), vec2), out)


ger = outer


# ---------------------------------------------------------------------------- addmm


def _addmm_forward(xp, bias, a, b, beta, alpha):
    product = a @ b
    if alpha != 1:
        product = product * np.asarray(alpha, dtype=product.dtype)
    if beta == 0:  # PyTorch ignores the input then (NaN in it does not propagate)
        return product
    if beta != 1:
        bias = bias * np.asarray(beta, dtype=product.dtype)
    if product.dtype == bias.dtype:
        product += bias  # the product is a fresh array: add in place (same rounding)
        return product
    return bias + product


def _addmm_grad_mat2(m, g, a, b, alpha):
    """α Aᵀ G. For a weight used as ``w.t()`` (B is then a transposed view), computing
    (Gᵀ A)ᵀ gives the result already in the weight's own memory layout, so that no
    transposing copy is needed when it is accumulated into ``w.grad``."""
    if not m.records_graph() and b.flags.f_contiguous and not b.flags.c_contiguous:
        grad = (g.mT @ a).mT
    else:
        grad = a.mT @ g
    return grad if alpha == 1 else grad * alpha


def _addmm_jvp(m, tangents, bias, a, b, out, beta, alpha):
    d_bias, da, db = tangents
    result = 0 * out
    if d_bias is not None and beta != 0:
        result = result + beta * d_bias
    if da is not None:
        result = result + alpha * (da @ b)
    if db is not None:
        result = result + alpha * (a @ db)
    return result


# out = β·input + α·A B: ∂/∂input = β g (summed over broadcast dims), ∂/∂A = α G Bᵀ,
# ∂/∂B = α Aᵀ G
ADDMM = Op(
    "addmm",
    "AddmmBackward0",
    forward=_addmm_forward,
    vjp=(
        lambda m, g, bias, a, b, out, beta, alpha: m.sum_to(
            g if beta == 1 else g * beta, bias.shape
        ),
        lambda m, g, bias, a, b, out, beta, alpha: g @ b.mT if alpha == 1 else (g @ b.mT) * alpha,
        lambda m, g, bias, a, b, out, beta, alpha: _addmm_grad_mat2(m, g, a, b, alpha),
    ),
    jvp=_addmm_jvp,
    samples=[
        Sample((Arg((3, 5)), Arg((3, 4)), Arg((4, 5)))),
        Sample((Arg((5,)), Arg((3, 4)), Arg((4, 5))), {"beta": 0.5, "alpha": -2.0}),
        Sample(
            (Arg((3, 1)), Arg((3, 4)), Arg((4, 5))),
            {"alpha": 3},
            call=lambda torch, x, a, b, **k: x.addmm(a, b, **k),
        ),
        Sample((Arg(()), Arg((2, 4)), Arg((4, 3))), {"beta": 0}, note="beta 0"),
    ],
)


def _word(t) -> str:
    return TYPE_WORDS.get(t.dtype.name, t.dtype.name)


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)``, with ``input`` broadcast to the result.

    The gradients are β g for ``input`` (summed over its broadcast dims), α G mat2ᵀ for
    ``mat1`` and α mat1ᵀ G for ``mat2``. With ``beta=0`` the input is ignored.
    """

    if (
        out is None
        and isinstance(input, Tensor)
        and isinstance(mat1, Tensor)
        and isinstance(mat2, Tensor)
        and mat1._data.ndim == 2
        and mat2._data.ndim == 2
        and input.dtype is mat1.dtype is mat2.dtype
        and mat2._data.shape[0] == mat1._data.shape[1]
        and input._data.shape == mat2._data.shape[1:]
        and input.dtype._category == dtypes.FLOAT
    ):
        # a layer's call (a bias of one row's length): every check below at once
        return apply(ADDMM, (input, mat1, mat2), (beta, alpha))
    for name, t in (("input", input), ("mat1", mat1), ("mat2", mat2)):
        if not isinstance(t, Tensor):
            raise TypeError(f"addmm(): argument '{name}' must be Tensor, not {type_name(t)}")
    for name, t in (("mat1", mat1), ("mat2", mat2)):
        if t._data.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {t._data.ndim}-D tensor")
    if input.dtype is not mat2.dtype:
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got {_word(input)} and {_word(mat2)}"
        )
    if mat1.dtype is not mat2.dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {_word(mat1)} and {_word(mat2)}"
        )
    if mat1._data.shape[1] != mat2._data.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({_dims(mat1)} and {_dims(mat2)})"
        )
    # the input must broadcast to the result: expand's checks give PyTorch's messages
    # (skipped for the layer's common case, a bias of one row's length)
    bias_shape = input._data.shape
    if not (len(bias_shape) == 1 and bias_shape[0] == mat2._data.shape[1]):
        expand(Tensor._make(input._data), mat1.shape[0], mat2.shape[1])
    if not mat1.dtype.is_floating_point:
        beta, alpha = int(beta), int(alpha)
    return _finish(apply(ADDMM, (input, mat1, mat2), (beta, alpha)), out)


# ---------------------------------------------------------------------------- einsum


@dataclass(frozen=True)
class _EinsumGrad:
    """How to get one operand's gradient: ``einsum(equation, g, *other operands)`` gives
    it over the letters the others still carry; ``missing`` positions are then broadcast
    (letters summed only within this operand), and ``key`` places the result on the
    diagonal when a letter repeats inside the operand."""

    equation: str
    missing: tuple
    unique_shape: tuple
    key: tuple | None


@dataclass(frozen=True)
class _EinsumSpec:
    """One contraction of one or two operands, with letters only (no ``...``)."""

    equation: str
    terms: tuple
    out_term: str
    shapes: tuple  # each operand's shape once its size-1 dims are broadcast
    grads: tuple  # one _EinsumGrad per operand

    def __repr__(self) -> str:
        return f"einsum({self.equation!r})"


def _unique(letters) -> str:
    return "".join(dict.fromkeys(letters))


def _einsum_spec(terms, out_term, sizes) -> _EinsumSpec:
    shapes = tuple(tuple(sizes[c] for c in term) for term in terms)
    grads = []
    for k, term in enumerate(terms):
        carried = set(out_term).union(*(terms[j] for j in range(len(terms)) if j != k))
        unique = _unique(term)
        target = "".join(c for c in unique if c in carried)
        missing = tuple(i for i, c in enumerate(unique) if c not in carried)
        others = [terms[j] for j in range(len(terms)) if j != k]
        key = None
        if len(unique) != len(term):  # a repeated letter: the gradient lives on a diagonal
            key = []
            for c in term:
                axis = unique.index(c)
                shape = [1] * len(unique)
                shape[axis] = sizes[c]
                key.append(np.arange(sizes[c]).reshape(shape))
            key = tuple(key)
        grads.append(
            _EinsumGrad(
                ",".join([out_term, *others]) + "->" + target,
                missing,
                tuple(sizes[c] for c in unique),
                key,
            )
        )
    equation = ",".join(terms) + "->" + out_term
    return _EinsumSpec(equation, tuple(terms), out_term, shapes, tuple(grads))


def _einsum_forward(spec, *arrays):
    arrays = [np.broadcast_to(a, shape) for a, shape in zip(arrays, spec.shapes, strict=True)]
    if len(arrays) == 1:
        return np.array(np.einsum(spec.equation, *arrays), copy=True)
    return np.einsum(spec.equation, *arrays, optimize=True)


def _einsum_grad(m, g, operands, k, spec):
    """The gradient of operand k: g contracted with every other operand (the einsum
    that produced ``out``, solved for operand k), then put back in operand k's shape."""
    plan = spec.grads[k]
    others = [
        m.expand(x, shape)
        for j, (x, shape) in enumerate(zip(operands, spec.shapes, strict=True))
        if j != k
    ]
    grad = m.einsum(plan.equation, g, *others)
    if plan.missing:
        grad = m.expand(m.unsqueeze_dims(grad, plan.missing), plan.unique_shape)
    if plan.key is not None:
        grad = m.index_accumulate(grad, spec.shapes[k], plan.key)
    return m.sum_to(grad, operands[k].shape)


def _einsum_jvp(m, tangents, operands, spec):
    """Multilinear: the sum over operands of the einsum with that operand's tangent."""
    result = None
    for k, t in enumerate(tangents):
        if t is None:
            continue
        arrays = [
            m.expand(t if j == k else x, shape)
            for j, (x, shape) in enumerate(zip(operands, spec.shapes, strict=True))
        ]
        term = m.einsum(spec.equation, *arrays)
        result = term if result is None else result + term
    return result


def _einsum_sample(equation, *shapes, torch_grad_fn, note=""):
    return Sample(
        tuple(Arg(shape) for shape in shapes),
        call=lambda torch, *xs: torch.einsum(equation, *xs),
        note=note or equation.replace(",", "_").replace("->", "_to_").replace("...", "E"),
        torch_grad_fn=torch_grad_fn,
    )


# PyTorch composes einsum from permute, mul, sum, bmm and view, so its last node depends
# on the equation (given per sample); here einsum is one node whose rule is einsum again
EINSUM = Op(
    "einsum",
    "EinsumBackward0",
    forward=lambda xp, a, b, spec: _einsum_forward(spec, a, b),
    vjp=(
        lambda m, g, a, b, out, spec: _einsum_grad(m, g, (a, b), 0, spec),
        lambda m, g, a, b, out, spec: _einsum_grad(m, g, (a, b), 1, spec),
    ),
    jvp=lambda m, tangents, a, b, out, spec: _einsum_jvp(m, tangents, (a, b), spec),
    samples=[
        _einsum_sample("ij,jk->ik", (3, 4), (4, 5), torch_grad_fn="ViewBackward0"),
        _einsum_sample("bij,bjk->bik", (2, 3, 4), (2, 4, 5), torch_grad_fn="ViewBackward0"),
        _einsum_sample("i,i->", (4,), (4,), torch_grad_fn="ViewBackward0"),
        _einsum_sample("ij,ij->ij", (1, 3), (2, 3), torch_grad_fn="MulBackward0"),
        _einsum_sample("ii,j->ij", (3, 3), (2,), torch_grad_fn="MulBackward0"),
        _einsum_sample("...ij,...jk->...ik", (5, 2, 3), (3, 4), torch_grad_fn="ViewBackward0"),
        _einsum_sample("ij,jk", (2, 3), (3, 4), torch_grad_fn="ViewBackward0"),
        _einsum_sample("i,j->ij", (2,), (3,), torch_grad_fn="MulBackward0"),
        _einsum_sample("ij,kl->ijkl", (2, 3), (1, 2), torch_grad_fn="MulBackward0"),
        _einsum_sample("ij,jk,kl->il", (2, 3), (3, 4), (4, 2), torch_grad_fn="ViewBackward0"),
        _einsum_sample("bn,anm,bm->ba", (2, 3), (4, 3, 5), (2, 5), torch_grad_fn="ViewBackward0"),
    ],
)

EINSUM_ONE = Op(
    "einsum_one",
    "EinsumBackward0",
    forward=lambda xp, a, spec: _einsum_forward(spec, a),
    vjp=(lambda m, g, a, out, spec: _einsum_grad(m, g, (a,), 0, spec),),
    jvp="linear",
    samples=[
        _einsum_sample("ii->i", (3, 3), torch_grad_fn="PermuteBackward0"),
        _einsum_sample("ij->", (3, 4), torch_grad_fn="SumBackward1"),
        _einsum_sample("ij->ji", (3, 4), torch_grad_fn="PermuteBackward0"),
        _einsum_sample("bii->bi", (2, 3, 3), torch_grad_fn="PermuteBackward0"),
        _einsum_sample("iij->ji", (2, 2, 3), torch_grad_fn="PermuteBackward0"),
        _einsum_sample("ii", (3, 3), torch_grad_fn="SumBackward1"),
        _einsum_sample("ij->j", (3, 4), torch_grad_fn="SumBackward1"),
    ],
    public="einsum",
)

_SUBSCRIPTS = string.ascii_letters


def _sublist_equation(args):
    """``einsum(op1, [0, 1], op2, [1, 2], [0, 2])`` as an equation and its operands."""
    operands, terms = [], []
    items = list(args)
    while len(items) >= 2 and isinstance(items[0], Tensor):
        operands.append(items.pop(0))
        terms.append(items.pop(0))
    out = items.pop(0) if items else None

    def letters(sublist):
        text = ""
        for s in sublist:
            if s is Ellipsis:
                text += "..."
            elif isinstance(s, int) and 0 <= s < len(_SUBSCRIPTS):
                text += _SUBSCRIPTS[s]
            else:
                raise ValueError(
                    f"einsum(): expected subscripts in [0, {len(_SUBSCRIPTS)}) but got {s!r}"
                )
        return text

    equation = ",".join(letters(t) for t in terms)
    if out is not None:
        equation += "->" + letters(out)
    return equation, operands


def _parse_einsum(equation, operands):
    """Check ``equation`` against the operands with PyTorch's errors; return the input
    terms and the output term with ``...`` spelled out as letters, and every letter's
    size (size-1 dims broadcast)."""
    for i, c in enumerate(equation):
        if not (c in _SUBSCRIPTS or c in " .,->"):
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {i} in the equation string, "
                "subscripts must be in [a-zA-Z]"
            )
    compact = equation.replace(" ", "")
    lhs, arrow, rhs = compact.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    unused = [c for c in _SUBSCRIPTS if c not in compact]
    spans = []
    for k, (term, x) in enumerate(zip(terms, operands, strict=True)):
        letters = term.replace("...", "")
        if "." in letters:
            raise RuntimeError(
                f"einsum(): found '.' for operand {k} that is not part of any ellipsis"
            )
        ndim = x._data.ndim
        if "..." not in term and len(letters) != ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(letters)}) does not "
                f"match the number of dimensions ({ndim}) for operand {k} and no ellipsis was "
                "given"
            )
        if len(letters) > ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(letters)}) is more "
                f"than the number of dimensions ({ndim}) for operand {k}"
            )
        spans.append(ndim - len(letters) if "..." in term else 0)
    width = max(spans, default=0)
    ellipsis = "".join(unused[:width])
    terms = [t.replace("...", ellipsis[width - n :] if n else "") for t, n in zip(terms, spans)]
    if arrow:
        out_term = rhs.replace("...", ellipsis)
        for c in out_term:
            if out_term.count(c) > 1:
                raise RuntimeError(
                    f"einsum(): output subscript {c} appears more than once in the output"
                )
            if not any(c in t for t in terms):
                raise RuntimeError(
                    f"einsum(): output subscript {c} does not appear in the equation for any "
                    "input operand"
                )
    else:  # implicit output: the ellipsis, then the letters used once, sorted
        named = "".join(t for t in terms).translate({ord(c): None for c in ellipsis})
        out_term = ellipsis + "".join(sorted(c for c in set(named) if named.count(c) == 1))
    sizes = {}
    for k, (term, x) in enumerate(zip(terms, operands, strict=True)):
        seen = {}
        for c, n in zip(term, x._data.shape, strict=True):
            if c in seen and seen[c] != n:
                raise RuntimeError(
                    f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't "
                    f"match, {n} != {seen[c]}"
                )
            seen[c] = n
            previous = sizes.get(c)
            if previous is not None and previous != n and 1 not in (previous, n):
                if c in ellipsis:
                    span = spans[k]
                    d = span - (width - ellipsis.index(c))
                    raise RuntimeError(
                        f"einsum(): dimension {d} covered by ellipsis in operand {k} has size "
                        f"{n} which does not broadcast with previously seen ellipsis with size "
                        f"{previous} for the respective dimension"
                    )
                raise RuntimeError(
                    f"einsum(): subscript {c} has size {n} for operand {k} which does not "
                    f"broadcast with previously seen size {previous}"
                )
            sizes[c] = n if previous in (None, 1) else previous
    return terms, out_term, sizes


def einsum(equation, *operands):
    """Einstein summation: ``einsum("ij,jk->ik", A, B)`` is ``A @ B``.

    Each operand's dims are named by letters; letters missing from the output (after
    ``->``; by default the letters used once, sorted) are summed over, a letter repeated
    in one operand takes its diagonal, ``...`` stands for broadcast leading dims and
    size-1 dims broadcast. The gradient of an operand is an einsum of ``g`` with the
    other operands, back to the operand's letters. Several operands are contracted left
    to right, two at a time, keeping only the letters still needed.
    """
    if not isinstance(equation, str):
        equation, operands = _sublist_equation((equation, *operands))
    if len(operands) == 1 and isinstance(operands[0], list | tuple):
        operands = tuple(operands[0])
    for x in operands:
        if not isinstance(x, Tensor):
            raise TypeError(
                f"einsum(): argument 'operands' must be a sequence of Tensors, got "
                f"{type(x).__name__}"
            )
    if not operands:
        raise ValueError(
            "einsum(): must specify the equation string and at least one operand, or at "
            "least one operand and its subscripts list"
        )
    first = operands[0]
    for x in operands[1:]:
        if x.dtype is not first.dtype:
            raise RuntimeError(f"expected scalar type {_word(first)} but found {_word(x)}")
    terms, out_term, sizes = _parse_einsum(equation, operands)
    if len(operands) == 1:
        return apply(EINSUM_ONE, operands, (_einsum_spec(terms, out_term, sizes),))
    current, current_term = operands[0], terms[0]
    for k in range(1, len(operands)):
        if k == len(operands) - 1:
            result_term = out_term
        else:
            needed = set(out_term).union(*terms[k + 1 :])
            result_term = "".join(c for c in _unique(current_term + terms[k]) if c in needed)
        spec = _einsum_spec((current_term, terms[k]), result_term, sizes)
        current = apply(EINSUM, (current, operands[k]), (spec,))
        current_term = result_term
    return current


# ---------------------------------------------------------------------------- trace, diag


def _diagonal_key(rows, cols, offset):
    """Row and column indices of the ``offset`` diagonal of a rows × cols matrix."""
    start_row, start_col = (0, offset) if offset >= 0 else (-offset, 0)
    n = max(0, min(rows - start_row, cols - start_col))
    return np.arange(start_row, start_row + n), np.arange(start_col, start_col + n)


# tr A = Σᵢ Aᵢᵢ: the gradient is g on the diagonal, 0 elsewhere
TRACE = Op(
    "trace",
    "TraceBackward0",
    forward=lambda xp, a, key: np.sum(a[key], dtype=np.int64 if a.dtype.kind in "iu" else None),
    vjp=(lambda m, g, a, out, key: m.index_accumulate(m.expand(g, key[0].shape), a.shape, key),),
    jvp="linear",
    samples=[
        Sample((Arg((3, 3)),)),
        Sample((Arg((3, 5)),), call=lambda torch, x: x.trace()),
        Sample((Arg((4, 2)),)),
    ],
)


def trace(input):
    """The sum of the main diagonal of a matrix, Σᵢ Aᵢᵢ; its gradient is g·I."""
    if not isinstance(input, Tensor):
        raise TypeError(f"trace(): argument 'input' must be Tensor, not {type_name(input)}")
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    if input.dtype.name == "bool":
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    key = _diagonal_key(*input._data.shape, 0)
    return apply(TRACE, (input,), (key,))


# a vector placed on a diagonal: its gradient is that diagonal of g
DIAG_EMBED = Op(
    "diag_embed",
    "DiagEmbedBackward0",
    forward=lambda xp, a, offset, key: np.diag(a, offset),
    vjp=(lambda m, g, a, out, offset, key: g[key],),
    jvp="linear",
    samples=[
        Sample((Arg((3,)),), call=lambda torch, x: torch.diag(x)),
        Sample((Arg((3,)),), call=lambda torch, x: x.diag(1)),
        Sample((Arg((2,)),), call=lambda torch, x: torch.diag(x, -2)),
    ],
    public="diag",
)


def _diagonal_view(a, offset, dim1, dim2):
    """The diagonal as a *writable* view of ``a`` (``np.diagonal`` gives a read-only one).

    Slicing ``a`` so that the diagonal starts at its first element, the diagonal is a
    strided view of that slice: each step moves one row and one column at once, so its
    stride is the sum of the two dims' strides (the one ``np.diagonal`` reports).
    """
    start = [slice(None)] * a.ndim
    if offset >= 0:
        start[dim2] = slice(offset, None)
    else:
        start[dim1] = slice(-offset, None)
    corner = a[tuple(start)]
    layout = np.diagonal(corner, 0, dim1, dim2)
    return np.lib.stride_tricks.as_strided(
        corner, layout.shape, layout.strides, writeable=corner.flags.writeable
    )


def _diagonal_forward(a, offset, dim1, dim2):
    return np.diagonal(a, offset, dim1, dim2).copy()


def _diagonal_vjp(m, g, a, out, offset, dim1, dim2, layout):
    """Put ``g`` back on the diagonal: zeros with the diagonal's dims moved last, g added
    at (…, rows, cols), then the dims moved back."""
    moved_shape, key, back = layout
    return m.permute(m.index_accumulate(g, moved_shape, key), back)


def _diagonal_layout(shape, offset, dim1, dim2):
    """(shape with dim1, dim2 moved last, key of the diagonal there, permutation back)."""
    order = tuple(d for d in range(len(shape)) if d not in (dim1, dim2)) + (dim1, dim2)
    back = tuple(order.index(d) for d in range(len(shape)))
    rows, cols = _diagonal_key(shape[dim1], shape[dim2], offset)
    return tuple(shape[d] for d in order), (Ellipsis, rows, cols), back


# the elements of one diagonal: the gradient puts g back on it, zeros elsewhere
DIAGONAL = Op(
    "diagonal",
    "DiagonalBackward0",
    forward=lambda xp, a, offset, dim1, dim2, layout: _diagonal_view(a, offset, dim1, dim2),
    vjp=(_diagonal_vjp,),
    jvp="linear",
    samples=[
        Sample((Arg((3, 4)),), call=lambda torch, x: x.diagonal()),
        Sample((Arg((3, 4)),), {"offset": 1}),
        Sample((Arg((2, 3, 4)),), {"offset": -1, "dim1": 2, "dim2": 0}),
        Sample((Arg((2, 3, 4)),), call=lambda torch, x: x.diagonal(0, -2, -1), note="batched"),
    ],
)

# torch.diag of a matrix: the same op, under the node name PyTorch gives it
DIAG_MATRIX = Op(
    "diag_matrix",
    "DiagonalBackward0_copy",
    forward=lambda xp, a, offset, dim1, dim2, layout: _diagonal_forward(a, offset, dim1, dim2),
    vjp=(_diagonal_vjp,),
    jvp="linear",
    samples=[
        Sample((Arg((3, 4)),), call=lambda torch, x: torch.diag(x)),
        Sample((Arg((3, 4)),), call=lambda torch, x: x.diag(-1)),
        Sample((Arg((3, 3)),), call=lambda torch, x: torch.diag(x, 5), note="empty"),
    ],
    public="diag",
)


def _diagonal_params(input, offset, dim1, dim2):
    ndim = input._data.ndim
    dim1, dim2 = _wrap_dim(dim1, ndim), _wrap_dim(dim2, ndim)
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return offset, dim1, dim2, _diagonal_layout(input._data.shape, offset, dim1, dim2)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The elements ``input[..., i, i + offset]`` of the diagonal over ``dim1``, ``dim2``
    (it becomes the last dim). A view, as in torch: ``x.diagonal().fill_(1)`` writes into
    ``x``. (``torch.diag`` of a matrix, by contrast, returns a copy.)

    The gradient puts ``g`` back on that diagonal, zeros elsewhere.
    """

    if not isinstance(input, Tensor):
        raise TypeError(f"diagonal(): argument 'input' must be Tensor, not {type_name(input)}")
    params = _diagonal_params(input, offset, dim1, dim2)
    return as_view(apply(DIAGONAL, (input,), params), input)


def diag(input, diagonal=0, *, out=None):
    """1-D input: a square matrix with the vector on diagonal ``diagonal`` (0: main, > 0:
    above, < 0: below). 2-D input: that diagonal of the matrix, as a vector.

    The gradient of the first is the diagonal of g, of the second g placed on the diagonal.
    """

    if not isinstance(input, Tensor):
        raise TypeError(f"diag(): argument 'input' must be Tensor, not {type_name(input)}")
    ndim = input._data.ndim
    if ndim == 1:
        n = input._data.shape[0] + abs(diagonal)
        key = _diagonal_key(n, n, diagonal)
        return _finish(apply(DIAG_EMBED, (input,), (diagonal, key)), out)
    if ndim == 2:
        return _finish(apply(DIAG_MATRIX, (input,), _diagonal_params(input, diagonal, 0, 1)), out)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {ndim}D")


# the lower (upper) triangle: linear, the gradient is the same triangle of g
TRIL = Op(
    "tril",
    "TrilBackward0",
    forward=lambda xp, a, diagonal: np.tril(a, diagonal),
    vjp=(lambda m, g, a, out, diagonal: m.tril(g, diagonal),),
    jvp="linear",
    samples=[
        Sample((Arg((4, 4)),)),
        Sample((Arg((3, 5)),), {"diagonal": 1}),
        Sample((Arg((2, 3, 4)),), {"diagonal": -1}, call=lambda torch, x, **k: x.tril(**k)),
    ],
)
TRIU = Op(
    "triu",
    "TriuBackward0",
    forward=lambda xp, a, diagonal: np.triu(a, diagonal),
    vjp=(lambda m, g, a, out, diagonal: m.triu(g, diagonal),),
    jvp="linear",
    samples=[
        Sample((Arg((4, 4)),)),
        Sample((Arg((3, 5)),), {"diagonal": -1}),
        Sample((Arg((2, 3, 4)),), {"diagonal": 2}, call=lambda torch, x, **k: x.triu(**k)),
    ],
)


def _triangle(name, op, keep):
    def function(input, diagonal=0, *, out=None):

        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' must be Tensor, not {type_name(input)}")
        if input._data.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return _finish(apply(op, (input,), (int(diagonal),)), out)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = (
        f"The {keep} triangle of the last two dims: the elements with column − row "
        f"{'≤' if name == 'tril' else '≥'} ``diagonal``, zeros elsewhere.\n\n"
        "Linear: the gradient is the same triangle of g."
    )
    return function


tril = _triangle("tril", TRIL, "lower")
triu = _triangle("triu", TRIU, "upper")


# the torch namespace functions of this family, and those that are also Tensor methods
__all__ = [
    "addmm",
    "bmm",
    "diag",
    "diagonal",
    "dot",
    "einsum",
    "ger",
    "matmul",
    "mm",
    "mv",
    "outer",
    "trace",
    "tril",
    "triu",
]
METHODS = [
    "mm",
    "mv",
    "dot",
    "bmm",
    "matmul",
    "addmm",
    "outer",
    "ger",
    "trace",
    "diag",
    "diagonal",
    "tril",
    "triu",
]
INPLACE_METHODS = ["addmm", "tril", "triu"]


# ------------------------------------------------------------------ more products
#
# Compositions of the products above (their gradients come from those rules): the
# "add a product" family (addmv, addr, baddbmm, addbmm), inner/tensordot/kron/cross,
# distances, powers, and matrices built from vectors (diag_embed, block_diag, vander ...).


def _scaled_sum(name, input, product, beta, alpha):
    """``beta * input + alpha * product``; with ``beta = 0`` input is ignored (NaN too)."""
    target = dtypes.promote_types(input.dtype, product.dtype)
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        # input is ignored, NaN included, but still gets a (zero) gradient, as in torch
        from .elementwise import nan_to_num

        result = product + nan_to_num(input * 0, 0.0, 0.0, 0.0)
        return result if result.dtype is target else result.to(target)
    try:
        np.broadcast_shapes(tuple(input.shape), tuple(product.shape))
    except ValueError:
        raise RuntimeError(
            f"{name}: the size of input {list(input.shape)} does not broadcast to the "
            f"product's {list(product.shape)}"
        ) from None
    result = (input if beta == 1 else input * beta) + product
    # the scalars do not promote: integer tensors give an integer result, as in torch
    return result if result.dtype is target else result.to(target)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat @ vec)``."""
    return _out(_scaled_sum("addmv", input, mv(mat, vec), beta, alpha), out)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)``."""
    return _out(_scaled_sum("addr", input, outer(vec1, vec2), beta, alpha), out)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * bmm(batch1, batch2)``."""
    return _out(_scaled_sum("baddbmm", input, bmm(batch1, batch2), beta, alpha), out)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * Σ_b batch1[b] @ batch2[b]``."""
    product = bmm(batch1, batch2).sum(0)
    return _out(_scaled_sum("addbmm", input, product, beta, alpha), out)


def _out(result, out):
    if out is None:
        return result

    return _finish(result, out)


def vdot(input, other, *, out=None):
    """The dot product of two 1-d tensors (``dot``; for real numbers no conjugation)."""
    return dot(input, other, out=out)


def inner(input, other, *, out=None):
    """Sum over the last dims: ``out[i.., j..] = Σ_k input[i.., k] other[j.., k]``."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        return _out(input * other, out)
    if input.dtype is not other.dtype:
        raise RuntimeError("both inputs should have same dtype")
    size = input._data.shape[-1]
    if other._data.shape[-1] != size:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got shapes "
            f"{list(input.shape)} and {list(other.shape)}"
        )
    rows = input.reshape(-1, size)
    cols = other.reshape(-1, size)
    result = mm(rows, cols.t()).reshape(*input.shape[:-1], *other.shape[:-1])
    return _out(result, out)


def tensordot(a, b, dims=2, out=None):
    """Contract ``dims`` dims: the last ``dims`` of ``a`` with the first ``dims`` of ``b``
    (an int), or the listed pairs (``([1, 0], [0, 1])``)."""
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a = list(range(a._data.ndim - dims, a._data.ndim))
        dims_b = list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    dims_a = [_wrap_dim(d, a._data.ndim) for d in dims_a]
    dims_b = [_wrap_dim(d, b._data.ndim) for d in dims_b]
    for da, db in zip(dims_a, dims_b, strict=True):
        if a._data.shape[da] != b._data.shape[db]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size "
                f"{a._data.shape[da]} in dim {da} and second has size {b._data.shape[db]} "
                f"in dim {db}"
            )
    free_a = [d for d in range(a._data.ndim) if d not in dims_a]
    free_b = [d for d in range(b._data.ndim) if d not in dims_b]
    size = int(np.prod([a._data.shape[d] for d in dims_a]))
    left = a.permute(*free_a, *dims_a).reshape(-1, size)
    right = b.permute(*dims_b, *free_b).reshape(size, -1)
    shape = [a._data.shape[d] for d in free_a] + [b._data.shape[d] for d in free_b]
    return _out(mm(left, right).reshape(*shape), out)


def kron(input, other, *, out=None):
    """The Kronecker product: every element of ``input`` times the whole of ``other``,
    laid out in blocks (``kron(A, B)[i*p + k, j*q + l] = A[i, j] B[k, l]``)."""
    ndim = max(input._data.ndim, other._data.ndim)
    a = input.reshape(*((1,) * (ndim - input._data.ndim)), *input.shape)
    b = other.reshape(*((1,) * (ndim - other._data.ndim)), *other.shape)
    # interleave: a's dims at even places, b's at odd places, then merge each pair
    a = a.reshape(*[n for size in a.shape for n in (size, 1)])
    b = b.reshape(*[n for size in b.shape for n in (1, size)])
    shape = [p * q for p, q in zip(a.shape[::2], b.shape[1::2], strict=True)]
    return _out((a * b).reshape(*shape), out)


def cross(input, other, dim=None, *, out=None):
    """The cross product of 3-vectors along ``dim`` (by default the first dim of size 3)."""
    shape = np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
    if dim is None:
        sizes = [d for d, n in enumerate(shape) if n == 3]
        if not sizes:
            raise RuntimeError("no dimension of size 3 in input")
        dim = sizes[0]
    dim = _wrap_dim(dim, len(shape))
    if input._data.shape[dim] != 3 or other._data.shape[dim] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got "
            f"{input._data.shape[dim]} and {other._data.shape[dim]}"
        )
    a = [input.narrow(dim, k, 1) for k in range(3)]
    b = [other.narrow(dim, k, 1) for k in range(3)]
    from .shape import cat

    parts = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    return _out(cat(parts, dim), out)


def cdist(x1, x2, p=2.0, compute_mode=None):
    """The p-norm distance between each row of ``x1`` (…, P, M) and each row of ``x2``
    (…, R, M): a (…, P, R) tensor. The gradient is 0 where a distance is 0."""
    if x1._data.ndim < 2 or x2._data.ndim < 2:
        raise RuntimeError(
            f"cdist only supports at least 2D tensors, X1 got: {x1._data.ndim}D"
            if x1._data.ndim < 2
            else f"cdist only supports at least 2D tensors, X2 got: {x2._data.ndim}D"
        )
    if x1._data.shape[-1] != x2._data.shape[-1]:
        raise RuntimeError(
            "X1 and X2 must have the same number of columns. X1: "
            f"{x1._data.shape[-1]} X2: {x2._data.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    from .reduction import norm

    difference = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return norm(difference, p, dim=-1)


def chain_matmul(*matrices, out=None):
    """The product of 2-d tensors from left to right (``torch.linalg.multi_dot``)."""
    if len(matrices) == 1 and isinstance(matrices[0], list | tuple):
        matrices = tuple(matrices[0])
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    result = matrices[0]
    if len(matrices) == 1:
        return _out(result.clone(), out)
    for matrix in matrices[1:]:
        result = mm(result, matrix)
    return _out(result, out)


def matrix_power(input, n):
    """``input`` multiplied by itself ``n`` times (n = 0: the identity; n < 0: powers of
    the inverse), for square matrices or batches of them."""
    shape = input._data.shape
    if input._data.ndim < 2 or shape[-1] != shape[-2]:
        raise RuntimeError(
            "linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{shape[-2] if input._data.ndim >= 2 else 1} by {shape[-1] if shape else 1} matrices"
        )
    if n == 0:
        eye = np.broadcast_to(np.eye(shape[-1], dtype=input._data.dtype), shape)
        return Tensor._make(np.array(eye))
    if n < 0:
        from .matrix_functions import inverse

        input, n = inverse(input), -n
    result = input
    for _ in range(n - 1):
        result = matmul(result, input)
    return result


def _shift_selector(size, offset, dtype):
    """S[k, i, j] = 1 where (i, j) is the k-th element of diagonal ``offset`` of an
    (n × n) matrix, n = size + |offset|."""
    n = size + abs(offset)
    selector = np.zeros((size, n, n), dtype=dtype)
    k = np.arange(size)
    rows = k + max(-offset, 0)
    selector[k, rows, rows + offset] = 1
    return Tensor._make(selector)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices with the last dim of ``input`` on their ``offset`` diagonal (placed in
    the dims ``dim1``, ``dim2`` of the result), zeros elsewhere."""
    size = input._data.shape[-1] if input._data.ndim else 1
    selector = _shift_selector(size, offset, input._data.dtype)
    result = einsum("...k,kij->...ij", input, selector)
    ndim = result._data.ndim
    first, second = _wrap_dim(dim1, ndim), _wrap_dim(dim2, ndim)
    if first == second:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    if (first, second) != (ndim - 2, ndim - 1):
        result = result.movedim((ndim - 2, ndim - 1), (first, second))
    return result


def diagflat(input, offset=0):
    """A matrix with the flattened ``input`` on its ``offset`` diagonal."""
    return diag_embed(input.reshape(-1), offset)


def block_diag(*tensors):
    """A block-diagonal matrix with the given matrices (0-d/1-d tensors count as one row)
    on its diagonal, zeros elsewhere."""
    from .shape import cat

    blocks = []
    for t in tensors:
        if t._data.ndim > 2:
            raise RuntimeError(
                "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
                f"{len(blocks)} has {t._data.ndim} dimensions"
            )
        blocks.append(t.reshape(1, -1) if t._data.ndim < 2 else t)
    if not blocks:
        return Tensor._make(np.zeros((1, 0), dtype=np.float32))
    from ._dispatch import common_dtype

    target = blocks[0].dtype
    for block in blocks[1:]:
        target = common_dtype(Tensor._make(np.zeros(1, target.np)), block)
    blocks = [b.to(target) if b.dtype is not target else b for b in blocks]
    width = sum(b._data.shape[1] for b in blocks)
    rows = []
    left = 0
    for block in blocks:
        height, cols = block._data.shape
        pieces = [
            Tensor._make(np.zeros((height, left), target.np)),
            block,
            Tensor._make(np.zeros((height, width - left - cols), target.np)),
        ]
        rows.append(cat(pieces, 1))
        left += cols
    return cat(rows, 0)


def _triangle_indices(name, pick):
    def function(row, col, offset=0, *, dtype=None, device=None, layout=None):
        rows, cols = pick(row, offset, col)
        result = np.stack([rows, cols]).astype(np.int64)
        tensor = Tensor._make(result)
        return tensor if dtype is None else tensor.to(dtype)

    function.__name__ = function.__qualname__ = name
    return function


tril_indices = _triangle_indices("tril_indices", np.tril_indices)
tril_indices.__doc__ = """The (2, N) row and column indices of the lower triangle (with the
``offset`` diagonal) of a ``row × col`` matrix, row by row."""
triu_indices = _triangle_indices("triu_indices", np.triu_indices)
triu_indices.__doc__ = """The (2, N) row and column indices of the upper triangle (from the
``offset`` diagonal) of a ``row × col`` matrix, row by row."""


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-d tensor, as rows (like
    ``itertools.product``); one tensor is returned as it is."""
    from .shape import meshgrid, stack

    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):
    """The length-``r`` combinations of the elements of a 1-d tensor, as rows (like
    ``itertools.combinations``, or ``combinations_with_replacement``)."""
    import itertools

    from .index import index_select
    from .shape import stack

    if input._data.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    make = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    picks = np.array(list(make(range(input._data.shape[0]), r)), dtype=np.int64)
    if r == 0:
        return Tensor._make(np.zeros((0,), input._data.dtype))
    if picks.size == 0:
        return Tensor._make(np.zeros((0, r), input._data.dtype))
    columns = [index_select(input, 0, Tensor._make(picks[:, k].copy())) for k in range(r)]
    return stack(columns, 1)


def vander(x, N=None, increasing=False):  # noqa: N803 - torch's argument name
    """The Vandermonde matrix: column j is ``x ** (N - 1 - j)`` (``x ** j`` with
    ``increasing``)."""
    if x._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x._data.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    from .shape import stack

    if n == 0:
        return Tensor._make(np.zeros((x._data.shape[0], 0), x._data.dtype))
    columns = [x**k if k else x * 0 + 1 for k in range(n)]
    if not increasing:
        columns = columns[::-1]
    return stack(columns, 1)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim`` (broadcast):
    x1·x2 / (max(‖x1‖, eps) · max(‖x2‖, eps))."""
    from .elementwise import clamp_min
    from .reduction import norm

    from .shape import broadcast_tensors

    x1, x2 = broadcast_tensors(x1, x2)
    dim = _wrap_dim(dim, x1._data.ndim)
    lengths = clamp_min(norm(x1, 2, dim=dim, keepdim=True), eps) * clamp_min(
        norm(x2, 2, dim=dim, keepdim=True), eps
    )
    return ((x1 * x2) / lengths).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of ``x1 - x2 + eps`` along the last dim (row by row distances)."""
    from .reduction import norm

    ndim = max(x1._data.ndim, x2._data.ndim)
    return norm(x1 - x2 + eps, p, dim=-1 if ndim else None, keepdim=keepdim)


def pdist(input, p=2):
    """The p-norm distance between every pair of rows i < j of a 2-d tensor, as a 1-d
    tensor of n(n − 1)/2 values in the order (0,1), (0,2), …, (1,2), …"""
    if input._data.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input._data.ndim}D")
    from .reduction import norm

    n = input._data.shape[0]
    rows, cols = np.triu_indices(n, 1)
    from .index import index_select

    first = index_select(input, 0, Tensor._make(rows.astype(np.int64)))
    second = index_select(input, 0, Tensor._make(cols.astype(np.int64)))
    return norm(first - second, p, dim=1)


__all__ += [
    "cosine_similarity",
    "pairwise_distance",
    "pdist",
]
__all__ += [
    "addbmm",
    "addmv",
    "addr",
    "baddbmm",
    "block_diag",
    "cartesian_prod",
    "cdist",
    "chain_matmul",
    "combinations",
    "cross",
    "diag_embed",
    "diagflat",
    "inner",
    "kron",
    "matrix_power",
    "tensordot",
    "tril_indices",
    "triu_indices",
    "vander",
    "vdot",
]
METHODS += [
    "addbmm",
    "addmv",
    "addr",
    "baddbmm",
    "cross",
    "diag_embed",
    "diagflat",
    "inner",
    "kron",
    "matrix_power",
    "vdot",
]
INPLACE_METHODS += ["addbmm", "addmv", "addr", "baddbmm"]


def _filled_diagonal(input, fill_value, wrap):
    """A copy of a matrix (or all-equal-sizes tensor) with its main diagonal set to
    ``fill_value``; with ``wrap``, a tall matrix restarts the diagonal every n + 1 rows."""
    shape = input._data.shape
    if input._data.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if input._data.ndim > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(shape, dtype=bool)
    if input._data.ndim == 2:
        rows, cols = shape
        positions = np.arange(0, rows * cols, cols + 1)
        if not wrap:
            positions = positions[positions < min(rows, cols) * cols]
        mask.reshape(-1)[positions] = True
    else:
        index = np.arange(shape[0])
        mask[(index,) * input._data.ndim] = True
    from .elementwise import where

    value = Tensor._make(np.asarray(fill_value, dtype=input._data.dtype))
    return where(Tensor._make(mask), value, input)


def fill_diagonal_(input, fill_value, wrap=False):
    """Set the main diagonal to ``fill_value`` in place (see ``_filled_diagonal``)."""
    from ._inplace import inplace

    return inplace(_filled_diagonal, input, fill_value, wrap)


METHODS += ["fill_diagonal_"]
