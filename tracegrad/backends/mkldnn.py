"""``torch.backends.mkldnn``: reported available, as on torch's x86 CPU builds (tracegrad's
results do not depend on it)."""

from __future__ import annotations

enabled = True


def is_available() -> bool:
    """True, as torch reports on an x86 CPU build."""
    return True
