"""Results on real text: what ``neardup dedup`` merges in Reuters, BBC News and 20 Newsgroups.

For each corpus under ``../shared/corpora/`` separately, this runs the real CLI
(default settings unless options follow a ``--``) and prints:

- how many pairs neardup merges (pairs of records in the same output cluster);
- the recall of every pair whose exact word-5-gram Jaccard is >= 0.8, which
  must be 1.0, and the pairs it misses;
- the merged pairs with the lowest lexical overlap, side by side, with the
  longest passage they share, for a person to judge whether they are one story
  (``--each-once``: each document in one pair at most, so one hub of a large
  cluster does not fill the list).

    python benchmarks/real_pairs.py                      # all three corpora
    python benchmarks/real_pairs.py --corpus bbc --json
    python benchmarks/real_pairs.py -- --threshold 0.6   # after --: options for neardup dedup

How the >= 0.8 pairs are found, exactly. A document's shingles are its word
5-grams, words being lowercased ``\\w+`` runs (punctuation and ``>`` quote
markers are not words: this is the definition behind ../shared/README.md's
figures, which whitespace tokens miss: 469 / 149 / 157 pairs instead of
505 / 252 / 157). Each distinct 5-gram gets an exact integer id (a sort of
the token-id tuples, no hashing, so no collisions). Pairs are then found by
prefix filtering (Chaudhuri et al. 2006; Bayardo et al.'s All-Pairs): order
shingles rarest first; if J(A, B) >= t then |A ∩ B| >= t·|A ∪ B| >= ceil(t·|A|),
so the rarest shared shingle lies within the first |A| - ceil(t·|A|) + 1
shingles of A, and likewise of B. Every pair sharing a prefix shingle is a
candidate and is verified with exact integer arithmetic (5·|A∩B| >= 4·|A∪B|),
so the set is exact, not estimated. (Checked once against a brute-force
all-pairs sparse product: identical sets on all three corpora.) Documents of
fewer than five words have no 5-gram and no Jaccard; they are counted apart.

Lexical overlap of a merged pair is the containment of word 5-grams
(shared / smaller set): low containment, not low Jaccard, is what makes a
merge doubtful, since an abridged reprint has low Jaccard but is contained
in its story. Ties are broken by Jaccard.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

SHARED = Path(__file__).resolve().parents[2] / "shared"
NGRAM = 5
THRESHOLD = (4, 5)  # Jaccard >= 4/5, kept as a fraction so every comparison is exact
WORD = re.compile(r"\w+")
SNIPPET = 300  # characters of each text shown for a person to judge
COLUMN = 58  # width of one side of the side-by-side view
CONTAINMENT_BANDS = (0.1, 0.5, 0.8)  # merged pairs are counted between these
BAND_NAMES = ("< 0.1", "0.1-0.5", "0.5-0.8", ">= 0.8")

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class CorpusSpec:
    """Where a corpus is and which fields make a record's id and text."""

    name: str
    path: str  # under ../shared
    id_field: str
    text_fields: tuple[str, ...]
    expected: int  # pairs with word-5-gram Jaccard >= 0.8, as ../shared/README.md states


CORPORA = (
    CorpusSpec("reuters", "corpora/reuters21578.jsonl.gz", "newid", ("body",), 505),
    CorpusSpec("bbc", "corpora/bbc-news.jsonl.gz", "id", ("title", "body"), 157),
    CorpusSpec("20news", "corpora/20news-bydate.jsonl.gz", "id", ("body",), 250),
)


# --------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class Corpus:
    ids: list[str]
    texts: list[str]
    empty: int  # records skipped because their text is empty


