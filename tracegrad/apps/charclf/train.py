"""``--mode train``: the training loop, validation, best-model saving and checkpoints.

One epoch is the homework's loop::

    for images, labels in loader:
        logits = model(images)
        loss = criterion(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

Every ``--valInterval`` epochs (and after the last) the model is scored on the validation
set; when it beats the best so far it is written to ``--model_path``. After every epoch a
checkpoint (model, optimizer, random-number states, history) goes to
``OUT_DIR/checkpoint.pth``, from which ``--resume`` continues exactly where the run stopped:
the resumed run ends with the same weights as an uninterrupted one.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from . import evaluate, modelfile, plots
from . import images as imaging
from .errors import CharclfError


def make_optimizer(torch, opt, parameters):
    """The ``--optim_type`` optimizer with ``--lr`` and ``--weight_decay`` (and ``--momentum``
    for SGD, the only one of the five that takes it)."""
    kind, lr, decay = opt.optim_type, opt.lr, opt.weight_decay
    if kind == "sgd":
        return torch.optim.SGD(parameters, lr=lr, momentum=opt.momentum, weight_decay=decay)
    if kind == "adagrad":
        return torch.optim.Adagrad(parameters, lr=lr, weight_decay=decay)
    if kind == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=lr, weight_decay=decay)
    if kind == "adam":
        return torch.optim.Adam(parameters, lr=lr, weight_decay=decay)
    return torch.optim.Adadelta(parameters, lr=lr, weight_decay=decay)


def load_data(opt) -> dict:
    """Decode every split once: {"train": (X, y), "validation": ..., "test": ... or None}.

    All lists and images are read (and checked) before the first step, so a bad line stops
    the run at once rather than after an hour of training.
    """
    if opt.dataset == "digits":
        return imaging.load_digits_splits(opt.norm_size, opt.limit)
    splits = {}
    paths = (
        ("train", opt.train_file_path),
        ("validation", opt.val_file_path),
        ("test", opt.test_file_path),
    )
    for name, path in paths:
        if name == "test" and not path:
            splits[name] = None  # --test_file_path "": no final test
            continue
        splits[name] = imaging.load_split(path, opt.im_dir, opt.norm_size, opt.n_classes, opt.limit)
    return splits


def _new_history() -> dict:
    return {"epoch": [], "loss": [], "train_acc": [], "val_acc": [], "seconds": []}


def _copy_state(model) -> dict:
    return {name: value.detach().clone() for name, value in model.state_dict().items()}


def train_one_epoch(model, loader, criterion, optimizer, device: str, bar) -> tuple[float, float]:
    """One pass over the training set; returns (mean loss, accuracy) over its samples."""
    total_loss, correct, seen = 0.0, 0, 0
    for step, (images, labels) in enumerate(loader, start=1):
        if device != "cpu":
            images, labels = images.to(device), labels.to(device)
        logits = model(images)
        loss = criterion(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        count = len(labels)
        total_loss += loss.item() * count
        correct += (logits.argmax(dim=1) == labels).sum().item()
        seen += count
        if bar is not None:
            bar.update(1)
            if step % 50 == 0:  # formatting the postfix every step would cost more than a step
                bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.3f}")
    return total_loss / seen, correct / seen


def _progress_bar(epoch: int, total_epochs: int, steps: int):
    """A tqdm bar on stderr when it is a terminal (None otherwise: logs get one line per epoch)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(
        total=steps,
        desc=f"epoch {epoch}/{total_epochs}",
        file=sys.stderr,
        leave=False,
        unit="batch",
        mininterval=0.2,
    )


