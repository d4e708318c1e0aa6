import itertools
import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.dates import (
    TZ,
    DateCandidate,
    DateChoice,
    Dateline,
    _read,
    date_from_url,
    find_dateline,
    parse_datetime,
    pick_published,
    to_iso,
)
from crawler.dates import context as dates_context
from crawler.dates import dateline as dates_dateline
from crawler.dates import fast as dates_fast
from crawler.dates import scan as dates_scan
from crawler.dates import text as dates_text
from crawler.dates.dateline import dateline_span
from crawler.dates.fast import CLOCK_LEAD_CHARS, NOT_WHOLE, sentence
from crawler.dates.scan import CLOCK_LEAD, REL_WORD
from crawler.dates.text import _TABLE, _UNUSUAL, clean, clean_mapped
from crawler.dates.words import FLAGS

ROOT = Path(__file__).resolve().parent.parent
CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "vi-dates.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
REF = date(2022, 7, 20)


def case_ref(case: dict) -> date | datetime:
    day = date.fromisoformat(case["ref"])
    if case.get("ref_time"):
        hour, minute = (int(part) for part in case["ref_time"].split(":"))
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
    return day


def shown(value: date | datetime | None) -> str | None:
    """'YYYY-MM-DD' for a date, 'YYYY-MM-DDTHH:MM' (Vietnam time) for a datetime, None for None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        assert value.tzinfo is not None, "datetimes must be aware"
        assert value.utcoffset() == value.astimezone(TZ).utcoffset(), (
            "datetimes must be in Vietnam time"
        )
        return value.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


# --- the shared cases ---


@pytest.mark.parametrize("case", CASES, ids=[f"{i:03d}-{c['kind']}" for i, c in enumerate(CASES)])
def test_shared_case(case):
    got = parse_datetime(case["text"], case_ref(case))
    expected = case["expected"]
    if expected is None:
        assert got is None
    elif "T" in expected:
        assert isinstance(got, datetime)
        assert shown(got) == expected
    else:
        assert type(got) is date, f"a date-only expectation wants a date, got {got!r}"
        assert got.isoformat() == expected


def test_shared_cases_cover_every_kind():
    kinds = {case["kind"] for case in CASES}
    assert len(CASES) == 147  # the 129 shared reference strings, then running-text sentences
    assert {"dateline", "relative", "range", "non-date", "nfd", "impossible"} <= kinds


@pytest.mark.parametrize("case", CASES, ids=[f"{i:03d}" for i in range(len(CASES))])
def test_fast_path_answers_as_the_scanner_does(case):
    ref = case_ref(case)
    assert _read(case["text"], ref) == _read(case["text"], ref, fast=False)


# --- dates in running text: lists of days, abbreviated months, a time before the weekday ---

RUNNING = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "vi-dates-running.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


def entity_encoded(text: str) -> str:
    """text as a page may escape it: '&amp;' for '&', a numeric entity for every other non-ASCII character."""
    text = text.replace("&", "&amp;")
    return "".join(c if c.isascii() else f"&#{ord(c)};" for c in text)


@pytest.mark.parametrize("case", RUNNING, ids=[f"{i:03d}-{c['kind']}" for i, c in enumerate(RUNNING)])
def test_running_text_case(case):
    ref, expected = case_ref(case), case["expected"]
    text = case["text"]
    for variant in (text, unicodedata.normalize("NFD", text), entity_encoded(text), text.replace(" ", "\u00a0")):
        got = parse_datetime(variant, ref)
        assert shown(got) == expected, variant
        if expected is not None and "T" not in expected:
            assert type(got) is date
    assert _read(text, ref) == _read(text, ref, fast=False)


def test_running_text_cases_cover_every_form():
    kinds = {case["kind"] for case in RUNNING}
    assert {"day-list", "month-abbr", "month-en", "time-weekday-date", "non-date"} <= kinds
    assert all(unicodedata.is_normalized("NFC", case["text"]) for case in RUNNING)


# --- the fast path: the whole date lines it reads, each as the scanner reads it ---

WHOLE_LINES = [
    ("Tháng Bảy 18, 2022", "2022-07-18"),
    ("THÁNG MƯỜI MỘT 20 2022", "2022-11-20"),
    ("18 tháng 7, 2022", "2022-07-18"),
    ("Thứ Hai, 18 tháng Bảy, 2022 08:30", "2022-07-18T08:30"),
    ("18/7/22 08:30", "2022-07-18T08:30"),
    ("Thứ Hai, 18/07/2022, 9:45 CH", "2022-07-18T21:45"),
    ("18/07/2022 12:10:00 SA", "2022-07-18T00:10"),
    ("Cập nhật lúc: 08:30 18/07/2022", "2022-07-18T08:30"),
    ("Ngày cập nhật: 18/07/2022 08:30", "2022-07-18T08:30"),
    ("  Thứ Hai ,  18/07/2022   -   08:30  ", "2022-07-18T08:30"),
    ("3 ngày trước", "2022-07-17"),
    ("Sáng nay", "2022-07-20"),
    ("hôm kia", "2022-07-18"),
    ("2 hours ago", "2022-07-20"),  # a date ref has no clock time: its day
    # a line that is one date of no real day holds no other date
    ("31/02/2022 08:30", None),
    ("Ngày 31 tháng 4 năm 2022", None),
    ("2022-02-31", None),
    ("Tháng 1 12022", None),  # the day runs on into the year
    ("2022 ngày trước", None),  # four digits are a year, not an amount
    ("18/07/2022 25:00", "2022-07-18"),  # no such hour: the scanner keeps the day
    ("Ngày đăng bài: 18/7/22", None),  # 'bài 18' is a lesson's number before a two-digit year
]


@pytest.mark.parametrize(("text", "expected"), WHOLE_LINES)
def test_whole_line(text, expected):
    assert shown(parse_datetime(text, REF)) == expected
    assert _read(text, REF) == _read(text, REF, fast=False)


# --- the fast path for running text: a sentence whose first number is its announced date ---

SENTENCES = [
    ("Sáng 18/7, Sở GD&ĐT tổ chức hội nghị.", "2022-07-18"),
    ("(GLO)- Chiều 5-9, Ban Thường vụ Tỉnh ủy làm việc", "2022-09-05"),
    ("Ngày 23/5/2022, ban đại diện cha mẹ học sinh đã họp.", "2022-05-23"),
    ("Sáng ngày 22 tháng 8 năm 2022, tại Trung tâm Hội nghị tỉnh", "2022-08-22"),
    ("Học sinh được nghỉ học từ chiều 5/11 để ứng phó bão", "2022-11-05"),
    ("những tin tức giáo dục đáng chú ý ngày 22/9.", "2022-09-22"),
    ("Ngày: 18/7, học sinh trở lại trường", "2022-07-18"),
    # each of these the scanner must judge: the fast path leaves them
    ("Tiết trời ánh sáng 3/4 buổi chiều", None),  # light, not morning
    ("Ngày 15/8 âm lịch, nhà trường tổ chức Tết trung thu", None),  # a lunar date
    ("Ngày 18/7 đến 20/7/2023, học sinh thi", "2023-07-18"),  # the second date lends its year
    ("Ngày 18/7 lúc 8:30, Sở họp", "2022-07-18T08:30"),  # a clock time after the date
    ("Sáng nay 18/7, Sở họp", "2022-07-18"),  # a relative word before it
    ("Ngày 18/7/QĐ-UBND của Sở", None),  # glued to a document's code
    ("Ngày 31/4, Sở họp", None),  # no such day
    ("Ngày 29/2/2024, Sở họp", "2024-02-29"),
    ("Ngày 29/2/2023, Sở họp", None),  # not a leap year
    ("Ngày 5/9/1899, Sở họp", None),  # a year out of range
    ("Ngày 05-09-2021, Sở họp", "2021-09-05"),
    ("Ngày 18/7 /2022, Sở họp", "2022-07-18"),  # spaced: the scanner's d/m/y
    # two words announce the date; a relative word before it is weighed as the scanner weighs it
    ("Hôm qua (14/3), Sở họp", "2022-03-14"),
    ("CHIỀU QUA (17/7), Sở họp", "2022-07-17"),
    ("Thứ Hai 18/7, học sinh trở lại trường", "2022-07-18"),
    ("Hômqua (14/3), Sở họp", None),  # no word announces it
    ("Hôm nay, chiều qua (17/7), Sở họp", "2022-07-20"),  # the first relative word is the answer
    ("Hôm qua. 14/3, Sở họp", "2022-07-19"),  # '.' is no glue between a relative word and its date
    # the word before the date in the middle of the text
    ("Tin vui vào tối 10/10.", "2022-10-10"),
    ("Rạng sáng 12/10, đội tuyển", "2022-10-12"),
    ("ánh sáng 12/10 chiếu", None),
    # a relative pair in the middle of the text: the answer itself unless only glue follows it
    ("Hà Nội: chiều qua (17/7), Sở họp", "2022-07-17"),
    ("Sáng CN Hôm qua #7/7, Sở họp", "2022-07-19"),
    ("Tin vui đêm qua.10-4-2029)", "2022-07-19"),
    # the long date, and dates after a document's number
    ("Sáng ngày 22 tháng 8 năm 2022, tại Trung tâm Hội nghị tỉnh", "2022-08-22"),
    ("Quyết định số 1234/QĐ-UBND ngày 18/7/2022 của Sở", "2022-07-18"),
    ("Số: 232/QĐ-UBND | Ninh Bình, ngày 12 tháng 4 năm 2019 |", "2019-04-12"),
    ("Công văn 12/SGDĐT-VP ngày 5/9 về việc", "2022-09-05"),
    ("Thông tư số 99/2020/NĐ-CP ngày 5/9", "2022-09-05"),  # '99/2020/NĐ' is not skipped here: the scanner reads it
    ("Quyết định số 1234/QĐ-UBND lúc 8:30 ngày 18/7/2022", "2022-07-18T08:30"),  # a clock time first: the scanner's
    ("ngày 22 tháng 8 năm 2022 lúc 8:30", "2022-08-22T08:30"),
    ("hôm nay ngày 22 tháng 8 năm 2022", "2022-08-22"),  # the date names the day
    # letters that re's IGNORECASE would take for 'i' or 's' make no relative word
    ("Hôm kıa, sáng 5/9", "2022-09-05"),
    ("HÔM KİA", None),
    ("yeſterday", None),
    ("HÔM KIA", "2022-07-18"),
    # the word after a token ending in marks, or after several spaces
    ("(GLO)- Sáng 18/7, Sở họp", "2022-07-18"),
    ("Hà Nội:\n\tSáng 18/7, Sở họp", "2022-07-18"),
    ("Ánh,  sáng 18/7", None),
    ("x SOİ sáng 5/9", None),  # 'SOİ' lowers to 'soi' and a combining dot: its letters are 'soi', light
    ("SOİ, SÁNG 24/9.", None),
    ("Tiết trời sáng 5-9 trên địa bàn", "2022-09-05"),  # a token right before that is no word of light
    ("Hà Nội: Sáng 17/7, gần 89.000 học sinh", "2022-07-17"),  # letters and a mark
    ("VOV.VN - Sáng 5/9, ngày hội", "2022-09-05"),  # a token of marks only
    ("x-ánh sáng 3/4", None),  # its last letters are a word of light
    ("ÁNH,. sáng 3/4", None),
    ("Ánh)-, sáng 3/4", None),  # three marks: the closer look
    # ranges and lists of days of one month: the first day, as the scanner's _range_at() reads it
    ("Từ ngày 7 - 9/6 tại tất cả các điểm thi", "2022-06-07"),
    ("Hoạt động được tiến hành từ ngày 15 đến 30/9", "2022-09-15"),
    ("Các ngày 20 và 21/12, Sở GD&ĐT tổ chức hội thi", "2022-12-20"),
    ("hai ngày 8 và 9/6/2024", "2024-06-08"),
    ("các ngày 15, 16 và 17 tháng 5 năm 2023, học sinh", "2023-05-15"),
    ("ngày 3, 2 và 1/5", None),  # a count-down, not dates
    ("ngày 7 , 8/6", None),  # a comma after a space: _at() looks for no range there
    ("ngày 7 - 9/6 âm lịch", None),
    ("Sáng 7 - 9/6", None),  # only 'ngày', 'mùng', 'mồng' and 'từ' open a range
    ("ngày 20 đến 21/12 lúc 8:30", "2022-12-20T08:30"),  # a clock time after it: the scanner's
    ("NGÀY: 17-26-11", "2022-11-17"),  # no d-m-yy, but the range 17-26 of November: the line path leaves it
    # a word after a tab or a newline is left to the step-by-step reading
    ("Hà Nội:\nSáng 18/7, Sở họp", "2022-07-18"),
    ("x\tngày 5/9", "2022-09-05"),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES)
def test_sentence(text, expected):
    assert shown(parse_datetime(text, REF)) == expected
    assert _read(text, REF) == _read(text, REF, fast=False)


@pytest.mark.parametrize(
    "text",
    [
        "Sáng 18/7, Sở GD&ĐT tổ chức hội nghị.",
        "(GLO)- Sáng 18/7, Sở họp",
        "Tin vui vào tối 10/10.",
        "Hôm qua (14/3), Bộ công bố",
        "Sáng thứ Hai (18/7), học sinh",
        "Sáng ngày 22 tháng 8 năm 2022, tại",
        "Quyết định số 1234/QĐ-UBND ngày 18/7/2022 của Sở",
        "Số: 232/QĐ-UBND | Ninh Bình, ngày 12 tháng 4 năm 2019 |",
        "Từ ngày 7 - 9/6 tại tất cả các điểm thi",
        "Các ngày 20 và 21/12, Sở GD&ĐT tổ chức hội thi",
        "Hoạt động được tiến hành từ ngày 15 đến 30/9",
    ],
)
def test_the_sentence_path_reads_the_common_shapes(text):
    # answered by one match, without the scanner (which would give the same: test_sentence)
    assert sentence(clean(text), REF) is not NOT_WHOLE


@pytest.mark.parametrize(
    "text",
    [
        "Ngày14/12/2023",  # a label glued to its number
        " Ngày30/10/14 lúc 8:30",
        "Cập nhật lúc: 23:49 Thứ Hai, 31-12-1959 - 23h49 (GMT+7)",  # a wall time Saigon's clocks skipped
        "Thứ năm, 17/9/2026, 07:31 (GMT+7)",
    ],
)
def test_whole_lines_the_fast_path_leaves_to_the_scanner(text):
    assert _read(text, REF) == _read(text, REF, fast=False)


def test_only_clock_lead_characters_stand_before_a_clock_after_a_date():
    # the sentence path asks TIME_AFTER only when CLOCK_LEAD_CHARS alone stand before the digit after a date: every
    # gap that CLOCK_LEAD matches whole must be made of them, in every case re's IGNORECASE takes
    lead = re.compile(CLOCK_LEAD, FLAGS)
    lead_chars = re.compile(CLOCK_LEAD_CHARS + "*", FLAGS)
    pieces = [" ", "\t", "\n", "\u00a0", ",", "|", "·", "-", ":", "vào", "lúc", "at", "VÀO", "LÚC", "AT", "Lúc", "x"]
    checked = 0
    for count in range(4):
        for parts in itertools.product(pieces, repeat=count):
            gap = "".join(parts)
            if lead.fullmatch(gap):
                checked += 1
                assert lead_chars.fullmatch(gap), repr(gap)
    assert checked > 500  # the test saw many real leads, not none


def test_the_sentence_patterns_number_their_groups_alike():
    # sentence() reads the groups of either match by number
    assert dates_fast._announced_after_numbers().groupindex == dates_fast._ANNOUNCED.groupindex


def test_a_relative_word_before_the_date_in_every_spelling():
    # sentence() asks REL_WORD only where a cheaper search finds a hint of one: every spelling REL_WORD matches, in
    # every case re's IGNORECASE takes (the Kelvin sign, the Turkish i's), must still be weighed as the scanner weighs
    # it (here the relative word is the answer, not the date after it)
    letters = "nayqukimd"
    folds = {
        c: [x for x in map(chr, range(0x10000)) if re.fullmatch(re.escape(c), x, re.IGNORECASE)] for c in letters
    }
    assert "\u212a" in folds["k"] and "\u0131" in folds["i"]  # the test sees the odd folds
    texts = [
        f"Tin {first} {''.join(spelling)}, sáng 5/9"
        for first in ("hôm", "ngày", "sáng", "Tối", "ĐÊM", "khuya")
        for second in ("nay", "qua", "kia", "mai")
        for spelling in itertools.product(*(folds[c] for c in second))
    ]
    texts += [
        f"Posted {word[:-3]}{''.join(spelling)}, sáng 5/9"
        for word in ("today", "yesterday")
        for spelling in itertools.product(*(folds[c] for c in word[-3:]))
    ]
    relative = [text for text in texts if REL_WORD.search(text)]
    assert len(relative) > 100  # many spellings were tried, not none
    for text in relative:
        assert _read(text, REF) == _read(text, REF, fast=False) != date(2022, 9, 5), text


def test_odd_characters_are_all_cleaned():
    # several kinds at once, each more than once: dashes, no-break and thin spaces, invisible marks
    text = "\u200bThứ\u00a0Hai\u2009–\u00a018\u201307\u20132022\u00ad\u00a0|\u00a008:30\ufeff"
    assert shown(parse_datetime(text)) == "2022-07-18T08:30"
    assert _read(text, None) == _read(text, None, fast=False)


def test_usual_characters_are_clean_as_they_are():
    # clean() returns a text of USUAL characters untouched: that holds only if each is NFC with combining class 0,
    # none is one clean() replaces, and no two compose. Checked against this Python's Unicode data.
    usual = [chr(c) for c in range(0x3100) if _UNUSUAL.match(chr(c)) is None]
    assert len(usual) > 800 and "ệ" in usual and "\u00a0" not in usual and "\u2013" not in usual
    for c in usual:
        assert unicodedata.combining(c) == 0 and unicodedata.is_normalized("NFC", c), hex(ord(c))
        assert ord(c) not in _TABLE, hex(ord(c))
    usual_text = "".join(usual)
    for b in usual:  # b before every usual character: NFC leaves every pair as it is
        pairs = b.join(usual_text) + b
        assert unicodedata.is_normalized("NFC", pairs), hex(ord(b))


@pytest.mark.parametrize(
    "text",
    [
        "Sáng 18/7, Sở GD&ĐT tổ chức hội nghị.",  # usual only: returned as it is
        "Sáng 18/7 – Sở “GD&ĐT” …",  # an en dash after usual characters
        unicodedata.normalize("NFD", "Ngày 18 tháng 7 năm 2022, Sở họp"),  # NFD after its first usual letters
        "Sáng 18/7 \u0301và ",  # a combining mark that composes with the usual letter before it? a space: no
        "Hoa\u0300 18/7",  # a mark after a usual letter: 'à'
        "e\u0323\u0302 18/7\u00a0\u200b",  # NFD 'ệ' first, then odd spaces
        "\u00a0Sáng 18/7",  # unusual first
    ],
)
def test_clean_agrees_with_normalising_everything(text):
    expected = unicodedata.normalize("NFC", text).translate(_TABLE)
    assert clean(text) == expected


# --- more forms ---

FORMS = [
    # weekdays in every spelling and case, with ' - ', ',' or '|'
    ("Thứ Hai, 18/07/2022 08:30", "2022-07-18T08:30"),
    ("thứ hai - 18/07/2022 08:30", "2022-07-18T08:30"),
    ("Thứ 2 | 18/07/2022 | 08:30", "2022-07-18T08:30"),
    ("T2, 18/07/2022", "2022-07-18"),
    ("THỨ BA - 19/07/2022", "2022-07-19"),
    ("Thứ tư, 20/7/2022, 07:31", "2022-07-20T07:31"),
    ("Chủ nhật | 24/07/2022", "2022-07-24"),
    ("CHỦ NHẬT, 24-07-2022 20g30", "2022-07-24T20:30"),
    ("Thứ năm - 17/11/2021 18:22", "2021-11-17T18:22"),
    ("Thứ năm, 17/9/2026, 07:31 (GMT+7)", "2026-09-17T07:31"),
    ("Thứ Sáu, 18/07/2022", "2022-07-18"),  # wrong weekday: the numbers win
    # numeric day-month-year
    ("18/07/2022", "2022-07-18"),
    ("18-7-2022", "2022-07-18"),
    ("18.07.2022", "2022-07-18"),
    ("1/2/2024", "2024-02-01"),
    ("18/7/22", "2022-07-18"),
    ("18.07.22", "2022-07-18"),
    ("31/12/99", "1999-12-31"),
    ("07 / 12 / 2019 - 12:41 PM", "2019-12-07T12:41"),
    ("( Ngày 18-07-2022 )", "2022-07-18"),
    ("(09/10/2020)", "2020-10-09"),
    ("Ngày 2/9/1945", "1945-09-02"),
    # clock times, before or after, in every notation
    ("02/08/2021 lúc 18:47", "2021-08-02T18:47"),
    ("Ngày đăng bài: 30/06/2024 08:43:32", "2024-06-30T08:43"),
    ("18/07/2022 8h30", "2022-07-18T08:30"),
    ("18/07/2022 - 08h30", "2022-07-18T08:30"),
    ("18/07/2022 20g30", "2022-07-18T20:30"),
    ("8h30 ngày 18/7/2022", "2022-07-18T08:30"),
    ("20:15 - 18/07/2022", "2022-07-18T20:15"),
    ("18/07/2022 08:30 AM", "2022-07-18T08:30"),
    ("18/07/2022 08:30 PM", "2022-07-18T20:30"),
    ("18/07/2022 12:05 PM", "2022-07-18T12:05"),
    ("18/07/2022 12:05 AM", "2022-07-18T00:05"),
    ("18/07/2022 8:30:00 CH", "2022-07-18T20:30"),
    ("lúc 3 giờ chiều ngày 18/7/2022", "2022-07-18T15:00"),
    ("lúc 10 giờ đêm ngày 18/7/2022", "2022-07-18T22:00"),
    ("lúc 11 giờ trưa ngày 18/7/2022", "2022-07-18T11:00"),
    ("lúc 1 giờ trưa ngày 18/7/2022", "2022-07-18T13:00"),
    ("18/07/2022, 08:30", "2022-07-18T08:30"),
    ("18/07/2022,08:30", "2022-07-18T08:30"),
    ("18/07/2022 25:10", "2022-07-18"),  # not a clock time: the date alone
    # long forms and month names
    ("Ngày 18 tháng 7 năm 2022", "2022-07-18"),
    ("ngày 5 tháng 9 năm 2023 lúc 07 giờ 30 phút", "2023-09-05T07:30"),
    ("ngày 18 tháng 7 năm 2022 lúc 8 giờ 30", "2022-07-18T08:30"),
    ("mùng 2 tháng 9 năm 1945", "1945-09-02"),
    ("ngày 18 tháng 7/2022", "2022-07-18"),
    ("13 Tháng 11, 2024", "2024-11-13"),
    ("Tháng 7 18, 2022", "2022-07-18"),
    ("tháng mười hai 24, 2021", "2021-12-24"),
    ("Tháng Mười 5, 2022", "2022-10-05"),
    ("THÁNG MƯỜI MỘT 20, 2022", "2022-11-20"),
    # labels
    ("Ngày đăng: 18/07/2022", "2022-07-18"),
    ("Cập nhật lúc: 18/07/2022 08:30", "2022-07-18T08:30"),
    ("Ngày: 18/07/2022", "2022-07-18"),
    ("Lượt xem: 1.250 | Ngày đăng: 18/07/2022", "2022-07-18"),
    # meta tags, JSON-LD and feeds
    ("2022-07-18", "2022-07-18"),
    ("2022-07-18T08:30:00+07:00", "2022-07-18T08:30"),
    ("2022-07-18T10:30:00+09:00", "2022-07-18T08:30"),
    ("2022-07-18T01:30:00.000Z", "2022-07-18T08:30"),
    ("2022-07-18T08:30:00+0700", "2022-07-18T08:30"),
    ("2022/07/18 08:30", "2022-07-18T08:30"),
    ("Mon, 18 Jul 2022 01:30:00 GMT", "2022-07-18T08:30"),
    ("Mon, 18 Jul 2022 08:30:00 +0700", "2022-07-18T08:30"),
    ("18 Jul 2022 01:30:00 UTC", "2022-07-18T08:30"),
    ("July 18, 2022", "2022-07-18"),
    ("18th of July 2022", "2022-07-18"),
    ("18/07/2022 01:30 GMT", "2022-07-18T08:30"),
    ("18/07/2022 08:30 (GMT+7)", "2022-07-18T08:30"),
    ("18/07/2022 09:30 (GMT+8)", "2022-07-18T08:30"),
    # datelines without a year, resolved near REF (2022-07-20)
    ("Sáng 18/7", "2022-07-18"),
    ("Chiều nay 8/10/2020", "2020-10-08"),
    ("Tối 20-11", "2022-11-20"),  # nearer to REF than 2021-11-20
    ("Sáng ngày 22 tháng 8", "2022-08-22"),
    ("Trưa 19/7, đoàn đã đến", "2022-07-19"),
    ("Đêm 31/12", "2022-12-31"),
    ("mùng 5/8", "2022-08-05"),
    ("(GLO)- Chiều 5-7, học sinh", "2022-07-05"),
    # ranges: the first day
    ("từ ngày 18 đến 20/7/2022", "2022-07-18"),
    ("từ ngày 18/7 đến ngày 20/7/2022", "2022-07-18"),
    ("Ngày 18 và 19/7/2021", "2021-07-18"),
    ("ngày 20, 21 tháng 11 năm 2022", "2022-11-20"),
    ("từ ngày 28/12 đến 3/1/2023", "2022-12-28"),
    ("18/7 - 20/7/2022", "2022-07-18"),
    # lists of days before one month: the first day too
    ("các ngày 18, 19 và 20/7", "2022-07-18"),
    ("ngày 18, 19, 20/7/2022", "2022-07-18"),
    ("các ngày 18, 19, và 20 tháng 7 năm 2022", "2022-07-18"),
    ("trong 2 ngày 18 và 19/7", "2022-07-18"),
    ("ngày 18, 19 và 20.7.2022", "2022-07-18"),  # dots only with a year
    ("ngày 18, ngày 19 và ngày 20/7/2022", "2022-07-18"),
    # abbreviated months
    ("Th7 18, 2022", "2022-07-18"),
    ("Thg 7 18, 2022", "2022-07-18"),
    ("18 thg 7, 2022", "2022-07-18"),
    ("18 Thg 07 2022 lúc 08:30", "2022-07-18T08:30"),
    ("Jul 18, 2022 at 8:30 PM", "2022-07-18T20:30"),
    # a clock time before a weekday and the date
    ("Vào lúc 8 giờ 30 phút, thứ Hai, ngày 18 tháng 7 năm 2022", "2022-07-18T08:30"),
    ("Vào lúc 8 giờ 30 phút, tối thứ Hai, ngày 18 tháng 7 năm 2022", "2022-07-18T20:30"),
    ("hồi 14 giờ ngày thứ Hai, 18/7/2022", "2022-07-18T14:00"),
    ("14h00 thứ Hai ngày 18/7", "2022-07-18T14:00"),
    ("8:30 CH · 18 thg 7, 2022", "2022-07-18T20:30"),
    ("18/07/2022 · 08:30", "2022-07-18T08:30"),
    ("8 giờ 30 phút ngày thứ Hai (18/7/2022)", "2022-07-18T08:30"),
    # a duration before a part of the day is no clock time of the date
    ("Hội nghị kéo dài 2 giờ, sáng 18/7/2022 tiếp tục", "2022-07-18"),
    # the first date of several
    ("Thứ Hai, 18/07/2022 08:30 - Thứ Ba, 19/07/2022", "2022-07-18T08:30"),
    ("Lớp 10/3 tổ chức buổi học ngày 18/7/2022", "2022-07-18"),
    # a long form with its year is a date after a thing-word too; 'số' still makes it a document number
    ("Cập nhật ngày đăng bài: 18 tháng 7 năm 2022, lúc 8 giờ", "2022-07-18T08:00"),
    # noise: entities, NBSP, zero-width and odd dashes
    ("18&#47;07&#47;2022", "2022-07-18"),
    ("Th&#7913; Hai, 18/07/2022", "2022-07-18"),
    ("18/\u200b07/2022\u00a008:30", "2022-07-18T08:30"),
    ("18\u201307\u20132022", "2022-07-18"),
    ("Ng&agrave;y 18 th&aacute;ng 7 n&#259;m 2022", "2022-07-18"),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_form(text, expected):
    got = parse_datetime(text, REF)
    assert shown(got) == expected
    if "T" not in expected:
        assert type(got) is date


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_form_in_nfd(text, expected):
    assert shown(parse_datetime(unicodedata.normalize("NFD", text), REF)) == expected


def test_seconds_are_kept():
    assert parse_datetime("30/06/2024 08:43:32") == datetime(2024, 6, 30, 8, 43, 32, tzinfo=TZ)
    assert parse_datetime("2024-06-30T08:43:32Z") == datetime(2024, 6, 30, 15, 43, 32, tzinfo=TZ)


def test_datetimes_are_in_vietnam_time():
    value = parse_datetime("2022-07-17T20:15:00Z")
    assert value.tzinfo is TZ
    assert (value.year, value.month, value.day, value.hour) == (2022, 7, 18, 3)


NON_DATES = [
    "Lớp 10/3",
    "Lớp 12/5 đạt giải nhất hội thao",
    "học sinh lớp 8.11",
    "Trường Mầm non 1/6",
    "Trường THCS 19-5",
    "Quyết định số 18/7/QĐ-UBND",
    "Nghị định 86/2018/NĐ-CP",
    "Thông tư 01/2018",
    "Công văn số 1234/SGDĐT-VP",
    "70/72 đảng viên",
    "camera 24/24",
    "phục vụ 24/7",
    "0269.3824.123",
    "0905 123 456",
    "(0269) 3.824.123",
    "điểm 27,5/30",
    "đạt 9,5/10 điểm",
    "1/2 số học sinh",
    "tỷ lệ 3/4",
    "Tỷ số 2-1",
    "thắng 3-2 sau loạt sút luân lưu",
    "31/02/2022",
    "30/2",
    "Ngày 31 tháng 4 năm 2022",
    "00/07/2022",
    "18/13/2022",
    "phiên bản 2.1.10",
    "v1.2.3",
    "192.168.1.10",
    "Phòng 12.3, tầng 4",
    "số 12/3 đường Lê Lợi",
    "12/3 Lê Lợi",
    "760.306 học sinh/23.017 lớp",
    "1.500.000 đồng",
    "năm học 2021-2022",
    "giai đoạn 2021 - 2025",
    "6 tháng đầu năm 2022",
    "trong 3 tháng 7 ngày",
    "tháng 7/2022",
    "năm 2022",
    "08:30",
    "20g đường",
    "14ha đất",
    "Từ 1/3 đến 2/3 số học sinh",
    "10/3A",
    "A10/3",
    "18/7%",
    "July 2022",
    "2022",
    "ngày 15 tháng 8 âm lịch",  # lunar dates are not calendar dates
    "Tết Nguyên đán ngày 1/1 (ÂL)",
    "ngày 15 tháng Giêng",
    "ánh sáng 3/4 căn phòng",  # 'sáng' here is light, not morning
    "Quyết định số 18 tháng 7 năm 2022",
    # lists, abbreviations and times that are not dates
    "15, 16 và 17 điểm",
    "đạt 15, 16 và 17/20 điểm",
    "ngày 15, 16 và 17",  # no month
    "ngày 17, 16 và 15/5",  # days going down are no list of dates
    "ngày 30, 31/4",
    "Các lớp 10/3, 10/4 và 10/5",
    "Số 15/2024/TT-BGDĐT",
    "các ngày 15, 16 và 17/5/QĐ-UBND",
    "Thời gian làm bài 1 và 1/2 giờ",
    "phiên bản 15, 16 và 17.5",
    "0905 15 16 17",
    "T5/2024",  # a month without a day; 'T5' is also Thursday
    "Th5 2024",
    "thg 5/2024",
    "Thg 13 15, 2024",
    "mã Th5 15, 2024",
    "có 2 thg 5 tuổi",  # 'thg' as chat for 'thằng': a year-less 'd thg m' needs a clock time after it
    "15 thg 5",
    "Quyết định số 15 thg 5, 2024",
    "Lúc 8h30, thứ Hai",
    "8 giờ 30 phút, chiều thứ Hai",
    "",
    "   ",
]


@pytest.mark.parametrize("text", NON_DATES)
def test_non_date_stays_none(text):
    assert parse_datetime(text, REF) is None


@pytest.mark.parametrize(
    "text",
    [
        "Sáng 18/7",
        "Ngày 14/10",
        "Tối 20-11",
        "Sáng ngày 22 tháng 8",
        "hôm qua",
        "3 ngày trước",
        "các ngày 15, 16 và 17/5",
        "15 thg 5 lúc 08:30",
        "14h00 thứ Sáu ngày 17/5",
    ],
)
def test_year_less_and_relative_forms_need_a_ref(text):
    assert parse_datetime(text) is None
    assert parse_datetime(text, REF) is not None


@pytest.mark.parametrize(
    ("text", "ref", "expected"),
    [
        ("Sáng 30/12", date(2023, 1, 3), "2022-12-30"),
        ("Sáng 2/1", date(2022, 12, 30), "2023-01-02"),
        ("Sáng 18/7", date(2022, 7, 20), "2022-07-18"),
        ("Sáng 18/7", date(2023, 1, 10), "2022-07-18"),
        ("Sáng 18/7", date(2023, 1, 20), "2023-07-18"),
        ("Ngày 29/2", date(2023, 3, 1), "2024-02-29"),
        # an aware ref is read in Vietnam time: 20:00 UTC on 31 Dec is already 1 Jan there
        ("hôm nay", datetime(2022, 12, 31, 20, 0, tzinfo=UTC), "2023-01-01"),
        ("hôm qua", datetime(2023, 1, 1, 9, 0, tzinfo=TZ), "2022-12-31"),
        ("Hôm qua lúc 08:16", datetime(2022, 7, 18, 10, 0, tzinfo=TZ), "2022-07-17T08:16"),
        ("hôm kia", date(2022, 7, 18), "2022-07-16"),
        ("ngày mai", date(2022, 7, 18), "2022-07-19"),
        ("3 ngày trước", datetime(2022, 7, 18, 10, 0, tzinfo=TZ), "2022-07-15"),
        ("2 tuần trước", date(2022, 7, 18), "2022-07-04"),
        ("1 tháng trước", date(2022, 3, 31), "2022-02-28"),
        ("2 năm trước", date(2024, 2, 29), "2022-02-28"),
        ("2 giờ trước", datetime(2022, 7, 18, 1, 0, tzinfo=TZ), "2022-07-17T23:00"),
        ("30 phút trước", datetime(2022, 7, 18, 10, 0, tzinfo=TZ), "2022-07-18T09:30"),
        ("cách đây 2 ngày", date(2022, 7, 18), "2022-07-16"),
        ("2 hours ago", datetime(2022, 7, 18, 10, 0, tzinfo=TZ), "2022-07-18T08:00"),
        # without a clock time in ref, 'N giờ trước' can only say which day
        ("2 giờ trước", date(2022, 7, 18), "2022-07-18"),
        # the explicit date after a relative word names the day
        ("Chiều qua (17/7), Sở đã họp", date(2022, 7, 20), "2022-07-17"),
        ("Hôm nay, thứ Hai 18/7", date(2022, 7, 20), "2022-07-18"),
    ],
)
def test_resolution_against_ref(text, ref, expected):
    assert shown(parse_datetime(text, ref)) == expected


@pytest.mark.parametrize("text", [None, 18, b"18/07/2022"])
def test_what_is_not_text_has_no_date(text):
    assert parse_datetime(text) is None  # type: ignore[arg-type]
    assert find_dateline(text) is None  # type: ignore[arg-type]
    assert date_from_url(text) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", ["\x00", "\ud800", "&#xD800;", "&#99999999;", "18/07/2022" * 5000, "ngày 18/07/2022\ud800"]
)
def test_odd_text_is_read_without_an_error(text):
    # parse_datetime and find_dateline turn any error into "no date" (a date must not stop a crawl), so a test of
    # them could not fail: the readers behind them are called unguarded here.
    whole_line, scanned = _read(text, REF), _read(text, REF, fast=False)
    assert whole_line == scanned
    head, _, _ = clean_mapped(text[:1000])
    span = dateline_span(head)
    assert parse_datetime(text, REF) == whole_line
    assert (find_dateline(text) is None) == (span is None)


class _CountingPattern:
    """A compiled pattern that adds to `work` one per match tried and one per character matched."""

    def __init__(self, pattern: re.Pattern[str], work: list[int]) -> None:
        self._pattern, self._work = pattern, work

    def _counted(self, found: re.Match[str] | None) -> re.Match[str] | None:
        self._work[0] += 1 + (found.end() - found.start() if found is not None else 0)
        return found

    def match(self, *args: object) -> re.Match[str] | None:
        return self._counted(self._pattern.match(*args))

    def search(self, *args: object) -> re.Match[str] | None:
        return self._counted(self._pattern.search(*args))

    def fullmatch(self, *args: object) -> re.Match[str] | None:
        return self._counted(self._pattern.fullmatch(*args))

    def finditer(self, *args: object) -> Iterator[re.Match[str]]:
        for found in self._pattern.finditer(*args):
            yield self._counted(found)  # type: ignore[misc]
        self._work[0] += 1

    def __getattr__(self, name: str) -> object:
        return getattr(self._pattern, name)


def _work(read, monkeypatch) -> int:
    """The work of read: calls of Python functions and builtins, plus matches tried and characters
    matched by the date reader's patterns (a look ahead over a whole list would show there)."""
    work = [0]
    with monkeypatch.context() as patch:
        for module in (dates_context, dates_dateline, dates_fast, dates_scan, dates_text):
            for name, value in vars(module).items():
                if isinstance(value, re.Pattern):
                    patch.setattr(module, name, _CountingPattern(value, work))

        def profile(frame, event, arg):
            if event == "call" or event == "c_call":
                work[0] += 1

        sys.setprofile(profile)
        try:
            read()
        finally:
            sys.setprofile(None)
    return work[0]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda n: ", ".join(str(i % 28 + 1) for i in range(n)) + "/5", None),
        (lambda n: "ngày " + ", ".join(str(i % 28 + 1) for i in range(n)) + "/5", None),
        (lambda n: "ngày 1, " * n + "/5", None),
        (lambda n: "Th5 " * n + "15, 2024", date(2024, 5, 15)),
    ],
    ids=["list", "list-after-ngay", "ngay-before-each", "month-abbr-run"],
)
def test_long_runs_of_numbers_read_in_linear_time(make, expected, monkeypatch):
    # Each number of a list starts a look ahead over the list; unbounded, 5,000 of them took seconds. Bounded,
    # twice the numbers cost about twice the work, counted in calls, matches and characters matched.
    def read(text: str) -> None:
        assert parse_datetime(text, REF) == expected
        assert _read(text, REF, fast=False) == expected
        assert find_dateline(text) is None

    parse_datetime("ngày 1, 2/5/2022 08:30 (GMT+7)", REF)  # first calls fill the caches of zones
    small = _work(lambda: read(make(5000)), monkeypatch)
    large = _work(lambda: read(make(10000)), monkeypatch)
    assert 0 < small < large <= 2.1 * small


