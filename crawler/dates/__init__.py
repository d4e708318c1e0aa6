"""Reading the dates of Vietnamese education news, as a date or a datetime in Vietnam time.

Public API
----------
- :func:`parse_datetime` reads the first date expression in a text: 'Thứ Hai, 18/07/2022 08:30',
  'Ngày 18 tháng 7 năm 2022', '8h30 ngày 18/7', 'Vào lúc 8 giờ 30 phút, thứ Hai, ngày 13 tháng 5 năm
  2024', 'Tháng Bảy 18, 2022', 'Th5 15, 2024', '15 thg 5, 2024', 'May 15, 2024', ISO 8601 and RFC 822
  from meta tags, datelines without a year ('Sáng 18/7'), relative forms ('2 giờ trước', 'hôm qua'),
  ranges and lists of days ('từ ngày 15 đến 17/5', 'các ngày 15, 16 và 17/5': the first day). It
  gives a `date` when no time of day is stated, an aware `datetime` in Asia/Ho_Chi_Minh when one
  is, and None when the text holds no date. Year-less and relative forms need `ref` (the listing
  date, the page's structured date, the crawl time): they take the year that puts the date nearest
  to it, and without a ref they give None. One date per text, because its readers want one: the
  publication date of a page and the dateline of its body; the other days of an event stay text.
- :func:`find_dateline` finds the dateline that opens an article body ('(GLO)- Sáng 18/7,').
- :func:`to_iso` writes what we store: 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM:SS+07:00'.
- :func:`date_from_url` reads the unambiguous dates of URLs ('/2022/07/18/', '-20220718').
- :func:`pick_published` chooses an article's publication date among the candidates of a page.

Choosing the publication date
-----------------------------
Candidates are tried in this order of sources; the first that reads as a plausible date wins:

1. ``jsonld``   -- JSON-LD ``datePublished``
2. ``meta``     -- ``article:published_time`` and similar meta tags
3. ``time``     -- ``<time datetime=...>`` in the article
4. ``page``     -- the date element of the site's CMS family
5. ``listing``  -- the date the listing page showed next to the link
6. ``dateline`` -- the body's dateline ('Sáng 18/7,'); it has no year of its own, so it is read
   against the value of the best candidate of the other sources (its own ref when there is none)
7. ``url``      -- a date in the URL

Other source names rank after these. A candidate without a ref is read against `now` when `now`
is given. A value later than now + 1 day or earlier than 1995-01-01 is rejected. When the winner
is a date only and a lower-ranked candidate on the same day states a clock time, the day is kept
and the time taken from it (a time is never invented). When the winner is a machine-readable time
(``jsonld``, ``meta``, ``time``) and the page shows a clock time less than an hour from it, the shown
time is taken: CMSs fill those tags with a save or server time minutes off the one readers see (an
hour or more apart, the page shows something else, such as an update). `DateChoice.disagreements`
counts the other plausible candidates more than one calendar day away from the chosen value.

Speed: a text is cleaned only as far as it needs (:mod:`crawler.dates.text`), then a fast path reads
a text that is one whole date, or a sentence whose first number (after a document's own, '1234/QĐ') is an announced
date (:mod:`crawler.dates.fast`;
the common date lines and datelines in two or three microseconds), then the scanner's pre-compiled patterns read the
rest (:mod:`crawler.dates.scan`), all from the pieces of :mod:`crawler.dates.words`. Nothing
is cached per text: every call parses. `bench/dates.py` measures it against dateparser. `dateparser`
is imported only inside the last fallback (:mod:`crawler.dates.fallback`), for English month names
that no pattern read, and its answer is kept only when the text states that day, month and year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

# The readers that share a submodule's name are imported under other names, so that
# crawler.dates.scan, .resolve and .fallback stay the submodules.
from crawler.dates.dateline import dateline_span
from crawler.dates.fallback import fallback as _fallback
from crawler.dates.fast import NOT_WHOLE, WHOLE_ENDS, WHOLE_LENGTH, sentence, whole
from crawler.dates.resolve import resolve as _resolve
from crawler.dates.scan import scan as _scan
from crawler.dates.text import clean, clean_mapped, source_span
from crawler.dates.words import TZ

__all__ = [
    "TZ",
    "DateCandidate",
    "DateChoice",
    "Dateline",
    "SOURCE_ORDER",
    "date_from_url",
    "find_dateline",
    "parse_datetime",
    "pick_published",
    "to_iso",
]

SOURCE_ORDER = ("jsonld", "meta", "time", "page", "listing", "dateline", "url")
EARLIEST = date(1995, 1, 1)
_HEAD = 1000  # characters of an article body searched for its dateline


@dataclass(frozen=True)
class Dateline:
    """The dateline at the head of an article body; text is text[start:end] of the input."""

    text: str
    day: int
    month: int
    year: int | None
    hour: int | None
    minute: int | None
    start: int
    end: int


@dataclass(frozen=True)
class DateCandidate:
    """A date a page offers: its source, its raw text, the ref that resolves year-less forms."""

    source: str
    raw: str
    ref: date | datetime | None = None


@dataclass(frozen=True)
class DateChoice:
    """The chosen date, the raw text and source it came from, and how many others disagree."""

    value: date | datetime
    raw: str
    source: str
    disagreements: int


def _scanned(cleaned: str, ref: date | datetime | None) -> date | datetime | None:
    """The scanner's reading of clean text, then dateparser's for what no pattern reads."""
    found = _scan(cleaned)
    if found is None:
        return _fallback(cleaned, ref)
    return _resolve(found, ref)


def _read(text: str, ref: date | datetime | None, fast: bool = True) -> date | datetime | None:
    """parse_datetime without its guard; fast=False skips the fast path (tests compare both)."""
    cleaned = clean(text)
    if fast:
        value = whole(cleaned, ref)
        if value is NOT_WHOLE:
            value = sentence(cleaned, ref)
        if value is not NOT_WHOLE:
            return value  # type: ignore[return-value]
    return _scanned(cleaned, ref)


# How a text whole() may read ends: WHOLE_ENDS or a space, ASCII ones in one set test; or it starts with a year.
_WHOLE_LAST = WHOLE_ENDS | frozenset(c for c in map(chr, range(128)) if c.isspace())
_DIGITS = frozenset("0123456789")


def parse_datetime(text: str, ref: date | datetime | None = None) -> date | datetime | None:
    """The first date in text; a `date`, an aware Vietnam-time `datetime`, or None. Never raises."""
    if not isinstance(text, str) or not text:
        return None
    try:
        # _read written out: one call less on the path most dates take, and none of whole() for a sentence, which
        # it would send back at once: it reads only short texts that end as a date line does or start with a year.
        cleaned = clean(text)
        if len(cleaned) <= WHOLE_LENGTH:
            last = cleaned[-1:]
            if (
                last in _WHOLE_LAST
                or last > "\x7f" and last.isspace()
                or cleaned[:1] in _DIGITS and cleaned[:4].isdigit()
            ):
                value = whole(cleaned, ref)
                if value is not NOT_WHOLE:
                    return value  # type: ignore[return-value]
        value = sentence(cleaned, ref)
        return _scanned(cleaned, ref) if value is NOT_WHOLE else value  # type: ignore[return-value]
    except Exception:  # a date must not stop a crawl; fuzz tests call _read to see real errors
        return None


def find_dateline(text: str) -> Dateline | None:
    """The dateline at the head of an article body, after an optional agency prefix, or None."""
    if not isinstance(text, str) or not text:
        return None
    try:
        head, starts, ends = clean_mapped(text[:_HEAD])
        span = dateline_span(head)
    except Exception:
        return None
    if span is None:
        return None
    start, end, found = span
    start, end = source_span(start, end, starts, ends)
    return Dateline(
        text=text[start:end],
        day=found.day,
        month=found.month,
        year=found.year,
        hour=found.hour,
        minute=None if found.hour is None else found.minute,
        start=start,
        end=end,
    )


def to_iso(value: date | datetime) -> str:
    """'YYYY-MM-DD' for a date; 'YYYY-MM-DDTHH:MM:SS+07:00' for a datetime (naive: Vietnam time)."""
    if isinstance(value, datetime):
        local = value.astimezone(TZ) if value.tzinfo is not None else value.replace(tzinfo=TZ)
        return local.isoformat(timespec="seconds")
    return value.isoformat()


_URL_PATH_DATE = re.compile(r"/((?:19|20|21)[0-9]{2})/([0-9]{1,2})/([0-9]{1,2})(?![0-9])")
_URL_ISO_DATE = re.compile(r"(?<![0-9])((?:19|20|21)[0-9]{2})-([0-9]{2})-([0-9]{2})(?![0-9])")
_URL_COMPACT_DATE = re.compile(r"(?<![0-9])((?:19|20|21)[0-9]{2})([0-9]{2})([0-9]{2})(?![0-9])")


def date_from_url(url: str) -> date | None:
    """A date the URL's path or query states unambiguously, or None.

    Path segments /yyyy/mm/dd, yyyy-mm-dd and 8-digit yyyymmdd runs, years 1995-2100 only;
    '/2022/07/' (no day), 'ddmmyyyy' and digit runs of other lengths are not dates.
    """
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    where = parts.path + ("?" + parts.query if parts.query else "")
    hits = []
    for pattern in (_URL_PATH_DATE, _URL_ISO_DATE, _URL_COMPACT_DATE):
        for match in pattern.finditer(where):
            year, month, day = (int(g) for g in match.groups())
            if not 1995 <= year <= 2100:
                continue
            try:
                hits.append((match.start(), date(year, month, day)))
            except ValueError:
                continue
            break
    return min(hits)[1] if hits else None


# --- choosing the publication date ---------------------------------------------------------------


def _rank(source: str) -> int:
    try:
        return SOURCE_ORDER.index(source)
    except ValueError:
        return len(SOURCE_ORDER)


def _moment(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(TZ) if value.tzinfo is not None else value.replace(tzinfo=TZ)
    return datetime.combine(value, time(), tzinfo=TZ)


def _day(value: date | datetime) -> date:
    return _moment(value).date() if isinstance(value, datetime) else value


_MACHINE_READABLE = frozenset(("jsonld", "meta", "time"))
_SHOWN_TIME_DRIFT = timedelta(hours=1)


def pick_published(
    candidates: Sequence[DateCandidate], now: datetime | None = None
) -> DateChoice | None:
    """The publication date among a page's candidates, by the order of sources in the module doc."""
    latest = (_moment(now) if isinstance(now, date) else datetime.now(TZ)) + timedelta(days=1)
    earliest = datetime.combine(EARLIEST, time(), tzinfo=TZ)
    default_ref = now if isinstance(now, date) else None
    ranked = sorted(enumerate(candidates), key=lambda pair: (_rank(pair[1].source), pair[0]))

    def plausible(candidate: DateCandidate, ref: date | datetime | None) -> date | datetime | None:
        value = parse_datetime(candidate.raw, ref)
        if value is None or not earliest <= _moment(value) <= latest:
            return None
        return value

    read: list[tuple[DateCandidate, date | datetime]] = []
    for _, candidate in ranked:
        if candidate.source != "dateline":
            ref = candidate.ref if candidate.ref is not None else default_ref
            value = plausible(candidate, ref)
            if value is not None:
                read.append((candidate, value))
    anchor = read[0][1] if read else None
    for _, candidate in ranked:
        if candidate.source == "dateline":
            ref = anchor if anchor is not None else candidate.ref
            value = plausible(candidate, ref if ref is not None else default_ref)
            if value is not None:
                read.append((candidate, value))
    if not read:
        return None
    read.sort(key=lambda pair: _rank(pair[0].source))  # stable: datelines slot in before urls
    chosen, value = read[0]
    if isinstance(value, datetime) and chosen.source in _MACHINE_READABLE:
        shown = next(
            (pair for pair in read[1:] if pair[0].source == "page" and isinstance(pair[1], datetime)
             and abs(_moment(pair[1]) - _moment(value)) < _SHOWN_TIME_DRIFT),
            None,
        )
        if shown is not None:
            chosen, value = shown[0], _moment(shown[1])
    if not isinstance(value, datetime):
        for _, other in read[1:]:
            if isinstance(other, datetime) and _day(other) == value:
                value = _moment(other)  # same day, and this one knows the time
                break
    day = _day(value)
    disagreements = sum(1 for _, other in read[1:] if abs((_day(other) - day).days) > 1)
    return DateChoice(value, chosen.raw, chosen.source, disagreements)
