"""``torch.autograd.Function``: an operation whose forward and backward the user writes.

    class MyReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    y = MyReLU.apply(x)

``apply`` runs ``forward`` without recording (its inner operations are invisible to
autograd) and records one node, ``MyReLUBackward``, whose backward calls the user's
``backward`` with the gradients of the outputs. The node is also the ``ctx`` object, as
in PyTorch, so whatever ``forward`` stores on ``ctx`` is there in ``backward``.
"""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import forward_ad, grad_mode
from .graph import (
    FREED_MESSAGE,
    Node,
    accumulator_of,
    next_sequence_nr,
    on_record,
    record_extras,
)

_new_object = object.__new__
_make = Tensor._make
_next_sequence_nr = next_sequence_nr
_NO_EDGE = (None, 0)


class FunctionCtx:
    """The context methods available to ``forward``/``backward`` (``ctx``)."""

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors for ``backward`` (read them back as ``ctx.saved_tensors``)."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{tensors.index(t)} is of type {type(t).__name__}"
                )
        self._saved = tuple(tensors)
        self._saved_versions = tuple(None if t is None else t._version[0] for t in tensors)

    def save_for_forward(self, *tensors) -> None:
        """Keep tensors for the ``jvp`` static method."""
        self._saved_for_forward = tuple(tensors)

    def mark_dirty(self, *tensors) -> None:
        """Declare inputs that ``forward`` modified in place (and returns)."""
        self._dirty = tuple(tensors)

    def mark_non_differentiable(self, *tensors) -> None:
        """Declare outputs that have no gradient (indices, masks ...)."""
        self._non_differentiable = tuple(tensors)

    def set_materialize_grads(self, value: bool) -> None:
        """With ``False``, missing output gradients reach ``backward`` as ``None``
        instead of zeros."""
        self._materialize_grads = bool(value)


class BackwardCFunction(FunctionCtx, Node):
    """The graph node of one ``Function.apply`` call; also its ``ctx``."""

    _saved = ()
    _saved_versions = ()
    _dirty = ()
    _non_differentiable = ()
    _materialize_grads = True
    _function = None
    _outputs_meta = ()
    _inputs_meta = ()
    needs_input_grad = ()

    def __init__(self):
        # a Node filled in by Function.apply; the registry fields stay empty
        Node.__init__(self, _CUSTOM_OP, None, None, (), (), None)

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to ``save_for_backward``, checked for in-place changes."""
        if self.freed:
            raise RuntimeError(FREED_MESSAGE)
        if not self._saved and "_saved_for_forward" in self.__dict__:
            return self._saved_for_forward  # inside jvp: what save_for_forward kept
        for t, version in zip(self._saved, self._saved_versions, strict=True):
            if t is not None and t._version[0] != version:
                from .engine import _version_error

                _version_error(t, version)
        return self._saved

    saved_variables = saved_tensors

    def run_backward(self, grads, create_graph):
        """Call the user's ``backward`` and check what it returns."""
        if self.freed:
            raise RuntimeError(FREED_MESSAGE)
        if len(grads) == 1 and type(grads[0]) is np.ndarray:
            tensors = (_make(grads[0]),)  # the common case: one output with a gradient
        else:
            tensors = []
            for g, (shape, dtype) in zip(grads, self._outputs_meta, strict=True):
                if g is None:
                    if self._materialize_grads:
                        g = _make(np.zeros(shape, dtype))
                elif type(g) is np.ndarray:
                    g = _make(g)
                elif not isinstance(g, Tensor):
                    g = _make(np.asarray(g))
                tensors.append(g)
        enabled = grad_mode._state[0]
        grad_mode._state[0] = create_graph  # the user's backward records only if asked
        try:
            results = self._function.backward(self, *tensors)
        finally:
            grad_mode._state[0] = enabled
        if not isinstance(results, tuple):
            results = (results,)
        expected = len(self.edges)
        if len(results) != expected:
            if len(results) > expected and all(r is None for r in results[expected:]):
                results = results[:expected]
            else:
                raise RuntimeError(
                    f"function {self.name()} returned an incorrect number of gradients "
                    f"(expected {expected}, got {len(results)})"
                )
        if expected == 1:  # the common case: one input, its gradient checked inline
            g = results[0]
            if (
                type(g) is Tensor
                and self.edges[0][0] is not None
                and g._data.shape == self._inputs_meta[0][0]
                and g.dtype is self._inputs_meta[0][1]
            ):
                return [g if create_graph else g._data]
        checked = []
        for i, (g, (next_node, _), meta) in enumerate(
            zip(results, self.edges, self._inputs_meta, strict=True)
        ):
            if g is None or next_node is None:
                checked.append(None)
                continue
            if not isinstance(g, Tensor):
                raise TypeError(
                    f"function {self.name()} returned a gradient different than None at "
                    f"position {i + 1}, but the corresponding forward input was not a Variable"
                )
            shape, dtype = meta
            if g._data.shape != shape:
                raise RuntimeError(
                    f"Function {self.name()} returned an invalid gradient at index {i} - "
                    f"got {list(g.shape)} but expected shape compatible with {list(shape)}"
                )
            if g.dtype is not dtype:
                g = g.to(dtype)
            checked.append(g if create_graph else g._data)
        return checked

    def output_count(self) -> int:
        return len(self._outputs_meta)

    @property
    def next_functions(self) -> tuple:
        """The edges of the tensor arguments (torch lists no entry for the others)."""
        return tuple(
            edge
            for edge, meta in zip(self.edges, self._inputs_meta, strict=False)
            if meta is not None
        )

    def release(self) -> None:
        """Free the saved tensors after backward (unless the graph is retained)."""
        self.freed = True
        self._saved = ()

    def __repr__(self) -> str:
        return f"<torch.autograd.function.{type(self).__name__} object at {hex(id(self))}>"


