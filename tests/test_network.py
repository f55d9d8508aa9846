"""The network of sites: definitions, identity across hosts, and a ``site=all`` crawl of the replica
emulating every site with a mirror host each and listings that link mirror and AMP copies."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse

from newscrawl.arguments import ArgumentError, CrawlArguments
from newscrawl.extract import ListingEntry, article_identity, brand_of, load_article
from newscrawl.network import Network, comparable_url, parse_hosts
from newscrawl.replica import Catalogue, pages
from newscrawl.sites import SITES, get_site, sites_for
from newscrawl.sites.base import Section, SiteDefinition, mirror_origins
from tests.conftest import ROOT, CrawlResult, RunningReplica, run_crawl, start_replica
from tests.truth import expected_record, record_mismatches

ARTICLES = 24  # per site: 10 sites, about 250 articles in all
#: Every section key of the network read without a browser (``-a sections=`` of a ``site=all`` crawl).
STATIC_KEYS = sorted({s.key for site in SITES.values() for s in site.sections if not s.render})
#: Labels as the publisher notes list them (albahraintoday and syria-24 print another site's).
NOTED_BRANDS = {
    "arabstoday": "العرب اليوم", "emiratesvoice": "صوت الإمارات", "almaghribtoday": "المغرب اليوم",
    "omantoday": "عمان اليوم", "lebanontoday": "لبنان اليوم", "alsaudiatoday": "السعودية اليوم",
    "casablancatoday": "الدار البيضاء اليوم", "moroccosports": "المغرب الرياضي",
    "albahraintoday": "صوت الإمارات", "syria24": "المغرب اليوم",
}


def fetch_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


# --- definitions ------------------------------------------------------------------------------------
def test_every_site_of_the_notes_is_defined() -> None:
    hosts = {site.base_url.split("://")[1].removeprefix("www."): key for key, site in SITES.items()}
    assert set(hosts) == {"arabstoday.net", "emiratesvoice.com", "almaghribtoday.net", "omantoday.net",
                          "lebanontoday.net", "alsaudiatoday.com", "casablancatoday.com", "moroccosports.net",
                          "albahraintoday.com", "syria-24.com"}
    assert {key: site.brand for key, site in SITES.items()} == NOTED_BRANDS
    for site in SITES.values():
        host = site.base_url.split("://www.")[1]
        assert site.mirrors == (f"https://{host}", f"https://mail.{host}", f"https://android.{host}",
                                f"https://autodiscover.{host}", f"https://host.{host}"), site.key
        assert any(s.kind == "opinion" for s in site.sections), site.key  # a writers' section
        assert len({s.id for s in site.sections}) == len(site.sections)
    assert get_site("emiratesvoice").timezone == "Asia/Dubai"
    assert get_site("emiratesvoice").update_zone_label == "أبوظبي"
    assert [s.key for s in sites_for("all")][0] == "arabstoday" and len(sites_for("all")) == 10


def test_scrapy_sites_lists_keys_hosts_and_brands() -> None:
    out = subprocess.run([sys.executable, "-m", "scrapy", "sites"], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == len(SITES)
    emirates = next(line for line in lines if line.startswith("emiratesvoice"))
    assert "www.emiratesvoice.com" in emirates and "صوت الإمارات -" in emirates


def test_a_new_site_of_the_cms_is_only_a_definition() -> None:
    """A site nobody wrote code for: the replica serves it from its definition and the extraction
    reads it (label line → brand, its own key, identity in its own family)."""
    site = SiteDefinition(
        key="kuwaittoday", name="الكويت اليوم", brand="الكويت اليوم", base_url="https://www.kuwaittoday.test",
        mirrors=mirror_origins("kuwaittoday.test"),
        sections=(Section("kuwait", "1", "أخبار الكويت"), Section("world", "3", "أخبار عالمية"),
                  Section("writers", "w", "مقالات", kind="opinion")),
    )
    cat = Catalogue(articles=12, seed=4, site=site)
    base = "http://127.0.0.1:9"
    for entry in cat.manifest(base)[:4]:
        art = cat.article(cat.index_of(entry["article_id"]))
        html = pages.article_page(cat, art, base).encode()
        response = HtmlResponse(url=entry["url"], body=html, encoding="utf-8")
        listing = ListingEntry(entry["url"], entry["section"], None, None, None, entry["listing_stamp"],
                               site=site.key)
        item = load_article(response, site, listing)
        assert (item["site"], item["brand"], item["title"]) == ("kuwaittoday", "الكويت اليوم", entry["title"])
        assert item["body"] and item["article_id"] == entry["article_id"]


def test_identity_is_the_site_family_and_the_ids() -> None:
    site = get_site("emiratesvoice")
    path = "/8/100123-%D8%B9%D9%86%D9%88%D8%A7%D9%86"
    urls = [f"https://www.emiratesvoice.com{path}", f"https://mail.emiratesvoice.com{path}",
            f"https://android.emiratesvoice.com/amp{path}", f"http://127.0.0.1:8001{path}/",
            "https://host.emiratesvoice.com/8/100123-another-slug?utm_source=x"]
    assert {article_identity(site, u) for u in urls} == {"emiratesvoice:8/100123"}
    # ids are per family: the same ids on another site are another article
    assert article_identity(get_site("omantoday"), urls[0]) == "omantoday:8/100123"
    # «العرب اليوم»'s keys are the ones its state files already hold
    seed = "https://www.arabstoday.net/40/095935-x"
    assert article_identity(get_site("arabstoday"), seed) == "arabstoday:40/095935"


def test_urls_move_to_the_primary_origin() -> None:
    hosts = parse_hosts({"emiratesvoice": {"base_url": "http://127.0.0.1:8001", "mirrors": ["http://127.0.0.1:8002"]}})
    network = Network.for_crawl(sites_for("emiratesvoice"), None, None, hosts)
    for url in ("http://127.0.0.1:8002/8/100123-x", "http://127.0.0.1:8001/amp/8/100123-x",
                "https://mail.emiratesvoice.com/amp/8/100123-x"):
        assert network.primary_url(url) == "http://127.0.0.1:8001/8/100123-x"
    assert network.is_copy("http://127.0.0.1:8002/8/100123-x") == "mirror"
    assert network.is_copy("http://127.0.0.1:8001/amp/8/100123-x") == "amp"
    assert network.primary_url("http://elsewhere.example/8/1-x") == "http://elsewhere.example/8/1-x"
    regular = "http://127.0.0.1:8001/8/100123-x"
    assert network.primary_url(regular) == regular  # the fast path: already the regular page
    assert network.is_copy(regular) is None
    encoded = "http://h/8/1-%D8%B9%D9%86%D9%88%D8%A7%D9%86"
    assert comparable_url("http://H/8/1-عنوان/?utm=1") == encoded
    assert comparable_url(encoded + "#top") == encoded
    assert comparable_url("http://h2/8/1-%D8%B9%D9%86%D9%88%D8%A7%D9%86") != encoded


def test_brand_is_the_label_line_as_printed() -> None:
    assert brand_of(" العرب اليوم -") == "العرب اليوم"
    assert brand_of("صوت الإمارات -\u00a0") == "صوت الإمارات"
    assert brand_of("  ") is None and brand_of(None) is None


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"site": "nowhere"}, "-a site='nowhere': unknown site"),
    ({"site": "all", "base_url": "http://127.0.0.1:1"}, "one URL cannot serve 10 sites"),
    ({"hosts": "{not json"}, "-a hosts=: not JSON"),
    ({"hosts": '{"nowhere": "http://x"}'}, "unknown site 'nowhere'"),
    ({"until": "2025-04-01"}, "applies to discover=sitemap or discover=rss"),
    ({"discover": "backfill"}, "needs -a id_from=N and -a id_to=M"),
    ({"discover": "backfill", "id_from": "9", "id_to": "3"}, "greater than -a id_to=3"),
    ({"discover": "atom"}, "expected one of listings, rss, sitemap, backfill"),
])
def test_network_and_discovery_arguments_are_checked(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ArgumentError) as error:
        CrawlArguments.from_kwargs(dict(kwargs))
    assert message in str(error.value)


# --- a crawl of the whole network ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def network_replica() -> Any:
    running = start_replica("--site", "all", "--articles", str(ARTICLES), "--seed", "5", "--mirrors", "1",
                            "--copies", "0.3")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def hosts(network_replica: RunningReplica) -> dict[str, Any]:
    return fetch_json(network_replica.url + "/__replica__/network.json")["sites"]


@pytest.fixture(scope="module")
def network_crawl(network_replica: RunningReplica, hosts: dict[str, Any],
                  tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    tmp = tmp_path_factory.mktemp("network")
    hosts_file = tmp / "hosts.json"
    hosts_file.write_text(json.dumps({"sites": hosts}), encoding="utf-8")
    result = run_crawl(tmp, "-a", "site=all", "-a", f"hosts=@{hosts_file}",
                       "-a", "sections=" + ",".join(STATIC_KEYS), feeds=("items.jsonl", "items.csv"))
    assert result.returncode == 0, result.log[-3000:]
    return result


@pytest.fixture(scope="module")
def expected(hosts: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every article the replica lists without a browser, by canonical URL, with its site and brand."""
    found = {}
    for key, spec in hosts.items():
        manifest = fetch_json(spec["base_url"] + "/__replica__/manifest.json")
        rendered = {s.key for s in get_site(key).sections if s.render}
        copies = fetch_json(spec["base_url"] + "/__replica__/copies.json")
        for article in manifest["articles"]:
            if article["section"] not in rendered:
                found[article["url"]] = {**article, "site": key, "brand": manifest["brand"],
                                         "copies": copies.get(article["url"], [])}
    return found


