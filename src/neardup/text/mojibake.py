"""Whether ftfy might change a line, asked cheaply (step 1 of :mod:`neardup.text.normalize`).

``ftfy.fix_encoding`` changes a line only if ``ftfy.badness.BADNESS_RE`` matches it (its
first step returns any other line as it is). That regex costs ~0.2 ms per KB of accented
text (it tries each of its patterns at each accented letter), and the lines of Greek,
Russian, Chinese, Portuguese ("ção") or German ("größer") text went through it at 1-3
MB/s. :func:`may_be_bad` asks necessary conditions for a match instead, cheapest first:

1. the hint: two adjacent non-ASCII characters, or one of the lone triggers (a C1
   control, "Â", "Ã", "Œ", "œ"): every alternative of the regex holds one or the other;
2. the mark: one of the characters of ftfy's mojibake tables other than its Greek and
   Cyrillic letters (which Greek and Russian text is made of), or the "Ђ" of its two
   letters-only patterns ("вЂ", "ГўВЂВ."): every alternative holds one;
3. a lone trigger, or two adjacent characters of one of the pairs of neighbouring
   non-ASCII classes the alternatives hold: "çã", "öß", "ść" are none;
4. only then the regex itself, within reach of the hint's matches (``_badness_nearby``).

They read the regex's make-up, proven for the ftfy versions in ``_PROVEN_FTFY``:
tests/text/test_normalize.py walks every alternative of the installed one. Under any
other version every line with a non-ASCII character goes to ftfy, as slow as correct.
Reading the pairs parses the regex (~50 ms), once per process, the first time a text
needs it; each pair of characters met is judged once.
"""

from __future__ import annotations

import functools
import re
from itertools import pairwise
from typing import Any

import ftfy
import ftfy.badness
import ftfy.chardata

try:
    import re._parser as _parser  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # Python 3.10
    import sre_parse as _parser  # type: ignore[no-redef,unused-ignore]

Chars = frozenset[int]

_PROVEN_FTFY = ("6.1.", "6.2.", "6.3.")
PROVEN = ftfy.__version__.startswith(_PROVEN_FTFY)
_ANY_NON_ASCII = "[\x80-\U0010ffff]"
_LONE = "\x80-\x9f\u00c2\u00c3\u0152\u0153"  # the lone triggers, as a class body

# "a non-ASCII character followed by another, or itself a lone trigger": ~5x cheaper than
# ftfy's own check, and most clean lines fail it
HINT = re.compile(
    f"[\x80-\U0010ffff](?:[\x80-\U0010ffff]|(?<=[{_LONE}]))" if PROVEN else _ANY_NON_ASCII
)
_LONE_TRIGGER = re.compile(f"[{_LONE}]")
_ADJACENT_PAIR = re.compile("(?=([\x80-\U0010ffff]{2}))")  # every pair, overlapping
BADNESS_SPAN = 7  # no match of the regex is longer (tests/text/test_normalize.py)
_VERDICTS_KEPT = 1 << 16  # pairs judged and remembered; past this they are judged afresh


def _mark() -> re.Pattern[str]:
    """Condition 2 as one class: ftfy's tables (ranges and all) but its common letters,
    the few characters the regex names outside them, read off its text (escapes and
    range interiors missed, which the test's walk of the parsed regex would show), and
    "Ђ". Under an unproven ftfy, every non-ASCII character."""
    if not PROVEN:
        return re.compile(_ANY_NON_ASCII)
    categories = dict(ftfy.badness.MOJIBAKE_CATEGORIES)
    pattern = ftfy.badness.BADNESS_RE.pattern
    letters = re.compile(f"[{categories.pop('lower_common')}{categories.pop('upper_common')}]")
    own = sorted({c for c in pattern if not c.isascii() and not letters.match(c)})
    return re.compile("[" + "".join(categories.values()) + "".join(own) + "\u0402]")


MARK = _mark()


def may_be_bad(text: str) -> bool:
    """Whether ftfy's badness regex might match ``text`` (so ftfy might change it)."""
    if not (HINT.search(text) and MARK.search(text)):
        return False
    if not PROVEN:
        return True
    if _LONE_TRIGGER.search(text) or any(
        may_start_badness(found.group(1)) for found in _ADJACENT_PAIR.finditer(text)
    ):
        return _badness_nearby(text)
    return False


