"""Line ranges: they cover a file exactly, and reading them is reading the file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup.config import ReadConfig
from neardup.io import open_inputs, ranges
from neardup.io.ranges import line_ranges, shard_items, splittable
from neardup.io.readers import Parsed, read_source

LINE = st.one_of(
    st.builds(lambda i: json.dumps({"id": f"r{i}", "text": f"text {i}"}), st.integers(0, 5)),
    st.just(""),  # blank: not a record
    st.just("not json"),
    st.just('{"text": "no id"}'),
)


def _key(item: Parsed) -> object:
    return item.to_json() if isinstance(item, Exception) else item


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(LINE, max_size=12),
    last_newline=st.booleans(),
    bom=st.booleans(),
    size=st.integers(1, 5),
    block=st.integers(1, 64),
)
def test_ranges_cover_the_file_and_read_as_the_whole(
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[str],
    last_newline: bool,
    bom: bool,
    size: int,
    block: int,
) -> None:
    data = ("\ufeff" if bom else "") + "\n".join(lines) + ("\n" if last_newline and lines else "")
    path = tmp_path_factory.mktemp("ranges") / "d.jsonl"
    path.write_bytes(data.encode("utf-8"))
    (source,) = open_inputs([str(path)])
    config = ReadConfig(on_error="skip")
    ranges = list(line_ranges(source, size, block))
    raw = path.read_bytes()
    spans = [r.byte_range for r in ranges if r.byte_range is not None]
    assert len(spans) == len(ranges)
    assert [start for start, _ in spans[1:]] == [stop for _, stop in spans[:-1]]
    assert (spans[0][0], spans[-1][1]) == (0, len(raw)) if spans else raw == b""
    for part, (start, stop) in zip(ranges, spans, strict=True):
        assert part.first_line == 1 + raw[:start].count(b"\n")
        newlines = raw[start:stop].count(b"\n")
        assert newlines == size or (part is ranges[-1] and newlines <= size)
    pieces = [item for part in ranges for item in shard_items(part, config)]
    assert [_key(item) for item in pieces] == [_key(item) for item in read_source(source, config)]


def test_a_range_is_at_least_a_line(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text("{}\n")
    (source,) = open_inputs([str(path)])
    with pytest.raises(ValueError, match="at least 1"):
        next(line_ranges(source, 0))


def test_only_plain_jsonl_files_of_some_size_are_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain, packed, table = tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz", tmp_path / "c.csv"
    plain.write_text('{"id": "a", "text": "x"}\n')
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    table.write_text("id,text\na,x\n")
    sources = open_inputs([str(plain), str(packed), str(table)])
    assert [splittable(source) for source in sources] == [False, False, False]
    monkeypatch.setattr(ranges, "SPLIT_MIN_BYTES", plain.stat().st_size)
    assert [splittable(source) for source in sources] == [True, False, False]


def test_a_shard_reads_alike_after_a_round_trip_through_json(tmp_path: Path) -> None:
    # the Ray engine's plan stores shards as JSON: a text folder keeps what it leaves out
    folder = tmp_path / "docs"
    (folder / "out").mkdir(parents=True)
    (folder / "a.txt").write_text("one story", encoding="utf-8")
    (folder / "out" / "clusters.jsonl").write_text("{}", encoding="utf-8")
    (source,) = open_inputs([str(folder)], leave_out=[folder / "out"])
    shard = ranges.Shard(source)
    again = ranges.Shard.from_json(json.loads(json.dumps(shard.to_json())))
    assert again == shard
    assert [item.id for item in shard_items(again, ReadConfig())] == ["a.txt"]  # type: ignore[union-attr]
