"""``torch.backends``: the switches of PyTorch's compute libraries, as seen by tracegrad.

Seed-setting boilerplate (``torch.backends.cudnn.deterministic = True``,
``torch.backends.cudnn.benchmark = False``) and device selection
(``torch.backends.mps.is_available()``) run unchanged: the flags can be read and set with
torch's defaults, and they change nothing, since tracegrad computes with NumPy on the CPU
(its results do not depend on them).
"""

from __future__ import annotations

from . import cpu, cuda, cudnn, mkldnn, mps, openmp

__all__ = ["cpu", "cuda", "cudnn", "mkldnn", "mps", "openmp"]
