"""Convolution and pooling: the building blocks of convolutional networks (LeNet, AlexNet).

Everything here rests on one picture, *im2col*: slide a window of ``kernel`` positions
(spread ``dilation`` apart) over the zero-padded input in steps of ``stride``, and copy
what each window sees into one column. For an input of shape (N, C, H, W) and a k×k
kernel this gives ``cols`` of shape (N, C·k·k, L), L = H_out·W_out windows. Then

* a convolution is a matrix product:  y = W · cols, with W the weight as (C_out, C·k·k);
* average pooling averages each window, max pooling picks each window's largest entry.

The reverse of im2col, *col2im*, adds every column back onto the window it came from
(overlapping windows add up). The two are adjoint linear maps, <im2col(x), c> =
<x, col2im(c)>, so each is the other's VJP, and the convolution's own derivatives are

    ∂f/∂x = col2im(Wᵀ · g)          (a "transposed convolution" of the gradient)
    ∂f/∂W = g · im2colᵀ(x)          summed over the batch
    ∂f/∂b = Σ g over all dims but the channel dim.

These rules are written with registry ops only (matmul, reshape, im2col, col2im), so
under ``create_graph`` the backward pass records a graph of its own and convolutions can
be differentiated twice. The ops work for any number of spatial dims (conv1d, conv2d,
conv3d share them); their ``pads`` are a (before, after) pair per spatial dim, which
covers torch's ``padding='same'`` with an even kernel (one more zero after than before)
and pooling's ``ceil_mode`` (a last, partial window that reaches past the input).

The transposed convolution (``conv_transpose2d``, "deconvolution") is the first rule
above used as a forward pass, col2im(Wᵀ · x); its derivatives follow from adjointness.

The public functions (``F.conv2d``, ``F.max_pool2d`` ...) at the end check their
arguments with torch's messages and call the ops; ``tracegrad.nn.functional`` exports
them.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import _dtype as dtypes
from .._tensor import Tensor, type_name
from ._registry import Arg, ArrayMath, Op, Sample, apply

# ---------------------------------------------------------------------------- geometry


def _output_size(n, k, s, d, before, after) -> int:
    """How many windows of ``k`` taps ``d`` apart, ``s`` apart, fit in ``n`` padded values."""
    return (n + before + after - d * (k - 1) - 1) // s + 1


def _windows(a, kernel, dilation, pads, stride, value=0):
    """A read-only strided view of the windows over the last ``len(kernel)`` dims of ``a``:
    shape ``lead + out_sizes + kernel``. The input is padded (with ``value``) first, the
    only copy made. A negative ``after`` pad drops that many values at the end (the
    transposed convolution's ``output_padding`` leaves values no window reaches)."""
    k = len(kernel)
    if any(after < 0 for _, after in pads):
        ends = [n + min(after, 0) for n, (_, after) in zip(a.shape[-k:], pads, strict=True)]
        a = a[(Ellipsis,) + tuple(slice(0, end) for end in ends)]
        pads = tuple((before, max(after, 0)) for before, after in pads)
    if any(before or after for before, after in pads):
        widths = [(0, 0)] * (a.ndim - k) + list(pads)
        a = np.pad(a, widths, constant_values=value)
    spans = tuple(d * (n - 1) + 1 for n, d in zip(kernel, dilation, strict=True))
    axes = tuple(range(a.ndim - k, a.ndim))
    view = sliding_window_view(a, spans, axis=axes)
    # every stride-th window start, every dilation-th position inside a window
    key = (Ellipsis,) + tuple(slice(None, None, s) for s in stride)
    key += tuple(slice(None, None, d) for d in dilation)
    return view[key]


def _im2col_array(x, kernel, dilation, pads, stride):
    """x (N, C, *spatial) -> cols (N, C·prod(kernel), L): one column per window, its rows
    ordered channel first, then kernel positions (torch's ``F.unfold`` layout). An
    unbatched x (C, *spatial) gives (C·prod(kernel), L)."""
    k = len(kernel)
    if x.ndim == k + 1:
        return _im2col_array(x[None], kernel, dilation, pads, stride)[0]
    view = _windows(x, kernel, dilation, pads, stride)  # (N, C, *out, *kernel)
    n, c = x.shape[:2]
    # (N, C, *kernel, *out): move the kernel axes in front of the window positions
    order = (0, 1) + tuple(range(2 + k, 2 + 2 * k)) + tuple(range(2, 2 + k))
    windows = math.prod(view.shape[2 : 2 + k])
    # explicit sizes, not -1: an empty batch has no size to infer from
    return view.transpose(order).reshape(n, c * math.prod(kernel), windows)


def _col2im_array(cols, spatial, kernel, dilation, pads, stride):
    """The adjoint of ``_im2col_array``: add each column back onto its window.

    ``cols`` (N, C·prod(kernel), L) -> (N, C, *spatial). One strided slice-add per kernel
    position (25 NumPy additions for a 5×5 kernel) instead of one per window. Unbatched
    ``cols`` (C·prod(kernel), L) give (C, *spatial).
    """
    if cols.ndim == 2:
        return _col2im_array(cols[None], spatial, kernel, dilation, pads, stride)[0]
    out_sizes = tuple(
        _output_size(n, kk, s, d, before, after)
        for n, kk, s, d, (before, after) in zip(
            spatial, kernel, stride, dilation, pads, strict=True
        )
    )
    n, rows = cols.shape[:2]
    c = rows // math.prod(kernel)
    blocks = cols.reshape((n, c) + tuple(kernel) + out_sizes)
    padded_shape = tuple(
        m + before + max(after, 0) for m, (before, after) in zip(spatial, pads, strict=True)
    )
    result = np.zeros((n, c) + padded_shape, dtype=cols.dtype)
    for position in itertools.product(*(range(kk) for kk in kernel)):
        target = tuple(
            slice(p * d, p * d + s * (o - 1) + 1, s)
            for p, d, s, o in zip(position, dilation, stride, out_sizes, strict=True)
        )
        result[(slice(None), slice(None)) + target] += blocks[(slice(None), slice(None)) + position]
    crop = tuple(slice(before, before + m) for m, (before, _) in zip(spatial, pads, strict=True))
    return np.ascontiguousarray(result[(slice(None), slice(None)) + crop])


def _im2col(m, x, kernel, dilation, pads, stride):
    """im2col in the rule vocabulary: recorded (an IM2COL node) when ``m`` records."""
    if m.records_graph():
        return apply(IM2COL, (x,), (kernel, dilation, pads, stride))
    return _im2col_array(x, kernel, dilation, pads, stride)


def _col2im(m, cols, spatial, kernel, dilation, pads, stride):
    """col2im in the rule vocabulary: recorded (a COL2IM node) when ``m`` records."""
    if m.records_graph():
        return apply(COL2IM, (cols,), (tuple(spatial), kernel, dilation, pads, stride))
    return _col2im_array(cols, tuple(spatial), kernel, dilation, pads, stride)


def _functional(module):
    """``torch.nn.functional`` of the module a sample runs on (tracegrad or torch)."""
    return module.nn.functional


# ---------------------------------------------------------------------------- im2col, col2im


def _im2col_vjp(m, g, x, out, kernel, dilation, pads, stride):
    """grad_x = col2im(g): every column added back onto its window."""
    return _col2im(m, g, x.shape[-len(kernel) :], kernel, dilation, pads, stride)


def _col2im_vjp(m, g, cols, out, spatial, kernel, dilation, pads, stride):
    """grad_cols = im2col(g): each column reads the gradient of its window."""
    return _im2col(m, g, kernel, dilation, pads, stride)


IM2COL = Op(
    "im2col",
    "Im2ColBackward0",
    forward=lambda xp, x, kernel, dilation, pads, stride: _im2col_array(
        x, kernel, dilation, pads, stride
    ),
    vjp=(_im2col_vjp,),
    jvp="linear",
    samples=[
        Sample((Arg((2, 3, 5, 4)),), call=lambda torch, x: _functional(torch).unfold(x, 2)),
        Sample(
            (Arg((1, 2, 6, 7)),),
            call=lambda torch, x: _functional(torch).unfold(
                x, (2, 3), dilation=(2, 1), padding=1, stride=(2, 3)
            ),
            note="dilation padding stride",
        ),
    ],
)

COL2IM = Op(
    "col2im",
    "Col2ImBackward0",
    forward=lambda xp, cols, spatial, kernel, dilation, pads, stride: _col2im_array(
        cols, spatial, kernel, dilation, pads, stride
    ),
    vjp=(_col2im_vjp,),
    jvp="linear",
    samples=[
        Sample((Arg((2, 12, 12)),), call=lambda torch, c: _functional(torch).fold(c, (5, 4), 2)),
        Sample(
            (Arg((1, 12, 9)),),
            call=lambda torch, c: _functional(torch).fold(
                c, (6, 7), (2, 3), dilation=(2, 1), padding=1, stride=(2, 3)
            ),
            note="dilation padding stride",
        ),
    ],
)


# ---------------------------------------------------------------------------- convolution
#
# y[n, o] = Σ_c Σ_taps W[o, c, tap] · x_padded[n, c, window(tap)] + b[o]; with ``groups``
# = G the channels split into G independent blocks (block g of the output sees only block
# g of the input), so the products below carry a group axis.


def _conv_shapes(x, w, groups):
    """(N, G, C_out/G, C_in/G·prod(kernel)): the sizes every conv rule splits by."""
    out_channels = w.shape[0]
    return x.shape[0], groups, out_channels // groups, math.prod(w.shape[1:])


def _conv_forward(xp, x, w, b, stride, pads, dilation, groups):
    n, g, og, ck = _conv_shapes(x, w, groups)
    kernel = w.shape[2:]
    cols = _im2col_array(x, kernel, dilation, pads, stride)
    cols = cols.reshape(n, g, ck, cols.shape[-1])
    out = np.matmul(w.reshape(g, og, ck), cols)  # (N, G, C_out/G, L)
    out_sizes = tuple(
        _output_size(m, k, s, d, before, after)
        for m, k, s, d, (before, after) in zip(
            x.shape[2:], kernel, stride, dilation, pads, strict=True
        )
    )
    out = out.reshape((n, w.shape[0]) + out_sizes)
    if b is not None:
        out += b.reshape((-1,) + (1,) * len(kernel))
    return out


def _transposed(m, g, w, spatial, stride, pads, dilation, groups):
    """col2im(Wᵀ · g): the adjoint of the convolution with W, onto planes of ``spatial``
    size. ``g`` is (N, C_out, *out) for a weight (C_out, C_in/G, *kernel)."""
    n, grp, og, ck = _conv_shapes(g, w, groups)
    windows = math.prod(g.shape[2:])
    grads = m.reshape(g, (n, grp, og, windows))  # (N, G, C_out/G, L)
    weight = m.reshape(w, (grp, og, ck))
    cols = m.matmul(m.swapaxes(weight, -1, -2), grads)  # (N, G, C_in/G·K, L)
    cols = m.reshape(cols, (n, grp * ck, windows))
    return _col2im(m, cols, spatial, tuple(w.shape[2:]), dilation, pads, stride)


def _conv_vjp_x(m, g, x, w, b, out, stride, pads, dilation, groups):
    """grad_x = col2im(Wᵀ · g): the gradient convolved back (a transposed convolution)."""
    return _transposed(m, g, w, x.shape[2:], stride, pads, dilation, groups)


def _conv_vjp_w(m, g, x, w, b, out, stride, pads, dilation, groups):
    """grad_W = Σ_n g · im2col(x)ᵀ: each tap's input values weighted by the gradient."""
    n, grp, og, ck = _conv_shapes(x, w, groups)
    cols = _im2col(m, x, tuple(w.shape[2:]), dilation, pads, stride)
    windows = math.prod(g.shape[2:])
    cols = m.reshape(cols, (n, grp, ck, windows))
    grads = m.reshape(g, (n, grp, og, windows))
    per_sample = m.matmul(grads, m.swapaxes(cols, -1, -2))  # (N, G, C_out/G, C_in/G·K)
    return m.reshape(m.sum(per_sample, 0), tuple(w.shape))


def _conv_vjp_b(m, g, x, w, b, out, *params):
    """grad_b = Σ g over the batch and all positions, per output channel."""
    return m.sum(g, (0,) + tuple(range(2, g.ndim)))


def _conv(m, x, w, b, params):
    """The convolution itself in the rule vocabulary (the JVP is made of it)."""
    if m.records_graph():
        return apply(CONVOLUTION, (x, w, b), params)
    return _conv_forward(np, x, w, b, *params)


def _conv_jvp(m, tangents, x, w, b, out, *params):
    # bilinear in (x, w), plus b: d(conv) = conv(dx, W) + conv(x, dW) + db
    dx, dw, db = tangents
    result = None
    if dx is not None:
        result = _conv(m, dx, w, None, params)
    if dw is not None:
        term = _conv(m, x, dw, None, params)
        result = term if result is None else result + term
    if db is not None:
        term = m.expand(m.reshape(db, (-1,) + (1,) * (out.ndim - 2)), tuple(out.shape))
        result = term if result is None else result + term
    return result if result is not None else m.zeros_like(out)


def _conv_sample(x, w, b=None, note="", function="conv", **kwargs):
    """A sample calling ``F.<function><dims>d`` (conv2d, conv_transpose1d ...)."""
    args = (Arg(x), Arg(w)) + ((Arg(b),) if b else ())
    name = f"{function}{len(x) - 2}d"
    return Sample(
        args,
        kwargs,
        call=lambda torch, *t, **k: getattr(_functional(torch), name)(*t, **k),
        note=note,
    )


CONVOLUTION = Op(
    "convolution",
    "ConvolutionBackward0",
    forward=_conv_forward,
    vjp=(_conv_vjp_x, _conv_vjp_w, _conv_vjp_b),
    jvp=_conv_jvp,
    samples=[
        _conv_sample((2, 3, 6, 5), (4, 3, 3, 2), (4,), note="2-d bias"),
        _conv_sample(
            (1, 4, 7, 6), (6, 2, 3, 3), note="stride padding groups", stride=2, padding=1, groups=2
        ),
        _conv_sample(
            (2, 2, 7, 7), (3, 2, 2, 3), (3,), note="dilation tuple", dilation=(2, 1), padding=(1, 2)
        ),
        _conv_sample((1, 2, 5, 6), (2, 2, 2, 3), note="same even kernel", padding="same"),
        _conv_sample((2, 3, 9), (4, 3, 3), (4,), note="1-d", stride=2, padding=2, dilation=2),
        _conv_sample((1, 2, 4, 3, 4), (2, 1, 2, 2, 2), note="3-d groups", groups=2, padding=1),
    ],
)


# ---------------------------------------------------------------------------- transposed conv
#
# conv_transpose(x, W) is the adjoint of conv(·, W): what conv's input gradient computes
# (col2im(Wᵀ · x)), now used forward, e.g. to upsample. Its derivatives come from that
# adjointness, <T(x, W), g> = <x, conv(g, W)>:
#     ∂f/∂x = conv(g, W),   ∂f/∂W = conv's weight gradient with g as its input and x as
#     its output gradient,   ∂f/∂b = Σ g over all dims but the channel dim.
# ``out_spatial`` is the output's size, which output_padding makes ambiguous otherwise.


def _conv_transpose_forward(xp, x, w, b, stride, pads, dilation, groups, out_spatial):
    out = _transposed(ArrayMath, x, w, out_spatial, stride, pads, dilation, groups)
    if b is not None:
        out += b.reshape((-1,) + (1,) * len(out_spatial))
    return out


def _conv_transpose_vjp_x(m, g, x, w, b, out, stride, pads, dilation, groups, out_spatial):
    """grad_x = conv(g, W): the adjoint of the adjoint is the convolution."""
    return _conv(m, g, w, None, (stride, pads, dilation, groups))


def _conv_transpose_vjp_w(m, g, x, w, b, out, stride, pads, dilation, groups, out_spatial):
    """grad_W = Σ_n x · im2col(g)ᵀ: conv's weight gradient with the roles of x and g swapped."""
    return _conv_vjp_w(m, x, g, w, None, None, stride, pads, dilation, groups)


def _conv_transpose_jvp(m, tangents, x, w, b, out, *params):
    # bilinear in (x, w), plus b, as the convolution
    dx, dw, db = tangents
    result = None
    if dx is not None:
        result = _conv_transpose(m, dx, w, params)
    if dw is not None:
        term = _conv_transpose(m, x, dw, params)
        result = term if result is None else result + term
    if db is not None:
        term = m.expand(m.reshape(db, (-1,) + (1,) * (out.ndim - 2)), tuple(out.shape))
        result = term if result is None else result + term
    return result if result is not None else m.zeros_like(out)


def _conv_transpose(m, x, w, params):
    if m.records_graph():
        return apply(CONV_TRANSPOSE, (x, w, None), params)
    return _conv_transpose_forward(np, x, w, None, *params)


def _conv_transpose_sample(x, w, b=None, note="", **kwargs):
    return _conv_sample(x, w, b, note, function="conv_transpose", **kwargs)


CONV_TRANSPOSE = Op(
    "conv_transpose",
    "ConvolutionBackward0",
    forward=_conv_transpose_forward,
    vjp=(_conv_transpose_vjp_x, _conv_transpose_vjp_w, _conv_vjp_b),
    jvp=_conv_transpose_jvp,
    samples=[
        _conv_transpose_sample((2, 3, 4, 3), (3, 2, 3, 2), (2,), note="2-d bias"),
        _conv_transpose_sample(
            (1, 4, 3, 4),
            (4, 2, 3, 3),
            note="stride padding output_padding groups",
            stride=2,
            padding=1,
            output_padding=1,
            groups=2,
        ),
        _conv_transpose_sample(
            (2, 2, 3, 3), (2, 3, 2, 3), (3,), note="dilation", dilation=(2, 1), padding=(1, 0)
        ),
        _conv_transpose_sample((2, 3, 5), (3, 2, 3), (2,), note="1-d", stride=3, padding=1),
        _conv_transpose_sample(
            (1, 2, 3, 4),
            (2, 3, 3, 2),
            (3,),
            note="output_padding past the last window",
            dilation=2,
            padding=(2, 0),
            output_padding=1,
        ),
    ],
)


# ---------------------------------------------------------------------------- pooling
#
# Pooling ops take an input (..., H, W): every leading dim is a batch or channel dim.
# Max pooling returns (values, indices), the index of each window's maximum in the
# flattened (H·W) plane, as torch does; the gradient goes to that element alone.


def _pool_output_size(n, k, s, d, p, ceil_mode) -> int:
    """torch's pooling output length: with ``ceil_mode`` a last partial window is kept if
    it starts inside the input or the left padding."""
    span = n + 2 * p - d * (k - 1) - 1
    size = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (size - 1) * s >= n + p:
        size -= 1
    return size


def _pool_pads(spatial, kernel, stride, padding, dilation, ceil_mode):
    """Output sizes, and the (before, after) pads that make exactly those windows fit."""
    sizes, pads = [], []
    for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation, strict=True):
        size = _pool_output_size(n, k, s, d, p, ceil_mode)
        needed = (size - 1) * s + d * (k - 1) + 1  # padded length the windows cover
        sizes.append(size)
        pads.append((p, max(needed - n - p, 0)))
    return tuple(sizes), tuple(pads)


