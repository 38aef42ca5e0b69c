"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their one-step cells.

A recurrent layer reads a sequence one step at a time and carries a hidden state from
step to step. At step t, with input :math:`x_t` and previous hidden state
:math:`h_{t-1}` (zeros at the start, unless given):

* ``RNN``:  :math:`h_t = \\tanh(x_t W_{ih}^\\top + b_{ih} + h_{t-1} W_{hh}^\\top + b_{hh})`
  (or ReLU);
* ``LSTM``: the four gates :math:`i, f, g, o` come from the same two products, split in
  four; :math:`c_t = \\sigma(f) \\odot c_{t-1} + \\sigma(i) \\odot \\tanh(g)` is the cell's
  memory and :math:`h_t = \\sigma(o) \\odot \\tanh(c_t)`;
* ``GRU``: reset :math:`r` and update :math:`z` gates,
  :math:`n = \\tanh(x W_{in}^\\top + b_{in} + r \\odot (h W_{hn}^\\top + b_{hn}))` and
  :math:`h_t = (1 - z) \\odot n + z \\odot h_{t-1}`.

Everything is written with tensor ops, so autograd differentiates through the unrolled
loop (backpropagation through time). Layers stack (``num_layers``: each layer reads the
outputs of the one below) and may also run backwards in time (``bidirectional``: both
directions' outputs are concatenated). Parameter names, shapes, order and their initial
draws, U(−1/√H, 1/√H) each, are torch's, so after ``manual_seed`` the weights are equal.
"""

from __future__ import annotations

import math
import warnings

from ... import _creation
from ... import ops
from .. import functional as F  # noqa: N812 - torch's spelling
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _rnn_step(x, h, w_ih, w_hh, b_ih, b_hh, relu=False):
    pre = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    return ops.relu(pre) if relu else ops.tanh(pre)


def _lstm_step(x, state, w_ih, w_hh, b_ih, b_hh):
    h, c = state
    gates = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, -1)
    c = ops.sigmoid(f) * c + ops.sigmoid(i) * ops.tanh(g)
    return ops.sigmoid(o) * ops.tanh(c), c


def _gru_step(x, h, w_ih, w_hh, b_ih, b_hh):
    r_x, z_x, n_x = F.linear(x, w_ih, b_ih).chunk(3, -1)
    r_h, z_h, n_h = F.linear(h, w_hh, b_hh).chunk(3, -1)
    r = ops.sigmoid(r_x + r_h)
    z = ops.sigmoid(z_x + z_h)
    n = ops.tanh(n_x + r * n_h)
    return (1 - z) * n + z * h


def _uniform_reset(module) -> None:
    """torch's initial draw for recurrent layers and cells: every parameter, in order,
    ~ U(−1/√hidden_size, 1/√hidden_size)."""
    bound = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


class _RNNBase(Module):
    """What the three layers share: parameters, checks, the layer/direction loop."""

    def __init__(
        self,
        mode,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        if not isinstance(dropout, int | float) or isinstance(dropout, bool):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of "
                "an element being zeroed"
            )
        if not 0 <= dropout <= 1:
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of "
                "an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                "dropout expects num_layers greater than 1, but got "
                f"dropout={dropout} and num_layers={num_layers}",
                UserWarning,
                stacklevel=3,
            )
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = 0
        directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else hidden_size * directions
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes = [
                    ("weight_ih", (gate_size, layer_input)),
                    ("weight_hh", (gate_size, hidden_size)),
                ]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                for name, shape in shapes:
                    value = _creation.empty(shape, device=device, dtype=dtype)
                    self.register_parameter(name + suffix, Parameter(value))
                    self._flat_weights_names.append(name + suffix)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias ~ U(−1/√hidden_size, 1/√hidden_size), in order."""
        _uniform_reset(self)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.batch_first is not False:
            text += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            text += f", bidirectional={self.bidirectional}"
        return text

    # -------------------------------------------------------------- the forward pass

    def _weights(self, layer, direction):
        suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
        names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if self.bias else [])
        weights = [getattr(self, name + suffix) for name in names]
        return weights if self.bias else weights + [None, None]

    def _check_input(self, input):
        if input.dim() not in (2, 3):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D "
                "tensor instead"
            )
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                f"got {input.shape[-1]}"
            )

    def _check_hidden(self, hx, expected):
        if tuple(hx.shape) != expected:
            raise RuntimeError(f"Expected hidden size {expected}, got {list(hx.shape)}")

    def _run(self, input, hx, step):
        """Run every layer and direction; ``hx`` is a list (per layer·direction) of states."""
        directions = 2 if self.bidirectional else 1
        sequence = list(input.unbind(0))  # (L) tensors of (N, features)
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                state = hx[layer * directions + direction]
                weights = self._weights(layer, direction)
                times = range(len(sequence))
                steps = [None] * len(sequence)
                for t in times if direction == 0 else reversed(times):
                    state = step(sequence[t], state, *weights)
                    steps[t] = state[0] if isinstance(state, tuple) else state
                outputs.append(ops.stack(steps, 0))
                finals.append(state)
            # both directions side by side in the features, as torch concatenates them
            output = outputs[0] if directions == 1 else ops.cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                output = F.dropout(output, self.dropout, True)
            sequence = list(output.unbind(0))
        return output, finals

    def _prepare(self, input):
        """The input as (L, N, features), and whether a batch dimension was added."""
        self._check_input(input)
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        return input, batched

    def _finish(self, output, batched):
        if not batched:
            return output.squeeze(1)
        return output.transpose(0, 1) if self.batch_first else output

    def _zeros(self, input):
        directions = 2 if self.bidirectional else 1
        shape = (self.num_layers * directions, input.shape[1], self.hidden_size)
        return _creation.zeros(shape, dtype=input.dtype)

    def _hidden(self, hx, input, batched):
        directions = 2 if self.bidirectional else 1
        expected = (self.num_layers * directions, input.shape[1], self.hidden_size)
        if hx is None:
            return self._zeros(input)
        if not batched:
            if hx.dim() != 2:
                raise RuntimeError(
                    f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor"
                )
            hx = hx.unsqueeze(1)
        elif hx.dim() != 3:
            raise RuntimeError(
                f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor"
            )
        self._check_hidden(hx, expected)
        return hx


