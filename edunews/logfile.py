"""The crawl's log in a rotated file, for runs under cron (`edunews crawl --log-file PATH`).

Scrapy's LOG_FILE writes one file that grows forever (or is overwritten each run); a nightly job wants the
standard library's size-based rotation instead. With a log file, stderr keeps only errors and the summary
lines, so cron's mail says something only when something went wrong or the operator asked for the summary.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from collections.abc import Iterator
from contextlib import contextmanager

from scrapy.utils.log import TopLevelFormatter

from crawler import settings as defaults


@contextmanager
def rotating_log(settings, path: str) -> Iterator[logging.Handler]:
    """Send the root logger to path (rotated at EDUNEWS_LOG_MAX_BYTES, keeping EDUNEWS_LOG_BACKUPS old files)
    and errors to stderr, for the duration of the block. Scrapy must be told not to install its own handler
    (LOG_INSTALL_ROOT_HANDLER=False), which `log_settings` does."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    formatter = logging.Formatter(fmt=settings.get("LOG_FORMAT"), datefmt=settings.get("LOG_DATEFORMAT"))
    to_file = logging.handlers.RotatingFileHandler(
        path,
        maxBytes=settings.getint("EDUNEWS_LOG_MAX_BYTES", defaults.EDUNEWS_LOG_MAX_BYTES),
        backupCount=settings.getint("EDUNEWS_LOG_BACKUPS", defaults.EDUNEWS_LOG_BACKUPS),
        encoding=settings.get("LOG_ENCODING") or "utf-8",
    )
    to_file.setLevel(settings.get("LOG_LEVEL"))
    to_stderr = logging.StreamHandler()
    to_stderr.setLevel(logging.ERROR)
    for handler in (to_file, to_stderr):
        handler.setFormatter(formatter)
        if settings.getbool("LOG_SHORT_NAMES"):
            handler.addFilter(TopLevelFormatter(["scrapy"]))
    root = logging.getLogger()
    previous_level = root.level
    root.setLevel(logging.NOTSET)
    root.addHandler(to_file)
    root.addHandler(to_stderr)
    try:
        yield to_file
    finally:
        root.removeHandler(to_file)
        root.removeHandler(to_stderr)
        root.setLevel(previous_level)
        to_file.close()


def log_settings(path: str) -> dict[str, object]:
    """Settings of `--log-file PATH`: our rotating handler replaces Scrapy's stderr one."""
    return {"EDUNEWS_LOG_FILE": path, "LOG_INSTALL_ROOT_HANDLER": False}
