"""`edunews export`: articles as JSON lines or CSV, for pipelines.

One row per article (duplicates included, with duplicate_of), oldest first, with its image captions.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from typing import Any, TextIO

COLUMNS = (
    "id", "url", "site", "title", "summary", "published_at", "updated_at", "author", "source", "category",
    "body_text", "view_count", "word_count", "duplicate_of", "first_seen_at", "last_seen_at",
)


def rows(path: str, since: str | None = None, site: str | None = None) -> Iterator[dict[str, Any]]:
    """Articles of the archive at `path`, published on or after `since` (YYYY-MM-DD) and of `site`."""
    # Read-only: an export never changes (or locks for writing) the archive a crawl may be filling.
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        columns = ", ".join(f"a.{c}" for c in COLUMNS)
        sql = (
            f"SELECT {columns}, (SELECT json_group_array(caption) FROM (SELECT caption FROM images "
            "WHERE article_id = a.id AND caption IS NOT NULL AND caption <> '' ORDER BY position, id)) "
            "AS captions FROM articles AS a WHERE 1 = 1"
        )
        params: list[Any] = []
        if since:
            # Dates are ISO 8601, so the first ten characters compare as dates.
            sql += " AND substr(a.published_at, 1, 10) >= ?"
            params.append(since)
        if site:
            sql += " AND a.site = ?"
            params.append(site)
        sql += " ORDER BY a.published_at, a.id"
        cursor = conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for record in cursor:
            row = dict(zip(names, record, strict=True))
            row["captions"] = json.loads(row["captions"] or "[]")
            yield row
    finally:
        conn.close()


def write(out: TextIO, fmt: str, records: Iterator[dict[str, Any]]) -> int:
    """Write `records` to `out` as 'jsonl' or 'csv'; return how many were written."""
    count = 0
    if fmt == "jsonl":
        for row in records:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = csv.DictWriter(out, fieldnames=[*COLUMNS, "captions"], lineterminator="\n")
    writer.writeheader()
    for row in records:
        # A CSV cell holds one value: captions one per line.
        writer.writerow({**row, "captions": "\n".join(row["captions"])})
        count += 1
    return count
