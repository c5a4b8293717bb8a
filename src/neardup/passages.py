"""Where two documents' shared text sits in each of them: copying, not quoting or templating.

A copy of a story adds short lines around it (a headline, a byline, a
caption, a footer) or loses its tail; a document that merely quotes a
paragraph of another is a story of its own around the quote. Three facts
about a pair tell them apart, all measured in shingles (about words) of the
shingle sequences, the smaller set playing ``small``:

- **preamble**: text of ``large``'s own before the shared text. Copies are
  cut from the bottom, so what the larger holds above the smaller's text is
  what it put on top (a headline, a byline, a caption, key points); a short
  text found only further down a long one is a passage of it: a quote in
  its quoter, a short report folded into a roundup, a post quoted below
  another reply's text;
- **missing**: the longest stretch of ``small`` that ``large`` lacks: the
  quoted article keeps paragraphs the quoter never had;
- **lead**: text of its own that *each* document holds before the shared text
  (the smaller of the two heads). Copies are cut from the bottom, so one of
  two copies always starts where the shared text does, give or take a
  headline; two documents that each open with a sentence of their own and
  then share a paragraph are two stories;
- **lede**: a paragraph of prose (``LEDE_WORDS`` or more, or ``sentence_lede_words``
  when it ends a sentence) that ``small`` opens with and ``large`` hardly holds (under
  ``min_lede_share`` of its shingles), while ``large`` goes on past the shared text with
  ``RUNS_ON`` shingles of its own (``INSIDE_TAIL`` when it holds ``INSIDE_HEAD`` of its
  own above it too: the shared text sits inside its story). That
  is an article quoted from its second paragraph on by a story of its own; a
  copy keeps its lede (it is cut from the bottom), and what a copy puts on top
  is headlines, bylines and captions: short lines, not a paragraph of prose, and
  none ends a sentence as a lede does (a photo credit ends the caption).
  Paragraphs are the raw text's blank-line blocks (``Features.paragraphs``), each
  start marked when the paragraph before it ends a sentence (``kernels.PROSE``).

Shared text is anchored: a position counts as shared only inside a run of at
least ``ANCHOR`` consecutive shingles found in the other document. A single
shared 3-gram is as often a common phrase ("said on tuesday", "the company
said") as a sign of copied text, and sprinkled through a story's own
paragraphs it would cut them into short "missing" runs and move the shared
text's edges. Two in a row (four words) rarely happen by chance, and an OCR'd
copy, whose misread words break shingles here and there, still has many.
Longer stock phrases do ("Treasury Secretary James Baker said"), so a short
run standing apart from the rest of the shared text does not mark where it
begins (see ``_geometry``).

A fourth fact tells a copy from another report written from one template:
**rewrites**, places between shared text where *both* documents hold short text
of their own, of different lengths ("Toyota Motor Credit Corp" / "A unit of
Banca Nazionale del Lavoro"). A copy adds or drops text (the other keeps only
the shingles spanning the join) or misreads a word (no length changes); a
template filled in for another issuer rewrites its slots. See ``_rewrites``.

The kernels are compiled (numba), release the GIL and read the flat set and
sequence stores of :mod:`neardup.pipeline` (document ``d`` is
``values[offsets[d]:offsets[d + 1]]``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

from neardup.kernels import LETTER_BIT, NO_PLACE, PROSE, YEAR_BIT, number_hash

U32Array = NDArray[np.uint32]
U64Array = NDArray[np.uint64]
I64Array = NDArray[np.int64]

ANCHOR = 2  # consecutive shared shingles that make shared text; see the module docs
STRAY_GAP = 20  # own shingles around a shared phrase that set it apart; see _geometry
STRAY_RUN = 8  # shared shingles (~words) from which a phrase set apart is shared text
NEAR_IDENTICAL = 0.5  # Jaccard from which a pair shares half its union: no rewrite check needed
# Jaccard from which no passage check is needed: of the union, at most two fifths is either
# text's own. Under it a story may hold a short report nearly whole (a one-sentence
# lede and a long paragraph) and add two thirds as much again of its own: Jaccard 0.5-0.6.
PASSAGE_CHECK_BELOW = 0.6
# Jaccard up to which the lede check alone still reads a pair: a story can open with a short
# report whole but its lede and go on with little of its own. Near-copies (0.8 and over, every
# one of which a copy is: docs/quality.md) are never parted by it.
LEDE_CHECK_BELOW = 0.8
RUNS_ON = 60  # own shingles after the shared text of a text that goes on with a story of its own
LEDE_WORDS = 20  # words from which a paragraph is prose (a lede), not a headline or byline
INSIDE_HEAD = 40  # own shingles above the shared text: more than headlines, a byline, a caption
INSIDE_TAIL = 20  # own shingles below it that go on past it, when it has that much above
LEDE_SLACK = 2  # shingles spanning a paragraph's end, which hold words of the next one


@njit(cache=True, nogil=True, inline="always")
def _leftmost(
    values: NDArray[np.int64] | U32Array, start: int, stop: int, x: int | np.uint32
) -> int:
    """The first index of the sorted slice ``values[start:stop]`` holding ``x`` or more
    (``stop`` when none does)."""
    lo, hi = start, stop
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


# --- shingles to look up: open addressing, emptied by a new stamp -----------------------

Table = tuple[U32Array, I64Array, I64Array]  # slots, each one's first place, stamps


@njit(cache=True, nogil=True)
def _lookup_table(offsets: I64Array, left: I64Array, right: I64Array) -> Table:
    """Room for the largest text (by ``offsets``) of the pairs at most half full; every
    stamp 0 (never used)."""
    biggest = 0
    for k in range(left.size):
        for d in (left[k], right[k]):
            biggest = max(biggest, offsets[d + 1] - offsets[d])
    size = _slots(biggest)
    return np.empty(size, np.uint32), np.empty(size, np.int64), np.zeros(size, np.int64)


@njit(cache=True, nogil=True, inline="always")
def _slots(count: int) -> int:
    size = 16
    while size < 2 * count:
        size *= 2
    return size


@njit(cache=True, nogil=True, inline="always")
def _slot(x: np.uint32, mask: int) -> int:
    """Where ``x`` is looked for first: its bits above the figure bit (a shingle is a hash)."""
    return int(x >> np.uint32(1)) & mask


@njit(cache=True, nogil=True)
def _fill(table: Table, stamp: int, values: U32Array, start: int, stop: int) -> int:
    """Put each value of ``values[start:stop]`` in the table under ``stamp``, with the
    first place it stands at; return the mask to look up with. Slots of older stamps
    count as empty, so the table is never cleared."""
    slots, places, stamps = table
    mask = _slots(stop - start) - 1
    for k in range(start, stop):
        x = values[k]
        slot = _slot(x, mask)
        while stamps[slot] == stamp and slots[slot] != x:
            slot = (slot + 1) & mask
        if stamps[slot] != stamp:
            slots[slot], places[slot], stamps[slot] = x, k - start, stamp
    return mask


@njit(cache=True, nogil=True, inline="always")
def _place(table: Table, stamp: int, mask: int, x: np.uint32) -> int:
    """The first place of ``x`` in what was put in the table under ``stamp``; -1 if none."""
    slots, places, stamps = table
    slot = _slot(x, mask)
    while stamps[slot] == stamp:
        if slots[slot] == x:
            return int(places[slot])
        slot = (slot + 1) & mask
    return -1


@njit(cache=True, nogil=True, inline="always")
def _order(values: U32Array, a0: int, a1: int, b0: int, b1: int) -> int:
    """Negative, zero or positive as ``values[a0:a1]`` comes before, with or after
    ``values[b0:b1]`` (element by element, then the shorter first)."""
    for k in range(min(a1 - a0, b1 - b0)):
        x, y = values[a0 + k], values[b0 + k]
        if x != y:
            return -1 if x < y else 1
    return (a1 - a0) - (b1 - b0)


@njit(cache=True, nogil=True)
def smaller_first(
    sets: U32Array, set_offsets: I64Array, seqs: U32Array, seq_offsets: I64Array, i: int, j: int
) -> tuple[int, int]:
    """(small, large): the document of fewer shingles first; of two of one size, the one
    whose sorted shingles come first, then whose sequence does. A property of the two texts,
    not of where they sit in the arrays, so a pair is measured alike in any input order."""
    size_i = set_offsets[i + 1] - set_offsets[i]
    size_j = set_offsets[j + 1] - set_offsets[j]
    order = size_i - size_j
    if order == 0:
        order = _order(sets, set_offsets[i], set_offsets[i + 1], set_offsets[j], set_offsets[j + 1])
    if order == 0:
        order = _order(seqs, seq_offsets[i], seq_offsets[i + 1], seq_offsets[j], seq_offsets[j + 1])
    return (i, j) if order <= 0 else (j, i)


@njit(cache=True, nogil=True)
def _geometry(
    sets: U32Array,
    set_offsets: I64Array,
    seqs: U32Array,
    seq_offsets: I64Array,
    doc: int,
    other: int,
    anchor: int,
    table: Table,
    stamp: int,
) -> tuple[int, int, int]:
    """(head, longest gap, tail) of ``doc``'s own text around what it shares with ``other``.

    Shared text is every run of at least ``anchor`` consecutive shingles of
    ``doc`` found in ``other``'s set; the head is the shingles before it and
    the longest gap the longest stretch outside every run, head and tail
    (the shingles after it) included. A run standing ``STRAY_GAP`` shingles apart from any other,
    with fewer than ``STRAY_RUN`` shingles in its group, is a stock phrase:
    head and tail reach past it (unless every run is one). Nothing shared: both
    are the document's length. A document shorter than ``anchor`` shingles is
    anchored by all of them. ``other``'s set is looked up in ``table``, under a ``stamp``
    not used before: 2.5 times faster than a binary search per shingle.
    """
    begin, end = seq_offsets[doc], seq_offsets[doc + 1]
    mask = _fill(table, stamp, sets, set_offsets[other], set_offsets[other + 1])
    length = end - begin
    anchor = min(anchor, length)
    starts = np.empty(length // max(anchor, 1) + 1, dtype=np.int64)
    ends = np.empty_like(starts)
    runs, run = 0, 0
    for i in range(length + 1):
        if i < length and _place(table, stamp, mask, seqs[begin + i]) >= 0:
            run += 1
            continue
        if run >= anchor:
            starts[runs], ends[runs] = i - run, i
            runs += 1
        run = 0
    if runs == 0:
        return length, length, length
    first, last = _edge_runs(starts[:runs], ends[:runs])
    head, tail = starts[first], length - ends[last]
    gap = max(head, tail)  # they hold every gap outside first..last
    for k in range(first + 1, last + 1):
        gap = max(gap, starts[k] - ends[k - 1])
    return head, gap, tail


@njit(cache=True, nogil=True)
def _edge_runs(starts: I64Array, ends: I64Array) -> tuple[int, int]:
    """The first and the last run that is not a stray phrase (see :func:`_geometry`);
    the first and last of all when every run is one."""
    runs = starts.size
    first, last = -1, runs - 1
    k = 0
    while k < runs:  # a group: runs less than STRAY_GAP apart
        g, size = k, ends[k] - starts[k]
        while g + 1 < runs and starts[g + 1] - ends[g] < STRAY_GAP:
            g += 1
            size += ends[g] - starts[g]
        if size >= STRAY_RUN:
            first = k if first < 0 else first
            last = g
        k = g + 1
    return max(first, 0), last


@njit(cache=True, nogil=True)
def _own_lede(
    seqs: U32Array,
    begin: int,
    head: int,
    paragraphs: U32Array,
    first: int,
    stop: int,
    min_share: float,
    sentence_words: int,
    table: Table,
    stamp: int,
    mask: int,
) -> int:
    """The words of the first paragraph of a document (its sequence from ``begin``, its
    paragraph starts ``paragraphs[first:stop]``) that starts within its ``head`` of own
    text, holds ``LEDE_WORDS`` or more and has under ``min_share`` of its shingles in
    the set put in ``table`` under ``stamp``; 0 if none does. The share alone says
    whether the paragraph is the text's own: where it ends need not be inside ``head``,
    as a phrase of the other's near its end ("in the next fiscal year") anchors the
    shared text a few words early. (It must end within the words whose paragraph
    starts were read: ``text.shingle.lede_scan``.)"""
    start = 0
    for p in range(first, stop):
        if start > head:
            break
        end = int(paragraphs[p] & ~PROSE)
        own = end - LEDE_SLACK  # the shingles spanning the break belong to both
        least = LEDE_WORDS
        if sentence_words and paragraphs[p] & PROSE:  # it ends a sentence
            least = min(least, sentence_words)
        if end - start >= least:
            found = 0
            for i in range(start, own):
                found += _place(table, stamp, mask, seqs[begin + i]) >= 0
            if found < min_share * (own - start):
                return end - start
        start = end
    return 0


# --- the tail check: what a text goes on about past the shared text ---------------------

TAIL_SHINGLES = 30  # own shingles after the shared text from which a text runs on
TAIL_SPAN = 200  # shingles of each side read: the shared text's last, the tail's first
TAIL_WORDS_READ = 5  # distinct content words each side needs for a verdict
_WORD_IDS = 1 << 16  # content words are 16-bit ids (kernels._word_id)


@njit(cache=True, nogil=True)
def tail_word_cosines(
    sets: U32Array,
    set_offsets: I64Array,
    seqs: U32Array,
    seq_offsets: I64Array,
    words: NDArray[np.uint16],
    left: I64Array,
    right: I64Array,
    anchor: int,
    spans: int,
) -> NDArray[np.float64]:
    """For each pair: the lower, of its two texts that run on past the text they share, of
    the cosine of the distinct content words (``words``, one per shingle of ``seqs``, 0 for
    none) of its shared text and of its own tail; NaN where neither runs on, or holds
    ``TAIL_WORDS_READ`` content words each side.

    A text runs on when it holds ``TAIL_SHINGLES`` or more of its own after the shared
    text, and at least as many as the shared text spans (an original whose abridged copy
    kept its first paragraphs; a story quoting another's paragraph before its own). The
    sides read are the ``TAIL_SPAN`` shingles either side of where the shared text ends, the
    ``spans`` words after the last shared shingle's first (its other words) on the shared side."""
    cosines = np.full(left.size, np.nan)
    table = _lookup_table(set_offsets, left, right)
    shared_seen = np.zeros(_WORD_IDS, dtype=np.int64)  # the stamp of the side that saw it
    tail_seen = np.zeros(_WORD_IDS, dtype=np.int64)
    for k in range(left.size):
        for side in range(2):
            doc, other = (left[k], right[k]) if side == 0 else (right[k], left[k])
            stamp = 2 * k + side + 1
            cosine = _tail_cosine(
                sets, set_offsets, seqs, seq_offsets, words, doc, other, anchor, spans, table,
                stamp, shared_seen, tail_seen,
            )  # fmt: skip
            if np.isnan(cosines[k]) or cosine < cosines[k]:  # NaN: not read on that side
                cosines[k] = cosine
    return cosines


@njit(cache=True, nogil=True)
def _tail_cosine(
    sets: U32Array,
    set_offsets: I64Array,
    seqs: U32Array,
    seq_offsets: I64Array,
    words: NDArray[np.uint16],
    doc: int,
    other: int,
    anchor: int,
    spans: int,
    table: Table,
    stamp: int,
    shared_seen: I64Array,
    tail_seen: I64Array,
) -> float:
    """:func:`tail_word_cosines` of ``doc`` running on past what it shares with ``other``."""
    head, _, tail = _geometry(
        sets, set_offsets, seqs, seq_offsets, doc, other, anchor, table, stamp
    )
    begin, length = seq_offsets[doc], seq_offsets[doc + 1] - seq_offsets[doc]
    end = length - tail  # the shingle after the last shared one
    if end <= head or tail < TAIL_SHINGLES or tail < end - head:
        return np.nan
    end = min(end + spans, length)  # the word after the shared text
    shared, _ = _distinct(
        words, begin + max(head, end - TAIL_SPAN), begin + end, shared_seen, tail_seen, stamp
    )
    own, both = _distinct(
        words, begin + end, begin + min(end + TAIL_SPAN, length), tail_seen, shared_seen, stamp
    )
    if shared < TAIL_WORDS_READ or own < TAIL_WORDS_READ:
        return np.nan
    return float(both / np.sqrt(shared * own))


@njit(cache=True, nogil=True, inline="always")
def _distinct(
    words: NDArray[np.uint16], first: int, stop: int, seen: I64Array, other: I64Array, stamp: int
) -> tuple[int, int]:
    """The distinct content words of ``words[first:stop]`` (0 is none), marked ``stamp`` in
    ``seen``, and how many of them ``other`` holds marked ``stamp`` already."""
    distinct, shared = 0, 0
    for i in range(first, stop):
        w = words[i]
        if w != 0 and seen[w] != stamp:
            seen[w] = stamp
            distinct += 1
            shared += other[w] == stamp
    return distinct, shared


@njit(cache=True, nogil=True, inline="always")
def runs_on(head: int) -> int:
    """Own shingles after the shared text from which a text with ``head`` of its own before
    it goes on past it (the lede check's gate): ``RUNS_ON``, and ``INSIDE_TAIL`` when the
    shared text sits inside its own story (``INSIDE_HEAD`` above it)."""
    return INSIDE_TAIL if head >= INSIDE_HEAD else RUNS_ON


@njit(cache=True, nogil=True)
def pair_passages(
    sets: U32Array,
    set_offsets: I64Array,
    seqs: U32Array,
    seq_offsets: I64Array,
    paragraphs: U32Array,
    paragraph_offsets: I64Array,
    left: I64Array,
    right: I64Array,
    anchor: int,
    min_lede_share: float,
    sentence_words: int = 0,
) -> tuple[I64Array, I64Array, I64Array]:
    """For each pair: (the longer of preamble and missing, the lead, the lede), as the
    module docs define them; a lede holds under ``min_lede_share`` of its shingles in the
    other text (0: none is looked for)."""
    longest = np.empty(left.size, dtype=np.int64)
    lead = np.empty(left.size, dtype=np.int64)
    lede = np.zeros(left.size, dtype=np.int64)
    table = _lookup_table(set_offsets, left, right)
    args = (sets, set_offsets, seqs, seq_offsets)
    for k in range(left.size):
        small, large = smaller_first(*args, left[k], right[k])
        head_s, missing, _ = _geometry(*args, small, large, anchor, table, 3 * k + 1)
        head_l, _, tail_l = _geometry(*args, large, small, anchor, table, 3 * k + 2)
        longest[k] = max(head_l, missing)
        lead[k] = min(head_s, head_l)
        if min_lede_share > 0 and head_s > 0 and tail_l >= runs_on(head_l):
            stamp = 3 * k + 3
            mask = _fill(table, stamp, sets, set_offsets[large], set_offsets[large + 1])
            first, stop = paragraph_offsets[small], paragraph_offsets[small + 1]
            lede[k] = _own_lede(
                seqs,
                seq_offsets[small],
                head_s,
                paragraphs,
                first,
                stop,
                min_lede_share,
                sentence_words,
                table,
                stamp,
                mask,
            )
    return longest, lead, lede


def placed(longest: Any, lead: Any, lede: Any, max_passage: int, max_lead: int) -> Any:
    """The shared text sits where a copy's would: no own passage over ``max_passage``, no
    lead in both over ``max_lead`` (a limit of 0 is none) and no lede, as
    :func:`pair_passages` measures them (numbers or arrays of them)."""
    no_passage = (max_passage == 0) | (longest <= max_passage)
    no_lead = (max_lead == 0) | (lead <= max_lead)
    return no_passage & no_lead & (lede == 0)


# --- rewrites: one template filled in twice ---------------------------------------------

REWRITE_GAP = 12  # own text (shingles) on each side up to which a gap is a rewrite
REWRITE_SLACK = 1  # gaps whose lengths differ by at most this are a misread or swapped word
MIN_REWRITES = 2  # fewer rewrites than this never part a pair
DATELINE_WORDS = 5  # a paragraph's first words, where a dateline's date stands (see _own_number)


def rewritten(rewrites: Any, aligned: Any, max_rate: float) -> Any:
    """One template filled in twice: ``MIN_REWRITES`` rewrites or more, above ``max_rate``
    of the shingles aligned (numbers or arrays of them)."""
    return (rewrites >= MIN_REWRITES) & (rewrites > max_rate * aligned)


@njit(cache=True, nogil=True)
def _rewrites(
    seqs: U32Array,
    seq_offsets: I64Array,
    numbers: U64Array,
    number_offsets: I64Array,
    paragraphs: U32Array,
    paragraph_offsets: I64Array,
    doc: int,
    other: int,
    least: int,
    max_gap: int,
    slack: int,
    table: Table,
    stamp: int,
) -> tuple[int, int, int]:
    """(rewrites, aligned shingles) of ``doc`` against ``other``.

    The alignment is the longest chain of shingles of ``doc``, in text order, found in
    ``other`` in text order too (a shingle standing for its first place there). Between
    two neighbours of the chain each document may hold text of its own; a rewrite is a
    place where both do, from ``least`` to ``max_gap`` shingles each, their lengths
    differing by more than ``slack``. ``least`` is the shingle size: words added to (or
    dropped from) one text between two shared ones leave the other ``least - 1`` shingles
    of its own there, those that span the join; a word in place of another leaves ``least``.
    First places are looked up in ``table``, under a ``stamp`` not used before.

    Also counted: *swaps*, places where each holds from 1 to ``max_gap`` words of its own,
    their counts differing by at most ``slack``, among them a number (not a year, nor in a
    dateline; it may begin in the shingle before them) the other holds nowhere: one
    template's figures filled in twice ("Pay March 31" / "Pay April 30"), which a copy's
    OCR, synonyms or cuts do not make (:func:`_own_number`; ``paragraphs``: each
    document's paragraph starts, ``Features.paragraphs``).
    """
    a0, a1 = seq_offsets[doc], seq_offsets[doc + 1]
    mask = _fill(table, stamp, seqs, seq_offsets[other], seq_offsets[other + 1])
    held = (numbers, number_offsets, paragraphs, paragraph_offsets)  # what _own_number reads
    n = a1 - a0
    at_a = np.empty(n, dtype=np.int64)  # the chain's candidates: place in doc, in other,
    at_b = np.empty(n, dtype=np.int64)
    before = np.empty(n, dtype=np.int64)  # and the candidate before it in the longest chain
    tails = np.empty(n, dtype=np.int64)  # least place in other ending a chain of each length
    tail_of = np.empty(n, dtype=np.int64)  # the candidate that ends it
    count, length = 0, 0
    for p in range(n):
        q = _place(table, stamp, mask, seqs[a0 + p])
        if q < 0:
            continue
        k = _leftmost(tails, 0, length, q)
        at_a[count], at_b[count] = p, q
        before[count] = tail_of[k - 1] if k > 0 else -1
        tails[k], tail_of[k] = q, count
        length = max(length, k + 1)
        count += 1
    rewrites, swaps = 0, 0
    c = tail_of[length - 1] if length else -1
    while c >= 0 and before[c] >= 0:
        d = before[c]
        own_a, own_b = at_a[c] - at_a[d] - 1, at_b[c] - at_b[d] - 1
        if (
            least <= min(own_a, own_b)
            and max(own_a, own_b) <= max_gap
            and abs(own_a - own_b) > slack
        ):
            rewrites += 1
        words_a, words_b = own_a + 1 - least, own_b + 1 - least  # the words only one holds
        # a number of several words ("6-1/2" / "6-1/4") may begin in the shingle before them,
        # which both hold: from its second word on, held nowhere by the other, it reaches in
        if (
            min(words_a, words_b) >= 1
            and max(words_a, words_b) <= max_gap
            and abs(words_a - words_b) <= slack
            and _own_number(*held, doc, other, at_a[d] + 1, at_a[c])
            and _own_number(*held, other, doc, at_b[d] + 1, at_b[c])
        ):
            swaps += 1
        c = d
    return rewrites, length, swaps


@njit(cache=True, nogil=True)
def _own_number(
    numbers: U64Array,
    offsets: I64Array,
    paragraphs: U32Array,
    paragraph_offsets: I64Array,
    doc: int,
    other: int,
    first: int,
    stop: int,
) -> bool:
    """Whether ``doc`` holds a number of digits alone, not a year nor in a dateline,
    starting at words ``first`` to ``stop``, that ``other`` holds nowhere (number sets of
    ``kernels.number_sets``, places included).

    A dateline opens a paragraph ("WELLINGTON, Dec 8 (Meridian Press) -"), and copies of
    one story posted on other days carry other dates there: a number within the first
    ``DATELINE_WORDS`` words of a paragraph after the first is passed over, as years are.
    Paragraph starts are those the lede check reads (its first 100 words or so, the top of
    a story, where datelines stand; none when it is off). The text's own first words are
    not exempt: a template's slots often open it ("Qtly div 30-1/2 cts ..."), and a dateline
    there has nothing shared before it to be swapped against."""
    for k in range(offsets[doc], offsets[doc + 1]):
        entry = numbers[k]
        place = np.int64(entry & NO_PLACE)
        if place < first or place >= stop or entry & (YEAR_BIT | LETTER_BIT):
            continue
        if _in_dateline(place, paragraphs, paragraph_offsets[doc], paragraph_offsets[doc + 1]):
            continue
        if not _holds_number(numbers, offsets[other], offsets[other + 1], number_hash(entry)):
            return True
    return False


@njit(cache=True, nogil=True, inline="always")
def _in_dateline(place: int, paragraphs: U32Array, first: int, stop: int) -> bool:
    """Whether word ``place`` is among the first ``DATELINE_WORDS`` of one of the text's
    paragraphs after its first (starts ``paragraphs[first:stop]``, in text order)."""
    for p in range(first, stop):
        start = np.int64(paragraphs[p] & ~PROSE)
        if start > place:
            return False
        if place < start + DATELINE_WORDS:
            return True
    return False


@njit(cache=True, nogil=True, inline="always")
def _holds_number(numbers: U64Array, start: int, stop: int, wanted: np.uint64) -> bool:
    """Binary search of a number set ``numbers[start:stop]`` for the hash ``wanted``."""
    low, high = start, stop
    while low < high:
        middle = (low + high) // 2
        if number_hash(numbers[middle]) < wanted:
            low = middle + 1
        else:
            high = middle
    return low < stop and number_hash(numbers[low]) == wanted


@njit(cache=True, nogil=True)
def pair_rewrites(
    sets: U32Array,
    set_offsets: I64Array,
    seqs: U32Array,
    seq_offsets: I64Array,
    numbers: U64Array,
    number_offsets: I64Array,
    paragraphs: U32Array,
    paragraph_offsets: I64Array,
    left: I64Array,
    right: I64Array,
    least: int,
    max_gap: int,
    slack: int,
) -> tuple[I64Array, I64Array, I64Array]:
    """For each pair: (rewrites, aligned shingles, swaps), the smaller document aligned
    against the other (``smaller_first``); ``least`` is the shingle size (see ``_rewrites``)."""
    rewrites = np.empty(left.size, dtype=np.int64)
    aligned = np.empty(left.size, dtype=np.int64)
    swaps = np.empty(left.size, dtype=np.int64)
    table = _lookup_table(seq_offsets, left, right)
    args = (seqs, seq_offsets, numbers, number_offsets, paragraphs, paragraph_offsets)
    for k in range(left.size):
        small, large = smaller_first(sets, set_offsets, seqs, seq_offsets, left[k], right[k])
        rewrites[k], aligned[k], swaps[k] = _rewrites(
            *args, small, large, least, max_gap, slack, table, k + 1
        )
    return rewrites, aligned, swaps
