"""Shared crawls: several worker processes and one writer through a real Redis, over loopback.

The fixture sites answer slowly (0.2 s a page) so that requests are in flight when a test kills a process. Each
shared crawl is compared with a crawl of one process of the same served sites: same articles, duplicates, images
and URLs, and the same requests made.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from edunews.demo import sites_toml
from edunews.fixtures.server import serve_sites, site_names
from storage import Archive, redis_state

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
# A killed worker is found dead this many seconds after its last beat.
WORKER_TIMEOUT = "3"
SITES = site_names()


def edunews(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "edunews", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finished(process: subprocess.Popen, timeout: float = 300) -> tuple[int, str]:
    _, err = process.communicate(timeout=timeout)
    return process.returncode, err


def summary_lines(process: subprocess.Popen) -> list[str]:
    """What a finished worker said of its crawls (its frontier log lines and per-site summaries)."""
    err = process.communicate()[1]
    return [line for line in err.splitlines() if "[crawler.frontier] INFO" in line or "demo:" in line
            or "Spider opened" in line or "Crawled (" in line]


def wait_for(condition, timeout: float = 120, what: str = "condition", poll: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(poll)


def contents(db: Path) -> dict:
    """What an analyst sees of an archive, independent of row ids and fetch times."""
    con = sqlite3.connect(db)
    try:
        articles = {
            row[0]: row[1:]
            for row in con.execute(
                "SELECT a.url, a.identity, a.site, a.title, a.summary, a.published_at, a.author, a.body_text, "
                "a.body_html, o.url FROM articles AS a LEFT JOIN articles AS o ON o.id = a.duplicate_of"
            )
        }
        images = sorted(
            con.execute(
                "SELECT a.url, i.position, i.src, i.caption, i.credit FROM images AS i "
                "JOIN articles AS a ON a.id = i.article_id"
            )
        )
        urls = sorted(
            con.execute("SELECT a.url, u.url FROM article_urls AS u JOIN articles AS a ON a.id = u.article_id")
        )
        pages = sorted(url for (url,) in con.execute("SELECT url FROM pages"))
        near = con.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]
        rows = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()
    return {"articles": articles, "rows": rows, "images": images, "urls": urls, "pages": pages, "duplicates": near}


def differences(found: dict, expected: dict) -> dict:
    """What one archive's contents hold that the other's do not, per kind (empty when they are the same)."""
    diff = {}
    for key in expected:
        a, b = found[key], expected[key]
        if isinstance(b, dict):
            keys = set(a) | set(b)
            wrong = {k: (a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)}
        elif isinstance(b, list):
            wrong = {"extra": sorted(set(a) - set(b)), "missing": sorted(set(b) - set(a)),
                     "counts": (len(a), len(b))} if a != b else {}
        else:
            wrong = {"found": a, "expected": b} if a != b else {}
        if wrong:
            diff[key] = wrong
    return diff


def requests_made(served, before: dict[str, int]) -> Counter:
    """(site, target) -> times requested since `before` (log lengths), robots.txt left out (each worker reads it)."""
    made: Counter = Counter()
    for name in SITES:
        for request in served.requests(name)[before.get(name, 0) :]:
            if not request.target.startswith("/robots.txt"):
                made[(name, request.target)] += 1
    return made


def log_lengths(served) -> dict[str, int]:
    return {name: len(served.requests(name)) for name in SITES}


@pytest.fixture(scope="module")
def served():
    with serve_sites(delay=0.2) as servers:
        yield servers


@pytest.fixture(scope="module")
def single(served, tmp_path_factory):
    """A crawl of every fixture site by one process: the reference."""
    tmp = tmp_path_factory.mktemp("single")
    sites = tmp / "sites.toml"
    sites.write_text(sites_toml(dict(served)), encoding="utf-8")
    db = tmp / "archive.sqlite"
    before = log_lengths(served)
    code, err = finished(edunews("crawl", *SITES, "--sites", str(sites), "--db", str(db), *FAST))
    assert code in (0, 1), err
    return {"sites": sites, "contents": contents(db), "requests": requests_made(served, before), "code": code}


def start_writer(url: str, db: Path) -> subprocess.Popen:
    writer = edunews("store", "--from", url, "--db", str(db))
    client = redis.Redis.from_url(url)
    wait_for(lambda: redis_state.writer_figures(client) is not None or writer.poll() is not None, what="writer")
    assert writer.poll() is None, writer.communicate()[1]
    return writer


def start_workers(count: int, url: str, sites: Path) -> list[subprocess.Popen]:
    return [
        edunews(
            "crawl", *SITES, "--sites", str(sites), "--frontier", url, *FAST,
            "--set", f"EDUNEWS_WORKER_TIMEOUT={WORKER_TIMEOUT}",
        )
        for _ in range(count)
    ]


def drain_and_stop(writer: subprocess.Popen, url: str, stop: int = signal.SIGTERM) -> str:
    """Wait until the writer stored everything the workers sent, then stop it as an operator would."""
    client = redis.Redis.from_url(url)
    wait_for(lambda: client.xlen(redis_state.ITEMS_STREAM) == 0, what="the writer's backlog to empty")
    writer.send_signal(stop)
    code, err = finished(writer, timeout=60)
    assert code == 0, err
    return err


def test_three_workers_and_a_writer_build_the_archive_one_process_builds(served, single, redis_db, tmp_path):
    db = tmp_path / "shared.sqlite"
    writer = start_writer(redis_db, db)
    before = log_lengths(served)
    workers = start_workers(3, redis_db, single["sites"])
    outcomes = [finished(worker) for worker in workers]
    assert all(code in (0, 1) for code, _ in outcomes), outcomes
    # The fixture sites' deliberate server error is met by whichever worker fetched that page.
    assert max(code for code, _ in outcomes) == single["code"]
    assert "stored" in drain_and_stop(writer, redis_db)

    shared = contents(db)
    assert shared["articles"], "nothing was stored"
    assert not differences(shared, single["contents"])
    # No URL fetched more often than one process fetches it (once; retries of the server error alike).
    assert requests_made(served, before) == single["requests"]
    # Every worker took part in the shared crawl, and every worker crawl has its record.
    con = sqlite3.connect(db)
    crawls = con.execute("SELECT spider, status FROM crawls").fetchall()
    con.close()
    assert len({spider.split("@", 1)[1] for spider, _ in crawls}) == 3
    assert len(crawls) == 3 * len(SITES)
    assert all(status != "running" for _, status in crawls)
    with Archive(db) as archive:
        assert archive.integrity_ok()


def test_killed_worker_and_killed_writer_lose_nothing_and_store_nothing_twice(served, single, redis_db, tmp_path):
    client = redis.Redis.from_url(redis_db)
    before = log_lengths(served)
    db = tmp_path / "shared.sqlite"
    # The first worker starts the crawl alone, so it surely holds requests when it is killed; two more join.
    victim = start_workers(1, redis_db, single["sites"])[0]
    inflight_match = f"edunews:site:*:inflight:*:{victim.pid}"

    def victim_holds_requests() -> bool:
        return any(client.hlen(key) for key in client.scan_iter(match=inflight_match))

    try:
        wait_for(victim_holds_requests, what="the first worker to hold requests in flight")
    except AssertionError:
        victim.kill()
        raise AssertionError(summary_lines(victim)) from None
    workers = [victim, *start_workers(2, redis_db, single["sites"])]
    wait_for(lambda: sum(requests_made(served, before).values()) >= 10, what="the crawl under way")
    victim.send_signal(signal.SIGKILL)
    assert victim.wait(timeout=30) == -signal.SIGKILL
    held = sum(client.hlen(key) for key in client.scan_iter(match=inflight_match))
    assert held > 0

    # The other two take over the dead worker's requests and finish the crawl.
    outcomes = [finished(worker) for worker in workers[1:]]
    assert all(code in (0, 1) for code, _ in outcomes), outcomes

    # The writer starts once everything waits for it, stores some articles and is killed mid-stream; a new one
    # takes over.
    writer = start_writer(redis_db, db)

    def stored() -> int:
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05)
            try:
                return con.execute("SELECT count(*) FROM articles").fetchone()[0]
            finally:
                con.close()
        except sqlite3.Error:
            return 0

    wait_for(lambda: stored() >= 1, what="the writer to store an article", poll=0.002)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert client.xlen(redis_state.ITEMS_STREAM) > 0, "the killed writer left nothing to take over"
    writer = start_writer(redis_db, db)
    drain_and_stop(writer, redis_db)

    # The dead worker's requests were taken over: nothing is left in flight and the archive is complete.
    assert not list(client.scan_iter(match="edunews:site:*:inflight:*"))
    assert not differences(contents(db), single["contents"])
    with Archive(db) as archive:
        assert archive.integrity_ok()
        assert archive.inbox_position(redis_state.ITEMS_STREAM) is not None
        crawls = archive.db.conn.execute("SELECT spider, status FROM crawls").fetchall()
    # The killed worker's crawls are recorded as interrupted; the others' as they ended.
    assert crawls and all(status != "running" for _, status in crawls)
    assert all(status == "interrupted" for spider, status in crawls if spider.endswith(f":{victim.pid}"))


def test_a_second_shared_crawl_fetches_only_what_the_archive_lacks(served, single, redis_db, tmp_path):
    """The writer publishes the archive's article URLs: the next night's workers skip them, as a plain rerun does."""
    db = tmp_path / "shared.sqlite"
    writer = start_writer(redis_db, db)
    assert all(code in (0, 1) for code, _ in map(finished, start_workers(2, redis_db, single["sites"])))
    drain_and_stop(writer, redis_db, stop=signal.SIGINT)
    first = contents(db)

    writer = start_writer(redis_db, db)  # a new writer publishes the state from the archive
    before = log_lengths(served)
    outcomes = [finished(worker) for worker in start_workers(2, redis_db, single["sites"])]
    assert all(code in (0, 1) for code, _ in outcomes), outcomes
    drain_and_stop(writer, redis_db)
    again = {target for _, target in requests_made(served, before)}
    stored = {url.split("/", 3)[3] for url in first["articles"]}
    assert again and not again & {"/" + path for path in stored}
    assert any("known skipped" in line for _, err in outcomes for line in err.splitlines())
    assert not differences(contents(db), first)


def test_workers_respect_one_delay_per_host_together(redis_db):
    """The shared politeness slot: while one worker's request to a host is within the delay, another waits."""
    from crawler.politeness import _TAKE_SLOT

    client = redis.Redis.from_url(redis_db)
    take = client.register_script(_TAKE_SLOT)
    key = redis_state.host_key("127.0.0.9")
    assert take(keys=[key], args=[5000]) == 0  # the first may go
    waits = [int(take(keys=[key], args=[5000])) for _ in range(3)]
    assert all(0 < wait <= 5000 for wait in waits)  # the others wait for the host's next free moment
    client.delete(key)
    assert take(keys=[key], args=[5000]) == 0


