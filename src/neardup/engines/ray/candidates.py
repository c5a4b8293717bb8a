"""Stages 4 and 5: band keys shuffled by key, candidate pairs from each bucket of keys.

- ``bands`` (one task per partition): the band keys of the documents that
  take part in LSH (one per exact-text group, non-empty shingle set, id not
  dropped), routed by ``key % buckets`` to ``bands/part-NNNNN.arrow``.
- ``pairs`` (one task per bucket): every (band, key) bucket arrives whole at
  one task, which pairs its documents with the local engine's own
  :func:`neardup.lsh.bucket_codes` (so big buckets become the same star plus
  chain), and routes each pair to the partition of its first document:
  ``pairs/bucket-NNNNN.arrow``. Positions must fit 32 bits, as locally.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from neardup.arrays import sorted_unique
from neardup.engines.ray.featurize import features_dir
from neardup.engines.ray.gather import partition_of
from neardup.engines.ray.groups import exact_reps_of
from neardup.engines.ray.storage import WorkDir, bucketed, read_bucket
from neardup.lsh import MAX_BUCKET, bucket_codes

I64Array = NDArray[np.int64]
BAND_SCHEMA = pa.schema([("band", pa.int32()), ("key", pa.uint32()), ("doc", pa.int64())])
PAIR_SCHEMA = pa.schema([("left", pa.int64()), ("right", pa.int64())])


def band_entries(
    work: WorkDir, partition: int, offsets: I64Array, dropped: I64Array, buckets: int
) -> dict[str, Any]:
    """Route this partition's band keys to the buckets that pair them."""
    folder = features_dir(partition)
    keys = work.load_array(folder, "band_keys")
    sizes = np.diff(np.asarray(work.load_array(folder, "set_offsets")))
    members, _ = exact_reps_of(work, partition, buckets)
    active = sizes > 0
    active[members - offsets[partition]] = False
    local_dropped = dropped[(dropped >= offsets[partition]) & (dropped < offsets[partition + 1])]
    active[local_dropped - offsets[partition]] = False
    rows = np.flatnonzero(active)
    chosen = np.asarray(keys[rows])  # (documents, bands)
    bands = chosen.shape[1] if chosen.ndim == 2 else 0
    band = np.tile(np.arange(bands, dtype=np.int32), rows.size)
    doc = np.repeat(rows + offsets[partition], bands)
    flat = chosen.reshape(-1)
    work.write_batches(
        f"bands/part-{partition:05d}.arrow",
        BAND_SCHEMA,
        bucketed(
            {"band": band, "key": flat, "doc": doc},
            (flat % np.uint32(buckets)).astype(np.int64),
            buckets,
            BAND_SCHEMA,
        ),
    )
    return {"active": int(rows.size)}


def bucket_pairs(work: WorkDir, bucket: int, offsets: I64Array) -> dict[str, Any]:
    """Candidate pairs of this bucket's keys, band by band, routed to their first document."""
    partitions = len(offsets) - 1
    files = [f"bands/part-{p:05d}.arrow" for p in range(partitions)]
    found = read_bucket(work, files, bucket, ["band", "key", "doc"])
    total = int(offsets[-1])
    order = np.argsort(found["band"], kind="stable")
    band, key, doc = found["band"][order], found["key"][order], found["doc"][order]
    bounds = np.flatnonzero(np.r_[True, band[1:] != band[:-1], True]) if band.size else [0]
    codes = [
        bucket_codes(key[start:stop], doc[start:stop].astype(np.uint64), total, MAX_BUCKET)
        for start, stop in itertools.pairwise(bounds)
    ]
    unique = sorted_unique(np.concatenate([np.empty(0, np.int64), *codes]))
    left, right = unique // max(total, 1), unique % max(total, 1)
    work.write_batches(
        f"pairs/bucket-{bucket:05d}.arrow",
        PAIR_SCHEMA,
        bucketed(
            {"left": left, "right": right},
            partition_of(left, offsets),
            partitions,
            PAIR_SCHEMA,
        ),
    )
    return {"pairs": int(unique.size)}


def pairs_of(work: WorkDir, partition: int, buckets: int, total: int) -> I64Array:
    """The unique candidate pairs whose first document is in ``partition``, sorted."""
    files = [f"pairs/bucket-{bucket:05d}.arrow" for bucket in range(buckets)]
    found = read_bucket(work, files, partition, ["left", "right"])
    codes = sorted_unique(found["left"] * total + found["right"])
    return np.stack((codes // max(total, 1), codes % max(total, 1)), axis=1)
