"""The homework's dataset: every image decoded once into one array, served in batches.

``CharacterDataset`` and ``make_loader`` are in ``tracegrad/apps/charclf/datasets.py``; the
image decoding and preprocessing (inversion, cropping to the ink, resizing to --norm_size)
in ``tracegrad/apps/charclf/images.py``. Re-exported here for ``from datasets import ...``.
"""

from tracegrad.apps.charclf.datasets import CharacterDataset, make_loader
from tracegrad.apps.charclf.images import load_digits_splits, load_image, load_split

__all__ = ["CharacterDataset", "make_loader", "load_split", "load_image", "load_digits_splits"]
