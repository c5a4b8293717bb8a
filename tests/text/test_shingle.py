import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from neardup import kernels
from neardup.config import ShingleConfig
from neardup.kernels import PROSE
from neardup.text.shingle import (
    LEDE_SCAN,
    number_sets,
    paragraph_starts,
    shingle,
    shingle_batch,
    shingle_sequences,
    text_keys,
    utf8_batch,
)


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


def _numbers(*texts: str, fold_ocr: bool = True) -> list[set[int]]:
    """Each text's numbers, as their hashes (the top half of each entry)."""
    values, offsets = number_sets(utf8_batch(list(texts)), ShingleConfig(fold_ocr=fold_ocr))
    hashes = values >> np.uint64(32)
    return [set(hashes[offsets[d] : offsets[d + 1]].tolist()) for d in range(len(texts))]


def _placed(text: str, config: ShingleConfig | None = None) -> list[tuple[int, bool, bool]]:
    """(word, is a year, holds a letter) of each of ``text``'s numbers, by word."""
    values, _ = number_sets(utf8_batch([text]), config or ShingleConfig())
    entries = [
        (int(v & kernels.NO_PLACE), bool(v & kernels.YEAR_BIT), bool(v & kernels.LETTER_BIT))
        for v in values
    ]
    return sorted(entries)


def test_numbers_know_the_word_they_first_stand_at() -> None:
    """Number swaps compare the numbers between two texts' shared words, so each number
    keeps its place: the word it starts at (a repeat, its first), whether it is a year
    (copies' datelines and footers differ in them) and whether it holds a letter."""
    text = "Pay March 31, record March 16; paid 31 in 1987 (the 1980s), vs 5,000 and 12.5"
    assert _placed(text) == [
        (2, False, False),  # 31, again at word 7: its first place
        (5, False, False),  # 16
        (9, True, False),  # 1987
        (11, False, True),  # 1980s
        (13, False, False),  # 5,000: one number, words 13 and 14
        (16, False, False),  # 12.5
    ]
    assert _placed("a 1850 or 2100 year") == [(1, False, False), (3, False, False)]
    unspaced = ShingleConfig(split_unspaced=True)
    assert _placed("1998年に 20 件", unspaced) == [(0, True, False), (3, False, False)]
    chars = _placed("pay march 31", ShingleConfig(kind="char", size=5))
    assert chars == [(int(kernels.NO_PLACE), False, False)]  # characters have no words


def test_numbers_are_read_whole() -> None:
    """The number "30-1/2" is one, not 30, 1 and 2 (which every fraction shares); so are
    "1,000", "51.75-52.00" and "1992/93". A joiner with no digit beside it joins nothing."""
    (whole,) = _numbers("30-1/2")
    (parts,) = _numbers("30 1 2")
    assert len(whole) == 1 and not whole & parts
    found = _numbers(
        "qtly div 30-1/2 cts vs 30-1/2 cts, pay june 30, 1987; 1,000 and 51.75-52.00 in 1992/93"
    )[0]
    assert len(found) == 6  # repeats once: 30-1/2, 30, 1987, 1,000, 51.75-52.00, 1992/93
    assert _numbers("u.s. well-known may7 2nd w0u1d a-1 the 5") == [set()]
    assert _numbers("in 1990-the year, a 30-day term") == _numbers(
        "in 1990 the year, a 30 day term"
    )
    assert _numbers("", "no figures here") == [set(), set()]


def test_numbers_read_through_ocr_folding() -> None:
    """An OCR'd "l990" or "3o-1/2" is the number it misreads; without folding it is not."""
    assert _numbers("1990 30-1/2") == _numbers("l990 3o-1/2")
    clean, scanned = _numbers("1990 30-1/2", "l990 3o-1/2", fold_ocr=False)
    assert len(clean) == 2 and not clean & scanned


def test_numbers_of_a_batch_equal_one_at_a_time() -> None:
    texts = ["paid 12.5 cts on may 1", "", "revenue 1,204 mln vs 998 mln", "12.5 pct"]
    assert _numbers(*texts) == [_numbers(text)[0] for text in texts]


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


DIGIT_LIKE = set("0123456789oli" + "sgq")  # digits, and the letters OCR folding reads as one


def _joins(text: str, i: int) -> bool:
    if not (text[i] in "-/.," and 0 < i < len(text) - 1):
        return False
    before, after = text[i - 1], text[i + 1]
    return (before.isdigit() and after in DIGIT_LIKE) or (after.isdigit() and before in DIGIT_LIKE)


