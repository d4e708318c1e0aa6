"""Writes to the archive: sites, crawls and articles, one transaction per article."""

from __future__ import annotations

import os
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import sqlite_utils

from storage import bodies, fts, neardup, pages
from storage.dedup import content_hash
from storage.schema import ARTICLES_AT_URL, BUSY_TIMEOUT_MS, COLUMNS, apply_pragmas, migrate, vacuum, write_transaction

SITE_KEYS = ("name", "title", "province", "base_url", "cms")
CRAWL_STATS = ("pages", "articles_new", "articles_updated", "duplicates", "errors")
CRAWL_SITE_FIGURES = (
    "pages", "new", "updated", "duplicates", "errors", "missing_title", "missing_date", "missing_body", "alarm",
)
# The articles columns the archive fills itself; every other column is a field the caller provides (url, identity
# and fetched_at are taken apart, images and attachments go to their own tables).
_ARCHIVE_COLUMNS = (
    "id", "url", "identity", "content_hash", "duplicate_of", "first_seen_at", "last_seen_at", "fetched_at", "crawl_id",
)
ARTICLE_FIELDS = tuple(name for name, _, _ in COLUMNS["articles"] if name not in _ARCHIVE_COLUMNS)
# What store_article reads of an article, the item's stored part (crawler/items.py).
STORED_KEYS = ("url", "urls", "identity", *ARTICLE_FIELDS, "fetched_at", "images", "attachments")
# A change in one of these (or in the images or attachments) makes a stored article 'updated'.
CHANGE_FIELDS = ("title", "summary", "body_text", "published_at", "author")
# A change in one of these keeps the old version in revisions.
REVISED_FIELDS = ("title", "body_text")
IMAGE_KEYS = ("src", "caption", "alt", "credit")
ATTACHMENT_KEYS = ("url", "title")

Status = Literal["new", "updated", "unchanged", "duplicate"]


