"""What a crawl's Scrapy stats say about failures: one definition for the crawl record, the summary line and
the progress line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_ERROR_PREFIX = "edunews/errors/"
_EXCEPTION_PREFIX = "spider_exceptions/"


def errors_by_kind(stats: Mapping[str, Any]) -> dict[str, int]:
    """Failed requests by kind ('http_500', 'TimeoutError', 'redirect_loop' …) and spider exceptions."""
    found = {k.removeprefix(_ERROR_PREFIX): v for k, v in stats.items() if k.startswith(_ERROR_PREFIX)}
    found.update({k: v for k, v in stats.items() if k.startswith(_EXCEPTION_PREFIX)})
    return found


def error_count(stats: Mapping[str, Any]) -> int:
    return sum(errors_by_kind(stats).values())
