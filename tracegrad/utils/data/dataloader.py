"""``DataLoader``: batches from a dataset, in this process or in worker processes.

A DataLoader joins three pieces: a *sampler* that decides the order of the samples (or
batches of them), the *dataset* that turns an index into a sample, and a *collate*
function that stacks samples into a batch. Iterating over it creates an iterator:

* with ``num_workers=0`` everything happens in the calling process, one batch per
  ``next()``;
* with ``num_workers > 0`` worker processes build the batches ahead of time while the
  main process hands out work in turn (worker 0, 1, 2, 0, ...) and puts the finished
  batches back in sampler order. The protocol is described in :mod:`._worker`.

The order of batches and every random draw in the main process are PyTorch's, so a
shuffled DataLoader gives the same batches as PyTorch after the same ``manual_seed``.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import queue
import time
from math import ceil

from ..._creation import empty
from ..._dtype import int64
from ._collate import collate, default_collate, default_collate_fn_map, default_convert
from ._worker import (
    BatchMaker,
    WorkerInfo,
    get_worker_info,
    is_error,
    is_exhausted,
    worker_main,
)
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, _EndlessNoneSampler

__all__ = [
    "DataLoader",
    "WorkerInfo",
    "collate",
    "default_collate",
    "default_collate_fn_map",
    "default_convert",
    "get_worker_info",
]

# while waiting for a batch, how often the main process checks that its workers live
_WORKER_CHECK_SECONDS = 1.0
# how long a worker gets to exit after being asked before it is terminated
_EXIT_GRACE_SECONDS = 5.0


# --------------------------------------------------------------------------- iterators


class _LoaderIterator:
    """What both iterators share: a copy of the loader's settings and one epoch's plan.

    The iterator keeps no reference to its DataLoader: a loader with persistent workers
    holds its iterator, and a reference cycle would leave shutting the workers down to
    the garbage collector, which closes the queues first.
    """

    def __init__(self, loader: DataLoader) -> None:
        self.index_sampler = loader._sampler_for_loading()
        self.batch_args = (
            loader.dataset,
            loader._is_iterable,
            loader.batch_sampler is not None,
            loader.collate_fn,
            loader.drop_last,
        )
        self.length = functools.partial(
            _batches_per_epoch, loader.dataset, loader._is_iterable, self.index_sampler,
            loader.batch_size, loader.drop_last,
        )  # fmt: skip
        # drawn like PyTorch's base seed, even without workers, so that the default
        # generator advances exactly as it does under PyTorch
        self.base_seed = int(empty((), dtype=int64).random_(generator=loader.generator).item())
        self.plan = iter(self.index_sampler)

    def __iter__(self):
        return self

    def __len__(self) -> int:
        return self.length()


class _InProcessIterator(_LoaderIterator):
    """``num_workers=0``: each ``next()`` samples, loads and collates one batch."""

    def __init__(self, loader: DataLoader) -> None:
        super().__init__(loader)
        self.make_batch = BatchMaker(*self.batch_args)

    def __next__(self):
        index = next(self.plan)  # StopIteration here ends the epoch
        batch = self.make_batch(index)
        if is_exhausted(batch):
            raise StopIteration
        return batch


class _WorkerPoolIterator(_LoaderIterator):
    """``num_workers > 0``: worker processes load batches ahead; they come back in order.

    Task ``k`` of an epoch is the ``k``-th item of the sampler. ``waiting`` holds the
    replies that arrived before their turn, ``owner`` the worker of every task not yet
    handed out. A worker that reports :data:`EXHAUSTED` gets no more tasks; an epoch ends
    when every task sent has been answered and no more can be sent.
    """

    def __init__(self, loader: DataLoader) -> None:
        super().__init__(loader)
        self.pid = os.getpid()
        self.closed = True  # until the workers exist, there is nothing to shut down
        self.timeout = loader.timeout
        self.prefetch = loader.prefetch_factor
        self.persistent = loader.persistent_workers
        context = loader.multiprocessing_context
        if context is None:
            context = multiprocessing
        elif isinstance(context, str):
            context = multiprocessing.get_context(context)
        self.results = context.Queue()
        # set at shutdown: a busy worker stops after its current task
        self.stop = context.Event()
        self.task_queues = []
        self.workers = []
        count = loader.num_workers
        for worker_id in range(count):
            tasks = context.Queue()
            # the main process may exit with tasks unread: do not wait on them then
            tasks.cancel_join_thread()
            process = context.Process(
                target=worker_main,
                args=(
                    worker_id,
                    count,
                    self.base_seed,
                    loader.worker_init_fn,
                    self.batch_args,
                    tasks,
                    self.results,
                    self.stop,
                ),
                daemon=True,
            )
            process.start()
            self.task_queues.append(tasks)
            self.workers.append(process)
        self.closed = False
        self.epoch = 0
        self._begin_epoch(new_plan=False)

    # ----------------------------------------------------------------- sending work

    def _begin_epoch(self, new_plan: bool = True) -> None:
        """Start an epoch: fresh sampler pass, every worker active, tasks prefetched."""
        self.epoch += 1
        if new_plan:
            self.plan = iter(self.index_sampler)
        self.sent = 0
        self.handed_out = 0
        self.owner = {}
        self.waiting = {}
        self.active = [True] * len(self.workers)
        self.turn = 0
        # at least one task per worker, or an epoch could not start
        for _ in range(max(self.prefetch, 1) * len(self.workers)):
            self._send_one()

    def _next_worker(self):
        """The next active worker in turn (0, 1, 2, 0, ...), or None when all are done."""
        count = len(self.workers)
        for step in range(count):
            candidate = (self.turn + step) % count
            if self.active[candidate]:
                self.turn = candidate + 1
                return candidate
        return None

    def _send_one(self) -> None:
        worker = self._next_worker()
        if worker is None:
            return
        try:
            index = next(self.plan)
        except StopIteration:
            return
        self.task_queues[worker].put((self.epoch, self.sent, index))
        self.owner[self.sent] = worker
        self.sent += 1

    # ----------------------------------------------------------------- receiving

    def _receive(self):
        """One reply from the result queue; raises instead of waiting on a dead worker
        or past the loader's ``timeout``."""
        timeout = self.timeout
        started = time.monotonic()
        while True:
            wait = _WORKER_CHECK_SECONDS
            if timeout > 0:
                wait = min(wait, max(timeout - (time.monotonic() - started), 0.0))
            try:
                return self.results.get(timeout=wait)
            except queue.Empty:
                pass
            if timeout > 0 and time.monotonic() - started >= timeout:
                self._shutdown()
                raise RuntimeError(f"DataLoader timed out after {timeout} seconds")
            dead = [str(w.pid) for w in self.workers if not w.is_alive()]
            if dead:
                self._shutdown()
                pids = ", ".join(dead)
                raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly")

    def _reply_for(self, task_id):
        """The payload of task ``task_id``, storing any other replies that come first."""
        if task_id in self.waiting:
            return self.waiting.pop(task_id)
        while True:
            epoch, reply_id, payload = self._receive()
            if epoch != self.epoch:
                continue  # left over from an epoch that was not finished
            if is_exhausted(payload):
                # stop feeding this worker now, and keep the number in flight steady
                self.active[self.owner[reply_id]] = False
                self._send_one()
            if reply_id == task_id:
                return payload
            self.waiting[reply_id] = payload

    def __next__(self):
        while True:
            if self.closed or self.handed_out == self.sent:
                self._end_epoch()
                raise StopIteration
            task_id = self.handed_out
            payload = self._reply_for(task_id)
            del self.owner[task_id]
            self.handed_out += 1
            if is_exhausted(payload):
                continue
            self._send_one()
            if is_error(payload):
                payload.reraise()  # the iterator stays usable, as PyTorch's does
            return payload

    # ----------------------------------------------------------------- lifetime

    def _end_epoch(self) -> None:
        if not self.persistent:
            self._shutdown()

    def _restart(self) -> None:
        """Begin a new epoch with the same workers (``persistent_workers=True``)."""
        self._begin_epoch()

    def _shutdown(self) -> None:
        """Ask every worker to exit, terminate those that do not, close the queues."""
        if self.closed or os.getpid() != self.pid:
            return  # already done, or a copy of this object inside another process
        self.closed = True
        self.stop.set()
        grace = _EXIT_GRACE_SECONDS
        for tasks in self.task_queues:
            try:
                tasks.put(None)
            except (OSError, ValueError):  # the queue is closed: the worker cannot hear us
                grace = 0.0
        deadline = time.monotonic() + grace
        for process in self.workers:
            process.join(timeout=max(deadline - time.monotonic(), 0.0))
            if process.is_alive():
                process.terminate()
                process.join(timeout=1.0)
        for channel in [*self.task_queues, self.results]:
            channel.cancel_join_thread()
            channel.close()

    def __del__(self) -> None:
        try:
            self._shutdown()
        except Exception:  # the interpreter may be tearing down modules already
            pass