@dataclass(frozen=True)
class StoreResult:
    """What store_article did: status, the article's row id, and its original if it is a copy."""

    status: Status
    article_id: int
    duplicate_of: int | None


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _text(value: Any) -> Any:
    """NFC for strings, blank strings to None; other values as they are."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value)
        return value if value.strip() else None
    return value


@dataclass
class _Incoming:
    url: str
    urls: list[str]
    identity: str | None
    fields: dict[str, Any]
    fetched_at: str | None
    images: list[tuple]
    attachments: list[tuple]


def _prepare(article: Mapping[str, Any]) -> _Incoming:
    url = _text(article.get("url"))
    if not url:
        raise ValueError("article has no url")
    url = url.strip()
    urls = [url]
    for alias in article.get("urls") or ():
        alias = _text(alias)
        if alias and alias.strip() not in urls:
            urls.append(alias.strip())
    fields = {name: _text(article.get(name)) for name in ARTICLE_FIELDS}
    images = [
        tuple(_text(image.get(key)) for key in IMAGE_KEYS) for image in article.get("images") or ()
    ]
    attachments = [
        tuple(_text(item.get(key)) for key in ATTACHMENT_KEYS)
        for item in article.get("attachments") or ()
        if _text(item.get("url"))
    ]
    return _Incoming(
        url=url,
        urls=urls,
        identity=_text(article.get("identity")),
        fields=fields,
        fetched_at=_text(article.get("fetched_at")),
        images=images,
        attachments=attachments,
    )


def _one(conn: sqlite3.Connection, sql: str, params: Iterable[Any]) -> dict[str, Any] | None:
    cursor = conn.execute(sql, tuple(params))
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


class Archive:
    """The SQLite archive. Opening creates or migrates the schema; one transaction per article."""

    def __init__(
        self, path: str | os.PathLike[str], *, clock: Callable[[], str] | None = None
    ) -> None:
        self.path = os.fspath(path)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        self.db: sqlite_utils.Database = sqlite_utils.Database(conn, execute_plugins=False)
        try:
            apply_pragmas(self.db)
            migrate(self.db)
        except BaseException:
            conn.close()
            raise
        self._now = clock or utc_now
        self.page_codec = pages.PageCodec(conn, self._now)
        # Stamped on the articles this archive object stores or changes.
        self.crawl_id: int | None = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # Sites and crawls ------------------------------------------------------------------------

    def upsert_sites(self, sites: Iterable[Mapping[str, Any]]) -> None:
        """Insert or update sites by name (keys: name, title, province, base_url, cms)."""
        rows = []
        for site in sites:
            row = {key: _text(site.get(key)) for key in SITE_KEYS}
            if not row["name"]:
                raise ValueError("site has no name")
            rows.append(row)
        if rows:
            self.db["sites"].upsert_all(rows, pk="name")

    def start_crawl(self, spider: str, started_at: str | None = None) -> int:
        """Record a crawl as running (started now, or at `started_at` when another process ran it); articles
        stored from now on carry its id."""
        table = self.db["crawls"].insert(
            {"spider": spider, "started_at": started_at or self._now(), "status": "running"}
        )
        self.crawl_id = int(table.last_pk)
        return self.crawl_id

    def finish_crawl(self, crawl_id: int, status: str, stats: Mapping[str, int]) -> None:
        """Close a crawl with its status and counters (pages, articles_new, articles_updated,
        duplicates, errors; other keys are ignored)."""
        updates: dict[str, Any] = {"finished_at": self._now(), "status": status}
        updates.update({key: int(stats[key]) for key in CRAWL_STATS if key in stats})
        self.db["crawls"].update(crawl_id, updates)

    def record_crawl_site(self, crawl_id: int, site: str, figures: Mapping[str, Any]) -> None:
        """A spider's per-site figures at close (keys: the crawl_sites columns after crawl_id and site)."""
        row = {"crawl_id": crawl_id, "site": _text(site)}
        row.update({key: figures.get(key) for key in CRAWL_SITE_FIGURES})
        self.db["crawl_sites"].upsert(row, pk=("crawl_id", "site"))

    def known_urls(self, site: str) -> set[str]:
        """Every URL under which an article of the site was stored (what an incremental run skips)."""
        return {
            url
            for (url,) in self.db.conn.execute(
                "SELECT u.url FROM article_urls AS u JOIN articles AS a ON a.id = u.article_id "
                "WHERE a.site = ? UNION SELECT url FROM articles WHERE site = ?",
                (site, site),
            )
        }

    # Articles -------------------------------------------------------------------------------

    def store_article(
        self,
        article: Mapping[str, Any],
        page: Mapping[str, Any] | None = None,
        then: Callable[[sqlite3.Connection], None] | None = None,
    ) -> StoreResult:
        """Insert or update one article, record its URLs and mark exact and near duplicates, atomically.

        The article is found by identity, else by any of its URLs. A stored article is updated
        when its title, summary, text, date, author, images or attachments changed; a field the
        new crawl did not find (None, or no images) keeps its stored value, since a failed
        extraction is no evidence the page lost it. Otherwise only last_seen_at and fetched_at
        move. `page`, the fetched page as `store_page` takes it, is written in the same
        transaction: an article is never kept without the raw page `reparse` reads, nor the
        other way round. `then` runs in the same transaction before it commits (the writer of a shared crawl
        records there how far it has read). On any error the transaction is rolled back and nothing is written.
        """
        incoming = _prepare(article)
        # Compressed before the write lock is taken: other writers wait on the lock, not on compression.
        page_row = self.page_codec.page_row(page, _text(page.get("site"))) if page is not None else None
        if self.db.conn.in_transaction:
            raise RuntimeError("store_article needs its own transaction; one is already open")
        now = self._now()
        with self._writing() as conn:
            result = self._store(conn, incoming, now)
            if page_row is not None:
                self.page_codec.write(conn, page_row)
            if then is not None:
                then(conn)
        return result

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """write_transaction on the archive; on rollback the page codec forgets what the transaction may have
        trained (a dictionary that is gone, page counts that were not written)."""
        try:
            with write_transaction(self.db.conn) as conn:
                yield conn
        except BaseException:
            self.page_codec.forget()
            raise

    def _find(self, conn: sqlite3.Connection, incoming: _Incoming) -> dict[str, Any] | None:
        if incoming.identity is not None:
            row = _one(conn, "SELECT * FROM articles WHERE identity = ?", [incoming.identity])
            if row is not None:
                return row
        for url in incoming.urls:
            row = _one(
                conn,
                f"SELECT * FROM articles WHERE id IN ({ARTICLES_AT_URL}) LIMIT 1",
                [url],
            )
            # A URL held by an article of another identity is not this article.
            if row is not None and row["identity"] in (None, incoming.identity):
                return row
        # The same site serving the same title and text under another URL that no rule canonicalises (generic
        # mode: print views, category paths) is one article seen twice, not a copy: keep one row.
        digest = content_hash(incoming.fields.get("body_text"), incoming.fields.get("title"))
        if digest is not None and incoming.fields.get("title"):
            row = _one(
                conn,
                "SELECT * FROM articles WHERE content_hash = ? AND site IS ? AND title = ? "
                "ORDER BY id LIMIT 1",
                [digest, incoming.fields.get("site"), incoming.fields.get("title")],
            )
            if row is not None and (incoming.identity is None or row["identity"] is None):
                return row
        return None

    def _store(self, conn: sqlite3.Connection, incoming: _Incoming, now: str) -> StoreResult:
        row = self._find(conn, incoming)
        if row is None:
            article_id = self._insert(conn, incoming, now)
            neardup.index_article(conn, article_id, incoming.fields["body_text"])
            # Joins the group of its exact and near copies; an earlier-published newcomer becomes the original.
            neardup.place(conn, article_id)
            status: Status = "new"
        else:
            article_id = row["id"]
            status = "updated" if self._update(conn, row, incoming, now) else "unchanged"
        conn.executemany(
            "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)",
            [(url, article_id) for url in incoming.urls],
        )
        duplicate_of = conn.execute(
            "SELECT duplicate_of FROM articles WHERE id = ?", (article_id,)
        ).fetchone()[0]
        if duplicate_of is not None:
            status = "duplicate"
        return StoreResult(status, article_id, duplicate_of)

    def _insert(self, conn: sqlite3.Connection, incoming: _Incoming, now: str) -> int:
        fields = incoming.fields
        # The id is chosen here, as SQLite would (the largest plus one; BEGIN IMMEDIATE keeps other writers
        # out), so that the article is indexed for search once, when its text and every caption are in.
        article_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0]
        with fts.deferred_indexing(conn, article_id):
            _insert_row(conn, "articles", {
                "id": article_id,
                "url": incoming.url,
                "identity": incoming.identity,
                **fields,
                "body_html": bodies.pack(fields["body_html"], fields["body_text"]),
                "content_hash": content_hash(fields["body_text"], fields["title"]),
                "first_seen_at": now,
                "last_seen_at": now,
                "fetched_at": incoming.fetched_at,
                "crawl_id": self.crawl_id,
            })
            self._write_images(conn, article_id, incoming.images)
        self._write_attachments(conn, article_id, incoming.attachments)
        return article_id

    def _update(
        self, conn: sqlite3.Connection, row: dict[str, Any], incoming: _Incoming, now: str
    ) -> bool:
        """Bring a stored article up to date; True when its content changed."""
        article_id = row["id"]
        row = {**row, "body_html": bodies.unpack(row["body_html"], row["body_text"])}
        known = {k: v for k, v in incoming.fields.items() if v is not None}
        text_changed = any(k in known and known[k] != row[k] for k in CHANGE_FIELDS)
        images_changed = bool(incoming.images) and incoming.images != self._stored(
            conn, "images", IMAGE_KEYS, article_id, "position, id"
        )
        attachments_changed = bool(incoming.attachments) and incoming.attachments != self._stored(
            conn, "attachments", ATTACHMENT_KEYS, article_id, "id"
        )
        changed = text_changed or images_changed or attachments_changed
        # Its copies before the change: new text or a new date can release them or move their original.
        old_copies = neardup.neighbours(conn, article_id) if changed else set()

        updates: dict[str, Any] = {"last_seen_at": now}
        if incoming.fetched_at is not None:
            updates["fetched_at"] = incoming.fetched_at
        if row["identity"] is None and incoming.identity is not None:
            updates["identity"] = incoming.identity
        merged = {**row, **known}
        if any(k in known and known[k] != row[k] for k in REVISED_FIELDS):
            # The old version is kept before the row is overwritten.
            conn.execute(
                "INSERT INTO revisions (article_id, fetched_at, title, body_text, content_hash) "
                "VALUES (?, ?, ?, ?, ?)",
                (article_id, row["fetched_at"], row["title"], row["body_text"], row["content_hash"]),
            )
        if changed:
            digest = content_hash(merged["body_text"], merged["title"])
            # Only differing columns are written: unchanged text leaves the search index alone.
            updates.update({k: v for k, v in known.items() if v != row[k]})
            if "body_text" in updates or "body_html" in updates:
                # Stored as a delta against the text: re-packed whenever either changes.
                updates["body_html"] = bodies.pack(merged["body_html"], merged["body_text"])
            if digest != row["content_hash"]:
                updates["content_hash"] = digest
            if self.crawl_id is not None:
                updates["crawl_id"] = self.crawl_id
        if images_changed:
            # As in _insert: the text and every image change, then one re-index.
            with fts.deferred_indexing(conn, article_id):
                conn.execute("DELETE FROM images WHERE article_id = ?", (article_id,))
                self._write_images(conn, article_id, incoming.images)
                _update_row(conn, "articles", article_id, updates)
        else:
            _update_row(conn, "articles", article_id, updates)
        if attachments_changed:
            conn.execute("DELETE FROM attachments WHERE article_id = ?", (article_id,))
            self._write_attachments(conn, article_id, incoming.attachments)
        if changed:
            neardup.index_article(conn, article_id, merged["body_text"])
            neardup.regroup(conn, {article_id, *old_copies})
        return changed

    @staticmethod
    def _stored(
        conn: sqlite3.Connection, table: str, keys: tuple[str, ...], article_id: int, order: str
    ) -> list[tuple]:
        return conn.execute(
            f"SELECT {', '.join(keys)} FROM {table} WHERE article_id = ? ORDER BY {order}",
            (article_id,),
        ).fetchall()

    @staticmethod
    def _write_images(conn: sqlite3.Connection, article_id: int, images: list[tuple]) -> None:
        conn.executemany(
            f"INSERT INTO images (article_id, position, {', '.join(IMAGE_KEYS)}) "
            f"VALUES (?, ?, {', '.join('?' * len(IMAGE_KEYS))})",
            [(article_id, position, *image) for position, image in enumerate(images, start=1)],
        )

    @staticmethod
    def _write_attachments(conn: sqlite3.Connection, article_id: int, attachments: list[tuple]) -> None:
        conn.executemany(
            f"INSERT INTO attachments (article_id, {', '.join(ATTACHMENT_KEYS)}) "
            f"VALUES (?, {', '.join('?' * len(ATTACHMENT_KEYS))})",
            [(article_id, *item) for item in attachments],
        )

    # A shared crawl's inbox ----------------------------------------------------------------------

    def inbox_position(self, stream: str) -> str | None:
        """The id of the last message of `stream` stored, or None."""
        row = self.db.conn.execute("SELECT last_id FROM inbox_positions WHERE stream = ?", (stream,)).fetchone()
        return row[0] if row else None

    def record_inbox_position(self, stream: str, last_id: str, conn: sqlite3.Connection | None = None) -> None:
        """Record `last_id` as stored: inside the caller's transaction when conn is given, else in its own."""
        sql = (
            "INSERT INTO inbox_positions (stream, last_id, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(stream) DO UPDATE SET last_id = excluded.last_id, updated_at = excluded.updated_at"
        )
        if conn is not None:
            conn.execute(sql, (stream, last_id, self._now()))
            return
        with self.db.conn as own:
            own.execute(sql, (stream, last_id, self._now()))

    # Raw pages -------------------------------------------------------------------------------

    def store_page(self, page: Mapping[str, Any]) -> None:
        """Keep a fetched page (keys: url, fetched_at, status, headers, body, site, family, urls,
        listing_date, encoding), replacing the earlier fetch of the same URL. body is bytes or text; it is
        stored compressed (storage/pages.py), headers and urls as JSON. (store_article(article, page) keeps an
        article's page in the article's own transaction.)"""
        row = self.page_codec.page_row(page, _text(page.get("site")))
        with self._writing() as conn:
            self.page_codec.write(conn, row)

    def pages(self, site: str | None = None, since: str | None = None) -> Iterable[dict[str, Any]]:
        """Stored pages oldest fetch first, body decompressed, headers and urls decoded; site and
        since (fetched on or after that day) narrow them."""
        where, params = [], []
        if site:
            where.append("site = ?")
            params.append(site)
        if since:
            where.append("fetched_at >= ?")
            params.append(since)
        return pages.read_pages(self.db.conn, self.page_codec, " AND ".join(where), tuple(params))

    def compact(self, site: str | None = None) -> dict[str, Any]:
        """Maintenance: every page onto its site's dictionary (trained or retrained where that pays, see
        pages.compact_site), older rows' body_html packed against their text (storage/bodies.py), unused
        dictionaries dropped, the search index merged, PRAGMA optimize and VACUUM.
        Returns the file's bytes before and after and what was done per site."""
        conn = self.db.conn
        before = self.file_bytes()
        sql = "SELECT DISTINCT site FROM pages WHERE site IS NOT NULL"
        sites = [site] if site else [name for (name,) in conn.execute(sql)]
        done = [pages.compact_site(conn, self.page_codec, name) for name in sites]
        packed = 0
        while True:
            with write_transaction(conn):
                batch = bodies.pack_stored_html(conn, pages.COMPACT_BATCH)
            packed += batch
            if batch < pages.COMPACT_BATCH:
                break
        with write_transaction(conn):
            dropped = pages.drop_unused_dictionaries(conn)
            fts.optimize(conn)
        self.page_codec.forget()
        conn.execute("PRAGMA optimize")
        vacuum(conn)
        return {"bytes_before": before, "bytes_after": self.file_bytes(), "sites": done,
                "dictionaries_dropped": dropped, "html_packed": packed}

    def file_bytes(self) -> int:
        """The archive's size on disk, its write-ahead log checkpointed first (the -wal file is part of it)."""
        self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(os.path.getsize(self.path + suffix) for suffix in ("", "-wal") if os.path.exists(self.path + suffix))

    # Reading and checking --------------------------------------------------------------------

    def stats(self) -> list[dict[str, Any]]:
        """Per-site counts: articles, duplicates, with_date, with_author, images, captions."""
        cursor = self.db.conn.execute(_STATS_SQL)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def integrity_ok(self) -> bool:
        """PRAGMA integrity_check and foreign_key_check are clean and FTS5's own check passes.

        FTS5's 'integrity-check' cannot see a wrong 'delete' on a contentless table; see
        search_index_ok for the term-by-term comparison.
        """
        conn = self.db.conn
        if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            return False
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            return False
        try:
            self.db.execute(
                f"INSERT INTO {fts.FTS_TABLE}({fts.FTS_TABLE}) VALUES('integrity-check')"
            )
        except sqlite3.DatabaseError:
            return False
        return True

    def search_index_ok(self) -> bool:
        """Whether the search index holds exactly what articles and captions say (one rebuild)."""
        conn = self.db.conn
        # Everything this check creates lives in the temp schema and is rolled back.
        conn.execute("SAVEPOINT search_index_check")
        try:
            return fts.index_matches_articles(conn)
        finally:
            conn.execute("ROLLBACK TO search_index_check")
            conn.execute("RELEASE search_index_check")

    def rebuild_search_index(self) -> None:
        """Re-index every article from scratch (e.g. after rows were edited with triggers off)."""
        with write_transaction(self.db.conn) as conn:
            fts.rebuild(conn)


