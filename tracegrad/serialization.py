"""``torch.save`` / ``torch.load`` in PyTorch's own zip format, without executing code.

A checkpoint is a zip archive (stored, not compressed) laid out the way ``torch.save``
writes it::

    archive/data.pkl        the object graph; tensors refer to storages by persistent id
    archive/data/0, 1 ...   each storage's raw little-endian bytes
    archive/byteorder       "little"
    archive/version         "3"

``data.pkl`` only names globals that PyTorch's ``weights_only`` unpickler allows
(``torch._utils._rebuild_tensor_v2``, ``torch.FloatStorage`` ..., ``collections.OrderedDict``),
so ``torch.load(path, weights_only=True)`` reads tracegrad's files, and tracegrad reads
torch's. Loading goes through a restricted unpickler that resolves an allow-list of globals
to tracegrad's own functions and refuses everything else: a checkpoint can never run code.
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import zipfile

import numpy as np

from . import _dtype as dtypes
from ._device import device as _device
from ._tensor import Size, Tensor
from ._atomic import write_atomically

__all__ = ["save", "load"]

# storage class name in torch <-> tracegrad dtype
_STORAGE_DTYPES = {
    "FloatStorage": dtypes.float32,
    "DoubleStorage": dtypes.float64,
    "HalfStorage": dtypes.float16,
    "LongStorage": dtypes.int64,
    "IntStorage": dtypes.int32,
    "ShortStorage": dtypes.int16,
    "CharStorage": dtypes.int8,
    "ByteStorage": dtypes.uint8,
    "BoolStorage": dtypes.bool,
}
_STORAGE_NAMES = {d.name: name for name, d in _STORAGE_DTYPES.items()}
_UNSUPPORTED_STORAGES = {
    "BFloat16Storage": "bfloat16",
    "ComplexFloatStorage": "complex64",
    "ComplexDoubleStorage": "complex128",
}
_DTYPE_NAMES = {
    "float32": dtypes.float32,
    "float64": dtypes.float64,
    "float16": dtypes.float16,
    "int64": dtypes.int64,
    "int32": dtypes.int32,
    "int16": dtypes.int16,
    "int8": dtypes.int8,
    "uint8": dtypes.uint8,
    "bool": dtypes.bool,
}
_PLAIN = (type(None), bool, int, float, complex, str)


def _describe(f) -> str:
    if isinstance(f, (str, bytes, os.PathLike)):
        return repr(os.fsdecode(f))
    name = getattr(f, "name", None)
    return repr(name) if isinstance(name, str) else f"<{type(f).__name__}>"


# ====================================================================== save


class _Global:
    """A reference to ``module.name`` written as a GLOBAL opcode without importing it."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __call__(self, *args):  # save_reduce wants a callable; only torch calls it
        raise TypeError(f"{self.module}.{self.name} is a reference written into checkpoints")