def _lowest(dtype):
    """The padding value that never wins a max: -inf, or the smallest integer."""
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _max_pool_forward(xp, x, kernel, stride, padding, dilation, ceil_mode):
    k = len(kernel)
    spatial = x.shape[-k:]
    sizes, pads = _pool_pads(spatial, kernel, stride, padding, dilation, ceil_mode)
    view = _windows(x, kernel, dilation, pads, stride, _lowest(x.dtype))
    flat = view.reshape(view.shape[:-k] + (math.prod(kernel),))  # (..., *out, taps)
    pick = np.argmax(flat, axis=-1)
    if x.dtype.kind == "f":
        # torch's scan takes a NaN whenever it meets one: the last NaN of a window wins
        nan = np.isnan(flat)
        if nan.any():
            taps = flat.shape[-1]
            last_nan = taps - 1 - np.argmax(nan[..., ::-1], axis=-1)
            pick = np.where(nan.any(axis=-1), last_nan, pick)
    values = np.take_along_axis(flat, pick[..., None], axis=-1)[..., 0]
    # the picked tap's coordinates in the (unpadded) input, flattened over the plane
    taps = np.unravel_index(pick, kernel)
    index = np.zeros(pick.shape, dtype=np.int64)
    for axis in range(k):
        starts = np.arange(sizes[axis]) * stride[axis] - pads[axis][0]
        starts = starts.reshape((-1,) + (1,) * (k - 1 - axis))
        index = index * spatial[axis] + starts + taps[axis] * dilation[axis]
    return values, index


