"""An unmatched stretch of one text, cut into the line pieces the labeller judges.

The labeller looks at lines, because that is where news furniture lives: a
headline, a byline, a caption, a footer are lines of their own, and a dateline
opens one. A *piece* is the part of one raw line that lies in the stretch,
with what the rules need to know about its surroundings: does it fill its
line, does a blank line precede it, is it part of a key-points block, does it
read as the wrapped continuation of the line before.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from neardup.explain.align import span_of
from neardup.explain.structure import continues, is_bullet_line, terminal
from neardup.explain.tokens import Tokens
from neardup.text.normalize import normalize

__all__ = ["Piece", "cut", "split_piece"]


@dataclass(frozen=True)
class Piece:
    """The part of one raw line inside an unmatched stretch."""

    start: int
    end: int
    raw: str
    norm: str
    line: int
    whole: bool  # the piece is all of its line's words
    line_start: bool  # the piece begins its line
    blank_before: bool  # a blank line separates it from the line before
    bullet: bool  # the line opens with a bullet
    key_points: bool  # the line belongs to a key-points block
    continues: bool  # reads as the wrapped continuation of the previous line

    @property
    def words(self) -> int:
        return len(self.raw.split())

    @property
    def terminal(self) -> bool:
        return terminal(self.raw)


def cut(text: Tokens, first: int, last: int, key_points: Collection[int] = ()) -> list[Piece]:
    """The pieces of words ``first:last`` of ``text``, one per line.

    A word hyphenated across a line break ("Cor-" / "porate") keeps the two
    halves' lines together as one piece.

    ``key_points``: indices of the lines in key-points blocks.
    """
    tokens = text.tokens
    groups: list[tuple[int, int]] = []
    for index in range(first, last):
        if groups and not tokens[index].first:
            groups[-1] = (groups[-1][0], index + 1)
        else:
            groups.append((index, index + 1))
    return [_piece(text, lo, hi, text.widest_line, key_points) for lo, hi in groups]


def _piece(text: Tokens, lo: int, hi: int, width: int, key_points: Collection[int]) -> Piece:
    tokens = text.tokens
    line = tokens[lo].line
    start, end = span_of(text, lo, hi)
    raw = text.text[start:end]
    line_start = tokens[lo].first
    return Piece(
        start=start,
        end=end,
        raw=raw,
        norm=normalize(raw),
        line=line,
        whole=line_start and (hi == len(tokens) or tokens[hi].first),
        line_start=line_start,
        blank_before=text.lines[line].blank_before,
        bullet=is_bullet_line(text.line_text(line)),
        key_points=line in key_points,
        continues=continues(text, line, width),
    )


def split_piece(piece: Piece, at: int) -> tuple[Piece, Piece]:
    """Cut ``piece`` at raw offset ``at`` (relative to its start) into two pieces."""
    head_raw, tail_raw = piece.raw[:at].rstrip(), piece.raw[at:]
    skipped = len(tail_raw) - len(tail_raw.lstrip())
    tail_raw = tail_raw.lstrip()
    head = replace(
        piece, end=piece.start + len(head_raw), raw=head_raw, norm=normalize(head_raw), whole=False
    )
    tail = replace(
        piece,
        start=piece.start + at + skipped,
        raw=tail_raw,
        norm=normalize(tail_raw),
        line_start=False,
        blank_before=False,
        bullet=False,
        continues=False,
    )
    return head, tail
