"""Bar charts as inline SVG, drawn in Python: no library, no script, no network.

Each chart is a ``<figure>`` with an ``<svg>`` whose bars carry a
``<title>`` (the browser's tooltip) and whose axes are labelled with text, so
the report reads the same in any browser, printed, or saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Bar", "horizontal_bars", "vertical_bars"]

_WIDTH = 560
_HEIGHT = 220
_MARGIN_LEFT = 48
_MARGIN_BOTTOM = 36
_MARGIN_TOP = 12
_TICKS = 4  # gridlines on the value axis
_ROW = 20  # pixels per bar in horizontal charts
_LABEL_WIDTH = 190  # pixels for the category names of horizontal charts
_LABEL_CHARS = 28  # longest category name shown whole


@dataclass(frozen=True)
class Bar:
    """One bar: its axis label, its value, and the tooltip that explains it."""

    label: str
    value: float
    tooltip: str


def _axis(value: float) -> tuple[float, float]:
    """A round axis maximum at or above ``value`` and its gridline step (1, 2 or 5 x 10^k)."""
    if value <= 0:
        return 1.0, 1.0 / _TICKS
    raw_step = value / _TICKS
    scale = 1.0
    while scale * 10 <= raw_step:
        scale *= 10
    while scale > raw_step:
        scale /= 10
    step = next(m * scale for m in (1, 2, 5, 10) if m * scale >= raw_step)
    if value >= 1:
        step = max(1.0, step)  # counts: whole gridlines
    ticks = -(-value // step)
    return ticks * step, step


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.2g}"


def _figure(svg: str, title: str, caption: str, name: str) -> str:
    return (
        f'<figure class="plot" data-plot="{escape(name)}"><figcaption><strong>{escape(title)}'
        f"</strong> {escape(caption)}</figcaption>{svg}</figure>"
    )


def vertical_bars(
    bars: Sequence[Bar],
    *,
    title: str,
    caption: str,
    name: str,
    x_label: str,
    marker: tuple[float, str] | None = None,
) -> str:
    """A column chart; ``marker`` = (position in bars, label) draws a dashed line there."""
    plot_w = _WIDTH - _MARGIN_LEFT - 8
    plot_h = _HEIGHT - _MARGIN_BOTTOM - _MARGIN_TOP
    top, step = _axis(max((b.value for b in bars), default=0))
    slot = plot_w / max(1, len(bars))
    parts = [_grid(top, step, plot_w, plot_h)]
    label_every = max(1, -(-len(bars) // 10))  # at most ten labels
    for k, bar in enumerate(bars):
        h = plot_h * bar.value / top
        x = _MARGIN_LEFT + k * slot
        y = _MARGIN_TOP + plot_h - h
        parts.append(
            f'<rect class="bar" x="{x + 1:.1f}" y="{y:.1f}" width="{max(1.0, slot - 2):.1f}" '
            f'height="{h:.1f}"><title>{escape(bar.tooltip)}</title></rect>'
        )
        if k % label_every == 0:
            parts.append(
                f'<text class="tick" x="{x + slot / 2:.1f}" y="{_MARGIN_TOP + plot_h + 14}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    if marker is not None:
        x = _MARGIN_LEFT + marker[0] * slot
        parts.append(
            f'<line class="marker" x1="{x:.1f}" x2="{x:.1f}" y1="{_MARGIN_TOP}" '
            f'y2="{_MARGIN_TOP + plot_h}"/><text class="tick marker-label" x="{x + 3:.1f}" '
            f'y="{_MARGIN_TOP + 10}">{escape(marker[1])}</text>'
        )
    parts.append(
        f'<text class="axis" x="{_MARGIN_LEFT + plot_w / 2:.1f}" y="{_HEIGHT - 4}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    svg = (
        f'<svg viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" aria-label="{escape(title)}">'
        + "".join(parts)
        + "</svg>"
    )
    return _figure(svg, title, caption, name)


def _grid(top: float, step: float, plot_w: float, plot_h: float) -> str:
    lines = []
    for k in range(round(top / step) + 1):
        value = step * k
        y = _MARGIN_TOP + plot_h - plot_h * value / top
        lines.append(
            f'<line class="grid" x1="{_MARGIN_LEFT}" x2="{_MARGIN_LEFT + plot_w:.1f}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/><text class="tick" x="{_MARGIN_LEFT - 6}" '
            f'y="{y + 4:.1f}" text-anchor="end">{_number(value)}</text>'
        )
    return "".join(lines)


def horizontal_bars(bars: Sequence[Bar], *, title: str, caption: str, name: str) -> str:
    """A bar per category, the longest on top, the value written at the bar's end."""
    plot_w = _WIDTH - _LABEL_WIDTH - 60
    height = _MARGIN_TOP + _ROW * max(1, len(bars)) + 8
    top = max((b.value for b in bars), default=0) or 1.0
    parts = []
    for k, bar in enumerate(bars):
        y = _MARGIN_TOP + k * _ROW
        w = plot_w * bar.value / top
        name_text = (
            bar.label if len(bar.label) <= _LABEL_CHARS else bar.label[: _LABEL_CHARS - 1] + "…"
        )
        parts.append(
            f'<text class="tick" x="{_LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end">'
            f"{escape(name_text)}<title>{escape(bar.label)}</title></text>"
            f'<rect class="bar" x="{_LABEL_WIDTH}" y="{y + 3}" width="{max(1.0, w):.1f}" '
            f'height="{_ROW - 6}"><title>{escape(bar.tooltip)}</title></rect>'
            f'<text class="tick" x="{_LABEL_WIDTH + w + 4:.1f}" y="{y + 14}">{_number(bar.value)}</text>'
        )
    svg = (
        f'<svg viewBox="0 0 {_WIDTH} {height}" role="img" aria-label="{escape(title)}">'
        + "".join(parts)
        + "</svg>"
    )
    return _figure(svg, title, caption, name)