class _CustomOp:
    """Stands in for a registry entry on custom-function nodes (read by the engine)."""

    name = "custom_function"
    n_outputs = None
    saves = True
    saves_out = False
    every_rule_saves = True
    rule_reads = ()
    rule_reads_out = ()
    saved_inputs = ()


_CUSTOM_OP = _CustomOp()


class FunctionMeta(type):
    """Gives every Function subclass its node class, named ``<Name>Backward``."""

    def __init__(cls, name, bases, namespace):
        backward_class = type(name + "Backward", (BackwardCFunction,), {"_function": cls})
        cls._backward_cls = backward_class
        super().__init__(name, bases, namespace)
        # torch 2 style: forward(*args) plus setup_context(ctx, inputs, output)
        cls._uses_setup_context = "setup_context" in namespace or any(
            "setup_context" in vars(base) and base.__name__ != "Function"
            for base in cls.__mro__[1:]
            if isinstance(base, FunctionMeta)
        )


class Function(metaclass=FunctionMeta):
    """Base class of custom autograd operations (see the module docstring).

    Subclasses define ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` as
    static methods (or torch 2's ``forward(*args)`` with ``setup_context(ctx, inputs,
    output)``), and are called through ``apply``.
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    def __init__(self, *args, **kwargs):
        # torch warns that instantiating is deprecated; the static methods are all we use
        pass

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please "
            "use new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
        )

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` and record the node whose backward is ``backward``."""
        ctx = _new_object(cls._backward_cls)  # the node (BackwardCFunction.__init__ inline)
        ctx.op = _CUSTOM_OP
        ctx.inputs = ctx.out = ctx.saved_versions = ctx.out_version = None
        ctx.params = ()
        ctx.sequence_nr = _next_sequence_nr()
        ctx.freed = False
        if record_extras[0]:
            on_record(ctx)
        # one pass over the arguments (a loop, not comprehensions: this runs per call)
        needs, edges, inputs_meta = [], [], []
        for a in args:
            if isinstance(a, Tensor):
                inputs_meta.append((a._data.shape, a.dtype))
                if a._requires_grad:
                    needs.append(True)
                    fn = a.grad_fn
                    if fn is not None:
                        edges.append((fn, a._output_nr))
                    else:
                        edges.append((a._accumulator or accumulator_of(a), 0))
                    continue
            else:
                inputs_meta.append(None)
            needs.append(False)
            edges.append(_NO_EDGE)
        needs = ctx.needs_input_grad = tuple(needs)
        ctx.edges = ()
        tangents = None
        if forward_ad._state[0] >= 0:
            tangents = [forward_ad.tangent_of(a) for a in args]
            if any(t is not None for t in tangents):
                # forward AD: the Function's own jvp gives the tangent, so forward runs on
                # plain tensors (its inner operations must not propagate tangents)
                args = tuple(_primal(a) for a in args)
            else:
                tangents = None
        enabled = grad_mode._state[0]
        grad_mode._state[0] = False  # forward's own operations are not recorded
        try:
            if cls._uses_setup_context:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        finally:
            grad_mode._state[0] = enabled
        if tangents is not None:
            _attach_jvp(cls, ctx, outputs, tangents)
        if not (enabled and True in needs):
            return outputs
        single = not isinstance(outputs, tuple)
        output_tuple = (outputs,) if single else outputs
        ctx.edges = tuple(edges)
        ctx._inputs_meta = tuple(inputs_meta)
        outputs_meta = []
        for o in output_tuple:
            outputs_meta.append(
                (o._data.shape, o._data.dtype) if isinstance(o, Tensor) else _NUMBER_META
            )
        ctx._outputs_meta = tuple(outputs_meta)
        ctx.inputs = ()
        if single:
            return _connect(ctx, 0, outputs, args)
        return tuple([_connect(ctx, i, output, args) for i, output in enumerate(output_tuple)])

    @classmethod
    def jvp(cls, ctx, *grad_inputs):
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with "
            "forward mode AD."
        )