_REBUILD_TENSOR = _Global("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _Global("torch._utils", "_rebuild_parameter")
_TORCH_SIZE = _Global("torch", "Size")
_STORAGE_GLOBALS = {name: _Global("torch", s) for name, s in _STORAGE_NAMES.items()}
_DTYPE_GLOBALS = {name: _Global("torch", name) for name in _DTYPE_NAMES}


class _StorageRef:
    """A storage to be written as ``data/<key>``; pickled as a persistent id."""

    __slots__ = ("key", "dtype", "array")

    def __init__(self, key: str, dtype, array: np.ndarray):
        self.key, self.dtype, self.array = key, dtype, array


def _root(array: np.ndarray):
    base = array
    while isinstance(base.base, np.ndarray):
        base = base.base
    return base


def _storage_view(array: np.ndarray):
    """(storage array, element offset, element strides) describing ``array`` as a view
    into a contiguous storage, or None when it is not one (then a copy is saved)."""
    root = _root(array)
    if root.dtype != array.dtype or not root.flags.c_contiguous:
        return None
    item = array.itemsize
    if any(s < 0 or s % item for s in array.strides):
        return None
    start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    if start < 0 or start % item:
        return None
    offset = start // item
    strides = tuple(s // item for s in array.strides)
    if array.size:
        last = offset + sum((n - 1) * s for n, s in zip(array.shape, strides))
        if last >= root.size:
            return None
    return root, offset, strides


def _contiguous_strides(shape) -> tuple:
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(int(n), 1)
    return tuple(reversed(strides))


class _Pickler(pickle._Pickler):
    """The pure-Python pickler, taught to write tracegrad objects as torch's globals."""

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages: list[_StorageRef] = []
        self._storage_ids: dict[int, tuple] = {}

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            glob = _STORAGE_GLOBALS[obj.dtype.name]
            return ("storage", glob, obj.key, "cpu", obj.array.size)
        return None

    def _save_global_ref(self, obj: _Global):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("ascii"))
        self.memoize(obj)

    dispatch[_Global] = _save_global_ref

    def _storage_for(self, root: np.ndarray, dtype) -> _StorageRef:
        known = self._storage_ids.get(id(root))
        if known is not None and known[0] is root:
            return known[1]
        ref = _StorageRef(str(len(self.storages)), dtype, root.reshape(-1))
        self.storages.append(ref)
        self._storage_ids[id(root)] = (root, ref)  # keeps root alive, so its id stays unique
        return ref

    def _save_tensor(self, obj: Tensor):
        array = obj._data
        view = _storage_view(array)
        if view is None:
            flat = np.ascontiguousarray(array).reshape(-1)
            storage = _StorageRef(str(len(self.storages)), obj.dtype, flat)
            self.storages.append(storage)
            offset = 0
            strides = _contiguous_strides(array.shape)
        else:
            root, offset, strides = view
            storage = self._storage_for(root, obj.dtype)
        is_param = getattr(obj, "_is_param", False)
        requires_grad = bool(obj._requires_grad) and not is_param
        args = (
            storage,
            offset,
            tuple(int(n) for n in array.shape),
            strides,
            requires_grad,
            collections.OrderedDict(),
        )
        if is_param:
            self.save_reduce(
                _REBUILD_PARAMETER,
                (_Rebuild(args), bool(obj._requires_grad), collections.OrderedDict()),
                obj=obj,
            )
        else:
            self.save_reduce(_REBUILD_TENSOR, args, obj=obj)

    def _save_rebuild(self, obj):
        self.save_reduce(_REBUILD_TENSOR, obj.args)

    def _save_size(self, obj):
        self.save_reduce(_TORCH_SIZE, (tuple(int(n) for n in obj),), obj=obj)

    def _save_dtype(self, obj):
        self._save_global_ref(_DTYPE_GLOBALS[obj.name])

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, Tensor) and self.persistent_id(obj) is None:
            if self.memo.get(id(obj)) is not None:
                return super().save(obj, save_persistent_id)
            return self._save_tensor(obj)
        return super().save(obj, save_persistent_id)

    dispatch[Size] = _save_size
    dispatch[dtypes.dtype] = _save_dtype


class _Rebuild:
    """The inner tensor of a Parameter (``_rebuild_parameter(_rebuild_tensor_v2(...))``)."""

    __slots__ = ("args",)

    def __init__(self, args):
        self.args = args


_Pickler.dispatch[_Rebuild] = _Pickler._save_rebuild


def _check_savable(obj, path="obj", active=None) -> None:
    """Refuse, before writing anything, what ``torch.load(weights_only=True)`` can't read."""
    if active is None:
        active = set()
    if isinstance(obj, (Tensor, Size, dtypes.dtype)) or type(obj) in _PLAIN:
        return
    if type(obj) in (list, tuple, dict, collections.OrderedDict):
        if id(obj) in active:
            raise ValueError(f"save(): {path} contains itself; cyclic containers are not supported")
        active.add(id(obj))
        if isinstance(obj, dict):
            for key, value in obj.items():
                _check_savable(key, f"{path} key {key!r}", active)
                _check_savable(value, f"{path}[{key!r}]", active)
            extra = getattr(obj, "__dict__", None)
            if extra:
                for key, value in extra.items():
                    _check_savable(value, f"{path}.{key}", active)
        else:
            for i, value in enumerate(obj):
                _check_savable(value, f"{path}[{i}]", active)
        active.discard(id(obj))
        return
    raise TypeError(
        f"save(): cannot save {path} of type {type(obj).__module__}.{type(obj).__qualname__}; "
        "tracegrad.save writes tensors and (nested) dicts, lists and tuples of tensors and "
        "plain values (int, float, str, bool, None) so that the file loads with weights_only"
    )


