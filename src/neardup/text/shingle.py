"""Shingles: a document as the set of its hashed word or character n-grams.

A shingle set is a sorted, duplicate-free ``uint32`` numpy array. The hash
functions are defined (and documented) in :mod:`neardup.kernels`, which
computes them for whole batches; this module is the one-document view and
the batch layout the kernels expect.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from neardup import kernels
from neardup.config import ShingleConfig

U32Array = NDArray[np.uint32]
U16Array = NDArray[np.uint16]
U64Array = NDArray[np.uint64]
I64Array = NDArray[np.int64]

# Letters that OCR misreads for one another, each class read as its first
# member: a scanned copy whose "e" became "c" or "l" became "1" keeps its
# shingles. Classes of glyphs alike in print, not of any corpus's errors.
OCR_CLASSES = ("ce", "l1i", "o0", "nu", "hb", "tf", "s5", "gq9")


def _fold_table(classes: Sequence[str]) -> NDArray[np.uint8]:
    table = np.arange(256, dtype=np.uint8)
    for group in classes:
        for char in group[1:]:
            table[ord(char)] = ord(group[0])
    return table


_IDENTITY = _fold_table(())
_OCR_FOLD = _fold_table(OCR_CLASSES)


def _offsets(lengths: Sequence[int]) -> I64Array:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


Utf8Batch = tuple[NDArray[np.uint8], I64Array]


def utf8_batch(texts: Sequence[str]) -> Utf8Batch:
    """Texts as one UTF-8 buffer plus offsets, the layout the byte kernels read."""
    return joined_utf8([text.encode("utf-8", "surrogatepass") for text in texts])


def joined_utf8(encoded: Sequence[bytes]) -> Utf8Batch:
    """Texts already encoded, laid out as :func:`utf8_batch` lays them."""
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    return data, _offsets([len(e) for e in encoded])


def shingle_sequences(
    texts: Sequence[str], config: ShingleConfig, utf8: Utf8Batch | None = None
) -> tuple[U32Array, I64Array]:
    """Each normalised text's shingles in text order (repeats kept), 32-bit, flat.

    ``utf8``: the texts already encoded by :func:`utf8_batch`, to encode once.
    """
    if config.kind == "word":
        values, starts, *_ = _word_pass(utf8 if utf8 is not None else utf8_batch(texts), config)
        return values, starts
    encoded = [text.encode("utf-32-le", "surrogatepass") for text in texts]
    points = np.frombuffer(b"".join(encoded), dtype=np.uint32)
    lengths = [len(e) // 4 for e in encoded]
    return kernels.char_shingles(points, _offsets(lengths), config.size, _fold(config))


def _fold(config: ShingleConfig) -> NDArray[np.uint8]:
    """The byte map the shingle kernels read text through."""
    return _OCR_FOLD if config.fold_ocr else _IDENTITY


def _word_pass(
    utf8: Utf8Batch, config: ShingleConfig, with_numbers: bool = False, with_words: bool = False
) -> tuple[U32Array, I64Array, U64Array, I64Array, U16Array]:
    """``kernels.word_shingles`` of a batch: its shingles, (``with_numbers``) its numbers,
    placed, unsorted, and (``with_words``) the content word each shingle starts with."""
    return kernels.word_shingles(
        *utf8, config.size, _fold(config), config.split_unspaced, with_numbers, with_words
    )


def number_sets(utf8: Utf8Batch, config: ShingleConfig) -> tuple[U64Array, I64Array]:
    """Each normalised text's numbers ("30-1/2", "1,000"; see :mod:`neardup.kernels`), flat:
    one 64-bit entry per distinct number, sorted by its 32-bit hash (the entry's top half),
    with the word it first stands at (word shingles; else ``kernels.NO_PLACE``) and whether
    it is a year or holds a letter."""
    if config.kind == "word":  # placed in the tokens' pass, which shingles them too
        return kernels.number_sets(*_word_pass(utf8, config, with_numbers=True)[2:4])
    return kernels.number_sets(*kernels.numbers(*utf8, _fold(config), config.split_unspaced))


def sequences_and_numbers(
    texts: Sequence[str], config: ShingleConfig, utf8: Utf8Batch, with_words: bool = False
) -> tuple[U32Array, I64Array, U64Array, I64Array, U16Array]:
    """:func:`shingle_sequences` and :func:`number_sets` of one batch (``utf8``: ``texts``
    encoded), word shingles and their numbers read in one pass over the tokens, and
    (``with_words``, word shingles only) the content word each shingle starts with
    (``kernels.word_shingles``): the words the tail check reads; else none."""
    if config.kind != "word":
        none = np.zeros(0, dtype=np.uint16)
        return (*shingle_sequences(texts, config, utf8), *number_sets(utf8, config), none)
    values, starts, found, found_starts, words = _word_pass(utf8, config, True, with_words)
    return values, starts, *kernels.number_sets(found, found_starts), words


# Words into a text within which paragraph starts are kept: the lede check, their one reader,
# looks for a paragraph ending within the own text a text opens with, and past max_passage
# shingles of it (70) the passage check has parted the pair already
LEDE_SCAN = 100


def lede_scan(max_passage: int) -> int:
    """Words into a text within which paragraph starts are read: ``LEDE_SCAN``, or more
    when ``max_passage`` lets a longer own opening through (every word when it is 0, off)."""
    if max_passage == 0:
        return np.iinfo(np.int32).max
    return max(LEDE_SCAN, max_passage + 2)  # the shingles spanning a paragraph's end


def paragraph_starts(
    raw: Utf8Batch, config: ShingleConfig, most: int = LEDE_SCAN
) -> tuple[U32Array, I64Array]:
    """Each raw text's paragraph starts, flat, as first shingles: the word number where
    each paragraph after a blank line begins (see :func:`neardup.kernels.paragraph_starts`),
    up to word ``most`` (0: none are read).

    Counted in the raw text, whose words normalisation can join or split (a hyphenated
    line break, an HTML entity, a bullet): a start may sit a word or two off the
    normalised text's, which the checks reading them allow for. None for character
    shingles, whose places are characters, not words.
    """
    data, offsets = raw
    if config.kind != "word" or most == 0:
        return np.zeros(0, dtype=np.uint32), np.zeros(offsets.size, dtype=np.int64)
    return kernels.paragraph_starts(data, offsets, config.split_unspaced, most)


def keyed_with(keys: NDArray[np.uint64], values: U32Array, offsets: I64Array) -> NDArray[np.uint64]:
    """Exact-text ``keys`` with each document's ``values[offsets[d]:offsets[d + 1]]`` mixed in;
    a document without values keeps its key."""
    return kernels.keyed_with(keys, values, offsets)


def sets_of(sequences: U32Array, offsets: I64Array) -> tuple[U32Array, I64Array]:
    """Each sequence as a sorted, duplicate-free set."""
    return kernels.shingle_sets(sequences, offsets)


def shingle_batch(texts: Sequence[str], config: ShingleConfig) -> tuple[U32Array, I64Array]:
    """Shingle sets of normalised texts, flat: set ``d`` is ``values[offsets[d]:offsets[d+1]]``."""
    return sets_of(*shingle_sequences(texts, config))


def text_keys(texts: Sequence[str], utf8: Utf8Batch | None = None) -> NDArray[np.uint64]:
    """Exact-text keys: equal keys mean equal (normalised) texts."""
    data, offsets = utf8 if utf8 is not None else utf8_batch(texts)
    return kernels.document_keys(data, offsets)


def shingle(text: str, config: ShingleConfig = ShingleConfig()) -> U32Array:
    """The shingle set of one normalised text."""
    values, _ = shingle_batch([text], config)
    return values
