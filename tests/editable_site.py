"""A served, editable copy of a fixture site, and `edunews` run in a subprocess against it: the nightly-run tests
(locks, incremental runs, date ranges, alarms, status) crawl it, edit it between runs as a site would change
between nights, and crawl it again."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from edunews.demo import sites_toml
from edunews.fixtures.server import SITES_ROOT, ServedSites, serve_sites

ROOT = Path(__file__).resolve().parent.parent
SITE = "gialai-demo"
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
LISTING = "/tin-tuc/tin-hoat-dong-nganh"
LISTING_FILE = "pages/tin-tuc_tin-hoat-dong-nganh.html"
TEMPLATE_ARTICLE = (
    "pages/tin-tuc_tin-hoat-dong-nganh_gan-900-thi-sinh-tham-du-ky-thi-chon-hoc-sinh-gioi-l_19e66bed.html"
)
TEMPLATE_TITLE = "Gần 900 thí sinh tham dự Kỳ thi chọn học sinh giỏi lớp 12 cấp tỉnh năm học 2023-2024"
NEW_ARTICLES = [
    ("hoi-thi-giao-vien-day-gioi-cap-tinh-2025", "Hội thi giáo viên dạy giỏi cấp tỉnh năm 2025", "12/03/2025"),
    ("trao-hoc-bong-cho-hoc-sinh-ngheo-vuot-kho", "Trao học bổng cho học sinh nghèo vượt khó", "14/03/2025"),
]


def edunews(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "edunews", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


class Site:
    """A served, editable copy of a fixture site and the archive crawls of it go to."""

    def __init__(self, tmp: Path, served: ServedSites, root: Path) -> None:
        self.tmp = tmp
        self.served = served
        self.dir = root / SITE
        self.db = tmp / "archive.sqlite"
        self.sites_file = tmp / "sites.toml"
        self.sites_file.write_text(sites_toml(dict(served), root=root), encoding="utf-8")
        self._seen = 0

    def crawl(self, *args: str) -> subprocess.CompletedProcess:
        return edunews("crawl", SITE, "--sites", str(self.sites_file), "--db", str(self.db), *FAST, *args)

    def requests(self) -> list[tuple[str, int]]:
        """Requests answered since the previous call: (target, status)."""
        log = self.served.requests(SITE)
        fresh, self._seen = log[self._seen :], len(log)
        return [(r.target, r.status) for r in fresh]

    def add_article(self, slug: str, title: str, day: str) -> str:
        """Publish a prepared article: link it at the top of the listing, as the site would; its path."""
        path = f"{LISTING}/{slug}.html"
        listing = self.dir / LISTING_FILE
        item = (
            f'<div class="item-news"><div class="info"><a class="article-title common-title" href="{path}">'
            f'{title}</a><div class="post-date">{day}</div></div></div>\n'
        )
        html = listing.read_text(encoding="utf-8")
        listing.write_text(html.replace('<div class="list-news">', '<div class="list-news">' + item, 1), "utf-8")
        return path

    def edit_articles(self, edit) -> None:
        """Apply edit to the HTML of every article page (a template change)."""
        for page in (self.dir / "pages").glob("tin-tuc_*_*.html"):
            if "_page_" not in page.name:
                page.write_text(edit(page.read_text(encoding="utf-8")), encoding="utf-8")


def prepare_articles(directory: Path) -> None:
    """The pages of NEW_ARTICLES, routed but linked from nowhere until a test publishes them.

    The server reads its routes once; page files are read per request, so listings can change between runs.
    """
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    template = (directory / TEMPLATE_ARTICLE).read_text(encoding="utf-8")
    for slug, title, day in NEW_ARTICLES:
        html = template.replace(TEMPLATE_TITLE, title).replace("28/12/2023", day)
        # Text of its own: the template's paragraphs kept would make it a near copy of the template article.
        html = re.sub(r'<p style="text-align: justify;">.*?</p>', "", html)
        html = html.replace('<div class="article-content">', f'<div class="article-content">\n<p>{title}.</p>', 1)
        file = f"pages/{slug}.html"
        (directory / file).write_text(html, encoding="utf-8")
        manifest["routes"][f"{LISTING}/{slug}.html"] = {
            "file": file,
            "headers": {"Content-Type": "text/html; charset=utf-8"},
        }
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


@contextmanager
def served_copy(tmp_path: Path) -> Iterator[Site]:
    """The copy, served for the length of the block (the `site` fixture of tests/conftest.py)."""
    root = tmp_path / "sites"
    shutil.copytree(SITES_ROOT / SITE, root / SITE)
    prepare_articles(root / SITE)
    with serve_sites([SITE], root=root) as served:
        yield Site(tmp_path, served, root)


def is_listing(target: str) -> bool:
    return target.startswith("/tin-tuc/") and target.count("/") == 2
