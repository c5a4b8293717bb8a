import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from neardup import dedup, kernels, verify
from neardup.config import DedupConfig
from neardup.explain.figures import figures
from neardup.verify import (
    NEAR_COPY,
    FigureScores,
    _packed,
    estimated_similarities,
    figure_scores,
    from_overlap,
    jaccard_floor,
    numbers_agree,
    numbers_kept,
    pair_similarities,
    plausible_pairs,
    similarity,
)
from tests.generated import (
    REPORT_FACTS,
    dividend_notices,
    earnings_report,
    earnings_tables,
    filler,
    rate_notices,
    scanned_copy,
)


def _arr(values: set[int]) -> np.ndarray:
    return np.array(sorted(values), dtype=np.uint32)


@given(st.sets(st.integers(0, 50)), st.sets(st.integers(0, 50)))
def test_exact_similarity_matches_python_sets(a: set[int], b: set[int]) -> None:
    union = len(a | b)
    expected_j = len(a & b) / union if union and a and b else 0.0
    assert similarity(_arr(a), _arr(b), "jaccard") == expected_j
    smaller = min(len(a), len(b))
    expected_c = len(a & b) / smaller if smaller else 0.0
    assert similarity(_arr(a), _arr(b), "containment") == expected_c


def test_jaccard_and_containment() -> None:
    a, b = _arr({1, 2, 3, 4}), _arr({3, 4})
    assert similarity(a, b, "jaccard") == 0.5
    assert similarity(a, b, "containment") == 1.0
    assert similarity(a, _arr(set()), "containment") == 0.0


def test_pair_similarities_on_a_flat_store() -> None:
    values = np.array([1, 2, 2, 3, 1, 2], dtype=np.uint32)
    offsets = np.array([0, 2, 4, 6])
    scores = pair_similarities(np.array([[0, 1], [0, 2]]), values, offsets, "jaccard")
    assert scores.similarity.tolist() == [1 / 3, 1.0]


def test_estimate_from_signatures_and_sizes() -> None:
    sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9]], dtype=np.uint32)  # J estimate 0.5
    offsets = np.array([0, 30, 40])  # sets of 30 and 10
    jac = estimated_similarities(np.array([[0, 1]]), sigs, offsets, "jaccard")
    con = estimated_similarities(np.array([[0, 1]]), sigs, offsets, "containment")
    assert jac.similarity.tolist() == [0.5]
    # overlap = J / (1 + J) * (30 + 10) = 13.33; containment = 13.33 / 10, capped at 1
    assert con.similarity.tolist() == [1.0] and con.jaccard.tolist() == [0.5]


def test_from_overlap_handles_empty_sets() -> None:
    out = from_overlap(np.array([0]), np.array([0]), np.array([0]), "containment")
    assert out.similarity.tolist() == [0.0] and out.jaccard.tolist() == [0.0]


def test_containment_needs_min_jaccard() -> None:
    # a 10-shingle text wholly inside a 100-shingle one: containment 1, Jaccard 0.1
    scores = from_overlap(np.array([10]), np.array([10]), np.array([100]), "containment")
    assert scores.similarity.tolist() == [1.0]
    assert not scores.accepted(DedupConfig(min_jaccard=0.15))[0]
    assert scores.accepted(DedupConfig(min_jaccard=0.05))[0]
    assert scores.accepted(DedupConfig(similarity="jaccard", threshold=0.1, min_jaccard=0.5))[0]


def _story(prefix: str, paragraphs: int, words: int = 40) -> list[str]:
    return [" ".join(f"{prefix}{p}w{i}" for i in range(words)) for p in range(paragraphs)]


