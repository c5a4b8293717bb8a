"""Which copy each document of a cluster is a duplicate of, by batch dedup's own rule.

Batch dedup does not keep one copy per connected component blindly: a chain
A ~ B ~ C whose far end C is no copy of the kept A is parted
(:func:`neardup.pipeline.assign_kept`, ``DedupConfig.kept_ratio``). The
index calls that very function on one component at a time, whenever a
batch or a removal changed the component, so its clusters stay the ones
``neardup dedup`` draws.

Most components are stars around their kept copy (every other group is a
verified duplicate of the kept one), where the rule keeps everyone with the
kept copy; those are recognised from the kept group's number of edges and
cost nothing more. The others are read whole and assigned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from neardup.config import DedupConfig
from neardup.features import Features
from neardup.index_pool import Pool, no_features
from neardup.passages import NEAR_IDENTICAL  # batch dedup's bound for "twins"
from neardup.pipeline import Collected, assign_kept
from neardup.store.base import ClusterRow, DocRow, IndexStore

I64Array = NDArray[np.int64]


def parts_chains(config: DedupConfig) -> bool:
    """Whether the rule can part a component at all."""
    return config.kept_ratio > 0


def is_star(groups: int, kept_degree: int) -> bool:
    """A component whose kept group has an edge to every other group."""
    return kept_degree >= groups - 1


def surely_central(groups: int, kept_degree: int, config: DedupConfig) -> bool:
    """Whether the rule surely keeps the component's chosen copy in its first round: its
    group has at least ``central_share`` of the edges any group could have, so of any
    group's (``pipeline._outsiders_followers``). Else the component is worked out whole."""
    return kept_degree >= config.central_share * (groups - 1)


def assign(
    pool: Pool,
    docs: Sequence[DocRow],
    node_of: dict[int, int],
    edges: Sequence[tuple[int, int]],
    config: DedupConfig,
) -> list[DocRow]:
    """Each document's kept copy within one component.

    ``docs`` in arrival order; ``node_of`` maps each group id to its node in
    ``pool``; ``edges`` are the component's verified pairs of group ids.
    """
    first: dict[int, int] = {}
    reps = np.array([first.setdefault(d.gid, i) for i, d in enumerate(docs)], dtype=np.int64)
    rep_of = {gid: i for gid, i in first.items()}
    near = np.array([(rep_of[a], rep_of[b]) for a, b in edges], dtype=np.int64).reshape(-1, 2)
    members = np.flatnonzero(reps != np.arange(reps.size))
    exact = np.stack((reps[members], members), axis=1)
    nodes = np.array([node_of[d.gid] for d in docs], dtype=np.int64)
    matching = pool.matching_of(nodes, reps)
    twins = near[_near_identical(pool, nodes, near, config)]
    collected = Collected(
        ids=[d.id for d in docs],
        lengths=[d.length for d in docs],
        field_values=[d.keep_value for d in docs],
    )
    all_edges = np.concatenate((near, exact)).astype(np.int64)
    all_twins = np.concatenate((twins, exact)).astype(np.int64)
    kept = assign_kept(collected, all_edges, all_twins, matching, config)
    return [docs[k] for k in kept.tolist()]


def _near_identical(
    pool: Pool, nodes: I64Array, near: I64Array, config: DedupConfig
) -> NDArray[np.bool_]:
    if near.size == 0:
        return np.zeros(0, dtype=bool)
    return twins(pool, nodes[near], config)


def twins(pool: Pool, pairs: I64Array, config: DedupConfig) -> NDArray[np.bool_]:
    """Pairs of pool nodes batch dedup never parts (they share half their union)."""
    if pairs.size == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(pool.scores(pairs.reshape(-1, 2), config).jaccard >= NEAR_IDENTICAL)


def assign_stored(
    store: IndexStore, labels: Sequence[int], config: DedupConfig
) -> list[tuple[DocRow, DocRow]]:
    """``(document, its kept copy)`` for every document of stored components, all at once
    (the rule works component by component, so one call serves many)."""
    gids = sorted(g.gid for label in labels for g in store.groups_in_cluster(label))
    if not gids:
        return []
    docs = store.docs_in_groups(gids)
    inside = set(gids)
    edges = [(e.a, e.b) for e in store.edges(gids) if e.a in inside and e.b in inside]
    wanted = np.array(gids, np.int64)
    pool, _ = Pool.build(store, no_features(config), wanted, config, sequences=True)
    node_of = dict(zip(gids, pool.nodes(wanted).tolist(), strict=True))
    return list(zip(docs, assign(pool, docs, node_of, edges, config), strict=True))


