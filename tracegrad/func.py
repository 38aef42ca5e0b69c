"""``torch.func``: derivatives as functions (``grad``, ``vjp``, ``jvp``, ``jacrev``,
``jacfwd``, ``hessian``) and ``vmap``.

Where ``loss.backward()`` fills ``.grad`` fields, these transforms turn a function into
another function::

    from tracegrad.func import grad, jacrev, hessian, vmap

    f = lambda x: (x.sin() * x).sum()
    grad(f)(x)                 # ∇f(x), same shape as x
    jacrev(torch.sin)(x)       # the Jacobian, shape x.shape + x.shape
    hessian(f)(x)              # the Jacobian of the gradient
    vmap(grad(f))(xs)          # ∇f at every row of xs

They are built on the same two primitives as everything else in autograd:

* reverse mode (``vjp``, ``grad``, ``jacrev``): one backward pass gives ``uᵀ J``, a
  combination of the Jacobian's rows, so a full Jacobian costs one pass per output
  element: cheap for a scalar loss;
* forward mode (``jvp``, ``jacfwd``): one forward pass with dual numbers gives ``J v``, a
  combination of the columns, so a full Jacobian costs one pass per input element.

Transforms compose (``grad(grad(f))``, ``jacfwd(jacrev(f))``, ``vmap(grad(f))``): an
inner transform sees that it runs inside another one and records its own backward pass
(``create_graph``) so the outer one can differentiate it.

Differences from ``torch.func``, on purpose or for now:

* ``vmap`` calls the function once per index of the mapped dimension and stacks the
  results (torch runs it once on batched tensors). Results are the same; a mapped
  dimension of size 0 is refused, and ``randomness`` is accepted but each call simply
  draws new numbers (torch's ``"different"``).
* ``jvp`` nested inside a reverse-mode transform, or over inputs that already carry a
  forward tangent, is computed with two reverse passes (the "double-vjp" identity
  ``J v = ∂/∂u ⟨Jᵀu, v⟩``), since tracegrad's forward-mode tangents are not recorded for
  reverse mode. The values are the same.
* ``chunk_size`` is accepted and ignored.
"""

from __future__ import annotations

import functools

from . import _creation
from ._tensor import Tensor
from .autograd import forward_ad, grad_mode
from .autograd.engine import grad as _autograd_grad

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap"]

# how many transforms are evaluating their function right now (an inner transform then
# records its backward pass so that the outer one can differentiate through it)
_depth = [0]


# ---------------------------------------------------------------------------- pytrees


def _split_aux(output, has_aux: bool, caller: str):
    """``(output, aux)`` from a function run with ``has_aux`` (``aux`` is None without)."""
    if not has_aux:
        return output, None
    if not (isinstance(output, tuple) and len(output) == 2):
        raise RuntimeError(
            f"{caller}: output of function f should be a tuple: (output, aux) if has_aux is True"
        )
    return output


def _flatten(tree):
    """``(leaves, spec)`` for nested tuples, lists and dicts; other values are leaves."""
    leaves: list = []

    def walk(node):
        if isinstance(node, tuple | list):
            return (type(node), [walk(child) for child in node])
        if isinstance(node, dict):
            return (dict, list(node.keys()), [walk(child) for child in node.values()])
        leaves.append(node)
        return None

    return leaves, walk(tree)


def _unflatten(leaves, spec):
    iterator = iter(leaves)

    def build(node):
        if node is None:
            return next(iterator)
        if node[0] is dict:
            return {key: build(child) for key, child in zip(node[1], node[2])}
        return node[0](build(child) for child in node[1])

    return build(spec)


def _spec_text(spec) -> str:
    """A short picture of a pytree's structure, for error messages (``(*, *)``)."""
    if spec is None:
        return "*"
    if spec[0] is dict:
        items = ", ".join(f"{k!r}: {_spec_text(c)}" for k, c in zip(spec[1], spec[2]))
        return "{" + items + "}"
    inner = ", ".join(_spec_text(c) for c in spec[1])
    return f"[{inner}]" if spec[0] is list else f"({inner})"


