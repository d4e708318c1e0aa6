"""Diacritic folding for Vietnamese: each accented letter to its bare ASCII letter ('Đào' -> 'Dao').

One mapping drives both sides, so the Python `fold` used on queries and the SQL the search-index
triggers evaluate (storage/fts.py) can never disagree.
"""

from __future__ import annotations

import unicodedata

# Lower-case accented letters by the ASCII letter they fold to: the 12 vowels
# (a ă â e ê i o ô ơ u ư y) with their five tones, and đ. Upper case is derived below.
_LOWER_BY_BASE: dict[str, str] = {
    "a": "àáảãạ" "ăằắẳẵặ" "âầấẩẫậ",
    "d": "đ",
    "e": "èéẻẽẹ" "êềếểễệ",
    "i": "ìíỉĩị",
    "o": "òóỏõọ" "ôồốổỗộ" "ơờớởỡợ",
    "u": "ùúủũụ" "ưừứửữự",
    "y": "ỳýỷỹỵ",
}


def _build_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for base, letters in _LOWER_BY_BASE.items():
        for letter in letters:
            mapping[letter] = base
            mapping[letter.upper()] = base.upper()
    return mapping


# Accented letter -> ASCII letter, 134 entries (67 letters in each case).
FOLD_MAP: dict[str, str] = _build_map()
_TABLE = str.maketrans(FOLD_MAP)


def fold(text: str) -> str:
    """`text` with every Vietnamese accented letter replaced by its bare ASCII letter, case kept.

    The input is NFC-normalised first, so decomposed (NFD) text folds like composed text.
    """
    return unicodedata.normalize("NFC", text).translate(_TABLE)


# How many replace() calls one SQL expression may nest. SQLite 3.40's parser has a fixed stack
# (100 entries) that overflows near 34 nested calls, and sooner inside views and subqueries, so the
# SQL fold is a chain of steps of at most this many letters each.
MAX_NESTING = 14


def fold_steps(size: int = MAX_NESTING) -> list[dict[str, str]]:
    """FOLD_MAP cut into consecutive parts of at most `size` letters; applied in turn they fold."""
    items = list(FOLD_MAP.items())
    return [dict(items[i : i + size]) for i in range(0, len(items), size)]


def replace_sql(expr: str, letters: dict[str, str]) -> str:
    """A pure-SQL expression replacing each of `letters` in `expr` (nested replace() calls, no UDF).

    Pure SQL keeps the index triggers working from any SQLite client. The SQL side assumes NFC
    text, which is what the archive stores.
    """
    sql = expr
    for letter, base in letters.items():
        sql = f"replace({sql}, '{letter}', '{base}')"
    return sql
