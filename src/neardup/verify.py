"""The real similarity of candidate pairs, from their shingle sets or signatures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from neardup import kernels, passages
from neardup.config import DedupConfig, SimilarityKind
from neardup.parallel import thread_map

F64Array = NDArray[np.float64]
I64Array = NDArray[np.int64]


@dataclass(frozen=True)
class PairScores:
    """Similarity (of the configured kind) and Jaccard of each pair."""

    similarity: F64Array
    jaccard: F64Array

    @classmethod
    def concat(cls, parts: Sequence[PairScores]) -> PairScores:
        if not parts:
            return cls(np.empty(0), np.empty(0))
        return cls(
            np.concatenate([p.similarity for p in parts]),
            np.concatenate([p.jaccard for p in parts]),
        )

    def accepted(self, config: DedupConfig) -> NDArray[np.bool_]:
        """Pairs that are duplicates: similar enough, and for containment sharing
        at least ``min_jaccard`` of their union (a quoted paragraph is not a copy)."""
        ok = self.similarity >= config.threshold
        if config.similarity == "containment":
            ok &= self.jaccard >= config.min_jaccard
        return ok


def _ratio(numerator: F64Array, denominator: F64Array) -> F64Array:
    out = np.zeros(numerator.shape, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return np.minimum(out, 1.0)


def from_overlap(
    shared: NDArray[np.floating] | I64Array,
    size_a: I64Array,
    size_b: I64Array,
    kind: SimilarityKind,
) -> PairScores:
    """Scores from the overlap and the set sizes; 0 for empty sets."""
    shared = np.asarray(shared, dtype=np.float64)
    jaccard = _ratio(shared, (size_a + size_b - shared).astype(np.float64))
    if kind == "jaccard":
        return PairScores(jaccard, jaccard)
    return PairScores(_ratio(shared, np.minimum(size_a, size_b).astype(np.float64)), jaccard)


_PAIRS_PER_TASK = 65536  # enough work per thread to outweigh handing it over


def pair_similarities(
    pairs: I64Array,
    values: NDArray[np.uint32],
    offsets: I64Array,
    kind: SimilarityKind,
    *,
    threads: int = 1,
) -> PairScores:
    """Exact scores of every pair ``(i, j)`` of documents in a flat set store."""
    left, right = np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1])
    starts = range(0, left.size, _PAIRS_PER_TASK)

    def overlaps(start: int) -> I64Array:
        stop = start + _PAIRS_PER_TASK
        return kernels.pair_overlaps(values, offsets, left[start:stop], right[start:stop])

    parts = list(thread_map(overlaps, starts, threads))
    shared = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    sizes = np.diff(offsets)
    return from_overlap(shared, sizes[left], sizes[right], kind)


def similarity(a: NDArray[np.uint32], b: NDArray[np.uint32], kind: SimilarityKind) -> float:
    """Exact similarity of two sorted shingle sets."""
    values = np.concatenate((a, b)).astype(np.uint32)
    offsets = np.array([0, a.size, a.size + b.size], dtype=np.int64)
    return float(pair_similarities(np.array([[0, 1]]), values, offsets, kind).similarity[0])


def estimated_similarities(
    pairs: I64Array, signatures: NDArray[np.uint32], sizes: I64Array, kind: SimilarityKind
) -> PairScores:
    """Scores of every pair from MinHash signatures and set sizes alone.

    The signatures estimate Jaccard ``J``; the overlap is then
    ``J / (1 + J) * (|A| + |B|)``, so containment needs no sets either.
    """
    left, right = pairs[:, 0], pairs[:, 1]
    agree = np.count_nonzero(signatures[left] == signatures[right], axis=1)
    jaccard = agree / np.float64(signatures.shape[1])
    if kind == "jaccard":
        return PairScores(jaccard, jaccard)
    shared = jaccard / (1.0 + jaccard) * (sizes[left] + sizes[right])
    containment = _ratio(shared, np.minimum(sizes[left], sizes[right]).astype(np.float64))
    return PairScores(containment, jaccard)


def within_passage_limit(
    pairs: I64Array,
    sets: NDArray[np.uint32],
    set_offsets: I64Array,
    sequences: NDArray[np.uint32],
    sequence_offsets: I64Array,
    max_passage: int,
    max_lead: int = 0,
    *,
    threads: int = 1,
) -> NDArray[np.bool_]:
    """Pairs whose unshared passages are all short enough to be a copy's additions.

    A copy adds lines around its story (a headline, a caption, a footer) or
    loses its tail; a document that quotes a paragraph of another holds its
    own text on both sides of the quote, the quoted article keeps paragraphs
    the quoter lacks (both at most ``max_passage``), and when each opens with
    text of its own before the shared paragraph, they are two stories (at
    most ``max_lead``). A limit of 0 is no limit. See :mod:`neardup.passages`.
    """
    left, right = np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1])
    starts = range(0, left.size, _PAIRS_PER_TASK)

    def geometry(start: int) -> tuple[I64Array, I64Array]:
        stop = start + _PAIRS_PER_TASK
        return passages.pair_passages(
            sets,
            set_offsets,
            sequences,
            sequence_offsets,
            left[start:stop],
            right[start:stop],
            passages.ANCHOR,
        )

    parts = list(thread_map(geometry, starts, threads))
    ok = np.ones(left.size, dtype=bool)
    if not parts:
        return ok
    longest = np.concatenate([part[0] for part in parts])
    lead = np.concatenate([part[1] for part in parts])
    if max_passage:
        ok &= longest <= max_passage
    if max_lead:
        ok &= lead <= max_lead
    return ok
