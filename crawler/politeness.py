"""Per-host politeness shared by all the workers of a crawl (EDUNEWS_FRONTIER set).

Scrapy's download delay and AutoThrottle hold within one process: three workers would hit a small school server
three times as often as one. Here the host's delay is a slot in Redis: before a request goes out, the worker
takes the host's next free moment (Redis's own clock, so machines need not agree on the time); if it is taken,
the request waits. The delay is the host's current one in this worker (AutoThrottle's, else DOWNLOAD_DELAY), so
the whole set of workers sends to one host at most one request per delay.
"""

from __future__ import annotations

from scrapy.exceptions import NotConfigured
from scrapy.http import Request

from crawler.frontier import frontier_url, pause
from storage import redis_state

# Returns 0 when the caller may send now (and books the host for delay_ms), else the milliseconds to wait.
_TAKE_SLOT = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
if free <= ms then
  redis.call('SET', KEYS[1], ms + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
  return 0
end
return free - ms
"""


class SharedPolitenessMiddleware:
    """Downloader middleware (last before the download): waits for the host's shared slot."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.server = redis_state.shared_client(frontier_url(crawler.settings))
        self.take = self.server.register_script(_TAKE_SLOT)
        self.default_delay = crawler.settings.getfloat("DOWNLOAD_DELAY")

    @classmethod
    def from_crawler(cls, crawler):
        if not frontier_url(crawler.settings):
            raise NotConfigured
        return cls(crawler)

    def delay(self, request: Request) -> tuple[str, float]:
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        return key, slot.delay if slot is not None else self.default_delay

    async def process_request(self, request: Request, spider=None):
        host, delay = self.delay(request)
        if delay <= 0:
            return None
        while True:
            wait_ms = int(self.take(keys=[redis_state.host_key(host)], args=[int(delay * 1000)]))
            if wait_ms <= 0:
                return None
            self.crawler.stats.inc_value("edunews/politeness_waits")
            await pause(wait_ms / 1000)
