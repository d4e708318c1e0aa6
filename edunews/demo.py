"""`edunews demo`: the built-in fixture sites, served on loopback, crawled into an archive, summarised."""

from __future__ import annotations

import json
import sys
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path

import click

from edunews import run
from edunews.fixtures.server import SITES_ROOT, serve_sites, site_names
from edunews.lock import ArchiveLocked

DEMO_PORT = 8808
# Loopback is fast and ours: no need for the politeness delays that real servers get.
DEMO_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    "LOG_LEVEL": "WARNING",  # the summary below is the demo's report; warnings still show
}


def _toml_value(value) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def sites_toml(bases: Mapping[str, str], root: Path = SITES_ROOT) -> str:
    """A sites file for the served fixture sites: each site's own site.toml with the address it got."""
    lines: list[str] = []
    for name, base in bases.items():
        profile = tomllib.loads((root / name / "site.toml").read_text(encoding="utf-8"))
        for site in profile.get("site", []):
            site = {**site, "base_url": base.rstrip("/") + "/"}
            tables = {k: v for k, v in site.items() if isinstance(v, dict)}
            lines.append("[[site]]")
            for key, value in site.items():
                if key not in tables:
                    lines.append(f"{key} = {_toml_value(value)}")
            for key, table in tables.items():
                lines.append(f"[site.{key}]")
                lines.extend(f"{k} = {_toml_value(v)}" for k, v in table.items())
            lines.append("")
    return "\n".join(lines)


def run_demo(db: str, port: int | None = None) -> int:
    names = site_names()
    # Port 0: any free ports (tests); otherwise a fixed one, so that reruns see the same URLs and stay idempotent.
    port = None if port == 0 else (port or DEMO_PORT)
    with serve_sites(names, port=port) as servers, tempfile.TemporaryDirectory() as tmp:
        sites_file = Path(tmp) / "demo-sites.toml"
        sites_file.write_text(sites_toml(dict(servers)), encoding="utf-8")
        click.echo(f"Serving {len(names)} demo sites on loopback:", err=True)
        for name in names:
            click.echo(f"  {name:<16} {servers[name]}", err=True)
        settings = run.project_settings(db, [str(sites_file)], DEMO_SETTINGS)
        try:
            outcomes = run.run_crawls(settings, [(name, {}) for name in names])
        except ArchiveLocked as exc:
            click.echo(f"edunews: {exc}", err=True)
            return run.EXIT_LOCKED
    for outcome in outcomes:
        click.echo(outcome.summary(), err=True)
    print_summary(db)
    failed = [o for o in outcomes if o.status in ("failed", "interrupted")]
    return run.EXIT_FAILED if failed else run.EXIT_OK


def print_summary(db: str) -> None:
    from storage import Archive

    archive = Archive(db)
    try:
        rows = archive.stats()
    finally:
        archive.close()
    click.echo("")
    header = (
        f"{'site':<16} {'articles':>8} {'duplicates':>10} {'dated':>6} {'authors':>7} {'images':>6} "
        f"{'captions':>8}"
    )
    click.echo(header)
    click.echo("-" * len(header))
    for row in rows:
        click.echo(
            f"{row['site']:<16} {row['articles']:>8} {row['duplicates']:>10} {row['with_date']:>6} "
            f"{row['with_author']:>7} {row['images']:>6} {row['captions']:>8}"
        )
    click.echo("")
    click.echo(f"Archive: {db}")
    edunews = Path(sys.executable).parent / "edunews"
    command = str(edunews) if edunews.exists() else "edunews"
    if edunews.exists() and Path.cwd() in edunews.parents:
        command = str(edunews.relative_to(Path.cwd()))
    click.echo(f"Browse it:  {command} serve --db {db}   (Datasette with search, facets and canned queries)")
    click.echo(f"Search it:  {command} search 'dao tao' --db {db}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_demo("archive.sqlite"))
