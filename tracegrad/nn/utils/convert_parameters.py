"""Flatten parameters into one vector and back (for optimizers that work on vectors).

Some methods (line searches, L-BFGS, evolution strategies, second-order tricks) treat all
of a model's weights as one point in :math:`\\mathbb{R}^n`. These two helpers move between
that flat view and the list of shaped tensors.
"""

from __future__ import annotations

from ... import ops
from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    r"""Concatenate the tensors of ``parameters``, each read in row-major order, into one
    1-D tensor of length :math:`\sum_p \mathrm{numel}(p)`.

    The result is a new tensor built with ``cat``, so it is connected to the parameters
    in the autograd graph but does not share memory with them.

    Args:
        parameters (Iterable[Tensor]): for instance ``model.parameters()``.

    Returns:
        The 1-D tensor.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.utils.parameters_to_vector([torch.ones(2, 2), torch.zeros(1)])
        tensor([1., 1., 1., 1., 0.])
    """
    return ops.cat([tensor.view(-1) for tensor in parameters])


def vector_to_parameters(vec, parameters) -> None:
    r"""The inverse of :func:`parameters_to_vector`: cut ``vec`` into consecutive pieces,
    one per parameter and as long as its ``numel()``, and make each piece, reshaped, the
    parameter's new ``.data``. Nothing is returned; the parameters change in place.

    Args:
        vec (Tensor): the 1-D tensor, with as many elements as all parameters together.
        parameters (Iterable[Tensor]): the tensors to overwrite, in the same order as
            when the vector was made.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    start = 0
    for tensor in parameters:
        stop = start + tensor.numel()
        tensor.data = vec[start:stop].view(*tensor.shape).data
        start = stop
