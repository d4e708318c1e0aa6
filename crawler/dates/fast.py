"""The fast paths of the date reader: a text that is one whole date, and a sentence that opens with one.

'Thứ Hai, 18/07/2022 08:30', 'Ngày đăng: 18/07/2022', '08:30 - 18/07/2022', '( Ngày 18-07-2022 )',
'Ngày 18 tháng 7 năm 2022', 'Tháng Bảy 18, 2022', '2022-07-18T01:30:00Z', '3 ngày trước', 'hôm qua':
one anchored match and no context checks, because nothing else is in the text. Running text whose
first number is a date announced by the word before ('Sáng 18/7, Sở GD&ĐT …') is read by
:func:`sentence` with the scanner's own checks on that one date. Both answer exactly what the scanner
(:mod:`crawler.dates.scan`) would, only sooner; a text they do not wholly match, or cannot accept,
goes to the scanner (tests compare the two on every shared case and on fuzz). The grammar is the
scanner's: month names, separators, the numeric and long forms, meridiems and relative words are
pieces of :mod:`crawler.dates.words` that both build their patterns from, so a change is made once.

Why it exists: bench/dates.py reads the date lines of tests/data/vi-dates.jsonl in a median of
2.0-2.2 us with it and 4.9 us without (the scanner alone), about 235-250x and 100x faster than dateparser:
the project asks for at least 100x, which the scanner alone only just reaches. For a crawl it hardly
matters: the 1617 date reads of bench/crawl.py's 500 articles (1402 of them whole lines) took 7 ms
with it and 14 ms without, against about 7 s of CPU for the crawl. The sentence path reads 44 of the 61
running-text cases (the others hold no date, or a clock time or a numbered thing before their date): the
running-text median is 1.75-1.9 us, 5.5 with the scanner alone (dateparser: 190-210 us, so 110-113x and
36x over runs). What is left at the median is one match (0.55-0.75 us, the lookbehinds on a 'sáng' before
the date included), cleaning (0.25), the scanner's checks on the word before the date and the date itself
(about 20 steps of Python), and two calls.

A call costs a few microseconds, so the order of work is chosen by cost: string tests on the last
and first characters pick the one or two patterns worth trying (a sentence ends with a letter or a
full stop and costs nothing here); the commonest lines meet a pattern with few branches before the
full one; numbers are read through a table instead of int(), and datetimes are built positionally.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import cache

from crawler.dates.context import (
    BRIGHT_ENDS,
    GLUE,
    MARKS,
    NUMBERED_PAIRS,
    REACH,
    announces_date,
    lights,
    names_number,
    word_of,
    words_before,
)
from crawler.dates.resolve import counted_back, nearest, reference
from crawler.dates.scan import (
    BORROW_LEADS,
    LONG_DAY_MONTH,
    LONG_OPENERS,
    LONG_YEAR,
    LUNAR,
    MONTH_DAYS,
    NUM,
    RANGE,
    RANGE_GROUPS,
    REL_GLUE,
    REL_WORD,
    VI_LONG,
    glued_after,
    is_real_date,
    range_first,
)
from crawler.dates.scan import TIME_AFTER as _CLOCK_AFTER
from crawler.dates.words import (
    DATE_SEP,
    FLAGS,
    MAX_YEAR,
    MERIDIEM,
    MIN_YEAR,
    MONTH_NUMBER,
    TZ,
    UNITS,
    WEEKDAY,
    build,
    clock,
    days_back,
    expand,
    month_number,
    month_vi,
    named,
    zone,
)

# A label ends with a space or a mark: one glued to the number ('Ngày14/12/2023') is the scanner's to judge.
_LABEL = r"""(?:(?:ngày\s+đăng(?:\s+bài)?|ngày\s+cập\s+nhật|ngày\s+xuất\s+bản|cập\s+nhật(?:\s+lúc)?
              |đăng\s+(?:lúc|ngày)|tin\s+đăng|xuất\s+bản|thời\s+gian|ngày)(?:\s*[:|-]\s*|\s+|(?![0-9])))"""
# Between the parts: a space, or a mark with a space after it, or '|'. A bare ',' or '-' between two
# numbers ('08:30,18/07/2022') is left to the scanner, which judges such glue.
_SEP = r"(?:\s+(?:[,|-]\s*)?|\s*[,-]\s+|\s*\|\s*)"
# Only the plain clock forms: anything else ('20g30', '8 giờ 30') is the scanner's.
_TIME_FIRST = r"(?P<ah>[0-9]{1,2})(?::(?P<am>[0-9]{2})(?![0-9])|h(?P<ahm>[0-9]{2})?(?!\w))"
# The date of the scanner's numeric and long forms (words.DMY, words.MONTH_VI), with a year.
_DATE = expand(r"""(?: <<DMY>>
      | (?P<ld>[0-9]{1,2})\s+tháng\s+(?P<lm><<MONTH_VI>>)<<MONTH_YEAR_LINK>>(?P<ly>[0-9]{4}) )(?![0-9])""")
TIME_AFTER = r"""(?:lúc\s*:?\s*)?(?P<bh>[0-9]{1,2})
       (?::(?P<bm>[0-9]{2})(?::(?P<bs>[0-9]{2}))?(?![0-9])|h(?P<bhm>[0-9]{2})?(?!\w))
       (?:\s*(?P<ap>""" + MERIDIEM + r""")(?!\w))?"""
_AFTER_LABEL = (
    r"(?:(?:lúc\s*:?\s*)?" + _TIME_FIRST + _SEP + r")?(?:" + WEEKDAY + _SEP + r")?(?:ngày\s+)?"
    + _DATE + r"(?:" + _SEP + TIME_AFTER + r")?"
)  # fmt: skip
_WORD_LED = re.compile(r"\s*" + _LABEL + r"?(?:\(\s*)?" + _AFTER_LABEL, FLAGS)
# A text led by a digit has no label, '(' or 'lúc' before its first number: a smaller pattern.
_DIGIT_LED = re.compile(_AFTER_LABEL.replace(r"(?:lúc\s*:?\s*)?", "", 1), FLAGS)
_ISO = re.compile(
    r"""\s*(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})
    (?:[T\s](?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.[0-9]{1,9})?)?
       (?P<tz>z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?\s*""",
    FLAGS,
)
# The commonest lines, 'Thứ Hai, 18/07/2022 08:30', 'Cập nhật lúc: 08:30 18/07/2022', 'Ngày 18 tháng 7
# năm 2022': the shapes above with fewer branches to try (no '(', 'lúc' alone, '14h' or month name), in
# the same order, so what this matches the big patterns read alike.
_COMMON = re.compile(
    r"\s*" + _LABEL + r"?(?:([0-9]{1,2}):([0-9]{2})(?![0-9])" + _SEP + r")?(?:" + WEEKDAY + _SEP + r")?(?:ngày\s+)?"
    r"(?:([0-9]{1,2})(" + DATE_SEP + r")([0-9]{1,2})\4([0-9]{4}|[0-9]{2})|([0-9]{1,2})\s+tháng\s+(" + MONTH_NUMBER
    + r")\s+năm\s+([0-9]{4}))(?![0-9])(?:" + _SEP + r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?(?![0-9])(?:\s*("
    + MERIDIEM + r")(?!\w))?)?\s*",
    FLAGS,
)
_YEAR_MARKS = ("/", ".", "-")
_GMT7 = timedelta(hours=7)
_LAST_CHANGE = 1976  # Asia/Ho_Chi_Minh has kept UTC+7 since June 1975
_MERIDIEMS = frozenset(MERIDIEM.split("|"))
# 'Tháng Bảy 18, 2022', 'Tháng 7 18 2022': the month first. The scanner looks for the month at
# most 30 characters before the day, so the spaces here are bounded.
_MONTH_FIRST = re.compile(
    r"\s*(?P<t>tháng)\s{1,3}(?P<m>" + month_vi(r"\s{1,3}")
    + r")\s{1,3}(?P<d>[0-9]{1,2})(?![0-9])\s?,?\s?(?P<y>[0-9]{4})\s*",
    FLAGS,
)
# What may close a whole date: nothing, ')', or Vietnam's own zone, which changes nothing.
_TAIL = re.compile(r"\s*(?:\(\s*gmt\s*\+\s*0?7(?::?00)?\s*\))?\s*\)?\s*", re.IGNORECASE)
# 'hôm qua', 'sáng nay', '3 ngày trước', '2 hours ago' and nothing else: a listing's relative dates,
# read as the scanner reads them (which takes at most three digits: '2022 ngày trước' is no date).
_RELATIVE = build(
    r"""\s*(?:(?P<word>(?:<<REL_WORD>>))
    | (?P<n>[0-9]{1,3})\s*(?P<unit><<REL_UNIT>>)(?:s(?=\s+ago))?\s+(?:trước|ago) )\s*"""
)
# The last two letters of those forms ('trước', 'ago', 'qua', 'nay', 'kia', 'mai', 'today'): a cheap
# test before the pattern.
_RELATIVE_ENDS = frozenset("ớc go ua ay ia ai".split())
# How a whole date line not led by a digit may start: the first two letters of a label, 'lúc', a
# weekday, 'ngày' or 'tháng'; or '(' or a digit after spaces.
_WORD_STARTS = frozenset("ng cậ đă ti xu th lú ch cn t2 t3 t4 t5 t6 t7".split())
_OTHER_STARTS = frozenset("(0123456789")
# How a whole date line may end, spaces aside: the year, the minutes, '14h', 'SA', 'CH', 'AM', 'PM', or ')'.
_LAST = frozenset("0123456789)aAhHmM")
# What may end any whole or relative line: _LAST, and the last letters of _RELATIVE_ENDS in either case.
_ENDS = _LAST | frozenset("coayiCOAYI")
assert all(tail[-1] in _ENDS for tail in _RELATIVE_ENDS)
_LETTER_TAILS = _RELATIVE_ENDS | _MERIDIEMS  # the last two letters of any whole line that ends with a letter
WHOLE_ENDS = _ENDS  # whole() sends back any other text at once, unless it ends with a space or starts with 4 digits
NOT_WHOLE = object()  # the text is not one whole date of these shapes: ask the scanner
WHOLE_LENGTH = 64  # longer texts are sentences, not date lines

# The numbers a whole date holds, read without int(): '7', '07', '59' and the years we accept.
_NUMBER = {str(i): i for i in range(100)}
_NUMBER.update({f"{i:02d}": i for i in range(10)})
_YEARS = {str(y): y for y in range(MIN_YEAR, MAX_YEAR + 1)}


def _iso(text: str) -> date | datetime | None | object:
    m = _ISO.fullmatch(text)
    if m is None:
        return NOT_WHOLE
    year_s, month, day, hour, minute, second, offset = m.groups()
    year = _YEARS.get(year_s)
    if year is None:
        return NOT_WHOLE
    try:
        value = date(year, _NUMBER[month], _NUMBER[day])
    except ValueError:
        return None  # '2022-02-31': the scanner finds no other date in these digits either
    if hour is None:
        return value
    parts = clock(_NUMBER[hour], _NUMBER[minute], _NUMBER[second or "0"], None)
    if parts is None:
        return NOT_WHOLE
    if offset is None:
        return datetime(year, value.month, value.day, *parts, 0, TZ)
    tz = zone(offset)
    if tz is None:
        return NOT_WHOLE
    return datetime(year, value.month, value.day, *parts, 0, tz).astimezone(TZ)


def _common_line(text: str) -> date | datetime | None | object:
    """The date of a line of the commonest shapes ('Thứ Hai, 18/07/2022 08:30'), or NOT_WHOLE."""
    m = _COMMON.fullmatch(text)
    if m is None:
        return NOT_WHOLE
    before_h, before_m, day, sep, month, year, long_day, long_month, long_year, hour, minute, second, ap = m.groups()
    if day is None:
        day, month, year_n = long_day, long_month, _YEARS.get(long_year)
    elif len(year) == 4:
        year_n = _YEARS.get(year)
    elif _short_year_is_date(text, m.start(3), m.end(6), day, sep, month):
        year_n = _NUMBER[year] + (2000 if _NUMBER[year] < 70 else 1900)
    else:
        return NOT_WHOLE
    if year_n is None:
        return NOT_WHOLE
    try:
        if hour is None:  # a time after the date wins over one before it, as in the scanner
            if before_h is None:
                return date(year_n, _NUMBER[month], _NUMBER[day])
            hour, minute = before_h, before_m
        hour_n, minute_n, second_n = _NUMBER[hour], _NUMBER[minute], _NUMBER[second or "0"]
        if ap is not None:
            parts = clock(hour_n, minute_n, second_n, ap)
            if parts is None:
                return NOT_WHOLE
            hour_n, minute_n, second_n = parts
        if hour_n > 23 or minute_n > 59 or second_n > 59:
            return NOT_WHOLE
        return datetime(year_n, _NUMBER[month], _NUMBER[day], hour_n, minute_n, second_n, 0, TZ)
    except ValueError:
        return NOT_WHOLE  # 'Ngày 17-26-11' is no d-m-yy, but the scanner's range 17-26/11


def whole(text: str, ref: object) -> date | datetime | None | object:
    """What a clean text that is one whole date (or one relative date) says, or NOT_WHOLE.

    A day, month and year that make no date ('31/02/2022', 'Ngày 17-26-11') go to the scanner, which may read its
    numbers otherwise (the range 17-26/11).
    """
    if len(text) > WHOLE_LENGTH or not text:
        return NOT_WHOLE
    if text[-1].isspace():
        text = text.rstrip()  # every shape here may end with spaces
        if not text:
            return NOT_WHOLE
    # The last character and the head of the text choose the patterns worth trying. First the
    # commonest lines, which end with '/2022', '-2022', '.2022', 'năm 2022', 'hh:mm' or 'SA', 'CH' …
    if text[:4].isdigit():
        return _iso(text)  # no other shape starts with four digits
    last = text[-1]
    if last not in _ENDS:
        return NOT_WHOLE  # 'Ngày 18-7, Sở GD&ĐT thông báo.': a sentence, not a date line
    if last.isdigit():
        common = text[-5:-4] in _YEAR_MARKS or text[-3:-2] == ":" or text[-8:-5] == "năm"
    else:
        tail = text[-2:].lower()
        if tail not in _LETTER_TAILS and last != ")" and not (last in "hH" and text[-2:-1].isdigit()):
            return NOT_WHOLE  # '… không mưa': a letter ends a date line only in 'SA', 'PM', '14h' or a relative date
        if tail in _RELATIVE_ENDS:
            value = _relative(text, ref)
            if value is not NOT_WHOLE:
                return value
        common = tail in _MERIDIEMS
        if not common and last != ")" and not (last in "hH" and text[-2:-1].isdigit()):
            return NOT_WHOLE
    if common:
        value = _common_line(text)
        if value is not NOT_WHOLE:
            return value
    if text[0].isdigit():
        m = _DIGIT_LED.match(text)
    else:
        head = (text.lstrip() if text[0].isspace() else text)[:5].lower()
        if head == "tháng":
            return _month_first(text)  # no other shape starts so
        if head[:1] not in _OTHER_STARTS and head[:2] not in _WORD_STARTS:
            return NOT_WHOLE  # 'Lớp 10/3', 'Sáng 18/7': no whole date starts so
        m = _WORD_LED.match(text)
    if m is None:
        return NOT_WHOLE
    if m.end() == len(text):
        return _general(text, m)
    if not _TAIL.fullmatch(text, m.end()):
        return NOT_WHOLE
    value = _general(text, m)
    if isinstance(value, datetime) and (
        value.utcoffset() != _GMT7 or value.year < _LAST_CHANGE and value.astimezone(UTC).astimezone(TZ) != value
    ):
        # '(GMT+7)' is Vietnam time only since 1975, and a wall time its clocks skipped is none: the scanner converts
        return NOT_WHOLE
    return value


def _general(text: str, m: re.Match[str]) -> date | datetime | None | object:
    """The value of a match of _WORD_LED or _DIGIT_LED that spans the text."""
    ah, am, ahm, d, sep, mo, y, ld, lm, ly, bh, bm, bs, bhm, ap = m.groups()
    if d is None:
        day, month, year = _NUMBER[ld], _NUMBER.get(lm) or month_number(lm), _YEARS.get(ly)
    elif len(y) == 4:
        day, month, year = _NUMBER[d], _NUMBER[mo], _YEARS.get(y)
    elif _short_year_is_date(text, m.start("d"), m.end("y"), d, sep, mo):
        day, month, year = _NUMBER[d], _NUMBER[mo], _NUMBER[y] + (2000 if _NUMBER[y] < 70 else 1900)
    else:
        return NOT_WHOLE
    if year is None or month is None:
        return NOT_WHOLE
    if bh is not None:  # a time after the date wins over one before it, as in the scanner
        hour, minute, second = _NUMBER[bh], _NUMBER[bm or bhm or "0"], _NUMBER[bs or "0"]
        if ap is not None:
            parts = clock(hour, minute, second, ap)
            if parts is None:
                return NOT_WHOLE
            hour, minute, second = parts
    elif ah is not None:
        hour, minute, second = _NUMBER[ah], _NUMBER[am or ahm or "0"], 0
    else:
        try:
            return date(year, month, day)
        except ValueError:
            return NOT_WHOLE  # no date: the scanner's to read otherwise (see whole())
    if hour > 23 or minute > 59 or second > 59:
        return NOT_WHOLE  # as clock() judges it
    try:
        return datetime(year, month, day, hour, minute, second, 0, TZ)
    except ValueError:
        return NOT_WHOLE  # no date: the scanner's to read otherwise (see whole())


def _short_year_is_date(text: str, start: int, end: int, day: str, sep: str, month: str) -> bool:
    """The scanner's tests of the two-digit year of text[start:end]: '18/7/22' and '05.09.23' are
    dates, '2.1.10' is not."""
    if len(text[start:end].split()) > 1:
        return False  # '1 - 2 - 15' is a list
    if sep != "/" and (len(day) < 2 or len(month) < 2):
        return False
    return not names_number(words_before(text, start))  # 'Ngày đăng bài: 18/7/22'


def _month_first(text: str) -> date | None | object:
    m = _MONTH_FIRST.fullmatch(text)
    if m is None or m.start("d") - m.start("t") > 30:
        return NOT_WHOLE
    month, year = _NUMBER.get(m.group("m")) or month_number(m.group("m")), _YEARS.get(m.group("y"))
    if month is None or year is None:
        return NOT_WHOLE
    try:
        return date(year, month, _NUMBER[m.group("d")])
    except ValueError:
        return NOT_WHOLE


def _relative(text: str, ref: object) -> date | datetime | None | object:
    """What a text that is one relative date says against ref, or NOT_WHOLE for the scanner."""
    m = _RELATIVE.fullmatch(text)
    if m is None:
        return NOT_WHOLE
    word = m.group("word")
    if word is not None:
        return counted_back("d", days_back(word), ref)
    unit, size = UNITS[m.group("unit").lower()]
    return counted_back(unit, int(m.group("n")) * size, ref)


# --- running text: a sentence whose first number is its date, announced by the word before ------
#
# 'Sáng 18/7, Sở GD&ĐT tổ chức …', 'Ngày 23/5/2022, ban đại diện …', '… vào tối 10/10.', 'Sáng ngày 22
# tháng 8 năm 2022, tại …', 'Hôm qua (14/3), …': the first number of the text is the day of a date right
# after a word (or two) that announces one, and nothing after it asks for the scanner's judgement (a second
# date that lends its year, a clock time, 'âm lịch', glue). Each test below is one of the scanner's checks
# on that date, or the cheap test that lets it skip one; any doubt goes to the scanner. The commonest shapes,
# the word (anywhere before the number), glue and a d/m, d/m/yyyy, long date or range, are one match of _ANNOUNCED
# with the scanner's tests after the date (and on a 'sáng' before it) inside it; _sentence() reads the others step by
# step.

# The words that announce a date and make no number of a thing, alone or after another word.
_ANNOUNCING = frozenset(
    w for w in ("ngày", "mùng", "mồng", "sáng", "trưa", "chiều", "tối", "đêm", "khuya", "hôm", "cn")
    if announces_date([w]) and not names_number(["", w]) and not names_number(["", w], strict=True)
    and not any(pair.rsplit(None, 1)[-1] == w for pair in NUMBERED_PAIRS)
)
# The words that announce a date only after another: 'hôm qua', 'sáng nay', 'thứ Hai', 'chủ nhật'.
_SECOND_WORDS = frozenset(
    w for w in ("nay", "qua", "mai", "kia", "sớm", "hai", "ba", "tư", "bốn", "năm", "sáu", "bảy", "bẩy", "nhật")
    if not announces_date([w])
)
_FIRST_DIGIT = re.compile(r"[0-9]")
# What may not follow a date: anything glued on (stricter than glued_after: '18/7-20/7' is left to the scanner) or a
# lunar mark. The scanner's tests after a date, made in the match as one negative lookahead: one is cheaper than two.
_ENDED = r"[^\W_]|%|[/.:,-][^\W_]|" + LUNAR.pattern
# '… đến 20/7/2022' after a year-less date: a second date that may lend its year (the scanner's _borrow_year()).
_BORROWING = (
    r"\s*+(?=[" + "".join(sorted({re.escape(lead[0]) for lead in BORROW_LEADS})) + "])(?:"
    + "|".join(map(re.escape, BORROW_LEADS)) + ")"
)  # fmt: skip
# d/m or d/m/yyyy ('-' alike) that no other form of the scanner continues ('18/7 /2022', '18/7/22'), and after which
# nothing is _ENDED; a year-less one with no second date after it.
_DAY_MONTH = (
    r"""(?P<d>[0-9]{1,2})(?P<sep>[/-])(?P<m>[0-9]{1,2})
    (?: (?P=sep)(?P<y>[0-9]{4})(?!""" + _ENDED + r""") | (?!""" + _ENDED + r"""|\s?(?P=sep)|""" + _BORROWING + ") )"
)
# The characters CLOCK_LEAD is made of: only these may stand between a date and the clock time after it.
CLOCK_LEAD_CHARS = r"[\s,|·:\-vàolúcat]"
# A digit in the 12 characters after the date with only CLOCK_LEAD_CHARS before it: a clock time may follow, which
# TIME_AFTER then tells; without one, none can.
_DIGIT_SOON = r"(?=" + CLOCK_LEAD_CHARS + r"{0,11}+(?P<digit>[0-9]))?"
_NUMERIC = re.compile(_DAY_MONTH + _DIGIT_SOON, FLAGS)
# The long date with its year, as _sentence() reads it with VI_LONG ('ngày 22 tháng 8 năm 2022', '15 thg 5, 2024').
_LONG_DATE = named(expand(LONG_DAY_MONTH + LONG_YEAR), "l")
# A range, or a list of days of one month ('Từ ngày 7 - 9/6', 'từ ngày 15 đến 30/9', 'Các ngày 20 và 21/12'), where the
# scanner's _at() tries _range_at() before any other form: the first day followed by ',', or by spaces and '-', 'đến',
# 'tới' or 'và' within the 9 characters _at() looks at ('7-9/6' goes to _dmy_at() first: left to the scanner). Atomic,
# as _RANGE.match() commits to its first reading: what follows must not make the regex engine try another.
_RANGE_DATE = r"(?=[0-9]{1,2}+(?:,|\s{1,6}(?:-|đến|tới|và)))(?>" + named(RANGE, "r") + ")"
# The commonest sentences: the announcing word, one space, the date ('Sáng 18/7, …', '… vào ngày 22/9.'): the word
# in one of its three usual cases (lower() gives the word in each), glue, and the date with the tests after it, in one
# match.
# Two words announce too ('Hôm qua (14/3)', 'Sáng nay 8/10', 'Thứ Hai 18/7'), at the start of a text.
_PAIRS = [
    (first, second)
    for first in ("hôm", "ngày", "sáng", "trưa", "chiều", "tối", "đêm", "khuya", "thứ", "chủ")
    for second in sorted(_SECOND_WORDS)
    if announces_date([first, second]) and not names_number([first, second])
]


def _forms(word: str) -> list[str]:
    """The word in its three usual cases: lower() gives the word back from each."""
    return sorted({word, word.capitalize(), word.upper()})


def _alternatives(spellings: list[tuple[str, str]]) -> str:
    """A pattern of spellings, each with the pattern that must follow it, tried in their order and grouped by first
    letter: the regex engine rules out an alternative that starts with another letter at once, not one in a group."""
    groups: dict[str, list[str]] = {}
    for spelling, after in spellings:
        groups.setdefault(spelling[0], []).append(re.escape(spelling[1:]) + after)
    return "(?:" + "|".join(
        re.escape(first) + (rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")")
        for first, rests in groups.items()
    ) + ")"


def _opening_words(first: str) -> list[tuple[str, str]]:
    """The spellings of a word that announces a date, each with the word it may take after it ('hôm qua')."""
    seconds = sorted((b for a, b in _PAIRS if a == first), key=len, reverse=True)
    if not seconds:
        return [(spelling, "") for spelling in _forms(first)]
    pair = r"(?:\ " + _alternatives([(spelling, "") for second in seconds for spelling in _forms(second)]) + ")"
    if first in _ANNOUNCING:
        pair += "?"  # with the word after it if it can, alone if not; 'thứ', 'chủ' only with their second
    return [(spelling, pair) for spelling in _forms(first)]


# The commonest first: the regex engine tries alternatives one by one.
_COMMONEST = ("ngày", "sáng", "chiều", "tối", "hôm", "trưa", "thứ", "đêm", "khuya", "mùng", "mồng", "chủ", "cn")
_OPENERS = sorted(_ANNOUNCING | {a for a, _ in _PAIRS}, key=_COMMONEST.index)
# The first letters of those words in their three cases: one cheap test where the text gives back a character.
_INITIALS = "".join(sorted({c for w in _OPENERS for c in (w[0], w[0].upper())}))
# A document's number before its date ('Quyết định số 1234/QĐ-UBND ngày 18/7/2022'): digits, '/' and a letter, where
# no date of the scanner starts (_at() finds none: each form needs a digit or a space after the '/').
_DOCUMENT_NUMBER = r"[0-9]+/(?=[^\W\d_])"
# The first number of the text, announced by the word (or two) before it, at the start of the text or after a space,
# with the scanner's tests after it: a d/m or d/m/yyyy, a long date or a range. The text before the number is taken
# whole ((?a:\D*) is [^0-9]* with a cheaper test), then given back from its end until such a word stands there, so
# one call finds the word nearest the date ('Rạng sáng 12/10', 'Sáng nay 8/10').
_WORDS = [w for first in _OPENERS for w in _opening_words(first)]
_MARK = "[" + re.escape(MARKS) + "]"


def _no_light_word(marks: str) -> str:
    """Lookbehinds, after 'sáng': no word of light (BRIGHT_ENDS) ends right before these marks and the space."""
    by_length: dict[int, list[str]] = {}
    for word in BRIGHT_ENDS:
        by_length.setdefault(len(word), []).append(re.escape(word))
    return "".join(rf"(?<!(?:{'|'.join(words)}){marks}\ sáng)" for words in by_length.values())


# 'sáng' in the middle of a text after a token whose letters, and at most two marks after them, end in no word of
# light ('Rạng sáng', 'Hà Nội: Sáng', '(GLO)- Sáng'), or after a token of one or two marks ('VOV.VN - Sáng'), is
# morning as the scanner reads it. After any other token (or a tab, or a newline) an empty group asks sentence() for
# the closer look, lights(); every other word needs none. Under IGNORECASE a word of light also takes 'ſ' and the
# Turkish i's: such a token gets the closer look.
_SANG_TO_LOOK_AT = (
    r"(?:(?<=\ssáng)(?!"
    + "|".join(
        [rf"(?<=[^\W_]{marks}\ sáng){_no_light_word(marks)}" for marks in ("", _MARK, _MARK * 2)]
        + [rf"(?<=(?<!\S){marks}\ sáng)" for marks in (_MARK, _MARK * 2)]
    )
    + ")(?P<look>)|)"
)
# As much glue as keeps the longest word within words_before's reach of the date (REACH characters before it); a
# word further away is left to _sentence().
_LONGEST_WORD = max(*(len(f"{a} {b}") for a, b in _PAIRS), *map(len, _OPENERS))
_ANNOUNCED_DATE = (
    r"(?=[" + _INITIALS + "])"
    + "(?-i:(?P<word>" + _alternatives(_WORDS) + "))"
    + _SANG_TO_LOOK_AT
    + f"[{re.escape(GLUE)}]{{1,{REACH - _LONGEST_WORD}}}"
    + "(?P<date>" + _DAY_MONTH + "|" + _LONG_DATE + "(?!" + _ENDED + ")|" + _RANGE_DATE + "(?!" + _ENDED + "))"
    + _DIGIT_SOON
)
# The word starts the text or follows a plain space, the regex engine's cheapest test: it gives characters back to
# the spaces only. A word after another space ('\n', '\t') is left to _sentence(), which reads any glue.
_ANNOUNCED = re.compile(r"(?:(?a:\D*)\ )?" + _ANNOUNCED_DATE, FLAGS)
_READ_GROUPS = ("word", "look", "date", "d", "m", "y", "ld", "lm", "lma", "ly", "ly2", "digit")
assert [_ANNOUNCED.groupindex[name] for name in _READ_GROUPS] == [1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 24], (
    "sentence() reads the groups by number"
)
# The day and month of each d/m that is a day in some year ('18/7', '08-07', '29/2'), by its text: one look-up instead
# of two numbers read and is_real_date()'s tests without a year.
_DAY_MONTHS = {
    f"{day_s}{sep}{month_s}": (day, month)
    for month in range(1, 13)
    for day in range(1, MONTH_DAYS[month] + 1)
    for day_s in {str(day), f"{day:02d}"}
    for month_s in {str(month), f"{month:02d}"}
    for sep in "/-"
}
_RANGE_NUMBERS = tuple(_ANNOUNCED.groupindex["r" + name] for name in RANGE_GROUPS)  # range_first()'s, by number


@cache
def _announced_after_numbers() -> re.Pattern[str]:
    """_ANNOUNCED after document numbers: tried only when _ANNOUNCED fails, as the numbers' group costs every match a
    little; compiled on first use, as it takes as long as _ANNOUNCED (about 6 ms) and most texts never need it."""
    return re.compile(r"(?a:\D*)(?:" + _DOCUMENT_NUMBER + r"(?a:\D*))+(?<!\S)" + _ANNOUNCED_DATE, FLAGS)


# Where a relative word may be: each holds 'nay', 'qua', 'kia', 'mai' or 'day' in either case (REL_WORD takes only i and
# I for 'i'; the Kelvin sign that IGNORECASE takes for 'k' is a K after clean(), which is NFC). A search from the 'a'
# of each is cheaper than lowering the text and looking for each word, and one that starts with a plain character
# lets the regex engine skip to each 'a' at once: one search for 'a', and one for 'A' in a text that holds one (tests
# try every spelling REL_WORD matches).
_AROUND_A = r"{a}(?:(?<=[nNdD]{a})[yY]|(?<=[mM]{a})[iI]|(?<=[qQkK][uUiI]{a}))"
_HINT_LOWER = re.compile(_AROUND_A.format(a="a"))
_HINT_UPPER = re.compile(_AROUND_A.format(a="A"))
# The pairs that are relative words themselves ('hôm qua', 'sáng nay'): at the start of a text, the scanner takes such a
# pair for the date unless only REL_GLUE stands between it and the number, which of the glue here excludes '.' and '#'.
_RELATIVE_PAIRS = frozenset(
    f"{first} {second}"
    for a, b in _PAIRS
    if REL_WORD.fullmatch(f"{a} {b}")
    for first in _forms(a)
    for second in _forms(b)
)  # as _ANNOUNCED spells them
assert all(c in " \t\n\r,:.#(" for c in GLUE) and all(REL_GLUE.fullmatch(c) for c in GLUE if c not in ".#")
assert not any(REL_GLUE.fullmatch(c) for c in ".#")


def sentence(text: str, ref: object) -> date | None | object:
    """What the scanner reads in clean text whose first number is an announced date, or NOT_WHOLE."""
    # 'Sáng 18/7, …', '(GLO)- Sáng 18/7, …', '… vào ngày 22/9.', 'Quyết định số 1234/QĐ-UBND ngày 18/7/2022'
    m = _ANNOUNCED.match(text) or _announced_after_numbers().match(text)
    if m is None:
        first = _FIRST_DIGIT.search(text)
        if first is None:
            return NOT_WHOLE
        start = first.start()
        if start == 0 or text[start - 1] not in GLUE:
            return NOT_WHOLE  # the number is glued to a word, or no word is before it
        return _sentence(text, start, ref)
    # word (1), a 'sáng' to look at (2), date (3): d, m, y of d/m/y (4-7, with sep), d of the long date (8, then m,
    # abbr, ma, y, y2), the first day of a range (14, then RANGE's other groups); the digit after (24)
    word, look, raw_date, digit_after = m.group(1, 2, 3, 24)
    opens = m.start(1)
    # The tests of _sentence() that the match leaves: a relative word the scanner would weigh, 'sáng' after a word
    # of light. (The glue the match takes keeps the word within words_before's reach.)
    if opens == 0:
        # Only the word (or two) and glue stand before the date: a relative word can only be those two words
        # ('Hôm qua (14/3)'), which is the answer unless only glue follows them.
        if word in _RELATIVE_PAIRS:
            glue = text[m.end(1) : m.start(3)]
            if "." in glue or "#" in glue:
                return NOT_WHOLE
    else:
        # A relative word before the date is the two words themselves ('đêm qua') or lies wholly before them: it
        # cannot reach into glue, the date or an opening word (none is the second word of a relative one).
        end = m.end(1) if " " in word else opens
        if (
            _HINT_LOWER.search(text, 0, end) or "A" in text and _HINT_UPPER.search(text, 0, end)
        ) and _relative_first(text, m.start(3)):
            return NOT_WHOLE
        # 'sáng' after a token the match could not tell: light if the token's last letters are a word of light
        # ('ánh sáng 3/4'), as words_before's window and lights() tell
        if look is not None:
            start = m.start(3)
            before = text[start - REACH if start > REACH else 0 : opens].lower().rsplit(None, 1)
            if before and lights(before[-1]):
                return NOT_WHOLE
    if digit_after is not None and _CLOCK_AFTER.match(text, m.end()):
        return NOT_WHOLE  # a clock time after the date: the scanner's to attach
    day_month = _DAY_MONTHS.get(raw_date)
    if day_month is not None:  # the commonest date: d/m, a day in some year
        day, month = day_month
        # _numeric()'s answers without the call: within four months of a date ref this year's, nearest() further.
        if type(ref) is date:
            if -4 <= month - ref.month <= 4 and (day != 29 or month != 2):
                return date(ref.year, month, day)
            return nearest(day, month, ref)
        return _numeric(text, m.end(), day, month, None, None, ref)
    if m.start(4) >= 0:  # d/m/yyyy (the year after the d/m's 5 characters at most), or a d/m that is no day
        day_month = _DAY_MONTHS.get(raw_date[:-5]) if len(raw_date) > 5 else None
        year = _YEARS.get(raw_date[-4:])
        if day_month is None or year is None:
            return NOT_WHOLE  # no such day, or a year out of range: the scanner reads none here either
        day, month = day_month
        if day == 29 and month == 2 and not is_real_date(year, month, day):
            return NOT_WHOLE
        return date(year, month, day)
    # The long date, read as _sentence() reads it, only after 'ngày', 'mùng' or 'mồng'; a range, which _range_at()
    # takes after these and 'từ' (not among the words here)
    if word.lower() not in LONG_OPENERS:
        return NOT_WHOLE
    long_day, long_month, abbr_month, long_year, year_after = m.group(8, 9, 11, 12, 13)
    if long_day is None:  # a range
        first = range_first(*m.group(*_RANGE_NUMBERS))
        if first is None:
            return NOT_WHOLE
        return _numeric(text, m.end(), *first, None, ref)
    raw_month = long_month or abbr_month
    day, month = _NUMBER[long_day], _NUMBER.get(raw_month) or month_number(raw_month) or 0
    year = int(long_year or year_after)
    return date(year, month, day) if is_real_date(year, month, day) else NOT_WHOLE


def _relative_first(text: str, start: int) -> bool:
    """The scanner's test: the first relative word before the date is the answer unless only glue stands
    between them ('Hôm qua (14/3)' is the 14th; 'Hôm nay, chiều qua (17/7)' is today)."""
    relative = REL_WORD.search(text, 0, start + 12)
    return relative is not None and relative.start() < start and not REL_GLUE.fullmatch(text, relative.end(), start)


def _numeric(
    text: str, end: int, day: int, month: int, year: int | None, digit_after: str | None, ref: object
) -> date | None | object:
    """The value of an announced d/m or d/m/yyyy that ends at end, or NOT_WHOLE."""
    if year is None:
        if not (0 < month < 13 and 0 < day <= MONTH_DAYS[month]):
            return NOT_WHOLE  # is_real_date() of a year-less date, without the call
    elif not is_real_date(year, month, day):
        return NOT_WHOLE
    if digit_after is not None and _CLOCK_AFTER.match(text, end):
        return NOT_WHOLE  # a clock time after the date
    if year is not None:
        return date(year, month, day)
    if type(ref) is date:  # reference() of a date is that date
        if -4 <= month - ref.month <= 4 and (month != 2 or day < 29):
            return date(ref.year, month, day)  # nearest()'s first answer, without the call
        return nearest(day, month, ref)
    ref_day, _ = reference(ref)
    return None if ref_day is None else nearest(day, month, ref_day)


def _sentence(text: str, start: int, ref: object) -> date | None | object:
    """sentence() of a text whose first digit is at start, after glue: any words before it, any glue."""
    # One lower() serves both the word before the date and the test for a relative word, which reads
    # the text up to 12 characters past the date's first digit (relative_hint's text, lowered).
    low = text[: start + 12].lower()
    if "\u0307" in low:
        return NOT_WHOLE  # 'İ' lowers to two characters: the offsets in low would be off
    tokens = low[start - REACH if start > REACH else 0 : start].rstrip(GLUE).rsplit(None, 2)
    if not tokens:
        return NOT_WHOLE
    word = tokens[-1]  # the last of words_before(text, start); tokens[-2] the one before it
    if word in _ANNOUNCING:
        if word == "sáng" and len(tokens) > 1 and not announces_date([word_of(tokens[-2]), word]):
            return NOT_WHOLE  # 'ánh sáng 3/4' is light, not morning (alone, 'sáng' is morning)
    elif word in _SECOND_WORDS and len(tokens) > 1:
        pair = [word_of(tokens[-2]), word]
        if not announces_date(pair) or names_number(pair):
            return NOT_WHOLE
    else:
        return NOT_WHOLE
    if start >= 5 and ("hôm" in low or "nay" in low or "qua" in low or "mai" in low or "day" in low):
        if _relative_first(text, start):
            return NOT_WHOLE
    m = _NUMERIC.match(text, start)
    if m is not None:
        raw_day, _, raw_month, raw_year, digit_after = m.groups()
        year = None if raw_year is None else int(raw_year)
        return _numeric(text, m.end(), _NUMBER[raw_day], _NUMBER[raw_month], year, digit_after, ref)
    if word in LONG_OPENERS:
        m = VI_LONG.match(text, start)  # 'ngày 22 tháng 8 năm 2022'
        if m is None:
            return NOT_WHOLE
        raw_day, raw_month, abbr_month, raw_year, year_after = m.group("d", "m", "ma", "y", "y2")
        if not (raw_year or year_after):
            return NOT_WHOLE
        raw_month = raw_month or abbr_month
        day, month = _NUMBER[raw_day], _NUMBER.get(raw_month) or month_number(raw_month) or 0
        year = int(raw_year or year_after)
        end = m.end()
        if glued_after(text, end) or LUNAR.match(text, end):
            return NOT_WHOLE
        if not is_real_date(year, month, day):
            return NOT_WHOLE
        if NUM.search(text, end, end + 12) is not None and _CLOCK_AFTER.match(text, end) is not None:
            return NOT_WHOLE  # a clock time after the date
        return date(year, month, day)
    return NOT_WHOLE
