"""The real similarity of candidate pairs, from their shingle sets."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from neardup._hashing import U64Array
from neardup.config import SimilarityKind


def overlap(a: U64Array, b: U64Array) -> int:
    """Size of the intersection of two sorted, duplicate-free arrays."""
    if a.size > b.size:
        a, b = b, a
    if a.size == 0:
        return 0
    positions = np.searchsorted(b, a)
    positions[positions == b.size] = 0
    return int(np.count_nonzero(b[positions] == a))


def similarity(a: U64Array, b: U64Array, kind: SimilarityKind) -> float:
    """Jaccard (overlap / union) or containment (overlap / smaller set)."""
    if a.size == 0 or b.size == 0:
        return 0.0
    shared = overlap(a, b)
    if kind == "jaccard":
        return shared / (a.size + b.size - shared)
    return shared / min(a.size, b.size)


def from_jaccard(
    jaccard: NDArray[np.float64],
    size_a: NDArray[np.int64],
    size_b: NDArray[np.int64],
    kind: SimilarityKind,
) -> NDArray[np.float64]:
    """Turn (estimated) Jaccard into the chosen similarity using the set sizes.

    The overlap is ``J / (1 + J) * (|A| + |B|)``, so containment needs no sets.
    """
    if kind == "jaccard":
        return jaccard
    shared = jaccard / (1.0 + jaccard) * (size_a + size_b)
    smaller = np.maximum(np.minimum(size_a, size_b), 1)
    return np.minimum(shared / smaller, 1.0)


def estimated_similarities(
    pairs: NDArray[np.int64],
    signatures: NDArray[np.uint32],
    sizes: NDArray[np.int64],
    kind: SimilarityKind,
) -> NDArray[np.float64]:
    """Similarity of every pair from MinHash signatures and set sizes alone."""
    left, right = pairs[:, 0], pairs[:, 1]
    agree = np.count_nonzero(signatures[left] == signatures[right], axis=1)
    jaccard = agree / np.float64(signatures.shape[1])
    return from_jaccard(jaccard, sizes[left], sizes[right], kind)


def pair_similarities(
    pairs: NDArray[np.int64], shingle_sets: Sequence[U64Array], kind: SimilarityKind
) -> NDArray[np.float64]:
    """Similarity of every pair ``(i, j)`` of document indices."""
    return np.fromiter(
        (similarity(shingle_sets[i], shingle_sets[j], kind) for i, j in pairs.tolist()),
        dtype=np.float64,
        count=len(pairs),
    )
