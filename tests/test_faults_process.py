"""The crawl process under stress: SIGINT mid-crawl, an archive that cannot grow, and readers (Datasette, sqlite3)
querying the archive while a crawl writes it. Real crawls in subprocesses over loopback, the archive checked after.

The servers and the crawl runner are those of tests/test_faults.py.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from test_faults import BODY, ROOT, Reply, Route, article_html, crawl, crawl_args, html, serve, stored_urls

from storage import Archive


def checked_archive(tmp_path: Path) -> sqlite3.Connection:
    """The archive after its consistency checks: SQLite's and FTS5's, the search index term by term, one row per
    URL, and no article without its URLs (what a half-written article would leave)."""
    with Archive(tmp_path / "archive.sqlite") as archive:
        assert archive.integrity_ok()
        assert archive.search_index_ok()
    con = sqlite3.connect(tmp_path / "archive.sqlite")
    con.row_factory = sqlite3.Row
    assert con.execute("select count(*) - count(distinct url) from articles").fetchone()[0] == 0
    orphans = con.execute(
        "select count(*) from articles a where not exists (select 1 from article_urls u where u.article_id = a.id)"
    ).fetchone()[0]
    assert orphans == 0
    return con


def numbered(n: int) -> Route:
    page = article_html(f"Bài số {n}: hoạt động chuyên môn của trường", f"<p>Nội dung riêng của bài {n}.</p>" + BODY)
    return lambda h: html(page)


# -- SIGINT -----------------------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_mid_crawl_finishes_the_pages_in_hand_exits_4_and_a_rerun_completes(tmp_path):
    started = threading.Event()
    release = threading.Event()  # the slow pages answer only once the crawl has taken the signal
    answered: set[str] = set()

    def slow(h: BaseHTTPRequestHandler) -> Reply:
        started.set()
        release.wait(60)
        path = h.path.split("?")[0]
        answered.add(path)
        return html(article_html(f"Bài chậm {path.rsplit('/', 1)[-1]}", f"<p>Trang {path}.</p>" + BODY))

    links = [f"/bai/cham{i}" for i in range(40)]
    routes: dict[str, Route] = {"/bai/ok": numbered(0)}
    routes.update({link: slow for link in links})
    with serve(routes, ["/bai/ok", *links]) as site:
        proc = subprocess.Popen(crawl_args(tmp_path, site.base, "--set", "DOWNLOAD_TIMEOUT=90"), cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        log: list[str] = []
        got_signal = threading.Event()

        def read_log() -> None:
            for line in proc.stderr:
                log.append(line)
                if "Received SIGINT" in line:
                    got_signal.set()

        reader = threading.Thread(target=read_log, daemon=True)
        reader.start()
        try:
            assert started.wait(60), "the crawl never reached the slow pages"
            proc.send_signal(signal.SIGINT)
            assert got_signal.wait(60), "".join(log)[-2000:]
            release.set()
            proc.wait(timeout=90)
            reader.join(timeout=10)
        finally:
            release.set()
            if proc.poll() is None:
                proc.kill()
        stderr = "".join(log)
        assert proc.returncode == 4, stderr[-2000:]
        con = checked_archive(tmp_path)
        assert con.execute("select status from crawls").fetchone()[0] == "interrupted"
        first = stored_urls(con)
        # Graceful: every page answered (the ones in hand when the signal came) went through to the archive, and
        # the crawl stopped short of the rest.
        fetched = {p.lstrip("/") for p in answered} | ({"bai/ok"} if site.hits["/bai/ok"] else set())
        assert first == fetched
        assert len(first) < 1 + len(links)

        rerun = crawl(tmp_path, site.base)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    con = checked_archive(tmp_path)
    assert stored_urls(con) == {"bai/ok", *(link.lstrip("/") for link in links)}
    assert con.execute("select count(*) from articles").fetchone()[0] == 1 + len(links)
    # The rerun fetched only what was missing: no stored article was asked for twice.
    assert {p: c for p, c in site.hits.items() if p.startswith("/bai/") and c != 1} == {}
    assert [r[0] for r in con.execute("select status from crawls order by id")] == ["interrupted", "ok"]


# -- an archive that cannot grow ---------------------------------------------------------------------------------

# Runs `edunews` with every archive connection capped at EDUNEWS_MAX_PAGE_COUNT pages: SQLite then answers writes
# past the cap with SQLITE_FULL, exactly as on a full disk, without needing root for a small filesystem.
FULL_DISK_RUNNER = """
import os, sys
import storage.archive

apply_pragmas = storage.archive.apply_pragmas

def capped(db):
    apply_pragmas(db)
    db.execute("PRAGMA max_page_count = %d" % int(os.environ["EDUNEWS_MAX_PAGE_COUNT"]))

