"""The simplifier: rewrites a gradient expression into the closed form a textbook gives.

Canonical form: ``sub``/``neg``/``div`` become sums and products with coefficients;
sums and Hadamard products are flattened and their like terms / equal bases merged;
matrix products are flattened into chains with the scalar factors pulled out; transposes
are pushed through products and sums ((AB)ᵀ = BᵀAᵀ, (Aᵀ)ᵀ = A, Aᵀ = A for a symmetric
A); identities, ones and zeros are eliminated; ``where(c, g, 0)`` becomes ``g ⊙ 1[c]``;
``sum(A ⊙ B)`` becomes ``tr(AᵀB)``. Each rewrite keeps the value (the tests evaluate
every result against autograd); two are true almost everywhere only, as the derivatives
themselves: ``1[max(A, 0) > 0] = 1[A > 0]`` and the ``‖x‖ = 0`` branch of the norm's
rule (x ≠ 0 a.e.).
"""

from __future__ import annotations

import numbers

from . import expr as ex
from .expr import Dim, Expr


def simplify(expr: Expr) -> Expr:
    """The canonical, simplified form of ``expr`` (a new tree; ``expr`` is unchanged)."""
    for _ in range(6):
        memo = {}
        out = _simplify(expr, memo)
        if out.key == expr.key:
            return out
        expr = out
    return expr


def _simplify(node, memo):
    got = memo.get(id(node))
    if got is not None:
        return got
    args = tuple(_simplify(a, memo) for a in node.args)
    out = _rewrite(node, args)
    memo[id(node)] = out
    return out


# ---------------------------------------------------------------------------- helpers


def is_zero(e):
    return e.kind == "zeros" or (
        e.kind == "const" and not isinstance(e.value, Dim) and e.value == 0
    )


def is_one(e):
    return e.kind == "const" and not isinstance(e.value, Dim) and e.value == 1


def num(e):
    """The Python number of a numeric constant, else None."""
    if e.kind == "const" and not isinstance(e.value, Dim):
        return e.value
    return None


def _number(v):
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def split_coef(e):
    """(numeric coefficient, rest or None) of a term."""
    n = num(e)
    if n is not None:
        return n, None
    if e.kind == "mul":
        c = num(e.args[0])
        if c is not None:
            rest = e.args[1:]
            return c, rest[0] if len(rest) == 1 else Expr("mul", rest, (), e.shape)
    return 1, e


def scale(c, e, shape=None):
    """c · e, canonical (c a number)."""
    shape = e.shape if shape is None else shape
    c = _number(c)
    if c == 0:
        return ex.zeros(shape)
    if c == 1:
        return e
    if e.kind == "const" and num(e) is not None:
        return ex.const(_number(c * num(e)))
    if e.kind == "mul":
        c0, rest = split_coef(e)
        if c0 != 1:
            return scale(c * c0, rest, shape)
        return Expr("mul", (ex.const(c),) + e.args, (), shape)
    return Expr("mul", (ex.const(c), e), (), shape)


def _fit(e, shape):
    """``e`` broadcast to ``shape`` where it is smaller (a scalar in a matrix context)."""
    shape = tuple(shape)
    if tuple(e.shape) == shape:
        return e
    if is_zero(e):
        return ex.zeros(shape)
    if e.kind == "ones":
        return ex.ones(shape)
    if num(e) is not None:
        return scale(num(e), ex.ones(shape), shape)
    return Expr("expand", (e,), (shape,), shape)


def _is_scalarish(e):
    return e.shape == () or ex.numel_is_one(e.shape) and e.kind == "const"


# ---------------------------------------------------------------------------- rewrites


