"""Datasets: what a DataLoader reads samples from.

A *map-style* dataset answers ``dataset[i]`` for ``0 <= i < len(dataset)``; an
*iterable-style* dataset yields its samples from ``iter(dataset)``. The classes below
build datasets out of tensors (``TensorDataset``), out of other datasets (``Subset``,
``ConcatDataset``, ``ChainDataset``) and split one at random (``random_split``).
"""

from __future__ import annotations

import bisect
import itertools
import math
import warnings

from ..._random import default_generator, randperm


class Dataset:
    """A map-style dataset: subclasses define ``__getitem__`` (and usually ``__len__``).

    ``a + b`` is the concatenation of two datasets.
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset((self, other))


class IterableDataset(Dataset):
    """An iterable-style dataset: subclasses define ``__iter__``; ``a + b`` chains them."""

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset((self, other))


class TensorDataset(Dataset):
    """Sample ``i`` is the tuple of row ``i`` of every tensor (all have as many rows).

    Example::

        >>> import tracegrad as torch
        >>> data = torch.utils.data.TensorDataset(torch.arange(3), torch.arange(3) * 10)
        >>> data[2]
        (tensor(2), tensor(20))
    """

    def __init__(self, *tensors) -> None:
        rows = {tensor.size(0) for tensor in tensors}
        if len(rows) > 1:
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(column[index] for column in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class ConcatDataset(Dataset):
    """Several map-style datasets one after the other.

    ``cumulative_sizes[k]`` is the number of samples in datasets ``0..k``: sample ``i``
    lives in the first dataset whose cumulative size exceeds ``i``.
    """

    @staticmethod
    def cumsum(sequence) -> list:
        """The running totals of the lengths of ``sequence``'s datasets."""
        return list(itertools.accumulate(len(dataset) for dataset in sequence))

    def __init__(self, datasets) -> None:
        super().__init__()
        parts = list(datasets)
        # PyTorch reports these misuses as AssertionError; the type is kept for parity
        if not parts:
            raise AssertionError("datasets should not be an empty iterable")
        if any(isinstance(part, IterableDataset) for part in parts):
            raise AssertionError("ConcatDataset does not support IterableDataset")
        self.datasets = parts
        self.cumulative_sizes = ConcatDataset.cumsum(parts)

    def __len__(self) -> int:
        total = self.cumulative_sizes[-1]
        return total

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """Several iterable-style datasets, iterated one after the other."""

    def __init__(self, datasets) -> None:
        super().__init__()
        self.datasets = datasets

    def _checked(self):
        """The chained datasets, each checked to be iterable-style when it is reached."""
        for part in self.datasets:
            if not isinstance(part, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield part

    def __iter__(self):
        for dataset in self._checked():
            yield from dataset

    def __len__(self) -> int:
        return sum(len(dataset) for dataset in self._checked())


class Subset(Dataset):
    """The samples of ``dataset`` at positions ``indices``, in that order."""

    def __init__(self, dataset, indices) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        # a list of positions is translated element-wise and passed on as one list
        translated = [self.indices[i] for i in idx] if isinstance(idx, list) else self.indices[idx]
        return self.dataset[translated]

    def __getitems__(self, indices):
        """A batch of samples; forwarded whole when the dataset can fetch batches."""
        positions = [self.indices[i] for i in indices]
        fetch_many = getattr(self.dataset, "__getitems__", None)
        if callable(fetch_many):
            return fetch_many(positions)
        return [self.dataset[position] for position in positions]

    def __len__(self) -> int:
        return len(self.indices)


def _lengths_from_fractions(total: int, fractions) -> list:
    """Whole lengths for fractions summing to 1: each rounded down, then the samples left
    over handed out one at a time from the first split on (PyTorch's rule)."""
    lengths = []
    for i, fraction in enumerate(fractions):
        if not 0 <= fraction <= 1:
            raise ValueError(f"Fraction at index {i} is not between 0 and 1")
        lengths.append(math.floor(total * fraction))
    for i in range(total - sum(lengths)):
        lengths[i % len(lengths)] += 1
    for position in [i for i, length in enumerate(lengths) if length == 0]:
        warnings.warn(
            f"Length of split at index {position} is 0. This might result in an empty dataset.",
            stacklevel=3,
        )
    return lengths


def random_split(dataset, lengths, generator=default_generator):
    """Split ``dataset`` into non-overlapping random subsets of the given lengths (or
    fractions of its length). The order comes from ``randperm`` on ``generator``, so a
    seeded split is the one PyTorch makes."""
    requested = sum(lengths)
    if requested <= 1 and math.isclose(requested, 1):  # fractions, not counts
        lengths = _lengths_from_fractions(len(dataset), lengths)
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = randperm(sum(lengths), generator=generator).tolist()
    ends = itertools.accumulate(lengths)
    return [
        Subset(dataset, order[end - length : end])
        for end, length in zip(ends, lengths, strict=True)
    ]
