"""``torch.nn.utils.rnn``: padding a batch of variable-length sequences to one tensor.

``pad_sequence`` stacks sequences of different lengths (their first dim) into one tensor,
filling the missing steps with ``padding_value``; ``unpad_sequence`` takes them apart
again. The packed-sequence helpers of torch (for its RNN modules) are not here.
"""

from __future__ import annotations

from ..._creation import arange, full

__all__ = ["pad_sequence", "unpad_sequence"]


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack ``sequences`` (tensors of shape ``(L_i, *)``) into one tensor of shape
    ``(L, B, *)`` (``(B, L, *)`` with ``batch_first``), L the longest length.

    Each sequence is copied into its slot (so gradients flow back to it, through torch's
    ``CopySlices`` node); the rest holds ``padding_value``, on the right of each sequence
    or, with ``padding_side='left'``, before it.
    """
    if padding_side not in ("left", "right"):
        raise RuntimeError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    first = sequences[0]
    longest = max(s.shape[0] for s in sequences)
    rest = tuple(first.shape[1:])
    for sequence in sequences[1:]:
        for dim, (expected, got) in enumerate(zip(rest, sequence.shape[1:]), start=1):
            if expected != got:
                raise RuntimeError(
                    f"The size of tensor a ({expected}) must match the size of tensor b ({got}) "
                    f"at non-singleton dimension {dim}"
                )
    shape = (len(sequences), longest, *rest) if batch_first else (longest, len(sequences), *rest)
    out = full(shape, padding_value, dtype=first.dtype)
    for i, sequence in enumerate(sequences):
        length = sequence.shape[0]
        steps = slice(0, length) if padding_side == "right" else slice(longest - length, longest)
        if batch_first:
            out[i, steps] = sequence
        else:
            out[steps, i] = sequence
    return out


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences ``pad_sequence`` joined: the first ``lengths[i]`` steps of
    each column (row with ``batch_first``) of ``padded_sequences``."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [
        sequence[arange(int(length))]
        for sequence, length in zip(padded_sequences, lengths, strict=True)
    ]