def _rewrite(node, args):
    kind = node.kind
    shape = node.shape
    if kind in ("sym", "const", "zeros", "ones", "eye"):
        return node
    if kind == "sub":
        return _add([args[0], scale(-1, args[1])], shape)
    if kind == "neg":
        return scale(-1, args[0])
    if kind == "add":
        return _add(list(args), shape)
    if kind == "div":
        n = num(args[1])
        if n is not None and n != 0:
            return _mul(
                [ex.const(_number(1 / n)) if n not in (1, -1) else ex.const(n), args[0]], shape
            )
        return _mul([args[0], _pow(args[1], -1)], shape)
    if kind == "mul":
        return _mul(list(args), shape)
    if kind == "pow":
        return _pow(args[0], node.params[0])
    if kind == "matmul":
        return _matmul(list(args), shape)
    if kind == "t":
        return _transpose(args[0])
    if kind == "expand":
        x = args[0]
        if tuple(x.shape) == tuple(shape):
            return x
        if is_zero(x):
            return ex.zeros(shape)
        if x.kind in ("ones", "expand"):
            return (
                _fit(x.args[0] if x.kind == "expand" else ex.const(1), shape)
                if x.kind == "expand"
                else ex.ones(shape)
            )
        if x.shape == () and num(x) is not None:
            return scale(num(x), ex.ones(shape), shape)
        return Expr("expand", (x,), (tuple(shape),), shape)
    if kind == "view":
        return _view(args[0], shape)
    if kind == "where":
        return _where(*args, shape=shape)
    if kind == "ind":
        c = args[0]
        if c.kind == "not" and c.args[0].kind in ex.COMPARISONS:
            inner = c.args[0]
            flip = {"gt": "le", "ge": "lt", "lt": "ge", "le": "gt", "eq": "ne", "ne": "eq"}
            c = Expr(flip[inner.kind], inner.args, (), inner.shape)
        return Expr("ind", (c,), (), shape)
    if kind in ex.COMPARISONS:
        a, b = args
        # 1[max(A, 0) > 0] = 1[A > 0]: the output of relu is positive exactly where A is
        if kind == "gt" and is_zero(b) and _is_relu(a):
            a = a.args[0]
        return Expr(kind, (a, b), (), shape)
    if kind in ("sum", "mean"):
        return _reduce(kind, args[0], node.params, shape)
    if kind == "trace":
        x = args[0]
        if x.kind == "eye":
            return ex.const(x.shape[0])
        if x.kind == "diag" and x.args[0].kind == "expand" and x.args[0].args[0].shape == ():
            return Expr("mul", (ex.const(x.shape[0]), x.args[0].args[0]), (), ())
        return Expr("trace", (x,), (), ())
    if kind == "diagonal":
        m_ = args[0]
        if m_.kind == "diag":
            return m_.args[0]
        if m_.kind == "eye":
            return ex.ones(shape)
        c, rest = split_coef(m_)
        if c != 1 and rest is not None:
            return scale(c, _rewrite(Expr("diagonal", (rest,), (), shape), (rest,)))
        return Expr("diagonal", (m_,), (), shape)
    if kind == "diag":
        v = args[0]
        c, rest = split_coef(v)
        if rest is not None and rest.kind == "ones":
            return scale(c, ex.eye(shape[0]))
        if v.kind == "expand" and v.args[0].shape == ():
            return _mul([v.args[0], ex.eye(shape[0])], shape)
        if is_zero(v):
            return ex.zeros(shape)
        return Expr("diag", (v,), (), shape)
    if kind == "exp" and args[0].kind == "log_softmax":
        return Expr("softmax", args[0].args, args[0].params, shape)
    if kind == "exp" and args[0].kind == "log":
        return args[0].args[0]
    if kind == "log" and args[0].kind == "exp":
        return args[0].args[0]
    if kind == "log" and args[0].kind == "softmax":
        return Expr("log_softmax", args[0].args, args[0].params, shape)
    if kind == "clamp":
        low, high = node.params
        return Expr("clamp", args, (low, high), shape)
    if kind == "named":
        return args[0]
    return Expr(kind, args, node.params, shape, node.name, node.props)


def _is_relu(e):
    return e.kind == "relu" or (e.kind == "clamp" and e.params == (0, None))


def _add(terms, shape, distribute=True):
    result = _add_once(terms, shape)
    if (
        distribute
        and result.kind == "add"
        and any(t.kind == "mul" and any(f.kind == "add" for f in t.args) for t in result.args)
    ):
        # a ⊙ (1 − b) − (1 − a) ⊙ b = a − b: expand the products, keep it if shorter
        spread = [x for t in result.args for x in _distribute(t)]
        alt = _add(spread, shape, distribute=False)
        if _size(alt) < _size(result):
            return alt
    return result


def _distribute(t):
    """The terms of a Hadamard product with a sum among its factors, multiplied out."""
    if t.kind != "mul":
        return [t]
    for i, f in enumerate(t.args):
        if f.kind == "add" and tuple(f.shape) == tuple(t.shape):
            others = list(t.args[:i]) + list(t.args[i + 1 :])
            out = []
            for term in f.args:
                out.extend(_distribute(_mul(others + [term], t.shape)))
            return out
    return [t]


