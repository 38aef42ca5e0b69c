"""Printers: Unicode text (Xᵀ, ⊙, σ, 1[·]), ASCII, LaTeX and NumPy code.

One precedence printer serves the three notations (a ``Style`` says how each piece is
written); ``numpy_code`` writes Python that a student can paste and run.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import expr as ex
from .expr import Dim

# precedence: sum < Hadamard/scalar product < matrix product < function/atom
ADD, MUL, MATMUL, ATOM = 1, 2, 3, 4

_SUPERSCRIPT = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")


@dataclass(frozen=True)
class Style:
    name: str
    T: str
    inv: str
    inv_t: str
    hadamard: str
    minus: str
    ones: str
    matsep: str
    cmp: dict
    funcs: dict
    sigma: str

    def power(self, base, p):
        if self.name == "latex":
            return f"{base}^{{{_num(p)}}}"
        if self.name == "unicode" and isinstance(p, int):
            return base + str(p).translate(_SUPERSCRIPT)
        return f"{base}^{_num(p)}" if isinstance(p, int) and p >= 0 else f"{base}^({_num(p)})"


UNICODE = Style(
    "unicode",
    "ᵀ",
    "⁻¹",
    "⁻ᵀ",
    " ⊙ ",
    " − ",
    "𝟏",
    "",
    {"gt": ">", "ge": "≥", "lt": "<", "le": "≤", "eq": "=", "ne": "≠"},
    {},
    "σ",
)
ASCII = Style(
    "ascii",
    "^T",
    "^-1",
    "^-T",
    " * ",
    " - ",
    "ones",
    " ",
    {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "==", "ne": "!="},
    {},
    "sigmoid",
)
LATEX = Style(
    "latex",
    "^\\top",
    "^{-1}",
    "^{-\\top}",
    " \\odot ",
    " - ",
    "\\mathbf{1}",
    " ",
    {"gt": ">", "ge": "\\geq", "lt": "<", "le": "\\leq", "eq": "=", "ne": "\\neq"},
    {},
    "\\sigma",
)


def _num(v):
    if isinstance(v, Dim):
        return str(v)
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.6g}"
    return str(v)


def _paren(style, text):
    if style.name == "latex":
        return f"\\left({text}\\right)"
    return f"({text})"


def _fn(style, name, inner):
    if style.name == "latex":
        words = {
            "exp": "\\exp",
            "log": "\\log",
            "sin": "\\sin",
            "cos": "\\cos",
            "tanh": "\\tanh",
            "sigmoid": "\\sigma",
            "sign": "\\operatorname{sign}",
            "softmax": "\\operatorname{softmax}",
            "log_softmax": "\\log\\operatorname{softmax}",
            "trace": "\\operatorname{tr}",
            "diag": "\\operatorname{diag}",
            "det": "\\det",
            "logdet": "\\log\\det",
            "mean": "\\operatorname{mean}",
            "sum": "\\operatorname{sum}",
            "sinh": "\\sinh",
            "cosh": "\\cosh",
            "mse": "\\operatorname{mse}",
        }
        return f"{words.get(name, name)}\\left({inner}\\right)"
    words = {
        "sigmoid": style.sigma,
        "trace": "tr",
        "log_softmax": "log softmax",
        "logdet": "log det",
        "diagonal": "diag",
    }
    return f"{words.get(name, name)}({inner})"


def to_text(expr, simplify_first=False, style=UNICODE, defs=None) -> str:
    """``expr`` in ``style``; ``defs`` (name, definition) pairs are printed as a where clause."""
    if simplify_first:
        from .simplify import simplify

        expr = simplify(expr)
    text = _fmt(expr, style)[0]
    if style.name != "unicode":
        text = _latex_superscripts(text, style.name == "latex")
    if defs:
        sep = "\\quad\\text{where } " if style.name == "latex" else ", where "
        text += sep + ", ".join(f"{n} = {_fmt(d, style)[0]}" for n, d in defs)
    return text


def _latex_superscripts(text, latex=True):
    """Superscript digits (from symbolic sizes such as n²) as exponents: n^{2} / n^2."""
    digits = {c: str(i) for i, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}
    out = []
    for ch in text:
        if ch in digits:
            out.append("^{" + digits[ch] + "}" if latex else "^" + digits[ch])
        else:
            out.append(ch)
    return "".join(out)


def to_ascii(expr, defs=None) -> str:
    return to_text(expr, style=ASCII, defs=defs)


def to_latex(expr, defs=None) -> str:
    return to_text(expr, style=LATEX, defs=defs)


def _at(e, style, prec):
    text, p = _fmt(e, style)
    return _paren(style, text) if p < prec else text


def _fmt(e, style):  # noqa: C901 - one case per kind
    k = e.kind
    if k in ("sym", "named"):
        return e.name, ATOM
    if k == "const":
        v = e.value
        if not isinstance(v, Dim) and v < 0:
            return "-" + _num(-v) if style.name != "unicode" else "−" + _num(-v), MUL
        return _num(v), ATOM
    if k == "zeros":
        return "0", ATOM
    if k == "ones":
        return style.ones, ATOM
    if k == "eye":
        return "I", ATOM
    if k == "add":
        parts = []
        for i, t in enumerate(e.args):
            neg, body = _negated(t)
            text = _at(body, style, ADD + 1) if neg else _fmt(t, style)[0]
            if i == 0:
                parts.append(("-" if style.name != "unicode" else "−") + text if neg else text)
            else:
                parts.append((style.minus if neg else " + ") + text)
        return "".join(parts), ADD
    if k == "sub":
        return _at(e.args[0], style, ADD) + style.minus + _at(e.args[1], style, ADD + 1), ADD
    if k == "neg":
        return ("−" if style.name == "unicode" else "-") + _at(e.args[0], style, MUL + 1), MUL
    if k in ("mul", "div"):
        return _fmt_mul(e, style)
    if k == "pow":
        base, p = e.args[0], e.params[0]
        if p < 0:
            return "1/" + _at(_pow_of(base, -p), style, ATOM), MUL
        if p == 0.5:
            return _sqrt(style, _fmt(base, style)[0]), ATOM
        return style.power(_postfix(base, style), p), ATOM
    if k == "matmul":
        chain, scalars = _display_chain(e)
        parts = [_at(a, style, MATMUL + 1) for a in chain]
        text = style.matsep.join(parts)
        if scalars:
            coef = ex.Expr(
                "mul", tuple(scalars) + (ex.Expr("named", (), (), (2, 2), name=text),), (), (2, 2)
            )
            return _fmt_mul(coef, style)[0], MUL
        return text, MATMUL
    if k == "t":
        x = e.args[0]
        if x.kind == "inv":
            return _postfix(x.args[0], style) + style.inv_t, ATOM
        if x.kind == "view" and x.args[0].ndim == 1:
            x = x.args[0]
        return _postfix(x, style) + style.T, ATOM
    if k == "inv":
        return _postfix(e.args[0], style) + style.inv, ATOM
    if k in ("relu",) or (k == "clamp" and e.params == (0, None)):
        inner = _fmt(e.args[0], style)[0]
        return (
            f"\\max\\left({inner}, 0\\right)" if style.name == "latex" else f"max({inner}, 0)"
        ), ATOM
    if k == "clamp":
        low, high = e.params
        return _fn(style, "clamp", f"{_fmt(e.args[0], style)[0]}, {low}, {high}"), ATOM
    if k == "sqrt":
        return _sqrt(style, _fmt(e.args[0], style)[0]), ATOM
    if k == "abs":
        inner = _fmt(e.args[0], style)[0]
        return (f"\\left|{inner}\\right|" if style.name == "latex" else f"|{inner}|"), ATOM
    if k in ex.ELEMENTWISE or k in (
        "softmax",
        "log_softmax",
        "trace",
        "det",
        "logdet",
        "diag",
        "diagonal",
    ):
        return _fn(style, k, _fmt(e.args[0], style)[0]), ATOM
    if k == "norm":
        inner = _fmt(e.args[0], style)[0]
        x = e.args[0]
        sub = "_F" if x.ndim == 2 and x.shape[0] != 1 and x.shape[1] != 1 else ""
        if style.name == "latex":
            return f"\\left\\|{inner}\\right\\|{'_F' if sub else ''}", ATOM
        return (
            f"‖{inner}‖{'_F' if sub else ''}" if style.name == "unicode" else f"||{inner}||",
            ATOM,
        )
    if k == "ind":
        inner = _fmt(e.args[0], style)[0]
        if style.name == "latex":
            return f"\\mathbb{{1}}\\left[{inner}\\right]", ATOM
        return f"1[{inner}]", ATOM
    if k in ex.COMPARISONS:
        return f"{_fmt(e.args[0], style)[0]} {style.cmp[k]} {_fmt(e.args[1], style)[0]}", 0
    if k in ("and", "or"):
        word = " ∧ " if k == "and" else " ∨ "
        return word.join(_at(a, style, ATOM) for a in e.args), 0
    if k == "not":
        return "¬" + _at(e.args[0], style, ATOM), ATOM
    if k == "where":
        inner = ", ".join(_fmt(a, style)[0] for a in e.args)
        return _fn(style, "where", inner), ATOM
    if k in ("sum", "mean"):
        return _fmt_sum(e, style)
    if k == "expand":
        x = e.args[0]
        if x.shape == ():
            return _at(x, style, MUL) + " " + style.ones, MUL
        return _fmt_broadcast(x, e.shape, style)
    if k == "view":
        x = e.args[0]
        if [d for d in x.shape if d != 1] == [d for d in e.shape if d != 1]:
            return _fmt(x, style)
        return _fn(style, "vec", _fmt(x, style)[0]), ATOM
    if k == "mse_loss":
        return _fn(style, "mse", ", ".join(_fmt(a, style)[0] for a in e.args)), ATOM
    return _fn(style, k, ", ".join(_fmt(a, style)[0] for a in e.args)), ATOM


def _postfix(x, style):
    """``x`` ready for a postfix (ᵀ, ⁻¹): bracketed unless it is one symbol or call."""
    text, p = _fmt(x, style)
    if p < ATOM or x.kind in ("pow", "t", "inv") or (x.kind == "const" and len(text) > 1):
        return _paren(style, text)
    return text


def _fmt_broadcast(x, shape, style):
    """A vector repeated along the other dim: 𝟏vᵀ (rows) or v𝟏ᵀ (columns)."""
    if len(shape) == 2 and (x.ndim == 1 or (x.ndim == 2 and x.shape[0] == 1)):
        if x.kind == "view" and x.args[0].ndim == 1:
            x = x.args[0]
        row = _postfix(x, style) + style.T if x.ndim == 1 else _at(x, style, MATMUL + 1)
        return style.ones + style.matsep + row, MATMUL
    if len(shape) == 2 and x.ndim == 2 and x.shape[1] == 1:
        return _at(x, style, MATMUL + 1) + style.matsep + style.ones + style.T, MATMUL
    return _fn(style, "broadcast", _fmt(x, style)[0]), ATOM


def _display_chain(e):
    """A product chain as one writes it: nested chains flattened (associativity) and the
    scalar factors of its members written in front ((2Xᵀ)(Xw − y) = 2 Xᵀ(Xw − y))."""
    chain, scalars = [], []
    for a in e.args:
        if a.kind == "mul":
            mats = [f for f in a.args if f.shape != ()]
            if len(mats) == 1:
                scalars.extend(f for f in a.args if f.shape == ())
                a = mats[0]
        if a.kind == "matmul":
            inner, more = _display_chain(a)
            chain.extend(inner)
            scalars.extend(more)
        else:
            chain.append(a)
    return chain, scalars


def _flat_factors(e):
    out = []
    for f in e.args:
        out.extend(_flat_factors(f) if f.kind == "mul" else [f])
    return out


def _pow_of(base, p):
    return base if p == 1 else ex.Expr("pow", (base,), (p,), base.shape)


def _sqrt(style, inner):
    return (
        f"\\sqrt{{{inner}}}"
        if style.name == "latex"
        else f"√({inner})"
        if style.name == "unicode"
        else f"sqrt({inner})"
    )


def _negated(t):
    """(True, -t) when the term prints with a leading minus."""
    if t.kind == "mul" and t.args[0].kind == "const" and not isinstance(t.args[0].value, Dim):
        c = t.args[0].value
        if c < 0:
            rest = t.args[1:]
            if c == -1:
                body = rest[0] if len(rest) == 1 else ex.Expr("mul", rest, (), t.shape)
            else:
                body = ex.Expr("mul", (ex.const(-c),) + rest, (), t.shape)
            return True, body
    if t.kind == "const" and not isinstance(t.value, Dim) and t.value < 0:
        return True, ex.const(-t.value)
    return False, t


def _fmt_mul(e, style):
    if e.kind == "div":
        return _at(e.args[0], style, MUL) + "/" + _at(e.args[1], style, ATOM), MUL
    coef = None
    scalars, mats, denom = [], [], []
    factors = _flat_factors(e)
    consts = [f for f in factors if f.kind == "const" and not isinstance(f.value, Dim)]
    if len(consts) > 1:
        value = 1
        for c in consts:
            value *= c.value
        factors = [ex.const(value)] + [f for f in factors if all(f is not c for c in consts)]
    elif consts:
        factors = consts + [f for f in factors if f is not consts[0]]
    for f in factors:
        if f.kind == "const" and coef is None and not isinstance(f.value, Dim):
            coef = f.value
        elif f.kind == "pow" and f.params[0] < 0:
            denom.append(_pow_of(f.args[0], -f.params[0]))
        elif f.shape == ():
            scalars.append(f)
        else:
            mats.append(f)
    pieces = []
    sign = ""

    def is_size(d):
        return d.kind == "const" or (d.kind == "pow" and d.args[0].kind == "const")

    const_den = [d for d in denom if is_size(d)]
    denom = [d for d in denom if not is_size(d)]
    if const_den:
        den_text = "".join(_fmt(d, style)[0] for d in const_den)
        only = const_den[0]
        multi = len(const_den) > 1 or (
            only.kind == "const"
            and isinstance(only.value, Dim)
            and (len(set(only.value.factors)) > 1 or only.value.coef != 1)
        )
        if multi and style.name != "latex":
            den_text = _paren(style, den_text)
        c = 1 if coef is None else coef
        if c < 0:
            sign = "−" if style.name == "unicode" else "-"
        top = _num(abs(c))
        if style.name == "latex":
            pieces.append(f"\\frac{{{top}}}{{{den_text}}}")
        else:
            pieces.append(f"{top}/{den_text}")
        coef = None
    if coef is not None:
        if coef == -1:
            sign = "−" if style.name == "unicode" else "-"
        elif coef < 0:
            sign = "−" if style.name == "unicode" else "-"
            pieces.append(_num(-coef))
        else:
            pieces.append(_num(coef))
    pieces += [_at(s, style, MATMUL + 1) for s in scalars]
    if mats:
        if len(mats) == 1:
            pieces.append(_at(mats[0], style, MATMUL if pieces else MUL))
        else:
            pieces.append(style.hadamard.join(_at(m, style, MATMUL) for m in mats))
    if not pieces:
        pieces = ["1"]
    text = sign + pieces[0] if pieces else sign
    for piece in pieces[1:]:
        text += ("·" if style.name == "unicode" and piece[:1].isdigit() else " ") + piece
    if denom:
        den = " ".join(_at(d, style, ATOM) for d in denom)
        if style.name == "latex":
            return f"\\frac{{{text}}}{{{den}}}", ATOM
        num_text = text if len(pieces) == 1 else _paren(style, text)
        if len(mats) == 1 and not scalars and coef is None:
            num_text = _at(mats[0], style, ATOM)
        den = den if len(denom) == 1 and denom[0].kind != "mul" else _paren(style, den)
        return f"{num_text}/{den}", MUL
    return text, MUL


def _fmt_sum(e, style):
    x = e.args[0]
    dims, keepdim = e.params
    inner = _fmt(x, style)[0]
    word = e.kind
    if dims is None:
        if word == "sum" and style.name == "latex":
            return f"\\textstyle\\sum {_at(x, style, ATOM)}", ATOM
        return _fn(style, word, inner), ATOM
    if word == "sum" and x.ndim == 2:
        one = "\\mathbf{1}" if style.name == "latex" else "1"
        if dims == (0,) and keepdim:
            return one + style.T + style.matsep + _at(x, style, MATMUL + 1), MATMUL
        if dims == (1,):
            return _at(x, style, MATMUL + 1) + style.matsep + one, MATMUL
        if dims == (0,):
            return _postfix(x, style) + style.T + style.matsep + one, MATMUL
    return _fn(style, word, f"{inner}, {dims[0] if len(dims) == 1 else dims}"), ATOM


# ---------------------------------------------------------------------------- NumPy code


def numpy_code(expr, name="grad", defs=(), context=None) -> str:
    """A Python function computing ``expr`` with NumPy (arguments: its symbols).

    ``context``: more symbols (name -> Expr, e.g. those of f and the variable); they are
    arguments too where they give a size the expression needs (np.ones((n, d)) needs n).
    """
    symbols = dict(expr.symbols())
    for _, d in defs:
        symbols.update(d.symbols())
    context = dict(context or {})
    dims = {}

    def bind(sym_name, sym):
        for i, d in enumerate(sym.shape):
            if isinstance(d, Dim) and len(d.factors) == 1:
                dims.setdefault(d.factors[0], f"{sym_name}.shape[{i}]")

    for n_ in sorted(symbols):
        bind(n_, symbols[n_])
    needed = set()
    for node in ex.walk(expr):
        for d in node.shape:
            if isinstance(d, Dim):
                needed.update(d.factors)
        if node.kind == "const" and isinstance(node.value, Dim):
            needed.update(node.value.factors)
    for n_ in sorted(context):
        if any(
            f in needed and f not in dims
            for d in context[n_].shape
            if isinstance(d, Dim)
            for f in d.factors
        ):
            symbols[n_] = context[n_]
            bind(n_, context[n_])
    args = sorted(symbols)
    lines = ["import numpy as np", "", "", f"def {name}({', '.join(args)}):"]
    for n, d in defs:
        lines.append(f"    {n} = {_py(d, dims)[0]}")
    lines.append(f"    return {_py(expr, dims)[0]}")
    return "\n".join(lines) + "\n"


def _negative(v):
    return not isinstance(v, Dim) and v < 0


def _negate_py(t):
    c = -t.args[0].value
    rest = t.args[1:]
    if c == 1:
        return rest[0] if len(rest) == 1 else ex.Expr("mul", rest, (), t.shape)
    return ex.Expr("mul", (ex.const(c),) + rest, (), t.shape)


def _pyat(e, dims, prec):
    text, p = _py(e, dims)
    return f"({text})" if p < prec else text


def _pydim(v, dims):
    if isinstance(v, Dim):
        parts = [dims.get(f, f) for f in v.factors]
        if v.coef != 1:
            parts.insert(0, str(v.coef))
        return " * ".join(parts) if len(parts) > 1 else parts[0]
    return repr(v)


def _py(e, dims):  # noqa: C901
    k = e.kind
    a = e.args

    def shape():
        return (
            "("
            + ", ".join(_pydim(d, dims) for d in e.shape)
            + ("," if len(e.shape) == 1 else "")
            + ")"
        )

    if k in ("sym", "named"):
        return e.name, 9
    if k == "const":
        v = e.value
        text = _pydim(v, dims)
        return (text, 9) if not isinstance(v, Dim) and v >= 0 else (f"({text})", 9)
    if k == "zeros":
        return f"np.zeros({shape()})", 9
    if k == "ones":
        return f"np.ones({shape()})", 9
    if k == "eye":
        return f"np.eye({_pydim(e.shape[0], dims)})", 9
    if k == "add":
        text = ""
        for i, t in enumerate(a):
            neg = t.kind == "mul" and t.args[0].kind == "const" and _negative(t.args[0].value)
            if neg:
                rest = _negate_py(t)
                body = _pyat(rest, dims, 2)
                text += ("-" if i == 0 else " - ") + body
            else:
                text += ("" if i == 0 else " + ") + _pyat(t, dims, 2)
        return text, 1
    if k == "sub":
        return f"{_pyat(a[0], dims, 1)} - {_pyat(a[1], dims, 2)}", 1
    if k == "neg":
        return f"-{_pyat(a[0], dims, 3)}", 3
    if k == "mul":
        if a[0].kind == "const" and _negative(a[0].value):
            return "-" + _pyat(_negate_py(e), dims, 3), 2
        return " * ".join(_pyat(t, dims, 3) for t in a), 2
    if k == "div":
        return f"{_pyat(a[0], dims, 2)} / {_pyat(a[1], dims, 3)}", 2
    if k == "matmul":
        return " @ ".join(_pyat(t, dims, 3) for t in a), 2
    if k == "pow":
        return f"{_pyat(a[0], dims, 4)} ** {e.params[0]!r}", 4
    if k == "t":
        return f"{_pyat(a[0], dims, 9)}.T", 9
    if k == "sigmoid":
        return f"1 / (1 + np.exp(-{_pyat(a[0], dims, 3)}))", 2
    if k == "relu" or (k == "clamp" and e.params == (0, None)):
        return f"np.maximum({_py(a[0], dims)[0]}, 0)", 9
    if k == "clamp":
        return f"np.clip({_py(a[0], dims)[0]}, {e.params[0]!r}, {e.params[1]!r})", 9
    if k in ex.ELEMENTWISE:
        return f"np.{k}({_py(a[0], dims)[0]})", 9
    if k in ex.COMPARISONS:
        op = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "==", "ne": "!="}[k]
        return f"{_pyat(a[0], dims, 1)} {op} {_pyat(a[1], dims, 1)}", 0
    if k == "and":
        return f"np.logical_and({_py(a[0], dims)[0]}, {_py(a[1], dims)[0]})", 9
    if k == "or":
        return f"np.logical_or({_py(a[0], dims)[0]}, {_py(a[1], dims)[0]})", 9
    if k == "not":
        return f"np.logical_not({_py(a[0], dims)[0]})", 9
    if k == "ind":
        return f"({_py(a[0], dims)[0]}).astype(float)", 9
    if k == "where":
        return f"np.where({', '.join(_py(x, dims)[0] for x in a)})", 9
    if k in ("sum", "mean"):
        d, keep = e.params
        axis = "" if d is None else f", axis={d!r}, keepdims={keep!r}"
        return f"np.{k}({_py(a[0], dims)[0]}{axis})", 9
    if k == "expand":
        return f"np.broadcast_to({_py(a[0], dims)[0]}, {shape()})", 9
    if k == "view":
        return f"np.reshape({_py(a[0], dims)[0]}, {shape()})", 9
    if k in ("softmax", "log_softmax"):
        x = _py(a[0], dims)[0]
        d = e.params[0]
        sm = f"np.exp({x}) / np.exp({x}).sum(axis={d}, keepdims=True)"
        return (sm, 2) if k == "softmax" else (f"np.log({sm})", 9)
    if k == "trace":
        return f"np.trace({_py(a[0], dims)[0]})", 9
    if k in ("diag", "diagonal"):
        return f"np.diag({_py(a[0], dims)[0]})", 9
    if k == "norm":
        return f"np.linalg.norm({_py(a[0], dims)[0]})", 9
    if k == "det":
        return f"np.linalg.det({_py(a[0], dims)[0]})", 9
    if k == "logdet":
        return f"np.log(np.linalg.det({_py(a[0], dims)[0]}))", 9
    if k == "inv":
        return f"np.linalg.inv({_py(a[0], dims)[0]})", 9
    if k == "mse_loss":
        red = "mean" if e.params[0] == "mean" else "sum"
        return f"np.{red}(({_py(a[0], dims)[0]} - {_py(a[1], dims)[0]}) ** 2)", 9
    raise NotImplementedError(f"matcalc: no NumPy code for {k!r}")