# -------------------------------------------------------------------------- DataLoader

# settings that decide what an epoch contains: frozen once the loader is built
_FROZEN_AFTER_INIT = frozenset(
    ["batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers"]
)


def _checked_prefetch(num_workers, timeout, prefetch_factor, persistent_workers):
    """Validate the multiprocessing options; returns the prefetch factor to use."""
    if num_workers < 0:
        raise ValueError(
            "num_workers option should be non-negative; use num_workers=0 to disable "
            "multiprocessing."
        )
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0:
        if prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing.let "
                "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor "
                "to None."
            )
        if persistent_workers:
            raise ValueError("persistent_workers option needs num_workers > 0")
        return None
    if prefetch_factor is None:
        return 2
    if prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    return prefetch_factor


def _check_iterable_options(shuffle, sampler, batch_sampler) -> None:
    """An iterable dataset decides its own order: no shuffling and no samplers."""
    given = [("shuffle", shuffle not in (None, False), shuffle)]
    given += [("sampler", sampler is not None, sampler)]
    given += [("batch_sampler", batch_sampler is not None, batch_sampler)]
    for option, is_set, value in given:
        if is_set:
            raise ValueError(
                f"DataLoader with IterableDataset: expected unspecified {option} option, "
                f"but got {option}={value}"
            )