class RNN(_RNNBase):
    r"""An Elman RNN, :math:`h_t = \tanh(x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top +
    b_{hh})` (``nonlinearity='relu'`` for ReLU).

    Args:
        input_size, hidden_size: the features of :math:`x_t` and :math:`h_t`.
        num_layers (int): stacked layers. Default: 1
        nonlinearity (str): 'tanh' or 'relu'. Default: 'tanh'
        bias (bool): use :math:`b_{ih}, b_{hh}`. Default: True
        batch_first (bool): input and output as (N, L, features). Default: False
        dropout (float): dropout on each layer's outputs but the last's. Default: 0
        bidirectional (bool): also run backwards in time. Default: False

    ``forward(input, h_0=None)`` returns ``(output, h_n)``: every step's top-layer hidden
    state (L, N, D·H) and every layer's last one (D·num_layers, N, H).

    Example::

        >>> import tracegrad as torch
        >>> rnn = torch.nn.RNN(10, 20, 2)
        >>> output, h_n = rnn(torch.randn(5, 3, 10))
        >>> output.shape, h_n.shape
        (torch.Size([5, 3, 20]), torch.Size([2, 3, 20]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None,
                 dtype=None) -> None:  # fmt: skip
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        self.nonlinearity = nonlinearity
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype)  # fmt: skip
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        """``(output, h_n)`` for the sequence ``input`` and initial state ``hx``."""
        input, batched = self._prepare(input)
        hx = self._hidden(hx, input, batched)
        relu = self.nonlinearity == "relu"

        def step(x, h, *weights):
            return _rnn_step(x, h, *weights, relu=relu)

        output, finals = self._run(input, list(hx.unbind(0)), step)
        h_n = ops.stack(finals, 0)
        return self._finish(output, batched), h_n if batched else h_n.squeeze(1)


class LSTM(_RNNBase):
    r"""Long short-term memory: input, forget, cell and output gates control a memory cell
    :math:`c_t` next to the hidden state (the module docstring gives the equations).

    Arguments as ``RNN`` (without ``nonlinearity``). ``forward(input, (h_0, c_0)=None)``
    returns ``(output, (h_n, c_n))``.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None,
                 dtype=None) -> None:  # fmt: skip
        if proj_size != 0:
            raise NotImplementedError("LSTM with proj_size > 0 is not implemented in tracegrad")
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype)  # fmt: skip

    def forward(self, input, hx=None):
        """``(output, (h_n, c_n))`` for the sequence ``input`` and initial ``(h_0, c_0)``."""
        input, batched = self._prepare(input)
        if hx is None:
            h0 = c0 = self._zeros(input)
        else:
            h0 = self._hidden(hx[0], input, batched)
            c0 = self._hidden(hx[1], input, batched)
        states = list(zip(h0.unbind(0), c0.unbind(0), strict=True))
        output, finals = self._run(input, states, _lstm_step)
        h_n = ops.stack([h for h, _ in finals], 0)
        c_n = ops.stack([c for _, c in finals], 0)
        if not batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._finish(output, batched), (h_n, c_n)


