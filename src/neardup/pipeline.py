"""Batch dedup: the stages of DESIGN.md composed over a stream of records.

read -> [normalize -> shingle -> sketch -> band keys] per batch, in worker
processes -> candidates -> verify -> cluster -> keep. No text outlives its
batch: what stays is each record's id, length, exact-text key, band keys,
and its shingle set, spilled to a file in a work directory and read back
memory-mapped for verification.

Records whose normalised texts are identical are grouped first; only one of
each group takes part in LSH, which keeps huge buckets of exact copies from
turning into quadratic candidate lists.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from neardup import semantic
from neardup.arrays import sorted_unique, stable_order
from neardup.cluster import components
from neardup.config import DedupConfig, check_count
from neardup.errors import ConfigError
from neardup.features import Features, Featurizer, tail_words_read
from neardup.featurize_inputs import Batch, Inputs, featurized_inputs
from neardup.gcpause import gc_paused
from neardup.io.directories import scratch_directory
from neardup.keep import Candidate, choose_kept
from neardup.lsh import Banding, candidate_shards, optimal_banding, shard_count
from neardup.parallel import ordered_map, thread_map
from neardup.passages import (
    LEDE_CHECK_BELOW,
    NEAR_IDENTICAL,
    PASSAGE_CHECK_BELOW,
)
from neardup.progress import NullProgress, Progress, StageClock
from neardup.result import DedupResult
from neardup.spill import (
    SpillArray,
    SpillColumns,
    SpillRagged,
    release_pages,
    text_reader,
)
from neardup.text.shingle import utf8_batch
from neardup.types import Record
from neardup.verify import (
    NEAR_COPY,
    FigureScores,
    PairScores,
    TemplateCounts,
    estimated_similarities,
    figure_scores,
    jaccard_floor,
    numbers_kept,
    pair_similarities,
    plausible_pairs,
    set_sizes,
    tail_on_topic,
    template_checked_below,
    template_counts,
    within_passage_limit,
)

I64Array = NDArray[np.int64]
T = TypeVar("T")

CANDIDATE_FLOOR = 0.1  # lowest Jaccard LSH is banded for by default; see lsh_threshold
_TILE_DOCS = 1 << 16  # verification works on pairs within two ranges of this many documents
_RESIDENT_BUDGET = 1 << 28  # mapped set files larger than this are let go of tile by tile
_BLOCK = 1 << 15  # at most this many pairs a thread verifies whole (:func:`_verdicts_on_threads`)
BATCH_SIZE = 1024  # documents per batch: amortises a kernel call, small enough to stream
_VERIFIED_FN_WEIGHT = 0.8  # candidates are verified: a missed pair costs more than a checked one


def choose_banding(config: DedupConfig) -> Banding:
    """bands x rows in force: given explicitly, or optimal for the LSH threshold."""
    if config.bands is not None and config.rows is not None:
        return Banding(config.bands, config.rows)
    weight = _VERIFIED_FN_WEIGHT if config.verify else 0.5
    return optimal_banding(
        lsh_threshold(config), config.minhash.num_perm, false_negative_weight=weight
    )


def lsh_threshold(config: DedupConfig) -> float:
    """Where candidate recall should be high.

    LSH finds pairs by Jaccard. With Jaccard similarity that is the
    threshold itself; with containment, the lowest Jaccard a pair may have
    and still be accepted (``min_jaccard``), but not below
    ``CANDIDATE_FLOOR``. Banded for 0.1 (128 x 2 of 256 values), LSH finds
    seven in ten pairs at Jaccard 0.1 and 95 in 100 at 0.15: the abridged,
    OCR'd copies of a long story, whose Jaccard sits there while their
    containment is high. Lower, one-row bands would make most pairs sharing
    a few stock phrases candidates; see docs/quality.md.
    """
    if config.lsh_threshold is not None:
        return config.lsh_threshold
    if config.similarity == "containment":
        return max(CANDIDATE_FLOOR, config.min_jaccard)
    return config.threshold


def default_workers() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


@dataclass
class Collected:
    """Everything kept per record between the streaming pass and the matching stages."""

    ids: list[str] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    field_values: list[Any] = field(default_factory=list)
    text_keys: list[NDArray[np.uint64]] = field(default_factory=list)


def featurized(
    records: Iterable[Record], featurize: Featurizer, workers: int, batch_size: int
) -> Iterator[tuple[list[Record], Features]]:
    """Batches of records with their features, computed in ``workers`` processes, in
    input order (only the batches in flight are held)."""
    pending: deque[list[Record]] = deque()

    def texts() -> Iterator[list[str]]:
        iterator = iter(records)
        while batch := list(islice(iterator, batch_size)):
            pending.append(batch)
            yield [record.text for record in batch]

    for features in ordered_map(featurize, texts(), workers):
        yield pending.popleft(), features


def collect(
    records: Iterable[Record] | Inputs,
    featurize: Featurizer,
    store: Store,
    workers: int,
    batch_size: int,
    clock: StageClock,
    progress: Progress,
    each: Callable[[list[Record], Features], None] | None = None,
) -> Collected:
    """The streaming pass: features of every record, sets spilled to disk, and the
    per-record facts the later stages need; ``each`` is shown every batch with its
    features, in input order (with texts: ``records`` is read here then)."""
    collected = Collected()
    progress.start("read + sketch")
    if isinstance(records, Inputs) and (each is not None or store.texts is not None):
        records = records.records()  # texts needed here: read them here
    if isinstance(records, Inputs):
        batches = featurized_inputs(records, featurize, workers, batch_size)
    else:
        batches = _batches_of(records, featurize, workers, batch_size, each, store)
    for ids, keep_values, lengths, features in batches:
        collected.ids.extend(ids)
        collected.field_values.extend(keep_values)
        collected.lengths.extend(lengths)
        _absorb(collected, features, store)
        for stage, seconds in features.seconds.items():
            clock.add(stage, seconds)
        progress.advance(len(features.text_keys))
    progress.finish()
    return collected


def _batches_of(
    records: Iterable[Record],
    featurize: Featurizer,
    workers: int,
    batch_size: int,
    each: Callable[[list[Record], Features], None] | None,
    store: Store,
) -> Iterator[Batch]:
    """Batches of ``records`` read here, shown to ``each`` and their texts spilled when
    the run keeps them."""
    keep_field = featurize.config.keep_field
    for batch, features in featurized(records, featurize, workers, batch_size):
        if each is not None:
            each(batch, features)
        if store.texts is not None:
            store.texts.append(*utf8_batch([record.text for record in batch]))
        yield Batch(
            [record.id for record in batch],
            [record.fields.get(keep_field) if keep_field else None for record in batch],
            [len(record.text) for record in batch],
            features,
        )


def _absorb(collected: Collected, features: Features, store: Store) -> None:
    collected.text_keys.append(features.text_keys)
    store.sets.append(features.sets, features.set_offsets)
    store.sequences.append(features.sequences, features.sequence_offsets)
    store.numbers.append(features.numbers, features.number_offsets)
    store.paragraphs.append(features.paragraphs, features.paragraph_offsets)
    store.band_keys.append(features.band_keys)
    if features.signatures is not None and store.signatures is not None:
        store.signatures.append(features.signatures.reshape(-1))
    if features.sketches is not None and store.sketches is not None:
        store.sketches.append(features.sketches.reshape(-1))
    if store.words is not None:
        store.words.append(features.words)


def _rows(spill: SpillArray | None, width: int) -> NDArray[Any] | None:
    """A spilled per-document matrix (signatures, sketches) mapped back, a row per document."""
    return None if spill is None else spill.finish().reshape(-1, width)


def exact_representatives(keys: NDArray[np.uint64]) -> I64Array:
    """For each document, the first document with the same normalised text."""
    if keys.size == 0:
        return np.empty(0, dtype=np.int64)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first[inverse].astype(np.int64)


@dataclass
class Store:
    """What spills to the work directory: shingle sets and sequences, band keys one file per
    band, and (later) candidate pairs one file per shard."""

    sets: SpillRagged
    sequences: SpillRagged
    numbers: SpillRagged
    paragraphs: SpillRagged
    band_keys: SpillColumns
    signatures: SpillArray | None  # only when similarities are estimated from them
    sketches: SpillArray | None  # only when they are verified
    directory: Path  # where the candidate pairs spill too
    texts: SpillRagged | None = None  # UTF-8, only for the semantic stage (it reads them)
    words: SpillArray | None = None  # each shingle's content word, only for the tail check

    @classmethod
    def create(cls, directory: Path, config: DedupConfig, banding: Banding) -> Store:
        signatures = None if config.verify else SpillArray(directory / "signatures.u32", np.uint32)
        sketches = SpillArray(directory / "sketches.u8", np.uint8) if config.verify else None
        sets = SpillRagged(directory / "sets.u32", np.uint32)
        sequences = SpillRagged(directory / "sequences.u32", np.uint32)
        numbers = SpillRagged(directory / "numbers.u64", np.uint64)
        paragraphs = SpillRagged(directory / "paragraphs.u32", np.uint32)
        bands = SpillColumns(directory, banding.bands, np.uint32)
        texts = SpillRagged(directory / "texts.u8", np.uint8) if config.semantic else None
        words = SpillArray(directory / "words.u16", np.uint16) if tail_words_read(config) else None
        return cls(
            sets, sequences, numbers, paragraphs, bands, signatures, sketches, directory, texts,
            words,
        )  # fmt: skip


@dataclass
class Matching:
    """The arrays the matching stages share."""

    reps: I64Array
    set_values: NDArray[np.uint32]
    set_offsets: I64Array
    sequences: NDArray[np.uint32]
    sequence_offsets: I64Array
    numbers: NDArray[np.uint64]  # each document's numbers and places (kernels.number_sets)
    number_offsets: I64Array
    paragraphs: NDArray[np.uint32]  # where each document's paragraphs begin (``min_lede_share``)
    paragraph_offsets: I64Array
    signatures: NDArray[np.uint32] | None
    threads: int  # for the bucketing and verification kernels
    sketches: NDArray[np.uint8] | None = None  # screen candidates before verifying them
    topics: semantic.TailTopics | None = None  # the semantic stage's texts and model, if it runs
    tiles_released: bool = True  # False where a caller tiles the pairs and lets pages go itself
    words: NDArray[np.uint16] | None = None  # each shingle's content word (the tail check)

    def mapped_bytes(self) -> int:
        return sum(array.nbytes for array, _ in self._mapped())

    def release_pages(self, first: int, stop: int) -> None:
        """Let go of the mapped pages of documents ``first`` to ``stop`` (not included)."""
        for array, offsets in self._mapped():
            if offsets is None:  # a row per document
                release_pages(array, first, stop)
            else:
                release_pages(array, int(offsets[first]), int(offsets[stop]))

    def _mapped(self) -> list[tuple[NDArray[Any], I64Array | None]]:
        """Each array read from the spill files, with its documents' offsets (None: a row
        per document)."""
        arrays = (
            (self.set_values, self.set_offsets),
            (self.sequences, self.sequence_offsets),
            (self.words, self.sequence_offsets),
            (self.numbers, self.number_offsets),
            (self.paragraphs, self.paragraph_offsets),
            (self.signatures, None),
            (self.sketches, None),
        )
        return [(array, offsets) for array, offsets in arrays if array is not None]


def near_duplicate_edges(
    store: Store, matching: Matching, config: DedupConfig, clock: StageClock, counts: dict[str, int]
) -> tuple[I64Array, I64Array, NDArray[np.bool_]]:
    """Verified edges between exact-group representatives, the near-identical ones among them,
    and which of those are near-copies (``verify.NEAR_COPY``, as :func:`_near_copies` asks)."""
    sizes = np.diff(matching.set_offsets)
    active = (matching.reps == np.arange(matching.reps.size)) & (sizes > 0)
    shards = candidate_shards(
        store.band_keys.read(),
        active,
        store.directory,
        shards=shard_count(active),
        threads=matching.threads,
    )
    edges: list[I64Array] = [np.empty((0, 2), dtype=np.int64)]
    twins: list[I64Array] = [np.empty((0, 2), dtype=np.int64)]
    copies: list[NDArray[np.bool_]] = [np.empty(0, dtype=bool)]
    counts["candidate_pairs"] = counts["verified_pairs"] = 0
    while True:
        with clock.stage("candidates"):
            pairs = next(shards, None)
        if pairs is None:
            break
        counts["candidate_pairs"] += len(pairs)
        with clock.stage("verify"):
            found = _verdicts_on_threads(pairs, matching, config)
        counts["verified_pairs"] += int(np.count_nonzero(found.screened))
        edges.append(pairs[found.accepted])
        twins.append(pairs[found.near_identical])
        copies.append(found.near_copy[found.near_identical])
    counts["verified_edges"] = sum(len(part) for part in edges)
    return np.concatenate(edges), np.concatenate(twins), np.concatenate(copies)


def plausible(pairs: I64Array, matching: Matching, config: DedupConfig) -> NDArray[np.bool_]:
    """Candidates worth verifying: not far below the Jaccard a duplicate of their sizes reaches."""
    if matching.sketches is None:
        return np.ones(len(pairs), dtype=bool)
    offsets = matching.set_offsets
    floor = jaccard_floor(set_sizes(offsets, pairs[:, 0]), set_sizes(offsets, pairs[:, 1]), config)
    return plausible_pairs(pairs, matching.sketches, floor, threads=matching.threads)


@dataclass(frozen=True)
class Verdicts:
    """Per candidate pair: worth verifying (``plausible``), a duplicate, a near-identical one
    (sharing half its union: ``assign_kept`` never parts those), and a near-copy (four fifths)."""

    screened: NDArray[np.bool_]
    accepted: NDArray[np.bool_]
    near_identical: NDArray[np.bool_]
    near_copy: NDArray[np.bool_]


def verdicts(
    pairs: I64Array, matching: Matching, config: DedupConfig, *, screen: bool = True
) -> Verdicts:
    """The candidate ``pairs`` screened (unless they were already), then the rule's verdict
    on those that pass."""
    screened = plausible(pairs, matching, config) if screen else np.ones(len(pairs), dtype=bool)
    accepted, near, copy = (np.zeros(len(pairs), dtype=bool) for _ in range(3))
    passed = np.flatnonzero(screened)
    ok, scores = duplicates(pairs[passed], matching, config)
    accepted[passed] = ok
    near[passed] = ok & (scores.jaccard >= NEAR_IDENTICAL)
    copy[passed] = ok & (scores.jaccard >= NEAR_COPY)
    return Verdicts(screened, accepted, near, copy)


def _verdicts_on_threads(pairs: I64Array, matching: Matching, config: DedupConfig) -> Verdicts:
    """:func:`verdicts`, with several threads taking blocks of pairs whole.

    Spreading each check over the threads in turn kept 1.5-1.6 of two cores busy (the
    numpy between kernels, and the last block of every check, ran alone); a block
    verified whole on one thread overlaps the other's: 1.7-1.75. Blocks come from one tile at a
    time (:func:`_tilewise`), so memory holds the same two stretches of sets as
    before. The semantic stage's model stays on this thread.
    """
    if matching.threads <= 1 or matching.topics is not None:
        return verdicts(pairs, matching, config)
    alone = replace(matching, threads=1, tiles_released=False)
    return _tilewise(
        pairs, lambda block: verdicts(block, alone, config), matching, threads=matching.threads
    )


def verified_edges(
    pairs: I64Array, matching: Matching, config: DedupConfig
) -> tuple[I64Array, I64Array]:
    """The ``pairs`` (screened already) that are duplicates, and those of them sharing half
    their union (near-identical: ``assign_kept`` never parts them)."""
    found = verdicts(pairs, matching, config, screen=False)
    return pairs[found.accepted], pairs[found.near_identical]


def duplicates(
    pairs: I64Array, matching: Matching, config: DedupConfig
) -> tuple[NDArray[np.bool_], PairScores]:
    """Which pairs are duplicates, and their scores: the one acceptance rule.

    Similar enough (``PairScores.accepted``), and, unless the pair shares three
    fifths of its union (``passages.PASSAGE_CHECK_BELOW``), no passage longer than
    ``max_passage`` held by one copy alone, no more than ``max_lead`` of their own before the shared text in
    both, and, unless it shares four fifths (``passages.LEDE_CHECK_BELOW``), no lede of
    one's own under ``min_lede_share`` held by the other (a
    quote is not a copy; see ``verify.within_passage_limit``); its
    figures shared as its wording is (``verify.FigureScores.agree``); unless a
    near-copy, its numbers kept (``verify.numbers_kept``) and not one template filled
    in twice (``verify.TemplateCounts.filled_twice``: rewritten in place, unless
    near-identical; other numbers in place of its own).
    """
    scores = pair_scores(pairs, matching, config)
    ok = scores.accepted(config)
    for low, high, rule in passage_bands(config):
        check = np.flatnonzero(ok & (scores.jaccard >= low) & (scores.jaccard < high))
        ok[check] = _within_passage_limit(pairs[check], matching, rule)
    if config.verify and config.figure_ratio:
        check = np.flatnonzero(ok)
        ok[check] = _figure_scores(pairs[check], matching).agree(config)
    if config.verify and config.min_number_share:
        check = np.flatnonzero(ok & (scores.jaccard < NEAR_COPY))
        ok[check] = _numbers_kept(pairs[check], matching, config)
    below = template_checked_below(config)
    if below:
        check = np.flatnonzero(ok & (scores.jaccard < below))
        ok[check] = ~_template_counts(pairs[check], matching, config).filled_twice(
            scores.jaccard[check], config
        )
    if tail_words_read(config):
        check = np.flatnonzero(ok & (scores.jaccard < NEAR_IDENTICAL))
        ok[check] = _tail_on_topic(pairs[check], matching, config)
    if config.semantic:
        check = np.flatnonzero(ok & (scores.jaccard < NEAR_IDENTICAL))
        ok[check] = _same_topic(pairs[check], matching)
    return ok, scores


def passage_bands(config: DedupConfig) -> list[tuple[float, float, DedupConfig]]:
    """``(low, high, rule)``: the passage checks read a pair whose Jaccard is in
    ``[low, high)`` by ``rule``'s limits. All of them below three fifths of the union
    (``passages.PASSAGE_CHECK_BELOW``), the lede check alone from there to four fifths
    (``passages.LEDE_CHECK_BELOW``), none above; none when ``config`` turns them off."""
    bands = []
    if config.verify and (config.max_passage or config.max_lead or config.min_lede_share):
        bands.append((0.0, PASSAGE_CHECK_BELOW, config))
    if config.verify and config.min_lede_share:
        ledes_only = replace(config, max_passage=0, max_lead=0)
        bands.append((PASSAGE_CHECK_BELOW, LEDE_CHECK_BELOW, ledes_only))
    return bands


def passage_rule(config: DedupConfig, jaccard: float) -> DedupConfig | None:
    """The limits the passage checks read a pair sharing ``jaccard`` of its union by
    (:func:`passage_bands`), or None where none reads it."""
    return next((rule for low, high, rule in passage_bands(config) if low <= jaccard < high), None)


def on_sets_alone(config: DedupConfig) -> DedupConfig:
    """``config`` without the checks of :func:`duplicates` that read more than the shingle
    sets and numbers (sequences and paragraph starts: the passage and rewrite checks), for
    a first pass over pairs whose sets alone were gathered; a check added to
    :func:`duplicates` that reads them must be turned off here too."""
    return replace(
        config,
        max_passage=0,
        max_lead=0,
        min_lede_share=0,
        max_rewrite_rate=0,
        number_swaps=0,
        min_tail_word_cosine=0,
    )


def _same_topic(pairs: I64Array, matching: Matching) -> NDArray[np.bool_]:
    """The semantic stage's verdict (``semantic.TailTopics.same_topic``)."""
    if matching.topics is None:
        raise ConfigError(
            "the semantic stage reads the documents' texts, which only `neardup dedup` with the "
            "local engine (or neardup.dedup / dedup_files) keeps; drop --semantic here"
        )
    if len(pairs) == 0:
        return np.ones(0, dtype=bool)
    return matching.topics.same_topic(pairs)


