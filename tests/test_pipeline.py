import random
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neardup
from neardup import lsh, pipeline
from neardup.config import DedupConfig
from neardup.features import Featurizer
from neardup.keep import choose_kept
from neardup.lsh import Banding
from neardup.minhash import Permutations, signatures
from neardup.pipeline import choose_banding, lsh_threshold, run_dedup
from neardup.result import DedupResult
from neardup.types import Record
from tests.generated import (
    REPORT_FACTS,
    bond_issues,
    dividend_notices,
    earnings_report,
    filler,
    news_like,
    numbered_bonds,
    quoted_report,
    reports_like,
    scanned_copy,
)

STORY = (
    "The harbour reopened on Monday after three weeks of repairs to the sea wall. "
    "Fishing boats queued at dawn to unload their catch while engineers inspected the "
    "new concrete barrier. The mayor said the town had learned hard lessons from the storm "
    "and promised more money for flood defences next year. Traders welcomed the news."
)


def membership(result: DedupResult) -> dict[str, tuple[str, bool]]:
    return {r.id: (r.cluster, r.kept) for r in result.assignments}


def _records(texts: list[str]) -> list[Record]:
    return [Record(f"d{i}", t) for i, t in enumerate(texts)]


def test_copies_cluster_and_distinct_stays_alone() -> None:
    texts = [
        STORY,
        "Harbour Reopens\n" + STORY + "\n© 2025 Coastline Daily",
        "A completely different story about a rail strike that stopped trains across the "
        "north on Friday as drivers walked out over pay and conditions.",
    ]
    result = run_dedup(_records(texts), DedupConfig())
    rows = {r.id: r for r in result.assignments}
    assert rows["d1"].kept and rows["d0"].duplicate_of == "d1"
    assert rows["d0"].similarity is not None and rows["d0"].similarity > 0.9
    assert rows["d2"].kept and rows["d2"].cluster == "d2"
    assert result.counts["removed"] == 1


def test_exact_copies_have_similarity_one() -> None:
    result = run_dedup(_records([STORY, STORY.upper()]), DedupConfig())
    assert result.duplicates()[0].similarity == 1.0
    assert result.counts["exact_duplicates"] == 1


def test_no_verify_uses_the_signature_estimate() -> None:
    texts = [STORY, STORY + " One more sentence at the end of the article."]
    result = run_dedup(_records(texts), DedupConfig(verify=False))
    dup = result.duplicates()[0]
    assert dup.similarity is not None and 0.5 < dup.similarity < 1.0


def test_banding_from_threshold_or_given() -> None:
    assert choose_banding(DedupConfig(bands=4, rows=8)).bands == 4
    assert lsh_threshold(DedupConfig(similarity="jaccard", threshold=0.7)) == 0.7
    assert lsh_threshold(DedupConfig(similarity="containment", threshold=0.7)) < 0.7
    # containment: banded for the Jaccard floor, but never below 0.1
    assert lsh_threshold(DedupConfig(min_jaccard=0.3)) == 0.3
    assert lsh_threshold(DedupConfig(min_jaccard=0.02)) == 0.1
    assert lsh_threshold(DedupConfig(min_jaccard=0.02, lsh_threshold=0.05)) == 0.05
    # the defaults band every one of the 256 values, two to a band
    assert choose_banding(DedupConfig()) == Banding(128, 2)


