"""Locality-sensitive hashing over MinHash signatures: bands, keys, candidates.

A signature is cut into ``bands`` bands of ``rows`` values; two documents
become candidates when any band agrees entirely. The chance of that for
Jaccard ``s`` is ``1 - (1 - s**rows) ** bands``, an S-curve whose steepest
point sits near ``(1 / bands) ** (1 / rows)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from neardup import kernels
from neardup.parallel import thread_map

_GRID = 201  # points for integrating the S-curve; plenty for three decimals
_MERGE_AT = 1 << 22  # pending pair codes merged into the unique set once they outgrow it
MAX_BUCKET = 200  # past this, a bucket is linked as star + chain (see kernels.bucket_pairs)


@dataclass(frozen=True)
class Banding:
    bands: int
    rows: int


def _integral(ys: NDArray[np.float64], xs: NDArray[np.float64]) -> float:
    return float(np.sum((ys[1:] + ys[:-1]) * np.diff(xs)) / 2.0)


def optimal_banding(
    threshold: float, num_perm: int, *, false_negative_weight: float = 0.5
) -> Banding:
    """The bands x rows minimising weighted false positive and negative areas.

    As datasketch does: false positives are pairs below ``threshold`` that
    still collide, false negatives pairs above it that never do. Weighting
    false negatives more suits a run that verifies every candidate, where a
    false positive costs only its check.
    """
    false_positive_weight = 1.0 - false_negative_weight
    best: tuple[float, int, int] | None = None
    below = np.linspace(0.0, threshold, _GRID)
    above = np.linspace(threshold, 1.0, _GRID)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            fp = _integral(1.0 - (1.0 - below**rows) ** bands, below)
            fn = _integral((1.0 - above**rows) ** bands, above)
            error = false_positive_weight * fp + false_negative_weight * fn
            if best is None or error < best[0] - 1e-12:
                best = (error, bands, rows)
    assert best is not None
    return Banding(bands=best[1], rows=best[2])


def band_keys(signatures: NDArray[np.uint32], banding: Banding) -> NDArray[np.uint32]:
    """One 32-bit key per band and document, shape ``(bands, documents)``.

    The band number is mixed into its key, so equal values in different bands
    never collide.
    """
    return kernels.band_keys(signatures, banding.bands, banding.rows)


def candidate_pairs(
    bands: Iterable[NDArray[np.uint32]],
    active: NDArray[np.bool_],
    *,
    max_bucket: int = MAX_BUCKET,
    threads: int = 1,
) -> NDArray[np.int64]:
    """Pairs ``(i, j)``, ``i < j``, sharing at least one band key, sorted and unique.

    ``bands`` yields each band's keys for every document in turn (so only a
    few bands are held at once); ``active`` marks the documents that take
    part (one per exact-text group, non-empty shingle sets). Bands are
    bucketed on ``threads`` threads; the result does not depend on it.
    """
    total = active.size
    docs = np.flatnonzero(active)
    doc_bits = docs.astype(np.uint64)

    def band_codes(keys: NDArray[np.uint32]) -> NDArray[np.int64]:
        return bucket_codes(keys[docs], doc_bits, total, max_bucket)

    unique = np.empty(0, dtype=np.int64)
    pending: list[NDArray[np.int64]] = []
    for codes in thread_map(band_codes, bands, threads):
        pending.append(codes)
        if sum(part.size for part in pending) > max(unique.size, _MERGE_AT):
            unique, pending = np.unique(np.concatenate([unique, *pending])), []
    unique = np.unique(np.concatenate([unique, *pending]))
    return np.stack((unique // total, unique % total), axis=1)


def bucket_codes(
    keys: NDArray[np.uint32], docs: NDArray[np.uint64], total: int, max_bucket: int = MAX_BUCKET
) -> NDArray[np.int64]:
    """Pairs of ``docs`` sharing a key of one band, as sorted unique codes ``i * total + j``.

    ``keys[k]`` is document ``docs[k]``'s key; a bucket must be given whole
    (every document with its key), as a distributed engine routes each key
    to one reducer. Document numbers must fit 32 bits.
    """
    entries = np.sort((keys.astype(np.uint64) << np.uint64(32)) | docs)
    left, right = kernels.bucket_pairs(entries, max_bucket)
    return np.unique(left * total + right)
