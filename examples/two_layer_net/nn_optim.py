"""The course's two-layer network, scheme 7: an ``nn.Sequential`` model and torch.optim.

Linear(1000, 100, bias=False) -> ReLU -> Linear(100, 10, bias=False), weights re-drawn
from N(0, 1), trained by ``torch.optim.SGD`` on ``nn.MSELoss(reduction='sum')``. Runs
unchanged with ``import torch`` (``--torch``).
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
    torch.nn.Linear(D_in, H, bias=False),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out, bias=False),
)

torch.nn.init.normal_(model[0].weight)
torch.nn.init.normal_(model[2].weight)

loss_fn = nn.MSELoss(reduction="sum")
learning_rate = 1e-6
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

for it in range(501):
    # forward pass
    y_pred = model(x)  # model.forward()

    # compute the loss
    loss = loss_fn(y_pred, y)
    if it % 50 == 0:
        print(it, loss.item())

    # backward pass
    loss.backward()

    # update the model parameters
    optimizer.step()
    optimizer.zero_grad()
