"""Where the shared text sits: copies keep their story's start, quoters open with their own."""

from __future__ import annotations

import json
from bisect import bisect_left
from itertools import pairwise, permutations
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from neardup import dedup
from neardup.config import DedupConfig, ShingleConfig
from neardup.explain.figures import figures
from neardup.kernels import PROSE
from neardup.passages import (
    ANCHOR,
    INSIDE_HEAD,
    INSIDE_TAIL,
    LEDE_CHECK_BELOW,
    LEDE_SLACK,
    LEDE_WORDS,
    PASSAGE_CHECK_BELOW,
    REWRITE_GAP,
    REWRITE_SLACK,
    RUNS_ON,
    _edge_runs,
    pair_passages,
    pair_rewrites,
)
from neardup.text.shingle import (
    number_sets,
    paragraph_starts,
    sets_of,
    shingle_sequences,
    utf8_batch,
)
from neardup.verify import pair_similarities, within_passage_limit
from tests.generated import ONE_SIZE_REPEATS, bond_issues, quoted_story
from tests.test_cli import neardup


def _words(prefix: str, count: int) -> str:
    return " ".join(f"{prefix}{i}" for i in range(count))


def _flat(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    sequences, seq_offsets = shingle_sequences(texts, ShingleConfig())
    sets, set_offsets = sets_of(sequences, seq_offsets)
    return sets, set_offsets, sequences, seq_offsets


def _with_paragraphs(texts: list[str]) -> tuple[np.ndarray, ...]:
    """:func:`_flat` and each text's paragraph starts: what the passage checks read."""
    return (*_flat(texts), *paragraph_starts(utf8_batch(texts), ShingleConfig()))


def _geometry(texts: list[str], pairs: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    arrays = _with_paragraphs(texts)
    left = np.array([p[0] for p in pairs], dtype=np.int64)
    right = np.array([p[1] for p in pairs], dtype=np.int64)
    longest, lead, _ = pair_passages(*arrays, left, right, ANCHOR, 0.2)
    return longest.tolist(), lead.tolist()


def test_both_opening_with_their_own_text_is_two_stories() -> None:
    # The abridged copy keeps its lead and one paragraph; the quoter opens with a
    # sentence of its own, quotes that paragraph, and goes on with its own story.
    lead, paragraph = _words("lead", 25), _words("para", 120)
    copy = f"Headline here\n{lead}\n{paragraph}\n(c) Outlet. All rights reserved."
    quoter = f"{_words('own', 30)}\nAs reported: {paragraph}\n{_words('more', 150)}"
    original = f"{lead}\n{paragraph}\n{_words('tail', 150)}"
    texts = [copy, quoter, original]
    pairs = np.array([[0, 1], [0, 2]])
    scores = pair_similarities(pairs, *_flat(texts)[:2], "containment")
    assert (scores.similarity >= 0.45).all() and (scores.jaccard >= 0.15).all()  # sets can't tell
    longest, leads = _geometry(texts, [(0, 1), (0, 2)])
    assert longest[0] <= 70  # no long passage either: the copy lost everything past the quote
    assert leads[0] > 20 and leads[1] <= 3  # the copy's own start is the original's start
    ok = within_passage_limit(pairs, *_with_paragraphs(texts), max_passage=70, max_lead=20)
    assert ok.tolist() == [False, True]
    assert within_passage_limit(pairs, *_with_paragraphs(texts), max_passage=70, max_lead=0).all()


def test_a_common_phrase_does_not_cut_a_passage_short() -> None:
    # The article's own opening paragraph shares stray 3-grams ("said on tuesday")
    # with the quoter; one shingle in a row is not shared text.
    own_a = " ".join(f"{_words(f'a{k}x', 12)} said on tuesday" for k in range(8))
    own_b = " ".join(f"{_words(f'b{k}x', 12)} said on tuesday" for k in range(8))
    paragraph = _words("para", 100)
    texts = [f"{own_a} {paragraph}", f"{paragraph} {own_b} {_words('more', 200)}"]
    longest, _ = _geometry(texts, [(0, 1)])
    assert longest[0] >= 8 * 15  # the whole opening counts as one passage, not 15-word pieces


def test_a_short_report_found_only_further_down_a_roundup_is_a_passage_of_it() -> None:
    # A roundup tells two stories; the short report of the second is all of it in the
    # roundup, but below the first: copies are cut from the bottom, not from the top.
    first, second = _words("first", 110), _words("second", 60)
    roundup = f"{first}\n{second}\n{_words('close', 10)}"
    abridged = f"{first[: len(first) // 2]}"
    arrays = _with_paragraphs([second, roundup, abridged])
    scores = pair_similarities(np.array([[0, 1]]), *arrays[:2], "containment")
    assert scores.similarity[0] == 1.0 and scores.jaccard[0] >= 0.3  # sets can't tell
    ok = within_passage_limit(np.array([[0, 1], [2, 1]]), *arrays, 70, 20)
    assert ok.tolist() == [False, True]  # the roundup's own start makes the other its copy


def test_a_stock_phrase_standing_apart_does_not_mark_where_shared_text_begins() -> None:
    # Both open with "Treasury Secretary James Baker said"; the report is a later
    # paragraph of the interview story, which has 150 words of its own before it.
    opener = "Treasury Secretary James Baker said"
    paragraph = _words("tax", 50)
    report = f"{opener} {paragraph}"
    story = f"{opener} {_words('deficit', 150)} {paragraph} {_words('banks', 60)}"
    longest, lead = _geometry([report, story], [(0, 1)])
    assert longest[0] >= 150 and lead[0] == 0
    assert not within_passage_limit(np.array([[0, 1]]), *_with_paragraphs([report, story]), 70, 20)[
        0
    ]
    # a stretch of shared text as long as a sentence is the start of the shared text
    sentence = f"{opener} {_words('sentence', 8)}"
    longest, _ = _geometry(
        [f"{sentence} {paragraph}", f"{sentence} {_words('deficit', 150)} {paragraph}"], [(0, 1)]
    )
    assert longest[0] <= 3


def test_a_story_quoted_from_its_second_paragraph_on_is_not_its_quoters_copy() -> None:
    # The original is smaller and holds its lede, which the quoter, opening with the
    # shared text and going on with 120 words of its own, never had; the copy's own
    # opening is as long, but short lines (a headline, a byline, a caption).
    original, quoter, copy = quoted_story()
    arrays = _with_paragraphs([original, quoter, copy])
    pairs = np.array([[0, 1], [2, 0]])
    scores = pair_similarities(pairs, *arrays[:2], "containment")
    assert (scores.similarity >= 0.45).all() and (scores.jaccard < 0.5).all()  # sets can't tell
    ends = pairs[:, 0].copy(), pairs[:, 1].copy()
    longest, lead, lede = pair_passages(*arrays, *ends, ANCHOR, 0.2)
    assert longest.max() <= 70 and lead.max() <= 20  # nor can the other passage checks
    assert lede.tolist() == [30, 0]  # the original's 30-word lede; the copy's lines are none
    assert within_passage_limit(pairs, *arrays, 70, 20, 0.2).tolist() == [False, True]
    assert within_passage_limit(pairs, *arrays, 70, 20, 0.0).all()  # 0: the check is off
    assert pair_passages(*arrays, *ends, ANCHOR, 0.0)[2].tolist() == [0, 0]
    # without blank lines there are no paragraphs to tell a lede by
    flat = [text.replace("\n\n", " ") for text in (original, quoter, copy)]
    assert within_passage_limit(pairs, *_with_paragraphs(flat), 70, 20, 0.2).all()


def test_a_lede_ending_in_a_phrase_of_the_quote_is_still_its_own() -> None:
    # The lede's last words recur in the quoted paragraph: they anchor the shared text
    # four shingles before the lede ends, and the lede is still the original's own.
    phrase = "in the next fiscal year"
    lede = f"{_words('lede', 19)} {phrase}"
    paragraph = f"{_words('para', 50)} {phrase} {_words('rest', 70)}"
    original, quoter = f"{lede}\n\n{paragraph}", f"{paragraph}\n\n{_words('own', 100)}"
    arrays = _with_paragraphs([original, quoter])
    _, lead, lede_words = pair_passages(*arrays, np.array([0]), np.array([1]), ANCHOR, 0.2)
    assert lead[0] == 0 and lede_words[0] == 24


def test_a_story_holding_a_short_report_nearly_whole_is_not_its_copy() -> None:
    # The report is a lede and one long paragraph; the story quotes the paragraph after
    # 110 words of its own. They share over half their union, and are two stories.
    paragraph = _words("para", 150)
    report = f"{_words('lede', 22)}\n\n{paragraph}"
    story = f"{_words('own', 110)}\n\n{paragraph}"
    scores = pair_similarities(np.array([[0, 1]]), *_flat([report, story])[:2], "containment")
    assert 0.5 <= scores.jaccard[0] < PASSAGE_CHECK_BELOW
    assert len(dedup([report, story]).clusters()) == 2
    assert len(dedup([report, story], max_passage=0, max_lead=0).clusters()) == 1
    shown = figures(report, story, DedupConfig())
    assert shown.passage == 110 and not shown.same_story


def test_a_story_holding_a_report_but_its_lede_between_paragraphs_of_its_own_is_no_copy() -> None:
    # The report is a 15-word lede and one long paragraph; the story holds the paragraph
    # between 70 words of its own above and 35 below. Shorter than LEDE_WORDS, the
    # report's opening is still a sentence of prose the story lacks.
    paragraph = _words("para", 130)
    report = f"{_words('lede', 15)}.\n\n{paragraph}"
    story = f"{_words('own', 70)}\n\n{paragraph}\n\n{_words('more', 35)}"
    assert len(dedup([report, story]).clusters()) == 2
    assert len(dedup([report, story], min_lede_share=0).clusters()) == 1  # the check off
    # nothing of its own below: what it puts above may be a headline, a byline, captions
    above_only = f"{_words('own', 70)}\n\n{paragraph}"
    assert len(dedup([report, above_only]).clusters()) == 1
    # an opening that ends no sentence is a headline or a photo credit, not a lede
    credited = report.replace(".\n\n", "\nPhoto: A Name/Agency\n\n", 1)
    assert len(dedup([credited, story]).clusters()) == 1
    # and a copy keeps the lede
    copy = f"Headline words\nBy A Reporter\n\n{report}\n\nRead more at Outlet"
    assert len(dedup([report, copy]).clusters()) == 1


def test_a_short_lede_that_ends_a_sentence_is_a_lede() -> None:
    # The quoter opens with the report's second paragraph and runs on with its own story.
    paragraph = _words("para", 60)
    report = f"{_words('lede', 14)}.\n\n{paragraph}"
    quoter = f"{paragraph}\n\n{_words('own', 80)}"
    arrays = _with_paragraphs([report, quoter])
    assert arrays[4].tolist() == [14 | PROSE, 60]  # after a sentence; the quoter's: none
    assert len(dedup([report, quoter]).clusters()) == 2
    headline = report.replace(".\n\n", "\n\n", 1)  # 14 words, no full stop
    assert _with_paragraphs([headline])[4].tolist() == [14]
    assert len(dedup([headline, quoter]).clusters()) == 1
    assert len(dedup([report, quoter], sentence_lede_words=0).clusters()) == 1  # 20 words always
    assert len(dedup([report, quoter], sentence_lede_words=15).clusters()) == 1


def test_the_lede_check_alone_reads_pairs_up_to_four_fifths_of_their_union() -> None:
    # The quoter holds all of the report but its 14-word lede, and runs on with 60 words of
    # its own: over three fifths of their union (no other passage check), under four.
    def pair(paragraph_words: int) -> tuple[str, str, float]:
        paragraph = _words("para", paragraph_words)
        report = f"{_words('lede', 14)}.\n\n{paragraph}"
        quoter = f"{paragraph}\n\n{_words('own', 60)}"
        jaccard = pair_similarities(np.array([[0, 1]]), *_flat([report, quoter])[:2], "jaccard")
        return report, quoter, float(jaccard.jaccard[0])

    report, quoter, jaccard = pair(200)
    assert PASSAGE_CHECK_BELOW <= jaccard < LEDE_CHECK_BELOW
    assert len(dedup([report, quoter]).clusters()) == 2
    assert not figures(report, quoter, DedupConfig()).same_story  # explain agrees
    report, quoter, jaccard = pair(400)  # a near-copy: never parted by it
    assert jaccard >= LEDE_CHECK_BELOW
    assert len(dedup([report, quoter]).clusters()) == 1


def test_a_copy_with_added_lines_passes() -> None:
    story = _words("s", 200)
    copy = f"Headline words\nBy A Reporter\n{story[: len(story) * 2 // 3]}\nRead more at Outlet"
    arrays = _with_paragraphs([story, copy])
    assert within_passage_limit(np.array([[0, 1]]), *arrays, 70, 20).tolist() == [True]


@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), min_size=1, max_size=60))
def test_a_text_against_itself_has_nothing_of_its_own(tokens: list[str]) -> None:
    longest, lead = _geometry([" ".join(tokens)] * 2, [(0, 1)])
    assert longest == [0] and lead == [0]


