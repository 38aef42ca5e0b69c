"""tracegrad.utils.data against torch.utils.data: batches, shuffled order, collate, splits."""

import collections
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is the oracle for the data-loading tests")

import tracegrad as tg  # noqa: E402
from tracegrad.utils import data as tdata  # noqa: E402

tud = torch.utils.data
SEEDS = [0, 1, 7, 42, 12345]
Point = collections.namedtuple("Point", ["x", "y"])


def plain(obj):
    """A structure of plain Python values comparable between tracegrad and torch results."""
    if isinstance(obj, (tg.Tensor, torch.Tensor)):
        return ("T", str(obj.dtype).replace("torch.", ""), tuple(obj.shape), obj.tolist())
    if isinstance(obj, Point):
        return ("P", plain(obj.x), plain(obj.y))
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [plain(o) for o in obj])
    if isinstance(obj, np.ndarray):
        return ("A", obj.tolist())
    return obj


class RangeData:
    """A map-style dataset of ``(tensor, int, float)`` samples; ``lib`` is tracegrad or torch."""

    def __init__(self, lib, n=10):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.lib.tensor([i, 2 * i], dtype=self.lib.float32), i, i / 4


def make_iterable(lib):
    base = tdata.IterableDataset if lib is tg else tud.IterableDataset

    class Stream(base):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            info = tdata.get_worker_info() if lib is tg else tud.get_worker_info()
            if info is None:
                return iter(range(self.n))
            return iter(range(info.id, self.n, info.num_workers))

        def __len__(self):
            return self.n

    return Stream


TGStream, TorchStream = make_iterable(tg), make_iterable(torch)


def both(fn):
    return plain(fn(tg, tdata)), plain(fn(torch, tud))


def run(lib, mod, seed, **kw):
    lib.manual_seed(seed)
    loader = mod.DataLoader(RangeData(lib, 11), **kw)
    epochs = [list(loader) for _ in range(2)]
    return epochs, lib.rand(2).tolist(), len(loader)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "kw",
    [
        dict(),
        dict(batch_size=3),
        dict(batch_size=3, shuffle=True),
        dict(batch_size=4, shuffle=True, drop_last=True),
        dict(batch_size=None, shuffle=True),
        dict(batch_size=5, shuffle=False, drop_last=True),
    ],
)
def test_loader_matches_torch(seed, kw):
    a, b = both(lambda lib, mod: run(lib, mod, seed, **kw))
    assert a == b


@pytest.mark.parametrize("seed", SEEDS)
def test_loader_with_generator(seed):
    def f(lib, mod):
        lib.manual_seed(0)
        g = lib.Generator().manual_seed(seed)
        loader = mod.DataLoader(RangeData(lib, 13), batch_size=4, shuffle=True, generator=g)
        return [list(loader) for _ in range(3)], lib.rand(1).tolist()

    a, b = both(f)
    assert a == b


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_samplers(seed):
    def f(lib, mod):
        lib.manual_seed(seed)
        ds = RangeData(lib, 9)
        g = lib.Generator().manual_seed(seed + 1)
        out = [
            list(mod.RandomSampler(ds)),
            list(mod.RandomSampler(ds, replacement=True, num_samples=70)),
            list(mod.RandomSampler(ds, num_samples=20, generator=g)),
            list(mod.SubsetRandomSampler([3, 5, 7, 1])),
            list(mod.WeightedRandomSampler([0.1, 0.9, 0.4, 0.0], 12)),
            list(mod.WeightedRandomSampler([1, 2, 3, 4, 5], 4, replacement=False, generator=g)),
            list(mod.BatchSampler(mod.SequentialSampler(ds), 4, False)),
            list(mod.BatchSampler(range(10), 3, True)),
            len(mod.BatchSampler(range(10), 3, True)),
            len(mod.RandomSampler(ds, num_samples=5)),
        ]
        loader = mod.DataLoader(ds, batch_size=2, sampler=mod.SubsetRandomSampler([0, 2, 4, 6]))
        out.append(list(loader))
        loader = mod.DataLoader(ds, batch_sampler=mod.BatchSampler(range(9), 4, False))
        out.append(list(loader))
        out.append(lib.rand(1).tolist())
        return out

    a, b = both(f)
    assert a == b


@pytest.mark.parametrize("seed", SEEDS)
def test_random_split(seed):
    def f(lib, mod):
        lib.manual_seed(seed)
        out = [[list(s.indices) for s in mod.random_split(range(10), [3, 7])]]
        out.append([list(s.indices) for s in mod.random_split(range(31), [0.3, 0.3, 0.4])])
        g = lib.Generator().manual_seed(seed)
        parts = mod.random_split(list(range(100, 117)), [0.5, 0.25, 0.25], generator=g)
        out.append([[p[i] for i in range(len(p))] for p in parts])
        out.append(lib.rand(1).tolist())
        return out

    a, b = both(f)
    assert a == b


