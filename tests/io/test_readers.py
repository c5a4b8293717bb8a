"""Readers: every format, id rules, field pass-through, every error in both modes."""

from __future__ import annotations

import atexit
import gzip
import io
import json
import math
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup.config import ReadConfig
from neardup.errors import ConfigError, InputError
from neardup.io import Source, open_inputs, read_records, readers, records_from_python
from neardup.types import Record

FAIL = ReadConfig()
SKIP = ReadConfig(on_error="skip")


def jsonl(*rows: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(row).encode() + b"\n" for row in rows)


def zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def read(paths: Sequence[str], config: ReadConfig = FAIL, **options: Any) -> list[Record]:
    return list(read_records(open_inputs(paths, **options), config))


def read_skipping(
    paths: Sequence[str], config: ReadConfig = SKIP, **options: Any
) -> tuple[list[Record], list[InputError]]:
    errors: list[InputError] = []
    records = list(read_records(open_inputs(paths, **options), config, on_skip=errors.append))
    return records, errors


def ids(records: Iterable[Record]) -> list[str]:
    return [record.id for record in records]


ROWS = [{"id": "a", "text": "first"}, {"id": "b", "text": "second"}, {"id": "c", "text": "third"}]


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("docs.jsonl", lambda data: data),
        ("docs.ndjson", lambda data: data),
        ("docs.jsonl.gz", gzip.compress),
        ("docs.ndjson.gz", gzip.compress),
        ("docs.jsonl.zst", zstd),
        ("DOCS.NDJSON.ZST", zstd),
    ],
)
def test_jsonl_in_every_compression(
    tmp_path: Path, name: str, encode: Callable[[bytes], bytes]
) -> None:
    path = write(tmp_path / name, encode(jsonl(*ROWS)))
    records = read([path])
    assert ids(records) == ["a", "b", "c"]
    assert records[1] == Record("b", "second", ROWS[1], path, 2)


def test_zstd_with_several_frames(tmp_path: Path) -> None:
    data = zstd(jsonl(ROWS[0])) + zstd(jsonl(ROWS[1], ROWS[2]))
    assert ids(read([write(tmp_path / "d.jsonl.zst", data)])) == ["a", "b", "c"]


def test_source_keeps_the_given_name_and_resolves_the_path(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl.gz", gzip.compress(jsonl(*ROWS)))
    assert open_inputs([path]) == [Source(path, Path(path).resolve(), "jsonl", "gzip")]


def test_parquet_is_read_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "_PARQUET_BATCH_ROWS", 7)
    rows = [{"id": i, "text": f"doc {i}", "meta": {"n": i}} for i in range(50)]
    path = str(tmp_path / "d.parquet")
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=16)
    records = read([path])
    assert ids(records) == [str(i) for i in range(50)]
    assert records[9].fields == rows[9]
    assert records[9].line == 10


def test_pq_extension_is_parquet(tmp_path: Path) -> None:
    path = str(tmp_path / "d.pq")
    pq.write_table(pa.Table.from_pylist(ROWS), path)
    assert ids(read([path])) == ["a", "b", "c"]


def test_csv_rows_keep_their_file_line(tmp_path: Path) -> None:
    data = b'id,text,lang\na,"two\nlines",en\n\nb,plain,fr\n'
    path = write(tmp_path / "d.csv", data)
    records = read([path])
    assert [(r.id, r.line) for r in records] == [("a", 2), ("b", 5)]
    assert records[0].fields == {"id": "a", "text": "two\nlines", "lang": "en"}
    assert list(records[0].fields) == ["id", "text", "lang"]


@pytest.mark.parametrize(("name", "encode"), [("d.csv.gz", gzip.compress), ("d.csv.zst", zstd)])
def test_compressed_csv(tmp_path: Path, name: str, encode: Callable[[bytes], bytes]) -> None:
    path = write(tmp_path / name, encode(b"\xef\xbb\xbfid,text\na,x\n"))
    assert read([path])[0].fields == {"id": "a", "text": "x"}