@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=80),
    st.lists(st.integers(0, 30), min_size=1, max_size=80),
)
def test_passages_are_bounded_by_the_texts(a: list[int], b: list[int]) -> None:
    texts = [" ".join(f"w{t}" for t in a), " ".join(f"w{t}" for t in b)]
    longest, lead = _geometry(texts, [(0, 1)])
    sequences = np.diff(_flat(texts)[3])
    assert 0 <= lead[0] <= sequences.min()
    assert 0 <= longest[0] <= sequences.max()


def _geometry_by_sets(doc: list[int], other: set[int]) -> tuple[int, int, int]:
    """``_geometry``'s (head, longest gap, tail) with Python's own set: what the lookup
    table must agree with."""
    anchor = min(ANCHOR, len(doc))
    starts, ends, run = [], [], 0
    for i, x in enumerate([*doc, None]):
        if x is not None and x in other:
            run += 1
            continue
        if run >= anchor:
            starts.append(i - run)
            ends.append(i)
        run = 0
    if not starts:
        return len(doc), len(doc), len(doc)
    first, last = _edge_runs(np.array(starts), np.array(ends))
    gap = max(starts[first], len(doc) - ends[last])
    for k in range(first + 1, last + 1):
        gap = max(gap, starts[k] - ends[k - 1])
    return starts[first], gap, len(doc) - ends[last]