def test_site_all_exports_every_article_of_every_site_once(network_crawl: CrawlResult,
                                                           expected: dict[str, dict[str, Any]]) -> None:
    items = network_crawl.items("items.jsonl")
    counts = Counter(item["url"] for item in items)
    assert [url for url, n in counts.items() if n > 1] == []
    assert set(counts) == set(expected)
    assert len({e["site"] for e in expected.values()}) == 10
    mismatches, stories = [], {}
    for item in items:
        truth = expected[item["url"]]
        assert truth["brand"] == NOTED_BRANDS[truth["site"]]
        record = expected_record(truth, truth["site"], truth["brand"], other_urls=truth["copies"])
        record["copy_of"] = item["copy_of"]  # which copy of a story comes first is the crawl's order: below
        mismatches += record_mismatches(item, record)
        identity = article_identity(get_site(truth["site"]), item["url"])
        stories.setdefault(truth["story"], []).append((identity, item["copy_of"], item["story_id"]))
    assert mismatches == []  # every field of every site's records, as its manifest says
    assert any(len(members) > 1 for members in stories.values())  # the sites republish each other
    for members in stories.values():  # the first copy of a story met is its original, the others name it
        firsts = [identity for identity, copy_of, _ in members if copy_of is None]
        assert len(firsts) == 1 and all(copy_of in (None, firsts[0]) for _, copy_of, _ in members), members
        assert len({story_id for _, _, story_id in members}) == 1, members
    assert len({members[0][2] for members in stories.values()}) == len(stories)


