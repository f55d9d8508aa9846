"""Turn a publisher page (a Scrapy response) into loader input, driven by the site definition.

Only selectors from :class:`~newscrawl.sites.base.Selectors` are used here, with structured-data
fallbacks (OpenGraph, JSON-LD) for pages whose markup moved. Nothing site-specific is hard-coded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from parsel import Selector
from scrapy.http import TextResponse

from newscrawl.items import ARTICLE_FIELDS, Article
from newscrawl.loaders import ArticleLoader, html_to_text
from newscrawl.sites.base import Section, Selectors, SiteDefinition
from newscrawl.text import normalize_space, parse_byline, parse_dateline


@dataclass(frozen=True)
class ListingEntry:
    """What a section listing says about an article, carried to the article callback."""

    url: str
    section: str
    title: str | None
    summary: str | None
    thumbnail: str | None
    stamp: str | None


def article_key(site: SiteDefinition, url: str) -> tuple[str, str] | None:
    """``(section or writer id, article id)`` of an article URL, or None if ``url`` is no article."""
    match = site.article_path_re.match(urlsplit(url).path)
    if not match:
        return None
    return match["section"], match["id"]


def article_identity(site: SiteDefinition, url: str) -> str:
    """The identity of an article across hosts and copies: site, section or writer id, article id."""
    key = article_key(site, url)
    if key is None:
        return f"{site.key}:{urlsplit(url).path}"
    return f"{site.key}:{key[0]}/{key[1]}"


def clean_article_url(url: str) -> str:
    """An article URL without query string or fragment (tracking parameters, anchors)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def listing_entries(response: TextResponse, site: SiteDefinition, section: Section) -> list[ListingEntry]:
    """Every article entry of a listing page, in page order, with absolute URLs."""
    sel = site.selectors
    entries = []
    for node in response.css(sel.listing_entry):
        href = node.css(sel.entry_link).get()
        if not href:
            continue
        thumb = node.css(sel.entry_thumbnail).get()
        entries.append(
            ListingEntry(
                url=clean_article_url(response.urljoin(href)),
                section=section.key,
                title=_text(node, sel.entry_title),
                summary=_text(node, sel.entry_summary),
                thumbnail=response.urljoin(thumb) if thumb else None,
                stamp=_text(node, sel.entry_stamp),
            )
        )
    return entries


def next_page_url(response: TextResponse, site: SiteDefinition) -> str | None:
    href = response.css(site.selectors.next_page).get()
    return response.urljoin(href) if href else None


def load_article(
    response: TextResponse, site: SiteDefinition, entry: ListingEntry | None
) -> Article:
    """Build the :class:`Article` of an article page (dates are left to the date pipeline)."""
    sel = site.selectors
    ld = _json_ld_article(response, sel.json_ld)
    loader = ArticleLoader(response=response)

    canonical = response.css(sel.canonical).get()
    url = clean_article_url(response.urljoin(canonical)) if canonical else clean_article_url(response.url)
    loader.add_value("url", url)
    key = article_key(site, url) or article_key(site, response.url)
    loader.add_value("article_id", key[1] if key else None)
    loader.add_value("site", site.key)
    loader.add_value("section", entry.section if entry else None)

    loader.add_css("title", sel.title)
    loader.add_css("title", sel.title_fallback)
    loader.add_value("title", ld.get("headline"))
    loader.add_value("title", entry.title if entry else None)
    loader.add_css("subtitle", sel.subtitle)
    loader.add_css("image_url", sel.image)
    loader.add_css("image_url", sel.image_fallback)
    loader.add_value("image_url", _ld_image(ld))
    loader.add_css("image_caption", sel.image_caption)
    loader.add_css("updated_raw", sel.updated)

    writer = _text(response, sel.writer_name)
    paragraphs, dateline, author = _body(response.css(sel.body_paragraphs), sel, writer)
    if not paragraphs and ld.get("articleBody"):
        paragraphs = [p for p in (normalize_space(x) for x in str(ld["articleBody"]).split("\n")) if p]
    loader.add_value("body", paragraphs)
    loader.add_value("dateline", dateline)
    loader.add_css("author", sel.writer_name)
    loader.add_value("author", author)
    loader.add_value("author", _ld_author(ld))

    if entry:
        loader.add_value("summary", entry.summary)
        loader.add_value("published_raw", entry.stamp)
    loader.add_value("related", _related(response, site))
    loader.add_value("language", "ar")
    loader.add_value("crawled_at", datetime.now(UTC).isoformat(timespec="seconds"))
    item = loader.load_item()
    for name in ARTICLE_FIELDS:  # every record has every field: null when the page has none
        item.setdefault(name, None)
    return item


def _text(node: Selector, css: str) -> str | None:
    found = node.css(css).get()
    return html_to_text(found) or None if found else None


def _body(paragraphs: list[Selector], sel: Selectors,
          writer: str | None) -> tuple[list[str], str | None, str | None]:
    """Body paragraphs in order, with the news dateline (city, author) or opinion byline taken out.

    The first paragraph is a dateline or byline when its class says so or its text has the form
    (``city ـ author``, ``بقلم : name``), or when it is the writer's name alone on its line.
    """
    texts = [(p, t) for p, t in ((p, html_to_text(p.get())) for p in paragraphs) if t]
    if not texts:
        return [], None, None
    first, line = texts[0]
    dateline = author = None
    marked = bool(first.css(f"{sel.dateline_paragraph}, {sel.byline_paragraph}"))
    byline = parse_byline(line)
    parsed = None if byline else parse_dateline(line)
    if byline:
        author = byline
    elif parsed:
        dateline, author = parsed
    elif writer and line == writer:
        author = writer
    elif marked:
        author = line
    else:
        return [t for _, t in texts], None, None
    return [t for _, t in texts[1:]], dateline, author


def _related(response: TextResponse, site: SiteDefinition) -> list[dict[str, Any]]:
    sel = site.selectors
    related = []
    for node in response.css(sel.related_items):
        link = node.css(sel.related_title)
        title = html_to_text(link[0].get()) if link else ""
        if not title:
            continue
        href = node.css(sel.related_link).get()
        related.append(
            {
                "title": title,
                "url": response.urljoin(href) if href and href != "#" else None,
                "stamp": _text(node, sel.related_stamp),
            }
        )
    return related


def _json_ld_article(response: TextResponse, css: str) -> dict[str, Any]:
    """The first JSON-LD object of an article type, or {} (broken JSON is ignored)."""
    for raw in response.css(css).getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        for obj in data if isinstance(data, list) else data.get("@graph", [data]):
            if isinstance(obj, dict) and str(obj.get("@type", "")).endswith("Article"):
                return obj
    return {}


def _ld_image(ld: dict[str, Any]) -> str | None:
    image = ld.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        image = image.get("url")
    return image if isinstance(image, str) else None


def _ld_author(ld: dict[str, Any]) -> str | None:
    author = ld.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        author = author.get("name")
    return author if isinstance(author, str) else None
