"""The real similarity of candidate pairs, from their shingle sets or signatures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neardup import kernels, passages
from neardup.config import DedupConfig, SimilarityKind
from neardup.parallel import thread_map
from neardup.passages import NEAR_IDENTICAL

F64Array = NDArray[np.float64]
I64Array = NDArray[np.int64]


@dataclass(frozen=True)
class PairScores:
    """Similarity (of the configured kind), Jaccard and shared shingles of each pair."""

    similarity: F64Array
    jaccard: F64Array
    shared: F64Array  # an estimate when the scores come from signatures

    def accepted(self, config: DedupConfig) -> NDArray[np.bool_]:
        """Pairs that are duplicates: similar enough, for containment sharing at least
        ``min_jaccard`` of their union (a quoted paragraph is not a copy), and sharing
        ``min_shared`` shingles unless near-identical (stock phrases are not a text)."""
        ok = self.similarity >= config.threshold
        if config.similarity == "containment":
            ok &= self.jaccard >= config.min_jaccard
        if config.min_shared:
            ok &= (self.shared >= config.min_shared - 0.5) | (self.jaccard >= NEAR_IDENTICAL)
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
        return PairScores(jaccard, jaccard, shared)
    containment = _ratio(shared, np.minimum(size_a, size_b).astype(np.float64))
    return PairScores(containment, jaccard, shared)


# in a short notice (figures a tenth of its shingles), 3 figure shingles (one number) are
# its facts; in an article they are a date in a caption or a footer; see docs/quality.md
FIGURE_SHARE = 0.1
_FEWEST_FIGURES = 3
NEAR_COPY = 0.8  # Jaccard from which two texts are one whatever their figures (a correction)
_PLAUSIBLE_SIGMAS = 4.5  # plausible_pairs keeps estimates down to this many sigmas below the floor
_PAIRS_PER_TASK = 65536  # the most pairs a thread takes at once
_FEWEST_PAIRS_PER_TASK = 2048  # a few milliseconds of work: more than handing it over costs


def _per_pair(
    pairs: I64Array,
    kernel: Callable[[I64Array, I64Array], tuple[NDArray[Any], ...]],
    threads: int,
    outputs: int = 1,
) -> list[NDArray[Any]]:
    """``kernel(left, right)`` over blocks of pairs on ``threads`` threads; each of its
    ``outputs`` arrays concatenated, in pair order."""
    left, right = np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1])
    # every thread gets work even when a tile holds few pairs (most do, below a million)
    size = min(_PAIRS_PER_TASK, max(_FEWEST_PAIRS_PER_TASK, -(-left.size // max(threads, 1))))

    def block(start: int) -> tuple[NDArray[Any], ...]:
        return kernel(left[start : start + size], right[start : start + size])

    parts = list(thread_map(block, range(0, left.size, size), threads))
    empty = np.empty(0, dtype=np.int64)
    return [np.concatenate([empty, *(part[k] for part in parts)]) for k in range(outputs)]


def pair_similarities(
    pairs: I64Array,
    values: NDArray[np.uint32],
    offsets: I64Array,
    kind: SimilarityKind,
    *,
    threads: int = 1,
) -> PairScores:
    """Exact scores of every pair ``(i, j)`` of documents in a flat set store."""
    shared = overlap_counts(pairs, values, offsets, threads=threads)
    return from_overlap(
        shared, set_sizes(offsets, pairs[:, 0]), set_sizes(offsets, pairs[:, 1]), kind
    )


def set_sizes(offsets: I64Array, docs: I64Array) -> I64Array:
    """Sizes of the sets of ``docs`` in a flat store: two lookups a document, where
    ``np.diff(offsets)`` is a pass over every document, on every block of pairs."""
    sizes: I64Array = offsets[docs + 1] - offsets[docs]
    return sizes


def overlap_counts(
    pairs: I64Array,
    values: NDArray[Any],
    offsets: I64Array,
    *,
    threads: int = 1,
    kernel: Callable[..., I64Array] = kernels.pair_overlaps,
) -> I64Array:
    """``|A ∩ B|`` of every pair of sorted sets in a flat store (``kernel``: of shingle
    sets; ``kernels.number_overlaps`` for number sets)."""

    def overlaps(left: I64Array, right: I64Array) -> tuple[I64Array]:
        return (kernel(values, offsets, left, right),)

    (shared,) = _per_pair(pairs, overlaps, threads)
    return shared


def similarity(a: NDArray[np.uint32], b: NDArray[np.uint32], kind: SimilarityKind) -> float:
    """Exact similarity of two sorted shingle sets."""
    values = np.concatenate((a, b)).astype(np.uint32)
    offsets = np.array([0, a.size, a.size + b.size], dtype=np.int64)
    return float(pair_similarities(np.array([[0, 1]]), values, offsets, kind).similarity[0])


def estimated_similarities(
    pairs: I64Array, signatures: NDArray[np.uint32], offsets: I64Array, kind: SimilarityKind
) -> PairScores:
    """Scores of every pair from MinHash signatures and set sizes (``offsets`` of a flat
    store, as :func:`pair_similarities` takes) alone.

    The signatures estimate Jaccard ``J``; the overlap is then
    ``J / (1 + J) * (|A| + |B|)``, so containment needs no sets either.
    """
    left, right = pairs[:, 0], pairs[:, 1]
    agree = np.count_nonzero(signatures[left] == signatures[right], axis=1)
    jaccard = agree / np.float64(signatures.shape[1])
    size_left, size_right = set_sizes(offsets, left), set_sizes(offsets, right)
    shared = jaccard / (1.0 + jaccard) * (size_left + size_right)
    if kind == "jaccard":
        return PairScores(jaccard, jaccard, shared)
    containment = _ratio(shared, np.minimum(size_left, size_right).astype(np.float64))
    return PairScores(containment, jaccard, shared)


def plausible_pairs(
    pairs: I64Array,
    sketches: NDArray[np.uint8],
    floor: float | F64Array,
    *,
    threads: int = 1,
) -> NDArray[np.bool_]:
    """Pairs whose Jaccard, estimated from one byte of each signature value, is
    not far below ``floor`` (one for all, or one per pair: :func:`jaccard_floor`);
    most LSH candidates are chance collisions far below it.

    A byte agrees by chance one time in 256, so ``J ~ (agree - 1/256) / (1 - 1/256)``,
    with a standard deviation of about ``sqrt(J (1 - J) / values)``. A pair is
    dropped only when its estimate is ``_PLAUSIBLE_SIGMAS`` of those below
    its floor: for 256 values and a floor of 0.29 (two articles of one length
    at containment 0.45), under 0.16, where a pair at the floor lands a few
    times in a million, while two unrelated articles sharing a few stock
    phrases usually do.
    """
    width = sketches.shape[1]
    floors = np.broadcast_to(np.asarray(floor, dtype=np.float64), (len(pairs),))
    cut = floors - _PLAUSIBLE_SIGMAS * np.sqrt(floors * (1.0 - floors) / width)
    worth = cut > 0.0
    if not worth.any():
        return np.ones(len(pairs), dtype=bool)

    packed = _packed(sketches)

    def agreement(left: I64Array, right: I64Array) -> tuple[I64Array]:
        return (kernels.sketch_agreement(packed, left, right),)

    (agree,) = _per_pair(pairs, agreement, threads)
    agree -= packed.shape[1] * 8 - width  # the padding agrees everywhere
    chance = 1.0 / 256.0
    estimate = (agree / np.float64(width) - chance) / (1.0 - chance)
    plausible: NDArray[np.bool_] = ~worth | (estimate >= cut)
    return plausible


# fewer numbers missing never part a pair: a copy adds a dateline's date and a footer's year
MIN_MISSING_NUMBERS = 3
# numbers shared from which a pair missing under MIN_MISSING_NUMBERS keeps one table whole: its
# number swaps are a copy's corrections, not a template filled in twice (TemplateCounts)
TABLE_NUMBERS = 8


def numbers_missing(
    pairs: I64Array, values: NDArray[np.uint64], offsets: I64Array, *, threads: int = 1
) -> tuple[I64Array, I64Array]:
    """(numbers held, numbers the other lacks) of whichever of each pair holds fewer
    distinct numbers (sets of ``features.Features.numbers``)."""
    shared = overlap_counts(pairs, values, offsets, threads=threads, kernel=kernels.number_overlaps)
    held = np.minimum(set_sizes(offsets, pairs[:, 0]), set_sizes(offsets, pairs[:, 1]))
    return held, held - shared


def numbers_kept(
    pairs: I64Array,
    values: NDArray[np.uint64],
    offsets: I64Array,
    min_share: float,
    *,
    threads: int = 1,
) -> NDArray[np.bool_]:
    """Pairs not parted by their numbers (:func:`numbers_agree`)."""
    held, missing = numbers_missing(pairs, values, offsets, threads=threads)
    agree: NDArray[np.bool_] = numbers_agree(held, missing, min_share)
    return agree


def numbers_agree(held: Any, missing: Any, min_share: float) -> Any:
    """A copy keeps its story's numbers: fewer than ``MIN_MISSING_NUMBERS`` missing, or at
    least ``min_share`` of them kept (numbers or arrays of them).

    Numbers ("30-1/2", "1,000", "1992/93") are read whole, so OCR noise in the words
    around them does not lose them, as it loses figure shingles; reports of one template
    (bond issues, dividends, price quotes) differ in exactly them. A copy may add two of
    its own (a dateline's date, a footer's year) while abridging away the story's others,
    so two missing never part; two abridged copies keep the same early ones.
    """
    return (missing < MIN_MISSING_NUMBERS) | (held - missing >= min_share * held)


@dataclass(frozen=True)
class FigureScores:
    """How well each pair's figures agree beside its wording (see :mod:`neardup.kernels`
    for what a figure is): the share of the figure shingles of the document holding
    fewer found in the other, against the same share of their other shingles."""

    figures: F64Array  # figure shingles shared / the fewer either holds
    wording: F64Array  # other shingles shared / the fewer either holds
    held: I64Array  # figure shingles of the document holding fewer
    share: F64Array  # the share of its shingles they make
    jaccard: F64Array  # of the whole sets: near-copies are one text whatever their figures

    def compared(self, config: DedupConfig) -> NDArray[np.bool_]:
        """Pairs whose figures are their facts: ``min_figures`` in each, or in a short
        notice at least ``FIGURE_SHARE`` of its shingles (and ``_FEWEST_FIGURES``); and
        not near-copies (``NEAR_COPY``), one text whatever a figure or two."""
        short = (self.held >= _FEWEST_FIGURES) & (self.share >= FIGURE_SHARE)
        compared: NDArray[np.bool_] = (short | (self.held >= config.min_figures)) & (
            self.jaccard < NEAR_COPY
        )
        return compared

    def agree(self, config: DedupConfig) -> NDArray[np.bool_]:
        """Pairs that are not a template filled in with other facts: figures not to be
        compared, or shared at ``figure_ratio`` of the wording's rate at least."""
        if not config.figure_ratio:
            return np.ones(self.held.shape, dtype=bool)
        ok: NDArray[np.bool_] = ~self.compared(config) | (
            self.figures >= config.figure_ratio * self.wording
        )
        return ok

    def facts_shared(self, config: DedupConfig) -> NDArray[np.bool_]:
        """Pairs that agree and, where figures are compared, share them at the full
        ``threshold``: what a weak resemblance needs to count (``pipeline.assign_kept``)."""
        strong: NDArray[np.bool_] = ~self.compared(config) | (self.figures >= config.threshold)
        return self.agree(config) & strong


