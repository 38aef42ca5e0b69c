"""``Flatten`` and ``Unflatten``: reshape a range of dims into one, and back.

Both are thin module wrappers around tensor methods, so that a reshape can sit between two
layers of an ``nn.Sequential``; typically ``Flatten()`` turns a batch of feature maps
``(N, C, H, W)`` into the matrix ``(N, C*H*W)`` a ``Linear`` layer expects.
"""

from __future__ import annotations

from .module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    r"""Merge the dims ``start_dim`` .. ``end_dim`` (both included, negative values count
    from the end) into one whose size is the product of theirs; the other dims are kept.

    The default ``start_dim=1`` keeps the batch dim 0 apart, unlike the function
    ``torch.flatten``, whose default flattens everything.

    Shape: an input ``(B, S_1, ..., S_k)`` becomes ``(B, S_1 * ... * S_k)`` with the
    defaults; in general
    :math:`(\dots, S_{\text{start}}, \dots, S_{\text{end}}, \dots) \to
    (\dots, \prod_{i=\text{start}}^{\text{end}} S_i, \dots)`.

    Args:
        start_dim: the first dim merged. Default: 1
        end_dim: the last dim merged. Default: -1

    Examples::

        >>> import tracegrad as torch
        >>> images = torch.randn(32, 1, 5, 5)
        >>> torch.nn.Flatten()(images).size()
        torch.Size([32, 25])
        >>> torch.nn.Flatten(0, 2)(images).size()
        torch.Size([160, 5])
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        """``input.flatten(start_dim, end_dim)``."""
        return input.flatten(start_dim=self.start_dim, end_dim=self.end_dim)

    def extra_repr(self) -> str:
        return _settings(self, "start_dim", "end_dim")


class Unflatten(Module):
    r"""Split dim ``dim`` of the input into several dims of sizes ``unflattened_size``:
    the inverse of ``Flatten``. The sizes must multiply to the size of ``dim``; one of
    them may be ``-1``, to be inferred.

    Shape: :math:`(\dots, S, \dots) \to (\dots, U_1, \dots, U_n, \dots)` with
    :math:`U_1 \cdots U_n = S`.

    Args:
        dim (int): the dim to split.
        unflattened_size (tuple, list or ``torch.Size`` of ints): the sizes it is split
            into.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.Unflatten(1, (2, 5, 5))(torch.randn(2, 50)).size()
        torch.Size([2, 2, 5, 5])
    """

    def __init__(self, dim, unflattened_size) -> None:
        super().__init__()
        if not isinstance(dim, int):
            # named dims (a string ``dim``) are not supported by tracegrad
            raise TypeError("invalid argument type for dim parameter")
        _check_sizes(unflattened_size)
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input):
        """``input.unflatten(dim, unflattened_size)``."""
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return _settings(self, "dim", "unflattened_size")


def _settings(module: Module, *names: str) -> str:
    """``"a=1, b=2"`` for the attributes ``names`` of ``module``."""
    return ", ".join(f"{name}={getattr(module, name)}" for name in names)


def _check_sizes(sizes) -> None:
    """Reject anything but a tuple or list (``torch.Size`` is a tuple) of Python ints."""
    if not isinstance(sizes, tuple | list):
        kind = type(sizes).__name__
        raise TypeError(f"unflattened_size must be a tuple of ints, but found type {kind}")
    for position, size in enumerate(sizes):
        if isinstance(size, int):
            continue
        kind = type(size).__name__
        raise TypeError(
            "unflattened_size must be tuple of ints, "
            f"but found element of type {kind} at pos {position}"
        )
