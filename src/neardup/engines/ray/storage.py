"""The run's directory: intermediate files, completion markers, the manifest; local or fsspec.

Everything a run keeps between stages lives under ``OUT/_neardup/``
(``WORK_DIR``), so a run that dies can be resumed from the files alone, as
datatrove's completion markers allow:

- ``manifest.json``: ``{"format": FORMAT_VERSION, "settings": {...}}``; a
  re-run with other settings on the same directory is refused.
- ``done/<stage>/<task>.json``: written by a task after all its outputs, with
  its statistics; ``done/<stage>.json`` once every task of the stage is done.
- stage outputs: ``.npy`` arrays (memory-mapped when local, so a task reads
  only the rows it needs) and Arrow IPC files. A *bucketed* file holds one
  record batch per destination bucket, so a reducer reads its own batch of
  each mapper's file and nothing else.

Every file is written under a temporary name and moved into place, so a
file that exists is complete. Local paths and any fsspec URL (``s3://``,
``gs://`` with their packages installed) work; remote files are read whole.
"""

from __future__ import annotations

import io
import itertools
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

FORMAT_VERSION = 4  # bump when any file below changes meaning; older runs are then refused
# (4: paragraph starts carry the sentence mark, neardup.kernels.PROSE)
# (3: features/ gained paragraphs.npy and paragraph_offsets.npy)
# (2: the low bit of a shingle marks a figure, see neardup.kernels)
WORK_DIR = "_neardup"


class WorkDir:
    """``OUT`` and its ``_neardup`` work area, on any fsspec filesystem (picklable)."""

    def __init__(self, output: str) -> None:
        import fsspec
        from fsspec.implementations.local import LocalFileSystem

        self.fs, root = fsspec.core.url_to_fs(output)
        self.output = root.rstrip("/") or "/"
        self.root = f"{self.output}/{WORK_DIR}"
        self.local = isinstance(self.fs, LocalFileSystem)

    def path(self, relative: str) -> str:
        return f"{self.root}/{relative}"

    def output_path(self, relative: str) -> str:
        return f"{self.output}/{relative}"

    # ------------------------------------------------------------------ markers and JSON

    def done(self, relative: str) -> dict[str, Any] | None:
        """The statistics a finished task or stage left, or None when it has not finished."""
        return self.read_json(f"done/{relative}.json")

    def mark_done(self, relative: str, stats: Mapping[str, Any]) -> None:
        self.write_json(f"done/{relative}.json", stats)

    def read_json(self, relative: str) -> dict[str, Any] | None:
        path = self.path(relative)
        if not self.fs.exists(path):
            return None
        with self.fs.open(path, "rb") as file:
            loaded: dict[str, Any] = json.loads(file.read())
        return loaded

    def write_json(self, relative: str, value: Mapping[str, Any]) -> None:
        self.write_bytes(self.path(relative), json.dumps(value, indent=1).encode())

    def write_bytes(self, path: str, data: bytes) -> None:
        with self._atomic(path) as file:
            file.write(data)

    @contextmanager
    def _atomic(self, path: str) -> Iterator[Any]:
        parent = path.rsplit("/", 1)[0]
        self.fs.makedirs(parent, exist_ok=True)
        tmp = f"{path}.tmp-{uuid.uuid4().hex[:8]}"
        try:
            with self.fs.open(tmp, "wb") as file:
                yield file
            self.fs.mv(tmp, path)
        finally:
            if self.fs.exists(tmp):
                self.fs.rm(tmp)

    # ------------------------------------------------------------------ arrays

    def save_arrays(self, relative: str, arrays: Mapping[str, NDArray[Any]]) -> None:
        """One ``.npy`` per array in the folder ``relative``."""
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
            self.write_bytes(self.path(f"{relative}/{name}.npy"), buffer.getvalue())

    def load_array(self, relative: str, name: str) -> NDArray[Any]:
        """Memory-mapped when local (pages read on touch), read whole otherwise."""
        path = self.path(f"{relative}/{name}.npy")
        if self.local:
            mapped: NDArray[Any] = np.load(path, mmap_mode="r")
            return mapped
        with self.fs.open(path, "rb") as file:
            loaded: NDArray[Any] = np.load(io.BytesIO(file.read()), allow_pickle=False)
        return loaded

    def has_array(self, relative: str, name: str) -> bool:
        return bool(self.fs.exists(self.path(f"{relative}/{name}.npy")))

    # ------------------------------------------------------------------ Arrow tables

    def write_batches(
        self, relative: str, schema: pa.Schema, batches: Sequence[pa.RecordBatch]
    ) -> None:
        """An Arrow IPC file of ``batches`` in order (a bucketed file: batch i = bucket i)."""
        with self._atomic(self.path(relative)) as file, pa.ipc.new_file(file, schema) as writer:
            for batch in batches:
                writer.write_batch(batch)

    def read_batch(self, relative: str, index: int) -> pa.RecordBatch:
        return self._reader(relative).get_batch(index)

    def read_table(self, relative: str) -> pa.Table:
        return self._reader(relative).read_all()

    def _reader(self, relative: str) -> pa.ipc.RecordBatchFileReader:
        path = self.path(relative)
        if self.local:
            return pa.ipc.open_file(pa.memory_map(path))
        return pa.ipc.open_file(pa.BufferReader(self.fs.cat_file(path)))

    # ------------------------------------------------------------------ housekeeping

    def remove(self, relative: str) -> None:
        path = self.path(relative)
        if self.fs.exists(path):
            self.fs.rm(path, recursive=True)

    def publish(self, local_file: str, relative: str) -> None:
        """Move a finished local file to ``OUT/relative`` (uploaded when remote)."""
        target = self.output_path(relative)
        self.fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
        if self.local:
            self.fs.mv(local_file, target)
        else:
            self.fs.put_file(local_file, target)


def bucketed(
    columns: Mapping[str, NDArray[Any] | pa.Array],
    buckets: NDArray[np.int64],
    count: int,
    schema: pa.Schema,
) -> list[pa.RecordBatch]:
    """Rows split into ``count`` record batches by ``buckets`` (row order kept within each)."""
    order = np.argsort(buckets, kind="stable")
    bounds = np.searchsorted(buckets[order], np.arange(count + 1))
    table = pa.table({name: columns[name] for name in schema.names}, schema=schema).take(order)
    return [
        table.slice(int(start), int(stop - start))
        .combine_chunks()
        .to_batches(max_chunksize=None)[0]
        if stop > start
        else pa.RecordBatch.from_pylist([], schema=schema)
        for start, stop in itertools.pairwise(bounds)
    ]


def read_bucket(
    work: WorkDir, files: Sequence[str], index: int, names: Sequence[str]
) -> dict[str, NDArray[Any]]:
    """Bucket ``index`` of every bucketed file, columns concatenated as numpy arrays."""
    parts: dict[str, list[NDArray[Any]]] = {name: [] for name in names}
    for relative in files:
        batch = work.read_batch(relative, index)
        for name in names:
            parts[name].append(batch.column(name).to_numpy(zero_copy_only=False))
    return {name: np.concatenate(arrays) for name, arrays in parts.items()}
