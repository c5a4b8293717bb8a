"""Quality of ``neardup dedup`` on a labelled corpus: ARI, pairwise P/R/F1, recall by level.

Runs the real CLI (so what is measured is what users get), then scores
``clusters.jsonl`` against the truth field of the input with
:func:`neardup.evaluate.evaluate_output`, as ``neardup eval --output-dir`` does.

    python benchmarks/quality.py                                   # the syndication dev set
    python benchmarks/quality.py data.jsonl.gz --truth-field cluster --level-field level
    python benchmarks/quality.py -- --threshold 0.6 --ngram 2       # after --: options for neardup dedup
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from neardup.config import ReadConfig
from neardup.evaluate import evaluate_output

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "bench" / "syndication-dev.jsonl.gz"


def run_neardup(corpus: Path, out: Path, options: list[str]) -> float:
    script = Path(sys.executable).with_name("neardup")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "neardup"]
    began = time.perf_counter()
    subprocess.run([*command, "dedup", str(corpus), "-o", str(out), "-q", *options], check=True)
    return time.perf_counter() - began


def evaluate(
    corpus: Path, truth_field: str, level_field: str | None, options: list[str]
) -> dict[str, Any]:
    """Run the CLI into a temporary directory and score it with :func:`evaluate_output`."""
    report: dict[str, Any] = {"corpus": str(corpus), "options": options}
    with tempfile.TemporaryDirectory() as tmp:
        report["seconds"] = round(run_neardup(corpus, Path(tmp), options), 2)
        scores = evaluate_output([str(corpus)], tmp, truth_field, level_field, ReadConfig())
    report.update(scores.to_json())
    return report


def print_table(report: dict[str, Any]) -> None:
    print(
        f"corpus     {report['corpus']}  ({report['documents']:,} documents, {report['seconds']} s)"
    )
    print(f"options    {' '.join(report['options']) or '(defaults)'}")
    print(f"ARI        {report['ari']:.4f}")
    print(
        f"precision  {report['precision']:.4f}   recall {report['recall']:.4f}   F1 {report['f1']:.4f}"
    )
    print(
        f"pairs      true {report['true_pairs']:,}  predicted {report['predicted_pairs']:,}  correct {report['correct_pairs']:,}"
    )
    for level, value in report.get("recall_by_level", {}).items():
        joined = report["wrongly_joined_by_level"].get(level, 0)
        print(f"  {level:<10} recall {value:.4f}   documents in a wrong cluster {joined}")
    for level, joined in report.get("wrongly_joined_by_level", {}).items():
        if level not in report.get("recall_by_level", {}):
            print(f"  {level:<10} (no true pairs)   documents in a wrong cluster {joined}")


def main() -> None:
    argv = sys.argv[1:]
    options = argv[argv.index("--") + 1 :] if "--" in argv else []
    argv = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--truth-field", default="cluster")
    parser.add_argument("--level-field", default="level")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        sys.exit(
            f"{args.corpus} not found: pass a labelled JSONL (the default lives in ../shared/bench/)"
        )
    report = evaluate(args.corpus, args.truth_field, args.level_field or None, options)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
