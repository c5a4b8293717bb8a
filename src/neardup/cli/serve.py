"""``neardup serve``: the HTTP service over an index file, on uvicorn (extra ``neardup[server]``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from neardup.cli._app import app, fail, stderr
from neardup.errors import MissingDependencyError, NeardupError
from neardup.server import DEFAULT_MAX_BODY, INSTALL_HINT, create_app


@app.command()
def serve(
    db: Annotated[
        Path, typer.Option("--db", help="The index file (created with defaults when absent).")
    ],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8080,
    api_key: Annotated[
        str | None,
        typer.Option(
            envvar="NEARDUP_API_KEY",
            help="Require this key in the X-API-Key header on every route but /healthz.",
        ),
    ] = None,
    max_body: Annotated[
        int, typer.Option(min=1, help="Largest request body, in bytes.")
    ] = DEFAULT_MAX_BODY,
    store_text: Annotated[
        bool | None,
        typer.Option("--store-text/--no-store-text", help="Keep texts (a new index only)."),
    ] = None,
) -> None:
    """Serve the index at --db over HTTP (FastAPI on uvicorn); OpenAPI at /openapi.json."""
    try:
        import uvicorn
    except ImportError as error:
        raise fail(MissingDependencyError(INSTALL_HINT)) from error
    try:
        from neardup.index import Index  # here, so other commands start without it

        index = Index(db, store_text=store_text)
        application = create_app(index, api_key=api_key, max_body=max_body)
    except NeardupError as error:
        raise fail(error) from error
    guard = "an API key" if api_key else "no API key"
    stderr().print(f"serving {db} ({len(index):,} documents) with {guard}", highlight=False)
    try:
        uvicorn.run(application, host=host, port=port, access_log=False, log_level="info")
    finally:
        index.close()
