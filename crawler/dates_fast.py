"""The fast path of the date reader: a text that is one whole date, as date elements show it.

'Thứ Hai, 18/07/2022 08:30', 'Ngày đăng: 18/07/2022', '08:30 - 18/07/2022', '( Ngày 18-07-2022 )',
'Ngày 18 tháng 7 năm 2022', '2022-07-18T01:30:00Z': one anchored match and no context checks,
because nothing else is in the text. It answers exactly what the scanner (:mod:`crawler.dates_scan`)
would, only sooner; a text it does not wholly match, or cannot accept, goes to the scanner.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from crawler.dates_words import FLAGS, MAX_YEAR, MIN_YEAR, TZ, WEEKDAY, clock, zone

_LABEL = r"""(?:(?:ngày\s+đăng(?:\s+bài)?|ngày\s+cập\s+nhật|ngày\s+xuất\s+bản|cập\s+nhật(?:\s+lúc)?
              |đăng\s+(?:lúc|ngày)|tin\s+đăng|xuất\s+bản|thời\s+gian|ngày)\s*[:|-]?\s*)"""
# Between the parts: a space, or a mark with a space after it, or '|'. A bare ',' or '-' between two
# numbers ('08:30,18/07/2022') is left to the scanner, which judges such glue.
_SEP = r"(?:\s+(?:[,|-]\s*)?|\s*[,-]\s+|\s*\|\s*)"
# Only the plain clock forms: anything else ('20g30', '8 giờ 30') is the scanner's.
_HEAD = re.compile(
    r"""\s*"""
    + _LABEL
    + r"""?(?:\(\s*)?
    (?:(?:lúc\s*:?\s*)?(?P<ah>[0-9]{1,2})(?::(?P<am>[0-9]{2})(?![0-9])|h(?P<ahm>[0-9]{2})?(?!\w))"""
    + _SEP
    + r""")?
    (?:"""
    + WEEKDAY
    + _SEP
    + r""")?
    (?:ngày\s+)?
    (?: (?P<d>[0-9]{1,2})\s?(?P<sep>[/.-])\s?(?P<m>[0-9]{1,2})\s?(?P=sep)\s?(?P<y>[0-9]{4})
      | (?P<ld>[0-9]{1,2})\s+tháng\s+(?P<lm>[0-9]{1,2})\s+năm\s+(?P<ly>[0-9]{4}) )(?![0-9])
    (?:"""
    + _SEP
    + r"""(?:lúc\s*:?\s*)?(?P<bh>[0-9]{1,2})
       (?::(?P<bm>[0-9]{2})(?::(?P<bs>[0-9]{2}))?(?![0-9])|h(?P<bhm>[0-9]{2})?(?!\w))
       (?:\s*(?P<ap>sa|ch|am|pm)(?!\w))?)?""",
    FLAGS,
)
_ISO = re.compile(
    r"""\s*(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})
    (?:[T\s](?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.[0-9]{1,9})?)?
       (?P<tz>z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?\s*""",
    FLAGS,
)
# What may close a whole date: nothing, ')', or Vietnam's own zone, which changes nothing.
_TAIL = re.compile(r"\s*(?:\(\s*gmt\s*\+\s*0?7(?::?00)?\s*\))?\s*\)?\s*", re.IGNORECASE)
NOT_WHOLE = object()  # the text is not one whole date of these shapes: ask the scanner
WHOLE_LENGTH = 64  # longer texts are sentences, not date lines


def _iso(text: str) -> date | datetime | None | object:
    m = _ISO.fullmatch(text)
    if m is None:
        return NOT_WHOLE
    year, month, day, hour, minute, second, offset = m.groups()
    year_n = int(year)
    if not MIN_YEAR <= year_n <= MAX_YEAR:
        return NOT_WHOLE
    try:
        value = date(year_n, int(month), int(day))
    except ValueError:
        return NOT_WHOLE
    if hour is None:
        return value
    parts = clock(int(hour), int(minute), int(second or 0), None)
    if parts is None:
        return NOT_WHOLE
    if offset is None:
        return datetime(value.year, value.month, value.day, *parts, tzinfo=TZ)
    tz = zone(offset)
    if tz is None:
        return NOT_WHOLE
    return datetime(value.year, value.month, value.day, *parts, tzinfo=tz).astimezone(TZ)


def whole_date(text: str) -> date | datetime | None | object:
    """The date the whole text states, or NOT_WHOLE when the scanner must read it."""
    if len(text) > WHOLE_LENGTH:
        return NOT_WHOLE
    if text[:4].isdigit():
        return _iso(text)
    m = _HEAD.match(text)
    if m is None or (m.end() < len(text) and not _TAIL.fullmatch(text, m.end())):
        return NOT_WHOLE
    ah, am, ahm, d, _, mo, y, ld, lm, ly, bh, bm, bs, bhm, ap = m.groups()
    if d is not None:
        day, month, year = int(d), int(mo), int(y)
    else:
        day, month, year = int(ld), int(lm), int(ly)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return NOT_WHOLE
    try:
        value = date(year, month, day)
    except ValueError:
        return NOT_WHOLE
    if bh is not None:  # a time after the date wins over one before it, as in the scanner
        parts = clock(int(bh), int(bm or bhm or 0), int(bs or 0), ap)
    elif ah is not None:
        parts = clock(int(ah), int(am or ahm or 0), 0, None)
    else:
        return value
    if parts is None:
        return NOT_WHOLE
    return datetime(year, month, day, *parts, tzinfo=TZ)
