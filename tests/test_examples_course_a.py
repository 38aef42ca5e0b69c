"""The course's optimisation, geometry, data and vision examples run (in --fast mode) and
print the right numbers: each is checked against values derived by hand or computed here
independently with NumPy, and, where the script has a --torch flag, against its run on
PyTorch.

Scripts: examples/gradient_descent/{gradient_descent,momentum_newton}.py,
examples/activations/{activations,relu_composition}.py, examples/autograd/
computation_graph.py, examples/affine_transforms/affine_transforms.py,
examples/preprocessing/pandas_preprocessing.py, examples/face_detection/face_detection.py.
"""

from __future__ import annotations

import ast
import importlib.util
import math
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# The test name -> the example runs it reads (script, run on PyTorch?). All the runs the
# selected tests need start together, two at a time, when the first test asks for one:
# most of their cost is importing NumPy, matplotlib and torch, which overlaps well.
RUNS = {
    "test_gradient_descent_matches_closed_forms": [("gradient_descent/gradient_descent.py", 0)],
    "test_gradient_descent_same_on_torch": [
        ("gradient_descent/gradient_descent.py", 0),
        ("gradient_descent/gradient_descent.py", 1),
    ],
    "test_momentum_and_newton": [("gradient_descent/momentum_newton.py", 0)],
    "test_momentum_and_newton_same_on_torch": [
        ("gradient_descent/momentum_newton.py", 0),
        ("gradient_descent/momentum_newton.py", 1),
    ],
    "test_activations_derivatives": [("activations/activations.py", 0)],
    "test_activations_same_on_torch": [
        ("activations/activations.py", 0),
        ("activations/activations.py", 1),
    ],
    "test_relu_composition": [("activations/relu_composition.py", 0)],
    "test_relu_composition_close_to_torch": [
        ("activations/relu_composition.py", 0),
        ("activations/relu_composition.py", 1),
    ],
    "test_computation_graph_forward_and_reverse": [("autograd/computation_graph.py", 0)],
    "test_affine_transforms": [("affine_transforms/affine_transforms.py", 0)],
    "test_pandas_preprocessing": [("preprocessing/pandas_preprocessing.py", 0)],
    "test_pandas_preprocessing_same_on_torch": [
        ("preprocessing/pandas_preprocessing.py", 0),
        ("preprocessing/pandas_preprocessing.py", 1),
    ],
    "test_face_detection": [("face_detection/face_detection.py", 0)],
}


def _run(script: str, on_torch: int, out_dir: Path):
    """Run examples/<script> --fast --out <dir> [--torch]; return (stdout, dir)."""
    target = out_dir / script.replace("/", "_").replace(".py", "") / ("torch" if on_torch else "tg")
    flags = ["--torch"] if on_torch else []
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--fast", "--out", str(target), *flags],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    return completed, target


@pytest.fixture(scope="module")
def runs(request, tmp_path_factory):
    """Start every example run the selected tests of this module need; a test reads its
    results with ``runs(script)`` / ``runs(script, on_torch=1)``."""
    out_dir = tmp_path_factory.mktemp("examples")
    wanted = []
    has_torch = importlib.util.find_spec("torch") is not None
    this_file = Path(__file__).resolve()
    for item in request.session.items:
        if Path(str(item.fspath)).resolve() != this_file:
            continue  # a test of the same name elsewhere
        for job in RUNS.get(item.name, []):
            if job not in wanted and (has_torch or not job[1]):
                wanted.append(job)
    pool = ThreadPoolExecutor(max_workers=2)
    futures = {job: pool.submit(_run, *job, out_dir) for job in wanted}

    def result(script: str, on_torch: int = 0) -> tuple[str, Path]:
        job = (script, on_torch)
        if job not in futures:
            futures[job] = pool.submit(_run, *job, out_dir)
        completed, target = futures[job].result()
        assert completed.returncode == 0, completed.stderr[-3000:]
        return completed.stdout, target

    yield result
    pool.shutdown(wait=True, cancel_futures=True)


