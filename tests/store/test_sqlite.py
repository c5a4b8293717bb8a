"""The index file: its format version, foreign files, and readers beside a writer."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from neardup import Index, dedup
from neardup.errors import InputError
from neardup.kernels import PROSE
from neardup.store import sqlite as sqlite_store
from neardup.store.base import ClusterRow
from neardup.store.sqlite import APPLICATION_ID, FORMAT_VERSION
from tests.generated import dividend_notices, numbered_bonds, quoted_story
from tests.test_tail_words import RECORDS as TAIL_RECORDS

STORY = "the harbour authority said the new ferry terminal would open in the spring of next year"


def test_header_carries_application_and_format(tmp_path: Path) -> None:
    path = tmp_path / "a.ndx"
    Index(path).close()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert connection.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize(
    "version, message",
    [
        (FORMAT_VERSION + 1, r"newer neardup .*Upgrade neardup"),
        (1, r"older neardup .*figures.*Rebuild it"),  # its shingles meant something else
    ],
)
def test_other_formats_are_refused(tmp_path: Path, version: int, message: str) -> None:
    path = tmp_path / "a.ndx"
    Index(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {version}")
    connection.commit()
    connection.close()
    with pytest.raises(InputError, match=message):
        Index(path)


# What each format added, newest first: the setting its check reads and the table it stores
_ADDED = {
    7: ("min_tail_word_cosine", "words"),
    6: ("number_swaps", None),  # and the places of numbers
    5: ("sentence_lede_words", None),  # and the mark in paragraph starts
    4: ("min_lede_share", "paragraphs"),
    3: ("min_number_share", "numbers"),
}


def _as_format(path: Path, version: int) -> None:
    """Rewrite a new index file as neardup wrote it in format ``version``: without the
    settings and tables the formats after it added."""
    connection = sqlite3.connect(path)
    settings = json.loads(
        connection.execute("SELECT value FROM meta WHERE key = 'settings'").fetchone()[0]
    )
    for added, (setting, table) in _ADDED.items():
        if added > version:
            del settings["config"][setting]
            if table is not None:
                connection.execute(f"DROP TABLE {table}")
    connection.execute("UPDATE meta SET value = ? WHERE key = 'settings'", (json.dumps(settings),))
    connection.execute(f"PRAGMA user_version = {version}")
    connection.commit()
    connection.close()


def test_a_format_2_index_opens_and_decides_as_it_did(tmp_path: Path) -> None:
    sweden, norway, _ = numbered_bonds()
    path = tmp_path / "old.ndx"
    Index(path).close()
    _as_format(path, 2)
    with Index(path) as index:  # read and written as it is, deciding without numbers
        assert index.config.min_number_share == 0
        index.add([{"id": "sweden", "text": sweden}, {"id": "norway", "text": norway}])
        assert len(index.clusters()) == 1  # one template filled in twice: one cluster, as before
        assert index.check() == []
        index.remove(["norway"])
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 2  # older neardup opens it
    assert not connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'numbers'").fetchall()
    connection.close()
    with Index(tmp_path / "new.ndx") as index:  # a new index parts them by their numbers
        index.add([{"id": "sweden", "text": sweden}, {"id": "norway", "text": norway}])
        assert len(index.clusters()) == 2


def _quoted_story_records() -> list[dict[str, str]]:
    original, quoter, _ = quoted_story()
    return [{"id": "original", "text": original}, {"id": "quoter", "text": quoter}]


@pytest.mark.parametrize(
    ("version", "records"),
    [
        (3, _quoted_story_records()),  # a report and a story quoting it from its 2nd paragraph
        (6, TAIL_RECORDS[1:]),  # a report's abridged copy, and a story quoting its lede
    ],
    ids=["format-3-lede-check", "format-6-tail-check"],
)
def test_an_older_index_opens_and_decides_without_the_check_the_next_format_brought(
    tmp_path: Path, version: int, records: list[dict[str, str]]
) -> None:
    setting, table = _ADDED[version + 1]
    path = tmp_path / "old.ndx"
    Index(path).close()
    _as_format(path, version)
    with Index(path) as index:  # read and written as it is, deciding without the check
        assert getattr(index.config, setting) == 0
        index.add(records)
        assert len(index.clusters()) == 1
        assert index.check() == []
        index.remove([records[-1]["id"]])
    connection = sqlite3.connect(path)
    assert (
        connection.execute("PRAGMA user_version").fetchone()[0] == version
    )  # older neardup opens it
    assert not connection.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchall()
    connection.close()
    with Index(tmp_path / "new.ndx") as index:  # a new index parts them, as dedup does
        index.add(records)
        assert len(index.clusters()) == 2
        assert index.check() == []
    assert len(dedup(records).clusters()) == 2


def test_a_format_4_index_stores_paragraph_starts_unmarked_and_decides_as_it_did(
    tmp_path: Path,
) -> None:
    # a report with a 14-word lede that ends a sentence, and a story quoting the rest
    paragraph = " ".join(f"para{i}" for i in range(60))
    report = " ".join(f"lede{i}" for i in range(14)) + ".\n\n" + paragraph
    quoter = paragraph + "\n\n" + " ".join(f"own{i}" for i in range(80))
    records = [{"id": "report", "text": report}, {"id": "quoter", "text": quoter}]
    path = tmp_path / "old.ndx"
    Index(path).close()
    _as_format(path, 4)
    with Index(path) as index:  # read and written as it is: a short lede unread, as before
        assert index.config.sentence_lede_words == 0
        index.add(records)
        assert len(index.clusters()) == 1
        assert index.check() == []
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 4  # older neardup opens it
    blobs = [blob for (blob,) in connection.execute("SELECT paragraphs FROM paragraphs")]
    assert blobs and all((np.frombuffer(b, "<u4") & PROSE == 0).all() for b in blobs)
    connection.close()
    with Index(tmp_path / "new.ndx") as index:  # a new index marks them, and parts the two
        index.add(records)
        assert len(index.clusters()) == 2
    assert len(dedup(records).clusters()) == 2


def test_a_format_5_index_stores_numbers_without_places_and_decides_as_it_did(
    tmp_path: Path,
) -> None:
    first, other, copy = dividend_notices()
    records = [
        {"id": "harbor", "text": first},
        {"id": "lakeside", "text": other},
        {"id": "copy", "text": copy},
    ]
    path = tmp_path / "old.ndx"
    Index(path).close()
    _as_format(path, 5)
    with Index(path) as index:  # read and written as it is: numbers unplaced, none swapped
        assert index.config.number_swaps == 0
        index.add(records[:2])
        index.add(records[2:])
        assert len(index.clusters()) == 1
        assert index.check() == []
    with Index(path) as index:  # reopened: its numbers read back alike
        assert len(index.clusters()) == 1 and index.check() == []
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 5  # older neardup opens it
    sizes = sorted(len(blob) for (blob,) in connection.execute("SELECT numbers FROM numbers"))
    connection.close()
    assert sizes == [8, 12, 12]  # 32-bit hashes of {15, 29}, {15, 17, 2019}, {15, 17, 2024}
    with Index(tmp_path / "new.ndx") as index:  # a new index parts them, as dedup does
        index.add(records[:2])
        index.add(records[2:])
        assert sorted(map(sorted, index.clusters().values())) == [["copy", "harbor"], ["lakeside"]]
        assert index.check() == []
    connection = sqlite3.connect(tmp_path / "new.ndx")
    sizes = sorted(len(blob) for (blob,) in connection.execute("SELECT numbers FROM numbers"))
    connection.close()
    assert sizes == [16, 24, 24]  # 64-bit entries: hash, year and letter bits, place
    with Index(tmp_path / "new.ndx") as index:  # and reads its placed numbers back alike
        index.add([{"id": "copy2", "text": copy.replace("solid", "firm")}])
        assert sorted(map(sorted, index.clusters().values())) == [
            ["copy", "copy2", "harbor"],
            ["lakeside"],
        ]
    assert len(dedup(records).clusters()) == 2


@pytest.mark.parametrize("table", ["numbers", "paragraphs"])
def test_check_finds_missing_or_broken_rows_of_a_group(tmp_path: Path, table: str) -> None:
    original, _, copy = quoted_story()
    sweden, norway, _ = numbered_bonds()
    path = tmp_path / "a.ndx"
    with Index(path) as index:
        texts = (original, copy, sweden, norway)
        index.add([{"id": k, "text": t} for k, t in zip("abcd", texts, strict=True)])
        assert index.check() == []
    connection = sqlite3.connect(path)
    gids = [gid for (gid,) in connection.execute(f"SELECT gid FROM {table} ORDER BY gid")]
    connection.execute(f"DELETE FROM {table} WHERE gid = ?", (gids[0],))
    connection.execute(f"UPDATE {table} SET {table} = x'0102030405' WHERE gid = ?", (gids[1],))
    connection.commit()
    connection.close()
    with Index(path) as index:
        problems = " ".join(index.check())
        assert f"group {gids[0]}: its {table}" in problems
        assert f"group {gids[1]}: its {table}" in problems


def test_foreign_files_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    with pytest.raises(InputError, match="another application"):
        Index(other)
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not a database at all, just some text " * 20)
    with pytest.raises(InputError, match="not an SQLite database"):
        Index(text)
    with pytest.raises(InputError, match="no index here"):
        Index(tmp_path / "missing.ndx", create=False)


def test_readers_go_on_while_a_writer_holds_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.ndx"
    index = Index(path)
    index.add([{"id": "a", "text": STORY}])
    store = index._store  # the writer's transaction is held open on this thread
    answers: list[int] = []
    with store.writing():
        store.drop_clusters([])

        def read() -> None:
            with Index(path) as other:
                answers.append(len(other.query([STORY])[0].matches))

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=20)
    assert answers == [1]
    index.close()


def test_two_connections_see_each_others_documents(tmp_path: Path) -> None:
    path = tmp_path / "a.ndx"
    first, second = Index(path), Index(path)
    assert second.query([STORY])[0].matches == ()
    first.add([{"id": "a", "text": STORY}])
    assert [m.id for m in second.query([STORY])[0].matches] == ["a"]
    first.remove("a")
    assert second.query([STORY])[0].matches == ()
    first.close()
    second.close()


def _journal_mode(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        connection.close()


def test_a_bulk_load_alone_writes_through_a_rollback_journal(tmp_path: Path) -> None:
    path = tmp_path / "a.ndx"
    index = Index(path)
    seen: list[str] = []
    with index._store.writing(bulk=True):
        seen.append(index._store._con().execute("PRAGMA journal_mode").fetchone()[0])
        index._store.drop_clusters([])
    index.close()
    assert seen == ["delete"]
    assert _journal_mode(path) == "wal"  # and back to WAL when it ends


def test_readers_opening_during_a_bulk_load_wait_and_are_told_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load's transaction is exclusive from its start, before any page reaches the
    file: nothing can read a half-made index or hold up the load's commit."""
    path = tmp_path / "a.ndx"
    writer = Index(path)
    monkeypatch.setattr(sqlite_store, "_BUSY_MS", 200)
    errors: list[Exception] = []

    def open_it() -> None:
        try:
            Index(path).close()
        except InputError as error:
            errors.append(error)

    with writer._store.writing(bulk=True):
        writer._store.drop_clusters([])
        thread = threading.Thread(target=open_it)
        thread.start()
        thread.join(timeout=20)
    assert len(errors) == 1 and "bulk load filling it" in str(errors[0])
    writer.close()
    Index(path).close()  # and opens once the load is over


