"""Gradient descent in one and two dimensions, with autograd computing f'(x) (seed 000,
slides "梯度下降", "1维举例", "多维"; the non-convex function is seed 004's "局部最小").

The rule is the slides' one line: step against the gradient,

    x <- x - eta * f'(x)            (1-D)
    x <- x - eta * grad f(x)        (d dimensions)

since f(x - eta f'(x)) ~ f(x) - eta f'(x)^2 <= f(x) for a small enough eta. Each loop below
is the course's recipe: mark x as requiring a gradient, compute f, call ``backward()``,
then move x in place under ``no_grad`` and clear its gradient.

What the script shows:

1. f(x) = x^2 from x = 10 with three learning rates (too small: slow; 0.2: fast; 1.1:
   diverges). On a quadratic the iterates have a closed form, x_k = 10 (1 - 2 eta)^k, and
   the script prints both.
2. f(x) = x cos(pi x) on [-1, 2] (non-convex): where gradient descent ends depends on
   where it starts; from x = -0.8 it stops in the local minimum near -0.27, from x = 0.4 it
   reaches the global one near 1.09.
3. f(x1, x2) = x1^2 + 2 x2^2 from (-5, -2) with eta = 0.1: the trajectory on the contour
   plot; again x1_k = -5 (0.8)^k and x2_k = -2 (0.6)^k by hand.
4. A 2-D non-convex "double well" f(x1, x2) = (x1^2 - 1)^2 + x2^2 (minima at (+-1, 0), a
   saddle at the origin): two starts end in the two different minima.

Usage: python gradient_descent.py [--fast] [--out DIR] [--torch]
Figures: gd_1d.png, gd_2d.png.
"""

import argparse
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw into files, no window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--fast", action="store_true", help="fewer steps and grid points")
parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "figures")
parser.add_argument("--torch", action="store_true", help="run on PyTorch instead")
args = parser.parse_args()
if args.out.exists() and not args.out.is_dir():
    parser.error(f"--out must be a folder, but {args.out} is a file")

if args.torch:
    import torch
else:
    import tracegrad as torch

GRID = 60 if args.fast else 200  # contour-plot resolution


def save_figure(fig, name):
    """Save ``fig`` as ``args.out/name`` (written to a temp file, then renamed)."""
    args.out.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(suffix=".png", dir=args.out)
    os.close(handle)
    fig.savefig(temp, dpi=100)
    os.replace(temp, args.out / name)
    plt.close(fig)
    print("figure:", args.out / name)


def gradient_descent(f, x0, lr, steps):
    """Run ``steps`` gradient-descent steps on f from x0; return all iterates (a list of
    plain floats or lists, so that they can be printed and plotted)."""
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    path = [x.tolist()]
    for _ in range(steps):
        loss = f(x)
        loss.backward()  # x.grad = f'(x)
        with torch.no_grad():
            x -= lr * x.grad  # the update must not be recorded in the graph
        x.grad.zero_()  # backward() accumulates: clear before the next step
        path.append(x.tolist())
    return path


# -------------------------------------------------------------------------------- 1-D
def square(x):
    return x**2


def wavy(x):
    return x * torch.cos(np.pi * x)


print("== 1-D: f(x) = x^2, x0 = 10, 10 steps ==")
rates = (0.05, 0.2, 1.1)
quadratic_paths = {}
for lr in rates:
    path = gradient_descent(square, 10.0, lr, 10)
    quadratic_paths[lr] = path
    by_hand = 10.0 * (1 - 2 * lr) ** 10
    print(f"eta = {lr:<4}  x_10 = {path[-1]: .6f}   by hand 10(1-2eta)^10 = {by_hand: .6f}")
print("eta = 0.2, iterates:", " ".join(f"{x:.4f}" for x in quadratic_paths[0.2]))
print()

print("== 1-D non-convex: f(x) = x cos(pi x), eta = 0.05 ==")
wavy_steps = 20 if args.fast else 40
wavy_paths = {}
for x0 in (-0.8, 0.4):
    path = gradient_descent(wavy, x0, 0.05, wavy_steps)
    wavy_paths[x0] = path
    end = path[-1]
    value = end * np.cos(np.pi * end)
    print(f"start {x0: .1f} -> x = {end:.4f}, f(x) = {value:.4f}")
