"""The matrix-derivative homework: f = ||max(XW, 0) - Y||_F^2 (seed 002; slide in seed 001).

With ``torch.manual_seed(0)`` inputs X (10x4), W (4x4) and Y (10x4), the homework asks for
df/dW, df/dX and df/dY by hand, checked with autograd. Write Z = XW, E = max(Z, 0) - Y and
let S = ε(Z) be the unit step of Z (1 where Z > 0, else 0), so that d max(Z, 0) = S ⊙ dZ.
Then f = tr(EᵀE) and

    df = 2 tr(Eᵀ dE) = 2 tr(Eᵀ (S ⊙ dZ)) - 2 tr(Eᵀ dY)
       = 2 tr((E ⊙ S)ᵀ (dX W + X dW)) - 2 tr(Eᵀ dY),

and reading the gradients off df = tr(Gᵀ dA) (moving W to the front with tr(AB) = tr(BA)):

    df/dY = -2 E,    df/dX = 2 (E ⊙ S) Wᵀ,    df/dW = 2 Xᵀ (E ⊙ S).

The script prints the inputs, autograd's gradients and the hand-derived ones in the order
of the homework report, so the numbers can be compared with it line by line, then the
largest difference between the two. ``--torch`` runs the same code on PyTorch.
"""

import argparse

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--torch", action="store_true", help="run on PyTorch instead")
parser.add_argument("--fast", action="store_true", help="accepted for uniformity (no effect)")
parser.add_argument("--out", help="accepted for uniformity (this example draws no figure)")
args = parser.parse_args()

if args.torch:
    import torch
else:
    import tracegrad as torch

torch.manual_seed(0)
x = torch.randn(10, 4, requires_grad=True)
W = torch.randn(4, 4, requires_grad=True)
y = torch.randn(10, 4, requires_grad=True)
print("== x ==")
print(x)
print("== W ==")
print(W)
print("== y ==")
print(y)

# the objective, written two ways: clamp(min=0) and the ReLU module are both max(., 0)
f1 = (torch.clamp(x.mm(W), 0) - y).pow(2).sum()
z = x.mm(W)
y_hat = torch.nn.ReLU()(z)
f2 = (y_hat - y).pow(2).sum()
print("== f (clamp), f (ReLU) ==")
print(f1)
print(f2)

# autograd: before backward() no gradient exists yet
print("== W.grad before backward ==")
print(W.grad)
f2.backward()
print("== autograd: W.grad ==")
print(W.grad)
print("== autograd: y.grad ==")
print(y.grad)
print("== autograd: x.grad ==")
print(x.grad)

# by hand. S = ε(XW) is the unit step of XW; the report builds it with
# torch.heaviside(XW, 0), which is the same 0/1 matrix as the comparison (XW > 0).
S = (x.mm(W) > 0).float()
y_grad = -2 * (y_hat - y)
x_grad = 2 * (torch.mul((y_hat - y), S)).mm(torch.t(W))
W_grad = 2 * torch.t(x).mm(torch.mul((y_hat - y), S))
print("== by hand: df/dY = -2 (max(XW, 0) - Y) ==")
print(y_grad)
print("== by hand: df/dX = 2 ((max(XW, 0) - Y) ⊙ ε(XW)) Wᵀ ==")
print(x_grad)
print("== by hand: df/dW = 2 Xᵀ ((max(XW, 0) - Y) ⊙ ε(XW)) ==")
print(W_grad)

print("== largest |hand - autograd| ==")
for name, hand, auto in [("W", W_grad, W.grad), ("X", x_grad, x.grad), ("Y", y_grad, y.grad)]:
    difference = (hand.detach() - auto).abs().max().item()
    print(f"df/d{name}: {difference:.3e}  allclose: {torch.allclose(hand.detach(), auto)}")
