"""Model files and checkpoints: what is saved, and the checks made when reading them back.

A model file (``--model_path``) is a plain dict, saved with the framework's ``save`` (it loads
with ``tracegrad.load`` and with ``torch.load(weights_only=True)``)::

    {"format": "tracegrad-charclf/1",
     "config": {"hsize": "32", "layer": 2, "act": "relu", "norm_size": [32, 32],
                "n_classes": 26, "dataset": "letters"},
     "state_dict": {...the MLP's weights...},
     "normalisation": {"kind": "prepare+standardise", "mean": 0.18, "std": 0.36},
     "classes": ["A", ..., "Z"],
     "epoch": 40, "val_acc": 0.91}

so test and predict rebuild the same network and preprocess images the same way without
repeating the training flags. Every write goes to a temporary file in the same folder that
is then renamed over the target, so a crash never leaves half a file in place of a good one.
"""

from __future__ import annotations

import os

from .errors import CharclfError
from .images import Normaliser
from .options import parse_hsize
from ..._atomic import write_atomically

FORMAT = "tracegrad-charclf/1"

# Options that change the sequence of weights a run produces: a checkpoint only resumes
# with the same values (the number of epochs and the validation interval may change).
RUN_KEYS = (
    "dataset",
    "norm_size",
    "hsize",
    "layer",
    "act",
    "n_classes",
    "batchsize",
    "lr",
    "optim_type",
    "momentum",
    "weight_decay",
    "seed",
    "framework",
    "limit",
)


def model_config(opt) -> dict:
    """The architecture and data options of a run, as plain values."""
    return {
        "hsize": ",".join(str(size) for size in opt.hidden_sizes),
        "layer": int(opt.layer),
        "act": opt.act,
        "norm_size": [int(opt.norm_size[0]), int(opt.norm_size[1])],
        "n_classes": int(opt.n_classes),
        "dataset": opt.dataset,
    }


def run_config(opt) -> dict:
    """Every option a resumed run must share with the interrupted one (see RUN_KEYS)."""
    values = model_config(opt)
    for key in RUN_KEYS:
        if key not in values:
            values[key] = getattr(opt, key)
    return values


def describe(config: dict) -> str:
    """A config as the flags that produce it: ``--hsize 32 --layer 2 --act relu ...``."""
    shown = []
    for key, value in config.items():
        if key == "norm_size":
            value = ",".join(str(v) for v in value)
        shown.append(f"--{key} {value}")
    return " ".join(shown)


def build_model(framework, config: dict):
    """A fresh MLP of the shape ``config`` describes (weights drawn from the global RNG)."""
    height, width = config["norm_size"]
    hidden = parse_hsize(config["hsize"], config["layer"]) if config["layer"] > 1 else []
    return framework.MLP(
        height * width, hidden, config["n_classes"], config["layer"], config["act"]
    )


def atomic_save(framework, obj, path: str) -> None:
    """Save ``obj`` to ``path`` through a temporary file and a rename (never half-written)."""
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        write_atomically(path, lambda out: framework.save(obj, out))
    except OSError as exc:
        raise CharclfError(f"cannot write {path}: {exc.strerror or exc}") from None


def check_writable(path: str, what: str) -> None:
    """Fail early (before hours of training) when ``path`` could not be written."""
    if os.path.isdir(path):
        raise CharclfError(f"{what} {path} is a folder; expected a file path")
    directory = os.path.dirname(os.path.abspath(path))
    parent = directory
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK):
        raise CharclfError(f"{what} {path}: cannot create files in {parent}")


def _read(framework, path: str, what: str) -> dict:
    if not os.path.exists(path):
        hint = " (nothing to resume: start without --resume)" if what == "checkpoint" else ""
        raise CharclfError(f"{what} {path} not found{hint}")
    if os.path.isdir(path):
        raise CharclfError(f"{what} {path} is a folder, not a file")
    try:
        blob = framework.load(path)
    except Exception as exc:  # any failure to parse means: not one of our files
        reason = str(exc).strip().split("\n")[0][:120] or type(exc).__name__
        raise CharclfError(f"{what} {path} cannot be read ({reason})") from None
    if not isinstance(blob, dict) or blob.get("format") != FORMAT:
        raise CharclfError(f"{what} {path} is not a charclf model file (format {FORMAT} expected)")
    return blob


