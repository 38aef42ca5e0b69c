"""The course's two-layer network, scheme 5: tensors, torch.optim.SGD and nn.MSELoss.

The forward pass is still written with tensor operations (relu(x W1) W2, no biases); the
loss is ``nn.MSELoss(reduction='sum')`` instead of the hand-written squared error, and
``optimizer.step()`` updates W1 and W2. Runs unchanged with ``import torch`` (``--torch``).
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

w1 = torch.randn(D_in, H, requires_grad=True)
w2 = torch.randn(H, D_out, requires_grad=True)

learning_rate = 1e-6
optimizer = torch.optim.SGD([w1, w2], lr=learning_rate)
loss_fn = nn.MSELoss(reduction="sum")

for it in range(501):
    # forward pass
    y_pred = x.mm(w1).clamp(min=0).mm(w2)

    # compute the loss
    loss = loss_fn(y_pred, y)
    if it % 50 == 0:
        print(it, loss.item())

    # backward pass, then update w1 and w2
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
