"""The op registry: every differentiable operation is one ``Op`` entry.

An entry keeps together, in one place:

* ``forward(xp, *arrays, *params)``: the computation on NumPy arrays;
* ``vjp``: one rule per input, ``rule(m, g, *inputs, out, *params) -> grad_input``
  (``None`` for inputs that have no gradient, such as indices);
* ``jvp``: ``rule(m, tangents, *inputs, out, *params) -> tangent_out``, or a keyword:
  ``"linear"`` (the op applied to the tangents) or ``"elementwise"`` (each VJP rule with
  the tangent in place of ``g``, without undoing broadcasting);
* ``grad_fn``: the node name PyTorch prints (``MulBackward0``);
* ``samples``: inputs that drive every test of the op.

Two extensions cover ops whose arity depends on the call:

* ``vjp=EachInput(make_rule)``: a variable number of tensor inputs (``cat``, ``stack``);
  ``make_rule(i)`` gives the rule of input ``i``. Such rules take ``*args`` (the inputs,
  ``out``, then the params) and may read the inputs' shapes only: nothing is saved.
* ``n_outputs=None``: a variable number of outputs (``split``, ``chunk``, ``unbind``);
  ``forward`` returns a tuple, the node keeps the outputs (for their count and shapes)
  and ``g`` is a tuple as for any multi-output op (zeros for outputs without gradient).

Rules are written in a small vocabulary: arithmetic operators, ``@``, ``.mT`` and the
functions of the namespace ``m``. The engine passes ``m = ArrayMath`` and NumPy arrays on
the fast path, and ``m = TensorMath`` and Tensors under ``create_graph`` (so the backward
pass is itself recorded and differentiable). The symbolic engine passes symbols. One
formula serves all three.
"""

from __future__ import annotations

import dis
from dataclasses import dataclass, field

import numpy as np

from .._dtype import _FROM_NUMPY as _DTYPE_OF
from .._tensor import Tensor
from ..autograd import graph as graph_module
from ..autograd import forward_ad, grad_mode
from ..autograd.forward_ad import _state as _forward_level

REGISTRY: dict[str, Op] = {}


@dataclass
class Arg:
    """A sample tensor argument: ``shape``, value range, dtype and whether it needs grad.

    Float arguments are differentiated in the tests unless ``grad=False``; ``low``/``high``
    keep an input inside the op's domain (positive for ``log``), ``values`` gives explicit
    values instead of random ones.
    """

    shape: tuple = ()
    low: float = -2.0
    high: float = 2.0
    dtype: str = "float64"
    grad: bool = True
    values: object = None


