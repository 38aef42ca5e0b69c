"""The backward engine: reverse-mode automatic differentiation over the recorded graph.

``loss.backward()`` walks the graph once, from the loss back to the leaves:

1. count, for every node reachable from the roots, how many edges lead into it;
2. start from the roots with their gradients (``1`` for a scalar loss);
3. repeatedly take a node whose gradients have all arrived (largest sequence number
   first, as PyTorch does), apply its op's VJP rule for each input that needs a gradient,
   and add the result into the gradient waiting at the next node;
4. at an ``AccumulateGrad`` node, add the gradient into ``leaf.grad``.

The walk uses an explicit heap, not recursion, so a chain of 100,000 ops is fine. Without
``create_graph`` the rules run on NumPy arrays (``ArrayMath``), which is the fast path;
with it they run on Tensors (``TensorMath``) and record a graph of the backward pass.

Two observers can watch a run: anomaly detection (``anomaly_mode``: NaN checks and the
forward traceback of a failing node) and ``explain`` (a log of every step). Both are read
once at the start of a run; when either is on, every node takes the general path, which
reports to them. When both are off nothing per node changes.
"""

from __future__ import annotations

import re
from heapq import heappop, heappush

import numpy as np

from .._quiet import quiet_off, quiet_on
from .._tensor import Tensor, _LEGACY_NAMES
from ..ops._registry import ArrayMath, TensorMath, apply
from . import grad_mode
from .forward_ad import _state as _forward_level
from .forward_ad import tangent_of
from .function import _CUSTOM_OP
from .graph import FREED_MESSAGE, AccumulateGrad, anomaly_state, edge_of

# explain_log[0]: the active ``autograd.explain`` log (set by explain.py), else None
explain_log = [None]


def backward(
    tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None
) -> None:
    """``torch.autograd.backward``: accumulate gradients of ``tensors`` into the leaves."""
    tensors = _as_tuple(tensors)
    roots, root_grads = _prepare_roots(tensors, grad_tensors, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    only = None
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if len(inputs) == 0:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        only = {id(t) for t in inputs}
        for t in inputs:
            if t.grad_fn is not None:
                t.retain_grad()
    run_backward(roots, root_grads, retain_graph, create_graph, only_leaves=only)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """``torch.autograd.grad``: the gradients of ``outputs`` with respect to ``inputs``,
    returned as a tuple instead of being accumulated into ``.grad``."""
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    roots, root_grads = _prepare_roots(outputs, grad_outputs, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    capture = {}
    for i, t in enumerate(inputs):
        capture.setdefault(edge_of(t), []).append(i)
    results = run_backward(
        roots, root_grads, retain_graph, create_graph, capture=capture, n_capture=len(inputs)
    )
    out = []
    for index, (t, g) in enumerate(zip(inputs, results, strict=True)):
        if g is None:
            if materialize_grads:
                from .. import ops

                g = ops.zeros_like(t)
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {index} appears to not have been "
                    "used in the graph. Set allow_unused=True if this is the desired behavior."
                )
        out.append(g)
    return tuple(out)


def _as_tuple(value):
    if isinstance(value, Tensor):
        return (value,)
    return tuple(value)


def _prepare_roots(tensors, grad_tensors, create_graph):
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    else:
        grad_tensors = (
            _as_tuple(grad_tensors) if not isinstance(grad_tensors, list) else tuple(grad_tensors)
        )
        if len(grad_tensors) != len(tensors):
            raise RuntimeError(f"got {len(grad_tensors)} tensors and {len(tensors)} gradients")
    roots, grads = [], []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors, strict=True)):
        if not t._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        if g is None:
            if t._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not t.dtype.is_floating_point:
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got {t.dtype}"
                )
            g_data = np.ones(t._data.shape, dtype=t._data.dtype)
            g = Tensor._make(g_data)
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        elif g.shape != t.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                f"output[{i}] has a shape of {t.shape}."
            )
        roots.append(edge_of(t))
        grads.append(g if create_graph else g._data)
    return roots, grads


