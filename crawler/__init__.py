"""edunews's crawling: Scrapy settings, items, extraction functions and components.

The design keeps three top-level packages, `crawler`, `spiders` and `storage`. Installed into a shared
site-packages, another distribution's module of the same name could be found first; importing this package checks
that all three are this project's, and says which is not (edunews/__init__.py checks this package itself).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

TOP_LEVEL = ("crawler", "spiders", "storage")
_ROOT = Path(__file__).resolve().parent.parent


def foreign_modules() -> list[str]:
    """The top-level names that resolve to a module other than this project's (with where they were found)."""
    found = []
    for name in TOP_LEVEL:
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin).resolve() if spec is not None and spec.origin else None
        if origin != _ROOT / name / "__init__.py":
            found.append(f"{name!r} at {origin}")
    return found


def check_layout() -> None:
    foreign = foreign_modules()
    if foreign:
        raise ImportError(
            f"edunews needs its own top-level packages {', '.join(TOP_LEVEL)}, but found {'; '.join(foreign)} "
            f"(another distribution's module of the same name?); install edunews in a virtualenv of its own"
        )


check_layout()
