"""The ``neardup`` command line: a thin shell over the library, one module per command."""

from __future__ import annotations

from neardup.cli import dedup as _dedup  # noqa: F401  (registers the command)
from neardup.cli import eval as _eval  # noqa: F401  (registers the command)
from neardup.cli import explain as _explain  # noqa: F401  (registers the command)
from neardup.cli import index as _index  # noqa: F401  (registers the command)
from neardup.cli import report as _report  # noqa: F401  (registers the command)
from neardup.cli import serve as _serve  # noqa: F401  (registers the command)
from neardup.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