def test_text_folder_is_sorted_recursive_and_skips_hidden(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    for relative in ["b.txt", "a/z.md", "a/b/c.txt", ".hidden", ".git/config", "a/.cache/x"]:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(f"text of {relative}", encoding="utf-8")
    records = read([str(root)])
    assert ids(records) == ["a/b/c.txt", "a/z.md", "b.txt"]
    assert records[1].fields == {"id": "a/z.md", "text": "text of a/z.md"}
    assert (records[1].source, records[1].line) == (f"{root}/a/z.md", None)


def test_input_format_overrides_the_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "dump.txt", jsonl(*ROWS))
    assert ids(read([path], input_format="jsonl")) == ["a", "b", "c"]
    csv_path = write(tmp_path / "dump.tsv.gz", gzip.compress(b"id,text\na,x\n"))
    assert ids(read([csv_path], input_format="csv")) == ["a"]


def test_sources_are_read_in_the_order_given(tmp_path: Path) -> None:
    first = write(tmp_path / "1.jsonl", jsonl(ROWS[2]))
    second = write(tmp_path / "2.csv", b"id,text\nz,last\n")
    assert ids(read([first, second])) == ["c", "z"]


@given(st.lists(st.sampled_from(["record", "blank", "bad"]), max_size=12), st.integers(0, 14))
@settings(max_examples=60, deadline=None)
def test_record_lines_from_a_later_record_are_the_tail_of_all(kinds: list[str], start: int) -> None:
    """What a later part of the write reads: the same lines, the earlier ones passed over."""
    with tempfile.TemporaryDirectory() as folder:
        rows = {"record": None, "blank": "  ", "bad": "{not json"}
        lines = [
            rows[kind] or json.dumps({"id": f"r{i}", "text": "t"}) for i, kind in enumerate(kinds)
        ]
        paths = [Path(folder) / "a.jsonl", Path(folder) / "b.jsonl"]
        paths[0].write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
        paths[1].write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")
        sources = open_inputs([str(path) for path in paths])
        skipped: list[InputError] = []
        records = list(read_records(sources, ReadConfig(on_error="skip"), on_skip=skipped.append))
        every = readers.record_lines(sources, skipped)
        later = readers.record_lines(sources, skipped, start)
        assert every is not None and later is not None
        every_line = list(every)
        assert [number for _, number, _ in every_line] == [record.line for record in records]
        assert list(later) == every_line[start:]


# --------------------------------------------------------------------------- stdin


@pytest.fixture
def exit_hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Callable[[], None]]]:
    """Capture atexit hooks, to run them in the test; any left run at its end, so no
    spooled stdin outlives the test."""
    hooks: list[Callable[[], None]] = []

    def register(func: Callable[..., None], *args: Any) -> None:
        hooks.append(lambda: func(*args))

    monkeypatch.setattr(atexit, "register", register)
    yield hooks
    for hook in hooks:
        hook()


def feed_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_is_spooled_read_twice_and_removed_at_exit(
    monkeypatch: pytest.MonkeyPatch, exit_hooks: list[Callable[[], None]]
) -> None:
    feed_stdin(monkeypatch, jsonl(*ROWS[:2], {"text": "no id"}))
    sources = open_inputs(["-"])
    first = list(read_records(sources, FAIL))
    assert first == list(read_records(sources, FAIL))
    assert ids(first) == ["a", "b", "<stdin>:3"]
    assert first[0].source == "<stdin>"
    assert sources[0].path.exists()
    for hook in exit_hooks:
        hook()
    assert not sources[0].path.exists()


@pytest.mark.parametrize(
    ("data", "options", "expected"),
    [
        (gzip.compress(jsonl(*ROWS)), {}, ("jsonl", "gzip")),
        (zstd(jsonl(*ROWS)), {}, ("jsonl", "zstd")),
        (b"id,text\na,first\nb,x\nc,y\n", {"input_format": "csv"}, ("csv", None)),
    ],
)
def test_stdin_detects_compression_and_takes_a_format(
    monkeypatch: pytest.MonkeyPatch,
    exit_hooks: list[Callable[[], None]],
    data: bytes,
    options: dict[str, Any],
    expected: tuple[str, str | None],
) -> None:
    feed_stdin(monkeypatch, data)
    (source,) = open_inputs(["-"], **options)
    assert (source.format, source.compression) == expected
    assert ids(read_records([source], FAIL)) == ["a", "b", "c"]