def _tail_on_topic(pairs: I64Array, matching: Matching, config: DedupConfig) -> NDArray[np.bool_]:
    """Which pairs the tail check keeps (``verify.tail_on_topic``)."""
    if matching.words is None:
        raise ConfigError(
            "the tail check (min_tail_word_cosine) reads each shingle's content word, which "
            "this run did not gather: it needs word shingles, verified"
        )
    words = matching.words

    def block(part: I64Array) -> NDArray[np.bool_]:
        return tail_on_topic(
            part,
            matching.set_values,
            matching.set_offsets,
            matching.sequences,
            matching.sequence_offsets,
            words,
            config.min_tail_word_cosine,
            config.shingle.size - 1,
            threads=matching.threads,
        )

    return _tilewise(pairs, block, matching)


def _figure_scores(pairs: I64Array, matching: Matching) -> FigureScores:
    """``verify.figure_scores`` tile by tile."""

    def block(part: I64Array) -> FigureScores:
        return figure_scores(
            part, matching.set_values, matching.set_offsets, threads=matching.threads
        )

    return _tilewise(pairs, block, matching)


def _numbers_kept(pairs: I64Array, matching: Matching, config: DedupConfig) -> NDArray[np.bool_]:
    """Pairs whose numbers agree (``verify.numbers_kept``), tile by tile."""

    def block(part: I64Array) -> NDArray[np.bool_]:
        return numbers_kept(
            part,
            matching.numbers,
            matching.number_offsets,
            config.min_number_share,
            threads=matching.threads,
        )

    return _tilewise(pairs, block, matching)


