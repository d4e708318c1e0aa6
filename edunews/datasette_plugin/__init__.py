"""Datasette plugin: the archive read as news, under `edunews serve` and plain `datasette archive.sqlite` alike.

- `_search` uses the diacritic-aware index. Datasette turns `?_search=` (and its search box, and canned
  queries that call escape_fts) into `... MATCH escape_fts(:search)` against the table's `fts_table`.
  Replacing the SQL function escape_fts on every connection routes the query to the right columns: the
  exact ones when it carries diacritics, `folded` when it has none. Every word is quoted, so punctuation and
  FTS5 operators never raise an error.
- Metadata (descriptions in English and Vietnamese, facets, search wiring, canned queries) for every database
  that is an archive, through `get_metadata`, so plain Datasette gets it without a metadata file.
- Templates (the package's templates folder, where Datasette looks for a plugin's): the row page of an article
  reads as the article; column descriptions are folded into a <details>; `/-/dashboard` shows the archive at a
  glance (server-side SVG, nothing loaded from elsewhere).
- `articles?_search=` (HTML, unless `_view=table`) reads like a search engine's results, served by our own view:
  the ASGI wrapper routes it there, so Datasette's table view never counts, facets and sorts every match of a
  common word (seconds on a million articles). The view reads through storage.search (bm25 below RANK_WINDOW
  matches, else the latest published first) and counts up to a cap (plugin setting `search_count_cap`, default
  10,000), saying "more than" past it.
- The long text columns of articles and revisions are left out of their list pages unless asked for
  (`_col=` / `_nocol=`): an ASGI wrapper adds `_nocol=` to a bare list URL.
"""

from __future__ import annotations

import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Forbidden, Response
from datasette.version import __version__
from markupsafe import escape

from storage import bodies
from storage.search import match_expression

# Matches nothing: a query without any word (only punctuation) then gives an empty result, not an error.
NO_MATCH = '{folded} : ("")'
# List pages leave these out by default (each fills a screen per row).
LONG_COLUMNS: dict[str, tuple[str, ...]] = {"articles": ("body_text", "body_html"), "revisions": ("body_text",)}
DASHBOARD_PATH = "/-/dashboard"
# Where the ASGI wrapper routes a search of an archive's articles (the address the browser shows stays the table's).
SEARCH_PATH = "/-/edunews-search/"

# Database file -> its tables and views when it is an archive (has articles and articles_fts), else None.
_archives: dict[tuple[str, float], set[str] | None] = {}
_metadata: dict[tuple[str, frozenset[str]], dict[str, Any]] = {}


def diacritic_aware_fts(query: str | None) -> str:
    """The FTS5 MATCH expression for a user's search text (see storage.search.match_expression)."""
    return match_expression(query or "") or NO_MATCH


@hookimpl(trylast=True)
def prepare_connection(conn) -> None:
    # Called after Datasette's own hook (trylast) that registers its escape_fts, so this one wins.
    conn.create_function("escape_fts", 1, diacritic_aware_fts, deterministic=True)
    # articles.body_html is stored as a delta against body_text: article_html(body_html, body_text) reads it in SQL.
    conn.create_function(bodies.SQL_FUNCTION, 2, bodies.unpack, deterministic=True)


@hookimpl
def render_cell(value, column, table, row):
    """articles.body_html shown as its HTML text (escaped, as Datasette shows text) when the row has body_text."""
    if table != "articles" or column != "body_html" or not isinstance(value, bytes):
        return None
    if "body_text" not in row.keys():
        return None
    return escape(bodies.unpack(value, row["body_text"]))


def archive_tables(datasette, database: str | None) -> set[str] | None:
    """The tables and views of `database` when it is an edunews archive, else None (read once per file version)."""
    db = datasette.databases.get(database) if database else None
    path = getattr(db, "path", None)
    if not path or getattr(db, "is_memory", False) or not Path(path).is_file():
        return None
    key = (path, Path(path).stat().st_mtime)
    if key not in _archives:
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
            finally:
                conn.close()
        except sqlite3.Error:
            names = set()
        _archives[key] = names if {"articles", "articles_fts"} <= names else None
    return _archives[key]