def test_importing_does_not_import_dateparser():
    code = "import sys, crawler.dates; print('dateparser' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_dateparser_fallback_reads_what_no_pattern_does_and_is_checked():
    assert parse_datetime("2022 July 18") == date(2022, 7, 18)
    assert parse_datetime("Monday the 18th of July, 2022 at 8:30 pm") == datetime(
        2022, 7, 18, 20, 30, tzinfo=TZ
    )
    # a month and a year but no day: dateparser would fill one in, we do not
    assert parse_datetime("July 2022", REF) is None
    assert parse_datetime("Lớp 10/3 July 2022", REF) is None


# --- datelines ---

DATELINES = [
    ("Sáng 18/7, Sở GD&ĐT tổ chức hội nghị", "Sáng 18/7", 18, 7, None, None),
    ("(GLO)- Chiều 5-9, học sinh nô nức", "Chiều 5-9", 5, 9, None, None),
    ("(GLO)- Ngày 26-8, Sở GDĐT", "Ngày 26-8", 26, 8, None, None),
    ("VOV.VN - Sáng 5/9, ngày hội", "Sáng 5/9", 5, 9, None, None),
    ("CTTĐT - Sáng 18/7, UBND tỉnh", "Sáng 18/7", 18, 7, None, None),
    ("Hà Nội: Sáng 17/7, gần 89.000 học sinh", "Sáng 17/7", 17, 7, None, None),
    ("Ngày 14/10, tại hội trường", "Ngày 14/10", 14, 10, None, None),
    ("Sáng ngày 22 tháng 8 năm 2022, tại …", "Sáng ngày 22 tháng 8 năm 2022", 22, 8, 2022, None),
    ("(QTO) - Chiều nay 8/10/2020, Sở GDĐT", "Chiều nay 8/10/2020", 8, 10, 2020, None),
    ("Chiều qua (17/7), Sở GD&ĐT đã họp báo.", "Chiều qua (17/7)", 17, 7, None, None),
    ("Sáng thứ Hai (18/7), học sinh trở lại", "Sáng thứ Hai (18/7)", 18, 7, None, None),
    ("Tối 20-11 Trường THPT tổ chức", "Tối 20-11", 20, 11, None, None),
    ("Rạng sáng 12/10, đội tuyển", "Rạng sáng 12/10", 12, 10, None, None),
    ("14h ngày 18/7, tại hội trường", "14h ngày 18/7", 18, 7, None, 14),
    ("Lúc 8 giờ 30 sáng 20/11, tại", "Lúc 8 giờ 30 sáng 20/11", 20, 11, None, 8),
    ("  “Sáng 18/7, …", "Sáng 18/7", 18, 7, None, None),
    ("(Dân trí) - Sáng 5/9, hơn 22 triệu", "Sáng 5/9", 5, 9, None, None),
    # the days of an event: the first day
    ("Ngày 15 và 16/5, Sở GDĐT tổ chức kỳ thi", "Ngày 15 và 16/5", 15, 5, None, None),
    ("Các ngày 15, 16 và 17/5, học sinh lớp 12 thi thử", "Các ngày 15, 16 và 17/5", 15, 5, None, None),
    ("(GLO)- Trong 2 ngày 15 và 16/5, hơn 20.000 thí sinh", "Trong 2 ngày 15 và 16/5", 15, 5, None, None),
    ("Trong hai ngày 28 và 29/12/2023, tại", "Trong hai ngày 28 và 29/12/2023", 28, 12, 2023, None),
    # a clock time before the weekday and the date
    (
        "Vào lúc 8 giờ 30 phút, thứ Hai, ngày 13 tháng 5 năm 2024, tại hội trường",
        "Vào lúc 8 giờ 30 phút, thứ Hai, ngày 13 tháng 5 năm 2024",
        13,
        5,
        2024,
        8,
    ),
    (
        "Lúc 2 giờ 30 phút, chiều thứ Hai, ngày 13/5/2024, Hội đồng thi họp",
        "Lúc 2 giờ 30 phút, chiều thứ Hai, ngày 13/5/2024",
        13,
        5,
        2024,
        14,
    ),
    ("Vào hồi 14 giờ ngày thứ Sáu, 17/5/2024, Hội đồng", "Vào hồi 14 giờ ngày thứ Sáu, 17/5/2024", 17, 5, 2024, 14),
    ("8h30 - Thứ Hai, 13/5, tại hội trường", "8h30 - Thứ Hai, 13/5", 13, 5, None, 8),
]


