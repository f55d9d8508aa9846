"""The replica's ways to find articles without listings: RSS feeds, sitemaps, article ids.

Routes put in front of a :class:`~newscrawl.replica.server.ReplicaResource`'s own (as
:mod:`newscrawl.replica.js_section` does), all derived from the catalogue, so they always agree
with the manifest:

* Feeds in the shapes public news-reader configurations name for the live sites: ``/ar/rss`` and
  ``/rss`` — RSS 2.0 of the newest ``rss_items`` articles; ``/<slug>/rss.xml`` — of one section, by
  its English slug (``Section.feed_slug``; ``/writers/rss.xml``: the columns); ``/rss/<tag>`` — of one
  tag, an Arabic slug. The live tags are unknown beyond one seen (``المدينة-طنجة``, "the city
  Tangier"): the replica's tags are that kind, one per dateline city (``المدينة-<city>``, spaces as
  ``-``), an assumption. Each item: ``title``, ``link`` (canonical), ``guid``, ``pubDate`` (RFC 822,
  GMT), ``description`` (the listing summary), ``category`` (section name).
* ``/sitemap.xml`` — a sitemap index of one file per month of publication, newest first, each with
  the ``lastmod`` of its newest change; ``/sitemaps/YYYY-MM.xml`` (and ``.xml.gz``, gzipped) list
  the month's articles with ``lastmod`` (the article's last change: its update time, else its
  publication) and a Google News block (``news:publication_date``, ``news:title``). ``robots.txt``
  names the index. With ``gzip_sitemaps`` the index links the ``.xml.gz`` files.
* ``/article/<id>`` — ``301`` to the article's canonical URL (``404`` for an unknown id): how a
  back-fill finds an article knowing only its id. An assumption about the live CMS, to verify.
* ``xml_attacks`` — the index also names hostile documents (``/sitemaps/attack-<kind>.xml``): a
  billion-laughs document, an external entity, a malformed file, a gzip bomb (``.xml.gz`` inflating
  to ``attack_bytes``) and a plain file of ``attack_bytes``. A crawler must refuse each.

Served documents are counted in the replica's stats under the path kinds ``feed``, ``sitemap`` and
``redirect``.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from functools import cache
from html import escape
from typing import TYPE_CHECKING

from twisted.web.server import Request

from newscrawl.replica import pages
from newscrawl.replica.catalogue import Catalogue, Head
from newscrawl.replica.http import TEXT, Handler, Response

if TYPE_CHECKING:
    from newscrawl.replica.server import ReplicaResource

RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
GZIP = "application/x-gzip"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
ATTACKS = ("laughs", "xxe", "malformed", "bomb", "huge")


@dataclass(frozen=True)
class DiscoveryOptions:
    """What the discovery routes serve: feed length, gzipped sitemaps, hostile documents."""

    rss_items: int = 50
    gzip_sitemaps: bool = False
    xml_attacks: bool = False
    attack_bytes: int = 256 * 1024 * 1024  # inflated size of the gzip bomb, size of the huge file


def routes(resource: ReplicaResource, options: DiscoveryOptions) -> list[tuple[re.Pattern[str], Handler]]:
    """The discovery routes of ``resource``'s catalogue, to put in front of its own."""
    cat = resource.catalogue
    months = _Months(cat)

    def robots(request: Request, match: re.Match[str], base: str) -> Response:
        body = pages.robots_txt() + f"Sitemap: {base}/sitemap.xml\n"
        return Response(content_type=TEXT, body=body.encode())

    def index(request: Request, match: re.Match[str], base: str) -> Response:
        suffix = ".xml.gz" if options.gzip_sitemaps else ".xml"
        entries = [(f"{base}/sitemaps/{month}{suffix}", last) for month, last in months.lastmods()]
        if options.xml_attacks:
            entries += [(f"{base}/sitemaps/attack-{kind}.xml{'.gz' if kind == 'bomb' else ''}", None)
                        for kind in ATTACKS]
        return Response(content_type=XML, body=_sitemap_index(entries).encode(), kind="sitemap")

    def month(request: Request, match: re.Match[str], base: str) -> Response:
        indices = months.articles(match["month"])
        if indices is None:
            return resource.not_found(base)
        body = _urlset(cat, indices, base).encode()
        if match["gz"]:
            return Response(content_type=GZIP, body=gzip.compress(body, mtime=0), kind="sitemap")
        return Response(content_type=XML, body=body, kind="sitemap")

    def attack(request: Request, match: re.Match[str], base: str) -> Response:
        if not options.xml_attacks:
            return resource.not_found(base)
        kind = match["kind"]
        if kind == "huge":
            return Response(content_type=XML, stream=_huge(options.attack_bytes, base), kind="sitemap",
                            headers={"content-length": str(_huge_length(options.attack_bytes, base))})
        if kind == "bomb":
            return Response(content_type=GZIP, body=gzip_bomb(options.attack_bytes), kind="sitemap")
        return Response(content_type=XML, body=hostile_document(kind, base), kind="sitemap")

    def by_id(request: Request, match: re.Match[str], base: str) -> Response:
        index_ = cat.index_of(match["id"])
        if index_ is None or index_ >= cat.total:
            response = resource.not_found(base)
            response.kind = "redirect"
            return response
        location = base + cat.head(index_).path
        body = f'<html><body><a href="{pages.attr(location)}">Moved</a></body></html>'.encode()
        return Response(status=301, body=body, headers={"location": location}, kind="redirect")

    return [
        (re.compile(r"^/robots\.txt$"), robots),
        *_feed_routes(resource, options),
        (re.compile(r"^/sitemap\.xml$"), index),
        (re.compile(r"^/sitemaps/attack-(?P<kind>[a-z]+)\.xml(?:\.gz)?$"), attack),
        (re.compile(r"^/sitemaps/(?P<month>\d{4}-\d{2})\.xml(?P<gz>\.gz)?$"), month),
        (re.compile(r"^/article/(?P<id>\d{1,9})/?$"), by_id),
    ]


