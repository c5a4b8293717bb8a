"""Connected components over verified edges, independent of input order."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from neardup import kernels


def components(count: int, edges: NDArray[np.int64]) -> NDArray[np.int64]:
    """Label each of ``count`` nodes with the smallest node index in its component.

    Union-find linking the larger root under the smaller: the label is a
    property of the component, not of the order the edges came in.
    """
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    left, right = np.ascontiguousarray(edges[:, 0]), np.ascontiguousarray(edges[:, 1])
    return np.asarray(kernels.components(count, left, right), dtype=np.int64)