@pytest.mark.parametrize(("text", "span", "day", "month", "year", "hour"), DATELINES)
def test_dateline(text, span, day, month, year, hour):
    found = find_dateline(text)
    assert isinstance(found, Dateline)
    assert found.text == span == text[found.start : found.end]
    assert (found.day, found.month, found.year, found.hour) == (day, month, year, hour)
    assert (found.minute is None) == (hour is None)


def test_dateline_time_has_minutes():
    found = find_dateline("Lúc 8 giờ 30 sáng 20/11, tại")
    assert (found.hour, found.minute) == (8, 30)


@pytest.mark.parametrize(
    "text",
    [
        "Sáng 18/7, Sở GD&ĐT tổ chức hội nghị",
        "(GLO)- Chiều 5-9, học sinh nô nức",
        "Chiều qua (17/7), Sở GD&ĐT đã họp báo.",
        "Các ngày 15, 16 và 17/5, học sinh lớp 12 thi thử",
        "Vào lúc 8 giờ 30 phút, thứ Hai, ngày 13 tháng 5 năm 2024, tại hội trường",
    ],
)
def test_dateline_offsets_point_into_the_text_as_given(text):
    nfc = find_dateline(text)
    for variant in (
        unicodedata.normalize("NFD", text),
        text.replace(" ", "\u00a0"),
        text.replace("á", "&aacute;").replace("ề", "&#7873;"),
    ):
        found = find_dateline(variant)
        assert found is not None
        assert found.text == variant[found.start : found.end]
        assert (
            unicodedata.normalize("NFC", found.text.replace("\u00a0", " "))
            .replace("&aacute;", "á")
            .replace("&#7873;", "ề")
            == nfc.text
        )
        assert (found.day, found.month) == (nfc.day, nfc.month)