def _lede_by_sets(
    small: list[int],
    large: list[int],
    paragraphs: list[int],
    share: float = 0.2,
    sentences: frozenset[int] = frozenset(),
    sentence_words: int = 0,
) -> int:
    """The lede (module docs) of ``small`` against ``large``, read from the definition;
    ``sentences``: the paragraph ends whose paragraph ends a sentence, a lede from
    ``sentence_words`` words (0: none shorter than ``LEDE_WORDS``)."""
    head_s = _geometry_by_sets(small, set(large))[0]
    _, _, tail_l = _geometry_by_sets(large, set(small))
    head_l = _geometry_by_sets(large, set(small))[0]
    goes_on = tail_l >= (INSIDE_TAIL if head_l >= INSIDE_HEAD else RUNS_ON)
    if not goes_on or head_s == 0:
        return 0
    bounds = [0, *paragraphs]
    for start, end in pairwise(bounds):
        if start > head_s:
            break
        own = small[start : end - LEDE_SLACK]
        words = LEDE_WORDS
        if sentence_words and end in sentences:
            words = min(words, sentence_words)
        if end - start >= words and sum(x in set(large) for x in own) < share * len(own):
            return end - start
    return 0


# Shingles that share their low bits (a table's first slot) and the figure bit, so that
# lookups walk long runs of taken slots; a few plain hashes besides.
_COLLIDING = [k << 12 | figure for k in range(40) for figure in (0, 1)] + [0xFFFFFFFF, 7, 0]


