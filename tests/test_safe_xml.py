"""Feeds and sitemaps are untrusted: entities, bombs, huge and malformed documents are refused with a
counted reason, and memory stays bounded (peak RSS of a real crawl measured)."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from newscrawl.replica.discovery import gzip_bomb, hostile_document
from newscrawl.xmlsafe import XmlRefused, read_records, xml_bytes
from tests.conftest import ROOT, start_replica
from tests.exports import assert_valid_feed

SITEMAP = ({"url", "sitemap"}, {"urlset", "sitemapindex"})
BASE = "http://127.0.0.1:9"
LAUGHS = hostile_document("laughs", BASE)
XXE = hostile_document("xxe", BASE)


def refused(body: bytes, max_bytes: int = 1_000_000, tags: tuple[set[str], set[str]] = SITEMAP) -> str:
    with pytest.raises(XmlRefused) as error:
        read_records(body, *tags, max_bytes=max_bytes)
    return error.value.reason


def test_billion_laughs_and_external_entities_are_refused() -> None:
    assert refused(LAUGHS) == "entities"
    assert refused(XXE) == "entities"
    # hidden from the byte check by another encoding: the parsed DTD is checked too
    utf16 = LAUGHS.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert refused(utf16) == "entities"


def test_the_parser_itself_expands_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the byte check, the hardened parser still neither expands nor fetches: the entity
    declarations are found in the DTD, nothing of /etc/passwd is ever read, memory stays small."""
    import newscrawl.xmlsafe as xmlsafe

    monkeypatch.setattr(xmlsafe, "_PROLOG_SCAN", 0)
    tracemalloc.start()
    try:
        assert refused(LAUGHS) == "entities"
        assert refused(XXE) == "entities"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # 10^9 "lol"s would be 3 GB


def test_malformed_documents_are_refused_whole() -> None:
    assert refused(hostile_document("malformed", BASE)) == "malformed"
    half = b'<?xml version="1.0"?><urlset><url><loc>http://a/1/100001-x</loc></url><url><loc>http://a/'
    assert refused(half) == "malformed"  # not the first URL and a silence: nothing
    assert refused(b"<html><body>not a sitemap</body></html>") == "unexpected_root"
    assert refused(b"  \n") == "empty"
    assert refused(b"\x1f\x8b\x08 not really gzip") == "gzip_corrupt"


def test_size_caps_before_and_after_decompression() -> None:
    assert refused(b"<urlset>" + b" " * 2_000_000 + b"</urlset>") == "too_large"
    bomb = gzip_bomb(64 * 1024 * 1024)
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(XmlRefused) as error:
            xml_bytes(bomb, max_bytes=1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.value.reason == "decompressed_too_large"
    assert peak < 10_000_000  # stopped near the cap, far from the 64 MiB the bomb holds


def test_gzipped_sitemaps_and_feeds_are_read() -> None:
    sitemap = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
               b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
               b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
               b'xmlns:xhtml="http://www.w3.org/1999/xhtml">'
               b"<url><loc>http://a/40/100001-x</loc><lastmod>2025-04-22T10:18:00+00:00</lastmod>"
               b"<news:news><news:publication><news:name>N</news:name></news:publication>"
               b"<news:publication_date>2025-04-22T10:18:00+00:00</news:publication_date>"
               b"<news:title>T</news:title></news:news>"
               b'<xhtml:link rel="alternate" href="http://a/amp/40/100001-x"/></url></urlset>')
    document = read_records(gzip.compress(sitemap), *SITEMAP)
    assert document.root == "urlset"
    assert document.records == [{"loc": "http://a/40/100001-x", "lastmod": "2025-04-22T10:18:00+00:00",
                                 "name": "N", "publication_date": "2025-04-22T10:18:00+00:00", "title": "T",
                                 "alternate": ["http://a/amp/40/100001-x"]}]
    feed = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>ق</title>'
            "<item><title>عنوان &amp; آخر</title><link>http://a/40/100001-x</link>"
            "<pubDate>Tue, 22 Apr 2025 10:18:00 GMT</pubDate>"
            "<description><![CDATA[<p>ملخص</p>]]></description></item></channel></rss>").encode()
    items = read_records(feed, {"item"}, {"rss"}).records
    assert items == [{"title": "عنوان & آخر", "link": "http://a/40/100001-x",
                      "pubDate": "Tue, 22 Apr 2025 10:18:00 GMT", "description": "<p>ملخص</p>"}]


# --- through a real crawl -------------------------------------------------------------------------
PEAK_WRAPPER = """
import atexit, re, resource, sys

def peak():
    try:
        status = open("/proc/self/status").read()
        kb = int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1))
    except (OSError, AttributeError):
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"PEAK_RSS_KB={kb}", file=sys.stderr)

atexit.register(peak)
sys.argv = ["scrapy", *sys.argv[1:]]
from scrapy.cmdline import execute
execute()
"""
ATTACK_BYTES = 400 * 1024 * 1024  # what the bomb inflates to and the huge sitemap weighs
CAP = 8 * 1024 * 1024


def test_hostile_sitemaps_in_a_crawl_are_refused_and_memory_stays_bounded(tmp_path: Path) -> None:
    replica = start_replica("--articles", "60", "--seed", "3", "--gzip-sitemaps", "--xml-attacks",
                            "--attack-bytes", str(ATTACK_BYTES))
    feed = tmp_path / "items.jsonl"
    try:
        cmd = [sys.executable, "-c", PEAK_WRAPPER, "crawl", "arabstoday", "-a", f"base_url={replica.url}",
               "-a", "discover=sitemap", "-s", f"NEWSCRAWL_MAX_XML_BYTES={CAP}", "-O", str(feed)]
        proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                              text=True, timeout=300)
        log = proc.stderr + proc.stdout
        assert proc.returncode == 0, log[-3000:]
        items = assert_valid_feed(feed)
        assert sorted(i["url"] for i in items) == sorted(a["url"] for a in replica.articles)
    finally:
        replica.stop()
    counted = {k: int(v) for k, v in re.findall(r"'xml/([a-z_]+)': (\d+)", log)}
    assert counted == {"documents": 3, "entities": 2, "malformed": 1, "decompressed_too_large": 1,
                       "too_large": 1}
    assert "root:" not in feed.read_text(encoding="utf-8")  # nothing of /etc/passwd anywhere
    peak_mb = int(re.search(r"PEAK_RSS_KB=(\d+)", log).group(1)) / 1024
    print(f"peak RSS of the crawl: {peak_mb:.0f} MB")
    assert peak_mb < 300, f"peak RSS {peak_mb:.0f} MB for a {ATTACK_BYTES >> 20} MiB bomb and file"
