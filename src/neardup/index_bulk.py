"""An empty index filled in one go: batch dedup's own run, then the rows it implies.

Settling arrivals one after another (:mod:`neardup.index_batch`) costs Python
work per document. Into an empty index, a corpus added document by document
ends in the clusters batch dedup draws (the index's promise), and what each
document would have been told on arrival follows from dedup's verified
edges. So a first add runs :mod:`neardup.pipeline`'s stages over the whole
input, storing each batch's documents and groups as their features come, and
then writes the edges, clusters and kept copies, all in the caller's one
transaction (a kill leaves the index empty, never half-filled).

The rows are the incremental path's: groups numbered in order of first
appearance, a cluster labelled by its smallest group id and keeping the
copy the keep policy chooses, a document parted from its cluster's kept copy
(``assign_kept``'s chain rule) carrying its own. Each outcome is the
incremental one: the documents before it in its own group (similarity 1.0)
and in the groups linked to it by a verified edge.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from neardup.features import Features, Featurizer
from neardup.gcpause import gc_paused
from neardup.index_batch import Layout, new_doc, outcome, round_similarity
from neardup.index_types import Match, Outcome
from neardup.io.directories import scratch_directory
from neardup.pipeline import (
    Matched,
    Store,
    collect,
    match,
    pair_scores,
)
from neardup.progress import NullProgress, StageClock
from neardup.store.base import ClusterRow, EdgeRow, IndexSettings, IndexStore, NewDoc, NewGroup
from neardup.types import Record

I64Array = NDArray[np.int64]


@dataclass
class _Loader:
    """Stores each batch as it comes: documents, and a group for each text not seen yet."""

    store: IndexStore
    settings: IndexSettings
    text_field: str
    first_seq: int
    next_gid: int
    check: Callable[[Record, set[str]], None]
    gid_of_key: dict[int, int] = field(default_factory=dict)
    gids: list[int] = field(default_factory=list)  # per document
    seen: set[str] = field(default_factory=set)

    def add(self, records: list[Record], features: Features) -> None:
        layout = Layout(features)
        docs: list[NewDoc] = []
        groups: list[NewGroup] = []
        keys = features.text_keys.tolist()
        for j, (record, key) in enumerate(zip(records, keys, strict=True)):
            self.check(record, self.seen)
            gid = self.gid_of_key.get(key)
            if gid is None:
                gid = self.gid_of_key[key] = self.next_gid + len(self.gid_of_key)
                groups.append(layout.group(j, gid, gid))  # its own cluster, until linked
            seq = self.first_seq + len(self.gids)
            self.gids.append(gid)
            docs.append(new_doc(record, seq, gid, self.settings, self.text_field))
        self.store.insert(docs, groups, [])


def load(
    store: IndexStore,
    records: Iterable[Record],
    settings: IndexSettings,
    *,
    check: Callable[[Record, set[str]], None],
    workers: int,
    batch_size: int,
    text_field: str,
    workdir: str | Path | None = None,
) -> list[Outcome]:
    """Add ``records`` to an empty ``store`` (inside its writing transaction); their outcomes.

    ``check`` vets each record against the ids seen before it (and notes its id); scratch
    files go to ``workdir`` (default: the system temp dir).
    """
    config = settings.config
    first_seq, next_gid = store.counters()
    loader = _Loader(store, settings, text_field, first_seq, next_gid, check)
    clock, progress = StageClock(), NullProgress()
    featurize = Featurizer.for_run(config, settings.banding)
    with gc_paused(), scratch_directory("neardup-index-", workdir) as scratch:
        spill = Store.create(scratch, config, settings.banding)
        collected = collect(
            records, featurize, spill, workers, batch_size, clock, progress, each=loader.add
        )
        if not collected.ids:
            return []
        found = match(collected, spill, config, clock, progress, workers)
        gids = np.array(loader.gids, dtype=np.int64)
        similarity = _write_edges(store, found, gids, settings)
        _write_clusters(store, found, gids, first_seq)
        return _outcomes(collected.ids, found, gids, similarity, settings)


def _write_edges(
    store: IndexStore, found: Matched, gids: I64Array, settings: IndexSettings
) -> NDArray[np.float64]:
    """The verified edges between groups; returns their similarities."""
    near = found.near_edges
    similarity = pair_scores(near, found.matching, settings.config).similarity
    ends = np.sort(gids[near], axis=1)
    store.insert(
        [],
        [],
        [EdgeRow(a, b, s) for (a, b), s in zip(ends.tolist(), similarity.tolist(), strict=True)],
    )
    return similarity


def _write_clusters(store: IndexStore, found: Matched, gids: I64Array, first_seq: int) -> None:
    """Cluster rows, their groups' labels, and the kept copies of documents parted from
    their cluster's."""
    count = gids.size
    is_rep = found.matching.reps == np.arange(count)
    # a component's first document made its first group: the smallest gid labels it
    component, heads, kept = found.component, found.heads, found.kept
    apart = np.flatnonzero(kept != heads)
    store.assign([(int(d) + first_seq, int(kept[d]) + first_seq) for d in apart])
    docs = np.bincount(component, minlength=count)
    groups = np.bincount(component[is_rep], minlength=count)
    split = np.bincount(component[apart], minlength=count) > 0
    roots = np.flatnonzero(docs)
    columns = (gids[roots], groups[roots], docs[roots], heads[roots] + first_seq, split[roots])
    store.put_clusters(
        [ClusterRow(*row) for row in zip(*(c.tolist() for c in columns), strict=True)]
    )
    linked = np.flatnonzero(is_rep & (component != np.arange(count)))
    store.label_groups(np.stack((gids[linked], gids[component[linked]]), axis=1).tolist())