@given(
    st.lists(st.sampled_from(_COLLIDING), min_size=1, max_size=120),
    st.lists(st.sampled_from(_COLLIDING), min_size=1, max_size=120),
    st.lists(st.integers(1, 60), max_size=6),
)
def test_passages_looked_up_in_a_table_agree_with_a_set(
    a: list[int], b: list[int], breaks: list[int]
) -> None:
    seqs = np.array(a + b, dtype=np.uint32)
    seq_offsets = np.array([0, len(a), len(a) + len(b)], dtype=np.int64)
    sets, set_offsets = sets_of(seqs, seq_offsets)
    starts = sorted(set(breaks))  # the same paragraph starts in both
    paragraphs = np.array(starts * 2, dtype=np.uint32)
    paragraph_offsets = np.array([0, len(starts), 2 * len(starts)], dtype=np.int64)
    pairs = np.array([0, 1, 1], dtype=np.int64), np.array([1, 0, 1], dtype=np.int64)
    arrays = (sets, set_offsets, seqs, seq_offsets, paragraphs, paragraph_offsets)
    longest, lead, lede = pair_passages(*arrays, *pairs, ANCHOR, 0.2)
    expected = set()
    for small, large in ((a, b), (b, a)):  # the smaller first (of a tie, either may be)
        if len(set(small)) <= len(set(large)):
            head_s, missing, _ = _geometry_by_sets(small, set(large))
            head_l, _, _ = _geometry_by_sets(large, set(small))
            lede_s = _lede_by_sets(small, large, starts)
            expected.add((max(head_l, missing), min(head_s, head_l), lede_s))
    assert (longest[0], lead[0], lede[0]) in expected
    assert (longest[1], lead[1], lede[1]) == (longest[0], lead[0], lede[0])
    assert longest[2] == lead[2] == lede[2] == 0  # a text against itself


