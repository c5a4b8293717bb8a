"""Corpus line frequencies: short lines recurring across documents are furniture."""

from __future__ import annotations

from neardup.explain import LineCounts


def test_a_short_line_in_many_documents_is_boilerplate() -> None:
    topics = [
        "ferries",
        "wheat",
        "copper",
        "tin",
        "rice",
        "cocoa",
        "sugar",
        "coffee",
        "oil",
        "gas",
        "zinc",
        "wool",
    ]
    texts = [
        f"A story about {topic} prices.\n© {2000 + n} The Daily" for n, topic in enumerate(topics)
    ]
    counts = LineCounts.from_texts(texts)
    assert counts.documents == 12
    assert counts.is_boilerplate("© 2099 the daily")  # years are masked
    assert not counts.is_boilerplate("a story about tin prices.")


def test_a_line_counts_once_per_document_and_long_lines_never() -> None:
    long_line = " ".join(["word"] * 30)
    counts = LineCounts.from_texts(["Advertisement\nAdvertisement\n" + long_line] * 9)
    assert not counts.is_boilerplate("advertisement")  # 9 documents, not 18 lines
    counts.add("Advertisement")
    assert counts.is_boilerplate("advertisement")
    assert not counts.is_boilerplate(long_line.lower())
