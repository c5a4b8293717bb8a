"""MinHash signatures, computed for a batch of documents at once.

Permutation ``i`` maps a shingle ``x`` to the top 32 bits of
``a[i] * x + b[i] (mod 2**64)`` with ``a[i]`` odd (multiply-shift hashing);
the signature keeps each permutation's minimum. Shingles are already mixed
64-bit hashes, so this family behaves as random permutations do.

Signature layout: ``uint32`` array of shape ``(documents, num_perm)``, row
``d`` belongs to document ``d``; an empty shingle set has every value
``0xFFFFFFFF`` and matches nothing. The parameters ``a``/``b`` come from the
seed through numpy's PCG64, so they are identical on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from neardup._hashing import U64, U64Array, seeded_uint64
from neardup.config import MinHashConfig

EMPTY = np.uint32(0xFFFFFFFF)
_CHUNK_CELLS = 4_000_000  # permutations x shingles per step: ~32 MB of temporaries


@dataclass(frozen=True)
class Permutations:
    """The seeded hash family; build once per run and reuse for every batch."""

    a: U64Array
    b: U64Array

    @classmethod
    def from_config(cls, config: MinHashConfig) -> Permutations:
        return cls(
            a=seeded_uint64(config.seed, config.num_perm, odd=True),
            b=seeded_uint64(config.seed + 0x5EED, config.num_perm),
        )

    @property
    def num_perm(self) -> int:
        return int(self.a.size)


def signatures(shingle_sets: Sequence[U64Array], perms: Permutations) -> NDArray[np.uint32]:
    """Signatures of many documents, one row per document."""
    out = np.full((len(shingle_sets), perms.num_perm), EMPTY, dtype=np.uint32)
    cells_per_shingle = perms.num_perm
    start = 0
    while start < len(shingle_sets):
        stop, cells = start, 0
        while stop < len(shingle_sets) and (stop == start or cells < _CHUNK_CELLS):
            cells += shingle_sets[stop].size * cells_per_shingle
            stop += 1
        _fill(out, shingle_sets, start, stop, perms)
        start = stop
    return out


def _fill(
    out: NDArray[np.uint32],
    shingle_sets: Sequence[U64Array],
    start: int,
    stop: int,
    perms: Permutations,
) -> None:
    chunk = shingle_sets[start:stop]
    sizes = np.fromiter((s.size for s in chunk), dtype=np.int64, count=len(chunk))
    nonempty = np.flatnonzero(sizes)
    if nonempty.size == 0:
        return
    values = np.concatenate([chunk[int(i)] for i in nonempty])
    hashed = (perms.a[:, None] * values[None, :] + perms.b[:, None]) >> U64(32)
    offsets = np.concatenate(([0], np.cumsum(sizes[nonempty])[:-1]))
    mins = np.minimum.reduceat(hashed, offsets, axis=1)
    out[start + nonempty] = mins.T.astype(np.uint32)


def estimate_jaccard(sig_a: NDArray[np.uint32], sig_b: NDArray[np.uint32]) -> float:
    """Fraction of permutations whose minima agree: an unbiased Jaccard estimate."""
    if sig_a[0] == EMPTY and sig_b[0] == EMPTY:
        return 0.0
    return float(np.mean(sig_a == sig_b))
