"""Generic mode reruns: the second run's requests as a share of the first, and a third run after new articles.

Two measurements, both real crawls over loopback in generic mode (`edunews crawl URL`, no profile):

1. A generated school site no profile describes, N articles (default 1000): two paginated categories, short links
   that redirect to articles, print and session variants, a paginated documents register whose entries are not
   articles, contact pages. Target: the second run over the unchanged site makes at most 5 % of the first run's
   requests; the third, after NEW articles are published, stores them. Its listings run 25 pages deep, past generic
   mode's default depth (4), so these crawls lift DEPTH_LIMIT.
2. The demo fixture sites (edunews/fixtures/sites) crawled by URL: tiny sites (8 to 12 articles) where the listings
   read on every run weigh more than on a real site; printed for reference.

    python -m bench.generic_rerun [--articles 1000] [--no-demo] [--without-memory]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from edunews.fixtures.server import serve_sites, site_names

ROOT = Path(__file__).resolve().parent.parent

SITE = "generic-school"
PER_PAGE = 20
DOCUMENTS = 100
NEW = 3
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0", "--set", "LOG_LEVEL=WARNING"]
HTML = {"Content-Type": "text/html; charset=utf-8"}
WORDS = (
    "giáo dục đào tạo học sinh giáo viên trường lớp năm học hội nghị tổng kết triển khai nhiệm vụ chất lượng dạy "
    "thành phố quận phường phong trào thi đua khen thưởng tập huấn chuyên môn kỳ thi tuyển sinh cơ sở vật chất thư "
    "viện sách giáo khoa chương trình phổ thông ngoại khóa câu lạc bộ kỹ năng sống an toàn giao thông đội thiếu niên"
).split()
TOPICS = ["Hội thi giáo viên dạy giỏi", "Ngoại khóa kỹ năng sống", "Lễ khai giảng năm học", "Câu lạc bộ tiếng Anh",
          "Tuyên dương học sinh giỏi", "Chuyên đề đổi mới phương pháp"]
CATEGORIES = {1: ("tin-tuc", "Tin tức nhà trường"), 2: ("thong-bao", "Thông báo")}


def article_path(n: int) -> str:
    return f"/tin-tuc/chi-tiet.php?cat={n % 2 + 1}&id={n}"


def _layout(title: str, main: str, latest: list[tuple[int, str]]) -> str:
    menu = "".join(
        f'<li><a href="{href}">{text}</a></li>'
        for href, text in [("/", "Trang chủ"), ("/tin-tuc/", "Tin tức"), ("/thong-bao/", "Thông báo"),
                           ("/van-ban/", "Văn bản"), ("/gioi-thieu.html", "Giới thiệu"), ("/lien-he.html", "Liên hệ")]
    )
    side = "".join(f'<li><a href="{article_path(n)}">{t}</a></li>' for n, t in latest)
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title} - Trường THCS Minh Khai</title>'
        f'</head><body><header class="site-header"><a class="logo" href="/">Trường THCS Minh Khai</a>'
        f'<nav class="main-menu"><ul>{menu}</ul></nav></header><div class="wrap">'
        f'<div class="main-col">{main}</div><aside class="sidebar"><div class="box-news"><h3>Tin mới</h3>'
        f'<ul>{side}</ul></div></aside></div><footer class="site-footer"><p>Địa chỉ: 12 Lê Lợi, phường Thạch '
        f'Thang, quận Hải Châu</p><p>Điện thoại: 0236 3821 456</p></footer></body></html>'
    )


class GeneratedSite:
    """The site's files and manifest under a directory; `publish` links prepared articles as the site would."""

    def __init__(self, directory: Path, count: int) -> None:
        self.dir = directory
        self.count = count
        self.routes: dict[str, dict] = {"/robots.txt": {"body": "User-agent: *\nAllow: /\n",
                                                         "headers": {"Content-Type": "text/plain"}}}
        self.titles: dict[int, str] = {}
        self.days: dict[int, str] = {}
        (directory / "pages").mkdir(parents=True)
        # Articles numbered from the newest; NEW more, above the newest, are prepared but linked from nowhere.
        for n in range(-NEW + 1, count + 1):
            self.titles[n] = f"{TOPICS[n % len(TOPICS)]} đợt {n + NEW} của Trường THCS Minh Khai"
            self.days[n] = (date(2025, 6, 30) - timedelta(days=n)).strftime("%d/%m/%Y")
        for n in self.titles:
            self._article(n)
        for k in range(1, DOCUMENTS + 1):
            self._document(k)
        # The server reads its routes once: route the listing pages publishing will add, linked from nowhere yet.
        self.published = list(self.titles)
        self._pages()
        self.published = list(range(1, count + 1))
        self._pages()

    def _write(self, route: str, name: str, html: str) -> None:
        (self.dir / "pages" / name).write_text(html, encoding="utf-8")
        self.routes[route] = {"file": f"pages/{name}", "headers": HTML}

    def _latest(self) -> list[tuple[int, str]]:
        return [(n, self.titles[n]) for n in sorted(self.published)[:5]]

    def _article(self, n: int) -> None:
        rnd = random.Random(n + 10_000)  # random seeds ignore the sign: -1 would repeat 1
        paragraphs = "".join(
            "<p>" + " ".join(rnd.choice(WORDS) for _ in range(30)).capitalize() + ".</p>" for _ in range(4)
        )
        related = "".join(
            f'<li><a href="/bai/{m}">{self.titles[m]}</a></li>' for m in (n + 1, n + 2) if m <= self.count
        )
        main = (
            f'<div class="article-detail"><h1 class="article-title">{self.titles[n]}</h1>'
            f'<div class="article-meta"><span class="article-date">Ngày đăng: {self.days[n]}</span></div>'
            f'<div class="article-body">{paragraphs}<p class="article-author">Thầy Nguyễn Văn An</p></div>'
            f'<div class="tools"><a href="{article_path(n)}&print=1">In bài</a> '
            f'<a href="{article_path(n)}&PHPSESSID=9f3k2">Gửi bài</a></div>'
            f'<div class="related"><h3>Tin cùng chuyên mục</h3><ul>{related}</ul></div></div>'
        )
        self._write(article_path(n), f"article-{n}.html", _layout(self.titles[n], main, []))
        # Short links redirect to the article: what shares and old menus point at.
        self.routes[f"/bai/{n}"] = {"status": 301, "headers": {"Location": article_path(n)}}

    def _document(self, k: int) -> None:
        main = (
            f'<div class="doc-detail"><table class="doc-fields"><tr><td>Số hiệu</td><td>{k}/THCSMK</td></tr>'
            f'<tr><td>Trích yếu</td><td>Kế hoạch số {k} thực hiện nhiệm vụ</td></tr></table>'
            f'<a href="/files/van-ban-{k}.pdf">Tải về</a></div>'
        )
        self._write(f"/van-ban/chi-tiet.php?id={k}", f"document-{k}.html", _layout(f"Văn bản {k}", main, []))

    def _listing(self, base: str, heading: str, items: list[str], latest) -> None:
        pages = max(1, (len(items) + PER_PAGE - 1) // PER_PAGE)
        for number in range(1, pages + 1):
            chunk = "".join(items[(number - 1) * PER_PAGE : number * PER_PAGE])
            numbers = "".join(
                f'<a href="{base}?trang={m}">{m}</a>' for m in range(max(1, number - 2), min(pages, number + 2) + 1)
            )
            following = f'<a class="next" href="{base}?trang={number + 1}">»</a>' if number < pages else ""
            main = (
                f'<h2>{heading}</h2><div class="list-items">{chunk}</div>'
                f'<div class="paging">{numbers}{following}</div>'
            )
            name = f"{base.strip('/').replace('/', '_')}-{number}.html"
            self._write(f"{base}?trang={number}", name, _layout(heading, main, latest))
            if number == 1:
                self.routes[base] = self.routes[f"{base}?trang=1"]

    def _pages(self) -> None:
        latest = self._latest()
        for cat, (slug, heading) in CATEGORIES.items():
            items = [
                f'<div class="item"><a href="{article_path(n)}">{self.titles[n]}</a>'
                f'<span class="date">{self.days[n]}</span></div>'
                for n in sorted(self.published) if n % 2 + 1 == cat
            ]
            self._listing(f"/{slug}/", heading, items, latest)
        documents = [
            f'<div class="item"><a href="/van-ban/chi-tiet.php?id={k}">Kế hoạch số {k}/KH-THCSMK thực hiện nhiệm vụ '
            f'năm học</a></div>' for k in range(1, DOCUMENTS + 1)
        ]
        self._listing("/van-ban/", "Văn bản", documents, latest)
        highlights = "".join(f'<li><a href="/bai/{n}">{self.titles[n]}</a></li>' for n in sorted(self.published)[:10])
        home = f'<div class="highlights"><ul>{highlights}</ul></div>'
        self._write("/", "home.html", _layout("Trang chủ", home, latest))
        for route, name, text in [("/lien-he.html", "contact.html", "Liên hệ"),
                                  ("/gioi-thieu.html", "about.html", "Giới thiệu")]:
            self._write(route, name, _layout(text, f"<h2>{text}</h2><p>Trường THCS Minh Khai, Đà Nẵng.</p>", latest))
        (self.dir / "manifest.json").write_text(json.dumps({"routes": self.routes}, ensure_ascii=False), "utf-8")

    def publish(self) -> list[int]:
        """Link the prepared articles at the top of their listings and the home page (the routes exist already)."""
        fresh = list(range(-NEW + 1, 1))
        self.published = fresh + self.published
        self._pages()
        return fresh


def crawl(url: str, db: Path, extra: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "edunews", "crawl", url, "--db", str(db), *FAST, *extra],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )


