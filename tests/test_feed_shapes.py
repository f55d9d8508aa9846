"""The live site's known feed shapes — ``/ar/rss``, ``/rss``, ``/<English slug>/rss.xml``,
``/rss/<Arabic tag>`` — in the site definitions, served by the replica and crawled by ``discover=rss``."""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from newscrawl.replica.discovery import city_tag
from newscrawl.sites import SITES, get_site
from tests.conftest import RunningReplica, run_crawl, start_replica

RSS_ITEMS = 50  # the replica's default --rss-items


def test_site_definitions_follow_the_shapes_seen_live():
    keys = ("arabstoday", "almaghribtoday", "casablancatoday")
    arabstoday, almaghrib, casablanca = (get_site(k) for k in keys)
    assert arabstoday.rss_paths == ("/ar/rss",)
    assert almaghrib.rss_paths == ("/rss",)
    assert arabstoday.section_feed_path(arabstoday.section("sports")) == "/sports/rss.xml"
    for site in (almaghrib, casablanca):
        assert site.section_feed_path(site.section("health")) == "/health/rss.xml"
    assert almaghrib.tag_feed_path("المدينة-طنجة") == "/rss/المدينة-طنجة"
    for site in SITES.values():  # one feed per section, each slug once
        paths = [site.section_feed_path(s) for s in site.sections]
        assert len(set(paths)) == len(paths) and all(p.endswith("/rss.xml") for p in paths)


def _items(url: str) -> list[str]:
    with urllib.request.urlopen(urllib.parse.quote(url, safe=":/"), timeout=30) as response:
        root = etree.fromstring(response.read())
    return [link.text for link in root.iter("link")][1:]  # the channel's own link first


@pytest.fixture(scope="module")
def replica() -> Iterator[RunningReplica]:
    running = start_replica("--articles", "120", "--seed", "4")
    yield running
    running.stop()


def _newest(articles: list[dict[str, Any]], **match: Any) -> list[str]:
    chosen = [a for a in articles if all(a[k] == v for k, v in match.items()) and a["article_id"] != "095935"]
    return [a["url"] for a in chosen[:RSS_ITEMS]]


def test_the_replica_serves_every_shape(replica: RunningReplica):
    site = get_site("arabstoday")
    newest = [a["url"] for a in replica.articles[:RSS_ITEMS]]
    assert _items(replica.url + "/ar/rss") == _items(replica.url + "/rss") == newest
    for section in site.sections:
        assert _items(replica.url + site.section_feed_path(section)) == _newest(
            replica.articles, section=section.key), section.key
    cities = {a["dateline"] for a in replica.articles if a["dateline"]}
    assert len(cities) > 3
    for city in cities:
        tagged = [a["url"] for a in replica.articles if a["dateline"] == city][:RSS_ITEMS]
        assert _items(replica.url + site.tag_feed_path(city_tag(city))) == tagged, city


def test_rss_crawl_of_section_feeds(tmp_path: Path, replica: RunningReplica):
    result = run_crawl(tmp_path, "-a", f"base_url={replica.url}", "-a", "discover=rss",
                       "-a", "sections=sports,writers")
    assert result.returncode == 0, result.log[-3000:]
    expected = _newest(replica.articles, section="sports") + _newest(replica.articles, section="writers")
    assert sorted(i["url"] for i in result.items()) == sorted(expected)


def test_rss_crawl_of_tag_feeds(tmp_path: Path, replica: RunningReplica):
    cities = sorted({a["dateline"] for a in replica.articles if a["dateline"]})[:2]
    result = run_crawl(tmp_path, "-a", f"base_url={replica.url}", "-a", "discover=rss",
                       "-a", "tags=" + ",".join(city_tag(c) for c in cities))
    assert result.returncode == 0, result.log[-3000:]
    expected = [a["url"] for a in replica.articles if a["dateline"] in cities]
    assert len(expected) > 1 and sorted(i["url"] for i in result.items()) == sorted(expected)


def test_a_sister_site_is_crawled_through_its_own_site_feed(tmp_path: Path):
    sister = start_replica("--site", "almaghribtoday", "--articles", "80", "--seed", "2")
    try:
        result = run_crawl(tmp_path, "-a", "site=almaghribtoday", "-a", f"base_url={sister.url}",
                           "-a", "discover=rss", "-s", "LOG_LEVEL=DEBUG")
        assert result.returncode == 0, result.log[-3000:]
        newest = [a["url"] for a in sister.articles[:RSS_ITEMS]]
        assert sorted(i["url"] for i in result.items()) == sorted(newest)
        assert f"<GET {sister.url}/rss>" in result.log and "/ar/rss" not in result.log
    finally:
        sister.stop()
