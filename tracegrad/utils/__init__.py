"""torch.utils: data loading utilities."""

from . import data

__all__ = ["data"]
