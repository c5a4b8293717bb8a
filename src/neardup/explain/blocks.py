"""The matching blocks of two word sequences, as difflib finds them, compiled.

:class:`difflib.SequenceMatcher` (no junk, ``autojunk=False``) finds the
longest common run of words, then recurses either side of it. Each search
walks, for every word of A's range, every place of that word in B from B's
start: on long texts that repeat themselves (a page scraped with its
comments, a digest of reprints) common words have thousands of places and
the searches grow with the square of the text (7 s for 20,000 words, two
minutes for 50,000). Here the same searches run as compiled loops over
integer word ids, and each starts at the first place inside the range
(a binary search) instead of walking to it. The blocks are difflib's, to the
block: the same search order and the same tie-breaks (earliest in A, then in
B), which ``tests/explain/test_blocks.py`` checks against difflib itself.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from numba import njit
from numpy.typing import NDArray

I64Array = NDArray[np.int64]


def matching_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int, int]]:
    """``SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()`` but its final
    empty block: ``(i, j, size)`` per run, in order, adjacent runs joined."""
    vocabulary: dict[Hashable, int] = {}
    b_ids = np.array([vocabulary.setdefault(word, len(vocabulary)) for word in b], np.int64)
    absent = len(vocabulary)  # A's words that B lacks: no places
    a_ids = np.array([vocabulary.get(word, absent) for word in a], np.int64)
    places = np.argsort(b_ids, kind="stable").astype(np.int64)  # B's places, grouped by word
    starts = np.zeros(absent + 2, np.int64)
    np.cumsum(np.bincount(b_ids, minlength=absent + 1), out=starts[1:])
    found = _blocks(a_ids, b_ids.size, places, starts)
    return _joined(sorted(map(tuple, found.tolist())))


def _joined(blocks: list[tuple[int, ...]]) -> list[tuple[int, int, int]]:
    """Runs that continue one another made one, as difflib does."""
    out: list[tuple[int, int, int]] = []
    for i, j, size in blocks:
        if out and out[-1][0] + out[-1][2] == i and out[-1][1] + out[-1][2] == j:
            out[-1] = (out[-1][0], out[-1][1], out[-1][2] + size)
        else:
            out.append((i, j, size))
    return out


@njit(cache=True, nogil=True)
def _blocks(a: I64Array, size_b: int, places: I64Array, starts: I64Array) -> I64Array:
    """difflib's ``get_matching_blocks`` loop: the longest run of a range, then the ranges
    either side of it, until none holds a match. Unsorted, unjoined."""
    most = min(a.size, size_b)
    out = np.empty((most, 3), np.int64)
    stack = np.empty((most + 1, 4), np.int64)  # every run found adds at most one range
    stack[0, 0], stack[0, 1], stack[0, 2], stack[0, 3] = 0, a.size, 0, size_b
    rows = (np.zeros(size_b + 1, np.int64), np.zeros(size_b + 1, np.int64))
    touched = (np.empty(size_b + 1, np.int64), np.empty(size_b + 1, np.int64))
    found, top = 0, 1
    while top > 0:
        top -= 1
        alo, ahi, blo, bhi = stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3]
        i, j, k = _longest(a, places, starts, alo, ahi, blo, bhi, rows, touched)
        if k == 0:
            continue
        out[found, 0], out[found, 1], out[found, 2] = i, j, k
        found += 1
        if alo < i and blo < j:
            stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3] = alo, i, blo, j
            top += 1
        if i + k < ahi and j + k < bhi:
            stack[top, 0], stack[top, 1], stack[top, 2], stack[top, 3] = i + k, ahi, j + k, bhi
            top += 1
    return out[:found]


@njit(cache=True, nogil=True)
def _longest(
    a: I64Array,
    places: I64Array,
    starts: I64Array,
    alo: int,
    ahi: int,
    blo: int,
    bhi: int,
    rows: tuple[I64Array, I64Array],
    touched: tuple[I64Array, I64Array],
) -> tuple[int, int, int]:
    """difflib's ``find_longest_match`` without junk: the longest run ``a[i:i+k] ==
    b[j:j+k]`` in the ranges, the earliest ``i`` then ``j`` among the longest.

    ``rows[0][j + 1]`` holds the length of the run ending at A's previous word and
    B's word ``j``; both rows are all zeros between calls (``touched`` lists the
    entries each row set, to clear them).
    """
    previous, current = rows
    was_set, now_set = touched
    besti, bestj, bestsize = alo, blo, 0
    count_previous = 0
    for i in range(alo, ahi):
        count = 0
        stop = starts[a[i] + 1]
        p = np.searchsorted(places[starts[a[i]] : stop], blo) + starts[a[i]]
        while p < stop and places[p] < bhi:
            j = places[p]
            k = previous[j] + 1
            current[j + 1] = k
            now_set[count] = j + 1
            count += 1
            if k > bestsize:
                besti, bestj, bestsize = i - k + 1, j - k + 1, k
            p += 1
        for t in range(count_previous):
            previous[was_set[t]] = 0
        previous, current = current, previous
        was_set, now_set = now_set, was_set
        count_previous = count
    for t in range(count_previous):
        previous[was_set[t]] = 0
    return besti, bestj, bestsize
