"""Small news-like corpora made on the spot: stories, copies, repeats, quotes, running stories.

Deterministic for a seed; no data files. Copies are made the ways republished news
differs (a headline or footer added, sentences cut, words swapped), so a corpus of a
few hundred documents has clusters of several sizes, chains and singletons.
"""

from __future__ import annotations

import random
from typing import Any

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "zu", "pe", "da", "gi", "ho", "ja"]


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _sentence(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(8, 16))).capitalize() + "."


def _copy(rng: random.Random, sentences: list[str], words: list[str]) -> str:
    kept = list(sentences)
    if rng.random() < 0.5:  # abridged
        kept = kept[: max(3, int(len(kept) * rng.uniform(0.6, 0.95)))]
    if rng.random() < 0.4 and len(kept) > 4:  # a sentence dropped
        del kept[rng.randrange(len(kept))]
    if rng.random() < 0.5:  # a word swapped
        i = rng.randrange(len(kept))
        parts = kept[i].split()
        parts[rng.randrange(len(parts))] = rng.choice(words)
        kept[i] = " ".join(parts)
    if rng.random() < 0.5:
        kept.insert(0, "BREAKING " + _sentence(rng, words).upper())
    if rng.random() < 0.5:
        kept.append("Copyright " + _sentence(rng, words))
    return "\n".join(kept)


def news_like(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """``count`` records ``{"id", "text", "date"}``, copies spread among their stories."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    stories: list[list[str]] = []
    docs: list[str] = []
    chain: list[str] = []
    while len(docs) < count:
        roll = rng.random()
        if roll < 0.08:  # a running story: each update repeats the last one's second half
            chain = chain[len(chain) // 2 :] + [_sentence(rng, words) for _ in range(3)]
            docs.append("\n".join(chain))
        elif not stories or roll < 0.45:
            story = [_sentence(rng, words) for _ in range(rng.randint(6, 14))]
            stories.append(story)
            docs.append("\n".join(story))
        elif roll < 0.85:
            docs.append(_copy(rng, rng.choice(stories), words))
        elif roll < 0.92:
            docs.append(rng.choice(docs))  # an exact repeat
        else:  # a new story quoting one sentence of another
            own = [_sentence(rng, words) for _ in range(rng.randint(6, 10))]
            own.insert(len(own) // 2, rng.choice(rng.choice(stories)))
            docs.append("\n".join(own))
    return [
        {"id": f"doc-{i:05d}", "text": text, "date": f"2025-01-{1 + rng.randrange(28):02d}"}
        for i, text in enumerate(docs)
    ]