def generated(count: int, extra: list[str]) -> tuple[list[int], int]:
    """Requests of three runs over the generated site, and the new articles the third stored."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sites"
        site = GeneratedSite(root / SITE, count)
        db = Path(tmp) / "archive.sqlite"
        with serve_sites([SITE], root=root) as served:
            url = served[SITE] + "/"
            runs = []
            for number in range(3):
                if number == 2:
                    site.publish()
                before = len(served.requests(SITE))
                started = time.monotonic()
                result = crawl(url, db, [*extra, "--set", "DEPTH_LIMIT=0"])
                log = served.requests(SITE)[before:]
                runs.append(len(log))
                kinds = Counter(r.target.split("?")[0].split("/")[1] or "home" for r in log)
                paths = ", ".join(f"/{k} {v}" for k, v in kinds.most_common(6))
                summary = (result.stderr.strip().splitlines() or [""])[-1]
                seconds = time.monotonic() - started
                print(f"  run {number + 1}: {len(log)} requests in {seconds:.1f} s ({paths}); {summary}")
        con = sqlite3.connect(db)
        found = sum(
            con.execute("SELECT count(*) FROM articles WHERE title = ?", (site.titles[n],)).fetchone()[0]
            for n in range(-NEW + 1, 1)
        )
        con.close()
    return runs, found


def demo(extra: list[str]) -> tuple[int, int]:
    """First and second run requests over every demo fixture site, crawled by URL."""
    names = site_names()
    totals = [0, 0]
    with tempfile.TemporaryDirectory() as tmp, serve_sites(names) as served:
        db = Path(tmp) / "archive.sqlite"
        for number in range(2):
            for name in names:
                before = len(served.requests(name))
                crawl(served[name] + "/", db, extra)
                totals[number] += len(served.requests(name)) - before
                if number:
                    print(f"  {name}: {len(served.requests(name)) - before} requests on the second run")
    return totals[0], totals[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--no-demo", action="store_true", help="skip the demo fixture sites")
    parser.add_argument("--without-memory", action="store_true", help="EDUNEWS_URL_MEMORY=False: as before it")
    options = parser.parse_args()
    extra = ["--set", "EDUNEWS_URL_MEMORY=False"] if options.without_memory else []
    print(f"generated site, {options.articles} articles, generic mode:")
    runs, found = generated(options.articles, extra)
    share = runs[1] / runs[0] if runs[0] else 1.0
    print(f"first run: {runs[0]} requests, second run: {runs[1]} requests, second / first: {share:.1%} "
          f"(target <= 5%)")
    print(f"third run after {NEW} new articles: {runs[2]} requests, {found} of {NEW} new articles stored")
    if not options.no_demo:
        print("demo fixture sites, generic mode:")
        first, second = demo(extra)
        print(f"demo sites: first run {first} requests, second run {second}, second / first "
              f"{second / first:.1%}")
    return 0 if share <= 0.05 and found == NEW else 1


if __name__ == "__main__":
    sys.exit(main())
