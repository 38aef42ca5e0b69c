"""The computation graph of z = (<x, w> - y)^2 and dz/dw two ways: forward accumulation
and reverse propagation (seed 004, slides "链式法则", "自动求导", "前向积累", "反向传递",
and the review question "画出 z=(<x,w>-y)^2 的计算图,并使用前向积累和反向传递计算 dz/dw").

The slides split z into three elementary steps

    a = <x, w>        da/dw = x^T
    b = a - y         db/da = 1
    z = b^2           dz/db = 2b

so that by the chain rule dz/dw = dz/db * db/da * da/dw = 2 (<x, w> - y) x^T.

* Forward accumulation multiplies the chain from the right, dz/db (db/da (da/dw dw)):
  a tangent dw travels with w through a, b, z. One pass gives the derivative in one
  direction dw (a JVP); the whole gradient needs one pass per component of w (dw = e_j).
* Reverse propagation multiplies from the left, ((dz/db db/da) da/dw): after one forward
  pass that stores a and b, one backward pass from dz/dz = 1 gives all of dz/dw. The y
  branch is pruned: y needs no gradient.

The script does both by hand (printing every intermediate value), then with tracegrad's
forward-mode AD and ``backward()``, recording the engine's steps with
``torch.autograd.explain``; it compares all of them with 2 (<x, w> - y) x. The graph is
drawn with ``tracegrad.viz.draw_graph`` and saved as Graphviz DOT text (and as SVG and PNG
when Graphviz's ``dot`` program is installed).

Usage: python computation_graph.py [--fast] [--out DIR]
Files: computation_graph.gv (and .svg/.png with Graphviz).
"""

import argparse
import os
import shutil
import tempfile
from pathlib import Path

import tracegrad as torch
from tracegrad.viz import draw_graph

fwAD = torch.autograd.forward_ad  # noqa: N816 - the name torch's docs use

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--fast", action="store_true", help="accepted for the test suite")
parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "figures")
args = parser.parse_args()
if args.out.exists() and not args.out.is_dir():
    parser.error(f"--out must be a folder, but {args.out} is a file")

# small numbers, so that every step can be checked by hand
x = torch.tensor([1.0, 2.0, 3.0])
w = torch.tensor([0.5, -1.0, 2.0])
y = torch.tensor(1.0)
print("x =", x, " w =", w, " y =", y)
print()

# --------------------------------------------------------------- the forward pass
print("== forward pass (stores the intermediate values) ==")
a = torch.dot(x, w)
b = a - y
z = b**2
print(f"a = <x, w> = {a.item():g}")
print(f"b = a - y  = {b.item():g}")
print(f"z = b^2    = {z.item():g}")
by_hand = 2 * (torch.dot(x, w) - y) * x
print("by hand: dz/dw = 2 (<x, w> - y) x =", by_hand)
print()

# ------------------------------------------------------------ forward accumulation
print("== forward accumulation by hand: one pass per component of w ==")
forward_by_hand = []
for j in range(3):
    dw = torch.zeros(3)
    dw[j] = 1.0  # the direction e_j
    da = torch.dot(x, dw)  # da = <x, dw>
    db = da  # db = da (y is a constant: dy = 0)
    dz = 2 * b * db  # dz = 2b db
    forward_by_hand.append(dz.item())
    print(
        f"pass {j + 1}: dw = {dw.tolist()}  ->  da = <x, dw> = {da.item():g}"
        f"  ->  db = da = {db.item():g}  ->  dz = 2b db = {dz.item():g}"
    )
print("dz/dw by forward accumulation (by hand):", forward_by_hand)
print()

print("== forward accumulation with forward-mode AD (tangents travel with w) ==")
print("(each formula names its op's own inputs: in dot(a, b), a = x and b = w; in")
print(" sub(a, y), a is the slides' a; in pow(a, 2), a is the slides' b)")
forward_ad = []
for j in range(3):
    direction = torch.zeros(3)
    direction[j] = 1.0
    with torch.autograd.explain(mode="forward") as log, fwAD.dual_level():
        dual_w = fwAD.make_dual(w, direction)
        dual_z = (torch.dot(x, dual_w) - y) ** 2
        tangent = fwAD.unpack_dual(dual_z).tangent
    forward_ad.append(tangent.item())
    print(f"-- JVP {j + 1}: tangent dw = e_{j + 1} gives dz/dw_{j + 1} = {tangent.item():g}")
    print(log)
forward_ad = torch.tensor(forward_ad)
print("dz/dw by forward-mode AD:", forward_ad)
print()

# ------------------------------------------------------------- reverse propagation
print("== reverse propagation by hand: one pass from z back to w ==")
grad_z = torch.tensor(1.0)  # dz/dz
grad_b = grad_z * 2 * b  # dz/db = 2b
grad_a = grad_b * 1  # db/da = 1
grad_w = grad_a * x  # da/dw = x^T
print(f"dz/dz = {grad_z.item():g}")
print(f"dz/db = dz/dz * 2b = {grad_b.item():g}")
print(f"dz/da = dz/db * 1  = {grad_a.item():g}")
print(f"dz/dw = dz/da * x  = {grad_w.tolist()}")
print()

print("== reverse propagation with backward() ==")
w.requires_grad_(True)
a = torch.dot(x, w)
b = a - y
z = b**2
graph = draw_graph(z, params={"w": w, "z": z})
with torch.autograd.explain() as log:
    z.backward()
print(log)
print("w.grad =", w.grad)
print()

# --------------------------------------------------------------------- comparison
print("== all four agree with 2 (<x, w> - y) x ==")
for name, value in (
    ("forward accumulation by hand", torch.tensor(forward_by_hand)),
    ("forward-mode AD (3 JVPs)", forward_ad),
    ("reverse by hand", grad_w),
    ("backward() (1 VJP)", w.grad),
):
    print(f"{name:<29} {value.tolist()}  equal: {torch.allclose(value, by_hand)}")
print()

# ------------------------------------------------------------------ the graph
args.out.mkdir(parents=True, exist_ok=True)
dot_path = args.out / "computation_graph.gv"
handle, temp = tempfile.mkstemp(suffix=".gv", dir=args.out)
with os.fdopen(handle, "w", encoding="utf-8") as file:
    file.write(graph.source)
os.replace(temp, dot_path)  # written whole or not at all
print("-- the graph (DOT): w -> AccumulateGrad -> DotBackward0 -> SubBackward0 -> PowBackward0")
print(graph.source)
print("graph:", dot_path)
if shutil.which("dot"):
    for image_format in ("svg", "png"):
        print("graph:", graph.render(str(dot_path.with_suffix("")), format=image_format))
else:
    print("(Graphviz's dot program is not installed: no SVG/PNG; paste the DOT text into")
    print(" any Graphviz viewer, or install graphviz and run: dot -Tpng", dot_path, ")")
