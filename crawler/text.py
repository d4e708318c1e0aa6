"""Text normalisation applied to every string that enters edunews.

Vietnamese pages arrive as NFD copied from Word or macOS, as thousands of HTML entities from old editors, as UTF-8
that was read as Latin-1 and saved again, and with non-breaking and zero-width spaces between words. Everything we
store goes through :func:`clean_text` (one line) or :func:`clean_block` (keeps line breaks) so that equal words are
equal strings.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

import ftfy

from crawler import chars
from storage.fold import fold

# A Latin-1/cp1252 lead byte of a multi-byte UTF-8 sequence followed by a continuation byte shown as a character:
# 'GiÃ¡o dá»¥c' for 'Giáo dục'. Correct Vietnamese never puts these pairs side by side, so the check is cheap and
# keeps ftfy (which would otherwise cost ~0.5 ms per page) off clean text.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00c6\u00e1][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
# Entities left in text after HTML parsing: double-escaped '&amp;agrave;' or text fields taken from attributes.
_ENTITY_NAME = r"#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31}"
_ENTITY = re.compile(rf"&(?:{_ENTITY_NAME});")
# Characters that are in the text and not on the screen: zero-width spaces and joiners, BOMs, soft hyphens.
INVISIBLE = re.compile(f"[{chars.INVISIBLE}]")
_SPACES = re.compile(f"[ \t{chars.SPACES}]+")
_NEWLINES = re.compile(r"\s*\n\s*")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Latin-1 or cp1252 (double encoding), when the text shows its marks."""
    if not _MOJIBAKE.search(text):
        return text
    return ftfy.fix_encoding(text)


def unescape_entities(text: str) -> str:
    """Decode HTML entities that survived parsing ('H&agrave;n', '&#7879;'), repeatedly for double escaping."""
    for _ in range(3):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return text


# In HTML source an entity may be escaped again ('&amp;agrave;' shows as '&agrave;' on the page): the old editors'
# double escaping. Only the characters that are not markup are decoded there: '&lt;' stays '&lt;', or an escaped
# attribute value ('innerhtml="&lt;p&gt;…"') would turn into real markup.
_SOURCE_ENTITY = re.compile(rf"&((?:amp;)*)({_ENTITY_NAME});")
_MARKUP_CHARS = frozenset("<>&\"'")


def _decode_source_entity(match: re.Match[str]) -> str:
    entity = f"&{match.group(2)};"
    char = html.unescape(entity)
    if char == entity or char in _MARKUP_CHARS:
        return entity if match.group(1) else match.group(0)
    return char


def normalise_source(markup: str) -> str:
    """:func:`normalise` for HTML source: entities decoded to characters except the markup-significant ones."""
    if "&" in markup:
        markup = _SOURCE_ENTITY.sub(_decode_source_entity, markup)
    return nfc(repair_mojibake(markup))


def nfc(text: str) -> str:
    """Unicode NFC; the cheap check first because almost all text already is."""
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def normalise(text: str) -> str:
    """Repair encoding, decode entities and compose to NFC, keeping all whitespace as it is."""
    return nfc(unescape_entities(repair_mojibake(text)))


def clean_text(text: str | None) -> str | None:
    """One line of normalised text: whitespace collapsed and trimmed; None when nothing is left."""
    if text is None:
        return None
    return _clean_line(text)


# The extractors and steps ask for the text of the same elements again and again (the body's blocks in
# boilerplate, captions, author and paragraph passes): four calls in five repeat an earlier string. The
# result depends on the string alone, so recent ones are remembered; 512 strings bound the memory.
@functools.lru_cache(maxsize=512)
def _clean_line(text: str) -> str | None:
    text = INVISIBLE.sub("", normalise(text))
    text = " ".join(text.split())
    return text or None


def clean_block(text: str | None) -> str | None:
    """Normalised multi-line text: spaces collapsed within lines, at most one blank line between paragraphs."""
    if text is None:
        return None
    text = INVISIBLE.sub("", normalise(text))
    text = _SPACES.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = [_NEWLINES.sub("\n", p).strip() for p in re.split(r"\n\s*\n", text)]
    text = "\n\n".join(p for p in paragraphs if p)
    return text or None


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def fold_diacritics(text: str) -> str:
    """Lower-case ASCII skeleton of Vietnamese text ('Đào tạo' -> 'dao tao') for matching and keys: the archive's
    search fold (storage.fold), lower-cased."""
    return fold(text).lower()


def strip_tone_marks(text: str) -> str:
    """Remove only tone marks (keeping ă â ê ô ơ ư đ), for matching labels typed with or without tones."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))


def word_count(text: str | None) -> int:
    """Words as a reader counts them: runs separated by whitespace."""
    return len(text.split()) if text else 0