def test_default_collate_nested():
    def f(lib, mod):
        batch = [
            {
                "t": lib.tensor([i, i + 1]),
                "a": np.array([[i, 0.5]], dtype=np.float32),
                "s": f"s{i}",
                "n": [i, float(i)],
                "p": Point(i, (lib.tensor(float(i)), np.int32(i))),
                "b": True,
                "np": np.float64(i),
            }
            for i in range(3)
        ]
        return mod.default_collate(batch)

    a, b = both(f)
    assert a == b


def test_default_convert_and_no_batching():
    def f(lib, mod):
        out = [
            mod.default_convert(np.array([1, 2])),
            mod.default_convert(Point(np.array(0), 3)),
            mod.default_convert((np.array([1.5]), "x")),
            mod.default_convert({"k": np.int16(3)}),
        ]
        ds = [np.array([i, i]) for i in range(4)]
        out.append(list(mod.DataLoader(ds, batch_size=None)))
        return out

    a, b = both(f)
    assert a == b


def test_datasets():
    def f(lib, mod):
        x = lib.arange(12).reshape(6, 2)
        y = lib.arange(6)
        td = mod.TensorDataset(x, y)
        cd = mod.ConcatDataset([td, mod.TensorDataset(x[:2], y[:2])])
        sub = mod.Subset(td, [4, 0, 2])
        added = td + sub
        return [
            len(td),
            td[3],
            len(cd),
            cd.cumulative_sizes,
            cd[6],
            cd[-1],
            [sub[i] for i in range(3)],
            len(added),
            added[7],
            list(mod.DataLoader(td, batch_size=4)),
        ]

    a, b = both(f)
    assert a == b


@pytest.mark.parametrize("kw", [dict(), dict(batch_size=3), dict(batch_size=4, drop_last=True)])
def test_iterable_dataset(kw):
    a = plain(
        (list(tdata.DataLoader(TGStream(10), **kw)), len(tdata.DataLoader(TGStream(10), **kw)))
    )
    b = plain(
        (list(tud.DataLoader(TorchStream(10), **kw)), len(tud.DataLoader(TorchStream(10), **kw)))
    )
    assert a == b


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_workers_match_single_process(seed, workers):
    def f(lib, mod, nw, **kw):
        lib.manual_seed(seed)
        loader = mod.DataLoader(RangeData(lib, 11), batch_size=2, shuffle=True, num_workers=nw)
        return [list(loader) for _ in range(2)], lib.rand(1).tolist()

    ref = plain(f(torch, tud, 0))
    assert plain(f(tg, tdata, workers)) == ref
    assert plain(f(tg, tdata, 0)) == ref


def test_workers_persistent():
    def f(lib, mod):
        lib.manual_seed(5)
        loader = mod.DataLoader(
            RangeData(lib, 7), batch_size=3, shuffle=True, num_workers=2, persistent_workers=True
        )
        first = iter(loader)
        partial = [next(first)]  # an unfinished epoch, then fresh ones
        return partial, [list(loader) for _ in range(3)], lib.rand(1).tolist()

    a, b = both(f)
    assert a == b


@pytest.mark.filterwarnings("ignore:This DataLoader will create")
@pytest.mark.parametrize("kw", [dict(batch_size=2), dict(batch_size=3, drop_last=True)])
def test_iterable_workers(kw):
    got = plain(list(tdata.DataLoader(TGStream(11), num_workers=3, **kw)))
    want = plain(list(tud.DataLoader(TorchStream(11), num_workers=3, **kw)))
    assert got == want


class InfoData:
    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = tdata.get_worker_info()
        return info.id, info.seed, int(np.random.randint(1 << 30)), tg.rand(1).item()


class TorchInfoData(InfoData):
    def __getitem__(self, i):
        info = tud.get_worker_info()
        return info.id, info.seed, int(np.random.randint(1 << 30)), torch.rand(1).item()


def test_worker_seeds_match_torch():
    tg.manual_seed(9)
    torch.manual_seed(9)
    got = list(tdata.DataLoader(InfoData(), batch_size=None, num_workers=2))
    want = list(tud.DataLoader(TorchInfoData(), batch_size=None, num_workers=2))
    assert plain(got) == plain(want)


class Boom:
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 2:
            raise KeyError("bad index")
        return i


def test_worker_exception_reraised():
    with pytest.raises(KeyError, match="Caught KeyError in DataLoader worker process"):
        list(tdata.DataLoader(Boom(), batch_size=1, num_workers=2))
    with pytest.raises(KeyError):
        list(tdata.DataLoader(Boom(), batch_size=1))


