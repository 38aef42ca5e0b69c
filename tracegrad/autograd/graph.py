"""Nodes of the computation graph (what ``tensor.grad_fn`` is).

Every recorded operation creates one ``Node``. It keeps what the op's VJP rules need
(the inputs, the output, the op's parameters) and ``edges``: for each input, the node its
gradient flows to next, ``(node, output_nr)`` or ``(None, 0)`` for inputs that need no
gradient. A leaf that requires grad is reached through its ``AccumulateGrad`` node, which
adds the arriving gradient into ``leaf.grad``. ``next_functions`` shows the edges as torch
does: those of the inputs that can have a gradient (not an index, a mask or a class-index
target, which torch does not list).

Each op gets its own subclass named like PyTorch's (``MmBackward0``), so that
``type(y.grad_fn).__name__`` and the printed ``grad_fn=<MmBackward0>`` match torch.

Also here, as in torch's ``autograd.graph``: ``saved_tensors_hooks`` (and
``save_on_cpu``), which route the values a node saves for backward through user hooks,
and the switches that anomaly detection uses to keep each node's forward traceback.
"""

from __future__ import annotations

import itertools
import os
import traceback

_sequence = itertools.count()
next_sequence_nr = _sequence.__next__

# Switches for recording. ``anomaly_state``: [enabled, check_nan] (set by
# ``anomaly_mode``); ``saved_hooks_stack``: the (pack, unpack) pairs of the active
# ``saved_tensors_hooks``; ``record_extras[0]``: True while either is on, read once per
# node made (``ops._registry`` and ``Function.apply`` make nodes without ``__init__``,
# which is on every op's path) to call ``on_record``.
anomaly_state = [False, True]
saved_hooks_stack: list = []
record_extras = [False]


def _update_record_extras() -> None:
    record_extras[0] = bool(anomaly_state[0] or saved_hooks_stack)


FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class Node:
    """A recorded operation: the unit the backward engine visits.

    Attributes:
        op: the registry entry (forward, VJP and JVP rules) of the operation.
        inputs: the operation's inputs (tensors or constant arrays), ``None`` once freed.
        out: the forward result array(s), kept when a rule needs them.
        params: the non-tensor arguments (``dim``, ``alpha`` ...), passed to the rules.
        edges: where each input's gradient goes next (one per input, in order).
    """

    __slots__ = (
        "op",
        "inputs",
        "out",
        "params",
        "edges",
        "saved_versions",
        "sequence_nr",
        "out_version",
        "freed",
        "__dict__",
        "__weakref__",
    )

    # rarely set attributes live in the instance __dict__ only when set (creating a node is
    # on every op's path, so it assigns as little as it can)
    tensor_hooks = None
    pre_hooks = None
    hooks = None
    # False once any hook is registered on the node (the engine's fast path checks this)
    hooks_free = True
    # the values saved through saved_tensors_hooks (a _PackedSaved), else None
    packed = None

    def __init__(self, op, inputs, out, params, edges, saved_versions):
        self.op = op
        self.inputs = inputs
        self.out = out
        self.params = params
        self.edges = edges
        self.saved_versions = saved_versions
        self.sequence_nr = next(_sequence)
        self.out_version = None
        self.freed = False
        if record_extras[0]:
            on_record(self)

    @property
    def next_functions(self) -> tuple:
        """``(node, output_nr)`` for each input that can have a gradient, as torch lists
        them (``edges`` has one per input, indices and masks included)."""
        shown = getattr(self.op, "differentiable_inputs", None)
        if shown is None:
            return self.edges
        return tuple(edge for edge, keep in zip(self.edges, shown, strict=False) if keep)

    @property
    def metadata(self) -> dict:
        """A dict for users' annotations, as torch's ``Node.metadata``."""
        if "metadata" not in self.__dict__:
            self.__dict__["metadata"] = {}
        return self.__dict__["metadata"]

    def name(self) -> str:
        """The PyTorch name of this node, e.g. ``MmBackward0``."""
        return type(self).__name__

    def output_count(self) -> int:
        """How many outputs the node's operation has."""
        return self.op.n_outputs or len(self.out)

    def _register_tensor_hook(self, output_nr: int, tensor) -> None:
        # the hooks list lives on the tensor; the node keeps the tensor's list per output
        self.hooks_free = False
        if self.tensor_hooks is None:
            self.tensor_hooks = {}
        self.tensor_hooks[output_nr] = tensor._hooks

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node computed its gradients."""
        from .._tensor import _RemovableHandle

        self.hooks_free = False
        if self.hooks is None:
            self.hooks = []
        self.hooks.append(fn)
        return _RemovableHandle(self.hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node; a returned tuple replaces them."""
        from .._tensor import _RemovableHandle

        self.hooks_free = False
        if self.pre_hooks is None:
            self.pre_hooks = []
        self.pre_hooks.append(fn)
        return _RemovableHandle(self.pre_hooks, fn)

    @property
    def _saved_tensors(self):
        if self.freed and self.op.saves:
            raise RuntimeError(FREED_MESSAGE)
        if self.packed is not None:
            inputs, _ = self.packed.unpack(self, False)
            return tuple(inputs[i] for i in self.op.saved_inputs)
        return tuple(self.inputs[i] for i in self.op.saved_inputs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class AccumulateGrad:
    """The node that receives a leaf's gradient and adds it into ``leaf.grad``."""

    __slots__ = (
        "variable",
        "sequence_nr",
        "edges",
        "next_functions",
        "pre_hooks",
        "hooks",
        "__weakref__",
    )

    def __init__(self, variable):
        self.variable = variable
        # torch gives AccumulateGrad the highest priority: it runs as soon as it is ready
        self.sequence_nr = float("inf")
        self.edges = self.next_functions = ()
        self.pre_hooks = None
        self.hooks = None

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def register_hook(self, fn):
        from .._tensor import _RemovableHandle

        if self.hooks is None:
            self.hooks = []
        self.hooks.append(fn)
        return _RemovableHandle(self.hooks, fn)

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


def accumulator_of(leaf) -> AccumulateGrad:
    """The (cached) AccumulateGrad node of a leaf tensor that requires grad."""
    node = leaf._accumulator
    if node is None:
        node = leaf._accumulator = AccumulateGrad(leaf)
    return node


def edge_of(tensor):
    """The ``(node, output_nr)`` pair a gradient for ``tensor`` flows into."""
    if tensor.grad_fn is not None:
        return (tensor.grad_fn, tensor._output_nr)
    if tensor._requires_grad:
        return (accumulator_of(tensor), 0)
    return (None, 0)


# ---------------------------------------------------------------------------- recording extras


def on_record(node) -> None:
    """Extra bookkeeping for a new node while anomaly mode or saved-tensor hooks are on."""
    if anomaly_state[0]:
        node.metadata["traceback_"] = forward_traceback()
    if saved_hooks_stack and node.inputs is not None:
        _pack_saved(node)


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_NN_DIR = _PACKAGE_DIR + "nn" + os.sep


def forward_traceback() -> list:
    """The Python stack of the current forward call, formatted like torch's
    ``node.metadata["traceback_"]``: one string per frame, outermost first. The frames of
    tracegrad's own op machinery at the end are left out (``nn`` modules are kept, as
    torch keeps its Python modules' frames)."""
    frames = traceback.extract_stack()
    end = len(frames)
    while end > 0:
        filename = os.path.abspath(frames[end - 1].filename)
        if not filename.startswith(_PACKAGE_DIR) or filename.startswith(_NN_DIR):
            break
        end -= 1
    return traceback.format_list(frames[:end])


class _SavedPlaceholder:
    """What a node keeps of an input it saved through a pack hook: the metadata only."""

    __slots__ = ("shape", "ndim", "dtype", "_data")

    def __init__(self, x):
        self.shape = tuple(x.shape)
        self.ndim = len(self.shape)
        self.dtype = x._data.dtype  # the NumPy dtype, as rules on the fast path see it
        self._data = self


class _PackedSaved:
    """The values a node saved through ``saved_tensors_hooks``, and how to get them back.

    ``inputs``: ``{input index: packed value}``; ``out``: the packed output or ``None``.
    ``unpack_hook`` runs each time backward reads them (torch unpacks on every use).
    """

    __slots__ = ("unpack_hook", "inputs", "out", "freed")

    def __init__(self, unpack_hook, inputs, out):
        self.unpack_hook = unpack_hook
        self.inputs = inputs
        self.out = out
        self.freed = False

    def _unpacked(self, packed):
        from .._tensor import Tensor

        value = self.unpack_hook(packed)
        if not isinstance(value, Tensor):
            kind = type(value)
            name = kind.__name__
            if kind.__module__ != "builtins":
                name = f"{kind.__module__}.{name}"
            raise TypeError(
                "Output of saved tensor unpack_hook expected to be a Tensor but got result of "
                f"type {name}"
            )
        return value

    def unpack(self, node, create_graph):
        """``(inputs, out)`` of ``node`` with the saved values unpacked (Tensors). Under
        ``create_graph`` each unpacked value is joined to the graph where the original was
        (so that gradients of gradients still reach the same nodes and leaves)."""
        from .._tensor import Tensor

        if self.freed:
            raise RuntimeError(FREED_MESSAGE)
        inputs = list(node.inputs)
        for i, packed in self.inputs.items():
            value = self._unpacked(packed)
            if create_graph:
                edge_node, nr = node.edges[i]
                if edge_node is None:
                    value = Tensor._make(value._data)
                elif type(edge_node) is AccumulateGrad:
                    value = Tensor._make(value._data, True)
                    value._accumulator = edge_node
                else:
                    value = Tensor._make(value._data, True, edge_node, nr)
            inputs[i] = value
        out = node.out
        if self.out is not None:
            out = self._unpacked(self.out)
            if create_graph:
                out = Tensor._make(out._data, True, node, 0)
        return inputs, out


def _pack_saved(node) -> None:
    """Pass the values this node's rules will read through the innermost pack hook.

    Only the values a rule that will run reads are saved (as in torch: ``x * w`` with only
    ``x`` requiring grad saves ``w`` alone). The node then keeps the packed values instead
    of the tensors (their shapes stay for the rules that read only shapes), and is sent to
    the engine's general path, which unpacks them. As in torch, no in-place version check
    is made on values that went through hooks.
    """
    from .._tensor import Tensor

    op = node.op
    rule_reads = getattr(op, "rule_reads", ())
    needed: set = set()
    reads_out = False
    for j, (next_node, _) in enumerate(node.edges):
        if next_node is None or j >= len(rule_reads):
            continue
        needed.update(rule_reads[j])
        reads_out = reads_out or op.rule_reads_out[j]
    if not needed and not reads_out:
        return
    pack_hook, unpack_hook = saved_hooks_stack[-1]
    inputs = list(node.inputs)
    packed_inputs = {}
    for i in sorted(needed):
        x = inputs[i]
        if isinstance(x, Tensor):
            packed_inputs[i] = pack_hook(x)
            inputs[i] = _SavedPlaceholder(x)
    packed_out = None
    if reads_out and op.n_outputs == 1 and node.out is not None:
        # torch hands pack_hook the output tensor itself (with its grad_fn)
        packed_out = pack_hook(Tensor._make(node.out, True, node, 0))
        node.out = None
    if not packed_inputs and packed_out is None:
        return
    node.inputs = tuple(inputs)
    node.saved_versions = None
    node.packed = _PackedSaved(unpack_hook, packed_inputs, packed_out)
    node.hooks_free = False  # the engine's general path unpacks


class saved_tensors_hooks:  # noqa: N801 - torch's name
    """Context manager: the values autograd saves for backward go through your hooks.

    ``pack_hook(tensor)`` is called when an operation saves a tensor for its backward (an
    input or the output its VJP rule reads); whatever it returns is stored instead of the
    tensor. ``unpack_hook(packed)`` is called when backward needs the value and must
    return a Tensor with the original's values. Use it to see what the graph keeps
    alive, or to keep it elsewhere (compressed, on disk, as NumPy copies)::

        with torch.autograd.graph.saved_tensors_hooks(
            lambda t: t.detach().numpy().copy(),   # pack: store a NumPy copy
            lambda a: torch.from_numpy(a),         # unpack: a tensor again
        ):
            y = x * w                              # saves x and w: pack runs twice
        y.sum().backward()                         # unpack runs twice

    Hooks nest: the innermost pair applies. Differences from torch: values saved by a
    custom ``autograd.Function``'s ``ctx.save_for_backward``, and the outputs of ops with
    several outputs (``sort``, ``max(dim)``), are kept as they are, not passed through
    the hooks; and the order of the pack calls within one op may differ.
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        saved_hooks_stack.append((self.pack_hook, self.unpack_hook))
        _update_record_extras()
        return self

    def __exit__(self, *exc_info):
        saved_hooks_stack.pop()
        _update_record_extras()
        return False


class save_on_cpu(saved_tensors_hooks):  # noqa: N801 - torch's name
    """``torch.autograd.graph.save_on_cpu``: keep saved tensors in CPU memory.

    tracegrad's tensors always live in CPU memory, so the hooks keep them as they are;
    it exists so that code written for a GPU runs unchanged.
    """

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda"):
        super().__init__(_identity, _identity)


def _identity(value):
    return value
