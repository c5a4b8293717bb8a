"""News furniture left out of the text that is shingled (``DedupConfig.drop_boilerplate``).

Bylines, photo captions and credits, copyright and "read more" footers,
"Advertisement" lines: each outlet adds its own to a syndicated story, and
the same ones to every story it prints. Counted as text, they make two copies
of one story look less alike and two different stories from one outlet look
more alike. So the lines that are furniture by their own text are dropped
before shingling; the exact-text key (and so exact-duplicate grouping) still
sees the whole text.

What counts as furniture is decided by the rules of
:func:`neardup.explain.labels.label_line` (shape: "By Name, Outlet",
"NAME/AGENCY" credits; trade vocabulary: "©", "all rights reserved",
"advertisement", ...), the labeller ``neardup explain`` uses, applied to whole
lines only. They depend on the document alone, never on the corpus, so a
document has the same features in batch dedup and in an index, whatever else
was read. (Counting lines across the corpus was measured too: see docs/quality.md,
"How the defaults were chosen".)

Cost: one case-insensitive scan of each text for any trigger word or shape of
those rules; only lines with a hit are labelled, and most texts have none.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from neardup.config import DedupConfig
from neardup.text.normalize import normalize

if TYPE_CHECKING:
    from neardup.explain.model import Label

__all__ = ["DROPPED", "content_text", "furniture_lines", "shingled_texts"]

DROPPED: frozenset[Label] = frozenset({"byline", "caption", "footer", "advertisement", "dateline"})
_LONGEST = 60  # words: no rule labels a longer line (captions are the longest)

# Every word or shape that can make label_line name a line, and some more: a
# superset, so a line without a hit needs no look. (Trade words misread by OCR,
# which label_line can also match, are not looked for: too slow for every line.)
# Plain words are found with str.find in the lowercased text, shapes with a few
# regexes that each start with a literal or a line start: one alternation of all
# of them would be tried at every character.
_WORDS = (
    "\u00a9", "&copy", "&#169", "(c)", "copyright", "rights reserved", "read more", "sign up",
    "originally", "first published", "first appeared", "newsletter", "subscri", "follow us",
    "more from", "more stories", "more news", "related", "click here", "share this", "contact us",
    "terms of", "privacy", "reprint", "republish", "get the", "download", "advert", "continue",
    "getty", "shutterstock", "handout", "photo", "picture", "image", "credit", "reporting by",
    "writing by", "editing by",
)  # fmt: skip
_SHAPES = (
    re.compile(  # bylines, ad markers and footers that open their line
        r"^[^\w\n]*(?:by|from|words by|written by|reported by|ads?|sponsored|promoted|paid|scroll"
        r"|this (?:article|story))\b",
        re.IGNORECASE | re.MULTILINE,
    ),
    re.compile(r"^[^\w\n]*\w\w[ \t]+\S+(?:[ \t]+\S+){0,3}[ \t]*[,|][ \t]*[A-Z]", re.MULTILINE),
    re.compile(r"[A-Z][A-Z'\-]\s?/\s?[A-Za-z]"),  # a credit: NAME/AGENCY
    re.compile(r"\)[ \t]*(?:[-\u2010-\u2015\u2212:]|\u00e2\u20ac)"),  # a dateline: CITY (Agency) -
)


def _hits(text: str) -> list[int]:
    low = text.lower()
    found = []
    for word in _WORDS:
        at = low.find(word)
        while at >= 0:
            found.append(at)
            at = low.find(word, at + 1)
    for shape in _SHAPES:
        found.extend(hit.start() for hit in shape.finditer(text))
    return found


def furniture_lines(text: str) -> list[int]:
    """Indices (in ``text.split("\\n")``) of the lines that are furniture by their own text."""
    hits = _hits(text)
    if not hits:
        return []
    # imported here: the explain package imports this module (its figures shingle as dedup does)
    from neardup.explain.labels import label_line

    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    candidates = sorted({bisect.bisect_right(starts, at) - 1 for at in hits})
    return [
        index
        for index in candidates
        if len(lines[index].split()) <= _LONGEST
        and label_line(lines[index], fuzzy=False) in DROPPED
    ]


def content_text(text: str) -> str:
    """``text`` without its furniture lines; ``text`` itself when it has none or is all furniture."""
    dropped = furniture_lines(text)
    if not dropped:
        return text
    skip = set(dropped)
    kept = [line for i, line in enumerate(text.split("\n")) if i not in skip]
    content = "\n".join(kept)
    return content if content.strip() else text


def unshingled_sources(texts: Sequence[str], config: DedupConfig) -> Sequence[str]:
    """The raw texts as they are shingled, before normalisation: with ``drop_boilerplate``
    without their furniture lines, so that their paragraphs (``text.shingle.paragraph_starts``)
    count the words the shingles do."""
    if not config.drop_boilerplate:
        return texts
    return [content_text(text) for text in texts]


def shingled_texts(
    texts: Sequence[str],
    normalized: list[str],
    config: DedupConfig,
    sources: Sequence[str] | None = None,
) -> list[str]:
    """The normalised texts that are shingled: ``normalized`` itself, or with
    ``drop_boilerplate`` each text without its furniture lines (``sources``, from
    :func:`unshingled_sources`, when already found)."""
    if not config.drop_boilerplate:
        return normalized
    contents = unshingled_sources(texts, config) if sources is None else sources
    return [
        norm if content is text else normalize(content, config.normalize)
        for text, norm, content in zip(texts, normalized, contents, strict=True)
    ]
