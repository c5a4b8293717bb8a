"""The ``neardup`` command line: a thin shell over the library, one module per command."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from neardup.cli import _heap
from neardup.cli import dedup as _dedup  # noqa: F401  (registers the command)
from neardup.cli import eval as _eval  # noqa: F401  (registers the command)
from neardup.cli import explain as _explain  # noqa: F401  (registers the command)
from neardup.cli import index as _index  # noqa: F401  (registers the command)
from neardup.cli import report as _report  # noqa: F401  (registers the command)
from neardup.cli import serve as _serve  # noqa: F401  (registers the command)
from neardup.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    """The ``neardup`` console script."""
    _numba_without_blas()
    _heap.allow()
    try:
        with _only_the_command_named(sys.argv[1] if len(sys.argv) > 1 else None):
            app()
    finally:
        _spare_the_exit_collections()


# Commands that run another through the root group (``eval`` runs ``dedup``: cli/eval.py)
_ALSO_RUNS = {"eval": ("dedup",)}


@contextmanager
def _only_the_command_named(name: str | None) -> Iterator[None]:
    """Typer builds the Click command of every command each time the app runs, reading each
    one's signature and annotations: 25 ms of every run, spent on commands it will not run.
    When the first argument names a command, the app holds that one alone (with any it runs
    in turn) while it runs, so its help, usage and errors read as before; anything else
    (``--help``, a misspelt command, which Click answers with the names of all) finds them
    all."""
    wanted = {name, *_ALSO_RUNS.get(name or "", ())}
    commands = [info for info in app.registered_commands if _command_name(info) in wanted]
    groups = [info for info in app.registered_groups if info.name in wanted]
    if len(commands) + len(groups) != len(wanted):
        yield
        return
    every = list(app.registered_commands), list(app.registered_groups)
    app.registered_commands[:], app.registered_groups[:] = commands, groups
    try:
        yield
    finally:
        app.registered_commands[:], app.registered_groups[:] = every


def _command_name(info: typer.models.CommandInfo) -> str | None:
    if info.name:
        return info.name
    return None if info.callback is None else typer.main.get_command_name(info.callback.__name__)


def _numba_without_blas() -> None:
    """Numba's array typing probes for BLAS by importing ``scipy.linalg`` (0.15 s) the first
    time any kernel loads, in every process that loads one, whenever SciPy is installed (it is
    in most data-science environments). No kernel of ours calls BLAS, so this process, which
    is ours alone, tells numba there is none: the probe's module reads as absent while
    numba's array typing is imported, then is free to import again. Library callers' own
    processes are left alone."""
    probe = "scipy.linalg.cython_blas"
    if "numba.np.arraymath" in sys.modules or probe in sys.modules:
        return
    sys.modules[probe] = None  # type: ignore[assignment]  # None in sys.modules: "not found"
    try:
        import numba.np.arraymath  # noqa: F401  (records that no BLAS is present)
    finally:
        sys.modules.pop(probe, None)


def _spare_the_exit_collections() -> None:
    """At shutdown CPython runs full cycle collections over every object still alive, and the
    compiled kernels leave numba a large graph of them: 0.15 to 0.25 s of every command, most
    of it on a small input. The process is ending and the OS reclaims its memory, so the
    survivors are frozen (a frozen object is never collected). Every output is closed by now:
    the commands write inside ``with`` blocks."""
    gc.freeze()
