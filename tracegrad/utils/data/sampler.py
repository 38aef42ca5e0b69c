"""Samplers: iterables of dataset indices (torch.utils.data.sampler)."""

from __future__ import annotations

import itertools

from ... import _random
from ..._creation import as_tensor, empty
from ..._dtype import float64, int64


def _check_positive_int(name: str, value, bool_ok: bool = False) -> None:
    """Samplers reject counts that are not positive integers (PyTorch's wording)."""
    is_int = isinstance(value, int) and (bool_ok or not isinstance(value, bool))
    if not is_int or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value}")


def _check_flag(name: str, value, error=ValueError) -> None:
    """Flags must be real bools (``1`` is refused), as in PyTorch."""
    if not isinstance(value, bool):
        raise error(f"{name} should be a boolean value, but got {name}={value}")


class Sampler:
    """Base class of all samplers: subclasses implement ``__iter__``."""

    def __init__(self, data_source=None) -> None:
        pass

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """Indices ``0 .. len(data_source) - 1`` in order."""

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self):
        yield from range(len(self.data_source))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Random indices, a permutation per epoch or draws with replacement."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._requested = num_samples  # None: one epoch is len(data_source) draws
        self.generator = generator
        _check_flag("replacement", replacement, error=TypeError)
        _check_positive_int("num_samples", self.num_samples, bool_ok=True)

    @property
    def num_samples(self) -> int:
        """Indices per epoch: as asked, or the length of the data source."""
        return len(self.data_source) if self._requested is None else self._requested

    def _epoch_generator(self):
        """The generator of this epoch's draws: the given one, or (like torch) a fresh
        one seeded with a 64-bit number drawn from the default generator."""
        if self.generator is not None:
            return self.generator
        seed = int(empty((), dtype=int64).random_().item())
        generator = _random.Generator()
        generator.manual_seed(seed)
        return generator

    def __iter__(self):
        size = len(self.data_source)
        generator = self._epoch_generator()
        if self.replacement:
            # with replacement: indices drawn 32 at a time, then the remainder
            full_blocks, rest = divmod(self.num_samples, 32)
            for count in [32] * full_blocks + [rest]:
                draws = _random.randint(high=size, size=(count,), dtype=int64, generator=generator)
                yield from draws.tolist()
            return
        # without replacement: whole permutations, then the start of one more
        whole, rest = divmod(self.num_samples, size)
        for _ in range(whole):
            yield from _random.randperm(size, generator=generator).tolist()
        yield from _random.randperm(size, generator=generator).tolist()[:rest]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order."""

    def __init__(self, indices, generator=None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in _random.randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Indices ``0 .. len(weights) - 1`` drawn with the given (unnormalised) probabilities."""

    def __init__(self, weights, num_samples, replacement=True, generator=None) -> None:
        _check_positive_int("num_samples", num_samples)
        _check_flag("replacement", replacement)
        probabilities = as_tensor(weights, dtype=float64)  # need not sum to 1
        if probabilities.dim() != 1:
            shape = tuple(probabilities.shape)
            raise ValueError(
                f"weights should be a 1d sequence but given weights have shape {shape}"
            )
        self.weights = probabilities
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        picks = _random.multinomial(
            self.weights, self.num_samples, replacement=self.replacement, generator=self.generator
        )
        yield from picks.tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``."""

    def __init__(self, sampler, batch_size, drop_last) -> None:
        _check_positive_int("batch_size", batch_size)
        _check_flag("drop_last", drop_last)
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        indices = iter(self.sampler)
        while True:
            batch = list(itertools.islice(indices, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


class _EndlessNoneSampler(Sampler):
    """Yields ``None`` forever: the "indices" of an iterable-style dataset, which ignores
    them and decides itself when its epoch ends."""

    def __iter__(self):
        while True:
            yield None
