"""Collating: how a list of samples becomes one batch.

A sample is a nested structure (a tuple ``(image, label)``, a dict of fields, a namedtuple,
...). A batch keeps that structure, and each leaf becomes one tensor with a new first
dimension of size ``len(batch)``::

    [(x0, 0), (x1, 1), (x2, 2)]   ->   [stack([x0, x1, x2]), tensor([0, 1, 2])]

Leaves are handled by the functions of a *collate map* (leaf type -> function), so a user
can teach :func:`collate` a new leaf type without rewriting the recursion.
"""

from __future__ import annotations

import collections.abc as abc
import copy

import numpy as np

from ..._creation import as_tensor, tensor
from ..._dtype import float64
from ..._tensor import Tensor

# NumPy dtype kinds with no tensor equivalent: bytes, str, object
_NON_NUMERIC_KINDS = frozenset("SaUO")

_UNSUPPORTED = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)
_RAGGED = "each element in list of batch should be of equal size"


def _function_for(sample, collate_fn_map):
    """The leaf function that handles ``sample``: its exact type wins over a base class."""
    if not collate_fn_map:
        return None
    exact = collate_fn_map.get(type(sample))
    if exact is not None:
        return exact
    for leaf_type, fn in collate_fn_map.items():
        if isinstance(sample, leaf_type):
            return fn
    return None


def _same_container(template, contents):
    """A container of ``template``'s type holding ``contents`` (a dict or a list).

    Mutable containers are shallow-copied and refilled, so that subclasses with extra
    state survive; when the type cannot be rebuilt, a plain dict or list is returned.
    """
    is_mapping = isinstance(template, abc.Mapping)
    try:
        if isinstance(template, abc.MutableMapping):
            clone = copy.copy(template)
            clone.update(contents)
            return clone
        if isinstance(template, abc.MutableSequence):
            clone = copy.copy(template)
            clone[:] = contents
            return clone
        return type(template)(contents)
    except TypeError:
        return dict(contents) if is_mapping else list(contents)


def _is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def collate(batch, *, collate_fn_map=None):
    """Collate ``batch`` (a list of samples of one structure) into one batched structure.

    Leaves are given to the function ``collate_fn_map`` has for their type; mappings,
    namedtuples and other sequences are collated field by field (a tuple sample gives a
    list of batched fields, as in PyTorch).
    """
    head = batch[0]
    leaf_fn = _function_for(head, collate_fn_map)
    if leaf_fn is not None:
        return leaf_fn(batch, collate_fn_map=collate_fn_map)

    def recurse(values):
        # a column of a sequence sample stays the tuple ``zip`` makes (a column of strings
        # comes back as that tuple, as in PyTorch); a mapping's field is a list
        return collate(values, collate_fn_map=collate_fn_map)

    if isinstance(head, abc.Mapping):
        fields = {key: recurse([sample[key] for sample in batch]) for key in head}
        return _same_container(head, fields)
    if _is_namedtuple(head):
        return type(head)(*(recurse(column) for column in zip(*batch)))
    if isinstance(head, abc.Sequence):
        width = len(head)
        if any(len(sample) != width for sample in batch):
            raise RuntimeError(_RAGGED)
        columns = [recurse(column) for column in zip(*batch)]
        if isinstance(head, tuple):
            return columns
        return _same_container(head, columns)
    raise TypeError(_UNSUPPORTED.format(type(head)))


def _stack_tensors(batch, *, collate_fn_map=None):
    from ... import stack  # the top-level namespace imports this package

    return stack(batch, 0)


def _stack_arrays(batch, *, collate_fn_map=None):
    kind = batch[0].dtype.kind
    if kind in _NON_NUMERIC_KINDS:
        raise TypeError(_UNSUPPORTED.format(batch[0].dtype))
    # converted leaves go through the map again, so a custom Tensor rule applies to them
    return collate([as_tensor(array) for array in batch], collate_fn_map=collate_fn_map)


def _numpy_scalars(batch, *, collate_fn_map=None):
    return as_tensor(np.asarray(batch))


def _python_floats(batch, *, collate_fn_map=None):
    # Python floats are double precision, and PyTorch keeps them so in a batch
    return tensor(batch, dtype=float64)


def _python_ints(batch, *, collate_fn_map=None):
    return tensor(batch)


def _keep_as_list(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {
    Tensor: _stack_tensors,
    np.ndarray: _stack_arrays,
    (np.bool_, np.number, np.object_): _numpy_scalars,
    float: _python_floats,
    int: _python_ints,  # bool is an int subclass: True/False give a bool tensor
    str: _keep_as_list,
    bytes: _keep_as_list,
}


def default_collate(batch):
    """Batch a list of samples: tensors, arrays and numbers are stacked into tensors,
    strings are kept as lists, containers are batched field by field.

    Example:
        >>> import tracegrad as torch
        >>> from tracegrad.utils.data import default_collate
        >>> default_collate([(torch.tensor([1.0, 2.0]), 0), (torch.tensor([3.0, 4.0]), 1)])
        [tensor([[1., 2.],
                [3., 4.]]), tensor([0, 1])]
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """Turn NumPy arrays and scalars into tensors, also inside containers, without
    batching: what a DataLoader with ``batch_size=None`` applies to each sample."""
    if isinstance(data, Tensor):
        return data
    if type(data).__module__ == "numpy" and not isinstance(data, np.str_ | np.bytes_):
        if isinstance(data, np.ndarray) and data.dtype.kind in _NON_NUMERIC_KINDS:
            return data
        return as_tensor(data)
    if isinstance(data, abc.Mapping):
        return _same_container(data, {key: default_convert(v) for key, v in data.items()})
    if _is_namedtuple(data):
        return type(data)(*(default_convert(item) for item in data))
    if isinstance(data, tuple):
        return [default_convert(item) for item in data]
    if isinstance(data, abc.Sequence) and not isinstance(data, str | bytes):
        return _same_container(data, [default_convert(item) for item in data])
    return data
