"""Distance layers: ``PairwiseDistance`` and ``CosineSimilarity`` between two batches."""

from __future__ import annotations

from .. import functional as F  # noqa: N812 - torch's spelling
from .module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class PairwiseDistance(Module):
    r"""The p-norm distance :math:`\lVert x_1 - x_2 + \varepsilon \rVert_p` between matching
    rows (along the last dim); the small :math:`\varepsilon` keeps the gradient finite
    when two rows coincide.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.PairwiseDistance()(torch.tensor([[3.0, 0.0]]), torch.tensor([[0.0, 4.0]]))
        tensor([5.])
    """

    __constants__ = ["norm", "eps", "keepdim"]

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    r"""The cosine of the angle between ``x1`` and ``x2`` along ``dim``:
    :math:`\frac{x_1 \cdot x_2}{\max(\lVert x_1 \rVert, \varepsilon)
    \max(\lVert x_2 \rVert, \varepsilon)}`, between -1 and 1.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.CosineSimilarity()(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]]))
        tensor([0.7071])
    """

    __constants__ = ["dim", "eps"]

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)
