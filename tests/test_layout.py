"""The top-level packages crawler, spiders and storage are checked at import: another distribution's module of the
same name found first is named, instead of failing later on a missing attribute."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("name", ["crawler", "spiders", "storage"])
def test_a_foreign_top_level_module_is_named_at_import(name, tmp_path):
    (tmp_path / name).mkdir()
    (tmp_path / name / "__init__.py").write_text('"""Another distribution\'s module."""\n', encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", "import edunews.cli"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert run.returncode == 1
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError:") and str(tmp_path / name / "__init__.py") in last


def test_this_project_s_own_modules_pass(tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", "import edunews.cli, crawler; print(crawler.foreign_modules())"], cwd=tmp_path,
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_the_item_carries_every_field_the_archive_stores():
    """The article fields are listed once, by the archive's schema; the item must have each of them."""
    from dataclasses import fields

    from crawler.items import ArticleItem
    from storage.archive import STORED_KEYS
    from storage.schema import COLUMNS

    assert set(STORED_KEYS) <= {field.name for field in fields(ArticleItem)}
    assert set(STORED_KEYS) - {"urls", "images", "attachments"} <= {name for name, _, _ in COLUMNS["articles"]}
