"""What crawl workers and the single writer share through Redis: key names, messages, published state.

Knows nothing of Scrapy (crawler/frontier.py holds the Scrapy side) and nothing of SQLite (edunews/store.py is the
writer). Every key starts with `edunews:`, so one Redis database can also serve other programs.

- Frontier of one site's crawl (scheduler and duplicate filter of scrapy-redis, crawler/frontier.py):
  `edunews:site:{site}:requests` (sorted set), `…:seen` (fingerprints), `…:inflight:{worker}` (requests a worker
  took and has not finished: they go back to the queue when the worker dies), `…:workers` (who joined),
  `…:lock` (joining and leaving a crawl, one worker at a time).
- Workers: `edunews:workers` (hash worker -> JSON figures) and `edunews:worker:{worker}:alive` (expires unless
  the worker beats).
- Finished items and other writes for the archive: the stream `edunews:items`, read by the one writer.
- State the writer publishes for the workers: `edunews:site:{site}:known` (stored article URLs),
  `edunews:validators` (url -> ETag and Last-Modified), `edunews:site:{site}:memory` (generic mode's URL memory),
  `edunews:site:{site}:learned` (a learned template), and `edunews:writer` (its own figures).
- Per-host politeness across all workers: `edunews:host:{host}:next` (when the next request to the host may go).
- A fanned-out reparse's jobs: `edunews:reparse:…` (storage/reparse_jobs.py).
"""

from __future__ import annotations

import functools
import json
import os
import socket
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PREFIX = "edunews:"
ITEMS_STREAM = PREFIX + "items"
WORKERS = PREFIX + "workers"
VALIDATORS = PREFIX + "validators"
WRITER = PREFIX + "writer"
# A worker that has not beaten for this long is dead: its requests in flight go back to the queue.
WORKER_TIMEOUT = 30


@functools.cache
def shared_client(url: str):
    """One client (one connection pool) per Redis URL for the whole process: every crawler's components share it."""
    return connect(url)


def connect(url: str):
    """A Redis client for a redis:// URL (bytes in, bytes out)."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30)
    client.ping()
    return client


def worker_name() -> str:
    """host:pid, unique among the workers of one Redis."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class SiteKeys:
    """The keys of one site's crawl frontier and published state."""

    site: str

    @property
    def base(self) -> str:
        return f"{PREFIX}site:{self.site}:"

    @property
    def requests(self) -> str:
        return self.base + "requests"

    @property
    def seen(self) -> str:
        return self.base + "seen"

    @property
    def workers(self) -> str:
        return self.base + "workers"

    @property
    def lock(self) -> str:
        return self.base + "lock"

    def inflight(self, worker: str) -> str:
        return f"{self.base}inflight:{worker}"

    @property
    def link_dates(self) -> str:
        """Generic mode: the best date a listing showed beside each link (for pages held by any worker)."""
        return self.base + "link_dates"

    @property
    def known(self) -> str:
        return self.base + "known"

    @property
    def memory(self) -> str:
        return self.base + "memory"

    @property
    def learned(self) -> str:
        return self.base + "learned"


def alive_key(worker: str) -> str:
    return f"{PREFIX}worker:{worker}:alive"


def host_key(host: str) -> str:
    return f"{PREFIX}host:{host}:next"


# -- Workers ---------------------------------------------------------------------------------------------------


def beat(client, worker: str, figures: Mapping[str, Any], timeout: int = WORKER_TIMEOUT) -> None:
    """A worker is alive (for `timeout` seconds more) and its figures are these."""
    pipe = client.pipeline()
    pipe.set(alive_key(worker), "1", ex=max(1, int(timeout)))
    pipe.hset(WORKERS, worker, json.dumps({**figures, "heartbeat": time.time()}, ensure_ascii=False))
    pipe.execute()


def is_alive(client, worker: str) -> bool:
    return bool(client.exists(alive_key(worker)))


def workers(client) -> list[dict[str, Any]]:
    """Every worker that ever beat: its figures, whether it is alive and how long since its last beat."""
    now = time.time()
    found = []
    for name, raw in sorted(client.hgetall(WORKERS).items()):
        name = name.decode()
        figures = json.loads(raw)
        figures.update(worker=name, alive=is_alive(client, name), seconds_since=round(now - figures["heartbeat"], 1))
        found.append(figures)
    return found


def queue_lengths(client) -> dict[str, dict[str, int]]:
    """Per site with a frontier in Redis: requests queued and in flight."""
    found: dict[str, dict[str, int]] = {}
    for key in client.scan_iter(match=f"{PREFIX}site:*:requests", count=500):
        site = key.decode()[len(PREFIX) + 5 : -len(":requests")]
        found.setdefault(site, {"queued": 0, "in_flight": 0})["queued"] = client.zcard(key)
    for key in client.scan_iter(match=f"{PREFIX}site:*:inflight:*", count=500):
        site = key.decode()[len(PREFIX) + 5 :].split(":inflight:")[0]
        found.setdefault(site, {"queued": 0, "in_flight": 0})["in_flight"] += client.hlen(key)
    return found


# -- Messages to the writer ------------------------------------------------------------------------------------


