"""explain() end to end: the figures, the example pairs, the dedup summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neardup.config import DedupConfig
from neardup.explain import LABELS, differences, explain
from neardup.explain.model import Explanation
from tests.conftest import EXAMPLES, shared_path
from tests.generated import bond_issues, numbered_bonds

SCRAPES = EXAMPLES / "scrapes"


def _pair(a: Path, b: Path) -> Explanation:
    return explain(a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8"))


def _check_scrape_pair(explanation: Explanation) -> None:
    """One story; B adds the headline and the footer, A the caption with its credit;
    the bullets differ only in typography."""
    assert explanation.figures is not None and explanation.figures.same_story
    assert [p.label for p in explanation.only_in_a] == ["caption"]
    assert [p.label for p in explanation.only_in_b] == ["headline", "footer"]
    assert not explanation.changed
    assert "bullets" in explanation.erased_counts()
    assert set(explanation.erased_counts()) <= {"bullets", "quotes"}
    caption = explanation.only_in_a[0].text_a
    assert "/" in caption.splitlines()[-1]  # the credit line is part of the caption
    footer = explanation.only_in_b[-1].text_b
    assert footer.startswith("©")


def test_the_repo_scrape_pair_is_explained() -> None:
    explanation = _pair(SCRAPES / "harbour-scrape-a.txt", SCRAPES / "harbour-scrape-b.txt")
    _check_scrape_pair(explanation)
    assert explanation.erased_counts()["quotes"] >= 1  # curly against straight quotes


def test_the_shared_scrape_pair_is_explained() -> None:
    a = shared_path("examples/article-scrape-a.txt")
    b = shared_path("examples/article-scrape-b.txt")
    explanation = _pair(a, b)
    _check_scrape_pair(explanation)
    assert set(explanation.erased_counts()) == {"bullets"}


def test_figures_agree_with_each_other() -> None:
    explanation = _pair(SCRAPES / "harbour-scrape-a.txt", SCRAPES / "harbour-scrape-b.txt")
    figures = explanation.figures
    assert figures is not None
    assert 0 < figures.jaccard <= figures.containment <= 1
    assert abs(figures.lsh_estimate - figures.jaccard) < 0.15  # 256 permutations
    assert figures.num_perm == 256


def test_different_stories_are_not_one_story() -> None:
    a = (SCRAPES / "harbour-scrape-a.txt").read_text(encoding="utf-8")
    explanation = explain(a, "An entirely different article about the price of wheat in 1987.")
    assert explanation.figures is not None and not explanation.figures.same_story


def test_differences_is_a_short_json_summary() -> None:
    kept = (SCRAPES / "harbour-scrape-a.txt").read_text(encoding="utf-8")
    removed = (SCRAPES / "harbour-scrape-b.txt").read_text(encoding="utf-8")
    summary = differences(kept, removed)
    assert summary == {
        "only_in_kept": ["caption"],
        "only_in_removed": ["headline", "footer"],
        "changed": [],
        "typography": True,
        "wrapping": False,
    }
    json.dumps(summary)


def test_to_json_names_every_passage() -> None:
    explanation = _pair(SCRAPES / "harbour-scrape-a.txt", SCRAPES / "harbour-scrape-b.txt")
    data = json.loads(json.dumps(explanation.to_json()))
    assert data["only_in_a"] == ["caption"] and data["only_in_b"] == ["headline", "footer"]
    assert data["figures"]["same_story"] is True
    kinds = {p["kind"] for p in data["passages"]}
    assert kinds == {"shared", "only_a", "only_b"}
    assert all(p["label"] in (None, *LABELS) for p in data["passages"])


@pytest.mark.parametrize("text", ["", "   \n\n  ", "•"])
def test_empty_texts_explain_to_nothing(text: str) -> None:
    explanation = explain(text, text)
    assert not explanation.only_in_a and not explanation.only_in_b


def test_rewrites_in_place_are_counted_and_decide_as_dedup_does() -> None:
    first, second, scanned = bond_issues()
    figures = explain(first, second).figures
    assert figures is not None and not figures.same_story
    assert figures.rewrites == 3 and figures.aligned is not None
    assert figures.rewrites > figures.max_rewrite_rate * figures.aligned
    assert figures.to_json()["rewrites"] == 3
    relaxed = explain(first, second, DedupConfig(max_rewrite_rate=0, number_swaps=0)).figures
    assert relaxed is not None and relaxed.same_story and relaxed.rewrites is None
    scan = explain(first, scanned).figures
    assert scan is not None and scan.same_story  # near-identical: not counted


def test_numbers_are_counted_and_decide_as_dedup_does() -> None:
    sweden, norway, scan = numbered_bonds()
    figures = explain(sweden, norway).figures
    assert figures is not None and not figures.same_story
    assert (figures.numbers, figures.numbers_missing) == (7, 4)
    assert figures.to_json()["numbers_missing"] == 4
    relaxed = explain(sweden, norway, DedupConfig(min_number_share=0, number_swaps=0)).figures
    assert relaxed is not None and relaxed.same_story and relaxed.numbers is None
    # the amount and date, the coupon, the price ("101-1/8" / "101-5/8": begun in "at 101")
    assert figures.swaps == 3 and relaxed.swaps is None
    kept = explain(sweden, scan).figures
    assert kept is not None and kept.same_story
