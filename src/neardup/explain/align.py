"""Align two tokenised texts: which words they share, and what normalisation erased.

The words of A and B are matched as :class:`difflib.SequenceMatcher` matches
them (longest common run first, without its "popular word" junk heuristic,
which would throw away "the"), by a compiled copy of its search
(:mod:`.blocks`). Two choices make the matches mean "the same
passage of the story" rather than "the same words somewhere":

- **later occurrences win.** A copy may repeat the story's opening before the
  story (a "KEY POINTS" block, a summary); between two equally long matches,
  the matcher takes the earliest, which would pair the original's first
  sentence with the bullet and leave the real paragraph unmatched. Matching
  the reversed sequences makes it take the latest, so the repeat at the top
  is what is left over.
- **stray short matches are dropped.** Inside a caption or footer that one
  copy has and the other lacks, a word like "the" or "said" still finds a
  partner. Matches of fewer than ``_MIN_MATCH`` words survive only where they
  are a fair share of the stretch around them (an OCR'd sentence: "tbe
  company's ihares up"), see :func:`_drop_stray`.

Shared words are then grouped into passages at the line breaks both texts
have (paragraph ends), and each pair of matched words whose raw forms differ
says what normalisation erased (quotes, entities, mojibake, ...).
"""

from __future__ import annotations

import bisect
import html
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import ftfy

from neardup.explain.blocks import matching_blocks
from neardup.explain.model import Erased, Passage, Span
from neardup.explain.tokens import Token, Tokens

__all__ = ["Block", "Gap", "gaps", "match", "shared_passages", "span_of", "typography_between"]

_MIN_MATCH = 3  # words; shorter matches must sit between small gaps to count
_MAX_SLIDE = 12  # words an insertion may move to line up with line breaks
_QUOTES = frozenset("'\"‘’‚‛“”„‟′″‵‶«»‹›´`＂＇")
_DASHES = frozenset("-‐‑‒–—―−﹘﹣－")
_ASCII = frozenset(chr(code) for code in range(128))
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


@dataclass(frozen=True)
class Block:
    """``size`` words shared from word ``a`` of A and word ``b`` of B."""

    a: int
    b: int
    size: int


