"""Read a finished ``neardup dedup`` output directory, and find records by id.

The directory's ``summary.json`` (written last, so its presence means the run
finished) says which fields held the id and the text (``run.id_field``,
``run.text_field``), which format the tables are in, and every parameter in
force; ``kept`` and ``removed`` hold the records themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from neardup.config import DedupConfig, MinHashConfig, NormalizeConfig, ReadConfig, ShingleConfig
from neardup.errors import ConfigError, InputError
from neardup.explain.frequency import LineCounts
from neardup.io.readers import open_inputs, read_records
from neardup.types import Record

__all__ = [
    "OutputDir",
    "config_from_summary",
    "corpus_records",
    "find_texts",
    "open_output_dir",
    "texts_and_counts",
]

_RERUN = "run neardup dedup INPUT -o DIR first, or pass the directory it wrote"


@dataclass(frozen=True)
class OutputDir:
    """A finished run's directory: its summary and how to read its tables."""

    path: Path
    summary: dict[str, Any]
    id_field: str
    text_field: str
    format: str

    def table(self, name: str) -> Path:
        return self.path / f"{name}.{self.format}"

    def records(self, name: str) -> Iterator[Record]:
        """Every record of ``kept`` or ``removed``, fields as written."""
        path = self.table(name)
        if not path.exists():
            raise InputError(str(path), "is missing from the output directory", hint=_RERUN)
        read_config = ReadConfig(
            id_field=self.id_field, text_field=self.text_field, id_required=True
        )
        return read_records(open_inputs([str(path)], input_format=self.format), read_config)

    def config(self) -> DedupConfig:
        """The settings the run used (defaults for any it does not record)."""
        return config_from_summary(self.summary.get("parameters", {}))


def open_output_dir(path: str | Path) -> OutputDir:
    """Check that ``path`` is a finished output directory and read its summary."""
    directory = Path(path)
    if not directory.is_dir():
        raise InputError(str(directory), "is not a directory", hint=_RERUN)
    summary_path = directory / "summary.json"
    if not summary_path.exists():
        raise InputError(
            str(directory), "has no summary.json, so no finished neardup dedup run", hint=_RERUN
        )
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(summary_path), f"cannot be read as JSON ({exc})", hint=_RERUN) from exc
    run = summary.get("run", {})
    return OutputDir(
        path=directory,
        summary=summary,
        id_field=str(run.get("id_field", "id")),
        text_field=str(run.get("text_field", "text")),
        format=str(run.get("output_format", "jsonl")),
    )


def config_from_summary(parameters: dict[str, Any]) -> DedupConfig:
    """A :class:`DedupConfig` from ``summary.json``'s ``parameters``; unknown keys ignored."""

    def pick(cls: type[Any], values: Any) -> dict[str, Any]:
        names = {f.name for f in fields(cls)}
        return {k: v for k, v in (values or {}).items() if k in names}

    top = pick(DedupConfig, parameters)
    for nested in ("normalize", "shingle", "minhash"):
        top.pop(nested, None)
    top.setdefault("max_rewrite_rate", 0.0)  # a run from before the check ran without it
    top.setdefault("min_number_share", 0.0)  # likewise
    top.setdefault("min_lede_share", 0.0)  # likewise
    top.setdefault("sentence_lede_words", 0)  # likewise
    top.setdefault("central_share", 0.0)  # likewise
    top.setdefault("number_swaps", 0)  # likewise
    try:
        return DedupConfig(
            normalize=NormalizeConfig(**pick(NormalizeConfig, parameters.get("normalize"))),
            # a run from before scripts without spaces were split read a clause as one word
            shingle=ShingleConfig(
                **{"split_unspaced": False, **pick(ShingleConfig, parameters.get("shingle"))}
            ),
            minhash=MinHashConfig(**pick(MinHashConfig, parameters.get("minhash"))),
            **top,
        )
    except (ConfigError, TypeError):
        return DedupConfig()


def find_texts(records: Iterable[Record], ids: Sequence[str], source: str) -> dict[str, str]:
    """The texts of ``ids`` among ``records``; an id not found is an error naming ``source``."""
    wanted = set(ids)
    found = {record.id: record.text for record in records if record.id in wanted}
    missing = [record_id for record_id in ids if record_id not in found]
    if missing:
        raise InputError(
            source,
            f"no record with id {missing[0]!r}",
            hint="check the id (ids are matched exactly, as strings) and the --id-field",
        )
    return found


def texts_and_counts(
    records: Iterable[Record], ids: Sequence[str], source: str
) -> tuple[dict[str, str], LineCounts]:
    """The texts of ``ids``, and the line frequencies of every record (one pass)."""
    counts = LineCounts()

    def counted(stream: Iterable[Record]) -> Iterator[Record]:
        for record in stream:
            counts.add(record.text)
            yield record

    return find_texts(counted(records), ids, source), counts


def corpus_records(paths: Sequence[str], read_config: ReadConfig) -> Iterator[Record]:
    """The records of a corpus given as input paths (any format ``dedup`` reads)."""
    return read_records(open_inputs(paths), read_config)