def _same_structure(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if a[0] is not b[0]:
        return False
    if a[0] is dict:
        return a[1] == b[1] and all(_same_structure(x, y) for x, y in zip(a[2], b[2]))
    return len(a[1]) == len(b[1]) and all(_same_structure(x, y) for x, y in zip(a[1], b[1]))


# ---------------------------------------------------------------------------- helpers


def _nested() -> bool:
    """True inside another transform or a forward-AD level: record the backward pass."""
    return _depth[0] > 0 or forward_ad._state[0] >= 0


def _call(func, args, kwargs):
    _depth[0] += 1
    try:
        return func(*args, **kwargs)
    finally:
        _depth[0] -= 1


def _check_argnums(argnums, n_args):
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        numbers = (argnums,)
    elif isinstance(argnums, tuple) and argnums and all(isinstance(a, int) for a in argnums):
        numbers = argnums
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    resolved = []
    for a in numbers:
        if not -n_args <= a < n_args:
            raise RuntimeError(f"Got argnum={a}, but only {n_args} positional inputs")
        resolved.append(a % n_args)
    if len(set(resolved)) != len(resolved):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return tuple(resolved)


def _differentiable(x):
    """A tensor to differentiate with respect to that still stands for ``x``: a view of
    it when ``x`` is already part of a graph (an outer transform) or carries a tangent,
    else a detached copy that requires grad."""
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    with grad_mode.enable_grad():
        if x.requires_grad or forward_ad.tangent_of(x) is not None:
            alias = x.view(tuple(x.shape))
        else:
            alias = x.detach()
        if not alias.requires_grad:
            alias.requires_grad_(True)
    return alias


def _prepare(args, argnums):
    """Replace the arguments at ``argnums`` by differentiable aliases; returns the new
    arguments and, per argnum, ``(leaves, spec)`` of the aliases."""
    args = list(args)
    prepared = []
    for a in argnums:
        leaves, spec = _flatten(args[a])
        aliases = [_differentiable(x) for x in leaves]
        args[a] = _unflatten(aliases, spec)
        prepared.append((aliases, spec))
    return args, prepared


def _keeps_graph(args) -> bool:
    """Whether results must stay differentiable: nested, or the caller's own tensors are
    part of an autograd graph (then the result is differentiable with respect to them)."""
    if _nested():
        return True
    leaves, _ = _flatten(list(args))
    return any(isinstance(x, Tensor) and x.requires_grad for x in leaves)


def _finish(tree, keep):
    if keep:
        return tree
    leaves, spec = _flatten(tree)
    return _unflatten([x.detach() if isinstance(x, Tensor) else x for x in leaves], spec)


def _zeros_for_none(grads, like):
    return [_creation.zeros_like(x) if g is None else g for g, x in zip(grads, like)]


# ---------------------------------------------------------------------------- grad


def grad_and_value(func, argnums=0, has_aux=False):
    """``grad_and_value(f)(*args)`` returns ``(∇f, f(*args))``.

    Args:
        func: a function returning a scalar Tensor (with ``has_aux``: a pair
            ``(scalar, aux)``; aux is returned as it is, not differentiated).
        argnums: which positional argument(s) to differentiate, an int or a tuple of ints
            (then the gradient is a tuple). An argument may be a Tensor or a nested
            tuple/list/dict of Tensors (a dict of parameters, say): its gradient has the
            same structure.

    With ``has_aux`` the result is ``(grad, (value, aux))``.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        numbers = _check_argnums(argnums, len(args))
        keep = _keeps_graph(args)
        with grad_mode.enable_grad():
            call_args, prepared = _prepare(args, numbers)
            output = _call(func, call_args, kwargs)
            output, aux = _split_aux(output, has_aux, "grad_and_value(f)(*args)")
            if not isinstance(output, Tensor):
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                    f"{type(output)}"
                )
            if output.dim() != 0:
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                    f"got tensor with {output.dim()} dims. Maybe you wanted to use the vjp or "
                    "jacrev APIs instead?"
                )
            inputs = [x for aliases, _ in prepared for x in aliases]
            if output.requires_grad:
                grads = _autograd_grad(output, inputs, create_graph=keep, allow_unused=True)
            else:
                grads = (None,) * len(inputs)
        grads = _zeros_for_none(grads, inputs)
        results, start = [], 0
        for aliases, spec in prepared:
            results.append(_unflatten(grads[start : start + len(aliases)], spec))
            start += len(aliases)
        gradient = results[0] if isinstance(argnums, int) else tuple(results)
        value = output if not has_aux else (output, aux)
        return _finish(gradient, keep), _finish(value, keep)

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """``grad(f)(*args)``: the gradient of the scalar function ``f`` at ``args``.

    Same arguments as ``grad_and_value``; with ``has_aux`` returns ``(grad, aux)``.

    Example::

        grad(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0]))   # tensor([ 3., 12.])
    """
    both = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        gradient, value = both(*args, **kwargs)
        if has_aux:
            return gradient, value[1]
        return gradient

    return wrapper


# ---------------------------------------------------------------------------- vjp, jvp


def vjp(func, *primals, has_aux=False):
    """``(f(*primals), vjp_fn)``: the output and a function computing ``uᵀ J``.

    ``vjp_fn(cotangents)`` takes cotangents with the structure of the output and returns
    a tuple with one gradient per primal. It can be called several times. With
    ``has_aux`` (``f`` returns ``(output, aux)``) the result is ``(output, vjp_fn, aux)``.
    """
    keep = _keeps_graph(primals)
    with grad_mode.enable_grad():
        numbers = tuple(range(len(primals)))
        call_args, prepared = _prepare(primals, numbers)
        output = _call(func, call_args, {})
        output, aux = _split_aux(output, has_aux, "vjp(f, *primals)")
    outputs, out_spec = _flatten(output)
    for o in outputs:
        if not isinstance(o, Tensor):
            raise RuntimeError(
                "vjp(f, *primals): expected f(*primals) to return only tensors, got "
                f"unsupported type {type(o)}"
            )
    inputs = [x for aliases, _ in prepared for x in aliases]

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        cotangent_leaves, spec = _flatten(cotangents)
        if not _same_structure(spec, out_spec):
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure "
                f"of outputs to the function. cotangents: {_spec_text(spec)}, primal output: "
                f"{_spec_text(out_spec)}"
            )
        graph = (keep or _nested()) if create_graph is None else create_graph
        pairs = [(o, c) for o, c in zip(outputs, cotangent_leaves) if o.requires_grad]
        with grad_mode.enable_grad():
            if pairs:
                grads = _autograd_grad(
                    [o for o, _ in pairs],
                    inputs,
                    [c for _, c in pairs],
                    retain_graph=retain_graph,
                    create_graph=graph,
                    allow_unused=True,
                )
            else:
                grads = (None,) * len(inputs)
        grads = _zeros_for_none(grads, inputs)
        results, start = [], 0
        for aliases, primal_spec in prepared:
            results.append(_unflatten(grads[start : start + len(aliases)], primal_spec))
            start += len(aliases)
        return _finish(tuple(results), graph)

    if has_aux:
        return _finish(output, keep), vjp_fn, _finish(aux, keep)
    return _finish(output, keep), vjp_fn


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(f(*primals), J v)``: the output and the Jacobian-vector product along
    ``tangents`` (one forward pass with dual numbers).

    ``primals`` and ``tangents`` are tuples of the same structure (a tangent per primal,
    of the primal's shape). With ``has_aux`` the result is ``(output, jvp_out, aux)``.
    """
    if not isinstance(primals, tuple):
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be "
            "valid to call f(*primals)."
        )
    primal_leaves, primal_spec = _flatten(primals)
    tangent_leaves, tangent_spec = _flatten(tangents)
    if not _same_structure(primal_spec, tangent_spec):
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals and tangents to have the same python "
            "structure. For example, if primals is a tuple of 3 tensors, tangents also must "
            f"be. Got primals with structure {_spec_text(primal_spec)} and tangents with "
            f"structure {_spec_text(tangent_spec)}"
        )
    for p, t in zip(primal_leaves, tangent_leaves):
        for value, what in ((p, "primals"), (t, "tangents")):
            if not isinstance(value, Tensor):
                raise RuntimeError(
                    f"jvp(f, primals, tangents): Expected {what} to only contain Tensors, got "
                    f"{type(value)}"
                )
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(
                "Trying to set a forward gradient that has a different size than that of the "
                f"original Tensor, this is not supported. Tensor is of size {list(p.shape)} "
                f"while the given forward gradient is of size {list(t.shape)}."
            )
    if _keeps_graph(primals) or any(forward_ad.tangent_of(p) is not None for p in primal_leaves):
        return _jvp_by_double_vjp(func, primal_leaves, primal_spec, tangent_leaves, has_aux)
    with forward_ad.dual_level():
        duals = [forward_ad.make_dual(p, t) for p, t in zip(primal_leaves, tangent_leaves)]
        output = _call(func, _unflatten(duals, primal_spec), {})
        output, aux = _split_aux(output, has_aux, "jvp(f, primals, tangents)")
        outputs, out_spec = _flatten(output)
        values, directions = [], []
        for o in outputs:
            if not isinstance(o, Tensor):
                raise RuntimeError(
                    "jvp(f, primals, tangents): expected f(*primals) to return only tensors, "
                    f"got unsupported type {type(o)}"
                )
            primal, tangent = forward_ad.unpack_dual(o)
            values.append(primal.detach())
            directions.append(
                tangent.detach() if tangent is not None else _creation.zeros_like(primal)
            )
        if aux is not None:
            aux_leaves, aux_spec = _flatten(aux)
            aux = _unflatten(
                [
                    forward_ad.unpack_dual(a).primal if isinstance(a, Tensor) else a
                    for a in aux_leaves
                ],
                aux_spec,
            )
    result = (_unflatten(values, out_spec), _unflatten(directions, out_spec))
    return result + (_finish(aux, False),) if has_aux else result


