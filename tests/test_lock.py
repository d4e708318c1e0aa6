"""One run per archive: the lock on `<archive>.lock`, and the crawl or demo that finds it taken."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from editable_site import FAST, ROOT, SITE, edunews

from edunews import run
from edunews.lock import ArchiveLocked, archive_lock
from storage import Archive


def test_lock_is_exclusive_and_released(tmp_path):
    db = tmp_path / "archive.sqlite"
    with archive_lock(db):
        with pytest.raises(ArchiveLocked, match=str(os.getpid())), archive_lock(db):
            pass
    with archive_lock(db):  # released when the first run ended
        pass


def test_crawl_refuses_a_locked_archive_at_once(site):
    with archive_lock(site.db):
        started = time.monotonic()
        result = site.crawl()
    assert result.returncode == run.EXIT_LOCKED == 3, result.stderr
    assert "another run is using" in result.stderr
    assert time.monotonic() - started < 30
    assert site.requests() == []  # nothing was fetched


def test_demo_refuses_a_locked_archive(tmp_path):
    db = tmp_path / "demo.sqlite"
    with archive_lock(db):
        result = edunews("demo", "--db", str(db), "--port", "0")
    assert result.returncode == run.EXIT_LOCKED, result.stderr


def test_two_crawls_started_at_once_one_refuses(site):
    # A delay keeps the first crawl running while the second starts.
    slow = ["--set", "DOWNLOAD_DELAY=0.3"]
    args = ["crawl", SITE, "--sites", str(site.sites_file), "--db", str(site.db), *FAST, *slow]
    procs = [
        subprocess.Popen([sys.executable, "-m", "edunews", *args], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    codes = sorted(p.wait(timeout=300) for p in procs)
    errors = [p.stderr.read() for p in procs]
    assert codes == [run.EXIT_ERRORS, run.EXIT_LOCKED], errors  # the fixture site serves one broken page
    with Archive(site.db) as archive:
        assert archive.integrity_ok()
        assert archive.db["crawls"].count == 1
        assert archive.db["articles"].count == 10
