"""The course's regression, matrix-derivative and t-SNE examples run and print the right numbers.

Each script runs once per mode (tracegrad, and ``--torch`` where PyTorch is installed) in
``--fast`` mode; the tests then check its printout against PyTorch's printout, against
numbers typed in from the course documents, or against an independent NumPy computation.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NUMBER = re.compile(r"-?\d+\.\d+(?:e[+-]\d+)?")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _execute(script: str, out: Path, args: tuple[str, ...]) -> str:
    """Run an example in ``--fast`` mode, figures into ``out``, and return its stdout."""
    # one thread per process: the test machine's CPU is shared, and OpenMP/BLAS thread pools
    # slow the small t-SNE and matrix products down when cores are busy
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--fast", "--out", str(out), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    if completed.returncode != 0:
        raise AssertionError(f"{script} {args} failed:\n{completed.stderr[-3000:]}")
    return completed.stdout


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """``run(script, *args)``: the script's stdout, each (script, args) run only once."""
    folder = tmp_path_factory.mktemp("course_b")
    outputs: dict[tuple[str, ...], str] = {}

    def run_once(script: str, *args: str) -> str:
        key = (script, *args)
        if key not in outputs:
            out = folder / "_".join(part.replace("/", "_") for part in key)
            outputs[key] = _execute(script, out, args)
        return outputs[key]

    return run_once


@pytest.fixture(scope="module")
def torch_run(run):
    """``torch_run(script)``: the script's stdout under ``--torch``."""
    pytest.importorskip("torch", reason="PyTorch is the oracle for the example's output")
    return lambda script: run(script, "--torch")


def _figure(stdout: str, name: str) -> Path:
    """The path the script says it wrote for ``name``, checked to be a non-empty PNG."""
    written = [line.split(" ", 1)[1] for line in stdout.splitlines() if line.startswith("wrote ")]
    matches = [Path(path) for path in written if Path(path).name == name]
    assert len(matches) == 1, f"expected one 'wrote .../{name}' line, got {written}"
    data = matches[0].read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000
    return matches[0]


def _numbers(text: str) -> list[float]:
    return [float(token) for token in NUMBER.findall(text)]


def _sections(stdout: str) -> dict[str, str]:
    """Split a printout at its '== title ==' lines."""
    sections: dict[str, str] = {}
    title = None
    for line in stdout.splitlines():
        if line.startswith("== ") and line.endswith(" =="):
            title = line[3:-3]
            sections[title] = ""
        elif title is not None:
            sections[title] += line + "\n"
    return sections


def _step_losses(stdout: str) -> list[tuple[int, float]]:
    """The 'step loss' lines of a training printout."""
    rows = []
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].isdigit():
            rows.append((int(parts[0]), float(parts[1])))
    return rows


# --- seed 002: f = ||max(XW, 0) - Y||_F^2 -------------------------------------------------

