"""Reading the image lists and turning images into the network's input vectors.

Everything here works on NumPy arrays and Pillow images; nothing depends on the framework.

Every image -- training, test, or a photo given to ``--mode predict`` -- goes through the same
:func:`prepare`, so that the network sees the same kind of input in all three modes:

1. grayscale, values in [0, 1];
2. ink is made bright on a dark background: when the border pixels are mostly light (dark
   letter on light paper, as in the shipped data) the image is inverted;
3. contrast stretched so that background = 0 and the darkest ink = 1;
4. cropped to the ink's bounding box, padded to the aspect ratio of ``--norm_size`` with a
   small margin, and resized to ``--norm_size`` -- so position and scale no longer matter;
5. flattened to a vector of H*W values (the MLP's input).

The training set's mean and standard deviation then standardise all inputs (``Normaliser``);
they are stored in the model file so that test and predict apply exactly the same numbers.
"""

from __future__ import annotations

import json
import os
import string
from dataclasses import dataclass

import numpy as np

from .errors import CharclfError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm")
MARGIN = 0.1  # blank border around the ink, as a fraction of the ink box's longer side
INK_LEVEL = 0.25  # a pixel is ink when it is this far from the background (after stretching)


def class_names(dataset: str, n_classes: int) -> list[str]:
    """The label names: "A".."Z" for letters (label 0 = A), "0".."9" for digits."""
    if dataset == "digits":
        return [str(i) for i in range(n_classes)]
    if n_classes <= 26:
        return list(string.ascii_uppercase[:n_classes])
    return [string.ascii_uppercase[i] if i < 26 else str(i) for i in range(n_classes)]


# ------------------------------------------------------------------------ one image


