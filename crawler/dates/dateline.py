"""Finding the dateline at the head of an article body: 'Sáng 18/7,', '(GLO)- Chiều 5-9,'.

Only at the head, after an optional agency prefix ('(GLO)-', 'VOV.VN -', 'CTTĐT -', 'Hà Nội:'), and
only when a word announces the date (a part of the day, 'ngày', 'Các ngày', 'Trong 2 ngày', 'hôm nay',
a weekday) or a clock time comes with it ('Vào lúc 8 giờ 30 phút, thứ Hai, ngày 13 tháng 5 năm
2024'): 'Tiết trời sáng 5-9 …' has a date but no dateline. The days of an event ('Các ngày 15, 16 và
17/5,') give their first day.
"""

from __future__ import annotations

import re

from crawler.dates.scan import Found, glued_after, scan
from crawler.dates.words import build

# Days before the month may be a range or a list, 'Ngày 15 và 16/5', 'Các ngày 15, 16 và 17/5': the scanner
# judges them and gives the first day.
_DATE = r"""(?:[0-9]{1,2}\s*(?:,\s*và|,|và|-|đến|tới)\s*(?:(?:ngày|mùng|mồng)\s+)?){0,30}
    [0-9]{1,2}(?![0-9])(?:\s*<<DATE_SEP>>\s*[0-9]{1,2}(?![0-9])(?:\s*<<DATE_SEP>>\s*<<YEAR>>)?
    |\s+tháng\s+<<MONTH_VI>>(?:<<MONTH_YEAR_LINK>>[0-9]{4}(?![0-9]))?)"""
# 'Trong 2 ngày', 'Các ngày' open the days of an event; 'Từ ngày 1/7, …' does not count: it mostly announces
# when a rule starts, not the day of the news.
_DATELINE = build(
    r"""(?P<time>(?:(?:vào\s+)?(?:lúc|hồi)\s+)?<<TIME_PLAIN>>\s*[,-]?\s+)?
    (?P<lead>(?:(?<!\w)<<DAYPART>>(?:\s+(?:nay|qua|mai))?|hôm\s+(?:nay|qua)|ngày\s+mai)\s*,?\s+)?
    (?P<wd>(?:ngày\s+)?<<WEEKDAY>>\s*,?\s*)?
    (?P<ngay>(?<!\w)(?:(?:trong|suốt)\s+)?(?:(?:các|hai|ba|2|3)\s+)?(?:ngày|mùng|mồng)\s+(?:(?:mùng|mồng)\s+)?)?
    (?:\(\s*DATE\s*\)|DATE)""".replace("DATE", _DATE)
)
_OPENING = re.compile(r"[\s\"'“”‘’«»*•]*")
_PAREN_AGENCY = re.compile(r"\([^()0-9\n]{1,40}\)\s*(?:[-:|]\s*)?")
_NAMED_AGENCY = re.compile(r"(?P<name>[^\W\d_][^\d\n:;,()|-]{0,30}?)\s*[-:|]\s*")


def dateline_span(text: str) -> tuple[int, int, Found] | None:
    """(start, end, parts) of the dateline at the head of clean text, or None."""
    pos = _OPENING.match(text).end()  # type: ignore[union-attr]
    paren = _PAREN_AGENCY.match(text, pos)
    if paren is not None:
        pos = paren.end()
    starts = [pos]
    named = _NAMED_AGENCY.match(text, pos)
    if named is not None:
        name = named.group("name").strip()
        if name[:1].isupper() and len(name.split()) <= 4:  # 'VOV.VN', 'Hà Nội', not a sentence
            starts.insert(0, named.end())
    for start in starts:
        match = _DATELINE.match(text, start)
        if match is None or not any(match.group(g) for g in ("time", "lead", "wd", "ngay")):
            continue
        if glued_after(text, match.end()):
            continue
        found = scan(text[match.start() : match.end()])
        if found is None or found.rel_unit is not None:
            continue
        return match.start(), match.end(), found
    return None
