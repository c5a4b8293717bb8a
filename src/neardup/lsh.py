"""Locality-sensitive hashing over MinHash signatures: bands, keys, candidates.

A signature is cut into ``bands`` bands of ``rows`` values; two documents
become candidates when any band agrees entirely. The chance of that for
Jaccard ``s`` is ``1 - (1 - s**rows) ** bands``, an S-curve whose steepest
point sits near ``(1 / bands) ** (1 / rows)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from neardup._hashing import U64, U64Array, chain_columns, mix64

_GRID = 201  # points for integrating the S-curve; plenty for three decimals


@dataclass(frozen=True)
class Banding:
    bands: int
    rows: int


def _integral(ys: NDArray[np.float64], xs: NDArray[np.float64]) -> float:
    return float(np.sum((ys[1:] + ys[:-1]) * np.diff(xs)) / 2.0)


def optimal_banding(
    threshold: float,
    num_perm: int,
    *,
    false_positive_weight: float = 0.5,
    false_negative_weight: float = 0.5,
) -> Banding:
    """The bands x rows minimising weighted false positive and negative areas.

    As datasketch does: false positives are pairs below ``threshold`` that
    still collide, false negatives pairs above it that never do.
    """
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


def band_keys(signatures: NDArray[np.uint32], banding: Banding) -> U64Array:
    """One 64-bit key per document and band, shape ``(documents, bands)``.

    The band number is mixed into its key, so equal values in different bands
    never collide.
    """
    docs = signatures.shape[0]
    keys = np.empty((docs, banding.bands), dtype=np.uint64)
    for band in range(banding.bands):
        block = signatures[:, band * banding.rows : (band + 1) * banding.rows].astype(np.uint64)
        keys[:, band] = mix64(chain_columns(block) ^ U64(band + 1))
    return keys


def candidate_pairs(keys: U64Array, *, skip: NDArray[np.bool_] | None = None) -> NDArray[np.int64]:
    """Pairs ``(i, j)``, ``i < j``, sharing at least one band key, sorted, unique.

    ``skip`` marks documents that take no part (empty shingle sets).
    """
    docs, bands = keys.shape
    doc_ids = np.repeat(np.arange(docs, dtype=np.int64), bands)
    flat = keys.reshape(-1)
    if skip is not None:
        keep = ~np.repeat(skip, bands)
        flat, doc_ids = flat[keep], doc_ids[keep]
    order = np.lexsort((doc_ids, flat))
    flat, doc_ids = flat[order], doc_ids[order]
    boundaries = np.flatnonzero(np.diff(flat)) + 1
    starts = np.concatenate(([0], boundaries))
    stops = np.concatenate((boundaries, [flat.size]))
    groups = [doc_ids[a:b] for a, b in zip(starts, stops, strict=True) if b - a > 1]
    return _pairs_within(groups, docs)


def _pairs_within(groups: list[NDArray[np.int64]], docs: int) -> NDArray[np.int64]:
    if not groups:
        return np.empty((0, 2), dtype=np.int64)
    codes = []
    for members in groups:
        left, right = np.triu_indices(members.size, k=1)
        codes.append(members[left] * docs + members[right])
    unique = np.unique(np.concatenate(codes))
    return np.stack((unique // docs, unique % docs), axis=1)
