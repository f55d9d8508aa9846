"""Distributed mode (issue 8): a shared Redis frontier and state, several crawl processes, scrapyd.

The servers are real and on loopback (tests/servers.py): Debian's redis-server and scrapyd from PyPI,
each on a free port with its files in a temporary directory. Crawls run as subprocesses, as a user
runs them. Missing servers skip these tests locally and fail them under CI=true.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.request import request_from_dict

from newscrawl.extract import ListingEntry
from newscrawl.frontier_keys import LEASE_META, FrontierKeys
from newscrawl.incremental import identity_of
from newscrawl.signature import signature
from newscrawl.sites import get_site
from spiders.arabstoday import ArabsTodaySpider
from tests.conftest import RunningReplica, start_replica
from tests.exports import read_jsonl, schema_errors
from tests.servers import ROOT, RedisServer, free_port, missing, start_redis, start_scrapyd, wait_until
from tests.verdicts import contract_line, last_line, report_beside

# Sections crawled without a browser: the render sections need Chromium, which is not under test here.
SECTIONS = tuple(s.key for s in get_site("arabstoday").sections if not s.render)
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
# Quick to notice a dead process and to close once the frontier is idle: tests must end.
WORKER_SETTINGS = ("-s", "NEWSCRAWL_IDLE_CLOSE=2", "-s", "NEWSCRAWL_LEASE_TTL=3",
                   "-s", "TELNETCONSOLE_ENABLED=0", "-s", "LOG_LEVEL=INFO")


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = start_redis(tmp_path / "redis")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def big_replica() -> Iterator[RunningReplica]:
    """A few thousand articles: enough for two processes to share."""
    running = start_replica("--articles", "2000", "--seed", "23")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def small_replica() -> Iterator[RunningReplica]:
    running = start_replica("--articles", "300", "--seed", "31")
    yield running
    running.stop()


def expected_urls(replica: RunningReplica, sections: tuple[str, ...] = SECTIONS) -> set[str]:
    import urllib.request

    with urllib.request.urlopen(replica.url + "/__replica__/manifest.json?fields=url,section",
                                timeout=120) as resp:
        manifest = json.load(resp)
    return {a["url"] for a in manifest["articles"] if a["section"] in sections}


def feed_urls(path: Path) -> list[str]:
    if not path.exists():
        return []
    records = read_jsonl(path)
    assert schema_errors(records) == []  # every export of the tests fits the shipped schema
    return [record["url"] for record in records]


def push_seeds(redis: RedisServer, replica: RunningReplica, *extra: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "push-seeds", "-s", f"REDIS_URL={redis.url}",
         "-a", f"base_url={replica.url}", "-a", "sections=" + ",".join(SECTIONS), *extra],
        cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def start_worker(redis: RedisServer, replica: RunningReplica, feed: Path,
                 *extra: str) -> subprocess.Popen[bytes]:
    """One crawl process of the distributed run, logging beside its feed."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "arabstoday", "-a", f"base_url={replica.url}",
           "-a", "sections=" + ",".join(SECTIONS), "-s", f"REDIS_URL={redis.url}", *WORKER_SETTINGS,
           "-O", str(feed), *extra]
    log = feed.with_suffix(".log").open("wb")
    return subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=log, stderr=subprocess.STDOUT)


def finish(process: subprocess.Popen[bytes], feed: Path, timeout: float = 180) -> str:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log = feed.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert process.returncode == 0, f"crawl exited {process.returncode}:\n{log[-4000:]}"
    return log


def frontier_left(redis: RedisServer) -> dict[str, int]:
    client = redis.client()
    keys = FrontierKeys.from_settings(Settings(), "arabstoday")
    return {"queued": client.zcard(keys.queue), "leased": client.hlen(keys.processing),
            "seeds": client.llen(keys.start), "workers": client.scard(keys.workers)}


def distributed_spider(redis_url: str, **args: Any) -> ArabsTodaySpider:
    """The spider as ``scrapy crawl -s REDIS_URL=…`` builds it, without starting a reactor."""
    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    settings.set("REDIS_URL", redis_url, priority="cmdline")
    crawler = Crawler(ArabsTodaySpider, settings)
    spider = ArabsTodaySpider.from_crawler(crawler, base_url="http://127.0.0.1:9",
                                           sections=",".join(SECTIONS), **args)
    crawler.stats = MemoryStatsCollector(crawler)
    return spider


def join(spider: ArabsTodaySpider) -> None:
    """``DistributedCrawl.join`` without the reactor: one heartbeat, the run's epoch, registration."""
    spider.distributed.register()


# -- off by default ------------------------------------------------------------------------------


