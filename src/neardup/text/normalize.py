"""Canonical text: the spelling of a document that shingling sees.

Two scrapes of one story differ in ways that are not content: mojibake
("Â£5" for "£5"), HTML entities ("&amp;"), typography (curly quotes, dashes,
"•" or "-" bullets), hyphenation and line wrapping, case. :func:`normalize`
removes those differences; :func:`normalize_lines` does the same but keeps one
string per line, for the stages that need line structure (explain,
boilerplate detection). ``" ".join(normalize_lines(t)) == normalize(t)``.

Both are pure functions of the text and a :class:`~neardup.config.NormalizeConfig`,
and :func:`normalize` is idempotent: normalising normalised text changes nothing.

How one pass works (each step is switched by its config flag)
---------------------------------------------------------------

1. ``fix_mojibake``: ftfy's encoding fixes (UTF-8 read as cp1252/latin-1,
   C1 controls), line by line; surrogates become the character a pair encodes
   or U+FFFD. None of ftfy's own quote, width or Unicode normalisation: those
   are ours, below.
2. ``unescape_html``: ``html.unescape`` repeated until nothing changes, so
   "&amp;amp;" ends as "&". Every entity is longer than its replacement, so
   the repetition always ends.
3. ``fold_punctuation`` (part 1, before NFKC): zero-width and bidi controls
   are deleted, soft hyphens too unless they end a line (step 6 needs them);
   "″" becomes '"' and "´" an apostrophe before NFKC can split them.
4. ``unicode_nfkc``: NFKC.
5. ``fold_punctuation`` (part 2): a bullet at the start of a line ("•", "▪",
   "·", or "-", "*", "+", a dash when followed by a space) is removed.
6. ``join_hyphenated``: a line break after a letter and a hyphen is removed
   with the hyphen when a lowercase letter follows ("exam-\\nple" ->
   "example"); otherwise only the line break goes ("Anglo-\\nSaxon" ->
   "Anglo-Saxon", "1990-\\n1995", "decision—\\nwhich"). A soft hyphen before a
   line break always goes. Blank lines between the two halves count as one
   break. Hyphens inside a line are never touched.
7. ``fold_punctuation`` (part 3): quotes, primes and guillemets to ' and ",
   dashes and the minus sign to "-", "…" to "...", Unicode spaces to " ".
   It runs after step 6 so that step can tell a hyphen from a dash.
8. ``collapse_whitespace``: inside each line, runs of whitespace become one
   space; lines are stripped and empty ones dropped. :func:`normalize` then
   joins the lines with single spaces.
9. ``casefold``: ``str.casefold``, then NFKC again (casefolding can leave
   decomposed sequences NFKC would compose).

Why the result is idempotent
----------------------------

The order above is chosen so that one pass is, for ordinary text, already a
fixed point: steps that need information a later step destroys run first
(ftfy before NFKC and casefolding, which erase the mojibake's shape; hyphen
joining before dash folding and casefolding). But a later step can still
uncover work for an earlier one on purpose-built input: deleting a zero-width
space inside "&am\\u200bp;" makes an entity, NFKC can compose "A" + U+0303
into the "Ã" of mojibake. So the pass is repeated until its output stops
changing. The check is free for ASCII output without "&" (see
``_surely_settled``: no step can act on it again), which is most normalised
text; anything else gets one more, cheap pass. :func:`normalize` returns a
fixed point of the pass, hence ``normalize(normalize(t)) == normalize(t)``.
The lines are settled first and then joined, so :func:`normalize_lines`
agrees with it. The repetition is bounded by ``_MAX_PASSES``: on the
syndication bench no document needs more than two passes, and the most
contrived inputs Hypothesis could find need five.

Speed: every step is a ``str`` method or a precompiled regex, and is skipped
when it cannot apply (ASCII text skips ftfy, NFKC and the fold maps; text
without "&" skips unescaping; ftfy only sees lines with a character pair and
one of the characters its mojibake detector could match). About 10,000 news
articles (2 kB) per second on one core.
"""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy
import ftfy.fixes

from neardup.config import NormalizeConfig
from neardup.text import mojibake

__all__ = [
    "SPECIAL_CHARACTERS",
    "mojibake_free",
    "normalize",
    "normalize_lines",
    "unescape_entities",
]

_DEFAULT = NormalizeConfig()

# Upper bound on passes; see "Why the result is idempotent" above.
_MAX_PASSES = 8

