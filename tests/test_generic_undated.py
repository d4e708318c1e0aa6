"""Generic mode on a school site that dates its news only on the listings: a real crawl over loopback.

The home page's 'Tin mới' box links the articles without dates, so the crawler meets each article page before any
listing has dated it; it holds the page until the category listing shows the date (with the time, or a day alone
when the crawl runs dry), and a page no listing ever dates is not archived."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from test_faults import FAST, ROOT, html, serve


def article(title: str) -> str:
    prose = "".join(f"<p>Đoạn {i}: {title}, các tổ chuyên môn của Trường THCS Hòa Bình báo cáo kết quả và rút kinh "
                    "nghiệm sau mỗi tiết dạy.</p>" for i in range(4))
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><div id='banner'>TRƯỜNG THCS HÒA "
            f"BÌNH</div><div class='main'><h1 class='news-title'>{title}</h1><div class='news-body'>{prose}</div>"
            "</div></body></html>")


def page(links: str) -> str:
    return f"<html><head><meta charset='utf-8'></head><body><div class='list'>{links}</div></body></html>"


TITLES = {
    "/tin/1.html": "Hội thi giáo viên dạy giỏi cấp trường năm học 2022-2023",
    "/tin/2.html": "Lễ tổng kết năm học và tuyên dương học sinh tiêu biểu",
    "/tin/3.html": "Tập huấn chương trình giáo dục phổ thông cho giáo viên lớp 3",
}


# What the crawl archives: page 1 with the listing's time, page 2 with its day; page 3, never dated, not at all.
EXPECTED = {"tin/1.html": ("2022-07-18T08:30:00+07:00", None), "tin/2.html": ("2022-07-19", None)}


def undated_site(listing_gate=None) -> dict:
    """Routes of the school site: a 'Tin mới' box of undated links on the home page, a category listing with dates
    (answering only once listing_gate, a threading.Event, is set, when one is given)."""
    box = "".join(f"<h3><a href='{u}'>{t}</a></h3>" for u, t in TITLES.items())
    listing = (f"<div class='item'><h3><a href='/tin/1.html'>{TITLES['/tin/1.html']}</a></h3>"
               "<span class='date'>18/07/2022 08:30</span></div>"
               f"<div class='item'><h3><a href='/tin/2.html'>{TITLES['/tin/2.html']}</a></h3>"
               "<span class='date'>(19/07/2022)</span></div>")

    def listing_page(handler):
        if listing_gate is not None:
            listing_gate.wait(timeout=60)
        return html(page(listing))

    return {
        "/": lambda h: html(page(f"<div class='tin-moi'>{box}</div><a href='/tin-tuc'>Tin tức - Sự kiện</a>")),
        "/tin-tuc": listing_page,
        **{u: (lambda h, t=t: html(article(t))) for u, t in TITLES.items()},
    }


def stored_articles(db) -> dict:
    con = sqlite3.connect(db)
    try:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        rows = con.execute("select url, published_at, duplicate_of from articles").fetchall()
    finally:
        con.close()
    return {url.split("/", 3)[-1]: (day, duplicate) for url, day, duplicate in rows}


def test_pages_dated_only_by_their_listing_are_archived_with_that_date(tmp_path):
    with serve(undated_site(), []) as site:
        db = tmp_path / "archive.sqlite"
        run = subprocess.run([sys.executable, "-m", "edunews", "crawl", site.base + "/", "--db", str(db), *FAST],
                             cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert run.returncode in (0, 1), run.stderr[-2000:]  # 1: the site has no sitemap.xml (a 404)
    assert stored_articles(db) == EXPECTED
