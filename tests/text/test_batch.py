"""Tests for neardup.text.batch: the compiled path (ASCII, typography, lettered text in any
script) agrees with normalize()."""

from __future__ import annotations

from dataclasses import fields, replace
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neardup.config import NormalizeConfig
from neardup.text import batch, normalize
from neardup.text.batch import compiled_form, normalized_utf8
from neardup.text.shingle import utf8_batch

DEFAULT = NormalizeConfig()

# Every ASCII character the plain path treats specially, and some it does not.
_ASCII_PIECES = [
    "-", "*", "+", " ", "\t", "\x1f", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e",
    "a", "B", "z", "Q", "7", "_", ".", ",", "'", '"', "x-\n", "- ", "-\n", "exam-\n ple",
    "Anglo-\nSaxon", "1990-\n1995", "* item", "\n  + ", "--", "-\t-", "exam- \t\nple",
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
    assert compiled_form(text, DEFAULT) == text
    assert decoded([text], DEFAULT) == [expected]


def test_compiled_form_folds_typography_and_refuses_the_rest() -> None:
    assert compiled_form("It\u2019s \u201cdone\u201d \u2014 \u00a35\u2026", DEFAULT) == (
        'It\'s "done" - \u00a35...'
    )
    assert compiled_form("Caf\u00c9", DEFAULT) == "caf\u00e9"  # a letter: casefolded here
    assert compiled_form("Caf\u00c9", replace(DEFAULT, casefold=False)) is None
    assert compiled_form("e\u0301t\u00e9", DEFAULT) is None  # a mark: NFKC composes it
    assert compiled_form("\u00c9t\u00e9-\nlong", DEFAULT) is None  # a hyphen ends a line
    assert compiled_form("&lt;IBM&gt; &#8220;up&#8221;", DEFAULT) == '<IBM> "up"'
    assert compiled_form("R&amp;D", DEFAULT) == "R&D"  # output checked for new entities
    # mojibake: ftfy's fix, then the rest ("café & bar" holds a letter and an entity)
    assert compiled_form("caf\u00c3\u00a9 &amp; bar", DEFAULT) is None
    assert compiled_form("\u201cR&amp;D\u201d \u00a35", DEFAULT) == '"R&D" \u00a35'
    assert compiled_form("caf\u00e9 &amp; bar", DEFAULT) is None  # a letter, as above
    assert compiled_form("\u00e2\u20ac\u2122 \u00c2\u00a35", DEFAULT) == "' \u00a35"  # fixed
    assert compiled_form("decision\u2014\nwhich", DEFAULT) is None  # a dash ends the line
    assert compiled_form("\u2022 item", DEFAULT) is None  # a bullet glyph
    assert compiled_form("plain", replace(DEFAULT, collapse_whitespace=False)) is None
    assert compiled_form("\u2019", replace(DEFAULT, fold_punctuation=False)) is None


_TYPOGRAPHY = [
    "\u2018", "\u2019", "\u201c", "\u201d", "\u00ab", "\u00bb", "\u2013", "\u2014", "\u2212",
    "\u2026", "\u201a", "\u201b", "\u2039", "\u203a", "\u201e", "\u201f", "\u2012", "\u2015",
    "\u2014\n", "\u2013 \t\r", "\u2212\x1f\x1e", "end\u2014\nnext", "&amp;", "&lt;", "&#8217;", "&mdash;", "&eacute;", "&nbsp;", "&", "&am-\np;", "AMP;", "lt;", "\u00a3", "\u00a9", "\u00b0", "\u00e9", "\u02bc", "\u2022", "\u00b7", "\u00bd",
    "\u0301", "\u00c2", "\u00a0", "\u2028", "\u00ad", "\u2010", "\u00b4",
    "\u00c2\u00a3", "\u00e2\u20ac\u0153", "\u00e2\u20ac\x9d", "\u00c3\u00bc",  # mojibake
]  # fmt: skip
typographic_texts = st.lists(st.sampled_from(_ASCII_PIECES + _TYPOGRAPHY), max_size=30).map("".join)


# Letters and numbers of many scripts, and what must keep a text off the lettered path:
# marks and conjoining jamo (composition), compatibility forms (NFKC), context-free and
# expanding casefolds (final sigma, sharp s, dotted I), mojibake pairs, spaces, bullets.
_SCRIPTS = [
    "\u00e9", "\u00c9", "\u00df", "\u1e9e", "\u00f8", "\u0130", "\u0131", "\u01f0", "caf\u00e9",
    "\u03a3", "\u03c3", "\u03c2", "\u0390", "\u03ac", "\u0419", "\u0439", "\u0401", "\u0402",
    "\u041f\u0440\u0438\u0432\u0435\u0442", "\u4e2d\u6587", "\u65e5", "\ud55c", "\u1100", "\u1161", "\u11a8",
    "\u0301", "\u0308", "\u0915", "\u093e", "\u0bbe", "\u212a", "\ufb01", "\uff21", "\u00b2",
    "\u24b6", "\u0663", "\u0627\u0644", "\u05e9", "\U0001f600", "\u00c3\u00a9", "\u00e2\u20ac\u2122",
    "\u0432\u0402\u045a", "\u00a0", "\u3000", "\u2022 ", "\u00ab", "\u00bb", "\u2014", "\u2019",
]  # fmt: skip
script_texts = st.lists(st.sampled_from(_ASCII_PIECES + _SCRIPTS), max_size=30).map("".join)


@pytest.mark.parametrize(
    "texts_of", [typographic_texts, script_texts], ids=["typography", "scripts"]
)
@settings(max_examples=600, deadline=None)
@given(data=st.data())
def test_pieced_text_equals_normalize(
    texts_of: st.SearchStrategy[str], data: st.DataObject
) -> None:
    """Half the configs the default one: the lettered path needs its casefold and NFKC."""
    texts = data.draw(st.lists(texts_of, min_size=1, max_size=6))
    config = data.draw(st.one_of(st.just(DEFAULT), configs))
    assert decoded(texts, config) == [normalize(text, config) for text in texts]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("plain text-\nhere", batch.ASCII),
        ("It\u2019s \u201cdone\u201d \u2014 well\u2026", batch.TYPOGRAPHIC),
        ("a dash\u2014 \tthen text", batch.TYPOGRAPHIC),
        ("a dash\u2014 \t\nends a line", batch.OTHER),
        *((f"a\u2013{end}b", batch.OTHER) for end in "\r\x0b\x0c\x1c\x1d\x1e"),
        ("a\u2014 \x1fz", batch.TYPOGRAPHIC),  # a unit separator is an inline space
        ("\u201c\u2018side by side\u2019\u201d", batch.OTHER),
        ("\u00a35 and \u00e9", batch.OTHER),
        ("R&D", batch.OTHER),
        ("\u2019 &amp;", batch.OTHER),
    ],
)
def test_typographic_kinds(text: str, kind: int) -> None:
    assert batch.typographic_kinds(*utf8_batch([text])).tolist() == [kind]


