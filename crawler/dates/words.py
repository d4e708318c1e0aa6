"""Vocabulary and regex pieces of the date reader: month and weekday words, clock times, zones.

Every pattern here is matched with re.IGNORECASE on NFC text (see :mod:`crawler.dates.text`), so
'THÁNG BẢY', 'Tháng Bảy' and 'tháng bảy' are the same words.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MIN_YEAR, MAX_YEAR = 1900, 2100  # a year outside these is a number, not a year
FLAGS = re.IGNORECASE | re.VERBOSE

# Vietnamese month names, spoken ('tháng Bảy') or numbered ('tháng 7'); 'bẩy' is the old spelling
# of 'bảy'. 'Giêng' and 'Chạp' are left out on purpose: they name lunar months, not Jan and Dec.
# fmt: off
MONTH_WORDS = {
    "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7,
    "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12,
}
# fmt: on
# The month after 'tháng': its name, longest first ('mười một' before 'mười'), or its number.
_MONTH_NAMES = "mười một|mười hai|mười|một|hai|ba|tư|bốn|năm|sáu|bảy|bẩy|tám|chín"
assert set(_MONTH_NAMES.split("|")) == set(MONTH_WORDS)
MONTH_NUMBER = r"1[0-2]|0?[1-9]"


def month_vi(space: str = r"\s+") -> str:
    """The month after 'tháng' as a pattern; `space` is what may stand between 'mười' and 'một'."""
    return "(?:" + _MONTH_NAMES.replace(" ", space) + "|" + MONTH_NUMBER + r")(?!\w)"


MONTH_VI = month_vi()
# Between a month and its year in the long forms: '18 tháng 7 năm 2022', '18 tháng 7, 2022', '… 7/2022'.
MONTH_YEAR_LINK = r"\s*(?:,|năm|/)\s*"

MONTH_EN = r"""(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?
               |sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?!\w)\.?"""
EN_MONTHS = {
    name: i for i, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)
}
EN_WEEKDAY = r"(?:(?<!\w)(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)"

# 'Thứ Hai', 'thứ 2', 'Thứ2', 'T2', 'Chủ nhật', 'CN'. A weekday never decides the date: numbers win.
WEEKDAY = r"""(?<!\w)(?:thứ\s*(?:hai|ba|tư|bốn|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn|t[2-7])(?!\w)"""
DAYPART = r"(?:rạng\s+sáng|sáng\s+sớm|sáng|trưa|chiều|tối|đêm|khuya)"

MERIDIEM = "sa|ch|am|pm"  # 'SA' (sáng) and 'CH' (chiều) are Vietnamese AM and PM

# A clock time: '08:30', '8:30:00', '8h30', '14h', '20g30', '8 giờ 30 phút', with 'SA'/'CH', AM/PM
# or a part of the day after it. Minutes after 'g' are required: '20g' alone is twenty grams.
TIME = r"""
(?<![0-9])(?P<h>[0-9]{1,2})
(?: :(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,][0-9]{1,9})?)?(?![0-9])
  | h(?P<hm>[0-9]{2})?(?:\s?(?:phút|p)(?!\w))?(?!\w)
  | g(?P<gm>[0-9]{2})(?!\w)
  | \s*giờ(?!\w)(?:\s*(?P<vm>[0-9]{1,2})(?![0-9])(?:\s*phút(?!\w))?)?
    (?:\s*(?P<vs>[0-9]{1,2})\s*giây(?!\w))?
)
(?:\s*(?P<ap>MERIDIEM|a\.m\.|p\.m\.|sáng|trưa|chiều|tối|đêm|khuya)(?!\w))?
""".replace("MERIDIEM", MERIDIEM)
TZ_NAME = r"""(?:\s*(?P<tz>
    [+-][0-9]{2}(?::?[0-9]{2})?(?![0-9])
  | \(?\s*(?:gmt|utc)\s*(?:[+-]\s*[0-9]{1,2}(?::?[0-9]{2})?)?\s*\)?
  | (?:z|ut|ict|est|edt|cst|cdt|mst|mdt|pst|pdt)(?!\w)
))?"""


# A time with the same shape but no groups, for patterns that only need to step over one.
TIME_PLAIN = (
    r"""(?:[0-9]{1,2}(?::[0-9]{2}(?::[0-9]{2})?|h(?:[0-9]{2})?|g[0-9]{2}
               |\s*giờ(?:\s*[0-9]{1,2}(?:\s*phút)?)?)(?!\w)(?:\s*"""
    + DAYPART
    + r")?)"
)

YEAR = r"(?:[0-9]{4}|[0-9]{2})(?![0-9])"
DATE_SEP = "[/.-]"  # between the day, the month and the year of a numeric date
# A numeric date, '18/07/2022', '18.7.22', '18 / 7 / 2022': one separator throughout.
DMY = r"(?P<d>[0-9]{1,2})\s?(?P<sep>" + DATE_SEP + r")\s?(?P<m>[0-9]{1,2})\s?(?P=sep)\s?(?P<y>" + YEAR + ")"

# Relative dates: the words ('hôm qua', 'sáng nay', 'today') and the units counted back ('3 ngày trước');
# each unit is (what resolve counts in: seconds, days, months or years; how many of them).
# The 'i' of 'kia' and 'mai' and the 's' of 'yesterday' are only i and s in either case: under IGNORECASE, re would
# also take the Turkish 'ı' and 'İ' and the long 'ſ', which are no spelling of these words (and lower() would not give
# WORD_DAYS' keys back from them).
REL_WORD = r"""hôm\s+(?:nay|qua|k(?-i:[iI])a)|ngày\s+ma(?-i:[iI])
                |(?:sáng|trưa|chiều|tối|đêm|khuya)\s+(?:nay|qua|ma(?-i:[iI]))|today|ye(?-i:[sS])terday"""
# fmt: off
UNITS = {
    "giây": ("s", 1), "phút": ("s", 60), "giờ": ("s", 3600), "tiếng": ("s", 3600), "ngày": ("d", 1),
    "tuần": ("d", 7), "tháng": ("m", 1), "năm": ("y", 1), "second": ("s", 1), "minute": ("s", 60),
    "hour": ("s", 3600), "day": ("d", 1), "week": ("d", 7), "month": ("m", 1), "year": ("y", 1),
}
# fmt: on
REL_UNIT = "|".join(UNITS)
WORD_DAYS = {"nay": 0, "qua": 1, "kia": 2, "mai": -1, "today": 0, "yesterday": 1}


def days_back(relative: str) -> int:
    """WORD_DAYS of a relative word as REL_WORD matched it ('Hôm QUA', 'yesterday'), by its last word."""
    return WORD_DAYS[relative.split()[-1].lower()]


_PIECES = {
    "MONTH_VI": MONTH_VI, "MONTH_EN": MONTH_EN, "EN_WEEKDAY": EN_WEEKDAY, "WEEKDAY": WEEKDAY,
    "DAYPART": DAYPART, "TIME": TIME, "TZ": TZ_NAME, "TIME_PLAIN": TIME_PLAIN, "DMY": DMY, "YEAR": YEAR,
    "DATE_SEP": DATE_SEP, "MONTH_YEAR_LINK": MONTH_YEAR_LINK, "REL_WORD": REL_WORD, "REL_UNIT": REL_UNIT,
}  # fmt: skip


def expand(pattern: str) -> str:
    """The pattern with each <<NAME>> replaced by the piece of that name above."""
    for name, piece in _PIECES.items():
        pattern = pattern.replace(f"<<{name}>>", piece)
    return pattern


def build(pattern: str, flags: int = FLAGS) -> re.Pattern[str]:
    """Compile a verbose pattern in which <<NAME>> stands for one of the pieces above."""
    return re.compile(expand(pattern), flags)


def named(pattern: str, prefix: str) -> str:
    """A copy of pattern whose named groups (and references to them) carry a prefix, to use it in a bigger regex."""
    return pattern.replace("(?P<", "(?P<" + prefix).replace("(?P=", "(?P=" + prefix)


# fmt: off
_NAMED_ZONES = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "ict": 7, "est": -5, "edt": -4, "cst": -6, "cdt": -5,
    "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
}
# fmt: on
_OFFSET = re.compile(r"([+-])\s*([0-9]{1,2})(?::?([0-9]{2}))?")


def month_number(word: str) -> int | None:
    """'7', '07', 'Bảy', 'mười  một' -> month number; None for anything else."""
    word = " ".join(word.lower().split())
    if word.isdigit():
        value = int(word)
        return value if 1 <= value <= 12 else None
    return MONTH_WORDS.get(word)


def en_month(word: str) -> int | None:
    return EN_MONTHS.get(word.lower().rstrip(".")[:3])


@lru_cache(maxsize=256)
def zone(text: str | None) -> timezone | None:
    """The UTC offset of 'Z', '+07:00', '+0700', 'GMT+7', '(GMT+07:00)', 'UTC', 'PST'; else None."""
    if not text:
        return None
    text = text.strip().strip("()").strip().lower()
    match = _OFFSET.search(text)
    if match:
        hours, minutes = int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes > 59:
            return None
        delta = timedelta(hours=hours, minutes=minutes)
        return timezone(-delta if match.group(1) == "-" else delta)
    hours = _NAMED_ZONES.get(text)
    return None if hours is None else timezone(timedelta(hours=hours))


def clock(hour: int, minute: int, second: int, meridiem: str | None) -> tuple[int, int, int] | None:
    """Apply 'SA'/'CH', AM/PM or a part of the day to a clock reading; None if it is no time."""
    if meridiem:
        word = meridiem.lower().replace(".", "")
        if word in ("sa", "am"):
            if not 1 <= hour <= 12:
                return None
            hour = 0 if hour == 12 else hour
        elif word in ("ch", "pm"):
            if not 1 <= hour <= 12:
                return None
            hour = 12 if hour == 12 else hour + 12
        elif word in ("chiều", "tối") and 1 <= hour <= 11:
            hour += 12
        elif word == "trưa" and 1 <= hour <= 4:
            hour += 12
        elif word in ("đêm", "khuya"):
            if 6 <= hour <= 11:
                hour += 12
            elif hour == 12:
                hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second