@dataclass
class Sample:
    """One way to call an op in the tests: ``call(torch_module, *tensors)``.

    ``args`` are ``Arg`` specs (made into tensors) or plain values passed as they are.
    ``call`` defaults to ``torch_module.<op name>(*args, **kwargs)``, so the same sample
    runs on tracegrad and on PyTorch.
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    call: object = None
    note: str = ""
    # set (with the reason in a comment) where torch's node name differs from ours
    torch_grad_fn: str = ""


class Op:
    """One differentiable operation (see the module docstring)."""

    def __init__(
        self,
        name,
        grad_fn,
        forward,
        vjp=(),
        jvp=None,
        samples=(),
        differentiable=True,
        n_outputs=1,
        public=None,
        doc="",
    ):
        self.name = name
        self.public = public or name
        self.grad_fn = grad_fn
        self.forward = forward
        self.vjp = vjp if isinstance(vjp, EachInput) else tuple(vjp)
        self.jvp = jvp
        self.samples = list(samples)
        self.differentiable = differentiable
        self.n_outputs = n_outputs
        self.doc = doc
        # For each rule, the inputs (and whether the output) whose *values* it reads, not
        # only their shape: these are the rule's "saved tensors". A node checks and keeps
        # only those of the rules it will run (mul by a number saves no tensor, as in torch).
        rules = self.vjp if type(self.vjp) is tuple else ()
        names = _positional_names(rules)[: len(rules)]
        self.rule_reads = []
        self.rule_reads_out = []
        for rule in rules:
            used = _values_read(rule) if rule is not None else set()
            self.rule_reads.append(tuple(i for i, n in enumerate(names) if n in used))
            self.rule_reads_out.append("out" in used)
        self.saved_inputs = tuple(sorted({i for reads in self.rule_reads for i in reads}))
        self.saves_out = any(self.rule_reads_out)
        self.saves = bool(self.saved_inputs) or self.saves_out
        self.every_rule_saves = bool(rules) and all(
            reads or reads_out
            for rule, reads, reads_out in zip(rules, self.rule_reads, self.rule_reads_out)
            if rule is not None
        )
        # the inputs torch lists in ``next_functions``: those with a rule (not an index, a
        # mask, a class-index target); every input of a variable-arity op (cat, stack)
        self.differentiable_inputs = (
            tuple(rule is not None for rule in self.vjp) if type(self.vjp) is tuple else None
        )
        # the node keeps ``out`` when a rule reads it, or to know a variable output count
        self.keeps_out = self.saves_out or n_outputs is None
        self._reads_by_mask: dict = {}
        # what a node reads when input 0 alone needs a gradient (apply_one's case)
        first_reads, self.first_reads_out = self.reads_for(1) if rules else ((), False)
        self.first_reads_input = 0 in first_reads
        self.node_class = type(grad_fn, (graph_module.Node,), {"__slots__": ()})
        if name in REGISTRY:
            raise ValueError(f"op {name!r} is defined twice")
        REGISTRY[name] = self

    def reads_for(self, mask: int) -> tuple:
        """``(inputs, out)``: the inputs whose values (and whether the output's value) the
        rules that will run read, for the inputs in ``mask`` (bit i: input i needs a
        gradient). Only these are saved and checked for in-place changes: ``x * w`` with
        only ``x`` requiring grad saves ``w`` alone, as torch does."""
        reads = self._reads_by_mask.get(mask)
        if reads is None:
            inputs, out = set(), False
            for j, (read, read_out) in enumerate(zip(self.rule_reads, self.rule_reads_out)):
                if mask >> j & 1:
                    inputs.update(read)
                    out = out or read_out
            reads = self._reads_by_mask[mask] = (tuple(sorted(inputs)), out)
        return reads

    # True for ops whose forward and rules use a Python-number operand only in array
    # arithmetic (mul, div, add and sub without alpha): ``binary`` then passes the number
    # as a 0-d array of the tensor's dtype, which NumPy computes with faster (same bits).
    scalar_as_array = False

    def __repr__(self) -> str:
        return f"Op({self.name!r}, grad_fn={self.grad_fn!r})"


class EachInput:
    """The VJP rules of an op with a variable number of tensor inputs (``cat``, ``stack``).

    ``EachInput(make_rule)``: ``make_rule(i)`` returns the rule of input ``i``, called
    like any rule, ``rule(m, g, *inputs, out, *params)``. As the number of inputs varies,
    the rule takes ``*args`` and finds its params at the end (a fixed number per op). The
    rules may read the inputs' shapes, not their values: such a node saves no tensor.
    ``rules[i]`` is the rule of input ``i`` (made once, then cached).
    """

    __slots__ = ("_make", "_rules")

    def __init__(self, make_rule):
        self._make = make_rule
        self._rules = []

    def __getitem__(self, i):
        rules = self._rules
        while len(rules) <= i:
            rules.append(self._make(len(rules)))
        return rules[i]


_SHAPE_ATTRS = {"shape", "ndim", "dtype"}


def _values_read(rule) -> set:
    """Names of the rule's arguments whose values it reads (not only their shape)."""
    code = rule.__code__
    instructions = list(dis.get_instructions(code))
    used = set()
    for here, after in zip(instructions, instructions[1:] + [None], strict=True):
        if here.opname.startswith("LOAD_FAST") or here.opname == "LOAD_DEREF":
            names = here.argval if isinstance(here.argval, tuple) else (here.argval,)
            for name in names:
                reads_shape = (
                    after is not None
                    and after.opname == "LOAD_ATTR"
                    and after.argval in _SHAPE_ATTRS
                    and len(names) == 1
                )
                if not reads_shape:
                    used.add(name)
    return used


def _positional_names(rules) -> tuple:
    """The input names (after ``m, g``) of the first rule; all rules share them."""
    for rule in rules:
        if rule is not None:
            code = rule.__code__
            return code.co_varnames[2 : code.co_argcount]
    return ()


# ---------------------------------------------------------------------------- apply


def apply(op: Op, inputs: tuple, params: tuple = (), arrays: tuple | None = None):
    """Run ``op`` forward and, when needed, record its node in the graph.

    ``inputs`` are Tensors or constants (Python numbers, ndarrays); ``arrays`` may give
    the NumPy values to compute with when the caller has already converted dtypes.
    Returns a Tensor, or a tuple of Tensors for multi-output ops.

    Every operation passes through here, so the single-output case is written out
    inline (no helper calls) to keep the per-op overhead low.
    """
    if arrays is None:
        arrays = [x._data if isinstance(x, Tensor) else x for x in inputs]
    out = op.forward(np, *arrays, *params)
    if op.n_outputs != 1:
        results = _apply_multi_output(op, inputs, params, out)
        if _forward_level[0] >= 0:
            forward_ad.propagate(op, inputs, params, results)
        return results
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    result = _new_tensor(Tensor)
    result._data = out
    result.dtype = _DTYPE_OF[out.dtype]
    version = result._version = [0]
    result.grad_fn = None
    result._requires_grad = False
    if _grad_enabled[0] and op.differentiable:
        node = _record(op, inputs, params, out, version)
        if node is not None:
            result.grad_fn = node
            result._requires_grad = True
    if _forward_level[0] >= 0:
        forward_ad.propagate(op, inputs, params, result)
    return result


_new_tensor = object.__new__
_grad_enabled = grad_mode._state  # [bool], switched in place by no_grad and friends


def apply_one(op: Op, x: Tensor, constant=None, params: tuple = ()):
    """``apply`` for the commonest calls: one float32/float64 tensor ``x``, and optionally
    one constant second operand (``y.tanh()``, ``y * 1.01`` with 1.01 as a 0-d array),
    one output. The same steps as ``apply`` without its loops over the inputs (it runs for
    most ops of a training step, so each saved line counts)."""
    data = x._data
    if constant is None:
        out = op.forward(np, data, *params) if params else op.forward(np, data)
        inputs = (x,)
    else:
        out = op.forward(np, data, constant, *params) if params else op.forward(np, data, constant)
        inputs = (x, constant)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    result = _new_tensor(Tensor)
    result._data = out
    result.dtype = _DTYPE_OF[out.dtype]
    version = result._version = [0]
    if x._requires_grad and _grad_enabled[0] and op.differentiable:
        fn = x.grad_fn
        edge = (fn, x._output_nr) if fn is not None else (x._accumulator or _accumulator_of(x), 0)
        node = _new_node(op.node_class)  # as _new_node_of, for input 0 alone needing a gradient
        node.op = op
        node.inputs = inputs
        node.out = out if op.keeps_out else None
        node.params = params
        node.edges = (edge,) if constant is None else (edge, _NO_EDGE)
        node.sequence_nr = _next_sequence_nr()
        node.freed = False
        node.saved_versions = [(0, x._version[0])] if op.first_reads_input else None
        node.out_version = (version, 0) if op.first_reads_out else None
        if _record_extras[0]:
            graph_module.on_record(node)
        result.grad_fn = node
        result._requires_grad = True
    else:
        result.grad_fn = None
        result._requires_grad = False
    if _forward_level[0] >= 0:
        forward_ad.propagate(op, inputs, params, result)
    return result


def _apply_multi_output(op, inputs, params, out):
    out = tuple(o if type(o) is np.ndarray else np.asarray(o) for o in out)
    node = None
    if _grad_enabled[0] and op.differentiable:
        node = _record(op, inputs, params, out)
    if node is None:
        return tuple(Tensor._make(o) for o in out)
    results = tuple(
        Tensor._make(o, o.dtype.kind == "f", node if o.dtype.kind == "f" else None, i)
        for i, o in enumerate(out)
    )
    if node.out_version is not None:
        node.out_version = (results[0]._version, 0)
    return results


_NO_EDGE = (None, 0)
_new_node = object.__new__
_accumulator_of = graph_module.accumulator_of
_next_sequence_nr = graph_module.next_sequence_nr
_record_extras = graph_module.record_extras
_WATCH_OUT = (None, 0)  # out_version until the caller knows the output's counter


def _record(op, inputs, params, out, out_counter=None):
    """The graph node of one op application, or ``None`` when no input needs a gradient.

    ``out_counter``: the output's version counter (``None`` for multi-output ops, whose
    caller sets ``out_version`` once the outputs exist).
    """
    edges = []
    mask = 0
    bit = 1
    for x in inputs:
        if isinstance(x, Tensor) and x._requires_grad:
            node = x.grad_fn
            if node is not None:
                edges.append((node, x._output_nr))
            else:
                edges.append((x._accumulator or graph_module.accumulator_of(x), 0))
            mask |= bit
        else:
            edges.append(_NO_EDGE)
        bit <<= 1
    if not mask:
        return None
    return _new_node_of(op, inputs, out, params, edges, mask, out_counter)


def _new_node_of(op, inputs, out, params, edges, mask, out_counter):
    """Create the node (without ``Node.__init__``: on every recorded op's path) and note
    the versions of the values its running rules read, checked in backward."""
    node = _new_node(op.node_class)
    node.op = op
    node.inputs = inputs
    node.out = out if op.keeps_out else None
    node.params = params
    node.edges = tuple(edges)
    node.sequence_nr = _next_sequence_nr()
    node.freed = False
    node.saved_versions = None
    node.out_version = None
    if op.saves:
        reads = op._reads_by_mask.get(mask) or op.reads_for(mask)
        if reads[0]:
            versions = []
            for i in reads[0]:
                x = inputs[i]
                if isinstance(x, Tensor):
                    versions.append((i, x._version[0]))
            if versions:
                node.saved_versions = versions
        if reads[1]:
            node.out_version = _WATCH_OUT if out_counter is None else (out_counter, 0)
    if _record_extras[0]:
        graph_module.on_record(node)
    return node


# ---------------------------------------------------------------------------- math


# along_key's position grids, ``arange(n)`` shaped to run along dim d of an ndim array
# (read-only, cached: a gather in every training step would build them each time)
_POSITIONS: dict = {}


class ArrayMath:
    """The rule vocabulary on NumPy arrays (the fast path of backward)."""

    @staticmethod
    def sum_to(x, shape):
        """Sum ``x`` over the dimensions that broadcasting added or stretched."""
        if x.shape == shape:
            return x
        shape = tuple(shape)
        lead = x.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape) if n == 1 and x.shape[lead + i] != 1
        )
        return np.sum(x, axis=axes, keepdims=True).reshape(shape)

    where = staticmethod(np.where)
    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sqrt = staticmethod(np.sqrt)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    sinh = staticmethod(np.sinh)
    cosh = staticmethod(np.cosh)
    tanh = staticmethod(np.tanh)
    sign = staticmethod(np.sign)
    abs = staticmethod(np.abs)
    matmul = staticmethod(np.matmul)
    floor = staticmethod(np.floor)
    trunc = staticmethod(np.trunc)
    swapaxes = staticmethod(np.swapaxes)
    zeros_like = staticmethod(np.zeros_like)
    ones_like = staticmethod(np.ones_like)
    broadcast_to = staticmethod(np.broadcast_to)
    reshape = staticmethod(np.reshape)
    permute = staticmethod(np.transpose)
    maximum = staticmethod(np.maximum)
    inv = staticmethod(np.linalg.inv)
    solve = staticmethod(np.linalg.solve)

    @staticmethod
    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    @staticmethod
    def erf_derivative(x):
        return (2 / np.sqrt(np.pi)) * np.exp(-x * x)

    @staticmethod
    def sum(x, dim, keepdim=False):
        return np.sum(x, axis=dim, keepdims=keepdim)

    @staticmethod
    def expand(x, shape):
        if type(x) is np.ndarray and x.ndim == 0 and x.flags.c_contiguous:
            # a 0-d gradient (of a sum or mean) read at every position through zero strides:
            # np.broadcast_to's result, made ten times faster (its Python wrapper is ~1.8 µs)
            view = np.ndarray(shape, x.dtype, x, 0, (0,) * len(shape))
            view.flags.writeable = False
            return view
        return np.broadcast_to(x, shape)

    @staticmethod
    def cast(x, like):
        """``x`` with the dtype of ``like`` (used where a rule mixes int and float)."""
        return x.astype(like.dtype, copy=False)

    @staticmethod
    def constant(value, like):
        return np.asarray(value, dtype=like.dtype)

    @staticmethod
    def unsqueeze_dims(x, dims):
        return np.expand_dims(x, dims)

    @staticmethod
    def index_accumulate(g, shape, key):
        """Zeros of ``shape`` with ``g`` added at ``key`` (repeated indices add up)."""
        result = np.zeros(shape, dtype=g.dtype)
        if all(k is None or k is Ellipsis or isinstance(k, slice | int | np.integer) for k in key):
            result[key] = g
        else:
            np.add.at(result, key, g)
        return result

    @staticmethod
    def index_zero(g, key):
        """``g`` with zeros written at ``key``."""
        result = np.array(g, copy=True)
        result[key] = 0
        return result

    # -- moving values along a dimension (cat, stack, flip, gather, scatter, sort ...)

    @staticmethod
    def zeros(shape, like):
        """Zeros of ``shape`` with the dtype of ``like``."""
        return np.zeros(shape, dtype=like.dtype)

    @staticmethod
    def cat(xs, dim):
        return np.concatenate(xs, axis=dim)

    @staticmethod
    def stack(xs, dim):
        return np.stack(xs, axis=dim)

    @staticmethod
    def flip(x, dims):
        return np.flip(x, dims)

    @staticmethod
    def roll(x, shifts, dims):
        return np.roll(x, shifts, dims)

    @staticmethod
    def along_key(index, dim):
        """The NumPy key that addresses, for every element of ``index`` (same ndim as the
        indexed array), the element at that index along ``dim`` and at the element's own
        position along the other dims: ``key[dim] = index``, ``key[d] = arange`` else."""
        key = []
        ndim = index.ndim
        for d, n in enumerate(index.shape):
            if d == dim:
                key.append(index)
            else:
                positions = _POSITIONS.get((n, d, ndim))
                if positions is None:
                    shape = [1] * ndim
                    shape[d] = n
                    positions = np.arange(n).reshape(shape)
                    if n <= 4096:  # small grids only: the cache stays under a few MB
                        positions.flags.writeable = False
                        if len(_POSITIONS) >= 256:
                            _POSITIONS.clear()
                        _POSITIONS[n, d, ndim] = positions
                key.append(positions)
        return tuple(key)

    @staticmethod
    def gather(x, dim, index):
        """``out[i][j] = x[i][index[i][j]]`` for ``dim = 1`` (and likewise for any dim)."""
        if index.ndim == 0 or x.ndim == 0:
            return x.reshape(-1)[index.reshape(-1)].reshape(index.shape)
        return x[ArrayMath.along_key(index, dim)]

    @staticmethod
    def _scattered(x, dim, index, src, add):
        result = np.array(x, copy=True)
        target = result.reshape(1) if result.ndim == 0 else result
        if index.ndim == 0:
            index = index.reshape(1)
        if isinstance(src, np.ndarray):
            src = src.reshape(1) if src.ndim == 0 else src
            if src.shape != index.shape:
                src = src[tuple(slice(0, n) for n in index.shape)]
        key = ArrayMath.along_key(index, dim)
        if add:
            np.add.at(target, key, src)
        else:
            target[key] = src
        return result

    @staticmethod
    def scatter(x, dim, index, src):
        """A copy of ``x`` with ``src`` (an array, of which the leading block of
        ``index``'s shape is used, or a number) written at ``index`` along ``dim``."""
        return ArrayMath._scattered(x, dim, index, src, False)

    @staticmethod
    def scatter_add(x, dim, index, src):
        """A copy of ``x`` with ``src`` added at ``index`` along ``dim`` (repeats add up)."""
        return ArrayMath._scattered(x, dim, index, src, True)

    @staticmethod
    def index_select(x, dim, index):
        """The slices of ``x`` at the positions ``index`` (1-d) along ``dim``."""
        if x.ndim == 0:
            return x.reshape(-1)[index].reshape(())
        return np.take(x, index, axis=dim)

    @staticmethod
    def index_add(x, dim, index, src, alpha=1):
        """A copy of ``x`` with ``alpha * src`` added at the slices ``index`` along ``dim``."""
        result = np.array(x, copy=True)
        target = result.reshape(1) if result.ndim == 0 else result
        src = src.reshape(1) if src.ndim == 0 else src
        np.add.at(target, (slice(None),) * dim + (index,), src if alpha == 1 else src * alpha)
        return result

    @staticmethod
    def masked_scatter(x, mask, source):
        """``x`` (broadcast with ``mask``) with the first elements of ``source`` written, in
        order, where ``mask`` is true."""
        x, mask = np.broadcast_arrays(x, mask)
        result = np.array(x, copy=True)
        result[mask] = source.reshape(-1)[: int(np.count_nonzero(mask))]
        return result

    # -- reductions, scans and products (reduction.py, linalg.py)

    @staticmethod
    def prod(x, dim, keepdim=False):
        """Product over ``dim`` (an int or a tuple of ints)."""
        return np.prod(x, axis=dim, keepdims=keepdim)

    @staticmethod
    def cumsum(x, dim):
        """Running sums; float16/float32 accumulate in float64, as PyTorch's CPU kernel."""
        if x.ndim == 0:
            return x.copy()
        if x.dtype.kind == "f" and x.dtype.itemsize < 8:
            return np.cumsum(x, axis=dim, dtype=np.float64).astype(x.dtype)
        return np.cumsum(x, axis=dim)

    @staticmethod
    def cumprod(x, dim):
        """Running products; float16/float32 accumulate in float64, as PyTorch's CPU kernel."""
        if x.ndim == 0:
            return x.copy()
        if x.dtype.kind == "f" and x.dtype.itemsize < 8:
            return np.cumprod(x, axis=dim, dtype=np.float64).astype(x.dtype)
        return np.cumprod(x, axis=dim)

    @staticmethod
    def einsum(equation, *operands):
        return np.einsum(equation, *operands)

    @staticmethod
    def tril(x, diagonal=0):
        return np.tril(x, diagonal)

    @staticmethod
    def triu(x, diagonal=0):
        return np.triu(x, diagonal)

    @staticmethod
    def one_hot(index, shape, dim):
        """Bool mask of ``shape``: true where the position along ``dim`` equals ``index``
        (an integer array with size 1 along ``dim``, broadcast over the other dims)."""
        positions = np.arange(shape[dim]).reshape((-1,) + (1,) * (len(shape) - dim - 1))
        return np.broadcast_to(positions == index, shape)

    @staticmethod
    def records_graph():
        """False: rules run on arrays, nothing is recorded (a rule may then take a faster
        path whose own derivative is not needed, as PyTorch does outside grad mode)."""
        return False