def test_single_machine_crawl_imports_no_redis(small_replica: RunningReplica, tmp_path: Path) -> None:
    """Without REDIS_URL nothing of Redis is imported, so a plain install needs none of it."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "scrapy", "crawl", "arabstoday",
         "-a", f"base_url={small_replica.url}", "-a", "sections=syria", "-a", "max_pages=1",
         "-s", "TELNETCONSOLE_ENABLED=0", "-O", str(tmp_path / "plain.jsonl")],
        cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
                if line.startswith("import time:")}
    assert not {m for m in imported if m.split(".")[0] in {"redis", "scrapy_redis"}}
    assert "newscrawl.frontier" not in imported
    assert feed_urls(tmp_path / "plain.jsonl")


@pytest.mark.parametrize(("args", "message"), [
    (["-a", "source=replica"], "give -a base_url=URL"),
    (["-a", "site=all"], "-a site=all: distributed mode crawls one site"),
    (["-a", "discover=sitemap", "-a", "base_url=http://127.0.0.1:9"], "crawls section listings only"),
])
def test_what_distributed_mode_cannot_do_is_a_usage_error(args: list[str], message: str) -> None:
    """One line and status 2 from both commands, before anything runs (no Redis needed)."""
    for command in (["crawl", "arabstoday", "-O", "/dev/null:jsonlines"], ["push-seeds"]):
        proc = subprocess.run([sys.executable, "-m", "scrapy", *command, "-s", "REDIS_URL=redis://127.0.0.1:9/0",
                               *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, proc.stderr[-3000:]
        assert message in proc.stderr.splitlines()[-1] and "Traceback" not in proc.stderr


def test_distributed_mode_installs_scrapy_redis(redis_server: RedisServer) -> None:
    spider = distributed_spider(redis_server.url)
    settings = spider.crawler.settings
    assert settings["SCHEDULER"] == "newscrawl.frontier.LeasedScheduler"
    assert settings["SCHEDULER_QUEUE_CLASS"] == "newscrawl.frontier.LeasedPriorityQueue"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings.getbool("SCHEDULER_PERSIST")
    assert "newscrawl.frontier.LeaseMiddleware" in settings.getdict("SPIDER_MIDDLEWARES")
    from newscrawl.state_redis import RedisStateStore

    assert isinstance(spider.incremental.store, RedisStateStore)  # the state goes beside the frontier


# -- scrapy-redis on Scrapy ≥ 2.16 -----------------------------------------------------------------


def test_scrapy_redis_spider_reads_no_seeds_at_start_on_this_scrapy(redis_server: RedisServer) -> None:
    """scrapy-redis's RedisSpider reads its seeds in ``start_requests()``, which Scrapy ≥2.16 no
    longer calls: its ``start()`` is Scrapy's own and yields nothing, so seeds would come only on
    the first idle signal. Hence the spider here reads them in its own ``start()`` (next test)."""
    from scrapy_redis.spiders import RedisMixin, RedisSpider

    class Probe(RedisSpider):
        name = "probe"

    settings = Settings({"REDIS_URL": redis_server.url})
    spider = Probe.from_crawler(Crawler(Probe, settings))
    redis_server.client().rpush("probe:start_urls", json.dumps({"url": "http://127.0.0.1:9/a"}))
    assert "start_requests" in vars(RedisMixin) and "start" not in vars(RedisMixin)

    async def collect() -> list[Any]:
        return [request async for request in spider.start()]

    assert asyncio.run(collect()) == []
    assert redis_server.client().llen("probe:start_urls") == 1  # still there: never read at start


def test_seeds_are_read_in_start(redis_server: RedisServer) -> None:
    from newscrawl import seeds
    from newscrawl.arguments import CrawlArguments

    spider = distributed_spider(redis_server.url)
    args = CrawlArguments.from_kwargs({"base_url": "http://127.0.0.1:9", "sections": "syria,writers"})
    article = "http://127.0.0.1:9/40/101234-title"
    seeds.push(spider.distributed.server, spider.distributed.keys,
               [*seeds.listing_seeds(args), seeds.article_seed(args, article)])
    join(spider)  # the scheduler opens before start() is read

    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    requests = asyncio.run(collect())
    assert [r.url for r in requests] == ["http://127.0.0.1:9/section/40", "http://127.0.0.1:9/writers",
                                         article]
    assert requests[0].callback == spider.parse_listing
    assert requests[0].cb_kwargs == {"section": spider.site.section("syria"), "page": 1}
    assert requests[2].callback == spider.parse_article
    assert requests[2].cb_kwargs["entry"].section == "syria"


def test_requests_survive_the_redis_queue(redis_server: RedisServer) -> None:
    """scrapy-redis pickles ``request.to_dict()``: callbacks by name, cb_kwargs with the dataclasses."""
    from scrapy_redis import picklecompat

    spider = distributed_spider(redis_server.url)
    entry = ListingEntry(url="http://127.0.0.1:9/40/1-x", section="syria", title="عنوان", summary=None,
                         thumbnail=None, stamp="GMT 10:18 2025 الثلاثاء ,22 إبريل / نيسان")
    listing = spider._listing_request(spider.site.section("arab"), 3)
    for request in (spider._request(entry.url, entry), listing):
        data = picklecompat.loads(picklecompat.dumps(request.to_dict(spider=spider)))
        back = request_from_dict(data, spider=spider)
        assert (back.url, back.callback, back.errback, back.cb_kwargs, back.meta) == (
            request.url, request.callback, request.errback, request.cb_kwargs, request.meta)


# -- leases ------------------------------------------------------------------------------------


def test_leases_end_with_the_work_and_come_back_from_dead_workers(redis_server: RedisServer) -> None:
    from newscrawl.frontier import LeasedPriorityQueue

    one, two = distributed_spider(redis_server.url), distributed_spider(redis_server.url)
    join(one)
    join(two)
    crawl = one.distributed
    queue = LeasedPriorityQueue(crawl.server, one, crawl.keys.queue)
    entry = ListingEntry("http://127.0.0.1:9/40/7-x", "syria", "t", None, None, None)
    queue.push(one._request(entry.url, entry))
    queue.push(one._listing_request(one.site.section("syria"), 2))
    queue.push(one._listing_request(one.site.section("syria"), 2))  # a duplicate: never queued
    assert crawl.server.zcard(crawl.keys.queue) == 0  # staged: sent with the next sync

    first = queue.pop()  # one round trip: the pushes, then a batch of pops, each a lease
    lease = first.meta[LEASE_META]
    assert crawl.server.hlen(crawl.keys.processing) == 2 and len(queue) == 0
    crawl.output_started(lease)
    crawl.output_done(lease)  # a callback that produced no item: its work is over
    assert crawl.server.hlen(crawl.keys.processing) == 2  # staged...
    crawl.sync()
    assert crawl.server.hlen(crawl.keys.processing) == 1  # ...and ended with the next sync

    held = queue.pop()
    queue.push(held.replace(dont_filter=True))  # a retry: back in the queue, lease ended with it
    crawl.sync()
    assert crawl.server.hlen(crawl.keys.processing) == 0 and len(queue) == 1

    held = queue.pop()
    assert two.distributed.recover() == 0  # its owner is alive: nothing to take
    crawl.server.delete(crawl.worker.key)  # SIGKILL: the heartbeat lapses
    assert two.distributed.recover() == 1
    assert crawl.server.hlen(crawl.keys.processing) == 0
    again = LeasedPriorityQueue(crawl.server, two, crawl.keys.queue).pop()
    assert (again.url, again.callback, again.cb_kwargs) == (
        held.url, getattr(two, held.callback.__name__), held.cb_kwargs)
    assert again.meta[LEASE_META] != held.meta[LEASE_META]


@pytest.mark.parametrize("form", ["sync", "async"])
def test_a_lease_waits_for_the_requests_and_items_its_response_produced(redis_server: RedisServer,
                                                                         form: str) -> None:
    """Scrapy buffers a callback's output before queueing it: a lease released when the output is
    consumed could lose the next-page request to a SIGKILL. It waits for each child to be staged,
    and ends in the same sync as the last child's push. The middleware's sync form (a chain of sync
    middlewares and callbacks) and its async form count alike."""
    from scrapy.http import HtmlResponse
    from scrapy_redis.dupefilter import RFPDupeFilter

    from newscrawl.frontier import LeasedPriorityQueue, LeasedScheduler, LeaseMiddleware
    from newscrawl.frontier_keys import PARENT_META

    spider = distributed_spider(redis_server.url)
    spider.crawler.spider = spider  # as Crawler.crawl() sets it
    join(spider)
    crawl = spider.distributed
    queue = LeasedPriorityQueue(crawl.server, spider, crawl.keys.queue)
    queue.push(spider._listing_request(spider.site.section("syria"), 1))
    request = queue.pop()
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    child = spider._listing_request(spider.site.section("syria"), 2)
    item = {"url": "http://127.0.0.1:9/40/1-x"}

    async def output() -> Any:
        yield child
        yield item

    async def consume() -> list[Any]:
        middleware = LeaseMiddleware(spider.crawler)
        return [x async for x in middleware.process_spider_output_async(response, output())]

    if form == "sync":
        assert list(LeaseMiddleware(spider.crawler).process_spider_output(response, [child, item])) \
            == [child, item]
    else:
        assert asyncio.run(consume()) == [child, item]
    assert child.meta[PARENT_META] == request.meta[LEASE_META]
    crawl.sync()
    assert crawl.server.hlen(crawl.keys.processing) == 1  # output consumed, nothing settled yet
    crawl._item_dropped(item, response)  # e.g. unchanged since the last run
    crawl.sync()
    assert crawl.server.hlen(crawl.keys.processing) == 1  # the child is not staged yet
    scheduler = LeasedScheduler.from_crawler(spider.crawler)  # open() without its reactor parts:
    scheduler.spider, scheduler.queue = spider, queue
    scheduler.df = RFPDupeFilter.from_spider(spider)
    scheduler.enqueue_request(child)
    assert crawl._staged.ends == [request.meta[LEASE_META]]  # the end goes with the child's push
    crawl.sync()
    assert crawl.server.hlen(crawl.keys.processing) == 0
    assert crawl.server.zcard(crawl.keys.queue) == 1


def test_lease_ends_ride_with_the_next_pop_and_pushes_do_not_wait(redis_server: RedisServer) -> None:
    """After an empty pop the queue is not asked again before NEWSCRAWL_FRONTIER_POLL, and a staged
    lease end does not change that (it only tells Redis a request need not come back: it waits for the
    next sync); a staged push does (the queue has a request again), and takes the end along."""
    from newscrawl.frontier import LeasedPriorityQueue

    spider = distributed_spider(redis_server.url)
    join(spider)
    crawl = spider.distributed
    queue = LeasedPriorityQueue(crawl.server, spider, crawl.keys.queue)
    queue.push(spider._listing_request(spider.site.section("syria"), 1))
    lease = queue.pop().meta[LEASE_META]
    assert queue.pop() is None  # empty: no pop before the poll interval
    crawl.release(Request("http://127.0.0.1:9/x", meta={LEASE_META: lease}))
    assert queue.pop() is None and crawl._staged.ends == [lease]  # no round trip for an end alone
    assert crawl.server.hlen(crawl.keys.processing) == 1
    queue.push(spider._listing_request(spider.site.section("syria"), 2))
    assert queue.pop() is not None and not crawl._staged  # the push and the end in one sync
    assert crawl.server.hexists(crawl.keys.processing, lease) == 0


def test_a_child_refused_when_scheduled_settles_its_parent(redis_server: RedisServer) -> None:
    """Scrapy's offsite filter refuses a link to a host the crawl does not cover when it is scheduled
    (a ``request_scheduled`` handler raising IgnoreRequest), and the scheduler never sees it: the
    parent's lease must end all the same (counted), or every process waits for it for ever."""
    from scrapy.http import HtmlResponse
    from scrapy_redis.dupefilter import RFPDupeFilter

    from newscrawl.frontier import LeasedPriorityQueue, LeasedScheduler, LeaseMiddleware

    spider = distributed_spider(redis_server.url)
    spider.crawler.spider = spider
    join(spider)
    crawl = spider.distributed
    queue = LeasedPriorityQueue(crawl.server, spider, crawl.keys.queue)
    queue.push(spider._listing_request(spider.site.section("syria"), 1))
    request = queue.pop()
    lease = request.meta[LEASE_META]
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    entry = ListingEntry("http://127.0.0.1:10/40/7-x", "syria", "t", None, None, None)
    offsite = spider._request(entry.url, entry)
    onsite = spider._listing_request(spider.site.section("syria"), 2)

    async def output() -> Any:
        yield offsite
        yield onsite

    async def consume() -> list[Any]:
        middleware = LeaseMiddleware(spider.crawler)
        return [x async for x in middleware.process_spider_output_async(response, output())]

    assert asyncio.run(consume()) == [offsite, onsite]
    scheduler = LeasedScheduler.from_crawler(spider.crawler)
    scheduler.spider, scheduler.queue = spider, queue
    scheduler.df = RFPDupeFilter.from_spider(spider)
    crawl._request_scheduled(offsite)  # refused by another handler: never enqueued
    crawl._request_scheduled(onsite)
    scheduler.enqueue_request(onsite)
    assert crawl._staged.ends == []  # the refused child still counts against the lease...
    crawl.settle_unqueued()  # ...until the engine's scheduling of it is over (the next reactor turn)
    assert crawl._staged.ends == [lease]
    assert spider.crawler.stats.get_value("frontier/children_refused") == 1  # the queued one is not
    crawl.sync()
    assert crawl.server.hlen(crawl.keys.processing) == 0 and crawl.server.zcard(crawl.keys.queue) == 1


