"""dedup_files end to end: determinism across workers and batch sizes, scratch files."""

from __future__ import annotations

import gzip
import json
import random
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from neardup.config import DedupConfig, ReadConfig
from neardup.errors import InputError
from neardup.files import dedup_files, part_bounds
from neardup.io import ranges
from tests.conftest import EXAMPLES

CORPUS = EXAMPLES / "corpus" / "news.jsonl"


def _bigger_corpus(path: Path) -> Path:
    """The example corpus repeated with small edits: enough records for several batches."""
    rng = random.Random(5)
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as out:
        for copy in range(6):
            for record in records:
                words = record["text"].split()
                if copy:
                    del words[rng.randrange(len(words))]
                row = {**record, "id": f"{record['id']}~{copy}", "text": " ".join(words)}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


@pytest.mark.parametrize(
    "workers, batch_size, sketch",
    [(2, 7, "classic"), (2, 50, "classic"), (1, 13, "classic"), (2, 7, "oph")],
)
def test_output_is_identical_for_any_workers_and_batch_size(
    tmp_path: Path, workers: int, batch_size: int, sketch: str
) -> None:
    corpus = _bigger_corpus(tmp_path / "corpus.jsonl")
    config, read_config = DedupConfig.from_options(sketch=sketch), ReadConfig()
    reference = dedup_files([str(corpus)], tmp_path / "ref", config, read_config, workers=1)
    other = dedup_files(
        [str(corpus)],
        tmp_path / "other",
        config,
        read_config,
        workers=workers,
        batch_size=batch_size,
    )
    assert reference.counts["removed"] > 100
    for name in ("clusters.jsonl", "kept.jsonl", "removed.jsonl"):
        assert (tmp_path / "ref" / name).read_bytes() == (tmp_path / "other" / name).read_bytes()
    assert other.summary()["counts"] == reference.summary()["counts"]


def test_scratch_files_are_removed(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    dedup_files([str(CORPUS)], tmp_path / "out", DedupConfig(), ReadConfig(), workdir=scratch)
    assert list(scratch.iterdir()) == []


def test_no_verify_runs_on_spilled_signatures(tmp_path: Path) -> None:
    result = dedup_files([str(CORPUS)], tmp_path / "out", DedupConfig(verify=False), ReadConfig())
    assert result.counts["removed"] >= 10


def _tricky_corpus(path: Path) -> Path:
    """Lines the raw second read must treat as a full read does: a BOM, blank and bad lines,
    number and non-ASCII ids, escapes, a record holding neardup's own keys."""
    story = json.loads(CORPUS.read_text(encoding="utf-8").splitlines()[0])["text"]
    rows = [
        json.dumps({"id": "a", "text": story}),
        "",
        json.dumps({"id": 7, "text": story + " Copy."}),
        "{not json",
        json.dumps({"id": "ü-1", "text": "Ünïcode " + story}, ensure_ascii=True),
        json.dumps({"id": "ü-2", "text": "Ünïcode " + story + "!"}, ensure_ascii=False),
        json.dumps({"id": "s", "text": story + " Again.", "similarity": "theirs"}),
        '{"id": "e", "text": ' + json.dumps(story + " Esc.") + ', "duplicate\\u005fof": "x"}',
        json.dumps({"id": "a", "text": "a repeated id"}),
        "   ",
        json.dumps({"id": "z", "text": "something else entirely, alone in its cluster"}),
    ]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(rows).encode("utf-8") + b"\n")
    return path


