"""Make a news corpus of any size: the real articles of ../shared/corpora plus realistic copies.

    python benchmarks/scale.py -n 20000 -o /tmp/corpus-20k.jsonl
    python benchmarks/scale.py -n 1000000 -o /tmp/corpus-1m.jsonl.gz --seed 7 --copy-rate 0.3
    python benchmarks/scale.py --check 5000      # are synthetic bases distinct? (prints a report)
    python benchmarks/scale.py --real -o /tmp/real.jsonl    # just the real articles, {id, text}

Every line is ``{"id", "text", "source", "origin", "copy_of"}``: ``source`` is the corpus the
text came from (``reuters21578``, ``20news-bydate``, ``bbc-news`` or ``synthetic``), ``origin``
the id of the real article it derives from (``<corpus>/<record id>``; a synthetic base lists its
articles joined by ``+``) and ``copy_of`` null for a base, else the id of the base it copies.
The same ``-n``, ``--seed`` and ``--copy-rate`` give byte-identical output (``.gz`` too).
Documents stream to disk: memory holds the 40,850 real articles and the paragraph pool, about
200 MB peak whatever ``-n``. Importable: ``generate(n, seed)`` yields the same records.

How documents are made:

* **Bases.** The real articles first, in a seeded random order (Reuters-21578 ``body``, empty
  ones skipped; 20 Newsgroups ``body``, else ``text``; BBC ``title`` + ``body``), as they are.
  Beyond them, synthetic bases: 3 or more paragraphs (150-700 characters, no quoted ``>``
  lines, mostly letters) from as many different articles of one corpus, in random order,
  about 2,000 characters in all. The pool holds only ~90,000 such paragraphs (23 MB), while a
  million documents need ~1.4 GB of base text, so a paragraph would recur in ~60 bases and two
  bases sharing one would be candidate pairs for any LSH. Each synthetic base therefore also
  *relexicalises* its words: the 250 most frequent (function words, "said", "mln") stay, every
  other word is replaced by a word of similar corpus frequency through a base-specific affine
  map of its frequency band (prime size 509). Bases keep real sentence shapes, lengths and a
  Zipf vocabulary but share only their function-word skeleton. ``--check`` measures it.
* **Copies.** ``--copy-rate`` of the documents (default 0.3, at most 0.75) are copies: a base
  gets 1-5 of them, each made by 1-4 kinds of boilerplate (headline line; byline; "CITY
  (Agency) -" dateline; photo caption + credit; copyright / "Read more" / newsletter /
  reporting-credit footers; "Advertisement" lines) and, each with its own chance, abridgement
  from the bottom (50-95 % of paragraphs kept), light edits (a sentence dropped, 1-4 words
  swapped for synonyms), re-wrapped lines and typography (curly quotes, dashes, ellipses).
  Outlets, people and places are invented by combining word lists below.
* **Order.** Documents pass through a seeded 4,096-slot shuffle buffer, so copies are spread
  over the neighbourhood of their base instead of following it.

Sizes and speed: the real articles average 1.3 KB of text, so corpora of up to ~57,000
documents (the real articles and their copies) average ~1.3-1.4 KB; past them documents average
2.0 KB, so a million average ~2 KB (~2.3 GB of JSONL). Loading takes ~7 s, then ~145 us per
document (one core): 100,000 documents in ~15 s, a million in ~2.5 min (~4.5 min as .gz).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from random import Random
from typing import Any, BinaryIO

import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPORA = SHARED / "corpora"
CORPUS_FILES = ("reuters21578", "20news-bydate", "bbc-news")

SHUFFLE_SLOTS = 4096  # how far a copy may drift from its base; ~8 MB of documents in memory
MAX_COPY_RATE = 0.75  # 1-5 copies per copied base (mean 3): at most 3 of every 4 documents
PARAGRAPH_CHARS = (150, 700)  # pool paragraphs: long enough to be prose, short enough to mix
KEEP_WORDS = 250  # the most frequent words relexicalisation leaves alone
BAND = 509  # prime: words are remapped within frequency bands of this size
BASE_CHARS = (900.0, 3600.0, 1300.0)  # triangular(low, high, mode): mean 1.9 KB + overshoot

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*|\n(?=[ \t]+\S)")  # blank line, or Reuters' indent
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_ALPHA = re.compile(r"([A-Za-z]+)")
_NOT_PROSE = re.compile(r"[^A-Za-z ]+")


# --------------------------------------------------------------------------- real articles


@dataclass(frozen=True)
class Article:
    """A base document: its text as output, and the parts copies are built from."""

    id: str
    source: str
    origin: str
    title: str
    paragraphs: tuple[str, ...] | None  # None: split from ``body`` when a copy needs them
    body: str
    title_in_text: bool = False

    @property
    def text(self) -> str:
        return f"{self.title}\n\n{self.body}" if self.title_in_text else self.body

    def parts(self) -> Sequence[str]:
        return self.paragraphs if self.paragraphs is not None else split_paragraphs(self.body)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by a blank line or, as in Reuters, by an indented line."""
    return [p.strip() for p in _PARAGRAPH.split(text) if p.strip()]


