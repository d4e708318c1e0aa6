"""A shared crawl with 1, 2 and 3 workers: pages per second, and whether the one writer keeps up.

Five generated sites (bench/_gensite.py, as bench/crawl.py) are served from memory on 127.0.0.x and a redis-server
of its own (edunews/fixtures/redis_server.py: a free loopback port, nothing saved) holds the frontier. For each
worker count N, one after the other: Redis is emptied, a fresh writer (`edunews store --from`) starts on a fresh
archive, N workers (`edunews crawl SITE... --frontier`, politeness off) start at once on all five sites, and the
bench waits until every worker has exited and the writer's backlog (XLEN of the items stream) is empty, then stops
the writer with SIGTERM. Every ~0.5 s it samples the requests queued and in flight over all sites' frontiers, the
backlog and the writer's stored-article count (and times one PING). A last run (skip with --no-writer-after) crawls
with one worker and starts the writer only once it has exited: the writer's pace with the machine to itself.

Prints per run: wall seconds (workers' start to the last one's exit; "done s": when the last article was stored
with nothing queued or in flight, the rest being the workers noticing the end), pages fetched (the crawl records
the writer stored; also the workers' own last figures), pages/s, the workers' CPU seconds and pages per CPU second,
articles stored, the writer's articles/s (first to last stored article, and over the samples where it had a
backlog, i.e. its pace when not waiting for work), the largest backlog and how long it took to drain after the
last worker exited. Then per run: the pages of each site by worker (do workers share a site, or does each site
stay with one worker?), the cores used by workers, writer, Redis and this process's HTTP servers, Redis commands
per page, the queue and backlog over time; and a check that every run's archive holds the same number of articles.

    python -m bench.distributed [--articles 2000] [--workers 1,2,3]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench._gensite import PER_PAGE, serve_generated, sites_toml
from bench.crawl import FAST
from edunews.fixtures.redis_server import redis_binary, redis_server
from storage import redis_state

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Sample:
    at: float  # seconds since the workers started
    queued: int  # requests in all sites' frontier queues
    in_flight: int  # requests taken by workers and not yet acknowledged
    backlog: int  # XLEN of the items stream: messages the writer has not stored yet
    stored: int  # articles the writer reports stored
    # One Redis round trip from this process, a rough gauge of what each of the workers' synchronous calls costs on
    # a busy machine (high side: this process's HTTP server threads hold the GIL at times).
    ping_ms: float


@dataclass
class Child:
    """A child process whose resource usage is collected with wait4 (Popen's own wait would discard it)."""

    name: str
    process: subprocess.Popen
    status: int | None = None
    cpu: float = 0.0
    ended: float | None = None

    def poll(self, block: bool = False) -> bool:
        """Whether it has exited (reaping it, with its CPU seconds, the first time)."""
        if self.status is None:
            pid, status, usage = os.wait4(self.process.pid, 0 if block else os.WNOHANG)
            if pid == 0:
                return False
            self.status = self.process.returncode = os.waitstatus_to_exitcode(status)
            self.cpu = usage.ru_utime + usage.ru_stime
            self.ended = time.monotonic()
        return True

    def wait(self, timeout: float) -> bool:
        """Whether it exited within `timeout` seconds (Popen.wait would reap it and lose its usage)."""
        deadline = time.monotonic() + timeout
        while not self.poll():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True


@dataclass
class Run:
    workers: int
    writer_after: bool = False  # the writer started once the workers had exited: its pace on an idle machine
    wall: float = 0.0  # workers' start to the last worker's exit
    drained: float = 0.0  # workers' start to an empty backlog
    pages: int = 0
    pages_by_worker: list[int] = field(default_factory=list)
    by_site: dict[str, dict[str, int]] = field(default_factory=dict)  # site -> worker -> pages
    reported_pages: int = 0  # sum of the workers' last heartbeat figures
    worker_cpu: float = 0.0
    writer_cpu: float = 0.0
    redis_cpu: float = 0.0
    bench_cpu: float = 0.0  # this process: mostly the sites' HTTP servers
    redis_commands: int = 0
    articles: int = 0
    statuses: list[int | None] = field(default_factory=list)
    writer_status: int | None = None
    samples: list[Sample] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall if self.wall else 0.0

    def work_done(self) -> float:
        """When the last article was stored with nothing queued or in flight: the rest of the wall time is the
        workers noticing that the crawl is over (and exiting)."""
        final = self.samples[-1] if self.samples else None
        done = self.wall
        for s in reversed(self.samples):
            if s.queued or s.in_flight or s.backlog or s.stored != final.stored:
                break
            done = s.at
        return min(done, self.wall)

    def writer_rates(self) -> tuple[float, float]:
        """Articles/s from the first stored article to the last, and over the intervals that began with a backlog."""
        final = self.samples[-1].stored if self.samples else 0
        if not final:
            return 0.0, 0.0
        # The interval before the first sample with a stored article: that one may have been stored at its start.
        first = next(i for i, s in enumerate(self.samples) if s.stored)
        last = next(i for i, s in enumerate(self.samples) if s.stored == final)
        start = self.samples[max(first - 1, 0)].at
        span = self.samples[last].at - start
        busy_time = busy_stored = 0.0
        running = self.samples[max(first - 1, 0) :]  # not before the writer stored anything (or had started)
        for before, after in zip(running, running[1:], strict=False):
            if before.backlog > 1:  # more than the message in hand: the writer had work waiting all interval
                busy_time += after.at - before.at
                busy_stored += after.stored - before.stored
        return final / span if span > 0 else 0.0, busy_stored / busy_time if busy_time else 0.0


def start(name: str, command: list[str], log: Path) -> Child:
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    return Child(name, process)


def archive_figures(db: Path) -> tuple[int, dict[str, dict[str, int]]]:
    """Articles stored, and pages fetched per site and worker (the crawl records, spider label `spider@worker`)."""
    with sqlite3.connect(db) as conn:
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        rows = conn.execute("select spider, coalesce(pages, 0) from crawls").fetchall()
    by_site: dict[str, dict[str, int]] = {}
    for label, pages in rows:
        site, _, worker = label.partition("@")
        by_site.setdefault(site, {})[worker] = by_site.get(site, {}).get(worker, 0) + pages
    return articles, by_site


def sample(client, at: float) -> Sample:
    pinged = time.perf_counter()
    client.ping()
    ping_ms = (time.perf_counter() - pinged) * 1000
    lengths = redis_state.queue_lengths(client).values()
    figures = redis_state.writer_figures(client) or {}
    return Sample(
        at, sum(q["queued"] for q in lengths), sum(q["in_flight"] for q in lengths),
        client.xlen(redis_state.ITEMS_STREAM), (figures.get("stored") or {}).get("article", 0), ping_ms,
    )


def redis_cpu(client) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def wait_ready(client, writer: Child, timeout: float = 60) -> None:
    """Until the writer has published its (empty) state: workers read it when their spiders open."""
    deadline = time.monotonic() + timeout
    while not (redis_state.writer_figures(client) or {}).get("ready"):
        if writer.poll() or time.monotonic() > deadline:
            raise RuntimeError(f"the writer did not start (exit status {writer.status})")
        time.sleep(0.05)


def one_run(
    count: int, url: str, sites: list[str], sites_file: Path, tmp: Path, options: argparse.Namespace,
    writer_after: bool = False,
) -> Run:
    """Crawl the sites with `count` workers and one writer on a fresh Redis database and a fresh archive (the
    writer started first, or with writer_after once the workers have exited: the stream waits in Redis)."""
    client = redis_state.connect(url)
    client.flushdb()
    run = Run(count, writer_after)
    name = f"{count}{'-writer-after' if writer_after else ''}"
    db = tmp / f"archive-{name}.sqlite"
    for leftover in tmp.glob(f"archive-{name}.sqlite*"):
        leftover.unlink()
    python = [sys.executable, "-m", "edunews"]
    store = [*python, "store", "--from", url, "--db", str(db)]
    writer = None
    if not writer_after:
        writer = start("writer", store, tmp / f"writer-{name}.log")
        wait_ready(client, writer)
    settings = {**FAST, "EDUNEWS_MAX_LISTING_PAGES": str(options.articles // PER_PAGE + 10)}
    # Workers never open an archive: --db names one that must not appear (it would mean a worker wrote locally).
    stray = tmp / f"worker-{name}.sqlite"
    command = [*python, "crawl", *sites, "--sites", str(sites_file), "--frontier", url, "--db", str(stray)]
    for setting, value in settings.items():
        command += ["--set", f"{setting}={value}"]
    for extra in options.extra:
        command += ["--set", extra]
    commands_before = client.info("stats")["total_commands_processed"]
    began, redis_before, bench_before = time.monotonic(), redis_cpu(client), own_cpu()
    workers = [start(f"worker {i + 1}", command, tmp / f"worker-{name}-{i + 1}.log") for i in range(count)]
    try:
        while True:
            tick = time.monotonic()
            done = [w.poll() for w in workers]
            run.samples.append(sample(client, tick - began))
            if all(done):
                run.wall = max(w.ended for w in workers) - began
                if writer is None:
                    writer = start("writer", store, tmp / f"writer-{name}.log")
                    wait_ready(client, writer)
                    continue
                if run.samples[-1].backlog == 0:
                    run.drained = time.monotonic() - began
                    break
            if writer is not None and writer.poll():
                run.problems.append(f"the writer exited early (status {writer.status})")
                break
            if tick - began > options.timeout:
                running = [w.name for w, d in zip(workers, done, strict=True) if not d]
                run.problems.append(f"gave up after {options.timeout:.0f} s: still running {running or 'none'}; "
                                    f"backlog {run.samples[-1].backlog}")
                break
            time.sleep(max(0.0, options.interval - (time.monotonic() - tick)))
    finally:
        for worker in workers:
            if not worker.poll():
                worker.process.kill()
                worker.poll(block=True)
        if writer is not None and not writer.poll():
            writer.process.send_signal(signal.SIGTERM)
            if not writer.wait(60):
                run.problems.append("the writer did not stop within 60 s of SIGTERM")
                writer.process.kill()
                writer.poll(block=True)
    # A run cut short: its figures over the time it had.
    run.drained = run.drained or time.monotonic() - began
    run.wall = run.wall or run.drained
    run.redis_cpu, run.bench_cpu = redis_cpu(client) - redis_before, own_cpu() - bench_before
    # Workers and writer call Redis synchronously: each command is a round trip (and, on a busy machine, a wait).
    run.redis_commands = client.info("stats")["total_commands_processed"] - commands_before
    run.statuses = [w.status for w in workers]
    run.worker_cpu = sum(w.cpu for w in workers)
    if writer is not None:
        run.writer_status, run.writer_cpu = writer.status, writer.cpu
    run.reported_pages = sum(w.get("pages", 0) for w in redis_state.workers(client))
    run.articles, run.by_site = archive_figures(db)
    by_worker: dict[str, int] = {}
    for counts in run.by_site.values():
        for worker, pages in counts.items():
            by_worker[worker] = by_worker.get(worker, 0) + pages
    run.pages = sum(by_worker.values())
    run.pages_by_worker = sorted(by_worker.values(), reverse=True)
    if len(by_worker) != count:
        run.problems.append(f"crawl records name {len(by_worker)} workers, not {count}")
    if stray.exists():
        run.problems.append(f"a worker created an archive of its own ({stray.name})")
    client.close()
    return run


def series(run: Run, rows: int) -> list[str]:
    """The samples thinned to about `rows` lines, always keeping the last."""
    step = max(1, round(len(run.samples) / rows))
    picked = run.samples[::step]
    if picked[-1] is not run.samples[-1]:
        picked.append(run.samples[-1])
    return [f"  {s.at:6.1f} {s.queued:7d} {s.in_flight:9d} {s.backlog:8d} {s.stored:7d} {s.ping_ms:7.2f}"
            for s in picked]


def report(runs: list[Run], expected: int, rows: int) -> bool:
    """Print the figures; whether every run finished cleanly with the same number of articles."""
    print(f"{'workers':>7} {'wall s':>7} {'done s':>6} {'pages':>6} {'pages/s':>8} {'worker CPU s':>12} "
          f"{'pages/CPU s':>11} {'articles':>8} {'writer art/s':>12} {'busy art/s':>10} {'writer CPU s':>12} "
          f"{'max backlog':>11} {'drain s':>7}")
    for run in runs:
        average, busy = run.writer_rates()
        most = max((s.backlog for s in run.samples), default=0)
        print(f"{run.workers:6d}{'*' if run.writer_after else ' '} {run.wall:7.1f} {run.work_done():6.1f} "
              f"{run.pages:6d} {run.pages_per_s:8.1f} {run.worker_cpu:12.1f} "
              f"{run.pages / run.worker_cpu if run.worker_cpu else 0:11.1f} {run.articles:8d} {average:12.1f} "
              f"{busy:10.1f} {run.writer_cpu:12.1f} {most:11d} {run.drained - run.wall:7.1f}")
    for run in runs:
        after = ", writer started after they exited" if run.writer_after else ""
        print(f"\n{run.workers} worker(s){after}: pages per worker {run.pages_by_worker} (crawl records); "
              f"workers' own last figures {run.reported_pages}; exit statuses {run.statuses}, "
              f"writer {run.writer_status}")
        # Up to os.cpu_count() per wall second: how much of the machine each part had.
        cores = {"workers": run.worker_cpu, "writer": run.writer_cpu, "redis": run.redis_cpu,
                 "HTTP servers (this process)": run.bench_cpu}
        shares = ", ".join(f"{name} {cpu / run.drained:.2f}" for name, cpu in cores.items())
        print(f"  cores used over the run: {shares}; all {sum(cores.values()) / run.drained:.2f} of {os.cpu_count()}")
        pings = sorted(s.ping_ms for s in run.samples)
        print(f"  Redis commands: {run.redis_commands} ({run.redis_commands / max(run.pages, 1):.1f} per page); one "
              f"round trip (PING from this process, high side) median {statistics.median(pings):.2f} ms, "
              f"p90 {pings[int(len(pings) * 0.9)]:.2f} ms")
        if run.workers > 1:
            # Whether the workers share each site's pages or each site stays with one worker.
            order = sorted({w for counts in run.by_site.values() for w in counts})
            split = ", ".join(f"{site.removeprefix('bench-')} {'/'.join(str(counts.get(w, 0)) for w in order)}"
                              for site, counts in sorted(run.by_site.items()))
            print(f"  pages per site by worker: {split}")
        for problem in run.problems:
            print(f"  PROBLEM: {problem}")
        print(f"  {'s':>6} {'queued':>7} {'in flight':>9} {'backlog':>8} {'stored':>7} {'ping ms':>7}")
        print("\n".join(series(run, rows)))
    if any(run.writer_after for run in runs):
        print("\n* the writer started once the workers had exited: its art/s is its pace with the machine to itself")
    counts = {run.articles for run in runs}
    same = len(counts) == 1
    print(f"\narticles per run: {[run.articles for run in runs]} ({'the same' if same else 'DIFFERENT'}; "
          f"{expected} generated)")
    clean = all(not run.problems and all(s in (0, 1) for s in run.statuses) for run in runs)
    return same and clean


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,3", help="worker counts to run, in order (default 1,2,3)")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between samples of the queues")
    parser.add_argument("--rows", type=int, default=16, help="about this many lines of each run's time series")
    parser.add_argument("--timeout", type=float, default=600, help="give up on a run after this many seconds")
    parser.add_argument("--no-writer-after", action="store_true",
                        help="skip the last run (1 worker, the writer started after it exits: the writer's own pace)")
    parser.add_argument("--keep", type=Path, help="write the archives and logs to this directory")
    parser.add_argument("--set", dest="extra", action="append", default=[], metavar="NAME=VALUE",
                        help="another Scrapy setting for the workers (to compare one change)")
    options = parser.parse_args()
    binary = redis_binary()
    if binary is None:
        print("skipped: redis-server is not installed (apt-get install redis-server)")
        return 0
    counts = [int(n) for n in options.workers.split(",")]
    with tempfile.TemporaryDirectory() as scratch, redis_server(binary) as url:
        tmp = options.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with serve_generated(options.articles) as sites:
            print(f"generated {options.articles} articles on {len(sites)} sites in {time.monotonic() - started:.1f} s; "
                  f"redis-server at {url}; {os.cpu_count()} cores")
            sites_file = tmp / "bench-sites.toml"
            sites_file.write_text(sites_toml(sites), encoding="utf-8")
            names = [site.name for site in sites]
            runs = []
            for count in counts:
                runs.append(one_run(count, url, names, sites_file, tmp, options))
                print(f"{count} worker(s): {runs[-1].pages} pages in {runs[-1].wall:.1f} s, "
                      f"{runs[-1].articles} articles", flush=True)
            if not options.no_writer_after:
                runs.append(one_run(1, url, names, sites_file, tmp, options, writer_after=True))
                print(f"1 worker, then the writer: {runs[-1].articles} articles stored in "
                      f"{runs[-1].drained - runs[-1].wall:.1f} s after the worker exited", flush=True)
    print()
    return 0 if report(runs, options.articles, options.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
