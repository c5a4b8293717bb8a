"""neardup.Index: matching as batch dedup does, one document (or batch) at a time."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neardup
from neardup import Index
from neardup.config import DedupConfig, ReadConfig
from neardup.errors import ConfigError, InputError
from neardup.index_types import AlreadyIndexedError
from neardup.io.readers import records_from_python
from tests.conftest import EXAMPLES
from tests.generated import ONE_SIZE_REPEATS, news_like, quoted_report, reports_like

CORPUS = [
    json.loads(line) for line in (EXAMPLES / "corpus" / "news.jsonl").read_text().splitlines()
]
STORY = (
    "the city council voted on tuesday to extend the night bus service through the winter months"
)


def membership(clusters: dict[str, list[str]]) -> set[frozenset[str]]:
    return {frozenset(members) for members in clusters.values()}


def rows(index: Index) -> list[dict[str, Any]]:
    return [row.to_json() for row in index.assignments()]


def test_a_copy_is_found_and_the_first_is_not_a_duplicate() -> None:
    index = Index.in_memory()
    (first,) = index.add([{"id": "a", "text": STORY}])
    assert not first.duplicate and first.kept and first.matches == ()
    (second,) = index.add([{"id": "b", "text": "NEWS: " + STORY + "!"}])
    assert second.duplicate and second.matches[0].id == "a"
    assert second.kept and second.cluster == "b"  # the longer copy is kept (keep="longest")
    found = index.get("a")
    assert found is not None and found.duplicate_of == "b"


def test_outcomes_of_a_batch_describe_the_index_after_it() -> None:
    index = Index.in_memory()
    first, second = index.add([{"id": "a", "text": STORY}, {"id": "b", "text": STORY + " more"}])
    assert not first.duplicate and second.duplicate  # a later document matches an earlier one
    assert first.duplicate_of == "b" and second.kept  # b, the longer, is kept once both are in


def test_exact_copies_match_at_one_and_query_changes_nothing() -> None:
    index = Index.in_memory()
    index.add([{"id": "a", "text": STORY}])
    (answer,) = index.query([{"id": "q", "text": STORY.upper()}])
    assert answer.duplicate and answer.matches[0].similarity == 1.0
    assert answer.duplicate_of == "a" and answer.similarity == 1.0
    assert len(index) == 1 and "q" not in index


def test_a_query_ties_with_the_indexed_copy_and_leaves_it_kept() -> None:
    # "0" (a string's id) sorts before "z": as an added document it would win the tie
    index = Index.in_memory()
    index.add([{"id": "z", "text": STORY}])
    for query in ([STORY], [{"id": "a", "text": STORY}]):
        (answer,) = index.query(query)
        assert answer.duplicate and not answer.kept and answer.duplicate_of == "z"
    (longer,) = index.query([STORY + " More to the story."])
    assert longer.kept and longer.duplicate_of is None  # a longer version would be kept
    (added,) = index.add([{"id": "a", "text": STORY}])
    assert added.kept  # adding breaks the tie by id, as dedup does


def test_a_bad_option_leaves_no_index_file(tmp_path: Path) -> None:
    for bad in ({"thresh": 0.3}, {"seed": -1}, {"config": DedupConfig(), "threshold": 0.3}):
        with pytest.raises((ConfigError, TypeError)):
            Index(tmp_path / "x.ndx", **bad)  # type: ignore[arg-type]
        assert list(tmp_path.iterdir()) == []


def test_a_batch_behaves_as_one_by_one() -> None:
    recs = news_like(120, seed=5)
    batch, single = Index.in_memory(), Index.in_memory()
    together = batch.add(recs, batch_size=50, bulk=False)
    alone = [o for r in recs for o in single.add([r])]
    assert [o.matches for o in together] == [o.matches for o in alone]
    assert rows(batch) == rows(single)


@pytest.mark.parametrize("options", [{}, {"keep": "first"}, {"similarity": "jaccard"}])
def test_a_bulk_load_writes_what_batches_write(options: dict[str, Any]) -> None:
    recs = news_like(300, seed=12) + [dict(r, id=f"{r['id']}-again") for r in news_like(30)]
    bulk, batched = Index.in_memory(**options), Index.in_memory(**options)
    loaded = bulk.add(recs, bulk=True)
    added = batched.add(recs, batch_size=len(recs), bulk=False)  # one batch: outcomes at its end
    assert any(o.duplicate for o in loaded) and any(len(o.matches) > 1 for o in loaded)
    assert loaded == added  # matches, kept copies and similarities, document by document
    mine, theirs = bulk._store.contents(), batched._store.contents()
    for table in ("docs", "groups", "edges", "clusters"):  # the very same rows
        assert sorted(getattr(mine, table), key=repr) == sorted(getattr(theirs, table), key=repr)
    for column in (0, 1):
        assert np.array_equal(mine.band_entries[column], theirs.band_entries[column])
    assert bulk.check() == []


def test_a_bulk_load_keeps_its_scratch_files_in_the_workdir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []
    real = tempfile.TemporaryDirectory

    def noted(*args: Any, **kwargs: Any) -> tempfile.TemporaryDirectory[str]:
        made.append(kwargs.get("dir"))
        return real(*args, **kwargs)

    monkeypatch.setattr("neardup.io.directories.tempfile.TemporaryDirectory", noted)
    records = records_from_python(news_like(40, seed=2), ReadConfig())
    outcomes = list(Index.in_memory().add_records(records, workdir=tmp_path))
    assert len(outcomes) == 40 and made == [tmp_path] and list(tmp_path.iterdir()) == []


def test_bulk_loading_needs_an_empty_index() -> None:
    index = Index.in_memory()
    index.add([{"id": "a", "text": STORY}])
    with pytest.raises(ConfigError, match="empty index"):
        index.add([{"id": "b", "text": STORY}], bulk=True)
    (outcome,) = index.add([{"id": "b", "text": STORY}])  # by default: one by one
    assert outcome.duplicate_of == "a"


def test_remove_unlinks_and_reports_missing() -> None:
    index = Index.in_memory()
    index.add([{"id": "a", "text": STORY}, {"id": "b", "text": STORY + " more"}])
    assert index.remove(["a", "nope"]) == ["a"]
    (answer,) = index.query([STORY])
    assert [m.id for m in answer.matches] == ["b"]
    assert index.get("a") is None and index.check() == []


def test_get_returns_fields_and_text_when_stored() -> None:
    index = Index.in_memory(store_text=True)
    index.add([{"id": "a", "text": STORY, "source": "wire"}, {"id": "b", "text": STORY}])
    found = index.get("b")
    assert found is not None
    assert found.fields == {"id": "b"} and found.text == STORY
    assert found.duplicate_of == "a" and found.similarity == 1.0
    plain = Index.in_memory()
    plain.add([{"id": "a", "text": STORY, "source": "wire"}])
    stored = plain.get("a")
    assert stored is not None and stored.text is None and stored.fields["source"] == "wire"


def test_an_indexed_id_is_an_error_unless_skipped() -> None:
    index = Index.in_memory()
    index.add([{"id": "a", "text": STORY}])
    with pytest.raises(AlreadyIndexedError, match="'a' is already in the index"):
        index.add([{"id": "x", "text": "other words here"}, {"id": "a", "text": STORY}])
    assert len(index) == 1  # the whole batch was refused
    assert [o.id for o in index.add([{"id": "a", "text": "x y z"}], skip_existing=True)] == []


def test_bad_records_name_the_record() -> None:
    index = Index.in_memory()
    with pytest.raises(InputError, match="text field 'text' is empty"):
        index.add([{"id": "a", "text": "   "}])
    with pytest.raises(InputError, match="a field cannot be stored as JSON"):
        index.add([{"id": "a", "text": STORY, "when": object()}])


def test_settings_are_fixed_and_a_difference_is_named(tmp_path: Path) -> None:
    path = tmp_path / "news.ndx"
    Index(path, threshold=0.6, keep="first").close()
    with Index(path) as same:
        assert same.config.threshold == 0.6 and same.config.keep == "first"
    with pytest.raises(ConfigError, match=r"threshold=0\.6, but threshold=0\.5"):
        Index(path, threshold=0.5)
    with pytest.raises(ConfigError, match="store_text=False"):
        Index(path, store_text=True)
    with pytest.raises(ConfigError, match="unknown option"):
        Index(path, thresold=0.6)
    for name, value in {
        "sketch": "oph",
        "fold_ocr": False,
        "shingle_size": 4,
        "casefold": False,
    }.items():
        with pytest.raises(ConfigError, match=f"{name}=.*, but {name}={value!r}"):
            Index(path, **{name: value})


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"keep": "first"},
        {"keep": "field", "keep_field": "date"},
        {"similarity": "jaccard", "threshold": 0.5},
        {"drop_boilerplate": True, "max_lead": 0},
    ],
)
@pytest.mark.parametrize("bulk", [True, False])
def test_same_clusters_as_dedup_in_memory(options: dict[str, Any], bulk: bool) -> None:
    recs = news_like(250, seed=3)
    index = Index.in_memory(**options)
    index.add(recs, batch_size=40, bulk=bulk)
    assert rows(index) == [row.to_json() for row in neardup.dedup(recs, **options).assignments]
    assert index.check() == []


def test_same_clusters_as_dedup_on_templated_reports() -> None:
    """Reports of one template with other figures, copies and restatements: the figure
    check and the rules for weak members and twins decide as in batch dedup."""
    recs = reports_like(250, seed=7)
    index = Index.in_memory()
    index.add(recs, batch_size=32)
    assert rows(index) == [row.to_json() for row in neardup.dedup(recs).assignments]
    parted = neardup.dedup(recs, figure_ratio=0, min_number_share=0, number_swaps=0).counts[
        "removed"
    ]
    assert 50 < index.stats()["duplicates"] < parted  # copies found, other reports kept apart
    assert index.check() == []


# the tail check off where texts of random words stand for stories: those go on about
# nothing their openings name, and the check would part copies the rule under test reads
RULES_ALONE = {"min_tail_word_cosine": 0.0}


@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [3, 4, 0, 2, 1]])
def test_a_quoting_story_added_one_by_one_ends_as_in_dedup(order: list[int]) -> None:
    """The story that quotes a report is the longest text, yet not kept for the report's
    abridged copy (``pipeline._outsiders_followers``); added a document at a time, in any
    order, the index ends where batch dedup does."""
    recs = [{"id": f"d{i}", "text": text} for i, text in enumerate(quoted_report())]
    clusters = neardup.dedup(recs, **RULES_ALONE).clusters()
    assert clusters == {"d2": ["d0", "d1", "d2", "d3"], "d4": ["d4"]}
    index = Index.in_memory(**RULES_ALONE)
    for i in order:
        index.add([recs[i]])
    in_order = [recs[i] for i in order]
    expected = neardup.dedup(in_order, **RULES_ALONE).assignments
    assert rows(index) == [row.to_json() for row in expected]
    assert index.check() == []


@pytest.mark.parametrize("one_by_one", [True, False])
def test_copies_of_the_quoting_story_take_back_what_it_let_go(one_by_one: bool) -> None:
    """Copies of the quoting story added later link it best: it is central now, and the
    abridged copy it let go while at the edge is its member again, as in dedup."""
    texts = quoted_report()
    words = texts[4].split(" ")
    copies = [" ".join(words[:-1]) + ".", " ".join(words[:-2]) + "."]
    recs = [{"id": f"d{i}", "text": text} for i, text in enumerate(texts + copies)]
    assert neardup.dedup(recs, **RULES_ALONE).clusters() == {
        "d2": ["d0", "d1", "d2"],
        "d4": ["d3", "d4", "d5", "d6"],
    }
    index = Index.in_memory(**RULES_ALONE)
    index.add(recs[:5])
    for batch in [[r] for r in recs[5:]] if one_by_one else [recs[5:]]:
        index.add(batch)
    expected = neardup.dedup(recs, **RULES_ALONE).assignments
    assert rows(index) == [row.to_json() for row in expected]
    assert index.check() == []


def test_removal_leaves_what_dedup_of_the_rest_gives() -> None:
    recs = news_like(200, seed=4)
    index = Index.in_memory()
    index.add(recs, batch_size=64)
    ids = [r["id"] for r in recs]
    random.Random(1).shuffle(ids)
    index.remove(ids[:80])
    rest = [r for r in recs if r["id"] not in set(ids[:80])]
    assert rows(index) == [row.to_json() for row in neardup.dedup(rest).assignments]
    assert index.check() == []


def test_stats_counts() -> None:
    index = Index.in_memory()
    index.add(CORPUS)
    stats = index.stats()
    result = neardup.dedup(CORPUS)
    assert stats["documents"] == len(CORPUS)
    assert stats["clusters_with_duplicates"] == result.counts["clusters_with_duplicates"]
    assert stats["settings"]["bands_in_force"] == result.banding.bands


SMALL = news_like(40, seed=9)


@settings(max_examples=15)
@given(st.permutations(SMALL))
def test_add_order_does_not_change_membership(order: list[dict[str, Any]]) -> None:
    index = Index.in_memory()
    index.add(order, batch_size=7)
    assert membership(index.clusters()) == membership(neardup.dedup(SMALL).clusters())


@settings(max_examples=15)
@given(st.sets(st.sampled_from([r["id"] for r in SMALL]), min_size=1, max_size=10))
def test_add_then_remove_leaves_no_trace(extra: set[str]) -> None:
    base = [r for r in SMALL if r["id"] not in extra]
    index = Index.in_memory()
    index.add(base)
    before = (rows(index), index.stats())
    index.add([r for r in SMALL if r["id"] in extra])
    index.remove(sorted(extra))
    after_rows, after_stats = rows(index), index.stats()
    assert after_rows == before[0]
    for key in ("documents", "distinct_texts", "clusters", "edges", "duplicates"):
        assert after_stats[key] == before[1][key]
    assert index.check() == []


def test_the_index_decides_a_pair_as_batch_dedup_in_either_order() -> None:
    """A new document's number in the index comes before the stored ones', the reverse of
    its place in a batch; a pair of one size is still measured alike, and check agrees."""
    first, second = ONE_SIZE_REPEATS
    options: dict[str, Any] = {"max_lead": 0, "max_passage": 0, "min_shared": 0}
    records = [{"id": "first", "text": first}, {"id": "second", "text": second}]
    batch = {row.id: row.cluster for row in neardup.dedup(records, **options).assignments}
    for added in (records, records[::-1]):
        index = Index.in_memory(**options)
        for record in added:
            index.add([record])
        assert (index.get("first").cluster == index.get("second").cluster) == (
            batch["first"] == batch["second"]
        )
        assert index.check() == []


def test_an_index_from_before_unspaced_scripts_were_split_keeps_its_shingles(
    tmp_path: Path,
) -> None:
    """An index stored as one from before the setting goes on reading a Chinese clause as
    one word: a whole config does not change that, an explicit option is refused."""
    db = tmp_path / "older.ndx"
    story = "国家统计局今天发布数据显示，今年前三季度全国粮食总产量比去年同期增长百分之二点一。"
    with Index(db, split_unspaced=False) as index:
        index.add([{"id": "a", "text": story}])
    with Index(db, config=DedupConfig()) as index:
        assert index.config.shingle.split_unspaced is False
        misread = story.replace("计", "汁")  # one character: a clause read whole changes
        assert not index.query([misread])[0].duplicate
    with pytest.raises(ConfigError, match="made before split_unspaced existed"):
        Index(db, split_unspaced=True)
    with Index(tmp_path / "new.ndx") as index:
        index.add([{"id": "a", "text": story}])
        (found,) = index.query([story.replace("计", "汁")])
        assert found.duplicate and [match.id for match in found.matches] == ["a"]


def test_an_index_from_before_the_rewrite_check_opens_with_a_whole_config(tmp_path: Path) -> None:
    db = tmp_path / "older.ndx"
    Index(db, max_rewrite_rate=0).close()  # stored as an index made before the setting
    with Index(db, config=DedupConfig()) as index:  # the defaults: not held against it
        assert index.config.max_rewrite_rate == 0
    with pytest.raises(ConfigError, match="made before max_rewrite_rate existed"):
        Index(db, max_rewrite_rate=0.05)
