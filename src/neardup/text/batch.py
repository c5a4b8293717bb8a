"""A batch of texts normalised straight into the UTF-8 layout the shingle kernels read.

Most news and web text is ASCII without "&", the case :func:`normalize`
already treats apart (``_plain_ascii``: only bullets, hyphenated line
breaks, whitespace and case can change such text). Here that case runs as
one compiled pass over the batch's bytes instead of four ``str`` passes per
document, about ten times faster. So does text whose only other characters
are lone typographic quotes, dashes and ellipses (one in seven news texts),
folded to ASCII in that pass: found by a scan of the batch's bytes
(:func:`typographic_kinds`), it costs no Python step (it took 40 us a text
through :func:`compiled_form`). Text in other scripts joins it once
casefolded and NFKC'd (two C calls) when nothing else a step does could read
its letters (:func:`_lettered_form`); every other text goes through
:func:`normalize` and is copied through unchanged. The result is
byte-for-byte what encoding :func:`normalize`'s output would give, which
``tests/text/test_batch.py`` checks against it, Hypothesis-generated text
in many scripts included.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
from numba import njit
from numpy.typing import NDArray

from neardup.config import NormalizeConfig
from neardup.kernels import code_point, is_alnum, is_alpha, is_lower, longest_document
from neardup.text import mojibake
from neardup.text.normalize import (
    SPECIAL_CHARACTERS,
    fix_mojibake,
    mojibake_free,
    normalize,
    unescape_entities,
)
from neardup.text.shingle import Utf8Batch, joined_utf8

U8Array = NDArray[np.uint8]
I64Array = NDArray[np.int64]

_HYPHEN = 45  # "-"
ASCII, TYPOGRAPHIC, OTHER = 0, 1, 2  # kinds of text (typographic_kinds)


@njit(cache=True, nogil=True, inline="always")
def _is_line_break(b: int) -> bool:
    """The ASCII characters ``str.splitlines`` breaks at."""
    return b == 10 or b == 13 or b == 11 or b == 12 or b == 28 or b == 29 or b == 30


@njit(cache=True, nogil=True, inline="always")
def _is_inline_space(b: int) -> bool:
    """ASCII whitespace that is not a line break: " ", tab, unit separator."""
    return b == 32 or b == 9 or b == 31


@njit(cache=True, nogil=True, inline="always")
def _is_space(b: int) -> bool:
    """What ``str.split()`` and the regex ``\\s`` treat as whitespace in ASCII."""
    return _is_inline_space(b) or _is_line_break(b)


@njit(cache=True, nogil=True, inline="always")
def _past_inline_spaces(text: U8Array, i: int, stop: int) -> int:
    """The first place from ``i`` that holds no inline space."""
    while i < stop and _is_inline_space(text[i]):
        i += 1
    return i


@njit(cache=True, nogil=True, inline="always")
def _line_break_after(text: U8Array, i: int, stop: int) -> int:
    """Where a line break stands after ``i`` and inline spaces only; -1 if none does."""
    j = _past_inline_spaces(text, i, stop)
    return j if j < stop and _is_line_break(text[j]) else -1


@njit(cache=True, nogil=True)
def _bullet_run_end(text: U8Array, start: int, stop: int) -> int:
    """End of the bullet run at ``start`` (``normalize._BULLET_RUN``), or ``start`` if none.

    Inline spaces, then one or more of ("*", "+" or "-" followed by
    whitespace or the end) each with its trailing inline spaces.
    """
    i = _past_inline_spaces(text, start, stop)
    end = start
    while i < stop:
        b = text[i]
        if not (b == 42 or b == 43 or b == _HYPHEN):
            break
        if i + 1 < stop and not _is_space(text[i + 1]):
            break
        i = _past_inline_spaces(text, i + 1, stop)
        end = i
    return end


@njit(cache=True, nogil=True)
def _remove_bullets(text: U8Array, stop: int, out: U8Array) -> int:
    """Bullet runs removed at the start and after every line break; returns the length."""
    at = 0
    i = _bullet_run_end(text, 0, stop)
    while i < stop:
        b = text[i]
        out[at] = b
        at += 1
        i += 1
        if _is_line_break(b):
            i = _bullet_run_end(text, i, stop)
    return at


@njit(cache=True, nogil=True)
def _hyphen_break_end(text: U8Array, i: int, stop: int) -> int:
    """For a "-" at ``i`` after a letter or digit: where the word after the line
    break starts (``normalize._HYPHEN_BREAK``), or -1 when it does not match."""
    j = _line_break_after(text, i + 1, stop)
    if j < 0:
        return -1
    while j < stop and _is_space(text[j]):
        j += 1
    if j >= stop or not is_alnum(text[j]):
        return -1
    return j


@njit(cache=True, nogil=True)
def _join_hyphenated(text: U8Array, stop: int, out: U8Array) -> int:
    """Hyphenated line breaks joined as ``normalize._rejoin`` does; returns the length."""
    at = 0
    i = 0
    while i < stop:
        b = text[i]
        if b == _HYPHEN and i > 0 and is_alnum(text[i - 1]):
            after = _hyphen_break_end(text, i, stop)
            if after >= 0:
                if not (is_lower(text[after]) and is_alpha(text[i - 1])):
                    out[at] = b  # a real hyphen or dash that happened to end a line
                    at += 1
                i = after
                continue
        out[at] = b
        at += 1
        i += 1
    return at


@njit(cache=True, nogil=True)
def _collapse(text: U8Array, stop: int, lower: bool, out: U8Array, at: int) -> int:
    """Words joined by single spaces (``" ".join(text.split())``), lower-cased on request."""
    pending_space = False
    start = at
    for i in range(stop):
        b = text[i]
        if _is_space(b):
            pending_space = at > start
            continue
        if pending_space:
            out[at] = 32
            at += 1
            pending_space = False
        if lower and b >= 65 and b <= 90:
            b += 32
        out[at] = b
        at += 1
    return at


@njit(cache=True, nogil=True)
def _typographic_kind(text: U8Array) -> int:
    """``ASCII``, ``TYPOGRAPHIC`` or ``OTHER`` (see :func:`typographic_kinds`) for one text."""
    kind = ASCII
    i = 0
    while i < text.size:
        b = text[i]
        if b == 38:  # "&"
            return OTHER
        if b < 128:
            i += 1
            continue
        point, width = code_point(text, i, text.size)
        k = np.searchsorted(_FOLD_POINTS, point)
        if k == _FOLD_POINTS.size or _FOLD_POINTS[k] != point:
            return OTHER
        i += width
        if i < text.size and text[i] >= 128:
            return OTHER  # two non-ASCII characters side by side
        if _FOLDED[k, 0] == _HYPHEN and _line_break_after(text, i, text.size) >= 0:
            return OTHER  # a dash ends a line: see _dash_ends_a_line
        kind = TYPOGRAPHIC
    return kind


@njit(cache=True, nogil=True)
def typographic_kinds(data: U8Array, offsets: I64Array) -> NDArray[np.int8]:
    """Per UTF-8 text: ``ASCII`` without "&"; ``TYPOGRAPHIC``, the same but for lone
    typographic characters (``_PREFOLD``), none a dash that ends a line; else ``OTHER``.
    What :func:`compiled_form` would return for the first two is known without asking
    it: the text, typography folded (see :func:`_ready_kinds`)."""
    kinds = np.empty(offsets.size - 1, dtype=np.int8)
    for d in range(kinds.size):
        kinds[d] = _typographic_kind(data[offsets[d] : offsets[d + 1]])
    return kinds


@njit(cache=True, nogil=True)
def _fold_typography(text: U8Array, stop: int, out: U8Array) -> int:
    """A ``TYPOGRAPHIC`` text with its typographic characters folded; returns the length."""
    at = 0
    i = 0
    while i < stop:
        point, width = code_point(text, i, stop)
        if width == 1:
            out[at] = text[i]
            at += 1
        else:
            k = np.searchsorted(_FOLD_POINTS, point)
            for j in range(_FOLD_LENGTHS[k]):
                out[at + j] = _FOLDED[k, j]
            at += _FOLD_LENGTHS[k]
        i += width
    return at


@njit(cache=True, nogil=True)
def _line_work(text: U8Array, stop: int) -> tuple[bool, bool]:
    """Whether :func:`_remove_bullets` and :func:`_join_hyphenated` could change ``text``:
    a bullet run opens a line, a hyphen ends one (before inline spaces). Both act at line
    breaks only, which most texts hold few of: one read-only scan spares two copies.
    (Removing bullets only deletes what follows a line break: it makes no hyphen end a
    line that did not.)"""
    bulleted = _bullet_run_end(text, 0, stop) > 0
    hyphenated = False
    for i in range(stop):
        if not _is_line_break(text[i]):
            continue
        bulleted = bulleted or _bullet_run_end(text, i + 1, stop) > i + 1
        j = i - 1
        while j >= 0 and _is_inline_space(text[j]):
            j -= 1
        hyphenated = hyphenated or (j >= 0 and text[j] == _HYPHEN)
    return bulleted, hyphenated


@njit(cache=True, nogil=True)
def normalize_plain(
    data: U8Array,
    offsets: I64Array,
    plain: NDArray[np.bool_],
    typographic: NDArray[np.bool_],
    bullets: bool,
    hyphens: bool,
    lower: bool,
) -> tuple[U8Array, I64Array]:
    """``normalize._plain_ascii`` of each document flagged ``plain``; others copied as they are.

    Bytes past ASCII (the UTF-8 of inert characters, see :func:`compiled_form`)
    are neither spaces nor letters here, as those characters are for normalize.
    Texts flagged ``typographic`` (see :func:`typographic_kinds`) have their
    typographic characters folded first, as :func:`compiled_form` would.
    """
    docs = offsets.size - 1
    out = np.empty(data.size, dtype=np.uint8)  # normalising never lengthens ASCII text
    starts = np.zeros(docs + 1, dtype=np.int64)
    longest = longest_document(offsets)
    zeroth = np.empty(longest, dtype=np.uint8)
    first = np.empty(longest, dtype=np.uint8)
    second = np.empty(longest, dtype=np.uint8)
    at = 0
    for d in range(docs):
        text = data[offsets[d] : offsets[d + 1]]
        size = text.size
        if not plain[d]:
            out[at : at + size] = text
            at += size
        else:
            if typographic[d]:
                size = _fold_typography(text, size, zeroth)
                text = zeroth
            bulleted, hyphenated = _line_work(text, size)
            if bullets and bulleted:
                size = _remove_bullets(text, size, first)
                text = first
            if hyphens and hyphenated:
                size = _join_hyphenated(text, size, second)
                text = second
            at = _collapse(text, size, lower, out, at)
        starts[d + 1] = at
    return out[:at].copy(), starts


# Typographic quotes, dashes and the ellipsis: normalize folds them to ASCII
# (step 7, or NFKC for "…"), and nothing before that reads them differently
# from their ASCII forms, except a dash that ends a line (step 6 keeps a dash
# there but may drop a hyphen), which sends the text down the full path.
_PREFOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2039\u203a", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}
_FOLD_POINTS = np.array(sorted(map(ord, _PREFOLD)), dtype=np.int64)
_FOLDED = np.array(
    [list(_PREFOLD[chr(p)].encode().ljust(3, b"\0")) for p in _FOLD_POINTS], dtype=np.uint8
)
_FOLD_LENGTHS = np.array([len(_PREFOLD[chr(p)]) for p in _FOLD_POINTS], dtype=np.int8)
_PREFOLD_CHARS = re.compile("[" + "".join(_PREFOLD) + "]")  # ~10x faster than str.translate
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")
_DASHES = "".join(char for char, folded in _PREFOLD.items() if folded == "-")
_DASH_AT_LINE_END = re.compile(f"[{_DASHES}][ \\t\\x1f]*[\\n\\r\\x0b\\x0c\\x1c\\x1d\\x1e]")


@functools.cache
def _inert(char: str) -> bool:
    """Whether every step of :func:`normalize` leaves ``char`` as it is, and reads
    it as the compiled path does: punctuation or a symbol (never a letter, digit,
    space, mark or control), stable under NFKC and casefolding, and none of the
    characters a step treats specially (bullets, quotes, dashes, invisibles...)."""
    return (
        unicodedata.category(char)[0] in "PS"
        and not char.isalnum()
        and unicodedata.normalize("NFKC", char) == char
        and char.casefold() == char
        and char not in SPECIAL_CHARACTERS
    )


def compiled_form(text: str, config: NormalizeConfig) -> str | None:
    """``text`` made ready for :func:`normalize_plain`, or None if it needs :func:`normalize`.

    Text ftfy would change is first fixed (mojibake like "Â£" in 2% of news), then:
    plain ASCII is ready as it is, text with entities once they are replaced
    (unless an "&" remains). Other text without "&" is ready when its
    non-ASCII characters stand alone and are typographic quotes, dashes or
    ellipses (folded here to ASCII) or inert punctuation and symbols ("£",
    "©", "°"), which pass through; or, with the default steps, once casefolded,
    when it holds letters too (see :func:`_lettered_form`).
    """
    if not config.collapse_whitespace:
        return None
    if config.fix_mojibake and not mojibake_free(text):
        # Every pass of normalize starts with this fix, and its result is left as it is by
        # the fix (checked), so normalize reads the fixed text alike: go on with that.
        text = fix_mojibake(text)
        if not mojibake_free(text):
            return None
    escaped = "&" in text
    if escaped:
        # With nothing left for ftfy, normalize's first pass starts by unescaping; the
        # compiled path can take over from there if no "&" is left.
        if not config.unescape_html:
            return None
        text = unescape_entities(text)  # an "&" left is checked after: see normalized_utf8
    if text.isascii():
        return text
    if not config.fold_punctuation:
        return None
    if _dash_ends_a_line(text):
        return None
    for found in _NON_ASCII_RUN.finditer(text):
        run = found.group()
        if len(run) > 1 or (run not in _PREFOLD and not _inert(run)):
            return None if escaped else _lettered_form(text, config)
    return _prefold(text)


def _lettered_form(text: str, config: NormalizeConfig) -> str | None:
    """Text in any script, casefolded and NFKC'd here, so that what is left for the
    compiled pass (bullets, whitespace, ASCII case) reads no non-ASCII character.

    Why the result is :func:`normalize`'s: its steps on such text are ftfy, NFKC,
    bullets, hyphen joins, folding, whitespace, then casefold and NFKC again. Here:

    - ftfy changes nothing, on the text (checked by :func:`compiled_form`, which hands
      over the text ftfy fixed) nor on any later form of it. Its
      later passes see the text casefolded and NFKC'd (checked too) with whitespace
      collapsed, bullets gone and lines joined by spaces, and none of that makes two
      non-ASCII characters adjacent or adds one of ftfy's characters, which both of
      its necessary conditions need (``normalize.mojibake_free``);
    - no "&" (no entities); no character a step treats specially but the
      typographic ones, folded first as step 7 would (``_carried``);
    - no hyphen ends a line: hyphen joining is the one step that reads case (and
      letters) before the final casefold, so casefolding first changes nothing;
    - NFKC and casefolding then commute with what is left, bullet removal and
      whitespace collapsing: those delete or replace ASCII spaces, line breaks and
      bullet marks only, never put two other characters side by side, so whatever
      NFKC composes, it composes the same before or after them. (Marks and
      conjoining jamo are kept off the path besides, as belt and braces.)

    The default steps only (casefold, NFKC and hyphen joining on). Such text otherwise
    took the Python steps at 10-25 MB/s.
    """
    if not (config.casefold and config.unicode_nfkc and config.join_hyphenated):
        return None
    if _HYPHEN_AT_LINE_END.search(text):
        return None
    if not _CARRIED.all_carried(text):
        return None
    folded = unicodedata.normalize("NFKC", _prefold(text).casefold())
    if config.fix_mojibake and not mojibake_free(folded):
        return None
    return folded


_HYPHEN_AT_LINE_END = re.compile("-[ \t\x1f]*[\n\r\x0b\x0c\x1c\x1d\x1e]")
_CONJOINING_JAMO = re.compile("[\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]")


def _carried(char: str) -> bool:
    """Whether a non-ASCII character may go through :func:`_lettered_form`: a typographic
    character folded beforehand, or a letter, number, punctuation or symbol that no step
    treats specially and NFKC leaves as it is; not a mark or a conjoining jamo (what
    canonical composition takes second, up to Unicode 15: see ``_lettered_form`` for why
    the path holds whatever composes)."""
    if char in _PREFOLD:
        return True
    return (
        unicodedata.category(char)[0] in "LNPS"
        and char not in SPECIAL_CHARACTERS
        and not unicodedata.combining(char)
        and not _CONJOINING_JAMO.match(char)
        and unicodedata.normalize("NFKC", char) == char
    )


class _CarriedCharacters:
    """:func:`_carried` over whole texts at regex speed: the characters judged good make
    one class, and a text is searched for any other. A good character not yet in the
    class is looked up in a set, one Python step per occurrence; the class is compiled
    again once those steps add up to a few times its size (compiling costs about its
    size), so a Russian corpus compiles its alphabet after a few texts and a Chinese one
    its thousands of characters a few dozen times, not once per new character (that
    took 29 s for 8,000)."""

    def __init__(self) -> None:
        self._good: set[str] = set()
        self._bad: set[str] = set()
        self._compiled = 0  # good characters in the class
        self._steps = 0  # occurrences of good characters found outside it since
        self._other = re.compile("[^\\x00-\\x7f]")

    def all_carried(self, text: str) -> bool:
        position = 0
        while found := self._other.search(text, position):
            char = found.group()
            if char not in self._good:
                if char in self._bad or not _carried(char):
                    self._bad.add(char)
                    return False
                self._good.add(char)
            self._steps += 1
            position = found.end()
        if self._steps > 4 * (len(self._good) + 16) and len(self._good) > self._compiled:
            chars = sorted(self._good)
            self._other = re.compile(f"[^\\x00-\\x7f{re.escape(''.join(chars))}]")
            self._compiled, self._steps = len(chars), 0
        return True


_CARRIED = _CarriedCharacters()


def _prefolded(match: re.Match[str]) -> str:
    return _PREFOLD[match.group()]


# str.find looks for one character many times faster than a regex scans for a class
def _prefold(text: str) -> str:
    """Typographic characters folded to ASCII (``_PREFOLD``)."""
    if not any(char in text for char in _PREFOLD):
        return text
    return _PREFOLD_CHARS.sub(_prefolded, text)


def _dash_ends_a_line(text: str) -> bool:
    return any(dash in text for dash in _DASHES) and bool(_DASH_AT_LINE_END.search(text))


def normalized_utf8(texts: Sequence[str], config: NormalizeConfig) -> Utf8Batch:
    """``utf8_batch([normalize(t, config) for t in texts])``, most texts compiled."""
    return raw_and_normalized_utf8(texts, config)[1]


def raw_and_normalized_utf8(
    texts: Sequence[str], config: NormalizeConfig
) -> tuple[Utf8Batch, Utf8Batch]:
    """``utf8_batch(texts)`` and :func:`normalized_utf8`, the texts encoded once."""
    return _normalized_utf8(texts, config, frozenset())


def _normalized_utf8(
    texts: Sequence[str], config: NormalizeConfig, full_path: frozenset[int]
) -> tuple[Utf8Batch, Utf8Batch]:
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
    raw = joined_utf8(encoded)
    kinds = _ready_kinds(raw, config)
    compiled = kinds != OTHER
    with_ampersand = []
    for i in np.flatnonzero(~compiled).tolist():
        form = None if i in full_path else compiled_form(texts[i], config)
        compiled[i] = form is not None
        if form is None:
            form = normalize(texts[i], config)
        elif "&" in form:
            with_ampersand.append(i)
        encoded[i] = form.encode("utf-8", "surrogatepass")
    prepared = joined_utf8(encoded)
    if not compiled.any():
        return raw, prepared
    data, offsets = normalize_plain(
        *prepared,
        compiled,
        kinds == TYPOGRAPHIC,
        config.fold_punctuation,
        config.join_hyphenated,
        config.casefold,
    )
    unsettled = _unsettled(data, offsets, with_ampersand)
    if unsettled:
        return raw, _normalized_utf8(texts, config, full_path | unsettled)[1]
    return raw, (data, offsets)


def _ready_kinds(utf8: Utf8Batch, config: NormalizeConfig) -> NDArray[np.int8]:
    """:func:`typographic_kinds`, ``OTHER`` where ``config`` asks what the kernel cannot
    tell: whitespace kept, typography kept, or the mojibake check of an unproven ftfy
    (under a proven one, lone typographic characters can hold no mojibake: see
    :mod:`neardup.text.mojibake`, condition 1)."""
    if not config.collapse_whitespace:
        return np.full(utf8[1].size - 1, OTHER, dtype=np.int8)
    kinds = typographic_kinds(*utf8)
    if not config.fold_punctuation or (config.fix_mojibake and not mojibake.PROVEN):
        kinds[kinds == TYPOGRAPHIC] = OTHER
    return kinds


def _unsettled(data: U8Array, offsets: I64Array, candidates: list[int]) -> frozenset[int]:
    """Outputs an entity follows an "&" in: not yet normalize's fixed point, as joined
    lines or lower case can make one ("&am-\\np;" or "&AMP;" -> "&amp;")."""
    found = set()
    for i in candidates:
        text = data[offsets[i] : offsets[i + 1]].tobytes().decode()
        if html.unescape(text) != text:
            found.add(i)
    return frozenset(found)
