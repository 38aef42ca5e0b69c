"""Lookup tables: ``Embedding``.

An embedding maps each integer id (a word, a character, a class) to a learned vector.
Looking up row ``i`` of the weight matrix is the same as multiplying the one-hot vector of
``i`` by it, but costs a copy instead of a matrix product, and the gradient reaches only
the rows that were looked up.
"""

from __future__ import annotations

from ... import _creation
from ...autograd import grad_mode
from .. import functional as F  # noqa: N812 - torch's spelling
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Embedding"]

_OUT_OF_RANGE = "Padding_idx must be within num_embeddings"


class Embedding(Module):
    r"""A learned table of ``num_embeddings`` vectors, each of length ``embedding_dim``.

    The input is an integer tensor of ids of any shape ``(*)``; the output has shape
    ``(*, embedding_dim)`` and holds, for each id ``i``, row ``i`` of :attr:`weight`.

    Args:
        num_embeddings (int): how many ids there are (rows of the table).
        embedding_dim (int): the length of each vector (columns of the table).
        padding_idx (int, optional): an id used for padding; its row starts at zero and
            never receives a gradient. A negative value counts from the end.
        max_norm, norm_type, scale_grad_by_freq, sparse: kept and shown in the repr;
            a forward pass with ``max_norm``, ``scale_grad_by_freq`` or ``sparse`` set
            raises ``NotImplementedError`` in tracegrad.
        _weight (Tensor, optional): use this table instead of a random one.

    Attributes:
        weight (Tensor): the table, shape ``(num_embeddings, embedding_dim)``, drawn from
            :math:`\mathcal{N}(0, 1)` with the same numbers PyTorch draws for the seed.

    Examples::

        >>> import tracegrad as torch
        >>> torch.nn.Embedding(10, 3, padding_idx=0)
        Embedding(10, 3, padding_idx=0)
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx=None,
        max_norm=None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight=None,
        _freeze: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = _resolve_padding(padding_idx, num_embeddings)
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        table_shape = (num_embeddings, embedding_dim)
        trainable = not _freeze
        if _weight is not None:
            if tuple(_weight.shape) != table_shape:
                raise AssertionError(
                    "Shape of weight does not match num_embeddings and embedding_dim"
                )
            self.weight = Parameter(_weight, requires_grad=trainable)
        else:
            table = _creation.empty(table_shape, device=device, dtype=dtype)
            self.weight = Parameter(table, requires_grad=trainable)
            self.reset_parameters()
        self.sparse = sparse

    @classmethod
    def from_pretrained(
        cls,
        embeddings,
        freeze: bool = True,
        padding_idx=None,
        max_norm=None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ):
        """An ``Embedding`` whose table is ``embeddings`` (shared, not copied), e.g. word
        vectors trained elsewhere; with ``freeze=True`` (default) the table is not trained.
        The padding row is left as given.

        Example::

            >>> import tracegrad as torch
            >>> vectors = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
            >>> torch.nn.Embedding.from_pretrained(vectors)(torch.tensor([1]))
            tensor([[3., 4.]])
        """
        shape = tuple(embeddings.shape)
        if len(shape) != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        # the arguments in the order of __init__'s signature
        lookup_options = (padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse)
        return cls(*shape, *lookup_options, _weight=embeddings, _freeze=freeze)

    def reset_parameters(self) -> None:
        """Draw every entry from N(0, 1), then clear the padding row."""
        init.normal_(self.weight)
        self._zero_padding_row()

    def _zero_padding_row(self) -> None:
        if self.padding_idx is None:
            return
        with grad_mode.no_grad():
            self.weight[self.padding_idx] = 0

    def forward(self, input):
        return F.embedding(
            input,
            self.weight,
            padding_idx=self.padding_idx,
            max_norm=self.max_norm,
            norm_type=self.norm_type,
            scale_grad_by_freq=self.scale_grad_by_freq,
            sparse=self.sparse,
        )

    def extra_repr(self) -> str:
        # only the settings that differ from their defaults are shown
        parts = [str(self.num_embeddings), str(self.embedding_dim)]
        optional = [
            ("padding_idx", self.padding_idx, self.padding_idx is not None),
            ("max_norm", self.max_norm, self.max_norm is not None),
            ("norm_type", self.norm_type, self.norm_type != 2),
            ("scale_grad_by_freq", self.scale_grad_by_freq, self.scale_grad_by_freq is not False),
            ("sparse", True, self.sparse is not False),
        ]
        parts += [f"{name}={value}" for name, value, shown in optional if shown]
        return ", ".join(parts)


def _resolve_padding(padding_idx, count: int):
    """The padding row as an index in ``[0, count)`` (``None`` stays ``None``)."""
    if padding_idx is None:
        return None
    # id 0 is never rejected here, even for an empty table (the zero-fill then fails)
    beyond_end = padding_idx > 0 and padding_idx >= count
    before_start = padding_idx < 0 and padding_idx < -count
    if beyond_end or before_start:
        raise AssertionError(_OUT_OF_RANGE)
    return padding_idx + count if padding_idx < 0 else padding_idx
