"""Stages 2 and 3, one task per bucket: repeated ids, and groups of identical texts.

Both read their bucket of every partition's key file (``idkeys`` by a hash
of the id, ``textkeys`` by the exact-text key), so each id and each text is
decided by one task, never by gathering every key in one place.

- ``ids``: an id seen before (in input order) is an error, or with
  ``--on-error skip`` its record is dropped, as the local reader does. The
  task reports ``[position, first position]`` of each repeat.
- ``exact``: the first record (by position) of each text is its
  representative, as :func:`neardup.pipeline.exact_representatives` picks.
  Written: ``exact/bucket-NNNNN.arrow`` (member, rep; bucketed by the
  member's partition) and the same pairs as graph edges in
  ``adjacency/exact-NNNNN.arrow`` for the components stage.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from neardup.engines.ray.components import write_adjacency
from neardup.engines.ray.gather import partition_of
from neardup.engines.ray.storage import WorkDir, bucketed, read_bucket

I64Array = NDArray[np.int64]
EXACT_SCHEMA = pa.schema([("member", pa.int64()), ("rep", pa.int64())])


def _positions(work: WorkDir, kind: str, bucket: int, offsets: I64Array, key: str) -> Any:
    partitions = len(offsets) - 1
    files = [f"{kind}/part-{p:05d}.arrow" for p in range(partitions)]
    keys: list[Any] = []
    positions: list[I64Array] = []
    for partition, relative in enumerate(files):
        batch = work.read_batch(relative, bucket)
        keys.append(batch.column(key).to_numpy(zero_copy_only=False))
        positions.append(batch.column("row").to_numpy() + offsets[partition])
    return np.concatenate(keys), np.concatenate(positions)


def repeated_ids(work: WorkDir, bucket: int, offsets: I64Array) -> dict[str, Any]:
    """``{"repeats": [[position, first position], ...]}`` for this bucket's ids."""
    ids, positions = _positions(work, "idkeys", bucket, offsets, "id")
    first: dict[str, int] = {}
    repeats = []
    for position, record_id in sorted(zip(positions.tolist(), ids.tolist(), strict=True)):
        seen = first.setdefault(record_id, position)
        if seen != position:
            repeats.append([position, seen])
    return {"repeats": repeats}


def exact_groups(
    work: WorkDir, bucket: int, offsets: I64Array, dropped: I64Array, buckets: int
) -> dict[str, Any]:
    """Each text's representative; returns how many records are exact copies."""
    keys, positions = _positions(work, "textkeys", bucket, offsets, "key")
    keep = ~np.isin(positions, dropped)
    keys, positions = keys[keep], positions[keep]
    order = np.lexsort((positions, keys))
    keys, positions = keys[order], positions[order]
    starts = np.r_[True, keys[1:] != keys[:-1]] if keys.size else np.empty(0, bool)
    reps = positions[np.flatnonzero(starts)][np.cumsum(starts) - 1] if keys.size else positions
    copy = positions != reps
    members, reps = positions[copy], reps[copy]
    partitions = len(offsets) - 1
    work.write_batches(
        f"exact/bucket-{bucket:05d}.arrow",
        EXACT_SCHEMA,
        bucketed(
            {"member": members, "rep": reps},
            partition_of(members, offsets),
            partitions,
            EXACT_SCHEMA,
        ),
    )
    write_adjacency(work, f"adjacency/exact-{bucket:05d}.arrow", members, reps, buckets)
    return {"exact_duplicates": int(members.size)}


def exact_reps_of(work: WorkDir, partition: int, buckets: int) -> tuple[I64Array, I64Array]:
    """(member, rep) of the exact copies in ``partition``, sorted by member."""
    files = [f"exact/bucket-{bucket:05d}.arrow" for bucket in range(buckets)]
    found = read_bucket(work, files, partition, ["member", "rep"])
    order = np.argsort(found["member"])
    return found["member"][order], found["rep"][order]