def _reference_numbers(text: str) -> list[str]:
    """The numbers of ASCII ``text`` by their definition in neardup.kernels, read forward."""
    digit_kept = set("234678")  # digits OCR folding leaves digits ("1", "0", "5", "9" fold)
    found, i = [], 0
    while i < len(text):
        if not _word(text[i]):
            i += 1
            continue
        begin = i
        while i < len(text) and (_word(text[i]) or _joins(text, i)):
            i += 1
        word = [c for c in text[begin:i] if _word(c)]
        digits = sum(c.isdigit() for c in word)
        kept = sum(c in digit_kept for c in word)
        if (digits >= 2 and 2 * digits >= len(word)) or 2 * kept > len(word):
            found.append(text[begin:i])
    return found


@given(st.text(alphabet="a1l05s97o-/., _\n", max_size=40))
def test_numbers_are_found_as_defined(text: str) -> None:
    (numbers,) = _numbers(text)
    assert numbers == _numbers(" ".join(_reference_numbers(text)))[0]


_HASHES = st.integers(0, 2**32 - 1) | st.integers(0, 300)  # (the second: repeats)


@given(
    st.lists(
        st.integers(0, 300).flatmap(lambda size: st.lists(_HASHES, min_size=size, max_size=size)),
        max_size=6,
    )
)
def test_sets_are_each_documents_sorted_unique_values(documents: list[list[int]]) -> None:
    """Short documents are sorted one way, long ones (from kernels._RADIX_FROM) another."""
    from neardup.text.shingle import sets_of

    flat = np.array([v for doc in documents for v in doc], dtype=np.uint32)
    offsets = np.cumsum([0] + [len(doc) for doc in documents], dtype=np.int64)
    values, starts = sets_of(flat, offsets)
    for d, doc in enumerate(documents):
        expected = np.unique(np.array(doc, dtype=np.uint32))
        np.testing.assert_array_equal(values[starts[d] : starts[d + 1]], expected)


# --- scripts written without spaces --------------------------------------------------------

SPLIT, CLAUSES = ShingleConfig(size=1), ShingleConfig(size=1, split_unspaced=False)


def test_each_character_of_an_unspaced_script_is_a_word() -> None:
    """Chinese, Japanese (kana and kanji), Thai, Khmer, Myanmar: a letter is a token; "。",
    "、", "「」" and "・" separate tokens as ASCII punctuation does."""
    assert _words("新年讲话。东京タワー、ภาษา", SPLIT) == 4 + 2 + 3 + 4
    assert np.array_equal(shingle("新年讲话", SPLIT), shingle("新 年 讲 话", SPLIT))
    assert np.array_equal(shingle("「讲话」・东京", SPLIT), shingle("讲话 东京", SPLIT))
    assert _words("ភាសា မြန်မာ 々〇 𠀀", SPLIT) == 4 + 6 + 2 + 1
    assert _words("新年讲话。东京", CLAUSES) == 1  # as before the setting: one word
    for mark in "๚", "။", "។":  # Thai, Myanmar and Khmer sentence marks separate too
        assert np.array_equal(shingle(f"ก{mark}ข", SPLIT), shingle("ก ข", SPLIT))


def _words(text: str, config: ShingleConfig) -> int:
    """How many tokens ``text`` has (its 1-gram sequence, repeats kept)."""
    return len(shingle_sequences([text], config)[0])


def test_spaced_scripts_and_ascii_are_read_as_before() -> None:
    for text in ("café über naïve, 30-1/2 pct", "Москва и Київ", "서울 특별시", "ελληνικά"):
        assert np.array_equal(shingle(text, SPLIT), shingle(text, CLAUSES))


def test_a_copy_with_one_character_changed_per_clause_keeps_most_shingles() -> None:
    """Split: one misread character costs three character 3-grams; read by clauses it cost
    every shingle the clause was in, so the two texts shared none."""
    original = "中共中央总书记发表新年讲话，回顾过去一年的工作，展望新世纪的前景。"
    misread = "中共中央总书记发表新年讲语，回顾过去一年的工作，展望新世纪的前最。"
    split, clauses = ShingleConfig(), ShingleConfig(split_unspaced=False)
    kept = np.intersect1d(shingle(original, split), shingle(misread, split)).size
    assert kept / shingle(original, split).size > 0.7
    assert np.intersect1d(shingle(original, clauses), shingle(misread, clauses)).size == 0


def test_a_number_ends_where_an_unspaced_letter_begins() -> None:
    """ "1998年" holds the number 1998, as "1998 年" does; read by clauses it was "1998年"."""
    assert _numbers("1998年3月", fold_ocr=True) == _numbers("1998 年 3 月")
    assert _numbers("在1998年") == _numbers("1998")
    split, clauses = (
        number_sets(utf8_batch(["1998年"]), config)[0].tolist() for config in (SPLIT, CLAUSES)
    )
    assert split != clauses and split == number_sets(utf8_batch(["1998"]), SPLIT)[0].tolist()


