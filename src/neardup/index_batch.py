"""One batch through the index: links -> clusters -> outcomes (-> rows to write).

Documents are settled one after another in batch order, so a batch added at
once ends exactly as if its documents had been added one by one; a query
batch settles each document against the index alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson

from neardup.config import DedupConfig
from neardup.errors import InputError
from neardup.features import Features
from neardup.index_assign import hypothetical, is_star, parts_chains, twins, whole_around
from neardup.index_clusters import ClusterBook, ClusterChanges, StoredClusters, candidate
from neardup.index_match import Links
from neardup.index_pool import Pool
from neardup.index_types import Match, Outcome
from neardup.keep import Candidate
from neardup.store.base import (
    ClusterRow,
    DocRow,
    EdgeRow,
    GroupRow,
    GroupSets,
    IndexSettings,
    IndexStore,
    NewDoc,
    NewGroup,
)
from neardup.types import Record


@dataclass
class Settled:
    """What a batch produced: outcomes (``query``), or the rows that add it (``add``)."""

    outcomes: list[Outcome] = field(default_factory=list)
    matches: list[list[Match]] = field(default_factory=list)  # per document
    roots: list[int] = field(default_factory=list)  # per document: its cluster in the book
    docs: list[NewDoc] = field(default_factory=list)
    groups: list[NewGroup] = field(default_factory=list)
    edges: list[EdgeRow] = field(default_factory=list)
    changes: ClusterChanges | None = None


@dataclass
class _Neighbourhood:
    """Members and edges of the groups a batch touches: stored ones, then the batch's own."""

    members: dict[int, list[DocRow]] = field(default_factory=dict)
    adjacency: dict[int, list[tuple[int, float]]] = field(default_factory=dict)

    def matches(self, gid: int, similarity: float) -> list[Match]:
        return [Match(d.id, similarity) for d in self.members.get(gid, [])]


def round_similarity(value: float) -> float:
    return round(value, 6)  # as batch dedup writes similarities


def _neighbourhood(store: IndexStore, links: Links) -> _Neighbourhood:
    joined = sorted(
        {g for g, made in zip(links.group_of, links.creates, strict=True) if not made}
        & set(links.stored)
    )
    hood = _Neighbourhood()
    for edge in store.edges(joined):
        hood.adjacency.setdefault(edge.a, []).append((edge.b, edge.similarity))
        hood.adjacency.setdefault(edge.b, []).append((edge.a, edge.similarity))
    wanted = set(joined)
    wanted.update(h for g in joined for h, _ in hood.adjacency.get(g, []))
    wanted.update(h for pairs in links.neighbours.values() for h, _ in pairs if h in links.stored)
    for doc in store.docs_in_groups(sorted(wanted)):
        hood.members.setdefault(doc.gid, []).append(doc)
    return hood


def settle(
    store: IndexStore,
    records: Sequence[Record],
    features: Features,
    links: Links,
    settings: IndexSettings,
    *,
    chain: bool,
    first_seq: int,
    text_field: str = "text",
) -> Settled:
    """Each document's matches and cluster, in batch order.

    With ``chain`` (``add``), the rows that add the batch; the outcomes are
    made once they are written (:func:`outcomes_after`). Otherwise
    (``query``) the outcomes, each as if that document alone were added.
    """
    config = settings.config
    book = ClusterBook(StoredClusters.load(store, links.stored.values()), links.stored, config)
    hood = _neighbourhood(store, links)
    result = Settled()
    kept: list[Candidate] = []
    for j, record in enumerate(records):
        gid = links.group_of[j]
        member = Candidate(
            record.id, first_seq + j, len(record.text), _keep_value(record, config), not chain
        )
        current = book if chain else book.fork()
        if links.creates[j]:
            root = current.create(gid, member)
            direct = links.neighbours.get(gid, [])
            for other, _ in direct:
                root = current.merge(root, current.root_of_group(other))
            matches: list[Match] = []
        else:
            root = current.root_of_group(gid)
            current.add(root, member, gid)
            direct = hood.adjacency.get(gid, [])
            matches = hood.matches(gid, 1.0)
        for other, similarity in direct:
            matches += hood.matches(other, round_similarity(similarity))
        matches.sort(key=lambda m: (-m.similarity, m.id))
        result.matches.append(matches)
        result.roots.append(root)
        if chain:
            _remember(hood, links, j, gid, member)
        else:
            kept.append(_queried_kept(store, features, links, current, root, j, member, config))
    if chain:
        result.roots = [book.find(root) for root in result.roots]  # after later merges
        _rows_to_write(result, records, features, links, settings, book, first_seq, text_field)
    else:
        result.outcomes = _query_outcomes(
            store, features, records, links, book, kept, result, first_seq, config
        )
    return result