def run_train(opt, framework) -> int:
    """``--mode train``: returns the exit status (0)."""
    torch = framework.torch
    checkpoint_path = os.path.join(opt.out_dir, "checkpoint.pth")
    modelfile.check_writable(opt.model_path, "--model_path")
    modelfile.check_writable(checkpoint_path, "--out_dir")
    config = modelfile.model_config(opt)
    run = modelfile.run_config(opt)
    checkpoint = None
    if opt.resume:
        checkpoint = modelfile.load_checkpoint(framework, checkpoint_path, run)

    started = time.perf_counter()
    splits = load_data(opt)
    train_x, train_y = splits["train"]
    normaliser = imaging.Normaliser.fit(train_x)
    if checkpoint is not None:
        normaliser = imaging.Normaliser.from_dict(checkpoint["normalisation"])
    val_x, val_y = normaliser(splits["validation"][0]), splits["validation"][1]
    classes = imaging.class_names(opt.dataset, opt.n_classes)
    print(
        f"data: {len(train_y)} train, {len(val_y)} validation"
        + (f", {len(splits['test'][1])} test" if splits["test"] is not None else "")
        + f" images ({opt.dataset}, {opt.norm_size[0]}x{opt.norm_size[1]}), "
        f"decoded in {time.perf_counter() - started:.1f} s"
    )

    torch.manual_seed(opt.seed)
    model = modelfile.build_model(framework, config)
    if opt.device != "cpu":
        model = model.to(opt.device)
    criterion = framework.CrossEntropyLoss()
    optimizer = make_optimizer(torch, opt, model.parameters())
    generator = torch.Generator()
    generator.manual_seed(opt.seed)
    dataset = framework.CharacterDataset(normaliser(train_x), train_y)
    loader = framework.make_loader(dataset, opt.batchsize, shuffle=True, generator=generator)

    history = _new_history()
    best = {"val_acc": -1.0, "epoch": 0, "state": None}
    first_epoch = 1
    if checkpoint is not None:
        history, best, first_epoch = _restore(
            checkpoint, checkpoint_path, model, optimizer, generator, torch
        )
    print(
        f"model: {modelfile.describe(config)}  optimizer: {opt.optim_type} lr {opt.lr}  "
        f"framework: {framework.name}"
    )

    model.train()
    for epoch in range(first_epoch, opt.epoch + 1):
        tick = time.perf_counter()
        bar = _progress_bar(epoch, opt.epoch, len(loader))
        try:
            loss, train_acc = train_one_epoch(model, loader, criterion, optimizer, opt.device, bar)
        finally:
            if bar is not None:
                bar.close()
        seconds = time.perf_counter() - tick
        if not np.isfinite(loss):
            raise CharclfError(
                f"epoch {epoch}: the loss became {loss} (diverged); try an --lr below {opt.lr}"
            )
        val_acc = None
        if epoch % opt.valInterval == 0 or epoch == opt.epoch:
            val_acc = evaluate.accuracy(framework, model, val_x, val_y, opt.device)
        line = f"epoch {epoch:3d}/{opt.epoch}  loss {loss:.4f}  train acc {train_acc:.4f}"
        if val_acc is not None:
            line += f"  val acc {val_acc:.4f}"
            if val_acc > best["val_acc"]:
                best = {"val_acc": val_acc, "epoch": epoch, "state": _copy_state(model)}
                blob = modelfile.model_blob(
                    config, best["state"], normaliser, classes, epoch, val_acc
                )
                modelfile.atomic_save(framework, blob, opt.model_path)
                line += "  (best: saved)"
        print(f"{line}  {seconds:.2f} s", flush=True)
        history["epoch"].append(epoch)
        history["loss"].append(loss)
        history["train_acc"].append(train_acc)
        history["val_acc"].append(val_acc)
        history["seconds"].append(seconds)
        state = {
            "format": modelfile.FORMAT,
            "run": run,
            "epoch": epoch,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "loader_rng": generator.get_state(),
            "global_rng": torch.get_rng_state(),
            "history": history,
            "best_val_acc": best["val_acc"],
            "best_epoch": best["epoch"],
            "best_state": best["state"],
            "normalisation": normaliser.to_dict(),
        }
        modelfile.atomic_save(framework, state, checkpoint_path)
    _finish(opt, framework, model, history, best, splits["test"], normaliser)
    return 0


def _restore(checkpoint, path, model, optimizer, generator, torch):
    """Put a checkpoint's weights, optimizer state and random-number states back;
    returns (history, best, first epoch to run)."""
    modelfile.load_weights(model, checkpoint["model"], path)
    optimizer.load_state_dict(checkpoint["optimizer"])
    generator.set_state(checkpoint["loader_rng"])  # the next epoch's shuffle
    torch.set_rng_state(checkpoint["global_rng"])
    history = {key: list(values) for key, values in checkpoint["history"].items()}
    best = {
        "val_acc": float(checkpoint["best_val_acc"]),
        "epoch": int(checkpoint["best_epoch"]),
        "state": checkpoint["best_state"],
    }
    done = int(checkpoint["epoch"])
    print(f"resuming from {path} after epoch {done}")
    return history, best, done + 1


def _finish(opt, framework, model, history, best, test_split, normaliser) -> None:
    """After the last epoch: timing summary, curves, and the best model's test accuracy."""
    total = sum(history["seconds"])
    epochs = len(history["seconds"])
    if epochs:
        print(f"training: {total:.1f} s for {epochs} epochs ({total / epochs:.2f} s per epoch)")
    print(
        f"best validation accuracy {best['val_acc']:.4f} at epoch {best['epoch']}, "
        f"saved to {opt.model_path}"
    )
    if history["epoch"]:
        print(f"curves: {plots.curves(history, os.path.join(opt.out_dir, 'curves.png'))}")
    if test_split is not None and best["state"] is not None:
        modelfile.load_weights(model, best["state"], opt.model_path)
        test_x, test_y = test_split
        test_acc = evaluate.accuracy(framework, model, normaliser(test_x), test_y, opt.device)
        print(f"test accuracy: {test_acc:.4f}")
