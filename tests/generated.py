"""Small news-like corpora made on the spot: stories, copies, repeats, quotes, running stories.

Deterministic for a seed; no data files. Copies are made the ways republished news
differs (a headline or footer added, sentences cut, words swapped), so a corpus of a
few hundred documents has clusters of several sizes, chains and singletons.
"""

from __future__ import annotations

import random
from typing import Any

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "zu", "pe", "da", "gi", "ho", "ja"]


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _sentence(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(8, 16))).capitalize() + "."


def _copy(rng: random.Random, sentences: list[str], words: list[str]) -> str:
    kept = list(sentences)
    if rng.random() < 0.5:  # abridged
        kept = kept[: max(3, int(len(kept) * rng.uniform(0.6, 0.95)))]
    if rng.random() < 0.4 and len(kept) > 4:  # a sentence dropped
        del kept[rng.randrange(len(kept))]
    if rng.random() < 0.5:  # a word swapped
        i = rng.randrange(len(kept))
        parts = kept[i].split()
        parts[rng.randrange(len(parts))] = rng.choice(words)
        kept[i] = " ".join(parts)
    if rng.random() < 0.5:
        kept.insert(0, "BREAKING " + _sentence(rng, words).upper())
    if rng.random() < 0.5:
        kept.append("Copyright " + _sentence(rng, words))
    return "\n".join(kept)


