"""``SymbolicMath``: the registry rules' vocabulary (``m.sum_to``, ``m.where``, ``m.exp`` ...)
over symbolic expressions.

The engine runs each VJP rule with ``ArrayMath`` on arrays; ``grad`` runs the same rule
with this object on Exprs, so the rule's formula becomes an expression. A rule that
calls something without a symbolic meaning gets ``UnsupportedSymbolError``, which ``grad``
turns into a NotImplementedError naming the op: never a guess.
"""

from __future__ import annotations

from . import expr as ex


class UnsupportedSymbolError(Exception):
    """A rule used a vocabulary function that has no symbolic form."""


class DiagKey:
    """The index of a square matrix's main diagonal, standing for the concrete index
    arrays the registry computes from concrete sizes (``trace``, ``diag``)."""

    def __init__(self, n):
        self.n = n

    @property
    def shape(self):
        return (self.n,)

    def __getitem__(self, i):
        return self

    def __iter__(self):
        return iter((self, self))

    def __len__(self):
        return 2

    def __repr__(self):
        return f"DiagKey({self.n})"


class _SymbolicMath:
    """The rule vocabulary on symbolic expressions (an instance: see ``__getattr__``)."""

    @staticmethod
    def sum_to(x, shape):
        shape = tuple(shape)
        if tuple(x.shape) == shape:
            return x
        lead = x.ndim - len(shape)
        dims = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape) if n == 1 and x.shape[lead + i] != 1
        )
        if not dims:
            return x
        return ex.view(ex.reduce("sum", x, dims, True), shape)

    @staticmethod
    def where(cond, a, b):
        return ex.where(cond, a, b)

    @staticmethod
    def matmul(a, b):
        return ex.matmul(a, b)

    @staticmethod
    def swapaxes(x, d0, d1):
        if x.ndim == 2 and {d0 % 2, d1 % 2} == {0, 1}:
            return ex.transpose(x)
        if x.ndim < 2 or d0 % x.ndim == d1 % x.ndim:
            return x
        raise UnsupportedSymbolError("swapaxes of more than 2 dims")

    @staticmethod
    def permute(x, dims):
        dims = tuple(d % max(x.ndim, 1) for d in dims)
        if dims == tuple(range(x.ndim)):
            return x
        if dims == (1, 0):
            return ex.transpose(x)
        raise UnsupportedSymbolError(f"permute{dims}")

    @staticmethod
    def zeros_like(x):
        return ex.zeros(x.shape)

    @staticmethod
    def ones_like(x):
        return ex.ones(x.shape)

    @staticmethod
    def zeros(shape, like=None):
        return ex.zeros(tuple(shape))

    @staticmethod
    def expand(x, shape):
        return ex.expand(ex.as_expr(x), tuple(shape))

    broadcast_to = expand

    @staticmethod
    def reshape(x, shape):
        return ex.view(x, tuple(shape))

    @staticmethod
    def sum(x, dim, keepdim=False):
        return ex.reduce("sum", x, dim, keepdim)

    @staticmethod
    def cast(x, like):
        if x.kind in ex.COMPARISONS or x.kind in ("and", "or", "not"):
            return ex.indicator(x)
        return x

    @staticmethod
    def constant(value, like=None):
        return ex.const(value)

    @staticmethod
    def unsqueeze_dims(x, dims):
        shape = list(x.shape)
        for d in sorted(dims):
            shape.insert(d, 1)
        return ex.view(x, tuple(shape))

    @staticmethod
    def index_accumulate(g, shape, key):
        if isinstance(key, DiagKey) or (
            isinstance(key, tuple) and any(isinstance(k, DiagKey) for k in key)
        ):
            shape = tuple(shape)
            if len(shape) != 2 or shape[0] != shape[1]:
                raise UnsupportedSymbolError("a diagonal of a non-square matrix")
            return ex.Expr("diag", (ex.as_expr(g),), (), shape)
        raise UnsupportedSymbolError("index_accumulate with a general index")

    @staticmethod
    def records_graph():
        """True: the symbolic result is itself differentiated (Hessians)."""
        return True

    def __getattr__(self, name):
        if name.startswith("__"):  # Python's own probes (inspect, copy, pickle)
            raise AttributeError(name)
        if name in ex.ELEMENTWISE:
            return lambda x: ex.unary(name, x)
        if name in ("det", "logdet"):
            return lambda x: ex.square_fn(name, x)
        if name in ("inverse", "inv"):
            return lambda x: ex.square_fn("inv", x)
        if name == "solve":
            return lambda a, b: ex.matmul(ex.square_fn("inv", a), b)
        raise UnsupportedSymbolError(f"m.{name}")


SymbolicMath = _SymbolicMath()
