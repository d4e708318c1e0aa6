from pathlib import Path

import pytest

PAGES = Path(__file__).parent / "pages"


@pytest.fixture
def page_html():
    def read(name: str) -> str:
        return (PAGES / name).read_text(encoding="utf-8")

    return read
