"""Tests for neardup.text.batch: the compiled plain-ASCII path agrees with normalize()."""

from __future__ import annotations

from dataclasses import fields, replace
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup.config import NormalizeConfig
from neardup.text import normalize
from neardup.text.batch import is_plain, normalized_utf8

DEFAULT = NormalizeConfig()

# Every ASCII character the plain path treats specially, and some it does not.
_ASCII_PIECES = [
    "-", "*", "+", " ", "\t", "\x1f", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e",
    "a", "B", "z", "Q", "7", "_", ".", ",", "'", '"', "x-\n", "- ", "-\n", "exam-\n ple",
    "Anglo-\nSaxon", "1990-\n1995", "* item", "\n  + ", "--", "-\t-",
]  # fmt: skip
ascii_texts = st.lists(st.sampled_from(_ASCII_PIECES), max_size=30).map("".join)
configs = st.builds(NormalizeConfig, **{f.name: st.booleans() for f in fields(NormalizeConfig)})


def decoded(texts: list[str], config: NormalizeConfig) -> list[str]:
    data, offsets = normalized_utf8(texts, config)
    raw = data.tobytes()
    bounds = offsets.tolist()
    return [raw[a:b].decode("utf-8", "surrogatepass") for a, b in pairwise(bounds)]


@settings(max_examples=400, deadline=None)
@given(st.lists(ascii_texts, min_size=1, max_size=6), configs)
def test_plain_path_equals_normalize(texts: list[str], config: NormalizeConfig) -> None:
    assert decoded(texts, config) == [normalize(text, config) for text in texts]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=6))
def test_mixed_batches_equal_normalize(texts: list[str]) -> None:
    """Non-ASCII and "&" texts go through normalize() and keep their place in the batch."""
    assert decoded(texts, DEFAULT) == [normalize(text) for text in texts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- First point\n- Second point", "first point second point"),
        ("exam-\nple and Anglo-\nSaxon, 1990-\n1995", "example and anglo-saxon, 1990-1995"),
        ("  A\tspaced \x1f  line \r\n\n", "a spaced line"),
        ("--not a bullet", "--not a bullet"),
    ],
)
def test_plain_examples(text: str, expected: str) -> None:
    assert is_plain(text, DEFAULT)
    assert decoded([text], DEFAULT) == [expected]


def test_plain_needs_ascii_without_ampersand() -> None:
    assert not is_plain("caf\u00e9", DEFAULT)
    assert not is_plain("R&D", DEFAULT)
    assert not is_plain("plain", replace(DEFAULT, collapse_whitespace=False))


def test_empty_batch() -> None:
    data, offsets = normalized_utf8([], DEFAULT)
    assert data.size == 0 and offsets.tolist() == [0]
