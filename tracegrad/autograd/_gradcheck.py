"""``gradcheck`` / ``gradgradcheck``: compare autograd with finite differences.

For every input element x_j, the numerical Jacobian column is the central difference
(f(x + ε e_j) − f(x − ε e_j)) / 2ε; the analytical one comes from backward passes. The
check passes when |analytical − numerical| ≤ atol + rtol·|numerical| everywhere. Use
float64 inputs: in float32 the differences are too coarse.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import grad_mode
from .engine import grad as autograd_grad


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when the analytical and numerical Jacobians differ."""


def _as_tuple(value):
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _outputs(func, inputs):
    return tuple(o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor))


def _numerical_jacobian(func, inputs, input_index, eps):
    """Columns d outputs / d inputs[input_index], one per element, by central differences."""
    x = inputs[input_index]
    flat = x._data.reshape(-1)  # a view: perturbing it perturbs the input in place
    columns = []
    # graph recording stays on: the function may itself take gradients (gradgradcheck)
    with grad_mode.enable_grad():
        for j in range(flat.size):
            original = flat[j]
            flat[j] = original + eps
            plus = [o._data.astype(np.float64).copy() for o in _outputs(func, inputs)]
            flat[j] = original - eps
            minus = [o._data.astype(np.float64).copy() for o in _outputs(func, inputs)]
            flat[j] = original
            columns.append(
                [(p - m).reshape(-1) / (2 * eps) for p, m in zip(plus, minus, strict=True)]
            )
    # jacobians[k]: (numel of output k) x (numel of the input)
    count = len(columns[0]) if columns else len(_outputs(func, inputs))
    return [
        np.stack([col[k] for col in columns], axis=1)
        if columns
        else np.zeros((_outputs(func, inputs)[k].numel(), 0))
        for k in range(count)
    ]


def _analytical_jacobian(outputs, inputs, input_index):
    x = inputs[input_index]
    jacobians = []
    for out in outputs:
        rows = []
        flat = out.reshape(-1)
        for j in range(flat.numel()):
            if not out.requires_grad:
                rows.append(np.zeros(x.numel()))
                continue
            (g,) = autograd_grad(flat[j], (x,), retain_graph=True, allow_unused=True)
            rows.append(
                np.zeros(x.numel()) if g is None else g._data.reshape(-1).astype(np.float64)
            )
        jacobians.append(np.stack(rows, axis=0) if rows else np.zeros((0, x.numel())))
    return jacobians


def gradcheck(
    func,
    inputs,
    *,
    eps=1e-6,
    atol=1e-5,
    rtol=1e-3,
    raise_exception=True,
    nondet_tol=0.0,
    check_undefined_grad=True,
    check_grad_dtypes=False,
    check_batched_grad=False,
    check_batched_forward_grad=False,
    check_forward_ad=False,
    check_backward_ad=True,
    fast_mode=False,
    masked=None,
) -> bool:
    """Check the gradients of ``func`` at ``inputs`` against finite differences.

    Returns True, or raises ``GradcheckError`` naming the output and input whose
    Jacobians differ and printing both (``raise_exception=False`` returns False).
    """
    inputs = _as_tuple(inputs)
    differentiable = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not differentiable:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of "
            "the them have requires_grad=True."
        )
    for i in differentiable:
        if inputs[i].dtype.name != "float64":
            import warnings

            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point. "
                "This check will likely fail if all the inputs are not of double precision "
                "floating point. ",
                stacklevel=2,
            )
    with grad_mode.enable_grad():
        outputs = _outputs(func, inputs)
        for i in differentiable:
            numerical = _numerical_jacobian(func, inputs, i, eps)
            analytical = _analytical_jacobian(outputs, inputs, i)
            for k, (num, ana) in enumerate(zip(numerical, analytical, strict=True)):
                if not np.allclose(ana, num, rtol=rtol, atol=atol):
                    message = (
                        f"Jacobian mismatch for output {k} with respect to input {i},\n"
                        f"numerical:{_show(num)}\nanalytical:{_show(ana)}\n"
                    )
                    if raise_exception:
                        raise GradcheckError(message)
                    return False
    return True


def _show(matrix) -> str:
    return repr(Tensor._make(np.asarray(matrix, dtype=np.float64)))


def gradgradcheck(
    func,
    inputs,
    grad_outputs=None,
    *,
    eps=1e-6,
    atol=1e-5,
    rtol=1e-3,
    gen_non_contig_grad_outputs=False,
    raise_exception=True,
    nondet_tol=0.0,
    check_undefined_grad=True,
    check_grad_dtypes=False,
    check_batched_grad=False,
    check_fwd_over_rev=False,
    check_rev_over_rev=True,
    fast_mode=False,
    masked=False,
) -> bool:
    """Check second derivatives: ``gradcheck`` of the function inputs ↦ VJP(inputs, u)."""
    inputs = _as_tuple(inputs)
    differentiable = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    with grad_mode.enable_grad():
        outputs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            Tensor._make(rng.standard_normal(o.shape).astype(o._data.dtype)).requires_grad_()
            for o in outputs
        )
    else:
        grad_outputs = _as_tuple(grad_outputs)
    count = len(inputs)

    def first_derivative(*values):
        xs, us = values[:count], values[count:]
        outs = [o for o in _outputs(func, xs) if o.requires_grad]
        used = [u for o, u in zip(_outputs(func, xs), us, strict=True) if o.requires_grad]
        wanted = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        grads = autograd_grad(outs, wanted, used, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    del differentiable
    return gradcheck(
        first_derivative,
        inputs + tuple(grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
