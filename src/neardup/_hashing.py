"""Seeded constants shared by MinHash and LSH.

Python's ``hash()`` is salted per process, so nothing here uses it: the
values come from fixed seeds through numpy's PCG64, whose stream is stable
across numpy versions and machines.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

U64 = np.uint64
U64Array = NDArray[np.uint64]


def seeded_uint64(seed: int, count: int, *, odd: bool = False) -> U64Array:
    """``count`` reproducible 64-bit values from ``seed``."""
    values = np.random.Generator(np.random.PCG64(seed)).integers(
        0, np.iinfo(np.uint64).max, size=count, dtype=np.uint64, endpoint=True
    )
    return values | U64(1) if odd else values
