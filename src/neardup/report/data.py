"""What the HTML report shows, gathered from a finished output directory.

Two passes over the ``removed`` table keep memory to what is shown: the
first reads ids, clusters, similarities and the ``--by`` field (no text) for
the figures and plots and to rank the clusters; the second fetches the texts
of the largest ``top`` clusters only. Each copy of those clusters is then
explained against its kept record (:func:`neardup.explain.compare`), in
worker processes, for the side-by-side diffs.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from neardup.config import NormalizeConfig
from neardup.errors import InputError
from neardup.explain import compare, summarize
from neardup.explain.model import Explanation, Passage
from neardup.parallel import ordered_map
from neardup.report.outputs import OutputDir

__all__ = ["ClusterDetail", "Copy", "ReportData", "gather"]

_BATCH = 32  # clusters explained per worker task
_MISSING = "(no value)"  # the --by value of a record without the field


@dataclass(frozen=True)
class Copy:
    """One removed record of a shown cluster, explained against the kept one."""

    id: str
    similarity: float | None
    text: str
    passages: tuple[Passage, ...]
    summary: dict[str, Any]


@dataclass(frozen=True)
class ClusterDetail:
    """A shown cluster: the kept record and every copy of it."""

    kept_id: str
    kept_text: str
    copies: tuple[Copy, ...]


@dataclass
class ReportData:
    """Everything the report renders."""

    summary: dict[str, Any]
    records: int = 0
    removed: int = 0
    cluster_sizes: Counter[int] = field(default_factory=Counter)  # size -> clusters (size >= 2)
    similarities: list[float] = field(default_factory=list)  # of removed records
    by_field: str | None = None
    by_values: list[tuple[str, int, int]] = field(default_factory=list)  # value, records, removed
    clusters: list[ClusterDetail] = field(default_factory=list)  # largest first
    members: dict[str, list[str]] = field(default_factory=dict)  # kept id -> removed ids


@dataclass
class _Scan:
    """First pass over the tables: no text."""

    duplicate_of: dict[str, str] = field(default_factory=dict)
    similarity: dict[str, float | None] = field(default_factory=dict)
    values: Counter[str] = field(default_factory=Counter)
    removed_values: Counter[str] = field(default_factory=Counter)
    kept: int = 0


def gather(
    run: OutputDir, *, by: str | None = None, top: int = 10_000, workers: int = 1
) -> ReportData:
    """Read ``run`` and explain the copies of its ``top`` largest clusters."""
    scan = _scan(run, by)
    if by and set(scan.values) <= {_MISSING}:
        raise InputError(
            str(run.table("kept")),
            f"no record has the field {by!r}, so there is nothing to count duplicates by",
            hint=f"pass --by with one of the fields the records have: {_field_names(run)}",
        )
    data = ReportData(summary=run.summary, by_field=by)
    data.records = scan.kept + len(scan.duplicate_of)
    data.removed = len(scan.duplicate_of)
    members: dict[str, list[str]] = {}
    for record_id, kept_id in scan.duplicate_of.items():
        members.setdefault(kept_id, []).append(record_id)
    data.cluster_sizes = Counter(len(ids) + 1 for ids in members.values())
    data.similarities = [s for s in scan.similarity.values() if s is not None]
    data.by_values = _by_values(scan) if by else []
    ranked = sorted(members, key=lambda kept: (-len(members[kept]), kept))[:top]
    data.members = {kept: members[kept] for kept in ranked}
    data.clusters = _details(run, data.members, scan.similarity, workers)
    return data


def _scan(run: OutputDir, by: str | None) -> _Scan:
    scan = _Scan()
    for record in run.records("removed"):
        scan.duplicate_of[record.id] = str(record.fields.get("duplicate_of"))
        similarity = record.fields.get("similarity")
        scan.similarity[record.id] = float(similarity) if similarity is not None else None
        if by:
            value = _value(record.fields.get(by))
            scan.values[value] += 1
            scan.removed_values[value] += 1
    for record in run.records("kept"):
        scan.kept += 1
        if by:
            scan.values[_value(record.fields.get(by))] += 1
    return scan


def _field_names(run: OutputDir) -> str:
    first = next(iter(run.records("kept")), None)
    names = sorted(first.fields) if first is not None else []
    return ", ".join(names[:20]) or "(none)"


def _value(value: object) -> str:
    """A ``--by`` value as the records hold it: text as it is, other JSON values as JSON
    (``true``, ``["a", "b"]``, not Python's ``True`` and ``['a', 'b']``)."""
    if value is None or value == "":
        return _MISSING
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float | list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)  # a Parquet date or timestamp reads as its ISO form


def _by_values(scan: _Scan) -> list[tuple[str, int, int]]:
    """Values ranked by how many removed records carry them."""
    ranked = sorted(scan.values, key=lambda v: (-scan.removed_values[v], -scan.values[v], v))
    return [(value, scan.values[value], scan.removed_values[value]) for value in ranked]


def _details(
    run: OutputDir,
    members: dict[str, list[str]],
    similarity: dict[str, float | None],
    workers: int,
) -> list[ClusterDetail]:
    """Texts of the shown clusters (second pass), each copy explained against its kept record."""
    wanted_kept = set(members)
    wanted_removed = {record_id for ids in members.values() for record_id in ids}
    kept_texts = {r.id: r.text for r in run.records("kept") if r.id in wanted_kept}
    removed_texts = {r.id: r.text for r in run.records("removed") if r.id in wanted_removed}
    config = run.config().normalize
    tasks = (
        [
            (
                kept,
                kept_texts.get(kept, ""),
                [(c, similarity.get(c), removed_texts[c]) for c in ids],
            )
            for kept, ids in batch
        ]
        for batch in _batches(iter(members.items()), _BATCH)
    )
    explained = ordered_map(_ExplainBatch(config), tasks, workers)
    return [cluster for batch in explained for cluster in batch]


def _batches(
    items: Iterator[tuple[str, list[str]]], size: int
) -> Iterator[list[tuple[str, list[str]]]]:
    while batch := list(islice(items, size)):
        yield batch


Task = Sequence[tuple[str, str, Sequence[tuple[str, float | None, str]]]]


class _ExplainBatch:
    """Picklable worker function: explain every copy of a batch of clusters."""

    def __init__(self, config: NormalizeConfig) -> None:
        self.config = config

    def __call__(self, task: Task) -> list[ClusterDetail]:
        return [
            ClusterDetail(kept, kept_text, tuple(self._copy(kept_text, copy) for copy in copies))
            for kept, kept_text, copies in task
        ]

    def _copy(self, kept_text: str, copy: tuple[str, float | None, str]) -> Copy:
        record_id, similarity, text = copy
        passages = compare(kept_text, text, normalize_config=self.config)
        summary = summarize(
            Explanation(None, passages), kept="only_in_kept", removed="only_in_removed"
        )
        return Copy(record_id, similarity, text, passages, summary)
