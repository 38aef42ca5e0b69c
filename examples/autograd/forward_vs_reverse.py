"""Forward accumulation versus reverse propagation: who wins depends on the shape of f.

The chain rule for f: R^n -> R^m can be multiplied out from either end:

* forward accumulation pushes a direction v through the graph and gets J v (a JVP), one
  column of the Jacobian per pass: the full Jacobian takes n passes;
* reverse propagation pulls a weight u back through the graph and gets u^T J (a VJP), one
  row per pass: the full Jacobian takes m passes.

A loss is a scalar (m = 1): one backward pass gives the whole gradient, however many
parameters there are. That is why training uses reverse mode. With few inputs and many
outputs (n << m) forward mode wins instead.

This script builds the full Jacobian of f(x) = tanh(B sin(x)) both ways, counting the
JVPs and VJPs and timing them, for (n=1000, m=1) and (n=3, m=1000), and checks the two
Jacobians against each other and against the formula diag(1 - tanh^2) B diag(cos x).
Runs unchanged with ``import torch`` (``--torch``).
"""

import sys
import time

if "--torch" in sys.argv:
    import torch
else:
    import tracegrad as torch

fwAD = torch.autograd.forward_ad  # noqa: N816 - the name torch's docs use


def make_problem(n, m):
    """f(x) = tanh(B sin(x)) with a fixed random B (m x n), and a point x."""
    torch.manual_seed(0)
    b = torch.randn(m, n, dtype=torch.float64) / n**0.5
    x = torch.randn(n, dtype=torch.float64)

    def f(x):
        return torch.tanh(b @ torch.sin(x))

    return f, b, x


def jacobian_forward(f, x):
    """n forward passes, each with the tangent e_j: column j of J."""
    n = x.numel()
    columns = []
    jvps = 0
    for j in range(n):
        direction = torch.zeros(n, dtype=x.dtype)
        direction[j] = 1.0
        with fwAD.dual_level():
            y = f(fwAD.make_dual(x, direction))
            columns.append(fwAD.unpack_dual(y).tangent)
        jvps += 1
    return torch.stack(columns, dim=1), jvps


def jacobian_reverse(f, x):
    """m backward passes, each with the weight e_i: row i of J."""
    x = x.detach().requires_grad_(True)
    y = f(x)  # one forward pass, its graph kept for every backward pass
    m = y.numel()
    rows = []
    vjps = 0
    for i in range(m):
        weight = torch.zeros(m, dtype=x.dtype)
        weight[i] = 1.0
        (row,) = torch.autograd.grad(y, x, grad_outputs=weight, retain_graph=True)
        rows.append(row)
        vjps += 1
    return torch.stack(rows, dim=0), vjps


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main():
    print("f: R^n -> R^m, f(x) = tanh(B sin(x)); full Jacobian J (m x n) both ways")
    print()
    header = (
        f"{'n':>6} {'m':>6} | {'JVPs':>6} {'forward':>10} | {'VJPs':>6} {'reverse':>10} | "
        f"{'faster':<8} | J agrees"
    )
    print(header)
    print("-" * len(header))
    warm_f, _, warm_x = make_problem(2, 2)  # first calls pay one-off set-up costs: not timed
    jacobian_forward(warm_f, warm_x)
    jacobian_reverse(warm_f, warm_x)
    for n, m in ((1000, 1), (3, 1000)):
        f, b, x = make_problem(n, m)
        (j_forward, jvps), t_forward = timed(jacobian_forward, f, x)
        (j_reverse, vjps), t_reverse = timed(jacobian_reverse, f, x)
        # the formula: d tanh(B sin x) = diag(1 - tanh^2(B sin x)) B diag(cos x) dx
        with torch.no_grad():
            y = f(x)
            expected = (1 - y * y)[:, None] * b * torch.cos(x)[None, :]
        agree = bool(
            torch.allclose(j_forward, expected, atol=1e-12)
            and torch.allclose(j_reverse, expected, atol=1e-12)
        )
        faster = "forward" if t_forward < t_reverse else "reverse"
        print(
            f"{n:>6} {m:>6} | {jvps:>6} {t_forward:>9.4f}s | {vjps:>6} {t_reverse:>9.4f}s | "
            f"{faster:<8} | {agree}"
        )
    print()
    print("Forward mode needs one JVP per input (n), reverse mode one VJP per output (m):")
    print("for a scalar loss (m = 1) a single backward pass gives the whole gradient.")


if __name__ == "__main__":
    main()
