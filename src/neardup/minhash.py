"""MinHash signatures, computed for a batch of documents at once.

Permutation ``i`` maps a shingle ``x`` (32 bits) to the top 32 bits of
``a[i] * x + b[i] (mod 2**64)`` with ``a[i]`` odd (multiply-add-shift
hashing, universal for 32-bit keys); the signature keeps each permutation's
minimum.

Signature layout: ``uint32`` array of shape ``(documents, num_perm)``, row
``d`` belongs to document ``d``; an empty shingle set has every value
``0xFFFFFFFF`` and matches nothing. ``a``/``b`` come from the seed through
numpy's PCG64, so they are identical on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from neardup import kernels
from neardup._hashing import U64Array, seeded_uint64
from neardup.config import MinHashConfig

EMPTY = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True)
class Permutations:
    """The seeded hash family; build once per run and reuse for every batch."""

    a: U64Array
    b: U64Array
    one_hash: bool = False  # one-permutation hashing: a[0], b[0] hash, b seeds the probes

    @classmethod
    def from_config(cls, config: MinHashConfig) -> Permutations:
        return cls(
            a=seeded_uint64(config.seed, config.num_perm, odd=True),
            b=seeded_uint64(config.seed + 0x5EED, config.num_perm),
            one_hash=config.sketch == "oph",
        )

    @property
    def num_perm(self) -> int:
        return int(self.a.size)


def signatures(
    values: NDArray[np.uint32], offsets: NDArray[np.int64], perms: Permutations
) -> NDArray[np.uint32]:
    """Signatures of the flat shingle sets of a batch, one row per document."""
    if perms.one_hash:
        return kernels.one_permutation(values, offsets, perms.a, perms.b)
    return kernels.minhash(values, offsets, perms.a, perms.b)


def estimate_jaccard(sig_a: NDArray[np.uint32], sig_b: NDArray[np.uint32]) -> float:
    """Fraction of permutations whose minima agree: an unbiased Jaccard estimate."""
    if sig_a[0] == EMPTY and sig_b[0] == EMPTY:
        return 0.0
    return float(np.mean(sig_a == sig_b))
