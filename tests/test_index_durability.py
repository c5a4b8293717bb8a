"""kill -9 at any moment of ``neardup index add`` leaves a sound index, each document whole or absent.

A real subprocess adds a few thousand generated documents in small transactions
and is killed (SIGKILL, its whole process group) at random moments, several
times; after each kill the index must pass ``neardup index check``, and every
document in it must read back exactly as it was given. Each run resumes with
``--skip-existing``; the last one finishes, and the index then holds the
clusters batch dedup draws.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

import neardup
from neardup import Index
from neardup.errors import InputError
from neardup.store import sqlite as sqlite_store
from neardup.store.sqlite import APPLICATION_ID
from tests.generated import news_like
from tests.test_cli import neardup as run_neardup

KILLS = 4


def _command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("neardup")
    return [
        str(script) if script.exists() else sys.executable,
        *([] if script.exists() else ["-m", "neardup"]),
        *args,
    ]


def _add(corpus: Path, db: Path, *how: str) -> subprocess.Popen[bytes]:
    args = ("index", "add", str(corpus), "--db", str(db), "--store-text", "--skip-existing")
    return subprocess.Popen(
        _command(*args, *how, "--workers", "1", "-q", "-o", os.devnull),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill reaches any helper too
    )


def _created(db: Path) -> bool:
    if not db.exists():
        return False
    with sqlite3.connect(db) as connection:
        return connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def _sound(db: Path, by_id: dict[str, dict[str, object]]) -> int:
    run_neardup("index", "check", "--db", str(db))
    with Index(db, create=False) as index:
        present = [row.id for row in index.assignments()]
        for doc_id in present:
            doc = index.get(doc_id)
            assert doc is not None
            record = by_id[doc_id]
            assert doc.text == record["text"]
            assert doc.fields == {k: v for k, v in record.items() if k != "text"}
    return len(present)


def _journal_mode(db: Path) -> str:
    with closing(sqlite3.connect(db)) as connection:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])


def _corpus(tmp_path: Path) -> tuple[list[dict[str, object]], Path]:
    records = news_like(4000, seed=31)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return records, corpus


def _clusters_match_dedup(db: Path, records: list[dict[str, object]]) -> None:
    with Index(db) as index:
        got = {frozenset(m) for m in index.clusters().values()}
    assert got == {frozenset(m) for m in neardup.dedup(records).clusters().values()}


def test_kill_at_random_moments(tmp_path: Path) -> None:
    records, corpus = _corpus(tmp_path)
    db = tmp_path / "news.ndx"
    by_id = {str(r["id"]): r for r in records}
    rng = random.Random(7)
    counts = []
    for _ in range(KILLS):
        process = _add(corpus, db, "--no-bulk", "--batch-size", "20")
        time.sleep(rng.uniform(0.3, 2.5))  # start-up takes about a second, adding two more
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        if _created(db):  # a kill before the schema's transaction committed leaves none
            counts.append(_sound(db, by_id))
    assert counts and all(0 <= c <= len(records) for c in counts)
    assert any(0 < c < len(records) for c in counts), counts  # some kills were mid-way
    finished = _add(corpus, db, "--no-bulk", "--batch-size", "20")
    assert finished.wait(timeout=300) == 0
    assert _sound(db, by_id) == len(records)
    _clusters_match_dedup(db, records)


_STALLED_LOAD = """
import json, sys, time
from pathlib import Path
from neardup import Index
from neardup.store import sqlite

sqlite._CACHE_KIB = 256  # a small page cache: the load spills pages into the file early

corpus, db, marker = sys.argv[1:]
records = [json.loads(line) for line in Path(corpus).read_text().splitlines()]

def stalled():
    yield from records[:3000]
    Path(marker).write_text("mid-load")  # three batches are in the open transaction
    time.sleep(600)
    yield from records[3000:]

with Index(db, store_text=True) as index:
    index.add(stalled(), batch_size=1000, bulk=True)
"""


def test_a_bulk_load_killed_mid_way_leaves_an_empty_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk load is one transaction: killed before its commit, the index holds nothing.

    The load writes through a rollback journal (``SqliteStore.writing(bulk=True)``), and
    has written pages into the file when it is killed: opening the file rolls them back
    and puts it back in WAL mode."""
    records, corpus = _corpus(tmp_path)
    db, marker = tmp_path / "bulk.ndx", tmp_path / "marker"
    by_id = {str(r["id"]): r for r in records}
    scratch = tmp_path / "scratch"  # the killed load cannot remove its scratch files itself
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", _STALLED_LOAD, str(corpus), str(db), str(marker)],
        start_new_session=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the load never reached its stall"
        monkeypatch.setattr(sqlite_store, "_BUSY_MS", 500)
        with pytest.raises(InputError, match="most likely a bulk load filling it"):
            Index(db, create=False)  # it holds the file locked: readers wait, are told why
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # also when an assertion failed: no leftover
        process.wait(timeout=30)
    journal = db.with_name(db.name + "-journal")
    written = db.stat().st_size
    assert journal.exists()
    assert _sound(db, by_id) == 0
    assert not journal.exists()
    assert db.stat().st_size < written, "the load had written no page into the file"
    assert _journal_mode(db) == "wal"
    finished = _add(corpus, db)  # the index is empty: a bulk load by default
    assert finished.wait(timeout=300) == 0
    assert _sound(db, by_id) == len(records)
    _clusters_match_dedup(db, records)
