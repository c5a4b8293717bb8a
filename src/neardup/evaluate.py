"""Scores of a clustering against true labels: ARI and pairwise P / R / F1.

All counts come from the contingency table of (true, predicted) labels, so
scoring a million documents needs no pair enumeration. Singletons count:
they add documents, and so change ARI, but no pairs.

:func:`evaluate_output` scores a finished ``neardup dedup`` output directory
against a labelled corpus: what ``neardup eval`` and ``benchmarks/quality.py`` run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from neardup.config import ReadConfig
from neardup.errors import InputError
from neardup.io.readers import open_inputs, read_records
from neardup.types import Record


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


# --------------------------------------------------------------------------- output dirs

_NO_LEVEL = "(no level)"  # records without the level field still count, in a group of their own
_LABEL_TYPES = (str, int, float, bool)


@dataclass(frozen=True)
class EvalReport:
    """Scores of one output directory against a labelled corpus.

    The per-level dicts are ``None`` when no level field was given, so a
    report says whether levels were asked for, not just that none were found.
    """

    scores: Scores
    recall_by_level: dict[str, float] | None = None
    wrongly_joined_by_level: dict[str, int] | None = None

    def to_json(self) -> dict[str, Any]:
        report: dict[str, Any] = dict(self.scores.to_json())
        if self.recall_by_level is not None:
            report["recall_by_level"] = {k: round(v, 4) for k, v in self.recall_by_level.items()}
        if self.wrongly_joined_by_level is not None:
            report["wrongly_joined_by_level"] = dict(self.wrongly_joined_by_level)
        return report


@dataclass(frozen=True)
class _Labelled:
    """The corpus as the scores need it: ids, true labels and levels, in input order."""

    records: list[Record]
    truth: list[Hashable]
    levels: list[str] | None


def evaluate_output(
    corpus_paths: Sequence[str],
    output_dir: str | Path,
    truth_field: str = "cluster",
    level_field: str | None = None,
    read_config: ReadConfig | None = None,
    *,
    input_format: str | None = None,
) -> EvalReport:
    """Score the clusters ``neardup dedup`` wrote into ``output_dir`` against the corpus's labels.

    The corpus is read with neardup's own readers and ``read_config`` (the
    same ``--id-field`` / ``--on-error`` as the run), so ids match the run's
    ids exactly. Every corpus record must carry ``truth_field`` and appear in
    the clusters table; output rows for ids outside the corpus are ignored.
    """
    read_config = read_config or ReadConfig()
    predicted = read_clusters(output_dir)
    corpus = _read_labelled(corpus_paths, truth_field, level_field, read_config, input_format)
    labels = _predicted_labels(corpus.records, predicted, _clusters_path(Path(output_dir)))
    scores = score(corpus.truth, labels)
    if corpus.levels is None:
        return EvalReport(scores)
    return EvalReport(
        scores,
        recall_by_group(corpus.truth, labels, corpus.levels),
        wrongly_joined(corpus.truth, labels, corpus.levels),
    )


def _read_labelled(
    corpus_paths: Sequence[str],
    truth_field: str,
    level_field: str | None,
    read_config: ReadConfig,
    input_format: str | None,
) -> _Labelled:
    records = list(read_records(open_inputs(corpus_paths, input_format=input_format), read_config))
    truth = [_truth_label(record, truth_field) for record in records]
    if level_field is None:
        return _Labelled(records, truth, None)
    if records and all(record.fields.get(level_field) is None for record in records):
        raise InputError(
            records[0].source,
            f"no record has the level field {level_field!r}",
            hint=f"pass --level-field NAME, or drop it (the first record has: "
            f"{_field_names(records[0])})",
        )
    levels = [_level(record.fields.get(level_field)) for record in records]
    return _Labelled(records, truth, levels)


def _truth_label(record: Record, field: str) -> Hashable:
    value = record.fields.get(field)
    if value is None:
        raise InputError(
            record.source,
            f"record {record.id!r} has no truth field {field!r}",
            line=record.line,
            hint=f"label every record, or pass --truth-field NAME (this record has: {_field_names(record)})",
            record_id=record.id,
        )
    if not isinstance(value, _LABEL_TYPES):
        raise InputError(
            record.source,
            f"truth field {field!r} of record {record.id!r} is {type(value).__name__}, not a label",
            line=record.line,
            hint="store the true cluster as a string or a number",
            record_id=record.id,
        )
    return value


def _level(value: Any) -> str:
    return _NO_LEVEL if value is None else str(value)


def _field_names(record: Record) -> str:
    return ", ".join(repr(name) for name in list(record.fields)[:20]) or "none"


def _predicted_labels(
    records: Sequence[Record], predicted: dict[str, str], clusters_path: Path
) -> list[str]:
    """The output cluster of every corpus record; one missing is an error naming it."""
    missing = [record for record in records if record.id not in predicted]
    if missing:
        first = missing[0]
        raise InputError(
            first.source,
            f"id {first.id!r} is not in {clusters_path} "
            f"({len(missing):,} of {len(records):,} corpus records are missing from it)",
            line=first.line,
            hint="score the output of a dedup run on this corpus, with the same "
            "--id-field, --input-format and --on-error as that run",
            record_id=first.id,
        )
    return [predicted[record.id] for record in records]


# --------------------------------------------------------------------------- clusters table


def read_clusters(output_dir: str | Path) -> dict[str, str]:
    """``id -> cluster`` from the clusters table of a finished ``neardup dedup`` run."""
    path = _clusters_path(Path(output_dir))
    if path.suffix == ".parquet":
        return _read_parquet_clusters(path)
    return _read_jsonl_clusters(path)


def _clusters_path(output_dir: Path) -> Path:
    """``clusters.jsonl`` or ``clusters.parquet``; when both are there, the one
    ``summary.json`` names (a directory reused with another ``--format`` keeps the old one)."""
    found = [output_dir / f"clusters.{ext}" for ext in ("jsonl", "parquet")]
    found = [path for path in found if path.is_file()]
    if len(found) == 1:
        return found[0]
    if not found:
        raise InputError(
            str(output_dir),
            "no clusters.jsonl or clusters.parquet here",
            hint="pass the directory neardup dedup wrote (its -o / --output-dir) after it finished",
        )
    fmt = _summary_format(output_dir)
    if fmt is None:
        raise InputError(
            str(output_dir),
            "holds both clusters.jsonl and clusters.parquet, and no summary.json says which is current",
            hint="remove the stale one, or run neardup dedup again into an empty directory",
        )
    return output_dir / f"clusters.{fmt}"


def _summary_format(output_dir: Path) -> str | None:
    try:
        summary = json.loads((output_dir / "summary.json").read_text(encoding="utf-8"))
        fmt = summary["run"]["output_format"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return fmt if fmt in ("jsonl", "parquet") else None


def _read_jsonl_clusters(path: Path) -> dict[str, str]:
    clusters: dict[str, str] = {}
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                row_id, cluster = _cluster_row(line, path, number)
                clusters[row_id] = cluster
    return clusters


def _cluster_row(line: bytes, path: Path, number: int) -> tuple[str, str]:
    try:
        row = orjson.loads(line)
        return str(row["id"]), str(row["cluster"])
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(
            str(path),
            f"not a clusters row ({type(exc).__name__}: {exc})",
            line=number,
            hint="the table is damaged or not neardup's: run neardup dedup again",
        ) from exc


def _read_parquet_clusters(path: Path) -> dict[str, str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, columns=["id", "cluster"]).to_pydict()
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            str(path),
            f"cannot read the clusters table: {exc}",
            hint="the table is damaged or not neardup's: run neardup dedup again",
        ) from exc
    return {str(i): str(c) for i, c in zip(table["id"], table["cluster"], strict=True)}