def numbers(line: str) -> list[float]:
    """All the numbers in a line of output (not digits inside names such as x_10)."""
    return [float(v) for v in re.findall(r"(?<![\w.])-?\d+\.?\d*(?:e[-+]?\d+)?", line)]


def line_with(output: str, start: str) -> str:
    matches = [line for line in output.splitlines() if line.startswith(start)]
    assert matches, f"no line starting with {start!r} in:\n{output}"
    return matches[0]


def assert_png(path: Path) -> None:
    assert path.is_file(), f"{path} was not written"
    content = path.read_bytes()
    assert content.startswith(PNG_SIGNATURE) and len(content) > 5000


def without_paths(output: str) -> list[str]:
    """The output without the lines naming written files (they differ between runs)."""
    return [
        line
        for line in output.splitlines()
        if not line.startswith(("figure:", "data file:", "graph:"))
    ]


def stationary_points_of_x_cos_pi_x() -> np.ndarray:
    """Where d/dx [x cos(pi x)] = cos(pi x) - pi x sin(pi x) vanishes on [-1, 2], by
    bisection in NumPy (independent of the examples)."""

    def derivative(x):
        return np.cos(np.pi * x) - np.pi * x * np.sin(np.pi * x)

    grid = np.linspace(-1, 2, 3001)
    values = derivative(grid)
    roots = []
    for left, right, f_left, f_right in zip(grid, grid[1:], values, values[1:], strict=False):
        if f_left * f_right < 0:
            for _ in range(60):
                middle = (left + right) / 2
                if derivative(left) * derivative(middle) <= 0:
                    right = middle
                else:
                    left = middle
            roots.append((left + right) / 2)
    return np.array(roots)  # local minimum, local maximum, global minimum


STATIONARY = stationary_points_of_x_cos_pi_x()


# ------------------------------------------------------------------ gradient descent


def test_gradient_descent_matches_closed_forms(runs):
    output, figures = runs("gradient_descent/gradient_descent.py")
    # on f(x) = x^2 the iterates are x_k = x0 (1 - 2 eta)^k
    for lr in (0.05, 0.2, 1.1):
        line = line_with(output, f"eta = {lr} ")
        printed = float(line.split("x_10 =")[1].split()[0])
        assert printed == pytest.approx(10 * (1 - 2 * lr) ** 10, rel=1e-5)
    iterates = numbers(line_with(output, "eta = 0.2, iterates:"))[1:]
    assert iterates == pytest.approx([10 * 0.6**k for k in range(11)], abs=1e-4)
    # non-convex: the start decides which minimum
    local_min, _, global_min = STATIONARY
    assert numbers(line_with(output, "start -0.8 ->"))[1] == pytest.approx(local_min, abs=1e-3)
    assert numbers(line_with(output, "start  0.4 ->"))[1] == pytest.approx(global_min, abs=1e-3)
    # 2-D quadratic x1^2 + 2 x2^2, eta 0.1: x1_k = -5 (0.8)^k, x2_k = -2 (0.6)^k
    step20 = numbers(line_with(output, "step 20:"))
    assert step20[1:3] == pytest.approx([-5 * 0.8**20, -2 * 0.6**20], abs=1e-6)
    # double well: the two starts end in the two minima (-1, 0) and (1, 0)
    assert numbers(line_with(output, "start (-0.2, 1.8) ->"))[2] == pytest.approx(-1, abs=1e-3)
    assert numbers(line_with(output, "start (0.2, -1.8) ->"))[2] == pytest.approx(1, abs=1e-3)
    assert_png(figures / "gd_1d.png")
    assert_png(figures / "gd_2d.png")


def test_gradient_descent_same_on_torch(runs):
    pytest.importorskip("torch", reason="PyTorch is the oracle for the example's output")
    ours, _ = runs("gradient_descent/gradient_descent.py")
    theirs, _ = runs("gradient_descent/gradient_descent.py", on_torch=1)
    # float64 elementwise steps: the printed digits agree exactly
    assert without_paths(ours) == without_paths(theirs)


