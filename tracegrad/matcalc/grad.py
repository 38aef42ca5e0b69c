"""Gradients by running the op registry's own VJP rules over symbols.

Every Expr node stands for one registry op (``registry_view``). ``backward`` walks the
expression from f down to the variable in reverse topological order and, at each node,
calls ``op.vjp[i](SymbolicMath, g, *inputs, out, *params)``: the very rule that the
engine runs on arrays. There is no second table of derivative formulas here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ops import REGISTRY
from . import expr as ex
from .symbolic_math import DiagKey, SymbolicMath, UnsupportedSymbolError

# kinds whose node has no derivative (a.e. zero): comparisons, logic, indicators
_NO_GRADIENT = set(ex.COMPARISONS) | {"and", "or", "not", "ind"}
_LEAVES = {"sym", "const", "zeros", "ones", "eye"}
_REGISTRY_NAMES = {"inv": "inverse"}


def _op(name):
    name = _REGISTRY_NAMES.get(name, name)
    op = REGISTRY.get(name)
    if op is None:
        raise NotImplementedError(
            f"matcalc: the op registry has no {name!r} op, so there is no rule to derive "
            f"{name} with (add an Op({name!r}, ...) with its VJP rule to tracegrad.ops)"
        )
    return op


def _number(x):
    """A constant input as the Python number the engine would pass."""
    return x.value if isinstance(x, ex.Expr) and x.kind == "const" else x


def registry_view(node):
    """(registry Op, inputs, params) of a binary-form node, as the engine would call it."""
    kind, args = node.kind, node.args
    if kind in ("add", "sub", "mul", "div"):
        a, b = args
        if kind == "sub" and a.kind == "const" and b.kind != "const":
            return _op("rsub"), (b, a.value), (1,)
        if kind == "add" and a.kind == "const" and b.kind != "const":
            return _op("add"), (b, a.value), (1,)
        if kind == "mul" and a.kind == "const" and b.kind != "const":
            return _op("mul"), (b, a.value), ()
        params = (1,) if kind in ("add", "sub") else ()
        return _op(kind), (a, _number(b)), params
    if kind == "pow":
        return _op("pow"), (args[0],), node.params
    if kind == "neg":
        return _op("neg"), args, ()
    if kind == "matmul":
        a, b = args
        name = {(2, 2): "mm", (2, 1): "mv", (1, 1): "dot"}.get((a.ndim, b.ndim), "matmul")
        return _op(name), args, ()
    if kind == "t":
        return _op("t"), args, ()
    if kind in ex.ELEMENTWISE or kind in ("det", "logdet", "inv"):
        return _op(kind), args, ()
    if kind == "clamp":
        return _op("clamp"), args, node.params
    if kind == "where":
        return _op("where"), args, ()
    if kind in ("sum", "mean"):
        dims, keepdim = node.params
        if dims is None:
            return (_op("sum"), args, (None,)) if kind == "sum" else (_op("mean"), args, ())
        if kind == "sum":
            return _op("sum_dim"), args, (dims, keepdim, None)
        return _op("mean_dim"), args, (dims, keepdim)
    if kind == "expand":
        return _op("expand"), args, node.params
    if kind == "view":
        return _op("view"), args, node.params
    if kind in ("softmax", "log_softmax"):
        return _op(kind), args, node.params
    if kind == "trace":
        return _op("trace"), args, (DiagKey(args[0].shape[0]),)
    if kind == "diag":
        return _op("diag_embed"), args, (0, DiagKey(node.shape[0]))
    if kind == "diagonal":
        n = args[0].shape[0]
        return _op("diag_matrix"), args, (0, 0, 1, ((n, n), DiagKey(n), (0, 1)))
    if kind == "norm":
        return _op("norm"), args, ((), False, 2.0, None)
    if kind == "mse_loss":
        return _op("mse_loss"), args, node.params
    raise NotImplementedError(f"matcalc: no registry op for the expression kind {kind!r}")


def lower(expr):
    """The same expression with n-ary sums/products/chains as binary registry ops."""
    memo = {}
    for node in ex.walk(expr):
        args = [memo[id(a)] for a in node.args]
        if node.kind in ("add", "mul", "matmul") and len(args) > 2:
            out = args[0]
            for a in args[1:]:
                out = ex.matmul(out, a) if node.kind == "matmul" else ex.binary(node.kind, out, a)
        elif node.kind == "named":
            out = args[0]
        elif all(a is b for a, b in zip(args, node.args, strict=True)):
            out = node
        else:
            out = ex.Expr(node.kind, args, node.params, node.shape, node.name, node.props)
        memo[id(node)] = out
    return memo[id(expr)]


@dataclass
class Step:
    """One node of the reverse pass: its adjoint ``g`` and what each input received."""

    node: ex.Expr
    g: ex.Expr
    op_name: str
    contributions: list = field(default_factory=list)  # (input Expr, adjoint part)


def _call_rule(op, i, g, inputs, node, params):
    rule = op.vjp[i]
    try:
        return rule(SymbolicMath, g, *inputs, node, *params)
    except UnsupportedSymbolError as exc:
        raise NotImplementedError(
            f"matcalc: the VJP rule of the op {op.name!r} uses {exc}, which has no symbolic form"
        ) from None
    except (TypeError, AttributeError, IndexError) as exc:
        raise NotImplementedError(
            f"matcalc: the VJP rule of the op {op.name!r} cannot run over symbols ({exc})"
        ) from None


def backward(f, var):
    """Run the registry's VJP rules from scalar ``f`` down to the symbol ``var``.

    Returns (raw gradient Expr or None if f does not depend on var, list of Steps).
    """
    f = lower(f)
    order = ex.walk(f)
    depends = set()
    for node in order:
        if (node.kind == "sym" and node.name == var.name) or any(
            id(a) in depends for a in node.args
        ):
            depends.add(id(node))
    if id(f) not in depends:
        return None, []
    adjoint = {id(f): ex.const(1) if f.shape == () else ex.ones(f.shape)}
    steps, result = [], None
    for node in reversed(order):
        g = adjoint.pop(id(node), None)
        if g is None or id(node) not in depends:
            continue
        if node.kind == "sym":
            result = g if result is None else result + g
            continue
        if node.kind in _NO_GRADIENT:
            continue
        if node.kind in _LEAVES:
            continue
        op, inputs, params = registry_view(node)
        step = Step(node, g, op.name)
        for i, x in enumerate(inputs):
            if not isinstance(x, ex.Expr) or id(x) not in depends:
                continue
            if op.vjp[i] is None:
                continue
            part = _call_rule(op, i, g, inputs, node, params)
            part = ex.as_expr(part)
            same_size = ex._numel(part.shape) == ex._numel(x.shape)
            if tuple(part.shape) != tuple(x.shape) and same_size:
                part = ex.view(part, x.shape)
            step.contributions.append((x, part))
            adjoint[id(x)] = part if id(x) not in adjoint else adjoint[id(x)] + part
        steps.append(step)
    return result, steps


def check_scalar(f, what="grad"):
    if not isinstance(f, ex.Expr):
        raise TypeError(f"matcalc.{what}: f must be a matcalc expression, got {type(f).__name__}")
    if not ex.numel_is_one(f.shape):
        raise ValueError(
            f"matcalc.{what}: f must be a scalar, but it has shape ({ex.shape_text(f.shape)}); "
            "reduce it first (.sum(), .mean(), .norm(), .trace())"
        )


def check_var(var, what="grad"):
    if not isinstance(var, ex.Expr) or var.kind != "sym":
        raise TypeError(f"matcalc.{what}: the variable must be a symbol made by matcalc.symbols")
    if "constant" in var.props:
        raise ValueError(f"matcalc.{what}: {var.name} was declared constant")
