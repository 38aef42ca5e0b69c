"""The five basic 2-D affine transforms as 3x3 matrices, their compositions, applied to a
point set and to an image (seed 004, slides "几何意义: 矩阵" / "仿射变换", review
"二维仿射变换", and the question "列举5种基本的二维仿射变换, 并应用于图片变形").

A point (x, y) is written in homogeneous coordinates p = [x, y, 1]^T, so that one matrix
product does the linear part and the shift together, GT = W * input + b:

    identity      translation     scaling         rotation                 shear
    [1 0 0]       [1 0 tx]        [sx 0  0]       [ cos(t) sin(t) 0]       [1  ex 0]
    [0 1 0]       [0 1 ty]        [0  sy 0]       [-sin(t) cos(t) 0]       [ey 1  0]
    [0 0 1]       [0 0 1 ]        [0  0  1]       [ 0      0      1]       [0  0  1]

(the slides' matrices, kept as they are). Composing transforms is multiplying their
matrices with ``@``: M = B @ A applies A first, then B, and in general B @ A != A @ B.
Rotating about a point c instead of the origin is itself a composition: move c to the
origin, rotate, move back, T(c) @ R @ T(-c).

Coordinates are image coordinates: x runs right along the columns, y runs *down* the
rows, so with the slides' rotation matrix a positive angle turns the picture
counter-clockwise on screen.

An image is transformed by inverse mapping: for every pixel p' of the output, look up
the input at p = M^{-1} p' and interpolate bilinearly between its four neighbouring pixels
(pixels that come from outside the input are black). Looking up (instead of pushing every
input pixel forward) leaves no holes. M^{-1} of an affine matrix [[A, t], [0, 1]] is
[[A^{-1}, -A^{-1} t], [0, 1]], with the 2x2 inverse A^{-1} = adj(A) / det(A). The sampler
is written with tracegrad tensors and checked against ``skimage.transform.warp``.

Usage: python affine_transforms.py [--fast] [--out DIR] [--torch]
Figures: affine_points.png, affine_basic.png, affine_compositions.png.
"""

import argparse
import math
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw into files, no window
import matplotlib.pyplot as plt  # noqa: E402
from skimage import data, transform  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--fast", action="store_true", help="a smaller image")
parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "figures")
parser.add_argument("--torch", action="store_true", help="run on PyTorch instead")
args = parser.parse_args()
if args.out.exists() and not args.out.is_dir():
    parser.error(f"--out must be a folder, but {args.out} is a file")

if args.torch:
    import torch
else:
    import tracegrad as torch

torch.set_printoptions(precision=4)


def save_figure(fig, name):
    """Save ``fig`` as ``args.out/name`` (written to a temp file, then renamed)."""
    args.out.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(suffix=".png", dir=args.out)
    os.close(handle)
    fig.savefig(temp, dpi=100)
    os.replace(temp, args.out / name)
    plt.close(fig)
    print("figure:", args.out / name)


# ------------------------------------------------------------- the five matrices
def identity():
    return torch.eye(3, dtype=torch.float64)


def translation(tx, ty):
    return torch.tensor([[1.0, 0, tx], [0, 1, ty], [0, 0, 1]], dtype=torch.float64)


def scaling(sx, sy):
    return torch.tensor([[sx, 0, 0], [0, sy, 0], [0, 0, 1]], dtype=torch.float64)


def rotation(degrees):
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return torch.tensor([[c, s, 0], [-s, c, 0], [0, 0, 1]], dtype=torch.float64)


def shear(ex, ey):
    return torch.tensor([[1.0, ex, 0], [ey, 1, 0], [0, 0, 1]], dtype=torch.float64)


def about(matrix, cx, cy):
    """The transform ``matrix`` performed about the point (cx, cy): T(c) M T(-c)."""
    return translation(cx, cy) @ matrix @ translation(-cx, -cy)


def affine_inverse(matrix):
    """The inverse of an affine 3x3 matrix [[A, t], [0, 1]]: [[A^-1, -A^-1 t], [0, 1]]."""
    a, t = matrix[:2, :2], matrix[:2, 2]
    det = a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]
    if abs(det.item()) < 1e-12:
        raise ValueError(f"the transform is not invertible (det of its 2x2 part is {det.item()})")
    a_inv = torch.stack([torch.stack([a[1, 1], -a[0, 1]]), torch.stack([-a[1, 0], a[0, 0]])])
    a_inv = a_inv / det  # adj(A) / det(A)
    top = torch.cat([a_inv, (-(a_inv @ t)).reshape(2, 1)], dim=1)
    return torch.cat([top, torch.tensor([[0.0, 0, 1]], dtype=torch.float64)])


