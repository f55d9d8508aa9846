"""Turn a publisher page (a Scrapy response) into loader input, driven by the site definition.

Only selectors from :class:`~newscrawl.sites.base.Selectors` are used here, with structured-data
fallbacks (OpenGraph, JSON-LD) for pages whose markup moved. Nothing site-specific is hard-coded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

from scrapy.http import TextResponse

from newscrawl.items import ARTICLE_FIELDS, Article
from newscrawl.loaders import ArticleLoader
from newscrawl.network import url_path
from newscrawl.selectors import first, first_raw, first_text, page_root, raw_text, select
from newscrawl.sites.base import Section, Selectors, SiteDefinition
from newscrawl.text import normalize_space, parse_byline, parse_dateline


@dataclass(frozen=True)
class ListingEntry:
    """What a section listing says about an article, carried to the article callback."""

    url: str
    section: str | None  # None when a feed or sitemap names an article of no known section
    title: str | None
    summary: str | None
    thumbnail: str | None
    stamp: str | None  # the listing stamp; the RSS pubDate or sitemap publication date in those modes
    site: str | None = None  # key of the site whose listing (feed, sitemap) named it
    source: str = "listing"  # what found it: a section "listing", or "rss", "sitemap", "backfill"


def article_key(site: SiteDefinition, url: str) -> tuple[str, str] | None:
    """``(section or writer id, article id)`` of an article URL, or None if ``url`` is no article."""
    match = site.article_path_re.match(url_path(url))
    if not match:
        return None
    return match["section"], match["id"]


def article_identity(site: SiteDefinition, url: str) -> str:
    """The identity of an article across hosts and copies: site family, section or writer id, article
    id. The family (not the host, not the site key) because ids are per family: the ``mail.``/AMP copy
    of an article is the article (for «العرب اليوم» the family is the key, so keys stay as they were)."""
    key = article_key(site, url)
    if key is None:
        return f"{site.family_key}:{urlsplit(url).path}"
    return key_identity(site, key)


def key_identity(site: SiteDefinition, key: tuple[str, str]) -> str:
    """:func:`article_identity` of an :func:`article_key` already computed."""
    return f"{site.family_key}:{key[0]}/{key[1]}"


def clean_article_url(url: str) -> str:
    """An article URL without query string or fragment (tracking parameters, anchors)."""
    if "?" not in url and "#" not in url:
        return url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def listing_entries(response: TextResponse, site: SiteDefinition, section: Section,
                    root: Any = None) -> list[ListingEntry]:
    """Every article entry of a listing page, in page order, with absolute URLs."""
    sel = site.selectors
    root = page_root(response) if root is None else root
    entries = []
    for node in select(root, sel.listing_entry):
        href = first(node, sel.entry_link)
        if not href:
            continue
        thumb = first(node, sel.entry_thumbnail)
        entries.append(
            ListingEntry(
                url=clean_article_url(response.urljoin(href)),
                section=section.key,
                title=first_text(node, sel.entry_title),
                summary=first_text(node, sel.entry_summary),
                thumbnail=response.urljoin(thumb) if thumb else None,
                stamp=first_text(node, sel.entry_stamp),
                site=site.key,
            )
        )
    return entries


def next_page_url(response: TextResponse, site: SiteDefinition, root: Any = None) -> str | None:
    href = first(page_root(response) if root is None else root, site.selectors.next_page)
    return response.urljoin(href) if href else None


class Candidate(NamedTuple):
    """One possible value of a field, and where it comes from (``site h1.article-title``,
    ``OpenGraph meta[property='og:title']::attr(content)``, ``JSON-LD headline``, ``listing title``)."""

    source: str
    value: Any  # as found on the page (None: nothing found there)


#: Fields read from page text: each candidate goes through the ArticleLoader's processors and the first
#: one left non-empty wins. The other fields' candidates are clean already: the first non-empty wins.
SCRAPED_FIELDS = frozenset({"title", "subtitle", "image_url", "image_caption", "updated_raw", "body",
                            "dateline", "author"})
_LOADER = ArticleLoader()  # its processors only: they hold no state
#: Each scraped field's (input, output) processors, looked up once: itemloaders resolves them through
#: the item's field metadata on every call.
_PROCESSORS = {name: (_LOADER.get_input_processor(name), _LOADER.get_output_processor(name))
               for name in SCRAPED_FIELDS}


def clean_texts(value: str | list[str]) -> list[str]:
    """The ArticleLoader's input processor, ``MapCompose(normalize_space, drop_empty)``, for text or a
    list of texts: the non-empty normalized texts (itemloaders' generic machinery costs several calls
    a value; ``tests/test_extract.py`` checks that the two agree for every scraped field)."""
    return [text for text in map(normalize_space, (value,) if isinstance(value, str) else value) if text]


def _take_first(values: list[str]) -> str:
    return values[0]  # TakeFirst of clean_texts' output: every value is a non-empty text


def _join_paragraphs(values: list[str]) -> str:
    return "\n\n".join(values)  # the body's Join("\n\n")


def _is_text(value: Any) -> bool:
    """Text or a list of texts, what the page gives (JSON-LD may hold anything else)."""
    return type(value) is str or (type(value) is list and all(type(v) is str for v in value))


#: The same processors, for the values candidates hold (text, or a list of texts).
_TEXT_PROCESSORS = {name: (clean_texts, _join_paragraphs if name == "body" else _take_first)
                    for name in SCRAPED_FIELDS}


def load_article(
    response: TextResponse, site: SiteDefinition, entry: ListingEntry | None
) -> Article:
    """Build the :class:`Article` of an article page (dates are left to the date pipeline).

    Each field takes the first non-empty value of its :func:`article_candidates`: the site's
    selector, then structured data (OpenGraph, JSON-LD), then what the listing said.
    """
    candidates = article_candidates(response, site, entry)
    item = Article()
    for name in ARTICLE_FIELDS:  # every record has every field: null when the page has none
        item[name] = choose(name, candidates.get(name, ()))[0]
    return item


def choose(name: str, candidates: tuple[Candidate, ...]) -> tuple[Any, int | None]:
    """The value of field ``name`` from its candidates, and the position of the one that gave it."""
    scraped = name in SCRAPED_FIELDS
    for position, candidate in enumerate(candidates):
        if candidate.value is None:
            continue
        if not scraped:
            if candidate.value not in ("", [], {}):
                return candidate.value, position
            continue
        take_in, take_out = _TEXT_PROCESSORS[name] if _is_text(candidate.value) else _PROCESSORS[name]
        kept = take_in(candidate.value)
        if kept:
            return take_out(kept), position
    return None, None


def article_candidates(response: TextResponse, site: SiteDefinition,
                       entry: ListingEntry | None) -> dict[str, tuple[Candidate, ...]]:
    """Every field's candidate values in order of trust, each with its source: the one account of where
    an article's fields come from, which :func:`load_article` loads and ``scrapy explain`` shows.
    Fields without candidates (``published_at``, ``other_urls``…) are filled later in the crawl."""
    sel = site.selectors
    root = page_root(response)
    head = _head(root)
    ld = _json_ld_article(head, sel.json_ld) or _json_ld_article(root, sel.json_ld)
    article = first(root, sel.article)
    article = root if article is None else article
    images = [(f"site {sel.image_lazy}", first(article, sel.image_lazy)),  # lazy images: the real URL
              (f"site {sel.image}", first(article, sel.image)),
              (f"OpenGraph {sel.image_fallback}", first(head, sel.image_fallback)),
              ("JSON-LD image", _ld_image(ld))]
    writer = first_text(article, sel.writer_name)
    paragraphs, dateline, author = _body(select(article, sel.body_paragraphs), sel, writer)
    canonical = first(head, sel.canonical)
    url = clean_article_url(_absolute(response, canonical)) if canonical else None
    key = article_key(site, url or clean_article_url(response.url)) or article_key(site, response.url)
    own = site.section_for_path(key[0]) if key else None
    found = entry.source if entry else "listing"
    return {
        "url": (Candidate(f"site {sel.canonical}", url),
                Candidate("fetched URL", clean_article_url(response.url))),
        "article_id": (Candidate("URL path", key[1] if key else None),),
        "site": (Candidate("site definition", site.key),),
        "brand": (Candidate(f"site {sel.brand}", brand_of(_own_text(first(article, sel.brand)))),),
        # its own URL's section id when the site knows it, else the section of the listing that linked it:
        # a listing may name another section's article (a "most read" block), which stays in its own
        "section": (Candidate("URL section id", own.key if own else None),
                    Candidate(f"{found} section", entry.section if entry else None)),
        "title": (Candidate(f"site {sel.title}", first_raw(article, sel.title)),
                  Candidate(f"OpenGraph {sel.title_fallback}", first_raw(head, sel.title_fallback)),
                  Candidate("JSON-LD headline", _ld_text(ld.get("headline"))),
                  Candidate(f"{found} title", entry.title if entry else None)),
        "subtitle": (Candidate(f"site {sel.subtitle}", first_raw(article, sel.subtitle)),),
        "author": (Candidate(f"site {sel.writer_name}", writer),
                   Candidate(f"site {sel.body_paragraphs} (dateline or byline)", author),
                   Candidate("JSON-LD author", _ld_author(ld))),
        "dateline": (Candidate(f"site {sel.body_paragraphs} (dateline)", dateline),),
        "image_url": tuple(Candidate(source, _absolute(response, i) if i else None) for source, i in images),
        "image_caption": (Candidate(f"site {sel.image_caption}", first_raw(article, sel.image_caption)),),
        "body": (Candidate(f"site {sel.body_paragraphs}", paragraphs),
                 Candidate("JSON-LD articleBody", _ld_paragraphs(ld))),
        "summary": (Candidate(f"{found} summary", entry.summary if entry else None),),
        "published_raw": (Candidate(f"{found} stamp", entry.stamp if entry else None),),
        "updated_raw": (Candidate(f"site {sel.updated}", first_raw(article, sel.updated)),),
        "related": (Candidate(f"site {sel.related_items}", _related(root, response, site)),),
        "language": (Candidate("constant", "ar"),),
        "crawled_at": (Candidate("clock", datetime.now(UTC).isoformat(timespec="seconds")),),
    }


def brand_of(label: str | None) -> str | None:
    """The brand of a label line as printed (`` العرب اليوم -`` → ``العرب اليوم``), or None.

    Read from the page, never from the site definition: mirrors and some sister sites print another
    site's label (albahraintoday.com was seen with ``صوت الإمارات -``).
    """
    brand = normalize_space(label).rstrip("-ـ ").strip() if label else ""
    return brand or None


def _body(paragraphs: list[Any], sel: Selectors,
          writer: str | None) -> tuple[list[str], str | None, str | None]:
    """Body paragraphs in order, with the news dateline (city, author) or opinion byline taken out.

    The first paragraph is a dateline or byline when its class says so or its text has the form
    (``city ـ author``, ``بقلم : name``), or when it is the writer's name alone on its line.
    Paragraphs are returned as in the page; the loader normalizes them and drops empty ones.
    """
    texts = [(p, raw_text(p)) for p in paragraphs]
    texts = [(p, t) for p, t in texts if t and not t.isspace()]
    if not texts:
        return [], None, None
    first_node, first_line = texts[0]
    line = normalize_space(first_line)
    dateline = author = None
    marked = bool(select(first_node, f"{sel.dateline_paragraph}, {sel.byline_paragraph}"))
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


def _own_text(node: Any) -> str | None:
    """The text of a one-line element (the brand label): the text before its first child when there is
    some, else all of its text. A label ``<div>`` left unclosed swallows the rest of the article as
    its children; its own line is still the text it starts with."""
    if node is None:
        return None
    if isinstance(node, str):
        return node
    own = node.text
    return own if own and not own.isspace() else raw_text(node)


def _related(root: Any, response: TextResponse, site: SiteDefinition) -> list[dict[str, Any]]:
    sel = site.selectors
    related = []
    for node in select(root, sel.related_items):
        link = first(node, sel.related_title)
        title = normalize_space(raw_text(link)) if link is not None else ""
        if not title:
            continue
        href = link.get(sel.related_link_attr)
        related.append(
            {
                "title": title,
                "url": _absolute(response, href) if href and href != "#" else None,
                "stamp": first_text(node, sel.related_stamp),
            }
        )
    return related


def _head(root: Any) -> Any:
    head = root.find("head")
    return root if head is None else head


def _absolute(response: TextResponse, href: str) -> str:
    """``href`` made absolute; most links on these pages already are, which skips the URL parsing."""
    return href if href.startswith(("https://", "http://")) else response.urljoin(href)


def _json_ld_article(root: Any, css: str) -> dict[str, Any]:
    """The first JSON-LD object of an article type, or {} (broken JSON is ignored)."""
    for raw in select(root, css):
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(data, (dict, list)):
            continue
        for obj in data if isinstance(data, list) else data.get("@graph", [data]):
            if isinstance(obj, dict) and str(obj.get("@type", "")).endswith("Article"):
                return obj
    return {}


def _ld_text(value: Any) -> Any:
    """A JSON-LD value the text processors read (text, or a list of texts), else None: a headline may
    hold a number or an object, which must not fail the page (the next candidate gives the field)."""
    return value if _is_text(value) else None


def _ld_value(ld: dict[str, Any], key: str, inner: str) -> str | None:
    """A JSON-LD property that may be a string, an object (``{inner: …}``) or a list of either."""
    value = ld.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get(inner)
    return value if isinstance(value, str) else None


def _ld_paragraphs(ld: dict[str, Any]) -> list[str] | None:
    """JSON-LD ``articleBody`` as paragraphs (one per line), or None."""
    text = ld.get("articleBody")
    return str(text).split("\n") if text else None


def _ld_image(ld: dict[str, Any]) -> str | None:
    return _ld_value(ld, "image", "url")


def _ld_author(ld: dict[str, Any]) -> str | None:
    return _ld_value(ld, "author", "name")
