"""How often explain's passage labels agree with how each copy was made.

Every copy of the syndication dev set (``role == "copy"``) is explained
against its cluster's original (``role == "original"``; clusters without one
are skipped), and each passage by which the copy differs is scored against
the copy's ``made`` list. A passage *agrees* when its label names something
that was done to make the copy:

    label          made entries it agrees with
    headline       headline
    byline         byline, dateline
    dateline       dateline, byline
    caption        caption
    footer         footer
    advertisement  advertisement
    key_points     key_points
    truncated      abridged          (story text the copy cut from its end)
    edited         edited
    ocr            ocr
    other          nothing           (an unrecognised passage never agrees)

The headline figure counts the passages found only in the copy; the small
changes inside shared sentences (``changed``: edits, OCR misreadings) and the
passages only in the original (what the copy lacks: a truncated tail, a
dropped sentence) are scored the same way and printed apart. Per label: precision (share of the
passages given that label that agree). Per ``made`` entry: recall over
copies (share of copies made that way where some passage says so). The
``typography`` and ``wrapping`` flags are scored per copy too.

    python benchmarks/explain_accuracy.py                  # corpus line frequencies on
    python benchmarks/explain_accuracy.py --no-frequency   # rules alone
    python benchmarks/explain_accuracy.py --show 20        # print disagreeing passages
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from neardup.explain import LineCounts, compare, summarize
from neardup.explain.model import Explanation, Label, Passage

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "bench" / "syndication-dev.jsonl.gz"

AGREES_WITH: dict[Label, frozenset[str]] = {
    "headline": frozenset({"headline"}),
    "byline": frozenset({"byline", "dateline"}),
    "dateline": frozenset({"dateline", "byline"}),
    "caption": frozenset({"caption"}),
    "footer": frozenset({"footer"}),
    "advertisement": frozenset({"advertisement"}),
    "key_points": frozenset({"key_points"}),
    "truncated": frozenset({"abridged"}),
    "edited": frozenset({"edited"}),
    "ocr": frozenset({"ocr"}),
    "other": frozenset(),
}
PASSAGE_MADE = sorted({entry for entries in AGREES_WITH.values() for entry in entries})


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        return [json.loads(line) for line in handle if line.strip()]


class Tally:
    """Agreement counts per label, per side, per made entry and per flag."""

    def __init__(self) -> None:
        self.sides: Counter[tuple[str, bool]] = Counter()
        self.labels: Counter[tuple[str, bool]] = Counter()
        self.made_total: Counter[str] = Counter()
        self.made_found: Counter[str] = Counter()
        self.flags: dict[str, Counter[tuple[bool, bool]]] = defaultdict(Counter)
        self.misses: list[tuple[str, Passage, list[str]]] = []

    def add(self, record: dict[str, Any], passages: tuple[Passage, ...]) -> None:
        made = set(record["made"])
        said: set[str] = set()
        for passage in passages:
            if passage.kind == "shared" or passage.label is None:
                continue
            side = {"only_a": "original", "only_b": "copy"}.get(passage.kind, "changed")
            ok = bool(AGREES_WITH[passage.label] & made)
            self.sides[side, ok] += 1
            self.labels[passage.label, ok] += 1
            said |= AGREES_WITH[passage.label] & made
            if not ok:
                self.misses.append((record["id"], passage, sorted(made)))
        for entry in made & set(PASSAGE_MADE):
            self.made_total[entry] += 1
            self.made_found[entry] += entry in said
        summary = summarize(Explanation(None, passages))
        for flag in ("typography", "wrapping"):
            self.flags[flag][summary[flag], flag in made] += 1

    def agreement(self, *sides: str) -> tuple[int, int]:
        good = sum(self.sides[side, True] for side in sides)
        return good, good + sum(self.sides[side, False] for side in sides)


def _share(good: int, total: int) -> str:
    return f"{good / total:.4f} ({good:,}/{total:,})" if total else "n/a"


def report(tally: Tally, copies: int, seconds: float) -> None:
    print(f"{copies:,} copies explained against their originals in {seconds:.1f} s")
    print("\nlabels agreeing with how the copy was made (`made`)")
    print(f"  passages only in the copy:            {_share(*tally.agreement('copy'))}")
    print(f"  changes inside shared sentences:      {_share(*tally.agreement('changed'))}")
    print(f"  passages only in the original:        {_share(*tally.agreement('original'))}")
    print(
        f"  all of them:                          {_share(*tally.agreement('copy', 'changed', 'original'))}"
    )
    print("\nper label (precision)")
    for label in AGREES_WITH:
        ok, bad = tally.labels[label, True], tally.labels[label, False]
        if ok + bad:
            print(f"  {label:14} {_share(ok, ok + bad)}")
    print("\nper made entry (recall over copies made that way)")
    for entry in PASSAGE_MADE:
        print(f"  {entry:14} {_share(tally.made_found[entry], tally.made_total[entry])}")
    print("\nflags per copy (precision, recall)")
    for flag, cells in tally.flags.items():
        tp, fp, fn = cells[True, True], cells[True, False], cells[False, True]
        print(f"  {flag:14} precision {_share(tp, tp + fp)}  recall {_share(tp, tp + fn)}")


def show_misses(tally: Tally, limit: int) -> None:
    print(f"\nfirst {limit} disagreeing passages")
    for record_id, passage, made in tally.misses[:limit]:
        text = passage.text_b or passage.text_a
        print(f"- {record_id} {passage.kind} {passage.label} made={made}: {text[:160]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--no-frequency", action="store_true", help="rules without line counts")
    parser.add_argument("--show", type=int, default=0, help="print this many disagreements")
    args = parser.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"{args.corpus} not found (../shared is absent?)")
    records = read_jsonl(args.corpus)
    counts = None if args.no_frequency else LineCounts.from_texts(r["text"] for r in records)
    originals = {r["cluster"]: r["text"] for r in records if r["role"] == "original"}
    copies = [r for r in records if r["role"] == "copy" and r["cluster"] in originals]
    tally = Tally()
    began = time.perf_counter()
    for record in copies:
        tally.add(record, compare(originals[record["cluster"]], record["text"], counts=counts))
    report(tally, len(copies), time.perf_counter() - began)
    if args.show:
        show_misses(tally, args.show)


if __name__ == "__main__":
    main()
