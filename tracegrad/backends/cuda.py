"""``torch.backends.cuda``: CUDA is not built in; the matmul flags keep torch's defaults."""

from __future__ import annotations

from types import SimpleNamespace

# ``torch.backends.cuda.matmul.allow_tf32 = True`` is accepted (and changes nothing)
matmul = SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True)


def is_built() -> bool:
    """False: a CPU-only build."""
    return False