def _check_config(config, path: str) -> dict:
    keys = ("hsize", "layer", "act", "norm_size", "n_classes", "dataset")
    if not isinstance(config, dict) or any(key not in config for key in keys):
        raise CharclfError(f"model file {path} has no valid 'config' entry")
    return config


def load_model_file(framework, path: str) -> dict:
    """Read and check a model file; returns its dict (see the module docstring)."""
    blob = _read(framework, path, "model file")
    _check_config(blob.get("config"), path)
    for key in ("state_dict", "normalisation", "classes"):
        if key not in blob:
            raise CharclfError(f"model file {path} has no {key!r} entry")
    return blob


def check_flags_match(config: dict, opt, path: str) -> None:
    """test/predict read the architecture from the model file; a flag given on the command
    line that says otherwise means the wrong model file (or the wrong flag)."""
    given = {
        "hsize": lambda: ",".join(str(size) for size in opt.hidden_sizes),
        "layer": lambda: opt.layer,
        "act": lambda: opt.act,
        "norm_size": lambda: list(opt.norm_size),
        "n_classes": lambda: opt.n_classes,
        "dataset": lambda: opt.dataset,
    }
    for key, value in given.items():
        flag_given = key in opt.explicit or (key == "hsize" and "layer" in opt.explicit)
        if flag_given and value() != config[key]:
            raise CharclfError(
                f"model file {path} was trained with {describe(config)}, "
                f"which does not match --{key} {opt_text(key, value())} given here "
                "(test and predict read the network's configuration from the model file)"
            )


def opt_text(key: str, value) -> str:
    if key == "norm_size":
        return ",".join(str(v) for v in value)
    return str(value)


def load_weights(model, state_dict, path: str) -> None:
    """``model.load_state_dict`` with one clear line when the shapes do not match."""
    expected = {name: tuple(value.shape) for name, value in model.state_dict().items()}
    try:
        found = {name: tuple(value.shape) for name, value in state_dict.items()}
    except (AttributeError, TypeError):
        raise CharclfError(f"model file {path}: 'state_dict' is not a dict of tensors") from None
    for name, shape in expected.items():
        if name not in found:
            raise CharclfError(f"model file {path}: weight {name!r} is missing")
        if found[name] != shape:
            raise CharclfError(
                f"model file {path}: weight {name!r} has shape {list(found[name])}, but its "
                f"configuration needs {list(shape)}"
            )
    extra = sorted(set(found) - set(expected))
    if extra:
        raise CharclfError(f"model file {path}: unexpected weight {extra[0]!r}")
    model.load_state_dict(state_dict)


def model_blob(config, model, normaliser: Normaliser, classes, epoch: int, val_acc: float):
    """The dict saved as the model file."""
    return {
        "format": FORMAT,
        "config": dict(config),
        "state_dict": model if isinstance(model, dict) else model.state_dict(),
        "normalisation": normaliser.to_dict(),
        "classes": list(classes),
        "epoch": int(epoch),
        "val_acc": float(val_acc),
    }


def load_checkpoint(framework, path: str, run: dict) -> dict:
    """Read a training checkpoint and check it belongs to a run with the same options."""
    blob = _read(framework, path, "checkpoint")
    saved = blob.get("run")
    if not isinstance(saved, dict):
        raise CharclfError(f"checkpoint {path} has no valid 'run' entry")
    needed = ("epoch", "model", "optimizer", "loader_rng", "global_rng", "history",
              "best_val_acc", "best_epoch", "best_state", "normalisation")  # fmt: skip
    missing = [key for key in needed if key not in blob]
    if missing:
        raise CharclfError(f"checkpoint {path} is incomplete (no {missing[0]!r} entry)")
    differ = [key for key in run if saved.get(key) != run[key]]
    if differ:
        theirs = " ".join(f"--{k} {opt_text(k, saved.get(k))}" for k in differ)
        ours = " ".join(f"--{k} {opt_text(k, run[k])}" for k in differ)
        raise CharclfError(
            f"checkpoint {path} belongs to a run with {theirs}, not {ours}; "
            "resume with the same options, or start afresh without --resume"
        )
    return blob
