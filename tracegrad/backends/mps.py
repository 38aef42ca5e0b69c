"""``torch.backends.mps``: Apple's Metal backend is neither built in nor available."""

from __future__ import annotations


def is_available() -> bool:
    """False: tracegrad computes on the CPU."""
    return False


def is_built() -> bool:
    """False: no MPS backend."""
    return False