def _queried_kept(
    store: IndexStore,
    features: Features,
    links: Links,
    book: ClusterBook,
    root: int,
    j: int,
    member: Candidate,
    config: DedupConfig,
) -> Candidate:
    """The kept copy a queried document would get: its cluster's, unless the rule parts it."""
    kept = book.kept(root)
    if not parts_chains(config) or book.size(root) == 1:
        return kept
    gid = links.group_of[j]
    kept_gid = book.gid_at[kept.position]
    new_edges = [(gid, other) for other, _ in links.neighbours.get(gid, [])]
    degree = sum(kept_gid in edge for edge in new_edges)
    if kept_gid != gid:
        degree += len(store.edges([kept_gid]))
    if is_star(book.size(root), degree):
        return kept
    row = DocRow(member.position, member.id, gid, member.length, member.field_value)
    labels = book.stored_labels(root)
    chosen = hypothetical(store, features, j, row, labels, new_edges, config)
    book.gid_at[chosen.seq] = chosen.gid
    return candidate(chosen)


def _query_outcomes(
    store: IndexStore,
    features: Features,
    records: Sequence[Record],
    links: Links,
    book: ClusterBook,
    kept: list[Candidate],
    result: Settled,
    first_seq: int,
    config: DedupConfig,
) -> list[Outcome]:
    kept_gids = [book.gid_at[k.position] for k in kept]
    made = zip(links.group_of, links.creates, strict=True)
    creator = {g: j for j, (g, new) in enumerate(made) if new}
    to_kept = _kept_similarity(store, features, links, creator, kept_gids, config)
    return [
        outcome(record.id, k.position == first_seq + j, k.id, result.matches[j], to_kept[j])
        for j, (record, k) in enumerate(zip(records, kept, strict=True))
    ]


def outcomes_after(
    store: IndexStore,
    records: Sequence[Record],
    features: Features,
    links: Links,
    settled: Settled,
    apart: dict[int, DocRow],
    first_seq: int,
) -> list[Outcome]:
    """Outcomes of an added batch once it is written: each document's cluster and kept
    copy as they now stand (for a batch of one: right after it)."""
    assert settled.changes is not None
    rows = {row.label: row for row in settled.changes.rows}
    heads = [rows[settled.changes.label_of_root[root]].kept for root in settled.roots]
    found = store.docs_by_seq(sorted(set(heads)))
    kept = [apart.get(first_seq + j, found[seq]) for j, seq in enumerate(heads)]
    made = zip(links.group_of, links.creates, strict=True)
    creator = {gid: j for j, (gid, new) in enumerate(made) if new}
    kept_gids = [k.gid for k in kept]
    to_kept = _kept_similarity(store, features, links, creator, kept_gids, store.settings.config)
    return [
        outcome(record.id, k.seq == first_seq + j, k.id, settled.matches[j], to_kept[j])
        for j, (record, k) in enumerate(zip(records, kept, strict=True))
    ]