def _scatter_to_picked(m, g, x, out, *params):
    """grad_x = g scattered to each window's maximum (shared maxima add up).

    The picks are ``out[1]``, indices into the flattened plane.
    """
    k = len(params[0])  # the spatial dims: as many as the kernel (or output size) has
    lead = tuple(x.shape[:-k])
    plane = math.prod(x.shape[-k:])
    windows = math.prod(out[1].shape[-k:])
    grads = m.reshape(g[0], lead + (windows,))
    index = m.reshape(out[1], lead + (windows,))
    flat = m.scatter_add(m.zeros(lead + (plane,), grads), len(lead), index, grads)
    return m.reshape(flat, tuple(x.shape))


def _gather_picked(m, tangents, x, out, *params):
    """d(out) = the tangent at each window's maximum."""
    k = len(params[0])  # the spatial dims: as many as the kernel (or output size) has
    lead = tuple(x.shape[:-k])
    index = m.reshape(out[1], lead + (math.prod(out[1].shape[-k:]),))
    plane = math.prod(x.shape[-k:])
    picked = m.gather(m.reshape(tangents[0], lead + (plane,)), len(lead), index)
    return m.reshape(picked, tuple(out[0].shape)), None


MAX_POOL2D = Op(
    "max_pool2d",
    "MaxPool2DWithIndicesBackward0",
    forward=_max_pool_forward,
    vjp=(_scatter_to_picked,),
    jvp=_gather_picked,
    n_outputs=2,
    samples=[
        Sample(
            (Arg((2, 3, 6, 5)),),
            call=lambda torch, x: _functional(torch).max_pool2d(x, 2, return_indices=True),
        ),
        Sample(
            (Arg((1, 2, 7, 7)),),
            call=lambda torch, x: _functional(torch).max_pool2d(
                x, 3, stride=2, padding=1, ceil_mode=True
            ),
            note="overlapping padding ceil_mode",
        ),
        Sample(
            (Arg((2, 7, 8)),),
            call=lambda torch, x: _functional(torch).max_pool2d(
                x, (2, 3), stride=(1, 2), dilation=(2, 1)
            ),
            note="unbatched dilation",
        ),
    ],
)


