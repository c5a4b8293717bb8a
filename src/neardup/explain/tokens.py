"""A raw text as a sequence of normalised words that remember where they came from.

Alignment works on words, not lines, because the copies of one story are
wrapped differently: a paragraph is one line in one scrape and six in another.
Each word is normalised on its own (the same steps as
:func:`~neardup.text.normalize.normalize`, cached, since news repeats its
vocabulary), so two words compare equal exactly when normalisation makes them
equal, and each keeps its raw character span so that every difference can be
shown in the text the user has.

Three details keep word-by-word normalisation faithful to the whole-text one:

- a word split by hyphenation across a line break ("exam-" / "ple") is
  normalised with its continuation, as one word spanning both lines;
- a bullet or dash that opens a line normalises to nothing and is dropped,
  but is remembered as the next word's ``prefix`` (so "•" against "-" bullets
  can be reported as typography);
- the same glyph inside a line is kept ("a - b"), as ``normalize`` keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

from neardup.config import NormalizeConfig
from neardup.kernels import UNSPACED_LETTERS
from neardup.text.normalize import normalize

__all__ = ["Line", "Token", "Tokens", "tokenize"]

_LINE = re.compile(
    r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*(\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])?"
)
_UNSPACED = "".join(f"{chr(first)}-{chr(last)}" for first, last in UNSPACED_LETTERS)
_HALF_KANA = "\uff66-\uff9d"  # half-width katakana, which NFKC makes letters of _UNSPACED
# a word: a letter of a script written without spaces alone, as the shingles read it
# (neardup.kernels; a half-width kana with its voicing mark), else a run of other non-space
# characters
_WORD = re.compile(f"[{_HALF_KANA}][\uff9e\uff9f]?|[{_UNSPACED}]|[^\\s{_UNSPACED}{_HALF_KANA}]+")
# A line-final word that may continue on the next line: a letter or digit, then a hyphen.
_HYPHEN_END = re.compile(r"[^\W_][-\u00ad\u2010\u2011]$")
_CACHE_SIZE = 1 << 16  # a corpus's working vocabulary; words repeat across copies
_MIDLINE = "x "  # a prefix that takes a word off the line start (bullets stay there)


class Token(NamedTuple):
    """One normalised word and where its raw form sits in the text (a tuple: there are many)."""

    norm: str
    start: int
    end: int
    line: int  # index into Tokens.lines of the line where the word starts
    first: bool  # the first word of its line (a line break precedes it)
    prefix: str  # raw non-space text dropped before it on its line (a bullet)


@dataclass(frozen=True)
class Line:
    """One raw line: its span and whether a blank line comes before it."""

    start: int
    end: int  # before the line break
    blank_before: bool


@dataclass(frozen=True)
class Tokens:
    """A tokenised text: its raw form, its lines and its words."""

    text: str
    lines: tuple[Line, ...]
    tokens: tuple[Token, ...]

    @property
    def norms(self) -> list[str]:
        return [token.norm for token in self.tokens]

    @cached_property
    def line_starts(self) -> list[int]:
        """Where each line starts, for bisecting: asked once per passage, so kept."""
        return [line.start for line in self.lines]

    @cached_property
    def widest_line(self) -> int:
        """The longest line's length: how wide the text is wrapped."""
        return max((line.end - line.start for line in self.lines), default=0)

    def line_text(self, index: int) -> str:
        line = self.lines[index]
        return self.text[line.start : line.end]


WordNormalizer = Callable[[str, bool], str]


@lru_cache(maxsize=8)
def _word_normalizer(config: NormalizeConfig) -> WordNormalizer:
    """A cached ``(word, at_line_start) -> normalised word`` for one config."""

    @lru_cache(maxsize=_CACHE_SIZE)
    def norm_word(word: str, at_line_start: bool) -> str:
        if at_line_start:
            return normalize(word, config)
        return normalize(_MIDLINE + word, config)[len(_MIDLINE) :].strip()

    return norm_word


def _raw_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    blank = False
    for match in _LINE.finditer(text):
        if match.start() == len(text) and not match.group():
            break
        end = match.start(1) if match.group(1) else match.end()
        if text[match.start() : end].strip():
            lines.append(Line(match.start(), end, blank))
            blank = False
        elif lines:
            blank = True
    return lines


def _words(text: str, lines: list[Line]) -> list[tuple[int, int, int]]:
    """(start, end, line) of every whitespace-separated word."""
    return [
        (m.start(), m.end(), index)
        for index, line in enumerate(lines)
        for m in _WORD.finditer(text, line.start, line.end)
    ]


def tokenize(text: str, config: NormalizeConfig = NormalizeConfig()) -> Tokens:
    """Split ``text`` into normalised words with their raw spans and lines."""
    norm_word = _word_normalizer(config)
    lines = _raw_lines(text)
    words = _words(text, lines)
    tokens: list[Token] = []
    prefix: list[str] = []
    last_line = -1  # the line where the last emitted word ended
    index = 0
    while index < len(words):
        start, end, line = words[index]
        first = line != last_line
        raw = text[start:end]
        step = 1
        if _continues(words, index, text):
            following = text[words[index + 1][0] : words[index + 1][1]]
            joined = norm_word(raw + "\n" + following, first)
            if joined and " " not in joined:
                end, step, norm = words[index + 1][1], 2, joined
            else:
                norm = norm_word(raw, first)
        else:
            norm = norm_word(raw, first)
        index += step
        if not norm:
            prefix.append(raw)
            continue
        for part in norm.split(" "):
            tokens.append(Token(part, start, end, line, first, " ".join(prefix)))
            first, prefix = False, []
        last_line = words[index - 1][2]
    return Tokens(text, tuple(lines), tuple(tokens))


def _continues(words: list[tuple[int, int, int]], index: int, text: str) -> bool:
    """Whether word ``index`` ends its line with a hyphen that the next line may continue."""
    if index + 1 >= len(words) or words[index + 1][2] == words[index][2]:
        return False
    start, end, _ = words[index]
    return bool(_HYPHEN_END.search(text, start, end))
