"""Two raw texts in, aligned and labelled passages out: the body of :func:`explain`.

Words are matched (:mod:`.align`); each matched run becomes shared passages;
each unmatched stretch between runs is either a small *change* inside a shared
sentence (a few words on both sides, on lines that are otherwise shared) or
one stretch per side, cut into line pieces (:mod:`.pieces`), labelled
(:mod:`.labels`) and merged back into one passage per run of equal labels.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import lru_cache

from neardup.config import NormalizeConfig
from neardup.explain.align import (
    Block,
    Gap,
    gaps,
    match,
    shared_passages,
    span_of,
    typography_between,
)
from neardup.explain.frequency import LineCounts
from neardup.explain.labels import Labelled, change_label, label_pieces, misread
from neardup.explain.model import Passage, PassageKind
from neardup.explain.pieces import cut
from neardup.explain.structure import key_point_lines
from neardup.explain.tokens import Tokens, tokenize

__all__ = ["compare"]

_CHANGE_WORDS = 8  # words per side: more is not an edit of one sentence but a passage
_PEEL_WORDS = 4  # words split off either edge of a gap as misreadings
_ZONE = "\x00kp:"  # no normalised word contains NUL


def compare(
    text_a: str,
    text_b: str,
    *,
    normalize_config: NormalizeConfig = NormalizeConfig(),
    counts: LineCounts | None = None,
) -> tuple[Passage, ...]:
    """The passages of A and B in reading order: shared, only in one, changed."""
    a, b = _tokenized(text_a, normalize_config), _tokenized(text_b, normalize_config)
    zones_a, zones_b = key_point_lines(a), key_point_lines(b)
    blocks = match(
        _zoned(a, zones_a),
        _zoned(b, zones_b),
        [t.first for t in a.tokens],
        [t.first for t in b.tokens],
    )
    context = _Context(a, b, blocks, counts, (zones_a, zones_b))
    return tuple(context.passages())


@lru_cache(maxsize=16)
def _tokenized(text: str, config: NormalizeConfig) -> Tokens:
    """Tokens of a text, remembered: a kept record is compared with each of its copies."""
    return tokenize(text, config)


def _zoned(text: Tokens, key_points: frozenset[int]) -> list[str]:
    """Words to match; those of key-points blocks marked so they match only each other."""
    return [_ZONE + t.norm if t.line in key_points else t.norm for t in text.tokens]


class _Context:
    """One comparison: the tokenised texts, their matches, and the lines those touch."""

    def __init__(
        self,
        a: Tokens,
        b: Tokens,
        blocks: Sequence[Block],
        counts: LineCounts | None,
        key_points: tuple[frozenset[int], frozenset[int]],
    ) -> None:
        self.a, self.b, self.blocks, self.counts = a, b, blocks, counts
        self.key_points = key_points
        self.shared_lines_a = {a.tokens[blk.a + k].line for blk in blocks for k in range(blk.size)}
        self.shared_lines_b = {b.tokens[blk.b + k].line for blk in blocks for k in range(blk.size)}

    def passages(self) -> Iterator[Passage]:
        pending = {(gap.a_end, gap.b_end): gap for gap in gaps(self.blocks, *self._lengths())}
        for block in self.blocks:
            gap = pending.pop((block.a, block.b), None)
            if gap is not None:
                yield from self._gap(gap)
            yield from shared_passages(self.a, self.b, block)
        for gap in pending.values():
            yield from self._gap(gap)

    def _lengths(self) -> tuple[int, int]:
        return len(self.a.tokens), len(self.b.tokens)

    def _gap(self, gap: Gap) -> Iterator[Passage]:
        lead = self._edge(gap, forward=True)
        inner = replace(gap, a_start=gap.a_start + lead, b_start=gap.b_start + lead)
        trail = self._edge(inner, forward=False)
        rest = replace(inner, a_end=gap.a_end - trail, b_end=gap.b_end - trail)
        yield from self._misread_run(gap.a_start, gap.b_start, lead)
        yield from self._rest(rest)
        yield from self._misread_run(rest.a_end, rest.b_end, trail)

    def _edge(self, gap: Gap, *, forward: bool) -> int:
        """How many words at one edge of a gap are misreadings of each other.

        The last word of a paragraph misread by OCR ("executive." /
        "erecntive.") ends a shared run, so it opens the gap where the copy's
        footer and the original's cut tail begin; and a word both texts have
        right after it ("three years." / "tbree years.") was dropped as a
        stray match. The edge must start with a misreading; equal words may
        follow it.
        """
        size = 0
        while size < _PEEL_WORDS:
            i = gap.a_start + size if forward else gap.a_end - 1 - size
            j = gap.b_start + size if forward else gap.b_end - 1 - size
            if not (gap.a_start <= i < gap.a_end and gap.b_start <= j < gap.b_end):
                break
            word_a, word_b = self.a.tokens[i].norm, self.b.tokens[j].norm
            if not (_misread_words(word_a, word_b) or (size and word_a == word_b)):
                break
            size += 1
        return size

    def _misread_run(self, a_start: int, b_start: int, size: int) -> Iterator[Passage]:
        """Peeled words as passages: equal ones shared, misread ones changed."""
        k = 0
        while k < size:
            same = self.a.tokens[a_start + k].norm == self.b.tokens[b_start + k].norm
            end = k + 1
            while (
                end < size
                and (self.a.tokens[a_start + end].norm == self.b.tokens[b_start + end].norm) == same
            ):
                end += 1
            if same:
                yield from shared_passages(self.a, self.b, Block(a_start + k, b_start + k, end - k))
            else:
                yield self._change(
                    Gap(a_start + k, a_start + end, b_start + k, b_start + end, False, False)
                )
            k = end

    def _rest(self, gap: Gap) -> Iterator[Passage]:
        """A gap without misread edges: one change, or a labelled stretch per side."""
        if gap.a_start >= gap.a_end and gap.b_start >= gap.b_end:
            return
        if self._is_change(gap):
            yield self._change(gap)
            return
        if gap.a_end > gap.a_start:
            yield from self._only(self.a, (gap.a_start, gap.a_end), gap, "only_a")
        if gap.b_end > gap.b_start:
            yield from self._only(self.b, (gap.b_start, gap.b_end), gap, "only_b")

    def _is_change(self, gap: Gap) -> bool:
        """A few words on each side, all on lines whose other words are shared."""
        size_a, size_b = gap.a_end - gap.a_start, gap.b_end - gap.b_start
        if not (0 < size_a <= _CHANGE_WORDS and 0 < size_b <= _CHANGE_WORDS):
            return False
        lines_a = {self.a.tokens[i].line for i in range(gap.a_start, gap.a_end)}
        lines_b = {self.b.tokens[i].line for i in range(gap.b_start, gap.b_end)}
        return lines_a <= self.shared_lines_a and lines_b <= self.shared_lines_b

    def _change(self, gap: Gap) -> Passage:
        span_a = span_of(self.a, gap.a_start, gap.a_end)
        span_b = span_of(self.b, gap.b_start, gap.b_end)
        words_a = [t.norm for t in self.a.tokens[gap.a_start : gap.a_end]]
        words_b = [t.norm for t in self.b.tokens[gap.b_start : gap.b_end]]
        raw_a, raw_b = self.a.text[span_a[0] : span_a[1]], self.b.text[span_b[0] : span_b[1]]
        return Passage(
            "changed",
            raw_a,
            raw_b,
            span_a,
            span_b,
            label=change_label(words_a, words_b),
            erased=typography_between(raw_a, raw_b),
        )

    def _only(
        self, text: Tokens, words: tuple[int, int], gap: Gap, kind: PassageKind
    ) -> Iterator[Passage]:
        zones = self.key_points[0] if kind == "only_a" else self.key_points[1]
        pieces = cut(text, *words, key_points=zones)
        labelled = label_pieces(pieces, head=gap.head, tail=gap.tail, counts=self.counts)
        for run in _runs(labelled):
            start, end = run[0].piece.start, run[-1].piece.end
            raw = text.text[start:end]
            if kind == "only_a":
                yield Passage(kind, raw, "", (start, end), None, label=run[0].label)
            else:
                yield Passage(kind, "", raw, None, (start, end), label=run[0].label)


def _misread_words(word_a: str, word_b: str) -> bool:
    return word_a != word_b and min(len(word_a), len(word_b)) >= 2 and misread(word_a, word_b)


def _runs(labelled: Sequence[Labelled]) -> Iterator[list[Labelled]]:
    """Consecutive pieces with one label, grouped."""
    run: list[Labelled] = []
    for item in labelled:
        if run and run[-1].label != item.label:
            yield run
            run = []
        run.append(item)
    if run:
        yield run
