"""The `edunews` command: crawl sites into the archive, list sites, run the demo, search the archive."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from edunews import run

DB_HELP = "SQLite archive (default: $EDUNEWS_DB or ./archive.sqlite)"


def default_db() -> str:
    return os.environ.get("EDUNEWS_DB", "archive.sqlite")


db_option = click.option("--db", "db", type=click.Path(dir_okay=False), default=None, help=DB_HELP)
sites_option = click.option(
    "--sites", "sites_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
    help="A TOML file of [[site]] profiles to use beside the packaged ones (repeatable).",
)


@contextmanager
def operator_errors() -> Iterator[None]:
    """What the operator asked for cannot be done: say why, and exit with the documented status (2: configuration,
    a broken sites file or family included; 3: the archive is locked by another run)."""
    from edunews.lock import ArchiveLocked
    from spiders.profiles import ProfileError

    try:
        yield
    except (run.ConfigError, ProfileError) as exc:
        click.echo(f"edunews: {exc}", err=True)
        sys.exit(run.EXIT_CONFIG)
    except ArchiveLocked as exc:
        click.echo(f"edunews: {exc}", err=True)
        sys.exit(run.EXIT_LOCKED)


def existing_archive(db: str | None) -> str:
    """The archive's path (--db, else the default); a command that reads it stops with status 2 when it is missing."""
    path = db or default_db()
    if not os.path.exists(path):
        click.echo(f"edunews: no archive at {path}", err=True)
        sys.exit(run.EXIT_CONFIG)
    return path


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="edunews")
def cli() -> None:
    """edunews: a clean, deduplicated, searchable archive of Vietnamese education news."""


@cli.command()
@click.argument("targets", nargs=-1)
@click.option("--all", "crawl_all", is_flag=True, help="Crawl every configured site.")
@db_option
@sites_option
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop each crawl after N responses.")
@click.option("--url", "only_url", help="Refetch and re-archive this one article URL of the site.")
@click.option("--refresh", is_flag=True, help="Refetch articles the archive already holds.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Keep only articles published on or after this day.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Keep only articles published on or before this day.")
@click.option("--set", "set_options", multiple=True, metavar="NAME=VALUE", help="Any Scrapy setting.")
@click.option(
    "--log-file", type=click.Path(dir_okay=False), default=None,
    help="Write the log to this file, rotated at 10 MB, 5 kept (EDUNEWS_LOG_MAX_BYTES, EDUNEWS_LOG_BACKUPS); "
    "stderr then gets only errors and the summary.",
)
@click.option(
    "--frontier", metavar="redis://HOST:PORT/N", default=None,
    help="Work on a crawl shared through this Redis (EDUNEWS_FRONTIER); items go to `edunews store`, not --db.",
)
@click.option("-v", "--verbose", is_flag=True, help="Debug log lines.")
def crawl(
    targets, crawl_all, db, sites_files, max_pages, only_url, refresh, since, until, set_options, log_file, frontier,
    verbose,
) -> None:
    """Crawl sites by name, or any site by URL (generic mode), into the archive.

    \b
      edunews crawl gialai moet
      edunews crawl --all --db /srv/edunews/archive.sqlite
      edunews crawl https://thcs-example.edu.vn/
      edunews crawl moet --url 'https://moet.gov.vn/tintuc/Pages/tin-tong-hop.aspx?ItemID=8979'
      edunews crawl gialai --since 2022-07-01 --until 2022-07-31
      edunews crawl --all --log-file /var/log/edunews/crawl.log
      edunews crawl --all --frontier redis://10.0.0.5:6379/0   (one of several workers)
    """
    with operator_errors():
        overrides = run.parse_set_options(set_options)
        if verbose:
            overrides["LOG_LEVEL"] = "DEBUG"
        if frontier:
            overrides["EDUNEWS_FRONTIER"] = run.frontier_address(frontier)
        overrides.update(run.incremental_settings(refresh, since, until))
        if log_file:
            from edunews.logfile import log_settings

            overrides.update(log_settings(log_file))
        settings = run.project_settings(db or default_db(), sites_files, overrides, max_pages)
        targets = list(targets)
        if crawl_all:
            from spiders.loader import SiteSpiderLoader

            targets += [n for n in SiteSpiderLoader(settings).profiles if n not in targets]
        if not targets:
            raise run.ConfigError("name a site, give a URL, or use --all")
        jobs = []
        for target in targets:
            if target.startswith(("http://", "https://")):
                jobs.append(("generic", {"start_url": target}))
            else:
                jobs.append((target, {"url": only_url} if only_url else {}))
        outcomes = run.run_crawls(settings, jobs)
    for outcome in outcomes:
        click.echo(outcome.summary(), err=True)
    sys.exit(run.exit_status(outcomes))


