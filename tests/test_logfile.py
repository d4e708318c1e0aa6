"""`edunews crawl --log-file`: the log goes to a rotated file, stderr keeps errors and the summary."""

from __future__ import annotations

from edunews import run


def test_log_file_rotates_and_stderr_keeps_the_summary(site):
    log = site.tmp / "logs" / "crawl.log"
    result = site.crawl(
        "--log-file", str(log), "--set", "EDUNEWS_LOG_MAX_BYTES=4000", "--set", "EDUNEWS_LOG_BACKUPS=2",
        "--set", "LOG_LEVEL=DEBUG",
    )
    assert result.returncode == run.EXIT_ERRORS, result.stderr
    # The folder is made; the current file and exactly two older ones are kept (the rest rotated away).
    files = sorted(p.name for p in log.parent.iterdir())
    assert files == ["crawl.log", "crawl.log.1", "crawl.log.2"], files
    text = log.read_text(encoding="utf-8")
    assert "gialai-demo: finished_with_errors" in text
    # stderr: the summary line, and no INFO/DEBUG log lines.
    assert "gialai-demo: finished_with_errors" in result.stderr
    assert "[scrapy.core.engine] INFO" not in result.stderr
    assert "DEBUG" not in result.stderr


def test_log_file_records_a_refused_run(site):
    from edunews.lock import archive_lock

    log = site.tmp / "crawl.log"
    with archive_lock(str(site.db)):
        result = site.crawl("--log-file", str(log))
    assert result.returncode == run.EXIT_LOCKED
    assert "not run:" in log.read_text(encoding="utf-8")
