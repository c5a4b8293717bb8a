import numpy as np

from neardup.config import ShingleConfig
from neardup.text.shingle import shingle, tokens


def test_tokens_drop_punctuation() -> None:
    assert tokens("the taliban, in moscow.") == ["the", "taliban", "in", "moscow"]


def test_word_shingles_are_sorted_unique_uint64() -> None:
    sh = shingle("a b c a b c", ShingleConfig(size=2))
    assert sh.dtype == np.uint64
    assert len(sh) == 3  # ab, bc, ca
    assert (np.diff(sh.astype(np.float64)) > 0).all()


def test_order_matters_within_a_shingle() -> None:
    assert not np.array_equal(
        shingle("a b", ShingleConfig(size=2)), shingle("b a", ShingleConfig(size=2))
    )


def test_short_text_is_one_shingle() -> None:
    assert len(shingle("hello world", ShingleConfig(size=5))) == 1
    assert len(shingle("!!!", ShingleConfig(size=3))) == 0


def test_char_shingles() -> None:
    sh = shingle("abcab", ShingleConfig(kind="char", size=2))
    assert len(sh) == 3  # ab, bc, ca


def test_values_are_stable() -> None:
    """Pinned: a change here changes every signature and stored index."""
    assert shingle("one two", ShingleConfig(size=2)).tolist() == [5759671647235029569]
