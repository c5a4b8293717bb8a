"""The HTML report of a finished run: figures, plots, and every cluster's diffs.

``build_report(output_dir, html_path)`` reads the directory ``neardup dedup``
wrote and writes one self-contained HTML file (no network, no CDN) that any
browser opens: headline figures, plots (cluster sizes, similarities,
duplicates by a field), and the largest clusters, each expandable into
side-by-side diffs of every copy against the kept one with the labelled
passages highlighted, and a search box over ids.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from neardup.errors import OutputError
from neardup.report.data import ReportData, gather
from neardup.report.outputs import open_output_dir
from neardup.report.render import render

__all__ = ["build_report"]


def build_report(
    output_dir: str | Path,
    html_path: str | Path,
    *,
    by: str | None = None,
    top: int = 10_000,
    workers: int = 1,
    title: str | None = None,
) -> ReportData:
    """Write the report of ``output_dir`` to ``html_path``; return what it shows.

    ``by``: a record field to count duplicates by (source, category, ...).
    ``top``: how many of the largest clusters get their diffs in the page.
    """
    run = open_output_dir(output_dir)
    data = gather(run, by=by, top=top, workers=workers)
    page = render(data, title=title or f"neardup report: {run.path}")
    _write(Path(html_path), page)
    return data


def _write(path: Path, page: str) -> None:
    """Written to a temporary name and renamed, so a browser never opens half a page."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):  # under a file there is no tmp to remove either
            tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write the report to {path}: {exc.strerror}") from exc
