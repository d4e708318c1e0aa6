"""The archive's schema: tables, indexes, views, the search index, their descriptions and migration.

The names are a contract with analysts and tools: extend, never rename. To extend, add the column
or table below (with its description), bump SCHEMA_VERSION and, when old rows need new values,
add a step to DATA_MIGRATIONS. `migrate` creates whatever is missing in place.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlite_utils

from storage import bodies, fts, neardup
from storage.dedup import SHORT_BODY_WORDS

SCHEMA_VERSION = 5
# The last version whose search index holds something else (fold, columns): an older archive is re-indexed on
# open, a newer one only gets the current views and triggers (3: deferred indexing, same index).
INDEX_CHANGED_AT = 1
# 4: url_memory and learned_sites, created in place by create_ops_tables (no rows to backfill).
# 5: raw pages compressed against their site (storage/pages.py): page_dictionaries, pages.dictionary_id.
BUSY_TIMEOUT_MS = 30_000
# Rows of 1-4 KB (articles, raw pages) leave a fifth of 4 KB pages empty; 16 KB pages far less (bench/crawl.py's
# 5,000-article archive, vacuumed: 47.6 MB instead of 50.8 MB). `edunews compact` moves older archives to it.
PAGE_SIZE = 16384

# The ids of the articles stored under URL ?1: an alias in article_urls, or an article's own url (archives before
# article_urls held every URL). The one URL -> article lookup: the archive's dedup and the conditional GETs use it.
ARTICLES_AT_URL = "SELECT article_id FROM article_urls WHERE url = ?1 UNION SELECT id FROM articles WHERE url = ?1"

# Table -> [(column, SQL type, referenced "table(column)" or None)], in creation order.
# The first column of each table is its primary key.
COLUMNS: dict[str, list[tuple[str, str, str | None]]] = {
    "sites": [
        ("name", "TEXT", None),
        ("title", "TEXT", None),
        ("province", "TEXT", None),
        ("base_url", "TEXT", None),
        ("cms", "TEXT", None),
    ],
    "crawls": [
        ("id", "INTEGER", None),
        ("spider", "TEXT", None),
        ("started_at", "TEXT", None),
        ("finished_at", "TEXT", None),
        ("status", "TEXT", None),
        ("pages", "INTEGER", None),
        ("articles_new", "INTEGER", None),
        ("articles_updated", "INTEGER", None),
        ("duplicates", "INTEGER", None),
        ("errors", "INTEGER", None),
    ],
    "articles": [
        ("id", "INTEGER", None),
        ("url", "TEXT", None),
        ("site", "TEXT", None),
        ("title", "TEXT", None),
        ("summary", "TEXT", None),
        ("published_at", "TEXT", None),
        ("published_raw", "TEXT", None),
        ("updated_at", "TEXT", None),
        ("author", "TEXT", None),
        ("source", "TEXT", None),
        ("category", "TEXT", None),
        ("body_text", "TEXT", None),
        ("body_html", "TEXT", None),
        ("view_count", "INTEGER", None),
        ("word_count", "INTEGER", None),
        ("content_hash", "TEXT", None),
        ("duplicate_of", "INTEGER", "articles(id)"),
        ("first_seen_at", "TEXT", None),
        ("last_seen_at", "TEXT", None),
        ("published_source", "TEXT", None),
        ("identity", "TEXT", None),
        ("fetched_at", "TEXT", None),
        ("crawl_id", "INTEGER", "crawls(id)"),
    ],
    "images": [
        ("id", "INTEGER", None),
        ("article_id", "INTEGER", "articles(id)"),
        ("position", "INTEGER", None),
        ("src", "TEXT", None),
        ("caption", "TEXT", None),
        ("alt", "TEXT", None),
        ("credit", "TEXT", None),
    ],
    "attachments": [
        ("id", "INTEGER", None),
        ("article_id", "INTEGER", "articles(id)"),
        ("url", "TEXT", None),
        ("title", "TEXT", None),
    ],
    "article_urls": [
        ("url", "TEXT", None),
        ("article_id", "INTEGER", "articles(id)"),
    ],
}

# (index name, table, columns, unique, partial WHERE or None)
INDEXES: list[tuple[str, str, tuple[str, ...], bool, str | None]] = [
    ("idx_articles_url", "articles", ("url",), True, None),
    ("idx_articles_identity", "articles", ("identity",), True, "identity IS NOT NULL"),
    # A site's articles, newest first: the search page walks it for a word found in most of a site's articles.
    ("idx_articles_site_published_at", "articles", ("site", "published_at"), False, None),
    ("idx_articles_published_at", "articles", ("published_at",), False, None),
    ("idx_articles_content_hash", "articles", ("content_hash",), False, None),
    ("idx_articles_duplicate_of", "articles", ("duplicate_of",), False, None),
    ("idx_images_article_id", "images", ("article_id",), False, None),
    ("idx_attachments_article_id", "attachments", ("article_id",), False, None),
    ("idx_article_urls_article_id", "article_urls", ("article_id",), False, None),
]

VIEWS: dict[str, str] = {
    "duplicate_groups": """
        SELECT o.id AS original_id, o.site AS original_site, o.title AS original_title,
               o.published_at AS original_published_at,
               c.id AS copy_id, c.site AS copy_site, c.url AS copy_url,
               c.published_at AS copy_published_at,
               CASE WHEN c.content_hash = o.content_hash THEN 'exact' ELSE 'near' END AS duplicate_kind
        FROM articles AS c JOIN articles AS o ON o.id = c.duplicate_of
        ORDER BY o.id, c.published_at, c.id""",
    "articles_with_captions": """
        SELECT a.id AS article_id, a.site AS site, a.title AS title, a.url AS url,
               count(*) AS images, sum(i.caption IS NOT NULL AND i.caption <> '') AS captions
        FROM articles AS a JOIN images AS i ON i.article_id = a.id
        GROUP BY a.id HAVING captions > 0""",
}

_ARTICLE = "the article (articles.id)"

# Table or view -> {"description": ..., "columns": {column: description}}.
# Datasette metadata reuses it.
DESCRIPTIONS: dict[str, dict] = {
    "sites": {
        "description": "One row per crawled website (a Sở GDĐT, Phòng GDĐT, school or ministry "
        "portal).",
        "columns": {
            "name": "Short site key used by spiders and in articles.site, e.g. 'gialai'.",
            "title": "The site's own name, e.g. 'Sở Giáo dục và Đào tạo tỉnh Gia Lai'.",
            "province": "Province or city the site belongs to (empty for the ministry).",
            "base_url": "Home page URL of the site.",
            "cms": "CMS family the site's markup belongs to (see spiders/families/).",
        },
    },
    "crawls": {
        "description": "One row per spider run.",
        "columns": {
            "id": "Crawl number.",
            "spider": "Name of the spider that ran.",
            "started_at": "When the crawl started (UTC, ISO 8601).",
            "finished_at": "When the crawl ended (UTC, ISO 8601); empty while running.",
            "status": "running, ok, finished_with_errors, alarm, interrupted or failed.",
            "pages": "Responses received.",
            "articles_new": "Articles stored for the first time.",
            "articles_updated": "Known articles whose text, date, author or images changed.",
            "duplicates": "Articles stored that are exact or near copies of an earlier-published article.",
            "errors": "Errors counted during the crawl.",
        },
    },
    "articles": {
        "description": "One row per news article, however many URLs it was seen under.",
        "columns": {
            "id": "Article number.",
            "url": "Canonical URL under which the article was first stored (never changes).",
            "site": "Site key (sites.name).",
            "title": "Headline.",
            "summary": "Lead paragraph (sapo), when the page has one.",
            "published_at": "Publication date: 'YYYY-MM-DD' or ISO 8601 with time and offset "
            "(+07:00).",
            "published_raw": "The date text as the page gave it.",
            "updated_at": "Last-modified date stated by the page, ISO 8601.",
            "author": "Author or authors named by the page.",
            "source": "Original source credited by the page (e.g. 'Theo Báo Gia Lai').",
            "category": "Section or category the site filed the article under.",
            "body_text": "Article text (NFC), paragraphs split by blank lines, no boilerplate.",
            "body_html": "Sanitised article HTML, stored as a zstd delta against body_text (storage/bodies.py): "
            "read it with article_html(body_html, body_text) in Datasette's SQL, storage.bodies.unpack in Python, "
            "or on the article's page. Plain HTML text in rows from before schema 5 until edunews compact.",
            "view_count": "View counter shown on the page when crawled.",
            "word_count": "Words in body_text.",
            "content_hash": "Exact-duplicate key: sha256 of the normalised body "
            "(title included for very short bodies).",
            "duplicate_of": "For a copy (exact, or near: edited text, see near_signatures), the "
            "earliest-published article of its group; empty for originals.",
            "first_seen_at": "When the archive first stored the article (UTC, ISO 8601).",
            "last_seen_at": "When a crawl last saw the article (UTC, ISO 8601).",
            "published_source": "Where published_at came from: jsonld, meta, time, page, listing, "
            "dateline or url.",
            "identity": "Site-family article key, e.g. 'moet.gov.vn|ItemID=8979'; unique when set.",
            "fetched_at": "When the page was last fetched (UTC, ISO 8601).",
            "crawl_id": "Crawl that stored or last changed the article (crawls.id).",
        },
    },
    "images": {
        "description": "Images of an article's body, in page order, with their captions.",
        "columns": {
            "id": "Image number.",
            "article_id": _ARTICLE,
            "position": "Order in the article, from 1.",
            "src": "Absolute image URL.",
            "caption": "Caption shown with the image.",
            "alt": "The image's alt text.",
            "credit": "Photo credit (e.g. 'Ảnh: Minh Anh').",
        },
    },
    "attachments": {
        "description": "Files linked from an article (PDF, DOC, XLS ...).",
        "columns": {
            "id": "Attachment number.",
            "article_id": _ARTICLE,
            "url": "Absolute URL of the file.",
            "title": "Link text or file name.",
        },
    },
    "article_urls": {
        "description": "Every URL under which an article was seen (aliases, old paths, query "
        "variants).",
        "columns": {"url": "A URL of the article.", "article_id": _ARTICLE},
    },
    "articles_fts": {
        "description": "Full-text index of the articles (contentless FTS5; rowid = articles.id). "
        "Queries with diacritics match exactly, queries without match any accents.",
        "columns": {
            "title": "Indexed headline.",
            "summary": "Indexed lead paragraph.",
            "body_text": "Indexed article text.",
            "captions": "The article's image captions joined by spaces.",
            "folded": "Headline, lead, text and captions with diacritics folded away "
            "('đào' -> 'dao').",
        },
    },
    "duplicate_groups": {
        "description": "Each copy (exact or near) next to the original of its group.",
        "columns": {
            "original_id": "The original (earliest-published) article.",
            "original_site": "Site of the original.",
            "original_title": "Headline of the original.",
            "original_published_at": "Publication date of the original.",
            "copy_id": "The copy.",
            "copy_site": "Site of the copy.",
            "copy_url": "URL of the copy.",
            "copy_published_at": "Publication date of the copy.",
            "duplicate_kind": "'exact' when the copy's text is the original's (same content_hash), "
            "'near' when it is an edited copy (or an exact copy of one).",
        },
    },
    "articles_with_captions": {
        "description": "Articles with at least one captioned image.",
        "columns": {
            "article_id": _ARTICLE,
            "site": "Site key.",
            "title": "Headline.",
            "url": "Canonical URL.",
            "images": "Images in the article.",
            "captions": "Images that have a caption.",
        },
    },
}

# -- Operations: per-site figures of every crawl ---------------------------------------------------------
# Kept apart from COLUMNS (its key is two columns) and created if missing on every open, so archives already
# at SCHEMA_VERSION gain it without a version bump.
OPS_TABLES: dict[str, str] = {
    "crawl_sites": """
        CREATE TABLE IF NOT EXISTS crawl_sites (
            crawl_id INTEGER NOT NULL REFERENCES crawls(id),
            site TEXT NOT NULL,
            pages INTEGER, new INTEGER, updated INTEGER, duplicates INTEGER, errors INTEGER,
            missing_title INTEGER, missing_date INTEGER, missing_body INTEGER,
            alarm TEXT,
            PRIMARY KEY (crawl_id, site)
        )""",
}
DESCRIPTIONS["crawl_sites"] = {
    "description": "Per-site figures of each crawl, written when the site's spider closes.",
    "columns": {
        "crawl_id": "The crawl (crawls.id).",
        "site": "Site key (sites.name).",
        "pages": "Responses received for the site.",
        "new": "Articles stored for the first time.",
        "updated": "Known articles whose content changed.",
        "duplicates": "Articles stored that are exact or near copies of an earlier-published article.",
        "errors": "Errors counted during the crawl.",
        "missing_title": "Article pages that yielded no title.",
        "missing_date": "Article pages that yielded no publication date.",
        "missing_body": "Article pages that yielded no body text.",
        "alarm": "Why extraction looks broken (template change?); empty when healthy.",
    },
}


# -- History: revisions of changed articles and the raw pages they were extracted from ---------------------
# Created if missing on every open, like the operations tables, so no version bump is needed.
OPS_TABLES["revisions"] = """
        CREATE TABLE IF NOT EXISTS revisions (
            id INTEGER PRIMARY KEY,
            -- An article's history goes with it: deleting an article must not need a step more.
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            fetched_at TEXT, title TEXT, body_text TEXT, content_hash TEXT
        )"""
# A dictionary id is never given twice, so no reader can hold another dictionary under a live id: only unused
# dictionaries that are not their site's newest are deleted (storage/pages.py), so the largest id never is.
OPS_TABLES["page_dictionaries"] = """
        CREATE TABLE IF NOT EXISTS page_dictionaries (
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL, trained_at TEXT, pages INTEGER, level INTEGER, dictionary BLOB NOT NULL
        )"""
OPS_TABLES["pages"] = """
        CREATE TABLE IF NOT EXISTS pages (
            url TEXT PRIMARY KEY,
            fetched_at TEXT, status INTEGER, headers TEXT, body BLOB, site TEXT, family TEXT,
            urls TEXT, listing_date TEXT, encoding TEXT,
            dictionary_id INTEGER REFERENCES page_dictionaries(id)
        )"""
# Conditional GETs: what each server said identifies the page version it sent (storage/validators.py).
OPS_TABLES["http_validators"] = """
        CREATE TABLE IF NOT EXISTS http_validators (
            url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, site TEXT, checked_at TEXT
        )"""
DESCRIPTIONS["http_validators"] = {
    "description": "ETag and Last-Modified of fetched pages, sent back as If-None-Match / If-Modified-Since "
    "so an unchanged page costs the server a 304 instead of the whole page.",
    "columns": {
        "url": "The URL fetched.",
        "etag": "The ETag header of the last full response.",
        "last_modified": "The Last-Modified header of the last full response.",
        "site": "Site key (sites.name).",
        "checked_at": "When these validators were recorded (UTC, ISO 8601).",
    },
}
# Near duplicates (storage/neardup.py): a MinHash signature per article and its LSH band buckets.
OPS_TABLES["near_signatures"] = """
        CREATE TABLE IF NOT EXISTS near_signatures (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            signature BLOB
        )"""
# One row per band of each signature; the primary key is the (band, bucket) lookup index itself.
OPS_TABLES["near_bands"] = """
        CREATE TABLE IF NOT EXISTS near_bands (
            band INTEGER NOT NULL, bucket INTEGER NOT NULL, article_id INTEGER NOT NULL,
            PRIMARY KEY (band, bucket, article_id)
        ) WITHOUT ROWID"""
DESCRIPTIONS["near_signatures"] = {
    "description": f"Near-duplicate index: the MinHash signature of each article's body ({neardup.SHINGLE_WORDS}"
    "-word shingles of the NFC, lower-cased text, one tone placement). Articles whose signatures agree on at "
    f"least {neardup.THRESHOLD:.0%} of their bins are near copies and share a duplicate group.",
    "columns": {
        "article_id": _ARTICLE,
        "signature": f"{neardup.BINS} little-endian 16-bit MinHash values; empty when the body is too short to "
        f"compare (under {SHORT_BODY_WORDS} words: such notices are matched exactly, title included).",
    },
}
DESCRIPTIONS["near_bands"] = {
    "description": f"Near-duplicate index lookup: each signature cut into {neardup.BANDS} bands of "
    f"{neardup.ROWS} values; articles sharing a (band, bucket) are candidates, checked against their signatures.",
    "columns": {
        "band": f"Band number, 0 to {neardup.BANDS - 1}.",
        "bucket": "crc32 of the band's signature values.",
        "article_id": _ARTICLE,
    },
}
# A shared crawl's writer (edunews store): how far it has stored the workers' stream, written in the same
# transaction as the article it stored, so a writer killed at any moment stores each article exactly once.
OPS_TABLES["inbox_positions"] = """
        CREATE TABLE IF NOT EXISTS inbox_positions (stream TEXT PRIMARY KEY, last_id TEXT NOT NULL, updated_at TEXT)"""
DESCRIPTIONS["inbox_positions"] = {
    "description": "A shared crawl's writer (edunews store): the last message of the workers' Redis stream stored.",
    "columns": {
        "stream": "The Redis stream (edunews:items).",
        "last_id": "Id of the last message stored; the writer goes on after it.",
        "updated_at": "When it was stored (UTC, ISO 8601).",
    },
}


# Generic mode (version 4): what each fetched URL of a site without a profile turned out to be
# (storage/memory.py), and the template learned from its stored article pages (storage/learned.py).
OPS_TABLES["url_memory"] = """
        CREATE TABLE IF NOT EXISTS url_memory (
            url TEXT PRIMARY KEY, site TEXT NOT NULL, kind TEXT NOT NULL, target TEXT,
            article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL, status INTEGER, checked_at TEXT
        )"""
OPS_TABLES["learned_sites"] = """
        CREATE TABLE IF NOT EXISTS learned_sites (
            site TEXT PRIMARY KEY, learned_at TEXT, pages INTEGER, profile TEXT, agreement TEXT
        )"""
DESCRIPTIONS["url_memory"] = {
    "description": "Generic mode: what each fetched URL of a site crawled without a profile turned out to be "
    "(articles are in article_urls), so the next run does not request aliases, pages without an article or dead "
    "links again until they are 30 days old, and reads only the first pages of listings.",
    "columns": {
        "url": "The URL (canonical).",
        "site": "Site key (sites.name).",
        "kind": "alias (redirects to target), listing (a page of article links, read every run), listing_page "
        "(a later page of a listing, read when the pages before it held something new), no_article (a page "
        "with neither an article nor article links) or gone (404 or 410).",
        "target": "For an alias, the URL it redirects to.",
        "article_id": "For an alias of a stored article, the article (articles.id).",
        "status": "HTTP status of the last answer.",
        "checked_at": "When the URL was last fetched and judged (UTC, ISO 8601).",
    },
}
DESCRIPTIONS["learned_sites"] = {
    "description": "Generic mode: the template learned from a site's own stored article pages (edunews learn), "
    "used as the site's rules on its next generic crawl.",
    "columns": {
        "site": "Site key (sites.name).",
        "learned_at": "When it was learned (UTC, ISO 8601).",
        "pages": "Article pages it was learned from.",
        "profile": "The learned rules as JSON (the keys of a family profile: article.title, article.body, "
        "boilerplate, article_url, identity, keep_params...).",
        "agreement": "JSON: per field, the share of the stored pages on which the learned selector gives the same "
        "value as the generic extraction, and on how many pages it matched.",
    },
}
OPS_INDEXES: list[str] = [
    "CREATE INDEX IF NOT EXISTS idx_revisions_article_id ON revisions(article_id)",
    "CREATE INDEX IF NOT EXISTS idx_pages_site ON pages(site)",
    "CREATE INDEX IF NOT EXISTS idx_url_memory_site ON url_memory(site)",
]
DESCRIPTIONS["revisions"] = {
    "description": "Earlier versions of articles whose title or text changed on a recrawl.",
    "columns": {
        "id": "Revision number.",
        "article_id": _ARTICLE,
        "fetched_at": "When this earlier version was fetched (UTC, ISO 8601).",
        "title": "Headline of the earlier version.",
        "body_text": "Text of the earlier version.",
        "content_hash": "content_hash of the earlier version.",
    },
}
DESCRIPTIONS["pages"] = {
    "description": "The last fetched HTML of every stored article page, for re-extraction and WARC export, "
    "compressed with its site's zstd dictionary (storage/pages.py; edunews compact).",
    "columns": {
        "url": "The URL the page was fetched from.",
        "fetched_at": "When it was fetched (UTC, ISO 8601).",
        "status": "HTTP status code.",
        "headers": "Response headers as a JSON object (name -> list of values).",
        "body": "Response body, compressed: zstd with the dictionary dictionary_id names, or zlib when it is empty.",
        "site": "Site key (sites.name).",
        "family": "CMS family whose rules extracted the page.",
        "urls": "JSON list of the URLs the page was reached under (redirects, request URL).",
        "listing_date": "The date the listing page gave the article, if any.",
        "encoding": "The character encoding the crawl decoded the body with.",
        "dictionary_id": "The zstd dictionary body is compressed with (page_dictionaries.id); empty: zlib.",
    },
}
DESCRIPTIONS["page_dictionaries"] = {
    "description": "zstd dictionaries made from each site's own raw pages, which share most of their template. "
    "Never changed once written: each page names the one it was compressed with (storage/pages.py).",
    "columns": {
        "id": "Dictionary number (pages.dictionary_id).",
        "site": "Site key (sites.name).",
        "trained_at": "When it was made (UTC, ISO 8601).",
        "pages": "How many of the site's newest pages it was trained on; 1: it is that page itself, as raw content.",
        "level": "zstd compression level used with it.",
        "dictionary": "The dictionary (a trained zstd dictionary or raw content), zlib-compressed.",
    },
}


def create_ops_tables(db: sqlite_utils.Database) -> None:
    for name, ddl in OPS_TABLES.items():
        if not db[name].exists():
            db.execute(ddl.strip())
    db.execute(bodies.GUARD_TRIGGER)
    present = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for ddl in OPS_INDEXES:
        if ddl.split()[5] not in present:
            db.execute(ddl)


# -- Analyst views: plain SQL over the archive for Datasette and ad-hoc queries ---------------------------
# Created if missing on every open (no version bump). year and month are text prefixes of published_at,
# which is ISO 8601, so they sort and group right and SQLite's date functions read published_at as is.
ANALYST_VIEWS: dict[str, str] = {
    "articles_view": """
        SELECT a.id AS id, a.site AS site, s.title AS site_title, a.title AS title, a.url AS url,
               a.published_at AS published_at, substr(a.published_at, 1, 4) AS year,
               substr(a.published_at, 1, 7) AS month, a.author AS author, a.category AS category,
               a.summary AS summary, a.word_count AS word_count, a.view_count AS view_count,
               a.duplicate_of AS duplicate_of
        FROM articles AS a LEFT JOIN sites AS s ON s.name = a.site""",
    "captions": """
        SELECT i.id AS image_id, i.article_id AS article_id, a.site AS site, a.title AS article_title,
               a.url AS article_url, a.published_at AS published_at, i.position AS position,
               i.src AS src, i.caption AS caption, i.alt AS alt, i.credit AS credit
        FROM images AS i JOIN articles AS a ON a.id = i.article_id
        WHERE i.caption IS NOT NULL AND i.caption <> ''""",
}
DESCRIPTIONS["articles_view"] = {
    "description": "Articles with the site's own name and year/month columns, for grouping and facets.",
    "columns": {
        "id": "Article row id (articles.id).",
        "site": "Site key (sites.name).",
        "site_title": "The site's own name (sites.title).",
        "title": "Headline.",
        "url": "Canonical URL of the article.",
        "published_at": "Publication date, YYYY-MM-DD or full ISO 8601 with +07:00.",
        "year": "Year of publication (YYYY); empty when the date is unknown.",
        "month": "Month of publication (YYYY-MM); empty when the date is unknown.",
        "author": "Author as printed in the article.",
        "category": "Category or section of the site.",
        "summary": "Lead paragraph (sapo).",
        "word_count": "Words in the body text.",
        "view_count": "View counter shown by the site, when it shows one.",
        "duplicate_of": "The first-published copy when this article is an exact or near duplicate.",
    },
}
DESCRIPTIONS["captions"] = {
    "description": "Image captions joined to their articles (images without a caption left out).",
    "columns": {
        "image_id": "Image row id (images.id).",
        "article_id": _ARTICLE,
        "site": "Site key of the article.",
        "article_title": "Headline of the article.",
        "article_url": "Canonical URL of the article.",
        "published_at": "Publication date of the article.",
        "position": "Order of the image in the article.",
        "src": "Absolute URL of the image.",
        "caption": "The caption.",
        "alt": "The image's alt text.",
        "credit": "Photo credit ('Ảnh: …').",
    },
}


def create_analyst_views(db: sqlite_utils.Database) -> None:
    for name, select in ANALYST_VIEWS.items():
        db.execute(f"CREATE VIEW IF NOT EXISTS {name} AS {select.strip()}")


_FOLD_COLUMNS = {
    "id": "Row id of the folded article or image.",
    "article_id": _ARTICLE,
    "position": "Order of the image in the article.",
    "caption": "The caption as stored.",
    "title_f": "Headline, diacritics folded.",
    "summary_f": "Lead paragraph, diacritics folded.",
    "body_text_f": "Article text, diacritics folded.",
    "caption_f": "Caption, diacritics folded.",
}
DESCRIPTIONS[fts.PENDING_TABLE] = {
    "description": "Search-index plumbing: articles whose index entry is written once their images are in, during "
    "a write; empty otherwise (do not drop).",
    "columns": {"article_id": _ARTICLE},
}
# The fold runs in steps, as SQLite's parser cannot nest all 134 replace() calls at once.
for _view, _columns in fts.FOLD_VIEW_COLUMNS.items():
    DESCRIPTIONS[_view] = {
        "description": "Search-index plumbing: a step of the diacritic fold feeding "
        "articles_fts.folded; its triggers read it (do not drop).",
        "columns": {column: _FOLD_COLUMNS[column] for column in _columns},
    }

# Version -> step run once when an archive older than that version is migrated, after the
# create-if-missing pass (e.g. to backfill a new column). Version 1 is the baseline.
DATA_MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}


def _backfill_near_duplicates(conn: sqlite3.Connection) -> None:
    # Archives from before the near-duplicate index: sign every article, then regroup exact and near copies.
    neardup.backfill(conn)


DATA_MIGRATIONS[2] = _backfill_near_duplicates


def _add_page_dictionaries(conn: sqlite3.Connection) -> None:
    """Older pages tables gain dictionary_id; their rows stay zlib (empty dictionary_id) until edunews compact. The
    index on site alone gives way to the one on (site, published_at), which serves the same lookups."""
    if "dictionary_id" not in {row[1] for row in conn.execute("PRAGMA table_info(pages)")}:
        conn.execute("ALTER TABLE pages ADD COLUMN dictionary_id INTEGER REFERENCES page_dictionaries(id)")
    conn.execute("DROP INDEX IF EXISTS idx_articles_site")


DATA_MIGRATIONS[5] = _add_page_dictionaries


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE (the write lock at once: two writers queue rather than fail on upgrading a read lock), then
    COMMIT, or ROLLBACK on any error, a KeyboardInterrupt or a test's simulated kill included."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def apply_pragmas(db: sqlite_utils.Database) -> None:
    """Connection settings: WAL so readers never block on the writer, a long busy wait, FKs on; PAGE_SIZE for a new
    archive (SQLite takes it only before the first table, and in WAL mode only then)."""
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if db.execute("PRAGMA page_count").fetchone()[0] == 0:
        db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    db.execute("PRAGMA foreign_keys = ON")
    # REPLACE must fire the DELETE triggers that keep the search index right.
    db.execute("PRAGMA recursive_triggers = ON")
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")


def vacuum(conn: sqlite3.Connection) -> None:
    """VACUUM, moving an archive made with smaller pages to PAGE_SIZE on the way: that takes leaving WAL mode for the
    VACUUM, which needs the archive to itself; when another connection holds it, the pages stay as they are."""
    if conn.execute("PRAGMA page_size").fetchone()[0] != PAGE_SIZE:
        try:
            if conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete":
                conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        except sqlite3.OperationalError:
            pass  # the database is locked by a reader: vacuum as it is
    try:
        conn.execute("VACUUM")
    finally:
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")


def user_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the archive to SCHEMA_VERSION in place; return the version it had.

    Runs in one IMMEDIATE transaction, so two processes opening a new archive at once do not race.
    """
    if user_version(db) == SCHEMA_VERSION:
        create_indexes(db)
        create_ops_tables(db)
        create_analyst_views(db)
        return SCHEMA_VERSION
    conn = db.conn
    with write_transaction(conn):
        found = user_version(db)
        if found > SCHEMA_VERSION:
            raise RuntimeError(
                f"archive schema version {found} is newer than this program's ({SCHEMA_VERSION})"
            )
        if found < SCHEMA_VERSION:
            _create_missing(db)
            create_ops_tables(db)
            create_analyst_views(db)
            for version in sorted(DATA_MIGRATIONS):
                if found < version <= SCHEMA_VERSION:
                    DATA_MIGRATIONS[version](conn)
            if found < INDEX_CHANGED_AT:
                fts.create_search_index(conn)
            else:
                fts.install_triggers(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return found


def create_indexes(db: sqlite_utils.Database) -> None:
    """Create the INDEXES the archive lacks (every open: queries name some of them in INDEXED BY)."""
    present = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for name, table, columns, unique, where in INDEXES:
        if name in present:
            continue
        kind = "UNIQUE INDEX" if unique else "INDEX"
        # Plain SQL: sqlite-utils has no partial indexes.
        partial = f" WHERE {where}" if where else ""
        db.execute(f"CREATE {kind} IF NOT EXISTS {name} ON {table}({', '.join(columns)}){partial}")


def _create_missing(db: sqlite_utils.Database) -> None:
    for table, columns in COLUMNS.items():
        if not db[table].exists():
            db[table].create(
                {name: sql_type for name, sql_type, _ in columns},
                pk=columns[0][0],
                foreign_keys=[
                    (name, *ref.rstrip(")").split("(")) for name, _, ref in columns if ref
                ],
            )
            continue
        present = set(db[table].columns_dict)
        for name, sql_type, ref in columns:
            if name not in present:
                # Plain ALTER keeps the REFERENCES clause without a table rebuild.
                reference = f" REFERENCES {ref}" if ref else ""
                db.execute(f"ALTER TABLE [{table}] ADD COLUMN [{name}] {sql_type}{reference}")
    create_indexes(db)
    for name, select in VIEWS.items():
        db.execute(f"DROP VIEW IF EXISTS {name}")
        db.execute(f"CREATE VIEW {name} AS {select.strip()}")
