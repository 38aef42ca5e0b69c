"""The course's scalar autograd example, y = w*x + b, with its graph drawn and its
backward pass explained step by step (slides: seed 001; computation graphs: seed 004).

1. The forward pass records a graph: one node per operation (MulBackward0 for w*x,
   AddBackward0 for + b) and one AccumulateGrad per leaf that needs a gradient. It is
   printed as Graphviz DOT text (paste it into any Graphviz viewer, or call
   ``graph.render("y", format="svg")`` where Graphviz is installed).
2. ``y.backward()`` walks the graph from y back to the leaves. ``explain`` records each
   step: the node, the chain-rule formula it applied (read from the op's definition),
   the gradient that arrived and the gradients it sent on.
3. Forward mode computes dy/dx in the other direction: a tangent dx = 1 travels with x
   through the same operations (``explain(mode="forward")``).
4. The same for the slides' z = (<x, w> - y)^2, whose gradient by hand is
   dz/dw = 2 (<x, w> - y) x^T. computation_graph.py works that exercise in full: forward
   accumulation (one JVP per component of w) and reverse propagation, step by step.

Usage: python scalar_graph.py   (prints only; ``--fast`` is accepted for the test suite)
"""

import argparse

import tracegrad as torch
from tracegrad.viz import draw_graph

fwAD = torch.autograd.forward_ad  # noqa: N816 - the name torch's docs use


def scalar_example():
    print("== y = w*x + b ==")
    x = torch.tensor(1.0, requires_grad=True)
    w = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    y = w * x + b
    print("y =", y)
    print()
    print("-- the graph (DOT) --")
    graph = draw_graph(y, params={"x": x, "w": w, "b": b})
    print(graph.source)
    print("-- the backward pass --")
    with torch.autograd.explain() as log:
        y.backward()
    print(log)
    print()
    print("w.grad =", w.grad, " (dy/dw = x)")
    print("x.grad =", x.grad, " (dy/dx = w)")
    print("b.grad =", b.grad, " (dy/db = 1)")
    print()
    print("-- forward mode: dy/dx with the tangent dx = 1 --")
    with torch.autograd.explain(mode="forward") as log, fwAD.dual_level():
        dual_x = fwAD.make_dual(x.detach(), torch.tensor(1.0))
        y = w.detach() * dual_x + b.detach()
        print("dy/dx =", fwAD.unpack_dual(y).tangent)
    print(log)
    print()


def dot_product_example():
    print("== z = (<x, w> - y)^2 ==")
    torch.manual_seed(0)
    x = torch.randn(3)
    w = torch.randn(3, requires_grad=True)
    y = torch.tensor(1.0)
    a = torch.dot(x, w)
    b = a - y
    z = b**2
    print("-- the graph (DOT) --")
    print(draw_graph(z, params={"w": w}).source)
    print("-- the backward pass --")
    with torch.autograd.explain() as log:
        z.backward()
    print(log)
    print()
    by_hand = 2 * (torch.dot(x, w) - y) * x
    print("w.grad           =", w.grad)
    print("2(<x, w> - y) x  =", by_hand.detach())
    print("equal:", torch.allclose(w.grad, by_hand.detach()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fast", action="store_true", help="accepted; the example is fast")
    parser.parse_args()
    scalar_example()
    dot_product_example()
