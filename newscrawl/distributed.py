"""Distributed mode: the switch, and the settings that turn it on.

One setting switches it on: ``REDIS_URL`` (scrapy-redis's own name) or ``NEWSCRAWL_FRONTIER`` (ours,
for a deployment that keeps REDIS_URL for something else). Off by default, and this module imports
neither redis nor scrapy-redis, so a single-machine crawl needs neither installed: the Redis
machinery lives in :mod:`newscrawl.frontier` and :mod:`newscrawl.state_redis`, imported only once
the switch is on. Imports go one way: this module → :mod:`newscrawl.frontier` →
:mod:`newscrawl.state_redis` and :mod:`newscrawl.frontier_keys` (the names they all share).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.settings import BaseSettings

from newscrawl.frontier_keys import frontier_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from newscrawl.arguments import CrawlArguments
    from newscrawl.frontier import DistributedCrawl

# What distributed mode sets, each only where the user did not set it on the command line.
_SETTINGS = {
    "SCHEDULER": "newscrawl.frontier.LeasedScheduler",  # scrapy-redis's Scheduler + leases
    "SCHEDULER_QUEUE_CLASS": "newscrawl.frontier.LeasedPriorityQueue",  # its PriorityQueue + leases
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_PERSIST": True,  # the frontier outlives each process: the others still need it
    "SCHEDULER_IDLE_BEFORE_CLOSE": 0,  # never block the reactor on an empty queue
}
LEASE_MIDDLEWARE = "newscrawl.frontier.LeaseMiddleware"


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


def check_arguments(arguments: CrawlArguments) -> None:
    """Refuse (ValueError: a usage error) the spider arguments distributed mode cannot honour:
    its seeds are the section listings of one shared site (``scrapy push-seeds``)."""
    if arguments.source == "replica" and not arguments.base_url:
        raise ValueError("distributed mode crawls one shared site: give -a base_url=URL (source=replica"
                         " would start a different replica in every process)")
    if len(arguments.sites) > 1:
        raise ValueError(f"-a site={arguments.site}: distributed mode crawls one site (its seeds are that"
                         f" site's section listings); run one distributed crawl per site")
    if arguments.discover != "listings":
        raise ValueError(f"-a discover={arguments.discover}: distributed mode crawls section listings"
                         f" only (its seeds, from scrapy push-seeds)")


def enable(crawler: Crawler, spider: Any) -> DistributedCrawl | None:
    """Switch distributed mode on for this crawl when a frontier URL is set; None otherwise."""
    url = frontier_url(crawler.settings)
    if url is None:
        return None
    check_arguments(spider.args)
    try:
        from newscrawl.frontier import DistributedCrawl
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError(f"distributed mode needs scrapy-redis: pip install 'newscrawl[distributed]'"
                           f" ({exc})") from None
    configure(crawler.settings, url)
    return DistributedCrawl(crawler, spider, url)
