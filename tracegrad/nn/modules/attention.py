"""``MultiheadAttention``: scaled dot-product attention over several heads at once.

The queries, keys and values are projected (one packed (3E, E) weight when they share the
embedding size), split into ``num_heads`` heads of size d = E / heads, and each head
computes ``softmax(Q Kᵀ / √d + mask) V``; the heads' results are concatenated and
projected once more (``out_proj``). Written with tensor ops, so autograd differentiates it.
The parameters, their order and their initial draws are torch's (after ``manual_seed`` the
values are equal): ``out_proj`` is built first, then the input projection is drawn with
``xavier_uniform_`` and the biases are zeroed.
"""

from __future__ import annotations

import math

from ... import _creation
from ... import _dtype as dtypes
from ... import ops
from .. import functional as F  # noqa: N812 - torch's spelling
from .. import init
from ..parameter import Parameter
from .linear import Linear
from .module import Module

__all__ = ["MultiheadAttention"]


class NonDynamicallyQuantizableLinear(Linear):
    """``Linear`` under the name torch gives ``MultiheadAttention.out_proj`` (it prints so)."""


class MultiheadAttention(Module):
    r"""Multi-head attention (Vaswani et al., 2017).

    Args:
        embed_dim (int): E, the size of queries and outputs.
        num_heads (int): the heads; E must be divisible by it.
        dropout (float): dropout on the attention weights while training. Default: 0.
        bias (bool): biases in the projections. Default: True.
        kdim, vdim (int): the sizes of keys and values. Default: E.
        batch_first (bool): inputs and outputs as (N, L, E) instead of (L, N, E).

    ``forward(query, key, value, key_padding_mask=None, need_weights=True,
    attn_mask=None, average_attn_weights=True, is_causal=False)`` returns the output
    (L, N, E) and the attention weights (N, L, S), averaged over the heads unless
    ``average_attn_weights=False`` ((N, heads, L, S)), or ``None`` when
    ``need_weights=False``. In ``attn_mask`` and ``key_padding_mask`` a True entry is a
    position that may *not* be attended to; float masks are added to the scores.
    """

    def __init__(
        self,
        embed_dim,
        num_heads,
        dropout=0.0,
        bias=True,
        add_bias_kv=False,
        add_zero_attn=False,
        kdim=None,
        vdim=None,
        batch_first=False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} "
                f"and num_heads={num_heads} instead"
            )
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError("add_bias_kv and add_zero_attn are not implemented")
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")

        def empty(*shape):
            return Parameter(_creation.empty(shape, device=device, dtype=dtype))

        if self._qkv_same_embed_dim:
            self.in_proj_weight = empty(3 * embed_dim, embed_dim)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = empty(embed_dim, embed_dim)
            self.k_proj_weight = empty(embed_dim, self.kdim)
            self.v_proj_weight = empty(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = empty(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(
            embed_dim, embed_dim, bias=bias, device=device, dtype=dtype
        )
        self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)

    def _projections(self):
        e = self.embed_dim
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            weights = (w[:e], w[e : 2 * e], w[2 * e :])
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        b = self.in_proj_bias
        biases = (None, None, None) if b is None else (b[:e], b[e : 2 * e], b[2 * e :])
        return weights, biases

    def forward(
        self,
        query,
        key,
        value,
        key_padding_mask=None,
        need_weights=True,
        attn_mask=None,
        average_attn_weights=True,
        is_causal=False,
    ):
        """``(output, weights)``: attention of ``query`` over ``key``/``value``."""
        batched = query.dim() == 3
        if self.batch_first and batched:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        if not batched:
            query, key, value = (t.unsqueeze(1) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        length, batch, embed = query.shape
        source = key.shape[0]
        heads, d = self.num_heads, self.head_dim
        (w_q, w_k, w_v), (b_q, b_k, b_v) = self._projections()
        q = F.linear(query, w_q, b_q)
        k = F.linear(key, w_k, b_k)
        v = F.linear(value, w_v, b_v)
        # (L, N, E) -> (N·heads, L, d): each head attends on its own
        q = q.reshape(length, batch * heads, d).transpose(0, 1)
        k = k.reshape(source, batch * heads, d).transpose(0, 1)
        v = v.reshape(source, batch * heads, d).transpose(0, 1)
        scores = ops.bmm(q * math.sqrt(1.0 / d), k.transpose(-2, -1))
        if is_causal and attn_mask is None:
            attn_mask = _creation.ones(length, source, dtype=dtypes.bool).triu(1)
        scores = _masked(scores, attn_mask, batch, heads, length, source, key_padding_mask)
        weights = F.softmax(scores, dim=-1)
        if self.dropout > 0.0 and self.training:
            weights = F.dropout(weights, p=self.dropout)
        output = ops.bmm(weights, v)  # (N·heads, L, d)
        output = output.transpose(0, 1).reshape(length * batch, embed)
        output = self.out_proj(output).reshape(length, batch, embed)
        if self.batch_first and batched:
            output = output.transpose(0, 1)
        if not batched:
            output = output.squeeze(1)
        if not need_weights:
            return output, None
        weights = weights.reshape(batch, heads, length, source)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not batched:
            weights = weights.squeeze(0)
        return output, weights


def _masked(scores, attn_mask, batch, heads, length, source, key_padding_mask):
    """The scores with the masks applied: True entries of a boolean mask become -inf, a
    float mask is added. ``attn_mask`` is (L, S) or (N·heads, L, S); ``key_padding_mask``
    is (N, S), the same for every head and query."""
    for mask, shape in (
        (attn_mask, None),
        (key_padding_mask, (batch, 1, 1, source)),
    ):
        if mask is None:
            continue
        if shape is not None:
            mask = mask.reshape(shape).expand(batch, heads, 1, source)
            mask = mask.reshape(batch * heads, 1, source)
        if mask.dtype is dtypes.bool:
            scores = scores.masked_fill(mask, float("-inf"))
        else:
            scores = scores + mask
    return scores
