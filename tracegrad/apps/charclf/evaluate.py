"""``--mode test`` and ``--mode predict``, and the batched inference they share with training."""

from __future__ import annotations

import os

import numpy as np

from . import images as imaging
from . import modelfile, plots
from .errors import CharclfError

EVAL_BATCH = 1024  # inference needs no gradients, so large batches are cheap


def infer(framework, model, inputs: np.ndarray, device: str, features: bool = False):
    """Logits (N, C) as a NumPy array -- and the last hidden layer's features when asked --
    for normalised input vectors (N, H*W), computed in batches without gradients."""
    torch = framework.torch
    was_training = model.training
    model.eval()
    logits, hidden = [], []
    with torch.no_grad():
        for start in range(0, len(inputs), EVAL_BATCH):
            batch = torch.from_numpy(np.ascontiguousarray(inputs[start : start + EVAL_BATCH]))
            if device != "cpu":
                batch = batch.to(device)
            logits.append(model(batch).cpu().numpy())
            if features:
                hidden.append(model.features(batch).cpu().numpy())
    model.train(was_training)
    width = model.net[-1].out_features
    logits = np.concatenate(logits) if logits else np.zeros((0, width), np.float32)
    if not features:
        return logits
    return logits, (np.concatenate(hidden) if hidden else None)


def accuracy(framework, model, inputs: np.ndarray, labels: np.ndarray, device: str) -> float:
    """The fraction of ``inputs`` whose highest logit is the true label."""
    logits = infer(framework, model, inputs, device)
    return float((logits.argmax(axis=1) == labels).mean())


def load_trained(framework, opt):
    """The model file's network (weights loaded, eval mode), its dict, and its Normaliser."""
    blob = modelfile.load_model_file(framework, opt.model_path)
    config = blob["config"]
    modelfile.check_flags_match(config, opt, opt.model_path)
    model = modelfile.build_model(framework, config)
    modelfile.load_weights(model, blob["state_dict"], opt.model_path)
    if opt.device != "cpu":
        model = model.to(opt.device)
    model.eval()
    try:
        normaliser = imaging.Normaliser.from_dict(blob["normalisation"])
    except (KeyError, TypeError, ValueError):
        raise CharclfError(f"model file {opt.model_path} has no valid 'normalisation'") from None
    return model, blob, normaliser


def test_split(opt, config: dict):
    """The test images and labels for the model's dataset."""
    norm_size = tuple(config["norm_size"])
    if config["dataset"] == "digits":
        return imaging.load_digits_splits(norm_size, opt.limit)["test"]
    return imaging.load_split(
        opt.test_file_path, opt.im_dir, norm_size, config["n_classes"], opt.limit
    )


def report(labels, predicted, classes, out_dir: str, *, features=None, seed: int = 0) -> float:
    """Print overall and per-class accuracy, draw the confusion matrix (and the t-SNE map when
    ``features`` are given). Returns the accuracy."""
    count = len(labels)
    correct = int((predicted == labels).sum())
    overall = correct / count
    print(f"test accuracy: {overall:.4f} ({correct}/{count})")
    n_classes = len(classes)
    matrix = np.bincount(labels * n_classes + predicted, minlength=n_classes**2)
    matrix = matrix.reshape(n_classes, n_classes)
    print("per-class accuracy:")
    cells = []
    for index, name in enumerate(classes):
        total = matrix[index].sum()
        cells.append(f"{name} {matrix[index, index] / total:.3f}" if total else f"{name}   -  ")
    for start in range(0, len(cells), 6):
        print("  " + "   ".join(cells[start : start + 6]))
    path = plots.confusion(matrix, classes, os.path.join(out_dir, "confusion_matrix.png"))
    print(f"confusion matrix: {path}")
    if features is not None:
        path = plots.tsne(features, labels, classes, os.path.join(out_dir, "tsne.png"), seed)
        print(f"t-SNE of hidden features: {path}")
    return overall


def run_test(opt, framework) -> int:
    """``--mode test``: accuracy overall and per class, confusion matrix, t-SNE plot."""
    model, blob, normaliser = load_trained(framework, opt)
    config = blob["config"]
    images, labels = test_split(opt, config)
    logits, hidden = infer(framework, model, normaliser(images), opt.device, features=True)
    print(f"model: {opt.model_path} ({modelfile.describe(config)})")
    report(
        labels, logits.argmax(axis=1), blob["classes"], opt.out_dir, features=hidden, seed=opt.seed
    )
    return 0


def run_predict(opt, framework) -> int:
    """``--mode predict``: the top-5 classes and their probabilities for each image."""
    torch = framework.torch
    model, blob, normaliser = load_trained(framework, opt)
    norm_size = tuple(blob["config"]["norm_size"])
    classes = blob["classes"]
    files = imaging.image_files(opt.im_path)
    vectors = np.stack([imaging.load_image(path, norm_size) for path in files])
    logits = torch.from_numpy(infer(framework, model, normaliser(vectors), opt.device))
    top = logits.softmax(dim=1).topk(min(5, len(classes)), dim=1)
    for path, values, indices in zip(files, top.values.tolist(), top.indices.tolist()):
        ranked = "  ".join(f"{classes[i]} {p:.3f}" for p, i in zip(values, indices))
        print(f"{path}: {classes[indices[0]]}    top-{len(indices)}: {ranked}")
    return 0