def test_the_raw_second_read_writes_what_a_full_read_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _tricky_corpus(tmp_path / "tricky.jsonl")
    config, read_config = DedupConfig(), ReadConfig(on_error="skip")
    import neardup.files

    parsed: list[int] = []
    parse = neardup.files.parse_record_line
    monkeypatch.setattr(
        neardup.files, "parse_record_line", lambda *a: parsed.append(a[1]) or parse(*a)
    )
    fast = dedup_files([str(corpus)], tmp_path / "fast", config, read_config)
    assert 0 < len(parsed) < len(fast.ids)  # the raw read ran, parsing only some lines
    monkeypatch.setattr(neardup.files, "record_lines", lambda *_: None)
    full = dedup_files([str(corpus)], tmp_path / "full", config, read_config)
    assert fast.counts == full.counts
    assert fast.counts["removed"] >= 3 and fast.counts["skipped_errors"] == 2
    for name in ("clusters.jsonl", "kept.jsonl", "removed.jsonl", "errors.jsonl"):
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "full" / name).read_bytes()
    removed = [json.loads(line) for line in (tmp_path / "fast" / "removed.jsonl").open()]
    assert {"s", "7", "e"} <= {str(r["id"]) for r in removed}
    assert all(r["similarity"] != "theirs" for r in removed)  # neardup's value wins, once
    escaped = next(line for line in (tmp_path / "fast" / "removed.jsonl").open() if '"e"' in line)
    assert escaped.count("duplicate") == 1  # the escaped key is neardup's, not added twice


@pytest.mark.parametrize("workers, batch_size", [(2, 2), (2, 5), (1, 3)])
def test_bad_lines_and_repeated_ids_read_by_workers_give_the_tables_of_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int, batch_size: int
) -> None:
    """Workers read ranges of a plain JSONL file; a gzipped one after it is read here."""
    monkeypatch.setattr(ranges, "SPLIT_MIN_BYTES", 0)
    tricky = _tricky_corpus(tmp_path / "tricky.jsonl")
    packed = tmp_path / "more.jsonl.gz"
    packed.write_bytes(gzip.compress(b'{"id": "z", "text": "again"}\n{"id": "n", "text": "new"}\n'))
    inputs = [str(tricky), str(packed)]
    config, read_config = DedupConfig(), ReadConfig(on_error="skip")
    one = dedup_files(inputs, tmp_path / "one", config, read_config, workers=1, batch_size=1024)
    other = dedup_files(
        inputs, tmp_path / "other", config, read_config, workers=workers, batch_size=batch_size
    )
    assert other.counts == one.counts and one.counts["skipped_errors"] == 3
    for name in ("clusters.jsonl", "kept.jsonl", "removed.jsonl", "errors.jsonl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "other" / name).read_bytes()


def test_a_file_given_twice_is_read_twice_alike(tmp_path: Path) -> None:
    """Its second copy's records are all repeated ids: skipped, and named in errors.jsonl."""
    corpus = str(_tricky_corpus(tmp_path / "tricky.jsonl"))
    result = dedup_files(
        [corpus, corpus], tmp_path / "out", DedupConfig(), ReadConfig(on_error="skip")
    )
    kept = (tmp_path / "out" / "kept.jsonl").read_text().splitlines()
    removed = (tmp_path / "out" / "removed.jsonl").read_text().splitlines()
    assert len(kept) + len(removed) == len(result.ids) == 7
    assert result.counts["skipped_errors"] == 2 + 9  # its bad lines, and 7 + 1 repeated ids


def test_an_input_changed_between_the_reads_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _bigger_corpus(tmp_path / "corpus.jsonl")
    import neardup.files

    first_read = neardup.files.run_dedup

    def then_edit(*args: object, **kwargs: object) -> object:
        result = first_read(*args, **kwargs)  # type: ignore[arg-type]
        lines = corpus.read_text(encoding="utf-8").splitlines()
        lines[3] = json.dumps({"id": "someone-else", "text": "new"})
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return result

    monkeypatch.setattr(neardup.files, "run_dedup", then_edit)
    with pytest.raises(InputError, match="input changed"):
        dedup_files([str(corpus)], tmp_path / "out", DedupConfig(), ReadConfig())


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".tmp" in p.name or ".part" in p.name)