def figure_scores(
    pairs: I64Array, values: NDArray[np.uint32], offsets: I64Array, *, threads: int = 1
) -> FigureScores:
    """:class:`FigureScores` of every pair of sorted shingle sets."""

    def count(left: I64Array, right: I64Array) -> tuple[I64Array, ...]:
        return kernels.pair_figures(values, offsets, left, right)

    shared, both, held_left, held_right = _per_pair(pairs, count, threads, outputs=4)
    size_left, size_right = set_sizes(offsets, pairs[:, 0]), set_sizes(offsets, pairs[:, 1])
    held = np.minimum(held_left, held_right)
    size = np.where(held_left < held_right, size_left, size_right)  # of the one holding fewer
    size = np.where(held_left == held_right, np.minimum(size_left, size_right), size)

    def ratio(numerator: I64Array, denominator: I64Array) -> F64Array:
        return _ratio(numerator.astype(np.float64), denominator.astype(np.float64))

    return FigureScores(
        figures=ratio(both, held),
        wording=ratio(shared - both, np.minimum(size_left - held_left, size_right - held_right)),
        held=held,
        share=ratio(held, size),
        jaccard=ratio(shared, size_left + size_right - shared),
    )


def _packed(sketches: NDArray[np.uint8]) -> NDArray[np.uint64]:
    """Sketch rows as 64-bit words (zero bytes pad a width not a multiple of 8: they agree
    in every pair, so they are taken off again by the caller's width)."""
    rows, width = sketches.shape
    pad = -width % 8
    if pad or not sketches.flags.c_contiguous:
        padding = np.zeros((rows, pad), np.uint8)
        sketches = np.ascontiguousarray(np.concatenate((sketches, padding), axis=1))
    return sketches.view(np.uint64)