def _jvp_by_double_vjp(func, primal_leaves, primal_spec, tangent_leaves, has_aux):
    """``J v`` with two reverse passes: ``g(u) = Jᵀ u`` is linear in ``u``, so
    ``∂/∂u ⟨g(u), v⟩ = J v``. Used when ``jvp`` is nested in a reverse-mode transform or
    over inputs that carry tangents: every step is then recorded and differentiable."""
    with grad_mode.enable_grad():
        aliases = [_differentiable(p) for p in primal_leaves]
        output = _call(func, _unflatten(aliases, primal_spec), {})
        output, aux = _split_aux(output, has_aux, "jvp(f, primals, tangents)")
        outputs, out_spec = _flatten(output)
        for o in outputs:
            if not isinstance(o, Tensor):
                raise RuntimeError(
                    "jvp(f, primals, tangents): expected f(*primals) to return only tensors, "
                    f"got unsupported type {type(o)}"
                )
        # u: a dummy cotangent per output (its value does not matter: g is linear in u)
        dummies = [_creation.zeros_like(o).requires_grad_(True) for o in outputs]
        live = [(o, u) for o, u in zip(outputs, dummies) if o.requires_grad]
        if live:
            vjps = _autograd_grad(
                [o for o, _ in live],
                aliases,
                [u for _, u in live],
                create_graph=True,
                allow_unused=True,
            )
        else:
            vjps = (None,) * len(aliases)
        inner = None
        for g, v in zip(vjps, tangent_leaves):
            if g is not None:
                term = (g * v).sum()
                inner = term if inner is None else inner + term
        if inner is not None and inner.requires_grad:
            directions = _autograd_grad(inner, dummies, create_graph=True, allow_unused=True)
        else:
            directions = (None,) * len(dummies)
    directions = _zeros_for_none(directions, outputs)
    result = (_unflatten(outputs, out_spec), _unflatten(directions, out_spec))
    return result + (aux,) if has_aux else result


