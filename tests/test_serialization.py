"""tracegrad.save / tracegrad.load (PyTorch's zip format) and tracegrad.utils.safetensors,
checked against PyTorch: files go both ways, and loading never executes code."""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import tracegrad
from tracegrad import serialization
from tracegrad.utils import safetensors as st

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for serialization")

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int8", "uint8", "bool"]


def _sample(name, shape=(2, 3)):
    values = np.arange(int(np.prod(shape))).reshape(shape) - 2
    if name == "bool":
        values = values % 2 == 0
    return values.astype(name)


def _assert_same(tg_tensor, torch_tensor):
    assert str(torch_tensor.dtype) == repr(tg_tensor.dtype)
    assert tuple(torch_tensor.shape) == tuple(tg_tensor.shape)
    np.testing.assert_array_equal(torch_tensor.numpy(), tg_tensor._data)


# ------------------------------------------------------------------ tracegrad -> torch


@pytest.mark.parametrize("name", DTYPES)
def test_tracegrad_file_loads_in_torch(tmp_path, name):
    t = tracegrad.tensor(_sample(name))
    path = tmp_path / "t.pt"
    tracegrad.save(t, path)
    loaded = torch.load(path, weights_only=True)
    _assert_same(t, loaded)
    _assert_same(tracegrad.load(path), loaded)


@pytest.mark.parametrize(
    "make",
    [
        lambda: tracegrad.tensor(3.5),
        lambda: tracegrad.tensor(True),
        lambda: tracegrad.zeros(0, 3),
        lambda: tracegrad.arange(12.0).reshape(3, 4).t(),
        lambda: tracegrad.arange(12.0).reshape(3, 4)[1:, ::2],
        lambda: tracegrad.arange(12).reshape(3, 4)[:, 1],
        lambda: tracegrad.arange(6.0).flip(0),
        lambda: tracegrad.ones(3, 1).expand(3, 4),
    ],
    ids=["0d", "0d-bool", "empty", "transpose", "slice", "column", "flip", "expand"],
)
def test_special_tensors_round_trip_and_load_in_torch(make):
    t = make()
    buffer = io.BytesIO()
    tracegrad.save(t, buffer)
    buffer.seek(0)
    _assert_same(t, torch.load(buffer, weights_only=True))
    buffer.seek(0)
    back = tracegrad.load(buffer)
    np.testing.assert_array_equal(back._data, t._data)
    assert back.dtype is t.dtype and back.shape == t.shape


def test_views_share_one_storage_like_torch(tmp_path):
    base = tracegrad.arange(6.0).reshape(2, 3)
    tracegrad.save({"a": base, "t": base.t(), "col": base[:, 1]}, tmp_path / "v.pt")
    names = zipfile.ZipFile(tmp_path / "v.pt").namelist()
    assert sum("/data/" in n for n in names) == 1
    loaded = torch.load(tmp_path / "v.pt", weights_only=True)
    assert loaded["t"].stride() == (1, 3) and loaded["col"].storage_offset() == 1
    loaded["a"][0, 1] = 100.0  # views share memory in torch ...
    assert loaded["col"][0] == 100.0
    back = tracegrad.load(tmp_path / "v.pt")
    back["a"][0, 1] = 100.0  # ... and in tracegrad
    assert back["col"][0].item() == 100.0 and back["t"][1, 0].item() == 100.0


def test_nested_containers_and_plain_values(tmp_path):
    obj = OrderedDict(
        w=tracegrad.randn(2, 2),
        nested={"list": [1, 2.5, "s", None, True, (3, tracegrad.tensor([1, 2]))]},
        size=tracegrad.ones(2, 3).shape,
        dtype=tracegrad.float16,
    )
    tracegrad.save(obj, tmp_path / "n.pt")
    ref = torch.load(tmp_path / "n.pt", weights_only=True)
    assert isinstance(ref, OrderedDict) and list(ref) == list(obj)
    assert ref["nested"]["list"][:5] == [1, 2.5, "s", None, True]
    _assert_same(obj["nested"]["list"][5][1], ref["nested"]["list"][5][1])
    assert ref["size"] == torch.Size([2, 3]) and ref["dtype"] is torch.float16
    back = tracegrad.load(tmp_path / "n.pt")
    assert isinstance(back, OrderedDict) and back["nested"]["list"][:5] == [1, 2.5, "s", None, True]
    assert back["size"] == (2, 3) and back["dtype"] is tracegrad.float16
    np.testing.assert_array_equal(back["w"]._data, obj["w"]._data)


def test_same_tensor_twice_is_one_object():
    t = tracegrad.ones(2)
    buffer = io.BytesIO()
    tracegrad.save([t, t], buffer)
    buffer.seek(0)
    a, b = torch.load(buffer, weights_only=True)
    assert a is b
    buffer.seek(0)
    a, b = tracegrad.load(buffer)
    assert a is b


