"""Watch the backward pass: every step the engine takes, with the formula it applied.

    x = torch.tensor(1.0, requires_grad=True)
    w = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    y = w * x + b
    with torch.autograd.explain() as log:
        y.backward()
    print(log)

prints one numbered row per step, in the order the engine ran them::

    backward pass: 5 steps  (g: the gradient arriving at a node; out: the node's forward result)
     #  node            formula         gradient in  gradients out
     1  AddBackward0    grad_a = g      g: () 1      grad_a: () 1
                        grad_b = g                   grad_b: () 1
     2  MulBackward0    grad_a = g * b  g: () 1      grad_a: () 1
                        grad_b = g * a               grad_b: () 2
     3  AccumulateGrad  b.grad += g     g: () 1
     4  AccumulateGrad  w.grad += g     g: () 1
     5  AccumulateGrad  x.grad += g     g: () 2

Each gradient shows its shape and, for tensors of at most 8 elements, its values. Leaves
are named after the caller's variables (or ``params={name: tensor}``).

The formulas are not written twice: each one is read from the op's single definition in
the registry (the source of its VJP rule, ``lambda m, g, a, b, out: m.sum_to(g * b,
a.shape)``), cleaned into math (``grad_a = g * b``): the ``m.`` namespace is dropped,
``m.sum_to`` (undoing broadcasting) is shown only where the shapes differ, and branches
on the op's parameters are resolved for the values this step used. A custom
``autograd.Function`` shows as ``MyReLU.backward``.

``explain(mode="forward")`` records forward-mode AD instead (inside ``forward_ad.
dual_level``): each op's JVP formula (``dout = da * b + db * a``) with the tangents' shapes
and values.

A rule that delegates to a private helper of its op (``mm``'s JVP calls ``_bilinear_jvp``)
or is itself a several-line ``def`` is shown by what it computes for this step: the
helper's body is evaluated symbolically, its branches on which tangents are present and on
the parameters decided (``dout = a @ db`` when only ``b`` carries a tangent). Bodies with
loops or other statements keep the helper's name.

Cost: the engine reads one module-level "active log" slot once per backward run; with no
log active nothing else changes. Forward mode wraps ``forward_ad.propagate`` only while
the ``with`` block runs.
"""

from __future__ import annotations

import ast
import copy
import inspect
import linecache
import sys
import types
import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from . import engine, forward_ad

__all__ = ["explain", "ExplainLog", "Step", "GradInfo", "vjp_formula", "jvp_formula"]

MAX_VALUES = 8  # tensors with at most this many elements show their values


class GradInfo(NamedTuple):
    """One gradient (or tangent) of a step: its name, shape and, when small, its values."""

    name: str
    shape: tuple
    values: np.ndarray | None

    def describe(self) -> str:
        text = f"{self.name}: {self.shape}"
        if self.values is not None:
            text += " " + _format_values(self.values)
        return text


@dataclass
class Step:
    """One step of the engine: a node (or op, in forward mode) and what it computed.

    Attributes:
        index: 1-based position in execution order.
        node: the node's name (``MulBackward0``, ``AccumulateGrad``) or, in forward mode,
            the op's name (``mul``).
        formulas: the formulas applied, one per computed gradient (``grad_a = g * b``).
        grads_in: the gradients arriving (backward) or the input tangents (forward).
        grads_out: the gradients computed for the inputs, or the output tangent.
    """

    index: int
    node: str
    formulas: list = field(default_factory=list)
    grads_in: list = field(default_factory=list)
    grads_out: list = field(default_factory=list)


_HEADERS = {
    "backward": (
        "backward pass: {n} steps  (g: the gradient arriving at a node; out: the node's "
        "forward result)",
        ("#", "node", "formula", "gradient in", "gradients out"),
    ),
    "forward": (
        "forward-mode pass: {n} steps  (dx: the tangent of input x; dout: the tangent of "
        "the op's result)",
        ("#", "op", "formula", "tangents in", "tangent out"),
    ),
}


