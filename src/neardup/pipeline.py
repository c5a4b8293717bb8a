"""Batch dedup: the stages of DESIGN.md composed over records in memory.

read -> normalize -> shingle -> sketch -> band -> candidates -> verify ->
cluster -> keep. Records whose normalised texts are identical are grouped
first; only one of each group goes through LSH, which keeps huge buckets of
exact copies from turning into quadratic candidate lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from neardup._hashing import U64Array, string_hash64
from neardup.cluster import components
from neardup.config import DedupConfig
from neardup.keep import Candidate, choose_kept
from neardup.lsh import Banding, band_keys, candidate_pairs, optimal_banding
from neardup.minhash import Permutations, signatures
from neardup.progress import NullProgress, Progress, StageClock
from neardup.result import DedupResult
from neardup.text.normalize import normalize
from neardup.text.shingle import shingle
from neardup.types import Assignment, Record
from neardup.verify import estimated_similarities, pair_similarities, similarity

_READ_REPORT_EVERY = 1000
# Shortest abridgement aimed for, as a fraction of its story (heavy reprints keep 45%).
_ABRIDGED_FRACTION = 0.45


@dataclass
class Prepared:
    """Per-document state kept between stages: no texts, only what matching needs."""

    candidates: list[Candidate] = field(default_factory=list)
    shingle_sets: list[U64Array] = field(default_factory=list)
    exact_keys: list[int] = field(default_factory=list)


def choose_banding(config: DedupConfig) -> Banding:
    """bands x rows in force: given explicitly, or optimal for the LSH threshold."""
    if config.bands is not None and config.rows is not None:
        return Banding(config.bands, config.rows)
    return optimal_banding(lsh_threshold(config), config.minhash.num_perm)


def lsh_threshold(config: DedupConfig) -> float:
    """Where candidate recall should be high.

    LSH finds pairs by Jaccard, which is at most containment: a copy keeping
    a fraction ``f`` of its story has Jaccard about ``f`` times its
    containment, so for containment the candidate point sits that much lower.
    """
    if config.lsh_threshold is not None:
        return config.lsh_threshold
    if config.similarity == "containment":
        return max(0.05, config.threshold * _ABRIDGED_FRACTION)
    return config.threshold


def prepare(
    records: Iterable[Record], config: DedupConfig, clock: StageClock, progress: Progress
) -> Prepared:
    prepared = Prepared()
    progress.start("read + shingle")
    pending = 0
    for position, record in enumerate(records):
        with clock.stage("normalize"):
            text = normalize(record.text, config.normalize)
        with clock.stage("shingle"):
            prepared.shingle_sets.append(shingle(text, config.shingle))
        prepared.exact_keys.append(string_hash64(text))
        value = record.fields.get(config.keep_field) if config.keep_field else None
        prepared.candidates.append(Candidate(record.id, position, len(record.text), value))
        pending += 1
        if pending == _READ_REPORT_EVERY:
            progress.advance(pending)
            pending = 0
    progress.advance(pending)
    progress.finish()
    return prepared


def exact_representatives(keys: list[int]) -> NDArray[np.int64]:
    """For each document, the first document with the same normalised text."""
    first: dict[int, int] = {}
    return np.fromiter(
        (first.setdefault(key, index) for index, key in enumerate(keys)),
        dtype=np.int64,
        count=len(keys),
    )


def near_duplicate_edges(
    prepared: Prepared,
    reps: NDArray[np.int64],
    config: DedupConfig,
    banding: Banding,
    clock: StageClock,
    counts: dict[str, int],
) -> tuple[NDArray[np.int64], NDArray[np.uint32]]:
    """Verified edges between exact-group representatives, as document indices."""
    unique = np.flatnonzero(reps == np.arange(reps.size))
    sets = [prepared.shingle_sets[i] for i in unique]
    with clock.stage("sketch"):
        sigs = signatures(sets, Permutations.from_config(config.minhash))
    with clock.stage("band"):
        keys = band_keys(sigs, banding)
        empty = np.fromiter((s.size == 0 for s in sets), dtype=bool, count=len(sets))
        pairs = candidate_pairs(keys, skip=empty)
    counts["candidate_pairs"] = len(pairs)
    with clock.stage("verify"):
        if config.verify:
            sims = pair_similarities(pairs, sets, config.similarity)
        else:
            sizes = np.fromiter((s.size for s in sets), dtype=np.int64, count=len(sets))
            sims = estimated_similarities(pairs, sigs, sizes, config.similarity)
        pairs = pairs[sims >= config.threshold]
    counts["verified_edges"] = len(pairs)
    return unique[pairs], sigs


Scorer = Callable[[int, int], float]


def assign(
    prepared: Prepared, labels: NDArray[np.int64], config: DedupConfig, score: Scorer
) -> list[Assignment]:
    """Pick the kept copy of every cluster and say how close each member is to it."""
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        members.setdefault(label, []).append(index)
    kept_of = {
        label: choose_kept([prepared.candidates[i] for i in group], config).position
        for label, group in members.items()
    }
    rows = []
    for index, candidate in enumerate(prepared.candidates):
        kept = kept_of[int(labels[index])]
        kept_id = prepared.candidates[kept].id
        if index == kept:
            rows.append(Assignment(candidate.id, kept_id, True, None, None))
        else:
            similarity_to_kept = round(score(index, kept), 6)
            rows.append(Assignment(candidate.id, kept_id, False, kept_id, similarity_to_kept))
    return rows


def similarity_scorer(
    prepared: Prepared, reps: NDArray[np.int64], sigs: NDArray[np.uint32], config: DedupConfig
) -> Scorer:
    """Similarity of two documents as the run measured it: exact, or from signatures."""
    sets = prepared.shingle_sets
    sig_row = np.cumsum(reps == np.arange(reps.size)) - 1  # representative -> its signature row

    def score(left: int, right: int) -> float:
        if reps[left] == reps[right]:
            return 1.0
        if config.verify:
            return similarity(sets[left], sets[right], config.similarity)
        rows = sig_row[[reps[left], reps[right]]]
        sizes = np.array([sets[left].size, sets[right].size], dtype=np.int64)
        pair = np.array([[0, 1]])
        return float(estimated_similarities(pair, sigs[rows], sizes, config.similarity)[0])

    return score


def run_dedup(
    records: Iterable[Record],
    config: DedupConfig,
    *,
    progress: Progress | None = None,
) -> DedupResult:
    """Cluster ``records`` and choose the copy to keep; touches no files."""
    progress = progress or NullProgress()
    clock = StageClock()
    banding = choose_banding(config)
    with clock.stage("total"):
        prepared = prepare(records, config, clock, progress)
        reps = exact_representatives(prepared.exact_keys)
        counts = {"records": len(prepared.candidates)}
        counts["exact_duplicates"] = int(np.count_nonzero(reps != np.arange(reps.size)))
        progress.start("match")
        edges, sigs = near_duplicate_edges(prepared, reps, config, banding, clock, counts)
        progress.finish()
        with clock.stage("cluster"):
            exact_edges = np.stack((reps, np.arange(reps.size)), axis=1)[
                reps != np.arange(reps.size)
            ]
            labels = components(reps.size, np.concatenate((edges, exact_edges)))
        with clock.stage("keep"):
            rows = assign(prepared, labels, config, similarity_scorer(prepared, reps, sigs, config))
    kept = sum(row.kept for row in rows)
    counts.update(kept=kept, removed=len(rows) - kept)
    counts["clusters_with_duplicates"] = len({r.cluster for r in rows if not r.kept})
    return DedupResult(rows, config, banding, counts, clock.rounded())