def _template_counts(pairs: I64Array, matching: Matching, config: DedupConfig) -> TemplateCounts:
    """``verify.template_counts`` tile by tile."""

    def block(part: I64Array) -> TemplateCounts:
        return template_counts(
            part,
            matching.set_values,
            matching.set_offsets,
            matching.sequences,
            matching.sequence_offsets,
            matching.numbers,
            matching.number_offsets,
            matching.paragraphs,
            matching.paragraph_offsets,
            config.shingle.size,
            threads=matching.threads,
        )

    return _tilewise(pairs, block, matching)


def _within_passage_limit(
    pairs: I64Array, matching: Matching, config: DedupConfig
) -> NDArray[np.bool_]:
    def block(part: I64Array) -> NDArray[np.bool_]:
        return within_passage_limit(
            part,
            matching.set_values,
            matching.set_offsets,
            matching.sequences,
            matching.sequence_offsets,
            matching.paragraphs,
            matching.paragraph_offsets,
            config.max_passage,
            config.max_lead,
            config.min_lede_share,
            config.sentence_lede_words,
            threads=matching.threads,
        )

    return _tilewise(pairs, block, matching)


def pair_scores(pairs: I64Array, matching: Matching, config: DedupConfig) -> PairScores:
    """Scores of ``pairs`` of documents, from their sets or (estimating) their signatures."""

    def block(part: I64Array) -> PairScores:
        if config.verify or matching.signatures is None:
            values, offsets = matching.set_values, matching.set_offsets
            return pair_similarities(
                part, values, offsets, config.similarity, threads=matching.threads
            )
        return estimated_similarities(
            part, matching.signatures, matching.set_offsets, config.similarity
        )

    return _tilewise(pairs, block, matching)


