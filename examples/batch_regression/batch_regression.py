"""Batch regression: y = x² on 10,000,000 points in minibatches of 10,000 (seed 001).

The slide's data are x in [-1, 1] (10,000,000 points) and y = x² + 0.2·U(0, 1). The whole
set is too large to take one gradient step on comfortably, so the loss
f(θ) = (1/n) Σ f_i(θ) is estimated on a random minibatch B of 10,000 points per step,

    ∇f_B(θ) = (1/|B|) Σ_{i in B} ∇f_i(θ),    θ ← θ - η ∇f_B(θ),

and one pass over a shuffled order of the points (one epoch) makes 1,000 steps. The network
is the homework's 1 → 10 sigmoid → 1 with the mean squared error. The slide gives no
optimizer: plain SGD with lr = 0.2 (the homework's) stays on the early plateau for all
1,000 steps (loss ≈ 0.07), so this example adds momentum 0.9, which reaches the noise
floor (0.04 / 12 ≈ 0.0033) within the epoch.

Memory: x and y are float32 columns of 40 MB each. Minibatches are gathered by indexing
with slices of one random permutation, so no shuffled copy of the data is made.

``--fast`` uses 200,000 points in minibatches of 400 (500 steps). ``--torch``
runs the same code on PyTorch.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--torch", action="store_true", help="run on PyTorch instead")
parser.add_argument("--fast", action="store_true", help="200,000 points, minibatches of 400")
parser.add_argument("--out", type=Path, default=Path(__file__).parent / "figures")
args = parser.parse_args()

if args.torch:
    import torch
else:
    import tracegrad as torch


def save_figure(fig, path: Path) -> None:
    """Write a figure atomically: to a temporary file first, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".png", dir=path.parent)
    os.close(handle)
    fig.savefig(temporary, dpi=110)
    os.replace(temporary, path)
    plt.close(fig)
    print("wrote", path)


n_points, batch_size = (200_000, 400) if args.fast else (10_000_000, 10_000)
started = time.perf_counter()

torch.manual_seed(1)  # reproducible
x = torch.unsqueeze(torch.linspace(-1, 1, n_points), dim=1)  # shape (n_points, 1)
y = x.pow(2) + 0.2 * torch.rand(x.size())  # noisy y data, shape (n_points, 1)

net = torch.nn.Sequential(
    torch.nn.Linear(1, 10),
    torch.nn.Sigmoid(),
    torch.nn.Linear(10, 1),
)
optimizer = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.9)
loss_func = torch.nn.MSELoss()

print(f"{n_points:,} points, minibatches of {batch_size:,}: one epoch of the network")
print(net)

# one epoch: visit the points in a random order, batch_size at a time
order = torch.randperm(n_points)
losses = []
for step, start in enumerate(range(0, n_points, batch_size)):
    index = order[start : start + batch_size]
    batch_x, batch_y = x[index], y[index]
    loss = loss_func(net(batch_x), batch_y)
    losses.append(loss.item())
    if step % 100 == 0:
        print(step, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(step, loss.item())
print(f"{step + 1} steps in {time.perf_counter() - started:.1f} s (data included)")

# how good is the fit? the best possible curve is x² + 0.1, the mean of the noisy data
with torch.no_grad():
    grid = torch.unsqueeze(torch.linspace(-1, 1, 201), dim=1)
    fit = net(grid)
    gap = (fit - (grid.pow(2) + 0.1)).abs()
    every = n_points // 10_000
    sample_x, sample_y = x[::every], y[::every]  # a view: 10,000 evenly spaced points
    sample_loss = loss_func(net(sample_x), sample_y).item()
print(f"loss on 10,000 evenly spaced points: {sample_loss:.6f} (noise floor {0.04 / 12:.6f})")
print(f"largest |fit - (x² + 0.1)| on [-1, 1]: {gap.max().item():.4f}")
print(f"mean |fit - (x² + 0.1)| on [-1, 1]: {gap.mean().item():.4f}")

# the figure: a sample of the data, the fitted curve, and the minibatch losses
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
shown = x[:: n_points // 2_000]
shown_y = y[:: n_points // 2_000]
left.scatter(shown.numpy().ravel(), shown_y.numpy().ravel(), s=4, color="0.6", alpha=0.6)
left.scatter([], [], s=12, color="0.6", label=f"2,000 of the {n_points:,} points")
grid_x = grid.numpy().ravel()
left.plot(grid_x, grid_x**2 + 0.1, "k--", lw=1, label="x² + 0.1 (the noise's mean)")
left.plot(grid_x, fit.numpy().ravel(), color="tab:red", lw=2, label="network after one epoch")
left.set_xlabel("x")
left.set_ylabel("y")
left.set_title(f"Batch regression: {n_points:,} points, minibatches of {batch_size:,}")
left.legend(fontsize=8)
right.semilogy(losses, color="tab:blue", lw=1, label="minibatch MSE")
right.axhline(0.04 / 12, color="k", ls="--", lw=1, label="noise variance 0.0033")
right.set_xlabel("step (minibatch)")
right.set_ylabel("mean squared error")
right.set_title("SGD, lr = 0.2, momentum = 0.9, one epoch")
right.legend(fontsize=8)
fig.tight_layout()
save_figure(fig, args.out / "batch_regression.png")
