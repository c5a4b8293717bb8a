"""Stage 1, one task per partition: read its records, compute their features, write them.

The same :class:`~neardup.features.Featurizer` as the local engine, batch by
batch. Written under ``features/part-NNNNN/``:

- ``sets.npy`` / ``set_offsets.npy``, ``sequences.npy`` / ``sequence_offsets.npy``:
  shingle sets and text-order sequences, flat (uint32) with int64 offsets;
- ``numbers.npy`` / ``number_offsets.npy``: each document's numbers (``uint64`` entries
  with places, ``kernels.number_sets``), likewise;
- ``paragraphs.npy`` / ``paragraph_offsets.npy``: where its paragraphs begin, likewise;
- ``words.npy``: the content word each shingle of ``sequences.npy`` starts with (uint16, its
  offsets; empty unless the tail check is on: ``features.tail_words_read``);
- ``band_keys.npy`` (documents x bands, uint32), ``text_keys.npy`` (uint64),
  ``lengths.npy`` (int64), ``signatures.npy`` (documents x num_perm, only
  with ``verify=False``);
- ``meta.arrow``: ``id``, ``source`` (UTF-8 bytes, lone surrogates kept), ``line``
  (-1 when none) and, with
  ``keep_field``, ``field_value`` (the value pickled: any type compares as read);

plus two bucketed files for the global checks: ``idkeys/part-NNNNN.arrow``
(id, local row; by a CRC-32 of the id) and ``textkeys/part-NNNNN.arrow``
(exact-text key, local row; by the key). Rows are numbered within the
partition; global positions are ``offset[partition] + row`` once every
partition is counted.
"""

from __future__ import annotations

import pickle
import zlib
from itertools import islice
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from neardup.config import DedupConfig, ReadConfig
from neardup.engines.ray.storage import WorkDir, bucketed
from neardup.errors import InputError
from neardup.features import Features, Featurizer
from neardup.io.ranges import Shard, shard_records
from neardup.lsh import Banding
from neardup.pipeline import BATCH_SIZE

# ids and sources as UTF-8 bytes with lone surrogates passed through (JSON's "\ud800" escapes)
META_SCHEMA = pa.schema([("id", pa.binary()), ("source", pa.binary()), ("line", pa.int64())])
IDKEY_SCHEMA = pa.schema([("id", pa.binary()), ("row", pa.int64())])
TEXTKEY_SCHEMA = pa.schema([("key", pa.uint64()), ("row", pa.int64())])


def features_dir(partition: int) -> str:
    return f"features/part-{partition:05d}"


def featurize_partition(
    work: WorkDir,
    partition: int,
    shard: Shard,
    config: DedupConfig,
    read_config: ReadConfig,
    banding: Banding,
    buckets: int,
) -> dict[str, Any]:
    """Features of one partition on disk; returns its counts of records, errors and records
    holding the keep field."""
    errors: list[InputError] = []
    records = shard_records(shard, read_config, errors.append)  # the write stage reads it again
    featurize = Featurizer.for_run(config, banding)
    keep_field = config.keep_field
    parts: dict[str, list[NDArray[Any]]] = {}
    meta: dict[str, list[Any]] = {"id": [], "source": [], "line": [], "field_value": []}
    lengths: list[int] = []
    with_field = 0  # records holding the keep field
    seconds: dict[str, float] = {}
    iterator = iter(records)
    while batch := list(islice(iterator, BATCH_SIZE)):
        features = featurize([record.text for record in batch])
        _append(parts, features)
        for stage, spent in features.seconds.items():
            seconds[stage] = seconds.get(stage, 0.0) + spent
        for record in batch:
            meta["id"].append(encode(record.id))
            meta["source"].append(encode(record.source))
            meta["line"].append(-1 if record.line is None else record.line)
            if keep_field:
                value = record.fields.get(keep_field)
                with_field += value is not None
                meta["field_value"].append(pickle.dumps(value))
            lengths.append(len(record.text))
    arrays = _finish(parts, banding, config)
    arrays["lengths"] = np.asarray(lengths, dtype=np.int64)
    work.save_arrays(features_dir(partition), arrays)
    _write_meta(work, partition, meta, keep_field is not None)
    _write_keys(work, partition, meta["id"], arrays["text_keys"], buckets)
    if errors:
        rows = b"".join(_json_line(error.to_json()) for error in errors)
        work.write_bytes(work.path(f"errors/part-{partition:05d}.jsonl"), rows)
    return {
        "records": len(lengths),
        "errors": len(errors),
        "with_keep_field": with_field,
        "seconds": seconds,
    }


