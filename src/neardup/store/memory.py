"""An index store in plain dicts: the reference backend for unit tests.

Nothing persists and nothing is clever: band keys sit in a dict of lists.
Tests of :class:`neardup.index.Index` run against it in microseconds, and
the SQLite backend is tested to behave the same. A write that raises is
undone by restoring a copy taken when it began.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from neardup.store.base import (
    ClusterRow,
    Contents,
    DocRow,
    EdgeRow,
    GroupRow,
    GroupSets,
    I64Array,
    IndexSettings,
    NewDoc,
    NewGroup,
    StoredDoc,
    U16Array,
    U32Array,
    U64Array,
    band_codes,
)


@dataclass
class _Tables:
    docs: dict[int, NewDoc] = field(default_factory=dict)  # by seq
    seq_of: dict[str, int] = field(default_factory=dict)
    groups: dict[int, GroupRow] = field(default_factory=dict)
    gid_of: dict[int, int] = field(default_factory=dict)  # key -> gid
    sets: dict[int, GroupSets] = field(default_factory=dict)
    codes: dict[int, U64Array] = field(default_factory=dict)  # gid -> its band codes
    bands: dict[int, list[int]] = field(default_factory=dict)  # code -> gids, ascending
    edges: dict[tuple[int, int], float] = field(default_factory=dict)
    clusters: dict[int, ClusterRow] = field(default_factory=dict)
    next_seq: int = 0
    next_gid: int = 0


class MemoryStore:
    """Implements :class:`~neardup.store.base.IndexStore` in memory."""

    def __init__(self, settings: IndexSettings) -> None:
        self._settings = settings
        self._t = _Tables()
        self._lock = threading.RLock()

    @property
    def settings(self) -> IndexSettings:
        return self._settings

    @property
    def location(self) -> str:
        return "<memory>"

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._lock:
            yield

    @contextmanager
    def writing(self, *, bulk: bool = False) -> Iterator[None]:
        with self._lock:
            saved = copy.deepcopy(self._t)
            try:
                yield
            except BaseException:
                self._t = saved
                raise

    def counters(self) -> tuple[int, int]:
        return self._t.next_seq, self._t.next_gid

    def docs_by_id(self, ids: Sequence[str]) -> dict[str, DocRow]:
        found = (self._t.seq_of.get(doc_id) for doc_id in ids)
        return {self._t.docs[s].row.id: self._t.docs[s].row for s in found if s is not None}

    def docs_by_seq(self, seqs: Sequence[int]) -> dict[int, DocRow]:
        return {s: self._t.docs[s].row for s in seqs if s in self._t.docs}

    def docs_in_groups(self, gids: Sequence[int]) -> list[DocRow]:
        wanted = set(gids)
        return [d.row for d in self._t.docs.values() if d.row.gid in wanted]

    def document(self, doc_id: str) -> StoredDoc | None:
        seq = self._t.seq_of.get(doc_id)
        if seq is None:
            return None
        doc = self._t.docs[seq]
        return StoredDoc(doc.row, dict(doc.fields), doc.text)

    def groups(self, gids: Sequence[int]) -> dict[int, GroupRow]:
        return {g: self._t.groups[g] for g in gids if g in self._t.groups}

    def groups_by_key(self, keys: Sequence[int]) -> dict[int, GroupRow]:
        found = (self._t.gid_of.get(k) for k in keys)
        return {self._t.groups[g].key: self._t.groups[g] for g in found if g is not None}

    def groups_in_cluster(self, label: int) -> list[GroupRow]:
        return [g for g in self._t.groups.values() if g.cluster == label]

    def group_sets(self, gids: Sequence[int], *, sequences: bool = False) -> dict[int, GroupSets]:
        found = {g: self._t.sets[g] for g in gids if g in self._t.sets}
        return found if sequences else {g: replace(s, sequence=None) for g, s in found.items()}

    def shingle_sets(self, gids: I64Array) -> tuple[U32Array, I64Array, NDArray[np.bool_]]:
        return self._flat(gids, "shingles")

    def sequences(self, gids: I64Array) -> tuple[U32Array, I64Array, NDArray[np.bool_]]:
        return self._flat(gids, "sequence")

    def numbers(self, gids: I64Array) -> tuple[U64Array, I64Array, NDArray[np.bool_]]:
        return self._flat(gids, "numbers", np.uint64)

    def paragraphs(self, gids: I64Array) -> tuple[U32Array, I64Array, NDArray[np.bool_]]:
        return self._flat(gids, "paragraphs")

    def words(self, gids: I64Array) -> tuple[U16Array, I64Array, NDArray[np.bool_]]:
        return self._flat(gids, "words", np.uint16)

    def _flat(
        self, gids: I64Array, name: str, dtype: type[np.unsignedinteger[Any]] = np.uint32
    ) -> tuple[NDArray[Any], I64Array, NDArray[np.bool_]]:
        """The ``name`` arrays of ``GroupSets`` of ``gids``, flat (empty for a missing group)."""
        empty = np.empty(0, dtype=dtype)
        found = [self._t.sets.get(int(g)) for g in np.asarray(gids).tolist()]
        parts: list[U32Array] = []
        for sets in found:
            part = None if sets is None else getattr(sets, name)
            parts.append(empty if part is None else part)
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([p.size for p in parts], out=offsets[1:])
        values = np.concatenate([empty, *parts]).astype(dtype)
        return values, offsets, np.array([s is not None for s in found], dtype=bool)

    def band_hits(self, codes: U64Array) -> tuple[I64Array, I64Array]:
        where: list[int] = []
        gids: list[int] = []
        for position, code in enumerate(codes.tolist()):
            members = self._t.bands.get(code, [])
            where.extend([position] * len(members))
            gids.extend(members)
        return np.array(where, dtype=np.int64), np.array(gids, dtype=np.int64)

    def edges(self, gids: Sequence[int]) -> list[EdgeRow]:
        wanted = set(gids)
        return [
            EdgeRow(a, b, s) for (a, b), s in self._t.edges.items() if a in wanted or b in wanted
        ]

    def clusters(self, labels: Sequence[int]) -> dict[int, ClusterRow]:
        return {c: self._t.clusters[c] for c in labels if c in self._t.clusters}

    def insert(
        self, docs: Sequence[NewDoc], groups: Sequence[NewGroup], edges: Sequence[EdgeRow]
    ) -> None:
        t = self._t
        for group in groups:
            t.groups[group.row.gid] = group.row
            t.gid_of[group.row.key] = group.row.gid
            t.sets[group.row.gid] = group.sets
            t.next_gid = max(t.next_gid, group.row.gid + 1)
            if group.row.size > 0:
                self._add_codes(group.row.gid, group.band_keys)
        for doc in docs:
            t.docs[doc.row.seq] = doc
            t.seq_of[doc.row.id] = doc.row.seq
            t.next_seq = max(t.next_seq, doc.row.seq + 1)
        for edge in edges:
            t.edges[(edge.a, edge.b)] = edge.similarity

    def _add_codes(self, gid: int, keys: U32Array) -> None:
        codes = band_codes(keys.reshape(-1, 1)).reshape(-1)
        self._t.codes[gid] = codes
        for code in codes.tolist():
            members = self._t.bands.setdefault(code, [])
            members.append(gid)
            members.sort()

    def put_clusters(self, rows: Sequence[ClusterRow]) -> None:
        for row in rows:
            self._t.clusters[row.label] = row

    def relabel(self, old: int, new: int) -> None:
        self.label_groups([(g.gid, new) for g in self.groups_in_cluster(old)])
        self._t.clusters.pop(old, None)

    def label_groups(self, labels: Sequence[tuple[int, int]]) -> None:
        for gid, label in labels:
            self._t.groups[gid] = replace(self._t.groups[gid], cluster=label)

    def assign(self, kept: Sequence[tuple[int, int | None]]) -> None:
        for seq, target in kept:
            doc = self._t.docs[seq]
            self._t.docs[seq] = replace(doc, row=replace(doc.row, kept=target))

    def drop_clusters(self, labels: Sequence[int]) -> None:
        for label in labels:
            self._t.clusters.pop(label, None)

    def drop_doc(self, seq: int) -> None:
        doc = self._t.docs.pop(seq, None)
        if doc is not None:
            del self._t.seq_of[doc.row.id]

    def drop_group(self, gid: int) -> None:
        t = self._t
        row = t.groups.pop(gid, None)
        if row is None:
            return
        del t.gid_of[row.key]
        t.sets.pop(gid, None)
        for code in t.codes.pop(gid, np.empty(0, np.uint64)).tolist():
            t.bands[code].remove(gid)
            if not t.bands[code]:
                del t.bands[code]
        t.edges = {pair: s for pair, s in t.edges.items() if gid not in pair}

    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self._t.docs),
            "groups": len(self._t.groups),
            "edges": len(self._t.edges),
            "clusters": len(self._t.clusters),
            "clusters_with_duplicates": sum(c.docs > 1 for c in self._t.clusters.values()),
        }

    def info(self) -> dict[str, Any]:
        return {"backend": "memory"}

    def contents(self) -> Contents:
        t = self._t
        entries = [(code, gid) for code, gids in t.bands.items() for gid in gids]
        codes = np.array([c for c, _ in entries], dtype=np.uint64)
        owners = np.array([g for _, g in entries], dtype=np.int64)
        return Contents(
            docs=[t.docs[s].row for s in sorted(t.docs)],
            groups=[t.groups[g] for g in sorted(t.groups)],
            edges=[EdgeRow(a, b, s) for (a, b), s in sorted(t.edges.items())],
            clusters=[t.clusters[c] for c in sorted(t.clusters)],
            band_entries=(codes, owners),
        )

    def integrity_problems(self) -> list[str]:
        return []

    def checkpoint(self) -> None:
        pass

    def close(self) -> None:
        pass

    def abandon(self) -> None:
        pass