class ExplainLog:
    """The steps recorded by ``explain``; ``print(log)`` shows them as a table.

    Use it as a context manager (``with explain() as log:``). ``log.steps`` (also
    ``log[i]``, ``len(log)``, iteration) gives the ``Step`` records.
    """

    def __init__(self, mode: str = "backward", params=None):
        if mode not in ("backward", "forward"):
            raise ValueError(f'explain: mode must be "backward" or "forward", got {mode!r}')
        self.mode = mode
        self.steps: list[Step] = []
        self._names = {}
        if params is not None:
            items = params.items() if hasattr(params, "items") else params
            self._names = {id(t): name for name, t in items}
        self._previous = None

    # -- context manager

    def __enter__(self) -> ExplainLog:
        if not self._names:
            self._names = _names_in_frame(sys._getframe(1))
        if self.mode == "backward":
            self._previous = engine.explain_log[0]
            engine.explain_log[0] = self
        else:
            original = self._previous = forward_ad.propagate
            log = self

            def propagate(op, inputs, params, result):
                original(op, inputs, params, result)
                log.record_forward(op, inputs, params, result)

            forward_ad.propagate = propagate
        return self

    def __exit__(self, *exc_info) -> bool:
        if self.mode == "backward":
            engine.explain_log[0] = self._previous
        else:
            forward_ad.propagate = self._previous
        return False

    # -- sequence of steps

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self):
        return iter(self.steps)

    def __getitem__(self, index):
        return self.steps[index]

    # -- recording (called by the engine and by forward_ad.propagate)

    def _add(self, node, formulas, grads_in, grads_out) -> None:
        self.steps.append(Step(len(self.steps) + 1, node, formulas, grads_in, grads_out))

    def record_node(self, node, grads, results) -> None:
        """One node of the backward pass ran: ``grads`` arrived, ``results`` came out."""
        if hasattr(node, "run_backward"):  # a custom autograd.Function
            function = node._function
            names = _custom_input_names(function, len(results))
            grads_in = [_info("g" if len(grads) == 1 else f"g{i}", g) for i, g in enumerate(grads)]
            grads_out = [
                _info(f"grad_{names[i]}", r) for i, r in enumerate(results) if r is not None
            ]
            call = f"{function.__name__}.backward(ctx, {', '.join(i.name for i in grads_in)})"
            self._add(node.name(), [f"grads = {call}"], grads_in, grads_out)
            return
        op = node.op
        names = _input_names(op, len(node.edges))
        if op.n_outputs == 1:
            grads_in = [_info("g", grads[0])]
        else:
            grads_in = [_info(f"g[{i}]", g) for i, g in enumerate(grads) if g is not None]
        formulas, grads_out = [], []
        for i, r in enumerate(results):
            if r is None:
                continue
            same_shape = op.n_outputs == 1 and np.shape(_array(grads[0])) == np.shape(_array(r))
            formulas.append(vjp_formula(op, i, node.params, drop_sum_to=same_shape))
            grads_out.append(_info(f"grad_{names[i]}", r))
        self._add(node.name(), formulas, grads_in, grads_out)

    def record_leaf(self, node, g, captured: bool, only_leaves=None) -> None:
        """A gradient reached a leaf (``AccumulateGrad``)."""
        leaf = node.variable
        name = self._names.get(id(leaf), "leaf")
        if captured:
            formula = f"result for {name} = g  (returned by autograd.grad)"
        elif only_leaves is not None and id(leaf) not in only_leaves:
            formula = f"{name}: not in backward(inputs=...), skipped"
        else:
            formula = f"{name}.grad += g"
        self._add("AccumulateGrad", [formula], [_info("g", g)], [])

    def record_forward(self, op, inputs, params, result) -> None:
        """One op ran under forward-mode AD: record its JVP formula and tangents."""
        tangents = [forward_ad.tangent_of(x) for x in inputs]
        if all(t is None for t in tangents) or not op.differentiable or op.jvp is None:
            return
        names = _jvp_input_names(op, len(inputs))
        grads_in = [_info(f"d{names[i]}", t) for i, t in enumerate(tangents) if t is not None]
        outputs = result if isinstance(result, tuple) else (result,)
        grads_out = []
        for k, o in enumerate(outputs):
            t = forward_ad.tangent_of(o)
            if t is not None:
                grads_out.append(_info("dout" if len(outputs) == 1 else f"dout{k}", t))
        mask = tuple(t is not None for t in tangents)
        self._add(op.name, [jvp_formula(op, mask, params)], grads_in, grads_out)

    # -- the table

    def table(self) -> str:
        """The steps as a numbered text table (what ``print(log)`` shows)."""
        title, headers = _HEADERS[self.mode]
        rows = [headers]
        for step in self.steps:
            lines = max(len(step.formulas), len(step.grads_in), len(step.grads_out), 1)
            for k in range(lines):
                rows.append(
                    (
                        str(step.index) if k == 0 else "",
                        step.node if k == 0 else "",
                        step.formulas[k] if k < len(step.formulas) else "",
                        step.grads_in[k].describe() if k < len(step.grads_in) else "",
                        step.grads_out[k].describe() if k < len(step.grads_out) else "",
                    )
                )
        widths = [max(len(row[c]) for row in rows) for c in range(len(headers))]
        text = [title.format(n=len(self.steps))]
        for row in rows:
            cells = [row[0].rjust(widths[0])] + [
                cell.ljust(width) for cell, width in zip(row[1:], widths[1:])
            ]
            text.append(" " + "  ".join(cells).rstrip())
        return "\n".join(text)

    __str__ = table

    def __repr__(self) -> str:
        return self.table()


