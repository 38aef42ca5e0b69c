"""Flatten parameters into one vector and back (for optimizers that work on vectors)."""

from __future__ import annotations

from ... import ops
from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    r"""Flatten an iterable of parameters into a single vector (``cat`` of their views).

    Args:
        parameters (Iterable[Tensor]): an iterable of Tensors that are the parameters of
            a model.

    Returns:
        The parameters represented by a single vector

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.utils.parameters_to_vector([torch.ones(2, 2), torch.zeros(1)])
        tensor([1., 1., 1., 1., 0.])
    """
    return ops.cat([param.view(-1) for param in parameters])


def vector_to_parameters(vec, parameters) -> None:
    r"""Copy slices of a vector into an iterable of parameters (their ``.data``).

    Args:
        vec (Tensor): a single vector representing the parameters of a model.
        parameters (Iterable[Tensor]): an iterable of Tensors that are the parameters of
            a model.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    pointer = 0
    for param in parameters:
        count = param.numel()
        param.data = vec[pointer : pointer + count].view(*param.shape).data
        pointer += count