class GRU(_RNNBase):
    r"""Gated recurrent unit: reset and update gates decide how much of the previous state
    to use and to keep (the module docstring gives the equations).

    Arguments as ``RNN`` (without ``nonlinearity``). ``forward(input, h_0=None)`` returns
    ``(output, h_n)``.
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None) -> None:  # fmt: skip
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype)  # fmt: skip

    def forward(self, input, hx=None):
        """``(output, h_n)`` for the sequence ``input`` and initial state ``hx``."""
        input, batched = self._prepare(input)
        hx = self._hidden(hx, input, batched)
        output, finals = self._run(input, list(hx.unbind(0)), _gru_step)
        h_n = ops.stack(finals, 0)
        return self._finish(output, batched), h_n if batched else h_n.squeeze(1)


# ------------------------------------------------------------------------------- cells


class _CellBase(Module):
    _gates = 1

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        size = self._gates * hidden_size
        self.weight_ih = Parameter(_creation.empty((size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(_creation.empty((size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(_creation.empty(size, device=device, dtype=dtype))
            self.bias_hh = Parameter(_creation.empty(size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias ~ U(−1/√hidden_size, 1/√hidden_size), in order."""
        _uniform_reset(self)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text

    def _weights(self):
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh

    def _batched(self, input, hx):
        if input.dim() not in (1, 2):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 1D or 2D, got {input.dim()}D instead"
            )
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
            if hx is not None:
                hx = (
                    hx.unsqueeze(0)
                    if not isinstance(hx, tuple)
                    else tuple(h.unsqueeze(0) for h in hx)
                )
        return input, hx, batched

    def _zeros(self, input):
        return _creation.zeros((input.shape[0], self.hidden_size), dtype=input.dtype)


class RNNCell(_CellBase):
    """One step of ``RNN``: ``h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)``."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None) -> None:  # fmt: skip
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, hx, batched = self._batched(input, hx)
        hx = self._zeros(input) if hx is None else hx
        h = _rnn_step(input, hx, *self._weights(), relu=self.nonlinearity == "relu")
        return h if batched else h.squeeze(0)


class LSTMCell(_CellBase):
    """One step of ``LSTM``: ``(h', c')`` from ``input`` and ``(h, c)``."""

    _gates = 4

    def forward(self, input, hx=None):
        input, hx, batched = self._batched(input, hx)
        if hx is None:
            hx = (self._zeros(input), self._zeros(input))
        h, c = _lstm_step(input, hx, *self._weights())
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(_CellBase):
    """One step of ``GRU``: ``h'`` from ``input`` and ``h``."""

    _gates = 3

    def forward(self, input, hx=None):
        input, hx, batched = self._batched(input, hx)
        hx = self._zeros(input) if hx is None else hx
        h = _gru_step(input, hx, *self._weights())
        return h if batched else h.squeeze(0)
