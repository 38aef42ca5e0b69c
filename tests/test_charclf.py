"""The character classifier app (tracegrad.apps.charclf) on a small synthetic letter set.

The letters are drawn with Pillow's built-in font at a few sizes and offsets, so the tests
need no shipped data and run in seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

PIL = pytest.importorskip("PIL", reason="the classifier decodes images with Pillow")
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

import tracegrad  # noqa: E402
from tracegrad.apps import charclf  # noqa: E402
from tracegrad.apps.charclf import images as imaging  # noqa: E402
from tracegrad.apps.charclf import options  # noqa: E402
from tracegrad.apps.charclf.losses import CrossEntropyLoss  # noqa: E402
from tracegrad.apps.charclf.network import MLP  # noqa: E402

LETTERS = "ABCD"
ROOT = Path(__file__).resolve().parent.parent


def _draw(letter: str, size: int, dx: int, dy: int, ink: int = 20, paper: int = 235):
    image = Image.new("L", (32, 32), paper)
    font = ImageFont.load_default(size)
    ImageDraw.Draw(image).text((16 + dx, 16 + dy), letter, font=font, fill=ink, anchor="mm")
    return image


@pytest.fixture(scope="module")
def letters(tmp_path_factory):
    """im_dir and JSON Lines lists: 4 classes, 12 train / 4 validation / 4 test images each."""
    root = tmp_path_factory.mktemp("letters")
    rng = np.random.RandomState(0)
    counts = {"train": 12, "validation": 4, "test": 4}
    for split, count in counts.items():
        lines = []
        for label, letter in enumerate(LETTERS):
            folder = root / "images" / split / letter
            folder.mkdir(parents=True)
            for index in range(count):
                size = int(rng.randint(18, 27))
                dx, dy = (int(v) for v in rng.randint(-3, 4, size=2))
                _draw(letter, size, dx, dy).save(folder / f"{index:05d}.png")
                lines.append(
                    json.dumps({"path": f"{split}/{letter}/{index:05d}.png", "label": label})
                )
        (root / f"{split}.json").write_text("\n".join(lines) + "\n")
    return root


def _args(data: Path, tmp: Path, *extra: str) -> list[str]:
    return [
        "--im_dir",
        str(data / "images"),
        "--train_file_path",
        str(data / "train.json"),
        "--val_file_path",
        str(data / "validation.json"),
        "--test_file_path",
        str(data / "test.json"),
        "--n_classes",
        "4",
        "--hsize",
        "16",
        "--batchsize",
        "4",
        "--model_path",
        str(tmp / "model.pth"),
        "--out_dir",
        str(tmp / "run"),
        *extra,
    ]


def _run(capsys, argv):
    status = charclf.main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def trained(letters, tmp_path_factory):
    """A model trained for a few epochs (Adam, so that 5 epochs are enough)."""
    tmp = tmp_path_factory.mktemp("trained")
    argv = _args(
        letters, tmp, "--epoch", "5", "--valInterval", "1", "--optim_type", "adam", "--lr", "3e-3"
    )
    status = charclf.main(argv)
    assert status == 0
    return tmp


# ----------------------------------------------------------------------------- the pieces


def test_cross_entropy_matches_numpy_and_is_stable():
    rng = np.random.RandomState(1)
    logits = rng.randn(5, 4) * 3
    logits[0, 2] = 1000.0  # exp(1000) overflows unless the maximum is subtracted first
    target = np.array([2, 0, 3, 1, 1])
    z = tracegrad.tensor(logits, requires_grad=True)
    loss = CrossEntropyLoss()(z, tracegrad.tensor(target))
    loss.backward()
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_q = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -log_q[np.arange(5), target].mean()
    assert np.isfinite(loss.item())
    assert loss.item() == pytest.approx(expected, rel=1e-12)
    # the homework's result: dL/dz = (q - y*) / N
    onehot = np.eye(4)[target]
    np.testing.assert_allclose(z.grad.numpy(), (np.exp(log_q) - onehot) / 5, atol=1e-12)


def test_mlp_layers_follow_the_homework():
    one = MLP(12, [], 3, 1, "relu")
    assert [type(m).__name__ for m in one.net] == ["Linear"]
    three = MLP(12, [8, 6], 3, 3, "tanh")
    names = [type(m).__name__ for m in three.net]
    assert names == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    shapes = [tuple(m.weight.shape) for m in three.net if type(m).__name__ == "Linear"]
    assert shapes == [(8, 12), (6, 8), (3, 6)]
    assert type(MLP(12, [8], 3, 2, "none").net[1]).__name__ == "Identity"
    x = tracegrad.randn(7, 12)
    assert tuple(three(x).shape) == (7, 3)
    assert tuple(three.features(x).shape) == (7, 6)


def test_options_parse_norm_size_and_check_hsize():
    opt = options.parse(["--norm_size", "28,24", "--layer", "3", "--hsize", "256,128"])
    assert opt.norm_size == (28, 24) and opt.hidden_sizes == [256, 128]
    assert options.parse([]).norm_size == (32, 32)  # the homework's default
    with pytest.raises(charclf.CharclfError, match="--layer 3 needs 2"):
        options.parse(["--layer", "3", "--hsize", "32"])
    with pytest.raises(charclf.CharclfError, match="--norm_size"):
        options.parse(["--norm_size", "big"])


def test_prepare_ignores_inversion_colour_size_and_position(tmp_path):
    reference = imaging.prepare(np.asarray(_draw("B", 24, 0, 0), np.float32) / 255, (32, 32))
    assert reference.shape == (1024,) and reference.max() > 0.9  # ink is bright
    # inverted (light letter on dark), colour, larger canvas, shifted
    big = Image.new("RGB", (96, 80), (250, 240, 190))
    font = ImageFont.load_default(72)
    ImageDraw.Draw(big).text((40, 44), "B", font=font, fill=(20, 20, 140), anchor="mm")
    big.save(tmp_path / "colour.png")
    _draw("B", 24, 3, -2).point(lambda v: 255 - v).save(tmp_path / "inverted.png")
    inverted = imaging.load_image(str(tmp_path / "inverted.png"), (32, 32))
    np.testing.assert_allclose(inverted, reference, atol=0.02)
    colour = imaging.load_image(str(tmp_path / "colour.png"), (32, 32))
    # a different rendering size: same letter, so it correlates far better with B than others
    others = [
        imaging.prepare(np.asarray(_draw(c, 24, 0, 0), np.float32) / 255, (32, 32)) for c in "ACD"
    ]
    score = np.corrcoef(colour, reference)[0, 1]
    assert all(score > np.corrcoef(colour, other)[0, 1] for other in others)


# ----------------------------------------------------------------------------- the modes


def test_train_saves_a_model_that_test_and_predict_use(letters, trained, capsys, tmp_path):
    model_path = trained / "model.pth"
    blob = tracegrad.load(str(model_path))
    assert blob["config"]["hsize"] == "16" and blob["config"]["n_classes"] == 4
    assert blob["classes"] == list(LETTERS)
    for name in ("curves.png", "checkpoint.pth"):
        assert (trained / "run" / name).exists()

    out_dir = tmp_path / "test_run"
    argv = [
        "--mode",
        "test",
        "--im_dir",
        str(letters / "images"),
        "--test_file_path",
        str(letters / "test.json"),
        "--model_path",
        str(model_path),
        "--out_dir",
        str(out_dir),
    ]
    status, out, err = _run(capsys, argv)
    assert status == 0, err
    printed = float(out.split("test accuracy: ")[1].split()[0])
    assert printed >= 0.75  # four clearly different letters
    assert "per-class accuracy" in out
    assert (out_dir / "confusion_matrix.png").exists() and (out_dir / "tsne.png").exists()

    # the printed accuracy, recomputed from the model file with NumPy alone
    x, y = imaging.load_split(str(letters / "test.json"), str(letters / "images"), (32, 32), 4)
    norm = blob["normalisation"]
    x = (x - norm["mean"]) / norm["std"]
    weights = {k: v.numpy().astype(np.float64) for k, v in blob["state_dict"].items()}
    hidden = np.maximum(x @ weights["net.0.weight"].T + weights["net.0.bias"], 0)
    logits = hidden @ weights["net.2.weight"].T + weights["net.2.bias"]
    assert printed == pytest.approx((logits.argmax(1) == y).mean(), abs=1e-4)

    folder = tmp_path / "new"
    folder.mkdir()
    _draw("C", 60, 0, 0).resize((90, 90)).point(lambda v: 255 - v).save(folder / "inverted.png")
    _draw("A", 24, 1, 1).convert("RGB").save(folder / "colour.png")
    (folder / "notes.txt").write_text("not an image")
    status, out, err = _run(
        capsys, ["--mode", "predict", "--im_path", str(folder), "--model_path", str(model_path)]
    )
    assert status == 0, err
    lines = out.strip().split("\n")
    assert len(lines) == 2  # the two images, not the text file
    assert lines[0].startswith(str(folder / "colour.png")) and "top-4" in lines[0]
    probabilities = [float(p) for p in lines[0].split("top-4: ")[1].split()[1::2]]
    assert sum(probabilities) == pytest.approx(1.0, abs=2e-3)
    assert probabilities == sorted(probabilities, reverse=True)


def test_model_file_loads_in_torch(trained):
    torch = pytest.importorskip("torch", reason="the model file must load in real PyTorch")
    ours = tracegrad.load(str(trained / "model.pth"))
    theirs = torch.load(str(trained / "model.pth"), weights_only=True)
    assert theirs["config"] == ours["config"] and theirs["classes"] == ours["classes"]
    for name, value in ours["state_dict"].items():
        np.testing.assert_array_equal(theirs["state_dict"][name].numpy(), value.numpy())


def test_resume_gives_the_same_weights_as_an_uninterrupted_run(letters, tmp_path, capsys):
    full, part = tmp_path / "full", tmp_path / "part"
    assert charclf.main(_args(letters, full, "--epoch", "4", "--valInterval", "3")) == 0
    assert charclf.main(_args(letters, part, "--epoch", "2", "--valInterval", "3")) == 0
    resumed = _args(letters, part, "--epoch", "4", "--valInterval", "3", "--resume")
    assert charclf.main(resumed) == 0
    assert "resuming from" in capsys.readouterr().out
    a = tracegrad.load(str(full / "run" / "checkpoint.pth"))
    b = tracegrad.load(str(part / "run" / "checkpoint.pth"))
    assert a["epoch"] == b["epoch"] == 4
    for name in a["model"]:
        assert tracegrad.equal(a["model"][name], b["model"][name]), name
    assert a["history"]["loss"] == b["history"]["loss"]
    for index, state in a["optimizer"]["state"].items():
        other = b["optimizer"]["state"][index]["momentum_buffer"]
        assert tracegrad.equal(state["momentum_buffer"], other)
    # a resumed run must use the same options
    status, _, err = _run(capsys, _args(letters, part, "--epoch", "5", "--lr", "0.1", "--resume"))
    assert status == 2 and "--lr" in err and "checkpoint" in err


def test_torch_framework_runs_the_same_program(letters, tmp_path, capsys):
    pytest.importorskip("torch", reason="--framework torch runs the program on real PyTorch")
    losses = {}
    for framework in ("tracegrad", "torch"):
        argv = _args(letters, tmp_path / framework, "--epoch", "2", "--framework", framework)
        status, out, err = _run(capsys, argv)
        assert status == 0, err
        losses[framework] = [
            float(line.split("loss ")[1].split()[0])
            for line in out.split("\n")
            if line.startswith("epoch")
        ]
    # same seed: same initial weights and the same shuffling, so the same losses
    assert len(losses["torch"]) == 2
    np.testing.assert_allclose(losses["tracegrad"], losses["torch"], rtol=1e-3)


def test_digits_dataset_trains(tmp_path, capsys):
    pytest.importorskip("sklearn", reason="the digits come with scikit-learn")
    argv = [
        "--dataset",
        "digits",
        "--limit",
        "150",
        "--epoch",
        "2",
        "--optim_type",
        "adam",
        "--lr",
        "3e-3",
        "--model_path",
        str(tmp_path / "d.pth"),
        "--out_dir",
        str(tmp_path),
    ]
    status, out, err = _run(capsys, argv)
    assert status == 0, err
    assert "150 train" in out and float(out.split("test accuracy: ")[1].split()[0]) > 0.5
    assert tracegrad.load(str(tmp_path / "d.pth"))["classes"] == [str(i) for i in range(10)]


# ----------------------------------------------------------------------------- bad input


def _bad_list(letters: Path, tmp: Path, line: str, where: int = 3) -> Path:
    lines = (letters / "train.json").read_text().split("\n")
    lines[where - 1] = line
    path = tmp / "bad.json"
    path.write_text("\n".join(lines))
    return path


@pytest.mark.parametrize(
    "case, expected",
    [
        ("malformed", ["bad.json:3", "malformed JSON"]),
        ("label", ["bad.json:3", "label 7 is outside [0, 4)"]),
        ("no_image", ["bad.json:3", "nope.png not found"]),
        ("not_image", ["bad.json:3", "cannot read image", "fake.png"]),
        ("missing_list", ["list file", "missing.json not found"]),
        ("missing_dir", ["image folder", "not found"]),
        ("hsize", ["--hsize '16'", "--layer 3 needs 2"]),
    ],
)
def test_bad_training_input_stops_with_one_line(letters, trained, tmp_path, capsys, case, expected):
    model_path = trained / "model.pth"
    before = model_path.read_bytes()
    argv = _args(letters, tmp_path, "--epoch", "1")
    argv[argv.index("--model_path") + 1] = str(model_path)  # a good model that must survive
    fake = letters / "images" / "fake.png"
    fake.write_text("this is not a PNG")
    train_list = {
        "malformed": lambda: _bad_list(letters, tmp_path, '{"path": "train/A/00001.png", '),
        "label": lambda: _bad_list(letters, tmp_path, '{"path": "train/A/00001.png", "label": 7}'),
        "no_image": lambda: _bad_list(letters, tmp_path, '{"path": "nope.png", "label": 0}'),
        "not_image": lambda: _bad_list(letters, tmp_path, '{"path": "fake.png", "label": 0}'),
        "missing_list": lambda: tmp_path / "missing.json",
    }
    if case in train_list:
        argv[argv.index("--train_file_path") + 1] = str(train_list[case]())
    elif case == "missing_dir":
        argv[argv.index("--im_dir") + 1] = str(tmp_path / "nowhere")
    elif case == "hsize":
        argv += ["--layer", "3"]
    status, out, err = _run(capsys, argv)
    assert status == 2
    assert err.startswith("charclf: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for text in expected:
        assert text in err
    assert model_path.read_bytes() == before


def test_bad_model_files_stop_with_one_line(letters, trained, tmp_path, capsys):
    model_path = trained / "model.pth"
    before = model_path.read_bytes()
    test_args = [
        "--mode",
        "test",
        "--im_dir",
        str(letters / "images"),
        "--test_file_path",
        str(letters / "test.json"),
        "--out_dir",
        str(tmp_path),
    ]
    # a flag that contradicts the model file's configuration
    status, _, err = _run(capsys, [*test_args, "--model_path", str(model_path), "--hsize", "64"])
    assert status == 2 and "--hsize 64" in err and "--hsize 16" in err
    garbage = tmp_path / "garbage.pth"
    garbage.write_bytes(b"\x00not a zip file" * 10)
    status, _, err = _run(capsys, [*test_args, "--model_path", str(garbage)])
    assert status == 2 and "garbage.pth cannot be read" in err
    other = tmp_path / "other.pth"  # a valid tracegrad file that is not a charclf model
    tracegrad.save({"weights": tracegrad.zeros(3)}, str(other))
    status, _, err = _run(capsys, [*test_args, "--model_path", str(other)])
    assert status == 2 and "not a charclf model file" in err
    # weights that do not fit the configuration written next to them
    blob = tracegrad.load(str(model_path))
    blob["config"]["hsize"] = "24"
    tracegrad.save(blob, str(other))
    status, _, err = _run(capsys, [*test_args, "--model_path", str(other)])
    assert status == 2 and "net.0.weight" in err and "[16, 1024]" in err
    status, _, err = _run(
        capsys,
        [
            "--mode",
            "predict",
            "--model_path",
            str(model_path),
            "--im_path",
            str(letters / "train.json"),
        ],
    )
    assert status == 2 and "cannot read image" in err and "train.json" in err
    assert model_path.read_bytes() == before


def test_module_entry_point_reports_errors_without_traceback(tmp_path):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tracegrad.apps.charclf",
            "--mode",
            "test",
            "--model_path",
            str(tmp_path / "none.pth"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert completed.returncode == 2
    assert completed.stderr.strip().split("\n") == [
        f"charclf: error: model file {tmp_path / 'none.pth'} not found"
    ]


def test_smoke_on_the_shipped_letters(tmp_path, capsys):
    data = ROOT / "data" / "character_classification"
    if not (data / "train.json").exists():
        pytest.skip("the shipped letters are not in data/character_classification")
    argv = ["--im_dir", str(data / "images"), "--train_file_path", str(data / "train.json"),
            "--val_file_path", str(data / "validation.json"),
            "--test_file_path", str(data / "test.json"), "--limit", "400", "--epoch", "2",
            "--optim_type", "adam", "--lr", "2e-3",
            "--model_path", str(tmp_path / "m.pth"), "--out_dir", str(tmp_path)]  # fmt: skip
    status, out, err = _run(capsys, argv)
    assert status == 0, err
    assert "400 train, 400 validation, 400 test" in out
    assert float(out.split("test accuracy: ")[1].split()[0]) > 0.3  # chance is 1/26
