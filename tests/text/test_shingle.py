import numpy as np

from neardup.config import ShingleConfig
from neardup.text.shingle import shingle, shingle_batch, shingle_sequences, text_keys


def test_punctuation_is_not_part_of_a_word() -> None:
    config = ShingleConfig(size=2)
    assert np.array_equal(
        shingle("the taliban, in moscow.", config), shingle("the taliban in moscow", config)
    )


def test_word_shingles_are_sorted_unique_uint32() -> None:
    sh = shingle("a b c a b c", ShingleConfig(size=2))
    assert sh.dtype == np.uint32
    assert len(sh) == 3  # ab, bc, ca
    assert (np.diff(sh.astype(np.int64)) > 0).all()


def test_order_matters_within_a_shingle() -> None:
    config = ShingleConfig(size=2)
    assert not np.array_equal(shingle("a b", config), shingle("b a", config))


def test_short_text_is_one_shingle() -> None:
    assert len(shingle("hello world", ShingleConfig(size=5))) == 1
    assert len(shingle("!!!", ShingleConfig(size=3))) == 0


def test_non_ascii_words() -> None:
    assert len(shingle("café über naïve", ShingleConfig(size=1))) == 3


def test_char_shingles() -> None:
    sh = shingle("abcab", ShingleConfig(kind="char", size=2))
    assert len(sh) == 3  # ab, bc, ca


def test_batch_equals_one_at_a_time() -> None:
    texts = ["one two three four", "", "five six", "one two three four"]
    for config in (ShingleConfig(size=2), ShingleConfig(kind="char", size=3)):
        values, offsets = shingle_batch(texts, config)
        for d, text in enumerate(texts):
            np.testing.assert_array_equal(
                values[offsets[d] : offsets[d + 1]], shingle(text, config)
            )


def test_text_keys_equal_for_equal_texts() -> None:
    keys = text_keys(["same text", "other", "same text", ""])
    assert keys[0] == keys[2] and len(set(keys.tolist())) == 3


def test_values_are_stable() -> None:
    """Pinned: a change here changes every signature and stored index."""
    assert shingle("one two", ShingleConfig(size=2)).tolist() == [3366071458]


def test_ocr_lookalikes_share_shingles() -> None:
    config = ShingleConfig(size=2)
    clean = shingle("the current offer would stand", config)
    scanned = shingle("thc currcnt 0ffer wou1d stand", config)
    assert np.array_equal(clean, scanned)
    plain = ShingleConfig(size=2, fold_ocr=False)
    assert not np.array_equal(
        shingle("the current offer", plain), shingle("thc currcnt 0ffer", plain)
    )


def test_folding_keeps_digits_apart_from_each_other() -> None:
    config = ShingleConfig(size=1)
    assert not np.array_equal(shingle("150", config), shingle("190", config))


def _figure_bits(text: str, config: ShingleConfig) -> list[int]:
    values, _ = shingle_sequences([text], config)
    return (values & 1).tolist()


def test_the_low_bit_marks_shingles_holding_a_figure() -> None:
    """A figure is a token mostly of digits: two or more making half of it, or one the
    OCR fold leaves a digit; a lone 1, 5, 0 or 9 may be a misread letter."""
    words = "profit rose to 12.4 mln in 1987 w0u1d 0f 5 1 7 2nd"
    expected = [0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0]
    assert _figure_bits(words, ShingleConfig(size=1)) == expected
    unfolded = [0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 0]  # no misreading: every digit counts
    assert _figure_bits(words, ShingleConfig(size=1, fold_ocr=False)) == unfolded
    # an n-gram holds a figure when one of its words is one
    in_text = _figure_bits("prices rose to 12.4 mln dlrs in april", ShingleConfig(size=3))
    assert in_text == [0, 1, 1, 1, 1, 0, 0]
    assert _figure_bits("abc 1990 def", ShingleConfig(kind="char", size=3)) == [
        0, 0, 0, 1, 1, 1, 1, 0, 0, 0
    ]  # fmt: skip


def test_ocr_misreadings_keep_shingles_and_figure_bits() -> None:
    config = ShingleConfig(size=3)
    clean = shingle("the offer would stand until 1990 at least", config)
    scanned = shingle("the 0ffer w0u1d stand until l990 at 1east", config)
    assert np.array_equal(clean, scanned)
    assert (clean & 1).sum() == 3  # the three shingles around 1990


def test_figure_values_are_stable() -> None:
    """Pinned, as for words: the figure bit is part of every stored shingle."""
    assert shingle("in 1987", ShingleConfig(size=2)).tolist() == [3064280709]
