"""Faults, bad input and hostile pages: real crawls over loopback against tiny servers, the archive checked after.

Each test serves one listing page linking to the pages under test from a `http.server` on 127.0.0.1 (port 0),
crawls it with `python -m edunews crawl` in a subprocess, and reads the archive back.
"""

from __future__ import annotations

import gzip
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storage import bodies

ROOT = Path(__file__).resolve().parent.parent
FAST = [
    "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0", "--set", "RETRY_TIMES=2",
    "--set", "DOWNLOAD_TIMEOUT=3",
]

# A route answers (status, headers, body); a body may also be a callable that writes to the handler itself.
Reply = tuple[int, dict[str, str], bytes]
Route = Callable[[BaseHTTPRequestHandler], Reply | None]


def article_html(title: str, body: str, date: str = "18/07/2022 08:30") -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + title + "</title></head><body>"
        "<div class='container'><h1 class='title-detail'>" + title + "</h1>"
        "<div class='post-date'>" + date + "</div>"
        "<div class='article-brief'>Tóm tắt bài viết về giáo dục.</div>"
        "<div class='article-content'>" + body + "</div></div></body></html>"
    )


BODY = "".join(
    f"<p>Đoạn {i}: Sở Giáo dục và Đào tạo tổ chức hội nghị tổng kết năm học, các trường báo cáo kết quả.</p>"
    for i in range(6)
)


def html(text: str, status: int = 200, content_type: str = "text/html; charset=utf-8") -> Reply:
    return status, {"Content-Type": content_type}, text.encode("utf-8")


@dataclass
class Site:
    routes: dict[str, Route]
    hits: Counter = field(default_factory=Counter)
    base: str = ""


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?")[0]
            site.hits[path] += 1
            route = site.routes.get(path)
            if route is None:
                reply: Reply | None = (404, {"Content-Type": "text/html"}, b"<html><body>not here</body></html>")
            else:
                reply = route(self)
            if reply is None:
                return  # the route wrote its own answer
            status, headers, body = reply
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args) -> None:
            pass

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # the crawler hanging up on a bomb or a slow page is expected here


