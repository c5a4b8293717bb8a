"""The service's request and response bodies (pydantic), as its OpenAPI schema shows them."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

MAX_BATCH = 1000  # documents in one request: bounded work per request; send more requests


def _no_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("text is blank")
    return text


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


class _WithFields(BaseModel):
    """Any other JSON field rides along, stored as given (no NaN or Infinity: not JSON)."""

    model_config = ConfigDict(extra="allow")

    @model_validator(mode="after")
    def _json_fields(self) -> _WithFields:
        for name, value in (self.model_extra or {}).items():
            if not _finite(value):
                raise ValueError(f"field {name!r} holds NaN or Infinity, which JSON has not")
        return self

    def extra_fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class DocumentIn(_WithFields):
    """A document to add: an id, a text, and any other fields."""

    id: str = Field(min_length=1, max_length=1000, description="Unique id of the document.")
    text: str = Field(min_length=1, description="The text matched.")

    _text = field_validator("text")(_no_blank)


class DocumentBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[DocumentIn] = Field(min_length=1, max_length=MAX_BATCH)


class QueryIn(_WithFields):
    """A document to look up; its id (optional) only labels the answer."""

    id: str | None = Field(default=None, max_length=1000)
    text: str = Field(min_length=1)

    _text = field_validator("text")(_no_blank)


class QueryBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[QueryIn] = Field(min_length=1, max_length=MAX_BATCH)


def _shape(body: Any) -> str:
    """A body with ``documents`` is a batch; anything else is read as one document."""
    return "batch" if isinstance(body, dict) and "documents" in body else "document"


AddBody = Annotated[
    Annotated[DocumentIn, Tag("document")] | Annotated[DocumentBatch, Tag("batch")],
    Discriminator(_shape),
]
QueryBody = Annotated[
    Annotated[QueryIn, Tag("document")] | Annotated[QueryBatch, Tag("batch")],
    Discriminator(_shape),
]
TAGS = ("document", "batch")  # union tags, left out of field names in errors


class MatchOut(BaseModel):
    id: str
    similarity: float


class OutcomeOut(BaseModel):
    id: str
    duplicate: bool = Field(description="It matches at least one indexed document.")
    cluster: str = Field(description="Id of the copy kept for its cluster.")
    kept: bool
    duplicate_of: str | None
    similarity: float | None = Field(description="Similarity to the kept copy.")
    matches: list[MatchOut] = Field(description="Indexed documents it matches, best first.")


class ResultsOut(BaseModel):
    results: list[OutcomeOut]


class DocumentOut(BaseModel):
    id: str
    fields: dict[str, Any]
    text: str | None = Field(description="Null unless the index stores texts.")
    cluster: str
    kept: bool
    duplicate_of: str | None
    similarity: float | None


class RemovedOut(BaseModel):
    removed: str


class HealthOut(BaseModel):
    status: str


class FieldError(BaseModel):
    field: str | None
    message: str


class ErrorOut(BaseModel):
    error: str
    field: str | None = Field(description="The request field at fault, e.g. documents[2].text.")
    errors: list[FieldError] = Field(default_factory=list)