# --- RSS ------------------------------------------------------------------------------------------
def _feed_routes(resource: ReplicaResource,
                 options: DiscoveryOptions) -> list[tuple[re.Pattern[str], Handler]]:
    """The feeds: the site's (``/ar/rss``, ``/rss``), a section's by slug, a tag's."""
    cat = resource.catalogue
    tags = _Tags(cat)

    def site_feed(request: Request, match: re.Match[str], base: str) -> Response:
        return _feed(cat, cat.latest(options.rss_items), base, cat.site.name)

    def section_feed(request: Request, match: re.Match[str], base: str) -> Response:
        section = next((s for s in cat.sections if s.feed_slug == match["slug"]), None)
        if section is None:
            return resource.not_found(base)
        heads = [h for h in cat.section_latest(section, options.rss_items) if h.index != cat.seed_index]
        return _feed(cat, heads, base, f"{cat.site.name} - {section.name}")

    def tag_feed(request: Request, match: re.Match[str], base: str) -> Response:
        indices = tags.articles(match["tag"])
        if not indices:
            return resource.not_found(base)
        heads = [cat.head(i) for i in indices[:options.rss_items]]
        return _feed(cat, heads, base, f"{cat.site.name} - {match['tag']}")

    return [
        (re.compile(r"^/(?:ar/)?rss/?$"), site_feed),
        (re.compile(r"^/(?P<slug>[a-z0-9-]+)/rss\.xml$"), section_feed),
        (re.compile(r"^/rss/(?P<tag>[^/]+)/?$"), tag_feed),
    ]


def rfc822(when: datetime) -> str:
    """``Tue, 22 Apr 2025 10:18:00 GMT``: RSS 2.0's pubDate."""
    return format_datetime(when, usegmt=True)


def _feed(cat: Catalogue, heads: list[Head], base: str, title: str) -> Response:
    items = []
    for head in heads:
        link = base + head.path
        items.append(
            "<item>\n"
            f"<title>{escape(head.title)}</title>\n<link>{escape(link)}</link>\n"
            f'<guid isPermaLink="true">{escape(link)}</guid>\n<pubDate>{rfc822(head.published)}</pubDate>\n'
            f"<description>{escape(cat.article(head.index).summary)}</description>\n"
            f"<category>{escape(head.section.name)}</category>\n</item>"
        )
    last = rfc822(heads[0].published) if heads else ""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title>{escape(title)}</title>\n<link>{escape(base)}/</link>\n"
        f"<description>{escape(cat.site.name)}</description>\n<language>ar</language>\n"
        f"<lastBuildDate>{last}</lastBuildDate>\n" + "\n".join(items) + "\n</channel>\n</rss>\n"
    )
    return Response(content_type=RSS, body=body.encode("utf-8"), kind="feed")


def city_tag(city: str) -> str:
    """The tag slug of a dateline city: ``المدينة-<city>``, spaces as ``-`` (the shape seen live)."""
    return "المدينة-" + "-".join(city.split())


class _Tags:
    """The catalogue's news articles by tag (their dateline city), newest first, computed on first use."""

    def __init__(self, cat: Catalogue) -> None:
        self.cat = cat
        self._tags: dict[str, list[int]] | None = None

    def articles(self, tag: str) -> list[int] | None:
        if self._tags is None:
            tags: dict[str, list[int]] = {}
            for position in range(self.cat.total):  # newest first
                index = self.cat.index_at(position)
                city = self.cat.article(index).dateline_city
                if city:
                    tags.setdefault(city_tag(city), []).append(index)
            self._tags = tags
        return self._tags.get(tag)


