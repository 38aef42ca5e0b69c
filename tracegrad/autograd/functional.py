"""``torch.autograd.functional``: Jacobians, Hessians and their products, from ``grad``.

All of them are built from two primitives:

* ``vjp``: one backward pass gives uᵀ J (a row combination of the Jacobian);
* ``jvp``: one forward-mode pass gives J v (a column combination).

The full Jacobian of f: ℝⁿ → ℝᵐ therefore takes m backward passes (one per output
element) or n forward passes (one per input element): reverse mode wins for a scalar
loss, forward mode for few inputs. The Hessian is the Jacobian of the gradient.
"""

from __future__ import annotations

from .._tensor import Tensor
from . import forward_ad, grad_mode
from .engine import grad as autograd_grad


def _as_tuple(value, name: str):
    is_tuple = isinstance(value, tuple | list)
    values = tuple(value) if is_tuple else (value,)
    for v in values:
        if not isinstance(v, Tensor):
            raise TypeError(
                f"The {name} given to {name!r} must be either a Tensor or a tuple of Tensors "
                f"but the value at index {values.index(v)} has type {type(v).__name__}."
            )
    return is_tuple, values


def _prepare_inputs(inputs, create_graph):
    # differentiable copies, so that the user's tensors are not modified
    with grad_mode.enable_grad():
        return tuple(
            x.detach().requires_grad_(True)
            if not create_graph or not x.requires_grad
            else x.view(tuple(x.shape))
            for x in inputs
        )


def _zeros_for_none(grads, like):
    from .. import _creation

    return tuple(
        _creation.zeros_like(x) if g is None else g for g, x in zip(grads, like, strict=True)
    )


def _finish(values, is_tuple, create_graph):
    if not create_graph:
        values = tuple(v.detach() if isinstance(v, Tensor) else v for v in values)
    return values if is_tuple else values[0]


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), vᵀ J)``: the vector-Jacobian product at ``inputs``."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs")
    inputs = _prepare_inputs(inputs, create_graph)
    with grad_mode.enable_grad():
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function")
        if v is None:
            if any(o.numel() != 1 for o in outputs):
                raise RuntimeError(
                    "The vector v can only be None if the user-provided function returns a "
                    "single Tensor with a single element."
                )
            from .. import _creation

            v = tuple(_creation.ones_like(o) for o in outputs)
        else:
            _, v = _as_tuple(v, "v")
        differentiable = [o for o in outputs if o.requires_grad]
        cotangents = [c for o, c in zip(outputs, v, strict=True) if o.requires_grad]
        if differentiable:
            grads = autograd_grad(
                differentiable, inputs, cotangents, create_graph=create_graph, allow_unused=True
            )
        else:
            grads = (None,) * len(inputs)
    if strict and any(g is None for g in grads):
        raise RuntimeError(
            "The output of the user-provided function is independent of input 0. This is "
            "not allowed in strict mode."
        )
    grads = _zeros_for_none(grads, inputs)
    return (
        _finish(outputs, is_outputs_tuple, create_graph),
        _finish(grads, is_inputs_tuple, create_graph),
    )


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)``: the Jacobian-vector product, by forward-mode AD."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs")
    if v is None:
        if any(x.numel() != 1 for x in inputs):
            raise RuntimeError(
                "The vector v can only be None if the input to the user-provided function is "
                "a single Tensor with a single element."
            )
        from .. import _creation

        v = tuple(_creation.ones_like(x) for x in inputs)
    else:
        _, v = _as_tuple(v, "v")
    with forward_ad.dual_level(), grad_mode.set_grad_enabled(create_graph):
        duals = tuple(forward_ad.make_dual(x, t) for x, t in zip(inputs, v, strict=True))
        outputs = func(*duals)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function")
        unpacked = [forward_ad.unpack_dual(o) for o in outputs]
    from .. import _creation

    primals = tuple(p.primal for p in unpacked)
    tangents = tuple(
        p.tangent if p.tangent is not None else _creation.zeros_like(p.primal) for p in unpacked
    )
    if strict and any(p.tangent is None for p in unpacked):
        raise RuntimeError(
            "The output of the user-provided function is independent of the input. This is "
            "not allowed in strict mode."
        )
    return (
        _finish(primals, is_outputs_tuple, create_graph),
        _finish(tangents, is_outputs_tuple, create_graph),
    )


