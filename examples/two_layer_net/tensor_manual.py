"""The course's two-layer network, scheme 2: tensors with hand-written gradients.

h = x W1, h_relu = max(h, 0), y_pred = h_relu W2, f = ||y_pred - y||_F^2. The gradients
are the ones the course derives with the trace method: dW2 = h_reluᵀ G, dh = G W2ᵀ masked
where h < 0, dW1 = xᵀ dh, with G = 2 (y_pred - y). Runs unchanged with ``import torch``.
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

w1 = torch.randn(D_in, H)
w2 = torch.randn(H, D_out)

learning_rate = 1e-6
for it in range(501):
    # forward pass
    h = x.mm(w1)  # N * H
    h_relu = h.clamp(min=0)  # N * H
    y_pred = h_relu.mm(w2)  # N * D_out

    # compute the loss
    loss = (y_pred - y).pow(2).sum().item()
    if it % 50 == 0:
        print(it, loss)

    # backward pass: the gradients by hand
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h_relu = grad_y_pred.mm(w2.t())
    grad_h = grad_h_relu.clone()
    grad_h[h < 0] = 0
    grad_w1 = x.t().mm(grad_h)

    # update the weights
    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2
