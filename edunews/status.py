"""`edunews status`: per site the last run, what the archive holds, and whether the site looks healthy."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SiteStatus:
    site: str
    last_run: str | None  # when the last crawl of the site finished (or started, if it never finished)
    last_status: str | None
    articles: int
    newest: str | None  # newest published_at in the archive
    errors: int  # errors of the last run
    alarm: str | None
    health: str  # ok, errors, alarm or never crawled

    def line(self) -> str:
        return (
            f"{self.site:<16} {self.health:<13} {self.last_run or '-':<25} {self.last_status or '-':<20} "
            f"{self.articles:>8} {(self.newest or '-')[:10]:<10} {self.errors:>6}"
            + (f"  {self.alarm}" if self.alarm else "")
        )


HEADER = (
    f"{'site':<16} {'health':<13} {'last run':<25} {'status':<20} {'articles':>8} {'newest':<10} {'errors':>6}"
)

# The last crawl of each site: its crawl_sites row when there is one, else the crawls row of its spider.
_LAST_RUN_SQL = """
SELECT site, coalesce(c.finished_at, c.started_at) AS run_at, c.status, cs.errors, cs.alarm
FROM crawl_sites AS cs JOIN crawls AS c ON c.id = cs.crawl_id
WHERE cs.crawl_id = (SELECT max(crawl_id) FROM crawl_sites WHERE site = cs.site)
"""
_LAST_CRAWL_SQL = """
SELECT spider, coalesce(finished_at, started_at) AS run_at, status, errors, NULL
FROM crawls WHERE id IN (SELECT max(id) FROM crawls GROUP BY spider)
"""


def health(status: str | None, errors: int, alarm: str | None) -> str:
    if status is None:
        return "never crawled"
    if alarm or status == "alarm":
        return "alarm"
    if errors or status not in ("ok", "running"):
        return "errors"
    return "ok"


def site_statuses(db_path: str, configured: Iterable[str] = ()) -> list[SiteStatus]:
    """One row per site the archive knows or the configuration names, sorted by name."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        names = set(configured)
        names.update(n for (n,) in con.execute("SELECT name FROM sites"))
        counts = {
            site: (count, newest)
            for site, count, newest in con.execute(
                "SELECT site, count(*), max(published_at) FROM articles GROUP BY site"
            )
        }
        names.update(counts)
        last: dict[str, tuple] = {row[0]: row[1:] for row in con.execute(_LAST_CRAWL_SQL)}
        if "crawl_sites" in tables:
            # Per-site rows win over the spider's crawl row (they name the site, and carry the alarm).
            last.update({row[0]: row[1:] for row in con.execute(_LAST_RUN_SQL)})
    finally:
        con.close()
    rows = []
    for name in sorted(n for n in names if n):
        run_at, status, errors, alarm = last.get(name, (None, None, 0, None))
        count, newest = counts.get(name, (0, None))
        rows.append(
            SiteStatus(name, run_at, status, count, newest, int(errors or 0), alarm, health(status, errors, alarm))
        )
    return rows


def shared_crawl(url: str) -> dict:
    """A shared crawl's state in Redis: each worker's figures and heartbeat, each site's queue, the writer."""
    from storage import redis_state

    client = redis_state.connect(url)
    writer = redis_state.writer_figures(client)
    return {
        "workers": redis_state.workers(client),
        "queues": redis_state.queue_lengths(client),
        "writer": writer,
        "writer_backlog": redis_state.backlog(client),
    }


def render_shared(report: dict) -> str:
    lines = ["", f"{'worker':<28} {'state':<9} {'last beat':>10} {'pages':>8} {'items':>8} {'errors':>6}  sites"]
    for worker in report["workers"]:
        state = worker.get("state", "-") if worker["alive"] else "dead"
        lines.append(
            f"{worker['worker']:<28} {state:<9} {worker['seconds_since']:>9}s {worker.get('pages', 0):>8} "
            f"{worker.get('items', 0):>8} {worker.get('errors', 0):>6}  {', '.join(worker.get('sites', []))}"
        )
    if not report["workers"]:
        lines.append("(no worker has joined)")
    lines += ["", f"{'site':<32} {'queued':>8} {'in flight':>9}"]
    for site, queue in sorted(report["queues"].items()):
        lines.append(f"{site:<32} {queue['queued']:>8} {queue['in_flight']:>9}")
    writer = report["writer"]
    if writer:
        stored = writer.get("stored", {})
        lines.append(
            f"\nwriter: {writer.get('db')}, {stored.get('article', 0)} articles stored, "
            f"{report['writer_backlog']} messages waiting"
        )
    else:
        lines.append(f"\nwriter: none running; {report['writer_backlog']} messages waiting")
    return "\n".join(lines)
