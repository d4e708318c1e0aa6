"""The last resort of the date reader: dateparser, for English month names in shapes we do not read.

dateparser is imported here, lazily, on the first call that needs it (its import is heavy and a call
costs about a millisecond). It is called only when the text names an English month and holds a
four-digit year, and its answer is kept only when the text itself states that year, and that day as
a free number next to that month's name: dateparser fills missing parts in from its base date, and a
date that the text does not state must never come out of this module.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from crawler.dates.resolve import reference
from crawler.dates.words import EN_MONTHS, FLAGS, MAX_YEAR, MIN_YEAR, MONTH_EN, TZ

_SIGNAL = re.compile(r"(?<!\w)" + MONTH_EN, FLAGS)
_YEAR = re.compile(r"(?<![0-9])(?:19|20|21)[0-9]{2}(?![0-9])")
_CLOCK = re.compile(r"[0-9]{1,2}\s*(?::[0-9]{2}|[ap]\.?m\.?(?!\w))", re.IGNORECASE)
# A date line, not an article: on long text dateparser is slow and finds stray numbers.
_MAX_LENGTH = 120


def _states(text: str, value: date) -> bool:
    """Whether text states value's year, and its day as a free number next to its month's name."""
    if str(value.year) not in _YEAR.findall(text):
        return False
    day = re.compile(rf"(?<![0-9./,:-])0?{value.day}(?:st|nd|rd|th)?(?![0-9])", re.IGNORECASE)
    for month in _SIGNAL.finditer(text):
        if EN_MONTHS.get(month.group().lower().rstrip(".")[:3]) != value.month:
            continue
        # 'July 18', '18th of July', '18-Jul', 'July, 18th': the day within a few characters
        if day.search(text, max(0, month.start() - 10), month.end() + 10):
            return True
    return False


def fallback(text: str, ref: object = None) -> date | datetime | None:
    """dateparser's reading of text when it carries the signals above and states what it returns."""
    if len(text) > _MAX_LENGTH or not _YEAR.search(text) or not _SIGNAL.search(text):
        return None
    import dateparser  # lazy: `import crawler.dates` must stay light

    _, moment = reference(ref)
    settings: dict[str, Any] = {"REQUIRE_PARTS": ["day", "month", "year"]}
    if moment is not None:
        settings["RELATIVE_BASE"] = moment.replace(tzinfo=None)
    try:
        value = dateparser.parse(text, languages=["en", "vi"], settings=settings)
    except Exception:  # dateparser raises on some odd input; for us that is 'no date'
        return None
    if value is None or not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    local = value.astimezone(TZ) if value.tzinfo is not None else value.replace(tzinfo=TZ)
    if not _states(text, value.date()):
        return None
    if not _CLOCK.search(text):
        return value.date()  # dateparser answers midnight when no time is given: do not invent one
    return local