@pytest.mark.parametrize(
    "text",
    [
        "Tiết trời sáng 5-9 trên địa bàn tỉnh",  # a date, but not at the head
        "Học sinh được nghỉ học từ chiều 5/11",
        "Theo kế hoạch, sáng 18/7 sẽ khai mạc",
        "Lớp 10/3 đạt giải nhất",
        "18/7, Sở GD&ĐT tổ chức",  # no word announces it
        "Ngày 18/7/QĐ-UBND",
        "Ngày 31/2, abc",
        "Sáng nay, Sở GD&ĐT tổ chức",
        "Từ ngày 1/7, Luật Nhà giáo có hiệu lực",  # when a rule starts, not the day of the news
        "Ngày 15, 16 và 17 điểm là điểm chuẩn",
        "Ngày 17, 16 và 15/5, abc",
        "Các lớp 10/3, 10/4 và 10/5 đạt giải",
        "Lúc 8h30, thứ Hai, tại hội trường",
        "",
    ],
)
def test_no_dateline(text):
    assert find_dateline(text) is None


def test_dateline_text_reads_back_as_its_date():
    for text, *_ in DATELINES:
        found = find_dateline(text)
        value = parse_datetime(found.text, date(found.year or 2022, found.month, 1))
        assert (value.day, value.month) == (found.day, found.month)


