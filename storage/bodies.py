"""articles.body_html stored as what it adds to body_text: zstd-compressed with the article's own body_text as
the dictionary.

body_html is body_text with its markup (paragraphs, headings, tables, images in place). Measured on
bench/archive_size.py's random sites (development seeds 1-10): 2.0 KB of HTML beside 1.75 KB of text a row; zstd
alone leaves 1.0 KB of the HTML, zstd with the text as a raw-content dictionary 0.19 KB. So the text is kept once,
plain (for SQL, the search index and near duplicates), and the HTML as a delta against it.

The delta is read back with the stored body_text, so the two are written together, always through the archive
(a trigger refuses an UPDATE of body_text alone: it would leave the delta unreadable). A frame carries its
checksum, so the wrong text fails loudly instead of giving wrong HTML. A text value is HTML as it is: rows of
archives before schema 5, until `edunews compact` packs them.
"""

from __future__ import annotations

import sqlite3

import zstandard

# As small as level 9 or 19 against its own text, at half level 9's time (0.05 ms a body).
LEVEL = 6
# Datasette's SQL (registered by the plugin) and any sqlite3 connection that registers it: article_html(body_html,
# body_text) gives the HTML.
SQL_FUNCTION = "article_html"


def _dictionary(text: str | None) -> zstandard.ZstdCompressionDict | None:
    data = (text or "").encode("utf-8")
    return zstandard.ZstdCompressionDict(data, dict_type=zstandard.DICT_TYPE_RAWCONTENT) if data else None


def pack(html: str | None, text: str | None) -> bytes | None:
    """The stored form of body_html beside this body_text."""
    if html is None:
        return None
    compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=_dictionary(text), write_checksum=True,
                                          write_dict_id=False)
    return compressor.compress(html.encode("utf-8"))


def unpack(stored: bytes | str | None, text: str | None) -> str | None:
    """body_html as HTML, from its stored form and the row's stored body_text."""
    if stored is None or isinstance(stored, str):
        return stored
    return zstandard.ZstdDecompressor(dict_data=_dictionary(text)).decompress(bytes(stored)).decode("utf-8")


def pack_stored_html(conn: sqlite3.Connection, limit: int) -> int:
    """Pack up to limit rows whose body_html is still plain HTML (inside the caller's transaction); how many.
    Only body_html changes: the search index and the guard trigger are not concerned."""
    rows = conn.execute(
        "SELECT id, body_html, body_text FROM articles WHERE typeof(body_html) = 'text' LIMIT ?", (limit,)
    ).fetchall()
    conn.executemany(
        "UPDATE articles SET body_html = ? WHERE id = ?", [(pack(html, text), row_id) for row_id, html, text in rows]
    )
    return len(rows)


# A row's body_text changed without its body_html: the delta no longer reads. Writers that change the text give the
# HTML again (the archive re-packs it); plain SQL that only edits the text is stopped.
GUARD_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS articles_body_html_guard BEFORE UPDATE OF body_text ON articles
WHEN typeof(OLD.body_html) = 'blob' AND NEW.body_html IS OLD.body_html AND NEW.body_text IS NOT OLD.body_text
BEGIN
    SELECT RAISE(ABORT, 'articles.body_html is stored against body_text: write both (storage.bodies.pack)');
END"""
