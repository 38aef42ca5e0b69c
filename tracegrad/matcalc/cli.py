"""``tracegrad derive``: symbolic matrix derivatives from the command line.

    tracegrad derive "((X @ W).clamp(min=0) - Y).pow(2).sum()" --wrt W \\
        --shapes X=n,d W=d,k Y=n,k --steps --check
"""

from __future__ import annotations

import argparse
import sys


def _parser():
    p = argparse.ArgumentParser(
        prog="tracegrad derive",
        description="Derive a matrix gradient (or Hessian) symbolically, with the steps.",
    )
    p.add_argument("source", help="the expression, tensor code over the symbols ('torch.' allowed)")
    p.add_argument("--wrt", required=True, help="the variable to differentiate with respect to")
    p.add_argument(
        "--shapes",
        nargs="+",
        default=[],
        metavar="NAME=DIMS",
        help="each symbol's shape: X=n,d (matrix), w=n,1 (column), s= (scalar)",
    )
    p.add_argument(
        "--props",
        nargs="*",
        default=[],
        metavar="NAME=PROP",
        help="properties: A=symmetric, S=positive_definite, Y=one_hot, X=positive ...",
    )
    p.add_argument("--order", choices=("gradient", "hessian", "hvp"), default="gradient")
    p.add_argument("--direction", help="the direction symbol for --order hvp (default V)")
    p.add_argument("--steps", action="store_true", help="print the differential derivation")
    p.add_argument("--latex", action="store_true", help="print LaTeX as well")
    p.add_argument("--numpy", action="store_true", help="print NumPy code")
    p.add_argument("--check", action="store_true", help="compare with autograd numerically")
    return p


def _pairs(items, what):
    out = {}
    for item in items:
        if "=" not in item:
            raise ValueError(f"--{what}: expected NAME=VALUE, got {item!r}")
        name, value = item.split("=", 1)
        out.setdefault(name.strip(), []).append(value.strip())
    return out


def main(argv=None) -> int:
    from . import derive

    args = _parser().parse_args(argv)
    try:
        shapes = {k: v[-1] for k, v in _pairs(args.shapes, "shapes").items()}
        props = _pairs(args.props, "props")
        d = derive(args.source, args.wrt, shapes, args.order, args.direction, props)
    except (ValueError, TypeError, NameError, SyntaxError, KeyError, IndexError) as exc:
        print(f"tracegrad derive: {exc}", file=sys.stderr)
        return 2
    except NotImplementedError as exc:
        print(f"tracegrad derive: {exc}", file=sys.stderr)
        return 3
    name = {"gradient": "∂f/∂", "hessian": "∇²f wrt ", "hvp": "H[V] wrt "}[args.order]
    if args.steps and args.order == "gradient":
        print(d.steps())
    else:
        print(f"{name}{args.wrt} = {d}")
    if args.latex:
        print(d.latex())
    if args.numpy:
        print(d.numpy_code())
    if args.check:
        try:
            print(d.check())
        except AssertionError as exc:
            print(exc, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
