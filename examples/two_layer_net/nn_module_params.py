"""The course's two-layer network, scheme 8: a custom ``nn.Module`` with explicit Parameters.

``TwoLayerNet`` registers W1 and W2 as ``nn.Parameter``s initialised with
``nn.init.xavier_normal_``; forward is relu(x W1) W2. Trained by ``torch.optim.Adam``
(lr 1e-4) on the mean squared error ``nn.MSELoss()``. Runs unchanged with ``import torch``
(``--torch``).
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

x = torch.randn(N, D_in)
y = torch.randn(N, D_out)


class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):  # noqa: N803 - the slide's names
        super(TwoLayerNet, self).__init__()  # noqa: UP008 - the slide's spelling
        # define the model architecture
        self.W1 = nn.Parameter(nn.init.xavier_normal_(torch.Tensor(D_in, H)))
        self.W2 = nn.Parameter(nn.init.xavier_normal_(torch.Tensor(H, D_out)))

    def forward(self, x):
        y_pred = x.mm(self.W1).clamp(min=0).mm(self.W2)
        return y_pred


model = TwoLayerNet(D_in, H, D_out)
loss_fn = nn.MSELoss()
learning_rate = 1e-4
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)

for it in range(500):
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
