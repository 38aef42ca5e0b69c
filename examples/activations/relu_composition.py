"""ReLU composition: a piecewise-linear function as a sum of ReLUs (seed 004, slides
"ReLU合成法" and the exercise "用ReLU合成法拟合分段线性函数(-10,-10),(0,0),(5,-5),(10,20)").

The function through the points (-10, -10), (0, 0), (5, -5), (10, 20) has slopes 1, -1 and
5 on its three pieces. A ReLU relu(x - c) is 0 left of c and has slope 1 right of it, so
adding a_i relu(x - c_i) changes the slope by a_i at the knot c_i:

    f(x) = y_0 + sum_i a_i relu(x - c_i),   c_i = the knots x_0, x_1, x_2
    a_0 = s_0,  a_i = s_i - s_{i-1}         (s_i: the slope of piece i)

which gives f(x) = -10 + relu(x + 10) - 2 relu(x) + 6 relu(x - 5) on [-10, 10]. This is
exactly the slides' form sum relu(W x + b) of a network with one hidden layer of three
ReLUs: W1 = [1, 1, 1]^T, b1 = -c, output weights a and output bias y_0.

The script

1. builds the closed form from the points with tensor operations and checks that it
   passes through them exactly;
2. writes it as a hand-set 1 -> 3 -> 1 ``nn.Sequential`` and checks that it agrees;
3. trains a 1 -> 16 -> 1 ReLU network from a random start on samples of f (Adam on the
   mean squared error, learning rate annealed to 0) and prints its largest error;
4. plots the ReLU terms, and the closed form, the points and the trained network together.

Usage: python relu_composition.py [--fast] [--out DIR] [--torch]
Figure: relu_composition.png.
"""

import argparse
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw into files, no window
import matplotlib.pyplot as plt  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--fast", action="store_true", help="fewer training steps")
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


# ------------------------------------------------------------ 1. the closed form
points_x = torch.tensor([-10.0, 0.0, 5.0, 10.0])
points_y = torch.tensor([-10.0, 0.0, -5.0, 20.0])

slopes = (points_y[1:] - points_y[:-1]) / (points_x[1:] - points_x[:-1])
knots = points_x[:-1]  # a ReLU starts at the left end of every piece
coefficients = torch.cat([slopes[:1], slopes[1:] - slopes[:-1]])  # slope changes
bias = points_y[0]


def closed_form(x):
    """f(x) = bias + sum_i a_i relu(x - c_i), for a 1-D tensor x."""
    terms = torch.relu(x.reshape(-1, 1) - knots)  # one column per ReLU
    return bias + terms @ coefficients


print("slopes of the pieces s =", slopes)
print("knots c =", knots)
print("coefficients a =", coefficients)
print("bias =", bias)
terms = " ".join(
    f"{a:+g} relu(x {-c:+g})" if c != 0 else f"{a:+g} relu(x)"
    for a, c in zip(coefficients.tolist(), knots.tolist(), strict=True)
)
print(f"f(x) = {bias.item():g} {terms}")
at_points = closed_form(points_x)
print("f at the points:", at_points, " targets:", points_y)
print("passes through the points exactly:", torch.equal(at_points, points_y))
print()

# ------------------------------------------- 2. the same function as a hand-set network
hand_net = torch.nn.Sequential(torch.nn.Linear(1, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
with torch.no_grad():
    hand_net[0].weight.copy_(torch.ones(3, 1))  # W1 x + b1 = x - c_i
    hand_net[0].bias.copy_(-knots)
    hand_net[2].weight.copy_(coefficients.reshape(1, 3))
    hand_net[2].bias.copy_(bias.reshape(1))
samples = 201 if args.fast else 801
x = torch.linspace(-10.0, 10.0, samples)
target = closed_form(x)
with torch.no_grad():
    hand_out = hand_net(x.reshape(-1, 1)).reshape(-1)
print(
    "hand-set 1->3->1 network, max |net - f| on the grid:", (hand_out - target).abs().max().item()
)
print()

# ------------------------------------------------ 3. a network trained from scratch
torch.manual_seed(0)
hidden = 16
net = torch.nn.Sequential(torch.nn.Linear(1, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1))
optimizer = torch.optim.Adam(net.parameters(), lr=0.05)
steps = 400 if args.fast else 1500
# shrink the step size along a half cosine to 0: big steps early, calm ones at the end
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
inputs, labels = x.reshape(-1, 1), target.reshape(-1, 1)
losses = []
print(
    f"training 1->{hidden}->1 ReLU network, Adam lr=0.05 (cosine schedule), "
    f"{steps} steps, {samples} samples"
)
for step in range(steps):
    loss = torch.nn.functional.mse_loss(net(inputs), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    losses.append(loss.item())
    if step % (steps // 5) == 0 or step == steps - 1:
        print(f"step {step:5d}  mse {loss.item():.6f}")
with torch.no_grad():
    trained = net(inputs).reshape(-1)
    at_points_trained = net(points_x.reshape(-1, 1)).reshape(-1)
print("max |trained - f| on the grid:", f"{(trained - target).abs().max().item():.4f}")
print("trained network at the points:", [round(v, 3) for v in at_points_trained.tolist()])
print()

# ------------------------------------------------------------------------ 4. plots
fig, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.2))
grid = x.numpy()
for a, c in zip(coefficients.tolist(), knots.tolist(), strict=True):
    term = a * torch.relu(x - c)
    shift = f" {-c:+g}" if c != 0 else ""
    left.plot(grid, term.numpy(), label=f"{a:+g}·relu(x{shift})")
left.axhline(bias.item(), color="gray", ls=":", label=f"bias {bias.item():g}")
left.set(title="the ReLU terms", xlabel="x", ylabel="term value")
left.legend(fontsize=8)

middle.plot(grid, target.numpy(), lw=3, color="lightgray", label="closed form (sum of ReLUs)")
middle.plot(grid, trained.numpy(), "--", color="tab:red", label=f"trained 1→{hidden}→1 network")
middle.plot(points_x.numpy(), points_y.numpy(), "ko", label="the four points")
middle.set(title="ReLU composition through (−10,−10), (0,0), (5,−5), (10,20)", xlabel="x")
middle.set(ylabel="f(x)")
middle.legend(fontsize=8)

right.semilogy(losses)
right.set(title="training loss", xlabel="step", ylabel="mean squared error (log scale)")
fig.tight_layout()
save_figure(fig, "relu_composition.png")
