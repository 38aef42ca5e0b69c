"""Symbolic matrices and the expressions built from them.

An ``Expr`` is one node of an expression tree: a ``kind`` (most kinds are the names of
registry ops: ``add``, ``mul``, ``matmul``, ``exp``, ``sum`` ...), its ``args`` (Exprs),
its ``params`` (numbers, dims, shapes) and its ``shape``, whose entries are ints or
symbolic ``Dim`` s. Expressions are built with the tensor API itself (``@``, ``+``,
``.T``, ``.sum()``, ``.clamp(min=0)`` ...), so a student's PyTorch expression works
unchanged, and every node knows which registry op it stands for (``grad.py`` runs that
op's VJP rule over it).

``evaluate`` computes an expression with NumPy for given values of its symbols.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

PROPERTIES = (
    "symmetric",
    "positive_definite",
    "invertible",
    "constant",
    "one_hot",
    "positive",
)


class ShapeError(ValueError):
    """Shapes that do not fit together (the message names the operation and shapes)."""


# ---------------------------------------------------------------------------- dims


class Dim:
    """A symbolic dimension (``n``), or a product of them with an integer factor (``2nd``).

    Dims multiply with ints and with each other so that the registry's own size
    computations (``count *= n`` in ``mean``'s rule) work on symbolic shapes.
    """

    __slots__ = ("factors", "coef")

    def __init__(self, factors, coef=1):
        self.factors = tuple(sorted(factors))
        self.coef = int(coef)

    def __mul__(self, other):
        if isinstance(other, Dim):
            return Dim(self.factors + other.factors, self.coef * other.coef)
        if isinstance(other, numbers.Integral):
            return Dim(self.factors, self.coef * int(other)) if other != 0 else 0
        return NotImplemented

    __rmul__ = __mul__

    def __eq__(self, other):
        if isinstance(other, Dim):
            return self.factors == other.factors and self.coef == other.coef
        return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash((self.factors, self.coef))

    def __index__(self):
        raise TypeError(f"symbolic dimension {self} has no integer value")

    def value(self, dims: dict) -> int:
        """The size for concrete ``dims`` (name -> int)."""
        result = self.coef
        for name in self.factors:
            if name not in dims:
                raise KeyError(f"no value for the dimension {name!r}")
            result *= dims[name]
        return result

    def __str__(self):
        sup = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
        parts = []
        for name in sorted(set(self.factors)):
            count = self.factors.count(name)
            parts.append(name + (str(count).translate(sup) if count > 1 else ""))
        text = "".join(parts)
        return text if self.coef == 1 else f"{self.coef}{text}"

    __repr__ = __str__


def as_dim(d):
    """An entry of a shape: ints stay ints, names become ``Dim`` s."""
    if isinstance(d, Dim):
        return d
    if isinstance(d, bool):
        raise TypeError(f"a dimension must be an int or a name, got {d!r}")
    if isinstance(d, numbers.Integral):
        if d < 0:
            raise ValueError(f"a dimension must not be negative, got {d}")
        return int(d)
    if isinstance(d, str) and d.strip().isidentifier():
        return Dim((d.strip(),))
    if isinstance(d, str) and d.strip().isdigit():
        return int(d)
    raise TypeError(f"a dimension must be an int or a name such as 'n', got {d!r}")


def as_shape(shape) -> tuple:
    if isinstance(shape, int | str | Dim):
        shape = (shape,)
    return tuple(as_dim(d) for d in shape)


def shape_text(shape) -> str:
    return "×".join(str(d) for d in shape) if shape else "scalar"


def concrete_shape(shape, dims: dict) -> tuple:
    return tuple(d.value(dims) if isinstance(d, Dim) else d for d in shape)


def broadcast_shapes(what: str, *shapes) -> tuple:
    """The broadcast of ``shapes`` (NumPy's rule) or a ShapeError saying where."""
    ndim = max(len(s) for s in shapes)
    result = []
    for i in range(1, ndim + 1):
        size = 1
        for s in shapes:
            d = s[-i] if i <= len(s) else 1
            if d == 1:
                continue
            if size == 1:
                size = d
            elif size != d:
                what = what() if callable(what) else what
                raise ShapeError(
                    f"{what}: shapes {' and '.join('(' + shape_text(s) + ')' for s in shapes)} "
                    "do not broadcast"
                )
        result.append(size)
    return tuple(reversed(result))


def numel_is_one(shape) -> bool:
    return all(d == 1 for d in shape)


# ---------------------------------------------------------------------------- Expr

ELEMENTWISE = (
    "exp",
    "log",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "sqrt",
    "abs",
    "sign",
    "relu",
    "sinh",
    "cosh",
)
COMPARISONS = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤", "eq": "=", "ne": "≠"}


class Expr:
    """One node of a symbolic matrix expression (see the module docstring).

    Exprs behave like tensors: operators and methods build new nodes. ``==`` builds an
    elementwise comparison, as on tensors, so structural identity is ``a.key == b.key``.
    """

    __array_priority__ = 1000  # NumPy scalars defer to our operators

    def __init__(self, kind, args=(), params=(), shape=(), name=None, props=frozenset()):
        self.kind = kind
        self.args = tuple(args)
        self.params = tuple(params)
        self.shape = tuple(shape)
        self.name = name
        self.props = frozenset(props)
        self._key = None
        self._hash = None

    # -- identity

    @property
    def key(self):
        """A hashable structural identity: equal keys mean the same expression."""
        if self._key is None:
            if self.kind == "sym":
                self._key = ("sym", self.name, self.shape)
            elif self.kind == "const":
                v = self.params[0]
                self._key = ("const", float(v) if not isinstance(v, Dim) else v)
            else:
                self._key = (
                    self.kind,
                    tuple(a.key for a in self.args),
                    _hashable(self.params),
                    self.shape,
                )
        return self._key

    def __hash__(self):
        return id(self)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def dtype(self):
        return np.dtype(np.float64)

    def is_const(self, value=None):
        if self.kind != "const":
            return False
        return value is None or (not isinstance(self.params[0], Dim) and self.params[0] == value)

    @property
    def value(self):
        return self.params[0]

    def symbols(self) -> dict:
        """The symbols in this expression, name -> Expr."""
        found = {}
        for node in walk(self):
            if node.kind == "sym":
                found[node.name] = node
        return found

    def depends_on(self, var) -> bool:
        return any(n.kind == "sym" and n.name == var.name for n in walk(self))

    # -- operators (each records the registry op it stands for)

    def __add__(self, other):
        return binary("add", self, other)

    def __radd__(self, other):
        return binary("add", other, self)

    def __sub__(self, other):
        return binary("sub", self, other)

    def __rsub__(self, other):
        return binary("sub", other, self)

    def __mul__(self, other):
        return binary("mul", self, other)

    def __rmul__(self, other):
        return binary("mul", other, self)

    def __truediv__(self, other):
        return binary("div", self, other)

    def __rtruediv__(self, other):
        return binary("div", other, self)

    def __neg__(self):
        return Expr("neg", (self,), (), self.shape)

    def __pos__(self):
        return self

    def __pow__(self, p):
        return power(self, p)

    def __rpow__(self, base):
        if isinstance(base, numbers.Real) and base > 0:
            return exp(self * math.log(base))
        raise NotImplementedError("matcalc: number ** matrix needs a positive base")

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def __gt__(self, other):
        return compare("gt", self, other)

    def __ge__(self, other):
        return compare("ge", self, other)

    def __lt__(self, other):
        return compare("lt", self, other)

    def __le__(self, other):
        return compare("le", self, other)

    def __eq__(self, other):  # noqa: D105 - elementwise, as on tensors
        return compare("eq", self, other)

    def __ne__(self, other):
        return compare("ne", self, other)

    def __and__(self, other):
        return Expr("and", (self, as_expr(other)), (), self.shape)

    def __or__(self, other):
        return Expr("or", (self, as_expr(other)), (), self.shape)

    def __invert__(self):
        return Expr("not", (self,), (), self.shape)

    def __bool__(self):
        raise TypeError("matcalc: a symbolic expression has no truth value (it has no numbers yet)")

    def __getitem__(self, key):
        # only what the registry rules need: adding unit dims (x[:, None]) and, with
        # a diagonal key, a matrix's diagonal
        from .symbolic_math import DiagKey

        if isinstance(key, DiagKey):
            return diagonal(self)
        if not isinstance(key, tuple):
            key = (key,)
        shape, it = [], iter(self.shape)
        for k in key:
            if k is None:
                shape.append(1)
            elif k == slice(None):
                shape.append(next(it))
            else:
                raise NotImplementedError(f"matcalc: indexing with {k!r}")
        shape.extend(it)
        return view(self, tuple(shape))

    # -- tensor methods

    @property
    def T(self):  # noqa: N802 - the tensor API's name
        return transpose(self)

    @property
    def mT(self):  # noqa: N802
        return transpose(self)

    def t(self):
        return transpose(self)

    def transpose(self, dim0=0, dim1=1):
        if self.ndim != 2 or {dim0 % 2, dim1 % 2} != {0, 1}:
            raise NotImplementedError("matcalc: transpose is defined for matrices (dims 0, 1)")
        return transpose(self)

    def mm(self, other):
        return matmul(self, other)

    def matmul(self, other):
        return matmul(self, other)

    def mv(self, other):
        return matmul(self, other)

    def dot(self, other):
        return matmul(self, other)

    def outer(self, other):
        return outer(self, other)

    def sum(self, dim=None, keepdim=False):
        return reduce("sum", self, dim, keepdim)

    def mean(self, dim=None, keepdim=False):
        return reduce("mean", self, dim, keepdim)

    def trace(self):
        return trace(self)

    def diag(self):
        return diag(self)

    def pow(self, p):
        return power(self, p)

    def square(self):
        return power(self, 2)

    def clamp(self, min=None, max=None):  # noqa: A002 - torch's names
        return clamp(self, min, max)

    clip = clamp

    def clamp_min(self, value):
        return clamp(self, value, None)

    def softmax(self, dim):
        return softmax(self, dim)

    def log_softmax(self, dim):
        return log_softmax(self, dim)

    def norm(self, p="fro", dim=None):
        return norm(self, p, dim)

    def det(self):
        return square_fn("det", self)

    def logdet(self):
        return square_fn("logdet", self)

    def inverse(self):
        return square_fn("inv", self)

    def reshape(self, *shape):
        return view(self, _shape_arg(shape, self))

    def view(self, *shape):
        return view(self, _shape_arg(shape, self))

    def unsqueeze(self, dim):
        shape = list(self.shape)
        shape.insert(dim % (self.ndim + 1), 1)
        return view(self, tuple(shape))

    def squeeze(self, dim=None):
        if dim is None:
            return view(self, tuple(d for d in self.shape if d != 1))
        shape = list(self.shape)
        if shape[dim] == 1:
            del shape[dim]
        return view(self, tuple(shape))

    def expand(self, *shape):
        return expand(self, _shape_arg(shape, self))

    def evaluate(self, values: dict | None = None, **kwargs):
        """The value of this expression with NumPy (float64), ``values``: name -> array."""
        return evaluate(self, {**(values or {}), **kwargs})

    def __repr__(self):
        from .printing import to_text

        return to_text(self)

    __str__ = __repr__

    def latex(self):
        from .printing import to_latex

        return to_latex(self)

    def ascii(self):
        from .printing import to_ascii

        return to_ascii(self)

    def _repr_latex_(self):
        return "$" + self.latex() + "$"


for _name in ELEMENTWISE:

    def _method(self, _kind=_name):
        return unary(_kind, self)

    _method.__name__ = _name
    setattr(Expr, _name, _method)


def _hashable(value):
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.tobytes())
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _shape_arg(shape, x):
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = tuple(shape[0])
    shape = list(as_shape(shape)) if all(not (s == -1) for s in shape) else list(shape)
    if -1 in [s for s in shape if isinstance(s, int)]:
        known = 1
        for s in shape:
            if not (isinstance(s, int) and s == -1):
                known = known * as_dim(s)
        total = 1
        for d in x.shape:
            total = total * d
        if isinstance(total, int) and isinstance(known, int) and known:
            fill = total // known
        elif known == 1:
            fill = total
        elif isinstance(total, Dim) and isinstance(known, Dim | int):
            fill = _divide_dim(total, known)
        else:
            raise NotImplementedError(f"matcalc: cannot infer -1 in reshape of {x.shape}")
        shape = [fill if (isinstance(s, int) and s == -1) else as_dim(s) for s in shape]
    return tuple(shape)


def _divide_dim(total, known):
    factors = list(total.factors)
    coef = total.coef
    for f in known.factors if isinstance(known, Dim) else ():
        factors.remove(f)
    coef //= known.coef if isinstance(known, Dim) else known
    if not factors:
        return coef
    return Dim(factors, coef)


def walk(expr):
    """Every node of ``expr`` once (parents after children)."""
    seen, order, stack = set(), [], [(expr, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for a in reversed(node.args):
            if id(a) not in seen:
                stack.append((a, False))
    return order


# ---------------------------------------------------------------------------- builders


def const(value) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool):
        value = int(value)
    if not isinstance(value, numbers.Real | Dim):
        raise TypeError(f"matcalc: expected a number or an expression, got {type(value).__name__}")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return Expr("const", (), (value,), ())


def as_expr(x) -> Expr:
    return x if isinstance(x, Expr) else const(x)


def zeros(shape) -> Expr:
    return Expr("zeros", (), (), as_shape(shape))


def ones(shape) -> Expr:
    return Expr("ones", (), (), as_shape(shape))


def eye(n) -> Expr:
    n = as_dim(n)
    return Expr("eye", (), (), (n, n))


_OP_WORDS = {"add": "add", "sub": "subtract", "mul": "multiply", "div": "divide"}


def binary(kind, a, b) -> Expr:
    # a 0-d NumPy array is a number (rules write some constants that way: ops.elementwise.ONE)
    a = a.item() if isinstance(a, np.ndarray) and a.ndim == 0 else a
    b = b.item() if isinstance(b, np.ndarray) and b.ndim == 0 else b
    if not isinstance(a, Expr | numbers.Real | Dim) or not isinstance(b, Expr | numbers.Real | Dim):
        bad = b if isinstance(a, Expr | numbers.Real | Dim) else a
        raise TypeError(f"matcalc: cannot {_OP_WORDS[kind]} an expression and {type(bad).__name__}")
    a, b = as_expr(a), as_expr(b)
    shape = broadcast_shapes(
        lambda: f"{_OP_WORDS[kind]} ({_brief(a)}, {_brief(b)})", a.shape, b.shape
    )
    params = (1,) if kind in ("add", "sub") else ()
    return Expr(kind, (a, b), params, shape)


def _brief(e) -> str:
    from .printing import to_text

    try:
        text = to_text(e, simplify_first=False)
    except Exception:  # noqa: BLE001 - only for an error message
        text = e.kind
    return text if len(text) < 40 else text[:37] + "..."


def power(x, p) -> Expr:
    x = as_expr(x)
    if isinstance(p, Expr):
        if p.kind != "const":
            raise NotImplementedError(
                "matcalc: pow with a matrix exponent (pow_tensor) has no symbolic rule here"
            )
        p = p.value
    if not isinstance(p, numbers.Real):
        raise TypeError(f"matcalc: pow() expects a number exponent, got {type(p).__name__}")
    if isinstance(p, float) and p.is_integer():
        p = int(p)
    return Expr("pow", (x,), (p,), x.shape)


def matmul(a, b) -> Expr:
    if not isinstance(a, Expr) or not isinstance(b, Expr):
        raise TypeError("matcalc: @ needs two matrix expressions")
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(
            f"matmul ({_brief(a)} @ {_brief(b)}): both operands need at least 1 dim, "
            f"got ({shape_text(a.shape)}) and ({shape_text(b.shape)})"
        )
    if a.ndim > 2 or b.ndim > 2:
        raise NotImplementedError("matcalc: batched matmul (more than 2 dims)")
    inner_a = a.shape[-1]
    inner_b = b.shape[0]
    if inner_a != inner_b:
        raise ShapeError(
            f"matmul ({_brief(a)} @ {_brief(b)}): inner dimensions differ, "
            f"({shape_text(a.shape)}) @ ({shape_text(b.shape)})"
        )
    shape = a.shape[:-1] + b.shape[1:]
    return Expr("matmul", (a, b), (), shape)


def transpose(x) -> Expr:
    x = as_expr(x)
    if x.ndim < 2:
        return x
    if x.ndim > 2:
        raise NotImplementedError("matcalc: transpose of a tensor with more than 2 dims")
    return Expr("t", (x,), (), (x.shape[1], x.shape[0]))


def unary(kind, x) -> Expr:
    x = as_expr(x)
    return Expr(kind, (x,), (), x.shape)


def exp(x):
    return unary("exp", x)


def clamp(x, low=None, high=None) -> Expr:
    if low is None and high is None:
        raise ValueError("matcalc: clamp needs min or max")
    for bound in (low, high):
        if bound is not None and not isinstance(bound, numbers.Real):
            raise NotImplementedError("matcalc: clamp with tensor bounds")
    return Expr("clamp", (as_expr(x),), (low, high), x.shape)


def compare(kind, a, b) -> Expr:
    a, b = as_expr(a), as_expr(b)
    shape = broadcast_shapes(lambda: f"compare ({_brief(a)}, {_brief(b)})", a.shape, b.shape)
    return Expr(kind, (a, b), (), shape)


def where(cond, a, b) -> Expr:
    cond, a, b = as_expr(cond), as_expr(a), as_expr(b)
    shape = broadcast_shapes("where", cond.shape, a.shape, b.shape)
    return Expr("where", (cond, a, b), (), shape)


def indicator(cond) -> Expr:
    """1[cond]: 1 where the condition holds, else 0."""
    return Expr("ind", (cond,), (), cond.shape)


def normalize_dims(dim, ndim, what="sum"):
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    out = []
    for d in dims:
        if not isinstance(d, int) or not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(f"matcalc: {what}: dim {d} is out of range for {ndim} dims")
        out.append(d % max(ndim, 1))
    return tuple(sorted(set(out)))


def reduce(kind, x, dim=None, keepdim=False) -> Expr:
    dims = normalize_dims(dim, x.ndim, kind)
    if dims is None or (x.ndim == 0):
        return Expr(kind, (x,), (None, False), ())
    if keepdim:
        shape = tuple(1 if i in dims else d for i, d in enumerate(x.shape))
    else:
        shape = tuple(d for i, d in enumerate(x.shape) if i not in dims)
    return Expr(kind, (x,), (dims, bool(keepdim)), shape)


def expand(x, shape) -> Expr:
    shape = tuple(shape)
    broadcast_shapes("expand", x.shape, shape)
    if tuple(x.shape) == shape:
        return x
    return Expr("expand", (x,), (shape,), shape)


def _numel(shape):
    total = 1
    for d in shape:
        total = total * d
    return total


def view(x, shape) -> Expr:
    shape = tuple(shape)
    if tuple(x.shape) == shape:
        return x
    if _numel(shape) != _numel(x.shape):
        raise ShapeError(f"reshape: cannot view ({shape_text(x.shape)}) as ({shape_text(shape)})")
    return Expr("view", (x,), (shape,), shape)


def _check_dim(x, dim, what):
    if dim is None:
        raise TypeError(f"matcalc: {what}() needs dim (rows: dim=1)")
    return normalize_dims(dim, x.ndim, what)[0]


def softmax(x, dim=None) -> Expr:
    return Expr("softmax", (x,), (_check_dim(x, dim, "softmax"),), x.shape)


def log_softmax(x, dim=None) -> Expr:
    return Expr("log_softmax", (x,), (_check_dim(x, dim, "log_softmax"),), x.shape)


def _square(x, what):
    if x.ndim != 2 or x.shape[0] != x.shape[1]:
        raise ShapeError(f"{what}: expected a square matrix, got ({shape_text(x.shape)})")


def trace(x) -> Expr:
    if x.ndim != 2:
        raise ShapeError(f"trace: expected a matrix, got ({shape_text(x.shape)})")
    _square(x, "trace")
    return Expr("trace", (x,), (), ())


def diag(x) -> Expr:
    """A vector on the diagonal of a square matrix, or a matrix's diagonal as a vector."""
    if x.ndim == 1:
        return Expr("diag", (x,), (), (x.shape[0], x.shape[0]))
    if x.ndim == 2 and x.shape[1] == 1 and x.shape[0] != 1:
        return Expr("diag", (view(x, (x.shape[0],)),), (), (x.shape[0], x.shape[0]))
    if x.ndim == 2:
        return diagonal(x)
    raise ShapeError(f"diag: expected a vector or a matrix, got ({shape_text(x.shape)})")


def diagonal(x) -> Expr:
    _square(x, "diagonal")
    return Expr("diagonal", (x,), (), (x.shape[0],))


def outer(a, b) -> Expr:
    """a bᵀ for vectors (as the tensor API computes it: a column times a row)."""
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError("outer: expected two 1-D vectors")
    return view(a, (a.shape[0], 1)) * b


def norm(x, p="fro", dim=None) -> Expr:
    if p not in ("fro", 2, 2.0, None) or dim is not None:
        raise NotImplementedError("matcalc: norm is the Frobenius / vector 2-norm of all elements")
    return Expr("norm", (x,), (), ())


def square_fn(kind, x) -> Expr:
    _square(x, {"inv": "inverse"}.get(kind, kind))
    return Expr(kind, (x,), (), () if kind in ("det", "logdet") else x.shape)


def mse_loss(a, b, reduction="mean") -> Expr:
    if reduction not in ("mean", "sum"):
        raise NotImplementedError("matcalc: mse_loss with reduction='none'")
    b = as_expr(b)
    if a.shape != b.shape:
        raise ShapeError(f"mse_loss: shapes ({shape_text(a.shape)}) and ({shape_text(b.shape)})")
    return Expr("mse_loss", (a, b), (reduction,), ())


# ---------------------------------------------------------------------------- symbols


def symbol(name: str, shape=(), *properties) -> Expr:
    """One symbolic matrix: ``symbol("X", ("n", "d"))``; a column vector is ``("n", 1)``,
    a row vector ``(1, "k")``, a scalar ``()``. ``properties``: any of PROPERTIES."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"matcalc: a symbol name must be an identifier, got {name!r}")
    shape = as_shape(shape)
    if len(shape) > 2:
        raise NotImplementedError("matcalc: symbols have at most 2 dims")
    props = set()
    for p in properties:
        p = {"pd": "positive_definite", "spd": "positive_definite"}.get(p, p)
        if p not in PROPERTIES:
            raise ValueError(f"matcalc: unknown property {p!r} of {name}; known: {PROPERTIES}")
        props.add(p)
    if props & {"symmetric", "positive_definite", "invertible"}:
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ShapeError(f"{name}: symmetric / invertible matrices must be square")
    if "positive_definite" in props:
        props |= {"symmetric", "invertible"}
    return Expr("sym", (), (), shape, name=name, props=props)


def symbols(names, shapes=None, properties=None, **flags):
    """Several symbols: ``symbols("X W Y", shapes={"X": ("n", "d"), ...})``.

    ``properties`` maps names to property lists; keyword flags give a property to some
    names (``symmetric=["A"]``). A single name returns one symbol, several a tuple.
    """
    if isinstance(names, str):
        names = names.replace(",", " ").split()
    shapes = dict(shapes or {})
    props = {
        n: list(v) if isinstance(v, list | tuple) else [v] for n, v in (properties or {}).items()
    }
    for flag, which in flags.items():
        for n in [which] if isinstance(which, str) else which:
            props.setdefault(n, []).append(flag)
    for n in list(shapes) + list(props):
        if n not in names:
            raise ValueError(f"matcalc: {n!r} has a shape or property but is not among {names}")
    made = tuple(symbol(n, shapes.get(n, ()), *props.get(n, ())) for n in names)
    return made[0] if len(made) == 1 else made


# ---------------------------------------------------------------------------- evaluate


def bind_dims(expr, values: dict) -> dict:
    """The concrete size of each symbolic dim, read from the arrays given for symbols."""
    dims = {}
    for name, sym in expr.symbols().items():
        if name not in values:
            raise KeyError(f"matcalc: no value given for the symbol {name!r}")
        arr = np.asarray(values[name], dtype=np.float64)
        if arr.ndim != len(sym.shape):
            raise ShapeError(
                f"{name}: expected {len(sym.shape)} dims ({shape_text(sym.shape)}), got "
                f"an array of shape {arr.shape}"
            )
        for d, n in zip(sym.shape, arr.shape, strict=True):
            if isinstance(d, Dim):
                (key,) = d.factors if len(d.factors) == 1 else (str(d),)
                if dims.setdefault(key, n) != n:
                    raise ShapeError(
                        f"{name}: dimension {key} is {dims[key]} elsewhere but {n} here"
                    )
            elif d != n:
                raise ShapeError(
                    f"{name}: expected shape ({shape_text(sym.shape)}), got {arr.shape}"
                )
    return dims


def evaluate(expr, values: dict, dims: dict | None = None):
    """NumPy value of ``expr``: ``values`` maps symbol names to arrays."""
    if dims is None:
        dims = bind_dims(expr, values)
    memo = {}
    for node in walk(expr):
        memo[id(node)] = _eval_node(node, [memo[id(a)] for a in node.args], values, dims)
    return memo[id(expr)]


def _softmax(x, dim):
    e = np.exp(x - np.max(x, axis=dim, keepdims=True))
    return e / np.sum(e, axis=dim, keepdims=True)


def _eval_node(node, args, values, dims):
    kind = node.kind
    shape = concrete_shape(node.shape, dims)
    if kind == "sym":
        return np.asarray(values[node.name], dtype=np.float64)
    if kind == "const":
        v = node.value
        return float(v.value(dims)) if isinstance(v, Dim) else float(v)
    if kind == "zeros":
        return np.zeros(shape)
    if kind == "ones":
        return np.ones(shape)
    if kind == "eye":
        return np.eye(shape[0])
    if kind == "add":
        return _sum_all(args)
    if kind == "sub":
        return args[0] - args[1]
    if kind == "mul":
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if kind == "div":
        return args[0] / args[1]
    if kind == "neg":
        return -args[0]
    if kind == "pow":
        return np.power(args[0], node.params[0])
    if kind == "matmul":
        out = args[0]
        for a in args[1:]:
            out = np.matmul(out, a)
        return out
    if kind == "t":
        return np.swapaxes(args[0], -1, -2)
    if kind == "sigmoid":
        return 1 / (1 + np.exp(-args[0]))
    if kind == "relu":
        return np.maximum(args[0], 0)
    if kind in ELEMENTWISE:
        return getattr(np, kind)(args[0])
    if kind == "clamp":
        low, high = node.params
        return np.clip(args[0], low, high)
    if kind in COMPARISONS:
        return getattr(
            np,
            {
                "gt": "greater",
                "ge": "greater_equal",
                "lt": "less",
                "le": "less_equal",
                "eq": "equal",
                "ne": "not_equal",
            }[kind],
        )(*args)
    if kind == "and":
        return np.logical_and(*args)
    if kind == "or":
        return np.logical_or(*args)
    if kind == "not":
        return np.logical_not(args[0])
    if kind == "ind":
        return np.asarray(args[0], dtype=np.float64)
    if kind == "where":
        return np.where(*args)
    if kind in ("sum", "mean"):
        dims_, keepdim = node.params
        fn = np.sum if kind == "sum" else np.mean
        return fn(args[0], axis=dims_, keepdims=keepdim)
    if kind == "expand":
        return np.broadcast_to(args[0], shape)
    if kind == "view":
        return np.reshape(args[0], shape)
    if kind == "softmax":
        return _softmax(args[0], node.params[0])
    if kind == "log_softmax":
        return np.log(_softmax(args[0], node.params[0]))
    if kind == "trace":
        return np.trace(args[0])
    if kind == "diag":
        return np.diag(args[0])
    if kind == "diagonal":
        return np.diagonal(args[0]).copy()
    if kind == "norm":
        return np.sqrt(np.sum(args[0] * args[0]))
    if kind == "det":
        return np.linalg.det(args[0])
    if kind == "logdet":
        return np.log(np.linalg.det(args[0]))
    if kind == "inv":
        return np.linalg.inv(args[0])
    if kind == "mse_loss":
        sq = (args[0] - args[1]) ** 2
        return np.mean(sq) if node.params[0] == "mean" else np.sum(sq)
    if kind == "named":
        return args[0]
    raise NotImplementedError(f"matcalc: cannot evaluate {kind!r}")


def _sum_all(args):
    out = args[0]
    for a in args[1:]:
        out = out + a
    return out
