"""The course's two-layer network, scheme 1: plain NumPy, gradients by hand.

h = x W1, h_relu = max(h, 0), y_pred = h_relu W2, f = ||y_pred - y||_F^2. The backward
pass is the course's trace-method derivation: with G = ∂f/∂y_pred = 2 (y_pred - y),
∂f/∂W2 = h_reluᵀ G, ∂f/∂h = G W2ᵀ zeroed where h < 0, ∂f/∂W1 = xᵀ ∂f/∂h.

This is the reference the other schemes in this folder replace step by step with
tracegrad (or PyTorch); it needs neither.
"""

import numpy as np

# The slide draws unseeded numbers; a fixed seed makes the printed losses reproducible.
np.random.seed(0)

N, D_in, H, D_out = 64, 1000, 100, 10

# random training data
x = np.random.randn(N, D_in)
y = np.random.randn(N, D_out)

w1 = np.random.randn(D_in, H)
w2 = np.random.randn(H, D_out)

learning_rate = 1e-6
for it in range(501):
    # forward pass
    h = x.dot(w1)  # N * H
    h_relu = np.maximum(h, 0)  # N * H
    y_pred = h_relu.dot(w2)  # N * D_out

    # compute the loss
    loss = np.square(y_pred - y).sum()
    if it % 50 == 0:
        print(it, loss)

    # backward pass: the gradients by hand
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.T.dot(grad_y_pred)
    grad_h_relu = grad_y_pred.dot(w2.T)
    grad_h = grad_h_relu.copy()
    grad_h[h < 0] = 0
    grad_w1 = x.T.dot(grad_h)

    # update the weights
    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2
