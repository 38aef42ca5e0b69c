"""``torch.backends.cudnn``: cuDNN is not available (tracegrad has no GPU backend); the
flags keep torch's defaults and may be set, without effect."""

from __future__ import annotations

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: no cuDNN."""
    return False


def version():
    """``None``: no cuDNN library."""
    return None