print("(local minimum near x = -0.274, f = -0.179; global minimum near x = 1.090, f = -1.047)")
print()

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
for lr, marker in zip(rates, ("o", "s", "^"), strict=True):
    distance = np.abs(np.array(quadratic_paths[lr]))
    left.semilogy(distance, marker=marker, ms=4, label=f"η = {lr}")
left.set(
    title="f(x) = x²: distance to the minimum, from x = 10",
    xlabel="step k",
    ylabel="|x_k| (log scale)",
)
left.legend(title="learning rate")
grid = np.linspace(-1, 2, GRID)
right.plot(grid, grid * np.cos(np.pi * grid), color="gray", label="f(x) = x cos(πx)")
for x0, marker in zip(wavy_paths, ("o", "s"), strict=True):
    path = np.array(wavy_paths[x0])
    right.plot(path, path * np.cos(np.pi * path), marker=marker, ms=4, label=f"start {x0}")
right.set(title="non-convex: the start decides the minimum", xlabel="x", ylabel="f(x)")
right.legend()
fig.tight_layout()
save_figure(fig, "gd_1d.png")


# -------------------------------------------------------------------------------- 2-D
def bowl(x):
    return x[0] ** 2 + 2 * x[1] ** 2


def double_well(x):
    return (x[0] ** 2 - 1) ** 2 + x[1] ** 2


print("== 2-D: f(x1, x2) = x1^2 + 2 x2^2, x0 = (-5, -2), eta = 0.1, 20 steps ==")
bowl_path = gradient_descent(bowl, [-5.0, -2.0], 0.1, 20)
for k in (0, 1, 2, 5, 10, 20):
    x1, x2 = bowl_path[k]
    print(
        f"step {k:2d}: x = ({x1: .6f}, {x2: .6f})   "
        f"by hand: ({-5 * 0.8**k: .6f}, {-2 * 0.6**k: .6f})"
    )
print()

print("== 2-D non-convex: f(x1, x2) = (x1^2 - 1)^2 + x2^2, eta = 0.05 ==")
well_steps = 30 if args.fast else 60
well_paths = {}
for x0 in ((-0.2, 1.8), (0.2, -1.8)):
    path = gradient_descent(double_well, list(x0), 0.05, well_steps)
    well_paths[x0] = path
    print(f"start {x0} -> x = ({path[-1][0]:.4f}, {path[-1][1]:.4f})")
print("(minima at (-1, 0) and (1, 0); a saddle at (0, 0))")
print()

fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
for axis, f_numpy, paths, title, box in (
    (
        axes[0],
        lambda a, b: a**2 + 2 * b**2,
        {(-5.0, -2.0): bowl_path},
        "x₁² + 2x₂², η = 0.1",
        (-5.5, 1.5, -3, 2),
    ),
    (
        axes[1],
        lambda a, b: (a**2 - 1) ** 2 + b**2,
        well_paths,
        "(x₁² − 1)² + x₂², η = 0.05",
        (-2, 2, -2, 2),
    ),
):
    a, b = np.meshgrid(np.linspace(box[0], box[1], GRID), np.linspace(box[2], box[3], GRID))
    contour = axis.contour(a, b, f_numpy(a, b), levels=20, cmap="viridis")
    fig.colorbar(contour, ax=axis, label="f(x₁, x₂)")
    for path in paths.values():
        path = np.array(path)
        axis.plot(path[:, 0], path[:, 1], "-o", ms=3, color="tab:red")
        axis.plot(*path[0], "k^", ms=7)
    axis.plot([], [], "-o", ms=3, color="tab:red", label="gradient-descent steps")
    axis.plot([], [], "k^", label="start")
    axis.set(title=title, xlabel="x₁", ylabel="x₂", aspect="equal")
    axis.legend(loc="upper left", fontsize=8)
fig.tight_layout()
save_figure(fig, "gd_2d.png")
