"""Tests for neardup.text.normalize: each step, the two-scrape case, invariants."""

from __future__ import annotations

import html.entities
import re
import sys
from dataclasses import fields, replace

import ftfy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neardup.text
from neardup.config import NormalizeConfig
from neardup.text import mojibake, normalize, normalize_lines

# ``neardup.text.normalize`` is the function (re-exported); the module itself:
_module = sys.modules["neardup.text.normalize"]

DEFAULT = NormalizeConfig()
NOTHING = NormalizeConfig(**{f.name: False for f in fields(NormalizeConfig)})


def only(**flags: bool) -> NormalizeConfig:
    """A config with every step off except the ones named."""
    return replace(NOTHING, **flags)


# --- strategies ---------------------------------------------------------------

# Fragments that exercise the interactions between steps: entities that other
# steps could complete or create, mojibake, combining marks NFKC composes,
# characters casefolding expands, bullets, hyphens and every kind of break.
# fmt: off
_PIECES = [
    "&amp;", "&", "amp;", "&#", "#10;", "x26;", "&#10;", "&bull;", "&lt", "&Aacute;", "&#195;",
    "\u00c3\u00a9", "\u00c2\u00a3", "\u00e2\u20ac\u2122", "\u00c2", "\u00c3", "\u00a9", "£",
    "A", "a", "J", "5", "\u0303", "\u0301", "\u030c", "\u0345", "\u01f0", "ß", "İ", "ﬁ", "ΐ",
    "Ｅ", "\u200b", "\u00ad", "\u00a0", "\u2028", "\r\n", "\n", "\n\n", "\t", " ", "-", "x-\n",
    "—", "–", "•", "▪", "·", "* ", "+ ", "- ", "’", "“", "”", "″", "´", "…", "œ", "日本",
]
# fmt: on
_fragment = st.one_of(st.sampled_from(_PIECES), st.text(max_size=3))
tricky_text = st.lists(_fragment, max_size=30).map("".join)
any_text = st.one_of(
    st.text(),  # arbitrary Unicode (no surrogates)
    st.text(st.characters(exclude_categories=()), max_size=40),  # with lone surrogates
    tricky_text,
)
any_config = st.builds(NormalizeConfig, **{f.name: st.booleans() for f in fields(NormalizeConfig)})
collapsing_config = any_config.filter(lambda c: c.collapse_whitespace)

PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- API ------------------------------------------------------------------------


def test_public_api_is_reexported() -> None:
    assert {"normalize", "normalize_lines"} <= set(neardup.text.__all__)
    assert neardup.text.normalize is _module.normalize
    assert neardup.text.normalize_lines is _module.normalize_lines


def test_default_config_is_the_default() -> None:
    text = "• It’s Â£5 &amp; exam-\nple"
    assert normalize(text) == normalize(text, NormalizeConfig()) == "it's £5 & example"


def test_empty_and_blank() -> None:
    assert normalize("") == ""
    assert normalize(" \n\t \u00a0\u200b ") == ""
    assert normalize_lines("") == []
    assert normalize_lines(" \n \n") == []


@given(any_text)
@PROPERTY
def test_all_steps_off_is_identity(text: str) -> None:
    assert normalize(text, NOTHING) == text


# --- step 1: mojibake ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("Â£5", "£5"),
        ("ÂÂ£4.8bn", "£4.8bn"),  # doubly broken
        ("Itâ€™s", "It’s"),
        ("cafÃ©", "café"),
        ("â€œhelloâ€\x9d", "“hello”"),
        ("\x93quoted\x94", "“quoted”"),  # C1 controls for cp1252 quotes
        ("ok line\nIt’s Â£5", "ok line\nIt’s £5"),
    ],
)
def test_mojibake_is_repaired(broken: str, fixed: str) -> None:
    assert normalize(broken, only(fix_mojibake=True)) == fixed
    assert normalize(broken, NOTHING) == broken


@pytest.mark.parametrize(
    "clean",
    ["São Paulo, naïve café, Æther", "It’s “quoted” — £5 • ok", "Привет мир", "日本語", "😀 ©"],
)
def test_mojibake_repair_leaves_correct_text_alone(clean: str) -> None:
    assert normalize(clean, only(fix_mojibake=True)) == clean


