"""``neardup explain`` through the real entry point."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from neardup.cli._explain_view import show
from neardup.explain import explain
from tests.conftest import EXAMPLES, shared_path
from tests.generated import (
    ONE_SIZE_REPEATS,
    REPORT_FACTS,
    bond_issues,
    earnings_report,
    earnings_tables,
    numbered_bonds,
    scanned_copy,
)
from tests.test_cli import neardup

SCRAPES = EXAMPLES / "scrapes"
CORPUS = EXAMPLES / "corpus" / "news.jsonl"


def _says_the_scrape_story(out: str) -> None:
    assert "Verdict: one story" in out
    assert "Only in A: caption (photo caption / credit)" in out
    assert "Only in B: headline, footer (copyright / footer / read more)" in out
    assert "Typography only: bullets" in out


def test_explain_two_files_plain_when_piped() -> None:
    done = neardup(
        "explain", str(SCRAPES / "harbour-scrape-a.txt"), str(SCRAPES / "harbour-scrape-b.txt")
    )
    _says_the_scrape_story(done.stdout)
    assert "\x1b[" not in done.stdout  # no colour codes in a pipe
    assert "B  [headline] Kestrel Bay harbour reopens" in done.stdout
    assert "A  [caption] Contractors place rock armour" in done.stdout


def test_explain_the_shared_example_pair() -> None:
    a = shared_path("examples/article-scrape-a.txt")
    b = shared_path("examples/article-scrape-b.txt")
    done = neardup("explain", str(a), str(b), "--full")
    _says_the_scrape_story(done.stdout)
    assert "Typography only: bullets in 3 passages" in done.stdout
    assert "ALEXANDER ZEMLIANICHENKO/POOL/AFP via Getty Images" in done.stdout  # the credit


def test_explain_json() -> None:
    done = neardup(
        "explain",
        str(SCRAPES / "harbour-scrape-a.txt"),
        str(SCRAPES / "harbour-scrape-b.txt"),
        "--json",
    )
    data = json.loads(done.stdout)
    assert data["a"]["name"].endswith("harbour-scrape-a.txt")
    assert data["figures"]["same_story"] is True
    assert data["only_in_a"] == ["caption"] and data["only_in_b"] == ["headline", "footer"]
    assert set(data["erased"]) == {"bullets", "quotes"}


def test_explain_two_ids_of_a_corpus() -> None:
    done = neardup("explain", "bay-0188", "star-2603", "--corpus", str(CORPUS), "--json")
    data = json.loads(done.stdout)
    assert data["figures"]["same_story"] is True
    assert "key_points" in data["only_in_a"]


def test_explain_two_ids_of_an_output_dir(tmp_path: Path) -> None:
    neardup("dedup", str(CORPUS), "-o", str(tmp_path), "-q")
    done = neardup("explain", "bay-0188", "star-2603", "--output-dir", str(tmp_path))
    assert "Verdict: one story" in done.stdout


def test_an_unknown_id_is_an_error_naming_the_corpus() -> None:
    done = neardup("explain", "bay-0188", "no-such-id", "--corpus", str(CORPUS), check=False)
    assert done.returncode == 1
    assert "news.jsonl: no record with id 'no-such-id'" in done.stderr


def test_a_missing_file_is_an_error() -> None:
    done = neardup("explain", "nope-a.txt", str(SCRAPES / "harbour-scrape-b.txt"), check=False)
    assert done.returncode == 1 and "nope-a.txt: no such file" in done.stderr
    folder = neardup("explain", str(SCRAPES), str(SCRAPES), check=False)
    assert folder.returncode == 1 and f"{SCRAPES}: is a directory" in folder.stderr


def test_corpus_and_output_dir_together_are_refused(tmp_path: Path) -> None:
    done = neardup(
        "explain", "a", "b", "--corpus", str(CORPUS), "--output-dir", str(tmp_path), check=False
    )
    assert done.returncode == 1 and "not both" in done.stderr


def test_colour_on_a_terminal() -> None:
    a = (SCRAPES / "harbour-scrape-a.txt").read_text(encoding="utf-8")
    b = (SCRAPES / "harbour-scrape-b.txt").read_text(encoding="utf-8")
    screen = io.StringIO()
    show(
        Console(file=screen, force_terminal=True, width=100), explain(a, b), ("a", "b"), full=False
    )
    assert "\x1b[" in screen.getvalue() and "one story" in screen.getvalue()


def test_explain_names_the_figures_that_part_two_reports(tmp_path: Path) -> None:
    """The verdict dedup reaches on two reports of one template, with the figures
    behind it; a scanned copy of one is one story with it, figures and all."""
    westfield = earnings_report(*REPORT_FACTS["westfield"])
    texts = {
        "w.txt": westfield,
        "h.txt": earnings_report(*REPORT_FACTS["harbour"]),
        "scan.txt": scanned_copy(westfield),
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    apart = neardup("explain", str(tmp_path / "w.txt"), str(tmp_path / "h.txt")).stdout
    apart = " ".join(apart.split())  # as one line, however the terminal wraps it
    assert "Verdict: different stories" in apart
    assert "figures shared 0.000 < 0.4 x wording 0." in apart
    data = json.loads(
        neardup("explain", str(tmp_path / "w.txt"), str(tmp_path / "scan.txt"), "--json").stdout
    )
    figures = data["figures"]
    assert figures["same_story"] is True and figures["figure_ratio"] == 0.4
    assert figures["figures"] >= 0.4 * figures["wording"] > 0


def test_explain_names_the_rewrites_that_part_two_reports(tmp_path: Path) -> None:
    first, second, _ = bond_issues()
    (tmp_path / "first.txt").write_text(first, encoding="utf-8")
    (tmp_path / "second.txt").write_text(second, encoding="utf-8")
    files = (str(tmp_path / "first.txt"), str(tmp_path / "second.txt"))
    apart = " ".join(neardup("explain", *files).stdout.split())
    assert "Verdict: different stories" in apart and "rewrites 3 > 0.05 x" in apart
    figures = json.loads(neardup("explain", *files, "--json").stdout)["figures"]
    assert figures["rewrites"] == 3 and figures["max_rewrite_rate"] == 0.05


def test_explain_names_the_numbers_that_part_two_reports(tmp_path: Path) -> None:
    sweden, norway, _ = numbered_bonds()
    (tmp_path / "sweden.txt").write_text(sweden, encoding="utf-8")
    (tmp_path / "norway.txt").write_text(norway, encoding="utf-8")
    files = (str(tmp_path / "sweden.txt"), str(tmp_path / "norway.txt"))
    apart = " ".join(neardup("explain", *files).stdout.split())
    assert "Verdict: different stories" in apart and "numbers kept 3 of 7 < 0.5 x 7" in apart
    figures = json.loads(neardup("explain", *files, "--json").stdout)["figures"]
    assert figures["numbers"] == 7 and figures["min_number_share"] == 0.5


def test_explain_says_when_swaps_sit_in_a_table_kept_whole(tmp_path: Path) -> None:
    first, corrected, other = earnings_tables()
    for name, text in (("first", first), ("corrected", corrected), ("other", other)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    files = (str(tmp_path / "first.txt"), str(tmp_path / "corrected.txt"))
    kept = " ".join(neardup("explain", *files).stdout.split())
    assert "Verdict: one story" in kept and "numbers swapped 2 >= 1 in a table kept whole" in kept
    figures = json.loads(neardup("explain", *files, "--json").stdout)["figures"]
    assert figures["swaps"] == 2 and figures["table_kept"] is True
    apart = " ".join(neardup("explain", files[0], str(tmp_path / "other.txt")).stdout.split())
    assert "Verdict: different stories" in apart and "table kept" not in apart


def test_fewer_rewrites_than_the_minimum_are_shown_as_such() -> None:
    first, second = ONE_SIZE_REPEATS
    out = io.StringIO()
    show(Console(file=out, width=200), explain(first, second), ("a", "b"), full=False)
    assert "rewrites 1 < 2" in out.getvalue()