def test_momentum_and_newton(runs):
    output, figures = runs("gradient_descent/momentum_newton.py")

    def final_f(start):
        return numbers(line_with(output, start))[-1]

    # the narrow valley: momentum beats plain gradient descent; at eta = 0.6 plain
    # gradient descent diverges (|1 - 0.6 * 4| > 1 in x2) while momentum converges
    assert final_f("eta = 0.4  momentum") < 0.01 * final_f("eta = 0.4  gradient descent")
    assert final_f("eta = 0.6  gradient descent") > 1e3
    assert final_f("eta = 0.6  momentum") < 1e-3
    # x cos(pi x): gradient descent stops at the local minimum, momentum reaches the global
    local_min, local_max, global_min = STATIONARY
    assert numbers(line_with(output, "gradient descent     x ="))[0] == pytest.approx(
        local_min, abs=1e-3
    )
    assert numbers(line_with(output, "momentum beta=0.9    x ="))[1] == pytest.approx(
        global_min, abs=0.01
    )
    # Newton: the Hessian of 0.1 x1^2 + 2 x2^2 is diag(0.2, 4); one step reaches (0, 0)
    hessian_rows = output.split("by hand diag(0.2, 4)):\n")[1].splitlines()[:2]
    assert numbers(hessian_rows[0])[:2] == pytest.approx([0.2, 0.0])
    assert numbers(hessian_rows[1])[:2] == pytest.approx([0.0, 4.0])
    newton_valley = numbers(line_with(output, "Newton from (-5, -2):"))
    assert newton_valley[2:6] == pytest.approx([-5, -2, 0, 0], abs=1e-12)
    from_09 = line_with(output, "x cos(pi x) from 0.9:")
    from_01 = line_with(output, "x cos(pi x) from 0.1:")
    assert "a minimum" in from_09 and "MAXIMUM" in from_01
    for line, point in ((from_09, global_min), (from_01, local_max)):
        iterates = numbers(line.split(":")[1].split("   a ")[0])
        assert iterates[-1] == pytest.approx(point, abs=1e-4)
        # f''(x) = -2 pi sin(pi x) - pi^2 x cos(pi x) at the limit, by hand
        second = -2 * np.pi * np.sin(np.pi * point) - np.pi**2 * point * np.cos(np.pi * point)
        assert numbers(line.split("f''(x) =")[1])[0] == pytest.approx(second, abs=1e-3)
    assert_png(figures / "momentum.png")
    assert_png(figures / "newton.png")


def test_momentum_and_newton_same_on_torch(runs):
    pytest.importorskip("torch", reason="PyTorch is the oracle for the example's output")
    ours, _ = runs("gradient_descent/momentum_newton.py")
    theirs, _ = runs("gradient_descent/momentum_newton.py", on_torch=1)
    assert without_paths(ours) == without_paths(theirs)


# ----------------------------------------------------------------------- activations


def test_activations_derivatives(runs):
    output, figures = runs("activations/activations.py")
    errors = [numbers(line)[-1] for line in output.splitlines() if line.startswith("max |")]
    assert len(errors) == 3 and max(errors) < 1e-6
    # derivatives at 0 by hand: sigmoid'(0) = 1/4, tanh'(0) = 1, relu'(0) = 0 (a convention)
    assert numbers(line_with(output, "sigmoid'(0) ="))[-1] == 0.25
    assert numbers(line_with(output, "tanh'(0) ="))[-1] == 1
    assert numbers(line_with(output, "relu'(0) ="))[-1] == 0
    # the printed sigmoid' row equals s(1 - s) at x = -8, -6, ..., 8, computed here
    grid = np.arange(-8.0, 9.0, 2.0)
    sigmoid = 1 / (1 + np.exp(-grid))
    assert numbers(line_with(output, "sigmoid'(x)")) == pytest.approx(
        sigmoid * (1 - sigmoid), abs=1e-4
    )
    assert_png(figures / "activations.png")


