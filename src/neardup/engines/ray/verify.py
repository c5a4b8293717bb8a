"""Stage 6, one task per partition: verify the candidate pairs whose first document it holds.

The pairs' shingle sets come from this partition's feature files and, for
the second documents, from theirs (see :mod:`neardup.engines.ray.gather`);
the acceptance rule is the local engine's own
(:func:`neardup.pipeline.verified_edges`). Written: ``edges/part-NNNNN.arrow``
(left, right, twin: near-identical) and the edges for the components stage,
``adjacency/verified-NNNNN.arrow``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from neardup.arrays import sorted_unique
from neardup.config import DedupConfig
from neardup.engines.ray.candidates import pairs_of
from neardup.engines.ray.components import write_adjacency
from neardup.engines.ray.gather import gather
from neardup.engines.ray.storage import WorkDir
from neardup.pipeline import on_sets_alone, verdicts, verified_edges

I64Array = NDArray[np.int64]
EDGE_SCHEMA = pa.schema([("left", pa.int64()), ("right", pa.int64()), ("twin", pa.bool_())])
PAIRS_PER_BLOCK = 1 << 17  # pairs verified per gather of their documents: ~250 MB of sets at most


def verify_partition(
    work: WorkDir, partition: int, offsets: I64Array, buckets: int, config: DedupConfig
) -> dict[str, Any]:
    pairs = pairs_of(work, partition, buckets, int(offsets[-1]))
    edges: list[I64Array] = [np.empty((0, 2), np.int64)]
    twins: list[I64Array] = [np.empty((0, 2), np.int64)]
    similar_enough = on_sets_alone(config)
    screened = 0
    for start in range(0, len(pairs), PAIRS_PER_BLOCK):
        block = pairs[start : start + PAIRS_PER_BLOCK]
        # screened as the local engine screens them, then the rule without its passage
        # checks, on the shingle sets alone; then the whole rule on the few pairs left,
        # with their text-order sequences
        documents = gather(work, sorted_unique(block), offsets, config, sequences=False)
        local = documents.local(block)
        first = verdicts(local, documents.matching(), similar_enough)
        screened += int(np.count_nonzero(first.screened))
        block = documents.positions[local[first.accepted]]
        documents = gather(work, sorted_unique(block), offsets, config)
        found, near = verified_edges(documents.local(block), documents.matching(), config)
        edges.append(documents.positions[found])
        twins.append(documents.positions[near])
    edge, twin = np.concatenate(edges), np.concatenate(twins)
    is_twin = np.isin(_codes(edge, offsets), _codes(twin, offsets))
    table = pa.table({"left": edge[:, 0], "right": edge[:, 1], "twin": is_twin}, schema=EDGE_SCHEMA)
    work.write_batches(f"edges/part-{partition:05d}.arrow", EDGE_SCHEMA, table.to_batches())
    relative = f"adjacency/verified-{partition:05d}.arrow"
    write_adjacency(work, relative, edge[:, 0].copy(), edge[:, 1].copy(), buckets)
    return {"candidate_pairs": len(pairs), "verified_pairs": screened, "verified_edges": len(edge)}


def _codes(pairs: I64Array, offsets: I64Array) -> I64Array:
    return pairs[:, 0] * int(offsets[-1]) + pairs[:, 1]
