"""Datasette plugin: `_search` on the archive uses the diacritic-aware index.

Datasette turns `?_search=` (and its search box, and canned queries that call escape_fts) into
`... MATCH escape_fts(:search)` against the table's `fts_table` (articles_fts, from the metadata that
edunews/serve.py writes). Replacing the SQL function escape_fts on every connection routes the query
to the right columns: the exact ones when it carries diacritics, `folded` when it has none. Every word
is quoted, so punctuation and FTS5 operators never raise an error.
"""

from __future__ import annotations

from datasette import hookimpl

from storage.search import match_expression

# Matches nothing: a query without any word (only punctuation) then gives an empty result, not an error.
NO_MATCH = '{folded} : ("")'


def diacritic_aware_fts(query: str | None) -> str:
    """The FTS5 MATCH expression for a user's search text (see storage.search.match_expression)."""
    return match_expression(query or "") or NO_MATCH


@hookimpl(trylast=True)
def prepare_connection(conn) -> None:
    # Called after Datasette's own hook (trylast) that registers its escape_fts, so this one wins.
    conn.create_function("escape_fts", 1, diacritic_aware_fts, deterministic=True)
