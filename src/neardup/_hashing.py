"""Deterministic 64-bit hashing shared by shingling, MinHash and LSH.

Python's ``hash()`` is salted per process, so every hash here is built from
fixed constants: the same text gives the same integers on every machine,
worker and run. numpy uint64 arithmetic wraps modulo 2**64 without warning
for arrays, which is exactly the arithmetic these mixers want.
"""

from __future__ import annotations

import hashlib

import numpy as np
from numpy.typing import NDArray

U64 = np.uint64
U64Array = NDArray[np.uint64]

# splitmix64 finaliser constants (Steele, Lea & Flood 2014).
_MIX1 = U64(0xBF58476D1CE4E5B9)
_MIX2 = U64(0x94D049BB133111EB)
_S30, _S27, _S31 = U64(30), U64(27), U64(31)
# Odd multiplier that chains n-gram parts (golden-ratio constant).
CHAIN = U64(0x9E3779B97F4A7C15)


def mix64(values: U64Array) -> U64Array:
    """splitmix64 finaliser: spreads every input bit over the whole word."""
    z = values.astype(np.uint64, copy=True)
    z ^= z >> _S30
    z *= _MIX1
    z ^= z >> _S27
    z *= _MIX2
    z ^= z >> _S31
    return z


def chain_columns(parts: U64Array) -> U64Array:
    """Hash each row of a 2-D uint64 array into one value, order-sensitively."""
    acc = np.zeros(parts.shape[0], dtype=np.uint64)
    for column in range(parts.shape[1]):
        acc = mix64(acc * CHAIN + parts[:, column])
    return acc


def string_hash64(text: str) -> int:
    """Stable 64-bit hash of a string (blake2b), for tokens and exact-text keys."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def seeded_uint64(seed: int, count: int, *, odd: bool = False) -> U64Array:
    """``count`` reproducible 64-bit values from ``seed`` (numpy's PCG64 is stable across versions)."""
    values = np.random.Generator(np.random.PCG64(seed)).integers(
        0, np.iinfo(np.uint64).max, size=count, dtype=np.uint64, endpoint=True
    )
    return values | U64(1) if odd else values
