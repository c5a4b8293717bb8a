"""What kind of passage a stretch found in only one copy is.

The rules describe the *kinds* of furniture republished news carries, never
particular strings of one corpus:

- **shape**: a dateline is an all-caps place and an agency in brackets
  opening a paragraph ("CITY (Agency) -"); a photo credit is an all-caps name
  and a slash ("NAME SURNAME/AGENCY"); a key-points block is a short header
  line followed by bullets; a byline is a short line opening with "By".
- **vocabulary** common to the trade: "©", "all rights reserved", "read
  more", "sign up", "advertisement", "continues below", "photo", ... checked
  on the normalised text, and for the longer words with one typo allowed
  (OCR'd copies say "Copyrlght").
- **position**: unmatched short lines above the story are headlines, prose
  below the last shared word is the rest of the story the other copy cut
  (``truncated``), words missing inside a shared paragraph are edits.
- **context**: a line directly above a credit is the caption it credits; a
  line wrapped from a labelled one shares its label.
- **corpus frequency** (when a :class:`LineCounts` is given): a short line
  that recurs across many documents is furniture; its position says which.

Inside a shared sentence, a few differing words are ``ocr`` when each is one
or two letters away from its counterpart, ``edited`` otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from neardup.explain.frequency import LineCounts
from neardup.explain.model import Label
from neardup.explain.pieces import Piece, split_piece
from neardup.text.normalize import normalize

__all__ = ["Labelled", "change_label", "label_line", "label_pieces", "misread"]

_HEADLINE_WORDS = 25  # longest headline line; longer unmatched lines on top are prose
_SHORT_LINE = 12  # words: bylines, caption headers, furniture lines
_AD_WORDS = 6  # an advertisement marker is a few words at most
_CAPTION_WORDS = 60  # a caption is a sentence or two
_PROSE_WORDS = 12  # a tail stretch this long is story, not a footer

_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'\u2019 -]{1,30}"  # CITY
    r"(?:,\s*[A-Z][A-Za-z.'\u2019 ]{1,25}(?:\s\d{1,2})?)?"  # , State / , Month day
    r"\s*\([A-Za-z][^()\n]{0,30}\)"  # (Agency)
    r"\s*(?:[-\u2010-\u2015\u2212:]|\u00e2\u20ac\S)+\s*"  # - (or a dash as mojibake)
    r"|^\s*[A-Z][A-Z.'\u2019]{2,}(?: [A-Z][A-Z.'\u2019]+){0,3}\s+[\u2013\u2014-]{1,2}\s+"  # CITY —
)
_BYLINE = re.compile(r"^(?:By|BY|From|FROM|Words by|Written by|Reported by)\s+\S")
# "By Jane Doe, Outlet" as OCR leaves it: a two-letter first word, then names and a comma.
_BYLINE_SHAPE = re.compile(r"^(\w\w)\s+\S+(?:\s+\S+){0,3}\s*[,|]\s*[A-Z]")
_BYLINE_WORDS = 8
_SIGNOFF = re.compile(r"\b(?:reporting|writing|editing|additional reporting) by\b")
_CREDIT = re.compile(r"\b[A-Z][A-Z'\-]+(?:\s+[A-Z][A-Z'.\-]+)*\s?/\s?[A-Za-z]")
_CAPTION_WORDS_RE = re.compile(
    r"\b(?:getty images|via getty|shutterstock|handout|file (?:photo|picture|image)"
    r"|photo(?:graph)?s? (?:by|credit)|photo(?:graph)?:|picture:|image:|credit:"
    r"|\(photo|photo illustration|(?:ap|afp|reuters|pool|epa) photo)"
)
# Footer vocabulary: the strong kind marks a footer in any short paragraph, the
# weak kind ("newsletter", "more from") only in a furniture-sized line.
_FOOTER_STRONG = re.compile(
    r"\u00a9|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|^read more\b|\bsign up\b"
    r"|originally (?:published|appeared)|first (?:published|appeared)"
    r"|^this (?:article|story) (?:was|first|originally|is)"
)
_FOOTER_WEAK = re.compile(
    r"newsletter|\bsubscribe\b|\bread more\b|follow us|more (?:from|stories|news)"
    r"|related (?:stories|articles|coverage|content)|click here|share this|contact us"
    r"|terms of (?:use|service)|privacy policy|\breprint|republish|get the (?:latest|top)"
    r"|download (?:our|the) app"
)
_FOOTER_WORDS = 25  # a footer is a line or two; longer paragraphs are prose
_AD_RE = re.compile(
    r"^\W*(?:advert\w*|ads?|sponsored(?: \w+)?|promoted(?: \w+)?|paid (?:content|post|partnership)"
    r"|(?:the )?(?:story|article|report) continues(?: \w+)*|continue reading(?: \w+)*"
    r"|scroll (?:down )?to continue(?: \w+)?)\W*$"
)
# Trade phrases recognised through OCR misreadings: (phrase, label, longest
# line, in words, that may carry it). In prose these words are just words.
_FUZZY: tuple[tuple[str, Label, int], ...] = (
    ("advertisement", "advertisement", _AD_WORDS),
    ("sponsored content", "advertisement", _AD_WORDS),
    ("story continues below", "advertisement", _AD_WORDS),
    ("article continues below", "advertisement", _AD_WORDS),
    ("continue reading", "advertisement", _AD_WORDS),
    ("copyright", "footer", _SHORT_LINE + 4),
    ("all rights reserved", "footer", _SHORT_LINE + 4),
    ("read more", "footer", _SHORT_LINE + 4),
    ("newsletter", "footer", _SHORT_LINE + 4),
    ("subscribe", "footer", _SHORT_LINE + 4),
    ("photo", "caption", _SHORT_LINE + 4),
)
_LONG_PHRASE = 12  # characters; longer phrases may carry one misreading in four letters
# Letter shapes OCR confuses, folded before fuzzy matching ("rnore" -> "more").
_OCR_FOLD = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"))
_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]\.)+$|\b(?:Inc|Ltd|Co|Corp|Jr|Sr|St|No)\.$")
_SENTENCE_END = re.compile(r"[a-z0-9%)\"'\u201d][.!?][\"'\u201d]?(?:\s|$)")


@dataclass(frozen=True)
class Labelled:
    """A piece and the label the rules gave it."""

    piece: Piece
    label: Label


def label_pieces(
    pieces: Sequence[Piece], *, head: bool, tail: bool, counts: LineCounts | None = None
) -> list[Labelled]:
    """Label every piece of one unmatched stretch.

    ``head``: nothing shared comes before the stretch; ``tail``: nothing after.
    """
    cut = _split_datelines(pieces)
    labels: list[Label | None] = [_by_pattern(piece) for piece in cut]
    _key_points(cut, labels)
    _captions(cut, labels)
    _continuations(cut, labels)
    _by_frequency(cut, labels, head=head, tail=tail, counts=counts)
    _by_position(cut, labels, head=head, tail=tail)
    return [Labelled(piece, label or "other") for piece, label in zip(cut, labels, strict=True)]


def label_line(raw: str, *, fuzzy: bool = True) -> Label | None:
    """What one whole raw line is by its own text alone (byline, caption, footer, ...), or None.

    The shape and vocabulary rules of :func:`label_pieces`, without the
    context a stretch gives (position, neighbouring lines, corpus counts).
    ``fuzzy=False`` skips trade words misread by OCR (the costly rule).
    """
    # whole=False: _by_pattern tries the fuzzy rule on whole pieces only
    piece = Piece(0, len(raw), raw, normalize(raw), 0, fuzzy, True, False, False, False, False)
    return _by_pattern(piece)


def _split_datelines(pieces: Sequence[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        found = _DATELINE.match(piece.raw) if piece.line_start else None
        if found and found.end() < len(piece.raw.rstrip()):
            out.extend(split_piece(piece, found.end()))
        else:
            out.append(piece)
    return out


def _by_pattern(piece: Piece) -> Label | None:
    """What the piece's own text says it is, or None."""
    raw, norm = piece.raw, piece.norm
    dateline = _DATELINE.match(raw) if piece.line_start else None
    if dateline and dateline.end() >= len(raw.rstrip()):
        return "dateline"
    if _byline(piece):
        return "byline"
    if _SIGNOFF.search(norm):
        return "byline"
    if piece.words <= _CAPTION_WORDS and (_CREDIT.search(raw) or _CAPTION_WORDS_RE.search(norm)):
        return "caption"
    if piece.words <= _FOOTER_WORDS and _FOOTER_STRONG.search(norm):
        return "footer"
    if piece.words <= _SHORT_LINE and _FOOTER_WEAK.search(norm):
        return "footer"
    if piece.words <= _AD_WORDS and (_AD_RE.match(norm) or "advertisement" in norm):
        return "advertisement"
    return _fuzzy(piece) if piece.whole else None


