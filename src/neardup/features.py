"""What matching needs of a batch of documents, computed in one call.

normalize -> shingle -> sketch -> band keys. A :class:`Featurizer` is a
small picklable object, so worker processes compute batches exactly as the
main process would: every document's features depend on its text and the
config alone, never on its batch or worker.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from neardup.boilerplate import shingled_texts, unshingled_sources
from neardup.config import DedupConfig
from neardup.lsh import Banding, band_keys
from neardup.minhash import Permutations, signatures
from neardup.text.batch import raw_and_normalized_utf8
from neardup.text.normalize import normalize
from neardup.text.shingle import (
    Utf8Batch,
    keyed_with,
    lede_scan,
    paragraph_starts,
    sequences_and_numbers,
    sets_of,
    text_keys,
    utf8_batch,
)

T = TypeVar("T", bound=np.generic)


@dataclass
class Features:
    """Per-document results for one batch, in batch order."""

    text_keys: NDArray[np.uint64]  # equal keys = equal normalised texts and paragraph starts
    sets: NDArray[np.uint32]  # flat sorted shingle sets
    set_offsets: NDArray[np.int64]  # set d is sets[set_offsets[d]:set_offsets[d + 1]]
    sequences: NDArray[np.uint32]  # the same shingles in text order, for passage checks
    sequence_offsets: NDArray[np.int64]
    numbers: NDArray[np.uint64]  # flat sets of each document's numbers ("30-1/2"), placed
    number_offsets: NDArray[np.int64]
    paragraphs: NDArray[np.uint32]  # where each document's paragraphs after the first begin
    paragraph_offsets: NDArray[np.int64]  # (first shingles; see text.shingle.paragraph_starts)
    band_keys: NDArray[np.uint32]  # (bands, documents)
    signatures: NDArray[np.uint32] | None  # kept only when the run estimates from them
    sketches: NDArray[np.uint8] | None  # a byte of each signature value, to screen candidates
    seconds: dict[str, float] = field(default_factory=dict)
    # the content word each shingle of ``sequences`` starts with (same offsets), for the tail
    # check (``tail_words_read``); empty when no check reads them
    words: NDArray[np.uint16] = field(default_factory=lambda: np.zeros(0, dtype=np.uint16))

    def take(self, rows: Sequence[int]) -> Features:
        """The features of ``rows`` alone, in that order: a batch without the records
        rejected after it was featurised (a repeated id)."""
        index = np.asarray(rows, dtype=np.int64)
        return Features(
            self.text_keys[index],
            *_take_ragged(self.sets, self.set_offsets, index),
            *_take_ragged(self.sequences, self.sequence_offsets, index),
            *_take_ragged(self.numbers, self.number_offsets, index),
            *_take_ragged(self.paragraphs, self.paragraph_offsets, index),
            self.band_keys[:, index],
            None if self.signatures is None else self.signatures[index],
            None if self.sketches is None else self.sketches[index],
            self.seconds,
            _take_ragged(self.words, self.sequence_offsets, index)[0]
            if self.words.size
            else self.words,
        )


def _take_ragged(
    values: NDArray[T], offsets: NDArray[np.int64], rows: NDArray[np.int64]
) -> tuple[NDArray[T], NDArray[np.int64]]:
    parts = [values[offsets[row] : offsets[row + 1]] for row in rows.tolist()]
    taken = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([part.size for part in parts], out=taken[1:])
    joined = np.concatenate(parts) if parts else values[:0]
    return joined.astype(values.dtype, copy=False), taken


def paragraph_scan(config: DedupConfig) -> int:
    """Words into each text within which paragraph starts are read (0: none are, as no
    check reads them: the lede check is off, or the run estimates and skips the passage
    checks, or shingles are characters)."""
    if not (config.verify and config.min_lede_share) or config.shingle.kind != "word":
        return 0
    return lede_scan(config.max_passage)


def tail_words_read(config: DedupConfig) -> bool:
    """Whether a run reads each shingle's content word: the tail check is on
    (``min_tail_word_cosine``), and it reads word shingles' places, verified."""
    return bool(config.verify and config.min_tail_word_cosine) and config.shingle.kind == "word"


@dataclass(frozen=True)
class Featurizer:
    config: DedupConfig
    perms: Permutations
    banding: Banding

    @classmethod
    def for_run(cls, config: DedupConfig, banding: Banding) -> Featurizer:
        return cls(config, Permutations.from_config(config.minhash), banding)

    def __call__(self, texts: Sequence[str]) -> Features:
        clock: dict[str, float] = {}
        began = time.perf_counter()
        sources = unshingled_sources(texts, self.config)
        scan = paragraph_scan(self.config)
        normalized, raw, utf8 = self._normalized(texts, sources if scan else None)
        shingled = shingled_texts(texts, normalized, self.config, sources)
        clock["normalize"] = time.perf_counter() - began
        began = time.perf_counter()
        shingled_utf8 = utf8 if shingled is normalized else utf8_batch(shingled)
        sequences, sequence_offsets, numbers, number_offsets, words = sequences_and_numbers(
            shingled, self.config.shingle, shingled_utf8, tail_words_read(self.config)
        )
        sets, offsets = sets_of(sequences, sequence_offsets)
        paragraphs, paragraph_offsets = paragraph_starts(raw, self.config.shingle, scan)
        # texts alike but for their paragraphs are apart: a group's paragraphs are its own
        keys = keyed_with(text_keys(normalized, utf8), paragraphs, paragraph_offsets)
        clock["shingle"] = time.perf_counter() - began
        began = time.perf_counter()
        sigs = signatures(sets, offsets, self.perms)
        keys_by_band = band_keys(sigs, self.banding)
        clock["sketch"] = time.perf_counter() - began
        keep_sigs = sigs if not self.config.verify else None
        sketches = sigs.astype(np.uint8) if self.config.verify else None  # the low byte
        return Features(
            keys,
            sets,
            offsets,
            sequences,
            sequence_offsets,
            numbers,
            number_offsets,
            paragraphs,
            paragraph_offsets,
            keys_by_band,
            keep_sigs,
            sketches,
            clock,
            words,
        )

    def _normalized(
        self, texts: Sequence[str], sources: Sequence[str] | None
    ) -> tuple[list[str], Utf8Batch, Utf8Batch]:
        """The batch as shingled before normalisation (``sources``: with ``drop_boilerplate``
        the texts without furniture lines; None when no paragraphs are read) as UTF-8, and
        the normalised batch as UTF-8; the normalised as strings too only where a stage
        reads them (character shingles read code points, boilerplate removal lines)."""
        if self.config.shingle.kind == "word" and not self.config.drop_boilerplate:
            return [], *raw_and_normalized_utf8(texts, self.config.normalize)
        normalized = [normalize(text, self.config.normalize) for text in texts]
        raw = utf8_batch([""] * len(texts) if sources is None else sources)
        return normalized, raw, utf8_batch(normalized)