def jaccard_floor(size_a: I64Array, size_b: I64Array, config: DedupConfig) -> F64Array:
    """The lowest Jaccard a pair of sets of these sizes has when :meth:`PairScores.accepted`
    accepts it.

    With containment, sharing ``threshold`` of the smaller set means a Jaccard of at
    least ``t m / (a + b - t m)``: 0.29 for two sets of one size at 0.45, far above
    ``min_jaccard`` (which binds only for sets of very different sizes).
    """
    if config.similarity == "jaccard":
        return np.full(size_a.shape, config.threshold)
    total = (size_a + size_b).astype(np.float64)

    def at(shared: F64Array) -> F64Array:
        return _ratio(shared, total - shared)

    contained = at(config.threshold * np.minimum(size_a, size_b))
    floor = np.maximum(contained, config.min_jaccard)
    if config.min_shared:
        stock = np.minimum(at(np.full(total.shape, config.min_shared - 0.5)), NEAR_IDENTICAL)
        floor = np.maximum(floor, stock)
    return floor


@dataclass(frozen=True)
class TemplateCounts:
    """Each pair's rewrites, shingles aligned and number swaps (:mod:`neardup.passages`),
    and the numbers both hold: how one template filled in twice shows against a copy."""

    rewrites: I64Array
    aligned: I64Array
    swaps: I64Array
    numbers_shared: I64Array  # distinct numbers both hold (kernels.number_overlaps)
    numbers_missing: I64Array  # of the one holding fewer, those the other lacks

    def filled_twice(self, jaccard: F64Array, config: DedupConfig) -> NDArray[np.bool_]:
        """One template filled in twice: rewritten in place below ``NEAR_IDENTICAL``
        (``passages.rewritten``, ``max_rewrite_rate``), or ``number_swaps`` swaps or more
        (below ``NEAR_COPY``, the pairs these counts are made for), unless they share
        ``TABLE_NUMBERS`` numbers and miss under ``MIN_MISSING_NUMBERS``: a copy may correct
        or reformat a figure or two of a table it keeps whole (a re-posted earnings report:
        "Sales 58.7 mln" / "58.8 mln", "12,141,000" / "12.1 mln"); a template filled in
        twice differs in more of the figures it holds."""
        filled = np.zeros(jaccard.shape, dtype=np.bool_)
        if config.max_rewrite_rate:
            rate = config.max_rewrite_rate
            filled |= (jaccard < NEAR_IDENTICAL) & passages.rewritten(
                self.rewrites, self.aligned, rate
            )
        if config.number_swaps:
            filled |= (self.swaps >= config.number_swaps) & ~self.table_kept()
        return filled

    def table_kept(self) -> NDArray[np.bool_]:
        """Pairs sharing ``TABLE_NUMBERS`` numbers and missing under ``MIN_MISSING_NUMBERS``:
        one table kept whole, whose number swaps are corrections (:meth:`filled_twice`)."""
        kept: NDArray[np.bool_] = (self.numbers_shared >= TABLE_NUMBERS) & (
            self.numbers_missing < MIN_MISSING_NUMBERS
        )
        return kept