@cli.command()
@sites_option
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per site.")
def sites(sites_files, db, as_json) -> None:
    """List the configured sites: name, family, base URL, title, and articles archived (when the archive exists)."""
    from spiders.profiles import load_sites

    with operator_errors():
        profiles = load_sites(sites_files)
    from storage.reader import articles_per_site

    counts = articles_per_site(db or default_db())
    for profile in profiles.values():
        archived = counts.get(profile.name, 0)
        if as_json:
            row = profile.site_row() | {
                "start_urls": profile.absolute_start_urls(),
                "verified": profile.verified,
                "articles": archived,
            }
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            mark = "" if profile.verified else "  (not verified live)"
            click.echo(
                f"{profile.name:<16} {profile.family:<15} {archived:>6}  {profile.base_url:<32} {profile.title}{mark}"
            )


@cli.command()
@db_option
@click.option("--port", type=int, default=None, help="Serve the demo sites on this port (default 8808).")
def demo(db, port) -> None:
    """Serve the built-in demo sites on loopback, crawl them all into the archive, print a summary."""
    from edunews.demo import run_demo

    sys.exit(run_demo(db or default_db(), port=port))


@cli.command()
@click.argument("query")
@db_option
@click.option("--site", help="Only this site.")
@click.option("--limit", type=int, default=20, show_default=True)
def search(query, db, site, limit) -> None:
    """Full-text search of the archive; works with or without diacritics ('dao tao' finds 'đào tạo')."""
    from storage import Archive
    from storage import search as search_archive

    path = existing_archive(db)
    archive = Archive(path)
    try:
        for row in search_archive(archive.db, query, limit=limit, site=site):
            click.echo(f"{row.get('published_at') or '':<25} {row.get('site'):<16} {row.get('title')}")
    finally:
        archive.close()


@cli.command("extract")
@click.argument("source")
@click.option("--url", "page_url", help="The page's address, when SOURCE is a saved file (resolves links).")
@click.option("--site", help="Use this configured site's profile.")
@click.option("--family", help="Use this CMS family (default: recognised from the page, else generic).")
@sites_option
def extract_command(source, page_url, site, family, sites_files) -> None:
    """Run the whole extraction on one page (a saved file or a URL) and print the item as JSON."""
    from edunews.extract import decode, extract
    from spiders.profiles import choose_rules, families, load_sites

    with operator_errors():
        profiles = load_sites(sites_files)
        if site and site not in profiles:
            raise run.ConfigError(f"no site named {site!r}")
        if family and family not in families():
            raise run.ConfigError(f"no family named {family!r} ({', '.join(families())})")
    if source.startswith(("http://", "https://")):
        from crawler.settings import USER_AGENT
        from edunews.probe import Fetcher

        # As `edunews probe` and a crawl do: our User-Agent, and robots.txt obeyed.
        fetcher = Fetcher(source, limit=2)
        if not fetcher.robots.can_fetch(USER_AGENT, source):
            click.echo(f"edunews: the site's robots.txt does not allow fetching {source}", err=True)
            sys.exit(run.EXIT_CONFIG)
        fetched = fetcher.get(source)
        if fetched is None:
            click.echo(f"edunews: could not fetch {source}", err=True)
            sys.exit(run.EXIT_FAILED)
        final_url, html = fetched
        page_url = page_url or final_url
    else:
        try:
            with open(source, "rb") as handle:
                html = decode(handle.read())
        except OSError as exc:
            click.echo(f"edunews: {exc}", err=True)
            sys.exit(run.EXIT_CONFIG)
        page_url = page_url or f"http://localhost/{os.path.basename(source)}"
    rules = choose_rules(html, family, profiles[site].rules if site else None)
    record = extract(html, page_url, rules, site)
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))


