"""Seen-request fingerprints on disk, so a crawl of a big site does not hold them all in memory.

Scrapy's RFPDupeFilter keeps every fingerprint in a Python set (and, with JOBDIR, also appends them to a file
it reads back whole on resume). Here they go to a small SQLite file instead: in the job directory when JOBDIR is
set (a resumed crawl filters what it already requested), else SQLite's temporary database, on disk past
its page cache. Memory stays
at SQLite's page cache whatever the crawl's size; a lookup is one indexed INSERT OR IGNORE.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Request
from scrapy.utils.job import job_dir

FILE_NAME = "requests.seen.sqlite"
# Fingerprints are committed in batches: a crash loses at most this many, which a resumed crawl re-requests.
COMMIT_EVERY = 500
# SQLite page cache, in KiB (negative cache_size): the memory the filter may use, whatever the crawl's size.
CACHE_KIB = 4096


class DiskDupeFilter(RFPDupeFilter):
    """RFPDupeFilter with its fingerprints in SQLite on disk (see the module docstring)."""

    def __init__(self, path: str | None = None, debug: bool = False, *, fingerprinter=None) -> None:
        # The parent's own file (requests.seen) is not used: its fingerprints would be read back into memory.
        super().__init__(None, debug, fingerprinter=fingerprinter)
        self.temporary = path is None
        # "" is SQLite's private temporary database: pages beyond the cache spill to a file SQLite unlinks as
        # soon as it opens it, so nothing is left behind even when the crawl is killed.
        db_path = "" if path is None else str(Path(path, FILE_NAME))
        self.db_path = db_path
        self.conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        # A temporary file needs no durability; the job directory's survives a crash up to the last commit.
        self.conn.execute("PRAGMA synchronous = OFF" if self.temporary else "PRAGMA synchronous = NORMAL")
        if self.temporary:
            self.conn.execute("PRAGMA temp_store = FILE")  # never all in memory, whatever SQLite was built with
        else:
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS seen (fingerprint BLOB PRIMARY KEY) WITHOUT ROWID")
        self.pending = 0
        self.conn.execute("BEGIN")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(
            job_dir(crawler.settings),
            crawler.settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
        )

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.fingerprinter.fingerprint(request)
        cursor = self.conn.execute("INSERT OR IGNORE INTO seen (fingerprint) VALUES (?)", (fingerprint,))
        if cursor.rowcount == 0:
            return True
        self.pending += 1
        if self.pending >= COMMIT_EVERY:
            self.conn.execute("COMMIT")
            self.conn.execute("BEGIN")
            self.pending = 0
        return False

    def __len__(self) -> int:
        return self.conn.execute("SELECT count(*) FROM seen").fetchone()[0]

    def close(self, reason: str) -> None:
        if self.conn is None:
            return
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self.conn.close()
        self.conn = None
