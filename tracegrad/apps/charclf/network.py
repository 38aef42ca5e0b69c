"""The homework's multi-layer perceptron, built with ``nn.ModuleList`` and ``nn.Sequential``.

``MLP(input_size, hidden_size, output_size, n_layers, act_type)``::

    n_layers = 1:  Linear(input_size, output_size)
    n_layers = 3:  Linear(input_size, h[0]) -> act -> Linear(h[0], h[1]) -> act
                   -> Linear(h[1], output_size)

The last layer has no activation: it outputs logits, which ``CrossEntropyLoss`` turns into
log-probabilities.
"""

from __future__ import annotations

from ._framework import torch  # tracegrad, or PyTorch under --framework torch

nn = torch.nn


class MLP(nn.Module):
    """A multi-layer perceptron: ``n_layers`` Linear layers with ``act_type`` between them.

    Args:
        input_size: length of the input vector (H*W of the normalised image).
        hidden_size: the output size of each hidden layer (``n_layers - 1`` numbers).
        output_size: the number of classes.
        n_layers: the number of Linear layers.
        act_type: "none", "sigmoid", "tanh" or "relu".

    Shape:
        input (N, input_size) -> logits (N, output_size)
    """

    def __init__(self, input_size, hidden_size, output_size, n_layers, act_type="relu"):
        super().__init__()
        hidden_size = list(hidden_size)
        if n_layers > 1 and len(hidden_size) != n_layers - 1:
            raise ValueError(
                f"MLP: {n_layers} layers need {n_layers - 1} hidden sizes, got {hidden_size}"
            )
        activations = {"none": nn.Identity, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
        if act_type not in activations:
            raise ValueError(
                f"MLP: act_type must be one of {sorted(activations)}, got {act_type!r}"
            )
        self.act = activations[act_type]()

        # initialize a list to save layers
        layers = nn.ModuleList()
        if n_layers == 1:
            # MLP degenerates to a Linear layer (the homework's template also appended the
            # activation here; an activation on the logits can only hurt, so there is none)
            layers.append(nn.Linear(input_size, output_size))
        else:
            # the input layer and its activation
            layers.append(nn.Linear(input_size, hidden_size[0]))
            layers.append(self.act)
            # hidden layer i maps hidden_size[i - 1] -> hidden_size[i]
            for i in range(1, n_layers - 1):
                layers.append(nn.Linear(hidden_size[i - 1], hidden_size[i]))
                layers.append(self.act)
            # the output layer: no activation, it outputs the logits
            layers.append(nn.Linear(hidden_size[-1], output_size))

        # Use nn.Sequential to get the neural network
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        """Logits (N, output_size) for a batch of input vectors x (N, input_size)."""
        return self.net(x)

    def features(self, x):
        """The last hidden layer's activations (what the t-SNE plot shows); the input itself
        when there is no hidden layer."""
        return self.net[:-1](x)
