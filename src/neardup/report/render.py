"""The report as one self-contained HTML file.

Figures, plots and the page skeleton are HTML written here; the clusters are
data. The cluster list (ids, sizes, similarities) is one small JSON block
parsed when the page opens; each cluster's texts and aligned passages are a
JSON block of their own (``<script type="application/json">``, which the
browser stores but does not parse) read only when that cluster is expanded.
So opening the page costs the list, not the corpus, and 10,000 clusters open
as fast as ten.

Passages are spans into the texts, so each text is embedded once. Offsets are
converted to UTF-16 code units, which is how JavaScript indexes strings.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Sequence
from datetime import datetime, timezone
from html import escape
from statistics import mean
from typing import Any

from neardup._version import __version__
from neardup.explain.model import LABEL_TEXT, Passage
from neardup.report.assets import SCRIPT, STYLE
from neardup.report.data import ClusterDetail, Copy, ReportData
from neardup.report.plots import Bar, horizontal_bars, vertical_bars

__all__ = ["render"]

_KIND_CODE = {"shared": "s", "only_a": "a", "only_b": "b", "changed": "c"}
_BINS = 20  # similarity histogram bins over [0, 1]
_SIZE_BARS = 30  # cluster sizes shown one by one; larger ones share the last bar
_BY_BARS = 20  # values of the --by field shown


def render(data: ReportData, *, title: str) -> str:
    """The whole page."""
    blocks = "".join(
        _json_block(f"nd-c-{k}", _detail_json(cluster)) for k, cluster in enumerate(data.clusters)
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<header><h1>{escape(title)}</h1><p class="sub">{_subtitle(data)}</p></header>'
        f'<section id="figures" class="figures">{_figures(data)}</section>'
        f'<section id="plots" class="plots">{_plots(data)}</section>'
        '<section id="clusters"><h2>Largest clusters</h2>'
        '<div class="tools"><input id="search" type="search" placeholder="Search ids…" '
        'aria-label="Search ids" autocomplete="off"><span id="count"></span></div>'
        f'<div class="legend">{_legend()}</div>'
        '<div id="list"></div><button id="more" type="button">Show more</button></section>'
        f"{_json_block('nd-index', _index_json(data))}{blocks}"
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def _subtitle(data: ReportData) -> str:
    run = data.summary.get("run", {})
    inputs = ", ".join(str(i) for i in run.get("inputs", [])) or "?"
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return escape(f"inputs: {inputs} · neardup {__version__} · written {stamp}")


def _figures(data: ReportData) -> str:
    counts = data.summary.get("counts", {})
    parameters = data.summary.get("parameters", {})
    clusters = sum(data.cluster_sizes.values())
    largest = max(data.cluster_sizes, default=1)
    share = data.removed / data.records if data.records else 0.0
    mean_similarity = f"{mean(data.similarities):.3f}" if data.similarities else "–"
    rows = [
        ("records", f"{data.records:,}"),
        ("kept", f"{data.records - data.removed:,}"),
        ("removed", f"{data.removed:,} ({share:.1%})"),
        ("clusters with copies", f"{clusters:,}"),
        ("largest cluster", f"{largest:,}"),
        ("mean similarity of removed", mean_similarity),
        (
            "rule",
            f"{parameters.get('similarity', '?')} ≥ {parameters.get('threshold', '?')}",
        ),
        ("skipped bad records", f"{counts.get('skipped_errors', 0):,}"),
    ]
    return "".join(
        f'<div class="figure"><div class="value">{escape(value)}</div>'
        f'<div class="name">{escape(name)}</div></div>'
        for name, value in rows
    )


def _plots(data: ReportData) -> str:
    plots = [_size_plot(data), _similarity_plot(data)]
    if data.by_field:
        plots.append(_by_plot(data))
    return "".join(plots)


def _size_plot(data: ReportData) -> str:
    sizes = data.cluster_sizes
    largest = min(max(sizes, default=2), _SIZE_BARS + 1)
    bars = []
    for size in range(2, largest + 1):
        last = size == _SIZE_BARS + 1
        count = sum(n for s, n in sizes.items() if s >= size) if last else sizes.get(size, 0)
        label = f"{size}+" if last else str(size)
        bars.append(Bar(label, count, f"{count:,} clusters of {label} records"))
    singletons = data.records - sum(size * n for size, n in sizes.items())
    return vertical_bars(
        bars,
        title="Cluster sizes",
        caption=f"clusters with copies, by records per cluster; {singletons:,} records have no copy",
        name="sizes",
        x_label="records in the cluster",
    )


def _similarity_plot(data: ReportData) -> str:
    counts = [0] * _BINS
    for value in data.similarities:
        counts[min(_BINS - 1, max(0, int(value * _BINS)))] += 1
    bars = [
        Bar(
            f"{k / _BINS:.2f}",
            n,
            f"{n:,} removed records with similarity {k / _BINS:.2f}–{(k + 1) / _BINS:.2f}",
        )
        for k, n in enumerate(counts)
    ]
    threshold = data.summary.get("parameters", {}).get("threshold")
    marker = (float(threshold) * _BINS, f"threshold {threshold}") if threshold else None
    return vertical_bars(
        bars,
        title="Similarity to the kept copy",
        caption="removed records, by the similarity that matched them",
        name="similarity",
        x_label="similarity",
        marker=marker,
    )


def _by_plot(data: ReportData) -> str:
    bars = [
        Bar(
            value,
            removed,
            f"{value}: {removed:,} of {records:,} records removed ({removed / records:.1%})",
        )
        for value, records, removed in data.by_values[:_BY_BARS]
    ]
    more = len(data.by_values) - len(bars)
    tail = f"; {more:,} more values" if more > 0 else ""
    return horizontal_bars(
        bars,
        title=f"Duplicates by {data.by_field}",
        caption=f"removed records per value of {data.by_field}{tail}",
        name="by",
    )


def _legend() -> str:
    return "".join(
        f'<span class="badge label-{label}" title="{escape(text)}">{escape(label)}</span>'
        for label, text in LABEL_TEXT.items()
    )


def _index_json(data: ReportData) -> dict[str, Any]:
    rows = []
    for cluster in data.clusters:
        similarities = [c.similarity for c in cluster.copies if c.similarity is not None]
        rows.append(
            [
                cluster.kept_id,
                len(cluster.copies) + 1,
                round(min(similarities), 4) if similarities else None,
                [c.id for c in cluster.copies],
            ]
        )
    return {"clusters": rows, "labels": LABEL_TEXT, "shown": len(rows)}


def _detail_json(cluster: ClusterDetail) -> dict[str, Any]:
    kept_units = _utf16_units(cluster.kept_text)
    return {
        "k": cluster.kept_id,
        "t": cluster.kept_text,
        "c": [_copy_json(copy, kept_units) for copy in cluster.copies],
    }


def _copy_json(copy: Copy, kept_units: Sequence[int] | None) -> list[Any]:
    units = _utf16_units(copy.text)
    return [
        copy.id,
        copy.similarity,
        copy.text,
        [_passage_json(p, kept_units, units) for p in copy.passages],
        copy.summary,
    ]


def _passage_json(
    passage: Passage, units_a: Sequence[int] | None, units_b: Sequence[int] | None
) -> list[Any]:
    a0, a1 = _span16(passage.span_a, units_a)
    b0, b1 = _span16(passage.span_b, units_b)
    return [_KIND_CODE[passage.kind], passage.label or "", a0, a1, b0, b1, ",".join(passage.erased)]


def _utf16_units(text: str) -> list[int] | None:
    """Code-point offsets of every astral character (None when there is none)."""
    astral = [k for k, char in enumerate(text) if ord(char) > 0xFFFF]
    return astral or None


def _span16(span: tuple[int, int] | None, astral: Sequence[int] | None) -> tuple[int, int]:
    if span is None:
        return -1, -1
    if not astral:
        return span
    return span[0] + bisect_left(astral, span[0]), span[1] + bisect_left(astral, span[1])


def _json_block(element_id: str, payload: Any) -> str:
    """JSON in a script element the browser keeps as text; "<" escaped so no tag can close it."""
    # ASCII: a lone surrogate in a record's text stays a valid escape, never invalid UTF-8.
    text = json.dumps(payload, separators=(",", ":")).replace("<", "\\u003c")
    return f'<script type="application/json" id="{element_id}">{text}</script>'