def run_backward(*args, **kwargs):
    """``_run_backward`` with NumPy's floating-point warnings off: rules meet 0 · ∞ or
    log(0) where PyTorch stays silent (the sqrt gradient at 0, say). Once per pass."""
    token = quiet_on()
    try:
        return _run_backward(*args, **kwargs)
    finally:
        quiet_off(token)


def _run_backward(
    roots, root_grads, keep_graph, create_graph, only_leaves=None, capture=None, n_capture=0
):
    """Propagate ``root_grads`` from the ``roots`` edges through the graph.

    ``only_leaves``: ids of the leaves allowed to accumulate (``backward(inputs=...)``).
    ``capture``: ``{edge: [result indices]}`` to return gradients instead of
    accumulating them (``autograd.grad``). Returns the captured gradients.
    """
    math = TensorMath if create_graph else ArrayMath
    # observers, read once per run: anomaly detection and an explain log
    anomaly = anomaly_state[0]
    log = explain_log[0]
    observed = anomaly or log is not None
    captured = [None] * n_capture
    pending: dict = {}  # node -> the gradients summed so far, one slot per output
    ready: list = []  # heap of (-sequence number, node) for nodes that have gradients
    accumulators: list = []  # AccumulateGrad nodes reached, processed at the end
    for (node, nr), g in zip(roots, root_grads, strict=True):
        _receive(pending, ready, accumulators, node, nr, g)
    previous_mode = grad_mode._state[0]
    grad_mode._state[0] = create_graph
    try:
        # Nodes are created after the nodes of their inputs, so a node's consumers all have
        # larger sequence numbers. Taking the node with the largest number first therefore
        # runs every node after all gradients flowing into it have been summed (reverse
        # topological order) without a separate pass to count dependencies.
        fast = not create_graph and capture is None and not observed
        # On a chain the next node is often the only one with gradients: the fast path then
        # keeps it in ``follow`` (its gradient in ``follow_g``) and runs it next, without
        # going through ``pending`` and the heap.
        follow = follow_g = None
        while follow is not None or ready:
            if follow is not None:
                node, g, follow = follow, follow_g, None
                op = node.op
            else:
                node = heappop(ready)[1]
                grads = pending.pop(node)
                op = node.op
                if not (fast and op.n_outputs == 1 and node.hooks_free):
                    if fast and op is _CUSTOM_OP and node.hooks_free:
                        # a custom Function's node (the general path's steps, fewer checks);
                        # on a chain of them the next one runs at once, as ``follow`` does
                        while True:
                            input_grads = node.run_backward(grads, False)
                            if not keep_graph:
                                node.release()
                            edges = node.edges
                            if len(edges) == 1 and not ready and input_grads[0] is not None:
                                next_node, nr = edges[0]
                                if (
                                    next_node is not None
                                    and type(next_node) is not AccumulateGrad
                                    and next_node.op is _CUSTOM_OP
                                    and next_node.hooks_free
                                    and next_node not in pending
                                ):
                                    node = next_node
                                    grads = [None] * next_node.output_count()
                                    grads[nr] = input_grads[0]
                                    continue
                            for (next_node, nr), g in zip(edges, input_grads):
                                if g is not None and next_node is not None:
                                    _receive(pending, ready, accumulators, next_node, nr, g)
                            break
                        continue
                    # the general path: hooks, several outputs, create_graph, observers
                    if node.pre_hooks or node.tensor_hooks:
                        grads = _call_tensor_hooks(node, grads, create_graph)
                    if capture is not None:
                        for nr, g in enumerate(grads):
                            for index in capture.get((node, nr), ()):
                                captured[index] = None if g is None else _as_result(g, create_graph)
                    if observed:
                        input_grads = _apply_observed(node, grads, math, create_graph, anomaly, log)
                    else:
                        input_grads = _apply_rules(node, grads, math, create_graph)
                    if not keep_graph and not node.freed:
                        _free(node)
                    for (next_node, nr), g in zip(node.edges, input_grads):
                        if g is not None and next_node is not None:
                            _receive(pending, ready, accumulators, next_node, nr, g)
                    continue
                g = grads[0]
                if g is None:
                    continue
            # the common case, written out: one output, no hooks, rules on arrays
            inputs = node.inputs
            if inputs is None:
                raise RuntimeError(FREED_MESSAGE)
            checks = node.saved_versions  # _check_versions, written out (hot path)
            if checks is not None:
                for i, expected in checks:
                    if inputs[i]._version[0] != expected:
                        _version_error(inputs[i], expected)
            if node.out_version is not None:
                counter, expected = node.out_version
                if counter[0] != expected:
                    _version_error_out(node, counter[0], expected)
            if len(inputs) == 2:  # the commonest arities written out (no list building)
                a, b = inputs
                values = (
                    a._data if isinstance(a, Tensor) else a,
                    b._data if isinstance(b, Tensor) else b,
                )
            elif len(inputs) == 1:
                a = inputs[0]
                values = (a._data if isinstance(a, Tensor) else a,)
            else:
                values = [x._data if isinstance(x, Tensor) else x for x in inputs]
            out = node.out
            params = node.params
            vjp = op.vjp
            for i, (next_node, nr) in enumerate(node.edges):
                if next_node is None:
                    continue
                gi = vjp[i](ArrayMath, g, *values, out, *params)
                if gi is None:
                    continue
                # the gradient must have its input's shape and dtype
                if type(gi) is not np.ndarray:
                    gi = np.asarray(gi)
                data = inputs[i]._data
                if gi.shape != data.shape:
                    _shape_error(node, i, gi.shape, data.shape)
                if gi.dtype is not data.dtype and gi.dtype != data.dtype:
                    gi = gi.astype(data.dtype)
                slots = pending.get(next_node)
                if slots is not None:
                    current = slots[nr]
                    slots[nr] = gi if current is None else current + gi
                elif next_node is follow:  # a second edge into the node followed (x * x)
                    follow_g = follow_g + gi
                elif (
                    nr == 0
                    and type(next_node) is not AccumulateGrad
                    and next_node.op.n_outputs == 1
                ):
                    if follow is None and not ready and next_node.hooks_free:
                        follow, follow_g = next_node, gi
                    else:
                        pending[next_node] = [gi]
                        heappush(ready, (-next_node.sequence_nr, next_node))
                else:
                    _receive(pending, ready, accumulators, next_node, nr, gi)
            if follow is not None and ready:  # not alone: back in order, through the heap
                pending[follow] = [follow_g]
                heappush(ready, (-follow.sequence_nr, follow))
                follow = None
            if not keep_graph:
                # _free(node) for this path's nodes (one output, nothing packed by hooks)
                node.freed = True
                node.out = None
                if op.every_rule_saves or (op.saves and _has_saved_tensors(node)):
                    node.inputs = None
                else:
                    node.inputs = tuple([_freed(x) if isinstance(x, Tensor) else x for x in inputs])
        # leaves last: every gradient for them has arrived
        for node in accumulators:
            g = pending.pop(node)[0]
            if log is not None:
                log.record_leaf(node, g, capture is not None, only_leaves)
            if capture is not None:
                for index in capture.get((node, 0), ()):
                    captured[index] = _as_result(g, create_graph)
            else:
                _accumulate(node, g, create_graph, only_leaves)
    finally:
        grad_mode._state[0] = previous_mode
    return captured