def _badness_nearby(text: str) -> bool:
    """Whether the badness regex matches near a place the hint found.

    Every match holds a pair or a lone character the hint finds, and is at most
    ``BADNESS_SPAN`` long, so it lies within that reach of one of the hint's matches
    (a pair the hint skips, overlapping the match before, is within reach of that one).
    So the regex is asked only there: the windows, merged where they overlap, joined by
    NULs and searched at once. A match the text does not have (across a NUL, or a "^"
    at a window's start) only sends the text to ftfy, which asks again.
    """
    reach = BADNESS_SPAN - 1
    windows: list[str] = []
    start = stop = -1
    for found in HINT.finditer(text):
        if stop >= 0 and found.start() - reach > stop:
            windows.append(text[start:stop])
            start = -1
        if start < 0:
            start = max(0, found.start() - reach)
        stop = found.end() + reach
    windows.append(text[start:stop])
    # one search over the windows, NUL between them: a match across one is spurious, and
    # only sends the text to ftfy (a search per window cost more than the regex itself)
    return bool(ftfy.badness.BADNESS_RE.search("\x00".join(windows)))


# ftfy's fix of a line, fed the line with the middles of its long ASCII runs cut out
_CONTEXT = 2 * BADNESS_SPAN  # ASCII characters kept either side of a cut
_CUT = "\x00"  # stands for a cut (a line holding one is fixed whole)


def _self_encoded() -> str:
    """The ASCII characters that every encoding ftfy tries encodes as themselves: all but
    "\x1a", which its sloppy codecs keep for U+FFFD (a line holding one is never fixed by
    them, so where it stands must be seen)."""
    encodings = ftfy.chardata.CHARMAP_ENCODINGS
    return "".join(
        char
        for char in map(chr, range(128))
        if all(
            ftfy.chardata.possible_encoding(char, name) and char.encode(name) == char.encode()
            for name in encodings
        )
    )


@functools.cache
def _long_ascii_run() -> re.Pattern[str] | None:
    """What :func:`fix_encoding` cuts the middle of; None when it cuts nothing (an unproven
    ftfy, or one whose encodings would not read the cut as itself). Made on first use
    (2 ms), not at import: every command imports this module, few meet mojibake."""
    allowed = _self_encoded()
    if not PROVEN or _CUT not in allowed:
        return None
    return re.compile(f"[{re.escape(allowed.replace(_CUT, ''))}]{{{2 * _CONTEXT + 2},}}")


def fix_encoding(line: str, config: ftfy.TextFixerConfig) -> str:
    """``ftfy.fix_encoding(line, config)``, most of a long line's ASCII set aside.

    Its badness regex, run over the whole line at least twice (before and after the
    fix), was two thirds of the time mojibake cost. Under a proven ftfy no step of
    the fix reads or changes ASCII farther than ``BADNESS_SPAN`` from a non-ASCII
    character: every alternative of the regex (and of its byte patterns, which are
    shorter) holds one, a re-encoding maps each ASCII character but "\x1a" to itself in
    every encoding it tries, and what it decides reads the set of characters present,
    in which those are always allowed (see :func:`_self_encoded`). So each run
    of such characters longer than twice ``_CONTEXT`` keeps ``_CONTEXT`` characters at
    either end, its middle becomes one ``_CUT`` (one of them too), and the middles go
    back in place once fixed.
    """
    long_run = _long_ascii_run()
    if long_run is None or _CUT in line:
        return ftfy.fix_encoding(line, config)
    middles: list[str] = []

    def cut(found: re.Match[str]) -> str:
        run = found.group()
        middles.append(run[_CONTEXT:-_CONTEXT])
        return f"{run[:_CONTEXT]}{_CUT}{run[-_CONTEXT:]}"

    short = long_run.sub(cut, line)
    if not middles:
        return ftfy.fix_encoding(line, config)
    parts = ftfy.fix_encoding(short, config).split(_CUT)
    if len(parts) != len(middles) + 1:  # a cut lost: never seen, but then fix it whole
        return ftfy.fix_encoding(line, config)
    return "".join(part + middle for part, middle in zip(parts, [*middles, ""], strict=True))


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
