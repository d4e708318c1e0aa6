"""Hostile input over loopback: wrong charsets, double-encoded text, a listing of thousands of links, redirects to
names of private addresses, and names and text that look like paths or SQL. Each crawl's archive is checked after.

The servers and the crawl runner are those of tests/test_faults.py.
"""

from __future__ import annotations

import ipaddress
import json
import sqlite3
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from test_faults import (
    BODY,
    ROOT,
    Route,
    article_html,
    crawl,
    html,
    serve,
    stored_urls,
)

from storage import Archive


def checked_archive(tmp_path: Path) -> sqlite3.Connection:
    """The crawl's archive after its own consistency checks; rows readable by column name."""
    with Archive(tmp_path / "archive.sqlite") as archive:
        assert archive.integrity_ok()
        assert archive.search_index_ok()
    con = sqlite3.connect(tmp_path / "archive.sqlite")
    con.row_factory = sqlite3.Row
    # One row per URL, and every article reachable under its own URL.
    assert con.execute("select count(*) - count(distinct url) from articles").fetchone()[0] == 0
    orphans = con.execute(
        "select count(*) from articles a where not exists (select 1 from article_urls u where u.article_id = a.id)"
    ).fetchone()[0]
    assert orphans == 0
    return con


def by_path(con: sqlite3.Connection) -> dict[str, sqlite3.Row]:
    return {r["url"].split("/", 3)[-1]: r for r in con.execute("select * from articles")}


# -- charsets ---------------------------------------------------------------------------------------------------


