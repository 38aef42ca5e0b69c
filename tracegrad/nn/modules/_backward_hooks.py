"""Module backward hooks: ``hook(module, grad_input, grad_output)`` when the gradients
with respect to a module's inputs have been computed.

How it works: the call of a module that has such hooks passes its tensor inputs and its
tensor outputs through an identity autograd Function (``BackwardHookFunction``, as in
PyTorch's graphs). In the backward pass the outputs' identity node sees the gradients
with respect to the outputs first (pre-hooks may replace them); the inputs' identity node
then sees the gradients with respect to the inputs, calls the hooks with both, and passes
on what they return. If no input needs a gradient, the hooks fire at the outputs' node
with ``grad_input`` all ``None``.
"""

from __future__ import annotations

import warnings

from ...autograd.function import Function
from ...autograd.grad_mode import is_grad_enabled


class BackwardHookFunction(Function):
    """Identity in both directions; the hook calls happen in ``on_backward``."""

    # the callback of the call being made: handed over here rather than as an argument,
    # so that the node's inputs are exactly the tensors (as in PyTorch's graphs)
    _next_callback = None

    @staticmethod
    def forward(ctx, *tensors):
        ctx.on_backward = BackwardHookFunction._next_callback
        ctx.mark_non_differentiable(*[t for t in tensors if not t.requires_grad])
        return tuple(t.view(t.shape) for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        return ctx.on_backward(grads)


def _identity_with_callback(callback, tensors):
    BackwardHookFunction._next_callback = callback
    try:
        wrapped = BackwardHookFunction.apply(*tensors)
    finally:
        BackwardHookFunction._next_callback = None
    return wrapped if isinstance(wrapped, tuple) else (wrapped,)


class _HookedCall:
    """The state of one module call with backward hooks."""

    def __init__(self, module, n_inputs):
        self.module = module
        self.n_inputs = n_inputs  # tensor inputs wrapped (0: none needs a gradient)
        self.n_tensor_args = 0
        self.grad_output = None

    def outputs_backward(self, grads):
        for hook in list(self.module._hooks["backward_pre"].values()):
            replaced = hook.fn(self.module, grads)
            if replaced is not None:
                grads = tuple(replaced) if isinstance(replaced, (tuple, list)) else (replaced,)
        self.grad_output = grads
        if self.n_inputs == 0:
            # nothing upstream will call the hooks: call them now, with no input gradients
            warnings.warn(
                "Full backward hook is firing when gradients are computed with respect to "
                "module outputs since no inputs require gradients.",
                UserWarning,
                stacklevel=2,
            )
            self.inputs_backward((None,) * max(self.n_tensor_args, 1))
        return grads

    def inputs_backward(self, grads):
        for hook in list(self.module._hooks["backward"].values()):
            replaced = hook.fn(self.module, grads, self.grad_output)
            if replaced is not None:
                replaced = tuple(replaced) if isinstance(replaced, (tuple, list)) else (replaced,)
                if len(replaced) != len(grads):
                    raise RuntimeError(
                        f"Backward hook returned an invalid number of grad_input, got "
                        f"{len(replaced)}, but expected {len(grads)}"
                    )
                grads = replaced
        return grads


def _tensor_positions(values):
    from ..._tensor import Tensor

    return [i for i, v in enumerate(values) if isinstance(v, Tensor)]


def call_with_backward_hooks(module, run, args):
    """Run ``run(*args)`` (the module's forward, with its forward hooks) so that the
    module's backward hooks fire in the backward pass."""
    if not is_grad_enabled():
        return run(*args)
    call = _HookedCall(module, 0)
    positions = _tensor_positions(args)
    call.n_tensor_args = len(positions)
    needing = [i for i in positions if args[i].requires_grad]
    if needing:
        call.n_inputs = len(positions)
        wrapped = _identity_with_callback(call.inputs_backward, [args[i] for i in positions])
        args = list(args)
        for i, t in zip(positions, wrapped):
            args[i] = t
        args = tuple(args)
    output = run(*args)
    single = not isinstance(output, tuple)
    outputs = (output,) if single else output
    out_positions = [i for i in _tensor_positions(outputs) if outputs[i].requires_grad]
    if not out_positions:
        return output
    wrapped = _identity_with_callback(call.outputs_backward, [outputs[i] for i in out_positions])
    outputs = list(outputs)
    for i, t in zip(out_positions, wrapped):
        outputs[i] = t
    return outputs[0] if single else tuple(outputs)
