"""Which stored groups a batch of new documents links to: candidates and verify, incrementally.

The stages are batch dedup's own: :class:`~neardup.features.Featurizer` made
the features, :func:`~neardup.lsh.candidate_pairs` pairs documents of the
batch, the stored band keys are probed for the rest, and
:func:`~neardup.verify.pair_similarities` (or ``estimated_similarities``)
with :meth:`~neardup.verify.PairScores.accepted` decides. As in batch dedup,
only one document per exact-text group takes part in LSH (here: the first
document of a text the index has not seen), documents with an empty shingle
set match only exact copies, and a bucket of more than
:data:`~neardup.lsh.MAX_BUCKET` groups is linked as a star on its first
member plus a chain: a new document is checked against the bucket's first
and last members only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from neardup.arrays import sorted_unique
from neardup.config import DedupConfig
from neardup.features import Features
from neardup.index_pool import Pool, no_features
from neardup.lsh import MAX_BUCKET, candidate_pairs
from neardup.store.base import GroupRow, IndexStore, band_codes

I64Array = NDArray[np.int64]


@dataclass
class Links:
    """Where each document of a batch goes, and the verified edges of its new groups."""

    group_of: list[int]  # gid per document (new groups numbered from the store's next gid)
    creates: list[bool]  # document j is the first of a text the index has not seen
    # new gid -> [(gid, similarity)] of the groups it is verified to duplicate
    neighbours: dict[int, list[tuple[int, float]]] = field(default_factory=dict)
    stored: dict[int, GroupRow] = field(default_factory=dict)  # stored groups met on the way


def link_batch(
    store: IndexStore, features: Features, config: DedupConfig, *, chain: bool, next_gid: int
) -> Links:
    """Groups and verified edges of a batch.

    ``chain``: later documents of the batch may match earlier ones (``add``,
    as if added one by one); otherwise each is matched with the index alone
    (``query``).
    """
    keys = [int(k) for k in features.text_keys.tolist()]
    stored = store.groups_by_key(sorted(set(keys)))
    links = Links([], [], stored={g.gid: g for g in stored.values()})
    fresh: dict[int, int] = {}
    for key in keys:
        if key in stored:
            links.group_of.append(stored[key].gid)
            links.creates.append(False)
        elif chain and key in fresh:
            links.group_of.append(fresh[key])
            links.creates.append(False)
        else:
            fresh[key] = next_gid
            links.group_of.append(next_gid)
            links.creates.append(True)
            next_gid += 1
    _verify_candidates(store, features, config, links, chain)
    return links


def _verify_candidates(
    store: IndexStore, features: Features, config: DedupConfig, links: Links, chain: bool
) -> None:
    sizes = np.diff(features.set_offsets)
    active = np.array(links.creates, dtype=bool) & (sizes > 0)
    with_stored = _stored_candidates(store, features, active)
    pool, live = Pool.build(store, features, with_stored[:, 1], config)
    with_stored = with_stored[live[pool.nodes(with_stored[:, 1]) - len(links.group_of)]]
    in_batch = np.empty((0, 2), np.int64)
    if chain and np.count_nonzero(active) > 1:
        in_batch = candidate_pairs(iter(features.band_keys), active)
    stored_pairs = np.stack((with_stored[:, 0], pool.nodes(with_stored[:, 1])), axis=1)
    pairs = np.concatenate((stored_pairs, in_batch[:, ::-1])).astype(np.int64)
    if pairs.size == 0:
        return
    scores = pool.scores(pairs, config)
    ok = scores.accepted(config)  # pipeline.duplicates asks this first; it then looks closer
    count = len(with_stored)
    if ok.any():
        # older document first, as batch dedup orders its pairs (the passage check of two
        # sets of one size depends on the order): stored before new, earlier before later
        older_first = np.ascontiguousarray(pairs[ok][:, ::-1])
        ok[ok] = _confirm(store, features, older_first, with_stored[ok[:count], 1], config)
    targets = np.concatenate((with_stored[:, 1], np.array(links.group_of)[in_batch[:, 0]]))
    accepted = np.flatnonzero(ok)
    visible = store.groups(sorted_unique(with_stored[ok[:count], 1]).tolist())
    links.stored.update(visible)
    group_of = links.group_of
    for k, doc, target, similarity in zip(
        accepted.tolist(),
        pairs[accepted, 0].tolist(),
        targets[accepted].tolist(),
        scores.similarity[accepted].tolist(),
        strict=True,
    ):
        if k < count and target not in visible:
            continue  # in the band index, not (or no longer) in this snapshot
        links.neighbours.setdefault(group_of[doc], []).append((target, similarity))


def _confirm(
    store: IndexStore,
    features: Features,
    pairs: I64Array,
    stored_gids: I64Array,
    config: DedupConfig,
) -> NDArray[np.bool_]:
    """Batch dedup's acceptance of pairs similar enough; sequences are read for them only.

    ``pairs`` lists first the pairs of a stored group (its gid in ``stored_gids``, its
    node to be filled in, first) and a batch document, then pairs within the batch.
    """
    pool, _ = Pool.build(store, features, stored_gids, config, sequences=True)
    pairs = pairs.copy()
    pairs[: stored_gids.size, 0] = pool.nodes(stored_gids)
    return pool.accept(pairs, config)[1]


def _stored_candidates(
    store: IndexStore, features: Features, active: NDArray[np.bool_]
) -> I64Array:
    """``(document, stored gid)`` pairs sharing a band key, big buckets cut to first + last."""
    docs = np.flatnonzero(active)
    if docs.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    bands = features.band_keys.shape[0]
    codes = band_codes(features.band_keys[:, docs]).T.reshape(-1)  # document-major
    where, gids = store.band_hits(codes)
    if where.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, where[1:] != where[:-1]])
    counts = np.diff(np.r_[starts, where.size])
    rank = np.arange(where.size) - np.repeat(starts, counts)
    size = np.repeat(counts, counts)
    keep = (size < MAX_BUCKET) | (rank == 0) | (rank == size - 1)  # with it, size + 1
    code = sorted_unique(docs[where[keep] // bands] * (1 << 32) + gids[keep])
    return np.stack((code >> 32, code & 0xFFFFFFFF), axis=1).astype(np.int64)


def score_stored_pairs(
    store: IndexStore, pairs: Sequence[tuple[int, int]], config: DedupConfig
) -> list[float]:
    """Similarity of pairs of stored groups (0.0 when a group is gone), rounded as batch does."""
    if not pairs:
        return []
    flat = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    pool, live = Pool.build(store, no_features(config), flat.reshape(-1), config)
    nodes = pool.nodes(flat.reshape(-1)).reshape(-1, 2)
    present = live[nodes[:, 0]] & live[nodes[:, 1]]
    scores = np.round(pool.scores(nodes, config).similarity, 6)
    found: list[float] = np.where(present, scores, 0.0).tolist()
    return found