def test_lone_surrogates_are_replaced() -> None:
    assert normalize("a\ud83d\ude00b\ud800", only(fix_mojibake=True)) == "a😀b\ufffd"


_LATIN1_AND_CP1252 = bytes(range(128, 256)).decode("latin-1") + "€™œšžŸ‚„†‡‰‹›"
_GREEK_AND_CYRILLIC = "".join(map(chr, [*range(0x0384, 0x03D0), *range(0x0400, 0x0460)]))


@given(
    st.text(
        st.sampled_from(list(_LATIN1_AND_CP1252 + _GREEK_AND_CYRILLIC + "Ђв ")) | st.characters()
    )
)
@settings(max_examples=1000, deadline=None)
def test_mojibake_checks_are_necessary_for_ftfy(line: str) -> None:
    """The cheap pre-checks never skip a line ftfy would change."""
    if not mojibake.HINT.search(line):
        assert ftfy.fix_encoding(line) == line
    if _module.mojibake_free(line):
        assert ftfy.fix_encoding(line) == line


_LONE_TRIGGERS = {*range(0x80, 0xA0), 0xC2, 0xC3, 0x152, 0x153}


def test_every_badness_pattern_needs_the_hint_and_a_mark() -> None:
    """The proof behind the checks, on the installed ftfy: each alternative of its
    badness regex has a literal or class all of whose characters the mark matches, and
    two such non-ASCII items side by side (a pair of ``mojibake.pair_classes``) or one
    of the lone triggers the hint names; so no line failing a check is bad, and ftfy
    changes none. (Under a ftfy not named in ``mojibake._PROVEN_FTFY`` the checks take
    every non-ASCII character and are not asked: when this passes with the version
    named, the fast checks hold.)"""
    from ftfy.badness import BADNESS_RE

    assert not BADNESS_RE.flags & re.IGNORECASE  # each literal matches itself alone
    pattern = BADNESS_RE.pattern
    assert "(?<" not in pattern and "(?=" not in pattern and "(?!" not in pattern
    alternatives = mojibake.alternatives()
    assert len(alternatives) > 20
    for items in alternatives:
        marked = any(chars and all(mojibake.MARK.match(chr(c)) for c in chars) for chars in items)
        pair = bool(mojibake.adjacent_pairs(items))
        lone = any(chars and chars <= _LONE_TRIGGERS for chars in items)
        assert marked and (pair or lone), f"a pattern the checks miss: {items[:3]}"
        assert all(pairs in mojibake.pair_classes() for pairs in mojibake.adjacent_pairs(items))


def test_badness_matches_fit_the_windows_asked() -> None:
    from ftfy.badness import BADNESS_RE

    width = mojibake._parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags).getwidth()
    assert width[1] <= mojibake.BADNESS_SPAN


@pytest.mark.parametrize(("pair", "bad"), [("ção"[:2], False), ("öß", False), ("Ã©", True)])
def test_pairs_are_judged_by_the_regex_classes(pair: str, bad: bool) -> None:
    assert mojibake.may_start_badness(pair) is bad


_FILLER = ["a", " ", "word ", "x" * 9, "\n", "é", "ção ", "ö", "ß", "Ã", "©", "€", "Â ", "é\u00a0"]


@given(st.lists(st.sampled_from(_FILLER + list(_LATIN1_AND_CP1252)), max_size=60).map("".join))
@settings(max_examples=1500, deadline=None)
def test_badness_asked_in_windows_is_necessary_for_ftfy(text: str) -> None:
    """Hint places far apart and close together (windows flushed and merged)."""
    if not mojibake.may_be_bad(text):
        assert ftfy.fix_encoding(text) == text
        assert not ftfy.badness.is_bad(text) or not mojibake.HINT.search(text)


# Mojibake of every kind ftfy fixes (a re-encoding, a byte A0 read as a space, pieces
# among good text, C1 controls), a NUL, and ASCII runs long enough to be cut
_MOJIBAKE = ["Ã©", "â€™", "â€œ", "Â£", "Ã ", "â€ ", "Ã\u00a0", "ÐŸÑ€Ð¸", "\x93", "\x80", "\x00"]
_MOJIBAKE += ["\x1a", "\ufffd", "À€", "Ã\ufffd"]  # "\x1a": no sloppy codec encodes it
_LONG_ASCII = ["x" * 40, "a word " * 6, "\t \r" * 12, "?" * 31, "-" * 29, " '-", "x3?c.1.\t,"]
_LONG_ASCII.append("x" * 20 + "\x1a" + "x" * 20)  # a character no sloppy codec encodes