def test_an_item_that_failed_in_the_pipelines_keeps_its_lease(redis_server: RedisServer) -> None:
    """A pipeline that raises (e.g. a store it could not reach) did not export the item: its lease is
    not ended, and goes back to the queue when the process leaves, for another try."""
    from scrapy.http import HtmlResponse

    from newscrawl.frontier import LeasedPriorityQueue

    spider = distributed_spider(redis_server.url)
    join(spider)
    crawl = spider.distributed
    queue = LeasedPriorityQueue(crawl.server, spider, crawl.keys.queue)
    entry = ListingEntry("http://127.0.0.1:9/40/7-x", "syria", "t", None, None, None)
    queue.push(spider._request(entry.url, entry))
    request = queue.pop()
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    item = {"url": entry.url}
    crawl.output_started(request.meta[LEASE_META]).pending += 1  # the callback yielded one item
    crawl.output_done(request.meta[LEASE_META])
    crawl._item_failed(item, response)
    crawl.sync()
    assert crawl.server.hlen(crawl.keys.processing) == 1 and len(queue) == 0
    assert crawl.leave() == 1
    assert len(queue) == 1 and crawl.server.hlen(crawl.keys.processing) == 0


def test_claims_are_atomic_between_processes(redis_server: RedisServer) -> None:
    from newscrawl.state import ArticleState
    from newscrawl.state_redis import RedisStateStore, Worker

    client = redis_server.client()
    a = RedisStateStore(redis_server.url, Worker(client))
    b = RedisStateStore(redis_server.url, Worker(client))
    assert a.get("arabstoday:40/1") is None
    a.worker.beat()
    b.worker.beat()
    assert a.claim("arabstoday:40/1", "fp1")
    assert not b.claim("arabstoday:40/1", "fp1")  # a live process holds it
    a.mark_exported([ArticleState("arabstoday:40/1", "http://x/40/1", "lfp", "fp1", etag='"e"')])
    assert a.get("arabstoday:40/1").etag == '"e"' and a.count() == 1
    assert not b.claim("arabstoday:40/1", "fp1")  # this very version is exported
    assert b.claim("arabstoday:40/1", "fp1", force=True)  # -a full=1
    assert b.claim("arabstoday:40/1", "fp2")  # a new version, claimed by b itself
    assert a.claim("arabstoday:40/9", "x")
    client.delete(a.worker.key)  # a dies: its claim lapses with it
    assert b.claim("arabstoday:40/9", "x")

    b.record_failure("http://x/40/5", "http_503", 2, {"entry": {"url": "http://x/40/5"}})
    b.record_failure("http://x/40/5", "TimeoutError", 1, {})
    (failure,) = a.failures()
    assert (failure.reason, failure.attempts, failure.meta) == ("TimeoutError", 3, {})
    a.mark_exported([ArticleState("arabstoday:40/5", "http://x/40/5", None, "fp")])
    assert a.failures() == []
    b.close()
    assert client.hlen("newscrawl:state:claims") == 0  # uncommitted claims given up on close


