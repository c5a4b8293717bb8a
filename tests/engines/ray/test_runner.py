"""The Ray engine's entry point without Ray: a clear error with the pip command."""

from __future__ import annotations

import sys

import pytest

from neardup.config import DedupConfig
from neardup.errors import MissingDependencyError


def test_missing_ray_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from neardup.engines.ray import dedup_files_ray

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install 'neardup\[ray\]'"):
        dedup_files_ray(["x.jsonl"], "out", DedupConfig(), None)


def test_the_cli_and_the_engine_package_import_ray_only_when_run() -> None:
    import subprocess

    code = (
        "import sys, neardup.cli, neardup.engines.ray, neardup.engines.ray.runner; "
        "print('ray' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
