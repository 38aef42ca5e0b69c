"""The safetensors format, written and read by hand with NumPy.

A file is an 8-byte little-endian header length ``N``, ``N`` bytes of JSON (padded with
spaces to a multiple of 8) mapping each tensor name to ``{"dtype", "shape",
"data_offsets": [begin, end]}`` (offsets into the data that follows) plus an optional
``"__metadata__"`` of string pairs, then the raw little-endian tensor bytes. Nothing in it
is executable, so loading is always safe. API of ``safetensors.torch``::

    save_file({"weight": w}, "model.safetensors", metadata={"format": "pt"})
    tensors = load_file("model.safetensors")
"""

from __future__ import annotations

import json
import os
import struct

import numpy as np

from .. import _dtype as dtypes
from .._tensor import Tensor
from .._atomic import write_atomically

__all__ = ["save_file", "load_file", "save", "load"]

_CODES = {
    "float64": "F64",
    "float32": "F32",
    "float16": "F16",
    "int64": "I64",
    "int32": "I32",
    "int16": "I16",
    "int8": "I8",
    "uint8": "U8",
    "bool": "BOOL",
}
_FROM_CODE = {code: getattr(dtypes, name) for name, code in _CODES.items()}
_MAX_HEADER = 100 * 1024 * 1024


def _serialize(tensors, metadata) -> bytes:
    if not isinstance(tensors, dict):
        raise TypeError(f"expected a dict of tensors, got {type(tensors).__name__}")
    header: dict = {}
    if metadata is not None:
        if not isinstance(metadata, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
        ):
            raise ValueError("metadata must be a dict of str to str")
        header["__metadata__"] = dict(metadata)
    chunks, offset = [], 0
    # largest alignment first, as the reference implementation orders them
    order = sorted(tensors.items(), key=lambda kv: (-_itemsize(kv), kv[0]))
    for name, tensor in order:
        if not isinstance(name, str) or name == "__metadata__":
            raise ValueError(f"invalid tensor name {name!r}")
        if not isinstance(tensor, Tensor):
            raise TypeError(f"{name!r}: expected a Tensor, got {type(tensor).__name__}")
        array = np.array(tensor.detach()._data, order="C", copy=True)
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {
            "dtype": _CODES[tensor.dtype.name],
            "shape": [int(n) for n in array.shape],
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def _itemsize(item) -> int:
    tensor = item[1]
    return tensor.dtype.itemsize if isinstance(tensor, Tensor) else 0


def save(tensors, metadata=None) -> bytes:
    """The safetensors bytes of ``tensors`` (a dict of name to Tensor)."""
    return _serialize(tensors, metadata)


def save_file(tensors, filename, metadata=None) -> None:
    """Write ``tensors`` (a dict of name to Tensor) to ``filename``, atomically."""
    data = _serialize(tensors, metadata)
    write_atomically(filename, lambda out: out.write(data))


def load(data: bytes, where: str = "<bytes>") -> dict:
    """The tensors stored in safetensors ``data``."""
    if len(data) < 8:
        raise ValueError(f"{where}: not a safetensors file (only {len(data)} bytes)")
    (size,) = struct.unpack("<Q", data[:8])
    if size > _MAX_HEADER or 8 + size > len(data):
        raise ValueError(
            f"{where}: invalid safetensors header length {size} for a file of {len(data)} "
            "bytes (truncated or not a safetensors file)"
        )
    try:
        header = json.loads(data[8 : 8 + size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{where}: invalid safetensors JSON header: {exc}") from None
    if not isinstance(header, dict):
        raise ValueError(f"{where}: safetensors header is not a JSON object")
    buffer = memoryview(data)[8 + size :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype = _FROM_CODE[info["dtype"]]
            shape = tuple(info["shape"])
            begin, end = info["data_offsets"]
        except (KeyError, TypeError, ValueError):
            raise ValueError(
                f"{where}: tensor {name!r} has an invalid or unsupported header entry {info!r}"
            ) from None
        values = (*shape, begin, end)
        if not all(type(v) is int and v >= 0 for v in values) or begin > end:
            raise ValueError(f"{where}: tensor {name!r} has an invalid header entry {info!r}")
        expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if end - begin != expected:
            raise ValueError(
                f"{where}: tensor {name!r} of shape {list(shape)} and dtype {info['dtype']} "
                f"needs {expected} bytes, the header gives {end - begin}"
            )
        if end > len(buffer):
            raise ValueError(
                f"{where}: tensor {name!r} ends at byte {end} but the data has only "
                f"{len(buffer)} bytes (truncated file)"
            )
        array = np.frombuffer(buffer[begin:end], dtype=dtype.np.newbyteorder("<"))
        array = array.astype(dtype.np).reshape(shape)  # a writable native-order copy
        out[name] = Tensor._make(array)
    return out


def load_file(filename, device="cpu") -> dict:
    """The tensors stored in the safetensors file ``filename`` (a dict of name to Tensor)."""
    if str(device) != "cpu":
        raise ValueError(f"load_file(): tracegrad tensors live on the CPU, not {device!r}")
    with open(os.fsdecode(filename), "rb") as handle:
        data = handle.read()
    return load(data, repr(os.fsdecode(filename)))


def load_metadata(filename) -> dict | None:
    """The ``__metadata__`` of a safetensors file, or None."""
    with open(os.fsdecode(filename), "rb") as handle:
        head = handle.read(8)
        if len(head) < 8:
            raise ValueError(f"{filename!r}: not a safetensors file")
        (size,) = struct.unpack("<Q", head)
        if size > _MAX_HEADER:
            raise ValueError(f"{filename!r}: invalid safetensors header length {size}")
        header = json.loads(handle.read(size).decode("utf-8"))
    return header.get("__metadata__")
