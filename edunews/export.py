"""`edunews export`: articles as JSON lines or CSV, for pipelines.

One row per article (duplicates included, with duplicate_of), oldest first, with its image captions, as
storage.reader.export_rows reads them (read-only: an export never changes or locks the archive a crawl may be
filling); this module writes them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from storage import reader


def write(out: TextIO, fmt: str, records: Iterator[dict[str, Any]]) -> int:
    """Write `records` to `out` as 'jsonl' or 'csv'; return how many were written."""
    count = 0
    if fmt == "jsonl":
        for row in records:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = csv.DictWriter(out, fieldnames=[*reader.EXPORT_COLUMNS, "captions"], lineterminator="\n")
    writer.writeheader()
    for row in records:
        # A CSV cell holds one value: captions one per line.
        writer.writerow({**row, "captions": "\n".join(row["captions"])})
        count += 1
    return count
