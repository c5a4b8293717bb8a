"""The compiled matcher finds difflib's blocks, to the block."""

from __future__ import annotations

from difflib import SequenceMatcher

from hypothesis import given, settings
from hypothesis import strategies as st

from neardup.explain.blocks import matching_blocks


def difflib_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    found = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return [(i, j, size) for i, j, size in found if size]


# few distinct words: runs repeat, so ties between equally long runs are common
words = st.lists(st.sampled_from(["the", "a", "said", "x", "y"]), max_size=60)


@settings(max_examples=400, deadline=None)
@given(words, words)
def test_the_blocks_are_difflibs(a: list[str], b: list[str]) -> None:
    assert matching_blocks(a, b) == difflib_blocks(a, b)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=2), max_size=40), st.lists(st.text(max_size=2), max_size=40))
def test_any_words_and_empty_sides(a: list[str], b: list[str]) -> None:
    assert matching_blocks(a, b) == difflib_blocks(a, b)


def test_a_text_that_repeats_itself() -> None:
    story = "the court said on monday the ruling stands and the court said it would appeal"
    edited = story.replace("monday", "tuesday")
    a = f"{story} page ".split() * 30
    b = f"{edited} comments ".split() * 25
    assert matching_blocks(a, b) == difflib_blocks(a, b)


def test_ties_go_to_the_earliest_run_in_a_then_in_b() -> None:
    assert matching_blocks(["x", "y", "x"], ["x", "x"]) == [(0, 0, 1), (2, 1, 1)]
