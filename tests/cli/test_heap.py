"""The batch command's malloc settings (``neardup.cli._heap``), seen in a process of their own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from neardup.cli._heap import runs_on_glibc
from tests.conftest import EXAMPLES
from tests.test_cli import RUN_MAIN

CORPUS = EXAMPLES / "corpus" / "news.jsonl"
BLOCK_MIB = 64  # past the 32 MiB that glibc's own mmap threshold rises to

# Frees a 64 MiB array and prints how much of it the process still holds: glibc serves a
# block that large by mmap and gives it back at once, unless told to keep it in the heap.
_AFTER_A_FREE = f"""
import os
import numpy as np
def resident():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
block = np.ones({BLOCK_MIB} << 20, dtype=np.uint8)
held = resident()
del block
print("kept MiB", (resident() - held + ({BLOCK_MIB} << 20)) >> 20)
"""

pytestmark = pytest.mark.skipif(
    not (runs_on_glibc() and Path("/proc/self/statm").exists()),
    reason="glibc's malloc on Linux only",
)


def _run(code: str, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1]


def _kept_after_free(prelude: str, *args: str, env: dict[str, str] | None = None) -> int:
    label, mib = _run(prelude + _AFTER_A_FREE, *args, env=env).rsplit(" ", 1)
    assert label == "kept MiB"
    return int(mib)


@pytest.fixture(scope="module")
def threshold() -> int:
    """What this glibc takes (older ones cap the mmap threshold at 32 MiB)."""
    probe = (
        "from neardup.cli import _heap\n_heap.allow()\nprint(_heap.keep_freed_memory_for_reuse())"
    )
    taken = int(_run(probe))
    if taken < BLOCK_MIB << 20:
        pytest.skip(f"this glibc takes an mmap threshold of {taken >> 20} MiB, under the probe's")
    return taken


def test_the_dedup_command_keeps_freed_blocks_for_reuse(tmp_path: Path, threshold: int) -> None:
    """After ``neardup dedup`` ran in a process, a freed 64 MiB block stays in its heap,
    where the next batch's arrays reuse it; without the command, it goes back at once."""
    args = ("dedup", str(CORPUS), "-o", str(tmp_path / "out"), "-q", "--workers", "1")
    assert _kept_after_free(RUN_MAIN, *args) >= BLOCK_MIB - 4
    assert _kept_after_free("") <= 4
    assert (tmp_path / "out" / "clusters.jsonl").exists()


def test_other_commands_leave_the_allocator_alone(threshold: int) -> None:
    """Only ``dedup`` sets it: the other commands (a long-lived server among them) keep
    glibc's own policy."""
    args = ("explain", "star-2417", "scf-7698", "--corpus", str(CORPUS))
    assert _kept_after_free(RUN_MAIN, *args) <= 4


def test_only_the_console_script_sets_it(tmp_path: Path, threshold: int) -> None:
    """A process that runs the Typer app itself is its owner's: its allocator is left alone."""
    in_process = (
        "from neardup.cli import app\n"
        "try:\n"
        f"    app(['dedup', {str(CORPUS)!r}, '-o', {str(tmp_path / 'out')!r}, '-q'])\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
    )
    assert _kept_after_free(in_process) <= 4
    assert (tmp_path / "out" / "clusters.jsonl").exists()


def test_malloc_settings_of_the_user_win(tmp_path: Path, threshold: int) -> None:
    """With malloc tuned through the environment, the command leaves it as the user set it."""
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    args = ("dedup", str(CORPUS), "-o", str(tmp_path / "out"), "-q", "--workers", "1")
    assert _kept_after_free(RUN_MAIN, *args, env=env) <= 4