def explain(mode: str = "backward", params=None) -> ExplainLog:
    """Record every step of the next backward (or forward-mode) pass, to print as a table.

    Args:
        mode: ``"backward"`` (reverse mode: ``loss.backward()``, ``autograd.grad``) or
            ``"forward"`` (forward-mode AD inside ``forward_ad.dual_level``).
        params: optional names for leaf tensors, ``{name: tensor}`` (for example
            ``dict(model.named_parameters())``). Without it, the names of the tensors
            in the caller's variables at the ``with`` line are used.

    Returns:
        An ``ExplainLog``, used as ``with torch.autograd.explain() as log: ...``.
    """
    return ExplainLog(mode, params)


def _names_in_frame(frame) -> dict:
    """``{id(tensor): variable name}`` for the Tensors bound to names in ``frame``."""
    from .._tensor import Tensor

    names = {}
    try:
        for scope in (frame.f_globals, frame.f_locals):
            for name, value in list(scope.items()):
                if isinstance(value, Tensor) and not name.startswith("_"):
                    names[id(value)] = name
    finally:
        del frame
    return names


# ---------------------------------------------------------------------------- values


def _array(g):
    if g is None:
        return None
    return g._data if hasattr(g, "_data") else np.asarray(g)


def _info(name, g) -> GradInfo:
    data = _array(g)
    if data is None:
        return GradInfo(name, (), None)
    values = np.array(data, copy=True) if data.size <= MAX_VALUES else None
    return GradInfo(name, tuple(data.shape), values)


def _format_values(values: np.ndarray) -> str:
    """Nested brackets with 4 significant digits: ``[[1, 0.5], [2, -3.25]]``."""
    if values.ndim == 0:
        value = values.item()
        return f"{value:.4g}" if isinstance(value, float) else str(value)
    return "[" + ", ".join(_format_values(v) for v in values) + "]"


# ---------------------------------------------------------------------------- formulas


def _input_names(op, n) -> list:
    """The names the op's VJP rules give its inputs (``a``, ``b``), else ``input0``..."""
    rules = op.vjp if type(op.vjp) is tuple else ()
    for rule in rules:
        if rule is not None:
            code = rule.__code__
            names = list(code.co_varnames[2 : code.co_argcount])
            if len(names) > n:
                return names[:n]
    return [f"input{i}" for i in range(n)]


def _jvp_input_names(op, n) -> list:
    jvp = op.jvp
    if callable(jvp) and hasattr(jvp, "__code__"):
        code = jvp.__code__
        names = list(code.co_varnames[2 : code.co_argcount])
        if len(names) > n:
            return names[:n]
    return _input_names(op, n)


def _param_names(op, n_inputs) -> list:
    rules = op.vjp if type(op.vjp) is tuple else ()
    for rule in rules:
        if rule is not None:
            code = rule.__code__
            return list(code.co_varnames[2 + n_inputs + 1 : code.co_argcount])
    return []