# --- step 1: mojibake -------------------------------------------------------

# ftfy's encoding repair only (mojibake, C1 controls; it is ftfy.fix_text's
# fix_encoding step): quotes, widths, ligatures, line breaks and Unicode
# normalisation are later steps of ours, and HTML is step 2.
_FTFY_CONFIG = ftfy.TextFixerConfig(unescape_html=False, explain=False)
# which lines ftfy might change is asked cheaply first: neardup.text.mojibake


def _has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone or paired surrogate (UTF-8 cannot encode one: asking
    the codec is ~5x faster than a regex scan)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def mojibake_free(text: str) -> bool:
    """Whether step 1 surely leaves ``text`` as it is: no surrogate, nothing ftfy could fix."""
    return text.isascii() or not (_has_surrogate(text) or mojibake.may_be_bad(text))


def fix_mojibake(text: str) -> str:
    """Step 1: surrogates decoded, and ftfy's encoding fix on each line it may change."""
    if text.isascii():
        return text
    if _has_surrogate(text):
        # Paired surrogates become the character they encode, lone ones U+FFFD.
        text = ftfy.fixes.fix_surrogates(text)
    if not mojibake.may_be_bad(text):  # (asked once: not cheap on some accented text)
        return text
    # Line by line, like ftfy.fix_text: a bad line does not condemn the rest.
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if mojibake.may_be_bad(line):
            lines[i] = mojibake.fix_encoding(line, _FTFY_CONFIG)
    return "\n".join(lines)


# --- step 2: HTML entities --------------------------------------------------

_AMP_CHAIN = re.compile("&(?:amp;)+")


def unescape_entities(text: str) -> str:
    """Step 2: HTML entities replaced until none is left to replace."""
    if "&" not in text:
        return text
    # "&amp;amp;amp;..." would take one round per level; shortcut the chain.
    text = _AMP_CHAIN.sub("&amp;", text)
    while True:
        unescaped = html.unescape(text)
        if unescaped == text:
            return text
        text = unescaped


# --- character classes ------------------------------------------------------

