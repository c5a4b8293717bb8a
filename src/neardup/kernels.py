"""Compiled inner loops (numba): shingle hashing, MinHash, set overlap, union-find.

Each kernel works on a whole batch laid out flat: documents are slices of
one array given by an ``offsets`` array (document ``d`` is
``values[offsets[d]:offsets[d + 1]]``), so a batch costs one call and no
Python objects. Every kernel is a pure function of its inputs; results are
identical on every machine and in every worker. ``cache=True`` stores the
compiled code beside this file, so only the first run on a machine pays for
compilation.

Hash functions (a change here changes every signature and stored index):

- bytes are first read through a fold table: the identity, or (default) one
  mapping letters OCR confuses to one of them (see ``text.shingle``);
- a token is a maximal run of word bytes (ASCII letters, digits, ``_``, or
  any byte >= 0x80, i.e. any non-ASCII character) of the UTF-8 text; its
  hash is FNV-1a 64 over its bytes, finalised with splitmix64;
- except (``split``, the default) in scripts written without spaces between
  words: each character of Chinese, Japanese, Thai, Lao, Khmer or Myanmar
  text is a token of its own, and their punctuation ("。", "、", "「」")
  separates tokens as ASCII punctuation does (see :func:`_unspaced`); else a
  whole clause would be one token, and one changed character would cost a
  copy three shingles that each span three clauses;
- a word n-gram chains its token hashes, ``h = h * CHAIN + t`` from 0,
  then ``mix(h)``; a text shorter than n tokens is one shingle of them all;
- a character n-gram chains the Unicode code points the same way;
- the shingle *set* keeps the top 32 bits of each n-gram hash (half the
  memory; two different n-grams of two documents collide with odds of about
  ``|A| * |B| / 2**31``, a few in a hundred thousand for news articles);
- the lowest of those 32 bits (bit 32 of the n-gram hash) is not the hash's
  but says whether the n-gram holds a *figure* (see below), so the figures
  two documents share are counted from their sets alone (``pair_figures``);
- a document's exact-text key is FNV-1a 64 over its normalised bytes, mixed.

A figure is a token made mostly of digits: at least two digits making at
least half its bytes ("1987", "738.7" is two tokens, "15", "l990" an OCR'd
1990), or a strict majority of digits the fold leaves digits (the "7" of
"7-1/2 cts"; with OCR folding not a lone "1", "5", "0" or "9", which OCR
makes of "I", "s", "o" and "g"). "w0u1d" (an OCR'd "would"), "0f" and "2nd"
are not. The rule looks only at digits, and at those OCR letters read as
digits only where digits outnumber letters, so a copy whose OCR turned a
letter of a word into a digit keeps its shingles (the fold makes them equal)
and their figure bits. A character n-gram holds a figure by the same rule
applied to its characters.

A document's *numbers* are its figures read whole: a token, or tokens joined by
"-", "/", "." or "," standing between two digits ("30-1/2", "1,000", "1992/93"; a
letter the fold reads as a digit counts beside a digit, "3o-1/2"), that is a figure
by the same rule, hashed like a token (joiners included), the set keeping the top 32
bits (``numbers``). "1990-the" and "30-day" are not joined: their numbers are 1990
and 30, as in "1990 - the" and "30 day". Reports of one template share figure shingles
("1/2 pct and", "priced at 101") while their numbers differ; a copy keeps them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

U64Array = NDArray[np.uint64]
U32Array = NDArray[np.uint32]
U16Array = NDArray[np.uint16]
I64Array = NDArray[np.int64]

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_CHAIN = np.uint64(0x9E3779B97F4A7C15)
_EMPTY32 = np.uint32(0xFFFFFFFF)
_FIGURE32 = np.uint32(1)  # the figure bit (bit 32 of a hash): the lowest of the 32 a set keeps


@njit(cache=True, nogil=True, inline="always")
def _mix(z: np.uint64) -> np.uint64:
    z = z ^ (z >> np.uint64(30))
    z = z * _MIX1
    z = z ^ (z >> np.uint64(27))
    z = z * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, nogil=True, inline="always")
def _is_word_byte(b: np.uint8) -> bool:
    return (
        (b >= 48 and b <= 57)  # 0-9
        or (b >= 97 and b <= 122)  # a-z
        or (b >= 65 and b <= 90)  # A-Z
        or b == 95  # _
        or b >= 128  # any byte of a non-ASCII character
    )


@njit(cache=True, nogil=True, inline="always")
def _is_digit(b: np.uint8) -> bool:
    return b >= 48 and b <= 57


@njit(cache=True, nogil=True, inline="always")
def _is_figure(digits: int, kept: int, length: int) -> bool:
    """The figure rule of the module docs, for a token or n-gram of ``length`` units
    holding ``digits`` digits, ``kept`` of which the fold leaves digits."""
    return (digits >= 2 and 2 * digits >= length) or 2 * kept > length


# Scripts written without spaces between words, as (first, last) code points: Thai and Lao,
# Myanmar, Khmer, the marks "々", "〆", "〇", kana (but "・"), the ideographs (planes 2-3 too)
UNSPACED_LETTERS = (
    (0x0E00, 0x0EFF),
    (0x1000, 0x109F),
    (0x1780, 0x17FF),
    (0x3005, 0x3007),
    (0x3040, 0x30FA),
    (0x30FC, 0x30FF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)
# and their punctuation: "。", "、", "「", "」", "《", "》", "・" (the rest of U+3000-303F), the
# Thai, Myanmar and Khmer sentence and section marks ("๚", "။", "។"); looked up first
UNSPACED_PUNCTUATION = (
    (0x0E4F, 0x0E4F),
    (0x0E5A, 0x0E5B),
    (0x104A, 0x104B),
    (0x17D4, 0x17D6),
    (0x17D8, 0x17DA),
    (0x3000, 0x3004),
    (0x3008, 0x303F),
    (0x30FB, 0x30FB),
)


@njit(cache=True, nogil=True, inline="always")
def _within(point: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    for first, last in ranges:  # noqa: SIM110 (numba compiles a loop, not a generator)
        if first <= point <= last:
            return True
    return False


@njit(cache=True, nogil=True)
def code_point(data: NDArray[np.uint8], i: int, stop: int) -> tuple[int, int]:
    """The code point of the UTF-8 character starting at ``data[i]``, and its bytes;
    ``(-1, 1)`` for a byte that starts none, or a character cut off by ``stop``."""
    lead = np.int64(data[i])
    if lead < 0x80:
        return lead, 1
    if lead < 0xC0:
        return -1, 1
    width = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    if i + width > stop:
        return -1, 1
    point = lead & (0x7F >> width)
    for k in range(i + 1, i + width):
        point = (point << 6) | (np.int64(data[k]) & 0x3F)
    return point, width


@njit(cache=True, nogil=True)
def _unspaced(data: NDArray[np.uint8], i: int, stop: int) -> int:
    """The bytes of the character starting at ``data[i]`` when it is a letter of a script
    written without spaces (``UNSPACED_LETTERS``: a token of its own), minus them when it
    is their punctuation (``UNSPACED_PUNCTUATION``: a separator), else 0 (a word byte like
    any other). Only lead bytes of three or four are looked at; a character cut off by
    ``stop`` is a word byte."""
    if data[i] < 0xE0:
        return 0
    point, width = code_point(data, i, stop)
    if point < 0:
        return 0
    if _within(point, UNSPACED_PUNCTUATION):
        return -width
    if _within(point, UNSPACED_LETTERS):
        return width
    return 0


@njit(cache=True, nogil=True, inline="always")
def _put(
    out: U64Array,
    figures: NDArray[np.bool_],
    count: int,
    h: np.uint64,
    figure: bool,
    starts: I64Array,
    begin: int,
) -> int:
    """Write a token's finished hash, figure flag and first byte at ``count``; return the
    next place."""
    out[count] = _mix(h)
    figures[count] = figure
    starts[count] = begin
    return count + 1


@njit(cache=True, nogil=True, inline="always")
def _token_figure(data: NDArray[np.uint8], start: int, stop: int, fold: NDArray[np.uint8]) -> bool:
    """Whether the token ``data[start:stop]`` is a figure (see the module docs)."""
    digits, kept = 0, 0
    for k in range(start, stop):
        digits += _is_digit(data[k])
        kept += _is_digit(fold[data[k]])
    return _is_figure(digits, kept, stop - start)


@njit(cache=True, nogil=True)
def _token_hashes(
    data: NDArray[np.uint8],
    start: int,
    stop: int,
    fold: NDArray[np.uint8],
    split: bool,
    out: U64Array,
    figures: NDArray[np.bool_],
    starts: I64Array,
    ids: U16Array,
    stop_words: U64Array,
    stop_filter: NDArray[np.bool_],
) -> int:
    """Hash the tokens of ``data[start:stop]``, each byte read through ``fold``,
    into ``out``, whether each is a figure into ``figures`` and where each starts (a byte
    of ``data``) into ``starts``; return how many. Where ``ids`` has room, each token's
    content word id (:func:`_word_id`; 0 for none) goes into it.
    ``split``: a character of an unspaced script is a token of its own (:func:`_unspaced`).

    A token is counted out as a figure only when it holds a digit, which few do: keeping
    the counts for every byte cost a quarter of the loop."""
    count = 0
    h = _FNV_OFFSET
    inside = False
    digit = False  # whether the token so far holds a digit, as read or folded
    plain = False  # whether it holds lower-case ASCII letters alone, as read
    named = ids.size > 0
    begin = start  # where the token started
    i = start
    while i < stop:
        raw = data[i]
        width = _unspaced(data, i, stop) if split and raw >= 0xE0 else 0
        if width != 0:
            if inside:
                figure = digit and _token_figure(data, begin, i, fold)
                count = _put(out, figures, count, h, figure, starts, begin)
                if named:
                    ids[count - 1] = _word_id(
                        out[count - 1], plain, i - begin, stop_words, stop_filter
                    )
                inside = False
            if width > 0:
                h = _FNV_OFFSET
                for k in range(i, i + width):
                    h = (h ^ np.uint64(data[k])) * _FNV_PRIME
                count = _put(out, figures, count, h, False, starts, i)
                if named:
                    ids[count - 1] = 0
            i += abs(width)
            continue
        b = fold[raw]
        if _is_word_byte(b):
            if not inside:
                h = _FNV_OFFSET
                inside = True
                digit = False
                plain = True
                begin = i
            h = (h ^ np.uint64(b)) * _FNV_PRIME
            digit |= _is_digit(raw) or _is_digit(b)
            plain &= 97 <= raw <= 122
        elif inside:
            figure = digit and _token_figure(data, begin, i, fold)
            count = _put(out, figures, count, h, figure, starts, begin)
            if named:
                ids[count - 1] = _word_id(out[count - 1], plain, i - begin, stop_words, stop_filter)
            inside = False
        i += 1
    if inside:
        figure = digit and _token_figure(data, begin, stop, fold)
        count = _put(out, figures, count, h, figure, starts, begin)
        if named:
            ids[count - 1] = _word_id(out[count - 1], plain, stop - begin, stop_words, stop_filter)
    return count


@njit(cache=True, nogil=True)
def _chain_ngrams(
    units: U64Array, figures: NDArray[np.bool_], count: int, size: int, out: U32Array, at: int
) -> int:
    """Write the n-gram shingles of ``units[:count]`` (each hash's top 32 bits) to
    ``out[at:]``, the figure bit set where ``figures`` marks one of an n-gram's units;
    return how many."""
    if count == 0:
        return 0
    width = min(size, count)
    produced = count - width + 1
    for i in range(produced):
        acc = np.uint64(0)
        figure = False
        for j in range(width):
            acc = acc * _CHAIN + units[i + j]
            figure |= figures[i + j]
        h = np.uint32(_mix(acc) >> np.uint64(32)) & ~_FIGURE32
        out[at + i] = h | _FIGURE32 if figure else h
    return produced


@njit(cache=True, nogil=True)
def longest_document(offsets: I64Array) -> int:
    """The largest ``offsets[d + 1] - offsets[d]``: the room one document's scratch needs."""
    longest = 0
    for d in range(offsets.size - 1):
        longest = max(longest, offsets[d + 1] - offsets[d])
    return longest


@njit(cache=True, nogil=True)
def word_shingles(
    data: NDArray[np.uint8],
    offsets: I64Array,
    size: int,
    fold: NDArray[np.uint8],
    split: bool,
    with_numbers: bool = False,
    with_words: bool = False,
) -> tuple[U32Array, I64Array, U64Array, I64Array, U16Array]:
    """Word n-gram shingles of every document in a UTF-8 batch (not deduplicated), and,
    ``with_numbers``, its numbers placed at their words (:func:`_number_hashes`, read in
    the same pass over the tokens; else none), and, ``with_words``, the content word each
    shingle starts with (:func:`_word_id`; else none).

    ``fold`` maps each byte before hashing (identity, or OCR look-alikes to one letter);
    ``split``: characters of unspaced scripts are tokens of their own (:func:`_unspaced`).
    """
    docs = offsets.size - 1
    out = np.empty(max(data.size, 1), dtype=np.uint32)  # never more shingles than bytes
    words = np.empty(max(data.size, 1) if with_words else 0, dtype=np.uint16)
    stop_words, stop_filter = _stop_words(fold, split, with_words)
    starts = np.zeros(docs + 1, dtype=np.int64)
    found = np.empty(max(data.size, 1) if with_numbers else 0, dtype=np.uint64)
    number_starts = np.zeros(docs + 1, dtype=np.int64)
    longest = max(longest_document(offsets), 1)  # a document's tokens, one at a time
    scratch = np.empty(longest, dtype=np.uint64)
    figures = np.empty(longest, dtype=np.bool_)
    token_starts = np.empty(longest, dtype=np.int64)
    ids = np.empty(longest if with_words else 0, dtype=np.uint16)
    at, numbered = 0, 0
    for d in range(docs):
        count = _token_hashes(
            data, offsets[d], offsets[d + 1], fold, split, scratch, figures, token_starts,
            ids, stop_words, stop_filter,
        )  # fmt: skip
        produced = _chain_ngrams(scratch, figures, count, size, out, at)
        if with_words:
            words[at : at + produced] = ids[:produced]
        at += produced
        starts[d + 1] = at
        if with_numbers:
            numbered += _number_hashes(
                data, offsets[d], offsets[d + 1], fold, split, found[numbered:], token_starts, count
            )
        number_starts[d + 1] = numbered
    return out[:at].copy(), starts, found[:numbered].copy(), number_starts, words[:at].copy()


# Words that say little of what a text is about: of those that pass _word_id's length,
# English function words, the reporting verbs and units of news prose, and the calendar
STOP_WORDS = (  # noqa: SIM905 (a list of 119 words one per line reads worse)
    "that this with from have were will said says also been their which would about after "
    "they there into more than other when what some only over such most could year years "
    "first last since while under does even made make many much very where these those them "
    "then just like being both each told percent cent dlrs billion million until before "
    "because against among within without through during between again still here should "
    "might must your ours theirs whose whom upon onto across along around once ever every "
    "another next week weeks month months today yesterday tomorrow "
    "monday tuesday wednesday thursday friday saturday sunday "
    "january february march april june july august september october november december"
).split()
CONTENT_LETTERS = 4  # letters from which a word of ASCII letters alone is a content word
_STOP_TEXT = np.frombuffer(" ".join(STOP_WORDS).encode(), dtype=np.uint8)


_STOP_FILTER_BITS = 12  # a word's hash's top bits index a filter of the stop words' ones


@njit(cache=True, nogil=True)
def _stop_words(
    fold: NDArray[np.uint8], split: bool, wanted: bool
) -> tuple[U64Array, NDArray[np.bool_]]:
    """``STOP_WORDS`` hashed by the token pass itself (through ``fold``), sorted, and which
    values of a hash's top ``_STOP_FILTER_BITS`` bits one of them has: most content words
    are told from the stop words by that one lookup. None (empty) unless ``wanted``."""
    size = _STOP_TEXT.size if wanted else 0
    hashes = np.empty(size, dtype=np.uint64)
    figures = np.empty(size, dtype=np.bool_)
    starts = np.empty(size, dtype=np.int64)
    none = np.empty(0, dtype=np.uint16)
    count = _token_hashes(
        _STOP_TEXT, 0, size, fold, split, hashes, figures, starts,
        none, hashes[:0], figures[:0],
    )  # fmt: skip
    hashes = np.sort(hashes[:count])
    seen = np.zeros(1 << _STOP_FILTER_BITS, dtype=np.bool_)
    for h in hashes:
        seen[h >> np.uint64(64 - _STOP_FILTER_BITS)] = True
    return hashes, seen


@njit(cache=True, nogil=True, inline="always")
def _word_id(
    token: np.uint64,
    plain: bool,
    length: int,
    stop_words: U64Array,
    stop_filter: NDArray[np.bool_],
) -> np.uint16:
    """The 16-bit id (never 0) of a token (``token``: its hash) when it is a content word,
    ``CONTENT_LETTERS`` or more lower-case ASCII letters (``plain``: the text is case-folded)
    and none of ``stop_words``; else 0. Words of other scripts, and any holding a digit,
    say nothing here."""
    if not plain or length < CONTENT_LETTERS:
        return np.uint16(0)
    if stop_filter[token >> np.uint64(64 - _STOP_FILTER_BITS)]:
        at = np.searchsorted(stop_words, token)
        if at < stop_words.size and stop_words[at] == token:
            return np.uint16(0)
    word = np.uint16(token >> np.uint64(48))
    return word if word != 0 else np.uint16(1)


@njit(cache=True, nogil=True, inline="always")
def _is_joiner(b: np.uint8) -> bool:
    return b == 45 or b == 47 or b == 46 or b == 44  # - / . ,


@njit(cache=True, nogil=True, inline="always")
def _digit_like(b: np.uint8, fold: NDArray[np.uint8]) -> bool:
    """A digit, or a letter ``fold`` reads as one ("o" for "0", "l" for "1")."""
    for digit in range(48, 58):  # noqa: SIM110 (numba compiles a loop, not a generator)
        if fold[b] == fold[digit]:
            return True
    return False


@njit(cache=True, nogil=True, inline="always")
def _joins(data: NDArray[np.uint8], i: int, start: int, stop: int, fold: NDArray[np.uint8]) -> bool:
    """Whether the byte at ``i`` joins the bytes either side of it into one number: a joiner
    between a digit and a digit (or a letter ``fold`` reads as one)."""
    if not (_is_joiner(data[i]) and start < i and i + 1 < stop):
        return False
    before, after = data[i - 1], data[i + 1]
    return (_is_digit(before) and _digit_like(after, fold)) or (
        _is_digit(after) and _digit_like(before, fold)
    )


@njit(cache=True, nogil=True, inline="always")
def _unspaced_before(data: NDArray[np.uint8], end: int, start: int, stop: int) -> bool:
    """Whether the character ending just before ``data[end]`` is an unspaced script's letter
    or punctuation (:func:`_unspaced`): where a number read backwards ends."""
    lead = end - 1
    while lead > start and 0x80 <= data[lead] < 0xC0:
        lead -= 1
    return data[lead] >= 0xE0 and _unspaced(data, lead, stop) != 0


# A number's entry: its hash's top 32 bits, then whether it is a year, whether it holds a
# letter, and its place, the word it starts at, in the low 30 bits
NO_PLACE = np.uint64(0x3FFFFFFF)  # unknown: character shingles, index files before format 6
YEAR_BIT = np.uint64(1 << 31)  # a year (1900-2099): copies' datelines and footers differ in them
LETTER_BIT = np.uint64(1 << 30)  # holds a letter ("1980s", an OCR'd "60rn"): OCR changes them
_HASH_SHIFT = np.uint64(32)


@njit(cache=True, nogil=True, inline="always")
def number_hash(entry: np.uint64) -> np.uint64:
    """The hash of a number's entry (its top 32 bits): what two texts' numbers match by."""
    return entry >> _HASH_SHIFT


def number_hashes(entries: U64Array) -> U32Array:
    """The hashes of number entries, as index files before format 6 store them."""
    return (entries >> _HASH_SHIFT).astype(np.uint32)


def unplaced_numbers(hashes: U32Array) -> U64Array:
    """Number entries of stored hashes, at ``NO_PLACE`` (their places were never stored)."""
    entries: U64Array = (hashes.astype(np.uint64) << _HASH_SHIFT) | NO_PLACE
    return entries


@njit(cache=True, nogil=True, inline="always")
def _is_year(data: NDArray[np.uint8], begin: int, end: int) -> bool:
    """Whether ``data[begin:end]`` is four digits from 1900 to 2099."""
    if end - begin != 4:
        return False
    for k in range(begin, end):
        if not _is_digit(data[k]):
            return False
    first, second = data[begin], data[begin + 1]
    return (first == 49 and second == 57) or (first == 50 and second == 48)


@njit(cache=True, nogil=True)
def _number_hashes(
    data: NDArray[np.uint8],
    start: int,
    stop: int,
    fold: NDArray[np.uint8],
    split: bool,
    out: U64Array,
    token_starts: I64Array,
    tokens: int,
) -> int:
    """Write the numbers of ``data[start:stop]`` to ``out``; return how many (repeats kept).

    A number is a run of word bytes, and of joiners ("-/.,") each between two digits
    (one may be a letter ``fold`` reads as a digit: ``_joins``), that is a figure by
    the token rule over its word bytes ("30-1/2", "1,000", "51.75-52.00", "1992/93").
    Hashed like a token, through ``fold``, joiners included. Only runs holding a digit
    are read: from each digit found, back to where its run starts, then forward to its end.
    ``split``: a character of an unspaced script ends a run, as it ends a token ("1998年").

    Each entry holds the hash's top 32 bits above the year and letter bits and the place:
    the number of the token the number starts in (``token_starts``, the first byte of each of the
    text's ``tokens``), or ``NO_PLACE`` when ``tokens`` is negative.
    """
    count = 0
    token = 0
    i = start
    while i < stop:
        if not _is_digit(data[i]):
            i += 1
            continue
        begin = i
        while begin > start and (
            _is_word_byte(data[begin - 1]) or _joins(data, begin - 1, start, stop, fold)
        ):
            if split and data[begin - 1] >= 0x80 and _unspaced_before(data, begin, start, stop):
                break
            begin -= 1
        h = _FNV_OFFSET
        digits, kept, length = 0, 0, 0
        i = begin
        while i < stop:
            raw = data[i]
            if split and raw >= 0xE0 and _unspaced(data, i, stop) != 0:
                break
            if _is_word_byte(raw):
                b = fold[raw]
                h = (h ^ np.uint64(b)) * _FNV_PRIME
                digits += _is_digit(raw)
                kept += _is_digit(b)
                length += 1
            elif _joins(data, i, start, stop, fold):
                h = (h ^ np.uint64(raw)) * _FNV_PRIME
            else:
                break
            i += 1
        if _is_figure(digits, kept, length):
            place = NO_PLACE
            if tokens >= 0:
                while token + 1 < tokens and token_starts[token + 1] <= begin:
                    token += 1
                place = np.uint64(token)
            year = YEAR_BIT if _is_year(data, begin, i) else np.uint64(0)
            letter = LETTER_BIT if digits < length else np.uint64(0)
            out[count] = ((_mix(h) >> _HASH_SHIFT) << _HASH_SHIFT) | year | letter | place
            count += 1
    return count


@njit(cache=True, nogil=True)
def numbers(
    data: NDArray[np.uint8], offsets: I64Array, fold: NDArray[np.uint8], split: bool
) -> tuple[U64Array, I64Array]:
    """Each document's numbers (see ``_number_hashes``) in text order, repeats kept
    (``number_sets`` makes sets of them), at ``NO_PLACE``: for character shingles, whose
    places are no words (:func:`word_shingles` places them)."""
    docs = offsets.size - 1
    out = np.empty(max(data.size, 1), dtype=np.uint64)
    starts = np.zeros(docs + 1, dtype=np.int64)
    no_tokens = np.empty(0, dtype=np.int64)
    at = 0
    for d in range(docs):
        at += _number_hashes(data, offsets[d], offsets[d + 1], fold, split, out[at:], no_tokens, -1)
        starts[d + 1] = at
    return out[:at].copy(), starts


@njit(cache=True, nogil=True)
def number_sets(values: U64Array, offsets: I64Array) -> tuple[U64Array, I64Array]:
    """Each document's numbers sorted by hash, one entry per hash: its first place."""
    out = np.empty(values.size, dtype=np.uint64)
    starts = np.zeros(offsets.size, dtype=np.int64)
    at = 0
    for d in range(offsets.size - 1):
        part = np.sort(values[offsets[d] : offsets[d + 1]])
        for i in range(part.size):
            if i == 0 or number_hash(part[i]) != number_hash(part[i - 1]):
                out[at] = part[i]
                at += 1
        starts[d + 1] = at
    return out[:at].copy(), starts


@njit(cache=True, nogil=True)
def number_overlaps(
    values: U64Array, offsets: I64Array, left: I64Array, right: I64Array
) -> I64Array:
    """``|A ∩ B|`` for each pair of number sets (``number_sets``), by hash alone."""
    out = np.empty(left.size, dtype=np.int64)
    for k in range(left.size):
        a0, a1 = offsets[left[k]], offsets[left[k] + 1]
        b0, b1 = offsets[right[k]], offsets[right[k] + 1]
        shared = 0
        while a0 < a1 and b0 < b1:
            x, y = number_hash(values[a0]), number_hash(values[b0])
            shared += x == y
            a0 += x <= y
            b0 += y <= x
        out[k] = shared
    return out


@njit(cache=True, nogil=True, inline="always")
def _is_blank_line_space(b: np.uint8) -> bool:
    """What a blank line may hold between its breaks: " ", tab, vertical tab, form feed.
    Not ``text.batch``'s inline space, which counts vertical tab and form feed as line
    breaks (as ``str.splitlines`` does): a paragraph is not a line."""
    return b == 32 or b == 9 or b == 11 or b == 12


@njit(cache=True, nogil=True, inline="always")
def is_lower(b: int) -> bool:
    return b >= 97 and b <= 122


@njit(cache=True, nogil=True, inline="always")
def is_alpha(b: int) -> bool:
    """An ASCII letter."""
    return is_lower(b) or (b >= 65 and b <= 90)


@njit(cache=True, nogil=True, inline="always")
def is_alnum(b: int) -> bool:
    """An ASCII letter or digit."""
    return is_alpha(b) or (b >= 48 and b <= 57)


@njit(cache=True, nogil=True)
def _unworded(data: NDArray[np.uint8], i: int, stop: int) -> int:
    """The bytes of what starts at ``data[i]`` when normalisation makes it no word of raw
    text's: an HTML entity ("&amp;", "&#8217;": "&" and typography), a character of General
    Punctuation (U+2000-U+206F: curly quotes, dashes, bullets, ellipsis), a no-break space;
    else 0."""
    b = data[i]
    if b == 0x26:  # "&"
        j = i + 1 + (i + 1 < stop and data[i + 1] == 0x23)  # past a "#"
        k = j
        while k < stop and k - j < 10 and is_alnum(data[k]):
            k += 1
        return k + 1 - i if j < k < stop and data[k] == 0x3B else 0  # ";"
    if b == 0xE2 and i + 2 < stop:
        second = data[i + 1]
        return 3 if second == 0x80 or (second == 0x81 and data[i + 2] <= 0xAF) else 0
    if b == 0xC2 and i + 1 < stop and data[i + 1] == 0xA0:
        return 2
    return 0


PROSE = np.uint32(1 << 31)  # on a paragraph start: the paragraph before it ends a sentence


@njit(cache=True, nogil=True, inline="always")
def _ends_sentence(data: NDArray[np.uint8], i: int, stop: int, ended: bool) -> bool:
    """Whether the text up to the visible character at ``data[i]`` ends a sentence, given
    whether the text before it did (``ended``): a full stop, "!" or "?" (ASCII or the
    ideographic and full-width ones) does, a closing quote or bracket after one keeps it
    so, anything else does not."""
    b = data[i]
    if b == 0x2E or b == 0x21 or b == 0x3F:  # . ! ?
        return True
    if b == 0x22 or b == 0x27 or b == 0x29 or b == 0x5D:  # " ' ) ]
        return ended
    if b == 0xE2 and i + 2 < stop and data[i + 1] == 0x80:  # ’ ” …
        third = data[i + 2]
        return third == 0xA6 or (ended and (third == 0x99 or third == 0x9D))
    if b == 0xE3 and i + 2 < stop and data[i + 1] == 0x80 and data[i + 2] == 0x82:  # 。
        return True
    if b == 0xEF and i + 2 < stop and data[i + 1] == 0xBC:  # ！ ？
        return data[i + 2] == 0x81 or data[i + 2] == 0x9F
    return False


@njit(cache=True, nogil=True)
def _paragraph_starts(
    data: NDArray[np.uint8], start: int, stop: int, split: bool, most: int, out: U32Array
) -> int:
    """Write to ``out`` the token number at which each paragraph of ``data[start:stop]``
    but the first begins, up to token ``most``, flagged ``PROSE`` when the paragraph
    before it ends a sentence; return how many. See :func:`paragraph_starts`."""
    tokens, found = 0, 0
    line_break = False  # a line break since the last byte that is not a space
    blank = False  # a blank line since the last token
    ended = False  # the last visible character ends a sentence
    closed = False  # the paragraph before the blank line ended one
    i = start
    while i < stop:
        raw = data[i]
        skip = _unworded(data, i, stop) if raw == 0x26 or raw == 0xE2 or raw == 0xC2 else 0
        if skip:  # counted as normalisation leaves it: no word, a space if a no-break one
            line_break &= raw == 0xC2
            if raw != 0xC2:
                ended = _ends_sentence(data, i, stop, ended)
            i += skip
            continue
        width = _unspaced(data, i, stop) if split and raw >= 0xE0 else 0
        if width > 0 or (width == 0 and _is_word_byte(raw)):  # a token starts
            if tokens > most:
                break
            if blank and tokens > 0:
                out[found] = np.uint32(tokens) | (PROSE if closed else np.uint32(0))
                found += 1
            blank = False
            ended = False
            tokens += 1
            line_break = False
            i += max(width, 1)
            while width == 0 and i < stop and _is_word_byte(data[i]):  # the rest of the word
                if (data[i] == 0xE2 or data[i] == 0xC2) and _unworded(data, i, stop):
                    break
                if split and data[i] >= 0xE0 and _unspaced(data, i, stop) != 0:
                    break
                i += 1
            continue
        if width < 0:
            line_break = False
            ended = _ends_sentence(data, i, stop, ended)
        elif raw == 10 or raw == 13:
            if raw == 13 and i + 1 < stop and data[i + 1] == 10:
                i += 1  # "\r\n" is one line break
            if line_break and not blank:  # a blank line: what came before it is a paragraph
                closed = ended
            blank |= line_break
            line_break = True
        elif not _is_blank_line_space(raw):
            line_break = False
            ended = _ends_sentence(data, i, stop, ended)
        i += max(-width, 1)
    return found


@njit(cache=True, nogil=True)
def paragraph_starts(
    data: NDArray[np.uint8], offsets: I64Array, split: bool, most: int
) -> tuple[U32Array, I64Array]:
    """Where each document's paragraphs begin, in tokens (words) of the raw UTF-8 batch,
    up to token ``most`` (a document is read no further).

    A paragraph ends at a blank line: a line break, then only spaces, tabs, vertical tabs,
    form feeds or no-break spaces, then another. Tokens follow the word shingles' rule
    (``_token_hashes``) as the text will be once normalised: HTML entities and General
    Punctuation (curly quotes, dashes) separate words, as the "&" and ASCII punctuation
    they become do; so for word shingles the number is also the first shingle of the
    paragraph (but where normalisation joins a hyphenated line break). The first paragraph
    (starting at 0) is left out, as are breaks before the first token. A start carries
    ``PROSE`` (the top bit) when the paragraph before it ends a sentence (see
    :func:`_ends_sentence`): prose, where a headline, a byline or a photo credit does not.
    """
    docs = offsets.size - 1
    out = np.empty(max(data.size // 2, 1), dtype=np.uint32)  # a break takes two bytes
    starts = np.zeros(docs + 1, dtype=np.int64)
    at = 0
    for d in range(docs):
        at += _paragraph_starts(data, offsets[d], offsets[d + 1], split, most, out[at:])
        starts[d + 1] = at
    return out[:at].copy(), starts


@njit(cache=True, nogil=True)
def keyed_with(keys: U64Array, values: U32Array, offsets: I64Array) -> U64Array:
    """Each key with its document's values chained in (``h = mix(h * CHAIN + v)``); a
    document without values keeps its key."""
    out = keys.copy()
    for d in range(keys.size):
        for k in range(offsets[d], offsets[d + 1]):
            out[d] = _mix(out[d] * _CHAIN + np.uint64(values[k]))
    return out


@njit(cache=True, nogil=True)
def char_shingles(
    points: NDArray[np.uint32], offsets: I64Array, size: int, fold: NDArray[np.uint8]
) -> tuple[U32Array, I64Array]:
    """Character n-gram shingles of every document in a batch of code points.

    ``fold`` maps each ASCII code point before hashing, as for words; an
    n-gram's figure bit follows the figure rule over its characters.
    """
    docs = offsets.size - 1
    out = np.empty(max(points.size, 1), dtype=np.uint32)
    units = points.astype(np.uint64)
    for i in range(units.size):
        if units[i] < 128:
            units[i] = fold[units[i]]
    unmarked = np.zeros(max(points.size, 1), dtype=np.bool_)
    starts = np.zeros(docs + 1, dtype=np.int64)
    at = 0
    for d in range(docs):
        begin = offsets[d]
        produced = _chain_ngrams(units[begin:], unmarked, offsets[d + 1] - begin, size, out, at)
        width = min(size, offsets[d + 1] - begin)
        for i in range(produced):
            digits, kept = 0, 0
            for j in range(begin + i, begin + i + width):
                digits += points[j] >= 48 and points[j] <= 57
                kept += units[j] >= 48 and units[j] <= 57
            if _is_figure(digits, kept, width):
                out[at + i] |= _FIGURE32
        at += produced
        starts[d + 1] = at
    return out[:at].copy(), starts


@njit(cache=True, nogil=True)
def shingle_sets(values: U32Array, offsets: I64Array) -> tuple[U32Array, I64Array]:
    """Each document's (32-bit) shingles as a sorted, duplicate-free set.

    A document of news length is radix sorted, a byte a pass: three times faster than
    ``np.sort`` on hashes, whose bytes are uniform; a short one is sorted as usual.
    """
    out = np.empty(values.size, dtype=np.uint32)
    starts = np.zeros(offsets.size, dtype=np.int64)
    longest = longest_document(offsets)
    first = np.empty(longest, dtype=np.uint32)
    second = np.empty(longest, dtype=np.uint32)
    counts = np.empty(257, dtype=np.int64)
    at = 0
    for d in range(offsets.size - 1):
        size = offsets[d + 1] - offsets[d]
        if size < _RADIX_FROM:
            part = np.sort(values[offsets[d] : offsets[d + 1]])
        else:
            first[:size] = values[offsets[d] : offsets[d + 1]]
            part = _radix_sorted(first[:size], second[:size], counts)
        for i in range(part.size):
            if i == 0 or part[i] != part[i - 1]:
                out[at] = part[i]
                at += 1
        starts[d + 1] = at
    return out[:at].copy(), starts


_RADIX_FROM = 64  # below this many values, a pass's 256 counters cost more than sorting


@njit(cache=True, nogil=True)
def _radix_sorted(
    values: NDArray[Any],
    spare: NDArray[Any],
    counts: NDArray[np.int64],
    low: int = 0,
    high: int = 32,
) -> NDArray[Any]:
    """``values`` (unsigned integers) stably sorted by their bits ``low`` to ``high``, least
    significant byte first; the result is ``values`` itself when the passes are even in
    number (back and forth through ``spare``)."""
    source, target = values, spare
    for shift in range(low, high, 8):
        counts[:] = 0
        for value in source:
            counts[_byte(value, shift) + 1] += 1
        for digit in range(256):
            counts[digit + 1] += counts[digit]
        for value in source:
            digit = _byte(value, shift)
            target[counts[digit]] = value
            counts[digit] += 1
        source, target = target, source
    return source


@njit(cache=True, nogil=True, inline="always")
def _byte(value: int, shift: int) -> int:
    return np.int64((np.uint64(value) >> np.uint64(shift)) & np.uint64(255))


@njit(cache=True, nogil=True)
def document_keys(data: NDArray[np.uint8], offsets: I64Array) -> U64Array:
    """A 64-bit key per document's bytes: equal keys mean equal normalised texts."""
    out = np.empty(offsets.size - 1, dtype=np.uint64)
    for d in range(offsets.size - 1):
        h = _FNV_OFFSET
        for i in range(offsets[d], offsets[d + 1]):
            h = (h ^ np.uint64(data[i])) * _FNV_PRIME
        out[d] = _mix(h ^ np.uint64(offsets[d + 1] - offsets[d]))
    return out


@njit(cache=True, nogil=True, inline="always")
def _permuted(a: np.uint64, b: np.uint64, x: np.uint64) -> np.uint32:
    return np.uint32((a * x + b) >> np.uint64(32))


@njit(cache=True, nogil=True)
def minhash(values: U32Array, offsets: I64Array, a: U64Array, b: U64Array) -> U32Array:
    """Classic MinHash: per permutation, the minimum of ``(a * x + b) >> 32``.

    The minimum is taken without a branch and over four shingles at a time,
    so LLVM vectorises the loop over permutations: a conditional store kept
    it scalar, about five times slower on AVX2 machines.
    """
    docs = offsets.size - 1
    perms = a.size
    out = np.full((docs, perms), _EMPTY32, dtype=np.uint32)
    for d in range(docs):
        row = out[d]
        i = offsets[d]
        stop = offsets[d + 1]
        while i + 4 <= stop:
            x0, x1 = np.uint64(values[i]), np.uint64(values[i + 1])
            x2, x3 = np.uint64(values[i + 2]), np.uint64(values[i + 3])
            for p in range(perms):
                low = min(_permuted(a[p], b[p], x0), _permuted(a[p], b[p], x1))
                high = min(_permuted(a[p], b[p], x2), _permuted(a[p], b[p], x3))
                row[p] = min(row[p], min(low, high))
            i += 4
        for j in range(i, stop):
            x = np.uint64(values[j])
            for p in range(perms):
                row[p] = min(row[p], _permuted(a[p], b[p], x))
    return out


_PROBE_TABLE = 32  # densification probes computed once per batch; later ones on the fly
_FULLEST = np.uint64(0xFFFFFFFE)  # the largest value a filled bin holds


@njit(cache=True, nogil=True, inline="always")
def _probe_bin(seed: np.uint64, attempt: int, bins: int) -> np.int64:
    shift = np.uint64(32)
    return np.int64(((_mix(seed + np.uint64(attempt)) >> shift) * np.uint64(bins)) >> shift)


@njit(cache=True, nogil=True)
def one_permutation(values: U32Array, offsets: I64Array, a: U64Array, b: U64Array) -> U32Array:
    """One-permutation hashing with optimal densification (Shrivastava, ICML 2017).

    One hash per shingle, ``mix(a[0] * x + b[0])``: its top 32 bits pick the
    bin (``bins = a.size``), its low 32 bits are the value a bin keeps the
    least of. An empty bin then copies the first filled bin along its own
    probe sequence, ``mix(b[bin] + attempt)``, the same for every document, so
    two documents agree on a bin with probability about their Jaccard, as with
    a permutation per bin, at a 256th of the hashing. A value is at most
    ``0xFFFFFFFE``, so a filled bin never reads as empty (which would leave a
    one-shingle document nothing to copy from).
    """
    docs = offsets.size - 1
    bins = a.size
    out = np.full((docs, bins), _EMPTY32, dtype=np.uint32)
    probes = np.empty((bins, _PROBE_TABLE), dtype=np.int64)
    for slot in range(bins):
        for attempt in range(_PROBE_TABLE):
            probes[slot, attempt] = _probe_bin(b[slot], attempt, bins)
    filled = np.empty(bins, dtype=np.bool_)
    low = np.uint64(0xFFFFFFFF)
    shift = np.uint64(32)
    for d in range(docs):
        if offsets[d + 1] == offsets[d]:
            continue
        row = out[d]
        for i in range(offsets[d], offsets[d + 1]):
            h = _mix(a[0] * np.uint64(values[i]) + b[0])
            slot = ((h >> shift) * np.uint64(bins)) >> shift
            row[slot] = min(row[slot], np.uint32(min(h & low, _FULLEST)))
        for slot in range(bins):
            filled[slot] = row[slot] != _EMPTY32
        for slot in range(bins):
            if filled[slot]:
                continue
            attempt = 0
            source = probes[slot, 0]
            while not filled[source]:
                attempt += 1
                if attempt < _PROBE_TABLE:
                    source = probes[slot, attempt]
                else:
                    source = _probe_bin(b[slot], attempt, bins)
            row[slot] = row[source]
    return out


@njit(cache=True, nogil=True)
def band_keys(signatures: U32Array, bands: int, rows: int) -> U32Array:
    """A 32-bit key per band and document, band-major: ``out[band, doc]``.

    The band number is mixed in. 32 bits suffice: a chance collision only
    adds a candidate pair, which verification then rejects.
    """
    docs = signatures.shape[0]
    out = np.empty((bands, docs), dtype=np.uint32)
    for d in range(docs):
        for band in range(bands):
            acc = np.uint64(band + 1)
            for r in range(band * rows, (band + 1) * rows):
                acc = acc * _CHAIN + np.uint64(signatures[d, r])
            out[band, d] = np.uint32(_mix(acc) >> np.uint64(32))
    return out


@njit(cache=True, nogil=True)
def _overlap(values: U32Array, a0: int, a1: int, b0: int, b1: int) -> int:
    """Size of the intersection of two sorted runs; branch-free steps (~20 % faster)."""
    shared = 0
    while a0 < a1 and b0 < b1:
        x, y = values[a0], values[b0]
        shared += x == y
        a0 += x <= y
        b0 += y <= x
    return shared


@njit(cache=True, nogil=True)
def pair_overlaps(values: U32Array, offsets: I64Array, left: I64Array, right: I64Array) -> I64Array:
    """``|A ∩ B|`` for each pair of sorted sets (documents ``left[k]``, ``right[k]``)."""
    out = np.empty(left.size, dtype=np.int64)
    for k in range(left.size):
        i, j = left[k], right[k]
        out[k] = _overlap(values, offsets[i], offsets[i + 1], offsets[j], offsets[j + 1])
    return out


_LOW7 = np.uint64(0x7F7F7F7F7F7F7F7F)
_HIGH = np.uint64(0x8080808080808080)
_BYTE_SUM = np.uint64(0x0101010101010101)


@njit(cache=True, nogil=True)
def pair_figures(
    values: U32Array, offsets: I64Array, left: I64Array, right: I64Array
) -> tuple[I64Array, I64Array, I64Array, I64Array]:
    """For each pair of sorted sets: the shingles they share, the figure shingles (odd
    values) among them, and the figure shingles each holds."""
    shared = np.empty(left.size, dtype=np.int64)
    figures = np.empty(left.size, dtype=np.int64)
    held_left = np.empty(left.size, dtype=np.int64)
    held_right = np.empty(left.size, dtype=np.int64)
    for k in range(left.size):
        a0, a1 = offsets[left[k]], offsets[left[k] + 1]
        b0, b1 = offsets[right[k]], offsets[right[k] + 1]
        count_a = 0
        for i in range(a0, a1):
            count_a += values[i] & 1
        count_b = 0
        for i in range(b0, b1):
            count_b += values[i] & 1
        both, both_figures = 0, 0
        while a0 < a1 and b0 < b1:
            x, y = values[a0], values[b0]
            same = x == y
            both += same
            both_figures += same & (x & 1)
            a0 += x <= y
            b0 += y <= x
        shared[k], figures[k] = both, both_figures
        held_left[k], held_right[k] = count_a, count_b
    return shared, figures, held_left, held_right


@njit(cache=True, nogil=True)
def sketch_agreement(sketches: U64Array, left: I64Array, right: I64Array) -> I64Array:
    """For each pair of documents, how many of their signature bytes agree.

    ``sketches`` holds each document's bytes packed eight to a word; a byte agrees
    where ``a ^ b`` has a zero byte, counted word by word (SWAR), not byte by byte.
    """
    out = np.empty(left.size, dtype=np.int64)
    words = sketches.shape[1]
    for k in range(left.size):
        a, b = sketches[left[k]], sketches[right[k]]
        differ = np.uint64(0)
        for w in range(words):
            x = a[w] ^ b[w]
            nonzero = (((x & _LOW7) + _LOW7) | x) & _HIGH  # a byte's high bit: it is not 0
            differ += ((nonzero >> np.uint64(7)) * _BYTE_SUM) >> np.uint64(56)
        out[k] = 8 * words - np.int64(differ)
    return out


@njit(cache=True, nogil=True)
def _find(parent: I64Array, node: int) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


@njit(cache=True, nogil=True)
def components(count: int, left: I64Array, right: I64Array) -> I64Array:
    """Label every node with the smallest node of its component (order-independent)."""
    parent = np.arange(count, dtype=np.int64)
    for k in range(left.size):
        root_l, root_r = _find(parent, left[k]), _find(parent, right[k])
        if root_l < root_r:
            parent[root_r] = root_l
        elif root_r < root_l:
            parent[root_l] = root_r
    for node in range(count):
        parent[node] = _find(parent, node)
    return parent


@njit(cache=True, nogil=True)
def _bucket_pair_count(size: int, max_bucket: int) -> int:
    if size < 2:
        return 0
    if size <= max_bucket:
        return size * (size - 1) // 2
    return 2 * size - 3


@njit(cache=True, nogil=True)
def band_entries(keys: U32Array, docs: U64Array) -> U64Array:
    """``key << 32 | doc`` for each document of a band, sorted: a bucket is a run of equal
    keys, its documents ascending (:func:`bucket_pairs`).

    With ``docs`` ascending, as a band's are, a stable radix sort on the key's four bytes
    gives that order, four times faster than ``np.sort`` at a million documents and eight
    at 100,000; in any other order, ``np.sort``.
    """
    entries = np.empty(keys.size, dtype=np.uint64)
    ascending = True
    for i in range(keys.size):
        entries[i] = (np.uint64(keys[i]) << np.uint64(32)) | np.uint64(docs[i])
        ascending = ascending and (i == 0 or docs[i] > docs[i - 1])
    if not ascending or keys.size < _RADIX_FROM:
        return np.sort(entries)
    counts = np.empty(257, dtype=np.int64)
    return _radix_sorted(entries, np.empty_like(entries), counts, 32, 64)


@njit(cache=True, nogil=True)
def unique_codes(codes: I64Array) -> I64Array:
    """``np.unique(codes)`` for non-negative codes (a band's pairs ``i * total + j``):
    radix sorted on as many bytes as the largest code fills, five at a million
    documents, seven times faster than ``np.sort`` on the 250,000 codes of a band."""
    if codes.size < _RADIX_FROM:
        ordered = np.sort(codes)
    else:
        top, bits = codes.max(), 8
        while bits < 64 and top >> bits:
            bits += 8
        counts = np.empty(257, dtype=np.int64)
        ordered = _radix_sorted(codes.copy(), np.empty_like(codes), counts, 0, bits)
    out = np.empty(ordered.size, dtype=np.int64)
    at = 0
    for i in range(ordered.size):
        if i == 0 or ordered[i] != ordered[i - 1]:
            out[at] = ordered[i]
            at += 1
    return out[:at].copy()


@njit(cache=True, nogil=True)
def bucket_pairs(entries: U64Array, max_bucket: int) -> tuple[I64Array, I64Array]:
    """Pairs of documents sharing a band key.

    ``entries`` is sorted ``key << 32 | doc``: a bucket is a run of equal
    keys, its documents ascending. A bucket of more than ``max_bucket``
    documents is linked as a star on its first document plus a chain, so one
    template shared by thousands of pages costs linear, not quadratic, work.
    """
    n = entries.size
    shift = np.uint64(32)
    low = np.uint64(0xFFFFFFFF)
    total = 0
    i = 0
    while i < n:
        j = i + 1
        while j < n and (entries[j] >> shift) == (entries[i] >> shift):
            j += 1
        total += _bucket_pair_count(j - i, max_bucket)
        i = j
    left = np.empty(total, dtype=np.int64)
    right = np.empty(total, dtype=np.int64)
    at = 0
    i = 0
    while i < n:
        j = i + 1
        while j < n and (entries[j] >> shift) == (entries[i] >> shift):
            j += 1
        if 2 <= j - i <= max_bucket:
            for x in range(i, j):
                for y in range(x + 1, j):
                    left[at] = np.int64(entries[x] & low)
                    right[at] = np.int64(entries[y] & low)
                    at += 1
        elif j - i > max_bucket:
            first = np.int64(entries[i] & low)
            for y in range(i + 1, j):
                left[at] = first
                right[at] = np.int64(entries[y] & low)
                at += 1
            for x in range(i + 1, j - 1):
                left[at] = np.int64(entries[x] & low)
                right[at] = np.int64(entries[x + 1] & low)
                at += 1
        i = j
    return left, right


@njit(cache=True, nogil=True)
def take_ragged(values: U32Array, offsets: I64Array, rows: I64Array) -> tuple[U32Array, I64Array]:
    """Rows ``rows`` of a flat ragged array (row r is ``values[offsets[r]:offsets[r + 1]]``),
    copied out compactly with their new offsets."""
    new_offsets = np.empty(rows.size + 1, dtype=np.int64)
    new_offsets[0] = 0
    for k in range(rows.size):
        new_offsets[k + 1] = new_offsets[k] + offsets[rows[k] + 1] - offsets[rows[k]]
    out = np.empty(new_offsets[rows.size], dtype=values.dtype)
    for k in range(rows.size):
        start = offsets[rows[k]]
        out[new_offsets[k] : new_offsets[k + 1]] = values[start : offsets[rows[k] + 1]]
    return out, new_offsets
