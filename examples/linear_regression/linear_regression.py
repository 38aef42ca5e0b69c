"""Linear regression y = w*x + b, with and without bias, solved three ways (seeds 000, 001).

The lectures fit a line to noisy points with the mean squared error
loss = (1/N) Σ (w*x_i + b - y_i)^2 and take gradient steps w ← w - η ∇w, b ← b - η ∇b.
The matrix-calculus slide gives the same minimum in closed form: with X the data matrix
(a column of x, plus a column of ones for the bias), l = ||Xθ - y||^2 has
dl/dθ = 2 Xᵀ(Xθ - y), which is zero at θ = (XᵀX)⁻¹ Xᵀ y.

For both models (with bias: θ = (w, b); without bias: the line through the origin, θ = w)
the script computes

1. the closed form, in NumPy float64, as an independent reference;
2. gradient descent by hand: tensors w, b with requires_grad, loss.backward(), and the
   update under no_grad (the scalar autograd example of seed 001, repeated);
3. ``nn.Linear(1, 1)`` (``bias=False`` for the second model) trained by ``optim.SGD`` on
   ``nn.MSELoss``;

and prints each result and its distance from the closed form. The points come from
x in [0, 1] and y = 2x + 1 + noise, so the line forced through the origin misses them
visibly. ``--torch`` runs the same code on PyTorch.
"""

import argparse
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--torch", action="store_true", help="run on PyTorch instead")
parser.add_argument("--fast", action="store_true", help="fewer gradient steps")
parser.add_argument("--out", type=Path, default=Path(__file__).parent / "figures")
args = parser.parse_args()

if args.torch:
    import torch
    import torch.nn as nn
else:
    import tracegrad as torch
    import tracegrad.nn as nn


def save_figure(fig, path: Path) -> None:
    """Write a figure atomically: to a temporary file first, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".png", dir=path.parent)
    os.close(handle)
    fig.savefig(temporary, dpi=110)
    os.replace(temporary, path)
    plt.close(fig)
    print("wrote", path)


# the data: N points on a line with Gaussian noise
torch.manual_seed(0)
N = 100
true_w, true_b = 2.0, 1.0
x = torch.rand(N, 1)
y = true_w * x + true_b + 0.1 * torch.randn(N, 1)
steps = 200 if args.fast else 500
lr = 0.5  # below 2 / (largest eigenvalue of the loss's Hessian, about 2.5 here)

# 1. closed form: solve the normal equations XᵀX θ = Xᵀ y in float64
x64 = x.numpy().astype(np.float64)
y64 = y.numpy().astype(np.float64)
X_bias = np.hstack([x64, np.ones_like(x64)])  # columns: x, 1
closed_bias = np.linalg.solve(X_bias.T @ X_bias, X_bias.T @ y64).ravel()  # (w, b)
closed_no_bias = np.linalg.solve(x64.T @ x64, x64.T @ y64).ravel()  # (w,)


def mse(w: float, b: float) -> float:
    """The mean squared error of the line w*x + b on the data, in float64."""
    return float(np.mean((w * x64 + b - y64) ** 2))


# 2. gradient descent by hand, with autograd computing ∇w and ∇b
def fit_by_hand(with_bias: bool):
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=with_bias)
    losses = []
    for _ in range(steps):
        loss = ((w * x + b - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            w.grad.zero_()
            if with_bias:
                b -= lr * b.grad
                b.grad.zero_()
    return w.item(), b.item(), losses


# 3. nn.Linear with an optimizer: the same model, packaged
def fit_with_linear(with_bias: bool):
    model = nn.Linear(1, 1, bias=with_bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(x), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    w = model.weight.item()
    b = model.bias.item() if with_bias else 0.0
    return w, b, losses, model


print(f"data: N={N}, y = {true_w} x + {true_b} + 0.1 noise; {steps} steps of lr={lr}")
results = {}
for with_bias in (True, False):
    title = "with bias: y = w x + b" if with_bias else "without bias: y = w x"
    if with_bias:
        closed_w, closed_b = closed_bias
    else:
        closed_w, closed_b = closed_no_bias[0], 0.0
    hand_w, hand_b, hand_losses = fit_by_hand(with_bias)
    layer_w, layer_b, layer_losses, model = fit_with_linear(with_bias)
    print(f"== {title} ==")
    print(f"{'method':<22}{'w':>10}{'b':>10}{'loss':>12}{'|θ - closed form|':>20}")
    rows = [
        ("closed form", closed_w, closed_b),
        ("gradient descent", hand_w, hand_b),
        ("nn.Linear + SGD", layer_w, layer_b),
    ]
    for name, w, b in rows:
        error = float(np.hypot(w - closed_w, b - closed_b))
        print(f"{name:<22}{w:>10.5f}{b:>10.5f}{mse(w, b):>12.6f}{error:>20.2e}")
    print("the trained layer:", model)
    print("weight:", model.weight)
    print("bias:", model.bias)
    results[with_bias] = (closed_w, closed_b, hand_losses, layer_losses)

# figures: the data with both fitted lines, and the loss during gradient descent
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
left.scatter(x64.ravel(), y64.ravel(), s=12, color="0.55", label="data")
grid = np.linspace(0.0, 1.0, 50)
left.plot(grid, true_w * grid + true_b, "k--", lw=1, label=f"truth: {true_w}x + {true_b}")
w, b = results[True][:2]
left.plot(grid, w * grid + b, color="tab:blue", lw=2, label=f"with bias: {w:.3f}x + {b:.3f}")
w = results[False][0]
left.plot(grid, w * grid, color="tab:red", lw=2, label=f"without bias: {w:.3f}x")
left.set_xlabel("x")
left.set_ylabel("y")
left.set_title("Least-squares lines (closed form)")
left.legend(loc="upper left", fontsize=8)
for with_bias, color in ((True, "tab:blue"), (False, "tab:red")):
    label = "with bias" if with_bias else "without bias"
    hand_losses, layer_losses = results[with_bias][2:]
    right.semilogy(hand_losses, color=color, lw=2, label=f"{label}: by hand")
    right.semilogy(layer_losses, color="k", lw=1, ls=":", label=f"{label}: nn.Linear")
right.set_xlabel("gradient step")
right.set_ylabel("mean squared error")
right.set_title("Gradient descent: loss per step")
right.legend(fontsize=8)
fig.tight_layout()
save_figure(fig, args.out / "linear_regression.png")
