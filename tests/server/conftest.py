"""A real uvicorn server on 127.0.0.1 (a free port), in a thread, over a fresh index."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the service needs neardup[server]")
uvicorn = pytest.importorskip("uvicorn", reason="the service needs neardup[server]")

from neardup import Index  # noqa: E402
from neardup.server import create_app  # noqa: E402

KEY = "test-key"
MAX_BODY = 256 * 1024


@dataclass
class Live:
    url: str
    index: Index
    headers: dict[str, str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(index: Index, api_key: str | None) -> Iterator[str]:
    app = create_app(index, api_key=api_key, max_body=MAX_BODY)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path: Path = tmp_path_factory.mktemp("served") / "news.ndx"
    index = Index(path, store_text=True)
    for url in serve(index, KEY):
        yield Live(url, index, {"X-API-Key": KEY})
    index.close()