def test_the_claim_rides_with_the_story_decision(redis_server: RedisServer) -> None:
    """Distributed mode: the state pipeline's claim and the story decision are one script, one round
    trip per exported article (not two); each story is the one the story index decides alone, and a
    claim lost to another live process writes nothing to the index."""
    from newscrawl.items import Article
    from newscrawl.replica import Catalogue
    from newscrawl.state_redis import RedisStateStore, Worker
    from newscrawl.stories import MemoryStoryStore, StoryIndex
    from pipelines.state import StatePipeline
    from pipelines.stories import StoryPipeline

    spider = distributed_spider(redis_server.url)
    spider.crawler.spider = spider
    join(spider)
    state, stories = StatePipeline(spider.crawler), StoryPipeline(spider.crawler)
    stories.open_spider()
    client = redis_server.client()
    catalogue = Catalogue(articles=8, seed=9)

    def article(site: str, number: int, index: int, title: str | None = None) -> Article:
        art = catalogue.article(index)
        return Article(url=f"http://127.0.0.1:9/40/{number:06d}-a", site=site,
                       title=title or art.head.title, body="\n\n".join(art.body))

    def scripts() -> int:
        stats = client.info("commandstats")
        return sum(int(stats.get(f"cmdstat_{c}", {}).get("calls", 0)) for c in ("evalsha", "eval"))

    reference = StoryIndex(MemoryStoryStore())  # the Python decision, alone
    items = [article("arabstoday", 1, 0), article("syria24", 7, 0),  # an original, its exact copy,
             article("omantoday", 9, 0, title=catalogue.article(5).head.title),  # a near copy,
             article("arabstoday", 2, 1), article("arabstoday", 3, 2)]  # other stories
    order: list[str] = []

    async def export(item: Article) -> None:
        stories.process_item(await state.process_item(item))
        order.append("exported")

    async def crawl() -> None:
        await export(items[0])  # the scripts are loaded on first use
        before = scripts()
        for item in items[1:]:
            # other work, ready to run as soon as the loop gets a turn: it runs before the export
            # ends only if the claim gives the loop back while Redis answers
            asyncio.get_running_loop().call_soon(order.append, "other")
            await export(item)
        assert scripts() - before == len(items) - 1
        assert order[1:] == ["other", "exported"] * (len(items) - 1)  # the claim does not block

    asyncio.run(crawl())
    for item in items:
        expected = reference.assign(identity_of(item), signature(item["title"], item["body"]))
        assert (item["story_id"], item["copy_of"]) == (expected.story_id, expected.copy_of)
    assert spider.crawler.stats.get_value("stories/copies") == 2

    other = RedisStateStore(redis_server.url, Worker(client))
    other.worker.beat()
    assert other.claim("arabstoday:40/000004", "fp")  # a live process holds this one
    indexed = client.hlen("newscrawl:state:story:ids")
    with pytest.raises(DropItem, match="claimed_elsewhere"):
        asyncio.run(state.process_item(article("arabstoday", 4, 3)))
    assert client.hlen("newscrawl:state:story:ids") == indexed
    assert spider.crawler.stats.get_value("state/claimed_elsewhere") == 1


