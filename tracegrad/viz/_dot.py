"""DOT text for the autograd graph, and a small ``graphviz.Digraph`` look-alike."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from .._tensor import Tensor

_INSTALL_HINT = (
    "Rendering needs Graphviz: the Python package (pip install graphviz) and the system "
    "package that provides the 'dot' program (apt-get install graphviz, brew install "
    "graphviz or conda install python-graphviz). The DOT text needs neither: use "
    "graph.source, or graph.save('graph.gv')."
)

_ID = re.compile(
    r"^([a-zA-Z_\u0080-\uffff][a-zA-Z0-9_\u0080-\uffff]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))$"
)
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


def _quote(value) -> str:
    """Quote a DOT identifier as the graphviz package does (plain IDs stay bare)."""
    text = str(value)
    if text.startswith("<") and text.endswith(">"):
        return text  # an HTML-like label
    if _ID.match(text) and text.lower() not in _KEYWORDS:
        return text
    return '"' + re.sub(r'(?<!\\)"', r"\"", text) + '"'


def _attr_list(label=None, attrs=None) -> str:
    items = []
    if label is not None:
        items.append(f"label={_quote(label)}")
    for key, value in sorted((attrs or {}).items()):
        if value is not None:
            items.append(f"{_quote(key)}={_quote(value)}")
    return f" [{' '.join(items)}]" if items else ""


class Digraph:
    """A directed graph in DOT, with the parts of ``graphviz.Digraph`` that torchviz
    users touch: ``node``, ``edge``, ``attr``, ``source``, ``save``, ``render``,
    ``pipe``, ``view``, ``format``, ``graph_attr`` / ``node_attr`` / ``body``.

    Only rendering to an image needs Graphviz; building and reading the text does not.
    """

    def __init__(self, name=None, graph_attr=None, node_attr=None, edge_attr=None, format=None):
        self.name = name
        self.graph_attr = dict(graph_attr or {})
        self.node_attr = dict(node_attr or {})
        self.edge_attr = dict(edge_attr or {})
        self.body: list[str] = []
        self.format = format or "pdf"
        self.filename = (name or "Digraph") + ".gv"

    def node(self, name, label=None, _attributes=None, **attrs) -> None:
        """Add a node ``name`` with an optional ``label`` and DOT attributes."""
        attrs = {**(_attributes or {}), **attrs}
        self.body.append(f"\t{_quote(name)}{_attr_list(label, attrs)}\n")

    def edge(self, tail_name, head_name, label=None, _attributes=None, **attrs) -> None:
        """Add an edge ``tail -> head``."""
        attrs = {**(_attributes or {}), **attrs}
        edge = f"{_quote(tail_name)} -> {_quote(head_name)}"
        self.body.append(f"\t{edge}{_attr_list(label, attrs)}\n")

    def attr(self, kw=None, **attrs) -> None:
        """Set graph attributes (``kw=None`` or ``"graph"``), or node/edge defaults."""
        target = {None: self.graph_attr, "graph": self.graph_attr, "node": self.node_attr}
        target.get(kw, self.edge_attr).update(attrs)

    @property
    def source(self) -> str:
        """The DOT text of the graph."""
        lines = ["digraph {\n" if self.name is None else f"digraph {_quote(self.name)} {{\n"]
        for keyword, attrs in (
            ("graph", self.graph_attr),
            ("node", self.node_attr),
            ("edge", self.edge_attr),
        ):
            if attrs:
                lines.append(f"\t{keyword}{_attr_list(None, attrs)}\n")
        lines.extend(self.body)
        lines.append("}\n")
        return "".join(lines)

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"<tracegrad.viz.Digraph with {len(self.body)} statements>"

    def save(self, filename=None, directory=None) -> str:
        """Write the DOT text to ``filename`` (default ``Digraph.gv``); no Graphviz needed.
        Returns the path written."""
        path = self._path(filename, directory)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8") as file:
            file.write(self.source)
        return path

    def _path(self, filename, directory):
        if filename is not None:
            self.filename = filename
        return os.path.join(directory or "", self.filename)

    def pipe(self, format=None, encoding=None):
        """The rendered image as bytes (or text with ``encoding``); needs Graphviz."""
        format = format or self.format
        try:
            import graphviz
        except ImportError:
            data = _run_dot(["-T" + format], self.source.encode("utf-8"))
        else:
            try:
                data = graphviz.Source(self.source).pipe(format=format)
            except graphviz.ExecutableNotFound as error:
                raise RuntimeError(_INSTALL_HINT) from error
        return data.decode(encoding) if encoding else data

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None):
        """Save the DOT text and render it to ``<filename>.<format>`` (``png``, ``svg``,
        ``pdf`` ...) with Graphviz; returns the image's path. Raises ``RuntimeError``
        saying what to install when Graphviz is missing."""
        format = format or self.format
        source_path = self._path(filename, directory)
        try:
            import graphviz
        except ImportError:
            graphviz = None
        if graphviz is None and shutil.which("dot") is None:
            raise RuntimeError(_INSTALL_HINT)
        self.save(filename, directory)
        output = f"{source_path}.{format}"
        if graphviz is not None:
            try:
                output = graphviz.render("dot", format, source_path)
            except graphviz.ExecutableNotFound as error:
                raise RuntimeError(_INSTALL_HINT) from error
        else:
            _run_dot(["-T" + format, source_path, "-o", output], None)
        if cleanup:
            os.remove(source_path)
        if view:
            _open(output)
        return output

    def view(self, filename=None, directory=None, cleanup=False):
        """Render and open the image with the system's viewer."""
        return self.render(filename, directory, view=True, cleanup=cleanup)

    def _repr_svg_(self):
        # Jupyter shows the graph as SVG when Graphviz is installed, else the repr
        try:
            return self.pipe(format="svg", encoding="utf-8")
        except RuntimeError:
            return None


