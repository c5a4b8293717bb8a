"""ResultWriter: both formats round-trip, files appear atomically, errors are clear."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import tempfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup.config import ReadConfig
from neardup.errors import ConfigError, InputError, OutputError
from neardup.io import ResultWriter, open_inputs, read_records
from neardup.io.readers import _has_words
from neardup.io.writers import _removal_keys, assignment_line
from neardup.types import Assignment, Record

KEPT = Record("a", "story", {"id": "a", "text": "story", "meta": {"z": 1, "y": [True, None]}})
REMOVED = Record("b", "story!", {"text": "story!", "id": "b", "lang": "fr"})
ASSIGNMENTS = [
    Assignment("a", "c0", True, None, None),
    Assignment("b", "c0", False, "a", 0.875),
]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_table(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
        return rows
    return read_jsonl(path)


def write_sample(output: Path, fmt: Any) -> None:
    with ResultWriter(output, fmt) as writer:
        for assignment in ASSIGNMENTS:
            writer.write_assignment(assignment)
        writer.write_kept(KEPT)
        writer.write_removed(REMOVED, "a", 0.875, extra={"reason": "containment"})
        writer.write_summary({"records": 2, "removed": 1})


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_tables_round_trip(tmp_path: Path, fmt: Any) -> None:
    write_sample(tmp_path, fmt)
    assert read_table(tmp_path / f"clusters.{fmt}") == [a.to_json() for a in ASSIGNMENTS]
    assert read_table(tmp_path / f"kept.{fmt}") == [KEPT.fields]
    (removed,) = read_table(tmp_path / f"removed.{fmt}")
    assert list(removed) == ["text", "id", "lang", "duplicate_of", "similarity", "reason"]
    assert removed == {
        **REMOVED.fields,
        "duplicate_of": "a",
        "similarity": 0.875,
        "reason": "containment",
    }
    assert not (tmp_path / "errors.jsonl").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"clusters.{fmt}", f"kept.{fmt}", f"removed.{fmt}", "summary.json"]
    )


def test_jsonl_keeps_key_order_and_unicode(tmp_path: Path) -> None:
    text = "日本語 “q”"
    record = Record("x", text, {"z": 1, "text": text, "id": "x", "a": {"c": 1, "b": 2}})
    with ResultWriter(tmp_path) as writer:
        writer.write_kept(record)
    line = (tmp_path / "kept.jsonl").read_bytes()
    assert line == (json.dumps(record.fields, ensure_ascii=False) + "\n").encode("utf-8")


def test_parquet_takes_the_union_of_keys(tmp_path: Path) -> None:
    with ResultWriter(tmp_path, "parquet") as writer:
        writer.write_kept(Record("1", "t", {"id": "1", "text": "t", "only_first": 1}))
        writer.write_kept(Record("2", "u", {"text": "u", "id": "2", "only_second": "x"}))
    assert read_table(tmp_path / "kept.parquet") == [
        {"id": "1", "text": "t", "only_first": 1, "only_second": None},
        {"id": "2", "text": "u", "only_first": None, "only_second": "x"},
    ]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_empty_tables_are_still_written(tmp_path: Path, fmt: Any) -> None:
    with ResultWriter(tmp_path / "out", fmt):
        pass
    for name in ("clusters", "kept", "removed"):
        assert read_table(tmp_path / "out" / f"{name}.{fmt}") == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [f"clusters.{fmt}", f"kept.{fmt}", f"removed.{fmt}"]
    )


def test_empty_parquet_tables_keep_their_known_columns(tmp_path: Path) -> None:
    with ResultWriter(tmp_path, "parquet") as writer:
        writer.write_assignment(Assignment("a", "c0", True, None, None))
    clusters = pq.read_table(tmp_path / "clusters.parquet").schema
    assert clusters.names == ["id", "cluster", "kept", "duplicate_of", "similarity"]
    assert str(clusters.field("similarity").type) == "double"
    assert pq.read_table(tmp_path / "removed.parquet").schema.names == [
        "duplicate_of",
        "similarity",
    ]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_errors_are_jsonl_and_only_written_when_present(tmp_path: Path, fmt: Any) -> None:
    error = InputError("d.jsonl", "malformed JSON", line=3, hint="fix it", raw="{oops")
    with ResultWriter(tmp_path, fmt) as writer:
        writer.write_error(error)
    assert read_jsonl(tmp_path / "errors.jsonl") == [error.to_json()]


def test_stale_errors_and_summary_of_an_earlier_run_are_removed(tmp_path: Path) -> None:
    (tmp_path / "errors.jsonl").write_text("{}\n")
    (tmp_path / "summary.json").write_text("{}\n")
    with ResultWriter(tmp_path):
        pass
    assert not (tmp_path / "errors.jsonl").exists()
    assert not (tmp_path / "summary.json").exists()


@pytest.mark.parametrize(("fmt", "other"), [("jsonl", "parquet"), ("parquet", "jsonl")])
def test_tables_of_an_earlier_run_in_the_other_format_are_removed(
    tmp_path: Path, fmt: Any, other: Any
) -> None:
    with ResultWriter(tmp_path, other) as writer:
        writer.write_assignment(Assignment("a", "c0", True, None, None))
    with ResultWriter(tmp_path, fmt) as writer:
        writer.write_assignment(Assignment("a", "c0", True, None, None))
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == sorted(f"{table}.{fmt}" for table in ("clusters", "kept", "removed"))


def test_summary_is_indented_unsorted_and_unescaped(tmp_path: Path) -> None:
    summary = {"zeta": 1, "alpha": {"name": "café"}}
    with ResultWriter(tmp_path) as writer:
        writer.write_summary(summary)
    text = (tmp_path / "summary.json").read_text(encoding="utf-8")
    assert text == json.dumps(summary, indent=2, ensure_ascii=False) + "\n"


def test_output_dir_is_created_with_parents(tmp_path: Path) -> None:
    with ResultWriter(tmp_path / "a" / "b"):
        pass
    assert (tmp_path / "a" / "b" / "kept.jsonl").exists()


def test_output_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("")
    with pytest.raises(OutputError, match="not a directory"):
        ResultWriter(target)


# --------------------------------------------------------------------------- atomicity


def test_files_appear_only_on_close(tmp_path: Path) -> None:
    with ResultWriter(tmp_path) as writer:
        writer.write_kept(KEPT)
        writer.write_error(InputError("d", "bad"))
        writer.write_summary({"done": True})
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "clusters.jsonl.tmp",
            "errors.jsonl.tmp",
            "kept.jsonl.tmp",
            "removed.jsonl.tmp",
        ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "clusters.jsonl",
        "errors.jsonl",
        "kept.jsonl",
        "removed.jsonl",
        "summary.json",
    ]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_a_crash_leaves_earlier_results_and_no_tmp(tmp_path: Path, fmt: Any) -> None:
    write_sample(tmp_path, fmt)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(RuntimeError), ResultWriter(tmp_path, fmt) as writer:
        writer.write_kept(REMOVED)
        writer.write_error(InputError("d", "bad"))
        raise RuntimeError("crash")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def _write_rows(writer: ResultWriter, rows: list[tuple[Assignment, Record]]) -> None:
    for assignment, record in rows:
        writer.write_assignment(assignment)
        if assignment.kept:
            writer.write_kept(record)
        else:
            writer.write_removed(record, "a", assignment.similarity)


_ROWS = [(ASSIGNMENTS[0], KEPT), (ASSIGNMENTS[1], REMOVED)] * 3


def test_parts_written_apart_are_appended_in_order(tmp_path: Path) -> None:
    _write_rows(whole := ResultWriter(tmp_path / "whole"), _ROWS)
    whole.close()
    with ResultWriter(tmp_path / "parts") as writer:
        later = writer.expect_parts(2)
        assert later == [1, 2]
        for number, rows in zip(later, (_ROWS[2:3], _ROWS[3:]), strict=True):
            with ResultWriter(tmp_path / "parts", part=number) as part:
                _write_rows(part, rows)
        assert (tmp_path / "parts" / "kept.jsonl.part1.tmp").exists()  # until appended
        _write_rows(writer, _ROWS[:2])
        for number in later:
            writer.append_part(number)
    for name in ("clusters.jsonl", "kept.jsonl", "removed.jsonl"):
        assert (tmp_path / "parts" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == [
        "clusters.jsonl",
        "kept.jsonl",
        "removed.jsonl",
    ]


def test_an_aborted_writer_removes_the_parts_it_expected(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), ResultWriter(tmp_path) as writer:
        (number,) = writer.expect_parts(1)
        with ResultWriter(tmp_path, part=number) as part:
            _write_rows(part, _ROWS)
        raise RuntimeError("crash")
    assert list(tmp_path.iterdir()) == []


def test_only_jsonl_is_written_in_parts(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="JSONL"):
        ResultWriter(tmp_path, "parquet", part=1)


def test_conflicting_parquet_types_name_the_table_and_jsonl(tmp_path: Path) -> None:
    expected = r"kept\.parquet.*--format jsonl"
    with pytest.raises(OutputError, match=expected), ResultWriter(tmp_path, "parquet") as writer:
        writer.write_kept(Record("1", "t", {"id": "1", "text": "t", "n": 1}))
        writer.write_kept(Record("2", "t", {"id": "2", "text": "t", "n": "one"}))
    assert list(tmp_path.iterdir()) == []


def test_writing_after_close_is_an_error(tmp_path: Path) -> None:
    with ResultWriter(tmp_path) as writer:
        pass
    with pytest.raises(OutputError, match="closed"):
        writer.write_kept(KEPT)


# --------------------------------------------------------------------------- JSON edge cases


def test_parquet_values_are_written_to_jsonl_readably(tmp_path: Path) -> None:
    fields = {
        "id": "x",
        "text": "t",
        "when": dt.datetime(2024, 5, 1, 12, 30),
        "day": dt.date(2024, 5, 1),
        "price": decimal.Decimal("1.10"),
        "blob": b"\x00\xff",
    }
    with ResultWriter(tmp_path) as writer:
        writer.write_kept(Record("x", "t", fields))
    assert read_jsonl(tmp_path / "kept.jsonl") == [
        {
            "id": "x",
            "text": "t",
            "when": "2024-05-01T12:30:00",
            "day": "2024-05-01",
            "price": "1.10",
            "blob": "AP8=",
        }
    ]


def test_unserialisable_value_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"kept\.jsonl"), ResultWriter(tmp_path) as writer:
        writer.write_kept(Record("x", "t", {"id": "x", "text": "t", "bad": object()}))
    assert list(tmp_path.iterdir()) == []


def test_lone_surrogates_survive_a_round_trip(tmp_path: Path) -> None:
    record = Record("x", "a\ud800b", {"id": "x", "text": "a\ud800b"})
    with ResultWriter(tmp_path) as writer:
        writer.write_kept(record)
    (back,) = read_records(open_inputs([str(tmp_path / "kept.jsonl")]), ReadConfig())
    assert back.fields == record.fields


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
RECORD_FIELDS = st.lists(
    st.tuples(
        st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=5),
        # a text the reader takes: not whitespace and invisible format characters alone
        # ("\u200b" passes str.strip, and is read as an empty text)
        st.text(min_size=1).filter(_has_words),
        st.booleans(),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(RECORD_FIELDS)
def test_any_json_record_round_trips_through_jsonl(
    rows: list[tuple[dict[str, Any], str, bool]],
) -> None:
    records = []
    for index, (extra, text, text_first) in enumerate(rows):
        fields = dict(extra)
        fields.pop("id", None)
        fields.pop("text", None)
        head = {"text": text, "id": f"r{index}"} if text_first else {"id": f"r{index}"}
        fields = {**head, **fields, "text": text}
        records.append(Record(f"r{index}", text, fields))
    with tempfile.TemporaryDirectory() as folder:
        with ResultWriter(Path(folder)) as writer:
            for record in records:
                writer.write_kept(record)
        path = str(Path(folder) / "kept.jsonl")
        back = list(read_records(open_inputs([path]), ReadConfig()))
    assert [r.fields for r in back] == [r.fields for r in records]
    assert [list(r.fields) for r in back] == [list(r.fields) for r in records]
    assert [(r.id, r.text, r.line) for r in back] == [
        (r.id, r.text, i + 1) for i, r in enumerate(records)
    ]


def test_jsonl_records_are_copied_byte_for_byte(tmp_path: Path) -> None:
    """A JSONL record is written back as its own line: escapes and number forms survive."""
    from neardup.config import ReadConfig
    from neardup.io.readers import open_inputs, read_records

    source = tmp_path / "in.jsonl"
    lines = [
        '{"id": "a", "text": "caf\\u00e9 one", "score": 1.0, "n": 1e3}',
        '{"text":"two",  "id":"b"}',
        '{"id": "c", "text": "three", "duplicate_of": "x"}',
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = list(read_records(open_inputs([str(source)]), ReadConfig()))
    with ResultWriter(tmp_path / "out") as writer:
        writer.write_kept(records[0])
        writer.write_removed(records[1], "a", 0.5, extra={"differences": {"typography": True}})
        writer.write_removed(records[2], "a", 0.25)
    assert (tmp_path / "out" / "kept.jsonl").read_text(encoding="utf-8") == lines[0] + "\n"
    removed = (tmp_path / "out" / "removed.jsonl").read_text(encoding="utf-8").splitlines()
    assert removed[0] == (
        '{"text":"two",  "id":"b", "duplicate_of": "a", "similarity": 0.5, '
        '"differences": {"typography": true}}'
    )
    # a record that already has the key is re-encoded, so the key appears once, overwritten
    assert json.loads(removed[1]) == {
        "id": "c",
        "text": "three",
        "duplicate_of": "a",
        "similarity": 0.25,
    }
    assert removed[1].count("duplicate_of") == 1


@given(
    st.text(min_size=1),
    st.text(min_size=1),
    st.booleans(),
    st.none() | st.text(),
    st.none() | st.floats(min_value=0.0, max_value=1.0),
)
def test_assignment_line_is_what_json_dumps_writes(
    doc_id: str, cluster: str, kept: bool, duplicate_of: str | None, similarity: float | None
) -> None:
    row = Assignment(doc_id, cluster, kept, duplicate_of, similarity)
    assert assignment_line(row) == json.dumps(row.to_json(), ensure_ascii=False)


@given(st.text(), st.none() | st.floats(min_value=0.0, max_value=1.0))
def test_removal_keys_are_what_json_dumps_writes(
    duplicate_of: str, similarity: float | None
) -> None:
    added = {"duplicate_of": duplicate_of, "similarity": similarity}
    assert _removal_keys(duplicate_of, similarity) == json.dumps(added, ensure_ascii=False)


@pytest.mark.parametrize("kernel_copies", [0, 1, 3])
def test_appending_a_part_falls_back_to_copying_where_the_kernel_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel_copies: int
) -> None:
    """copy_file_range may be missing, refuse these files, or fail part way (then the
    rest is copied from where it stopped)."""
    import os

    from neardup.io import writers

    source, target = tmp_path / "part", tmp_path / "table"
    source.write_bytes(bytes(range(256)) * 40)
    target.write_bytes(b"head\n")
    calls = []

    def copy_some(src: int, dst: int, count: int) -> int:
        calls.append(count)
        if len(calls) > kernel_copies:
            raise OSError(18, "Invalid cross-device link")
        return os.write(dst, os.read(src, 1000))

    monkeypatch.setattr(writers, "_COPY_CHUNK", 1000)
    monkeypatch.setattr(writers.os, "copy_file_range", copy_some, raising=False)
    with source.open("rb") as part, target.open("ab") as table:
        writers._copy_to_end(part, table)
    assert target.read_bytes() == b"head\n" + source.read_bytes()
    assert len(calls) == kernel_copies + 1