def _errors(mod, ds, it):
    cases = [
        lambda: mod.DataLoader(ds, num_workers=-1),
        lambda: mod.DataLoader(ds, timeout=-1),
        lambda: mod.DataLoader(ds, prefetch_factor=2),
        lambda: mod.DataLoader(ds, persistent_workers=True),
        lambda: mod.DataLoader(ds, sampler=[0, 1], shuffle=True),
        lambda: mod.DataLoader(ds, batch_sampler=[[0]], batch_size=2),
        lambda: mod.DataLoader(ds, batch_size=None, drop_last=True),
        lambda: mod.DataLoader(it, shuffle=True),
        lambda: mod.DataLoader(it, batch_sampler=[[0]]),
        lambda: mod.BatchSampler(range(3), 0, False),
        lambda: mod.BatchSampler(range(3), 2, 1),
        lambda: mod.RandomSampler(ds, replacement=1),
        lambda: mod.RandomSampler(ds, num_samples=0),
        lambda: mod.WeightedRandomSampler([[1.0]], 2),
        lambda: mod.WeightedRandomSampler([1.0], True),
        lambda: mod.random_split(range(5), [2, 2]),
        lambda: mod.random_split(range(5), [1.5, -0.5]),
        lambda: mod.ConcatDataset([]),
        lambda: mod.default_collate([[1, 2], [3]]),
        lambda: mod.default_collate([object()]),
        lambda: mod.default_collate([np.array(["a"])]),
        lambda: mod.Dataset()[0],
        lambda: mod.TensorDataset(ds.lib.zeros(2), ds.lib.zeros(3)),
    ]
    out = []
    for case in cases:
        try:
            case()
            out.append(None)
        except Exception as e:  # noqa: BLE001 - the exception type and message are compared
            out.append((type(e).__name__, str(e)))
    return out


def test_errors_match_torch():
    got = _errors(tdata, RangeData(tg), TGStream(3))
    want = _errors(tud, RangeData(torch), TorchStream(3))
    assert got == want


def test_setattr_after_init():
    loader = tdata.DataLoader(RangeData(tg), batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after DataLoader"):
        loader.batch_size = 3
    assert math.ceil(10 / 2) == len(loader)


# ------------------------------------------------------------- worker protocol edge cases


def make_uneven(lib):
    """An iterable dataset whose workers get very different shares: worker 0 none."""
    base = tdata.IterableDataset if lib is tg else tud.IterableDataset
    info_fn = tdata.get_worker_info if lib is tg else tud.get_worker_info

    class Uneven(base):
        def __iter__(self):
            info = info_fn()
            shares = {0: [], 1: [100], 2: list(range(5))}
            return iter(shares[0 if info is None else info.id])

    return Uneven


@pytest.mark.filterwarnings("ignore:This DataLoader will create")
@pytest.mark.parametrize("kw", [dict(batch_size=2), dict(batch_size=None)])
def test_iterable_workers_uneven_shares_end(kw):
    got = plain(list(tdata.DataLoader(make_uneven(tg)(), num_workers=3, **kw)))
    want = plain(list(tud.DataLoader(make_uneven(torch)(), num_workers=3, **kw)))
    # which batch comes first may depend on timing once a worker is done; the batches not
    assert sorted(map(repr, got[1])) == sorted(map(repr, want[1]))
    assert len(got[1]) == len(want[1])


def test_persistent_workers_restart_iterable_stream():
    def f(lib, mod):
        stream = TGStream(7) if lib is tg else TorchStream(7)
        loader = mod.DataLoader(stream, batch_size=2, num_workers=2, persistent_workers=True)
        return [list(loader) for _ in range(2)]

    a, b = both(f)
    assert a == b


def _failing_init(worker_id):
    raise ValueError(f"no setup for worker {worker_id}")


def test_worker_init_fn_error_reraised():
    loader = tdata.DataLoader(RangeData(tg, 4), num_workers=1, worker_init_fn=_failing_init)
    with pytest.raises(ValueError, match="Caught ValueError in DataLoader worker process 0"):
        list(loader)


class Slow:
    def __len__(self):
        return 2

    def __getitem__(self, i):
        import time

        time.sleep(1)
        return i


def test_timeout_raises_instead_of_waiting():
    loader = tdata.DataLoader(Slow(), num_workers=1, timeout=0.2)
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0\.2 seconds"):
        next(iter(loader))


class Dies:
    def __len__(self):
        return 3

    def __getitem__(self, i):
        import os

        os._exit(3)  # a worker killed by the system, from the loader's point of view


def test_dead_worker_raises_instead_of_hanging():
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited"):
        list(tdata.DataLoader(Dies(), num_workers=1))


def test_abandoned_iterator_stops_its_workers():
    iterator = iter(tdata.DataLoader(RangeData(tg, 11), batch_size=2, num_workers=2))
    next(iterator)
    workers = list(iterator.workers)
    assert all(w.is_alive() for w in workers)
    del iterator
    for worker in workers:
        worker.join(timeout=10)
    assert not any(w.is_alive() for w in workers)
    assert tdata.get_worker_info() is None