def _avg_divisors(spatial, kernel, stride, padding, sizes, ceil_mode, count_include_pad, override):
    """What each window's sum is divided by, as an array of the output's spatial shape.

    ``divisor_override`` if given; else the window's size clipped to the padded input
    (``count_include_pad``) or to the input itself. A window is a box, so its size is
    the product of one count per dim.
    """
    if override:
        return np.full(sizes, float(override))
    counts = []
    for n, k, s, p, size in zip(spatial, kernel, stride, padding, sizes, strict=True):
        start = np.arange(size) * s - p
        end = np.minimum(start + k, n + p)
        if count_include_pad:
            counts.append(end - start)
        else:
            counts.append(np.minimum(end, n) - np.maximum(start, 0))
    total = counts[0].astype(np.float64)
    for count in counts[1:]:
        total = np.multiply.outer(total, count)
    return total


def _avg_geometry(x_shape, kernel, stride, padding, ceil_mode, count_include_pad, override):
    k = len(kernel)
    spatial = tuple(x_shape[-k:])
    dilation = (1,) * k
    sizes, pads = _pool_pads(spatial, kernel, stride, padding, dilation, ceil_mode)
    divisors = _avg_divisors(
        spatial, kernel, stride, padding, sizes, ceil_mode, count_include_pad, override
    )
    return spatial, dilation, sizes, pads, divisors


