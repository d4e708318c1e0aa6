"""Benchmark of the date reader against dateparser on the shared Vietnamese date cases.

Run by hand from the repository root: `python -m bench.dates` (`--cases N` also prints the N
slowest cases of ours; `--no-fast-path` times ours without the fast path for whole date lines, to
see what that path is worth). Over the cases of tests/data/vi-dates.jsonl it prints, in one run:

- the median per-call time of `crawler.dates.parse_datetime(text, ref)` and of
  `dateparser.parse(text, languages=['vi'], settings={'RELATIVE_BASE': ref_datetime})` (each case
  timed as the best of several rounds of repeated calls, like `timeit`, in CPU time of this process
  so that other work on the machine does not inflate it), and their ratio: over all cases, then over
  the date lines and over the running text apart (see `running_text`);
- the accuracy of both on the shared cases, judged as the tests judge ours (the date, and the hour
  and minute when the expected value has a time; None for non-dates);
- how many of the cases that hold no date (expected None) each reads as a date: ours must be 0;
- the import time of `crawler.dates` in a fresh interpreter (best of several).

Each case's text is parsed over and over; that measures parsing only because the reader keeps no
cache of results per text (its only cache is of time-zone objects, keyed by zone names).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from crawler.dates import TZ, _read, parse_datetime

ROOT = Path(__file__).resolve().parent.parent

CASES = ROOT / "tests" / "data" / "vi-dates.jsonl"

# The words of a date line besides its numbers: labels, weekdays, parts of the day, month names,
# clock and relative words, in Vietnamese and English.
_DATE_WORDS = frozenset("""
    ngày tháng năm thứ hai ba tư bốn sáu bảy bẩy mười một chủ nhật cn thg giờ phút giây lúc vào hồi
    sáng trưa chiều tối đêm khuya rạng sớm hôm nay qua kia mai trước cách đây từ đến tới hết và các
    mùng mồng sa ch am pm gmt utc đăng cập xuất bản tin thời gian âm lịch tuần tiếng ago at of on
    jan feb mar apr may jun jul aug sep oct nov dec january february march april june july august
    september october november december mon tue wed thu fri sat sun monday tuesday wednesday
    thursday friday saturday sunday
""".split())
_LETTERS = re.compile(r"[^\W\d_]+")


def running_text(text: str) -> bool:
    """Whether a case is running text rather than a date line.

    Running text is a sentence or a paragraph: words of the news around the date ('Sáng 18/7, Sở
    GD&ĐT tỉnh Nghệ An tổ chức hội nghị', 'Quyết định số 1234/QĐ-SGDĐT ngày 18/7/2022 của Giám đốc
    Sở'). A date line is a date as a page's date element shows it, alone or with its label and a
    little furniture ('Thứ Hai, 18/07/2022 08:30', 'Cập nhật lúc: 08:30 18/07/2022', 'Lượt xem: 125 |
    Ngày đăng: 18/07/2022'). The rule: once the words holding a digit and the date's own words
    (_DATE_WORDS) are set aside, running text has at least three words left.
    """
    text = unicodedata.normalize("NFC", html.unescape(text)).lower()
    words = (w for token in text.split() if not any(c.isdigit() for c in token) for w in _LETTERS.findall(token))
    return sum(1 for w in words if w not in _DATE_WORDS) >= 3


def load_cases() -> list[dict]:
    with CASES.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def reference(case: dict) -> date | datetime:
    """The case's ref: a date, or an aware Vietnam-time datetime when it gives a time of day."""
    day = date.fromisoformat(case["ref"])
    if case.get("ref_time"):
        hour, minute = (int(part) for part in case["ref_time"].split(":"))
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
    return day


def naive_reference(case: dict) -> datetime:
    """The ref as dateparser's RELATIVE_BASE takes it: a naive datetime in Vietnam time."""
    ref = reference(case)
    if isinstance(ref, datetime):
        return ref.replace(tzinfo=None)
    return datetime(ref.year, ref.month, ref.day)


def rendered(value: date | datetime | None, expected: str | None) -> str | None:
    """The value in the form of `expected`: 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM' in Vietnam time."""
    if value is None:
        return None
    if isinstance(value, datetime):
        local = value.astimezone(TZ) if value.tzinfo else value
        if expected is not None and "T" not in expected:
            return local.date().isoformat()
        return local.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def ours_right(case: dict, value: date | datetime | None) -> bool:
    expected = case["expected"]
    if expected is None or value is None:
        return expected is None and value is None
    if "T" in expected:
        return isinstance(value, datetime) and rendered(value, expected) == expected
    # A date-only expectation wants a date, except relative forms that carry a time anyway.
    return not isinstance(value, datetime) and value.isoformat() == expected


def theirs_right(case: dict, value: datetime | None) -> bool:
    """dateparser always answers a datetime: compare what the expected value states."""
    return rendered(value, case["expected"]) == case["expected"]


def per_call(call: Callable[[], object], budget: float = 0.02, rounds: int = 5) -> float:
    """CPU seconds per call: best of `rounds` rounds, each repeating the call for `budget` seconds."""
    call()  # warm caches the first call fills
    start = time.process_time()
    call()
    once = max(time.process_time() - start, 1e-7)
    repeat = max(1, min(2000, int(budget / once)))
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(repeat):
            call()
        best = min(best, (time.process_time() - start) / repeat)
    return best


def import_time(runs: int = 5) -> float:
    """Seconds to import crawler.dates in a fresh interpreter (best of runs)."""
    code = (
        "import time; t = time.perf_counter(); "
        "import crawler.dates; print(time.perf_counter() - t)"
    )
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip()))
    return min(times)


