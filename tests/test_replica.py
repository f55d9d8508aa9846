"""The replica: a local publisher served over HTTP, checked the way the crawler will read it.

One replica process (50 articles, seed 7, 3 entries per listing page so that listings paginate) is
started for the module and read with urllib; a second, large one checks startup at 100k articles.
"""

from __future__ import annotations

import json
import re
import select
import socket
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from parsel import Selector

from newscrawl.replica import corpus
from newscrawl.replica.catalogue import Catalogue
from newscrawl.sites import get_site

ROOT = Path(__file__).resolve().parents[1]
SEED_FILE = ROOT / "newscrawl" / "replica" / "data" / "seed_article.txt"
SITE = get_site("arabstoday")
SEL = SITE.selectors
ARTICLES, SEED, PER_PAGE = 50, 7, 3
STAMP = re.compile(
    r"^GMT (?P<hm>\d\d:\d\d) (?P<year>\d{4}) (?P<weekday>\S+) ,(?P<day>\d\d) (?P<eg>\S+) / (?P<lev>.+)$"
)


# --- helpers ------------------------------------------------------------------------------------------
def start_replica(*args: str, timeout: float = 300.0) -> tuple[subprocess.Popen[str], str]:
    """Start ``python -m newscrawl.replica``; return the process and its base URL (``timeout`` only
    stops a hang: start-up speed is bench/'s to measure)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "newscrawl.replica", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline() if ready else ""  # type: ignore[union-attr]
    match = re.fullmatch(r"Replica serving (http://127\.0\.0\.1:\d+)/\n", line)
    if not match:
        stop(proc)
        pytest.fail(f"replica did not print its URL within {timeout}s: {line!r}")
    return proc, match[1]


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def clean(value: str) -> str:
    """Text as a reader sees it: runs of whitespace (NBSP included) collapsed, RLM marks dropped."""
    return " ".join(value.replace("\u200f", "").split())


def text(selector: Selector, css: str) -> str | None:
    """Cleaned text of the first match (None when nothing matches)."""
    node = selector.css(css)
    return clean(node[0].xpath("string()").get()) if node else None


def visible_lines(html: str) -> list[str]:
    """The page's visible text, one collapsed line per text line (scripts and styles dropped)."""
    body = lxml.html.fromstring(html).find("body")
    for node in body.xpath(".//script|.//style|.//noscript"):
        node.drop_tree()
    return [" ".join(line.split()) for line in body.text_content().split("\n") if line.split()]


@pytest.fixture(scope="module")
def replica() -> Iterator[str]:
    proc, base = start_replica(
        "--articles", str(ARTICLES), "--seed", str(SEED), "--per-page", str(PER_PAGE)
    )
    yield base
    stop(proc)


