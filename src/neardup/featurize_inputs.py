"""Input files read, parsed and featurised in the worker processes where they can be.

When this process reads every record and sends its text to the workers, its own share of the
reading phase (1.8 s of CPU per 100,000 documents, against 5.9-6.5 s for all the workers)
caps that phase at three or four workers' worth of speed. So plain JSONL files of some size
are cut into ranges of ``batch_size`` lines that the workers read, parse and featurise
themselves; of a record only what matching keeps (id, length, the keep field) comes back,
never its text, and this process's share falls to 0.85 s. (On two cores, already full in this
phase, the wall time is unchanged: the work moves, it does not shrink.) Other inputs
(compressed JSONL, CSV, Parquet, text folders, small files) are read here and their texts
sent, as before.

Either way every record is admitted here, in input order, by one
:class:`~neardup.io.readers.IdCheck`: the records, errors and their order are those of
:func:`~neardup.io.readers.read_records`, whatever the worker count.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple

from neardup.config import ReadConfig
from neardup.errors import InputError
from neardup.features import Features, Featurizer
from neardup.io.ranges import Shard, line_ranges, shard_items, splittable
from neardup.io.readers import (
    IdCheck,
    OnSkip,
    Parsed,
    Source,
    check_readable,
    duplicate_of,
    read_records,
    read_source,
)
from neardup.parallel import ordered_map
from neardup.types import Record


@dataclass(frozen=True)
class Inputs:
    """Input files to deduplicate, read as :func:`~neardup.io.readers.read_records` reads
    them (``on_skip`` receives each rejected record under ``--on-error skip``)."""

    sources: Sequence[Source]
    config: ReadConfig
    on_skip: OnSkip | None = None

    def records(self) -> Iterator[Record]:
        """The records read here, texts and all (for stages that need the texts)."""
        return read_records(self.sources, self.config, on_skip=self.on_skip)


class Batch(NamedTuple):
    """Admitted records of a batch, in input order: what matching keeps of each, and their
    features."""

    ids: list[str]
    keep_values: list[Any]  # each record's keep field (None where it has none)
    lengths: list[int]  # of each text, in characters
    features: Features


@dataclass
class _Columns:
    """A batch of read items as columns: its records, and its errors each with the number of
    records before it. What a worker sends back of a range: pickled as ``Record`` objects
    they cost the workers up to a second more per 100,000 records."""

    ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # where each was read (its file's name)
    lines: list[int | None] = field(default_factory=list)
    keep_values: list[Any] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    errors: list[tuple[int, InputError]] = field(default_factory=list)

    @classmethod
    def of(cls, items: Iterable[Parsed], keep_field: str | None) -> _Columns:
        columns = cls()
        for item in items:
            if isinstance(item, InputError):
                columns.errors.append((len(columns.ids), item))
                continue
            columns.ids.append(item.id)
            columns.sources.append(item.source)
            columns.lines.append(item.line)
            columns.keep_values.append(item.fields.get(keep_field) if keep_field else None)
            columns.lengths.append(len(item.text))
        return columns


@dataclass(frozen=True)
class _Entry:
    """A job as this process knows it: the range a worker reads, or the items read here."""

    range: Shard | None
    items: list[Parsed] = field(default_factory=list)


Job = Shard | list[str]  # a range a worker reads, or the texts read here


def featurized_inputs(
    inputs: Inputs, featurize: Featurizer, workers: int, batch_size: int
) -> Iterator[Batch]:
    """Every admitted record of ``inputs`` in batches, featurised in ``workers`` processes
    (only the batches in flight are held)."""
    check = IdCheck(inputs.config, inputs.on_skip)
    keep_field = featurize.config.keep_field
    held: deque[_Entry] = deque()

    def jobs() -> Iterator[Job]:
        for source in inputs.sources:
            for entry in _entries(source, inputs.config, batch_size):
                held.append(entry)
                yield entry.range if entry.range is not None else _texts(entry.items)

    work = _ReadAndFeaturize(featurize, inputs.config)
    for returned, features in ordered_map(work, jobs(), workers):
        entry = held.popleft()
        columns = returned if returned is not None else _Columns.of(entry.items, keep_field)
        yield _admitted(check, entry, columns, features)


def _entries(source: Source, config: ReadConfig, batch_size: int) -> Iterator[_Entry]:
    """A source's line ranges, else its items read here, ``batch_size`` at a time."""
    if splittable(source):
        problem = check_readable(source)
        if problem is None:
            yield from (_Entry(part) for part in line_ranges(source, batch_size))
        else:
            yield _Entry(None, [problem])
        return
    items = read_source(source, config)
    while chunk := list(islice(items, batch_size)):
        yield _Entry(None, chunk)


def _texts(items: list[Parsed]) -> list[str]:
    return [item.text for item in items if isinstance(item, Record)]


@dataclass(frozen=True)
class _ReadAndFeaturize:
    """A job, in a worker: a range read and featurised, or texts featurised."""

    featurize: Featurizer
    config: ReadConfig

    def __call__(self, job: Job) -> tuple[_Columns | None, Features]:
        if not isinstance(job, Shard):
            return None, self.featurize(job)
        items = list(shard_items(job, self.config))
        return _Columns.of(items, self.featurize.config.keep_field), self.featurize(_texts(items))


def _admitted(check: IdCheck, entry: _Entry, columns: _Columns, features: Features) -> Batch:
    """The records of ``columns`` that ``check`` admits, errors handed to it in their place;
    a record rejected for a repeated id leaves the batch, its features too."""
    rows: list[int] = []
    whole: list[Record] = []  # the entry's records as read, once one is needed for an error
    errors = iter(columns.errors)
    error = next(errors, None)
    for row, record_id in enumerate(columns.ids):
        while error is not None and error[0] == row:
            check.reject(error[1])
            error = next(errors, None)
        first = check.first_seen(record_id, columns.sources[row], columns.lines[row])
        if first is None:
            rows.append(row)
            continue
        whole = whole or _as_read(entry, check.config)
        check.reject(duplicate_of(whole[row], first))
    if error is not None:  # errors after the last record
        check.reject(error[1])
    for _, late in errors:
        check.reject(late)
    if len(rows) == len(columns.ids):
        return Batch(columns.ids, columns.keep_values, columns.lengths, features)
    return Batch(
        [columns.ids[row] for row in rows],
        [columns.keep_values[row] for row in rows],
        [columns.lengths[row] for row in rows],
        features.take(rows),
    )


def _as_read(entry: _Entry, config: ReadConfig) -> list[Record]:
    """The records of ``entry`` with their texts and fields, for errors: a worker's range is
    read again (once a batch, and only for a repeated id)."""
    items = entry.items if entry.range is None else shard_items(entry.range, config)
    return [item for item in items if isinstance(item, Record)]