def message_fields(kind: str, data: Mapping[str, Any], body: bytes | None = None) -> dict[str, Any]:
    """A message's stream fields (also appended by storage/reparse_jobs.py's script)."""
    fields: dict[str, Any] = {"kind": kind, "data": json.dumps(data, ensure_ascii=False)}
    if body is not None:
        fields["body"] = body
    return fields


def send(client, kind: str, data: Mapping[str, Any], body: bytes | None = None) -> bytes:
    """Append a message for the writer to the items stream; its id."""
    return client.xadd(ITEMS_STREAM, message_fields(kind, data, body))


@dataclass
class Message:
    id: str
    kind: str
    data: dict[str, Any]
    body: bytes | None


def decode(entry_id: bytes, fields: Mapping[bytes, bytes]) -> Message:
    return Message(
        entry_id.decode(), fields[b"kind"].decode(), json.loads(fields[b"data"]), fields.get(b"body")
    )


def read(client, after: str, count: int = 50, block_ms: int = 1000) -> list[Message]:
    """Messages after the id `after` (oldest first), waiting up to block_ms for one."""
    found = client.xread({ITEMS_STREAM: after}, count=count, block=block_ms)
    if not found:
        return []
    return [decode(entry_id, fields) for entry_id, fields in found[0][1]]


def forget(client, message_id: str) -> None:
    """Drop a message from the stream once it is stored in the archive."""
    client.xdel(ITEMS_STREAM, message_id)


def forget_upto(client, last_id: str) -> None:
    """Drop every message up to and including last_id (those a killed writer stored but had not dropped)."""
    client.xtrim(ITEMS_STREAM, minid=last_id, approximate=False)
    client.xdel(ITEMS_STREAM, last_id)


def backlog(client) -> int:
    """Messages the writer has not stored yet: it drops each from the stream once stored."""
    return client.xlen(ITEMS_STREAM)


# -- Generic mode: link dates shared by the workers of a site's crawl -------------------------------------------


def share_link_dates(client, site: str, dates: Mapping[str, str], timed: Iterable[str]) -> None:
    """Record listing dates of links; those in `timed` (with a clock time) replace a day alone, never the reverse."""
    key = SiteKeys(site).link_dates
    timed = set(timed)
    pipe = client.pipeline()
    for url, date in dates.items():
        if url in timed:
            pipe.hset(key, url, date)
        else:
            pipe.hsetnx(key, url, date)
    pipe.execute()


def link_dates(client, site: str, urls: Iterable[str]) -> dict[str, str]:
    urls = list(urls)
    if not urls:
        return {}
    found = client.hmget(SiteKeys(site).link_dates, urls)
    return {url: date.decode() for url, date in zip(urls, found, strict=True) if date is not None}


# -- State the writer publishes --------------------------------------------------------------------------------


def publish_known(client, site: str, urls: Iterable[str], replace: bool = False) -> None:
    key = SiteKeys(site).known
    urls = list(urls)
    pipe = client.pipeline()
    if replace:
        pipe.delete(key)
    for start in range(0, len(urls), 5000):
        pipe.sadd(key, *urls[start : start + 5000])
    pipe.execute()


def known_urls(client, site: str) -> frozenset[str]:
    return frozenset(url.decode() for url in client.smembers(SiteKeys(site).known))


def publish_validators(client, rows: Iterable[tuple[str, str | None, str | None]]) -> None:
    pipe = client.pipeline()
    for url, etag, last_modified in rows:
        if etag or last_modified:
            pipe.hset(VALIDATORS, url, json.dumps([etag, last_modified]))
    pipe.execute()


def validators(client, url: str) -> tuple[str | None, str | None] | None:
    raw = client.hget(VALIDATORS, url)
    if raw is None:
        return None
    etag, last_modified = json.loads(raw)
    return etag, last_modified


def publish_memory(client, site: str, remembered: Mapping[str, tuple[str, str | None]]) -> None:
    key = SiteKeys(site).memory
    pipe = client.pipeline()
    pipe.delete(key)
    items = [(url, json.dumps(list(value))) for url, value in remembered.items()]
    for start in range(0, len(items), 5000):
        pipe.hset(key, mapping=dict(items[start : start + 5000]))
    pipe.execute()


def memory(client, site: str) -> dict[str, tuple[str, str | None]]:
    return {url.decode(): tuple(json.loads(raw)) for url, raw in client.hgetall(SiteKeys(site).memory).items()}


def publish_learned(client, site: str, rules: Mapping[str, Any] | None) -> None:
    if rules:
        client.set(SiteKeys(site).learned, json.dumps(rules, ensure_ascii=False))
    else:
        client.delete(SiteKeys(site).learned)


def learned_rules(client, site: str) -> dict[str, Any] | None:
    raw = client.get(SiteKeys(site).learned)
    return json.loads(raw) if raw else None


def writer_figures(client) -> dict[str, Any] | None:
    raw = client.get(WRITER)
    return json.loads(raw) if raw else None


def publish_writer(client, figures: Mapping[str, Any], timeout: int = WORKER_TIMEOUT) -> None:
    client.set(WRITER, json.dumps({**figures, "heartbeat": time.time()}), ex=max(1, int(timeout)) * 10)
