"""The homework: fit y = x² with a two-layer sigmoid network on 100 points (seed 001).

The data are the slide's: 100 points x in [-1, 1] and y = x² + 0.2·U(0, 1), so the best
possible curve is x² + 0.1 and the best mean squared error is the noise variance,
0.04 / 12 ≈ 0.0033. The network is the homework's

    h = X W1 + b1,   h_sigmoid = sigmoid(h),   Y_pred = h_sigmoid W2 + b2,

with 10 hidden units (``Linear(1, 10) -> Sigmoid -> Linear(10, 1)``), trained by SGD with
lr = 0.2 on the mean squared error.

The homework's second part asks for the derivatives of f = ||Y - Y_pred||_F^2 with respect
to W1, b1, W2, b2. With G = df/dY_pred = 2 (Y_pred - Y), S = h_sigmoid and 1 a column of
ones, the differentials dY_pred = dS W2 + S dW2 + 1 db2ᵀ, dS = S ⊙ (1 - S) ⊙ dh and
dh = X dW1 + 1 db1ᵀ give, read off df = tr(Gᵀ dY_pred):

    df/dW2 = Sᵀ G,        df/db2 = Gᵀ 1,
    df/dh  = (G W2ᵀ) ⊙ S ⊙ (1 - S),
    df/dW1 = Xᵀ df/dh,    df/db1 = (df/dh)ᵀ 1.

The script checks these against autograd at the initial weights, trains, prints the loss
every 100 steps, and plots the fit. ``--torch`` runs the same code on PyTorch.
"""

import argparse
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--torch", action="store_true", help="run on PyTorch instead")
parser.add_argument("--fast", action="store_true", help="1000 steps instead of 2000")
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


torch.manual_seed(1)  # reproducible
x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)  # shape (100, 1)
y = x.pow(2) + 0.2 * torch.rand(x.size())  # noisy y data, shape (100, 1)

net = torch.nn.Sequential(
    torch.nn.Linear(1, 10),
    torch.nn.Sigmoid(),
    torch.nn.Linear(10, 1),
)
print(net)

# part 2 of the homework: the gradients by hand, against autograd, at the initial weights.
# nn.Linear stores weight as (out, in) and computes x weightᵀ, so W1 = weight1ᵀ.
W1, b1 = net[0].weight.t(), net[0].bias
W2, b2 = net[2].weight.t(), net[2].bias
with torch.no_grad():
    h = x.mm(W1) + b1
    S = torch.sigmoid(h)
    y_pred = S.mm(W2) + b2
    G = 2 * (y_pred - y)
    W2_grad = S.t().mm(G)
    b2_grad = G.sum(0)
    h_grad = G.mm(W2.t()) * S * (1 - S)
    W1_grad = x.t().mm(h_grad)
    b1_grad = h_grad.sum(0)
f = (net(x) - y).pow(2).sum()
f.backward()
print("== df/dW1, df/db1, df/dW2, df/db2: by hand vs autograd ==")
pairs = [
    ("W1", W1_grad, net[0].weight.grad.t()),
    ("b1", b1_grad, net[0].bias.grad),
    ("W2", W2_grad, net[2].weight.grad.t()),
    ("b2", b2_grad, net[2].bias.grad),
]
for name, hand, auto in pairs:
    difference = (hand - auto).abs().max().item()
    print(f"df/d{name}: largest |hand - autograd| = {difference:.3e}, |grad| = {auto.norm():.4f}")
print("df/db2 by hand:", b2_grad)
net.zero_grad()

# training: full-batch gradient descent on the mean squared error
optimizer = torch.optim.SGD(net.parameters(), lr=0.2)
loss_func = torch.nn.MSELoss()
steps = 1000 if args.fast else 2000
losses = []
for t in range(steps + 1):
    prediction = net(x)
    loss = loss_func(prediction, y)
    losses.append(loss.item())
    if t % 100 == 0:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

with torch.no_grad():
    fit = net(x)
best = (fit - (x.pow(2) + 0.1)).abs().max().item()
print(f"final loss {losses[-1]:.6f} (noise variance 0.04/12 = {0.04 / 12:.6f})")
print(f"largest |fit - (x² + 0.1)| = {best:.4f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
xs, ys, fs = x.numpy().ravel(), y.numpy().ravel(), fit.numpy().ravel()
left.scatter(xs, ys, s=12, color="0.55", label="data: x² + 0.2·U(0, 1)")
left.plot(xs, xs**2 + 0.1, "k--", lw=1, label="x² + 0.1 (the noise's mean)")
left.plot(xs, fs, color="tab:red", lw=2, label="network 1 → 10 sigmoid → 1")
left.set_xlabel("x")
left.set_ylabel("y")
left.set_title(f"Fit after {steps} SGD steps (lr = 0.2)")
left.legend(fontsize=8)
right.semilogy(losses, color="tab:blue", label="MSE loss")
right.axhline(0.04 / 12, color="k", ls="--", lw=1, label="noise variance 0.0033")
right.set_xlabel("step")
right.set_ylabel("mean squared error")
right.set_title("Training loss")
right.legend(fontsize=8)
fig.tight_layout()
save_figure(fig, args.out / "x_squared_fit.png")