def _figures(label: str, cases: list[dict], ours: list[float], theirs: list[float], target: str = "") -> None:
    """The medians and their ratio over some cases, in microseconds."""
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    print(f"{label:13} {len(cases):4d} cases   crawler.dates {ours_median * 1e6:7.2f} us   "
          f"dateparser {theirs_median * 1e6:8.2f} us   ratio {theirs_median / ours_median:7.1f} x{target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=0, help="print the N slowest cases of ours")
    parser.add_argument("--no-fast-path", action="store_true",
                        help="time ours without the fast path for whole date lines (the scanner reads all)")
    args = parser.parse_args()

    import dateparser

    cases = load_cases()
    ours_times, theirs_times, ours_ok, theirs_ok, slow = [], [], 0, 0, []
    ours_false, theirs_false = 0, 0  # non-dates read as dates
    fast = not args.no_fast_path
    for case in cases:
        text, ref, base = case["text"], reference(case), naive_reference(case)

        def ours(text: str = text, ref: date | datetime = ref) -> object:
            return parse_datetime(text, ref) if fast else _read(text, ref, fast=False)

        def theirs(text: str = text, base: datetime = base) -> object:
            return dateparser.parse(text, languages=["vi"], settings={"RELATIVE_BASE": base})

        ours_value, theirs_value = ours(), theirs()
        ours_ok += ours_right(case, ours_value)
        theirs_ok += theirs_right(case, theirs_value)
        if case["expected"] is None:
            ours_false += ours_value is not None
            theirs_false += theirs_value is not None
        ours_times.append(per_call(ours))
        theirs_times.append(per_call(theirs, budget=0.01, rounds=3))
        slow.append((ours_times[-1], text))

    total = len(cases)
    print(f"cases: {total} ({CASES.name})" + ("" if fast else "; ours without the fast path"))
    print("median per call, and the ratio dateparser / ours:")
    _figures("all", cases, ours_times, theirs_times)
    for label, wanted in (("date lines", False), ("running text", True)):
        picked = [i for i, case in enumerate(cases) if running_text(case["text"]) is wanted]
        _figures(label, [cases[i] for i in picked], [ours_times[i] for i in picked], [theirs_times[i] for i in picked],
                 " (target >= 100)")
    print(f"crawler.dates accuracy: {ours_ok}/{total} = {ours_ok / total:.1%}")
    print(f"dateparser    accuracy: {theirs_ok}/{total} = {theirs_ok / total:.1%}")
    non_dates = sum(1 for case in cases if case["expected"] is None)
    print(f"non-dates read as dates: crawler.dates {ours_false}/{non_dates}, dateparser {theirs_false}/{non_dates}")
    print(f"import crawler.dates: {import_time() * 1e3:.1f} ms")
    for seconds, text in sorted(slow, reverse=True)[: args.cases]:
        print(f"  {seconds * 1e6:7.2f} us  {text[:70]!r}")


if __name__ == "__main__":
    main()