@given(
    st.integers(10, 40),  # the smaller's own opening (shingles)
    st.integers(2, 60),  # the text both hold
    st.integers(0, 60),  # the larger's own opening: the shared text opens it or is inside it
    st.integers(15, 100),  # the larger's own text after the shared
    st.lists(st.integers(1, 45), max_size=4),  # the smaller's paragraph starts
    st.integers(-3, 3),  # a paragraph's end that far from the end of the own opening
    st.lists(st.integers(0, 40), max_size=12),  # places in its opening holding shared words
    st.sampled_from([0.1, 0.2, 0.5]),
    st.sets(st.integers(1, 60)),  # paragraph ends that end a sentence
    st.sampled_from([0, 5, 12]),  # words from which those are ledes
)
def test_ledes_are_found_as_defined(
    own: int,
    shared: int,
    head: int,
    tail: int,
    breaks: list[int],
    off: int,
    borrowed: list[int],
    share: float,
    sentences: set[int],
    sentence_words: int,
) -> None:
    # values 1000+ are the smaller's own, 2000+ the shared text, 3000+ the larger's own
    small = [1000 + i for i in range(own)] + [2000 + i for i in range(shared)]
    for place in borrowed:  # shared words in the opening: a lede the larger partly holds
        if place < own:
            small[place] = 2000 + place % shared
    large = [3000 + i for i in range(head)] + small[own:] + [3100 + i for i in range(tail)]
    starts = sorted({b for b in [*breaks, own + off] if 0 < b < len(small)})
    seqs = np.array(small + large, dtype=np.uint32)
    seq_offsets = np.array([0, len(small), len(small) + len(large)], dtype=np.int64)
    sets, set_offsets = sets_of(seqs, seq_offsets)
    paragraphs = np.array([b | (PROSE if b in sentences else 0) for b in starts], np.uint32)
    paragraph_offsets = np.array([0, len(starts), len(starts)], dtype=np.int64)
    arrays = (sets, set_offsets, seqs, seq_offsets, paragraphs, paragraph_offsets)
    pair = np.array([0]), np.array([1])
    _, _, lede = pair_passages(*arrays, *pair, ANCHOR, share, sentence_words)
    if len(set(small)) <= len(set(large)):  # else the larger plays the smaller
        expected = _lede_by_sets(small, large, starts, share, frozenset(sentences), sentence_words)
        assert lede[0] == expected


def _rewrites_by_dict(doc: list[int], other: list[int]) -> tuple[int, int]:
    """``_rewrites`` re-read with a dict of first places and ``bisect``."""
    first: dict[int, int] = {}
    for q, x in enumerate(other):
        first.setdefault(x, q)
    at_a, at_b, before, tails, tail_of = [], [], [], [], []
    for p, x in enumerate(doc):
        if x not in first:
            continue
        q = first[x]
        k = bisect_left(tails, q)
        at_a.append(p)
        at_b.append(q)
        before.append(tail_of[k - 1] if k > 0 else -1)
        tails[k : k + 1], tail_of[k : k + 1] = [q], [len(at_a) - 1]
    rewrites, c = 0, tail_of[-1] if tails else -1
    while c >= 0 and before[c] >= 0:
        d = before[c]
        own_a, own_b = at_a[c] - at_a[d] - 1, at_b[c] - at_b[d] - 1
        if min(own_a, own_b) >= 3 and max(own_a, own_b) <= REWRITE_GAP:
            rewrites += abs(own_a - own_b) > REWRITE_SLACK
        c = d
    return rewrites, len(tails)


