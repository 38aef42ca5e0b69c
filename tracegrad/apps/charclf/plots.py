"""The figures: training curves, confusion matrix and the t-SNE map of hidden features.

Drawn with matplotlib's object API on the Agg canvas (no window, no global pyplot state) and
written atomically (a temporary file renamed over the target).
"""

from __future__ import annotations

import math
import os

import numpy as np

from .errors import CharclfError
from ..._atomic import write_atomically

TSNE_POINTS = 1500  # t-SNE costs O(n log n) per iteration; a sample of this size shows the clusters


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _save(figure, path: str) -> str:
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        write_atomically(path, lambda out: figure.savefig(out, format="png"))
    except OSError as exc:
        raise CharclfError(f"cannot write figure {path}: {exc.strerror or exc}") from None
    return path


def curves(history: dict, path: str) -> str:
    """Training loss per epoch, and training / validation accuracy, side by side."""
    figure = _figure(10, 4)
    loss_axes, acc_axes = figure.subplots(1, 2)
    epochs = history["epoch"]
    loss_axes.plot(epochs, history["loss"], color="tab:blue")
    loss_axes.set(xlabel="epoch", ylabel="cross-entropy", title="training loss")
    loss_axes.grid(alpha=0.3)
    acc_axes.plot(epochs, history["train_acc"], color="tab:blue", label="train")
    validated = [(e, a) for e, a in zip(epochs, history["val_acc"]) if a is not None]
    if validated:
        val_epochs, val_acc = zip(*validated)
        acc_axes.plot(val_epochs, val_acc, "o-", color="tab:orange", label="validation")
    acc_axes.set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(0, 1.02))
    acc_axes.grid(alpha=0.3)
    acc_axes.legend(loc="lower right")
    figure.tight_layout()
    return _save(figure, path)


def confusion(matrix: np.ndarray, classes: list[str], path: str) -> str:
    """The confusion matrix, each row (true class) normalised to sum to 1."""
    size = max(5.0, 0.32 * len(classes) + 2)
    figure = _figure(size + 1, size)
    axes = figure.subplots()
    totals = matrix.sum(axis=1, keepdims=True)
    rates = matrix / np.maximum(totals, 1)
    image = axes.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    ticks = np.arange(len(classes))
    axes.set_xticks(ticks, classes, fontsize=8)
    axes.set_yticks(ticks, classes, fontsize=8)
    axes.set(xlabel="predicted", ylabel="true", title="confusion matrix (row-normalised)")
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    figure.tight_layout()
    return _save(figure, path)


def _colour(index: int, count: int):
    """Distinct colours: tab20 then Dark2 (28 in all), a rainbow beyond that."""
    from matplotlib import colormaps

    if count <= 28:
        return colormaps["tab20"](index) if index < 20 else colormaps["Dark2"](index - 20)
    return colormaps["gist_rainbow"](index / (count - 1))


def tsne(features: np.ndarray, labels: np.ndarray, classes: list[str], path: str, seed: int = 0):
    """t-SNE of the hidden features in 2-D, one colour per class, the class names written at
    each cluster's centre. Uses a fixed random sample of at most TSNE_POINTS points."""
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    if len(labels) > TSNE_POINTS:
        keep = np.sort(np.random.RandomState(seed).permutation(len(labels))[:TSNE_POINTS])
        features, labels = features[keep], labels[keep]
    count = len(labels)
    if count < 3:
        raise CharclfError(f"t-SNE needs at least 3 test images, got {count}")
    perplexity = float(min(30.0, max(1.0, (count - 1) / 3)))
    tsne_map = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed)
    # one thread: on a busy machine OpenMP's spinning workers made it 10x slower, not faster
    with threadpool_limits(limits=1):
        embedding = tsne_map.fit_transform(np.asarray(features, dtype=np.float64))
    figure = _figure(8, 8)
    axes = figure.subplots()
    for index, name in enumerate(classes):
        chosen = labels == index
        if not chosen.any():
            continue
        colour = _colour(index, len(classes))
        points = embedding[chosen]
        axes.scatter(points[:, 0], points[:, 1], s=6, color=colour, alpha=0.6, label=name)
        centre = np.median(points, axis=0)
        axes.text(
            *centre,
            name,
            fontsize=13,
            weight="bold",
            ha="center",
            va="center",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "alpha": 0.7},
        )
    columns = max(1, math.ceil(len(classes) / 13))
    axes.legend(
        markerscale=3,
        fontsize=7,
        ncol=columns,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        frameon=False,
    )
    axes.set(title=f"t-SNE of the last hidden layer ({count} test images)", xticks=[], yticks=[])
    figure.tight_layout()
    return _save(figure, path)