def _append(parts: dict[str, list[NDArray[Any]]], features: Features) -> None:
    for name, values in (
        ("text_keys", features.text_keys),
        ("sets", features.sets),
        ("set_sizes", np.diff(features.set_offsets)),
        ("sequences", features.sequences),
        ("sequence_sizes", np.diff(features.sequence_offsets)),
        ("numbers", features.numbers),
        ("number_sizes", np.diff(features.number_offsets)),
        ("paragraphs", features.paragraphs),
        ("paragraph_sizes", np.diff(features.paragraph_offsets)),
        ("words", features.words),
        ("band_keys", np.ascontiguousarray(features.band_keys.T)),
    ):
        parts.setdefault(name, []).append(values)
    if features.signatures is not None:
        parts.setdefault("signatures", []).append(features.signatures)
    if features.sketches is not None:
        parts.setdefault("sketches", []).append(features.sketches)


def _finish(
    parts: dict[str, list[NDArray[Any]]], banding: Banding, config: DedupConfig
) -> dict[str, NDArray[Any]]:
    empty: dict[str, NDArray[Any]] = {
        "text_keys": np.empty(0, np.uint64),
        "sets": np.empty(0, np.uint32),
        "set_sizes": np.empty(0, np.int64),
        "sequences": np.empty(0, np.uint32),
        "sequence_sizes": np.empty(0, np.int64),
        "numbers": np.empty(0, np.uint64),
        "number_sizes": np.empty(0, np.int64),
        "paragraphs": np.empty(0, np.uint32),
        "paragraph_sizes": np.empty(0, np.int64),
        "words": np.empty(0, np.uint16),
        "band_keys": np.empty((0, banding.bands), np.uint32),
    }
    if not config.verify:
        empty["signatures"] = np.empty((0, config.minhash.num_perm), np.uint32)
    else:
        empty["sketches"] = np.empty((0, config.minhash.num_perm), np.uint8)
    arrays = {
        name: np.concatenate(parts[name]) if name in parts else value
        for name, value in empty.items()
    }
    for name in ("set", "sequence", "number", "paragraph"):
        sizes = arrays.pop(f"{name}_sizes")
        offsets = np.zeros(sizes.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        arrays[f"{name}_offsets"] = offsets
    return arrays


def _write_meta(work: WorkDir, partition: int, meta: dict[str, list[Any]], fields: bool) -> None:
    columns: dict[str, Any] = {name: meta[name] for name in META_SCHEMA.names}
    schema = META_SCHEMA
    if fields:
        schema = schema.append(pa.field("field_value", pa.binary()))
        columns["field_value"] = meta["field_value"]
    table = pa.table(columns, schema=schema)
    work.write_batches(f"{features_dir(partition)}/meta.arrow", schema, table.to_batches())


def _write_keys(
    work: WorkDir, partition: int, ids: list[bytes], text_keys: NDArray[np.uint64], buckets: int
) -> None:
    rows = np.arange(len(ids), dtype=np.int64)
    id_buckets = np.array([zlib.crc32(i) for i in ids], np.int64)
    work.write_batches(
        f"idkeys/part-{partition:05d}.arrow",
        IDKEY_SCHEMA,
        bucketed(
            {"id": pa.array(ids, pa.binary()), "row": rows},
            id_buckets % buckets,
            buckets,
            IDKEY_SCHEMA,
        ),
    )
    key_buckets = (text_keys % np.uint64(buckets)).astype(np.int64)
    work.write_batches(
        f"textkeys/part-{partition:05d}.arrow",
        TEXTKEY_SCHEMA,
        bucketed({"key": text_keys, "row": rows}, key_buckets, buckets, TEXTKEY_SCHEMA),
    )


def _json_line(row: dict[str, object]) -> bytes:
    import json

    return (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def decode(column: Any) -> list[str]:
    """A column of texts encoded by :func:`encode`, back to strings."""
    return [value.decode("utf-8", "surrogatepass") for value in column.to_pylist()]


def read_meta(work: WorkDir, partition: int) -> pa.Table:
    return work.read_table(f"{features_dir(partition)}/meta.arrow")
