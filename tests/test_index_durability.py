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
from pathlib import Path

import neardup
from neardup import Index
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


def _add(corpus: Path, db: Path) -> subprocess.Popen[bytes]:
    args = ("index", "add", str(corpus), "--db", str(db), "--store-text", "--skip-existing")
    return subprocess.Popen(
        _command(*args, "--batch-size", "20", "--workers", "1", "-q", "-o", os.devnull),
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


def test_kill_at_random_moments(tmp_path: Path) -> None:
    records = news_like(4000, seed=31)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "news.ndx"
    by_id = {str(r["id"]): r for r in records}
    rng = random.Random(7)
    counts = []
    for _ in range(KILLS):
        process = _add(corpus, db)
        time.sleep(rng.uniform(0.3, 2.5))  # start-up takes about a second, adding two more
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        if _created(db):  # a kill before the schema's transaction committed leaves none
            counts.append(_sound(db, by_id))
    assert counts and all(0 <= c <= len(records) for c in counts)
    assert any(0 < c < len(records) for c in counts), counts  # some kills were mid-way
    finished = _add(corpus, db)
    assert finished.wait(timeout=300) == 0
    assert _sound(db, by_id) == len(records)
    with Index(db) as index:
        got = {frozenset(m) for m in index.clusters().values()}
    assert got == {frozenset(m) for m in neardup.dedup(records).clusters().values()}
