"""tracegrad.matcalc: symbols, gradients from the registry's VJP rules, the simplifier,
printers, steps, check, derive and the ``tracegrad derive`` command.

Every derived value is compared with autograd (check) or with a hand-derived formula
evaluated independently in NumPy; the corpus (test_matcalc_corpus.py) covers the forms.
"""

from __future__ import annotations

import numpy as np
import pytest

from tracegrad import matcalc
from tracegrad.matcalc import cli
from tracegrad.matcalc.expr import ShapeError
from tracegrad.ops import REGISTRY

T = matcalc.torch


@pytest.fixture
def xwy():
    return matcalc.symbols("X W Y", shapes={"X": ("n", "d"), "W": ("d", "k"), "Y": ("n", "k")})


def _values(rng, n=5, d=3, k=4):
    return {
        "X": rng.normal(size=(n, d)),
        "W": rng.normal(size=(d, k)),
        "Y": rng.normal(size=(n, k)),
    }


def test_seed002_gradients_match_hand_derivation(xwy):
    X, W, Y = xwy
    f = ((X @ W).clamp(min=0) - Y).pow(2).sum()
    vals = _values(np.random.default_rng(0))
    x, w, y = vals["X"], vals["W"], vals["Y"]
    r = np.maximum(x @ w, 0) - y
    mask = (x @ w >= 0).astype(float)
    # the report's three results, computed directly in NumPy
    expected = {"W": 2 * x.T @ (r * mask), "X": 2 * (r * mask) @ w.T, "Y": -2 * r}
    for var in (W, X, Y):
        g = matcalc.grad(f, var)
        np.testing.assert_allclose(g.evaluate(vals), expected[var.name], rtol=1e-12)
        np.testing.assert_allclose(
            matcalc.expr.evaluate(g.raw, vals), expected[var.name], rtol=1e-12
        )
    assert str(matcalc.grad(f, W)) == "2 Xᵀ((max(XW, 0) − Y) ⊙ 1[XW ≥ 0])"
    assert str(matcalc.grad(f, Y)) == "−2 (max(XW, 0) − Y)"


def test_check_against_autograd_and_torch(xwy):
    X, W, Y = xwy
    g = matcalc.grad((T.tanh(X @ W) - Y).pow(2).mean(), W)
    result = g.check()
    assert result.ok and result.worst_error < 1e-12
    assert "tracegrad" in result.references
    pytest.importorskip("torch", reason="parity with PyTorch's autograd")
    assert "torch" in result.references


def test_check_fails_on_a_wrong_result(xwy):
    X, W, Y = xwy
    g = matcalc.grad((X @ W - Y).pow(2).sum(), W)
    g.expr = 3 * g.expr  # a wrong derivative must be caught
    with pytest.raises(AssertionError, match="differs from autograd"):
        g.check()


def test_properties_respected_by_check():
    A = matcalc.symbol("A", ("n", "n"), "symmetric")
    x = matcalc.symbol("x", ("n", 1))
    g = matcalc.grad(x.T @ A @ x, x)
    assert str(g) == "2 Ax"  # only true for symmetric A: check() must draw symmetric A
    assert g.check().ok
    S = matcalc.symbol("S", (3, 3), "positive_definite")
    assert {"symmetric", "invertible"} <= S.props


def test_printers_and_numpy_code(xwy):
    X, W, Y = xwy
    g = matcalc.grad(((X @ W).clamp(min=0) - Y).pow(2).sum(), W)
    assert g.ascii() == "2 X^T ((max(X W, 0) - Y) * 1[X W >= 0])"
    tex = g.latex()
    assert "X^\\top" in tex and "\\odot" in tex and "\\mathbb{1}" in tex
    assert g._repr_latex_().startswith("$")
    code = g.numpy_code()
    namespace = {}
    exec(code, namespace)  # noqa: S102 - the generated code is the thing under test
    vals = _values(np.random.default_rng(3))
    np.testing.assert_allclose(namespace["grad_W"](**vals), g.evaluate(vals), rtol=1e-12)


def test_steps_read_like_the_report(xwy):
    X, W, Y = xwy
    f = ((X @ W).clamp(min=0) - Y).pow(2).sum()
    text = str(matcalc.grad(f, W).steps())
    lines = text.splitlines()
    assert lines[0].startswith("f = ")
    assert lines[-1] == "∂f/∂W = 2 Xᵀ((max(XW, 0) − Y) ⊙ 1[XW ≥ 0])"
    assert "product rule d(AB) = dA B + A dB" in text
    assert "trace trick" in text and "dY = 0" in text
    assert "df = tr((2 Xᵀ((max(XW, 0) − Y) ⊙ 1[XW ≥ 0]))ᵀ dW)" in text
    steps_x = str(matcalc.grad(f, X).steps())
    assert steps_x.splitlines()[-1] == "∂f/∂X = 2 ((max(XW, 0) − Y) ⊙ 1[XW ≥ 0])Wᵀ"
    assert matcalc.grad(f, Y).steps().latex().startswith("\\begin{aligned}")


def test_derive_from_string_with_torch_spellings():
    d = matcalc.derive(
        "torch.nn.functional.relu(X @ W).sum() + torch.linalg.norm(W) ** 2",
        "W",
        {"X": "n,d", "W": "d,k"},
    )
    assert d.check().ok
    h = matcalc.derive(
        "(A @ x - b).pow(2).sum()", "x", {"A": "m,n", "x": "n,1", "b": "m,1"}, order="hessian"
    )
    assert str(h) == "2 AᵀA"
    assert h.check().ok
    v = matcalc.derive("torch.trace(X.T @ X)", "X", {"X": "n,n"}, order="hvp")
    assert str(v) == "2 V"