def _receive(pending, ready, accumulators, node, nr, g):
    """Add gradient ``g`` for output ``nr`` of ``node``; schedule the node on first use."""
    slots = pending.get(node)
    if slots is None:
        if type(node) is AccumulateGrad:
            pending[node] = [g]
            accumulators.append(node)
            return
        # n_outputs is None for ops with a variable number of outputs (split): count them
        slots = pending[node] = [None] * (node.op.n_outputs or node.output_count())
        heappush(ready, (-node.sequence_nr, node))
    current = slots[nr]
    slots[nr] = g if current is None else current + g


def _apply_rules(node, grads, math, create_graph):
    """Call the op's VJP rule for every input whose gradient is needed."""
    op = node.op
    if op.n_outputs is None and hasattr(node, "run_backward"):
        results = node.run_backward(grads, create_graph)  # a custom autograd.Function
        if node.hooks:
            _call_node_hooks(node, results, grads, create_graph)
        return results
    next_functions = node.edges
    if op.n_outputs == 1:
        g = grads[0]
        if g is None:
            return [None] * len(next_functions)
    elif all(gi is None for gi in grads):
        return [None] * len(next_functions)
    if node.freed and node.inputs is None:
        raise RuntimeError(FREED_MESSAGE)
    packed = node.packed
    if packed is not None:
        # values saved through saved_tensors_hooks: unpack them (no version check, as torch)
        inputs, out = packed.unpack(node, create_graph)
    else:
        if node.saved_versions is not None or node.out_version is not None:
            _check_versions(node)
        inputs = node.inputs
        out = node.out
    if create_graph:
        values, out = _tensor_values(node, inputs, out)
    else:
        values = [x._data if isinstance(x, Tensor) else x for x in inputs]
        if isinstance(out, Tensor):
            out = out._data
    if op.n_outputs != 1:
        g = _multi_output_grads(node, grads, create_graph)
    params = node.params
    vjp = op.vjp
    results = []
    for i, (next_node, _) in enumerate(next_functions):
        if next_node is None:
            results.append(None)
            continue
        gi = vjp[i](math, g, *values, out, *params)
        if create_graph:
            if gi is not None:
                gi = _validate(node, i, gi, inputs[i], create_graph)
        elif gi is not None:
            # the gradient must have its input's shape and dtype (written out: hot path)
            if type(gi) is not np.ndarray:
                gi = np.asarray(gi)
            data = inputs[i]._data
            if gi.shape != data.shape:
                _shape_error(node, i, gi.shape, data.shape)
            if gi.dtype != data.dtype:
                gi = gi.astype(data.dtype)
        results.append(gi)
    if node.hooks:
        _call_node_hooks(node, results, grads, create_graph)
    return results


