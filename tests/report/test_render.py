"""The report page: self-contained, its data intact, its plots drawn."""

from __future__ import annotations

import json
import re
from pathlib import Path

from neardup.report import build_report
from neardup.report.plots import Bar, vertical_bars
from neardup.report.render import _span16, _utf16_units


def _blocks(html: str) -> dict[str, object]:
    found = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', html, re.S)
    return {name: json.loads(body) for name, body in found}


def test_the_report_is_one_self_contained_file(example_run: Path, tmp_path: Path) -> None:
    html_path = tmp_path / "report.html"
    data = build_report(example_run, html_path, by="source")
    html = html_path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing from the network
    assert "<link" not in html and "@import" not in html
    assert html.count('<figure class="plot"') == 3  # sizes, similarity, by source
    assert "Duplicates by source" in html
    blocks = _blocks(html)
    index = blocks["nd-index"]
    assert isinstance(index, dict)
    assert (
        len(index["clusters"])
        == len(data.clusters)
        == data.summary["counts"]["clusters_with_duplicates"]
    )
    sizes = [row[1] for row in index["clusters"]]
    assert sizes == sorted(sizes, reverse=True)  # largest first
    detail = blocks["nd-c-0"]
    assert isinstance(detail, dict)
    kept_text, copy = detail["t"], detail["c"][0]
    for kind, _label, a0, a1, b0, b1, _erased in copy[3]:
        assert (a0 >= 0) == (kind in "sac") and (b0 >= 0) == (kind in "sbc")
        assert a1 <= len(kept_text) and b1 <= len(copy[2])


def test_top_limits_the_clusters_with_diffs(example_run: Path, tmp_path: Path) -> None:
    data = build_report(example_run, tmp_path / "r.html", top=1)
    assert len(data.clusters) == 1
    assert data.clusters[0].copies  # the largest cluster, with its copies explained


def test_text_cannot_close_the_script_element(tmp_path: Path) -> None:
    from neardup.report.render import _json_block

    block = _json_block("x", {"t": "</script><script>alert(1)</script>"})
    assert block.count("</script>") == 1
    assert json.loads(block[block.index(">") + 1 : -len("</script>")]) == {
        "t": "</script><script>alert(1)</script>"
    }


def test_offsets_are_utf16_for_javascript() -> None:
    text = "a😀b😀c"
    astral = _utf16_units(text)
    assert astral == [1, 3]
    assert _span16((4, 5), astral) == (6, 7)  # "c" after two surrogate pairs
    assert _span16((0, 1), None) == (0, 1)


def test_bar_charts_are_svg_with_tooltips() -> None:
    svg = vertical_bars(
        [Bar("2", 3, "3 clusters of 2"), Bar("3", 1, "1 cluster of 3")],
        title="Sizes",
        caption="c",
        name="sizes",
        x_label="records",
    )
    assert svg.count('<rect class="bar"') == 2 and "<title>3 clusters of 2</title>" in svg
