"""Stage 0: cut the inputs into partitions, and fingerprint the run's settings.

A plain JSONL file is cut into byte ranges of about ``partition_bytes``,
each starting at a line; every other input (compressed JSONL, CSV, Parquet,
a folder of text files) is one partition. A partition knows the number of
its first line (counted by Ray tasks), so ids made from ``<file>:<line>``
and error messages are exactly those of the local engine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from neardup.config import DedupConfig, RayConfig, ReadConfig
from neardup.errors import ConfigError, InputError
from neardup.io.ranges import Shard
from neardup.io.readers import Source, check_readable, open_inputs, remote_source

_COUNT_BLOCK = 1 << 24  # bytes read at a time when counting lines


def is_url(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def sources_of(inputs: Sequence[str], input_format: str | None, output_dir: str) -> list[Source]:
    """Every input checked and its format decided, as the local engine does (a text folder
    holding a local ``output_dir`` leaves it out)."""
    if "-" in inputs:
        raise ConfigError(
            "--engine ray cannot read stdin ('-'): Ray workers read the inputs themselves; "
            "write it to a file first"
        )
    local = [path for path in inputs if not is_url(path)]
    leave_out = [] if is_url(output_dir) else [output_dir]
    opened = iter(open_inputs(local, input_format=input_format, leave_out=leave_out))
    return [
        remote_source(path, input_format=input_format) if is_url(path) else next(opened)
        for path in inputs
    ]


def split(
    sources: Sequence[Source], config: RayConfig, read_config: ReadConfig
) -> tuple[list[Shard], list[InputError]]:
    """Partitions in input order (first lines still 1: see :func:`numbered`), and the
    errors of files skipped whole (``--on-error skip``)."""
    shards: list[Shard] = []
    errors: list[InputError] = []
    for source in sources:
        if source.format != "jsonl" or source.compression is not None:
            shards.append(Shard(source))
            continue
        problem = check_readable(source)
        if problem is not None:
            if read_config.on_error == "fail":
                raise problem
            errors.append(problem)
            continue
        shards.extend(Shard(source, piece) for piece in _ranges(source, config.partition_bytes))
    return shards, errors


def _ranges(source: Source, size: int) -> list[tuple[int, int]]:
    """Byte ranges of about ``size``, each starting where a line starts."""
    fs, path = _filesystem(source)
    total = int(fs.size(path))
    starts = [0]
    with fs.open(path, "rb") as file:
        for guess in range(size, total, size):
            if guess <= starts[-1]:
                continue
            file.seek(guess - 1)
            file.readline()  # to the end of the line holding byte guess - 1
            if file.tell() < total and file.tell() > starts[-1]:
                starts.append(file.tell())
    return list(zip(starts, [*starts[1:], total], strict=True))


def count_lines(shard: Shard) -> int:
    """Newlines in a shard's byte range (a Ray task: first lines are their running sum)."""
    assert shard.byte_range is not None
    start, stop = shard.byte_range
    fs, path = _filesystem(shard.source)
    count = 0
    with fs.open(path, "rb") as file:
        file.seek(start)
        left = stop - start
        while left > 0:
            block = file.read(min(left, _COUNT_BLOCK))
            if not block:
                break
            count += block.count(b"\n")
            left -= len(block)
    return count


def numbered(shards: Sequence[Shard], newlines: Sequence[int | None]) -> list[Shard]:
    """Shards with their first line numbers, from the newlines counted in each range."""
    out = []
    line = 1
    previous: Source | None = None
    for shard, count in zip(shards, newlines, strict=True):
        if shard.source != previous:
            line, previous = 1, shard.source
        out.append(dataclasses.replace(shard, first_line=line))
        line += count or 0
    return out


def _filesystem(source: Source) -> tuple[Any, str]:
    import fsspec

    if source.url is not None:
        fs, path = fsspec.core.url_to_fs(source.url)
        return fs, str(path)
    return fsspec.filesystem("file"), str(source.path)


def fingerprint(
    sources: Sequence[Source],
    config: DedupConfig,
    read_config: ReadConfig,
    ray_config: RayConfig,
    output_format: str,
) -> dict[str, Any]:
    """What must match for a run to resume another: settings, and each input's size and date."""
    inputs = []
    for source in sources:
        fs, path = _filesystem(source)
        info = fs.info(path)
        stamp = info.get("mtime") or info.get("LastModified") or info.get("updated")
        inputs.append({"name": source.name, "size": info.get("size"), "modified": str(stamp)})
    return {
        "config": config.to_dict(),
        "read": dataclasses.asdict(read_config),
        "inputs": inputs,
        "partition_bytes": ray_config.partition_bytes,
        "output_format": output_format,
    }
