"""A finished dedup run of the example corpus, shared by the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from neardup import DedupConfig, ReadConfig, dedup_files
from tests.conftest import EXAMPLES


@pytest.fixture(scope="session")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example-run")
    dedup_files(
        [str(EXAMPLES / "corpus" / "news.jsonl")], out, DedupConfig(), ReadConfig(), workers=1
    )
    return out
