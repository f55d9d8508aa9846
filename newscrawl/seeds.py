"""Seeds of a distributed crawl: what ``scrapy push-seeds`` puts in Redis, and the frontier's status.

A seed is one JSON object on scrapy-redis's start key (a list, ``<spider>:start_urls``):
``{"url": …, "section": "syria", "page": 1}`` for a section listing, ``{"url": …, "section": …,
"kind": "article"}`` for one article. The crawl processes pop them (``DistributedCrawl.seed_requests``)
and turn them into the spider's own requests, so a seed needs no pickled callback.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import redis

from newscrawl.arguments import CrawlArguments
from newscrawl.extract import article_key
from newscrawl.frontier_keys import WRITES_KEY_PREFIX, FrontierKeys
from newscrawl.sites import get_site
from newscrawl.state_redis import state_keys, worker_alive


def listing_seeds(args: CrawlArguments) -> list[dict[str, Any]]:
    """The first listing page of every section the arguments select."""
    if args.source == "replica" and not args.base_url:
        raise ValueError("-a source=replica: the processes of a distributed crawl share one site; start a"
                         " replica (python -m newscrawl.replica) and give -a base_url=URL")
    site = get_site(args.site)
    keys = args.sections or tuple(s.key for s in site.sections)
    base = args.base_url or site.base_url
    return [{"url": base + site.listing_path(site.section(key)), "section": key, "page": 1} for key in keys]


def article_seed(args: CrawlArguments, url: str) -> dict[str, Any]:
    """One article URL as a seed; its section is found from the URL where a section's id matches."""
    site = get_site(args.site)
    key = article_key(site, url)
    if key is None:
        raise ValueError(f"{url!r} is not an article URL of site {site.key!r}")
    opinion = next((s.key for s in site.sections if s.kind == "opinion"), "")  # writers' ids: w-<n>
    fallback = opinion if key[0].startswith("w") else ""
    section = next((s.key for s in site.sections if s.id == key[0]), fallback)
    return {"url": url, "section": section, "kind": "article"}


def workers(server: redis.Redis, keys: FrontierKeys) -> dict[str, bool]:
    """Registered crawl processes → alive (their heartbeat key exists)."""
    return {raw.decode(): worker_alive(server, raw.decode()) for raw in sorted(server.smembers(keys.workers))}


def reset_frontier(server: redis.Redis, keys: FrontierKeys, force: bool = False) -> None:
    """Start a new run: empty the queue, the duplicate filter and the seeds; forget dead processes.

    The incremental state stays (it is what makes the next run incremental). Refused while a crawl
    process is alive, unless ``force``: it would lose the requests it is about to queue.
    """
    found = workers(server, keys)  # one look: the refusal and the clean-up see the same processes
    alive = [w for w, up in found.items() if up]
    if alive and not force:
        raise RuntimeError(f"{len(alive)} crawl process(es) still running ({', '.join(alive)}): wait for"
                           f" them, add seeds to their run with --keep, or reset anyway with --force")
    with server.pipeline(transaction=True) as pipe:
        pipe.delete(keys.queue, keys.dupefilter, keys.start)
        pipe.set(keys.epoch, secrets.token_hex(8))  # a new run: processes of the old one see it changed
        for worker, up in found.items():
            if up:
                continue
            for set_key in (keys.leases(worker), keys.done(worker)):
                ids = list(server.smembers(set_key))
                if ids:
                    pipe.hdel(keys.processing, *ids)
                pipe.delete(set_key)
            pipe.srem(keys.workers, worker)
            pipe.delete(WRITES_KEY_PREFIX + worker)
        pipe.execute()


def push(server: redis.Redis, keys: FrontierKeys, seeds: list[dict[str, Any]]) -> int:
    """Add seeds to the run (whose epoch is made here if there is none yet: ``--keep`` on a new Redis)."""
    with server.pipeline(transaction=True) as pipe:
        pipe.set(keys.epoch, secrets.token_hex(8), nx=True)
        if seeds:
            pipe.rpush(keys.start, *(json.dumps(seed, ensure_ascii=False) for seed in seeds))
        pipe.execute()
    return len(seeds)


def status(server: redis.Redis, keys: FrontierKeys) -> dict[str, Any]:
    """Sizes of the frontier and of the state, and the processes: what ``push-seeds --status`` prints."""
    articles_key, _, failures_key = state_keys()
    return {
        "seeds": server.llen(keys.start),
        "queued": server.zcard(keys.queue),
        "leased": server.hlen(keys.processing),
        "seen": server.scard(keys.dupefilter),
        "exported_articles": server.hlen(articles_key),
        "failures": server.hlen(failures_key),
        "workers": workers(server, keys),
    }