def _avg_pool_forward(xp, x, kernel, stride, padding, ceil_mode, count_include_pad, override):
    spatial, dilation, sizes, pads, divisors = _avg_geometry(
        x.shape, kernel, stride, padding, ceil_mode, count_include_pad, override
    )
    k = len(kernel)
    view = _windows(x, kernel, dilation, pads, stride)
    sums = view.sum(axis=tuple(range(-k, 0)))
    if x.dtype.kind != "f":
        # integers: torch divides and truncates toward zero
        return (np.sign(sums) * (np.abs(sums) // divisors.astype(np.int64))).astype(x.dtype)
    return (sums / divisors.astype(x.dtype)).astype(x.dtype, copy=False)


def _avg_pool_vjp(m, g, x, out, kernel, stride, padding, ceil_mode, count_include_pad, override):
    """grad_x = col2im(g / divisor): each window's share spread evenly back over it."""
    spatial, dilation, sizes, pads, divisors = _avg_geometry(
        x.shape, kernel, stride, padding, ceil_mode, count_include_pad, override
    )
    k = len(kernel)
    planes = math.prod(x.shape[:-k])
    taps = math.prod(kernel)
    windows = math.prod(g.shape[-k:])
    share = m.reshape(g * m.constant(1 / divisors, g), (1, planes, 1, windows))
    cols = m.reshape(m.expand(share, (1, planes, taps, windows)), (1, planes * taps, windows))
    plane_grads = _col2im(m, cols, spatial, kernel, dilation, pads, stride)
    return m.reshape(plane_grads, tuple(x.shape))


AVG_POOL2D = Op(
    "avg_pool2d",
    "AvgPool2DBackward0",
    forward=_avg_pool_forward,
    vjp=(_avg_pool_vjp,),
    jvp="linear",
    samples=[
        Sample((Arg((2, 3, 6, 5)),), call=lambda torch, x: _functional(torch).avg_pool2d(x, 2)),
        Sample(
            (Arg((1, 2, 7, 7)),),
            call=lambda torch, x: _functional(torch).avg_pool2d(
                x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False
            ),
            note="padding ceil_mode exclude pad",
        ),
        Sample(
            (Arg((2, 5, 6)),),
            call=lambda torch, x: _functional(torch).avg_pool2d(
                x, (2, 3), stride=(1, 2), padding=(1, 1), ceil_mode=True
            ),
            note="unbatched include pad ceil_mode",
        ),
        Sample(
            (Arg((1, 1, 4, 4)),),
            call=lambda torch, x: _functional(torch).avg_pool2d(x, 3, 1, 1, divisor_override=2),
            note="divisor_override",
        ),
    ],
)


def _adaptive_bounds(n, size):
    """torch's adaptive windows: window i covers [floor(i·n/size), ceil((i+1)·n/size))."""
    starts = [(i * n) // size for i in range(size)]
    ends = [-((-(i + 1) * n) // size) for i in range(size)]
    return starts, ends


def _averaging_matrix(n, size, dtype):
    """(size, n): row i averages input positions start_i .. end_i - 1."""
    matrix = np.zeros((size, n), dtype=np.float64)
    for i, (start, end) in enumerate(zip(*_adaptive_bounds(n, size), strict=True)):
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix.astype(dtype)


def _adaptive_avg_forward(xp, x, output_size):
    # a window is a box, so its mean is a mean over rows of means over columns: A x Bᵀ
    rows = _averaging_matrix(x.shape[-2], output_size[0], x.dtype)
    columns = _averaging_matrix(x.shape[-1], output_size[1], x.dtype)
    return np.matmul(np.matmul(rows, x), columns.T)


def _adaptive_avg_vjp(m, g, x, out, output_size):
    """grad_x = Aᵀ g B, with A and B the row and column averaging matrices."""
    rows = m.constant(_averaging_matrix(x.shape[-2], output_size[0], np.float64), g)
    columns = m.constant(_averaging_matrix(x.shape[-1], output_size[1], np.float64), g)
    return m.matmul(m.matmul(m.swapaxes(rows, 0, 1), g), columns)


ADAPTIVE_AVG_POOL2D = Op(
    "adaptive_avg_pool2d",
    "AdaptiveAvgPool2DBackward0",
    forward=_adaptive_avg_forward,
    vjp=(_adaptive_avg_vjp,),
    jvp="linear",
    samples=[
        Sample(
            (Arg((2, 3, 7, 5)),),
            call=lambda torch, x: _functional(torch).adaptive_avg_pool2d(x, (3, 2)),
            note="overlapping windows",
        ),
        Sample(
            (Arg((2, 4, 6)),),
            call=lambda torch, x: _functional(torch).adaptive_avg_pool2d(x, (None, 4)),
            note="unbatched None",
        ),
    ],
)


def _adaptive_max_forward(xp, x, output_size):
    h, w = x.shape[-2:]
    row_starts, row_ends = _adaptive_bounds(h, output_size[0])
    col_starts, col_ends = _adaptive_bounds(w, output_size[1])
    values = np.empty(x.shape[:-2] + tuple(output_size), dtype=x.dtype)
    index = np.empty(values.shape, dtype=np.int64)
    for i, (r0, r1) in enumerate(zip(row_starts, row_ends, strict=True)):
        for j, (c0, c1) in enumerate(zip(col_starts, col_ends, strict=True)):
            block = x[..., r0:r1, c0:c1].reshape(x.shape[:-2] + ((r1 - r0) * (c1 - c0),))
            pick = np.argmax(block, axis=-1)
            if x.dtype.kind == "f":
                nan = np.isnan(block)
                if nan.any():  # as max_pool2d: the last NaN wins
                    last_nan = block.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
                    pick = np.where(nan.any(axis=-1), last_nan, pick)
            values[..., i, j] = np.take_along_axis(block, pick[..., None], axis=-1)[..., 0]
            index[..., i, j] = (r0 + pick // (c1 - c0)) * w + c0 + pick % (c1 - c0)
    return values, index


ADAPTIVE_MAX_POOL2D = Op(
    "adaptive_max_pool2d",
    "AdaptiveMaxPool2DBackward0",
    forward=_adaptive_max_forward,
    vjp=(_scatter_to_picked,),
    jvp=_gather_picked,
    n_outputs=2,
    samples=[
        Sample(
            (Arg((2, 3, 7, 5)),),
            call=lambda torch, x: _functional(torch).adaptive_max_pool2d(x, (3, 2), True),
            note="overlapping windows",
        ),
        Sample(
            (Arg((2, 5, 6)),),
            call=lambda torch, x: _functional(torch).adaptive_max_pool2d(x, 2),
            note="unbatched",
        ),
    ],
)


# ---------------------------------------------------------------------------- public API
#
# Argument checks with torch's exception types and messages, then one op call. Unbatched
# inputs (no N dim) run as a batch of one, as torch does (its node is then a squeeze).

_SCALAR_NAMES = dtypes.TYPE_WORDS  # "Float", "Long" ... as torch names scalar types
_C_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int"}
_C_NAMES["bfloat16"] = "c10::BFloat16"


def _dtype_name(t) -> str:
    return str(t.dtype).replace("torch.", "")


def _expect_tensor(function, value, argument, position) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{function}(): argument '{argument}' (position {position}) must be Tensor, not "
            f"{type_name(value)}"
        )


def _ints(value, n) -> tuple:
    """An int repeated ``n`` times, or the ints of a sequence as they are."""
    if isinstance(value, int | np.integer):
        return (int(value),) * n
    return tuple(int(v) for v in value)


def _sizes(shape) -> str:
    return " x ".join(str(n) for n in shape)


def _conv_padding(padding, kernel, dilation, stride):
    """(before, after) per spatial dim for an int, a tuple or 'valid'/'same'."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * len(kernel)
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        # the output keeps the input's size; an odd total puts the extra zero after
        totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
        if any(t % 2 for t in totals):
            warnings.warn(
                "Using padding='same' with even kernel lengths and odd dilation may require a "
                "zero-padded copy of the input be created",
                stacklevel=4,
            )
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in padding)


def _check_dtypes(input, weight, bias, onednn=False) -> None:
    """torch's messages for an input, weight and bias of different dtypes: the bias is
    checked first; a float32 input with a float64 weight gets the message of torch's
    oneDNN path (``onednn``: which conv2d takes on the CPU)."""
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(
            f"Input type ({_C_NAMES.get(_dtype_name(input))}) and bias type "
            f"({_C_NAMES.get(_dtype_name(bias))}) should be the same"
        )
    if input.dtype is weight.dtype:
        return
    if onednn and _dtype_name(input) == "float32" and _dtype_name(weight) == "float64":
        raise RuntimeError(
            f"Input type ({input.type()}) and weight type ({weight.type()}) "
            "should be the same or input should be a MKLDNN tensor and weight is a dense "
            "tensor"
        )
    raise RuntimeError(
        f"expected scalar type {_SCALAR_NAMES.get(_dtype_name(input))} but found "
        f"{_SCALAR_NAMES.get(_dtype_name(weight))}"
    )


def _is_ints(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | np.integer):
        return True
    return isinstance(value, tuple | list) and all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) for v in value
    )


_CONV_SIGNATURES = (
    " * (Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, tuple of "
    "ints padding = 0, tuple of ints dilation = 1, int groups = 1)\n"
    " * (Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, str "
    'padding = "valid", tuple of ints dilation = 1, int groups = 1)\n'
)


def _check_conv_types(name, input, weight, bias, stride, padding, dilation, groups) -> None:
    """torch's TypeError for arguments of the wrong type: it lists the call's argument
    types (the optional ones that differ from their defaults as keywords) and the
    signatures."""
    fine = (
        isinstance(input, Tensor)
        and isinstance(weight, Tensor)
        and (bias is None or isinstance(bias, Tensor))
        and _is_ints(stride)
        and _is_ints(dilation)
        and (isinstance(padding, str) or _is_ints(padding))
        and isinstance(groups, int | np.integer)
    )
    if fine:
        return

    def kind(value):
        return "Tensor" if isinstance(value, Tensor) else type(value).__name__

    got = [kind(input), kind(weight)]
    optional = (("bias", bias, None), ("stride", stride, 1), ("padding", padding, 0))
    optional += (("dilation", dilation, 1), ("groups", groups, 1))
    got += [f"{label}={kind(value)}" for label, value, default in optional if value != default]
    raise TypeError(
        f"{name}() received an invalid combination of arguments - got ({', '.join(got)}), "
        f"but expected one of:\n{_CONV_SIGNATURES}"
    )


def _conv_nd(name, dims, input, weight, bias, stride, padding, dilation, groups):
    """conv1d/conv2d/conv3d: torch's checks, then the CONVOLUTION op."""
    _check_conv_types(name, input, weight, bias, stride, padding, dilation, groups)
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(
            f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but "
            f"got input of size: {list(input.shape)}"
        )
    unbatched = input.dim() == dims + 1
    if unbatched:
        input = input.unsqueeze(0)
    k = weight.dim() - 2
    # torch reads the spatial dims from the weight; a single value is repeated to match
    params = {"stride": _ints(stride, dims), "dilation": _ints(dilation, dims)}
    if not isinstance(padding, str):
        params["padding"] = _ints(padding, dims)
    for label in ("stride", "padding", "dilation"):
        value = params.get(label)
        if value is None:
            continue
        if len(value) == 1 and k > 1:
            value = params[label] = value * k
        if len(value) != k:
            raise RuntimeError(
                f"expected {label} to be a single integer value or a list of {k} values to "
                f"match the convolution dimensions, but got {label}={list(value)}"
            )
    if input.dim() != weight.dim():
        raise RuntimeError(
            f"Expected {weight.dim()}-dimensional input for {weight.dim()}-dimensional weight "
            f"{list(weight.shape)}, but got {input.dim()}-dimensional input of size "
            f"{list(input.shape)} instead"
        )
    stride, dilation = params["stride"], params["dilation"]
    if any(p < 0 for p in params.get("padding", ())):
        raise RuntimeError("negative padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    out_channels = weight.shape[0]
    if out_channels < groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, "
            f"but got weight of size {list(weight.shape)} instead"
        )
    if out_channels % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
            f"0, but got weight of size [{list(weight.shape)}] instead"
        )
    if input.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{list(input.shape)} to have {weight.shape[1] * groups} channels, but got "
            f"{input.shape[1]} channels instead"
        )
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(
            f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional "
            f"with {out_channels} elements, but got bias of size {list(bias.shape)} instead"
        )
    kernel = tuple(weight.shape[2:])
    pads = _conv_padding(params.get("padding", padding), kernel, dilation, stride)
    padded = [n + a + b for n, (a, b) in zip(input.shape[2:], pads, strict=True)]
    spans = [d * (n - 1) + 1 for n, d in zip(kernel, dilation, strict=True)]
    if any(s > p for s, p in zip(spans, padded, strict=True)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({_sizes(padded)}). Kernel size: "
            f"({_sizes(spans)}). Kernel size can't be greater than actual input size"
        )
    # (torch's choice of its oneDNN path also depends on sizes; this is its usual choice)
    _check_dtypes(input, weight, bias, onednn=dims == 2)
    out = apply(CONVOLUTION, (input, weight, bias), (stride, pads, dilation, groups))
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""1-d convolution (a cross-correlation, as in every deep-learning library) of an
    input (N, C_in, L) — or (C_in, L) — with a weight (C_out, C_in/groups, k).

    ``out[n, o, i] = b[o] + Σ_c Σ_j W[o, c, j] · x_padded[n, c, i·stride + j·dilation]``

    Args:
        stride, dilation: an int or a 1-tuple. padding: an int, a 1-tuple, ``'valid'``
            (no padding) or ``'same'`` (output as long as the input; stride 1 only).
        groups: split the channels into this many independent blocks.
    """
    return _conv_nd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    r"""2-d convolution of an input (N, C_in, H, W) — or (C_in, H, W) — with a weight
    (C_out, C_in/groups, kH, kW), plus an optional bias (C_out,).

    Each output pixel is the weighted sum of the kH×kW window under it, over all input
    channels of its group; the output has
    ``floor((H + 2·padding − dilation·(kH − 1) − 1)/stride) + 1`` rows (columns alike).
    Computed as one matrix product with the unfolded input (see the module docstring).

    Args:
        stride, padding, dilation: an int or a pair (rows, columns); ``padding`` may also
            be ``'valid'`` (none) or ``'same'`` (keep the size; stride 1 only).
        groups: split the channels into this many independent blocks (``groups=C_in``
            gives a depthwise convolution).

    Example::

        >>> import tracegrad as torch
        >>> x = torch.ones(1, 1, 3, 3)
        >>> torch.nn.functional.conv2d(x, torch.ones(1, 1, 2, 2), padding=1)[0, 0]
        tensor([[1., 2., 2., 1.],
                [2., 4., 4., 2.],
                [2., 4., 4., 2.],
                [1., 2., 2., 1.]])
    """
    return _conv_nd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-d convolution of an input (N, C_in, D, H, W) with a weight (C_out, C_in/groups,
    kD, kH, kW); the arguments as for ``conv2d`` with triples."""
    return _conv_nd("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose_nd(
    name, dims, input, weight, bias, stride, padding, output_padding, groups, dilation
):
    """conv_transpose1d/2d/3d: torch's checks, then the CONV_TRANSPOSE op."""
    _expect_tensor(name, input, "input", 1)
    _expect_tensor(name, weight, "weight", 2)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(
            f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but "
            f"got input of size: {list(input.shape)}"
        )
    unbatched = input.dim() == dims + 1
    if unbatched:
        input = input.unsqueeze(0)
    k = weight.dim() - 2
    params = {
        label: _ints(value, dims)
        for label, value in (
            ("stride", stride),
            ("padding", padding),
            ("dilation", dilation),
            ("output_padding", output_padding),
        )
    }
    for label, value in params.items():
        if len(value) == 1 and k > 1:
            value = params[label] = value * k
        if len(value) != k:
            raise RuntimeError(
                f"expected {label} to be a single integer value or a list of {k} values to "
                f"match the convolution dimensions, but got {label}={list(value)}"
            )
    if input.dim() != weight.dim():
        raise RuntimeError(
            f"Expected {weight.dim()}-dimensional input for {weight.dim()}-dimensional weight "
            f"{list(weight.shape)}, but got {input.dim()}-dimensional input of size "
            f"{list(input.shape)} instead"
        )
    stride, padding = params["stride"], params["padding"]
    dilation, output_padding = params["dilation"], params["output_padding"]
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    in_channels = weight.shape[0]
    if in_channels % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
            f"0, but got weight of size [{list(weight.shape)}] instead"
        )
    if input.shape[1] != in_channels:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected "
            f"input{list(input.shape)} to have {in_channels} channels, but got "
            f"{input.shape[1]} channels instead"
        )
    out_channels = weight.shape[1] * groups
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected bias to be "
            f"1-dimensional with {out_channels} elements, but got bias of size "
            f"{list(bias.shape)} instead"
        )
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation, strict=True)):
        axes = ("height", "width") if k == 2 else tuple(f"{i}" for i in range(k))
        shown = " ".join(
            [f"output_padding_{a}: {v}" for a, v in zip(axes, output_padding, strict=True)]
            + [f"stride_{a}: {v}" for a, v in zip(axes, stride, strict=True)]
            + [f"dilation_{a}: {v}" for a, v in zip(axes, dilation, strict=True)]
        )
        raise RuntimeError(
            f"output padding must be smaller than either stride or dilation, but got {shown}"
        )
    spatial = tuple(input.shape[2:])
    kernel = tuple(weight.shape[2:])
    out_spatial = tuple(
        (n - 1) * s - 2 * p + d * (kk - 1) + op + 1
        for n, s, p, d, kk, op in zip(
            spatial, stride, padding, dilation, kernel, output_padding, strict=True
        )
    )
    if any(n < 1 for n in out_spatial):
        raise RuntimeError(
            f"Given input size per channel: ({_sizes(spatial)}). Calculated output size per "
            f"channel: ({_sizes(out_spatial)}). Output size is too small"
        )
    _check_dtypes(input, weight, bias)
    # output_padding extra values at the end, beyond the last window: a negative pad there
    pads = tuple((p, p - op) for p, op in zip(padding, output_padding, strict=True))
    params = (stride, pads, dilation, groups, out_spatial)
    out = apply(CONV_TRANSPOSE, (input, weight, bias), params)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    r"""1-d transposed convolution of (N, C_in, L) with a weight (C_in, C_out/groups, k):
    the adjoint of ``conv1d`` (its input gradient), which spreads every input value over
    a window of the output. Output length
    ``(L − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1``.
    """
    return _conv_transpose_nd(
        "conv_transpose1d",
        1,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    r"""2-d transposed convolution ("deconvolution") of (N, C_in, H, W) with a weight
    (C_in, C_out/groups, kH, kW): each input pixel adds its value times the kernel onto a
    window of the output, windows ``stride`` apart, so a stride of 2 doubles the size (as
    in the upsampling path of fully convolutional networks). It is the adjoint of
    ``conv2d`` with the same arguments; ``padding`` crops the output, ``output_padding``
    adds rows/columns at the end to pick among the sizes that convolve back to H×W.

    Example::

        >>> import tracegrad as torch
        >>> x = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
        >>> torch.nn.functional.conv_transpose2d(x, torch.ones(1, 1, 2, 2), stride=2)[0, 0]
        tensor([[1., 1., 2., 2.],
                [1., 1., 2., 2.],
                [3., 3., 4., 4.],
                [3., 3., 4., 4.]])
    """
    return _conv_transpose_nd(
        "conv_transpose2d",
        2,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """3-d transposed convolution; the arguments as for ``conv_transpose2d`` with triples."""
    return _conv_transpose_nd(
        "conv_transpose3d",
        3,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


# -- pooling

_POOL_PHRASES = {
    "kernel_size": "kernel_size must either be a single int, or a tuple of two ints",
    "stride": "stride must either be omitted, a single int, or a tuple of two ints",
    "padding": "padding must either be a single int, or a tuple of two ints",
    "dilation": "dilation must be either a single int, or a tuple of two ints",
}


_POOL_POSITIONS = {"kernel_size": 2, "stride": 3, "padding": 4, "dilation": 5}


def _pool_arg(name, label, value, allow_none=False):
    """A pooling size argument as a pair (an int is repeated), with torch's messages."""
    if allow_none and value is None:
        return None
    if not _is_ints(value):
        raise TypeError(
            f"{name}(): argument '{label}' (position {_POOL_POSITIONS[label]}) must be tuple "
            f"of ints, not {type_name(value)}"
        )
    if allow_none and not isinstance(value, int | np.integer) and len(value) == 0:
        return None
    if isinstance(value, int | np.integer):
        return (int(value),) * 2
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * 2
    if len(value) != 2:
        raise RuntimeError(f"{name}: {_POOL_PHRASES[label]}")
    return value


def _check_pool_input(input, kernel, stride, padding, dilation, ceil_mode) -> None:
    """torch's checks of a 2-d pooling input: rank, sizes, padding, non-empty output."""
    if input.dim() not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if any(n == 0 for n in input.shape[-3:]):
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
            f"but got:{list(input.shape)}"
        )
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(
            f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}"
        )
    if any(s < 0 for s in stride):
        raise RuntimeError(
            f"stride should be greater than zero, but got dH: {stride[0]} dW: {stride[1]}"
        )
    if any(d <= 0 for d in dilation):
        raise RuntimeError(
            "dilation should be greater than zero, but got dilationH: "
            f"{dilation[0]} dilationW: {dilation[1]}"
        )
    for p in padding:
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
    for p, k, d in zip(padding, kernel, dilation, strict=True):
        if 2 * p > d * (k - 1) + 1:
            raise RuntimeError(
                "pad should be at most half of effective kernel size, but got "
                f"pad={p}, kernel_size={k} and dilation={d}"
            )
    spatial = input.shape[-2:]
    sizes = [
        _pool_output_size(n, k, s, d, p, ceil_mode)
        for n, k, s, d, p in zip(spatial, kernel, stride, dilation, padding, strict=True)
    ]
    if any(n < 1 for n in sizes):
        planes = input.shape[-3]
        raise RuntimeError(
            f"Given input size: ({planes}x{spatial[0]}x{spatial[1]}). Calculated output size: "
            f"({planes}x{sizes[0]}x{sizes[1]}). Output size is too small"
        )


def _max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode):
    name = "max_pool2d"
    _expect_tensor(name, input, "input", 1)
    kernel = _pool_arg(name, "kernel_size", kernel_size)
    stride = _pool_arg(name, "stride", stride, allow_none=True) or kernel
    padding = _pool_arg(name, "padding", padding)
    dilation = _pool_arg(name, "dilation", dilation)
    _check_pool_input(input, kernel, stride, padding, dilation, ceil_mode)
    return apply(MAX_POOL2D, (input,), (kernel, stride, padding, dilation, bool(ceil_mode)))


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    r"""2-d max pooling over an input (N, C, H, W) or (C, H, W): each output is the largest
    value of its ``kernel_size`` window (``stride`` defaults to ``kernel_size``: windows
    side by side). Padding counts as −∞; ``ceil_mode`` keeps a last partial window.

    With ``return_indices`` also the position of each maximum in its flattened H·W plane.
    The gradient flows to that element only; in a tie the first maximum in window order
    wins (and a NaN beats every number), as in torch.

    Example::

        >>> import tracegrad as torch
        >>> x = torch.arange(16.0).reshape(1, 4, 4)
        >>> torch.nn.functional.max_pool2d(x, 2)
        tensor([[[ 5.,  7.],
                 [13., 15.]]])
    """
    values, indices = _max_pool2d_with_indices(
        input, kernel_size, stride, padding, dilation, ceil_mode
    )
    return (values, indices) if return_indices else values


