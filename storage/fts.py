"""The full-text index `articles_fts` and the pure-SQL triggers that keep it equal to the articles.

`articles_fts` is a contentless FTS5 table (rowid = articles.id) with the columns title, summary,
body_text, captions (the article's image captions in page order, joined by ' ') and folded
(fold(title || ' ' || summary || ' ' || body_text || ' ' || captions), see storage/fold.py).
SQLite 3.40 deletes a row from a contentless table only when given exactly the values that were
indexed, so the invariant is

    row of articles_fts for article A == f(current row of A, current images of A)

and every trigger brackets a mutation: it removes f(state before) and adds f(state after). f is
read from the tables themselves (never from NEW/OLD values), so every trigger shares one SELECT.

The fold is 134 replace() calls, more than SQLite 3.40's parser can nest in one statement. As it
maps letter to letter, fold(a || ' ' || b) == fold(a) || ' ' || fold(b); so two chains of views
fold each article's text columns and each caption in steps, and the triggers join the pieces.
SQLite flattens the views, so a trigger folds only the one article it touches.

Deferred indexing: while an article's id is in `articles_fts_pending`, f gives no row for it, so the
triggers leave the index alone; the pending row's own triggers remove f(before) when it is added and
add f(after) when it is deleted. A writer that changes an article and several of its images in one
transaction (`deferred_indexing`) thus indexes it once: FTS5 writes its pending terms to disk
whenever a row id repeats within a transaction, and an article with images would otherwise be
indexed once more per image. The table is empty outside such a transaction.

Triggers and clients:
- UPDATEs of columns outside the index (last_seen_at, duplicate_of, ...) do not touch it.
- INSERT ... ON CONFLICT DO UPDATE and INSERT OR IGNORE work from any client: nothing is removed
  before an insert that might not happen.
- INSERT OR REPLACE removes the old row through the DELETE triggers only when the connection has
  `PRAGMA recursive_triggers = ON` (the archive and sqlite-utils set it); other clients that use
  REPLACE on articles or images must set it too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from storage.fold import fold_steps, replace_sql

FTS_TABLE = "articles_fts"
PENDING_TABLE = "articles_fts_pending"
PENDING_DDL = f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (article_id INTEGER PRIMARY KEY)"
FTS_COLUMNS = ("title", "summary", "body_text", "captions", "folded")
# Exact columns, searched when a query carries diacritics.
EXACT_COLUMNS = ("title", "summary", "body_text", "captions")

FTS_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    f"{', '.join(FTS_COLUMNS)}, content='', tokenize='unicode61 remove_diacritics 0')"
)

# Fold steps (subqueries) per view: five steps of 14 nested calls stay well inside the parser stack.
_STEPS_PER_VIEW = 5


def _fold_views(
    name: str, table: str, keep: tuple[str, ...], texts: dict[str, str]
) -> dict[str, str]:
    """Views folding `texts` (output column -> expression over `table`) step by step.

    The last view is called `name` and has the `keep` columns and the folded texts.
    """
    steps = fold_steps()
    views: dict[str, str] = {}
    source = f"SELECT {', '.join(keep)}, " + ", ".join(
        f"{expr} AS {column}" for column, expr in texts.items()
    ) + f" FROM {table}"
    chunks = [steps[i : i + _STEPS_PER_VIEW] for i in range(0, len(steps), _STEPS_PER_VIEW)]
    for number, chunk in enumerate(chunks, start=1):
        for letters in chunk:
            folded = ", ".join(f"{replace_sql(column, letters)} AS {column}" for column in texts)
            source = f"SELECT {', '.join(keep)}, {folded} FROM ({source})"
        view = name if number == len(chunks) else f"{name}_{number}"
        views[view] = source
        source = f"SELECT {', '.join(keep)}, {', '.join(texts)} FROM {view}"
    return views


# (view name, table, columns kept, folded column -> expression over the table)
_FOLDED: list[tuple[str, str, tuple[str, ...], dict[str, str]]] = [
    (
        "articles_fts_fold",
        "articles",
        ("id",),
        {
            "title_f": "coalesce(title, '')",
            "summary_f": "coalesce(summary, '')",
            "body_text_f": "coalesce(body_text, '')",
        },
    ),
    (
        "images_fts_fold",
        "images",
        ("id", "article_id", "position", "caption"),
        {"caption_f": "caption"},
    ),
]
FOLD_VIEWS: dict[str, str] = {}
# Every fold view (final and intermediate) -> its columns.
FOLD_VIEW_COLUMNS: dict[str, tuple[str, ...]] = {}
for _name, _table, _keep, _texts in _FOLDED:
    for _view, _select in _fold_views(_name, _table, _keep, _texts).items():
        FOLD_VIEWS[_view] = _select
        FOLD_VIEW_COLUMNS[_view] = _keep + tuple(_texts)

_COLS = ", ".join(FTS_COLUMNS)


def _captions(column: str, source: str, article_id: str, exclude_image: str | None) -> str:
    excluded = f" AND id <> {exclude_image}" if exclude_image else ""
    # The inner ORDER BY fixes the caption order, so the same images always give the same text.
    return (
        f"(SELECT group_concat({column}, ' ') FROM (SELECT {column} FROM {source} "
        f"WHERE article_id = {article_id} AND caption IS NOT NULL AND caption <> ''{excluded} "
        "ORDER BY position, id))"
    )


def _values(
    article_id: str | None, exclude_image: str | None = None, when: str | None = None
) -> str:
    """SELECT list and FROM of (rowid, indexed values) for one article (None: every article).

    Yields no row when the article does not exist, so triggers need no existence test.
    """
    conditions = [f"a.id = {article_id}"] if article_id else []
    conditions.append(f"a.id NOT IN (SELECT article_id FROM {PENDING_TABLE})")
    if when:
        conditions.append(f"({when})")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    captions = _captions("caption", "images", "a.id", exclude_image)
    captions_f = _captions("caption_f", "images_fts_fold", "a.id", exclude_image)
    return (
        f"a.id, a.title, a.summary, a.body_text, {captions}, "
        f"f.title_f || ' ' || f.summary_f || ' ' || f.body_text_f || ' ' || "
        f"coalesce({captions_f}, '') "
        f"FROM articles AS a JOIN articles_fts_fold AS f ON f.id = a.id{where}"
    )


def index_sql(article_id: str, when: str | None = None) -> str:
    """Add the article's row, computed from the current state."""
    return f"INSERT INTO {FTS_TABLE}(rowid, {_COLS}) SELECT {_values(article_id, when=when)};"


