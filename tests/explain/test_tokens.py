"""Words with their raw spans: normalised one by one as the whole text would be."""

from __future__ import annotations

from neardup.explain.tokens import tokenize
from neardup.text.normalize import normalize


def test_words_keep_their_raw_spans() -> None:
    text = "The “harbour” &amp; the  town"
    tokens = tokenize(text).tokens
    assert [t.norm for t in tokens] == ["the", '"harbour"', "&", "the", "town"]
    assert [text[t.start : t.end] for t in tokens] == ["The", "“harbour”", "&amp;", "the", "town"]


def test_a_word_hyphenated_across_lines_is_one_word() -> None:
    text = "an exam-\nple of it"
    tokens = tokenize(text).tokens
    assert [t.norm for t in tokens] == ["an", "example", "of", "it"]
    assert text[tokens[1].start : tokens[1].end] == "exam-\nple"
    assert not tokens[2].first  # the line break was inside the word


def test_bullets_are_dropped_and_remembered() -> None:
    tokens = tokenize("KEY POINTS\n  • First point\n- Second point").tokens
    assert [t.norm for t in tokens] == ["key", "points", "first", "point", "second", "point"]
    assert tokens[2].prefix == "•" and tokens[4].prefix == "-"
    assert tokens[2].first and not tokens[3].first


def test_a_dash_inside_a_line_stays_as_normalize_keeps_it() -> None:
    text = "LONDON (Agency) — Prices rose"
    assert " ".join(t.norm for t in tokenize(text).tokens) == normalize(text)


def test_lines_know_blank_lines_before_them() -> None:
    lines = tokenize("one\n\n\ntwo\nthree").lines
    assert [line.blank_before for line in lines] == [False, True, False]


def test_each_character_of_an_unspaced_script_is_a_word_of_its_own() -> None:
    """As the shingles read them (neardup.kernels): so a misread character is shown as one
    changed word, not as a changed clause. Punctuation runs stay words, as in English."""
    text = "北京电 新年讲话。东京タワー、ภาษา said: ok"
    tokens = tokenize(text).tokens
    assert [t.norm for t in tokens][:9] == ["北", "京", "电", "新", "年", "讲", "话", "。", "东"]
    assert [t.norm for t in tokens][-6:] == ["ภ", "า", "ษ", "า", "said:", "ok"]
    assert all(text[t.start : t.end] == t.norm for t in tokens[:9])


def test_half_width_kana_are_words_as_their_normal_forms_are() -> None:
    """NFKC makes "ﾀﾜｰ" "タワー": three words either way, so the two align as shared."""
    from neardup.explain import compare

    assert [t.norm for t in tokenize("ﾀﾞﾜｰ").tokens] == ["ダ", "ワ", "ー"]
    assert [p.kind for p in compare("東京タワーに行った", "東京ﾀﾜｰに行った")] == ["shared"]