@given(
    st.lists(
        st.one_of(  # a third of the pieces each: mojibake, long ASCII, Latin-1 and cp1252
            st.sampled_from(_FILLER + _MOJIBAKE),
            st.sampled_from(_LONG_ASCII),
            st.sampled_from(list(_LATIN1_AND_CP1252)),
        ),
        max_size=40,
    ).map("".join)
)
@settings(max_examples=1500, deadline=None)
def test_fix_with_ascii_set_aside_is_ftfys(text: str) -> None:
    config = ftfy.TextFixerConfig(unescape_html=False, explain=False)
    assert mojibake.fix_encoding(text, config) == ftfy.fix_encoding(text, config)


def test_a_character_no_sloppy_codec_encodes_is_never_set_aside() -> None:
    config = ftfy.TextFixerConfig(unescape_html=False, explain=False)
    line = "caf\u00c3\ufffd " + "x" * 18 + "\x1a" + "x" * 18  # the \x1a keeps ftfy's sloppy fix off
    assert mojibake.fix_encoding(line, config) == ftfy.fix_encoding(line, config)


def test_long_ascii_is_set_aside(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = ftfy.fix_encoding
    monkeypatch.setattr(mojibake.ftfy, "fix_encoding", lambda t, c: seen.append(t) or real(t, c))
    line = "a" * 100 + "Â£5" + "b" * 100
    assert mojibake.fix_encoding(line, ftfy.TextFixerConfig()) == "a" * 100 + "£5" + "b" * 100
    assert seen == ["a" * 14 + "\x00" + "a" * 14 + "Â£5" + "b" * 13 + "\x00" + "b" * 14]


@pytest.mark.parametrize(
    "clean",
    [
        "A situação da educação e a votação da câmara municipal.",
        "Der größte Teil der Gebühren wird gemäß dem Gesetz erhoben.",
        "Większość posłów poparła część projektu, mówi źródło.",
    ],
)
def test_accented_text_skips_ftfy(clean: str) -> None:
    assert mojibake.HINT.search(clean) and mojibake.MARK.search(clean)
    assert _module.mojibake_free(clean)  # the windows found nothing


def test_an_unproven_ftfy_gets_every_line_with_non_ascii(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mojibake, "PROVEN", False)
    assert mojibake._mark().search("Привет") is not None


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("вЂњquotedвЂќ", "\u201cquoted\u201d"),  # “ ” read as cp1251: letters and "Ђ" only
        ("РџСЂРёРІРµС‚", "Привет"),  # UTF-8 Cyrillic read as cp1251
    ],
)
def test_cyrillic_mojibake_is_still_repaired(broken: str, fixed: str) -> None:
    assert ftfy.fix_encoding(broken) == fixed
    assert normalize(broken, only(fix_mojibake=True)) == fixed


@pytest.mark.parametrize("clean", ["Привет, мир", "Ελληνικά κείμενα", "日本語のテキスト", "한국어"])
def test_greek_cyrillic_and_cjk_text_skips_ftfy(clean: str) -> None:
    assert mojibake.HINT.search(clean)  # the first check alone let it through
    assert _module.mojibake_free(clean)


# --- step 2: HTML entities ------------------------------------------------------


@pytest.mark.parametrize(
    ("escaped", "plain"),
    [
        ("AT&amp;T", "AT&T"),
        ("it&#8217;s", "it\u2019s"),
        ("it&#x2019;s", "it\u2019s"),
        ("&lt;b&gt;", "<b>"),
        ("&amp;amp;", "&"),  # double-escaped
        ("&amp;amp;amp;lt;", "<"),
        ("&amp;#38;", "&"),
        ("AT&T &nosuchentity; & more", "AT&T &nosuchentity; & more"),
    ],
)
def test_entities_are_unescaped(escaped: str, plain: str) -> None:
    assert normalize(escaped, only(unescape_html=True)) == plain
    assert normalize(escaped, NOTHING) == escaped