def news_like(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """``count`` records ``{"id", "text", "date"}``, copies spread among their stories."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    stories: list[list[str]] = []
    docs: list[str] = []
    chain: list[str] = []
    while len(docs) < count:
        roll = rng.random()
        if roll < 0.08:  # a running story: each update repeats the last one's second half
            chain = chain[len(chain) // 2 :] + [_sentence(rng, words) for _ in range(3)]
            docs.append("\n".join(chain))
        elif not stories or roll < 0.45:
            story = [_sentence(rng, words) for _ in range(rng.randint(6, 14))]
            stories.append(story)
            docs.append("\n".join(story))
        elif roll < 0.85:
            docs.append(_copy(rng, rng.choice(stories), words))
        elif roll < 0.92:
            docs.append(rng.choice(docs))  # an exact repeat
        else:  # a new story quoting one sentence of another
            own = [_sentence(rng, words) for _ in range(rng.randint(6, 10))]
            own.insert(len(own) // 2, rng.choice(rng.choice(stories)))
            docs.append("\n".join(own))
    return [
        {"id": f"doc-{i:05d}", "text": text, "date": f"2025-01-{1 + rng.randrange(28):02d}"}
        for i, text in enumerate(docs)
    ]


# Templated reports: one wire template, the facts (names and figures) filled in.
REPORT_FACTS = {
    "westfield": (
        "Westfield Mills Inc",
        "12.4",
        "86",
        "9.7",
        "68",
        "214.6",
        "187.3",
        "18",
        "30",
        "12",
    ),
    "harbour": (
        "Harbour Line Foods Corp",
        "31.8",
        "142",
        "27.5",
        "123",
        "562.9",
        "498.1",
        "35",
        "15",
        "26",
    ),
}


def earnings_report(
    company: str,
    profit: str,
    eps: str,
    before: str,
    eps_before: str,
    revenue: str,
    revenue_before: str,
    dividend: str,
    pay_day: str,
    record_day: str,
) -> str:
    """A quarterly earnings report as a wire service writes hundreds of them."""
    return (
        f"{company} said first quarter net profit rose to {profit} mln dlrs, or {eps} cts a "
        f"share, from {before} mln dlrs, or {eps_before} cts, a year earlier. Revenue rose to "
        f"{revenue} mln dlrs from {revenue_before} mln. The company said it expects second "
        "quarter results to be in line with analysts' forecasts, and that its board declared a "
        f"quarterly dividend of {dividend} cts a share, payable June {pay_day} to holders of "
        f"record June {record_day}."
    )


def scanned_copy(report: str) -> str:
    """``report`` reprinted and OCR'd: a headline, a photo caption and a footer added,
    letters misread (l/1, e/c, o/0, i/l) and one figure garbled (9.7 read as 9.1)."""
    misread = {
        "Mills": "Mi1ls",
        "profit": "proflt",
        "share": "sharc",
        "forecasts": "f0recasts",
        "214.6": "2l4.6",
        "9.7": "9.1",
        "quarterly": "quartcrly",
        "holders": "ho1ders",
        "expects": "cxpects",
        "results": "resu1ts",
    }
    for word, scanned in misread.items():
        report = report.replace(word, scanned)
    return (
        "Westfield Mills Profit Rises\n\n"
        + report
        + "\n\nA file photo of the Westfield plant. JOHN MILLER/Valley Post"
        + "\n\nCopyright 2024 Valley Post. All rights reserved."
    )


def filler(count: int) -> str:
    """``count`` distinct words of letters only (no figures), e.g. to make a text long."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return " ".join("".join(letters[i // 26**k % 26] for k in range(3)) + "x" for i in range(count))


def _facts(rng: random.Random, words: list[str]) -> list[str]:
    def amount() -> str:
        return f"{rng.randint(2, 900)}.{rng.randint(0, 9)}"

    company = " ".join(rng.choice(words).capitalize() for _ in range(2)) + " Inc"
    days = [str(rng.randint(1, 28)) for _ in range(2)]
    cents = [str(rng.randint(10, 300)) for _ in range(3)]
    return [company, amount(), cents[0], amount(), cents[1], amount(), amount(), cents[2], *days]


def reports_like(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """``count`` records ``{"id", "text", "date"}`` of templated earnings reports: reports of
    other companies and figures, their scanned copies, restatements with a figure or
    several changed, and roundups holding a report among other news."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    facts: list[list[str]] = []
    docs: list[str] = []
    while len(docs) < count:
        roll = rng.random()
        if not facts or roll < 0.4:
            facts.append(_facts(rng, words))
            docs.append(earnings_report(*facts[-1]))
        elif roll < 0.6:
            docs.append(scanned_copy(earnings_report(*rng.choice(facts))))
        elif roll < 0.85:
            restated = list(rng.choice(facts))
            fresh = _facts(rng, words)
            for slot in rng.sample(range(1, 10), rng.randint(1, 6)):
                restated[slot] = fresh[slot]
            docs.append(earnings_report(*restated))
        else:
            news = " ".join(_sentence(rng, words) for _ in range(rng.randint(5, 30)))
            docs.append(earnings_report(*rng.choice(facts)) + "\n" + news)
    return [
        {"id": f"rep-{i:05d}", "text": text, "date": f"2025-02-{1 + rng.randrange(28):02d}"}
        for i, text in enumerate(docs)
    ]


_BOND_ISSUE = (
    "{issuer} is issuing a 100 mln dlr eurobond due June 30, 1992 paying 8-1/4 pct and priced "
    "at {price} pct, lead manager {manager} said. The bond is available in denominations of "
    "5,000 dlrs and will be listed in {listing}. The issue is guaranteed by {guarantor} and "
    "payment date is June 30."
)


def bond_issues() -> tuple[str, str, str]:
    """Two launches written from one template (other issuer, manager, listing, guarantor:
    names of other lengths; the figures but one alike) and a scan of the first, whose
    misread letters change no word's place."""
    first = _BOND_ISSUE.format(
        issuer="Northwind Trading Corp",
        price="101-1/8",
        manager="Nomura International Ltd",
        listing="Luxembourg",
        guarantor="its parent",
    )
    second = _BOND_ISSUE.format(
        issuer="Banca Popolare di Sondrio",
        price="100-3/4",
        manager="Deutsche Bank Capital Markets Ltd",
        listing="Frankfurt am Main",
        guarantor="the Kingdom of Sweden",
    )
    scanned = first
    for right, wrong in (("issuing", "issuinq"), ("manager", "rnanager"), ("listed", "1isted")):
        scanned = scanned.replace(right, wrong)
    return first, second, scanned


_NOTICE = (
    "Directors of the {} Savings Bank declared a quarterly dividend of {} cts a share, "
    "payable on {} to holders of record, the bank said in a statement it issued today. "
    "The bank said the dividend reflects the steady growth in deposits reported this year "
    "and its directors expect to review the payout again at the annual meeting."
)


def dividend_notices() -> tuple[str, str, str]:
    """Two banks' dividends of one template (another name and payment date, the words
    around them alike; too few figures for the figure check), the first with its outlet's
    footer, and a copy of the first from another outlet: a word swapped for a synonym,
    another year in its footer."""
    footer = " Copyright Metro Wire {}. All rights reserved."
    first = _NOTICE.format("Harbor", "15", "April 17")
    other = _NOTICE.format("Lakeside", "15", "May 29")
    copy = first.replace("steady", "solid") + footer.format(2024)
    return first + footer.format(2019), other, copy


_RATE_NOTICE = (
    "The central bank entered the money market to arrange overnight repurchase agreements, a "
    "spokesman said. Dealers said the interbank rate was trading at {} pct when the bank began "
    "its operation, with {} in reserves expected to be added over the week."
)


def rate_notices() -> tuple[str, str]:
    """One market notice on two days: the quoted rate differs in its fraction only
    ("6-1/2" / "6-1/4", one number whose first words both texts hold) and the reserves in
    words, so only the rate's number tells the days apart."""
    return (
        _RATE_NOTICE.format("6-1/2", "two billion dlrs"),
        _RATE_NOTICE.format("6-1/4", "a modest amount"),
    )


_EARNINGS_TABLE = (
    "Qtr ended March 31 Shr 41 cts vs 29 cts Net 3,418,207 vs 2,395,116 Sales {} mln vs "
    "51.2 mln Avg shrs 8,340,112 vs 8,262,907 Nine mths Shr 1.12 dlrs vs 86 cts Net "
    "9,340,552 vs 7,108,331 Sales {} mln vs 149.6 mln NOTE: results restated for a "
    "two-for-one split."
)


def earnings_tables() -> tuple[str, str, str]:
    """A company's quarterly table, the same table posted again with two sales figures
    corrected (every other figure kept) and a note saying so, and another company's table
    of the same form."""
    first = _EARNINGS_TABLE.format("63.4", "178.9")
    corrected = _EARNINGS_TABLE.format("63.8", "179.3").replace(
        "results restated for a two-for-one split", "the company corrects its sales as reported"
    )
    other = (
        _EARNINGS_TABLE.replace("3,418,207", "1,207,554")
        .replace("2,395,116", "1,993,407")
        .replace("8,340,112", "4,118,020")
        .replace("9,340,552", "3,871,260")
        .format("22.7", "61.5")
    )
    return first, corrected, other


_NUMBERED_BOND = (
    "The Kingdom of {} is issuing a {} mln dlr eurobond due {} paying {} pct and priced at {} "
    "pct, lead manager Nomura International Ltd said. The non-callable bond is available in "
    "denominations of 5,000 dlrs and will be listed in Luxembourg. The selling concession is "
    "1-3/8 pct while management and underwriting combined pays 5/8 pct. Payment is due on the "
    "closing date, the manager said."
)


def numbered_bonds() -> tuple[str, str, str]:
    """Two launches of one template alike but for the issuer and their numbers (amount,
    date, coupon, price: 4 of the 7 of either), and an OCR'd scan of the first whose
    misread words sit next to its numbers."""
    sweden = _NUMBERED_BOND.format("Sweden", "100", "April 2, 1992", "7-1/4", "101-1/8")
    norway = _NUMBERED_BOND.format("Norway", "150", "March 9, 1994", "8-3/8", "101-5/8")
    scan = sweden.replace("issuing", "lssuing").replace("paying", "payinq").replace(" due", " dve")
    return sweden, norway, scan


# Two texts of 30 word 3-grams each, with repeated ones: aligned A against B the chain of
# shared shingles meets two rewrites, B against A one (see neardup.passages.smaller_first).
ONE_SIZE_REPEATS = (
    "uniform uniform echo maka zulu sierra oscar november bravo charlie zulu xray whiskey "
    "sierra juliet zulu xray whiskey sierra foxtrot romeo kilo make maki delta november "
    "tango delta november tango tango juliet tango juliet delta",
    "uniform uniform uniform uniform echo zulu echo mako maku mala male mali zulu sierra "
    "oscar november bravo charlie zulu xray whiskey sierra juliet foxtrot romeo kilo malo "
    "delta november tango tango juliet delta",
)


def quoted_story(seed: int = 3) -> tuple[str, str, str]:
    """An article of five paragraphs; a story that quotes it from its second paragraph on,
    then goes on for 120 words of its own; and an abridged copy of it topped with a
    headline, a byline and a caption (short lines), blank lines between paragraphs."""
    rng = random.Random(seed)
    words = _vocabulary(rng)

    def paragraph(count: int) -> str:
        return " ".join(rng.choice(words) for _ in range(count)).capitalize() + "."

    lede, *body = [paragraph(30) for _ in range(5)]
    own = [paragraph(40) for _ in range(3)]
    original = "\n\n".join([lede, *body])
    quoter = "\n\n".join([*body, *own])
    short_lines = [  # 23 words, none a paragraph of prose
        "Harbour Authority Sets Date For New Ferry Terminal",
        "By A Staff Reporter",
        "Photo: the ferry terminal under construction last month. Image: Harbour Authority",
    ]
    copy = "\n\n".join([*short_lines, lede, body[0]])
    return original, quoter, copy


def _random_words(count: int, seed: int) -> str:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return " ".join(
        "".join(rng.choice(letters) for _ in range(rng.randint(3, 8))) for _ in range(count)
    )


def quoted_report() -> list[str]:
    """A report, two copies of it, an abridged copy holding its opening paragraph, and a
    longer story that opens with that paragraph (the last: the longest text)."""
    opening, rest = _random_words(40, 1) + ".", _random_words(80, 2) + "."
    report = f"{opening}\n\n{rest}"
    return [
        report,
        f"{_random_words(6, 3)}\n\n{report}",  # a copy under its own headline
        f"{report}\n\n{_random_words(20, 4)}",  # a copy with a footer
        opening,  # abridged to the opening
        f"{opening}\n\n{_random_words(200, 5)}.",  # a story that quotes it
    ]