def _custom_input_names(function, n) -> list:
    try:
        names = list(inspect.signature(function.forward).parameters)
    except (TypeError, ValueError):
        names = []
    uses_ctx = names[:1] == ["ctx"]
    names = [p for p in names[1:]] if uses_ctx else names
    names = [p for p in names if not p.startswith("*")]
    if len(names) < n:
        names += [f"input{i}" for i in range(len(names), n)]
    return names


_PARSED: dict = {}  # file name -> its parsed module (None if it cannot be read)
_EXPRESSIONS: dict = {}  # code object -> (expression, argument names) or None


def _module_tree(filename):
    if filename not in _PARSED:
        try:
            _PARSED[filename] = ast.parse("".join(linecache.getlines(filename)))
        except (SyntaxError, ValueError):
            _PARSED[filename] = None
    return _PARSED[filename]


def _rule_expression(fn):
    """The expression a rule returns, as an AST, and its argument names (or ``None``).

    A lambda is located in its file's syntax tree by line and by the columns of its
    byte code (several lambdas may share a line); a ``def`` counts when its body is a
    single ``return``.
    """
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    if code in _EXPRESSIONS:
        return _EXPRESSIONS[code]
    result = None
    tree = _module_tree(code.co_filename)
    if tree is not None:
        arg_names = list(code.co_varnames[: code.co_argcount])
        if fn.__name__ == "<lambda>":
            result = _find_lambda(tree, code, arg_names)
        else:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.FunctionDef)
                    and node.name == fn.__name__
                    and node.lineno == code.co_firstlineno
                ):
                    body = [
                        s
                        for s in node.body
                        if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
                    ]
                    if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value:
                        result = (body[0].value, arg_names)
                    break
    _EXPRESSIONS[code] = result
    return result


def _find_lambda(tree, code, arg_names):
    candidates = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Lambda)
        and node.lineno == code.co_firstlineno
        and [a.arg for a in node.args.args] == arg_names
    ]
    if len(candidates) > 1:
        positions = [
            (line, col)
            for line, _, col, _ in code.co_positions()
            if line is not None and col is not None
        ]

        def inside(node):
            body = node.body
            start = (body.lineno, body.col_offset)
            end = (body.end_lineno, body.end_col_offset)
            return sum(start <= p <= end for p in positions)

        candidates.sort(key=inside, reverse=True)
    return (candidates[0].body, arg_names) if candidates else None


_SIMPLE = (int, float, bool, type(None), str)


def _simple(value) -> bool:
    if isinstance(value, _SIMPLE) or isinstance(value, np.integer | np.floating):
        return True
    return isinstance(value, tuple) and len(value) <= 4 and all(_simple(v) for v in value)


