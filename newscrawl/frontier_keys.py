"""What a distributed crawl shares: the Redis URL of its frontier, its Redis keys, its request meta,
and the error that says the Redis is gone.

The bottom of distributed mode: imported by the switch (:mod:`newscrawl.distributed`), the frontier
(:mod:`newscrawl.frontier`), the seeds (:mod:`newscrawl.seeds`) and the state-store choice
(:mod:`newscrawl.stores`), and importing neither redis nor scrapy-redis nor any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.settings import BaseSettings

#: Meta key of the lease a request was popped under (see :mod:`newscrawl.frontier`).
LEASE_META = "newscrawl_lease"
#: Meta key, on a request a leased response produced, of that lease until the request is queued.
PARENT_META = "newscrawl_parent_lease"

#: Prefix of the key that says a crawl process is alive (a heartbeat with a TTL), + its worker id.
WORKER_KEY_PREFIX = "newscrawl:worker:"
#: Prefix of the counter of a crawl process's writes, + its worker id (see ``state_redis.Worker``).
WRITES_KEY_PREFIX = "newscrawl:writes:"


class RedisUnavailable(RuntimeError):
    """The shared Redis is unreachable for longer than ``NEWSCRAWL_REDIS_WAIT``, or it lost what this
    process wrote to it (restarted without persistence, or from an older snapshot): the run cannot do
    its job. The message is the one-line reason."""


#: The stat a component sets to the one-line reason when the run could not do its job (exit status 1).
FATAL_STAT = "verdict/fatal"

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
    ``workers`` (registry) are the leases of :mod:`newscrawl.frontier`; ``epoch`` names the run
    (written by ``scrapy push-seeds``): a frontier whose epoch went away was lost.
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

    @property
    def epoch(self) -> str:
        return f"{self.spider}:epoch"

    def leases(self, worker: str) -> str:
        return f"{self.spider}:leases:{worker}"

    def done(self, worker: str) -> str:
        return f"{self.spider}:done:{worker}"