def _read_jsonl_gz(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _real(corpus: str, record_id: object, title: str, body: str, in_text: bool) -> Article:
    origin = f"{corpus}/{record_id}"
    return Article(origin, corpus, origin, title.strip(), None, body, in_text)


def load_articles(corpora: Path = CORPORA) -> list[Article]:
    """The real articles in file order: Reuters ``body``, 20news ``body``/``text``, BBC title+body."""
    articles: list[Article] = []
    for r in _read_jsonl_gz(corpora / "reuters21578.jsonl.gz"):
        if (r.get("body") or "").strip():
            articles.append(
                _real("reuters21578", r["newid"], r.get("title") or "", r["body"], False)
            )
    for r in _read_jsonl_gz(corpora / "20news-bydate.jsonl.gz"):
        body = r.get("body") if (r.get("body") or "").strip() else r.get("text")
        if (body or "").strip():
            articles.append(_real("20news-bydate", r["id"], "", body, False))
    for r in _read_jsonl_gz(corpora / "bbc-news.jsonl.gz"):
        articles.append(_real("bbc-news", r["id"], r["title"], r["body"], True))
    return articles


def require_corpora(corpora: Path = CORPORA) -> None:
    """Exit with a message naming the missing files (they live in ../shared, not in the repo)."""
    missing = [
        f"{name}.jsonl.gz" for name in CORPUS_FILES if not (corpora / f"{name}.jsonl.gz").exists()
    ]
    if missing:
        sys.exit(
            f"{corpora} lacks {', '.join(missing)}: this benchmark reads the real corpora from "
            "../shared/corpora beside the repo (they are not shipped with it)"
        )


# --------------------------------------------------------------------------- synthetic bases


def _mixable(paragraph: str) -> bool:
    low, high = PARAGRAPH_CHARS
    if not low <= len(paragraph) <= high or paragraph.startswith(">") or "\n>" in paragraph:
        return False
    return len(_NOT_PROSE.sub("", paragraph)) >= 0.8 * len(paragraph)


def mixable_paragraphs(articles: Sequence[Article], corpus: str) -> list[tuple[str, str]]:
    """``(paragraph, article id)`` fit for mixing from ``corpus``, each text (whitespace aside) once."""
    found: list[tuple[str, str]] = []
    seen: set[bytes] = set()  # 8-byte digests: a tenth of the memory of the texts themselves
    for article in articles:
        if article.source != corpus:
            continue
        for paragraph in split_paragraphs(article.body):
            key = hashlib.blake2b(" ".join(paragraph.split()).encode(), digest_size=8).digest()
            if key not in seen and _mixable(paragraph):
                seen.add(key)
                found.append((paragraph, article.id))
    return found


@dataclass(frozen=True)
class Pool:
    """The mixable paragraphs of one corpus, tokenised for fast relexicalisation.

    Paragraph ``j`` is ``parts[offsets[j]:offsets[j + 1]]``: ids into ``vocabulary`` of its
    words and of the text between them. The first ``3 * banded`` ids are the words that get
    replaced, lower case, then upper case, then capitalised, each in corpus-frequency order,
    so ``id % BAND`` is a word's slot in its band and ``id - id % BAND`` the band's start.
    Every other word and separator has an id of its own and is never replaced.
    """

    corpus: str
    article_ids: list[str]
    lengths: list[int]
    vocabulary: list[str]
    banded: int
    parts: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.article_ids)

    def texts(self, picked: Sequence[int], a: int, c: int) -> list[str]:
        """Paragraphs ``picked`` with slot ``k`` of every band replaced by ``(a*k + c) % BAND``
        (``a=1, c=0``: the paragraphs as they are)."""
        slices = [self.parts[self.offsets[j] : self.offsets[j + 1]] for j in picked]
        ids = np.concatenate(slices)
        slot = ids % BAND
        ids = np.where(ids < 3 * self.banded, ids - slot + (a * slot + c) % BAND, ids)
        words = [self.vocabulary[i] for i in ids.tolist()]
        texts, start = [], 0
        for part in slices:
            texts.append("".join(words[start : start + part.size]))
            start += part.size
        return texts


