"""Distributed mode: the switch, the Redis key names, and the settings that turn it on.

One setting switches it on: ``REDIS_URL`` (scrapy-redis's own name) or ``NEWSCRAWL_FRONTIER`` (ours,
for a deployment that keeps REDIS_URL for something else). Off by default, and this module imports
neither redis nor scrapy-redis, so a single-machine crawl needs neither installed: the Redis
machinery lives in :mod:`newscrawl.frontier` and :mod:`newscrawl.state_redis`, imported only once
the switch is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.settings import BaseSettings

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from newscrawl.frontier import DistributedCrawl

#: Meta key of the lease a request was popped under (see :mod:`newscrawl.frontier`).
LEASE_META = "newscrawl_lease"
#: Meta key, on a request a leased response produced, of that lease until the request is queued.
PARENT_META = "newscrawl_parent_lease"

# What distributed mode sets, each only where the user did not set it on the command line.
_SETTINGS = {
    "SCHEDULER": "newscrawl.frontier.LeasedScheduler",  # scrapy-redis's Scheduler + leases
    "SCHEDULER_QUEUE_CLASS": "newscrawl.frontier.LeasedPriorityQueue",  # its PriorityQueue + leases
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_PERSIST": True,  # the frontier outlives each process: the others still need it
    "SCHEDULER_IDLE_BEFORE_CLOSE": 0,  # never block the reactor on an empty queue
}
LEASE_MIDDLEWARE = "newscrawl.frontier.LeaseMiddleware"


#: URL schemes of a Redis location (the frontier, or the state store: newscrawl/stores.py).
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def frontier_url(settings: BaseSettings) -> str | None:
    """The Redis URL of the shared frontier, or None for a single-machine crawl."""
    url = settings.get("REDIS_URL") or settings.get("NEWSCRAWL_FRONTIER") or ""
    url = str(url).strip()
    if url and not url.startswith(REDIS_SCHEMES):
        raise ValueError(f"REDIS_URL/NEWSCRAWL_FRONTIER={url!r}: expected a redis:// URL")
    return url or None


@dataclass(frozen=True)
class FrontierKeys:
    """The Redis keys of one spider's frontier; scrapy-redis's names (and settings) where it has them.

    ``start`` (list of JSON seeds), ``queue`` (sorted set of pickled requests) and ``dupefilter`` (set
    of request fingerprints) are scrapy-redis's; ``processing`` (hash lease id → ``score|request``),
    ``leases:<worker>``/``done:<worker>`` (a worker's leases in flight / awaiting its feed) and
    ``workers`` (registry) are the leases of :mod:`newscrawl.frontier`.
    """

    spider: str
    start: str
    queue: str
    dupefilter: str

    @classmethod
    def from_settings(cls, settings: BaseSettings, spider: str) -> FrontierKeys:
        return cls(
            spider=spider,
            start=settings.get("REDIS_START_URLS_KEY") or f"{spider}:start_urls",
            queue=(settings.get("SCHEDULER_QUEUE_KEY") or "%(spider)s:requests") % {"spider": spider},
            dupefilter=(settings.get("SCHEDULER_DUPEFILTER_KEY") or "%(spider)s:dupefilter")
            % {"spider": spider},
        )

    @property
    def processing(self) -> str:
        return f"{self.spider}:processing"

    @property
    def lease_seq(self) -> str:
        return f"{self.spider}:processing:seq"

    @property
    def workers(self) -> str:
        return f"{self.spider}:workers"

    def leases(self, worker: str) -> str:
        return f"{self.spider}:leases:{worker}"

    def done(self, worker: str) -> str:
        return f"{self.spider}:done:{worker}"


def configure(settings: BaseSettings, url: str) -> None:
    """Install scrapy-redis's scheduler and duplicate filter (settings are not frozen yet)."""
    for name, value in {**_SETTINGS, "REDIS_URL": url}.items():
        if (settings.getpriority(name) or 0) <= (settings.getpriority("BOT_NAME") or 0):
            settings.set(name, value, priority="spider")
    middlewares = dict(settings.getdict("SPIDER_MIDDLEWARES"))
    # Last on the way out (lowest order): it sees every request and item a callback produced.
    middlewares.setdefault(LEASE_MIDDLEWARE, 10)
    settings.set("SPIDER_MIDDLEWARES", middlewares, priority=max(settings.getpriority("SPIDER_MIDDLEWARES")
                                                                 or 0, 30))


def enable(crawler: Crawler, spider: Any) -> DistributedCrawl | None:
    """Switch distributed mode on for this crawl when a frontier URL is set; None otherwise."""
    url = frontier_url(crawler.settings)
    if url is None:
        return None
    if spider.args.source == "replica" and not spider.args.base_url:
        raise ValueError("distributed mode crawls one shared site: give -a base_url=URL (source=replica"
                         " would start a different replica in every process)")
    try:
        from newscrawl.frontier import DistributedCrawl
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError(f"distributed mode needs scrapy-redis: pip install 'newscrawl[distributed]'"
                           f" ({exc})") from None
    configure(crawler.settings, url)
    return DistributedCrawl(crawler, spider, url)
