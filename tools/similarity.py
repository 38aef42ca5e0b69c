"""Measure how many lines of a tracegrad file also occur, word for word, in PyTorch's source.

tracegrad learns PyTorch's behaviour by running it, never by copying its code. This script
is the check that keeps us honest: for each tracegrad module with a PyTorch counterpart it
collects the counterpart's source text (``inspect.getsource`` on the imported torch
module, so nothing is read by hand) and counts the lines of ours that appear there too.

What counts as a line (the choices, and why):

* Lines are compared after stripping surrounding whitespace, so indentation does not hide
  a copy.
* Only lines of at least ``--min-chars`` characters (default 25) count: short lines such as
  ``return self``, ``else:`` or ``import math`` are the same in any Python code base.
* Three kinds of line are left out because the public API makes them identical in any
  faithful re-implementation (STYLE.md 2.3: names, arguments and defaults are PyTorch's):
  a public or dunder ``def`` line whose whole signature fits on it (``def forward(self,
  input: Tensor) -> Tensor:``, ``def __len__(self) -> int:``), and likewise a public
  ``class Name(Base):`` line (the class hierarchy is API too); a constructor storing an
  argument in the public attribute of the same name (``self.batch_size = batch_size``);
  and ``from __future__ import annotations``. Private ``def _name(...)`` lines and private
  attributes still count, because those names are ours to choose.
* Everything else counts, docstrings and comments included: copied documentation is as
  much a copy as copied code.

The ratio is ``shared lines / counted lines`` of our file. Because re-wrapping a copied
docstring changes its lines but not its words, a second figure is printed: the share of
our file's runs of ``--ngram`` consecutive words (default 8, punctuation ignored) that
also occur in the counterpart's source. Public signatures and PyTorch's error messages
contribute a little to it too, so read it as a pointer to look at, not as a verdict.

Usage::

    python tools/similarity.py                    # every known pair, one summary line each
    python tools/similarity.py -v nn/modules/module.py    # one file, with the shared lines
    python tools/similarity.py --max-ratio 0.05   # exit status 1 when a file is above 5 %
    python tools/similarity.py --root /tmp/old/tracegrad   # measure another checkout
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent / "tracegrad"

# Our file (relative to tracegrad/) -> the torch modules whose source it is compared with.
# Files not listed here are matched automatically with ``torch.<same dotted path>`` when
# such a module exists; an entry with an empty list marks a file with no counterpart.
COUNTERPARTS: dict[str, list[str]] = {
    "__init__.py": ["torch"],
    "_tensor.py": ["torch._tensor"],
    "_printing.py": ["torch._tensor_str"],
    "_creation.py": [],
    "_device.py": [],
    "_dtype.py": [],
    "_generator.py": [],
    "_random.py": ["torch.random"],
    "cuda.py": ["torch.cuda"],
    "func.py": ["torch.func", "torch._functorch.apis", "torch._functorch.eager_transforms"],
    "serialization.py": ["torch.serialization"],
    "autograd/__init__.py": ["torch.autograd"],
    "autograd/_gradcheck.py": ["torch.autograd.gradcheck"],
    "autograd/engine.py": ["torch.autograd", "torch.autograd.graph"],
    "autograd/function.py": ["torch.autograd.function"],
    "autograd/functional.py": ["torch.autograd.functional"],
    "autograd/forward_ad.py": ["torch.autograd.forward_ad"],
    "autograd/grad_mode.py": ["torch.autograd.grad_mode"],
    "autograd/anomaly_mode.py": ["torch.autograd.anomaly_mode"],
    "autograd/graph.py": ["torch.autograd.graph"],
    "nn/__init__.py": ["torch.nn"],
    "nn/functional.py": ["torch.nn.functional"],
    "nn/init.py": ["torch.nn.init"],
    "nn/parameter.py": ["torch.nn.parameter"],
    "nn/utils/__init__.py": ["torch.nn.utils"],
    "nn/modules/__init__.py": ["torch.nn.modules"],
    "optim/__init__.py": ["torch.optim"],
    "optim/optimizer.py": ["torch.optim.optimizer"],
    "utils/__init__.py": [],
    "utils/safetensors.py": [],
    "utils/data/__init__.py": ["torch.utils.data"],
    "utils/data/dataloader.py": [
        "torch.utils.data.dataloader",
        "torch.utils.data._utils",
        "torch.utils.data._utils.collate",
        "torch.utils.data._utils.fetch",
        "torch.utils.data._utils.worker",
        "torch.utils.data._utils.signal_handling",
        "torch._utils",
    ],
    "utils/data/_collate.py": ["torch.utils.data._utils.collate"],
    "utils/data/_worker.py": [
        "torch.utils.data._utils.worker",
        "torch.utils.data._utils.fetch",
        "torch.utils.data.dataloader",
        "torch._utils",
    ],
    "utils/data/dataset.py": ["torch.utils.data.dataset"],
    "utils/data/sampler.py": ["torch.utils.data.sampler"],
}

_PUBLIC_DEF = re.compile(r"^(async\s+)?def\s+([A-Za-z]\w*|__\w+__)\s*\(.*\)\s*(->\s*.+)?:$")
_PUBLIC_CLASS = re.compile(r"^class\s+[A-Za-z]\w*\s*(\(.*\))?:$")
_STORE_ARGUMENT = re.compile(r"^self\.([A-Za-z]\w*) = \1$")
_TRIVIA = {"from __future__ import annotations"}


def counted(line: str, min_chars: int) -> bool:
    """Whether a stripped line takes part in the comparison (see the module docstring)."""
    if len(line) < min_chars or line in _TRIVIA:
        return False
    return not any(pattern.match(line) for pattern in (_PUBLIC_DEF, _PUBLIC_CLASS, _STORE_ARGUMENT))


def torch_source(module_names: list[str]) -> str:
    """The concatenated sources of ``module_names`` (modules that fail to import or have
    no Python source are skipped)."""
    parts = []
    for name in module_names:
        try:
            parts.append(inspect.getsource(importlib.import_module(name)))
        except (ImportError, OSError, TypeError):
            continue
    return "\n".join(parts)


_WORD = re.compile(r"[A-Za-z0-9_]+")


def word_runs(text: str, n: int) -> list[tuple[str, ...]]:
    """Every run of ``n`` consecutive words of ``text``, lower-cased."""
    words = [word.lower() for word in _WORD.findall(text)]
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


def counterpart_of(relative: str) -> list[str]:
    """The torch modules to compare ``relative`` (a path under tracegrad/) with."""
    if relative in COUNTERPARTS:
        return COUNTERPARTS[relative]
    dotted = relative[: -len(".py")].replace("/", ".")
    if dotted.endswith(".__init__"):
        dotted = dotted[: -len(".__init__")]
    name = "torch." + dotted
    try:
        importlib.import_module(name)
    except ImportError:
        return []
    return [name]


def compare(path: Path, module_names: list[str], min_chars: int, ngram: int):
    """``(counted lines, [(line number, shared line), ...], shared share of word runs)``
    for one of our files."""
    source = torch_source(module_names)
    reference = {line.strip() for line in source.splitlines()}
    ours = path.read_text(encoding="utf-8")
    runs = word_runs(ours, ngram)
    known_runs = set(word_runs(source, ngram))
    run_share = sum(run in known_runs for run in runs) / len(runs) if runs else 0.0
    total = 0
    shared = []
    for number, raw in enumerate(ours.splitlines(), start=1):
        line = raw.strip()
        if not counted(line, min_chars):
            continue
        total += 1
        if line in reference:
            shared.append((number, line))
    return total, shared, run_share


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help="paths under tracegrad/ (default: all pairs)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the shared lines")
    parser.add_argument("--min-chars", type=int, default=25, help="shortest line counted")
    parser.add_argument("--max-ratio", type=float, default=None, help="fail above this ratio")
    parser.add_argument("--ngram", type=int, default=8, help="words per run (second figure)")
    parser.add_argument(
        "--root", type=Path, default=PACKAGE_ROOT, help="package folder (another checkout)"
    )
    args = parser.parse_args(argv)
    root = args.root

    if args.files:
        relatives = [str(Path(f).as_posix()).removeprefix("tracegrad/") for f in args.files]
    else:
        relatives = sorted(str(p.relative_to(root)) for p in root.rglob("*.py"))

    failed = False
    runs = f"{args.ngram}-gram"
    print(f"{'file':36s} {'counted':>7s} {'shared':>6s} {'ratio':>6s} {runs:>7s}  torch module(s)")
    for relative in relatives:
        modules = counterpart_of(relative)
        if not modules:
            continue
        path = root / relative
        if not path.exists():
            continue
        total, shared, run_share = compare(path, modules, args.min_chars, args.ngram)
        ratio = len(shared) / total if total else 0.0
        over = args.max_ratio is not None and ratio > args.max_ratio
        failed = failed or over
        mark = "  <-- over" if over else ""
        print(
            f"{relative:36s} {total:7d} {len(shared):6d} {ratio:6.1%} {run_share:7.1%}  "
            f"{modules[0]}{mark}"
        )
        if args.verbose:
            for number, line in shared:
                print(f"    {number:5d}: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
