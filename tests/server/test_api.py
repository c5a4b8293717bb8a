"""The HTTP service through a real uvicorn server: routes, errors, key, limits, concurrency."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from typing import Any

import httpx
import pytest

from tests.generated import news_like
from tests.server.conftest import MAX_BODY, Live

STORY = "the regional rail operator said on monday that weekend repairs would close two stations"


def post(live: Live, path: str, body: Any, **kw: Any) -> httpx.Response:
    return httpx.post(live.url + path, json=body, headers=live.headers, timeout=30, **kw)


def test_healthz_needs_no_key(live: Live) -> None:
    answer = httpx.get(live.url + "/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/stats", "/documents/a", "/openapi.json"])
def test_every_other_route_needs_the_key(live: Live, path: str) -> None:
    answer = httpx.get(live.url + path, headers={"X-API-Key": "wrong"})
    assert answer.status_code == 401 and answer.json()["field"] == "X-API-Key"
    assert httpx.post(live.url + "/query", json={"text": STORY}).status_code == 401


def test_add_query_get_delete(live: Live) -> None:
    first = post(live, "/documents", {"id": "rail-1", "text": STORY, "source": "wire"})
    assert first.status_code == 201
    assert first.json()["results"][0]["duplicate"] is False
    batch = post(
        live,
        "/documents",
        {
            "documents": [
                {"id": "rail-2", "text": STORY + " officials said"},
                {"id": "rail-3", "text": STORY},
            ]
        },
    )
    second, third = batch.json()["results"]
    assert [m["id"] for m in second["matches"]] == ["rail-1"]
    assert third["duplicate"] and {m["id"] for m in third["matches"]} == {"rail-1", "rail-2"}
    query = post(live, "/query", {"text": STORY.upper()}).json()["results"][0]
    assert query["duplicate"] and query["matches"][0]["similarity"] == 1.0
    got = httpx.get(live.url + "/documents/rail-1", headers=live.headers).json()
    assert got["fields"] == {"id": "rail-1", "source": "wire"} and got["text"] == STORY
    assert httpx.delete(live.url + "/documents/rail-1", headers=live.headers).status_code == 200
    missing = httpx.get(live.url + "/documents/rail-1", headers=live.headers)
    assert missing.status_code == 404 and missing.json()["field"] == "doc_id"
    assert httpx.delete(live.url + "/documents/rail-1", headers=live.headers).status_code == 404
    stats = httpx.get(live.url + "/stats", headers=live.headers).json()
    assert stats["documents"] >= 2 and stats["settings"]["store_text"] is True


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"id": "x"}, 422, "text"),
        ({"id": "x", "text": "   "}, 422, "text"),
        ({"id": 5, "text": STORY}, 422, "id"),
        ({"documents": [{"id": "y", "text": STORY}, {"id": "z"}]}, 422, "documents[1].text"),
        ({"documents": []}, 422, "documents"),
        (
            {"documents": [{"id": "d", "text": STORY}, {"id": "d", "text": STORY}]},
            422,
            "documents[1].id",
        ),
        ([1, 2], 422, "body"),  # not an object at all
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(
    live: Live, body: Any, status: int, field: str | None
) -> None:
    answer = post(live, "/documents", body)
    assert answer.status_code == status, answer.text
    assert answer.json()["field"] == field


def test_an_indexed_id_is_a_conflict(live: Live) -> None:
    post(live, "/documents", {"id": "dup", "text": STORY})
    answer = post(
        live,
        "/documents",
        {"documents": [{"id": "new", "text": "x y z w"}, {"id": "dup", "text": STORY}]},
    )
    assert answer.status_code == 409 and answer.json()["field"] == "documents[1].id"


def test_malformed_and_oversized_bodies(live: Live) -> None:
    raw = httpx.post(
        live.url + "/documents",
        content=b'{"id": "a", "text": ',
        headers={**live.headers, "content-type": "application/json"},
    )
    assert raw.status_code == 422 and raw.json()["field"] == "body"
    assert raw.json()["error"].startswith("body: not valid JSON (")
    for content, kind in ((b"[]", "application/json"), (b'{"text": "x"}', "text/plain")):
        wrong = httpx.post(
            live.url + "/query", content=content, headers={**live.headers, "content-type": kind}
        )
        assert wrong.status_code == 422 and wrong.json()["field"] == "body"
        assert 'send a JSON object like {"id": "a1"' in wrong.json()["error"]
    nan = httpx.post(
        live.url + "/documents",
        content=b'{"id": "n", "text": "some text here", "score": NaN}',
        headers={**live.headers, "content-type": "application/json"},
    )
    assert nan.status_code == 422
    big = post(live, "/documents", {"id": "big", "text": "word " * MAX_BODY})
    assert big.status_code == 413 and "limit" in big.json()["error"]


def test_readers_are_not_blocked_by_writers(live: Live) -> None:
    docs = news_like(120, seed=11)
    failures: list[str] = []

    def write() -> None:
        for doc in docs:
            answer = post(live, "/documents", {**doc, "id": "w-" + doc["id"]})
            if answer.status_code != 201:
                failures.append(answer.text)

    def read() -> None:
        for doc in docs[:60]:
            answer = post(live, "/query", {"text": doc["text"]})
            if answer.status_code != 200:
                failures.append(answer.text)

    threads = [threading.Thread(target=write), *(threading.Thread(target=read) for _ in range(3))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert live.index.check() == []


def test_without_the_extra_the_error_names_the_pip_command() -> None:
    code = (
        "import sys; sys.modules['fastapi'] = None\n"
        "import neardup\n"
        "from neardup.server import create_app\n"
        "try:\n    create_app(neardup.Index.in_memory())\n"
        "except neardup.MissingDependencyError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'neardup[server]'" in out.stdout


def test_openapi_lists_the_routes(live: Live) -> None:
    spec = httpx.get(live.url + "/openapi.json", headers=live.headers).json()
    assert {"/documents", "/query", "/documents/{doc_id}", "/stats", "/healthz"} <= set(
        spec["paths"]
    )
    json.dumps(spec)