class _Clean(ast.NodeTransformer):
    """Turn a rule's expression into math: drop ``m.``, resolve branches on parameters,
    put the parameters' values in, hide ``sum_to`` where it does nothing."""

    def __init__(self, namespace, constants, drop_sum_to, renames, functions=None):
        self.namespace = namespace  # what branch conditions may read
        self.constants = constants  # names to replace by their (simple) value
        self.drop_sum_to = drop_sum_to
        self.renames = renames  # names to replace by other names (g -> da in forward mode)
        self.functions = functions or {}  # the rule's globals: helpers it may call

    def visit_IfExp(self, node):
        try:
            test = eval(  # noqa: S307 - the rule's own source, with its parameters only
                compile(ast.Expression(node.test), "<rule>", "eval"),
                {"__builtins__": {}},
                dict(self.namespace),
            )
        except Exception:
            return self.generic_visit(node)
        return self.visit(node.body if test else node.orelse)

    def visit_BinOp(self, node):
        # fold arithmetic on numbers that parameters turned into constants: 2 - 1 -> 1
        node = self.generic_visit(node)
        left, right = node.left, node.right
        if (
            isinstance(left, ast.Constant)
            and isinstance(right, ast.Constant)
            and isinstance(node.op, ast.Add | ast.Sub | ast.Mult)
            and all(
                isinstance(v, int | float) and not isinstance(v, bool)
                for v in (left.value, right.value)
            )
        ):
            value = eval(  # noqa: S307 - two numbers and one operator
                compile(ast.fix_missing_locations(ast.Expression(node)), "<rule>", "eval"),
                {"__builtins__": {}},
            )
            return ast.copy_location(ast.Constant(value), node)
        return node

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if func.value.id == "m":
                if func.attr == "sum_to" and self.drop_sum_to and node.args:
                    return self.visit(node.args[0])
                if func.attr in ("cast", "constant") and node.args:
                    return self.visit(node.args[0])
        helper = self.functions.get(func.id) if isinstance(func, ast.Name) else None
        if _is_helper(helper) and not node.keywords:
            # a rule that calls a private helper of its op (``_bilinear_jvp``): show the
            # math the helper returns for these arguments, not the helper's name
            args = [self.visit(a) for a in node.args]
            inlined = _inline(helper, args)
            # a helper whose math runs long (``_evenly_vjp``) reads better by its name
            if inlined is not None and len(ast.unparse(inlined)) <= _INLINE_LENGTH:
                return inlined
            node.args = args
        # the namespace ``m`` passed on to a helper is plumbing, not math
        node.args = [a for a in node.args if not (isinstance(a, ast.Name) and a.id == "m")]
        return self.generic_visit(node)

    def visit_Attribute(self, node):
        if isinstance(node.value, ast.Name) and node.value.id == "m":
            return ast.copy_location(ast.Name(node.attr, ast.Load()), node)
        node = self.generic_visit(node)
        if node.attr == "mT":
            node.attr = "T"
        return node

    def visit_Subscript(self, node):
        # tangents[i] in a JVP rule -> the tangent's name
        if (
            isinstance(node.value, ast.Name)
            and node.value.id in self.renames
            and isinstance(self.renames[node.value.id], list)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, int)
        ):
            names = self.renames[node.value.id]
            if 0 <= node.slice.value < len(names):
                return ast.copy_location(ast.Name(names[node.slice.value], ast.Load()), node)
        return self.generic_visit(node)

    def visit_Name(self, node):
        if node.id in self.renames:
            new = self.renames[node.id]
            if isinstance(new, list):
                return ast.copy_location(
                    ast.Tuple([ast.Name(n, ast.Load()) for n in new], ast.Load()), node
                )
            return ast.copy_location(ast.Name(new, ast.Load()), node)
        if node.id in self.constants:
            return ast.copy_location(ast.Constant(self.constants[node.id]), node)
        value = self.functions.get(node.id)
        if isinstance(value, np.ndarray) and value.ndim == 0:  # ops.elementwise.ONE: "1"
            number = value.item()
            number = int(number) if float(number).is_integer() else number
            return ast.copy_location(ast.Constant(number), node)
        return node


def _closure_values(fn) -> dict:
    code = fn.__code__
    if not fn.__closure__:
        return {}
    values = {}
    for name, cell in zip(code.co_freevars, fn.__closure__):
        try:
            values[name] = cell.cell_contents
        except ValueError:
            continue
    return values


def _render(fn, params, n_inputs, drop_sum_to, renames=None):
    """The cleaned text of ``fn``'s returned expression, or ``None`` if not available."""
    tree = _render_tree(fn, params, n_inputs, drop_sum_to, renames)
    return None if tree is None else ast.unparse(tree)


def _render_tree(fn, params, n_inputs, drop_sum_to, renames=None):
    """``_render``'s cleaned expression as a syntax tree."""
    found = _rule_expression(fn)
    if found is None:
        return None
    expression, arg_names = found
    namespace = _closure_values(fn)
    if params is not None:
        param_names = arg_names[2 + n_inputs + 1 :]
        namespace.update(zip(param_names, params))
    constants = {k: v for k, v in namespace.items() if _simple(v)}
    cleaner = _Clean(namespace, constants, drop_sum_to, renames or {}, fn.__globals__)
    return _Simplify().visit(cleaner.visit(_copy(expression)))


def _copy(node):
    return ast.parse(ast.unparse(node), mode="eval").body