# --- sitemaps -------------------------------------------------------------------------------------
class _Months:
    """The catalogue's articles by month of publication (UTC), computed once on first use."""

    def __init__(self, cat: Catalogue) -> None:
        self.cat = cat
        self._months: dict[str, list[int]] | None = None

    def _build(self) -> dict[str, list[int]]:
        if self._months is None:
            months: dict[str, list[int]] = {}
            for position in range(self.cat.total):  # newest first
                index = self.cat.index_at(position)
                # the real article keeps its own date (2018): only its head knows it
                seed = index == self.cat.seed_index
                when = self.cat.head(index).published if seed else self.cat.published(index)
                months.setdefault(f"{when:%Y-%m}", []).append(index)
            self._months = dict(sorted(months.items(), reverse=True))
        return self._months

    def lastmods(self) -> list[tuple[str, datetime]]:
        return [(m, max(self.cat.last_modified(i) for i in ids)) for m, ids in self._build().items()]

    def articles(self, month: str) -> list[int] | None:
        return self._build().get(month)


def _w3c(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def _sitemap_index(entries: list[tuple[str, datetime | None]]) -> str:
    lines = []
    for loc, last in entries:
        lastmod = f"<lastmod>{_w3c(last)}</lastmod>" if last else ""
        lines.append(f"<sitemap><loc>{escape(loc)}</loc>{lastmod}</sitemap>")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
            + "\n".join(lines) + "\n</sitemapindex>\n")


def _urlset(cat: Catalogue, indices: list[int], base: str) -> str:
    lines = []
    for index in indices:
        head = cat.head(index)
        lines.append(
            f"<url><loc>{escape(base + head.path)}</loc><lastmod>{_w3c(cat.last_modified(index))}</lastmod>"
            f"<news:news><news:publication><news:name>{escape(cat.site.name)}</news:name>"
            "<news:language>ar</news:language></news:publication>"
            f"<news:publication_date>{_w3c(head.published)}</news:publication_date>"
            f"<news:title>{escape(head.title)}</news:title></news:news></url>"
        )
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n'
            + "\n".join(lines) + "\n</urlset>\n")


# --- hostile documents ---------------------------------------------------------------------------
def hostile_document(kind: str, base: str) -> bytes:
    """A small hostile sitemap: ``laughs`` (nested entities), ``xxe`` (an external entity naming a
    local file), ``malformed`` (unclosed elements and a stray ``&``)."""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    urlset = f'<urlset xmlns="{SITEMAP_NS}">'
    if kind == "laughs":
        entities = ['<!ENTITY lol "lol">'] + [
            f'<!ENTITY lol{k} "{("&lol" + (str(k - 1) if k > 1 else "") + ";") * 10}">' for k in range(1, 10)
        ]
        return (head + "<!DOCTYPE urlset [\n" + "\n".join(entities) + "\n]>\n"
                f"{urlset}<url><loc>{base}/1/100001-&lol9;</loc></url></urlset>\n").encode()
    if kind == "xxe":
        return (head + '<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                f"{urlset}<url><loc>{base}/1/100002-&xxe;</loc></url></urlset>\n").encode()
    if kind == "malformed":
        return (head + f"{urlset}<url><loc>{base}/1/100003-a&b</loc>"
                "<lastmod>2025-04-22</url>\n").encode()
    return b""


@cache
def gzip_bomb(inflated: int) -> bytes:
    """A valid gzip file of ~``inflated`` bytes of XML, about a thousand times smaller: one member of
    16 MiB of spaces compressed once and repeated (gzip allows several members back to back)."""
    chunk = 16 * 1024 * 1024
    member = gzip.compress(b" " * chunk, compresslevel=9, mtime=0)
    opening = gzip.compress(f'<?xml version="1.0"?>\n<urlset xmlns="{SITEMAP_NS}">'.encode(), mtime=0)
    closing = gzip.compress(b"</urlset>\n", mtime=0)
    return opening + member * max(1, inflated // chunk) + closing


def _huge_parts(size: int, base: str) -> tuple[bytes, bytes, int]:
    opening = f'<?xml version="1.0"?>\n<urlset xmlns="{SITEMAP_NS}">'.encode()
    closing = f"<url><loc>{base}/1/100004-huge</loc></url></urlset>\n".encode()
    return opening, closing, max(0, size - len(opening) - len(closing))


def _huge_length(size: int, base: str) -> int:
    opening, closing, padding = _huge_parts(size, base)
    return len(opening) + padding + len(closing)


def _huge(size: int, base: str) -> Iterator[bytes]:
    """A plain sitemap of ``size`` bytes (whitespace padding), streamed in 64 KiB chunks."""
    opening, closing, padding = _huge_parts(size, base)
    yield opening
    block = b" " * 65536
    while padding > 0:
        yield block[: min(padding, len(block))]
        padding -= len(block)
    yield closing