def test_activations_same_on_torch(runs):
    pytest.importorskip("torch", reason="PyTorch is the oracle for the example's output")
    ours, _ = runs("activations/activations.py")
    theirs, _ = runs("activations/activations.py", on_torch=1)

    # the float32 rounding of 1 - tanh^2 differs in the last bit: compare the tables only
    def tables(text):
        return [line for line in without_paths(text) if not line.startswith("max |")]

    assert tables(ours) == tables(theirs)


def test_relu_composition(runs):
    output, figures = runs("activations/relu_composition.py")
    # slopes 1, -1, 5 between (-10,-10), (0,0), (5,-5), (10,20): a = [1, -2, 6], c = the
    # left ends, bias = -10 (derived by hand)
    assert numbers(line_with(output, "slopes of the pieces")) == [1, -1, 5]
    assert numbers(line_with(output, "knots c =")) == [-10, 0, 5]
    assert numbers(line_with(output, "coefficients a =")) == [1, -2, 6]
    assert numbers(line_with(output, "bias =")) == [-10]
    assert "passes through the points exactly: True" in output
    assert numbers(line_with(output, "hand-set 1->3->1 network"))[-1] == 0
    max_error = numbers(line_with(output, "max |trained - f|"))[-1]
    assert max_error < 1.0
    trained = numbers(line_with(output, "trained network at the points:"))
    assert trained == pytest.approx([-10, 0, -5, 20], abs=1.0)
    assert_png(figures / "relu_composition.png")


def test_relu_composition_close_to_torch(runs):
    pytest.importorskip("torch", reason="PyTorch is the oracle for the example's output")
    ours, _ = runs("activations/relu_composition.py")
    theirs, _ = runs("activations/relu_composition.py", on_torch=1)
    # same seed, same initial weights: the first loss agrees to the printed digits;
    # 400 float32 Adam steps may drift in the last bits
    assert line_with(ours, "step     0") == line_with(theirs, "step     0")
    ours_losses = [numbers(line)[-1] for line in ours.splitlines() if line.startswith("step")]
    their_losses = [numbers(line)[-1] for line in theirs.splitlines() if line.startswith("step")]
    assert ours_losses == pytest.approx(their_losses, rel=0.05, abs=1e-4)
    ours_error = numbers(line_with(ours, "max |trained - f|"))[-1]
    their_error = numbers(line_with(theirs, "max |trained - f|"))[-1]
    assert ours_error == pytest.approx(their_error, abs=0.05)


# ----------------------------------------------------------------- computation graph


def test_computation_graph_forward_and_reverse(runs):
    output, figures = runs("autograd/computation_graph.py")
    x, w, y = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0]), 1.0
    by_hand = 2 * (x @ w - y) * x  # [7, 14, 21]
    assert numbers(line_with(output, "a = <x, w> ="))[-1] == x @ w
    assert numbers(line_with(output, "z = b^2"))[-1] == (x @ w - y) ** 2
    # forward accumulation: one pass per component, each giving one entry of the gradient
    for j in range(3):
        assert numbers(line_with(output, f"pass {j + 1}:"))[-1] == by_hand[j]
        assert numbers(line_with(output, f"-- JVP {j + 1}:"))[-1] == by_hand[j]
    assert output.count("forward-mode pass: 3 steps") == 3
    # reverse propagation: one backward pass through Pow, Sub, Dot to w
    backward_table = output.split("backward pass: 4 steps")[1]
    order = [
        backward_table.index(name) for name in ("PowBackward0", "SubBackward0", "DotBackward0")
    ]
    assert order == sorted(order)
    assert numbers(line_with(output, "w.grad ="))[:3] == list(by_hand)
    for name in (
        "forward accumulation by hand",
        "forward-mode AD",
        "reverse by hand",
        "backward()",
    ):
        line = line_with(output, name)
        printed = ast.literal_eval(line[line.index("[") : line.index("]") + 1])
        assert printed == list(by_hand) and line.endswith("equal: True")
    dot_text = (figures / "computation_graph.gv").read_text()
    assert dot_text.startswith("digraph {") and dot_text.rstrip().endswith("}")
    for label in ("PowBackward0", "SubBackward0", "DotBackward0", "AccumulateGrad", 'label="w'):
        assert label in dot_text


