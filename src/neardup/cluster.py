"""Connected components over verified edges, independent of input order."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def components(count: int, edges: NDArray[np.int64]) -> NDArray[np.int64]:
    """Label each of ``count`` nodes with the smallest node index in its component.

    Union-find with path halving; linking the larger root under the smaller
    makes the label a property of the component, not of the edge order.
    """
    parent = list(range(count))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in edges.tolist():
        root_l, root_r = find(left), find(right)
        if root_l != root_r:
            if root_l < root_r:
                parent[root_r] = root_l
            else:
                parent[root_l] = root_r
    return np.fromiter((find(node) for node in range(count)), dtype=np.int64, count=count)
