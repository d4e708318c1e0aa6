"""Archive bytes per original article, raw pages kept, on sites of varied make: after the crawl and after
`edunews compact`, with each table's share.

    python -m bench.archive_size                       # fixture sites + random sites of seeds 9001-9010
    python -m bench.archive_size --seeds 9001-9030 --no-fixtures

Each archive is one file holding many sites, as an operator's archive does:
  fixture sites   the shipped fixture sites (edunews/fixtures/sites), crawled with their profiles; and again in
                  generic mode (`edunews crawl URL`) into another archive, as sites nobody described
  random sites    the sites of bench/randsites.py's seeds (each one a different mix of real CMS markup, 25-40
                  articles), all served at once, crawled in generic mode, then crawled again (the nightly rerun)
Besides the whole file per original article, "beyond an empty archive" leaves out what an archive without an
article already takes (every table and index has at least one page): that share vanishes at a national archive's
size, and dominates these small ones. bench/crawl.py gives the figures on five large generated sites.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from bench._randsite import generate
from bench.randsites import parse_seeds
from edunews.demo import sites_toml
from edunews.fixtures.server import SITES_ROOT, serve_sites, site_names

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0", "--set", "LOG_LEVEL=WARNING"]


def edunews(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "edunews", *args], cwd=ROOT, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def file_bytes(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if not p.name.endswith(".lock"))


def shares(db: Path) -> str:
    """The largest tables and indexes, as shares of the file."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    total = sum(size for _, size in rows) or 1
    return ", ".join(f"{name} {size / total:.0%}" for name, size in rows[:6])


def empty_archive_bytes(tmp: Path) -> int:
    from storage import Archive

    with Archive(tmp / "empty.sqlite") as archive:
        return archive.file_bytes()


def report(label: str, db: Path) -> None:
    with sqlite3.connect(db) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        articles, originals = one("SELECT count(*) FROM articles"), one(
            "SELECT count(*) FROM articles WHERE duplicate_of IS NULL")
        pages, sites = one("SELECT count(*) FROM pages"), one("SELECT count(DISTINCT site) FROM articles")
    crawled = file_bytes(db)
    edunews("compact", "--db", str(db))
    compacted = file_bytes(db)
    empty = empty_archive_bytes(db.parent)
    print(f"{label}: {sites} sites, {articles} articles ({originals} originals), {pages} raw pages")
    for when, size in (("after the crawl", crawled), ("after compact", compacted)):
        whole, beyond = size / max(originals, 1) / 1024, (size - empty) / max(originals, 1) / 1024
        print(f"  {when + ':':17} {size / 1e6:6.2f} MB, {whole:5.1f} KB per original, {beyond:5.1f} KB beyond an "
              f"empty archive ({empty / 1e6:.2f} MB)")
    print(f"  largest: {shares(db)}")


def fixture_sites(tmp: Path) -> None:
    names = site_names()
    with serve_sites(names) as bases:
        sites_file = tmp / "sites.toml"
        sites_file.write_text(sites_toml(bases, SITES_ROOT), encoding="utf-8")
        edunews("crawl", "--all", "--sites", str(sites_file), "--db", str(tmp / "profiles.sqlite"), *FAST)
        for base in bases.values():
            edunews("crawl", base + "/", "--db", str(tmp / "generic.sqlite"), *FAST)
    report("fixture sites (profiles)", tmp / "profiles.sqlite")
    report("fixture sites (generic mode)", tmp / "generic.sqlite")


def random_sites(tmp: Path, seeds: list[int]) -> None:
    db = tmp / "random.sqlite"
    root = tmp / "random-sites"
    names = []
    for seed in seeds:
        name = f"rand-{seed}"
        generate(seed).write(root / name)
        names.append(name)
    with serve_sites(names, root=root) as bases:
        for _ in range(2):
            for base in bases.values():
                edunews("crawl", base + "/", "--db", str(db), *FAST)
    report(f"random sites (generic mode, seeds {seeds[0]}-{seeds[-1]}, crawled twice)", db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="9001-9010", help="random sites' seeds, e.g. 9001-9030")
    parser.add_argument("--no-fixtures", action="store_true", help="skip the fixture sites")
    parser.add_argument("--keep", type=Path, help="leave the archives in this directory")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = options.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        if not options.no_fixtures:
            fixture_sites(tmp)
        random_sites(tmp, parse_seeds(options.seeds))


if __name__ == "__main__":
    main()
