"""The course programs in examples/ run and print what PyTorch prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(script: Path, *args: str) -> list[str]:
    completed = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    return completed.stdout.split("\n")


def test_two_layer_net_matches_torch():
    pytest.importorskip("torch", reason="PyTorch is the oracle for the example's output")
    script = ROOT / "examples" / "two_layer_net" / "autograd_net.py"
    ours = [line.split() for line in _run(script) if line]
    theirs = [line.split() for line in _run(script, "--torch") if line]
    assert [row[0] for row in ours] == [str(i) for i in range(0, 501, 50)]
    assert [row[0] for row in ours] == [row[0] for row in theirs]
    # same seed, same random draws: the first loss is identical; later float32 steps may
    # differ in the last bits of matrix products (different BLAS), so compare at 1%
    assert ours[0][1] == theirs[0][1]
    for mine, reference in zip(ours[1:], theirs[1:], strict=True):
        assert float(mine[1]) == pytest.approx(float(reference[1]), rel=1e-2)
    assert float(ours[-1][1]) < 1e-3 * float(ours[0][1])


def test_lenet_on_the_letters_matches_torch():
    """The CNN example: the same network printed, the same seeded initial weights and
    draws, so the same first-epoch loss and accuracy (to float32 rounding of the sums)."""
    pytest.importorskip("torch", reason="PyTorch is the oracle for the example's output")
    script = ROOT / "examples" / "cnn" / "lenet_letters.py"
    ours, theirs = _run(script, "--fast"), _run(script, "--fast", "--torch")
    assert ours[:-2] == theirs[:-2]  # the model and its parameter count
    assert "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))" in "\n".join(ours)
    mine, reference = ours[-2].split(), theirs[-2].split()
    assert mine[:2] == reference[:2] == ["epoch", "1:"]
    assert float(mine[4].rstrip(",")) == pytest.approx(float(reference[4].rstrip(",")), rel=1e-3)
    assert float(mine[7]) == pytest.approx(float(reference[7]), abs=0.02)