# -- rules written as small functions: partial evaluation of their body
#
# A JVP rule such as ``_addmm_jvp`` or the helper ``_bilinear_jvp`` that a lambda calls
# branches on which tangents are present (``if da is None: return a @ db``). Knowing the
# tangents and the parameters of one application, those branches are decided and the
# assignments substituted, leaving the one expression that was computed (``a @ db``).


_INLINE_LENGTH = 80  # longest helper result shown inline in a formula


class _CannotInlineError(Exception):
    """The function's body uses something the partial evaluator does not follow."""


def _is_helper(fn) -> bool:
    """A private function of tracegrad's ops (what a rule may delegate its math to)."""
    return (
        isinstance(fn, types.FunctionType)
        and fn.__name__.startswith("_")
        and fn.__module__.startswith("tracegrad.ops")
    )


def _function_body(fn):
    """The statements of ``fn``'s ``def`` (without its docstring), or ``None``."""
    code = fn.__code__
    tree = _module_tree(code.co_filename)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.FunctionDef)
            and node.name == fn.__name__
            and node.lineno == code.co_firstlineno
        ):
            return [
                s
                for s in node.body
                if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
            ]
    return None


def _is_absent(node) -> bool:
    """A missing tangent: ``None``, or the ``0`` that stands for it in a formula."""
    if isinstance(node, ast.Constant):
        return node.value is None
    return isinstance(node, ast.Name) and node.id == "0"


def _is_number(node, value) -> bool:
    """``node`` is the number ``value`` (a missing tangent counts as 0)."""
    if value == 0 and _is_absent(node):
        return True
    return (
        isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value == value
    )


class _Substitute(ast.NodeTransformer):
    """Replace bound names by their expressions; index a bound tuple by a constant."""

    def __init__(self, env):
        self.env = env

    def visit_Name(self, node):
        if node.id in self.env:
            return copy.deepcopy(self.env[node.id])
        return node

    def visit_Subscript(self, node):
        node = self.generic_visit(node)
        value, index = node.value, node.slice
        if (
            isinstance(value, ast.Tuple)
            and isinstance(index, ast.Constant)
            and type(index.value) is int
            and -len(value.elts) <= index.value < len(value.elts)
        ):
            return value.elts[index.value]
        return node


def _substitute(node, env):
    return _Substitute(env).visit(_copy(node))


