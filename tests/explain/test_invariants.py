"""Invariants of the alignment, checked on generated texts (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from neardup.explain import compare
from neardup.explain.model import Passage
from neardup.explain.tokens import tokenize

WORDS = ["the", "harbour", "reopened", "storm", "Idris", "said", "“quote”", "it’s", "£5", "&amp;"]
LINE = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)
BULLET = st.sampled_from(["", "• ", "- ", "* "])
TEXT = st.lists(st.tuples(BULLET, LINE), min_size=1, max_size=10).map(
    lambda lines: "\n".join(bullet + line for bullet, line in lines)
)
ANY_TEXT = st.one_of(TEXT, st.text(max_size=200))


def _side_spans(passages: tuple[Passage, ...], side: str) -> list[tuple[int, int]]:
    spans = [p.span_a if side == "a" else p.span_b for p in passages]
    return [span for span in spans if span is not None]


def _covered_once(text: str, passages: tuple[Passage, ...], side: str) -> None:
    spans = _side_spans(passages, side)
    for token in tokenize(text).tokens:
        holders = [s for s in spans if s[0] <= token.start < s[1]]
        assert len(holders) == 1, (token, holders)


@settings(max_examples=150)
@given(ANY_TEXT)
def test_a_text_against_itself_has_nothing_only_in_either(text: str) -> None:
    passages = compare(text, text)
    assert all(p.kind == "shared" for p in passages)
    assert all(not p.erased for p in passages)


@settings(max_examples=150)
@given(ANY_TEXT, ANY_TEXT)
def test_every_word_lands_in_exactly_one_passage_of_its_side(a: str, b: str) -> None:
    passages = compare(a, b)
    _covered_once(a, passages, "a")
    _covered_once(b, passages, "b")


@settings(max_examples=100)
@given(TEXT, TEXT)
def test_passages_are_in_reading_order(a: str, b: str) -> None:
    passages = compare(a, b)
    for side in ("a", "b"):
        starts = [span[0] for span in _side_spans(passages, side)]
        assert starts == sorted(starts)


@settings(max_examples=100)
@given(TEXT, TEXT)
def test_labels_only_on_differences(a: str, b: str) -> None:
    for passage in compare(a, b):
        assert (passage.label is None) == (passage.kind == "shared")
        if passage.kind == "only_a":
            assert passage.text_a == a[passage.span_a[0] : passage.span_a[1]]  # type: ignore[index]
