"""Reading a finished output directory and finding records by id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neardup import InputError, dedup_files
from neardup.config import DedupConfig, ReadConfig
from neardup.report.outputs import config_from_summary, find_texts, open_output_dir
from neardup.types import Record


def test_a_finished_run_is_read(example_run: Path) -> None:
    run = open_output_dir(example_run)
    assert (run.id_field, run.text_field, run.format) == ("id", "text", "jsonl")
    kept, removed = list(run.records("kept")), list(run.records("removed"))
    assert len(kept) + len(removed) == run.summary["counts"]["records"]
    assert all(r.fields["duplicate_of"] for r in removed)
    assert run.config() == DedupConfig()


def test_a_directory_without_summary_is_not_a_run(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no summary\.json"):
        open_output_dir(tmp_path)
    with pytest.raises(InputError, match="not a directory"):
        open_output_dir(tmp_path / "missing")


def test_an_unknown_id_names_the_source_and_the_id() -> None:
    records = [Record("a", "text a"), Record("b", "text b")]
    assert find_texts(records, ["b", "a"], "corpus.jsonl") == {"a": "text a", "b": "text b"}
    with pytest.raises(InputError, match=r"corpus.jsonl: no record with id 'c'"):
        find_texts(records, ["a", "c"], "corpus.jsonl")


def test_settings_come_back_from_the_summary() -> None:
    config = config_from_summary({"threshold": 0.6, "shingle": {"size": 2}, "bands_in_force": 9})
    assert config.threshold == 0.6 and config.shingle.size == 2
    assert config_from_summary({"threshold": 7}) == DedupConfig()  # out of range: defaults


def test_a_run_from_before_the_rewrite_check_is_explained_without_it() -> None:
    assert config_from_summary({"threshold": 0.45}).max_rewrite_rate == 0
    assert config_from_summary({"max_rewrite_rate": 0.05}).max_rewrite_rate == 0.05


def test_a_run_from_before_unspaced_scripts_were_split_is_explained_reading_clauses() -> None:
    assert config_from_summary({"shingle": {"size": 3}}).shingle.split_unspaced is False
    run = {"shingle": {"size": 3, "split_unspaced": True}}
    assert config_from_summary(run).shingle.split_unspaced is True


def test_by_a_field_no_record_has_is_an_error(example_run: Path, tmp_path: Path) -> None:
    from neardup.report import build_report

    with pytest.raises(InputError, match=r"no record has the field 'colour'.*source"):
        build_report(example_run, tmp_path / "r.html", by="colour")
    assert not (tmp_path / "r.html").exists()


def test_by_values_that_are_not_text_read_as_json(tmp_path: Path) -> None:
    from neardup.report.data import gather

    story = "the council approved the budget for the new library on tuesday night"
    records = [
        {"id": "a", "text": story, "wire": True, "tags": ["é", "b"]},
        {"id": "b", "text": story + " again", "wire": False, "tags": ["é", "b"]},
        {"id": "c", "text": "a different story about the weather and the rain", "wire": 1.5},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    dedup_files([str(source)], tmp_path / "out", DedupConfig(), ReadConfig(), workers=1)
    run = open_output_dir(tmp_path / "out")
    assert {v for v, _, _ in gather(run, by="wire").by_values} == {"true", "false", "1.5"}
    assert [v for v, _, _ in gather(run, by="tags").by_values] == ['["é", "b"]', "(no value)"]


def test_a_report_path_under_a_file_is_an_output_error(example_run: Path, tmp_path: Path) -> None:
    from neardup.errors import OutputError
    from neardup.report import build_report

    blocker = tmp_path / "a.jsonl"
    blocker.write_text("{}\n")
    with pytest.raises(OutputError, match=f"cannot write the report to {blocker}/r.html"):
        build_report(example_run, blocker / "r.html")