class TensorMath:
    """The rule vocabulary on Tensors: rules run this way record the graph."""

    @staticmethod
    def sum_to(x, shape):
        shape = tuple(shape)
        if tuple(x.shape) == shape:
            return x
        lead = x.ndim - len(shape)
        dims = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape) if n == 1 and x.shape[lead + i] != 1
        )
        return x.sum(dim=dims, keepdim=True).reshape(shape)

    @staticmethod
    def where(cond, a, b):
        from .. import ops

        return ops.where(cond, a, b)

    @staticmethod
    def _fn(name):
        from .. import ops

        return getattr(ops, name)

    @staticmethod
    def cast(x, like):
        return x.to(like.dtype)

    @staticmethod
    def constant(value, like):
        from .._creation import tensor

        return tensor(value, dtype=like.dtype)

    @staticmethod
    def unsqueeze_dims(x, dims):
        for d in sorted(dims):
            x = x.unsqueeze(d)
        return x

    @staticmethod
    def expand(x, shape):
        return x.expand(*shape)

    @staticmethod
    def index_accumulate(g, shape, key):
        from .._creation import zeros
        from .index import INDEX_PUT

        return apply(INDEX_PUT, (zeros(shape, dtype=g.dtype), g), (key, True))

    @staticmethod
    def index_zero(g, key):
        from .._creation import zeros
        from .index import INDEX_PUT

        return apply(INDEX_PUT, (g, zeros((), dtype=g.dtype)), (key, False))

    @staticmethod
    def broadcast_to(x, shape):
        return x.expand(*shape)

    @staticmethod
    def sum(x, dim, keepdim=False):
        return x.sum(dim=dim, keepdim=keepdim)

    @staticmethod
    def zeros(shape, like):
        from .._creation import zeros

        return zeros(tuple(shape), dtype=like.dtype)

    # -- reductions, scans and products (reduction.py, linalg.py)

    @staticmethod
    def prod(x, dim, keepdim=False):
        from .reduction import PROD_DIM

        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        return apply(PROD_DIM, (x,), (dims, keepdim, None))

    @staticmethod
    def cumsum(x, dim):
        from .. import ops

        return ops.cumsum(x, dim)

    @staticmethod
    def cumprod(x, dim):
        from .. import ops

        return ops.cumprod(x, dim)

    @staticmethod
    def einsum(equation, *operands):
        from .. import ops

        return ops.einsum(equation, *operands)

    @staticmethod
    def tril(x, diagonal=0):
        from .. import ops

        return ops.tril(x, diagonal)

    @staticmethod
    def triu(x, diagonal=0):
        from .. import ops

        return ops.triu(x, diagonal)

    @staticmethod
    def one_hot(index, shape, dim):
        data = index._data if isinstance(index, Tensor) else index
        return Tensor._make(np.ascontiguousarray(ArrayMath.one_hot(data, shape, dim)))

    @staticmethod
    def records_graph():
        """True: the rule's own derivative will be taken (create_graph)."""
        return True


