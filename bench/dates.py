"""Benchmark of the date reader against dateparser on the shared Vietnamese date cases.

Run by hand from the repository root: `python bench/dates.py` (`--cases N` also prints the N
slowest cases of ours). It prints, in one run:

- the median per-call time of `crawler.dates.parse_datetime(text, ref)` and of
  `dateparser.parse(text, languages=['vi'], settings={'RELATIVE_BASE': ref_datetime})` over the
  case file (each case timed as the best of several rounds of repeated calls, like `timeit`), and
  their ratio;
- the accuracy of both on the shared cases, judged as the tests judge ours (the date, and the hour
  and minute when the expected value has a time; None for non-dates);
- how many of the cases that hold no date (expected None) each reads as a date: ours must be 0;
- the import time of `crawler.dates` in a fresh interpreter (best of several).

Each case's text is parsed over and over; that measures parsing only because the reader keeps no
cache of results per text (its only cache is of time-zone objects, keyed by zone names).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.dates import TZ, parse_datetime  # noqa: E402

CASES = ROOT / "tests" / "data" / "vi-dates.jsonl"


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
    """Seconds per call: best of `rounds` rounds, each repeating the call for `budget` seconds."""
    call()  # warm caches the first call fills
    start = time.perf_counter()
    call()
    once = max(time.perf_counter() - start, 1e-7)
    repeat = max(1, min(2000, int(budget / once)))
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            call()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def import_time(runs: int = 5) -> float:
    """Seconds to import crawler.dates in a fresh interpreter (best of runs)."""
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[1]); t = time.perf_counter(); "
        "import crawler.dates; print(time.perf_counter() - t)"
    )
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip()))
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=0, help="print the N slowest cases of ours")
    args = parser.parse_args()

    import dateparser

    cases = load_cases()
    ours_times, theirs_times, ours_ok, theirs_ok, slow = [], [], 0, 0, []
    ours_false, theirs_false = 0, 0  # non-dates read as dates
    for case in cases:
        text, ref, base = case["text"], reference(case), naive_reference(case)

        def ours(text: str = text, ref: date | datetime = ref) -> object:
            return parse_datetime(text, ref)

        def theirs(text: str = text, base: datetime = base) -> object:
            return dateparser.parse(text, languages=["vi"], settings={"RELATIVE_BASE": base})

        ours_value, theirs_value = parse_datetime(text, ref), theirs()
        ours_ok += ours_right(case, ours_value)
        theirs_ok += theirs_right(case, theirs_value)
        if case["expected"] is None:
            ours_false += ours_value is not None
            theirs_false += theirs_value is not None
        ours_times.append(per_call(ours))
        theirs_times.append(per_call(theirs, budget=0.01, rounds=3))
        slow.append((ours_times[-1], text))

    ours_median = statistics.median(ours_times)
    theirs_median = statistics.median(theirs_times)
    total = len(cases)
    print(f"cases: {total}")
    print(f"crawler.dates median per call: {ours_median * 1e6:8.2f} us")
    print(f"dateparser    median per call: {theirs_median * 1e6:8.2f} us")
    print(f"ratio (dateparser / ours):     {theirs_median / ours_median:8.1f} x")
    print(f"crawler.dates accuracy: {ours_ok}/{total} = {ours_ok / total:.1%}")
    print(f"dateparser    accuracy: {theirs_ok}/{total} = {theirs_ok / total:.1%}")
    non_dates = sum(1 for case in cases if case["expected"] is None)
    print(f"non-dates read as dates: crawler.dates {ours_false}/{non_dates}, dateparser {theirs_false}/{non_dates}")
    print(f"import crawler.dates: {import_time() * 1e3:.1f} ms")
    for seconds, text in sorted(slow, reverse=True)[: args.cases]:
        print(f"  {seconds * 1e6:7.2f} us  {text[:70]!r}")


if __name__ == "__main__":
    main()
