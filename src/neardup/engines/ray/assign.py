"""Stages 8 and 9: each component's kept copy, by the local engine's own rules.

- ``route`` (one task per partition): its labelled documents (those in any
  edge) and its edges, with their component's label, bucketed by
  ``label % buckets`` into ``route/nodes-NNNNN.arrow`` and
  ``route/edges-NNNNN.arrow``. A component thus lands whole in one bucket.
- ``assign`` (one task per bucket): the documents of its components,
  renumbered in input order, go through :func:`neardup.pipeline.assign_kept`
  (chains split by ``kept_ratio``) and
  :func:`neardup.pipeline.similarity_to_kept`, which only ever look inside a
  component: the kept copy, cluster id and similarity are the local
  engine's. Written: ``assign/bucket-NNNNN.arrow`` (position, kept id,
  similarity; bucketed by the document's partition).

Documents in no edge are their own cluster and appear nowhere here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from neardup.arrays import sorted_unique
from neardup.config import DedupConfig
from neardup.engines.ray.components import labels_file
from neardup.engines.ray.featurize import encode
from neardup.engines.ray.gather import gather, partition_of
from neardup.engines.ray.groups import exact_reps_of
from neardup.engines.ray.storage import WorkDir, bucketed, read_bucket
from neardup.pipeline import assign_kept, similarity_to_kept

I64Array = NDArray[np.int64]
NODE_SCHEMA = pa.schema([("node", pa.int64()), ("label", pa.int64()), ("rep", pa.int64())])
ROUTED_EDGE_SCHEMA = pa.schema([("left", pa.int64()), ("right", pa.int64()), ("twin", pa.bool_())])
KEPT_SCHEMA = pa.schema(
    [
        ("node", pa.int64()),
        ("kept_id", pa.binary()),  # featurize.encode
        ("kept", pa.bool_()),
        ("similarity", pa.float64()),
    ]
)


def route_partition(work: WorkDir, partition: int, step: int, buckets: int) -> dict[str, Any]:
    """Send this partition's labelled documents and edges to their component's bucket."""
    files = [labels_file(step, bucket) for bucket in range(buckets)]
    labels = read_bucket(work, files, partition, ["node", "label"])
    order = np.argsort(labels["node"])
    nodes, label = labels["node"][order], labels["label"][order]
    members, reps = exact_reps_of(work, partition, buckets)
    rep = nodes.copy()
    rep[np.searchsorted(nodes, members)] = reps
    work.write_batches(
        f"route/nodes-{partition:05d}.arrow",
        NODE_SCHEMA,
        bucketed(
            {"node": nodes, "label": label, "rep": rep}, label % buckets, buckets, NODE_SCHEMA
        ),
    )
    edges = work.read_table(f"edges/part-{partition:05d}.arrow")
    left = np.concatenate((edges.column("left").to_numpy(), reps))
    right = np.concatenate((edges.column("right").to_numpy(), members))
    twin = np.concatenate(
        (edges.column("twin").to_numpy(zero_copy_only=False), np.ones(members.size, bool))
    )
    anchor = np.concatenate((edges.column("left").to_numpy(), members))  # the end in this partition
    edge_label = label[np.searchsorted(nodes, anchor)]
    work.write_batches(
        f"route/edges-{partition:05d}.arrow",
        ROUTED_EDGE_SCHEMA,
        bucketed(
            {"left": left, "right": right, "twin": twin},
            edge_label % buckets,
            buckets,
            ROUTED_EDGE_SCHEMA,
        ),
    )
    return {"nodes": int(nodes.size)}


def assign_bucket(
    work: WorkDir, bucket: int, offsets: I64Array, partitions: int, config: DedupConfig
) -> dict[str, Any]:
    """Kept copy and similarity of every document in this bucket's components."""
    node_files = [f"route/nodes-{p:05d}.arrow" for p in range(partitions)]
    edge_files = [f"route/edges-{p:05d}.arrow" for p in range(partitions)]
    nodes = read_bucket(work, node_files, bucket, ["node", "rep"])
    edges = read_bucket(work, edge_files, bucket, ["left", "right", "twin"])
    order = np.argsort(nodes["node"])
    positions, reps = nodes["node"][order], nodes["rep"][order]
    documents = gather(work, positions, offsets, config, meta=True)
    collected = documents.collected(work, offsets)
    matching = documents.matching(documents.local(reps))
    pairs = np.stack((documents.local(edges["left"]), documents.local(edges["right"])), axis=1)
    kept = assign_kept(collected, pairs, pairs[edges["twin"].astype(bool)], matching, config)
    similarity = similarity_to_kept(kept, matching, config)
    ids = np.asarray(collected.ids, dtype=object)
    is_kept = kept == np.arange(kept.size)
    work.write_batches(
        f"assign/bucket-{bucket:05d}.arrow",
        KEPT_SCHEMA,
        bucketed(
            {
                "node": positions,
                "kept_id": pa.array([encode(i) for i in ids[kept].tolist()], pa.binary()),
                "kept": is_kept,
                "similarity": similarity,
            },
            partition_of(positions, offsets),
            len(offsets) - 1,
            KEPT_SCHEMA,
        ),
    )
    removed = int(np.count_nonzero(~is_kept))
    return {"removed": removed, "clusters_with_duplicates": int(sorted_unique(kept[~is_kept]).size)}