@cli.command("store")
@click.option("--from", "source", required=True, metavar="redis://HOST:PORT/N", help="The shared crawl's Redis.")
@db_option
def store_command(source, db) -> None:
    """The one writer of a shared crawl: store the workers' articles into the archive until SIGTERM or SIGINT.

    \b
      edunews store --from redis://10.0.0.5:6379/0 --db /srv/edunews/archive.sqlite
      edunews crawl --all --frontier redis://10.0.0.5:6379/0     (on each worker machine)
    """
    from edunews.lock import archive_lock
    from edunews.store import store_from

    path = db or default_db()
    with operator_errors():
        url = run.frontier_address(source)
        with archive_lock(path):
            writer = store_from(url, path)
    figures = ", ".join(f"{count} {kind}" for kind, count in sorted(writer.stored.items()))
    click.echo(f"stored {figures or 'nothing'}; stopped after message {writer.position}", err=True)


@cli.command()
@db_option
@sites_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per site.")
@click.option("--frontier", metavar="redis://HOST:PORT/N", default=None, help="Also show a shared crawl's workers.")
def status(db, sites_files, as_json, frontier) -> None:
    """Per site: the last run (time, status), articles archived, newest article, last run's errors, health."""
    from dataclasses import asdict

    from edunews.status import HEADER, render_shared, shared_crawl, site_statuses
    from spiders.profiles import load_sites

    path = db or default_db()
    archived = os.path.exists(path)
    if not archived and not frontier:
        existing_archive(db)  # says there is none, and stops
    with operator_errors():
        configured = list(load_sites(sites_files)) if sites_files else []
        report = shared_crawl(run.frontier_address(frontier)) if frontier else None
    if archived:
        rows = site_statuses(path, configured)
        if not as_json:
            click.echo(HEADER)
        for row in rows:
            click.echo(json.dumps(asdict(row), ensure_ascii=False) if as_json else row.line())
    if report is not None:
        click.echo(json.dumps(report, ensure_ascii=False) if as_json else render_shared(report))


@cli.command()
@click.argument("url")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def probe(url, db, as_json) -> None:
    """Fetch a site's home page, one listing and one article; report the matching family and the fields found,
    and what the archive learned of the site when it has."""
    from edunews.learn import learned_report
    from edunews.probe import probe as run_probe
    from edunews.probe import render
    from spiders.profiles import families

    report = run_probe(url, families())
    report["learned"] = learned_report(db or default_db(), url)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else render(report))
    if report.get("home") is None:
        sys.exit(run.EXIT_CONFIG)


@cli.command("learn")
@click.argument("url")
@db_option
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Write the entry here (default: stdout).")
@click.option("--name", default=None, help="Site name in the entry (default: from the host).")
def learn_command(url, db, output, name) -> None:
    """Learn a site's template from the archive's stored pages of it; print it as a [[site]] entry.

    \b
      edunews crawl https://thcs-example.edu.vn/
      edunews learn https://thcs-example.edu.vn/ --output thcs-example.toml
      edunews crawl --sites thcs-example.toml thcs-example-edu-vn
    """
    from edunews.learn import LearnError, learn_entry

    try:
        entry = learn_entry(db or default_db(), url, name)
    except LearnError as exc:
        click.echo(f"edunews: {exc}", err=True)
        sys.exit(run.EXIT_CONFIG)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(entry)
    else:
        click.echo(entry, nl=False)


@cli.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
def serve_command(db, host, port) -> None:
    """Browse the archive with Datasette: metadata, diacritic-aware search, canned queries."""
    from edunews.serve import serve

    path = existing_archive(db)
    serve(path, host=host, port=port)


