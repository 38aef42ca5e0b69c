"""The course's two-layer network, scheme 6: an ``nn.Sequential`` model.

Linear(1000, 100) -> ReLU -> Linear(100, 10), with biases; the weights are re-drawn from
N(0, 1) with ``nn.init.normal_`` (the biases keep nn.Linear's initialisation). The update
is written by hand over ``model.parameters()`` under ``no_grad``, then
``model.zero_grad()``. Runs unchanged with ``import torch`` (``--torch``).
"""

import sys

if "--torch" in sys.argv:
    import torch
    import torch.nn as nn
else:
    import tracegrad as torch
    import tracegrad.nn as nn

torch.manual_seed(0)
N, D_in, H, D_out = 64, 1000, 100, 10

# random training data
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)

model = torch.nn.Sequential(
    torch.nn.Linear(D_in, H, bias=True),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out, bias=True),
)

torch.nn.init.normal_(model[0].weight)
torch.nn.init.normal_(model[2].weight)

loss_fn = nn.MSELoss(reduction="sum")
learning_rate = 1e-6

for it in range(501):
    # forward pass
    y_pred = model(x)  # model.forward()

    # compute the loss
    loss = loss_fn(y_pred, y)
    if it % 50 == 0:
        print(it, loss.item())

    # backward pass
    loss.backward()

    # gradient descent on every parameter
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad

    model.zero_grad()