def test_typography_is_folded_without_asking_compiled_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = ["Plain \u2018quoted\u2019 text \u2013 and \u00abmore\u00bb, \u2026", "ASCII"]
    expected = [normalize(text) for text in texts]
    monkeypatch.setattr(batch, "compiled_form", lambda *_: pytest.fail("asked compiled_form"))
    assert (
        decoded(texts, DEFAULT) == expected == ["plain 'quoted' text - and \"more\", ...", "ascii"]
    )


def test_characters_are_judged_once_and_compiled_a_few_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Chinese corpus brings thousands of characters: the class of good ones must not
    be compiled again for each (that was quadratic: 29 s for 8,000)."""
    compiled: list[str] = []
    real = batch.re.compile
    monkeypatch.setattr(batch.re, "compile", lambda p, *a: compiled.append(p) or real(p, *a))
    carried = batch._CarriedCharacters()
    for code in range(0x4E00, 0x4E00 + 5000):
        assert carried.all_carried(f"x{chr(code)}y")
    assert len(compiled) <= 16
    assert not carried.all_carried("\u4e00 e\u0301")  # a mark, after all those
    assert carried.all_carried("\u4e00\u4e01 \u00e9")
    cyrillic, russian = "".join(map(chr, range(0x0410, 0x0450))), batch._CarriedCharacters()
    for _ in range(20):  # a few texts of an alphabet: then the regex alone finds its letters
        assert russian.all_carried(cyrillic * 3)
    assert russian._other.search(cyrillic) is None


def test_empty_batch() -> None:
    data, offsets = normalized_utf8([], DEFAULT)
    assert data.size == 0 and offsets.tolist() == [0]
