"""Nodes of the computation graph (what ``tensor.grad_fn`` is).

Every recorded operation creates one ``Node``. It keeps what the op's VJP rules need
(the inputs, the output, the op's parameters) and ``next_functions``: for each input, the
node its gradient flows to next, ``(node, output_nr)`` or ``(None, 0)`` for inputs that
need no gradient. A leaf that requires grad is reached through its ``AccumulateGrad`` node,
which adds the arriving gradient into ``leaf.grad``.

Each op gets its own subclass named like PyTorch's (``MmBackward0``), so that
``type(y.grad_fn).__name__`` and the printed ``grad_fn=<MmBackward0>`` match torch.
"""

from __future__ import annotations

import itertools

_sequence = itertools.count()

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
        next_functions: where each input's gradient goes next.
    """

    __slots__ = (
        "op",
        "inputs",
        "out",
        "params",
        "next_functions",
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

    def __init__(self, op, inputs, out, params, next_functions, saved_versions):
        self.op = op
        self.inputs = inputs
        self.out = out
        self.params = params
        self.next_functions = next_functions
        self.saved_versions = saved_versions
        self.sequence_nr = next(_sequence)
        self.out_version = None
        self.freed = False

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
        return tuple(self.inputs[i] for i in self.op.saved_inputs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class AccumulateGrad:
    """The node that receives a leaf's gradient and adds it into ``leaf.grad``."""

    __slots__ = ("variable", "sequence_nr", "next_functions", "pre_hooks", "hooks", "__weakref__")

    def __init__(self, variable):
        self.variable = variable
        # torch gives AccumulateGrad the highest priority: it runs as soon as it is ready
        self.sequence_nr = float("inf")
        self.next_functions = ()
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