def unindex_sql(article_id: str, exclude_image: str | None = None, when: str | None = None) -> str:
    """Remove the article's row, computed from the current state (minus one image, if given)."""
    return (
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLS}) "
        f"SELECT 'delete', {_values(article_id, exclude_image, when)};"
    )


_MOVED = "NEW.article_id IS NOT OLD.article_id"

TRIGGERS: dict[str, str] = {
    "articles_fts_ai": f"AFTER INSERT ON articles BEGIN {index_sql('NEW.id')} END",
    "articles_fts_bu": "BEFORE UPDATE OF id, title, summary, body_text ON articles "
    f"BEGIN {unindex_sql('OLD.id')} END",
    "articles_fts_au": "AFTER UPDATE OF id, title, summary, body_text ON articles "
    f"BEGIN {index_sql('NEW.id')} END",
    "articles_fts_bd": f"BEFORE DELETE ON articles BEGIN {unindex_sql('OLD.id')} END",
    # An AFTER trigger alone brackets an image insert: the state before is the state after
    # minus the new image. No BEFORE INSERT, which would also fire for inserts that end up ignored.
    "images_fts_ai": "AFTER INSERT ON images BEGIN "
    f"{unindex_sql('NEW.article_id', exclude_image='NEW.id')} {index_sql('NEW.article_id')} END",
    # position and id decide the caption order; moving an image changes two articles.
    "images_fts_bu": "BEFORE UPDATE OF caption, article_id, position, id ON images BEGIN "
    f"{unindex_sql('OLD.article_id')} {unindex_sql('NEW.article_id', when=_MOVED)} END",
    "images_fts_au": "AFTER UPDATE OF caption, article_id, position, id ON images BEGIN "
    f"{index_sql('OLD.article_id', when=_MOVED)} {index_sql('NEW.article_id')} END",
    "images_fts_bd": f"BEFORE DELETE ON images BEGIN {unindex_sql('OLD.article_id')} END",
    "images_fts_ad": f"AFTER DELETE ON images BEGIN {index_sql('OLD.article_id')} END",
    # BEFORE: the article is still indexed, and its row is removed as it was.
    "articles_fts_pending_bi": f"BEFORE INSERT ON {PENDING_TABLE} BEGIN {unindex_sql('NEW.article_id')} END",
    "articles_fts_pending_ad": f"AFTER DELETE ON {PENDING_TABLE} BEGIN {index_sql('OLD.article_id')} END",
}