# ---------------------------------------------------------------------------- Jacobians


def _per_argnum(blocks_per_input, prepared, argnums):
    """Group the Jacobian blocks of one output by argnum (and each argnum's pytree)."""
    results, start = [], 0
    for aliases, spec in prepared:
        results.append(_unflatten(blocks_per_input[start : start + len(aliases)], spec))
        start += len(aliases)
    return results[0] if isinstance(argnums, int) else tuple(results)


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """``jacrev(f)(*args)``: the Jacobian of ``f`` by reverse mode, one backward pass per
    output element. Each block has shape ``output.shape + input.shape``.

    With several outputs (a tuple/dict) the result has the outputs' structure; with a
    tuple ``argnums`` each output's entry is a tuple over the arguments. With
    ``has_aux`` returns ``(jacobian, aux)``.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        numbers = _check_argnums(argnums, len(args))
        keep = _keeps_graph(args)
        with grad_mode.enable_grad():
            call_args, prepared = _prepare(args, numbers)
            output = _call(func, call_args, kwargs)
            output, aux = _split_aux(output, has_aux, "jacrev(f, ...)(*args)")
            outputs, out_spec = _flatten(output)
            inputs = [x for aliases, _ in prepared for x in aliases]
            jacobians = []
            for o in outputs:
                if not isinstance(o, Tensor):
                    raise RuntimeError(
                        "jacrev(f, ...)(*args): expected f(*args) to return only tensors, got "
                        f"unsupported type {type(o)}"
                    )
                rows = [[] for _ in inputs]
                n = o.numel()
                for j in range(n):
                    if o.requires_grad:
                        basis = _creation.zeros_like(o).reshape(-1)
                        basis[j] = 1
                        grads = _autograd_grad(
                            o,
                            inputs,
                            basis.reshape(tuple(o.shape)),
                            retain_graph=True,
                            create_graph=keep,
                            allow_unused=True,
                        )
                    else:
                        grads = (None,) * len(inputs)
                    for i, g in enumerate(_zeros_for_none(grads, inputs)):
                        rows[i].append(g.reshape(-1))
                blocks = []
                for i, x in enumerate(inputs):
                    shape = tuple(o.shape) + tuple(x.shape)
                    if rows[i]:
                        blocks.append(_stack(rows[i], 0).reshape(shape))
                    else:
                        blocks.append(_creation.zeros(shape, dtype=x.dtype))
                jacobians.append(_per_argnum(blocks, prepared, argnums))
        result = _finish(_unflatten(jacobians, out_spec), keep)
        return (result, _finish(aux, keep)) if has_aux else result

    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """``jacfwd(f)(*args)``: the Jacobian of ``f`` by forward mode, one ``jvp`` per input
    element (cheap when there are few inputs). Same result layout as ``jacrev``."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        numbers = _check_argnums(argnums, len(args))
        flat_args = []
        specs = []
        for a in numbers:
            leaves, spec = _flatten(args[a])
            for x in leaves:
                if not isinstance(x, Tensor):
                    raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
            flat_args.append(leaves)
            specs.append(spec)
        inputs = [x for leaves in flat_args for x in leaves]

        def as_function(*variables):
            call_args, start = list(args), 0
            for a, leaves, spec in zip(numbers, flat_args, specs):
                call_args[a] = _unflatten(list(variables[start : start + len(leaves)]), spec)
                start += len(leaves)
            return func(*call_args, **kwargs)

        columns = [[] for _ in inputs]  # columns[i]: J·e_k for each element k of input i
        output = aux = None
        out_spec = None
        for i, x in enumerate(inputs):
            for k in range(x.numel()):
                basis = _creation.zeros_like(x).reshape(-1)
                basis[k] = 1
                directions = tuple(
                    basis.reshape(tuple(x.shape)) if m == i else _creation.zeros_like(y)
                    for m, y in enumerate(inputs)
                )
                found = jvp(as_function, tuple(inputs), directions, has_aux=has_aux)
                output, direction = found[0], found[1]
                if has_aux:
                    aux = found[2]
                direction_leaves, out_spec = _flatten(direction)
                columns[i].append(direction_leaves)
        if output is None:  # no input elements: evaluate once for the output's shape
            output = func(*args, **kwargs)
            if has_aux:
                output, aux = output
        outputs, out_spec = _flatten(output)
        jacobians = []
        prepared = [(leaves, spec) for leaves, spec in zip(flat_args, specs)]
        for n, o in enumerate(outputs):
            blocks = []
            for i, x in enumerate(inputs):
                shape = tuple(o.shape) + tuple(x.shape)
                if columns[i]:
                    stacked = _stack([col[n].reshape(-1) for col in columns[i]], 1)
                    blocks.append(stacked.reshape(shape))
                else:
                    blocks.append(_creation.zeros(shape, dtype=o.dtype))
            jacobians.append(_per_argnum(blocks, prepared, argnums))
        result = _unflatten(jacobians, out_spec)
        return (result, aux) if has_aux else result

    return wrapper


