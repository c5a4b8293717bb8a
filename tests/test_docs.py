"""The README documents every command and option the CLI has (as sqlite-utils checks)."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.core import TyperOption

from neardup.cli import app
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
ROOT: Any = typer.main.get_command(app)
COMMANDS = sorted(ROOT.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented(name: str) -> None:
    assert f"neardup {name}" in README


@pytest.mark.parametrize(
    "name, option",
    [
        (name, option)
        for name in COMMANDS
        for param in ROOT.commands[name].params
        if isinstance(param, TyperOption)
        for option in param.opts
        if option.startswith("--") and option != "--help"
    ],
)
def test_option_is_documented(name: str, option: str) -> None:
    assert f"`{option}" in README or f" {option}" in README, f"{name} {option} missing from README"
