"""The ``neardup`` command line: a thin shell over the library, one module per command."""

from __future__ import annotations

import gc
import sys

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
        app()
    finally:
        _spare_the_exit_collections()


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
