"""Stage 10, one task per partition: its records read again and written where they belong.

The local engine's :class:`~neardup.io.writers.ResultWriter` writes the
partition's ``clusters``, ``kept`` and ``removed`` tables (JSONL records as
their raw lines) into a scratch folder; each file then moves to
``OUT/<table>/part-NNNNN.<ext>``. Reading ``OUT/clusters/`` as one dataset
(``pyarrow.dataset``, ``cat OUT/clusters/*.jsonl``) gives the rows the local
engine writes to ``clusters.<ext>``, in the same order.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neardup.config import ReadConfig
from neardup.engines.ray.featurize import decode, read_meta
from neardup.engines.ray.storage import WorkDir, read_bucket
from neardup.errors import InputError
from neardup.io.ranges import Shard, shard_records
from neardup.io.writers import OutputFormat, ResultWriter
from neardup.types import Assignment

I64Array = NDArray[np.int64]
TABLES = ("clusters", "kept", "removed")


def write_partition(
    work: WorkDir,
    partition: int,
    shard: Shard,
    read_config: ReadConfig,
    output_format: OutputFormat,
    offsets: I64Array,
    dropped: I64Array,
    buckets: int,
) -> dict[str, Any]:
    files = [f"assign/bucket-{bucket:05d}.arrow" for bucket in range(buckets)]
    found = read_bucket(work, files, partition, ["node", "kept_id", "kept", "similarity"])
    order = np.argsort(found["node"])
    rows = found["node"][order] - offsets[partition]
    kept_ids, kept, similarity = (found[name][order] for name in ("kept_id", "kept", "similarity"))
    skip = set(
        (
            dropped[(dropped >= offsets[partition]) & (dropped < offsets[partition + 1])]
            - offsets[partition]
        ).tolist()
    )
    ids = decode(read_meta(work, partition).column("id"))
    with tempfile.TemporaryDirectory(prefix="neardup-ray-") as scratch:
        with ResultWriter(Path(scratch), output_format) as writer:
            at = 0
            for row, record in enumerate(shard_records(shard, read_config)):
                if row >= len(ids) or record.id != ids[row]:
                    raise InputError(
                        record.source,
                        "the input changed while neardup was reading it "
                        f"(expected {ids[row] if row < len(ids) else None!r}, read {record.id!r})",
                        line=record.line,
                        hint="run again on inputs that are not being written to",
                    )
                if row in skip:
                    continue
                if at < rows.size and rows[at] == row:
                    is_kept, cluster, score = (
                        bool(kept[at]),
                        bytes(kept_ids[at]).decode("utf-8", "surrogatepass"),
                        float(similarity[at]),
                    )
                    at += 1
                else:
                    is_kept, cluster, score = True, record.id, math.nan
                if is_kept:
                    writer.write_assignment(Assignment(record.id, cluster, True, None, None))
                    writer.write_kept(record)
                else:
                    value = None if math.isnan(score) else score
                    writer.write_assignment(Assignment(record.id, cluster, False, cluster, value))
                    writer.write_removed(record, cluster, value)
        for table in TABLES:
            work.publish(
                str(Path(scratch, f"{table}.{output_format}")),
                f"{table}/part-{partition:05d}.{output_format}",
            )
    return {"written": len(ids) - len(skip)}
