"""The tools a Scrapy user reaches for when the site definition needs debugging, through the CLI:
``scrapy parse URL`` (default callback by URL kind), ``scrapy check`` (contracts against a replica),
``scrapy explain URL`` (each field's value and source, and the selectors that matched nothing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from scrapy.exceptions import ContractFail
from scrapy.http import HtmlResponse

from newscrawl.contracts import FilledContract
from newscrawl.explain import explain_article
from newscrawl.items import Article
from newscrawl.sites import get_site
from tests.conftest import ROOT, RunningReplica, start_replica

SITE = get_site("arabstoday")
SEED_ID = "095935"  # the publisher's real article, in the replica at /40/095935-…


def scrapy(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def small() -> Iterator[RunningReplica]:
    running = start_replica("--articles", "60", "--seed", "2")
    yield running
    running.stop()


def _seed(replica: RunningReplica) -> dict[str, Any]:
    return next(a for a in replica.articles if a["article_id"] == SEED_ID)


# --- scrapy parse -----------------------------------------------------------------------------------

def test_parse_an_article_url_prints_its_item(small: RunningReplica):
    seed = _seed(small)
    out = scrapy("parse", "--nocolour", seed["url"])
    assert out.returncode == 0, out.stderr[-3000:]
    items, requests = out.stdout.split("# Requests")
    assert f"'title': '{seed['title']}'" in items and f"'article_id': '{SEED_ID}'" in items
    assert "'section': 'syria'" in items  # from the URL: no listing told it
    assert "<GET" not in requests


def test_parse_a_listing_url_prints_its_requests(replica: RunningReplica):
    listed = [a for a in replica.articles if a["section"] == "economy"]
    assert len(listed) > 20  # a second page
    out = scrapy("parse", "--nocolour", replica.url + SITE.listing_path(SITE.section("economy")))
    assert out.returncode == 0, out.stderr[-3000:]
    items, requests = out.stdout.split("# Requests")
    assert "'title'" not in items
    urls = [line.split("<GET ", 1)[1].rstrip(">,]") for line in requests.splitlines() if "<GET " in line]
    per_page = 20
    assert urls[:per_page] == [a["url"] for a in listed[:per_page]]
    assert urls[per_page:] == [replica.url + "/section/6?page=2"]  # and the next page


def test_parse_of_a_page_that_is_not_there_fails(small: RunningReplica):
    out = scrapy("parse", small.url + "/40/999999-none")
    assert out.returncode == 1


def test_parse_checks_the_spider_arguments(small: RunningReplica):
    out = scrapy("parse", "-a", "sectoins=syria", small.url + "/section/40")
    assert out.returncode == 2
    assert "-a sectoins: unknown argument (did you mean 'sections'?)" in out.stderr
    assert "Traceback" not in out.stderr


# --- scrapy check -----------------------------------------------------------------------------------

def test_contracts_are_listed():
    out = scrapy("check", "-l", "arabstoday")
    assert out.returncode == 0
    assert [line.strip("* ").strip() for line in out.stdout.splitlines()[1:]] == [
        "parse", "parse_article", "parse_listing"]


def test_check_runs_every_contract_against_the_embedded_replica():
    out = scrapy("check", "arabstoday", "-a", "source=replica")
    assert out.returncode == 0, out.stderr[-3000:]
    assert "Ran 7 contracts" in out.stderr and out.stderr.rstrip().endswith("OK")


def test_check_fails_where_the_pages_are_not_what_the_contracts_expect():
    other = start_replica("--site", "emiratesvoice", "--articles", "20")  # no /section/40, no article 095935
    try:
        out = scrapy("check", "arabstoday", "-a", f"base_url={other.url}")
    finally:
        other.stop()
    assert out.returncode == 1
    assert "FAILED" in out.stderr and "parse_article" in out.stderr and "parse_listing" in out.stderr


def test_filled_contract_fails_on_an_empty_field():
    class Spider:
        name = "arabstoday"

        def parse_article(self, response: Any) -> None: ...

    contract = FilledContract(Spider().parse_article, "title", "body")
    contract.post_process([Article(url="http://x/1/2", title="عنوان", body="نص")])
    with pytest.raises(ContractFail, match="empty field.*body"):
        contract.post_process([Article(url="http://x/1/2", title="عنوان", body=None)])


# --- scrapy explain ---------------------------------------------------------------------------------

def _explain(*args: str) -> dict[str, Any]:
    out = scrapy("explain", "--json", *args)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def test_explain_an_article_of_the_replica(small: RunningReplica):
    seed = _seed(small)
    report = _explain(seed["url"])
    fields = {f["field"]: f for f in report["fields"]}
    assert report["kind"] == "article" and report["status"] == 200
    assert fields["title"]["value"] == seed["title"] and fields["title"]["source"] == "site h1.article-title"
    assert fields["author"]["value"] == seed["author"]
    assert fields["author"]["source"].startswith("site div.article-body > p")  # its dateline
    assert fields["author"]["empty"] == ["site .writer-box .writer-name"]  # tried first, nothing there
    assert fields["published_at"]["later"].startswith("the date pipeline")
    unmatched = {u["name"] for u in report["unmatched"]}
    assert "writer_name" in unmatched and "title" not in unmatched


def test_explain_text_report_of_a_listing(small: RunningReplica):
    out = scrapy("explain", small.url + "/section/40")
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"listing {small.url}/section/40 (site arabstoday, HTTP 200)")
    count = min(20, len([a for a in small.articles if a["section"] == "syria"]))
    assert lines[1].startswith(f"{count} entries; next page: ")


def test_explain_shows_the_fallbacks_of_a_page_whose_markup_moved():
    """A page where the site's selectors find nothing: each field says which fallback gave it."""
    ld = {"@type": "NewsArticle", "headline": "عنوان JSON-LD", "image": "https://www.arabstoday.net/i.jpg",
          "articleBody": "فقرة أولى\nفقرة ثانية"}
    head = ('<meta property="og:title" content="عنوان OG">'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
    html = f"<html><head>{head}</head><body><div class='new-layout'>…</div></body></html>"
    url = "https://www.arabstoday.net/40/123456-x"
    response = HtmlResponse(url, body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
    fields = {f.field: f for f in explain_article(response, SITE, None)}
    assert fields["title"].value == "عنوان OG"
    assert fields["title"].source == "OpenGraph " + SITE.selectors.title_fallback
    assert fields["title"].empty == ["site h1.article-title"]
    assert fields["body"].source == "JSON-LD articleBody"
    assert fields["body"].value == "فقرة أولى\n\nفقرة ثانية"
    assert fields["image_url"].source == "JSON-LD image"
    assert fields["subtitle"].value is None and fields["subtitle"].empty == ["site h2.article-subtitle"]
    assert fields["url"].source == "fetched URL"


def test_explain_of_a_missing_page_and_a_bad_argument(small: RunningReplica):
    assert scrapy("explain", "-a", "site=nosuch", small.url + "/section/40").returncode == 2
    gone = scrapy("explain", "--json", small.url + "/40/999999-none")
    assert gone.returncode == 0 and json.loads(gone.stdout)["status"] == 404