def test_a_claim_with_its_story_is_the_claim(redis_server: RedisServer) -> None:
    """``claim_with_story_async`` decides the claim as ``claim`` does (this very version exported, a
    live owner, a dead one, ``force``), and writes the story only when the claim is won."""
    from newscrawl.state import ArticleState
    from newscrawl.state_redis import RedisStateStore, Worker

    client = redis_server.client()
    a = RedisStateStore(redis_server.url, Worker(client))
    b = RedisStateStore(redis_server.url, Worker(client))
    a.worker.beat()
    b.worker.beat()
    text = signature("عنوان", "نص الخبر " * 40)
    ids = "newscrawl:state:story:ids"

    async def claims() -> None:
        won = await a.claim_with_story_async("arabstoday:40/1", "fp1", text)
        assert won is not None and won.match == "original" and won.story_id == text.exact[:16]
        assert await b.claim_with_story_async("arabstoday:40/1", "fp1", text) is None  # a live owner
        a.mark_exported([ArticleState("arabstoday:40/1", "http://x/40/1", None, "fp1")])
        assert await b.claim_with_story_async("arabstoday:40/1", "fp1", text) is None  # exported
        assert client.hlen(ids) == 1
        forced = await b.claim_with_story_async("arabstoday:40/1", "fp1", text, force=True)  # full=1
        assert forced is not None and forced.match == "known"
        assert await a.claim_with_story_async("arabstoday:40/2", "x", text) is not None
        assert client.hlen(ids) == 2
        client.delete(a.worker.key)  # a dies: its claim lapses with it
        taken = await b.claim_with_story_async("arabstoday:40/2", "x", text)
        assert taken is not None and taken.match == "known"
        assert (await b.claim_with_story_async("arabstoday:40/3", "y", text)).match == "exact"
        client.client_kill_filter(_type="normal", skipme=True)  # b's connections drop: the blocking
        again = await b.claim_with_story_async("arabstoday:40/4", "z", text)  # call rides it out
        assert again is not None and again.match == "exact"
        client.script_flush()  # a Redis restarted: its scripts are gone, the blocking call loads them
        assert (await b.claim_with_story_async("arabstoday:40/5", "z", text)).match == "exact"
        b.close()

    asyncio.run(claims())
    assert client.hlen("newscrawl:state:claims") == 0  # uncommitted claims given up on close


def test_a_claim_awaited_while_the_frontier_syncs_is_counted_once(redis_server: RedisServer) -> None:
    """The awaited claim's write reaches Redis before its reply reaches the process: a sync that reads
    the writes counter meanwhile counts it already. Counted again when the reply comes, the process
    would later find Redis "short" of a write and stop the run as if Redis had lost data."""
    from newscrawl.state_redis import RedisStateStore, Worker

    client = redis_server.client()
    store = RedisStateStore(redis_server.url, Worker(client))
    store.worker.beat()
    text = signature("عنوان", "نص الخبر " * 40)

    def sync() -> None:  # what a frontier sync does with the counter, blocking, while the claim flies
        store.worker.check_writes(client.get(store.worker.writes_key))

    async def claims() -> None:
        await store.claim_with_story_async("arabstoday:40/1", "a", text)  # loads the script
        aclient = store._async_client()
        read = aclient.parse_response

        async def read_then_sync(*args: Any, **kwargs: Any) -> Any:
            reply = await read(*args, **kwargs)  # the script ran, its reply is read...
            sync()  # ...and a sync comes before the process looks at it
            return reply

        aclient.parse_response = read_then_sync
        for key in ("arabstoday:40/2", "arabstoday:40/3"):
            assert await store.claim_with_story_async(key, "a", text) is not None

    asyncio.run(claims())
    sync()  # raised "lost 1 of the writes" when the reply counted the write a second time
    assert store.worker.writes == int(client.get(store.worker.writes_key)) == 3


def test_a_listing_pages_states_are_read_in_one_round_trip(redis_server: RedisServer) -> None:
    """Before a listing page's article requests are made, their states are read with one HMGET; the
    read at listing time and the one at export time then cost nothing more."""
    from newscrawl.state import ArticleState
    from newscrawl.state_redis import RedisStateStore, Worker

    client = redis_server.client()
    store = RedisStateStore(redis_server.url, Worker(client))
    store.mark_exported([ArticleState("arabstoday:40/1", "http://x/40/1", "lfp", "fp1", etag='"e"')])

    def calls(command: str) -> int:
        return int(client.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0))

    before = calls("hget"), calls("hmget")
    store.prefetch(["arabstoday:40/1", "arabstoday:40/2", "arabstoday:40/1"])
    assert store.get("arabstoday:40/1").etag == '"e"' and store.get("arabstoday:40/2") is None  # listing
    assert store.get("arabstoday:40/1").content_fp == "fp1"  # export time: the same read
    assert (calls("hget"), calls("hmget")) == (before[0], before[1] + 1)
    assert store.get("arabstoday:40/3") is None and calls("hget") == before[0] + 1  # not read ahead


# -- several crawl processes ---------------------------------------------------------------------


@pytest.mark.slow
def test_two_processes_share_one_crawl(redis_server: RedisServer, big_replica: RunningReplica,
                                       tmp_path: Path) -> None:
    expected = expected_urls(big_replica)
    assert len(expected) > 1500
    assert "pushed" in push_seeds(redis_server, big_replica)
    feeds = [tmp_path / "one.jsonl", tmp_path / "two.jsonl"]
    processes = [start_worker(redis_server, big_replica, feed) for feed in feeds]
    for process, feed in zip(processes, feeds, strict=True):
        finish(process, feed)
    one, two = (feed_urls(feed) for feed in feeds)
    exported = one + two
    duplicates = [url for url, n in Counter(exported).items() if n > 1]
    assert not duplicates, f"{len(duplicates)} articles exported twice, e.g. {duplicates[:3]}"
    assert set(exported) == expected, (len(expected - set(exported)), len(set(exported) - expected))
    # How the work splits depends on how the machine schedules the two processes (bench.distributed
    # prints the shares); what must hold is above: the union is the manifest, nothing twice.
    assert frontier_left(redis_server) == {"queued": 0, "leased": 0, "seeds": 0, "workers": 0}
    assert redis_server.client().hlen("newscrawl:state:articles") == len(expected)