@pytest.fixture(scope="module")
def manifest(replica: str) -> dict:
    status, headers, body = fetch(replica + "/__replica__/manifest.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    return json.loads(body)


# --- the served site ------------------------------------------------------------------------------------
def test_home_links_every_section(replica: str) -> None:
    status, headers, html = fetch(replica + "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    paths = {
        urlsplit(urljoin(replica, href)).path for href in Selector(text=html).css("a::attr(href)").getall()
    }
    for section in SITE.sections:
        assert SITE.listing_path(section) in paths, section.key


def test_listings_paginate_to_the_last_page(replica: str, manifest: dict) -> None:
    for info in manifest["sections"]:
        if SITE.section(info["key"]).render:
            continue  # listed by a script, not in the HTML: tests/test_render.py
        expected = [a["url"] for a in manifest["articles"] if a["section"] == info["key"]]
        assert info["count"] == len(expected) and expected, info
        url: str | None = replica + info["path"]
        seen: list[str] = []
        pages = 0
        while url:
            status, _, html = fetch(url)
            assert status == 200, url
            sel = Selector(text=html)
            entries = sel.css(SEL.listing_entry)
            assert 0 < len(entries) <= PER_PAGE
            for entry in entries:
                seen.append(urljoin(url, entry.css(SEL.entry_link).get()))
                assert STAMP.match(text(entry, SEL.entry_stamp) or ""), url
                assert text(entry, SEL.entry_summary)
                assert entry.css(SEL.entry_thumbnail).get()
            pages += 1
            next_href = sel.css(SEL.next_page).get()
            url = urljoin(url, next_href) if next_href else None
        assert seen == expected, info["key"]  # newest first, nothing lost, nothing repeated
        assert pages == info["pages"] == -(-len(expected) // PER_PAGE)
        beyond = f"{replica}{info['path']}?page={pages + 1}"
        assert fetch(beyond)[0] == 404
    # the seed article is the oldest: the last entry of the Syria listing
    syria = [a for a in manifest["articles"] if a["section"] == "syria"]
    assert syria[-1]["article_id"] == "095935" and manifest["articles"][-1] == syria[-1]


def test_every_manifest_article_is_served_as_the_manifest_says(replica: str, manifest: dict) -> None:
    assert manifest["count"] == ARTICLES + 1 == len(manifest["articles"])
    for article in manifest["articles"]:
        status, headers, html = fetch(article["url"])
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert 30_000 <= len(html.encode()) <= 80_000, article["url"]
        sel = Selector(text=html)
        assert text(sel, SEL.title) == article["title"]
        assert sel.css(SEL.canonical).get() == article["url"]
        assert sel.css("link[rel=amphtml]::attr(href)").get() == article["amp_url"]
        assert text(sel, SEL.updated) == article["updated_raw"]
        assert text(sel, SEL.subtitle) == article["subtitle"]
        # lazy images (sections rendered client-side) keep the real URL in data-src
        assert (sel.css(SEL.image_lazy).get() or sel.css(SEL.image).get()) == article["image_url"]
        assert text(sel, SEL.image_caption) == article["image_caption"]
        paragraphs = sel.css(SEL.body_paragraphs)
        lead = paragraphs[0]
        body = [clean(p.xpath("string()").get()) for p in paragraphs[1:]]
        assert body == article["body"], article["url"]
        if article["kind"] == "news":
            assert lead.attrib["class"] == "dateline"
            line = text(lead, "p")
            assert line.startswith(article["dateline"]) and line.endswith(article["author"])
        else:
            assert lead.attrib["class"] == "byline" and text(lead, "p").endswith(article["author"])
            assert text(sel, SEL.writer_name) == article["author"]
            assert f"/w-{article['writer_id']}/" in article["url"]
        related = sel.css(SEL.related_items)
        assert len(related) == len(article["related"])
        for item, truth in zip(related, article["related"], strict=True):
            assert text(item, SEL.related_title) == truth["title"]
            assert text(item, SEL.related_stamp) == truth["stamp"]
            href = item.css(SEL.related_title).attrib.get(SEL.related_link_attr)
            assert (href if truth["url"] is None else urljoin(article["url"], href)) == (truth["url"] or "#")
        ld = json.loads(sel.css(SEL.json_ld).get())
        assert ld["headline"] == article["title"] and ld["articleSection"]


def test_manifest_dates_agree_with_listing_stamps(manifest: dict) -> None:
    published = [datetime.fromisoformat(a["published_at"]) for a in manifest["articles"]]
    assert published == sorted(published, reverse=True) and len(set(published)) == len(published)
    for article, when in zip(manifest["articles"], published, strict=True):
        match = STAMP.match(article["listing_stamp"])
        assert match, article["listing_stamp"]
        assert match["hm"] == f"{when:%H:%M}" and int(match["year"]) == when.year
        assert int(match["day"]) == when.day and match["weekday"] == corpus.WEEKDAYS[when.weekday()]
        assert (match["eg"], match["lev"]) == corpus.MONTHS[when.month - 1]
        if article["updated_raw"] is None:
            assert article["updated_at"] is None
            continue
        updated = datetime.fromisoformat(article["updated_at"])
        assert updated.date() == when.date() and updated >= when
        assert re.fullmatch(r"آخر تحديث GMT ?\d\d:\d\d:\d\d", article["updated_raw"])
        assert article["updated_raw"].endswith(f"{updated:%H:%M:%S}")
    seed = manifest["articles"][-1]
    assert seed["listing_stamp"] == "GMT 12:41 2018 الجمعة ,08 يونيو / حزيران"
    assert (
        seed["updated_raw"] == "آخر تحديث GMT12:58:10" and seed["updated_at"] == "2018-06-08T12:58:10+00:00"
    )


def test_seed_page_shows_every_seed_line_in_order(manifest: dict) -> None:
    seed = manifest["articles"][-1]
    assert urlsplit(seed["url"]).path.startswith("/40/095935-") and seed["section"] == "syria"
    expected = [" ".join(line.split()) for line in SEED_FILE.read_text(encoding="utf-8").split("\n")]
    expected = [line for line in expected if line]
    lines = iter(visible_lines(fetch(seed["url"])[2]))
    missing = [line for line in expected if not any(line == got for got in lines)]
    assert not missing, f"first seed line not found in order: {missing[0]!r}"
    assert len(seed["body"]) == 8 and seed["dateline"] == "موسكو" and seed["author"] == "ريتا مهنا"


def test_unknown_paths_are_404(replica: str, manifest: dict) -> None:
    seed_path = urlsplit(manifest["articles"][-1]["url"]).path
    for path in (
        "/nope",
        "/40/999999-x",  # unknown id
        "/3" + seed_path[3:],  # right id, wrong section
        "/section/999",
        "/section/40?page=0",
        "/section/40?page=abc",
        "/writers?page=999",
        "/w-1",
    ):
        status, headers, html = fetch(replica + path)
        assert status == 404, path
        assert headers["Content-Type"] == "text/html; charset=utf-8" and "404" in html


def test_article_found_by_ids_whatever_the_slug(replica: str, manifest: dict) -> None:
    article = manifest["articles"][-1]
    host = urlsplit(replica)
    raw_path = "/40/095935-محادثات-أميركية-روسية"  # raw UTF-8 on the wire, as some clients send it
    with socket.create_connection((host.hostname, host.port), timeout=60) as conn:
        conn.sendall(f"GET {raw_path} HTTP/1.0\r\nHost: {host.netloc}\r\n\r\n".encode())
        raw = b""
        while chunk := conn.recv(65536):
            raw += chunk
    assert raw.startswith(b"HTTP/1.0 200") or raw.startswith(b"HTTP/1.1 200")
    assert f'<link rel="canonical" href="{article["url"]}">'.encode() in raw
    status, _, html = fetch(replica + "/40/095935-wrong-slug")
    assert status == 200 and Selector(text=html).css(SEL.canonical).get() == article["url"]


def test_amp_copies_point_to_their_canonical(manifest: dict) -> None:
    for article in manifest["articles"][:6] + manifest["articles"][-1:]:
        status, _, html = fetch(article["amp_url"])
        assert status == 200 and "<html amp" in html
        sel = Selector(text=html)
        assert sel.css(SEL.canonical).get() == article["url"]
        assert not sel.css(SEL.updated)
        name = next(s["name"] for s in manifest["sections"] if s["key"] == article["section"])
        assert text(sel, ".breadcrumb") == f"الرئيسية » {name}"


def test_robots_allows_the_crawl(replica: str) -> None:
    status, headers, body = fetch(replica + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    disallowed = {line.split(":", 1)[1].strip() for line in body.splitlines() if line.startswith("Disallow:")}
    assert disallowed == {"/search", "/admin/"}


def test_same_seed_same_content_other_seed_other_content(replica: str, manifest: dict) -> None:
    here = Catalogue(articles=ARTICLES, seed=SEED, per_page=PER_PAGE).manifest(replica)
    assert here == manifest["articles"]  # another process, same seed: the same site
    other = Catalogue(articles=ARTICLES, seed=SEED + 1, per_page=PER_PAGE).manifest(replica)
    assert [a["title"] for a in other[:-1]] != [a["title"] for a in here[:-1]]
    assert other[-1] == here[-1]  # the seed article is the real one whatever the seed


# --- the catalogue in process --------------------------------------------------------------------------
def test_generated_text_rules() -> None:
    cat = Catalogue(articles=20_000, seed=3)
    titles = [cat.head(i).title for i in range(cat.total)]
    assert len(set(titles)) == len(titles)
    assert all(5 <= len(t.split()) <= 12 for t in titles[:-1])
    ids = [cat.head(i).article_id for i in range(cat.total)]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"\d{6}", i) for i in ids)
    assert all(cat.index_of(ids[i]) == i for i in range(0, cat.total, 97))
    title_set = set(titles)
    for index in range(0, cat.articles, 20):
        art = cat.article(index)
        assert 4 <= len(art.paragraphs) <= 12 and all(2 <= len(p) <= 5 for p in art.paragraphs)
        assert not title_set.intersection(s for p in art.paragraphs for s in p)
        assert art.summary == art.paragraphs[0][0]
    updated = [cat.head(i).updated_raw for i in range(2000)]
    share = sum(u is not None for u in updated) / len(updated)
    assert 0.8 < share < 0.9
    assert any(u and "GMT " in u for u in updated) and any(u and "GMT " not in u for u in updated)


def test_listen_inside_an_asyncio_reactor() -> None:
    """The library API as the spider uses it: ``listen`` in an already installed asyncio reactor."""
    script = textwrap.dedent(
        """
        from twisted.internet import asyncioreactor
        asyncioreactor.install()
        from twisted.internet import reactor, threads
        import urllib.request
        from newscrawl.replica import Catalogue, listen

        port = listen(Catalogue(articles=12, seed=1), port=0, host="127.0.0.1")
        url = f"http://127.0.0.1:{port.getHost().port}/robots.txt"

        def done(result):  # the first line, or the failure: either way the reactor stops
            print(result.decode().splitlines()[0] if isinstance(result, bytes) else result)
            reactor.stop()

        threads.deferToThread(lambda: urllib.request.urlopen(url, timeout=60).read()).addBoth(done)
        reactor.run()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.stdout.strip() == "User-agent: *", result.stderr


def test_startup_with_100k_articles() -> None:
    proc, base = start_replica("--articles", "100000", "--seed", "5")  # start-up speed: bench/
    try:
        status, _, body = fetch(base + "/__replica__/manifest.json?fields=article_id")
        data = json.loads(body)
        assert status == 200 and data["count"] == 100_001 == len(data["articles"])
        assert len({a["article_id"] for a in data["articles"]}) == 100_001
        last = next(s for s in data["sections"] if s["key"] == "syria")["pages"]
        status, _, html = fetch(f"{base}/section/40?page={last}")
        entries = Selector(text=html).css(SEL.entry_link).getall()
        assert status == 200 and "/40/095935-" in entries[-1]
    finally:
        stop(proc)