def _aligned_info(zf: zipfile.ZipFile, name: str, alignment: int = 64) -> zipfile.ZipInfo:
    """A ZipInfo whose data starts at a multiple of ``alignment`` (as torch aligns its
    storages), padded with an extra field as torch's writer does."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    header_end = zf.fp.tell() + 30 + len(name.encode("utf-8")) + 4
    pad = -header_end % alignment
    info.extra = b"FB" + pad.to_bytes(2, "little") + b"Z" * pad
    return info


def _write_archive(obj, fileobj, protocol: int) -> None:
    buffer = io.BytesIO()
    pickler = _Pickler(buffer, protocol)
    pickler.dump(obj)
    prefix = "archive/"
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as zf:
        records = [
            ("data.pkl", buffer.getvalue()),
            ("byteorder", b"little"),
            (".format_version", b"1"),
            (".storage_alignment", b"64"),
        ]
        for name, data in records:
            zf.writestr(_aligned_info(zf, prefix + name), data)
        for storage in pickler.storages:
            array = storage.array
            if array.dtype.byteorder == ">":
                array = array.astype(array.dtype.newbyteorder("<"))
            data = np.ascontiguousarray(array).tobytes()
            zf.writestr(_aligned_info(zf, f"{prefix}data/{storage.key}"), data)
        zf.writestr(_aligned_info(zf, prefix + "version"), b"3\n")


def save(
    obj,
    f,
    pickle_module=None,
    pickle_protocol=2,
    _use_new_zipfile_serialization=True,
    _disable_byteorder_record=False,
) -> None:
    """Save ``obj`` (tensors, state dicts, nested containers) to a path or binary file.

    The file is in PyTorch's zip format, readable by ``torch.load(f, weights_only=True)``.
    Saving to a path is atomic: a temporary file in the same directory is written,
    flushed, fsynced and renamed over ``f``, so an interrupted save never leaves a broken
    file in place of a good one.
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("save(): only the standard pickle module is supported")
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("save(): only the zip file format is supported")
    _check_savable(obj)
    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.path.abspath(os.fsdecode(f))
        if os.path.isdir(path):
            raise IsADirectoryError(f"save(): {path!r} is a directory")
        write_atomically(path, lambda out: _write_archive(obj, out, pickle_protocol))
        return
    if not hasattr(f, "write"):
        raise TypeError(f"save(): expected a path or a binary file object, got {type(f).__name__}")
    _write_archive(obj, f, pickle_protocol)
    if hasattr(f, "flush"):
        f.flush()


# ====================================================================== load


class _StorageType:
    """What ``torch.FloatStorage`` & co. resolve to while loading: just a dtype."""

    __slots__ = ("dtype", "name")

    def __init__(self, name, dtype):
        self.name, self.dtype = name, dtype


class _Storage:
    __slots__ = ("array", "dtype")

    def __init__(self, array, dtype):
        self.array, self.dtype = array, dtype


def _rebuild_tensor(storage, storage_offset, size, stride):
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("_rebuild_tensor: expected a storage")
    array = storage.array
    size, stride = tuple(size), tuple(stride)
    values = (storage_offset, *size, *stride)
    if len(size) != len(stride) or not all(type(v) is int and v >= 0 for v in values):
        raise pickle.UnpicklingError(
            f"invalid tensor geometry: offset {storage_offset}, size {size}, stride {stride}"
        )
    item = array.itemsize
    if all(size):
        last = storage_offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= array.size:
            raise pickle.UnpicklingError(
                f"tensor of size {size}, stride {stride}, offset {storage_offset} is out of "
                f"bounds for a storage of {array.size} elements"
            )
        view = np.lib.stride_tricks.as_strided(
            array[storage_offset:], shape=size, strides=tuple(s * item for s in stride)
        )
    else:
        view = np.empty(size, dtype=array.dtype)
    return Tensor._make(view)


