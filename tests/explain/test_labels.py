"""Each kind of passage a republished copy adds or lacks is labelled as such.

The story and its furniture are invented here; the rules must recognise the
*kind* of line (its shape, position, vocabulary), whatever its words.
"""

from __future__ import annotations

import pytest

from neardup.explain import LineCounts, compare
from neardup.explain.labels import change_label, misread

PARAGRAPHS = [
    "The ferry service between Norhaven and the outer islands resumed on Friday after a two-week strike by deck crews.",
    "The operator said all four vessels would sail a full timetable from Saturday, with extra crossings to clear the backlog of freight.",
    "Union officials said members had accepted a pay rise of 6 percent over two years and a review of overtime rules.",
    "Island businesses said the strike had cost them dearly at the start of the tourist season, and several hotels reported cancellations.",
    "The regional council said it would ask the operator to compensate season-ticket holders for the missed crossings.",
    "A spokesperson for the operator declined to comment on compensation but said the company valued its passengers.",
]
ORIGINAL = "\n\n".join(PARAGRAPHS)


def only_in_copy(copy: str, counts: LineCounts | None = None) -> list[tuple[str, str]]:
    return [
        (p.label or "", p.text_b)
        for p in compare(ORIGINAL, copy, counts=counts)
        if p.kind == "only_b"
    ]


def only_in_original(copy: str) -> list[tuple[str, str]]:
    return [(p.label or "", p.text_a) for p in compare(ORIGINAL, copy) if p.kind == "only_a"]


def with_lines(top: list[str] = (), middle: list[str] = (), bottom: list[str] = ()) -> str:  # type: ignore[assignment]
    return "\n\n".join([*top, *PARAGRAPHS[:3], *middle, *PARAGRAPHS[3:], *bottom])


def test_a_short_line_above_the_story_is_the_headline() -> None:
    assert only_in_copy(with_lines(top=["Ferries Sail Again As Island Strike Ends"])) == [
        ("headline", "Ferries Sail Again As Island Strike Ends")
    ]


@pytest.mark.parametrize(
    "line", ["By Mira Castell, Coastal Times", "By MIRA CASTELL", "8y Mira Castell, Coastal Times"]
)
def test_a_by_line_is_the_byline(line: str) -> None:
    assert only_in_copy(with_lines(top=[line])) == [("byline", line)]


def test_a_city_and_agency_opening_the_first_paragraph_is_the_dateline() -> None:
    copy = ORIGINAL.replace("The ferry", "NORHAVEN (Islands Wire) - The ferry", 1)
    assert only_in_copy(copy) == [("dateline", "NORHAVEN (Islands Wire) -")]


def test_a_credit_line_and_the_lines_above_it_are_the_caption() -> None:
    caption = "Ferries Return\nDeck crews prepare a vessel in the harbour on Friday. ODA KESSLER/Islands Wire"
    assert only_in_copy(with_lines(middle=[caption])) == [("caption", caption)]


def test_a_photo_line_without_a_credit_is_a_caption_too() -> None:
    assert only_in_copy(
        with_lines(middle=["A stock picture of the harbour. Photo: island archive"])
    ) == [("caption", "A stock picture of the harbour. Photo: island archive")]


@pytest.mark.parametrize(
    "line",
    [
        "© 2031 Coastal Times. All rights reserved.",
        "Read more: Coastal Times coverage of the islands",
        "Sign up for our morning briefing.",
        "This story was first published by Coastal Times.",
        "© Copyrlght Coastal Times 2031.",
    ],
)
def test_copyright_and_read_more_lines_below_the_story_are_the_footer(line: str) -> None:
    assert only_in_copy(with_lines(bottom=[line])) == [("footer", line)]


@pytest.mark.parametrize(
    "line", ["Advertisement", "ADVERTISEMENT", "Story continues below", "Adverlisement"]
)
def test_an_advertisement_marker_inside_the_story_is_an_advertisement(line: str) -> None:
    assert only_in_copy(with_lines(middle=[line])) == [("advertisement", line)]


def test_a_key_points_block_is_one_passage_even_when_it_repeats_the_story() -> None:
    block = "KEY POINTS\n\n• " + PARAGRAPHS[0] + "\n\n• Crews accepted a pay rise"
    copy = block + "\n\n" + ORIGINAL
    assert only_in_copy(copy) == [("key_points", block)]


def test_story_text_missing_from_the_end_of_a_copy_is_the_truncated_tail() -> None:
    copy = "\n\n".join(PARAGRAPHS[:4])
    assert only_in_original(copy) == [("truncated", "\n\n".join(PARAGRAPHS[4:]))]


def test_a_sentence_dropped_inside_the_story_is_an_edit() -> None:
    dropped = "Island businesses said the strike had cost them dearly at the start of the tourist season, and"
    copy = ORIGINAL.replace(dropped + " several", "Several")
    labels = {label for label, _ in only_in_original(copy)}
    assert labels == {"edited"}


def test_words_swapped_inside_a_sentence_are_an_edit_and_misreadings_ocr() -> None:
    edited = ORIGINAL.replace("The operator said", "The firm says")
    misread_copy = ORIGINAL.replace("backlog of freight", "baeklog of frelght")
    assert [p.label for p in compare(ORIGINAL, edited) if p.kind == "changed"] == ["edited"]
    assert {p.label for p in compare(ORIGINAL, misread_copy) if p.kind == "changed"} == {"ocr"}


def test_a_short_line_recurring_across_the_corpus_is_furniture() -> None:
    line = "Tap here for island weather"
    counts = LineCounts.from_texts([f"Story {n}\n{line}\nMore text {n}" for n in range(20)])
    assert only_in_copy(with_lines(middle=[line]), counts) == [("advertisement", line)]
    assert only_in_copy(with_lines(middle=[line])) == [("other", line)]


def test_a_recurring_line_that_wraps_a_sentence_is_text_not_furniture() -> None:
    # "stock." ends many a wrapped sentence in a wire corpus; here it ends an added one
    counts = LineCounts.from_texts(
        [f"Item {n} of preferred\nstock.\nMore text {n}" for n in range(20)]
    )
    added = "The operator also plans a sale of preferred\nstock."
    assert only_in_copy(with_lines(middle=[added]), counts) == [("edited", added)]


def test_the_wrapped_rest_of_a_recurring_line_is_furniture_too() -> None:
    footer = (
        "Reproduction of this article without written\npermission of the publisher is prohibited."
    )
    texts = [f"Story {n}\n\n{footer}" for n in range(20)]
    counts = LineCounts.from_texts(texts)
    assert only_in_copy(with_lines(bottom=[footer]), counts) == [("footer", footer)]


def test_misreadings_are_close_in_letters_and_edits_are_not() -> None:
    assert misread("government", "governrnent")  # OCR's "rn" for "m"
    assert misread("billion", "bi11ion")
    assert not misread("said", "says")
    assert change_label(["company", "said"], ["firm", "says"]) == "edited"
    assert change_label(["expectations"], ["expeetations"]) == "ocr"
