"""``steps()``: the reverse pass written as the course's differential derivation.

The reverse pass *is* the derivation. Before a node Z is processed the state is
df = Σ tr(Gᵢᵀ dZᵢ); applying Z's rule (named below) replaces the term of Z by terms of
its inputs, until only dX is left and ∂f/∂X is read off: df = tr((∂f/∂X)ᵀ dX).
The names below only *describe* each registry rule for the reader; the adjoints
themselves come from the rules (grad.py).
"""

from __future__ import annotations

from . import printing
from .simplify import simplify

_TRICK = "trace trick tr(Gᵀ(B ⊙ dA)) = tr((G ⊙ B)ᵀ dA)"
_RULES = {
    "sum": "linearity: d sum(A) = sum(dA) = tr(𝟏ᵀ dA)",
    "sum_dim": "linearity: d sum(A, dim) = sum(dA, dim)",
    "mean": "linearity: d mean(A) = mean(dA)",
    "mean_dim": "linearity: d mean(A, dim) = mean(dA, dim)",
    "add": "linearity: d(A + B) = dA + dB",
    "sub": "linearity: d(A − B) = dA − dB",
    "rsub": "linearity: d(c − A) = −dA",
    "neg": "linearity: d(−A) = −dA",
    "mul": "product rule d(A ⊙ B) = dA ⊙ B + A ⊙ dB; " + _TRICK,
    "div": "quotient rule d(A / B) = dA / B − A ⊙ dB / B²; " + _TRICK,
    "pow": "elementwise: d(Aᵖ) = p Aᵖ⁻¹ ⊙ dA; " + _TRICK,
    "mm": "product rule d(AB) = dA B + A dB; cyclic tr(Gᵀ dA B) = tr((G Bᵀ)ᵀ dA), "
    "tr(Gᵀ A dB) = tr((AᵀG)ᵀ dB)",
    "mv": "product rule d(Ax) = dA x + A dx; cyclic tr(gᵀ dA x) = tr((g xᵀ)ᵀ dA)",
    "dot": "product rule d(aᵀb) = daᵀ b + aᵀ db",
    "matmul": "product rule d(AB) = dA B + A dB; cyclic tr(ABC) = tr(CAB)",
    "t": "transpose: d(Aᵀ) = (dA)ᵀ and tr(Gᵀ dAᵀ) = tr((Gᵀ)ᵀ dA)",
    "transpose": "transpose: d(Aᵀ) = (dA)ᵀ and tr(Gᵀ dAᵀ) = tr((Gᵀ)ᵀ dA)",
    "clamp": "elementwise: d max(A, 0) = 1[A ≥ 0] ⊙ dA; " + _TRICK,
    "relu": "elementwise: d max(A, 0) = 1[A > 0] ⊙ dA; " + _TRICK,
    "sigmoid": "elementwise: dσ(A) = σ(A) ⊙ (1 − σ(A)) ⊙ dA; " + _TRICK,
    "tanh": "elementwise: d tanh(A) = (1 − tanh²(A)) ⊙ dA; " + _TRICK,
    "exp": "elementwise: d exp(A) = exp(A) ⊙ dA; " + _TRICK,
    "log": "elementwise: d log(A) = dA / A; " + _TRICK,
    "sin": "elementwise: d sin(A) = cos(A) ⊙ dA; " + _TRICK,
    "cos": "elementwise: d cos(A) = −sin(A) ⊙ dA; " + _TRICK,
    "sqrt": "elementwise: d√A = dA / (2√A); " + _TRICK,
    "softmax": "softmax along rows: dS = S ⊙ (dA − (S ⊙ dA) 1 1ᵀ)",
    "log_softmax": "log softmax along rows: dL = dA − (softmax(A) ⊙ dA) 1 1ᵀ",
    "trace": "d tr(A) = tr(dA) = tr(Iᵀ dA)",
    "norm": "d‖A‖ = tr(Aᵀ dA) / ‖A‖",
    "expand": "broadcasting: each entry is used several times, its gradients add up",
    "view": "reshaping moves entries only",
    "where": "selection: d where(C, A, B) = where(C, dA, dB)",
    "diag_embed": "diag moves entries only",
    "diag_matrix": "diag moves entries only",
    "mse_loss": "d mean((A − B)²) = 2 mean((A − B) ⊙ (dA − dB))",
}


