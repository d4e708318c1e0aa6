"""Every edunews setting the code reads is declared once, with its default, in crawler/settings.py and listed in the
README's table."""

from __future__ import annotations

import re
from pathlib import Path

from crawler import settings

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"""["'](EDUNEWS_[A-Z_]+)["']""")


def names_read() -> set[str]:
    found: set[str] = set()
    for package in ("crawler", "spiders", "storage", "edunews"):
        for path in (ROOT / package).rglob("*.py"):
            found.update(NAME.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_setting_read_is_declared_with_a_default_and_a_description():
    declared = {name for name in vars(settings) if name.startswith("EDUNEWS_")}
    assert names_read() <= declared
    source = (ROOT / "crawler" / "settings.py").read_text(encoding="utf-8").splitlines()
    for name in declared:
        line = next(n for n, text in enumerate(source) if text.startswith(f"{name} ="))
        assert source[line - 1].startswith("#"), f"{name} has no one-line description above it"
        assert sum(text.startswith(f"{name} =") for text in source) == 1


def test_every_setting_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(EDUNEWS_[A-Z_]+)` \|", readme, re.M))
    assert listed == {name for name in vars(settings) if name.startswith("EDUNEWS_")}
