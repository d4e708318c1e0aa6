"""A fanned-out `edunews reparse` through Redis: the stored pages as jobs, taken reliably by the workers.

Keys (beside storage/redis_state.py's):
- `edunews:reparse:jobs` (list of job ids, oldest first) and `edunews:reparse:job` (hash id -> the job: the
  stored page and its site's cms and title);
- `edunews:reparse:inflight:{worker}` (hash of the ids a worker took and has not finished); a worker whose alive
  key expired is dead, and its jobs go back to the queue, taken by whichever worker next looks;
- `edunews:reparse:next` (the last job id given).

A job leaves the worker's in-flight hash in the same script that appends its result to the writer's stream, so
a result is sent once, and a job is never dropped without its result. Knows nothing of extraction or SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from storage import redis_state

BASE = redis_state.PREFIX + "reparse:"
JOBS = BASE + "jobs"
DATA = BASE + "job"
NEXT = BASE + "next"
# The page row fields a worker needs (Archive.pages), beside the body.
PAGE_FIELDS = ("url", "site", "family", "fetched_at", "urls", "listing_date", "encoding", "headers")

# Take a job: its id leaves the queue and enters the worker's in-flight hash, atomically.
_TAKE = """
local id = redis.call('LPOP', KEYS[1])
if not id then return false end
redis.call('HSET', KEYS[2], id, '1')
return id
"""
# Finish a job the worker still holds: drop it, and append its result (field, value pairs) to the stream.
_FINISH = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
if #ARGV > 1 then redis.call('XADD', KEYS[3], '*', unpack(ARGV, 2)) end
return 1
"""
# Give a worker's in-flight jobs back to the front of the queue (it died).
_GIVE_BACK = """
local ids = redis.call('HKEYS', KEYS[1])
for i = 1, #ids do redis.call('LPUSH', KEYS[2], ids[i]) end
redis.call('DEL', KEYS[1])
return #ids
"""


def inflight_key(worker: str) -> str:
    return f"{BASE}inflight:{worker}"


@dataclass
class Job:
    """One stored page to re-extract: the page row (as Archive.pages gives it) and its site's cms and title."""

    id: str
    page: dict[str, Any]
    cms: str | None
    title: str | None


def encode(page: Mapping[str, Any], cms: str | None, title: str | None) -> bytes:
    """A job's bytes: one JSON line of the page's fields, then the raw body as it is."""
    head = {key: page.get(key) for key in PAGE_FIELDS}
    head.update(cms=cms, title=title)
    body = page.get("body") or b""
    return json.dumps(head, ensure_ascii=False).encode("utf-8") + b"\n" + body


def decode(job_id: str, raw: bytes) -> Job:
    head, _, body = raw.partition(b"\n")
    fields = json.loads(head)
    cms, title = fields.pop("cms"), fields.pop("title")
    return Job(job_id, {**fields, "body": body}, cms, title)


def push(client, pages: Iterable[Mapping[str, Any]]) -> int:
    """Queue pages (each a page row with `cms` and `title` added); how many."""
    encoded = [encode(page, page.get("cms"), page.get("title")) for page in pages]
    if not encoded:
        return 0
    last = client.incrby(NEXT, len(encoded))
    ids = [str(last - len(encoded) + 1 + n) for n in range(len(encoded))]
    # The job's data is written with its id, so a worker never takes an id without its page.
    pipe = client.pipeline(transaction=True)
    pipe.hset(DATA, mapping=dict(zip(ids, encoded, strict=True)))
    pipe.rpush(JOBS, *ids)
    pipe.execute()
    return len(encoded)


def counts(client) -> dict[str, int]:
    """Jobs queued and in flight."""
    in_flight = sum(client.hlen(key) for key in client.scan_iter(match=inflight_key("*"), count=500))
    return {"queued": client.llen(JOBS), "in_flight": in_flight}


class Jobs:
    """One worker's side of the job queue."""

    def __init__(self, client, worker: str) -> None:
        self.client = client
        self.worker = worker
        self.inflight = inflight_key(worker)
        self._take = client.register_script(_TAKE)
        self._finish = client.register_script(_FINISH)
        self._give_back = client.register_script(_GIVE_BACK)

    def take(self) -> Job | None:
        """The next job, now held by this worker; None when the queue is empty."""
        while True:
            job_id = self._take(keys=[JOBS, self.inflight])
            if not job_id:
                return None
            job_id = job_id.decode()
            raw = self.client.hget(DATA, job_id)
            if raw is not None:
                return decode(job_id, raw)
            self._finish(keys=[self.inflight, DATA, redis_state.ITEMS_STREAM], args=[job_id])

    def finish(self, job: Job, message: tuple[str, Mapping[str, Any]] | None = None) -> bool:
        """Drop a done job and send its result (kind, data) to the writer, atomically; False (nothing sent) when
        this worker no longer held it (it was found dead meanwhile and the job given to another)."""
        args: list[Any] = [job.id]
        if message is not None:
            for name, value in redis_state.message_fields(*message).items():
                args += [name, value]
        return bool(self._finish(keys=[self.inflight, DATA, redis_state.ITEMS_STREAM], args=args))

    def recover(self) -> int:
        """Give the jobs of dead workers back to the queue; how many."""
        recovered = 0
        for key, worker in self._holders():
            if worker != self.worker and not redis_state.is_alive(self.client, worker):
                recovered += int(self._give_back(keys=[key, JOBS]))
        return recovered

    def others_in_flight(self) -> bool:
        """Whether a worker other than this one holds jobs."""
        return any(worker != self.worker and self.client.hlen(key) for key, worker in self._holders())

    def _holders(self) -> list[tuple[str, str]]:
        found = []
        for key in self.client.scan_iter(match=inflight_key("*"), count=500):
            key = key.decode()
            found.append((key, key[len(BASE) + len("inflight:"):]))
        return found
