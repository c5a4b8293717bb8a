"""Connected components over the edge list, never gathered on one node.

Alternating *large-star* and *small-star* steps (Kiveris et al., "Connected
Components in MapReduce and Beyond", SoCC 2014), each a round of one task
per bucket of nodes. A task holds the whole neighbourhood of its nodes
(edges are stored in both directions, bucketed by ``node % buckets``) and
emits a new edge list with the same components:

- large-star: each node ``u`` links every larger neighbour to ``m(u)``, the
  least of ``u`` and its neighbours;
- small-star: each node ``u`` links itself and its smaller neighbours to the
  least of them.

The graph converges to one star per component, centred on its least node,
in O(log^2 n) rounds. A task checks its own nodes: a node with a smaller
neighbour must have no other. When no task finds a node breaking that,
every component is a star (a leaf's centre, having a larger neighbour, has
no smaller one) and each node's label, the least of itself and its
neighbours, is the component's least position: the same label as
:func:`neardup.cluster.components`. Each step's output is a checkpoint
(``cc/step-NNNN/``): a resumed run starts after the last finished step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from neardup.engines.ray.storage import WorkDir, bucketed, read_bucket

I64Array = NDArray[np.int64]
ADJACENCY_SCHEMA = pa.schema([("node", pa.int64()), ("other", pa.int64())])
LABEL_SCHEMA = pa.schema([("node", pa.int64()), ("label", pa.int64())])


def write_adjacency(
    work: WorkDir, relative: str, left: I64Array, right: I64Array, buckets: int
) -> None:
    """Undirected edges, stored once from each end, bucketed by node."""
    node = np.concatenate((left, right))
    other = np.concatenate((right, left))
    work.write_batches(
        relative,
        ADJACENCY_SCHEMA,
        bucketed({"node": node, "other": other}, node % buckets, buckets, ADJACENCY_SCHEMA),
    )


def step_dir(step: int) -> str:
    return f"cc/step-{step:04d}"


def star_step(
    work: WorkDir,
    step: int,
    inputs: list[str],
    bucket: int,
    buckets: int,
    offsets: I64Array,
) -> dict[str, Any]:
    """One step for one bucket of nodes: large-star on odd steps, small-star on even ones.

    Returns ``{"unsettled": n}``, the nodes of this bucket not yet in a star;
    when it is 0, this bucket's labels are written too.
    """
    found = read_bucket(work, inputs, bucket, ["node", "other"])
    node, other = _unique_rows(found["node"], found["other"])
    unsettled = _unsettled(node, other)
    if unsettled == 0:
        _write_labels(work, step, bucket, node, other, offsets)
    star = _large_star if step % 2 == 1 else _small_star
    left, right = star(node, other)
    write_adjacency(work, f"{step_dir(step)}/adjacency-{bucket:05d}.arrow", left, right, buckets)
    return {"unsettled": unsettled, "edges": int(left.size)}


def _unique_rows(node: I64Array, other: I64Array) -> tuple[I64Array, I64Array]:
    """Rows sorted by (node, other), repeats and self-loops dropped."""
    keep = node != other
    node, other = node[keep], other[keep]
    order = np.lexsort((other, node))
    node, other = node[order], other[order]
    fresh = np.r_[True, (node[1:] != node[:-1]) | (other[1:] != other[:-1])] if node.size else []
    return node[fresh], other[fresh]


def _runs(node: I64Array) -> tuple[I64Array, I64Array]:
    """Start of each node's run of rows, and the run's length."""
    starts = np.flatnonzero(np.r_[True, node[1:] != node[:-1]])
    return starts, np.diff(np.r_[starts, node.size])


def _least(node: I64Array, other: I64Array) -> I64Array:
    """Per row, the least of its node and all that node's neighbours."""
    if node.size == 0:
        return node
    starts, lengths = _runs(node)
    least = np.minimum(node[starts], other[starts])  # rows are sorted by other within a node
    return np.repeat(least, lengths)


def _unsettled(node: I64Array, other: I64Array) -> int:
    """Nodes with a smaller neighbour and any other neighbour: not a star leaf."""
    if node.size == 0:
        return 0
    starts, lengths = _runs(node)
    has_smaller = other[starts] < node[starts]
    return int(np.count_nonzero(has_smaller & (lengths > 1)))


def _large_star(node: I64Array, other: I64Array) -> tuple[I64Array, I64Array]:
    larger = other > node
    return other[larger], _least(node, other)[larger]


def _small_star(node: I64Array, other: I64Array) -> tuple[I64Array, I64Array]:
    least = _least(node, other)
    smaller = (other < node) & (other != least)
    starts, _ = _runs(node) if node.size else (np.empty(0, np.int64), None)
    heads = starts[least[starts] < node[starts]] if node.size else starts
    return (
        np.concatenate((other[smaller], node[heads])),
        np.concatenate((least[smaller], least[heads])),
    )


def _write_labels(
    work: WorkDir, step: int, bucket: int, node: I64Array, other: I64Array, offsets: I64Array
) -> None:
    from neardup.engines.ray.gather import partition_of

    if node.size:
        starts, _ = _runs(node)
        nodes, labels = node[starts], np.minimum(node[starts], other[starts])
    else:
        nodes = labels = np.empty(0, np.int64)
    partitions = len(offsets) - 1
    work.write_batches(
        labels_file(step, bucket),
        LABEL_SCHEMA,
        bucketed(
            {"node": nodes, "label": labels},
            partition_of(nodes, offsets),
            partitions,
            LABEL_SCHEMA,
        ),
    )


def labels_file(step: int, bucket: int) -> str:
    return f"{step_dir(step)}/labels-{bucket:05d}.arrow"


def adjacency_file(step: int, bucket: int) -> str:
    return f"{step_dir(step)}/adjacency-{bucket:05d}.arrow"
