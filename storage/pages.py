"""Raw pages: the fetched page of every stored article, kept for `edunews reparse` and `export-warc`, compressed
against its own site.

Pages of one site share almost all of their template, which per-page zlib cannot see. Measured on bench/crawl.py's
generated sites (five families, level 9): zlib leaves 4.7 KB a page; zstandard with the site's first page as a raw
content dictionary 1.9 KB; with a dictionary trained on 256 of its pages 1.3 KB (trained on 8 to 128 pages, no
better than the first page).

So a site's first page becomes its first dictionary as it is stored, and once the site has SAMPLE_PAGES pages a
dictionary is trained on them, and at most RECOMPRESS_LIMIT of its pages move onto it in the same transaction.
`edunews compact` (compact_site) moves the rest, and retrains a site whose template drifted.

A dictionary is a row of page_dictionaries that never changes once written, and every page names the dictionary it
was compressed with (pages.dictionary_id): a newer one never makes an older page unreadable. A page without one is
zlib: the pages of an archive older than schema 5 until `edunews compact`.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import zstandard

from storage.schema import write_transaction

SAMPLE_PAGES = 256
RECOMPRESS_LIMIT = 1024
# 15 % smaller than level 3, at about 0.3 ms a page.
LEVEL = 9
# Pages of a site that has no dictionary yet, and archives before schema 5.
ZLIB_LEVEL = 6
# zstd's trainer wants samples in numbers; with fewer, the first page as raw content does as well.
MIN_TRAINING_PAGES = 8
# A tenth of the sample, as zstd's own trainer advises, within bounds that keep a small site's dictionary small.
MIN_DICTIONARY_BYTES = 4 * 1024
MAX_DICTIONARY_BYTES = 64 * 1024
# compact_site retrains a site when a new dictionary makes the site's newest pages this much smaller.
RETRAIN_GAIN = 0.9
# Pages recompressed per transaction by compact_site: a kill loses at most one batch of work, never a page.
COMPACT_BATCH = 500

PAGE_COLUMNS = (
    "url", "fetched_at", "status", "headers", "body", "site", "family", "urls", "listing_date", "encoding",
    "dictionary_id",
)
_PAGE_UPSERT = (
    f"INSERT INTO pages ({', '.join(PAGE_COLUMNS)}) VALUES ({', '.join('?' * len(PAGE_COLUMNS))}) "
    f"ON CONFLICT (url) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in PAGE_COLUMNS[1:])}"
)


@dataclass
class Dictionary:
    id: int
    site: str
    pages: int
    compressor: zstandard.ZstdCompressor = field(repr=False)
    decompressor: zstandard.ZstdDecompressor = field(repr=False)

    @classmethod
    def from_row(cls, row_id: int, site: str, pages: int, stored: bytes, level: int) -> Dictionary:
        """From a page_dictionaries row, whose dictionary is kept zlib-compressed; zstd tells a trained dictionary
        from raw content by its magic number."""
        zdict = zstandard.ZstdCompressionDict(zlib.decompress(stored))
        return cls(row_id, site, pages, zstandard.ZstdCompressor(level=level, dict_data=zdict),
                   zstandard.ZstdDecompressor(dict_data=zdict))


class PageCodec:
    """Compresses and decompresses one archive's pages; knows the archive's dictionaries (read once, by id) and
    each site's current one. Bound to one connection: dictionary ids are the archive's own row ids."""

    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], str] | None = None) -> None:
        self.conn = conn
        # The archive's clock (storage.archive.utc_now or a test's), for trained_at; a reader never needs it.
        self.clock = clock
        self._by_id: dict[int, Dictionary] = {}
        self._current: dict[str, Dictionary | None] = {}
        # Pages of each site (counted once, then kept up by write) and the count that makes its training due.
        self._site_pages: dict[str, int] = {}
        self._due_at: dict[str, int | None] = {}

    def dictionary(self, dictionary_id: int) -> Dictionary:
        found = self._by_id.get(dictionary_id)
        if found is None:
            row = self.conn.execute(
                "SELECT id, site, pages, dictionary, level FROM page_dictionaries WHERE id = ?", (dictionary_id,)
            ).fetchone()
            if row is None:
                raise LookupError(f"page dictionary {dictionary_id} is missing from the archive")
            found = self._by_id[dictionary_id] = Dictionary.from_row(*row)
        return found

    def current(self, site: str | None) -> Dictionary | None:
        """The site's newest dictionary, or None (zlib) while it has none."""
        if site is None:
            return None
        if site not in self._current:
            row = self.conn.execute(
                "SELECT max(id) FROM page_dictionaries WHERE site = ?", (site,)
            ).fetchone()
            self._current[site] = self.dictionary(row[0]) if row[0] is not None else None
        return self._current[site]

    def compress(self, body: bytes, site: str | None) -> tuple[bytes, int | None]:
        """(stored bytes, dictionary id or None for zlib)."""
        dictionary = self.current(site)
        if dictionary is None:
            return zlib.compress(body, ZLIB_LEVEL), None
        return dictionary.compressor.compress(body), dictionary.id

    def decompress(self, blob: bytes | None, dictionary_id: int | None) -> bytes:
        if not blob:
            return b""
        if dictionary_id is None:
            return zlib.decompress(blob)
        return self.dictionary(dictionary_id).decompressor.decompress(blob)

    def page_row(self, page: Mapping[str, Any], site: str | None) -> tuple:
        """A pages row, in PAGE_COLUMNS order, from a fetched page mapping (see Archive.store_page)."""
        body = page.get("body") or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        blob, dictionary_id = self.compress(body, site)
        return (
            page["url"], page.get("fetched_at"), page.get("status"),
            json.dumps(page.get("headers") or {}, ensure_ascii=False), blob, site, page.get("family"),
            json.dumps(list(page.get("urls") or ()), ensure_ascii=False), page.get("listing_date"),
            page.get("encoding"), dictionary_id,
        )

    def write(self, conn: sqlite3.Connection, row: tuple) -> None:
        """Write a page_row inside the caller's transaction; give the site a new dictionary when one is due."""
        conn.execute(_PAGE_UPSERT, row)
        site = row[PAGE_COLUMNS.index("site")]
        if site is None:
            return
        if site not in self._site_pages:
            self._site_pages[site] = conn.execute("SELECT count(*) FROM pages WHERE site = ?", (site,)).fetchone()[0]
        else:
            self._site_pages[site] += 1
        if site not in self._due_at:
            self._due_at[site] = _due_at(self.current(site))
        due = self._due_at[site]
        if due is None or self._site_pages[site] < due:
            return
        dictionary = self.train(conn, site)
        if dictionary is None:
            # zstd found nothing to learn: not again before the site has doubled.
            self._due_at[site] = self._site_pages[site] * 2
            return
        self._due_at[site] = _due_at(dictionary)
        recompress(conn, self, site, limit=RECOMPRESS_LIMIT)
        drop_unused_dictionaries(conn, site)

    def train(self, conn: sqlite3.Connection, site: str) -> Dictionary | None:
        """Make the site a new current dictionary from its newest pages (inside the caller's transaction): trained
        on SAMPLE_PAGES of them, or with fewer the newest page itself as raw content. None when zstd could not train
        one, and the site stays as it is."""
        newest = [page["body"] for page in newest_pages(conn, self, site, SAMPLE_PAGES) if page["body"]]
        if not newest:
            return None
        data = train_dictionary(newest) if len(newest) >= SAMPLE_PAGES else newest[0]
        return None if data is None else self.adopt(conn, site, data, len(newest))

    def adopt(self, conn: sqlite3.Connection, site: str, data: bytes, pages: int) -> Dictionary:
        """Store a dictionary as the site's current one (inside the caller's transaction)."""
        if self.clock is None:
            raise RuntimeError("a PageCodec without a clock only reads")
        stored = zlib.compress(data, 9)
        cursor = conn.execute(
            "INSERT INTO page_dictionaries (site, trained_at, pages, level, dictionary) VALUES (?, ?, ?, ?, ?)",
            (site, self.clock(), pages, LEVEL, stored),
        )
        dictionary = Dictionary.from_row(cursor.lastrowid, site, pages, stored, LEVEL)
        self._by_id[dictionary.id] = self._current[site] = dictionary
        return dictionary

    def forget(self) -> None:
        """Drop what is known of the archive's dictionaries and counts: after a rollback, a dictionary trained in
        the transaction is gone (and its id may be given again)."""
        self._by_id.clear()
        self._current.clear()
        self._site_pages.clear()
        self._due_at.clear()


