"""``torch.backends.cpu``: the CPU's vector instruction set as torch names it."""

from __future__ import annotations


def get_cpu_capability() -> str:
    """``"DEFAULT"``: tracegrad's kernels are NumPy's, not torch's vectorized ones."""
    return "DEFAULT"