def build_pool(corpus: str, found: Sequence[tuple[str, str]]) -> Pool:
    """Rank the words of ``found`` by frequency, band all but the ``KEEP_WORDS`` most frequent
    (the rarest leftovers, fewer than a band, stay too), and tokenise every paragraph."""
    counts: Counter[str] = Counter()
    for paragraph, _ in found:
        counts.update(_ALPHA.findall(paragraph.lower()))
    ranked = sorted(counts, key=lambda w: (-counts[w], w))[KEEP_WORDS:]
    lower = ranked[: len(ranked) // BAND * BAND]
    banded = len(lower)
    rank = {w: i for i, w in enumerate(lower)}
    other: dict[str, int] = {}

    def code(part: str, is_word: bool) -> int:
        i = rank.get(part.lower()) if is_word else None
        if i is not None:
            if part.islower():
                return i
            if part.isupper() and len(part) > 1:
                return banded + i
            if part == part.capitalize():
                return 2 * banded + i
        return other.setdefault(part, 3 * banded + len(other))  # mixed case, kept, separators

    parts: array[int] = array("i")
    offsets = [0]
    for paragraph, _ in found:
        pieces = _ALPHA.split(paragraph)
        parts.extend(code(piece, k % 2 == 1) for k, piece in enumerate(pieces))
        offsets.append(len(parts))
    vocabulary = [*lower, *(w.upper() for w in lower), *(w.capitalize() for w in lower), *other]
    return Pool(
        corpus,
        [article_id for _, article_id in found],
        [len(paragraph) for paragraph, _ in found],
        vocabulary,
        banded,
        np.frombuffer(parts, dtype=np.int32),
        np.array(offsets, dtype=np.int64),
    )


@dataclass(frozen=True)
class Sources:
    """Everything generation reads: the real articles and the paragraph pools."""

    articles: list[Article]
    pools: list[Pool]
    weights: list[int]


@lru_cache(maxsize=2)
def load_sources(corpora: Path = CORPORA) -> Sources:
    require_corpora(corpora)
    articles = load_articles(corpora)
    pools = [build_pool(c, mixable_paragraphs(articles, c)) for c in CORPUS_FILES]
    return Sources(articles, pools, [len(p) for p in pools])


def headline_from(paragraph: str, rng: Random) -> str:
    words = SENTENCE.split(paragraph, maxsplit=1)[0].split()[: rng.randint(5, 10)]
    return " ".join(words).rstrip(".,;:").title()


def synthetic_base(
    sources: Sources, rng: Random, doc_id: str, relexicalise: bool = True
) -> Article:
    """>= 3 paragraphs, each from a different article of one corpus, relexicalised together.

    ``relexicalise=False`` (for ``--check``) gives the same paragraphs with their own words.
    """
    pool = rng.choices(sources.pools, sources.weights)[0]
    target = rng.triangular(*BASE_CHARS)
    picked: list[int] = []
    used: list[str] = []
    chars = 0
    while chars < target or len(picked) < 3:
        j = rng.randrange(len(pool))
        if pool.article_ids[j] not in used:
            picked.append(j)
            used.append(pool.article_ids[j])
            chars += pool.lengths[j] + 2
    a, c = rng.randrange(2, BAND), rng.randrange(BAND)  # a >= 2: never the identity map
    paragraphs = tuple(pool.texts(picked, a, c) if relexicalise else pool.texts(picked, 1, 0))
    title = headline_from(paragraphs[0], rng)
    return Article(doc_id, "synthetic", "+".join(used), title, paragraphs, "\n\n".join(paragraphs))


# --------------------------------------------------------------------------- boilerplate

# fmt: off
FIRST = [
    "Amelia", "Daniel", "Priya", "Tomasz", "Grace", "Samuel", "Leila", "Marcus", "Hannah",
    "Kenji", "Sofia", "Oliver", "Nadia", "Ethan", "Ines", "Rafael", "Chloe", "Victor", "Aisha",
    "Jonas",
]
LAST = [
    "Hartley", "Okafor", "Lindqvist", "Moreau", "Castellano", "Brennan", "Nakamura",
    "Whitfield", "Adeyemi", "Kowalski", "Delgado", "Fairbanks", "Haddad", "Ellison",
    "Sorensen", "Quinlan", "Marchetti", "Pemberton", "Osei", "Varga",
]
CITIES = [
    "LONDON", "NEW YORK", "PARIS", "TOKYO", "SYDNEY", "TORONTO", "BERLIN", "MADRID", "NAIROBI",
    "SINGAPORE", "CHICAGO", "MUMBAI", "SAO PAULO", "DUBLIN", "GENEVA", "WELLINGTON",
]
PLACES = [
    "Northfield", "Ashbury", "Kingsport", "Lakeshore", "Harbour City", "Westmere", "Eastbrook",
    "Pinecrest", "Stonebridge", "Riverton", "Clearwater", "Millbrook", "Oakhaven", "Fairport",
    "Redcliff", "Summit County",
]
PAPERS = [
    "Courier", "Herald", "Gazette", "Observer", "Ledger", "Chronicle", "Post", "Sentinel",
    "Tribune", "Dispatch", "Record", "Examiner", "Star", "Mercury", "Standard", "Journal",
    "Daily News", "Evening Echo",
]
AGENCIES = [
    "Meridian Press", "Continental Wire", "Atlas Newswire", "Northern Press Association",
    "Pacific Wire Service", "Compass News Agency", "Keystone Wire", "Harbourline News",
    "Lodestar Press", "Beacon Newswire",
]
PHOTO_AGENCIES = [
    "Lumen Images", "Northlight Photo", "Frame Stock", "Aperture Wire", "Stillpoint Pictures",
    "Shutterline",
]
ROLES = [
    "Business Reporter", "Staff Writer", "Political Correspondent", "Senior Editor",
    "Markets Correspondent", "Technology Desk",
]
TOPICS = [
    "business", "politics", "world", "technology", "sport", "science", "markets",
    "morning briefing",
]
WEEKDAYS = [
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
]
MONTHS = [
    "Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec",
]
CAPTIONS = [
    "{name} speaks to reporters in {city} on {day}.",
    "A general view of {city} on {day}.",
    "Officials arrive for talks in {city}.",
    "Traders at work in {city} earlier this week.",
    "File photo: {name} at an event in {city}.",
    "Demonstrators gather outside a government building in {city} on {day}.",
    "{name}, pictured during a visit to {city} last month.",
]
CREDITS = [
    "Photo: {name}/{photo}",
    "Photograph: {name} for {outlet}",
    "(Credit: {photo})",
    "Image: {photo} / {name}",
    "Picture by {name}, {photo}",
]
FOOTERS = [
    "© {year} {outlet}. All rights reserved.",
    "Copyright {year} {outlet}. Reproduction without written permission is prohibited.",
    "Read more: {topic} news and analysis at {domain}",
    "Read more stories like this at {domain}.",
    "Sign up for the {outlet} {topic} newsletter, delivered to your inbox every {day}.",
    "Get the latest {topic} headlines from {outlet} each morning. Subscribe now.",
    "Reporting by {name}; editing by {other}.",
    "This article first appeared on {domain}.",
    "Follow {outlet} on social media for the latest updates.",
]
ADVERTS = [
    "Advertisement", "ADVERTISEMENT", "Story continues below advertisement",
    "- Advertisement -", "Continue reading below",
]
SYNONYMS = {  # verbs and adverbs whose swap reads naturally wherever they stand
    "said": "stated", "says": "states", "told": "informed", "big": "large", "large": "big",
    "buy": "purchase", "rose": "climbed", "fell": "dropped", "also": "additionally",
    "about": "around", "started": "began", "expected": "anticipated", "quickly": "rapidly",
    "important": "significant", "however": "but", "very": "highly", "company": "firm",
    "people": "individuals", "government": "administration", "shows": "indicates",
}
# fmt: on
_SYNONYM = re.compile(r"\b(" + "|".join(SYNONYMS) + r")\b", re.IGNORECASE)
_TYPOGRAPHY = [
    (re.compile(r'"(?=\w)'), "“"),
    (re.compile(r'"'), "”"),
    (re.compile(r"(?<=\w)'(?=\w)"), "’"),
    (re.compile(r"'(?=\w)"), "‘"),
    (re.compile(r"'"), "’"),
    (re.compile(r" -{1,2} "), " — "),
    (re.compile(r"\.\.\."), "…"),
]


@dataclass(frozen=True)
class Outlet:
    """The invented publication a copy appears in."""

    name: str
    domain: str
    agency: str

    @classmethod
    def invent(cls, rng: Random) -> Outlet:
        name = f"The {rng.choice(PLACES)} {rng.choice(PAPERS)}"
        domain = name[4:].lower().replace(" ", "") + rng.choice([".com", ".co.uk", ".news", ".net"])
        return cls(name, domain, rng.choice(AGENCIES))


def _person(rng: Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _fill(template: str, rng: Random, outlet: Outlet) -> str:
    return template.format(
        name=_person(rng),
        other=_person(rng),
        city=rng.choice(CITIES).title(),
        day=rng.choice(WEEKDAYS),
        photo=rng.choice(PHOTO_AGENCIES),
        outlet=outlet.name,
        domain=outlet.domain,
        year=rng.randint(1987, 2025),
        topic=rng.choice(TOPICS),
    )


def byline(rng: Random, outlet: Outlet) -> str:
    forms = [
        f"By {_person(rng)}",
        f"By {_person(rng)}, {rng.choice(ROLES)}",
        f"{_person(rng)} | {outlet.name}",
        f"By {_person(rng)} and {_person(rng)}",
    ]
    return rng.choice(forms)


def dateline(rng: Random, outlet: Outlet) -> str:
    city = rng.choice(CITIES)
    forms = [
        f"{city} ({outlet.agency}) - ",
        f"{city}, {rng.choice(MONTHS)} {rng.randint(1, 28)} ({outlet.agency}) - ",
        f"{city} — ",
    ]
    return rng.choice(forms)


def caption(rng: Random, outlet: Outlet) -> str:
    return f"{_fill(rng.choice(CAPTIONS), rng, outlet)} {_fill(rng.choice(CREDITS), rng, outlet)}"


def footers(rng: Random, outlet: Outlet) -> list[str]:
    return [_fill(t, rng, outlet) for t in rng.sample(FOOTERS, rng.randint(1, 3))]


# --------------------------------------------------------------------------- copy edits


def abridge(paragraphs: list[str], rng: Random) -> list[str]:
    """Keep the first 50-95 % of paragraphs (at least one)."""
    return paragraphs[: max(1, round(len(paragraphs) * rng.uniform(0.5, 0.95)))]


def drop_sentence(paragraphs: list[str], rng: Random) -> list[str]:
    for _ in range(4):  # a few tries to find a paragraph with two sentences or more
        i = rng.randrange(len(paragraphs))
        sentences = SENTENCE.split(paragraphs[i])
        if len(sentences) > 1:
            del sentences[rng.randrange(len(sentences))]
            return [*paragraphs[:i], " ".join(sentences), *paragraphs[i + 1 :]]
    return paragraphs


def swap_words(paragraphs: list[str], rng: Random) -> list[str]:
    """Replace 1-4 words by a synonym, keeping a capital first letter."""
    out = list(paragraphs)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(out))
        found = list(_SYNONYM.finditer(out[i]))
        if found:
            m = rng.choice(found)
            new = SYNONYMS[m.group().lower()]
            new = new.capitalize() if m.group()[0].isupper() else new
            out[i] = out[i][: m.start()] + new + out[i][m.end() :]
    return out


def rewrap(paragraphs: list[str], rng: Random) -> list[str]:
    """Lines re-broken at a new width, or joined into one line per paragraph (0)."""
    width = rng.choice([0, 0, 60, 68, 72, 80])
    return [wrap(p, width) for p in paragraphs]


def wrap(paragraph: str, width: int) -> str:
    words = paragraph.split()
    if width <= 0:
        return " ".join(words)
    lines: list[str] = []
    line: list[str] = []
    length = -1
    for word in words:
        if line and length + 1 + len(word) > width:
            lines.append(" ".join(line))
            line, length = [], -1
        line.append(word)
        length += 1 + len(word)
    lines.append(" ".join(line))
    return "\n".join(lines)


def curly(text: str) -> str:
    for pattern, replacement in _TYPOGRAPHY:
        text = pattern.sub(replacement, text)
    return text


def insert_adverts(paragraphs: list[str], rng: Random) -> list[str]:
    out = list(paragraphs)
    for _ in range(rng.randint(1, 3)):
        out.insert(rng.randint(1, max(1, len(out) - 1)), rng.choice(ADVERTS))
    return out


def add_boilerplate(base: Article, paragraphs: list[str], rng: Random) -> list[str]:
    """1-4 kinds of boilerplate around and between ``paragraphs``."""
    outlet = Outlet.invent(rng)
    kinds = rng.sample(
        ["headline", "byline", "dateline", "caption", "footer", "advert"], rng.randint(1, 4)
    )
    body = list(paragraphs)
    if "dateline" in kinds:
        body[0] = dateline(rng, outlet) + body[0]
    if "caption" in kinds:
        body.insert(min(len(body), rng.randint(1, 2)), caption(rng, outlet))
    if "advert" in kinds:
        body = insert_adverts(body, rng)
    top = [byline(rng, outlet)] if "byline" in kinds else []
    if "headline" in kinds and base.title:
        top.insert(
            0, base.title.title() if base.title.isupper() and rng.random() < 0.5 else base.title
        )
    bottom = footers(rng, outlet) if "footer" in kinds else []
    return [*top, *body, *bottom]


def make_copy(base: Article, rng: Random) -> str:
    """A republished / re-scraped version of ``base``."""
    paragraphs = list(base.parts()) or [base.body]
    if rng.random() < 0.5:
        paragraphs = abridge(paragraphs, rng)
    if rng.random() < 0.5:
        paragraphs = swap_words(drop_sentence(paragraphs, rng), rng)
    if rng.random() < 0.35:
        paragraphs = rewrap(paragraphs, rng)
    text = "\n\n".join(add_boilerplate(base, paragraphs, rng))
    return curly(text) if rng.random() < 0.5 else text


# --------------------------------------------------------------------------- the corpus


def copies_chance(copy_rate: float) -> float:
    """Chance that a base gets copies, so that ``copy_rate`` of all documents are copies."""
    if not 0.0 <= copy_rate <= MAX_COPY_RATE:
        raise ValueError(f"copy rate must be in [0, {MAX_COPY_RATE}], got {copy_rate}")
    return copy_rate / (1.0 - copy_rate) / 3.0  # 3 = mean of 1-5 copies


def _record(doc_id: str, text: str, base: Article, copy_of: str | None) -> dict[str, Any]:
    return {
        "id": doc_id,
        "text": text,
        "source": base.source,
        "origin": base.origin,
        "copy_of": copy_of,
    }


def _groups(sources: Sources, seed: int, copy_rate: float) -> Iterator[list[dict[str, Any]]]:
    """Base after base (real ones, then synthetic ones forever), each with its copies."""
    order = list(range(len(sources.articles)))
    Random(f"{seed}/order").shuffle(order)
    chance = copies_chance(copy_rate)
    number = 0
    group = 0
    while True:
        rng = Random(f"{seed}/group/{group}")
        base_id = f"doc-{number:08d}"
        if group < len(order):
            base = sources.articles[order[group]]
        else:
            base = synthetic_base(sources, rng, base_id)
        docs = [_record(base_id, base.text, base, None)]
        copies = rng.randint(1, 5) if rng.random() < chance else 0
        for k in range(1, copies + 1):
            docs.append(_record(f"doc-{number + k:08d}", make_copy(base, rng), base, base_id))
        yield docs
        number += len(docs)
        group += 1


def _spread(docs: Iterator[dict[str, Any]], rng: Random, slots: int) -> Iterator[dict[str, Any]]:
    """A seeded shuffle buffer: bounded memory, deterministic order."""
    buffer: list[dict[str, Any]] = []
    for doc in docs:
        if len(buffer) < slots:
            buffer.append(doc)
            continue
        i = rng.randrange(slots)
        yield buffer[i]
        buffer[i] = doc
    rng.shuffle(buffer)
    yield from buffer


def generate(
    n: int, seed: int = 1, copy_rate: float = 0.3, corpora: Path = CORPORA
) -> Iterator[dict[str, Any]]:
    """``n`` records ``{"id", "text", "source", "origin", "copy_of"}``, the same for the same arguments."""
    sources = load_sources(corpora)
    copies_chance(copy_rate)  # fail before the first record

    def first_n() -> Iterator[dict[str, Any]]:
        made = 0
        for group in _groups(sources, seed, copy_rate):
            yield from group[: n - made]
            made += min(len(group), n - made)
            if made >= n:
                return

    return _spread(first_n(), Random(f"{seed}/spread"), SHUFFLE_SLOTS)


def _open_output(path: Path) -> tuple[BinaryIO, BinaryIO]:
    """The file to write to and the raw file under it (gzip: no name, mtime 0, so bytes repeat)."""
    raw = path.open("wb")
    if path.suffix == ".gz":
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0), raw
    return raw, raw