def _run_dot(arguments, stdin):
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(_INSTALL_HINT)
    completed = subprocess.run([dot, *arguments], input=stdin, capture_output=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"dot failed: {completed.stderr.decode(errors='replace').strip()}")
    return completed.stdout


def _open(path):  # pragma: no cover - opens a window
    import webbrowser

    webbrowser.open("file://" + os.path.abspath(path))


# ---------------------------------------------------------------------------- the graph


def _size_to_str(shape) -> str:
    return "(" + ", ".join(str(int(n)) for n in shape) + ")"


def _saved_values(fn) -> list:
    """``[(name, value)]``: what a node saved for backward (tensors, arrays, numbers),
    named as in torch's ``_saved_<name>`` attributes (our rules' argument names, and
    ``result`` for the output)."""
    op = getattr(fn, "op", None)
    if op is None:
        return []
    if hasattr(fn, "run_backward"):  # a custom autograd.Function: ctx.save_for_backward
        saved = getattr(fn, "_saved", ())
        return [(f"saved_tensors[{i}]", t) for i, t in enumerate(saved) if t is not None]
    from ..autograd.explain import _input_names, _param_names

    n = len(fn.edges)
    names = _input_names(op, n)
    result = []
    inputs = fn.inputs
    if inputs is not None and fn.packed is None:
        for i in getattr(op, "saved_inputs", ()):
            if i < len(inputs):
                result.append((names[i], inputs[i]))
    if getattr(op, "saves_out", False) and fn.out is not None and op.n_outputs == 1:
        result.append(("result", fn.out))
    for name, value in zip(_param_names(op, n), fn.params or ()):
        result.append((name, value))
    return result


def _is_tensor_like(value) -> bool:
    return isinstance(value, Tensor) or (hasattr(value, "shape") and hasattr(value, "dtype"))


def _node_label(fn, show_attrs, max_attr_chars) -> str:
    name = type(fn).__name__
    if not show_attrs:
        return name
    attrs = {}
    for attr, value in sorted(_saved_values(fn), key=lambda item: item[0]):
        if _is_tensor_like(value):
            attrs[attr] = "[saved tensor]"
        elif isinstance(value, tuple) and any(isinstance(t, Tensor) for t in value):
            attrs[attr] = "[saved tensors]"
        else:
            attrs[attr] = str(value)
    if not attrs:
        return name
    max_attr_chars = max(max_attr_chars, 3)
    width1 = max(len(k) for k in attrs)
    width2 = min(max(len(str(v)) for v in attrs.values()), max_attr_chars)
    separator = "-" * max(width1 + width2 + 2, len(name))

    def truncate(text):
        return text[: width2 - 3] + "..." if len(text) > width2 else text

    rows = "\n".join(f"{k:<{width1}}: {truncate(str(v)):>{width2}}" for k, v in attrs.items())
    return name + "\n" + separator + "\n" + rows