@pytest.mark.parametrize("workers, tricky_first", [(2, False), (3, False), (3, True)])
def test_tables_copied_in_parts_are_those_of_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int, tricky_first: bool
) -> None:
    """Parts begin inside either file, after blank, BOM'd and skipped lines alike."""
    import neardup.files

    monkeypatch.setattr(neardup.files, "_PART_MIN_RECORDS", 1)  # the small corpus in parts
    files = [_bigger_corpus(tmp_path / "big.jsonl"), _tricky_corpus(tmp_path / "tricky.jsonl")]
    inputs = [str(path) for path in (files[::-1] if tricky_first else files)]
    config, read_config = DedupConfig(), ReadConfig(on_error="skip")
    one = dedup_files(inputs, tmp_path / "one", config, read_config, workers=1)
    copied: list[int] = []
    write = neardup.files._write_lines
    monkeypatch.setattr(neardup.files, "_write_lines", lambda *a: copied.append(1) or write(*a))
    parts = dedup_files(inputs, tmp_path / "parts", config, read_config, workers=workers)
    assert copied == [1]  # this process copied one part: the others were copied elsewhere
    assert parts.counts == one.counts and one.counts["skipped_errors"] == 2
    for name in ("clusters.jsonl", "kept.jsonl", "removed.jsonl", "errors.jsonl"):
        assert (tmp_path / "parts" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    assert _leftovers(tmp_path / "parts") == []


def test_an_error_in_a_later_part_leaves_no_part_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import neardup.files

    monkeypatch.setattr(neardup.files, "_PART_MIN_RECORDS", 1)
    corpus = _bigger_corpus(tmp_path / "corpus.jsonl")
    first_read = neardup.files.run_dedup

    def then_edit_the_end(*args: object, **kwargs: object) -> object:
        result = first_read(*args, **kwargs)  # type: ignore[arg-type]
        lines = corpus.read_text(encoding="utf-8").splitlines()
        lines[-2] = json.dumps({"id": "someone-else", "text": "new"})
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return result

    monkeypatch.setattr(neardup.files, "run_dedup", then_edit_the_end)
    with pytest.raises(InputError, match="input changed") as raised:
        dedup_files([str(corpus)], tmp_path / "out", DedupConfig(), ReadConfig(), workers=2)
    assert raised.value.line == len(corpus.read_text().splitlines()) - 1
    assert _leftovers(tmp_path / "out") == []
    assert not (tmp_path / "out" / "kept.jsonl").exists()


@given(st.integers(0, 10**7), st.integers(1, 16))
def test_part_bounds_cover_the_records_in_order(records: int, parts: int) -> None:
    bounds = part_bounds(records, parts)
    assert len(bounds) == parts + 1 and bounds[0] == 0 and bounds[-1] == records
    assert bounds == sorted(bounds)
    sizes = [b - a for a, b in pairwise(bounds)]
    assert all(later <= earlier + 1 for earlier, later in pairwise(sizes))  # (rounded)
    # a later part passes over more lines first, so copies fewer
    assert parts == 1 or records < 100 * parts or sizes[0] > sizes[-1]


class _Recorded:
    """A Progress that keeps what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def start(self, stage: str, total: int | None = None) -> None:
        self.events.append(("start", stage))

    def advance(self, amount: int = 1) -> None:
        self.events.append(("advance", amount))

    def finish(self) -> None:
        self.events.append(("finish", None))


@pytest.mark.parametrize("fmt, parts", [("jsonl", 1), ("jsonl", 2), ("parquet", 1)])
def test_the_write_stage_reports_every_record_and_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, parts: int
) -> None:
    import neardup.files

    monkeypatch.setattr(neardup.files, "_PART_MIN_RECORDS", 1 if parts > 1 else 10**9)
    corpus = _bigger_corpus(tmp_path / "corpus.jsonl")
    progress = _Recorded()
    result = dedup_files(
        [str(corpus)], tmp_path / "out", DedupConfig(), ReadConfig(),
        output_format=fmt, workers=parts, progress=progress,
    )  # fmt: skip
    write = progress.events[progress.events.index(("start", "write")) :]
    assert write[-1] == ("finish", None) and write.count(("finish", None)) == 1
    advanced = [amount for kind, amount in write if kind == "advance"]
    assert sum(advanced) == len(result.ids)