# Typed in from the homework report (seed 002, Fig. 2 and Fig. 3): its inputs under
# torch.manual_seed(0) and the gradients PyTorch printed for them.
REPORT_X = """
[-1.1258, -1.1524, -0.2506, -0.4339], [ 0.8487, 0.6920, -0.3160, -2.1152],
[ 0.3223, -1.2633, 0.3500, 0.3081], [ 0.1198, 1.2377, 1.1168, -0.2473],
[-1.3527, -1.6959, 0.5667, 0.7935], [ 0.5988, -1.5551, -0.3414, 1.8530],
[-0.2159, -0.7425, 0.5627, 0.2596], [-0.1740, -0.6787, 0.9383, 0.4889],
[ 1.2032, 0.0845, -1.2001, -0.0048], [-0.5181, -0.3067, -1.5810, 1.7066]
"""
REPORT_W = """
[ 0.2055, -0.4503, -0.5731, -0.5554], [ 0.5943, 1.5419, 0.5073, -0.5910],
[-1.3253, 0.1886, -0.0691, -0.4949], [-1.4959, -0.1938, 0.4455, 1.3253]
"""
REPORT_Y = """
[ 1.5091, 2.0820, 1.7067, 2.3804], [-1.1256, -0.3170, -1.0925, -0.0852],
[ 0.3276, -0.7607, -1.5991, 0.0185], [-0.7504, 0.1854, 0.6211, 0.6382],
[-0.0033, -0.5344, 1.1687, 0.3945], [ 1.9415, 0.7915, -0.0203, -0.4372],
[-0.2188, -2.4351, -0.0729, -0.0340], [ 0.9625, 0.3492, -0.9215, -0.0562],
[-0.6227, -0.4637, 1.9218, -0.4025], [ 0.1239, 1.1648, 0.9234, 1.3873]
"""
REPORT_W_GRAD = """
[ 18.2980, 2.7573, 2.3914, -0.1974], [ 11.0817, 6.6428, 2.5163, -20.3225],
[-8.6662, 3.4506, -1.8979, -3.3608], [-21.1681, -6.6739, -1.0693, 27.0278]
"""
REPORT_Y_GRAD = """
[ 2.8885e+00, 4.1639e+00, 3.4134e+00, 3.0501e+00],
[-1.0589e+01, -2.7045e+00, -2.1849e+00, -1.7039e-01],
[ 6.5523e-01, -1.5214e+00, -3.1982e+00, -1.5687e+00],
[-1.5009e+00, -3.8551e+00, 4.9843e-01, 1.2764e+00],
[-6.6077e-03, -1.0689e+00, 1.8791e+00, -4.2604e+00],
[ 3.8829e+00, 1.5830e+00, -4.0504e-02, -7.2968e+00],
[-4.3767e-01, -4.8701e+00, -1.4583e-01, -1.3166e+00],
[ 1.9250e+00, 6.9834e-01, -1.8429e+00, -1.4750e+00],
[-5.0359e+00, -9.2744e-01, 3.8436e+00, -8.0509e-01],
[ 2.4780e-01, 2.3296e+00, -1.7491e-01, -4.2519e+00]
"""
REPORT_X_GRAD = """
[ 1.1002, 0.0860, 5.3377, 0.2788], [ 0.9583, 10.4633, -13.5234, -16.3639],
[-0.8712, -0.9272, -0.7764, 2.0790], [-1.4504, 5.6914, 0.7613, -0.9693],
[-1.2892, -3.4714, -1.9788, 4.8091], [-4.0523, -4.3127, -3.6114, 9.6703],
[-0.7312, -0.7782, -0.6516, 1.7449], [-0.8191, -0.8718, -0.7300, 1.9547],
[ 1.0350, 2.9930, -6.6743, -7.5333], [-2.4616, -2.4243, -2.1164, 5.7128]
"""
MATRIX_SCRIPT = "matrix_derivatives/relu_frobenius.py"


def _assert_printed_as(printed: str, typed: str, shape: tuple[int, int]) -> None:
    ours = np.array(_numbers(printed))
    report = np.array(_numbers(typed))
    assert report.shape == (shape[0] * shape[1],), "the typed-in block has the wrong size"
    assert ours.shape == report.shape
    # the report prints 4 decimals, or 5 significant digits in scientific notation
    np.testing.assert_allclose(ours, report, rtol=1e-4, atol=6e-5)


def test_matrix_derivatives_print_the_report_numbers(run):
    sections = _sections(run(MATRIX_SCRIPT))
    _assert_printed_as(sections["x"], REPORT_X, (10, 4))
    _assert_printed_as(sections["W"], REPORT_W, (4, 4))
    _assert_printed_as(sections["y"], REPORT_Y, (10, 4))
    assert sections["W.grad before backward"].strip() == "None"
    _assert_printed_as(sections["autograd: W.grad"], REPORT_W_GRAD, (4, 4))
    _assert_printed_as(sections["autograd: y.grad"], REPORT_Y_GRAD, (10, 4))
    _assert_printed_as(sections["autograd: x.grad"], REPORT_X_GRAD, (10, 4))
    prefix = "by hand: "
    hand = {t[len(prefix) :][:5]: text for t, text in sections.items() if t.startswith(prefix)}
    _assert_printed_as(hand["df/dW"], REPORT_W_GRAD, (4, 4))
    _assert_printed_as(hand["df/dY"], REPORT_Y_GRAD, (10, 4))
    _assert_printed_as(hand["df/dX"], REPORT_X_GRAD, (10, 4))
    # the hand-derived gradients equal autograd's to float32 rounding
    agreement = sections["largest |hand - autograd|"].strip().splitlines()
    assert len(agreement) == 3
    for line in agreement:
        assert line.endswith("allclose: True")
        assert float(line.split()[1]) < 1e-5