# --- to_iso and date_from_url ---


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2022, 7, 18), "2022-07-18"),
        (datetime(2022, 7, 18, 8, 30, tzinfo=TZ), "2022-07-18T08:30:00+07:00"),
        (datetime(2022, 7, 18, 1, 30, tzinfo=UTC), "2022-07-18T08:30:00+07:00"),
        (datetime(2022, 7, 17, 20, 15, 5, tzinfo=UTC), "2022-07-18T03:15:05+07:00"),
        (
            datetime(2022, 7, 18, 8, 30, tzinfo=timezone(timedelta(hours=9))),
            "2022-07-18T06:30:00+07:00",
        ),
        (datetime(2022, 7, 18, 8, 30), "2022-07-18T08:30:00+07:00"),  # naive means Vietnam time
        (datetime(2022, 7, 18, 8, 30, 15, 999999, tzinfo=TZ), "2022-07-18T08:30:15+07:00"),
    ],
)
def test_to_iso(value, expected):
    assert to_iso(value) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://so.edu.vn/2022/07/18/khai-giang/", date(2022, 7, 18)),
        ("https://so.edu.vn/tin-tuc/2022/7/8/bai-viet", date(2022, 7, 8)),
        ("https://so.edu.vn/tin-tuc/khai-giang-20220718.html", date(2022, 7, 18)),
        ("https://so.edu.vn/tin?ngay=2022-07-18", date(2022, 7, 18)),
        ("https://so.edu.vn/20220718/a-20230101", date(2022, 7, 18)),
        ("https://so.edu.vn/2022/07/", None),
        ("https://so.edu.vn/post-18072022", None),
        ("https://so.edu.vn/khai-giang-2020070286174153.amp", None),
        ("https://so.edu.vn/news/12345678.html", None),
        ("https://so.edu.vn/19940101/", None),
        ("https://so.edu.vn/2022/13/01/", None),
        ("https://so.edu.vn/202112/bai", None),
        ("https://20220718.edu.vn/tin", None),  # the host is a name, not a date
        ("http://[::1", None),
        ("", None),
    ],
)
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


