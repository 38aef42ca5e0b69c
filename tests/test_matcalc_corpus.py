"""The matcalc corpus: seed examples and exercises, Matrix Cookbook identities, network
layers and losses, Hadamard forms and second-order cases.

Each entry gives f, the variable and the textbook form (written by hand as an
expression over the same symbols). Every derived result must (1) agree with autograd
(tracegrad's, and PyTorch's where installed) on random inputs of several sizes, (2)
agree numerically with the textbook form, and (3) print no longer than the textbook form.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from tracegrad import matcalc
from tracegrad.matcalc import printing
from tracegrad.matcalc.check import default_sizes, draw
from tracegrad.ops import REGISTRY
from tracegrad.matcalc.expr import Dim, const, diag, eye, indicator, ones, power

T = matcalc.torch
F = matcalc.functional


def s(name, *shape, props=()):
    return matcalc.symbol(name, shape, *props)


def relu(z):
    return z.clamp(min=0)


# shared symbols (same name and shape wherever they are reused)
X = s("X", "m", "n")
a, b = s("a", "m", 1), s("b", "n", 1)
x = s("x", "n", 1)
A = s("A", "n", "n")
As = s("A", "n", "n", props=("symmetric",))
B = s("B", "n", "n")
Xn = s("X", "n", "n")
Xd, w, y = s("X", "m", "d"), s("w", "d", 1), s("y", "m", 1)
Xr, W, Y = s("X", "n", "d"), s("W", "d", "k"), s("Y", "n", "k")
Yh = s("Y", "n", "k", props=("one_hot",))
bias = s("b", 1, "k")
bias1 = s("b", "k")
G, Am, Bk = s("G", "m", "k"), s("A", "m", "m"), s("B", "n", "k")
W1, W2, Ym = s("W1", "d", "h"), s("W2", "h", "k"), s("Y", "m", "k")
lam = s("lam", props=("constant",))
Xp = s("X", "m", "n", props=("positive",))
V, Vmn = s("V", "n", "n"), s("V", "m", "n")
sx, sw, sb = s("x"), s("w"), s("b")
xv, yv = s("x", "N"), s("y", "N")
Amn, bm = s("A", "m", "n"), s("b", "m", 1)
ym = s("y", "m", 1, props=("one_hot",))
C = s("C", "m", "n")
u = s("u", "n")
v = s("v", "n")
Mm = s("M", "m", "n")

Xi = s("X", "n", "n", props=("invertible",))
yb = s("y", "m", 1)
Spd = s("S", "n", "n", props=("positive_definite",))
Xqp = s("X", "q", "p")  # q > p in check(): XᵀX is invertible
R = relu(Xr @ W) - Y
H1 = relu(Xd @ W1)
E2 = H1 @ W2 - Ym
S1 = T.sigmoid(Xd @ W1)
Z = Xr @ W + bias
Zb = Xr @ W + bias1


n_, nk = Dim(("n",)), Dim(("n", "k"))


def per(count):
    """1/count as a factor (count a symbolic size)."""
    return power(const(count), -1)


def ge0(z):
    return indicator(z >= 0)


def sg(z):
    return T.sigmoid(z)


# (name, f, variable, textbook form, order)
CORPUS = [
    # -- seeds 000, 001, 002: every example and exercise
    ("seed000 aᵀXb", a.T @ X @ b, X, a @ b.T),
    ("seed000 least squares", (Xd @ w - y).pow(2).sum(), w, 2 * Xd.T @ (Xd @ w - y)),
    ("seed000 least squares, norm", (Xd @ w - y).norm() ** 2, w, 2 * Xd.T @ (Xd @ w - y)),
    ("seed000 Y = AXB", (G * (Am @ X @ s("B", "n", "k"))).sum(), X, Am.T @ G @ s("B", "n", "k").T),
    ("seed001 Y = XW, ∂/∂X", (G * (Xd @ s("W", "d", "k"))).sum(), Xd, G @ s("W", "d", "k").T),
    ("seed001 Y = XW, ∂/∂W", (G * (Xd @ s("W", "d", "k"))).sum(), s("W", "d", "k"), Xd.T @ G),
    ("seed002 ∂f/∂W", R.pow(2).sum(), W, 2 * Xr.T @ (R * ge0(Xr @ W))),
    ("seed002 ∂f/∂X", R.pow(2).sum(), Xr, 2 * (R * ge0(Xr @ W)) @ W.T),
    ("seed002 ∂f/∂Y", R.pow(2).sum(), Y, -2 * R),
    ("seed001 y = wx + b, ∂/∂w", sw * sx + sb, sw, sx),
    ("seed001 y = wx + b, ∂/∂x", sw * sx + sb, sx, sw),
    ("seed001 y = wx + b, ∂/∂b", sw * sx + sb, sb, matcalc.expr.const(1)),
    (
        "seed000 regression loss, ∂/∂b",
        ((sw * xv + sb - yv) ** 2).mean(),
        sb,
        2 * (sw * xv + sb - yv).mean(),
    ),
    ("seed001 two-layer ReLU net, ∂/∂W2", E2.pow(2).sum(), W2, 2 * H1.T @ E2),
    (
        "seed001 two-layer ReLU net, ∂/∂W1",
        E2.pow(2).sum(),
        W1,
        2 * Xd.T @ ((E2 @ W2.T) * ge0(Xd @ W1)),
    ),
    # -- Matrix Cookbook: linear forms
    ("cookbook aᵀx", s("a", "n", 1).T @ x, x, s("a", "n", 1)),
    ("cookbook xᵀa", x.T @ s("a", "n", 1), x, s("a", "n", 1)),
    (
        "cookbook aᵀXᵀb",
        s("a", "n", 1).T @ X.T @ s("b", "m", 1),
        X,
        s("b", "m", 1) @ s("a", "n", 1).T,
    ),
    ("cookbook sum(X)", X.sum(), X, ones(("m", "n"))),
    ("cookbook tr(X)", T.trace(Xn), Xn, eye("n")),
    ("cookbook tr(AX)", T.trace(A @ Xn), Xn, A.T),
    ("cookbook tr(XA)", T.trace(Xn @ A), Xn, A.T),
    ("cookbook tr(AXB)", T.trace(A @ Xn @ B), Xn, A.T @ B.T),
    ("cookbook tr(XᵀA)", T.trace(Xn.T @ A), Xn, A),
    ("cookbook tr(AXᵀ)", T.trace(A @ Xn.T), Xn, A),
    ("cookbook sum(A ⊙ X)", (C * X).sum(), X, C),
    ("cookbook Ax", (Amn @ x).sum(), x, Amn.T @ ones(("m", 1))),
    # -- quadratic forms
    ("cookbook xᵀAx", x.T @ A @ x, x, (A + A.T) @ x),
    ("cookbook xᵀAx, A symmetric", x.T @ As @ x, x, 2 * As @ x),
    (
        "cookbook bᵀXᵀXc",
        s("b", "n", 1).T @ X.T @ X @ s("c", "n", 1),
        X,
        X @ (s("b", "n", 1) @ s("c", "n", 1).T + s("c", "n", 1) @ s("b", "n", 1).T),
    ),
    ("cookbook ‖X‖²_F", (X * X).sum(), X, 2 * X),
    ("cookbook tr(XᵀX)", T.trace(X.T @ X), X, 2 * X),
    ("cookbook tr(XᵀAX)", T.trace(Xn.T @ A @ Xn), Xn, (A + A.T) @ Xn),
    ("cookbook tr(XBXᵀ)", T.trace(Xn @ B @ Xn.T), Xn, Xn @ (B + B.T)),
    ("cookbook ‖AX − C‖²_F", (Am @ X - C).pow(2).sum(), X, 2 * Am.T @ (Am @ X - C)),
    ("cookbook ‖x‖", x.norm(), x, x / x.norm()),
    (
        "cookbook ‖x − a‖",
        (x - s("a", "n", 1)).norm(),
        x,
        (x - s("a", "n", 1)) / (x - s("a", "n", 1)).norm(),
    ),
    ("cookbook tr(X²)", T.trace(Xn @ Xn), Xn, 2 * Xn.T),
    ("cookbook ‖diag(v)‖²_F", T.diag(v).pow(2).sum(), v, 2 * v),
    ("cookbook sum(Xv) (mv)", T.mv(Xn, v).sum(), Xn, ones(("n", 1)) @ v.reshape("n", 1).T),
    (
        "cookbook sum(X ⊙ c) (column broadcast)",
        (X * s("c", "m", 1)).sum(),
        X,
        s("c", "m", 1) @ ones(("n", 1)).T,
    ),
    ("cookbook uᵀv (1-D)", T.dot(u, v), u, v),
    ("cookbook outer aᵀ(uvᵀ)b", (T.outer(u, v) * Xn).sum(), u, Xn @ v),
    # -- determinant and inverse forms (the registry's det / logdet / inverse ops)
    ("cookbook det(X)", T.linalg.det(Xi), Xi, T.det(Xi) * T.inverse(Xi).T),
    ("cookbook det(X)²", T.det(Xi) ** 2, Xi, 2 * T.det(Xi) ** 2 * T.inverse(Xi).T),
    ("cookbook logdet(X)", T.logdet(Xi), Xi, T.inverse(Xi).T),
    ("cookbook logdet(S), S ≻ 0", T.logdet(Spd), Spd, T.inverse(Spd)),
    ("cookbook logdet(XᵀX)", T.logdet(Xqp.T @ Xqp), Xqp, 2 * Xqp @ T.inverse(Xqp.T @ Xqp)),
    (
        "cookbook aᵀX⁻¹b",
        s("a", "n", 1).T @ T.linalg.inv(Xi) @ s("b", "n", 1),
        Xi,
        -T.inverse(Xi).T @ s("a", "n", 1) @ s("b", "n", 1).T @ T.inverse(Xi).T,
    ),
    (
        "cookbook tr(AX⁻¹B)",
        T.trace(A @ T.inverse(Xi) @ B),
        Xi,
        -T.inverse(Xi).T @ A.T @ B.T @ T.inverse(Xi).T,
    ),
    ("hvp logdet(X)", T.logdet(Xi), Xi, -T.inverse(Xi).T @ V.T @ T.inverse(Xi).T, "hvp", V),
    # -- network layers and losses
    ("nn linear + bias MSE, ∂/∂W", ((Z - Y) ** 2).sum(), W, 2 * Xr.T @ (Z - Y)),
    ("nn linear + bias MSE, ∂/∂b", ((Z - Y) ** 2).sum(), bias, 2 * ((Z - Y).sum(0, keepdim=True))),
    ("nn linear + 1-D bias, ∂/∂b", ((Zb - Y) ** 2).sum(), bias1, 2 * (Zb - Y).sum(0)),
    ("nn mse_loss, ∂/∂W", F.mse_loss(Xr @ W, Y), W, 2 * per(nk) * (Xr.T @ (Xr @ W - Y))),
    (
        "nn mean softmax cross-entropy",
        -(Yh * T.log_softmax(Xr @ W, dim=1)).sum(1).mean(),
        W,
        per(n_) * (Xr.T @ (T.softmax(Xr @ W, dim=1) - Yh)),
    ),
    ("nn sigmoid layer", T.sigmoid(Xd @ w).sum(), w, Xd.T @ (sg(Xd @ w) * (1 - sg(Xd @ w)))),
    ("nn tanh layer", (T.tanh(Xr @ W) * Y).sum(), W, Xr.T @ (Y * (1 - T.tanh(Xr @ W) ** 2))),
    ("nn ReLU layer", T.relu(Xr @ W).sum(), W, Xr.T @ indicator(Xr @ W > 0)),
    (
        "nn logistic regression, one-hot y",
        -(ym * T.log(T.sigmoid(Amn @ x))).sum(),
        x,
        -Amn.T @ (ym * (1 - sg(Amn @ x))),
    ),
    (
        "nn binary logistic loss",
        -(yb * T.log(T.sigmoid(Xd @ w)) + (1 - yb) * T.log(1 - T.sigmoid(Xd @ w))).sum(),
        w,
        Xd.T @ (sg(Xd @ w) - yb),
    ),
    (
        "nn softmax cross-entropy",
        -(Yh * T.log_softmax(Xr @ W, dim=1)).sum(),
        W,
        Xr.T @ (T.softmax(Xr @ W, dim=1) - Yh),
    ),
    (
        "nn softmax cross-entropy ∂/∂X",
        -(Yh * T.log_softmax(Xr @ W, dim=1)).sum(),
        Xr,
        (T.softmax(Xr @ W, dim=1) - Yh) @ W.T,
    ),
    (
        "nn L2 regularised least squares",
        (Xd @ w - y).pow(2).sum() + lam * (w * w).sum(),
        w,
        2 * Xd.T @ (Xd @ w - y) + 2 * lam * w,
    ),
    ("nn two-layer sigmoid net", (S1 @ W2 - Ym).pow(2).sum(), W2, 2 * S1.T @ (S1 @ W2 - Ym)),
    ("nn softmax of a linear layer", (T.softmax(Xr @ W, dim=1) * Y).sum(), Xr, None),
    # -- Hadamard forms and elementwise functions
    ("hadamard sum(C ⊙ X ⊙ X)", (C * X * X).sum(), X, 2 * C * X),
    ("hadamard sum(exp(X))", T.exp(X).sum(), X, T.exp(X)),
    ("hadamard sum(log(X))", T.log(Xp).sum(), Xp, 1 / Xp),
    ("hadamard sum(sin(X))", T.sin(X).sum(), X, T.cos(X)),
    ("hadamard sum(C ⊙ cos(X))", (C * T.cos(X)).sum(), X, -C * T.sin(X)),
    ("hadamard sum(X ⊙ Y)", (X * Mm).sum(), X, Mm),
    ("hadamard σ(X) ⊙ C", (T.sigmoid(X) * C).sum(), X, C * sg(X) * (1 - sg(X))),
    ("hadamard ‖X ⊙ C‖²", (X * C).pow(2).sum(), X, 2 * X * C**2),
    # -- second order
    ("hessian xᵀAx", x.T @ A @ x, x, A + A.T, "hessian"),
    ("hessian ‖Ax − b‖²", (Amn @ x - bm).pow(2).sum(), x, 2 * Amn.T @ Amn, "hessian"),
    (
        "hessian logistic",
        -T.log(T.sigmoid(Amn @ x)).sum(),
        x,
        Amn.T @ diag((sg(Amn @ x) * (1 - sg(Amn @ x))).reshape(-1)) @ Amn,
        "hessian",
    ),
    ("hvp tr(XᵀAX)", T.trace(Xn.T @ A @ Xn), Xn, (A + A.T) @ V, "hvp", V),
    ("hvp sum(X³)", (X**3).sum(), X, 6 * X * Vmn, "hvp", Vmn),
]
CORPUS = [entry for entry in CORPUS if entry[3] is not None or entry[0].startswith("nn softmax of")]


_MATRIX_OPS = {"det", "logdet", "inv"}


def _needs_missing_op(f):
    kinds = {node.kind for node in matcalc.expr.walk(f)}
    names = {"inv": "inverse"}
    return any(names.get(k, k) not in REGISTRY for k in kinds & _MATRIX_OPS)


def _derive(entry):
    name, f, var, _, *rest = entry
    order = rest[0] if rest else "gradient"
    if order == "gradient":
        return matcalc.grad(f, var)
    if order == "hessian":
        return matcalc.hessian(f, var)
    return matcalc.hvp(f, var, rest[1])


def test_corpus_size():
    assert len(CORPUS) >= 60


@pytest.mark.parametrize("entry", CORPUS, ids=[e[0] for e in CORPUS])
def test_corpus(entry):
    name, f, var, textbook, *rest = entry
    if _needs_missing_op(f):
        pytest.skip("the op registry has no det / logdet / inverse op in this tree")
    d = _derive(entry)
    # (1) against autograd, at three sizes
    result = d.check()
    assert result.ok and len(result.sizes) == 3
    if textbook is None:
        return
    # (2) the textbook form, numerically
    symbols = dict(f.symbols())
    symbols.update(textbook.symbols())
    if len(rest) > 1:
        symbols[rest[1].name] = rest[1]
    rng = np.random.default_rng(1)
    for dims in default_sizes(symbols)[:2]:
        values = draw(symbols, dims, rng)
        got = np.asarray(d.evaluate(values))
        want = np.asarray(matcalc.expr.evaluate(textbook, values, dims))
        np.testing.assert_allclose(got, np.broadcast_to(want, got.shape), rtol=1e-9, atol=1e-10)
    # the NumPy code a student would paste computes the same values
    namespace = {}
    exec(d.numpy_code("derived"), namespace)  # noqa: S102 - the generated code under test
    function = namespace["derived"]
    arguments = inspect.signature(function).parameters
    np.testing.assert_allclose(
        function(**{k: values[k] for k in arguments}), got, rtol=1e-12, atol=1e-14
    )
    # (3) no longer than the textbook form
    assert len(str(d)) <= len(printing.to_text(textbook)), (str(d), printing.to_text(textbook))
