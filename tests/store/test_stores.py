"""Both backends keep and return the same rows (the in-memory one is the reference)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from neardup.config import DedupConfig
from neardup.lsh import Banding
from neardup.store import IndexSettings, IndexStore, MemoryStore, SqliteStore
from neardup.store.base import (
    ClusterRow,
    DocRow,
    EdgeRow,
    GroupRow,
    GroupSets,
    NewDoc,
    NewGroup,
    band_codes,
    settings_from_json,
    settings_to_json,
)

SETTINGS = IndexSettings(DedupConfig(), Banding(3, 2), store_text=True)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[IndexStore]:
    made: IndexStore
    if request.param == "memory":
        made = MemoryStore(SETTINGS)
    else:
        made = SqliteStore.open(tmp_path / "s.ndx", SETTINGS)
    yield made
    made.close()


def _group(gid: int, key: int, shingles: list[int], bands: list[int]) -> NewGroup:
    values = np.array(shingles, dtype=np.uint32)
    return NewGroup(
        GroupRow(gid, key, gid, len(shingles)),
        GroupSets(values, values[::-1].copy(), None),
        np.array(bands, dtype=np.uint32),
    )


def _fill(store: IndexStore) -> None:
    with store.writing():
        store.insert(
            [
                NewDoc(DocRow(0, "a", 0, 10), {"id": "a", "n": 1}, "text a", '{"id": "a", "n": 1}'),
                NewDoc(DocRow(1, "b", 1, 12), {"id": "b"}, "text b", '{"id": "b"}'),
                NewDoc(DocRow(2, "c", 1, 12), {"id": "c"}, None, '{"id": "c"}'),
            ],
            [_group(0, 2**63 + 5, [1, 2, 3], [7, 8, 9]), _group(1, 42, [2, 3, 4], [7, 1, 2])],
            [EdgeRow(0, 1, 0.5)],
        )
        store.put_clusters([ClusterRow(0, 2, 3, 1)])
        store.label_groups([(1, 0)])


def test_rows_read_back(store: IndexStore) -> None:
    _fill(store)
    with store.reading():
        assert store.counters() == (3, 2)
        assert set(store.docs_by_id(["a", "c", "zz"])) == {"a", "c"}
        assert [d.id for d in store.docs_in_groups([1])] == ["b", "c"]
        document = store.document("a")
        assert document is not None and document.fields == {"id": "a", "n": 1}
        assert store.groups_by_key([2**63 + 5])[2**63 + 5].gid == 0  # a key past 63 bits
        assert [g.gid for g in store.groups_in_cluster(0)] == [0, 1]
        assert store.edges([1]) == [EdgeRow(0, 1, 0.5)]
        assert store.clusters([0])[0].docs == 3
        assert store.counts()["clusters_with_duplicates"] == 1
        values, _offsets, live = store.shingle_sets(np.array([1, 0, 9]))
        assert values.tolist() == [2, 3, 4, 1, 2, 3] and live.tolist() == [True, True, False]
        sets = store.group_sets([1], sequences=True)
        assert sets[1].sequence is not None and sets[1].sequence.tolist() == [4, 3, 2]


def test_band_hits_and_dropping_a_group(store: IndexStore) -> None:
    _fill(store)
    codes = band_codes(np.array([[7], [1], [5]], dtype=np.uint32)).reshape(-1)
    with store.reading():
        where, gids = store.band_hits(codes)
    assert list(zip(where.tolist(), gids.tolist(), strict=True)) == [(0, 0), (0, 1), (1, 1)]
    with store.writing():
        store.drop_group(1)
        store.drop_doc(1)
        store.drop_doc(2)
    with store.reading():
        where, gids = store.band_hits(codes)
        assert gids.tolist() == [0] and store.edges([0]) == []
        assert store.shingle_sets(np.array([1]))[2].tolist() == [False]


def test_a_failed_write_leaves_nothing(store: IndexStore) -> None:
    with pytest.raises(RuntimeError), store.writing():
        store.insert([NewDoc(DocRow(0, "a", 0, 1))], [_group(0, 1, [1], [1, 2, 3])], [])
        raise RuntimeError("crash")
    with store.reading():
        assert store.counts()["documents"] == 0 and store.counters() == (0, 0)
        assert (
            store.band_hits(band_codes(np.array([[1], [2], [3]], np.uint32)).reshape(-1))[1].size
            == 0
        )


def test_abandon_removes_only_a_file_it_made_and_left_unused(tmp_path: Path) -> None:
    def files() -> list[str]:
        return sorted(path.name for path in tmp_path.iterdir())

    new = SqliteStore.open(tmp_path / "new.ndx", SETTINGS)
    with pytest.raises(RuntimeError), new.writing():  # a load that fails rolls back
        new.insert([NewDoc(DocRow(0, "a", 0, 1))], [_group(0, 1, [1], [1, 2, 3])], [])
        raise RuntimeError("crash")
    new.abandon()
    assert files() == []
    used = SqliteStore.open(tmp_path / "used.ndx", SETTINGS)
    _fill(used)
    used.abandon()
    kept = SqliteStore.open(tmp_path / "kept.ndx", SETTINGS)
    kept.close()
    reopened = SqliteStore.open(tmp_path / "kept.ndx", None)  # empty, but not made by this one
    reopened.abandon()
    assert [name for name in files() if name.endswith(".ndx")] == ["kept.ndx", "used.ndx"]
    MemoryStore(SETTINGS).abandon()  # nothing to remove


def test_settings_round_trip_and_classic_is_stored_as_before_the_sketch_setting() -> None:
    oph = IndexSettings(DedupConfig.from_options(sketch="oph"), Banding(3, 2), store_text=False)
    assert settings_from_json(settings_to_json(oph)) == oph
    stored = settings_to_json(SETTINGS)
    assert "sketch" not in stored["config"]["minhash"]  # as before the setting existed
    assert settings_from_json(stored) == SETTINGS


def test_an_index_from_before_the_rewrite_check_keeps_deciding_without_it() -> None:
    stored = settings_to_json(SETTINGS)  # the default check on: stored, read back as set
    assert stored["config"]["max_rewrite_rate"] == DedupConfig().max_rewrite_rate > 0
    assert settings_from_json(stored) == SETTINGS
    older = {**stored, "config": dict(stored["config"])}
    del older["config"]["max_rewrite_rate"]  # as files written before the setting existed
    assert settings_from_json(older).config.max_rewrite_rate == 0
    assert settings_from_json(older).predates == {"max_rewrite_rate"}
    assert not settings_from_json(stored).predates
    off = IndexSettings(replace(SETTINGS.config, max_rewrite_rate=0), Banding(3, 2), True)
    assert "max_rewrite_rate" not in settings_to_json(off)["config"]  # older neardup opens it
    assert settings_from_json(settings_to_json(off)) == off


def test_an_index_from_before_central_copies_keeps_its_chosen_copies_wherever_they_sit() -> None:
    stored = settings_to_json(SETTINGS)
    assert stored["config"]["central_share"] == DedupConfig().central_share > 0
    older = {**stored, "config": dict(stored["config"])}
    del older["config"]["central_share"]  # as files written before session 30
    assert settings_from_json(older).config.central_share == 0
    assert settings_from_json(older).predates == {"central_share"}
    off = IndexSettings(replace(SETTINGS.config, central_share=0), Banding(3, 2), True)
    assert "central_share" not in settings_to_json(off)["config"]  # older neardup opens it
    assert settings_from_json(settings_to_json(off)) == off


def test_an_index_from_before_number_swaps_keeps_deciding_without_them() -> None:
    stored = settings_to_json(SETTINGS)
    assert stored["config"]["number_swaps"] == DedupConfig().number_swaps > 0
    older = {**stored, "config": dict(stored["config"])}
    del older["config"]["number_swaps"]  # as files written before format 6
    assert settings_from_json(older).config.number_swaps == 0
    assert settings_from_json(older).predates == {"number_swaps"}
    # off, it is still written: whether a file's numbers hold their places depends on it
    off = IndexSettings(replace(SETTINGS.config, number_swaps=0), Banding(3, 2), True)
    assert settings_to_json(off)["config"]["number_swaps"] == 0
    assert settings_from_json(settings_to_json(off)) == off


def test_an_index_stored_with_a_keep_field_it_never_ranked_still_opens() -> None:
    stored = settings_to_json(SETTINGS)
    stray = {**stored, "config": {**stored["config"], "keep_field": "date"}}
    assert SETTINGS.config.keep == "longest"  # so the field was never read
    assert settings_from_json(stray) == SETTINGS


def test_index_files_leave_out_the_semantic_settings_older_neardup_lacks() -> None:
    stored = settings_to_json(SETTINGS)["config"]
    assert "semantic" not in stored and "min_tail_cosine" not in stored
    moved = IndexSettings(replace(SETTINGS.config, min_tail_cosine=0.3), Banding(3, 2), True)
    assert settings_from_json(settings_to_json(moved)) == moved


def test_an_index_from_before_unspaced_scripts_were_split_keeps_reading_clauses() -> None:
    """A file without the setting was filled reading a Chinese clause as one word: it keeps
    doing so; one made with the setting off is stored as such a file, so older neardup opens
    it; one made with it on says so, so older neardup refuses it (its shingles differ)."""
    stored = settings_to_json(SETTINGS)
    assert stored["config"]["shingle"]["split_unspaced"] is True
    assert settings_from_json(stored) == SETTINGS and not settings_from_json(stored).predates
    older = {**stored, "config": {**stored["config"], "shingle": dict(stored["config"]["shingle"])}}
    del older["config"]["shingle"]["split_unspaced"]
    assert settings_from_json(older).config.shingle.split_unspaced is False
    assert settings_from_json(older).predates == {"split_unspaced"}
    unsplit = replace(
        SETTINGS.config, shingle=replace(SETTINGS.config.shingle, split_unspaced=False)
    )
    off = IndexSettings(unsplit, Banding(3, 2), True)
    assert settings_to_json(off)["config"]["shingle"] == older["config"]["shingle"]
    assert settings_from_json(settings_to_json(off)) == off
