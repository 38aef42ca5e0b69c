"""A ``Linear`` layer's weights inspected: the slide's examples 1 and 2 (seed 001).

``nn.Linear(in_features, out_features)`` computes y = x Aᵀ + b. Its ``weight`` A has shape
(out_features, in_features) and its ``bias`` b has shape (out_features,); with
``bias=False`` the layer has one parameter only. The script runs the slide's two examples
(100 -> 200, with and without bias) and then prints a small layer's parameters, which
show up as ``Parameter containing:`` tensors that require a gradient. ``--torch`` runs the
same code on PyTorch; both print the same text.
"""

import argparse

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--torch", action="store_true", help="run on PyTorch instead")
parser.add_argument("--fast", action="store_true", help="accepted for uniformity (no effect)")
parser.add_argument("--out", help="accepted for uniformity (this example draws no figure)")
args = parser.parse_args()

if args.torch:
    import torch
    import torch.nn as nn
else:
    import tracegrad as torch
    import tracegrad.nn as nn

torch.manual_seed(0)

for bias in (True, False):
    # example 1 (bias=True) and example 2 (bias=False) of the slide
    print(f"== nn.Linear(100, 200, bias={bias}) ==")
    input = torch.randn(10, 100)  # (BatchSize, length)
    fc1 = nn.Linear(100, 200, bias=bias)
    output_fc1 = fc1(input)

    print("Size of Input is", input.shape)
    print("Size of fc1 Output is", output_fc1.shape)

    params = list(fc1.parameters())
    print("Parameter Number of fc1 is %d " % len(params))  # noqa: UP031 - the slide's line

    for name, parameters in fc1.named_parameters():
        print(name, ":", parameters.size())

# a layer small enough to read: weight is (out_features, in_features)
print("== nn.Linear(3, 2) ==")
fc = nn.Linear(3, 2)
print(fc)
print(fc.weight)
print(fc.bias)
print("weight shape:", fc.weight.shape, " bias shape:", fc.bias.shape)
print("weight requires_grad:", fc.weight.requires_grad, " is_leaf:", fc.weight.is_leaf)

# the layer is the formula: fc(x) equals x @ weight.T + bias
x = torch.randn(4, 3)
by_formula = x.mm(fc.weight.t()) + fc.bias
print("fc(x) == x Aᵀ + b:", torch.allclose(fc(x), by_formula))
print(fc(x))

# without bias, the layer is a plain matrix product and bias is None
fc_no_bias = nn.Linear(3, 2, bias=False)
print(fc_no_bias)
print(fc_no_bias.weight)
print("bias:", fc_no_bias.bias)
print(fc_no_bias.state_dict())
