"""LeNet-5 on the shipped letter images: a convolutional network next to the homework's MLP.

The course's character classifier (``tracegrad charclf``) flattens each 32×32 letter into
1024 numbers for an MLP, which forgets which pixels are neighbours. A convolutional
network keeps the image's shape: each ``Conv2d`` slides small learned filters (5×5 here)
over the image, pooling halves the resolution, and only the last layers are fully
connected. LeNet-5 (LeCun et al., 1998), in d2l.ai's form::

    (1, 32, 32) -> Conv2d(1, 6, 5) -> ReLU -> MaxPool2d(2)     -> (6, 14, 14)
                -> Conv2d(6, 16, 5) -> ReLU -> MaxPool2d(2)    -> (16, 5, 5)
                -> Flatten -> Linear(400, 120) -> ReLU -> Linear(120, 84) -> ReLU
                -> Linear(84, 26)

It trains with Adam on the same train split as the homework and reports accuracy on the
test split (typefaces never seen in training). Runs unchanged on PyTorch (``--torch``)::

    python examples/cnn/lenet_letters.py --epochs 3
"""

import argparse
import os
import sys
import time

if "--torch" in sys.argv:
    import torch
    from torch import nn
else:
    import tracegrad as torch
    from tracegrad import nn

from tracegrad.apps.charclf.images import Normaliser, load_split

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data", "character_classification")


def lenet(n_classes=26):
    """LeNet-5 with ReLU and max pooling, for 1×32×32 images."""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, n_classes),
    )


def load(split, normaliser=None, limit=0):
    """A split's images as (N, 1, 32, 32) float32 tensors and labels as int64."""
    images, labels = load_split(
        os.path.join(DATA, f"{split}.json"), os.path.join(DATA, "images"), (32, 32), 26, limit
    )
    normaliser = normaliser or Normaliser.fit(images)
    x = torch.tensor(normaliser(images)).reshape(-1, 1, 32, 32)
    return x, torch.tensor(labels), normaliser


def accuracy(model, x, y, batch_size=500):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(y), batch_size):
            logits = model(x[start : start + batch_size])
            correct += (logits.argmax(dim=1) == y[start : start + batch_size]).sum().item()
    model.train()
    return correct / len(y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch_size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--fast", action="store_true", help="a short run (600 images, 1 epoch)")
    parser.add_argument("--torch", action="store_true", help="run on PyTorch")
    opt = parser.parse_args()
    limit = 600 if opt.fast else 0
    epochs = 1 if opt.fast else opt.epochs

    torch.manual_seed(0)
    x_train, y_train, normaliser = load("train", limit=limit)
    x_test, y_test, _ = load("test", normaliser, limit=limit)
    model = lenet()
    print(model)
    print(f"parameters: {sum(p.numel() for p in model.parameters())}")
    optimizer = torch.optim.Adam(model.parameters(), lr=opt.lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        order = torch.randperm(len(y_train))
        total = 0.0
        for start in range(0, len(y_train), opt.batch_size):
            index = order[start : start + opt.batch_size]
            loss = loss_fn(model(x_train[index]), y_train[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
        seconds = time.perf_counter() - started
        print(
            f"epoch {epoch}: train loss {total / len(y_train):.4f}, "
            f"test accuracy {accuracy(model, x_test, y_test):.4f} ({seconds:.1f} s)"
        )


if __name__ == "__main__":
    main()
