"""Extraction quality on the fixture sites, per CMS family and for generic mode.

    python bench/quality.py            # profiles (one row per family) and generic mode (no profiles)
    python bench/quality.py --show 20  # also print the first 20 mismatches

Serves the fixture sites on loopback, crawls them with `edunews crawl` into temporary archives, and compares the
archives with each site's truth.json (edunews/fixtures/truth.py). Prints, per family: share of articles found,
titles, dates, authors, sources, summaries exactly right, body token F1, caption recall and precision,
articles with boilerplate leaks, junk rows and duplicates correctly marked.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edunews.demo import sites_toml  # noqa: E402
from edunews.fixtures.server import serve_sites, site_names  # noqa: E402
from edunews.fixtures.truth import Figures, compare  # noqa: E402

FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0", "--set", "LOG_LEVEL=WARNING"]
COLUMNS = ("found", "title", "date", "author", "source", "summary", "body_f1", "caption_recall",
           "caption_precision", "leaks", "junk_rows", "duplicates")


def crawl(args: list[str], db: Path) -> None:
    command = [sys.executable, "-m", "edunews", "crawl", *args, "--db", str(db), *FAST]
    subprocess.run(command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def table(rows: dict[str, Figures]) -> None:
    print(f"{'family':<16}{'n':>4} " + " ".join(f"{c[:9]:>9}" for c in COLUMNS))
    for name, figures in rows.items():
        row = figures.row()
        cells = []
        for column in COLUMNS:
            value = row[column]
            cells.append(f"{value:>9d}" if isinstance(value, int) else f"{value:>9.3f}")
        print(f"{name:<16}{row['articles']:>4} " + " ".join(cells))


def _merge(parts) -> Figures:
    merged = Figures()
    for figures in parts:
        for name, value in vars(figures).items():
            setattr(merged, name, getattr(merged, name) + value)
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", type=int, default=0, help="print this many mismatches")
    parser.add_argument("--no-generic", action="store_true", help="skip the generic-mode crawl")
    options = parser.parse_args()
    names = site_names()
    with serve_sites(names) as servers, tempfile.TemporaryDirectory() as tmp:
        bases = {name: servers[name] for name in names}
        sites_file = Path(tmp) / "sites.toml"
        sites_file.write_text(sites_toml(bases), encoding="utf-8")
        profiled = Path(tmp) / "profiles.sqlite"
        crawl([*names, "--sites", str(sites_file)], profiled)
        rows = compare(str(profiled), bases)
        if not options.no_generic:
            generic_db = Path(tmp) / "generic.sqlite"
            crawl([bases[n] + "/" for n in names], generic_db)
            generic = compare(str(generic_db), bases)
            merged = _merge(generic.values())
            rows["generic mode"] = merged
            # Generic rules alone, as on a site whose CMS we do not ship.
            bare_db = Path(tmp) / "bare.sqlite"
            crawl([*(bases[n] + "/" for n in names), "--set", "EDUNEWS_DETECT_FAMILY=False"], bare_db)
            rows["generic, no family"] = _merge(compare(str(bare_db), bases).values())
    table(rows)
    if options.show:
        shown = 0
        for name, figures in rows.items():
            for mismatch in figures.mismatches:
                if shown >= options.show:
                    break
                print(f"[{name}] {mismatch}")
                shown += 1


if __name__ == "__main__":
    main()
