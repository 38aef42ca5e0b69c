"""autograd.explain (the backward pass as a table) and tracegrad.viz (the graph as DOT),
and the course demonstrations in examples/autograd."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tracegrad
from tracegrad.autograd import engine, forward_ad
from tracegrad.autograd.explain import ExplainLog, jvp_formula, vjp_formula
from tracegrad.ops._registry import REGISTRY
from tracegrad.viz import Digraph, draw_graph, make_dot

ROOT = Path(__file__).resolve().parent.parent


def _scalar_example():
    x = tracegrad.tensor(1.0, requires_grad=True)
    w = tracegrad.tensor(2.0, requires_grad=True)
    b = tracegrad.tensor(3.0, requires_grad=True)
    return x, w, b, w * x + b


# ---------------------------------------------------------------------------- explain


def test_scalar_example_steps():
    x, w, b, y = _scalar_example()
    with tracegrad.autograd.explain() as log:
        y.backward()
    assert isinstance(log, ExplainLog)
    assert [s.node for s in log] == [
        "AddBackward0",
        "MulBackward0",
        "AccumulateGrad",
        "AccumulateGrad",
        "AccumulateGrad",
    ]
    assert [s.index for s in log] == [1, 2, 3, 4, 5]
    assert log[0].formulas == ["grad_a = g", "grad_b = g"]
    assert log[1].formulas == ["grad_a = g * b", "grad_b = g * a"]
    # leaves are named after the caller's variables
    assert sorted(s.formulas[0] for s in log.steps[2:]) == [
        "b.grad += g",
        "w.grad += g",
        "x.grad += g",
    ]
    mul = log[1]
    assert [(i.name, i.shape, float(i.values)) for i in mul.grads_in] == [("g", (), 1.0)]
    assert [(i.name, i.shape, float(i.values)) for i in mul.grads_out] == [
        ("grad_a", (), 1.0),  # dy/dw = x
        ("grad_b", (), 2.0),  # dy/dx = w
    ]
    assert (w.grad.item(), x.grad.item(), b.grad.item()) == (1.0, 2.0, 1.0)


def test_table_is_numbered_in_execution_order():
    _, _, _, y = _scalar_example()
    with tracegrad.autograd.explain() as log:
        y.backward()
    text = str(log)
    lines = text.splitlines()
    assert lines[0].startswith("backward pass: 5 steps")
    assert lines[1].split() == ["#", "node", "formula", "gradient", "in", "gradients", "out"]
    numbered = [line.split()[:2] for line in lines[2:] if re.match(r"\s+\d+\s", line)]
    assert numbered == [
        ["1", "AddBackward0"],
        ["2", "MulBackward0"],
        ["3", "AccumulateGrad"],
        ["4", "AccumulateGrad"],
        ["5", "AccumulateGrad"],
    ]
    assert "grad_b = g * a" in text and "grad_b: () 2" in text
    assert repr(log) == text


def test_formulas_come_from_the_registry():
    x = tracegrad.tensor([0.5, -1.0], requires_grad=True)
    with tracegrad.autograd.explain() as log:
        x.tanh().sigmoid().exp().sum().backward()
    assert [s.formulas for s in log][:4] == [
        ["grad_a = expand(g, a.shape)"],
        ["grad_a = g * out"],
        ["grad_a = g * (1 - out) * out"],
        ["grad_a = g * (1 - out * out)"],
    ]
    assert vjp_formula(REGISTRY["tanh"], 0) == "grad_a = g * (1 - out * out)"
    assert vjp_formula(REGISTRY["mul"], 0) == "grad_a = g * b"
    assert vjp_formula(REGISTRY["mm"], 0) == "grad_a = g @ b.T"
    assert vjp_formula(REGISTRY["mm"], 1) == "grad_b = a.T @ g"


def test_parameters_resolve_branches_and_broadcasting_shows():
    a = tracegrad.randn(3, 1, requires_grad=True)
    c = tracegrad.randn(4, requires_grad=True)
    with tracegrad.autograd.explain() as log:
        tracegrad.add(a * c, c, alpha=2.5).pow(2).sum().backward()
    formulas = {s.node: s.formulas for s in log if s.node != "AccumulateGrad"}
    assert formulas["AddBackward0"] == ["grad_a = g", "grad_b = sum_to(g * 2.5, b.shape)"]
    assert formulas["PowBackward0"] == ["grad_a = g * (2 * a ** 1)"]
    assert formulas["MulBackward0"] == [
        "grad_a = sum_to(g * b, a.shape)",
        "grad_b = sum_to(g * a, b.shape)",
    ]
    mul = next(s for s in log if s.node == "MulBackward0")
    assert [i.shape for i in mul.grads_in] == [(3, 4)]
    assert [i.shape for i in mul.grads_out] == [(3, 1), (4,)]
    # a (3, 4) gradient has 12 elements: no values shown, only the shape
    assert mul.grads_in[0].values is None


def test_custom_function_shows_its_backward():
    class MyReLU(tracegrad.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    x = tracegrad.tensor([-1.0, 2.0], requires_grad=True)
    with tracegrad.autograd.explain() as log:
        MyReLU.apply(x).sum().backward()
    step = next(s for s in log if s.node == "MyReLUBackward")
    assert step.formulas == ["grads = MyReLU.backward(ctx, g)"]
    assert [(i.name, i.values.tolist()) for i in step.grads_out] == [("grad_input", [0.0, 1.0])]


def test_autograd_grad_and_explicit_names():
    x = tracegrad.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    with tracegrad.autograd.explain(params={"weights": x}) as log:
        (g,) = tracegrad.autograd.grad(y, x)
    assert log[-1].node == "AccumulateGrad"
    assert log[-1].formulas == ["result for weights = g  (returned by autograd.grad)"]
    assert g.tolist() == [2.0, 4.0]


def test_node_order_matches_torch():
    torch = pytest.importorskip("torch", reason="PyTorch gives the engine's order")

    def build(lib):
        lib.manual_seed(0)
        x = lib.randn(3, 4, requires_grad=True)
        w = lib.randn(4, 2, requires_grad=True)
        h = (x @ w).tanh()
        branch = h.sigmoid() * h.exp()
        return x, w, (branch + h * 2).sum() + x.sin().mean()

    *_, loss = build(torch)
    order, seen, stack = [], set(), [loss.grad_fn]
    while stack:  # a pre-hook on every node records when torch runs it
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        if type(fn).__name__ != "AccumulateGrad":
            fn.register_prehook(lambda grads, fn=fn: order.append(type(fn).__name__))
        stack.extend(next_fn for next_fn, _ in fn.next_functions)
    loss.backward()

    *_, ours = build(tracegrad)
    with tracegrad.autograd.explain() as log:
        ours.backward()
    assert [s.node for s in log if s.node != "AccumulateGrad"] == order


def test_forward_mode_steps():
    with tracegrad.autograd.explain(mode="forward") as log:
        with forward_ad.dual_level():
            x = forward_ad.make_dual(tracegrad.tensor([1.0, 2.0]), tracegrad.tensor([1.0, 0.0]))
            y = (x * 3).sin()
            tangent = forward_ad.unpack_dual(y).tangent
    assert [s.node for s in log] == ["mul", "sin"]
    assert log[0].formulas == ["dout = da * b"]
    assert log[1].formulas == ["dout = da * cos(a)"]
    assert [(i.name, i.shape) for i in log[1].grads_in] == [("da", (2,))]
    np.testing.assert_allclose(log[1].grads_out[0].values, tangent.numpy())
    assert str(log).splitlines()[0].startswith("forward-mode pass: 2 steps")
    assert forward_ad.propagate.__name__ == "propagate"  # restored after the block
    assert jvp_formula(REGISTRY["mul"], (True, True)) == "dout = da * b + db * a"


def test_no_log_outside_the_block_and_logs_nest():
    assert engine.explain_log[0] is None
    x = tracegrad.tensor([1.0], requires_grad=True)
    with tracegrad.autograd.explain() as outer:
        (x * 2).sum().backward()
        with tracegrad.autograd.explain() as inner:
            (x * 3).sum().backward()
        (x * 4).sum().backward()
    assert engine.explain_log[0] is None
    assert len(inner) == 3 and len(outer) == 6
    with pytest.raises(ValueError, match="mode"):
        tracegrad.autograd.explain(mode="sideways")


def test_every_registry_rule_has_a_formula():
    for name, op in REGISTRY.items():
        n = len(op.vjp) if type(op.vjp) is tuple else 2
        for i in range(n):
            text = vjp_formula(op, i)
            assert text.startswith("grad_") and " = " in text, (name, text)
        if op.jvp is not None:
            assert jvp_formula(op, (True,) * n).startswith("dout = "), name


# ---------------------------------------------------------------------------- viz


def _parse(source):
    """``(labels, edges)``: node id -> (label, attributes), and a list of (tail, head)."""
    labels, edges = {}, []
    for match in re.finditer(r'\t(\d+) \[label=(?:"([^"]*)"|(\S+?))(?: (.*?))?\]\n', source):
        labels[match.group(1)] = (match.group(2) or match.group(3), match.group(4) or "")
    for match in re.finditer(r"\t(\d+) -> (\d+)(?: \[(.*?)\])?\n", source):
        edges.append((match.group(1), match.group(2), match.group(3) or ""))
    return labels, edges


def _named_edges(source):
    labels, edges = _parse(source)
    return sorted((labels[a][0], labels[b][0]) for a, b, _ in edges)


def test_scalar_graph_dot():
    x, w, b, y = _scalar_example()
    graph = draw_graph(y, params={"x": x, "w": w, "b": b})
    assert isinstance(graph, Digraph)
    source = graph.source
    assert source.startswith(
        'digraph {\n\tgraph [size="12,12"]\n\tnode [align=left fontname=monospace '
        "fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]\n"
    )
    assert source.endswith("}\n")
    labels, _ = _parse(source)
    assert sorted(label for label, _ in labels.values()) == sorted(
        ["\n ()", "AddBackward0", "MulBackward0"]
        + ["AccumulateGrad"] * 3
        + ["w\n ()", "x\n ()", "b\n ()"]
    )
    assert labels[str(id(x))] == ("x\n ()", "fillcolor=lightblue")
    assert labels[str(id(y))] == ("\n ()", "fillcolor=darkolivegreen1")
    assert _named_edges(source) == sorted(
        [
            ("AddBackward0", "\n ()"),
            ("MulBackward0", "AddBackward0"),
            ("AccumulateGrad", "AddBackward0"),
            ("AccumulateGrad", "MulBackward0"),
            ("AccumulateGrad", "MulBackward0"),
            ("b\n ()", "AccumulateGrad"),
            ("w\n ()", "AccumulateGrad"),
            ("x\n ()", "AccumulateGrad"),
        ]
    )


def _torch_named_edges(output, params):
    """The same (label, label) edge list built from a torch graph (what torchviz draws)."""
    names = {id(v): k for k, v in params.items()}
    edges = []
    stack, seen = [output.grad_fn], set()
    edges.append((type(output.grad_fn).__name__, f"\n {_size(output.shape)}"))
    while stack:
        fn = stack.pop()
        if fn in seen:
            continue
        seen.add(fn)
        if hasattr(fn, "variable"):
            var = fn.variable
            edges.append((f"{names.get(id(var), '')}\n {_size(var.shape)}", "AccumulateGrad"))
        for next_fn, _ in fn.next_functions:
            if next_fn is not None:
                edges.append((type(next_fn).__name__, type(fn).__name__))
                stack.append(next_fn)
    return sorted(edges)


def _size(shape):
    return "(" + ", ".join(str(n) for n in shape) + ")"


def test_model_graph_matches_torch_structure():
    torch = pytest.importorskip("torch", reason="PyTorch gives the graph to compare with")

    def build(lib):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.Tanh(), lib.nn.Linear(3, 1))
        x = lib.randn(5, 4)
        loss = ((model(x) - 1) ** 2).mean()
        return loss, dict(model.named_parameters())

    ours, our_params = build(tracegrad)
    theirs, their_params = build(torch)
    source = draw_graph(ours, params=our_params).source
    assert _named_edges(source) == _torch_named_edges(theirs, their_params)
    assert "0.weight\n (3, 4)" in source and "2.bias\n (1)" in source


def test_show_saved_and_show_attrs():
    x = tracegrad.tensor([1.0, 2.0], requires_grad=True)
    y = tracegrad.add(x.tanh(), x, alpha=3)
    source = draw_graph(y, show_saved=True, show_attrs=True).source
    labels, edges = _parse(source)
    saved = [label for label, attrs in labels.values() if attrs == "fillcolor=orange"]
    assert saved == ["result\n (2)"]  # tanh saves its output
    assert any(attrs == "dir=none" for _, _, attrs in edges)
    add_label = next(label for label, _ in labels.values() if label.startswith("AddBackward0"))
    assert add_label == "AddBackward0\n------------\nalpha: 3"
    tanh_label = next(label for label, _ in labels.values() if label.startswith("TanhBackward0"))
    assert tanh_label.splitlines()[-1] == "result: [saved tensor]"


def test_make_dot_is_torchviz_compatible():
    x, w, b, y = _scalar_example()
    params = {"x": x, "w": w, "b": b}
    assert make_dot(y, params=params).source == draw_graph(y, params=params).source
    # a tuple of outputs, and a view's base drawn dotted
    base = tracegrad.randn(4, requires_grad=True)
    view = base[1:3] * 2
    source = make_dot((view, base.sum())).source
    assert source.count("fillcolor=darkolivegreen1") == 2


def test_long_chain_does_not_recurse():
    x = tracegrad.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0001
    labels, _ = _parse(draw_graph(y).source)
    assert sum(label == "MulBackward0" for label, _ in labels.values()) == 3000


def test_bad_params_are_a_type_error():
    x, w, b, y = _scalar_example()
    with pytest.raises(TypeError, match="params"):
        draw_graph(y, params={"x": 1.0})
    with pytest.raises(TypeError, match="Tensor"):
        draw_graph([1.0])


def test_save_needs_no_graphviz(tmp_path):
    x, w, b, y = _scalar_example()
    graph = draw_graph(y, params={"x": x})
    path = graph.save(str(tmp_path / "y.gv"))
    assert Path(path).read_text() == graph.source


def test_render_without_graphviz_says_what_to_install(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz fails
    monkeypatch.setattr(shutil, "which", lambda name: None)  # no dot program
    _, _, _, y = _scalar_example()
    with pytest.raises(RuntimeError) as info:
        draw_graph(y).render(str(tmp_path / "y"), format="svg")
    assert "pip install graphviz" in str(info.value)
    assert "apt-get install graphviz" in str(info.value)
    assert draw_graph(y)._repr_svg_() is None


def test_render_with_graphviz(tmp_path):
    import shutil

    if shutil.which("dot") is None:
        pytest.skip("the Graphviz 'dot' program is not installed")
    _, _, _, y = _scalar_example()
    path = draw_graph(y).render(str(tmp_path / "y"), format="svg")
    assert Path(path).read_text().lstrip().startswith(("<?xml", "<svg"))


# ---------------------------------------------------------------------------- examples


def _run_example(name, *args):
    completed = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "autograd" / name), *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    return completed.stdout


def _table_rows(output):
    rows = []
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 5 and cells[0].split()[0].isdigit():
            n, m = (int(v) for v in cells[0].split())
            jvps = int(cells[1].split()[0])
            vjps = int(cells[2].split()[0])
            rows.append((n, m, jvps, vjps, cells[4]))
    return rows


def test_forward_vs_reverse_example():
    rows = _table_rows(_run_example("forward_vs_reverse.py"))
    assert rows == [(1000, 1, 1000, 1, "True"), (3, 1000, 3, 1000, "True")]


def test_forward_vs_reverse_example_runs_on_torch():
    pytest.importorskip("torch", reason="the example also runs with import torch")
    rows = _table_rows(_run_example("forward_vs_reverse.py", "--torch"))
    assert rows == [(1000, 1, 1000, 1, "True"), (3, 1000, 3, 1000, "True")]


def test_scalar_graph_example():
    output = _run_example("scalar_graph.py")
    assert "y = tensor(5., grad_fn=<AddBackward0>)" in output
    assert output.count("digraph {") == 2
    assert "label=MulBackward0" in output and 'label="w\n ()" fillcolor=lightblue' in output
    assert "grad_b = g * a" in output
    assert "w.grad = tensor(1.)" in output and "x.grad = tensor(2.)" in output
    assert "dy/dx = tensor(2.)" in output
    assert "equal: True" in output
