"""The Ray engine's entry point without Ray: a clear error with the pip command."""

from __future__ import annotations

import sys

import pytest

from neardup.config import DedupConfig, RayConfig
from neardup.errors import ConfigError, MissingDependencyError


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


class _RayThatFails:
    """``ray`` as far as ``session`` calls it, its ``init`` raising ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def is_initialized(self) -> bool:
        return False

    def init(self, **_: object) -> None:
        raise self.error


@pytest.mark.parametrize(
    ("error", "raised", "message"),
    [
        (
            ValueError("Ray Client requires pip package `ray[client]`"),
            MissingDependencyError,
            "pip install 'ray\\[client\\]'",
        ),
        (
            ConnectionError("ray client connection timeout"),
            ConfigError,
            "cannot connect to the Ray cluster at ray://127.0.0.1:1",
        ),
    ],
)
def test_a_ray_address_that_cannot_be_used_is_a_neardup_error(
    error: Exception, raised: type[Exception], message: str
) -> None:
    from neardup.engines.ray.tasks import session

    with (
        pytest.raises(raised, match=message),
        session(_RayThatFails(error), RayConfig(address="ray://127.0.0.1:1")),
    ):
        pass
