"""How many documents of a corpus carry a line: boilerplate recurs across stories.

A footer, a byline, an "Advertisement" line is the same line in many
different documents; a sentence of a story recurs only in that story's
copies. So a *short* line found in many documents is furniture, whatever its
wording, which is what lets the labeller recognise phrasing its rules have
never seen. Lines are counted normalised, with digits masked ("© 2024" and
"© 2025" are one line), once per document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from neardup.text.normalize import normalize_lines

__all__ = ["LineCounts", "line_key"]

_DIGITS = re.compile(r"\d+")
_MIN_DOCUMENTS = 10  # more copies than a story usually has (the bench's clusters hold at most 7)
_MAX_WORDS = 20  # longer lines are prose, however often they recur


def line_key(normalized_line: str) -> str:
    """The counting key of one normalised line."""
    return _DIGITS.sub("0", normalized_line)


@dataclass
class LineCounts:
    """Document frequency of normalised lines; build with :meth:`from_texts`."""

    counts: Counter[str] = field(default_factory=Counter)
    documents: int = 0

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> LineCounts:
        counts = cls()
        for text in texts:
            counts.add(text)
        return counts

    def add(self, text: str) -> None:
        keys = {line_key(line) for line in normalize_lines(text)}
        self.counts.update(key for key in keys if len(key.split()) <= _MAX_WORDS)
        self.documents += 1

    def is_boilerplate(self, normalized_line: str) -> bool:
        """A short line that recurs in at least ``_MIN_DOCUMENTS`` documents."""
        if not normalized_line or len(normalized_line.split()) > _MAX_WORDS:
            return False
        return self.counts.get(line_key(normalized_line), 0) >= _MIN_DOCUMENTS