def test_stdin_parquet_is_recognised(
    monkeypatch: pytest.MonkeyPatch, exit_hooks: list[Callable[[], None]]
) -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(ROWS), buffer)
    feed_stdin(monkeypatch, buffer.getvalue())
    assert ids(read(["-"])) == ["a", "b", "c"]


# --------------------------------------------------------------------------- open_inputs errors


def test_missing_path(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="no such file") as caught:
        open_inputs([path])
    assert caught.value.source == path
    assert "check the path" in caught.value.hint


def test_unknown_extension_names_the_formats_and_the_option(tmp_path: Path) -> None:
    path = write(tmp_path / "data.json", b"{}")
    with pytest.raises(InputError) as caught:
        open_inputs([path])
    message = str(caught.value)
    assert path in message
    for fragment in (".jsonl", ".ndjson", ".parquet", ".csv", "folder", "--input-format"):
        assert fragment in message


def test_compressed_parquet_is_not_a_known_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot tell the format"):
        open_inputs([write(tmp_path / "d.parquet.gz", b"x")])


def test_folder_with_a_file_format_and_file_with_text_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        open_inputs([str(tmp_path)], input_format="csv")
    with pytest.raises(InputError, match="folder"):
        open_inputs([write(tmp_path / "a.jsonl", b"")], input_format="text")