def template_counts(
    pairs: I64Array,
    sets: NDArray[np.uint32],
    set_offsets: I64Array,
    sequences: NDArray[np.uint32],
    sequence_offsets: I64Array,
    numbers: NDArray[np.uint64],
    number_offsets: I64Array,
    paragraphs: NDArray[np.uint32],
    paragraph_offsets: I64Array,
    shingle_size: int,
    *,
    threads: int = 1,
) -> TemplateCounts:
    """Each pair's :class:`TemplateCounts` (``paragraphs``: each document's paragraph starts,
    whose first words' numbers are datelines' and never swaps)."""

    def count(left: I64Array, right: I64Array) -> tuple[I64Array, I64Array, I64Array]:
        return passages.pair_rewrites(
            sets,
            set_offsets,
            sequences,
            sequence_offsets,
            numbers,
            number_offsets,
            paragraphs,
            paragraph_offsets,
            left,
            right,
            shingle_size,
            passages.REWRITE_GAP,
            passages.REWRITE_SLACK,
        )

    rewrites, aligned, swaps = _per_pair(pairs, count, threads, outputs=3)
    held, missing = numbers_missing(pairs, numbers, number_offsets, threads=threads)
    return TemplateCounts(rewrites, aligned, swaps, held - missing, missing)


def template_checked_below(config: DedupConfig) -> float:
    """The Jaccard below which pairs are checked for one template filled in twice: none
    (0) when both checks are off."""
    if not config.verify:
        return 0.0
    if config.number_swaps:
        return NEAR_COPY
    return NEAR_IDENTICAL if config.max_rewrite_rate else 0.0