def archive_names(datasette) -> list[str]:
    return [name for name in datasette.databases if archive_tables(datasette, name) is not None]


@hookimpl
def get_metadata(datasette, key, database, table) -> dict[str, Any]:
    from edunews.serve import DESCRIPTION, TITLE, build_metadata

    databases: dict[str, Any] = {}
    for name in archive_names(datasette):
        # Datasette asks for metadata many times a page: build each archive's once per set of tables.
        tables = archive_tables(datasette, name)
        cache_key = (name, frozenset(tables or ()))
        if cache_key not in _metadata:
            _metadata[cache_key] = build_metadata(name, tables)["databases"]
        databases.update(_metadata[cache_key])
    if not databases:
        return {}
    return {"title": TITLE, "description": DESCRIPTION, "databases": databases}


@hookimpl
def extra_template_vars(template, database, table, columns, view_name, request, datasette):
    async def inner() -> dict[str, Any]:
        from edunews import analyst

        extra: dict[str, Any] = {"edunews_dashboard": DASHBOARD_PATH if archive_names(datasette) else None}
        if request is None or archive_tables(datasette, database) is None:
            return extra
        if view_name == "table" and table in LONG_COLUMNS and request.args.getlist("_nocol"):
            # `_all` stops the wrapper from leaving the long columns out again.
            pairs = urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
            kept = [(k, v) for k, v in pairs if k not in ("_nocol", "_col")]
            extra["edunews_all_columns"] = "?" + urllib.parse.urlencode([*kept, ("_all", "1")])
        if table != "articles":
            return extra
        db = datasette.get_database(database)
        if view_name == "row":
            pks = request.url_vars.get("pks", "")
            try:
                article_id = int(pks)
            except ValueError:
                return extra
            extra["edunews_article"] = await db.execute_fn(lambda conn: analyst.article(conn, article_id))
        return extra

    return inner


async def dashboard_view(datasette, request) -> Response:
    from edunews import analyst

    names = archive_names(datasette)
    database = request.args.get("db") or (names[0] if names else None)
    if database not in names:
        return Response.html("Không có kho bài viết — no archive is served", status=404)
    data = await datasette.get_database(database).execute_fn(analyst.dashboard)
    return Response.html(
        await datasette.render_template(
            "edunews_dashboard.html", {"database": database, "databases": names, **data}, request=request
        )
    )


def search_count_cap(datasette, database: str) -> int:
    """How far the search page counts matches (plugin setting search_count_cap, else analyst.COUNT_CAP)."""
    from edunews import analyst

    config = datasette.plugin_config("edunews", database=database, table="articles") or {}
    try:
        return max(1, int(config.get("search_count_cap", analyst.COUNT_CAP)))
    except (TypeError, ValueError):
        return analyst.COUNT_CAP


async def search_view(datasette, request) -> Response:
    """`/DB/articles?_search=...` as search results (the ASGI wrapper routes it here, see _search_database)."""
    from edunews import analyst

    database = tilde_decode(request.url_vars["database"])
    tables = archive_tables(datasette, database)
    if tables is None or "articles" not in tables:
        return Response.html("Không có kho bài viết — no archive is served", status=404)
    # The table's own permissions, as Datasette's table view checks them.
    visible, private = await datasette.check_visibility(
        request.actor,
        permissions=[("view-table", (database, "articles")), ("view-database", database), "view-instance"],
    )
    if not visible:
        raise Forbidden("You do not have permission to view this table")
    args = request.args
    query = args.get("_search") or ""
    try:
        page = int(args.get("_page") or 1)
    except ValueError:
        page = 1
    newest = args.get("_sort_desc") == "published_at"
    site = args.get("site") or None
    cap = search_count_cap(datasette, database)
    found = await datasette.get_database(database).execute_fn(
        lambda conn: analyst.search_page(conn, query, page, site, newest, count_cap=cap)
    )
    pairs = urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
    base = [(k, v) for k, v in pairs if k not in ("_page", "_sort_desc", "_sort", "_next")]
    same_order = [(k, v) for k, v in pairs if k not in ("_page", "_next")]
    # Links relative to the page's address, which is the table's (/DB/articles).
    found.update(
        query=query, site=site, cap=cap,
        page_url=lambda n: "?" + urllib.parse.urlencode([*same_order, ("_page", n)]),
        relevance_url="?" + urllib.parse.urlencode(base),
        newest_url="?" + urllib.parse.urlencode([*base, ("_sort_desc", "published_at")]),
        table_url="?" + urllib.parse.urlencode([*pairs, ("_view", "table")]),
    )
    context = {"database": database, "table": "articles", "private": private, "edunews_search": found,
               "datasette_version": __version__}
    return Response.html(
        await datasette.render_template("edunews_search.html", context, request=request, view_name="edunews_search")
    )