def test_bad_input_format_and_stdin_twice(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--input-format"):
        open_inputs([str(tmp_path)], input_format="xml")
    with pytest.raises(InputError, match="more than once"):
        open_inputs(["-", "-"])


# --------------------------------------------------------------------------- ids and fields


def test_missing_id_falls_back_to_source_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", jsonl(ROWS[0]) + b"\n" + jsonl({"id": None, "text": "x"}))
    assert ids(read([path])) == ["a", f"{path}:3"]


def test_csv_and_parquet_fallback_ids_count_like_the_file(tmp_path: Path) -> None:
    csv_path = write(tmp_path / "d.csv", b"text\nx\ny\n")
    assert ids(read([csv_path])) == [f"{csv_path}:2", f"{csv_path}:3"]
    parquet_path = str(tmp_path / "d.parquet")
    pq.write_table(pa.Table.from_pylist([{"text": "x"}, {"text": "y"}]), parquet_path)
    assert ids(read([parquet_path])) == [f"{parquet_path}:1", f"{parquet_path}:2"]


def test_non_string_ids_become_strings(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", jsonl({"id": 7, "text": "x"}, {"id": 2.5, "text": "y"}))
    assert ids(read([path])) == ["7", "2.5"]


def test_json_values_orjson_would_change_are_read_as_the_standard_library_reads_them(
    tmp_path: Path,
) -> None:
    """Integers past 64 bits stay integers, NaN and lone surrogates are accepted."""
    lines = (
        b'{"id": 123456789012345678901234567890, "text": "x"}\n'
        b'{"id": "n", "text": "y", "score": NaN}\n'
        b'{"id": "s", "text": "z \\ud800"}\n'
    )
    records = read([write(tmp_path / "d.jsonl", lines)])
    assert ids(records) == ["123456789012345678901234567890", "n", "s"]
    assert math.isnan(records[1].fields["score"])
    assert records[2].text == "z \ud800"


def test_id_and_text_fields_are_configurable(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", jsonl({"url": "u1", "body": "x", "text": 3}))
    config = ReadConfig(id_field="url", text_field="body", id_required=True)
    (record,) = read([path], config)
    assert (record.id, record.text) == ("u1", "x")


def test_fields_pass_through_untouched(tmp_path: Path) -> None:
    row = {
        "z": 1,
        "text": "Ünïcödé — “quoted” 日本語 🎉",
        "id": "x",
        "nested": {"b": [1, {"c": None}], "a": True},
        "float": 1.5,
    }
    path = write(tmp_path / "d.jsonl", json.dumps(row, ensure_ascii=False).encode() + b"\n")
    (record,) = read([path])
    assert record.fields == row
    assert list(record.fields) == ["z", "text", "id", "nested", "float"]
    assert list(record.fields["nested"]) == ["b", "a"]


def test_blank_lines_and_bom_are_not_records(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + jsonl(ROWS[0]) + b"\n   \r\n" + jsonl(ROWS[1]).replace(b"\n", b"\r\n")
    records = read([write(tmp_path / "d.jsonl", data)])
    assert [(r.id, r.line) for r in records] == [("a", 1), ("b", 4)]


def test_reading_twice_gives_the_same_records_and_errors(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ["q.txt", "c.txt", "m.txt", "empty.txt"]:
        (folder / name).write_text("" if name == "empty.txt" else f"text {name}")
    paths = [
        write(tmp_path / "d.jsonl", jsonl(*ROWS) + b"not json\n" + jsonl(ROWS[0])),
        str(folder),
        write(tmp_path / "d.csv", b"id,text\nq,1\nr\n"),
    ]
    sources = open_inputs(paths)
    runs = []
    for _ in range(2):
        errors: list[InputError] = []
        records = list(read_records(sources, SKIP, on_skip=errors.append))
        runs.append((records, [error.to_json() for error in errors]))
    assert runs[0] == runs[1]
    assert len(runs[0][0]) == 7
    assert len(runs[0][1]) == 4


# --------------------------------------------------------------------------- record errors

GOOD_FIRST = b'{"id": "a", "text": "first"}\n'
GOOD_LAST = b'{"id": "z", "text": "last"}\n'

RECORD_ERRORS = {
    "malformed": (b'{"id": "b", "text": }', "malformed JSON", "fix or remove the line"),
    "not_object": (b'["b", "text"]', "is an array, not a JSON object", "one object per line"),
    "missing_text": (
        b'{"id": "b", "body": "x", "lang": "en"}',
        "no text field 'text'",
        "--text-field NAME to read another field (this record has: 'id', 'body', 'lang')",
    ),
    "text_not_string": (b'{"id": "b", "text": 5}', "is a number, not a string", "--text-field"),
    "empty_text": (b'{"id": "b", "text": ""}', "text field 'text' is empty", "fix or remove"),
    "blank_text": (b'{"id": "b", "text": " \\n\\t "}', "text field 'text' is empty", "remove"),
    "unicode_blank_text": (  # em space, a file separator, NEL: what str.strip takes off
        b'{"id": "b", "text": "\\u2003\\u001c\\u0085"}',
        "text field 'text' is empty",
        "remove",
    ),
    "bad_utf8": (b'{"id": "b", "text": "caf\xe9"}', "invalid UTF-8 at byte 24", "iconv"),
    "id_object": (b'{"id": {"x": 1}, "text": "t"}', "is an object, not a string", "--id-field"),
    "duplicate": (b'{"id": "a", "text": "again"}', "duplicate id 'a' (first seen at", "unique"),
}


@pytest.mark.parametrize("case", sorted(RECORD_ERRORS))
def test_record_error_fails_naming_file_and_line(tmp_path: Path, case: str) -> None:
    bad, reason, hint = RECORD_ERRORS[case]
    path = write(tmp_path / "d.jsonl", GOOD_FIRST + bad + b"\n" + GOOD_LAST)
    records = read_records(open_inputs([path]), FAIL)
    assert next(records).id == "a"
    with pytest.raises(InputError) as caught:
        next(records)
    error = caught.value
    assert str(error).startswith(f"{path}:2: ")
    assert reason in error.reason
    assert hint in error.hint
    assert "--on-error skip" in error.hint
    if case == "duplicate":
        assert f"first seen at {path}:1" in error.reason
        assert error.record_id == "a"


@pytest.mark.parametrize("case", sorted(RECORD_ERRORS))
def test_record_error_is_skipped_with_its_raw_line(tmp_path: Path, case: str) -> None:
    bad, reason, _ = RECORD_ERRORS[case]
    path = write(tmp_path / "d.jsonl", GOOD_FIRST + bad + b"\n" + GOOD_LAST)
    records, errors = read_skipping([path])
    assert ids(records) == ["a", "z"]
    (error,) = errors
    assert (error.source, error.line) == (path, 2)
    assert reason in error.reason
    if case == "duplicate":
        assert error.raw is not None and json.loads(error.raw) == json.loads(bad)
    else:
        assert error.raw == bad.decode("utf-8", "replace")
    if case in ("missing_text", "text_not_string", "empty_text", "duplicate"):
        assert error.record_id in ("a", "b")


def test_skip_without_a_callback_drops_silently(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", GOOD_FIRST + b"oops\n" + GOOD_LAST)
    assert ids(read_records(open_inputs([path]), SKIP)) == ["a", "z"]


def test_required_id_missing_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", GOOD_FIRST + b'{"text": "no id"}\n')
    with pytest.raises(InputError, match=f"{path}:2: no id field 'id'"):
        read([path], ReadConfig(id_required=True))


@pytest.mark.parametrize(("value", "kind"), [("true", "a boolean"), ('{"n": 1}', "an object")])
def test_an_id_neither_string_nor_number_is_an_error(tmp_path: Path, value: str, kind: str) -> None:
    path = write(tmp_path / "d.jsonl", f'{{"id": {value}, "text": "some words"}}\n'.encode())
    with pytest.raises(InputError, match=f"{path}:1: id field 'id' is {kind}, not a string"):
        read([path])  # a boolean is not read as the id "True"


def test_duplicate_across_sources_names_the_first(tmp_path: Path) -> None:
    first = write(tmp_path / "1.jsonl", GOOD_FIRST)
    second = write(tmp_path / "2.csv", b"id,text\nz,x\na,dup\n")
    records, errors = read_skipping([first, second])
    assert ids(records) == ["a", "z"]
    assert str(errors[0]).startswith(f"{second}:3: duplicate id 'a' (first seen at {first}:1)")


def test_raw_is_truncated(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", b"x" * 20_000 + b"\n")
    _, (error,) = read_skipping([path])
    assert error.raw == "x" * 10_000


# --------------------------------------------------------------------------- CSV errors


def test_csv_row_errors(tmp_path: Path) -> None:
    data = b'id,text\na,ok\nb,"multi\nline",extra\nc,caf\xe9\nd,\ne,fine\n'
    path = write(tmp_path / "d.csv", data)
    with pytest.raises(InputError, match=f"{path}:3: row has 3 fields but the header has 2"):
        read([path])
    records, errors = read_skipping([path])
    assert ids(records) == ["a", "e"]
    assert [(e.line, e.reason) for e in errors] == [
        (3, "row has 3 fields but the header has 2"),
        (5, "invalid UTF-8 at byte 5 of line 5"),
        (6, "text field 'text' is empty"),
    ]
    assert errors[0].raw == 'b,"multi\nline",extra'
    assert errors[1].raw == "c,caf\ufffd"


def test_csv_repeated_header_is_a_file_error(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", b"id,text,id\n1,x,2\n")
    with pytest.raises(InputError, match=f"{path}:1: the header names column 'id' more"):
        read([path])


def test_empty_files_have_no_records(tmp_path: Path) -> None:
    paths = [write(tmp_path / name, b"") for name in ("a.jsonl", "b.csv", "c.jsonl.gz")]
    paths[2] = write(tmp_path / "c.jsonl.gz", gzip.compress(b""))
    assert read(paths) == []


# --------------------------------------------------------------------------- file errors

BIG = jsonl(*({"id": str(i), "text": f"document number {i}"} for i in range(5000)))

FILE_ERRORS: dict[str, tuple[str, bytes, str]] = {
    "binary_jsonl": ("d.jsonl", GOOD_FIRST + b"\x00\x01\x02", "binary file (NUL byte"),
    "binary_csv": ("d.csv", b"id,text\na,b\x00\n", "binary file (NUL byte"),
    "not_gzip": ("d.jsonl.gz", b"this is not gzip", "cannot read gzip data"),
    "truncated_gzip": ("d.jsonl.gz", gzip.compress(BIG)[:-2000], "cannot read gzip data"),
    "not_zstd": ("d.jsonl.zst", b"\x28\xb5\x2f\xfd" + b"junk" * 10, "zstd"),
    "truncated_zstd": ("d.jsonl.zst", zstd(BIG)[:-2000], "ends in the middle of a frame"),
    "not_parquet": ("d.parquet", b"PAR1 but not really", "cannot read Parquet"),
}


@pytest.mark.parametrize("case", sorted(FILE_ERRORS))
def test_broken_file_fails_naming_the_file(tmp_path: Path, case: str) -> None:
    name, data, reason = FILE_ERRORS[case]
    path = write(tmp_path / name, data)
    with pytest.raises(InputError) as caught:
        read([path])
    assert caught.value.source == path
    assert str(caught.value).startswith(f"{path}: ")
    assert reason in caught.value.reason and ".." not in str(caught.value)
    assert "--on-error skip" in caught.value.hint


@pytest.mark.parametrize("case", sorted(FILE_ERRORS))
def test_broken_file_is_one_error_and_reading_goes_on(tmp_path: Path, case: str) -> None:
    name, data, reason = FILE_ERRORS[case]
    path = write(tmp_path / name, data)
    after = write(tmp_path / "after.jsonl", b'{"id": "after", "text": "x"}\n')
    records, errors = read_skipping([path, after])
    assert ids(records)[-1] == "after"
    if case.startswith(("binary", "not_")):
        assert ids(records) == ["after"]  # nothing of a binary or foreign file is read
    (error,) = errors
    assert (error.source, error.line) == (path, None)
    assert reason in error.reason


def test_text_folder_errors_name_the_file(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.txt").write_text("good")
    (root / "b.bin").write_bytes(b"PK\x00\x03zip")
    (root / "c.txt").write_bytes(b"caf\xe9")
    (root / "d.txt").write_text(" \n ")
    with pytest.raises(InputError, match=f"^{root}/b.bin: looks like a binary file"):
        read([str(root)])
    records, errors = read_skipping([str(root)])
    assert ids(records) == ["a.txt"]
    assert [(e.source, e.record_id, e.line) for e in errors] == [
        (f"{root}/b.bin", "b.bin", None),
        (f"{root}/c.txt", "c.txt", None),
        (f"{root}/d.txt", "d.txt", None),
    ]
    assert errors[1].reason == "invalid UTF-8 at byte 3"
    assert errors[1].raw == "caf\ufffd"
    assert errors[2].reason == "text field 'text' is empty"


# --------------------------------------------------------------------------- Python objects


def test_records_from_python_strings_and_mappings() -> None:
    items: list[Any] = ["plain text", {"id": 9, "text": "mapped", "extra": [1]}, {"text": "x"}]
    records = list(records_from_python(items, FAIL))
    expected = Record("0", "plain text", {"id": "0", "text": "plain text"}, "<records>", 1)
    assert records[0] == expected
    assert records[1].fields == {"id": 9, "text": "mapped", "extra": [1]}
    assert ids(records) == ["0", "9", "<records>:3"]


def test_records_from_python_errors() -> None:
    items: list[Any] = ["a", 42, {"id": "0", "text": "dup"}, {"id": "x"}, "  "]
    with pytest.raises(InputError, match=r"^<records>:2: item is a number"):
        list(records_from_python(items, FAIL))
    errors: list[InputError] = []
    records = list(records_from_python(items, SKIP, on_skip=errors.append))
    assert ids(records) == ["0"]
    assert [(e.line, e.reason.split(" (")[0]) for e in errors] == [
        (2, "item is a number, not a mapping or a string"),
        (3, "duplicate id '0'"),
        (4, "no text field 'text'"),
        (5, "text field 'text' is empty"),
    ]
    assert errors[2].raw == '{"id": "x"}'


@pytest.mark.parametrize("text", ["\u200b", "\ufeff", " \u2028 ", "\u200e\u200f", "\u00a0"])
def test_a_text_of_invisible_characters_alone_is_empty(tmp_path: Path, text: str) -> None:
    path = write(tmp_path / "d.jsonl", jsonl({"id": "a", "text": text}))
    with pytest.raises(InputError, match="text field 'text' is empty"):
        read([path])  # normalisation would leave nothing of it, and it would match its like
    assert ids(read([write(tmp_path / "e.jsonl", jsonl({"id": "b", "text": text + "é"}))]))
