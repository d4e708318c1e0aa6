"""`edunews reparse` fanned out: the stored pages queued in a real Redis, re-extracted by worker processes and
stored by the one writer, compared with a reparse of one process of the same archive."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from test_distributed import start_writer, wait_for

from edunews.demo import sites_toml
from edunews.fixtures.server import SITES_ROOT, serve_sites, site_names
from storage import redis_state, reparse_jobs

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
# A killed worker is found dead this many seconds after its last beat.
WORKER_TIMEOUT = "2"
ARTICLE_COLUMNS = "id, url, title, published_at, author, body_text, summary, duplicate_of"


def edunews(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "edunews", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "EDUNEWS_PROGRESS": "0"},
    )


def finished(process: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def copy_archive(source: Path, target: Path) -> Path:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def articles(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY id").fetchall()


def revisions(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT article_id, title, body_text FROM revisions ORDER BY article_id, id").fetchall()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Every fixture site crawled once with raw pages kept; then some titles made stale, as an extraction fix
    would find them, so the reparse has work to do."""
    tmp = tmp_path_factory.mktemp("reparse_shared")
    root = tmp / "sites"
    shutil.copytree(SITES_ROOT, root)
    with serve_sites(site_names(root), root=root) as served:
        sites = tmp / "sites.toml"
        sites.write_text(sites_toml(dict(served), root=root), encoding="utf-8")
        db = tmp / "archive.sqlite"
        code, _, err = finished(edunews("crawl", *site_names(root), "--sites", str(sites), "--db", str(db), *FAST))
        assert code in (0, 1), err[-2000:]
    with sqlite3.connect(db) as conn:
        stale = conn.execute(
            "UPDATE articles SET title = title || ' (bản cũ)' WHERE id % 3 = 0 AND duplicate_of IS NULL "
            "AND id NOT IN (SELECT duplicate_of FROM articles WHERE duplicate_of IS NOT NULL)"
        ).rowcount
    assert stale > 5
    return {"db": db, "sites": sites, "tmp": tmp}


@pytest.fixture(scope="module")
def local(crawled):
    """The reference: a reparse of one process."""
    db = copy_archive(crawled["db"], crawled["tmp"] / "local.sqlite")
    code, out, err = finished(edunews("reparse", "--db", str(db), "--sites", str(crawled["sites"])))
    assert code == 0, err[-2000:]
    found = re.match(r"reparsed (\d+) pages: (.*); (\d+) skipped", out)
    assert found, out
    assert "updated" in found[2], out
    pages, skipped = int(found[1]), int(found[3])
    return {"db": db, "pages": pages, "stored": pages - skipped, "articles": articles(db), "revisions": revisions(db)}


def worker(url: str, sites: Path) -> subprocess.Popen:
    return edunews("reparse", "--work", "--frontier", url, "--sites", str(sites), "--worker-timeout", WORKER_TIMEOUT)


def queue(url: str, db: Path) -> int:
    code, out, err = finished(edunews("reparse", "--db", str(db), "--frontier", url))
    assert code == 0, err[-2000:]
    found = re.match(r"queued (\d+) pages", out)
    assert found, out
    return int(found[1])


def drain_and_stop(writer: subprocess.Popen, url: str) -> dict:
    """Wait until the writer stored everything the workers sent, then stop it as an operator would; its figures."""
    client = redis.Redis.from_url(url)
    wait_for(lambda: client.xlen(redis_state.ITEMS_STREAM) == 0, what="the writer's backlog to empty")
    writer.send_signal(signal.SIGTERM)
    code, _, err = finished(writer, timeout=60)
    assert code == 0, err[-2000:]
    return redis_state.writer_figures(client)["stored"]  # as the writer left them when it stopped


def sent(out: str) -> int:
    found = re.match(r"reparsed \d+ pages: (\d+) sent to the writer", out)
    assert found, out
    return int(found[1])


def crawl_rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT spider, status, pages, articles_updated FROM crawls WHERE spider LIKE 'reparse@%' ORDER BY id"
        ).fetchall()


def test_two_workers_and_the_writer_reparse_as_one_process_does(crawled, local, redis_db, tmp_path):
    db = copy_archive(crawled["db"], tmp_path / "shared.sqlite")
    writer = start_writer(redis_db, db)
    assert queue(redis_db, db) == local["pages"]
    workers = [worker(redis_db, crawled["sites"]) for _ in range(2)]
    results = [finished(process) for process in workers]
    for code, _, err in results:
        assert code == 0, err[-2000:]
    stored = drain_and_stop(writer, redis_db)
    assert stored == {"article": local["stored"], "crawl": 2}
    assert sum(sent(out) for _, out, _ in results) == local["stored"]
    assert articles(db) == local["articles"]
    assert revisions(db) == local["revisions"]
    # Each worker's crawl is recorded, closed, with the pages it re-extracted.
    rows = crawl_rows(db)
    assert len(rows) == 2 and all(status == "ok" for _, status, _, _ in rows)
    assert sum(pages for _, _, pages, _ in rows) == local["pages"]
    assert sum(updated for *_, updated in rows) == sum(1 for _ in local["revisions"])
    assert reparse_jobs.counts(redis.Redis.from_url(redis_db)) == {"queued": 0, "in_flight": 0}


def test_a_killed_worker_s_job_is_redone_by_another_none_lost_none_twice(crawled, local, redis_db, tmp_path):
    db = copy_archive(crawled["db"], tmp_path / "shared.sqlite")
    client = redis.Redis.from_url(redis_db)
    writer = start_writer(redis_db, db)
    assert queue(redis_db, db) == local["pages"]
    victim = worker(redis_db, crawled["sites"])
    held = reparse_jobs.inflight_key(f"{socket.gethostname()}:{victim.pid}")
    # Frozen, the worker holds what it holds; caught between two jobs, it is let go on and caught again.
    while True:
        wait_for(lambda: client.hlen(held) or victim.poll() is not None, what="the worker to take a job")
        assert victim.poll() is None, "the worker finished every job before it could be caught holding one"
        victim.send_signal(signal.SIGSTOP)
        if client.hlen(held):
            break
        victim.send_signal(signal.SIGCONT)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert client.hlen(held) == 1
    workers = [worker(redis_db, crawled["sites"]) for _ in range(2)]
    results = [finished(process) for process in workers]
    for code, _, err in results:
        assert code == 0, err[-2000:]
    assert "jobs of dead workers requeued" in "".join(err for *_, err in results)
    assert not client.exists(held)
    stored = drain_and_stop(writer, redis_db)
    # Every page's result arrived once: what the victim sent before it died and what the others sent.
    assert stored == {"article": local["stored"], "crawl": 2}
    assert articles(db) == local["articles"]
    assert revisions(db) == local["revisions"]
    assert reparse_jobs.counts(client) == {"queued": 0, "in_flight": 0}
