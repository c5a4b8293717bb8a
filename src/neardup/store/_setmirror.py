"""Shingle sets of every group, flat in memory by group id: what verification reads most.

Nine candidates in ten that LSH proposes are not duplicates, and they are
spread over the whole index, so verification reads shingle sets from all
over it. Read row by row from SQLite that cost about as much as the rest of
an add together (measured: 8 of 40 s for 100,000 news articles); here it is
one gather over arrays. Layout: ``values`` holds the sets one after
another in group id order, ``offsets[g]:offsets[g + 1]`` is group ``g``'s
(empty for ids never seen or removed); ``live[g]`` says whether it exists.
About 4 bytes a shingle: ~100 MB for 100,000 articles.

Appended to from the ``shingles`` table as groups arrive (ids only grow);
removed groups are marked dead from the ``removals`` log. Not thread-safe by
itself: the SQLite store serialises access.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

I64Array = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@njit(cache=True)
def _gather(
    values: NDArray[Any], offsets: I64Array, gids: I64Array
) -> tuple[NDArray[Any], I64Array]:  # pragma: no cover - compiled
    known = offsets.size - 1
    out_offsets = np.zeros(gids.size + 1, dtype=np.int64)
    for k in range(gids.size):
        g = gids[k]
        size = offsets[g + 1] - offsets[g] if 0 <= g < known else 0
        out_offsets[k + 1] = out_offsets[k] + size
    out = np.empty(out_offsets[-1], dtype=values.dtype)
    for k in range(gids.size):
        g = gids[k]
        if 0 <= g < known:
            start = offsets[g]
            out[out_offsets[k] : out_offsets[k + 1]] = values[start : offsets[g + 1]]
    return out, out_offsets


class SetMirror:
    """Group id -> shingle set (or another per-group array of ``dtype``, as little-endian
    blobs), for every group added since it was made."""

    def __init__(self, dtype: type[np.unsignedinteger[Any]] = np.uint32) -> None:
        self._dtype = np.dtype(dtype)
        self._values = np.empty(1 << 16, dtype=self._dtype)
        self._size = 0
        self._offsets = np.zeros(1, dtype=np.int64)
        self._live = np.zeros(0, dtype=bool)

    @property
    def next_gid(self) -> int:
        return int(self._offsets.size - 1)

    def add(self, gids: list[int], sets: list[bytes]) -> None:
        """Append groups with ascending ids above every id added before."""
        if not gids:
            return
        first, last = self.next_gid, gids[-1]
        sizes = np.zeros(last + 1 - first, dtype=np.int64)
        index = np.array(gids, dtype=np.int64) - first
        sizes[index] = [len(blob) // self._dtype.itemsize for blob in sets]
        self._reserve(self._size + int(sizes.sum()))
        joined = np.frombuffer(b"".join(sets), dtype=self._dtype.newbyteorder("<"))
        self._values[self._size : self._size + joined.size] = joined
        self._size += joined.size
        self._offsets = np.concatenate((self._offsets, self._offsets[-1] + np.cumsum(sizes)))
        live = np.zeros(sizes.size, dtype=bool)
        live[index] = True
        self._live = np.concatenate((self._live, live))

    def _reserve(self, size: int) -> None:
        if size > self._values.size:
            grown = np.empty(max(size, 2 * self._values.size), dtype=self._dtype)
            grown[: self._size] = self._values[: self._size]
            self._values = grown

    def remove(self, gids: list[int]) -> None:
        known = [g for g in gids if g < self._live.size]
        self._live[known] = False

    def gather(self, gids: I64Array) -> tuple[NDArray[Any], I64Array, BoolArray]:
        """Sets of ``gids`` in order, flat; ``live`` False (and an empty set) for groups gone."""
        gids = np.asarray(gids, dtype=np.int64)
        values, offsets = _gather(self._values[: self._size], self._offsets, gids)
        inside = (gids >= 0) & (gids < self._live.size)
        live = np.zeros(gids.size, dtype=bool)
        live[inside] = self._live[gids[inside]]
        return values, offsets, live