def whole_check(
    store: IndexStore,
    records: Sequence[Record],
    features: Features,
    links: Links,
    settled: Settled,
    first_seq: int,
) -> Callable[[list[ClusterRow]], set[int]]:
    """For :func:`~neardup.index_assign.settle_assignments`: clusters that kept their kept copy
    and whose new groups all join its part stay as they were, plus the new groups.

    Batch dedup's rule keeps a group with the kept copy when the pair passes the relaxed
    test; that decides nothing for the other groups unless the new group is a near-identical
    twin of one outside the kept copy's part (it would pull it in), or a document joined a
    group outside it. Anything else is worked out whole.
    """
    changes = settled.changes
    assert changes is not None
    config = store.settings.config
    made = zip(links.group_of, links.creates, strict=True)
    creator = {gid: j for j, (gid, new) in enumerate(made) if new}
    joined: dict[int, set[int]] = {}
    for j, gid in enumerate(links.group_of):
        if not links.creates[j] and gid in links.stored:
            joined.setdefault(changes.label_of_root[settled.roots[j]], set()).add(gid)

    def row_of(j: int) -> DocRow:
        record = records[j]
        value = _keep_value(record, config)
        return DocRow(first_seq + j, record.id, links.group_of[j], len(record.text), value)

    def apart(label: int) -> set[int]:
        gids = [g.gid for g in store.groups_in_cluster(label)]
        return {d.gid for d in store.docs_in_groups(gids) if d.kept is not None}

    def check(rows: list[ClusterRow]) -> set[int]:
        eligible = [r for r in rows if r.label in changes.fresh_only]
        outside = {r.label: apart(r.label) for r in eligible if r.split}
        eligible = [
            r for r in eligible if not joined.get(r.label, set()) & outside.get(r.label, set())
        ]
        if not eligible:
            return set()
        stored = store.docs_by_seq([r.kept for r in eligible if r.kept < first_seq])
        pairs = [
            (g, h)
            for r in eligible
            for g in changes.fresh_only[r.label]
            for h, _ in links.neighbours.get(g, [])
            if h in outside.get(r.label, set())
        ]
        wanted = [d.gid for d in stored.values()] + [h for _, h in pairs]
        pool, _ = Pool.build(
            store, features, np.array(wanted, dtype=np.int64), config, sequences=True
        )
        pulled = _pulling(pool, pairs, creator, config)
        graphs = []
        for row in eligible:
            if row.kept >= first_seq:
                head = (row_of(row.kept - first_seq), row.kept - first_seq)
            else:
                doc = stored[row.kept]
                head = (doc, int(pool.nodes(np.array([doc.gid]))[0]))
            members = [(row_of(creator[g]), creator[g]) for g in changes.fresh_only[row.label]]
            graphs.append((head, [m for m in members if m[0].gid != head[0].gid]))
        flags = whole_around(pool, graphs, config)
        return {
            row.label
            for row, ok in zip(eligible, flags, strict=True)
            if ok and not pulled & set(changes.fresh_only[row.label])
        }

    return check


def _pulling(
    pool: Pool, pairs: list[tuple[int, int]], creator: dict[int, int], config: DedupConfig
) -> set[int]:
    """New groups that are twins of a stored group outside the kept copy's part."""
    if not pairs:
        return set()
    others = pool.nodes(np.array([h for _, h in pairs], dtype=np.int64))
    nodes = np.stack((np.array([creator[g] for g, _ in pairs], dtype=np.int64), others), axis=1)
    hits = twins(pool, nodes, config)
    return {g for (g, _), hit in zip(pairs, hits.tolist(), strict=True) if hit}


def _remember(hood: _Neighbourhood, links: Links, j: int, gid: int, member: Candidate) -> None:
    """Later documents of the batch see this one as indexed."""
    row = DocRow(member.position, member.id, gid, member.length, member.field_value)
    hood.members.setdefault(gid, []).append(row)
    if links.creates[j]:
        for other, similarity in links.neighbours.get(gid, []):
            hood.adjacency.setdefault(other, []).append((gid, similarity))
            hood.adjacency.setdefault(gid, []).append((other, similarity))


def _keep_value(record: Record, config: DedupConfig) -> Any:
    return record.fields.get(config.keep_field) if config.keep_field else None


def outcome(
    doc_id: str, is_kept: bool, kept_id: str, matches: list[Match], similarity: float
) -> Outcome:
    return Outcome(
        id=doc_id,
        duplicate=bool(matches),
        cluster=kept_id,
        kept=is_kept,
        duplicate_of=None if is_kept else kept_id,
        similarity=None if is_kept else similarity,
        matches=tuple(matches),
    )