def _tilewise(
    pairs: I64Array, compute: Callable[[I64Array], T], matching: Matching, *, threads: int = 1
) -> T:
    """``compute`` over tiles of pairs, its results put back in pair order.

    A tile holds the pairs whose documents fall in one range of
    ``_TILE_DOCS`` documents each, so it touches two stretches of the mapped
    sets; when those files are larger than ``_RESIDENT_BUDGET``, the stretches a
    tile touched and the next does not are let go before it (the tiles of one
    first range share its stretch). Memory then holds two stretches
    of sets, not every set a random sample of pairs reaches. ``compute``
    returns an array, or a dataclass of arrays, with a value per pair. With
    ``threads``, each tile's pairs go to ``compute`` in blocks, on that many threads.
    """
    if len(pairs) == 0:
        return compute(pairs)
    ranges = pairs // _TILE_DOCS
    tile = ranges[:, 0] * (matching.reps.size // _TILE_DOCS + 1) + ranges[:, 1]
    order = stable_order(tile)
    tiles = np.split(order, np.flatnonzero(np.diff(tile[order])) + 1)
    release = matching.tiles_released and matching.mapped_bytes() > _RESIDENT_BUDGET
    reads = [set(ranges[positions[0]].tolist()) for positions in tiles]  # each tile's ranges
    reads.append(set())  # after the last tile, nothing is read
    parts: list[T] = []
    for number, positions in enumerate(tiles):
        rounds = -(-positions.size // (threads * _BLOCK))  # each thread a block a round
        blocks = np.array_split(positions, threads * rounds) if threads > 1 else [positions]
        parts.extend(thread_map(lambda block: compute(pairs[block]), blocks, threads))
        if release:
            for done in reads[number] - reads[number + 1]:
                stop = min((done + 1) * _TILE_DOCS, matching.reps.size)
                matching.release_pages(done * _TILE_DOCS, stop)
    back = np.empty_like(order)
    back[order] = np.arange(order.size)
    return _in_order(parts, back)


def _in_order(parts: list[T], back: I64Array) -> T:
    """``parts`` (arrays, or dataclasses of arrays) joined, then taken at ``back``."""
    items: list[Any] = list(parts)
    joined: Any
    if isinstance(items[0], np.ndarray):
        joined = np.concatenate(items)[back]
    else:
        columns = (np.concatenate([getattr(p, f.name) for p in items]) for f in fields(items[0]))
        joined = type(items[0])(*(column[back] for column in columns))
    result: T = joined
    return result


def component_heads(collected: Collected, edges: I64Array, config: DedupConfig) -> I64Array:
    """For every document, the copy kept for its whole connected component."""
    return choose_kept_copies(collected, components(len(collected.ids), edges), config)


def choose_kept_copies(
    collected: Collected, labels: I64Array, config: DedupConfig, docs: I64Array | None = None
) -> I64Array:
    """For every document, the index of the document kept for its cluster (only among
    ``docs`` when given, whole clusters of them; every other document keeps itself).

    ``first`` and ``longest`` are decided by sorting: a cluster's members by position,
    or by length then position; only a cluster whose longest members tie (the id
    decides) goes to :func:`~neardup.keep.choose_kept`, as every cluster does under
    ``field``.
    """
    kept: I64Array = np.arange(labels.size)
    docs = kept.copy() if docs is None else docs
    if docs.size == 0:
        return kept
    labels = labels[docs]
    lengths = np.asarray(
        collected.lengths if docs.size == kept.size else [collected.lengths[i] for i in docs],
        dtype=np.int64,
    )
    if config.keep == "field":
        rank = np.argsort(labels, kind="stable")
    else:
        by_length = -lengths if config.keep == "longest" else np.zeros_like(lengths)
        rank = np.lexsort((docs, by_length, labels))
    order, lengths, labels = docs[rank], lengths[rank], labels[rank]
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    sizes = np.diff(np.r_[starts, labels.size])
    kept[order] = np.repeat(order[starts], sizes)  # each cluster's first in that order
    if config.keep == "first":
        return kept
    undecided = starts[sizes > 1]
    if config.keep == "longest":  # the longest decides, unless the next is as long
        undecided = undecided[lengths[undecided] == lengths[undecided + 1]]
    for start in undecided.tolist():
        stop = start + int(sizes[np.searchsorted(starts, start)])
        members = order[start:stop].tolist()
        chosen = choose_kept([_candidate(collected, i) for i in members], config)
        kept[order[start:stop]] = chosen.position
    return kept


def assign_kept(
    collected: Collected,
    edges: I64Array,
    twins: I64Array,
    matching: Matching,
    config: DedupConfig,
    heads: I64Array | None = None,
    accepted_edges: I64Array | None = None,
    scored: NDArray[np.bool_] | None = None,
) -> I64Array:
    """Each document's kept copy, such that every removed document is itself a
    duplicate of the copy kept in its place.

    Connected components alone chain: A ~ B ~ C puts C with A even when C
    shares nothing with A (templated notices, threads of quoted replies). So
    each component keeps its chosen copy and the members close enough to it
    (``kept_ratio`` of the thresholds: a heavily abridged, OCR'd copy is
    linked through its story, yet still resembles the kept one, and shares
    its facts: see :func:`_members`); the rest form components again among
    themselves, and so on. Near-identical members (``twins``: edges sharing
    half their union) are not parted: one accepted brings the other, unless
    the other does not share the kept copy's facts and is no near-copy of
    the one accepted (two notices of one template, alike but for a date, are
    twins; the kept copy must not gather through them a notice whose figures
    are not its own). A chosen copy at a component's edge that is no copy of
    the one chosen at its centre keeps no member that stays with the centre
    (:func:`_outsiders_followers`). Every round settles at least each
    component's kept copy, so it ends.

    ``heads``: each document's component kept copy, when the caller has it already.
    ``accepted_edges``: pairs of representatives :func:`duplicates` accepted with
    ``config`` itself, when the caller knows them: a member joined to its kept copy by one
    is not checked again.
    ``scored``: which ``twins`` verification found to be near-copies, when it has scored them.
    """
    if heads is None:
        heads = component_heads(collected, edges, config)
    if config.kept_ratio == 0:
        return heads
    member_rule = replace(
        config,
        threshold=config.threshold * config.kept_ratio,
        min_jaccard=config.min_jaccard * config.kept_ratio,
    )
    count = len(collected.ids)
    nodes = np.arange(count)
    kept = np.full(count, -1, dtype=np.int64)
    copies = _near_copies(twins, matching, config, scored)
    accepted = sorted_unique(  # sorted once: every round looks pairs up in it
        _pair_codes(np.empty((0, 2), np.int64) if accepted_edges is None else accepted_edges, count)
    )
    check = _MemberCheck(matching, config, member_rule, accepted)
    whole: I64Array | None = heads  # the first round: every component whole
    while (kept < 0).any():
        open_ = kept < 0
        if whole is not None:
            chosen, whole = whole, None
        else:
            edges = edges[open_[edges[:, 0]] & open_[edges[:, 1]]]
            linked = sorted_unique(edges.reshape(-1))  # the rest are clusters of their own
            chosen = choose_kept_copies(collected, components(count, edges), config, linked)
        waits = _outsiders_followers(chosen, edges, open_, collected, matching, config, check)
        heads = np.flatnonzero(open_ & (chosen == nodes))
        kept[heads] = heads
        members = np.flatnonzero(open_ & (chosen != nodes) & ~waits)
        joins, member_facts = check(members, chosen[members])
        facts = ~waits  # one waiting joins along near-copies alone
        facts[members] = member_facts
        joined = _with_twins(members[joins], heads, twins, copies, open_, facts, chosen)
        kept[joined] = chosen[joined]
    return kept


@dataclass(frozen=True)
class _MemberCheck:
    """Which documents stay with the ones given, by :func:`_members`, and which share
    their facts."""

    matching: Matching
    config: DedupConfig
    member_rule: DedupConfig
    accepted: I64Array  # sorted codes of the pairs the rule itself accepted

    def __call__(
        self, members: I64Array, targets: I64Array
    ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        reps = self.matching.reps
        pairs = np.stack((reps[members], reps[targets]), axis=1)
        # an exact copy, or a pair the rule accepted (what it accepts, the lower thresholds
        # accept, facts and all), needs no second look
        codes = _pair_codes(pairs, reps.size)
        known = (pairs[:, 0] == pairs[:, 1]) | _among(codes, self.accepted)
        joins, facts = known.copy(), np.ones(len(members), dtype=bool)
        joins[~known], facts[~known] = _members(
            pairs[~known], self.matching, self.config, self.member_rule
        )
        return joins, facts


def _outsiders_followers(
    chosen: I64Array,
    edges: I64Array,
    open_: NDArray[np.bool_],
    collected: Collected,
    matching: Matching,
    config: DedupConfig,
    check: _MemberCheck,
) -> NDArray[np.bool_]:
    """The open documents that wait for a later round rather than be checked against their
    component's chosen copy this round: those that stay with the component's centre, where
    the chosen copy sits at the component's edge and is no copy of the centre.

    The chosen copy is what members are checked against, so one at the edge gathers the
    wrong ones: a story that quotes a report's opening, kept as the longest, takes in the
    report's abridged copies that hold little but what it quotes, and the report itself when
    the report's tail is short. The centre of a component is where its verified edges meet:
    its documents with at least ``central_share`` of the best-linked one's edges, and the
    copy ``keep`` would choose among them. Where the chosen copy has fewer edges and the
    rule parts it from that copy, it keeps only the members that do not stay with that copy;
    those that do form components again without it, as if it were not there. A component
    whose chosen copy is linked as well as any (stars, cliques: nearly all), or is a copy of
    its centre, is as before.
    """
    count = chosen.size
    nodes = np.arange(count)
    waits = np.zeros(count, dtype=bool)
    if config.central_share == 0:
        return waits
    reps = matching.reps
    # ``edges`` join open documents only: assign_kept drops the others before each round
    near = edges[(reps[edges[:, 0]] == edges[:, 0]) & (reps[edges[:, 1]] == edges[:, 1])]
    degree = np.bincount(near.reshape(-1), minlength=count)[reps]  # an exact copy: its group's
    inside = np.flatnonzero(open_ & (degree > 0))  # a component without near edges is one group
    most = np.zeros(count, dtype=np.int64)  # by component (its chosen copy)
    np.maximum.at(most, chosen[inside], degree[inside])
    off_centre = open_ & (chosen == nodes) & (degree < config.central_share * most)
    if not off_centre.any():
        return waits
    docs = inside[off_centre[chosen[inside]]]
    central = docs[degree[docs] >= config.central_share * most[chosen[docs]]]
    centre = np.full(count, -1, dtype=np.int64)  # by component
    centre[chosen[central]] = choose_kept_copies(collected, chosen, config, central)[central]
    edge = np.flatnonzero(off_centre)
    copy_of_centre, _ = check(edge, centre[edge])
    outsider = np.zeros(count, dtype=bool)
    outsider[edge[~copy_of_centre]] = True
    docs = docs[outsider[chosen[docs]] & (chosen[docs] != docs)]
    stays, _ = check(docs, centre[chosen[docs]])
    waits[docs[stays]] = True
    return waits


def _pair_codes(pairs: I64Array, count: int) -> I64Array:
    """One number per unordered pair of ``count`` documents."""
    return np.minimum(pairs[:, 0], pairs[:, 1]) * count + np.maximum(pairs[:, 0], pairs[:, 1])


def _among(codes: I64Array, sorted_codes: I64Array) -> NDArray[np.bool_]:
    """``np.isin`` against codes sorted already: ``np.isin`` sorts them again on every
    call, and the chain rule calls once a round (cluster stage 0.25 against 0.49 s at 100k)."""
    at = np.minimum(np.searchsorted(sorted_codes, codes), max(sorted_codes.size - 1, 0))
    found: NDArray[np.bool_] = sorted_codes[at] == codes if sorted_codes.size else codes < 0
    return found


def _members(
    pairs: I64Array, matching: Matching, config: DedupConfig, member_rule: DedupConfig
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """For pairs (member, kept copy): which stay together, and which share the kept
    copy's facts (their figures, where they have figures to compare, shared at the
    full ``threshold`` and at ``figure_ratio`` of their wording's rate).

    A pair stays together when it is a duplicate by the rule itself, or by
    ``member_rule``'s lower thresholds and shares the kept copy's facts: a weak
    resemblance in wording must be borne out by the figures, so a template filled
    in with other figures does not join a cluster through a chain of others.
    """
    weak, scores = duplicates(pairs, matching, member_rule)
    if not (config.verify and config.figure_ratio):
        return weak, np.ones(len(pairs), dtype=bool)
    # the rules differ in their similarity thresholds alone: the passage and figure
    # checks of a pair the lower ones accept are the rule's own
    ok = weak & scores.accepted(config)
    facts = _figure_scores(pairs, matching).facts_shared(config)
    ok |= weak & facts
    return ok, ok | facts


def _near_copies(
    twins: I64Array,
    matching: Matching,
    config: DedupConfig,
    scored: NDArray[np.bool_] | None = None,
) -> NDArray[np.bool_]:
    """Which ``twins`` are near-copies (``verify.NEAR_COPY``), one text whatever their
    figures: exact copies and pairs sharing four fifths of their union (as ``scored``
    says, where verification scored them: 0.5 s of the cluster stage at a million)."""
    pairs = matching.reps[twins]
    copies: NDArray[np.bool_] = pairs[:, 0] == pairs[:, 1]
    if config.verify and config.figure_ratio:
        near = np.flatnonzero(~copies)
        if scored is not None:
            copies[near] = scored[near]
        else:
            copies[near] = pair_scores(pairs[near], matching, config).jaccard >= NEAR_COPY
    else:
        copies[:] = True
    return copies


def _with_twins(
    accepted: I64Array,
    heads: I64Array,
    twins: I64Array,
    copies: NDArray[np.bool_],
    open_: NDArray[np.bool_],
    facts: NDArray[np.bool_],
    chosen: I64Array,
) -> I64Array:
    """``accepted`` grown along near-identical edges within each component, among
    ``open_`` documents: into any along near-copies (``copies``), into those sharing
    their kept copy's ``facts`` along the other twins."""
    inside = np.zeros(open_.size, dtype=bool)
    inside[accepted] = inside[heads] = True
    live = open_[twins[:, 0]] & open_[twins[:, 1]] & (chosen[twins[:, 0]] == chosen[twins[:, 1]])
    pairs, unconditional = twins[live], copies[live]
    while True:
        left, right = inside[pairs[:, 0]], inside[pairs[:, 1]]
        into_right = left & ~right & (unconditional | facts[pairs[:, 1]])
        into_left = right & ~left & (unconditional | facts[pairs[:, 0]])
        grow = np.concatenate((pairs[into_right, 1], pairs[into_left, 0]))
        if grow.size == 0:
            break
        inside[grow] = True
    inside[heads] = False
    return np.flatnonzero(inside)


def _candidate(collected: Collected, index: int) -> Candidate:
    return Candidate(
        collected.ids[index], index, collected.lengths[index], collected.field_values[index]
    )


def similarity_to_kept(
    kept: I64Array, matching: Matching, config: DedupConfig
) -> NDArray[np.float64]:
    """Each removed document's similarity to its kept copy; NaN for kept ones."""
    out = np.full(kept.size, np.nan)
    removed = np.flatnonzero(kept != np.arange(kept.size))
    exact = matching.reps[removed] == matching.reps[kept[removed]]
    out[removed[exact]] = 1.0
    near = removed[~exact]
    pairs = np.stack((matching.reps[near], matching.reps[kept[near]]), axis=1)
    out[near] = np.round(pair_scores(pairs, matching, config).similarity, 6)
    return out


def run_dedup(
    records: Iterable[Record] | Inputs,
    config: DedupConfig,
    *,
    progress: Progress | None = None,
    workers: int = 1,
    workdir: str | Path | None = None,
    batch_size: int = BATCH_SIZE,
) -> DedupResult:
    """Cluster ``records`` and choose the copy to keep; writes nothing but scratch files.

    ``workers`` processes compute the per-document features (and read ``Inputs``'
    plain JSONL files); the result is identical for every worker count and
    ``batch_size``. Shingle sets spill
    to ``workdir`` (a temporary directory by default, removed afterwards).
    """
    check_count("workers", workers)
    check_count("batch_size", batch_size)
    progress = progress or NullProgress()
    if config.semantic:
        semantic.require_extra()  # now, not after reading the corpus
    clock = StageClock()
    banding = choose_banding(config)
    began = time.perf_counter()
    with gc_paused(), scratch_directory("neardup-", workdir) as scratch:
        store = Store.create(scratch, config, banding)
        featurize = Featurizer.for_run(config, banding)
        collected = collect(records, featurize, store, workers, batch_size, clock, progress)
        found = match(collected, store, config, clock, progress, workers)
    result = DedupResult(collected.ids, found.kept, found.similarity, config, banding, found.counts)
    result.warnings = _warnings(collected, config)
    clock.add("total", time.perf_counter() - began)
    result.seconds = clock.rounded()
    return result


def _warnings(collected: Collected, config: DedupConfig) -> list[str]:
    found = any(value is not None for value in collected.field_values)
    return keep_field_warnings(config, records=len(collected.ids), found=found)


def keep_field_warnings(config: DedupConfig, *, records: int, found: bool) -> list[str]:
    """What the run did that its settings likely did not mean: ``found`` says whether any of
    its ``records`` had the keep field (a misspelt one ranks nothing). Both engines' words."""
    if config.keep != "field" or records == 0 or found:
        return []
    return [
        f"no record has the keep field {config.keep_field!r}: each cluster kept its longest copy"
    ]


@dataclass
class Matched:
    """What the matching stages found: edges, each document's kept copy and similarity to it."""

    matching: Matching
    near_edges: I64Array  # verified pairs of exact-group representatives
    component: I64Array  # each document's connected component: its first document
    heads: I64Array  # each document's component's kept copy
    kept: I64Array  # each document's own kept copy (chains parted)
    similarity: NDArray[np.float64]
    counts: dict[str, int]


def match(
    collected: Collected,
    store: Store,
    config: DedupConfig,
    clock: StageClock,
    progress: Progress,
    threads: int,
) -> Matched:
    """Candidates, verification, clusters and kept copies over what :func:`collect` gathered."""
    progress.start("match")
    keys = np.concatenate(collected.text_keys) if collected.text_keys else np.empty(0, np.uint64)
    width = config.minhash.num_perm
    matching = Matching(
        exact_representatives(keys),
        *store.sets.finish(),
        *store.sequences.finish(),
        *store.numbers.finish(),
        *store.paragraphs.finish(),
        _rows(store.signatures, width),
        threads,
        _rows(store.sketches, width),
        None
        if store.texts is None
        else semantic.TailTopics(text_reader(*store.texts.finish()), config),
        words=None if store.words is None else store.words.finish(),
    )
    count = matching.reps.size
    counts = {
        "records": count,
        "exact_duplicates": int(np.count_nonzero(matching.reps != np.arange(count))),
    }
    near, twins, near_copies = near_duplicate_edges(store, matching, config, clock, counts)
    with clock.stage("cluster"):
        exact = np.flatnonzero(matching.reps != np.arange(count))
        exact_edges = np.stack((matching.reps[exact], exact), axis=1)
        edges, twins = (np.concatenate((found, exact_edges)) for found in (near, twins))
        scored = np.concatenate((near_copies, np.ones(exact.size, dtype=bool)))
        component = components(count, edges)
        heads = choose_kept_copies(collected, component, config)
        kept = assign_kept(
            collected, edges, twins, matching, config, heads, accepted_edges=near, scored=scored
        )
    with clock.stage("keep"):
        similarity = similarity_to_kept(kept, matching, config)
    progress.finish()
    return Matched(matching, near, component, heads, kept, similarity, counts)