def test_matrix_derivatives_report_values_are_consistent():
    # independent of the script: the report's own gradients satisfy the hand formulas,
    # evaluated in float64 NumPy on the report's (rounded) inputs
    X = np.array(_numbers(REPORT_X)).reshape(10, 4)
    W = np.array(_numbers(REPORT_W)).reshape(4, 4)
    Y = np.array(_numbers(REPORT_Y)).reshape(10, 4)
    Z = X @ W
    E = np.maximum(Z, 0) - Y
    masked = E * (Z > 0)
    np.testing.assert_allclose(-2 * E, np.reshape(_numbers(REPORT_Y_GRAD), (10, 4)), atol=2e-3)
    np.testing.assert_allclose(
        2 * masked @ W.T, np.reshape(_numbers(REPORT_X_GRAD), (10, 4)), atol=2e-3
    )
    np.testing.assert_allclose(
        2 * X.T @ masked, np.reshape(_numbers(REPORT_W_GRAD), (4, 4)), atol=2e-3
    )

    # and a float64 finite difference of f confirms one entry of df/dW
    def f(weights):
        return float(((np.maximum(X @ weights, 0) - Y) ** 2).sum())

    bump = np.zeros_like(W)
    bump[3, 3] = 1e-6
    central = (f(W + bump) - f(W - bump)) / 2e-6
    assert central == pytest.approx((2 * X.T @ masked)[3, 3], rel=1e-6)


def test_matrix_derivatives_match_torch(run, torch_run):
    assert run(MATRIX_SCRIPT) == torch_run(MATRIX_SCRIPT)


# --- seed 001: nn.Linear inspected -----------------------------------------------------------

LAYER_SCRIPT = "linear_regression/linear_layer.py"


def test_linear_layer_prints_the_slide_shapes(run):
    stdout = run(LAYER_SCRIPT)
    # the slide's printed output (examples 1 and 2), typed in from seed 001
    for expected in (
        "Size of Input is torch.Size([10, 100])",
        "Size of fc1 Output is torch.Size([10, 200])",
        "weight : torch.Size([200, 100])",
        "bias : torch.Size([200])",
    ):
        assert expected in stdout
    assert stdout.count("weight : torch.Size([200, 100])") == 2
    assert stdout.count("bias : torch.Size([200])") == 1
    assert "Parameter Number of fc1 is 2 \n" in stdout
    assert "Parameter Number of fc1 is 1 \n" in stdout
    assert stdout.count("Parameter containing:") == 3
    assert "weight shape: torch.Size([2, 3])  bias shape: torch.Size([2])" in stdout
    assert "fc(x) == x Aᵀ + b: True" in stdout
    assert "bias: None" in stdout


def test_linear_layer_matches_torch(run, torch_run):
    assert run(LAYER_SCRIPT) == torch_run(LAYER_SCRIPT)


# --- seeds 000/001: linear regression with and without bias -----------------------------------

REGRESSION_SCRIPT = "linear_regression/linear_regression.py"


def _regression_tables(stdout: str) -> dict[str, dict[str, list[float]]]:
    tables: dict[str, dict[str, list[float]]] = {}
    for title, text in _sections(stdout).items():
        rows = {}
        for line in text.splitlines():
            for method in ("closed form", "gradient descent", "nn.Linear + SGD"):
                if line.startswith(method):
                    rows[method] = _numbers(line[len(method) :])
        tables[title.split(":")[0]] = rows
    return tables


def test_linear_regression_methods_agree(run):
    stdout = run(REGRESSION_SCRIPT)
    tables = _regression_tables(stdout)
    assert set(tables) == {"with bias", "without bias"}
    for rows in tables.values():
        closed_w, closed_b = rows["closed form"][:2]
        for method in ("gradient descent", "nn.Linear + SGD"):
            w, b, _, error = rows[method]
            assert w == pytest.approx(closed_w, abs=1e-3)
            assert b == pytest.approx(closed_b, abs=1e-3)
            assert error < 1e-3
    # the data are y = 2x + 1 + noise: the model with bias recovers both numbers, the line
    # through the origin cannot, and its loss is far larger
    with_bias, without_bias = tables["with bias"], tables["without bias"]
    assert with_bias["closed form"][0] == pytest.approx(2.0, abs=0.15)
    assert with_bias["closed form"][1] == pytest.approx(1.0, abs=0.1)
    assert without_bias["closed form"][1] == 0.0
    assert without_bias["closed form"][2] > 10 * with_bias["closed form"][2]
    _figure(stdout, "linear_regression.png")