def prepare(gray: np.ndarray, norm_size: tuple[int, int]) -> np.ndarray:
    """One grayscale image (H0, W0) with values in [0, 1] -> its input vector (H*W,), float32.

    See the module docstring for the steps. A blank image (no contrast) becomes all zeros.
    """
    from PIL import Image

    gray = np.asarray(gray, dtype=np.float32)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    background = float(np.sort(border)[len(border) // 2])  # the median, faster than np.median
    if background > 0.5:  # light paper: invert so that ink is bright
        gray = 1.0 - gray
        background = 1.0 - background
    ink = gray - background
    peak = float(ink.max())
    height, width = norm_size
    if peak <= 1e-6:
        return np.zeros(height * width, dtype=np.float32)
    ink *= 1.0 / peak
    np.clip(ink, 0.0, 1.0, out=ink)
    mask = ink > INK_LEVEL
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    ink = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    # pad (centred) to the target aspect ratio, plus a margin, so letters keep their shape
    box_h, box_w = ink.shape
    scale = max(box_h / height, box_w / width) * (1 + 2 * MARGIN)
    pad_h, pad_w = round(scale * height), round(scale * width)
    pad_h, pad_w = max(pad_h, box_h), max(pad_w, box_w)
    canvas = np.zeros((pad_h, pad_w), dtype=np.float32)
    top, left = (pad_h - box_h) // 2, (pad_w - box_w) // 2
    canvas[top : top + box_h, left : left + box_w] = ink
    resized = Image.fromarray(canvas, mode="F").resize((width, height), Image.Resampling.BILINEAR)
    return np.asarray(resized, dtype=np.float32).reshape(-1)


def read_gray(path: str, where: str = "") -> np.ndarray:
    """Decode an image file (any size, colour or grayscale, with or without alpha) into a
    float32 grayscale array in [0, 1]. ``where`` names the list line it came from."""
    from PIL import Image, UnidentifiedImageError

    place = f" ({where})" if where else ""
    if not os.path.exists(path):
        raise CharclfError(f"image {path} not found{place}")
    if os.path.isdir(path):
        raise CharclfError(f"image {path} is a folder, not an image file{place}")
    try:
        with Image.open(path) as image:
            image.load()
            if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
                # transparent pixels are background: lay the image on white paper
                rgba = image.convert("RGBA")
                paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                image = Image.alpha_composite(paper, rgba)
            gray = image.convert("L")
            array = np.asarray(gray, dtype=np.float32) / 255.0
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        reason = str(exc).split("\n")[0] or type(exc).__name__
        raise CharclfError(f"cannot read image {path}{place}: {reason}") from None
    if array.ndim != 2 or min(array.shape) < 1:
        raise CharclfError(f"image {path}{place} is empty")
    return array


def load_image(path: str, norm_size: tuple[int, int], where: str = "") -> np.ndarray:
    """:func:`read_gray` then :func:`prepare`: an image file -> its input vector."""
    return prepare(read_gray(path, where), norm_size)


# ------------------------------------------------------------------------ image lists


def read_list(list_path: str, n_classes: int) -> list[tuple[str, int, int]]:
    """Read a JSON Lines list: one ``{"path": "train/A/00017.png", "label": 0}`` per line.

    Returns (relative path, label, line number) triples. A file holding one JSON array of
    such objects is accepted too. Any problem stops with the file and line.
    """
    if not os.path.exists(list_path):
        raise CharclfError(f"list file {list_path} not found")
    if os.path.isdir(list_path):
        raise CharclfError(f"list file {list_path} is a folder, expected a JSON Lines file")
    try:
        with open(list_path, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CharclfError(f"cannot read list file {list_path}: {exc}") from None
    if text.lstrip().startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CharclfError(f"{list_path}:{exc.lineno}: malformed JSON ({exc.msg})") from None
        numbered = [(record, 0) for record in records]
    else:
        numbered = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                numbered.append((json.loads(line), number))
            except json.JSONDecodeError as exc:
                raise CharclfError(
                    f"{list_path}:{number}: malformed JSON line ({exc.msg}): {line.strip()[:60]}"
                ) from None
    items = []
    for index, (record, number) in enumerate(numbered):
        where = f"{list_path}:{number}" if number else f"{list_path}: item {index}"
        if not isinstance(record, dict) or "path" not in record or "label" not in record:
            raise CharclfError(f'{where}: expected {{"path": ..., "label": ...}}, got {record!r}')
        path, label = record["path"], record["label"]
        if not isinstance(path, str) or not path:
            raise CharclfError(f"{where}: 'path' must be a non-empty string, got {path!r}")
        if isinstance(label, bool) or not isinstance(label, int):
            raise CharclfError(f"{where}: 'label' must be an integer, got {label!r}")
        if not 0 <= label < n_classes:
            raise CharclfError(
                f"{where}: label {label} is outside [0, {n_classes}) (--n_classes {n_classes})"
            )
        items.append((path, label, number))
    if not items:
        raise CharclfError(f"list file {list_path} holds no images")
    return items


def load_split(
    list_path: str, im_dir: str, norm_size: tuple[int, int], n_classes: int, limit: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Decode every image of a list once: (images (N, H*W) float32, labels (N,) int64)."""
    if not os.path.isdir(im_dir):
        hint = (
            " (run from the repository root, or pass --im_dir)" if not os.path.isabs(im_dir) else ""
        )
        raise CharclfError(f"image folder {im_dir} not found{hint}")
    items = read_list(list_path, n_classes)
    if limit and len(items) > limit:
        keep = np.sort(np.random.RandomState(0).permutation(len(items))[:limit])
        items = [items[i] for i in keep]
    images = np.empty((len(items), norm_size[0] * norm_size[1]), dtype=np.float32)
    labels = np.empty(len(items), dtype=np.int64)
    for row, (path, label, number) in enumerate(items):
        where = f"{list_path}:{number}" if number else list_path
        images[row] = load_image(os.path.join(im_dir, path), norm_size, where)
        labels[row] = label
    return images, labels


def load_digits_splits(norm_size: tuple[int, int], limit: int = 0) -> dict:
    """scikit-learn's 1,797 handwritten digits (8×8, bundled, no download), upscaled to
    ``norm_size`` and split 60/20/20 into train/validation/test (stratified, fixed split)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0  # 0..16 ink intensity, ink bright
    labels = digits.target.astype(np.int64)
    indices = np.arange(len(labels))
    train, rest = train_test_split(indices, test_size=0.4, stratify=labels, random_state=0)
    val, test = train_test_split(rest, test_size=0.5, stratify=labels[rest], random_state=0)
    splits = {}
    for name, chosen in (("train", train), ("validation", val), ("test", test)):
        chosen = np.sort(chosen)
        if limit:
            chosen = chosen[:limit]
        vectors = np.stack([prepare(images[i], norm_size) for i in chosen])
        splits[name] = (vectors, labels[chosen])
    return splits


# ------------------------------------------------------------------------ standardising


@dataclass
class Normaliser:
    """x -> (x - mean) / std with the training set's statistics (one number each)."""

    mean: float
    std: float

    @classmethod
    def fit(cls, images: np.ndarray) -> Normaliser:
        return cls(float(images.mean()), float(images.std()) or 1.0)

    def __call__(self, images: np.ndarray) -> np.ndarray:
        return ((images - self.mean) / self.std).astype(np.float32)

    def to_dict(self) -> dict:
        return {"kind": "prepare+standardise", "mean": self.mean, "std": self.std}

    @classmethod
    def from_dict(cls, values: dict) -> Normaliser:
        return cls(float(values["mean"]), float(values["std"]))


def image_files(path: str) -> list[str]:
    """``--im_path``: one image file, or every image file in a folder (sorted by name)."""
    if not os.path.exists(path):
        raise CharclfError(f"--im_path {path} not found")
    if not os.path.isdir(path):
        return [path]
    names = sorted(name for name in os.listdir(path) if name.lower().endswith(IMAGE_SUFFIXES))
    if not names:
        raise CharclfError(
            f"--im_path {path} is a folder with no image files ({', '.join(IMAGE_SUFFIXES)})"
        )
    return [os.path.join(path, name) for name in names]
