"""What the benches on pages nobody in this project wrote share: reading a corpus from a work tree or a bare git
directory, edunews's extraction and trafilatura's on one HTML string, text normalisation, timing, a small pool.

edunews runs as `edunews extract FILE --url URL` does by default: no site profile, the shipped families tried
on the page (crawler/extract/detect.py), else the generic rules; the record is the item the pipelines would store.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class Corpus:
    """Files of a repository checkout, or of the HEAD commit of a (bare) git directory, read by relative path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = not (path / "objects").is_dir() or (path / ".git").exists()
        self._batch: subprocess.Popen[bytes] | None = None

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None, marker: str) -> Corpus | None:
        """The corpus at path if `marker` (a file path inside it) is there, else None (not fetched: skip)."""
        if not path:
            return None
        corpus = cls(Path(path).expanduser())
        return corpus if corpus.path.exists() and corpus.read(marker) is not None else None

    def read(self, relpath: str) -> bytes | None:
        if self.tree:
            try:
                return (self.path / relpath).read_bytes()
            except OSError:
                return None
        # One `git cat-file --batch` for the whole run: a `git show` per page costs a process each.
        if self._batch is None:
            self._batch = subprocess.Popen(["git", "-C", str(self.path), "cat-file", "--batch"],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(f"HEAD:{relpath}\n".encode())
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) < 3 or header[-1] == b"missing":
            return None
        data = self._batch.stdout.read(int(header[2]))
        self._batch.stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        if self._batch is not None:
            assert self._batch.stdin is not None
            self._batch.stdin.close()
            self._batch.wait()
            self._batch = None


    def version(self) -> str:
        """The commit the files come from (git), else the newest modification time among the top-level entries."""
        if not self.tree or (self.path / ".git").exists():
            try:
                done = subprocess.run(["git", "-C", str(self.path), "rev-parse", "HEAD"], capture_output=True,
                                      check=True)
                return done.stdout.decode().strip()
            except (OSError, subprocess.CalledProcessError):
                pass
        return str(max((p.stat().st_mtime for p in self.path.iterdir()), default=0))


# trafilatura's figures change only with its version or the corpus: kept outside the repository for bench/unseen.py.
CACHE = Path(os.environ.get("EDUNEWS_BENCH_CACHE") or Path.home() / ".cache" / "edunews-bench")


def _cache_key(corpus: Corpus) -> str:
    from importlib.metadata import version

    return f"{corpus.version()} trafilatura {version('trafilatura')}"


def cache_put(name: str, corpus: Corpus, figures: dict[str, Any]) -> None:
    try:
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / f"{name}.json").write_text(json.dumps({"key": _cache_key(corpus), "figures": figures}),
                                            encoding="utf-8")
    except OSError:
        pass  # a cache only


def cache_get(name: str, corpus: Corpus) -> dict[str, Any] | None:
    """trafilatura's figures from the last run on this very corpus and trafilatura version, else None."""
    try:
        stored = json.loads((CACHE / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored["figures"] if stored.get("key") == _cache_key(corpus) else None


def corpus_path(option: str | None, env: str, default: str) -> Path:
    """--repo, else the environment variable, else the default (relative to the repository root)."""
    chosen = option or os.environ.get(env) or default
    path = Path(chosen).expanduser()
    return path if path.is_absolute() else (ROOT / path)


def norm(text: str | None) -> str:
    """NFC with whitespace folded to single spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def decode(body: bytes) -> str:
    """Bytes to text as a crawl would decode them (BOM, meta charset, then detection)."""
    from edunews.extract import decode as edunews_decode

    return edunews_decode(body)


def edunews_record(html: str, url: str) -> dict[str, Any]:
    """The record `edunews extract` prints for this page (family detection on, no profile); {} if it raises."""
    from edunews.extract import extract
    from spiders.profiles import choose_rules

    try:
        return extract(html, url, choose_rules(html, None, None))
    except Exception as exc:  # a crash is an empty page for the scores, named in the record
        return {"error": f"{type(exc).__name__}: {exc}"}


def trafilatura_text(html: str | bytes, **options: Any) -> str:
    """trafilatura.extract's text ('' for None)."""
    import trafilatura

    try:
        return trafilatura.extract(html, **options) or ""
    except Exception:  # as the benchmarks do: a crash is an empty answer
        return ""


def trafilatura_fields(html: str, url: str) -> dict[str, Any]:
    """bare_extraction with metadata as a dict ({} for nothing)."""
    import trafilatura

    try:
        result = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    except Exception:
        return {}
    if result is None:
        return {}
    return result if isinstance(result, dict) else result.as_dict()


def timed(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """(result, milliseconds of wall time)."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000


def warm_up() -> None:
    """Pay the imports and the first-call compilations before any page is timed."""
    words = "chữ " * 60
    page = f"<html><head><title>t</title></head><body><article><h1>t</h1><p>{words}</p></article></body></html>"
    edunews_record(page, "http://localhost/a.html")
    trafilatura_text(page)


def pool_map(function: Callable[[Any], Any], items: Iterable[Any], workers: int = 2) -> Iterator[Any]:
    """function over items in order, on a pool of `workers` processes (1: in this process)."""
    if workers <= 1:
        warm_up()
        yield from map(function, items)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=warm_up) as pool:
        yield from pool.map(function, items, chunksize=4)
