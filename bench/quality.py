"""Extraction quality on the fixture sites, per CMS family and for generic mode.

    python -m bench.quality            # profiles (one row per family) and generic mode (no profiles)
    python -m bench.quality --show 20  # also print the first 20 mismatches

Serves the fixture sites on loopback, crawls them with `edunews crawl` into temporary archives, and compares the
archives with each site's truth.json (fixture_tools/truth.py). Prints, per family: share of articles found,
titles, dates, authors, sources, summaries exactly right, body token F1, caption recall and precision,
articles with boilerplate leaks, junk rows and duplicates correctly marked.

The sites of families no profile describes (truth family "generic") get their own rows, crawled in generic mode
with family detection on (`detected` says which shipped family, if any, their home page was taken for), and a
second table puts edunews beside trafilatura (`bare_extraction` with metadata) on the same article pages.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from edunews.demo import sites_toml
from edunews.fixtures.server import serve_sites, site_names
from fixture_tools.truth import Figures, compare, load_truth
from fixture_tools.versus import COLUMNS as VERSUS
from fixture_tools.versus import Score, fetch, score_archive, score_trafilatura

ROOT = Path(__file__).resolve().parent.parent

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


def versus_table(rows: dict[str, tuple[Score, Score]]) -> None:
    print("\nedunews vs trafilatura (same article pages; date = the day)")
    print(f"{'site':<22}{'n':>4} " + " ".join(f"{c[:9]:>9}" for c in VERSUS))
    for name, scores in rows.items():
        for who, score in zip(("edunews", "trafilatura"), scores, strict=True):
            row = score.row()
            print(f"{name + ' ' + who[:4]:<22}{row['pages']:>4} " + " ".join(f"{row[c]:>9.3f}" for c in VERSUS))


def detected_family(base: str) -> str:
    """The shipped family generic mode would take the site for, from its home page ('-' for none)."""
    from crawler.extract.detect import detect_family
    from crawler.html import parse_document
    from spiders.profiles import families

    found = detect_family(parse_document(fetch(base + "/")), families().values())
    return found.name if found is not None else "-"


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
        # Families no profile describes: generic mode only, family detection on, one row per site.
        unseen = [n for n in names if load_truth(n)["family"] == "generic"]
        versus: dict[str, tuple[Score, Score]] = {}
        for name in unseen:
            db = Path(tmp) / f"unseen-{name}.sqlite"
            crawl([bases[name] + "/"], db)
            label = f"{name} [{detected_family(bases[name])}]"
            rows[label] = compare(str(db), {name: bases[name]})["generic"]
            versus[name] = (score_archive(str(db), name, bases[name]), score_trafilatura(name, bases[name]))
    table(rows)
    if unseen:
        print("(unseen families: site [shipped family detected, '-' for none])")
        versus_table(versus)
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
