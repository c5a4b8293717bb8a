"""The ``neardup`` Typer app and what every command shares: errors, progress, stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from neardup._version import __version__
from neardup.errors import NeardupError
from neardup.progress import NullProgress, Progress
from neardup.terminal import RichProgress

app = typer.Typer(
    help="Find near-duplicate documents, group them, keep the best copy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"neardup {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Find near-duplicate documents, group them, keep the best copy."""


def stderr() -> Console:
    return Console(stderr=True)


@contextmanager
def progress_bars(quiet: bool) -> Iterator[Progress]:
    """Bars on an interactive stderr only: logs and pipes get no control codes."""
    if quiet or not sys.stderr.isatty():
        yield NullProgress()
        return
    bars = RichProgress(stderr())
    try:
        yield bars
    finally:
        bars.close()


def fail(error: NeardupError) -> typer.Exit:
    stderr().print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)