def _insert_row(conn: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> int:
    """INSERT one row (column names are this module's own constants, never input)."""
    columns = ", ".join(f'"{name}"' for name in row)
    cursor = conn.execute(
        f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join("?" * len(row))})', tuple(row.values())
    )
    return int(cursor.lastrowid)


def _update_row(conn: sqlite3.Connection, table: str, row_id: int, values: Mapping[str, Any]) -> None:
    """UPDATE the named columns of one row by id (names are this module's own constants)."""
    if values:
        assignments = ", ".join(f'"{name}" = ?' for name in values)
        conn.execute(f'UPDATE "{table}" SET {assignments} WHERE id = ?', (*values.values(), row_id))


_STATS_SQL = """
WITH per_site AS (
    SELECT site, count(*) AS articles, sum(duplicate_of IS NOT NULL) AS duplicates,
           sum(published_at IS NOT NULL) AS with_date, sum(author IS NOT NULL) AS with_author
    FROM articles GROUP BY site
), per_site_images AS (
    SELECT a.site AS site, count(*) AS images,
           sum(i.caption IS NOT NULL AND i.caption <> '') AS captions
    FROM images AS i JOIN articles AS a ON a.id = i.article_id GROUP BY a.site
), all_sites AS (
    SELECT name AS site FROM sites UNION SELECT site FROM articles
)
SELECT s.site AS site, coalesce(p.articles, 0) AS articles, coalesce(p.duplicates, 0) AS duplicates,
       coalesce(p.with_date, 0) AS with_date, coalesce(p.with_author, 0) AS with_author,
       coalesce(i.images, 0) AS images, coalesce(i.captions, 0) AS captions
FROM all_sites AS s
LEFT JOIN per_site AS p ON p.site IS s.site
LEFT JOIN per_site_images AS i ON i.site IS s.site
ORDER BY s.site
"""
