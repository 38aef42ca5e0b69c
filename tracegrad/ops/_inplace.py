"""In-place variants (``x.add_(y)``, ``x += y``, ``x.zero_()``) built from the ops.

An in-place op is its out-of-place op whose result is written back into the tensor's
memory. For autograd, the tensor's history is replaced by the op's node, exactly as in
PyTorch; when a graph is being recorded the op runs on a snapshot of the old values, since
its rule may need them after they are overwritten.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd import forward_ad, grad_mode


def _recording(target: Tensor, args, kwargs) -> bool:
    if forward_ad._state[0] >= 0:
        return True  # forward AD: work on a snapshot so that tangents see the old value
    if not grad_mode._state[0]:
        return False
    if target._requires_grad:
        return True
    for value in list(args) + list(kwargs.values()):
        if isinstance(value, Tensor) and value._requires_grad:
            return True
    return False


def inplace(fn, target: Tensor, *args, **kwargs) -> Tensor:
    """Compute ``fn(target, *args, **kwargs)`` and store the result in ``target``."""
    recording = _recording(target, args, kwargs)
    if recording:
        if target.grad_fn is None and target._requires_grad:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
        base = target._base
        if base is not None and (base._requires_grad or target._requires_grad):
            raise RuntimeError(
                "tracegrad does not support in-place operations that record gradients "
                "through a view (a slice, transpose, ...) of a tensor that requires grad; "
                "use the out-of-place operation instead"
            )
        source = Tensor._make(
            target._data.copy(), target._requires_grad, target.grad_fn, target._output_nr
        )
        source._accumulator = target._accumulator
        if "_fw_tangent" in target.__dict__:
            source.__dict__["_fw_tangent"] = target.__dict__["_fw_tangent"]
    else:
        source = target
    result = fn(source, *args, **kwargs)
    write_into(target, result, getattr(fn, "__name__", "operation"))
    if "_fw_tangent" in result.__dict__:
        # forward AD: the tangent of the new value replaces the old one
        forward_ad.attach(target, result.__dict__["_fw_tangent"])
    if recording and result.grad_fn is not None:
        node = result.grad_fn
        target.grad_fn = node
        target._output_nr = result._output_nr
        target._requires_grad = True
        if getattr(node, "op", None) is not None and node.op.saves_out:
            node.out_version = (target._version, target._version[0])
    return target


_TYPE_WORDS = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}


def write_into(target: Tensor, result: Tensor, name: str = "operation") -> None:
    """Copy ``result``'s values into ``target`` with torch's shape and cast checks."""
    source, destination = result.dtype, target.dtype
    if source is not destination and (source._category > destination._category):
        raise RuntimeError(
            f"result type {_TYPE_WORDS[source.name]} can't be cast to the desired output "
            f"type {_TYPE_WORDS[destination.name]}"
        )
    if result._data.shape != target._data.shape:
        raise RuntimeError(
            f"output with shape {list(target.shape)} doesn't match the broadcast shape "
            f"{list(np.broadcast_shapes(result._data.shape, target._data.shape))}"
        )
    if not target._data.flags.writeable:
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers "
            "to a single memory location. Please clone() the tensor before performing the "
            "operation."
        )
    np.copyto(target._data, result._data, casting="unsafe")
    target._version[0] += 1
