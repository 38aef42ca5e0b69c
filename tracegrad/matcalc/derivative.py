"""``grad``, ``hessian``, ``hvp`` and ``derive``: the user-facing entry points, and the
``Derivative`` they return (prints, evaluates, checks itself, explains itself)."""

from __future__ import annotations

import numbers

from . import expr as ex
from . import printing
from .grad import backward, check_scalar, check_var, lower
from .simplify import name_repeated, simplify


class Derivative:
    """A derived expression (gradient, Hessian or Hessian-vector product) of ``f``.

    ``str(d)`` is the simplified closed form (Unicode), ``d.expr`` the expression,
    ``d.where`` the named repeated subexpressions. ``d.evaluate(values)`` computes it
    with NumPy, ``d.check()`` compares it with autograd on random inputs,
    ``d.steps()`` shows the differential derivation.
    """

    def __init__(self, f, wrt, raw, trace, order="gradient", direction=None):
        self.f = f
        self.wrt = wrt
        self.raw = raw
        self.trace = trace
        self.order = order
        self.direction = direction
        full = simplify(raw)
        self.full = full
        self.expr, self.where = name_repeated(full, lambda e, defs: printing.to_text(e, defs=defs))

    @property
    def shape(self):
        return self.full.shape

    def __str__(self):
        return printing.to_text(self.expr, defs=self.where)

    __repr__ = __str__

    def ascii(self) -> str:
        return printing.to_ascii(self.expr, defs=self.where)

    def latex(self) -> str:
        return printing.to_latex(self.expr, defs=self.where)

    def _repr_latex_(self):
        return "$" + self.latex() + "$"

    def numpy_code(self, name=None) -> str:
        """Python source of a NumPy function computing this derivative."""
        label = {"gradient": "grad", "hessian": "hessian", "hvp": "hvp"}[self.order]
        context = {**self.f.symbols(), self.wrt.name: self.wrt}
        return printing.numpy_code(
            self.expr, name or f"{label}_{self.wrt.name}", self.where, context
        )

    def _symbols_node(self):
        parts = (self.f, self.full) + ((self.direction,) if self.direction is not None else ())
        return ex.Expr("tuple", parts, (), ())

    def evaluate(self, values=None, **kwargs):
        """The NumPy value for ``values`` (symbol name -> array)."""
        values = {**(values or {}), **kwargs}
        dims = ex.bind_dims(self._symbols_node(), values)
        return ex.evaluate(self.expr, values, dims)

    def check(self, sizes=None, seed=0, tol=1e-8, torch_too=True):
        """Compare with autograd on random float64 inputs at several sizes (see check.py)."""
        from .check import check

        return check(self, sizes=sizes, seed=seed, tol=tol, torch_too=torch_too)

    def steps(self):
        """The differential derivation, line by line (``print`` it; ``.latex()``)."""
        from .steps import derivation

        return derivation(self)


def grad(f, wrt) -> Derivative:
    """∂f/∂X for a scalar ``f``, in PyTorch's layout (the shape of X): df = tr((∂f/∂X)ᵀ dX)."""
    check_scalar(f, "grad")
    check_var(wrt, "grad")
    if wrt.name not in f.symbols():
        raise ValueError(f"matcalc.grad: f does not contain {wrt.name}")
    raw, trace = backward(f, wrt)
    return Derivative(f, wrt, raw, trace)


def hvp(f, wrt, direction) -> Derivative:
    """The directional second derivative ∂/∂X ⟨∂f/∂X, V⟩ = H[V] (V a symbol shaped like X)."""
    check_scalar(f, "hvp")
    check_var(wrt, "hvp")
    if not isinstance(direction, ex.Expr) or direction.kind != "sym":
        raise TypeError("matcalc.hvp: the direction must be a symbol shaped like the variable")
    if tuple(direction.shape) != tuple(wrt.shape):
        raise ex.ShapeError(
            f"matcalc.hvp: direction {direction.name} has shape ({ex.shape_text(direction.shape)}) "
            f"but {wrt.name} has ({ex.shape_text(wrt.shape)})"
        )
    g = grad(f, wrt)
    # the raw gradient, not the simplified one: a rewrite that uses a property (Aᵀ = A
    # for a symmetric A) keeps the value but not the derivative in other directions
    inner = (lower(g.raw) * direction).sum()
    raw, trace = backward(inner, wrt)
    if raw is None:
        raw = ex.zeros(wrt.shape)
    return Derivative(f, wrt, raw, trace, order="hvp", direction=direction)


def hessian(f, wrt) -> Derivative:
    """The n×n Hessian of a scalar ``f`` in a vector variable x ((n, 1) or (n,)).

    Computed as the Hessian-vector product H v (the registry rules, run twice) from
    which the matrix multiplying v is read off.
    """
    check_scalar(f, "hessian")
    check_var(wrt, "hessian")
    if wrt.ndim == 2 and wrt.shape[1] != 1 or wrt.ndim > 2 or wrt.ndim == 0:
        raise ex.ShapeError(
            f"matcalc.hessian: {wrt.name} must be a vector, (n, 1) or (n,), got "
            f"({ex.shape_text(wrt.shape)}); use hvp for matrices"
        )
    v = ex.symbol("v_", wrt.shape, "constant")
    h = hvp(f, wrt, v)
    matrix = linear_coefficient(h.full, v)
    n = wrt.shape[0]
    matrix = simplify(_square(matrix, n))
    d = Derivative.__new__(Derivative)
    d.f, d.wrt, d.raw, d.trace, d.order, d.direction = f, wrt, matrix, h.trace, "hessian", None
    d.full = matrix
    d.expr, d.where = name_repeated(matrix, lambda e, defs: printing.to_text(e, defs=defs))
    return d


