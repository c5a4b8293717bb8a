"""Clusters of an incremental index, kept as batch dedup would draw them.

A cluster is a connected component of groups over verified edges (exact
copies share a group). Its kept document follows keep.py, whose policies
each pick the minimum of a total order, so the kept copy of a union is the
choice among the kept copies of its parts and the new document: arrivals
never need the whole cluster. Departures can split a cluster; it is then
recomputed from its stored edges with cluster.py's ``components``.

Labels: a cluster's label is the id of one of its groups. On a merge the
label of the stored cluster with the most groups survives (the others'
groups are relabelled: union by size, so a group is relabelled O(log n)
times); after a departure each component takes its smallest group id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from neardup.cluster import components
from neardup.config import DedupConfig
from neardup.keep import Candidate, choose_kept
from neardup.store.base import ClusterRow, DocRow, GroupRow, IndexStore


def candidate(row: DocRow) -> Candidate:
    return Candidate(row.id, row.seq, row.length, row.keep_value)


@dataclass
class _Cluster:
    groups: int
    docs: int
    kept: Candidate
    stored: list[ClusterRow] = field(default_factory=list)  # stored clusters merged in
    new_gids: list[int] = field(default_factory=list)  # groups created by the batch


@dataclass(frozen=True)
class StoredClusters:
    """The stored clusters a batch can touch, read once: rows and kept documents."""

    rows: dict[int, ClusterRow]
    kept: dict[int, DocRow]  # by seq

    @classmethod
    def load(cls, store: IndexStore, groups: Iterable[GroupRow]) -> StoredClusters:
        rows = store.clusters(sorted({g.cluster for g in groups}))
        kept = store.docs_by_seq(sorted({r.kept for r in rows.values()}))
        return cls(rows, kept)


@dataclass(frozen=True)
class ClusterChanges:
    """What a batch changes in the stored clusters."""

    label_of: dict[int, int]  # new gid -> its cluster's final label
    relabel: list[tuple[int, int]]  # (old label, surviving label)
    rows: list[ClusterRow]  # every touched cluster as it now stands
    label_of_root: dict[int, int]  # root in the book -> final label
    # label -> groups the batch made in it, for clusters whose kept copy stayed: checking
    # these against the kept copy may tell that the rest of the cluster stays as it was
    fresh_only: dict[int, list[int]] = field(default_factory=dict)


class ClusterBook:
    """Clusters touched by a batch, over the stored ones: union-find on labels."""

    def __init__(
        self,
        stored: StoredClusters,
        groups: dict[int, GroupRow],
        config: DedupConfig,
        gid_at: dict[int, int] | None = None,
    ) -> None:
        self._stored = stored
        self._groups = groups  # stored groups met by the batch
        self._config = config
        self._parent: dict[int, int] = {}
        self._info: dict[int, _Cluster] = {}
        self._new_label: dict[int, int] = {}  # new gid -> its label (its own gid)
        # seq -> gid of every document a book has seen; shared with forks
        self.gid_at = gid_at if gid_at is not None else {r.seq: r.gid for r in stored.kept.values()}

    def fork(self) -> ClusterBook:
        """A book over the same stored clusters with nothing of the batch in it."""
        return ClusterBook(self._stored, self._groups, self._config, self.gid_at)

    def _find(self, label: int) -> int:
        root = label
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[label] != root:
            self._parent[label], label = root, self._parent[label]
        return root

    def root_of_group(self, gid: int) -> int:
        if gid in self._new_label:
            return self._find(self._new_label[gid])
        label = self._groups[gid].cluster
        if label not in self._parent:
            row = self._stored.rows[label]
            kept = candidate(self._stored.kept[row.kept])
            self._parent[label] = label
            self._info[label] = _Cluster(row.groups, row.docs, kept, stored=[row])
        return self._find(label)

    def create(self, gid: int, member: Candidate) -> int:
        """A new group with its first document, as a cluster of its own."""
        self._new_label[gid] = gid
        self._parent[gid] = gid
        self._info[gid] = _Cluster(1, 1, member, new_gids=[gid])
        self.gid_at[member.position] = gid
        return gid

    def add(self, root: int, member: Candidate, gid: int) -> None:
        info = self._info[root]
        info.docs += 1
        info.kept = choose_kept([info.kept, member], self._config)
        self.gid_at[member.position] = gid

    def merge(self, a: int, b: int) -> int:
        a, b = self._find(a), self._find(b)
        if a == b:
            return a
        keep, gone = (a, b) if a < b else (b, a)
        first, second = self._info[keep], self._info.pop(gone)
        first.groups += second.groups
        first.docs += second.docs
        first.kept = choose_kept([first.kept, second.kept], self._config)
        first.stored += second.stored
        first.new_gids += second.new_gids
        self._parent[gone] = keep
        return keep

    def kept(self, root: int) -> Candidate:
        return self._info[self._find(root)].kept

    def find(self, root: int) -> int:
        return self._find(root)

    def size(self, root: int) -> int:
        """Groups in the cluster of ``root``."""
        return self._info[self._find(root)].groups

    def stored_labels(self, root: int) -> list[int]:
        return [row.label for row in self._info[self._find(root)].stored]

    def changes(self) -> ClusterChanges:
        label_of: dict[int, int] = {}
        relabel: list[tuple[int, int]] = []
        rows: list[ClusterRow] = []
        roots: dict[int, int] = {}
        fresh: dict[int, list[int]] = {}
        for root, info in self._info.items():
            by_size = sorted(info.stored, key=lambda r: (-r.groups, r.label))
            label = by_size[0].label if by_size else min(info.new_gids)
            relabel += [(r.label, label) for r in by_size[1:]]
            label_of.update(dict.fromkeys(info.new_gids, label))
            split = any(r.split for r in info.stored)
            rows.append(ClusterRow(label, info.groups, info.docs, info.kept.position, split))
            roots[root] = label
            same = [r for r in info.stored if r.kept == info.kept.position]
            if len(info.stored) == len(same) <= 1:
                fresh[label] = list(info.new_gids)
        return ClusterChanges(label_of, relabel, rows, roots, fresh)


def apply_changes(store: IndexStore, changes: ClusterChanges) -> None:
    """Relabel merged clusters and write every touched one (new groups carry their label)."""
    for old, new in changes.relabel:
        store.relabel(old, new)
    store.put_clusters(changes.rows)


def recompute(store: IndexStore, label: int, config: DedupConfig, split: bool) -> list[ClusterRow]:
    """Redraw a cluster after a group left: it may fall apart or lose its kept copy.

    Returns the clusters it became (marked ``split`` when it was, so their
    documents' own kept copies are looked at again).
    """
    groups = store.groups_in_cluster(label)
    store.drop_clusters([label])
    if not groups:
        return []
    gids = [g.gid for g in groups]
    node = {gid: k for k, gid in enumerate(gids)}
    edges = [(node[e.a], node[e.b]) for e in store.edges(gids) if e.a in node and e.b in node]
    labels = components(len(gids), np.array(edges, dtype=np.int64).reshape(-1, 2))
    docs_by_group: dict[int, list[DocRow]] = {}
    for doc in store.docs_in_groups(gids):
        docs_by_group.setdefault(doc.gid, []).append(doc)
    parts: dict[int, list[int]] = {}
    for gid, part in zip(gids, labels.tolist(), strict=True):
        parts.setdefault(gids[part], []).append(gid)
    rows = []
    for new_label, members in parts.items():
        docs = [d for gid in members for d in docs_by_group.get(gid, [])]
        store.label_groups([(gid, new_label) for gid in members])
        kept = choose_kept([candidate(d) for d in docs], config)
        rows.append(ClusterRow(new_label, len(members), len(docs), kept.position, split))
    store.put_clusters(rows)
    return rows


def leave(store: IndexStore, doc: DocRow, config: DedupConfig) -> list[ClusterRow]:
    """Take a document out of its cluster; returns the clusters that changed."""
    store.drop_doc(doc.seq)
    group = store.groups([doc.gid])[doc.gid]
    cluster = store.clusters([group.cluster])[group.cluster]
    if not store.docs_in_groups([doc.gid]):
        store.drop_group(doc.gid)
        return recompute(store, group.cluster, config, cluster.split)
    kept = cluster.kept
    if kept == doc.seq:
        members = store.docs_in_groups([g.gid for g in store.groups_in_cluster(cluster.label)])
        kept = choose_kept([candidate(d) for d in members], config).position
    row = ClusterRow(cluster.label, cluster.groups, cluster.docs - 1, kept, cluster.split)
    store.put_clusters([row])
    return [row]