@contextmanager
def deferred_indexing(conn: sqlite3.Connection, article_id: int) -> Iterator[None]:
    """Index the article once, after the block, whatever the block changes of it and its images.

    Runs inside the caller's transaction; on an exception the caller rolls back, which also
    clears the pending row.
    """
    conn.execute(f"INSERT INTO {PENDING_TABLE} (article_id) VALUES (?)", (article_id,))
    yield
    conn.execute(f"DELETE FROM {PENDING_TABLE} WHERE article_id = ?", (article_id,))


def create_search_index(conn: sqlite3.Connection) -> None:
    """(Re)create articles_fts, its views and triggers, and index every article.

    Runs inside the caller's transaction.
    """
    _drop_triggers(conn)
    conn.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    _create_views(conn)
    conn.execute(FTS_DDL)
    conn.execute(PENDING_DDL)
    conn.execute(f"DELETE FROM {PENDING_TABLE}")
    populate(conn)
    _create_triggers(conn)


def install_triggers(conn: sqlite3.Connection) -> None:
    """Replace the fold views and triggers, keeping the index (for a new trigger set over the same fold).

    Runs inside the caller's transaction.
    """
    _drop_triggers(conn)
    _create_views(conn)
    conn.execute(PENDING_DDL)
    _create_triggers(conn)


def _drop_triggers(conn: sqlite3.Connection) -> None:
    # Every search-index trigger there is, including those of older versions.
    names = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'articles\\_fts\\_%' ESCAPE '\\' "
        "OR name LIKE 'images\\_fts\\_%' ESCAPE '\\')"
    )]
    for name in {*names, *TRIGGERS}:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def _create_views(conn: sqlite3.Connection) -> None:
    for name in reversed(FOLD_VIEWS):
        conn.execute(f"DROP VIEW IF EXISTS {name}")
    for name, select in FOLD_VIEWS.items():
        conn.execute(f"CREATE VIEW {name} AS {select}")


def _create_triggers(conn: sqlite3.Connection) -> None:
    for name, body in TRIGGERS.items():
        conn.execute(f"CREATE TRIGGER {name} {body}")


def populate(conn: sqlite3.Connection, table: str = FTS_TABLE) -> None:
    """Index every article into an empty full-text table."""
    conn.execute(f"INSERT INTO {table}(rowid, {_COLS}) SELECT {_values(None)}")


def rebuild(conn: sqlite3.Connection) -> None:
    """Empty articles_fts and index every article again (inside the caller's transaction)."""
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('delete-all')")
    populate(conn)


def optimize(conn: sqlite3.Connection) -> None:
    """Merge the index's b-trees into one (FTS5 'optimize'): smaller and faster to query; maintenance only, it
    rewrites the whole index."""
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('optimize')")


def index_matches_articles(conn: sqlite3.Connection) -> bool:
    """Whether articles_fts holds exactly f(articles, images): every term at every position.

    FTS5's own 'integrity-check' cannot see a wrong 'delete' in a contentless table, so this
    builds a fresh index in the temp schema and compares the two term by term through fts5vocab
    (cost: one rebuild in memory or temp storage).
    """
    fresh = "articles_fts_fresh"
    live, rebuilt = "articles_fts_live_terms", "articles_fts_fresh_terms"
    for table in (live, rebuilt, fresh):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    conn.execute(FTS_DDL.replace(f"TABLE {FTS_TABLE}", f"TABLE temp.{fresh}", 1))
    try:
        populate(conn, f"temp.{fresh}")
        for name, schema, table in ((live, "main", FTS_TABLE), (rebuilt, "temp", fresh)):
            conn.execute(
                f"CREATE VIRTUAL TABLE temp.{name} USING fts5vocab({schema}, {table}, instance)"
            )
        one, other = (f"SELECT term, doc, col, offset FROM temp.{t}" for t in (live, rebuilt))
        # (term, doc, col, offset) is unique within an index, so equal sets mean equal indexes.
        differs = conn.execute(
            f"SELECT EXISTS ({one} EXCEPT {other}) OR EXISTS ({other} EXCEPT {one})"
        ).fetchone()[0]
        return not differs
    finally:
        for table in (live, rebuilt, fresh):
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