@pytest.mark.slow
def test_links_to_hosts_the_crawl_does_not_cover_end_their_leases(redis_server: RedisServer,
                                                                  tmp_path: Path) -> None:
    """Listing pages that link articles on a mirror host the crawl was not told of (no ``-a hosts``):
    Scrapy's offsite filter refuses those requests before the scheduler sees them. Their parents'
    leases end all the same, so the processes close once the frontier is idle, and the distributed
    run ends as the single-process crawl of the same site does: the same articles, the same status."""
    replica = start_replica("--articles", "300", "--seed", "31", "--mirrors", "1", "--copies", "0.3")
    try:
        plain_feed = tmp_path / "plain.jsonl"
        plain = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "arabstoday", "-a", f"base_url={replica.url}",
             "-a", "sections=" + ",".join(SECTIONS), "-s", "TELNETCONSOLE_ENABLED=0", "-O", str(plain_feed)],
            cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
        assert plain.returncode == 0, plain.stderr[-3000:]  # a refused offsite link is no failure
        refused = int(re.search(r"'offsite/filtered': (\d+)", plain.stderr)[1])
        assert refused > 0  # the replica does link articles through its mirror
        push_seeds(redis_server, replica)
        feeds = [tmp_path / "one.jsonl", tmp_path / "two.jsonl"]
        processes = [start_worker(redis_server, replica, feed) for feed in feeds]
        for process in processes:
            try:
                process.wait(timeout=180)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        replica.stop()
    logs = "".join(feed.with_suffix(".log").read_text(encoding="utf-8", errors="replace") for feed in feeds)
    assert [p.returncode for p in processes] == [plain.returncode] * 2, logs[-4000:]
    exported = feed_urls(feeds[0]) + feed_urls(feeds[1])
    assert len(exported) == len(set(exported)) and set(exported) == set(feed_urls(plain_feed))
    assert sum(int(n) for n in re.findall(r"'frontier/children_refused': (\d+)", logs)) == refused
    assert frontier_left(redis_server) == {"queued": 0, "leased": 0, "seeds": 0, "workers": 0}


@pytest.mark.slow
def test_a_waiting_process_takes_seeds_pushed_later(redis_server: RedisServer,
                                                    small_replica: RunningReplica, tmp_path: Path) -> None:
    """A process started before the seeds waits (the idle handler polls the start key) and crawls
    them once they come: processes can join a run, or wait for one, in any order."""
    feed = tmp_path / "early.jsonl"
    # The idle wait must outlast `scrapy push-seeds` starting up, which took over 5 s on a loaded
    # machine (the process then closed with nothing); it also delays this process's end by as much.
    early = start_worker(redis_server, small_replica, feed, "-s", "NEWSCRAWL_IDLE_CLOSE=30")
    client = redis_server.client()
    keys = FrontierKeys.from_settings(Settings(), "arabstoday")
    wait_until(lambda: client.scard(keys.workers), 60, "the process to join the frontier")
    assert "added to the current run" in push_seeds(redis_server, small_replica, "--keep")
    log = finish(early, feed)
    assert sorted(feed_urls(feed)) == sorted(expected_urls(small_replica))
    assert "'frontier/seeds': " in log


@pytest.mark.slow
def test_a_killed_process_loses_nothing(redis_server: RedisServer, big_replica: RunningReplica,
                                        tmp_path: Path) -> None:
    """SIGKILL one of two processes mid-crawl and start a replacement: the survivor and the new one
    export every article once; what the killed one held is recovered once its heartbeat lapses."""
    expected = expected_urls(big_replica)
    push_seeds(redis_server, big_replica)
    victim = start_worker(redis_server, big_replica, tmp_path / "victim.jsonl")
    survivor = start_worker(redis_server, big_replica, tmp_path / "survivor.jsonl")
    client = redis_server.client()
    keys = FrontierKeys.from_settings(Settings(), "arabstoday")

    def victim_busy() -> bool:
        ids = [w.decode() for w in client.smembers(keys.workers) if f":{victim.pid}:" in w.decode()]
        return bool(ids) and client.scard(keys.dupefilter) > 500 and (
            client.scard(keys.leases(ids[0])) + client.scard(keys.done(ids[0])) > 0)

    wait_until(victim_busy, 120, "the victim to hold leases mid-crawl", interval=0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    replacement = start_worker(redis_server, big_replica, tmp_path / "replacement.jsonl")
    logs = finish(survivor, tmp_path / "survivor.jsonl") + finish(replacement, tmp_path / "replacement.jsonl")

    exported = feed_urls(tmp_path / "survivor.jsonl") + feed_urls(tmp_path / "replacement.jsonl")
    duplicates = [url for url, n in Counter(exported).items() if n > 1]
    assert not duplicates, f"{len(duplicates)} articles exported twice, e.g. {duplicates[:3]}"
    missing_urls = expected - set(exported)
    assert not missing_urls, f"{len(missing_urls)} articles lost, e.g. {sorted(missing_urls)[:3]}"
    assert "'frontier/recovered'" in logs
    assert frontier_left(redis_server) == {"queued": 0, "leased": 0, "seeds": 0, "workers": 0}


@pytest.mark.slow
def test_the_shared_state_makes_the_next_run_incremental(redis_server: RedisServer,
                                                         small_replica: RunningReplica,
                                                         tmp_path: Path) -> None:
    """Two processes per run: the second run downloads nothing again (304 to conditional requests),
    whichever process parsed an article's listing entry and whichever downloaded it."""
    expected = expected_urls(small_replica)

    def run(name: str) -> tuple[list[str], str]:
        feeds = [tmp_path / f"{name}-{i}.jsonl" for i in (1, 2)]
        processes = [start_worker(redis_server, small_replica, feed) for feed in feeds]
        logs = "".join(finish(process, feed) for process, feed in zip(processes, feeds, strict=True))
        return feed_urls(feeds[0]) + feed_urls(feeds[1]), logs

    push_seeds(redis_server, small_replica)
    first, _ = run("first")
    assert sorted(first) == sorted(expected)

    out = push_seeds(redis_server, small_replica)  # a new run: frontier emptied, state kept
    assert "new run" in out
    second, logs = run("second")
    assert second == []  # nothing new or changed
    not_modified = sum(int(n) for n in re.findall(r"'incremental/not_modified': (\d+)", logs))
    assert not_modified == len(expected)
    assert "listing_changed" not in logs


@pytest.mark.slow
def test_push_seeds_refuses_to_reset_a_running_crawl(redis_server: RedisServer,
                                                     small_replica: RunningReplica) -> None:
    client = redis_server.client()
    keys = FrontierKeys.from_settings(Settings(), "arabstoday")
    client.sadd(keys.workers, "host:1:abc")
    client.set("newscrawl:worker:host:1:abc", "now", ex=30)
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "push-seeds", "-s", f"REDIS_URL={redis_server.url}",
         "-a", f"base_url={small_replica.url}"], cwd=ROOT, env=ENV, capture_output=True, text=True,
        timeout=60)
    assert proc.returncode == 1 and "still running" in proc.stdout
    assert "new run" in push_seeds(redis_server, small_replica, "--force")
    assert client.llen(keys.start) == len(SECTIONS)
    assert "added to the current run" in push_seeds(redis_server, small_replica, "--keep")
    assert client.llen(keys.start) == 2 * len(SECTIONS)