def jacobian(
    func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"
):
    """The Jacobian of ``func`` at ``inputs``: shape ``output.shape + input.shape``.

    ``strategy="reverse-mode"`` takes one backward pass per output element,
    ``"forward-mode"`` one forward pass per input element.
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs")
    from .. import _creation, ops

    if strategy == "forward-mode":
        columns = []  # columns[i][k]: d output_k / d (input i, element j) for all j
        outputs = None
        for i, x in enumerate(inputs):
            per_element = []
            for j in range(x.numel()):
                tangent = _creation.zeros_like(x).reshape(-1)
                tangent[j] = 1.0
                directions = tuple(
                    tangent.reshape(x.shape) if k == i else _creation.zeros_like(y)
                    for k, y in enumerate(inputs)
                )
                outputs, jv = jvp(func, inputs, directions, create_graph=create_graph)
                per_element.append(jv if isinstance(jv, tuple) else (jv,))
            columns.append(per_element)
        is_outputs_tuple = isinstance(outputs, tuple)
        outputs = outputs if is_outputs_tuple else (outputs,)
        blocks = []
        for k, out in enumerate(outputs):
            row = []
            for i, x in enumerate(inputs):
                stacked = (
                    ops.stack([col[k].reshape(-1) for col in columns[i]], dim=1)
                    if x.numel()
                    else _creation.zeros(out.numel(), 0, dtype=out.dtype)
                )
                row.append(stacked.reshape(tuple(out.shape) + tuple(x.shape)))
            blocks.append(tuple(row) if is_inputs_tuple else row[0])
        return tuple(blocks) if is_outputs_tuple else blocks[0]

    prepared = _prepare_inputs(inputs, create_graph)
    with grad_mode.enable_grad():
        outputs = func(*prepared)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function")
        blocks = []
        for k, out in enumerate(outputs):
            rows = [[] for _ in prepared]
            flat = out.reshape(-1)
            for j in range(flat.numel()):
                if out.requires_grad:
                    grads = autograd_grad(
                        flat[j],
                        prepared,
                        retain_graph=True,
                        create_graph=create_graph,
                        allow_unused=True,
                    )
                else:
                    grads = (None,) * len(prepared)
                if strict and any(g is None for g in grads):
                    raise RuntimeError(
                        f"Output {k} of the user-provided function is independent of input "
                        f"{[g is None for g in grads].index(True)}. This is not allowed in "
                        "strict mode."
                    )
                for i, g in enumerate(_zeros_for_none(grads, prepared)):
                    rows[i].append(g.reshape(-1))
            row = []
            for i, x in enumerate(prepared):
                if rows[i]:
                    stacked = ops.stack(rows[i], dim=0)
                else:
                    stacked = _creation.zeros(0, x.numel(), dtype=x.dtype)
                row.append(stacked.reshape(tuple(out.shape) + tuple(x.shape)))
            row = tuple(r if create_graph else r.detach() for r in row)
            blocks.append(row if is_inputs_tuple else row[0])
    return tuple(blocks) if is_outputs_tuple else blocks[0]


def hessian(
    func,
    inputs,
    create_graph=False,
    strict=False,
    vectorize=False,
    outer_jacobian_strategy="reverse-mode",
):
    """The Hessian of a scalar function: the Jacobian of its gradient."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs")

    def gradient(*xs):
        output = func(*xs)
        if not isinstance(output, Tensor) or output.numel() != 1:
            raise RuntimeError(
                "The function given to hessian should return a single Tensor with a single element."
            )
        grads = autograd_grad(output, xs, create_graph=True, allow_unused=True)
        return _zeros_for_none(grads, xs)

    result = jacobian(
        gradient, inputs, create_graph=create_graph, strict=strict, strategy=outer_jacobian_strategy
    )
    # result[i][j] = d(grad_i)/d(input_j)
    if is_inputs_tuple:
        return result
    return result[0][0]


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), vᵀ H)``: a vector-Hessian product (two backward passes)."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs")
    prepared = _prepare_inputs(inputs, True)
    with grad_mode.enable_grad():
        output = func(*prepared)
        if not isinstance(output, Tensor) or output.numel() != 1:
            raise RuntimeError(
                "The function given to hvp should return a single Tensor with a single element."
            )
        grads = _zeros_for_none(
            autograd_grad(output, prepared, create_graph=True, allow_unused=True), prepared
        )
        if v is None:
            raise RuntimeError("The vector v can only be None if the input has one element.")
        _, v = _as_tuple(v, "v")
        total = None
        for g, t in zip(grads, v, strict=True):
            term = (g * t).sum()
            total = term if total is None else total + term
        if total.requires_grad:
            second = autograd_grad(total, prepared, create_graph=create_graph, allow_unused=True)
        else:
            second = (None,) * len(prepared)
    second = _zeros_for_none(second, prepared)
    return (_finish((output,), False, create_graph), _finish(second, is_inputs_tuple, create_graph))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)``; the Hessian is symmetric, so this equals ``vhp``."""
    return vhp(func, inputs, v, create_graph=create_graph, strict=strict)


__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]