# --- choosing the publication date ---

NOW = datetime(2022, 7, 20, 3, 0, tzinfo=UTC)


def candidates(*pairs: tuple[str, str]) -> list[DateCandidate]:
    return [DateCandidate(source, raw, NOW) for source, raw in pairs]


def test_order_of_sources():
    order = [
        ("url", "2022-07-10"),
        ("dateline", "Sáng 11/7"),
        ("listing", "12/07/2022"),
        ("page", "13/07/2022"),
        ("time", "2022-07-14"),
        ("meta", "2022-07-15"),
        ("jsonld", "2022-07-16"),
    ]
    for size in range(len(order), 0, -1):
        choice = pick_published(candidates(*order[:size]), now=NOW)
        assert choice.source == order[size - 1][0]
        assert choice.raw == order[size - 1][1]


def test_unknown_sources_rank_last():
    choice = pick_published(candidates(("gossip", "2022-07-01"), ("url", "2022-07-10")), now=NOW)
    assert choice.source == "url"
    assert pick_published(candidates(("gossip", "2022-07-01")), now=NOW).source == "gossip"


def test_future_and_ancient_values_are_rejected():
    choice = pick_published(
        candidates(("jsonld", "2030-01-01"), ("meta", "1990-05-05"), ("page", "18/07/2022")),
        now=NOW,
    )
    assert (choice.source, choice.value) == ("page", date(2022, 7, 18))
    # up to a day ahead is allowed (clocks and time zones), beyond is not
    assert pick_published(candidates(("page", "21/07/2022")), now=NOW).value == date(2022, 7, 21)
    assert pick_published(candidates(("page", "22/07/2022 08:00")), now=NOW) is None
    assert pick_published(candidates(("page", "31/12/1994")), now=NOW) is None