def _add_once(terms, shape):
    flat = []
    for t in terms:
        if t.kind == "add":
            flat.extend(t.args)
        elif t.kind == "expand" and t.args[0].kind == "add":
            flat.extend(t.args[0].args)
        else:
            flat.append(t)
    groups, order, constant = {}, [], 0
    for t in flat:
        if is_zero(t):
            continue
        c, rest = split_coef(t)
        if rest is None:
            constant += c
            continue
        k = _canon_key(rest)
        if k not in groups:
            groups[k] = [0, rest]
            order.append(k)
        groups[k][0] += c
    out = []
    for k in order:
        c, rest = groups[k]
        if c != 0:
            out.append(scale(c, rest))
    if constant != 0:
        out.append(ex.const(_number(constant)))
    out = _factor_common(out)
    common = _common_scalar(out)
    if common is not None:
        inner = [_without(t, common) for t in out]
        return _mul([common, _add(inner, shape)], shape)
    if not out:
        return ex.zeros(shape)
    # a term that is only a broadcast scalar stays as it is (a + 1 means a + 𝟏)
    out = [
        t.args[0] if t.kind == "expand" and len(out) > 1 and _covers(out, t, shape) else t
        for t in out
    ]
    if len(out) == 1:
        return _fit(out[0], shape)
    # negative terms last, as one writes a − b; A before Aᵀ
    out.sort(key=lambda t: (split_coef(t)[0] < 0, getattr(split_coef(t)[1], "kind", "") == "t"))
    result = Expr("add", tuple(out), (), ex.broadcast_shapes("add", *(t.shape for t in out)))
    return _fit(result, shape)


def _without(term, factor):
    """``term`` (a product) with one occurrence of ``factor`` removed."""
    args = list(term.args)
    for i, g in enumerate(args):
        if g.key == factor.key:
            del args[i]
            break
    if len(args) == 1:
        return args[0]
    return Expr("mul", tuple(args), (), ex.broadcast_shapes("mul", *(a.shape for a in args)))


def _common_scalar(terms):
    """A symbolic scalar factor (such as 1/n) that every term has, or None."""
    if len(terms) < 2:
        return None
    first = terms[0]
    if first.kind != "mul":
        return None
    for f in first.args:
        if f.shape != () or f.kind == "const":
            continue
        if all(t.kind == "mul" and any(g.key == f.key for g in t.args) for t in terms[1:]):
            return f
    return None


def _factor_common(terms):
    """AᵀX + AX = (Aᵀ + A)X, and XᵀA + XᵀB = Xᵀ(A + B): a common outer factor of
    matrix-product terms is written once."""
    for side in (-1, 0):
        groups, order = {}, []
        for t in terms:
            c, body = split_coef(t)
            if body is not None and body.kind == "matmul":
                f = body.args[side]
                groups.setdefault(f.key, []).append((t, c, body))
                if len(groups[f.key]) == 1:
                    order.append(f.key)
        for key in order:
            members = groups[key]
            if len(members) < 2:
                continue
            inner = []
            for _, c, body in members:
                rest = body.args[:-1] if side == -1 else body.args[1:]
                r = rest[0] if len(rest) == 1 else Expr("matmul", rest, (), _chain_shape(rest))
                inner.append(scale(c, r))
            f = members[0][2].args[side]
            total = _add(inner, ex.broadcast_shapes("add", *(t.shape for t in inner)))
            chain = [total, f] if side == -1 else [f, total]
            combined = _matmul(chain, _chain_shape(chain))
            used = {id(t) for t, _, _ in members}
            return _factor_common([t for t in terms if id(t) not in used] + [combined])
    return terms


def _covers(terms, t, shape):
    others = [u.shape for u in terms if u is not t]
    return ex.broadcast_shapes("add", *others) == tuple(shape)


def _canon_key(e):
    """A key for like-term detection: Hadamard factors in any order are the same term."""
    if e.kind == "mul":
        return ("mul*", tuple(sorted((_canon_key(a) for a in e.args), key=repr)))
    if e.kind == "add":
        return ("add*", tuple(sorted((_canon_key(a) for a in e.args), key=repr)))
    return e.key


