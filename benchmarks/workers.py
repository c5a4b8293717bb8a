"""How much faster ``neardup dedup`` runs with more workers: worker counts alternated, rounds.

    python benchmarks/workers.py -n 100000                   # a scale.py corpus, --workers 1 vs 2
    python benchmarks/workers.py --input /tmp/c100k.jsonl --rounds 5
    python benchmarks/workers.py --workers 1,2,4               # the 40,850 real articles

The speed issue asks ``--workers 2`` to be 1.7x ``--workers 1``. On a shared host a run's
speed drifts by 10-20 % within minutes, so a ratio of two runs made minutes apart says little:
here every round runs each worker count once, back to back, and the ratio is taken within the
round. Before the rounds, one untimed run loads (or, on a fresh install, compiles) numba's
kernel cache. Each run is the real CLI, ``neardup dedup INPUT -o OUT -q --workers N``, timed
whole like ``peers.py`` times it (wall seconds, CPU seconds of the process tree, peak memory);
the tables of every run must be byte-identical, else this stops.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import (  # a sibling script
    MB,
    add_input_options,
    neardup_command,
    prepare_input,
    run_measured,
)

TABLES = ("clusters.jsonl", "kept.jsonl", "removed.jsonl")


def timed_run(corpus: Path, workers: int, out: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of one run writing to ``out``."""
    shutil.rmtree(out, ignore_errors=True)
    command = [*neardup_command(), "dedup", str(corpus), "-o", str(out), "-q"]
    usage = run_measured([*command, "--workers", str(workers)])
    return usage.seconds, usage.cpu_seconds, usage.peak_bytes / MB


def same_tables(first: Path, other: Path) -> bool:
    return all(filecmp.cmp(first / name, other / name, shallow=False) for name in TABLES)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_input_options(parser)  # default: the real articles of ../shared/corpora
    parser.add_argument("--workers", default="1,2", help="worker counts, the first the base")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    counts = [int(part) for part in args.workers.split(",")]
    if len(counts) < 2 or min(counts) < 1 or args.rounds < 1:
        sys.exit("--workers takes two or more counts of 1 or more, --rounds 1 or more")
    with tempfile.TemporaryDirectory(prefix="neardup-workers-") as scratch:
        work = Path(scratch)
        corpus = prepare_input(args, work)
        warm, _, _ = timed_run(corpus, counts[0], work / "warm-up")
        print(f"input {corpus} ({corpus.stat().st_size / MB:,.1f} MB); warm-up {warm:.2f} s")
        seconds: dict[int, list[float]] = {count: [] for count in counts}
        for round_number in range(1, args.rounds + 1):
            cells = []
            for count in counts:
                wall, cpu, peak = timed_run(corpus, count, work / f"w{count}")
                if not same_tables(work / f"w{counts[0]}", work / f"w{count}"):
                    sys.exit(f"--workers {count} wrote other tables than --workers {counts[0]}")
                seconds[count].append(wall)
                cells.append(f"w{count} {wall:6.2f} s (CPU {cpu:6.2f} s, {peak:,.0f} MB)")
            base = seconds[counts[0]][-1]
            speedups = "  ".join(f"x{base / seconds[c][-1]:.2f}" for c in counts[1:])
            print(f"round {round_number}: " + "  ".join(cells) + f"  speed-up {speedups}")
        print("tables byte-identical for every worker count")
        for count in counts[1:]:
            ratios = [b / s for b, s in zip(seconds[counts[0]], seconds[count], strict=True)]
            print(
                f"--workers {count} against {counts[0]}: median x{statistics.median(ratios):.2f}, "
                f"range x{min(ratios):.2f}-x{max(ratios):.2f} over {len(ratios)} rounds"
            )


if __name__ == "__main__":
    main()