def test_linear_regression_closed_form_matches_numpy_polyfit(run):
    torch = pytest.importorskip("torch", reason="PyTorch draws the same data independently")
    torch.manual_seed(0)  # the script's data, drawn by torch
    x = torch.rand(100, 1)
    y = 2.0 * x + 1.0 + 0.1 * torch.randn(100, 1)
    x64, y64 = x.double().numpy().ravel(), y.double().numpy().ravel()
    slope, intercept = np.polyfit(x64, y64, 1)
    through_origin = (x64 @ y64) / (x64 @ x64)
    tables = _regression_tables(run(REGRESSION_SCRIPT))
    assert tables["with bias"]["closed form"][:2] == pytest.approx([slope, intercept], abs=1e-5)
    assert tables["without bias"]["closed form"][0] == pytest.approx(through_origin, abs=1e-5)


def test_linear_regression_matches_torch(run, torch_run):
    ours = _regression_tables(run(REGRESSION_SCRIPT))
    theirs = _regression_tables(torch_run(REGRESSION_SCRIPT))
    for model in ours:
        for method in ours[model]:
            # w, b and loss to printed precision; the error column is float32 noise
            assert ours[model][method][:3] == pytest.approx(theirs[model][method][:3], abs=2e-5)


# --- seed 001: the homework, y = x² with a sigmoid network on 100 points ---------------------

HOMEWORK_SCRIPT = "batch_regression/x_squared_homework.py"


def test_x_squared_homework_fits_and_hand_gradients_agree(run):
    stdout = run(HOMEWORK_SCRIPT)
    losses = _step_losses(stdout)
    assert [step for step, _ in losses] == list(range(0, 1001, 100))
    assert losses[-1][1] < 0.01  # from 0.55; the noise floor is 0.0033
    assert losses[-1][1] < losses[0][1] / 50
    agreement = [line for line in stdout.splitlines() if "largest |hand - autograd|" in line]
    assert [line.split(":")[0] for line in agreement] == ["df/dW1", "df/db1", "df/dW2", "df/db2"]
    for line in agreement:
        difference = float(line.split("= ")[1].split(",")[0])
        norm = float(line.split("= ")[2])
        assert difference < 1e-5 * max(1.0, norm)
    _figure(stdout, "x_squared_fit.png")


def test_x_squared_homework_matches_torch(run, torch_run):
    ours = _step_losses(run(HOMEWORK_SCRIPT))
    theirs = _step_losses(torch_run(HOMEWORK_SCRIPT))
    assert [step for step, _ in ours] == [step for step, _ in theirs]
    # same seed, same draws: the first loss is identical; later float32 steps drift in the
    # last bits (different summation order), so compare at 1e-4
    assert ours[0] == theirs[0]
    for (_, mine), (_, reference) in zip(ours, theirs, strict=True):
        assert mine == pytest.approx(reference, rel=1e-4)


# --- seed 001: batch regression in minibatches ----------------------------------------------

BATCH_SCRIPT = "batch_regression/batch_regression.py"


def test_batch_regression_reaches_the_noise_floor(run):
    stdout = run(BATCH_SCRIPT)
    assert "200,000 points, minibatches of 400" in stdout
    losses = _step_losses(stdout)
    assert [step for step, _ in losses] == [*range(0, 500, 100), 499]
    sample_loss = float(re.search(r"evenly spaced points: (\S+)", stdout).group(1))
    largest_gap = float(
        re.search(r"largest \|fit - \(x² \+ 0\.1\)\| on \[-1, 1\]: (\S+)", stdout)[1]
    )
    assert sample_loss < 0.006  # the noise floor 0.04 / 12 is 0.0033
    assert largest_gap < 0.15
    _figure(stdout, "batch_regression.png")


def test_batch_regression_matches_torch(run, torch_run):
    ours = _step_losses(run(BATCH_SCRIPT))
    theirs = _step_losses(torch_run(BATCH_SCRIPT))
    # same seed, same data, same initial weights and minibatch order: the first loss agrees
    # up to float32 summation order; later steps drift a little further
    assert ours[0][1] == pytest.approx(theirs[0][1], rel=1e-6)
    for (step, mine), (_, reference) in zip(ours, theirs, strict=True):
        assert mine == pytest.approx(reference, rel=1e-3), step


# --- seed 003: t-SNE of a trained network's features -----------------------------------------


def test_tsne_digits_trains_and_separates_classes(run):
    stdout = run("tsne/tsne_digits.py")
    assert "1257 training and 540 test images" in stdout
    accuracy = float(re.search(r"test accuracy: (\S+)", stdout)[1])
    assert accuracy > 0.85
    raw = float(re.search(r"raw pixels: silhouette score (\S+)", stdout)[1])
    features = float(re.search(r"hidden features: silhouette score (\S+)", stdout)[1])
    assert 0.0 < raw < features < 1.0
    _figure(stdout, "tsne_digits.png")