def _primal(x):
    if isinstance(x, Tensor) and forward_ad.tangent_of(x) is not None:
        return forward_ad.unpack_dual(x).primal
    return x


def _attach_jvp(cls, ctx, outputs, tangents):
    """Give the outputs the tangents computed by the Function's ``jvp`` static method."""
    if "jvp" not in vars(cls) and not any("jvp" in vars(b) for b in cls.__mro__[1:-2]):
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with "
            "forward mode AD."
        )
    from .. import _creation

    filled = (
        [
            t if t is not None else (_creation.zeros_like(a) if isinstance(a, Tensor) else None)
            for t, a in zip(tangents, ctx._jvp_inputs, strict=True)
        ]
        if hasattr(ctx, "_jvp_inputs")
        else list(tangents)
    )
    result = cls.jvp(ctx, *filled)
    single = not isinstance(outputs, tuple)
    output_tuple = (outputs,) if single else outputs
    result_tuple = (result,) if not isinstance(result, tuple) else result
    for output, tangent in zip(output_tuple, result_tuple, strict=False):
        if isinstance(output, Tensor) and tangent is not None:
            forward_ad.attach(output, tangent)


_NUMBER_META = ((), np.float32)  # what backward materialises for a non-tensor output


def _is_one_of(x, values) -> bool:
    """``x`` is (identically) one of ``values``."""
    for value in values:
        if x is value:
            return True
    return False


def _connect(ctx, index, output, args):
    """Make ``output`` the ``index``-th output of the node ``ctx`` (if differentiable)."""
    if not isinstance(output, Tensor) or not output.dtype.is_floating_point:
        return output
    if ctx._non_differentiable and _is_one_of(output, ctx._non_differentiable):
        return output
    if ctx._dirty and _is_one_of(output, ctx._dirty):
        if output.grad_fn is None and output._requires_grad:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
    elif _is_one_of(output, args):
        # an input returned as it is: the output is a new tensor sharing its memory
        shared = Tensor._make(output._data)
        shared._version = output._version
        output = shared
    output.grad_fn = ctx
    output._output_nr = index
    output._requires_grad = True
    return output


class InplaceFunction(Function):
    """A Function whose forward may work in place (kept for torch compatibility)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace


def once_differentiable(fn):
    """Decorator accepted for compatibility: the backward runs without recording."""

    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            return fn(ctx, *args)

    wrapper.__name__ = getattr(fn, "__name__", "backward")
    wrapper.__doc__ = getattr(fn, "__doc__", None)
    return wrapper