# ------------------------------------------------------------- applying them
def apply_to_points(matrix, points):
    """Transform 2-D points (an N x 2 tensor) by a 3x3 matrix, via homogeneous coordinates."""
    homogeneous = torch.cat([points, torch.ones(points.shape[0], 1, dtype=points.dtype)], dim=1)
    moved = (matrix @ homogeneous.T).T  # each column of homogeneous.T is one [x, y, 1]
    return moved[:, :2]


def warp(image, matrix):
    """Transform a grayscale image (H x W tensor) by ``matrix``: each output pixel p' takes
    the input's bilinear interpolation at M^{-1} p'; pixels from outside are 0."""
    height, width = image.shape
    rows, cols = torch.meshgrid(
        torch.arange(height, dtype=torch.float64),
        torch.arange(width, dtype=torch.float64),
        indexing="ij",
    )
    targets = torch.stack([cols.reshape(-1), rows.reshape(-1), torch.ones(height * width)])
    sources = affine_inverse(matrix) @ targets.to(torch.float64)  # 3 x (H*W)
    x, y = sources[0], sources[1]
    x0, y0 = torch.floor(x), torch.floor(y)
    fx, fy = x - x0, y - y0  # position between the neighbours, in [0, 1)

    def pixel(row, col):
        """image[row, col], or 0 where (row, col) lies outside the image."""
        inside = (row >= 0) & (row <= height - 1) & (col >= 0) & (col <= width - 1)
        row_index = row.clamp(0, height - 1).long()
        col_index = col.clamp(0, width - 1).long()
        return image[row_index, col_index] * inside.to(image.dtype)

    value = (
        (1 - fx) * (1 - fy) * pixel(y0, x0)
        + fx * (1 - fy) * pixel(y0, x0 + 1)
        + (1 - fx) * fy * pixel(y0 + 1, x0)
        + fx * fy * pixel(y0 + 1, x0 + 1)
    )
    return value.reshape(height, width)


# ------------------------------------------------ 1. the matrices and a point set
print("== the five basic transforms (slides' matrices) ==")
basic = {
    "identity": identity(),
    "translation (tx=1.5, ty=0.5)": translation(1.5, 0.5),
    "scaling (sx=1.5, sy=0.5)": scaling(1.5, 0.5),
    "rotation (30 degrees)": rotation(30),
    "shear (ex=0.5, ey=0)": shear(0.5, 0.0),
}
# a small "house": a unit square with a roof, as N x 2 points (x, y); y points down
house = torch.tensor(
    [[0.0, 0], [1, 0], [1, 1], [0, 1], [0, 0], [0.5, -0.6], [1, 0]], dtype=torch.float64
)
square = torch.tensor([[0.0, 0], [1, 0], [1, 1], [0, 1]], dtype=torch.float64)
for name, matrix in basic.items():
    print(f"-- {name}")
    print(matrix)
    corners = [[round(v, 4) for v in point] for point in apply_to_points(matrix, square).tolist()]
    print("unit-square corners (0,0) (1,0) (1,1) (0,1) ->", corners)
    product = matrix @ affine_inverse(matrix)
    print("M @ M^-1 == I:", torch.allclose(product, identity()))
print()

fig, axes = plt.subplots(1, 5, figsize=(17, 3.8), sharex=True, sharey=True)
for axis, (name, matrix) in zip(axes, basic.items(), strict=True):
    moved = apply_to_points(matrix, house)
    axis.plot(house[:, 0].numpy(), house[:, 1].numpy(), "--", color="gray", label="original")
    axis.plot(moved[:, 0].numpy(), moved[:, 1].numpy(), "-o", ms=3, color="tab:red", label="M p")
    axis.set(title=name, xlabel="x", aspect="equal", xlim=(-1.2, 3.2), ylim=(2.2, -1.2))
    axis.grid(alpha=0.3)
axes[0].set_ylabel("y (pointing down, as in images)")
axes[0].legend(loc="lower left", fontsize=8)
fig.tight_layout()
save_figure(fig, "affine_points.png")

