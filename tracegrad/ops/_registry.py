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
from ..autograd import grad_mode

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
        self.vjp = tuple(vjp)
        self.jvp = jvp
        self.samples = list(samples)
        self.differentiable = differentiable
        self.n_outputs = n_outputs
        self.doc = doc
        used = set()
        for rule in self.vjp:
            if rule is not None:
                used |= _values_read(rule)
        # inputs and output whose *values* a rule reads: these are "saved tensors" whose
        # in-place modification invalidates the graph (reading only .shape does not count)
        self.saves_out = "out" in used
        names = _positional_names(self.vjp)[: len(self.vjp)]
        self.saved_inputs = tuple(i for i, n in enumerate(names) if n in used)
        self.saves = bool(self.saved_inputs) or self.saves_out
        self.node_class = type(grad_fn, (graph_module.Node,), {"__slots__": ()})
        if name in REGISTRY:
            raise ValueError(f"op {name!r} is defined twice")
        REGISTRY[name] = self

    def __repr__(self) -> str:
        return f"Op({self.name!r}, grad_fn={self.grad_fn!r})"


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
    record = False
    if grad_mode._state[0] and op.differentiable:
        for x in inputs:
            if isinstance(x, Tensor) and x._requires_grad:
                record = True
                break
    if op.n_outputs != 1:
        return _apply_multi_output(op, inputs, params, out, record)
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    result = _new_tensor(Tensor)
    result._data = out
    result.dtype = _DTYPE_OF[out.dtype]
    result._grad = None
    result._output_nr = 0
    version = result._version = [0]
    if record:
        node = _record(op, inputs, params, out)
        if op.saves_out:
            node.out_version = (version, 0)
        result.grad_fn = node
        result._requires_grad = True
    else:
        result.grad_fn = None
        result._requires_grad = False
    return result


_new_tensor = object.__new__


def _apply_multi_output(op, inputs, params, out, record):
    out = tuple(o if type(o) is np.ndarray else np.asarray(o) for o in out)
    if not record:
        return tuple(Tensor._make(o) for o in out)
    node = _record(op, inputs, params, out)
    results = tuple(
        Tensor._make(o, o.dtype.kind == "f", node if o.dtype.kind == "f" else None, i)
        for i, o in enumerate(out)
    )
    if op.saves_out:
        node.out_version = (results[0]._version, 0)
    return results


_NO_EDGE = (None, 0)


def _record(op, inputs, params, out):
    edges = []
    for x in inputs:
        if isinstance(x, Tensor) and x._requires_grad:
            node = x.grad_fn
            if node is not None:
                edges.append((node, x._output_nr))
            else:
                edges.append((x._accumulator or graph_module.accumulator_of(x), 0))
        else:
            edges.append(_NO_EDGE)
    saved_versions = None
    if op.saved_inputs:
        saved_versions = tuple(x._version[0] if isinstance(x, Tensor) else None for x in inputs)
    return op.node_class(op, inputs, out if op.saves_out else None, params, tuple(edges),
                         saved_versions)


# ---------------------------------------------------------------------------- math


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
    zeros_like = staticmethod(np.zeros_like)
    ones_like = staticmethod(np.ones_like)
    broadcast_to = staticmethod(np.broadcast_to)
    reshape = staticmethod(np.reshape)
    permute = staticmethod(np.transpose)
    maximum = staticmethod(np.maximum)

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


def _erf_derivative(x):
    return (2 / np.sqrt(np.pi)) * (-x * x).exp()


TensorMath.erf_derivative = staticmethod(_erf_derivative)


class JvpMath(ArrayMath):
    """ArrayMath for deriving an elementwise JVP from its VJP: no broadcast reduction."""

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
            term = rule(JvpMath if m is ArrayMath else m, tangent, *values, out, *params)
            result = term if result is None else result + term
        if result is None:
            return m.zeros_like(out)
        return (
            m.broadcast_to(result, out.shape) if tuple(result.shape) != tuple(out.shape) else result
        )
    return op.jvp(m, tuple(tangents), *values, out, *params)
