"""The driver: the stages in order as Ray tasks, skipping whatever a previous run finished.

plan -> features -> ids -> exact -> bands -> pairs -> verify -> components
(steps) -> route -> assign -> write. Each task writes its outputs, then its
completion marker; each stage, once all its tasks are done, a marker of its
own (see :mod:`neardup.engines.ray.storage`). A re-run with the same output
directory and settings submits only the tasks without a marker.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neardup._version import __version__
from neardup.config import DedupConfig, RayConfig, ReadConfig
from neardup.engines.ray import (
    assign,
    candidates,
    components,
    groups,
    output,
    verify,
)
from neardup.engines.ray.featurize import featurize_partition, read_meta
from neardup.engines.ray.plan import count_lines, fingerprint, numbered, sources_of, split
from neardup.engines.ray.rundir import check_manifest, feature_errors, finish
from neardup.engines.ray.storage import WorkDir
from neardup.engines.ray.tasks import Stages, one_each, require_ray, session
from neardup.errors import ConfigError, InputError, NeardupError
from neardup.io.ranges import Shard, shard_items
from neardup.io.readers import duplicate_id_error
from neardup.io.writers import OutputFormat
from neardup.pipeline import choose_banding, keep_field_warnings
from neardup.progress import NullProgress, Progress
from neardup.types import Record

I64Array = NDArray[np.int64]
_MAX_STEPS = 200  # large-star / small-star steps before giving up (O(log^2 n) are needed)


@dataclass
class RayRun:
    """What a Ray run did: the summary written to ``summary.json``, and what it resumed."""

    summary: dict[str, Any]
    resumed: dict[str, int] = field(default_factory=dict)  # stage -> tasks found done
    warnings: list[str] = field(default_factory=list)  # as DedupResult.warnings

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = self.summary["counts"]
        return counts


def dedup_files_ray(
    inputs: Sequence[str],
    output_dir: str,
    config: DedupConfig,
    read_config: ReadConfig,
    *,
    output_format: OutputFormat = "jsonl",
    input_format: str | None = None,
    ray_config: RayConfig | None = None,
    progress: Progress | None = None,
    after_stage: Callable[[str], None] | None = None,
) -> RayRun:
    """Deduplicate ``inputs`` on Ray into ``output_dir`` (a path or fsspec URL).

    Clusters, kept copies and similarities are those of
    :func:`neardup.files.dedup_files`; the tables are partitioned
    (``OUT/clusters/part-NNNNN.jsonl``, ...). ``after_stage`` is called with
    each finished stage's name (tests interrupt runs with it).
    """
    if config.semantic:  # before any work, and before Ray is imported
        raise ConfigError(
            "--semantic is not available with --engine ray (the stage reads the documents' "
            "texts, which the Ray engine does not keep); drop it, or use --engine local"
        )
    ray = require_ray()
    ray_config = ray_config or RayConfig()
    sources = sources_of(inputs, input_format, str(output_dir))
    work = WorkDir(str(output_dir))
    settings = fingerprint(sources, config, read_config, ray_config, output_format)
    finished = check_manifest(work, settings)
    if finished is not None:
        return RayRun(finished, {"run": 1})
    driver = _Driver(ray, work, progress or NullProgress(), after_stage)
    with session(ray, ray_config):
        try:
            summary = driver.run(sources, config, read_config, ray_config, output_format)
        except InputError:
            # the input must change before it runs through, and a changed input resumes
            # nothing: the work area would only stand in the way of the rerun
            work.remove("")
            raise
    summary["run"]["inputs"] = [str(path) for path in inputs]
    finish(work, summary)
    return RayRun(summary, driver.resumed, driver.warnings)


class _Driver(Stages):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.warnings: list[str] = []

    # ------------------------------------------------------------------ the stages

    def run(
        self,
        sources: Sequence[Any],
        config: DedupConfig,
        read_config: ReadConfig,
        ray_config: RayConfig,
        output_format: OutputFormat,
    ) -> dict[str, Any]:
        began = time.perf_counter()
        work = self.work
        shards, file_errors = self.plan(sources, read_config, ray_config)
        partitions = len(shards)
        buckets = max(1, partitions)
        banding = choose_banding(config)
        featured = self.stage(
            "features",
            [
                (
                    f"{p:05d}",
                    featurize_partition,
                    (work, p, shard, config, read_config, banding, buckets),
                )
                for p, shard in enumerate(shards)
            ],
        )
        offsets = np.zeros(partitions + 1, dtype=np.int64)
        np.cumsum([stats["records"] for stats in featured], out=offsets[1:])
        # a partition featurised before the count existed (a resumed run) is not doubted
        found = any(stats.get("with_keep_field", 1) for stats in featured)
        self.warnings = keep_field_warnings(config, records=int(offsets[-1]), found=found)
        if offsets[-1] >= 1 << 32:
            raise ConfigError("the Ray engine numbers documents in 32 bits: split the corpus")
        repeats = self.stage(
            "ids",
            one_each(buckets, groups.repeated_ids, work, offsets),
        )
        dropped, repeat_errors = self._repeats(repeats, offsets, read_config, shards)
        exact = self.stage(
            "exact",
            one_each(buckets, groups.exact_groups, work, offsets, dropped, buckets),
        )
        self.stage(
            "bands",
            one_each(partitions, candidates.band_entries, work, offsets, dropped, buckets),
        )
        self.stage(
            "pairs",
            one_each(buckets, candidates.bucket_pairs, work, offsets),
        )
        verified = self.stage(
            "verify",
            one_each(partitions, verify.verify_partition, work, offsets, buckets, config),
        )
        step = self.components(partitions, buckets, offsets)
        self.stage(
            "route",
            one_each(partitions, assign.route_partition, work, step, buckets),
        )
        assigned = self.stage(
            "assign",
            one_each(buckets, assign.assign_bucket, work, offsets, partitions, config),
        )
        self.stage(
            "write",
            [
                (
                    f"{p:05d}",
                    output.write_partition,
                    (work, p, shard, read_config, output_format, offsets, dropped, buckets),
                )
                for p, shard in enumerate(shards)
            ],
        )
        errors = [error.to_json() for error in file_errors]
        errors += feature_errors(work, featured)
        errors += [error.to_json() for error in repeat_errors]
        errors.sort(key=_read_order([source.name for source in sources]))
        records = int(offsets[-1]) - int(dropped.size)
        removed = sum(stats["removed"] for stats in assigned)
        counts = {
            "records": records,
            "exact_duplicates": sum(stats["exact_duplicates"] for stats in exact),
            "candidate_pairs": sum(stats["candidate_pairs"] for stats in verified),
            "verified_pairs": sum(stats["verified_pairs"] for stats in verified),
            "verified_edges": sum(stats["verified_edges"] for stats in verified),
            "kept": records - removed,
            "removed": removed,
            "clusters_with_duplicates": sum(s["clusters_with_duplicates"] for s in assigned),
            "skipped_errors": len(errors),
        }
        self.seconds["total"] = time.perf_counter() - began
        return {
            "neardup_version": __version__,
            "counts": counts,
            "parameters": {
                **config.to_dict(),
                "bands_in_force": banding.bands,
                "rows_in_force": banding.rows,
            },
            "seconds": {name: round(value, 4) for name, value in self.seconds.items()},
            "run": {
                "engine": "ray",
                "output_format": output_format,
                "partitions": partitions,
                "tables": {t: f"{t}/part-*.{output_format}" for t in output.TABLES},
                "id_field": read_config.id_field,
                "text_field": read_config.text_field,
            },
            "ray": {
                "workers": len(self.peaks),
                "peak_rss_mb_per_worker": max(self.peaks.values(), default=0.0),
                "resumed_tasks": dict(self.resumed),
            },
            "errors": errors,
        }

    def plan(
        self, sources: Sequence[Any], read_config: ReadConfig, ray_config: RayConfig
    ) -> tuple[list[Shard], list[InputError]]:
        stored = self.work.read_json("plan.json")
        if stored is not None:
            self.resumed["plan"] = 1
            shards = [Shard.from_json(row) for row in stored["shards"]]
            errors = [InputError(**row) for row in stored["errors"]]
            return shards, errors
        shards, errors = split(sources, ray_config, read_config)
        ranged = [(i, shard) for i, shard in enumerate(shards) if shard.byte_range is not None]
        counted = self.stage(
            "lines", [(f"{i:05d}", _newlines, (shard,)) for i, shard in ranged], label="plan"
        )
        newlines: list[int | None] = [None] * len(shards)
        for (i, _), stats in zip(ranged, counted, strict=True):
            newlines[i] = stats["newlines"]
        shards = numbered(shards, newlines)
        self.work.write_json(
            "plan.json",
            {
                "shards": [shard.to_json() for shard in shards],
                "errors": [_error_args(error) for error in errors],
            },
        )
        return shards, errors

    def components(self, partitions: int, buckets: int, offsets: I64Array) -> int:
        """Large-star / small-star steps until every component is a star; the last step."""
        inputs = [f"adjacency/verified-{p:05d}.arrow" for p in range(partitions)]
        inputs += [f"adjacency/exact-{b:05d}.arrow" for b in range(buckets)]
        for step in range(1, _MAX_STEPS + 1):
            stats = self.stage(
                components.step_dir(step),
                [
                    (
                        f"{b:05d}",
                        components.star_step,
                        (self.work, step, inputs, b, buckets, offsets),
                    )
                    for b in range(buckets)
                ],
                label=f"components {step}",
            )
            if sum(s["unsettled"] for s in stats) == 0:
                return step
            inputs = [components.adjacency_file(step, b) for b in range(buckets)]
        raise NeardupError(f"connected components did not settle in {_MAX_STEPS} steps")

    def _repeats(
        self,
        repeats: list[dict[str, Any]],
        offsets: I64Array,
        read_config: ReadConfig,
        shards: Sequence[Shard],
    ) -> tuple[I64Array, list[InputError]]:
        """Positions of records dropped for a repeated id (an error unless skipping), each
        error with its record's fields as its raw text, as the local engine gives it."""
        found = sorted(tuple(pair) for stats in repeats for pair in stats["repeats"])
        if not found:
            return np.empty(0, np.int64), []
        rows = _rows_at([position for position, _ in found], offsets, shards, read_config)
        errors = []
        for position, first in found:
            record_id, where = _locate(self.work, position, offsets)
            _, first_where = _locate(self.work, first, offsets)
            errors.append(duplicate_id_error(record_id, where, first_where, rows.get(position)))
            if read_config.on_error == "fail":
                raise errors[0]
        return np.array([position for position, _ in found], dtype=np.int64), errors


