"""Normalisation throughput by script: how fast text other than English gets through step 1.

``neardup dedup`` normalises every text before shingling. Plain ASCII takes a compiled
pass; other text takes :func:`neardup.text.normalize.normalize` in Python, whose first step
hands a line to ftfy only when two cheap checks say ftfy might change it. This measures
that path on ~2 kB documents written in several scripts (sentences written for this
benchmark, numbered so no two documents are equal), in one run, two ways:

- **shipped**: both checks (a non-ASCII pair, and a character ftfy's badness patterns are
  made of, see ``_MOJIBAKE_MARK``);
- **pair check only**: as before the second check, which sent every Greek, Cyrillic or CJK
  line to ftfy.

It prints MB/s and documents/s per script (the fastest of ``--rounds`` runs) and the
ratio; the outputs of both ways are checked to be identical::

    python benchmarks/normalize_scripts.py
    python benchmarks/normalize_scripts.py --docs 4096 --json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence

from neardup.config import NormalizeConfig
from neardup.text.batch import normalized_utf8

SENTENCES = {
    "english": "The council approved the new budget on Tuesday after a long debate.",
    "french": "Le conseil a approuvé le nouveau budget mardi après un long débat.",
    "german": "Der Stadtrat hat den neuen Haushalt am Dienstag nach längerer Debatte gebilligt.",
    "russian": "Городской совет во вторник утвердил новый бюджет после долгих споров.",
    "greek": "Το δημοτικό συμβούλιο ενέκρινε τον νέο προϋπολογισμό την Τρίτη.",
    "chinese": "市议会周二经过长时间辩论后批准了新的预算。",
    "japanese": "市議会は火曜日、長い議論の末に新しい予算を承認した。",
}
DOC_BYTES = 2048
BATCH = 1024

_module = sys.modules["neardup.text.normalize"]  # the module (the package re-exports the function)


def documents(sentence: str, count: int) -> list[str]:
    """``count`` documents of about ``DOC_BYTES`` bytes: the sentence numbered, in lines."""
    per_doc = max(1, DOC_BYTES // len(sentence.encode()))
    return [
        "\n".join(f"{sentence} ({doc}.{line})" for line in range(per_doc)) for doc in range(count)
    ]


def throughput(texts: Sequence[str]) -> tuple[float, list[bytes]]:
    """Seconds to normalise ``texts`` in batches, and the normalised bytes."""
    config = NormalizeConfig()
    normalized_utf8(texts[:8], config)  # compiled kernels loaded before timing
    out: list[bytes] = []
    began = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        data, offsets = normalized_utf8(texts[start : start + BATCH], config)
        out.append(data.tobytes() + offsets.tobytes())
    return time.perf_counter() - began, out


def timed(texts: Sequence[str], mark: re.Pattern[str]) -> tuple[float, list[bytes]]:
    """:func:`throughput` with ``mark`` as the second check."""
    shipped = _module._MOJIBAKE_MARK
    _module._MOJIBAKE_MARK = mark
    try:
        return throughput(texts)
    finally:
        _module._MOJIBAKE_MARK = shipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=4096, help="documents per script")
    parser.add_argument("--rounds", type=int, default=3, help="runs per way; the fastest counts")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    every_non_ascii = re.compile("[\x80-\U0010ffff]")
    rows = []
    for script, sentence in SENTENCES.items():
        texts = documents(sentence, args.docs)
        size = sum(len(text.encode()) for text in texts) / 1e6
        ways = (_module._MOJIBAKE_MARK, every_non_ascii)
        runs = [[timed(texts, mark) for mark in ways] for _ in range(args.rounds)]  # alternated
        (seconds, shipped), (before, pair_only) = (
            (min(run[way][0] for run in runs), runs[0][way][1]) for way in (0, 1)
        )
        if shipped != pair_only:
            raise SystemExit(f"{script}: the two ways normalised differently")
        rows.append(
            {
                "script": script,
                "mb_per_s": round(size / seconds, 1),
                "docs_per_s": round(len(texts) / seconds),
                "pair_check_only_mb_per_s": round(size / before, 1),
                "speedup": round(before / seconds, 2),
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'script':10} {'MB/s':>7} {'docs/s':>8} {'pair check only MB/s':>21} {'ratio':>6}")
    for row in rows:
        print(
            f"{row['script']:10} {row['mb_per_s']:7.1f} {row['docs_per_s']:8,} "
            f"{row['pair_check_only_mb_per_s']:21.1f} {row['speedup']:6.2f}"
        )


if __name__ == "__main__":
    main()
