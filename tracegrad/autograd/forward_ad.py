"""Forward-mode automatic differentiation: dual tensors carry a tangent through every op.

    with forward_ad.dual_level():
        x = forward_ad.make_dual(primal, tangent)      # x = primal + tangent·ε
        y = f(x)
        value, jvp = forward_ad.unpack_dual(y)         # jvp = J_f(primal) · tangent

Every op's tangent comes from its JVP rule in the op registry (the same entry whose VJP
rule reverse mode uses), evaluated on Tensors. One forward pass gives one column of the
Jacobian (J v): cheap when there are few inputs, whereas reverse mode gives one row
(uᵀ J) per backward pass: cheap for a scalar loss.
"""

from __future__ import annotations

from collections import namedtuple

from .._tensor import Tensor

# _state[0]: the current dual level (-1 when no dual_level is active); the op dispatcher
# only looks for tangents while a level is active
_state = [-1]
_duals_of_level: dict[int, list] = {}

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])


class dual_level:  # noqa: N801 - torch's name
    """Context manager for one level of forward AD; tangents made in it die with it."""

    def __enter__(self):
        _state[0] += 1
        _duals_of_level[_state[0]] = []
        return _state[0]

    def __exit__(self, *exc_info):
        level = _state[0]
        for ref in _duals_of_level.pop(level, []):
            tensor = ref()
            if tensor is not None:
                tensor.__dict__.pop("_fw_tangent", None)
        _state[0] -= 1
        return False


def enter_dual_level() -> int:
    """Start a new dual level (prefer the ``dual_level`` context manager)."""
    return dual_level().__enter__()


def exit_dual_level(*, level: int | None = None) -> None:
    """End the current dual level."""
    dual_level().__exit__(None, None, None)


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A tensor with ``tensor``'s values carrying ``tangent`` as its derivative direction."""
    if _state[0] < 0:
        raise RuntimeError(
            "make_dual() is only usable inside a dual_level context manager (forward AD "
            "needs a level: use `with fwAD.dual_level():`)"
        )
    if not isinstance(tangent, Tensor):
        raise TypeError(f"Expected tangent to be a Tensor, but got {type(tangent).__name__}")
    if tuple(tangent.shape) != tuple(tensor.shape):
        raise RuntimeError(
            f"Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}."
        )
    if not tensor.dtype.is_floating_point:
        raise ValueError(
            f"Expected primal to be floating point or complex, but got: {tensor.dtype}"
        )
    dual = tensor.view(tuple(tensor.shape)) if tensor.requires_grad else Tensor._make(tensor._data)
    dual._version = tensor._version
    attach(dual, tangent)
    return dual


def attach(tensor: Tensor, tangent: Tensor) -> None:
    """Record ``tangent`` as the forward gradient of ``tensor`` at the current level."""
    import weakref

    tensor.__dict__["_fw_tangent"] = tangent
    _duals_of_level.setdefault(_state[0], []).append(weakref.ref(tensor))


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """The primal values and the tangent (``None`` if the tensor carries none)."""
    tangent = tensor.__dict__.get("_fw_tangent") if isinstance(tensor, Tensor) else None
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    primal = Tensor._make(tensor._data, tensor.requires_grad, tensor.grad_fn, tensor._output_nr)
    primal._version = tensor._version
    return UnpackedDualTensor(primal, tangent)


def tangent_of(x):
    """The forward gradient carried by ``x`` (``None`` for plain tensors and numbers)."""
    if isinstance(x, Tensor):
        return x.__dict__.get("_fw_tangent")
    return None


def propagate(op, inputs, params, result) -> None:
    """Give ``result`` the tangent of ``op`` applied to ``inputs`` (called by ``apply``)."""
    tangents = [tangent_of(x) for x in inputs]
    if all(t is None for t in tangents) or not op.differentiable or op.jvp is None:
        return
    from ..ops._registry import TensorMath, evaluate_jvp

    values = tuple(Tensor._make(x._data) if isinstance(x, Tensor) else x for x in inputs)
    outputs = result if isinstance(result, tuple) else (result,)
    out = tuple(Tensor._make(o._data) for o in outputs)
    tangent = evaluate_jvp(
        op, TensorMath, tangents, values, out[0] if len(out) == 1 else out, params
    )
    if isinstance(tangent, tuple):
        for o, t in zip(outputs, tangent, strict=False):
            if t is not None and o.dtype.is_floating_point:
                attach(o, _as_tensor(t, o))
        return
    first = next((o for o in outputs if o.dtype.is_floating_point), None)
    if first is not None and tangent is not None:
        attach(first, _as_tensor(tangent, first))


def _as_tensor(t, like: Tensor) -> Tensor:
    if not isinstance(t, Tensor):
        import numpy as np

        t = Tensor._make(np.asarray(t, dtype=like._data.dtype))
    if t.dtype is not like.dtype:
        t = t.to(like.dtype)
    if tuple(t.shape) != tuple(like.shape):
        t = t.expand(*like.shape).clone()
    return t