def _tensor_math_function(name):
    def call(*args, **kwargs):
        from .. import ops

        return getattr(ops, name)(*args, **kwargs)

    call.__name__ = name
    return staticmethod(call)


for _name in (
    "exp",
    "log",
    "sqrt",
    "sin",
    "cos",
    "sinh",
    "cosh",
    "tanh",
    "floor",
    "trunc",
    "swapaxes",
    "sign",
    "abs",
    "matmul",
    "zeros_like",
    "ones_like",
    "reshape",
    "permute",
    "maximum",
    "sigmoid",
):
    setattr(TensorMath, _name, _tensor_math_function(_name))


# moving values along a dimension: the ops of shape.py and index.py (same signatures)
for _name in (
    "cat",
    "stack",
    "flip",
    "roll",
    "gather",
    "scatter",
    "scatter_add",
    "index_select",
    "index_add",
    "masked_scatter",
):
    setattr(TensorMath, _name, _tensor_math_function(_name))


def _erf_derivative(x):
    return (2 / np.sqrt(np.pi)) * (-x * x).exp()


TensorMath.erf_derivative = staticmethod(_erf_derivative)


def _matrix_function(name):
    def call(*args):
        from . import matrix_functions

        return getattr(matrix_functions, name)(*args)

    call.__name__ = name
    return staticmethod(call)


