"""Fetch what verification and keep need of some documents, wherever their partitions are.

A task working on pairs or a cluster names the documents it needs by global
position; their shingle sets, sequences, signatures and metadata are read
from each partition's feature files (memory-mapped when local, so only the
pages of those documents are touched) and laid out compactly, numbered
``0..n-1`` in position order. The stages then run on them exactly as the
local engine runs on the whole corpus.
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from neardup import kernels
from neardup.config import DedupConfig
from neardup.engines.ray.featurize import decode, features_dir, read_meta
from neardup.engines.ray.storage import WorkDir
from neardup.features import tail_words_read
from neardup.pipeline import Collected, Matching

I64Array = NDArray[np.int64]


@dataclass
class Gathered:
    """Documents ``positions`` (sorted global positions), renumbered ``0..n-1``."""

    positions: I64Array
    sets: tuple[NDArray[np.uint32], I64Array]
    sequences: tuple[NDArray[np.uint32], I64Array]
    numbers: tuple[NDArray[np.uint64], I64Array]
    paragraphs: tuple[NDArray[np.uint32], I64Array]  # empty with the sequences
    signatures: NDArray[np.uint32] | None
    meta: pa.Table | None  # id, source, line (and field_value), when asked for
    sketches: NDArray[np.uint8] | None = None  # when verifying: to screen candidates
    words: NDArray[np.uint16] | None = None  # with the sequences, when the tail check reads them

    def local(self, positions: I64Array) -> I64Array:
        """Global positions to their numbers here."""
        return np.searchsorted(self.positions, positions).astype(np.int64)

    def matching(self, reps: I64Array | None = None) -> Matching:
        """The arrays the verify and keep stages take; ``reps`` are local numbers."""
        if reps is None:
            reps = np.arange(self.positions.size, dtype=np.int64)
        return Matching(
            reps,
            *self.sets,
            *self.sequences,
            *self.numbers,
            *self.paragraphs,
            self.signatures,
            threads=1,
            sketches=self.sketches,
            words=self.words,
        )

    def collected(self, work: WorkDir, offsets: I64Array) -> Collected:
        """Ids, lengths and keep-field values, as the keep policies read them."""
        if self.meta is None:
            return Collected()
        ids = decode(self.meta.column("id"))
        values = (
            [pickle.loads(value) for value in self.meta.column("field_value").to_pylist()]
            if "field_value" in self.meta.column_names
            else [None] * len(ids)
        )
        lengths = _lengths(work, self.positions, offsets)
        return Collected(ids, lengths.tolist(), values)


def partition_of(positions: I64Array, offsets: I64Array) -> I64Array:
    """Which partition holds each global position."""
    return (np.searchsorted(offsets, positions, side="right") - 1).astype(np.int64)


def gather(
    work: WorkDir,
    positions: I64Array,
    offsets: I64Array,
    config: DedupConfig,
    *,
    meta: bool = False,
    sequences: bool = True,
) -> Gathered:
    """Features (and with ``meta`` the metadata) of the documents at sorted ``positions``.

    Without ``sequences`` their text-order shingles and paragraph starts are left out
    (empty): enough for every score but the passage checks.
    """
    sets: list[tuple[NDArray[np.uint32], I64Array]] = []
    ordered: list[tuple[NDArray[np.uint32], I64Array]] = []
    paragraphs: list[tuple[NDArray[np.uint32], I64Array]] = []
    numbers: list[tuple[NDArray[np.uint64], I64Array]] = []
    signatures: list[NDArray[np.uint32]] = []
    sketches: list[NDArray[np.uint8]] = []
    words: list[tuple[NDArray[np.uint16], I64Array]] = []
    with_words = sequences and tail_words_read(config)
    tables: list[pa.Table] = []
    for partition, rows in _by_partition(positions, offsets):
        folder = features_dir(partition)
        sets.append(_ragged(work, folder, "sets", "set_offsets", rows))
        if sequences:
            ordered.append(_ragged(work, folder, "sequences", "sequence_offsets", rows))
            paragraphs.append(_ragged(work, folder, "paragraphs", "paragraph_offsets", rows))
        if with_words:
            words.append(_ragged(work, folder, "words", "sequence_offsets", rows))
        numbers.append(_ragged(work, folder, "numbers", "number_offsets", rows))
        if not config.verify:
            signatures.append(np.asarray(work.load_array(folder, "signatures")[rows]))
        else:
            sketches.append(np.asarray(work.load_array(folder, "sketches")[rows]))
        if meta:
            tables.append(read_meta(work, partition).take(pa.array(rows)))
    num_perm = config.minhash.num_perm
    return Gathered(
        positions,
        _concat_ragged(sets),
        _concat_ragged(ordered),
        _concat_ragged(numbers, np.uint64),
        _concat_ragged(paragraphs),
        None if config.verify else _concat(signatures, (0, num_perm), np.uint32),
        pa.concat_tables(tables) if meta and tables else None,
        _concat(sketches, (0, num_perm), np.uint8) if config.verify else None,
        _concat_ragged(words, np.uint16)[0] if with_words else None,
    )


def _lengths(work: WorkDir, positions: I64Array, offsets: I64Array) -> I64Array:
    parts = [
        np.asarray(work.load_array(features_dir(partition), "lengths")[rows])
        for partition, rows in _by_partition(positions, offsets)
    ]
    return _concat(parts, (0,), np.int64)


def _by_partition(positions: I64Array, offsets: I64Array) -> list[tuple[int, I64Array]]:
    if positions.size == 0:
        return []
    partitions = partition_of(positions, offsets)
    bounds = np.flatnonzero(np.r_[True, partitions[1:] != partitions[:-1], True])
    return [
        (int(partitions[start]), positions[start:stop] - offsets[partitions[start]])
        for start, stop in itertools.pairwise(bounds)
        if stop > start
    ]


def _ragged(
    work: WorkDir, folder: str, values_name: str, offsets_name: str, rows: I64Array
) -> tuple[NDArray[Any], I64Array]:
    """Rows ``rows`` of a flat ragged array, copied out compactly."""
    values = np.asarray(work.load_array(folder, values_name))
    offsets = np.asarray(work.load_array(folder, offsets_name))
    return kernels.take_ragged(values, offsets, np.ascontiguousarray(rows, dtype=np.int64))


def _concat_ragged(
    parts: Sequence[tuple[NDArray[Any], I64Array]], dtype: Any = np.uint32
) -> tuple[NDArray[Any], I64Array]:
    if not parts:
        return np.empty(0, dtype), np.zeros(1, np.int64)
    values = np.concatenate([values for values, _ in parts])
    sizes = np.concatenate([np.diff(offsets) for _, offsets in parts])
    offsets = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return values, offsets


def _concat(parts: list[NDArray[Any]], empty_shape: tuple[int, ...], dtype: Any) -> NDArray[Any]:
    return np.concatenate(parts) if parts else np.empty(empty_shape, dtype=dtype)
