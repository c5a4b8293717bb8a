"""Which characters side by side ftfy's badness regex can match, read off the regex itself.

``ftfy.fix_encoding`` changes a line only if ``ftfy.badness.BADNESS_RE`` matches it (its
first step returns any other line as it is). Every alternative of that regex holds two
items side by side that match non-ASCII characters only ("[ÂÃÎÐ][€œŠš...]"), or a lone
character the hint of :mod:`neardup.text.normalize` names (a C1 control, "Â", "Ã", "Œ",
"œ"); tests/text/test_normalize.py proves it on the installed ftfy. So a line can be bad
only where two adjacent characters fall in such a pair of classes, or where it holds one
of those lone characters: "çã", "öß", "ść" fall in none, and Portuguese, German or Polish
text need not be searched with the regex, which costs ~0.2 ms per KB of accented text.

Reading the pairs parses the regex (~50 ms), once per process, the first time a text
needs it; each pair of characters met is judged once.
"""

from __future__ import annotations

import functools
from itertools import pairwise
from typing import Any

import ftfy.badness

try:
    import re._parser as _parser  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # Python 3.10
    import sre_parse as _parser  # type: ignore[no-redef,unused-ignore]

Chars = frozenset[int]

_VERDICTS_KEPT = 1 << 16  # pairs judged and remembered; past this they are judged afresh


def plain_set(item: tuple[Any, Any]) -> Chars | None:
    """The characters a parsed regex item matches, for a literal or a class of literals
    and ranges; None for anything wider (a category, a negated class, a repeat)."""
    op, arg = item
    if op == _parser.LITERAL:
        return frozenset((arg,))
    if op != _parser.IN:
        return None
    found: set[int] = set()
    for kind, value in arg:
        if kind == _parser.LITERAL:
            found.add(value)
        elif kind == _parser.RANGE:
            found.update(range(value[0], value[1] + 1))
        else:
            return None
    return frozenset(found)


def alternatives() -> list[list[Chars | None]]:
    """Each alternative of ftfy's badness regex as the plain sets of its items."""
    regex = ftfy.badness.BADNESS_RE
    tree = _parser.parse(regex.pattern, regex.flags)
    (op, (_, branches)), *rest = tree.data
    if op != _parser.BRANCH or rest:
        raise ValueError("ftfy's badness regex is not one alternation")
    return [[plain_set(item) for item in branch.data] for branch in branches]


def adjacent_pairs(items: list[Chars | None]) -> list[tuple[Chars, Chars]]:
    """The pairs of neighbouring items of an alternative that match non-ASCII only."""
    return [
        (first, second)
        for first, second in pairwise(items)
        if first and second and min(first) >= 0x80 and min(second) >= 0x80
    ]


@functools.cache
def pair_classes() -> tuple[tuple[Chars, Chars], ...]:
    """Every pair of neighbouring non-ASCII classes in the regex's alternatives."""
    return tuple(pair for items in alternatives() for pair in adjacent_pairs(items))


_verdicts: dict[str, bool] = {}


def may_start_badness(pair: str) -> bool:
    """Whether two adjacent characters could be matched side by side by the regex."""
    verdict = _verdicts.get(pair)
    if verdict is None:
        first, second = ord(pair[0]), ord(pair[1])
        verdict = any(first in a and second in b for a, b in pair_classes())
        if len(_verdicts) >= _VERDICTS_KEPT:
            _verdicts.clear()
        _verdicts[pair] = verdict
    return verdict