def _decide(test) -> bool:
    """The truth of a branch condition after substitution, or ``_CannotInlineError``."""
    if isinstance(test, ast.BoolOp):
        values = [_decide(v) for v in test.values]
        return all(values) if isinstance(test.op, ast.And) else any(values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return not _decide(test.operand)
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is | ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        left = test.left
        if isinstance(left, ast.Constant):  # a parameter's value
            return (left.value is None) == isinstance(test.ops[0], ast.Is)
        if not (_is_absent(left) or isinstance(left, ast.Name)):
            raise _CannotInlineError
        # a tangent's name stands for a tensor: only the missing ones are None
        return _is_absent(left) == isinstance(test.ops[0], ast.Is)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ``0 is None`` and the like
            tree = ast.fix_missing_locations(ast.Expression(test))
            expression = compile(tree, "<rule>", "eval")
        # constants of the op's own source only: no names, no builtins
        return bool(eval(expression, {"__builtins__": {}}, {}))  # noqa: S307
    except Exception:
        raise _CannotInlineError from None


def _run_body(statements, env):
    """Evaluate ``statements`` symbolically; the returned expression, or ``None`` if the
    statements fall through without a ``return``."""
    for statement in statements:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            value = _substitute(statement.value, env)
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                env[target.id] = value
            elif (
                isinstance(target, ast.Tuple)
                and isinstance(value, ast.Tuple)
                and len(target.elts) == len(value.elts)
                and all(isinstance(t, ast.Name) for t in target.elts)
            ):
                for name, item in zip(target.elts, value.elts, strict=True):
                    env[name.id] = item
            else:
                raise _CannotInlineError
        elif isinstance(statement, ast.If):
            branch = statement.body if _decide(_substitute(statement.test, env)) else None
            result = _run_body(branch if branch is not None else statement.orelse, env)
            if result is not None:
                return result
        elif isinstance(statement, ast.Return) and statement.value is not None:
            return _substitute(statement.value, env)
        else:
            raise _CannotInlineError
    return None


def _inline(fn, args):
    """The expression ``fn(*args)`` returns (``args`` are syntax trees), cleaned into
    math, or ``None`` where its body is beyond the partial evaluator."""
    body = _function_body(fn)
    code = fn.__code__
    names = code.co_varnames[: code.co_argcount]
    if body is None or len(args) != len(names):
        return None
    env = dict(zip(names, args, strict=True))
    try:
        result = _run_body(body, env)
    except (_CannotInlineError, RecursionError):
        return None
    if result is None:
        return None
    namespace = {k: v for k, v in _closure_values(fn).items() if _simple(v)}
    cleaner = _Clean(namespace, namespace, True, {}, fn.__globals__)
    try:
        return _Simplify().visit(cleaner.visit(result))
    except (TypeError, ValueError, SyntaxError, ArithmeticError):
        return None  # a formula is a courtesy: never fail the step being explained


_SHAPE_PLUMBING = ("broadcast_to",)  # (``expand`` in a VJP is math: keep it)


class _Simplify(ast.NodeTransformer):
    """Drop what a missing tangent leaves behind (``0 * x``, ``x + 0``, ``1 * x``, branches
    on which tangents are present) and, like ``sum_to``, the broadcasting to a shape."""

    def visit_IfExp(self, node):
        node = self.generic_visit(node)
        try:
            return node.body if _decide(node.test) else node.orelse
        except _CannotInlineError:
            return node

    def visit_UnaryOp(self, node):
        node = self.generic_visit(node)
        if isinstance(node.op, ast.USub) and _is_number(node.operand, 0):
            return node.operand
        return node

    def visit_Call(self, node):
        node = self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Name) and func.id in _SHAPE_PLUMBING and node.args:
            return node.args[0]
        return node

    def visit_Subscript(self, node):
        node = self.generic_visit(node)
        return node.value if _is_number(node.value, 0) else node

    def visit_BinOp(self, node):
        node = self.generic_visit(node)
        left, right = node.left, node.right
        if isinstance(node.op, ast.Add):
            if _is_number(left, 0):
                return right
            if _is_number(right, 0):
                return left
        if isinstance(node.op, ast.Sub) and _is_number(right, 0):
            return left
        if isinstance(node.op, ast.Sub) and _is_number(left, 0):
            return ast.copy_location(ast.UnaryOp(ast.USub(), right), node)
        if isinstance(node.op, ast.Mult | ast.MatMult):
            if _is_number(left, 0) or _is_number(right, 0):
                return ast.copy_location(ast.Constant(0), node)
            if isinstance(node.op, ast.Mult) and _is_number(left, 1):
                return right
            if isinstance(node.op, ast.Mult) and _is_number(right, 1):
                return left
        return node


def vjp_formula(op, index: int, params=None, drop_sum_to: bool = True) -> str:
    """The VJP formula of input ``index`` of ``op`` as text, e.g. ``"grad_a = g * b"``.

    Args:
        op: a registry entry (``tracegrad.ops._registry.REGISTRY["mul"]``).
        index: which input's gradient.
        params: the op's parameters at one application (resolves branches on them).
        drop_sum_to: hide ``m.sum_to`` (the reduction that undoes broadcasting); the
            engine's log keeps it where the gradient's shape changed.
    """
    rule = op.vjp[index]
    n_inputs = index + 1
    rules = op.vjp if type(op.vjp) is tuple else ()
    if rules:
        n_inputs = len(rules)
    names = _input_names(op, max(n_inputs, index + 1))
    name = names[index] if index < len(names) else f"input{index}"
    if rule is None:
        return f"grad_{name} = None"
    text = _render(rule, params, n_inputs if rules else 0, drop_sum_to)
    if text is None:
        text = _call_text(rule)
    return f"grad_{name} = {text}"


