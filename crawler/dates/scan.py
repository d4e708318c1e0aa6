"""The date scanner: the first date expression in clean text, its parts read, its year unresolved.

The scanner walks the numbers of the text in order. At each one, what follows the number decides
which forms can start there (ranges and lists of days, ISO 8601, English dates, Vietnamese long forms
and 'thg' abbreviations, a month named before the day, numeric d/m/y, year-less d/m, 'N ngày trước');
each form is one pre-compiled pattern matched at that place, and the first match that passes its
checks wins. The checks keep non-dates out:

- numbers glued to other digits or letters are parts of something else: '10/3A', '2018/7', '1/6,5',
  '18/7/QĐ-UBND', '0269.3824.123';
- a number right after a word that names a numbered thing (lớp, số, phòng, trường, thông tư,
  tỷ số, phiên bản …) is that thing's number (see :mod:`crawler.dates.context`);
- a year-less 'd/m' is a date only after a word that announces one (ngày, hôm, sáng, chiều, tối,
  a weekday …) or next to a clock time, which 'Lớp 10/3', 'Trường Mầm non 1/6' and '3/4 số học sinh'
  do not have;
- the days of a range or a list go up, and need 'ngày', 'từ' or 'mùng' before the first: '15, 16 và 17
  điểm' and 'Các lớp 10/3, 10/4 và 10/5' are no dates;
- day, month and year must make a real date (no 31/02); a two-digit year needs a date's shape
  ('18/7/22', '05.09.23', not the version '2.1.10'); a lunar date ('15/8 âm lịch') is not one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timezone
from itertools import pairwise

from crawler.dates.context import announces_date, names_number, words_before
from crawler.dates.words import (
    MAX_YEAR,
    MIN_YEAR,
    UNITS,
    build,
    clock,
    days_back,
    en_month,
    expand,
    month_number,
    zone,
)

_LOOKBACK = 60  # characters before a date searched for a clock time


@dataclass(slots=True)
class Found:
    """A date expression found in clean text: its span and its parts, year unresolved."""

    start: int
    end: int
    day: int = 0
    month: int = 0
    year: int | None = None
    hour: int | None = None
    minute: int = 0
    second: int = 0
    tz: timezone | None = None
    rel_unit: str | None = None  # relative forms: 's', 'd', 'm' or 'y' …
    rel_amount: int = 0  # … and how many of them back (negative: ahead)


# --- the forms, each matched at the number it starts with ----------------------------------------

NUM = re.compile(r"[0-9]+")
_ISO = build(
    r"""(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})(?![0-9])
    (?:(?:T|\s+|\s*,\s*)(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,][0-9]{1,9})?)?
       (?![0-9])(?:\s*(?P<tz>z(?!\w)|[+-][0-9]{2}(?::?[0-9]{2})?(?![0-9])))?)?"""
)
# 'từ ngày 14-27/7', 'Từ ngày 7 - 9/6', 'từ ngày 15 đến 30/9', 'ngày 20, 21 tháng 11', and lists of days
# before one month, 'các ngày 15, 16 và 17/5': the first day (see _range_at). Dots only with a year: 'ngày 15 và
# 16.5.2024'.
RANGE = expand(
    r"""(?P<d1>[0-9]{1,2})
    (?:\s*(?:-|đến|tới)
     | (?P<list>(?:\s*,\s*(?:(?:ngày|mùng|mồng)\s+)?[0-9]{1,2}(?![0-9])){0,29})\s*(?:,\s*và|và|,))
    \s*(?:(?:ngày|mùng|mồng)\s+)?(?P<d2>[0-9]{1,2})(?![0-9])
    (?: (?P<sep>[/-])(?P<m>[0-9]{1,2})(?![0-9])(?:(?P=sep)(?P<y><<YEAR>>))?
      | \.(?P<dm>[0-9]{1,2})\.(?P<dy>[0-9]{4})(?![0-9])
      | \s+tháng\s+(?P<mw><<MONTH_VI>>)(?:<<MONTH_YEAR_LINK>>(?P<yw>[0-9]{4})(?![0-9]))? )"""
)
_RANGE = build(RANGE)
RANGE_GROUPS = ("d1", "list", "d2", "m", "dm", "mw", "y", "dy", "yw")  # what range_first() reads, in its order
_DMY = build(r"<<DMY>>")
_DM = build(r"(?P<d>[0-9]{1,2})(?P<sep><<DATE_SEP>>)(?P<m>[0-9]{1,2})(?![0-9])")
# 'thg 5' is how embedded posts and video widgets abbreviate 'tháng 5' ('15 thg 5, 2024'): numbers only.
LONG_DAY_MONTH = r"""(?P<d>[0-9]{1,2})\s+
    (?:tháng\s+(?P<m><<MONTH_VI>>)|(?P<abbr>thg)\.?\s?(?P<ma>1[0-2]|0?[1-9])(?!\w))"""
LONG_YEAR = r"""(?:<<MONTH_YEAR_LINK>>(?P<y>[0-9]{4})(?![0-9]) | \s+(?P<y2>[0-9]{4})(?![0-9]))"""
VI_LONG = build(LONG_DAY_MONTH + "\n" + LONG_YEAR + "?")
_EN_DMY = build(
    r"""(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s/-]*(?P<mon><<MONTH_EN>>)[\s,/-]*
    (?P<y>[0-9]{4})(?![0-9])"""
)
# The day and year of 'Tháng 7 18, 2022' or 'July 18, 2022'; the month is looked for before them.
_MONTH_FIRST_TAIL = build(
    r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?(?![0-9])\s*,?\s*(?P<y>[0-9]{4})(?![0-9])"
)
# 'Th5 15, 2024', 'Thg 5 15, 2024': month abbreviations of themes and widgets, numbers only. A bare 'T5' is
# Thursday ('T5 21/07/2022'), never a month.
_MONTH_BEFORE = build(
    r"""(?:(?<!\w)tháng\s+(?P<vm><<MONTH_VI>>)|(?<!\w)(?P<em><<MONTH_EN>>)
         |(?<!\w)th(?:g\.?\s?)?(?P<am>1[0-2]|0?[1-9])(?!\w))\s*,?\s*$"""
)
_REL_NUMBER = build(
    r"""(?P<n>[0-9]{1,4})\s*(?P<unit><<REL_UNIT>>)(?:s(?=\s+ago))?(?!\w)
    (?:\s+(?P<ago>trước|ago)(?!\w))?"""
)
REL_WORD = build(
    r"""(?<!\w)(?:<<REL_WORD>>)(?!\w)"""
)
# A clock time that ends right before a date: '8:30 ngày 18/7', '14:35, Thứ Tư, 12/07/2017'.
# Also with a part of the day or 'ngày' before the weekday ('8 giờ 30 phút, sáng thứ Hai, ngày 15 tháng 5 năm
# 2024', 'hồi 14 giờ ngày thứ Sáu, 17/5/2024') and the '·' of embedded posts ('8:30 AM · May 15, 2024'). A part
# of the day counts only before a weekday: in 'kéo dài 2 giờ, sáng 18/7' the '2 giờ' is a duration.
_TIME_BEFORE = build(
    r"""<<TIME>><<TZ>>\s*(?:[,|·-]\s*)*
    (?:(?:(?<!\w)(?P<dp><<DAYPART>>)\s+)?(?:ngày\s+)?<<WEEKDAY>>\s*(?:[,|·-]\s*)*)?(?:(?:ngày|mùng|mồng)\s+)?(?:\(\s*)?$"""
)
# What may stand between a date and the clock time after it: a mark or spaces, then 'lúc', 'vào lúc' or 'at'.
CLOCK_LEAD = r"(?:\s*[,|·-]\s*|\s+)?(?:(?:(?:vào\s+)?lúc|at)\s*:?\s*)?"
TIME_AFTER = build(CLOCK_LEAD + "<<TIME>><<TZ>>")
_RANGE_TAIL = re.compile(r"[0-9]{1,2}(?:[/.-][0-9]{1,2}|:[0-9]{2})")
# '… đến (ngày) 20/7/2022' after a year-less first day lends it its year.
_BORROW = build(
    r"""\s*(?:-|đến|tới|và)\s*(?:hết\s+)?(?:(?:ngày|mùng|mồng)\s+)?
    (?:(?P<d>[0-9]{1,2})\s*<<DATE_SEP>>\s*(?P<m>[0-9]{1,2})\s*<<DATE_SEP>>\s*(?P<y>[0-9]{4})
     | (?P<dw>[0-9]{1,2})\s+tháng\s+(?P<mw><<MONTH_VI>>)<<MONTH_YEAR_LINK>>(?P<yw>[0-9]{4})
    )(?![0-9])"""
)
# Between a relative word and the explicit date that names the same day: 'Chiều qua (17/7)'.
REL_GLUE = build(r"[\s,:(-]*(?:<<WEEKDAY>>[\s,:(-]*)?(?:(?:ngày|mùng|mồng)\s+)?")
# 'ngày 15 tháng 8 âm lịch', '15/8 (ÂL)': a lunar date is not a calendar date.
# Possessive: a space or a mark given back could not start the word. [âa]: one test before three words.
LUNAR = build(r"\s*+[(,-]?+\s*+(?=[âa])(?:âm\s+lịch|âl|al\s*\))(?!\w)")
BORROW_LEADS = ("-", "đến", "tới", "và")  # what _BORROW matches first, after spaces
_RANGE_OPENERS = frozenset({"từ", "ngày", "mùng", "mồng"})
LONG_OPENERS = frozenset({"ngày", "mùng", "mồng"})
MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February of a leap year


def glued_before(text: str, start: int) -> bool:
    """Whether the number at start is the tail of something else ('A10/3', '2018/7', '27,5/30')."""
    if start == 0:
        return False
    char = text[start - 1]
    if char.isalnum():
        return True
    if start >= 2:
        prev = text[start - 2]
        if char in ",.:-" and prev.isdigit():
            return True
        if char == "/" and prev.isalnum():
            return True
    return False


def glued_after(text: str, end: int) -> bool:
    """Whether what ends at end goes on as something else ('10/3A', '18/7/QĐ', '1/6,5', '18/7%')."""
    if end >= len(text):
        return False
    char = text[end]
    if char.isalnum() or char == "%":
        return True
    following = text[end + 1] if end + 1 < len(text) else ""
    if char == "/" and following.isalnum():
        return True
    if char in ".:" and following.isdigit():
        return True
    if char in ",-" and following.isalnum():
        # a range '18/7-20/7' or a time '18/7/2022-8:30' goes on; '1/6,5' and '18/7-QĐ' do not
        return not _RANGE_TAIL.match(text, end + 1)
    return False


def _time_before(text: str, start: int) -> re.Match[str] | None:
    """The clock time that ends right before text[start], tried at each number shortly before."""
    pos = max(0, start - _LOOKBACK)
    while True:
        number = NUM.search(text, pos, start)
        if number is None:
            return None
        match = _TIME_BEFORE.match(text, number.start(), start)
        if match is not None:
            return match
        pos = number.end()


def is_real_date(year: int | None, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or not 1 <= day <= MONTH_DAYS[month]:
        return False
    if year is None:
        return True  # '29/2' without a year may be real
    if not MIN_YEAR <= year <= MAX_YEAR:
        return False
    return month != 2 or day < 29 or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    if len(text) == 2:
        value += 2000 if value < 70 else 1900
    return value


def _borrow_year(text: str, found: Found) -> None:
    # String tests before any pattern: a second date must follow '-', 'đến', 'tới' or 'và' closely.
    rest = text[found.end : found.end + 16].lstrip()
    if not rest[:3].lower().startswith(BORROW_LEADS):
        return
    if NUM.search(text, found.end, found.end + 16) is None:
        return  # no second date close after this one
    match = _BORROW.match(text, found.end)
    if match is None:
        return
    if match.group("d"):
        day, month, year = int(match.group("d")), int(match.group("m")), int(match.group("y"))
    else:
        day, month = int(match.group("dw")), month_number(match.group("mw")) or 0
        year = int(match.group("yw"))
    if not is_real_date(year, month, day):
        return
    # 'từ 28/12 đến 3/1/2023': the first day is in the year before.
    found.year = year - 1 if (found.month, found.day) > (month, day) else year
    if not is_real_date(found.year, found.month, found.day):
        found.year = None


# --- one reader per form: the match at a number, checked, as a Found (or None) -------------------


def _range_at(text: str, start: int) -> Found | None:
    # The opener first: the pattern reads ahead over a list, which at every number of a long run of
    # '1, 2, 3, …' would cost time quadratic in its length.
    words = words_before(text, start)
    if not words or words[-1] not in _RANGE_OPENERS:
        return None
    m = _RANGE.match(text, start)
    if m is None or glued_after(text, m.end()):
        return None
    first = range_first(*m.group(*RANGE_GROUPS))
    if first is None:
        return None
    # One Found, for the first day, as for a range: the scanner's answer is the one date a text starts
    # with, read as a publication date or a body's dateline; the other days are the event's, not dates
    # of the article.
    return Found(start, m.end(), *first)


def range_first(
    d1: str, days: str | None, d2: str, month_s: str | None, dotted_month: str | None, month_word: str | None,
    year_s: str | None, dotted_year: str | None, word_year: str | None,
) -> tuple[int, int, int | None] | None:
    """The first day, month and year (None if not given) of a match of RANGE, from its RANGE_GROUPS; None when the
    days do not go up or the first or last is no date. The fast path reads its own match of RANGE with it."""
    month = int(month_s or dotted_month or 0) or month_number(month_word or "")
    if month is None:
        return None
    year = _year(year_s or dotted_year or word_year)
    first, last = int(d1), int(d2)
    # The days of a range or a list go up ('15, 16 và 17/5'); '3, 2 và 1/5' is a count-down, not dates.
    if days:
        if any(a >= b for a, b in pairwise([first, *map(int, NUM.findall(days)), last])):
            return None
    elif first >= last:
        return None
    if not (is_real_date(year, month, first) and is_real_date(year, month, last)):
        return None
    return first, month, year


def _iso_at(text: str, start: int) -> Found | None:
    m = _ISO.match(text, start)
    if m is None or glued_before(text, start) or glued_after(text, m.end()):
        return None
    year, month, day = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not is_real_date(year, month, day):
        return None
    found = Found(start, m.end(), day, month, year)
    if m.group("h") is not None:
        parts = clock(int(m.group("h")), int(m.group("mi")), int(m.group("s") or 0), None)
        if parts is None:
            return None
        found.hour, found.minute, found.second = parts
        found.tz = zone(m.group("tz"))
    return found


def _dmy_at(text: str, start: int) -> Found | None:
    m = _DMY.match(text, start)
    if m is None or glued_before(text, start) or glued_after(text, m.end()):
        return None
    raw_day, sep, raw_month, raw_year = m.group("d", "sep", "m", "y")
    if start and names_number(words_before(text, start), strict=len(raw_year) == 4):
        return None
    if len(raw_year) == 2:
        # '18/7/22' and '05.09.23' are dates; '2.1.10' is a version, '1 - 2 - 15' a list.
        spaced = any(c.isspace() for c in m.group())
        if spaced or (sep != "/" and (len(raw_day) < 2 or len(raw_month) < 2)):
            return None
    year, month, day = _year(raw_year), int(raw_month), int(raw_day)
    if not is_real_date(year, month, day):
        return None
    return Found(start, m.end(), day, month, year)


def _dm_at(text: str, start: int) -> Found | None:
    m = _DM.match(text, start)
    if m is None:
        return None
    raw_day, sep, raw_month = m.groups()
    day, month = int(raw_day), int(raw_month)
    if not is_real_date(None, month, day) or glued_before(text, start) or glued_after(text, m.end()):
        return None
    words = words_before(text, start)
    if names_number(words):
        return None
    found = Found(start, m.end(), day, month, None)
    _borrow_year(text, found)
    if found.year is None and not announces_date(words):
        if sep == ".":
            return None  # 'lớp 8.11', 'Phòng 12.3': a dotted pair needs a word before it
        after = TIME_AFTER.match(text, m.end())
        if (after is None or after.group("mi") is None) and _time_before(text, start) is None:
            return None  # 'Lớp 10/3', 'Trường Mầm non 1/6', '3/4 số học sinh'
    return found


def _long_at(text: str, start: int) -> Found | None:
    m = VI_LONG.match(text, start)
    if m is None or glued_before(text, start) or glued_after(text, m.end()):
        return None
    day, month = int(m.group("d")), month_number(m.group("m") or m.group("ma")) or 0
    year = _year(m.group("y") or m.group("y2"))
    if not is_real_date(year, month, day):
        return None
    words = words_before(text, start)
    opened = bool(words) and words[-1] in LONG_OPENERS
    # With its year, 'd tháng m năm y' is a date whatever thing-word precedes it ('Ngày đăng bài: 18 tháng 7 năm
    # 2022'); only the strict words ('số', 'mã' …) still make it a number.
    if not opened and names_number(words, strict=year is not None):
        return None
    if year is None and not (
        opened or announces_date(words) or _time_before(text, start) is not None or _abbr_timed(text, m)
    ):
        return None  # '3 tháng 7 ngày' is a duration
    found = Found(start, m.end(), day, month, year)
    if year is None:
        _borrow_year(text, found)
    return found


def _abbr_timed(text: str, m: re.Match[str]) -> bool:
    """Whether a year-less 'd thg m' has a clock time right after it, as posts show this year's dates
    ('15 thg 5 lúc 08:30'); without one, 'thg' may be chat for 'thằng' or 'thương'."""
    if m.group("abbr") is None:
        return False
    after = TIME_AFTER.match(text, m.end())
    return after is not None and any(after.group(g) is not None for g in ("mi", "hm", "gm", "vm"))


def _english_at(text: str, start: int) -> Found | None:
    m = _EN_DMY.match(text, start)
    if m is None or glued_before(text, start) or glued_after(text, m.end()):
        return None
    year, month, day = int(m.group("y")), en_month(m.group("mon")) or 0, int(m.group("d"))
    if not is_real_date(year, month, day):
        return None
    return Found(start, m.end(), day, month, year)


def _month_first_at(text: str, start: int) -> Found | None:
    m = _MONTH_FIRST_TAIL.match(text, start)
    if m is None or glued_after(text, m.end()):
        return None
    before = _MONTH_BEFORE.search(text, max(0, start - 30), start)
    if before is None:
        return None
    if before.group("vm"):
        month = month_number(before.group("vm")) or 0
    elif before.group("am"):
        if names_number(words_before(text, before.start()), strict=True):
            return None  # 'mã Th5 15, 2024': a code, not a month
        month = int(before.group("am"))
    else:
        month = en_month(before.group("em")) or 0
    year, day = int(m.group("y")), int(m.group("d"))
    if not is_real_date(year, month, day):
        return None
    return Found(before.start(), m.end(), day, month, year)


_RANGE_WORDS = ("đến", "tới", "và")
_MONTH_WORDS = ("tháng", "thg")
_UNIT_WORDS = tuple(
    "giây phút giờ tiếng ngày tuần tháng năm second minute hour day week month year".split()
)
_EN_WORDS = tuple("st nd rd th of jan feb mar apr may jun jul aug sep oct nov dec".split())


def _relative_at(text: str, start: int) -> Found | None:
    """'3 ngày trước', '45 giây trước', 'cách đây 2 giờ', '2 hours ago'."""
    m = _REL_NUMBER.match(text, start)
    if m is None or glued_before(text, start):
        return None
    if m.group("ago") is None and words_before(text, start)[-2:] != ["cách", "đây"]:
        return None
    found = Found(start, m.end())
    found.rel_unit, size = UNITS[m.group("unit").lower()]
    found.rel_amount = int(m.group("n")) * size
    return found


def _at(text: str, start: int, end: int) -> Found | None:
    """The date expression that starts with the number text[start:end], if any."""
    if end >= len(text):
        return None  # every form goes on after its first number
    size = end - start
    after = text[end]
    if size == 4:
        return _iso_at(text, start) if after in "-/." else None
    if size > 2:
        return None if size > 4 else _relative_at(text, start)
    if after in "/.-":
        found = _dmy_at(text, start) or _dm_at(text, start)
        if found is None and after == "-":
            found = _range_at(text, start)
        return found
    if after == ",":
        return _range_at(text, start) or _month_first_at(text, start)
    # The word after the number decides which forms can start here: one look, not six matches.
    word = text[end : end + 9].lstrip().lower()
    if not word:
        return None
    if word[0] in "-/.":
        return _range_at(text, start) or _dmy_at(text, start)  # 'ngày 7 - 9/6', '07 / 12 / 2019'
    if word[0].isdigit():
        return _month_first_at(text, start)  # 'Tháng 7 18 2022'
    if word.startswith(_MONTH_WORDS):
        found = _long_at(text, start)
        if found is not None:
            return found
    if word.startswith(_RANGE_WORDS):
        return _range_at(text, start)
    if word.startswith(_UNIT_WORDS):
        # only 'N … trước', 'N … ago' and 'cách đây N …' count back: '19 giờ 30' is a clock time
        tail = text[end : end + 24].lower()
        if "trước" in tail or "ago" in tail or "đây" in text[max(0, start - 6) : start].lower():
            return _relative_at(text, start)
        return None
    if word.startswith(_EN_WORDS):
        return _english_at(text, start) or _month_first_at(text, start)
    return None


def _first_number_led(text: str, pos: int = 0) -> Found | None:
    """The first date expression (or numeric relative form) led by a number at or after pos."""
    while True:
        number = NUM.search(text, pos)
        if number is None:
            return None
        found = _at(text, number.start(), number.end())
        if found is not None and not LUNAR.match(text, found.end):
            return found
        pos = number.end()


def relative_hint(text: str, limit: int) -> bool:
    """Whether a relative word ('hôm qua', 'sáng nay', 'ngày mai', 'today') may start before limit:
    one of their parts in text[:limit + 12], a test far cheaper than the pattern."""
    low = text[: limit + 12].lower()
    return "hôm" in low or "nay" in low or "qua" in low or "mai" in low or "day" in low


def _relative_word(text: str, limit: int) -> Found | None:
    """The first 'hôm qua', 'sáng nay', 'ngày mai' … that starts before limit."""
    if limit < 5 or not relative_hint(text, limit):
        return None  # the cheap test first: these words are rare in date lines
    match = REL_WORD.search(text, 0, limit + 12)
    if match is None or match.start() >= limit:
        return None
    found = Found(match.start(), match.end())
    found.rel_unit, found.rel_amount = "d", days_back(match.group())
    return found


def _attach_time(text: str, found: Found) -> None:
    """A clock time right after the date ('18/07/2022 - 14h05') or before it ('8:30 ngày 18/7')."""
    match = None
    if NUM.search(text, found.end, found.end + 12) is not None:
        match = TIME_AFTER.match(text, found.end)
    if match is None:
        match = _time_before(text, found.start)
    if match is None:
        return
    minutes = match.group("mi") or match.group("hm") or match.group("gm") or match.group("vm")
    seconds = match.group("s") or match.group("vs") or 0
    meridiem = match.group("ap")
    if meridiem is None and "dp" in match.re.groupindex:
        meridiem = match.group("dp")  # '8 giờ 30 phút, chiều thứ Hai, …'
    parts = clock(int(match.group("h")), int(minutes or 0), int(seconds), meridiem)
    if parts is None:
        return
    found.hour, found.minute, found.second = parts
    found.tz = zone(match.group("tz"))
    if match.start() >= found.end:
        found.end = match.end()


def scan(text: str) -> Found | None:
    """The first date expression in clean text (see :func:`crawler.dates.text.clean`), or None."""
    found = _first_number_led(text)
    word = _relative_word(text, len(text) if found is None else found.start)
    if word is not None:
        # 'Chiều qua (17/7)', 'Hôm nay, ngày 20/11': an explicit date right after names the day.
        if found is None or found.rel_unit is not None:
            found = word
        elif not REL_GLUE.fullmatch(text, word.end, found.start):
            found = word
    elif found is not None and found.rel_unit is not None:
        explicit = _first_number_led(text, found.end)  # '3 ngày trước (15/7)'
        if explicit is not None and explicit.rel_unit is None:
            if REL_GLUE.fullmatch(text, found.end, explicit.start):
                found = explicit
    if found is None:
        return None
    if found.hour is None and found.rel_unit != "s":
        _attach_time(text, found)
    return found
