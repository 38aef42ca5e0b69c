"""``check``: a derived expression against autograd, on random inputs of several sizes.

Inputs are float64 and respect the declared properties (symmetric: (A + Aᵀ)/2, positive
definite: AAᵀ + nI, invertible: A + nI, one-hot rows, positive entries). The reference
is tracegrad's autograd on the same expression replayed on tensors, and PyTorch's where
it is installed; a derivative tracegrad cannot compute itself (no such op yet) is checked
against PyTorch alone, or central finite differences without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import expr as ex
from .namespace import replay


@dataclass
class CheckResult:
    """What ``check`` compared: the worst error over all sizes and references."""

    ok: bool
    worst_error: float
    sizes: list
    references: list = field(default_factory=list)

    def __repr__(self):
        verdict = "ok" if self.ok else "FAILED"
        return (
            f"CheckResult({verdict}: worst error {self.worst_error:.2e} over sizes "
            f"{self.sizes}, against {', '.join(sorted(set(self.references)))})"
        )

    def __bool__(self):
        return self.ok


def draw(symbols: dict, dims: dict, rng) -> dict:
    """Random float64 values for ``symbols`` (name -> Expr) with concrete ``dims``."""
    values = {}
    for name, sym in sorted(symbols.items()):
        shape = ex.concrete_shape(sym.shape, dims)
        props = sym.props
        if "one_hot" in props:
            rows = np.zeros(shape)
            if len(shape) == 2:
                rows[np.arange(shape[0]), rng.integers(0, shape[1], shape[0])] = 1.0
            values[name] = rows
            continue
        x = rng.uniform(0.5, 2.0, shape) if "positive" in props else rng.normal(size=shape)
        if "positive_definite" in props:
            x = x @ x.T + shape[0] * np.eye(shape[0])
        elif "symmetric" in props:
            x = (x + x.T) / 2
            if "invertible" in props:
                x = x + shape[0] * np.eye(shape[0]) * np.sign(np.trace(x) or 1.0)
        elif "invertible" in props:
            x = x + 2 * shape[0] * np.eye(shape[0])
        values[name] = x
    return values


def _dim_names(symbols):
    names = set()
    for s in symbols.values():
        for d in s.shape:
            if isinstance(d, ex.Dim):
                names.update(d.factors)
    return sorted(names)


def default_sizes(symbols):
    """Three size assignments: all dims 2, 3, 4 plus a per-dim offset (they differ)."""
    names = _dim_names(symbols)
    return [{n: base + i for i, n in enumerate(names)} for base in (2, 3, 4)]


def _reference(d, values, dims, module):
    """The derivative by ``module``'s autograd (tracegrad or torch)."""
    tensors = {
        n: module.tensor(v, dtype=module.float64, requires_grad=(n == d.wrt.name))
        for n, v in values.items()
    }
    x = tensors[d.wrt.name]
    f = replay(d.f, tensors, module, dims)
    if f.ndim:
        f = f.reshape(())
    (g,) = module.autograd.grad(f, x, create_graph=d.order != "gradient")
    if d.order == "gradient":
        return g.detach().numpy()
    if d.order == "hvp":
        v = tensors[d.direction.name]
        (h,) = module.autograd.grad((g * v).sum(), x)
        return h.detach().numpy()
    flat = g.reshape(-1)
    rows = []
    for i in range(flat.shape[0]):
        (row,) = module.autograd.grad(flat[i], x, retain_graph=True)
        rows.append(row.detach().numpy().reshape(-1))
    return np.stack(rows)


def _finite_differences(d, values, dims, eps=1e-6):
    """Central differences of f (gradients only), the last resort reference."""
    name = d.wrt.name
    base = values[name]
    out = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        for sign in (1, -1):
            shifted = dict(values)
            x = base.copy()
            x[idx] += sign * eps
            shifted[name] = x
            out[idx] += sign * float(ex.evaluate(d.f, shifted, dims)) / (2 * eps)
    return out


def check(d, sizes=None, seed=0, tol=1e-8, torch_too=True) -> CheckResult:
    """Evaluate ``d`` and autograd at several sizes; AssertionError past ``tol``
    (relative to the size of the reference, in float64)."""
    import tracegrad

    symbols = dict(d.f.symbols())
    symbols.update(d.full.symbols())
    if d.direction is not None:
        symbols[d.direction.name] = d.direction
    symbols = {n: s for n, s in symbols.items() if n != "v_"}
    modules = [("tracegrad", tracegrad)]
    if torch_too:
        try:
            import torch
        except ImportError:
            torch = None
        if torch is not None:
            modules.append(("torch", torch))
    rng = np.random.default_rng(seed)
    worst, used, all_sizes = 0.0, [], []
    for dims in sizes or default_sizes(symbols):
        values = draw(symbols, dims, rng)
        try:
            got = np.asarray(d.evaluate(values), dtype=np.float64)
        except np.linalg.LinAlgError as exc:
            raise ValueError(
                f"matcalc.check: at sizes {dims} the random inputs make a singular matrix "
                f"({exc}); declare the property 'invertible' or pass sizes=[{{...}}]"
            ) from None
        all_sizes.append(dict(dims))
        refs = []
        for label, module in modules:
            try:
                refs.append((label, _reference(d, values, dims, module)))
            except (AttributeError, NotImplementedError, TypeError):
                continue  # this library lacks an op of f (e.g. det): the others check it
        if not refs and d.order == "gradient":
            refs.append(("finite differences", _finite_differences(d, values, dims)))
        if not refs:
            raise NotImplementedError("matcalc.check: no autograd can compute this reference")
        for label, ref in refs:
            ref = np.asarray(ref, dtype=np.float64)
            if got.shape != ref.shape:
                raise AssertionError(
                    f"matcalc.check: {d} has shape {got.shape}, autograd's has {ref.shape}"
                )
            got_c = got
            err = (
                float(np.max(np.abs(got_c - ref)) / (1.0 + np.max(np.abs(ref))))
                if ref.size
                else 0.0
            )
            if label == "finite differences":
                err = err * tol / 1e-5  # differences are good to ~1e-6 only
            worst = max(worst, err)
            used.append(label)
    result = CheckResult(worst <= tol, worst, all_sizes, used)
    if not result.ok:
        raise AssertionError(f"matcalc.check: {d} differs from autograd: {result}")
    return result
