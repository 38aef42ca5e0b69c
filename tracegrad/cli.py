"""The ``tracegrad`` command: one entry point for the course programs.

    tracegrad charclf --mode train      # the character classifier (tracegrad.apps.charclf)
    tracegrad derive "(X @ W).sum()" --wrt W --shapes X=n,d W=d,k   # tracegrad.matcalc

Each sub-command lives in its own module and is imported only when asked for, so
``tracegrad --help`` works with NumPy alone.
"""

from __future__ import annotations

import importlib
import sys

# sub-command -> (module with a ``main(argv)`` function, one-line description)
COMMANDS = {
    "charclf": ("tracegrad.apps.charclf", "train, test and predict the character classifier"),
    "derive": ("tracegrad.matcalc.cli", "derive a matrix gradient symbolically, with steps"),
}


def _usage() -> str:
    lines = ["usage: tracegrad COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<10}{text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "Run 'tracegrad COMMAND --help' for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"tracegrad: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    return module.main(rest) or 0


if __name__ == "__main__":
    sys.exit(main())
