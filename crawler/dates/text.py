"""Text clean-up for the date reader: entities, NFC, invisible characters, odd dashes and spaces.

Kept apart from :mod:`crawler.text` so that reading a date costs a few string checks and no heavier
import. :func:`clean_mapped` also keeps, for each character of the cleaned text, the span of the
input it came from, so that a match in clean text can be told as offsets into the caller's text.
"""

from __future__ import annotations

import html
import re
import unicodedata

from crawler.chars import INVISIBLE, SPACES

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SLASHES = "\u2044\u2215\uff0f"

# One character in, at most one out: the offsets of the other characters do not move.
_TABLE: dict[int, str | None] = {ord(c): None for c in INVISIBLE}
_TABLE.update({ord(c): "-" for c in _DASHES})
_TABLE.update({ord(c): "/" for c in _SLASHES})
_TABLE.update({ord(c): " " for c in SPACES})
_ODD = re.compile("[" + "".join(chr(k) for k in _TABLE) + "]")
# The characters Vietnamese text is made of that clean() leaves alone: ASCII and the C1 controls; Latin-1's signs and
# letters from U+00AE on (U+00A0 no-break space and U+00AD soft hyphen are odd); Latin Extended-A and -B and the
# spacing modifier letters; the Vietnamese letters of Latin Extended Additional; curly quotes and the ellipsis. Each
# is NFC alone, with combining class 0, and no two of them compose (tests/test_dates.py checks both against this
# Python's Unicode data), so a text of these only is NFC and holds no odd character.
USUAL = "\x00-\x9f\u00ae-\u02ff\u1ea0-\u1ef9\u2018-\u201f\u2026"
_UNUSUAL = re.compile("[^" + USUAL + "]")
# A text of usual characters only, in one match: the regex engine runs through a possessive class faster than it
# searches for a character outside it (about 2 ns a character, against 3.4).
_ALL_USUAL = re.compile("[" + USUAL + "]*+")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# An entity, or one base character with the combining marks that follow it (NFD Vietnamese).
_TOKEN = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|.[\u0300-\u036f]*", re.S
)


def clean(text: str) -> str:
    """Entities decoded (even double-escaped), NFC, no invisible characters, plain dashes."""
    if "&" in text and ";" in text:  # 'Sở GD&ĐT' holds no entity
        for _ in range(3):
            if "&" not in text or ";" not in text or not _ENTITY.search(text):  # 'GD&ĐT' is no entity
                break
            # '&amp;' alone, the commonest, is what html.unescape makes of it, at a tenth of the cost
            text = text.replace("&amp;", "&") if text.count("&") == text.count("&amp;") else html.unescape(text)
    if text.isascii():
        return text  # the common meta-tag case: nothing more to do
    # Each step only when needed: most Vietnamese text is made of USUAL characters only, so it is NFC already and
    # holds no odd character; one match tells, where the two checks below would read the text twice.
    if _ALL_USUAL.fullmatch(text):
        return text
    at = _UNUSUAL.search(text).start()  # type: ignore[union-attr]  # there is one: the match failed
    # The usual characters before it are starters that compose with nothing but what follows them: from the
    # last of them on, the text is NFC if the whole of it is.
    if not unicodedata.is_normalized("NFC", text[at - 1 :] if at else text):
        text = unicodedata.normalize("NFC", text)
        at = 0
    odd = _ODD.search(text, at)
    while odd is not None:  # each odd character replaced everywhere at once: cheaper than translate()
        char = odd.group()
        text = text.replace(char, _TABLE[ord(char)] or "")
        odd = _ODD.search(text, odd.start())
    return text


def clean_mapped(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """Cleaned text with, per character, the start and end offsets of its source in `text`.

    Both lists are None when the text was already clean (the offsets are the same). Entities are
    decoded once here: a double-escaped one stays half-decoded, which only costs a dateline in such
    rare text.
    """
    if (
        "&" not in text
        and (text.isascii() or unicodedata.is_normalized("NFC", text))
        and not _ODD.search(text)
    ):
        return text, None, None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if len(token) == 1:
            piece = token
        elif token[0] == "&" and token[-1] == ";":
            piece = html.unescape(token)
        else:
            piece = unicodedata.normalize("NFC", token)
        piece = piece.translate(_TABLE)
        for char in piece:
            out.append(char)
            starts.append(match.start())
            ends.append(match.end())
    return "".join(out), starts, ends


def source_span(
    start: int, end: int, starts: list[int] | None, ends: list[int] | None
) -> tuple[int, int]:
    """The span of the original text behind clean[start:end] (see :func:`clean_mapped`)."""
    if starts is None or ends is None or end <= start:
        return start, end
    return starts[start], ends[end - 1]