def draw_graph(
    output, params=None, show_attrs=False, show_saved=False, max_attr_chars=50
) -> Digraph:
    """The autograd graph that produced ``output``, as a ``Digraph`` (DOT text in
    ``.source``, an image with ``.render(...)`` when Graphviz is installed).

    Args:
        output: a Tensor (or a tuple of Tensors) produced with autograd recording.
        params: ``{name: tensor}`` naming the leaves, e.g.
            ``dict(model.named_parameters())``; unnamed leaves show their shape only.
        show_attrs: list each node's non-tensor arguments and saved values in its box.
        show_saved: draw the tensors each node saved for backward (orange).
        max_attr_chars: cut attribute values longer than this in ``show_attrs``.

    The layout is torchviz's ``make_dot`` (same colours, labels and edge directions).
    """
    if params is not None:
        for name, value in params.items():
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"draw_graph: params must map names to Tensors, but {name!r} is a "
                    f"{type(value).__name__}"
                )
        names = {id(v): k for k, v in params.items()}
    else:
        names = {}
    node_attr = dict(
        style="filled",
        shape="box",
        align="left",
        fontsize="10",
        ranksep="0.1",
        height="0.2",
        fontname="monospace",
    )
    dot = Digraph(node_attr=node_attr, graph_attr=dict(size="12,12"))
    seen: set = set()

    def var_label(var, name=None):
        if not name:
            name = names.get(id(var), "")
        return f"{name}\n {_size_to_str(var.shape)}"

    def visit(fn):
        # one node: its saved tensors, its leaf (AccumulateGrad), its box
        seen.add(fn)
        if show_saved:
            for attr, value in _saved_values(fn):
                if _is_tensor_like(value):
                    key = str(id(value))
                    dot.edge(str(id(fn)), key, dir="none")
                    dot.node(key, var_label(value, attr), fillcolor="orange")
        variable = getattr(fn, "variable", None)
        if variable is not None:
            seen.add(id(variable))
            dot.node(str(id(variable)), var_label(variable), fillcolor="lightblue")
            dot.edge(str(id(variable)), str(id(fn)))
        dot.node(str(id(fn)), _node_label(fn, show_attrs, max_attr_chars))

    def add_nodes(root):
        # torchviz's depth-first recursion, with an explicit stack (deep graphs are fine)
        if root in seen:
            return
        visit(root)
        stack = [(root, iter(getattr(root, "next_functions", ())))]
        while stack:
            fn, pending = stack[-1]
            for next_fn, _ in pending:
                if next_fn is None:
                    continue
                dot.edge(str(id(next_fn)), str(id(fn)))
                if next_fn not in seen:
                    visit(next_fn)
                    stack.append((next_fn, iter(getattr(next_fn, "next_functions", ()))))
                    break
            else:
                stack.pop()

    def add_base_tensor(var, color="darkolivegreen1"):
        if id(var) in seen:
            return
        seen.add(id(var))
        dot.node(str(id(var)), var_label(var), fillcolor=color)
        if var.grad_fn is not None:
            add_nodes(var.grad_fn)
            dot.edge(str(id(var.grad_fn)), str(id(var)))
        if var._base is not None:
            add_base_tensor(var._base, color="darkolivegreen3")
            dot.edge(str(id(var._base)), str(id(var)), style="dotted")

    outputs = output if isinstance(output, tuple | list) else (output,)
    for var in outputs:
        if not isinstance(var, Tensor):
            raise TypeError(f"draw_graph: expected a Tensor, got {type(var).__name__}")
        add_base_tensor(var)
    _resize(dot)
    return dot


def _resize(dot, size_per_element=0.15, min_size=12):
    """Grow the drawing with the number of statements (torchviz's ``resize_graph``)."""
    size = max(min_size, len(dot.body) * size_per_element)
    dot.graph_attr.update(size=f"{size},{size}")


def make_dot(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50):
    """torchviz's name for ``draw_graph``: ``from tracegrad.viz import make_dot``."""
    return draw_graph(var, params, show_attrs, show_saved, max_attr_chars)
