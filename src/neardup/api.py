"""The Python entry point: dedup records held in memory, touching no files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from neardup.config import DedupConfig, OnError, ReadConfig
from neardup.errors import ConfigError, InputError
from neardup.io.readers import records_from_python
from neardup.pipeline import run_dedup
from neardup.result import DedupResult


def dedup(
    records: Iterable[Mapping[str, Any] | str],
    *,
    id_field: str = "id",
    text_field: str = "text",
    on_error: OnError = "fail",
    config: DedupConfig | None = None,
    workers: int = 1,
    **options: Any,
) -> DedupResult:
    """Cluster near-duplicate ``records`` and choose the copy to keep in each cluster.

    ``records`` are mappings with an id and a text field, or plain strings
    (their id is their position). ``options`` are the CLI's settings by
    name (``threshold=0.6``, ``similarity="jaccard"``, ``num_perm=256``,
    ``shingle_size=5``, ``keep="first"``, ...); or pass a whole ``config``.
    ``workers`` > 1 computes features in that many processes (same result).

    >>> result = dedup(["the cat sat on the mat today", "The cat sat on the mat today!", "dogs"])
    >>> result.clusters()
    {'1': ['0', '1'], '2': ['2']}
    """
    if isinstance(records, (str, bytes)):
        raise ConfigError("records must be a list of texts or mappings, not one string")
    if config is not None and options:
        raise TypeError("pass either config or keyword options, not both")
    config = config or DedupConfig.from_options(**options)
    read_config = ReadConfig(id_field=id_field, text_field=text_field, on_error=on_error)
    errors: list[InputError] = []
    result = run_dedup(
        records_from_python(records, read_config, on_skip=errors.append), config, workers=workers
    )
    result.errors = errors
    result.counts["skipped_errors"] = len(errors)
    return result
