import numpy as np

from neardup.config import ShingleConfig
from neardup.text.shingle import shingle, shingle_batch, text_keys


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