def _apply_observed(node, grads, math, create_graph, anomaly, log):
    """``_apply_rules`` watched by anomaly detection and/or an explain log."""
    if anomaly:
        from .anomaly_mode import check_nan, forward_trace_warning

        try:
            results = _apply_rules(node, grads, math, create_graph)
            if anomaly_state[1]:
                check_nan(node, results)
        except Exception:
            forward_trace_warning(node)
            raise
    else:
        results = _apply_rules(node, grads, math, create_graph)
    if log is not None:
        log.record_node(node, grads, results)
    return results


def _tensor_values(node, inputs, out):
    """The node's inputs and output as Tensors, for rules that record a graph."""
    values = [
        x if isinstance(x, Tensor) or not isinstance(x, np.ndarray) else Tensor._make(x)
        for x in inputs
    ]
    if out is not None and not isinstance(out, Tensor):
        if node.op.n_outputs == 1:
            if _forward_level[0] >= 0 and any(tangent_of(v) is not None for v in values):
                # forward-over-reverse (jacfwd of a gradient): recompute the output from the
                # inputs so that it carries their tangents, which the stored array cannot
                out = apply(node.op, tuple(values), node.params)
            else:
                out = Tensor._make(out, True, node)
        else:
            out = tuple(
                Tensor._make(o, o.dtype.kind == "f", node if o.dtype.kind == "f" else None, i)
                for i, o in enumerate(out)
            )
    return values, out


def _multi_output_grads(node, grads, create_graph):
    outputs = node.out if node.out is not None else grads
    return tuple(
        gi if gi is not None else _zeros_like_output(o, create_graph)
        for gi, o in zip(grads, outputs, strict=True)
    )


