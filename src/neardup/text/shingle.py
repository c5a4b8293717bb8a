"""Shingles: a document as the set of its hashed word or character n-grams.

A shingle set is a sorted, duplicate-free ``uint64`` numpy array. Word
n-grams are built from per-token hashes chained with an odd multiplier, so
the n-gram hash depends on token order; character n-grams chain the code
points directly and need no tokenising at all.
"""

from __future__ import annotations

import re

import numpy as np

from neardup._hashing import U64Array, chain_columns, string_hash64
from neardup.config import ShingleConfig

_WORD = re.compile(r"\w+")
_TOKEN_CACHE: dict[str, int] = {}
_TOKEN_CACHE_LIMIT = 2_000_000  # ~200 MB at worst; natural vocabularies stay far below


def tokens(text: str) -> list[str]:
    """Words of an already normalised text; punctuation is not part of a word."""
    return _WORD.findall(text)


def _token_hash(token: str) -> int:
    value = _TOKEN_CACHE.get(token)
    if value is None:
        value = string_hash64(token)
        if len(_TOKEN_CACHE) < _TOKEN_CACHE_LIMIT:
            _TOKEN_CACHE[token] = value
    return value


def _ngrams(units: U64Array, size: int) -> U64Array:
    """Chain every run of ``size`` consecutive units; a short text is one shingle."""
    if units.size == 0:
        return units
    size = min(size, int(units.size))
    windows = np.lib.stride_tricks.sliding_window_view(units, size)
    return chain_columns(windows)


def word_units(text: str) -> U64Array:
    return np.fromiter((_token_hash(t) for t in tokens(text)), dtype=np.uint64)


def char_units(text: str) -> U64Array:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def shingle(text: str, config: ShingleConfig = ShingleConfig()) -> U64Array:
    """The shingle set of a normalised text (sorted unique uint64)."""
    units = word_units(text) if config.kind == "word" else char_units(text)
    return np.unique(_ngrams(units, config.size))
