"""Scores of a clustering against true labels: ARI and pairwise P / R / F1.

All counts come from the contingency table of (true, predicted) labels, so
scoring a million documents needs no pair enumeration. Singletons count:
they add documents, and so change ARI, but no pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


@dataclass(frozen=True)
class Scores:
    documents: int
    ari: float
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    def to_json(self) -> dict[str, float | int]:
        return {
            "documents": self.documents,
            "ari": round(self.ari, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "correct_pairs": self.correct_pairs,
        }


def score(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> Scores:
    """Compare two labellings of the same documents (same order)."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted must label the same documents")
    n = len(truth)
    correct = sum(_pairs(c) for c in Counter(zip(truth, predicted, strict=True)).values())
    true_pairs = sum(_pairs(c) for c in Counter(truth).values())
    predicted_pairs = sum(_pairs(c) for c in Counter(predicted).values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = true_pairs * predicted_pairs / _pairs(n) if n > 1 else 0.0
    ceiling = (true_pairs + predicted_pairs) / 2
    ari = (correct - expected) / (ceiling - expected) if ceiling != expected else 1.0
    return Scores(n, ari, precision, recall, f1, true_pairs, predicted_pairs, correct)


def recall_by_group(
    truth: Sequence[Hashable], predicted: Sequence[Hashable], groups: Sequence[Hashable]
) -> dict[str, float]:
    """Per group (e.g. level): the share of true pairs touching it that were found.

    A pair counts for a group when either document belongs to it, so a hard
    copy's pairs with its original count toward ``hard``.
    """
    members: dict[Hashable, list[int]] = {}
    for index, label in enumerate(truth):
        members.setdefault(label, []).append(index)
    found: Counter[Hashable] = Counter()
    total: Counter[Hashable] = Counter()
    for docs in members.values():
        for x, left in enumerate(docs):
            for right in docs[x + 1 :]:
                hit = predicted[left] == predicted[right]
                for group in {groups[left], groups[right]}:
                    total[group] += 1
                    found[group] += hit
    return {str(g): found[g] / total[g] for g in sorted(total, key=str)}


def wrongly_joined(
    truth: Sequence[Hashable], predicted: Sequence[Hashable], groups: Sequence[Hashable]
) -> dict[str, int]:
    """Per group: documents whose predicted cluster holds another true cluster's document."""
    true_sets: dict[Hashable, set[Hashable]] = {}
    for t, p in zip(truth, predicted, strict=True):
        true_sets.setdefault(p, set()).add(t)
    counts: Counter[str] = Counter()
    for g, p in zip(groups, predicted, strict=True):
        counts[str(g)] += len(true_sets[p]) > 1
    return {g: counts[g] for g in sorted(counts)}