# the inverse and the linear solve of ops/matrix_functions.py (torch.linalg.inv / solve)
TensorMath.inv = _matrix_function("inverse")
TensorMath.solve = _matrix_function("solve")


class JvpMath(ArrayMath):
    """ArrayMath for deriving an elementwise JVP from its VJP: no broadcast reduction."""

    @staticmethod
    def sum_to(x, shape):
        return x


class TensorJvpMath(TensorMath):
    """TensorMath for deriving an elementwise JVP from its VJP (forward AD on Tensors)."""

    @staticmethod
    def sum_to(x, shape):
        return x


def evaluate_jvp(op: Op, m, tangents, values, out, params):
    """The forward-mode derivative of one op application.

    ``tangents`` has one entry per input (``None`` where the input is held constant);
    ``values`` are the inputs and ``out`` the forward result, in ``m``'s representation.
    """
    if op.jvp == "linear":
        filled = tuple(
            t
            if t is not None
            else np.zeros_like(v)  # a constant operand kept as an array (0 * its value)
            if type(v) is np.ndarray
            else m.zeros_like(v)
            if hasattr(v, "shape")
            else 0 * v
            if isinstance(v, int | float)
            else v
            for t, v in zip(tangents, values, strict=True)
        )
        if m is ArrayMath or m is JvpMath:
            return op.forward(np, *filled, *params)
        return apply(op, filled, params)
    if op.jvp == "elementwise":
        result = None
        for rule, tangent in zip(op.vjp, tangents, strict=False):
            if tangent is None or rule is None:
                continue
            term = rule(
                JvpMath if m is ArrayMath else TensorJvpMath, tangent, *values, out, *params
            )
            result = term if result is None else result + term
        if result is None:
            return m.zeros_like(out)
        return (
            m.broadcast_to(result, out.shape) if tuple(result.shape) != tuple(out.shape) else result
        )
    return op.jvp(m, tuple(tangents), *values, out, *params)
