"""Array helpers the stages share."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

I64Array = NDArray[np.int64]


def sorted_unique(values: I64Array) -> I64Array:
    """``np.unique(values)`` for integer arrays (of any shape, flattened as it does), by sorting.

    NumPy 2.3+ takes a hash-table path for ``np.unique`` that is about
    twenty-five times slower than sorting on tens of millions of pair codes.
    The sort is stable (timsort), so arrays made of a few sorted runs, as
    merged candidate lists are, cost little more than a merge.
    """
    ordered = np.sort(values, axis=None, kind="stable")
    if ordered.size < 2:
        return ordered
    distinct = np.empty(ordered.size, dtype=bool)
    distinct[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=distinct[1:])
    return ordered[distinct]