@given(st.text(alphabet="a1 -/.,年中。、タ", max_size=30))
def test_unspaced_letters_read_as_if_spaced(text: str) -> None:
    """Splitting is exactly a space either side of every unspaced letter, and a space for
    their punctuation: for shingles and numbers alike."""
    spaced = "".join(f" {c} " if c in "年中タ" else " " if c in "。、" else c for c in text)
    for size in (1, 3):
        config = ShingleConfig(size=size)
        assert np.array_equal(shingle(text, config), shingle(spaced, config))
    assert _numbers(text) == _numbers(spaced)


_BLANK_LINE = re.compile(r"(?:\r\n|\r(?!\n)|\n)[ \t\v\f]*(?:\r\n|\r(?!\n)|\n)")  # "\r\n": one
_TOKEN = re.compile(r"[0-9A-Za-z_\u0080-\U0010ffff]+")


_ENTITY = re.compile(r"&#?[0-9A-Za-z]{1,10};")
_GENERAL_PUNCTUATION = re.compile("[\u2000-\u206f]")


_CLOSERS = "\"')]\u2019\u201d"  # after a full stop, the sentence still ends
_TERMINALS = ".!?\u2026\u3002\uff01\uff1f"


def _ends_sentence(paragraph: str) -> bool:
    return paragraph.rstrip().rstrip(_CLOSERS)[-1:] in tuple(_TERMINALS)


def _paragraph_starts_by_definition(text: str) -> list[int]:
    """Token numbers where paragraphs after a blank line begin, read with regular expressions:
    entities and General Punctuation are punctuation, a no-break space a space; flagged
    ``PROSE`` when the last paragraph with words before ends a sentence."""
    text = _ENTITY.sub(",", text).replace("\u00a0", " ")
    starts, tokens, ended = [], 0, False
    for paragraph in _BLANK_LINE.split(text):
        count = len(_TOKEN.findall(_GENERAL_PUNCTUATION.sub(",", paragraph)))
        if count and tokens:
            starts.append(tokens | (PROSE if ended else 0))
        if count:
            tokens += count
            ended = _ends_sentence(paragraph)
    return starts


def _starts(texts: list[str], config: ShingleConfig = ShingleConfig()) -> list[list[int]]:
    values, offsets = paragraph_starts(utf8_batch(texts), config)
    return [values[offsets[d] : offsets[d + 1]].tolist() for d in range(len(texts))]


@given(st.lists(st.text(alphabet='ab1_ é,.?-\n\r\t&#;’”"—…\u00a0', max_size=40), max_size=4))
def test_paragraph_starts_are_found_as_defined(texts: list[str]) -> None:
    config = ShingleConfig(split_unspaced=False)
    assert _starts(texts, config) == [_paragraph_starts_by_definition(t) for t in texts]


def test_paragraph_starts_are_first_word_shingles() -> None:
    text = "Harbour ferry plan\n\nBy a reporter\r\n  \r\nThe authority said on Monday"
    assert _starts([text, "one line\nthen another", "\n\nleading blank lines"]) == [[3, 6], [], []]
    # a start is the number of the first word shingle of its paragraph
    sequence, _ = shingle_sequences([text.lower()], ShingleConfig())
    own, _ = shingle_sequences(["the authority said"], ShingleConfig())
    assert sequence[6] == own[0]


def test_a_start_says_whether_the_paragraph_before_it_ends_a_sentence() -> None:
    text = (
        "Lede ends here.\n\nHeadline\n\n“Quoted,” he said.”\n\n- Advertisement -\n\n"
        "Credit: A/B\n\n年中。\n\nend"
    )
    assert _starts([text]) == [[3 | PROSE, 4, 7 | PROSE, 8, 11, 13 | PROSE]]


def test_unspaced_letters_count_as_words_and_character_shingles_mark_no_paragraphs() -> None:
    assert _starts(["年中\n\nタ a"]) == [[2]]
    assert _starts(["a b\n\nc d"], ShingleConfig(kind="char")) == [[]]


def test_paragraph_starts_are_kept_within_the_lede_scan() -> None:
    paragraphs = [" ".join(f"w{p}x{k}" for k in range(30)) for p in range(6)]  # 30 words each
    starts = _starts(["\n\n".join(paragraphs)])[0]
    assert starts == [start for start in (30, 60, 90, 120, 150) if start <= LEDE_SCAN]
    assert starts and max(starts) < 120  # read no further than LEDE_SCAN words


def test_paragraph_starts_count_words_as_normalised_text_holds_them() -> None:
    from neardup.config import NormalizeConfig
    from neardup.text.normalize import normalize

    text = "Smith’s plan &amp; the “deal” — agreed&#8230;\n\u00a0\nThe board said on Monday"
    (start,) = _starts([text])[0]
    normalised = normalize(text, NormalizeConfig())
    sequence, _ = shingle_sequences([normalised], ShingleConfig())
    own, _ = shingle_sequences(["the board said"], ShingleConfig())
    assert sequence[start] == own[0]  # "smith s plan the deal agreed": the 7th word, 6
