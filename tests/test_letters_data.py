"""Checks of the committed letters dataset in data/character_classification/.

The expected numbers come from the dataset's specification (README.md there): 26 letters,
360 train + 40 validation + 50 test images per letter, 32x32 grayscale PNGs, dark ink on
light paper, and test typeface families disjoint from the training ones.
"""

import json
import os
import string
import struct
from pathlib import Path

import pytest

Image = pytest.importorskip("PIL.Image", reason="the letters dataset checks need Pillow")

DATA = Path(__file__).resolve().parent.parent / "data" / "character_classification"
IMAGES = DATA / "images"
LETTERS = string.ascii_uppercase
PER_CLASS = {"train": 360, "validation": 40, "test": 50}

pytestmark = pytest.mark.skipif(
    not (DATA / "train.json").exists(), reason="the letters dataset is not in this checkout"
)


def read_lines(split):
    """Parse a JSON Lines file into a list of dicts, failing with the bad line's number."""
    records = []
    with open(DATA / f"{split}.json", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                pytest.fail(f"{split}.json line {number} is not JSON: {error}")
    return records


@pytest.fixture(scope="module")
def splits():
    return {split: read_lines(split) for split in PER_CLASS}


@pytest.mark.parametrize("split", list(PER_CLASS))
def test_records_are_well_formed_and_sorted(splits, split):
    records = splits[split]
    assert all(set(record) == {"path", "label"} for record in records)
    paths = [record["path"] for record in records]
    assert paths == sorted(paths)
    assert len(set(paths)) == len(paths)
    for record in records:
        prefix, letter, name = record["path"].split("/")
        assert prefix == split
        assert record["label"] == LETTERS.index(letter)
        assert 0 <= record["label"] < 26
        assert name.endswith(".png") and len(name) == len("00000.png") and name[:5].isdigit()


@pytest.mark.parametrize("split", list(PER_CLASS))
def test_split_counts(splits, split):
    counts = [0] * 26
    for record in splits[split]:
        counts[record["label"]] += 1
    assert counts == [PER_CLASS[split]] * 26


def test_every_file_is_listed_once(splits):
    listed = {record["path"] for records in splits.values() for record in records}
    on_disk = set()
    for folder, _dirs, names in os.walk(IMAGES):
        prefix = Path(folder).relative_to(IMAGES).as_posix()
        on_disk.update(f"{prefix}/{name}" for name in names if name.endswith(".png"))
    assert listed == on_disk


def png_header(path):
    """(width, height, bit depth, colour type) read straight from a PNG's IHDR chunk."""
    with open(path, "rb") as handle:
        head = handle.read(26)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height, head[24], head[25]


def test_image_size_and_mode(splits):
    # Reading the 26-byte header is enough and keeps this check over ~12k files fast.
    for records in splits.values():
        for record in records:
            # 32x32, 8 bits per pixel, colour type 0 (grayscale): Pillow's mode "L".
            assert png_header(IMAGES / record["path"]) == (32, 32, 8, 0), record["path"]


def test_header_reader_agrees_with_pillow(splits):
    record = splits["test"][0]
    with Image.open(IMAGES / record["path"]) as image:
        assert image.size == (32, 32)
        assert image.mode == "L"
    assert png_header(IMAGES / record["path"])[:2] == image.size


def test_dark_letter_on_light_background(splits):
    # Decode a sample: the border (paper) must be lighter than the darkest pixels (ink).
    for records in splits.values():
        for record in records[::97]:
            with Image.open(IMAGES / record["path"]) as image:
                pixels = image.tobytes()
            border = [pixels[i] for i in range(32)] + [pixels[32 * 31 + i] for i in range(32)]
            assert sum(border) / len(border) > 150, record["path"]
            assert min(pixels) < 110, record["path"]


def test_test_families_never_in_training():
    manifest = json.loads((DATA / "fonts.json").read_text(encoding="utf-8"))
    families = {split: manifest["splits"][split]["families"] for split in PER_CLASS}
    train_names = set(families["train"])
    test_names = set(families["test"])
    assert len(train_names) >= 20
    assert len(test_names) >= 5
    assert set(families["validation"]) == train_names
    assert not train_names & test_names

    def files(split):
        entries = [entry for family in families[split].values() for entry in family]
        return {entry["file"].rsplit("/", 1)[-1] for entry in entries}

    assert not files("train") & files("test")
    # Every family that is listed actually produced images of its split.
    for split in PER_CLASS:
        counts = manifest["splits"][split]["images"]
        assert set(counts) == set(families[split])
        assert sum(counts.values()) == 26 * PER_CLASS[split]
        assert min(counts.values()) > 0


def test_predict_images_exist():
    folder = DATA / "new_images"
    names = sorted(path.name for path in folder.glob("predict*.png"))
    assert len(names) >= 4
    assert names[0] == "predict01.png"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert name in readme
    with Image.open(folder / names[0]) as image:
        assert image.size[0] >= 32