def _unbulleted(raw: str) -> str:
    return raw.lstrip(" \t-*+\u2022\u25aa\u25cf\u25e6\u2013\u2014")


def _byline(piece: Piece) -> bool:
    """A short line opening with "By" ("By Name, Outlet"), or its shape as OCR leaves it."""
    raw = _unbulleted(piece.raw)
    if piece.continues or piece.words > _SHORT_LINE + 2 or _ends_sentence(raw):
        return False
    if _BYLINE.match(raw):
        return True
    shape = _BYLINE_SHAPE.match(raw)
    if not shape or piece.words > _BYLINE_WORDS:
        return False
    return _distance(shape.group(1).lower(), "by", 1) <= 1


def _ocr_folded(text: str) -> str:
    for seen, meant in _OCR_FOLD:
        text = text.replace(seen, meant)
    return text


def _fuzzy(piece: Piece) -> Label | None:
    """A trade phrase misread by OCR, within one letter in four of it."""
    words = _ocr_folded(" ".join(re.findall(r"[^\W_]+", piece.norm))).split()
    for phrase, label, longest in _FUZZY:
        if piece.words > longest or (label == "advertisement" and piece.terminal):
            continue
        size = phrase.count(" ") + 1
        for start in range(len(words) - size + 1):
            window = " ".join(words[start : start + size])
            if window[:2] != phrase[:2] and window[-2:] != phrase[-2:]:
                continue  # cheap: a misreading rarely hits both ends
            allowed = len(phrase) // 4 if len(phrase) >= _LONG_PHRASE else 1
            if _distance(window, phrase, allowed) <= allowed:
                return label
    return None