# -------------------------------------------------------------------- affine transforms


def test_affine_transforms(runs):
    output, figures = runs("affine_transforms/affine_transforms.py")
    assert output.count("M @ M^-1 == I: True") == 5
    # the unit square's corners under each basic matrix, computed here with NumPy
    square = np.array([[0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]], dtype=float).T
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    expected = [
        np.eye(3),
        np.array([[1, 0, 1.5], [0, 1, 0.5], [0, 0, 1]]),
        np.diag([1.5, 0.5, 1]),
        np.array([[c, s, 0], [-s, c, 0], [0, 0, 1]]),
        np.array([[1, 0.5, 0], [0, 1, 0], [0, 0, 1]]),
    ]
    corner_lines = [line for line in output.splitlines() if line.startswith("unit-square")]
    assert len(corner_lines) == 5
    for line, matrix in zip(corner_lines, expected, strict=True):
        printed = ast.literal_eval(line.split("->", 1)[1].strip())
        assert np.array(printed) == pytest.approx((matrix @ square)[:2].T, abs=1e-4)
    assert "translation by (8, 4) moves every pixel exactly: True" in output
    errors = [numbers(line)[-1] for line in output.splitlines() if "skimage.transform.warp" in line]
    assert len(errors) == 5 and max(errors) < 1e-9
    assert "T @ R == R @ T: False" in output
    assert "(T @ R)^-1 == R^-1 @ T^-1: True" in output
    centre = line_with(output, "the centre")
    before, after = centre.split("stays where it is:")
    assert numbers(after) == pytest.approx(numbers(before), abs=1e-9)
    for name in ("affine_points.png", "affine_basic.png", "affine_compositions.png"):
        assert_png(figures / name)


# ------------------------------------------------------------------------ preprocessing


def test_pandas_preprocessing(runs):
    output, files = runs("preprocessing/pandas_preprocessing.py")
    assert (files / "house_tiny.csv").read_text().startswith("NumRooms,Alley,Price\n")
    # by hand: the NaN rooms become mean(2, 4) = 3; Alley -> (Alley_Pave, Alley_nan)
    x_text = output.split("X = ")[1].split("y = ")[0]
    x_values = numbers(x_text.replace("torch.float64", ""))
    assert x_values == [3, 1, 0, 2, 0, 1, 4, 0, 1, 3, 0, 1]
    y_values = numbers(line_with(output, "y = ").replace("torch.float64", ""))
    assert y_values == [127500, 106000, 178100, 140000]
    assert "dtype=torch.float64" in x_text
    assert "X.shape = (4, 3)  y.shape = (4,)" in output


def test_pandas_preprocessing_same_on_torch(runs):
    pytest.importorskip("torch", reason="PyTorch is the oracle for the example's output")
    ours, _ = runs("preprocessing/pandas_preprocessing.py")
    theirs, _ = runs("preprocessing/pandas_preprocessing.py", on_torch=1)
    assert without_paths(ours) == without_paths(theirs)


# ------------------------------------------------------------------------ face detection


def test_face_detection(runs):
    pytest.importorskip("cv2", reason="the example uses OpenCV")
    pytest.importorskip("skimage", reason="the photograph ships with scikit-image")
    output, figures = runs("face_detection/face_detection.py")
    assert numbers(line_with(output, "grayscale by tensor vs cv2.cvtColor"))[0] <= 1
    count = int(numbers(line_with(output, "faces found:"))[0])
    boxes = [numbers(line) for line in output.splitlines() if line.startswith("face box:")]
    assert count >= 1 and len(boxes) == count
    for x, y, width, height in boxes:
        assert width > 0 and height > 0
        assert 0 <= x and x + width <= 512 and 0 <= y and y + height <= 512
    # the astronaut's face is in the upper middle of the picture (about x 175-270,
    # y 65-165, read off the image): some box must contain its centre
    assert any(x <= 222 <= x + w and y <= 115 <= y + h for x, y, w, h in boxes)
    assert_png(figures / "faces.png")
