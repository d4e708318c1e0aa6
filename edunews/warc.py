"""`edunews export-warc`: the archive's raw pages as a WARC file that web-archive tools can replay."""

from __future__ import annotations

import os
from http import HTTPStatus
from io import BytesIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage import Archive

# Headers that described the bytes on the wire, not the decoded body the archive keeps.
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def export_warc(db_path: str | os.PathLike[str], out_path: str | os.PathLike[str], gzip: bool = True) -> int:
    """Write one response record per stored page; returns how many were written."""
    count = 0
    with Archive(db_path) as archive, open(out_path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for page in archive.pages():
            headers = [
                (name, value)
                for name, values in page["headers"].items()
                if name.lower() not in _TRANSFER_HEADERS
                for value in values
            ]
            headers.append(("Content-Length", str(len(page["body"]))))
            status = page["status"] or 200
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = ""
            http_headers = StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                page["url"],
                "response",
                payload=BytesIO(page["body"]),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": _warc_date(page["fetched_at"])} if page["fetched_at"] else None,
            )
            writer.write_record(record)
            count += 1
    return count


def _warc_date(fetched_at: str) -> str:
    """ISO 8601 with offset (as the archive stores it) to WARC's UTC form, 2024-01-02T03:04:05Z."""
    return fetched_at.replace("+00:00", "Z") if fetched_at.endswith("+00:00") else fetched_at