def _mul(factors, shape):
    flat = []
    for f in factors:
        if f.kind == "mul":
            flat.extend(f.args)
        else:
            flat.append(f)
    coef = 1
    rest = []
    for f in flat:
        n = num(f)
        if n is not None:
            coef *= n
            continue
        if is_zero(f):
            return ex.zeros(shape)
        if f.kind == "expand" and f.args[0].shape == ():
            f = f.args[0]
            n = num(f)
            if n is not None:
                coef *= n
                continue
        if f.kind == "ones":
            continue
        if f.kind == "view" and f.args[0].shape == () and ex.numel_is_one(f.shape):
            f = f.args[0]  # a scalar shaped (1, 1) to scale a matrix: just the scalar
        rest.append(f)
    if coef == 0:
        return ex.zeros(shape)
    # merge equal bases: x ⊙ x = x², x^a ⊙ x^b = x^(a+b)
    merged, order = {}, []
    for f in rest:
        base, p = (f.args[0], f.params[0]) if f.kind == "pow" else (f, 1)
        k = base.key
        if k in merged:
            merged[k][1] += p
        else:
            merged[k] = [base, p]
            order.append(k)
    rest = []
    for k in order:
        base, p = merged[k]
        if p == 0:
            continue
        rest.append(_pow(base, p) if p != 1 else base)
    # 1/N · sum(e) over the N entries of e is mean(e)
    for i, f in enumerate(rest):
        if f.kind == "pow" and f.params[0] == -1 and f.args[0].kind == "const":
            count = f.args[0].value
            for j, g in enumerate(rest):
                if g.kind == "sum" and g.params[0] is None and ex._numel(g.args[0].shape) == count:
                    rest[j] = Expr("mean", g.args, g.params, g.shape)
                    del rest[i]
                    break
            break
    # scalars first, then matrices, indicators last: c s A ⊙ B ⊙ 1[·]
    rest.sort(key=lambda f: (0 if f.shape == () else 2 if f.kind == "ind" else 1, _size(f)))
    mats = [i for i, f in enumerate(rest) if f.shape != ()]
    if coef < 0 and len(mats) == 1 and rest[mats[0]].kind == "matmul":
        # −c Xᵀ(Y − S) = c Xᵀ(S − Y): the sign goes into a difference inside the chain
        chain = rest[mats[0]]
        for i, m_ in enumerate(chain.args):
            if m_.kind == "add" and any(split_coef(t)[0] < 0 for t in m_.args):
                flipped = _add([scale(-1, t) for t in m_.args], m_.shape)
                args = chain.args[:i] + (flipped,) + chain.args[i + 1 :]
                rest[mats[0]] = Expr("matmul", args, (), chain.shape)
                coef = -coef
                break
    if not rest:
        return _fit(ex.const(_number(coef)), shape)
    body = (
        rest[0]
        if len(rest) == 1
        else Expr("mul", tuple(rest), (), ex.broadcast_shapes("mul", *(f.shape for f in rest)))
    )
    out = scale(coef, body)
    if tuple(out.shape) != tuple(shape):
        if out.shape == () or ex.numel_is_one(out.shape):
            return _fit(out, shape)
        out = _fit(out, shape)
    return out


def _size(e):
    """How big an expression is (simpler Hadamard factors are written first)."""
    return 1 + sum(_size(a) for a in e.args)


def _pow(x, p):
    if p == 1:
        return x
    if p == 0:
        return ex.ones(x.shape) if x.shape else ex.const(1)
    n = num(x)
    if n is not None and not (n == 0 and p < 0):
        return ex.const(_number(n**p))
    if x.kind == "pow":
        return _pow(x.args[0], x.params[0] * p)
    if x.kind == "mul" and num(x.args[0]) is not None and x.shape == ():
        c, rest = split_coef(x)
        return scale(c**p, _pow(rest, p))
    return Expr("pow", (x,), (_number(p),), x.shape)


def _matmul(args, shape):
    chain = []
    coef_factors = []
    for a in args:
        if a.kind == "matmul":
            chain.extend(a.args)
            continue
        chain.append(a)
    out_chain = []
    for a in chain:
        if is_zero(a):
            return ex.zeros(shape)
        if a.kind == "mul":
            scalars = [f for f in a.args if f.shape == ()]
            if scalars:
                coef_factors.extend(scalars)
                others = [f for f in a.args if f.shape != ()]
                a = others[0] if len(others) == 1 else Expr("mul", tuple(others), (), a.shape)
                if a.kind == "matmul":
                    out_chain.extend(a.args)
                    continue
        if a.kind == "expand" and a.args[0].shape == () and ex.numel_is_one(a.shape):
            coef_factors.append(a.args[0])
            continue
        out_chain.append(a)
    # diag(a) diag(b) = diag(a ⊙ b)
    merged = []
    for a in out_chain:
        if merged and a.kind == "diag" and merged[-1].kind == "diag":
            inner = _mul([merged[-1].args[0], a.args[0]], a.args[0].shape)
            merged[-1] = Expr("diag", (inner,), (), a.shape)
        else:
            merged.append(a)
    out_chain = merged
    # the identity and 1×1 ones drop out of a chain
    kept = [
        a
        for a in out_chain
        if not (a.kind == "eye" or (a.kind == "ones" and ex.numel_is_one(a.shape)))
    ]
    if not kept:
        kept = [out_chain[0]]
    if len(kept) == 1:
        body = kept[0]
    else:
        body = Expr("matmul", tuple(kept), (), _chain_shape(kept))
    body = _fit_view(body, shape)
    if coef_factors:
        return _mul(coef_factors + [body], shape)
    return body


