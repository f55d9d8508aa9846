"""End to end: `scrapy crawl arabstoday` against the replica over loopback, through the real engine."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from newscrawl.items import ARTICLE_FIELDS
from newscrawl.sites import get_site
from tests.conftest import SEED_FILE, CrawlResult, RunningReplica, manifest_of, run_crawl, static_sections
from tests.truth import expected_record, record_mismatches

FEEDS = ("items.jsonl", "items.json", "items.csv", "items.xml")
SITE = get_site("arabstoday")
# The sections read without a browser (static_sections, manifest_of): the client-side one is crawled
# through Chromium in tests/test_render.py, so these tests run on a machine without a browser too.
STATIC_SECTIONS = static_sections()


@pytest.fixture(scope="module")
def full_crawl(replica: RunningReplica, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    result = run_crawl(tmp_path_factory.mktemp("crawl"), "-a", f"base_url={replica.url}", *STATIC_SECTIONS,
                       feeds=FEEDS)
    assert result.returncode == 0, result.log[-3000:]
    return result


@pytest.fixture(scope="module")
def items(full_crawl: CrawlResult) -> list[dict]:
    return full_crawl.items("items.jsonl")


@pytest.fixture(scope="module")
def by_url(items: list[dict]) -> dict[str, dict]:
    return {item["url"]: item for item in items}


def test_every_manifest_article_exported_exactly_once(items, replica):
    counts = Counter(item["url"] for item in items)
    expected = {a["url"] for a in manifest_of(replica)}
    assert {url for url, n in counts.items() if n > 1} == set()
    assert set(counts) == expected
    assert len(items) == len(expected)


def test_fields_equal_the_manifest(by_url, replica):
    mismatches = []
    for article in manifest_of(replica):
        # the replica serves each article at one URL, as an original (no alias, mirror or copy)
        assert (article["aliases"], article["republished"]) == ([], None), article["url"]
        expected = expected_record(article, "arabstoday", SITE.brand)
        mismatches += record_mismatches(by_url[article["url"]], expected)
    assert mismatches == []


def test_story_ids_group_as_the_manifests_stories(items, replica):
    """story_id is an opaque key: the records it groups are exactly those of one manifest story."""
    truth = {a["url"]: a["story"] for a in manifest_of(replica)}
    grouped: dict[str, set[str]] = {}
    for item in items:
        grouped.setdefault(item["story_id"], set()).add(truth[item["url"]])
    assert all(len(stories) == 1 for stories in grouped.values())
    assert len(grouped) == len(set(truth.values()))


def test_crawled_at_is_within_the_run(full_crawl, items):
    report = json.loads(full_crawl.feeds["items.jsonl"].with_name("items.report.json").read_text())
    start = datetime.fromisoformat(report["start_time"]).replace(microsecond=0)
    finish = datetime.fromisoformat(report["finish_time"])
    assert all(start <= datetime.fromisoformat(item["crawled_at"]) <= finish for item in items)


def test_every_article_has_its_utc_dates(items):
    """published_at for every article, updated_at for every page with an update stamp."""
    assert all(item["published_at"] and item["published_at"].endswith("+00:00") for item in items)
    stamped = [item for item in items if item["updated_raw"]]
    assert stamped and all(item["updated_at"] >= item["published_at"] for item in stamped)
    assert all(item["updated_at"] is None for item in items if not item["updated_raw"])
    related = [r for item in items for r in item["related"] or [] if r["stamp"]]
    assert related and all(r["published_at"] for r in related)


def _seed_lines() -> list[str]:
    return [line.strip() for line in SEED_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_seed_article_equals_the_seed_text(items):
    lines = _seed_lines()
    seed = next(item for item in items if item["title"] == lines[0])
    first = next(i for i, line in enumerate(lines) if line.startswith("أعلنت مصادر روسية وأميركية"))
    last = next(i for i, line in enumerate(lines) if line.endswith("استُخدمت فيها أسلحة مدفعية ثقيلة\"."))
    paragraphs = lines[first:last + 1]
    assert len(paragraphs) == 8
    assert seed["title"] == "محادثات أميركية ـــ روسية لتنسيق تحركات قوات التحالف الدولي" == lines[0]
    assert seed["subtitle"] == lines[3] == "ركزا على الوضع في أوروبا وفي مناطق النزاع"
    assert seed["image_caption"] == lines[first - 2] == "رئيس الأركان الروسي فاليري غيراسيموف"
    assert (seed["dateline"], seed["author"]) == ("موسكو", "ريتا مهنا")
    assert lines[first - 1] == "موسكو ـ ريتا مهنا"
    assert seed["body"] == "\n\n".join(paragraphs)
    assert seed["body"].split("\n\n")[0].startswith("أعلنت مصادر روسية وأميركية")
    assert seed["updated_raw"] == lines[1] == "آخر تحديث GMT12:58:10"
    assert seed["section"] == "syria"
    stamps = [r["stamp"] for r in seed["related"] if r["stamp"]]
    assert stamps == [line for line in lines if line.startswith("GMT ")]
    assert len(stamps) == 14


def test_no_body_holds_noise(items):
    """Over every article: nothing of the comment form, related list, label or footer in body."""
    noise = set(SITE.noise_lines) | {"arabstoday", "syria-24", "قد يهمك أيضا", "Characters Left",
                                     "Security Code", "جميع الحقوق محفوظة", "شروط النشر",
                                     "بناية النخيل", "آخر تحديث", "GMT "}
    offenders = []
    for item in items:
        body = item["body"]
        hits = [n for n in noise if n in body]
        hits += [r["title"] for r in item["related"] or [] if r["title"] in body]
        if body.startswith(SITE.brand) or hits:
            offenders.append((item["url"], hits))
    assert offenders == []
    assert all(item["body"] for item in items)


def test_listing_fields_carried_to_article(by_url, replica):
    for article in manifest_of(replica):
        item = by_url[article["url"]]
        assert item["summary"] == article["summary"]
        assert item["published_raw"] == article["listing_stamp"]


# --- the four export formats, read back -------------------------------------------------------------

def test_jsonl_and_json_agree_and_are_readable(full_crawl, items):
    raw = full_crawl.feeds["items.json"].read_text(encoding="utf-8")
    assert "\\u06" not in raw and "محادثات" in raw
    assert json.loads(raw) == items
    assert "\\u06" not in full_crawl.feeds["items.jsonl"].read_text(encoding="utf-8")
    assert all(list(item) == list(ARTICLE_FIELDS) for item in items)


def test_csv_reads_back(full_crawl, by_url):
    raw = full_crawl.feeds["items.csv"].read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert rows and list(rows[0]) == list(ARTICLE_FIELDS)
    assert len(rows) == len(by_url)
    for row in rows:
        item = by_url[row["url"]]
        assert row["title"] == item["title"]
        assert row["body"] == item["body"]
        related = row["related"].splitlines() if row["related"] else []
        assert len(related) == len(item["related"] or [])
        for line, entry in zip(related, item["related"] or [], strict=True):
            assert entry["title"] in line and (entry["stamp"] or "") in line


def test_xml_reads_back(full_crawl, by_url):
    tree = etree.parse(str(full_crawl.feeds["items.xml"]))
    nodes = tree.getroot().findall("item")
    assert len(nodes) == len(by_url)
    for node in nodes:
        item = by_url[node.findtext("url")]
        assert node.findtext("title") == item["title"]
        assert node.findtext("body") == item["body"]
        assert [child.tag for child in node] == [f for f in ARTICLE_FIELDS if f in {c.tag for c in node}]
        titles = [v.findtext("title") for v in node.findall("related/value")]
        assert titles == [r["title"] for r in item["related"] or []]


# --- spider arguments ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_embedded_replica_mode(tmp_path: Path):
    from newscrawl.replica import Catalogue

    result = run_crawl(tmp_path, "-a", "source=replica", "-a", "replica_articles=40", "-a", "replica_seed=5",
                       *STATIC_SECTIONS)
    assert result.returncode == 0, result.log[-3000:]
    expected = {a["article_id"] for a in manifest_of(Catalogue(articles=40, seed=5).manifest("http://x"))}
    assert sorted(i["article_id"] for i in result.items()) == sorted(expected)


@pytest.mark.slow
def test_sections_max_pages_and_limit(tmp_path: Path, replica: RunningReplica):
    result = run_crawl(tmp_path, "-a", f"base_url={replica.url}", "-a", "sections=syria,economy",
                       "-a", "max_pages=1")
    assert result.returncode == 0, result.log[-3000:]
    per_page = 20  # the replica's default --per-page
    expected = set()
    for key in ("syria", "economy"):
        newest = sorted((a for a in replica.articles if a["section"] == key),
                        key=lambda a: a["published_at"], reverse=True)
        expected |= {a["url"] for a in newest[:per_page]}
    assert sorted(i["url"] for i in result.items()) == sorted(expected)

    limited = run_crawl(tmp_path, "-a", f"base_url={replica.url}", "-a", "limit=7", *STATIC_SECTIONS)
    assert limited.returncode == 0, limited.log[-3000:]
    assert len(limited.items()) == 7


@pytest.mark.slow
def test_since_stops_pagination(tmp_path: Path, replica: RunningReplica):
    stamps = sorted(a["published_at"] for a in replica.articles if a["section"] == "world")
    since = stamps[len(stamps) // 2][:10]
    result = run_crawl(tmp_path, "-a", f"base_url={replica.url}", "-a", "sections=world",
                       "-a", f"since={since}")
    assert result.returncode == 0, result.log[-3000:]
    exported = sorted(i["url"] for i in result.items())
    expected = sorted(a["url"] for a in replica.articles
                      if a["section"] == "world" and a["published_at"][:10] >= since)
    assert exported == expected


def test_bad_argument_is_a_clear_error(tmp_path: Path):
    result = run_crawl(tmp_path, "-a", "max_pages=zero")
    assert result.returncode == 2, result.log[-3000:]  # a usage error
    last = [line for line in result.log.splitlines() if line.strip()][-1]
    assert last.endswith(": error: -a max_pages='zero': expected a whole number"), last
    assert not (tmp_path / "items.jsonl").exists()