def test_unreadable_candidates_are_skipped():
    choice = pick_published(
        candidates(("jsonld", "không rõ"), ("page", "Lớp 10/3"), ("url", "2022-07-10")), now=NOW
    )
    assert choice.source == "url"
    assert pick_published([], now=NOW) is None
    assert pick_published(candidates(("page", "")), now=NOW) is None


def test_disagreements_count_candidates_more_than_a_day_away():
    choice = pick_published(
        candidates(
            ("meta", "2022-07-18T08:30:00+07:00"),
            ("page", "19/07/2022"),  # one day away: agrees
            ("listing", "15/07/2022"),  # disagrees
            ("url", "2022-07-01"),  # disagrees
            ("time", "2035-01-01"),  # rejected: not counted
        ),
        now=NOW,
    )
    assert isinstance(choice, DateChoice)
    assert choice.disagreements == 2


def test_time_is_taken_from_a_lower_candidate_on_the_same_day():
    choice = pick_published(
        candidates(("page", "18/07/2022"), ("listing", "18/07/2022 08:30")), now=NOW
    )
    assert choice.source == "page"
    assert choice.value == datetime(2022, 7, 18, 8, 30, tzinfo=TZ)
    assert to_iso(choice.value) == "2022-07-18T08:30:00+07:00"
    # the same day in Vietnam time: 01:30 UTC is 08:30 there
    choice = pick_published(
        candidates(("page", "18/07/2022"), ("url", "2022-07-17T20:30:00Z")), now=NOW
    )
    assert choice.value == datetime(2022, 7, 18, 3, 30, tzinfo=TZ)