def _as_plane(input, name, message):
    """A 1-d pooling input (N, C, L) or (C, L) as a plane of height 1: (N, C, 1, L)."""
    _expect_tensor(name, input, "input", 1)
    if input.dim() not in (2, 3):
        raise RuntimeError(message.format(shape=list(input.shape), ndim=input.dim()))
    return input.unsqueeze(-2)


def _stride_1d(kernel_size, stride):
    return _ints(kernel_size if stride is None or stride == () else stride, 1)


def _one_int(function, argument, value) -> tuple:
    """A 1-d size argument as a 1-tuple, with torch's message for more than one int."""
    value = _ints(value, 1)
    if len(value) != 1:
        raise RuntimeError(
            f"{function}() argument '{argument}' should contain one int (got {len(value)})"
        )
    return value


def _check_max_pool1d(input, kernel, stride, padding, dilation, ceil_mode) -> None:
    """The checks of torch's own 1-d max pooling (used when no indices are asked for)."""
    if kernel <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {kernel}")
    if stride <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {stride}")
    if padding < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {padding}")
    if 2 * padding > kernel:
        raise RuntimeError(
            "max_pool1d() padding should be at most half of kernel size, but got "
            f"padding={padding} and kernel_size={kernel}"
        )
    if dilation <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {dilation}")
    size = _pool_output_size(input.shape[-1], kernel, stride, dilation, padding, ceil_mode)
    if size < 1:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {size}")


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """1-d max pooling over (N, C, L) or (C, L): ``max_pool2d`` on a plane of height 1."""
    plane = _as_plane(
        input,
        "max_pool1d",
        "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
        "for input, but got:{shape}",
    )
    if any(n == 0 for n in input.shape[-2:]):
        raise RuntimeError(
            "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
            f"for input, but got:{list(input.shape)}"
        )
    kernel, stride = _ints(kernel_size, 1), _stride_1d(kernel_size, stride)
    padding, dilation = _ints(padding, 1), _ints(dilation, 1)
    if len(kernel) != 1:
        raise RuntimeError(
            "max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 "
            f"but got size {len(kernel)}"
        )
    if not return_indices:
        _check_max_pool1d(input, kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
    values, indices = _max_pool2d_with_indices(
        plane, (1,) + kernel, (1,) + stride, (0,) + padding, (1,) + dilation, ceil_mode
    )
    values, indices = values.squeeze(-2), indices.squeeze(-2)
    return (values, indices) if return_indices else values


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    r"""2-d average pooling over (N, C, H, W) or (C, H, W): each output is the mean of its
    window (``stride`` defaults to ``kernel_size``).

    Padding adds zeros. The divisor is the window's size counting the padding
    (``count_include_pad=True``, the default) or only the input elements it covers;
    ``divisor_override`` replaces it with a fixed number.

    Example::

        >>> import tracegrad as torch
        >>> torch.nn.functional.avg_pool2d(torch.arange(16.0).reshape(1, 4, 4), 2)
        tensor([[[ 2.5000,  4.5000],
                 [10.5000, 12.5000]]])
    """
    name = "avg_pool2d"
    _expect_tensor(name, input, "input", 1)
    kernel = _pool_arg(name, "kernel_size", kernel_size)
    stride = _pool_arg(name, "stride", stride, allow_none=True) or kernel
    padding = _pool_arg(name, "padding", padding)
    if input.dim() < 3:
        low = max(input.dim(), 1)
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-low}, {low - 1}], but got -3)"
        )
    _check_pool_input(input, kernel, stride, padding, (1, 1), ceil_mode)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    params = (kernel, stride, padding, bool(ceil_mode), bool(count_include_pad), divisor_override)
    return apply(AVG_POOL2D, (input,), params)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-d average pooling over (N, C, L) or (C, L): ``avg_pool2d`` on a plane of height 1."""
    plane = _as_plane(
        input,
        "avg_pool1d",
        "Expected 2 to 3 dimensions, but got {ndim}-dimensional tensor for argument #1 'self' "
        "(while checking arguments for avg_pool1d)",
    )
    kernel = _one_int("avg_pool1d", "kernel_size", kernel_size)
    stride = _one_int("avg_pool1d", "stride", _stride_1d(kernel_size, stride))
    padding = _one_int("avg_pool1d", "padding", padding)
    out = avg_pool2d(
        plane, (1,) + kernel, (1,) + stride, (0,) + padding, ceil_mode, count_include_pad
    )
    return out.squeeze(-2)


def _adaptive_size(name, input, output_size, separator=""):
    """The output size as a pair; ``None`` keeps the input's size in that dim."""
    if input.dim() not in (3, 4):
        raise RuntimeError(
            f"{name}(): Expected 3D or 4D tensor, but got{separator} {list(input.shape)}"
        )
    if output_size is None or isinstance(output_size, int | np.integer):
        output_size = (output_size, output_size)
    output_size = tuple(output_size)
    if len(output_size) != 2:
        if name == "adaptive_max_pool2d":
            raise RuntimeError(f"{name}(): internal error: output_size.size() must be 2")
        raise RuntimeError(f"{name}: output_size must be 2")
    size = tuple(
        int(n) if s is None else int(s) for s, n in zip(output_size, input.shape[-2:], strict=True)
    )
    if any(n < 0 for n in size):
        if name == "adaptive_max_pool2d":
            raise RuntimeError(
                "Trying to create tensor with negative dimension "
                f"{min(size)}: {list(input.shape[:-2]) + list(size)}"
            )
        raise RuntimeError(
            f"{name}: elements of output_size must be greater than or equal to 0 but received "
            f"{{{size[0]}, {size[1]}}}"
        )
    return size


