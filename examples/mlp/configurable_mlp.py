"""The homework's configurable MLP (network.py, TODO 4), trained on a small synthetic task.

The network is built as the homework asks: layers are collected in an ``nn.ModuleList``
and joined with ``nn.Sequential(*layers)``. ``--layer`` sets the number of linear layers,
``--hsize`` the hidden sizes (comma-separated, one per hidden layer; a single value is
used for all) and ``--act`` the activation (none, sigmoid, tanh or relu). With one layer
the MLP degenerates to a linear layer followed by the activation, as in the homework.

The data: 200 points in the plane, drawn after ``manual_seed(0)``, labelled by which of
three 120° sectors they fall in, so that a linear classifier cannot fit them. Training is
full-batch SGD with momentum on ``nn.CrossEntropyLoss``; the loss is printed every 50
steps, then the training accuracy. Runs unchanged with ``import torch`` (``--torch``)::

    python examples/mlp/configurable_mlp.py --layer 3 --hsize 32,16 --act tanh
"""

import argparse
import math
import sys

if "--torch" in sys.argv:
    import torch
    import torch.nn as nn
else:
    import tracegrad as torch
    import tracegrad.nn as nn


class MLP(nn.Module):
    """``n_layers`` linear layers with an activation between consecutive ones."""

    def __init__(self, input_size, output_size, n_layers=2, hidden_size=(32,), act_type="relu"):
        super().__init__()
        activations = {"none": nn.Identity, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}
        activations["relu"] = nn.ReLU
        if act_type not in activations:
            raise ValueError(
                f"unknown activation {act_type!r}; expected one of {list(activations)}"
            )
        self.act = activations[act_type]()
        if len(hidden_size) == 1:
            hidden_size = list(hidden_size) * max(n_layers - 1, 1)
        if n_layers > 1 and len(hidden_size) != n_layers - 1:
            raise ValueError(
                f"{n_layers} layers need {n_layers - 1} hidden sizes, got {len(hidden_size)}"
            )

        # initialize a list to save layers
        layers = nn.ModuleList()
        if n_layers == 1:
            # if n_layers == 1, MLP degenerates to a Linear layer
            layers.append(nn.Linear(input_size, output_size))
            layers.append(self.act)
        else:
            # the input layer and its activation
            layers.append(nn.Linear(input_size, hidden_size[0]))
            layers.append(self.act)
            # the hidden layers: layer i maps hidden_size[i - 1] to hidden_size[i]
            for i in range(1, n_layers - 1):
                layers.append(nn.Linear(hidden_size[i - 1], hidden_size[i]))
                layers.append(self.act)
            # the output layer gives the logits: no activation after it
            layers.append(nn.Linear(hidden_size[-1], output_size))

        # Use nn.Sequential to get the neural network
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def make_data(n_points=200):
    """Points in the plane, labelled 0, 1, 2 by the 120° sector of their angle."""
    x = torch.randn(n_points, 2)
    angle = torch.atan2(x[:, 1], x[:, 0]) + math.pi  # in [0, 2π]
    y = (angle / (2 * math.pi / 3)).long().clamp(max=2)
    return x, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hsize", type=str, default="32", help="hidden sizes, comma-separated")
    parser.add_argument("--layer", type=int, default=3, help="number of layers in the MLP")
    parser.add_argument(
        "--act", type=str, default="relu", help="activation: none, sigmoid, tanh or relu"
    )
    parser.add_argument("--steps", type=int, default=300, help="training steps")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
    parser.add_argument("--momentum", type=float, default=0.9, help="momentum of SGD")
    parser.add_argument("--torch", action="store_true", help="run on PyTorch")
    opt = parser.parse_args()

    torch.manual_seed(0)
    x, y = make_data()
    hidden_size = [int(size) for size in opt.hsize.split(",")]
    model = MLP(2, 3, n_layers=opt.layer, hidden_size=hidden_size, act_type=opt.act)
    print(model)

    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=opt.lr, momentum=opt.momentum)
    for step in range(opt.steps + 1):
        loss = loss_fn(model(x), y)
        if step % 50 == 0:
            print(step, loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    with torch.no_grad():
        accuracy = (model(x).argmax(dim=1) == y).float().mean().item()
    print(f"training accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
