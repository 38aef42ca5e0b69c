"""``torch.backends.openmp``: reported available, as on torch's CPU builds."""

from __future__ import annotations


def is_available() -> bool:
    """True, as torch reports on its CPU builds."""
    return True