def test_a_stopped_writer_goes_on_after_its_last_stored_message(redis_db, tmp_path):
    """Exactly once across a writer killed inside the article's transaction and one killed after it committed."""
    from edunews.store import Writer

    client = redis.Redis.from_url(redis_db)
    record = {
        "url": "http://127.0.0.1/tin-tuc/1.html", "urls": ["http://127.0.0.1/tin-tuc/1.html"], "identity": None,
        "site": "demo", "title": "Hội nghị tổng kết năm học", "summary": None, "published_at": "2024-05-20",
        "published_raw": "20/05/2024", "published_source": "page", "updated_at": None, "author": None,
        "source": None, "category": None, "body_text": "Sáng nay, Sở Giáo dục và Đào tạo tổ chức hội nghị.",
        "body_html": "<p>Sáng nay, Sở Giáo dục và Đào tạo tổ chức hội nghị.</p>", "view_count": None,
        "word_count": 11, "fetched_at": "2026-12-03T01:00:00+00:00", "images": [], "attachments": [],
    }
    data = {"record": record, "page": None, "site_row": None, "spider": "demo", "worker": "w:1"}
    first = redis_state.send(client, "article", data)
    other = {
        **record, "url": "http://127.0.0.1/tin-tuc/2.html", "urls": ["http://127.0.0.1/tin-tuc/2.html"],
        "title": "Khai giảng năm học mới", "body_text": "Các trường học trong tỉnh đồng loạt khai giảng.",
        "body_html": "<p>Các trường học trong tỉnh đồng loạt khai giảng.</p>",
    }
    second = redis_state.send(client, "article", {**data, "record": other})
    db = tmp_path / "archive.sqlite"

    class Killed(BaseException):
        pass

    with Archive(db) as archive:
        writer = Writer(client, archive)
        message = redis_state.read(client, writer.position)[0]
        original = archive.store_article

        def killed_inside(article, page=None, then=None):
            def crash(conn):
                then(conn)
                raise Killed  # the process dies after the position was written, before COMMIT

            return original(article, page, then=crash)

        archive.store_article = killed_inside
        with pytest.raises(Killed):
            writer.apply(message)
        archive.store_article = original
        assert archive.db.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        assert archive.inbox_position(redis_state.ITEMS_STREAM) is None

    with Archive(db) as archive:
        writer = Writer(client, archive)
        message = redis_state.read(client, writer.position)[0]
        assert message.id == first.decode()
        # Killed after the commit, before the message left Redis: the next writer must not store it again.
        archive.store_article(message.data["record"], None, then=lambda conn: archive.record_inbox_position(
            redis_state.ITEMS_STREAM, message.id, conn))
    assert client.xlen(redis_state.ITEMS_STREAM) == 2

    with Archive(db) as archive:
        writer = Writer(client, archive)
        remaining = redis_state.read(client, writer.position)
        assert [m.id for m in remaining] == [second.decode()]
        writer.apply(remaining[0])
        assert archive.db.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
        assert archive.inbox_position(redis_state.ITEMS_STREAM) == second.decode()
    assert client.xlen(redis_state.ITEMS_STREAM) == 0