# -- Redis outages (issue 11) ---------------------------------------------------------------------


def exit_of(process: subprocess.Popen[bytes], feed: Path, timeout: float = 180) -> tuple[int, str]:
    """The exit status and log of a crawl process (killed if it does not exit in ``timeout``)."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return process.returncode, feed.with_suffix(".log").read_text(encoding="utf-8", errors="replace")


def outage_mid_crawl(redis: RedisServer, processes: list[subprocess.Popen[bytes]], feeds: list[Path]) -> None:
    """Stop Redis (as systemctl does) once the crawl is under way — requests seen, leases held — and
    only once every crawl process has seen it gone (its log says so)."""
    client = redis.client()
    keys = FrontierKeys.from_settings(Settings(), "arabstoday")
    wait_until(lambda: client.scard(keys.workers) == len(processes) and client.scard(keys.dupefilter) > 100
               and client.hlen(keys.processing) > 0, 120, "the crawl to be under way", interval=0.02)
    redis.shutdown()
    for process, feed in zip(processes, feeds, strict=True):
        log = feed.with_suffix(".log")
        wait_until(lambda p=process, log=log: "unreachable" in log.read_text(errors="replace")
                   or p.poll() is not None, 120, "the crawl process to see Redis gone")


@pytest.mark.slow
def test_redis_restarted_with_persistence_loses_nothing(small_replica: RunningReplica,
                                                        tmp_path: Path) -> None:
    """Redis restarted mid-crawl, its append-only file on: the processes reconnect, keep their leases
    and finish — exit 0, every article exported exactly once, nothing left in the frontier."""
    redis = start_redis(tmp_path / "redis", persistence=True)
    try:
        expected = expected_urls(small_replica)
        push_seeds(redis, small_replica)
        feeds = [tmp_path / "one.jsonl", tmp_path / "two.jsonl"]
        processes = [start_worker(redis, small_replica, feed) for feed in feeds]
        outage_mid_crawl(redis, processes, feeds)
        redis.start()
        logs = "".join(finish(process, feed) for process, feed in zip(processes, feeds, strict=True))
        exported = feed_urls(feeds[0]) + feed_urls(feeds[1])
        duplicates = [url for url, n in Counter(exported).items() if n > 1]
        assert not duplicates, f"{len(duplicates)} articles exported twice, e.g. {duplicates[:3]}"
        assert set(exported) == expected, (len(expected - set(exported)), len(set(exported) - expected))
        assert logs.count("is back after") == 2  # both rode the outage out
        assert "has no persistence" not in logs and "'frontier/redis_persistence': 'aof'" in logs
        assert frontier_left(redis) == {"queued": 0, "leased": 0, "seeds": 0, "workers": 0}
        assert redis.client().hlen("newscrawl:state:articles") == len(expected)
    finally:
        redis.stop()


@pytest.mark.slow
def test_redis_restarted_without_persistence_stops_the_run_with_status_1(small_replica: RunningReplica,
                                                                          tmp_path: Path) -> None:
    """The README's old advice (``--save ''``): Redis comes back empty, the queue is gone. Each process
    warned at start, and now stops with status 1 and the reason — never "finished" with exit 0."""
    redis = start_redis(tmp_path / "redis")
    try:
        push_seeds(redis, small_replica)
        feeds = [tmp_path / "one.jsonl", tmp_path / "two.jsonl"]
        processes = [start_worker(redis, small_replica, feed) for feed in feeds]
        outage_mid_crawl(redis, processes, feeds)
        redis.start()
        for process, feed in zip(processes, feeds, strict=True):
            status, log = exit_of(process, feed)
            assert status == 1, log[-4000:]
            assert "has no persistence (save '' and appendonly no)" in log
            reason = re.findall(r"^scrapy: error: (.*)$", log, re.MULTILINE)
            assert len(reason) == 1 and "restarted without persistence" in reason[0], log[-4000:]
            verdict = report_beside(feed)["verdict"]
            assert (verdict["status"], verdict["rule"]) == (1, "fatal"), verdict
            assert last_line(log) == contract_line(verdict), log[-4000:]
            assert "'finish_reason': 'redis_unavailable'" in log
            assert "Traceback" not in log
    finally:
        redis.stop()


@pytest.mark.slow
def test_redis_gone_longer_than_the_wait_stops_with_status_1_and_keeps_the_frontier(
        small_replica: RunningReplica, tmp_path: Path) -> None:
    """Redis down for longer than NEWSCRAWL_REDIS_WAIT: the process stops with status 1, writing
    nothing more; the frontier it leaves (queue, its leases) is whole, so a process started once Redis
    is back finishes the run: together they exported every article (at least once)."""
    redis = start_redis(tmp_path / "redis", persistence=True)
    try:
        expected = expected_urls(small_replica)
        push_seeds(redis, small_replica)
        first = tmp_path / "first.jsonl"
        process = start_worker(redis, small_replica, first, "-s", "NEWSCRAWL_REDIS_WAIT=2")
        outage_mid_crawl(redis, [process], [first])
        status, log = exit_of(process, first)
        assert status == 1, log[-4000:]
        reason = re.findall(r"^scrapy: error: (.*)$", log, re.MULTILINE)
        assert len(reason) == 1 and "unreachable for" in reason[0], log[-4000:]
        assert "NEWSCRAWL_REDIS_WAIT=2" in reason[0] and "Traceback" not in log
        verdict = report_beside(first)["verdict"]
        assert (verdict["status"], verdict["rule"]) == (1, "fatal"), verdict
        assert last_line(log) == contract_line(verdict), log[-4000:]

        redis.start()
        left = frontier_left(redis)
        assert left["queued"] + left["leased"] > 0  # what the stopped process held or had not reached
        second = tmp_path / "second.jsonl"
        log = finish(start_worker(redis, small_replica, second), second)
        again = feed_urls(second)
        assert len(again) == len(set(again))
        assert set(feed_urls(first)) | set(again) == expected
        assert "'frontier/recovered'" in log or left["leased"] == 0
        assert frontier_left(redis) == {"queued": 0, "leased": 0, "seeds": 0, "workers": 0}
    finally:
        redis.stop()


# -- scrapyd -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_deploy_to_scrapyd_and_schedule_a_crawl(small_replica: RunningReplica, tmp_path: Path) -> None:
    """scrapyd-deploy builds the egg from setup.py/pyproject, scrapyd runs the crawl from it."""
    try:
        import scrapyd_client  # noqa: F401
    except ImportError:
        missing("scrapyd-client", "pip install -e '.[test]'")
    scrapyd = start_scrapyd(tmp_path / "scrapyd")
    try:
        xdg = tmp_path / "xdg"
        xdg.mkdir()
        (xdg / "scrapy.cfg").write_text(f"[deploy:loopback]\nurl = {scrapyd.url}\n", encoding="utf-8")
        env = {**ENV, "XDG_CONFIG_HOME": str(xdg)}
        egg = tmp_path / "newscrawl.egg"
        deploy = [sys.executable, "-m", "scrapyd_client.deploy"]
        build = subprocess.run([*deploy, "--build-egg", str(egg)], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=300)
        assert build.returncode == 0, build.stderr[-3000:]
        names = set(zipfile.ZipFile(egg).namelist())
        for needed in ("newscrawl/settings.py", "newscrawl/frontier.py", "spiders/arabstoday.py",
                       "pipelines/state.py", "newscrawl/commands/push-seeds.py",
                       "newscrawl/replica/data/seed_article.txt"):
            assert needed in names, needed
        entry_points = zipfile.ZipFile(egg).read("EGG-INFO/entry_points.txt").decode()
        assert "settings = newscrawl.settings" in entry_points  # how scrapyd finds the settings

        deployed = subprocess.run([*deploy, "loopback", "--egg", str(egg), "--version", "r1"], cwd=ROOT,
                                  env=env, capture_output=True, text=True, timeout=120)
        assert deployed.returncode == 0 and '"status": "ok"' in deployed.stdout, deployed.stderr[-3000:]
        assert scrapyd.get("listspiders.json", project="newscrawl")["spiders"] == ["arabstoday"]

        def schedule(jobid: str, base_url: str, feed: Path) -> dict[str, Any]:
            """As the README's "Exit status" shows: a job id, and the report where the verdict is read."""
            job = scrapyd.post("schedule.json", [
                ("project", "newscrawl"), ("spider", "arabstoday"), ("jobid", jobid),
                ("base_url", base_url), ("sections", "syria,writers"),
                ("setting", "FEEDS=" + json.dumps({str(feed): {"format": "jsonlines"}})),
                ("setting", f"NEWSCRAWL_REPORT={tmp_path / 'reports' / jobid}.json"),
                ("setting", "TELNETCONSOLE_ENABLED=0"),
            ])
            assert job == {**job, "status": "ok", "jobid": jobid}, job

            def finished() -> dict[str, Any] | None:
                jobs = scrapyd.get("listjobs.json", project="newscrawl")
                return next((j for j in jobs["finished"] if j["id"] == jobid), None)

            done = wait_until(finished, 180, "the scheduled crawl to finish", interval=0.5)
            report = json.loads((tmp_path / "reports" / f"{jobid}.json").read_text(encoding="utf-8"))
            return {"job": done, "verdict": report["verdict"]}

        feed = tmp_path / "scheduled.jsonl"
        good = schedule("hourly-1", small_replica.url, feed)
        log = scrapyd.directory / "logs" / "newscrawl" / "arabstoday" / "hourly-1.log"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        assert "'finish_reason': 'finished'" in text, (good, text[-3000:])
        assert good["verdict"]["status"] == 0, good
        assert text.splitlines()[-1].endswith(f" INFO: Verdict: {good['verdict']['line']}")  # the log ends so
        exported = feed_urls(feed)
        assert len(exported) == len(set(exported))
        assert set(exported) == expected_urls(small_replica, ("syria", "writers"))
        # scrapyd lists a job that failed (status 1) under "finished" too: only the report tells
        bad = schedule("hourly-2", f"http://127.0.0.1:{free_port()}", tmp_path / "nothing.jsonl")
        assert bad["verdict"]["status"] == 1 and bad["verdict"]["rule"] == "no_response"
        assert set(bad["job"]) == set(good["job"])  # no field of scrapyd's says which one failed
    finally:
        scrapyd.stop()


