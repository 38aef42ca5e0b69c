"""The homework's dataset: decoded images in one array, served in batches.

Decoding a PNG costs far more than a training step, so every image is decoded once, up
front (see ``images.load_split``), into one float32 array (N, H*W). The Dataset indexes
that array; the loader hands it a whole batch of indices at a time, so a batch is a single
indexing operation instead of ``batchsize`` item look-ups followed by a stack.
"""

from __future__ import annotations

import numpy as np

from ._framework import torch  # tracegrad, or PyTorch under --framework torch

data = torch.utils.data


class CharacterDataset(data.Dataset):
    """Images (N, H*W) and labels (N,), already decoded and normalised.

    ``dataset[i]`` is one (image, label) pair; ``dataset[[i, j, ...]]`` is a batch.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray):
        self.images = torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32))
        self.labels = torch.from_numpy(np.ascontiguousarray(labels, dtype=np.int64))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.images[index], self.labels[index]


def make_loader(dataset, batch_size: int, shuffle: bool, generator=None):
    """A DataLoader yielding (images, labels) batches of ``batch_size``.

    Shuffled with ``generator`` (a ``torch.Generator``), so a run is reproducible from its
    seed and a resumed run continues with the same order (its state is checkpointed).
    """
    if shuffle:
        order = data.RandomSampler(dataset, generator=generator)
    else:
        order = data.SequentialSampler(dataset)
    batches = data.BatchSampler(order, batch_size, drop_last=False)
    # batch_size=None: each "index" the sampler yields is already a list of indices
    return data.DataLoader(dataset, sampler=batches, batch_size=None, generator=generator)