def cp1258(text: str) -> bytes:
    """Vietnamese text as windows-1258 writes it: a base letter the code page has, then combining tone marks."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", char)
        # 'ộ' is o, dot below, circumflex: the code page has 'ô', so the circumflex composes and the dot stays.
        for kept in sorted(_subsets(marks), key=len, reverse=True):
            rest = "".join(m for m in marks if m not in kept)
            try:
                out += unicodedata.normalize("NFC", base + "".join(kept)).encode("cp1258") + rest.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise ValueError(f"{char!r} has no windows-1258 spelling")
    return bytes(out)


def _subsets(items: list[str]) -> list[list[str]]:
    found: list[list[str]] = [[]]
    for item in items:
        found += [[*subset, item] for subset in found]
    return found


def double_encoded(text: str) -> str:
    """UTF-8 read as windows-1252 (bytes it leaves undefined taken as Latin-1), as a careless CMS saves it."""
    raw = text.encode("utf-8")
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in raw)


def charset_page(title: str, sentence: str, meta: str | None) -> str:
    page = article_html(title, f"<p>{sentence}</p>" + BODY)
    return page.replace("<meta charset='utf-8'>", f"<meta charset='{meta}'>" if meta else "")


CHARSET_CASES = {
    # path: (title, a sentence of the body)
    "bai/utf8-as-1258": ("Đào tạo giáo viên dạy giỏi cấp tỉnh", "Hướng dẫn thực hiện nhiệm vụ năm học mới."),
    "bai/utf8-as-latin1": ("Tuyển sinh lớp 10 trường chuyên", "Kỳ thi được tổ chức nghiêm túc, đúng quy chế."),
    "bai/1258-undeclared": ("Bồi dưỡng học sinh giỏi quốc gia", "Đội tuyển được tập huấn tại Hà Nội trong ba tuần."),
    "bai/mojibake": ("Tăng cường đào tạo kỹ năng số", "Sở Giáo dục và Đào tạo triển khai chuyển đổi số."),
}


def test_wrong_or_missing_charsets_and_double_encoding_stored_as_nfc_vietnamese(tmp_path):
    t, s = CHARSET_CASES["bai/utf8-as-1258"]
    utf8_as_1258 = charset_page(t, s, "windows-1258").encode("utf-8")
    t, s = CHARSET_CASES["bai/utf8-as-latin1"]
    utf8_as_latin1 = charset_page(t, s, "iso-8859-1").encode("utf-8")
    t, s = CHARSET_CASES["bai/1258-undeclared"]
    undeclared_1258 = cp1258(charset_page(t, s, None))
    t, s = CHARSET_CASES["bai/mojibake"]
    mojibake = article_html(double_encoded(t), f"<p>{double_encoded(s)}</p>" + BODY).encode("utf-8")
    assert "Ä‘Ã\xa0o táº¡o" in double_encoded(t)  # the double encoding the brief's readers will recognise

    routes: dict[str, Route] = {
        "/bai/utf8-as-1258": lambda h: (200, {"Content-Type": "text/html; charset=windows-1258"}, utf8_as_1258),
        "/bai/utf8-as-latin1": lambda h: (200, {"Content-Type": "text/html; charset=ISO-8859-1"}, utf8_as_latin1),
        "/bai/1258-undeclared": lambda h: (200, {"Content-Type": "text/html"}, undeclared_1258),
        "/bai/mojibake": lambda h: (200, {"Content-Type": "text/html; charset=utf-8"}, mojibake),
    }
    with serve(routes, ["/" + p for p in CHARSET_CASES]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode == 0, run.stderr[-2000:]
    rows = by_path(checked_archive(tmp_path))
    assert set(rows) == set(CHARSET_CASES)
    for path, (title, sentence) in CHARSET_CASES.items():
        row = rows[path]
        assert row["title"] == title, (path, row["title"])
        assert sentence in row["body_text"], (path, row["body_text"][:200])
        assert "Sở Giáo dục và Đào tạo tổ chức hội nghị" in row["body_text"], path
        for value in (row["title"], row["body_text"], row["summary"] or ""):
            assert unicodedata.is_normalized("NFC", value), path
    # The search index reads the repaired text: a folded query finds the page served in windows-1258.
    con = sqlite3.connect(tmp_path / "archive.sqlite")
    found = con.execute("select rowid from articles_fts where articles_fts match 'folded: \"boi duong\"'").fetchall()
    assert len(found) == 1


def test_cp1258_helper_spells_vietnamese_with_combining_marks():
    data = cp1258("Đào tạo")
    assert data == b"\xd0\xe0o ta\xf2o"  # Đ, à (the code page has it), a + combining dot below
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == "Đào tạo"


# -- a listing of thousands of links ----------------------------------------------------------------------------

ARTICLES = 60
BUDGET = 10


def thousands_of_links(base: str, other: str) -> str:
    """5,000 anchors: a quarter to the site's 60 articles (relative, absolute, with fragments, repeated), the rest
    to another host, javascript:, mailto:, tel:, data:, bare fragments and empty hrefs."""
    hrefs: list[str] = []
    for i in range(1250):
        n = i % ARTICLES
        hrefs.append((f"/bai/{n}", f"{base}/bai/{n}", f"/bai/{n}#binh-luan", f"bai/{n}")[i // ARTICLES % 4])
    for i in range(1250):
        hrefs.append((f"{other}/bai/{i}", f"//{other.split('//', 1)[1]}/tin/{i}")[i % 2])
    for i in range(1250):
        hrefs.append(("javascript:void(0)", f"javascript:mo_bai({i})", f"mailto:vanphong{i}@truong.edu.vn",
                      "tel:02693823456", "data:text/html,<b>x</b>")[i % 5])
    for i in range(1250):
        hrefs.append(("#", f"#muc-{i}", "", "#top")[i % 4])
    anchors = "".join(
        f"<div class='item'><a class='article-title common-title' href='{h}'>Tin hoạt động của trường số {i}</a></div>"
        for i, h in enumerate(hrefs)
    )
    assert len(hrefs) == 5000
    return "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>" + anchors + "</body></html>"


def numbered_article(n: int) -> Route:
    page = article_html(f"Bài số {n} về hoạt động của trường", f"<p>Nội dung riêng của bài {n}.</p>" + BODY)
    return lambda h: html(page)


def test_listing_with_thousands_of_links_stays_on_the_host_and_within_the_page_budget(tmp_path):
    routes: dict[str, Route] = {
        f"/bai/{n}": numbered_article(n) for n in range(ARTICLES)
    }
    with serve({"/bai/0": routes["/bai/0"]}, [], host="127.0.0.2") as other:
        with serve(routes, []) as site:
            listing = thousands_of_links(site.base, other.base)
            site.routes["/tin-tuc"] = lambda h: html(listing)
            budgeted = crawl(tmp_path, site.base, "--max-pages", str(BUDGET))
            first_hits = Counter(site.hits)
            run_all = crawl(tmp_path, site.base)
    for run in (budgeted, run_all):
        assert run.returncode == 0, run.stderr[-2000:]
    assert "closespider_pagecount" in budgeted.stderr
    assert sum(other.hits.values()) == 0  # nothing requested from the other host
    # The budget stopped the crawl: it was reached, and the run ended well short of the site's articles. (Scrapy
    # lets the requests already under way finish, so a few more than the budget are fetched: 20 gave 34 to 42.)
    assert sum(first_hits.values()) >= BUDGET
    articles_first = {p for p in first_hits if p.startswith("/bai/")}
    assert 0 < len(articles_first) < ARTICLES
    con = checked_archive(tmp_path)
    paths = stored_urls(con)
    assert paths == {f"bai/{n}" for n in range(ARTICLES)}
    assert con.execute("select count(*) from articles").fetchone()[0] == ARTICLES
    # Every article fetched once over both runs, whatever its number of links: the rerun skipped the stored ones.
    assert {p: c for p, c in site.hits.items() if p.startswith("/bai/") and c != 1} == {}
    crawls = con.execute("select status from crawls order by id").fetchall()
    assert [r[0] for r in crawls] == ["ok", "ok"]


# -- redirects to names of private addresses --------------------------------------------------------------------


def loopback_name() -> str | None:
    """A name other than localhost that the hosts file maps to a loopback address (no DNS needed)."""
    try:
        lines = Path("/etc/hosts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2:
            continue
        try:
            if ipaddress.ip_address(fields[0]) != ipaddress.ip_address("127.0.0.1"):
                continue
        except ValueError:
            continue
        for name in fields[1:]:
            if name != "localhost" and not name.endswith(".localhost"):
                return name
    return None


@pytest.mark.skipif(loopback_name() is None, reason="no name other than localhost maps to 127.0.0.1 here")
def test_redirect_to_a_name_of_a_loopback_address_refused_even_when_offsite_allowed(tmp_path):
    name = loopback_name()
    with serve({"/admin": lambda h: html(article_html("Trang quản trị nội bộ", BODY))}, [],
               host="127.0.0.1") as inside:
        port = inside.base.rsplit(":", 1)[1]
        routes: dict[str, Route] = {"/bai/vao-trong": lambda h: (302, {"Location": f"http://{name}:{port}/admin"}, b"")}
        with serve(routes, ["/bai/vao-trong"], host="127.0.0.2") as site:
            run = crawl(tmp_path, site.base, "--set", "EDUNEWS_ALLOW_OFFSITE_REDIRECTS=True")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert inside.hits["/admin"] == 0 and inside.hits["/robots.txt"] == 0
    assert "'edunews/dropped/offsite_redirect': 1" in run.stderr
    assert stored_urls(checked_archive(tmp_path)) == set()


@pytest.mark.parametrize(
    ("host", "addresses", "private"),
    [
        ("intranet.truong.edu.vn", ["10.1.2.3"], True),
        ("may-chu.local", ["192.168.0.10"], True),
        ("metadata.cloud.example", ["169.254.169.254"], True),
        ("ten-may", ["127.0.1.1"], True),
        ("v6.truong.edu.vn", ["fd00::1"], True),
        ("mixed.truong.edu.vn", ["203.113.131.2", "10.0.0.1"], True),  # any private answer is enough
        ("moet.gov.vn", ["203.113.131.2"], False),
        ("khong-ton-tai.invalid", [], False),  # no answer: the fetch itself fails
    ],
)
def test_redirect_to_a_name_judged_by_the_addresses_it_resolves_to(host, addresses, private):
    """The decision with an injected resolver: no lookup leaves the machine."""
    from scrapy import Request

    from crawler.middlewares import OffsiteRedirect, OffsiteRedirectMiddleware

    class _Stats(Counter):
        def inc_value(self, key: str, count: int = 1) -> None:
            self[key] += count

    class _Crawler:
        class spider:  # noqa: N801 - a stand-in object
            allowed_hosts = {"truong-cong-khai.edu.vn"}

    asked: list[str] = []

    def resolve(name: str) -> list[str]:
        asked.append(name)
        return addresses

    middleware = OffsiteRedirectMiddleware(True, _Stats(), _Crawler(), resolve=resolve)
    request = Request(f"https://{host}/bai/1", meta={"redirect_urls": ["https://truong-cong-khai.edu.vn/tin/1"]})
    if private:
        with pytest.raises(OffsiteRedirect):
            middleware.process_request(request)
    else:
        assert middleware.process_request(request) is None
    assert asked == [host]
    # The site's own hosts are never looked up.
    own = Request("https://truong-cong-khai.edu.vn/bai/2", meta={"redirect_urls": ["https://truong-cong-khai.edu.vn/"]})
    assert middleware.process_request(own) is None and asked == [host]


# -- names and text that look like paths or SQL -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../etc/x", "a/b\\c", "..", "tin/../../x", "x\x00y", "Truong A"])
def test_site_names_that_would_escape_a_folder_are_refused(tmp_path, name):
    """Site names become spider names, which Scrapy uses as folder names (HTTPCACHE_DIR/<name>/). A name is
    refused before anything is written, so no file is made from it anywhere."""
    sites = tmp_path / "conf" / "sites.toml"
    sites.parent.mkdir()
    sites.write_text(
        f"[[site]]\nname = {json.dumps(name)}\nbase_url = \"http://127.0.0.1:9/\"\nfamily = \"provincial\"\n",
        encoding="utf-8",
    )
    work = tmp_path / "work"
    work.mkdir()
    db = work / "archive.sqlite"
    run = subprocess.run(
        [sys.executable, "-m", "edunews", "crawl", "--all", "--sites", str(sites), "--db", str(db),
         "--set", "HTTPCACHE_ENABLED=True", "--set", f"HTTPCACHE_DIR={work / 'cache'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 2, run.stderr[-2000:]
    assert "site name" in run.stderr
    assert not (work / "cache").exists()
    # Nothing appeared beside the folders either, whatever the name tried to reach.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conf", "work"]


def test_site_name_rule_accepts_plain_names_and_refuses_path_characters():
    from spiders.profiles import ProfileError, site_from_mapping

    ok = site_from_mapping({"name": "thpt-pleiku_2", "base_url": "https://thpt-pleiku.edu.vn/"}, "test")
    assert ok.name == "thpt-pleiku_2"
    for bad in ("../../etc/x", "a/b\\c", "/etc/passwd", ".hidden", "a b", "ten;rm -rf"):
        with pytest.raises(ProfileError):
            site_from_mapping({"name": bad, "base_url": "https://thpt-pleiku.edu.vn/"}, "test")


OTHER_BODY = "".join(
    f"<p>Phần {i}: học sinh lớp chín ôn thi tuyển sinh vào lớp mười, giáo viên chủ nhiệm theo dõi từng em.</p>"
    for i in range(6)
)
SQL_TITLE = "'; DROP TABLE articles; -- Thông báo \"tuyển sinh\" 100% OR 1=1"


def test_sql_metacharacters_in_page_text_and_queries_are_data(tmp_path):
    body = "<p>Học sinh nhập '); DELETE FROM article_urls; -- vào ô tìm kiếm, và % _ \\ cũng chỉ là chữ.</p>" + BODY
    routes = {"/bai/sql": lambda h: html(article_html(SQL_TITLE, body)),
              # Its own text: a near copy of the first would be marked its duplicate or original by arrival order
              # (same day), and left out of the search below when it is the copy.
              "/bai/ok": lambda h: html(article_html("Bài bình thường", OTHER_BODY))}
    with serve(routes, ["/bai/sql", "/bai/ok"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode == 0, run.stderr[-2000:]
    con = checked_archive(tmp_path)
    rows = by_path(con)
    assert set(rows) == {"bai/sql", "bai/ok"}
    assert rows["bai/sql"]["title"] == SQL_TITLE
    assert "'); DELETE FROM article_urls; --" in rows["bai/sql"]["body_text"]
    assert con.execute("select count(*) from article_urls").fetchone()[0] >= 2
    db = str(tmp_path / "archive.sqlite")

    def edunews(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "edunews", *args, "--db", db], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)

    # Queries built from what an operator types: search terms and a site name are parameters, not SQL.
    found = edunews("search", "'; DROP TABLE articles; --")
    assert found.returncode == 0, found.stderr[-2000:]
    assert "DROP TABLE articles" in found.stdout and "Bài bình thường" not in found.stdout
    none = edunews("export", "--format", "jsonl", "--site", "faulty' OR '1'='1")
    assert none.returncode == 0 and none.stdout == "", none.stderr[-2000:]
    both = edunews("export", "--format", "jsonl", "--site", "faulty")
    assert [json.loads(line)["title"] for line in both.stdout.splitlines()].count(SQL_TITLE) == 1
    con = checked_archive(tmp_path)
    assert con.execute("select count(*) from articles").fetchone()[0] == 2

