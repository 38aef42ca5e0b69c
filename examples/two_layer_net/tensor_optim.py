"""The course's two-layer network, scheme 4: tensors, autograd and torch.optim.SGD.

The same network as scheme 3; ``optimizer.step()`` replaces the hand-written update under
``no_grad`` and ``optimizer.zero_grad()`` the zeroing of the gradients. Runs unchanged
with ``import torch`` (``--torch``).
"""

import sys

if "--torch" in sys.argv:
    import torch
else:
    import tracegrad as torch

torch.manual_seed(0)
N, D_in, H, D_out = 64, 1000, 100, 10

# random training data
x = torch.randn(N, D_in)
y = torch.randn(N, D_out)

w1 = torch.randn(D_in, H, requires_grad=True)
w2 = torch.randn(H, D_out, requires_grad=True)

learning_rate = 1e-6
optimizer = torch.optim.SGD([w1, w2], lr=learning_rate)
for it in range(501):
    # forward pass
    y_pred = x.mm(w1).clamp(min=0).mm(w2)

    # compute the loss
    loss = (y_pred - y).pow(2).sum()
    if it % 50 == 0:
        print(it, loss.item())

    # backward pass and update
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