def _chain_shape(chain):
    shape = chain[0].shape
    for a in chain[1:]:
        shape = shape[:-1] + a.shape[1:]
    return shape


def _fit_view(e, shape):
    if tuple(e.shape) == tuple(shape):
        return e
    if ex._numel(e.shape) == ex._numel(tuple(shape)):
        return Expr("view", (e,), (tuple(shape),), tuple(shape))
    return _fit(e, shape)


def _transpose(x):
    if x.ndim < 2:
        return x
    k = x.kind
    tshape = (x.shape[1], x.shape[0])
    if k == "t":
        return x.args[0]
    if k == "sym" and "symmetric" in x.props:
        return x
    if k in ("eye", "diag") or (k == "ones" and False):
        return x
    if k == "zeros":
        return ex.zeros(tshape)
    if k == "ones":
        return ex.ones(tshape)
    if k == "matmul":
        return _matmul([_transpose(a) for a in reversed(x.args)], tshape)
    if k == "add":
        return _add([_transpose(a) for a in x.args], tshape)
    if k == "mul":
        return _mul([_transpose(a) if a.ndim == 2 else a for a in x.args], tshape)
    if k == "expand" and x.args[0].shape == ():
        return Expr("expand", x.args, (tshape,), tshape)
    if k == "inv" and (
        "symmetric" in x.args[0].props or _transpose(x.args[0]).key == x.args[0].key
    ):
        return x  # the inverse of a symmetric matrix (Aᵀ = A, or XᵀX) is symmetric
    if k == "view" and x.args[0].ndim == 1 and x.shape[1] == 1:
        # (v as a column)ᵀ: the row vector vᵀ
        return Expr("t", (x,), (), tshape)
    return Expr("t", (x,), (), tshape)


def _view(x, shape):
    shape = tuple(shape)
    if tuple(x.shape) == shape:
        return x
    if is_zero(x):
        return ex.zeros(shape)
    if x.kind == "ones":
        return ex.ones(shape)
    if x.kind == "view":
        return _view(x.args[0], shape)
    if x.kind == "const":
        return _fit(x, shape)
    if x.kind == "sum" and x.params[1] and x.params[0] is not None:
        dims, _ = x.params
        dropped = tuple(d for i, d in enumerate(x.shape) if i not in dims)
        if dropped == shape:
            return _reduce("sum", x.args[0], (dims, False), shape)
    if x.kind == "expand" and x.args[0].shape == ():
        return _fit(x.args[0], shape)
    if x.kind == "mul":
        mats = [f for f in x.args if f.shape != ()]
        if len(mats) == 1:
            return _mul([f if f.shape == () else _view(f, shape) for f in x.args], shape)
    return Expr("view", (x,), (shape,), shape)


def _where(cond, a, b, shape):
    # ‖x‖ = 0 only at x = 0 (measure zero): the norm rule's guard branch drops out
    if cond.kind == "eq" and cond.args[0].kind == "norm" and is_zero(cond.args[1]):
        return _fit(b, shape)
    if a.key == b.key:
        return _fit(a, shape)
    if is_zero(b):
        return _mul([a, Expr("ind", (cond,), (), cond.shape)], shape)
    if is_zero(a):
        return _mul(
            [
                b,
                _rewrite(
                    Expr("ind", (Expr("not", (cond,), (), cond.shape),), (), cond.shape),
                    (Expr("not", (cond,), (), cond.shape),),
                ),
            ],
            shape,
        )
    return Expr("where", (cond, a, b), (), shape)