def _call_node_hooks(node, results, grads, create_graph):
    for hook in node.hooks:
        hook(
            tuple(_as_result(r, create_graph) if r is not None else None for r in results),
            tuple(_as_result(x, create_graph) if x is not None else None for x in grads),
        )


def _zeros_like_output(o, create_graph):
    zeros = np.zeros_like(o)
    return Tensor._make(zeros) if create_graph else zeros


def _validate(node, index, gi, x, create_graph):
    """Check a rule's gradient against its input: same shape, cast to the input dtype."""
    if create_graph:
        if not isinstance(gi, Tensor):
            gi = Tensor._make(np.asarray(gi))
        if tuple(gi.shape) != tuple(x.shape):
            _shape_error(node, index, gi.shape, x.shape)
        if gi.dtype is not x.dtype:
            gi = gi.to(x.dtype)
        return gi
    if type(gi) is not np.ndarray:
        gi = np.asarray(gi)
    data = x._data
    if gi.shape != data.shape:
        _shape_error(node, index, gi.shape, data.shape)
    if gi.dtype != data.dtype:
        gi = gi.astype(data.dtype)
    return gi


def _shape_error(node, index, got, expected):
    raise RuntimeError(
        f"Function {node.name()} returned an invalid gradient at index {index} - got "
        f"{list(got)} but expected shape compatible with {list(expected)}"
    )


def _check_versions(node):
    """Raise torch's error if a value a rule of this node reads was modified in place.

    ``node.saved_versions``: ``(input index, version)`` for each tensor a rule that will run
    reads; ``node.out_version``: ``(counter, version)`` when such a rule reads the output
    (both chosen when the node was recorded, ``_registry._record``).
    """
    if node.saved_versions is not None:
        inputs = node.inputs
        for i, expected in node.saved_versions:
            if inputs[i]._version[0] != expected:
                _version_error(inputs[i], expected)
    if node.out_version is not None:
        counter, expected = node.out_version
        if counter[0] != expected:
            _version_error_out(node, counter[0], expected)


def _has_saved_tensors(node) -> bool:
    """True when a rule this node will run reads an input's or the output's values (not
    only a shape). A Python number counts: torch saves it as a 0-d tensor, and a second
    backward through ``x * 2`` fails there too."""
    op = node.op
    for j, (next_node, _) in enumerate(node.edges):
        if next_node is None or j >= len(op.rule_reads):
            continue
        if op.rule_reads_out[j] or op.rule_reads[j]:
            return True
    return False


def _describe(x) -> str:
    return f"[torch.{_LEGACY_NAMES[x.dtype.name]} {list(x.shape)}]"


_HINT = (
    "Hint: enable anomaly detection to find the operation that failed to compute its "
    "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
)


def _version_error(x, expected):
    producer = ""
    if x.grad_fn is not None:
        producer = f", which is output {x._output_nr} of {_short_name(x.grad_fn)},"
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: {_describe(x)}{producer} is at version {x._version[0]}; "
        f"expected version {expected} instead. {_HINT}"
    )


def _version_error_out(node, current, expected):
    out = node.out if node.op.n_outputs == 1 else node.out[0]
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [torch.{_LEGACY_NAMES[_dtype_name(out)]} {list(out.shape)}], "
        f"which is output 0 of {_short_name(node)}, is at version {current}; expected "
        f"version {expected} instead. {_HINT}"
    )


def _dtype_name(array) -> str:
    from .._dtype import from_numpy_dtype

    return from_numpy_dtype(array.dtype).name


def _short_name(node) -> str:
    return re.sub(r"Backward\d*$", "", node.name())


class _FreedInput:
    """What a node keeps of an input after its buffers are freed: the metadata only."""

    __slots__ = ("shape", "ndim", "dtype", "_data")

    def __init__(self, x):
        data = x._data
        self.shape = data.shape
        self.ndim = data.ndim
        self.dtype = data.dtype  # the NumPy dtype, as rules on the fast path see it
        self._data = self


