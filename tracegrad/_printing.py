r"""Tensor ``repr``/``str`` that matches PyTorch character for character.

PyTorch prints a tensor in four steps, and this module follows the same steps:

1. **Summarise.**  A tensor with more than ``threshold`` elements is
   *summarised*: along every dimension only the first and last ``edgeitems``
   entries are shown and the middle is replaced by ``...``.

2. **Choose one element format for the whole tensor.**  For floating tensors
   the choice is made from the finite, non-zero values (of the summarised
   data when summarising):

   * *integer mode* when every such value is a whole number: values print as
     ``1.``, ``-3.`` (a trailing dot says "this is a float");
   * *scientific mode* (``1.0000e+10``) when ``max / min > 1000``, or
     ``max > 1e8``, or ``min < 1e-4`` (absolute values), unless the user forced
     it on or off with ``sci_mode``;
   * otherwise *fixed mode* with ``precision`` decimals (``0.1235``).

   Scientific mode wins over integer mode (``1.0000e+10``, not ``10000000000.``).

   Each value is formatted with Python's own ``format`` on the value converted
   to a Python float (so a float32 ``0.1`` prints from the double
   ``0.10000000149011612``).  Every element is right-aligned to the width of
   the widest finite non-zero value.  Integer and bool tensors simply use
   ``str(value)`` and the widest of those.

3. **Lay out the brackets.**  A 1-d row is wrapped so that a line holds
   ``(linewidth - indent) // (width + 2)`` elements (at least one).  Sub-tensors
   are joined by a comma and ``ndim - 1`` newlines (so 3-d blocks are separated
   by one blank line, 4-d blocks by two) and indented one space per nesting
   level after ``tensor(``.

4. **Append suffixes** such as ``dtype=torch.float16``, ``size=(0, 3)``,
   ``requires_grad=True`` or ``grad_fn=<AddBackward0>``, each on the same line
   when it fits in ``linewidth`` and on a new line otherwise.

Only NumPy and the standard library are used here; the caller passes the
tensor's values as a NumPy array plus its dtype name and autograd flags.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

__all__ = [
    "PRINT_OPTIONS",
    "PrintOptions",
    "format_size",
    "format_tensor",
    "get_printoptions",
    "printoptions",
    "set_printoptions",
]

# NumPy dtype used to hold the values of each supported torch dtype.
_NUMPY_DTYPES = {
    "float16": np.float16,
    "float32": np.float32,
    "float64": np.float64,
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
    "uint8": np.uint8,
    "bool": np.bool_,
}
_FLOAT_DTYPES = frozenset({"float16", "float32", "float64"})

# Indentation of the first bracket: the length of the prefix ``tensor(``.
_PREFIX = "tensor("


@dataclasses.dataclass
class PrintOptions:
    """The options that control printing; the defaults are torch's defaults.

    ``threshold`` may be ``math.inf`` (the "full" profile never summarises).
    ``sci_mode`` is ``None`` (choose automatically), ``True`` or ``False``.
    """

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTIONS = PrintOptions()

# Values installed by ``set_printoptions(profile=...)``; sci_mode is not part
# of a profile.
_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Change the global print options, exactly like ``torch.set_printoptions``.

    A ``profile`` ("default", "short" or "full") is applied first, then any
    explicitly given option overrides it; an unknown profile name is ignored.
    As in torch, ``sci_mode`` is *always* assigned, so any call that does not
    pass it switches scientific notation back to automatic (``None``).
    """
    if profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(PRINT_OPTIONS, name, value)
    given = {
        "precision": precision,
        "threshold": threshold,
        "edgeitems": edgeitems,
        "linewidth": linewidth,
    }
    for name, value in given.items():
        if value is not None:
            setattr(PRINT_OPTIONS, name, value)
    PRINT_OPTIONS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Return the current options as a dict usable as ``set_printoptions(**d)``."""
    return dataclasses.asdict(PRINT_OPTIONS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change the print options inside a ``with`` block."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


def format_size(shape: Sequence[int]) -> str:
    """Format a shape like ``str(torch.Size(shape))``: ``torch.Size([2, 3])``."""
    return f"torch.Size({[int(n) for n in shape]})"


class _ElementFormatter:
    """Turns single values into equally wide strings, using one mode for a tensor.

    ``values`` are the elements that decide the mode and the width: the whole
    tensor, or only its visible part when the tensor is summarised.
    """

    def __init__(self, values: np.ndarray, is_float: bool, precision: int, sci_mode: bool | None):
        self.is_float = is_float
        self.precision = precision
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        flat = values.reshape(-1)
        if not is_float:
            self.width = max([1] + [len(str(v)) for v in flat.tolist()])
            return
        # Zeros, nan and +-inf never influence the mode or the width.
        nonzero_finite = flat[np.isfinite(flat) & (flat != 0)]
        if nonzero_finite.size == 0:
            return
        self.int_mode = bool(np.all(nonzero_finite == np.ceil(nonzero_finite)))
        self.sci_mode = _choose_sci_mode(nonzero_finite, sci_mode)
        for value in nonzero_finite.tolist():
            self.width = max(self.width, len(self._measure(value)))

    def _measure(self, value: float) -> str:
        """Return the string whose length decides the column width for ``value``.

        In integer mode the trailing dot of ``1.`` is included in the width.
        """
        if self.sci_mode:
            return f"{value:.{self.precision}e}"
        if self.int_mode:
            return f"{value:.0f}" + "."
        return f"{value:.{self.precision}f}"

    def format(self, value: Any) -> str:
        """Format one Python scalar, right-aligned to the common width."""
        if not self.is_float:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.width}.{self.precision}e}"
        elif self.int_mode:
            # nan and inf get no dot: "nan", "inf", "-inf".
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{self.precision}f}"
        return text.rjust(self.width)


def _choose_sci_mode(nonzero_finite: np.ndarray, forced: bool | None) -> bool:
    """Decide on scientific notation from the finite non-zero values.

    A forced choice (``sci_mode`` True/False) wins.  Otherwise scientific mode
    is used when the magnitudes span more than three decades or are very large
    (> 1e8) or very small (< 1e-4).  The extremes are compared as doubles.
    """
    if forced is not None:
        return forced
    magnitudes = np.abs(nonzero_finite)
    largest = float(magnitudes.max())
    smallest = float(magnitudes.min())
    return largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4


def _summarized_values(data: np.ndarray, edgeitems: int) -> np.ndarray:
    """Return the elements that stay visible after summarisation.

    Along each axis the first and last ``edgeitems`` entries are kept when the
    axis is longer than ``2 * edgeitems``.  With ``edgeitems == 0`` torch keeps
    nothing of a tensor of two or more dimensions, but - because it slices a
    1-d tensor as ``t[:0]`` and ``t[-0:]`` - everything of a 1-d one.  (Neither
    case changes the output: with ``edgeitems == 0`` only ``...`` is printed.)
    """
    if data.ndim == 0:
        return data
    if edgeitems == 0:
        return data if data.ndim == 1 else data[:0]
    kept = []
    for length in data.shape:
        if length > 2 * edgeitems:
            kept.append(np.r_[0:edgeitems, length - edgeitems : length])
        else:
            kept.append(np.arange(length))
    return data[np.ix_(*kept)]


def _format_vector(
    row: np.ndarray, indent: int, summarize: bool, formatter: _ElementFormatter
) -> str:
    """Format a 1-d row, wrapping it into lines that fit ``linewidth``.

    Every element takes ``width + 2`` columns (", " included); the ``" ..."``
    marker of a summarised row counts as one element when wrapping.
    """
    edgeitems = PRINT_OPTIONS.edgeitems
    per_line = max(1, math.floor((PRINT_OPTIONS.linewidth - indent) / (formatter.width + 2)))
    if summarize and not edgeitems:
        items = ["..."]
    elif summarize and row.shape[0] > 2 * edgeitems:
        head = [formatter.format(v) for v in row[:edgeitems].tolist()]
        tail = [formatter.format(v) for v in row[-edgeitems:].tolist()]
        items = head + [" ..."] + tail
    else:
        items = [formatter.format(v) for v in row.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _format_nested(
    data: np.ndarray, indent: int, summarize: bool, formatter: _ElementFormatter
) -> str:
    """Format a tensor of any rank recursively, one bracket level per dimension.

    Sub-tensors are joined by a comma, ``ndim - 1`` newlines (so 3-d blocks are
    separated by a blank line) and enough spaces to line up under the bracket.
    """
    if data.ndim == 0:
        return formatter.format(data.item())
    if data.ndim == 1:
        return _format_vector(data, indent, summarize, formatter)
    edgeitems = PRINT_OPTIONS.edgeitems
    length = data.shape[0]
    if summarize and length > 2 * edgeitems:
        shown = list(range(edgeitems)) + [None] + list(range(length - edgeitems, length))
    else:
        shown = list(range(length))
    parts = [
        "..." if i is None else _format_nested(data[i], indent + 1, summarize, formatter)
        for i in shown
    ]
    separator = "," + "\n" * (data.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(parts) + "]"


def _format_body(data: np.ndarray, dtype: str, indent: int) -> str:
    """Format the values of a non-empty tensor (everything inside ``tensor(...)``)."""
    summarize = data.size > PRINT_OPTIONS.threshold
    visible = _summarized_values(data, PRINT_OPTIONS.edgeitems) if summarize else data
    formatter = _ElementFormatter(
        visible, dtype in _FLOAT_DTYPES, PRINT_OPTIONS.precision, PRINT_OPTIONS.sci_mode
    )
    return _format_nested(data, indent, summarize, formatter)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    r"""Append ``, suffix`` items and the closing parenthesis.

    A suffix moves to a new line (indented like the first bracket) when the
    current line plus ``", " + suffix`` would exceed ``linewidth``.  Like
    torch (``len - rfind("\n") + 1``), the last line of the tensor body is
    counted two characters longer than it really is; lines that start with a
    wrapped suffix are counted exactly.
    """
    pieces = [text]
    line_length = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_length + len(suffix) + 2 > PRINT_OPTIONS.linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            line_length = indent + len(suffix)
        else:
            pieces.append(", " + suffix)
            line_length += len(suffix) + 2
    pieces.append(")")
    return "".join(pieces)


def _shape_suffix(shape: tuple[int, ...]) -> str:
    """``size=(2, 3)`` -- the shape written as a Python tuple."""
    return "size=" + str(tuple(int(n) for n in shape))


def format_tensor(
    data: np.ndarray,
    dtype: str,
    *,
    default_dtype: str = "float32",
    requires_grad: bool = False,
    grad_fn: str | None = None,
    is_parameter: bool = False,
) -> str:
    """Return what ``repr(tensor)`` prints in torch for these values and flags.

    ``data`` holds the values (its shape is the tensor's shape), ``dtype`` is
    the torch dtype name without ``torch.`` and ``default_dtype`` the current
    default floating dtype.  Suffix rules:

    * empty tensors show ``size=`` unless they are 1-d, and ``dtype=`` unless
      the dtype is the default floating dtype (so empty int64/bool show it);
    * other tensors show ``size=`` only when ``edgeitems`` is 0, and
      ``dtype=`` unless the dtype is the default one, int64 or bool;
    * then ``grad_fn=<Name>``, or ``requires_grad=True`` for a leaf.
    """
    array = np.asarray(data, dtype=_NUMPY_DTYPES[dtype])
    indent = len(_PREFIX)
    suffixes = []
    if array.size == 0:
        if array.ndim != 1:
            suffixes.append(_shape_suffix(array.shape))
        if dtype != default_dtype:
            suffixes.append(f"dtype=torch.{dtype}")
        body = "[]"
    else:
        if not PRINT_OPTIONS.edgeitems:
            suffixes.append(_shape_suffix(array.shape))
        if dtype not in (default_dtype, "int64", "bool"):
            suffixes.append(f"dtype=torch.{dtype}")
        body = _format_body(array, dtype, indent)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    text = _add_suffixes(_PREFIX + body, suffixes, indent)
    if is_parameter:
        text = "Parameter containing:\n" + text
    return text