def _kept_similarity(
    store: IndexStore,
    features: Features,
    links: Links,
    creator: dict[int, int],
    kept_gids: list[int],
    config: DedupConfig,
) -> list[float]:
    """Each document's similarity to its cluster's kept copy (1.0 within a group)."""
    first_of = {gid: j for j, gid in reversed(list(enumerate(links.group_of)))}
    first_of.update(creator)  # a group of the batch: the document that made it
    out = [1.0] * len(kept_gids)
    pending = [(j, gid) for j, gid in enumerate(kept_gids) if gid != links.group_of[j]]
    stored = [gid for _, gid in pending if gid not in first_of]
    pool, _ = Pool.build(store, features, np.array(stored, dtype=np.int64), config)
    if not pending:
        return out
    nodes = [first_of.get(gid, -1) for _, gid in pending]
    others = np.array(nodes, dtype=np.int64)
    outside = others < 0
    others[outside] = pool.nodes(np.array(stored, dtype=np.int64))
    pairs = np.stack((np.array([j for j, _ in pending], dtype=np.int64), others), axis=1)
    scores = pool.scores(pairs, config).similarity
    for (j, _), value in zip(pending, scores.tolist(), strict=True):
        out[j] = round_similarity(value)
    return out


def _rows_to_write(
    result: Settled,
    records: Sequence[Record],
    features: Features,
    links: Links,
    settings: IndexSettings,
    book: ClusterBook,
    first_seq: int,
    text_field: str,
) -> None:
    changes = book.changes()
    result.changes = changes
    layout = Layout(features)
    for j, record in enumerate(records):
        gid = links.group_of[j]
        result.docs.append(new_doc(record, first_seq + j, gid, settings, text_field))
        if links.creates[j]:
            result.groups.append(layout.group(j, gid, changes.label_of[gid]))
            result.edges += [
                EdgeRow(min(gid, other), max(gid, other), similarity)
                for other, similarity in links.neighbours.get(gid, [])
            ]


def new_doc(record: Record, seq: int, gid: int, settings: IndexSettings, text_field: str) -> NewDoc:
    """The row that stores ``record``: what matching reads, its other fields, its text if kept."""
    row = DocRow(seq, record.id, gid, len(record.text), _keep_value(record, settings.config))
    fields = dict(record.fields)
    fields.pop(text_field, None)
    text = record.text if settings.store_text else None
    return NewDoc(row, fields, text, _fields_json(record, fields))


def _fields_json(record: Record, fields: dict[str, Any]) -> str:
    try:
        return orjson.dumps(fields).decode()
    except (TypeError, orjson.JSONEncodeError):
        pass  # a lone surrogate, an integer past 64 bits, NaN: the standard library stores them
    try:
        return json.dumps(fields)  # ASCII escapes: a lone surrogate still stores
    except (TypeError, ValueError) as error:
        raise InputError(
            record.source,
            f"a field cannot be stored as JSON ({error})",
            line=record.line,
            hint="give fields JSON values (strings, numbers, lists, objects)",
            record_id=record.id,
        ) from error


class Layout:
    """A batch's arrays sliced per document without copies (views into the batch)."""

    def __init__(self, features: Features) -> None:
        self.features = features
        self.sets = features.set_offsets.tolist()
        self.sequences = features.sequence_offsets.tolist()
        self.numbers = features.number_offsets.tolist()
        self.paragraphs = features.paragraph_offsets.tolist()
        self.keys = features.text_keys.tolist()
        self.bands = np.ascontiguousarray(features.band_keys.T)  # a row per document

    def group(self, j: int, gid: int, label: int) -> NewGroup:
        f = self.features
        shingles = f.sets[self.sets[j] : self.sets[j + 1]]
        sequence = f.sequences[self.sequences[j] : self.sequences[j + 1]]
        numbers = f.numbers[self.numbers[j] : self.numbers[j + 1]]
        paragraphs = f.paragraphs[self.paragraphs[j] : self.paragraphs[j + 1]]
        words = f.words[self.sequences[j] : self.sequences[j + 1]] if f.words.size else None
        signature = None if f.signatures is None else f.signatures[j]
        row = GroupRow(gid, int(self.keys[j]), label, int(shingles.size))
        sets = GroupSets(shingles, sequence, signature, numbers, paragraphs, words)
        return NewGroup(row, sets, self.bands[j])
