"""`edunews status`: per site the last run, what the archive holds, and whether the site looks healthy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storage import reader


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
    overview = reader.site_overview(db_path)
    names = overview["sites"] | set(configured)
    counts, last = overview["counts"], overview["last_runs"]
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