def _due_at(dictionary: Dictionary | None) -> int | None:
    """The site's page count at which it gets its next dictionary on the way; None: only from compact_site."""
    if dictionary is None:
        return 1
    return SAMPLE_PAGES if dictionary.pages < SAMPLE_PAGES else None


def train_dictionary(sample: list[bytes]) -> bytes | None:
    """A zstd dictionary trained on these pages, or None when zstd cannot make one of them."""
    if len(sample) < MIN_TRAINING_PAGES:
        return None
    size = min(MAX_DICTIONARY_BYTES, max(MIN_DICTIONARY_BYTES, sum(map(len, sample)) // 10))
    try:
        return zstandard.train_dictionary(size, sample, level=LEVEL).as_bytes()
    except zstandard.ZstdError:
        return None


def read_pages(
    conn: sqlite3.Connection, codec: PageCodec, where: str = "", params: tuple = (), order: str = "fetched_at, rowid",
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Stored pages as dicts (the PAGE_COLUMNS but dictionary_id): body decompressed, headers and urls decoded.
    where/order are this module's callers' own SQL, never input."""
    sql = f"SELECT {', '.join(PAGE_COLUMNS)} FROM pages" + (f" WHERE {where}" if where else "") + f" ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    for values in conn.execute(sql, params).fetchall():
        row = dict(zip(PAGE_COLUMNS, values, strict=True))
        row["body"] = codec.decompress(row["body"], row.pop("dictionary_id"))
        row["headers"] = json.loads(row["headers"] or "{}")
        row["urls"] = json.loads(row["urls"] or "[]")
        yield row


def newest_pages(conn: sqlite3.Connection, codec: PageCodec, site: str, limit: int) -> list[dict[str, Any]]:
    """The site's most recently fetched pages, at most limit: its current template, without reading every page."""
    return list(read_pages(conn, codec, "site = ?", (site,), "fetched_at DESC, rowid DESC", limit))


def recompress(conn: sqlite3.Connection, codec: PageCodec, site: str, limit: int | None = None) -> int:
    """Move the site's pages not under its current dictionary onto it (newest first, at most limit) inside the
    caller's transaction; how many were moved."""
    dictionary = codec.current(site)
    if dictionary is None:
        return 0
    sql = (
        "SELECT rowid, body, dictionary_id FROM pages WHERE site = ? AND dictionary_id IS NOT ? "
        "ORDER BY fetched_at DESC, rowid DESC"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    moved = 0
    for rowid, blob, dictionary_id in conn.execute(sql, (site, dictionary.id)).fetchall():
        body = codec.decompress(blob, dictionary_id)
        conn.execute(
            "UPDATE pages SET body = ?, dictionary_id = ? WHERE rowid = ?",
            (dictionary.compressor.compress(body), dictionary.id, rowid),
        )
        moved += 1
    return moved


def sample_size(dictionary: Dictionary | None, bodies: list[bytes]) -> int:
    """Bytes these pages take under a dictionary (None: zlib)."""
    if dictionary is None:
        return sum(len(zlib.compress(body, ZLIB_LEVEL)) for body in bodies)
    return sum(len(dictionary.compressor.compress(body)) for body in bodies)


def drop_unused_dictionaries(conn: sqlite3.Connection, site: str | None = None) -> int:
    """Delete the dictionaries (of one site, or all) no page is compressed with, except each site's current one."""
    cursor = conn.execute(
        "DELETE FROM page_dictionaries WHERE (?1 IS NULL OR site = ?1) "
        "AND id NOT IN (SELECT max(id) FROM page_dictionaries GROUP BY site) "
        # By site first: pages has an index on site, none on dictionary_id.
        "AND NOT EXISTS (SELECT 1 FROM pages WHERE pages.site = page_dictionaries.site "
        "AND pages.dictionary_id = page_dictionaries.id)",
        (site,),
    )
    return cursor.rowcount


@dataclass
class SiteCompaction:
    site: str
    trained: bool
    moved: int


def compact_site(conn: sqlite3.Connection, codec: PageCodec, site: str) -> SiteCompaction:
    """Give the site the dictionary its pages deserve and move every page onto it, COMPACT_BATCH pages a transaction.

    A new dictionary is trained when the site has none, or when one trained on its newest pages makes them at
    least RETRAIN_GAIN smaller than the current one does (the template changed, or the current one saw few pages).
    """
    trained = False
    try:
        with write_transaction(conn):
            newest = [page["body"] for page in newest_pages(conn, codec, site, SAMPLE_PAGES) if page["body"]]
            data = train_dictionary(newest)
            if data is not None:
                stored = zlib.compress(data, 9)
                candidate = Dictionary.from_row(0, site, len(newest), stored, LEVEL)
                # The new dictionary's own bytes count against it: it is stored once for the site.
                cost = sample_size(candidate, newest) + len(stored)
                if cost < RETRAIN_GAIN * sample_size(codec.current(site), newest):
                    codec.adopt(conn, site, data, len(newest))
                    trained = True
        moved = 0
        while True:
            with write_transaction(conn):
                batch = recompress(conn, codec, site, limit=COMPACT_BATCH)
            moved += batch
            if batch < COMPACT_BATCH:
                return SiteCompaction(site, trained, moved)
    except BaseException:
        codec.forget()
        raise
