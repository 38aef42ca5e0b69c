"""In-place variants (``x.add_(y)``, ``x += y``, ``x.zero_()``) built from the ops.

An in-place op is its out-of-place op whose result is written back into the tensor's
memory. For autograd, the tensor's history is replaced by the op's node, exactly as in
PyTorch; when a graph is being recorded the op runs on a snapshot of the old values, since
its rule may need them after they are overwritten.

Through a view (``y[:, 0] *= 3``, ``y.diagonal().zero_()``) the write changes the view's
base too, so the base's history is rewritten (a ``CopySlices`` node) and the views are
re-derived from it; see the notes above ``_inplace_on_view``.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd import forward_ad, grad_mode
from ._registry import Arg, Op, Sample, _record
from .._dtype import TYPE_WORDS


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


def _needs_grad(base: Tensor, target: Tensor, args, kwargs) -> bool:
    """True when an in-place op on a view must record gradients (grad mode is on and the
    base, the view or an argument requires grad)."""
    if not grad_mode._state[0]:
        return False
    if base._requires_grad or target._requires_grad:
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
        if (
            base is not None
            and (target.grad_fn is not None or not base._requires_grad)
            and (forward_ad._state[0] >= 0 or _needs_grad(base, target, args, kwargs))
        ):
            return _inplace_on_view(fn, target, base, args, kwargs)
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
        if getattr(node, "op", None) is not None and node.out_version is not None:
            node.out_version = (target._version, target._version[0])
        if "_views" in target.__dict__:
            _rederive_views(target, None)
    return target


def write_into(target: Tensor, result: Tensor, name: str = "operation") -> None:
    """Copy ``result``'s values into ``target`` with torch's shape and cast checks."""
    source, destination = result.dtype, target.dtype
    if source is not destination and (source._category > destination._category):
        raise RuntimeError(
            f"result type {TYPE_WORDS[source.name]} can't be cast to the desired output "
            f"type {TYPE_WORDS[destination.name]}"
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


# ---------------------------------------------------------------------------- views
#
# An in-place op on a view ``v`` of a base ``b`` (``y[:, 0] *= 3``) rewrites ``b``'s
# values, so it rewrites ``b``'s history, as in PyTorch:
#
#   new b = CopySlices(old b, r)   where r = op(old v, other inputs)
#
# In backward, the gradient g of the new ``b`` splits in two: outside the view's region it
# goes to the old ``b`` unchanged; inside, ``g[region]`` goes to ``r`` and from there
# through the op's own rule (to the old values of ``v``, and to the op's other inputs).
# The old ``v`` is taken from the old ``b`` by an ``AsStridedBackward0`` node, so its
# gradient also flows back into the old ``b``'s history. Afterwards every view of ``b``
# that carries a history (``v`` itself included) is re-derived from the new ``b`` by an
# ``AsStridedBackward0`` node, since its values may have changed.
#
# A region is an integer array shaped like the view: for each element of the view, its
# position in the base flattened in C order. It is found from the arrays' memory layout
# (data pointers and strides), so it does not matter which view ops made the view.


def _offsets(array: np.ndarray, origin: int) -> np.ndarray:
    """For each element of ``array``, its distance in items from the address ``origin``."""
    itemsize = array.itemsize
    pointer = array.__array_interface__["data"][0]
    offsets = np.full(array.shape, (pointer - origin) // itemsize, dtype=np.intp)
    for dim, (size, stride) in enumerate(zip(array.shape, array.strides, strict=True)):
        if stride % itemsize:
            raise RuntimeError("in-place operation through a view with an unaligned stride")
        steps = np.arange(size, dtype=np.intp) * (stride // itemsize)
        offsets = offsets + steps.reshape((size,) + (1,) * (array.ndim - dim - 1))
    return offsets


def view_region(base: np.ndarray, view: np.ndarray) -> np.ndarray:
    """Where each element of ``view`` sits in ``base`` flattened in C order (``view`` shares
    ``base``'s memory)."""
    origin = base.__array_interface__["data"][0]
    in_view = _offsets(view, origin)
    if base.flags.c_contiguous:
        region = in_view
    else:
        # any other layout (transposed, gapped): a table from memory position to C index
        in_base = _offsets(base, origin).ravel()
        low = int(in_base.min()) if in_base.size else 0
        table = np.full(int(in_base.max()) - low + 1 if in_base.size else 1, -1, np.intp)
        table[in_base - low] = np.arange(in_base.size, dtype=np.intp)
        shifted = in_view - low
        if shifted.size and (shifted.min() < 0 or shifted.max() >= table.size):
            region = np.full(view.shape, -1, np.intp)
        else:
            region = table[shifted]
    if region.size and (region.min() < 0 or region.max() >= base.size):
        raise RuntimeError("internal error: a view's elements lie outside its base")
    return region


def _gather(m, g, region):
    """``g`` flattened, at ``region`` (the view's part of a gradient shaped like the base)."""
    if isinstance(g, np.ndarray):
        return g.reshape(-1)[region]
    return g.reshape(-1)[Tensor._make(region)]


def _scatter(m, g, shape, region):
    """A gradient shaped like the base: ``g`` added at ``region``, zeros elsewhere."""
    size = int(np.prod(shape))
    if isinstance(g, np.ndarray):
        out = np.zeros(size, dtype=g.dtype)
        np.add.at(out, region.reshape(-1), g.reshape(-1))
        return out.reshape(shape)
    from .index import index_put

    zeros = Tensor._make(np.zeros(size, dtype=g._data.dtype))
    flat = index_put(zeros, (Tensor._make(region.reshape(-1)),), g.reshape(-1), True)
    return flat.reshape(shape)


def _outside(m, g, region):
    """``g`` with the view's region set to zero (written as a product: differentiable)."""
    mask = np.ones(g.shape, dtype=bool)
    mask.reshape(-1)[region.reshape(-1)] = False
    if isinstance(g, np.ndarray):
        return g * mask
    return g * Tensor._make(mask.astype(g._data.dtype))


def _copy_slices_forward(xp, base, value, region):
    out = np.array(base, order="C")
    out.reshape(-1)[region.reshape(-1)] = np.broadcast_to(value, region.shape).reshape(-1)
    return out


# the view ``region`` of a base: its node re-derives a view from the base's history
AS_STRIDED = Op(
    "view_of_base",
    "AsStridedBackward0",
    forward=lambda xp, base, region: np.asarray(base).reshape(-1)[region],
    vjp=(lambda m, g, base, out, region: _scatter(m, g, base.shape, region),),
    jvp="linear",
    samples=[
        Sample(
            (Arg((3, 4)),),
            call=lambda torch, x: _sample_view_after_inplace(torch, x),
            note="a view re-derived from its base after an in-place op through it",
        )
    ],
)

# the base after an in-place op through a view: ``value`` written at ``region``
COPY_SLICES = Op(
    "copy_slices",
    "CopySlices",
    forward=_copy_slices_forward,
    vjp=(
        lambda m, g, base, value, out, region: _outside(m, g, region),
        lambda m, g, base, value, out, region: _gather(m, g, region),
    ),
    jvp="linear",
    samples=[
        Sample(
            (Arg((3, 4)),),
            call=lambda torch, x: _sample_base_after_inplace(torch, x),
            note="a base after an in-place op through one of its views",
            # torch's node is a C++ class: name() gives it with its namespace
            torch_grad_fn="torch::autograd::CopySlices",
        )
    ],
)
# as torch's node (a C++ class), name() carries the namespace
COPY_SLICES.node_class.name = lambda self: "torch::autograd::CopySlices"


def _sample_view_after_inplace(torch, x):
    y = x * 1
    view = y[1:, 1]
    view.mul_(2)
    return view


def _sample_base_after_inplace(torch, x):
    y = x * 1
    y.t()[1].mul_(x[0, 1:])
    return y


def _alias(tensor: Tensor) -> Tensor:
    """A tensor with ``tensor``'s current values *and history*, unaffected by later
    in-place changes to ``tensor``'s history (its memory is shared)."""
    alias = Tensor._make(tensor._data, tensor._requires_grad, tensor.grad_fn, tensor._output_nr)
    alias._accumulator = tensor._accumulator
    alias._version = tensor._version
    return alias


def _inplace_on_view(fn, target: Tensor, base: Tensor, args, kwargs) -> Tensor:
    """``inplace`` for a view whose base's history must change (see the notes above)."""
    grad = _needs_grad(base, target, args, kwargs)
    if grad and base.grad_fn is None and base._requires_grad:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )
    region = view_region(base._data, target._data)
    old_base = _alias(base)
    # the view's old values, re-derived from the old base (a snapshot: the op's rule may
    # read them after they are overwritten)
    source = Tensor._make(target._data.copy())
    if grad and old_base._requires_grad:
        source.grad_fn = _record(AS_STRIDED, (old_base,), (region,), None)
        source._requires_grad = True
    base_tangent = forward_ad.tangent_of(base)
    if base_tangent is not None:
        source.__dict__["_fw_tangent"] = Tensor._make(_gather(None, base_tangent._data, region))
    elif "_fw_tangent" in target.__dict__:
        source.__dict__["_fw_tangent"] = target.__dict__["_fw_tangent"]
    result = fn(source, *args, **kwargs)
    write_into(target, result, getattr(fn, "__name__", "operation"))
    _carry_tangents(base, target, base_tangent, forward_ad.tangent_of(result), region)
    node = result.grad_fn
    if node is not None and getattr(node, "op", None) is not None and node.out_version is not None:
        node.out_version = (target._version, target._version[0])
    if not grad or (node is None and not old_base._requires_grad):
        return target
    base.grad_fn = _record(COPY_SLICES, (old_base, result), (region,), None)
    base._output_nr = 0
    base._requires_grad = True
    _rederive_views(base, (target, region))
    return target