def _newlines(shard: Shard) -> dict[str, Any]:
    return {"newlines": count_lines(shard)}


def _rows_at(
    positions: list[int], offsets: I64Array, shards: Sequence[Shard], read_config: ReadConfig
) -> dict[int, Any]:
    """The fields of the records at ``positions`` (a partition's records are those its
    shard reads, in order), each partition read once."""
    wanted: dict[int, set[int]] = {}
    for position in positions:
        partition, row = _partition_row(position, offsets)
        wanted.setdefault(partition, set()).add(row)
    rows: dict[int, Any] = {}
    for partition, rows_wanted in wanted.items():
        items = shard_items(shards[partition], read_config)
        for row, record in enumerate(item for item in items if isinstance(item, Record)):
            if row in rows_wanted:
                rows[int(offsets[partition]) + row] = record.fields
    return rows


def _read_order(names: list[str]) -> Callable[[dict[str, Any]], tuple[int, int, str]]:
    """Sort key of error rows in the order the local engine meets them: by input (a text
    folder's files are named under it), then line, then file. A file given twice is read
    twice, but its errors sort together, under its first place."""
    first: dict[str, int] = {}
    for index, name in enumerate(names):
        first.setdefault(name, index)

    def key(row: dict[str, Any]) -> tuple[int, int, str]:
        source = row["source"]
        index = first.get(source)
        if index is None:  # a file inside a text folder
            index = min(
                (i for name, i in first.items() if source.startswith(name.rstrip("/") + "/")),
                default=len(names),
            )
        line = row["line"]
        return index, -1 if line is None else line, source

    return key


def _partition_row(position: int, offsets: I64Array) -> tuple[int, int]:
    """The partition holding record ``position`` and its row there."""
    partition = int(np.searchsorted(offsets, position, side="right") - 1)
    return partition, position - int(offsets[partition])


def _locate(work: WorkDir, position: int, offsets: I64Array) -> tuple[str, tuple[str, int | None]]:
    partition, index = _partition_row(position, offsets)
    row = read_meta(work, partition).slice(index, 1).to_pylist()[0]
    record_id, source = (
        value.decode("utf-8", "surrogatepass") for value in (row["id"], row["source"])
    )
    return record_id, (source, None if row["line"] < 0 else row["line"])


def _error_args(error: InputError) -> dict[str, Any]:
    return {
        "source": error.source,
        "reason": error.reason,
        "line": error.line,
        "hint": error.hint,
        "record_id": error.record_id,
        "raw": error.raw,
    }