class Derivation:
    """The derivation as lines (expression, rule); ``str()`` is plain text,
    ``latex()`` an aligned LaTeX block."""

    def __init__(self, f_line, lines, result_name, result):
        self.f_line = f_line  # (text, latex)
        self.lines = lines  # [(text, latex, rule)]
        self.result_name = result_name
        self.result = result  # (text, latex)

    def __str__(self):
        width = max([len(t) for t, _, _ in self.lines] + [0])
        width = min(width, 70)
        out = [f"f = {self.f_line[0]}"]
        for text, _, rule in self.lines:
            out.append(f"df = {text.ljust(width)}   [{rule}]")
        out.append(f"{self.result_name} = {self.result[0]}")
        return "\n".join(out)

    __repr__ = __str__

    def latex(self) -> str:
        rows = [f"f &= {self.f_line[1]}"]
        for _, tex, rule in self.lines:
            rows.append(f"df &= {tex} && \\text{{{_latex_text(rule)}}}")
        name = self.result_name.replace("∂f/∂", "")
        rows.append(f"\\frac{{\\partial f}}{{\\partial {name}}} &= {self.result[1]}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _repr_latex_(self):
        return "$$" + self.latex() + "$$"


def _latex_text(rule):
    return rule.replace("_", "\\_")


def _term(g, z, style):
    gs = simplify(g)
    zs = simplify(z)
    fmt = printing.to_text if style == "text" else printing.to_latex
    dz = _d(zs, fmt, style)
    if zs.shape == () or all(d == 1 for d in zs.shape):
        if gs.kind == "const" and gs.value == 1:
            return dz
        if gs.kind == "const" and gs.value == -1:
            return "−" + dz if style == "text" else "-" + dz
        return f"{_wrap(gs, fmt, style)} {dz}"
    if zs.ndim == 1 or (zs.ndim == 2 and zs.shape[1] == 1):
        # a column: df = gᵀ dz, with gᵀ written out (xᵀA, not (Aᵀx)ᵀ)
        return f"{_wrap(simplify(gs.T), fmt, style, row=True)} {dz}"
    if zs.ndim == 2 and zs.shape[0] == 1:
        # a row: df = dz gᵀ
        return f"{dz} {_wrap(simplify(gs.T), fmt, style, row=True)}"
    tee = "ᵀ" if style == "text" else "^\\top"
    gt = _wrap(gs, fmt, style) + tee
    tr = "tr" if style == "text" else "\\operatorname{tr}"
    lp, rp = ("(", ")") if style == "text" else ("\\left(", "\\right)")
    return f"{tr}{lp}{gt} {dz}{rp}"


def _wrap(e, fmt, style, row=False):
    text = fmt(e)
    if e.kind in ("sym", "named", "ones", "eye") or (e.kind == "const" and e.value >= 0):
        return text
    if row and e.kind in ("matmul", "t"):
        return text
    return f"({text})" if style == "text" else f"\\left({text}\\right)"


def _d(z, fmt, style):
    text = fmt(z)
    if z.kind == "sym":
        return "d" + text
    return f"d({text})" if style == "text" else f"d\\left({text}\\right)"


def derivation(d) -> Derivation:
    """The derivation of a gradient ``d`` (a Derivative) from its reverse-pass trace."""
    if d.order != "gradient":
        raise NotImplementedError("steps() is written for gradients (order='gradient')")
    f = d.f
    frontier = {}  # id -> [node, adjoint]
    order = []
    lines = []
    first = True
    for step in d.trace:
        node = step.node
        if first:
            frontier[id(node)] = [node, step.g]
            order.append(id(node))
            first = False
        frontier.pop(id(node), None)
        if id(node) in order:
            order.remove(id(node))
        constants = [
            a
            for a in node.args
            if a.kind == "sym"
            and a.name != d.wrt.name
            and not any(a is x for x, _ in step.contributions)
        ]
        for x, part in step.contributions:
            if id(x) in frontier:
                frontier[id(x)][1] = frontier[id(x)][1] + part
            else:
                frontier[id(x)] = [x, part]
                order.append(id(x))
        rule = _RULES.get(step.op_name, f"the rule of {step.op_name}")
        if constants:
            names = ", ".join(sorted({c.name for c in constants}))
            rule += f"; d{names} = 0 ({names} constant)"
        text = " + ".join(_term(frontier[i][1], frontier[i][0], "text") for i in order) or "0"
        tex = " + ".join(_term(frontier[i][1], frontier[i][0], "latex") for i in order) or "0"
        lines.append((text, tex, rule))
    f_simple = simplify(f)
    return Derivation(
        (printing.to_text(f_simple), printing.to_latex(f_simple)),
        lines,
        f"∂f/∂{d.wrt.name}",
        (str(d), d.latex()),
    )