def test_every_entity_is_longer_than_its_replacement() -> None:
    """Why unescaping until nothing changes always ends."""
    assert all(len(value) < len(name) + 1 for name, value in html.entities.html5.items())


# --- step 3: NFKC -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [("ﬁne", "fine"), ("ＡＢＣ１２", "ABC12"), ("x²", "x2"), ("e\u0301", "é"), ("Ⅻ", "XII")],
)
def test_nfkc(text: str, folded: str) -> None:
    assert normalize(text, only(unicode_nfkc=True)) == folded
    assert normalize(text, NOTHING) == text


# --- step 4: punctuation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("‘a’ “b” „c“ «d» ‹e› 5′ 6″", '\'a\' "b" "c" "d" \'e\' 5\' 6"'),
        ("a–b — c ‒ d ― e −1", "a-b - c - d - e -1"),
        ("wait…", "wait..."),
        ("a\u00a0b\u2009c\u3000d", "a b c d"),
        ("zero\u200bwidth\u200d \ufeffbom soft\u00adhyphen", "zerowidth bom softhyphen"),
        ("don´t", "don't"),
        ("well-known * not a bullet - nor this", "well-known * not a bullet - nor this"),
    ],
)
def test_punctuation_is_folded(text: str, folded: str) -> None:
    assert normalize(text, only(fold_punctuation=True)) == folded
    assert normalize(text, NOTHING) == text


@pytest.mark.parametrize(
    "item",
    [
        "• point",
        "- point",
        "* point",
        "+ point",
        "– point",
        "— point",
        "· point",
        "▪ point",
        "  ► point",
        "•point",
        "• - point",
        "\u2003- point",
    ],
)
def test_bullet_at_line_start_is_removed(item: str) -> None:
    assert normalize(f"intro\n{item}", only(fold_punctuation=True)) == "intro\npoint"
    assert normalize(item, only(fold_punctuation=True)) == "point"


@pytest.mark.parametrize("line", ["-5 degrees", "*emphasis*", "a • b", "x - y"])
def test_not_a_bullet(line: str) -> None:
    assert normalize(line, only(fold_punctuation=True)) == line


# --- step 5: hyphenated line breaks ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("exam-\nple", "example"),
        ("exam- \n   ple", "example"),
        ("exam-\r\nple", "example"),
        ("exam-\n\nple", "example"),  # a blank line between the halves
        ("exam\u00ad\nple", "example"),  # soft hyphen
        ("Anglo-\nSaxon", "Anglo-Saxon"),  # capital after: a real hyphen
        ("1990-\n1995", "1990-1995"),
        ("decision—\nwhich", "decision—which"),  # a dash is kept
        ("well-known", "well-known"),  # never within a line
        ("end -\nstart", "end -\nstart"),  # nothing to join
        ("end-\n(aside)", "end-\n(aside)"),
    ],
)
def test_hyphenated_line_breaks(text: str, joined: str) -> None:
    assert normalize(text, only(join_hyphenated=True)) == joined
    assert normalize(text, NOTHING) == text


# --- step 6: whitespace ------------------------------------------------------------


def test_whitespace_is_collapsed() -> None:
    text = "  a \t b\n\n c\r\nd\u2028e  "
    assert normalize(text, only(collapse_whitespace=True)) == "a b c d e"
    assert normalize_lines(text, only(collapse_whitespace=True)) == ["a b", "c", "d", "e"]
    assert normalize(text, NOTHING) == text


def test_rewrapped_lines_are_the_same_text() -> None:
    one = "The quick brown fox jumps over the lazy dog."
    wrapped = "The quick brown\nfox jumps over\n  the lazy dog.\n"
    assert normalize(one) == normalize(wrapped)


# --- step 7: case --------------------------------------------------------------------


def test_casefold() -> None:
    assert normalize("HeLLo Straße ΣΑΣ", only(casefold=True)) == "hello strasse σασ"
    assert normalize("HeLLo", NOTHING) == "HeLLo"


# --- the two-scrape case, in miniature ------------------------------------------------