def _key_points(pieces: Sequence[Piece], labels: list[Label | None]) -> None:
    """Lines of a key-points block (and runs of bullets outside one) are key points.

    Furniture a site dropped inside the block (an ad, a byline, a caption)
    keeps the label its own text gave it.
    """
    for k, piece in enumerate(pieces):
        bullet_text = piece.bullet and piece.words > _AD_WORDS
        if labels[k] in ("footer", "advertisement") and piece.key_points and bullet_text:
            labels[k] = "key_points"  # a bullet quoting the story, whatever words it has
        if labels[k] not in (None, "dateline"):
            continue
        dateline_prefix = labels[k] == "dateline" and not piece.whole
        in_block = piece.key_points and not dateline_prefix
        if in_block or (piece.bullet and _bullet_run(pieces, k)):
            labels[k] = "key_points"


def _bullet_run(pieces: Sequence[Piece], k: int) -> bool:
    """Two bullet lines in a row outside any header still make a block."""
    neighbours = [pieces[i] for i in (k - 1, k + 1) if 0 <= i < len(pieces)]
    return any(p.bullet and abs(p.line - pieces[k].line) <= 2 for p in neighbours)


def _captions(pieces: Sequence[Piece], labels: list[Label | None]) -> None:
    """The lines directly above a credit are its caption (and maybe a caption header)."""
    for k in range(len(pieces)):
        if labels[k] != "caption" or (k > 0 and labels[k - 1] == "caption"):
            continue
        credit_only = _credit_only(pieces[k])
        reach = 2 if credit_only else 1
        for back in range(1, reach + 1):
            i = k - back
            if i < 0 or labels[i] is not None or not _adjacent(pieces[i], pieces[i + 1]):
                break
            limit = _CAPTION_WORDS if (credit_only and back == 1) else _SHORT_LINE
            if pieces[i].words > limit or (limit == _SHORT_LINE and _ends_sentence(pieces[i].raw)):
                break
            labels[i] = "caption"


