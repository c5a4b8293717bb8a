"""Line structure of a raw text: bullets, wrapped lines, key-points blocks.

A "KEY POINTS" block repeats the story's first sentences as bullets above the
story. Left to itself the word matcher would pair those sentences with
whichever copy of them it meets, and in a noisy copy (OCR, edits) that is
sometimes the bullet. So the block is found from the layout alone (a short
header line, bullets under it, the bullets' wrapped lines, and the odd
furniture line a site drops in between) and its words are matched only with
the other text's key-points block.
"""

from __future__ import annotations

import re

from neardup.explain.tokens import Tokens

__all__ = ["continues", "is_bullet_line", "key_point_lines", "terminal"]

_BULLET_START = re.compile(
    r"^\s*(?:[\u2022\u2023\u2043\u204c\u204d\u2219\u00b7\u25aa\u25ab\u25a0\u25a1\u25b8\u25b9"
    r"\u25ba\u25bb\u25c6\u25c7\u25cb\u25cf\u25e6\u25fd\u25fe\u2756\u27a2\u27a4\u29bf]"
    r"|[-*+\u2010-\u2015\u2212](?=\s))"
)
_TERMINAL = re.compile(r"[.!?:;][\"'\u201d\u2019)\]]*\s*$")
_HYPHENATED = re.compile(r"[^\W\d_][-\u00ad\u2010\u2011]$")
_HEADER_WORDS = re.compile(
    r"\b(?:key (?:points|facts|takeaways|findings)|highlights|at a glance|in brief|summary"
    r"|takeaways|what (?:you need )?to know|quick read)\b",
    re.IGNORECASE,
)
_DATELINE_LEAD = re.compile(
    r"^\s*[A-Z][A-Z.'\u2019 ]{1,30}(?:\([^()\n]{1,30}\))?\s*[-\u2013\u2014:]+\s+"
)
_WRAP_SHARE = 0.6  # a line this close to the text's longest line was cut by wrapping
_HEADER_MAX_WORDS = 6  # "KEY POINTS", "At a glance", "What you need to know"
_FURNITURE_WORDS = 12  # a line a site drops between bullets: an ad, a byline, a caption header
_LOOKAHEAD = 4  # lines between a header and its first bullet (ads, blank-separated)


def is_bullet_line(text: str) -> bool:
    return bool(_BULLET_START.match(text))


def terminal(text: str) -> bool:
    """Ends like a sentence (or a quote, or a list lead-in)."""
    return bool(_TERMINAL.search(text))


def continues(text: Tokens, line: int, width: int | None = None) -> bool:
    """Whether ``line`` looks like the wrapped rest of the line before it.

    No blank line between them, it is no bullet of its own, and either it
    starts in lower case, or the line before ends with a hyphenated word, or
    ran close to the text's longest line without ending a sentence (a
    reflowed paragraph).
    """
    if line == 0 or text.lines[line].blank_before:
        return False
    current = text.line_text(line).strip()
    if is_bullet_line(current):
        return False
    if current[:1].islower():
        return True
    previous = text.line_text(line - 1).rstrip()
    if _HYPHENATED.search(previous):
        return True
    width = text.widest_line if width is None else width
    return len(previous) >= _WRAP_SHARE * width and not terminal(previous)


def is_header(line: str) -> bool:
    """A short line in capitals, or naming a summary ("Key points", "At a glance")."""
    line = _DATELINE_LEAD.sub("", line, count=1) if line.isupper() else line
    if is_bullet_line(line) or len(line.split()) > _HEADER_MAX_WORDS:
        return False
    letters = [c for c in line if c.isalpha()]
    shouting = bool(letters) and sum(c.isupper() for c in letters) >= 0.75 * len(letters)
    return shouting or bool(_HEADER_WORDS.search(line))


def key_point_lines(text: Tokens) -> frozenset[int]:
    """Indices of the lines of every key-points block in ``text``."""
    found: set[int] = set()
    width, index = text.widest_line, 0
    while index < len(text.lines):
        end = _block_end(text, index, width) if is_header(text.line_text(index)) else None
        if end is None:
            index += 1
            continue
        found.update(range(index, end))
        index = end
    return frozenset(found)


def _block_end(text: Tokens, header: int, width: int) -> int | None:
    """One past the block's last line, or None when no bullets follow the header."""
    last_bullet = None
    line = header + 1
    while line < len(text.lines):
        content = text.line_text(line)
        if is_bullet_line(content):
            last_bullet = line
        elif last_bullet is None and line - header > _LOOKAHEAD:
            return None
        elif not continues(text, line, width) and len(content.split()) > _FURNITURE_WORDS:
            break
        line += 1
    if last_bullet is None:
        return None
    end = last_bullet + 1
    while end < len(text.lines) and continues(text, end, width):
        end += 1
    return end