def _outcomes(
    ids: list[str],
    found: Matched,
    gids: I64Array,
    edge_similarity: NDArray[np.float64],
    settings: IndexSettings,
) -> list[Outcome]:
    """What each document is told, as if added one by one; its kept copy as the load ends."""
    kept = found.kept
    reps = found.matching.reps
    component = found.component
    shared = np.flatnonzero(np.bincount(component, minlength=component.size)[component] > 1)
    members: dict[int, list[int]] = {}
    for doc, gid in zip(shared.tolist(), gids[shared].tolist(), strict=True):
        members.setdefault(gid, []).append(doc)
    linked: dict[int, list[tuple[int, float]]] = {}
    ends = gids[found.near_edges].tolist()
    for (a, b), s in zip(ends, edge_similarity.tolist(), strict=True):
        value = round_similarity(s)
        linked.setdefault(a, []).append((b, value))
        linked.setdefault(b, []).append((a, value))
    to_kept = _similarity_to_kept(found, reps, settings)
    out = [outcome(doc_id, True, doc_id, [], 1.0) for doc_id in ids]
    for doc in shared.tolist():
        gid = int(gids[doc])
        before = members[gid][: bisect_left(members[gid], doc)]
        matches = [Match(ids[d], 1.0) for d in before]
        for other, s in linked.get(gid, []):
            group = members[other]
            matches += [Match(ids[d], s) for d in group[: bisect_left(group, doc)]]
        matches.sort(key=lambda m: (-m.similarity, m.id))
        k = int(kept[doc])
        out[doc] = outcome(ids[doc], k == doc, ids[k], matches, to_kept.get(doc, 1.0))
    return out


def _similarity_to_kept(
    found: Matched, reps: I64Array, settings: IndexSettings
) -> dict[int, float]:
    """Each document's similarity to its kept copy, where they are not of one group, rounded
    as the incremental path rounds it."""
    kept = found.kept
    far = np.flatnonzero(reps != reps[kept])
    pairs = np.stack((reps[far], reps[kept[far]]), axis=1)
    scores = pair_scores(pairs, found.matching, settings.config).similarity
    return {
        doc: round_similarity(value)
        for doc, value in zip(far.tolist(), scores.tolist(), strict=True)
    }