def _call_text(fn) -> str:
    """``name(g, a, b)`` for a rule written as a several-line function, with the first
    line of its (or its maker's) docstring as a comment."""
    code = fn.__code__
    args = list(code.co_varnames[1 : code.co_argcount])
    if code.co_flags & inspect.CO_VARARGS:
        args.append("...")
    text = f"{fn.__name__}({', '.join(args)})"
    doc = fn.__doc__
    if not doc and ".<locals>." in fn.__qualname__:
        maker = fn.__globals__.get(fn.__qualname__.split(".<locals>.")[0])
        doc = getattr(maker, "__doc__", None)
    if doc:
        text += "  # " + doc.strip().splitlines()[0].replace("``", "")
    return text


def jvp_formula(op, mask, params=None) -> str:
    """The JVP (forward-mode) formula of ``op`` as text, e.g. ``"dout = da * b + db * a"``.

    ``mask[i]`` says whether input ``i`` carries a tangent (``d<name>``).
    """
    n = len(mask)
    jvp = op.jvp
    if jvp == "linear":
        names = _input_names(op, n)
        args = [f"d{name}" if has else "0" for name, has in zip(names, mask)]
        param_names = _param_names(op, n)
        for k, value in enumerate(params or ()):
            label = param_names[k] if k < len(param_names) else None
            args.append(f"{label}={value!r}" if label else repr(value))
        return f"dout = {op.public}({', '.join(args)})  (linear: the op on the tangents)"
    if jvp == "elementwise":
        names = _input_names(op, n)
        total = None
        for i, (rule, has) in enumerate(zip(op.vjp, mask)):
            if not has or rule is None:
                continue
            term = _render_tree(rule, params, n, True, {"g": f"d{names[i]}"})
            if term is None:
                term = _inline_rule(rule, f"d{names[i]}", names, params)
            if term is None:
                return "dout = the sum of each VJP rule with the tangent in place of g"
            total = term if total is None else ast.BinOp(total, ast.Add(), term)
        if total is None:
            return "dout = 0"
        return "dout = " + ast.unparse(total)
    names = _jvp_input_names(op, n)
    code = jvp.__code__
    tangent_name = code.co_varnames[1]
    tangents = [f"d{name}" if has else "0" for name, has in zip(names, mask)]
    text = _render(jvp, params, n, True, {tangent_name: tangents})
    if text is None:
        text = _render_body(jvp, tangents, names, params)
    if text is None:
        text = f"{jvp.__name__}(({', '.join(tangents)},), {', '.join(names)})"
    return f"dout = {text}"


def _inline_rule(rule, tangent, names, params):
    """A VJP rule written as a ``def``, evaluated with the tangent in place of ``g`` (the
    JVP of an elementwise op), or ``None``."""
    code = rule.__code__
    arg_names = code.co_varnames[: code.co_argcount]
    args = [ast.Name("m", ast.Load()), ast.Name(tangent, ast.Load())]
    args += [ast.Name(name, ast.Load()) for name in names]
    args.append(ast.Name("out", ast.Load()))
    for name, value in zip(arg_names[len(args) :], params or (), strict=False):
        args.append(ast.Constant(value) if _simple(value) else ast.Name(name, ast.Load()))
    if len(args) != len(arg_names):
        return None
    return _inline(rule, args)


def _render_body(jvp, tangents, names, params):
    """A JVP rule written as a ``def`` with branches, evaluated for this application."""
    code = jvp.__code__
    arg_names = code.co_varnames[: code.co_argcount]
    args = [ast.Name("m", ast.Load())]
    args.append(ast.Tuple([ast.Name(t, ast.Load()) for t in tangents], ast.Load()))
    args += [ast.Name(name, ast.Load()) for name in names]
    args.append(ast.Name("out", ast.Load()))
    for name, value in zip(arg_names[len(args) :], params or (), strict=False):
        args.append(ast.Constant(value) if _simple(value) else ast.Name(name, ast.Load()))
    if len(args) != len(arg_names):
        return None
    result = _inline(jvp, args)
    return None if result is None else ast.unparse(result)


class _CallableModule(types.ModuleType):
    """This module is also the function: ``tracegrad.autograd.explain(...)`` works whether
    the name resolves to the function or (once imported as a submodule) to the module."""

    def __call__(self, mode: str = "backward", params=None) -> ExplainLog:
        return explain(mode, params)


sys.modules[__name__].__class__ = _CallableModule
