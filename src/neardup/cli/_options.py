"""What every command that reads records shares: the choices and the ReadConfig they make."""

from __future__ import annotations

from enum import Enum

from neardup.config import ReadConfig


class InputFormat(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"
    csv = "csv"
    text = "text"


class OnError(str, Enum):
    fail = "fail"
    skip = "skip"


def read_config(id_field: str | None, text_field: str, on_error: OnError) -> ReadConfig:
    """Naming ``--id-field`` makes a record without it an error; by default it gets ``<file>:<line>``."""
    return ReadConfig(
        id_field=id_field or "id",
        text_field=text_field,
        id_required=id_field is not None,
        on_error=on_error.value,
    )