def _credit_only(piece: Piece) -> bool:
    """The line is a credit with no caption text of its own before it."""
    found = _CREDIT.search(piece.raw)
    return found is not None and len(piece.raw[: found.start()].split()) < 4


def _adjacent(upper: Piece, lower: Piece) -> bool:
    return lower.line == upper.line + 1 and not lower.blank_before


def _continuations(pieces: Sequence[Piece], labels: list[Label | None]) -> None:
    """A line wrapped from a labelled one shares its label."""
    for k in range(1, len(pieces)):
        previous, piece = pieces[k - 1], pieces[k]
        if labels[k] is not None or labels[k - 1] is None or not _adjacent(previous, piece):
            continue
        if piece.continues:
            labels[k] = labels[k - 1]


def _by_frequency(
    pieces: Sequence[Piece],
    labels: list[Label | None],
    *,
    head: bool,
    tail: bool,
    counts: LineCounts | None,
) -> None:
    """Short lines that recur across the corpus are furniture; where they sit says which.
    Not the wrapped end of a sentence, a line going on in lower case: "stock." ends many a
    wire sentence (it has the label of the line it continues, if any: ``_continuations``)."""
    if counts is None:
        return
    for k, piece in enumerate(pieces):
        if labels[k] is not None or not piece.whole or _sentence_goes_on(piece):
            continue
        if counts.is_boilerplate(piece.norm):
            labels[k] = "byline" if head else "footer" if tail else "advertisement"


def _sentence_goes_on(piece: Piece) -> bool:
    return piece.continues and piece.raw.lstrip()[:1].islower()


def _by_position(
    pieces: Sequence[Piece], labels: list[Label | None], *, head: bool, tail: bool
) -> None:
    """What is left is judged by where it sits: above, inside or below the shared story."""
    for k, piece in enumerate(pieces):
        if labels[k] is not None:
            continue
        if not piece.whole:
            labels[k] = "edited"
        elif head and not tail:
            labels[k] = "headline" if _headline(piece) else "edited"
        elif tail and not head:
            story = "truncated" in labels[:k] or _prose_below(pieces, labels, k)
            labels[k] = "truncated" if story else "footer"
        elif not head and not tail:
            labels[k] = "edited" if piece.terminal or piece.words > _AD_WORDS else "other"


def _headline(piece: Piece) -> bool:
    """Short, and not ending a sentence."""
    return piece.words <= _HEADLINE_WORDS and not _ends_sentence(piece.raw)


def _ends_sentence(raw: str) -> bool:
    """Ends with a full stop that is not an abbreviation's ("U.S.", "Inc.")."""
    raw = raw.rstrip()
    return raw.endswith(".") and not _ABBREVIATION_END.search(raw)


def _prose_below(pieces: Sequence[Piece], labels: list[Label | None], k: int) -> bool:
    """Unlabelled lines from ``k`` on, taken together, read as story text."""
    run = []
    for i in range(k, len(pieces)):
        if labels[i] not in (None, "truncated"):
            break
        run.append(pieces[i])
    words = sum(p.words for p in run)
    sentences = any(_SENTENCE_END.search(p.raw) for p in run)
    return words >= _PROSE_WORDS or (sentences and words > _AD_WORDS)


def change_label(words_a: Sequence[str], words_b: Sequence[str]) -> Label:
    """``ocr`` when the differing words are misspellings of each other, else ``edited``."""
    if len(words_a) == len(words_b):
        close = sum(misread(a, b) for a, b in zip(words_a, words_b, strict=True))
        return "ocr" if close * 2 > len(words_a) else "edited"
    return "ocr" if misread("".join(words_a), "".join(words_b)) else "edited"


def misread(a: str, b: str) -> bool:
    """Within one letter in four (and at least one) of each other, OCR's shapes folded."""
    a, b = _ocr_folded(a), _ocr_folded(b)
    bound = max(1, min(len(a), len(b)) // 4)
    return _distance(a, b, bound) <= bound


def _distance(a: str, b: str, bound: int | None = None) -> int:
    """Levenshtein distance (the words are short); above ``bound``, any value above it."""
    if bound is not None and abs(len(a) - len(b)) > bound:
        return bound + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if bound is not None and min(current) > bound:
            return bound + 1
        previous = current
    return previous[-1]