storage.archive.apply_pragmas = capped
from edunews.cli import main
sys.argv[0] = "edunews"
main()
"""

ARTICLES = 30


def test_full_archive_stops_the_crawl_cleanly_and_a_rerun_with_space_stores_everything(tmp_path):
    db = tmp_path / "archive.sqlite"
    with Archive(db) as archive:  # the schema exists; the cap leaves room for a few articles only
        pages = archive.db.execute("PRAGMA page_count").fetchone()[0]
        room = 64 * 1024 // archive.db.execute("PRAGMA page_size").fetchone()[0]
    routes = {f"/bai/{n}": numbered(n) for n in range(ARTICLES)}
    with serve(routes, list(routes)) as site:
        args = crawl_args(tmp_path, site.base)
        assert args[1:3] == ["-m", "edunews"]
        full = subprocess.run(
            [sys.executable, "-c", FULL_DISK_RUNNER, *args[3:]], cwd=ROOT, capture_output=True, text=True,
            timeout=120, env={**os.environ, "EDUNEWS_MAX_PAGE_COUNT": str(pages + room)},
        )
        first_hits = dict(site.hits)
        assert full.returncode == 6, full.stderr[-3000:]  # failed: the crawl could not do its work
        assert "is full: stopping the crawl" in full.stderr, full.stderr[-3000:]
        assert "database or disk is full" in full.stderr
        assert "archive_full" in full.stderr  # the summary line names the error
        con = checked_archive(tmp_path)
        stored_first = stored_urls(con)
        assert 0 < len(stored_first) < ARTICLES, stored_first
        # Nothing half-written: each stored article has its URL row (and the index was checked above).
        assert con.execute("select count(*) from article_urls").fetchone()[0] == len(stored_first)
        # The crawl's row is closed as failed, or left running when even that could not be written.
        assert con.execute("select status from crawls").fetchone()[0] in ("failed", "running")

        rerun = crawl(tmp_path, site.base)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    con = checked_archive(tmp_path)
    assert stored_urls(con) == {f"bai/{n}" for n in range(ARTICLES)}
    assert con.execute("select count(*) from articles").fetchone()[0] == ARTICLES
    # Stored articles were not fetched again; the ones the full archive refused were.
    for n in range(ARTICLES):
        path = f"/bai/{n}"
        again = site.hits[path] - first_hits.get(path, 0)
        assert again == (0 if f"bai/{n}" in stored_first else 1), path


# -- readers while a crawl writes ---------------------------------------------------------------------------------

BIG = 80
COUNTS_SQL = (
    "select (select count(*) from articles) as articles, "
    "(select count(distinct article_id) from article_urls) as with_urls, "
    "(select count(*) from crawls) as crawls"
)


def test_datasette_and_sqlite3_read_while_a_crawl_writes_without_locks(tmp_path):
    from datasette.app import Datasette

    db = tmp_path / "archive.sqlite"
    Archive(db).close()  # readers open an existing archive; the crawl then writes into it
    routes = {f"/bai/{n}": numbered(n) for n in range(BIG)}
    readings: list[tuple[str, int, int]] = []
    problems: list[str] = []

    async def read_while(proc: subprocess.Popen) -> None:
        ds = Datasette(files=[str(db)])
        await ds.invoke_startup()
        name = db.stem
        while True:
            done = proc.poll() is not None
            response = await ds.client.get(f"/{name}.json", params={"sql": COUNTS_SQL, "_shape": "array"})
            if response.status_code != 200 or "locked" in response.text:
                problems.append(f"datasette {response.status_code}: {response.text[:300]}")
            else:
                row = response.json()[0]
                readings.append(("datasette", row["articles"], row["with_urls"]))
            found = await ds.client.get(f"/{name}/articles.json", params={"_search": "hoat dong", "_size": "1"})
            if found.status_code != 200 or "locked" in found.text:
                problems.append(f"datasette search {found.status_code}: {found.text[:300]}")
            try:
                con = sqlite3.connect(db)  # the default 5 s busy timeout, as any script would open it
                try:
                    articles, with_urls, _ = con.execute(COUNTS_SQL).fetchone()
                finally:
                    con.close()
                readings.append(("sqlite3", articles, with_urls))
            except sqlite3.OperationalError as exc:
                problems.append(f"sqlite3: {exc}")
            if done:
                return
            await asyncio.sleep(0.02)

    with serve(routes, list(routes)) as site:
        proc = subprocess.Popen(crawl_args(tmp_path, site.base), cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        try:
            asyncio.run(read_while(proc))
            _, stderr = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, stderr[-2000:]
    assert problems == []
    # Every reading is a consistent snapshot: each article it sees already has its URLs (one transaction).
    assert all(articles == with_urls for _, articles, with_urls in readings)
    # Readers never see the archive go back, and some readings fell mid-crawl (so the reads did overlap).
    for reader in ("datasette", "sqlite3"):
        counts = [articles for who, articles, _ in readings if who == reader]
        assert counts == sorted(counts) and counts[-1] == BIG
    assert any(0 < articles < BIG for _, articles, _ in readings), readings[:5]
    assert len(stored_urls(checked_archive(tmp_path))) == BIG
