"""Word matching: which words two texts share, and what normalisation erased."""

from __future__ import annotations

import pytest

from neardup.explain import compare
from neardup.explain.align import Block, erased_kind, match


def test_identical_sequences_are_one_block() -> None:
    words = ["a", "b", "c", "d", "e"]
    assert match(words, words) == [Block(0, 0, 5)]


def test_a_repeated_opening_leaves_the_repeat_unmatched() -> None:
    story = ["the", "port", "reopened", "on", "tuesday", "after", "the", "storm"]
    copy = ["key", "points", *story[:4], *story]
    blocks = match(story, copy)
    assert blocks == [Block(0, 6, len(story))]  # the story matches the story, not the bullet


def test_stray_common_words_inside_an_insertion_do_not_match() -> None:
    original = [
        "the",
        "council",
        "approved",
        "the",
        "budget",
        "for",
        "the",
        "rebuild",
        "on",
        "monday",
    ]
    copy = [
        *original[:5],
        "a",
        "photo",
        "of",
        "the",
        "sea",
        "wall",
        "by",
        "a",
        "crew",
        *original[5:],
    ]
    assert len(match(original, copy)) == 2  # before and after the caption, nothing inside


def test_an_insertion_moves_to_fill_whole_lines() -> None:
    first = "The operating management was carried out by Dome Petroleum, an analyst said."
    last = "Dome and Encor are actually going to get farther apart, the analyst said."
    a = f"{first}\n\n{last}"
    b = f"{first}\n\nDome Pete\nA file photo. ANA LOPEZ/AP\n\n{last}"
    only_b = [p for p in compare(a, b) if p.kind == "only_b"]
    assert [p.text_b for p in only_b] == ["Dome Pete\nA file photo. ANA LOPEZ/AP"]
    assert only_b[0].label == "caption"


@pytest.mark.parametrize(
    ("raw_a", "raw_b", "kind"),
    [
        ("it’s", "it's", "quotes"),
        ("“so", '"so', "quotes"),
        ("Japan&#8217;s", "Japan’s", "entities"),
        ("Â£5", "£5", "mojibake"),
        ("2001–2005", "2001-2005", "dashes"),
        ("HARBOUR", "harbour", "case"),
        ("exam-\nple", "example", "hyphenation"),
        ("ﬁle", "file", "unicode"),
    ],
)
def test_what_normalisation_erased_is_named(raw_a: str, raw_b: str, kind: str) -> None:
    assert erased_kind(raw_a, raw_b) == kind


def test_rewrapped_lines_are_reported_as_wrapping() -> None:
    a = "The council said it would double the number of assessors from Monday."
    b = "The council said it would double\nthe number of assessors from Monday."
    (passage,) = compare(a, b)
    assert passage.kind == "shared" and passage.erased == ("wrapping",)