def _carry_tangents(base, target, base_tangent, value_tangent, region) -> None:
    """Forward AD: the base's tangent takes the written values' tangent at ``region``, and
    the view's tangent is the base's at ``region``."""
    if base_tangent is None and value_tangent is None:
        return
    dtype = base._data.dtype
    old = np.zeros(base._data.shape, dtype) if base_tangent is None else base_tangent._data
    new = np.zeros(region.shape, dtype) if value_tangent is None else value_tangent._data
    combined = _copy_slices_forward(np, old, new, region)
    forward_ad.attach(base, Tensor._make(combined))
    forward_ad.attach(target, Tensor._make(combined.reshape(-1)[region]))


def _rederive_views(base: Tensor, known) -> None:
    """Give every view of ``base`` that carries a history (and ``known[0]``, whose region
    is ``known[1]``) a node that takes it from ``base``'s current history."""
    views = base._live_views()
    if known is not None and all(view is not known[0] for view in views):
        views.append(known[0])
    for view in views:
        if view._base is not base or not np.may_share_memory(view._data, base._data):
            continue  # no longer a view of this base (its data was replaced)
        region = known[1] if known is not None and view is known[0] else None
        if region is None:
            region = view_region(base._data, view._data)
        view.grad_fn = _record(AS_STRIDED, (base,), (region,), None)
        view._output_nr = 0
        view._requires_grad = True
    if known is not None:
        known[0]._base = base  # remembered by the base now that both carry a history
