"""Would names, marked like figures, part templated notices? A measurement, not a feature.

neardup hashes case-folded text, so a name is a word like any other and a
template filled in with another issuer's name ("Toyota Motor Credit Corp is
issuing..." / "McDonalds Corporation is issuing...") differs only where its
figures do. This script prototypes, in Python and outside the pipeline, a
*name bit* beside the figure bit and measures it on the edges ``neardup
dedup`` keeps (each removed record and its kept copy):

- a token is a *name* when it starts with a capital right after a word that
  starts lower case, with no sentence mark (``.!?:;"``) between, read from the
  normalised text before case folding (the rest of a run of capitals, and
  the capitalised first word of a sentence, are not: a headline, a bullet or
  a line whose break normalising removed would otherwise mark whole lines);
- a word 3-gram is a name shingle when it holds a name; like the figure bit,
  the mark is part of the shingle's identity;
- a pair's names agree as its figures do in ``verify.FigureScores``: the
  share of the name shingles of the record holding fewer found in the other,
  against the same share of its other shingles.

It prints how much the mark itself costs (edges whose containment falls
under the threshold once shingles carry it) and how many edges a rule
"names shared at under CUT of the wording's rate, from HELD name shingles"
would part, pairs of Jaccard >= 0.8 aside (near-copies)::

    python benchmarks/name_marks.py ../shared/bench/syndication-dev.jsonl.gz
    python benchmarks/name_marks.py reuters.jsonl        # JSONL of id + text, as real_pairs.py writes
    python benchmarks/name_marks.py reuters.jsonl --show 5 --cut 0.2 --held 10
    python benchmarks/name_marks.py reuters.jsonl --initial-runs   # issuers opening a sentence too
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from quality import run_neardup

from neardup.config import NormalizeConfig
from neardup.text.normalize import normalize

CASED = NormalizeConfig(casefold=False)
TOKEN = re.compile(r"[A-Za-z0-9_\x80-\U0010ffff]+")  # the word bytes of neardup.kernels
OCR = {c: group[0] for group in ("ce", "l1i", "o0", "nu", "hb", "tf", "s5", "gq9") for c in group}
SENTENCE_MARKS = frozenset('.!?:;"')
NGRAM = 3
THRESHOLD = 0.45
Shingles = dict[tuple[object, ...], tuple[bool, bool]]  # shingle -> (figure, name)


def _is_figure(token: str) -> bool:
    """The figure rule of neardup.kernels (with OCR folding)."""
    digits = sum(c.isdigit() for c in token)
    kept = sum(c.isdigit() and OCR.get(c, c).isdigit() for c in token)
    return (digits >= 2 and 2 * digits >= len(token)) or 2 * kept > len(token)


def marked_tokens(text: str, initial_runs: bool = False) -> list[tuple[str, bool, bool]]:
    """(folded token, figure, name) for each token of the normalised, uncased text.

    ``initial_runs``: also a run of two or more capitalised tokens opening a sentence and
    followed by a lower-case word of it ("Toyota Motor Credit Corp is issuing ...").
    """
    cased = normalize(text, CASED)
    out: list[tuple[str, bool, bool]] = []
    end, after_lower = 0, False
    run: list[int] = []  # the capitalised tokens opening the current sentence, while they last
    for match in TOKEN.finditer(cased):
        token = match.group()
        between = cased[end : match.start()]
        new_sentence = match.start() == 0 or any(c in SENTENCE_MARKS for c in between)
        capital = "A" <= token[0] <= "Z"
        name = capital and after_lower and not new_sentence
        if new_sentence:
            run = [len(out)] if capital else []
        elif run and capital and run[-1] == len(out) - 1:
            run.append(len(out))
        elif run and token[0].islower():
            if initial_runs and len(run) >= 2:
                for at in run:
                    out[at] = (out[at][0], out[at][1], True)
            run = []
        after_lower, end = token[0].islower(), match.end()
        folded = "".join(OCR.get(c, c) for c in token.lower())
        out.append((folded, _is_figure(token), name))
    return out


def shingles(tokens: list[tuple[str, bool, bool]], marked: bool) -> Shingles:
    windows = [tokens[i : i + NGRAM] for i in range(max(1, len(tokens) - NGRAM + 1))]
    out: Shingles = {}
    for window in windows:
        figure, name = any(t[1] for t in window), any(t[2] for t in window)
        key: tuple[object, ...] = tuple(t[0] for t in window)
        out[(*key, name) if marked else key] = (figure, name)
    return out


def _rate(a: Shingles, b: Shingles, names: bool) -> tuple[float, int]:
    """Share of the (name or other) shingles of the one holding fewer found in the other."""
    mine = [k for k, v in a.items() if v[1] == names]
    theirs = [k for k, v in b.items() if v[1] == names]
    fewer, other = (mine, b) if len(mine) <= len(theirs) else (theirs, a)
    return (sum(k in other for k in fewer) / len(fewer) if fewer else 0.0), len(fewer)


def read(path: Path) -> dict[str, str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return {str(r["id"]): r["text"] for r in map(json.loads, handle)}


def kept_edges(corpus: Path) -> Iterator[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        run_neardup(corpus, Path(tmp), ["--format", "jsonl"])
        with open(f"{tmp}/clusters.jsonl", encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle]
    yield from ((r["id"], r["duplicate_of"]) for r in rows if r["duplicate_of"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--cut", type=float, nargs="*", default=[0.2, 0.3, 0.4])
    parser.add_argument("--held", type=int, nargs="*", default=[6, 10, 14])
    parser.add_argument("--show", type=int, default=0, help="print this many parted edges")
    parser.add_argument(
        "--initial-runs",
        action="store_true",
        help="also mark capitalised runs opening a sentence (see marked_tokens)",
    )
    args = parser.parse_args()
    texts = read(args.corpus)
    edges, fallen, scored = 0, 0, []
    for member, kept in kept_edges(args.corpus):
        ta = marked_tokens(texts[member], args.initial_runs)
        tb = marked_tokens(texts[kept], args.initial_runs)
        plain_a, plain_b = shingles(ta, False), shingles(tb, False)
        a, b = shingles(ta, True), shingles(tb, True)
        edges += 1
        before = len(plain_a.keys() & plain_b.keys()) / min(len(plain_a), len(plain_b))
        shared = len(a.keys() & b.keys())
        fallen += before >= THRESHOLD > shared / min(len(a), len(b))
        if shared / len(a.keys() | b.keys()) < 0.8:
            (names, held), (wording, _) = _rate(a, b, True), _rate(a, b, False)
            scored.append((member, kept, names, held, wording))
    print(f"{args.corpus}: {edges:,} edges (removed record -> kept copy)")
    print(f"containment under {THRESHOLD} once shingles carry the name mark: {fallen}")
    for cut in args.cut:
        for held in args.held:
            parted = [s for s in scored if s[3] >= held and s[2] < cut * s[4]]
            print(f"names < {cut} x wording, from {held} name shingles: {len(parted)} edges parted")
            for member, kept, names, _, wording in parted[: args.show]:
                print(f"  {member} -> {kept}: names {names:.2f}, wording {wording:.2f}")
                print(f"    {texts[member][:110]!r}\n    {texts[kept][:110]!r}")


if __name__ == "__main__":
    main()