def settle_assignments(
    store: IndexStore,
    rows: Sequence[ClusterRow],
    config: DedupConfig,
    still_whole: Callable[[list[ClusterRow]], set[int]] | None = None,
) -> dict[int, DocRow]:
    """After a change: give the documents of parted components their own kept copy.

    ``rows`` are the changed components as stored; ``still_whole`` (if
    given) names, among some of them, those it can tell stay whole cheaply.
    Returns the kept copy of every document whose copy is not its
    component's (by seq).
    """
    if not parts_chains(config) or not rows:
        return {}
    kept_docs = store.docs_by_seq([r.kept for r in rows])
    kept_gids = [kept_docs[r.kept].gid for r in rows]
    degree: dict[int, int] = dict.fromkeys(kept_gids, 0)
    for edge in store.edges(kept_gids):
        for end in (edge.a, edge.b):
            if end in degree:
                degree[end] += 1
    star = [is_star(r.groups, degree[g]) for r, g in zip(rows, kept_gids, strict=True)]
    whole = [r for r, s in zip(rows, star, strict=True) if s and r.split]  # parted no more
    parted = [r for r, s in zip(rows, star, strict=True) if not s]
    if still_whole is not None and parted:
        # a parted cluster's parts may come from a round where its kept copy was off-centre
        # (pipeline._outsiders_followers): once central, it may take them back, so it is
        # worked out whole rather than read from what is stored
        readable = [
            r
            for r, g, s in zip(rows, kept_gids, star, strict=True)
            if not s
            and surely_central(r.groups, degree[g], config)
            and not (r.split and config.central_share)
        ]
        known = still_whole(readable)
        parted = [r for r in parted if r.label not in known]
    _clear(store, whole)
    return _part(store, parted, config)


def _clear(store: IndexStore, rows: Sequence[ClusterRow]) -> None:
    gids = [g.gid for row in rows for g in store.groups_in_cluster(row.label)]
    marked = [d.seq for d in store.docs_in_groups(gids) if d.kept is not None]
    store.assign([(seq, None) for seq in marked])
    store.put_clusters([ClusterRow(r.label, r.groups, r.docs, r.kept, False) for r in rows])


def _part(store: IndexStore, rows: Sequence[ClusterRow], config: DedupConfig) -> dict[int, DocRow]:
    if not rows:
        return {}
    pairs = assign_stored(store, [r.label for r in rows], config)
    heads = {r.kept for r in rows}
    apart = {doc.seq: kept for doc, kept in pairs if kept.seq not in heads}
    store.assign([(doc.seq, apart[doc.seq].seq if doc.seq in apart else None) for doc, _ in pairs])
    parted = {d.seq for d in apart.values()} | set(apart)
    split = {r.label: False for r in rows}
    label_of = {g.gid: g.cluster for g in store.groups(sorted({d.gid for d, _ in pairs})).values()}
    for doc, _ in pairs:
        if doc.seq in parted:
            split[label_of[doc.gid]] = True
    store.put_clusters(
        [ClusterRow(r.label, r.groups, r.docs, r.kept, split[r.label]) for r in rows]
    )
    return apart


def whole_around(
    pool: Pool,
    graphs: Sequence[tuple[tuple[DocRow, int], list[tuple[DocRow, int]]]],
    config: DedupConfig,
) -> list[bool]:
    """For each ``(kept, members)`` (documents with their pool nodes, each of a group of
    its own): does the rule keep every member with the kept copy?

    One call of :func:`~neardup.pipeline.assign_kept` over all of them, each a
    star on its kept copy: the kept copy is its component's best, so the rule
    chooses it and then tests each member against it, as it would in the
    whole component.
    """
    entries = sorted(
        (
            (doc, node, k)
            for k, (head, members) in enumerate(graphs)
            for doc, node in [head, *members]
        ),
        key=lambda entry: entry[0].seq,
    )
    index = {(k, doc.seq): i for i, (doc, _, k) in enumerate(entries)}
    edges = [
        (index[(k, head.seq)], index[(k, doc.seq)])
        for k, ((head, _), members) in enumerate(graphs)
        for doc, _ in members
    ]
    nodes = np.array([node for _, node, _ in entries], dtype=np.int64)
    collected = Collected(
        ids=[d.id for d, _, _ in entries],
        lengths=[d.length for d, _, _ in entries],
        field_values=[d.keep_value for d, _, _ in entries],
    )
    matching = pool.matching_of(nodes, np.arange(nodes.size, dtype=np.int64))
    links = np.array(edges, dtype=np.int64).reshape(-1, 2)
    kept = assign_kept(collected, links, np.empty((0, 2), np.int64), matching, config)
    return [
        all(kept[index[(k, doc.seq)]] == index[(k, head.seq)] for doc, _ in members)
        for k, ((head, _), members) in enumerate(graphs)
    ]


def hypothetical(
    store: IndexStore,
    features: Features,
    j: int,
    doc: DocRow,
    labels: Sequence[int],
    new_edges: Sequence[tuple[int, int]],
    config: DedupConfig,
) -> DocRow:
    """The kept copy a queried document would get, were it added (parted components only)."""
    gids = sorted({g.gid for label in labels for g in store.groups_in_cluster(label)})
    inside = set(gids) | {doc.gid}
    docs = sorted([*store.docs_in_groups(gids), doc], key=lambda d: d.seq)
    edges = [(e.a, e.b) for e in store.edges(gids) if e.a in inside and e.b in inside]
    edges += [edge for edge in new_edges if edge not in set(edges)]
    pool, _ = Pool.build(store, features, np.array(gids, np.int64), config, sequences=True)
    node_of = dict(zip(gids, pool.nodes(np.array(gids, np.int64)).tolist(), strict=True))
    node_of.setdefault(doc.gid, j)
    kept = assign(pool, docs, node_of, edges, config)
    return kept[[d.seq for d in docs].index(doc.seq)]