def _rebuild_tensor_v2(
    storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None
):
    tensor = _rebuild_tensor(storage, storage_offset, size, stride)
    if requires_grad:
        if not tensor.dtype.is_floating_point:
            raise pickle.UnpicklingError("only floating point tensors can require grad")
        tensor._requires_grad = True
    return tensor


def _rebuild_parameter(data, requires_grad, backward_hooks=None, state=None):
    from .nn import Parameter

    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError("_rebuild_parameter: expected a tensor")
    return Parameter(data, bool(requires_grad))


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _rebuild_parameter(data, requires_grad)


def _size(values=()):
    return Size(tuple(values))


def _codecs_encode(text, encoding="utf-8"):
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1", "utf-8", "utf8"):
        raise pickle.UnpicklingError("_codecs.encode: only str to latin1/utf-8 is allowed")
    return text.encode(encoding)


def _allowed_globals() -> dict:
    allowed = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
        ("torch", "Size"): _size,
        ("builtins", "set"): set,
        ("builtins", "frozenset"): frozenset,
        ("builtins", "complex"): complex,
        ("_codecs", "encode"): _codecs_encode,
    }
    for name, dtype in _STORAGE_DTYPES.items():
        allowed["torch", name] = _StorageType(name, dtype)
    for name in ("UntypedStorage",):
        allowed["torch", name] = _StorageType(name, dtypes.uint8)
        allowed["torch.storage", name] = _StorageType(name, dtypes.uint8)
    for name, dtype in _DTYPE_NAMES.items():
        allowed["torch", name] = dtype
    return allowed


_ALLOWED = _allowed_globals()


class _Unpickler(pickle._Unpickler):
    """A pickle reader that resolves only the allow-listed globals and never calls
    anything else; BUILD is only allowed to set attributes on dicts (``_metadata``)."""

    dispatch = pickle._Unpickler.dispatch.copy()

    def __init__(self, file, zf: zipfile.ZipFile, prefix: str, where: str):
        super().__init__(file)
        self._zf, self._prefix, self._where = zf, prefix, where
        self._storages: dict[str, _Storage] = {}

    def find_class(self, module, name):
        target = _ALLOWED.get((module, name))
        if target is None:
            raise pickle.UnpicklingError(
                f"Weights only load failed: {self._where} refers to the unsupported global "
                f"GLOBAL {module}.{name}, which is not an allowed global. tracegrad.load "
                "never runs code from a checkpoint; only tensors, storages, OrderedDict "
                "and plain containers can be loaded."
            )
        return target

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"{self._where}: unknown persistent id {pid!r}")
        _, storage_type, key, location, numel = pid
        if isinstance(storage_type, str) or not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"{self._where}: invalid storage type in {pid!r}")
        cached = self._storages.get(key)
        if cached is not None:
            return cached
        record = f"{self._prefix}data/{key}"
        try:
            raw = self._zf.read(record)
        except KeyError:
            raise RuntimeError(f"{self._where}: storage record {record!r} is missing") from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise RuntimeError(f"{self._where}: cannot read {record!r}: {exc}") from None
        dtype = storage_type.dtype
        itemsize = dtype.np.itemsize
        if storage_type.name == "UntypedStorage":
            expected = numel
        else:
            expected = numel * itemsize
        if type(numel) is not int or len(raw) != expected:
            raise RuntimeError(
                f"{self._where}: storage {record!r} holds {len(raw)} bytes, expected "
                f"{expected} ({numel} x {storage_type.name}); the file is corrupted"
            )
        np_dtype = dtype.np.newbyteorder(self._byteorder)
        array = np.frombuffer(bytearray(raw), dtype=np_dtype)
        if np_dtype.byteorder not in ("=", "|") and np_dtype != dtype.np:
            array = array.astype(dtype.np)
        storage = _Storage(array, dtype)
        self._storages[key] = storage
        return storage

    def load_build(self):
        stack = self.stack
        state = stack.pop()
        inst = stack[-1]
        if type(inst) is collections.OrderedDict and isinstance(state, dict):
            for key, value in state.items():
                if not isinstance(key, str) or key.startswith("__"):
                    raise pickle.UnpicklingError(f"{self._where}: invalid BUILD state {key!r}")
                setattr(inst, key, value)
            return
        raise pickle.UnpicklingError(
            f"Weights only load failed: {self._where} tries to BUILD an object of type "
            f"{type(inst).__name__}, which is not allowed"
        )

    dispatch[pickle.BUILD[0]] = load_build