def _reduce(kind, x, params, shape):
    dims, keepdim = params
    if kind == "mean":
        count = 1
        for i, d in enumerate(x.shape):
            if dims is None or i in dims:
                count = count * d
        total = _reduce("sum", x, params, shape)
        if isinstance(count, int):
            return scale(1 / count if count != 1 else 1, total) if count != 1 else total
        return _mul([Expr("pow", (ex.const(count),), (-1,), ()), total], shape)
    if x.shape == ():
        return x
    if dims is not None and not keepdim and len(dims) == x.ndim:
        dims, params = None, (None, False)
    if is_zero(x):
        return ex.zeros(shape)
    if dims is not None and all(x.shape[i] == 1 for i in dims):
        return _view(x, shape)
    c, rest = split_coef(x)
    if c != 1:
        return scale(c, _reduce(kind, rest, params, shape))
    if x.kind == "mul" and any(f.shape == () for f in x.args):
        scal = [f for f in x.args if f.shape == ()]
        mats = [f for f in x.args if f.shape != ()]
        body = mats[0] if len(mats) == 1 else Expr("mul", tuple(mats), (), x.shape)
        return _mul(scal + [_reduce(kind, body, params, shape)], shape)
    if x.kind == "expand" and x.args[0].shape == () and dims is None:
        n = ex._numel(x.shape)
        return _mul([ex.const(n), x.args[0]], shape)
    if x.kind == "ones" and dims is None:
        return ex.const(ex._numel(x.shape))
    if dims is not None and x.kind == "sym" and "one_hot" in x.props and dims == (x.ndim - 1,):
        # the rows of a one-hot matrix sum to 1
        return ex.ones(shape)
    if x.kind == "add" and all(tuple(t.shape) == tuple(x.shape) for t in x.args):
        return _add([_reduce(kind, t, params, shape) for t in x.args], shape)
    if dims == (x.ndim - 1,) and x.ndim == 2 and x.kind == "mul" and len(x.args) == 2:
        # Σⱼ Mᵢⱼ vⱼ = (Mv)ᵢ for a row-broadcast v
        m_, r_ = x.args if x.args[0].shape == x.shape else x.args[::-1]
        if m_.shape == x.shape and (r_.ndim == 1 or (r_.ndim == 2 and r_.shape[0] == 1)):
            col = r_ if r_.ndim == 1 else _transpose(r_)
            return _fit_view(_matmul([m_, col], (m_.shape[0],) + col.shape[1:]), shape)
    if dims is None and x.kind == "mul":
        mats = [f for f in x.args if f.shape != ()]
        scal = [f for f in x.args if f.shape == ()]
        if len(mats) == 2 and mats[0].shape == mats[1].shape and x.ndim == 2:
            # Σᵢⱼ Aᵢⱼ Bᵢⱼ = tr(AᵀB)
            a, b = mats
            tr = Expr("trace", (_matmul([_transpose(a), b], (a.shape[1], a.shape[1])),), (), ())
            return _mul(scal + [tr], ())
    return Expr("sum", (x,), (dims, keepdim), shape)


# ---------------------------------------------------------------------------- CSE


def name_repeated(expr: Expr, printer, names=("Z", "S", "U", "V")):
    """Name repeated subexpressions (a ``where`` clause) when that makes the text shorter.

    Returns (main expression, [(name, definition)]).
    """
    defs = []
    best_len = len(printer(expr, defs))
    for name in names:
        counts = {}
        for node in _all_nodes(expr):
            if node.kind in ("sym", "const", "zeros", "ones", "eye") or node.kind == "named":
                continue
            if node.kind == "t" and node.args[0].kind == "sym":
                continue
            counts.setdefault(node.key, [node, 0])[1] += 1
        candidates = sorted(
            (v for v in counts.values() if v[1] >= 2),
            key=lambda v: -len(printer(v[0], [])),
        )
        improved = False
        for node, _ in candidates:
            sym = Expr("named", (node,), (), node.shape, name=name)
            new = _replace(expr, node.key, sym)
            text = printer(new, defs + [(name, node)])
            if len(text) < best_len:
                expr, best_len = new, len(text)
                defs.append((name, node))
                improved = True
                break
        if not improved:
            break
    return expr, defs


def _all_nodes(expr):
    out = []
    stack = [expr]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(n.args if n.kind != "named" else ())
    return out


def _replace(expr, key, sym):
    if expr.key == key:
        return sym
    if not expr.args or expr.kind == "named":
        return expr
    args = tuple(_replace(a, key, sym) for a in expr.args)
    if all(a is b for a, b in zip(args, expr.args, strict=True)):
        return expr
    return Expr(expr.kind, args, expr.params, expr.shape, expr.name, expr.props)


def is_number(x):
    return isinstance(x, numbers.Real)
