"""The course's character classifier (homework 2): an MLP that reads letters from images.

    tracegrad charclf --mode train              # train on data/character_classification
    tracegrad charclf --mode test               # accuracy, confusion matrix, t-SNE plot
    tracegrad charclf --mode predict --im_path my_letter.png
    python -m tracegrad.apps.charclf ...        # the same

The files follow the homework's layout: ``options.py`` (its argument list), ``network.py``
(``MLP``), ``losses.py`` (``CrossEntropyLoss``), ``datasets.py`` (the Dataset and loader),
then ``train.py``, ``evaluate.py`` (test and predict), ``images.py`` (decoding and
preprocessing), ``modelfile.py`` (saving and checking model files) and ``plots.py``.
``--framework torch`` runs the same files on real PyTorch (see ``_framework.py``).
"""

from __future__ import annotations

import contextlib
import os
import sys

from .errors import CharclfError

__all__ = ["main", "CharclfError"]


def _check_device(opt, torch) -> None:
    if opt.device == "cuda" and not torch.cuda.is_available():
        raise CharclfError(
            f"--device cuda: CUDA is not available to {opt.framework} here; use --device cpu"
        )


@contextlib.contextmanager
def _one_thread(framework):
    """Run the math on one CPU thread, in both frameworks.

    A batch of 8 through an MLP gains nothing from more threads, and on a busy machine the
    idle-spinning worker threads of OpenMP/OpenBLAS made each step 10 to 40 times slower
    (measured with PyTorch's defaults and with NumPy's OpenBLAS on 2 shared cores).
    """
    if framework.name == "torch":
        torch = framework.torch
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(previous)
        return
    try:
        from threadpoolctl import threadpool_limits  # comes with scikit-learn
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def main(argv: list[str] | None = None) -> int:
    """Run the classifier with command-line arguments ``argv``; returns the exit status.

    Bad input (a flag, a data file, an image, a model file) prints one line,
    ``charclf: error: ...``, on stderr and returns 2.
    """
    from . import _framework, evaluate, options, train

    argv = list(sys.argv[1:] if argv is None else argv)
    out_dir = "runs/charclf"
    try:
        opt = options.parse(argv)
        out_dir = opt.out_dir
        framework = _framework.load(opt.framework)
        _check_device(opt, framework.torch)
        modes = {"train": train.run_train, "test": evaluate.run_test}
        with _one_thread(framework):
            return modes.get(opt.mode, evaluate.run_predict)(opt, framework)
    except CharclfError as exc:
        message = " ".join(str(exc).split("\n"))
        print(f"charclf: error: {message}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        sys.stdout = open(os.devnull, "w")  # so that Python's final flush stays quiet
        return 1
    except KeyboardInterrupt:
        checkpoint = os.path.join(out_dir, "checkpoint.pth")
        print(f"\ncharclf: interrupted; continue from {checkpoint} with --resume", file=sys.stderr)
        return 130