def hessian(func, argnums=0):
    """``hessian(f)(*args)``: the matrix of second derivatives of the scalar function
    ``f``, ``jacfwd(jacrev(f))`` as in torch; shape ``input.shape + input.shape``."""
    return jacfwd(jacrev(func, argnums), argnums)


def _stack(tensors, dim):
    from . import ops

    return ops.stack(tensors, dim)


# ---------------------------------------------------------------------------- vmap


def _function_name(func) -> str:
    return getattr(func, "__name__", repr(func))


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """``vmap(f)(xs)``: ``f`` applied to every slice of ``xs`` along a dimension, the
    results stacked: ``vmap(f)(xs)[i] == f(xs[i])``.

    Args:
        in_dims: for each positional argument, the dimension to map over (``None``: pass
            the argument unchanged to every call). An int applies to all arguments; a
            tuple gives one entry per argument (nested to match tuple/list/dict
            arguments).
        out_dims: where the mapped dimension goes in each output (an int, or a tuple with
            one entry per output; ``None`` for an output that does not vary).

    This implementation calls ``f`` once per index and stacks the results.
    """
    name = _function_name(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not isinstance(in_dims, int | tuple) and in_dims is not None:
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int "
                "or a (potentially nested) tuple matching the structure of inputs, got: "
                f"{type(in_dims)}."
            )
        if not _valid_out_dims(out_dims):
            raise ValueError(
                f"vmap({name}, ..., out_dims={out_dims}): `out_dims` must be an int, None or a "
                "python collection of ints representing where in the outputs the vmapped "
                "dimension should appear."
            )
        arg_leaves, arg_spec = _flatten(tuple(args))
        dims = _broadcast_dims(in_dims, tuple(args), name)
        size = None
        sizes = []
        for x, d in zip(arg_leaves, dims):
            if d is None:
                continue
            if not isinstance(x, Tensor):
                raise ValueError(
                    f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an "
                    f"input but the input is of type {type(x)}. We cannot vmap over non-Tensor "
                    "arguments, please use None as the respective in_dim"
                )
            if not -x.dim() <= d < x.dim():
                raise ValueError(
                    f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some "
                    f"input, but that input is a Tensor of dimensionality {x.dim()} so expected "
                    f"in_dim to satisfy -{x.dim()} <= in_dim < {x.dim()}."
                )
            sizes.append(x.shape[d])
        if not sizes:
            raise ValueError("vmap: Expected at least one Tensor to vmap over")
        if len(set(sizes)) != 1:
            raise ValueError(
                "vmap: Expected all tensors to have the same size in the mapped dimension, got "
                f"sizes {sizes} for the mapped dimension"
            )
        size = sizes[0]
        if size == 0:
            raise ValueError(
                "vmap: tracegrad maps by calling the function once per index, so a mapped "
                "dimension of size 0 is not supported"
            )
        results = []
        for index in range(size):
            sliced = [x if d is None else x.select(d, index) for x, d in zip(arg_leaves, dims)]
            results.append(func(*_unflatten(sliced, arg_spec), **kwargs))
        return _stack_results(results, out_dims, name)

    return wrapper