# str.splitlines() boundaries; "\r\n" counts as one through the \s* that
# follows them in the patterns below.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_INLINE_SPACE = rf"[^\S{_LINE_BREAKS}]"
_HYPHENS = "-\u2010\u2011\ufe63\uff0d"
_DASHES = "\u2012\u2013\u2014\u2015\u2212\ufe58\u2e3a\u2e3b"
_SOFT_HYPHEN = "\u00ad"
# Deleted: zero-width space/joiners, word joiner, invisible operators, BOM,
# Mongolian vowel separator, combining grapheme joiner, bidi marks/controls.
_INVISIBLE = (
    "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u034f"
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035\u2039\u203a\u02bc\u275b\u275c\uff07"
_DOUBLE_QUOTES = (
    "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\u275d\u275e\u301d\u301e\u301f\u2e42\uff02"
)
_SPACES = (
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"
)
# Bullet glyphs removed at a line start even when glued to the word.
_BULLETS = (
    "\u2022\u2023\u2043\u204c\u204d\u2219\u00b7\u25aa\u25ab\u25a0\u25a1\u25b8\u25b9"
    "\u25ba\u25bb\u25c6\u25c7\u25cb\u25cf\u25e6\u25fd\u25fe\u2756\u27a2\u27a4\u29bf"
)
# Characters that are a bullet at a line start only when a space follows.
_WEAK_BULLETS = "*+" + _HYPHENS + _DASHES


# Every character some step treats specially (text.batch passes the others through).
SPECIAL_CHARACTERS = frozenset(
    _LINE_BREAKS
    + _HYPHENS
    + _DASHES
    + _SOFT_HYPHEN
    + _INVISIBLE
    + _SINGLE_QUOTES
    + _DOUBLE_QUOTES
    + _SPACES
    + _BULLETS
    + _WEAK_BULLETS
    + "\u2026\u00b4\u2033\u2036"
)


def _char_map(pairs: dict[str, str]) -> dict[str, str]:
    return {ch: out for chars, out in pairs.items() for ch in chars}


def _char_class(chars: str) -> str:
    return "[" + re.escape(chars) + "]"


# --- steps 3 and 7: punctuation ---------------------------------------------
#
# A regex over the handful of characters to replace, with a dict lookup per
# hit, is ~10x faster than str.translate on non-ASCII text.

# Before NFKC, which would turn "″" into two primes and "´" into a space and a
# combining accent ("don´t" -> "don ́t").
_PRE_NFKC_MAP = _char_map({_INVISIBLE: "", "\u2033\u2036": '"', "\u00b4": "'"})
_PRE_NFKC_CHARS = re.compile(_char_class("".join(_PRE_NFKC_MAP)))
# A soft hyphen survives step 3 only where it ends a line (step 6 reads it).
_INNER_SOFT_HYPHEN = re.compile(rf"\u00ad(?!{_INLINE_SPACE}*[{_LINE_BREAKS}])")

_FOLD_MAP = _char_map(
    {
        _INVISIBLE + _SOFT_HYPHEN: "",
        _SINGLE_QUOTES + "\u00b4": "'",
        _DOUBLE_QUOTES: '"',
        _HYPHENS[1:] + _DASHES: "-",
        "\u2026": "...",
        _SPACES: " ",
    }
)
_FOLD_CHARS = re.compile(_char_class("".join(_FOLD_MAP)))


def _pre_nfkc_char(match: re.Match[str]) -> str:
    return _PRE_NFKC_MAP[match.group()]


def _fold_char(match: re.Match[str]) -> str:
    return _FOLD_MAP[match.group()]


def _fold_before_nfkc(text: str) -> str:
    if text.isascii():
        return text
    text = _PRE_NFKC_CHARS.sub(_pre_nfkc_char, text)
    if _SOFT_HYPHEN in text:
        text = _INNER_SOFT_HYPHEN.sub("", text)
    return text


def _fold(text: str) -> str:
    return text if text.isascii() else _FOLD_CHARS.sub(_fold_char, text)


# --- step 4: NFKC ------------------------------------------------------------


def _nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


# --- step 5: bullets -----------------------------------------------------------

_BULLET_RUN = (
    rf"{_INLINE_SPACE}*(?:(?:{_char_class(_BULLETS)}|{_char_class(_WEAK_BULLETS)}(?=\s|\Z))"
    rf"{_INLINE_SPACE}*)+"
)
_BULLET_AT_START = re.compile(_BULLET_RUN)
_BULLET_AFTER_NEWLINE = re.compile("\n" + _BULLET_RUN)  # a literal prefix: fast to find
_BULLET_AFTER_ANY_BREAK = re.compile(rf"(?<=[{_LINE_BREAKS}]){_BULLET_RUN}")
_OTHER_LINE_BREAK = re.compile(f"[{_LINE_BREAKS[1:]}]")


def _remove_bullets(text: str) -> str:
    if _OTHER_LINE_BREAK.search(text):
        text = _BULLET_AFTER_ANY_BREAK.sub("", text)
    else:
        text = _BULLET_AFTER_NEWLINE.sub("\n", text)
    start = _BULLET_AT_START.match(text)
    return text[start.end() :] if start else text


# --- step 6: hyphenated line breaks -----------------------------------------

# mark, then (looking back) an alphanumeric before it, the line break with any
# spaces and blank lines around it, and (looking ahead) an alphanumeric.
_HYPHEN_BREAK = re.compile(
    rf"({_char_class(_HYPHENS + _DASHES + _SOFT_HYPHEN)})(?<=[^\W_].)"
    rf"{_INLINE_SPACE}*[{_LINE_BREAKS}]\s*(?=([^\W_]))"
)


def _rejoin(match: re.Match[str]) -> str:
    mark, following = match.group(1), match.group(2)
    if mark == _SOFT_HYPHEN:
        return ""
    if mark in _HYPHENS and following.islower() and match.string[match.start() - 1].isalpha():
        return ""  # a word split by hyphenation: "exam-\nple"
    return mark  # a real hyphen or dash that happened to end a line


def _join_hyphenated(text: str) -> str:
    return _HYPHEN_BREAK.sub(_rejoin, text)


# --- step 8: whitespace ------------------------------------------------------


def _collapse_lines(text: str) -> str:
    """Collapse whitespace inside lines; drop empty lines; one "\\n" between."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join([line for line in lines if line])


# --- step 9: case ------------------------------------------------------------


def _casefold(text: str, nfkc: bool) -> str:
    if text.isascii():
        return text.lower()
    text = text.casefold()
    return unicodedata.normalize("NFKC", text) if nfkc else text


# --- the pass and its fixed point ------------------------------------------


def _pass(text: str, config: NormalizeConfig) -> str:
    """One application of every enabled step; line breaks are kept."""
    if config.fix_mojibake:
        text = fix_mojibake(text)
    if config.unescape_html:
        text = unescape_entities(text)
    if config.fold_punctuation:
        text = _fold_before_nfkc(text)
    if config.unicode_nfkc:
        text = _nfkc(text)
    if config.fold_punctuation:
        text = _remove_bullets(text)
    if config.join_hyphenated:
        text = _join_hyphenated(text)
    if config.fold_punctuation:
        text = _fold(text)
    if config.collapse_whitespace:
        text = _collapse_lines(text)
    if config.casefold:
        text = _casefold(text, config.unicode_nfkc)
    return text


def _surely_settled(text: str, config: NormalizeConfig) -> bool:
    """True when ``text``, an output of the pass, is known to be a fixed point.

    For ASCII output only unescaping can act again (ftfy, NFKC and the fold
    tables touch no ASCII; bullets were removed from every line start and no
    later step makes new ones; every hyphen+line break left has a
    non-alphanumeric side; whitespace is collapsed; ``lower`` is idempotent).
    Anything else is checked by running the pass again.
    """
    if not text.isascii():
        return False
    return not config.unescape_html or "&" not in text or html.unescape(text) == text


def _settle(text: str, config: NormalizeConfig) -> str:
    """The line-preserving fixed point of the pass (see the module docs)."""
    text = _pass(text, config)
    for _ in range(_MAX_PASSES - 1):
        if _surely_settled(text, config):
            break
        again = _pass(text, config)
        if again == text:
            break
        text = again
    return text


def _settle_flat(flat: str, config: NormalizeConfig) -> str:
    """The fixed point of the pass on one line, starting from joined settled lines.

    The joined lines differ from the settled line text only in " " for "\\n",
    which no step but ftfy can tell apart (ftfy now sees one segment where it
    saw several, and may judge it differently); so that is what is checked.
    """
    if not config.fix_mojibake or fix_mojibake(flat) == flat:
        return flat
    for _ in range(_MAX_PASSES):
        again = _pass(flat, config).replace("\n", " ")
        if again == flat:
            break
        flat = again
    return flat


def normalize(text: str, config: NormalizeConfig = _DEFAULT) -> str:
    """Return the canonical form of ``text`` under ``config``.

    With the default config the result is one line of casefolded words
    separated by single spaces. Idempotent: ``normalize(normalize(t, c), c)
    == normalize(t, c)`` for every string and config.

    >>> normalize("• It’s Â£5 &amp; exam-\\nple")
    "it's £5 & example"
    """
    if config.collapse_whitespace and text.isascii() and "&" not in text:
        return _plain_ascii(text, config)
    settled = _settle(text, config)
    if not config.collapse_whitespace:
        return settled
    return _settle_flat(settled.replace("\n", " "), config)


def _plain_ascii(text: str, config: NormalizeConfig) -> str:
    """:func:`normalize` of ASCII text without "&", the common case, done cheaply.

    Of the steps only bullets, hyphenated breaks, whitespace and case can act
    on such text, one pass is already a fixed point (see ``_surely_settled``),
    and collapsing each line then joining the lines with spaces is the same as
    collapsing the whole text at once. tests/text check it against the full path.
    """
    if config.fold_punctuation:
        text = _remove_bullets(text)
    if config.join_hyphenated:
        text = _join_hyphenated(text)
    text = " ".join(text.split())
    return text.lower() if config.casefold else text


def normalize_lines(text: str, config: NormalizeConfig = _DEFAULT) -> list[str]:
    """Return the non-empty normalised lines of ``text``.

    Every step of :func:`normalize` applies and hyphenated line breaks are
    joined, but other line breaks are kept. With ``collapse_whitespace`` (the
    default) each line's whitespace is collapsed and
    ``" ".join(normalize_lines(t, c)) == normalize(t, c)``; without it, lines
    are returned as they are, minus those that are only whitespace.
    """
    settled = _settle(text, config)
    if not config.collapse_whitespace:
        return [line for line in settled.splitlines() if line.strip()]
    if not settled:
        return []
    flat = settled.replace("\n", " ")
    final = _settle_flat(flat, config)
    if final != flat:
        # Only when ftfy, shown the lines joined, finds mojibake it did not
        # find line by line: the joined text is then the only stable form.
        return [final] if final else []
    return settled.split("\n")