def write_corpus(path: Path, n: int, seed: int = 1, copy_rate: float = 0.3) -> tuple[int, int]:
    """Stream ``generate(n, seed, copy_rate)`` to JSONL (``.gz`` compressed); (documents, bytes)."""
    out, raw = _open_output(path)
    docs = written = 0
    chunk: list[str] = []
    try:
        for record in generate(n, seed, copy_rate):
            chunk.append(json.dumps(record, ensure_ascii=False))
            docs += 1
            if len(chunk) == 1000:
                written += out.write(("\n".join(chunk) + "\n").encode("utf-8"))
                chunk.clear()
        if chunk:
            written += out.write(("\n".join(chunk) + "\n").encode("utf-8"))
    finally:
        out.close()
        raw.close()
    return docs, written


def write_real(path: Path) -> tuple[int, int]:
    """The real articles as they are, ``{"id", "text"}``, in corpus order; (documents, bytes)."""
    out, raw = _open_output(path)
    docs = written = 0
    try:
        for article in load_articles():
            line = json.dumps({"id": article.id, "text": article.text}, ensure_ascii=False)
            written += out.write((line + "\n").encode("utf-8"))
            docs += 1
    finally:
        out.close()
        raw.close()
    return docs, written


# --------------------------------------------------------------------------- --check


