"""Gradient descent with momentum, and Newton's method (seed 004, slides "带动量的梯度下降"
and "牛顿法: 二阶展开, 需要能够计算二阶导数 (Hessian)").

Momentum keeps a running "velocity" v, an average of past gradients:

    v <- beta v + grad f(x)            (v starts at 0)
    x <- x - eta v

Directions where the gradient keeps its sign add up, directions where it flips sign
cancel: the zig-zag across a narrow valley is damped, and enough speed can carry x over a
small bump into a deeper minimum.

Newton's method uses the second-order Taylor expansion
f(x + d) ~ f(x) + grad f(x)^T d + 1/2 d^T H d, whose minimum is at H d = -grad f(x):

    x <- x - H^{-1} grad f(x)          (H: the Hessian of f at x)

The Hessian comes from autograd (``torch.autograd.functional.hessian``). On a quadratic
one Newton step lands on the minimum; on a non-convex function Newton goes to the nearest
point where f' = 0, which can be a maximum (where f'' < 0).

What the script prints and plots:

1. f(x1, x2) = 0.1 x1^2 + 2 x2^2 (a narrow valley) from (-5, -2): plain gradient descent
   with eta = 0.4 zig-zags in x2 and crawls in x1; momentum (beta = 0.5) does better; with
   eta = 0.6 plain gradient descent diverges while momentum still converges.
2. f(x) = x cos(pi x) from x = -0.8, eta = 0.05: gradient descent stops in the local
   minimum near -0.27; momentum with beta = 0.9 rolls over the bump to the global minimum
   near 1.09.
3. Newton on the valley: one step from (-5, -2) to (0, 0). Newton on x cos(pi x): from 0.9
   it converges to the minimum 1.090 in a few steps, from 0.1 to the maximum 0.274.

Usage: python momentum_newton.py [--fast] [--out DIR] [--torch]
Figures: momentum.png, newton.png.
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


def momentum_descent(f, x0, lr, beta, steps):
    """Gradient descent with momentum (beta = 0 is plain gradient descent); returns the
    iterates as plain floats/lists."""
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    velocity = torch.zeros_like(x)
    path = [x.tolist()]
    for _ in range(steps):
        f(x).backward()
        with torch.no_grad():
            velocity.mul_(beta).add_(x.grad)  # v <- beta v + grad f(x)
            x -= lr * velocity
        x.grad.zero_()
        path.append(x.tolist())
    return path


def solve_2x2(h, g):
    """Solve H d = g for a 2x2 matrix H: d = adj(H) g / det(H) (Cramer's rule)."""
    det = h[0, 0] * h[1, 1] - h[0, 1] * h[1, 0]
    adjugate = torch.stack([torch.stack([h[1, 1], -h[0, 1]]), torch.stack([-h[1, 0], h[0, 0]])])
    return adjugate @ g / det


def newton(f, x0, steps):
    """Newton's method x <- x - H^{-1} grad f(x) with H from autograd; returns the
    iterates and the last Hessian (its sign tells a minimum from a maximum)."""
    x = torch.tensor(x0, dtype=torch.float64)
    path = [x.tolist()]
    for _ in range(steps):
        x = x.detach().requires_grad_(True)
        (gradient,) = torch.autograd.grad(f(x), x)
        hess = torch.autograd.functional.hessian(f, x.detach())  # d2f/dx2
        with torch.no_grad():
            if x.dim() == 0:
                x = x - gradient / hess  # 1-D: divide by f''(x)
            else:
                x = x - solve_2x2(hess, gradient)
        path.append(x.tolist())
    return path, hess


def valley(x):
    return 0.1 * x[0] ** 2 + 2 * x[1] ** 2


def wavy(x):
    return x * torch.cos(np.pi * x)


def wavy_numpy(x):
    return x * np.cos(np.pi * x)


def valley_contour(axis, title):
    a, b = np.meshgrid(np.linspace(-5.5, 1.5, GRID), np.linspace(-3, 3, GRID))
    contour = axis.contour(a, b, 0.1 * a**2 + 2 * b**2, levels=20, cmap="viridis")
    plt.colorbar(contour, ax=axis, label="f(x₁, x₂)")
    axis.set(title=title, xlabel="x₁", ylabel="x₂")


# ------------------------------------------------------------------------- momentum
print("== f(x1, x2) = 0.1 x1^2 + 2 x2^2 from (-5, -2), 20 steps ==")
runs = {}
for lr in (0.4, 0.6):
    for beta in (0.0, 0.5):
        path = momentum_descent(valley, [-5.0, -2.0], lr, beta, 20)
        runs[lr, beta] = path
        end = np.array(path[-1])
        name = "gradient descent" if beta == 0 else f"momentum beta={beta}"
        print(
            f"eta = {lr}  {name:<20} x_20 = ({end[0]: .4f}, {end[1]: .4f})  "
            f"f = {0.1 * end[0] ** 2 + 2 * end[1] ** 2:.4g}"
        )
print()

print("== f(x) = x cos(pi x) from x = -0.8, eta = 0.05 ==")
wavy_steps = 100 if args.fast else 150
wavy_runs = {}
for beta in (0.0, 0.9):
    path = momentum_descent(wavy, -0.8, 0.05, beta, wavy_steps)
    wavy_runs[beta] = path
    name = "gradient descent" if beta == 0 else f"momentum beta={beta}"
    print(f"{name:<20} x = {path[-1]:.4f}, f(x) = {wavy_numpy(path[-1]):.4f}")
print("(local minimum near x = -0.274, global minimum near x = 1.090)")
print()

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6))
valley_contour(left, "0.1x₁² + 2x₂², η = 0.4, 20 steps")
for beta, color in ((0.0, "tab:red"), (0.5, "tab:blue")):
    path = np.array(runs[0.4, beta])
    label = "gradient descent" if beta == 0 else f"momentum β = {beta}"
    left.plot(path[:, 0], path[:, 1], "-o", ms=3, color=color, label=label)
