"""The course's two-layer network with tensors and autograd (scheme 3 of the slides).

A fully connected ReLU network with one hidden layer and no biases, trained to map random
x to random y under the squared error f = ||relu(x W1) W2 - y||_F^2. The forward pass is
written with tensor operations, ``loss.backward()`` computes dW1 and dW2, and the weights
are updated in place under ``no_grad``. Runs unchanged with ``import torch``.
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
for it in range(501):
    # forward pass
    y_pred = x.mm(w1).clamp(min=0).mm(w2)

    # compute the loss
    loss = (y_pred - y).pow(2).sum()
    if it % 50 == 0:
        print(it, loss.item())

    # backward pass: gradients of the loss with respect to w1 and w2
    loss.backward()

    # gradient descent step
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