def _ngram_hashes(text: str, n: int) -> np.ndarray:
    words = text.lower().split()
    grams = {hash(" ".join(words[i : i + n])) for i in range(max(1, len(words) - n + 1))}
    return np.fromiter(grams, dtype=np.int64, count=len(grams))


def _sharing_pairs(sets: list[np.ndarray], max_df: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of documents sharing a shingle held by <= ``max_df`` documents, and how many."""
    values = np.concatenate(sets)
    docs = np.repeat(np.arange(len(sets), dtype=np.int64), [s.size for s in sets])
    order = np.argsort(values, kind="stable")
    values, docs = values[order], docs[order]
    bounds = np.flatnonzero(np.diff(values)) + 1
    codes = []
    for members in np.split(docs, bounds):
        if 1 < members.size <= max_df:
            left, right = np.triu_indices(members.size, k=1)
            codes.append(members[left] * len(sets) + members[right])
    if not codes:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(codes), return_counts=True)


def _similarities(sets: list[np.ndarray], codes: np.ndarray, shared: np.ndarray) -> np.ndarray:
    sizes = np.array([s.size for s in sets], dtype=np.float64)
    left, right = codes // len(sets), codes % len(sets)
    return shared / (sizes[left] + sizes[right] - shared)


def _jaccard(a: str, b: str, n: int) -> float:
    x, y = set(_ngram_hashes(a, n).tolist()), set(_ngram_hashes(b, n).tolist())
    return len(x & y) / len(x | y)


def _containment(a: str, b: str, n: int) -> float:
    x, y = set(_ngram_hashes(a, n).tolist()), set(_ngram_hashes(b, n).tolist())
    return len(x & y) / min(len(x), len(y))


def check_bases(count: int, seed: int = 1) -> dict[str, Any]:
    """How alike ``count`` synthetic bases are: every pair by word 5-gram Jaccard, and the pairs
    built on a common source paragraph, with and without relexicalisation."""
    sources = load_sources()
    bases = [synthetic_base(sources, Random(f"{seed}/check/{i}"), "") for i in range(count)]
    plain = [synthetic_base(sources, Random(f"{seed}/check/{i}"), "", False) for i in range(count)]
    sets = [_ngram_hashes(b.text, 5) for b in bases]
    codes, shared = _sharing_pairs(sets, max_df=500)
    jaccard = _similarities(sets, codes, shared)
    common = _common_paragraph_pairs(plain)
    return {
        "synthetic_bases": count,
        "mean_chars": round(sum(len(b.text) for b in bases) / max(count, 1)),
        "pairs": count * (count - 1) // 2,
        "pairs_sharing_a_5gram": int(codes.size),
        "max_5gram_jaccard": round(float(jaccard.max(initial=0.0)), 4),
        "pairs_5gram_jaccard_ge_0.1": int((jaccard >= 0.1).sum()),
        "pairs_5gram_jaccard_ge_0.3": int((jaccard >= 0.3).sum()),
        "pairs_with_a_common_source_paragraph": len(common),
        "those_max_5gram_jaccard": _max(common, bases, _jaccard, 5),
        "those_max_3gram_containment": _max(common, bases, _containment, 3),
        "those_unrelexicalised_max_5gram_jaccard": _max(common, plain, _jaccard, 5),
        "those_unrelexicalised_max_3gram_containment": _max(common, plain, _containment, 3),
    }


def _common_paragraph_pairs(plain: list[Article]) -> list[tuple[int, int]]:
    holders: dict[str, list[int]] = {}
    for i, base in enumerate(plain):
        for paragraph in base.parts():
            holders.setdefault(paragraph, []).append(i)
    pairs = {(a, b) for held in holders.values() for k, a in enumerate(held) for b in held[k + 1 :]}
    return sorted(pairs)


def _max(
    pairs: list[tuple[int, int]],
    docs: list[Article],
    measure: Callable[[str, str, int], float],
    n: int,
) -> float:
    return round(max((measure(docs[a].text, docs[b].text, n) for a, b in pairs), default=0.0), 4)


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, help="documents to write")
    parser.add_argument("-o", "--output", type=Path, help="JSONL file (.jsonl or .jsonl.gz)")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same bytes (default 1)")
    parser.add_argument(
        "--copy-rate",
        type=float,
        default=0.3,
        help=f"share of copies, 0-{MAX_COPY_RATE} (default 0.3)",
    )
    parser.add_argument(
        "--real", action="store_true", help="write only the real articles, {id, text}, as they are"
    )
    parser.add_argument(
        "--check",
        type=int,
        metavar="BASES",
        help="report how alike this many synthetic bases are, then exit",
    )
    args = parser.parse_args(argv)
    require_corpora()
    if args.check:
        print(json.dumps(check_bases(args.check, args.seed), indent=2))
        return
    if args.output is None or (not args.real and (args.n is None or args.n < 0)):
        parser.error("give -n N (>= 0) and -o FILE, --real -o FILE, or --check BASES")
    if not 0.0 <= args.copy_rate <= MAX_COPY_RATE:
        parser.error(f"--copy-rate must be in [0, {MAX_COPY_RATE}]")
    began = time.perf_counter()
    if args.real:
        docs, written = write_real(args.output)
    else:
        docs, written = write_corpus(args.output, args.n, args.seed, args.copy_rate)
    seconds = time.perf_counter() - began
    on_disk = args.output.stat().st_size
    print(
        f"{docs:,} documents, {written:,} bytes of JSONL ({on_disk:,} on disk, "
        f"{written / max(docs, 1):,.0f} per document) in {seconds:.1f} s -> {args.output}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