def test_scrapy_cfg_deploy_target() -> None:
    from configparser import ConfigParser

    cfg = ConfigParser()
    cfg.read(ROOT / "scrapy.cfg")
    assert cfg["deploy"]["url"] == "http://localhost:6800/"
    assert cfg["deploy"]["project"] == "newscrawl"


# -- layering ----------------------------------------------------------------------------------


def _module_imports(path: Path) -> set[str]:
    """Every ``newscrawl`` module ``path`` imports, at any depth of its code (TYPE_CHECKING too)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("newscrawl"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("newscrawl"))
    return found


def test_distributed_modules_import_only_downward() -> None:
    """No import cycle through the distributed modules (issue 13): the switch imports the frontier,
    the frontier the Redis store and the shared key names, never the other way round."""
    package = ROOT / "newscrawl"
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for p in package.rglob("*.py")}
    graph = {name: {m for m in _module_imports(path) if m in modules and m != name}
             for name, path in modules.items()}

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    mine = ("newscrawl.distributed", "newscrawl.frontier", "newscrawl.frontier_keys",
            "newscrawl.state_redis", "newscrawl.seeds", "newscrawl.stores")
    assert "newscrawl.frontier" in graph["newscrawl.distributed"]  # the graph sees lazy imports
    cycles = [m for m in mine if reaches(m, m)]
    assert not cycles, cycles
