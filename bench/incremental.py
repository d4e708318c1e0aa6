"""Incremental crawling: the second run's requests as a share of the first, on an unchanged 1,000-article site.

Writes a provincial-portal style site (one listing of N articles, 20 per page) to a temporary directory, serves it
on loopback, crawls it twice into one archive and prints both runs' request counts. Target: at most 5 %.

    python -m bench.incremental [--articles 1000]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from edunews.demo import sites_toml
from edunews.fixtures.server import serve_sites

ROOT = Path(__file__).resolve().parent.parent

SITE = "incremental-demo"
PER_PAGE = 20
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0", "--set", "LOG_LEVEL=WARNING"]
HTML = "text/html; charset=utf-8"
WORDS = (
    "giáo dục đào tạo học sinh giáo viên trường lớp năm học hội nghị tổng kết triển khai nhiệm vụ chất lượng dạy "
    "tỉnh huyện xã phong trào thi đua khen thưởng tập huấn chuyên môn kỳ thi tuyển sinh cơ sở vật chất thư viện "
    "sách giáo khoa chương trình phổ thông mầm non tiểu học trung học bồi dưỡng kỹ năng an toàn giao thông"
).split()
TOPICS = ["Hội nghị tổng kết", "Tập huấn giáo viên", "Kỳ thi học sinh giỏi", "Khai giảng năm học", "Chuyển đổi số"]


def page(title: str, main: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<div id="content" class="container">{main}</div></body></html>'
    )


def write_site(directory: Path, count: int) -> None:
    """The site's pages, manifest and profile: articles numbered from the newest."""
    pages = directory / "pages"
    pages.mkdir(parents=True)
    robots = {"body": "User-agent: *\nAllow: /\n", "headers": {"Content-Type": "text/plain"}}
    routes: dict[str, dict] = {"/robots.txt": robots}
    first_day = date(2025, 6, 30)
    items = []
    for n in range(1, count + 1):
        day = (first_day - timedelta(days=n)).strftime("%d/%m/%Y")
        title = f"{TOPICS[n % len(TOPICS)]} số {n} của Sở Giáo dục và Đào tạo"
        path = f"/tin-tuc/tin-hoat-dong-nganh/bai-viet-{n}.html"
        # Every article its own text: a thousand near-identical bodies would be one near-duplicate group, which is
        # not what this measures.
        rnd = random.Random(n)
        body = "".join(
            "<p>" + " ".join(rnd.choice(WORDS) for _ in range(25)).capitalize() + ".</p>" for _ in range(3)
        )
        main = (
            f'<h1 class="title-detail">{title}</h1><div class="post-info"><span class="post-date">{day}</span></div>'
            f'<div class="article-content">{body}</div>'
        )
        (pages / f"bai-viet-{n}.html").write_text(page(title, main), encoding="utf-8")
        routes[path] = {"file": f"pages/bai-viet-{n}.html", "headers": {"Content-Type": HTML}}
        items.append(
            f'<div class="item-news"><div class="info"><a class="article-title common-title" href="{path}">{title}</a>'
            f'<div class="post-date">{day}</div></div></div>'
        )
    listing = "/tin-tuc/tin-hoat-dong-nganh"
    last = (count + PER_PAGE - 1) // PER_PAGE
    for number in range(1, last + 1):
        chunk = items[(number - 1) * PER_PAGE : number * PER_PAGE]
        following = (
            f'<div class="wrapper-pagination"><a class="next-pages" href="{listing}?page={number + 1}">»</a></div>'
            if number < last
            else ""
        )
        main = f'<div class="list-news">{"".join(chunk)}</div>{following}'
        (pages / f"listing-{number}.html").write_text(page("Tin hoạt động ngành", main), encoding="utf-8")
        key = listing if number == 1 else f"{listing}?page={number}"
        routes[key] = {"file": f"pages/listing-{number}.html", "headers": {"Content-Type": HTML}}
    (directory / "manifest.json").write_text(json.dumps({"routes": routes}, ensure_ascii=False), encoding="utf-8")
    (directory / "site.toml").write_text(
        f'[[site]]\nname = "{SITE}"\ntitle = "Sở Giáo dục và Đào tạo (bench)"\nprovince = ""\nfamily = "provincial"\n'
        f'start_urls = ["{listing}"]\n',
        encoding="utf-8",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sites"
        write_site(root / SITE, options.articles)
        with serve_sites([SITE], root=root) as served:
            sites = Path(tmp) / "sites.toml"
            sites.write_text(sites_toml(dict(served), root=root), encoding="utf-8")
            db = Path(tmp) / "archive.sqlite"
            command = [sys.executable, "-m", "edunews", "crawl", SITE, "--sites", str(sites), "--db", str(db), *FAST]
            pages = str(options.articles // PER_PAGE + 10)
            counts = []
            for run in ("first", "second"):
                before = len(served.requests(SITE)) if counts else 0
                started = time.monotonic()
                subprocess.run(
                    [*command, "--set", f"EDUNEWS_MAX_LISTING_PAGES={pages}"], cwd=ROOT, check=False,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
                counts.append(len(served.requests(SITE)) - before)
                print(f"{run} run: {counts[-1]} requests in {time.monotonic() - started:.1f} s")
    share = counts[1] / counts[0] if counts[0] else 1.0
    print(f"second run / first run: {share:.1%} (target <= 5%)")
    return 0 if share <= 0.05 else 1


if __name__ == "__main__":
    sys.exit(main())
