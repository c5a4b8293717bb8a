"""Furniture lines (bylines, captions, footers, ads) left out of the shingles on request."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from neardup import dedup
from neardup.boilerplate import _hits, content_text, furniture_lines
from neardup.config import DedupConfig
from neardup.explain.figures import figures
from neardup.explain.labels import label_line

BYLINE = "By Jane Doe, Harbour Gazette"
CAPTION = "Ferry at the quay. A file photo. JOHN SMITH/Reuters via Getty Images"
FOOTER = "(c) 2024 Harbour Gazette. All rights reserved."
AD = "ADVERTISEMENT"
NEWSLETTER = "Sign up for our newsletter to get the top stories every morning."
FURNITURE = [BYLINE, CAPTION, FOOTER, AD, NEWSLETTER]

STORY_A = (
    "The harbour board voted on Tuesday to close the old ferry terminal after forty years.\n"
    "Repairs to the pier would have cost more than a new terminal, the chairman said."
)
STORY_B = (
    "A storm flooded the lower town overnight and closed three schools near the river.\n"
    "Volunteers filled sandbags until dawn while the water kept rising in the square."
)


def test_furniture_lines_are_dropped_and_the_story_kept() -> None:
    text = "\n".join([BYLINE, STORY_A.split("\n")[0], CAPTION, AD, STORY_A.split("\n")[1], FOOTER])
    assert furniture_lines(text) == [0, 2, 3, 5]
    assert content_text(text) == STORY_A
    assert content_text(STORY_A) is STORY_A  # nothing to drop: the text itself


def test_a_text_that_is_all_furniture_keeps_its_text() -> None:
    text = "\n".join(FURNITURE)
    assert content_text(text) == text


@given(st.lists(st.sampled_from([*FURNITURE, *STORY_A.split("\n"), "", "plain words"]), max_size=8))
def test_every_line_the_rules_name_is_found(lines: list[str]) -> None:
    # the cheap scan is a superset of the rules: no furniture line is missed for speed
    text = "\n".join(lines)
    named = [i for i, line in enumerate(lines) if line and label_line(line, fuzzy=False)]
    named = [i for i in named if label_line(lines[i], fuzzy=False) != "headline"]
    assert set(named) <= set(furniture_lines(text))
    for line in lines:
        if label_line(line, fuzzy=False):
            assert _hits(line)


def test_boilerplate_alone_scores_low_and_copies_score_near_identical() -> None:
    on = DedupConfig(drop_boilerplate=True)
    off = DedupConfig()
    # two different stories from one outlet: the same byline, caption and footer
    a = "\n".join([BYLINE, STORY_A, CAPTION, NEWSLETTER, FOOTER])
    b = "\n".join([BYLINE, STORY_B, CAPTION, NEWSLETTER, FOOTER])
    assert figures(a, b, off).containment > 0.45  # counted as text, the furniture matches
    assert figures(a, b, on).containment < 0.05
    # one story from two outlets, each with its own furniture
    copy_1 = "\n".join([BYLINE, STORY_A, CAPTION])
    copy_2 = "\n".join(["By Li Wei, The Courier", STORY_A, AD, NEWSLETTER, FOOTER])
    assert figures(copy_1, copy_2, off).jaccard < 0.5
    assert figures(copy_1, copy_2, on).jaccard == 1.0
    # and in a run: the outlet's two stories stay apart, the two copies join
    records = [
        {"id": "a", "text": a},
        {"id": "b", "text": b},
        {"id": "c1", "text": copy_1},
        {"id": "c2", "text": copy_2},
    ]
    clusters = dedup(records, drop_boilerplate=True).clusters()
    assert sorted(sorted(members) for members in clusters.values()) == [["a", "c1", "c2"], ["b"]]
