"""Seeing the computation graph: ``draw_graph`` (and torchviz's ``make_dot``).

    from tracegrad.viz import draw_graph
    y = model(x).sum()
    graph = draw_graph(y, params=dict(model.named_parameters()))
    print(graph.source)                  # Graphviz DOT text, always available
    graph.render("model", format="svg")  # model.svg, needs Graphviz installed

One box per ``grad_fn`` node (named as in PyTorch: ``MulBackward0``), an
``AccumulateGrad`` box per leaf that receives a gradient, the leaves themselves in blue
(labelled with their names from ``params`` and their shapes), the output in green, and,
with ``show_saved=True``, the tensors each node saved for backward in orange. Arrows go
the way the forward pass computed (inputs to outputs); backward walks them in reverse.

The DOT text follows torchviz's layout, so torchviz code runs unchanged with
``from tracegrad.viz import make_dot``.
"""

from __future__ import annotations

from ._dot import Digraph, draw_graph, make_dot

__all__ = ["Digraph", "draw_graph", "make_dot"]
