"""Command-line options: the homework's arguments and defaults, plus a few of our own.

The homework's list (names, defaults and meaning unchanged)::

    --mode train|test|predict   --im_dir  --train_file_path  --val_file_path  --test_file_path
    --batchsize 8  --device cpu|cuda  --hsize 32  --layer 2  --act relu  --norm_size 32,32
    --epoch 50  --n_classes 26  --valInterval 10  --lr 5e-4  --optim_type sgd
    --momentum 0.9  --weight_decay 0  --model_path saved_models/recognition.pth  --im_path

Ours: ``--dataset letters|digits``, ``--seed``, ``--resume``, ``--out_dir`` and
``--framework tracegrad|torch`` (the same program on real PyTorch, for comparison).

One deliberate difference: the homework declares ``--norm_size`` with ``type=tuple``, which
turns "32,32" into the tuple of characters ('3', '2', ',', '3', '2'); here "H,W" is parsed
into two integers.
"""

from __future__ import annotations

import argparse

from .errors import CharclfError

DATA = "data/character_classification"
ACTIVATIONS = ("none", "sigmoid", "tanh", "relu")
OPTIMIZERS = ("sgd", "adagrad", "rmsprop", "adam", "adadelta")

# The options that decide the network's shape; test/predict read them from the model file.
ARCHITECTURE = ("hsize", "layer", "act", "norm_size", "n_classes")


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad flag raises CharclfError (one line, exit 2) instead of exiting."""

    def error(self, message):
        raise CharclfError(message)


def build_parser(suppress_defaults: bool = False) -> argparse.ArgumentParser:
    """The argument parser. With ``suppress_defaults`` every default is left out, so that
    parsing tells which flags the user actually gave (see :func:`explicit_flags`)."""
    parser = _Parser(
        prog="tracegrad charclf",
        description="Character classification with a multi-layer perceptron "
        "(the course's homework 2): train, test or predict.",
        allow_abbrev=False,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        argument_default=argparse.SUPPRESS if suppress_defaults else None,
    )

    def add(*names, **kwargs):
        if suppress_defaults:
            kwargs.pop("default", None)
        parser.add_argument(*names, **kwargs)

    add(
        "--mode",
        type=str,
        default="train",
        choices=("train", "test", "predict"),
        help="train, test or predict",
    )
    add("--im_dir", type=str, default=f"{DATA}/images", help="path to directory with images")
    add(
        "--train_file_path",
        type=str,
        default=f"{DATA}/train.json",
        help="file list of training image paths and labels (JSON Lines)",
    )
    add(
        "--val_file_path",
        type=str,
        default=f"{DATA}/validation.json",
        help="file list of validation image paths and labels (JSON Lines)",
    )
    add(
        "--test_file_path",
        type=str,
        default=f"{DATA}/test.json",
        help="file list of test image paths and labels (JSON Lines)",
    )
    add("--batchsize", type=int, default=8, help="batch size")
    add("--device", type=str, default="cpu", choices=("cpu", "cuda"), help="cpu or cuda")

    # configurations for training
    add(
        "--hsize",
        type=str,
        default="32",
        help="hidden size for each hidden layer, splitted by comma",
    )
    add("--layer", type=int, default=2, help="number of layers in the MLP")
    add(
        "--act",
        type=str,
        default="relu",
        choices=ACTIVATIONS,
        help="type of activation function, can be none, sigmoid, tanh, or relu",
    )
    add("--norm_size", type=str, default="32,32", help="image normalization size, height,width")
    add("--epoch", type=int, default=50, help="number of training epochs")
    add("--n_classes", type=int, default=26, help="number of classes (the digits dataset has 10)")
    add("--valInterval", type=int, default=10, help="the frequency of validation")
    add("--lr", type=float, default=5e-4, help="learning rate")
    add(
        "--optim_type",
        type=str,
        default="sgd",
        choices=OPTIMIZERS,
        help="type of optimizer, can be sgd, adagrad, rmsprop, adam, or adadelta",
    )
    add(
        "--momentum",
        type=float,
        default=0.9,
        help="momentum of the SGD optimizer, only used if optim_type is sgd",
    )
    add(
        "--weight_decay",
        type=float,
        default=0.0,
        help="the factor of L2 penalty on network weights",
    )

    # configurations for test and prediction
    add(
        "--model_path",
        type=str,
        default="saved_models/recognition.pth",
        help="path of a saved model",
    )
    add(
        "--im_path",
        type=str,
        default=f"{DATA}/new_images/predict01.png",
        help="image (or folder of images) to predict",
    )

    # ours
    add(
        "--dataset",
        type=str,
        default="letters",
        choices=("letters", "digits"),
        help="letters: the JSON lists above; digits: scikit-learn's 8x8 handwritten digits",
    )
    add("--seed", type=int, default=0, help="random seed (initialisation and shuffling)")
    add(
        "--resume",
        action="store_true",
        default=False,
        help="continue the interrupted run from OUT_DIR/checkpoint.pth",
    )
    add(
        "--out_dir",
        type=str,
        default="runs/charclf",
        help="where checkpoints and figures are written",
    )
    add(
        "--framework",
        type=str,
        default="tracegrad",
        choices=("tracegrad", "torch"),
        help="run on tracegrad, or on real PyTorch for comparison",
    )
    # For quick checks: use at most LIMIT images of each list (a fixed random subset).
    add("--limit", type=int, default=0, help=argparse.SUPPRESS)
    return parser


def parse_hsize(text: str, layer: int) -> list[int]:
    """``"256,128"`` -> ``[256, 128]``, checked against ``--layer`` (layer - 1 sizes)."""
    if layer < 1:
        raise CharclfError(f"--layer must be at least 1, got {layer}")
    if layer == 1:
        return []  # one Linear layer: no hidden layer, --hsize is not used
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise CharclfError(
            f"--hsize {text!r}: expected comma-separated integers such as 256,128"
        ) from None
    if any(size < 1 for size in sizes):
        raise CharclfError(f"--hsize {text!r}: hidden sizes must be positive")
    if len(sizes) != layer - 1:
        example = ",".join([str(sizes[0])] * (layer - 1))
        raise CharclfError(
            f"--hsize {text!r} gives {len(sizes)} hidden size(s) but --layer {layer} needs "
            f"{layer - 1} (one per hidden layer), e.g. --hsize {example}"
        )
    return sizes


def parse_norm_size(text) -> tuple[int, int]:
    """``"32,32"`` (or ``"32"``) -> ``(32, 32)``: the (height, width) images are resized to."""
    if isinstance(text, (tuple, list)):
        parts = [str(part) for part in text]
    else:
        parts = str(text).replace("x", ",").split(",")
    try:
        sizes = [int(part) for part in parts]
    except ValueError:
        raise CharclfError(f"--norm_size {text!r}: expected HEIGHT,WIDTH such as 32,32") from None
    if len(sizes) == 1:
        sizes = sizes * 2
    if len(sizes) != 2 or min(sizes) < 4 or max(sizes) > 512:
        raise CharclfError(
            f"--norm_size {text!r}: expected HEIGHT,WIDTH between 4 and 512, such as 32,32"
        )
    return sizes[0], sizes[1]


def explicit_flags(argv: list[str]) -> set[str]:
    """The option names the user typed (so that test/predict can tell a flag that contradicts
    the model file from a default that merely differs from it)."""
    return set(vars(build_parser(suppress_defaults=True).parse_args(argv)))


def parse(argv: list[str]) -> argparse.Namespace:
    """Parse and check the options; raise CharclfError for anything out of range.

    Adds ``opt.hidden_sizes`` (a list of ints), turns ``opt.norm_size`` into a tuple and
    records ``opt.explicit`` (the set of flags given on the command line).
    """
    opt = build_parser().parse_args(argv)
    opt.explicit = explicit_flags(argv)
    opt.norm_size = parse_norm_size(opt.norm_size)
    opt.hidden_sizes = parse_hsize(opt.hsize, opt.layer)
    if opt.dataset == "digits":
        if "n_classes" in opt.explicit and opt.n_classes != 10:
            raise CharclfError(f"--dataset digits has 10 classes, but --n_classes {opt.n_classes}")
        opt.n_classes = 10
    checks = [
        (opt.batchsize >= 1, f"--batchsize must be at least 1, got {opt.batchsize}"),
        (opt.epoch >= 1, f"--epoch must be at least 1, got {opt.epoch}"),
        (opt.valInterval >= 1, f"--valInterval must be at least 1, got {opt.valInterval}"),
        (2 <= opt.n_classes <= 1000, f"--n_classes must be in [2, 1000], got {opt.n_classes}"),
        (opt.lr > 0, f"--lr must be positive, got {opt.lr}"),
        (opt.momentum >= 0, f"--momentum must be >= 0, got {opt.momentum}"),
        (opt.weight_decay >= 0, f"--weight_decay must be >= 0, got {opt.weight_decay}"),
        (opt.limit >= 0, f"--limit must be >= 0, got {opt.limit}"),
    ]
    for ok, message in checks:
        if not ok:
            raise CharclfError(message)
    return opt
