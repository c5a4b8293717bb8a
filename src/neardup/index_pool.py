"""What verification reads: a batch's documents and some stored groups as one flat store.

verify.py works on flat arrays (set ``d`` is ``values[offsets[d]:offsets[d + 1]]``)
and node indices; a :class:`Pool` lays the batch's documents (nodes ``0..n-1``)
and the stored groups asked for (nodes ``n..``, by ascending gid) out that
way, so the index scores and accepts pairs with batch dedup's own functions
and no Python loop over pairs or groups.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from neardup.arrays import sorted_unique
from neardup.config import DedupConfig
from neardup.features import Features, tail_words_read
from neardup.minhash import EMPTY
from neardup.pipeline import Matching, duplicates
from neardup.store.base import IndexStore
from neardup.verify import PairScores, estimated_similarities, pair_similarities

I64Array = NDArray[np.int64]
U32Array = NDArray[np.uint32]
Flat = tuple[NDArray[Any], I64Array]


def no_features(config: DedupConfig) -> Features:
    """An empty batch, for pools of stored groups only."""
    none, start = np.empty(0, np.uint32), np.zeros(1, np.int64)
    return Features(
        text_keys=np.empty(0, np.uint64),
        sets=none,
        set_offsets=start,
        sequences=none,
        sequence_offsets=start,
        numbers=np.empty(0, np.uint64),
        number_offsets=start,
        paragraphs=none,
        paragraph_offsets=start,
        band_keys=np.empty((0, 0), np.uint32),
        signatures=None if config.verify else np.empty((0, config.minhash.num_perm), np.uint32),
        sketches=None,
    )


def _join(first: Flat, second: Flat, dtype: type[np.unsignedinteger[Any]] = np.uint32) -> Flat:
    values = np.concatenate((first[0], second[0])).astype(dtype)
    offsets = np.concatenate((first[1], first[1][-1] + second[1][1:])).astype(np.int64)
    return values, offsets


def _rows(parts: list[NDArray[Any]], dtype: np.dtype[Any]) -> Flat:
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([p.size for p in parts], out=offsets[1:])
    values = np.concatenate(parts).astype(dtype) if parts else np.empty(0, dtype)
    return values, offsets


class Pool:
    """Shingle sets and numbers (and, when needed, sequences with paragraph starts, and
    signatures) of a batch and stored groups."""

    def __init__(
        self,
        features: Features,
        gids: I64Array,
        sets: Flat,
        numbers: Flat,
        signatures: U32Array | None = None,
        passages: tuple[Flat, Flat] | None = None,  # the groups' sequences, paragraph starts
        words: Flat | None = None,  # the content word of each shingle of those sequences
    ) -> None:
        self._n = int(features.set_offsets.size - 1)
        self._gids = gids
        self.values, self.offsets = _join((features.sets, features.set_offsets), sets)
        self.numbers = _join((features.numbers, features.number_offsets), numbers, np.uint64)
        self.signatures: U32Array | None = None
        if features.signatures is not None and signatures is not None:
            self.signatures = np.vstack((features.signatures, signatures)).astype(np.uint32)
        self.sequences: Flat | None = None
        self.paragraphs: Flat | None = None
        if passages is not None:
            self.sequences = _join((features.sequences, features.sequence_offsets), passages[0])
            self.paragraphs = _join((features.paragraphs, features.paragraph_offsets), passages[1])
        self.words: Flat | None = None
        if passages is not None and words is not None:
            ours = (features.words, features.sequence_offsets)
            self.words = _join(ours, words, np.uint16)

    @classmethod
    def build(
        cls,
        store: IndexStore,
        features: Features,
        gids: I64Array,
        config: DedupConfig,
        *,
        sequences: bool = False,
    ) -> tuple[Pool, NDArray[np.bool_]]:
        """A pool of ``features`` and the stored groups ``gids`` (any order, repeats allowed);
        also, per ascending unique gid, whether the group still exists."""
        unique = sorted_unique(np.asarray(gids, dtype=np.int64))
        values, offsets, live = store.shingle_sets(unique)
        signatures = read_by_passages = words = None
        if not config.verify:  # signatures are read from the rows: estimating runs are rare
            found = store.group_sets(unique.tolist())
            blank = np.full(config.minhash.num_perm, EMPTY, dtype=np.uint32)
            rows = [found[g].signature if g in found else blank for g in unique.tolist()]
            signatures = np.array(rows, dtype=np.uint32).reshape(-1, config.minhash.num_perm)
        if sequences:
            read_by_passages = store.sequences(unique)[:2], store.paragraphs(unique)[:2]
            words = store.words(unique)[:2] if tail_words_read(config) else None
        numbers = store.numbers(unique)[:2]
        pool = cls(
            features, unique, (values, offsets), numbers, signatures, read_by_passages, words
        )
        return pool, live

    def nodes(self, gids: I64Array) -> I64Array:
        """Node of each stored gid (which must be in the pool)."""
        return self._n + np.searchsorted(self._gids, np.asarray(gids, dtype=np.int64))

    def matching_of(self, nodes: I64Array, reps: I64Array) -> Matching:
        """pipeline.py's matching arrays for documents whose sets are pool ``nodes``;
        ``reps`` gives each document's exact-text representative among them."""
        if self.sequences is None or self.paragraphs is None:
            raise ValueError("this pool was built without shingle sequences")
        signatures = None if self.signatures is None else self.signatures[nodes]
        return Matching(
            reps,
            *_pick(self.values, self.offsets, nodes),
            *_pick(*self.sequences, nodes),
            *_pick(*self.numbers, nodes),
            *_pick(*self.paragraphs, nodes),
            signatures,
            threads=1,
            words=None if self.words is None else _pick(*self.words, nodes)[0],
        )

    def scores(self, pairs: I64Array, config: DedupConfig) -> PairScores:
        pairs = pairs.reshape(-1, 2).astype(np.int64)
        if config.verify or self.signatures is None:
            return pair_similarities(pairs, self.values, self.offsets, config.similarity)
        return estimated_similarities(pairs, self.signatures, self.offsets, config.similarity)

    def accept(self, pairs: I64Array, config: DedupConfig) -> tuple[PairScores, NDArray[np.bool_]]:
        """Scores, and which pairs are duplicates by batch dedup's one rule
        (:func:`neardup.pipeline.duplicates`); the pool must hold sequences."""
        pairs = pairs.reshape(-1, 2).astype(np.int64)
        ok, scores = duplicates(pairs, self.matching(), config)
        return scores, ok

    def matching(self) -> Matching:
        """The pool as pipeline.py's matching arrays (every node its own representative)."""
        if self.sequences is None or self.paragraphs is None:
            raise ValueError("this pool was built without shingle sequences")
        nodes = np.arange(self.offsets.size - 1, dtype=np.int64)
        return Matching(
            nodes,
            self.values,
            self.offsets,
            *self.sequences,
            *self.numbers,
            *self.paragraphs,
            self.signatures,
            threads=1,
            words=None if self.words is None else self.words[0],
        )


def _pick(values: NDArray[Any], offsets: I64Array, nodes: I64Array) -> Flat:
    return _rows([values[offsets[n] : offsets[n + 1]] for n in nodes.tolist()], values.dtype)