def test_parameter_and_requires_grad(tmp_path):
    p = tracegrad.nn.Parameter(tracegrad.ones(2))
    g = tracegrad.zeros(3, requires_grad=True)
    tracegrad.save({"p": p, "g": g}, tmp_path / "p.pt")
    ref = torch.load(tmp_path / "p.pt", weights_only=True)
    assert isinstance(ref["p"], torch.nn.Parameter) and ref["g"].requires_grad
    back = tracegrad.load(tmp_path / "p.pt")
    assert isinstance(back["p"], tracegrad.nn.Parameter) and back["p"].requires_grad
    assert back["g"].requires_grad and back["g"].is_leaf


def test_unsavable_objects_are_refused(tmp_path):
    with pytest.raises(TypeError, match="cannot save"):
        tracegrad.save({"f": open}, tmp_path / "x.pt")
    with pytest.raises(TypeError, match="numpy"):
        tracegrad.save(np.ones(2), tmp_path / "x.pt")
    assert not os.listdir(tmp_path)


# ------------------------------------------------------------------ torch -> tracegrad


@pytest.mark.parametrize("name", DTYPES)
def test_torch_file_loads_in_tracegrad(tmp_path, name):
    ref = torch.from_numpy(_sample(name, (3, 2)))
    torch.save({"x": ref, "t": ref.t(), "s": ref[1:, 0]}, tmp_path / "t.pt")
    back = tracegrad.load(tmp_path / "t.pt")
    _assert_same(back["x"], ref)
    _assert_same(back["t"], ref.t())
    _assert_same(back["s"], ref[1:, 0])


def test_torch_nested_and_special_tensors_load(tmp_path):
    obj = {
        "scalar": torch.tensor(2.5, dtype=torch.float64),
        "empty": torch.zeros(0, 4, dtype=torch.int32),
        "list": [torch.ones(2), (1, "a", None)],
        "od": OrderedDict(b=torch.tensor([True, False])),
        "size": torch.Size([4]),
    }
    torch.save(obj, tmp_path / "t.pt")
    back = tracegrad.load(tmp_path / "t.pt", map_location="cpu")
    _assert_same(back["scalar"], obj["scalar"])
    _assert_same(back["empty"], obj["empty"])
    _assert_same(back["list"][0], obj["list"][0])
    assert back["list"][1] == (1, "a", None) and isinstance(back["od"], OrderedDict)
    _assert_same(back["od"]["b"], obj["od"]["b"])
    assert back["size"] == (4,)