@hookimpl
def register_routes(datasette) -> list:
    return [(r"^/-/dashboard$", dashboard_view), (rf"^{SEARCH_PATH}(?P<database>[^/]+)$", search_view)]


@hookimpl
def menu_links(datasette, actor, request) -> list[dict[str, str]]:
    if not archive_names(datasette):
        return []
    return [{"href": datasette.urls.path(DASHBOARD_PATH), "label": "Tổng quan — Dashboard"}]


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def search_and_long_columns(scope, receive, send):
            if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
                database = _search_database(datasette, scope)
                if database is not None:
                    # Served by search_view; the browser keeps the table's address.
                    path = _base_path(datasette) + SEARCH_PATH.lstrip("/") + tilde_encode(database)
                    scope = dict(scope, path=path, raw_path=path.encode("ascii"))
                elif scope.get("method") == "GET":
                    target = _without_long_columns(datasette, scope)
                    if target is not None:
                        await Response.redirect(target).asgi_send(send)
                        return
            await app(scope, receive, send)

        return search_and_long_columns

    return wrap


def _base_path(datasette) -> str:
    base = datasette.setting("base_url") or "/"
    return base if base.endswith("/") else base + "/"


def _path_parts(datasette, scope) -> list[str]:
    """The request's path below Datasette's base_url, split and tilde-decoded."""
    raw = scope.get("raw_path")
    path = raw.decode("ascii").partition("?")[0] if raw else scope.get("path", "")
    base = _base_path(datasette)
    if base != "/" and path.startswith(base):
        path = "/" + path[len(base):]
    return [tilde_decode(part) for part in path.strip("/").split("/")]


def _search_database(datasette, scope) -> str | None:
    """The archive whose articles page `scope` asks for as search results (HTML with `_search`, not `_view=table`)."""
    parts = _path_parts(datasette, scope)
    if len(parts) != 2 or parts[1] != "articles":
        return None
    args = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    if "_search" not in args or args.get("_view", [""])[0] == "table":
        return None
    tables = archive_tables(datasette, parts[0])
    return parts[0] if tables is not None and "articles" in tables else None


def _without_long_columns(datasette, scope) -> str | None:
    """The URL to redirect a bare HTML list page of articles or revisions to, with its long columns left out."""
    parts = [tilde_decode(part) for part in scope.get("path", "").strip("/").split("/")]
    if len(parts) != 2 or parts[1] not in LONG_COLUMNS:
        return None
    query = scope.get("query_string", b"").decode("latin-1")
    params = urllib.parse.parse_qsl(query, keep_blank_values=True)
    if any(key in ("_col", "_nocol", "_all") for key, _ in params):
        return None
    tables = archive_tables(datasette, parts[0])
    if tables is None or parts[1] not in tables:
        return None
    params += [("_nocol", column) for column in LONG_COLUMNS[parts[1]]]
    path = "/".join(tilde_encode(part) for part in parts)
    return f"{scope.get('root_path', '')}/{path}?{urllib.parse.urlencode(params)}"
