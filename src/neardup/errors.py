"""One exception tree for everything neardup raises on purpose.

Catch :class:`NeardupError` to handle any of them. User-facing errors carry
where the problem is (file, line, record) and what to do about it, so the CLI
can print them as they are.
"""

from __future__ import annotations

from typing import Any


class NeardupError(Exception):
    """Base of every error neardup raises deliberately."""


class ConfigError(NeardupError, ValueError):
    """A setting is out of range or settings contradict each other."""


class InputError(NeardupError):
    """A record or file could not be read as a document.

    ``source`` is the file (or ``<stdin>``, ``<records>``), ``line`` the
    1-based line or row number when known, ``reason`` what was wrong and
    ``hint`` what the user can do about it.
    """

    def __init__(
        self,
        source: str,
        reason: str,
        *,
        line: int | None = None,
        hint: str = "",
        record_id: str | None = None,
        raw: str | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.reason = reason
        self.hint = hint
        self.record_id = record_id
        self.raw = raw
        super().__init__(self._message())

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Picklable (its keyword-only arguments are not in ``args``), for worker processes."""
        fields = (self.source, self.reason, self.line, self.hint, self.record_id, self.raw)
        return _input_error, fields

    @property
    def location(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source

    def _message(self) -> str:
        text = f"{self.location}: {self.reason}"
        return f"{text}. {self.hint[:1].upper()}{self.hint[1:]}" if self.hint else text

    def to_json(self) -> dict[str, object]:
        """The row written to ``errors.jsonl`` for a skipped record."""
        return {
            "source": self.source,
            "line": self.line,
            "id": self.record_id,
            "reason": self.reason,
            "raw": self.raw,
        }


def _input_error(
    source: str,
    reason: str,
    line: int | None,
    hint: str,
    record_id: str | None,
    raw: str | None,
) -> InputError:
    return InputError(source, reason, line=line, hint=hint, record_id=record_id, raw=raw)


class OutputError(NeardupError):
    """Results could not be written where the user asked."""


class MissingDependencyError(NeardupError, ImportError):
    """An optional extra is needed; the message names the pip command."""