left.plot(-5, -2, "k^", ms=7, label="start")
left.legend(loc="upper left", fontsize=8)
grid = np.linspace(-1, 2, GRID)
right.plot(grid, wavy_numpy(grid), color="gray", label="f(x) = x cos(πx)")
for beta, color in ((0.0, "tab:red"), (0.9, "tab:blue")):
    path = np.array(wavy_runs[beta])
    label = "gradient descent" if beta == 0 else f"momentum β = {beta}"
    right.plot(path, wavy_numpy(path), ".", ms=5, color=color, label=label)
    right.plot(path[-1], wavy_numpy(path[-1]), "*", ms=14, color=color)
right.plot(-0.8, wavy_numpy(-0.8), "k^", ms=7, label="start x = -0.8")
right.set(title="momentum rolls over the bump (★: where each run ends)", xlabel="x", ylabel="f(x)")
right.legend(loc="upper center", fontsize=8)
fig.tight_layout()
save_figure(fig, "momentum.png")

# --------------------------------------------------------------------------- Newton
print("== Newton's method ==")
newton_valley, hess = newton(valley, [-5.0, -2.0], 2)
print("Hessian of 0.1 x1^2 + 2 x2^2 (by autograd; by hand diag(0.2, 4)):")
print(hess)
print("Newton from (-5, -2):", " -> ".join(f"({a:.4f}, {b:.4f})" for a, b in newton_valley))
gd_valley = runs[0.4, 0.0]
print(f"gradient descent after 20 steps: ({gd_valley[-1][0]:.4f}, {gd_valley[-1][1]:.4f})")
newton_steps = 6
newton_runs = {}
for x0 in (0.9, 0.1):
    path, hess = newton(wavy, x0, newton_steps)
    newton_runs[x0] = path
    kind = "a minimum (f'' > 0)" if hess.item() > 0 else "a MAXIMUM (f'' < 0)"
    print(
        f"x cos(pi x) from {x0}: " + " -> ".join(f"{x:.4f}" for x in path) + f"   {kind}, "
        f"f''(x) = {hess.item():.4f}"
    )
print()

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6))
valley_contour(left, "0.1x₁² + 2x₂²: one Newton step vs 20 GD steps")
path = np.array(gd_valley)
left.plot(path[:, 0], path[:, 1], "-o", ms=3, color="tab:red", label="gradient descent η = 0.4")
path = np.array(newton_valley)
left.plot(path[:, 0], path[:, 1], "-s", ms=6, color="tab:blue", label="Newton")
left.plot(-5, -2, "k^", ms=7, label="start")
left.legend(loc="upper left", fontsize=8)
right.plot(grid, wavy_numpy(grid), color="gray", label="f(x) = x cos(πx)")
for x0, color in ((0.9, "tab:blue"), (0.1, "tab:red")):
    path = np.array(newton_runs[x0])
    right.plot(path, wavy_numpy(path), "-o", ms=4, color=color, label=f"Newton from {x0}")
right.set(title="Newton finds where f′ = 0: a minimum or a maximum", xlabel="x", ylabel="f(x)")
right.legend(loc="upper center", fontsize=8)
fig.tight_layout()
save_figure(fig, "newton.png")
