"""``neardup index check``: is every document whole and every cluster what the rules say?

Beyond the backend's own checks (SQLite's ``integrity_check``), every row is
checked against the others: each document's group exists and each group has
a document; each group's stored band keys are recomputed from its stored
shingle set with the index's own MinHash and banding; every edge joins two
groups of one cluster and still passes verification; every cluster is one
connected component of its edges, with the right sizes and the kept copy
keep.py would choose. It reads the whole index: seconds per 100,000 documents.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from neardup.cluster import components
from neardup.config import DedupConfig
from neardup.index_assign import assign_stored, is_star, parts_chains
from neardup.index_clusters import candidate
from neardup.index_pool import Pool, no_features
from neardup.keep import choose_kept
from neardup.lsh import band_keys
from neardup.minhash import Permutations, signatures
from neardup.store.base import Contents, DocRow, GroupSets, IndexStore, band_codes

_MAX_REPORTED = 20  # problems listed; the rest are counted


def check_index(store: IndexStore) -> list[str]:
    """Human-readable problems, empty when the index is sound."""
    problems = store.integrity_problems()
    if problems:
        return _capped(problems)
    contents = store.contents()
    sets = store.group_sets([g.gid for g in contents.groups])
    problems += _rows(store, contents)
    problems += _bands(store, contents, sets)
    problems += _edges(store, contents, store.settings.config)
    problems += _clusters(contents, store.settings.config)
    if not problems:
        problems += _assignments(store, contents, store.settings.config)
    return _capped(problems)


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= _MAX_REPORTED:
        return problems
    return [*problems[:_MAX_REPORTED], f"... and {len(problems) - _MAX_REPORTED} more"]


def _rows(store: IndexStore, contents: Contents) -> list[str]:
    gids = {g.gid for g in contents.groups}
    used = Counter(d.gid for d in contents.docs)
    problems = [
        f"document {d.id!r}: its group {d.gid} is missing"
        for d in contents.docs
        if d.gid not in gids
    ]
    problems += [f"group {g}: no document" for g in sorted(gids - set(used))]
    next_seq, next_gid = store.counters()
    if contents.docs and max(d.seq for d in contents.docs) >= next_seq:
        problems.append(f"document counter {next_seq} is behind the documents")
    if gids and max(gids) >= next_gid:
        problems.append(f"group counter {next_gid} is behind the groups")
    return problems


def _bands(store: IndexStore, contents: Contents, sets: dict[int, GroupSets]) -> list[str]:
    """Stored band keys equal the ones the group's shingle set gives."""
    settings = store.settings
    live = [g for g in contents.groups if g.size > 0 and g.gid in sets]
    problems = [f"group {g.gid}: shingle set missing" for g in contents.groups if g.gid not in sets]
    problems += [
        f"group {g.gid}: {sets[g.gid].shingles.size} shingles stored, {g.size} recorded"
        for g in contents.groups
        if g.gid in sets and sets[g.gid].shingles.size != g.size
    ]
    if not live:
        return problems
    values = np.concatenate([sets[g.gid].shingles for g in live]).astype(np.uint32)
    offsets = np.zeros(len(live) + 1, dtype=np.int64)
    np.cumsum([sets[g.gid].shingles.size for g in live], out=offsets[1:])
    sigs = signatures(values, offsets, Permutations.from_config(settings.config.minhash))
    expected = band_codes(band_keys(sigs, settings.banding))  # (bands, groups)
    codes, owners = contents.band_entries
    stored: dict[int, list[int]] = defaultdict(list)
    for code, gid in zip(codes.tolist(), owners.tolist(), strict=True):
        stored[gid].append(code)
    for k, group in enumerate(live):
        if sorted(stored.get(group.gid, [])) != sorted(expected[:, k].tolist()):
            problems.append(f"group {group.gid}: stored band keys differ from its shingle set's")
    return problems


