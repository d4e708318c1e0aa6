"""Seen-request fingerprints on disk: same answers as Scrapy's filter, nothing kept in memory, resumable."""

from __future__ import annotations

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter

from crawler.dupefilter import CACHE_KIB, FILE_NAME, DiskDupeFilter


def test_same_answers_as_scrapys_filter():
    ours, theirs = DiskDupeFilter(), RFPDupeFilter()
    urls = [
        "http://127.0.0.1/tin-tuc?page=2&cat=1",
        "http://127.0.0.1/tin-tuc?cat=1&page=2",  # the same request: query order is canonicalised
        "http://127.0.0.1/tin-tuc/bai-viet.html#binh-luan",
        "http://127.0.0.1/tin-tuc/bai-viet.html",
        "http://127.0.0.1/tin-tuc/Bai-Viet.html",
    ]
    try:
        for url in urls * 2:
            request = Request(url)
            assert ours.request_seen(request) == theirs.request_seen(request), url
        # POSTs with other bodies are other requests.
        assert not ours.request_seen(Request("http://127.0.0.1/tim", method="POST", body=b"q=a"))
        assert not ours.request_seen(Request("http://127.0.0.1/tim", method="POST", body=b"q=b"))
    finally:
        ours.close("finished")


def test_fingerprints_stay_out_of_python_memory():
    seen = DiskDupeFilter()
    try:
        for n in range(3000):
            assert not seen.request_seen(Request(f"http://127.0.0.1/tin-tuc/{n}.html"))
        assert seen.request_seen(Request("http://127.0.0.1/tin-tuc/1234.html"))
        assert len(seen) == 3000
        # Scrapy's in-memory set is left empty; SQLite keeps at most its page cache in memory.
        assert not seen._fingerprints
        cache = seen.conn.execute("PRAGMA cache_size").fetchone()[0]
        assert cache == -CACHE_KIB
    finally:
        seen.close("finished")


def test_job_directory_survives_a_restart(tmp_path):
    first = DiskDupeFilter(str(tmp_path))
    for n in range(10):
        first.request_seen(Request(f"http://127.0.0.1/tin-tuc/{n}.html"))
    first.close("shutdown")
    assert (tmp_path / FILE_NAME).exists()
    resumed = DiskDupeFilter(str(tmp_path))
    try:
        assert resumed.request_seen(Request("http://127.0.0.1/tin-tuc/3.html"))
        assert not resumed.request_seen(Request("http://127.0.0.1/tin-tuc/10.html"))
    finally:
        resumed.close("finished")
    assert (tmp_path / FILE_NAME).exists()


def test_project_settings_use_it():
    from edunews.run import project_settings

    assert project_settings().get("DUPEFILTER_CLASS") == "crawler.dupefilter.DiskDupeFilter"
