"""Band code -> group ids, held in memory as sorted runs.

Why not a B-tree table of ``(code, gid)`` rows: an index of 100,000 news
articles holds ten million band entries at 101 bands a document (thirteen
at today's 128) with random keys. Measured on the 2-core machine, inserting
them into an SQLite ``WITHOUT ROWID`` table cost 17-57 s and probing them 5-13 s, most of a batch
dedup run again. Here a batch's entries are merged into sorted arrays in
linear time and probed by binary search (a few microseconds for one
document) or, for a large sorted batch of probes, one linear merge-join.

Layout: a big ``main`` run and a small ``recent`` one, each a pair of arrays
sorted by (code, gid): codes ``uint64``, gids ``uint32`` (12 bytes an entry;
about 150 MB for 100,000 documents at 128 bands). New entries merge into
``recent``; when it outgrows a quarter of ``main`` it merges into ``main``,
so every entry is copied a handful of times, not once per insert. Removed
groups are filtered out of answers and dropped at the next merge into
``main``; group ids are never reused, so a removed id never comes back.

Not thread-safe by itself: the SQLite store serialises access.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from neardup.store.base import band_codes

U64Array = NDArray[np.uint64]
U32Array = NDArray[np.uint32]
I64Array = NDArray[np.int64]

_MIN_RECENT = 1 << 16  # entries kept in ``recent`` before main merges are considered
_RECENT_SHARE = 4  # merge when recent > main / 4: each entry is copied O(log) times
_MERGE_JOIN_RATIO = 200  # probes * this >= entries: a linear pass beats binary searches
_SMALL_ADD = 64  # groups added at most one code sort; more are sorted band by band
MAX_GID = (1 << 32) - 1


@njit(cache=True)
def _merge(
    ac: U64Array, ag: U32Array, bc: U64Array, bg: U32Array
) -> tuple[U64Array, U32Array]:  # pragma: no cover - compiled
    """Merge two runs sorted by (code, gid)."""
    n, m = ac.size, bc.size
    codes = np.empty(n + m, dtype=np.uint64)
    gids = np.empty(n + m, dtype=np.uint32)
    i = j = k = 0
    while i < n and j < m:
        if ac[i] < bc[j] or (ac[i] == bc[j] and ag[i] <= bg[j]):
            codes[k], gids[k] = ac[i], ag[i]
            i += 1
        else:
            codes[k], gids[k] = bc[j], bg[j]
            j += 1
        k += 1
    while i < n:
        codes[k], gids[k] = ac[i], ag[i]
        i += 1
        k += 1
    while j < m:
        codes[k], gids[k] = bc[j], bg[j]
        j += 1
        k += 1
    return codes, gids


@njit(cache=True)
def _merge_join(run: U64Array, probes: U64Array) -> tuple[I64Array, I64Array]:  # pragma: no cover
    """``[lo, hi)`` of each sorted probe in a sorted run, in one pass over both."""
    lo = np.empty(probes.size, dtype=np.int64)
    hi = np.empty(probes.size, dtype=np.int64)
    at = 0
    for q in range(probes.size):
        code = probes[q]
        while at < run.size and run[at] < code:
            at += 1
        lo[q] = at
        end = at
        while end < run.size and run[end] == code:
            end += 1
        hi[q] = end
    return lo, hi


@njit(cache=True)
def _binary(run: U64Array, probes: U64Array) -> tuple[I64Array, I64Array]:  # pragma: no cover
    """``[lo, hi)`` of each probe in a sorted run, by binary search."""
    n = run.size
    lo = np.empty(probes.size, dtype=np.int64)
    hi = np.empty(probes.size, dtype=np.int64)
    for q in range(probes.size):
        code = probes[q]
        left, right = 0, n
        while left < right:
            middle = (left + right) // 2
            if run[middle] < code:
                left = middle + 1
            else:
                right = middle
        lo[q] = left
        end = left
        while end < n and run[end] == code:
            end += 1
        hi[q] = end
    return lo, hi


def _sorted_run(keys: U32Array, gids: U32Array) -> tuple[U64Array, U32Array]:
    """Entries sorted by (code, gid), codes being ``band << 32 | key``.

    Codes of band ``b`` all sort before those of band ``b + 1``, so a large
    block is sorted band by band (32-bit keys, ``bands`` times fewer each);
    a stable sort keeps the ascending gids in order within a code.
    """
    bands, count = keys.shape
    if count <= _SMALL_ADD:
        codes = band_codes(keys).reshape(-1)
        order = np.argsort(codes, kind="stable")
        return codes[order], np.tile(gids, bands)[order]
    out_codes = np.empty(bands * count, dtype=np.uint64)
    out_gids = np.empty(bands * count, dtype=np.uint32)
    for band in range(bands):
        order = np.argsort(keys[band], kind="stable")
        part = slice(band * count, (band + 1) * count)
        out_codes[part] = (np.uint64(band) << np.uint64(32)) | keys[band][order].astype(np.uint64)
        out_gids[part] = gids[order]
    return out_codes, out_gids


class BandIndex:
    """Which groups hold each band code."""

    def __init__(self) -> None:
        self._main: tuple[U64Array, U32Array] = _empty()
        self._recent: tuple[U64Array, U32Array] = _empty()
        self._removed: I64Array = np.empty(0, dtype=np.int64)

    @property
    def entries(self) -> int:
        return int(self._main[0].size + self._recent[0].size)

    def add(self, keys: U32Array, gids: I64Array) -> None:
        """Add groups: their band keys ``(bands, groups)`` and ids (ascending, newer than any
        added before)."""
        if gids.size == 0:
            return
        if int(gids.max()) > MAX_GID:
            raise OverflowError("more than 2**32 groups: the band index stores 32-bit group ids")
        run = _sorted_run(np.asarray(keys, dtype=np.uint32), gids.astype(np.uint32))
        self._recent = _merge(*self._recent, *run)
        if self._recent[0].size > max(_MIN_RECENT, self._main[0].size // _RECENT_SHARE):
            self._compact()

    def remove(self, gids: I64Array) -> None:
        """Forget groups; their entries stop answering now and go at the next merge."""
        self._removed = np.union1d(self._removed, gids.astype(np.int64))

    def _compact(self) -> None:
        codes, gids = _merge(*self._main, *self._recent)
        if self._removed.size:
            keep = ~np.isin(gids.astype(np.int64), self._removed)
            codes, gids = codes[keep], gids[keep]
            self._removed = np.empty(0, dtype=np.int64)
        self._main, self._recent = (codes, gids), _empty()

    def lookup(self, codes: U64Array) -> tuple[I64Array, I64Array]:
        """``(position in codes, gid)`` of every live entry matching, by position then gid."""
        codes = np.asarray(codes, dtype=np.uint64)
        order = np.argsort(codes, kind="stable")
        probes = codes[order]
        # every gid in recent is newer (larger) than every gid in main, and within a
        # code a run holds its gids ascending: a stable sort by position is enough
        found = [_hits(run, probes, order) for run in (self._main, self._recent)]
        where = np.concatenate([f[0] for f in found])
        gids = np.concatenate([f[1] for f in found])
        if self._removed.size:
            live = ~np.isin(gids, self._removed)
            where, gids = where[live], gids[live]
        by = np.argsort(where, kind="stable")
        return where[by], gids[by]


def _empty() -> tuple[U64Array, U32Array]:
    return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint32)


def _hits(
    run: tuple[U64Array, U32Array], probes: U64Array, order: I64Array
) -> tuple[I64Array, I64Array]:
    codes, gids = run
    if codes.size == 0 or probes.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if probes.size * _MERGE_JOIN_RATIO >= codes.size:
        lo, hi = _merge_join(codes, probes)
    else:
        lo, hi = _binary(codes, probes)
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    starts = np.repeat(lo - (np.cumsum(counts) - counts), counts)
    positions = starts + np.arange(total, dtype=np.int64)
    return np.repeat(order, counts).astype(np.int64), gids[positions].astype(np.int64)