def _edges(store: IndexStore, contents: Contents, config: DedupConfig) -> list[str]:
    cluster = {g.gid: g.cluster for g in contents.groups}
    problems = []
    for edge in contents.edges:
        if edge.a not in cluster or edge.b not in cluster:
            problems.append(f"edge {edge.a}-{edge.b}: a group is missing")
        elif cluster[edge.a] != cluster[edge.b]:
            problems.append(f"edge {edge.a}-{edge.b}: joins two clusters")
    if not problems and contents.edges:
        ends = np.array([(e.a, e.b) for e in contents.edges], dtype=np.int64)
        pool, _ = Pool.build(store, no_features(config), ends.reshape(-1), config, sequences=True)
        _, ok = pool.accept(pool.nodes(ends.reshape(-1)).reshape(-1, 2), config)
        problems += [
            f"edge {e.a}-{e.b}: fails verification"
            for e, good in zip(contents.edges, ok.tolist(), strict=True)
            if not good
        ]
    return problems


def _clusters(contents: Contents, config: DedupConfig) -> list[str]:
    gids = [g.gid for g in contents.groups]
    node = {gid: k for k, gid in enumerate(gids)}
    edges = [(node[e.a], node[e.b]) for e in contents.edges if e.a in node and e.b in node]
    parts = components(len(gids), np.array(edges, dtype=np.int64).reshape(-1, 2)).tolist()
    members: dict[int, set[int]] = defaultdict(set)
    for group in contents.groups:
        members[group.cluster].add(group.gid)
    problems = []
    for label, groups in members.items():
        if len({parts[node[g]] for g in groups}) != 1:
            problems.append(f"cluster {label}: its groups are not connected")
    docs: dict[int, list[DocRow]] = defaultdict(list)
    label_of = {g.gid: g.cluster for g in contents.groups}
    for doc in contents.docs:
        docs[label_of.get(doc.gid, -1)].append(doc)
    rows = {c.label: c for c in contents.clusters}
    problems += [f"cluster {label}: no cluster row" for label in sorted(set(members) - set(rows))]
    for row in contents.clusters:
        problems += _cluster_row(row.label, row.groups, row.docs, row.kept, members, docs, config)
    return problems


def _cluster_row(
    label: int,
    groups: int,
    count: int,
    kept: int,
    members: dict[int, set[int]],
    docs: dict[int, list[DocRow]],
    config: DedupConfig,
) -> list[str]:
    if label not in members:
        return [f"cluster {label}: has no group"]
    problems = []
    if label not in members[label]:
        problems.append(f"cluster {label}: its label is not one of its groups")
    if groups != len(members[label]) or count != len(docs[label]):
        problems.append(f"cluster {label}: sizes recorded ({groups}, {count}) are wrong")
    if docs[label]:
        chosen = choose_kept([candidate(d) for d in docs[label]], config)
        if chosen.position != kept:
            problems.append(
                f"cluster {label}: keeps document #{kept}, the rules keep {chosen.id!r}"
            )
    return problems


def _assignments(store: IndexStore, contents: Contents, config: DedupConfig) -> list[str]:
    """Documents of parted components carry the kept copy batch dedup's rule gives them."""
    degree: Counter[int] = Counter()
    for edge in contents.edges:
        degree.update((edge.a, edge.b))
    gid_of = {d.seq: d.gid for d in contents.docs}
    label_of = {g.gid: g.cluster for g in contents.groups}
    marked: dict[int, list[DocRow]] = defaultdict(list)
    for doc in contents.docs:
        if doc.kept is not None:
            marked[label_of[doc.gid]].append(doc)
    problems = []
    parted = []
    for row in contents.clusters:
        if is_star(row.groups, degree[gid_of[row.kept]]) or not parts_chains(config):
            problems += [
                f"document {d.id!r}: given its own kept copy in a whole cluster"
                for d in marked[row.label]
            ]
        else:
            parted.append(row)
    heads = {row.kept for row in parted}
    for doc, kept in assign_stored(store, [row.label for row in parted], config):
        expected = None if kept.seq in heads else kept.seq
        if doc.kept != expected:
            problems.append(
                f"document {doc.id!r}: kept copy #{doc.kept}, the rules give #{expected}"
            )
    return problems
