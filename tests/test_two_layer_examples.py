"""The course's two-layer networks (examples/two_layer_net/) and the homework's configurable
MLP (examples/mlp/) print the same losses under tracegrad as under PyTorch.

Each script runs in this process (``runpy``), once with tracegrad and once with ``--torch``,
which saves an interpreter start and an import of torch per run. To keep the suite cheap
the two-layer scripts run their first 101 iterations only (their ``range(500)`` or
``range(501)`` is shortened); set ``TRACEGRAD_FULL_EXAMPLES=1`` to run them in full.
``autograd_net.py`` is run in full, as a program, in tests/test_examples.py.
"""

from __future__ import annotations

import contextlib
import builtins
import io
import os
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
TWO_LAYER = ROOT / "examples" / "two_layer_net"
MLP = ROOT / "examples" / "mlp" / "configurable_mlp.py"

SCRIPTS = [
    "tensor_manual.py",
    "tensor_optim.py",
    "nn_mse_loss.py",
    "nn_sequential.py",
    "nn_optim.py",
    "nn_module_params.py",
    "nn_module_linear.py",
]


FULL = os.environ.get("TRACEGRAD_FULL_EXAMPLES") == "1"


def _short_range(*bounds):
    """``range`` for a script's training loop: ``range(500)`` or ``range(501)`` becomes
    ``range(101)``."""
    if len(bounds) == 1 and bounds[0] in (500, 501):
        return builtins.range(101)
    return builtins.range(*bounds)


def _run(script: Path, *args: str, shorten: bool = False) -> list[str]:
    """The lines ``script`` prints when run as a program with ``args``; ``shorten`` cuts a
    500-iteration loop to 101 iterations (a module-level ``range`` shadows the builtin)."""
    stdout = io.StringIO()
    saved_argv = sys.argv
    sys.argv = [str(script), *args]
    init_globals = {"range": _short_range} if shorten and not FULL else None
    try:
        with contextlib.redirect_stdout(stdout):
            runpy.run_path(str(script), init_globals=init_globals, run_name="__main__")
    finally:
        sys.argv = saved_argv
    return [line for line in stdout.getvalue().split("\n") if line]


def _losses(lines: list[str]) -> list[tuple[int, float]]:
    """The ``step loss`` lines of a script's output."""
    rows = []
    for line in lines:
        words = line.split()
        if len(words) == 2 and words[0].isdigit():
            rows.append((int(words[0]), float(words[1])))
    return rows


def _assert_same_losses(ours: list[tuple[int, float]], theirs: list[tuple[int, float]]):
    assert len(ours) >= 3
    assert [step for step, _ in ours] == [step for step, _ in theirs]
    # Same seed, same draws: the first loss agrees to float32 precision. It is not always
    # bit-identical, because float32 matrix products of a few hundred terms already round
    # differently in NumPy's BLAS and in PyTorch's. Later steps amplify that, so 1%.
    assert ours[0][1] == pytest.approx(theirs[0][1], rel=1e-6)
    for (step, mine), (_, reference) in zip(ours[1:], theirs[1:], strict=True):
        # Below a millionth of the first loss the float32 weights' last bits dominate the
        # remaining error, so there the losses only need to agree to 5%.
        tolerance = 1e-2 if reference > 1e-6 * theirs[0][1] else 5e-2
        assert mine == pytest.approx(reference, rel=tolerance), f"step {step}"
    assert ours[-1][1] < ours[0][1]


@pytest.mark.parametrize("name", SCRIPTS)
def test_two_layer_script_matches_torch(name):
    pytest.importorskip("torch", reason="PyTorch is the oracle for the example's output")
    script = TWO_LAYER / name
    ours = _losses(_run(script, shorten=True))
    theirs = _losses(_run(script, "--torch", shorten=True))
    _assert_same_losses(ours, theirs)


def test_numpy_script_loss_decreases_as_on_the_slide():
    rows = _losses(_run(TWO_LAYER / "numpy_net.py", shorten=True))
    steps = [step for step, _ in rows]
    assert steps == list(range(0, 501 if FULL else 101, 50))
    losses = [loss for _, loss in rows]
    assert all(later < earlier for earlier, later in zip(losses, losses[1:]))
    assert losses[-1] < (1e-6 if FULL else 1e-3) * losses[0]
    # the first loss, recomputed here from the same seeded draws
    rng = np.random.RandomState(0)
    x, y = rng.randn(64, 1000), rng.randn(64, 10)
    w1, w2 = rng.randn(1000, 100), rng.randn(100, 10)
    expected = np.square(np.maximum(x @ w1, 0) @ w2 - y).sum()
    assert losses[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "args",
    [
        ("--steps", "200"),
        ("--layer", "1", "--act", "none", "--steps", "200"),
        ("--layer", "4", "--hsize", "16,12,8", "--act", "tanh", "--steps", "200"),
        ("--layer", "2", "--hsize", "8", "--act", "sigmoid", "--steps", "200"),
    ],
)
def test_configurable_mlp_matches_torch(args):
    pytest.importorskip("torch", reason="PyTorch is the oracle for the example's output")
    ours, theirs = _run(MLP, *args), _run(MLP, *args, "--torch")
    # the printed network is torch's text
    structure = [line for line in ours if not line[0].isdigit() and "accuracy" not in line]
    assert structure == [
        line for line in theirs if not line[0].isdigit() and "accuracy" not in line
    ]
    layers = int(args[args.index("--layer") + 1]) if "--layer" in args else 3
    assert sum("Linear(" in line for line in structure) == layers
    _assert_same_losses(_losses(ours), _losses(theirs))
    accuracy = [float(line.split()[-1]) for line in ours if "accuracy" in line]
    reference = [float(line.split()[-1]) for line in theirs if "accuracy" in line]
    assert accuracy == pytest.approx(reference, abs=0.011)


def test_configurable_mlp_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        _run(MLP, "--act", "gelu")