# ------------------------------------------------------------ 2. on an image
size = 128 if args.fast else 256
step = 512 // size
image = torch.tensor(data.camera()[::step, ::step] / 255.0, dtype=torch.float64)
height, width = image.shape
cx, cy = (width - 1) / 2, (height - 1) / 2  # the image centre
print(f"== the image: skimage.data.camera(), {width}x{height} pixels ==")

# the same five transforms, sized for the image and performed about its centre
image_basic = {
    "identity": identity(),
    "translation (W/4, H/8)": translation(width / 4, height / 8),
    "scaling (0.6, 0.8)": about(scaling(0.6, 0.8), cx, cy),
    "rotation 30° about the centre": about(rotation(30), cx, cy),
    "shear (ex=0.4) about the centre": about(shear(0.4, 0.0), cx, cy),
}
border = torch.tensor(
    [[0.0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1], [0, 0]],
    dtype=torch.float64,
)

# checks: an integer shift moves pixels exactly, and the sampler agrees with scikit-image
shift = translation(8, 4)
shifted = warp(image, shift)
print(
    "translation by (8, 4) moves every pixel exactly:",
    torch.equal(shifted[4:, 8:], image[:-4, :-8]),
)
for name, matrix in image_basic.items():
    ours = warp(image, matrix)
    theirs = transform.warp(
        image.numpy(), affine_inverse(matrix).numpy(), order=1, mode="constant", cval=0.0
    )
    error = (ours - torch.from_numpy(theirs)).abs().max().item()
    print(f"{name:<34} max |ours - skimage.transform.warp| = {error:.2e}")


def show(axis, title, matrix):
    """Warp the image by ``matrix`` and draw its border (a point set) moved by the same
    matrix: the red outline must hug the warped picture."""
    axis.imshow(warp(image, matrix).numpy(), cmap="gray", vmin=0, vmax=1)
    outline = apply_to_points(matrix, border)
    axis.plot(outline[:, 0].numpy(), outline[:, 1].numpy(), color="tab:red", lw=1.5)
    axis.set(title=title, xlim=(-0.5, width - 0.5), ylim=(height - 0.5, -0.5))
    axis.set_xlabel("x (column)")


fig, axes = plt.subplots(1, 5, figsize=(18, 4.2))
for axis, (name, matrix) in zip(axes, image_basic.items(), strict=True):
    show(axis, name, matrix)
axes[0].set_ylabel("y (row)")
fig.suptitle("the five basic affine transforms (red: the image border moved by the same matrix)")
fig.tight_layout()
save_figure(fig, "affine_basic.png")

# ------------------------------------------------------------ 3. compositions
print()
print("== compositions: B @ A applies A first ==")
rotate = rotation(30)
rotate_centre = about(rotate, cx, cy)
move = translation(width / 4, 0)
compositions = {
    "rotation about the origin": rotate,
    "T(c) @ R @ T(−c): about the centre": rotate_centre,
    "T @ R: rotate, then translate": move @ rotate_centre,
    "R @ T: translate, then rotate": rotate_centre @ move,
    "R @ S @ H: shear, scale, rotate": rotate_centre
    @ about(scaling(0.7, 0.7), cx, cy)
    @ about(shear(0.4, 0.0), cx, cy),
}
print("T(c) @ R @ T(-c) =")
print(rotate_centre)
centre = torch.tensor([[cx, cy]], dtype=torch.float64)
print(
    "the centre",
    centre.tolist(),
    "stays where it is:",
    apply_to_points(rotate_centre, centre).tolist(),
)
print("T @ R =")
print(move @ rotate_centre)
print("R @ T =")
print(rotate_centre @ move)
print("T @ R == R @ T:", torch.allclose(move @ rotate_centre, rotate_centre @ move))
inverse_of_product = affine_inverse(move @ rotate_centre)
product_of_inverses = affine_inverse(rotate_centre) @ affine_inverse(move)
print("(T @ R)^-1 == R^-1 @ T^-1:", torch.allclose(inverse_of_product, product_of_inverses))

fig, axes = plt.subplots(1, 5, figsize=(18, 4.2))
for axis, (name, matrix) in zip(axes, compositions.items(), strict=True):
    show(axis, name, matrix)
axes[0].set_ylabel("y (row)")
fig.suptitle("compositions of affine transforms: the order matters")
fig.tight_layout()
save_figure(fig, "affine_compositions.png")