def adaptive_avg_pool2d(input, output_size):
    r"""Average pooling to a fixed output size (oH, oW), whatever the input's: output row
    i averages input rows ``floor(i·H/oH)`` to ``ceil((i+1)·H/oH) − 1`` (columns alike), so
    neighbouring windows may overlap by one. ``None`` keeps that dim's size.

    ``adaptive_avg_pool2d(x, 1)`` is global average pooling, computed (as in torch) as a
    mean over the last two dims.
    """
    if not isinstance(input, Tensor):  # torch reads input.size() first
        raise AttributeError(f"'{type_name(input)}' object has no attribute 'size'")
    size = _adaptive_size("adaptive_avg_pool2d", input, output_size)
    if not input.dtype.is_floating_point:
        word = _SCALAR_NAMES.get(_dtype_name(input), _dtype_name(input))
        raise NotImplementedError(f"\"adaptive_avg_pool2d\" not implemented for '{word}'")
    if size == (1, 1):
        return input.mean((-1, -2), keepdim=True)
    return apply(ADAPTIVE_AVG_POOL2D, (input,), (size,))


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of (N, C, L) or (C, L) to length ``output_size`` (see the 2-d form)."""
    plane = _as_plane(
        input,
        "adaptive_avg_pool1d",
        "Expected 2 to 3 dimensions, but got {ndim}-dimensional tensor for argument #1 "
        "'self' (while checking arguments for adaptive_avg_pool1d)",
    )
    size = _one_int("adaptive_avg_pool1d", "output_size", output_size)
    return adaptive_avg_pool2d(plane, (1,) + size).squeeze(-2)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed output size, with the windows of ``adaptive_avg_pool2d``;
    ``return_indices`` as for ``max_pool2d``."""
    if not isinstance(input, Tensor):  # torch reads input.size() first
        raise AttributeError(f"'{type_name(input)}' object has no attribute 'size'")
    size = _adaptive_size("adaptive_max_pool2d", input, output_size, separator=":")
    values, indices = apply(ADAPTIVE_MAX_POOL2D, (input,), (size,))
    return (values, indices) if return_indices else values


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling of (N, C, L) or (C, L) to length ``output_size``."""
    plane = _as_plane(
        input,
        "adaptive_max_pool1d",
        "Expected 2 to 3 dimensions, but got {ndim}-dimensional tensor for argument #1 "
        "'self' (while checking arguments for adaptive_max_pool1d)",
    )
    size = _one_int("adaptive_max_pool1d", "output_size", output_size)
    values, indices = adaptive_max_pool2d(plane, (1,) + size, True)
    values, indices = values.squeeze(-2), indices.squeeze(-2)
    return (values, indices) if return_indices else values


# -- unfold, fold


def _block_counts(spatial, kernel, dilation, padding, stride):
    return [
        (n + 2 * p - d * (k - 1) - 1) // s + 1
        for n, k, d, p, s in zip(spatial, kernel, dilation, padding, stride, strict=True)
    ]


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    r"""Extract sliding local blocks (im2col): (N, C, H, W) -> (N, C·kH·kW, L), one column
    per window position, L the number of windows; (C, H, W) -> (C·kH·kW, L).

    ``conv2d(x, W)`` equals ``(W.view(C_out, -1) @ unfold(x, k)).view(N, C_out, oH, oW)``.
    """
    _expect_tensor("im2col", input, "input", 1)  # torch names its kernel
    if input.dim() not in (3, 4):
        low = max(input.dim(), 1)
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-low}, {low - 1}], but got 2)"
        )
    kernel, dilation, padding, stride = (
        _ints(v, 2) for v in (kernel_size, dilation, padding, stride)
    )
    spatial = tuple(input.shape[-2:])
    blocks = _block_counts(spatial, kernel, dilation, padding, stride)
    if any(b < 1 for b in blocks):
        raise RuntimeError(
            f"Given input with spatial size {spatial}, kernel_size={kernel}, "
            f"dilation={dilation}, padding={padding}, calculated shape of the array of "
            f"sliding blocks as {tuple(blocks)}, but its components must be at least one."
        )
    pads = tuple((p, p) for p in padding)
    return apply(IM2COL, (input,), (kernel, dilation, pads, stride))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    r"""Combine sliding local blocks into a tensor (col2im), the adjoint of ``unfold``:
    (N, C·kH·kW, L) -> (N, C, H, W), values of overlapping blocks added up.
    ``fold(unfold(x))`` is ``x`` times how many windows cover each position.
    """
    _expect_tensor("fold", input, "input", 1)
    size = _ints(output_size, 2)
    kernel, dilation, padding, stride = (
        _ints(v, 2) for v in (kernel_size, dilation, padding, stride)
    )
    if input.dim() not in (2, 3):
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and "
            f"non-zero dimensions for input, but got: {list(input.shape)}"
        )
    taps = math.prod(kernel)
    if input.shape[-2] % taps:
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={input.shape[-2]} and kernel_size={kernel}."
        )
    blocks = _block_counts(size, kernel, dilation, padding, stride)
    if input.shape[-1] != math.prod(blocks):
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, "
            f"padding={padding}, stride={stride}, expected size of input's dimension 2 to "
            f"match the calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
            f"{math.prod(blocks)}, but got input.size(2)={input.shape[-1]}."
        )
    pads = tuple((p, p) for p in padding)
    return apply(COL2IM, (input,), (size, kernel, dilation, pads, stride))


# -- channel dropout

_DROPOUT2D_RANK_WARNING = (
    "dropout2d: Received a {ndim}-D input to dropout2d, which is deprecated and will result "
    "in an error in a future release. To retain the behavior and silence this warning, please "
    "use dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs "
    "with 2 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D "
    "or 4D inputs)."
)
_DROPOUT2D_3D_WARNING = (
    "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
    "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel "
    "dim. This behavior will change in a future release to interpret the input as one without "
    "a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout "
    "behavior, please switch to using dropout1d instead."
)


def dropout2d(input, p=0.5, training=True, inplace=False):
    r"""Zero whole channels: each (sample, channel) plane of an (N, C, H, W) input is
    dropped with probability ``p``, the kept ones scaled by 1/(1−p). The mask is drawn as
    torch draws it, ``bernoulli_(1 − p)`` on an (N, C, 1, 1) tensor, so after the same
    ``manual_seed`` the same channels are dropped.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    ndim = input.dim()
    if ndim not in (3, 4):
        warnings.warn(_DROPOUT2D_RANK_WARNING.format(ndim=ndim), stacklevel=2)
    elif ndim == 3:
        warnings.warn(_DROPOUT2D_3D_WARNING, stacklevel=2)
    if p == 0 or not training or input.numel() == 0:
        return input
    data = input._data
    shape = data.shape[:2] + (1,) * (data.ndim - 2)  # one draw per (sample, channel)
    if p == 1:
        noise = Tensor._make(np.zeros(shape, dtype=data.dtype))
    else:
        noise = Tensor._make(np.empty(shape, dtype=data.dtype))
        noise.bernoulli_(1 - p)
        noise.div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


# the torch namespace functions of this family (torch.conv2d, torch.max_pool2d ...)
__all__ = [
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "adaptive_avg_pool1d",
    "adaptive_max_pool1d",
    "avg_pool1d",
    "conv1d",
    "conv2d",
    "conv3d",
    "max_pool1d",
    "max_pool2d",
]
METHODS = []
INPLACE_METHODS = []