def test_status_shows_workers_queues_and_the_writer(redis_db, tmp_path):
    client = redis.Redis.from_url(redis_db)
    redis_state.beat(client, "m1:100", {"pages": 12, "items": 5, "errors": 1, "sites": ["gialai"], "state": "crawling"})
    client.zadd(redis_state.SiteKeys("gialai").requests, {b"r1": 0, b"r2": 0})
    client.hset(redis_state.SiteKeys("gialai").inflight("m1:100"), b"r3", 0)
    redis_state.send(client, "crawl", {"spider": "gialai"})
    result = subprocess.run(
        [sys.executable, "-m", "edunews", "status", "--frontier", redis_db, "--db", str(tmp_path / "none.sqlite")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "m1:100" in out and "crawling" in out
    line = next(line for line in out.splitlines() if line.startswith("gialai "))
    assert line.split()[1:] == ["2", "1"]
    assert "writer: none running; 1 messages waiting" in out


def test_a_frontier_that_does_not_answer_is_a_configuration_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "edunews", "crawl", "gialai", "--frontier", "redis://127.0.0.1:1/0"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "no Redis answers at redis://127.0.0.1:1/0" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "edunews", "store", "--from", "http://127.0.0.1:1/", "--db", str(tmp_path / "a.db")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "a frontier is a Redis URL" in result.stderr


def test_a_crawl_of_one_process_needs_no_redis(monkeypatch):
    """Without EDUNEWS_FRONTIER nothing of the shared crawl is switched on."""
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from crawler.frontier import FrontierWorker
    from crawler.pipelines import StorePipeline, StreamPipeline
    from crawler.politeness import SharedPolitenessMiddleware

    monkeypatch.delenv("EDUNEWS_FRONTIER", raising=False)
    crawler = get_crawler(settings_dict={"EDUNEWS_DB": os.devnull})
    for component in (FrontierWorker, StreamPipeline, SharedPolitenessMiddleware):
        with pytest.raises(NotConfigured):
            component.from_crawler(crawler)
    assert isinstance(StorePipeline.from_crawler(crawler), StorePipeline)


def test_a_worker_killed_while_holding_undated_pages_loses_none_of_them(redis_db, tmp_path):
    """Generic mode holds an article page without a date until a listing dates it. A worker killed while holding
    such pages (their listing not read yet) keeps their requests in flight: the next worker fetches and dates them."""
    import threading

    from test_faults import FAST as SITE_FAST
    from test_faults import serve
    from test_generic_undated import EXPECTED, stored_articles, undated_site

    client = redis.Redis.from_url(redis_db)
    gate = threading.Event()
    with serve(undated_site(listing_gate=gate), []) as site:
        db = tmp_path / "shared.sqlite"
        writer = start_writer(redis_db, db)

        def worker() -> subprocess.Popen:
            return edunews("crawl", site.base + "/", "--frontier", redis_db, *SITE_FAST,
                           "--set", f"EDUNEWS_WORKER_TIMEOUT={WORKER_TIMEOUT}")

        first = worker()

        def holds_all_three() -> bool:
            held = [field for key in client.scan_iter(match=f"edunews:site:*:inflight:*:{first.pid}")
                    for field in client.hkeys(key)]
            return all(any(f"/tin/{n}.html".encode() in field for field in held) for n in (1, 2, 3))

        wait_for(holds_all_three, what="the first worker to hold the three undated pages")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        gate.set()
        code, err = finished(worker())
        assert code in (0, 1), err  # 1: the site has no sitemap.xml (a 404)
        drain_and_stop(writer, redis_db)
    assert stored_articles(db) == EXPECTED
    assert not list(client.scan_iter(match="edunews:site:*:inflight:*"))


def test_link_dates_shared_between_workers_keep_the_fullest(redis_db):
    """What one worker's listings showed beside a link reaches the others; a time never gives way to a day."""
    from scrapy.settings import Settings

    from crawler import state

    settings = Settings({"EDUNEWS_FRONTIER": redis_db})
    a, b, c = "http://127.0.0.1/tin/1.html", "http://127.0.0.1/tin/2.html", "http://127.0.0.1/tin/3.html"
    state.share_link_dates(settings, "truong", {a: "(19/07/2022)", b: "18/07/2022 08:30"})
    state.share_link_dates(settings, "truong", {a: "19/07/2022 14:05", b: "(18/07/2022)"})
    assert state.shared_link_dates(settings, "truong", [a, b, c]) == {a: "19/07/2022 14:05", b: "18/07/2022 08:30"}
    assert state.shared_link_dates(settings, "another-site", [a]) == {}


def test_generic_mode_shares_the_dates_listings_show(redis_db, tmp_path):
    """Generic mode with two workers: pages held for want of a date are dated by the listing, whichever worker read
    it, and the archive is a single crawl's."""
    from test_faults import FAST as SITE_FAST
    from test_faults import serve
    from test_generic_undated import EXPECTED, stored_articles, undated_site

    with serve(undated_site(), []) as site:
        db = tmp_path / "shared.sqlite"
        writer = start_writer(redis_db, db)
        workers = [
            edunews("crawl", site.base + "/", "--frontier", redis_db, *SITE_FAST,
                    "--set", f"EDUNEWS_WORKER_TIMEOUT={WORKER_TIMEOUT}")
            for _ in range(2)
        ]
        outcomes = [finished(worker) for worker in workers]
        assert all(code in (0, 1) for code, _ in outcomes), outcomes  # 1: the site has no sitemap.xml (a 404)
        drain_and_stop(writer, redis_db)
    assert stored_articles(db) == EXPECTED


def test_a_worker_whose_redis_goes_away_stops_with_failure(served, single):
    """A worker cannot take, finish or hand on anything without its Redis: once Redis has been silent for longer
    than EDUNEWS_WORKER_TIMEOUT it stops with status failed (exit 6) instead of waiting for ever."""
    from edunews.fixtures.redis_server import redis_binary, redis_server

    binary = redis_binary()
    if binary is None:
        pytest.skip("redis-server is not installed")
    with redis_server(binary) as url:
        client = redis.Redis.from_url(url)
        worker = start_workers(1, url, single["sites"])[0]
        wait_for(lambda: any(client.hlen(key) for key in client.scan_iter(match="edunews:site:*:inflight:*")),
                 what="the worker to take requests")
    # The server is stopped here, mid-crawl.
    code, err = finished(worker)
    assert code == 6, err[-3000:]
    assert "this worker stops" in err
    assert "failed" in err.splitlines()[-1]
