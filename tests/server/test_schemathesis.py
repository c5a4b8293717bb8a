"""Schemathesis against the live service: no request, valid or not, makes a server error.

The operations come from the app's own OpenAPI document; every generated
request (positive and negative data) goes over HTTP to a real uvicorn server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a test extra")

from neardup import Index  # noqa: E402
from neardup.server import create_app  # noqa: E402
from tests.server.conftest import KEY, serve  # noqa: E402

SCHEMA = schemathesis.openapi.from_dict(create_app(Index.in_memory()).openapi())
OPERATIONS = {op.ok().label: op.ok() for op in SCHEMA.get_all_operations()}
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("fuzzed") / "news.ndx"
    index = Index(path, store_text=True)
    yield from serve(index, KEY)
    index.close()


CASES = [
    (label, mode)
    for label in sorted(OPERATIONS)
    for mode in MODES
    if not (label == "GET /healthz" and mode == schemathesis.GenerationMode.NEGATIVE)
]  # /healthz takes nothing that could be wrong


@pytest.mark.parametrize("label, mode", CASES, ids=[f"{label}-{m.value}" for label, m in CASES])
def test_no_server_error(url: str, label: str, mode: schemathesis.GenerationMode) -> None:
    strategy = OPERATIONS[label].as_strategy(generation_mode=mode)

    @settings(
        max_examples=int(os.environ.get("NEARDUP_FUZZ_EXAMPLES", "25")),
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(strategy)
        case.call_and_validate(base_url=url, headers={"X-API-Key": KEY}, checks=CHECKS)

    run()