def test_bias_broadcast_row_sum():
    X, W, b, Y = matcalc.symbols(
        "X W b Y", shapes={"X": ("n", "d"), "W": ("d", "k"), "b": (1, "k"), "Y": ("n", "k")}
    )
    g = matcalc.grad((X @ W + b - Y).pow(2).sum(), b)
    assert g.shape == (1, matcalc.Dim(("k",)))
    rng = np.random.default_rng(4)
    vals = {**_values(rng), "b": rng.normal(size=(1, 4))}
    r = vals["X"] @ vals["W"] + vals["b"] - vals["Y"]
    np.testing.assert_allclose(g.evaluate(vals), 2 * r.sum(0, keepdims=True), rtol=1e-12)


def test_errors_say_where(xwy):
    X, W, Y = xwy
    with pytest.raises(ShapeError, match="inner dimensions"):
        X @ Y
    with pytest.raises(ShapeError, match="do not broadcast"):
        X @ W + X
    with pytest.raises(ValueError, match="must be a scalar"):
        matcalc.grad(X @ W, W)
    with pytest.raises(NameError, match="Q"):
        matcalc.derive("(X @ Q).sum()", "X", {"X": "n,d"})
    with pytest.raises(ValueError, match="unknown property"):
        matcalc.symbol("A", ("n", "n"), "orthogonal")
    with pytest.raises(KeyError, match="W"):
        matcalc.grad((X @ W).sum(), X).evaluate({"X": np.ones((2, 2))})
    with pytest.raises(ShapeError, match="must be a vector"):
        matcalc.hessian((X @ W).sum(), W)


def test_no_rule_raises_not_implemented_naming_the_op(xwy):
    X, W, Y = xwy
    with pytest.raises(NotImplementedError, match="pow_tensor"):
        X**Y
    A = matcalc.symbol("A", ("n", "n"))
    if "det" not in REGISTRY:
        with pytest.raises(NotImplementedError, match="'det'"):
            matcalc.grad(T.linalg.det(A), A)
    from tracegrad.matcalc.grad import _call_rule

    class FakeOp:
        name = "cumsum_like"
        vjp = (lambda m, g, a, out: m.cumsum(g, 0),)

    with pytest.raises(NotImplementedError, match="cumsum_like.*m.cumsum"):
        _call_rule(FakeOp, 0, X, (X,), X, ())


def test_where_clause_names_repeats():
    from tracegrad.matcalc.printing import to_text
    from tracegrad.matcalc.simplify import name_repeated

    X, W = matcalc.symbols("X W", shapes={"X": ("n", "d"), "W": ("d", "d")})
    big = T.softmax(T.tanh(X @ W @ W.T) @ W, dim=1)
    e = big * big.T.T + T.exp(big)
    main, defs = name_repeated(e, lambda x, d: to_text(x, defs=d))
    assert defs and len(to_text(main, defs=defs)) < len(to_text(e))
    rng = np.random.default_rng(5)
    vals = {"X": rng.normal(size=(3, 2)), "W": rng.normal(size=(2, 2))}
    np.testing.assert_allclose(
        matcalc.expr.evaluate(main, vals), matcalc.expr.evaluate(e, vals), rtol=1e-12
    )


def test_cli(capsys):
    rc = cli.main(
        [
            "((X @ W).clamp(min=0) - Y).pow(2).sum()",
            "--wrt",
            "W",
            "--shapes",
            "X=n,d",
            "W=d,k",
            "Y=n,k",
            "--steps",
            "--latex",
            "--check",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert "∂f/∂W = 2 Xᵀ((max(XW, 0) − Y) ⊙ 1[XW ≥ 0])" in out
    assert "CheckResult(ok" in out and "\\begin" not in out.splitlines()[0]
    rc = cli.main(
        [
            "-(Y * torch.log_softmax(X @ W, dim=1)).sum()",
            "--wrt",
            "W",
            "--shapes",
            "X=n,d",
            "W=d,k",
            "Y=n,k",
            "--props",
            "Y=one_hot",
        ]
    )
    assert rc == 0
    assert "∂f/∂W = Xᵀ(softmax(XW) − Y)" in capsys.readouterr().out
    rc = cli.main(["(X @ W).sum()", "--wrt", "W", "--shapes", "X=n,d", "W=k,d"])
    assert rc == 2
    assert "inner dimensions" in capsys.readouterr().err


def test_tracegrad_spellings_build_expressions():
    """``import tracegrad as torch``: torch.sigmoid, torch.log, torch.nn.functional.relu,
    torch.linalg.det on symbols build expressions; on tensors they are unchanged."""
    import tracegrad as tg

    A, x, y = matcalc.symbols("A x y", shapes={"A": ("m", "n"), "x": ("n", 1), "y": ("m", 1)})
    f = -(y * tg.log(tg.sigmoid(A @ x)) + (1 - y) * tg.log(1 - tg.sigmoid(A @ x))).sum()
    assert str(matcalc.grad(f, x)) == "Aᵀ(σ(Ax) − y)"
    matcalc.hessian(f, x).check()
    X = matcalc.symbols("X", shapes={"X": ("n", "n")}, properties={"X": "invertible"})
    assert str(matcalc.grad(tg.linalg.det(X), X)) == "det(X) X⁻ᵀ"
    assert str(matcalc.grad(tg.nn.functional.relu(X).sum(), X)) == "1[X > 0]"
    assert tg.exp(tg.zeros(1)).item() == 1.0
    with pytest.raises(TypeError, match="must be Tensor"):
        tg.exp([1.0])
