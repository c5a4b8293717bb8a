"""Normalisation throughput by script: how fast text other than English is normalised.

``neardup dedup`` normalises every text before shingling (``text.batch.normalized_utf8``).
This measures it on ~2 kB documents written in several scripts (sentences written for this
benchmark, numbered so no two documents are equal; and Chinese-like documents drawing on
6,000 ideographs, as a real corpus's thousands of characters keep coming), in one run,
three ways:

- **shipped**: ASCII and lettered text in the compiled pass (``batch._lettered_form``),
  ftfy asked only where a line holds one of its characters and its badness regex could
  match (``text.mojibake.may_be_bad``);
- **Python steps**: lettered text through :func:`neardup.text.normalize.normalize` instead;
- **before**: that, and ftfy asked for every line with two non-ASCII characters in a row,
  as neardup did before these changes (every Greek, Cyrillic, Chinese or Japanese line,
  and every Portuguese one with "ção").

It prints MB/s per script and way (the fastest of ``--rounds`` alternated runs) and the
shipped way's speed-up over the others; the outputs of all three are checked to be
identical::

    python benchmarks/normalize_scripts.py
    python benchmarks/normalize_scripts.py --docs 8192 --json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import time
from collections.abc import Iterator, Sequence

from neardup.config import NormalizeConfig
from neardup.text import batch, mojibake
from neardup.text.batch import normalized_utf8

SENTENCES = {
    "english": "The council approved the new budget on Tuesday after a long debate.",
    "french": "Le conseil a approuvé le nouveau budget mardi après un long débat.",
    "german": "Der Stadtrat hat den neuen Haushalt am Dienstag nach längerer Debatte gebilligt.",
    "russian": "Городской совет во вторник утвердил новый бюджет после долгих споров.",
    "greek": "Το δημοτικό συμβούλιο ενέκρινε τον νέο προϋπολογισμό την Τρίτη.",
    "chinese": "市议会周二经过长时间辩论后批准了新的预算。",
    "japanese": "市議会は火曜日、長い議論の末に新しい予算を承認した。",
    # accented letters side by side, as ftfy's patterns have them ("çã", "öß", "ść")
    "portuguese": "A câmara aprovou o orçamento após a discussão sobre a situação da educação.",
    "german, ß": "Der größte Teil der Gebühren wird gemäß dem Gesetz erhoben, mit Grüßen.",
    "polish": "Większość posłów poparła część projektu budżetu po długiej dyskusji.",
    "vietnamese": "Hội đồng thành phố đã thông qua ngân sách mới sau cuộc tranh luận.",
}
DOC_BYTES = 2048
BATCH = 1024
WAYS = ("shipped", "python_steps", "before")


def documents(sentence: str, count: int) -> list[str]:
    """``count`` documents of about ``DOC_BYTES`` bytes: the sentence numbered, in lines."""
    per_doc = max(1, DOC_BYTES // len(sentence.encode()))
    return [
        "\n".join(f"{sentence} ({doc}.{line})" for line in range(per_doc)) for doc in range(count)
    ]


def many_characters(count: int, distinct: int = 6000) -> list[str]:
    """Chinese-like documents drawing on ``distinct`` ideographs (a real corpus uses
    thousands; the sentences above, a few dozen), seeded: new characters keep coming."""
    rng = random.Random(7)
    chars = [chr(0x4E00 + code) for code in range(distinct)]
    per_line, lines = 30, DOC_BYTES // 3 // 30
    return [
        "\n".join("".join(rng.choices(chars, k=per_line)) + "。" for _ in range(lines))
        for _ in range(count)
    ]


@contextlib.contextmanager
def way(name: str) -> Iterator[None]:
    """The code as the named way has it, for the duration."""
    lettered, gate = batch._lettered_form, mojibake.may_be_bad
    if name in ("python_steps", "before"):
        batch._lettered_form = lambda text, config: None  # type: ignore[assignment]
    if name == "before":
        mojibake.may_be_bad = lambda text: bool(mojibake.HINT.search(text))
    try:
        yield
    finally:
        batch._lettered_form, mojibake.may_be_bad = lettered, gate


def timed(texts: Sequence[str]) -> tuple[float, bytes]:
    """Seconds to normalise ``texts`` in batches, and the normalised bytes."""
    config = NormalizeConfig()
    normalized_utf8(texts[:8], config)  # compiled kernels loaded before timing
    out = []
    began = time.perf_counter()
    for start in range(0, len(texts), BATCH):
        data, offsets = normalized_utf8(texts[start : start + BATCH], config)
        out.append(data.tobytes() + offsets.tobytes())
    return time.perf_counter() - began, b"".join(out)


def measure(texts: Sequence[str], rounds: int) -> dict[str, float]:
    """The fastest seconds of each way, the ways alternated round by round."""
    best: dict[str, float] = {}
    outputs: set[bytes] = set()
    for _ in range(rounds):
        for name in WAYS:
            with way(name):
                seconds, output = timed(texts)
            best[name] = min(seconds, best.get(name, seconds))
            outputs.add(output)
    if len(outputs) != 1:
        raise SystemExit("the ways normalised differently")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=4096, help="documents per script")
    parser.add_argument("--rounds", type=int, default=3, help="runs per way; the fastest counts")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    rows = []
    corpora = {script: documents(sentence, args.docs) for script, sentence in SENTENCES.items()}
    corpora["6,000 ideographs"] = many_characters(args.docs)
    for script, texts in corpora.items():
        megabytes = sum(len(text.encode()) for text in texts) / 1e6
        seconds = measure(texts, args.rounds)
        row: dict[str, object] = {"script": script}
        row.update({f"{name}_mb_per_s": round(megabytes / seconds[name], 1) for name in WAYS})
        row.update({f"x_{name}": round(seconds[name] / seconds["shipped"], 2) for name in WAYS[1:]})
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"MB/s of ~{DOC_BYTES / 1000:.0f} kB documents, {args.docs:,} per script")
    print(
        f"{'script':16} {'shipped':>8} {'Python steps':>13} {'before':>8} "
        f"{'x Python steps':>15} {'x before':>9}"
    )
    for row in rows:
        print(
            f"{row['script']:16} {row['shipped_mb_per_s']:8} {row['python_steps_mb_per_s']:13} "
            f"{row['before_mb_per_s']:8} {row['x_python_steps']:15} {row['x_before']:9}"
        )


if __name__ == "__main__":
    main()
