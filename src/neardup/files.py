"""Batch dedup from input files to an output directory: what ``neardup dedup`` runs.

Inputs are read twice: once to match (keeping only signatures and shingle
sets), once to copy each record to ``kept`` or ``removed``. No text is held
between the passes, and stdin is spooled to a temporary file by the reader.
The second pass over local JSONL is shared among the workers, each copying a
stretch of the records to its own part of the tables (:class:`_LineCopy`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal

from neardup.config import DedupConfig, ReadConfig
from neardup.errors import InputError
from neardup.featurize_inputs import Inputs
from neardup.io.readers import (
    Parsed,
    Source,
    open_inputs,
    parse_record_line,
    read_records,
    record_lines,
)
from neardup.io.writers import ResultWriter, json_string
from neardup.parallel import alongside
from neardup.pipeline import BATCH_SIZE, default_workers, run_dedup
from neardup.progress import NullProgress, Progress
from neardup.result import DedupResult
from neardup.types import Assignment, Record

OutputFormat = Literal["jsonl", "parquet"]


def dedup_files(
    inputs: Sequence[str] | str | Path,
    output_dir: str | Path,
    config: DedupConfig,
    read_config: ReadConfig,
    *,
    output_format: OutputFormat = "jsonl",
    input_format: str | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    workdir: str | Path | None = None,
    batch_size: int = BATCH_SIZE,
    explain: bool = False,
) -> DedupResult:
    """Deduplicate ``inputs`` and write every table into ``output_dir``.

    ``workers`` defaults to every core; results do not depend on it.
    ``workdir`` holds the scratch files (default: the system temp dir).
    ``explain`` adds a ``differences`` summary to every removed record
    (:func:`neardup.explain.differences` against its kept record), at the cost
    of one more read of the inputs to fetch the kept texts.
    """
    progress = progress or NullProgress()
    workers = default_workers() if workers is None else workers
    if isinstance(inputs, (str, Path)):  # one path, not its characters
        inputs = [str(inputs)]
    sources = open_inputs(inputs, input_format=input_format, leave_out=[output_dir])
    errors: list[InputError] = []
    to_read = Inputs(sources, read_config, on_skip=errors.append)
    result = run_dedup(
        to_read, config, progress=progress, workers=workers, workdir=workdir, batch_size=batch_size
    )
    result.errors = errors
    result.counts["skipped_errors"] = len(errors)
    started = time.perf_counter()
    kept_texts = _kept_texts(read_records(sources, read_config), result) if explain else None
    with ResultWriter(Path(output_dir), output_format) as writer:
        lines = None if explain or output_format != "jsonl" else record_lines(sources, errors)
        if lines is not None:
            copy = _LineCopy(sources, errors, read_config, result)
            copy.write(writer, progress, _parts(sources, len(result.ids), workers))
        else:
            _write_records(
                writer, read_records(sources, read_config), result, progress, kept_texts, config
            )
        for error in errors:
            writer.write_error(error)
        summary = result.summary()
        summary["run"] = {
            "inputs": [str(path) for path in inputs],
            "output_format": output_format,
            "workers": workers,
            "id_field": read_config.id_field,
            "text_field": read_config.text_field,
        }
        writer.write_summary(_with_write_time(summary, time.perf_counter() - started))
    return result


def _with_write_time(summary: dict[str, Any], seconds: float) -> dict[str, Any]:
    """The summary with the write stage counted in, as the user waited for it."""
    timings = dict(summary["seconds"])
    timings["write"] = round(seconds, 4)
    timings["total"] = round(timings.get("total", 0.0) + seconds, 4)
    return {**summary, "seconds": timings}


def _kept_texts(records: Iterable[Record], result: DedupResult) -> dict[int, str]:
    """Texts of the kept records that have duplicates, by input position (for ``explain``)."""
    wanted = {kept for index, kept in enumerate(result.kept_index.tolist()) if kept != index}
    return {index: record.text for index, record in enumerate(records) if index in wanted}


def _differences(
    kept_texts: dict[int, str] | None, kept: int, record: Record, config: DedupConfig | None
) -> dict[str, Any] | None:
    """``{"differences": ...}`` of a removed record against its kept one, with ``explain``."""
    if kept_texts is None:
        return None
    from neardup.explain import differences  # only with ``explain``: runs without skip loading it

    normalize_config = (config or DedupConfig()).normalize
    found = differences(kept_texts[kept], record.text, normalize_config=normalize_config)
    return {"differences": found}


def _write_records(
    writer: ResultWriter,
    records: Iterable[Record],
    result: DedupResult,
    progress: Progress,
    kept_texts: dict[int, str] | None = None,
    config: DedupConfig | None = None,
) -> None:
    """Second pass: each record as read, beside its row of ``clusters``.

    With ``kept_texts``, each removed record also gets its ``differences``.
    """
    progress.start("write", total=len(result.ids))
    rows = result.iter_assignments()
    for position, (record, row) in enumerate(zip(records, rows, strict=False)):
        _check_same(record, row)
        writer.write_assignment(row)
        if row.kept:
            writer.write_kept(record)
        else:
            assert row.duplicate_of is not None
            extra = _differences(kept_texts, int(result.kept_index[position]), record, config)
            writer.write_removed(record, row.duplicate_of, row.similarity, extra=extra)
        progress.advance()
    _check_ended(rows)
    progress.finish()


_PART_MIN_RECORDS = 4096  # below this, forking a writer costs more than it saves
# A later part first passes over the lines before it, undecoded: 1.3 us a line against
# 8-10 us to copy one (100k news records; a forked copier is the slower). Weighing the
# pass at 0.3 of a copy finished both parts together.
_SKIP_COST = 0.3


def _parts(sources: Sequence[Source], records: int, workers: int) -> int:
    """How many processes copy the lines: one per worker, for enough local records."""
    if records < _PART_MIN_RECORDS or any(source.url is not None for source in sources):
        return 1
    return max(1, workers)


def part_bounds(records: int, parts: int) -> list[int]:
    """The first record of each part, and ``records``: part ``j`` passes over the
    ``bounds[j]`` records before it, then copies its own, and all parts take as long
    (``bounds[j] = n (1 - q^j) / (1 - q^parts)`` with ``q = 1 - _SKIP_COST``)."""
    kept = 1.0 - _SKIP_COST
    share = [(1.0 - kept**j) / (1.0 - kept**parts) for j in range(parts + 1)]
    return [round(records * fraction) for fraction in share]


@dataclass(frozen=True)
class _LineCopy:
    """The raw second pass over JSONL inputs, in parts copied by separate processes,
    appended in order: the tables are byte for byte those of one process."""

    sources: Sequence[Source]
    errors: list[InputError]
    read_config: ReadConfig
    result: DedupResult

    def write(self, writer: ResultWriter, progress: Progress, parts: int) -> None:
        bounds = part_bounds(len(self.result.ids), parts)
        numbers = writer.expect_parts(parts - 1)
        progress.start("write", total=len(self.result.ids))
        alongside(
            partial(self._copy, writer, bounds[0], bounds[1], progress),
            [
                partial(self._copy_part, writer.output_dir, number, bounds[j + 1], bounds[j + 2])
                for j, number in enumerate(numbers)
            ],
        )
        progress.advance(len(self.result.ids) - bounds[1])
        for number in numbers:
            writer.append_part(number)
        progress.finish()

    def _copy_part(self, output_dir: Path, number: int, start: int, stop: int) -> None:
        with ResultWriter(output_dir, "jsonl", part=number) as writer:
            self._copy(writer, start, stop, NullProgress())

    def _copy(self, writer: ResultWriter, start: int, stop: int, progress: Progress) -> None:
        lines = record_lines(self.sources, self.errors, start)
        assert lines is not None, "the inputs were JSONL when the write began"
        rows = self.result.iter_assignments(start, stop)
        _write_lines(writer, lines, rows, self.read_config, progress)


def _write_lines(
    writer: ResultWriter,
    lines: Iterable[tuple[Source, int, str]],
    rows: Iterator[Assignment],
    read_config: ReadConfig,
    progress: Progress,
) -> None:
    """Second pass over JSONL inputs, lines copied as read and parsed only when they must
    be: an id not plainly in its line (a number, escapes), a removed record that may
    hold the keys neardup adds. Reading whole records was most of the write stage."""
    for (source, number, line), row in zip(lines, rows, strict=False):
        record: Parsed | None = None
        if json_string(row.id) not in line:
            record = parse_record_line(source, number, line, read_config)
            _check_same(record, row)
        writer.write_assignment(row)
        if row.kept:
            writer.write_kept_line(line)
            progress.advance()
            continue
        assert row.duplicate_of is not None
        if not writer.write_removed_line(line, row.duplicate_of, row.similarity):
            record = record or parse_record_line(source, number, line, read_config)
            _check_same(record, row)
            assert isinstance(record, Record)
            writer.write_removed(record, row.duplicate_of, row.similarity)
        progress.advance()
    _check_ended(rows)


def _check_same(record: Parsed, row: Assignment) -> None:
    """The second read must meet the records of the first."""
    if isinstance(record, InputError):
        found = f"; {record.reason}"
    elif record.id != row.id:
        found = f", read {record.id!r}"
    else:
        return
    raise InputError(
        record.source,
        f"the input changed while neardup was reading it (expected {row.id!r}{found})",
        line=record.line,
        hint="run again on inputs that are not being written to",
    )


def _check_ended(rows: Iterator[Assignment]) -> None:
    if next(rows, None) is not None:
        raise InputError(
            "<inputs>", "the input shrank while neardup was reading it", hint="run again"
        )
