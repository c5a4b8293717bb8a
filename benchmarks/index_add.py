"""``neardup index add`` against ``neardup dedup`` on one corpus, in the same run, through the CLI.

    python benchmarks/scale.py -n 100000 -o /tmp/c100k.jsonl
    python benchmarks/index_add.py /tmp/c100k.jsonl --rounds 2

Each round times ``neardup dedup CORPUS -o DIR`` and ``neardup index add CORPUS --db FILE``
(into a new index, outcomes to /dev/null), alternating, and prints the seconds and their ratio;
then checks that the index holds the clusters dedup wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _neardup() -> list[str]:
    script = Path(sys.executable).with_name("neardup")
    return [str(script)] if script.exists() else [sys.executable, "-m", "neardup"]


def _timed(*args: str) -> float:
    began = time.perf_counter()
    subprocess.run([*_neardup(), *args], check=True)
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="neardup-bench-") as scratch:
        work = Path(scratch)
        for round_ in range(args.rounds):
            out, db = work / f"out{round_}", work / f"index{round_}.ndx"
            dedup = _timed("dedup", str(args.corpus), "-o", str(out), "-q")
            add = _timed("index", "add", str(args.corpus), "--db", str(db), "-q", "-o", os.devnull)
            rows.append((dedup, add))
        from neardup import Index

        with Index(db) as index:
            got = [row.to_json() for row in index.assignments()]
        with (out / "clusters.jsonl").open() as handle:
            expected = [json.loads(line) for line in handle]
    print("| round | neardup dedup | neardup index add | ratio |")
    print("| --- | --- | --- | --- |")
    for number, (dedup, add) in enumerate(rows, 1):
        print(f"| {number} | {dedup:.1f} s | {add:.1f} s | {add / dedup:.2f} |")
    print(f"\nsame clusters, kept copies and similarities as dedup: {got == expected}")


if __name__ == "__main__":
    main()
