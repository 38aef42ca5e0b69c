"""Choosing the framework: tracegrad, or real PyTorch (``--framework torch``) for comparison.

The homework's files (``network.py``, ``losses.py``, ``datasets.py``) are written against a
module variable ``torch`` (``from ._framework import torch``), exactly as a course program is
written against ``import torch``. :func:`load` executes those files once per framework with
``torch`` bound to the chosen library, so the *same code* builds the network on both.
Imported the ordinary way, they run on tracegrad.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import types

from .errors import CharclfError

import tracegrad as torch  # the module variable the homework files read (rebound by load())

_FILES = ("losses", "network", "datasets")
_LOADED: dict[str, types.SimpleNamespace] = {}


def load(name: str) -> types.SimpleNamespace:
    """The framework ``name`` ("tracegrad" or "torch") and the homework files bound to it.

    Returns a namespace with ``torch`` (the library), ``MLP``, ``CrossEntropyLoss``,
    ``CharacterDataset`` and ``make_loader``, plus ``save`` and ``load`` for model files.
    """
    global torch
    if name in _LOADED:
        return _LOADED[name]
    try:
        library = importlib.import_module(name)
    except ImportError:
        raise CharclfError(
            f"--framework {name}: cannot import {name!r} (is it installed?)"
        ) from None
    framework = types.SimpleNamespace(name=name, torch=library)
    previous, torch = torch, library
    try:
        for stem in _FILES:
            if name == "tracegrad":
                module = importlib.import_module(f"{__package__}.{stem}")
            else:
                path = os.path.join(os.path.dirname(__file__), f"{stem}.py")
                spec = importlib.util.spec_from_file_location(
                    f"{__package__}.{stem}_on_{name}", path
                )
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
            setattr(framework, stem, module)
    finally:
        torch = previous
    framework.MLP = framework.network.MLP
    framework.CrossEntropyLoss = framework.losses.CrossEntropyLoss
    framework.CharacterDataset = framework.datasets.CharacterDataset
    framework.make_loader = framework.datasets.make_loader
    if name == "torch":
        # weights_only: a model file is data, never code (tracegrad.load is always this strict)
        framework.load = lambda path: library.load(path, map_location="cpu", weights_only=True)
    else:
        framework.load = library.load
    framework.save = library.save
    _LOADED[name] = framework
    return framework
