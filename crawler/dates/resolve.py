"""Turning a found date expression into a value, against what the crawler knows (the ref).

A year-less date takes the year that puts it nearest to the ref; a relative one counts back from
it. Without a ref neither has a value: a year is never invented.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from crawler.dates.scan import Found
from crawler.dates.words import MAX_YEAR, MIN_YEAR, TZ


def reference(ref: object) -> tuple[date | None, datetime | None]:
    """(local day, local moment or None) of a ref, a date or a datetime (naive: Vietnam time)."""
    if isinstance(ref, datetime):
        try:
            local = ref.astimezone(TZ) if ref.tzinfo is not None else ref.replace(tzinfo=TZ)
        except (OverflowError, ValueError):  # the first or last day a datetime can hold
            return ref.date(), None
        return local.date(), local
    if isinstance(ref, date):
        return ref, None
    return None, None


def nearest(day: int, month: int, ref: date) -> date | None:
    """The date of this day and month nearest to ref (earlier on a tie); 29/2 looks further out."""
    # Answered at once from the months apart: within 4, this year's date is under 153 days away;
    # 8 or more, the year before's (or after's) is under 155 days away and the other over 200.
    shift = month - ref.month
    if -4 <= shift <= 4:
        year = ref.year
    elif shift >= 8 or shift <= -8:
        year = ref.year - 1 if shift > 0 else ref.year + 1
        if not MIN_YEAR <= year <= MAX_YEAR:
            year = 0
    else:
        year = 0
    if year and (month != 2 or day < 29):
        try:
            return date(year, month, day)
        except ValueError:
            pass  # past the years a date can hold
    try:
        value = date(ref.year, month, day)
    except ValueError:
        pass
    else:
        if abs((value - ref).days) < 182:  # then no other year is nearer: answered at once
            return value
    best: date | None = None
    for years in (1, 4):
        for year in range(ref.year - years, ref.year + years + 1):
            if not MIN_YEAR <= year <= MAX_YEAR:
                continue
            try:
                value = date(year, month, day)
            except ValueError:
                continue
            if best is None or abs((value - ref).days) < abs((best - ref).days):
                best = value
        if best is not None:
            return best
    return None


def _months_back(day: date, months: int) -> date:
    """The same day `months` months earlier, or that month's last: 31/3 a month back is 28/2."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"no month {month + 1} in year {year}")


def _back(unit: str, amount: int, ref_day: date, ref_moment: datetime | None) -> date | datetime:
    """ref less `amount` of `unit` ('s', 'd', 'm' or 'y'): a datetime only for seconds and a timed ref."""
    if unit == "s":
        # Without a clock time in ref, 'N giờ trước' can only be placed on ref's day.
        if ref_moment is None:
            return ref_day
        return (ref_moment - timedelta(seconds=amount)).astimezone(TZ)
    if unit == "d":
        return ref_day - timedelta(days=amount)
    return _months_back(ref_day, amount if unit == "m" else 12 * amount)


def counted_back(unit: str, amount: int, ref: object) -> date | datetime | None:
    """'3 ngày trước' ('d', 3) against ref, with no clock time of its own; None without a ref."""
    ref_day, ref_moment = reference(ref)
    if ref_day is None:
        return None
    try:
        return _back(unit, amount, ref_day, ref_moment)
    except (OverflowError, ValueError):  # '999 năm trước' and the like
        return None


def _relative(found: Found, ref_day: date, ref_moment: datetime | None) -> date | datetime:
    day = _back(found.rel_unit or "d", found.rel_amount, ref_day, ref_moment)
    if found.hour is None or isinstance(day, datetime):
        return day
    return datetime(day.year, day.month, day.day, found.hour, found.minute, found.second, tzinfo=TZ)


def resolve(found: Found, ref: object = None) -> date | datetime | None:
    """A date, or an aware datetime in Vietnam time when a time of day is known; None without a ref
    for year-less and relative forms."""
    ref_day, ref_moment = reference(ref)
    if found.rel_unit is not None:
        if ref_day is None:
            return None
        try:
            return _relative(found, ref_day, ref_moment)
        except (OverflowError, ValueError):  # '9999 năm trước' and the like
            return None
    if found.year is None:
        if ref_day is None:
            return None  # never invent a year
        day = nearest(found.day, found.month, ref_day)
        if day is None:
            return None
    else:
        day = date(found.year, found.month, found.day)
    if found.hour is None:
        return day
    moment = datetime(
        day.year, day.month, day.day, found.hour, found.minute, found.second, tzinfo=found.tz or TZ
    )
    return moment if found.tz is None else moment.astimezone(TZ)
