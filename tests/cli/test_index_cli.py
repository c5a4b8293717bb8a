"""``neardup index ...`` through the real entry point, as a user runs it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from neardup import Index
from neardup.store import FORMAT_VERSION
from tests import test_cli as base
from tests.generated import news_like

CORPUS, neardup, read_jsonl = base.CORPUS, base.neardup, base.read_jsonl


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def index_membership(db: Path) -> set[frozenset[str]]:
    with Index(db) as index:
        return {frozenset(members) for members in index.clusters().values()}


@pytest.mark.parametrize("how", ["one by one", "bulk"])
def test_add_gives_dedup_clusters(tmp_path: Path, how: str) -> None:
    db, scratch = tmp_path / "news.ndx", tmp_path / "scratch"
    scratch.mkdir()
    mode = (
        ["--no-bulk", "--batch-size", "1"] if how == "one by one" else ["--workdir", str(scratch)]
    )
    out = neardup(
        "index", "add", str(CORPUS), "--db", str(db), *mode, "-o", str(tmp_path / "o.jsonl")
    )
    assert list(scratch.iterdir()) == []  # a bulk load's scratch files are gone
    assert "30 added" in out.stderr
    outcomes = read_jsonl(tmp_path / "o.jsonl")
    assert [o["id"] for o in outcomes] == [r["id"] for r in read_jsonl(CORPUS)]
    assert all(set(o) >= {"duplicate", "duplicate_of", "similarity", "matches"} for o in outcomes)
    neardup("dedup", str(CORPUS), "-o", str(tmp_path / "dedup"), "-q")
    expected: dict[object, set[object]] = {}
    for doc_id, (cluster, _) in base.membership(tmp_path / "dedup").items():
        expected.setdefault(cluster, set()).add(doc_id)
    assert index_membership(db) == {frozenset(v) for v in expected.values()}
    assert "ok:" in neardup("index", "check", "--db", str(db)).stdout


def test_query_remove_stats(tmp_path: Path) -> None:
    db = tmp_path / "news.ndx"
    neardup(
        "index",
        "add",
        str(CORPUS),
        "--db",
        str(db),
        "--store-text",
        "-q",
        "-o",
        str(tmp_path / "o"),
    )
    answers = [
        json.loads(line)
        for line in neardup(
            "index", "query", str(CORPUS), "--db", str(db), "-q"
        ).stdout.splitlines()
    ]
    assert all(a["duplicate"] for a in answers)  # every document is indexed already
    stats = json.loads(neardup("index", "stats", "--db", str(db)).stdout)
    assert stats["documents"] == 30 and stats["format_version"] == FORMAT_VERSION
    assert stats["settings"]["store_text"] is True
    first = read_jsonl(CORPUS)[0]
    got = json.loads(neardup("index", "get", str(first["id"]), "--db", str(db)).stdout)
    assert got["text"] == first["text"]
    done = neardup("index", "remove", str(first["id"]), "nope", "--db", str(db), check=False)
    assert done.returncode == 1 and "nope" in done.stderr and "removed 1" in done.stderr
    assert neardup("index", "get", str(first["id"]), "--db", str(db), check=False).returncode == 1


def test_add_takes_every_matching_setting_dedup_takes(tmp_path: Path) -> None:
    """A new index is made with dedup's settings, chain rule and OCR folding included, and
    gives dedup's clusters under them."""
    db = tmp_path / "news.ndx"
    settings = ["--kept-ratio", "0", "--no-fold-ocr", "--min-number-share", "0.6"]
    neardup(
        "index", "add", str(CORPUS), "--db", str(db), "-q", "-o", str(tmp_path / "o"), *settings
    )
    config = json.loads(neardup("index", "stats", "--db", str(db)).stdout)["settings"]
    assert config["kept_ratio"] == 0 and config["shingle"]["fold_ocr"] is False
    assert config["min_number_share"] == 0.6
    neardup("dedup", str(CORPUS), "-o", str(tmp_path / "dedup"), "-q", *settings)
    expected = {
        frozenset(r["id"] for r in rows)
        for rows in _by_cluster(read_jsonl(tmp_path / "dedup" / "clusters.jsonl")).values()
    }
    assert index_membership(db) == expected


def _by_cluster(rows: list[dict[str, object]]) -> dict[object, list[dict[str, object]]]:
    clusters: dict[object, list[dict[str, object]]] = {}
    for row in rows:
        clusters.setdefault(row["cluster"], []).append(row)
    return clusters


def test_errors_name_the_file_and_setting(tmp_path: Path) -> None:
    db = tmp_path / "news.ndx"
    neardup(
        "index",
        "add",
        str(CORPUS),
        "--db",
        str(db),
        "--threshold",
        "0.6",
        "-q",
        "-o",
        str(tmp_path / "o"),
    )
    mismatch = neardup(
        "index", "add", str(CORPUS), "--db", str(db), "--threshold", "0.5", check=False
    )
    assert mismatch.returncode == 1 and "threshold=0.6" in mismatch.stderr
    again = neardup("index", "add", str(CORPUS), "--db", str(db), check=False)
    assert (
        again.returncode == 1
        and "already in the index" in again.stderr
        and "--skip-existing" in again.stderr
    )
    skipped = neardup(
        "index", "add", str(CORPUS), "--db", str(db), "--skip-existing", "-o", str(tmp_path / "o2")
    )
    assert "0 added" in skipped.stderr and "30 already indexed, left as they were" in skipped.stderr
    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    refused = neardup("index", "stats", "--db", str(foreign), check=False)
    assert refused.returncode == 1 and "not a neardup index" in refused.stderr
    missing = neardup("index", "check", "--db", str(tmp_path / "none.ndx"), check=False)
    assert missing.returncode == 1 and "no index here" in missing.stderr


def test_a_failed_add_leaves_no_index_it_created(tmp_path: Path) -> None:
    db = tmp_path / "new.ndx"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(CORPUS.read_text(encoding="utf-8").splitlines()[0] + "\n{oops\n")
    for given in (bad, tmp_path / "missing.jsonl"):
        done = neardup(
            "index", "add", str(given), "--db", str(db), "--threshold", "0.6", check=False
        )
        assert done.returncode == 1 and str(given) in done.stderr
        assert list(tmp_path.glob("new.ndx*")) == []  # nor its -wal, -shm or -journal
    neardup("index", "add", str(CORPUS), "--db", str(db), "-q", "-o", str(tmp_path / "o"))
    assert Index(db).config.threshold == 0.45  # the failed runs fixed no settings
    failed = neardup("index", "add", str(bad), "--db", str(db), "--skip-existing", check=False)
    assert failed.returncode == 1 and len(Index(db)) == 30  # a used index stays as it was
    lenient = neardup(
        "index", "add", str(bad), "--db", str(db), "--skip-existing", "--on-error", "skip"
    )
    assert f"skipped: {bad}:2: malformed JSON" in lenient.stderr
    assert "--on-error skip" not in lenient.stderr  # the hint is what was done


def test_generated_corpus_in_batches_matches_dedup(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "gen.jsonl", news_like(300, seed=21))
    db = tmp_path / "gen.ndx"
    neardup(
        "index",
        "add",
        str(corpus),
        "--db",
        str(db),
        "--batch-size",
        "37",
        "-q",
        "-o",
        str(tmp_path / "o"),
    )
    neardup("dedup", str(corpus), "-o", str(tmp_path / "d"), "-q")
    with Index(db) as index:
        rows = [row.to_json() for row in index.assignments()]
    assert rows == read_jsonl(tmp_path / "d" / "clusters.jsonl")