def test_torch_model_state_dict_loads_into_tracegrad_model(tmp_path):
    ref = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    torch.save(ref.state_dict(), tmp_path / "m.pt")
    sd = tracegrad.load(tmp_path / "m.pt")
    assert sd._metadata == ref.state_dict()._metadata
    model = tracegrad.nn.Sequential(
        tracegrad.nn.Linear(3, 4), tracegrad.nn.ReLU(), tracegrad.nn.Linear(4, 2)
    )
    model.load_state_dict(sd)
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    expected = ref(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(model(tracegrad.tensor(x))._data, expected, rtol=1e-6)


def test_tracegrad_model_state_dict_round_trips_and_loads_into_torch(tmp_path):
    model = tracegrad.nn.Linear(3, 2)
    tracegrad.save(model.state_dict(), tmp_path / "m.pt")
    again = tracegrad.nn.Linear(3, 2)
    again.load_state_dict(tracegrad.load(tmp_path / "m.pt"))
    np.testing.assert_array_equal(again.weight._data, model.weight._data)
    np.testing.assert_array_equal(again.bias._data, model.bias._data)
    ref = torch.nn.Linear(3, 2)
    ref.load_state_dict(torch.load(tmp_path / "m.pt", weights_only=True))
    x = np.ones((1, 3), dtype=np.float32)
    np.testing.assert_allclose(
        ref(torch.from_numpy(x)).detach().numpy(), model(tracegrad.tensor(x))._data, rtol=1e-6
    )


# ------------------------------------------------------------------ safety and errors


class _Evil:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def _zip_with_pickle(path, payload: bytes):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.pkl", payload)
        zf.writestr("archive/version", "3\n")


def test_malicious_pickle_is_refused_without_running(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _zip_with_pickle(tmp_path / "evil.pt", pickle.dumps({"x": _Evil()}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match=r"(posix|nt)\.system"):
        tracegrad.load(tmp_path / "evil.pt")
    assert not (tmp_path / "PWNED").exists()


def test_build_on_tensor_is_refused(tmp_path):
    t = tracegrad.ones(2)
    buffer = io.BytesIO()
    tracegrad.save(t, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        data = zf.read("archive/data.pkl")
        storage = zf.read("archive/data/0")
    assert data.endswith(b".")
    payload = data[:-1] + b"}X\x05\x00\x00\x00_dataK\x01sb."  # BUILD {'_data': 1}
    with zipfile.ZipFile(tmp_path / "b.pt", "w") as zf:
        zf.writestr("archive/data.pkl", payload)
        zf.writestr("archive/data/0", storage)
    with pytest.raises(pickle.UnpicklingError, match="BUILD"):
        tracegrad.load(tmp_path / "b.pt")


def test_weights_only_false_is_refused(tmp_path):
    tracegrad.save(tracegrad.ones(1), tmp_path / "a.pt")
    with pytest.raises(ValueError, match="weights_only=False"):
        tracegrad.load(tmp_path / "a.pt", weights_only=False)


def test_truncated_and_foreign_files_raise_clear_errors(tmp_path):
    tracegrad.save({"w": tracegrad.randn(64, 64)}, tmp_path / "ok.pt")
    data = (tmp_path / "ok.pt").read_bytes()
    (tmp_path / "cut.pt").write_bytes(data[: len(data) // 2])
    with pytest.raises(RuntimeError, match="cut.pt"):
        tracegrad.load(tmp_path / "cut.pt")
    (tmp_path / "text.pt").write_text("hello")
    with pytest.raises(RuntimeError, match="not a zip archive"):
        tracegrad.load(tmp_path / "text.pt")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(RuntimeError, match="data.pkl"):
        tracegrad.load(tmp_path / "other.zip")


def test_storage_of_wrong_size_is_refused(tmp_path):
    buffer = io.BytesIO()
    tracegrad.save(tracegrad.ones(4), buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        data = zf.read("archive/data.pkl")
    with zipfile.ZipFile(tmp_path / "s.pt", "w") as zf:
        zf.writestr("archive/data.pkl", data)
        zf.writestr("archive/data/0", b"\x00" * 8)
    with pytest.raises(RuntimeError, match="corrupted"):
        tracegrad.load(tmp_path / "s.pt")


def test_cuda_map_location_raises():
    with pytest.raises(RuntimeError, match="map_location"):
        tracegrad.load(io.BytesIO(), map_location="cuda")


def test_atomic_save_keeps_old_file_when_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    tracegrad.save({"w": tracegrad.ones(3)}, path)
    good = path.read_bytes()
    real = serialization._aligned_info
    calls = []

    def failing(zf, name, alignment=64):
        calls.append(name)
        if "/data/" in name:
            raise KeyboardInterrupt("interrupted mid-save")
        return real(zf, name, alignment)

    monkeypatch.setattr(serialization, "_aligned_info", failing)
    with pytest.raises(KeyboardInterrupt):
        tracegrad.save({"w": tracegrad.zeros(3)}, path)
    assert calls and path.read_bytes() == good
    assert os.listdir(tmp_path) == ["ckpt.pt"]  # no temporary file left behind
    monkeypatch.undo()
    np.testing.assert_array_equal(tracegrad.load(path)["w"]._data, np.ones(3, np.float32))


def test_save_to_file_object_and_path_like(tmp_path):
    with open(tmp_path / "f.pt", "wb") as f:
        tracegrad.save(tracegrad.arange(3), f)
    with open(tmp_path / "f.pt", "rb") as f:
        _assert_same(tracegrad.load(f), torch.arange(3))
    tracegrad.save(tracegrad.arange(3), str(tmp_path / "g.pt"))
    _assert_same(tracegrad.load(str(tmp_path / "g.pt")), torch.arange(3))


# ------------------------------------------------------------------ safetensors


def test_safetensors_round_trip(tmp_path):
    tensors = {name: tracegrad.tensor(_sample(name)) for name in DTYPES}
    tensors["scalar"] = tracegrad.tensor(1.5)
    tensors["empty"] = tracegrad.zeros(0, 2)
    tensors["view"] = tracegrad.arange(12.0).reshape(3, 4).t()
    st.save_file(tensors, tmp_path / "m.safetensors", metadata={"format": "pt"})
    back = st.load_file(tmp_path / "m.safetensors")
    assert set(back) == set(tensors)
    for name, t in tensors.items():
        assert back[name].dtype is t.dtype and back[name].shape == t.shape
        np.testing.assert_array_equal(back[name]._data, t._data)
    assert st.load_metadata(tmp_path / "m.safetensors") == {"format": "pt"}
    data = (tmp_path / "m.safetensors").read_bytes()
    size = int.from_bytes(data[:8], "little")
    assert (8 + size) % 8 == 0


def test_safetensors_errors(tmp_path):
    st.save_file({"w": tracegrad.ones(16)}, tmp_path / "a.safetensors")
    data = (tmp_path / "a.safetensors").read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(data[:-4])
    with pytest.raises(ValueError, match="truncated"):
        st.load_file(tmp_path / "cut.safetensors")
    (tmp_path / "bad.safetensors").write_bytes(b"\xff" * 16)
    with pytest.raises(ValueError, match="header length"):
        st.load_file(tmp_path / "bad.safetensors")
    with pytest.raises(TypeError):
        st.save_file({"w": np.ones(2)}, tmp_path / "c.safetensors")


def test_safetensors_interop_with_reference_package(tmp_path):
    ref = pytest.importorskip("safetensors.torch")
    tensors = {"a": tracegrad.randn(3, 2), "b": tracegrad.tensor([1, 2, 3])}
    st.save_file(tensors, tmp_path / "t.safetensors")
    loaded = ref.load_file(tmp_path / "t.safetensors")
    for name, t in tensors.items():
        _assert_same(t, loaded[name])
    ref.save_file({"c": torch.arange(4.0)}, tmp_path / "r.safetensors")
    _assert_same(st.load_file(tmp_path / "r.safetensors")["c"], torch.arange(4.0))