def _flat(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from neardup.config import ShingleConfig
    from neardup.text.shingle import sets_of, shingle_sequences

    sequences, seq_offsets = shingle_sequences(texts, ShingleConfig())
    sets, set_offsets = sets_of(sequences, seq_offsets)
    return sets, set_offsets, sequences, seq_offsets


def test_passage_limit_tells_a_quote_from_a_copy() -> None:
    from neardup.verify import within_passage_limit

    story = _story("s", 2)
    own = _story("q", 4)
    copy = " ".join(["HEADLINE words here", *story, "(c) 2025 Outlet. All rights reserved."])
    quoter = " ".join([*own[:2], story[0], *own[2:]])
    texts = [" ".join(story), copy, quoter]
    arrays = _flat(texts)
    pairs = np.array([[0, 1], [0, 2]])
    paragraphs = (np.zeros(0, dtype=np.uint32), np.zeros(len(texts) + 1, dtype=np.int64))
    ok = within_passage_limit(pairs, *arrays, *paragraphs, max_passage=70)
    assert ok.tolist() == [True, False]
    # the check is what separates them: both pass the set thresholds
    scores = pair_similarities(pairs, arrays[0], arrays[1], "containment")
    assert (scores.similarity >= 0.45).all() and (scores.jaccard >= 0.15).all()
    assert within_passage_limit(pairs, *arrays, *paragraphs, max_passage=10_000).all()


def _figures(texts: list[str], pairs: list[tuple[int, int]]) -> FigureScores:
    sets, offsets, _, _ = _flat(texts)
    return figure_scores(np.array(pairs, dtype=np.int64), sets, offsets)


def test_figures_tell_a_template_filled_in_again_from_a_copy() -> None:
    westfield = earnings_report(*REPORT_FACTS["westfield"])
    harbour = earnings_report(*REPORT_FACTS["harbour"])
    scores = _figures([westfield, harbour, scanned_copy(westfield)], [(0, 1), (0, 2), (2, 0)])
    assert scores.compared(DedupConfig()).all()
    assert scores.figures[0] == 0.0 and scores.wording[0] > 0.8  # the template's words
    assert scores.figures[1] > 0.8 and scores.wording[1] > 0.9  # one figure garbled
    assert scores.agree(DedupConfig()).tolist() == [False, True, True]
    assert scores.agree(DedupConfig(figure_ratio=0)).all()
    assert scores.figures[1] == scores.figures[2] and scores.share[1] == scores.share[2]


def test_figures_are_compared_only_where_they_are_facts() -> None:
    """Too few figures in an article (a date in a caption); a near-copy with a figure
    or two changed; but a short notice's few figures are its facts."""
    words = filler(300)
    article = [f"{words} photo 2019 by our staff", f"{words} photo 2024 by our staff"]
    notice = "Qtly div {0} cts vs {0} cts prior, pay and record dates to be set by the board"
    notices = [notice.format(25), notice.format(40)]
    numbers = " ".join(f"{n} units" for n in range(10, 40))
    near = [f"{words} {numbers}", f"{words} {numbers.replace('1', '7')}"]
    scores = _figures([*article, *notices, *near], [(0, 1), (2, 3), (4, 5)])
    assert scores.held.tolist()[:2] == [3, 6] and scores.held[2] >= DedupConfig().min_figures
    assert scores.jaccard[2] >= NEAR_COPY
    assert scores.compared(DedupConfig()).tolist() == [False, True, False]
    assert scores.agree(DedupConfig()).tolist() == [True, False, True]
    assert not scores.compared(DedupConfig(min_figures=3)).tolist()[2]


def _sketches_with_jaccard(jaccards: list[float], width: int = 256) -> np.ndarray:
    """Document 0 and, for each Jaccard, a document agreeing with it on that share of bytes."""
    rng = np.random.default_rng(11)
    base = rng.integers(0, 256, size=width, dtype=np.uint8)
    rows = [base]
    for jaccard in jaccards:
        row = rng.integers(0, 256, size=width, dtype=np.uint8)
        same = rng.random(width) < jaccard
        row[same] = base[same]
        rows.append(row)
    return np.stack(rows)


def test_plausible_pairs_keeps_pairs_near_the_floor_and_drops_chance_collisions() -> None:
    jaccards = [1.0, 0.5, 0.15, 0.12, 0.02, 0.0]
    sketches = _sketches_with_jaccard(jaccards)
    pairs = np.array([[0, i + 1] for i in range(len(jaccards))], dtype=np.int64)
    kept = plausible_pairs(pairs, sketches, floor=0.15, threads=2)
    assert kept.tolist() == [True, True, True, True, False, False]


def test_plausible_pairs_keeps_everything_when_the_estimate_is_too_coarse() -> None:
    sketches = _sketches_with_jaccard([0.0, 0.0], width=16)
    pairs = np.array([[0, 1], [0, 2]], dtype=np.int64)
    assert plausible_pairs(pairs, sketches, floor=0.15).all()  # 16 values: sigma too wide
    assert plausible_pairs(pairs[:0], sketches, floor=0.15).size == 0


def test_jaccard_floor_is_the_lowest_jaccard_an_accepted_pair_can_have() -> None:
    config = DedupConfig()  # containment 0.45, min_jaccard 0.1, min_shared 10
    sizes_a = np.array([300, 100, 30], dtype=np.int64)
    sizes_b = np.array([300, 1000, 30], dtype=np.int64)
    floor = jaccard_floor(sizes_a, sizes_b, config)
    assert floor[0] == pytest.approx(135 / (600 - 135))  # equal sizes: containment binds
    assert floor[1] == pytest.approx(config.min_jaccard)  # very different sizes: min_jaccard
    assert floor[2] == pytest.approx(13.5 / (60 - 13.5))  # containment still binds
    rng = np.random.default_rng(3)
    for _ in range(200):  # no accepted overlap lies below the floor
        a, b = (int(x) for x in rng.integers(1, 400, size=2))
        shared = np.arange(0, min(a, b) + 1, dtype=np.float64)
        scores = from_overlap(
            shared, np.full(shared.size, a), np.full(shared.size, b), "containment"
        )
        ok = scores.accepted(config)
        bound = jaccard_floor(np.array([a]), np.array([b]), config)[0]
        assert (scores.jaccard[ok] >= bound - 1e-12).all()
    assert (
        jaccard_floor(sizes_a, sizes_b, DedupConfig(similarity="jaccard", threshold=0.6)) == 0.6
    ).all()


def test_plausible_pairs_takes_a_floor_per_pair() -> None:
    sketches = _sketches_with_jaccard([0.12, 0.12])
    pairs = np.array([[0, 1], [0, 2]], dtype=np.int64)
    kept = plausible_pairs(pairs, sketches, floor=np.array([0.1, 0.29]))
    assert kept.tolist() == [True, False]


@given(st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_sketch_agreement_counts_equal_bytes_word_by_word(width: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    sketches = rng.integers(0, 3, size=(30, width), dtype=np.uint8)  # many equal bytes
    left, right = rng.integers(0, 30, size=(2, 200))
    packed = _packed(sketches)
    got = kernels.sketch_agreement(packed, left, right) - (packed.shape[1] * 8 - width)
    assert got.tolist() == (sketches[left] == sketches[right]).sum(axis=1).tolist()


@given(st.integers(0, 300), st.integers(1, 4), st.integers(1, 64), st.integers(0, 2**31))
def test_pairs_split_among_threads_give_the_single_thread_answer(
    count: int, threads: int, fewest: int, seed: int
) -> None:
    """However the pairs are cut into blocks for the threads, each output is in pair order."""
    rng = np.random.default_rng(seed)
    sets = [np.unique(rng.integers(0, 60, size)).astype(np.uint32) for size in range(30)]
    values = np.concatenate(sets)
    offsets = np.concatenate(([0], np.cumsum([s.size for s in sets]))).astype(np.int64)
    pairs = rng.integers(0, 30, (count, 2)).astype(np.int64)
    alone = pair_similarities(pairs, values, offsets, "containment", threads=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(verify, "_FEWEST_PAIRS_PER_TASK", fewest)
        split = pair_similarities(pairs, values, offsets, "containment", threads=threads)
    np.testing.assert_array_equal(split.shared, alone.shared)
    np.testing.assert_array_equal(split.similarity, alone.similarity)


@pytest.mark.parametrize(
    "held, missing, agree",
    [
        (0, 0, True),  # no numbers: nothing to hold against them
        (3, 2, True),  # two missing (a dateline's date, a footer's year) never part
        (4, 3, False),  # three of four missing: under half kept
        (6, 3, True),  # half kept is enough
        (7, 4, False),
        (40, 3, True),
    ],
)
def test_numbers_agree_once_three_are_missing_and_half_is_kept(
    held: int, missing: int, agree: bool
) -> None:
    assert bool(numbers_agree(held, missing, 0.5)) is agree


def _entries(hashes: list[int]) -> np.ndarray:
    """Number entries of ``hashes``, each at another place (places never decide the check)."""
    places = np.arange(len(hashes), dtype=np.uint64)
    return (np.array(hashes, dtype=np.uint64) << np.uint64(32)) | places


def test_numbers_kept_reads_the_one_holding_fewer() -> None:
    # numbers as number_sets makes them: the hash in the top half, a place below
    values = _entries([1, 2, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    offsets = np.array([0, 3, 13, 13], dtype=np.int64)  # {1,2,3}, {1..10}, {}
    pairs = np.array([[0, 1], [1, 0], [0, 2], [1, 2]], dtype=np.int64)
    assert numbers_kept(pairs, values, offsets, 0.5).tolist() == [True, True, True, True]
    other = _entries([1, 2, 3, 7, 8, 9])  # {1,2,3}, {7,8,9}
    apart = numbers_kept(np.array([[0, 1]]), other, np.array([0, 3, 6]), 0.5)
    assert apart.tolist() == [False]
    dated = np.array([1, 2, 3, 4, 5, 6], dtype=np.uint32)  # {1,2,3,4}, {5,6}: two missing
    kept = numbers_kept(np.array([[0, 1]]), dated, np.array([0, 4, 6]), 0.5)
    assert kept.tolist() == [True]


def test_the_passage_checks_refuse_arrays_of_other_documents() -> None:
    from neardup.verify import within_passage_limit

    texts = ["a b c d e f", "a b c d e g"]
    arrays = _flat(texts)
    none = (np.zeros(0, dtype=np.uint32), np.zeros(1, dtype=np.int64))  # starts of no document
    with pytest.raises(ValueError, match="paragraph starts"):
        within_passage_limit(np.array([[0, 1]]), *arrays, *none, 70, 20, 0.2)
    assert within_passage_limit(np.array([[0, 1]]), *arrays, *none, 70, 20, 0.0).all()


def _template_counts(texts: list[str]) -> verify.TemplateCounts:
    """Counts of each text against the first, as dedup makes them."""
    from neardup.config import ShingleConfig
    from neardup.text.shingle import number_sets, paragraph_starts, utf8_batch

    sets, set_offsets, sequences, seq_offsets = _flat(texts)
    utf8 = utf8_batch(texts)
    numbers, number_offsets = number_sets(utf8, ShingleConfig())
    paragraphs, paragraph_offsets = paragraph_starts(utf8, ShingleConfig())
    pairs = np.array([[0, k] for k in range(1, len(texts))], dtype=np.int64)
    return verify.template_counts(
        pairs,
        sets,
        set_offsets,
        sequences,
        seq_offsets,
        numbers,
        number_offsets,
        paragraphs,
        paragraph_offsets,
        3,
    )


def test_numbers_swapped_in_place_tell_one_template_filled_in_twice() -> None:
    """Another bank's dividend (other figures between the same words) swaps numbers; a
    copy does not: its OCR misreads letters ("1980s" / "l980r" holds letters), its
    synonyms are words, and its footer's year is a year, whatever the outlet."""
    first, other, copy = dividend_notices()
    counts = _template_counts([first, other, copy])
    assert counts.swaps.tolist() == [1, 0]  # "April 17" / "May 29"
    decided = counts.filled_twice(np.array([0.5, 0.5]), DedupConfig())
    assert decided.tolist() == [True, False]
    off = DedupConfig(number_swaps=0, max_rewrite_rate=0)
    assert not counts.filled_twice(np.array([0.5, 0.5]), off).any()
    eras = _template_counts(["in the 1980s the bank grew fast", "in the l980r the bank grew fast"])
    assert eras.swaps.tolist() == [0]


def test_a_number_reaching_into_the_words_only_one_holds_is_swapped() -> None:
    """ "6-1/2" / "6-1/4": the number begins in words both hold ("at 6 1"), and what
    differs is its last word; it is swapped all the same."""
    counts = _template_counts(list(rate_notices()))
    assert counts.swaps.tolist() == [1]
    assert counts.filled_twice(np.array([0.6]), DedupConfig()).tolist() == [True]


def test_a_table_posted_again_with_a_figure_corrected_is_not_a_template() -> None:
    """The corrected table swaps its sales figures but keeps every other one (eight and
    more shared, under three missing): a copy's corrections. Another company's table of
    the same form shares too few figures and stays apart."""
    first, corrected, other = earnings_tables()
    counts = _template_counts([first, corrected, other])
    assert counts.swaps.tolist()[0] >= 1
    assert counts.numbers_shared[0] >= verify.TABLE_NUMBERS
    assert counts.numbers_missing[0] < verify.MIN_MISSING_NUMBERS
    decided = counts.filled_twice(np.array([0.6, 0.4]), DedupConfig())
    assert decided.tolist() == [False, True]


def test_a_dateline_of_another_day_opening_a_paragraph_is_not_a_swap() -> None:
    """Copies posted on other days carry other dates in the dateline that opens their story's
    paragraph: no swap. The same words inside a paragraph swap their numbers as ever."""
    body = (
        " (Meridian Press) - Search sites want to get to know you better, and many now"
        " offer ways to remember what you found before, said the company on Tuesday."
    )
    first = "Search Sites Get Closer To Users\n\nWELLINGTON, Dec 8" + body
    later = "Search Sites Get Closer To Users\n\nSINGAPORE, April 10" + body
    assert _template_counts([first, later]).swaps.tolist() == [0]
    inline = [text.replace("\n\n", " ") for text in (first, later)]
    assert _template_counts(inline).swaps.tolist() == [1]
    # end to end, and explained as decided
    assert len(dedup([first, later]).clusters()) == 1
    assert len(dedup(inline).clusters()) == 2
    assert figures(first, later, DedupConfig()).same_story
    assert not figures(*inline, DedupConfig()).same_story