class DataLoader:
    """Iterate over a dataset in (shuffled, collated) batches.

    Args:
        dataset: a map-style dataset (``__getitem__`` and ``__len__``) or an
            :class:`IterableDataset`.
        batch_size (int, optional): samples per batch; ``None`` yields samples one by one
            without collating them. Default: ``1``
        shuffle (bool, optional): a new random order every epoch. Default: ``False``
        sampler (Sampler or Iterable, optional): the order of the indices; excludes
            ``shuffle``.
        batch_sampler (Sampler or Iterable, optional): yields whole lists of indices;
            excludes ``batch_size``, ``shuffle``, ``sampler`` and ``drop_last``.
        num_workers (int, optional): worker processes; ``0`` loads in this process.
        collate_fn (Callable, optional): turns a list of samples into a batch.
            Default: :func:`default_collate` (or :func:`default_convert` without batching)
        drop_last (bool, optional): drop the last batch when it is smaller. Default: ``False``
        timeout (float, optional): seconds to wait for a worker's batch before raising;
            ``0`` waits as long as the workers live. Default: ``0``
        worker_init_fn (Callable, optional): called with the worker id in every worker
            after it is seeded.
        generator (Generator, optional): the generator for shuffling and worker seeds.
        prefetch_factor (int, optional): batches each worker loads ahead. Default: ``2``
            with workers.
        persistent_workers (bool, optional): keep the workers between epochs.

    Example:
        >>> import tracegrad as torch
        >>> from tracegrad.utils.data import DataLoader, TensorDataset
        >>> data = TensorDataset(torch.arange(5.0), torch.arange(5))
        >>> for x, y in DataLoader(data, batch_size=2):
        ...     print(x, y)
        tensor([0., 1.]) tensor([0, 1])
        tensor([2., 3.]) tensor([2, 3])
        tensor([4.]) tensor([4])
    """

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
        prefetch_factor = _checked_prefetch(
            num_workers, timeout, prefetch_factor, persistent_workers
        )
        is_iterable = isinstance(dataset, IterableDataset)
        if is_iterable:
            _check_iterable_options(shuffle, sampler, batch_sampler)
        else:
            shuffle = bool(shuffle)
        if shuffle and sampler is not None:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is None:
            if batch_size is None and drop_last:
                raise ValueError(
                    "batch_size=None option disables auto-batching and is mutually exclusive "
                    "with drop_last"
                )
        elif batch_size != 1 or shuffle or drop_last or sampler is not None:
            raise ValueError(
                "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                "sampler, and drop_last"
            )
        else:  # the batch sampler decides the batches
            batch_size, drop_last = None, False

        if sampler is None:
            if is_iterable:
                sampler = _EndlessNoneSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_sampler is None and batch_size is not None:
            batch_sampler = BatchSampler(sampler, batch_size=batch_size, drop_last=drop_last)
        if collate_fn is None:
            collate_fn = default_convert if batch_sampler is None else default_collate

        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.collate_fn = collate_fn
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        # accepted for compatibility; tensors live in host memory and batches come in order
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.in_order = in_order
        self._is_iterable = is_iterable
        self._kept_iterator = None  # the iterator whose workers persist between epochs
        self._frozen = True

    def __setattr__(self, name: str, value) -> None:
        if name in _FROZEN_AFTER_INIT and self.__dict__.get("_frozen", False):
            raise ValueError(
                f"{name} attribute should not be set after {type(self).__name__} is initialized"
            )
        super().__setattr__(name, value)

    def _sampler_for_loading(self):
        """What each step of an epoch consumes: lists of indices when batching, else indices."""
        return self.sampler if self.batch_sampler is None else self.batch_sampler

    def __iter__(self):
        if not self.num_workers:
            return _InProcessIterator(self)
        if not self.persistent_workers:
            return _WorkerPoolIterator(self)
        if self._kept_iterator is None or self._kept_iterator.closed:
            self._kept_iterator = _WorkerPoolIterator(self)
        else:
            self._kept_iterator._restart()
        return self._kept_iterator

    def __len__(self) -> int:
        """Batches per epoch (for an iterable dataset, computed from its ``__len__``)."""
        return _batches_per_epoch(
            self.dataset, self._is_iterable, self._sampler_for_loading(), self.batch_size,
            self.drop_last,
        )  # fmt: skip


def _batches_per_epoch(dataset, is_iterable, index_sampler, batch_size, drop_last) -> int:
    if not is_iterable:
        return len(index_sampler)
    samples = len(dataset)
    if batch_size is None:
        return samples
    if drop_last:
        return samples // batch_size
    return ceil(samples / batch_size)