@given(
    st.lists(st.sampled_from(_COLLIDING[:12]), min_size=1, max_size=80),
    st.lists(st.sampled_from(_COLLIDING[:12]), min_size=1, max_size=80),
)
def test_rewrites_looked_up_in_a_table_agree_with_a_dict(a: list[int], b: list[int]) -> None:
    """Repeated shingles: each stands for its first place in the other text."""
    seqs = np.array(a + b, dtype=np.uint32)
    seq_offsets = np.array([0, len(a), len(a) + len(b)], dtype=np.int64)
    sets, set_offsets = sets_of(seqs, seq_offsets)
    pairs = np.array([0, 1], dtype=np.int64), np.array([1, 0], dtype=np.int64)
    no_numbers = np.empty(0, dtype=np.uint64), np.zeros(3, dtype=np.int64)
    no_paragraphs = np.empty(0, dtype=np.uint32), np.zeros(3, dtype=np.int64)
    found = pair_rewrites(
        sets,
        set_offsets,
        seqs,
        seq_offsets,
        *no_numbers,
        *no_paragraphs,
        *pairs,
        3,
        REWRITE_GAP,
        REWRITE_SLACK,
    )
    expected = {
        _rewrites_by_dict(small, large)
        for small, large in ((a, b), (b, a))
        if len(set(small)) <= len(set(large))
    }
    assert (found[0][0], found[1][0]) in expected
    assert (found[0][1], found[1][1]) == (found[0][0], found[1][0])


def test_config_checks_max_lead() -> None:
    import pytest

    from neardup.errors import ConfigError

    assert DedupConfig().max_lead == 20
    with pytest.raises(ConfigError, match="max_lead"):
        DedupConfig(max_lead=-1)
    with pytest.raises(ConfigError, match="sentence_lede_words must be >= 0"):
        DedupConfig(sentence_lede_words=-1)


def test_explain_gives_the_verdict_dedup_gives() -> None:
    lead, paragraph = _words("lead", 25), _words("para", 120)
    copy = f"{lead}\n{paragraph}\n(c) Outlet."
    quoter = f"{_words('own', 30)}\nAs reported: {paragraph}\n{_words('more', 150)}"
    shown = figures(copy, quoter, DedupConfig())
    assert shown.containment >= 0.45 and shown.jaccard >= 0.15
    assert shown.lead is not None and shown.lead > 20 and not shown.same_story
    assert len(dedup([copy, quoter]).clusters()) == 2
    assert figures(copy, quoter, DedupConfig(max_lead=0)).same_story
    assert len(dedup([copy, quoter], max_lead=0).clusters()) == 1


def test_explain_gives_the_lede_checks_verdict(tmp_path: Path) -> None:
    original, quoter, copy = quoted_story()
    shown = figures(original, quoter, DedupConfig())
    assert shown.lede == 30 and shown.lead == 0 and not shown.same_story
    rules = DedupConfig(min_lede_share=0, min_tail_word_cosine=0)  # the other check off too
    assert figures(original, quoter, rules).same_story
    assert figures(copy, original, DedupConfig()).lede == 0
    records = [
        {"id": "o", "text": original},
        {"id": "q", "text": quoter},
        {"id": "c", "text": copy},
    ]
    # the tail check off: the original's random words go on about nothing its opening names
    found = dedup(records, min_tail_word_cosine=0).clusters().values()
    assert sorted(map(sorted, found)) == [["c", "o"], ["q"]]
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps(record) + "\n" for record in records))
    printed = neardup("explain", "o", "q", "--corpus", str(corpus)).stdout
    assert "30-word paragraph" in printed and "different stories" in printed


