"""DataLoader, its single- and multi-process iterators, and the default collate functions."""

from __future__ import annotations

import collections.abc
import copy
import itertools
import multiprocessing
import queue
import random
import sys
import re
import traceback
from math import ceil

import numpy as np

from ... import _random
from ..._creation import as_tensor, empty, tensor
from ..._dtype import float64, int64
from ..._tensor import Tensor
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, _InfiniteConstantSampler

# ----------------------------------------------------------------------------------- collate
#
# Collating turns a list of samples into one batch with the same structure: tensors,
# arrays and numbers become one stacked tensor, mappings and sequences are collated field
# by field, strings stay a list. ``collate_fn_map`` maps leaf types to the function that
# batches them, which is how ``default_collate`` is built and how users extend it.

_TEXT_OR_OBJECT_DTYPE = re.compile(r"[SaUO]")  # NumPy kinds that cannot become a tensor

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _leaf_function(elem, collate_fn_map):
    """The collate function registered for ``elem``'s type (exact type first)."""
    if collate_fn_map is None:
        return None
    function = collate_fn_map.get(type(elem))
    if function is not None:
        return function
    for leaf_type, candidate in collate_fn_map.items():
        if isinstance(elem, leaf_type):
            return candidate
    return None


def _rebuild(container, items):
    """A container like ``container`` holding ``items``; a plain list or dict when its type
    cannot be built from one (torch's fallback)."""
    kind = type(container)
    try:
        if isinstance(container, collections.abc.Mapping):
            if isinstance(container, collections.abc.MutableMapping):
                result = copy.copy(container)
                result.update(items)
                return result
            return kind(items)
        if isinstance(container, collections.abc.MutableSequence):
            result = copy.copy(container)
            result[:] = items
            return result
        return kind(items)
    except TypeError:
        return dict(items) if isinstance(container, collections.abc.Mapping) else list(items)


