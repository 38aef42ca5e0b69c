"""The course's two-layer network, scheme 9: a custom ``nn.Module`` built from nn.Linear.

``TwoLayerNet`` holds two ``nn.Linear`` layers without bias (their parameters are
registered implicitly); forward is linear2(relu(linear1(x))). Trained by
``torch.optim.Adam`` (lr 1e-4) on ``nn.MSELoss(reduction='sum')``. Runs unchanged with
``import torch`` (``--torch``).
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


class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):  # noqa: N803 - the slide's names
        super(TwoLayerNet, self).__init__()  # noqa: UP008 - the slide's spelling
        # define the model architecture
        self.linear1 = torch.nn.Linear(D_in, H, bias=False)
        self.linear2 = torch.nn.Linear(H, D_out, bias=False)

    def forward(self, x):
        y_pred = self.linear2(self.linear1(x).clamp(min=0))
        return y_pred


model = TwoLayerNet(D_in, H, D_out)
loss_fn = nn.MSELoss(reduction="sum")
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