def test_texts_alike_but_for_their_blank_lines_cluster_alike_in_any_order() -> None:
    # One normalised text, two paragraph layouts: each is its own exact group (its key holds
    # its paragraph starts), so no group reads another's paragraphs and no order decides.
    from neardup import Index, dedup

    original, quoter, _ = quoted_story()
    flat = original.replace("\n\n", "\n")  # the same words, no paragraph to see
    records = [
        {"id": "p", "text": original},
        {"id": "f", "text": flat},
        {"id": "q", "text": quoter},
    ]
    found = set()
    for order in permutations(records):
        found.add(frozenset(map(frozenset, dedup(list(order)).clusters().values())))
        with Index.in_memory() as index:
            for record in order:
                index.add([record])
            found.add(frozenset(map(frozenset, index.clusters().values())))
    # the flat copy, which no lede check reads, would join the quoter to both; the tail
    # check parts it, whatever the order, in batch dedup and in an index alike
    assert found == {frozenset({frozenset("pf"), frozenset("q")})}
    assert sorted(map(sorted, dedup(records[::2]).clusters().values())) == [["p"], ["q"]]


def _rewrites(texts: list[str], i: int, j: int) -> tuple[int, int]:
    utf8 = utf8_batch(texts)
    counted = pair_rewrites(
        *_flat(texts),
        *number_sets(utf8, ShingleConfig()),
        *paragraph_starts(utf8, ShingleConfig()),
        np.array([i]),
        np.array([j]),
        ShingleConfig().size,
        REWRITE_GAP,
        REWRITE_SLACK,
    )
    return int(counted[0][0]), int(counted[1][0])


def test_a_template_filled_in_twice_is_rewritten_in_place() -> None:
    first, second, scanned = bond_issues()
    rewrites, aligned = _rewrites([first, second], 0, 1)
    # manager, listing and guarantor: names of other lengths between shared words (the
    # issuer opens both, before anything is shared; the price is as long in both)
    assert rewrites == 3 and aligned > 30
    assert _rewrites([first, second], 1, 0) == (rewrites, aligned)  # either way round
    assert _rewrites([first, scanned], 0, 1)[0] == 0  # a misread letter changes no length


def test_additions_drops_and_swapped_words_are_no_rewrites() -> None:
    story = [_words(f"s{k}x", 14) for k in range(8)]
    copy = list(story)
    copy.insert(3, "Advertisement")  # lines of its own
    copy.insert(5, "Continue reading below")
    copy.insert(7, "A view of the harbour on Tuesday. Photo: Lena Ortiz/Agency")
    del copy[5]  # a sentence dropped
    copy[1] = copy[1].replace("s1x4", "other")  # a word swapped
    copy[6] = copy[6].replace("s7x2", "mlsread")
    texts = [" ".join(story), " ".join(copy)]
    assert _rewrites(texts, 0, 1)[0] == 0
    retold = list(story)
    for k in (1, 3, 5):  # three places where the other holds a longer phrase of its own
        retold[k] = retold[k].replace(f"s{k}x6", f"and in other words {k}")
    assert _rewrites([" ".join(story), " ".join(retold)], 0, 1)[0] == 3


def test_repeated_shingles_do_not_make_the_order_matter() -> None:
    # aligned one way round the chain meets two rewrites, the other way one; each pair is
    # measured the way its texts decide
    first, second = ONE_SIZE_REPEATS
    sizes = np.diff(_flat([first, second])[1])
    assert sizes[0] == sizes[1]  # one size: only their texts can decide
    assert _rewrites([first, second], 0, 1) == _rewrites([second, first], 0, 1)


@given(
    st.lists(st.sampled_from("abcdefgh"), max_size=60),
    st.lists(st.tuples(st.integers(0, 60), st.sampled_from("abcxyz")), max_size=8),
)
def test_rewrites_do_not_depend_on_where_the_documents_sit(
    words: list[str], edits: list[tuple[int, str]]
) -> None:
    """Repeated shingles make the alignment of A against B differ from B against A; the
    pair is measured one way, chosen by its texts, whatever their order in the input."""
    other = list(words)
    for at, word in edits:
        if other and word in "abc":
            other[min(at, len(other) - 1)] = word  # a word replaced
        else:
            other.insert(min(at, len(other)), word)
    first, second = " ".join(words), " ".join(other)
    assert _rewrites([first, second], 0, 1) == _rewrites([second, first], 0, 1)
    assert _rewrites([first, second], 0, 1) == _rewrites([first, second], 1, 0)
