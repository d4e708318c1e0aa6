"""`edunews serve`: Datasette on the archive, with metadata built from the descriptions in storage (bilingual()).

The metadata carries the title, a description of every table, view and column (English, with the
Vietnamese beside it where we have it), sortable and facet columns, the search wiring of `articles`
(articles_fts, routed by edunews.datasette_plugin) and the canned queries analysts start from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storage.descriptions import bilingual

TITLE = "edunews: tin tức ngành giáo dục Việt Nam"
DESCRIPTION = (
    "News of Vietnam's education departments (Sở GDĐT, Phòng GDĐT, schools, the ministry), crawled, cleaned "
    "and deduplicated. Search works with or without diacritics: 'dao tao' finds 'đào tạo'; a query typed with "
    "diacritics matches them exactly. — Tin tức của các Sở, Phòng Giáo dục và Đào tạo, trường học và Bộ GDĐT. "
    "Tìm kiếm có dấu hoặc không dấu."
)


FACETS: dict[str, list[str]] = {
    "articles": ["site", "category", "author"],
    "articles_view": ["site", "year", "category", "author"],
    "captions": ["site"],
    "crawls": ["spider", "status"],
}
SORTABLE: dict[str, list[str]] = {
    "articles": ["published_at", "site", "category", "author", "word_count", "view_count", "id"],
    "articles_view": ["published_at", "site", "year", "month", "category", "author", "word_count", "id"],
}

# Canned queries. Those with a :q call escape_fts, which the plugin makes diacritic-aware.
QUERIES: dict[str, dict[str, str]] = {
    "latest_articles": {
        "title": "Latest articles — Bài viết mới nhất",
        "sql": "SELECT a.id, a.site, s.title AS site_title, a.title, a.published_at, a.author, a.url\n"
        "FROM articles AS a LEFT JOIN sites AS s ON s.name = a.site\n"
        "WHERE a.duplicate_of IS NULL\nORDER BY a.published_at DESC, a.id DESC\nLIMIT 100",
    },
    "articles_per_site_per_month": {
        "title": "Articles per site per month — Số bài theo trang và tháng",
        "sql": "SELECT site, substr(published_at, 1, 7) AS month, count(*) AS articles\n"
        "FROM articles\nWHERE published_at IS NOT NULL AND duplicate_of IS NULL\n"
        "GROUP BY site, month\nORDER BY month DESC, site",
    },
    "search_articles": {
        "title": "Search with date range and site — Tìm kiếm theo ngày và trang",
        "description": "q: words, with or without diacritics; site: site key; since/until: YYYY-MM-DD. "
        "Empty filters are ignored.",
        "sql": "SELECT a.id, a.site, a.title, a.published_at, a.author, a.url\n"
        "FROM articles AS a\n"
        "WHERE a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH escape_fts(:q))\n"
        "  AND (:site = '' OR a.site = :site)\n"
        "  AND (:since = '' OR substr(a.published_at, 1, 10) >= :since)\n"
        "  AND (:until = '' OR substr(a.published_at, 1, 10) <= :until)\n"
        "ORDER BY a.published_at DESC, a.id DESC",
    },
    "search_latest": {
        "title": "Search, most recently stored first — Tìm kiếm, bài lưu gần nhất trước",
        "description": "q: words, with or without diacritics. The 100 most recently stored matches, read from the "
        "end of the index: fast on any archive, where search_articles sorts every match by date (seconds for a "
        "common word on a million articles).",
        "sql": "SELECT a.id, a.site, a.title, a.published_at, a.author, a.url\n"
        "FROM articles AS a\n"
        "WHERE a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH escape_fts(:q)\n"
        "               ORDER BY rowid DESC LIMIT 100)\n"
        "ORDER BY a.id DESC",
    },
    "article_with_images": {
        "title": "One article with its images and captions — Bài viết và ảnh",
        "description": "id: the article's row id.",
        "sql": "SELECT a.id, a.site, a.title, a.published_at, a.author, a.url,\n"
        "       i.position, i.src, i.caption, i.alt, i.credit\n"
        "FROM articles AS a LEFT JOIN images AS i ON i.article_id = a.id\n"
        "WHERE a.id = :id\nORDER BY i.position, i.id",
    },
    # Not named duplicate_groups: a canned query hides the view of the same name (one row per copy) in Datasette.
    "copies_per_original": {
        "title": "Originals and their copies, most copied first — Bài gốc và số bản sao",
        "sql": "SELECT o.id AS original_id, o.site AS original_site, o.title, o.published_at,\n"
        "       count(c.id) AS copies, group_concat(c.site || ': ' || c.url, char(10)) AS copies_at\n"
        "FROM articles AS o JOIN articles AS c ON c.duplicate_of = o.id\n"
        "GROUP BY o.id\nORDER BY copies DESC, o.id",
    },
    "missing_date_or_author": {
        "title": "Articles missing a date or an author — Bài thiếu ngày hoặc tác giả",
        "sql": "SELECT id, site, title, url, published_at, author,\n"
        "       CASE WHEN published_at IS NULL AND author IS NULL THEN 'date, author'\n"
        "            WHEN published_at IS NULL THEN 'date' ELSE 'author' END AS missing\n"
        "FROM articles\nWHERE published_at IS NULL OR author IS NULL\nORDER BY site, id",
    },
    "crawl_history": {
        "title": "Crawl history with per-site health — Lịch sử thu thập",
        "sql": "SELECT c.id, c.spider AS site, c.started_at, c.finished_at, c.status, c.pages,\n"
        "       c.articles_new, c.articles_updated, c.duplicates, c.errors,\n"
        "       (SELECT count(*) FROM articles AS a WHERE a.site = c.spider) AS site_articles,\n"
        "       (SELECT count(*) FROM articles AS a WHERE a.site = c.spider AND a.published_at IS NULL)\n"
        "           AS site_missing_date,\n"
        "       (SELECT max(a.published_at) FROM articles AS a WHERE a.site = c.spider) AS site_latest\n"
        "FROM crawls AS c\nORDER BY c.started_at DESC, c.id DESC",
    },
}


def build_metadata(database: str, tables: set[str] | None = None) -> dict[str, Any]:
    """Datasette metadata for the archive served as /`database`.

    `tables`, when given, limits the table entries to those present in the file.
    """
    entries: dict[str, Any] = {}
    for table, described in bilingual().items():
        if tables is not None and table not in tables:
            continue
        entry: dict[str, Any] = dict(described)
        if table in FACETS:
            entry["facets"] = FACETS[table]
        if table in SORTABLE:
            entry["sortable_columns"] = SORTABLE[table]
        if table.endswith("_fold") or "_fold_" in table or table == "articles_fts_pending":
            entry["hidden"] = True
        entries[table] = entry
    if "articles" in entries:
        entries["articles"].update(fts_table="articles_fts", fts_pk="id", sort_desc="published_at")
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "databases": {database: {"tables": entries, "queries": QUERIES}},
    }


def prepare_archive(path: str) -> set[str]:
    """Bring the archive to the current schema (creating the analyst views); return its tables and views."""
    from storage import Archive

    with Archive(path) as archive:
        return set(archive.db.table_names()) | set(archive.db.view_names())


def make_datasette(path: str):
    """A Datasette instance on the archive, with our metadata and plugin."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from edunews import datasette_plugin

    # Also found through the package's entry point once installed; register it only once.
    if not any(plugin is datasette_plugin for plugin in pm.get_plugins()):
        pm.register(datasette_plugin, name="edunews_datasette")
    tables = prepare_archive(path)
    # No suggested facets: Datasette tries one per column (50 ms each before giving up), which made every page of
    # articles take about 2 s whatever its size; the configured facets and the column menus stay. On a million
    # articles a word found in 400,000 of them costs Datasette's own search about 0.7 s to sort by date and as much
    # to count: the query limit leaves room for that instead of an error page, and each facet gives up after
    # 300 ms (Datasette then says it timed out) rather than adding seconds.
    settings = {"sql_time_limit_ms": 5000, "facet_time_limit_ms": 300, "suggest_facets": False}
    return Datasette([path], metadata=build_metadata(Path(path).stem, tables), settings=settings)


def serve(path: str, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette on the archive until interrupted."""
    import asyncio

    import uvicorn

    ds = make_datasette(path)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)
