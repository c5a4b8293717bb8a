"""Where two documents' shared text sits in each of them: copying, not quoting.

A copy of a story adds short lines around it (a headline, a byline, a
caption, a footer) or loses its tail; a document that merely quotes a
paragraph of another is a story of its own around the quote. Three facts
about a pair tell them apart, all measured in shingles (about words) of the
shingle sequences, the smaller set playing ``small``:

- **flanked**: text of ``large``'s own on *both* sides of the shared text
  (the shorter side): a quoter around its quote;
- **missing**: the longest stretch of ``small`` that ``large`` lacks: the
  quoted article keeps paragraphs the quoter never had;
- **lead**: text of its own that *each* document holds before the shared text
  (the smaller of the two heads). Copies are cut from the bottom, so one of
  two copies always starts where the shared text does, give or take a
  headline; two documents that each open with a sentence of their own and
  then share a paragraph are two stories.

Shared text is anchored: a position counts as shared only inside a run of at
least ``ANCHOR`` consecutive shingles found in the other document. A single
shared 3-gram is as often a common phrase ("said on tuesday", "the company
said") as a sign of copied text, and sprinkled through a story's own
paragraphs it would cut them into short "missing" runs and move the shared
text's edges. Two in a row (four words) rarely happen by chance, and an OCR'd
copy, whose misread words break shingles here and there, still has many.

The kernels are compiled (numba), release the GIL and read the flat set and
sequence stores of :mod:`neardup.pipeline` (document ``d`` is
``values[offsets[d]:offsets[d + 1]]``).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

U32Array = NDArray[np.uint32]
I64Array = NDArray[np.int64]

ANCHOR = 2  # consecutive shared shingles that make shared text; see the module docs
NEAR_IDENTICAL = 0.5  # Jaccard from which a pair shares half its union: no passage check needed


@njit(cache=True, nogil=True, inline="always")
def _contains(values: U32Array, start: int, stop: int, x: np.uint32) -> bool:
    """Binary search for ``x`` in the sorted slice ``values[start:stop]``."""
    lo, hi = start, stop
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo < stop and values[lo] == x


@njit(cache=True, nogil=True)
def _geometry(
    sets: U32Array,
    set_offsets: I64Array,
    seqs: U32Array,
    seq_offsets: I64Array,
    doc: int,
    other: int,
    anchor: int,
) -> tuple[int, int, int]:
    """(head, tail, longest gap) of ``doc``'s own text around what it shares with ``other``.

    Shared text is every run of at least ``anchor`` consecutive shingles of
    ``doc`` found in ``other``'s set; head and tail are the shingles before
    the first and after the last such run; the longest gap is the longest
    stretch outside every run, head and tail included. Nothing shared: all
    three are the document's length. A document shorter than ``anchor``
    shingles is anchored by all of them.
    """
    begin, end = seq_offsets[doc], seq_offsets[doc + 1]
    lo, hi = set_offsets[other], set_offsets[other + 1]
    length = end - begin
    anchor = min(anchor, length)
    first, last_end, gap, run = -1, 0, 0, 0
    for i in range(length + 1):
        shared = i < length and _contains(sets, lo, hi, seqs[begin + i])
        if shared:
            run += 1
            continue
        if run >= anchor:
            start = i - run
            if first < 0:
                first = start
            gap = max(gap, start - last_end)
            last_end = i
        run = 0
    if first < 0:
        return length, length, length
    tail = length - last_end
    return first, tail, max(gap, tail)


@njit(cache=True, nogil=True)
def pair_passages(
    sets: U32Array,
    set_offsets: I64Array,
    seqs: U32Array,
    seq_offsets: I64Array,
    left: I64Array,
    right: I64Array,
    anchor: int,
) -> tuple[I64Array, I64Array]:
    """For each pair: (the longer of flanked and missing, the lead), as the module docs define them."""
    longest = np.empty(left.size, dtype=np.int64)
    lead = np.empty(left.size, dtype=np.int64)
    for k in range(left.size):
        i, j = left[k], right[k]
        size_i = set_offsets[i + 1] - set_offsets[i]
        size_j = set_offsets[j + 1] - set_offsets[j]
        small, large = (i, j) if size_i <= size_j else (j, i)
        head_s, _, missing = _geometry(sets, set_offsets, seqs, seq_offsets, small, large, anchor)
        head_l, tail_l, _ = _geometry(sets, set_offsets, seqs, seq_offsets, large, small, anchor)
        longest[k] = max(min(head_l, tail_l), missing)
        lead[k] = min(head_s, head_l)
    return longest, lead