SCRAPE_A = (
    "KEY POINTS\n\n"
    "  • Taliban promised Moscow that they wouldn’t encroach\n"
    "  • Talks cost Â£5 &amp; more\n\n"
    "“Let me ask” — Biden said the exam-\nple was “inevitable.”\n"
)
SCRAPE_B = (
    "KEY POINTS\n"
    "- Taliban promised Moscow that they wouldn't\nencroach\n"
    "- Talks cost £5 & more\n"
    '"Let me ask" - Biden said the example was "inevitable."'
)


def test_two_scrapes_of_one_story_normalize_alike() -> None:
    assert normalize(SCRAPE_A) == normalize(SCRAPE_B)
    assert normalize(SCRAPE_A) == (
        "key points taliban promised moscow that they wouldn't encroach "
        'talks cost £5 & more "let me ask" - biden said the example was "inevitable."'
    )


def test_two_scrapes_keep_their_differences() -> None:
    with_headline = "Putin, Not Biden\n" + SCRAPE_B + "\n© Copyright IBTimes 2024."
    lines = normalize_lines(with_headline)
    assert lines[0] == "putin, not biden"
    assert lines[-1] == "© copyright ibtimes 2024."
    assert " ".join(lines[1:-1]) == normalize(SCRAPE_A)  # B is wrapped differently


# --- normalize_lines ---------------------------------------------------------------------


def test_normalize_lines_keeps_line_structure() -> None:
    text = "Headline\n\n• First   point\n- Second exam-\nple\n\n  Last  line \n"
    assert normalize_lines(text) == ["headline", "first point", "second example", "last line"]


def test_normalize_lines_without_collapsing_keeps_whitespace() -> None:
    config = replace(DEFAULT, collapse_whitespace=False)
    assert normalize_lines("a  b\n \n c", config) == ["a  b", " c"]


# --- invariants -------------------------------------------------------------------------


@given(any_text)
@PROPERTY
def test_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(any_text, any_config)
@PROPERTY
def test_idempotent_for_every_config(text: str, config: NormalizeConfig) -> None:
    once = normalize(text, config)
    assert normalize(once, config) == once


@pytest.mark.parametrize(
    "config",
    [
        replace(DEFAULT, casefold=False),
        replace(DEFAULT, unicode_nfkc=False),
        replace(DEFAULT, collapse_whitespace=False),
        replace(DEFAULT, fold_punctuation=False, join_hyphenated=False),
    ],
)
@given(text=any_text)
@PROPERTY
def test_idempotent_for_chosen_configs(text: str, config: NormalizeConfig) -> None:
    once = normalize(text, config)
    assert normalize(once, config) == once


@given(any_text, collapsing_config)
@PROPERTY
def test_lines_join_to_normalize(text: str, config: NormalizeConfig) -> None:
    """``" ".join(normalize_lines(t)) == normalize(t)``, for every text.

    It holds by construction: both settle the same line-keeping pass. In one
    rare case (ftfy finds mojibake in the joined lines that it did not find
    line by line) the joined text is the only stable form, and
    normalize_lines returns it as a single line rather than break the equality.
    """
    lines = normalize_lines(text, config)
    assert " ".join(lines) == normalize(text, config)
    assert all(line and line == line.strip() and "\n" not in line for line in lines)


@given(st.one_of(tricky_text, st.text()), any_config)
@PROPERTY
def test_settled_shortcut_is_sound(text: str, config: NormalizeConfig) -> None:
    """When a pass's output is declared settled without a second pass, it is."""
    once = _module._pass(text, config)
    if _module._surely_settled(once, config):
        assert _module._pass(once, config) == once


_ascii_prose = st.lists(
    st.sampled_from([*"abcXYZ019 -*+\n\t\r\x0b.,'\"_", "-\n", "\n\n", "- ", "* ", "\n  - "]),
    max_size=40,
).map("".join)


@given(st.one_of(_ascii_prose, st.text(st.characters(max_codepoint=127))), collapsing_config)
@settings(max_examples=400)
def test_ascii_shortcut_equals_the_full_pass(text: str, config: NormalizeConfig) -> None:
    """The cheap path for ASCII text without "&" gives exactly what the full pass gives."""
    module = sys.modules["neardup.text.normalize"]
    if "&" in text:
        return
    full = module._settle_flat(module._settle(text, config).replace("\n", " "), config)
    assert module._plain_ascii(text, config) == full
