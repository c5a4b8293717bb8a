"""Is the rest of the larger text about what it shares? The signal of ``--semantic``, measured.

On the held-out sets of ``heldout.py`` one to three quoting documents in 250 join the article
they quote. Each time the quoted paragraph is most of that article and opens the quoting one,
so the pair has the shape of a copy whose original ran on past it: the larger text holds text
of its own after the shared part. By shingles and where they sit, an original's cut paragraphs
and a quoter's own story cannot be told apart (see docs/quality.md, "The held-out quotes that join");
what they are about can. This measures the signal the optional semantic stage
(``neardup dedup --semantic``, :mod:`neardup.semantic`) uses: the cosine of all-MiniLM-L6-v2
embeddings between the shared part of the larger text and its own tail (200 words of each,
next to the boundary), read as the stage reads them, on

- every true pair of each labelled set whose larger text holds 30 words or more of its own
  after the shared part (furniture lines, as the labeller finds them, left out first);
- every quoting document ``neardup dedup`` (defaults) puts in a cluster, with each document
  of another story in that cluster (the quoter, the longest, is often its kept copy).

    pip install torch==2.13.0 'neardup[semantic]'       # torch 2.13.0: the CPU build
    python benchmarks/tail_topic.py ../shared/bench/syndication-dev.jsonl.gz \\
        /tmp/heldout-1.jsonl /tmp/heldout-2.jsonl /tmp/heldout-3.jsonl

Embedding the ~3,500 true pairs of the dev set takes about three minutes on two cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from explain_accuracy import read_jsonl  # sibling scripts, not a package
from quality import run_neardup

from neardup.config import DedupConfig
from neardup.semantic import load_embedder
from neardup.semantic import shared_and_tail as shape
from neardup.semantic import words as stage_words

THRESHOLDS = (0.15, 0.2, 0.25, 0.3)
_CONFIG = DedupConfig()


def shared_and_tail(text_a: str, text_b: str) -> tuple[str, str] | None:
    """The larger text's shared part and its own tail, as ``neardup --semantic`` reads them."""
    return shape(stage_words(text_a, _CONFIG), stage_words(text_b, _CONFIG))


def true_pairs(records: list[dict[str, Any]]) -> Iterator[tuple[int, int]]:
    members = defaultdict(list)
    for index, record in enumerate(records):
        members[record["cluster"]].append(index)
    for indices in members.values():
        yield from combinations(indices, 2)


def joined_quotes(path: Path, records: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """(quoting document, another story's document) for each pair ``neardup dedup`` puts in
    one cluster (a quoter, the longest, is often the cluster's kept copy)."""
    index = {record["id"]: k for k, record in enumerate(records)}
    with tempfile.TemporaryDirectory() as scratch:
        run_neardup(path, Path(scratch) / "out", [])
        rows = read_jsonl(Path(scratch) / "out" / "clusters.jsonl")
    members = defaultdict(list)
    for row in rows:
        members[row["cluster"]].append(index[row["id"]])
    return [
        (q, other)
        for found in members.values()
        for q in found
        if records[q]["level"] == "quote"
        for other in found
        if records[other]["cluster"] != records[q]["cluster"]
    ]


def cosines(embed: Any, spans: list[tuple[str, str]]) -> Any:
    if not spans:
        return np.empty(0)
    shared, tails = embed([s for s, _ in spans]), embed([t for _, t in spans])
    return (shared * tails).sum(axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpora", nargs="+", type=Path, help="labelled JSONL (.gz) files")
    args = parser.parse_args()
    model = load_embedder()
    for path in args.corpora:
        records = read_jsonl(path)
        texts = [r["text"] for r in records]
        spans = [shared_and_tail(texts[a], texts[b]) for a, b in true_pairs(records)]
        true = cosines(model, [s for s in spans if s])
        quotes = [shared_and_tail(texts[q], texts[k]) for q, k in joined_quotes(path, records)]
        joined = cosines(model, [s for s in quotes if s])
        print(f"== {path}: {len(true):,} true pairs of the shape")
        quantiles = np.quantile(true, [0.005, 0.01, 0.05, 0.5]) if len(true) else []
        print("   true pairs, quantiles 0.5/1/5/50 %: " + " ".join(f"{q:.3f}" for q in quantiles))
        print(
            "   true pairs under: " + "  ".join(f"{t}: {int((true < t).sum())}" for t in THRESHOLDS)
        )
        print(f"   joined quotes ({len(quotes)}, {len(joined)} of the shape): "
              + " ".join(f"{c:.3f}" for c in sorted(joined)))  # fmt: skip


if __name__ == "__main__":
    main()
