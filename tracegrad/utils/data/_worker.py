"""What runs inside a DataLoader worker process, and what both iterators share.

The protocol between the main process and its workers is deliberately small:

* each worker owns one *task queue*; the main process puts ``(epoch, task_id, index)``
  on it, where ``index`` is what the sampler produced (a list of indices for a batch);
* every worker puts ``(epoch, task_id, payload)`` on the one shared *result queue*, one
  reply for every task it takes: a collated batch, a :class:`_CaughtError`, or
  :data:`EXHAUSTED` once its share of an iterable dataset has run out;
* ``None`` on its task queue tells a worker to exit.

Because a worker answers every task, the main process never waits for a reply that cannot
come; the epoch number lets it drop replies left over from an epoch it abandoned.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import queue
import random
import sys
import traceback

import numpy as np

from ... import _random

# how often an idle worker checks the stop flag and that its parent is still alive; the
# flag matters when the task queue can no longer deliver (the garbage collector may close
# it before the iterator that owns it asks the workers to exit)
_POLL_SECONDS = 0.2


@dataclasses.dataclass(frozen=True)
class WorkerInfo:
    """What a worker process knows about itself (see :func:`get_worker_info`).

    Attributes:
        id (int): this worker's number, ``0 .. num_workers - 1``.
        num_workers (int): how many workers the DataLoader started.
        seed (int): the seed of this worker's tracegrad and ``random`` generators.
        dataset: this worker's copy of the dataset.
    """

    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


_this_worker: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """The :class:`WorkerInfo` of the worker process calling it; ``None`` in the main process.

    An :class:`IterableDataset` uses it in ``__iter__`` to give each worker a different
    part of the stream (otherwise every worker would produce the whole dataset).
    """
    return _this_worker


def seed_worker(base_seed: int, worker_id: int) -> int:
    """Seed the random generators of a new worker as PyTorch does; returns the worker seed.

    ``random`` and tracegrad's generator get ``base_seed + worker_id``. NumPy's global
    generator gets a state from NumPy's own ``SeedSequence`` over (worker id, low and high
    32 bits of the base seed, 0): the same words PyTorch feeds to that hash, so
    ``np.random`` draws inside a worker are the ones they are under PyTorch.
    """
    seed = base_seed + worker_id
    random.seed(seed)
    _random.manual_seed(seed)
    words = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]
    np.random.seed(np.random.SeedSequence(words).generate_state(4))
    return seed


class _Exhausted:
    """The reply of a worker whose share of an iterable dataset has ended."""

    def __repr__(self) -> str:
        return "EXHAUSTED"


EXHAUSTED = _Exhausted()


def is_exhausted(payload) -> bool:
    # a marker that crossed a process boundary is a copy, so compare types, not identity
    return isinstance(payload, _Exhausted)


class _CaughtError:
    """An exception raised in a worker, carried to the main process and raised there again,
    with the worker's traceback in its message."""

    def __init__(self, where: str) -> None:
        error_type, error, trace = sys.exc_info()
        self.error_type = error_type
        self.where = where
        self.details = "".join(traceback.format_exception(error_type, error, trace))

    def reraise(self):
        message = f"Caught {self.error_type.__name__} {self.where}.\nOriginal {self.details}"
        try:
            error = self.error_type(message)
        except Exception:  # an exception class that cannot be built from one message
            error = RuntimeError(message)
        raise error


def is_error(payload) -> bool:
    """Whether a worker's reply is an exception to raise rather than a batch."""
    return isinstance(payload, _CaughtError)


class BatchMaker:
    """Turns one item of the sampler into one collated batch.

    Map-style datasets are indexed (a list of indices when batching, one index otherwise).
    Iterable datasets ignore the index and take the next ``len(index)`` samples from their
    stream; the result is :data:`EXHAUSTED` once the stream has nothing left for a batch
    (or only a short last batch that ``drop_last`` discards).
    """

    def __init__(self, dataset, is_iterable, batched, collate_fn, drop_last) -> None:
        self.dataset = dataset
        self.batched = batched
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.stream = iter(dataset) if is_iterable else None
        self.stream_ended = False

    def __call__(self, index):
        if self.stream is not None:
            return self._from_stream(index)
        if not self.batched:
            return self.collate_fn(self.dataset[index])
        many = getattr(self.dataset, "__getitems__", None)
        samples = many(index) if callable(many) else [self.dataset[i] for i in index]
        return self.collate_fn(samples)

    def _from_stream(self, index):
        if self.stream_ended:
            return EXHAUSTED
        if not self.batched:
            sample = next(self.stream, EXHAUSTED)
            if sample is EXHAUSTED:
                self.stream_ended = True
                return EXHAUSTED
            return self.collate_fn(sample)
        wanted = len(index)
        samples = list(itertools.islice(self.stream, wanted))
        if len(samples) < wanted:
            self.stream_ended = True
        if not samples or (self.drop_last and len(samples) < wanted):
            return EXHAUSTED
        return self.collate_fn(samples)


def _next_task(tasks, stop, parent_pid):
    """The next message on ``tasks``; ``None`` (exit) once the main process asked all
    workers to stop or is gone."""
    while not stop.is_set():
        try:
            return tasks.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if os.getppid() != parent_pid:
                return None
    return None


def worker_main(worker_id, num_workers, base_seed, init_fn, make_batch_args, tasks, results, stop):
    """The body of worker process ``worker_id`` (see the module docstring for the protocol)."""
    global _this_worker
    parent_pid = os.getppid()
    where = f"in DataLoader worker process {worker_id}"
    seed = seed_worker(base_seed, worker_id)
    _this_worker = WorkerInfo(worker_id, num_workers, seed, make_batch_args[0])

    # an error in worker_init_fn is reported as the reply to this worker's first task
    pending_error = None
    if init_fn is not None:
        try:
            init_fn(worker_id)
        except Exception:
            pending_error = _CaughtError(where)

    epoch = None
    make_batch = None
    exhausted = False
    while True:
        message = _next_task(tasks, stop, parent_pid)
        if message is None:
            break
        task_epoch, task_id, index = message
        if task_epoch != epoch:  # a new epoch restarts an iterable dataset's stream
            epoch, make_batch, exhausted = task_epoch, None, False
        if pending_error is not None:
            payload, pending_error = pending_error, None
        elif exhausted:
            payload = EXHAUSTED
        else:
            try:
                if make_batch is None:
                    make_batch = BatchMaker(*make_batch_args)
                payload = make_batch(index)
            except Exception:
                payload = _CaughtError(where)
            exhausted = is_exhausted(payload)
        results.put((task_epoch, task_id, payload))
    # the main process sends ``None`` only once it needs no more replies, so there is
    # nothing to flush: do not let interpreter exit wait on the queue's feeder thread
    results.cancel_join_thread()