def test_no_time_is_invented_or_borrowed_from_another_day():
    choice = pick_published(
        candidates(("page", "18/07/2022"), ("listing", "17/07/2022 08:30")), now=NOW
    )
    assert type(choice.value) is date
    assert choice.disagreements == 0
    choice = pick_published(candidates(("page", "18/07/2022"), ("url", "2022-07-18")), now=NOW)
    assert type(choice.value) is date


def test_higher_candidate_with_time_is_kept_as_it_is():
    choice = pick_published(
        candidates(("meta", "2022-07-18T08:30:00+07:00"), ("page", "18/07/2022 10:00")), now=NOW
    )
    assert choice.value == datetime(2022, 7, 18, 8, 30, tzinfo=TZ)


def test_shown_time_minutes_off_the_meta_time_is_the_published_time():
    # EduPortal pages: meta '09:48:23' (a save time), the page shows 'Thứ 3, 24/08/2021 | 09:46'.
    choice = pick_published(
        candidates(("meta", "2021-08-24T09:48:23+0700"), ("page", "Thứ 3, 24/08/2021 | 09:46")), now=NOW
    )
    assert (choice.value, choice.source) == (datetime(2021, 8, 24, 9, 46, tzinfo=TZ), "page")


def test_dateline_takes_its_year_from_the_best_other_candidate():
    # The url says 31/12/2021, the crawl is in July 2022: 'Sáng 30/12' is 2021-12-30, read against
    # the url's date, not 2022-12-30 (the 30/12 nearest the crawl, which is in the future).
    choice = pick_published(
        [DateCandidate("url", "2021-12-31", NOW), DateCandidate("dateline", "Sáng 30/12", NOW)],
        now=NOW,
    )
    assert (choice.source, choice.value, choice.disagreements) == (
        "dateline",
        date(2021, 12, 30),
        0,
    )
    choice = pick_published(
        [DateCandidate("url", "2019-01-05", NOW), DateCandidate("dateline", "Sáng 2/1", NOW)],
        now=NOW,
    )
    assert (choice.source, choice.value, choice.disagreements) == ("dateline", date(2019, 1, 2), 1)
    # the best other candidate is the highest-ranked one that reads, not the first given
    choice = pick_published(
        [
            DateCandidate("url", "2019-01-05", NOW),
            DateCandidate("dateline", "Sáng 2/1", NOW),
            DateCandidate("page", "không rõ", NOW),
            DateCandidate("listing", "03/01/2018", NOW),
        ],
        now=NOW,
    )
    assert (choice.source, choice.value) == ("listing", date(2018, 1, 3))
    assert choice.disagreements == 1  # the url; the dateline (2018-01-02) is a day away


def test_dateline_alone_uses_its_own_ref():
    choice = pick_published([DateCandidate("dateline", "Sáng 18/7", NOW)], now=NOW)
    assert (choice.source, choice.value) == ("dateline", date(2022, 7, 18))
    choice = pick_published([DateCandidate("dateline", "Sáng 18/7", date(2020, 8, 1))], now=NOW)
    assert choice.value == date(2020, 7, 18)


def test_candidate_without_ref_uses_now():
    choice = pick_published([DateCandidate("listing", "hôm qua")], now=NOW)
    assert choice.value == date(2022, 7, 19)
    # without a ref and without an explicit now there is nothing to read 'hôm qua' against
    assert pick_published([DateCandidate("listing", "hôm qua")]) is None
    assert pick_published([DateCandidate("listing", "18/07/2022")]).value == date(2022, 7, 18)