@dataclass(frozen=True)
class Gap:
    """Words ``a_start:a_end`` of A and ``b_start:b_end`` of B between two blocks.

    ``head``: no shared word comes before it; ``tail``: none comes after.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    head: bool
    tail: bool


def match(
    a: Sequence[str],
    b: Sequence[str],
    first_a: Sequence[bool] = (),
    first_b: Sequence[bool] = (),
) -> list[Block]:
    """The matched runs of two word sequences, in order (see the module docs).

    ``first_a``/``first_b`` say which words open a line; where an insertion
    could sit in several places, it is moved to fill whole lines.
    """
    blocks = [
        Block(len(a) - i - n, len(b) - j - n, n) for i, j, n in matching_blocks(a[::-1], b[::-1])
    ]
    blocks.reverse()
    return _slide(_drop_stray(blocks, len(a), len(b)), a, b, first_a, first_b)


def _drop_stray(blocks: list[Block], len_a: int, len_b: int) -> list[Block]:
    """Drop the short matches of every stretch between two long ones that is mostly unmatched.

    Between two matches of ``_MIN_MATCH`` words or more, short matches are
    kept when they make up at least half as many words as the larger side
    left unmatched (an OCR'd or edited sentence: "misread | the | misread"),
    and dropped otherwise (a caption whose "a" and "to the" found partners).
    """
    ends = [Block(0, 0, 0), *blocks, Block(len_a, len_b, 0)]
    anchors = [
        k for k, block in enumerate(ends) if block.size >= _MIN_MATCH or k in (0, len(ends) - 1)
    ]
    keep: list[Block] = []
    for left, right in pairwise(anchors):
        short = ends[left + 1 : right]
        matched = sum(block.size for block in short)
        if short:
            start, end = ends[left], ends[right]
            unmatched_a = end.a - start.a - start.size - matched
            unmatched_b = end.b - start.b - start.size - matched
            if 2 * matched >= max(unmatched_a, unmatched_b):
                keep.extend(short)
        if right < len(ends) - 1:
            keep.append(ends[right])
    return keep


def _slide(
    blocks: list[Block],
    a: Sequence[str],
    b: Sequence[str],
    first_a: Sequence[bool],
    first_b: Sequence[bool],
) -> list[Block]:
    """Move each one-sided gap to where it starts and ends a line, when it can move.

    "x | Dome Pete / caption | Dome and ..." against "x | Dome and ...": the
    inserted stretch may take either "Dome", and only one choice is the
    caption line. Like diff's slider heuristics, try shifts that keep the
    match valid and keep the one that lines up with line breaks.
    """
    if not first_a or not first_b:
        return blocks
    out = list(blocks)
    for k in range(1, len(out)):
        before, after = out[k - 1], out[k]
        gap_a = after.a - before.a - before.size
        gap_b = after.b - before.b - before.size
        if (gap_a and gap_b) or not (gap_a or gap_b):
            continue
        words, first = (b, first_b) if gap_b else (a, first_a)
        start = (before.b if gap_b else before.a) + before.size
        out[k - 1], out[k] = _best_shift(before, after, start, gap_b or gap_a, words, first)
    return [block for block in out if block.size]


def _best_shift(
    before: Block,
    after: Block,
    start: int,
    size: int,
    words: Sequence[str],
    first: Sequence[bool],
) -> tuple[Block, Block]:
    """The blocks around an insertion of ``size`` words at ``start``, moved by the best shift.

    Shifting by ``s`` hands ``s`` words from one block to the other, on both
    sides at once; it is valid while the word handed over equals the one
    taken.
    """

    def lines_up(shift: int) -> tuple[int, int]:
        lo, hi = start + shift, start + shift + size
        return int(first[lo]) + int(hi >= len(first) or first[hi]), -abs(shift)

    shifts = [0]
    shift = 0
    while (
        -shift < min(before.size, _MAX_SLIDE)
        and words[start + shift - 1] == words[start + shift + size - 1]
    ):
        shift -= 1
        shifts.append(shift)
    shift = 0
    while (
        shift < min(after.size, _MAX_SLIDE) and words[start + shift] == words[start + shift + size]
    ):
        shift += 1
        shifts.append(shift)
    best = max(shifts, key=lines_up)
    return (
        Block(before.a, before.b, before.size + best),
        Block(after.a + best, after.b + best, after.size - best),
    )


def gaps(blocks: Sequence[Block], len_a: int, len_b: int) -> list[Gap]:
    """The unmatched stretches between (and around) the blocks; empty ones left out."""
    out: list[Gap] = []
    a, b = 0, 0
    for k, block in enumerate([*blocks, Block(len_a, len_b, 0)]):
        if block.a > a or block.b > b:
            out.append(Gap(a, block.a, b, block.b, head=k == 0, tail=k == len(blocks)))
        a, b = block.a + block.size, block.b + block.size
    return out


def span_of(text: Tokens, first: int, last: int) -> Span:
    """Raw span of words ``first:last``, with a line's leading bullet and trailing marks.

    A stretch that starts a line takes the line from its start (the bullet
    belongs to it); one that ends a line takes it to its end.
    """
    tokens = text.tokens
    start, end = tokens[first].start, tokens[last - 1].end
    if tokens[first].first:
        start = text.lines[tokens[first].line].start
    if last == len(tokens) or tokens[last].first:
        end = text.lines[_line_at(text, end - 1)].end
    raw = text.text
    while start < end and raw[start].isspace():
        start += 1
    while end > start and raw[end - 1].isspace():
        end -= 1
    return start, end


def _line_at(text: Tokens, offset: int) -> int:
    return max(0, bisect.bisect_right(text.line_starts, offset) - 1)


def shared_passages(a: Tokens, b: Tokens, block: Block) -> list[Passage]:
    """One passage per stretch of ``block`` between line breaks that both texts have."""
    cuts = [0]
    cuts += [
        k
        for k in range(1, block.size)
        if a.tokens[block.a + k].first and b.tokens[block.b + k].first
    ]
    cuts.append(block.size)
    return [_shared(a, b, block, lo, hi) for lo, hi in pairwise(cuts)]


def _shared(a: Tokens, b: Tokens, block: Block, lo: int, hi: int) -> Passage:
    erased: set[Erased] = set()
    for k in range(lo, hi):
        ta, tb = a.tokens[block.a + k], b.tokens[block.b + k]
        kind = _pair_erased(a.text, b.text, ta, tb)
        if kind:
            erased.add(kind)
        if k > lo and ta.first != tb.first:
            erased.add("wrapping")
        if ta.first and tb.first and _bullet(ta.prefix) != _bullet(tb.prefix):
            erased.add("bullets")
    span_a = span_of(a, block.a + lo, block.a + hi)
    span_b = span_of(b, block.b + lo, block.b + hi)
    return Passage(
        "shared",
        a.text[span_a[0] : span_a[1]],
        b.text[span_b[0] : span_b[1]],
        span_a,
        span_b,
        erased=tuple(sorted(erased)),
    )


def _bullet(prefix: str) -> str:
    return prefix.strip()


def _pair_erased(text_a: str, text_b: str, ta: Token, tb: Token) -> Erased | None:
    """What normalisation erased between two matched words, or None if they are the same."""
    raw_a, raw_b = text_a[ta.start : ta.end], text_b[tb.start : tb.end]
    if raw_a == raw_b:
        return None
    return erased_kind(raw_a, raw_b)


def typography_between(raw_a: str, raw_b: str) -> tuple[Erased, ...]:
    """Typography that differs between two raw stretches that differ in words too.

    A word both misread and re-typeset ("Moore's" / "Mooce’s") is a change,
    but its apostrophe still says the copy was typeset differently.
    """
    kinds: set[Erased] = set()
    if (html.unescape(raw_a) != raw_a) != (html.unescape(raw_b) != raw_b):
        kinds.add("entities")
    if (ftfy.fix_encoding(raw_a) != raw_a) != (ftfy.fix_encoding(raw_b) != raw_b):
        kinds.add("mojibake")
    fancy_a, fancy_b = set(raw_a) - _ASCII, set(raw_b) - _ASCII  # OCR and wrapping make ASCII
    if (fancy_a & _QUOTES) != (fancy_b & _QUOTES):
        kinds.add("quotes")
    if (fancy_a & _DASHES) != (fancy_b & _DASHES):
        kinds.add("dashes")
    return tuple(sorted(kinds))


def erased_kind(raw_a: str, raw_b: str) -> Erased:
    """Classify the difference between two raw words that normalise alike."""
    if _LINE_BREAKS & (set(raw_a) | set(raw_b)):
        return "hyphenation"
    if html.unescape(raw_a) != raw_a or html.unescape(raw_b) != raw_b:
        return "entities"
    if ftfy.fix_encoding(raw_a) != raw_a or ftfy.fix_encoding(raw_b) != raw_b:
        return "mojibake"
    differing = set(raw_a) ^ set(raw_b)
    if differing & _QUOTES:
        return "quotes"
    if differing & _DASHES:
        return "dashes"
    if unicodedata.normalize("NFKC", raw_a) == unicodedata.normalize("NFKC", raw_b):
        return "unicode"
    if raw_a.casefold() == raw_b.casefold():
        return "case"
    return "unicode"