def test_a_failed_bulk_load_rolls_back_and_returns_to_wal(tmp_path: Path) -> None:
    path = tmp_path / "a.ndx"
    index = Index(path)
    with pytest.raises(RuntimeError), index._store.writing(bulk=True):
        index._store.put_clusters([ClusterRow(7, 1, 1, 0, False)])
        raise RuntimeError("the input ended badly")
    assert index._store.clusters([7]) == {}
    index.close()
    assert _journal_mode(path) == "wal"


def test_a_bulk_load_beside_a_reader_keeps_the_wal(tmp_path: Path) -> None:
    """Leaving WAL mode needs the only connection: with a reader open, the load stays in
    WAL and the reader goes on reading while it runs."""
    path = tmp_path / "a.ndx"
    reader = Index(path)
    assert reader.query([STORY])[0].matches == ()  # holds a connection
    writer = Index(path)
    answers: list[int] = []
    with writer._store.writing(bulk=True):
        writer._store.drop_clusters([])
        mode = writer._store._con().execute("PRAGMA journal_mode").fetchone()[0]
        thread = threading.Thread(target=lambda: answers.append(len(reader.stats())))
        thread.start()
        thread.join(timeout=20)
    assert mode == "wal"
    assert answers and answers[0] > 0
    writer.add([{"id": "a", "text": STORY}])
    assert [m.id for m in reader.query([STORY])[0].matches] == ["a"]
    writer.close()
    reader.close()
