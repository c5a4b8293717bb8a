"""Large-star / small-star components against the local union-find, without Ray."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from neardup.cluster import components

pytest.importorskip("fsspec", reason="fsspec is not installed: pip install 'neardup[ray]'")

from neardup.engines.ray import components as cc
from neardup.engines.ray.storage import WorkDir


def _labels(tmp_path: Path, count: int, edges: np.ndarray, buckets: int) -> np.ndarray:
    """The engine's steps run in-process, bucket by bucket, as the driver runs them on Ray."""
    work = WorkDir(str(tmp_path))
    offsets = np.array([0, count], dtype=np.int64)
    cc.write_adjacency(work, "adjacency/all.arrow", edges[:, 0], edges[:, 1], buckets)
    inputs = ["adjacency/all.arrow"]
    for step in range(1, 200):
        stats = [cc.star_step(work, step, inputs, b, buckets, offsets) for b in range(buckets)]
        if sum(s["unsettled"] for s in stats) == 0:
            break
        inputs = [cc.adjacency_file(step, b) for b in range(buckets)]
    else:
        raise AssertionError("did not settle")
    labels = np.arange(count)
    for bucket in range(buckets):
        table = work.read_batch(cc.labels_file(step, bucket), 0)
        labels[table.column("node").to_numpy()] = table.column("label").to_numpy()
    return labels


@pytest.mark.parametrize("seed", range(6))
def test_labels_are_the_least_node_of_each_component(tmp_path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    count = 300
    random_edges = rng.integers(0, count, size=(rng.integers(50, 400), 2))
    chain = np.stack((np.arange(200, 259), np.arange(201, 260)), axis=1)  # a long path
    edges = np.concatenate((random_edges, chain[rng.permutation(len(chain))])).astype(np.int64)
    expected = components(count, edges)
    assert (_labels(tmp_path, count, edges, buckets=int(rng.integers(1, 5))) == expected).all()


def test_no_edges_means_every_node_alone(tmp_path: Path) -> None:
    labels = _labels(tmp_path, 5, np.empty((0, 2), np.int64), buckets=2)
    assert labels.tolist() == [0, 1, 2, 3, 4]