_FREED: dict = {}


def _freed(x) -> _FreedInput:
    """The (shared, immutable) ``_FreedInput`` of a tensor's shape and dtype."""
    data = x._data
    key = (data.shape, data.dtype)
    freed = _FREED.get(key)
    if freed is None:
        if len(_FREED) >= 1024:
            _FREED.clear()
        freed = _FREED[key] = _FreedInput(x)
    return freed


def _free(node) -> None:
    """Drop the saved values of a node once backward has used them (torch's default).

    A node whose rules read saved values can never run again, so it keeps nothing; one
    whose rules read only shapes (add, sum, views ...) keeps those.
    """
    if hasattr(node, "release"):
        node.release()  # a custom autograd.Function drops its saved tensors
        return
    node.freed = True
    if node.packed is not None:
        node.packed.freed = True
    op = node.op
    if op.n_outputs is None:
        # a variable number of outputs: keep their count and shapes (zero-cost placeholders)
        node.out = tuple(np.broadcast_to(np.zeros((), o.dtype), o.shape) for o in node.out)
    else:
        node.out = None
    if op.every_rule_saves or (op.saves and _has_saved_tensors(node)):
        node.inputs = None
    else:
        node.inputs = tuple(_freed(x) if isinstance(x, Tensor) else x for x in node.inputs)


def _call_tensor_hooks(node, grads, create_graph):
    if node.pre_hooks:
        for hook in node.pre_hooks:
            result = hook(
                tuple(_as_result(g, create_graph) if g is not None else None for g in grads)
            )
            if result is not None:
                grads = [_unwrap(g, create_graph) for g in result]
    if not node.tensor_hooks:
        return grads
    grads = list(grads)
    for nr, hooks in node.tensor_hooks.items():
        if grads[nr] is None:
            continue
        for hook in list(hooks):
            result = hook(_as_result(grads[nr], create_graph))
            if result is not None:
                grads[nr] = _unwrap(result, create_graph)
    return grads


def _as_result(g, create_graph):
    """A gradient as the Tensor handed to users (hooks, ``.grad``, ``autograd.grad``)."""
    if isinstance(g, Tensor):
        return g
    return Tensor._make(np.array(g) if type(g) is not np.ndarray else g)


def _unwrap(g, create_graph):
    if create_graph or not isinstance(g, Tensor):
        return g
    return g._data


def _accumulate(node, g, create_graph, only_leaves):
    leaf = node.variable
    if only_leaves is not None and id(leaf) not in only_leaves:
        return
    if leaf._hooks:
        for hook in list(leaf._hooks):
            result = hook(_as_result(g, create_graph))
            if result is not None:
                g = _unwrap(result, create_graph)
    if create_graph:
        g = _as_result(g, True)
        leaf._grad = g if leaf._grad is None else leaf._grad + g
    elif leaf._grad is None:
        # copy: the same array may also flow to other leaves (add passes g to both inputs);
        # the copy takes the leaf's memory layout, as torch's .grad does (the gradient of a
        # weight used as ``w.t()`` arrives transposed), which the optimizer's ufuncs need
        grad_data = np.empty_like(leaf._data)
        np.copyto(grad_data, g, casting="unsafe")
        leaf._grad = Tensor._make(grad_data)
    elif leaf._grad._requires_grad:
        leaf._grad = Tensor._make(leaf._grad._data + g)
    else:
        grad_data = leaf._grad._data
        if grad_data.shape != (g.shape if type(g) is np.ndarray else np.shape(g)):
            raise RuntimeError("gradient shape does not match the accumulated .grad shape")
        np.add(grad_data, g, out=grad_data, casting="unsafe")
        leaf._grad._version[0] += 1
    if leaf._post_accumulate_hooks:
        for hook in list(leaf._post_accumulate_hooks):
            hook(leaf)