def _resolve_location(map_location) -> None:
    if map_location is None:
        return
    if isinstance(map_location, dict):
        for target in map_location.values():
            _resolve_location(target)
        return
    if callable(map_location) and not isinstance(map_location, (str, _device)):
        raise ValueError("load(): a callable map_location is not supported (tensors are on CPU)")
    if _device(map_location).type != "cpu":
        raise RuntimeError(
            "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() "
            "is False. If you are running on a CPU-only machine, please use torch.load with "
            "map_location=torch.device('cpu') to map your storages to the CPU."
        )


def _load_archive(fileobj, where: str):
    try:
        zf = zipfile.ZipFile(fileobj)
    except zipfile.BadZipFile:
        raise RuntimeError(
            f"load(): {where} is not a PyTorch/tracegrad checkpoint (not a zip archive; "
            "it may be truncated, corrupted, or in the legacy pre-1.6 torch format, "
            "which is not supported)"
        ) from None
    with zf:
        names = [n for n in zf.namelist() if n.endswith("data.pkl")]
        names = [n for n in names if n.count("/") == 1 and n.split("/")[1] == "data.pkl"]
        if len(names) != 1:
            raise RuntimeError(
                f"load(): {where} is a zip archive without a data.pkl record; "
                "it is not a PyTorch/tracegrad checkpoint"
            )
        prefix = names[0][: -len("data.pkl")]
        try:
            pickled = zf.read(names[0])
            byteorder = "little"
            if prefix + "byteorder" in zf.namelist():
                byteorder = zf.read(prefix + "byteorder").decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise RuntimeError(f"load(): {where} is corrupted: {exc}") from None
        if byteorder not in ("little", "big"):
            raise RuntimeError(f"load(): {where} has an invalid byteorder record {byteorder!r}")
        unpickler = _Unpickler(io.BytesIO(pickled), zf, prefix, where)
        unpickler._byteorder = "<" if byteorder == "little" else ">"
        try:
            return unpickler.load()
        except pickle.UnpicklingError:
            raise
        except RuntimeError:
            raise
        except (EOFError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise RuntimeError(f"load(): {where}: data.pkl is corrupted: {exc!r}") from None


def load(
    f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args
):
    """Load an object saved by :func:`save` or by PyTorch's ``torch.save``.

    Only the weights-only subset is read (tensors, parameters, state dicts, nested
    dicts/lists/tuples and plain values); any other global in the file is refused with a
    ``pickle.UnpicklingError`` and nothing from the file is ever executed. Tensors come
    back on the CPU; ``map_location`` may name the CPU.
    """
    if weights_only is False:
        raise ValueError(
            "load(): weights_only=False is not supported: tracegrad never unpickles "
            "arbitrary objects, as that can execute code. Save tensors and containers only."
        )
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("load(): only the standard pickle module is supported")
    _resolve_location(map_location)
    where = _describe(f)
    if isinstance(f, (str, bytes, os.PathLike)):
        with open(os.fsdecode(f), "rb") as handle:
            return _load_archive(handle, where)
    if not hasattr(f, "read"):
        raise TypeError(f"load(): expected a path or a binary file object, got {type(f).__name__}")
    if not (hasattr(f, "seek") and getattr(f, "seekable", lambda: True)()):
        f = io.BytesIO(f.read())
    return _load_archive(f, where)
