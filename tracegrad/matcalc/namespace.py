"""The ``torch`` a symbolic expression is written against: ``torch.matmul``,
``torch.linalg.det``, ``torch.nn.functional.relu`` ... on symbols, so that a student's
PyTorch expression (as a string for ``derive``, or calling these functions) works
unchanged. ``replay`` goes the other way: it runs an expression on real tensors.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

from . import expr as ex


def _reduce(kind):
    def fn(input, dim=None, keepdim=False):
        return ex.reduce(kind, input, dim, keepdim)

    fn.__name__ = kind
    return fn


def _relu(input, inplace=False):
    return ex.unary("relu", input)


def _norm(input, p="fro", dim=None, keepdim=False, ord=None):  # noqa: A002 - torch's names
    return ex.norm(input, p if ord is None else ord, dim)


def _transpose(input, dim0=0, dim1=1):
    return input.transpose(dim0, dim1)


def _softmax(input, dim=None, dtype=None):
    return ex.softmax(input, dim)


def _log_softmax(input, dim=None, dtype=None):
    return ex.log_softmax(input, dim)


def _pow(input, exponent):
    return ex.power(input, exponent)


def _clamp(input, min=None, max=None):  # noqa: A002
    return ex.clamp(input, min, max)


def _mse_loss(input, target, reduction="mean"):
    return ex.mse_loss(input, target, reduction)


def _linear(input, weight, bias=None):
    out = input @ weight.T
    return out if bias is None else out + bias


def _unsupported(name):
    def fn(*args, **kwargs):
        raise NotImplementedError(f"matcalc: {name} has no symbolic form")

    return fn


_functions = {
    "matmul": ex.matmul,
    "mm": ex.matmul,
    "mv": ex.matmul,
    "dot": ex.matmul,
    "outer": ex.outer,
    "ger": ex.outer,
    "sum": _reduce("sum"),
    "mean": _reduce("mean"),
    "trace": ex.trace,
    "diag": ex.diag,
    "diagonal": ex.diagonal,
    "t": ex.transpose,
    "transpose": _transpose,
    "pow": _pow,
    "square": lambda x: ex.power(x, 2),
    "clamp": _clamp,
    "clip": _clamp,
    "relu": _relu,
    "softmax": _softmax,
    "log_softmax": _log_softmax,
    "norm": _norm,
    "det": lambda x: ex.square_fn("det", x),
    "logdet": lambda x: ex.square_fn("logdet", x),
    "inverse": lambda x: ex.square_fn("inv", x),
    "where": ex.where,
    "eye": ex.eye,
}
for _name in ex.ELEMENTWISE:
    if _name != "relu":
        _functions[_name] = lambda x, _k=_name: ex.unary(_k, x)

functional = SimpleNamespace(
    relu=_relu,
    sigmoid=_functions["sigmoid"],
    tanh=_functions["tanh"],
    softmax=_softmax,
    log_softmax=_log_softmax,
    mse_loss=_mse_loss,
    linear=_linear,
)
linalg = SimpleNamespace(
    inv=_functions["inverse"],
    det=_functions["det"],
    norm=_norm,
    vector_norm=_norm,
    matrix_norm=_norm,
)
torch = SimpleNamespace(
    **_functions,
    linalg=linalg,
    nn=SimpleNamespace(functional=functional),
    float64="float64",
)


# ---------------------------------------------------------------------------- replay


def replay(expr, tensors: dict, module, dims: dict):
    """The value of ``expr`` computed with ``module`` (tracegrad or PyTorch) on
    ``tensors`` (name -> tensor), so that its autograd can differentiate it."""
    memo = {}
    for node in ex.walk(expr):
        args = [memo[id(a)] for a in node.args]
        memo[id(node)] = _replay_node(node, args, tensors, module, dims)
    return memo[id(expr)]


def _replay_node(node, a, tensors, m, dims):  # noqa: C901 - one case per kind
    k = node.kind
    f64 = m.float64
    shape = ex.concrete_shape(node.shape, dims)
    if k == "sym":
        return tensors[node.name]
    if k == "const":
        v = node.value
        return float(v.value(dims)) if isinstance(v, ex.Dim) else float(v)
    if k == "zeros":
        return m.zeros(shape, dtype=f64)
    if k == "ones":
        return m.ones(shape, dtype=f64)
    if k == "eye":
        return m.eye(shape[0], dtype=f64)
    ops = {
        "add": lambda: _fold(a, lambda x, y: x + y),
        "sub": lambda: a[0] - a[1],
        "mul": lambda: _fold(a, lambda x, y: x * y),
        "div": lambda: a[0] / a[1],
        "neg": lambda: -a[0],
        "pow": lambda: a[0] ** node.params[0],
        "matmul": lambda: _fold(a, lambda x, y: x @ y),
        "t": lambda: a[0].t(),
        "relu": lambda: m.relu(a[0]),
        "clamp": lambda: m.clamp(a[0], *node.params),
        "gt": lambda: a[0] > a[1],
        "ge": lambda: a[0] >= a[1],
        "lt": lambda: a[0] < a[1],
        "le": lambda: a[0] <= a[1],
        "eq": lambda: a[0] == a[1],
        "ne": lambda: a[0] != a[1],
        "and": lambda: a[0] & a[1],
        "or": lambda: a[0] | a[1],
        "not": lambda: ~a[0],
        "ind": lambda: a[0].to(f64),
        "where": lambda: m.where(a[0], a[1], a[2]),
        "expand": lambda: (
            a[0].expand(*shape) if hasattr(a[0], "expand") else m.full(shape, a[0], dtype=f64)
        ),
        "view": lambda: a[0].reshape(shape),
        "softmax": lambda: m.softmax(a[0], node.params[0]),
        "log_softmax": lambda: m.log_softmax(a[0], node.params[0]),
        "trace": lambda: m.trace(a[0]),
        "diag": lambda: m.diag(a[0]),
        "diagonal": lambda: m.diag(a[0]),
        "norm": lambda: m.norm(a[0]),
        "det": lambda: m.linalg.det(a[0]),
        "logdet": lambda: m.logdet(a[0]),
        "inv": lambda: m.linalg.inv(a[0]),
        "mse_loss": lambda: m.nn.functional.mse_loss(a[0], a[1], reduction=node.params[0]),
        "named": lambda: a[0],
    }
    if k in ("sum", "mean"):
        d, keep = node.params
        fn = getattr(a[0], k)
        return fn() if d is None else fn(dim=d, keepdim=keep)
    if k in ex.ELEMENTWISE and k != "relu":
        return getattr(m, k)(a[0])
    if k not in ops:
        raise NotImplementedError(f"matcalc: cannot replay {k!r} on tensors")
    return ops[k]()


def _fold(items, fn):
    out = items[0]
    for x in items[1:]:
        out = fn(out, x)
    return out


# ---------------------------------------------------------------------------- torch spellings


def _with_symbols(function, symbolic):
    """``function`` as before, except that called on symbols it builds the expression.

    The tensor function runs first (no cost to ordinary calls); only when it rejects its
    arguments and one of them is a symbolic expression does the symbolic form take over.
    """

    @functools.wraps(function)
    def call(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (TypeError, AttributeError, RuntimeError):
            if not any(isinstance(a, ex.Expr) for a in (*args, *kwargs.values())):
                raise
        return symbolic(*args, **kwargs)

    call.__wrapped_for_symbols__ = True
    return call


def install_torch_spellings() -> None:
    """Let ``import tracegrad as torch; torch.sigmoid(A @ x)`` work on symbols too.

    Done when matcalc is imported (so tracegrad alone pays nothing): the functions of
    ``tracegrad``, ``tracegrad.linalg`` and ``tracegrad.nn.functional`` that have a
    symbolic form get the fallback of ``_with_symbols``.
    """
    import tracegrad
    import tracegrad.nn.functional as tensor_functional

    for module, symbolic in (
        (tracegrad, torch),
        (tracegrad.linalg, linalg),
        (tensor_functional, functional),
    ):
        for name, symbolic_fn in vars(symbolic).items():
            function = getattr(module, name, None)
            if not callable(symbolic_fn) or not callable(function) or isinstance(function, type):
                continue
            if getattr(function, "__wrapped_for_symbols__", False):
                continue
            setattr(module, name, _with_symbols(function, symbolic_fn))