def load(spec: CorpusSpec, shared: Path) -> Corpus:
    """Records with a non-empty text; the text fields joined by a blank line (BBC: title + body)."""
    ids: list[str] = []
    texts: list[str] = []
    empty = 0
    with gzip.open(shared / spec.path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            text = "\n\n".join(record[f] for f in spec.text_fields if record.get(f))
            if text.strip():
                ids.append(str(record[spec.id_field]))
                texts.append(text)
            else:
                empty += 1
    return Corpus(ids, texts, empty)


# --------------------------------------------------------------------------- shingles


@dataclass(frozen=True)
class ShingleSets:
    """Each document's distinct word 5-grams as sorted integer ranks (rarest shingle = 0)."""

    values: IntArray  # every document's ranks, concatenated in document order
    starts: IntArray  # document d's ranks are values[starts[d]:starts[d + 1]]

    @property
    def sizes(self) -> IntArray:
        return np.diff(self.starts)

    def of(self, doc: int) -> IntArray:
        return self.values[self.starts[doc] : self.starts[doc + 1]]


def shingle_sets(texts: Sequence[str]) -> ShingleSets:
    """Exact shingle ids (no hashing), then ranks by document frequency, rarest first."""
    grams, owners = _ngrams(texts)
    shingle = _row_ids(grams)
    span = int(shingle.max(initial=0)) + 1
    doc, shingle = np.divmod(np.unique(owners * span + shingle), span)  # distinct per document
    frequency = np.bincount(shingle)
    rank = np.empty_like(frequency)
    rank[np.lexsort((np.arange(len(frequency)), frequency))] = np.arange(len(frequency))
    order = np.lexsort((rank[shingle], doc))
    counts = np.bincount(doc, minlength=len(texts))
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return ShingleSets(rank[shingle][order].astype(np.int64), starts)


def _ngrams(texts: Sequence[str]) -> tuple[npt.NDArray[np.int32], IntArray]:
    """Every word 5-gram as a row of token ids, and the document each comes from."""
    vocabulary: dict[str, int] = {}
    rows: list[npt.NDArray[np.int32]] = [np.empty((0, NGRAM), dtype=np.int32)]
    owners: list[IntArray] = [np.empty(0, dtype=np.int64)]
    for doc, text in enumerate(texts):
        words = WORD.findall(text.lower())
        tokens = np.array([vocabulary.setdefault(w, len(vocabulary)) for w in words], np.int32)
        if len(tokens) >= NGRAM:
            rows.append(np.lib.stride_tricks.sliding_window_view(tokens, NGRAM))
            owners.append(np.full(len(tokens) - NGRAM + 1, doc, dtype=np.int64))
    return np.concatenate(rows), np.concatenate(owners)


def _row_ids(rows: npt.NDArray[np.int32]) -> IntArray:
    """The same id for equal rows, distinct ids otherwise: a sort, so exact."""
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    new = np.concatenate([[True], np.any(ordered[1:] != ordered[:-1], axis=1)])
    ids = np.empty(len(rows), dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return ids


# --------------------------------------------------------------------------- exact pairs


def pairs_within(keys: IntArray, items: IntArray) -> IntArray:
    """Every pair ``(i, j)``, ``i < j``, of ``items`` that share a key, once, as rows."""
    order = np.lexsort((items, keys))
    keys, items = keys[order], items[order]
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    ends = np.concatenate([starts[1:], [len(keys)]])
    later = np.repeat(ends, ends - starts) - np.arange(len(keys)) - 1
    left = np.repeat(np.arange(len(keys)), later)
    step = np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later)
    pairs = np.stack([items[left], items[left + 1 + step]], axis=1)
    pairs.sort(axis=1)
    span = int(items.max(initial=0)) + 1
    unique = np.unique(pairs[:, 0] * span + pairs[:, 1])
    return np.stack(np.divmod(unique, span), axis=1)


def candidate_pairs(sets: ShingleSets) -> IntArray:
    """Pairs sharing a shingle among each one's prefix: a superset of the pairs >= 0.8."""
    num, den = THRESHOLD
    sizes = sets.sizes
    prefix = sizes - (-(num * sizes) // den) + 1  # |A| - ceil(t |A|) + 1
    doc = np.repeat(np.arange(len(sizes)), sizes)
    position = np.arange(len(sets.values)) - sets.starts[doc]
    keep = position < prefix[doc]
    return pairs_within(sets.values[keep], doc[keep])


def similar_pairs(sets: ShingleSets) -> list[tuple[int, int, float]]:
    """Every pair with word-5-gram Jaccard >= 0.8, exactly: ``(a, b, jaccard)``."""
    num, den = THRESHOLD
    sizes = sets.sizes
    pairs = candidate_pairs(sets)
    small, large = np.minimum(*sizes[pairs.T]), np.maximum(*sizes[pairs.T])
    pairs = pairs[den * small >= num * large]  # J <= |small| / |large|
    found = []
    for a, b in pairs.tolist():
        shared = shared_count(sets, a, b)
        union = int(sizes[a] + sizes[b]) - shared
        if den * shared >= num * union:
            found.append((a, b, shared / union))
    return found


def shared_count(sets: ShingleSets, a: int, b: int) -> int:
    return int(np.intersect1d(sets.of(a), sets.of(b), assume_unique=True).size)


def overlap(sets: ShingleSets, a: int, b: int) -> tuple[float, float]:
    """``(containment, jaccard)`` of word 5-grams; 0 when either has none (under five words)."""
    size_a, size_b = int(sets.sizes[a]), int(sets.sizes[b])
    if not size_a or not size_b:
        return 0.0, 0.0
    shared = shared_count(sets, a, b)
    return shared / min(size_a, size_b), shared / (size_a + size_b - shared)


# --------------------------------------------------------------------------- neardup


@dataclass(frozen=True)
class Clustering:
    """neardup's output for the corpus, record by record (in corpus order)."""

    labels: IntArray  # output cluster as a number
    kept: list[str]  # the cluster's kept record
    similarity: list[float | None]  # to the kept record; None for the kept record itself

    def link(self, ids: Sequence[str], a: int, b: int) -> str:
        """How neardup placed the pair: the clusters table records each copy's similarity
        to the kept record only, so a low one there means it joined through a chain."""
        for copy, kept in ((a, b), (b, a)):
            if ids[kept] == self.kept[kept]:
                return (
                    f"{ids[kept]} kept; {ids[copy]} joined it (similarity {self.similarity[copy]})"
                )
        return (
            f"{self.kept[a]} kept; both joined it (similarities {self.similarity[a]}, "
            f"{self.similarity[b]})"
        )


def run_neardup(corpus: Corpus, options: list[str]) -> tuple[Clustering, float]:
    """The real CLI on the corpus: its clusters table, and the seconds it took."""
    with tempfile.TemporaryDirectory(prefix="real-pairs-") as tmp:
        source = Path(tmp) / "corpus.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for record_id, text in zip(corpus.ids, corpus.texts, strict=True):
                out.write(json.dumps({"id": record_id, "text": text}) + "\n")
        script = Path(sys.executable).with_name("neardup")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "neardup"]
        began = time.perf_counter()
        args = [*command, "dedup", str(source), "-o", f"{tmp}/out", "-q", *options]
        subprocess.run([*args, "--format", "jsonl"], check=True)
        seconds = time.perf_counter() - began
        with open(f"{tmp}/out/clusters.jsonl", encoding="utf-8") as handle:
            table: dict[str, dict[str, Any]] = {r["id"]: r for r in map(json.loads, handle)}
    rows = [table[record_id] for record_id in corpus.ids]
    numbers: dict[str, int] = {}
    labels = np.array([numbers.setdefault(r["cluster"], len(numbers)) for r in rows], np.int64)
    return Clustering(
        labels, [r["cluster"] for r in rows], [r["similarity"] for r in rows]
    ), seconds


def merged_pairs(labels: IntArray) -> IntArray:
    """Pairs of documents in the same output cluster."""
    return pairs_within(labels, np.arange(len(labels), dtype=np.int64))


# --------------------------------------------------------------------------- report


def report_corpus(
    spec: CorpusSpec, shared: Path, options: list[str], show: int, each_once: bool = False
) -> dict[str, Any]:
    corpus = load(spec, shared)
    began = time.perf_counter()
    sets = shingle_sets(corpus.texts)
    similar = similar_pairs(sets)
    exact_seconds = time.perf_counter() - began
    clustering, seconds = run_neardup(corpus, options)
    labels = clustering.labels
    merged = merged_pairs(labels)
    missed = [(a, b, j) for a, b, j in similar if labels[a] != labels[b]]
    ranked = sorted((*overlap(sets, a, b), a, b) for a, b in merged.tolist())
    bands = np.searchsorted(CONTAINMENT_BANDS, [pair[0] for pair in ranked], side="right")
    lowest = list(_each_once(ranked) if each_once else ranked)[:show]
    sizes = np.bincount(labels)
    return {
        "corpus": spec.name,
        "documents": len(corpus.ids),
        "skipped_empty": corpus.empty,
        "under_five_words": int(np.count_nonzero(sets.sizes == 0)),
        "options": options,
        "neardup_seconds": round(seconds, 2),
        "merged_pairs": len(merged),
        "clusters_with_copies": int(np.count_nonzero(sizes > 1)),
        "largest_clusters": sorted(sizes.tolist(), reverse=True)[:5],
        "merged_by_containment": _banded(bands),
        "pairs_jaccard_ge_0.8": len(similar),
        "expected_pairs_ge_0.8": spec.expected,
        "exact_pairs_seconds": round(exact_seconds, 2),
        "recall_ge_0.8": round(1 - len(missed) / len(similar), 4) if similar else 1.0,
        "missed": [_missed(corpus, *pair) for pair in missed],
        "lowest_overlap": [_shown(corpus, clustering, *pair) for pair in lowest],
    }


def _banded(bands: IntArray) -> dict[str, int]:
    """Merged pairs counted by word-5-gram containment band: how many rest on little text."""
    counts = np.bincount(bands, minlength=len(BAND_NAMES))
    return {name: int(n) for name, n in zip(BAND_NAMES, counts, strict=True)}


def _each_once(
    ranked: Iterable[tuple[float, float, int, int]],
) -> Iterator[tuple[float, float, int, int]]:
    """Pairs in order, skipping any whose document was already shown: one hub of a big
    cluster would otherwise fill the whole list."""
    seen: set[int] = set()
    for pair in ranked:
        if not seen.intersection(pair[2:]):
            seen.update(pair[2:])
            yield pair


def _missed(corpus: Corpus, a: int, b: int, jaccard: float) -> dict[str, Any]:
    return {"a": corpus.ids[a], "b": corpus.ids[b], "jaccard": round(jaccard, 4)}


def _shown(
    corpus: Corpus, clustering: Clustering, containment: float, jaccard: float, a: int, b: int
) -> dict[str, Any]:
    return {
        "a": corpus.ids[a],
        "b": corpus.ids[b],
        "neardup": clustering.link(corpus.ids, a, b),
        "containment": round(containment, 4),
        "jaccard": round(jaccard, 4),
        "text_a": _snippet(corpus.texts[a]),
        "text_b": _snippet(corpus.texts[b]),
        "longest_shared": _snippet(longest_shared(corpus.texts[a], corpus.texts[b])),
    }


def longest_shared(left: str, right: str) -> str:
    """The longest run of words the two texts share: what the merge rests on, shown in full
    because the openings alone often differ (a headline, a different lead)."""
    a, b = left.split(), right.split()
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return " ".join(a[match.a : match.a + match.size])


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET else flat[:SNIPPET] + "…"


def print_report(report: dict[str, Any]) -> None:
    for line in _summary_lines(report):
        print(line)
    for missed in report["missed"]:
        print(f"  missed: {missed['a']} ~ {missed['b']}  (Jaccard {missed['jaccard']:.3f})")
    print(f"\n{len(report['lowest_overlap'])} merged pairs with the lowest word-5-gram overlap:")
    for rank, pair in enumerate(report["lowest_overlap"], start=1):
        print(
            f"\n#{rank}  containment {pair['containment']:.3f}  Jaccard {pair['jaccard']:.3f}"
            f"   {pair['a']}  |  {pair['b']}\n  neardup: {pair['neardup']}"
        )
        for line in side_by_side(pair["text_a"], pair["text_b"]):
            print(line)
        shared = pair["longest_shared"]
        print(
            textwrap.fill(
                shared, 2 * COLUMN + 5, initial_indent="  shared: ", subsequent_indent=" " * 10
            )
        )
    print()


def _summary_lines(report: dict[str, Any]) -> Iterator[str]:
    yield (
        f"== {report['corpus']}: {report['documents']:,} documents ({report['skipped_empty']:,} "
        f"empty skipped; {report['under_five_words']:,} under five words, without 5-grams)"
    )
    yield f"neardup dedup {' '.join(report['options']) or '(defaults)'}: {report['neardup_seconds']} s"
    yield (
        f"merged pairs              {report['merged_pairs']:,} "
        f"(in {report['clusters_with_copies']:,} clusters with copies; the largest hold "
        f"{', '.join(map(str, report['largest_clusters']))} records)"
    )
    banded = ", ".join(f"{band}: {n:,}" for band, n in report["merged_by_containment"].items())
    yield f"  by 5-gram containment   {banded}"
    yield (
        f"pairs with Jaccard >= 0.8 {report['pairs_jaccard_ge_0.8']:,} exact "
        f"(../shared/README.md: ~{report['expected_pairs_ge_0.8']:,}; "
        f"{report['exact_pairs_seconds']} s)"
    )
    yield f"recall of those           {report['recall_ge_0.8']:.4f} ({len(report['missed'])} missed)"


def side_by_side(left: str, right: str, width: int = COLUMN) -> Iterable[str]:
    """Two texts wrapped into columns, for reading a pair at a glance."""
    a, b = textwrap.wrap(left, width), textwrap.wrap(right, width)
    for index in range(max(len(a), len(b))):
        cell_a = a[index] if index < len(a) else ""
        cell_b = b[index] if index < len(b) else ""
        yield f"  {cell_a:<{width}} │ {cell_b}"


def main() -> None:
    argv = sys.argv[1:]
    options = argv[argv.index("--") + 1 :] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    names = [spec.name for spec in CORPORA]
    parser.add_argument("--corpus", action="append", choices=names, help="default: all three")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared/ folder")
    parser.add_argument("--show", type=int, default=20, help="lowest-overlap pairs to print")
    parser.add_argument(
        "--each-once", action="store_true", help="show each document in one low pair at most"
    )
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    args = parser.parse_args(argv)
    if not (args.shared / "corpora").is_dir():
        sys.exit(f"{args.shared}/corpora not found: pass --shared PATH (the shared/ folder)")
    chosen = [spec for spec in CORPORA if spec.name in (args.corpus or names)]
    reports = []
    for spec in chosen:
        reports.append(report_corpus(spec, args.shared, options, args.show, args.each_once))
        if not args.json:
            print_report(reports[-1])
    if args.json:
        print(json.dumps(reports, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
