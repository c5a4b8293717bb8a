"""Arrays that grow batch by batch on disk, then are read back memory-mapped.

Shingle sets of a million documents do not fit the memory budget; written
once to a file in the run's work directory, the operating system pages in
only what verification touches.
"""

from __future__ import annotations

import io
import mmap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray


class SpillArray:
    """Append-only 1-D array backed by a file; appends smaller than ``buffer_bytes`` are
    gathered (copied) and written together (default: the file system's block size)."""

    def __init__(self, path: Path, dtype: Any, buffer_bytes: int = -1) -> None:
        self.path = path
        self.dtype = np.dtype(dtype)
        self.size = 0
        self._handle = path.open("wb", buffering=buffer_bytes)

    def append(self, values: NDArray[Any]) -> None:
        self._handle.write(np.ascontiguousarray(values, dtype=self.dtype).data)
        self.size += int(values.size)

    def close(self) -> None:
        self._handle.close()

    def finish(self) -> NDArray[Any]:
        """Close the file and map it read-only (an empty array when nothing was written)."""
        self.close()
        if self.size == 0:
            return np.empty(0, dtype=self.dtype)
        return np.memmap(self.path, dtype=self.dtype, mode="r", shape=(self.size,))


class SpillColumns:
    """Several append-only columns, one file each, read back one at a time.

    Band keys arrive as ``(bands, batch)`` blocks but are consumed band by
    band; one file per band makes each band a single sequential read. The
    columns share ``buffer_bytes`` of write buffers: a batch's column is a few
    kilobytes, and a write per band per batch cost the main process 1.1 s of
    a million documents' reading phase, beside the two workers.
    """

    def __init__(
        self, directory: Path, count: int, dtype: Any, buffer_bytes: int = 8 << 20
    ) -> None:
        each = max(io.DEFAULT_BUFFER_SIZE, buffer_bytes // max(count, 1))
        self.columns = [
            SpillArray(directory / f"column-{i:04d}", dtype, each) for i in range(count)
        ]

    def append(self, block: NDArray[Any]) -> None:
        if len(block) != len(self.columns):  # before any column takes its row
            raise ValueError(f"a block of {len(block)} columns for {len(self.columns)}")
        for column, values in zip(self.columns, block, strict=True):
            column.append(values)

    def read(self) -> Iterator[NDArray[Any]]:
        """Each column in turn, loaded whole (and dropped when the caller moves on)."""
        for column in self.columns:
            column.close()
            yield np.fromfile(column.path, dtype=column.dtype, count=column.size)


class SpillRagged:
    """A ragged array (one variable-length row per document) spilled to disk.

    Rows arrive a batch at a time as flat values plus offsets; ``finish``
    gives the memory-mapped values and the offsets of every row.
    """

    def __init__(self, path: Path, dtype: Any) -> None:
        self.values = SpillArray(path, dtype)
        self._sizes: list[NDArray[np.int64]] = []

    def append(self, values: NDArray[Any], offsets: NDArray[np.int64]) -> None:
        self.values.append(values)
        self._sizes.append(np.diff(offsets))

    def finish(self) -> tuple[NDArray[Any], NDArray[np.int64]]:
        offsets = np.zeros(sum(s.size for s in self._sizes) + 1, dtype=np.int64)
        if self._sizes:
            np.cumsum(np.concatenate(self._sizes), out=offsets[1:])
        return self.values.finish(), offsets


def release_pages(array: NDArray[Any], start: int = 0, stop: int | None = None) -> None:
    """Drop the pages of rows ``start`` to ``stop`` of a memory-mapped array (all of it by
    default) from this process's resident memory.

    They stay in the page cache (a later touch reads them back cheaply), but
    no longer count against the process: verification of a million
    documents then holds two stretches of pages at a time, not every set.
    Only what the rows span is walked, not the whole mapping.
    """
    mapping = getattr(array, "_mmap", None)
    if not isinstance(mapping, mmap.mmap) or not hasattr(mmap, "MADV_DONTNEED") or not array.size:
        return
    row_bytes = array.strides[0]
    base = array.ctypes.data - np.frombuffer(mapping, dtype=np.uint8).ctypes.data
    first = base + start * row_bytes
    last = base + (len(array) if stop is None else stop) * row_bytes
    first -= first % mmap.PAGESIZE
    if last > first:
        mapping.madvise(mmap.MADV_DONTNEED, first, min(last, len(mapping)) - first)


def text_reader(values: NDArray[np.uint8], offsets: NDArray[np.int64]) -> Callable[[int], str]:
    """Row ``d`` of a spilled ``text.shingle.utf8_batch`` store, decoded: texts read back one
    at a time."""

    def text_of(doc: int) -> str:
        return bytes(values[offsets[doc] : offsets[doc + 1]]).decode("utf-8", "surrogatepass")

    return text_of