def _valid_out_dims(out_dims) -> bool:
    if out_dims is None or (isinstance(out_dims, int) and not isinstance(out_dims, bool)):
        return True
    if isinstance(out_dims, tuple | list):
        return all(_valid_out_dims(d) for d in out_dims)
    return False


def _broadcast_dims(in_dims, args, name):
    """One in_dim per leaf of ``args`` (an int or None applies to a whole subtree)."""
    if isinstance(in_dims, int) or in_dims is None:
        leaves, _ = _flatten(args)
        return [in_dims] * len(leaves)
    dims = []

    def walk(dim, arg):
        if dim is None or isinstance(dim, int):
            dims.extend([dim] * len(_flatten(arg)[0]))
            return True
        if isinstance(dim, tuple | list) and isinstance(arg, tuple | list):
            if len(dim) != len(arg):
                return False
            return all(walk(d, a) for d, a in zip(dim, arg))
        if isinstance(dim, dict) and isinstance(arg, dict):
            if set(dim) != set(arg):
                return False
            return all(walk(dim[k], arg[k]) for k in arg)
        return False

    if not walk(in_dims, args):
        raise ValueError(
            f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
            f"structure of `inputs`. in_dims has structure {_spec_text(_flatten(in_dims)[1])} "
            f"but inputs has structure {_spec_text(_flatten(args)[1])}."
        )
    return dims


def _stack_results(results, out_dims, name):
    first_leaves, spec = _flatten(results[0])
    if isinstance(out_dims, int) or out_dims is None:
        dims = [out_dims] * len(first_leaves)
    else:
        dims = []
        top = results[0] if isinstance(results[0], tuple | list) else (results[0],)
        if len(out_dims) != len(top):
            raise ValueError(
                f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible "
                f"with the structure of `outputs`. out_dims has structure "
                f"{_spec_text(_flatten(tuple(out_dims))[1])} but outputs has structure "
                f"{_spec_text(_flatten(tuple(top))[1])}."
            )
        for d, part in zip(out_dims, top):
            dims.extend([d] * len(_flatten(part)[0]))
    columns = [_flatten(r)[0] for r in results]
    stacked = []
    for k, d in enumerate(dims):
        values = [column[k] for column in columns]
        if d is None:
            stacked.append(values[0])
            continue
        if not isinstance(values[0], Tensor):
            raise ValueError(
                f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                f"{type(values[0])}. Did you mean to set out_dims= to None for output?"
            )
        stacked.append(_stack(values, d))
    return _unflatten(stacked, spec)
