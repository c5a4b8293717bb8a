"""Locality-sensitive hashing over MinHash signatures: bands, keys, candidates.

A signature is cut into ``bands`` bands of ``rows`` values; two documents
become candidates when any band agrees entirely. The chance of that for
Jaccard ``s`` is ``1 - (1 - s**rows) ** bands``, an S-curve whose steepest
point sits near ``(1 / bands) ** (1 / rows)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from neardup import kernels
from neardup.arrays import sorted_unique
from neardup.parallel import prefetched, thread_map
from neardup.spill import SpillArray

_GRID = 201  # points for integrating the S-curve; plenty for three decimals
_MERGE_AT = 1 << 22  # pending pair codes merged into the unique set once they outgrow it
DOCS_PER_SHARD = 1 << 16  # candidate shards hold the pairs of about this many first documents
MAX_BUCKET = 200  # past this, a bucket is linked as star + chain (see kernels.bucket_pairs)


@dataclass(frozen=True)
class Banding:
    bands: int
    rows: int


def _integrals(ys: NDArray[np.float64], xs: NDArray[np.float64]) -> NDArray[np.float64]:
    """The trapezoid integral of each row of ``ys`` over ``xs``."""
    areas: NDArray[np.float64] = np.sum((ys[:, 1:] + ys[:, :-1]) * np.diff(xs), axis=1) / 2.0
    return areas


def optimal_banding(
    threshold: float, num_perm: int, *, false_negative_weight: float = 0.5
) -> Banding:
    """The bands x rows minimising weighted false positive and negative areas.

    As datasketch does: false positives are pairs below ``threshold`` that
    still collide, false negatives pairs above it that never do. Weighting
    false negatives more suits a run that verifies every candidate, where a
    false positive costs only its check. Every shape is scored at once (a loop
    over them took 30 ms, at every run and index opening); the first best wins.
    """
    false_positive_weight = 1.0 - false_negative_weight
    shapes = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    table = np.array(shapes, dtype=np.float64)
    bands, rows = table[:, :1], table[:, 1:]  # columns: one row of the curve per shape
    below = np.linspace(0.0, threshold, _GRID)
    above = np.linspace(threshold, 1.0, _GRID)
    fp = _integrals(1.0 - (1.0 - below**rows) ** bands, below)
    fn = _integrals((1.0 - above**rows) ** bands, above)
    errors = false_positive_weight * fp + false_negative_weight * fn
    best = 0
    for at, error in enumerate(errors.tolist()):  # ties within 1e-12: the earlier shape
        if error < errors[best] - 1e-12:
            best = at
    return Banding(*shapes[best])


def band_keys(signatures: NDArray[np.uint32], banding: Banding) -> NDArray[np.uint32]:
    """One 32-bit key per band and document, shape ``(bands, documents)``.

    The band number is mixed into its key, so equal values in different bands
    never collide.
    """
    return kernels.band_keys(signatures, banding.bands, banding.rows)


def _band_codes(
    active: NDArray[np.bool_], max_bucket: int
) -> Callable[[NDArray[np.uint32]], NDArray[np.int64]]:
    """A band's keys -> its pairs among the ``active`` documents, as sorted unique codes
    ``i * total + j`` (the document numbers are converted once, not per band)."""
    docs = np.flatnonzero(active)
    doc_bits = docs.astype(np.uint64)
    return lambda keys: bucket_codes(keys[docs], doc_bits, active.size, max_bucket)


def _decoded(codes: NDArray[np.int64], total: int) -> NDArray[np.int64]:
    return np.stack((codes // total, codes % total), axis=1)


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
    unique = np.empty(0, dtype=np.int64)
    pending: list[NDArray[np.int64]] = []
    for codes in thread_map(_band_codes(active, max_bucket), bands, threads):
        pending.append(codes)
        if sum(part.size for part in pending) > max(unique.size, _MERGE_AT):
            unique, pending = sorted_unique(np.concatenate([unique, *pending])), []
    return _decoded(sorted_unique(np.concatenate([unique, *pending])), active.size)


def shard_count(active: NDArray[np.bool_]) -> int:
    """Shards for :func:`candidate_shards`: one per ``DOCS_PER_SHARD`` taking part."""
    return max(1, -(-int(np.count_nonzero(active)) // DOCS_PER_SHARD))


def candidate_shards(
    bands: Iterable[NDArray[np.uint32]],
    active: NDArray[np.bool_],
    directory: Path,
    *,
    shards: int,
    max_bucket: int = MAX_BUCKET,
    threads: int = 1,
) -> Iterator[NDArray[np.int64]]:
    """The pairs of :func:`candidate_pairs` in ``shards`` parts by first document.

    Every band's pair codes are split by shard and appended to one file per
    shard in ``directory``; then each shard is read back, deduplicated and
    yielded in turn. Memory holds one shard's pairs rather than all of them,
    which at a million documents is tens of millions of pairs. The
    concatenated shards equal :func:`candidate_pairs`.
    """
    total = active.size
    first_docs = -(-np.arange(1, shards, dtype=np.int64) * total // shards)  # ceil
    bounds = first_docs * total
    files = [SpillArray(directory / f"pairs-{s:04d}.i64", np.int64) for s in range(shards)]
    for codes in thread_map(_band_codes(active, max_bucket), bands, threads):
        for file, part in zip(files, np.split(codes, np.searchsorted(codes, bounds)), strict=True):
            file.append(part)

    def finished(file: SpillArray) -> NDArray[np.int64]:
        codes = sorted_unique(file.finish())
        file.path.unlink()
        return _decoded(codes, total)

    yield from (prefetched if threads > 1 else map)(finished, files)


def bucket_codes(
    keys: NDArray[np.uint32], docs: NDArray[np.uint64], total: int, max_bucket: int = MAX_BUCKET
) -> NDArray[np.int64]:
    """Pairs of ``docs`` sharing a key of one band, as sorted unique codes ``i * total + j``.

    ``keys[k]`` is document ``docs[k]``'s key; a bucket must be given whole
    (every document with its key), as a distributed engine routes each key
    to one reducer. Document numbers must fit 32 bits.
    """
    left, right = kernels.bucket_pairs(kernels.band_entries(keys, docs), max_bucket)
    return kernels.unique_codes(left * total + right)