@cli.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only articles published on or after this day.")
@click.option("--site", help="Only this site's articles (site key).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
def export_command(db, fmt, since, site, output) -> None:
    """Export articles as JSON lines or CSV, oldest first."""
    from edunews.export import write
    from storage.reader import export_rows

    path = existing_archive(db)
    records = export_rows(path, since=since.strftime("%Y-%m-%d") if since else None, site=site)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as out:
            write(out, fmt, records)
    else:
        write(sys.stdout, fmt, records)


@cli.command("reparse")
@db_option
@sites_option
@click.option("--site", help="Only this site's pages (site key).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only pages fetched on or after this day.")
@click.option(
    "--frontier", metavar="redis://HOST:PORT/N", default=None,
    help="Queue the pages in this Redis for `edunews reparse --work` workers; `edunews store` stores the results.",
)
@click.option("--work", is_flag=True, help="Be a worker of the reparse queued in --frontier (needs no archive).")
@click.option(
    "--worker-timeout", type=click.IntRange(min=1), default=30, show_default=True,
    help="With --work: seconds without a heartbeat after which this worker's jobs go to the others.",
)
def reparse_command(db, sites_files, site, since, frontier, work, worker_timeout) -> None:
    """Re-run extraction over the archive's stored pages, without the network (after an extraction fix).

    \b
      edunews reparse --db archive.sqlite                                  (here, into the archive)
      edunews reparse --db archive.sqlite --frontier redis://10.0.0.5:6379/0   (queue the pages)
      edunews reparse --work --frontier redis://10.0.0.5:6379/0            (on each worker machine)
      edunews store --from redis://10.0.0.5:6379/0 --db archive.sqlite     (the one writer)
    """
    from edunews import reparse as reparsing

    day = since.strftime("%Y-%m-%d") if since else None
    try:
        url = run.frontier_address(frontier) if frontier else None
    except run.ConfigError as exc:
        click.echo(f"edunews: {exc}", err=True)
        sys.exit(run.EXIT_CONFIG)
    if work:
        if url is None:
            click.echo("edunews: --work needs --frontier redis://HOST:PORT/N", err=True)
            sys.exit(run.EXIT_CONFIG)
        import logging

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
        result = reparsing.work(url, sites_files=sites_files, timeout=worker_timeout)
        click.echo(
            f"reparsed {result.pages} pages: {result.sent} sent to the writer; "
            f"{result.skipped} skipped; {result.errors} errors"
        )
        return
    path = existing_archive(db)
    if url is not None:
        queued = reparsing.queue_pages(path, url, site=site, since=day)
        click.echo(f"queued {queued} pages for reparse workers")
        return
    result = reparsing.reparse(path, site=site, since=day, sites_files=sites_files)
    figures = ", ".join(f"{count} {status}" for status, count in sorted(result.statuses.items()))
    click.echo(f"reparsed {result.pages} pages: {figures or 'nothing stored'}; {result.skipped} skipped")


@cli.command("export-warc")
@click.argument("output", type=click.Path(dir_okay=False, writable=True))
@db_option
def export_warc_command(output, db) -> None:
    """Write the archive's stored pages as a WARC file (gzip records)."""
    from edunews.warc import export_warc

    path = existing_archive(db)
    click.echo(f"{export_warc(path, output)} pages written to {output}")


@cli.command("compact")
@db_option
@click.option("--site", default=None, help="Only this site's raw pages (the search index and VACUUM still run).")
def compact_command(db, site) -> None:
    """Make the archive smaller: every raw page onto its site's zstd dictionary (trained or retrained where that
    pays; old zlib pages included), older articles' HTML packed against their text, unused dictionaries dropped,
    the search index merged, PRAGMA optimize and VACUUM. Takes the archive's lock, so it never runs during a crawl;
    VACUUM needs free disk as large as the archive. Safe to interrupt: what is done stays done.

    \b
      edunews compact --db archive.sqlite
    """
    from edunews.lock import archive_lock
    from storage import Archive

    path = existing_archive(db)
    with operator_errors(), archive_lock(path), Archive(path) as archive:
        report = archive.compact(site)
    for done in report["sites"]:
        trained = "new dictionary, " if done.trained else ""
        click.echo(f"{done.site}: {trained}{done.moved} pages recompressed")
    before, after = report["bytes_before"], report["bytes_after"]
    saved = (before - after) / before if before else 0.0
    click.echo(
        f"archive: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB ({saved:.0%} saved); "
        f"{report['dictionaries_dropped']} unused dictionaries dropped, {report['html_packed']} articles' HTML packed"
    )


def main() -> None:
    cli(prog_name="edunews")


if __name__ == "__main__":
    main()