_words = st.sampled_from(
    ["harbour", "storm", "mayor", "boats", "wall", "engineers", "trade", "rain", "north", "pay"]
)
_texts = st.lists(_words, min_size=1, max_size=30).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(st.lists(_texts, min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_every_id_once_and_shuffle_invariant(texts: list[str], rnd: random.Random) -> None:
    records = _records(texts)
    result = run_dedup(records, DedupConfig())
    assert sorted(r.id for r in result.assignments) == sorted(r.id for r in records)
    shuffled = list(records)
    rnd.shuffle(shuffled)
    again = run_dedup(shuffled, DedupConfig())
    assert membership(result) == membership(again)
    for row in result.assignments:
        assert row.kept == (row.duplicate_of is None)
        assert row.kept == (row.cluster == row.id)


def _paragraph(n: int) -> str:
    return " ".join(f"p{n}word{i}" for i in range(30))


def test_chains_split_so_every_copy_resembles_its_kept_copy() -> None:
    """A ~ B ~ C with C sharing nothing with A: C is not removed as a copy of A."""
    a = " ".join(_paragraph(n) for n in (1, 2, 3, 4))
    b = " ".join(_paragraph(n) for n in (3, 4, 5, 6))
    c = " ".join(_paragraph(n) for n in (5, 6, 7, 8))
    records = [Record("a", a), Record("b", b), Record("c", c)]
    split = run_dedup(records, DedupConfig())
    assert split.clusters() == {"a": ["a", "b"], "c": ["c"]}
    chained = run_dedup(records, DedupConfig(kept_ratio=0))
    assert chained.clusters() == {"a": ["a", "b", "c"]}


def test_near_identical_copies_stay_together() -> None:
    """Two near-identical texts join the kept copy together, or neither does."""
    story = " ".join(_paragraph(n) for n in (1, 2))
    longest = story + " " + " ".join(_paragraph(n) for n in (10, 11, 12))
    twin = story + " one more closing line here"
    records = [Record("long", longest), Record("s1", story), Record("s2", twin)]
    result = run_dedup(records, DedupConfig())
    cluster_of = {r.id: r.cluster for r in result.assignments}
    assert cluster_of["s1"] == cluster_of["s2"]


def test_shards_and_tiles_do_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Candidates in many shards, verified in many tiles with pages let go: the same clusters."""
    records = _records([row["text"] for row in news_like(400, seed=5)])
    expected = run_dedup(records, DedupConfig())
    monkeypatch.setattr(lsh, "DOCS_PER_SHARD", 37)
    monkeypatch.setattr(pipeline, "_TILE_DOCS", 23)
    monkeypatch.setattr(pipeline, "_RESIDENT_BUDGET", 0)
    tiled = run_dedup(records, DedupConfig())
    assert tiled.counts == expected.counts
    assert expected.counts["verified_edges"] > 50
    assert tiled.kept_index.tolist() == expected.kept_index.tolist()
    assert np.array_equal(tiled.similarity, expected.similarity, equal_nan=True)


def test_verification_in_blocks_on_threads_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With two workers, tiles of pairs are verified in blocks on two threads: the same
    clusters as one thread, and pages are let go tile by tile from the main thread only
    (a block letting go of the pages the other block is reading made a 1M run's
    verification twice as slow)."""
    import threading

    records = _records([row["text"] for row in news_like(400, seed=5)])
    expected = run_dedup(records, DedupConfig())
    monkeypatch.setattr(pipeline, "_TILE_DOCS", 97)
    monkeypatch.setattr(pipeline, "_BLOCK", 16)
    monkeypatch.setattr(pipeline, "_RESIDENT_BUDGET", 0)
    blocks: list[str] = []
    releases: list[str] = []
    events: list[tuple[str, set[int]]] = []
    verdicts, tilewise = pipeline.verdicts, pipeline._tilewise

    def spied_verdicts(*args: object, **kwargs: object) -> pipeline.Verdicts:
        blocks.append(threading.current_thread().name)
        return verdicts(*args, **kwargs)  # type: ignore[arg-type]

    def spied_tilewise(pairs: np.ndarray, compute: Any, matching: Any, **kwargs: Any) -> Any:
        if not matching.tiles_released:  # a block's own checks, inside a tile
            return tilewise(pairs, compute, matching, **kwargs)

        def seen(part: np.ndarray) -> Any:
            events.append(("block", set((part // 97).ravel().tolist())))
            return compute(part)

        events.append(("call", set()))
        return tilewise(pairs, seen, matching, **kwargs)

    def spied_release(self: pipeline.Matching, first: int, stop: int) -> None:
        releases.append(threading.current_thread().name)
        assert first % 97 == 0 and stop == min(first + 97, 400)  # a whole range of a tile
        events.append(("release", {first // 97}))

    monkeypatch.setattr(pipeline, "verdicts", spied_verdicts)
    monkeypatch.setattr(pipeline, "_tilewise", spied_tilewise)
    monkeypatch.setattr(pipeline.Matching, "release_pages", spied_release)
    threaded = run_dedup(records, DedupConfig(), workers=2)
    assert threaded.counts == expected.counts
    assert threaded.kept_index.tolist() == expected.kept_index.tolist()
    assert np.array_equal(threaded.similarity, expected.similarity, equal_nan=True)
    main = threading.main_thread().name
    assert main not in blocks and len(set(blocks)) >= 2  # blocks ran on the threads
    assert releases and set(releases) == {main}
    # a block never holds more than two ranges' pages, none is let go that the next block
    # reads, and all are let go in the end
    held: set[int] = set()
    for (kind, ranges), after in zip(events, [*events[1:], ("end", set())], strict=True):
        if kind == "call":
            assert not held
        elif kind == "block":
            held |= ranges
            assert len(held) <= 2
        else:
            assert ranges <= held and not (after[0] == "block" and ranges & after[1])
            held -= ranges
    assert not held and sum(kind == "release" for kind, _ in events) > 5


def test_near_copies_scored_in_verification_are_those_scored_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``assign_kept`` takes which twins are near-copies from verification instead of
    scoring them again: the same answer, for twins of both kinds."""
    records = _records([row["text"] for row in news_like(400, seed=5)])
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    near_copies = pipeline._near_copies

    def both_ways(
        twins: np.ndarray, matching: pipeline.Matching, config: DedupConfig, scored: object = None
    ) -> np.ndarray:
        taken = near_copies(twins, matching, config, scored)  # type: ignore[arg-type]
        seen.append((taken, near_copies(twins, matching, config)))
        return taken

    monkeypatch.setattr(pipeline, "_near_copies", both_ways)
    for workers in (1, 2):
        run_dedup(records, DedupConfig(), workers=workers)
    for taken, scored_again in seen:
        assert taken.tolist() == scored_again.tolist()
    assert seen and all(taken.any() and not taken.all() for taken, _ in seen)


def test_short_notices_sharing_stock_phrases_are_not_one_text() -> None:
    """A short notice shares six stock 3-grams with another, most of its own few:
    similar by ratio (containment 0.67, Jaccard 0.375) but not one text."""
    notices = [
        "Qtly div 14 cts vs 14 cts prior Pay April 15",
        "Quarterly dividend raised to 20 cts vs 14 cts prior Pay April 15 Record April one",
        "Qtly div 14 cts vs 14 cts prior Pay April 15",
    ]
    result = run_dedup(_records(notices), DedupConfig())
    assert result.kept_index.tolist() == [0, 1, 0]  # identical notices still match
    loose = run_dedup(_records(notices), DedupConfig(min_shared=0))
    assert loose.kept_index.tolist() == [1, 1, 1]


def test_templated_reports_with_other_figures_are_not_one_text() -> None:
    """Two reports of one template share its wording and differ in names and figures:
    not copies, though their ratios are a copy's. A scanned reprint of one, with a
    headline, caption and footer added, letters misread and a figure garbled, is."""
    westfield = earnings_report(*REPORT_FACTS["westfield"])
    harbour = earnings_report(*REPORT_FACTS["harbour"])
    records = [
        Record("w", westfield),
        Record("h", harbour),
        Record("scan", scanned_copy(westfield)),
    ]
    assert run_dedup(records, DedupConfig()).clusters() == {"scan": ["w", "scan"], "h": ["h"]}
    # the figures are what parts them: without their checks all three are one cluster
    assert run_dedup(records, DedupConfig(figure_ratio=0)).clusters() == {
        "scan": ["w", "scan"],
        "h": ["h"],
    }
    unchecked = run_dedup(records, DedupConfig(figure_ratio=0, min_number_share=0, number_swaps=0))
    assert unchecked.clusters() == {"scan": ["w", "h", "scan"]}


def test_reports_of_one_template_with_other_numbers_are_two() -> None:
    """Two bond issues of one template share nearly all their wording and even figure
    shingles ("1-3/8 pct", "5,000 dlrs"), which the figure check lets through; their
    numbers (amount, date, coupon, price) differ: two reports. An OCR'd copy of one,
    words around its numbers misread, keeps them and stays."""
    sweden, norway, scan = numbered_bonds()
    records = [Record("sweden", sweden), Record("norway", norway), Record("scan", scan)]
    assert run_dedup(records, DedupConfig()).clusters() == {
        "scan": ["sweden", "scan"],
        "norway": ["norway"],
    }
    unchecked = run_dedup(records, DedupConfig(min_number_share=0, number_swaps=0))
    assert len(unchecked.clusters()) == 1


def test_two_banks_dividends_of_one_template_are_two_notices() -> None:
    """Two dividend notices share all their words but the bank's name and the payment
    date: too few figures for the figure check, too few numbers for the number check,
    names of one length for the rewrite check. The number swapped between their shared
    words parts them. A copy of one from another outlet, a word and its footer's year
    changed, stays with it."""
    first, other, copy = dividend_notices()
    records = [Record("harbor", first), Record("lakeside", other), Record("copy", copy)]
    assert run_dedup(records, DedupConfig()).clusters() == {
        "harbor": ["harbor", "copy"],
        "lakeside": ["lakeside"],
    }
    unchecked = run_dedup(records, DedupConfig(number_swaps=0))
    assert unchecked.clusters() == {"harbor": ["harbor", "lakeside", "copy"]}


def _matching(texts: list[str], config: DedupConfig) -> pipeline.Matching:
    features = Featurizer.for_run(config, choose_banding(config))(texts)
    reps = pipeline.exact_representatives(features.text_keys)
    return pipeline.Matching(
        reps,
        features.sets,
        features.set_offsets,
        features.sequences,
        features.sequence_offsets,
        features.numbers,
        features.number_offsets,
        features.paragraphs,
        features.paragraph_offsets,
        None,
        threads=1,
        words=features.words,
    )


def _kept_of(
    texts: list[str],
    edges: list[tuple[int, int]],
    twins: list[tuple[int, int]],
    config: DedupConfig,
) -> list[int]:
    collected = pipeline.Collected(
        [f"d{i}" for i in range(len(texts))], [len(t) for t in texts], [None] * len(texts)
    )
    kept = pipeline.assign_kept(
        collected,
        np.array(edges, dtype=np.int64).reshape(-1, 2),
        np.array(twins, dtype=np.int64).reshape(-1, 2),
        _matching(texts, config),
        config,
    )
    return kept.tolist()


def test_templated_reports_cluster_alike_in_any_order() -> None:
    records = [Record(r["id"], r["text"]) for r in reports_like(300, seed=2)]
    result = run_dedup(records, DedupConfig())
    assert result.counts["removed"] > 80  # copies and restatements found...
    loose = run_dedup(records, DedupConfig(figure_ratio=0, min_number_share=0, number_swaps=0))
    assert loose.counts["removed"] > result.counts["removed"] + 50  # ...reports kept apart
    shuffled = list(records)
    random.Random(4).shuffle(shuffled)
    assert membership(run_dedup(shuffled, DedupConfig())) == membership(result)
    assert membership(run_dedup(records, DedupConfig(), workers=2, batch_size=37)) == membership(
        result
    )


def test_a_weak_resemblance_needs_the_kept_copys_figures() -> None:
    """A long roundup holds one earnings report. The report alone resembles it only by
    the kept_ratio rule (Jaccard below 0.1), and joins; a report of the same template
    with other figures resembles it as much in wording, and does not join, neither by
    itself nor as the near-identical twin of the one that did."""
    facts = REPORT_FACTS["westfield"]
    other = (facts[0], "31.8", "142", "27.3", "123", "562.7", "498.3", *facts[7:])
    report, restated = earnings_report(*facts), earnings_report(*other)

    def roundup(words: int) -> str:
        return report + " " + filler(words)

    # both within the kept_ratio rule's Jaccard (0.05) of the roundup
    texts = [roundup(900), report, restated]
    # the tail check off: the roundup runs on about other things (its filler) and would part
    # the report before the figures are read
    config = DedupConfig(min_tail_word_cosine=0)
    assert _kept_of(texts, [(0, 1), (0, 2)], [], config) == [0, 0, 2]
    unchecked = replace(config, figure_ratio=0, min_number_share=0, number_swaps=0)
    assert _kept_of(texts, [(0, 1), (0, 2)], [], unchecked) == [0, 0, 0]
    # the restated report below it, joined only as the report's twin (Jaccard 0.57)
    texts = [roundup(1300), report, restated]
    chain = [(0, 1), (1, 2)]
    assert _kept_of(texts, chain, [(1, 2)], config) == [0, 0, 2]
    loose = replace(config, figure_ratio=0)
    assert _kept_of(texts, chain, [(1, 2)], loose) == [0, 0, 0]
    assert _kept_of(texts, chain, [], loose) == [0, 0, 2]


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(1, 4), st.sampled_from("abcdef")), max_size=30
    ),
    st.sampled_from(
        [
            {"keep": "longest"},
            {"keep": "first"},
            {"keep": "field", "keep_field": "date"},
            {"keep": "field", "keep_field": "date", "keep_order": "desc"},
        ]
    ),
)
def test_kept_copies_by_sorting_are_choose_kept_per_cluster(
    members: list[tuple[int, int, str]], options: dict[str, str]
) -> None:
    """Sorting decides first and longest; ties in length go to choose_kept, as field does."""
    config = DedupConfig.from_options(**options)
    ids = [f"{name}{i}" for i, (_, _, name) in enumerate(members)]
    collected = pipeline.Collected(
        ids=ids,
        lengths=[length for _, length, _ in members],
        field_values=[length % 3 or None for _, length, _ in members],
    )
    labels = np.array([cluster for cluster, _, _ in members], dtype=np.int64)
    got = pipeline.choose_kept_copies(collected, labels, config)
    even = np.flatnonzero(labels % 2 == 0)  # whole clusters only: the others keep themselves
    among = pipeline.choose_kept_copies(collected, labels, config, even)
    for cluster in set(labels.tolist()):
        inside = np.flatnonzero(labels == cluster).tolist()
        chosen = choose_kept([pipeline._candidate(collected, i) for i in inside], config)
        assert set(got[inside].tolist()) == {chosen.position}
        expected = [chosen.position] * len(inside) if cluster % 2 == 0 else inside
        assert among[inside].tolist() == expected


@pytest.mark.parametrize("sketch", ["classic", "oph"])
def test_the_featurizer_sketches_with_the_configured_method(sketch: str) -> None:
    """Band keys are those of the configured signatures, not of the other method's."""
    config = DedupConfig.from_options(sketch=sketch)
    banding = choose_banding(config)
    features = Featurizer.for_run(config, banding)([STORY, STORY[:120], "a short note"])
    for method in ("classic", "oph"):
        perms = Permutations.from_config(DedupConfig.from_options(sketch=method).minhash)
        sigs = signatures(features.sets, features.set_offsets, perms)
        same = np.array_equal(lsh.band_keys(sigs, banding), features.band_keys)
        assert same == (method == sketch)


def test_two_reports_of_one_template_part_and_the_scan_stays() -> None:
    first, second, scanned = bond_issues()
    records = [{"id": "first", "text": first}, {"id": "second", "text": second}]
    records.append({"id": "scan", "text": scanned})

    def clusters(**options: float) -> dict[str, str]:
        return {row.id: row.cluster for row in neardup.dedup(records, **options).assignments}

    parted = clusters()
    assert parted["first"] == parted["scan"] != parted["second"]
    assert len(set(clusters(max_rewrite_rate=0).values())) == 1  # the check is what parts them


def test_members_joined_by_an_accepted_edge_are_not_checked_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The chain rule skips pairs the rule accepted already; checking them changes nothing."""
    texts = [row["text"] for row in news_like(300, seed=7) + reports_like(120, seed=3)]
    records = _records(texts)
    skipping = run_dedup(records, DedupConfig())
    checked: list[int] = []
    members = pipeline._members

    def counting(pairs: np.ndarray, *args: object) -> object:
        checked.append(len(pairs))
        return members(pairs, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_members", counting)
    run_dedup(records, DedupConfig())
    skipped = sum(checked)
    checked.clear()
    assign = pipeline.assign_kept
    monkeypatch.setattr(
        pipeline,
        "assign_kept",
        lambda *args, accepted_edges=None, **kwargs: assign(*args, **kwargs),
    )
    everything = run_dedup(records, DedupConfig())
    assert sum(checked) > skipped  # without the edges every member pair is checked again
    assert everything.kept_index.tolist() == skipping.kept_index.tolist()
    assert np.array_equal(everything.similarity, skipping.similarity, equal_nan=True)


def test_a_story_that_quotes_a_report_is_not_kept_for_the_reports_copies() -> None:
    """A report, two copies of it and an abridged copy holding its opening paragraph are
    linked to each other; a longer story that opens with that paragraph links to the
    abridged copy alone. Kept as the longest, the story would gather the abridged copy;
    being the least linked, it is not kept for them, and stays apart."""
    texts = quoted_report()
    edges = [(0, 1), (0, 2), (1, 2), (3, 0), (3, 1), (3, 2), (3, 4)]
    # the tail check off: the report's random words go on about nothing its opening names
    config = DedupConfig(min_tail_word_cosine=0)
    assert _kept_of(texts, edges, [], config) == [2, 2, 2, 2, 4]
    off = replace(config, central_share=0)  # the chosen copy gathers, wherever it sits
    assert _kept_of(texts, edges, [], off) == [2, 2, 2, 4, 4]
