"""Bench-only timed copies of the item pipelines: CPU time (time.process_time) of each process_item per article.

bench/crawl.py puts these classes in ITEM_PIPELINES for its crawl, in the places of the project's own; normal
runs never load this module. At exit the process writes {"steps": [...], "articles": [[ms per pipeline...], ...]}
to the file named by BENCH_TIMING_FILE.
"""

from __future__ import annotations

import atexit
import json
import os
import time
from array import array
from typing import Any

from scrapy.utils.misc import load_object

from crawler import settings
from crawler.pipelines import ArchiveEnd

# The project's pipelines in their order; each gets a timed copy named Timed<ClassName>.
_ORDERED = sorted(settings.ITEM_PIPELINES.items(), key=lambda pair: pair[1])
STEPS = tuple(path.rsplit(".", 1)[1].removesuffix("Pipeline") for path, _ in _ORDERED)
_open: dict[int, list[float]] = {}  # id(item) -> ms per step so far
# Finished articles' rows, flat: a list of lists would add its own megabytes to the peak RSS being measured.
_done = array("d")


def _timed(base: type, position: int) -> type:
    # The archive's end (the store pipeline, or the stream of a shared crawl: only one is enabled) is an article's
    # last step.
    last = issubclass(base, ArchiveEnd)

    def process_item(self: Any, item: Any, spider: Any = None) -> Any:
        start = time.process_time()
        finished = last
        try:
            return base.process_item(self, item, spider)
        except Exception:
            finished = True  # dropped: the article's path ends here
            raise
        finally:
            spent = (time.process_time() - start) * 1000
            row = _open.setdefault(id(item), [0.0] * len(STEPS))
            row[position] += spent
            if finished:
                _done.extend(_open.pop(id(item)))

    return type(f"Timed{base.__name__}", (base,), {"process_item": process_item})


_CLASSES = {}
ITEM_PIPELINES: dict[str, int] = {}
for _position, (_path, _order) in enumerate(_ORDERED):
    _cls = _timed(load_object(_path), _position)
    _CLASSES[_cls.__name__] = _cls
    ITEM_PIPELINES[f"{__name__}.{_cls.__name__}"] = _order
globals().update(_CLASSES)


def peak_rss_kib() -> int | None:
    """This process's own peak resident set (Linux VmHWM), None elsewhere.

    Not ru_maxrss: Linux carries a process's maxrss across exec, so a child forked from the bench (which holds
    the generated sites in memory) would report the bench's size, not its own.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


@atexit.register
def _write() -> None:
    path = os.environ.get("BENCH_TIMING_FILE")
    if path:
        width = len(STEPS)
        rows = [list(_done[start : start + width]) for start in range(0, len(_done), width)]
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"steps": STEPS, "articles": rows, "peak_rss_kib": peak_rss_kib()}, out)