def _square(m, n):
    if tuple(m.shape) == (n, n):
        return m
    raise NotImplementedError(f"matcalc.hessian: read off a matrix of shape {m.shape}")


def linear_coefficient(e, v):
    """M with e = M v, for an expression e linear in the column vector v."""
    n = v.shape[0]
    if e.key == v.key or (e.kind == "view" and e.args[0].key == v.key):
        return ex.eye(n)
    if not e.depends_on(v):
        return ex.zeros((e.shape[0], n))
    k = e.kind
    if k == "add":
        parts = [linear_coefficient(t, v) for t in e.args]
        out = parts[0]
        for p in parts[1:]:
            out = out + p
        return out
    if k == "matmul":
        chain = list(e.args)
        if not chain[-1].depends_on(v) or any(a.depends_on(v) for a in chain[:-1]):
            if chain[0].depends_on(v) and chain[0].shape[0] == 1 and len(chain) >= 1:
                return _scalar_times(e, v)
            raise NotImplementedError("matcalc.hessian: H v is not of the form M v")
        left = (
            chain[0]
            if len(chain) == 2
            else ex.Expr("matmul", tuple(chain[:-1]), (), _cs(chain[:-1]))
        )
        return left @ linear_coefficient(chain[-1], v)
    if k == "mul":
        dependent = [f for f in e.args if f.depends_on(v)]
        others = [f for f in e.args if not f.depends_on(v)]
        if len(dependent) != 1:
            raise NotImplementedError("matcalc.hessian: H v is not linear in v")
        inner = linear_coefficient(dependent[0], v)
        scalar = [f for f in others if f.shape == () or ex.numel_is_one(f.shape)]
        vectors = [f for f in others if all(f is not c for c in scalar)]
        out = inner
        for f in vectors:  # s ⊙ (M v) = diag(s) M v
            col = f if f.ndim == 1 else ex.view(f, (f.shape[0],))
            out = ex.diag(col) @ out
        for f in scalar:
            out = f * out
        return out
    if k == "view":
        return linear_coefficient(e.args[0], v)
    if k == "t" and e.args[0].ndim == 2 and e.args[0].shape[0] == 1:
        return linear_coefficient(_tr(e.args[0]), v)
    raise NotImplementedError(f"matcalc.hessian: cannot read the matrix off a {k!r} node")


def _tr(e):
    from .simplify import _transpose

    return _transpose(e)


def _cs(chain):
    shape = chain[0].shape
    for a in chain[1:]:
        shape = shape[:-1] + a.shape[1:]
    return shape


def _scalar_times(e, v):
    raise NotImplementedError("matcalc.hessian: (vᵀ a) b terms are not read off yet")


# ---------------------------------------------------------------------------- derive


def parse_shape(text):
    """``"n,d"`` -> ("n", "d"); ``"n"`` -> ("n",); ``""`` or ``"()"`` -> ()."""
    if isinstance(text, tuple | list):
        return tuple(text)
    text = str(text).strip().strip("()")
    if not text:
        return ()
    return tuple(int(p) if p.strip().isdigit() else p.strip() for p in text.split(",") if p.strip())


def build(source, shapes, properties=None):
    """Evaluate ``source`` over symbols (``torch`` stands for the symbolic namespace)."""
    from .namespace import functional, torch

    if not isinstance(source, str):
        raise TypeError("matcalc.derive: source must be a string")
    props = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in (properties or {}).items()}
    syms = {}
    for name, shape in shapes.items():
        if not name.isidentifier():
            raise ValueError(f"matcalc.derive: {name!r} is not a valid symbol name")
        syms[name] = ex.symbol(name, parse_shape(shape), *props.get(name, ()))
    namespace = {"torch": torch, "F": functional, "__builtins__": {}}
    namespace.update(syms)
    try:
        f = eval(compile(source, "<derive>", "eval"), namespace)  # noqa: S307 - no builtins
    except NameError as exc:
        raise NameError(
            f"matcalc.derive: {exc} in {source!r}; the symbols are {sorted(syms)} "
            "(give each one a shape with --shapes NAME=dims)"
        ) from None
    except SyntaxError as exc:
        raise SyntaxError(f"matcalc.derive: {source!r} is not an expression ({exc.msg})") from None
    except ex.ShapeError as exc:
        raise ex.ShapeError(f"matcalc.derive: in {source!r}: {exc}") from None
    if isinstance(f, numbers.Number) or not isinstance(f, ex.Expr):
        raise TypeError(f"matcalc.derive: {source!r} is not a matrix expression")
    return f, syms


def derive(source, wrt, shapes, order="gradient", direction=None, properties=None):
    """Derive the expression ``source`` (a string of tensor code) symbolically.

    ``shapes``: name -> shape ("n,d" or a tuple); ``order``: "gradient", "hessian" or
    "hvp" (then ``direction`` names a symbol shaped like ``wrt``, made if absent).
    """
    shapes = dict(shapes)
    if order == "hvp":
        direction = direction or "V"
        if direction not in shapes:
            if wrt not in shapes:
                raise ValueError(f"matcalc.derive: no shape given for {wrt!r}")
            shapes[direction] = shapes[wrt]
    f, syms = build(source, shapes, properties)
    if wrt not in syms:
        raise ValueError(f"matcalc.derive: {wrt!r} is not one of the symbols {sorted(syms)}")
    if order == "gradient":
        return grad(f, syms[wrt])
    if order == "hessian":
        return hessian(f, syms[wrt])
    if order == "hvp":
        return hvp(f, syms[wrt], syms[direction])
    raise ValueError(f"matcalc.derive: order must be gradient, hessian or hvp, not {order!r}")
