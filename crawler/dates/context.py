"""What the words right before a number say about it: does it announce a date, or name a thing?

Plain string operations on the last few words, not regexes searched backwards: this runs for every
number the date reader looks at, so it must cost well under a microsecond.
"""

from __future__ import annotations

import re

GLUE = " \t\n\r,:.#("  # what words_before steps over between a word and the number
REACH = 28  # how many characters before the number words_before looks at
_NON_WORD = re.compile(r"[\W_]+")
_LAST_RUN = re.compile(r"[^\W_]+(?=[\W_]*\Z)")  # the last piece of a split on _NON_WORD


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _pairs(text: str) -> frozenset[str]:
    return frozenset(" ".join(pair.split()) for pair in text.split(","))


# Words that announce a date right before a year-less 'd/m': 'ngày 14/10', 'hôm 12/8', 'Sáng 18/7'.
_DATE_WORDS = _words("ngày mùng mồng hôm sáng trưa chiều tối đêm khuya cn")
_DAY_WORDS = _words("hôm ngày sáng trưa chiều tối đêm khuya")
_DAY_SHIFTS = _words("nay qua mai kia sớm")  # 'sáng nay', 'chiều qua', 'sáng sớm'
_WEEKDAY_NUMBERS = _words("hai ba tư bốn năm sáu bảy bẩy 2 3 4 5 6 7")  # after 'thứ'
_SHORT_WEEKDAYS = _words("t2 t3 t4 t5 t6 t7 thứ2 thứ3 thứ4 thứ5 thứ6 thứ7")
_BRIGHT = _words("ánh chiếu tươi phát soi làm sự rực sáng")  # '… sáng' that is light, not morning
BRIGHT_ENDS = tuple(_BRIGHT)
MARKS = ":,.;!?()-\"'|/»”’"  # marks that end tokens; none is a letter or a digit

# A number right after one of these is that thing's number: 'Lớp 10/3', 'số 18/7/QĐ-UBND',
# 'Trường THCS 19/5', 'tỷ số 2-1', 'phiên bản 2.1.10'.
_NUMBERED = _words(
    """lớp số phòng khu khối tổ đội đường phố hẻm ngõ ngách kiệt tầng lô căn nhà kiốt block xe mã
    điều khoản mục chương bài câu trang tập quyển tờ tiết ca hàng dãy bàn ban biểu mẫu điểm luật
    qđ tt nđ cv kh version ver v km ql tl hotline đt sđt fax tel trường thcs thpt lần vòng top hạng
    giải nhóm phiếu"""
)
_NUMBERED_PAIRS = _pairs(
    """chi đội, liên đội, căn hộ, phụ lục, tỷ số, tỉ số, tỷ lệ, tỉ lệ, thông tư, quyết định,
    nghị định, nghị quyết, công văn, chỉ thị, kế hoạch, tờ trình, hướng dẫn, văn bản, phiên bản,
    quốc lộ, tỉnh lộ, điện thoại, mầm non, tiểu học, mẫu giáo, ki ốt"""
)
# Before a full d/m/yyyy only these still mean 'a number, not a date' (versions, phones, documents).
_NUMBERED_STRICT = _words("số mã version ver v hotline đt sđt fax tel")
_NUMBERED_STRICT_PAIRS = _pairs("phiên bản, điện thoại")
NUMBERED_PAIRS = _NUMBERED_PAIRS | _NUMBERED_STRICT_PAIRS  # all two-word things, for the fast path


def words_before(text: str, start: int, count: int = 3) -> list[str]:
    """The last `count` words (lower case) right before text[start], across spaces and ',:.#('."""
    head = text[max(0, start - REACH) : start].rstrip(GLUE)
    if not head or not head[-1].isalnum():
        return []
    words = head.lower().rsplit(None, count)[-count:]
    for i, word in enumerate(words):
        if not word.isalnum():
            words[i] = word_of(word)
    return words


def word_of(token: str) -> str:
    """A lower-case token as words_before gives it: its last run of letters or digits ('(glo)-ngày' -> 'ngày')."""
    if token.isalnum():
        return token
    last = _LAST_RUN.search(token)
    return "" if last is None else last.group()


def lights(token: str) -> bool:
    """Whether 'sáng' after this lower-case token is light, not morning ('ánh sáng'): announces_date's test."""
    return word_of(token) in _BRIGHT


def announces_date(words: list[str]) -> bool:
    """Whether these words (from :func:`words_before`) announce a date: 'ngày', 'Sáng nay' …"""
    if not words:
        return False
    last = words[-1]
    before = words[-2] if len(words) > 1 else ""
    if last in _DATE_WORDS or last in _SHORT_WEEKDAYS:
        return not (last == "sáng" and before in _BRIGHT)  # 'ánh sáng 3/4' is light
    if last in _DAY_SHIFTS:
        return before in _DAY_WORDS
    if last in _WEEKDAY_NUMBERS:
        return before == "thứ"
    return last == "nhật" and before == "chủ"


def names_number(words: list[str], strict: bool = False) -> bool:
    """Whether the number after these words is the number of a thing ('lớp', 'số', 'thông tư' …)."""
    if not words:
        return False
    if strict:
        ones, pairs = _NUMBERED_STRICT, _NUMBERED_STRICT_PAIRS
    else:
        ones, pairs = _NUMBERED, _NUMBERED_PAIRS
    if words[-1] in ones:
        return True
    return len(words) > 1 and f"{words[-2]} {words[-1]}" in pairs