def within_passage_limit(
    pairs: I64Array,
    sets: NDArray[np.uint32],
    set_offsets: I64Array,
    sequences: NDArray[np.uint32],
    sequence_offsets: I64Array,
    paragraphs: NDArray[np.uint32],
    paragraph_offsets: I64Array,
    max_passage: int,
    max_lead: int = 0,
    min_lede_share: float = 0.0,
    sentence_lede_words: int = 0,
    *,
    threads: int = 1,
) -> NDArray[np.bool_]:
    """Pairs whose unshared passages are all short enough to be a copy's additions.

    A copy adds lines on top of its story (a headline, a caption) or loses
    its tail; a document that quotes a paragraph of another holds its own
    text above the quote, the quoted article keeps paragraphs the quoter
    lacks (both at most ``max_passage``), and when each opens with
    text of its own before the shared paragraph, they are two stories (at
    most ``max_lead``), as they are when one opens with a paragraph of its
    own, holding under ``min_lede_share`` of it in the other, and the other with
    the shared text (a lede: ``LEDE_WORDS``, or ``sentence_lede_words`` when it ends a
    sentence). A limit of 0 is no limit. See :mod:`neardup.passages`.
    """

    documents = set_offsets.size
    if sequence_offsets.size != documents or (
        min_lede_share and paragraph_offsets.size != documents
    ):
        raise ValueError(
            "the passage checks need every document's sequence and paragraph starts "
            f"({documents - 1} documents; {sequence_offsets.size - 1} sequences, "
            f"{paragraph_offsets.size - 1} paragraph starts)"
        )

    def geometry(left: I64Array, right: I64Array) -> tuple[I64Array, I64Array, I64Array]:
        return passages.pair_passages(
            sets,
            set_offsets,
            sequences,
            sequence_offsets,
            paragraphs,
            paragraph_offsets,
            left,
            right,
            passages.ANCHOR,
            min_lede_share,
            sentence_lede_words,
        )

    longest, lead, lede = _per_pair(pairs, geometry, threads, outputs=3)
    ok: NDArray[np.bool_] = passages.placed(longest, lead, lede, max_passage, max_lead)
    return ok


def tail_on_topic(
    pairs: I64Array,
    sets: NDArray[np.uint32],
    set_offsets: I64Array,
    sequences: NDArray[np.uint32],
    sequence_offsets: I64Array,
    words: NDArray[np.uint16],
    min_cosine: float,
    spans: int,
    *,
    threads: int = 1,
) -> NDArray[np.bool_]:
    """Pairs whose texts, where one runs on past the shared text, go on about what they
    share: the content words either side of where the shared text ends meet at
    ``min_cosine`` or more (``passages.tail_word_cosines``; a pair without that shape, or
    with too few content words to tell, is kept).

    An original runs on past what its abridged copy kept with the names and things of its
    first paragraphs; a story quoting another's paragraph goes on with its own story, whose
    words are others: measured on the syndication benchmark, docs/quality.md."""
    cosines = tail_cosines(
        pairs, sets, set_offsets, sequences, sequence_offsets, words, spans, threads
    )
    kept: NDArray[np.bool_] = ~(cosines < min_cosine)
    return kept


def tail_cosines(
    pairs: I64Array,
    sets: NDArray[np.uint32],
    set_offsets: I64Array,
    sequences: NDArray[np.uint32],
    sequence_offsets: I64Array,
    words: NDArray[np.uint16],
    spans: int,
    threads: int = 1,
) -> NDArray[np.float64]:
    """``passages.tail_word_cosines`` of every pair (NaN: not read); ``spans``: words each
    shingle holds after its first (the shingle size less one)."""
    if words.size != sequences.size:
        raise ValueError(
            f"the tail check needs a content word per shingle ({sequences.size} shingles, "
            f"{words.size} words)"
        )

    def kernel(left: I64Array, right: I64Array) -> tuple[NDArray[np.float64]]:
        args = (sets, set_offsets, sequences, sequence_offsets, words)
        return (passages.tail_word_cosines(*args, left, right, passages.ANCHOR, spans),)

    (cosines,) = _per_pair(pairs, kernel, threads)
    return cosines
