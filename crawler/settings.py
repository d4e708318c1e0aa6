"""Scrapy settings for edunews.

Defaults suit small public-sector servers: robots.txt obeyed, at most 2 requests at a time per host, AutoThrottle
on, an identifying User-Agent. Everything can be overridden with `scrapy crawl -s NAME=VALUE`,
`edunews crawl --set NAME=VALUE`, or per site in its profile.
"""

import os

from storage import memory as _memory

BOT_NAME = "edunews"

SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
# One spider per configured site, built from the site profiles (spiders/sites/*.toml and EDUNEWS_SITES files).
SPIDER_LOADER_CLASS = "spiders.loader.SiteSpiderLoader"

# -- edunews's own settings: each declared here once, with its default; the README lists them -------------------
# Components read them with these values as their defaults (`settings.getint(NAME, settings_module.NAME)`), so a
# component built from partial settings (a test, `scrapy shell`) behaves as in a crawl.

# The SQLite archive (`--db`; also $EDUNEWS_DB).
EDUNEWS_DB = os.environ.get("EDUNEWS_DB", "archive.sqlite")
# Extra site files beside the packaged registry ($EDUNEWS_SITES: paths separated by os.pathsep, ':' on Unix).
EDUNEWS_SITES = [p for p in os.environ.get("EDUNEWS_SITES", "").split(os.pathsep) if p]
# Whether the packaged site registry (spiders/sites/*.toml) is loaded beside EDUNEWS_SITES.
EDUNEWS_PACKAGED_SITES = True
# Refetch articles the archive already holds (`--refresh`).
EDUNEWS_REFRESH = False
# Keep only articles published on or after this day, YYYY-MM-DD (`--since`).
EDUNEWS_SINCE = ""
# Keep only articles published on or before this day, YYYY-MM-DD (`--until`).
EDUNEWS_UNTIL = ""
# A listing stops after this many consecutive pages holding only stored articles.
EDUNEWS_STOP_AFTER_KNOWN_PAGES = 2
# How many listing pages to follow per start URL.
EDUNEWS_MAX_LISTING_PAGES = 50
# Generic mode: how many links deep discovery goes from the start page (Scrapy's DEPTH_LIMIT).
EDUNEWS_GENERIC_DEPTH = 4
# Generic mode: the most pages one crawl of a site fetches (Scrapy's CLOSESPIDER_PAGECOUNT; `--max-pages` wins).
EDUNEWS_GENERIC_MAX_PAGES = 2000
# Generic mode tries the shipped families on the first page; False judges every page by generic rules alone.
EDUNEWS_DETECT_FAMILY = True
# Paths with more query-string variants than this are not followed further (calendar and filter traps).
EDUNEWS_MAX_QUERY_VARIANTS = 60
# A site raises an alarm when more than this share of its articles lack a title, a date or a body.
EDUNEWS_ALARM_SHARE = 0.5
# The progress line on a terminal.
EDUNEWS_PROGRESS = True
# The log goes to this file instead of stderr, which keeps only errors and the summary (`--log-file`).
EDUNEWS_LOG_FILE = ""
# The log file is rotated at this size.
EDUNEWS_LOG_MAX_BYTES = 10 * 1024 * 1024
# Old log files kept when it is rotated.
EDUNEWS_LOG_BACKUPS = 5
# Keep every stored article's raw page (compressed) for `edunews reparse` and `edunews export-warc`.
EDUNEWS_STORE_PAGES = True
# Conditional GETs (ETag / Last-Modified kept in the archive) for listing pages and refreshed articles.
EDUNEWS_CONDITIONAL_GET = True
# Redirects to other hosts are refused unless this is set (a site that moved domain); never into private networks.
EDUNEWS_ALLOW_OFFSITE_REDIRECTS = False
# Generic mode: remember what each URL turned out to be (url_memory); reruns skip aliases, pages without an article
# and dead links.
EDUNEWS_URL_MEMORY = True
# Generic mode: a remembered URL is requested and judged again once its memory is this many days old.
EDUNEWS_RECHECK_DAYS = _memory.RECHECK_DAYS
# Generic mode: learn a site's template from its stored pages at the end of a crawl (learned_sites).
EDUNEWS_LEARN = True
# A crawl shared by several workers (crawler/frontier.py): the Redis that holds its frontier, e.g.
# "redis://10.0.0.5:6379/0" (`edunews crawl --frontier URL`; also $EDUNEWS_FRONTIER). Empty: this process alone.
EDUNEWS_FRONTIER = os.environ.get("EDUNEWS_FRONTIER", "")
# This worker's name in `edunews status` (empty: host:pid).
EDUNEWS_WORKER = ""
# A worker silent for this many seconds is dead; its requests in flight go back to the queue. It beats every third.
EDUNEWS_WORKER_TIMEOUT = 30
# Workers pause while the writer is this many items behind (the backlog sits in Redis's memory); 0: never.
EDUNEWS_STREAM_MAX = 5000

USER_AGENT = (
    "edunews/0.1 (+https://github.com/edunews/edunews; archiving public education news; "
    "contact: CHANGE-ME@example.org)"
)
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# A page yields at most a few items; Scrapy's default of 100 parallel item slots per response only costs CPU.
CONCURRENT_ITEMS = 8

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# An unattended crawler opens no control ports.
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # Before RobotsTxt (100): a refused redirect sends nothing, not even a robots.txt request.
    "crawler.middlewares.OffsiteRedirectMiddleware": 50,
    # Sees 3xx responses before Redirect (600) does.
    "crawler.middlewares.RedirectLoopMiddleware": 650,
    # Adds If-None-Match / If-Modified-Since from the archive; sees 304s before anything else handles them.
    "crawler.conditional.ConditionalGetMiddleware": 580,
    "crawler.middlewares.Utf8DeclaredLatin1Middleware": 950,
    # Last before the download: in a shared crawl, waits for the host's turn among all workers.
    "crawler.politeness.SharedPolitenessMiddleware": 960,
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.TrapGuardMiddleware": 550,
}
ITEM_PIPELINES = {
    "crawler.pipelines.NormalisePipeline": 100,
    "crawler.pipelines.CleanPipeline": 200,
    "crawler.pipelines.DatesPipeline": 300,
    "crawler.pipelines.ImageCaptionsPipeline": 400,
    "crawler.pipelines.AuthorPipeline": 500,
    "crawler.pipelines.DropEmptyPipeline": 600,
    # One of the two is on: the archive in a crawl of one process, the writer's stream in a shared crawl.
    "crawler.pipelines.StorePipeline": 900,
    "crawler.pipelines.StreamPipeline": 900,
}
EXTENSIONS = {
    "crawler.extensions.ProgressLine": 500,
    # A shared crawl's worker: heartbeat, dead workers' requests recovered, stays open while others fetch.
    "crawler.frontier.FrontierWorker": 510,
}
# With EDUNEWS_FRONTIER set, the shared scheduler (scrapy-redis's, on one site's frontier) replaces Scrapy's.
ADDONS = {"crawler.frontier.FrontierAddon": 0}

# Seen-request fingerprints on disk (in JOBDIR when set), not in a set that grows with the crawl.
DUPEFILTER_CLASS = "crawler.dupefilter.DiskDupeFilter"

HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = "httpcache"

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
