"""The three basic activation functions and their derivatives (seed 004, slides "激活函数":
"三种基本激活函数 ReLU, sigmoid, tanh"; they provide the non-linearity between layers).

    sigmoid(x) = 1 / (1 + e^-x)        sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))
    tanh(x)    = (e^x - e^-x) / (e^x + e^-x)   tanh'(x) = 1 - tanh(x)^2
    relu(x)    = max(x, 0)             relu'(x)    = 1 if x > 0 else 0

The derivatives are obtained with autograd: y = f(x) is computed elementwise over a grid
of x, and ``y.sum().backward()`` leaves dy_i/dx_i in ``x.grad`` (each y_i depends only on
x_i, so the gradient of the sum is the vector of derivatives). The script compares them
with the closed forms above and plots each function with its derivative.

At x = 0 ReLU has no derivative; autograd uses 0 there (as PyTorch does).

Usage: python activations.py [--fast] [--out DIR] [--torch]
Figure: activations.png.
"""

import argparse
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw into files, no window
import matplotlib.pyplot as plt  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--fast", action="store_true", help="fewer grid points")
parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "figures")
parser.add_argument("--torch", action="store_true", help="run on PyTorch instead")
args = parser.parse_args()
if args.out.exists() and not args.out.is_dir():
    parser.error(f"--out must be a folder, but {args.out} is a file")

if args.torch:
    import torch
else:
    import tracegrad as torch


def save_figure(fig, name):
    """Save ``fig`` as ``args.out/name`` (written to a temp file, then renamed)."""
    args.out.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(suffix=".png", dir=args.out)
    os.close(handle)
    fig.savefig(temp, dpi=100)
    os.replace(temp, args.out / name)
    plt.close(fig)
    print("figure:", args.out / name)


# x from -8 to 8; built from integers so that x = 0 is exactly on the grid (ReLU's kink)
half = 20 if args.fast else 200
points = 2 * half + 1
x = (torch.arange(-half, half + 1) * (8.0 / half)).requires_grad_(True)

# name: (the activation, its derivative in closed form)
activations = {
    "sigmoid": (torch.sigmoid, lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x))),
    "tanh": (torch.tanh, lambda x: 1 - torch.tanh(x) ** 2),
    "relu": (torch.relu, lambda x: (x > 0).to(x.dtype)),
}

print("x =", x.detach()[:: (points - 1) // 8])  # every 8th point of the grid
results = {}
for name, (function, derivative) in activations.items():
    y = function(x)
    (grad,) = torch.autograd.grad(y.sum(), x)  # dy_i/dx_i, all at once
    by_hand = derivative(x.detach())
    error = (grad - by_hand).abs().max().item()
    results[name] = (y.detach(), grad)
    print(f"\n== {name} ==")
    print(f"{name}(x)    =", y.detach()[:: (points - 1) // 8])
    print(f"{name}'(x)   =", grad[:: (points - 1) // 8], " (autograd)")
    print("closed form =", by_hand[:: (points - 1) // 8])
    print(f"max |autograd - closed form| = {error:.3g}")
    print(f"{name}'(0) = {grad[half].item():g}")

fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
grid = x.detach().numpy()
for axis, (name, (y, grad)) in zip(axes, results.items(), strict=True):
    axis.plot(grid, y.numpy(), label=f"{name}(x)")
    axis.plot(grid, grad.numpy(), "--", label=f"{name}′(x) (autograd)")
    axis.axhline(0, color="gray", lw=0.5)
    axis.axvline(0, color="gray", lw=0.5)
    axis.set(title=name, xlabel="x", ylabel="value")
    axis.legend(loc="upper left", fontsize=8)
axes[2].set_ylim(-1, 8)
fig.tight_layout()
save_figure(fig, "activations.png")