@contextmanager
def serve(routes: dict[str, Route], links: list[str], host: str = "127.0.0.1") -> Iterator[Site]:
    """Serve routes plus a listing page at /tin-tuc linking to `links`; robots.txt allows all unless routed."""
    site = Site(dict(routes))
    anchors = "".join(
        f"<div class='item'><a class='article-title common-title' href='{u}'>Bài {i}</a></div>"
        for i, u in enumerate(links)
    )
    listing = "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>" + anchors + "</body></html>"
    site.routes.setdefault("/tin-tuc", lambda h: html(listing))
    site.routes.setdefault("/robots.txt", lambda h: (200, {"Content-Type": "text/plain"}, b"User-agent: *\n"))
    server = QuietServer((host, 0), _handler(site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.base = f"http://{host}:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def sites_file(tmp_path: Path, base: str, family: str = "provincial") -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(
        "[[site]]\n"
        'name = "faulty"\n'
        'title = "Trường thử nghiệm"\n'
        f'base_url = "{base}/"\n'
        f'family = "{family}"\n'
        'start_urls = ["/tin-tuc"]\n',
        encoding="utf-8",
    )
    return path


def crawl_args(tmp_path: Path, base: str, *extra: str) -> list[str]:
    db = tmp_path / "archive.sqlite"
    return [
        sys.executable, "-m", "edunews", "crawl", "faulty", "--sites", str(sites_file(tmp_path, base)),
        "--db", str(db), *FAST, *extra,
    ]


def crawl(tmp_path: Path, base: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        crawl_args(tmp_path, base, *extra), cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


def archive(tmp_path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(tmp_path / "archive.sqlite")
    con.row_factory = sqlite3.Row
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    return con


def stored_urls(con: sqlite3.Connection) -> set[str]:
    return {r[0].split("/", 3)[-1] for r in con.execute("select url from articles")}


def crawl_row(con: sqlite3.Connection) -> sqlite3.Row:
    return con.execute("select * from crawls order by id desc limit 1").fetchone()


def good(title: str = "Hội nghị tổng kết năm học") -> Route:
    return lambda h: html(article_html(title, BODY))


# -- servers ----------------------------------------------------------------------------------------------------


def test_5xx_twice_then_success_is_retried_and_stored_once(tmp_path):
    def flaky(h: BaseHTTPRequestHandler) -> Reply:
        if site.hits["/bai/flaky"] <= 2:
            return html("<html><body>busy</body></html>", status=503)
        return html(article_html("Bài được thử lại", BODY))

    with serve({"/bai/flaky": flaky}, ["/bai/flaky"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode == 0, run.stderr[-2000:]
    assert site.hits["/bai/flaky"] == 3
    con = archive(tmp_path)
    assert stored_urls(con) == {"bai/flaky"}
    assert crawl_row(con)["errors"] == 0


def test_persistent_500_recorded_never_stored(tmp_path):
    routes = {"/bai/ok": good(), "/bai/broken": lambda h: html(article_html("Lỗi máy chủ", BODY), status=500)}
    with serve(routes, ["/bai/ok", "/bai/broken"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode == 1, run.stderr[-2000:]
    assert site.hits["/bai/broken"] == 3  # first try and RETRY_TIMES=2
    con = archive(tmp_path)
    assert stored_urls(con) == {"bai/ok"}
    row = crawl_row(con)
    assert row["status"] == "finished_with_errors" and row["errors"] >= 1


def test_404_recorded(tmp_path):
    with serve({"/bai/ok": good()}, ["/bai/ok", "/bai/missing"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode == 1 and "http_404" in run.stderr, run.stderr[-2000:]
    assert site.hits["/bai/missing"] == 1  # a 404 is not retried
    con = archive(tmp_path)
    assert stored_urls(con) == {"bai/ok"}
    assert crawl_row(con)["errors"] == 1


def test_redirect_loop_recorded(tmp_path):
    routes = {
        "/bai/a": lambda h: (302, {"Location": "/bai/b"}, b""),
        "/bai/b": lambda h: (302, {"Location": "/bai/a"}, b""),
        "/bai/ok": good(),
    }
    with serve(routes, ["/bai/a", "/bai/ok"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode == 1 and "redirect_loop" in run.stderr, run.stderr[-2000:]
    assert site.hits["/bai/a"] + site.hits["/bai/b"] <= 7  # REDIRECT_MAX_TIMES=5 bounds it
    con = archive(tmp_path)
    assert stored_urls(con) == {"bai/ok"}
    assert crawl_row(con)["errors"] == 1


def test_redirect_chain_past_the_limit_recorded(tmp_path):
    def hop(h: BaseHTTPRequestHandler) -> Reply:
        step = int(h.path.rsplit("r", 1)[1])
        return 302, {"Location": f"/bai/r{step + 1}"}, b""

    routes: dict[str, Route] = {f"/bai/r{i}": hop for i in range(10)}
    routes["/bai/r10"] = good("Cuối chuỗi chuyển hướng")
    with serve(routes, ["/bai/r0"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode == 1 and "redirect_loop" in run.stderr, run.stderr[-2000:]
    assert site.hits["/bai/r10"] == 0  # REDIRECT_MAX_TIMES=5
    assert crawl_row(archive(tmp_path))["errors"] == 1


def test_robots_disallow_respected(tmp_path):
    robots = b"User-agent: *\nDisallow: /bai/private\n"
    routes = {
        "/robots.txt": lambda h: (200, {"Content-Type": "text/plain"}, robots),
        "/bai/private": good("Không được lấy"),
        "/bai/ok": good(),
    }
    with serve(routes, ["/bai/private", "/bai/ok"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode == 0, run.stderr[-2000:]
    assert site.hits["/bai/private"] == 0
    assert stored_urls(archive(tmp_path)) == {"bai/ok"}


def test_empty_body_stores_nothing(tmp_path):
    routes = {"/bai/empty": lambda h: (200, {"Content-Type": "text/html; charset=utf-8"}, b""), "/bai/ok": good()}
    with serve(routes, ["/bai/empty", "/bai/ok"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert site.hits["/bai/empty"] == 1
    assert stored_urls(archive(tmp_path)) == {"bai/ok"}
    assert "'edunews/rejected_articles': 1" in run.stderr


def test_wrong_content_types(tmp_path):
    """A PDF served as text/html is no article (nothing stored); HTML served as application/octet-stream is
    sniffed from its bytes by Scrapy and stored like any article page."""
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
    page = article_html("Bài gửi sai kiểu nội dung", BODY).encode("utf-8")
    routes = {
        "/bai/pdf": lambda h: (200, {"Content-Type": "text/html"}, pdf),
        "/bai/octet": lambda h: (200, {"Content-Type": "application/octet-stream"}, page),
    }
    with serve(routes, ["/bai/pdf", "/bai/octet"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    con = archive(tmp_path)
    assert stored_urls(con) == {"bai/octet"}
    assert "'edunews/rejected_articles': 1" in run.stderr
    (title,) = con.execute("select title from articles").fetchone()
    assert title == "Bài gửi sai kiểu nội dung"


def test_page_over_maxsize_bounded_and_recorded(tmp_path):
    big = article_html("Bài quá lớn", BODY * 400)  # about 600 KB
    with serve({"/bai/big": lambda h: html(big), "/bai/ok": good()}, ["/bai/big", "/bai/ok"]) as site:
        run = crawl(tmp_path, site.base, "--set", "DOWNLOAD_MAXSIZE=200000", "--set", "DOWNLOAD_WARNSIZE=0")
    assert run.returncode == 1 and "edunews/errors/too_large" in run.stderr, run.stderr[-2000:]
    con = archive(tmp_path)
    assert stored_urls(con) == {"bai/ok"}
    assert crawl_row(con)["errors"] >= 1


def test_gzip_bomb_bounded_by_decompressed_size(tmp_path):
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000  # small on the wire

    def bomb_route(h: BaseHTTPRequestHandler) -> Reply:
        return 200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}, bomb

    with serve({"/bai/bomb": bomb_route, "/bai/ok": good()}, ["/bai/bomb", "/bai/ok"]) as site:
        run = crawl(tmp_path, site.base, "--set", "DOWNLOAD_MAXSIZE=1000000", "--set", "DOWNLOAD_WARNSIZE=0")
    # Scrapy stops inflating once the decompressed size passes DOWNLOAD_MAXSIZE: 1 MB read, not 50 MB.
    assert run.returncode == 1 and "edunews/errors/too_large" in run.stderr, run.stderr[-2000:]
    assert "exceeded DOWNLOAD_MAXSIZE" in run.stderr and "during decompression" in run.stderr
    con = archive(tmp_path)
    assert stored_urls(con) == {"bai/ok"}
    assert crawl_row(con)["errors"] >= 1


def test_slow_page_times_out_and_is_recorded(tmp_path):
    def slow(h: BaseHTTPRequestHandler) -> Reply:
        time.sleep(2.5)
        return html(article_html("Chậm", BODY))

    with serve({"/bai/slow": slow, "/bai/ok": good()}, ["/bai/slow", "/bai/ok"]) as site:
        start = time.monotonic()
        run = crawl(tmp_path, site.base, "--set", "DOWNLOAD_TIMEOUT=1", "--set", "RETRY_TIMES=1")
        took = time.monotonic() - start
    assert run.returncode == 1 and "TimeoutError" in run.stderr, run.stderr[-2000:]
    assert took < 30
    con = archive(tmp_path)
    assert stored_urls(con) == {"bai/ok"}
    assert crawl_row(con)["errors"] == 1



def test_connection_reset_retried_then_recorded(tmp_path):
    def reset(h: BaseHTTPRequestHandler) -> None:
        # Hang up without a word: the client sees the connection closed or reset.
        h.close_connection = True
        h.connection.shutdown(socket.SHUT_RDWR)
        return None

    with serve({"/bai/reset": reset, "/bai/ok": good()}, ["/bai/reset", "/bai/ok"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode == 1, run.stderr[-2000:]
    # Scrapy's retries: the first try and RETRY_TIMES=2 more, then it gives up. Twisted adds one silent retry of
    # its own when the request went over a kept-alive connection the server then dropped (timing decides).
    assert "/bai/reset> (failed 3 times)" in run.stderr
    assert site.hits["/bai/reset"] in (3, 4)
    con = archive(tmp_path)
    assert stored_urls(con) == {"bai/ok"}
    assert crawl_row(con)["errors"] == 1

# -- pages ------------------------------------------------------------------------------------------------------


def test_malformed_html_and_no_charset(tmp_path):
    # Unclosed head and paragraphs, misnested inline tags, a stray end tag, a table never closed, no </html>.
    broken = (
        "<html><head><title>Trang hỏng</title><body></div><div class='container'>"
        "<h1 class='title-detail'>Trang HTML hỏng</h1><div class='post-date'>18/07/2022</span>"
        "<div class='article-content'><p>Sở Giáo dục <b>tổ chức "
        "<i>hội nghị</b> tổng kết</i><p>Đoạn hai chưa đóng thẻ<table><tr><td>ô bảng"
        + BODY
    )
    nocharset = article_html("Trang không khai báo bảng mã", BODY).replace("<meta charset='utf-8'>", "")
    routes = {
        "/bai/broken": lambda h: (200, {"Content-Type": "text/html"}, broken.encode("utf-8")),
        "/bai/nocharset": lambda h: (200, {"Content-Type": "text/html"}, nocharset.encode("utf-8")),
    }
    with serve(routes, ["/bai/broken", "/bai/nocharset"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode == 0, run.stderr[-2000:]
    con = archive(tmp_path)
    rows = {r["url"].split("/", 3)[-1]: r for r in con.execute("select url, title, body_text from articles")}
    assert set(rows) == {"bai/broken", "bai/nocharset"}
    assert rows["bai/nocharset"]["title"] == "Trang không khai báo bảng mã"
    assert "Sở Giáo dục và Đào tạo" in rows["bai/nocharset"]["body_text"]
    assert rows["bai/broken"]["title"].startswith("Trang HTML hỏng")
    assert "tổng kết" in rows["bai/broken"]["body_text"]


def test_one_megabyte_article_stored_whole(tmp_path):
    paragraphs = "".join(
        f"<p>Đoạn {i}: học sinh trường {i} đạt giải trong kỳ thi chọn học sinh giỏi cấp tỉnh năm học.</p>"
        for i in range(9000)
    )
    page = article_html("Bài rất dài", paragraphs)
    assert len(page.encode("utf-8")) > 1_000_000
    with serve({"/bai/long": good_html(page)}, ["/bai/long"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode == 0, run.stderr[-2000:]
    (body,) = archive(tmp_path).execute("select body_text from articles").fetchone()
    assert "Đoạn 0:" in body and "Đoạn 8999:" in body


def test_article_without_title_date_body_is_recorded_not_stored(tmp_path):
    empty = "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><div class='article-content'>" \
        "</div></body></html>"
    with serve({"/bai/hollow": lambda h: html(empty), "/bai/ok": good()}, ["/bai/hollow", "/bai/ok"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert site.hits["/bai/hollow"] == 1
    con = archive(tmp_path)
    assert stored_urls(con) == {"bai/ok"}
    # Recorded as an article page that gave nothing: it counts against every field in the site's figures.
    site_row = con.execute("select * from crawl_sites order by crawl_id desc limit 1").fetchone()
    assert site_row["missing_title"] == site_row["missing_date"] == site_row["missing_body"] == 1
    assert "'edunews/rejected_articles': 1" in run.stderr


# -- security ---------------------------------------------------------------------------------------------------


HOSTILE = (
    "<p onclick=\"alert(1)\" onmouseover='steal()'>Sở Giáo dục và Đào tạo tổ chức hội nghị tổng kết năm học.</p>"
    "<script>document.location='http://127.0.0.9/'</script><style>body{display:none}</style>"
    "<iframe src='http://127.0.0.9/frame'></iframe>"
    "<p><a href='javascript:alert(1)'>bấm vào đây</a> và <a href='/bai/khac'>bài khác</a></p>"
    "<img src='/anh.jpg' onerror='alert(2)' alt='ảnh hội nghị'>"
    "<object data='x.swf'></object><embed src='y.swf'><form action='/x'><input name='q'></form>"
    "<svg onload='alert(3)'><circle r='1'/></svg>"
    "<p style='background:url(javascript:alert(4))'>Đoạn có style độc.</p>"
) + BODY


def test_stored_body_html_is_sanitised(tmp_path):
    with serve({"/bai/hostile": good_html(article_html("Bài chứa mã độc", HOSTILE))}, ["/bai/hostile"]) as site:
        run = crawl(tmp_path, site.base)
    assert run.returncode == 0, run.stderr[-2000:]
    con = archive(tmp_path)
    body = bodies.unpack(*con.execute("select body_html, body_text from articles").fetchone())
    lowered = body.lower()
    for bad in ("<script", "<style", "<iframe", "<object", "<embed", "<form", "<svg", "javascript:", "onclick",
                "onmouseover", "onerror", "onload", "style="):
        assert bad not in lowered, bad
    assert "Sở Giáo dục và Đào tạo" in body


def good_html(text: str) -> Route:
    return lambda h: html(text)


def test_redirect_to_other_host_not_followed(tmp_path):
    # 127.0.0.2 stands for another host; it is on loopback, so nothing leaves the machine.
    with serve({"/bai/trap": good("Trang của máy khác")}, [], host="127.0.0.2") as other:
        routes = {
            "/bai/away": lambda h: (302, {"Location": other.base + "/bai/trap"}, b""),
            "/bai/home": lambda h: (301, {"Location": "/bai/ok"}, b""),
            "/bai/ok": good(),
        }
        with serve(routes, ["/bai/away", "/bai/home"]) as site:
            run = crawl(tmp_path, site.base)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert other.hits["/bai/trap"] == 0
    con = archive(tmp_path)
    assert stored_urls(con) == {"bai/ok"}  # a redirect within the site is followed
    assert "offsite_redirect" in run.stderr


def test_redirect_to_private_address_refused_even_when_offsite_allowed(tmp_path):
    with serve({"/admin": good("Trang nội bộ"), "/bai/public": good("Trang công khai")}, [],
               host="127.0.0.3") as other:
        routes = {
            "/bai/internal": lambda h: (302, {"Location": other.base + "/admin"}, b""),
        }
        with serve(routes, ["/bai/internal"]) as site:
            run = crawl(tmp_path, site.base, "--set", "EDUNEWS_ALLOW_OFFSITE_REDIRECTS=True")
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert other.hits["/admin"] == 0
    assert stored_urls(archive(tmp_path)) == set()
    assert "offsite_redirect" in run.stderr



def test_meta_refresh_to_other_host_not_followed(tmp_path):
    with serve({"/bai/trap": good("Trang của máy khác")}, [], host="127.0.0.2") as other:
        refresh = f"<html><head><meta http-equiv='refresh' content='0;url={other.base}/bai/trap'></head></html>"
        with serve({"/bai/refresh": good_html(refresh), "/bai/ok": good()}, ["/bai/refresh", "/bai/ok"]) as site:
            run = crawl(tmp_path, site.base)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert sum(other.hits.values()) == 0
    assert stored_urls(archive(tmp_path)) == {"bai/ok"}
    assert "'edunews/dropped/offsite_redirect': 1" in run.stderr


class _Spider:
    allowed_hosts = {"truong.edu.vn"}


@pytest.mark.parametrize(
    ("target", "allow", "followed"),
    [
        ("https://truong.edu.vn/bai/1", False, True),  # same site, scheme upgraded
        ("https://www.truong.edu.vn/bai/1", False, True),
        ("https://truongmoi.edu.vn/bai/1", False, False),
        ("https://truongmoi.edu.vn/bai/1", True, True),  # a site that moved, when allowed
        ("http://10.0.0.5/admin", True, False),
        ("http://192.168.1.1/", True, False),
        ("http://169.254.169.254/latest/meta-data/", True, False),
        ("http://127.0.0.1:8080/", True, False),
        ("http://[::1]/", True, False),
        ("http://localhost/", True, False),
    ],
)
def test_offsite_redirect_policy(target, allow, followed):
    """The policy alone, with no traffic: requests are judged, never sent."""
    from scrapy import Request

    from crawler.middlewares import OffsiteRedirect, OffsiteRedirectMiddleware

    class _Stats(Counter):
        def inc_value(self, key: str, count: int = 1) -> None:
            self[key] += count

    class _Crawler:
        spider = _Spider()

    stats = _Stats()
    middleware = OffsiteRedirectMiddleware(allow, stats, _Crawler())
    request = Request(target, meta={"redirect_urls": ["https://truong.edu.vn/tin-tuc/1"]})
    if followed:
        assert middleware.process_request(request) is None
    else:
        with pytest.raises(OffsiteRedirect):
            middleware.process_request(request)
    assert stats["edunews/dropped/offsite_redirect"] == (0 if followed else 1)
    # Requests that were not redirected are the spider middleware's business.
    assert middleware.process_request(Request(target)) is None

# -- process ----------------------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_mid_crawl_exits_4_with_consistent_archive(tmp_path):
    started = threading.Event()

    def slow(h: BaseHTTPRequestHandler) -> Reply:
        started.set()
        time.sleep(2)
        return html(article_html("Bài chậm", BODY))

    links = [f"/bai/slow{i}" for i in range(20)]
    routes: dict[str, Route] = {"/bai/ok": good()}
    routes.update({link: slow for link in links})
    with serve(routes, ["/bai/ok", *links]) as site:
        proc = subprocess.Popen(
            crawl_args(tmp_path, site.base, "--set", "DOWNLOAD_TIMEOUT=30"), cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            assert started.wait(60), "the crawl never reached the slow pages"
            time.sleep(0.5)
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=30)
            took = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 4, stderr[-2000:]
    assert took < 10, took
    con = archive(tmp_path)
    row = crawl_row(con)
    assert row["status"] == "interrupted"
    assert len(stored_urls(con)) < 21