def test_copies_met_on_mirrors_and_amp_are_other_urls(network_crawl: CrawlResult,
                                                       expected: dict[str, dict[str, Any]]) -> None:
    items = network_crawl.items("items.jsonl")
    with_copies = [i for i in items if expected[i["url"]]["copies"]]
    assert len(with_copies) > 20  # the replica linked copies of about 30% of the articles
    for item in items:
        assert sorted(item["other_urls"] or []) == sorted(expected[item["url"]]["copies"]), item["url"]
    log = network_crawl.log
    assert "'network/mirror_links'" in log and "'network/amp_links'" in log


def test_each_article_downloaded_once_from_its_primary_host(network_crawl: CrawlResult, hosts: dict[str, Any],
                                                            expected: dict[str, dict[str, Any]]) -> None:
    per_site = Counter(e["site"] for e in expected.values())
    for key, spec in hosts.items():
        primary = fetch_json(spec["base_url"] + "/__replica__/stats.json")["requests"]["article"]
        assert primary == {"200": per_site[key]}, key
        for mirror in spec["mirrors"]:
            assert fetch_json(mirror + "/__replica__/stats.json")["requests"]["article"] == {}, key


def test_local_update_stamps_of_emiratesvoice(network_crawl: CrawlResult,
                                              expected: dict[str, dict[str, Any]]) -> None:
    items = [i for i in network_crawl.items("items.jsonl") if i["site"] == "emiratesvoice"]
    stamped = [i for i in items if i["updated_raw"] and "بتوقيت أبوظبي" in i["updated_raw"]]
    assert len(stamped) > len(items) // 2
    for item in items:
        truth = expected[item["url"]]
        assert item["updated_raw"] == truth["updated_raw"]
        assert item["updated_at"] == truth["updated_at"]  # 21:44:11 in Abu Dhabi is 17:44:11 UTC
        assert item["published_at"] == truth["published_at"]


def test_csv_joins_other_urls(network_crawl: CrawlResult) -> None:
    by_url = {i["url"]: i for i in network_crawl.items("items.jsonl")}
    rows = list(csv.DictReader(io.StringIO(network_crawl.feeds["items.csv"].read_text(encoding="utf-8"))))
    assert list(rows[0])[:5] == ["url", "other_urls", "article_id", "site", "brand"]
    for row in rows:
        assert row["other_urls"] == "; ".join(by_url[row["url"]]["other_urls"] or [])


def test_embedded_replica_of_several_sites(tmp_path: Path) -> None:
    result = run_crawl(tmp_path, "-a", "source=replica", "-a", "site=emiratesvoice,omantoday",
                       "-a", "replica_articles=10", "-a", "sections=emirates,oman,world,writers")
    assert result.returncode == 0, result.log[-3000:]
    items = result.items()
    assert {i["site"] for i in items} == {"emiratesvoice", "omantoday"}
    assert {i["brand"] for i in items} == {"صوت الإمارات", "عمان اليوم"}
    assert len({(i["site"], i["article_id"]) for i in items}) == len(items)
