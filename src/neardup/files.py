"""Batch dedup from input files to an output directory: what ``neardup dedup`` runs.

Inputs are read twice: once to match (keeping only signatures and shingle
sets), once to copy each record to ``kept`` or ``removed``. No text is held
between the passes, and stdin is spooled to a temporary file by the reader.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from neardup.config import DedupConfig, ReadConfig
from neardup.errors import InputError
from neardup.io.readers import Source, open_inputs, read_records
from neardup.io.writers import ResultWriter
from neardup.pipeline import run_dedup
from neardup.progress import NullProgress, Progress
from neardup.result import DedupResult

OutputFormat = Literal["jsonl", "parquet"]


def dedup_files(
    inputs: Sequence[str],
    output_dir: str | Path,
    config: DedupConfig,
    read_config: ReadConfig,
    *,
    output_format: OutputFormat = "jsonl",
    input_format: str | None = None,
    progress: Progress | None = None,
) -> DedupResult:
    """Deduplicate ``inputs`` and write every table into ``output_dir``."""
    progress = progress or NullProgress()
    sources = open_inputs(inputs, input_format=input_format)
    errors: list[InputError] = []
    result = run_dedup(
        read_records(sources, read_config, on_skip=errors.append), config, progress=progress
    )
    result.errors = errors
    started = time.perf_counter()
    with ResultWriter(Path(output_dir), output_format) as writer:
        _write_records(writer, sources, read_config, result, progress)
        for error in errors:
            writer.write_error(error)
        result.counts["skipped_errors"] = len(errors)
        summary = result.summary()
        summary["inputs"] = [str(path) for path in inputs]
        summary["output_format"] = output_format
        writer.write_summary(_with_write_time(summary, time.perf_counter() - started))
    return result


def _with_write_time(summary: dict[str, Any], seconds: float) -> dict[str, Any]:
    """The summary with the write stage counted in, as the user waited for it."""
    timings = dict(summary["seconds"])
    timings["write"] = round(seconds, 4)
    timings["total"] = round(timings.get("total", 0.0) + seconds, 4)
    return {**summary, "seconds": timings}


def _write_records(
    writer: ResultWriter,
    sources: Sequence[Source],
    read_config: ReadConfig,
    result: DedupResult,
    progress: Progress,
) -> None:
    by_id = {row.id: row for row in result.assignments}
    progress.start("write", total=len(by_id))
    for row in result.assignments:
        writer.write_assignment(row)
    for record in read_records(sources, read_config):
        row = by_id[record.id]
        if row.kept:
            writer.write_kept(record)
        else:
            assert row.duplicate_of is not None
            writer.write_removed(record, row.duplicate_of, row.similarity)
        progress.advance()
    progress.finish()
