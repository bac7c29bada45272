"""A reduction over seed blocks whose rounding does not depend on how blocks are grouped.

Float addition is not associative, so summing a run chunk by chunk gives totals that depend on
the chunk size (and, reduced in completion order, on the executor).  Here every sum is a
fixed pairwise tree over the run's 65,536-sample seed blocks (:data:`tlsmc.seeding.SEED_BLOCK`):

* a **node** of level L covers the aligned blocks ``k 2^L <= b < (k + 1) 2^L`` and is
  ``combine(left child, right child)``; a level-0 node is one block's partial sums;
* a chunk (blocks ``first <= b < last``) returns its maximal aligned nodes
  (:func:`chunk_nodes`: one node when the chunk is an aligned power of two of blocks, at most
  2 log2(blocks) otherwise);
* the client pushes the nodes in block order onto a binary counter (:class:`BlockTree`), which
  combines equal levels exactly as it would have combined single blocks, and folds what is
  left at the end in a fixed order.

So the totals are a function of the run's blocks only: chunk size, executor, worker count and
completion order never change a bit.  The client holds O(log n_blocks) nodes.  Pairwise sums
are also more accurate than running sums (error O(log n) instead of O(n) ulps).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

__all__ = ["chunk_nodes", "BlockTree"]

Combine = Callable[[Any, Any], Any]


def _tree(states: Sequence[Any], combine: Combine) -> Any:
    """Pairwise tree of 2^L block states (left half first)."""
    if len(states) == 1:
        return states[0]
    half = len(states) // 2
    return combine(_tree(states[:half], combine), _tree(states[half:], combine))


def chunk_nodes(first_block: int, states: Sequence[Any], combine: Combine
                ) -> list[tuple[int, int, Any]]:
    """The maximal aligned nodes of consecutive blocks ``first_block, first_block + 1, ...``.

    Parameters
    ----------
    first_block : index of the block of ``states[0]`` in the run
    states : per-block partial sums, in block order
    combine : ``combine(left, right) -> sum`` of two partial sums (left = earlier blocks)

    Returns
    -------
    list of (first block, level, node state), in block order
    """
    out: list[tuple[int, int, Any]] = []
    pos, end = first_block, first_block + len(states)
    while pos < end:
        level = 0
        while pos % (2 << level) == 0 and pos + (2 << level) <= end:
            level += 1
        size = 1 << level
        out.append((pos, level, _tree(states[pos - first_block:pos - first_block + size],
                                      combine)))
        pos += size
    return out


class BlockTree:
    """Binary counter of aligned nodes pushed in block order (see the module docstring).

    Parameters
    ----------
    combine : ``combine(left, right)`` of two partial sums
    """

    def __init__(self, combine: Combine):
        self.combine = combine
        self.next_block = 0
        self._stack: list[tuple[int, Any]] = []   # (level, state), levels decreasing

    def push(self, first_block: int, level: int, state: Any) -> None:
        """Add the node of blocks ``first_block .. first_block + 2^level - 1`` (next in order)."""
        if first_block != self.next_block or first_block % (1 << level):
            raise ValueError(f"node at block {first_block} (level {level}) out of order; "
                             f"expected an aligned node at block {self.next_block}")
        self.next_block += 1 << level
        while self._stack and self._stack[-1][0] == level:
            _, left = self._stack.pop()
            state = self.combine(left, state)
            level += 1
        self._stack.append((level, state))

    def total(self) -> Any:
        """The sum over every pushed block (right to left fold of the remaining nodes)."""
        if not self._stack:
            raise ValueError("no blocks were reduced")
        acc = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            acc = self.combine(left, acc)
        return acc
