"""``neardup report OUT_DIR -o report.html``: one HTML file to browse a run's clusters."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from neardup.cli._app import app, fail, stderr
from neardup.errors import ConfigError, NeardupError
from neardup.pipeline import default_workers


@app.command("report")
def report_command(
    output_dir: Annotated[
        Path, typer.Argument(metavar="OUT_DIR", help="A finished neardup dedup output directory.")
    ],
    html: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")],
    by: Annotated[
        str | None,
        typer.Option(help="Plot duplicates by this record field (e.g. source, category)."),
    ] = None,
    top: Annotated[
        int, typer.Option(help="How many of the largest clusters get diffs in the report.")
    ] = 10_000,
    title: Annotated[str | None, typer.Option(help="Page title.")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes explaining copies (default: every core).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No closing line.")] = False,
) -> None:
    """Write a self-contained HTML report: figures, plots, and each cluster's diffs."""
    from neardup.report import build_report  # here, so other commands start without it

    try:
        if top < 0:
            raise ConfigError(f"--top must be >= 0, got {top}")
        data = build_report(
            output_dir, html, by=by, top=top, workers=workers or default_workers(), title=title
        )
    except NeardupError as error:
        raise fail(error) from error
    if not quiet:
        stderr().print(
            f"{data.records:,} records, {len(data.clusters):,} clusters with diffs. Report in {html}",
            highlight=False,
        )
