"""``neardup report`` and ``neardup dedup --explain`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from tests.conftest import EXAMPLES
from tests.test_cli import neardup, read_jsonl

CORPUS = EXAMPLES / "corpus" / "news.jsonl"


def test_report_writes_one_html_file(tmp_path: Path) -> None:
    neardup("dedup", str(CORPUS), "-o", str(tmp_path / "out"), "-q")
    done = neardup(
        "report", str(tmp_path / "out"), "-o", str(tmp_path / "r.html"), "--by", "source"
    )
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "Duplicates by source" in html
    assert "Report in" in done.stderr


def test_report_of_a_directory_that_is_no_run_fails(tmp_path: Path) -> None:
    done = neardup("report", str(tmp_path), "-o", str(tmp_path / "r.html"), check=False)
    assert done.returncode == 1 and "no summary.json" in done.stderr
    assert not (tmp_path / "r.html").exists()


def test_dedup_explain_adds_differences_to_removed_records(tmp_path: Path) -> None:
    neardup("dedup", str(EXAMPLES / "scrapes"), "-o", str(tmp_path), "-q", "--explain")
    (removed,) = read_jsonl(tmp_path / "removed.jsonl")
    assert removed["differences"] == {
        "only_in_kept": ["caption"],
        "only_in_removed": ["headline", "footer"],
        "changed": [],
        "typography": True,
        "wrapping": False,
    }


def test_dedup_without_explain_adds_nothing(tmp_path: Path) -> None:
    neardup("dedup", str(CORPUS), "-o", str(tmp_path), "-q")
    assert all("differences" not in r for r in read_jsonl(tmp_path / "removed.jsonl"))


def test_dedup_explain_with_parquet_output(tmp_path: Path) -> None:
    neardup("dedup", str(CORPUS), "-o", str(tmp_path), "-q", "--explain", "--format", "parquet")
    rows = pq.read_table(tmp_path / "removed.parquet").to_pylist()
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert len(rows) == summary["counts"]["removed"] > 0
    assert all(isinstance(row["differences"]["only_in_kept"], list) for row in rows)