def collate(batch, *, collate_fn_map=None):
    """Collate ``batch`` (a list of samples) recursively into one batched structure."""
    first = batch[0]
    function = _leaf_function(first, collate_fn_map)
    if function is not None:
        return function(batch, collate_fn_map=collate_fn_map)
    if isinstance(first, collections.abc.Mapping):
        fields = {
            key: collate([sample[key] for sample in batch], collate_fn_map=collate_fn_map)
            for key in first
        }
        return _rebuild(first, fields)
    if isinstance(first, tuple) and hasattr(first, "_fields"):  # a namedtuple
        return type(first)(
            *(collate(list(column), collate_fn_map=collate_fn_map) for column in zip(*batch))
        )
    if isinstance(first, collections.abc.Sequence):
        if any(len(sample) != len(first) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(list(column), collate_fn_map=collate_fn_map) for column in zip(*batch)]
        return columns if isinstance(first, tuple) else _rebuild(first, columns)
    raise TypeError(default_collate_err_msg_format.format(type(first)))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    """Tensors: stacked along a new first dimension."""
    from ... import stack

    return stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    """NumPy arrays: converted to tensors, then stacked (text and object arrays refused)."""
    if _TEXT_OR_OBJECT_DTYPE.search(batch[0].dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(batch[0].dtype))
    return collate([as_tensor(array) for array in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    """NumPy scalars: one tensor of their dtype."""
    return as_tensor(np.asarray(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    """Python floats: a float64 tensor (not the default dtype), as torch does."""
    return tensor(batch, dtype=float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    """Python ints (and bools): an int64 (or bool) tensor."""
    return tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    """Strings and bytes: kept as a list."""
    return batch


default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Stack a list of samples into batched tensors, preserving the sample's structure."""
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """Convert NumPy arrays (also nested in mappings and sequences) to tensors, without
    batching (what the DataLoader uses when ``batch_size=None``)."""
    if isinstance(data, Tensor):
        return data
    kind = type(data)
    if kind.__module__ == "numpy" and kind.__name__ not in ("str_", "string_"):
        if isinstance(data, np.ndarray) and _TEXT_OR_OBJECT_DTYPE.search(data.dtype.str):
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, {key: default_convert(value) for key, value in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a namedtuple
        return kind(*(default_convert(item) for item in data))
    if isinstance(data, tuple):
        return [default_convert(item) for item in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, str | bytes):
        return _rebuild(data, [default_convert(item) for item in data])
    return data


# ------------------------------------------------------------------------------------ workers


class WorkerInfo:
    """What a worker process knows about itself: ``id``, ``num_workers``, ``seed``, ``dataset``."""

    def __init__(self, **kwargs) -> None:
        for k, v in kwargs.items():
            setattr(self, k, v)

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={getattr(self, k)}" for k in ("id", "num_workers", "seed"))
        return f"WorkerInfo({items}, dataset={self.dataset!r})"


_worker_info = None


def get_worker_info():
    """The current worker's :class:`WorkerInfo`, or ``None`` in the main process."""
    return _worker_info


def _generate_state(base_seed, worker_id):
    """The NumPy seed torch gives a worker: NumPy's SeedSequence hashing of (worker id,
    base seed), so that a worker's np.random draws are the ones it has under torch."""
    init_a, mult_a, init_b, mult_b = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
    mix_mult_l, mix_mult_r, xshift, mask32 = 0xCA01F9DD, 0x4973F715, 16, 0xFFFFFFFF
    entropy = [worker_id, base_seed & mask32, base_seed >> 32, 0]
    pool = [0] * 4
    hash_const_a = init_a

    def hash_(value):
        nonlocal hash_const_a
        value = (value ^ hash_const_a) & mask32
        hash_const_a = (hash_const_a * mult_a) & mask32
        value = (value * hash_const_a) & mask32
        return (value ^ (value >> xshift)) & mask32

    def mix(x, y):
        result = ((mix_mult_l * x) & mask32) - ((mix_mult_r * y) & mask32)
        result &= mask32
        return (result ^ (result >> xshift)) & mask32

    for i in range(4):
        pool[i] = hash_(entropy[i])
    for i_src in range(4):
        for i_dst in range(4):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hash_(pool[i_src]))
    hash_const_b = init_b
    state = []
    for i_dst in range(4):
        data_val = (pool[i_dst] ^ hash_const_b) & mask32
        hash_const_b = (hash_const_b * mult_b) & mask32
        data_val = (data_val * hash_const_b) & mask32
        state.append((data_val ^ (data_val >> xshift)) & mask32)
    return state


# ------------------------------------------------------------------------------ reading data
#
# A "reader" turns what the index sampler yields into one collated item: a batch of indices
# (or one index) for a map-style dataset; for an iterable dataset the index only says how
# many samples to take from the stream.


class _ReaderConfig:
    """What a reader needs; picklable, so worker processes can build their own reader."""

    def __init__(self, loader) -> None:
        self.dataset = loader.dataset
        self.iterable = loader._is_iterable
        self.batched = loader._auto_collation
        self.collate_fn = loader.collate_fn
        self.drop_last = loader.drop_last


def _make_reader(config):
    """A function ``index -> collated data``; raises StopIteration when a stream ends."""
    if not config.iterable:

        def read_map(index):
            if not config.batched:
                return config.collate_fn(config.dataset[index])
            get_many = getattr(config.dataset, "__getitems__", None)
            if callable(get_many):
                return config.collate_fn(get_many(index))
            return config.collate_fn([config.dataset[i] for i in index])

        return read_map

    stream = iter(config.dataset)
    ended = [False]

    def read_stream(index):
        if ended[0]:
            raise StopIteration
        if not config.batched:
            return config.collate_fn(next(stream))
        samples = list(itertools.islice(stream, len(index)))
        if len(samples) < len(index):
            ended[0] = True
        if not samples or (config.drop_last and len(samples) < len(index)):
            raise StopIteration
        return config.collate_fn(samples)

    return read_stream


def _draw_base_seed(generator) -> int:
    """The 64-bit number each epoch draws first (workers are seeded from it), as torch."""
    return int(empty((), dtype=int64).random_(generator=generator).item())


class _SingleProcessBatches:
    """Iterates the loader in this process: index, read, collate, yield."""

    def __init__(self, loader) -> None:
        self._sampler = loader._index_sampler
        self._indices = iter(self._sampler)
        self._base_seed = _draw_base_seed(loader.generator)
        self._read = _make_reader(_ReaderConfig(loader))

    def __iter__(self):
        return self

    def __next__(self):
        return self._read(next(self._indices))

    def __len__(self) -> int:
        return len(self._sampler)


# ------------------------------------------------------------------------------ worker processes


class _WorkerError:
    """An exception raised in a worker, re-raised in the main process with its traceback."""

    def __init__(self, worker_id) -> None:
        kind, _, _ = sys.exc_info()
        self.kind = kind
        self.text = (
            f"Caught {kind.__name__} in DataLoader worker process {worker_id}.\n"
            f"Original {traceback.format_exc()}"
        )

    def reraise(self):
        try:
            error = self.kind(self.text)
        except Exception:
            raise RuntimeError(self.text) from None
        raise error


class _StreamEnded:
    """A worker's iterable dataset has no more samples."""

    def __init__(self, worker_id) -> None:
        self.worker_id = worker_id


class _NewEpoch:
    """Sent to persistent workers to restart their readers; echoed back when done."""


def _seed_worker(base_seed, worker_id):
    seed = base_seed + worker_id
    random.seed(seed)
    _random.manual_seed(seed)
    np.random.seed(_generate_state(base_seed, worker_id))
    return seed


def _worker_main(config, tasks, results, base_seed, worker_id, num_workers, init_fn):
    """A worker process: read the tasks it is sent, put back ``(task id, data)``."""
    global _worker_info
    seed = _seed_worker(base_seed, worker_id)
    _worker_info = WorkerInfo(
        id=worker_id, num_workers=num_workers, seed=seed, dataset=config.dataset
    )
    startup_error = None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        read = _make_reader(config)
    except Exception:
        startup_error = _WorkerError(worker_id)
    exhausted = False
    while True:
        message = tasks.get()
        if message is None:
            break
        if isinstance(message, _NewEpoch):
            exhausted = False
            read = _make_reader(config)
            results.put((message, None))
            continue
        if exhausted:
            continue
        task_id, index = message
        if startup_error is not None:
            data, startup_error = startup_error, None
        else:
            try:
                data = read(index)
            except StopIteration:
                if not config.iterable:
                    data = _WorkerError(worker_id)
                else:
                    data, exhausted = _StreamEnded(worker_id), True
            except Exception:
                data = _WorkerError(worker_id)
        results.put((task_id, data))
    results.cancel_join_thread()


class _WorkerBatches:
    """Iterates the loader with worker processes.

    Tasks (numbered in sampler order) go to the workers in turn, ``prefetch_factor`` per
    worker ahead; results come back in any order and are handed out in task order. A
    worker whose iterable dataset ran out is skipped from then on, and the tasks it still
    held are dropped, as in torch.
    """

    def __init__(self, loader) -> None:
        self._loader = loader
        context = loader.multiprocessing_context or multiprocessing
        if isinstance(context, str):
            context = multiprocessing.get_context(context)
        self._count = loader.num_workers
        self._results = context.Queue()
        self._task_queues = []
        self._workers = []
        self._closed = False
        self._sampler = loader._index_sampler
        self._indices = iter(self._sampler)
        base_seed = _draw_base_seed(loader.generator)
        config = _ReaderConfig(loader)
        for worker_id in range(self._count):
            tasks = context.Queue()
            tasks.cancel_join_thread()
            worker = context.Process(
                target=_worker_main,
                args=(
                    config,
                    tasks,
                    self._results,
                    base_seed,
                    worker_id,
                    self._count,
                    loader.worker_init_fn,
                ),
                daemon=True,
            )
            worker.start()
            self._task_queues.append(tasks)
            self._workers.append(worker)
        self._start_epoch(first=True)

    def _start_epoch(self, first: bool) -> None:
        if not first:
            self._indices = iter(self._sampler)
            for tasks in self._task_queues:
                tasks.put(_NewEpoch())
            acknowledged = 0
            while acknowledged < self._count:
                task_id, _ = self._receive()
                acknowledged += isinstance(task_id, _NewEpoch)
        self._sent = 0  # tasks sent so far (the next task's number)
        self._handed = 0  # tasks handed out so far (the next result's number)
        self._owner = {}  # task number -> worker, for tasks not yet handed out
        self._early = {}  # task number -> data that arrived before its turn
        self._active = [True] * self._count
        self._turn = itertools.cycle(range(self._count))
        for _ in range(self._loader.prefetch_factor * self._count):
            self._send_task()

    def _send_task(self) -> None:
        try:
            index = next(self._indices)
        except StopIteration:
            return
        for _ in range(self._count):
            worker = next(self._turn)
            if self._active[worker]:
                break
        else:
            return
        self._task_queues[worker].put((self._sent, index))
        self._owner[self._sent] = worker
        self._sent += 1

    def _receive(self):
        timeout = self._loader.timeout
        while True:
            try:
                return self._results.get(timeout=timeout if timeout > 0 else 5.0)
            except queue.Empty:
                if timeout > 0:
                    raise RuntimeError(f"DataLoader timed out after {timeout} seconds") from None
                # a worker that ended normally (exit code 0) is not a failure: it may have
                # finished its share of an IterableDataset while this process waited
                crashed = [w.pid for w in self._workers if not w.is_alive() and w.exitcode != 0]
                if crashed:
                    self._shutdown()
                    raise RuntimeError(
                        f"DataLoader worker (pid(s) {', '.join(map(str, crashed))}) exited "
                        "unexpectedly"
                    ) from None

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            if not self._skip_to_answerable_task():
                if not self._loader.persistent_workers:
                    self._shutdown()
                raise StopIteration
            if self._handed in self._early:
                return self._hand_out(self._early.pop(self._handed))
            task_id, data = self._receive()
            if isinstance(data, _StreamEnded):
                self._active[data.worker_id] = False
                if not self._loader.persistent_workers:
                    self._task_queues[data.worker_id].put(None)
                self._send_task()
                continue
            if task_id == self._handed:
                return self._hand_out(data)
            self._early[task_id] = data

    def _skip_to_answerable_task(self) -> bool:
        """Move past tasks held by workers that ran out; False when nothing is left."""
        while self._handed < self._sent:
            if self._handed in self._early or self._active[self._owner[self._handed]]:
                return True
            del self._owner[self._handed]
            self._handed += 1
        return False

    def _hand_out(self, data):
        del self._owner[self._handed]
        self._handed += 1
        self._send_task()
        if isinstance(data, _WorkerError):
            data.reraise()
        return data

    def __len__(self) -> int:
        return len(self._sampler)

    def _shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        for tasks, worker in zip(self._task_queues, self._workers, strict=True):
            if worker.is_alive():
                try:
                    tasks.put(None)
                except (OSError, ValueError):
                    pass
        for worker in self._workers:
            worker.join(timeout=5.0)
            if worker.is_alive():
                worker.terminate()
        for tasks in self._task_queues:
            tasks.cancel_join_thread()
            tasks.close()
        self._results.cancel_join_thread()
        self._results.close()

    def __del__(self):
        try:
            self._shutdown()
        except Exception:
            pass


# --------------------------------------------------------------------------------- DataLoader


class DataLoader:
    """Combines a dataset and a sampler into an iterable of (collated) batches."""

    __initialized = False

    def __init__(
        self,
        dataset,
        batch_size=1,
        shuffle=None,
        sampler=None,
        batch_sampler=None,
        num_workers=0,
        collate_fn=None,
        pin_memory=False,
        drop_last=False,
        timeout=0,
        worker_init_fn=None,
        multiprocessing_context=None,
        generator=None,
        *,
        prefetch_factor=None,
        persistent_workers=False,
        pin_memory_device="",
        in_order=True,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; "
                "use num_workers=0 to disable multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing."
                "let num_workers > 0 to enable multiprocessing, "
                "otherwise set prefetch_factor to None."
            )
        elif num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        if isinstance(dataset, IterableDataset):
            self._is_iterable = True
            if shuffle not in {False, None}:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified shuffle option, "
                    f"but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified sampler option, "
                    f"but got sampler={sampler}"
                )
            elif batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified "
                    f"batch_sampler option, but got batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)
            self._is_iterable = False

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")

        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive "
                    "with batch_size, shuffle, sampler, and "
                    "drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None:
            if drop_last:
                raise ValueError(
                    "batch_size=None option disables auto-batching "
                    "and is mutually exclusive with drop_last"
                )

        if sampler is None:
            if self._is_iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)

        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator

        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.__initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None

    def __setattr__(self, attr, val) -> None:
        if self.__initialized and attr in (
            "batch_size",
            "batch_sampler",
            "sampler",
            "drop_last",
            "dataset",
            "persistent_workers",
        ):
            raise ValueError(
                f"{attr} attribute should not be set after {self.__class__.__name__} is initialized"
            )
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessBatches(self)
        return _WorkerBatches(self)

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._start_epoch(first=False)
            return self._iterator
        return self._get_iterator()

    def __len__(self) -> int:
        if self._is_iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                if self.drop_last:
                    length = length // self.batch_size
                else:
                    length = ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)
